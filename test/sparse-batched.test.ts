// Batched and hybrid sparse CSR/CSC tensors (leading batch dims in the indices and values, trailing
// dense dims in the values): construction with PyTorch's invariant checks, printing, conversions and
// the value ops. Printing and messages recorded from PyTorch 1.13 (CPU); where 1.13 stops (hybrid
// to_dense, batched to COO), the values are checked against the dense computation.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const long = (v: number[] | number[][]): T => torch.tensor(v, { dtype: torch.int64 });
const DENSE = [[[1, 0, 2], [0, 3, 0]], [[0, 4, 0], [5, 0, 6]]];
const dense = (): T => torch.tensor(DENSE, { dtype: torch.float32 });

describe("batched CSR/CSC: construction and printing", () => {
  test("to_sparse_csr of a 3-D tensor, its members and repr (PyTorch 1.13)", () => {
    const c = dense().toSparseCsr();
    assert.deepEqual([c.shape, c._nnz(), c.sparseDim(), c.denseDim()], [[2, 2, 3], 3, 2, 0]);
    assert.deepEqual(c.crowIndices().tolist(), [[0, 2, 3], [0, 1, 3]]);
    assert.deepEqual(c.colIndices().tolist(), [[0, 2, 1], [1, 0, 2]]);
    assert.equal(String(c), [
      "tensor(crow_indices=tensor([[0, 2, 3],",
      "                            [0, 1, 3]]),",
      "       col_indices=tensor([[0, 2, 1],",
      "                           [1, 0, 2]]),",
      "       values=tensor([[1., 2., 3.],",
      "                      [4., 5., 6.]]), size=(2, 2, 3), nnz=3,",
      "       layout=torch.sparse_csr)",
    ].join("\n"));
    assert.deepEqual(c.toDense().tolist(), DENSE);
    const k = c.toSparseCsc();
    assert.deepEqual([k.ccolIndices().tolist(), k.rowIndices().tolist(), k.values().tolist()],
      [[[0, 1, 2, 3], [0, 1, 2, 3]], [[0, 1, 0], [1, 0, 1]], [[1, 3, 2], [5, 4, 6]]]);
    assert.deepEqual(dense().toSparseCsc().values().tolist(), [[1, 3, 2], [5, 4, 6]]);
    assert.deepEqual(k.toDense().tolist(), DENSE);
  });

  test("constructors infer batch, matrix and dense sizes; hybrid values", () => {
    const c = torch.sparseCsrTensor(long([[0, 1, 2], [0, 1, 2]]), long([[0, 1], [1, 0]]), [[1, 2], [3, 4]]);
    assert.deepEqual(c.shape, [2, 2, 2]);
    assert.deepEqual(c.toDense().tolist(), [[[1, 0], [0, 2]], [[0, 3], [4, 0]]]);
    const hybrid = torch.sparseCsrTensor(long([[0, 1, 2], [0, 1, 2]]), long([[0, 1], [1, 0]]), [[[1, 2], [3, 0]], [[4, 4], [5, 0]]]);
    assert.deepEqual([hybrid.shape, hybrid.denseDim(), hybrid._nnz()], [[2, 2, 2, 2], 1, 2]);
    assert.deepEqual(hybrid.toDense().tolist(), [[[[1, 2], [0, 0]], [[0, 0], [3, 0]]], [[[0, 0], [4, 4]], [[5, 0], [0, 0]]]]);
    // Dense -> hybrid batched CSR keeps the rows with any nonzero in the dense part.
    const back = hybrid.toDense().toSparseCsr(1);
    assert.deepEqual([back.crowIndices().tolist(), back.colIndices().tolist(), back.values().tolist()],
      [hybrid.crowIndices().tolist(), hybrid.colIndices().tolist(), hybrid.values().tolist()]);
  });

  test("PyTorch's invariant checks for batches, in its words", () => {
    const c2 = long([[0, 1, 2], [0, 1, 2]]), p2 = long([[0, 1], [1, 0]]), v2 = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
    throwsMsg(() => torch.sparseCsrTensor(c2, p2, torch.tensor([1, 2]), [2, 2, 2]), "values must have dimensionality > sum of batch and block dimensionalities (=1 + 0) but got 1");
    throwsMsg(() => torch.sparseCsrTensor(c2, long([[0, 1], [1, 0], [0, 0]]), v2, [2, 2, 2]),
      "all batch dimensions of crow_indices (=[2]), col_indices (=[3]), and values (=[2]) must be equal to tensor batch dimensions (=[2])");
    throwsMsg(() => torch.sparseCsrTensor(c2, p2, v2, [3, 2, 2]),
      "all batch dimensions of crow_indices (=[2]), col_indices (=[2]), and values (=[2]) must be equal to tensor batch dimensions (=[3])");
    throwsMsg(() => torch.sparseCsrTensor(long([[0, 1, 2], [0, 1, 3]]), p2, v2, [2, 2, 2]), "`crow_indices[..., -1] == nnz` is not satisfied.");
    throwsMsg(() => torch.sparseCsrTensor(long([[0, 1, 2], [0, 2, 2]]), p2, v2, [2, 2, 2]),
      "`col_indices[..., crow_indices[..., i - 1]:crow_indices[..., i]] for all i = 1, ..., nrows are sorted and distinct along the last dimension values` is not satisfied.");
    throwsMsg(() => torch.sparseCsrTensor(c2, p2, v2, [2, 2, 2, 1]), "tensor dimensionality must be sum of batch, base, and dense dimensionalities (=1 + 2 + 0) but got 4");
    throwsMsg(() => torch.tensor([[[1, 0], [0, 0]], [[1, 1], [0, 0]]]).toSparseCsr(), "Expect the same number of specified elements per batch.");
    throwsMsg(() => dense().toSparseCsr(2), "number of dense dimensions must be in [0,1] range, but it is equal to 2");
  });
});

describe("batched CSR/CSC: conversions and math", () => {
  test("to COO makes the batch dims sparse; COO with 3 sparse dims refuses to_sparse_csr as PyTorch does", () => {
    const coo = dense().toSparseCsr().toSparse();
    assert.deepEqual([coo.sparseDim(), coo.isCoalesced()], [3, true]);
    assert.deepEqual(coo.indices().tolist(), [[0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1], [0, 2, 1, 1, 0, 2]]);
    assert.deepEqual(coo.toDense().tolist(), DENSE);
    throwsMsg(() => coo.toSparseCsr(), "Only tensors with two sparse dimensions can be converted to the SparseCsr layout, got self with 3 sparse dimensions.");
  });

  test("value ops keep the batched structure; gradients reach the values", () => {
    const c = dense().toSparseCsr();
    assert.deepEqual(c.mul(2).values().tolist(), [[2, 4, 6], [8, 10, 12]]);
    assert.deepEqual(c.neg().values().tolist(), [[-1, -2, -3], [-4, -5, -6]]);
    const sum = c.add(c);
    assert.deepEqual([sum.layout, sum.crowIndices().tolist(), sum.values().tolist()], [torch.sparseCsr, [[0, 2, 3], [0, 1, 3]], [[2, 4, 6], [8, 10, 12]]]);
    const v = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float64, requiresGrad: true });
    const x = torch.sparseCsrTensor(c.crowIndices(), c.colIndices(), v, [2, 2, 3]);
    x.toDense().mul(torch.arange(6, { dtype: torch.float64 }).reshape([2, 1, 3])).sum().backward();
    // d/dv of sum(dense * w): w at each value's column (batch 0 columns 0,2,1; batch 1 columns 1,0,2).
    assert.deepEqual(v.grad!.tolist(), [[0, 2, 1], [4, 3, 5]]);
    const z = dense().toSparseCsr();
    z.zero_();
    assert.deepEqual([z.crowIndices().tolist(), z.colIndices().shape, z.toDense().abs().sum().item()], [[[0, 0, 0], [0, 0, 0]], [2, 0], 0]);
  });
});
