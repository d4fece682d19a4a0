// Shared pieces of the dense linear-algebra kernels: array types, float64 working copies,
// LAPACK-style status codes and PyTorch's error texts for them.

export type FloatArray = Float32Array | Float64Array;

/** LAPACK's machine constants for float64 (dlamch 'E' and 'S'). */
export const EPS = 2 ** -53;
export const SAFMIN = 2 ** -1022;

/** Copies matrix `index` (rows×cols, row-major) of a batch into a fresh float64 array. */
export function loadMatrix(src: FloatArray, index: number, rows: number, cols: number): Float64Array {
  const size = rows * cols;
  const out = new Float64Array(size);
  const base = index * size;
  for (let i = 0; i < size; i++) out[i] = src[base + i];
  return out;
}

/** Writes a float64 matrix into slot `index` of a batched output (rounding for float32). */
export function storeMatrix(dst: FloatArray, index: number, m: Float64Array, size: number = m.length): void {
  const base = index * size;
  for (let i = 0; i < size; i++) dst[base + i] = m[i];
}

/** Fortran's SIGN(a, b): |a| with the sign of b (-0 counts as negative, as gfortran does). */
export function fsign(a: number, b: number): number {
  const mag = Math.abs(a);
  return b > 0 || (b === 0 && !Object.is(b, -0)) ? mag : -mag;
}

/** sqrt(x² + y²) without avoidable overflow (LAPACK dlapy2). */
export function hypot2(x: number, y: number): number {
  const xa = Math.abs(x);
  const ya = Math.abs(y);
  const w = Math.max(xa, ya);
  const z = Math.min(xa, ya);
  if (z === 0 || w > Number.MAX_VALUE) return w;
  return w * Math.sqrt(1 + (z / w) * (z / w));
}

export function assertLength(api: string, name: string, arr: { length: number }, need: number): void {
  if (arr.length < need) {
    throw new Error(`${api}: ${name} holds ${arr.length} elements but ${need} are needed`);
  }
}

export function assertDims(api: string, dims: Record<string, number>): void {
  for (const [name, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${api}: ${name} must be a non-negative integer, got ${v}`);
  }
}

/** Which check of PyTorch's `_linalg_check_errors` a positive status code belongs to. */
export type LinalgFailure = "inv" | "solve" | "cholesky" | "eigh" | "svd" | "lstsq" | "lu_factor";

/**
 * PyTorch's text for a positive LAPACK status `info` of batch element `batchIndex`
 * (`batched`: the input had batch dimensions, which adds "(Batch element i)").
 */
export function linalgErrorMessage(
  api: string,
  kind: LinalgFailure,
  info: number,
  batchIndex: number,
  batched: boolean,
): string {
  const where = batched ? `${api}: (Batch element ${batchIndex})` : api;
  switch (kind) {
    case "inv":
      return `${where}: The diagonal element ${info} is zero, the inversion could not be completed because the input matrix is singular.`;
    case "solve":
      return `${where}: The solver failed because the input matrix is singular.`;
    case "cholesky":
      return `${where}: The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info} is not positive-definite).`;
    case "eigh":
      return `${where}: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: ${info}).`;
    case "svd":
      return `${where}: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: ${info}).`;
    case "lstsq":
      return `${where}: The least squares solution could not be computed because the input matrix does not have full rank (error code: ${info}).`;
    case "lu_factor":
      return `${where}: U[${info},${info}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`;
  }
}

/** Error thrown for a failed factorization; carries the batch element and LAPACK's info. */
export class LinalgError extends Error {
  constructor(
    message: string,
    readonly batchIndex: number,
    readonly info: number,
  ) {
    super(message);
    this.name = "LinalgError";
  }
}

/** Throws PyTorch's error for the first batch element whose status is non-zero. */
export function checkLinalgErrors(infos: Int32Array, api: string, kind: LinalgFailure, batched: boolean): void {
  for (let b = 0; b < infos.length; b++) {
    const info = infos[b];
    if (info > 0) throw new LinalgError(linalgErrorMessage(api, kind, info, b, batched), b, info);
    if (info < 0) throw new LinalgError(`${api}: Argument ${-info} has illegal value.`, b, info);
  }
}

/**
 * (a + ib) / (c + id) by Smith's algorithm (what LAPACK's dladiv computes, to rounding): no avoidable
 * overflow; a division by an exact zero is nan + nanj, as Fortran's and PyTorch's complex division.
 */
export function complexDivide(a: number, b: number, c: number, d: number): [number, number] {
  if (Math.abs(d) <= Math.abs(c)) {
    if (c === 0 && d === 0) return [NaN, NaN];
    const r = d / c;
    const den = c + d * r;
    return [(a + b * r) / den, (b - a * r) / den];
  }
  const r = c / d;
  const den = c * r + d;
  return [(a * r + b) / den, (b * r - a) / den];
}
