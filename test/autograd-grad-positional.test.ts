// torch.autograd.grad takes its parameters by position as PyTorch's does (outputs, inputs,
// grad_outputs, retain_graph, create_graph, only_inputs, allow_unused), or in a trailing options
// object: the Jacobians tutorial's grad(predict(weight, bias, xp), xp, vec) is a vector-Jacobian
// product. Values from PyTorch 1.13 (test/fixtures/autograd-grad-positional.py).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { assertClose } from "./support/kernel-checks.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/autograd-grad-positional.json", import.meta.url), "utf8")) as {
  vjp: number[]; create_graph_requires_grad: boolean; second: number[]; unused: (number[] | null)[];
};

const inputs = (): { x: torch.Tensor; w: torch.Tensor; y: torch.Tensor; v: torch.Tensor } => {
  const x = torch.tensor([0.5, -1.0, 2.0], { requiresGrad: true });
  const w = torch.tensor([1.0, 2.0], { dtype: torch.float32, requiresGrad: true });
  return { x, w, y: x.sin().mul(3), v: torch.tensor([1.0, -2.0, 0.5]) };
};

test("autograd.grad(y, x, v): grad_outputs by position gives the vector-Jacobian product", () => {
  const { x, y, v } = inputs();
  const byPosition = torch.autograd.grad(y, x, v, { retainGraph: true })[0]!;
  assertClose(byPosition.tolist() as number[], ref.vjp, "vjp", 1e-7, 1e-6);
  // the same as the options object
  assert.deepEqual(torch.autograd.grad(y, x, { gradOutputs: v })[0]!.tolist(), byPosition.tolist());
});

test("autograd.grad(y, x, v, retainGraph, createGraph) by position; allowUnused by position after onlyInputs", () => {
  const { x, w, y, v } = inputs();
  const [g] = torch.autograd.grad(y, x, v, true, true);
  assert.equal(g!.requiresGrad, ref.create_graph_requires_grad);
  assertClose(torch.autograd.grad(g!.sum(), x)[0]!.tolist() as number[], ref.second, "second derivative", 1e-7, 1e-6);
  const unused = torch.autograd.grad(x.mul(x).sum(), [x, w], null, null, false, true, true);
  assert.deepEqual(unused.map((t) => (t === null ? null : t.tolist())), ref.unused);
});

test("autograd.grad refuses unknown options and an extra positional argument in Python's words", () => {
  const { x, y, v } = inputs();
  assert.throws(() => torch.autograd.grad(y, x, { gradOutputs: v, retain: true } as never), /grad\(\) got an unexpected keyword argument 'retain'/);
  assert.throws(() => torch.autograd.grad(y, x, v, { gradOutputs: v }), /grad\(\) got multiple values for argument 'gradOutputs'/);
});
