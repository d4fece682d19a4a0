// Ops about a number's sign that ONNX has no operator for: signbit (which sees -0.0 through 1 / x,
// -inf for a negative zero), copysign (|a| negated where b's sign bit is set) and heaviside (the
// given value at 0, else 1 above 0 and 0 below). A NaN's own sign bit cannot be read in ONNX
// (no bit casts): a NaN counts as positive. Also nextafter, the neighbouring float found by
// arithmetic instead of by incrementing the bits: one ulp (2^(exponent - mantissa bits)) away
// from or toward zero, half of it going down from an exact power of two.

import { type DType, bool, float32, float64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";

/** Whether x's sign bit is set (x of `dtype`): x < 0, or x is -0.0 for floats. */
export function signBitOf(c: ConvertContext, x: string, dtype: DType): string {
  if (dtype === bool || !dtype.isSigned) {
    return c.op("Expand", [c.g.boolScalar(false), c.op("Shape", [x])]);
  }
  const zero = c.g.scalar(0, dtype);
  const negative = c.op("Less", [x, zero]);
  if (!dtype.isFloatingPoint) return negative;
  const negativeZero = c.op("And", [c.op("Equal", [x, zero]), c.op("Less", [c.op("Div", [c.g.scalar(1, dtype), x]), zero])]);
  return c.op("Or", [negative, negativeZero]);
}

/**
 * |v| negated where `negative`, as a product with ±1: onnxruntime's Where can drop the sign of a
 * -0.0 it selects, a product keeps it.
 */
function withSign(c: ConvertContext, magnitude: string, negative: string, d: DType): string {
  return c.op("Mul", [magnitude, c.op("Where", [negative, c.g.scalar(-1, d), c.g.scalar(1, d)])]);
}

/** 16-bit floats are read in float32 (onnxruntime's Div and Less lack some of them). */
function signDtype(d: DType): DType {
  return d.isFloatingPoint && d.itemsize < 4 ? float32 : d;
}

const signbit: Converter = (c) => {
  const d = c.dtypeOf(0)!;
  const via = signDtype(d);
  return signBitOf(c, c.inputAs(0, via), via);
};

/** copysign(a, b): |a| with b's sign, in the (floating) output dtype. */
const copysign: Converter = (c) => {
  const d = c.outDtype();
  const magnitude = c.op("Abs", [c.inputAs(0, d)]);
  const via = signDtype(d);
  const negative = signBitOf(c, c.inputAs(1, via), via);
  return withSign(c, magnitude, negative, d);
};

/** heaviside(x, values): values where x is 0, 1 where x > 0, 0 elsewhere (a NaN x gives 0, as PyTorch). */
const heaviside: Converter = (c) => {
  const d = c.outDtype();
  const x = c.inputAs(0, d), values = c.inputAs(1, d);
  const step = c.op("Where", [c.op("Greater", [x, c.g.scalar(0, d)]), c.g.scalar(1, d), c.g.scalar(0, d)]);
  return c.op("Where", [c.op("Equal", [x, c.g.scalar(0, d)]), values, step]);
};

/** The float format's constants: mantissa bits, lowest normal exponent, smallest subnormal, largest finite. */
function floatFormat(d: DType): { mantissa: number; minExponent: number; tiny: number; max: number } {
  return d === float64
    ? { mantissa: 52, minExponent: -1022, tiny: Number.MIN_VALUE, max: Number.MAX_VALUE }
    : { mantissa: 23, minExponent: -126, tiny: 2 ** -149, max: (2 - 2 ** -23) * 2 ** 127 };
}

/** nextafter(x, y) in float32 or float64, computed exactly in double. */
const nextafter: Converter = (c) => {
  const d = c.outDtype();
  const f = floatFormat(d);
  const num = (v: number): string => c.g.scalar(v, float64);
  const x = c.inputAs(0, float64), y = c.inputAs(1, float64);
  const ax = c.op("Abs", [x]);
  const pow2 = (e: string): string => c.op("Pow", [num(2), e]);
  // floor(log2 |x|), corrected where the logarithm rounded across a power of two; subnormals share the lowest exponent.
  let e = c.op("Floor", [c.op("Div", [c.op("Log", [ax]), num(Math.LN2)])]);
  e = c.op("Where", [c.op("Greater", [pow2(e), ax]), c.op("Sub", [e, num(1)]), e]);
  e = c.op("Where", [c.op("LessOrEqual", [c.op("Mul", [num(2), pow2(e)]), ax]), c.op("Add", [e, num(1)]), e]);
  e = c.op("Max", [e, num(f.minExponent)]);
  const ulp = pow2(c.op("Sub", [e, num(f.mantissa)]));
  const away = c.op("Equal", [c.op("Less", [x, y]), c.op("Greater", [x, num(0)])]);
  const fromPower = c.op("And", [c.op("Equal", [ax, pow2(e)]), c.op("Greater", [e, num(f.minExponent)])]);
  const step = c.op("Where", [c.op("And", [c.op("Not", [away]), fromPower]), c.op("Div", [ulp, num(2)]), ulp]);
  const magnitude = c.op("Where", [away, c.op("Add", [ax, step]), c.op("Sub", [ax, step])]);
  let r = c.op("Where", [c.op("IsInf", [x]), num(f.max), magnitude]);
  r = c.op("Where", [c.op("Equal", [x, num(0)]), num(f.tiny), r]);
  r = c.op("Where", [c.op("Equal", [x, y]), c.op("Abs", [y]), r]);
  r = c.op("Where", [c.op("Or", [c.op("IsNaN", [x]), c.op("IsNaN", [y])]), num(Number.NaN), r]);
  // The sign: y's where x == y, the direction from a zero, else x's (a step toward zero ends at a zero of x's sign).
  // (onnxruntime's Where takes no bools: And/Or pick between the conditions.)
  const fromZero = c.op("Or", [c.op("And", [c.op("Equal", [x, num(0)]), c.op("Not", [c.op("Greater", [y, num(0)])])]), c.op("Less", [x, num(0)])]);
  const same = c.op("Equal", [x, y]);
  const negative = c.op("Or", [c.op("And", [same, signBitOf(c, y, float64)]), c.op("And", [c.op("Not", [same]), fromZero])]);
  return c.cast(withSign(c, r, negative, float64), float64, d);
};

export const SIGN: Record<string, Converter> = {
  NextafterBackward0: nextafter,
  signbit,
  CopysignBackward0: copysign,
  CopysignBackward1: copysign,
  heaviside,
};
