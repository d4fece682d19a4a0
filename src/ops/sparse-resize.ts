// The sparse COO resizes (Tensor.sparse_resize_, sparse_resize_and_clear_, resize_as_sparse_ and
// torch.resize_as_sparse_): a new size and sparse/dense split, PyTorch's SparseTensorImpl::resize_
// rules. A non-empty tensor keeps its split and may only grow its dims (its indices stay in bounds;
// its values are resized as PyTorch resizes them); an empty one, or one cleared, takes any split.

import { Tensor } from "../core/tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { int64 } from "../core/dtype.js";
import { checkInplaceLeaf } from "./inplace.js";
import { checkArgs, checkTensor, installMethods } from "./args.js";
import { emptyTensor } from "./engine.js";
import { noGrad } from "../autograd/grad-mode.js";

declare module "../core/tensor.js" {
  interface Tensor {
    /** Resizes a sparse COO tensor to `size` with sparseDim sparse dims (a non-empty one keeps its split and may only grow). */
    sparseResize_(size: number[], sparseDim: number, denseDim: number): this;
    /** Resizes a sparse COO tensor to `size` with sparseDim sparse dims and removes every stored element. */
    sparseResizeAndClear_(size: number[], sparseDim: number, denseDim: number): this;
    /** sparseResize_ to src's size and sparse/dense split (nothing when the sizes already agree). */
    resizeAsSparse_(src: Tensor): this;
  }
}

const ALTERNATIVES = "You could try the following options:\n"
  + "1. If you need an empty sparse tensor of this size, call `x = torch.sparse_coo_tensor(size)`.\n"
  + "2. If you need to resize this tensor, you have the following options:\n"
  + "    1. For both sparse and dense dimensions, keep the number of them constant and the size of them non-shrinking, and then try the same call again.\n"
  + "    2. Or, create a new sparse tensor with the correct indices and values from this sparse tensor.";

const repr = (s: readonly number[]): string => `[${s.join(", ")}]`;

function requireSparse(op: string, self: Tensor): SparseTensor {
  if (!isSparse(self)) throw new Error(`Could not run 'aten::${op}' with arguments from the '${self.device.type === "cpu" ? "CPU" : self.device.type}' backend.`);
  return self;
}

function checkSplit(size: unknown, sparseDim: unknown, denseDim: unknown): asserts size is number[] {
  if (!Array.isArray(size) || size.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`sparse_resize_(): argument 'size' must be a list of non-negative ints, got ${String(size)}`);
  if (!Number.isInteger(sparseDim) || !Number.isInteger(denseDim) || (sparseDim as number) < 0 || (denseDim as number) < 0) {
    throw new Error(`sparse_resize_(): sparse_dim and dense_dim must be non-negative ints, got ${String(sparseDim)} and ${String(denseDim)}`);
  }
  if ((sparseDim as number) + (denseDim as number) !== size.length) {
    throw new Error(`'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = ${size.length}, sparse_dim = ${String(sparseDim)}, dense_dim = ${String(denseDim)}`);
  }
}

/** Installs the new size; an empty tensor (or a cleared one) gets empty members of the new split. */
function install(x: SparseTensor, size: number[], sparseDim: number, clear: boolean): void {
  if (clear || x._nnzCount === 0) {
    x._sparseIndices = emptyTensor([sparseDim, 0], int64);
    x._sparseValues = emptyTensor([0, ...size.slice(sparseDim)], x.dtype);
    x._coalesced = true;
  }
  x._shape = size.slice();
  x.storage.version++;
}

/**
 * PyTorch's values_.resize_({nnz, *new dense sizes}): the stored values keep their flat order (so
 * each old row spreads over the new rows) and the added elements are new memory (uninitialized in
 * PyTorch). Done on an alias, so a tensor the values came from keeps its size.
 */
function growDenseDims(x: SparseTensor, denseSize: number[]): void {
  x._sparseValues = noGrad(() => x._sparseValues.detach().resize_([x._nnzCount, ...denseSize]));
}

function sparseResize_(self: Tensor, size: number[], sparseDim: number, denseDim: number): Tensor {
  if (arguments.length > 4) checkArgs("sparse_resize_", arguments, 4);
  const x = requireSparse("sparse_resize_", self);
  checkSplit(size, sparseDim, denseDim);
  checkInplaceLeaf("sparse_resize_", x);
  if (x._nnzCount > 0) {
    const oldSparse = x._sparseDim, oldDense = x.dim() - oldSparse;
    if (sparseDim !== oldSparse) throw new Error(`changing the number of sparse dimensions (from ${oldSparse} to ${sparseDim}) on a non-empty sparse tensor is not supported.\n${ALTERNATIVES}`);
    if (denseDim !== oldDense) throw new Error(`changing the number of dense dimensions (from ${oldDense} to ${denseDim}) on a non-empty sparse tensor is not supported.\n${ALTERNATIVES}`);
    const oldSize = x.shape;
    if (size.slice(0, sparseDim).some((s, d) => s < oldSize[d]!)) {
      throw new Error(`shrinking the size of sparse dimensions (from ${repr(oldSize.slice(0, sparseDim))} to ${repr(size.slice(0, sparseDim))}) on a non-empty sparse tensor is not supported.\n${ALTERNATIVES}`);
    }
    if (size.slice(sparseDim).some((s, d) => s < oldSize[sparseDim + d]!)) {
      throw new Error(`shrinking the size of dense dimensions (from ${repr(oldSize.slice(sparseDim))} to ${repr(size.slice(sparseDim))}) on a non-empty sparse tensor is not supported.\n${ALTERNATIVES}`);
    }
    if (size.slice(sparseDim).join() !== oldSize.slice(sparseDim).join()) growDenseDims(x, size.slice(sparseDim));
  }
  install(x, size, sparseDim, false);
  return x;
}

function sparseResizeAndClear_(self: Tensor, size: number[], sparseDim: number, denseDim: number): Tensor {
  if (arguments.length > 4) checkArgs("sparse_resize_and_clear_", arguments, 4);
  const x = requireSparse("sparse_resize_and_clear_", self);
  checkSplit(size, sparseDim, denseDim);
  checkInplaceLeaf("sparse_resize_and_clear_", x);
  install(x, size, sparseDim, true);
  return x;
}

function resizeAsSparseMethod(self: Tensor, src: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("resize_as_sparse_", arguments, 2);
  return resizeAsSparse_(self, src);
}

/** torch.resize_as_sparse_(input, the_template): input.sparse_resize_ to the template's size and split (when they differ). */
export function resizeAsSparse_(input: Tensor, theTemplate: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("resize_as_sparse_", arguments, 2);
  checkTensor("resize_as_sparse_", "the_template", theTemplate);
  const x = requireSparse("resize_as_sparse_", input);
  const src = requireSparse("resize_as_sparse_", theTemplate);
  if (x.shape.join() === src.shape.join() && x._sparseDim === src._sparseDim) return x;
  return sparseResize_(x, src.shape, src._sparseDim, src.dim() - src._sparseDim);
}

installMethods({ sparseResize_, sparseResizeAndClear_, resizeAsSparse_: resizeAsSparseMethod } as unknown as Record<string, (self: Tensor, ...a: never[]) => unknown>);
