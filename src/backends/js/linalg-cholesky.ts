// Cholesky factorization (LAPACK potrf): A = L Lᵀ reading only the lower triangle, or
// A = Uᵀ U reading only the upper triangle.

import { assertDims, assertLength, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";

/**
 * Overwrites the lower triangle of the n×n float64 `a` with L and zeroes the strict upper
 * triangle. Returns 0, or the order of the first leading minor that is not positive-definite
 * (LAPACK's info); the factorization stops there.
 */
export function choleskyLowerInPlace(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let ajj = a[rj + j];
    for (let k = 0; k < j; k++) ajj -= a[rj + k] * a[rj + k];
    if (!(ajj > 0)) {
      a[rj + j] = ajj;
      zeroUpper(a, n);
      return j + 1;
    }
    const ljj = Math.sqrt(ajj);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  zeroUpper(a, n);
  return 0;
}

function zeroUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
}

/**
 * Batched Cholesky (torch.linalg.cholesky): `out` gets L, or U = Lᵀ when `upper` (then the
 * upper triangle of A is the one read). Returns the info of each batch element.
 */
export function cholesky(a: FloatArray, n: number, batch: number, out: FloatArray, upper = false): Int32Array {
  assertDims("linalg.cholesky", { n, batch });
  assertLength("linalg.cholesky", "A", a, batch * n * n);
  assertLength("linalg.cholesky", "out", out, batch * n * n);
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    if (upper) transposeSquareInPlace(m, n);
    infos[b] = choleskyLowerInPlace(m, n);
    if (upper) transposeSquareInPlace(m, n);
    storeMatrix(out, b, m);
  }
  return infos;
}

function transposeSquareInPlace(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = m[i * n + j];
      m[i * n + j] = m[j * n + i];
      m[j * n + i] = t;
    }
  }
}

/** Solves A X = B given A's Cholesky factor (torch.cholesky_solve); B is n×k. */
export function choleskySolve(
  factor: FloatArray,
  b: FloatArray,
  n: number,
  k: number,
  batch: number,
  out: FloatArray,
  upper = false,
): void {
  assertDims("cholesky_solve", { n, k, batch });
  assertLength("cholesky_solve", "L", factor, batch * n * n);
  assertLength("cholesky_solve", "B", b, batch * n * k);
  assertLength("cholesky_solve", "out", out, batch * n * k);
  for (let i = 0; i < batch; i++) {
    const l = loadMatrix(factor, i, n, n);
    if (upper) transposeSquareInPlace(l, n);
    const x = loadMatrix(b, i, n, k);
    // L y = b, then Lᵀ x = y.
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < r; c++) {
        const v = l[r * n + c];
        for (let j = 0; j < k; j++) x[r * k + j] -= v * x[c * k + j];
      }
      const d = l[r * n + r];
      for (let j = 0; j < k; j++) x[r * k + j] /= d;
    }
    for (let r = n - 1; r >= 0; r--) {
      for (let c = r + 1; c < n; c++) {
        const v = l[c * n + r];
        for (let j = 0; j < k; j++) x[r * k + j] -= v * x[c * k + j];
      }
      const d = l[r * n + r];
      for (let j = 0; j < k; j++) x[r * k + j] /= d;
    }
    storeMatrix(out, i, x);
  }
}
