// torch.linalg's LU and Cholesky families on the "webgpu" device: the front end (src/ops/linalg.ts)
// keeps its argument checks and records its nodes; these entries replace its CPU kernels with the
// backend's (src/backends/webgpu/linalg.ts) on float32 batches of any batch shape. Nothing here
// reads values back: LAPACK's `info` comes back as a device tensor, and a singular (or not
// positive-definite) input gives the inf/NaN its factorization produces instead of an error.

import type { Tensor } from "../core/tensor.js";
import { float32, int32 } from "../core/dtype.js";
import { type TriangularStage, cholesky, luDeterminants, luFactor, triangularSolve } from "../backends/webgpu/linalg.js";
import { reshapeContiguous } from "../backends/webgpu/tensor.js";
import { full } from "../ops/creation.js";
import { checkDevices } from "./pointwise.js";
import { gpuOf, wrap } from "./storage.js";

/** x (detached) as a contiguous [batch, rows, cols] float32 kernel operand. */
function batched(op: string, x: Tensor): { g: ReturnType<typeof gpuOf>; batchShape: number[] } {
  if (x.dtype !== float32) throw new Error(`${op}: the 'webgpu' device factors float32 matrices, got ${x.dtype.name}`);
  const s = x.shape;
  const rows = s[s.length - 2]!, cols = s[s.length - 1]!;
  const batchShape = s.slice(0, -2);
  const c = x.detach().contiguous();
  const batch = batchShape.reduce((a, v) => a * v, 1);
  return { g: reshapeContiguous(gpuOf(c), [batch, rows, cols]), batchShape };
}

/** Whether a batch of matrices holds no element (empty batch or order 0): no kernel runs. */
function isEmpty(x: Tensor): boolean {
  return x.numel() === 0;
}

/** A float32 or int32 tensor of `shape` filled with `value` on x's device. */
function filled(x: Tensor, shape: readonly number[], value: number, dtype = float32): Tensor {
  return full([...shape], value, { dtype, device: x.device });
}

/** LU with partial pivoting of A [..., n, n]: packed factors, 1-based int32 pivots [..., n], int32 info [...]. */
export function gpuLuFactor(A: Tensor): { LU: Tensor; pivots: Tensor; info: Tensor } {
  checkDevices("linalg.lu_factor", A);
  if (isEmpty(A)) {
    const batchShape = A.shape.slice(0, -2);
    return { LU: filled(A, A.shape, 0), pivots: filled(A, [...batchShape, A.shape[A.dim() - 1]!], 0, int32), info: filled(A, batchShape, 0, int32) };
  }
  const { g, batchShape } = batched("linalg.lu_factor", A);
  const n = g.shape[1]!;
  const r = luFactor(g);
  return {
    LU: wrap(reshapeContiguous(r.lu, A.shape), float32),
    pivots: wrap(reshapeContiguous(r.pivots, [...batchShape, n]), int32),
    info: wrap(reshapeContiguous(r.info, batchShape), int32),
  };
}

/**
 * The LU a solve with A uses, as PyTorch's: a row-major (contiguous) A goes to LAPACK as its
 * column-major transpose, so Aᵀ is factored (`adjoint`: solve with lu_solve's adjoint form) and
 * info reports Aᵀ's first zero pivot, as on the CPU; a transposed view is factored as it is.
 */
export function gpuLuFactorForSolve(A: Tensor): { LU: Tensor; pivots: Tensor; info: Tensor; adjoint: boolean } {
  const adjoint = A.isContiguous();
  return { ...gpuLuFactor(adjoint ? A.mT : A), adjoint };
}

/**
 * X with A X = B from A's LU (LU [..., n, n], pivots [..., n]; B [..., n, k] with the same batch
 * shape). `adjoint`: the LU is of Aᵀ = P L U, so X = P L^{-T} U^{-T} B (lu_solve's adjoint form).
 */
export function gpuLuSolve(LU: Tensor, pivots: Tensor, B: Tensor, adjoint = false): Tensor {
  checkDevices("linalg.lu_solve", LU, pivots, B);
  if (isEmpty(LU) || isEmpty(B)) return filled(B, B.shape, 0);
  const lu = batched("linalg.lu_solve", LU).g;
  const rhs = batched("linalg.lu_solve", B).g;
  const piv = reshapeContiguous(gpuOf(pivots.contiguous()), [lu.shape[0]!, lu.shape[1]!]);
  const stages: TriangularStage[] = adjoint
    ? [{ upper: false, unit: false, transposed: true }, { upper: true, unit: true, transposed: true }]
    : [{ upper: false, unit: true, transposed: false }, { upper: true, unit: false, transposed: false }];
  const x = triangularSolve(lu, rhs, stages, { pivots: piv, permute: adjoint ? "after" : "before" });
  return wrap(reshapeContiguous(x, B.shape), float32);
}

/** det, sign and log|det| [...] from an LU and its pivots. */
export function gpuLuDet(LU: Tensor, pivots: Tensor): { det: Tensor; sign: Tensor; logabsdet: Tensor } {
  checkDevices("linalg.det", LU, pivots);
  if (isEmpty(LU)) {
    // The determinant of a 0×0 matrix is 1 (an empty batch gives empty results).
    const batchShape = LU.shape.slice(0, -2);
    return { det: filled(LU, batchShape, 1), sign: filled(LU, batchShape, 1), logabsdet: filled(LU, batchShape, 0) };
  }
  const { g, batchShape } = batched("linalg.det", LU);
  const piv = reshapeContiguous(gpuOf(pivots.contiguous()), [g.shape[0]!, g.shape[1]!]);
  const r = luDeterminants(g, piv);
  const out = (t: typeof r.det): Tensor => wrap(reshapeContiguous(t, batchShape), float32);
  return { det: out(r.det), sign: out(r.sign), logabsdet: out(r.logabsdet) };
}

/**
 * X with op(A) X = B, A [..., n, n] and B [..., n, k] of the same batch shape, op(A) A's upper or
 * lower triangle (unit diagonal: not read). The right-side form X A = B is the front end's
 * transposition of both.
 */
export function gpuTriangularSolve(A: Tensor, B: Tensor, upper: boolean, unit: boolean): Tensor {
  checkDevices("linalg.solve_triangular", A, B);
  if (isEmpty(A) || isEmpty(B)) return filled(B, B.shape, 0);
  const a = batched("linalg.solve_triangular", A).g;
  const b = batched("linalg.solve_triangular", B).g;
  const x = triangularSolve(a, b, [{ upper, unit, transposed: false }]);
  return wrap(reshapeContiguous(x, B.shape), float32);
}

/** The Cholesky factor of A [..., n, n] (lower, or upper with A = Uᵀ U from A's upper triangle) and int32 info [...]. */
export function gpuCholesky(A: Tensor, upper: boolean): { L: Tensor; info: Tensor } {
  checkDevices("linalg.cholesky", A);
  if (isEmpty(A)) return { L: filled(A, A.shape, 0), info: filled(A, A.shape.slice(0, -2), 0, int32) };
  // The upper factor of A is the transposed lower factor of Aᵀ, whose lower triangle is A's upper one.
  const { g, batchShape } = batched("linalg.cholesky", upper ? A.mT : A);
  const r = cholesky(g);
  let L = wrap(reshapeContiguous(r.factor, A.shape), float32);
  if (upper) L = L.mT.contiguous();
  return { L, info: wrap(reshapeContiguous(r.info, batchShape), int32) };
}

/** X with A X = B given A's Cholesky factor (lower L, A = L Lᵀ, or upper U, A = Uᵀ U); same batch shapes. */
export function gpuCholeskySolve(B: Tensor, factor: Tensor, upper: boolean): Tensor {
  checkDevices("cholesky_solve", B, factor);
  if (isEmpty(factor) || isEmpty(B)) return filled(B, B.shape, 0);
  const f = batched("cholesky_solve", factor).g;
  const b = batched("cholesky_solve", B).g;
  // Lower: L y = B, then Lᵀ x = y; upper: Uᵀ y = B, then U x = y.
  const stages: TriangularStage[] = upper
    ? [{ upper: false, unit: false, transposed: true }, { upper: true, unit: false, transposed: false }]
    : [{ upper: false, unit: false, transposed: false }, { upper: true, unit: false, transposed: true }];
  const x = triangularSolve(f, b, stages);
  return wrap(reshapeContiguous(x, B.shape), float32);
}
