// When the dedicated nn kernels of this folder (layer/batch norm, embedding, cross-entropy) take
// the native addon's path: the addon is loaded and the operands are float buffers of one type
// (float32 and 16-bit floats compute in Float32Array, float64 in Float64Array). Not public API.

import { kernels } from "../../backends/kernels.js";
import type { Floats } from "./loss-util.js";

/** Below this many elements the JS loops win: a native call has a fixed cost of a few microseconds. */
export const NATIVE_MIN_NN = 1024;

/** Whether a kernel over `elements` values should run natively. */
export function nativeNn(elements: number): boolean {
  return kernels.backend === "native" && elements >= NATIVE_MIN_NN;
}

/** Whether every given buffer (nulls skipped) has the type of `ref`. */
export function sameFloats(ref: Floats, ...others: (Floats | null)[]): boolean {
  for (const o of others) if (o !== null && o.constructor !== ref.constructor) return false;
  return true;
}
