// Sparse COO tensors: creation with PyTorch's checks, inspection, coalescing, to_sparse/to_dense,
// printing, and the refusals of dense-only ops and views. Expected values from PyTorch 1.13 (CPU).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f32 = (v: number[]): T => torch.tensor(v, { dtype: torch.float32 });
const long = (v: number[][]): T => torch.tensor(v, { dtype: torch.int64 });
const I = (): T => long([[0, 1, 1], [2, 0, 2]]);
const S = (): T => torch.sparseCooTensor(I(), f32([3, 4, 5]), [2, 3]);

describe("sparse COO: creation and inspection", () => {
  test("a sparse tensor is a Tensor with the sparse_coo layout", () => {
    const s = S();
    assert.ok(s instanceof torch.Tensor);
    assert.equal(s.layout, torch.sparseCoo);
    assert.equal(String(s.layout), "torch.sparse_coo");
    assert.equal(s.isSparse, true);
    assert.equal(torch.ones([2]).isSparse, false);
    assert.deepEqual(s.shape, [2, 3]);
    assert.deepEqual([s.sparseDim(), s.denseDim(), s._nnz(), s.numel(), s.dim()], [2, 0, 3, 6, 2]);
    assert.equal(s.isCoalesced(), false);
    assert.deepEqual(s._indices().tolist(), [[0, 1, 1], [2, 0, 2]]);
    assert.deepEqual(s._values().tolist(), [3, 4, 5]);
    assert.deepEqual(s.toDense().tolist(), [[0, 0, 3], [4, 0, 5]]);
  });

  test("printing follows PyTorch", () => {
    assert.equal(String(S()), "tensor(indices=tensor([[0, 1, 1],\n                       [2, 0, 2]]),\n       values=tensor([3., 4., 5.]),\n       size=(2, 3), nnz=3, layout=torch.sparse_coo)");
    assert.equal(String(S().to(torch.float64)), "tensor(indices=tensor([[0, 1, 1],\n                       [2, 0, 2]]),\n       values=tensor([3., 4., 5.]),\n       size=(2, 3), nnz=3, dtype=torch.float64, layout=torch.sparse_coo)");
    assert.equal(String(torch.zeros([2, 3], { layout: torch.sparseCoo })), "tensor(indices=tensor([], size=(2, 0)),\n       values=tensor([], size=(0,)),\n       size=(2, 3), nnz=0, layout=torch.sparse_coo)");
    assert.equal(String(torch.sparseCooTensor(I(), f32([3, 4, 5]), [2, 3], { requiresGrad: true })), "tensor(indices=tensor([[0, 1, 1],\n                       [2, 0, 2]]),\n       values=tensor([3., 4., 5.]),\n       size=(2, 3), nnz=3, layout=torch.sparse_coo, requires_grad=True)");
  });

  test("size inference, dtype, hybrid values, nested arrays", () => {
    const s = torch.sparseCooTensor(I(), f32([3, 4, 5]));
    assert.deepEqual(s.shape, [2, 3]);
    assert.equal(torch.sparseCooTensor(I(), torch.tensor([1, 2, 3], { dtype: torch.int32 })).dtype, torch.int32);
    assert.equal(torch.sparseCooTensor(I(), f32([3, 4, 5]), [2, 3], { dtype: torch.float64 }).dtype, torch.float64);
    const h = torch.sparseCooTensor(long([[0, 1]]), torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 }));
    assert.deepEqual([h.shape, h.sparseDim(), h.denseDim()], [[2, 2], 1, 1]);
    assert.deepEqual(h.toDense().tolist(), [[1, 2], [3, 4]]);
    const n = torch.sparseCooTensor([[0, 1], [1, 0]], [1, 2]);
    assert.equal(n.dtype, torch.int64);
    assert.deepEqual(n.toDense().tolist(), [[0, 1], [2, 0]]);
    // float indices are cast to int64, as PyTorch does
    assert.equal(torch.sparseCooTensor(I().float(), f32([3, 4, 5]))._indices().dtype, torch.int64);
  });

  test("PyTorch's checks", () => {
    throwsMsg(() => torch.sparseCooTensor(long([[0, 1, 1]]).reshape([3]), f32([3, 4, 5])), "indices must be sparse_dim x nnz, but got: [3]");
    throwsMsg(() => torch.sparseCooTensor(I(), f32([3, 4]), [2, 3]), "indices and values must have same nnz, but got nnz from indices: 3, nnz from values: 2");
    throwsMsg(() => torch.sparseCooTensor(I(), f32([3, 4, 5]), [1, 3]), "size is inconsistent with indices: for dim 0, size is 1 but found index 1");
    throwsMsg(() => torch.sparseCooTensor(I(), f32([3, 4, 5]), [2, 2]), "size is inconsistent with indices: for dim 1, size is 2 but found index 2");
    throwsMsg(() => torch.sparseCooTensor(long([[-1, 0, 0], [0, 0, 0]]), f32([3, 4, 5]), [2, 3]), "found negative index -1 for dim 0");
    throwsMsg(() => torch.sparseCooTensor(I(), f32([3, 4, 5]), [2, 3, 4]), "number of dimensions must be sparse_dim (2) + dense_dim (0), but got 3");
    throwsMsg(() => torch.sparseCooTensor(I(), torch.ones([3, 2]), [2, 3, 3]), "values has incorrect size, expected [3, 3], got [3, 2]");
  });

  test("coalesce sums duplicates and sorts; indices()/values() need it", () => {
    const u = torch.sparseCooTensor(long([[1, 0, 1], [0, 2, 0]]), f32([3, 4, 5]));
    throwsMsg(() => u.indices(), "Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
    throwsMsg(() => u.values(), "Cannot get values on an uncoalesced tensor, please call .coalesce() first");
    const c = u.coalesce();
    assert.equal(c.isCoalesced(), true);
    assert.deepEqual(c.indices().tolist(), [[0, 1], [2, 0]]);
    assert.deepEqual(c.values().tolist(), [4, 8]);
    assert.equal(c.coalesce(), c);
    // nnz <= 1 counts as coalesced
    assert.equal(torch.sparseCooTensor(long([[0], [2]]), f32([1])).isCoalesced(), true);
  });

  test("to_sparse / to_sparse_coo / sparse_mask", () => {
    const d = torch.tensor([[0, 1], [2, 0]], { dtype: torch.float32 });
    const s = d.toSparse();
    assert.deepEqual([s._indices().tolist(), s._values().tolist(), s.isCoalesced()], [[[0, 1], [1, 0]], [1, 2], true]);
    const h = d.toSparse(1);
    assert.deepEqual([h._indices().tolist(), h._values().tolist()], [[[0, 1]], [[0, 1], [2, 0]]]);
    assert.deepEqual(torch.zeros([2, 3]).toSparseCoo()._indices().shape, [2, 0]);
    throwsMsg(() => d.toSparse(3), "sparse_dim must be less than or equal to self.dim()");
    const m = torch.ones([2, 3]).mul(7).sparseMask(S().coalesce());
    assert.deepEqual([m._indices().tolist(), m._values().tolist()], [[[0, 1, 1], [2, 0, 2]], [7, 7, 7]]);
    throwsMsg(() => torch.ones([2, 3]).sparseMask(S()), "sparse_mask: mask is uncoalesced");
  });

  test("zeros/empty with layout=torch.sparse_coo; ones refuses", () => {
    const z = torch.zeros([2, 3], { layout: torch.sparseCoo, dtype: torch.float64 });
    assert.deepEqual([z._nnz(), z.dtype, z.isCoalesced()], [0, torch.float64, true]);
    assert.equal(torch.empty([2, 3], { layout: torch.sparseCoo })._nnz(), 0);
    throwsMsg(() => torch.ones([2, 3], { layout: torch.sparseCoo }), "full(...) is not implemented for sparse layout");
  });

  test("clone, detach, to(dtype) keep the sparse layout", () => {
    const s = S();
    for (const t of [s.clone(), s.detach(), s.double(), s.to(torch.int64)]) {
      assert.equal(t.isSparse, true);
      assert.deepEqual(t._indices().tolist(), [[0, 1, 1], [2, 0, 2]]);
      assert.deepEqual(t._values().tolist(), [3, 4, 5]);
    }
    assert.equal(s.double().dtype, torch.float64);
  });

  test("dense members on a dense tensor refuse as PyTorch", () => {
    const d = torch.ones([2, 3]);
    throwsMsg(() => d.indices(), "Could not run 'aten::indices' with arguments from the 'CPU' backend");
    throwsMsg(() => d._nnz(), "Could not run 'aten::_nnz' with arguments from the 'CPU' backend");
    throwsMsg(() => d.sparseDim(), "Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend");
    throwsMsg(() => d.coalesce(), "Could not run 'aten::is_coalesced' with arguments from the 'CPU' backend");
  });

  test("dense ops, views and storage access refuse a sparse tensor, naming the op", () => {
    const s = S();
    throwsMsg(() => s.exp(), "Could not run 'aten::exp' with arguments from the 'SparseCPU' backend.");
    throwsMsg(() => torch.exp(s), "Could not run 'aten::exp' with arguments from the 'SparseCPU' backend.");
    throwsMsg(() => s.view(6), "Could not run 'aten::view' with arguments from the 'SparseCPU' backend.");
    throwsMsg(() => s.reshape(6), "reshape is not implemented for sparse tensors");
    throwsMsg(() => s.stride(), "Sparse tensors do not have strides");
    throwsMsg(() => s.tolist(), "Cannot access data pointer of Tensor that doesn't have storage");
    throwsMsg(() => s.toSparse(), "Could not run 'aten::to_sparse' with arguments from the 'SparseCPU' backend.");
    assert.throws(() => s.sum(), /'SparseCPU' backend/);
    assert.throws(() => s.asStrided([2], [1]), /'SparseCPU' backend/);
    assert.throws(() => s.to("webgpu"), /CPU only/);
  });

  test("out of scope: safetensors refuse clearly; block layouts check their blocksize", () => {
    const d = torch.ones([2, 3]);
    assert.throws(() => d.toSparseBsc([1, 2]), /Tensor size\(-1\) 3 needs to be divisible by blocksize\[1\] 2/);
    assert.throws(() => torch.safetensors.save({ s: S() }), /is sparse/);
  });
});
