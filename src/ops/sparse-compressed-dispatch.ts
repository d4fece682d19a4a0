// The sparse compressed (CSR/CSC/BSR/BSC) forms of dense ops, reached from their entry points (binaryOp,
// unaryOp, castTo, clone, transpose, values/to_dense/to_sparse) when an operand is
// a SparseCompressedTensor. Each is a composite: over the values (values() and makeCompressed carry
// the gradient), or over the COO ops through the two differentiable conversions, so gradients reach
// the values and the dense operands with no vjp of its own. An op with no compressed form refuses
// in PyTorch's words ('SparseCsrCPU'). The products are in sparse-compressed-products.ts.

import { Tensor } from "../core/tensor.js";
import { isCompressed, SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { type Layout, sparseBsc, sparseBsr, sparseCoo, sparseCsc, sparseCsr } from "../core/layout.js";
import type { DType } from "../core/dtype.js";
import { backendRefusal } from "../core/op-name.js";
import { numel } from "../core/shape.js";
import { checkInplaceLeaf } from "./inplace.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import type { BinarySpec, UnarySpec } from "./pointwise-engine.js";
import type { TensorOrScalar } from "./promotion.js";
import { int64 } from "../core/dtype.js";
import { emptyTensor } from "./engine.js";
import { coalesceRaw, makeSparse, scatterValues } from "./sparse-engine.js";
import {
  compressCoo, cooIndices, cooIsCoalesced, flatValues, indexTensor, isBlockLayout, makeCompressed,
} from "./sparse-compressed-engine.js";
import { zeroPreservingUnary } from "./sparse-dispatch.js";

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
  return scatterValues(cooIndices(c), flatValues(c, compressedValues(c)), c._shape);
}

/** to_sparse_coo(): the same elements as a COO tensor (batch dims sparse too; a block's elements one by one). */
export function compressedToCoo(c: SparseCompressedTensor): SparseTensor {
  return makeSparse(cooIndices(c), flatValues(c, compressedValues(c)), c._shape, cooIsCoalesced(c));
}

const layoutWords = new Map([[sparseCsr, "SparseCsr"], [sparseCsc, "SparseCsc"], [sparseBsr, "SparseBsr"], [sparseBsc, "SparseBsc"]]);

/** The word PyTorch's C++ messages print for t's layout (or for `layout`). */
export function layoutWord(t: Tensor, layout?: Layout): string {
  if (layout !== undefined) return layoutWords.get(layout) ?? (layout === sparseCoo ? "Sparse" : "Strided");
  if (isCompressed(t)) return layoutWords.get(t._compressedLayout)!;
  return isSparse(t) ? "Sparse" : "Strided";
}

/**
 * The compressed tensor (layout, blocksize) of the COO tensor x, differentiably (its coalesced
 * values regrouped).
 */
export function compressDifferentiable(x: SparseTensor, layout: Layout, blocksize: readonly [number, number], indexDtype: DType): SparseCompressedTensor {
  const c = x.coalesce() as SparseTensor;
  return compressCoo(coalesceRaw(c), c.values(), layout, blocksize, indexDtype);
}

/** The blocksize argument: two ints. */
function blocksizeArg(op: string, blocksize: readonly number[] | null): [number, number] {
  if (!Array.isArray(blocksize) || blocksize.length !== 2 || blocksize.some((b) => !Number.isInteger(b))) {
    throw new Error(`${op}(): argument 'blocksize' must be a tuple of two ints, got ${String(blocksize)}`);
  }
  return [blocksize[0]!, blocksize[1]!];
}

/**
 * to_sparse_csr / to_sparse_csc / to_sparse_bsr / to_sparse_bsc of a dense, COO or compressed
 * tensor, with PyTorch's rules: a dense tensor converts to any layout (batch dims before the two
 * sparse ones, denseDim dense dims after); COO (2 sparse dims) goes through CSR for the block ones;
 * compressed tensors flip CSR <-> CSC and BSR <-> BSC (same blocksize), and CSR -> BSR (2-D, square
 * blocks); the rest refuses in PyTorch's words. Compressed sources keep their index dtype.
 */
export function toCompressed(x: Tensor, layout: Layout, denseDim: number | null, blocksize: readonly number[] | null = null): Tensor {
  const op = `to_${layout.name}`;
  const blocked = isBlockLayout(layout);
  const bs: [number, number] = blocked ? blocksizeArg(op, blocksize) : [1, 1];
  if (isCompressed(x)) {
    if (denseDim !== null) throw new Error(`sparse_compressed_to_${layout.name} conversion does not support specifying number of dense dimensions`);
    const from = x._compressedLayout, idt = x._compressedIndices.dtype;
    if (!blocked) {
      if (isBlockLayout(from)) throw new Error(`sparse_compressed_to_${layout.name} expected SparseCsr or SparseCsc layout but got ${layoutWords.get(from)}`);
      return from === layout ? x : compressDifferentiable(compressedToCoo(x), layout, bs, idt);
    }
    if (isBlockLayout(from)) {
      const own = x._blocksize;
      if (own[0] !== bs[0] || own[1] !== bs[1]) {
        throw new Error(`${op}:conversion from ${layoutWords.get(from)}[blocksize=[${own.join(", ")}]] to ${layoutWords.get(layout)}[blocksize=[${bs.join(", ")}]] is not implemented.`);
      }
      return from === layout ? x : compressDifferentiable(compressedToCoo(x), layout, bs, idt);
    }
    if (layout === sparseBsc || from !== sparseCsr) {
      const allowed = layout === sparseBsr ? "SparseCsr, SparseBsr or SparseBsc" : "SparseBsr or SparseBsc";
      throw new Error(`sparse_compressed_to_${layout.name} expected ${allowed} layout but got ${layoutWords.get(from)}`);
    }
    if (x.dim() !== 2) throw new Error(`to_sparse_bsr(): conversion from Csr to Bsr is only possible for 2d inputs, but got input of dimension ${x.dim()} instead.`);
    if (bs[0] !== bs[1]) throw new Error(`blocks must be square. Got (${bs[0]}, ${bs[1]}) instead.`);
    if (x.shape[0]! % bs[0] !== 0 || x.shape[1]! % bs[1] !== 0) {
      throw new Error(`Block sparse CSR Tensors must have a size that is an integral multiple of their block size. Got Tensor of size (${x.shape[0]}, ${x.shape[1]}) with block size (${bs[0]}, ${bs[1]}) instead.`);
    }
    return compressDifferentiable(compressedToCoo(x), layout, bs, idt);
  }
  if (isSparse(x)) {
    if (denseDim !== null) throw new Error(`coo_to_${layout.name} conversion does not support specifying number of dense dimensions`);
    if (layout === sparseBsr) return toCompressed(toCompressed(x, sparseCsr, null), sparseBsr, null, bs);
    if (layout === sparseBsc) return toCompressed(toCompressed(x, sparseBsr, null, bs), sparseBsc, null, bs);
    if (x.sparseDim() !== 2) throw new Error(`Only tensors with two sparse dimensions can be converted to the ${layoutWords.get(layout)} layout, got self with ${x.sparseDim()} sparse dimensions.`);
    return compressDifferentiable(x, layout, bs, int64);
  }
  const dd = denseDim ?? 0;
  if (!Number.isInteger(dd) || dd < 0 || dd > x.dim() - 2) throw new Error(`number of dense dimensions must be in [0,${x.dim() - 2}] range, but it is equal to ${dd}`);
  if (blocked) {
    if (!(bs[0] > 0 && bs[1] > 0)) throw new Error(`blocksize needs to be non zero, but got [${bs.join(", ")}]`);
    for (const [k, dim] of [[0, -(dd + 2)], [1, -(dd + 1)]] as const) {
      const size = x.shape[x.dim() + dim]!;
      if (size % bs[k] !== 0) throw new Error(`Tensor size(${dim}) ${size} needs to be divisible by blocksize[${k}] ${bs[k]}`);
    }
  }
  if (x.device.type !== "cpu") throw new Error(`${op}: sparse tensors are CPU only in torch-ts`);
  const coo = x.toSparse(x.dim() - dd) as SparseTensor;
  return compressCoo(coalesceRaw(coo), coo.values(), layout, bs, int64);
}

/** The sparse result r (COO) of an op on compressed operands, in the layout and blocksize of `like`. */
function compressLike(r: SparseTensor, like: SparseCompressedTensor): SparseCompressedTensor {
  return compressDifferentiable(r, like._compressedLayout, like._blocksize, like._compressedIndices.dtype);
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
  const like = isCompressed(a) ? a : (b as SparseCompressedTensor);
  const x = asCoo(a), y = asCoo(b);
  const alpha = spec.alpha ?? 1;
  const r = name === "add" ? (x as Tensor).add(y as Tensor, alpha) : name === "sub" ? (x as Tensor).sub(y as Tensor, alpha)
    : name === "mul" ? (x instanceof Tensor ? x.mul(y as Tensor) : (y as Tensor).mul(x)) : (x as Tensor).div(y as Tensor);
  return isSparse(r) ? compressLike(r, like) : r;
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
  const bd = x._batchDim, batch = x._shape.slice(0, bd), batches = numel(batch);
  const span = x._compressedIndices._shape[bd]!;
  const idt = x._compressedIndices.dtype;
  const valuesShape = x._compressedValues.shape;
  valuesShape[bd] = 0;
  installMembers(x, new SparseCompressedTensor(x._compressedLayout, indexTensor(new Array<number>(batches * span).fill(0), idt, [...batch, span]),
    indexTensor([], idt, [...batch, 0]), emptyTensor(valuesShape, x.dtype), x._shape));
  return x;
}

const FLIPPED = new Map([[sparseCsr, sparseCsc], [sparseCsc, sparseCsr], [sparseBsr, sparseBsc], [sparseBsc, sparseBsr]]);

/**
 * transpose of the two sparse dims / t(): CSR of [m, n] is CSC of [n, m] over the same indices (BSR
 * and BSC too, each block transposed), and back.
 */
export function compressedTranspose(x: SparseCompressedTensor, dim0: number, dim1: number): Tensor {
  const nd = x.dim(), bd = x._batchDim;
  const norm = (d: number): number => (d < 0 ? d + nd : d);
  const a = norm(dim0), b = norm(dim1);
  if (a < 0 || a >= nd || b < 0 || b >= nd) throw new Error(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${a < 0 || a >= nd ? dim0 : dim1})`);
  if (a === b) return x;
  if (Math.min(a, b) !== bd || Math.max(a, b) !== bd + 1) throw new Error(`transpose(): torch-ts transposes the two sparse dims of a compressed tensor only (dims ${bd} and ${bd + 1}, got ${dim0} and ${dim1})`);
  const shape = x.shape;
  [shape[bd], shape[bd + 1]] = [shape[bd + 1]!, shape[bd]!];
  const values = x._isBlocked ? compressedValues(x).transpose(bd + 1, bd + 2) : compressedValues(x);
  return makeCompressed(FLIPPED.get(x._compressedLayout)!, x._compressedIndices, x._plainIndices, values, shape);
}

/** A sparse compressed layout argument. */
export function compressedLayoutOf(layout: unknown, op: string): Layout {
  if (layoutWords.has(layout as Layout)) return layout as Layout;
  throw new Error(`${op}: expected a sparse compressed layout (torch.sparse_csr, sparse_csc, sparse_bsr or sparse_bsc), got ${String(layout)}`);
}
