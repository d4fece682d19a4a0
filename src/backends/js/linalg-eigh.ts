// Symmetric eigendecomposition following LAPACK syevd's path for n <= 25: Householder
// tridiagonalization (sytrd, UPLO "L" or "U"), Q formed as orgtr does, then implicit QL/QR
// (steqr) accumulating the rotations into Q, eigenvalues sorted ascending by selection sort.
//
// Eigenvector signs: following the same reflectors, shifts, 2×2 solves (dlaev2) and plane
// rotations gives LAPACK's signs. The rotation (dlartg) changed in LAPACK 3.10: before it,
// r >= 0 unless |f| > |g| ("classic", what the MKL inside PyTorch's official builds gives:
// it reproduces the recorded conformance case); from 3.10 on, c >= 0 and r takes f's sign
// ("lapack310": reference LAPACK / OpenBLAS, as in Debian's PyTorch). Either way the signs
// are LAPACK's only for n <= 25: beyond that syevd switches to divide and conquer.
// Eigenvectors are defined only up to sign, so callers should not depend on it.

import { EPS, SAFMIN, assertDims, assertLength, fsign, hypot2, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";

export type Uplo = "L" | "U";

interface Tridiagonal {
  /** 1-based: d[1..n] diagonal, e[1..n-1] off-diagonal. */
  d: Float64Array;
  e: Float64Array;
  /** Q (n×n row-major) with Qᵀ A Q = T, or null when not asked for. */
  q: Float64Array | null;
}

/** sytd2 + orgtr on a symmetric n×n float64 matrix (only the `uplo` triangle is read). */
export function tridiagonalize(a: Float64Array, n: number, uplo: Uplo, wantQ: boolean): Tridiagonal {
  // Symmetrize from the triangle that counts, so both triangles can be updated alike.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (uplo === "L") a[i * n + j] = a[j * n + i];
      else a[j * n + i] = a[i * n + j];
    }
  }
  const d = new Float64Array(n + 1);
  const e = new Float64Array(n + 1);
  const taus = new Float64Array(Math.max(n - 1, 0));
  // Reflector vectors, one per step, each of length n (zeros outside its support).
  const vs: Float64Array[] = [];
  const w = new Float64Array(n);
  const v = new Float64Array(n);
  if (uplo === "L") {
    for (let i = 0; i < n - 1; i++) {
      // Annihilate A(i+2:n, i); the reflector acts on indices i+1..n-1.
      const lo = i + 1;
      const len = n - lo;
      const tau = reflector(a, n, i, lo, len, lo, v);
      e[i + 1] = a[lo * n + i];
      if (tau !== 0) rank2Update(a, n, lo, len, tau, v, w);
      d[i + 1] = a[i * n + i];
      taus[i] = tau;
      vs.push(v.slice());
    }
    if (n > 0) d[n] = a[(n - 1) * n + (n - 1)];
  } else {
    for (let i = n - 2; i >= 0; i--) {
      // Annihilate A(0:i-1, i+1); the reflector acts on indices 0..i with v[i] = 1.
      const len = i + 1;
      const tau = reflectorUpper(a, n, i + 1, len, v);
      e[i + 1] = a[i * n + i + 1];
      if (tau !== 0) rank2Update(a, n, 0, len, tau, v, w);
      d[i + 2] = a[(i + 1) * n + i + 1];
      taus[i] = tau;
      vs[i] = v.slice();
    }
    if (n > 0) d[1] = a[0];
  }
  let q: Float64Array | null = null;
  if (wantQ) {
    q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) q[i * n + i] = 1;
    // "L": Q = H(0) H(1) ... H(n-2); "U": Q = H(n-2) ... H(1) H(0). Build by left products.
    if (uplo === "L") for (let i = n - 2; i >= 0; i--) applyLeft(q, n, taus[i], vs[i]);
    else for (let i = 0; i <= n - 2; i++) applyLeft(q, n, taus[i], vs[i]);
  }
  return { d, e, q };
}

/** dlarfg on column `col` of `a`, entries lo..lo+len-1 (alpha first); fills v (full length). */
function reflector(a: Float64Array, n: number, col: number, lo: number, len: number, vStart: number, v: Float64Array): number {
  v.fill(0);
  const alphaAt = lo * n + col;
  let xnorm = 0;
  for (let r = lo + 1; r < lo + len; r++) xnorm = hypot2(xnorm, a[r * n + col]);
  v[vStart] = 1;
  if (xnorm === 0) return 0;
  const alpha = a[alphaAt];
  const beta = -fsign(hypot2(alpha, xnorm), alpha);
  const tau = (beta - alpha) / beta;
  const scal = 1 / (alpha - beta);
  for (let r = lo + 1; r < lo + len; r++) {
    a[r * n + col] *= scal;
    v[r] = a[r * n + col];
    a[col * n + r] = a[r * n + col];
  }
  a[alphaAt] = beta;
  a[col * n + lo] = beta;
  return tau;
}

/** dlarfg for the "U" case: alpha = A(len-1, col), x = A(0:len-1, col); v[len-1] = 1. */
function reflectorUpper(a: Float64Array, n: number, col: number, len: number, v: Float64Array): number {
  v.fill(0);
  const last = len - 1;
  let xnorm = 0;
  for (let r = 0; r < last; r++) xnorm = hypot2(xnorm, a[r * n + col]);
  v[last] = 1;
  if (xnorm === 0) return 0;
  const alpha = a[last * n + col];
  const beta = -fsign(hypot2(alpha, xnorm), alpha);
  const tau = (beta - alpha) / beta;
  const scal = 1 / (alpha - beta);
  for (let r = 0; r < last; r++) {
    a[r * n + col] *= scal;
    v[r] = a[r * n + col];
    a[col * n + r] = a[r * n + col];
  }
  a[last * n + col] = beta;
  a[col * n + last] = beta;
  return tau;
}

/** A(S,S) -= v wᵀ + w vᵀ with w = tau A v - ½ tau² (vᵀ A v) v, on the block S = lo..lo+len-1. */
function rank2Update(a: Float64Array, n: number, lo: number, len: number, tau: number, v: Float64Array, w: Float64Array): void {
  const hi = lo + len;
  for (let i = lo; i < hi; i++) {
    let s = 0;
    for (let j = lo; j < hi; j++) s += a[i * n + j] * v[j];
    w[i] = tau * s;
  }
  let dot = 0;
  for (let i = lo; i < hi; i++) dot += w[i] * v[i];
  const alpha = -0.5 * tau * dot;
  for (let i = lo; i < hi; i++) w[i] += alpha * v[i];
  for (let i = lo; i < hi; i++) {
    for (let j = lo; j < hi; j++) a[i * n + j] -= v[i] * w[j] + w[i] * v[j];
  }
}

/** Q := (I - tau v vᵀ) Q. */
function applyLeft(q: Float64Array, n: number, tau: number, v: Float64Array): void {
  if (tau === 0) return;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (v[i] !== 0) s += v[i] * q[i * n + j];
    if (s === 0) continue;
    s *= tau;
    for (let i = 0; i < n; i++) if (v[i] !== 0) q[i * n + j] -= s * v[i];
  }
}

interface Rotation {
  c: number;
  s: number;
  r: number;
}

/** Which dlartg fixes the eigenvector signs (see the top of this file). */
export type RotationConvention = "classic" | "lapack310";

/** dlartg before LAPACK 3.10: r = ±sqrt(f² + g²), negative only when |f| > |g| and f < 0. */
export function givensClassic(f: number, g: number): Rotation {
  if (g === 0) return { c: 1, s: 0, r: f };
  if (f === 0) return { c: 0, s: 1, r: g };
  const safmn2 = 2 ** -484;
  const safmx2 = 1 / safmn2;
  let f1 = f;
  let g1 = g;
  let scale = Math.max(Math.abs(f1), Math.abs(g1));
  let factor = 1;
  if (scale >= safmx2) {
    for (let count = 0; scale >= safmx2 && count < 20; count++) {
      f1 *= safmn2;
      g1 *= safmn2;
      factor *= safmx2;
      scale = Math.max(Math.abs(f1), Math.abs(g1));
    }
  } else if (scale <= safmn2) {
    for (let count = 0; scale <= safmn2 && count < 20; count++) {
      f1 *= safmx2;
      g1 *= safmx2;
      factor *= safmn2;
      scale = Math.max(Math.abs(f1), Math.abs(g1));
    }
  }
  let r = Math.sqrt(f1 * f1 + g1 * g1);
  let c = f1 / r;
  let s = g1 / r;
  r *= factor;
  if (Math.abs(f) > Math.abs(g) && c < 0) {
    c = -c;
    s = -s;
    r = -r;
  }
  return { c, s, r };
}

/** dlartg as in LAPACK >= 3.10: c >= 0, r carries the sign of f. */
export function givens(f: number, g: number): Rotation {
  if (g === 0) return { c: 1, s: 0, r: f };
  if (f === 0) return { c: 0, s: fsign(1, g), r: Math.abs(g) };
  const rtmin = Math.sqrt(SAFMIN);
  const rtmax = Math.sqrt(1 / SAFMIN / 2);
  const f1 = Math.abs(f);
  const g1 = Math.abs(g);
  if (f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax) {
    const d = Math.sqrt(f * f + g * g);
    const c = f1 / d;
    const r = fsign(d, f);
    return { c, s: g / r, r };
  }
  const u = Math.min(1 / SAFMIN, Math.max(SAFMIN, f1, g1));
  const fs = f / u;
  const gs = g / u;
  const d = Math.sqrt(fs * fs + gs * gs);
  const c = Math.abs(fs) / d;
  const r = fsign(d, f);
  return { c, s: gs / r, r: r * u };
}

/** dlaev2: eigen-decomposition of [[a, b], [b, c]]: rt1 (larger |.|), rt2, and (cs1, sn1) for rt1. */
export function symmetric2x2(a: number, b: number, c: number): { rt1: number; rt2: number; cs1: number; sn1: number } {
  const sm = a + c;
  const df = a - c;
  const adf = Math.abs(df);
  const tb = b + b;
  const ab = Math.abs(tb);
  let acmx: number;
  let acmn: number;
  if (Math.abs(a) > Math.abs(c)) {
    acmx = a;
    acmn = c;
  } else {
    acmx = c;
    acmn = a;
  }
  let rt: number;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  let rt1: number;
  let rt2: number;
  let sgn1: number;
  if (sm < 0) {
    rt1 = 0.5 * (sm - rt);
    sgn1 = -1;
    rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
  } else if (sm > 0) {
    rt1 = 0.5 * (sm + rt);
    sgn1 = 1;
    rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
  } else {
    rt1 = 0.5 * rt;
    rt2 = -0.5 * rt;
    sgn1 = 1;
  }
  let cs: number;
  let sgn2: number;
  if (df >= 0) {
    cs = df + rt;
    sgn2 = 1;
  } else {
    cs = df - rt;
    sgn2 = -1;
  }
  let cs1: number;
  let sn1: number;
  if (Math.abs(cs) > ab) {
    const ct = -tb / cs;
    sn1 = 1 / Math.sqrt(1 + ct * ct);
    cs1 = ct * sn1;
  } else if (ab === 0) {
    cs1 = 1;
    sn1 = 0;
  } else {
    const tn = -cs / tb;
    cs1 = 1 / Math.sqrt(1 + tn * tn);
    sn1 = tn * cs1;
  }
  if (sgn1 === sgn2) {
    const tn = cs1;
    cs1 = -sn1;
    sn1 = tn;
  }
  return { rt1, rt2, cs1, sn1 };
}

/**
 * dlasr('R', 'V', direct): rotates columns first..first+count-1 of z (n×n) with the plane
 * rotations (c[j], s[j]) between columns first+j and first+j+1 (1-based column numbers).
 */
function rotateColumns(z: Float64Array, n: number, first: number, count: number, c: Float64Array, s: Float64Array, forward: boolean): void {
  const apply = (j: number): void => {
    const ct = c[first + j];
    const st = s[first + j];
    if (ct === 1 && st === 0) return;
    const c0 = first + j - 1;
    for (let r = 0; r < n; r++) {
      const base = r * n;
      const temp = z[base + c0 + 1];
      const zj = z[base + c0];
      z[base + c0 + 1] = ct * temp - st * zj;
      z[base + c0] = st * temp + ct * zj;
    }
  };
  if (forward) for (let j = 0; j < count - 1; j++) apply(j);
  else for (let j = count - 2; j >= 0; j--) apply(j);
}

/**
 * steqr: eigenvalues (ascending, into d[1..n]) of the symmetric tridiagonal (d, e), 1-based;
 * with z (n×n, holding Q) the eigenvectors are accumulated into its columns. Returns 0, or the
 * number of off-diagonal entries that did not converge.
 */
export function tridiagonalEigen(
  n: number,
  d: Float64Array,
  e: Float64Array,
  z: Float64Array | null,
  rotations: RotationConvention = "classic",
): number {
  if (n <= 1) return 0;
  const rotate = rotations === "classic" ? givensClassic : givens;
  const eps = EPS;
  const eps2 = eps * eps;
  const safmin = SAFMIN;
  const safmax = 1 / safmin;
  const ssfmax = Math.sqrt(safmax) / 3;
  const ssfmin = Math.sqrt(safmin) / eps2;
  const wc = new Float64Array(n + 1);
  const ws = new Float64Array(n + 1);
  const nmaxit = n * 30;
  let jtot = 0;
  let l1 = 1;
  const nm1 = n - 1;

  while (l1 <= n) {
    if (l1 > 1) e[l1 - 1] = 0;
    let m = n;
    for (let mm = l1; mm <= nm1; mm++) {
      const tst = Math.abs(e[mm]);
      if (tst === 0) {
        m = mm;
        break;
      }
      if (tst <= Math.sqrt(Math.abs(d[mm])) * Math.sqrt(Math.abs(d[mm + 1])) * eps) {
        e[mm] = 0;
        m = mm;
        break;
      }
    }
    let l = l1;
    const lsv = l;
    let lend = m;
    const lendsv = lend;
    l1 = m + 1;
    if (lend === l) continue;

    // Scale the block l..lend so that its largest entry is neither huge nor tiny.
    let anorm = 0;
    for (let i = l; i <= lend; i++) anorm = Math.max(anorm, Math.abs(d[i]));
    for (let i = l; i < lend; i++) anorm = Math.max(anorm, Math.abs(e[i]));
    if (Number.isNaN(anorm)) {
      d.fill(Number.NaN, 1);
      if (z) z.fill(Number.NaN);
      return n;
    }
    let iscale = 0;
    if (anorm === 0) continue;
    if (anorm > ssfmax) {
      iscale = 1;
      scaleRange(d, l, lend, ssfmax / anorm);
      scaleRange(e, l, lend - 1, ssfmax / anorm);
    } else if (anorm < ssfmin) {
      iscale = 2;
      scaleRange(d, l, lend, ssfmin / anorm);
      scaleRange(e, l, lend - 1, ssfmin / anorm);
    }

    // QL when the bottom end is larger, else QR.
    if (Math.abs(d[lend]) < Math.abs(d[l])) {
      lend = lsv;
      l = lendsv;
    }

    if (lend > l) {
      // QL iteration: look for a small subdiagonal element.
      while (true) {
        let mm = lend;
        if (l !== lend) {
          for (let k = l; k <= lend - 1; k++) {
            const tst = Math.abs(e[k]) ** 2;
            if (tst <= eps2 * Math.abs(d[k]) * Math.abs(d[k + 1]) + safmin) {
              mm = k;
              break;
            }
          }
        }
        m = mm;
        if (m < lend) e[m] = 0;
        let p = d[l];
        if (m === l) {
          // Eigenvalue found.
          d[l] = p;
          l++;
          if (l <= lend) continue;
          break;
        }
        if (m === l + 1) {
          const r2 = symmetric2x2(d[l], e[l], d[l + 1]);
          if (z) {
            wc[l] = r2.cs1;
            ws[l] = r2.sn1;
            rotateColumns(z, n, l, 2, wc, ws, false);
          }
          d[l] = r2.rt1;
          d[l + 1] = r2.rt2;
          e[l] = 0;
          l += 2;
          if (l <= lend) continue;
          break;
        }
        if (jtot === nmaxit) break;
        jtot++;
        // Form the shift.
        let g = (d[l + 1] - p) / (2 * e[l]);
        let r = hypot2(g, 1);
        g = d[m] - p + e[l] / (g + fsign(r, g));
        let s = 1;
        let c = 1;
        p = 0;
        for (let i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          const rot = rotate(g, f);
          c = rot.c;
          s = rot.s;
          r = rot.r;
          if (i !== m - 1) e[i + 1] = r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          if (z) {
            wc[i] = c;
            ws[i] = -s;
          }
        }
        if (z) rotateColumns(z, n, l, m - l + 1, wc, ws, false);
        d[l] -= p;
        e[l] = g;
      }
    } else {
      // QR iteration: look for a small superdiagonal element.
      while (true) {
        let mm = lend;
        if (l !== lend) {
          for (let k = l; k >= lend + 1; k--) {
            const tst = Math.abs(e[k - 1]) ** 2;
            if (tst <= eps2 * Math.abs(d[k]) * Math.abs(d[k - 1]) + safmin) {
              mm = k;
              break;
            }
          }
        }
        m = mm;
        if (m > lend) e[m - 1] = 0;
        let p = d[l];
        if (m === l) {
          d[l] = p;
          l--;
          if (l >= lend) continue;
          break;
        }
        if (m === l - 1) {
          const r2 = symmetric2x2(d[l - 1], e[l - 1], d[l]);
          if (z) {
            wc[m] = r2.cs1;
            ws[m] = r2.sn1;
            rotateColumns(z, n, l - 1, 2, wc, ws, true);
          }
          d[l - 1] = r2.rt1;
          d[l] = r2.rt2;
          e[l - 1] = 0;
          l -= 2;
          if (l >= lend) continue;
          break;
        }
        if (jtot === nmaxit) break;
        jtot++;
        let g = (d[l - 1] - p) / (2 * e[l - 1]);
        let r = hypot2(g, 1);
        g = d[m] - p + e[l - 1] / (g + fsign(r, g));
        let s = 1;
        let c = 1;
        p = 0;
        for (let i = m; i <= l - 1; i++) {
          const f = s * e[i];
          const b = c * e[i];
          const rot = rotate(g, f);
          c = rot.c;
          s = rot.s;
          r = rot.r;
          if (i !== m) e[i - 1] = r;
          g = d[i] - p;
          r = (d[i + 1] - g) * s + 2 * c * b;
          p = s * r;
          d[i] = g + p;
          g = c * r - b;
          if (z) {
            wc[i] = c;
            ws[i] = s;
          }
        }
        if (z) rotateColumns(z, n, m, l - m + 1, wc, ws, true);
        d[l] -= p;
        e[l - 1] = g;
      }
    }

    // Undo scaling.
    if (iscale === 1) {
      scaleRange(d, lsv, lendsv, anorm / ssfmax);
      scaleRange(e, lsv, lendsv - 1, anorm / ssfmax);
    } else if (iscale === 2) {
      scaleRange(d, lsv, lendsv, anorm / ssfmin);
      scaleRange(e, lsv, lendsv - 1, anorm / ssfmin);
    }
    if (jtot >= nmaxit) {
      let info = 0;
      for (let i = 1; i <= n - 1; i++) if (e[i] !== 0) info++;
      return info;
    }
  }

  // Selection sort into ascending order (few column swaps, as steqr).
  for (let ii = 2; ii <= n; ii++) {
    const i = ii - 1;
    let k = i;
    let p = d[i];
    for (let j = ii; j <= n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (z) {
        for (let r = 0; r < n; r++) {
          const t = z[r * n + i - 1];
          z[r * n + i - 1] = z[r * n + k - 1];
          z[r * n + k - 1] = t;
        }
      }
    }
  }
  return 0;
}

function scaleRange(x: Float64Array, from: number, to: number, factor: number): void {
  for (let i = from; i <= to; i++) x[i] *= factor;
}

/**
 * Batched torch.linalg.eigh: eigenvalues ascending into `w` (n per matrix) and, when
 * `v` is given, orthonormal eigenvectors as the columns of each n×n matrix in `v`.
 * Returns the info of each batch element (positive: no convergence). `rotations` picks whose
 * eigenvector signs to reproduce (see the top of this file).
 */
export function eigh(
  a: FloatArray,
  n: number,
  batch: number,
  w: FloatArray,
  v: FloatArray | null,
  uplo: Uplo = "L",
  rotations: RotationConvention = "classic",
): Int32Array {
  const api = "linalg.eigh";
  if (uplo !== "L" && uplo !== "U") throw new Error(`${api}: Expected UPLO argument to be 'L' or 'U', but got ${String(uplo)}`);
  assertDims(api, { n, batch });
  assertLength(api, "A", a, batch * n * n);
  assertLength(api, "eigenvalues", w, batch * n);
  if (v) assertLength(api, "eigenvectors", v, batch * n * n);
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    const t = tridiagonalize(m, n, uplo, v !== null);
    infos[b] = tridiagonalEigen(n, t.d, t.e, t.q, rotations);
    for (let i = 0; i < n; i++) w[b * n + i] = t.d[i + 1];
    if (v && t.q) storeMatrix(v, b, t.q);
  }
  return infos;
}

/** torch.linalg.eigvalsh: the eigenvalues alone, ascending. */
export function eigvalsh(a: FloatArray, n: number, batch: number, w: FloatArray, uplo: Uplo = "L"): Int32Array {
  return eigh(a, n, batch, w, null, uplo);
}
