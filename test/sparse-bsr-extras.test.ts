// The remaining compressed-tensor names: torch.sum of CSR (full, and along dims as PyTorch 2.x's
// _sparse_csr_sum: keepdim only, CSR result), torch.sparse.sampledAddmm, torch.sparse.spdiags, the
// *_copy names and the old product names (spmm, dsmm, hsmm, saddmm). Values and messages recorded
// from PyTorch 1.13 (CPU) where it has them; the sums along dims (1.13 has none) are checked
// against the dense computation.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const DENSE = [[0, 1, 0, 2], [0, 0, 0, 0], [3, 0, 4, 0]];
const csr = (): T => torch.tensor(DENSE, { dtype: torch.float32 }).toSparseCsr();
const long = (v: number[]): T => torch.tensor(v, { dtype: torch.int64 });
const parts = (c: T): unknown[] => [c.shape, c.crowIndices().tolist(), c.colIndices().tolist(), c.values().tolist()];

describe("torch.sum of compressed tensors", () => {
  test("full sum is the values' sum (every layout); along dims a CSR result of PyTorch's shape", () => {
    assert.equal(torch.sum(csr()).item(), 10);
    assert.equal(csr().toSparseBsr([1, 1]).sum().item(), 10);
    assert.equal(torch.sum(torch.tensor([[1, 0], [0, 2]], { dtype: torch.int32 }).toSparseCsr()).dtype, torch.int64);
    assert.deepEqual(parts(torch.sum(csr(), 0, true)), [[1, 4], [0, 4], [0, 1, 2, 3], [3, 1, 4, 2]]);
    assert.deepEqual(parts(csr().sum(1, true)), [[3, 1], [0, 1, 1, 2], [0, 0], [3, 7]]);
    assert.deepEqual(parts(csr().sum([0, 1], true)), [[1, 1], [0, 1], [0], [10]]);
    assert.deepEqual(torch.sum(csr(), -1, true).toDense().tolist(), torch.tensor(DENSE).sum(1, true).tolist());
    throwsMsg(() => torch.sum(csr(), 0), "reduction operations on CSR tensors with keepdim=False is unsupported");
    throwsMsg(() => torch.sum(csr().toSparseCsc(), 0, true), "Currently the only compressed sparse format supported for sum.dim_IntList is CSR, but got layout SparseCsc");
  });

  test("gradients of the sums reach the values", () => {
    const v = torch.tensor([1, 2, 3, 4], { dtype: torch.float64, requiresGrad: true });
    const c = torch.sparseCsrTensor(long([0, 2, 2, 4]), long([1, 3, 0, 2]), v, [3, 4]);
    c.sum(0, true).values().mul(torch.tensor([1, 10, 100, 1000], { dtype: torch.float64 })).sum().backward();
    // Columns of the stored values: 1, 3, 0, 2.
    assert.deepEqual(v.grad!.tolist(), [10, 1000, 1, 100]);
  });
});

describe("torch.sparse.sampledAddmm and spdiags", () => {
  test("sampled_addmm: the product at the input's pattern (PyTorch 1.13's numbers and messages)", () => {
    const a = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: torch.float32 });
    const b = torch.tensor([[1, 0, 1, 2], [0, 1, 1, 0]], { dtype: torch.float32 });
    assert.deepEqual(parts(torch.sparse.sampledAddmm(csr(), a, b)), [[3, 4], [0, 2, 2, 4], [1, 3, 0, 2], [3, 4, 8, 15]]);
    assert.deepEqual(torch.sparse.sampledAddmm(csr(), a, b, { beta: 0.5, alpha: 2 }).values().tolist(), [4.5, 5, 11.5, 24]);
    throwsMsg(() => torch.sparse.sampledAddmm(csr(), a, b.double()), "sampled_addmm: Expected mat1 and mat2 to have the same dtype, but got Float and Double");
    throwsMsg(() => torch.sparse.sampledAddmm(csr(), a, b.narrow(0, 0, 1)), "sampled_addmm: mat1 and mat2 shapes cannot be multiplied (3x2 and 1x4)");
    throwsMsg(() => torch.sparse.sampledAddmm(csr().toSparseCsc(), a, b), "sampled_addmm: Expected result to have sparse csr layout, but got SparseCsc");
    throwsMsg(() => torch.sparse.sampledAddmm(csr(), a.toSparseCsr(), b), "sampled_addmm: Expected mat1 to have strided layout, but got SparseCsr");
    throwsMsg(() => torch.sparse.sampledAddmm(torch.tensor(DENSE, { dtype: torch.float32 }), a, b), "Could not run 'aten::sparse_sampled_addmm' with arguments from the 'CPU' backend.");
    // Gradients reach mat1 (g at the pattern times mat2's columns).
    const a2 = a.double().requiresGrad_(true);
    torch.sparse.sampledAddmm(csr().double(), a2, b.double()).values().sum().backward();
    assert.deepEqual(a2.grad!.tolist(), torch.tensor(DENSE).gt(0).double().mm(b.double().t()).tolist());
  });

  test("spdiags: COO by default, CSR/CSC on request, PyTorch 1.13's values and messages", () => {
    const d = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float32 });
    const coo = torch.sparse.spdiags(d, long([0, -1]), [3, 3]);
    assert.deepEqual([coo.layout, coo._indices().tolist(), coo._values().tolist()], [torch.sparseCoo, [[0, 1, 2, 1, 2], [0, 1, 2, 0, 1]], [1, 2, 3, 4, 5]]);
    assert.deepEqual(parts(torch.sparse.spdiags(d, long([0, 1]), [2, 4], torch.sparseCsr)), [[2, 4], [0, 2, 4], [0, 1, 1, 2], [1, 5, 2, 6]]);
    assert.deepEqual(torch.sparse.spdiags(torch.tensor([1, 2, 3], { dtype: torch.float32 }), torch.tensor(1), [3, 3])._values().tolist(), [2, 3]);
    throwsMsg(() => torch.sparse.spdiags(d, long([0, 0]), [3, 3]), "Offset tensor contains duplicate values");
    throwsMsg(() => torch.sparse.spdiags(d, long([0]), [3, 3]), "Number of diagonals (2) does not match the number of offsets (1)");
    throwsMsg(() => torch.sparse.spdiags(d, long([0, 1]), [3]), "Output shape must be 2d");
    throwsMsg(() => torch.sparse.spdiags(d.narrow(0, 0, 1), long([0]), [3, 3], torch.sparseBsr), "Only output layouts (Sparse, SparseCsc, SparseCsr) are supported, got SparseBsr");
    throwsMsg(() => torch.sparse.spdiags(d.narrow(0, 0, 1), torch.tensor([0], { dtype: torch.float32 }), [3, 3]), "Offset Tensor must have dtype Long but got Float");
  });
});

describe("*_copy names and the old product names", () => {
  test("copies are new tensors with the members' values", () => {
    const c = csr();
    const crow = torch.crowIndicesCopy(c);
    assert.deepEqual([crow.tolist(), torch.colIndicesCopy(c).tolist(), torch.valuesCopy(c).tolist()], [[0, 2, 2, 4], [1, 3, 0, 2], [1, 2, 3, 4]]);
    crow.fill_(7);
    assert.deepEqual(c.crowIndices().tolist(), [0, 2, 2, 4]);
    const k = c.toSparseCsc();
    assert.deepEqual([torch.ccolIndicesCopy(k).tolist(), torch.rowIndicesCopy(k).tolist()], [[0, 1, 2, 3, 4], [2, 0, 2, 0]]);
    throwsMsg(() => torch.rowIndicesCopy(c), '"row_indices" expected sparse column compressed tensor layout but got SparseCsr');
    const s = torch.sparseCooTensor([[0, 1], [1, 0]], [1, 2], [2, 3]);
    throwsMsg(() => torch.indicesCopy(s), "Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
    assert.deepEqual([torch.indicesCopy(s.coalesce()).tolist(), torch.valuesCopy(s.coalesce()).tolist()], [[[0, 1], [1, 0]], [1, 2]]);
  });

  test("spmm / dsmm are mm, hsmm is hspmm, saddmm is sspaddmm (PyTorch 1.13)", () => {
    const s = torch.tensor(DENSE, { dtype: torch.float32 }).toSparse();
    const b = torch.tensor([[1, 0, 1, 2], [0, 1, 1, 0]], { dtype: torch.float32 }).t();
    const h = torch.hsmm(s, b);
    assert.deepEqual([h._indices().tolist(), h._values().tolist()], [[[0, 2]], [[4, 1], [7, 4]]]);
    assert.deepEqual(torch.dsmm(s, torch.eye(4)).tolist(), DENSE);
    assert.deepEqual(torch.spmm(s, torch.eye(4)).tolist(), DENSE);
    const r = torch.saddmm(s, s, torch.eye(4));
    assert.deepEqual(r._indices().tolist(), [[0, 0, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2], [1, 3, 0, 2, 0, 1, 2, 3, 0, 1, 2, 3]]);
    assert.deepEqual(r._values().tolist(), [1, 2, 3, 4, 0, 1, 0, 2, 3, 0, 4, 0]);
  });
});

describe("sparse COO resizes", () => {
  const coo = (): T => torch.sparseCooTensor([[0, 1], [1, 0]], [1, 2], [2, 3]);
  const alternatives = "\nYou could try the following options:\n1. If you need an empty sparse tensor of this size, call `x = torch.sparse_coo_tensor(size)`.\n"
    + "2. If you need to resize this tensor, you have the following options:\n"
    + "    1. For both sparse and dense dimensions, keep the number of them constant and the size of them non-shrinking, and then try the same call again.\n"
    + "    2. Or, create a new sparse tensor with the correct indices and values from this sparse tensor.";

  test("sparse_resize_ grows sparse dims; shrinking or re-splitting a non-empty tensor refuses (PyTorch 1.13)", () => {
    const s = coo();
    assert.equal(s.sparseResize_([3, 4], 2, 0), s);
    assert.deepEqual([s.shape, s._indices().tolist(), s.toDense().tolist()], [[3, 4], [[0, 1], [1, 0]], [[0, 1, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0]]]);
    throwsMsg(() => coo().sparseResize_([1, 4], 2, 0), `shrinking the size of sparse dimensions (from [2, 3] to [1, 4]) on a non-empty sparse tensor is not supported.${alternatives}`);
    throwsMsg(() => coo().sparseResize_([3, 4], 1, 1), `changing the number of sparse dimensions (from 2 to 1) on a non-empty sparse tensor is not supported.${alternatives}`);
    // PyTorch 2.11's wording (1.13: "number of dimensions must be sparse_dim (2) + dense_dim (0), but got 3").
    throwsMsg(() => coo().sparseResize_([3, 4, 1], 2, 0), "'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = 3, sparse_dim = 2, dense_dim = 0");
  });

  test("sparse_resize_and_clear_ and resize_as_sparse_ (PyTorch 1.13)", () => {
    const c = coo().sparseResizeAndClear_([3, 4], 1, 1);
    assert.deepEqual([c.shape, c._nnz(), c.sparseDim(), c._indices().shape, c._values().shape], [[3, 4], 0, 1, [1, 0], [0, 4]]);
    const r = coo().resizeAsSparse_(torch.zeros([4, 5]).toSparse());
    assert.deepEqual([r.shape, r._values().tolist()], [[4, 5], [1, 2]]);
    assert.deepEqual(torch.resizeAsSparse_(coo(), torch.zeros([2, 6]).toSparse()).shape, [2, 6]);
    assert.throws(() => torch.zeros([2]).sparseResize_([3], 1, 0), /Could not run 'aten::sparse_resize_' with arguments from the 'CPU' backend/);
  });
});
