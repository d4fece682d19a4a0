// Every op of the sample table on complex input, against PyTorch 1.13: one sample per op is re-run
// with its floating tensor arguments made complex64 (x -> complex(x, 0.5 x + 0.25), as
// test/fixtures/complex-support.py records them). Where PyTorch refuses, torch-ts must refuse; where
// both compute, the results must agree (dtypes, shapes, values). Ops PyTorch runs on complex input
// and torch-ts still refuses are the coverage gap: printed, and held to a floor so that it only shrinks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { loadOpCases, NotImplemented, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { decode, decodeKwargs } from "./conformance/values.js";

interface Result { dtype: string; shape: number[]; data: (number | string | boolean)[] }
type Outcome = { ok: Result[] } | { error: string };
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/complex-support.json", import.meta.url), "utf8")) as { ops: Record<string, { id: string; complex64: Outcome }> };

/**
 * Ops (fn|form) compared by dtype and shape only: PyTorch draws their complex results at random, or
 * the recorded value is wrong (Debian's PyTorch 1.13 returns 0 for every complex dot, vdot and 1-d
 * matmul: its BLAS's complex return convention; test/complex-math.test.ts checks torch-ts's value;
 * its complex64 eigh comes from single-precision LAPACK, whose eigenvector signs differ from the
 * double-precision ones torch-ts computes: test/linalg-complex.test.ts checks eigh).
 */
const SHAPE_ONLY = new Set<string>(["torch.dot|function", "torch.vdot|function", "torch.linalg.eigh|function"]);
/**
 * Ops torch-ts computes on complex input where PyTorch 1.13 raises, with the reason: 1.13 refuses
 * complex conv_transpose2d/3d ("slow_conv_transpose2d_out_cpu" not implemented) while it computes
 * conv_transpose1d; torch-ts computes all three the same way (four real convolutions).
 */
const BEYOND_1_13 = new Set<string>(["F.conv_transpose2d|function", "F.conv_transpose3d|function"]);
/** How many ops must agree with PyTorch on complex input (raise it as support grows). */
const AGREEING_FLOOR = 136;

function complexify(v: unknown): unknown {
  if (v instanceof torch.Tensor) {
    if (!v.dtype.isFloatingPoint) return v;
    const x = v.to(torch.float32);
    return torch.complex(x, x.mul(0.5).add(0.25));
  }
  if (Array.isArray(v)) return v.map(complexify);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, complexify(x)]));
  return v;
}

const num = (v: number | string | boolean): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));

function results(r: unknown): torch.Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r.flatMap(results);
  return [];
}

function values(t: torch.Tensor): number[] {
  const d = t.detach();
  const flat = d.dtype.isComplex ? torch.viewAsReal(d.contiguous()).flatten() : d.flatten();
  return (flat.tolist() as (number | boolean | bigint)[]).map(Number);
}

function compare(actual: torch.Tensor[], expected: Result[], valuesToo: boolean): string | null {
  if (actual.length !== expected.length) return `${actual.length} result tensors, PyTorch ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (a.dtype.name !== e.dtype) return `result ${i} dtype ${a.dtype.name}, PyTorch ${e.dtype}`;
    if (a.shape.join() !== e.shape.join()) return `result ${i} shape [${a.shape}], PyTorch [${e.shape}]`;
    if (!valuesToo) continue;
    const av = values(a), ev = e.data.map(num);
    for (let k = 0; k < ev.length; k++) {
      const x = av[k]!, y = ev[k]!;
      const same = (Number.isNaN(x) && Number.isNaN(y)) || x === y || Math.abs(x - y) <= 1e-4 + 1e-4 * Math.abs(y);
      if (!same) return `result ${i} value ${k}: ${x}, PyTorch ${y}`;
    }
  }
  return null;
}

test("every op takes, refuses and computes complex input as PyTorch does", () => {
  const byId = new Map(loadOpCases().map((c: OpCase) => [c.id, c]));
  const wrong: string[] = [], gaps: string[] = [];
  let agreeing = 0, refusedBoth = 0;
  for (const [key, { id, complex64: expected }] of Object.entries(FIXTURE.ops)) {
    const c = byId.get(id);
    assert.ok(c, `sample ${id} is gone from ops.jsonl: re-record the fixture`);
    const args = c.args.map((a) => decode(a, false));
    const kw = decodeKwargs(c.kwargs);
    const callArgs = [...(complexify(args) as unknown[]), ...(Object.keys(kw).length ? [complexify(kw)] : [])];
    let actual: { ok: torch.Tensor[] } | { error: string };
    try {
      torch.manualSeed(0);
      actual = { ok: results(resolveFn(c).call(callArgs)) };
    } catch (e) {
      if (e instanceof NotImplemented) continue;
      actual = { error: (e as Error).message.split("\n")[0]! };
    }
    if ("error" in expected) {
      if ("ok" in actual && !BEYOND_1_13.has(key)) wrong.push(`${key}: PyTorch raises (${expected.error.slice(0, 90)}); torch-ts computes`);
      else if ("error" in actual) refusedBoth++;
    } else if ("error" in actual) {
      gaps.push(key);
    } else {
      const problem = compare(actual.ok, expected.ok, !SHAPE_ONLY.has(key));
      if (problem) wrong.push(`${key}: ${problem}`);
      else agreeing++;
    }
  }
  console.log(`complex input: ${agreeing} ops agree with PyTorch, ${refusedBoth} refused by both, ${gaps.length} PyTorch runs and torch-ts refuses: ${gaps.join(" ")}`);
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
  assert.ok(agreeing >= AGREEING_FLOOR, `${agreeing} ops agree, fewer than the floor ${AGREEING_FLOOR}`);
});
