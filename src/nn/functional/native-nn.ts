// When the dedicated nn kernels of this folder (layer/batch norm, embedding, cross-entropy) take
// the native addon's path: the addon is loaded and the operands are float buffers of one type
// (float32 and 16-bit floats compute in Float32Array, float64 in Float64Array). Not public API.

import type { Tensor } from "../../core/tensor.js";
import { type DType, float32, float64 } from "../../core/dtype.js";
import { kernels } from "../../backends/kernels.js";
import { uninitTensor } from "../../ops/engine.js";
import { type Floats, floatOut } from "./loss-util.js";

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

/**
 * floatOut for a native kernel that writes every element: a float32/float64 output is not zeroed
 * first (16-bit floats get floatOut's float32 scratch).
 */
export function nativeFloatOut(shape: readonly number[], dtype: DType): { data: Floats; done: () => Tensor } {
  if (dtype !== float32 && dtype !== float64) return floatOut(shape, dtype);
  const t = uninitTensor(shape, dtype);
  return { data: t.storage.data as Floats, done: () => t };
}
