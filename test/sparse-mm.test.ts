// Sparse COO products with sparse results (torch.sparse.mm / torch.mm of two sparse matrices,
// torch.smm, torch.hspmm, torch.sspaddmm) and the in-place ops on sparse tensors. Expected values
// and messages recorded from PyTorch 1.13 (CPU).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f32 = (v: number[]): T => torch.tensor(v, { dtype: torch.float32 });
const S = (size = [2, 3]): T => torch.sparseCooTensor([[0, 1, 1], [2, 0, 2]], f32([3, 4, 5]), size);
const B = (): T => torch.sparseCooTensor([[0, 2, 2], [1, 0, 1]], f32([1, 2, 3]), [3, 2]);

describe("sparse @ sparse", () => {
  test("torch.sparse.mm / torch.mm / matmul give a coalesced sparse product", () => {
    for (const r of [torch.sparse.mm(S(), B()), torch.mm(S(), B()), S().matmul(B())]) {
      assert.equal(r.layout, torch.sparseCoo);
      assert.equal(r.isCoalesced(), true);
      assert.deepEqual(r.toDense().tolist(), [[6, 9], [10, 19]]);
    }
    throwsMsg(() => torch.sparse.mm(S(), S()), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  });

  test("torch.sparse.mm differentiates both (SparseSparseMatmulBackward0); torch.mm refuses sparse gradients", () => {
    const a = torch.sparseCooTensor([[0, 1, 1], [2, 0, 2]], f32([3, 4, 5]), [2, 3], { requiresGrad: true });
    const b = torch.sparseCooTensor([[0, 2, 2], [1, 0, 1]], f32([1, 2, 3]), [3, 2], { requiresGrad: true });
    const r = torch.sparse.mm(a, b);
    assert.equal(r.gradFn!.name(), "SparseSparseMatmulBackward0");
    r.toDense().sum().backward();
    assert.deepEqual([a.grad!._indices().tolist(), a.grad!._values().tolist()], [[[0, 1, 1], [2, 0, 2]], [5, 1, 5]]);
    assert.deepEqual([b.grad!._indices().tolist(), b.grad!._values().tolist()], [[[0, 2, 2], [1, 0, 1]], [4, 8, 8]]);
    throwsMsg(() => torch.mm(a, b), "The backward pass for this operation requires the 'mat2' tensor to be strided, but a sparse tensor was given instead. Please either use a strided tensor or set requires_grad=False for 'mat2'");
  });
});

describe("smm, hspmm, sspaddmm", () => {
  const S3 = (): T => S([3, 3]);
  const D = (): T => torch.tensor([[1, 0], [0, 0], [2, 0]], { dtype: torch.float32 });

  test("values and layouts as PyTorch's", () => {
    const h = torch.hspmm(S3(), D());
    assert.deepEqual([h.sparseDim(), h._indices().tolist(), h._values().tolist(), h.shape, h.isCoalesced()], [1, [[0, 1]], [[6, 0], [14, 0]], [3, 2], false]);
    const m = torch.smm(S3(), D());
    assert.deepEqual([m._indices().tolist(), m._values().tolist()], [[[0, 0, 1, 1], [0, 1, 0, 1]], [6, 0, 14, 0]]);
    const input = torch.sparseCooTensor([[2], [1]], f32([1]), [3, 2]);
    const r = torch.sspaddmm(input, S3(), D(), { beta: 2, alpha: 3 });
    assert.deepEqual([r._indices().tolist(), r._values().tolist(), r.isCoalesced()], [[[2, 0, 0, 1, 1], [1, 0, 1, 0, 1]], [2, 18, 0, 42, 0], false]);
    // The Tensor methods (PyTorch has x.smm and x.sspaddmm; hspmm is a function only).
    assert.deepEqual(S3().smm(D())._values().tolist(), m._values().tolist());
    assert.deepEqual(input.sspaddmm(S3(), D(), { beta: 2, alpha: 3 })._values().tolist(), r._values().tolist());
  });

  test("bad shapes refuse; no derivative, as in PyTorch", () => {
    throwsMsg(() => torch.hspmm(S3(), torch.ones([2, 2])), "hspmm: Argument #3: Expected dim 0 size 3, got 2");
    throwsMsg(() => torch.smm(S3(), torch.ones([2, 2])), "sspaddmm: Argument #3: Expected dim 0 size 3, got 2"); // smm is sspaddmm in PyTorch 1.13
    const a = torch.sparseCooTensor([[0, 1, 1], [2, 0, 2]], f32([3, 4, 5]), [3, 3], { requiresGrad: true });
    assert.throws(() => torch.smm(a, D()).toDense().sum().backward(), /derivative for aten::sspaddmm is not implemented/);
  });
});

describe("in-place ops on sparse COO tensors", () => {
  test("mul_/div_ by scalars, add_ of a sparse tensor, zero_", () => {
    const s = S();
    assert.equal(s.mul_(2), s);
    assert.deepEqual(s._values().tolist(), [6, 8, 10]);
    assert.deepEqual(S().div_(2)._values().tolist(), [1.5, 2, 2.5]);
    assert.deepEqual(S().add_(S()).toDense().tolist(), [[0, 0, 6], [8, 0, 10]]);
    const z = S().zero_();
    assert.deepEqual([z._nnz(), z.shape], [0, [2, 3]]);
  });

  test("neg_ keeps duplicates; the other unary ops need a coalesced tensor, as PyTorch says", () => {
    const dup = (): T => torch.sparseCooTensor([[0, 0], [1, 1]], f32([4, 9]), [2, 2]);
    assert.deepEqual(dup().neg_()._values().tolist(), [-4, -9]);
    throwsMsg(() => dup().abs_(), "abs_ requires coalesced input");
    throwsMsg(() => dup().sqrt_(), "sqrt_ requires coalesced input");
    assert.deepEqual(dup().coalesce().sqrt_()._values().tolist(), [Math.sqrt(13)].map((v) => Math.fround(v)));
    assert.deepEqual(S().coalesce().abs_().neg_()._values().tolist(), [-3, -4, -5]);
    throwsMsg(() => S().coalesce().exp_(), "Could not run 'aten::exp_' with arguments from the 'SparseCPU' backend.");
  });

  test("copy_ between sparse tensors; dense <-> sparse refuses", () => {
    const s = S();
    s.copy_(S().coalesce().mul(2));
    assert.deepEqual([s._indices().tolist(), s._values().tolist(), s.isCoalesced()], [[[0, 1, 1], [2, 0, 2]], [6, 8, 10], true]);
    assert.throws(() => S().copy_(torch.ones([2, 3])), /copy_\(\) between dense and sparse Tensors is not implemented/);
    const leaf = torch.sparseCooTensor([[0], [0]], f32([1]), [2, 3], { requiresGrad: true });
    assert.throws(() => leaf.mul_(2), /a leaf Variable that requires grad/);
  });
});
