// Generic op tests driven by one sample table: the cases of ops.jsonl. For every op and sample:
//  - non-contiguous inputs (same values, strided storage) give the same result as contiguous ones;
//  - on float64 samples with gradients, autograd agrees with finite differences (gradcheck).

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadOpCases, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { decode, decodeKwargs, floatOutputs } from "./conformance/values.js";
import { KNOWN_GENERIC_FAILURES } from "./conformance/known-failures.js";

/** Ops whose result depends on random draws or that fail by design on these samples. */
/** Ops that read one triangle of a symmetric input: gradcheck them on (x + x^T) / 2. */
const SYMMETRIC = new Set(["torch.linalg.cholesky", "torch.linalg.eigh", "torch.linalg.eigvalsh", "torch.cholesky"]);
const RANDOM = new Set(["F.dropout", "F.rrelu", "F.alpha_dropout", "F.feature_alpha_dropout", "torch.bernoulli", "torch.multinomial", "torch.normal"]);

function nonContiguous(t: torch.Tensor): torch.Tensor {
  if (t.dim() === 0 || t.numel() === 0) return t;
  // A view with stride 2 on the last dim: the same values, not contiguous.
  const base = t.detach().newZeros([...t.shape, 2]);
  const v = base.select(-1, 0);
  v.copy_(t.detach());
  if (t.requiresGrad) v.requiresGrad_(true);
  return v;
}

function mapTensors(v: unknown, f: (t: torch.Tensor) => torch.Tensor): unknown {
  if (v instanceof torch.Tensor) return f(v);
  if (Array.isArray(v)) return v.map((x) => mapTensors(x, f));
  return v;
}

function call(c: OpCase, args: unknown[]): unknown {
  const kw = decodeKwargs(c.kwargs);
  return resolveFn(c).call(Object.keys(kw).length ? [...args, kw] : args);
}

function flatValues(v: unknown): number[] {
  if (v instanceof torch.Tensor) return (v.detach().reshape(-1).tolist() as (number | boolean | bigint)[]).map(Number);
  if (Array.isArray(v)) return v.flatMap(flatValues);
  if (typeof v === "number" || typeof v === "boolean") return [Number(v)];
  return [];
}

function close(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => x === b[i] || (Number.isNaN(x) && Number.isNaN(b[i]!)) || Math.abs(x - b[i]!) <= 1e-9 + 1e-6 * Math.abs(b[i]!));
}

const cases = loadOpCases().filter((c) => !c.error && !RANDOM.has(c.fn));

test("every op gives the same result on non-contiguous inputs", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const c of cases) {
    let expected: unknown, actual: unknown;
    try {
      expected = call(c, c.args.map((a) => decode(a, false)));
    } catch {
      continue; // the conformance test reports ops that fail outright
    }
    try {
      actual = call(c, c.args.map((a) => mapTensors(decode(a, false), nonContiguous)));
    } catch (e) {
      failures.push(`${c.id}: threw on non-contiguous input: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    checked++;
    if (!close(flatValues(actual), flatValues(expected))) failures.push(`${c.id}: non-contiguous result differs`);
  }
  console.log(`non-contiguous: ${checked - failures.length}/${checked} samples agree`);
  for (const f of failures) console.log(`  ${KNOWN_GENERIC_FAILURES.has(f.split(":")[0]!) ? "known" : "NEW  "} ${f}`);
  assert.deepEqual(failures.filter((f) => !KNOWN_GENERIC_FAILURES.has(f.split(":")[0]!)), []);
});

test("gradients agree with finite differences (gradcheck) on float64 samples", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const c of cases) {
    if (!c.grad) continue;
    const args = c.args.map((a) => decode(a, true));
    const leaves: torch.Tensor[] = [];
    mapTensors(args, (t) => { if (t.requiresGrad && t.isLeaf) leaves.push(t); return t; });
    if (!leaves.length || leaves.some((t) => t.dtype.name !== "float64") || leaves.reduce((s, t) => s + t.numel(), 0) > 40) continue;
    // Rebuild the arguments from the differentiated leaves on each call.
    const fn = (...xs: torch.Tensor[]): torch.Tensor[] => {
      let k = 0;
      const sym = (t: torch.Tensor) => (SYMMETRIC.has(c.fn) ? t.add(t.mT).div(2) : t);
      const rebuilt = mapTensors(args, (t) => (t.requiresGrad && t.isLeaf ? sym(xs[k++]!) : t)) as unknown[];
      return floatOutputs(call(c, rebuilt));
    };
    try {
      const outs = fn(...leaves);
      if (outs.reduce((s, t) => s + t.numel(), 0) > 60) continue;
      // Samples outside the function's domain (NaN/inf outputs) have no finite differences.
      if (outs.some((t) => !(t.isfinite().all().item() as boolean))) continue;
      checked++;
      torch.autograd.gradcheck(fn, leaves, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
    } catch (e) {
      failures.push(`${c.id}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  console.log(`gradcheck: ${checked - failures.length}/${checked} samples agree`);
  for (const f of failures) console.log(`  ${KNOWN_GENERIC_FAILURES.has(f.split(":")[0]!) ? "known" : "NEW  "} ${f}`);
  assert.deepEqual(failures.filter((f) => !KNOWN_GENERIC_FAILURES.has(f.split(":")[0]!)), []);
});
