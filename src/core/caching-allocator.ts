// The caching allocator for CPU storages (PyTorch's CUDA caching allocator, on typed arrays).
// The first write to a fresh page costs far more than refilling a warm buffer, so large buffers
// that are certainly dead go back to a pool keyed by byte size and are handed out again.
// JS has no destructors: buffers come back only through explicit release points where ownership
// is certain (the autograd engine's intermediate gradients). A FinalizationRegistry only keeps the
// statistics honest for storages the garbage collector takes; their memory is not reused, since a
// view of the buffer may still be alive elsewhere. In Node with the native addon, the buffers of
// storages the collector takes are recycled by the addon (src/core/buffer-source.ts): the addon
// counts its buffers as allocated until the collection that frees them (young ones included, which
// a FinalizationRegistry never reports), its free memory counts as cached here, and
// emptyCache/setCacheLimit apply to it too.

import { type BufferSource, bufferSource } from "./buffer-source.js";
import { nodeBuiltin } from "./node-builtin.js";

/** Buffers below this many bytes are plain allocations (zeroing them is cheap), never pooled. */
export const POOL_MIN_BYTES = 1 << 16;

type Proc = { env?: Record<string, string | undefined> };
const proc = (globalThis as { process?: Proc }).process;

function envBytes(): number | null {
  const raw = proc?.env?.TORCH_TS_CACHING_ALLOCATOR_MAX_BYTES;
  if (raw === undefined || raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function defaultCap(): number {
  const os = nodeBuiltin<{ totalmem?: () => number }>("node:os");
  const total = os?.totalmem?.();
  return total ? Math.floor(total / 4) : 1 << 30;
}

let enabled = proc?.env?.TORCH_TS_CACHING_ALLOCATOR !== "0";
let capBytes = envBytes() ?? defaultCap();

/** Free buffers by byte length. */
const pool = new Map<number, ArrayBufferLike[]>();
let cachedBytes = 0;
/** Bytes of the pool's buffers that are the source's: the source still counts them as allocated. */
let sourceBytesInPool = 0;
/** Storages on buffers that are not the source's (which counts its own). */
let allocatedBytes = 0;
let peakAllocatedBytes = 0;
const counts = { allocations: 0, frees: 0, cacheHits: 0, releases: 0, collected: 0, cacheDrops: 0 };

/** Pooled storages the garbage collector takes stop counting as allocated. */
const collected = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<number>((bytes) => { allocatedBytes -= bytes; counts.collected++; counts.frees++; })
  : null;

/** A buffer of exactly `bytes` bytes: a cached one when there is one (contents unspecified). */
export function takeBuffer(bytes: number): { buffer: ArrayBufferLike; recycled: boolean } | null {
  if (!enabled || bytes < POOL_MIN_BYTES) return null;
  const list = pool.get(bytes);
  const hit = list?.pop();
  if (hit) {
    cachedBytes -= bytes;
    if (bufferSource()?.owns(hit)) sourceBytesInPool -= bytes;
    counts.cacheHits++;
    return { buffer: hit, recycled: true };
  }
  return null;
}

/**
 * Counts a storage of `bytes` over `buffer` as allocated from now on (its buffer pooled-size);
 * `owner` is an object that lives exactly as long as the storage (Storage._token), watched for
 * collection unless the buffer is the source's, which learns of its death itself.
 */
export function trackAllocation(owner: object, bytes: number, buffer: ArrayBufferLike): void {
  counts.allocations++;
  if (bufferSource()?.owns(buffer)) return;
  allocatedBytes += bytes;
  if (allocatedBytes > peakAllocatedBytes) peakAllocatedBytes = allocatedBytes;
  collected?.register(owner, bytes, owner);
}

/**
 * Takes back the buffer of a storage that nothing can reach any more (the caller guarantees it):
 * cached for reuse while the cache is under its cap, dropped otherwise.
 */
export function releaseBuffer(owner: object, buffer: ArrayBufferLike): void {
  const bytes = buffer.byteLength;
  const sourced = bufferSource()?.owns(buffer) ?? false;
  if (!sourced) {
    collected?.unregister(owner);
    allocatedBytes -= bytes;
  }
  counts.frees++;
  counts.releases++;
  if (!enabled || cachedBytes + bytes > capBytes) { counts.cacheDrops++; return; }
  let list = pool.get(bytes);
  if (!list) { list = []; pool.set(bytes, list); }
  list.push(buffer);
  cachedBytes += bytes;
  if (sourced) sourceBytesInPool += bytes;
}

/** Whether storages are pooled (TORCH_TS_CACHING_ALLOCATOR=0 turns it off). */
export function isEnabled(): boolean { return enabled; }

/** @internal Turns pooling on or off (tests compare both); turning it off empties the cache. */
export function setEnabled(on: boolean): void {
  enabled = on;
  if (!on) emptyCache();
}

/** The most bytes the cache keeps (TORCH_TS_CACHING_ALLOCATOR_MAX_BYTES; default a quarter of RAM). */
export function setCacheLimit(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`setCacheLimit: expected a non-negative number of bytes, got ${bytes}`);
  capBytes = bytes;
  trimTo(capBytes);
  bufferSource()?.setCacheLimit(bytes);
}
export function getCacheLimit(): number { return capBytes; }

function trimTo(limit: number): void {
  for (const [bytes, list] of pool) {
    while (list.length && cachedBytes > limit) {
      if (bufferSource()?.owns(list.pop()!)) sourceBytesInPool -= bytes;
      cachedBytes -= bytes;
    }
    if (!list.length) pool.delete(bytes);
  }
}

/** torch.cuda.empty_cache: frees every cached buffer (live storages are untouched). */
export function emptyCache(): void {
  pool.clear();
  cachedBytes = 0;
  sourceBytesInPool = 0;
  bufferSource()?.emptyCache();
}

/**
 * torch.cuda.memory_allocated: bytes held by pooled-size storages (buffers of 64 KiB or more) that
 * are alive or not yet collected. With the native addon, every young collection it requests
 * (each 16-64 MiB of new storages) takes the dead ones off; otherwise a FinalizationRegistry
 * does, after full collections.
 */
export function memoryAllocated(): number { return allocatedOf(bufferSource()?.usage()); }
/**
 * torch.cuda.max_memory_allocated: the peak of memoryAllocated since the start or the last reset
 * (with the native addon, buffers the pool held for reuse at the peak count too: an upper bound).
 */
export function maxMemoryAllocated(): number { return peakOf(bufferSource()?.usage()); }

type SourceUsage = ReturnType<BufferSource["usage"]> | undefined;
function allocatedOf(source: SourceUsage): number {
  return allocatedBytes + (source ? source.allocated - sourceBytesInPool : 0);
}
function peakOf(source: SourceUsage): number {
  return peakAllocatedBytes + (source?.peakAllocated ?? 0);
}
/** torch.cuda.memory_reserved: allocated plus cached bytes. */
export function memoryReserved(): number { return memoryAllocated() + memoryCached(); }
/** Bytes of free buffers the cache holds (memory_reserved - memory_allocated). */
export function memoryCached(): number { return cachedBytes + (bufferSource()?.cachedBytes() ?? 0); }
/** torch.cuda.reset_peak_memory_stats: the peak restarts from the current allocation. */
export function resetPeakMemoryStats(): void {
  peakAllocatedBytes = allocatedBytes;
  bufferSource()?.resetPeak();
}

/** torch.cuda.memory_stats, with PyTorch's keys where they apply. */
export function memoryStats(): Record<string, number> {
  // One reading of the source's counters serves every key.
  const source = bufferSource()?.usage();
  const cached = memoryCached(), allocated = allocatedOf(source);
  const collectedBySource = source?.collected ?? 0;
  return {
    "allocated_bytes.all.current": allocated,
    "allocated_bytes.all.peak": peakOf(source),
    "reserved_bytes.all.current": allocated + cached,
    "inactive_split_bytes.all.current": cached,
    "cached_bytes.all.current": cached,
    // The pool's own free buffers; the native source's (native_cached_bytes) come back as the
    // collector frees storages, at any moment.
    "pool_cached_bytes": cachedBytes,
    "num_alloc": counts.allocations,
    "num_free": counts.frees + collectedBySource,
    "num_cache_hits": counts.cacheHits,
    "num_released": counts.releases,
    "num_collected": counts.collected + collectedBySource,
    "num_cache_drops": counts.cacheDrops,
    "cache_limit_bytes": capBytes,
    ...bufferSource()?.stats(),
  };
}
