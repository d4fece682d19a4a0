// Runs one ops.jsonl case through the translation rule: forward values, gradients, errors.

import * as torch from "../../src/index.js";
import { type Json, leafOf, camel, compare, decode, decodeKwargs, floatOutputs, readJsonl, type Tol } from "./values.js";

export interface OpCase {
  id: string;
  fn: string;
  method?: boolean;
  args: Json[];
  kwargs: Record<string, Json>;
  out?: Json;
  error?: string;
  message?: string;
  atol?: number;
  rtol?: number;
  grad?: { grad_outputs: Json[]; inputs: [number, Json][] };
}

export interface OpResult {
  id: string;
  kind: "forward" | "error";
  forward: "pass" | "fail" | "skip";
  grad: "pass" | "fail" | "none";
  reason?: string;
}

type AnyFn = (...a: unknown[]) => unknown;

export function resolveFn(c: OpCase): { call: (args: unknown[]) => unknown } {
  const name = c.fn;
  if (c.method) {
    const m = camel(name.replace(/^torch\./, "").replace(/^Tensor\./, ""));
    return {
      call: (args) => {
        const self = args[0] as Record<string, unknown>;
        const f = self[m] as AnyFn | undefined;
        if (typeof f !== "function") throw new NotImplemented(`Tensor.${m}`);
        return f.apply(self, args.slice(1));
      },
    };
  }
  let ns: Record<string, unknown>;
  let fname: string;
  if (name.startsWith("F.")) { ns = torch.nn.functional as unknown as Record<string, unknown>; fname = name.slice(2); }
  else if (name.startsWith("torch.linalg.")) { ns = torch.linalg as unknown as Record<string, unknown>; fname = name.slice(13); }
  else if (name.startsWith("torch.special.")) { ns = (torch as unknown as Record<string, Record<string, unknown>>).special ?? {}; fname = name.slice(14); }
  else { ns = torch as unknown as Record<string, unknown>; fname = name.replace(/^torch\./, ""); }
  const f = ns[camel(fname)] as AnyFn | undefined;
  return {
    call: (args) => {
      if (typeof f !== "function") throw new NotImplemented(name);
      return f(...args);
    },
  };
}

export class NotImplemented extends Error {
  constructor(what: string) { super(`not implemented: ${what}`); }
}

function callCase(c: OpCase, withGrad: boolean): { args: unknown[]; result: unknown } {
  const args = c.args.map((a) => decode(a, withGrad));
  const kwargs = decodeKwargs(c.kwargs);
  const callArgs = Object.keys(kwargs).length ? [...args, kwargs] : args;
  const result = resolveFn(c).call(callArgs);
  return { args, result };
}

export function runOpCase(c: OpCase): OpResult {
  const tol: Tol = { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4 };
  if (c.error) {
    try {
      callCase(c, false);
      return { id: c.id, kind: "error", forward: "fail", grad: "none", reason: `did not throw (PyTorch: ${c.message})` };
    } catch (e) {
      if (e instanceof NotImplemented) return { id: c.id, kind: "error", forward: "fail", grad: "none", reason: e.message };
      return { id: c.id, kind: "error", forward: "pass", grad: "none", reason: (e as Error).message };
    }
  }
  let args: unknown[], result: unknown;
  try {
    ({ args, result } = callCase(c, true));
  } catch (e) {
    return { id: c.id, kind: "forward", forward: "fail", grad: c.grad ? "fail" : "none", reason: `threw: ${(e as Error).message.split("\n")[0]}` };
  }
  const fwd = compare(result, c.out ?? null, tol);
  const res: OpResult = { id: c.id, kind: "forward", forward: fwd ? "fail" : "pass", grad: "none", reason: fwd ?? undefined };
  if (!c.grad) return res;
  try {
    const outs = floatOutputs(result);
    const gos = c.grad.grad_outputs.map((g) => decode(g, false) as torch.Tensor);
    // The differentiated inputs: each [argIndex, expected]; list arguments give one pair per element.
    const perArgCount = new Map<number, number>();
    const inputs: torch.Tensor[] = [];
    const expected: Json[] = [];
    for (const [idx, exp] of c.grad.inputs) {
      const a = args[idx];
      const k = perArgCount.get(idx) ?? 0;
      perArgCount.set(idx, k + 1);
      inputs.push(leafOf((Array.isArray(a) ? a[k] : a) as torch.Tensor));
      expected.push(exp);
    }
    const used = outs.filter((o) => o.requiresGrad);
    if (used.length === 0) throw new Error("no output requires grad");
    const pairs = outs.map((o, i) => [o, gos[i]] as const).filter(([o]) => o.requiresGrad);
    const grads = torch.autograd.grad(pairs.map((p) => p[0]), inputs, { gradOutputs: pairs.map((p) => p[1]!), allowUnused: true });
    for (let i = 0; i < inputs.length; i++) {
      const g = grads[i] ?? inputs[i]!.detach().mul(0);
      const r = compare(g, expected[i]!, { atol: Math.max(tol.atol, 1e-5), rtol: Math.max(tol.rtol, 1e-4) }, `grad[${i}]`);
      if (r) { res.grad = "fail"; res.reason = r; return res; }
    }
    res.grad = "pass";
  } catch (e) {
    res.grad = "fail";
    res.reason = `grad threw: ${(e as Error).message.split("\n")[0]}`;
  }
  return res;
}

export function loadOpCases(): OpCase[] {
  return readJsonl<OpCase>("ops.jsonl");
}

export interface Summary { forward: [number, number]; grad: [number, number]; errors: [number, number]; failures: OpResult[] }

export function summarize(results: OpResult[]): Summary {
  const s: Summary = { forward: [0, 0], grad: [0, 0], errors: [0, 0], failures: [] };
  for (const r of results) {
    if (r.kind === "error") { s.errors[1]++; if (r.forward === "pass") s.errors[0]++; else s.failures.push(r); continue; }
    s.forward[1]++;
    if (r.forward === "pass") s.forward[0]++;
    if (r.grad !== "none") { s.grad[1]++; if (r.grad === "pass") s.grad[0]++; }
    if (r.forward === "fail" || r.grad === "fail") s.failures.push(r);
  }
  return s;
}
