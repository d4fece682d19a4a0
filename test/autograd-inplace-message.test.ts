// The error for a tensor saved for backward and then modified in place is PyTorch's word for word
// (test/fixtures/autograd-inplace-message.json, PyTorch 1.13, made by autograd-inplace-message.py):
// a saved output names the node that saved it (not the in-place op now producing the tensor), a
// saved input its current producer, and the hint depends on anomaly mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const expected = JSON.parse(readFileSync(new URL("./fixtures/autograd-inplace-message.json", import.meta.url), "utf8")) as Record<string, string>;
const f64 = { dtype: torch.float64 };

const cases: Record<string, () => torch.Tensor> = {
  saved_output: () => {
    const x = torch.tensor([0.5, -1.0], { ...f64, requiresGrad: true });
    const y = x.sigmoid(); // SigmoidBackward0 saves its output
    const loss = y.sum();
    y.mul_(2);
    return loss;
  },
  saved_input: () => {
    const x = torch.tensor([1.0, 2.0], { ...f64, requiresGrad: true });
    const y = x.mul(2);
    const z = y.mul(y); // MulBackward0 saves its inputs
    y.add_(1);
    return z.sum();
  },
  saved_leaf: () => {
    const x = torch.tensor([1.0, 2.0], { ...f64, requiresGrad: true });
    const w = torch.tensor([3.0, 4.0], f64);
    const loss = x.mul(w).sum(); // saves w, a tensor without history
    w.add_(1);
    return loss;
  },
};

function message(make: () => torch.Tensor): string | null {
  try { make().backward(); } catch (e) { return (e as Error).message; }
  return null;
}

test("modified saved tensors: the node named and the hint, as PyTorch's", () => {
  for (const [name, make] of Object.entries(cases)) {
    assert.equal(message(make), expected[name], name);
    assert.equal(torch.autograd.detectAnomaly(() => message(make)), expected[`${name}_anomaly`], `${name} in anomaly mode`);
  }
});
