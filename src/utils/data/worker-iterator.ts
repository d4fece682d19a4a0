// One epoch over worker threads, as PyTorch's _MultiProcessingDataLoaderIter: the main thread draws
// the sampler's indices, keeps prefetchFactor x numWorkers requests outstanding, hands them to the
// workers round-robin, and yields the batches in the order the indices were drawn. The epoch is a
// generator of steps ("wait for worker w", "batch b") so that one body serves for...of (blocking
// receive) and for await...of (awaited receive).

import type { Reply } from "./worker-protocol.js";
import type { WorkerPool } from "./worker-pool.js";

export type Step<B> = { wait: number } | { batch: B };
/** An epoch's steps; each "wait" step is answered with that worker's reply. */
export type Steps<B> = Generator<Step<B>, void, Reply | undefined>;

/** PyTorch's ExceptionWrapper.reraise: the worker's error, same type where JS has it, with its stack. */
export function workerError(reply: Reply & { k: "error" }, worker: number): Error {
  const message = `Caught ${reply.name} in DataLoader worker process ${worker}.\nOriginal Traceback (most recent call last):\n${reply.stack}`;
  const types: Record<string, ErrorConstructor> = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  return new (types[reply.name] ?? Error)(message);
}

export interface EpochOptions<B> {
  /** Map-style: each batch's indices (or single index), drawn here; null for an IterableDataset. */
  source: Iterator<number[] | number> | null;
  prefetchFactor: number;
  /** Persistent workers from an earlier epoch: they restart their iterators first. */
  resume: boolean;
  /** Turns a reply's data into the batch (decoding, and the main-thread collate). */
  finish: (data: (Reply & { k: "data" })["data"]) => B;
}

export function* workerEpoch<B>(pool: WorkerPool, o: EpochOptions<B>): Steps<B> {
  const k = pool.size;
  if (o.resume) {
    for (let w = 0; w < k; w++) pool.send(w, { k: "resume" });
    // Replies still on their way from an epoch left early are dropped (PyTorch's _ResumeIteration).
    for (let w = 0; w < k; w++) {
      for (;;) {
        const r = (yield { wait: w })!;
        if (r.k === "resumed") break;
        if (r.k === "error" && r.task === null) throw workerError(r, w);
      }
    }
  }
  const active = new Array<boolean>(k).fill(true);
  const owner = new Map<number, number>();
  let sendIdx = 0, rcvdIdx = 0, nextWorker = 0;
  const tryPut = (): void => {
    let request: number[] | number | null = null;
    if (o.source) {
      const n = o.source.next();
      if (n.done) return;
      request = n.value;
    }
    let w = -1;
    for (let i = 0; i < k && w < 0; i++) {
      const c = nextWorker;
      nextWorker = (nextWorker + 1) % k;
      if (active[c]) w = c;
    }
    if (w < 0) return;
    pool.send(w, request === null ? { k: "next", task: sendIdx } : { k: "fetch", task: sendIdx, indices: request });
    owner.set(sendIdx++, w);
  };
  for (let i = 0; i < o.prefetchFactor * k; i++) tryPut();
  for (;;) {
    // Requests held by workers whose iterator ended get no reply: skip them.
    while (rcvdIdx < sendIdx && !active[owner.get(rcvdIdx)!]) owner.delete(rcvdIdx++);
    if (rcvdIdx >= sendIdx) return;
    const w = owner.get(rcvdIdx)!;
    // A worker answers its requests in order, and every earlier request was answered: this is rcvdIdx's.
    const r = (yield { wait: w })!;
    if (r.k === "error") throw workerError(r, w);
    if (r.k === "end") { active[w] = false; tryPut(); continue; }
    if (r.k !== "data" || r.task !== rcvdIdx) throw new Error(`DataLoader: worker ${w} answered out of order (expected request ${rcvdIdx})`);
    owner.delete(rcvdIdx++);
    tryPut();
    yield { batch: o.finish(r.data) };
  }
}

/** for...of: blocks on each reply. */
export function* runSync<B>(pool: WorkerPool, steps: Steps<B>): Generator<B> {
  let s = steps.next();
  while (!s.done) {
    if ("wait" in s.value) s = steps.next(pool.receiveSync(s.value.wait));
    else { yield s.value.batch; s = steps.next(); }
  }
}

/** for await...of: awaits each reply. */
export async function* runAsync<B>(pool: WorkerPool, steps: Steps<B>): AsyncGenerator<B> {
  let s = steps.next();
  while (!s.done) {
    if ("wait" in s.value) s = steps.next(await pool.receive(s.value.wait));
    else { yield s.value.batch; s = steps.next(); }
  }
}
