// Pointwise math that ONNX has no operator for, built from its parts with PyTorch's special cases:
// log1p and expm1 (exact for tiny values), logaddexp/logaddexp2, xlogy, hypot, sinc, logit,
// deg2rad/rad2deg, fmax/fmin and erfc. Float results are computed in double and rounded once to the
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

// erfc with full precision in the tail (1 - Erf loses it all past x ≈ 4): Sun's fdlibm scheme, as
// torch-ts's own kernel: rational approximations on [0, 0.84375), [0.84375, 1.25), and
// exp(-x² - 0.5625 + R(1/x²)/S(1/x²)) / x on [1.25, 1/0.35) and [1/0.35, 28), in double.
const ERX = 8.45062911510467529297e-01;
const ERF_SMALL_P = [1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05];
const ERF_SMALL_Q = [1, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06];
const ERF_MID_P = [-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02, -2.16637559486879084300e-03];
const ERF_MID_Q = [1, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02];
const TAIL_NEAR_R = [-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01, -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02, -8.12874355063065934246e+01, -9.81432934416914548592e+00];
const TAIL_NEAR_S = [1, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02, 6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02, 6.57024977031928170135e+00, -6.04244152148580987438e-02];
const TAIL_FAR_R = [-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01, -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03, -4.83519191608651397019e+02];
const TAIL_FAR_S = [1, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02, -2.24409524465858183362e+01];

/** The polynomial with these coefficients (lowest power first) at z, in Horner form. */
function horner(c: ConvertContext, coefficients: readonly number[], z: string): string {
  let acc = num(c, coefficients[coefficients.length - 1]!);
  for (let k = coefficients.length - 2; k >= 0; k--) acc = c.op("Add", [num(c, coefficients[k]!), c.op("Mul", [z, acc])]);
  return acc;
}

function rational(c: ConvertContext, p: readonly number[], q: readonly number[], z: string): string {
  return c.op("Div", [horner(c, p, z), horner(c, q, z)]);
}

/** Each region's formula on every element; Where picks (the unpicked ones may be inf or NaN). */
const erfc: Converter = (c) => {
  const x = operand(c, 0);
  const ax = c.op("Abs", [x]);
  const less = (a: string, v: number): string => c.op("Less", [a, num(c, v)]);
  // [0, 0.84375): 1 - (x + x y) below 0.25, else 0.5 - (x y + (x - 0.5)).
  const y = rational(c, ERF_SMALL_P, ERF_SMALL_Q, c.op("Mul", [x, x]));
  const xy = c.op("Mul", [x, y]);
  const small = c.op("Where", [less(x, 0.25), c.op("Sub", [num(c, 1), c.op("Add", [x, xy])]), c.op("Sub", [num(c, 0.5), c.op("Add", [xy, c.op("Sub", [x, num(c, 0.5)])])])]);
  // [0.84375, 1.25): 1 - erx - P/Q for x > 0, 1 + erx + P/Q below.
  const pq = rational(c, ERF_MID_P, ERF_MID_Q, c.op("Sub", [ax, num(c, 1)]));
  const positive = c.op("Greater", [x, num(c, 0)]);
  const mid = c.op("Where", [positive, c.op("Sub", [num(c, 1 - ERX), pq]), c.op("Add", [num(c, 1 + ERX), pq])]);
  // [1.25, 28): the tail t for x > 0, 2 - t below; beyond, 0 or 2.
  const s = c.op("Reciprocal", [c.op("Mul", [ax, ax])]);
  const rs = c.op("Where", [less(ax, 1 / 0.35), rational(c, TAIL_NEAR_R, TAIL_NEAR_S, s), rational(c, TAIL_FAR_R, TAIL_FAR_S, s)]);
  const exponent = c.op("Add", [c.op("Sub", [c.op("Neg", [c.op("Mul", [ax, ax])]), num(c, 0.5625)]), rs]);
  const t = c.op("Div", [c.op("Exp", [exponent]), ax]);
  const tail = c.op("Where", [positive, t, c.op("Sub", [num(c, 2), t])]);
  const beyond = c.op("Where", [positive, num(c, 0), num(c, 2)]);
  let r = c.op("Where", [less(ax, 28), tail, beyond]);
  r = c.op("Where", [less(ax, 1.25), mid, r]);
  r = c.op("Where", [less(ax, 0.84375), small, r]);
  return result(c, c.op("Where", [c.op("IsNaN", [x]), x, r]));
};

export const MATH: Record<string, Converter> = {
  ErfcBackward0: erfc,
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
