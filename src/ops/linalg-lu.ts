// torch.linalg's LU family: lu_factor, lu_factor_ex, lu (P, L, U) and lu_solve. The factorization
// is LAPACK's getrf (partial pivoting, 1-based int32 pivots), the one linalg.solve/det/inv use
// (backends/js/linalg-lu.ts); the device runs square float32 matrices on its own getrf.

import type { Tensor } from "../core/tensor.js";
import { record, sumToShape } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { toNumbers } from "./engine.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { hasOut, type OutOption, withOut } from "./out.js";
import {
  type NamedTuple, allocLike, broadcastBatch, checkFloat, checkIsMatrix, checkSquare, matricesOf, namedTuple, scalarTypeName, tril, triu, wrap,
} from "./linalg-engine.js";
import {
  checkLuMatrix, luBackward, luFactorBackward, luFactorValues, luInfoTensor, permutationFromPivots, unpackFactors,
} from "./lu-engine.js";
import { float32, float64 } from "../core/dtype.js";
import { complexLuSolve } from "./linalg-complex.js";

interface PivotOption { pivot?: boolean }

/** The factorization with its node (LinalgLuFactorExBackward0 on LU; pivots and info have no gradient). */
function luFactorRecorded(api: string, A: Tensor, pivot: boolean): { LU: Tensor; pivots: Tensor; info: Tensor; infos: Int32Array | Tensor } {
  const { LU, pivots, infos } = luFactorValues(api, A, pivot);
  record("LinalgLuFactorExBackward0", [A], LU, ([g]) => [luFactorBackward(g!, LU, pivots)], [LU, pivots]);
  return { LU, pivots, info: luInfoTensor(infos, A.shape.slice(0, -2)), infos };
}

/** torch.linalg.lu_factor(A, { pivot }): (LU, pivots); raises PyTorch's error for an exactly zero U[i, i]. */
export function luFactor(A: Tensor, ...args: Args<[], PivotOption & { out?: readonly [Tensor, Tensor] | null }>): NamedTuple<"LU" | "pivots"> {
  if (hasOut(args)) return withOut("linalg_lu_factor", args, (rest) => luFactor(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.lu_factor", "A", A);
  const a = bindArgs("linalg.lu_factor", args, [], ["pivot"], 1);
  const { LU, pivots, infos } = luFactorRecorded("linalg.lu_factor", A, (a.pivot as boolean | undefined) ?? true);
  // The device cannot read info back synchronously: no error there (see linalg.ts, "LAPACK's info").
  if (infos instanceof Int32Array) K.checkLinalgErrors(infos, "torch.linalg.lu_factor", "lu_factor", A.dim() > 2);
  return namedTuple(["LU", "pivots"], [LU, pivots]);
}

/** torch.linalg.lu_factor_ex(A, { pivot, checkErrors }): (LU, pivots, info). */
export function luFactorEx(A: Tensor, ...args: Args<[], PivotOption & { checkErrors?: boolean }>): NamedTuple<"LU" | "pivots" | "info"> {
  checkTensor("linalg.lu_factor_ex", "A", A);
  const a = bindArgs("linalg.lu_factor_ex", args, [], ["pivot", "checkErrors"], 1);
  if (a.checkErrors === true && onDevice(A)) {
    throw new Error("linalg.lu_factor_ex: checkErrors: true needs LAPACK's info on the host, which the 'webgpu' device cannot read synchronously; call it without checkErrors and read the returned info (await info.cpuAsync())");
  }
  const { LU, pivots, info, infos } = luFactorRecorded("linalg.lu_factor_ex", A, (a.pivot as boolean | undefined) ?? true);
  if (a.checkErrors === true && infos instanceof Int32Array) K.checkLinalgErrors(infos, "torch.linalg.lu_factor_ex", "lu_factor", A.dim() > 2);
  return namedTuple(["LU", "pivots", "info"], [LU, pivots, info]);
}

/** torch.linalg.lu(A, { pivot }): (P, L, U) with A = P L U; L m×k unit lower, U k×n upper, k = min(m, n). */
export function lu(A: Tensor, ...args: Args<[], PivotOption>): NamedTuple<"P" | "L" | "U"> {
  const api = "linalg.lu";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, [], ["pivot"], 1);
  checkLuMatrix(api, A);
  const { LU, pivots } = luFactorValues(api, A, (a.pivot as boolean | undefined) ?? true);
  const P = permutationFromPivots(api, pivots, A.shape[A.dim() - 2]!, A);
  const { L, U } = unpackFactors(LU);
  // One node for L and U (LinalgLuBackward0), as PyTorch; P has no gradient.
  const nodeOutputs = [L.detach(), U.detach()];
  record("LinalgLuBackward0", [A], nodeOutputs, ([gL, gU]) => [luBackward(gL!, gU!, P, nodeOutputs[0]!, nodeOutputs[1]!)], nodeOutputs);
  return namedTuple(["P", "L", "U"], [P, nodeOutputs[0]!, nodeOutputs[1]!]);
}

interface LuSolveOptions { left?: boolean; adjoint?: boolean }

/** torch.linalg.lu_solve(LU, pivots, B, { left, adjoint }): X with A X = B (Aᴴ X = B, X A = B, X Aᴴ = B), A = P L U. */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, ...args: Args<[], LuSolveOptions & OutOption>): Tensor;
export function luSolve<A extends Rebound<[LU: Tensor, pivots: Tensor, B: Tensor], ["LU", "pivots", "B"], LuSolveOptions & OutOption>>(...args: A): Tensor;
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, ...args: Args<[], LuSolveOptions & OutOption>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? B : arguments.length === 2 ? pivots : LU)) {
    return rebind(luSolve, "linalg.lu_solve", arguments, ["LU", "pivots", "B"], 3, ["left", "adjoint", "out"]);
  }
  if (hasOut(args)) return withOut("linalg_lu_solve", args, (rest) => luSolve(LU, pivots, B, ...(rest as [never])), "same", false, [LU, pivots, B]);
  const api = "linalg.lu_solve";
  checkTensor(api, "LU", LU);
  checkTensor(api, "pivots", pivots);
  checkTensor(api, "B", B);
  const a = bindArgs(api, args, [], ["left", "adjoint"], 3);
  const left = (a.left as boolean | undefined) ?? true;
  const adjoint = (a.adjoint as boolean | undefined) ?? false;
  checkLuSolveArgs(LU, pivots, B, left);
  return luSolveCore(LU, pivots, B, left, adjoint);
}

/** PyTorch 1.13's checks of linalg.lu_solve, in its order and words. */
function checkLuSolveArgs(LU: Tensor, pivots: Tensor, B: Tensor, left: boolean): void {
  const api = "linalg.lu_solve";
  checkIsMatrix(api, B, "B");
  checkSquare("torch.linalg.lu_solve", LU);
  if (!LU.dtype.isComplex) checkFloat("torch.linalg.lu_solve", LU, false);
  if (LU.dtype !== float32 && LU.dtype !== float64 && !LU.dtype.isComplex) throw new Error(`"linalg.lu_solve_cpu" not implemented for '${scalarTypeName(LU.dtype)}'`);
  const n = LU.shape[LU.dim() - 1]!;
  const bs = B.shape;
  const [br, bc] = [bs[bs.length - 2]!, bs[bs.length - 1]!];
  if (left ? br !== n : bc !== n) {
    throw new Error(`${api}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${br}x${bc})`);
  }
  if (LU.dtype !== B.dtype) {
    throw new Error(`${api}: Expected LU and B to have the same dtype, but found LU of type ${scalarTypeName(LU.dtype)} and B of type ${scalarTypeName(B.dtype)} instead`);
  }
  if (pivots.dtype.name !== "int32") throw new Error(`${api}: pivots should be a Tensor of scalar type torch.int32`);
  const ls = LU.shape.slice(0, -1);
  const ps = pivots.shape;
  if (ps[ps.length - 1] !== n) throw new Error(`${api}: Number of pivots per batch should be same as the dimension of the matrix`);
  if (ps.length !== ls.length || ps.some((v, i) => v !== ls[i])) {
    throw new Error(`${api}: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with shape [${ps.join(", ")}] instead`);
  }
  if (!onDevice(pivots)) {
    const p = toNumbers(pivots);
    for (let i = 0; i < p.length; i++) {
      if (p[i]! < 1) throw new Error("Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the result of lu_factor?");
      if (p[i]! > n) throw new Error("Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you properly pass the result of lu_factor?");
    }
  }
}

/**
 * The solve (shapes checked), with LinalgLuSolveBackward0: one backward for real and complex
 * factors (PyTorch's linalg_lu_solve rows: conjugate transposes, which are transposes on real input).
 */
function luSolveCore(LU: Tensor, pivots: Tensor, B: Tensor, left: boolean, adjoint: boolean): Tensor {
  const X = LU.dtype.isComplex ? complexLuSolve(LU, pivots, B, left, adjoint) : realLuSolve(LU, pivots, B, left, adjoint);
  return record("LinalgLuSolveBackward0", [LU, B], X, ([g]) => {
    const n = LU.shape[LU.dim() - 1]!;
    const gB = luSolveCore(LU, pivots, g!, left, !adjoint);
    // The gradient of the matrix A = P L U, then pulled back to the packed factors.
    let gA: Tensor;
    if (left) gA = adjoint ? matmul(X, gB.mH).neg() : matmul(gB, X.mH).neg();
    else gA = adjoint ? matmul(gB.mH, X).neg() : matmul(X.mH, gB).neg();
    const P = permutationFromPivots("linalg.lu_solve", pivots, n, LU);
    const { L, U } = unpackFactors(LU);
    const PtgA = matmul(P.mT, gA);
    const gLU = tril(matmul(PtgA, U.mH), -1).add(triu(matmul(L.mH, PtgA)));
    return [sumToShape(gLU, LU.shape), sumToShape(gB, B.shape)];
  }, [LU, pivots, X]);
}

/** X of a real solve, without a node. */
function realLuSolve(LU: Tensor, pivots: Tensor, B: Tensor, left: boolean, adjoint: boolean): Tensor {
  // X A = B is Aᵀ Xᵀ = Bᵀ: a left solve with the other adjoint flag.
  const Bl = left ? B : B.mT;
  const adj = left ? adjoint : !adjoint;
  const [LUb, Bb] = broadcastBatch(LU, Bl);
  const n = LU.shape[LU.dim() - 1]!;
  const batchShape = Bb.shape.slice(0, -2);
  const pivb = pivots.expand([...batchShape, n]);
  let Xl: Tensor;
  if (onDevice(LU, pivots, B)) {
    Xl = deviceOp("luSolve", "linalg.lu_solve")(LUb.detach(), pivb, Bb.detach(), adj);
  } else {
    const ML = matricesOf(LUb.detach());
    const MB = matricesOf(Bb.detach());
    const out = allocLike(LU.dtype, MB.batch * n * MB.cols);
    K.luSolve(ML.data, toNumbers(pivb.contiguous()) as Int32Array, MB.data, n, MB.cols, MB.batch, out, adj);
    Xl = wrap(out, Bb.shape, LU.dtype);
  }
  return left ? Xl : Xl.mT;
}
