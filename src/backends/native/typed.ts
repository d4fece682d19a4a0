// Checked wrappers of the addon's typed elementwise kernels (native/typed_binary.h): binary and
// unary ops over every number dtype with PyTorch's per-dtype semantics (integer ops wrap around,
// integer division by zero is refused), and conversions between the number dtypes and bool. As in
// ./index.ts, every argument is checked here before the addon, which checks nothing, is called.

import { addonAs, checkCount, checkSpan, contiguousOf, elementTypeCode, MAX_DIMS, overlaps, type Span } from "./index.js";

/** Arrays the typed ops compute on, each as its own element type (Uint8Array: uint8). */
export type TypedArrayOf = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

export type TypedOp =
  | "add" | "sub" | "mul" | "div" | "divTrunc" | "floorDivide" | "remainder" | "fmod" | "pow" | "powScalar"
  | "atan2" | "hypot" | "copysign" | "logaddexp" | "logaddexp2" | "xlogy" | "fmax" | "fmin" | "maximum" | "minimum"
  | "nextafter" | "lerpScalar" | "neg" | "abs" | "bitwiseAnd" | "bitwiseOr" | "bitwiseXor";

/** out = s + scalar * a * b, s + scalar * a / b, lerp(s, a, weight b): float arrays only. */
export type TernaryOp = "addcmul" | "addcdiv" | "lerp";

/** The dtypes of typedConvert (bool: bytes 0/1 in a Uint8Array). */
export type ConvertDtype = "float32" | "float64" | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";

// Codes of native/typed_binary.h's enums.
const OP_CODES: Readonly<Record<TypedOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, divTrunc: 4, floorDivide: 5, remainder: 6, fmod: 7, pow: 8, powScalar: 9,
  atan2: 10, hypot: 11, copysign: 12, logaddexp: 13, logaddexp2: 14, xlogy: 15, fmax: 16, fmin: 17, maximum: 18,
  minimum: 19, nextafter: 20, lerpScalar: 21, neg: 22, abs: 23, bitwiseAnd: 24, bitwiseOr: 25, bitwiseXor: 26,
};
const TERNARY_CODES: Readonly<Record<TernaryOp, number>> = { addcmul: 0, addcdiv: 1, lerp: 2 };
const DTYPE_CODES: Readonly<Record<ConvertDtype, number>> = {
  float32: 0, float64: 1, int8: 2, uint8: 3, int16: 4, int32: 5, int64: 6, bool: 7,
};
const ARRAY_OF: Readonly<Record<ConvertDtype, abstract new (n: number) => TypedArrayOf>> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

/** Ops defined for float arrays only. */
const FLOAT_ONLY: ReadonlySet<TypedOp> = new Set<TypedOp>([
  "div", "powScalar", "atan2", "hypot", "copysign", "logaddexp", "logaddexp2", "xlogy", "nextafter", "lerpScalar",
]);
/** Ops defined for integer arrays only. */
const INT_ONLY: ReadonlySet<TypedOp> = new Set<TypedOp>(["bitwiseAnd", "bitwiseOr", "bitwiseXor"]);
/** Integer ops that refuse a zero divisor. */
const DIVIDING: ReadonlySet<TypedOp> = new Set<TypedOp>(["divTrunc", "floorDivide", "remainder", "fmod"]);
/** Ops that read only a. */
const UNARY: ReadonlySet<TypedOp> = new Set<TypedOp>(["neg", "abs", "powScalar"]);

interface TypedAddon {
  typedBinary(op: number, type: number, width: number, a: TypedArrayOf, b: TypedArrayOf, out: TypedArrayOf, args: Float64Array): number;
  typedTernary(op: number, type: number, width: number, s: TypedArrayOf, a: TypedArrayOf, b: TypedArrayOf, out: TypedArrayOf, args: Float64Array): void;
  typedConvert(from: number, to: number, fromWidth: number, toWidth: number, src: TypedArrayOf, dst: TypedArrayOf, args: Float64Array): void;
}


/** A strided operand: element (i_0, ..., i_{d-1}) at data[offset + sum_d i_d * strides[d]]. */
export interface TypedOperand<T extends TypedArrayOf> {
  readonly data: T;
  readonly offset?: number;
  /** One per dim of the shape; 0 broadcasts along that dim. */
  readonly strides: readonly number[];
}

const ARGS = new Float64Array(6 + 4 * MAX_DIMS);

/** Throws unless out, where it overlaps an input, is that input's very elements (same start, contiguous). */
function checkOutOverlap(
  op: string, out: TypedArrayOf, outOff: number, so: Span, shape: readonly number[], contiguous: readonly number[],
  inputs: readonly (readonly [string, TypedOperand<TypedArrayOf>, Span])[],
): void {
  const width = out.BYTES_PER_ELEMENT;
  for (const [label, x, sx] of inputs) {
    if (!overlaps(out, so, x.data, sx)) continue;
    const sameStart = out.byteOffset + outOff * width === x.data.byteOffset + (x.offset ?? 0) * width;
    const exact = sameStart && shape.every((s, d) => s === 1 || x.strides[d] === contiguous[d]);
    if (!exact) throw new Error(`native.${op}: out overlaps ${label} other than as the very same elements`);
  }
}

/**
 * out (contiguous, row-major over `shape`, from outOff) = op(a, b) elementwise, a, b and out of one
 * array type, a and b read through their own strides (0 broadcasts). Unary ops (neg, abs,
 * powScalar) ignore b's values; powScalar's exponent and lerpScalar's weight are `scalar`. out may
 * be a or b itself (same start, contiguous strides) but must not otherwise overlap them. Integer
 * divTrunc/floorDivide/remainder/fmod by a zero throw "ZeroDivisionError" with out untouched.
 */
export function typedBinary<T extends TypedArrayOf>(
  op: TypedOp, shape: readonly number[], a: TypedOperand<T>, b: TypedOperand<T>, out: T, outOff = 0, scalar = 0,
): void {
  const name = "typedBinary";
  const native = addonAs<TypedAddon>(name);
  const code = OP_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  const type = elementTypeCode(out);
  if (type === undefined) throw new Error(`native.${name}: out must be a typed array of float32/float64/int8/uint8/int16/int32/int64`);
  for (const [label, x] of [["a", a.data], ["b", b.data]] as const) {
    if (x.constructor !== out.constructor) throw new Error(`native.${name}: expected ${label} to be a ${out.constructor.name} like out, got ${x.constructor.name}`);
  }
  if (type > 1 && FLOAT_ONLY.has(op)) throw new Error(`native.${name}: ${op} takes float arrays, got ${out.constructor.name}`);
  if (type <= 1 && INT_ONLY.has(op)) throw new Error(`native.${name}: ${op} takes integer arrays, got ${out.constructor.name}`);
  if (typeof scalar !== "number") throw new Error(`native.${name}: scalar must be a number`);
  const nd = shape.length;
  const contiguous = contiguousOf(name, shape, [a.strides, b.strides]);
  const aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const sa = checkSpan(name, "a", a.data, aOff, shape, a.strides);
  const sb = UNARY.has(op) ? null : checkSpan(name, "b", b.data, bOff, shape, b.strides);
  if (so === null) return;
  checkOutOverlap(name, out, outOff, so, shape, contiguous, [["a", a, sa], ["b", b, sb]]);
  // Unary ops read b nowhere: it is passed as a, with strides of a (the kernel never indexes it).
  const bArg = UNARY.has(op) ? a : b;
  ARGS[0] = nd; ARGS[1] = aOff; ARGS[2] = bArg.offset ?? 0; ARGS[3] = outOff; ARGS[4] = scalar;
  for (let d = 0; d < nd; d++) {
    ARGS[5 + d] = shape[d]!;
    ARGS[5 + nd + d] = a.strides[d]!;
    ARGS[5 + 2 * nd + d] = bArg.strides[d]!;
  }
  const status = native.typedBinary(code, type, out.BYTES_PER_ELEMENT, a.data, bArg.data, out, ARGS);
  if (status === 1 && DIVIDING.has(op)) throw new Error("ZeroDivisionError");
}

/**
 * out (contiguous, row-major over `shape`, from outOff) = op(s, a, b) elementwise for float arrays
 * of one type, each input read through its own strides (0 broadcasts): addcmul s + scalar * a * b,
 * addcdiv s + scalar * a / b, lerp from s to a with weight b. out may be an input itself (same
 * start, contiguous strides) but must not otherwise overlap them.
 */
export function typedTernary<T extends Float32Array | Float64Array>(
  op: TernaryOp, shape: readonly number[], s: TypedOperand<T>, a: TypedOperand<T>, b: TypedOperand<T>, out: T, outOff = 0, scalar = 0,
): void {
  const name = "typedTernary";
  const native = addonAs<TypedAddon>(name);
  const code = TERNARY_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  if (!(out instanceof Float32Array) && !(out instanceof Float64Array)) throw new Error(`native.${name}: out must be a Float32Array or Float64Array`);
  for (const [label, x] of [["s", s.data], ["a", a.data], ["b", b.data]] as const) {
    if (x.constructor !== out.constructor) throw new Error(`native.${name}: expected ${label} to be a ${out.constructor.name} like out, got ${x.constructor.name}`);
  }
  if (typeof scalar !== "number") throw new Error(`native.${name}: scalar must be a number`);
  const nd = shape.length;
  const contiguous = contiguousOf(name, shape, [s.strides, a.strides, b.strides]);
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const spans = ([["s", s], ["a", a], ["b", b]] as const).map(([label, x]) => [label, x, checkSpan(name, label, x.data, x.offset ?? 0, shape, x.strides)] as const);
  if (so === null) return;
  checkOutOverlap(name, out, outOff, so, shape, contiguous, spans);
  ARGS[0] = nd; ARGS[1] = s.offset ?? 0; ARGS[2] = a.offset ?? 0; ARGS[3] = b.offset ?? 0; ARGS[4] = outOff; ARGS[5] = scalar;
  for (let d = 0; d < nd; d++) {
    ARGS[6 + d] = shape[d]!;
    ARGS[6 + nd + d] = s.strides[d]!;
    ARGS[6 + 2 * nd + d] = a.strides[d]!;
    ARGS[6 + 3 * nd + d] = b.strides[d]!;
  }
  native.typedTernary(code, out instanceof Float32Array ? 0 : 1, out.BYTES_PER_ELEMENT, s.data, a.data, b.data, out, ARGS);
}

/**
 * dst[dstOff .. dstOff + n) = src[srcOff .. srcOff + n) converted from dtype `from` to `to` as
 * PyTorch converts on x86: floats to integers truncate toward zero, NaN and values out of the
 * 32-bit range give INT32_MIN wrapped to the target width (INT64_MIN for int64), integers wrap,
 * anything to bool is != 0 (NaN true). src and dst must not overlap.
 */
export function typedConvert(
  from: ConvertDtype, to: ConvertDtype, src: TypedArrayOf, dst: TypedArrayOf, n: number, srcOff = 0, dstOff = 0,
): void {
  const name = "typedConvert";
  const native = addonAs<TypedAddon>(name);
  const fromCode = DTYPE_CODES[from], toCode = DTYPE_CODES[to];
  if (fromCode === undefined || toCode === undefined) throw new Error(`native.${name}: unknown dtype ${String(fromCode === undefined ? from : to)}`);
  if (!(src instanceof ARRAY_OF[from])) throw new Error(`native.${name}: src of ${from} must be a ${ARRAY_OF[from].name}, got ${src.constructor.name}`);
  if (!(dst instanceof ARRAY_OF[to])) throw new Error(`native.${name}: dst of ${to} must be a ${ARRAY_OF[to].name}, got ${dst.constructor.name}`);
  checkCount(name, "n", n);
  const ss = checkSpan(name, "src", src, srcOff, [n], [1]);
  const sd = checkSpan(name, "dst", dst, dstOff, [n], [1]);
  if (sd === null) return;
  if (overlaps(src, ss, dst, sd)) throw new Error(`native.${name}: src and dst overlap`);
  ARGS[0] = n; ARGS[1] = srcOff; ARGS[2] = dstOff;
  native.typedConvert(fromCode, toCode, src.BYTES_PER_ELEMENT, dst.BYTES_PER_ELEMENT, src, dst, ARGS);
}
