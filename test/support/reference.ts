// Helpers shared by tests that compare with values recorded from PyTorch.

import assert from "node:assert/strict";
import * as torch from "../../src/index.js";

/** sin(0.7 i + seed) * scale, float64: deterministic inputs that the reference scripts rebuild in Python. */
export function det(shape: number[], seed = 0, scale = 1.5): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype: "float64" }).mul(0.7).add(seed).sin().mul(scale).reshape(shape);
}

/** An int64 tensor. */
export function long(v: number[] | number[][] | number[][][]): torch.Tensor {
  return torch.tensor(v, { dtype: "int64" });
}

/** Asserts |actual - expected| <= tol (1 + |expected|) elementwise; NaN and infinities must match exactly. */
export function close(actual: torch.Tensor, expected: number[], what: string, tol = 1e-7): void {
  const a = actual.reshape(-1).tolist() as number[];
  assert.equal(a.length, expected.length, `${what}: length ${a.length} vs ${expected.length}`);
  a.forEach((v, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(v), `${what}[${i}]: ${v} vs NaN`); return; }
    if (!Number.isFinite(e)) { assert.equal(v, e, `${what}[${i}]`); return; }
    assert.ok(Math.abs(v - e) <= tol + tol * Math.abs(e), `${what}[${i}]: ${v} vs ${e}`);
  });
}
