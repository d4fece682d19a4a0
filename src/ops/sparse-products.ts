// torch.smm, torch.hspmm, torch.sspaddmm: sparse COO @ dense products with a sparse result (the
// COO @ COO product of torch.sparse.mm / torch.mm is in sparse-dispatch.ts).

import { Tensor } from "../core/tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { scalarTypeName } from "../core/dtype.js";
import { backendRefusal } from "../core/op-name.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import { checkArgs, checkTensor, installMethods, type Method } from "./args.js";
import { cat } from "./shape-join.js";
import { toNumbers } from "./engine.js";
import { coalesceRaw, indicesFromLinear, longTensor, makeSparse } from "./sparse-engine.js";

/** PyTorch 1.13's checks of hspmm and sspaddmm (smm is sspaddmm), in its order and words. */
function checkProduct(op: "hspmm" | "sspaddmm", s: Tensor, d: Tensor): SparseTensor {
  checkTensor(op, "mat1", s);
  checkTensor(op, "mat2", d);
  if (!isSparse(s)) throw new Error(`${op}: expected mat1 to be a 2-D sparse COO matrix with 2 sparse dims, got ${String(s.layout)} of size [${s.shape.join(", ")}]`);
  // A sparse mat2: hspmm resizes it as a sparse result, sspaddmm reads its storage.
  if (isSparse(d)) throw op === "hspmm" ? backendRefusal("SparseCPU", "resize_") : new Error("Cannot access data pointer of Tensor that doesn't have storage");
  if (s.sparseDim() !== 2) throw new Error(`${op}: Argument #2: matrices expected, got ${s.sparseDim()}D tensor`);
  if (s.denseDim() !== 0) throw new Error(`${op}: Argument #2: scalar values expected, got ${s.denseDim()}D values`);
  // (sspaddmm's message names mat2 "Argument #2" too.)
  if (d.dim() !== 2) throw new Error(`${op}: Argument #${op === "hspmm" ? 3 : 2}: matrices expected, got ${d.dim()}D tensor`);
  if (d.shape[0] !== s.shape[1]) throw new Error(`${op}: Argument #3: Expected dim 0 size ${s.shape[1]}, got ${d.shape[0]}`);
  if (s.dtype !== d.dtype) throw new Error(`expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(d.dtype)}`);
  return s;
}

/** PyTorch has no derivative for these: the result carries a node that says so on backward. */
function noDerivative(op: string, inputs: Tensor[], r: Tensor): Tensor {
  return record("NotImplemented", inputs, r, () => { throw new Error(`derivative for aten::${op} is not implemented`); });
}

/** The nonzero rows of s (sorted) and the dense rows of s @ d there: [rows, rows x N]. */
function rowsProduct(s: SparseTensor, d: Tensor): [Tensor, Tensor] {
  const c = coalesceRaw(s);
  const rows = c._sparseIndices.select(0, 0);
  const unique = [...new Set(toNumbers(rows))].sort((a, b) => a - b);
  const slot = new Map(unique.map((r, k) => [r, k]));
  const n = d.shape[1]!;
  const at = longTensor(Array.from(toNumbers(rows), (r) => slot.get(r)!), [c._nnzCount]);
  const contrib = d.indexSelect(0, c._sparseIndices.select(0, 1)).mul(c._sparseValues.unsqueeze(1));
  return [longTensor(unique, [unique.length]), d.newZeros([unique.length, n]).indexAdd(0, at, contrib)];
}

/** torch.hspmm(mat1, mat2): mat1 (sparse) @ mat2 (dense) as a sparse tensor with one sparse dim (the nonzero rows of mat1). */
export function hspmm(mat1: Tensor, mat2: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("hspmm", arguments, 2);
  const s = checkProduct("hspmm", mat1, mat2);
  const r = noGrad(() => {
    const [rows, values] = rowsProduct(s, mat2);
    return makeSparse(rows.unsqueeze(0), values, [s.shape[0]!, mat2.shape[1]!], false);
  });
  return noDerivative("hspmm", [mat1, mat2], r);
}

/** The product's entries in 2 sparse dims: every column of each nonzero row of mat1 (zeros kept, as PyTorch does). */
function expandRows(rows: Tensor, values: Tensor, m: number, n: number): [Tensor, Tensor] {
  const r = toNumbers(rows);
  const lin = new Float64Array(r.length * n);
  for (let k = 0; k < r.length; k++) for (let j = 0; j < n; j++) lin[k * n + j] = r[k]! * n + j;
  return [indicesFromLinear(lin, [m, n]), values.reshape([-1])];
}

/** torch.sspaddmm(input, mat1, mat2, beta=1, alpha=1): beta * input + alpha * (mat1 @ mat2), sparse (input's entries first, uncoalesced). */
export function sspaddmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  if (arguments.length > 4) checkArgs("sspaddmm", arguments, 4);
  checkTensor("sspaddmm", "input", input);
  const s = checkProduct("sspaddmm", mat1, mat2);
  const m = s.shape[0]!, n = mat2.shape[1]!;
  if (!isSparse(input) || input.sparseDim() !== 2 || input.dim() !== 2) {
    throw new Error(`sspaddmm: Argument #1: Expected a sparse COO tensor of size [${m}, ${n}] with 2 sparse dims, got ${String(input.layout)} of size [${input.shape.join(", ")}]`);
  }
  for (const [d, size] of [[0, m], [1, n]] as const) {
    if (input.shape[d] !== size) throw new Error(`sspaddmm: Argument #1: Expected dim ${d} size ${size}, got ${input.shape[d]}`);
  }
  if (input.dtype !== s.dtype) throw new Error(`dtype of values (${scalarTypeName(s.dtype)}) must match dtype of sparse tensor (${scalarTypeName(input.dtype)})`);
  const beta = options.beta ?? 1, alpha = options.alpha ?? 1;
  const r = noGrad(() => {
    const [rows, values] = rowsProduct(s, mat2);
    const [idx, vals] = expandRows(rows, values, m, n);
    return makeSparse(cat([input._indices(), idx], 1), cat([input._values().mul(beta), vals.mul(alpha)]), [m, n], false);
  });
  return noDerivative("sspaddmm", [input, mat1, mat2], r);
}

/** torch.smm(input, mat): input (sparse) @ mat (dense), sparse: sspaddmm over an empty input. */
export function smm(input: Tensor, mat: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("smm", arguments, 2);
  const s = checkProduct("sspaddmm", input, mat);
  const empty = makeSparse(longTensor([], [2, 0]), s._sparseValues.newZeros([0]), [s.shape[0]!, mat.shape[1]!], true);
  return sspaddmm(empty, input, mat);
}

declare module "../core/tensor.js" {
  interface Tensor {
    smm: Method<typeof smm>;
    sspaddmm: Method<typeof sspaddmm>;
  }
}
installMethods({ smm, sspaddmm });
