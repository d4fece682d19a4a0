// The differentiable cases of the sample table (test/fixtures/conformance/ops.jsonl) as functions of
// the inputs PyTorch differentiates, with fixed pseudo-random tangents: what the forward-mode tests
// (test/forward-ad-ops.test.ts, test/func-nested-forward.test.ts) run every op through.

import * as torch from "../../src/index.js";
import { loadOpCases, resolveFn, type OpCase } from "../conformance/ops-runner.js";
import { decode, decodeKwargs, floatOutputs } from "../conformance/values.js";

type Tensor = torch.Tensor;

/** The first differentiable case of each op (and of its method form): every op, in seconds. */
export function differentiableCases(): OpCase[] {
  const seen = new Set<string>();
  return loadOpCases().filter((c) => {
    const key = `${c.fn}|${c.method ?? false}`;
    if (!c.grad || c.error || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Replaces each tensor that requires grad (deep in arrays and options) by make(it). */
export function mapDiff(v: unknown, make: (t: Tensor) => Tensor): unknown {
  if (v instanceof torch.Tensor) return v.requiresGrad ? make(v) : v;
  if (Array.isArray(v)) return v.map((x) => mapDiff(x, make));
  if (v !== null && typeof v === "object" && v.constructor === Object) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapDiff(x, make)]));
  return v;
}

/** Deterministic tangents: values in [-1, 1) from a counter (no generator draw). */
export function tangentFor(t: Tensor, seed: number): Tensor {
  const n = t.numel();
  const vals = Array.from({ length: n }, (_, i) => Math.sin(1 + seed * 7.3 + i * 1.7));
  return torch.tensor(vals, { dtype: t.dtype.name as torch.DTypeName }).reshape(t.shape);
}

/**
 * The case's arguments, decoded afresh (inputs PyTorch differentiates require grad: decoded with
 * grad mode on, so that a transposed one is still found by mapDiff under noGrad).
 */
export function caseArgs(c: OpCase): unknown[] {
  return torch.enableGrad(() => {
    const args = c.args.map((a) => decode(a, true));
    const kwargs = decodeKwargs(c.kwargs);
    return Object.keys(kwargs).length ? [...args, kwargs] : args;
  });
}

/** The inputs PyTorch differentiates, detached. */
export function casePrimals(c: OpCase): Tensor[] {
  const primals: Tensor[] = [];
  mapDiff(caseArgs(c), (t) => { primals.push(t.detach()); return t; });
  return primals;
}

/** The case's floating outputs with `ps` in place of the differentiated inputs (the same draws each call). */
export function callCase(c: OpCase, ps: readonly Tensor[]): Tensor[] {
  let k = 0;
  const args = mapDiff(caseArgs(c), () => ps[k++]!) as unknown[];
  torch.manualSeed(0);
  return floatOutputs(resolveFn(c).call(args));
}

/** got ≈ expected element by element (NaN where expected is NaN), or a message naming the first miss. */
export function mismatch(id: string, got: readonly (Tensor | null)[], expected: readonly Tensor[], tol: number): string[] {
  const wrong: string[] = [];
  expected.forEach((e, i) => {
    const g = got[i];
    if (!g) { wrong.push(`${id}: output ${i} has no tangent`); return; }
    const a = g.double().reshape(-1).tolist() as number[], b = e.reshape(-1).tolist() as number[];
    const bad = b.findIndex((v, j) => !(Math.abs(a[j]! - v) <= tol * (1 + Math.abs(v))) && !(Number.isNaN(v) && Number.isNaN(a[j]!)));
    if (a.length !== b.length || bad >= 0) wrong.push(`${id}: output ${i} element ${bad}: ${a[bad]} vs ${b[bad]}`);
  });
  return wrong;
}
