// Comparing results with values recorded from PyTorch: nested lists of numbers (tolist()) within a
// relative tolerance, NaN where PyTorch gave NaN; and errors by PyTorch's message.

import assert from "node:assert/strict";

/** actual ≈ expected, element by element through nested arrays (other values compared exactly). */
export function closeNested(actual: unknown, expected: unknown, tol = 1e-12, path = ""): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => closeNested(actual[i], e, tol, `${path}[${i}]`));
    return;
  }
  if (typeof expected === "number" && Number.isNaN(expected)) { assert.ok(Number.isNaN(actual), `${path}: expected NaN, got ${String(actual)}`); return; }
  if (typeof expected === "number") {
    assert.ok(typeof actual === "number" && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${path}: ${String(actual)} != ${expected}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

/** f throws `msg` (alone, or after an "op: " prefix). */
export function throwsMsg(f: () => unknown, msg: string): void {
  assert.throws(f, (e: Error) => e.message === msg || e.message.endsWith(": " + msg), `expected error ${msg}`);
}
