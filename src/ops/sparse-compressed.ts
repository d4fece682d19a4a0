// Sparse compressed tensors (torch.sparse_csr_tensor / csc / bsr / bsc / sparse_compressed_tensor
// and the Tensor members around them): creation with PyTorch's invariant checks and messages (batch
// dims, blocks, dense dims), crow_indices/col_indices/ccol_indices/row_indices, to_sparse_csr / csc /
// bsr / bsc. values(),
// to_dense(), to_sparse() live with the COO ones (sparse.ts); the arithmetic and products in
// sparse-compressed-dispatch.ts, reached from the dense ops' entry points.

import { Tensor } from "../core/tensor.js";
import { isCompressed, type SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { type Layout, sparseBsc, sparseBsr, sparseCsc, sparseCsr } from "../core/layout.js";
import { type DTypeLike, int32, int64, scalarTypeName, toDType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { type Args, bindArgs, checkArgs, installMethods } from "./args.js";
import { type TensorData, tensor } from "./creation.js";
import { toNumbers } from "./engine.js";
import { isBlockLayout, isRowLayout, makeCompressed } from "./sparse-compressed-engine.js";
import { compressedLayoutOf, layoutWord, toCompressed } from "./sparse-compressed-dispatch.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /** The compressed row indices of a CSR/BSR tensor ([*batch, nrows (in blocks) + 1]). */
    crowIndices(): Tensor;
    /** The column indices of a CSR/BSR tensor ([*batch, nnz]). */
    colIndices(): Tensor;
    /** The compressed column indices of a CSC/BSC tensor ([*batch, ncols (in blocks) + 1]). */
    ccolIndices(): Tensor;
    /** The row indices of a CSC/BSC tensor ([*batch, nnz]). */
    rowIndices(): Tensor;
    /** A CSR copy of a dense ([*batch, rows, cols, *denseDim dims]), COO (2 sparse dims) or CSC tensor. */
    toSparseCsr(denseDim?: number | null): Tensor;
    /** A CSC copy of a dense ([*batch, rows, cols, *denseDim dims]), COO (2 sparse dims) or CSR tensor. */
    toSparseCsc(denseDim?: number | null): Tensor;
    /** A BSR copy (blocks of blocksize = [rows, cols]) of a dense, COO, CSR (2-D, square blocks) or BSC tensor. */
    toSparseBsr(blocksize: number[], denseDim?: number | null): Tensor;
    /** A BSC copy (blocks of blocksize = [rows, cols]) of a dense, COO or BSR tensor. */
    toSparseBsc(blocksize: number[], denseDim?: number | null): Tensor;
  }
}

export interface SparseCompressedOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
  checkInvariants?: boolean | null;
}

type Size = number[] | null;
const KW = ["dtype", "device", "requiresGrad", "checkInvariants", "pinMemory"];

function asTensor(v: TensorData): Tensor {
  return v instanceof Tensor ? v : tensor(v);
}

/** The names PyTorch's messages use for a layout's members and dims. */
function names(layout: Layout): { c: string; p: string; cdim: string; pdim: string } {
  return isRowLayout(layout)
    ? { c: "crow_indices", p: "col_indices", cdim: "row", pdim: "ncols" }
    : { c: "ccol_indices", p: "row_indices", cdim: "column", pdim: "nrows" };
}

const sizesRepr = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** The batch, block and dense dimensionalities the members imply, after PyTorch's first checks. */
function memberDims(layout: Layout, cidx: Tensor, pidx: Tensor, values: Tensor): { bd: number; blockNdim: number; denseNdim: number; blocksize: [number, number] } {
  const n = names(layout);
  const bd = cidx.dim() - 1, blockNdim = isBlockLayout(layout) ? 2 : 0;
  if (bd < 0) throw new Error(`${n.c} must have dimensionality >= 1 but got ${cidx.dim()}`);
  if (cidx.dim() !== pidx.dim()) throw new Error(`${n.c} and ${n.p} dimensionalities must be equal but got ${cidx.dim()} and ${pidx.dim()}, respectively`);
  const denseNdim = values.dim() - bd - blockNdim - 1;
  if (denseNdim < 0) throw new Error(`values must have dimensionality > sum of batch and block dimensionalities (=${bd} + ${blockNdim}) but got ${values.dim()}`);
  // PyTorch's blocksize of a block layout: the values' block dims (at least 1); (1, 1) otherwise.
  const blocksize: [number, number] = blockNdim ? [Math.max(1, values.shape[bd + 1]!), Math.max(1, values.shape[bd + 2]!)] : [1, 1];
  return { bd, blockNdim, denseNdim, blocksize };
}

/**
 * PyTorch's _validate_sparse_compressed_tensor_args: dimensionalities, batch and block shapes, index
 * dtypes, then the index invariants of every batch, each in PyTorch's words. Always run: the
 * kernels read the indices, so a bad one must not get in.
 */
function validate(layout: Layout, cidx: Tensor, pidx: Tensor, values: Tensor, size: readonly number[]): void {
  const n = names(layout);
  const { bd, blockNdim, denseNdim, blocksize } = memberDims(layout, cidx, pidx, values);
  if (size.length !== bd + 2 + denseNdim) throw new Error(`tensor dimensionality must be sum of batch, base, and dense dimensionalities (=${bd} + 2 + ${denseNdim}) but got ${size.length}`);
  const batch = size.slice(0, bd), cBatch = cidx.shape.slice(0, bd), pBatch = pidx.shape.slice(0, bd), vBatch = values.shape.slice(0, bd);
  if ([cBatch, pBatch, vBatch].some((b) => b.join() !== batch.join())) {
    throw new Error(`all batch dimensions of ${n.c} (=${sizesRepr(cBatch)}), ${n.p} (=${sizesRepr(pBatch)}), and values (=${sizesRepr(vBatch)}) must be equal to tensor batch dimensions (=${sizesRepr(batch)})`);
  }
  for (let i = 0; i < blockNdim; i++) {
    if (size[bd + i]! % blocksize[i]! !== 0) throw new Error(`tensor shape[${bd + i}] (=${size[bd + i]}) must be divisible with blocksize[${i}] (=${blocksize[i]}) as defined by values shape`);
  }
  const nrows = size[bd]! / blocksize[0]!, ncols = size[bd + 1]! / blocksize[1]!;
  const [cdim, pdim] = isRowLayout(layout) ? [nrows, ncols] : [ncols, nrows];
  const nnz = values.shape[bd]!;
  if (cidx.shape[bd] !== cdim + 1) throw new Error(`${n.c}.shape[-1] must be equal to the number of ${n.cdim}s + 1 (=${cdim + 1}), but got ${cidx.shape[bd]}`);
  if (pidx.shape[bd] !== nnz) throw new Error(`${n.p}.shape[-1] must be equal to nnz (=${nnz}) as defined by values.shape[${bd}], but got ${pidx.shape[bd]}`);
  if (values.shape.slice(bd + 1 + blockNdim).join() !== size.slice(bd + 2).join()) {
    throw new Error(`values has incorrect size, expected ${sizesRepr([...values.shape.slice(0, bd + 1 + blockNdim), ...size.slice(bd + 2)])}, got ${sizesRepr(values.shape)}`);
  }
  if (cidx.dtype !== pidx.dtype) throw new Error(`${n.c} and ${n.p} must have the same dtype, bot got ${scalarTypeName(cidx.dtype)} and ${scalarTypeName(pidx.dtype)}, respectively`);
  if (cidx.dtype !== int32 && cidx.dtype !== int64) throw new Error(`${n.c} and ${n.p} dtype must be Int or Long, but got ${scalarTypeName(cidx.dtype)}`);
  const c = toNumbers(cidx), p = toNumbers(pidx);
  for (const v of p) if (!(v >= 0 && v < pdim)) throw new Error(`\`0 <= ${n.p} < ${n.pdim}\` is not satisfied.`);
  const batches = c.length / (cdim + 1);
  for (let b = 0; b < batches; b++) {
    const co = b * (cdim + 1), po = b * nnz;
    if (c[co] !== 0) throw new Error(`\`${n.c}[..., 0] == 0\` is not satisfied.`);
    if (c[co + cdim] !== nnz) throw new Error(`\`${n.c}[..., -1] == nnz\` is not satisfied.`);
    for (let i = 0; i < cdim; i++) {
      const step = c[co + i + 1]! - c[co + i]!;
      if (!(step >= 0 && step <= pdim)) throw new Error(`\`0 <= ${n.c}[..., 1:] - ${n.c}[..., :-1] <= ${n.pdim}\` is not satisfied.`);
      for (let k = c[co + i]!; k + 1 < c[co + i + 1]!; k++) {
        if (!(p[po + k]! < p[po + k + 1]!)) {
          throw new Error(`\`${n.p}[..., ${n.c}[..., i - 1]:${n.c}[..., i]] for all i = 1, ..., ${n.cdim === "row" ? "nrows" : "ncols"} are sorted and distinct along the last dimension values\` is not satisfied.`);
        }
      }
    }
  }
}

/**
 * torch.sparse_compressed_tensor(compressed_indices, plain_indices, values, size=None, *, dtype,
 * layout, device, requires_grad, check_invariants): a CSR, CSC, BSR or BSC tensor, batched when the
 * indices have leading dims. Without a size (PyTorch's estimate): the batch dims from the indices,
 * the compressed dim from compressed_indices, the plain one from the largest plain index (0 when
 * there are none), both times the block size, the dense dims from values. Gradients flow to values.
 */
export function sparseCompressedTensor(
  compressedIndices: TensorData, plainIndices: TensorData, values: TensorData,
  ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size; layout?: Layout | null }>
): Tensor {
  const a = bindArgs("sparse_compressed_tensor", args, ["size"], [...KW, "layout"], 3);
  if (a.layout === undefined || a.layout === null) throw new Error("sparse_compressed_tensor expected sparse compressed tensor layout but got none");
  return build("sparse_compressed_tensor", compressedLayoutOf(a.layout, "sparse_compressed_tensor"), compressedIndices, plainIndices, values, a);
}

/** torch.sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype, device, requires_grad, check_invariants). */
export function sparseCsrTensor(crowIndices: TensorData, colIndices: TensorData, values: TensorData, ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size }>): Tensor {
  return build("sparse_csr_tensor", sparseCsr, crowIndices, colIndices, values, bindArgs("sparse_csr_tensor", args, ["size"], KW, 3));
}

/** torch.sparse_csc_tensor(ccol_indices, row_indices, values, size=None, *, dtype, device, requires_grad, check_invariants). */
export function sparseCscTensor(ccolIndices: TensorData, rowIndices: TensorData, values: TensorData, ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size }>): Tensor {
  return build("sparse_csc_tensor", sparseCsc, ccolIndices, rowIndices, values, bindArgs("sparse_csc_tensor", args, ["size"], KW, 3));
}

/** torch.sparse_bsr_tensor(crow_indices, col_indices, values, size=None, ...): values are blocks, [*batch, nnz, blockRows, blockCols, *dense]. */
export function sparseBsrTensor(crowIndices: TensorData, colIndices: TensorData, values: TensorData, ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size }>): Tensor {
  return build("sparse_bsr_tensor", sparseBsr, crowIndices, colIndices, values, bindArgs("sparse_bsr_tensor", args, ["size"], KW, 3));
}

/** torch.sparse_bsc_tensor(ccol_indices, row_indices, values, size=None, ...): values are blocks, [*batch, nnz, blockRows, blockCols, *dense]. */
export function sparseBscTensor(ccolIndices: TensorData, rowIndices: TensorData, values: TensorData, ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size }>): Tensor {
  return build("sparse_bsc_tensor", sparseBsc, ccolIndices, rowIndices, values, bindArgs("sparse_bsc_tensor", args, ["size"], KW, 3));
}

/** PyTorch's _estimate_sparse_compressed_tensor_size (its dimensionality checks first). */
function estimateSize(layout: Layout, cidx: Tensor, pidx: Tensor, vals: Tensor): number[] {
  const n = names(layout);
  const { bd, blockNdim, blocksize: [br, bc] } = memberDims(layout, cidx, pidx, vals);
  if (pidx.dtype !== int32 && pidx.dtype !== int64) throw new Error(`${n.c} and ${n.p} dtype must be Int or Long, but got ${scalarTypeName(pidx.dtype)}`);
  const cdim = cidx.shape[bd]! > 0 ? cidx.shape[bd]! - 1 : 0;
  let pdim = 0;
  for (const v of toNumbers(pidx)) if (v + 1 > pdim) pdim = v + 1;
  const matrix = isRowLayout(layout) ? [cdim * br, pdim * bc] : [pdim * br, cdim * bc];
  return [...cidx.shape.slice(0, bd), ...matrix, ...vals.shape.slice(bd + 1 + blockNdim)];
}

function build(op: string, layout: Layout, cData: TensorData, pData: TensorData, vData: TensorData, a: Record<string, unknown>): Tensor {
  const cidx = asTensor(cData).detach(), pidx = asTensor(pData).detach();
  let vals = asTensor(vData);
  if (a.dtype !== undefined && a.dtype !== null) vals = vals.to(toDType(a.dtype as DTypeLike));
  if (a.device !== undefined && a.device !== null && toDevice(a.device as DeviceLike).type !== "cpu") throw new Error(`${op}: sparse tensors are CPU only in torch-ts (device ${String(a.device)})`);
  let size: number[];
  if (a.size === undefined || a.size === null) {
    size = estimateSize(layout, cidx, pidx, vals);
  } else {
    size = (a.size as number[]).slice();
    if (!Array.isArray(a.size) || size.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`${op}(): argument 'size' must be a list of non-negative ints`);
  }
  validate(layout, cidx, pidx, vals, size);
  const r = makeCompressed(layout, cidx, pidx, vals, size);
  if (a.requiresGrad) {
    if (r.gradFn) throw new Error(`${op}(): requires_grad=True needs values that are a leaf`);
    r.requiresGrad_(true);
  }
  return r;
}

/** A CSR/BSR (rows) or CSC/BSC (columns) tensor, else PyTorch's refusal. */
function requireLayout(op: string, self: Tensor, rows: boolean): SparseCompressedTensor {
  if (!isCompressed(self) || self._rowCompressed !== rows) {
    throw new Error(`"${op}" expected sparse ${rows ? "row" : "column"} compressed tensor layout but got ${layoutWord(self)}`);
  }
  return self;
}

function crowIndices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("crow_indices", arguments, 1);
  return requireLayout("crow_indices", self, true)._compressedIndices.detach();
}

function colIndices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("col_indices", arguments, 1);
  return requireLayout("col_indices", self, true)._plainIndices.detach();
}

function ccolIndices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("ccol_indices", arguments, 1);
  return requireLayout("ccol_indices", self, false)._compressedIndices.detach();
}

function rowIndices(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("row_indices", arguments, 1);
  return requireLayout("row_indices", self, false)._plainIndices.detach();
}

function denseDimArg(op: string, denseDim: unknown): number | null {
  if (denseDim === undefined || denseDim === null) return null;
  if (typeof denseDim === "object") {
    const o = denseDim as { denseDim?: number | null };
    for (const k of Object.keys(o)) if (k !== "denseDim") throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
    return o.denseDim ?? null;
  }
  return denseDim as number;
}

function toSparseCsr(self: Tensor, denseDim?: number | null): Tensor {
  if (arguments.length > 2) checkArgs("to_sparse_csr", arguments, 2, ["denseDim"]);
  return toCompressed(self, sparseCsr, denseDimArg("to_sparse_csr", denseDim));
}

function toSparseCsc(self: Tensor, denseDim?: number | null): Tensor {
  if (arguments.length > 2) checkArgs("to_sparse_csc", arguments, 2, ["denseDim"]);
  return toCompressed(self, sparseCsc, denseDimArg("to_sparse_csc", denseDim));
}

function toSparseBsr(self: Tensor, blocksize: number[], denseDim?: number | null): Tensor {
  if (arguments.length > 3) checkArgs("to_sparse_bsr", arguments, 3, ["denseDim"]);
  return toCompressed(self, sparseBsr, denseDimArg("to_sparse_bsr", denseDim), blocksize);
}

function toSparseBsc(self: Tensor, blocksize: number[], denseDim?: number | null): Tensor {
  if (arguments.length > 3) checkArgs("to_sparse_bsc", arguments, 3, ["denseDim"]);
  return toCompressed(self, sparseBsc, denseDimArg("to_sparse_bsc", denseDim), blocksize);
}

installMethods({ crowIndices, colIndices, ccolIndices, rowIndices, toSparseCsr, toSparseCsc, toSparseBsr, toSparseBsc } as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
