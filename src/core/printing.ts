// PyTorch's tensor repr (torch/_tensor_str.py): repr(t) and str(t), and torch.set_printoptions.
// Works on a minimal `Printable` view so that it does not depend on the Tensor class.

import { defaultComplex, getDefaultDtype } from "./dtype.js";
import { Complex } from "./complex.js";

export type PrintDType =
  | "float32" | "float64" | "float16" | "bfloat16"
  | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool" | "complex32" | "complex64" | "complex128";

/** What the printer needs to know about a tensor. */
export interface Printable {
  shape: readonly number[];
  dtype: PrintDType;
  /** Row-major element: int64 as bigint (a number is accepted too), bool as boolean, complex as Complex. */
  at(flatIndex: number): number | bigint | boolean | Complex;
  requiresGrad: boolean;
  /** The grad_fn node's name, e.g. "AddBackward0"; null for leaves. */
  gradFnName: string | null;
  /** "cpu" prints nothing; any other device prints as `device='webgpu:0'`. */
  device: string;
  /** nn.Parameter prints as "Parameter containing:\ntensor(...)". */
  isParameter?: boolean;
  /**
   * A quantized tensor: `at` gives its dequantized values (`dtype` float32), printed with size=,
   * its own dtype and these quantization suffixes, as PyTorch's repr does.
   */
  quantization?: { dtype: string; suffixes: readonly string[] };
  /** A dual tensor's tangent (forward-mode AD), printed as `tangent=tensor(...)`. */
  tangent?: string | null;
  /** A named tensor's dim names, printed as `names=('N', None)`; null when it has none. */
  names?: readonly (string | null)[] | null;
}

/** torch._tensor_str.PRINT_OPTS, as get_printoptions() returns it. */
export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

export interface SetPrintOptionsArgs {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sciMode?: boolean | null;
  profile?: "default" | "short" | "full";
}

const DTYPES: readonly PrintDType[] = [
  "float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool", "complex32", "complex64", "complex128",
];
const FLOAT_DTYPES: ReadonlySet<PrintDType> = new Set(["float32", "float64", "float16", "bfloat16"]);

const PROFILES: Record<"default" | "short" | "full", Omit<PrintOptions, "sciMode">> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const opts: PrintOptions = { ...PROFILES.default, sciMode: null };

function checkCount(name: string, v: number | undefined, min: number): void {
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new Error(`set_printoptions(): ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/**
 * torch.set_printoptions. As in PyTorch, a profile is applied first and the other options
 * override it, and `sciMode` is reset to null (automatic) whenever it is not given.
 */
export function setPrintOptions(o: SetPrintOptionsArgs = {}): void {
  if (o === null || typeof o !== "object") {
    throw new Error(`set_printoptions(): expected an options object, got ${String(o)}`);
  }
  checkCount("precision", o.precision, 0);
  checkCount("edgeitems", o.edgeitems, 0);
  checkCount("linewidth", o.linewidth, 1);
  if (o.threshold !== undefined && (typeof o.threshold !== "number" || Number.isNaN(o.threshold) || o.threshold < 0)) {
    throw new Error(`set_printoptions(): threshold must be a number >= 0 (Infinity allowed), got ${String(o.threshold)}`);
  }
  if (o.profile !== undefined && !(o.profile in PROFILES)) {
    throw new Error(`set_printoptions(): profile must be one of "default", "short", "full", got ${String(o.profile)}`);
  }
  if (o.sciMode !== undefined && o.sciMode !== null && typeof o.sciMode !== "boolean") {
    throw new Error(`set_printoptions(): sciMode must be a boolean or null, got ${String(o.sciMode)}`);
  }
  if (o.profile !== undefined) Object.assign(opts, PROFILES[o.profile]);
  if (o.precision !== undefined) opts.precision = o.precision;
  if (o.threshold !== undefined) opts.threshold = o.threshold;
  if (o.edgeitems !== undefined) opts.edgeitems = o.edgeitems;
  if (o.linewidth !== undefined) opts.linewidth = o.linewidth;
  opts.sciMode = o.sciMode ?? null;
}

/** torch._tensor_str.get_printoptions: a copy that setPrintOptions accepts back. */
export function getPrintOptions(): PrintOptions {
  return { ...opts };
}

/** The snake_case rule's spelling of torch.set_printoptions / get_printoptions. */
export const setPrintoptions = setPrintOptions;
export const getPrintoptions = getPrintOptions;

/** torch._tensor_str.printoptions(...) as a scope: sets the options, runs fn, restores them. */
export function withPrintOptions<T>(o: SetPrintOptionsArgs, fn: () => T): T {
  const saved = getPrintOptions();
  setPrintOptions(o);
  try {
    return fn();
  } finally {
    setPrintOptions(saved);
  }
}

/** "float32" → "torch.float32", as str(dtype) prints. */
export function dtypeRepr(name: PrintDType): string {
  if (!DTYPES.includes(name)) throw new Error(`dtypeRepr(): unknown dtype ${String(name)}`);
  return `torch.${name}`;
}

// ---- Python's number formatting, exactly ---------------------------------------------------

const F64 = new DataView(new ArrayBuffer(8));

/** |x| = mant * 2^exp exactly, for finite x. */
function decompose(x: number): { mant: bigint; exp: number } {
  F64.setFloat64(0, Math.abs(x));
  const hi = F64.getUint32(0), lo = F64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { mant: frac, exp: -1074 } : { mant: frac | (1n << 52n), exp: biased - 1075 };
}

/** round(|x| * 10^shift) to the nearest integer, ties to even (Python's rounding of floats). */
function scaledRound(x: number, shift: number): bigint {
  const { mant, exp } = decompose(x);
  let num = mant, den = 1n;
  if (exp >= 0) num <<= BigInt(exp); else den <<= BigInt(-exp);
  if (shift >= 0) num *= 10n ** BigInt(shift); else den *= 10n ** BigInt(-shift);
  const q = num / den, twice = 2n * (num - q * den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return null;
}

const isNegative = (x: number): boolean => x < 0 || Object.is(x, -0);

/** Python's `format(x, ".{precision}f")`: exact value, round half to even, sign kept on -0. */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  let digits = scaledRound(x, precision).toString();
  if (precision > 0) {
    digits = digits.padStart(precision + 1, "0");
    digits = `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
  }
  return (isNegative(x) ? "-" : "") + digits;
}

/** Python's `format(x, ".{precision}e")`, e.g. 1.2346e+05, 1.0000e-05. */
export function formatExponential(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  let e = 0, n = 0n;
  if (x !== 0) {
    const lo = 10n ** BigInt(precision), hi = lo * 10n;
    e = Math.floor(Math.log10(Math.abs(x)));
    for (let tries = 0; tries < 4; tries++) {
      n = scaledRound(x, precision - e);
      if (n >= hi) e++;
      else if (n < lo) e--;
      else break;
    }
  }
  const d = n.toString().padStart(precision + 1, "0");
  const mantissa = precision > 0 ? `${d[0]}.${d.slice(1)}` : d;
  const expStr = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return `${isNegative(x) ? "-" : ""}${mantissa}e${expStr}`;
}

/** Python's repr(float): the shortest round-tripping digits, e.g. 0.1, 1.0, 1e-05, 1e+16. */
export function formatPythonFloat(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-tripping digits, as repr does.
  const [m, expPart] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = m.replace(".", "");
  const e = Number(expPart);
  const sign = x < 0 ? "-" : "";
  if (e >= 16 || e < -4) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const intLen = e + 1;
  if (digits.length <= intLen) return `${sign}${digits.padEnd(intLen, "0")}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/**
 * Python's repr of a scalar (what `x.item()` prints, and what module reprs use): booleans as
 * True/False, bigints as integers, and a number as a Python float unless `kind` says it is an int.
 */
export function formatScalarForRepr(v: number | bigint | boolean, kind?: "float" | "int" | "bool" | PrintDType): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v !== "number") throw new Error(`formatScalarForRepr(): expected a number, bigint or boolean, got ${typeof v}`);
  if (kind === undefined || kind === "float" || FLOAT_DTYPES.has(kind as PrintDType)) return formatPythonFloat(v);
  if (kind === "bool") return v !== 0 ? "True" : "False";
  if (!Number.isInteger(v)) throw new Error(`formatScalarForRepr(): ${v} is not an integer`);
  return BigInt(v).toString();
}

// ---- The element formatter (_Formatter) ------------------------------------------------------

type Element = number | bigint | boolean | Complex;

/** What lays out elements: one width for all, and each element's text. */
interface ElementFormat { readonly width: number; format(v: Element): string }

function integerString(v: Element): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  return String(v);
}

/**
 * Complex elements: the real and imaginary parts each get their own Formatter (over the shown
 * values' parts), joined as "1.+2.j" / "1.-2.j" as PyTorch's _tensor_str does.
 */
class ComplexFormatter implements ElementFormat {
  readonly width: number;
  constructor(private readonly re: Formatter, private readonly im: Formatter) { this.width = re.width + im.width + 1; }
  format(v: Element): string {
    const z = v as Complex;
    const imag = (this.im.format(z.im) + "j").trimStart();
    return this.re.format(z.re) + (imag[0] === "+" || imag[0] === "-" ? imag : "+" + imag);
  }
}

/**
 * Chooses one format for every element from the (summarised) values: integers of an integer
 * dtype; floats as "1." when all are whole, fixed with `precision` decimals, or scientific when
 * the magnitudes span more than 1000x, exceed 1e8, or (non-whole) go below 1e-4.
 */
class Formatter implements ElementFormat {
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;

  constructor(values: readonly Element[], private readonly floating: boolean, private readonly precision: number, forcedSci: boolean | null) {
    let width = 1;
    if (!floating) {
      for (const v of values) width = Math.max(width, integerString(v).length);
      this.width = width;
      return;
    }
    const finite: number[] = [];
    for (const v of values) {
      const x = Number(v);
      if (Number.isFinite(x) && x !== 0) finite.push(x);
    }
    // Nothing to measure (all zero / non-finite): PyTorch keeps int mode and ignores sci_mode.
    if (finite.length === 0) return;
    let min = Infinity, max = 0;
    for (const x of finite) {
      const a = Math.abs(x);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((x) => x === Math.ceil(x));
    const wide = max / min > 1000 || max > 1e8;
    if (this.intMode) {
      if (wide) {
        this.sciMode = true;
        for (const x of finite) width = Math.max(width, formatExponential(x, precision).length);
      } else {
        // whole floats print with a trailing "." which the width accounts for
        for (const x of finite) width = Math.max(width, formatFixed(x, 0).length + 1);
      }
    } else if (wide || min < 1e-4) {
      this.sciMode = true;
      for (const x of finite) width = Math.max(width, formatExponential(x, precision).length);
    } else {
      for (const x of finite) width = Math.max(width, formatFixed(x, precision).length);
    }
    this.width = width;
    if (forcedSci !== null) this.sciMode = forcedSci;
  }

  format(v: Element): string {
    let s: string;
    if (!this.floating) {
      s = integerString(v);
    } else {
      const x = Number(v);
      if (this.sciMode) s = formatExponential(x, this.precision);
      else if (this.intMode) s = formatFixed(x, 0) + (Number.isFinite(x) ? "." : "");
      else s = formatFixed(x, this.precision);
    }
    return s.padStart(this.width, " ");
  }
}

// ---- Layout ----------------------------------------------------------------------------------

interface Layout {
  shape: readonly number[];
  strides: number[];
  at: (i: number) => Element;
  summarize: boolean;
  o: PrintOptions;
}

/** Flat indices of the elements a summarised print shows (get_summarized_data). */
function summarizedIndices(l: Layout, dim: number, offset: number, out: number[]): void {
  const rank = l.shape.length;
  if (dim === rank) {
    out.push(offset);
    return;
  }
  const size = l.shape[dim]!, stride = l.strides[dim]!, e = l.o.edgeitems;
  let rows: number[];
  if (dim === rank - 1) {
    // a summarised vector keeps [:e] and [-e:]; with e == 0, [-0:] is the whole vector
    rows = size > 2 * e && e > 0 ? [...range(0, e), ...range(size - e, size)] : range(0, size);
  } else if (e === 0) {
    rows = [];
  } else {
    rows = size > 2 * e ? [...range(0, e), ...range(size - e, size)] : range(0, size);
  }
  for (const r of rows) summarizedIndices(l, dim + 1, offset + r * stride, out);
}

function range(start: number, end: number): number[] {
  const r: number[] = [];
  for (let i = start; i < end; i++) r.push(i);
  return r;
}

function vectorString(l: Layout, f: ElementFormat, dim: number, offset: number, indent: number): string {
  const size = l.shape[dim]!, stride = l.strides[dim]!, e = l.o.edgeitems;
  const elementLength = f.width + 2; // ", " between elements
  const perLine = Math.max(1, Math.floor((l.o.linewidth - indent) / elementLength));
  const fmt = (i: number): string => f.format(l.at(offset + i * stride));
  let data: string[];
  if (l.summarize && e === 0) data = ["..."];
  else if (l.summarize && size > 2 * e) data = [...range(0, e).map(fmt), " ...", ...range(size - e, size).map(fmt)];
  else data = range(0, size).map(fmt);
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
}

function blockString(l: Layout, f: ElementFormat, dim: number, offset: number, indent: number): string {
  const rank = l.shape.length;
  if (dim === rank) return f.format(l.at(offset));
  if (dim === rank - 1) return vectorString(l, f, dim, offset, indent);
  const size = l.shape[dim]!, stride = l.strides[dim]!, e = l.o.edgeitems;
  const sub = (i: number): string => blockString(l, f, dim + 1, offset + i * stride, indent + 1);
  const slices = l.summarize && size > 2 * e
    ? [...range(0, e).map(sub), "...", ...range(size - e, size).map(sub)]
    : range(0, size).map(sub);
  // one blank line per remaining dimension beyond the rows
  return `[${slices.join("," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1))}]`;
}

/** The bracketed data of a non-empty tensor (_tensor_str), laid out for a prefix of `indent` chars. */
export function formatTensorData(t: Printable, indent = 0): string {
  checkPrintable(t, "formatTensorData");
  return dataString(t, indent, numelOf(t.shape));
}

function dataString(t: Printable, indent: number, numel: number): string {
  if (numel === 0) return "[]";
  const o = getPrintOptions();
  const shape = t.shape;
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const floating = FLOAT_DTYPES.has(t.dtype);
  const at = t.dtype === "bool" ? (i: number): Element => Boolean(t.at(i)) : (i: number): Element => t.at(i);
  const l: Layout = { shape, strides, at, summarize: numel > o.threshold, o };
  let shown: Element[];
  if (l.summarize) {
    const idx: number[] = [];
    summarizedIndices(l, 0, 0, idx);
    shown = idx.map(at);
  } else {
    shown = new Array<Element>(numel);
    for (let i = 0; i < numel; i++) shown[i] = at(i);
  }
  const f = t.dtype === "complex32" || t.dtype === "complex64" || t.dtype === "complex128"
    ? new ComplexFormatter(
      new Formatter(shown.map((z) => (z as Complex).re), true, o.precision, o.sciMode),
      new Formatter(shown.map((z) => (z as Complex).im), true, o.precision, o.sciMode))
    : new Formatter(shown, floating, o.precision, o.sciMode);
  return blockString(l, f, 0, 0, indent);
}

// ---- repr --------------------------------------------------------------------------------------

function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

function checkPrintable(t: Printable, op: string): void {
  if (t === null || typeof t !== "object") throw new Error(`${op}(): expected a tensor-like object, got ${String(t)}`);
  if (!Array.isArray(t.shape) || t.shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`${op}(): shape must be a list of non-negative integers, got [${String(t.shape)}]`);
  }
  if (!DTYPES.includes(t.dtype)) throw new Error(`${op}(): unsupported dtype ${String(t.dtype)}`);
  if (typeof t.at !== "function") throw new Error(`${op}(): the tensor has no at(flatIndex) accessor`);
}

/** Python's str(tuple): (0,), (2, 0, 3). */
function tupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** str(torch.device): a device without an index is the first one, as a tensor's device always has one. */
function deviceRepr(device: string): string {
  return device.includes(":") ? device : `${device}:0`;
}

/** Appends ", suffix" items, wrapping onto a new line indented by `indent` when the line would pass linewidth. */
function addSuffixes(body: string, suffixes: readonly string[], indent: number, linewidth: number, forceNewline = false): string {
  let out = body;
  // as in PyTorch, the last line counts as its length + 2
  let lastLineLen = body.length - body.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (forceNewline || lastLineLen + s.length + 2 > linewidth) {
      forceNewline = false;
      out += ",\n" + " ".repeat(indent) + s;
      lastLineLen = indent + s.length;
    } else {
      out += ", " + s;
      lastLineLen += s.length + 2;
    }
  }
  return out + ")";
}

/** Whether a non-empty tensor's printed values imply its dtype: the default float and complex dtypes, int64, bool. */
function valuesImplyDtype(dtype: string): boolean {
  return dtype === getDefaultDtype().name || dtype === defaultComplex().name || dtype === "int64" || dtype === "bool";
}

/** grad_fn=<...>, or requires_grad=True for a leaf that requires grad. */
function pushAutogradSuffix(suffixes: string[], t: { gradFnName?: string | null; requiresGrad: boolean }): void {
  if (t.gradFnName !== null && t.gradFnName !== undefined) suffixes.push(`grad_fn=<${t.gradFnName}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
}

/**
 * repr(t) / str(t) of a dense tensor, e.g. "tensor([1., 2.], dtype=torch.float64, requires_grad=True)".
 * The dtype is printed unless it is the default float dtype, int64 or bool (empty tensors print any
 * non-default dtype); the device unless it is the CPU.
 */
export function formatTensor(t: Printable): string {
  checkPrintable(t, "formatTensor");
  const prefix = "tensor(";
  const indent = prefix.length;
  const defaultFloat = getDefaultDtype().name;
  const numel = numelOf(t.shape);
  const suffixes: string[] = [];
  if (t.device !== "cpu") suffixes.push(`device='${deviceRepr(t.device)}'`);
  let body: string;
  if (t.quantization) {
    suffixes.push(`size=${tupleRepr(t.shape)}`, `dtype=torch.${t.quantization.dtype}`, ...t.quantization.suffixes);
    body = numel === 0 ? "[]" : dataString(t, indent, numel);
  } else if (numel === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=${tupleRepr(t.shape)}`);
    if (t.dtype !== defaultFloat) suffixes.push(`dtype=${dtypeRepr(t.dtype)}`);
    body = "[]";
  } else {
    if (!valuesImplyDtype(t.dtype)) suffixes.push(`dtype=${dtypeRepr(t.dtype)}`);
    body = dataString(t, indent, numel);
  }
  pushAutogradSuffix(suffixes, t);
  if (t.names) suffixes.push(`names=(${t.names.map((n) => (n === null ? "None" : `'${n}'`)).join(", ")}${t.names.length === 1 ? "," : ""})`);
  if (t.tangent) suffixes.push(`tangent=${t.tangent}`);
  const s = addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
  return t.isParameter ? `Parameter containing:\n${s}` : s;
}

/** What the printer needs to know about a sparse COO tensor. */
export interface SparsePrintable {
  shape: readonly number[];
  dtype: PrintDType;
  /** The member tensors by PyTorch's names: indices and values, or crow_indices, col_indices and values, ... */
  parts: readonly (readonly [string, Printable])[];
  /** PyTorch's layout name: sparse_coo, sparse_csr, sparse_csc. */
  layout: string;
  nnz: number;
  requiresGrad: boolean;
  gradFnName: string | null;
  device: string;
  isParameter?: boolean;
}

/**
 * repr of a sparse tensor, as PyTorch's _str_intern: the member tensors, then size, nnz, dtype
 * (unless a default one), layout and autograd; for COO (only) the first of them on a new line.
 */
export function formatSparseTensor(t: SparsePrintable): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const inner = (p: Printable, name: string): string => {
    const head = `${name}=tensor(`;
    const n = numelOf(p.shape);
    return head + dataString(p, indent + head.length, n) + (n === 0 ? `, size=${tupleRepr(p.shape)}` : "") + ")";
  };
  const suffixes = [`size=${tupleRepr(t.shape)}`, `nnz=${t.nnz}`];
  if (t.device !== "cpu") suffixes.unshift(`device='${deviceRepr(t.device)}'`);
  if (!valuesImplyDtype(t.dtype)) suffixes.push(`dtype=${dtypeRepr(t.dtype)}`);
  suffixes.push(`layout=torch.${t.layout}`);
  pushAutogradSuffix(suffixes, t);
  const body = prefix + t.parts.map(([name, p]) => inner(p, name)).join(",\n" + " ".repeat(indent));
  const s = addSuffixes(body, suffixes, indent, opts.linewidth, t.layout === "sparse_coo");
  return t.isParameter ? `Parameter containing:\n${s}` : s;
}
