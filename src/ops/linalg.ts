// torch.linalg: factorizations, solvers, decompositions and norms, with PyTorch's argument checks,
// error messages and backward formulas (derivatives.yaml / FunctionsManual.cpp), batched over
// leading dims. Kernels: src/backends/js/linalg.ts (float64 internally).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, complex32, float32, int64, realOf, scalarTypeName, toDType } from "../core/dtype.js";
import { notImplementedFor } from "./pointwise-util.js";
import { normalizeDims } from "../core/shape.js";
import { needsGrad, record, sumToShape } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import * as K from "../backends/js/linalg.js";
import type { LinalgFailure } from "../backends/js/linalg-common.js";
import { type Args, bindArgs, checkDims, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { castTo } from "./conversion.js";
import { fromArray, toNumbers } from "./engine.js";
import { planReduce, reduceWith } from "./reduce-engine.js";
import {
  type NamedTuple, allocLike, broadcastBatch, checkFloat, checkFloatOrComplex, checkIsMatrix, checkSameDtype, checkSquare, checkSquareFloat,
  diagEmbed, identity, matricesOf, namedTuple, pinvBackward, tril, triu, wrap, wrapInt32,
} from "./linalg-engine.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { eye, zeros } from "./creation.js";
import { eighBackward, svdBackward } from "./linalg-spectral-backward.js";
import * as CX from "./linalg-complex.js";
import { complex } from "./complex-views.js";
import { realView } from "./complex-parts.js";

import { outCall, type OutOption, type OutPairOption, hasOut, withOut } from "./out.js";
export { matmul };
export { matrixExp } from "./matrix-exp.js";
export { luFactor, luFactorEx, lu, luSolve } from "./linalg-lu.js";
export { lstsq } from "./linalg-lstsq.js";
export { ldlFactor, ldlFactorEx, ldlSolve } from "./linalg-ldl.js";
export { eig, eigvals } from "./linalg-eig.js";
export { matrixPower, multiDot, vecdot, vander, diagonal, tensorinv, tensorsolve, cond, householderProduct } from "./linalg-composites.js";

// ---- LAPACK's info ---------------------------------------------------------------------------

/**
 * LAPACK's info per matrix: host values on the CPU, a device tensor on the "webgpu" device, which
 * cannot read it back synchronously: there the plain forms raise no error (a singular input gives
 * the inf/NaN its factorization produces) and the *_ex forms refuse checkErrors=true.
 */
type Infos = Int32Array | Tensor;

function raiseLinalgErrors(infos: Infos, api: string, op: LinalgFailure, batched: boolean): void {
  if (infos instanceof Int32Array) K.checkLinalgErrors(infos, api, op, batched);
}

function infoTensor(infos: Infos, batchShape: readonly number[]): Tensor {
  return infos instanceof Int32Array ? wrapInt32(infos, batchShape) : infos;
}

/** The *_ex forms' checkErrors=true on the device (before anything runs): it needs a synchronous readback. */
function refuseDeviceCheckErrors(api: string, checkErrors: unknown, ...ts: Tensor[]): void {
  if (checkErrors === true && onDevice(...ts)) {
    throw new Error(`${api}: checkErrors: true needs LAPACK's info on the host, which the 'webgpu' device cannot read synchronously; call it without checkErrors and read the returned info (await info.cpuAsync())`);
  }
}

// ---- inverse ---------------------------------------------------------------------------------

/** torch.linalg.inv(A): raises PyTorch's error for a singular matrix. */
export function inv(A: Tensor, options?: OutOption): Tensor;
export function inv<A extends Rebound<[A: Tensor], ["A"], OutOption>>(...args: A): Tensor;
export function inv(A: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("linalg_inv", arguments)) return runAutocast(inv, arguments);
  if (arguments.length > 1) return outCall("linalg_inv", arguments, 1, () => inv(A), "same"); else if (isOptionsObject(A)) return rebind(inv, "linalg_inv", arguments, ["A"], 1, ["out"]);
  checkTensor("linalg.inv", "A", A);
  const { X, infos } = invForward(A);
  raiseLinalgErrors(infos, "linalg.inv", "inv", A.dim() > 2);
  return X;
}

/** torch.linalg.inv_ex(A, { checkErrors }): (inverse, info) with LAPACK's info per matrix. */
export function invEx(A: Tensor, ...args: Args<[], { checkErrors?: boolean }>): NamedTuple<"inverse" | "info"> {
  if (autocasting.on && autocasts("linalg_inv_ex", arguments)) return runAutocast(invEx, arguments);
  checkTensor("linalg.inv_ex", "A", A);
  const a = bindArgs("linalg.inv_ex", args, [], ["checkErrors"], 1);
  refuseDeviceCheckErrors("linalg.inv_ex", a.checkErrors, A);
  const { X, infos } = invForward(A);
  if (a.checkErrors === true) raiseLinalgErrors(infos, "linalg.inv_ex", "inv", A.dim() > 2);
  return namedTuple(["inverse", "info"], [X, infoTensor(infos, A.shape.slice(0, -2))]);
}

function invForward(A: Tensor): { X: Tensor; infos: Infos } {
  checkSquare("linalg.inv", A);
  checkFloatOrComplex("linalg.inv", A);
  const n = A.shape[A.dim() - 1]!;
  let X: Tensor;
  let infos: Infos;
  if (A.dtype.isComplex) ({ X, infos } = CX.complexInv(A));
  else if (onDevice(A)) {
    const f = deviceOp("luFactorForSolve", "linalg.inv")(A);
    X = deviceOp("luSolve", "linalg.inv")(f.LU, f.pivots, identity(n, A.dtype, A).expand(A.shape), f.adjoint);
    infos = f.info;
  } else {
    const M = matricesOf(A);
    const out = allocLike(A.dtype, M.batch * n * n);
    // PyTorch solves A X = I, factoring Aᵀ when A is row-major contiguous.
    infos = K.inv(M.data, n, M.batch, out, A.isContiguous());
    X = wrap(out, A.shape, A.dtype);
  }
  record("LinalgInvExBackward0", [A], X, ([g]) => {
    const Xh = X.mH;
    return [matmul(matmul(Xh, g!), Xh).neg()];
  }, [X]);
  return { X, infos };
}

/** The inverse without the singularity check (inf/nan for singular input), differentiable. */
function invUnchecked(A: Tensor): Tensor {
  return invForward(A).X;
}

// ---- determinants ----------------------------------------------------------------------------

/** torch.linalg.det(A). */
export function det(A: Tensor, options?: OutOption): Tensor;
export function det<A extends Rebound<[A: Tensor], ["A"], OutOption>>(...args: A): Tensor;
export function det(A: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("linalg_det", arguments, 1, () => det(A), "same"); else if (isOptionsObject(A)) return rebind(det, "linalg_det", arguments, ["A"], 1, ["out"]);
  checkTensor("linalg.det", "A", A);
  checkSquare("linalg.det", A);
  checkFloatOrComplex("linalg.det", A);
  let D: Tensor;
  if (A.dtype.isComplex) D = CX.complexDet(A);
  else if (onDevice(A)) {
    const f = deviceOp("luFactor", "linalg.det")(A);
    D = deviceOp("luDet", "linalg.det")(f.LU, f.pivots).det;
  } else {
    const M = matricesOf(A);
    const out = allocLike(A.dtype, M.batch);
    K.det(M.data, M.rows, M.batch, out);
    D = wrap(out, M.batchShape, A.dtype);
  }
  return record("LinalgDetBackward0", [A], D, ([g]) => [detBackward(g!, D, A)], [A, D]);
}

function detBackward(g: Tensor, D: Tensor, A: Tensor): Tensor {
  // g · conj(det) · A⁻ᴴ, NaN for an exactly singular A: on the device (no readback to find
  // singular matrices) and for complex input, as PyTorch's nonsingular branch.
  const nonsingular = (): Tensor => g.mul(D.conj()).unsqueeze(-1).unsqueeze(-1).mul(invUnchecked(A).mH);
  if (onDevice(g, D, A) || A.dtype.isComplex) return nonsingular();
  const dets = toNumbers(D);
  if (!isGradEnabled()) {
    // PyTorch's first-order path: g · det · A^{-T} from a perturbed LU, so exactly 0 for an
    // exactly singular matrix.
    const M = matricesOf(A.detach());
    const n = M.rows;
    const size = n * n;
    const out = allocLike(A.dtype, M.batch * size);
    const x = new Float64Array(size);
    for (let b = 0; b < M.batch; b++) {
      const d = dets[b]!;
      if (d === 0) continue;
      K.inv(M.data.subarray(b * size, (b + 1) * size), n, 1, x, A.isContiguous());
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[b * size + i * n + j] = d * x[j * n + i]!;
    }
    return g.unsqueeze(-1).unsqueeze(-1).mul(wrap(out, A.shape, A.dtype));
  }
  // Higher-order gradients: det · A^{-T} in ops; near-singular matrices (|det| < 100 eps) get the
  // cofactor matrix from the SVD instead (a constant here: no third derivative through it).
  const eps = A.dtype === float32 ? 2 ** -23 : 2 ** -52;
  let singular = false;
  for (let i = 0; i < dets.length; i++) if (Math.abs(dets[i]!) < 100 * eps) singular = true;
  if (!singular) return nonsingular();
  return g.unsqueeze(-1).unsqueeze(-1).mul(cofactorMatrix(A));
}

/** adj(A)ᵀ for each matrix: det · A^{-T} when invertible, else det(U) det(V) U diag(∏_{j≠i} σ_j) Vᵀ. */
function cofactorMatrix(A: Tensor): Tensor {
  const M = matricesOf(A.detach());
  const n = M.rows;
  const out = allocLike(A.dtype, M.batch * n * n);
  const size = n * n;
  for (let b = 0; b < M.batch; b++) {
    const a = new Float64Array(size);
    for (let i = 0; i < size; i++) a[i] = M.data[b * size + i]!;
    const d = new Float64Array(1);
    K.det(a, n, 1, d);
    if (d[0] !== 0) {
      const x = new Float64Array(size);
      K.inv(a, n, 1, x);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[b * size + i * n + j] = d[0]! * x[j * n + i]!;
      continue;
    }
    const u = new Float64Array(size);
    const s = new Float64Array(n);
    const vh = new Float64Array(size);
    K.svd(a, n, n, 1, false, u, s, vh);
    const du = new Float64Array(1);
    const dv = new Float64Array(1);
    K.det(u, n, 1, du);
    K.det(vh, n, 1, dv);
    const sign = du[0]! * dv[0]!;
    for (let k = 0; k < n; k++) {
      let c = sign;
      for (let j = 0; j < n; j++) if (j !== k) c *= s[j]!;
      if (c === 0) continue;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[b * size + i * n + j]! += u[i * n + k]! * c * vh[k * n + j]!;
    }
  }
  return wrap(out, A.shape, A.dtype);
}

/** torch.linalg.slogdet(A): (sign, logabsdet). */
export function slogdet(A: Tensor, options?: OutPairOption): NamedTuple<"sign" | "logabsdet">;
export function slogdet<A extends Rebound<[A: Tensor], ["A"], OutPairOption>>(...args: A): NamedTuple<"sign" | "logabsdet">;
export function slogdet(A: Tensor, options?: OutPairOption): NamedTuple<"sign" | "logabsdet"> {
  if (arguments.length > 1) return outCall("linalg_slogdet", arguments, 1, () => slogdet(A), "same"); else if (isOptionsObject(A)) return rebind(slogdet, "linalg_slogdet", arguments, ["A"], 1, ["out"]);
  checkTensor("linalg.slogdet", "A", A);
  const [sign, logabsdet] = slogdetForward("linalg.slogdet", A);
  return namedTuple(["sign", "logabsdet"], [sign, logabsdet]);
}

/** The (sign, logabsdet) pair with its backward (the sign has none for real input). */
function slogdetForward(api: string, A: Tensor): [Tensor, Tensor] {
  checkSquare(api, A);
  checkFloatOrComplex(api, A);
  let sign: Tensor, logabsdet: Tensor;
  if (A.dtype.isComplex) [sign, logabsdet] = CX.complexSlogdet(api, A);
  else if (onDevice(A)) {
    const f = deviceOp("luFactor", api)(A);
    ({ sign, logabsdet } = deviceOp("luDet", api)(f.LU, f.pivots));
  } else {
    const M = matricesOf(A);
    const s = allocLike(A.dtype, M.batch);
    const l = allocLike(A.dtype, M.batch);
    K.slogdet(M.data, M.rows, M.batch, s, l);
    sign = wrap(s, M.batchShape, A.dtype);
    logabsdet = wrap(l, M.batchShape, A.dtype);
  }
  // PyTorch's slogdet_backward: g A⁻ᴴ, g = g_logabsdet - i Im(conj(g_sign) sign) for complex A.
  const complexInput = A.dtype.isComplex;
  record("LinalgSlogdetBackward0", [A], [sign, logabsdet], ([gs, gl]) => {
    const g = complexInput ? complex(gl!, gs!.conj().mul(sign).imag.neg()) : gl!;
    return [g.unsqueeze(-1).unsqueeze(-1).mul(invUnchecked(A).mH)];
  }, [A, sign]);
  return [sign, logabsdet];
}

// ---- solve -----------------------------------------------------------------------------------

interface LeftOption { left?: boolean }

/** torch.linalg.solve(A, B, { left }): B a (batch of) matrix, or of vectors when B is A.shape[:-1] or 1-D. */
export function solve(A: Tensor, B: Tensor, ...args: Args<[], LeftOption & OutOption>): Tensor;
export function solve<A extends Rebound<[A: Tensor, B: Tensor], ["A", "B"], LeftOption & OutOption>>(...args: A): Tensor;
export function solve(A: Tensor, B: Tensor, ...args: Args<[], LeftOption & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_solve", arguments)) return runAutocast(solve, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? B : A)) return rebind(solve, "linalg.solve", arguments, ["A", "B"], 2, ["left", "out"]);
  if (hasOut(args)) return withOut("linalg_solve", args, (rest) => solve(A, B, ...(rest as [never])), "same", false, [A, B]);
  const a = bindArgs("linalg.solve", args, [], ["left"], 2);
  const { X, infos } = solveForward(A, B, (a.left as boolean | undefined) ?? true);
  raiseLinalgErrors(infos, "torch.linalg.solve", "solve", A.dim() > 2);
  return X;
}

/** torch.linalg.solve_ex(A, B, { left, checkErrors }): (result, info). */
export function solveEx(A: Tensor, B: Tensor, ...args: Args<[], LeftOption & { checkErrors?: boolean }>): NamedTuple<"result" | "info">;
export function solveEx<A extends Rebound<[A: Tensor, B: Tensor], ["A", "B"], LeftOption & { checkErrors?: boolean }>>(...args: A): NamedTuple<"result" | "info">;
export function solveEx(A: Tensor, B: Tensor, ...args: Args<[], LeftOption & { checkErrors?: boolean }>): NamedTuple<"result" | "info"> {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? B : A)) return rebind(solveEx, "linalg.solve_ex", arguments, ["A", "B"], 2, ["left", "checkErrors"]);
  const a = bindArgs("linalg.solve_ex", args, [], ["left", "checkErrors"], 2);
  refuseDeviceCheckErrors("linalg.solve_ex", a.checkErrors, A, B);
  const { X, infos } = solveForward(A, B, (a.left as boolean | undefined) ?? true);
  if (a.checkErrors === true) raiseLinalgErrors(infos, "torch.linalg.solve_ex", "solve", A.dim() > 2);
  return namedTuple(["result", "info"], [X, infoTensor(infos, A.shape.slice(0, -2))]);
}

function solveForward(A: Tensor, B: Tensor, left: boolean): { X: Tensor; infos: Infos } {
  const api = "linalg.solve";
  checkTensor(api, "A", A);
  checkTensor(api, "B", B);
  checkSquare(api, A);
  checkFloatOrComplex(api, A);
  checkSameDtype(api, A, B);
  const as = A.shape;
  const vector = B.dim() === 1 || (A.dim() - 1 === B.dim() && B.shape.every((v, i) => v === as[i]));
  const Bm = vector ? B.unsqueeze(left ? -1 : -2) : B;
  checkSolverShapes(api, A, Bm, left);
  let infos: Infos;
  let X: Tensor;
  if (onDevice(A, B)) {
    deviceOp("sameDevice", api)(api, [A, B]);
    // One factorization gives the info and the solve: that of the matrix solveLeft is given,
    // which is the one the CPU's info comes from (see gpuLuFactorForSolve).
    const f = deviceOp("luFactorForSolve", api)(left ? A : A.mT);
    infos = f.info;
    X = left ? solveLeft(A, Bm, f) : solveLeft(A.mT, Bm.mT, f).mT;
  } else {
    if (A.dtype.isComplex) infos = CX.complexLuInfo(A);
    else {
      const M = matricesOf(A);
      infos = K.luInfo(M.data, M.rows, M.batch, A.isContiguous());
    }
    X = left ? solveLeft(A, Bm) : solveLeft(A.mT, Bm.mT).mT;
  }
  if (vector) X = X.squeeze(left ? -1 : -2);
  return { X, infos };
}

function checkSolverShapes(api: string, A: Tensor, B: Tensor, left: boolean): void {
  checkIsMatrix(api, B, "B");
  const a = A.shape;
  const b = B.shape;
  const [ar, ac] = [a[a.length - 2]!, a[a.length - 1]!];
  const [br, bc] = [b[b.length - 2]!, b[b.length - 1]!];
  if (left ? ar !== br : ac !== bc) {
    throw new Error(`${api}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${ar}x${ac} and ${br}x${bc})`);
  }
}

/** The device's LU of A for a solve (gpuLuFactorForSolve). */
interface DeviceLu { LU: Tensor; pivots: Tensor; adjoint: boolean }

/** X = A⁻¹ B for matrices B, broadcasting batch dims; no singularity check. On the device, `factors` is A's LU when known. */
function solveLeft(A: Tensor, B: Tensor, factors?: DeviceLu): Tensor {
  const [Ab, Bb] = broadcastBatch(A, B);
  let X: Tensor;
  if (onDevice(A, B)) {
    const f = factors ?? deviceOp("luFactorForSolve", "linalg.solve")(A);
    const batch = Bb.shape.slice(0, -2);
    const n = A.shape[A.dim() - 1]!;
    X = deviceOp("luSolve", "linalg.solve")(f.LU.expand([...batch, n, n]), f.pivots.expand([...batch, n]), Bb, f.adjoint);
  } else if (A.dtype.isComplex) X = CX.complexSolveLeft(A, B);
  else {
    const MA = matricesOf(Ab);
    const MB = matricesOf(Bb);
    const n = MA.rows;
    const k = MB.cols;
    const out = allocLike(A.dtype, MB.batch * n * k);
    K.solve(MA.data, MB.data, n, k, MA.batch, out, A.isContiguous());
    X = wrap(out, Bb.shape, A.dtype);
  }
  return record("LinalgSolveExBackward0", [A, B], X, ([g]) => {
    const gB = solveLeft(A.mH, g!);
    const gA = matmul(gB, X.mH).neg();
    return [sumToShape(gA, A.shape), sumToShape(gB, B.shape)];
  }, [A, X]);
}

/** torch.linalg.solve_triangular(A, B, { upper, left, unitriangular }). */
export function solveTriangular(A: Tensor, B: Tensor, ...args: Args<[], { upper?: boolean; left?: boolean; unitriangular?: boolean }>): Tensor;
export function solveTriangular<A extends Rebound<[A: Tensor, B: Tensor], ["A", "B"], { upper?: boolean; left?: boolean; unitriangular?: boolean }>>(...args: A): Tensor;
export function solveTriangular(
  A: Tensor,
  B: Tensor,
  ...args: Args<[], { upper?: boolean; left?: boolean; unitriangular?: boolean }>
): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? B : A)) return rebind(solveTriangular, "linalg.solve_triangular", arguments, ["A", "B"], 2, ["upper", "left", "unitriangular"]);
  const api = "linalg.solve_triangular";
  checkTensor(api, "A", A);
  checkTensor(api, "B", B);
  const a = bindArgs(api, args, [], ["upper", "left", "unitriangular"]);
  if (typeof a.upper !== "boolean") throw new Error(`${api}() missing 1 required keyword-only argument: 'upper'`);
  const left = (a.left as boolean | undefined) ?? true;
  checkFloatOrComplex(api, A);
  checkSameDtype(api, A, B);
  checkSquare(api, A);
  checkSolverShapes(api, A, B, left);
  return solveTriangularCore(A, B, a.upper, left, (a.unitriangular as boolean | undefined) ?? false);
}

function solveTriangularCore(A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean): Tensor {
  const [Ab, Bb] = broadcastBatch(A, B);
  let X: Tensor;
  if (onDevice(A, B)) {
    // X A = B is Aᵀ Xᵀ = Bᵀ, Aᵀ's triangle the other one.
    const solveOnDevice = deviceOp("triangularSolve", "linalg.solve_triangular");
    X = left ? solveOnDevice(Ab, Bb, upper, unit) : solveOnDevice(Ab.mT, Bb.mT, !upper, unit).mT;
  } else if (A.dtype.isComplex) X = CX.complexSolveTriangular(A, B, upper, left, unit);
  else {
    const MA = matricesOf(Ab);
    const MB = matricesOf(Bb);
    const out = allocLike(A.dtype, MB.batch * MB.rows * MB.cols);
    K.triangularSolve(MA.data, MB.data, MA.rows, MB.rows, MB.cols, MA.batch, out, { upper, left, unitriangular: unit });
    X = wrap(out, Bb.shape, A.dtype);
  }
  return record("LinalgSolveTriangularBackward0", [A, B], X, ([g]) => {
    // gB = A⁻ᴴ g (left) or g A⁻ᴴ (right); gA = -gB Xᴴ or -Xᴴ gB, kept on A's triangle.
    const gB = solveTriangularCore(A.mH, g!, !upper, left, unit);
    let gA = left ? matmul(gB, X.mH).neg() : matmul(X.mH, gB).neg();
    gA = upper ? triu(gA, unit ? 1 : 0) : tril(gA, unit ? -1 : 0);
    return [sumToShape(gA, A.shape), sumToShape(gB, B.shape)];
  }, [A, X]);
}

// ---- Cholesky --------------------------------------------------------------------------------

/** torch.linalg.cholesky(A, { upper }): L with A = L Lᵀ (or U with A = Uᵀ U). */
export function cholesky(A: Tensor, ...args: Args<[], { upper?: boolean } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_cholesky", arguments)) return runAutocast(cholesky, arguments);
  if (hasOut(args)) return withOut("linalg_cholesky", args, (rest) => cholesky(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.cholesky", "A", A);
  const a = bindArgs("linalg.cholesky", args, [], ["upper"], 1);
  const { L, infos } = choleskyForward("linalg.cholesky", A, (a.upper as boolean | undefined) ?? false);
  raiseLinalgErrors(infos, "linalg.cholesky", "cholesky", A.dim() > 2);
  return L;
}

/** torch.linalg.cholesky_ex(A, { upper, checkErrors }): (L, info). */
export function choleskyEx(A: Tensor, ...args: Args<[], { upper?: boolean; checkErrors?: boolean }>): NamedTuple<"L" | "info"> {
  if (autocasting.on && autocasts("linalg_cholesky_ex", arguments)) return runAutocast(choleskyEx, arguments);
  checkTensor("linalg.cholesky_ex", "A", A);
  const a = bindArgs("linalg.cholesky_ex", args, [], ["upper", "checkErrors"], 1);
  refuseDeviceCheckErrors("linalg.cholesky_ex", a.checkErrors, A);
  const { L, infos } = choleskyForward("linalg.cholesky", A, (a.upper as boolean | undefined) ?? false);
  if (a.checkErrors === true) raiseLinalgErrors(infos, "linalg.cholesky_ex", "cholesky", A.dim() > 2);
  return namedTuple(["L", "info"], [L, infoTensor(infos, A.shape.slice(0, -2))]);
}

/** The factor and LAPACK's infos; `api` names the op in argument errors. */
function choleskyForward(api: string, A: Tensor, upper: boolean): { L: Tensor; infos: Infos } {
  checkSquare(api, A);
  checkFloatOrComplex(api, A);
  let L: Tensor;
  let infos: Infos;
  if (A.dtype.isComplex) ({ L, infos } = CX.complexCholesky(api, A, upper));
  else if (onDevice(A)) {
    const r = deviceOp("cholesky", api)(A, upper);
    L = r.L;
    infos = r.info;
  } else {
    const M = matricesOf(A);
    const n = M.rows;
    const out = allocLike(A.dtype, M.batch * n * n);
    infos = K.cholesky(M.data, n, M.batch, out, upper);
    L = wrap(out, A.shape, A.dtype);
  }
  record("LinalgCholeskyExBackward0", [A], L, ([g]) => [choleskyBackward(g!, L, upper)], [L]);
  return { L, infos };
}

function choleskyBackward(gFactor: Tensor, factor: Tensor, upper: boolean): Tensor {
  // PyTorch's cholesky_backward (Murray 2016): gA = L⁻ᴴ Φ(Lᴴ gL) L⁻¹, Φ = lower triangle with a halved diagonal, made Hermitian.
  const L = upper ? factor.mH : factor;
  const gL = upper ? gFactor.mH : gFactor;
  let gA = tril(matmul(L.mH, gL));
  gA = gA.add(tril(gA, -1).mH).mul(0.5);
  gA = solveTriangularCore(L.mH, gA, true, true, false);
  return solveTriangularCore(L, gA, false, false, false);
}

// ---- QR --------------------------------------------------------------------------------------

export type QrMode = "reduced" | "complete" | "r";

/** torch.linalg.qr(A, mode = "reduced"): (Q, R); mode "r" gives an empty Q. */
export function qr(A: Tensor, ...args: Args<[mode?: QrMode], { mode?: QrMode } & OutPairOption>): NamedTuple<"Q" | "R"> {
  if (autocasting.on && autocasts("linalg_qr", arguments)) return runAutocast(qr, arguments);
  if (hasOut(args)) return withOut("linalg_qr", args, (rest) => qr(A, ...(rest as [never])), "same", false, [A]);
  const api = "linalg.qr";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["mode"]);
  const mode = (a.mode as QrMode | undefined) ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new Error(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  checkIsMatrix(api, A);
  checkFloatOrComplex(api, A);
  const [Q, R] = A.dtype.isComplex ? CX.complexQr(A, mode) : qrForward(api, A, mode);
  const m = A.shape[A.dim() - 2]!;
  const n = A.shape[A.dim() - 1]!;
  record("LinalgQrBackward0", [A], [Q, R], ([gQ, gR]) => [qrBackward(gQ!, gR!, Q, R, mode, m, n)], [Q, R]);
  return namedTuple(["Q", "R"], [Q, R]);
}

function qrForward(api: string, A: Tensor, mode: QrMode): [Tensor, Tensor] {
  if (onDevice(A)) {
    const r = deviceOp("qr", api)(A, mode);
    return [r.Q ?? zeros([0], { dtype: A.dtype, device: A.device }), r.R];
  }
  const M = matricesOf(A);
  const shapes = K.qrShapes(M.rows, M.cols, mode);
  const qData = mode === "r" ? null : allocLike(A.dtype, M.batch * shapes.q[0]! * shapes.q[1]!);
  const rData = allocLike(A.dtype, M.batch * shapes.r[0] * shapes.r[1]);
  K.qr(M.data, M.rows, M.cols, M.batch, mode, qData, rData);
  const Q = qData ? wrap(qData, [...M.batchShape, ...shapes.q], A.dtype) : wrap(allocLike(A.dtype, 0), [0], A.dtype);
  return [Q, wrap(rData, [...M.batchShape, ...shapes.r], A.dtype)];
}

/**
 * PyTorch's linalg_qr_backward, real or complex (conjugate transposes), with M = gR Rᴴ - Qᴴ gQ:
 * m >= n: gA = (gQ + Q herm(triu(M))) R⁻ᴴ, herm(X) = X + Xᴴ with its (real) diagonal halved;
 * m < n: gA = [Q skew(-M) R₁⁻ᴴ | 0] + Q gR, skew(X) = tril(X - Xᴴ) with its (imaginary) diagonal
 * halved, R₁ = R's leading m×m block. Complex QR fixes R's diagonal real, hence those diagonals.
 */
function qrBackward(gQ: Tensor, gR: Tensor, Q: Tensor, R: Tensor, mode: QrMode, m: number, n: number): Tensor {
  if (mode === "r") {
    throw new Error("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
  }
  if (mode === "complete" && m > n) throw new Error("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  const M = matmul(gR, R.mH).sub(matmul(Q.mH, gQ));
  // ½(X + Xᴴ) + ½(X₁ + X₁ᴴ), X₁ = X without its diagonal, halves just the diagonal (with no diag_embed).
  const hermitianPart = (X: Tensor): Tensor => X.add(X.mH).mul(0.5);
  if (m >= n) {
    const inner = hermitianPart(triu(M)).add(hermitianPart(triu(M, 1)));
    return solveTriangular(R.mH, gQ.add(matmul(Q, inner)), { upper: false, left: false });
  }
  const K = M.mH.sub(M);
  const inner = tril(K).add(tril(K, -1)).mul(0.5);
  const gA1 = solveTriangular(R.narrow(-1, 0, m).mH, matmul(Q, inner), { upper: false, left: false });
  // [gA₁ | 0] through a selection matrix (differentiable, and on the device without a concatenation).
  return matmul(gA1, eye(m, n, { dtype: Q.dtype, device: Q.device })).add(matmul(Q, gR));
}

// ---- symmetric eigendecomposition ------------------------------------------------------------

type Uplo = "L" | "U";

function uploOf(v: unknown): Uplo {
  const s = typeof v === "string" ? v : String(v);
  const u = s.toUpperCase();
  if (s.length !== 1 || (u !== "L" && u !== "U")) throw new Error(`Expected UPLO argument to be 'L' or 'U', but got ${s}`);
  return u;
}

function eighForward(api: string, A: Tensor, uplo: Uplo, wantVectors: boolean): { L: Tensor; V: Tensor | null } {
  checkSquare(api, A);
  checkFloatOrComplex(api, A);
  if (A.dtype.isComplex) return CX.complexEigh(api, A, uplo, wantVectors);
  // The device cannot report a failure to converge (LAPACK's info) without a readback: Jacobi stops after its last sweep.
  if (onDevice(A)) return deviceOp("eigh", api)(A, uplo === "U", wantVectors);
  const M = matricesOf(A);
  const n = M.rows;
  const w = allocLike(A.dtype, M.batch * n);
  const v = wantVectors ? allocLike(A.dtype, M.batch * n * n) : null;
  const infos = K.eigh(M.data, n, M.batch, w, v, uplo);
  K.checkLinalgErrors(infos, api, "eigh", A.dim() > 2);
  return { L: wrap(w, [...M.batchShape, n], A.dtype), V: v ? wrap(v, A.shape, A.dtype) : null };
}

/**
 * torch.linalg.eigh(A, UPLO = "L"): (eigenvalues ascending, eigenvectors as columns). Only the
 * UPLO triangle is read. Eigenvector signs follow LAPACK's syevd (see backends/js/linalg-eigh.ts).
 */
export function eigh(A: Tensor, ...args: Args<[UPLO?: Uplo], { UPLO?: Uplo } & OutPairOption>): NamedTuple<"eigenvalues" | "eigenvectors"> {
  if (autocasting.on && autocasts("linalg_eigh", arguments)) return runAutocast(eigh, arguments);
  if (hasOut(args)) return withOut("linalg_eigh", args, (rest) => eigh(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.eigh", "A", A);
  const a = bindArgs("linalg.eigh", args, ["UPLO"], [], 1);
  const uplo = uploOf(a.UPLO ?? "L");
  const { L, V } = eighForward("linalg.eigh", A, uplo, true);
  const vectors = V as Tensor;
  record("LinalgEighBackward0", [A], [L, vectors], ([gL, gV]) => [eighBackward(gL!, gV!, L, vectors)], [L, vectors]);
  return namedTuple(["eigenvalues", "eigenvectors"], [L, vectors]);
}

/** torch.linalg.eigvalsh(A, UPLO = "L"): the eigenvalues, ascending. */
export function eigvalsh(A: Tensor, ...args: Args<[UPLO?: Uplo], { UPLO?: Uplo }>): Tensor {
  if (autocasting.on && autocasts("linalg_eigvalsh", arguments)) return runAutocast(eigvalsh, arguments);
  checkTensor("linalg.eigvalsh", "A", A);
  const a = bindArgs("linalg.eigvalsh", args, ["UPLO"], [], 1);
  const uplo = uploOf(a.UPLO ?? "L");
  // With autograd, through eigh itself so that higher-order gradients see the eigenvectors.
  if (needsGrad(A)) return eigh(A, uplo)[0]!;
  return eighForward("linalg.eigh", A, uplo, false).L;
}

// ---- SVD -------------------------------------------------------------------------------------

function checkDriver(driver: unknown): void {
  if (driver !== undefined && driver !== null) {
    throw new Error("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend.");
  }
}

function svdForward(A: Tensor, full: boolean): [Tensor, Tensor, Tensor] {
  const api = "linalg.svd";
  checkIsMatrix(api, A);
  checkFloatOrComplex(api, A);
  if (A.dtype.isComplex) return CX.complexSvd(A, full);
  if (onDevice(A)) {
    const r = deviceOp("svd", api)(A, full, true);
    return [r.U!, r.S, r.Vh!];
  }
  const M = matricesOf(A);
  const m = M.rows;
  const n = M.cols;
  const sh = K.svdShapes(m, n, full);
  const u = allocLike(A.dtype, M.batch * sh.u[0] * sh.u[1]);
  const s = allocLike(A.dtype, M.batch * sh.s);
  const vh = allocLike(A.dtype, M.batch * sh.vh[0] * sh.vh[1]);
  K.svd(M.data, m, n, M.batch, full, u, s, vh);
  return [
    wrap(u, [...M.batchShape, ...sh.u], A.dtype),
    wrap(s, [...M.batchShape, sh.s], A.dtype),
    wrap(vh, [...M.batchShape, ...sh.vh], A.dtype),
  ];
}

/**
 * torch.linalg.svd(A, fullMatrices = true): (U, S, Vh), S descending. For min(m, n) <= 25 the
 * signs of U and Vh are LAPACK gesdd's; beyond, Jacobi's (see backends/js/linalg-svd.ts).
 */
export function svd(A: Tensor, ...args: Args<[fullMatrices?: boolean], { fullMatrices?: boolean; driver?: string | null }>): NamedTuple<"U" | "S" | "Vh"> {
  if (autocasting.on && autocasts("linalg_svd", arguments)) return runAutocast(svd, arguments);
  checkTensor("linalg.svd", "A", A);
  const a = bindArgs("linalg.svd", args, ["fullMatrices"], ["driver"], 1);
  checkDriver(a.driver);
  const full = (a.fullMatrices as boolean | undefined) ?? true;
  const [U, S, Vh] = svdForward(A, full);
  const s = A.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  record("LinalgSvdBackward0", [A], [U, S, Vh], ([gU, gS, gVh]) => [svdBackward(gU!, gS!, gVh!, U, S, Vh, full, m, n)], [U, S, Vh]);
  return namedTuple(["U", "S", "Vh"], [U, S, Vh]);
}

/** torch.linalg.svdvals(A): the singular values, descending. */
export function svdvals(A: Tensor, ...args: Args<[], { driver?: string | null } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_svdvals", arguments)) return runAutocast(svdvals, arguments);
  if (hasOut(args)) return withOut("linalg_svdvals", args, (rest) => svdvals(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.svdvals", "A", A);
  const a = bindArgs("linalg.svdvals", args, [], ["driver"], 1);
  checkDriver(a.driver);
  if (!needsGrad(A)) {
    const api = "linalg.svd";
    checkIsMatrix(api, A);
    checkFloatOrComplex(api, A);
    if (A.dtype.isComplex) return CX.complexSvdvals(A);
    if (onDevice(A)) return deviceOp("svd", api)(A, false, false).S;
    const M = matricesOf(A);
    const k = Math.min(M.rows, M.cols);
    const s = allocLike(A.dtype, M.batch * k);
    K.svdvals(M.data, M.rows, M.cols, M.batch, s);
    return wrap(s, [...M.batchShape, k], A.dtype);
  }
  // With autograd, through svd itself so that higher-order gradients see U and Vh.
  return svd(A, false)[1]!;
}

// ---- pseudo-inverse and rank -----------------------------------------------------------------

interface TolOptions { atol?: number | null; rtol?: number | null; hermitian?: boolean }

function tolerances(A: Tensor, atol: number | null | undefined, rtol: number | null | undefined): [number, number] {
  const s = A.shape;
  const eps = realOf(A.dtype) === float32 ? 2 ** -23 : 2 ** -52;
  const a = atol ?? 0;
  // PyTorch: rtol defaults to eps · max(m, n) unless atol is given (> 0).
  const r = rtol ?? (atol !== null && atol !== undefined && atol > 0 ? 0 : eps * Math.max(s[s.length - 2]!, s[s.length - 1]!));
  return [a, r];
}

/** The lower triangle mirrored (hermitian=True reads only that triangle, as PyTorch's eigh path). */
function symmetrizeLower(A: Tensor): Tensor {
  return tril(A).add(tril(A, -1).mT);
}

/** torch.linalg.pinv(A, { atol, rtol, hermitian }) (also the legacy rcond: pinv(A, rcond)). */
export function pinv(A: Tensor, ...args: Args<[rcond?: number | null, hermitian?: boolean], TolOptions & { rcond?: number | null }>): Tensor {
  const api = "linalg.pinv";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["rcond", "hermitian"], ["atol", "rtol"]);
  checkIsMatrix(api, A);
  checkFloatOrComplex(api, A);
  const rtolArg = (a.rtol as number | null | undefined) ?? (a.rcond as number | null | undefined);
  const [atol, rtol] = tolerances(A, a.atol as number | null | undefined, rtolArg);
  const hermitian = (a.hermitian as boolean | undefined) ?? false;
  let P: Tensor;
  if (A.dtype.isComplex) P = CX.complexPinv(A, atol, rtol, hermitian);
  else {
    const src = hermitian ? symmetrizeLower(A.detach()) : A;
    if (onDevice(A)) P = pinvOnDevice(src.detach(), atol, rtol);
    else {
      const s = A.shape;
      const M = matricesOf(src);
      const out = allocLike(A.dtype, M.batch * M.rows * M.cols);
      K.pinv(M.data, M.rows, M.cols, M.batch, atol, rtol, out);
      P = wrap(out, [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!], A.dtype);
    }
  }
  return record("LinalgPinvBackward0", [A], P, ([g]) => [pinvBackward(g!, P, A)], [A, P]);
}

/**
 * The singular values above max(atol, rtol · σ_max) of each matrix, as a 0/1 mask [..., k]
 * computed on the device (no readback); σ [..., k] descending, k > 0.
 */
function aboveTolerance(S: Tensor, atol: number, rtol: number): Tensor {
  const tol = S.narrow(-1, 0, 1).mul(rtol).clamp(atol);
  return S.gt(tol);
}

/** pinv through the device's SVD: V diag(1/σ) Uᵀ over the singular values above tolerance. */
function pinvOnDevice(A: Tensor, atol: number, rtol: number): Tensor {
  const s = A.shape;
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  if (Math.min(m, n) === 0) return zeros([...s.slice(0, -2), n, m], { dtype: A.dtype, device: A.device });
  const [U, S, Vh] = svdForward(A, false);
  const inverse = S.reciprocal().where(aboveTolerance(S, atol, rtol), 0);
  return matmul(Vh.mT.mul(inverse.unsqueeze(-2)), U.mT);
}

/** torch.linalg.matrix_rank(A, { atol, rtol, hermitian }): int64 counts of singular values above tolerance. */
export function matrixRank(A: Tensor, ...args: Args<[tol?: number | null, hermitian?: boolean], TolOptions & { tol?: number | null }>): Tensor {
  if (autocasting.on && autocasts("linalg_matrix_rank", arguments)) return runAutocast(matrixRank, arguments);
  const api = "linalg.matrix_rank";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["tol", "hermitian"], ["atol", "rtol"]);
  checkIsMatrix(api, A);
  checkFloatOrComplex(api, A);
  const atolArg = (a.atol as number | null | undefined) ?? (a.tol as number | null | undefined);
  const [atol, rtol] = tolerances(A, atolArg, a.rtol as number | null | undefined);
  if (A.dtype.isComplex) return CX.complexMatrixRank(A, atol, rtol, (a.hermitian as boolean | undefined) ?? false);
  const src = (a.hermitian as boolean | undefined) ? symmetrizeLower(A.detach()) : A;
  if (onDevice(A)) {
    const s = A.shape;
    if (Math.min(s[s.length - 2]!, s[s.length - 1]!) === 0) return zeros(s.slice(0, -2), { dtype: int64, device: A.device });
    const S = deviceOp("svd", api)(src.detach(), false, false).S;
    return aboveTolerance(S, atol, rtol).sum(-1);
  }
  const M = matricesOf(src);
  const out = new BigInt64Array(M.batch);
  K.matrixRank(M.data, M.rows, M.cols, M.batch, atol, rtol, out);
  return fromArray(out, M.batchShape, int64);
}

// ---- norms -----------------------------------------------------------------------------------

type Ord = number | "inf" | "-inf";
type NormDims = number | number[] | null;
interface NormOptions { dtype?: DTypeLike | null }

function ordValue(api: string, ord: unknown): number {
  if (typeof ord === "number") return ord;
  if (ord === "inf") return Infinity;
  if (ord === "-inf") return -Infinity;
  throw new Error(`${api}(): argument 'ord' must be Number, not ${typeof ord}`);
}

function withDtype(api: string, x: Tensor, dtype: unknown): Tensor {
  if (dtype === undefined || dtype === null) {
    if (!x.dtype.isFloatingPoint && !x.dtype.isComplex) {
      throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarName(x)}`);
    }
    return x;
  }
  const d = checkNormDtype(api, x, dtype as DTypeLike);
  if (d.isComplex) return castTo(x, d);
  if (!d.isFloatingPoint) throw new Error(`${api}: dtype should be floating point or complex. Got ${scalarName(castTo(x.detach(), d))}`);
  return castTo(x, d);
}

/** The dtype= of a norm: complex for complex input, real for real input (PyTorch's checks). */
function checkNormDtype(api: string, x: Tensor, dtype: DTypeLike): DType {
  const d = toDType(dtype);
  if (!x.dtype.isFloatingPoint && !x.dtype.isComplex) throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarName(x)}`);
  if (x.dtype.isComplex !== d.isComplex) {
    throw new Error(`${api}: dtype should be ${x.dtype.isComplex ? "complex for complex" : "real for real"} inputs, but got ${scalarTypeName(d)}`);
  }
  return d;
}

function scalarName(x: Tensor): string { return scalarTypeName(x.dtype); }

function normKernel(p: number): (d: ArrayLike<number>, s: number, len: number) => number {
  if (p === 2) {
    return (d, s, len) => {
      // Scaled sum of squares: no overflow for huge entries, no underflow for tiny ones.
      let scale = 0;
      let ssq = 1;
      for (let i = s; i < s + len; i++) {
        const v = Math.abs(d[i]!);
        if (v === 0) continue;
        if (Number.isNaN(v)) return NaN;
        if (v === Infinity) return Infinity;
        if (scale < v) {
          ssq = 1 + ssq * (scale / v) * (scale / v);
          scale = v;
        } else ssq += (v / scale) * (v / scale);
      }
      return scale * Math.sqrt(ssq);
    };
  }
  if (p === Infinity || p === -Infinity) {
    return (d, s, len) => {
      let acc = p > 0 ? 0 : Infinity;
      for (let i = s; i < s + len; i++) {
        const v = Math.abs(d[i]!);
        if (Number.isNaN(v)) return NaN;
        acc = p > 0 ? Math.max(acc, v) : Math.min(acc, v);
      }
      return acc;
    };
  }
  if (p === 0) {
    return (d, s, len) => {
      let c = 0;
      for (let i = s; i < s + len; i++) if (d[i] !== 0) c += Number.isNaN(d[i]!) ? NaN : 1;
      return c;
    };
  }
  if (p === 1) {
    return (d, s, len) => {
      let acc = 0;
      for (let i = s; i < s + len; i++) acc += Math.abs(d[i]!);
      return acc;
    };
  }
  return (d, s, len) => {
    let acc = 0;
    for (let i = s; i < s + len; i++) acc += Math.abs(d[i]!) ** p;
    return acc ** (1 / p);
  };
}

/** torch.linalg.vector_norm(x, ord = 2, dim = null, keepdim = false, { dtype }). */
export function vectorNorm(
  x: Tensor,
  ...args: Args<[ord?: Ord, dim?: NormDims, keepdim?: boolean], { ord?: Ord; dim?: NormDims; keepdim?: boolean } & NormOptions & OutOption>
): Tensor {
  if (autocasting.on && autocasts("linalg_vector_norm", arguments)) return runAutocast(vectorNorm, arguments);
  if (hasOut(args)) return withOut("linalg_vector_norm", args, (rest) => vectorNorm(x, ...(rest as [never])), "same", false, [x]);
  const api = "linalg.vector_norm";
  checkTensor(api, "x", x);
  const a = bindArgs(api, args, ["ord", "dim", "keepdim"], ["dtype"]);
  const p = ordValue(api, a.ord ?? 2);
  const dims = checkDims(api, "dim", a.dim);
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  const input = withDtype(api, x, a.dtype);
  if (input.dtype === complex32) throw notImplementedFor("norm_cpu", complex32);
  // The norm of complex numbers is the norm of their moduli (a real result).
  if (input.dtype.isComplex) return vectorNorm(input.abs(), p, dims, keepdim);
  const plan = planReduce(api, input, dims, keepdim);
  if (p < 0 || p === Infinity) {
    const s = input.shape;
    for (const d of plan.dims) {
      if (s[d] === 0) {
        throw new Error(`${api} cannot compute the ${p === Infinity ? "inf" : p === -Infinity ? "-inf" : String(p)} norm on an empty tensor because the operation does not have an identity`);
      }
    }
  }
  const out = onDevice(input) ? deviceOp("vectorNorm", api)(input, p, plan.dims, keepdim) : reduceWith(input, plan, input.dtype, normKernel(p));
  record("LinalgVectorNormBackward0", [input], out, ([g]) => [vectorNormBackward(g!, input, out, p, plan.dims, keepdim)], [input, out]);
  if (tracing.on) traceOp("vector_norm", [input], out, { ord: p, dims: plan.dims, keepdim });
  return out;
}

function vectorNormBackward(grad: Tensor, x: Tensor, norm: Tensor, p: number, dims: readonly number[], keepdim: boolean): Tensor {
  let g = grad;
  let nrm = norm;
  if (!keepdim && x.dim() > 0) {
    const shape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
    g = g.reshape(shape);
    nrm = nrm.reshape(shape);
  }
  if (p === 0) return x.mul(0);
  if (p === 1) return x.sign().mul(g);
  if (p === 2) return x.mul(g.div(nrm).where(nrm.ne(0), 0));
  if (p === Infinity || p === -Infinity) {
    const absx = x.abs();
    const mask = absx.eq(nrm).logicalOr(absx.isnan()).to(x.dtype);
    const count = mask.sum(dims as number[], true);
    return x.sign().mul(g.div(count).mul(mask));
  }
  if (p < 1) {
    const scaled = x.sign().mul(x.abs().pow(p - 1).where(x.ne(0), 0));
    return scaled.mul(g).mul(nrm.pow(1 - p));
  }
  const scale = g.div(nrm.pow(p - 1)).where(nrm.ne(0), 0);
  const scaled = p < 2 ? x.sign().mul(x.abs().pow(p - 1)) : x.mul(x.abs().pow(p - 2));
  return scaled.mul(scale);
}

/** torch.linalg.matrix_norm(A, ord = "fro", dim = [-2, -1], keepdim = false, { dtype }). */
export function matrixNorm(
  A: Tensor,
  ...args: Args<[ord?: Ord | "fro" | "nuc", dim?: number[], keepdim?: boolean], { ord?: Ord | "fro" | "nuc"; dim?: number[]; keepdim?: boolean } & NormOptions & OutOption>
): Tensor {
  if (autocasting.on && autocasts("linalg_matrix_norm", arguments)) return runAutocast(matrixNorm, arguments);
  if (hasOut(args)) return withOut("linalg_matrix_norm", args, (rest) => matrixNorm(A, ...(rest as [never])), "same", false, [A]);
  const api = "linalg.matrix_norm";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["ord", "dim", "keepdim"], ["dtype"]);
  const ord = (a.ord as Ord | "fro" | "nuc" | undefined) ?? "fro";
  const dim = checkDims(api, "dim", a.dim ?? [-2, -1]) as number[];
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  return matrixNormImpl(api, A, ord, dim, keepdim, a.dtype as DTypeLike | null | undefined);
}

function matrixNormImpl(api: string, A: Tensor, ord: Ord | "fro" | "nuc", dim: number[], keepdim: boolean, dtype: DTypeLike | null | undefined): Tensor {
  checkIsMatrix(api, A);
  if (dim.length !== 2) throw new Error(`${api}: dim must be a 2-tuple. Got ${dim.join(" ")}`);
  const [d0, d1] = normalizeDims(dim, A.dim(), api) as [number, number];
  if (d0 === d1) throw new Error(`${api}: dims must be different. Got (${dim.join(", ")})`);
  if (dtype !== undefined && dtype !== null) checkNormDtype(api, A, dtype);
  // Complex A: the entrywise norms are those of the moduli |a_ij| (each the 2-norm of (re, im),
  // which gives abs's gradient); the spectral ones go through the complex svdvals.
  if (A.dtype.isComplex && ord !== "nuc" && ord !== 2 && ord !== -2) {
    const moduli = vectorNorm(realView(withDtype(api, A, dtype)), 2, -1);
    return matrixNormImpl(api, moduli, ord, dim, keepdim, null);
  }
  if (ord === "fro") return vectorNorm(A, 2, [d0, d1], keepdim, { dtype: dtype ?? null });
  if (ord === "nuc" || ord === 2 || ord === -2) {
    const x = withDtype(api, A, dtype);
    const s = svdvals(x.movedim([d0, d1], [-2, -1]));
    const k = s.shape[s.dim() - 1]!;
    let r: Tensor;
    if (ord === "nuc") r = s.sum(-1);
    else {
      if (k === 0) throw new Error(`${api}: The input tensor A must have at least one singular value.`);
      r = s.select(-1, ord === 2 ? 0 : k - 1);
    }
    if (keepdim) r = r.reshape(A.shape.map((v, i) => (i === d0 || i === d1 ? 1 : v)));
    return r;
  }
  if (typeof ord === "string" && ord !== "inf" && ord !== "-inf") throw new Error(`${api}: Order ${ord} not supported.`);
  const p = ordValue(api, ord);
  if (Math.abs(p) !== 1 && Math.abs(p) !== Infinity) throw new Error(`${api}: Order ${p} not supported.`);
  // ±1: max/min over columns of the absolute column sums; ±inf: over rows of the row sums.
  let sumDim = d0;
  let pickDim = d1;
  if (Math.abs(p) === Infinity) [sumDim, pickDim] = [d1, d0];
  if (!keepdim && sumDim < pickDim) pickDim--;
  const sums = vectorNorm(A, 1, sumDim, keepdim, { dtype: dtype ?? null });
  return vectorNorm(sums, p > 0 ? Infinity : -Infinity, pickDim, keepdim);
}

/** torch.linalg.norm(A, ord = null, dim = null, keepdim = false, { dtype }). */
export function norm(
  A: Tensor,
  ...args: Args<[ord?: Ord | "fro" | "nuc" | null, dim?: NormDims, keepdim?: boolean], { ord?: Ord | "fro" | "nuc" | null; dim?: NormDims; keepdim?: boolean } & NormOptions>
): Tensor {
  const api = "linalg.norm";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["ord", "dim", "keepdim"], ["dtype"]);
  const ord = a.ord as Ord | "fro" | "nuc" | null | undefined;
  const dim = checkDims(api, "dim", a.dim);
  const keepdim = (a.keepdim as boolean | undefined) ?? false;
  const dtype = (a.dtype as DTypeLike | null | undefined) ?? null;
  if (dim !== null) {
    if (dim.length !== 1 && dim.length !== 2) throw new Error(`${api}: If dim is specified, it must be of length 1 or 2. Got [${dim.join(", ")}]`);
  } else if (ord !== null && ord !== undefined && A.dim() !== 1 && A.dim() !== 2) {
    throw new Error(`${api}: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.dim()}D.`);
  }
  const isMatrixOrd = ord === "fro" || ord === "nuc";
  if (ord !== null && ord !== undefined && ((dim !== null && dim.length === 2) || (dim === null && A.dim() === 2) || isMatrixOrd)) {
    return matrixNormImpl("linalg.matrix_norm", A, ord, dim ?? [0, 1], keepdim, dtype);
  }
  return vectorNorm(A, ord ?? 2, dim, keepdim, { dtype });
}

/** torch.linalg.cross(input, other, dim = -1): torch.cross with the last dim as default. */
export function cross(input: Tensor, other: Tensor, ...args: Args<[dim?: number], { dim?: number }>): Tensor;
export function cross<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"], { dim?: number }>>(...args: A): Tensor;
export function cross(input: Tensor, other: Tensor, ...args: Args<[dim?: number], { dim?: number }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? other : input)) return rebind(cross, "linalg.cross", arguments, ["input", "other", "dim"], 2, []);
  checkTensor("linalg.cross", "input", input);
  checkTensor("linalg.cross", "other", other);
  const a = bindArgs("linalg.cross", args, ["dim"], [], 2);
  return input.cross(other, (a.dim as number | undefined) ?? -1);
}
