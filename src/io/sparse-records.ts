// Sparse tensors in checkpoints, both ways: a SparseTensor becomes the record that PyTorch's
// Tensor.__reduce_ex__ writes (torch._utils._rebuild_sparse_tensor), and a record read from a file
// becomes a tensor only after PyTorch's invariant checks (a hostile file must not smuggle indices
// that point outside the tensor).

import { Tensor } from "../core/tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { int64 } from "../core/dtype.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { type Layout, sparseBsc, sparseBsr, sparseCsc, sparseCsr } from "../core/layout.js";
import { sparseCooTensor } from "../ops/sparse.js";
import { sparseCompressedTensor } from "../ops/sparse-compressed.js";
import { linearIndices } from "../ops/sparse-engine.js";
import { FormatError } from "./errors.js";
import { SparseTensorRef, type SparseLayoutName, type TensorRef } from "./pickle-values.js";

/**
 * The record of a sparse tensor. COO writes (indices, values, size) without PyTorch 2.1's
 * is_coalesced, so that PyTorch 1.13 reads it too (2.x reads the 3-tuple as "not known coalesced").
 * CSR/CSC/BSR/BSC (batched too) write PyTorch 2.x's record (layout, (compressed, plain, values, size)); PyTorch 1.13 reads
 * only its own _rebuild_sparse_csr_tensor, which 2.x no longer has, so no record serves both.
 */
export function sparseRecord(t: Tensor, tensorRef: (part: Tensor) => TensorRef): SparseTensorRef | null {
  if (isSparse(t)) return new SparseTensorRef("sparse_coo", [tensorRef(t._sparseIndices), tensorRef(t._sparseValues)], t.shape, null);
  if (!isCompressed(t)) return null;
  const parts = [t._compressedIndices, t._plainIndices, t._compressedValues].map(tensorRef);
  return new SparseTensorRef(t._compressedLayout.name as SparseLayoutName, parts, t.shape, null);
}

const COMPRESSED = new Map<SparseLayoutName, Layout>([["sparse_csr", sparseCsr], ["sparse_csc", sparseCsc], ["sparse_bsr", sparseBsr], ["sparse_bsc", sparseBsc]]);

/** The tensor of a sparse record, its invariants checked (FormatError otherwise). */
export function sparseFromRecord(ref: SparseTensorRef, tensor: (part: TensorRef) => Tensor): Tensor {
  const compressed = COMPRESSED.get(ref.layout);
  if (compressed !== undefined) {
    const [c, p, v] = ref.parts.map(tensor) as [Tensor, Tensor, Tensor];
    try {
      return sparseCompressedTensor(c, p, v, ref.size.slice(), { layout: compressed });
    } catch (e) {
      throw new FormatError(`torch.load: invalid torch.${ref.layout} tensor: ${(e as Error).message}`);
    }
  }
  if (ref.layout !== "sparse_coo") throw new FormatError(`torch.load: tensors of layout torch.${ref.layout} are not supported by torch-ts`);
  const [indices, values] = ref.parts.map(tensor) as [Tensor, Tensor];
  if (indices.dtype !== int64) throw new FormatError(`torch.load: a sparse tensor's indices must be int64, got ${indices.dtype}`);
  let t: SparseTensor;
  try {
    t = sparseCooTensor(indices, values, ref.size.slice()) as SparseTensor;
  } catch (e) {
    throw new FormatError(`torch.load: invalid sparse COO tensor: ${(e as Error).message}`);
  }
  if (ref.coalesced === true) {
    const lin = linearIndices(t._sparseIndices, t._shape);
    for (let k = 1; k < lin.length; k++) {
      if (!(lin[k]! > lin[k - 1]!)) throw new FormatError("torch.load: a sparse tensor marked coalesced has unsorted or duplicate indices");
    }
    t._coalesced = true;
  }
  return t;
}
