// Real-input and real-output FFTs over the complex kernel of fft.ts. An even length n = 2m runs
// one complex transform of length m: the samples pair up as z_j = x_{2j} + i·x_{2j+1}, and the
// spectrum is untangled (or, for the inverse, tangled) with the twiddles e^{-2πi·k/n}, half the
// work of a complex transform of length n. An odd length runs the complex transform of the real
// values.

import { type FloatArray, checkLength, cosSin2Pi, planFor, runPlan } from "./fft.js";

/** e^{-2πi·k/n} for k < n/2 (interleaved), per even n. */
const halfTwiddles = new Map<number, Float64Array>();
const TWIDDLE_CACHE_LIMIT = 16;

function twiddlesFor(n: number): Float64Array {
  let tw = halfTwiddles.get(n);
  if (tw === undefined) {
    tw = new Float64Array(n);
    for (let k = 0; k < n / 2; k++) cosSin2Pi(-k, n, tw, 2 * k);
    if (halfTwiddles.size >= TWIDDLE_CACHE_LIMIT) halfTwiddles.delete(halfTwiddles.keys().next().value!);
    halfTwiddles.set(n, tw);
  }
  return tw;
}

/**
 * The transform of n real values (src[offset + j·stride]) into its first `outLength` complex
 * coefficients (n/2+1 for a onesided result, n for the full one; dst in complex elements):
 * forward e^{-2πi·jk/n}, or its conjugate for `inverse`.
 */
export function fftr2c(
  src: FloatArray, srcOffset: number, srcStride: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  n: number, outLength: number, inverse: boolean,
): void {
  checkLength("fftr2c", n);
  if (!Number.isInteger(outLength) || outLength < 0 || outLength > n) {
    throw new Error(`fftr2c: outLength must be in [0, ${n}], got ${outLength}`);
  }
  const sign = inverse ? -1 : 1;
  const out0 = 2 * dstOffset, outStep = 2 * dstStride;
  if (n % 2 === 1) {
    const plan = planFor(n);
    const buf = plan.work;
    for (let j = 0; j < n; j++) {
      buf[2 * j] = src[srcOffset + j * srcStride]!;
      buf[2 * j + 1] = 0;
    }
    const result = runPlan(plan);
    for (let k = 0; k < outLength; k++) {
      dst[out0 + k * outStep] = result[2 * k]!;
      dst[out0 + k * outStep + 1] = sign * result[2 * k + 1]!;
    }
    return;
  }
  const m = n / 2;
  const plan = planFor(m);
  const buf = plan.work;
  for (let j = 0; j < n; j++) buf[j] = src[srcOffset + j * srcStride]!;
  const Z = runPlan(plan);
  const tw = twiddlesFor(n);
  if (outLength > 0) {
    dst[out0] = Z[0]! + Z[1]!;
    dst[out0 + 1] = 0;
  }
  if (outLength > m) {
    dst[out0 + m * outStep] = Z[0]! - Z[1]!;
    dst[out0 + m * outStep + 1] = 0;
  }
  // Past n/2 the coefficients mirror the first half: X_{n-k} = conj X_k.
  const mirrored = outLength > m + 1;
  for (let k = 1; k < (mirrored ? m : Math.min(m, outLength)); k++) {
    // E = (Z_k + conj Z_{m-k})/2 (the even samples' transform), O = (Z_k - conj Z_{m-k})/(2i)
    // (the odd samples'), X_k = E + w^k·O and X_{n-k} = conj X_k.
    const zr = Z[2 * k]!, zi = Z[2 * k + 1]!;
    const cr = Z[2 * (m - k)]!, ci = -Z[2 * (m - k) + 1]!;
    const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
    const or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
    const wr = tw[2 * k]!, wi = tw[2 * k + 1]!;
    const xr = er + wr * or - wi * oi, xi = sign * (ei + wr * oi + wi * or);
    const at = out0 + k * outStep;
    dst[at] = xr;
    dst[at + 1] = xi;
    if (mirrored && n - k < outLength) {
      const mirror = out0 + (n - k) * outStep;
      dst[mirror] = xr;
      dst[mirror + 1] = -xi;
    }
  }
}

/**
 * n real values from the n/2+1 leading coefficients of a Hermitian spectrum (src, complex
 * elements): dst[j] = Σ_k X_k·e^{±2πi·jk/n} over the full spectrum X_{n-k} = conj(X_k), plus sign
 * for `inverse` (irfft), minus otherwise (hfft). As pocketfft, the imaginary parts of X_0 and (n
 * even) X_{n/2} are ignored. Only min(inLength, n/2+1) inputs are read; the others count as zeros.
 */
export function fftc2r(
  src: FloatArray, srcOffset: number, srcStride: number, inLength: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  n: number, inverse: boolean,
): void {
  checkLength("fftc2r", n);
  const half = Math.floor(n / 2);
  const used = Math.min(inLength, half + 1);
  // The minus sign is the plus sign's transform of conj(X) (its result is real).
  const imSign = inverse ? 1 : -1;
  const re = (k: number): number => (k < used ? src[2 * (srcOffset + k * srcStride)]! : 0);
  const im = (k: number): number => (k < used && k > 0 && 2 * k !== n ? imSign * src[2 * (srcOffset + k * srcStride) + 1]! : 0);
  if (n % 2 === 1) {
    // The full Hermitian spectrum, conjugated: the forward pass then gives the plus sign's sums.
    const plan = planFor(n);
    const buf = plan.work;
    buf.fill(0);
    for (let k = 0; k < used; k++) {
      const r = re(k), i = im(k);
      buf[2 * k] = r;
      buf[2 * k + 1] = -i;
      if (k > 0) {
        buf[2 * (n - k)] = r;
        buf[2 * (n - k) + 1] = i;
      }
    }
    const result = runPlan(plan);
    for (let j = 0; j < n; j++) dst[dstOffset + j * dstStride] = result[2 * j]!;
    return;
  }
  const m = n / 2;
  const plan = planFor(m);
  const buf = plan.work;
  const tw = twiddlesFor(n);
  for (let k = 0; k < m; k++) {
    // Z_k = (X_k + conj X_{m-k}) + i·(X_k - conj X_{m-k})·conj(w^k): the transform of
    // x_{2j} + i·x_{2j+1}; it is loaded conjugated so that the forward pass inverts it.
    const ar = re(k), ai = im(k);
    const cr = re(m - k), ci = -im(m - k);
    const sr = ar + cr, si = ai + ci;
    const dr = ar - cr, di = ai - ci;
    const wr = tw[2 * k]!, wi = tw[2 * k + 1]!;
    const tr = dr * wr + di * wi, ti = di * wr - dr * wi;
    buf[2 * k] = sr - ti;
    buf[2 * k + 1] = -(si + tr);
  }
  const z = runPlan(plan);
  for (let j = 0; j < m; j++) {
    dst[dstOffset + 2 * j * dstStride] = z[2 * j]!;
    dst[dstOffset + (2 * j + 1) * dstStride] = -z[2 * j + 1]!;
  }
}
