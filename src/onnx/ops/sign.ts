// Ops about a number's sign that ONNX has no operator for: signbit (which sees -0.0 through 1 / x,
// -inf for a negative zero), copysign (|a| negated where b's sign bit is set) and heaviside (the
// given value at 0, else 1 above 0 and 0 below). A NaN's own sign bit cannot be read in ONNX
// (no bit casts): a NaN counts as positive.

import { type DType, bool, float32 } from "../../core/dtype.js";
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
  return c.op("Where", [negative, c.op("Neg", [magnitude]), magnitude]);
};

/** heaviside(x, values): values where x is 0, 1 where x > 0, 0 elsewhere (a NaN x gives 0, as PyTorch). */
const heaviside: Converter = (c) => {
  const d = c.outDtype();
  const x = c.inputAs(0, d), values = c.inputAs(1, d);
  const step = c.op("Where", [c.op("Greater", [x, c.g.scalar(0, d)]), c.g.scalar(1, d), c.g.scalar(0, d)]);
  return c.op("Where", [c.op("Equal", [x, c.g.scalar(0, d)]), values, step]);
};

export const SIGN: Record<string, Converter> = {
  signbit,
  CopysignBackward0: copysign,
  CopysignBackward1: copysign,
  heaviside,
};
