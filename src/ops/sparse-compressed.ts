// Sparse compressed tensors (torch.sparse_csr_tensor / sparse_csc_tensor / sparse_compressed_tensor
// and the Tensor members around them): creation with PyTorch's invariant checks and messages,
// crow_indices/col_indices/ccol_indices/row_indices, to_sparse_csr / to_sparse_csc. values(),
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
import { makeCompressed } from "./sparse-compressed-engine.js";
import { compressedLayoutOf, toCompressed } from "./sparse-compressed-dispatch.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /** The compressed row indices of a CSR tensor (nrows + 1). */
    crowIndices(): Tensor;
    /** The column indices of a CSR tensor (nnz). */
    colIndices(): Tensor;
    /** The compressed column indices of a CSC tensor (ncols + 1). */
    ccolIndices(): Tensor;
    /** The row indices of a CSC tensor (nnz). */
    rowIndices(): Tensor;
    /** A CSR copy of a dense (2-D plus denseDim dims), COO or CSC tensor. */
    toSparseCsr(denseDim?: number | null): Tensor;
    /** A CSC copy of a dense (2-D plus denseDim dims), COO or CSR tensor. */
    toSparseCsc(denseDim?: number | null): Tensor;
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
  return layout === sparseCsr
    ? { c: "crow_indices", p: "col_indices", cdim: "row", pdim: "ncols" }
    : { c: "ccol_indices", p: "row_indices", cdim: "column", pdim: "nrows" };
}

/**
 * PyTorch's _validate_sparse_compressed_tensor_args for 2-D tensors (torch-ts has no batch dims):
 * shapes, index dtypes, then the index invariants, each in PyTorch's words. Always run: the kernels
 * read the indices, so a bad one must not get in.
 */
function validate(layout: Layout, cidx: Tensor, pidx: Tensor, values: Tensor, size: readonly number[]): void {
  const n = names(layout);
  if (cidx.dim() < 1) throw new Error(`${n.c} must have dimensionality >= 1 but got ${cidx.dim()}`);
  if (cidx.dim() !== pidx.dim()) throw new Error(`${n.c} and ${n.p} dimensionalities must be equal but got ${cidx.dim()} and ${pidx.dim()}, respectively`);
  if (cidx.dim() > 1) throw new Error(`sparse_compressed_tensor: batched compressed tensors are not supported by torch-ts (${n.c} must be 1-D, got ${cidx.dim()}-D)`);
  const denseNdim = values.dim() - 1;
  if (denseNdim < 0) throw new Error(`values must have dimensionality > sum of batch and block dimensionalities (=0 + 0) but got ${values.dim()}`);
  if (size.length !== 2 + denseNdim) throw new Error(`tensor dimensionality must be sum of batch, base, and dense dimensionalities (=0 + 2 + ${denseNdim}) but got ${size.length}`);
  if (values.shape.slice(1).join() !== size.slice(2).join()) {
    throw new Error(`values has incorrect size, expected [${[values.shape[0], ...size.slice(2)].join(", ")}], got [${values.shape.join(", ")}]`);
  }
  const [cdim, pdim] = layout === sparseCsr ? [size[0]!, size[1]!] : [size[1]!, size[0]!];
  const nnz = values.shape[0]!;
  if (cidx.shape[0] !== cdim + 1) throw new Error(`${n.c}.shape[-1] must be equal to the number of ${n.cdim}s + 1 (=${cdim + 1}), but got ${cidx.shape[0]}`);
  if (pidx.shape[0] !== nnz) throw new Error(`${n.p}.shape[-1] must be equal to nnz (=${nnz}) as defined by values.shape[0], but got ${pidx.shape[0]}`);
  if (cidx.dtype !== pidx.dtype) throw new Error(`${n.c} and ${n.p} must have the same dtype, bot got ${scalarTypeName(cidx.dtype)} and ${scalarTypeName(pidx.dtype)}, respectively`);
  if (cidx.dtype !== int32 && cidx.dtype !== int64) throw new Error(`${n.c} and ${n.p} dtype must be Int or Long, but got ${scalarTypeName(cidx.dtype)}`);
  const c = toNumbers(cidx), p = toNumbers(pidx);
  for (const v of p) if (!(v >= 0 && v < pdim)) throw new Error(`\`0 <= ${n.p} < ${n.pdim}\` is not satisfied.`);
  if (c[0] !== 0) throw new Error(`\`${n.c}[..., 0] == 0\` is not satisfied.`);
  if (c[cdim] !== nnz) throw new Error(`\`${n.c}[..., -1] == nnz\` is not satisfied.`);
  for (let i = 0; i < cdim; i++) {
    const step = c[i + 1]! - c[i]!;
    if (!(step >= 0 && step <= pdim)) throw new Error(`\`0 <= ${n.c}[..., 1:] - ${n.c}[..., :-1] <= ${n.pdim}\` is not satisfied.`);
    for (let k = c[i]!; k + 1 < c[i + 1]!; k++) {
      if (!(p[k]! < p[k + 1]!)) {
        throw new Error(`\`${n.p}[..., ${n.c}[..., i - 1]:${n.c}[..., i]] for all i = 1, ..., ${n.cdim === "row" ? "nrows" : "ncols"} are sorted and distinct along the last dimension values\` is not satisfied.`);
      }
    }
  }
}

/**
 * torch.sparse_compressed_tensor(compressed_indices, plain_indices, values, size=None, *, dtype,
 * layout, device, requires_grad, check_invariants): a CSR or CSC tensor (2-D plus the values' dense
 * dims). Without a size: the compressed dim from compressed_indices, the plain one from the largest
 * plain index (0 when there are no nonzeros). Gradients flow to values.
 */
export function sparseCompressedTensor(
  compressedIndices: TensorData, plainIndices: TensorData, values: TensorData,
  ...args: Args<[size?: Size], SparseCompressedOptions & { size?: Size; layout?: Layout | null }>
): Tensor {
  const a = bindArgs("sparse_compressed_tensor", args, ["size"], [...KW, "layout"], 3);
  if (a.layout === undefined || a.layout === null) throw new Error("sparse_compressed_tensor: expected a sparse compressed layout (torch.sparse_csr or torch.sparse_csc), got none");
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

/** torch.sparse_bsr_tensor: refused (torch-ts has no block sparse tensors). */
export function sparseBsrTensor(..._args: unknown[]): never {
  throw new Error(`sparse_bsr_tensor: ${String(sparseBsr)} tensors are not supported by torch-ts (use torch.sparseCsrTensor)`);
}

/** torch.sparse_bsc_tensor: refused (torch-ts has no block sparse tensors). */
export function sparseBscTensor(..._args: unknown[]): never {
  throw new Error(`sparse_bsc_tensor: ${String(sparseBsc)} tensors are not supported by torch-ts (use torch.sparseCscTensor)`);
}

function build(op: string, layout: Layout, cData: TensorData, pData: TensorData, vData: TensorData, a: Record<string, unknown>): Tensor {
  const cidx = asTensor(cData).detach(), pidx = asTensor(pData).detach();
  let vals = asTensor(vData);
  if (a.dtype !== undefined && a.dtype !== null) vals = vals.to(toDType(a.dtype as DTypeLike));
  if (a.device !== undefined && a.device !== null && toDevice(a.device as DeviceLike).type !== "cpu") throw new Error(`${op}: sparse tensors are CPU only in torch-ts (device ${String(a.device)})`);
  let size: number[];
  if (a.size === undefined || a.size === null) {
    const n = names(layout);
    if (cidx.dtype !== int32 && cidx.dtype !== int64) throw new Error(`${n.c} and ${n.p} dtype must be Int or Long, but got ${scalarTypeName(cidx.dtype)}`);
    if (pidx.dtype !== int32 && pidx.dtype !== int64) throw new Error(`${n.c} and ${n.p} dtype must be Int or Long, but got ${scalarTypeName(pidx.dtype)}`);
    if (cidx.dim() !== 1) throw new Error(`${op}: batched compressed tensors are not supported by torch-ts (${n.c} must be 1-D, got ${cidx.dim()}-D)`);
    const cdim = cidx.numel() - 1;
    const p = toNumbers(pidx);
    let pdim = 0;
    for (const v of p) if (v + 1 > pdim) pdim = v + 1;
    size = [...(layout === sparseCsr ? [cdim, pdim] : [pdim, cdim]), ...vals.shape.slice(1)];
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

function requireLayout(op: string, self: Tensor, csr: boolean): SparseCompressedTensor {
  if (!isCompressed(self) || self._isCsr !== csr) {
    const want = csr ? "row" : "column";
    const got = isCompressed(self) ? (self._isCsr ? "SparseCsr" : "SparseCsc") : String(self.layout) === "torch.sparse_coo" ? "Sparse" : "Strided";
    throw new Error(`"${op}" expected sparse ${want} compressed tensor layout but got ${got}`);
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

installMethods({ crowIndices, colIndices, ccolIndices, rowIndices, toSparseCsr, toSparseCsc } as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
