// Helpers shared by the module families (not exported from torch.nn): constructor argument
// binding under the translation rule, PyTorch's _single/_pair/_triple, and Python's repr/str of
// the values extra_repr prints.

import { Tensor } from "../../core/tensor.js";
import { bindArgs } from "../../ops/args.js";
import type { DTypeLike } from "../../core/dtype.js";
import { type DeviceLike, toDevice } from "../../core/storage.js";
import { defaultDeviceOrNull } from "../../core/default-device.js";

/** The `device`/`dtype` factory keywords every parameterised module takes. */
export interface FactoryOptions { device?: string | null; dtype?: DTypeLike | null }

/**
 * The factory keyword `device` of a module's constructor: its parameters and buffers are made and
 * initialised on the CPU (PyTorch's CPU initialisation streams), then moved to that device, so
 * `new nn.Linear(3, 4, { device: "webgpu" })` is `new nn.Linear(3, 4).to("webgpu")`. Called last in
 * the constructor of each module that takes the keyword.
 */
export function placeOnDevice(module: { to(device: string): unknown }, a: Record<string, unknown>): void {
  // torch.set_default_device applies where the module names none, as PyTorch's factories do.
  const device = a.device ?? defaultDeviceOrNull();
  if (device === undefined || device === null) return;
  // toDevice parses (and refuses, in PyTorch's words) as every factory does.
  const d = toDevice(device as DeviceLike);
  if (d.type !== "cpu") module.to(String(d));
}

export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function pyList(names: string[]): string {
  const q = names.map((n) => `'${snake(n)}'`);
  if (q.length === 1) return q[0]!;
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
}

/**
 * Binds a module constructor's arguments: positional in PyTorch's order or in one trailing
 * options object (camelCase names). The first `required` names must be given.
 */
export function bindCtor(cls: string, args: readonly unknown[], names: readonly string[], required = 0, kwOnly: readonly string[] = []): Record<string, unknown> {
  const a = bindArgs(cls, args, names, kwOnly);
  const missing = names.slice(0, required).filter((n) => a[n] === undefined);
  if (missing.length) {
    throw new Error(`${cls}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${pyList(missing)}`);
  }
  return a;
}

/** Binds forward() arguments the same way (a trailing options object, camelCase names). */
export function bindForward(cls: string, args: readonly unknown[], names: readonly string[], required = 0): Record<string, unknown> {
  const a = bindArgs(`${cls}.forward`, args, names);
  const missing = names.slice(0, required).filter((n) => a[n] === undefined);
  if (missing.length) {
    throw new Error(`${cls}.forward() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${pyList(missing)}`);
  }
  return a;
}

/** The dtype factory keyword as the creation ops take it. */
export function factory(a: Record<string, unknown>): { dtype?: DTypeLike } {
  return a.dtype ? { dtype: a.dtype as DTypeLike } : {};
}

/** PyTorch's _ntuple: an int repeated n times, or a sequence of length n. */
export function ntuple(cls: string, name: string, v: unknown, n: number): number[] {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new Error(`${cls}: ${snake(name)} must be an int or a tuple of ${n} ints, got ${v}`);
    return new Array<number>(n).fill(v);
  }
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isInteger(x))) return [...(v as number[])];
  throw new Error(`${cls}: ${snake(name)} must be an int or a tuple of ${n} ints, got ${pyRepr(v)}`);
}

export function checkPositiveInt(cls: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new Error(`${cls}: ${snake(name)} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${pyRepr(v)}`);
  }
  return v;
}

export function checkFloatRange(cls: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !(v >= lo && v <= hi)) {
    throw new Error(`${snake(name)} probability has to be between ${lo} and ${hi}, but got ${String(v)}`);
  }
  void cls;
  return v;
}


// ---- Python's repr/str --------------------------------------------------------------------

/** Python's repr of a float: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** Python's repr of an int-or-float value that PyTorch stores as a float. */
export function pyNum(x: number, isFloat: boolean): string {
  return isFloat ? pyFloat(x) : Number.isInteger(x) ? String(x) : pyFloat(x);
}

/**
 * Python's repr of a value: numbers (integers as ints, others as floats; `floats` prints all as
 * floats), booleans, None, strings quoted, arrays as tuples.
 */
export function pyRepr(v: unknown, floats = false): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return pyNum(v, floats);
  if (typeof v === "string") return `'${v}'`;
  if (Array.isArray(v)) {
    const parts = v.map((x) => pyRepr(x, floats));
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
  }
  if (typeof v === "function") return `<function ${v.name || "<lambda>"}>`;
  return String(v);
}

/** Python's str (format()) of a value: like repr, but strings unquoted. */
export function pyStr(v: unknown, floats = false): string {
  return typeof v === "string" ? v : pyRepr(v, floats);
}

/** A Python list literal (repr of a list rather than a tuple). */
export function pyListRepr(v: readonly unknown[], floats = false): string {
  return `[${v.map((x) => pyRepr(x, floats)).join(", ")}]`;
}

export function sizeStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
