// DataLoader: batches from a dataset through a (batch) sampler and a collate function, iterable
// with for...of and for await...of. The async form prepares the next batch while the caller
// works on the current one. With numWorkers > 0 (Node), worker threads fetch the batches
// (worker-pool.ts, worker-iterator.ts), in the same order and with the same values.

import { Tensor } from "../../core/tensor.js";
import { type Generator, defaultGenerator } from "../../core/generator.js";
import { float64, int64, bool } from "../../core/dtype.js";
import { Dataset, IterableDataset, TensorDataset } from "./dataset.js";
import { BatchSampler, RandomSampler, Sampler, SequentialSampler } from "./sampler.js";
import { copyInto, emptyTensor } from "../../ops/engine.js";
import { asTensor, tensor } from "../../ops/creation.js";
import type { StorageArray } from "../../core/dtype.js";
import { isOptionsObject } from "../../ops/args.js";
import { Decoder, Encoder, encodeFunction, workerModuleOf } from "./worker-transfer.js";
import { WorkerPool, workerThreads } from "./worker-pool.js";
import { runAsync, runSync, workerEpoch, type Steps } from "./worker-iterator.js";
import type { CollateMode } from "./worker-protocol.js";

export type CollateFn<T, B> = (batch: T[]) => B;

/** Any dataset a DataLoader takes: map-style or iterable. */
export type AnyDataset = Dataset<unknown> | IterableDataset<unknown>;
/** The type of a dataset's items. */
export type ItemOf<D extends AnyDataset> = D extends Dataset<infer T> ? T : D extends IterableDataset<infer T> ? T : never;

/** The type defaultCollate makes of a batch of T: tensors and numbers become tensors, structure is kept. */
export type DefaultCollated<T> =
  T extends Tensor | number | bigint | boolean ? Tensor
  : T extends string ? string[]
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: DefaultCollated<T[K]> }
  : T extends Map<infer K, infer V> ? Map<K, DefaultCollated<V>>
  : T extends object ? { [K in keyof T]: DefaultCollated<T[K]> }
  : unknown;

/** Stacks same-shaped tensors along a new first dim (one allocation, no autograd). */
function stackTensors(ts: Tensor[]): Tensor {
  const first = ts[0]!;
  for (const t of ts) {
    if (t.shape.join() !== first.shape.join()) {
      throw new Error(`default_collate: stack expects each tensor to be equal size, but got [${first.shape.join(", ")}] at entry 0 and [${t.shape.join(", ")}] at entry ${ts.indexOf(t)}`);
    }
    if (t.dtype !== first.dtype) throw new Error(`default_collate: tensors of different dtypes (${first.dtype} and ${t.dtype}) in one batch`);
  }
  const out = emptyTensor([ts.length, ...first.shape], first.dtype);
  const per = first.numel();
  ts.forEach((t, i) => copyInto(new Tensor(out.storage, first.shape, undefined, i * per), t));
  return out;
}

/**
 * PyTorch's default_collate: tensors are stacked, numbers become a tensor (float64 for floats,
 * int64 for integers, bool), strings stay a list, arrays and objects/Maps are collated per field.
 */
export function defaultCollate(batch: unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stackTensors(batch as Tensor[]);
  // Typed arrays play numpy arrays' part: made tensors, then stacked.
  if (isTypedArray(elem)) return stackTensors(batch.map((b) => defaultConvert(b) as Tensor));
  if (typeof elem === "number") {
    const ints = (batch as number[]).every((v) => Number.isInteger(v));
    return tensor(batch as number[], { dtype: ints ? int64 : float64 });
  }
  if (typeof elem === "bigint") return tensor(batch as bigint[], { dtype: int64 });
  if (typeof elem === "boolean") return tensor(batch as boolean[], { dtype: bool });
  if (typeof elem === "string") return batch;
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const k of elem.keys()) out.set(k, defaultCollate(batch.map((b) => (b as Map<unknown, unknown>).get(k))));
    return out;
  }
  if (Array.isArray(elem)) {
    const n = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === n)) throw new Error("each element in list of batch should be of equal size");
    return elem.map((_, i) => defaultCollate(batch.map((b) => (b as unknown[])[i])));
  }
  if (elem !== null && typeof elem === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(elem)) out[k] = defaultCollate(batch.map((b) => (b as Record<string, unknown>)[k]));
    return out;
  }
  throw new Error(`default_collate: batch must contain tensors, numbers, strings, objects or arrays; found ${elem === null ? "null" : typeof elem}`);
}

/** A typed array (not a DataView): the JS counterpart of a numpy array in a dataset's items. */
function isTypedArray(v: unknown): boolean {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * PyTorch's default_convert, the collate of a DataLoader without automatic batching: typed arrays
 * (numpy arrays' counterpart) become tensors, inside arrays, Maps and objects too; tensors, numbers,
 * strings and anything else are returned as they are.
 */
export function defaultConvert(data: unknown): unknown {
  if (data instanceof Tensor) return data;
  if (isTypedArray(data)) return asTensor(data as StorageArray);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (Array.isArray(data)) return data.map(defaultConvert);
  if (isOptionsObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  return data;
}

export interface DataLoaderOptions<T, B> {
  batchSize?: number | null;
  shuffle?: boolean;
  sampler?: Sampler<number> | null;
  batchSampler?: Sampler<number[]> | null;
  numWorkers?: number;
  collateFn?: CollateFn<T, B> | null;
  pinMemory?: boolean;
  dropLast?: boolean;
  timeout?: number;
  generator?: Generator | null;
  prefetchFactor?: number | null;
  persistentWorkers?: boolean;
  /**
   * Called in each worker thread with its id, after seeding. Workers import it: export it under its
   * name and set `fn.workerModule = import.meta.url`.
   */
  workerInitFn?: ((workerId: number) => void) | null;
}

const KNOWN = ["batchSize", "shuffle", "sampler", "batchSampler", "numWorkers", "collateFn", "pinMemory", "dropLast", "timeout", "generator", "prefetchFactor", "persistentWorkers", "workerInitFn"];

export class DataLoader<D extends AnyDataset = AnyDataset, B = DefaultCollated<ItemOf<D>>> {
  /** The dataset given, with its own type. */
  readonly dataset: D;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Sampler<number> | null;
  readonly batchSampler: Sampler<number[]> | null;
  readonly collateFn: CollateFn<ItemOf<D>, B>;
  readonly numWorkers: number;
  /** Batches requested ahead per worker (null without workers). */
  readonly prefetchFactor: number | null;
  readonly persistentWorkers: boolean;
  /** Seconds to wait for a batch from the workers; 0 waits forever. */
  readonly timeout: number;
  readonly workerInitFn: ((workerId: number) => void) | null;
  private readonly usesDefaultCollate: boolean;
  private readonly generator: Generator | null;
  /** The persistent workers, kept between epochs. */
  private pool: WorkerPool | null = null;

  constructor(dataset: D, batchSize: number | null | DataLoaderOptions<ItemOf<D>, B> = 1, options: DataLoaderOptions<ItemOf<D>, B> = {}) {
    const o: DataLoaderOptions<ItemOf<D>, B> = isOptionsObject(batchSize) ? (batchSize as DataLoaderOptions<ItemOf<D>, B>) : { ...options, batchSize: batchSize as number | null };
    for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new Error(`DataLoader.__init__() got an unexpected keyword argument '${k}'`);
    this.dataset = dataset;
    const bs = o.batchSize === undefined ? 1 : o.batchSize;
    const iterable = dataset instanceof IterableDataset;
    if (iterable && (o.shuffle || o.sampler || o.batchSampler)) {
      throw new Error("DataLoader with IterableDataset: expected unspecified shuffle, sampler and batch_sampler options");
    }
    if (o.sampler && o.shuffle) throw new Error("sampler option is mutually exclusive with shuffle");
    if (o.batchSampler && (bs !== 1 || o.shuffle || o.sampler || o.dropLast)) {
      throw new Error("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
    }
    if (bs !== null && (!Number.isInteger(bs) || bs <= 0)) throw new Error(`batch_size should be a positive integer value, but got batch_size=${bs}`);
    const numWorkers = o.numWorkers ?? 0;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) throw new Error("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    const timeout = o.timeout ?? 0;
    if (!(timeout >= 0)) throw new Error("timeout option should be non-negative");
    const prefetch = o.prefetchFactor ?? null;
    if (numWorkers === 0 && prefetch !== null) {
      throw new Error("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.");
    }
    if (prefetch !== null && (!Number.isInteger(prefetch) || prefetch < 0)) throw new Error("prefetch_factor option should be non-negative");
    if (o.persistentWorkers && numWorkers === 0) throw new Error("persistent_workers option needs num_workers > 0");
    this.numWorkers = numWorkers;
    this.prefetchFactor = numWorkers > 0 ? (prefetch ?? 2) : null;
    this.persistentWorkers = o.persistentWorkers ?? false;
    this.timeout = timeout;
    this.workerInitFn = o.workerInitFn ?? null;
    this.dropLast = o.dropLast ?? false;
    if (iterable) { this.sampler = null; this.batchSampler = null; }
    else {
      const ds = dataset as Dataset<ItemOf<D>>;
      this.sampler = o.sampler ?? (o.shuffle ? new RandomSampler(ds, { generator: o.generator ?? null }) : new SequentialSampler(ds));
      this.batchSampler = o.batchSampler ?? (bs === null ? null : new BatchSampler(this.sampler, bs, this.dropLast));
    }
    this.batchSize = o.batchSampler ? null : bs;
    this.usesDefaultCollate = !o.collateFn;
    this.generator = o.generator ?? null;
    this.collateFn = o.collateFn ?? (defaultCollate as CollateFn<ItemOf<D>, B>);
  }

  /** len(loader): the number of batches. */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    if (this.sampler) return this.sampler.length;
    throw new Error("DataLoader over an IterableDataset has no length");
  }

  private fetch(indices: number[]): B {
    return fetchMapBatch(this.dataset as Dataset<ItemOf<D>>, indices, this.collateFn, this.usesDefaultCollate);
  }

  /**
   * The workers of this epoch: the persistent ones of an earlier epoch, or new ones. The dataset,
   * collateFn and workerInitFn are checked (and encoded) before any thread starts.
   */
  private startPool(wt: NonNullable<ReturnType<typeof workerThreads>>, baseSeed: bigint): { pool: WorkerPool; resume: boolean } {
    if (this.pool) return { pool: this.pool, resume: true };
    const dataset = new Encoder("share").encode(this.dataset, "dataset");
    const collate = this.collateMode();
    const initFn = this.workerInitFn ? encodeFunction(this.workerInitFn, "workerInitFn") : null;
    const iterable = this.dataset instanceof IterableDataset;
    const pool = new WorkerPool(wt, {
      numWorkers: this.numWorkers, baseSeed, dataset, iterable, batchSize: this.batchSize, dropLast: this.dropLast, collate, initFn,
    }, this.timeout);
    if (this.persistentWorkers) this.pool = pool;
    return { pool, resume: false };
  }

  private collateMode(): CollateMode {
    // Without automatic batching (batchSize null) items are not collated, as without workers.
    if (this.batchSize === null && !this.batchSampler) return { kind: "none" };
    if (this.usesDefaultCollate) return { kind: "default" };
    // A collateFn that workers can import runs there; any other runs here on the fetched items.
    return workerModuleOf(this.collateFn) !== null ? { kind: "function", fn: encodeFunction(this.collateFn, "collateFn") } : { kind: "items" };
  }

  private epoch(pool: WorkerPool, resume: boolean): Steps<B> {
    const mainCollate = this.collateMode().kind === "items";
    const source = this.dataset instanceof IterableDataset ? null : (this.batchSampler ?? this.sampler!)[Symbol.iterator]();
    return workerEpoch<B>(pool, {
      source, prefetchFactor: this.prefetchFactor!, resume,
      finish: (data) => {
        const value = new Decoder().decode(data);
        if (this.batchSize === null && !this.batchSampler) return this.single(value);
        return mainCollate ? this.collateFn(value as ItemOf<D>[]) : value as B;
      },
    });
  }

  /** Non-persistent workers end with the epoch (finished, left by break, or failed); persistent ones on failure only. */
  private endEpoch(pool: WorkerPool, failed: boolean): void {
    if (this.persistentWorkers && !failed) return;
    pool.close();
    if (this.pool === pool) this.pool = null;
  }

  *[Symbol.iterator](): Iterator<B> {
    // PyTorch's iterator draws a base seed for workers first (from the loader's generator or the
    // default one), then the sampler draws its own: keep the same stream order.
    const baseSeed = (this.generator ?? defaultGenerator).random64();
    const wt = this.numWorkers > 0 ? workerThreadsOrWarn() : null;
    if (wt) {
      const pool = this.startPool(wt, baseSeed);
      let failed = false;
      try { yield* runSync(pool.pool, this.epoch(pool.pool, pool.resume)); } catch (e) { failed = true; throw e; } finally { this.endEpoch(pool.pool, failed); }
      return;
    }
    if (this.dataset instanceof IterableDataset) {
      if (this.batchSize === null) { for (const x of this.dataset) yield this.single(x); return; }
      let batch: ItemOf<D>[] = [];
      for (const x of this.dataset) {
        batch.push(x);
        if (batch.length === this.batchSize) { yield this.collateFn(batch); batch = []; }
      }
      if (batch.length && !this.dropLast) yield this.collateFn(batch);
      return;
    }
    if (this.batchSampler) { for (const idx of this.batchSampler) yield this.fetch(idx); return; }
    const ds = this.dataset as Dataset<ItemOf<D>>;
    for (const i of this.sampler!) yield this.single(ds.getItem(i));
  }

  /**
   * Without automatic batching PyTorch passes each item alone to the collate function: the given
   * collateFn, or default_convert.
   */
  private single(item: unknown): B {
    return this.usesDefaultCollate ? defaultConvert(item) as B : (this.collateFn as unknown as (item: unknown) => B)(item);
  }

  /** for await...of: the next batch is fetched while the caller awaits on the current one. */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const wt = this.numWorkers > 0 ? workerThreadsOrWarn() : null;
    if (wt) {
      const baseSeed = (this.generator ?? defaultGenerator).random64();
      const pool = this.startPool(wt, baseSeed);
      let failed = false;
      try { yield* runAsync(pool.pool, this.epoch(pool.pool, pool.resume)); } catch (e) { failed = true; throw e; } finally { this.endEpoch(pool.pool, failed); }
      return;
    }
    const it = this[Symbol.iterator]();
    let next = it.next();
    while (!next.done) {
      const current = next.value;
      const pending = new Promise<IteratorResult<B>>((resolve, reject) => defer(() => { try { resolve(it.next()); } catch (e) { reject(e); } }));
      yield current;
      next = await pending;
    }
  }
}

/** PyTorch's fetchers for a map-style batch: getItem per index, then the collate. */
export function fetchMapBatch<T, B>(ds: Dataset<T>, indices: number[], collateFn: CollateFn<T, B>, usesDefaultCollate: boolean): B {
  // A TensorDataset batch is one gather per tensor instead of a stack of rows (same result).
  if (usesDefaultCollate && ds instanceof TensorDataset) {
    const idx = tensor(indices, { dtype: int64 });
    return ds.tensors.map((t) => t.indexSelect(0, idx)) as unknown as B;
  }
  return collateFn(indices.map((i) => ds.getItem(i)));
}

let warnedNoWorkers = false;

/** node:worker_threads; where there is none (browsers), says once that batches load in the main thread. */
function workerThreadsOrWarn(): ReturnType<typeof workerThreads> {
  const wt = workerThreads();
  if (wt === null && !warnedNoWorkers) {
    warnedNoWorkers = true;
    console.warn("DataLoader: numWorkers > 0 needs worker threads (Node's worker_threads), which this platform lacks; batches load in the main thread");
  }
  return wt;
}

const defer: (f: () => void) => void = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ?? ((f) => setTimeout(f, 0));
