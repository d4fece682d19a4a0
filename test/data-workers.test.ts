// DataLoader with numWorkers > 0: worker threads fetch the batches, which come back in the
// sampler's order with the values of numWorkers = 0; seeds, errors, pool lifetime, iterable sharding.

import { test } from "node:test";
import assert from "node:assert/strict";
import { threadId } from "node:worker_threads";
import * as torch from "../src/index.js";
import { liveWorkerThreads } from "../src/utils/data/worker-pool.js";
import { Faulty, NoisyRange, ShardedStream, countInit, listWithWorker } from "./fixtures/data-workers/datasets.js";

const { DataLoader, TensorDataset, Subset, ConcatDataset, getWorkerInfo } = torch.utils.data;

// Worker threads move bytes, not kernels' results: npm test's native pass covers them (its small
// storages are plain buffers, as every storage is in the JS pass), and each pool costs seconds.
const skip = process.env["TORCH_TS_BACKEND"] === "js" ? "npm test's native pass runs the workers (the kernels do not matter here)" : false;
type Item = [number, number, number, number];

/** A batch as plain values, whatever its structure. */
function plain(x: unknown): unknown {
  if (x instanceof torch.Tensor) return { dtype: x.dtype.name, shape: x.shape, values: x.tolist() };
  if (Array.isArray(x)) return x.map(plain);
  return x;
}

/** Waits until the worker threads started since `before` was counted have exited. */
async function untilWorkersEnd(before: number): Promise<void> {
  for (let i = 0; i < 300 && liveWorkerThreads() > before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(liveWorkerThreads(), before, "worker threads still running");
}

test("numWorkers 2 gives numWorkers 0's batches (nested datasets, user class, shuffle, custom collate, dropLast), for...of and for await...of; persistent workers", { skip }, async () => {
  const tensors = new TensorDataset(torch.arange(30).mul(10), torch.arange(30).to(torch.float16));
  const user = new NoisyRange(9, 3);
  const rows = (i: number, item: unknown): number[] =>
    Array.isArray(item) && item[0] instanceof torch.Tensor ? [Number(item[0].item()), Number(item[1].item())] : [(item as Item)[0], i];
  // Items of both kinds, reduced to numbers by a collateFn without workerModule (runs in the main thread).
  const seen: Item[] = [];
  const collateFn = (items: unknown[]): number[][] => items.map((it, i) => {
    if (!(Array.isArray(it) && it[0] instanceof torch.Tensor)) seen.push(it as Item);
    return rows(i, it);
  });
  const ds = new ConcatDataset<unknown>([new Subset(tensors, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]), user, tensors]);
  const opts = { batchSize: 4, shuffle: true, dropLast: true, collateFn };
  const expected: unknown[] = [];
  for (const seed of [7, 8]) {
    const gen = new torch.Generator().manualSeed(seed);
    expected.push([...new DataLoader(ds, { ...opts, generator: gen })]);
  }
  seen.length = 0;
  const gen = new torch.Generator().manualSeed(7);
  const loader = new DataLoader(ds, { ...opts, numWorkers: 2, persistentWorkers: true, generator: gen });
  const first = [...loader];
  assert.deepEqual(first, expected[0]);
  assert.equal(first.length, Math.floor(50 / 4));
  const firstThreads = new Set(seen.map((s) => s[3]));
  // getItem ran in both workers, never in the main thread.
  assert.deepEqual(new Set(seen.map((s) => s[2])), new Set([0, 1]));
  assert.ok(!firstThreads.has(threadId));
  assert.equal(firstThreads.size, 2);
  gen.manualSeed(8);
  seen.length = 0;
  const second: unknown[] = [];
  for await (const b of loader) second.push(b);
  assert.deepEqual(second, expected[1]);
  // Persistent workers: the same two threads served the second epoch.
  assert.deepEqual(new Set(seen.map((s) => s[3])), firstThreads);
  assert.equal(liveWorkerThreads(), 2);
  // An early break keeps persistent workers; a failure would end them.
  for (const _ of loader) break;
  assert.equal(liveWorkerThreads(), 2);
});

test("default collate in workers: int64/float16/bfloat16/bool batches; an early break ends the workers", { skip }, async () => {
  const before = liveWorkerThreads();
  const ds = new TensorDataset(
    torch.arange(12).mul(1e12), torch.arange(12).div(3).to(torch.float16), torch.arange(12).div(7).to(torch.bfloat16), torch.arange(12).remainder(2).eq(0),
  );
  const want = [...new DataLoader(ds, { batchSize: 5 })].map(plain);
  const got: unknown[] = [];
  for (const b of new DataLoader(ds, { batchSize: 5, numWorkers: 2, prefetchFactor: 1 })) {
    got.push(plain(b));
    if (got.length === 2) break;
  }
  assert.deepEqual(got, want.slice(0, 2));
  assert.equal((got[0] as { dtype: string }[]).map((t) => t.dtype).join(), "int64,float16,bfloat16,bool");
  await untilWorkersEnd(before);
});

test("each worker seeds its generator with baseSeed + id: reproducible per seed, different per worker", { skip }, async () => {
  const before = liveWorkerThreads();
  const run = (): Item[] => {
    torch.manualSeed(123);
    return [...new DataLoader(new NoisyRange(8, 1), { batchSize: 2, numWorkers: 2, collateFn: (b: Item[]) => b })].flat();
  };
  const a = run(), b = run();
  assert.deepEqual(a.map((x) => x.slice(0, 3)), b.map((x) => x.slice(0, 3)));
  // Non-persistent workers: new threads for each iteration.
  assert.notDeepEqual(new Set(a.map((x) => x[3])), new Set(b.map((x) => x[3])));
  // Batches alternate between workers (round-robin): worker 0 has items 0,1,4,5, worker 1 items 2,3,6,7.
  assert.deepEqual(a.map((x) => x[2]), [0, 0, 1, 1, 0, 0, 1, 1]);
  // Each worker's first draw is torch.rand after manualSeed(baseSeed + id); the base seed is the
  // loader's first draw from the default generator after manualSeed(123).
  const baseSeed = torch.manualSeed(123).random64();
  for (const id of [0, 1]) {
    const g = new torch.Generator().manualSeed(BigInt.asUintN(64, baseSeed + BigInt(id)));
    assert.equal(a[id * 2]![1], torch.rand(1, { generator: g }).item());
  }
  assert.notEqual(a[0]![1], a[2]![1]);
  assert.equal(getWorkerInfo(), null);
  await untilWorkersEnd(before);
});

test("an error in a worker's getItem is re-raised in the main thread (PyTorch's message) and the pool ends; timeout", { skip }, async () => {
  const before = liveWorkerThreads();
  const loader = new DataLoader(new Faulty(10, 6), { batchSize: 2, numWorkers: 2 });
  assert.throws(() => [...loader], (e: Error) =>
    e instanceof TypeError && e.message.startsWith("Caught TypeError in DataLoader worker process 1.\nOriginal Traceback (most recent call last):\nTypeError: bad item 6"));
  await untilWorkersEnd(before);
  const slow = new DataLoader(new Faulty(4, -1, 0, 5000), { batchSize: 2, numWorkers: 2, timeout: 0.3 });
  // Without the timeout the loop would end normally once the 5 s item arrives.
  await assert.rejects(async () => { for await (const _ of slow) { /* none */ } }, { message: "DataLoader timed out after 0.3 seconds" });
  await untilWorkersEnd(before);
});

test("IterableDataset sharded by getWorkerInfo: every item once, batches round-robin; workerInitFn and an importable collateFn run in the workers", { skip }, async () => {
  const before = liveWorkerThreads();
  const loader = new DataLoader(new ShardedStream(11), { batchSize: 2, numWorkers: 2, workerInitFn: countInit, collateFn: listWithWorker });
  const batches = [...loader] as { values: number[]; worker: number; inits: number[] }[];
  // Worker 0 yields 0,2,4,...; worker 1 yields 1,3,5,...; each ends with a short batch.
  assert.deepEqual(batches.map((b) => b.values), [[0, 2], [1, 3], [4, 6], [5, 7], [8, 10], [9]]);
  assert.deepEqual(batches.map((b) => b.worker), [0, 1, 0, 1, 0, 1]);
  // workerInitFn ran once in each worker before its items.
  assert.ok(batches.every((b) => b.inits.every((n) => n === 1)));
  await untilWorkersEnd(before);
});

test("arguments and datasets workers cannot rebuild are errors before any worker starts", { skip }, () => {
  const before = liveWorkerThreads();
  const ds = new TensorDataset(torch.arange(4));
  assert.throws(() => new DataLoader(ds, { numWorkers: -1 }), { message: "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing." });
  assert.throws(() => new DataLoader(ds, { prefetchFactor: 2 }), /^Error: prefetch_factor option could only be specified in multiprocessing/);
  assert.throws(() => new DataLoader(ds, { persistentWorkers: true }), { message: "persistent_workers option needs num_workers > 0" });
  assert.throws(() => new DataLoader(ds, { numWorkers: 1, prefetchFactor: -1 }), { message: "prefetch_factor option should be non-negative" });
  assert.throws(() => new DataLoader(ds, { timeout: -1 }), { message: "timeout option should be non-negative" });
  class Local extends torch.utils.data.Dataset<number> {
    readonly f = (i: number): number => i;
    get length(): number { return 2; }
    getItem(i: number): number { return this.f(i); }
  }
  assert.throws(() => [...new DataLoader(new Local(), { numWorkers: 2 })], /dataset is an instance of class Local, which a worker thread cannot rebuild: add `static workerModule = import.meta.url` to class Local/);
  const withClosure = new NoisyRange(4, 1);
  (withClosure as unknown as { transform: unknown }).transform = (x: number) => x + 1;
  assert.throws(() => [...new DataLoader(new Subset(withClosure, [0, 1]), { numWorkers: 2 })], /dataset\.dataset\.transform is a function \(anonymous\) that a worker thread cannot import/);
  assert.throws(() => [...new DataLoader(ds, { numWorkers: 2, workerInitFn: () => {} })], /workerInitFn is a function \(workerInitFn\) that a worker thread cannot import/);
  assert.equal(liveWorkerThreads(), before);
});
