// Plumbing of torch.linalg on complex64/complex128 input (not public API): batches of complex
// matrices as interleaved (re, im) arrays for the kernels in backends/js/linalg-complex*.ts,
// complex results wrapped back into tensors.

import { Tensor } from "../core/tensor.js";
import { ComplexStorage, type ComplexPairs, allocOutputArray } from "../core/storage.js";
import { type DType, complex128, complex64, float32, realOf } from "../core/dtype.js";
import { numel } from "../core/shape.js";
import { toNumbers } from "./engine.js";
import { rawRealView } from "./complex-engine.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

export interface ComplexMatrices {
  /** The values interleaved (re, im), row-major, batch after batch (read only: may alias). */
  data: ComplexPairs;
  batchShape: number[];
  batch: number;
  rows: number;
  cols: number;
}

/** The batch of complex matrices held by A as one contiguous interleaved array. */
export function complexMatricesOf(api: string, A: Tensor): ComplexMatrices {
  if (onDevice(A)) throw notImplementedOnDevice(api);
  const s = A.shape;
  const batchShape = s.slice(0, -2);
  return { data: toNumbers(rawRealView(A)) as ComplexPairs, batchShape, batch: numel(batchShape), rows: s[s.length - 2]!, cols: s[s.length - 1]! };
}

/** A zeroed interleaved array for `n` complex elements of `dtype` (complex64: float32 parts). */
export function allocPairs(dtype: DType, n: number): ComplexPairs {
  return allocOutputArray(realOf(dtype) === float32 ? complex64 : complex128, n) as ComplexPairs;
}

/** A contiguous complex tensor over an interleaved array (no copy). */
export function wrapComplex(pairs: ComplexPairs, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new ComplexStorage(pairs, dtype), shape.slice());
}
