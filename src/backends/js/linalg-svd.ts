// Singular value decomposition. `svd` follows LAPACK gesdd's steps for min(m, n) <= 25
// (linalg-gesdd.ts), so U and Vh carry LAPACK's signs there; larger matrices, and the rare
// bidiagonal QR that fails to converge, go through one-sided (Hestenes) Jacobi after a
// Householder QR. `svdvals` always uses Jacobi (singular values to high relative accuracy).
//
// Jacobi's sign convention (LAPACK's divide and conquer, used by gesdd beyond 25, cannot be
// reproduced cheaply): each column of U has its largest-magnitude entry positive (the first
// such on a tie), and the matching row of Vh is flipped with it; the extra columns of a full U
// and rows of a full Vh follow the same rule on their own. Singular vectors are only defined
// up to sign (and up to rotation for repeated singular values).

import { EPS, SAFMIN, assertDims, assertLength, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";
import { formQ, householderQrInPlace } from "./linalg-qr.js";
import { transpose } from "./linalg-lu.js";
import { gesdd } from "./linalg-gesdd.js";
import type { RotationConvention } from "./linalg-eigh.js";

/** Up to this min(m, n), gesdd solves the bidiagonal problem by QR (bdsqr), whose signs we follow. */
const GESDD_QR_LIMIT = 25;

const MAX_SWEEPS = 80;

interface JacobiResult {
  /** k singular values, descending. */
  sigma: Float64Array;
  /** Left singular vectors as rows: k rows of length `rows` (null when not wanted). */
  uRows: Float64Array | null;
  /** Right singular vectors as rows: k rows of length k (null when not wanted). */
  vRows: Float64Array | null;
}

/**
 * One-sided Jacobi on the columns of a square k×k matrix given column-wise: g holds the
 * columns as rows (g[j*k + i] = M[i][j]). Orthogonalizes them in place.
 */
function jacobiColumns(g: Float64Array, k: number, wantV: boolean): { sigma: Float64Array; v: Float64Array | null; order: Int32Array } {
  const v = wantV ? new Float64Array(k * k) : null;
  if (v) for (let i = 0; i < k; i++) v[i * k + i] = 1;
  const tol = EPS * Math.max(k, 1);
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) norms[j] = dotRows(g, j, j, k);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        if (alpha === 0 || beta === 0) continue;
        const gamma = dotRows(g, p, q, k);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateRows(g, p, q, k, c, s);
        if (v) rotateRows(v, p, q, k, c, s);
        // Exact norms rather than the updated formula, so rounding cannot accumulate.
        norms[p] = dotRows(g, p, p, k);
        norms[q] = dotRows(g, q, q, k);
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(k);
  for (let j = 0; j < k; j++) sigma[j] = Math.sqrt(norms[j]);
  const order = Int32Array.from({ length: k }, (_, i) => i);
  // Stable sort, descending: equal values keep their column order.
  order.sort((x, y) => sigma[y] - sigma[x] || x - y);
  return { sigma, v, order };
}

function dotRows(g: Float64Array, p: number, q: number, len: number): number {
  let s = 0;
  const bp = p * len;
  const bq = q * len;
  for (let i = 0; i < len; i++) s += g[bp + i] * g[bq + i];
  return s;
}

function rotateRows(g: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  const bp = p * len;
  const bq = q * len;
  for (let i = 0; i < len; i++) {
    const x = g[bp + i];
    const y = g[bq + i];
    g[bp + i] = c * x - s * y;
    g[bq + i] = s * x + c * y;
  }
}

/**
 * SVD of a tall m×n matrix (m >= n) given row-major. U's k = n columns come back as rows.
 * With `fullU`, uRows has m rows (the last m - n complete the basis).
 */
function svdTall(a: Float64Array, m: number, n: number, wantVectors: boolean, fullU: boolean): JacobiResult {
  // Reduce to the square R of a QR first: Jacobi then works on n×n.
  let r: Float64Array;
  let qr: { w: Float64Array; tau: Float64Array } | null = null;
  if (m > n) {
    const w = a.slice();
    const tau = householderQrInPlace(w, m, n);
    r = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
    qr = { w, tau };
  } else r = a.slice();
  const g = transpose(r, n, n);
  const { sigma, v, order } = jacobiColumns(g, n, wantVectors);
  const sorted = new Float64Array(n);
  for (let j = 0; j < n; j++) sorted[j] = sigma[order[j]];
  if (!wantVectors || !v) return { sigma: sorted, uRows: null, vRows: null };

  // Left vectors of R: normalized columns; zero columns get completed to a basis.
  const ur = new Float64Array(n * n);
  const vRows = new Float64Array(n * n);
  const tiny = SAFMIN / EPS;
  let defined = 0;
  for (let j = 0; j < n; j++) if (sigma[order[j]] > tiny) defined++;
  for (let j = 0; j < n; j++) {
    const src = order[j];
    for (let i = 0; i < n; i++) vRows[j * n + i] = v[src * n + i];
    if (j < defined) {
      const inv = 1 / sigma[src];
      for (let i = 0; i < n; i++) ur[j * n + i] = g[src * n + i] * inv;
    }
  }
  completeRows(ur, defined, n);

  const uCols = fullU ? m : n;
  const uRows = new Float64Array(uCols * m);
  if (qr) {
    // U = Q [U_R 0; 0 I]: apply Q to each row-vector (as a column).
    const block = new Float64Array(m * uCols);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) block[i * uCols + j] = ur[j * n + i];
    for (let j = n; j < uCols; j++) block[j * uCols + j] = 1;
    const q = formQ(qr.w, m, n, qr.tau, m);
    for (let j = 0; j < uCols; j++) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let t = 0; t < m; t++) s += q[i * m + t] * block[t * uCols + j];
        uRows[j * m + i] = s;
      }
    }
  } else uRows.set(ur);
  return { sigma: sorted, uRows, vRows };
}

/**
 * Fills rows `have`..dim-1 of the dim×dim row-major `rows` (whose first `have` rows are
 * orthonormal) with an orthonormal completion, from a Householder QR of the known rows.
 */
export function completeRows(rows: Float64Array, have: number, dim: number): void {
  if (have >= dim) return;
  if (have === 0) {
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) rows[i * dim + j] = i === j ? 1 : 0;
    return;
  }
  // Known vectors as the columns of a dim×have matrix.
  const w = new Float64Array(dim * have);
  for (let j = 0; j < have; j++) for (let i = 0; i < dim; i++) w[i * have + j] = rows[j * dim + i];
  const tau = householderQrInPlace(w, dim, have);
  const q = formQ(w, dim, have, tau, dim);
  for (let j = have; j < dim; j++) for (let i = 0; i < dim; i++) rows[j * dim + i] = q[i * dim + j];
}

/** Flips vector `row` of `rows` (length len) so its largest-magnitude entry is positive; returns the sign used. */
function flipToPositive(rows: Float64Array, row: number, len: number): number {
  let best = 0;
  let at = -1;
  for (let i = 0; i < len; i++) {
    const x = Math.abs(rows[row * len + i]);
    if (x > best) {
      best = x;
      at = i;
    }
  }
  if (at < 0 || rows[row * len + at] > 0) return 1;
  for (let i = 0; i < len; i++) rows[row * len + i] = -rows[row * len + i];
  return -1;
}

export interface SvdShapes {
  u: [number, number];
  s: number;
  vh: [number, number];
}

/** Matrix shapes of torch.linalg.svd's outputs for an m×n input. */
export function svdShapes(m: number, n: number, fullMatrices: boolean): SvdShapes {
  const k = Math.min(m, n);
  return fullMatrices ? { u: [m, m], s: k, vh: [n, n] } : { u: [m, k], s: k, vh: [k, n] };
}

/**
 * Batched torch.linalg.svd: A = U diag(S) Vh with S descending. Reduced (fullMatrices false):
 * U m×k, Vh k×n; full: U m×m, Vh n×n; k = min(m, n). `rotations` picks the dlartg whose signs
 * to follow (see linalg-eigh.ts). Returns the info of each batch element (always 0: the Jacobi
 * fallback stops after a bounded number of sweeps with what it has).
 */
export function svd(
  a: FloatArray,
  m: number,
  n: number,
  batch: number,
  fullMatrices: boolean,
  u: FloatArray,
  s: FloatArray,
  vh: FloatArray,
  rotations: RotationConvention = "classic",
): Int32Array {
  const api = "linalg.svd";
  assertDims(api, { m, n, batch });
  const shapes = svdShapes(m, n, fullMatrices);
  const k = shapes.s;
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "U", u, batch * shapes.u[0] * shapes.u[1]);
  assertLength(api, "S", s, batch * k);
  assertLength(api, "Vh", vh, batch * shapes.vh[0] * shapes.vh[1]);
  const uCols = shapes.u[1];
  const vhRows = shapes.vh[0];
  for (let b = 0; b < batch; b++) {
    const mat = loadMatrix(a, b, m, n);
    if (k <= GESDD_QR_LIMIT) {
      const res = gesdd(mat, m, n, fullMatrices, rotations);
      if (res) {
        storeMatrix(u, b, res.u);
        storeMatrix(vh, b, res.vh);
        for (let j = 0; j < k; j++) s[b * k + j] = res.s[j]!;
        continue;
      }
    }
    const uOut = new Float64Array(m * uCols);
    const vhOut = new Float64Array(vhRows * n);
    if (m >= n) {
      const res = svdTall(mat, m, n, true, fullMatrices);
      const uRows = res.uRows as Float64Array;
      const vRows = res.vRows as Float64Array;
      for (let j = 0; j < uCols; j++) {
        const sign = flipToPositive(uRows, j, m);
        if (j < k && sign < 0) for (let i = 0; i < n; i++) vRows[j * n + i] = -vRows[j * n + i];
      }
      for (let i = 0; i < m; i++) for (let j = 0; j < uCols; j++) uOut[i * uCols + j] = uRows[j * m + i];
      vhOut.set(vRows.subarray(0, vhRows * n));
      for (let j = 0; j < k; j++) s[b * k + j] = res.sigma[j];
    } else {
      // Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ: U = V', Vh = U'ᵀ.
      const res = svdTall(transpose(mat, m, n), n, m, true, fullMatrices);
      const uRows = res.uRows as Float64Array; // right vectors of A, as rows of length n
      const vRows = res.vRows as Float64Array; // left vectors of A, as rows of length m
      for (let j = 0; j < k; j++) {
        const sign = flipToPositive(vRows, j, m);
        if (sign < 0) for (let i = 0; i < n; i++) uRows[j * n + i] = -uRows[j * n + i];
      }
      for (let j = k; j < vhRows; j++) flipToPositive(uRows, j, n);
      for (let i = 0; i < m; i++) for (let j = 0; j < uCols; j++) uOut[i * uCols + j] = vRows[j * m + i];
      vhOut.set(uRows.subarray(0, vhRows * n));
      for (let j = 0; j < k; j++) s[b * k + j] = res.sigma[j];
    }
    storeMatrix(u, b, uOut);
    storeMatrix(vh, b, vhOut);
  }
  return new Int32Array(batch);
}

/** Batched torch.linalg.svdvals: the min(m, n) singular values of each matrix, descending. */
export function svdvals(a: FloatArray, m: number, n: number, batch: number, s: FloatArray): void {
  const api = "linalg.svdvals";
  assertDims(api, { m, n, batch });
  const k = Math.min(m, n);
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "S", s, batch * k);
  for (let b = 0; b < batch; b++) {
    const mat = loadMatrix(a, b, m, n);
    const res = m >= n ? svdTall(mat, m, n, false, false) : svdTall(transpose(mat, m, n), n, m, false, false);
    for (let j = 0; j < k; j++) s[b * k + j] = res.sigma[j];
  }
}

/**
 * Singular values above max(atol, rtol · σ_max) count (torch.linalg.matrix_rank's rule; the
 * op chooses the dtype-dependent defaults). Writes the rank of each matrix into `out`.
 */
export function matrixRank(a: FloatArray, m: number, n: number, batch: number, atol: number, rtol: number, out: FloatArray | Int32Array | BigInt64Array): void {
  const k = Math.min(m, n);
  const s = new Float64Array(batch * k);
  svdvals(a, m, n, batch, s);
  for (let b = 0; b < batch; b++) {
    const tol = Math.max(atol, k > 0 ? rtol * s[b * k] : 0);
    let rank = 0;
    for (let j = 0; j < k; j++) if (s[b * k + j] > tol) rank++;
    if (out instanceof BigInt64Array) out[b] = BigInt(rank);
    else out[b] = rank;
  }
}

/**
 * torch.linalg.pinv through the SVD: out (n×m) = V diag(1/σ) Uᵀ over the singular values
 * above max(atol, rtol · σ_max).
 */
export function pinv(a: FloatArray, m: number, n: number, batch: number, atol: number, rtol: number, out: FloatArray): void {
  const api = "linalg.pinv";
  assertDims(api, { m, n, batch });
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "out", out, batch * n * m);
  const k = Math.min(m, n);
  const u = new Float64Array(batch * m * k);
  const s = new Float64Array(batch * k);
  const vh = new Float64Array(batch * k * n);
  svd(a, m, n, batch, false, u, s, vh);
  const res = new Float64Array(n * m);
  for (let b = 0; b < batch; b++) {
    res.fill(0);
    const tol = Math.max(atol, k > 0 ? rtol * s[b * k] : 0);
    for (let j = 0; j < k; j++) {
      const sj = s[b * k + j];
      if (!(sj > tol)) continue;
      const inv = 1 / sj;
      for (let r = 0; r < n; r++) {
        const vr = vh[b * k * n + j * n + r] * inv;
        if (vr === 0) continue;
        for (let c = 0; c < m; c++) res[r * m + c] += vr * u[b * m * k + c * k + j];
      }
    }
    storeMatrix(out, b, res);
  }
}
