// Gradients and second derivatives through in-place ops on views, which rebase the base's history
// to a CopySlices node (test/fixtures/inplace-views.py, PyTorch 1.13): the node's backward must be
// differentiable (createGraph), also over a base laid out non-contiguously.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

type Tensor = torch.Tensor;
interface Recorded { x: number[]; y: number[]; g: number[]; gg: number[] }
const ref = JSON.parse(readFileSync(new URL("./fixtures/inplace-views.json", import.meta.url), "utf8")) as Record<string, Recorded>;

const cases: Record<string, (x: Tensor) => Tensor> = {
  select_mul: (x) => { const y = x.mul(x); y.get(0).mul_(x.get(1)); return y; },
  transposed_slice: (x) => { const y = x.sin().mul(3); y.t().get("1:").mul_(x.t().get("1:")); return y; },
  setitem_square: (x) => { const y = x.mul(2); y.set([":", "1:"], x.get(":", ":3").pow(2)); return y; },
  noncontiguous_base: (x) => { const y = x.mul(x).t().clone(); y.get(0).mul_(x.get(1, ":3").sin()); return y; },
  chain_twice: (x) => {
    const y = x.mul(x), v = y.get("1:").t().get(2);
    v.mul_(x.get(0, ":2"));
    v.add_(x.get(2, "1:3").pow(2));
    return y;
  },
};

function close(actual: Tensor, expected: number[], what: string): void {
  const a = actual.detach().flatten().tolist() as number[];
  assert.equal(a.length, expected.length, what);
  a.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-10 + 1e-8 * Math.abs(expected[i]!), `${what}[${i}]: ${v} vs ${expected[i]}`));
}

test("every case of the fixture has a torch-ts counterpart", () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(ref).sort());
});

for (const [name, f] of Object.entries(cases)) {
  test(`${name}: values, gradient and second derivative are PyTorch's`, () => {
    const r = ref[name]!;
    const x = torch.tensor(r.x, { dtype: torch.float64 }).view(3, 4).requiresGrad_();
    const y = f(x);
    close(y, r.y, "y");
    const ramp = torch.linspace(-1, 1, y.numel(), { dtype: torch.float64 }).view(y.shape);
    const [g] = torch.autograd.grad(y.mul(ramp).sum(), x, { createGraph: true });
    close(g!, r.g, "g");
    const [gg] = torch.autograd.grad(g!.mul(g!).sum(), x);
    close(gg!, r.gg, "gg");
  });
}

test("the base's node is CopySlices; the view's, regenerated, AsStridedBackward0 over it", () => {
  const x = torch.randn(3, 4).requiresGrad_();
  const y = x.mul(2), v = y.get(0), w = y.get(1);
  v.mul_(3);
  assert.equal(y.gradFn!.name(), "torch::autograd::CopySlices");
  for (const t of [v, w]) {
    assert.equal(t.gradFn!.name(), "AsStridedBackward0");
    assert.equal(t.gradFn!.nextFunctions[0]![0], y.gradFn);
  }
});

test("a view's in-place op reading a view of the same base it changes is refused at backward, as PyTorch", () => {
  const x = torch.randn(3, 4).requiresGrad_();
  const y = x.mul(x).t().clone();
  y.get(0).mul_(y.get(1).sin());
  assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
});

test("the graph released after backward: a second backward through CopySlices is refused", () => {
  const x = torch.randn(3, 4).requiresGrad_();
  const y = x.mul(2);
  y.get(0).mul_(x.get(1));
  y.sum().backward();
  assert.throws(() => y.sum().backward(), /backward through the graph a second time/);
});
