// Complex SVD by one-sided Jacobi (Hestenes): plane rotations, each made real by a phase, until
// A's columns are orthogonal; then σ_j = ‖a_j‖, u_j = a_j / σ_j. Singular values to high relative
// accuracy; the singular vectors' phases are not LAPACK zgesdd's (PyTorch documents them as free).
// Built on it: svdvals, pinv and matrix_rank of complex matrices. Interleaved (re, im), row-major.

import { EPS, hypot2, type FloatArray } from "./linalg-common.js";
import { ctranspose, loadComplex, storeComplex } from "./linalg-complex.js";

interface TallSvd {
  /** σ descending (n of them). */
  s: Float64Array;
  /** U m×uCols interleaved, or null. */
  u: Float64Array | null;
  /** V n×n interleaved (columns: right singular vectors), or null. */
  v: Float64Array | null;
}

/** ‖x‖² of the interleaved vector x. */
function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** [x, y] := [c x - s e^{-iφ} y, s x + c e^{-iφ} y] for the unit phase (pr, pi) = e^{iφ}. */
function rotate(x: Float64Array, y: Float64Array, c: number, s: number, pr: number, pi: number): void {
  for (let i = 0; i < x.length; i += 2) {
    const xr = x[i]!, xi = x[i + 1]!;
    // y e^{-iφ}
    const yr = y[i]! * pr + y[i + 1]! * pi, yi = y[i + 1]! * pr - y[i]! * pi;
    x[i] = c * xr - s * yr;
    x[i + 1] = c * xi - s * yi;
    y[i] = s * xr + c * yr;
    y[i + 1] = s * xi + c * yi;
  }
}

/** Fills the empty entries of `basis` (orthonormal interleaved vectors of length dim) with unit vectors orthogonal to the rest. */
function completeBasis(basis: Float64Array[], dim: number): void {
  let candidate = 0;
  for (let k = 0; k < basis.length; k++) {
    if (basis[k]!.length !== 0) continue;
    while (candidate < dim) {
      const x = new Float64Array(2 * dim);
      x[2 * candidate++] = 1;
      // Twice Gram-Schmidt against the vectors already there.
      for (let pass = 0; pass < 2; pass++) {
        for (const b of basis) {
          if (b.length === 0) continue;
          let dr = 0, di = 0;
          for (let i = 0; i < 2 * dim; i += 2) {
            dr += b[i]! * x[i]! + b[i + 1]! * x[i + 1]!;
            di += b[i]! * x[i + 1]! - b[i + 1]! * x[i]!;
          }
          for (let i = 0; i < 2 * dim; i += 2) {
            x[i] -= dr * b[i]! - di * b[i + 1]!;
            x[i + 1] -= dr * b[i + 1]! + di * b[i]!;
          }
        }
      }
      const nrm = Math.sqrt(norm2(x));
      if (nrm > 0.5) {
        for (let i = 0; i < x.length; i++) x[i] /= nrm;
        basis[k] = x;
        break;
      }
    }
  }
}

/** One-sided Jacobi on a tall m×n (m >= n) interleaved matrix; U m×uCols (n or m) when wanted. */
function jacobiTall(a: Float64Array, m: number, n: number, wantVectors: boolean, uCols: number): TallSvd {
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) {
      c[2 * i] = a[2 * (i * n + j)]!;
      c[2 * i + 1] = a[2 * (i * n + j) + 1]!;
    }
    cols.push(c);
  }
  const vcols: Float64Array[] = [];
  if (wantVectors) for (let j = 0; j < n; j++) { const c = new Float64Array(2 * n); c[2 * j] = 1; vcols.push(c); }
  const tol = EPS * 4;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = cols[p]!, y = cols[q]!;
        const alpha = norm2(x), beta = norm2(y);
        let gr = 0, gi = 0;
        for (let i = 0; i < 2 * m; i += 2) {
          gr += x[i]! * y[i]! + x[i + 1]! * y[i + 1]!;
          gi += x[i]! * y[i + 1]! - x[i + 1]! * y[i]!;
        }
        const g = hypot2(gr, gi);
        if (g === 0 || g <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(x, y, c, s, gr / g, gi / g);
        if (wantVectors) rotate(vcols[p]!, vcols[q]!, c, s, gr / g, gi / g);
      }
    }
    if (!rotated) break;
  }
  const sigma = cols.map((c) => Math.sqrt(norm2(c)));
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => sigma[j]! - sigma[i]! || i - j);
  const s = new Float64Array(n);
  order.forEach((j, k) => { s[k] = sigma[j]!; });
  if (!wantVectors) return { s, u: null, v: null };
  const smax = s[0] ?? 0;
  const ubasis: Float64Array[] = [];
  for (let k = 0; k < uCols; k++) {
    if (k >= n) { ubasis.push(new Float64Array(0)); continue; }
    const j = order[k]!;
    const sj = sigma[j]!;
    // A column whose norm is at rounding level of σ_max is no direction: completed below instead.
    if (!(sj > smax * EPS * m) || sj === 0) { ubasis.push(new Float64Array(0)); continue; }
    ubasis.push(cols[j]!.map((v) => v / sj));
  }
  completeBasis(ubasis, m);
  const u = new Float64Array(2 * m * uCols);
  for (let k = 0; k < uCols; k++) {
    const b = ubasis[k]!;
    for (let i = 0; i < m; i++) {
      u[2 * (i * uCols + k)] = b[2 * i]!;
      u[2 * (i * uCols + k) + 1] = b[2 * i + 1]!;
    }
  }
  const v = new Float64Array(2 * n * n);
  order.forEach((j, k) => {
    const c = vcols[j]!;
    for (let i = 0; i < n; i++) {
      v[2 * (i * n + k)] = c[2 * i]!;
      v[2 * (i * n + k) + 1] = c[2 * i + 1]!;
    }
  });
  return { s, u, v };
}

/** Shapes as svdShapes (linalg-svd.ts): U m×(k or m), S k, Vh (k or n)×n. */
export interface ComplexSvdResult { u: Float64Array; s: Float64Array; vh: Float64Array }

/** The SVD of one interleaved m×n matrix: A = U diag(S) Vh. */
export function complexSvdOne(a: Float64Array, m: number, n: number, full: boolean): ComplexSvdResult {
  const k = Math.min(m, n);
  if (m >= n) {
    const r = jacobiTall(a, m, n, true, full ? m : k);
    return { u: r.u!, s: r.s, vh: ctranspose(r.v!, n, n, true) };
  }
  // A = (Aᴴ)ᴴ with Aᴴ = U' S V'ᴴ tall: U = V', Vh = U'ᴴ.
  const r = jacobiTall(ctranspose(a, m, n, true), n, m, true, full ? n : k);
  return { u: r.v!, s: r.s, vh: ctranspose(r.u!, n, full ? n : k, true) };
}

/** The singular values (descending) of one interleaved m×n matrix. */
export function complexSingularValues(a: Float64Array, m: number, n: number): Float64Array {
  return m >= n ? jacobiTall(a, m, n, false, 0).s : jacobiTall(ctranspose(a, m, n, true), n, m, false, 0).s;
}

/** Batched complex SVD into u (interleaved), s (real), vh (interleaved). */
export function complexSvd(a: FloatArray, m: number, n: number, batch: number, full: boolean, u: FloatArray, s: FloatArray, vh: FloatArray): void {
  const k = Math.min(m, n);
  for (let b = 0; b < batch; b++) {
    const r = complexSvdOne(loadComplex(a, b, m, n), m, n, full);
    storeComplex(u, b, r.u);
    for (let i = 0; i < k; i++) s[b * k + i] = r.s[i]!;
    storeComplex(vh, b, r.vh);
  }
}

/** Batched singular values (real, k per matrix). */
export function complexSvdvals(a: FloatArray, m: number, n: number, batch: number, s: FloatArray): void {
  const k = Math.min(m, n);
  for (let b = 0; b < batch; b++) {
    const r = complexSingularValues(loadComplex(a, b, m, n), m, n);
    for (let i = 0; i < k; i++) s[b * k + i] = r[i]!;
  }
}

/** The tolerance max(atol, rtol σ_max) of PyTorch's pinv / matrix_rank. */
function threshold(s: Float64Array, atol: number, rtol: number): number {
  return Math.max(atol, rtol * (s[0] ?? 0));
}

/** Batched pinv: V diag(1/σ over σ > tol) Uᴴ, n×m per matrix. */
export function complexPinv(a: FloatArray, m: number, n: number, batch: number, atol: number, rtol: number, out: FloatArray): void {
  const k = Math.min(m, n);
  for (let b = 0; b < batch; b++) {
    const r = complexSvdOne(loadComplex(a, b, m, n), m, n, false);
    const tol = threshold(r.s, atol, rtol);
    const p = new Float64Array(2 * n * m);
    for (let t = 0; t < k; t++) {
      const sv = r.s[t]!;
      if (!(sv > tol)) continue;
      const inv = 1 / sv;
      // p[i, j] += conj(vh[t, i]) / σ_t · conj(u[j, t])
      for (let i = 0; i < n; i++) {
        const vr = r.vh[2 * (t * n + i)]!, vi = -r.vh[2 * (t * n + i) + 1]!;
        for (let j = 0; j < m; j++) {
          const ur = r.u[2 * (j * k + t)]!, ui = -r.u[2 * (j * k + t) + 1]!;
          p[2 * (i * m + j)] += inv * (vr * ur - vi * ui);
          p[2 * (i * m + j) + 1] += inv * (vr * ui + vi * ur);
        }
      }
    }
    storeComplex(out, b, p);
  }
}

/** Batched matrix_rank: the number of σ > max(atol, rtol σ_max). */
export function complexMatrixRank(a: FloatArray, m: number, n: number, batch: number, atol: number, rtol: number, out: BigInt64Array): void {
  for (let b = 0; b < batch; b++) {
    const s = complexSingularValues(loadComplex(a, b, m, n), m, n);
    const tol = threshold(s, atol, rtol);
    let count = 0;
    for (const v of s) if (v > tol) count++;
    out[b] = BigInt(count);
  }
}
