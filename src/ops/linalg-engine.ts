// Plumbing shared by the linalg ops (not public API): PyTorch's argument checks, batches of
// matrices as typed arrays for the kernels in backends/js/linalg.ts, result wrapping, named
// tuples, and the few tensor helpers their backward formulas need.

import { adjoint } from "./view.js";
import { Tensor } from "../core/tensor.js";
import { type DType, float32, float64, int32, realOf } from "../core/dtype.js";
import { broadcastShapes, numel, shapeStr, shapesEqual } from "../core/shape.js";
import { fromArray, toNumbers } from "./engine.js";
import { allocOutputArray } from "../core/storage.js";
import { onDevice } from "./device-hooks.js";
import { arange, eye } from "./creation.js";
import { matmul } from "./blas.js";
import type { FloatArray } from "../backends/js/linalg.js";

import { scalarTypeName } from "../core/dtype.js";
export { scalarTypeName };

/** checkIsMatrix: at least 2 dimensions. */
export function checkIsMatrix(api: string, A: Tensor, name = "A"): void {
  if (A.dim() < 2) throw new Error(`${api}: The input tensor ${name} must have at least 2 dimensions.`);
}

/** squareCheckInputs: a batch of square matrices. */
export function checkSquare(api: string, A: Tensor, name = "A"): void {
  checkIsMatrix(api, A, name);
  const s = A.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  if (m !== n) throw new Error(`${api}: ${name} must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

/** checkFloatingOrComplex: float32/float64 only (PyTorch's CPU linalg has no half kernels). */
export function checkFloat(api: string, A: Tensor, lowPrecisionMessage = true): void {
  const d = A.dtype;
  if (!d.isFloatingPoint) throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(d)}`);
  if (d !== float32 && d !== float64) {
    throw new Error(lowPrecisionMessage ? `${api}: Low precision dtypes not supported. Got ${scalarTypeName(d)}` : `"${api}" not implemented for '${scalarTypeName(d)}'`);
  }
}

/** checkFloatingOrComplex for the ops that also take complex64/complex128. */
export function checkFloatOrComplex(api: string, A: Tensor): void {
  if (A.dtype.isComplex) return;
  checkFloat(api, A);
}

/** Checks for a square float matrix input, in PyTorch's order (dims, square, dtype). */
export function checkSquareFloat(api: string, A: Tensor): void {
  checkSquare(api, A);
  checkFloat(api, A);
}

export function checkSameDtype(api: string, A: Tensor, B: Tensor): void {
  if (A.dtype !== B.dtype) {
    throw new Error(`${api}: Expected A and B to have the same dtype, but found A of type ${scalarTypeName(A.dtype)} and B of type ${scalarTypeName(B.dtype)} instead`);
  }
}

export interface Matrices {
  /** The values, contiguous row-major, batch after batch (may alias the tensor's storage: read only). */
  data: FloatArray;
  batchShape: number[];
  batch: number;
  rows: number;
  cols: number;
}

/** The batch of matrices held by A (float32/float64) as one contiguous typed array. */
export function matricesOf(A: Tensor): Matrices {
  const s = A.shape;
  const rows = s[s.length - 2]!;
  const cols = s[s.length - 1]!;
  const batchShape = s.slice(0, -2);
  return { data: toNumbers(A) as FloatArray, batchShape, batch: numel(batchShape), rows, cols };
}

/** A fresh zeroed typed array of A's float dtype (float32, else float64). */
export function allocLike(dtype: DType, n: number): FloatArray {
  return allocOutputArray(dtype === float32 ? float32 : float64, n) as FloatArray;
}

export function wrap(data: FloatArray, shape: readonly number[], dtype: DType): Tensor {
  return fromArray(data, shape, dtype);
}

export function wrapInt32(data: Int32Array, shape: readonly number[]): Tensor {
  return fromArray(data, shape, int32);
}

/** A PyTorch named tuple: an array whose elements are also reachable by name. */
export type NamedTuple<K extends string> = Tensor[] & { readonly [P in K]: Tensor };

export function namedTuple<K extends string>(names: readonly K[], values: Tensor[]): NamedTuple<K> {
  const out = values.slice() as Tensor[] & Record<string, Tensor>;
  names.forEach((n, i) => Object.defineProperty(out, n, { value: values[i], enumerable: false }));
  return out as unknown as NamedTuple<K>;
}

/** Broadcasts the batch dims of two batches of matrices; returns both expanded views. */
export function broadcastBatch(A: Tensor, B: Tensor): [Tensor, Tensor] {
  const a = A.shape;
  const b = B.shape;
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  const ea = [...batch, ...a.slice(-2)];
  const eb = [...batch, ...b.slice(-2)];
  return [shapesEqual(a, ea) ? A : A.expand(ea), shapesEqual(b, eb) ? B : B.expand(eb)];
}

/** Describes a shape the way PyTorch's linalg messages do ("3x3"). */
export function matrixShapeStr(t: Tensor): string {
  const s = t.shape;
  return s.length >= 2 ? `${s[s.length - 2]}x${s[s.length - 1]}` : shapeStr(s);
}

/** The n×n identity as a tensor of `dtype`, on the device of `like` when given (filled there: no upload). */
export function identity(n: number, dtype: DType, like?: Tensor): Tensor {
  if (like !== undefined && onDevice(like)) return eye(n, { dtype, device: like.device });
  const data = allocLike(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return wrap(data, [n, n], dtype);
}

/** A constant made on the CPU, moved to the device of `like` (a tensor off the CPU). */
function onDeviceOf(constant: Tensor, like: Tensor | undefined): Tensor {
  return like !== undefined && onDevice(like) ? constant.to(like.device) : constant;
}

/** A constant 0/1 mask selecting the lower (or upper) triangle of an n×m matrix, with `diagonal` offset as tril/triu. */
export function triangleMask(rows: number, cols: number, lower: boolean, diagonal: number, dtype: DType): Tensor {
  const data = allocLike(dtype, rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const keep = lower ? j - i <= diagonal : j - i >= diagonal;
      if (keep) data[i * cols + j] = 1;
    }
  }
  return wrap(data, [rows, cols], dtype);
}

/** tril/triu through a constant mask (differentiable through mul; a real mask for complex x). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  const s = x.shape;
  return x.mul(onDeviceOf(triangleMask(s[s.length - 2]!, s[s.length - 1]!, true, diagonal, realOf(x.dtype)), x));
}

export function triu(x: Tensor, diagonal = 0): Tensor {
  const s = x.shape;
  return x.mul(onDeviceOf(triangleMask(s[s.length - 2]!, s[s.length - 1]!, false, diagonal, realOf(x.dtype)), x));
}

/** diag_embed over the last dim: v[..., n] → [..., n, n] (differentiable through mul; a real identity for complex v). */
export function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[v.dim() - 1]!;
  return v.unsqueeze(-1).mul(identity(n, realOf(v.dtype), v));
}


/** The gradient of A from that of pinv(A) (PyTorch's pinv_backward, real or complex), in public ops. */
export function pinvBackward(grad: Tensor, pinvA: Tensor, A: Tensor): Tensor {
  const s = A.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  const pinvAh = adjoint(pinvA);
  const gradh = adjoint(grad);
  if (m <= n) {
    const K1 = matmul(gradh, pinvA);
    const KpinvAh = matmul(K1, pinvAh);
    return adjoint(matmul(pinvA, K1)).neg().add(KpinvAh).sub(matmul(matmul(A, pinvA), KpinvAh))
      .add(matmul(matmul(pinvAh, pinvA), gradh.sub(matmul(K1, A))));
  }
  const K1 = matmul(pinvA, gradh);
  const pinvAhK = matmul(pinvAh, K1);
  return adjoint(matmul(K1, pinvA)).neg().add(matmul(matmul(gradh.sub(matmul(A, K1)), pinvA), pinvAh))
    .add(pinvAhK).sub(matmul(matmul(pinvAhK, pinvA), A));
}

export { float32, float64 };

/**
 * The i-th Householder vector of geqrf's factored A, [0…0, 1, A[i+1:, i]], as a [..., m, 1]
 * column written in public ops (so differentiable in A's entries below the diagonal).
 */
export function householderVector(A: Tensor, i: number): Tensor {
  const m = A.shape[A.dim() - 2]!;
  const rows = arange(m, { dtype: A.dtype, device: A.device }).reshape([m, 1]);
  return A.narrow(-1, i, 1).mul(rows.gt(i).to(A.dtype)).add(rows.eq(i).to(A.dtype));
}
