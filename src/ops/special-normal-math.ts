// Scalar functions of the normal distribution and its error function, in double precision:
// ndtri (Cephes' algorithm, as PyTorch's CPU kernel), erfcx and log_ndtr. Pure number → number.

import { erfc, erfcTailFit, horner } from "./special-math.js";

// ---- ndtri ----------------------------------------------------------------------------------

// |y - 1/2| <= 3/8: x/sqrt(2π) = y + y³ P0(y²)/Q0(y²), y shifted by 1/2.
const P0 = [-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1, 1.39312609387279679503e1, -1.23916583867381258016e0];
const Q0 = [1, 1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1, -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1, 1.59056225126211695515e1, -1.18331621121330003142e0];
// z = sqrt(-2 log y) in [2, 8] and [8, 64]: x = z - log(z)/z - (1/z) P(1/z)/Q(1/z).
const P1 = [4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1, 4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0, -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4];
const Q1 = [1, 1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1, 1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1, -3.80806407691578277194e-2, -9.33259480895457427372e-4];
const P2 = [3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0, 1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2, 3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9];
const Q2 = [1, 6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0, 2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4, 2.89247864745380683936e-6, 6.79019408009981274425e-9];
const SQRT_2PI = 2.50662827463100050242e0;
const EXP_M2 = 0.13533528323661269189; // exp(-2)

/** The quantile of the standard normal distribution (inverse of ndtr). */
export function ndtri(y0: number): number {
  if (y0 === 0) return -Infinity;
  if (y0 === 1) return Infinity;
  if (y0 < 0 || y0 > 1) return NaN;
  let y = y0, lowerTail = true;
  if (y > 1 - EXP_M2) { y = 1 - y; lowerTail = false; }
  if (y > EXP_M2) {
    y -= 0.5;
    const y2 = y * y;
    return (y + y * ((y2 * horner(y2, P0)) / horner(y2, Q0))) * SQRT_2PI;
  }
  const x = Math.sqrt(-2 * Math.log(y));
  const x0 = x - Math.log(x) / x;
  const z = 1 / x;
  const x1 = x < 8 ? (z * horner(z, P1)) / horner(z, Q1) : (z * horner(z, P2)) / horner(z, Q2);
  const r = x0 - x1;
  return lowerTail ? -r : r;
}

// ---- erfcx ----------------------------------------------------------------------------------

const INV_SQRT_PI = 0.56418958354775628694807945156;

/** erfcx(x) = exp(x²) erfc(x) for x >= 0. */
function erfcxPositive(x: number): number {
  if (x < 1.25) return Math.exp(x * x) * erfc(x);
  // fdlibm's erfc tail without its exp(-x²): no overflow, no cancellation.
  if (x < 28) return Math.exp(-0.5625 + erfcTailFit(x)) / x;
  if (x > 5e7) return INV_SQRT_PI / x;
  if (x > 50) {
    // Five terms of the continued fraction 1/sqrt(π) / (x + 1/2/(x + 1/(x + 3/2/(x + 2/x)))) (as PyTorch).
    const x2 = x * x;
    return (INV_SQRT_PI * (x2 * (x2 + 4.5) + 2)) / (x * (x2 * (x2 + 5) + 3.75));
  }
  // The same continued fraction, deeper (converged to double precision from x = 28).
  let f = x;
  for (let k = 40; k >= 1; k--) f = x + k / 2 / f;
  return INV_SQRT_PI / f;
}

/** The scaled complementary error function exp(x²) erfc(x). */
export function erfcx(x: number): number {
  if (x !== x) return x;
  if (x >= 0) return erfcxPositive(x);
  if (x < -26.7) return Infinity;
  if (x < -6.1) return 2 * Math.exp(x * x);
  return 2 * Math.exp(x * x) - erfcxPositive(-x);
}

/** log of the standard normal CDF, without underflow in the lower tail. */
export function logNdtr(x: number): number {
  const t = x * Math.SQRT1_2;
  if (x < -1) return Math.log(erfcx(-t) / 2) - t * t;
  return Math.log1p(-erfc(t) / 2);
}

/** -x log(x) (0 at 0, -inf below 0). */
export function entr(x: number): number {
  if (x !== x) return x;
  if (x > 0) return -x * Math.log(x);
  if (x === 0) return 0;
  return -Infinity;
}

/** x log1p(y), 0 where x is 0 (NaN where y is NaN). */
export function xlog1py(x: number, y: number): number {
  if (y !== y) return NaN;
  if (x === 0) return 0;
  return x * Math.log1p(y);
}
