// Autograd through sparse COO tensors, against PyTorch 1.13 (CPU): gradients reach the values of
// sparseCooTensor, a sparse leaf's gradient is sparse (compared after coalesce), the dense operand
// of mm gets a dense one, and two backward passes accumulate.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f32 = (v: number[], requiresGrad = false): T => torch.tensor(v, { dtype: torch.float32, requiresGrad });
const I = (): T => torch.tensor([[0, 0, 1], [2, 2, 0]], { dtype: torch.int64 });
const leaf = (): T => torch.sparseCooTensor(I(), f32([3, 4, -5]), [2, 3]).requiresGrad_();
const ar = (r: number, c: number, requiresGrad = false): T => torch.arange(r * c, { dtype: torch.float32 }).reshape(r, c).requiresGrad_(requiresGrad);

/** A sparse gradient's coalesced indices and values. */
function sparseGrad(g: T | null, indices: number[][], values: number[]): void {
  assert.ok(g && g.isSparse, "expected a sparse gradient");
  const c = g.coalesce();
  assert.deepEqual(c.indices().tolist(), indices);
  closeNested(c.values().tolist(), values, 1e-6);
}
const PATTERN = [[0, 1], [2, 0]];

describe("sparse COO autograd", () => {
  test("gradients flow to the values of sparseCooTensor", () => {
    let v = f32([3, 4, -5], true);
    let x = torch.sparseCooTensor(I(), v, [2, 3]);
    assert.equal(x.gradFn?.name(), "SparseCooTensorWithDimsAndTensorsBackward0");
    assert.equal(x.toDense().gradFn?.name(), "ToDenseBackward0");
    x.toDense().mul(ar(2, 3)).sum().backward();
    assert.deepEqual(v.grad!.tolist(), [2, 2, 3]);
    v = f32([3, 4, -5], true);
    torch.sparse.mm(torch.sparseCooTensor(I(), v, [2, 3]), ar(3, 2)).pow(2).sum().backward();
    assert.deepEqual(v.grad!.tolist(), [574, 574, -10]);
    v = f32([3, 4, -5], true);
    x = torch.sparseCooTensor(I(), v, [2, 3]).coalesce();
    assert.equal(x.gradFn?.name(), "CoalesceBackward0");
    assert.equal(x.values().gradFn?.name(), "ValuesBackward0");
    x.values().pow(2).sum().backward();
    assert.deepEqual(v.grad!.tolist(), [14, 14, -10]);
  });

  test("a sparse leaf gets a sparse gradient", () => {
    let y = leaf();
    y.toDense().mul(ar(2, 3)).sum().backward();
    sparseGrad(y.grad, PATTERN, [2, 3]);
    y = leaf();
    torch.sparse.sum(y).backward();
    sparseGrad(y.grad, PATTERN, [1, 1]);
    y = leaf();
    torch.sparse.sum(y, 1).toDense().pow(2).sum().backward();
    sparseGrad(y.grad, PATTERN, [14, -10]);
    y = leaf();
    torch.sparse.sum(y.neg().mul(2)).backward();
    sparseGrad(y.grad, PATTERN, [-2, -2]);
    y = leaf();
    y.add(y).toDense().sum().backward();
    sparseGrad(y.grad, PATTERN, [2, 2]);
    y = leaf();
    torch.sparse.sum(y.mul(y)).backward();
    sparseGrad(y.grad, PATTERN, [14, -10]);
    y = leaf();
    torch.sparse.sum(y.abs()).backward();
    sparseGrad(y.grad, PATTERN, [1, -1]);
    const cases: [(t: T) => T, number[]][] = [[(t) => t.div(2), [0.5, 0.5]], [(t) => t.t(), [1, 1]], [(t) => t.double(), [1, 1]]];
    for (const [f, expected] of cases) {
      y = leaf();
      torch.sparse.sum(f(y)).backward();
      sparseGrad(y.grad, PATTERN, expected);
    }
  });

  test("sparse.mm / sparse.addmm: both operands", () => {
    let y = leaf(), d = ar(3, 2, true);
    const out = torch.sparse.mm(y, d);
    assert.equal(out.gradFn?.name(), "SparseAddmmBackward0");
    out.pow(2).sum().backward();
    sparseGrad(y.grad, PATTERN, [574, -10]);
    assert.deepEqual(d.grad!.tolist(), [[0, 50], [0, 0], [392, 490]]);
    y = leaf(); d = ar(3, 2, true);
    torch.sparse.addmm(torch.ones([2, 2]), y, d, { beta: 2, alpha: 3 }).pow(2).sum().backward();
    sparseGrad(y.grad, PATTERN, [5274, -78]);
    assert.deepEqual(d.grad!.tolist(), [[-60, 390], [0, 0], [3612, 4494]]);
  });

  test("torch.mm: the dense operand only; a sparse one that requires grad refuses", () => {
    const d = ar(3, 2, true);
    torch.mm(leaf().detach(), d).pow(2).sum().backward();
    assert.deepEqual(d.grad!.tolist(), [[0, 50], [0, 0], [392, 490]]);
    throwsMsg(() => torch.mm(leaf(), torch.ones([3, 2])), "The backward pass for this operation requires the 'self' tensor to be strided, but a sparse tensor was given instead. Please either use a strided tensor or set requires_grad=False for 'self'");
    throwsMsg(() => torch.addmm(torch.ones([2, 2]), leaf(), torch.ones([3, 2])), "The backward pass for this operation requires the 'mat1' tensor to be strided, but a sparse tensor was given instead. Please either use a strided tensor or set requires_grad=False for 'mat1'");
  });

  test("to_sparse and sparse_mask give dense inputs dense gradients", () => {
    let d = ar(2, 3, true);
    d.toSparse().toDense().pow(2).sum().backward();
    assert.deepEqual(d.grad!.tolist(), [[0, 2, 4], [6, 8, 10]]);
    d = ar(2, 3, true);
    torch.sparse.sum(d.sparseMask(leaf().detach().coalesce())).backward();
    assert.deepEqual(d.grad!.tolist(), [[0, 0, 1], [1, 0, 0]]);
  });

  test("two backward passes accumulate into a sparse grad; a dense one makes it dense", () => {
    let y = leaf();
    y.toDense().sum().backward();
    y.toDense().sum().backward();
    sparseGrad(y.grad, PATTERN, [2, 2]);
    y = leaf();
    torch.sparse.sum(y).backward();
    y.toDense().mul(2).sum().backward();
    sparseGrad(y.grad, PATTERN, [3, 3]);
  });

  test("gradcheck and gradgradcheck through sparse ops (float64)", () => {
    const i = torch.tensor([[0, 0, 1, 2], [2, 2, 0, 1]], { dtype: torch.int64 });
    const v = torch.tensor([0.3, -1.2, 0.7, 2.1], { dtype: torch.float64, requiresGrad: true });
    const d = torch.tensor([[0.5, -1], [2, 0.25], [-0.75, 1.5]], { dtype: torch.float64, requiresGrad: true });
    const mmSquared = (vv: T, dd: T): T => torch.sparse.mm(torch.sparseCooTensor(i, vv, [3, 3]), dd).pow(2);
    assert.ok(torch.autograd.gradcheck(mmSquared, [v, d]));
    assert.ok(torch.autograd.gradgradcheck(mmSquared, [v, d]));
    const pos = torch.tensor([0.3, 1.2, 0.7, 2.1], { dtype: torch.float64, requiresGrad: true });
    const unary = (vv: T): T => torch.sparse.sum(torch.sparseCooTensor(i, vv, [3, 3]).sqrt().mul(torch.sparseCooTensor(i, vv, [3, 3]).abs()), 1).toDense();
    assert.ok(torch.autograd.gradcheck(unary, [pos]));
    const mixed = (vv: T): T => torch.ones([3, 3], { dtype: torch.float64 }).add(torch.sparseCooTensor(i, vv, [3, 3]).t(), { alpha: 2 }).mul(torch.sparseCooTensor(i, vv, [3, 3]).coalesce().toDense());
    assert.ok(torch.autograd.gradcheck(mixed, [v]));
    assert.ok(torch.autograd.gradgradcheck(mixed, [v]));
  });
});
