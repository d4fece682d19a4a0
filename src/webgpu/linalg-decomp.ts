// torch.linalg's QR, eigh and SVD on the "webgpu" device: the front end (src/ops/linalg.ts) keeps
// its argument checks, its autograd nodes and its compositions (pinv, matrix_rank, the 2 and
// nuclear norms); these entries replace its CPU kernels with the backend's
// (src/backends/webgpu/linalg-decomp.ts) on float32 batches of any batch shape and any strides.
// Nothing here reads values back.

import type { Tensor } from "../core/tensor.js";
import { float32 } from "../core/dtype.js";
import { householderQr, jacobiEigh, jacobiSvd } from "../backends/webgpu/linalg-decomp.js";
import { release, reshapeContiguous } from "../backends/webgpu/tensor.js";
import { eye, full } from "../ops/creation.js";
import { checkDevices } from "./pointwise.js";
import { gpuOf, wrap } from "./storage.js";

/** x (detached) as a contiguous [batch, rows, cols] float32 kernel operand. */
function batched(op: string, x: Tensor): ReturnType<typeof gpuOf> {
  if (x.dtype !== float32) throw new Error(`${op}: the 'webgpu' device decomposes float32 matrices, got ${x.dtype.name}`);
  const s = x.shape;
  const batch = s.slice(0, -2).reduce((a, v) => a * v, 1);
  return reshapeContiguous(gpuOf(x.detach().contiguous()), [batch, s[s.length - 2]!, s[s.length - 1]!]);
}

function out(t: ReturnType<typeof gpuOf>, shape: readonly number[]): Tensor {
  return wrap(reshapeContiguous(t, shape), float32);
}

/** Zeros of `shape`, or the identity in its last two dims, on x's device (results for empty inputs). */
function constant(x: Tensor, shape: readonly number[], identity = false): Tensor {
  if (!identity) return full([...shape], 0, { dtype: float32, device: x.device });
  const n = shape[shape.length - 1]!;
  return eye(n, { dtype: float32, device: x.device }).expand([...shape]).contiguous();
}

/**
 * torch.linalg.qr's Q and R of A [..., m, n] (Q m×k reduced, m×m complete; R k×n, m×n complete;
 * mode "r": no Q), with LAPACK's signs.
 */
export function gpuQr(A: Tensor, mode: "reduced" | "complete" | "r"): { Q: Tensor | null; R: Tensor } {
  checkDevices("linalg.qr", A);
  const s = A.shape;
  const batchShape = s.slice(0, -2);
  const m = s[s.length - 2]!, n = s[s.length - 1]!;
  const k = Math.min(m, n);
  const rRows = mode === "complete" ? m : k;
  const qCols = mode === "r" ? 0 : mode === "complete" ? m : k;
  if (A.numel() === 0) {
    return { Q: mode === "r" ? null : constant(A, [...batchShape, m, qCols], true), R: constant(A, [...batchShape, rRows, n]) };
  }
  const r = householderQr(batched("linalg.qr", A), rRows, qCols);
  return { Q: r.q ? out(r.q, [...batchShape, m, qCols]) : null, R: out(r.r, [...batchShape, rRows, n]) };
}

/** Eigenvalues [..., n] (ascending) and, with `vectors`, eigenvectors (columns) of A's UPLO triangle. */
export function gpuEigh(A: Tensor, upper: boolean, vectors: boolean): { L: Tensor; V: Tensor | null } {
  checkDevices("linalg.eigh", A);
  const s = A.shape;
  const n = s[s.length - 1]!;
  if (A.numel() === 0) return { L: constant(A, [...s.slice(0, -2), n]), V: vectors ? constant(A, s) : null };
  const r = jacobiEigh(batched("linalg.eigh", A), upper, vectors);
  return { L: out(r.values, [...s.slice(0, -2), n]), V: r.vectors ? out(r.vectors, s) : null };
}

/**
 * Singular values [..., k] (descending) and, with `vectors`, U and Vh (U m×k and Vh k×n, or m×m
 * and n×n with `full`). A wide matrix is decomposed through its transpose. U's columns beyond the
 * Jacobi ones (full matrices, zero singular values) come from a QR of them, which keeps the
 * nonzero ones and completes an orthonormal basis.
 */
export function gpuSvd(A: Tensor, full: boolean, vectors: boolean): { U: Tensor | null; S: Tensor; Vh: Tensor | null } {
  checkDevices("linalg.svd", A);
  const s = A.shape;
  const batchShape = s.slice(0, -2);
  const m = s[s.length - 2]!, n = s[s.length - 1]!;
  const k = Math.min(m, n);
  if (A.numel() === 0) {
    const S = constant(A, [...batchShape, k]);
    if (!vectors) return { U: null, S, Vh: null };
    return { U: constant(A, [...batchShape, m, full ? m : k], true), S, Vh: constant(A, [...batchShape, full ? n : k, n], true) };
  }
  const tall = m >= n;
  const big = Math.max(m, n);
  const r = jacobiSvd(batched("linalg.svd", tall ? A : A.mT), vectors);
  const S = out(r.s, [...batchShape, k]);
  if (!r.u || !r.v) return { U: null, S, Vh: null };
  // The Jacobi columns [.., big, k] completed by QR: [.., big, big] (full) or [.., big, k].
  const cols = full ? big : k;
  const completed = householderQr(r.u, k, cols, true);
  release(completed.r, r.u);
  const long = out(completed.q!, [...batchShape, big, cols]);
  const short = out(r.v, [...batchShape, k, k]);
  return tall ? { U: long, S, Vh: short.mT.contiguous() } : { U: short, S, Vh: long.mT.contiguous() };
}
