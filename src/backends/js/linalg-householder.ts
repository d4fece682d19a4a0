// Householder reflectors with LAPACK's conventions (dlarfg): H = I - tau v vᵀ, v[0] = 1,
// H [alpha; x] = [beta; 0] with beta = -sign(alpha) ‖[alpha; x]‖, and H = I (tau = 0) when x = 0.
// Those conventions fix the signs of Q and R, so they equal LAPACK's (and PyTorch's).

import { EPS, SAFMIN, fsign, hypot2 } from "./linalg-common.js";

/**
 * Generates a reflector for the vector stored at a[alphaAt], a[xAt], a[xAt + stride], ...
 * (`count` entries in all, alpha included). Overwrites alpha with beta and x with v[1:].
 * Returns tau.
 */
export function makeReflector(a: Float64Array, alphaAt: number, xAt: number, stride: number, count: number): number {
  if (count <= 1) return 0;
  let xnorm = 0;
  {
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
