// Plumbing of the LU family (not public API): getrf on batches of m×n matrices, unpacking the
// packed factors and LAPACK's pivots, and the backward formulas of PyTorch's LU nodes
// (derivatives.yaml: linalg_lu_factor_ex, linalg_lu, lu_unpack, linalg_lu_solve), written in
// public ops so that double backward works.

import type { Tensor } from "../core/tensor.js";
import { numel } from "../core/shape.js";
import * as K from "../backends/js/linalg.js";
import { matmul } from "./blas.js";
import { cat } from "./shape-join.js";
import { fromArray, toNumbers } from "./engine.js";
import { notImplementedFor } from "./pointwise-util.js";
import { deviceOp, notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { allocLike, matricesOf, tril, triu, wrap, wrapInt32 } from "./linalg-engine.js";
import { eye, zeros } from "./creation.js";
import { solveTriangular } from "./linalg.js";
import { float32, float64, realOf } from "../core/dtype.js";
import { complexLuFactor } from "./linalg-complex.js";

/** LAPACK's info per matrix: host values on the CPU, a device tensor on the "webgpu" device. */
export type LuInfos = Int32Array | Tensor;

/** PyTorch's check that A is a batch of matrices ("torch.lu_factor: Expected tensor with 2 or more dimensions..."). */
export function checkLuMatrix(api: string, A: Tensor): void {
  if (A.dim() < 2) throw new Error(`${api}: Expected tensor with 2 or more dimensions. Got size: [${A.shape.join(", ")}] instead`);
}

/** getrf on every matrix of A [..., m, n] (A's float dtype): packed LU, 1-based int32 pivots [..., min(m, n)], infos. */
export function luFactorValues(api: string, A: Tensor, pivot: boolean): { LU: Tensor; pivots: Tensor; infos: LuInfos } {
  checkLuMatrix("torch.lu_factor", A);
  if (!pivot) throw new Error("linalg.lu_factor: LU without pivoting is not implemented on the CPU");
  if (A.dtype.isComplex) return complexLuFactor(A.detach());
  if (A.dtype !== float32 && A.dtype !== float64) throw notImplementedFor("lu_cpu", A.dtype);
  const s = A.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  if (onDevice(A)) {
    if (m !== n) throw notImplementedOnDevice(`${api} (of a non-square matrix)`);
    const f = deviceOp("luFactor", api)(A.detach());
    return { LU: f.LU, pivots: f.pivots, infos: f.info };
  }
  const M = matricesOf(A.detach());
  const k = Math.min(m, n);
  const lu = allocLike(A.dtype, M.batch * m * n);
  const piv = new Int32Array(M.batch * k);
  const infos = K.luFactor(M.data, m, n, M.batch, lu, piv);
  return { LU: wrap(lu, s, A.dtype), pivots: wrapInt32(piv, [...M.batchShape, k]), infos };
}

/** The info tensor [...batch] of an LU's infos. */
export function luInfoTensor(infos: LuInfos, batchShape: readonly number[]): Tensor {
  return infos instanceof Int32Array ? wrapInt32(infos, batchShape) : infos;
}

/**
 * P [..., m, m] with A = P L U from LAPACK's pivots [..., k] (row i swapped with row pivots[i] - 1
 * at step i), in `dtype`. `api`'s words for out-of-range pivots. CPU only: the permutation is a
 * sequence of swaps read from the pivots' values.
 */
export function permutationFromPivots(api: string, pivots: Tensor, m: number, like: Tensor): Tensor {
  if (onDevice(pivots)) throw notImplementedOnDevice(`${api} (unpacking the pivots)`);
  const k = pivots.shape[pivots.dim() - 1] ?? 0;
  const batchShape = pivots.shape.slice(0, -1);
  const batch = numel(batchShape);
  const piv = toNumbers(pivots.contiguous());
  for (let i = 0; i < piv.length; i++) {
    const p = piv[i]!;
    if (!(p >= 1 && p <= m)) {
      throw new Error("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass the result of lu_factor?");
    }
  }
  const out = like.dtype === float32 || like.dtype === float64 ? allocLike(like.dtype, batch * m * m) : new Float64Array(batch * m * m);
  const perm = new Int32Array(m);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let i = 0; i < Math.min(k, m); i++) {
      const j = piv[b * k + i]! - 1;
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    // Pᵀ A = L U takes row perm[i] of A to row i: P[perm[i], i] = 1.
    for (let i = 0; i < m; i++) out[b * m * m + perm[i]! * m + i] = 1;
  }
  const P = fromArray(out, [...batchShape, m, m], out instanceof Float32Array ? float32 : float64);
  return P.dtype === like.dtype ? P : P.to(like.dtype);
}

/** L (m×k, unit diagonal) and U (k×n) from a packed LU [..., m, n], differentiable through masks. */
export function unpackFactors(LU: Tensor): { L: Tensor; U: Tensor } {
  const s = LU.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  const k = Math.min(m, n);
  const lower = tril(LU, -1).narrow(-1, 0, k);
  return { L: lower.add(eye(m, k, { dtype: realOf(LU.dtype), device: LU.device })), U: triu(LU).narrow(-2, 0, k) };
}

/**
 * gA of A = P L U from gL [..., m, k] and gU [..., k, n] (PyTorch's linalg_lu_backward; real or
 * complex: conjugate transposes): square: P L⁻ᴴ (tril₋₁(Lᴴ gL) + triu(gU Uᴴ)) U⁻ᴴ; wide (U = [U1 | U2]):
 * P L⁻ᴴ [(tril₋₁(Lᴴ gL - gU2 U2ᴴ) + triu(gU1 U1ᴴ)) U1⁻ᴴ | gU2]; tall (L = [L1; L2]):
 * P [L1⁻ᴴ (tril₋₁(L1ᴴ gL1) + triu(gU Uᴴ - L2ᴴ gL2)); gL2] U⁻ᴴ.
 */
export function luBackward(gL: Tensor, gU: Tensor, P: Tensor, L: Tensor, U: Tensor): Tensor {
  const m = L.shape[L.dim() - 2]!;
  const n = U.shape[U.dim() - 1]!;
  const leftSolveLh = (L1: Tensor, X: Tensor): Tensor => solveTriangular(L1.mH, X, { upper: true, left: true, unitriangular: true });
  const rightSolveUh = (X: Tensor, U1: Tensor): Tensor => solveTriangular(U1.mH, X, { upper: false, left: false });
  let gA: Tensor;
  if (m === n) {
    const G = tril(matmul(L.mH, gL), -1).add(triu(matmul(gU, U.mH)));
    gA = leftSolveLh(L, rightSolveUh(G, U));
  } else if (m < n) {
    const U1 = U.narrow(-1, 0, m);
    const U2 = U.narrow(-1, m, n - m);
    const gU1 = gU.narrow(-1, 0, m);
    const gU2 = gU.narrow(-1, m, n - m);
    const G1 = tril(matmul(L.mH, gL).sub(matmul(gU2, U2.mH)), -1).add(triu(matmul(gU1, U1.mH)));
    gA = leftSolveLh(L, cat([rightSolveUh(G1, U1), gU2], -1));
  } else {
    const L1 = L.narrow(-2, 0, n);
    const L2 = L.narrow(-2, n, m - n);
    const gL1 = gL.narrow(-2, 0, n);
    const gL2 = gL.narrow(-2, n, m - n);
    const G = tril(matmul(L1.mH, gL1), -1).add(triu(matmul(gU, U.mH).sub(matmul(L2.mH, gL2))));
    gA = rightSolveUh(cat([leftSolveLh(L1, G), gL2], -2), U);
  }
  return matmul(P, gA);
}

/** gA of the packed LU [..., m, n] (lu_factor_ex_backward): its strict lower part is L's gradient, the rest U's. */
export function luFactorBackward(gLU: Tensor, LU: Tensor, pivots: Tensor): Tensor {
  const s = LU.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  const k = Math.min(m, n);
  const P = permutationFromPivots("linalg.lu_factor_ex", pivots, m, LU);
  const { L, U } = unpackFactors(LU);
  return luBackward(gLU.narrow(-1, 0, k), gLU.narrow(-2, 0, k), P, L, U);
}

/**
 * The gradient of a packed LU [..., m, n] from those of L [..., m, k] and U [..., k, n]
 * (lu_unpack_backward): L's strict lower part and U's upper part, padded to m×n.
 */
export function luUnpackBackward(gL: Tensor, gU: Tensor, m: number, n: number): Tensor {
  const k = Math.min(m, n);
  const zerosOf = (like: Tensor, shape: number[]): Tensor => zeros(shape, { dtype: like.dtype, device: like.device });
  let lower = tril(gL, -1);
  let upper = triu(gU);
  const batch = gL.shape.slice(0, -2);
  if (n > k) lower = cat([lower, zerosOf(gL, [...batch, m, n - k])], -1);
  if (m > k) upper = cat([upper, zerosOf(gU, [...batch, m - k, n])], -2);
  return lower.add(upper);
}
