// The V8 flag torch-ts sets for every program that computes with it in Node (others, for large
// storages and GPU memory, live with what needs them: backends/native/tensor-memory.ts,
// backends/webgpu/pool.ts). Browsers have no node:v8: nothing happens there.

import { nodeBuiltin } from "./node-builtin.js";

let sweepingInCollections = false;

/**
 * V8 frees dead ArrayBuffers on a background thread unless told otherwise, and that thread and
 * the next allocations contend for malloc's lock: making a 4 KB Float32Array took 2.7-3.1 us, 0.9-1.0
 * once they are freed inside the collections (400 B: 1.2 -> 0.4 us), a third of a 1000-element
 * op's cost. Large storages need it too: their blocks must be free for the very next storage.
 */
export function sweepBuffersInCollections(): void {
  if (sweepingInCollections) return;
  sweepingInCollections = true;
  nodeBuiltin<{ setFlagsFromString(flags: string): void }>("node:v8")?.setFlagsFromString("--no-concurrent-array-buffer-sweeping");
}
