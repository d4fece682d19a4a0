// The complex64/complex128 paths of torch.linalg (not public API): linalg.ts checks the
// arguments as for real input, then hands a complex input here for its values. Values follow
// LAPACK's complex routines (kernels: backends/js/linalg-complex*.ts). No function here records a
// gradient node: each public op records the one backward it shares with real input, PyTorch's
// formula over conjugate transposes (linalg.ts, linalg-spectral-backward.ts, linalg-functions.ts,
// linalg-lu.ts).

import type { Tensor } from "../core/tensor.js";
import { realOf } from "../core/dtype.js";
import * as C from "../backends/js/linalg-complex.js";
import { complexEigh as eighKernel, complexQr as qrKernel, type QrMode } from "../backends/js/linalg-complex-householder.js";
import { qrShapes, checkLinalgErrors, svdShapes } from "../backends/js/linalg.js";
import * as S from "../backends/js/linalg-complex-svd.js";
import { fillHermitian } from "../backends/js/linalg-complex-householder.js";
import { fromArray } from "./engine.js";
import { int64 } from "../core/dtype.js";
import { toNumbers } from "./engine.js";
import { allocLike, broadcastBatch, wrap, wrapInt32 } from "./linalg-engine.js";
import type { FloatArray } from "../backends/js/linalg.js";
import { allocPairs, complexMatricesOf, wrapComplex } from "./linalg-complex-engine.js";

/** det of each matrix (complex). */
export function complexDet(A: Tensor): Tensor {
  const M = complexMatricesOf("linalg.det", A);
  const out = allocPairs(A.dtype, M.batch);
  C.complexDet(M.data, M.rows, M.batch, out);
  return wrapComplex(out, M.batchShape, A.dtype);
}

/** (sign, logabsdet): sign complex (det / |det|), logabsdet real. */
export function complexSlogdet(api: string, A: Tensor): [Tensor, Tensor] {
  const M = complexMatricesOf(api, A);
  const sign = allocPairs(A.dtype, M.batch);
  const log = allocLike(realOf(A.dtype), M.batch);
  C.complexSlogdet(M.data, M.rows, M.batch, sign, log);
  return [wrapComplex(sign, M.batchShape, A.dtype), wrap(log, M.batchShape, realOf(A.dtype))];
}

/** torch.logdet's values on complex matrices: log det = log|det| + i angle(det); -inf + nan j for a singular one, as PyTorch (no node: logdet records it). */
export function complexLogdet(A: Tensor): Tensor {
  const M = complexMatricesOf("logdet", A);
  const sign = new Float64Array(2 * M.batch);
  const log = new Float64Array(M.batch);
  C.complexSlogdet(M.data, M.rows, M.batch, sign, log);
  const out = allocPairs(A.dtype, M.batch);
  for (let b = 0; b < M.batch; b++) {
    const sr = sign[2 * b]!, si = sign[2 * b + 1]!;
    out[2 * b] = log[b]!;
    out[2 * b + 1] = sr === 0 && si === 0 ? NaN : Math.atan2(si, sr);
  }
  return wrapComplex(out, M.batchShape, A.dtype);
}

/** The inverse and zgetrf's infos (A X = I, factored as PyTorch hands A to LAPACK). */
export function complexInv(A: Tensor): { X: Tensor; infos: Int32Array } {
  const M = complexMatricesOf("linalg.inv", A);
  const n = M.rows;
  const out = allocPairs(A.dtype, M.batch * n * n);
  const infos = C.complexInv(M.data, n, M.batch, out, A.isContiguous());
  return { X: wrapComplex(out, A.shape, A.dtype), infos };
}

/** zgetrf's info of each matrix of A, factored as for a solve. */
export function complexLuInfo(A: Tensor): Int32Array {
  const M = complexMatricesOf("linalg.solve", A);
  return C.complexLuInfo(M.data, M.rows, M.batch, A.isContiguous());
}

/** X = A⁻¹ B for matrices B, broadcasting batch dims; no singularity check. */
export function complexSolveLeft(A: Tensor, B: Tensor): Tensor {
  const [Ab, Bb] = broadcastBatch(A, B);
  const MA = complexMatricesOf("linalg.solve", Ab);
  const MB = complexMatricesOf("linalg.solve", Bb);
  const out = allocPairs(A.dtype, MB.batch * MB.rows * MB.cols);
  C.complexSolve(MA.data, MB.data, MA.rows, MB.cols, MA.batch, out, A.isContiguous());
  return wrapComplex(out, Bb.shape, A.dtype);
}

/** solve_triangular on complex matrices (shapes checked by the caller). */
export function complexSolveTriangular(A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean): Tensor {
  const api = "linalg.solve_triangular";
  const [Ab, Bb] = broadcastBatch(A, B);
  const MA = complexMatricesOf(api, Ab);
  const MB = complexMatricesOf(api, Bb);
  const out = allocPairs(A.dtype, MB.batch * MB.rows * MB.cols);
  C.complexTriangularSolve(MA.data, MB.data, MA.rows, MB.rows, MB.cols, MA.batch, out, upper, left, unit);
  return wrapComplex(out, Bb.shape, A.dtype);
}

/** The Cholesky factor (L, or U = Lᴴ when `upper`) and zpotrf's infos. */
export function complexCholesky(api: string, A: Tensor, upper: boolean): { L: Tensor; infos: Int32Array } {
  const M = complexMatricesOf(api, A);
  const n = M.rows;
  const out = allocPairs(A.dtype, M.batch * n * n);
  const infos = C.complexCholesky(M.data, n, M.batch, out, upper);
  return { L: wrapComplex(out, A.shape, A.dtype), infos };
}

/** zgetrf on every matrix: packed LU, 1-based int32 pivots, infos (no gradient node: the caller records). */
export function complexLuFactor(A: Tensor): { LU: Tensor; pivots: Tensor; infos: Int32Array } {
  const M = complexMatricesOf("linalg.lu_factor", A);
  const k = Math.min(M.rows, M.cols);
  const lu = allocPairs(A.dtype, M.batch * M.rows * M.cols);
  const piv = new Int32Array(M.batch * k);
  const infos = C.complexLuFactor(M.data, M.rows, M.cols, M.batch, lu, piv);
  return { LU: wrapComplex(lu, A.shape, A.dtype), pivots: wrapInt32(piv, [...M.batchShape, k]), infos };
}

/**
 * lu_solve on complex factors (arguments checked): A X = B, Aᴴ X = B, X A = B (Aᵀ Xᵀ = Bᵀ) or
 * X Aᴴ = B (A conj(Xᵀ) = conj(Bᵀ)). No node: linalg.lu_solve records the backward of real and complex factors.
 */
export function complexLuSolve(LU: Tensor, pivots: Tensor, B: Tensor, left: boolean, adjoint: boolean): Tensor {
  const api = "linalg.lu_solve";
  const conjugated = !left && adjoint;
  const Bl = left ? B : conjugated ? B.mT.conj() : B.mT;
  const trans: C.Trans = left ? (adjoint ? "C" : "N") : adjoint ? "N" : "T";
  const [LUb, Bb] = broadcastBatch(LU, Bl);
  const n = LU.shape[LU.dim() - 1]!;
  const pivb = pivots.expand([...Bb.shape.slice(0, -2), n]).contiguous();
  const ML = complexMatricesOf(api, LUb.detach());
  const MB = complexMatricesOf(api, Bb.detach());
  const out = allocPairs(LU.dtype, MB.batch * n * MB.cols);
  C.complexLuSolve(ML.data, toNumbers(pivb) as Int32Array, MB.data, n, MB.cols, MB.batch, out, trans);
  let X = wrapComplex(out, Bb.shape, LU.dtype);
  if (!left) X = conjugated ? X.conj().mT : X.mT;
  return X;
}

/** (Q, R) of complex matrices (Householder, R's diagonal real as zgeqrf's); mode "r": an empty Q. No node: linalg.qr records the one backward of real and complex input. */
export function complexQr(A: Tensor, mode: QrMode): [Tensor, Tensor] {
  const M = complexMatricesOf("linalg.qr", A);
  const shapes = qrShapes(M.rows, M.cols, mode);
  const q = mode === "r" ? null : allocPairs(A.dtype, M.batch * shapes.q[0]! * shapes.q[1]!);
  const r = allocPairs(A.dtype, M.batch * shapes.r[0] * shapes.r[1]);
  qrKernel(M.data, M.rows, M.cols, M.batch, mode, q, r);
  const Q = q ? wrapComplex(q, [...M.batchShape, ...shapes.q], A.dtype) : wrapComplex(allocPairs(A.dtype, 0), [0], A.dtype);
  return [Q, wrapComplex(r, [...M.batchShape, ...shapes.r], A.dtype)];
}

/** Eigenvalues (real, ascending) and, when asked, eigenvectors of Hermitian matrices (zheevd's normalisation). */
export function complexEigh(api: string, A: Tensor, uplo: "L" | "U", wantVectors: boolean): { L: Tensor; V: Tensor | null } {
  const M = complexMatricesOf(api, A);
  const n = M.rows;
  const real = realOf(A.dtype);
  const w = allocLike(real, M.batch * n);
  const v = wantVectors ? allocPairs(A.dtype, M.batch * n * n) : null;
  const infos = eighKernel(M.data, n, M.batch, w, v, uplo);
  checkLinalgErrors(infos, api, "eigh", A.dim() > 2);
  return { L: wrap(w, [...M.batchShape, n], real), V: v ? wrapComplex(v, A.shape, A.dtype) : null };
}

/** (U, S, Vh) of complex matrices: S real descending; the vectors' phases are free (see linalg-complex-svd.ts). */
export function complexSvd(A: Tensor, full: boolean): [Tensor, Tensor, Tensor] {
  const M = complexMatricesOf("linalg.svd", A);
  const sh = svdShapes(M.rows, M.cols, full);
  const u = allocPairs(A.dtype, M.batch * sh.u[0] * sh.u[1]);
  const s = allocLike(realOf(A.dtype), M.batch * sh.s);
  const vh = allocPairs(A.dtype, M.batch * sh.vh[0] * sh.vh[1]);
  S.complexSvd(M.data, M.rows, M.cols, M.batch, full, u, s, vh);
  return [
    wrapComplex(u, [...M.batchShape, ...sh.u], A.dtype),
    wrap(s, [...M.batchShape, sh.s], realOf(A.dtype)),
    wrapComplex(vh, [...M.batchShape, ...sh.vh], A.dtype),
  ];
}

/** The singular values (real, descending). */
export function complexSvdvals(A: Tensor): Tensor {
  const M = complexMatricesOf("linalg.svd", A);
  const k = Math.min(M.rows, M.cols);
  const s = allocLike(realOf(A.dtype), M.batch * k);
  S.complexSvdvals(M.data, M.rows, M.cols, M.batch, s);
  return wrap(s, [...M.batchShape, k], realOf(A.dtype));
}

/** A's matrices as interleaved float64, made Hermitian from their lower triangle when `hermitian` (PyTorch's eigh path reads only it). */
function matricesFor(api: string, A: Tensor, hermitian: boolean): { data: FloatArray; M: ReturnType<typeof complexMatricesOf> } {
  const M = complexMatricesOf(api, A);
  if (!hermitian) return { data: M.data, M };
  const n = M.rows;
  const data = new Float64Array(M.data);
  for (let b = 0; b < M.batch; b++) fillHermitian(data.subarray(2 * b * n * n, 2 * (b + 1) * n * n), n, "L");
  return { data, M };
}

/** pinv of complex matrices (tolerances resolved by the caller). */
export function complexPinv(A: Tensor, atol: number, rtol: number, hermitian: boolean): Tensor {
  const { data, M } = matricesFor("linalg.pinv", A, hermitian);
  const out = allocPairs(A.dtype, M.batch * M.rows * M.cols);
  S.complexPinv(data, M.rows, M.cols, M.batch, atol, rtol, out);
  return wrapComplex(out, [...M.batchShape, M.cols, M.rows], A.dtype);
}

/** matrix_rank of complex matrices: int64 counts. */
export function complexMatrixRank(A: Tensor, atol: number, rtol: number, hermitian: boolean): Tensor {
  const { data, M } = matricesFor("linalg.matrix_rank", A, hermitian);
  const out = new BigInt64Array(M.batch);
  S.complexMatrixRank(data, M.rows, M.cols, M.batch, atol, rtol, out);
  return fromArray(out, M.batchShape, int64);
}
