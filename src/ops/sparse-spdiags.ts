// torch.sparse.spdiags(diagonals, offsets, shape, layout=None): a sparse matrix with the rows of
// `diagonals` on the diagonals `offsets` (scipy's convention: element j of a row lands in column j),
// COO by default (entries diagonal by diagonal, in the order given), or CSR/CSC. The values are
// gathered from diagonals with public ops, so gradients reach them.

import { Tensor } from "../core/tensor.js";
import { type Layout, sparseCoo, sparseCsc, sparseCsr } from "../core/layout.js";
import { int64, scalarTypeName } from "../core/dtype.js";
import { checkArgs, checkTensor } from "./args.js";
import { toNumbers } from "./engine.js";
import { longTensor, makeSparse } from "./sparse-engine.js";
import { layoutWord, toCompressed } from "./sparse-compressed-dispatch.js";

export function spdiags(diagonals: Tensor, offsets: Tensor, shape: number[], layout: Layout | null = null): Tensor {
  if (arguments.length > 4) checkArgs("sparse.spdiags", arguments, 4);
  checkTensor("spdiags", "diagonals", diagonals);
  checkTensor("spdiags", "offsets", offsets);
  const diag2d = diagonals.dim() === 1 ? diagonals.unsqueeze(0) : diagonals;
  if (diag2d.dim() !== 2) throw new Error("Diagonals must be vector or matrix");
  if (!Array.isArray(shape) || shape.length !== 2) throw new Error("Output shape must be 2d");
  const off1d = offsets.dim() === 0 ? offsets.unsqueeze(0) : offsets;
  if (off1d.dim() !== 1) throw new Error("Offsets must be scalar or vector");
  if (diag2d.shape[0] !== off1d.shape[0]) throw new Error(`Number of diagonals (${diag2d.shape[0]}) does not match the number of offsets (${off1d.shape[0]})`);
  if (layout !== null && layout !== sparseCoo && layout !== sparseCsr && layout !== sparseCsc) {
    throw new Error(`Only output layouts (Sparse, SparseCsc, SparseCsr) are supported, got ${layoutWord(diagonals, layout)}`);
  }
  if (off1d.dtype !== int64) throw new Error(`Offset Tensor must have dtype Long but got ${scalarTypeName(off1d.dtype)}`);
  const offs = Array.from(toNumbers(off1d));
  if (new Set(offs).size !== offs.length) throw new Error("Offset tensor contains duplicate values");
  const [rows, cols] = shape as [number, number];
  const len = diag2d.shape[1]!;
  const ii: number[] = [], jj: number[] = [], from: number[] = [];
  offs.forEach((d, k) => {
    for (let i = Math.max(0, -d); i < rows; i++) {
      const j = i + d;
      if (j >= cols || j >= len) break;
      ii.push(i); jj.push(j); from.push(k * len + j);
    }
  });
  const values = diag2d.reshape([-1]).indexSelect(0, longTensor(from, [from.length]));
  const coo = makeSparse(longTensor([...ii, ...jj], [2, ii.length]), values, [rows, cols], false);
  return layout === sparseCsr || layout === sparseCsc ? toCompressed(coo, layout, null) : coo;
}
