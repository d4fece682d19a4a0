// V8's `gc` function, for the memory policies that must collect at chosen moments (large CPU
// storages: backends/native/tensor-memory.ts; GPU buffers: backends/webgpu/pool.ts).

import { nodeBuiltin } from "./node-builtin.js";

export type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async" }) => void;

let fetched: GcFunction | null | undefined;

/**
 * The runtime's `gc`, or null where a program cannot have one (browsers, no node:v8/node:vm).
 * `--expose-gc` is set only while one new context is made to fetch it, so contexts the program makes
 * later get no `gc` global.
 */
export function runtimeGc(): GcFunction | null {
  if (fetched !== undefined) return fetched;
  fetched = null;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return (fetched = exposed as GcFunction);
  const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>("node:v8");
  const vm = nodeBuiltin<{ runInNewContext(code: string): unknown }>("node:vm");
  if (!v8 || !vm) return null;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    v8.setFlagsFromString("--no-expose-gc");
    if (typeof gc === "function") fetched = gc as GcFunction;
  } catch {
    // No gc for this program: the callers fall back to V8's own collections.
  }
  return fetched;
}
