// Symmetric indefinite factorization A = L D Lᵀ with Bunch-Kaufman pivoting, as LAPACK's sytf2
// (the unblocked sytrf) on the lower triangle, and the solve with it (sytrs). Pivots are LAPACK's:
// k (1-based) for a 1×1 block whose row k was swapped with row k, -p on both rows of a 2×2 block
// whose second row was swapped with row p. Columns of L before a swap are not permuted (LAPACK's
// storage), so only sytrs reads these factors.

import { assertDims, assertLength, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";

/** Bunch-Kaufman's constant (1 + √17) / 8: the growth bound that picks 1×1 or 2×2 pivots. */
const BK_ALPHA = (1 + Math.sqrt(17)) / 8;

/** The first index of the largest |a[at + i·stride]|, i < count (idamax), as an offset i. */
function firstLargest(a: Float64Array, at: number, stride: number, count: number): number {
  let best = 0;
  let max = Math.abs(a[at]);
  for (let i = 1; i < count; i++) {
    const v = Math.abs(a[at + i * stride]);
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

/** sytf2 (uplo "L") on one row-major n×n matrix in place; `ipiv` gets LAPACK's pivots. Returns info. */
export function ldlInPlace(a: Float64Array, n: number, ipiv: Int32Array): number {
  const at = (i: number, j: number): number => i * n + j;
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1;
    let kp = k;
    const absakk = Math.abs(a[at(k, k)]);
    let imax = k;
    let colmax = 0;
    if (k < n - 1) {
      imax = k + 1 + firstLargest(a, at(k + 1, k), n, n - k - 1);
      colmax = Math.abs(a[at(imax, k)]);
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      // A zero (or NaN) column: recorded, and left as it is.
      if (info === 0) info = k + 1;
    } else {
      if (absakk < BK_ALPHA * colmax) {
        // The largest off-diagonal entry of row imax, left of and below its diagonal.
        let rowmax = Math.abs(a[at(imax, k + firstLargest(a, at(imax, k), 1, imax - k))]);
        if (imax < n - 1) rowmax = Math.max(rowmax, Math.abs(a[at(imax + 1 + firstLargest(a, at(imax + 1, imax), n, n - imax - 1), imax)]));
        if (absakk >= BK_ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(a[at(imax, imax)]) >= BK_ALPHA * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // Interchange rows and columns kk and kp of the trailing lower triangle.
        for (let i = kp + 1; i < n; i++) swap(a, at(i, kk), at(i, kp));
        for (let j = kk + 1; j < kp; j++) swap(a, at(j, kk), at(kp, j));
        swap(a, at(kk, kk), at(kp, kp));
        if (kstep === 2) swap(a, at(k + 1, k), at(kp, k));
      }
      if (kstep === 1) {
        if (k < n - 1) {
          // A := A - w (1 / d) wᵀ on the trailing lower triangle, then L's column = w / d.
          const d11 = 1 / a[at(k, k)];
          for (let j = k + 1; j < n; j++) {
            const xj = a[at(j, k)];
            if (xj === 0) continue;
            const temp = -d11 * xj;
            for (let i = j; i < n; i++) a[at(i, j)] += a[at(i, k)] * temp;
          }
          for (let i = k + 1; i < n; i++) a[at(i, k)] *= d11;
        }
      } else if (k < n - 2) {
        let d21 = a[at(k + 1, k)];
        const d11 = a[at(k + 1, k + 1)] / d21;
        const d22 = a[at(k, k)] / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * a[at(j, k)] - a[at(j, k + 1)]);
          const wkp1 = d21 * (d22 * a[at(j, k + 1)] - a[at(j, k)]);
          for (let i = j; i < n; i++) a[at(i, j)] = a[at(i, j)] - a[at(i, k)] * wk - a[at(i, k + 1)] * wkp1;
          a[at(j, k)] = wk;
          a[at(j, k + 1)] = wkp1;
        }
      }
    }
    if (kstep === 1) ipiv[k] = kp + 1;
    else ipiv[k] = ipiv[k + 1] = -(kp + 1);
    k += kstep;
  }
  return info;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function swapRows(b: Float64Array, k: number, i: number, j: number): void {
  if (i === j) return;
  for (let c = 0; c < k; c++) swap(b, i * k + c, j * k + c);
}

/** sytrs (uplo "L"): solves A X = B in place (B n×k) from ldlInPlace's factors and pivots. */
export function ldlSolveInPlace(ld: Float64Array, n: number, ipiv: Int32Array, b: Float64Array, k: number): void {
  const at = (i: number, j: number): number => i * n + j;
  // L D Y = B, by columns of L.
  let i = 0;
  while (i < n) {
    if (ipiv[i] > 0) {
      swapRows(b, k, i, ipiv[i] - 1);
      for (let r = i + 1; r < n; r++) for (let c = 0; c < k; c++) b[r * k + c] -= ld[at(r, i)] * b[i * k + c];
      const dinv = 1 / ld[at(i, i)];
      for (let c = 0; c < k; c++) b[i * k + c] *= dinv;
      i++;
    } else {
      swapRows(b, k, i + 1, -ipiv[i] - 1);
      for (let r = i + 2; r < n; r++) {
        for (let c = 0; c < k; c++) b[r * k + c] -= ld[at(r, i)] * b[i * k + c];
        for (let c = 0; c < k; c++) b[r * k + c] -= ld[at(r, i + 1)] * b[(i + 1) * k + c];
      }
      const akm1k = ld[at(i + 1, i)];
      const akm1 = ld[at(i, i)] / akm1k;
      const ak = ld[at(i + 1, i + 1)] / akm1k;
      const denom = akm1 * ak - 1;
      for (let c = 0; c < k; c++) {
        const bkm1 = b[i * k + c] / akm1k;
        const bk = b[(i + 1) * k + c] / akm1k;
        b[i * k + c] = (ak * bkm1 - bk) / denom;
        b[(i + 1) * k + c] = (akm1 * bk - bkm1) / denom;
      }
      i += 2;
    }
  }
  // Lᵀ X = Y, from the last row up, undoing the interchanges.
  i = n - 1;
  while (i >= 0) {
    const rowsBelow = (col: number, row: number): void => {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let r = i + 1; r < n; r++) s += b[r * k + c] * ld[at(r, col)];
        b[row * k + c] -= s;
      }
    };
    if (ipiv[i] > 0) {
      if (i < n - 1) rowsBelow(i, i);
      swapRows(b, k, i, ipiv[i] - 1);
      i--;
    } else {
      if (i < n - 1) {
        rowsBelow(i, i);
        rowsBelow(i - 1, i - 1);
      }
      swapRows(b, k, i, -ipiv[i] - 1);
      i -= 2;
    }
  }
}

/** Batched ldl_factor: `ld` gets L and D in the lower triangle (the upper one zero), `pivots` LAPACK's; returns infos. */
export function ldlFactor(a: FloatArray, n: number, batch: number, ld: FloatArray, pivots: Int32Array): Int32Array {
  const api = "linalg.ldl_factor";
  assertDims(api, { n, batch });
  assertLength(api, "A", a, batch * n * n);
  assertLength(api, "LD", ld, batch * n * n);
  assertLength(api, "pivots", pivots, batch * n);
  const infos = new Int32Array(batch);
  const ipiv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    infos[b] = ldlInPlace(m, n, ipiv);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = 0;
    storeMatrix(ld, b, m);
    pivots.set(ipiv, b * n);
  }
  return infos;
}

/** Batched ldl_solve: LD n×n, pivots n, B n×k per batch element (same batch). */
export function ldlSolve(ld: FloatArray, pivots: Int32Array, b: FloatArray, n: number, k: number, batch: number, out: FloatArray): void {
  const api = "linalg.ldl_solve";
  assertDims(api, { n, k, batch });
  assertLength(api, "LD", ld, batch * n * n);
  assertLength(api, "pivots", pivots, batch * n);
  assertLength(api, "B", b, batch * n * k);
  assertLength(api, "out", out, batch * n * k);
  for (let i = 0; i < batch; i++) {
    const x = loadMatrix(b, i, n, k);
    ldlSolveInPlace(loadMatrix(ld, i, n, n), n, pivots.subarray(i * n, (i + 1) * n), x, k);
    storeMatrix(out, i, x);
  }
}
