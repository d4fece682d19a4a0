// Large storages on the addon's recycled memory blocks (native/tensor_memory.cc), and the
// collection policy that recycles them.
//
// V8 counts an ArrayBuffer's bytes as external memory and answers every ~64 MB of fresh outputs
// with a full, concurrently marked collection: the second core leaves the kernels, and a dead
// output's memory comes back late and cold. The addon's buffers are SharedArrayBuffers, which V8
// does not count, so this module counts them: after a budget of bytes handed out (as many as
// survived the last collection, 16-64 MiB) it asks for a young-generation collection (cheap when
// little survives, as in a training step where an op's output dies within the step), whose freed
// buffers return their blocks to the addon, where they serve the next storages (split or merged).
// Storages that outlive young collections die in old space: when the survivors grow by a quarter
// over what survived the last full collection (64 MiB at least; 256 MiB in all at least), or when
// a large storage finds no free block while enough may have died there, a full one runs. Without a way to request collections (no node:v8/node:vm), or with
// TORCH_TS_NATIVE_MEMORY=0, storages keep V8's ordinary ArrayBuffers.
// WebGPU refuses shared memory: uploads copy such storages first (src/backends/webgpu/context.ts).

import { setBufferSource } from "../../core/buffer-source.js";
import { getCacheLimit } from "../../core/caching-allocator.js";
import { sweepBuffersInCollections } from "../../core/v8-flags.js";
import { nodeBuiltin } from "../../core/node-builtin.js";
import { type GcFunction, runtimeGc } from "../../core/runtime-gc.js";

export interface TensorMemoryAddon {
  allocTensorMemory(bytes: number, zero: boolean): SharedArrayBuffer | null;
  /** [outstanding, cached, mapped, cacheLimit, fresh, reused, returned, peakMapped, requested, peakRequested] */
  tensorMemoryStats(): Float64Array;
  /** The peak of requested bytes restarts from the current value. */
  resetTensorMemoryPeak(): void;
  setTensorMemoryCacheLimit(bytes: number): void;
  /** Frees cached blocks until at most `keepBytes` stay cached. */
  trimTensorMemory(keepBytes: number): void;
  /** Whether a free block holds `bytes` (a storage of that size would map no new memory). */
  tensorMemoryFits(bytes: number): boolean;
  /** After each requested collection: frees blocks unused since the one before, all but `reserveBytes`. */
  ageTensorMemory(reserveBytes: number): void;
  fill(a: Uint8Array, start: number, count: number, value: number): boolean;
}


const MiB = 1 << 20;
/** The least bytes handed out between young-generation collections: about half the L3 cache. */
const MINOR_BUDGET_MIN = 16 * MiB;
/** The most: past this, waiting longer saves little collection time. */
const MINOR_BUDGET_MAX = 64 * MiB;
/** Free memory kept through ageing, in young-collection budgets. */
const AGE_RESERVE_BUDGETS = 2;
/** Outstanding bytes below which no full collection is requested. */
const MAJOR_FLOOR = 256 * MiB;
/** Growth of the survivors over the last full collection's that requests the next one. */
const MAJOR_GROWTH_MIN = 64 * MiB;
const MAJOR_GROWTH_FACTOR = 1.25;
/**
 * A storage at least this large that no free block holds would cost about 13 us per fresh 4 KiB page
 * (50 ms for 16 MiB): a full collection (a few ms) that returns promoted dead storages is cheaper.
 */
const LARGE_STORAGE = 16 * MiB;
const RECLAIM_BACKOFF_MAX = 64;

/**
 * @internal V8's `gc` function (core/runtime-gc.ts), with the collection flags that large storages'
 * recycling needs set first.
 */
export function gcFunction(): GcFunction | null {
  const v8 = nodeBuiltin<typeof import("node:v8")>("node:v8");
  if (!v8) return null;
  try {
    // V8 frees dead buffers after a collection on a background thread unless told otherwise; then
    // the next storage would find no free block yet and map a fresh one (page faults) while the
    // dead one's block arrives a moment later. Sweeping inside the collection returns them first.
    sweepBuffersInCollections();
    // Storages come back through young collections, which see only young objects. V8's allocation-site
    // pretenuring, after a full collection, allocates objects of sites whose objects mostly survived
    // straight into old space: a training step's tensors (and the arrays and closures holding them)
    // then die where only a full collection finds them, and every step makes new storages and GPU
    // buffers (and, on webgpu, new bind groups: MLP step host time 1.2-2.9 -> 0.4-0.8 ms without it).
    v8.setFlagsFromString("--no-allocation-site-pretenuring");
    // The collections asked for here find little alive (a step's garbage dies young), and a parallel
    // scavenge hands that little to helper threads that must first be scheduled on cores that the
    // kernels' threads (or other processes) hold: in a webgpu MLP step's young collection, 0.10-0.25
    // ms of 0.22-0.43 went to that phase, 0.025 of 0.13-0.16 without it (node --trace-gc-nvp).
    v8.setFlagsFromString("--no-parallel-scavenge");
    return runtimeGc();
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
  /** The most bytes mapped at once. */
  peakMapped: number;
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
let minorBudget = MINOR_BUDGET_MIN;
let majorAt = MAJOR_FLOOR;
/** A full collection ran at the last check: its survivors set the next threshold. */
let afterMajor = false;
let majorSurvivors = 0;
/** How many times `pending` the survivors must grow before the next early full collection. */
let reclaimBackoff = 1;
let minorCollections = 0;
let majorCollections = 0;

function fullCollection(): void {
  gc!();
  majorCollections++;
  afterMajor = true;
}

/**
 * Runs when `minorBudget` bytes were handed out since the last collection. What the last one
 * kept is the outstanding bytes less those handed out since. As V8 sizes its own young generation,
 * the next collection comes after as many new bytes as survived (within bounds): a training step's
 * activations then rarely live through two young collections, which would move them to old space,
 * where only full collections free them. Dead buffers are swept inside the collection (V8 flag set
 * in gcFunction), so their blocks are free for the very next storage.
 */
function collect(pending: number): void {
  const survivors = Math.max(0, addon!.tensorMemoryStats()[0]! - (sinceMinor - pending));
  if (afterMajor) {
    majorSurvivors = survivors;
    majorAt = Math.max(MAJOR_FLOOR, survivors + MAJOR_GROWTH_MIN, MAJOR_GROWTH_FACTOR * survivors);
    afterMajor = false;
  }
  minorBudget = Math.min(MINOR_BUDGET_MAX, Math.max(MINOR_BUDGET_MIN, survivors));
  sinceMinor = 0;
  if (survivors > majorAt) {
    fullCollection();
  } else {
    gc!({ type: "minor" });
    minorCollections++;
    // Storages that lived through two young collections (an op's input that a caller's frame still
    // held, say) sit in old space, where only a full collection frees them: run one at once when a
    // large storage would otherwise need new memory and enough may be dead there to hold it.
    // When such a collection frees less than asked (the survivors were alive: a program keeping
    // large tensors), the next one waits for twice the growth, so it never runs at every storage.
    const kept = addon!.tensorMemoryStats()[0]!;
    if (pending >= LARGE_STORAGE && kept - majorSurvivors >= reclaimBackoff * pending && !addon!.tensorMemoryFits(pending)) {
      fullCollection();
      const freed = kept - addon!.tensorMemoryStats()[0]!;
      reclaimBackoff = freed >= pending ? 1 : Math.min(RECLAIM_BACKOFF_MAX, 2 * reclaimBackoff);
    }
  }
  // Free memory that no storage took since the collection before this one held sizes no longer
  // asked for (an evaluation pass's, once training resumes): back to the OS, but for what the next
  // two collections' budgets may ask for.
  addon!.ageTensorMemory(AGE_RESERVE_BUDGETS * minorBudget);
}

function allocate(bytes: number, zero: boolean): SharedArrayBuffer | null {
  if (gc === undefined) gc = gcFunction();
  // Without a way to collect, recycled blocks would never come back: ordinary buffers then.
  if (gc === null) return null;
  sinceMinor += bytes;
  if (sinceMinor >= minorBudget) collect(bytes);
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
    zero: (view) => view.buffer instanceof SharedArrayBuffer && a.fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), 0, view.byteLength, 0),
    // Storages' SharedArrayBuffers come only from here (user buffers wrapped by fromBuffer are never pooled).
    owns: (buffer) => buffer instanceof SharedArrayBuffer,
    usage: () => {
      const s = a.tensorMemoryStats();
      return { allocated: s[8]!, peakAllocated: s[9]!, collected: s[6]! };
    },
    resetPeak: () => a.resetTensorMemoryPeak(),
    stats: () => {
      const c = tensorMemoryCounters()!;
      return {
        "native_outstanding_bytes": c.outstanding, "native_cached_bytes": c.cached, "native_mapped_bytes": c.mapped, "native_peak_mapped_bytes": c.peakMapped,
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
    outstanding: s[0]!, cached: s[1]!, mapped: s[2]!, peakMapped: s[7]!, cacheLimit: s[3]!,
    freshBlocks: s[4]!, reusedBlocks: s[5]!, returnedBlocks: s[6]!,
    minorCollections, majorCollections,
  };
}
