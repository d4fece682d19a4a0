// Scalar special functions in double precision (erf, erfinv, lgamma, digamma, polygamma, i0, ...),
// shared by the pointwise, special and activation ops. Pure number → number, no tensors.

/** c_0 z^n + ... + c_n (Horner; coefficients highest order first), for the tabulated fits. */
export function horner(z: number, c: readonly number[]): number {
  let r = 0;
  for (let i = 0; i < c.length; i++) r = r * z + c[i]!;
  return r;
}

// ---- erf / erfc -----------------------------------------------------------------------------
// Rational approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35), [1/0.35, 28) (Sun's
// fdlibm s_erf.c scheme), accurate to about one ulp.

const ERX = 8.45062911510467529297e-01;
const EFX = 1.28379167095512586316e-01;

// The polynomials, written out (Horner form) so that the hot erf of gelu inlines into one expression.
/** (erf(x) - x) / x on [0, 0.84375): P(z)/Q(z), z = x². */
function erfSmall(z: number): number {
  return (1.28379167095512558561e-01 + z * (-3.25042107247001499370e-01 + z * (-2.84817495755985104766e-02 + z * (-5.77027029648944159157e-03 + z * (-2.37630166566501626084e-05))))) / (1 + z * (3.97917223959155352819e-01 + z * (6.50222499887672944485e-02 + z * (5.08130628187576562776e-03 + z * (1.32494738004321644526e-04 + z * (-3.96022827877536812320e-06))))));
}
/** erf(1 + s) - erx on [0.84375, 1.25): P(s)/Q(s). */
function erfMid(s: number): number {
  return (-2.36211856075265944077e-03 + s * (4.14856118683748331666e-01 + s * (-3.72207876035701323847e-01 + s * (3.18346619901161753674e-01 + s * (-1.10894694282396677476e-01 + s * (3.54783043256182359371e-02 + s * (-2.16637559486879084300e-03))))))) / (1 + s * (1.06420880400844228286e-01 + s * (5.40397917702171048937e-01 + s * (7.18286544141962662868e-02 + s * (1.26171219808761642112e-01 + s * (1.36370839120290507362e-02 + s * (1.19844998467991074170e-02)))))));
}
/** The correction R(s)/S(s), s = 1/x², of the erfc tail on [1.25, 1/0.35) and [1/0.35, 28). */
function tailNear(s: number): number {
  return (-9.86494403484714822705e-03 + s * (-6.93858572707181764372e-01 + s * (-1.05586262253232909814e+01 + s * (-6.23753324503260060396e+01 + s * (-1.62396669462573470355e+02 + s * (-1.84605092906711035994e+02 + s * (-8.12874355063065934246e+01 + s * (-9.81432934416914548592e+00)))))))) / (1 + s * (1.96512716674392571292e+01 + s * (1.37657754143519042600e+02 + s * (4.34565877475229228821e+02 + s * (6.45387271733267880336e+02 + s * (4.29008140027567833386e+02 + s * (1.08635005541779435134e+02 + s * (6.57024977031928170135e+00 + s * (-6.04244152148580987438e-02)))))))));
}
function tailFar(s: number): number {
  return (-9.86494292470009928597e-03 + s * (-7.99283237680523006574e-01 + s * (-1.77579549177547519889e+01 + s * (-1.60636384855821916062e+02 + s * (-6.37566443368389627722e+02 + s * (-1.02509513161107724954e+03 + s * (-4.83519191608651397019e+02))))))) / (1 + s * (3.03380607434824582924e+01 + s * (3.25792512996573918826e+02 + s * (1.53672958608443695994e+03 + s * (3.19985821950859553908e+03 + s * (2.55305040643316442583e+03 + s * (4.74528541206955367215e+02 + s * (-2.24409524465858183362e+01))))))));
}

/**
 * The fit R/S of the erfc tail on [1.25, 28): erfc(x) = exp(-x² - 0.5625 + R/S) / x there (so
 * erfcx(x) = exp(-0.5625 + R/S) / x, special-normal-math.ts).
 */
export function erfcTailFit(ax: number): number {
  const s = 1 / (ax * ax);
  return ax < 1 / 0.35 ? tailNear(s) : tailFar(s);
}

/** exp(-x*x) * (R/S-corrected) / x for x >= 1.25: the erfc tail. */
function erfcTail(ax: number): number {
  const rs = erfcTailFit(ax);
  // One exp of the whole exponent: a few ulps (x² rounds) for a third of the cost of fdlibm's split.
  return Math.exp(-ax * ax - 0.5625 + rs) / ax;
}

export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + EFX * x;
    return x + x * erfSmall(x * x);
  }
  if (ax < 1.25) {
    const v = ERX + erfMid(ax - 1);
    return x >= 0 ? v : -v;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const v = 1 - erfcTail(ax);
  return x >= 0 ? v : -v;
}

export function erfc(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const y = erfSmall(x * x);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const pq = erfMid(ax - 1);
    return x >= 0 ? 1 - ERX - pq : 1 + ERX + pq;
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const t = erfcTail(ax);
    return x > 0 ? t : 2 - t;
  }
  return x > 0 ? 0 : 2;
}

// ---- erfinv ---------------------------------------------------------------------------------
// A rational first guess refined by two Newton steps on erf (as PyTorch's calc_erfinv does).

const EI_A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const EI_B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
const EI_C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const EI_D = [3.543889200, 1.637067800];
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erfinv(y: number): number {
  const ay = Math.abs(y);
  if (!(ay <= 1)) return NaN;
  if (ay === 1) return y > 0 ? Infinity : -Infinity;
  let x: number;
  if (ay <= 0.7) {
    const z = y * y;
    const num = ((EI_A[3]! * z + EI_A[2]!) * z + EI_A[1]!) * z + EI_A[0]!;
    const den = (((EI_B[3]! * z + EI_B[2]!) * z + EI_B[1]!) * z + EI_B[0]!) * z + 1;
    x = (y * num) / den;
  } else {
    const z = Math.sqrt(-Math.log((1 - ay) / 2));
    const num = ((EI_C[3]! * z + EI_C[2]!) * z + EI_C[1]!) * z + EI_C[0]!;
    const den = (EI_D[1]! * z + EI_D[0]!) * z + 1;
    x = (y < 0 ? -num : num) / den;
  }
  x -= (erf(x) - y) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
  x -= (erf(x) - y) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
  return x;
}

// ---- lgamma / digamma / polygamma ------------------------------------------------------------

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Stirling's series for log Γ(x), x large. */
function lgammaStirling(x: number): number {
  const z = 1 / (x * x);
  const series = (1 / 12 + z * (-1 / 360 + z * (1 / 1260 + z * (-1 / 1680 + z * (1 / 1188))))) / x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
}

/** log|Γ(x)| (+inf at the poles 0, -1, -2, ...). */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  if (x >= 15) return lgammaStirling(x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS_G + 2; i++) a += LANCZOS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** sin(πx) with the argument reduced exactly (no loss near large integers). */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2); // in [-1, 1]
  if (r === 0 || r === 1 || r === -1) return 0;
  if (r === 0.5) return 1;
  if (r === -0.5) return -1;
  return Math.sin(Math.PI * r);
}

// ψ's asymptotic series: Bernoulli numbers B2k / 2k, k = 1..7.
const PSI_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];
const PSI_10 = 2.25175258906672110764;

export function digamma(x: number): number {
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return NaN;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    // Reflection with the fractional part, so tan(πr) keeps its accuracy.
    const r = x - Math.trunc(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let result = 0;
  while (x < 10) { result -= 1 / x; x += 1; }
  if (x === 10) return result + PSI_10;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = 0;
    for (let i = PSI_SERIES.length - 1; i >= 0; i--) p = p * z + PSI_SERIES[i]!;
    y = z * p;
  }
  return result + Math.log(x) - 0.5 / x - y;
}

export function trigamma(x: number): number {
  let sign = 1, result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = sinPi(x);
    result -= (Math.PI * Math.PI) / (s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 6; i++) { result += 1 / (x * x); x += 1; }
  const ixx = 1 / (x * x);
  result += (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x;
  return sign * result;
}

// (2k)! / B2k for k = 1..12: the Euler–Maclaurin tail of the Hurwitz zeta function.
const ZETA_A = [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
  -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17,
  -7.1661652561756670113e18];
const MACHEP = 1.11022302462515654042e-16;

/** C's pow, where 1 to any power (±inf and NaN too) is 1 (JS's Math.pow gives NaN for 1 ** ±inf). */
function powC(base: number, exponent: number): number {
  return base === 1 ? 1 : Math.pow(base, exponent);
}

/** Hurwitz zeta ζ(x, q) = Σ (k + q)^-x. */
export function zeta(x: number, q: number): number {
  if (x === 1) return Infinity;
  if (x < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (x !== Math.floor(x)) return NaN;
  }
  let s = powC(q, -x);
  let a = q, b = 0, i = 0;
  while (i < 9 || a <= 9) {
    i++;
    a += 1;
    b = powC(a, -x);
    s += b;
    if (-MACHEP * s < b && b < MACHEP * s) return s;
  }
  const w = a;
  s += (b * w) / (x - 1);
  s -= 0.5 * b;
  let fac = 1, k = 0;
  for (let j = 0; j < 12; j++) {
    fac *= x + k;
    b /= w;
    const t = (fac * b) / ZETA_A[j]!;
    s += t;
    if (Math.abs(t / s) < MACHEP) return s;
    k += 1;
    fac *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

/** ψ⁽ⁿ⁾(x). */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (n === 1) return trigamma(x);
  const sign = n % 2 === 1 ? 1 : -1;
  return sign * Math.exp(lgamma(n + 1)) * zeta(n + 1, x);
}

// ---- Bessel I0 / I1 -------------------------------------------------------------------------
// Power series (all terms positive: no cancellation) below 30; the asymptotic series above.

export function i0(x: number): number {
  const ax = Math.abs(x);
  // ±inf gives NaN in PyTorch (exp(x) / sqrt(x) in its tail formula).
  if (Number.isNaN(x) || ax === Infinity) return NaN;
  if (ax > 30) return besselAsymptotic(ax, 0);
  const q = (ax * ax) / 4;
  let term = 1, sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export function i1(x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x) || ax === Infinity) return NaN;
  let r: number;
  if (ax > 30) r = besselAsymptotic(ax, 1);
  else {
    const q = (ax * ax) / 4;
    let term = ax / 2, sum = term;
    for (let k = 1; k < 500; k++) {
      term *= q / (k * (k + 1));
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = sum;
  }
  return x < 0 ? -r : r;
}

/** I_ν(x) ~ e^x / sqrt(2πx) Σ (-1)^k a_k(ν) / x^k for large x. */
function besselAsymptotic(x: number, nu: number): number {
  if (x > 713) return Infinity;
  const mu = 4 * nu * nu;
  let term = 1, sum = 1;
  for (let k = 1; k < 30; k++) {
    const next = (-term * (mu - (2 * k - 1) ** 2)) / (k * 8 * x);
    if (Math.abs(next) > Math.abs(term)) break;
    term = next;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  // e^x split so that x up to ~713 does not overflow before the division.
  const e = Math.exp(x / 2);
  return ((e * sum) / Math.sqrt(2 * Math.PI * x)) * e;
}

// ---- rounding -------------------------------------------------------------------------------

/** Round half to even (C's nearbyint in the default rounding mode). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds .5 up; move exact ties to the even neighbour.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** sin(πx)/(πx), 1 at 0. */
export function sinc(x: number): number {
  if (x === 0) return 1;
  if (!Number.isFinite(x)) return NaN;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}
