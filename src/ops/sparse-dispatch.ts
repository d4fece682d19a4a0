// The sparse COO forms of dense ops, reached from their entry points (binaryOp, unaryOp, castTo,
// clone, transpose, mm/matmul/addmm) when an operand is a SparseTensor: PyTorch's sparse kernels'
// semantics (add merges, mul intersects, unary ops map the coalesced values), each recorded under
// PyTorch's node name with a vjp in public ops. An op with no sparse form refuses in PyTorch's words.

import { Tensor } from "../core/tensor.js";
import { isSparse, SparseTensor } from "../core/sparse-tensor.js";
import { type DType, float64, int64, scalarTypeName } from "../core/dtype.js";
import { promoteTypes } from "./promotion.js";
import { checkInplaceLeaf } from "./inplace.js";
import { Complex } from "../core/complex.js";
import type { TensorOrScalar } from "./promotion.js";
import { backendRefusal } from "../core/op-name.js";
import { sparseCoo } from "../core/layout.js";
import { noGrad } from "../autograd/grad-mode.js";
import { needsGrad, record, sumToShape } from "../autograd/record.js";
import { normalizeDim } from "../core/shape.js";
import type { BinarySpec, UnarySpec } from "./pointwise-engine.js";
import { emptyTensor, fromArray, toNumbers, writeNumbers } from "./engine.js";
import { coalesceRaw, gatherAt, indicesFromLinear, linearIndices, longTensor, makeSparse, sparseGeometry } from "./sparse-engine.js";

type Operand = Tensor | number | bigint | boolean;

const proto = SparseTensor.prototype as unknown as Record<string, unknown>;
Object.defineProperty(proto, "layout", { get() { return sparseCoo; }, configurable: true });
Object.defineProperty(proto, "isSparse", { get() { return true; }, configurable: true });

/** A gradient for the sparse input x: itself when sparse, else the dense g at x's nonzeros. */
export function sparseGradFor(g: Tensor, x: SparseTensor): Tensor {
  if (isSparse(g)) return g;
  const c = coalesceRaw(x);
  return makeSparse(c._sparseIndices, gatherAt(g, c._sparseIndices, c._shape), c._shape, true);
}

/** A gradient for the dense input t from a sparse or dense g. */
function denseGradFor(g: Tensor, t: Tensor): Tensor {
  const d = isSparse(g) ? g.toDense() : g;
  const r = sumToShape(d, t.shape);
  return r.dtype === t.dtype ? r : r.to(t.dtype);
}

/** A sparse tensor of x's indices with new values (no autograd). */
function withValues(x: SparseTensor, values: Tensor, coalesced = x._coalesced): SparseTensor {
  return makeSparse(x._sparseIndices, values, x._shape, coalesced);
}

function isScalarLike(v: Operand): boolean {
  return !(v instanceof Tensor) || (!(isSparse(v)) && v.dim() === 0);
}

function sizesOf(t: Tensor): string { return `[${t._shape.join(", ")}]`; }

/** add/sub/mul/div with a sparse operand; `out` is self for the in-place forms. */
export function sparseBinary(spec: BinarySpec, a: TensorOrScalar, b: TensorOrScalar, out?: Tensor): Tensor {
  if (a instanceof Complex || b instanceof Complex) throw backendRefusal("SparseCPU", spec.name);
  const name = spec.name;
  if (isSparse(out)) {
    const r = noGrad(() => sparseBinary({ ...spec, vjp: undefined }, a, b)) as SparseTensor;
    if (r.dtype !== out.dtype) throw new Error(`result type ${r.dtype} can't be cast to the desired output type ${out.dtype}`);
    out._sparseIndices = r._sparseIndices; out._sparseValues = r._sparseValues; out._coalesced = r._coalesced;
    return out;
  }
  if (name === "add" || name === "sub") return sparseAdd(spec, a, b, out);
  if (name === "mul") return sparseMul(a, b, out);
  if (name === "div") return sparseDiv(a, b, out);
  throw backendRefusal("SparseCPU", name);
}

function sparseAdd(spec: BinarySpec, a: Operand, b: Operand, out?: Tensor): Tensor {
  const scale = (spec.name === "sub" ? -1 : 1) * (spec.alpha ?? 1);
  if (!(isSparse(a))) {
    if (!(a instanceof Tensor)) throw new Error("add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
    // dense + sparse: a dense result; the sparse operand's gradient stays sparse (ToDenseBackward0).
    const s = b as SparseTensor, alpha = spec.alpha ?? 1;
    const sum = (): Tensor => { const bd = s.toDense(); return spec.name === "sub" ? a.sub(bd, alpha) : a.add(bd, alpha); };
    if (out === a && a.isContiguous() && a.dtype === s.dtype && a.device.type === "cpu") {
      // In place: only the sparse operand's rows are touched (O(nnz * dense size)).
      const { sparseNumel, denseShape } = sparseGeometry(s._shape, s._sparseDim);
      const lin = linearIndices(s._sparseIndices, s._shape);
      noGrad(() => a.view([sparseNumel, ...denseShape]).indexAdd_(0, longTensor(lin, [lin.length]), s._sparseValues, { alpha: spec.name === "sub" ? -alpha : alpha }));
      return out;
    }
    if (out) { noGrad(() => out.copy_(sum())); return out; }
    return sum();
  }
  if (!(isSparse(b))) throw new Error("add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
  if (a._shape.join() !== b._shape.join()) throw new Error(`add: expected sizes of 'self' and 'other' to match, but ${sizesOf(a)} != ${sizesOf(b)}`);
  // An empty operand (a zeroed sparse grad) takes the other's layout, as PyTorch's add does.
  if (b._nnzCount === 0 || a._nnzCount === 0) {
    const r = noGrad(() => {
      const dtype = resultDtype(a, b);
      if (b._nnzCount === 0) return makeSparse(a._sparseIndices, a._sparseValues.to(dtype), a._shape, a._coalesced);
      return makeSparse(b._sparseIndices, b._sparseValues.to(dtype).mul(scale), b._shape, b._coalesced);
    });
    return record(spec.name === "sub" ? "SubBackward0" : "AddBackward0", [a, b], r, ([g]) => [
      a._requiresGrad ? sparseGradFor(g!, a) : null,
      b._requiresGrad ? sparseGradFor(scale === 1 ? g! : g!.mul(scale), b) : null,
    ]);
  }
  if (a._sparseDim !== b._sparseDim) throw new Error(`add: expected 'self' and 'other' to have same sparse dimensions, but got ${a._sparseDim} and ${b._sparseDim}`);
  const r = noGrad(() => mergeAdd(a, b, scale));
  return record(spec.name === "sub" ? "SubBackward0" : "AddBackward0", [a, b], r, ([g]) => [
    a._requiresGrad ? sparseGradFor(g!, a) : null,
    b._requiresGrad ? sparseGradFor(scale === 1 ? g! : g!.mul(scale), b) : null,
  ]);
}

/**
 * PyTorch's sparse add: one merge of the two index lists in order, an entry of a and one of b at
 * the same position summed into one (so coalesced + coalesced is coalesced, and otherwise the
 * duplicates stay).
 */
function mergeAdd(a: SparseTensor, b: SparseTensor, scale: number): SparseTensor {
  const dtype = resultDtype(a, b);
  const va = a._sparseValues.to(dtype), vb = b._sparseValues.to(dtype).mul(scale);
  const la = linearIndices(a._sparseIndices, a._shape), lb = linearIndices(b._sparseIndices, b._shape);
  const srcA: number[] = [], srcB: number[] = [];
  let i = 0, j = 0;
  while (i < la.length || j < lb.length) {
    if (j >= lb.length || (i < la.length && la[i]! < lb[j]!)) { srcA.push(i++); srcB.push(-1); }
    else if (i >= la.length || lb[j]! < la[i]!) { srcA.push(-1); srcB.push(j++); }
    else { srcA.push(i++); srcB.push(j++); }
  }
  const n = srcA.length;
  const rows = va._shape.slice(1);
  const pick = (v: Tensor, src: number[]): Tensor => {
    const slots: number[] = [], from: number[] = [];
    src.forEach((s, k) => { if (s >= 0) { slots.push(k); from.push(s); } });
    return v.newZeros([n, ...rows]).indexAdd_(0, longTensor(slots, [slots.length]), v.indexSelect(0, longTensor(from, [from.length])));
  };
  const values = pick(va, srcA).add(pick(vb, srcB));
  const idx = a._sparseIndices.newZeros([a._sparseDim, n]);
  const ia = toNumbers(a._sparseIndices), ib = toNumbers(b._sparseIndices);
  const merged = new Float64Array(a._sparseDim * n);
  for (let k = 0; k < n; k++) {
    for (let d = 0; d < a._sparseDim; d++) {
      merged[d * n + k] = srcA[k]! >= 0 ? ia[d * la.length + srcA[k]!]! : ib[d * lb.length + srcB[k]!]!;
    }
  }
  writeNumbers(idx, merged);
  return makeSparse(idx, values, a._shape, a._coalesced && b._coalesced);
}

function resultDtype(a: Tensor, b: Tensor): DType {
  return promoteTypes(a.dtype, b.dtype);
}

function sparseMul(a: Operand, b: Operand, out?: Tensor): Tensor {
  if (out) throw backendRefusal("SparseCPU", "mul_");
  if (isSparse(a) && isSparse(b)) return mulSparseSparse(a, b);
  const [s, other] = isSparse(a) ? [a, b] : [b as SparseTensor, a];
  const isTensor = other instanceof Tensor;
  // The factor at each nonzero: a scalar, a 0-d tensor, or a dense tensor broadcast to s's shape.
  const factor = (t: Operand, at: SparseTensor): Operand => {
    if (!(t instanceof Tensor) || t.dim() === 0) return t;
    if (t.device.type !== "cpu") throw new Error("mul: sparse tensors are CPU only in torch-ts");
    return gatherAt(t.expand(at.shape), at._sparseIndices, at._shape);
  };
  const c = s;
  const values = noGrad(() => c._sparseValues.mul(factor(other, c) as Tensor));
  const r = withValues(c, values);
  return record("MulBackward0", [s, isTensor ? other : null], r, ([g]) => [
    s._requiresGrad ? sparseGradFor(g!.mul(other), s) : null,
    isTensor && other._requiresGrad ? denseGradFor(g!.mul(s), other) : null,
  ]);
}

/** Elementwise product of two sparse tensors of one shape: the intersection of their nonzeros. */
function mulSparseSparse(a: SparseTensor, b: SparseTensor): Tensor {
  if (a._shape.join() !== b._shape.join() || a._sparseDim !== b._sparseDim) {
    throw new Error("sparse_binary_op_intersection_cpu(): expects sparse inputs with equal dimensionality, number of sparse dimensions, and shape of sparse dimensions");
  }
  const ca = coalesceRaw(a), cb = coalesceRaw(b);
  const la = linearIndices(ca._sparseIndices, ca._shape), lb = linearIndices(cb._sparseIndices, cb._shape);
  const fa: number[] = [], fb: number[] = [];
  for (let i = 0, j = 0; i < la.length && j < lb.length;) {
    if (la[i]! < lb[j]!) i++;
    else if (lb[j]! < la[i]!) j++;
    else { fa.push(i++); fb.push(j++); }
  }
  const r = noGrad(() => {
    const values = ca._sparseValues.indexSelect(0, longTensor(fa, [fa.length])).mul(cb._sparseValues.indexSelect(0, longTensor(fb, [fb.length])));
    return makeSparse(ca._sparseIndices.indexSelect(1, longTensor(fa, [fa.length])), values, a._shape, true);
  });
  return record("MulBackward0", [a, b], r, ([g]) => [
    a._requiresGrad ? sparseGradFor(g!.mul(b), a) : null,
    b._requiresGrad ? sparseGradFor(g!.mul(a), b) : null,
  ]);
}

function sparseDiv(a: Operand, b: Operand, out?: Tensor): Tensor {
  if (out) throw backendRefusal("SparseCPU", "div_");
  if (!(isSparse(a))) throw backendRefusal("SparseCPU", "div");
  if (!isScalarLike(b)) {
    const shape = b instanceof Tensor ? sizesOf(b) : "[]";
    throw new Error(`Sparse division requires a scalar or zero-dim dense tensor divisor (got shape ${shape} for divisor)`);
  }
  const r = withValues(a, noGrad(() => a._sparseValues.div(b)));
  return record("DivBackward0", [a, b instanceof Tensor ? b : null], r, ([g]) => [
    a._requiresGrad ? sparseGradFor(g!.div(b), a) : null,
    b instanceof Tensor && b._requiresGrad ? denseGradFor(g!.mul(a), b).neg().div((b as Tensor).mul(b)) : null,
  ]);
}

/** The zero-preserving unary ops PyTorch 1.13 has for sparse COO; neg and deg/rad keep duplicates, the rest coalesce first. */
const LINEAR_UNARY = new Set(["neg", "deg2rad", "rad2deg"]);
const COALESCING_UNARY = new Set([
  "abs", "sign", "sgn", "sqrt", "sin", "tan", "tanh", "asin", "atan", "sinh", "asinh", "atanh", "expm1", "log1p",
  "floor", "ceil", "round", "trunc", "erf", "square",
]);

/** Whether PyTorch has the unary op for sparse tensors (it maps zero to zero). */
export function zeroPreservingUnary(name: string): boolean {
  return LINEAR_UNARY.has(name) || COALESCING_UNARY.has(name);
}

export function sparseUnary(spec: UnarySpec, x: SparseTensor, apply: (values: Tensor) => Tensor): Tensor {
  const linear = LINEAR_UNARY.has(spec.name);
  if (!linear && !COALESCING_UNARY.has(spec.name)) throw backendRefusal("SparseCPU", spec.name);
  const c = linear ? x : coalesceRaw(x);
  const outValues = noGrad(() => apply(c._sparseValues));
  const r = withValues(c, outValues);
  const vjp = spec.vjp;
  if (!vjp || !r.dtype.isFloatingPoint) return r;
  // The gradient lives on x's coalesced pattern: per stored entry, duplicates would count twice.
  return record(spec.node, [x], r, ([g]) => {
    const cc = coalesceRaw(x);
    const outc = cc === c ? outValues : noGrad(() => apply(cc._sparseValues));
    const gv = gatherAt(g!, cc._sparseIndices, cc._shape);
    return [makeSparse(cc._sparseIndices, vjp(gv, cc._sparseValues, outc), cc._shape, true)];
  });
}

/**
 * The in-place form of a zero-preserving unary op: neg_ and deg2rad_/rad2deg_ on any sparse tensor,
 * the others on a coalesced one only (PyTorch's rule: they would apply once per duplicate).
 */
export function sparseUnaryInPlace(spec: UnarySpec, x: SparseTensor, apply: (values: Tensor) => Tensor): Tensor {
  if (!zeroPreservingUnary(spec.name)) throw backendRefusal("SparseCPU", `${spec.name}_`);
  checkInplaceLeaf(`${spec.name}_`, x);
  if (!LINEAR_UNARY.has(spec.name) && !x._coalesced) throw new Error(`${spec.name}_ requires coalesced input`);
  const values = noGrad(() => apply(x._sparseValues));
  if (values.dtype !== x.dtype) throw new Error(`result type ${values.dtype} can't be cast to the desired output type ${x.dtype}`);
  x._sparseValues = values;
  x.storage.version++;
  return x;
}

/** self.copy_(src) between sparse tensors: self takes src's indices and values (cast to self's dtype). */
export function sparseCopy_(self: Tensor, src: Tensor): Tensor {
  if (!isSparse(self) || !isSparse(src)) {
    const kind = (t: Tensor): string => (isSparse(t) ? "SparseCPU" : "CPU");
    throw new Error(`copy_() between dense and sparse Tensors is not implemented! Found self type = ${kind(self)}${scalarTypeName(self.dtype)}Type and src type = ${kind(src)}${scalarTypeName(src.dtype)}Type`);
  }
  if (self._shape.join() !== src._shape.join()) throw new Error(`copy_: expected sparse tensors of the same size, got ${sizesOf(self)} and ${sizesOf(src)}`);
  checkInplaceLeaf("copy_", self);
  noGrad(() => {
    self._sparseIndices = src._sparseIndices.clone();
    self._sparseValues = src._sparseValues.to(self.dtype, { copy: true });
  });
  self._coalesced = src._coalesced;
  self.storage.version++;
  return self;
}

/** x.to(dtype) / x.double() ... of a sparse tensor (ToCopyBackward0). */
export function sparseCast(x: SparseTensor, dtype: DType): Tensor {
  const r = withValues(x, noGrad(() => x._sparseValues.to(dtype)));
  if (!dtype.isDifferentiable || !x.dtype.isDifferentiable) return r;
  const from = x.dtype;
  return record("ToCopyBackward0", [x], r, ([g]) => [g!.to(from)]);
}

/** zero_ of a sparse tensor: no nonzeros left, every dim sparse (PyTorch's sparse_resize_and_clear_). */
export function sparseZero_(x: SparseTensor): Tensor {
  checkInplaceLeaf("zero_", x);
  x._sparseIndices = emptyTensor([x.dim(), 0], int64);
  x._sparseValues = emptyTensor([0], x.dtype);
  x._coalesced = true;
  x.storage.version++;
  return x;
}

export function sparseClone(x: SparseTensor): Tensor {
  const r = makeSparse(x._sparseIndices.clone(), x._sparseValues.clone(), x._shape, x._coalesced);
  return record("CloneBackward0", [x], r, ([g]) => [g]);
}

/** transpose of two sparse dims: the index rows swapped (uncoalesced). */
export function sparseTranspose(x: SparseTensor, dim0: number, dim1: number, node: string): Tensor {
  const nd = x.dim();
  const a = normalizeDim(dim0, nd, "transpose"), b = normalizeDim(dim1, nd, "transpose");
  if (a === b) return x;
  if (a >= x._sparseDim || b >= x._sparseDim) throw new Error(`transpose: sparse COO tensors in torch-ts transpose sparse dims only (got dims ${a} and ${b} with sparse_dim ${x._sparseDim})`);
  const order = Array.from({ length: x._sparseDim }, (_, d) => (d === a ? b : d === b ? a : d));
  const shape = x.shape;
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  const r = makeSparse(x._sparseIndices.indexSelect(0, longTensor(order, [order.length])), x._sparseValues, shape, false);
  return record(node, [x], r, ([g]) => [g!.transpose(a, b)]);
}

// ---- products -----------------------------------------------------------------------------

/**
 * PyTorch 1.13's checks of sparse @ dense (s_addmm_out_sparse_dense), in its order and words; a
 * hybrid sparse operand or an N-D dense one (which 1.13 fails on deep inside) refuse in torch-ts's.
 */
function checkMm(op: string, s: SparseTensor, d: Tensor, input: Tensor | null = null): void {
  if (s._sparseDim !== 2) throw new Error(`addmm: matrices expected, got ${s._sparseDim}D tensor`);
  // 1.13's addmm reads the second operand's storage (only torch.mm / sparse.mm take sparse @ sparse).
  if (isSparse(d)) throw new Error("Cannot access data pointer of Tensor that doesn't have storage");
  if (s.dim() !== 2) throw new Error(`${op}: torch-ts multiplies sparse COO matrices without dense dims, got size ${sizesOf(s)} with ${s.dim() - 2} dense dims`);
  if (d.dim() === 1) throw new Error("Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  if (d.dim() !== 2) throw new Error(`${op}: Argument #3 (dense): Expected 2-D tensor, got ${d.dim()}-D`);
  if (d._shape[0] !== s._shape[1]) throw new Error(`addmm: Argument #3 (dense): Expected dim 0 size ${s._shape[1]}, got ${d._shape[0]}`);
  if (s.dtype !== d.dtype) throw new Error(`expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(d.dtype)}`);
  if (input) {
    if (input.dtype !== s.dtype) throw new Error(`expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(input.dtype)}`);
    input.expand([s._shape[0]!, d._shape[1]!]); // PyTorch's expand message when the input does not broadcast
  }
}

/** s @ d over the nonzeros: O(nnz * columns), no autograd. */
function mmKernel(s: SparseTensor, d: Tensor): Tensor {
  const M = s._shape[0]!, N = d._shape[1]!, nnz = s._nnzCount;
  const idx = toNumbers(s._sparseIndices), v = toNumbers(s._sparseValues), dv = toNumbers(d.contiguous());
  const acc = new Float64Array(M * N);
  for (let k = 0; k < nnz; k++) {
    const i = idx[k]!, j = idx[nnz + k]!, w = v[k]!;
    for (let n = 0; n < N; n++) acc[i * N + n] += w * dv[j * N + n]!;
  }
  const out = emptyTensor([M, N], s.dtype);
  writeNumbers(out, s.dtype.isFloatingPoint ? acc : acc.map(Math.trunc));
  return out;
}

/** The gradient of s in s @ d, at s's coalesced nonzeros: rows of g dotted with rows of d. */
function mmGradSparse(g: Tensor, s: SparseTensor, d: Tensor): Tensor {
  const c = coalesceRaw(s);
  const nnz = c._nnzCount;
  const rows = c._sparseIndices.select(0, 0), cols = c._sparseIndices.select(0, 1);
  const gd = isSparse(g) ? g.toDense() : g;
  const values = gd.indexSelect(0, rows).mul(d.indexSelect(0, cols)).sum(1);
  return makeSparse(c._sparseIndices, nnz ? values : values.reshape([0]), c._shape, true);
}

/** torch.sparse.mm(sparse, dense) / torch.sparse.addmm: SparseAddmmBackward0, gradients to every input. */
export function sparseAddmm(input: Tensor | null, s: SparseTensor, d: Tensor, beta: number, alpha: number): Tensor {
  checkMm(input ? "sparse.addmm" : "sparse.mm", s, d, input);
  const r = noGrad(() => {
    const p = mmKernel(s, d);
    if (!input) return p;
    return input.mul(beta).add(p, alpha);
  });
  return record("SparseAddmmBackward0", [input, s, d], r, ([g]) => [
    input && input._requiresGrad ? denseGradFor(g!.mul(beta), input) : null,
    s._requiresGrad ? sparseGradFor(alpha === 1 ? mmGradSparse(g!, s, d) : mmGradSparse(g!, s, d).mul(alpha), s) : null,
    d._requiresGrad ? sparseAddmm(null, s.t() as SparseTensor, g!, 0, 1).mul(alpha) : null,
  ]);
}

function refuseSparseGrad(s: SparseTensor, name: string): void {
  if (needsGrad(s)) throw new Error(`The backward pass for this operation requires the '${name}' tensor to be strided, but a sparse tensor was given instead. Please either use a strided tensor or set requires_grad=False for '${name}'`);
}

/** torch.mm / matmul / mv with a sparse operand (PyTorch: the sparse one gets no gradient). */
export function sparseMatmul(op: "mm" | "matmul" | "mv", a: Tensor, b: Tensor): Tensor {
  if (isSparse(a) && op === "matmul" && (a.dim() > 2 || b.dim() > 2)) {
    // 1.13's matmul folds batch dims with views, which sparse tensors (and dense ones next to them) lack.
    if (a.dim() > 2) {
      if (b.dim() === 1) throw new Error("reshape is not implemented for sparse tensors");
      throw backendRefusal("SparseCPU", "as_strided");
    }
    throw new Error("Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend.");
  }
  if (isSparse(a) && isSparse(b)) {
    // torch.mm's backward needs strided operands (torch.sparse.mm differentiates sparse @ sparse).
    refuseSparseGrad(b, "mat2");
    refuseSparseGrad(a, "self");
    return noGrad(() => sparseSparseKernel(a, b));
  }
  if (isSparse(a)) {
    refuseSparseGrad(a, "self");
    if (b.dim() === 1 && op !== "mm") {
      if (a.dim() !== 2) throw new Error(`mv: two tensor dim should be 2 and 1, but got SparseTensor Dim: ${a.dim()}Tensor Dim: 1`);
      if (b._shape[0] !== a._shape[1]) throw new Error("mv: expected self.size(-1) == vec.size(-1)");
      const r = noGrad(() => mmKernel(checkedMm(a, b.unsqueeze(1)), b.unsqueeze(1)).squeeze(1));
      return record("MvBackward0", [null, b], r, ([g]) => [null, sparseAddmm(null, a.t() as SparseTensor, g!.unsqueeze(1), 0, 1).squeeze(1)]);
    }
    const r = noGrad(() => mmKernel(checkedMm(a, b), b));
    return record("MmBackward0", [null, b], r, ([g]) => [null, sparseAddmm(null, a.t() as SparseTensor, g!, 0, 1)]);
  }
  // PyTorch 1.13 has no dense @ sparse kernel.
  throw new Error("Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend.");
}

function checkedMm(s: SparseTensor, d: Tensor): SparseTensor {
  checkMm("mm", s, d);
  return s;
}

/** torch.addmm(input, sparse, dense, beta, alpha): AddmmBackward0 (no gradient for the sparse one). */
export function sparseAddmmDense(input: Tensor, s: SparseTensor, d: Tensor, beta: number, alpha: number): Tensor {
  // 1.13 resizes the result like the input, which a sparse COO result cannot do.
  if (isSparse(input)) throw backendRefusal("SparseCPU", "resize_");
  refuseSparseGrad(s, "mat1");
  checkMm("addmm", s, d, input);
  const r = noGrad(() => input.mul(beta).add(mmKernel(s, d), alpha));
  return record("AddmmBackward0", [input, null, d], r, ([g]) => [
    input._requiresGrad ? denseGradFor(g!.mul(beta), input) : null, null,
    d._requiresGrad ? sparseAddmm(null, s.t() as SparseTensor, g!, 0, 1).mul(alpha) : null,
  ]);
}

/** a @ b of two 2-D COO matrices without dense dims: a coalesced COO result, no autograd. */
function sparseSparseKernel(a: SparseTensor, b: SparseTensor): SparseTensor {
  for (const [name, t] of [["mat1_", a], ["mat2_", b]] as const) {
    if (t.dim() !== 2) throw new Error(`Expected ${name}.dim() == 2 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)`);
  }
  if (a._sparseDim !== 2 || b._sparseDim !== 2) throw new Error(`mm: sparse @ sparse needs sparse matrices with 2 sparse dims, got sparse_dim ${a._sparseDim} and ${b._sparseDim}`);
  if (a.shape[1] !== b.shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  if (a.dtype !== b.dtype) throw new Error(`mat1 dtype ${scalarTypeName(a.dtype)} does not match mat2 dtype ${scalarTypeName(b.dtype)}`);
  const ca = coalesceRaw(a), cb = coalesceRaw(b);
  const ia = toNumbers(ca._sparseIndices), va = toNumbers(ca._sparseValues), ib = toNumbers(cb._sparseIndices), vb = toNumbers(cb._sparseValues);
  const na = ca._nnzCount, nb = cb._nnzCount, n = b.shape[1]!;
  // b's entries by row (coalesced: rows ascending), then one pass over a's entries.
  const start = new Array<number>(b.shape[0]! + 1).fill(0);
  for (let k = 0; k < nb; k++) start[ib[k]! + 1]! += 1;
  for (let r = 0; r < b.shape[0]!; r++) start[r + 1] += start[r]!;
  const acc = new Map<number, number>();
  for (let k = 0; k < na; k++) {
    const i = ia[k]!, j = ia[na + k]!, w = va[k]!;
    for (let q = start[j]!; q < start[j + 1]!; q++) {
      const key = i * n + ib[nb + q]!;
      acc.set(key, (acc.get(key) ?? 0) + w * vb[q]!);
    }
  }
  const keys = [...acc.keys()].sort((x, y) => x - y);
  const values = noGrad(() => fromArray(Float64Array.from(keys, (k) => acc.get(k)!), [keys.length], float64).to(a.dtype));
  return makeSparse(indicesFromLinear(keys, [a.shape[0]!, n]), values, [a.shape[0]!, n], true);
}

/** torch.sparse.mm of two sparse matrices: SparseSparseMatmulBackward0, each gradient at its input's nonzeros. */
export function sparseSparseMm(a: SparseTensor, b: SparseTensor): Tensor {
  const r = noGrad(() => sparseSparseKernel(a, b));
  return record("SparseSparseMatmulBackward0", [a, b], r, ([g]) => {
    const gd = isSparse(g) ? g.toDense() : g!;
    return [
      a._requiresGrad ? sparseGradFor(gd.mm(b.toDense().t()), a) : null,
      b._requiresGrad ? sparseGradFor(a.toDense().t().mm(gd), b) : null,
    ];
  });
}
