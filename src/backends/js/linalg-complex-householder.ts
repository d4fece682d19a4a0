// Complex Householder reflectors with LAPACK's conventions (zlarfg): H = I - tau v vᴴ, v[0] = 1,
// Hᴴ [alpha; x] = [beta; 0] with beta = -sign(re alpha) ‖[alpha; x]‖ real, and H = I (tau = 0)
// only when x = 0 and alpha is real. Built on them: QR (zgeqr2 + zung2r, so R's diagonal is
// real as LAPACK's) and the Hermitian eigendecomposition (zhetd2 to a real tridiagonal, then
// the real tridiagonal QL/QR of linalg-eigh.ts, back-transformed: zheevd's path for n <= 25).
// Matrices are interleaved (re, im), row-major (see linalg-complex.ts).

import { type RotationConvention, type Uplo, tridiagonalEigen } from "./linalg-eigh.js";
import { complexDivide, hypot2, type FloatArray } from "./linalg-common.js";
import { loadComplex, storeComplex } from "./linalg-complex.js";

interface Reflector { tauRe: number; tauIm: number; beta: number }

/**
 * zlarfg on the interleaved vector v of `len` entries (alpha = v[0], x = v[1:]): overwrites
 * v[1:] with the reflector's tail and v[0] with 1; returns tau and beta (real).
 */
export function complexReflector(v: Float64Array, len: number): Reflector {
  const alphr = v[0]!, alphi = v[1]!;
  let xnorm = 0;
  for (let i = 1; i < len; i++) xnorm = hypot2(xnorm, hypot2(v[2 * i]!, v[2 * i + 1]!));
  v[0] = 1;
  v[1] = 0;
  if (xnorm === 0 && alphi === 0) return { tauRe: 0, tauIm: 0, beta: alphr };
  const norm = hypot2(hypot2(alphr, alphi), xnorm);
  const beta = alphr >= 0 ? -norm : norm;
  const [sr, si] = complexDivide(1, 0, alphr - beta, alphi);
  for (let i = 1; i < len; i++) {
    const xr = v[2 * i]!, xi = v[2 * i + 1]!;
    v[2 * i] = xr * sr - xi * si;
    v[2 * i + 1] = xr * si + xi * sr;
  }
  return { tauRe: (beta - alphr) / beta, tauIm: -alphi / beta, beta };
}

/**
 * C := (I - tau v vᴴ) C on rows r0..r0+len-1, columns c0..c1-1 of the interleaved row-major
 * `c` (`cols` columns); v holds `len` interleaved entries.
 */
export function applyComplexReflectorLeft(
  c: Float64Array, cols: number, r0: number, len: number, c0: number, c1: number, tauRe: number, tauIm: number, v: Float64Array,
): void {
  if (tauRe === 0 && tauIm === 0) return;
  for (let j = c0; j < c1; j++) {
    // w = vᴴ C[:, j]
    let wr = 0, wi = 0;
    for (let i = 0; i < len; i++) {
      const p = 2 * ((r0 + i) * cols + j);
      const vr = v[2 * i]!, vi = v[2 * i + 1]!, xr = c[p]!, xi = c[p + 1]!;
      wr += vr * xr + vi * xi;
      wi += vr * xi - vi * xr;
    }
    const tr = tauRe * wr - tauIm * wi, ti = tauRe * wi + tauIm * wr;
    for (let i = 0; i < len; i++) {
      const p = 2 * ((r0 + i) * cols + j);
      const vr = v[2 * i]!, vi = v[2 * i + 1]!;
      c[p] -= vr * tr - vi * ti;
      c[p + 1] -= vr * ti + vi * tr;
    }
  }
}

export type QrMode = "reduced" | "complete" | "r";

/** torch.linalg.qr on interleaved batches: Q (m×k or m×m; skipped for mode "r") and R (k×n or m×n). */
export function complexQr(a: FloatArray, m: number, n: number, batch: number, mode: QrMode, q: FloatArray | null, r: FloatArray): void {
  const k = Math.min(m, n);
  const qCols = mode === "complete" ? m : k;
  const rRows = mode === "complete" ? m : k;
  for (let b = 0; b < batch; b++) {
    const w = loadComplex(a, b, m, n);
    const vs: Float64Array[] = [];
    const taus: [number, number][] = [];
    for (let i = 0; i < k; i++) {
      const len = m - i;
      const v = new Float64Array(2 * len);
      for (let t = 0; t < len; t++) {
        v[2 * t] = w[2 * ((i + t) * n + i)]!;
        v[2 * t + 1] = w[2 * ((i + t) * n + i) + 1]!;
      }
      const h = complexReflector(v, len);
      // zgeqr2 applies Hᴴ = I - conj(tau) v vᴴ to the trailing columns.
      applyComplexReflectorLeft(w, n, i, len, i + 1, n, h.tauRe, -h.tauIm, v);
      w[2 * (i * n + i)] = h.beta;
      w[2 * (i * n + i) + 1] = 0;
      vs.push(v);
      taus.push([h.tauRe, h.tauIm]);
    }
    const rm = new Float64Array(2 * rRows * n);
    for (let i = 0; i < Math.min(rRows, m); i++) for (let j = i; j < n; j++) {
      rm[2 * (i * n + j)] = w[2 * (i * n + j)]!;
      rm[2 * (i * n + j) + 1] = w[2 * (i * n + j) + 1]!;
    }
    storeComplex(r, b, rm);
    if (mode === "r" || q === null) continue;
    // zung2r: Q = H(0) H(1) ... H(k-1) applied to the first qCols columns of the identity.
    const qm = new Float64Array(2 * m * qCols);
    for (let i = 0; i < Math.min(m, qCols); i++) qm[2 * (i * qCols + i)] = 1;
    for (let i = k - 1; i >= 0; i--) applyComplexReflectorLeft(qm, qCols, i, m - i, i, qCols, taus[i]![0], taus[i]![1], vs[i]!);
    storeComplex(q, b, qm);
  }
}

/** In place: the Hermitian matrix whose `uplo` triangle `a` holds (the diagonal's imaginary parts dropped). */
export function fillHermitian(a: Float64Array, n: number, uplo: Uplo): void {
  for (let i = 0; i < n; i++) {
    a[2 * (i * n + i) + 1] = 0;
    for (let j = i + 1; j < n; j++) {
      const [src, dst] = uplo === "L" ? [j * n + i, i * n + j] : [i * n + j, j * n + i];
      a[2 * dst] = a[2 * src]!;
      a[2 * dst + 1] = -a[2 * src + 1]!;
    }
  }
}

/** A Hermitian matrix's real tridiagonal form: d[1..n], e[1..n-1] (1-based, as steqr), and Q. */
interface HermitianTridiagonal { d: Float64Array; e: Float64Array; q: Float64Array | null }

/**
 * zhetd2 (+ zungtr when `wantQ`) on an interleaved n×n matrix of which only the `uplo` triangle
 * is read: A = Q T Qᴴ with T real symmetric tridiagonal.
 */
export function hermitianTridiagonalize(a: Float64Array, n: number, uplo: Uplo, wantQ: boolean): HermitianTridiagonal {
  fillHermitian(a, n, uplo);
  const d = new Float64Array(n + 1);
  const e = new Float64Array(n + 1);
  const reflectors: { tauRe: number; tauIm: number; v: Float64Array; lo: number; len: number }[] = [];
  const x = new Float64Array(2 * n);
  // H(i) on the block lo..lo+len-1: A := Hᴴ A H (zhetd2's rank-2 update).
  const update = (lo: number, len: number, tauRe: number, tauIm: number, v: Float64Array): void => {
    for (let r = 0; r < len; r++) {
      let sr = 0, si = 0;
      for (let c = 0; c < len; c++) {
        const p = 2 * ((lo + r) * n + lo + c);
        const ar = a[p]!, ai = a[p + 1]!, vr = v[2 * c]!, vi = v[2 * c + 1]!;
        sr += ar * vr - ai * vi;
        si += ar * vi + ai * vr;
      }
      x[2 * r] = tauRe * sr - tauIm * si;
      x[2 * r + 1] = tauRe * si + tauIm * sr;
    }
    let dr = 0, di = 0;
    for (let r = 0; r < len; r++) {
      const xr = x[2 * r]!, xi = x[2 * r + 1]!, vr = v[2 * r]!, vi = v[2 * r + 1]!;
      dr += xr * vr + xi * vi;
      di += xr * vi - xi * vr;
    }
    const alr = -0.5 * (tauRe * dr - tauIm * di), ali = -0.5 * (tauRe * di + tauIm * dr);
    for (let r = 0; r < len; r++) {
      const vr = v[2 * r]!, vi = v[2 * r + 1]!;
      x[2 * r] += alr * vr - ali * vi;
      x[2 * r + 1] += alr * vi + ali * vr;
    }
    for (let r = 0; r < len; r++) {
      for (let c = 0; c < len; c++) {
        const p = 2 * ((lo + r) * n + lo + c);
        const vr = v[2 * r]!, vi = v[2 * r + 1]!, xr = x[2 * r]!, xi = x[2 * r + 1]!;
        const wr = v[2 * c]!, wi = v[2 * c + 1]!, yr = x[2 * c]!, yi = x[2 * c + 1]!;
        // v_r conj(x_c) + x_r conj(v_c)
        a[p] -= vr * yr + vi * yi + xr * wr + xi * wi;
        a[p + 1] -= vi * yr - vr * yi + xi * wr - xr * wi;
      }
    }
  };
  if (uplo === "L") {
    for (let i = 0; i < n - 1; i++) {
      const lo = i + 1, len = n - lo;
      const v = new Float64Array(2 * len);
      for (let t = 0; t < len; t++) {
        v[2 * t] = a[2 * ((lo + t) * n + i)]!;
        v[2 * t + 1] = a[2 * ((lo + t) * n + i) + 1]!;
      }
      const h = complexReflector(v, len);
      e[i + 1] = h.beta;
      if (h.tauRe !== 0 || h.tauIm !== 0) update(lo, len, h.tauRe, h.tauIm, v);
      d[i + 1] = a[2 * (i * n + i)]!;
      reflectors.push({ tauRe: h.tauRe, tauIm: h.tauIm, v, lo, len });
    }
    if (n > 0) d[n] = a[2 * ((n - 1) * n + n - 1)]!;
  } else {
    for (let i = n - 2; i >= 0; i--) {
      // alpha = A(i, i+1), x = A(0:i-1, i+1); the reflector acts on 0..i with v[i] = 1.
      const len = i + 1;
      const w = new Float64Array(2 * len);
      w[0] = a[2 * (i * n + i + 1)]!;
      w[1] = a[2 * (i * n + i + 1) + 1]!;
      for (let t = 0; t < i; t++) {
        w[2 * (t + 1)] = a[2 * (t * n + i + 1)]!;
        w[2 * (t + 1) + 1] = a[2 * (t * n + i + 1) + 1]!;
      }
      const h = complexReflector(w, len);
      const v = new Float64Array(2 * len);
      for (let t = 0; t < i; t++) {
        v[2 * t] = w[2 * (t + 1)]!;
        v[2 * t + 1] = w[2 * (t + 1) + 1]!;
      }
      v[2 * i] = 1;
      e[i + 1] = h.beta;
      if (h.tauRe !== 0 || h.tauIm !== 0) update(0, len, h.tauRe, h.tauIm, v);
      d[i + 2] = a[2 * ((i + 1) * n + i + 1)]!;
      reflectors.push({ tauRe: h.tauRe, tauIm: h.tauIm, v, lo: 0, len });
    }
    if (n > 0) d[1] = a[0]!;
  }
  let q: Float64Array | null = null;
  if (wantQ) {
    q = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++) q[2 * (i * n + i)] = 1;
    // "L": Q = H(0) ... H(n-2); "U": Q = H(n-2) ... H(0). Both pushed in the order of their
    // making, so the product applies the last made first.
    for (let t = reflectors.length - 1; t >= 0; t--) {
      const h = reflectors[t]!;
      applyComplexReflectorLeft(q, n, h.lo, h.len, 0, n, h.tauRe, h.tauIm, h.v);
    }
  }
  return { d, e, q };
}

/**
 * Batched complex torch.linalg.eigh: eigenvalues ascending (real) into `w`, eigenvectors (the
 * columns of Q Z, Z the real tridiagonal's) into `v` when given. Returns the infos.
 */
export function complexEigh(
  a: FloatArray, n: number, batch: number, w: FloatArray, v: FloatArray | null, uplo: Uplo, rotations: RotationConvention = "classic",
): Int32Array {
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const t = hermitianTridiagonalize(loadComplex(a, b, n, n), n, uplo, v !== null);
    let z: Float64Array | null = null;
    if (v) {
      z = new Float64Array(n * n);
      for (let i = 0; i < n; i++) z[i * n + i] = 1;
    }
    infos[b] = tridiagonalEigen(n, t.d, t.e, z, rotations);
    for (let i = 0; i < n; i++) w[b * n + i] = t.d[i + 1]!;
    if (v && z && t.q) {
      const q = t.q;
      const out = new Float64Array(2 * n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let sr = 0, si = 0;
          for (let k = 0; k < n; k++) {
            const zkj = z[k * n + j]!;
            sr += q[2 * (i * n + k)]! * zkj;
            si += q[2 * (i * n + k) + 1]! * zkj;
          }
          out[2 * (i * n + j)] = sr;
          out[2 * (i * n + j) + 1] = si;
        }
      }
      storeComplex(v, b, out);
    }
  }
  return infos;
}
