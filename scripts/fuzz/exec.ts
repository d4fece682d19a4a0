// Runs one fuzz call's code and reduces what it gave (a result or a thrown error) to plain JSON,
// so that two processes on different backends can compare their outcomes.

import * as torch from "../../src/index.js";

export type Summary =
  | { t: "tensor"; dtype: string; shape: number[]; values?: (number | string)[] }
  | { t: "list"; items: Summary[] }
  | { t: "value"; v: number | string | boolean | null }
  | { t: "other"; type: string };

export type Outcome =
  | { ok: true; result: Summary }
  | { ok: false; name: string; message: string };

/** Elements read from a result for comparison: all of a small one, an even sample of a large one. */
const READ_ALL = 4096;
const SAMPLES = 256;
/** Results larger than this are compared by shape and dtype only (reading them costs too much). */
const READ_NONE = 1 << 22;

function plain(v: unknown): number | string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v !== null && typeof v === "object" && "re" in v && "im" in v) return `${plain((v as { re: unknown }).re)}+${plain((v as { im: unknown }).im)}i`;
  return String(v);
}

export function summarize(v: unknown): Summary {
  if (v instanceof torch.Tensor) {
    const s: Summary = { t: "tensor", dtype: v.dtype.name, shape: [...v.shape] };
    const n = v.numel();
    if (n > READ_NONE) return s;
    let flat = v.detach().reshape(-1);
    if (n > READ_ALL) flat = flat.get(`::${Math.floor(n / SAMPLES)}`) as torch.Tensor;
    if (v.dtype.isComplex) flat = torch.viewAsReal(flat.resolveConj()).reshape(-1);
    s.values = (flat.tolist() as unknown[]).map(plain);
    return s;
  }
  if (Array.isArray(v)) return { t: "list", items: v.map(summarize) };
  if (v === null || v === undefined) return { t: "value", v: null };
  if (typeof v === "number") return { t: "value", v: Number.isFinite(v) ? v : String(v) };
  if (typeof v === "boolean" || typeof v === "string") return { t: "value", v };
  if (typeof v === "bigint") return { t: "value", v: v.toString() };
  return { t: "other", type: typeof v };
}

type CallFn = (t: typeof torch, F: typeof torch.nn.functional, nn: typeof torch.nn, optim: typeof torch.optim) => unknown;

export function compile(code: string): CallFn {
  return new Function("torch", "F", "nn", "optim", code) as CallFn;
}

export function runCall(code: string): Outcome {
  try {
    const r = compile(code)(torch, torch.nn.functional, torch.nn, torch.optim);
    return { ok: true, result: summarize(r) };
  } catch (e) {
    if (e instanceof Error) return { ok: false, name: e.constructor.name, message: e.message.split("\n")[0]!.slice(0, 300) };
    return { ok: false, name: typeof e, message: String(e).slice(0, 300) };
  }
}

/**
 * Errors that are not an op's own argument check: JavaScript's from inside the library
 * (a TypeError on undefined, a RangeError from a typed array's length, a stack overflow).
 */
export function isUnclearError(o: Outcome): boolean {
  if (o.ok) return false;
  // The fuzzer's in-place form of an op that has none: Python's AttributeError too.
  if (/^a\.\w+_ is not a function$/.test(o.message)) return false;
  return o.name !== "Error" || /Cannot read properties|is not a function|is not iterable|Invalid typed array length|Invalid array length|Maximum call stack/.test(o.message);
}

/** Two outcomes agree: both threw, or both gave the same structure with values within tolerance. */
export function sameOutcome(a: Outcome, b: Outcome, rtol = 1e-4, atol = 1e-5): string | null {
  if (!a.ok || !b.ok) {
    if (!a.ok && !b.ok) return null;
    return !a.ok ? `native threw "${a.message}", js returned` : `js threw "${(b as { message: string }).message}", native returned`;
  }
  return sameSummary(a.result, b.result, rtol, atol, "result");
}

function sameSummary(a: Summary, b: Summary, rtol: number, atol: number, path: string): string | null {
  if (a.t !== b.t) return `${path}: ${a.t} vs ${b.t}`;
  if (a.t === "tensor" && b.t === "tensor") {
    if (a.dtype !== b.dtype) return `${path}: dtype ${a.dtype} vs ${b.dtype}`;
    if (a.shape.join() !== b.shape.join()) return `${path}: shape [${a.shape}] vs [${b.shape}]`;
    const av = a.values ?? [], bv = b.values ?? [];
    if (av.length !== bv.length) return `${path}: ${av.length} vs ${bv.length} values read`;
    const loose = a.dtype === "float16" || a.dtype === "bfloat16" ? 1e-2 : 1;
    for (let i = 0; i < av.length; i++) {
      const x = av[i]!, y = bv[i]!;
      if (x === y) continue;
      if (typeof x === "number" && typeof y === "number" && Math.abs(x - y) <= loose * (atol + rtol * Math.max(Math.abs(x), Math.abs(y)))) continue;
      return `${path}[${i}]: ${x} vs ${y}`;
    }
    return null;
  }
  if (a.t === "list" && b.t === "list") {
    if (a.items.length !== b.items.length) return `${path}: length ${a.items.length} vs ${b.items.length}`;
    for (let i = 0; i < a.items.length; i++) {
      const r = sameSummary(a.items[i]!, b.items[i]!, rtol, atol, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (a.t === "value" && b.t === "value") {
    if (a.v === b.v) return null;
    if (typeof a.v === "number" && typeof b.v === "number" && Math.abs(a.v - b.v) <= atol + rtol * Math.abs(b.v)) return null;
    return `${path}: ${String(a.v)} vs ${String(b.v)}`;
  }
  return null;
}
