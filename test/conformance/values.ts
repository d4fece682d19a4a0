// Decoding the conformance files' value encoding into torch-ts values, and comparing results
// with PyTorch's recorded ones (format: test/fixtures/conformance/README.md).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/conformance/", import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface EncodedTensor {
  T: string;
  shape: number[];
  data: (number | string | boolean)[];
  transpose?: [number, number];
  requires_grad?: boolean;
}

export function readJsonl<T>(name: string): T[] {
  return readFileSync(FIXTURES + name, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export function isEncodedTensor(v: unknown): v is EncodedTensor {
  return typeof v === "object" && v !== null && "T" in v && "shape" in v && "data" in v;
}

function num(v: number | string | boolean): number | boolean {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v as number | boolean;
}

/** The leaf tensor behind a decoded view (gradients are taken with respect to it). */
export const LEAVES = new WeakMap<torch.Tensor, torch.Tensor>();
export function leafOf(t: torch.Tensor): torch.Tensor { return LEAVES.get(t) ?? t; }

export function decodeTensor(e: EncodedTensor, withGrad = true): torch.Tensor {
  // "transpose": built with `shape` (the leaf that gradients refer to), then passed as a
  // transposed, non-contiguous view.
  const leaf = torch.tensor(e.data.map(num) as number[], { dtype: e.T as torch.DTypeName }).reshape(e.shape);
  if (withGrad && e.requires_grad) leaf.requiresGrad_(true);
  if (!e.transpose) return leaf;
  const t = leaf.transpose(e.transpose[0], e.transpose[1]);
  LEAVES.set(t, leaf);
  return t;
}

/** Decodes args/kwargs values: tensors, dtypes, named tuples, lists. */
export function decode(v: Json, withGrad = true): unknown {
  if (Array.isArray(v)) return v.map((x) => decode(x, withGrad));
  if (v !== null && typeof v === "object") {
    if (isEncodedTensor(v)) return decodeTensor(v as unknown as EncodedTensor, withGrad);
    if ("dtype" in v && Object.keys(v).length === 1) return v.dtype as string;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decode(x, withGrad);
    return out;
  }
  if (v === "nan" || v === "inf" || v === "-inf") return num(v);
  return v;
}

export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** kwargs → the trailing options object of the translation rule. */
export function decodeKwargs(kwargs: Record<string, Json>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) out[camel(k)] = decode(v);
  return out;
}

export interface Tol { atol: number; rtol: number }

/** Compares an actual result with an encoded expected one; returns a reason on mismatch, else null. */
export function compare(actual: unknown, expected: Json, tol: Tol, path = "out"): string | null {
  if (isEncodedTensor(expected)) {
    if (!(actual instanceof torch.Tensor)) return `${path}: expected a tensor, got ${typeof actual}`;
    const e = expected as unknown as EncodedTensor;
    if (actual.dtype.name !== e.T) return `${path}: dtype ${actual.dtype.name}, expected ${e.T}`;
    if (actual.shape.join() !== e.shape.join()) return `${path}: shape [${actual.shape}], expected [${e.shape}]`;
    const vals = actual.reshape(-1).tolist() as (number | boolean | bigint)[];
    for (let i = 0; i < vals.length; i++) {
      const a = vals[i]!, x = num(e.data[i]!);
      if (typeof x === "boolean" || typeof a === "boolean") {
        if (Boolean(a) !== Boolean(x)) return `${path}[${i}]: ${a} vs expected ${x}`;
        continue;
      }
      const an = Number(a), xn = Number(x);
      if (Number.isNaN(xn) && Number.isNaN(an)) continue;
      if (!actual.dtype.isFloatingPoint) {
        if (an !== xn) return `${path}[${i}]: ${an} vs expected ${xn}`;
        continue;
      }
      if (an === xn) continue;
      if (!(Math.abs(an - xn) <= tol.atol + tol.rtol * Math.abs(xn))) return `${path}[${i}]: ${an} vs expected ${xn}`;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "NT" in expected) {
    const nt = expected.NT as Record<string, Json>;
    const arr = actual as unknown[] & Record<string, unknown>;
    if (!Array.isArray(arr)) return `${path}: expected a named tuple`;
    let i = 0;
    for (const [k, v] of Object.entries(nt)) {
      const byName = arr[k];
      if (byName === undefined) return `${path}.${k}: missing field`;
      const r = compare(byName, v, tol, `${path}.${k}`) ?? compare(arr[i], v, tol, `${path}[${i}]`);
      if (r) return r;
      i++;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list of ${expected.length}, got ${actual instanceof torch.Tensor ? "a tensor" : typeof actual}`;
    if (actual.length !== expected.length) return `${path}: length ${actual.length}, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const r = compare(actual[i], expected[i]!, tol, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (typeof expected === "number" || expected === "nan" || expected === "inf" || expected === "-inf") {
    const x = num(expected) as number;
    const a = actual instanceof torch.Tensor ? Number(actual.item()) : Number(actual);
    if (Number.isNaN(x) && Number.isNaN(a)) return null;
    if (typeof actual !== "number" && !(actual instanceof torch.Tensor) && typeof actual !== "bigint") return `${path}: expected a number, got ${typeof actual}`;
    if (a === x || Math.abs(a - x) <= tol.atol + tol.rtol * Math.abs(x)) return null;
    return `${path}: ${a} vs expected ${x}`;
  }
  if (typeof expected === "boolean") {
    const a = actual instanceof torch.Tensor ? actual.item() : actual;
    return a === expected ? null : `${path}: ${String(a)} vs expected ${expected}`;
  }
  if (expected === null) return actual === null || actual === undefined ? null : `${path}: expected None`;
  return `${path}: unsupported expected value ${JSON.stringify(expected).slice(0, 80)}`;
}

/** Float output tensors of a result, in order (for grad_outputs). */
export function floatOutputs(v: unknown): torch.Tensor[] {
  if (v instanceof torch.Tensor) return v.dtype.isFloatingPoint ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(floatOutputs);
  return [];
}
