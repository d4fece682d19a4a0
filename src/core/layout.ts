// torch.layout: how a tensor's elements are laid out in memory. torch-ts has strided tensors, sparse
// COO ones (core/sparse-tensor.ts: indices and values, no dense storage) and the compressed sparse
// layouts CSR, CSC, BSR and BSC (core/sparse-compressed-tensor.ts: compressed indices, plain
// indices, values; batch dims allowed). No MKL-DNN or jagged layouts.

export class Layout {
  constructor(readonly name: string) {}
  toString(): string { return `torch.${this.name}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/** The layout of dense tensors (PyTorch's default). */
export const strided = new Layout("strided");

/** Sparse COO tensors: int64 indices (sparseDim x nnz) and values (nnz x dense dims). */
export const sparseCoo = new Layout("sparse_coo");

/** Compressed sparse rows: crow_indices (nrows + 1), col_indices (nnz), values (nnz x dense dims). */
export const sparseCsr = new Layout("sparse_csr");

/** Compressed sparse columns: ccol_indices (ncols + 1), row_indices (nnz), values (nnz x dense dims). */
export const sparseCsc = new Layout("sparse_csc");

/** Block compressed rows: crow_indices (block rows + 1), col_indices (nnz blocks), values (nnz x blockRows x blockCols x dense dims). */
export const sparseBsr = new Layout("sparse_bsr");

/** Block compressed columns: ccol_indices (block cols + 1), row_indices (nnz blocks), values (nnz x blockRows x blockCols x dense dims). */
export const sparseBsc = new Layout("sparse_bsc");
