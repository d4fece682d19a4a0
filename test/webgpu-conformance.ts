// Runs ops.jsonl conformance cases on a device ("cpu" or "webgpu"): float64 inputs become float32
// (the GPU's float), tensors move to the device (leaves keep requires_grad there), values and
// gradients come back asynchronously and are compared within float32 tolerance.

import * as torch from "../src/index.js";
import { type OpCase, resolveFn } from "./conformance/ops-runner.js";
import { type EncodedTensor, type Json, camel, isEncodedTensor, readJsonl } from "./conformance/values.js";

export type DeviceName = "cpu" | "webgpu";

export interface CaseResult { id: string; status: "pass" | "fail" | "skip"; reason?: string }

const GPU_DTYPES = new Set(["float32", "float64", "int32", "int64", "bool"]);

function num(v: number | string | boolean): number | boolean {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v as number | boolean;
}

function usable(v: Json): boolean {
  if (Array.isArray(v)) return v.every(usable);
  if (v !== null && typeof v === "object") {
    if (isEncodedTensor(v)) return GPU_DTYPES.has((v as unknown as EncodedTensor).T);
    return Object.values(v).every(usable);
  }
  return true;
}

/** A decoded argument on `device`; float64 becomes float32. Leaves are collected for gradients. */
function decodeOn(v: Json, device: DeviceName, leaves: torch.Tensor[]): unknown {
  if (Array.isArray(v)) return v.map((x) => decodeOn(x, device, leaves));
  if (v !== null && typeof v === "object") {
    if (isEncodedTensor(v)) {
      const e = v as unknown as EncodedTensor;
      const dtype = e.T === "float64" ? "float32" : e.T;
      let leaf = torch.tensor(e.data.map(num) as number[], { dtype: dtype as torch.DTypeName }).reshape(e.shape).to(device);
      if (e.requires_grad) leaf = leaf.requiresGrad_(true);
      leaves.push(leaf);
      return e.transpose ? leaf.transpose(e.transpose[0], e.transpose[1]) : leaf;
    }
    if ("dtype" in v && Object.keys(v).length === 1) {
      const d = v.dtype as string;
      return d === "float64" ? "float32" : d;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeOn(x, device, leaves);
    return out;
  }
  if (v === "nan" || v === "inf" || v === "-inf") return num(v);
  return v;
}

interface Tol { atol: number; rtol: number }

async function compareTo(actual: unknown, expected: Json, tol: Tol, path: string): Promise<string | null> {
  if (isEncodedTensor(expected)) {
    if (!(actual instanceof torch.Tensor)) return `${path}: expected a tensor`;
    const e = expected as unknown as EncodedTensor;
    const want = e.T === "float64" ? "float32" : e.T;
    if (actual.dtype.name !== want) return `${path}: dtype ${actual.dtype.name}, expected ${want}`;
    if (actual.shape.join() !== e.shape.join()) return `${path}: shape [${actual.shape}], expected [${e.shape}]`;
    const vals = (await actual.detach().reshape(-1).tolistAsync()) as (number | boolean | bigint)[];
    for (let i = 0; i < vals.length; i++) {
      const a = vals[i]!, x = num(e.data[i]!);
      if (typeof x === "boolean" || typeof a === "boolean") {
        if (Boolean(a) !== Boolean(x)) return `${path}[${i}]: ${a} vs ${x}`;
        continue;
      }
      const an = Number(a), xn = Number(x);
      if (Number.isNaN(xn) && Number.isNaN(an)) continue;
      if (an === xn) continue;
      if (!actual.dtype.isFloatingPoint || !(Math.abs(an - xn) <= tol.atol + tol.rtol * Math.abs(xn))) return `${path}[${i}]: ${an} vs ${xn}`;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "NT" in expected) {
    const arr = actual as unknown[];
    let i = 0;
    for (const v of Object.values(expected.NT as Record<string, Json>)) {
      const r = await compareTo(arr[i], v, tol, `${path}[${i}]`);
      if (r) return r;
      i++;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path}: expected a list of ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const r = await compareTo(actual[i], expected[i]!, tol, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (typeof expected === "number") {
    const a = actual instanceof torch.Tensor ? Number(await actual.itemAsync()) : Number(actual);
    return Math.abs(a - expected) <= tol.atol + tol.rtol * Math.abs(expected) ? null : `${path}: ${a} vs ${expected}`;
  }
  return `${path}: unsupported expected value`;
}

function floatOutputs(v: unknown): torch.Tensor[] {
  if (v instanceof torch.Tensor) return v.dtype.isFloatingPoint ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(floatOutputs);
  return [];
}

/** float32 tolerance, or the case's own where it is looser. */
const TOL: Tol = { atol: 2e-4, rtol: 2e-3 };

export async function runCaseOn(c: OpCase, device: DeviceName): Promise<CaseResult> {
  if (c.error || !usable(c.args as Json) || !usable(c.kwargs as Json)) return { id: c.id, status: "skip", reason: "dtype or error case" };
  const leaves: torch.Tensor[] = [];
  const tol = { atol: Math.max(TOL.atol, c.atol ?? 0), rtol: Math.max(TOL.rtol, c.rtol ?? 0) };
  let result: unknown;
  try {
    const args = c.args.map((a) => decodeOn(a, device, leaves));
    const kw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.kwargs)) kw[camel(k)] = decodeOn(v, device, []);
    result = resolveFn(c).call(Object.keys(kw).length ? [...args, kw] : args);
  } catch (e) {
    const m = (e as Error).message;
    if (/not implemented for the 'webgpu' device|not supported on the 'webgpu' device/.test(m)) return { id: c.id, status: "skip", reason: m.split(";")[0] };
    return { id: c.id, status: "fail", reason: `threw: ${m.split("\n")[0]}` };
  }
  const fwd = await compareTo(result, c.out ?? null, tol, "out");
  if (fwd) return { id: c.id, status: "fail", reason: fwd };
  if (!c.grad) return { id: c.id, status: "pass" };
  try {
    const outs = floatOutputs(result).filter((o) => o.requiresGrad);
    const gos = c.grad.grad_outputs.map((g) => decodeOn(g, device, []) as torch.Tensor);
    const pairs = floatOutputs(result).map((o, i) => [o, gos[i]] as const).filter(([o]) => o.requiresGrad);
    if (outs.length === 0) return { id: c.id, status: "fail", reason: "no output requires grad" };
    const gradLeaves = leaves.filter((l) => l.requiresGrad);
    const grads = torch.autograd.grad(pairs.map((p) => p[0]), gradLeaves, { gradOutputs: pairs.map((p) => p[1]!), allowUnused: true });
    for (let i = 0; i < c.grad.inputs.length && i < gradLeaves.length; i++) {
      const g = grads[i] ?? gradLeaves[i]!.detach().mul(0);
      const r = await compareTo(g, c.grad.inputs[i]![1], tol, `grad[${i}]`);
      if (r) return { id: c.id, status: "fail", reason: r };
    }
  } catch (e) {
    const m = (e as Error).message;
    if (/not implemented for the 'webgpu' device/.test(m)) return { id: c.id, status: "skip", reason: `grad: ${m.split(";")[0]}` };
    return { id: c.id, status: "fail", reason: `grad threw: ${m.split("\n")[0]}` };
  }
  return { id: c.id, status: "pass" };
}

export function loadCases(fns: readonly string[]): OpCase[] {
  const want = new Set(fns);
  return readJsonl<OpCase>("ops.jsonl").filter((c) => want.has(c.fn) && !c.error);
}
