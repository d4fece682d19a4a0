// Sparse COO tensors (torch.sparse_coo_tensor and the Tensor members around them): creation with
// PyTorch's checks, inspection (indices/values, coalesce, sparse_dim, ...), to_sparse / to_dense and
// sparse_mask. The arithmetic is in sparse-dispatch.ts (reached from the dense ops' entry points),
// torch.sparse.* in sparse-namespace.ts, the helpers in sparse-engine.ts.

import { isNested } from "../core/nested-kind.js";
import { nestedValues } from "./nested-ops.js";
import { backendRefusal } from "../core/op-name.js";
import { Tensor } from "../core/tensor.js";
import { isSparse, SparseTensor } from "../core/sparse-tensor.js";
import { type DTypeLike, int64, toDType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { type Layout, sparseBsc, sparseBsr, sparseCoo } from "../core/layout.js";
import { record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { type Args, bindArgs, checkArgs, checkTensor, installMethods, isOptionsObject } from "./args.js";
import { type TensorData, tensor } from "./creation.js";
import { toNumbers } from "./engine.js";
import {
  coalesceRaw, gatherAt, indicesFromLinear, longTensor, makeSparse, scatterValues, sparseGeometry, toDenseRaw,
} from "./sparse-engine.js";
import "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedLayoutOf, compressedToCoo, compressedToDense, compressedValues, layoutWord, toCompressed } from "./sparse-compressed-dispatch.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /**
     * A sparse COO copy of this dense tensor with its first sparseDim dims sparse (default: all);
     * of a compressed tensor, its COO form; `{ layout: torch.sparseCsr }` (sparseCsc, or sparseBsr/sparseBsc with a
     * blocksize) converts to that layout.
     */
    toSparse(sparseDim?: number | { sparseDim?: number; layout?: Layout | null; blocksize?: number[] | null; denseDim?: number | null }): Tensor;
    /** toSparse() with every dim sparse. */
    toSparseCoo(): Tensor;
    /** The indices of a coalesced sparse tensor (int64, sparseDim x nnz). */
    indices(): Tensor;
    /** The values of a coalesced sparse tensor (nnz x dense dims); differentiable. */
    values(): Tensor;
    /** The indices as stored (coalesced or not). */
    _indices(): Tensor;
    /** The values as stored (coalesced or not), without autograd. */
    _values(): Tensor;
    /** The sparse tensor with duplicate indices summed and indices sorted (itself when it is already). */
    coalesce(): Tensor;
    /** Whether a sparse tensor's indices are sorted and unique. */
    isCoalesced(): boolean;
    /** How many leading dims are sparse. */
    sparseDim(): number;
    /** How many trailing dims are dense (the values' dims after nnz). */
    denseDim(): number;
    /** The number of stored (index, value) pairs. */
    _nnz(): number;
    /** This dense tensor's elements at the nonzeros of the coalesced sparse `mask`, as a sparse tensor. */
    sparseMask(mask: Tensor): Tensor;
  }
}

export interface SparseCooOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
  checkInvariants?: boolean | null;
}

const SPARSE_KW = ["size", "dtype", "device", "requiresGrad", "checkInvariants"];

function asTensor(v: TensorData): Tensor {
  return v instanceof Tensor ? v : tensor(v);
}

/**
 * torch.sparse_coo_tensor(indices, values, size=None, *, dtype, device, requires_grad, check_invariants):
 * indices (sparseDim x nnz, cast to int64), values (nnz x dense dims). Without a size, each sparse
 * dim is one more than its largest index and the dense dims are the values'. Gradients flow to values.
 */
export function sparseCooTensor(indices: TensorData, values: TensorData, ...args: Args<[size?: number[] | null], SparseCooOptions & { size?: number[] | null }>): Tensor {
  const op = "sparse_coo_tensor";
  const a = bindArgs(op, args, ["size"], SPARSE_KW.slice(1), 2);
  const idx0 = asTensor(indices);
  let vals = asTensor(values);
  if (a.dtype !== undefined && a.dtype !== null) vals = vals.to(toDType(a.dtype as DTypeLike));
  if (a.device !== undefined && a.device !== null && toDevice(a.device as DeviceLike).type !== "cpu") throw new Error(`${op}: sparse tensors are CPU only in torch-ts (device ${String(a.device)})`);
  if (idx0.dim() !== 2) throw new Error(`indices must be sparse_dim x nnz, but got: [${idx0.shape.join(", ")}]`);
  if (idx0.dtype.isComplex) throw new Error(`${op}: indices must be an int64 tensor`);
  const idx = idx0.dtype === int64 ? idx0.detach() : noGrad(() => idx0.to(int64));
  const sd = idx.size(0), nnz = idx.size(1);
  if (vals.dim() < 1 || vals.size(0) !== nnz) throw new Error(`indices and values must have same nnz, but got nnz from indices: ${nnz}, nnz from values: ${vals.dim() < 1 ? 1 : vals.size(0)}`);
  const denseShape = vals.shape.slice(1);
  const iv = toNumbers(idx);
  const maxIndex = new Array<number>(sd).fill(-1);
  for (let d = 0; d < sd; d++) {
    for (let k = 0; k < nnz; k++) {
      const v = iv[d * nnz + k]!;
      if (v < 0) throw new Error(`found negative index ${v} for dim ${d}`);
      if (v > maxIndex[d]!) maxIndex[d] = v;
    }
  }
  let shape: number[];
  if (a.size === undefined || a.size === null) {
    shape = [...maxIndex.map((m) => m + 1), ...denseShape];
  } else {
    shape = (a.size as number[]).slice();
    if (!Array.isArray(a.size) || shape.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`${op}(): argument 'size' must be a list of non-negative ints`);
    if (shape.length !== sd + denseShape.length) throw new Error(`number of dimensions must be sparse_dim (${sd}) + dense_dim (${denseShape.length}), but got ${shape.length}`);
    for (let d = 0; d < sd; d++) if (maxIndex[d]! >= shape[d]!) throw new Error(`size is inconsistent with indices: for dim ${d}, size is ${shape[d]} but found index ${maxIndex[d]}`);
    if (shape.slice(sd).join() !== denseShape.join()) throw new Error(`values has incorrect size, expected [${[nnz, ...shape.slice(sd)].join(", ")}], got [${vals.shape.join(", ")}]`);
  }
  // Recorded as SparseCooTensorWithDimsAndTensorsBackward0 when values require grad.
  const r = makeSparse(idx, vals, shape, false);
  if (a.requiresGrad) {
    if (r.gradFn) throw new Error("sparse_coo_tensor(): requires_grad=True needs values that are a leaf");
    r.requiresGrad_(true);
  }
  return r;
}

function requireSparse(op: string, self: Tensor): SparseTensor {
  if (!(isSparse(self))) throw new Error(`Could not run 'aten::${op}' with arguments from the 'CPU' backend`);
  return self;
}

function requireCoalesced(op: string, self: SparseTensor): void {
  if (!self._coalesced) throw new Error(`Cannot get ${op} on an uncoalesced tensor, please call .coalesce() first`);
}

function indices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("indices", arguments, 1);
  const s = requireSparse("indices", self);
  requireCoalesced("indices", s);
  return s._sparseIndices.detach();
}

function values(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("values", arguments, 1);
  if (isCompressed(self)) return compressedValues(self);
  if (isNested(self)) return nestedValues(self);
  const s = requireSparse("values", self);
  requireCoalesced("values", s);
  const idx = s._sparseIndices, shape = s.shape;
  return record("ValuesBackward0", [s], s._sparseValues.detach(), ([g]) => [makeSparse(idx, g!, shape, true)]);
}

function rawIndices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("_indices", arguments, 1);
  return requireSparse("_indices", self)._sparseIndices.detach();
}

function rawValues(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("_values", arguments, 1);
  return requireSparse("_values", self)._sparseValues.detach();
}

function coalesce(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("coalesce", arguments, 1);
  const s = requireSparse("is_coalesced", self);
  if (s._coalesced) return s;
  return record("CoalesceBackward0", [s], coalesceRaw(s), ([g]) => [g]);
}

function isCoalesced(self: Tensor): boolean {
  if (arguments.length > 1) checkArgs("is_coalesced", arguments, 1);
  return requireSparse("is_coalesced", self)._coalesced;
}

function sparseDim(self: Tensor): number {
  if (arguments.length > 1) checkArgs("sparse_dim", arguments, 1);
  return isCompressed(self) ? 2 : requireSparse("sparse_dim", self)._sparseDim;
}

function denseDim(self: Tensor): number {
  if (arguments.length > 1) checkArgs("dense_dim", arguments, 1);
  if (isCompressed(self)) return self._denseDimCount;
  const s = requireSparse("dense_dim", self);
  return s.dim() - s._sparseDim;
}

function nnz(self: Tensor): number {
  if (arguments.length > 1) checkArgs("_nnz", arguments, 1);
  return isCompressed(self) ? self._nnzCount : requireSparse("_nnz", self)._nnzCount;
}

/** Tensor.to_dense(dtype=None): the dense tensor of a sparse one (duplicates summed); a dense tensor itself. */
function toDense(self: Tensor, dtype?: DTypeLike | null): Tensor {
  if (arguments.length > 2) checkArgs("to_dense", arguments, 2);
  const want = dtype === undefined || dtype === null ? self.dtype : toDType(dtype);
  if (isCompressed(self)) return compressedToDense((self.dtype === want ? self : self.to(want)) as typeof self);
  if (!(isSparse(self))) return want === self.dtype ? self : self.to(want);
  const s = self.dtype === want ? self : self.to(want) as SparseTensor;
  return record("ToDenseBackward0", [s], toDenseRaw(s), ([g]) => [maskedLike(g!, s)]);
}

/** g (dense) at the coalesced nonzeros of x, as a sparse tensor of x's pattern. */
export function maskedLike(g: Tensor, x: SparseTensor): Tensor {
  const c = coalesceRaw(x);
  return makeSparse(c._sparseIndices, gatherAt(g, c._sparseIndices, c._shape), c._shape, true);
}

/** Tensor.to_sparse(sparse_dim=None): the nonzero slices of the first sparse_dim dims (coalesced). */
function toSparse(self: Tensor, sparseDimArg?: number): Tensor {
  if (arguments.length > 2) checkArgs("to_sparse", arguments, 2, ["sparseDim", "layout", "blocksize", "denseDim"]);
  let sd = self.dim();
  let given = sparseDimArg !== undefined;
  if (isOptionsObject(sparseDimArg)) {
    const o = sparseDimArg as unknown as { sparseDim?: number; layout?: unknown; blocksize?: number[] | null; denseDim?: number | null };
    for (const k of Object.keys(o)) if (!["sparseDim", "layout", "blocksize", "denseDim"].includes(k)) throw new Error(`to_sparse() got an unexpected keyword argument '${k}'`);
    if (o.layout !== undefined && o.layout !== null && o.layout !== sparseCoo) return toSparseLayout(self, compressedLayoutOf(o.layout, "to_sparse"), o.blocksize ?? null, o.denseDim ?? null);
    given = o.sparseDim !== undefined;
    if (given) sd = o.sparseDim!;
  } else if (sparseDimArg !== undefined) sd = sparseDimArg;
  checkTensor("to_sparse", "self", self);
  if (isCompressed(self)) {
    if (given && sd !== 2) throw new Error("sparse dim argument must be 2 for sparse_compressed_to_sparse");
    return compressedToCoo(self);
  }
  if (isSparse(self)) throw backendRefusal("SparseCPU", "toSparse");
  if (!Number.isInteger(sd) || sd < 0) throw new Error(`to_sparse(): argument 'sparse_dim' must be a non-negative int, got ${String(sd)}`);
  if (sd > self.dim()) throw new Error("sparse_dim must be less than or equal to self.dim()");
  if (self.device.type !== "cpu") throw new Error("to_sparse: sparse tensors are CPU only in torch-ts");
  const shape = self.shape;
  const { sparseShape, sparseNumel, denseShape } = sparseGeometry(shape, sd);
  const rows = self.detach().reshape([sparseNumel, ...denseShape]);
  const per = denseShape.reduce((a, b) => a * b, 1);
  const v = toNumbers(self.dtype.isComplex ? self.detach().abs() : rows);
  const keep: number[] = [];
  for (let r = 0; r < sparseNumel; r++) {
    for (let j = r * per; j < r * per + per; j++) if (v[j] !== 0) { keep.push(r); break; }
  }
  const idx = indicesFromLinear(keep, sparseShape);
  const out = makeSparse(idx, rows.indexSelect(0, longTensor(keep, [keep.length])), shape, true);
  const from = self;
  return record(sparseDimArg === undefined ? "ToSparseBackward0" : "ToSparseBackward1", [from], out, ([g]) => [isSparse(g) ? g.toDense() : g!]);
}

/** to_sparse(layout=..., blocksize=..., dense_dim=...) to a compressed layout: the block ones need a blocksize (a block source's own by default). */
function toSparseLayout(self: Tensor, layout: Layout, blocksize: number[] | null, denseDim: number | null): Tensor {
  const blocked = layout === sparseBsr || layout === sparseBsc;
  if (blocksize !== null && !blocked) throw new Error(`to_sparse: ${layoutWord(self)} to ${layoutWord(self, layout)} conversion does not use the specified blocksize [${blocksize.join(", ")}].`);
  let bs = blocksize;
  if (blocked && bs === null) {
    if (!isCompressed(self) || !self._isBlocked) throw new Error(`to_sparse: ${layoutWord(self)} to ${layoutWord(self, layout)} conversion requires blocksize specified.`);
    bs = self._blocksize;
  }
  return toCompressed(self, layout, denseDim, bs);
}

function toSparseCoo(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("to_sparse_coo", arguments, 1);
  return toSparse(self);
}

/** Tensor.sparse_mask(mask): self (dense) at the nonzeros of the coalesced sparse mask (SparseMaskBackward0). */
function sparseMask(self: Tensor, mask: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("sparse_mask", arguments, 2);
  checkTensor("sparse_mask", "mask", mask);
  if (isSparse(self)) throw backendRefusal("SparseCPU", "sparseMask");
  if (!(isSparse(mask))) throw new Error("sparse_mask: expected mask to be a sparse COO tensor");
  if (self.shape.join() !== mask.shape.join()) throw new Error(`sparse_mask(): operands have incompatible sizes; self has size [${self.shape.join(", ")}] but mask has size [${mask.shape.join(", ")}]`);
  if (!mask._coalesced) throw new Error("sparse_mask: mask is uncoalesced");
  const idx = mask._sparseIndices, shape = mask.shape;
  const out = makeSparse(idx, noGrad(() => gatherAt(self, idx, shape)), shape, true);
  return record("SparseMaskBackward0", [self], out, ([g]) => [isSparse(g) ? g.toDense() : scatterValues(idx, gatherAt(g!, idx, shape), shape)]);
}

installMethods({
  toSparse, toSparseCoo, toDense, indices, values, _indices: rawIndices, _values: rawValues, coalesce, isCoalesced,
  sparseDim, denseDim, _nnz: nnz, sparseMask,
} as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
