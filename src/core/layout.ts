// torch.layout: how a tensor's elements are laid out in memory. torch-ts has strided tensors and
// sparse COO ones (core/sparse-tensor.ts: indices and values, no dense storage); no CSR/CSC/BSR,
// MKL-DNN or jagged layouts.

export class Layout {
  constructor(readonly name: string) {}
  toString(): string { return `torch.${this.name}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/** The layout of dense tensors (PyTorch's default). */
export const strided = new Layout("strided");

/** Sparse COO tensors: int64 indices (sparseDim x nnz) and values (nnz x dense dims). */
export const sparseCoo = new Layout("sparse_coo");
