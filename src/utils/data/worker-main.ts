// A DataLoader worker thread (PyTorch's _worker_loop): rebuilds the dataset, seeds its default
// generator with baseSeed + id, runs workerInitFn, then answers the loader's requests in order.

import { workerData } from "node:worker_threads";
// The whole library, as the user's modules see it: op methods installed, native kernels loaded.
import "../../index.js";
import { manualSeed } from "../../core/generator.js";
import { Storage } from "../../core/storage.js";
import type { Dataset, IterableDataset } from "./dataset.js";
import { defaultCollate, fetchMapBatch } from "./dataloader.js";
import { setWorkerInfo } from "./worker-info.js";
import { Decoder, Encoder, modulesOf } from "./worker-transfer.js";
import type { CollateMode, Reply, Request, WorkerSetup } from "./worker-protocol.js";

const setup = workerData as WorkerSetup;
const signal = new Int32Array(setup.signal);

function reply(message: Reply, transfer: ArrayBuffer[] = []): void {
  setup.port.postMessage(message, transfer);
  // After the message is queued: a main thread that saw no message waits on the old count.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function errorReply(task: number | null, e: unknown): Reply {
  const err = e instanceof Error ? e : new Error(String(e));
  return { k: "error", task, name: err.name, message: err.message, stack: err.stack ?? `${err.name}: ${err.message}` };
}

// Whatever escapes (an async error in user code) still reaches the loader instead of a silent exit.
process.on("uncaughtException", (e) => reply(errorReply(null, e)));

type Fetch = (request: Request & { k: "fetch" | "next" }) => { data: unknown } | "end";

async function start(): Promise<{ fetch: Fetch; resume: () => void }> {
  const urls = [...modulesOf(setup.dataset), ...(setup.collate.kind === "function" ? modulesOf(setup.collate.fn) : []), ...(setup.initFn ? modulesOf(setup.initFn) : [])];
  const modules = new Map<string, Record<string, unknown>>();
  for (const url of new Set(urls)) modules.set(url, await import(url) as Record<string, unknown>);
  const decoder = new Decoder(modules);
  const dataset = decoder.decode(setup.dataset) as Dataset | IterableDataset;
  const collate = collateOf(setup.collate, decoder);
  const seed = setup.baseSeed + BigInt(setup.id);
  manualSeed(BigInt.asUintN(64, seed));
  setWorkerInfo({ id: setup.id, numWorkers: setup.numWorkers, seed, dataset });
  if (setup.initFn) (decoder.decode(setup.initFn) as (id: number) => void)(setup.id);

  if (!setup.iterable) {
    const ds = dataset as Dataset;
    return {
      fetch: (r) => {
        const indices = (r as { indices: number[] | number }).indices;
        if (typeof indices === "number") return { data: ds.getItem(indices) };
        if (collate === null) return { data: indices.map((i) => ds.getItem(i)) };
        return { data: fetchMapBatch(ds, indices, collate, setup.collate.kind === "default") };
      },
      resume: () => {},
    };
  }
  // PyTorch's _IterableDatasetFetcher: this worker's own iterator; a short last batch unless dropLast.
  const ds = dataset as IterableDataset;
  let it = ds[Symbol.iterator]();
  let ended = false;
  return {
    fetch: () => {
      if (ended) return "end";
      if (setup.batchSize === null) {
        const n = it.next();
        if (n.done) { ended = true; return "end"; }
        return { data: n.value };
      }
      const items: unknown[] = [];
      while (items.length < setup.batchSize) {
        const n = it.next();
        if (n.done) { ended = true; break; }
        items.push(n.value);
      }
      if (items.length === 0 || (setup.dropLast && items.length < setup.batchSize)) return "end";
      return { data: collate === null ? items : collate(items) };
    },
    resume: () => { it = ds[Symbol.iterator](); ended = false; },
  };
}

function collateOf(mode: CollateMode, decoder: Decoder): ((b: unknown[]) => unknown) | null {
  if (mode.kind === "default") return defaultCollate;
  if (mode.kind === "function") return decoder.decode(mode.fn) as (b: unknown[]) => unknown;
  return null;
}

const ready = start();
// An error while starting (dataset rebuild, workerInitFn) is reported at once, and again to each request.
ready.then(() => reply({ k: "ready" }), (e: unknown) => reply(errorReply(null, e)));
let exhausted = false;
// Requests are answered one at a time, in the order they came.
let queue: Promise<void> = Promise.resolve();
setup.port.on("message", (request: Request) => { queue = queue.then(() => answer(request)); });

async function answer(request: Request): Promise<void> {
  let worker: Awaited<typeof ready>;
  try { worker = await ready; } catch (e) { reply(errorReply(request.k === "resume" ? null : request.task, e)); return; }
  if (request.k === "resume") { worker.resume(); exhausted = false; reply({ k: "resumed" }); return; }
  // After its iterator ended, a worker ignores further requests (the loader skips them).
  if (exhausted) return;
  try {
    const firstFresh = Storage.created;
    const got = worker.fetch(request);
    if (got === "end") { exhausted = true; reply({ k: "end", task: request.task }); return; }
    const encoder = new Encoder("result", firstFresh);
    const data = encoder.encode(got.data, "batch");
    reply({ k: "data", task: request.task, data }, encoder.transfer);
  } catch (e) {
    reply(errorReply(request.task, e));
  }
}
