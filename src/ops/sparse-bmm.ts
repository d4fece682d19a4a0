// torch.bmm(sparse COO, dense), PyTorch 1.13's bmm_sparse_cpu: a [B, M, K] COO tensor with three
// sparse dims times a dense [B, K, N] batch, a dense result (BmmBackward0). The dense operand gets
// its gradient; 1.13's backward gives the sparse one a strided gradient and fails, so does this.

import type { Tensor } from "../core/tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { scalarTypeName } from "../core/dtype.js";
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/record.js";
import { toNumbers } from "./engine.js";
import { longTensor, makeSparse } from "./sparse-engine.js";
import { sparseAddmm } from "./sparse-dispatch.js";

function checkBmm(self: Tensor, mat2: Tensor): SparseTensor {
  if (isSparse(mat2)) throw new Error("bmm_sparse: Tensor 'mat2' must be dense");
  const s = self as SparseTensor;
  const denseDims = s.dim() - s._sparseDim;
  if (denseDims !== 0) throw new Error(`bmm_sparse: Tensor 'self' must have 0 dense dims, but has ${denseDims}`);
  if (s._sparseDim !== 3) throw new Error(`bmm_sparse: Tensor 'self' must have 3 sparse dims, but has ${s._sparseDim}`);
  if (mat2.dim() !== 3) throw new Error(`bmm_sparse: Tensor 'mat2' must have 3 dims, but has ${mat2.dim()}`);
  if (s.shape[0] !== mat2.shape[0]) throw new Error("bmm_sparse: 'self.size(0)' and 'mat2.size(0)' must match");
  if (s.shape[2] !== mat2.shape[1]) throw new Error("bmm_sparse: 'self.size(2)' and 'mat2.size(1)' must match");
  if (s.dtype !== mat2.dtype) throw new Error(`expected scalar type ${scalarTypeName(s.dtype)} but found ${scalarTypeName(mat2.dtype)}`);
  return s;
}

/**
 * The batch as one block-diagonal 2-D product: entry (b, i, k) of s goes to (b*M + i, b*K + k), and
 * mat2 is [B*K, N]; duplicates add up, as in 1.13 (no coalescing needed).
 */
function blockDiagonalProduct(s: SparseTensor, mat2: Tensor): Tensor {
  const [B, M, K] = s.shape as [number, number, number];
  const N = mat2.shape[2]!, nnz = s._nnzCount;
  const idx = toNumbers(s._sparseIndices);
  const rows = new Float64Array(2 * nnz);
  for (let e = 0; e < nnz; e++) {
    rows[e] = idx[e]! * M + idx[nnz + e]!;
    rows[nnz + e] = idx[e]! * K + idx[2 * nnz + e]!;
  }
  const flat = makeSparse(longTensor(rows, [2, nnz]), s._sparseValues, [B * M, B * K], false);
  return sparseAddmm(null, flat, mat2.reshape([B * K, N]), 0, 1).reshape([B, M, N]);
}

/** torch.bmm with a sparse operand (PyTorch's checks, in its order and words). */
export function sparseBmm(self: Tensor, mat2: Tensor): Tensor {
  const s = checkBmm(self, mat2);
  const r = noGrad(() => blockDiagonalProduct(s, mat2));
  return record("BmmBackward0", [s, mat2], r, ([g]) => {
    if (s._requiresGrad) throw new Error("Function BmmBackward0 returned an invalid gradient at index 0 - expected layout Sparse but got Strided");
    return [null, mat2._requiresGrad ? sparseBmm(s.transpose(1, 2), g!) : null];
  });
}
