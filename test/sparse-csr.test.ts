// Sparse compressed tensors (CSR/CSC): creation with PyTorch's invariant checks and messages,
// conversions, printing, arithmetic, products and their gradients, and the refusals of the other
// ops. Values and messages recorded from PyTorch 1.13 (CPU); where 1.13 needs MKL or has no
// autograd for the constructor (csr + csr, csr @ csr-pattern gradients), PyTorch 2.11's semantics,
// checked against the dense computation.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const DENSE = [[0, 1, 0, 2], [0, 0, 0, 0], [3, 0, 4, 0]];
const dense = (): T => torch.tensor(DENSE, { dtype: torch.float32 });
const csr = (): T => dense().toSparseCsr();

describe("sparse CSR/CSC: creation and inspection", () => {
  test("to_sparse_csr / to_sparse_csc of a dense tensor, and the members", () => {
    const c = csr();
    assert.equal(c.layout, torch.sparseCsr);
    assert.deepEqual([c.isSparse, c.isSparseCsr, c._nnz(), c.sparseDim(), c.denseDim()], [false, true, 4, 2, 0]);
    assert.deepEqual(c.crowIndices().tolist(), [0, 2, 2, 4]);
    assert.deepEqual(c.colIndices().tolist(), [1, 3, 0, 2]);
    assert.deepEqual(c.values().tolist(), [1, 2, 3, 4]);
    assert.equal(c.crowIndices().dtype, torch.int64);
    const k = dense().toSparseCsc();
    assert.equal(k.layout, torch.sparseCsc);
    assert.equal(k.isSparseCsr, false);
    assert.deepEqual([k.ccolIndices().tolist(), k.rowIndices().tolist(), k.values().tolist()], [[0, 1, 2, 3, 4], [2, 0, 2, 0], [3, 1, 4, 2]]);
    throwsMsg(() => c.rowIndices(), '"row_indices" expected sparse column compressed tensor layout but got SparseCsr');
    throwsMsg(() => c.ccolIndices(), '"ccol_indices" expected sparse column compressed tensor layout but got SparseCsr');
    throwsMsg(() => c.stride(), "Sparse CSR tensors do not have strides");
    throwsMsg(() => c.isContiguous(), "Sparse CSR tensors do not have is_contiguous");
  });

  test("printing follows PyTorch", () => {
    assert.equal(String(csr()), [
      "tensor(crow_indices=tensor([0, 2, 2, 4]),",
      "       col_indices=tensor([1, 3, 0, 2]),",
      "       values=tensor([1., 2., 3., 4.]), size=(3, 4), nnz=4,",
      "       layout=torch.sparse_csr)",
    ].join("\n"));
    assert.equal(String(torch.sparseCscTensor([0, 1, 1, 2], [1, 0], torch.tensor([5, 6], { dtype: torch.float32 }))), [
      "tensor(ccol_indices=tensor([0, 1, 1, 2]),",
      "       row_indices=tensor([1, 0]),",
      "       values=tensor([5., 6.]), size=(2, 3), nnz=2, layout=torch.sparse_csc)",
    ].join("\n"));
    assert.equal(String(torch.sparseCsrTensor([0, 1, 2], [0, 1], [1, 2], [2, 2], { dtype: torch.float64 })), [
      "tensor(crow_indices=tensor([0, 1, 2]),",
      "       col_indices=tensor([0, 1]),",
      "       values=tensor([1., 2.]), size=(2, 2), nnz=2, dtype=torch.float64,",
      "       layout=torch.sparse_csr)",
    ].join("\n"));
  });

  test("constructors infer the size, keep int32 indices, and build the same tensor", () => {
    const c = torch.sparseCsrTensor([0, 2, 2, 4], [1, 3, 0, 2], [1, 2, 3, 4]);
    assert.deepEqual(c.shape, [3, 4]);
    assert.deepEqual(c.toDense().tolist(), DENSE);
    const i32 = torch.sparseCsrTensor(torch.tensor([0, 1, 2], { dtype: torch.int32 }), torch.tensor([0, 1], { dtype: torch.int32 }), [1, 2]);
    assert.equal(i32.crowIndices().dtype, torch.int32);
    assert.deepEqual(i32.toSparseCsc().rowIndices().dtype, torch.int32);
    const hybrid = torch.sparseCsrTensor([0, 1], [0], [[1, 2]]);
    assert.deepEqual([hybrid.shape, hybrid.denseDim()], [[1, 1, 2], 1]);
    assert.deepEqual(hybrid.toDense().tolist(), [[[1, 2]]]);
    const viaLayout = torch.sparseCompressedTensor([0, 1, 1, 2], [1, 0], [5, 6], [2, 3], { layout: torch.sparseCsc });
    assert.deepEqual(viaLayout.toDense().tolist(), [[0, 0, 6], [5, 0, 0]]);
  });

  test("PyTorch's invariant checks, in its words", () => {
    const f = (c: number[], p: number[], v: number[], size?: number[]) => () => torch.sparseCsrTensor(c, p, v, size ?? null);
    throwsMsg(f([0, 2, 1], [0, 1], [1, 2], [2, 2]), "`crow_indices[..., -1] == nnz` is not satisfied.");
    throwsMsg(f([1, 2, 2], [0, 1], [1, 2], [2, 2]), "`crow_indices[..., 0] == 0` is not satisfied.");
    throwsMsg(f([0, 1, 2], [0, 3], [1, 2], [2, 2]), "`0 <= col_indices < ncols` is not satisfied.");
    throwsMsg(f([0, 2, 2], [1, 1], [1, 2], [2, 2]), "`col_indices[..., crow_indices[..., i - 1]:crow_indices[..., i]] for all i = 1, ..., nrows are sorted and distinct along the last dimension values` is not satisfied.");
    throwsMsg(f([0, 1, 2], [0, 1], [1, 2, 3], [2, 2]), "col_indices.shape[-1] must be equal to nnz (=3) as defined by values.shape[0], but got 2");
    throwsMsg(f([0, 1, 2], [0, 1], [1, 2], [3, 2]), "crow_indices.shape[-1] must be equal to the number of rows + 1 (=4), but got 3");
    throwsMsg(f([0, 1, 2], [0, 1], [1, 2], [2]), "tensor dimensionality must be sum of batch, base, and dense dimensionalities (=0 + 2 + 0) but got 1");
    throwsMsg(() => torch.sparseCsrTensor([0, 1, 2], torch.tensor([0, 1], { dtype: torch.int32 }), [1, 2]), "crow_indices and col_indices must have the same dtype, bot got Long and Int, respectively");
    throwsMsg(() => torch.sparseCsrTensor([[0, 1, 2]], [0, 1], [1, 2], [2, 2]), "crow_indices and col_indices dimensionalities must be equal but got 2 and 1, respectively");
    throwsMsg(() => torch.sparseCscTensor([0, 1, 2], [0, 2], [1, 2], [2, 2]), "`0 <= row_indices < nrows` is not satisfied.");
    throwsMsg(() => torch.tensor([[[1, 0], [0, 0]], [[1, 1], [0, 0]]]).toSparseCsr(), "Expect the same number of specified elements per batch.");
  });
});

describe("sparse CSR/CSC: conversions", () => {
  test("COO <-> CSR <-> CSC <-> dense agree", () => {
    const c = csr();
    const coo = c.toSparse();
    assert.equal(coo.layout, torch.sparseCoo);
    assert.deepEqual(coo.indices().tolist(), [[0, 0, 2, 2], [1, 3, 0, 2]]);
    assert.deepEqual(c.toSparseCoo().values().tolist(), [1, 2, 3, 4]);
    assert.deepEqual(coo.toSparseCsc().rowIndices().tolist(), [2, 0, 2, 0]);
    assert.deepEqual(c.toSparseCsc().toSparseCsr().colIndices().tolist(), [1, 3, 0, 2]);
    assert.deepEqual(c.toSparseCsc().toDense().tolist(), DENSE);
    assert.deepEqual(dense().toSparse({ layout: torch.sparseCsc }).ccolIndices().tolist(), [0, 1, 2, 3, 4]);
    // An uncoalesced COO tensor: duplicates summed on the way.
    const dup = torch.sparseCooTensor([[1, 0, 1], [2, 1, 2]], [1.5, -2, 3], [2, 3]);
    assert.deepEqual(dup.toSparseCsr().values().tolist(), [-2, 4.5]);
    assert.deepEqual(dup.toSparseCsr().crowIndices().tolist(), [0, 1, 2]);
    assert.deepEqual(c.double().values().dtype, torch.float64);
    assert.equal(c.t().layout, torch.sparseCsc);
    assert.deepEqual(c.t().toDense().tolist(), dense().t().tolist());
  });
});

describe("sparse CSR/CSC: math", () => {
  test("zero-preserving unary ops map the values; the others refuse as PyTorch does", () => {
    assert.deepEqual(csr().neg().values().tolist(), [-1, -2, -3, -4]);
    assert.deepEqual(csr().abs().layout, torch.sparseCsr);
    const sin = csr().sin().values().tolist() as number[];
    assert.ok(Math.abs(sin[3]! - Math.sin(4)) < 1e-6);
    throwsMsg(() => csr().exp(), "Could not run 'aten::exp' with arguments from the 'SparseCsrCPU' backend.");
    throwsMsg(() => csr().view(-1), "Could not run 'aten::view' with arguments from the 'SparseCsrCPU' backend.");
    const c = csr();
    assert.equal(c.neg_(), c);
    assert.deepEqual(c.values().tolist(), [-1, -2, -3, -4]);
  });

  test("scalar mul/div, csr * csr, csr + csr, dense + csr", () => {
    assert.deepEqual(csr().mul(2).values().tolist(), [2, 4, 6, 8]);
    assert.deepEqual(csr().div(2).values().tolist(), [0.5, 1, 1.5, 2]);
    assert.deepEqual(csr().mul(csr()).values().tolist(), [1, 4, 9, 16]);
    const other = torch.sparseCsrTensor([0, 1, 1, 2], [0, 2], [10, 20], [3, 4]);
    const sum = csr().add(other);
    assert.equal(sum.layout, torch.sparseCsr);
    assert.deepEqual(sum.toDense().tolist(), dense().add(other.toDense()).tolist());
    assert.deepEqual(csr().sub(other, { alpha: 2 }).toDense().tolist(), dense().sub(other.toDense(), { alpha: 2 }).tolist());
    assert.deepEqual(dense().add(csr()).tolist(), [[0, 2, 0, 4], [0, 0, 0, 0], [6, 0, 8, 0]]);
    const c = csr();
    c.mul_(3);
    assert.deepEqual(c.values().tolist(), [3, 6, 9, 12]);
    c.zero_();
    assert.deepEqual([c._nnz(), c.crowIndices().tolist()], [0, [0, 0, 0, 0]]);
  });

  test("mm / matmul / addmm / sparse.mm with a compressed operand", () => {
    const d = torch.ones([4, 2]);
    assert.deepEqual(torch.mm(csr(), d).tolist(), [[3, 3], [0, 0], [7, 7]]);
    assert.deepEqual(csr().matmul(torch.ones([4])).tolist(), [3, 0, 7]);
    assert.deepEqual(torch.mm(torch.ones([2, 3]), csr()).tolist(), [[3, 1, 4, 2], [3, 1, 4, 2]]);
    assert.deepEqual(torch.addmm(torch.ones([3, 2]), csr(), d).tolist(), [[4, 4], [1, 1], [8, 8]]);
    assert.deepEqual(torch.sparse.mm(csr().toSparseCsc(), d).tolist(), [[3, 3], [0, 0], [7, 7]]);
    throwsMsg(() => torch.mm(csr(), torch.ones([4, 2], { dtype: torch.float64 })), "expected scalar type Float but found Double");
    throwsMsg(() => torch.mm(csr(), torch.ones([3, 2])), "mat1 and mat2 shapes cannot be multiplied (3x4 and 3x2)");
  });

  test("gradients reach the values and the dense operand (PyTorch 2.11)", () => {
    const v = torch.tensor([1, 2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const c = torch.sparseCsrTensor([0, 2, 2, 4], [1, 3, 0, 2], v, [3, 4]);
    const d = torch.tensor([[1, 2], [3, 4], [5, 6], [7, 8]], { dtype: torch.float64, requiresGrad: true });
    torch.mm(c, d).sum().backward();
    // (g @ d^T) at the nonzeros (rows of g are ones: row sums of d at columns 1, 3, 0, 2), and c^T @ g.
    assert.deepEqual(v.grad!.tolist(), [7, 15, 3, 11]);
    assert.deepEqual(d.grad!.tolist(), [[3, 3], [1, 1], [4, 4], [2, 2]]);
    const leaf = dense().toSparseCsr().requiresGrad_();
    torch.mm(leaf, torch.ones([4, 2])).sum().backward();
    assert.equal(leaf.grad!.layout, torch.sparseCsr);
    assert.deepEqual(leaf.grad!.values().tolist(), [2, 2, 2, 2]);
    const w = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    torch.sparseCscTensor([0, 1, 2], [1, 0], w, [2, 2]).toDense().mul(torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64 })).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [3, 2]);
    const x = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    torch.sparseCsrTensor([0, 1, 2], [0, 1], x, [2, 2]).mul(3).sin().values().sum().backward();
    assert.deepEqual((x.grad!.tolist() as number[]).map((g) => Number(g.toFixed(6))), [3 * Math.cos(3), 3 * Math.cos(6)].map((g) => Number(g.toFixed(6))));
  });
});
