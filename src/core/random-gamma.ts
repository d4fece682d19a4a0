// PyTorch's CPU gamma and Dirichlet samplers and their reparameterised gradients (ATen's
// Distributions.h: sample_gamma, standard_gamma_grad_one, dirichlet_grad_one; Distributions.cpp:
// _s_gamma_cpu, _s_dirichlet_cpu), drawing the same uniforms and normals in the same order:
// at::uniform_real_distribution<double>(0, 1) and at::normal_distribution<double>(0, 1) (with the
// generator's cached second normal). Float literals of ATen's code (0.0331f, 1.0f / 3.0f) keep their
// float32 values; sample_gamma's alpha arithmetic runs in the tensor's dtype (`round`).

import type { Generator } from "./generator.js";
import { crExp, crLog, normalSample } from "./random-transforms.js";

const fround = Math.fround;
const ONE_THIRD_F = fround(1 / 3);
const C_0331_F = fround(0.0331);
const FLT_MIN = 1.1754943508222875e-38;
const DBL_MIN = 2.2250738585072014e-308;

/** One sample of Gamma(alpha, 1); `f32` when the tensor is float32 (alpha's own arithmetic rounds). */
export function sampleGamma(gen: Generator, alpha: number, f32: boolean): number {
  const r = f32 ? fround : (v: number) => v;
  let scale = 1.0;
  let a = alpha;
  if (a < 1) {
    if (a === 0) return 0;
    scale *= Math.pow(1 - gen.randomDouble53(), r(1 / a));
    a = r(a + 1);
  }
  // Marsaglia and Tsang (2000).
  const d = r(a - ONE_THIRD_F);
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, y: number;
    do {
      x = normalSample(gen, 0, 1);
      y = 1 + c * x;
    } while (y <= 0);
    const v = y * y * y;
    const u = 1 - gen.randomDouble53();
    const xx = x * x;
    if (u < 1 - C_0331_F * xx * xx) return r(scale * d * v);
    if (crLog(u) < 0.5 * xx + d * (1 - v + crLog(v))) return r(scale * d * v);
  }
}

/** _standard_gamma on CPU: a sample per alpha, floored at the dtype's smallest normal number. */
export function standardGammaValues(gen: Generator, alphas: ArrayLike<number>, f32: boolean): Float64Array {
  const out = new Float64Array(alphas.length);
  const min = f32 ? FLT_MIN : DBL_MIN;
  for (let i = 0; i < alphas.length; i++) out[i] = Math.max(min, sampleGamma(gen, alphas[i]!, f32));
  return out;
}

/**
 * _sample_dirichlet on CPU: gamma draws in double for each alpha (in row-major order), normalised
 * over the last dim of length `k`, clamped to [min normal, the largest value below 1] of the dtype.
 */
export function sampleDirichletValues(gen: Generator, alphas: ArrayLike<number>, k: number, f32: boolean): Float64Array {
  const gammas = standardGammaValues(gen, alphas, false);
  const out = new Float64Array(alphas.length);
  const min = f32 ? FLT_MIN : DBL_MIN;
  const max = f32 ? 1 - 2 ** -24 : 1 - 2 ** -53;
  for (let row = 0; row < alphas.length; row += k) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += gammas[row + j]!;
    for (let j = 0; j < k; j++) {
      const v = f32 ? fround(gammas[row + j]! / sum) : gammas[row + j]! / sum;
      out[row + j] = Math.min(max, Math.max(min, v));
    }
  }
  return out;
}

function polevl(x: number, coefs: readonly number[]): number {
  let result = coefs[0]!;
  for (let i = 1; i < coefs.length; i++) result = result * x + coefs[i]!;
  return result;
}

const PSI_10 = 2.25175258906672110764;
const DIGAMMA_A = [
  8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3, -4.16666666666666666667e-3,
  3.96825396825396825397e-3, -8.33333333333333333333e-3, 8.33333333333333333333e-2,
];

/** Distributions.h's digamma_one (Cephes), in double. */
function digammaOne(x0: number): number {
  let x = x0;
  if (x === 0) return Infinity;
  let additional = 0;
  if (x < 0) {
    if (x === Math.floor(x)) return Infinity;
    additional = -Math.PI / Math.tan(Math.PI * x);
    x = 1 - x;
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + PSI_10 + additional;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    y = z * polevl(z, DIGAMMA_A);
  }
  return result + crLog(x) - 0.5 / x - y + additional;
}

const GAMMA_GRAD_COEF = [
  [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
  [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
  [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07],
];

/** -(d/dalpha cdf(x; alpha)) / pdf(x; alpha) for x drawn from Gamma(alpha): standard_gamma_grad_one in double. */
export function standardGammaGradOne(alpha: number, x: number): number {
  if (x < fround(0.8)) {
    // Taylor series for small x.
    let numer = 1, denom = alpha;
    let series1 = numer / denom, series2 = numer / (denom * denom);
    for (let i = 1; i <= 5; i++) {
      numer *= -x / i;
      denom += 1;
      series1 += numer / denom;
      series2 += numer / (denom * denom);
    }
    const powXAlpha = Math.pow(x, alpha);
    const gammaPdf = Math.pow(x, alpha - 1) * crExp(-x);
    const gammaCdf = powXAlpha * series1;
    const gammaCdfAlpha = (crLog(x) - digammaOne(alpha)) * gammaCdf - powXAlpha * series2;
    const result = -gammaCdfAlpha / gammaPdf;
    return Number.isNaN(result) ? 0 : result;
  }
  if (alpha > 8) {
    // Rice saddle point expansion for large alpha.
    if (fround(0.9) * alpha <= x && x <= fround(1.1) * alpha) {
      const numer1 = 1 + 24 * alpha * (1 + 12 * alpha);
      const numer2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x);
      const denom = 1244160 * (alpha * alpha) * (alpha * alpha);
      return numer1 * numer2 / denom;
    }
    const denom = Math.sqrt(8 * alpha);
    const term2 = denom / (alpha - x);
    const term3 = Math.pow(x - alpha - alpha * crLog(x / alpha), -1.5);
    const term23 = x < alpha ? term2 - term3 : term2 + term3;
    const term1 = crLog(x / alpha) * term23 - Math.sqrt(2 / alpha) * (alpha + x) / ((alpha - x) * (alpha - x));
    const stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha));
    const numer = x * term1;
    return -stirling * numer / denom;
  }
  // Bivariate rational approximation.
  const u = crLog(x / alpha), v = crLog(alpha);
  const cv = GAMMA_GRAD_COEF[0]!.map((c0, i) => c0 + u * (GAMMA_GRAD_COEF[1]![i]! + u * GAMMA_GRAD_COEF[2]![i]!));
  const p = cv[0]! + v * (cv[1]! + v * (cv[2]! + v * cv[3]!));
  const q = cv[4]! + v * (cv[5]! + v * (cv[6]! + v * cv[7]!));
  return crExp(p / q);
}

function betaGradAlphaSmall(x: number, alpha: number, beta: number): number {
  const factor = digammaOne(alpha) - digammaOne(alpha + beta) - crLog(x);
  let numer = 1;
  let series = numer / alpha * (factor + 1 / alpha);
  for (let i = 1; i <= 10; i++) {
    numer *= (i - beta) * x / i;
    const denom = alpha + i;
    series += numer / denom * (factor + 1 / denom);
  }
  const result = x * Math.pow(1 - x, -beta) * series;
  return Number.isNaN(result) ? 0 : result;
}

function betaGradBetaSmall(x: number, alpha: number, beta: number): number {
  const factor = digammaOne(alpha + beta) - digammaOne(beta);
  let numer = 1, betas = 1, dbetas = 0, series = factor / alpha;
  for (let i = 1; i <= 8; i++) {
    numer *= -x / i;
    dbetas = dbetas * (beta - i) + betas;
    betas = betas * (beta - i);
    series += numer / (alpha + i) * (dbetas + factor * betas);
  }
  const result = -Math.pow(1 - x, 1 - beta) * series;
  return Number.isNaN(result) ? 0 : result;
}

function betaGradAlphaMid(x: number, alpha: number, beta: number): number {
  const total = alpha + beta;
  const mean = alpha / total;
  const std = Math.sqrt(alpha * beta / (total + 1)) / total;
  if (mean - 0.1 * std <= x && x <= mean + 0.1 * std) {
    // Avoid the singularity at x = mean.
    const poly = 47 * x * (beta * beta) * (beta * beta) + alpha * (
      (43 + 20 * (16 + 27 * beta) * x) * (beta * beta) * beta + alpha * (
        3 * (59 + 180 * beta - 90 * x) * (beta * beta) + alpha * (
          (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
            8 * (1 - x) * (135 * beta - 11)))));
    const prefactorNum = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total);
    const prefactorDen = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total);
    return prefactorNum / (1 - x) * poly / prefactorDen;
  }
  const prefactor = -x / Math.sqrt(2 * alpha * beta / total);
  const stirling = (1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
    / (1 + 1 / (12 * total) + 1 / (288 * total * total));
  const term1Num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta);
  const axbx = alpha * (x - 1) + beta * x;
  const term1Den = Math.sqrt(2 * alpha / beta) * Math.pow(total, 1.5) * axbx * axbx;
  const term1 = term1Num / term1Den;
  const term2 = 0.5 * crLog(alpha / (total * x));
  const term3 = Math.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1));
  const term4Base = beta * crLog(beta / (total * (1 - x))) + alpha * crLog(alpha / (total * x));
  const term4 = Math.pow(term4Base, -1.5);
  const term1234 = term1 + term2 * (term3 + (x < mean ? term4 : -term4));
  return stirling * prefactor * term1234;
}

const DIRICHLET_C: readonly (readonly (readonly (readonly number[])[])[])[] = [
  [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
    [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
    [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
  [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
    [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
    [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
  [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
    [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
    [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
  [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
    [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
    [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
  [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
    [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
    [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
  [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
    [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
    [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]],
];

/**
 * -(d/dalpha cdf(x; alpha, total - alpha)) / pdf / (1 - x) for x drawn from Beta(alpha, total - alpha):
 * dirichlet_grad_one, in double (ATen runs its small-x branches in the tensor's dtype: float32
 * gradients may differ from PyTorch's in the last bits).
 */
export function dirichletGradOne(x: number, alpha: number, total: number): number {
  const beta = total - alpha;
  const boundary = total * x * (1 - x);
  if (x <= 0.5 && boundary < 2.5) return betaGradAlphaSmall(x, alpha, beta);
  if (x >= 0.5 && boundary < 0.75) return -betaGradBetaSmall(1 - x, beta, alpha);
  if (alpha > 6 && beta > 6) return betaGradAlphaMid(x, alpha, beta);
  const u = crLog(x);
  const a = crLog(alpha) - u;
  const b = crLog(total) - a;
  const powU = [1, u, u * u], powA = [1, a, a * a];
  let p = 0, q = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const ua = powU[i]! * powA[j]!;
      const cp = DIRICHLET_C[0]![i]![j]!, cq = DIRICHLET_C[1]![i]![j]!;
      p += ua * (cp[0]! + b * (cp[1]! + b * (cp[2]! + b * cp[3]!)));
      q += ua * (cq[0]! + b * (cq[1]! + b * (cq[2]! + b * cq[3]!)));
    }
  }
  const approx = x * (digammaOne(total) - digammaOne(alpha)) / beta;
  return p / q * approx;
}
