// Checked wrappers of the addon's float unary math (native/unary_math.h): trigonometric and
// hyperbolic functions and their inverses, erf/erfc, logs and exps in other bases, PyTorch's
// special functions, and the float predicates (isnan, isinf, isfinite, signbit) into bytes.
// As in ./index.ts, every argument is checked here before the addon, which checks nothing, is
// called.

import { addonAs, checkCount, checkSpan, overlaps, type Span, type TypedView } from "./index.js";

export type FloatArray = Float32Array | Float64Array;

export type MathOp =
  | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "asinh" | "acosh" | "atanh"
  | "erf" | "erfc" | "expm1" | "log1p" | "log2" | "log10" | "exp2" | "frac" | "deg2rad" | "rad2deg"
  | "sinc" | "logit" | "logitEps" | "nanToNum" | "lgamma" | "digamma" | "i0" | "erfinv";

export type ClassOp = "isnan" | "isinf" | "isfinite" | "signbit";

// Codes of native/unary_math.h's enums, with the number of parameters each op takes.
const MATH_CODES: Readonly<Record<MathOp, readonly [code: number, params: number]>> = {
  sin: [0, 0], cos: [1, 0], tan: [2, 0], asin: [3, 0], acos: [4, 0], atan: [5, 0], sinh: [6, 0], cosh: [7, 0],
  asinh: [8, 0], acosh: [9, 0], atanh: [10, 0], erf: [11, 0], erfc: [12, 0], expm1: [13, 0], log1p: [14, 0],
  log2: [15, 0], log10: [16, 0], exp2: [17, 0], frac: [18, 0], deg2rad: [19, 0], rad2deg: [20, 0], sinc: [21, 0],
  logit: [22, 0], logitEps: [23, 2], nanToNum: [24, 3], lgamma: [25, 0], digamma: [26, 0], i0: [27, 0], erfinv: [28, 0],
};
/** Whether `name` is an op of unaryMath(). */
export function isMathOp(name: string): name is MathOp {
  return Object.prototype.hasOwnProperty.call(MATH_CODES, name);
}

const CLASS_CODES: Readonly<Record<ClassOp, number>> = { isnan: 0, isinf: 1, isfinite: 2, signbit: 3 };

interface MathAddon {
  unaryMath(op: number, x: FloatArray, y: FloatArray, args: Float64Array): void;
  classify(op: number, x: FloatArray, out: Uint8Array, args: Float64Array): void;
}

// One argument block reused by every call: [n, xOff, outOff, params...].
const ARGS = new Float64Array(6);

function checkFloats(op: string, name: string, a: unknown): asserts a is FloatArray {
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array)) {
    throw new Error(`native.${op}: ${name} must be a Float32Array or Float64Array`);
  }
}

/** The elements [offset, offset + n) of `a`, checked to lie inside it. */
function checkRange(op: string, name: string, a: TypedView, offset: number, n: number): Span {
  return checkSpan(op, name, a, offset, [n], [1]);
}

/**
 * out[outOff + i] = op(x[xOff + i]) for i < n, computed in double and rounded to the arrays'
 * type. out may be x itself (same start) but must not otherwise overlap it. `params`: logitEps
 * takes [lo, hi] (the clamp of its input), nanToNum [nan, posinf, neginf]; the others none.
 */
export function unaryMath<T extends FloatArray>(
  op: MathOp, x: T, out: T, n: number = out.length, xOff = 0, outOff = 0, params: readonly number[] = [],
): void {
  const name = "unaryMath";
  if (!isMathOp(op)) throw new Error(`native.${name}: unknown op ${String(op)}`);
  const entry = MATH_CODES[op];
  checkFloats(name, "x", x);
  checkFloats(name, "out", out);
  if (x.constructor !== out.constructor) {
    throw new Error(`native.${name}: expected out to be a ${x.constructor.name} like x, got ${out.constructor.name}`);
  }
  checkCount(name, "n", n);
  const sx = checkRange(name, "x", x, xOff, n), so = checkRange(name, "out", out, outOff, n);
  const sameStart = out.buffer === x.buffer && out.byteOffset + outOff * out.BYTES_PER_ELEMENT === x.byteOffset + xOff * x.BYTES_PER_ELEMENT;
  if (!sameStart && overlaps(out, so, x, sx)) throw new Error(`native.${name}: out partially overlaps x`);
  const [code, count] = entry;
  if (params.length !== count) throw new Error(`native.${name}: ${op} takes ${count} parameters, got ${params.length}`);
  for (const p of params) if (typeof p !== "number") throw new Error(`native.${name}: parameters of ${op} must be numbers, got ${typeof p}`);
  if (n === 0) return;
  ARGS[0] = n; ARGS[1] = xOff; ARGS[2] = outOff;
  for (let i = 0; i < count; i++) ARGS[3 + i] = params[i]!;
  addonAs<MathAddon>(name).unaryMath(code, x, out, ARGS);
}

/** out[outOff + i] = op(x[xOff + i]) ? 1 : 0 for i < n; signbit reads the sign bit (-0 and -NaN count). */
export function classify(op: ClassOp, x: FloatArray, out: Uint8Array, n: number = out.length, xOff = 0, outOff = 0): void {
  const name = "classify";
  if (!Object.prototype.hasOwnProperty.call(CLASS_CODES, op)) throw new Error(`native.${name}: unknown op ${String(op)}`);
  const code = CLASS_CODES[op];
  checkFloats(name, "x", x);
  if (!(out instanceof Uint8Array)) throw new Error(`native.${name}: out must be a Uint8Array`);
  checkCount(name, "n", n);
  const sx = checkRange(name, "x", x, xOff, n), so = checkRange(name, "out", out, outOff, n);
  if (overlaps(out, so, x, sx)) throw new Error(`native.${name}: out overlaps x`);
  if (n === 0) return;
  ARGS[0] = n; ARGS[1] = xOff; ARGS[2] = outOff;
  addonAs<MathAddon>(name).classify(code, x, out, ARGS);
}
