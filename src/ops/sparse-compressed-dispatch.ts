// The sparse compressed (CSR/CSC) forms of dense ops, reached from their entry points (binaryOp,
// unaryOp, castTo, clone, transpose, mm/matmul/addmm, values/to_dense/to_sparse) when an operand is
// a SparseCompressedTensor. Each is a composite: over the values (values() and makeCompressed carry
// the gradient), or over the COO ops through the two differentiable conversions, so gradients reach
// the values and the dense operands with no vjp of its own. An op with no compressed form refuses
// in PyTorch's words ('SparseCsrCPU').

import { Tensor } from "../core/tensor.js";
import { isCompressed, SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { type Layout, sparseCsc, sparseCsr } from "../core/layout.js";
import { type DType, scalarTypeName } from "../core/dtype.js";
import { backendRefusal } from "../core/op-name.js";
import { checkInplaceLeaf } from "./inplace.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import type { BinarySpec, UnarySpec } from "./pointwise-engine.js";
import type { TensorOrScalar } from "./promotion.js";
import { int64 } from "../core/dtype.js";
import { emptyTensor, toNumbers } from "./engine.js";
import { coalesceRaw, makeSparse, scatterValues } from "./sparse-engine.js";
import { cooIndices, fromCooRaw, indexTensor, makeCompressed } from "./sparse-compressed-engine.js";
import { sparseAddmm, zeroPreservingUnary } from "./sparse-dispatch.js";

const proto = SparseCompressedTensor.prototype as unknown as Record<string, unknown>;
Object.defineProperty(proto, "layout", { get(this: SparseCompressedTensor) { return this._compressedLayout; }, configurable: true });
Object.defineProperty(proto, "isSparseCsr", { get(this: SparseCompressedTensor) { return this._isCsr; }, configurable: true });

/** values(): the stored values (ValuesBackward0: the gradient is a compressed tensor of c's pattern). */
export function compressedValues(c: SparseCompressedTensor): Tensor {
  const { _compressedLayout: layout, _compressedIndices: cidx, _plainIndices: pidx, _shape: shape } = c;
  return record("ValuesBackward0", [c], c._compressedValues.detach(), ([g]) => [makeCompressed(layout, cidx, pidx, g!, shape)]);
}

/** to_dense(): the values scattered to their positions (differentiable through values()). */
export function compressedToDense(c: SparseCompressedTensor): Tensor {
  return scatterValues(cooIndices(c), compressedValues(c), c._shape);
}

/** to_sparse_coo(): the same nonzeros as a COO tensor (coalesced from CSR). */
export function compressedToCoo(c: SparseCompressedTensor): SparseTensor {
  return makeSparse(cooIndices(c), compressedValues(c), c._shape, c._isCsr);
}

/** to_sparse_csr() / to_sparse_csc() of a dense, COO or compressed tensor (a compressed one keeps its index dtype). */
export function toCompressed(x: Tensor, layout: Layout, denseDim: number | null, indexDtype: DType = int64): Tensor {
  const op = layout === sparseCsr ? "to_sparse_csr" : "to_sparse_csc";
  if (isCompressed(x)) {
    if (x._compressedLayout === layout) return x;
    return toCompressed(compressedToCoo(x), layout, denseDim, x._compressedIndices.dtype);
  }
  if (!isSparse(x)) {
    const dd = denseDim ?? 0;
    if (!Number.isInteger(dd) || dd < 0) throw new Error(`${op}(): dense_dim must be a non-negative int, got ${String(denseDim)}`);
    if (x.dim() - dd !== 2) {
      throw new Error(`${op}: torch-ts makes 2-D compressed tensors only (no batch dims): expected ${dd + 2} dims for dense_dim=${dd}, got ${x.dim()}`);
    }
    if (x.device.type !== "cpu") throw new Error(`${op}: sparse tensors are CPU only in torch-ts`);
    return toCompressed(x.toSparse(2), layout, null);
  }
  if (denseDim !== null && denseDim !== x.denseDim()) throw new Error(`${op}: expected dense_dim to be ${x.denseDim()} or None, got ${denseDim}`);
  if (x.sparseDim() !== 2) throw new Error(`${op}: expected a COO tensor with 2 sparse dims (torch-ts has no batched compressed tensors), got sparse_dim ${x.sparseDim()}`);
  const structure = fromCooRaw(x, layout, indexDtype);
  // The values in compressed order, differentiably: the coalesced values, permuted for CSC.
  const c = x.coalesce();
  const values = layout === sparseCsr ? c.values() : c.values().indexSelect(0, cscOrder(coalesceRaw(x)));
  return makeCompressed(layout, structure._compressedIndices, structure._plainIndices, values, x.shape);
}

/** The column-major order of a coalesced 2-D COO tensor's entries (as fromCooRaw sorts them for CSC). */
function cscOrder(c: SparseTensor): Tensor {
  const nnz = c._nnzCount, idx = toNumbers(c._sparseIndices);
  const order = Array.from({ length: nnz }, (_, k) => k).sort((a, b) => idx[nnz + a]! - idx[nnz + b]! || a - b);
  return indexTensor(order, int64);
}

/** A compressed tensor of x's pattern with new values (composite: differentiable in both). */
function mapValues(x: SparseCompressedTensor, f: (values: Tensor) => Tensor): SparseCompressedTensor {
  return makeCompressed(x._compressedLayout, x._compressedIndices, x._plainIndices, f(compressedValues(x)), x._shape);
}

/** The COO operand for a compressed one (scalars and dense tensors pass through). */
function asCoo(v: TensorOrScalar): TensorOrScalar {
  return isCompressed(v) ? compressedToCoo(v) : v;
}

/**
 * add/sub/mul/div with a compressed operand: scalar mul/div map the values; the rest is the COO op
 * on the converted operands, converted back to the compressed operand's layout when sparse.
 */
export function compressedBinary(spec: BinarySpec, a: TensorOrScalar, b: TensorOrScalar, out?: Tensor): Tensor {
  const name = spec.name;
  if (name !== "add" && name !== "sub" && name !== "mul" && name !== "div") throw backendRefusal("SparseCsrCPU", name);
  if (out !== undefined) return compressedInPlace(spec, a, b, out);
  const scalarOther = (t: TensorOrScalar): boolean => !(t instanceof Tensor) || (!isSparse(t) && !isCompressed(t) && t.dim() === 0);
  if (isCompressed(a) && scalarOther(b) && (name === "mul" || name === "div")) {
    return mapValues(a, (v) => (name === "mul" ? v.mul(b as Tensor) : v.div(b as Tensor)));
  }
  if (isCompressed(b) && scalarOther(a) && name === "mul") return mapValues(b, (v) => v.mul(a as Tensor));
  const layout = isCompressed(a) ? a._compressedLayout : (b as SparseCompressedTensor)._compressedLayout;
  const x = asCoo(a), y = asCoo(b);
  const alpha = spec.alpha ?? 1;
  const r = name === "add" ? (x as Tensor).add(y as Tensor, alpha) : name === "sub" ? (x as Tensor).sub(y as Tensor, alpha)
    : name === "mul" ? (x instanceof Tensor ? x.mul(y as Tensor) : (y as Tensor).mul(x)) : (x as Tensor).div(y as Tensor);
  return isSparse(r) ? toCompressed(r, layout, null) : r;
}

/** The in-place forms: the result computed out of place, then installed in `out` (a compressed self). */
function compressedInPlace(spec: BinarySpec, a: TensorOrScalar, b: TensorOrScalar, out: Tensor): Tensor {
  if (!isCompressed(out)) {
    // dense.add_(compressed): the dense result written back.
    const r = compressedBinary(spec, a, b);
    if (r.dtype !== out.dtype) throw new Error(`result type ${r.dtype} can't be cast to the desired output type ${out.dtype}`);
    return noGrad(() => out.copy_(r));
  }
  checkInplaceLeaf(`${spec.name}_`, out);
  const r = noGrad(() => compressedBinary({ ...spec, vjp: undefined }, a, b));
  if (!isCompressed(r) || r.dtype !== out.dtype) {
    throw new Error(`result type ${isCompressed(r) ? String(r.dtype) : String(r.layout)} can't be cast to the desired output type ${isCompressed(r) ? String(out.dtype) : String(out.layout)}`);
  }
  installMembers(out, r);
  return out;
}

function installMembers(out: SparseCompressedTensor, r: SparseCompressedTensor): void {
  out._compressedLayout = r._compressedLayout;
  out._compressedIndices = r._compressedIndices;
  out._plainIndices = r._plainIndices;
  out._compressedValues = r._compressedValues;
  out.storage.version++;
}

/** Zero-preserving unary ops map the values (the ones PyTorch has for sparse tensors); the rest refuse. */
export function compressedUnary(spec: UnarySpec, x: SparseCompressedTensor, apply: (values: Tensor) => Tensor, out?: Tensor): Tensor {
  if (!zeroPreservingUnary(spec.name)) throw backendRefusal("SparseCsrCPU", spec.name);
  if (out === undefined) return mapValues(x, apply);
  if (out !== x) throw backendRefusal("SparseCsrCPU", `${spec.name}_out`);
  checkInplaceLeaf(`${spec.name}_`, x);
  const r = noGrad(() => mapValues(x, apply));
  if (r.dtype !== x.dtype) throw new Error(`result type ${r.dtype} can't be cast to the desired output type ${x.dtype}`);
  installMembers(x, r);
  return x;
}

/** x.to(dtype) of a compressed tensor: the values cast. */
export function compressedCast(x: SparseCompressedTensor, dtype: DType): Tensor {
  return mapValues(x, (v) => v.to(dtype));
}

/** clone(): new index and value tensors. */
export function compressedClone(x: SparseCompressedTensor): Tensor {
  return makeCompressed(x._compressedLayout, x._compressedIndices.clone(), x._plainIndices.clone(), compressedValues(x).clone(), x._shape);
}

/** zero_(): no nonzeros left (the compressed indices all zero). */
export function compressedZero_(x: SparseCompressedTensor): Tensor {
  checkInplaceLeaf("zero_", x);
  const cdim = x._isCsr ? x._shape[0]! : x._shape[1]!;
  const idt = x._compressedIndices.dtype;
  installMembers(x, new SparseCompressedTensor(x._compressedLayout, indexTensor(new Array<number>(cdim + 1).fill(0), idt),
    indexTensor([], idt), emptyTensor([0, ...x._compressedValues._shape.slice(1)], x.dtype), x._shape));
  return x;
}

/** transpose(0, 1) / t(): CSR of [m, n] is CSC of [n, m] over the same indices, and back. */
export function compressedTranspose(x: SparseCompressedTensor, dim0: number, dim1: number): Tensor {
  const nd = x.dim();
  const norm = (d: number): number => (d < 0 ? d + nd : d);
  const a = norm(dim0), b = norm(dim1);
  if (a < 0 || a >= nd || b < 0 || b >= nd) throw new Error(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${a < 0 || a >= nd ? dim0 : dim1})`);
  if (a === b) return x;
  if (Math.max(a, b) > 1) throw new Error(`transpose(): torch-ts transposes the two sparse dims of a compressed tensor only (got dims ${dim0} and ${dim1})`);
  const shape = x.shape;
  [shape[0], shape[1]] = [shape[1]!, shape[0]!];
  return makeCompressed(x._isCsr ? sparseCsc : sparseCsr, x._compressedIndices, x._plainIndices, compressedValues(x), shape);
}

function checkMatmul(a: Tensor, b: Tensor): void {
  if (a.dim() !== 2 || b.dim() !== 2) throw new Error(`mm: expected 2-D operands, got ${a.dim()}-D and ${b.dim()}-D`);
  if (a.shape[1] !== b.shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  if (a.dtype !== b.dtype) throw new Error(`expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`);
}

/**
 * mm / matmul / mv / sparse.mm / addmm with a compressed operand: the COO product (sparse.addmm's
 * kernel and gradients) over the converted operand; dense @ compressed is (compressed^T @ dense^T)^T.
 */
export function compressedMatmul(input: Tensor | null, a: Tensor, b: Tensor, beta = 1, alpha = 1): Tensor {
  if (isCompressed(a) && isCompressed(b)) throw backendRefusal("SparseCsrCPU", "mm");
  if (isCompressed(b)) {
    if (a.dim() === 1) return compressedMatmul(null, b.t(), a);
    const p = compressedMatmul(null, b.t(), a.t()).t();
    return input ? input.mul(beta).add(p, alpha) : p;
  }
  const s = a as SparseCompressedTensor;
  if (b.dim() === 1) {
    if (s.shape[1] !== b.shape[0]) throw new Error(`size mismatch, got input (${s.shape[0]}), mat (${s.shape[0]}x${s.shape[1]}), vec (${b.shape[0]})`);
    if (s.dtype !== b.dtype) throw new Error(`expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(b.dtype)}`);
    return sparseAddmm(null, compressedToCoo(s), b.unsqueeze(1), 0, 1).squeeze(1);
  }
  checkMatmul(s, b);
  if (s.dim() !== 2 || s._compressedValues.dim() !== 1) throw new Error("mm: torch-ts multiplies 2-D compressed tensors without dense dims only");
  return sparseAddmm(input, compressedToCoo(s), b, beta, alpha);
}

/** The compressed layouts torch-ts builds tensors of. */
export function compressedLayoutOf(layout: unknown, op: string): Layout {
  if (layout === sparseCsr || layout === sparseCsc) return layout as Layout;
  throw new Error(`${op}: layout ${String(layout)} is not supported by torch-ts (torch.sparse_csr or torch.sparse_csc)`);
}
