// A sparse COO tensor: a Tensor (shape, dtype, autograd state) whose elements are the sum, at each
// column of `indices` (int64, sparseDim x nnz), of the matching row of `values` (nnz x dense dims);
// every other element is zero. It has no dense storage (SparseStorage's data throws naming the op),
// so dense kernels refuse it; the sparse ops live in src/ops/sparse-*.ts.

import { Tensor } from "./tensor.js";
import { SparseStorage } from "./storage.js";
import { type PrintDType, type Printable, formatSparseTensor } from "./printing.js";

export class SparseTensor extends Tensor {
  /** @internal int64 [sparseDim, nnz]. */ _sparseIndices: Tensor;
  /** @internal [nnz, ...dense dims], the tensor's dtype. */ _sparseValues: Tensor;
  /** @internal Indices sorted (row-major) without duplicates. */ _coalesced: boolean;

  /** @internal Use the ops (torch.sparseCooTensor, makeSparse): this trusts its arguments. */
  constructor(indices: Tensor, values: Tensor, shape: number[], coalesced: boolean) {
    super(new SparseStorage(values.dtype, values.device), shape.slice());
    this._sparseIndices = indices;
    this._sparseValues = values;
    this._coalesced = coalesced;
  }

  /** @internal */ get _sparseDim(): number { return this._sparseIndices._shape[0]!; }
  /** @internal */ get _nnzCount(): number { return this._sparseIndices._shape[1]!; }

  override stride(): never;
  override stride(dim: number): never;
  override stride(): never { throw new Error("Sparse tensors do not have strides"); }
  override isContiguous(): never { throw new Error("Tensors of type SparseTensorImpl do not have is_contiguous"); }

  /** A new sparse tensor over the same indices and values, cut from the graph. */
  override detach(): Tensor {
    return new SparseTensor(this._sparseIndices, this._sparseValues.detach(), this._shape, this._coalesced);
  }

  override tolist(): never { throw new Error("Cannot access data pointer of Tensor that doesn't have storage"); }
  override item(): never {
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    throw new Error("Cannot access data pointer of Tensor that doesn't have storage");
  }

  override toString(): string {
    return formatSparseTensor({
      shape: this._shape, dtype: this.dtype.name as PrintDType, nnz: this._nnzCount,
      parts: [["indices", printable(this._sparseIndices)], ["values", printable(this._sparseValues)]], layout: "sparse_coo",
      requiresGrad: this._requiresGrad, gradFnName: this._gradFn ? this._gradFn.name() : null,
      device: this.device.toString(), isParameter: this._isParameter,
    });
  }
}

Object.defineProperty(SparseTensor.prototype, "_sparse", { value: true });

/** A member tensor (indices, values) for the sparse repr. */
export function printable(t: Tensor): Printable {
  const idx = t._storageIndices();
  return {
    shape: t._shape, dtype: t.dtype.name as PrintDType, at: (i: number) => t._readValue(idx[i]!),
    requiresGrad: false, gradFnName: null, device: t.device.toString(),
  };
}

/** Whether t is a sparse COO tensor (a load of the prototype's flag: hot ops call this). */
export function isSparse(t: unknown): t is SparseTensor {
  return typeof t === "object" && t !== null && (t as Tensor)._sparse === true;
}
