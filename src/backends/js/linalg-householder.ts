// Householder reflectors with LAPACK's conventions (dlarfg): H = I - tau v vᵀ, v[0] = 1,
// H [alpha; x] = [beta; 0] with beta = -sign(alpha) ‖[alpha; x]‖, and H = I (tau = 0) when x = 0.
// Those conventions fix the signs of Q and R, so they equal LAPACK's (and PyTorch's).

import { EPS, SAFMIN, fsign, hypot2 } from "./linalg-common.js";

/**
 * Generates a reflector for the vector stored at a[alphaAt], a[xAt], a[xAt + stride], ...
 * (`count` entries in all, alpha included). Overwrites alpha with beta and x with v[1:].
 * Returns tau. `norm`: ‖x‖ as reference dnrm2 scales it, or "rounded" (see roundedNorm).
 */
export function makeReflector(
  a: Float64Array,
  alphaAt: number,
  xAt: number,
  stride: number,
  count: number,
  norm: "scaled" | "rounded" = "scaled",
): number {
  if (count <= 1) return 0;
  let xnorm = 0;
  if (norm === "rounded") xnorm = roundedNorm(a, xAt, stride, count - 1);
  else {
    // Scaled 2-norm, as dnrm2, so that huge or tiny entries neither overflow nor underflow.
    let scale = 0;
    let ssq = 1;
    for (let i = 0, p = xAt; i < count - 1; i++, p += stride) {
      const v = a[p];
      if (v !== 0) {
        const av = Math.abs(v);
        if (scale < av) {
          ssq = 1 + ssq * (scale / av) * (scale / av);
          scale = av;
        } else ssq += (av / scale) * (av / scale);
      }
    }
    xnorm = scale * Math.sqrt(ssq);
  }
  if (xnorm === 0) return 0;
  let alpha = a[alphaAt];
  let beta = -fsign(hypot2(alpha, xnorm), alpha);
  const safmin = SAFMIN / EPS;
  let knt = 0;
  if (Math.abs(beta) < safmin) {
    // Rescale so that beta is representable accurately.
    const rsafmn = 1 / safmin;
    do {
      knt++;
      for (let i = 0, p = xAt; i < count - 1; i++, p += stride) a[p] *= rsafmn;
      beta *= rsafmn;
      alpha *= rsafmn;
    } while (Math.abs(beta) < safmin && knt < 20);
    let s = 0;
    for (let i = 0, p = xAt; i < count - 1; i++, p += stride) s += a[p] * a[p];
    beta = -fsign(hypot2(alpha, Math.sqrt(s)), alpha);
  }
  const tau = (beta - alpha) / beta;
  const scal = 1 / (alpha - beta);
  for (let i = 0, p = xAt; i < count - 1; i++, p += stride) a[p] *= scal;
  for (let j = 0; j < knt; j++) beta *= safmin;
  a[alphaAt] = beta;
  return tau;
}

/**
 * Applies H = I - tau v vᵀ from the left to rows r0..r0+len-1, columns c0..c1-1 of the
 * row-major matrix `m` (`cols` columns). v[0] = 1 is implied; v[1:] is read from `v` at
 * vAt, vAt + vStride, ...
 */
export function applyReflectorLeft(
  m: Float64Array,
  cols: number,
  r0: number,
  len: number,
  c0: number,
  c1: number,
  tau: number,
  v: Float64Array,
  vAt: number,
  vStride: number,
): void {
  if (tau === 0) return;
  for (let j = c0; j < c1; j++) {
    let w = m[r0 * cols + j];
    for (let i = 1, p = vAt; i < len; i++, p += vStride) w += v[p] * m[(r0 + i) * cols + j];
    if (w === 0) continue;
    w *= tau;
    m[r0 * cols + j] -= w;
    for (let i = 1, p = vAt; i < len; i++, p += vStride) m[(r0 + i) * cols + j] -= w * v[p];
  }
}

/** a * b as an unevaluated sum hi + lo (Dekker's split: exact for finite, non-overflowing a, b). */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b;
  const split = 134217729; // 2^27 + 1
  const a1 = a * split - (a * split - a);
  const a2 = a - a1;
  const b1 = b * split - (b * split - b);
  const b2 = b - b1;
  return [hi, a2 * b2 - (((hi - a1 * b1) - a2 * b1) - a1 * b2)];
}

/**
 * ‖x‖ rounded once from (nearly) its exact value: what OpenBLAS's x86-64 dnrm2 gives, summing
 * squares in the x87's extended precision (complex when `im` holds the imaginary parts). Decisions of the QR iterations (deflation at
 * rounding level) follow LAPACK's more often with it. Scaled by a power of 2, which is exact.
 */
export function roundedNorm(a: Float64Array, at: number, stride: number, count: number, im: Float64Array | null = null): number {
  let big = 0;
  for (let t = 0, p = at; t < count; t++, p += stride) big = Math.max(big, Math.abs(a[p]), im ? Math.abs(im[p]) : 0);
  if (big === 0 || !Number.isFinite(big)) return big;
  const shift = 2 ** -Math.floor(Math.log2(big));
  let hi = 0;
  let lo = 0;
  const add = (v: number): void => {
    const x = v * shift;
    const [ph, pl] = twoProduct(x, x);
    const s = hi + ph;
    const bb = s - hi;
    lo += hi - (s - bb) + (ph - bb) + pl;
    hi = s;
  };
  for (let t = 0, p = at; t < count; t++, p += stride) {
    add(a[p]);
    if (im) add(im[p]);
  }
  const sum = hi + lo;
  const err = lo - (sum - hi);
  let r = Math.sqrt(sum);
  const [rh, rl] = twoProduct(r, r);
  r += (sum - rh - rl + err) / (2 * r);
  return r / shift;
}
