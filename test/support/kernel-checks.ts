// Helpers shared by the kernel tests (pooling, interpolation): recorded-case decoding, exact
// comparisons, the deterministic inputs the PyTorch reference scripts used, and gradient checks
// by finite differences. The torch-ts API is imported lazily so that kernel-only tests still run
// when another part of the tree does not load.

import assert from "node:assert/strict";

export type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
export interface FixtureTensor { T: string; shape: number[]; data: (number | string)[] }

/** "nan"/"inf"/"-inf" strings of the fixtures back to numbers. */
export function decode(v: (number | string)[]): number[] {
  return v.map((x) => (x === "nan" ? NaN : x === "inf" ? Infinity : x === "-inf" ? -Infinity : (x as number)));
}

export function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, atol = 1e-9, rtol = 1e-7): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) { assert.ok(Object.is(a, e), `${what}[${i}]: expected ${e}, got ${a}`); continue; }
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: expected ${e}, got ${a}`);
  }
}

/** The deterministic inputs the recorded cases were made with (same formulas in the generator). */
export function det(n: number, s: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(0.7 * i + s) * 2 + 0.1 * Math.cos(1.3 * i);
  return x;
}
export function gout(n: number): Float64Array {
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = Math.cos(0.37 * i + 0.2);
  return g;
}
export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export type Torch = typeof import("../../src/index.js");
export type T = import("../../src/index.js").Tensor;
export async function api(): Promise<{ torch: Torch; F: Torch["nn"]["functional"] }> {
  const torch = await import("../../src/index.js");
  return { torch, F: torch.nn.functional };
}
export function t64(torch: Torch, data: ArrayLike<number>, shape: number[], requiresGrad = true): T {
  const t = torch.tensor(Float64Array.from(data), { dtype: "float64" }).reshape(shape);
  return requiresGrad ? t.requiresGrad_() : t;
}
export function values(t: T): number[] {
  return t.detach().reshape(-1).tolist() as number[];
}
export const camelKeys = (kw: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(Object.entries(kw).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

/** d<w, f(x)>/dx along two directions, by central differences, against autograd. */
export function checkGrad(torch: Torch, f: (x: T) => T, x0: Float64Array, shape: number[], what: string): void {
  const x = t64(torch, x0, shape);
  const out = f(x);
  const w = det(out.numel(), 1.1);
  const [gx] = torch.autograd.grad([out], [x], { gradOutputs: [t64(torch, w, out.shape, false)] });
  const g = values(gx!);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
  for (const s of [2.3, 4.1]) {
    const v = det(x0.length, s), eps = 1e-6;
    const at = (e: number): number => dot(w, values(f(t64(torch, x0.map((xi, i) => xi + e * v[i]!), shape, false))));
    const numeric = (at(eps) - at(-eps)) / (2 * eps), analytic = dot(g, v);
    assert.ok(Math.abs(numeric - analytic) <= 1e-6 + 1e-6 * Math.abs(analytic), `${what}: directional derivative ${numeric} vs autograd ${analytic}`);
  }
}

/**
 * Double backward: the input gradient is linear in grad_output (gx = J^T go), so differentiating
 * <u, gx> with respect to go must give J u, the directional derivative of f along u.
 */
export function checkDoubleBackward(torch: Torch, f: (x: T) => T, x0: Float64Array, shape: number[], what: string): void {
  const x = t64(torch, x0, shape);
  const out = f(x);
  const go = t64(torch, det(out.numel(), 1.1), out.shape);
  const [gx] = torch.autograd.grad([out], [x], { gradOutputs: [go], createGraph: true });
  const u = det(x0.length, 3.3);
  const [ggo] = torch.autograd.grad([gx!], [go], { gradOutputs: [t64(torch, u, shape, false)] });
  const eps = 1e-6;
  const fp = values(f(t64(torch, x0.map((xi, i) => xi + eps * u[i]!), shape, false)));
  const fm = values(f(t64(torch, x0.map((xi, i) => xi - eps * u[i]!), shape, false)));
  assertClose(values(ggo!), fp.map((p, i) => (p - fm[i]!) / (2 * eps)), `${what} double backward`, 1e-6, 1e-6);
}

export function throwsWith(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: Error) => { assert.equal(e.message, message); return true; });
}
