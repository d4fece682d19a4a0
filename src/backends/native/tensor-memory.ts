// Large storages on the addon's recycled memory blocks (native/tensor_memory.cc), and the
// collection policy that recycles them.
//
// V8 counts an ArrayBuffer's bytes as external memory and answers every ~64 MB of fresh outputs
// with a full, concurrently marked collection: the second core leaves the kernels, and a dead
// output's memory comes back late and cold. The addon's buffers are SharedArrayBuffers, which V8
// does not count, so this module counts them: after every `minorBudget` bytes handed out it asks
// for a young-generation collection (cheap when little survives, as in a training step where an
// op's output dies within the step), whose freed buffers return their blocks to the addon's free
// lists for the next storages of their size. Storages that outlive young collections die in old
// space: when the addon's outstanding bytes pass twice what they were after the last full
// collection, one runs. Without a way to request collections (no node:v8/node:vm), or with
// TORCH_TS_NATIVE_MEMORY=0, storages keep V8's ordinary ArrayBuffers.
// WebGPU refuses shared memory: uploads copy such storages first (src/backends/webgpu/context.ts).

import { setBufferSource } from "../../core/buffer-source.js";
import { getCacheLimit } from "../../core/caching-allocator.js";

export interface TensorMemoryAddon {
  allocTensorMemory(bytes: number, zero: boolean): SharedArrayBuffer | null;
  /** [outstanding, cached, mapped, cacheLimit, fresh, reused, returned] */
  tensorMemoryStats(): Float64Array;
  setTensorMemoryCacheLimit(bytes: number): void;
  /** Frees cached blocks until at most `keepBytes` stay cached. */
  trimTensorMemory(keepBytes: number): void;
}

type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async" }) => void;

const MiB = 1 << 20;
/** Bytes handed out between young-generation collections: about half the last-level cache. */
const MINOR_BUDGET = 16 * MiB;
/** Outstanding bytes below which no full collection is requested. */
const MAJOR_FLOOR = 256 * MiB;

/**
 * V8's `gc` function. `--expose-gc` is set only while one new context is made to fetch it, so
 * contexts the program makes later do not get a `gc` global.
 */
function gcFunction(): GcFunction | null {
  const v8 = process.getBuiltinModule?.("node:v8") as typeof import("node:v8") | undefined;
  const vm = process.getBuiltinModule?.("node:vm") as typeof import("node:vm") | undefined;
  if (!v8 || !vm) return null;
  try {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === "function") return exposed as GcFunction;
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    v8.setFlagsFromString("--no-expose-gc");
    return typeof gc === "function" ? (gc as GcFunction) : null;
  } catch {
    return null;
  }
}

export interface TensorMemoryCounters {
  /** Bytes in blocks that buffers use, live or not yet collected. */
  outstanding: number;
  /** Bytes in free blocks kept for reuse. */
  cached: number;
  /** Bytes mapped from the OS (outstanding + cached). */
  mapped: number;
  cacheLimit: number;
  freshBlocks: number;
  reusedBlocks: number;
  returnedBlocks: number;
  minorCollections: number;
  majorCollections: number;
}

let addon: TensorMemoryAddon | null = null;
/** Fetched on the first large storage, so programs of small tensors never touch V8's flags. */
let gc: GcFunction | null | undefined;
let sinceMinor = 0;
let majorAt = MAJOR_FLOOR;
let minorCollections = 0;
let majorCollections = 0;

function outstandingBytes(): number {
  return addon!.tensorMemoryStats()[0]!;
}

function collectIfDue(bytes: number): void {
  sinceMinor += bytes;
  if (sinceMinor < MINOR_BUDGET) return;
  sinceMinor = 0;
  gc!({ type: "minor" });
  minorCollections++;
  if (outstandingBytes() > majorAt) {
    gc!();
    majorCollections++;
    majorAt = Math.max(MAJOR_FLOOR, 2 * outstandingBytes());
  }
}

function allocate(bytes: number, zero: boolean): SharedArrayBuffer | null {
  if (gc === undefined) gc = gcFunction();
  // Without a way to collect, recycled blocks would never come back: ordinary buffers then.
  if (gc === null) return null;
  collectIfDue(bytes);
  return addon!.allocTensorMemory(bytes, zero);
}

/** Installs the addon's blocks as the source of large storages; returns whether it did. */
export function installTensorMemory(a: TensorMemoryAddon): boolean {
  if (process.env["TORCH_TS_NATIVE_MEMORY"] === "0" || typeof a.allocTensorMemory !== "function") return false;
  addon = a;
  a.setTensorMemoryCacheLimit(getCacheLimit());
  setBufferSource({
    take: allocate,
    cachedBytes: () => a.tensorMemoryStats()[1]!,
    setCacheLimit: (bytes) => a.setTensorMemoryCacheLimit(bytes),
    emptyCache: () => a.trimTensorMemory(0),
    stats: () => {
      const c = tensorMemoryCounters()!;
      return {
        "native_outstanding_bytes": c.outstanding, "native_cached_bytes": c.cached, "native_mapped_bytes": c.mapped,
        "native_fresh_blocks": c.freshBlocks, "native_reused_blocks": c.reusedBlocks, "native_returned_blocks": c.returnedBlocks,
        "native_minor_collections": c.minorCollections, "native_major_collections": c.majorCollections,
      };
    },
  });
  return true;
}

/** The addon's block counters, or null when storages use ordinary ArrayBuffers. */
export function tensorMemoryCounters(): TensorMemoryCounters | null {
  if (addon === null) return null;
  const s = addon.tensorMemoryStats();
  return {
    outstanding: s[0]!, cached: s[1]!, mapped: s[2]!, cacheLimit: s[3]!,
    freshBlocks: s[4]!, reusedBlocks: s[5]!, returnedBlocks: s[6]!,
    minorCollections, majorCollections,
  };
}
