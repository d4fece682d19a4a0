// Helpers of the sparse COO ops (not public): building sparse tensors, the linear position of each
// nonzero, coalescing, and moving gradients between dense tensors and a sparse tensor's values.
// Kernels work over the (coalesced) index lists: O(nnz * dense size), never O(numel) unless the
// result is dense.

import { Tensor } from "../core/tensor.js";
import { isSparse, SparseTensor } from "../core/sparse-tensor.js";
import { int64 } from "../core/dtype.js";
import { noGrad } from "../autograd/grad-mode.js";
import { needsGrad, record } from "../autograd/record.js";
import { fromArray, toNumbers } from "./engine.js";

/**
 * A sparse tensor over these indices and values (no checks). Values that carry a graph (the
 * sparse gradients vjps build under createGraph) are linked to it as sparseCooTensor links them.
 */
export function makeSparse(indices: Tensor, values: Tensor, shape: readonly number[], coalesced: boolean): SparseTensor {
  const flag = coalesced || indices._shape[1]! <= 1;
  if (!needsGrad(values)) return new SparseTensor(indices, values, shape.slice(), flag);
  const out = new SparseTensor(indices, values.detach(), shape.slice(), flag);
  return record("SparseCooTensorWithDimsAndTensorsBackward0", [values], out, ([g]) => [gatherAt(g!, indices, shape)]);
}

/** An int64 tensor of these numbers. */
export function longTensor(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return fromArray(data, shape, int64);
}

/** The sizes of the sparse dims, their product, and the dense dims' shape. */
export function sparseGeometry(shape: readonly number[], sparseDim: number): { sparseShape: number[]; sparseNumel: number; denseShape: number[] } {
  const sparseShape = shape.slice(0, sparseDim);
  return { sparseShape, sparseNumel: sparseShape.reduce((a, b) => a * b, 1), denseShape: shape.slice(sparseDim) };
}

/** Row-major position of each nonzero among the sparse dims. */
export function linearIndices(indices: Tensor, shape: readonly number[]): Float64Array {
  const sd = indices._shape[0]!, nnz = indices._shape[1]!;
  const idx = toNumbers(indices);
  const out = new Float64Array(nnz);
  for (let d = 0; d < sd; d++) {
    const size = shape[d]!;
    for (let k = 0; k < nnz; k++) out[k] = out[k]! * size + idx[d * nnz + k]!;
  }
  return out;
}

/** Indices (sparseDim x n) from row-major positions among the sparse dims. */
export function indicesFromLinear(linear: ArrayLike<number>, sparseShape: readonly number[]): Tensor {
  const sd = sparseShape.length, n = linear.length;
  const out = new Float64Array(sd * n);
  for (let k = 0; k < n; k++) {
    let rest = linear[k]!;
    for (let d = sd - 1; d >= 0; d--) {
      const size = sparseShape[d]!;
      out[d * n + k] = rest % size;
      rest = Math.floor(rest / size);
    }
  }
  return longTensor(out, [sd, n]);
}

/**
 * The coalesced form's plan: the sorted unique positions, and for each nonzero the slot of the
 * unique position it sums into.
 */
export function coalescePlan(x: SparseTensor): { unique: number[]; slot: Float64Array } {
  const lin = linearIndices(x._sparseIndices, x._shape);
  const order = Array.from(lin.keys()).sort((a, b) => lin[a]! - lin[b]! || a - b);
  const unique: number[] = [];
  const slot = new Float64Array(lin.length);
  for (const k of order) {
    const p = lin[k]!;
    if (unique.length === 0 || unique[unique.length - 1] !== p) unique.push(p);
    slot[k] = unique.length - 1;
  }
  return { unique, slot };
}

/** x coalesced, without autograd: duplicate positions summed (index_add), indices sorted. */
export function coalesceRaw(x: SparseTensor): SparseTensor {
  if (x._coalesced) return x;
  return noGrad(() => {
    const { unique, slot } = coalescePlan(x);
    const v = x._sparseValues;
    const summed = v.newZeros([unique.length, ...v._shape.slice(1)]).indexAdd_(0, longTensor(slot, [slot.length]), v);
    return makeSparse(indicesFromLinear(unique, x._shape.slice(0, x._sparseDim)), summed, x._shape, true);
  });
}

/**
 * The elements of `g` (dense, or sparse: densified) at the nonzeros of `indices`, shaped as the
 * values ([nnz, ...dense dims]); public ops, so it is differentiable.
 */
export function gatherAt(g: Tensor, indices: Tensor, shape: readonly number[]): Tensor {
  // toDense (not toDenseRaw): a sparse g keeps its graph, so createGraph differentiates again.
  const dense = isSparse(g) ? g.toDense() : g;
  const { sparseNumel, denseShape } = sparseGeometry(shape, indices._shape[0]!);
  const lin = linearIndices(indices, shape);
  return dense.reshape([sparseNumel, ...denseShape]).indexSelect(0, longTensor(lin, [lin.length]));
}

/** The dense tensor of x (duplicates summed), without autograd. */
export function toDenseRaw(x: SparseTensor): Tensor {
  return noGrad(() => scatterValues(x._sparseIndices, x._sparseValues, x._shape));
}

/** A dense tensor of `shape` holding the sum of `values` at `indices` (public ops: differentiable in values). */
export function scatterValues(indices: Tensor, values: Tensor, shape: readonly number[]): Tensor {
  const { sparseNumel, denseShape } = sparseGeometry(shape, indices._shape[0]!);
  const lin = linearIndices(indices, shape);
  return values.newZeros([sparseNumel, ...denseShape]).indexAdd(0, longTensor(lin, [lin.length]), values).reshape(shape as number[]);
}
