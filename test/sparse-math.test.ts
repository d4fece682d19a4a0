// Sparse COO arithmetic and products against PyTorch 1.13 (CPU): add/sub merge the index lists,
// mul/div by scalars and dense tensors, sparse * sparse intersects, zero-preserving unary ops,
// torch.sparse.sum / mm / addmm, torch.mm / matmul / mv / addmm with a sparse first operand.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f32 = (v: number[]): T => torch.tensor(v, { dtype: torch.float32 });
const long = (v: number[][]): T => torch.tensor(v, { dtype: torch.int64 });
const S = (): T => torch.sparseCooTensor(long([[0, 0, 1], [2, 2, 0]]), f32([3, 4, -5]), [2, 3]);
const U = (): T => torch.sparseCooTensor(long([[1], [1]]), f32([9]), [2, 3]);
const D = (): T => torch.arange(6, { dtype: torch.float32 }).reshape(3, 2);

/** indices, values and the coalesced flag as PyTorch shows them (_indices/_values). */
function raw(t: T, indices: number[][], values: unknown, coalesced: boolean, tol = 1e-6): void {
  assert.equal(t.isSparse, true);
  assert.deepEqual(t._indices().tolist(), indices);
  closeNested(t._values().tolist(), values, tol);
  assert.equal(t.isCoalesced(), coalesced);
}

describe("sparse COO arithmetic", () => {
  test("sparse + sparse merges the index lists (PyTorch's order and flags)", () => {
    raw(S().add(U()), [[0, 0, 1, 1], [2, 2, 0, 1]], [3, 4, -5, 9], false);
    raw(S().add(S()), [[0, 0, 1], [2, 2, 0]], [6, 8, -10], false);
    raw(S().coalesce().add(U()), [[0, 1, 1], [2, 0, 1]], [7, -5, 9], true);
    raw(torch.add(U(), S(), { alpha: 2 }), [[0, 0, 1, 1], [2, 2, 0, 1]], [6, 8, -10, 9], false);
    raw(S().sub(U()), [[0, 0, 1, 1], [2, 2, 0, 1]], [3, 4, -5, -9], false);
  });

  test("dense + sparse is dense; sparse + dense refuses", () => {
    assert.deepEqual(torch.ones([2, 3]).add(S()).tolist(), [[1, 1, 8], [-4, 1, 1]]);
    assert.deepEqual(torch.sub(torch.ones([2, 3]), S(), { alpha: 2 }).tolist(), [[1, 1, -13], [11, 1, 1]]);
    throwsMsg(() => S().add(torch.ones([2, 3])), "add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
    throwsMsg(() => S().add(1), "add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
    throwsMsg(() => S().add(torch.sparseCooTensor(long([[0]]), f32([1]), [3])), "add: expected sizes of 'self' and 'other' to match, but [2, 3] != [3]");
  });

  test("in-place: dense += sparse, sparse += sparse", () => {
    const w = torch.zeros([2, 3]);
    w.add_(S());
    assert.deepEqual(w.tolist(), [[0, 0, 7], [-5, 0, 0]]);
    const a = S();
    a.add_(U());
    raw(a, [[0, 0, 1, 1], [2, 2, 0, 1]], [3, 4, -5, 9], false);
  });

  test("mul / div by scalars and dense tensors keep the pattern", () => {
    raw(S().mul(2.5), [[0, 0, 1], [2, 2, 0]], [7.5, 10, -12.5], false);
    raw(S().div(2), [[0, 0, 1], [2, 2, 0]], [1.5, 2, -2.5], false);
    raw(S().mul(torch.tensor(3, { dtype: torch.float32 })), [[0, 0, 1], [2, 2, 0]], [9, 12, -15], false);
    raw(S().mul(torch.arange(6, { dtype: torch.float32 }).reshape(2, 3)), [[0, 0, 1], [2, 2, 0]], [6, 8, -15], false);
    raw(torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).mul(S()), [[0, 0, 1], [2, 2, 0]], [6, 8, -15], false);
    raw(S().mul(f32([1, 2, 3])), [[0, 0, 1], [2, 2, 0]], [9, 12, -5], false);
    throwsMsg(() => S().div(torch.ones([2, 3])), "Sparse division requires a scalar or zero-dim dense tensor divisor (got shape [2, 3] for divisor)");
  });

  test("sparse * sparse is the intersection", () => {
    const p = S().mul(torch.sparseCooTensor(long([[0, 1], [2, 1]]), f32([2, 7]), [2, 3])).coalesce();
    raw(p, [[0], [2]], [14], true);
    throwsMsg(() => S().mul(torch.sparseCooTensor(long([[0], [0]]), f32([1]), [3, 3])), "sparse_binary_op_intersection_cpu(): expects sparse inputs with equal dimensionality, number of sparse dimensions, and shape of sparse dimensions");
  });

  test("unary ops: neg keeps duplicates, the others coalesce first", () => {
    raw(S().neg(), [[0, 0, 1], [2, 2, 0]], [-3, -4, 5], false);
    raw(S().abs(), [[0, 1], [2, 0]], [7, 5], true);
    raw(torch.sqrt(S()), [[0, 1], [2, 0]], [2.6457512378692627, NaN], true);
    raw(S().tanh(), [[0, 1], [2, 0]], [0.9999983310699463, -0.9999092221260071], true);
    throwsMsg(() => S().exp(), "Could not run 'aten::exp' with arguments from the 'SparseCPU' backend.");
  });

  test("transpose swaps sparse dims", () => {
    raw(S().t(), [[2, 2, 0], [0, 0, 1]], [3, 4, -5], false);
    raw(S().transpose(0, 1), [[2, 2, 0], [0, 0, 1]], [3, 4, -5], false);
  });

  test("torch.sparse.sum", () => {
    raw(torch.sparse.sum(S(), 0), [[0, 2]], [-5, 7], true);
    raw(torch.sparse.sum(S(), 1), [[0, 1]], [7, -5], true);
    assert.equal(torch.sparse.sum(S()).item(), 2);
    assert.equal(torch.sparse.sum(S(), [0, 1]).item(), 2);
    const h = torch.sparseCooTensor(long([[0, 2, 0]]), torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: torch.float32 }), [3, 2]);
    assert.deepEqual(torch.sparse.sum(h, 0).tolist(), [9, 12]);
    raw(torch.sparse.sum(h, 1), [[0, 2]], [14, 7], true);
  });

  test("sparse @ dense", () => {
    const mm = [[28, 35], [0, -5]];
    assert.deepEqual(torch.sparse.mm(S(), D()).tolist(), mm);
    assert.deepEqual(torch.mm(S(), D()).tolist(), mm);
    assert.deepEqual(torch.matmul(S(), D()).tolist(), mm);
    assert.deepEqual(torch.mv(S(), f32([1, 2, 3])).tolist(), [21, -5]);
    assert.deepEqual(torch.matmul(S(), f32([1, 2, 3])).tolist(), [21, -5]);
    const add = [[86, 107], [2, -13]];
    assert.deepEqual(torch.sparse.addmm(torch.ones([2, 2]), S(), D(), { beta: 2, alpha: 3 }).tolist(), add);
    assert.deepEqual(torch.addmm(torch.ones([2, 2]), S(), D(), { beta: 2, alpha: 3 }).tolist(), add);
    throwsMsg(() => torch.sparse.mm(S(), torch.ones([2, 2])), "addmm: Argument #3 (dense): Expected dim 0 size 3, got 2");
    throwsMsg(() => torch.mm(S(), torch.ones([3, 2], { dtype: torch.float64 })), "expected scalar type Float but found Double");
  });

  test("torch.sparse.softmax / logSoftmax over the nonzeros (values and gradients)", () => {
    const s = torch.sparseCooTensor(long([[0, 0, 1, 1, 1], [2, 0, 0, 2, 2]]), f32([3, 4, -5, 1, 0.5]), [2, 3]);
    raw(torch.sparse.softmax(s, 0), [[0, 0, 1, 1], [0, 2, 0, 2]], [0.9998766183853149, 0.8175744414329529, 0.00012339458044152707, 0.18242551386356354], true);
    raw(torch.sparse.logSoftmax(s, 0), [[0, 0, 1, 1], [0, 2, 0, 2]], [-0.00012350082397460938, -0.20141339302062988, -9.000123977661133, -1.7014133930206299], true);
    raw(torch.sparse.softmax(s, 1), [[0, 0, 1, 1], [0, 2, 0, 2]], [0.7310585975646973, 0.2689414322376251, 0.0015011822106316686, 0.998498797416687], true);
    raw(torch.sparse.logSoftmax(s, 1), [[0, 0, 1, 1], [0, 2, 0, 2]], [-0.3132615089416504, -1.3132615089416504, -6.501502513885498, -0.001502394676208496], true);
    const h = torch.sparseCooTensor(long([[0, 2]]), torch.tensor([[1, 2], [3, 5]], { dtype: torch.float32 }), [3, 2]);
    closeNested(torch.sparse.softmax(h, 0)._values().tolist(), [[0.11920291185379028, 0.04742587357759476], [0.8807970285415649, 0.9525741338729858]], 1e-6);
    closeNested(torch.sparse.softmax(h, 1)._values().tolist(), [[0.2689414322376251, 0.7310585975646973], [0.11920291185379028, 0.8807970285415649]], 1e-6);
    assert.equal(torch.sparse.softmax(s, 1, { dtype: torch.float64 }).dtype, torch.float64);
    const weights = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    let x = s.clone().requiresGrad_();
    let r = torch.sparse.softmax(x, 1);
    assert.equal(r.gradFn?.name(), "SparseSoftmaxBackward0");
    r.toDense().mul(weights).sum().backward();
    closeNested(x.grad!.coalesce().values().tolist(), [-0.3932238817214966, 0.3932238817214966, -0.002997857518494129, 0.002997659845277667], 1e-6);
    x = s.clone().requiresGrad_();
    r = torch.sparse.logSoftmax(x, 0);
    assert.equal(r.gradFn?.name(), "SparseLogSoftmaxBackward0");
    r.toDense().mul(weights).sum().backward();
    closeNested(x.grad!.coalesce().values().tolist(), [-2.999629497528076, -3.723020553588867, 2.9996297359466553, 3.7230215072631836], 1e-6);
  });
});
