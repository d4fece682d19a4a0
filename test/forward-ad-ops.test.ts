// Every differentiable op of the sample table (test/fixtures/conformance/ops.jsonl, the cases with
// gradients) under forward-mode AD: each input that PyTorch differentiates is made dual with a
// fixed pseudo-random tangent t, under noGrad and on inputs that do not require grad, and the
// outputs' tangents must equal J·t computed in reverse mode (autograd.functional.jvp's two reverse
// passes on inputs that require grad). This shows that a dual tensor reaches the tangent rule in
// every op (no path that skips recording). Ops PyTorch has no forward AD for refuse as PyTorch.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadOpCases, NotImplemented, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { decode, decodeKwargs, floatOutputs } from "./conformance/values.js";

type Tensor = torch.Tensor;
const fwAD = torch.autograd.forwardAd;

/** Replaces each tensor that requires grad (deep in arrays and options) by make(it). */
function mapDiff(v: unknown, make: (t: Tensor) => Tensor): unknown {
  if (v instanceof torch.Tensor) return v.requiresGrad ? make(v) : v;
  if (Array.isArray(v)) return v.map((x) => mapDiff(x, make));
  if (v !== null && typeof v === "object" && v.constructor === Object) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapDiff(x, make)]));
  return v;
}

/** Deterministic tangents: values in [-1, 1) from a counter (no generator draw). */
function tangentFor(t: Tensor, seed: number): Tensor {
  const n = t.numel();
  const vals = Array.from({ length: n }, (_, i) => Math.sin(1 + seed * 7.3 + i * 1.7));
  return torch.tensor(vals, { dtype: t.dtype.name as torch.DTypeName }).reshape(t.shape);
}

function caseArgs(c: OpCase): unknown[] {
  const args = c.args.map((a) => decode(a, true));
  const kwargs = decodeKwargs(c.kwargs);
  return Object.keys(kwargs).length ? [...args, kwargs] : args;
}

/**
 * J·t by reverse mode: autograd.functional.jvp (two reverse passes through the graph recorded on
 * inputs that require grad, PyTorch's double-backward trick) on the same inputs and tangents.
 */
function reverseJt(c: OpCase, primals: Tensor[], tangents: Tensor[]): Tensor[] {
  const call = (...ps: Tensor[]): Tensor[] => {
    let k = 0;
    const args = mapDiff(caseArgs(c), () => ps[k++]!) as unknown[];
    torch.manualSeed(0);
    return floatOutputs(resolveFn(c).call(args));
  };
  return torch.autograd.functional.jvp(call, primals, tangents)[1] as Tensor[];
}

/** Ops without forward AD in PyTorch either (their backward has no derivative): PyTorch's refusal. */
const NO_FORWARD_AD: Record<string, string> = {
  "F.grid_sample#1": "Trying to use forward AD with grid_sampler_2d that does not support it because it has not been implemented yet.",
  "F.ctc_loss#1": "Trying to use forward AD with _ctc_loss that does not support it because it has not been implemented yet.",
};

test("every differentiable op of the sample table: forward-mode tangents equal J·t from reverse mode", () => {
  // The first differentiable case of each op (and of its method form): every op, in seconds.
  const seen = new Set<string>();
  const cases = loadOpCases().filter((c) => {
    const key = `${c.fn}|${c.method ?? false}`;
    if (!c.grad || c.error || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const wrong: string[] = [];
  let checked = 0, refused = 0;
  for (const c of cases) {
    const primals: Tensor[] = [];
    mapDiff(caseArgs(c), (t) => { primals.push(t.detach()); return t; });
    const tangents = primals.map((p, i) => tangentFor(p, i));
    let forward: (Tensor | null)[];
    try {
      forward = fwAD.dualLevel(() => {
        let k = 0;
        const args = mapDiff(caseArgs(c), () => { const i = k++; return fwAD.makeDual(primals[i]!, tangents[i]!); }) as unknown[];
        torch.manualSeed(0);
        return floatOutputs(torch.noGrad(() => resolveFn(c).call(args))).map((o) => fwAD.unpackDual(o).tangent);
      });
    } catch (e) {
      if (e instanceof NotImplemented) continue;
      if (NO_FORWARD_AD[c.id] === (e as Error).message) { refused++; continue; }
      wrong.push(`${c.id}: forward mode threw ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    const expected = reverseJt(c, primals, tangents);
    const f32 = primals.some((p) => p.dtype.name !== "float64");
    const tol = f32 ? 1e-3 : 1e-8;
    expected.forEach((e, i) => {
      const got = forward[i];
      if (!got) { wrong.push(`${c.id}: output ${i} has no tangent`); return; }
      const a = got.double().reshape(-1).tolist() as number[], b = e.reshape(-1).tolist() as number[];
      const bad = b.findIndex((v, j) => !(Math.abs(a[j]! - v) <= tol * (1 + Math.abs(v))) && !(Number.isNaN(v) && Number.isNaN(a[j]!)));
      if (a.length !== b.length || bad >= 0) wrong.push(`${c.id}: output ${i} element ${bad}: ${a[bad]} vs J·t ${b[bad]}`);
    });
    checked++;
  }
  console.log(`forward-mode AD: ${checked} sample cases checked`);
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 200, `only ${checked} cases checked`);
  assert.equal(refused, Object.keys(NO_FORWARD_AD).length);
});
