// Eigendecomposition of a general complex square matrix following LAPACK zgeev (jobvl 'N'):
// scaling, balancing (zgebal 'B'), Hessenberg reduction (zgehd2 + zunghr), single-shift complex
// QR (zhseqr -> zlahqr for n < 75), eigenvectors of the triangular Schur form by back-substitution
// (ztrevc3 with zlatrs's unscaled path), back-transformation (zgebak) and zgeev's normalisation:
// Euclidean norm 1 and the component of largest modulus real (and positive).

import { SAFMIN } from "./linalg-common.js";
import { ULP, balance, rescale, scalingTarget, unbalanceVectors } from "./linalg-balance.js";
import { complexHessenberg, schurComplex } from "./linalg-zhqr.js";
import { complexDivide } from "./linalg-common.js";

export interface ComplexEigen {
  wRe: Float64Array;
  wIm: Float64Array;
  /** Right eigenvectors as the columns of a row-major n×n matrix (re, im parts). */
  vRe: Float64Array | null;
  vIm: Float64Array | null;
  info: number;
}

/**
 * ztrevc3 'R', 'B': overwrites the Schur vectors (zr, zi) with the right eigenvectors of the
 * upper triangular (tr, ti), each scaled so that its largest |re| + |im| is 1.
 */
function triangularEigenvectors(tr: Float64Array, ti: Float64Array, n: number, zr: Float64Array, zi: Float64Array): void {
  const at = (i: number, j: number): number => (i - 1) * n + (j - 1);
  const smlnum = SAFMIN * (n / ULP);
  const diagRe = new Float64Array(n + 1);
  const diagIm = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) {
    diagRe[k] = tr[at(k, k)];
    diagIm[k] = ti[at(k, k)];
  }
  const xr = new Float64Array(n + 1);
  const xi = new Float64Array(n + 1);
  const colRe = new Float64Array(n);
  const colIm = new Float64Array(n);
  for (let ki = n; ki >= 1; ki--) {
    const smin = Math.max(ULP * (Math.abs(diagRe[ki]) + Math.abs(diagIm[ki])), smlnum);
    xr[ki] = 1;
    xi[ki] = 0;
    for (let k = 1; k < ki; k++) {
      xr[k] = -tr[at(k, ki)];
      xi[k] = -ti[at(k, ki)];
    }
    // Solve (T(1:ki-1, 1:ki-1) - T(ki, ki)) x = rhs; tiny pivots become smin.
    for (let k = 1; k < ki; k++) {
      let dr = diagRe[k] - diagRe[ki];
      let di = diagIm[k] - diagIm[ki];
      if (Math.abs(dr) + Math.abs(di) < smin) {
        dr = smin;
        di = 0;
      }
      tr[at(k, k)] = dr;
      ti[at(k, k)] = di;
    }
    for (let j = ki - 1; j >= 1; j--) {
      const [qr, qi] = complexDivide(xr[j], xi[j], tr[at(j, j)], ti[at(j, j)]);
      xr[j] = qr;
      xi[j] = qi;
      for (let k = 1; k < j; k++) {
        const ar = tr[at(k, j)];
        const ai = ti[at(k, j)];
        xr[k] -= qr * ar - qi * ai;
        xi[k] -= qr * ai + qi * ar;
      }
    }
    // VR(:, ki) = VR(:, 1:ki-1) x(1:ki-1) + VR(:, ki), then scale the largest |re| + |im| to 1.
    let emax = 0;
    for (let r = 1; r <= n; r++) {
      let sr = zr[at(r, ki)];
      let si = zi[at(r, ki)];
      for (let k = 1; k < ki; k++) {
        const ar = zr[at(r, k)];
        const ai = zi[at(r, k)];
        sr += ar * xr[k] - ai * xi[k];
        si += ar * xi[k] + ai * xr[k];
      }
      colRe[r - 1] = sr;
      colIm[r - 1] = si;
      emax = Math.max(emax, Math.abs(sr) + Math.abs(si));
    }
    const remax = 1 / emax;
    for (let r = 1; r <= n; r++) {
      zr[at(r, ki)] = colRe[r - 1] * remax;
      zi[at(r, ki)] = colIm[r - 1] * remax;
    }
    for (let k = 1; k < ki; k++) {
      tr[at(k, k)] = diagRe[k];
      ti[at(k, k)] = diagIm[k];
    }
  }
}

/** zgeev's normalisation: unit 2-norm, then the entry of largest modulus made real. */
function normalizeComplex(vr: Float64Array, vi: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    let scale = 0;
    for (let r = 0; r < n; r++) scale = Math.max(scale, Math.abs(vr[r * n + c]), Math.abs(vi[r * n + c]));
    let ssq = 0;
    for (let r = 0; r < n; r++) ssq += (vr[r * n + c] / scale) ** 2 + (vi[r * n + c] / scale) ** 2;
    const scl = 1 / (scale * Math.sqrt(ssq));
    let k = 0;
    let best = -1;
    for (let r = 0; r < n; r++) {
      vr[r * n + c] *= scl;
      vi[r * n + c] *= scl;
      const m = vr[r * n + c] ** 2 + vi[r * n + c] ** 2;
      if (m > best) {
        best = m;
        k = r;
      }
    }
    const root = Math.sqrt(best);
    const pr = vr[k * n + c] / root;
    const pi = -vi[k * n + c] / root;
    for (let r = 0; r < n; r++) {
      const a = vr[r * n + c];
      const b = vi[r * n + c];
      vr[r * n + c] = pr * a - pi * b;
      vi[r * n + c] = pr * b + pi * a;
    }
    vi[k * n + c] = 0;
  }
}

/** zgeev on the row-major n×n complex matrix (re, im), both overwritten. */
export function zgeev(re: Float64Array, im: Float64Array, n: number, wantVectors: boolean): ComplexEigen {
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  if (n === 0) {
    return { wRe, wIm, vRe: wantVectors ? new Float64Array(0) : null, vIm: wantVectors ? new Float64Array(0) : null, info: 0 };
  }
  let anrm = 0;
  for (let i = 0; i < n * n; i++) {
    const v = Math.hypot(re[i], im[i]);
    if (v > anrm || Number.isNaN(v)) anrm = v;
    if (Number.isNaN(v)) break;
  }
  if (Number.isNaN(anrm) || anrm === Infinity) {
    wRe.fill(NaN);
    wIm.fill(NaN);
    const nan = (): Float64Array | null => (wantVectors ? new Float64Array(n * n).fill(NaN) : null);
    return { wRe, wIm, vRe: nan(), vIm: nan(), info: 0 };
  }
  const cscale = scalingTarget(anrm);
  if (cscale !== null) {
    rescale(re, anrm, cscale);
    rescale(im, anrm, cscale);
  }
  const bal = balance(re, im, n);
  const { qr, qi } = complexHessenberg(re, im, n, bal.lo, bal.hi);
  const info = schurComplex(re, im, n, bal.lo, bal.hi, wRe, wIm, wantVectors, wantVectors ? { zr: qr, zi: qi } : null);
  let vRe: Float64Array | null = null;
  let vIm: Float64Array | null = null;
  if (wantVectors && info === 0) {
    triangularEigenvectors(re, im, n, qr, qi);
    unbalanceVectors(qr, qi, n, bal);
    normalizeComplex(qr, qi, n);
    vRe = qr;
    vIm = qi;
  }
  if (cscale !== null) {
    for (const w of [wRe, wIm]) {
      rescale(w.subarray(info), cscale, anrm);
      if (info > 0) rescale(w.subarray(0, bal.lo), cscale, anrm);
    }
  }
  return { wRe, wIm, vRe, vIm, info };
}
