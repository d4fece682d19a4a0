// torch.sparse.*: sum, mm, addmm, softmax, log_softmax over sparse COO tensors (the `torch.sparse` namespace);
// sampled_addmm and spdiags live in their own files.

import { Tensor } from "../core/tensor.js";
import { isSparse, SparseTensor } from "../core/sparse-tensor.js";
import { normalizeDim } from "../core/shape.js";
import { type DTypeLike, toDType } from "../core/dtype.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import { checkArgs, checkTensor } from "./args.js";
import { emptyTensor, toNumbers, writeNumbers } from "./engine.js";
import { coalesceRaw, gatherAt, indicesFromLinear, linearIndices, longTensor, makeSparse } from "./sparse-engine.js";
import { sparseAddmm, sparseGradFor, sparseSparseMm } from "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedMatmul } from "./sparse-compressed-products.js";
import { layoutWord } from "./sparse-compressed-dispatch.js";
import { backendRefusal } from "../core/op-name.js";

export { sampledAddmm } from "./sparse-sampled-addmm.js";
export { spdiags } from "./sparse-spdiags.js";

function requireSparse(op: string, name: string, t: Tensor): SparseTensor {
  checkTensor(op, name, t);
  if (!(isSparse(t))) throw new Error(`${op}: expected '${name}' to be a sparse COO tensor, got a ${t.layout} one`);
  return t;
}

/**
 * torch.sparse.sum(input, dim=None, dtype=None): every element summed (a dense 0-d tensor), or the
 * given dims: sparse when some sparse dim remains, dense when only dense dims do.
 */
export function sum(input: Tensor, dim?: number | number[] | null, options: { dtype?: DTypeLike | null } = {}): Tensor {
  if (arguments.length > 3) checkArgs("sparse.sum", arguments, 3);
  // 1.13's sparse.sum reads COO members (is_coalesced, or _indices along dims), which compressed tensors lack.
  if (isCompressed(input)) throw backendRefusal("SparseCsrCPU", dim === undefined || dim === null ? "is_coalesced" : "_indices");
  let x = requireSparse("sparse.sum", "input", input);
  if (options.dtype !== undefined && options.dtype !== null) x = x.to(toDType(options.dtype)) as SparseTensor;
  const src = x;
  if (dim === undefined || dim === null) {
    const r = noGrad(() => src._sparseValues.sum());
    return record("SumBackward0", [src], r, ([g]) => [sparseGradFor(g!.expand(src.shape), src)]);
  }
  const nd = x.dim();
  const dims = [...new Set((Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, nd, "sparse.sum")))].sort((a, b) => a - b);
  if (dims.length === nd) {
    const r = noGrad(() => src._sparseValues.sum());
    return record("SumBackward0", [src], r, ([g]) => [sparseGradFor(g!.expand(src.shape), src)]);
  }
  const sd = x._sparseDim;
  const sparseSummed = dims.filter((d) => d < sd), denseSummed = dims.filter((d) => d >= sd).map((d) => d - sd + 1);
  const keptSparse = Array.from({ length: sd }, (_, d) => d).filter((d) => !sparseSummed.includes(d));
  const outShape = x.shape.filter((_, d) => !dims.includes(d));
  const r = noGrad(() => {
    const c = coalesceRaw(src);
    let values = denseSummed.length ? c._sparseValues.sum(denseSummed) : c._sparseValues;
    if (keptSparse.length === 0) return values.sum(0);
    const keptShape = keptSparse.map((d) => src._shape[d]!);
    const kept = c._sparseIndices.indexSelect(0, longTensor(keptSparse, [keptSparse.length]));
    const lin = linearIndices(kept, keptShape);
    const unique = [...new Set(lin)].sort((a, b) => a - b);
    const slotOf = new Map(unique.map((p, i) => [p, i]));
    const slots = Array.from(lin, (p) => slotOf.get(p)!);
    values = values.newZeros([unique.length, ...values.shape.slice(1)]).indexAdd_(0, longTensor(slots, [slots.length]), values);
    return makeSparse(indicesFromLinear(unique, keptShape), values, outShape, true);
  });
  // The gradient at each nonzero of x: g at the nonzero's position with the summed dims dropped.
  return record("SparseSumBackward0", [src], r, ([g]) => {
    const c = coalesceRaw(src);
    const gd = isSparse(g) ? g.toDense() : g!;
    let gv: Tensor;
    if (keptSparse.length === 0) gv = gd.unsqueeze(0).expand([c._nnzCount, ...gd.shape]);
    else gv = gatherAt(gd, c._sparseIndices.indexSelect(0, longTensor(keptSparse, [keptSparse.length])), gd.shape);
    for (const d of denseSummed) gv = gv.unsqueeze(d);
    return [makeSparse(c._sparseIndices, gv.expand(c._sparseValues.shape).contiguous(), c._shape, true)];
  });
}

/**
 * torch.sparse.mm(mat1, mat2): sparse @ dense is dense (gradients to both; the sparse one's is
 * sparse), sparse @ sparse is sparse; as in PyTorch 1.13, dense @ dense is torch.mm, a dense mat1 with
 * a compressed mat2 (a compressed result 1.13 has no kernel for) or a COO one refuses.
 */
export function mm(mat1: Tensor, mat2: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("sparse.mm", arguments, 2);
  checkTensor("sparse.mm", "mat1", mat1);
  checkTensor("sparse.mm", "mat2", mat2);
  if (isCompressed(mat1)) return compressedMatmul("sparse.mm", null, mat1, mat2);
  if (isCompressed(mat2)) throw new Error(`addmm: computation on CPU is not implemented for SparseCsr + ${layoutWord(mat1)} @ ${layoutWord(mat2)}`);
  if (isSparse(mat1) && isSparse(mat2)) return sparseSparseMm(mat1, mat2);
  if (isSparse(mat1)) return sparseAddmm(null, mat1, mat2, 0, 1);
  if (isSparse(mat2)) throw new Error("Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend.");
  return mat1.mm(mat2);
}

/**
 * torch.sparse.addmm(input, mat1, mat2, beta=1, alpha=1): beta * input + alpha * (mat1 @ mat2) with a
 * dense input; mat1 sparse (COO or compressed), or a compressed mat2, or both dense (torch.addmm).
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: { beta?: number; alpha?: number } = {}): Tensor {
  if (arguments.length > 4) checkArgs("sparse.addmm", arguments, 4);
  checkTensor("sparse.addmm", "input", input);
  checkTensor("sparse.addmm", "mat1", mat1);
  checkTensor("sparse.addmm", "mat2", mat2);
  const beta = options.beta ?? 1, alpha = options.alpha ?? 1;
  if (isCompressed(mat1) || isCompressed(mat2)) return compressedMatmul("sparse.addmm", input, mat1, mat2, beta, alpha);
  // 1.13 resizes the result like the input, which a sparse COO result cannot do.
  if (isSparse(input)) throw backendRefusal("SparseCPU", "resize_");
  if (isSparse(mat1)) return sparseAddmm(input, mat1, mat2, beta, alpha);
  if (isSparse(mat2)) throw new Error("Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend.");
  return input.addmm(mat1, mat2, { beta, alpha });
}

/** torch.sparse.softmax(input, dim, dtype=None): softmax over the nonzeros along dim (absent entries stay zero). */
export function softmax(input: Tensor, dim: number, options: { dtype?: DTypeLike | null } = {}): Tensor {
  if (arguments.length > 3) checkArgs("sparse.softmax", arguments, 3);
  return sparseSoftmax("softmax", input, dim, options.dtype);
}

/** torch.sparse.log_softmax(input, dim, dtype=None): log of sparse.softmax, over the nonzeros along dim. */
export function logSoftmax(input: Tensor, dim: number, options: { dtype?: DTypeLike | null } = {}): Tensor {
  if (arguments.length > 3) checkArgs("sparse.log_softmax", arguments, 3);
  return sparseSoftmax("log_softmax", input, dim, options.dtype);
}

function sparseSoftmax(op: "softmax" | "log_softmax", input: Tensor, dim: number, dtype?: DTypeLike | null): Tensor {
  if (isCompressed(input)) throw backendRefusal("SparseCsrCPU", `_sparse_${op}`);
  let x = requireSparse(`sparse.${op}`, "input", input);
  if (!Number.isInteger(dim)) throw new Error(`sparse.${op}(): argument 'dim' must be int, not ${String(dim)}`);
  const d = normalizeDim(dim, x.dim(), `sparse.${op}`);
  if (dtype !== undefined && dtype !== null) x = x.to(toDType(dtype)) as SparseTensor;
  if (!x.dtype.isFloatingPoint) throw new Error(`"${op}_sparse" not implemented for '${String(x.dtype)}'`);
  const src = x, log = op === "log_softmax";
  const c = coalesceRaw(src);
  const sd = c._sparseDim, shape = c._shape;
  let outValues: Tensor;
  let groupSum: (t: Tensor) => Tensor;
  if (d >= sd) {
    // A dense dim: the values' own softmax along it.
    const vd = d - sd + 1;
    outValues = noGrad(() => (log ? c._sparseValues.logSoftmax(vd) : c._sparseValues.softmax(vd)));
    groupSum = (t) => t.sum(vd, true);
  } else {
    // A sparse dim: the nonzeros that share every other sparse index form one group.
    const others = Array.from({ length: sd }, (_, k) => k).filter((k) => k !== d);
    const lin = others.length ? linearIndices(c._sparseIndices.indexSelect(0, longTensor(others, [others.length])), others.map((k) => shape[k]!)) : new Float64Array(c._nnzCount);
    const slotOf = new Map<number, number>();
    const gid = Array.from(lin, (p) => { let s = slotOf.get(p); if (s === undefined) { s = slotOf.size; slotOf.set(p, s); } return s; });
    const gidT = longTensor(gid, [gid.length]);
    const rowShape = c._sparseValues.shape.slice(1);
    outValues = noGrad(() => groupedSoftmax(c._sparseValues, gid, slotOf.size, log));
    groupSum = (t) => t.newZeros([slotOf.size, ...rowShape]).indexAdd(0, gidT, t).indexSelect(0, gidT);
  }
  const out = makeSparse(c._sparseIndices, outValues, shape, true);
  return record(log ? "SparseLogSoftmaxBackward0" : "SparseSoftmaxBackward0", [src], out, ([g]) => {
    const gv = gatherAt(g!, c._sparseIndices, shape);
    const gx = log ? gv.sub(outValues.exp().mul(groupSum(gv))) : outValues.mul(gv.sub(groupSum(gv.mul(outValues))));
    return [makeSparse(c._sparseIndices, gx, shape, true)];
  });
}

/** Softmax (or log-softmax) of the rows of `values` within each group, per dense element; plain TS over nnz. */
function groupedSoftmax(values: Tensor, gid: number[], groups: number, log: boolean): Tensor {
  const nnz = gid.length, per = nnz ? values.numel() / nnz : 0;
  const v = toNumbers(values);
  const max = new Float64Array(groups * per).fill(-Infinity), sum = new Float64Array(groups * per);
  for (let k = 0; k < nnz; k++) for (let j = 0; j < per; j++) { const m = gid[k]! * per + j; if (v[k * per + j]! > max[m]!) max[m] = v[k * per + j]!; }
  for (let k = 0; k < nnz; k++) for (let j = 0; j < per; j++) { const m = gid[k]! * per + j; sum[m] += Math.exp(v[k * per + j]! - max[m]!); }
  const out = new Float64Array(nnz * per);
  for (let k = 0; k < nnz; k++) {
    for (let j = 0; j < per; j++) {
      const m = gid[k]! * per + j, z = v[k * per + j]! - max[m]!;
      out[k * per + j] = log ? z - Math.log(sum[m]!) : Math.exp(z) / sum[m]!;
    }
  }
  const r = emptyTensor(values.shape, values.dtype);
  writeNumbers(r, out);
  return r;
}
