// Autograd as API.md describes it: accumulation, broadcasting, retainGraph, createGraph (double
// backward), hooks, retainGrad, autograd.grad, custom Functions, gradcheck, anomaly detection,
// grad modes, version counters and in-place rules. Expected values follow PyTorch.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const f64 = { dtype: "float64" as const, requiresGrad: true };

test("gradients accumulate into .grad, and broadcast dims are summed", () => {
  const x = torch.tensor([[1, 2, 3]], f64);
  const b = torch.tensor([[1], [2]], f64);
  const y = x.mul(b).sum();
  y.backward();
  assert.deepEqual(x.grad!.tolist(), [[3, 3, 3]]);
  assert.deepEqual(b.grad!.tolist(), [[6], [6]]);
  x.mul(2).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [[5, 5, 5]]);
  assert.equal(y.gradFn!.name(), "SumBackward0");
  assert.equal(y.gradFn!.nextFunctions[0]![0]!.name(), "MulBackward0");
  assert.ok(x.isLeaf && !y.isLeaf);
});

test("backward twice needs retainGraph; PyTorch's error otherwise", () => {
  const x = torch.tensor([1, 2], f64);
  const y = x.exp().sum();
  y.backward(null, { retainGraph: true });
  y.backward();
  assert.deepEqual((x.grad!.tolist() as number[]).map((v) => Number(v.toFixed(6))), [5.436564, 14.778112]);
  assert.throws(() => y.backward(), /Trying to backward through the graph a second time/);
});

test("createGraph gives higher-order gradients", () => {
  const x = torch.tensor([2], f64);
  const y = x.pow(3);
  const [g] = torch.autograd.grad(y, x, { createGraph: true });
  assert.deepEqual(g!.tolist(), [12]);
  const [g2] = torch.autograd.grad(g!, x, { createGraph: true });
  assert.deepEqual(g2!.tolist(), [12]);
  const [g3] = torch.autograd.grad(g2!, x);
  assert.deepEqual(g3!.tolist(), [6]);
  assert.ok(torch.autograd.gradgradcheck((a) => a.sin().mul(a), [torch.randn(4, f64)]));
});

test("autograd.grad with allowUnused, gradOutputs, and its errors", () => {
  const x = torch.tensor([1, 2], f64), z = torch.tensor([3], f64);
  const y = x.mul(x);
  const [gx, gz] = torch.autograd.grad(y, [x, z], { gradOutputs: torch.tensor([1, 10], { dtype: "float64" }), allowUnused: true, retainGraph: true });
  assert.deepEqual(gx!.tolist(), [2, 40]);
  assert.equal(gz, null);
  assert.throws(() => torch.autograd.grad(y, [x, z], { gradOutputs: torch.ones(2, { dtype: "float64" }), retainGraph: true }), /appears to not have been used in the graph/);
  assert.throws(() => torch.autograd.grad(y, x), /grad can be implicitly created only for scalar outputs/);
  assert.equal(x.grad, null, "autograd.grad does not accumulate");
});

test("backward(inputs) accumulates only into the given tensors", () => {
  const a = torch.tensor([1], f64), b = torch.tensor([2], f64);
  a.mul(b).sum().backward(null, { inputs: [a] });
  assert.deepEqual(a.grad!.tolist(), [2]);
  assert.equal(b.grad, null);
});

test("tensor hooks change gradients; retainGrad keeps a non-leaf's gradient", () => {
  const x = torch.tensor([1, 2], f64);
  const h = x.mul(3);
  h.retainGrad();
  const handle = h.registerHook((g) => g.mul(2));
  x.registerHook((g) => g.add(1));
  h.sum().backward();
  assert.deepEqual(h.grad!.tolist(), [2, 2]);
  assert.deepEqual(x.grad!.tolist(), [7, 7]);
  handle.remove();
  assert.throws(() => torch.tensor([1]).registerHook((g) => g), /doesn't require gradient/);
});

test("custom autograd.Function with saveForBackward and needsInputGrad", () => {
  class Cube extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor {
      ctx.saveForBackward(x);
      return x.pow(3);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor): torch.Tensor {
      const [x] = ctx.savedTensors;
      return g.mul(x!.pow(2)).mul(3);
    }
  }
  const x = torch.tensor([1, 2], f64);
  const y = Cube.apply(x) as torch.Tensor;
  assert.equal(y.gradFn!.name(), "CubeBackward");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 12]);
  assert.ok(torch.autograd.gradcheck((a) => Cube.apply(a) as torch.Tensor, [torch.randn(3, f64)]));
});

test("gradcheck catches a wrong gradient", () => {
  class Wrong extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: torch.Tensor): torch.Tensor { return x.mul(2); }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: torch.Tensor): torch.Tensor { return g.mul(3); }
  }
  assert.throws(() => torch.autograd.gradcheck((a) => Wrong.apply(a) as torch.Tensor, [torch.randn(2, f64)]), /Jacobian mismatch/);
  assert.equal(torch.autograd.gradcheck((a) => Wrong.apply(a) as torch.Tensor, [torch.randn(2, f64)], { raiseException: false }), false);
});

test("anomaly detection names the backward function that produced NaN", () => {
  const x = torch.tensor([0, 1], f64);
  assert.throws(() => torch.autograd.detectAnomaly(() => x.sqrt().mul(0).sum().backward()), /Function 'SqrtBackward0' returned nan values in its 0th output/);
  assert.doesNotThrow(() => x.sqrt().mul(0).sum().backward());
});

test("grad modes: noGrad, enableGrad, inferenceMode, setGradEnabled", () => {
  const x = torch.tensor([1], f64);
  assert.equal(torch.noGrad(() => x.mul(2)).requiresGrad, false);
  assert.equal(torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad, true);
  assert.equal(torch.inferenceMode(() => x.mul(2)).requiresGrad, false);
  const prev = torch.setGradEnabled(false);
  assert.equal(x.mul(2).requiresGrad, false);
  torch.setGradEnabled(prev);
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(x.detach().requiresGrad, false);
});

test("modifying a saved tensor in place is caught at backward, as in PyTorch", () => {
  // exp saves its output only (as PyTorch): changing its input afterwards is fine.
  const a = torch.tensor([1, 2], f64);
  const b = a.mul(2);
  const c = b.exp();
  b.add_(1);
  assert.doesNotThrow(() => c.sum().backward());
  // mul saves both inputs.
  const x = torch.tensor([1, 2], f64);
  const y = x.mul(2);
  const z = y.mul(y);
  y.add_(1);
  assert.throws(() => z.sum().backward(), /one of the variables needed for gradient computation has been modified by an inplace operation: \[torch\.DoubleTensor \[2\]\], which is output 0 of AddBackward0, is at version 1; expected version 0 instead/);
});

test("in-place rules: leaf error, history rebased, views of graph tensors", () => {
  const w = torch.tensor([1, 2], f64);
  assert.throws(() => w.add_(1), /a leaf Variable that requires grad is being used in an in-place operation/);
  const y = w.mul(2);
  y.mul_(y.detach().clone());
  y.sum().backward();
  assert.deepEqual(w.grad!.tolist(), [4, 8]);
  const v = torch.tensor([1, 2, 3, 4], f64);
  const m = v.mul(2).view(2, 2);
  m.get(0).mul_(3);
  m.sum().backward();
  assert.deepEqual(v.grad!.tolist(), [6, 6, 2, 2]);
  const out = torch.zeros(2, 2, { dtype: "float64" });
  const p = torch.tensor([5, 6], f64);
  out.set([1], p.mul(p));
  out.sum().backward();
  assert.deepEqual(p.grad!.tolist(), [10, 12]);
  assert.throws(() => w.get(0).mul_(2), /a view of a leaf Variable that requires grad is being used in an in-place operation/);
});

test("requiresGrad rules and .grad assignment checks", () => {
  assert.throws(() => torch.tensor([1, 2]).requiresGrad_(), /only Tensors of floating point/);
  const x = torch.ones(2, { requiresGrad: true });
  assert.throws(() => { x.grad = torch.ones(3); }, /assigned grad has data of a different size/);
  assert.throws(() => x.mul(2).requiresGrad_(false), /you can only change requires_grad flags of leaf variables/);
  x.grad = torch.ones(2);
  assert.deepEqual(x.grad.tolist(), [1, 1]);
});
