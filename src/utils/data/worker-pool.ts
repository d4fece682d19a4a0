// The DataLoader's worker threads (Node's worker_threads): start, requests, replies. A reply is
// read with receiveMessageOnPort; the main thread blocks for it (for...of) with Atomics.wait on a
// counter each worker bumps after posting, or awaits Atomics.waitAsync (for await...of).
// node:worker_threads is reached through process.getBuiltinModule, so web bundles never import it.

import type * as WorkerThreads from "node:worker_threads";
import type { Reply, Request, WorkerSetup } from "./worker-protocol.js";
import { nodeBuiltin } from "../../core/node-builtin.js";

/** node:worker_threads, or null where there is none (browsers, Node before 20.16). */
export function workerThreads(): typeof WorkerThreads | null {
  return nodeBuiltin<typeof WorkerThreads>("node:worker_threads") ?? null;
}

/**
 * Code that starts a worker: from dist/ it imports worker-main.js; from src/ under tsx (whose
 * loader hooks do not reach worker threads in Node 20) it first registers tsx in the worker.
 * A failure to load is reported like any worker error, so a blocked main thread never hangs.
 */
function bootstrapCode(): string {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./worker-main.ts" : "./worker-main.js", import.meta.url).href;
  const load = `import(${JSON.stringify(entry)})`;
  const tsx = fromSource ? tsxApi() : null;
  const body = tsx ? `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return ${load}; })` : load;
  return `const { workerData } = require("node:worker_threads");
${body}.catch((e) => {
  const err = e instanceof Error ? e : new Error(String(e));
  workerData.port.postMessage({ k: "error", task: null, name: err.name, message: err.message, stack: err.stack || String(err) });
  const signal = new Int32Array(workerData.signal);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});`;
}

/** tsx's registration API, when the program runs under tsx (another TypeScript loader may reach workers by itself). */
function tsxApi(): string | null {
  try { return import.meta.resolve("tsx/esm/api"); } catch { return null; }
}

/** Atomics.waitAsync (ES2024; in Node 16+), typed here since the compiled lib is older. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

let liveThreads = 0;

/** @internal Worker threads started by DataLoaders and not yet exited (tests check that pools end). */
export function liveWorkerThreads(): number { return liveThreads; }

export function timeoutError(seconds: number): Error { return new Error(`DataLoader timed out after ${seconds} seconds`); }

export type PoolSetup = Omit<WorkerSetup, "id" | "port" | "signal">;

export class WorkerPool {
  readonly size: number;
  readonly threadIds: number[];
  private readonly workers: WorkerThreads.Worker[] = [];
  private readonly ports: WorkerThreads.MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly wt: typeof WorkerThreads;
  private closed = false;
  /** Whether each worker said it started: its replies' timeout runs from then. */
  private readonly ready: boolean[] = [];

  constructor(wt: typeof WorkerThreads, setup: PoolSetup, /** seconds; 0 waits forever */ readonly timeout: number) {
    this.wt = wt;
    this.size = setup.numWorkers;
    const code = bootstrapCode();
    for (let id = 0; id < this.size; id++) {
      const { port1, port2 } = new wt.MessageChannel();
      const data: WorkerSetup = { ...setup, id, port: port2, signal: this.signal.buffer as SharedArrayBuffer };
      const worker = new wt.Worker(code, { eval: true, workerData: data, transferList: [port2] });
      liveThreads++;
      worker.once("exit", () => { liveThreads--; });
      // Errors come through the port; the event would otherwise be an uncaught exception.
      worker.on("error", () => {});
      // A loader dropped without finishing its iteration must not keep the process alive.
      worker.unref();
      port1.unref();
      this.ready.push(false);
      this.workers.push(worker);
      this.ports.push(port1);
    }
    this.threadIds = this.workers.map((w) => w.threadId);
  }

  /** A reply's deadline: the loader's timeout from now, once the worker started (starting is not timed). */
  private deadline(worker: number): number {
    return this.timeout > 0 && this.ready[worker] ? Date.now() + this.timeout * 1000 : Infinity;
  }

  send(worker: number, request: Request): void { this.ports[worker]!.postMessage(request); }

  /**
   * Worker `worker`'s next reply if one came, else the signal count seen before looking and the
   * milliseconds left to wait (Infinity: no timeout); throws once the timeout passed. Its "ready"
   * notice starts the timeout's clock.
   */
  private poll(worker: number, deadline: { at: number }): Reply | { seen: number; left: number } {
    for (;;) {
      // The count is read before looking for the message: a reply posted in between changes it.
      const seen = Atomics.load(this.signal, 0);
      const got = this.wt.receiveMessageOnPort(this.ports[worker]!);
      if (got && (got.message as Reply).k === "ready") { this.ready[worker] = true; deadline.at = this.deadline(worker); continue; }
      if (got) return got.message as Reply;
      const left = deadline.at - Date.now();
      if (left <= 0) throw timeoutError(this.timeout);
      return { seen, left };
    }
  }

  /** Worker `worker`'s next reply, blocking this thread until it comes. */
  receiveSync(worker: number): Reply {
    const deadline = { at: this.deadline(worker) };
    for (;;) {
      const r = this.poll(worker, deadline);
      if ("k" in r) return r;
      Atomics.wait(this.signal, 0, r.seen, r.left === Infinity ? undefined : r.left);
    }
  }

  /** Worker `worker`'s next reply, without blocking the event loop. */
  async receive(worker: number): Promise<Reply> {
    const deadline = { at: this.deadline(worker) };
    // A pending Atomics.waitAsync does not keep Node's event loop alive; the workers do, meanwhile.
    for (const w of this.workers) w.ref();
    try {
      for (;;) {
        const r = this.poll(worker, deadline);
        if ("k" in r) return r;
        const wait = waitAsync(this.signal, 0, r.seen, r.left === Infinity ? undefined : r.left);
        if (wait.async) await wait.value;
      }
    } finally {
      if (!this.closed) for (const w of this.workers) w.unref();
    }
  }

  /** Ends the threads (they stop at once; their exit follows asynchronously). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const port of this.ports) port.close();
    for (const w of this.workers) void w.terminate();
  }
}
