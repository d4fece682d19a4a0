// Shared by the functional ops that run float kernels: 16-bit floats compute in float32, other
// non-double dtypes in float64, and results are cast back to the input's dtype.

import type { Tensor } from "../../core/tensor.js";
import { type DType, bfloat16, float16, float32, float64 } from "../../core/dtype.js";
import { emptyTensor, uninitTensor } from "../../ops/engine.js";
import { castTo } from "../../ops/conversion.js";
import { contiguous } from "../../ops/view.js";

export type FloatArray = Float32Array | Float64Array;

export function computeDtype(d: DType): DType {
  return d === float64 ? float64 : d === float32 || d === float16 || d === bfloat16 ? float32 : float64;
}

/** A tensor's values as a contiguous array of the compute dtype, outside autograd. */
export function floatData(t: Tensor): FloatArray {
  let x = contiguous(t.detach());
  const cd = computeDtype(x.dtype);
  if (x.dtype !== cd) x = castTo(x, cd);
  return (x.storage.data as FloatArray).subarray(x._offset, x._offset + x.numel());
}

/**
 * A fresh output of the compute dtype of `dtype`, and a way back to `dtype` itself. `overwritten`:
 * the kernel writes every element, so the buffer need not be zeroed.
 */
export function scratch(shape: readonly number[], dtype: DType, overwritten = false): { t: Tensor; data: FloatArray; finish: () => Tensor } {
  const cd = computeDtype(dtype);
  const t = overwritten ? uninitTensor(shape, cd) : emptyTensor(shape, cd);
  return { t, data: t.storage.data as FloatArray, finish: () => (cd === dtype ? t : castTo(t, dtype)) };
}
