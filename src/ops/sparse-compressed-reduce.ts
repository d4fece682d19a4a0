// torch.sum of a sparse compressed tensor, PyTorch 2.x's rules: without dims, the sum of the stored
// values (any compressed layout, a dense 0-d tensor); along dims, CSR only, keepdim=True only, and
// the result is CSR again (sum_sparse_compressed / _sparse_csr_sum): dim 0 gives [1, ncols] with the
// columns that hold values, dim 1 gives [nrows, 1] with the rows that do, both dims [1, 1]. The
// values are summed with public ops over values(), so gradients reach them.

import type { Tensor } from "../core/tensor.js";
import type { SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { sparseCsr } from "../core/layout.js";
import { int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { toNumbers } from "./engine.js";
import { longTensor } from "./sparse-engine.js";
import { indexTensor, makeCompressed } from "./sparse-compressed-engine.js";
import { compressedValues, layoutWord } from "./sparse-compressed-dispatch.js";

export function compressedSum(x: SparseCompressedTensor, dims: number[] | null, keepdim: boolean): Tensor {
  const values = compressedValues(x);
  if (dims === null) return values.sum();
  if (x._compressedLayout !== sparseCsr) throw new Error(`Currently the only compressed sparse format supported for sum.dim_IntList is CSR, but got layout ${layoutWord(x)}`);
  if (!keepdim) throw new Error("reduction operations on CSR tensors with keepdim=False is unsupported");
  if (x.dim() !== 2) throw new Error(`sum: torch-ts sums a CSR tensor along dims when it is 2-D without dense dims (got size [${x.shape.join(", ")}])`);
  const wanted = new Set(dims.map((d) => normalizeDim(d, 2, "sum")));
  const [nrows, ncols] = x.shape as [number, number];
  const idt = x._compressedIndices.dtype, nnz = x._nnzCount;
  if (wanted.size !== 1) {
    // Both dims (or none listed): one stored value, integers summed as int64 (PyTorch's dim01 kernel).
    const total = x.dtype.isFloatingPoint || x.dtype.isComplex ? values.sum() : values.sum({ dtype: int64 });
    const n = Math.min(1, nnz);
    return makeCompressed(sparseCsr, indexTensor([0, n], idt), indexTensor(new Array<number>(n).fill(0), idt), n ? total.reshape([1]) : total.reshape([1]).narrow(0, 0, 0), [1, Math.min(1, ncols)]);
  }
  const crow = toNumbers(x._compressedIndices), col = toNumbers(x._plainIndices);
  if (wanted.has(0)) {
    const columns = [...new Set(col)].sort((a, b) => a - b);
    const slotOf = new Map(columns.map((c, s) => [c, s]));
    const summed = values.newZeros([columns.length]).indexAdd(0, longTensor(Array.from(col, (c) => slotOf.get(c)!), [nnz]), values);
    return makeCompressed(sparseCsr, indexTensor([0, columns.length], idt), indexTensor(columns, idt), summed, [1, ncols]);
  }
  const rowCounts = [0], rowOf: number[] = [];
  for (let i = 0; i < nrows; i++) {
    const filled = crow[i + 1]! > crow[i]!;
    rowCounts.push(rowCounts[i]! + (filled ? 1 : 0));
    for (let k = crow[i]!; k < crow[i + 1]!; k++) rowOf.push(rowCounts[i]!);
  }
  const rows = rowCounts[nrows]!;
  const summed = values.newZeros([rows]).indexAdd(0, longTensor(rowOf, [nnz]), values);
  return makeCompressed(sparseCsr, indexTensor(rowCounts, idt), indexTensor(new Array<number>(rows).fill(0), idt), summed, [nrows, 1]);
}
