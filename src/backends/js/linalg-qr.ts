// Householder QR (LAPACK geqrf + orgqr), so Q and R carry LAPACK's signs, as PyTorch's do.

import { assertDims, assertLength, loadMatrix, storeMatrix, type FloatArray } from "./linalg-common.js";
import { applyReflectorLeft, makeReflector } from "./linalg-householder.js";

export type QrMode = "reduced" | "complete" | "r";

/**
 * geqrf on one m×n float64 matrix in place: R in the upper triangle, the reflectors' v[1:]
 * below it; returns the min(m, n) taus.
 */
export function householderQrInPlace(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const t = makeReflector(a, i * n + i, (i + 1) * n + i, n, m - i);
    tau[i] = t;
    applyReflectorLeft(a, n, i, m - i, i + 1, n, t, a, (i + 1) * n + i, n);
  }
  return tau;
}

/**
 * orgqr: the first `qCols` columns of Q = H(0) H(1) ... H(k-1), from the reflectors that
 * `householderQrInPlace` left in `a` (m×n). Returns Q as an m×qCols row-major array.
 */
export function formQ(a: Float64Array, m: number, n: number, tau: Float64Array, qCols: number): Float64Array {
  const k = tau.length;
  const q = new Float64Array(m * qCols);
  for (let i = 0; i < Math.min(m, qCols); i++) q[i * qCols + i] = 1;
  for (let i = k - 1; i >= 0; i--) {
    // Columns before i are still unit vectors that H(i) leaves alone.
    applyReflectorLeft(q, qCols, i, m - i, i, qCols, tau[i], a, (i + 1) * n + i, n);
  }
  return q;
}

/**
 * Batched geqrf (torch.geqrf): `out` receives each m×n matrix factored in place (R on and above
 * the diagonal, the reflectors' v[1:] below it), `tau` its min(m, n) taus.
 */
export function geqrf(a: FloatArray, m: number, n: number, batch: number, out: FloatArray, tau: FloatArray): void {
  const api = "geqrf";
  assertDims(api, { m, n, batch });
  const k = Math.min(m, n);
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "out", out, batch * m * n);
  assertLength(api, "tau", tau, batch * k);
  for (let b = 0; b < batch; b++) {
    const w = loadMatrix(a, b, m, n);
    const t = householderQrInPlace(w, m, n);
    storeMatrix(out, b, w);
    storeMatrix(tau, b, t);
  }
}

/** Matrix shapes of torch.linalg.qr's outputs for an m×n input (mode "r" returns an empty Q of shape [0]). */
export function qrShapes(m: number, n: number, mode: QrMode): { q: number[]; r: [number, number] } {
  const k = Math.min(m, n);
  if (mode === "complete") return { q: [m, m], r: [m, n] };
  if (mode === "r") return { q: [0], r: [k, n] };
  return { q: [m, k], r: [k, n] };
}

/**
 * Batched torch.linalg.qr. `q` receives Q (m×k reduced, m×m complete; ignored and may be
 * null for mode "r"), `r` receives R (k×n reduced / "r", m×n complete), k = min(m, n).
 */
export function qr(a: FloatArray, m: number, n: number, batch: number, mode: QrMode, q: FloatArray | null, r: FloatArray): void {
  const api = "linalg.qr";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new Error(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  assertDims(api, { m, n, batch });
  const k = Math.min(m, n);
  const qCols = mode === "complete" ? m : k;
  const rRows = mode === "complete" ? m : k;
  assertLength(api, "A", a, batch * m * n);
  assertLength(api, "R", r, batch * rRows * n);
  if (mode !== "r") {
    if (q === null) throw new Error(`${api}: mode '${mode}' needs an output for Q`);
    assertLength(api, "Q", q, batch * m * qCols);
  }
  for (let b = 0; b < batch; b++) {
    const w = loadMatrix(a, b, m, n);
    const tau = householderQrInPlace(w, m, n);
    const rm = new Float64Array(rRows * n);
    for (let i = 0; i < Math.min(rRows, m); i++) for (let j = i; j < n; j++) rm[i * n + j] = w[i * n + j];
    storeMatrix(r, b, rm);
    if (mode !== "r" && q !== null) storeMatrix(q, b, formQ(w, m, n, tau, qCols));
  }
}
