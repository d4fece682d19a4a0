// torch.testing.assert_close: PyTorch's comparison of possibly nested arrays / Maps / objects of
// tensors and numbers (torch/testing/_comparison.py), with its default tolerances per dtype, its
// attribute checks and, word for word, its messages ("Tensor-likes are not close!" ...), so a
// failing test reads as it would in Python. Python's AssertionError is `AssertionError` here.

import { Complex } from "../core/complex.js";
import { type DType, bfloat16, complex128, complex64, float16, float32, float64, int64, qint32, qint8, quint8 } from "../core/dtype.js";
import type { Device } from "../core/storage.js";
import { Tensor } from "../core/tensor.js";
import { pyFloat, pyRepr } from "../nn/modules/utils.js";
import { torchSize, tupleStr } from "../nn/functional/loss-util.js";
import { promoteTypes } from "../ops/promotion.js";
import { isclose } from "../ops/comparison.js";

/** Python's AssertionError: what a failed comparison throws (the other failures throw Error/TypeError). */
export class AssertionError extends Error {
  override name = "AssertionError";
}

/** assert_close's keyword arguments. */
export interface AssertCloseOptions {
  /** Relative tolerance; given only with atol. Default: by dtype (float32: 1.3e-6, float64: 1e-7, ...). */
  rtol?: number;
  /** Absolute tolerance; given only with rtol. Default: by dtype (float32: 1e-5, float64: 1e-7, ...). */
  atol?: number;
  /** Two NaNs are equal. Default false. */
  equalNan?: boolean;
  /** Tensors must be on the same device. Default true (else both are compared on the CPU). */
  checkDevice?: boolean;
  /**
   * Tensors must have the same dtype, numbers the same type (default true). JS numbers have one type:
   * only a bigint (int), a number and a Complex are told apart.
   */
  checkDtype?: boolean;
  /** Tensors must have the same layout. Default true (else both are compared dense). */
  checkLayout?: boolean;
  /** Strided tensors must have the same strides. Default false. */
  checkStride?: boolean;
  /** Sparse COO tensors must both be coalesced or both not. Default true. */
  checkIsCoalesced?: boolean;
  /** Replaces the message of a failed comparison (not of a bad argument). */
  msg?: string | null;
  /** Accepted for PyTorch's signature: a Tensor's subclass (nn.Parameter) compares as a Tensor. */
  allowSubclasses?: boolean;
}

/** PyTorch's default (rtol, atol) per dtype (quantized ones compare dequantized, as float32); every other dtype compares exactly. */
const PRECISIONS = new Map<DType, [number, number]>([
  [float16, [0.001, 1e-5]], [bfloat16, [0.016, 1e-5]], [float32, [1.3e-6, 1e-5]], [float64, [1e-7, 1e-7]],
  [complex64, [1.3e-6, 1e-5]], [complex128, [1e-7, 1e-7]],
  [quint8, [1.3e-6, 1e-5]], [qint8, [1.3e-6, 1e-5]], [qint32, [1.3e-6, 1e-5]],
]);

/** A failure, with where in the structure it happened (Python's ErrorMeta). */
class Failure {
  constructor(readonly make: (msg: string) => Error, readonly msg: string, readonly id: readonly (string | number)[]) {}
  toError(): Error {
    const where = this.id.map((k) => `[${typeof k === "string" ? `'${k}'` : k}]`).join("");
    return this.make(where ? `${this.msg}\n\nThe failure occurred for item ${where}` : this.msg);
  }
}
const assertion = (m: string): Error => new AssertionError(m);
const valueError = (m: string): Error => new Error(m);
const typeError = (m: string): Error => new TypeError(m);

/** Reads a tensor's values on the CPU; assertCloseAsync gives a map from its CPU copies to their devices. */
type Devices = ReadonlyMap<Tensor, Device>;

function tolerances(dtypes: DType[], o: AssertCloseOptions, id: readonly (string | number)[]): [number, number] {
  const rtol = o.rtol ?? null, atol = o.atol ?? null;
  if ((rtol === null) !== (atol === null)) {
    throw new Failure(valueError, `Both 'rtol' and 'atol' must be either specified or omitted, but got no ${rtol === null ? "rtol" : "atol"}.`, id);
  }
  if (rtol !== null && atol !== null) return [rtol, atol];
  const pairs = dtypes.map((d) => PRECISIONS.get(d) ?? [0, 0]);
  return [Math.max(...pairs.map((p) => p[0])), Math.max(...pairs.map((p) => p[1]))];
}

/** Python's repr of a difference: ints as ints, floats as Python floats. */
const num = (v: number | bigint, isInt: boolean): string => (typeof v === "bigint" || isInt ? String(v) : pyFloat(v));

function mismatchMessage(identifier: string, extra: string | null, abs: string, absAt: string | null, rel: string, relAt: string | null, rtol: number, atol: number): string {
  const equality = rtol === 0 && atol === 0;
  const line = (type: string, diff: string, at: string | null, tol: number): string =>
    `${at === null ? `${type[0]!.toUpperCase()}${type.slice(1)} difference: ${diff}` : `Greatest ${type} difference: ${diff} at index ${at}`}${equality ? "" : ` (up to ${num(tol, Number.isInteger(tol))} allowed)`}\n`;
  return `${identifier} are not ${equality ? "equal" : "close"}!\n\n${extra ? `${extra}\n` : ""}${line("absolute", abs, absAt, atol)}${line("relative", rel, relAt, rtol)}`.replace(/\n$/, "");
}

// ---- numbers ------------------------------------------------------------------------------------

type NumberLike = number | bigint | Complex;
const isNumberLike = (v: unknown): v is NumberLike => typeof v === "number" || typeof v === "bigint" || v instanceof Complex;
/**
 * Python's int / float / complex: a bigint is an int, a Complex a complex, and a whole JS number an
 * int (as torch.tensor infers int64 from it), which makes two whole numbers compare exactly.
 */
const numberType = (v: NumberLike): "int" | "float" | "complex" =>
  v instanceof Complex ? "complex" : typeof v === "bigint" || Number.isInteger(v) ? "int" : "float";
const NUMBER_DTYPES = { int: int64, float: float64, complex: complex128 };

function compareNumbers(a: NumberLike, b: NumberLike, o: AssertCloseOptions, id: readonly (string | number)[]): void {
  const [rtol, atol] = tolerances([NUMBER_DTYPES[numberType(a)], NUMBER_DTYPES[numberType(b)]], o, id);
  const fail = (m: string): Failure => new Failure(assertion, o.msg ?? m, id);
  // JS has one number type: two numbers' types are not told apart (a bigint is an int, a Complex a complex).
  const bothNumbers = typeof a === "number" && typeof b === "number";
  if (o.checkDtype !== false && !bothNumbers && numberType(a) !== numberType(b)) throw fail(`The (d)types do not match: <class '${numberType(a)}'> != <class '${numberType(b)}'>.`);
  const ints = typeof a !== "object" && typeof b !== "object" && numberType(a) === "int" && numberType(b) === "int";
  if (ints && BigInt(a) === BigInt(b)) return;
  const [ar, ai] = a instanceof Complex ? [a.re, a.im] : [Number(a), 0];
  const [br, bi] = b instanceof Complex ? [b.re, b.im] : [Number(b), 0];
  if (!ints && ar === br && ai === bi) return;
  const nan = (r: number, i: number): boolean => Number.isNaN(r) || Number.isNaN(i);
  if (o.equalNan === true && nan(ar, ai) && nan(br, bi)) return;
  // Python's int arithmetic is exact: bigint for two ints.
  const absDiff = ints ? (BigInt(a) > BigInt(b) ? BigInt(a) - BigInt(b) : BigInt(b) - BigInt(a)) : Math.hypot(ar - br, ai - bi);
  const absNumber = Number(absDiff), expectedAbs = Math.hypot(br, bi);
  if (Number.isFinite(absNumber) && absNumber <= atol + rtol * expectedAbs) return;
  const rel = expectedAbs === 0 ? Infinity : absNumber / expectedAbs;
  throw fail(mismatchMessage("Scalars", null, num(absDiff, ints), null, pyFloat(rel), null, rtol, atol));
}

// ---- tensors ------------------------------------------------------------------------------------

function compareAttributes(a: Tensor, b: Tensor, o: AssertCloseOptions, devices: Devices, fail: (m: string) => Failure): void {
  const mismatch = (name: string, x: string, y: string): Failure => fail(`The values for attribute '${name}' do not match: ${x} != ${y}.`);
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i])) throw mismatch("shape", torchSize(a.shape), torchSize(b.shape));
  if (a.isQuantized !== b.isQuantized) throw mismatch("is_quantized", pyRepr(a.isQuantized), pyRepr(b.isQuantized));
  if (a.isQuantized && String(a.qscheme()) !== String(b.qscheme())) throw mismatch("qscheme()", String(a.qscheme()), String(b.qscheme()));
  if (a.layout !== b.layout) {
    if (o.checkLayout !== false) throw mismatch("layout", String(a.layout), String(b.layout));
  } else if (!a.isSparse && o.checkStride === true && a.stride().some((s, i) => s !== b.stride()[i])) {
    throw mismatch("stride()", tupleStr(a.stride()), tupleStr(b.stride()));
  } else if (a.isSparse && o.checkIsCoalesced !== false && a.isCoalesced() !== b.isCoalesced()) {
    throw mismatch("is_coalesced()", pyRepr(a.isCoalesced()), pyRepr(b.isCoalesced()));
  }
  const da = devices.get(a) ?? a.device, db = devices.get(b) ?? b.device;
  if (o.checkDevice !== false && String(da) !== String(db)) throw mismatch("device", String(da), String(db));
  if (o.checkDtype !== false && a.dtype !== b.dtype) throw mismatch("dtype", String(a.dtype), String(b.dtype));
}

/** The same dtype and layout for both (PyTorch's _equalize_attributes; devices are already CPU here). */
function equalize(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.dtype !== b.dtype) {
    const d = promoteTypes(a.dtype, b.dtype);
    [a, b] = [a.to(d), b.to(d)];
  }
  if (a.layout !== b.layout) {
    [a, b] = [a.isSparse ? a.toDense() : a, b.isSparse ? b.toDense() : b];
  } else if (a.isSparse && a.isCoalesced() !== b.isCoalesced()) {
    [a, b] = [a.coalesce(), b.coalesce()];
  }
  return [a, b];
}

/** The flat index as Python prints an index tuple: (1,), (0, 2). */
function unravel(flat: number, shape: readonly number[]): string {
  const idx: number[] = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return tupleStr(idx);
}

/** What a message calls the compared values, from its default ("Tensor-likes" or "Scalars"). */
type Identifier = (defaultName: string) => string;
const byDefault: Identifier = (d) => d;

function compareValues(a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean, identifier: Identifier, fail: (m: string) => Failure): void {
  // Compared at the highest precision of their kind (bool as an integer).
  const wide = a.dtype.isComplex ? complex128 : a.dtype.isFloatingPoint ? float64 : int64;
  a = a.to(wide);
  b = b.to(wide);
  const mismatches = isclose(a, b, { rtol, atol, equalNan }).logicalNot();
  if (!mismatches.any().item()) return;
  const isInt = wide === int64;
  if (a.dim() === 0) {
    const av = a.item() as NumberLike, bv = b.item() as NumberLike;
    const ints = isInt && typeof av !== "object" && typeof bv !== "object";
    const absDiff = ints ? (BigInt(av) > BigInt(bv) ? BigInt(av) - BigInt(bv) : BigInt(bv) - BigInt(av)) : b.sub(a).abs().item() as number;
    const expectedAbs = Number(b.abs().item());
    const rel = expectedAbs === 0 ? Infinity : Number(absDiff) / expectedAbs;
    throw fail(mismatchMessage(identifier("Scalars"), null, num(absDiff, ints), null, pyFloat(rel), null, rtol, atol));
  }
  const total = Number(mismatches.sum().item()), n = mismatches.numel();
  const extra = `Mismatched elements: ${total} / ${n} (${((total / n) * 100).toFixed(1)}%)`;
  const aFlat = a.flatten(), bFlat = b.flatten(), matches = mismatches.flatten().logicalNot();
  const absDiff = aFlat.sub(bFlat).abs().maskedFill(matches, 0);
  const [maxAbs, absAt] = absDiff.max(0);
  const relDiff = absDiff.div(bFlat.abs()).maskedFill(matches, 0);
  const [maxRel, relAt] = relDiff.max(0);
  throw fail(mismatchMessage(identifier("Tensor-likes"), extra, num(maxAbs.item() as number | bigint, isInt), unravel(Number(absAt.item()), mismatches.shape),
    pyFloat(Number(maxRel.item())), unravel(Number(relAt.item()), mismatches.shape), rtol, atol));
}

function compareTensors(a: Tensor, b: Tensor, o: AssertCloseOptions, devices: Devices, id: readonly (string | number)[]): void {
  const [rtol, atol] = tolerances([a.dtype, b.dtype], o, id);
  const fail = (m: string): Failure => new Failure(assertion, o.msg ?? m, id);
  compareAttributes(a, b, o, devices, fail);
  [a, b] = equalize(a, b);
  const equalNan = o.equalNan === true;
  if (a.isQuantized) return compareValues(a.dequantize(), b.dequantize(), rtol, atol, equalNan, (d) => `Quantized ${d.toLowerCase()}`, fail);
  if (a.isSparse) {
    if (a._nnz() !== b._nnz()) throw fail(`The number of specified values in sparse COO tensors does not match: ${a._nnz()} != ${b._nnz()}`);
    compareValues(a._indices(), b._indices(), 0, 0, false, () => "Sparse COO indices", fail);
    return compareValues(a._values(), b._values(), rtol, atol, equalNan, () => "Sparse COO values", fail);
  }
  compareValues(a, b, rtol, atol, equalNan, byDefault, fail);
}

// ---- structure ----------------------------------------------------------------------------------

const isMapping = (v: unknown): v is Map<unknown, unknown> | Record<string, unknown> =>
  v instanceof Map || (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype);
const entriesOf = (v: Map<unknown, unknown> | Record<string, unknown>): Map<string, unknown> =>
  new Map(v instanceof Map ? [...v].map(([k, x]) => [String(k), x]) : Object.entries(v));
const typeName = (v: unknown): string =>
  v === null ? "None" : v === undefined ? "undefined" : typeof v === "object" ? (v as object).constructor?.name ?? "Object" : typeof v;

/** Walks the two structures together; the first failure is thrown as PyTorch's error. */
function compare(a: unknown, b: unknown, o: AssertCloseOptions, devices: Devices, id: (string | number)[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) throw new Failure(assertion, `The length of the sequences mismatch: ${a.length} != ${b.length}`, id);
    a.forEach((x, i) => compare(x, b[i], o, devices, [...id, i]));
    return;
  }
  if (isMapping(a) && isMapping(b)) {
    const ea = entriesOf(a), eb = entriesOf(b);
    const missing = [...eb.keys()].filter((k) => !ea.has(k)).sort(), additional = [...ea.keys()].filter((k) => !eb.has(k)).sort();
    if (missing.length || additional.length) {
      const list = (ks: string[]): string => `[${ks.map((k) => `'${k}'`).join(", ")}]`;
      throw new Failure(assertion, `The keys of the mappings do not match:\nMissing keys in the actual mapping: ${list(missing)}\nAdditional keys in the actual mapping: ${list(additional)}`, id);
    }
    for (const k of [...ea.keys()].sort()) compare(ea.get(k), eb.get(k), o, devices, [...id, k]);
    return;
  }
  if (a === null || a === undefined || b === null || b === undefined) {
    if ((a ?? null) !== (b ?? null)) throw new Failure(assertion, o.msg ?? `None mismatch: ${pyRepr(a ?? null)} is not ${pyRepr(b ?? null)}`, id);
    return;
  }
  if (typeof a === "boolean" && typeof b === "boolean") {
    if (a !== b) throw new Failure(assertion, o.msg ?? `Booleans mismatch: ${pyRepr(a)} is not ${pyRepr(b)}`, id);
    return;
  }
  if (isNumberLike(a) && isNumberLike(b)) return compareNumbers(a, b, o, id);
  if (a instanceof Tensor && b instanceof Tensor) return compareTensors(a, b, o, devices, id);
  throw new Failure(typeError, `No comparison pair was able to handle inputs of type ${typeName(a)} and ${typeName(b)}.`, id);
}

function checkOptions(o: AssertCloseOptions): void {
  if (typeof o !== "object" || o === null) throw new TypeError(`assert_close: options must be an object, got ${typeName(o)}`);
  for (const k of ["rtol", "atol"] as const) {
    const v = o[k];
    if (v !== undefined && v !== null && (typeof v !== "number" || Number.isNaN(v) || v < 0)) throw new Error(`assert_close: ${k} must be a non-negative number, got ${pyRepr(v)}`);
  }
}

/**
 * torch.testing.assert_close(actual, expected, options): throws AssertionError with PyTorch's message
 * unless the two are close (|actual - expected| <= atol + rtol * |expected| elementwise, tolerances by
 * dtype unless given). Arrays, Maps and plain objects are compared item by item; numbers, booleans,
 * null and tensors (dense, sparse COO, quantized) at the leaves. Tensors must be on the CPU:
 * assertCloseAsync reads tensors on other devices.
 */
export function assertClose(actual: unknown, expected: unknown, options: AssertCloseOptions = {}): void {
  checkOptions(options);
  try {
    compare(actual, expected, options, new Map(), []);
  } catch (e) {
    if (e instanceof Failure) throw e.toError();
    throw e;
  }
}

/** Every tensor in a structure, depth first. */
function tensorsIn(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  else if (isMapping(v)) for (const x of entriesOf(v).values()) tensorsIn(x, out);
  return out;
}

function replaceTensors(v: unknown, copies: Map<Tensor, Tensor>): unknown {
  if (v instanceof Tensor) return copies.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => replaceTensors(x, copies));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, replaceTensors(x, copies)]));
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceTensors(x, copies)]));
  return v;
}

/** assert_close for tensors on any device: reads them to the CPU first (the device check still sees their devices). */
export async function assertCloseAsync(actual: unknown, expected: unknown, options: AssertCloseOptions = {}): Promise<void> {
  checkOptions(options);
  const copies = new Map<Tensor, Tensor>(), devices = new Map<Tensor, Device>();
  for (const t of [...tensorsIn(actual), ...tensorsIn(expected)]) {
    if (t.device.type === "cpu" || copies.has(t)) continue;
    const copy = await t.cpuAsync();
    copies.set(t, copy);
    devices.set(copy, t.device);
  }
  try {
    compare(replaceTensors(actual, copies), replaceTensors(expected, copies), options, devices, []);
  } catch (e) {
    if (e instanceof Failure) throw e.toError();
    throw e;
  }
}

