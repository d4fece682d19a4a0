// Comparing results with values recorded from PyTorch: nested lists of numbers (tolist()) within a
// relative tolerance, NaN where PyTorch gave NaN; recorded tensors (shape, dtype, flat values) and
// the weighted-loss gradient check of the linalg fixtures; and errors by PyTorch's message.

import assert from "node:assert/strict";
import * as torch from "../../src/index.js";

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
    if (actual === expected) return; // infinities too, whose difference is NaN
    assert.ok(typeof actual === "number" && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${path}: ${String(actual)} != ${expected}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

/** f throws `msg` (alone, or after an "op: " prefix). */
export function throwsMsg(f: () => unknown, msg: string): void {
  assert.throws(f, (e: Error) => e.message === msg || e.message.endsWith(": " + msg), `expected error ${msg}`);
}

/** A number as the fixture scripts record it (JSON has no infinities or NaN). */
export type RecordedNumber = number | "inf" | "-inf" | "nan";

/** A tensor as the fixture scripts record it: shape, dtype name, values flat (infinities and NaN as strings). */
export interface RecordedTensor { shape: number[]; data: RecordedNumber[]; dtype: string }

export const recordedNumber = (v: RecordedNumber): number => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : v);

/** A tensor's values, flat, as numbers. */
export const flatValues = (t: torch.Tensor): number[] => t.reshape(-1).tolist() as number[];

/** The same numbers bit for bit as far as JS tells: -0 and +0 apart, NaN equal to NaN; names the first difference. */
export function assertSameNumbers(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: element ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

/** The recorded tensor, in its recorded dtype. */
export function recordedTensor(r: RecordedTensor): torch.Tensor {
  return torch.tensor(r.data.map(recordedNumber), { dtype: r.dtype as torch.DTypeName }).reshape(r.shape);
}

/** Same shape and dtype, and |actual - expected| <= tol (1 + |expected|) elementwise; NaN and infinities exactly. */
export function closeToRecorded(actual: torch.Tensor, expected: RecordedTensor, tol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  const a = actual.reshape(-1).tolist() as number[];
  for (let i = 0; i < a.length; i++) {
    const e = recordedNumber(expected.data[i]!);
    const ok = Number.isFinite(e) ? Math.abs(a[i]! - e) <= tol * (1 + Math.abs(e)) : Object.is(a[i], e);
    if (!ok) assert.fail(`${what}: element ${i}: got ${a[i]}, expected ${e}`);
  }
}

/** What a fixture recorded of a backward pass: the loss sum_k sum(outputs[k] * weights[k]), its value and its gradients by input. */
export interface RecordedBackward { name: string; weights: RecordedTensor[]; value: number; grads: RecordedTensor[] }

/** The loss over `outputs` (one per recorded weight) equals PyTorch's, and so do its gradients with respect to `inputs`. */
export function checkRecordedBackward(c: RecordedBackward, outputs: readonly torch.Tensor[], inputs: torch.Tensor[]): void {
  const loss = c.weights.map((w, i) => outputs[i]!.mul(recordedTensor(w)).sum()).reduce((a, b) => a.add(b));
  assert.ok(Math.abs(Number(loss.item()) - c.value) <= 1e-9 * (1 + Math.abs(c.value)), `${c.name}: loss ${loss.item()} vs ${c.value}`);
  const grads = torch.autograd.grad([loss], inputs, { allowUnused: true });
  grads.forEach((g, i) => closeToRecorded(g ?? torch.zerosLike(inputs[i]!), c.grads[i]!, 1e-8, `${c.name}: grad ${i}`));
}
