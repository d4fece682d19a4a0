// Dense complex linear algebra on interleaved (re, im) arrays: entry (i, j) of a rows×cols
// row-major matrix is at 2 (i cols + j). Kernels compute in float64 (complex64 input is read
// into float64 working copies and rounded on store), as the real kernels in linalg-lu.ts do.
// This file: LU with partial pivoting (LAPACK zgetrf: the pivot is the first entry of largest
// |re| + |im|, izamax's measure) and what is built on it (det, slogdet, inv, solve), triangular
// solves and Cholesky (zpotrf).

import { assertDims, assertLength, complexDivide, hypot2, type FloatArray } from "./linalg-common.js";

/** Copies complex matrix `index` (rows×cols) of an interleaved batch into a fresh float64 array. */
export function loadComplex(src: FloatArray, index: number, rows: number, cols: number): Float64Array {
  const size = 2 * rows * cols;
  const out = new Float64Array(size);
  const base = index * size;
  for (let i = 0; i < size; i++) out[i] = src[base + i]!;
  return out;
}

/** Writes an interleaved float64 matrix into slot `index` of a batched output (rounding for float32). */
export function storeComplex(dst: FloatArray, index: number, m: Float64Array, size: number = m.length): void {
  const base = index * size;
  for (let i = 0; i < size; i++) dst[base + i] = m[i]!;
}

/** The transpose (conjugated when `conj`) of an interleaved rows×cols matrix. */
export function ctranspose(m: Float64Array, rows: number, cols: number, conj: boolean): Float64Array {
  const t = new Float64Array(2 * rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const im = m[2 * (i * cols + j) + 1]!;
      t[2 * (j * rows + i)] = m[2 * (i * cols + j)]!;
      // 0 - im: a zero imaginary part stays +0 (LAPACK's conjugates print as PyTorch's).
      t[2 * (j * rows + i) + 1] = conj ? 0 - im : im;
    }
  }
  return t;
}

/**
 * zgetrf on one rows×cols interleaved matrix in place: L (unit, below the diagonal) and U;
 * `piv` gets min(rows, cols) 0-based row swaps. Returns 0 or the 1-based index of the first
 * exactly-zero pivot (the factorization still completes, as LAPACK's).
 */
export function complexLuInPlace(a: Float64Array, rows: number, cols: number, piv: Int32Array): number {
  let info = 0;
  const steps = Math.min(rows, cols);
  for (let k = 0; k < steps; k++) {
    let p = k;
    let best = Math.abs(a[2 * (k * cols + k)]!) + Math.abs(a[2 * (k * cols + k) + 1]!);
    for (let i = k + 1; i < rows; i++) {
      const v = Math.abs(a[2 * (i * cols + k)]!) + Math.abs(a[2 * (i * cols + k) + 1]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    const pr = a[2 * (p * cols + k)]!;
    const pi = a[2 * (p * cols + k) + 1]!;
    if (pr === 0 && pi === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < 2 * cols; j++) {
        const t = a[2 * k * cols + j]!;
        a[2 * k * cols + j] = a[2 * p * cols + j]!;
        a[2 * p * cols + j] = t;
      }
    }
    for (let i = k + 1; i < rows; i++) {
      const at = 2 * (i * cols + k);
      const [lr, li] = complexDivide(a[at]!, a[at + 1]!, pr, pi);
      a[at] = lr;
      a[at + 1] = li;
      if (lr === 0 && li === 0) continue;
      for (let j = k + 1; j < cols; j++) {
        const u = 2 * (k * cols + j);
        const x = 2 * (i * cols + j);
        const ur = a[u]!, ui = a[u + 1]!;
        a[x] -= lr * ur - li * ui;
        a[x + 1] -= lr * ui + li * ur;
      }
    }
  }
  return info;
}

/** How a factored M = P L U is applied: M X = B, Mᵀ X = B or Mᴴ X = B. */
export type Trans = "N" | "T" | "C";

/** b[i] -= f · b[r] over the k columns of the interleaved n×k right-hand side. */
function axpyRow(b: Float64Array, k: number, i: number, r: number, fr: number, fi: number): void {
  if (fr === 0 && fi === 0) return;
  for (let j = 0; j < k; j++) {
    const s = 2 * (r * k + j), d = 2 * (i * k + j);
    const br = b[s]!, bi = b[s + 1]!;
    b[d] -= fr * br - fi * bi;
    b[d + 1] -= fr * bi + fi * br;
  }
}

function divRow(b: Float64Array, k: number, i: number, dr: number, di: number): void {
  for (let j = 0; j < k; j++) {
    const d = 2 * (i * k + j);
    const [xr, xi] = complexDivide(b[d]!, b[d + 1]!, dr, di);
    b[d] = xr;
    b[d + 1] = xi;
  }
}

function swapRows(b: Float64Array, k: number, i: number, p: number): void {
  for (let j = 0; j < 2 * k; j++) {
    const t = b[2 * i * k + j]!;
    b[2 * i * k + j] = b[2 * p * k + j]!;
    b[2 * p * k + j] = t;
  }
}

/** zgetrs in place: solves op(M) X = B for an interleaved n×k B, M = P L U factored in `lu`. */
export function complexLuSolveInPlace(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array, k: number, trans: Trans): void {
  const at = (i: number, j: number): [number, number] => {
    const p = 2 * (i * n + j);
    return [lu[p]!, trans === "C" ? -lu[p + 1]! : lu[p + 1]!];
  };
  if (trans === "N") {
    for (let i = 0; i < n; i++) if (piv[i] !== i) swapRows(b, k, i, piv[i]!);
    for (let i = 1; i < n; i++) for (let r = 0; r < i; r++) axpyRow(b, k, i, r, ...at(i, r));
    for (let i = n - 1; i >= 0; i--) {
      for (let r = i + 1; r < n; r++) axpyRow(b, k, i, r, ...at(i, r));
      divRow(b, k, i, ...at(i, i));
    }
    return;
  }
  // op(M) = op(U) op(L) Pᵀ: op(U) is lower, op(L) unit upper, then the swaps in reverse.
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < i; r++) axpyRow(b, k, i, r, ...at(r, i));
    divRow(b, k, i, ...at(i, i));
  }
  for (let i = n - 2; i >= 0; i--) for (let r = i + 1; r < n; r++) axpyRow(b, k, i, r, ...at(r, i));
  for (let i = n - 1; i >= 0; i--) if (piv[i] !== i) swapRows(b, k, i, piv[i]!);
}

/**
 * Factors A for a solve as PyTorch hands it to LAPACK (see linalg-lu.ts factorForSolve): a
 * row-major A is factored as its (unconjugated) transpose and solved with trans = "T".
 */
function factorForSolve(m: Float64Array, n: number, piv: Int32Array, factorTransposed: boolean): number {
  if (factorTransposed) m.set(ctranspose(m, n, n, false));
  return complexLuInPlace(m, n, n, piv);
}

/** Batched zgetrf (torch.linalg.lu_factor): packed L\U and 1-based pivots; returns the infos. */
export function complexLuFactor(a: FloatArray, rows: number, cols: number, batch: number, lu: FloatArray, pivots: Int32Array): Int32Array {
  assertDims("linalg.lu_factor", { rows, cols, batch });
  const k = Math.min(rows, cols);
  assertLength("linalg.lu_factor", "A", a, batch * 2 * rows * cols);
  const infos = new Int32Array(batch);
  const piv = new Int32Array(k);
  for (let b = 0; b < batch; b++) {
    const m = loadComplex(a, b, rows, cols);
    infos[b] = complexLuInPlace(m, rows, cols, piv);
    storeComplex(lu, b, m);
    for (let i = 0; i < k; i++) pivots[b * k + i] = piv[i]! + 1;
  }
  return infos;
}

function permutationSign(piv: Int32Array): number {
  let s = 1;
  for (let i = 0; i < piv.length; i++) if (piv[i] !== i) s = -s;
  return s;
}

/** Batched determinants: out gets (re, im) per matrix. */
export function complexDet(a: FloatArray, n: number, batch: number, out: FloatArray): void {
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadComplex(a, b, n, n);
    complexLuInPlace(m, n, n, piv);
    let re = permutationSign(piv), im = 0;
    for (let i = 0; i < n; i++) {
      const ur = m[2 * (i * n + i)]!, ui = m[2 * (i * n + i) + 1]!;
      [re, im] = [re * ur - im * ui, re * ui + im * ur];
    }
    out[2 * b] = re;
    out[2 * b + 1] = im;
  }
}

/**
 * Batched slogdet: `sign` gets det / |det| (complex, 0 for a singular matrix), `logabsdet`
 * log |det| (real, -inf for a singular matrix), from the LU's diagonal as PyTorch.
 */
export function complexSlogdet(a: FloatArray, n: number, batch: number, sign: FloatArray, logabsdet: FloatArray): void {
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadComplex(a, b, n, n);
    complexLuInPlace(m, n, n, piv);
    let sr = permutationSign(piv), si = 0, log = 0;
    for (let i = 0; i < n; i++) {
      const ur = m[2 * (i * n + i)]!, ui = m[2 * (i * n + i) + 1]!;
      const abs = hypot2(ur, ui);
      log += Math.log(abs);
      const pr = abs === 0 ? 0 : ur / abs, pi = abs === 0 ? 0 : ui / abs;
      [sr, si] = [sr * pr - si * pi, sr * pi + si * pr];
    }
    sign[2 * b] = sr;
    sign[2 * b + 1] = si;
    logabsdet[b] = log;
  }
}

/** Batched inverse (A X = I through zgetrf + zgetrs); returns the infos. */
export function complexInv(a: FloatArray, n: number, batch: number, out: FloatArray, factorTransposed = true): Int32Array {
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) {
    const m = loadComplex(a, b, n, n);
    infos[b] = factorForSolve(m, n, piv, factorTransposed);
    const x = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++) x[2 * (i * n + i)] = 1;
    complexLuSolveInPlace(m, n, piv, x, n, factorTransposed ? "T" : "N");
    storeComplex(out, b, x);
  }
  return infos;
}

/** Batched A X = B (A n×n, B n×k per batch element); returns the infos. */
export function complexSolve(a: FloatArray, b: FloatArray, n: number, k: number, batch: number, out: FloatArray, factorTransposed = true): Int32Array {
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let i = 0; i < batch; i++) {
    const m = loadComplex(a, i, n, n);
    infos[i] = factorForSolve(m, n, piv, factorTransposed);
    const x = loadComplex(b, i, n, k);
    complexLuSolveInPlace(m, n, piv, x, k, factorTransposed ? "T" : "N");
    storeComplex(out, i, x);
  }
  return infos;
}

/** zgetrf's info per matrix, factoring as complexInv / complexSolve do. */
export function complexLuInfo(a: FloatArray, n: number, batch: number, factorTransposed = true): Int32Array {
  const infos = new Int32Array(batch);
  const piv = new Int32Array(n);
  for (let b = 0; b < batch; b++) infos[b] = factorForSolve(loadComplex(a, b, n, n), n, piv, factorTransposed);
  return infos;
}

/** Solves with a packed LU and 1-based pivots (torch.linalg.lu_solve): A X = B, or Aᴴ X = B when `adjoint`. */
export function complexLuSolve(lu: FloatArray, pivots: Int32Array, b: FloatArray, n: number, k: number, batch: number, out: FloatArray, trans: Trans): void {
  const piv = new Int32Array(n);
  for (let i = 0; i < batch; i++) {
    const m = loadComplex(lu, i, n, n);
    for (let r = 0; r < n; r++) piv[r] = pivots[i * n + r]! - 1;
    const x = loadComplex(b, i, n, k);
    complexLuSolveInPlace(m, n, piv, x, k, trans);
    storeComplex(out, i, x);
  }
}

/** In place: T X = B for an n×n triangular T (only its `upper` or lower triangle read), B n×k. */
export function complexTriangularSolveLeft(t: Float64Array, n: number, b: Float64Array, k: number, upper: boolean, unit: boolean): void {
  const at = (i: number, j: number): [number, number] => [t[2 * (i * n + j)]!, t[2 * (i * n + j) + 1]!];
  if (upper) {
    for (let i = n - 1; i >= 0; i--) {
      for (let r = i + 1; r < n; r++) axpyRow(b, k, i, r, ...at(i, r));
      if (!unit) divRow(b, k, i, ...at(i, i));
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < i; r++) axpyRow(b, k, i, r, ...at(i, r));
      if (!unit) divRow(b, k, i, ...at(i, i));
    }
  }
}

/** Batched torch.linalg.solve_triangular on interleaved matrices (X A = B when !left). */
export function complexTriangularSolve(
  a: FloatArray, b: FloatArray, n: number, rows: number, cols: number, batch: number, out: FloatArray,
  upper: boolean, left: boolean, unit: boolean,
): void {
  for (let i = 0; i < batch; i++) {
    const t = loadComplex(a, i, n, n);
    const x = loadComplex(b, i, rows, cols);
    if (left) complexTriangularSolveLeft(t, n, x, cols, upper, unit);
    else {
      // X A = B  <=>  Aᵀ Xᵀ = Bᵀ (plain transposes), and Aᵀ has the other triangle.
      const xt = ctranspose(x, rows, cols, false);
      complexTriangularSolveLeft(ctranspose(t, n, n, false), n, xt, rows, !upper, unit);
      x.set(ctranspose(xt, cols, rows, false));
    }
    storeComplex(out, i, x);
  }
}

/**
 * zpotrf (lower) in place on an interleaved n×n matrix: L with A = L Lᴴ from A's lower
 * triangle (the diagonal's imaginary parts ignored); the strict upper triangle is zeroed.
 * Returns 0 or the order of the first leading minor that is not positive-definite.
 */
export function complexCholeskyLowerInPlace(a: Float64Array, n: number): number {
  let info = 0;
  for (let j = 0; j < n && info === 0; j++) {
    let ajj = a[2 * (j * n + j)]!;
    for (let k = 0; k < j; k++) {
      const p = 2 * (j * n + k);
      ajj -= a[p]! * a[p]! + a[p + 1]! * a[p + 1]!;
    }
    if (!(ajj > 0)) {
      a[2 * (j * n + j)] = ajj;
      a[2 * (j * n + j) + 1] = 0;
      info = j + 1;
      break;
    }
    const ljj = Math.sqrt(ajj);
    a[2 * (j * n + j)] = ljj;
    a[2 * (j * n + j) + 1] = 0;
    for (let i = j + 1; i < n; i++) {
      let sr = a[2 * (i * n + j)]!, si = a[2 * (i * n + j) + 1]!;
      for (let k = 0; k < j; k++) {
        // s -= L[i,k] conj(L[j,k])
        const p = 2 * (i * n + k), q = 2 * (j * n + k);
        const xr = a[p]!, xi = a[p + 1]!, yr = a[q]!, yi = a[q + 1]!;
        sr -= xr * yr + xi * yi;
        si -= xi * yr - xr * yi;
      }
      a[2 * (i * n + j)] = sr / ljj;
      a[2 * (i * n + j) + 1] = si / ljj;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[2 * (i * n + j)] = a[2 * (i * n + j) + 1] = 0;
  return info;
}

/** Batched complex Cholesky: L (A = L Lᴴ), or U = Lᴴ reading A's upper triangle when `upper`. */
export function complexCholesky(a: FloatArray, n: number, batch: number, out: FloatArray, upper: boolean): Int32Array {
  const infos = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let m = loadComplex(a, b, n, n);
    // Aᴴ's lower triangle is A's upper one conjugated: factor it, U = Lᴴ.
    if (upper) m = ctranspose(m, n, n, true);
    infos[b] = complexCholeskyLowerInPlace(m, n);
    if (upper) m = ctranspose(m, n, n, true);
    storeComplex(out, b, m);
  }
  return infos;
}
