// The kernels a piece of code dispatches on a WebGPU context: tests that pin how many passes an op
// makes (a split GEMM's two, a float16 product's one without staging copies) record their keys.

import type { Dispatch, GpuContext } from "../../src/backends/webgpu/index.js";

/** The pipeline keys of `ctx`'s dispatches while `body` runs, in order. */
export function dispatchKeys(ctx: GpuContext, body: () => void): string[] {
  const keys: string[] = [];
  const original = ctx.dispatch.bind(ctx);
  ctx.dispatch = (d: Dispatch): void => { keys.push(d.key); original(d); };
  try { body(); } finally { delete (ctx as { dispatch?: unknown }).dispatch; }
  return keys;
}
