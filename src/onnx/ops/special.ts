// Special functions ONNX has no operator for, built in double with the same scheme as torch-ts's
// kernels (src/ops/special-math.ts) and rounded once to the output dtype: every region's formula
// runs on every element and Where picks (an unpicked region may be inf or NaN; Where drops it).
// - erf / erfc: Sun's fdlibm regions [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35), [1/0.35, 28):
//   erfc keeps full precision in the tail (1 - Erf loses it all past x ≈ 4).
// - erfinv: the rational first guess and two Newton steps on that erf.
// - lgamma: Lanczos (g = 7) below 15, Stirling's series above, reflection below 0.5 with sin(πx)'s
//   argument reduced exactly; +inf at the poles and at ±inf.
// - digamma: the steps up to 10 (-1/x each, unrolled: at most 10), the asymptotic series, and
//   reflection with the fractional part below 0; -inf at +0 and +inf at -0 (as torch-ts), NaN at
//   the negative integers and -inf.
// - polygamma(n, x), n >= 1: (-1)^(n+1) n! ζ(n+1, x), the Hurwitz zeta summed term by term while
//   x + k < 10 + n (unrolled) and Euler-Maclaurin's series beyond; below 0 the reflection
//   ψ⁽ⁿ⁾(x) = (-1)^n ψ⁽ⁿ⁾(1-x) - π dⁿ/dxⁿ cot(πx), the derivative a polynomial in cot(πr) (r the
//   fractional part) found at export time. ±inf at 0 and the negative integers, NaN at +inf (n >= 2)
//   as torch-ts's zeta gives; trigamma 0 at +inf and NaN at -inf. n = 0 is digamma.
// - i0: the power series (60 terms cover |x| <= 30 to double precision), the asymptotic series above.

import { float64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";

function num(c: ConvertContext, v: number): string { return c.g.scalar(v, float64); }

/** Input 0 in double. */
function operand(c: ConvertContext): string { return c.inputAs(0, float64); }

/** The double result rounded to the output dtype. */
function result(c: ConvertContext, x: string): string { return c.cast(x, float64, c.outDtype()); }

/** The polynomial with these coefficients (lowest power first) at z, in Horner form. */
function horner(c: ConvertContext, coefficients: readonly number[], z: string): string {
  let acc = num(c, coefficients[coefficients.length - 1]!);
  for (let k = coefficients.length - 2; k >= 0; k--) acc = c.op("Add", [num(c, coefficients[k]!), c.op("Mul", [z, acc])]);
  return acc;
}

function rational(c: ConvertContext, p: readonly number[], q: readonly number[], z: string): string {
  return c.op("Div", [horner(c, p, z), horner(c, q, z)]);
}

const less = (c: ConvertContext, a: string, v: number): string => c.op("Less", [a, num(c, v)]);

// ---- erf / erfc / erfinv ------------------------------------------------------------------------

const ERX = 8.45062911510467529297e-01;
const ERF_SMALL_P = [1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05];
const ERF_SMALL_Q = [1, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06];
const ERF_MID_P = [-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02, -2.16637559486879084300e-03];
const ERF_MID_Q = [1, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02];
const TAIL_NEAR_R = [-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01, -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02, -8.12874355063065934246e+01, -9.81432934416914548592e+00];
const TAIL_NEAR_S = [1, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02, 6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02, 6.57024977031928170135e+00, -6.04244152148580987438e-02];
const TAIL_FAR_R = [-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01, -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03, -4.83519191608651397019e+02];
const TAIL_FAR_S = [1, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02, -2.24409524465858183362e+01];

/** The pieces of erf and erfc of x: (erf(x) - x) / x below 0.84375, erf(1 + s) - erx, the erfc tail. */
function erfParts(c: ConvertContext, x: string): { ax: string; small: string; mid: string; tail: string } {
  const ax = c.op("Abs", [x]);
  const small = rational(c, ERF_SMALL_P, ERF_SMALL_Q, c.op("Mul", [x, x]));
  const mid = rational(c, ERF_MID_P, ERF_MID_Q, c.op("Sub", [ax, num(c, 1)]));
  const s = c.op("Reciprocal", [c.op("Mul", [ax, ax])]);
  const rs = c.op("Where", [less(c, ax, 1 / 0.35), rational(c, TAIL_NEAR_R, TAIL_NEAR_S, s), rational(c, TAIL_FAR_R, TAIL_FAR_S, s)]);
  const exponent = c.op("Add", [c.op("Sub", [c.op("Neg", [c.op("Mul", [ax, ax])]), num(c, 0.5625)]), rs]);
  return { ax, small, mid, tail: c.op("Div", [c.op("Exp", [exponent]), ax]) };
}

/** erf(x) in double (x not NaN). */
function erfOf(c: ConvertContext, x: string): string {
  const { ax, small, mid, tail } = erfParts(c, x);
  const sign = c.op("Where", [less(c, x, 0), num(c, -1), num(c, 1)]);
  let r = c.op("Where", [less(c, ax, 6), c.op("Mul", [sign, c.op("Sub", [num(c, 1), tail])]), sign]);
  r = c.op("Where", [less(c, ax, 1.25), c.op("Mul", [sign, c.op("Add", [num(c, ERX), mid])]), r]);
  return c.op("Where", [less(c, ax, 0.84375), c.op("Add", [x, c.op("Mul", [x, small])]), r]);
}

const erfc: Converter = (c) => {
  const x = operand(c);
  const { ax, small: y, mid: pq, tail: t } = erfParts(c, x);
  // [0, 0.84375): 1 - (x + x y) below 0.25, else 0.5 - (x y + (x - 0.5)).
  const xy = c.op("Mul", [x, y]);
  const small = c.op("Where", [less(c, x, 0.25), c.op("Sub", [num(c, 1), c.op("Add", [x, xy])]), c.op("Sub", [num(c, 0.5), c.op("Add", [xy, c.op("Sub", [x, num(c, 0.5)])])])]);
  // [0.84375, 1.25): 1 - erx - P/Q for x > 0, 1 + erx + P/Q below.
  const positive = c.op("Greater", [x, num(c, 0)]);
  const mid = c.op("Where", [positive, c.op("Sub", [num(c, 1 - ERX), pq]), c.op("Add", [num(c, 1 + ERX), pq])]);
  // [1.25, 28): the tail t for x > 0, 2 - t below; beyond, 0 or 2.
  const tail = c.op("Where", [positive, t, c.op("Sub", [num(c, 2), t])]);
  let r = c.op("Where", [less(c, ax, 28), tail, c.op("Where", [positive, num(c, 0), num(c, 2)])]);
  r = c.op("Where", [less(c, ax, 1.25), mid, r]);
  r = c.op("Where", [less(c, ax, 0.84375), small, r]);
  return result(c, c.op("Where", [c.op("IsNaN", [x]), x, r]));
};

const EI_A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const EI_B = [1, -2.118377725, 1.442710462, -0.329097515, 0.012229801];
const EI_C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const EI_D = [1, 3.543889200, 1.637067800];

/** erfinv(y): ±inf at ±1, NaN beyond (and for NaN). */
const erfinv: Converter = (c) => {
  const y = operand(c);
  const ay = c.op("Abs", [y]);
  const z = c.op("Mul", [y, y]);
  const central = c.op("Div", [c.op("Mul", [y, horner(c, EI_A, z)]), horner(c, EI_B, z)]);
  const w = c.op("Sqrt", [c.op("Neg", [c.op("Log", [c.op("Div", [c.op("Sub", [num(c, 1), ay]), num(c, 2)])])])]);
  const tailNum = horner(c, EI_C, w);
  const outer = c.op("Div", [c.op("Where", [less(c, y, 0), c.op("Neg", [tailNum]), tailNum]), horner(c, EI_D, w)]);
  let x = c.op("Where", [c.op("LessOrEqual", [ay, num(c, 0.7)]), central, outer]);
  for (let step = 0; step < 2; step++) {
    const slope = c.op("Mul", [num(c, 2 / Math.sqrt(Math.PI)), c.op("Exp", [c.op("Neg", [c.op("Mul", [x, x])])])]);
    x = c.op("Sub", [x, c.op("Div", [c.op("Sub", [erfOf(c, x), y]), slope])]);
  }
  const atOne = c.op("Where", [c.op("Greater", [y, num(c, 0)]), num(c, Infinity), num(c, -Infinity)]);
  x = c.op("Where", [c.op("Equal", [ay, num(c, 1)]), atOne, x]);
  return result(c, c.op("Where", [c.op("LessOrEqual", [ay, num(c, 1)]), x, num(c, Number.NaN)]));
};

// ---- lgamma / digamma ---------------------------------------------------------------------------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188];

/** trunc(x) (ONNX has Floor and Ceil only). */
function trunc(c: ConvertContext, x: string): string {
  return c.op("Where", [less(c, x, 0), c.op("Ceil", [x]), c.op("Floor", [x])]);
}

/** log Γ(u) for u >= 0.5: Lanczos below 15, Stirling's series from 15, exactly 0 at 1 and 2. */
function lgammaPositive(c: ConvertContext, u: string): string {
  const z = c.op("Sub", [u, num(c, 1)]);
  const t = c.op("Add", [z, num(c, 7.5)]);
  let a = num(c, LANCZOS[0]!);
  for (let i = 1; i < LANCZOS.length; i++) a = c.op("Add", [a, c.op("Div", [num(c, LANCZOS[i]!), c.op("Add", [z, num(c, i)])])]);
  const lanczos = c.op("Add", [c.op("Sub", [c.op("Add", [num(c, HALF_LOG_2PI), c.op("Mul", [c.op("Add", [z, num(c, 0.5)]), c.op("Log", [t])])]), t]), c.op("Log", [a])]);
  const series = c.op("Div", [horner(c, STIRLING, c.op("Reciprocal", [c.op("Mul", [u, u])])), u]);
  const stirling = c.op("Add", [c.op("Add", [c.op("Sub", [c.op("Mul", [c.op("Sub", [u, num(c, 0.5)]), c.op("Log", [u])]), u]), num(c, HALF_LOG_2PI)]), series]);
  const r = c.op("Where", [less(c, u, 15), lanczos, stirling]);
  const oneOrTwo = c.op("Or", [c.op("Equal", [u, num(c, 1)]), c.op("Equal", [u, num(c, 2)])]);
  return c.op("Where", [oneOrTwo, num(c, 0), r]);
}

const lgamma: Converter = (c) => {
  const x = operand(c);
  const reflect = less(c, x, 0.5);
  const pos = lgammaPositive(c, c.op("Where", [reflect, c.op("Sub", [num(c, 1), x]), x]));
  // sin(πr) with r = x - 2 round(x / 2) in [-1, 1] (Math.round: halves up).
  const r = c.op("Sub", [x, c.op("Mul", [num(c, 2), c.op("Floor", [c.op("Add", [c.op("Div", [x, num(c, 2)]), num(c, 0.5)])])])]);
  const sinPi = c.op("Abs", [c.op("Sin", [c.op("Mul", [num(c, Math.PI), r])])]);
  const reflected = c.op("Sub", [c.op("Log", [c.op("Div", [num(c, Math.PI), sinPi])]), pos]);
  let out = c.op("Where", [reflect, reflected, pos]);
  const pole = c.op("And", [c.op("LessOrEqual", [x, num(c, 0)]), c.op("Equal", [c.op("Floor", [x]), x])]);
  out = c.op("Where", [c.op("Or", [pole, c.op("IsInf", [x])]), num(c, Infinity), out]);
  return result(c, c.op("Where", [c.op("IsNaN", [x]), x, out]));
};

const PSI_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];
const PSI_10 = 2.25175258906672110764;

/** ψ(u) for u > 0: -1/u per step while u < 10 (at most 10 steps), then the series (ψ(10) exactly). */
function digammaPositive(c: ConvertContext, u: string): string {
  let steps = num(c, 0), w = u;
  for (let k = 0; k < 10; k++) {
    const below = less(c, w, 10);
    steps = c.op("Where", [below, c.op("Sub", [steps, c.op("Reciprocal", [w])]), steps]);
    w = c.op("Where", [below, c.op("Add", [w, num(c, 1)]), w]);
  }
  const z = c.op("Reciprocal", [c.op("Mul", [w, w])]);
  const series = c.op("Sub", [c.op("Sub", [c.op("Log", [w]), c.op("Div", [num(c, 0.5), w])]), c.op("Mul", [z, horner(c, PSI_SERIES, z)])]);
  return c.op("Add", [steps, c.op("Where", [c.op("Equal", [w, num(c, 10)]), num(c, PSI_10), series])]);
}

const digamma: Converter = (c) => result(c, digammaOf(c, operand(c)));

/** ψ(x) in double. */
function digammaOf(c: ConvertContext, x: string): string {
  const negative = less(c, x, 0);
  const pos = digammaPositive(c, c.op("Where", [negative, c.op("Sub", [num(c, 1), x]), x]));
  // Reflection with the fractional part r, so that π / tan(πr) keeps its accuracy.
  const pr = c.op("Mul", [num(c, Math.PI), c.op("Sub", [x, trunc(c, x)])]);
  const cotangent = c.op("Div", [c.op("Mul", [num(c, Math.PI), c.op("Cos", [pr])]), c.op("Sin", [pr])]);
  let out = c.op("Where", [negative, c.op("Sub", [pos, cotangent]), pos]);
  const pole = c.op("And", [negative, c.op("Equal", [c.op("Floor", [x]), x])]); // -inf too
  out = c.op("Where", [pole, num(c, Number.NaN), out]);
  // ±0: -inf, +inf for -0 (as torch-ts), told apart by 1 / x.
  const atZero = c.op("Where", [less(c, c.op("Reciprocal", [x]), 0), num(c, Infinity), num(c, -Infinity)]);
  out = c.op("Where", [c.op("Equal", [x, num(c, 0)]), atZero, out]);
  return c.op("Where", [c.op("IsNaN", [x]), x, out]);
}

// ---- polygamma ----------------------------------------------------------------------------------

/** B2j / (2j)!, j = 1..10: Euler-Maclaurin's coefficients. */
const EULER_MACLAURIN = [1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -1 / 1.8924375803183791606e9, 1 / 7.47242496e10,
  -1 / 2.950130727918164224e12, 1 / 1.1646782814350067249e14, -1 / 4.5979787224074726105e15];

/** v^k for an integer k >= 1, by squaring. */
function powInt(c: ConvertContext, v: string, k: number): string {
  let out: string | null = null, sq = v;
  for (let e = k; e > 0; e >>= 1) {
    if (e & 1) out = out === null ? sq : c.op("Mul", [out, sq]);
    if (e > 1) sq = c.op("Mul", [sq, sq]);
  }
  return out!;
}

/**
 * ζ(s, u) for u > 0 and an integer s >= 2: the terms (u + k)^-s while u + k < `until`, then
 * w^(1-s) / (s-1) + w^-s / 2 + Σ B2j/(2j)! s(s+1)...(s+2j-2) w^(-s-2j+1) at the w reached.
 */
function hurwitzZeta(c: ConvertContext, s: number, u: string, until: number): string {
  let sum = num(c, 0), w = u;
  for (let k = 0; k < until; k++) {
    const below = less(c, w, until);
    sum = c.op("Where", [below, c.op("Add", [sum, powInt(c, c.op("Reciprocal", [w]), s)]), sum]);
    w = c.op("Where", [below, c.op("Add", [w, num(c, 1)]), w]);
  }
  // The series' coefficients with the rising factorial s(s+1)...(s+2j-2) folded in.
  const coefficients: number[] = [];
  let rising = s;
  for (let j = 0; j < EULER_MACLAURIN.length; j++) {
    coefficients.push(EULER_MACLAURIN[j]! * rising);
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
  }
  const r = c.op("Reciprocal", [w]);
  const series = c.op("Mul", [r, horner(c, coefficients, c.op("Mul", [r, r]))]);
  const tail = c.op("Mul", [powInt(c, r, s), c.op("Add", [c.op("Add", [c.op("Div", [w, num(c, s - 1)]), num(c, 0.5)]), series])]);
  return c.op("Add", [sum, tail]);
}

/** The polynomial P with dⁿ/dxⁿ cot(πx) = πⁿ P(cot(πx)) (lowest power first): P₀ = c, P_{k+1} = -(1 + c²) P_k'. */
function cotDerivative(n: number): number[] {
  let p = [0, 1];
  for (let k = 0; k < n; k++) {
    const d = p.slice(1).map((a, i) => a * (i + 1));
    const next = new Array<number>(d.length + 2).fill(0);
    d.forEach((a, i) => { next[i]! -= a; next[i + 2]! -= a; });
    p = next;
  }
  return p;
}

/** ψ⁽ⁿ⁾(x) for n >= 1 in double (see the file's note). */
function polygammaOf(c: ConvertContext, n: number, x: string): string {
  const sign = n % 2 === 1 ? 1 : -1;
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  const negative = less(c, x, 0);
  const u = c.op("Where", [negative, c.op("Sub", [num(c, 1), x]), x]);
  const pos = c.op("Mul", [num(c, sign * factorial), hurwitzZeta(c, n + 1, u, 10 + n)]);
  const pr = c.op("Mul", [num(c, Math.PI), c.op("Sub", [x, trunc(c, x)])]);
  const cot = c.op("Div", [c.op("Cos", [pr]), c.op("Sin", [pr])]);
  const reflected = c.op("Sub", [n % 2 === 0 ? pos : c.op("Neg", [pos]), c.op("Mul", [num(c, Math.PI ** (n + 1)), horner(c, cotDerivative(n), cot)])]);
  let out = c.op("Where", [negative, reflected, pos]);
  const pole = c.op("And", [c.op("LessOrEqual", [x, num(c, 0)]), c.op("Equal", [c.op("Floor", [x]), x])]); // -inf too
  out = c.op("Where", [pole, num(c, sign * Infinity), out]);
  // +inf: trigamma's series gives 0, the zeta's NaN; -inf: trigamma's reflection NaN.
  if (n === 1) out = c.op("Where", [c.op("IsInf", [x]), c.op("Where", [negative, num(c, Number.NaN), num(c, 0)]), out]);
  return c.op("Where", [c.op("IsNaN", [x]), x, out]);
}

const polygamma: Converter = (c) => {
  const n = c.attr<number>("n");
  const x = operand(c);
  return result(c, n === 0 ? digammaOf(c, x) : polygammaOf(c, n, x));
};

// ---- i0 -----------------------------------------------------------------------------------------

const i0: Converter = (c) => {
  const x = operand(c);
  const ax = c.op("Abs", [x]);
  // Σ (x²/4)^k / (k!)², every term positive.
  const q = c.op("Div", [c.op("Mul", [ax, ax]), num(c, 4)]);
  let term = num(c, 1), sum = num(c, 1);
  for (let k = 1; k <= 60; k++) {
    term = c.op("Mul", [term, c.op("Div", [q, num(c, k * k)])]);
    sum = c.op("Add", [sum, term]);
  }
  // e^x / sqrt(2πx) Σ a_k / x^k, e^x split in two so that x up to ~713 does not overflow first.
  let aterm = num(c, 1), asum = num(c, 1);
  for (let k = 1; k < 30; k++) {
    aterm = c.op("Div", [c.op("Mul", [aterm, num(c, (2 * k - 1) ** 2)]), c.op("Mul", [num(c, k * 8), ax])]);
    asum = c.op("Add", [asum, aterm]);
  }
  const half = c.op("Exp", [c.op("Div", [ax, num(c, 2)])]);
  const asymptotic = c.op("Mul", [c.op("Div", [c.op("Mul", [half, asum]), c.op("Sqrt", [c.op("Mul", [num(c, 2 * Math.PI), ax])])]), half]);
  let out = c.op("Where", [c.op("Greater", [ax, num(c, 30)]), c.op("Where", [c.op("Greater", [ax, num(c, 713)]), num(c, Infinity), asymptotic]), sum]);
  // ±inf gives NaN (as PyTorch's tail formula does).
  out = c.op("Where", [c.op("IsInf", [x]), num(c, Number.NaN), out]);
  return result(c, c.op("Where", [c.op("IsNaN", [x]), x, out]));
};

export const SPECIAL: Record<string, Converter> = {
  ErfcBackward0: erfc,
  ErfinvBackward0: erfinv,
  LgammaBackward0: lgamma,
  DigammaBackward0: digamma,
  polygamma,
  I0Backward0: i0,
};
