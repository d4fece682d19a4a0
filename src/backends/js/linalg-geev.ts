// Eigendecomposition of a general square matrix following LAPACK dgeev (jobvl 'N'): scaling of
// tiny or huge inputs, balancing (dgebal 'B'), Hessenberg reduction (dgehd2 + dorghr), the
// Francis double-shift QR to real Schur form (dhseqr -> dlahqr for n < 75), eigenvectors by
// back-substitution (dtrevc3), back-transformation (dgebak), then dgeev's normalisation: each
// right eigenvector has Euclidean norm 1 and, for a complex pair, its largest component is real.
// Eigenvalues come in LAPACK's order (the Schur form's diagonal; a pair's positive imaginary
// part first). Complex inputs take zgeev's path (linalg-zgeev.ts).
//
// Eigenvectors are defined only up to a sign (a phase for complex ones); LAPACK's choice follows
// from the whole path, the dlartg of the final rotation included (RotationConvention in
// linalg-eigh.ts). Checked against OpenBLAS's LAPACK, the path is LAPACK's for n < 75 (beyond,
// dhseqr switches to the multishift dlaqr0): the same eigenvalue order and vectors, except where
// LAPACK's own choice hangs on the last bits of the Hessenberg form, which OpenBLAS's BLAS kernels
// round differently (the orientation of a 2×2 block before it is standardised): the sign of a
// real matrix's eigenvector differs then, for about 4% of random 12×12 or smaller real matrices
// (20% up to 24×24). Norms of the reflectors are rounded as OpenBLAS's x87 dnrm2 rounds them.

import { assertDims, assertLength, hypot2, type FloatArray } from "./linalg-common.js";
import { type RotationConvention, givens, givensClassic } from "./linalg-eigh.js";
import { balance, rescale, scalingTarget, unbalanceVectors } from "./linalg-balance.js";
import { hessenberg, schurReal } from "./linalg-hqr.js";
import { schurEigenvectors } from "./linalg-trevc.js";
import { zgeev } from "./linalg-zgeev.js";

export interface RealEigen {
  /** Real and imaginary parts of the eigenvalues. */
  wr: Float64Array;
  wi: Float64Array;
  /** Right eigenvectors in LAPACK's real format (row-major n×n, a pair as (re, im) columns). */
  vr: Float64Array | null;
  /** LAPACK's info: i > 0 when the QR iteration failed; eigenvalues i..n-1 (0-based) are valid. */
  info: number;
}

/** dgeev on the row-major n×n float64 matrix `a` (overwritten). */
export function dgeev(a: Float64Array, n: number, wantVectors: boolean, rotations: RotationConvention = "classic"): RealEigen {
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  if (n === 0) return { wr, wi, vr: wantVectors ? new Float64Array(0) : null, info: 0 };
  let anrm = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > anrm || Number.isNaN(v)) anrm = v;
    if (Number.isNaN(v)) break;
  }
  if (Number.isNaN(anrm) || anrm === Infinity) {
    // LAPACK's answer here is not defined (dgebal refuses NaNs): NaN, as a failed computation.
    wr.fill(NaN);
    wi.fill(NaN);
    return { wr, wi, vr: wantVectors ? new Float64Array(n * n).fill(NaN) : null, info: 0 };
  }
  const cscale = scalingTarget(anrm);
  if (cscale !== null) rescale(a, anrm, cscale);
  const bal = balance(a, null, n);
  const q = hessenberg(a, n, bal.lo, bal.hi);
  const info = schurReal(a, n, bal.lo, bal.hi, wr, wi, wantVectors, wantVectors ? q : null);
  let vr: Float64Array | null = null;
  if (wantVectors && info === 0) {
    schurEigenvectors(a, n, q);
    unbalanceVectors(q, null, n, bal);
    normalizeReal(q, n, wi, rotations);
    vr = q;
  }
  if (cscale !== null) {
    // Undo the scaling on the eigenvalues that converged (and the isolated ones on failure).
    const back = (x: Float64Array): void => {
      const tail = x.subarray(info);
      rescale(tail, cscale, anrm);
      if (info > 0) rescale(x.subarray(0, bal.lo), cscale, anrm);
    };
    back(wr);
    back(wi);
  }
  return { wr, wi, vr, info };
}

function columnNorm(v: Float64Array, n: number, col: number): number {
  let s = 0;
  for (let r = 0; r < n; r++) s = hypot2(s, v[r * n + col]);
  return s;
}

/** dgeev's normalisation of the right eigenvectors (real format) in place. */
function normalizeReal(v: Float64Array, n: number, wi: Float64Array, rotations: RotationConvention): void {
  const rotate = rotations === "classic" ? givensClassic : givens;
  for (let i = 0; i < n; i++) {
    if (wi[i] === 0) {
      const scl = 1 / columnNorm(v, n, i);
      for (let r = 0; r < n; r++) v[r * n + i] *= scl;
    } else if (wi[i] > 0) {
      const scl = 1 / hypot2(columnNorm(v, n, i), columnNorm(v, n, i + 1));
      let k = 0;
      let best = -1;
      for (let r = 0; r < n; r++) {
        v[r * n + i] *= scl;
        v[r * n + i + 1] *= scl;
        const m = v[r * n + i] ** 2 + v[r * n + i + 1] ** 2;
        if (m > best) {
          best = m;
          k = r;
        }
      }
      const { c, s } = rotate(v[k * n + i], v[k * n + i + 1]);
      for (let r = 0; r < n; r++) {
        const x = v[r * n + i];
        const y = v[r * n + i + 1];
        v[r * n + i] = c * x + s * y;
        v[r * n + i + 1] = c * y - s * x;
      }
      v[k * n + i + 1] = 0;
    }
  }
}

/**
 * Batched torch.linalg.eig / eigvals on real matrices: `values` receives n complex eigenvalues
 * per matrix and `vectors` (when given) the n×n complex eigenvectors as columns, both as
 * interleaved (re, im) pairs. Returns the info of each batch element (positive: no convergence).
 */
export function geev(
  a: FloatArray,
  n: number,
  batch: number,
  values: FloatArray,
  vectors: FloatArray | null,
  rotations: RotationConvention = "classic",
): Int32Array {
  const api = "linalg.eig";
  assertDims(api, { n, batch });
  assertLength(api, "A", a, batch * n * n);
  assertLength(api, "eigenvalues", values, batch * n * 2);
  if (vectors) assertLength(api, "eigenvectors", vectors, batch * n * n * 2);
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const m = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) m[i] = a[b * n * n + i];
    const r = dgeev(m, n, vectors !== null, rotations);
    infos[b] = r.info;
    for (let j = 0; j < n; j++) {
      values[2 * (b * n + j)] = r.wr[j];
      values[2 * (b * n + j) + 1] = r.wi[j];
    }
    if (vectors && r.vr) writeComplexVectors(r.vr, r.wi, n, vectors, b * n * n * 2);
  }
  return infos;
}

/** LAPACK's real format to complex columns: a pair (j, j+1) is v_j = re + i im and its conjugate. */
function writeComplexVectors(vr: Float64Array, wi: Float64Array, n: number, out: FloatArray, base: number): void {
  for (let j = 0; j < n; j++) {
    if (wi[j] > 0 && j + 1 < n) {
      for (let r = 0; r < n; r++) {
        const re = vr[r * n + j];
        const im = vr[r * n + j + 1];
        out[base + 2 * (r * n + j)] = re;
        out[base + 2 * (r * n + j) + 1] = im;
        out[base + 2 * (r * n + j + 1)] = re;
        out[base + 2 * (r * n + j + 1) + 1] = -im;
      }
      j++;
    } else {
      for (let r = 0; r < n; r++) {
        out[base + 2 * (r * n + j)] = vr[r * n + j];
        out[base + 2 * (r * n + j) + 1] = Number.isNaN(wi[j]) ? NaN : 0;
      }
    }
  }
}

/**
 * Batched eig / eigvals on complex matrices (interleaved (re, im) pairs in `a`), zgeev's path;
 * outputs as in `geev`.
 */
export function geevComplex(a: FloatArray, n: number, batch: number, values: FloatArray, vectors: FloatArray | null): Int32Array {
  const api = "linalg.eig";
  assertDims(api, { n, batch });
  assertLength(api, "A", a, batch * n * n * 2);
  assertLength(api, "eigenvalues", values, batch * n * 2);
  if (vectors) assertLength(api, "eigenvectors", vectors, batch * n * n * 2);
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) {
      re[i] = a[2 * (b * n * n + i)];
      im[i] = a[2 * (b * n * n + i) + 1];
    }
    const r = zgeev(re, im, n, vectors !== null);
    infos[b] = r.info;
    for (let j = 0; j < n; j++) {
      values[2 * (b * n + j)] = r.wRe[j];
      values[2 * (b * n + j) + 1] = r.wIm[j];
    }
    if (vectors && r.vRe && r.vIm) {
      for (let i = 0; i < n * n; i++) {
        vectors[2 * (b * n * n + i)] = r.vRe[i];
        vectors[2 * (b * n * n + i) + 1] = r.vIm[i];
      }
    }
  }
  return infos;
}
