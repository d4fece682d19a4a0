// Pointwise math that ONNX has no operator for, built from its parts with PyTorch's special cases:
// log1p and expm1 (exact for tiny values), logaddexp/logaddexp2, xlogy, hypot, sinc, logit,
// deg2rad/rad2deg and fmax/fmin (the special functions are in special.ts). Float results are computed in double and rounded once to the
// output dtype, as torch-ts's kernels do.

import { type DType, float64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";

/** Input i in the dtype the math runs in: double for float outputs. */
function operand(c: ConvertContext, i: number): string {
  return c.inputAs(i, mathDtype(c.outDtype()));
}

function mathDtype(out: DType): DType {
  return out.isFloatingPoint ? float64 : out;
}

/** The result, computed in mathDtype, rounded to the output dtype. */
function result(c: ConvertContext, x: string): string {
  return c.cast(x, mathDtype(c.outDtype()), c.outDtype());
}

function num(c: ConvertContext, v: number, dtype: DType = float64): string { return c.g.scalar(v, dtype); }

/**
 * log(1 + x) without losing a tiny x: x itself where 1 + x rounds to 1, else
 * log(u) * x / (u - 1) with u = 1 + x, which cancels the rounding of u; +inf stays +inf.
 */
export function exactLog1p(c: ConvertContext, x: string, dtype: DType): string {
  const one = num(c, 1, dtype), inf = num(c, Infinity, dtype);
  const u = c.op("Add", [one, x]);
  const corrected = c.op("Mul", [c.op("Log", [u]), c.op("Div", [x, c.op("Sub", [u, one])])]);
  return c.op("Where", [c.op("Equal", [u, one]), x, c.op("Where", [c.op("Equal", [u, inf]), u, corrected])]);
}

/** exp(x) - 1 without losing a tiny x (Kahan): (u - 1) * x / log(u) with u = exp(x); x where u is 1, -1 where u - 1 is -1, +inf at +inf. */
function exactExpm1(c: ConvertContext, x: string, dtype: DType): string {
  const one = num(c, 1, dtype), inf = num(c, Infinity, dtype);
  const u = c.op("Exp", [x]);
  const um1 = c.op("Sub", [u, one]);
  const corrected = c.op("Mul", [um1, c.op("Div", [x, c.op("Log", [u])])]);
  let r = c.op("Where", [c.op("Equal", [u, inf]), u, corrected]);
  r = c.op("Where", [c.op("Equal", [um1, num(c, -1, dtype)]), um1, r]);
  return c.op("Where", [c.op("Equal", [u, one]), x, r]);
}

const log1p: Converter = (c) => result(c, exactLog1p(c, operand(c, 0), float64));
const expm1: Converter = (c) => result(c, exactExpm1(c, operand(c, 0), float64));

/**
 * logaddexp(a, b) = max + log1p(exp(-|a - b|)) (base 2 for logaddexp2), and a itself where both are
 * the same infinity (inf - inf would be NaN); a NaN propagates.
 */
function logAddExp(base2: boolean): Converter {
  return (c) => {
    const a = operand(c, 0), b = operand(c, 1);
    const gap = c.op("Neg", [c.op("Abs", [c.op("Sub", [a, b])])]);
    const term = base2 ? c.op("Pow", [num(c, 2), gap]) : c.op("Exp", [gap]);
    let tail = exactLog1p(c, term, float64);
    if (base2) tail = c.op("Div", [tail, num(c, Math.LN2)]);
    // NaN: the comparison is false and the NaN is picked (a) or reaches the gap (b).
    const hi = c.op("Where", [c.op("Less", [a, b]), b, a]);
    const sameInfinity = c.op("And", [c.op("IsInf", [a]), c.op("Equal", [a, b])]);
    return result(c, c.op("Where", [sameInfinity, a, c.op("Add", [hi, tail])]));
  };
}

/** xlogy(x, y) = x log y, 0 where x is 0, NaN where y is NaN. */
const xlogy: Converter = (c) => {
  const x = operand(c, 0), y = operand(c, 1);
  const product = c.op("Mul", [x, c.op("Log", [y])]);
  const zeroed = c.op("Where", [c.op("Equal", [x, num(c, 0)]), num(c, 0), product]);
  return result(c, c.op("Where", [c.op("IsNaN", [y]), y, zeroed]));
};

/** hypot(a, b) = hi sqrt(1 + (lo / hi)^2) (no overflow); 0 where both are 0, +inf where either is infinite (even with a NaN). */
const hypot: Converter = (c) => {
  const a = c.op("Abs", [operand(c, 0)]), b = c.op("Abs", [operand(c, 1)]);
  const less = c.op("Less", [a, b]);
  const hi = c.op("Where", [less, b, a]), lo = c.op("Where", [less, a, b]);
  const ratio = c.op("Div", [lo, hi]);
  const scaled = c.op("Mul", [hi, c.op("Sqrt", [c.op("Add", [num(c, 1), c.op("Mul", [ratio, ratio])])])]);
  const zero = num(c, 0);
  const finite = c.op("Where", [c.op("Equal", [hi, zero]), zero, scaled]);
  const anyInf = c.op("Or", [c.op("IsInf", [a]), c.op("IsInf", [b])]);
  return result(c, c.op("Where", [anyInf, num(c, Infinity), finite]));
};

/** sinc(x) = sin(πx) / (πx), 1 at 0 (NaN at ±inf, as sin is). */
const sinc: Converter = (c) => {
  const x = operand(c, 0);
  const px = c.op("Mul", [x, num(c, Math.PI)]);
  return result(c, c.op("Where", [c.op("Equal", [x, num(c, 0)]), num(c, 1), c.op("Div", [c.op("Sin", [px]), px])]));
};

/** logit(x) = log(z / (1 - z)), z clamped to [lo, hi] (eps and 1 - eps in the input's dtype) when eps is given; a NaN stays NaN. */
const logit: Converter = (c) => {
  let z = operand(c, 0);
  const lo = c.attr<number | null>("lo"), hi = c.attr<number | null>("hi");
  if (lo !== null && hi !== null) {
    z = c.op("Where", [c.op("Less", [z, num(c, lo)]), num(c, lo), c.op("Where", [c.op("Greater", [z, num(c, hi)]), num(c, hi), z])]);
  }
  return result(c, c.op("Log", [c.op("Div", [z, c.op("Sub", [num(c, 1), z])])]));
};

function scaleBy(factor: number): Converter {
  return (c) => result(c, c.op("Mul", [operand(c, 0), num(c, factor)]));
}

/** fmax / fmin: the other operand where one is NaN (NaN only where both are). */
function nanIgnoring(opType: "Max" | "Min"): Converter {
  return (c) => {
    const d = c.outDtype();
    const a = c.inputAs(0, d), b = c.inputAs(1, d);
    const picked = c.op(opType, [a, b]);
    if (!d.isFloatingPoint) return picked;
    return c.op("Where", [c.op("IsNaN", [a]), b, c.op("Where", [c.op("IsNaN", [b]), a, picked])]);
  };
}

export const MATH: Record<string, Converter> = {
  Log1PBackward0: log1p,
  Expm1Backward0: expm1,
  LogaddexpBackward0: logAddExp(false),
  Logaddexp2Backward0: logAddExp(true),
  XlogyBackward0: xlogy,
  XlogyBackward1: xlogy,
  XlogyBackward2: xlogy,
  HypotBackward0: hypot,
  SincBackward0: sinc,
  logit,
  Deg2RadBackward0: scaleBy(Math.PI / 180),
  Rad2DegBackward0: scaleBy(180 / Math.PI),
  FmaxBackward0: nanIgnoring("Max"),
  FminBackward0: nanIgnoring("Min"),
};
