// Helpers of the sparse compressed (CSR/CSC/BSR/BSC, batched or not) ops (not public): building
// compressed tensors, and the two conversions everything else is composed from (compressed <->
// coalesced COO, whose sparse dims are the batch dims and the two matrix dims; a block becomes its
// blockRows x blockCols elements). Kernels work over the index lists: O(nnz * block * dense size)
// plus O(batches * compressed dim), never O(numel) unless the result is dense.

import { Tensor } from "../core/tensor.js";
import { SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { type Layout, sparseBsc, sparseBsr, sparseCsr } from "../core/layout.js";
import { type DType, int64 } from "../core/dtype.js";
import { numel } from "../core/shape.js";
import { noGrad } from "../autograd/grad-mode.js";
import { needsGrad, record } from "../autograd/record.js";
import { fromArray, toNumbers } from "./engine.js";
import { coalesceRaw, gatherAt, longTensor, makeSparse } from "./sparse-engine.js";

/** An index tensor (int64 or int32) of these numbers, of this shape (1-D by default). */
export function indexTensor(values: ArrayLike<number>, dtype: DType, shape: readonly number[] = [values.length]): Tensor {
  if (dtype === int64) return longTensor(values, shape);
  return fromArray(Int32Array.from(values), shape, dtype);
}

/** Whether the layout stores blocks (BSR, BSC). */
export function isBlockLayout(layout: Layout): boolean {
  return layout === sparseBsr || layout === sparseBsc;
}

/** Whether rows are the layout's compressed dim (CSR, BSR). */
export function isRowLayout(layout: Layout): boolean {
  return layout === sparseCsr || layout === sparseBsr;
}

/**
 * A compressed tensor over these indices and values (no checks). Values that carry a graph are
 * linked to it (SparseCompressedTensorBackward0: the gradient at the tensor's nonzeros).
 */
export function makeCompressed(layout: Layout, compressed: Tensor, plain: Tensor, values: Tensor, shape: readonly number[]): SparseCompressedTensor {
  if (!needsGrad(values)) return new SparseCompressedTensor(layout, compressed, plain, values, shape.slice());
  const out = new SparseCompressedTensor(layout, compressed, plain, values.detach(), shape.slice());
  const valuesShape = values.shape;
  return record("SparseCompressedTensorBackward0", [values], out, ([g]) => [gatherAt(denseOrCoo(g!), cooIndices(out), shape).reshape(valuesShape)]);
}

/** g as a tensor gatherAt reads (dense or COO). */
function denseOrCoo(g: Tensor): Tensor {
  return g instanceof SparseCompressedTensor ? toDenseRaw(g) : g;
}

/** How many elements c stores: batches x nnz x block size. */
function storedElements(c: SparseCompressedTensor): number {
  const [br, bc] = c._blocksize;
  return numel(c._shape.slice(0, c._batchDim)) * c._nnzCount * br * bc;
}

/** c's values (or a tensor shaped as them) with the batch, nnz and block dims merged, in cooIndices' order. */
export function flatValues(c: SparseCompressedTensor, values: Tensor): Tensor {
  return values.reshape([storedElements(c), ...c._shape.slice(c._batchDim + 2)]);
}

/**
 * The (batch..., row, column) of each stored element, in stored order (batch, then nonzero, then
 * row-major within a block): int64 [batch dims + 2, elements].
 */
export function cooIndices(c: SparseCompressedTensor): Tensor {
  const bd = c._batchDim, nnz = c._nnzCount, [br, bc] = c._blocksize;
  const batchShape = c._shape.slice(0, bd), batches = numel(batchShape);
  const per = br * bc, total = batches * nnz * per;
  const cidx = toNumbers(c._compressedIndices), pidx = toNumbers(c._plainIndices);
  const span = batches ? cidx.length / batches : 0;
  const out = new Float64Array((bd + 2) * total);
  const rowFirst = c._rowCompressed;
  for (let b = 0; b < batches; b++) {
    let rest = b;
    const digits = new Array<number>(bd);
    for (let d = bd - 1; d >= 0; d--) { digits[d] = rest % batchShape[d]!; rest = Math.floor(rest / batchShape[d]!); }
    for (let i = 0; i + 1 < span; i++) {
      for (let k = cidx[b * span + i]!; k < cidx[b * span + i + 1]!; k++) {
        const j = pidx[b * nnz + k]!;
        const [bi, bj] = rowFirst ? [i, j] : [j, i];
        for (let r = 0; r < br; r++) {
          for (let s = 0; s < bc; s++) {
            const e = (b * nnz + k) * per + r * bc + s;
            for (let d = 0; d < bd; d++) out[d * total + e] = digits[d]!;
            out[bd * total + e] = bi * br + r;
            out[(bd + 1) * total + e] = bj * bc + s;
          }
        }
      }
    }
  }
  return longTensor(out, [bd + 2, total]);
}

/** Whether cooIndices(c) comes out sorted and distinct (row-major storage with one-row blocks). */
export function cooIsCoalesced(c: SparseCompressedTensor): boolean {
  return (c._rowCompressed && c._blocksize[0] === 1) || storedElements(c) <= 1;
}

/** The COO tensor of c without autograd. */
export function toCooRaw(c: SparseCompressedTensor): SparseTensor {
  return makeSparse(cooIndices(c), flatValues(c, c._compressedValues), c._shape, cooIsCoalesced(c));
}

/** The dense tensor of c, without autograd. */
export function toDenseRaw(c: SparseCompressedTensor): Tensor {
  return noGrad(() => toCooRaw(c).toDense());
}

/**
 * The compressed tensor (layout, blocksize) of the coalesced COO tensor x whose sparse dims are the
 * batch dims and the two matrix dims: each block with a stored element is kept (its other
 * elements zero). `values` are x's values or a differentiable tensor equal to them (the result's
 * values are gathered from it with public ops). Every batch must have the same number of blocks.
 */
export function compressCoo(x: SparseTensor, values: Tensor, layout: Layout, blocksize: readonly [number, number], indexDtype: DType = int64): SparseCompressedTensor {
  const shape = x._shape, bd = x._sparseDim - 2;
  const [br, bc] = blocksize;
  const batchShape = shape.slice(0, bd), batches = numel(batchShape);
  const rowFirst = isRowLayout(layout);
  const nbr = shape[bd]! / br, nbc = shape[bd + 1]! / bc;
  const [ncomp, nplain] = rowFirst ? [nbr, nbc] : [nbc, nbr];
  const n = x._nnzCount, idx = toNumbers(x._sparseIndices);
  // Each element's block key (batch, compressed block, plain block) and its place in the block.
  const keys = new Float64Array(n), inner = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let b = 0;
    for (let d = 0; d < bd; d++) b = b * batchShape[d]! + idx[d * n + k]!;
    const i = idx[bd * n + k]!, j = idx[(bd + 1) * n + k]!;
    const bi = Math.floor(i / br), bj = Math.floor(j / bc);
    keys[k] = (b * ncomp + (rowFirst ? bi : bj)) * nplain + (rowFirst ? bj : bi);
    inner[k] = (i - bi * br) * bc + (j - bj * bc);
  }
  const blocks = [...new Set(keys)].sort((a, b) => a - b);
  const slotOf = new Map(blocks.map((key, s) => [key, s]));
  const perBatch = batches ? blocks.length / batches : 0;
  const counts = new Float64Array(batches * (ncomp + 1));
  const plain = new Float64Array(blocks.length);
  blocks.forEach((key, s) => {
    const line = Math.floor(key / nplain), b = Math.floor(line / ncomp);
    counts[b * (ncomp + 1) + (line - b * ncomp) + 1] += 1;
    plain[s] = key - line * nplain;
  });
  for (let b = 0; b < batches; b++) {
    const base = b * (ncomp + 1);
    for (let i = 0; i < ncomp; i++) counts[base + i + 1] += counts[base + i]!;
    if (counts[base + ncomp] !== perBatch) throw new Error("Expect the same number of specified elements per batch.");
  }
  const per = br * bc, denseShape = shape.slice(bd + 2);
  const slots = Array.from(keys, (key, k) => slotOf.get(key)! * per + inner[k]!);
  const flat = values.newZeros([blocks.length * per, ...denseShape]).indexAdd(0, longTensor(slots, [n]), values);
  const blockDims = isBlockLayout(layout) ? [br, bc] : [];
  return makeCompressed(layout, indexTensor(counts, indexDtype, [...batchShape, ncomp + 1]), indexTensor(plain, indexDtype, [...batchShape, perBatch]),
    flat.reshape([...batchShape, perBatch, ...blockDims, ...denseShape]), shape);
}

/** compressCoo without autograd, x coalesced first. */
export function fromCooRaw(x: SparseTensor, layout: Layout, blocksize: readonly [number, number] = [1, 1], indexDtype: DType = int64): SparseCompressedTensor {
  return noGrad(() => {
    const c = coalesceRaw(x);
    return compressCoo(c, c._sparseValues, layout, blocksize, indexDtype);
  });
}

/** A gradient for the compressed input x from g (dense, COO or compressed): g at x's nonzeros, in x's layout. */
export function compressedGradFor(g: Tensor, x: SparseCompressedTensor): Tensor {
  const gd = g instanceof SparseCompressedTensor ? g.toDense() : isSparse(g) ? g.toDense() : g;
  const values = gatherAt(gd, cooIndices(x), x._shape).reshape(x._compressedValues.shape);
  return makeCompressed(x._compressedLayout, x._compressedIndices, x._plainIndices, values, x._shape);
}
