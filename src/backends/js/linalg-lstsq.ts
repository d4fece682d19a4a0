// Least squares (torch.linalg.lstsq) with LAPACK's four drivers: gels (QR / LQ, full rank
// assumed), gelsy (QR with column pivoting as geqp3, rank by incremental condition estimation as
// laic1, then the minimum-norm solution of the kept rows), gelsd / gelss (SVD, singular values at
// most rcond · σ_max dropped). The rank decisions follow LAPACK's, so rank-deficient inputs give
// PyTorch's solutions (gelsy's truncation differs from the SVD's, as in LAPACK).

import { EPS, assertDims, assertLength, fsign, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";
import { applyReflectorLeft, makeReflector } from "./linalg-householder.js";
import { householderQrInPlace } from "./linalg-qr.js";
import { triangularSolveLeft } from "./linalg-lu.js";
import { svd } from "./linalg-svd.js";

export type LstsqDriver = "gels" | "gelsy" | "gelsd" | "gelss";

export interface LstsqOutputs {
  /** n×k solutions, batch after batch. */
  solution: FloatArray;
  /** k squared residual norms per matrix (written where the caller keeps them: m > n, full rank). */
  residuals: Float64Array;
  /** The effective rank per matrix (gelsy, gelsd, gelss). */
  rank: Int32Array;
  /** min(m, n) singular values per matrix (gelsd, gelss), or null. */
  singularValues: FloatArray | null;
}

/** A column's 2-norm over rows r0..m-1 of a row-major m×n matrix, scaled as dnrm2. */
function columnNorm(a: Float64Array, n: number, r0: number, m: number, j: number): number {
  let scale = 0;
  let ssq = 1;
  for (let i = r0; i < m; i++) {
    const v = Math.abs(a[i * n + j]);
    if (v === 0) continue;
    if (scale < v) {
      ssq = 1 + ssq * (scale / v) * (scale / v);
      scale = v;
    } else ssq += (v / scale) * (v / scale);
  }
  return scale * Math.sqrt(ssq);
}

/**
 * geqp3 (unblocked, as laqp2) on one row-major m×n matrix in place: R above the diagonal, the
 * reflectors below; `jpvt[i]` is the original column now at i. The pivot is the first column of
 * largest partial norm; partial norms are downdated and recomputed when cancellation looms.
 */
export function pivotedQrInPlace(a: Float64Array, m: number, n: number): { tau: Float64Array; jpvt: Int32Array } {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const jpvt = new Int32Array(n);
  const vn1 = new Float64Array(n);
  const vn2 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    jpvt[j] = j;
    vn1[j] = vn2[j] = columnNorm(a, n, 0, m, j);
  }
  const tol3z = Math.sqrt(EPS);
  for (let i = 0; i < k; i++) {
    let pvt = i;
    for (let j = i + 1; j < n; j++) if (vn1[j] > vn1[pvt]) pvt = j;
    if (pvt !== i) {
      for (let r = 0; r < m; r++) {
        const t = a[r * n + pvt];
        a[r * n + pvt] = a[r * n + i];
        a[r * n + i] = t;
      }
      const t = jpvt[pvt];
      jpvt[pvt] = jpvt[i];
      jpvt[i] = t;
      vn1[pvt] = vn1[i];
      vn2[pvt] = vn2[i];
    }
    tau[i] = makeReflector(a, i * n + i, (i + 1) * n + i, n, m - i);
    if (i < n - 1) applyReflectorLeft(a, n, i, m - i, i + 1, n, tau[i], a, (i + 1) * n + i, n);
    for (let j = i + 1; j < n; j++) {
      if (vn1[j] === 0) continue;
      const ratio = Math.abs(a[i * n + j]) / vn1[j];
      const temp = Math.max(1 - ratio * ratio, 0);
      const temp2 = temp * (vn1[j] / vn2[j]) * (vn1[j] / vn2[j]);
      if (temp2 <= tol3z) {
        vn1[j] = i < m - 1 ? columnNorm(a, n, i + 1, m, j) : 0;
        vn2[j] = vn1[j];
      } else vn1[j] *= Math.sqrt(temp);
    }
  }
  return { tau, jpvt };
}

/**
 * laic1: one step of incremental condition estimation. Given the estimate `sest` of the largest
 * (job "max") or smallest (job "min") singular value of a triangular L with approximate singular
 * vector x, and a new column [w; gamma], returns the estimate for the bordered matrix and the
 * (s, c) that extend x to [s x; c].
 */
export function conditionStep(job: "max" | "min", x: Float64Array, j: number, sest: number, w: Float64Array, wAt: number, wStride: number, gamma: number): { sestpr: number; s: number; c: number } {
  let alpha = 0;
  for (let i = 0; i < j; i++) alpha += x[i] * w[wAt + i * wStride];
  const absalp = Math.abs(alpha);
  const absgam = Math.abs(gamma);
  const absest = Math.abs(sest);
  if (job === "max") {
    if (sest === 0) {
      const s1 = Math.max(absgam, absalp);
      if (s1 === 0) return { s: 0, c: 1, sestpr: 0 };
      let s = alpha / s1;
      let c = gamma / s1;
      const tmp = Math.sqrt(s * s + c * c);
      s /= tmp;
      c /= tmp;
      return { s, c, sestpr: s1 * tmp };
    }
    if (absgam <= EPS * absest) {
      const tmp = Math.max(absest, absalp);
      const s1 = absest / tmp;
      const s2 = absalp / tmp;
      return { s: 1, c: 0, sestpr: tmp * Math.sqrt(s1 * s1 + s2 * s2) };
    }
    if (absalp <= EPS * absest) return absgam <= absest ? { s: 1, c: 0, sestpr: absest } : { s: 0, c: 1, sestpr: absgam };
    if (absest <= EPS * absalp || absest <= EPS * absgam) {
      if (absgam <= absalp) {
        const tmp = absgam / absalp;
        const s = Math.sqrt(1 + tmp * tmp);
        return { sestpr: absalp * s, c: gamma / absalp / s, s: fsign(1, alpha) / s };
      }
      const tmp = absalp / absgam;
      const c = Math.sqrt(1 + tmp * tmp);
      return { sestpr: absgam * c, s: alpha / absgam / c, c: fsign(1, gamma) / c };
    }
    const zeta1 = alpha / absest;
    const zeta2 = gamma / absest;
    const b = (1 - zeta1 * zeta1 - zeta2 * zeta2) * 0.5;
    const c = zeta1 * zeta1;
    const t = b > 0 ? c / (b + Math.sqrt(b * b + c)) : Math.sqrt(b * b + c) - b;
    const sine = -zeta1 / t;
    const cosine = -zeta2 / (1 + t);
    const tmp = Math.sqrt(sine * sine + cosine * cosine);
    return { s: sine / tmp, c: cosine / tmp, sestpr: Math.sqrt(t + 1) * absest };
  }
  if (sest === 0) {
    const [sine, cosine] = Math.max(absgam, absalp) === 0 ? [1, 0] : [-gamma, alpha];
    const s1 = Math.max(Math.abs(sine), Math.abs(cosine));
    let s = sine / s1;
    let c = cosine / s1;
    const tmp = Math.sqrt(s * s + c * c);
    s /= tmp;
    c /= tmp;
    return { s, c, sestpr: 0 };
  }
  if (absgam <= EPS * absest) return { s: 0, c: 1, sestpr: absgam };
  if (absalp <= EPS * absest) return absgam <= absest ? { s: 0, c: 1, sestpr: absgam } : { s: 1, c: 0, sestpr: absest };
  if (absest <= EPS * absalp || absest <= EPS * absgam) {
    if (absgam <= absalp) {
      const tmp = absgam / absalp;
      const c = Math.sqrt(1 + tmp * tmp);
      return { sestpr: absest * (tmp / c), s: -(gamma / absalp) / c, c: fsign(1, alpha) / c };
    }
    const tmp = absalp / absgam;
    const s = Math.sqrt(1 + tmp * tmp);
    return { sestpr: absest / s, c: alpha / absgam / s, s: -fsign(1, gamma) / s };
  }
  const zeta1 = alpha / absest;
  const zeta2 = gamma / absest;
  const norma = Math.max(1 + zeta1 * zeta1 + Math.abs(zeta1 * zeta2), Math.abs(zeta1 * zeta2) + zeta2 * zeta2);
  const test = 1 + 2 * (zeta1 - zeta2) * (zeta1 + zeta2);
  let sine: number, cosine: number, sestpr: number;
  if (test >= 0) {
    // The root is close to zero: computed directly.
    const b = (zeta1 * zeta1 + zeta2 * zeta2 + 1) * 0.5;
    const c = zeta2 * zeta2;
    const t = c / (b + Math.sqrt(Math.abs(b * b - c)));
    sine = zeta1 / (1 - t);
    cosine = -zeta2 / t;
    sestpr = Math.sqrt(t + 4 * EPS * EPS * norma) * absest;
  } else {
    // The root is close to one: shifted by it.
    const b = (zeta2 * zeta2 + zeta1 * zeta1 - 1) * 0.5;
    const c = zeta1 * zeta1;
    const t = b >= 0 ? -c / (b + Math.sqrt(b * b + c)) : b - Math.sqrt(b * b + c);
    sine = -zeta1 / t;
    cosine = -zeta2 / (1 + t);
    sestpr = Math.sqrt(1 + t + 4 * EPS * EPS * norma) * absest;
  }
  const tmp = Math.sqrt(sine * sine + cosine * cosine);
  return { s: sine / tmp, c: cosine / tmp, sestpr };
}

/** gelsy's rank: grows the leading triangle of R (row-major, n columns) while σ_max · rcond <= σ_min (estimated). */
function estimatedRank(r: Float64Array, n: number, k: number, rcond: number): number {
  if (k === 0 || r[0] === 0) return 0;
  const xmin = new Float64Array(k);
  const xmax = new Float64Array(k);
  xmin[0] = xmax[0] = 1;
  let smax = Math.abs(r[0]);
  let smin = smax;
  let rank = 1;
  while (rank < k) {
    const i = rank;
    const lo = conditionStep("min", xmin, rank, smin, r, i, n, r[i * n + i]);
    const hi = conditionStep("max", xmax, rank, smax, r, i, n, r[i * n + i]);
    if (!(hi.sestpr * rcond <= lo.sestpr)) break;
    for (let j = 0; j < rank; j++) {
      xmin[j] *= lo.s;
      xmax[j] *= hi.s;
    }
    xmin[rank] = lo.c;
    xmax[rank] = hi.c;
    smin = lo.sestpr;
    smax = hi.sestpr;
    rank++;
  }
  return rank;
}

/** Applies Qᵀ (the reflectors of an m×n factorization in `a`) to the m×kc matrix b in place. */
function applyQt(a: Float64Array, m: number, n: number, tau: Float64Array, b: Float64Array, kc: number): void {
  for (let i = 0; i < tau.length; i++) applyReflectorLeft(b, kc, i, m - i, 0, kc, tau[i], a, (i + 1) * n + i, n);
}

/** Solves R w = c for the leading r×r upper triangle of a row-major matrix (n columns); c is r×kc. */
function solveLeadingUpper(a: Float64Array, n: number, r: number, c: Float64Array, kc: number): Float64Array {
  const t = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = i; j < r; j++) t[i * r + j] = a[i * n + j];
  const w = c.slice(0, r * kc);
  triangularSolveLeft(t, r, w, kc, true, false);
  return w;
}

/**
 * The minimum-norm w with M w = c, M r×n of full row rank (read from the first r rows of a
 * row-major matrix with `cols` columns), c r×kc: through Mᵀ = Q R, w = Q [R⁻ᵀ c; 0] (as LAPACK's
 * gelqf / tzrzf route, to rounding).
 */
function minimumNormSolve(src: Float64Array, cols: number, r: number, n: number, c: Float64Array, kc: number): Float64Array {
  const mt = new Float64Array(n * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < n; j++) mt[j * r + i] = src[i * cols + j];
  const tau = householderQrInPlace(mt, n, r);
  const rt = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = i; j < r; j++) rt[j * r + i] = mt[i * r + j];
  const y = c.slice(0, r * kc);
  triangularSolveLeft(rt, r, y, kc, false, false);
  const w = new Float64Array(n * kc);
  w.set(y);
  for (let i = tau.length - 1; i >= 0; i--) applyReflectorLeft(w, kc, i, n - i, 0, kc, tau[i], mt, (i + 1) * r + i, r);
  return w;
}

/** Σ over rows n..m-1 of (Qᵀ B)², per column: the squared residuals of a full-rank tall least squares. */
function residualsOf(a: Float64Array, m: number, n: number, b: Float64Array, kc: number, out: Float64Array, at: number): void {
  const qa = a.slice();
  const tau = householderQrInPlace(qa, m, n);
  const c = b.slice();
  applyQt(qa, m, n, tau, c, kc);
  for (let j = 0; j < kc; j++) {
    let s = 0;
    for (let i = n; i < m; i++) s += c[i * kc + j] * c[i * kc + j];
    out[at + j] = s;
  }
}

/** One least-squares problem; returns the rank (n for gels) and writes x (n×kc). */
function solveOne(driver: LstsqDriver, a: Float64Array, m: number, n: number, b: Float64Array, kc: number, rcond: number, x: Float64Array, sv: Float64Array | null): number {
  const k = Math.min(m, n);
  if (driver === "gels") {
    if (m >= n) {
      const qa = a.slice();
      const tau = householderQrInPlace(qa, m, n);
      const c = b.slice();
      applyQt(qa, m, n, tau, c, kc);
      x.set(solveLeadingUpper(qa, n, n, c, kc));
    } else x.set(minimumNormSolve(a, n, m, n, b, kc));
    return k;
  }
  if (driver === "gelsy") {
    const qa = a.slice();
    const { tau, jpvt } = pivotedQrInPlace(qa, m, n);
    const rank = estimatedRank(qa, n, k, rcond);
    x.fill(0);
    if (rank === 0) return 0;
    const c = b.slice();
    applyQt(qa, m, n, tau, c, kc);
    const w = rank === n ? solveLeadingUpper(qa, n, n, c, kc) : minimumNormSolve(upperRows(qa, n, rank), n, rank, n, c, kc);
    for (let i = 0; i < n; i++) for (let j = 0; j < kc; j++) x[jpvt[i] * kc + j] = w[i * kc + j];
    return rank;
  }
  // gelsd / gelss: the SVD, singular values at most rcond · σ_max dropped.
  const u = new Float64Array(m * k);
  const s = new Float64Array(k);
  const vh = new Float64Array(k * n);
  svd(a, m, n, 1, false, u, s, vh);
  if (sv) sv.set(s);
  const threshold = (rcond < 0 ? EPS : rcond) * (s[0] ?? 0);
  let rank = 0;
  while (rank < k && s[rank] > threshold) rank++;
  x.fill(0);
  for (let r = 0; r < rank; r++) {
    for (let j = 0; j < kc; j++) {
      let t = 0;
      for (let i = 0; i < m; i++) t += u[i * k + r] * b[i * kc + j];
      t /= s[r];
      for (let i = 0; i < n; i++) x[i * kc + j] += vh[r * n + i] * t;
    }
  }
  return rank;
}

/** The upper trapezoid [R11 R12] (first `rows` rows of R, n columns) with the reflectors below it cleared. */
function upperRows(qa: Float64Array, n: number, rows: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) for (let j = i; j < n; j++) out[i * n + j] = qa[i * n + j];
  return out;
}

/**
 * Batched least squares: A m×n, B m×kc per batch element (same batch). `residualsWanted`: also
 * fill `out.residuals` (the caller decides which drivers and ranks keep them).
 */
export function lstsq(a: FloatArray, b: FloatArray, m: number, n: number, kc: number, batch: number, driver: LstsqDriver, rcond: number, out: LstsqOutputs, residualsWanted: boolean): void {
  const api = "linalg.lstsq";
  assertDims(api, { m, n, kc, batch });
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "B", b, batch * m * kc);
  assertLength(api, "solution", out.solution, batch * n * kc);
  const k = Math.min(m, n);
  const x = new Float64Array(n * kc);
  const sv = out.singularValues ? new Float64Array(k) : null;
  for (let i = 0; i < batch; i++) {
    const am = loadMatrix(a, i, m, n);
    const bm = loadMatrix(b, i, m, kc);
    out.rank[i] = solveOne(driver, am, m, n, bm, kc, rcond, x, sv);
    storeMatrix(out.solution, i, x);
    if (sv && out.singularValues) storeMatrix(out.singularValues, i, sv);
    if (residualsWanted && m > n) residualsOf(am, m, n, bm, kc, out.residuals, i * kc);
  }
}
