// A sparse compressed tensor (CSR, CSC, BSR or BSC): a Tensor (shape, dtype, autograd state) whose
// nonzeros (elements, or blocks for BSR/BSC) are listed by compressed dim (rows for CSR/BSR, columns
// for CSC/BSC): compressedIndices[..., i]..[..., i + 1] is the slice of plainIndices / values that
// belongs to row (column) i, plain indices sorted and distinct within it. Leading batch dims repeat
// that structure with one nnz per batch; values are (*batch, nnz, [blockRows, blockCols,] *dense).
// No dense storage (its data throws the 'SparseCsrCPU' refusal naming the op); the ops live in
// src/ops/sparse-compressed*.ts.

import { Tensor } from "./tensor.js";
import { SparseStorage } from "./storage.js";
import { type Layout, sparseBsc, sparseBsr, sparseCsr } from "./layout.js";
import { type PrintDType, formatSparseTensor } from "./printing.js";
import { printable } from "./sparse-tensor.js";

export class SparseCompressedTensor extends Tensor {
  /** @internal sparse_csr, sparse_csc, sparse_bsr or sparse_bsc. */ _compressedLayout: Layout;
  /** @internal int32 or int64 [*batch, compressed dim (in blocks) + 1]. */ _compressedIndices: Tensor;
  /** @internal The same dtype as the compressed indices, [*batch, nnz]. */ _plainIndices: Tensor;
  /** @internal [*batch, nnz, (block rows, block cols,) ...dense dims], the tensor's dtype. */ _compressedValues: Tensor;

  /** @internal Use the ops (torch.sparseCsrTensor, makeCompressed): this trusts its arguments. */
  constructor(layout: Layout, compressed: Tensor, plain: Tensor, values: Tensor, shape: number[]) {
    super(new SparseStorage(values.dtype, values.device, "SparseCsrCPU"), shape.slice());
    this._compressedLayout = layout;
    this._compressedIndices = compressed;
    this._plainIndices = plain;
    this._compressedValues = values;
  }

  /** @internal */ get _isCsr(): boolean { return this._compressedLayout === sparseCsr; }
  /** @internal Rows are the compressed dim (CSR, BSR). */ get _rowCompressed(): boolean { return this._compressedLayout === sparseCsr || this._compressedLayout === sparseBsr; }
  /** @internal BSR or BSC. */ get _isBlocked(): boolean { return this._compressedLayout === sparseBsr || this._compressedLayout === sparseBsc; }
  /** @internal How many leading batch dims. */ get _batchDim(): number { return this._compressedIndices._shape.length - 1; }
  /** @internal The block shape ([1, 1] for CSR/CSC). */ get _blocksize(): [number, number] {
    if (!this._isBlocked) return [1, 1];
    const v = this._compressedValues._shape, b = this._batchDim;
    return [v[b + 1]!, v[b + 2]!];
  }
  /** @internal How many trailing dense dims. */ get _denseDimCount(): number { return this._compressedValues._shape.length - this._batchDim - 1 - (this._isBlocked ? 2 : 0); }
  /** @internal Specified elements (blocks) per batch. */ get _nnzCount(): number { return this._plainIndices._shape[this._batchDim]!; }

  override stride(): never;
  override stride(dim: number): never;
  override stride(): never { throw new Error("Sparse CSR tensors do not have strides"); }
  override isContiguous(): never { throw new Error("Sparse CSR tensors do not have is_contiguous"); }

  /** A new compressed tensor over the same indices and values, cut from the graph. */
  override detach(): Tensor {
    return new SparseCompressedTensor(this._compressedLayout, this._compressedIndices, this._plainIndices, this._compressedValues.detach(), this._shape);
  }

  override tolist(): never { throw new Error("Cannot access data pointer of Tensor that doesn't have storage"); }
  override item(): never {
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    throw new Error("Cannot access data pointer of Tensor that doesn't have storage");
  }

  override toString(): string {
    const [c, p] = this._rowCompressed ? ["crow_indices", "col_indices"] : ["ccol_indices", "row_indices"];
    return formatSparseTensor({
      shape: this._shape, dtype: this.dtype.name as PrintDType, nnz: this._nnzCount, layout: this._compressedLayout.name,
      parts: [[c, printable(this._compressedIndices)], [p, printable(this._plainIndices)], ["values", printable(this._compressedValues)]],
      requiresGrad: this._requiresGrad, gradFnName: this._gradFn ? this._gradFn.name() : null,
      device: this.device.toString(), isParameter: this._isParameter,
    });
  }
}

Object.defineProperty(SparseCompressedTensor.prototype, "_compressed", { value: true });
Object.defineProperty(Tensor.prototype, "_compressed", { value: false });

/** Whether t is a sparse CSR, CSC, BSR or BSC tensor (a load of the prototype's flag, as isSparse). */
export function isCompressed(t: unknown): t is SparseCompressedTensor {
  return typeof t === "object" && t !== null && (t as { _compressed?: boolean })._compressed === true;
}
