// Helpers of the sparse compressed (CSR/CSC) ops (not public): building compressed tensors, and the
// two conversions everything else is composed from (compressed <-> coalesced COO). Kernels work over
// the index lists: O(nnz * dense size) plus O(compressed dim), never O(numel) unless the result is dense.

import { Tensor } from "../core/tensor.js";
import { SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { type Layout, sparseCsr } from "../core/layout.js";
import { type DType, int64 } from "../core/dtype.js";
import { noGrad } from "../autograd/grad-mode.js";
import { needsGrad, record } from "../autograd/record.js";
import { fromArray, toNumbers } from "./engine.js";
import { coalesceRaw, gatherAt, longTensor, makeSparse } from "./sparse-engine.js";

/** An index tensor (int64 or int32) of these numbers. */
export function indexTensor(values: ArrayLike<number>, dtype: DType): Tensor {
  if (dtype === int64) return longTensor(values, [values.length]);
  return fromArray(Int32Array.from(values), [values.length], dtype);
}

/**
 * A compressed tensor over these indices and values (no checks). Values that carry a graph are
 * linked to it (SparseCompressedTensorBackward0: the gradient at the tensor's nonzeros).
 */
export function makeCompressed(layout: Layout, compressed: Tensor, plain: Tensor, values: Tensor, shape: readonly number[]): SparseCompressedTensor {
  if (!needsGrad(values)) return new SparseCompressedTensor(layout, compressed, plain, values, shape.slice());
  const out = new SparseCompressedTensor(layout, compressed, plain, values.detach(), shape.slice());
  return record("SparseCompressedTensorBackward0", [values], out, ([g]) => [gatherAt(denseOrCoo(g!), cooIndices(out), shape)]);
}

/** g as a tensor gatherAt reads (dense or COO). */
function denseOrCoo(g: Tensor): Tensor {
  return g instanceof SparseCompressedTensor ? toDenseRaw(g) : g;
}

/** The (row, column) of each stored value, in stored order: int64 [2, nnz]. */
export function cooIndices(c: SparseCompressedTensor): Tensor {
  const nnz = c._nnzCount;
  const cidx = toNumbers(c._compressedIndices), pidx = toNumbers(c._plainIndices);
  const out = new Float64Array(2 * nnz);
  const [cRow, pRow] = c._isCsr ? [0, 1] : [1, 0];
  for (let i = 0; i + 1 < cidx.length; i++) {
    for (let k = cidx[i]!; k < cidx[i + 1]!; k++) { out[cRow * nnz + k] = i; out[pRow * nnz + k] = pidx[k]!; }
  }
  return longTensor(out, [2, nnz]);
}

/** The COO tensor of c without autograd (coalesced for CSR, whose order is row-major already). */
export function toCooRaw(c: SparseCompressedTensor): SparseTensor {
  return makeSparse(cooIndices(c), c._compressedValues, c._shape, c._isCsr);
}

/** The dense tensor of c, without autograd. */
export function toDenseRaw(c: SparseCompressedTensor): Tensor {
  return noGrad(() => toCooRaw(c).toDense());
}

/** The compressed tensor (layout) of the 2-sparse-dim COO tensor x, without autograd; indices of indexDtype. */
export function fromCooRaw(x: SparseTensor, layout: Layout, indexDtype: DType = int64): SparseCompressedTensor {
  return noGrad(() => {
    const c = coalesceRaw(x);
    const nnz = c._nnzCount, idx = toNumbers(c._sparseIndices);
    const csr = layout === sparseCsr;
    const [cRow, pRow] = csr ? [0, 1] : [1, 0];
    // Coalesced COO is row-major; CSC lists by column, rows ascending within one (a stable sort).
    const order = Array.from({ length: nnz }, (_, k) => k);
    if (!csr) order.sort((a, b) => idx[nnz + a]! - idx[nnz + b]! || a - b);
    const compressedSize = c._shape[cRow]!;
    const counts = new Float64Array(compressedSize + 1);
    const plain = new Float64Array(nnz);
    order.forEach((k, j) => { counts[idx[cRow * nnz + k]! + 1]! += 1; plain[j] = idx[pRow * nnz + k]!; });
    for (let i = 0; i < compressedSize; i++) counts[i + 1] += counts[i]!;
    const values = csr ? c._sparseValues : c._sparseValues.indexSelect(0, longTensor(order, [nnz]));
    return makeCompressed(layout, indexTensor(counts, indexDtype), indexTensor(plain, indexDtype), values, c._shape);
  });
}

/** A gradient for the compressed input x from g (dense, COO or compressed): g at x's nonzeros, in x's layout. */
export function compressedGradFor(g: Tensor, x: SparseCompressedTensor): Tensor {
  const gd = g instanceof SparseCompressedTensor ? g.toDense() : isSparse(g) ? g.toDense() : g;
  return makeCompressed(x._compressedLayout, x._compressedIndices, x._plainIndices, gatherAt(gd, cooIndices(x), x._shape), x._shape);
}
