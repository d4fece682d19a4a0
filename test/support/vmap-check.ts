// What the vmap batching-rule tests share: the fixture scripts' input formula, a comparison with
// recorded values, and runs asserted batched (no fallback) and equal to vmap's own loop.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.js";
import { batching, vmapStats } from "../../src/func/batched-tensor.js";

type T = torch.Tensor;
export type Rec = Record<string, { shape: number[]; values: number[] }>;
export type Fn = (...a: never[]) => unknown;

export function loadRec(name: string): Rec {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as Rec;
}

/** The fixture scripts' inp: sin(arange(n) * 0.37 + k) shaped. */
export function inp(shape: number[], k = 0): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.sin(torch.arange(n, { dtype: torch.float32 }).mul(0.37).add(k)).reshape(shape);
}

export function close(rec: Rec, got: T, name: string, atol = 2e-5): void {
  const want = rec[name]!;
  assert.ok(want, `${name}: no recorded value`);
  assert.deepEqual(got.shape, want.shape, `${name}: shape`);
  const g = got.detach().reshape(-1).tolist() as number[];
  g.forEach((v, i) => {
    const w = want.values[i]!;
    assert.ok(Math.abs(v - w) <= atol + 1e-4 * Math.abs(w), `${name}[${i}]: ${v} vs PyTorch ${w}`);
  });
}

/** Runs f, asserting it ran batched (no fallback); returns its result. */
export function batched<R>(what: string, f: () => R): R {
  const before = { ...vmapStats };
  const r = f();
  assert.equal(vmapStats.fallbacks - before.fallbacks, 0, `${what}: fell back (${vmapStats.lastReason})`);
  assert.ok(vmapStats.batchedRuns > before.batchedRuns, `${what}: no batched run`);
  assert.equal(batching.on, false);
  return r;
}

/** vmap's batched result, checked against PyTorch and against vmap's loop (randomness "different" always loops). */
export function both(rec: Rec, name: string, func: Fn, args: unknown[], options: Record<string, unknown> = {}): void {
  const got = batched(name, () => (torch.func.vmap(func, options) as (...a: unknown[]) => T)(...args));
  close(rec, got, name);
  const loop = (torch.func.vmap(func, { ...options, randomness: "different" }) as (...a: unknown[]) => T)(...args);
  assert.ok(torch.allclose(got, loop, { atol: 1e-5, rtol: 1e-5 }), `${name}: batched vs loop`);
}
