// PyTorch's CPU samplers for torch.poisson and torch.binomial (ATen's Distributions.cpp
// sample_poisson; Distributions.h sample_binomial / btrs / binomial_inversion), drawing the same
// uniforms in the same order from the generator: at::uniform_real_distribution<double>(0, 1), that
// is 53 bits of two 32-bit draws. glibc's log and exp are correctly rounded, so crLog/crExp stand
// for them; binomial keeps ATen's float arithmetic (scalar_t) for float32 counts and probabilities.

import type { Generator } from "./generator.js";
import { crExp, crLog } from "./random-transforms.js";
import { lgamma } from "../ops/special-math.js";

/** A sample of Poisson(lambda) (lambda >= 0, checked by the caller). */
export function samplePoisson(gen: Generator, lambda: number): number {
  if (lambda >= 10) {
    // Transformed rejection (Hörmann, 1993).
    const slam = Math.sqrt(lambda), loglam = crLog(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = gen.randomDouble53() - 0.5;
      const v = gen.randomDouble53();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (crLog(v) + crLog(invalpha) - crLog(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
    }
  }
  if (lambda === 0) return 0;
  // Multiply uniforms until the product falls below exp(-lambda).
  const enlam = crExp(-lambda);
  let x = 0, prod = 1;
  for (;;) {
    prod *= gen.randomDouble53();
    if (prod > enlam) x += 1;
    else return x;
  }
}

const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
];

function stirlingApproxTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k]!;
  const kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/** Rounds to the sample's scalar type: float32 arithmetic for float32 tensors, none for float64. */
type Round = (v: number) => number;

function binomialInversion(gen: Generator, count: number, prob: number, r: Round): number {
  // std::log1p on a float is log1pf.
  const logprob = r(Math.log1p(-prob));
  let geomSum = 0, numGeom = 0;
  for (;;) {
    const geom = Math.ceil(crLog(gen.randomDouble53()) / logprob);
    geomSum += geom;
    if (geomSum > count) return numGeom;
    numGeom = r(numGeom + 1);
  }
}

/** Hörmann's BTRS (as TensorFlow's random_binomial_op, which ATen adapted). */
function btrs(gen: Generator, count: number, prob: number, r: Round): number {
  const stddev = r(Math.sqrt(r(r(count * prob) * r(1 - prob))));
  const b = 1.15 + 2.53 * stddev;
  const a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const c = r(count * prob) + 0.5;
  const vR = 0.92 - 4.2 / b;
  const ratio = r(prob / r(1 - prob));
  const alpha = (2.83 + 5.1 / b) * stddev;
  const m = Math.floor(r(r(count + 1) * prob));
  for (;;) {
    const u = gen.randomDouble53() - 0.5;
    let v = gen.randomDouble53();
    const us = 0.5 - Math.abs(u);
    const k = r(Math.floor((2 * a / us + b) * u + c));
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && v <= vR) return k;
    v = crLog(v * alpha / (a / (us * us) + b));
    const upperbound = (m + 0.5) * crLog((m + 1) / (ratio * (count - m + 1)))
      + r(count + 1) * crLog((count - m + 1) / r(count - k + 1))
      + (k + 0.5) * crLog(ratio * r(count - k + 1) / r(k + 1))
      + stirlingApproxTail(m) + stirlingApproxTail(count - m) - stirlingApproxTail(k) - stirlingApproxTail(count - k);
    if (v <= upperbound) return k;
  }
}

/**
 * A sample of Binomial(count, prob) as ATen's sample_binomial; `f32` for float32 tensors. A NaN
 * count gives NaN (ATen's loop never ends there).
 */
export function sampleBinomial(gen: Generator, count: number, prob: number, f32: boolean): number {
  const r: Round = f32 ? Math.fround : (v) => v;
  if (Number.isNaN(count) || count === Infinity) return NaN;
  if (count <= 0 || prob <= 0) return 0;
  if (prob >= 1) return count;
  if (prob <= 0.5) return r(count * prob) >= 10 ? btrs(gen, count, prob, r) : binomialInversion(gen, count, prob, r);
  if (prob > 0.5) {
    const q = r(1 - prob);
    return r(count - (r(count * q) >= 10 ? btrs(gen, count, q, r) : binomialInversion(gen, count, q, r)));
  }
  return NaN;
}
