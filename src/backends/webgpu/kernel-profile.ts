// GPU time per kernel, from timestamp queries (the adapter's "timestamp-query" feature). While a
// profile runs, each dispatch gets a compute pass of its own whose beginning and end write
// timestamps; at each submit the batch's timestamps are resolved and read back, and the durations
// are added up per kernel (its pipeline key). Passes of one dispatch each serialize the GPU a
// little more than the usual one pass per batch, so the total is an upper bound of what the kernels
// take within a step; the split between kernels is what it is for.

import { BufferUsage, MAP_MODE_READ } from "./gpu-types.js";

/** One kernel's share of a profile. */
export interface KernelTime {
  /** The pipeline key: kernel kind and variant ("gemm|64|64|...", "pw|relu|...", "layer_norm|256|11"). */
  key: string;
  /** Dispatches timed. */
  count: number;
  /** GPU milliseconds, all dispatches together. */
  ms: number;
}

/** Timestamps a query set holds: two per dispatch. */
const QUERIES_PER_BATCH = 512;

interface Batch {
  querySet: GPUQuerySet;
  keys: string[];
}

export class KernelProfiler {
  private batch: Batch | null = null;
  private readonly pending: Promise<void>[] = [];
  private readonly totals = new Map<string, { count: number; ns: number }>();

  constructor(private readonly device: GPUDevice) {}

  /** Whether the current batch is full (the context then submits before the next dispatch). */
  get full(): boolean { return this.batch !== null && this.batch.keys.length * 2 >= QUERIES_PER_BATCH; }

  /** The descriptor of a compute pass that times one dispatch of kernel `key`. */
  pass(key: string): GPUComputePassDescriptor {
    if (!this.batch) this.batch = { querySet: this.device.createQuerySet({ type: "timestamp", count: QUERIES_PER_BATCH }), keys: [] };
    const i = this.batch.keys.length;
    this.batch.keys.push(key);
    return { timestampWrites: { querySet: this.batch.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } };
  }

  /** Before `encoder` is finished: resolves the batch's timestamps into a buffer read after the submit. */
  resolve(encoder: GPUCommandEncoder): (() => void) | null {
    const b = this.batch;
    if (!b || b.keys.length === 0) return null;
    this.batch = null;
    const n = 2 * b.keys.length, bytes = 8 * n;
    const resolved = this.device.createBuffer({ size: bytes, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
    const read = this.device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    encoder.resolveQuerySet(b.querySet, 0, n, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, read, 0, bytes);
    // Called once the encoder is submitted.
    return () => {
      this.pending.push(read.mapAsync(MAP_MODE_READ).then(() => {
        const t = new BigUint64Array(read.getMappedRange().slice(0));
        b.keys.forEach((key, i) => {
          const e = this.totals.get(key) ?? { count: 0, ns: 0 };
          // A pass the GPU did not time (or a clock that went back) counts nothing.
          e.ns += t[2 * i + 1]! > t[2 * i]! ? Number(t[2 * i + 1]! - t[2 * i]!) : 0;
          e.count++;
          this.totals.set(key, e);
        });
      }).finally(() => {
        read.destroy();
        resolved.destroy();
        b.querySet.destroy();
      }));
    };
  }

  /** The totals so far, most time first (after every submitted batch was read). */
  async results(): Promise<KernelTime[]> {
    await Promise.all(this.pending.splice(0));
    return [...this.totals].map(([key, e]) => ({ key, count: e.count, ms: e.ns / 1e6 })).sort((a, b) => b.ms - a.ms);
  }
}
