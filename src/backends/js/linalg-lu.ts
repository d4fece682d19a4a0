// LU with partial pivoting (LAPACK getrf: the pivot is the first entry of largest |a| in the
// column) and what is built on it: det, slogdet, inv, solve; plus triangular solves.

import { assertDims, assertLength, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";

/**
 * Factors one n×n float64 matrix in place into L (unit lower, below the diagonal) and U
 * (upper). `piv[i]` is the 0-based row swapped with row i at step i. Returns LAPACK's info:
 * 0, or the 1-based index of the first exactly-zero pivot (the factorization still completes).
 */
export function luInPlace(a: Float64Array, n: number, piv: Int32Array): number {
  return luRectInPlace(a, n, n, piv);
}

/**
 * getrf on one rows×cols row-major matrix: min(rows, cols) elimination steps, L (rows×k, unit)
 * below the diagonal and U (k×cols) on and above it; `piv` gets k 0-based row swaps.
 */
export function luRectInPlace(a: Float64Array, rows: number, cols: number, piv: Int32Array): number {
  let info = 0;
  const steps = Math.min(rows, cols);
  for (let k = 0; k < steps; k++) {
    let p = k;
    let best = Math.abs(a[k * cols + k]);
    for (let i = k + 1; i < rows; i++) {
      const v = Math.abs(a[i * cols + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (a[p * cols + k] === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < cols; j++) {
        const t = a[k * cols + j];
        a[k * cols + j] = a[p * cols + j];
        a[p * cols + j] = t;
      }
    }
    const pivot = a[k * cols + k];
    for (let i = k + 1; i < rows; i++) {
      const l = a[i * cols + k] / pivot;
      a[i * cols + k] = l;
      if (l === 0) continue;
      const ri = i * cols;
      const rk = k * cols;
      for (let j = k + 1; j < cols; j++) a[ri + j] -= l * a[rk + j];
    }
  }
  return info;
}

/** Solves (LU) X = P B in place for an n×k right-hand side held row-major in `b`. */
export function luSolveInPlace(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array, k: number): void {
  for (let i = 0; i < n; i++) {
    const p = piv[i];
    if (p !== i) {
      for (let j = 0; j < k; j++) {
        const t = b[i * k + j];
        b[i * k + j] = b[p * k + j];
        b[p * k + j] = t;
      }
    }
  }
  for (let i = 1; i < n; i++) {
    for (let r = 0; r < i; r++) {
      const l = lu[i * n + r];
      if (l === 0) continue;
      for (let j = 0; j < k; j++) b[i * k + j] -= l * b[r * k + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const u = lu[i * n + r];
      if (u === 0) continue;
      for (let j = 0; j < k; j++) b[i * k + j] -= u * b[r * k + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < k; j++) b[i * k + j] /= d;
  }
}

/**
 * Solves Mᵀ X = B in place, where LU and piv factor M (getrs with trans = "T"): Uᵀ, then Lᵀ,
 * then the row swaps in reverse order.
 */
export function luSolveTransposedInPlace(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array, k: number): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < i; r++) {
      const u = lu[r * n + i];
      if (u === 0) continue;
      for (let j = 0; j < k; j++) b[i * k + j] -= u * b[r * k + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < k; j++) b[i * k + j] /= d;
  }
  for (let i = n - 2; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const l = lu[r * n + i];
      if (l === 0) continue;
      for (let j = 0; j < k; j++) b[i * k + j] -= l * b[r * k + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const p = piv[i];
    if (p !== i) {
      for (let j = 0; j < k; j++) {
        const t = b[i * k + j];
        b[i * k + j] = b[p * k + j];
        b[p * k + j] = t;
      }
    }
  }
}

/**
 * Factors A (n×n) for a solve the way PyTorch does: a row-major (C-contiguous) A is handed to
 * LAPACK as its column-major transpose, so getrf factors Aᵀ and getrs solves with trans = "T";
 * for a column-major (transposed-view) A it factors A itself. The factorization chosen decides
 * which pivot is reported as zero for a singular A. Returns LAPACK's info.
 */
function factorForSolve(m: Float64Array, n: number, piv: Int32Array, factorTransposed: boolean): number {
  if (factorTransposed) m.set(transpose(m, n, n));
  return luInPlace(m, n, piv);
}

function solveFactored(m: Float64Array, n: number, piv: Int32Array, x: Float64Array, k: number, factorTransposed: boolean): void {
  if (factorTransposed) luSolveTransposedInPlace(m, n, piv, x, k);
  else luSolveInPlace(m, n, piv, x, k);
}

/**
 * Batched LU factorization (torch.linalg.lu_factor) of rows×cols matrices: `lu` receives L\U
 * packed like LAPACK, `pivots` PyTorch's 1-based pivots (min(rows, cols) per matrix). Returns the
 * info of each batch element.
 */
export function luFactor(a: FloatArray, rows: number, cols: number, batch: number, lu: FloatArray, pivots: Int32Array): Int32Array {
  assertDims("lu_factor", { rows, cols, batch });
  const k = Math.min(rows, cols);
  assertLength("lu_factor", "A", a, batch * rows * cols);
  assertLength("lu_factor", "LU", lu, batch * rows * cols);
  assertLength("lu_factor", "pivots", pivots, batch * k);
  const infos = new Int32Array(batch);
  const piv = new Int32Array(k);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, rows, cols);
    infos[b] = luRectInPlace(m, rows, cols, piv);
    storeMatrix(lu, b, m);
    for (let i = 0; i < k; i++) pivots[b * k + i] = piv[i] + 1;
  }
  return infos;
}

/** det(A) = sign(P) · prod(diag U), as PyTorch computes it (a singular A gives ±0). */
export function det(a: FloatArray, n: number, batch: number, out: FloatArray): void {
  assertDims("linalg.det", { n, batch });
  assertLength("linalg.det", "A", a, batch * n * n);
  assertLength("linalg.det", "out", out, batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    luInPlace(m, n, piv);
    let d = permutationSign(piv);
    for (let i = 0; i < n; i++) d *= m[i * n + i];
    out[b] = d;
  }
}

/**
 * slogdet: `sign` gets ±1 (±0 for a singular matrix, as PyTorch), `logabsdet` log|det|
 * (-inf when singular), summed in log space so it does not overflow.
 */
export function slogdet(a: FloatArray, n: number, batch: number, sign: FloatArray, logabsdet: FloatArray): void {
  assertDims("linalg.slogdet", { n, batch });
  assertLength("linalg.slogdet", "A", a, batch * n * n);
  assertLength("linalg.slogdet", "sign", sign, batch);
  assertLength("linalg.slogdet", "logabsdet", logabsdet, batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    luInPlace(m, n, piv);
    let s = permutationSign(piv);
    let log = 0;
    for (let i = 0; i < n; i++) {
      const u = m[i * n + i];
      if (u < 0) s = -s;
      else if (u === 0) s *= 0;
      else if (Number.isNaN(u)) s = Number.NaN;
      log += Math.log(Math.abs(u));
    }
    sign[b] = s;
    logabsdet[b] = log;
  }
}

function permutationSign(piv: Int32Array): number {
  let s = 1;
  for (let i = 0; i < piv.length; i++) if (piv[i] !== i) s = -s;
  return s;
}

/**
 * Inverse through LU (getrf + getrs on the identity, as torch.linalg.inv, which solves
 * A X = I). Returns the info of each batch element; a positive info k means U[k,k] is zero
 * ("The diagonal element k is zero"). `factorTransposed`: see `factorForSolve` (true for a
 * row-major input, as PyTorch does for a contiguous tensor).
 */
export function inv(a: FloatArray, n: number, batch: number, out: FloatArray, factorTransposed = true): Int32Array {
  assertDims("linalg.inv", { n, batch });
  assertLength("linalg.inv", "A", a, batch * n * n);
  assertLength("linalg.inv", "out", out, batch * n * n);
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadMatrix(a, b, n, n);
    infos[b] = factorForSolve(m, n, piv, factorTransposed);
    const x = new Float64Array(n * n);
    for (let i = 0; i < n; i++) x[i * n + i] = 1;
    solveFactored(m, n, piv, x, n, factorTransposed);
    storeMatrix(out, b, x);
  }
  return infos;
}

/**
 * Solves A X = B for `batch` pairs: A is n×n, B is n×k (a batch of vectors is k = 1).
 * Returns the info of each batch element (positive: A is singular). `factorTransposed`: see
 * `factorForSolve`.
 */
export function solve(
  a: FloatArray,
  b: FloatArray,
  n: number,
  k: number,
  batch: number,
  out: FloatArray,
  factorTransposed = true,
): Int32Array {
  assertDims("linalg.solve", { n, k, batch });
  assertLength("linalg.solve", "A", a, batch * n * n);
  assertLength("linalg.solve", "B", b, batch * n * k);
  assertLength("linalg.solve", "out", out, batch * n * k);
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let i = 0; i < batch; i++) {
    const m = loadMatrix(a, i, n, n);
    infos[i] = factorForSolve(m, n, piv, factorTransposed);
    const x = loadMatrix(b, i, n, k);
    solveFactored(m, n, piv, x, k, factorTransposed);
    storeMatrix(out, i, x);
  }
  return infos;
}

/**
 * LAPACK's getrf info for each matrix, factoring as `inv`/`solve` do (see `factorForSolve`):
 * 0, or the 1-based index of the first zero pivot. Lets an op report singular inputs by their
 * own batch index before solving broadcast copies.
 */
export function luInfo(a: FloatArray, n: number, batch: number, factorTransposed = true): Int32Array {
  assertDims("lu_factor", { n, batch });
  assertLength("lu_factor", "A", a, batch * n * n);
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) infos[b] = factorForSolve(loadMatrix(a, b, n, n), n, piv, factorTransposed);
  return infos;
}

/**
 * Solves with a packed LU and 1-based pivots from `luFactor` (torch.linalg.lu_solve with
 * left = true): A X = B, or Aᴴ X = B (= Aᵀ X = B here) when `adjoint`.
 */
export function luSolve(
  lu: FloatArray,
  pivots: Int32Array,
  b: FloatArray,
  n: number,
  k: number,
  batch: number,
  out: FloatArray,
  adjoint = false,
): void {
  assertDims("linalg.lu_solve", { n, k, batch });
  assertLength("linalg.lu_solve", "LU", lu, batch * n * n);
  assertLength("linalg.lu_solve", "pivots", pivots, batch * n);
  assertLength("linalg.lu_solve", "B", b, batch * n * k);
  assertLength("linalg.lu_solve", "out", out, batch * n * k);
  for (let i = 0; i < batch * n; i++) {
    const p = pivots[i];
    if (!(p >= 1 && p <= n)) throw new Error(`linalg.lu_solve: pivots[${i % n}] = ${p} is out of range [1, ${n}]`);
  }
  const piv = new Int32Array(n);
  for (let i = 0; i < batch; i++) {
    const m = loadMatrix(lu, i, n, n);
    for (let r = 0; r < n; r++) piv[r] = pivots[i * n + r] - 1;
    const x = loadMatrix(b, i, n, k);
    solveFactored(m, n, piv, x, k, adjoint);
    storeMatrix(out, i, x);
  }
}

export interface TriangularSolveOptions {
  /** A is upper triangular (else lower); only that triangle is read. */
  upper: boolean;
  /** Solve A X = B (true) or X A = B (false). */
  left?: boolean;
  /** Take the diagonal of A as ones. */
  unitriangular?: boolean;
}

/**
 * torch.linalg.solve_triangular: A is n×n, B is rows×cols (rows = n when left, cols = n when
 * right). Division by a zero diagonal gives inf/nan, as LAPACK trtrs's BLAS part does.
 */
export function triangularSolve(
  a: FloatArray,
  b: FloatArray,
  n: number,
  rows: number,
  cols: number,
  batch: number,
  out: FloatArray,
  options: TriangularSolveOptions,
): void {
  const left = options.left ?? true;
  const api = "linalg.solve_triangular";
  assertDims(api, { n, rows, cols, batch });
  if ((left ? rows : cols) !== n) {
    throw new Error(`${api}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${rows}x${cols})`);
  }
  assertLength(api, "A", a, batch * n * n);
  assertLength(api, "B", b, batch * rows * cols);
  assertLength(api, "out", out, batch * rows * cols);
  const unit = options.unitriangular ?? false;
  for (let i = 0; i < batch; i++) {
    const t = loadMatrix(a, i, n, n);
    const x = loadMatrix(b, i, rows, cols);
    if (left) triangularSolveLeft(t, n, x, cols, options.upper, unit);
    else {
      // X A = B  <=>  Aᵀ Xᵀ = Bᵀ, and Aᵀ has the other triangle.
      const at = transpose(t, n, n);
      const xt = transpose(x, rows, cols);
      triangularSolveLeft(at, n, xt, rows, !options.upper, unit);
      x.set(transpose(xt, cols, rows));
    }
    storeMatrix(out, i, x);
  }
}

/** In place: solves T X = B, T n×n triangular, B n×k. */
export function triangularSolveLeft(t: Float64Array, n: number, b: Float64Array, k: number, upper: boolean, unit: boolean): void {
  if (upper) {
    for (let i = n - 1; i >= 0; i--) {
      for (let r = i + 1; r < n; r++) {
        const u = t[i * n + r];
        if (u === 0) continue;
        for (let j = 0; j < k; j++) b[i * k + j] -= u * b[r * k + j];
      }
      if (!unit) {
        const d = t[i * n + i];
        for (let j = 0; j < k; j++) b[i * k + j] /= d;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < i; r++) {
        const l = t[i * n + r];
        if (l === 0) continue;
        for (let j = 0; j < k; j++) b[i * k + j] -= l * b[r * k + j];
      }
      if (!unit) {
        const d = t[i * n + i];
        for (let j = 0; j < k; j++) b[i * k + j] /= d;
      }
    }
  }
}

export function transpose(m: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}
