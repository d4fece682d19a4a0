// Where large storages get their memory. By default a fresh ArrayBuffer (src/core/dtype.ts); the
// native backend installs its recycled blocks here (src/backends/native/tensor-memory.ts), so the
// core never imports the backend. The caching allocator reports and trims the source's cache.

export interface BufferSource {
  /** A buffer of exactly `bytes` bytes (zero-filled when `zero`), or null to fall back. */
  take(bytes: number, zero: boolean): ArrayBufferLike | null;
  /** Bytes of free memory the source keeps for reuse. */
  cachedBytes(): number;
  /** The most bytes the source keeps for reuse. */
  setCacheLimit(bytes: number): void;
  /** Frees the memory kept for reuse. */
  emptyCache(): void;
  /** Zeroes an array over one of the source's buffers (faster than its own fill); false if not one. */
  zero(a: ArrayBufferView): boolean;
  /** Whether `buffer` is one of the source's (the source then counts it as allocated until it dies). */
  owns(buffer: ArrayBufferLike): boolean;
  /**
   * Bytes of the source's buffers not yet freed by the collector (the source learns of each death as
   * the collection that finds it runs), their peak since the last resetPeak, and how many died so far.
   */
  usage(): { allocated: number; peakAllocated: number; collected: number };
  resetPeak(): void;
  /** Counters for torch.memory.memoryStats(), keyed as they appear there. */
  stats(): Record<string, number>;
}

let source: BufferSource | null = null;

/** @internal Installs (or, with null, removes) the source of large storage buffers. */
export function setBufferSource(s: BufferSource | null): void { source = s; }

/** The installed source, if any. */
export function bufferSource(): BufferSource | null { return source; }

/** A buffer from the installed source, or null when there is none or it declines. */
export function sourceBuffer(bytes: number, zero: boolean): ArrayBufferLike | null {
  return source === null ? null : source.take(bytes, zero);
}

/** Zeroes `a` through the source when its buffer is one of the source's; false otherwise. */
export function zeroThroughSource(a: ArrayBufferView): boolean {
  return source !== null && source.zero(a);
}
