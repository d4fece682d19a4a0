// torch.linalg.ldl_factor(_ex) and ldl_solve: LAPACK's sytrf / sytrs (Bunch-Kaufman pivoting on the
// lower triangle; backends/js/linalg-ldl.ts). Real inputs only, so `hermitian` changes nothing.
// PyTorch 1.13 has no derivative for them: backward raises its error.

import type { Tensor } from "../core/tensor.js";
import { float32, float64 } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { toNumbers } from "./engine.js";
import { notImplementedFor } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { hasOut, type OutOption, withOut } from "./out.js";
import { type NamedTuple, allocLike, broadcastBatch, checkSquare, matricesOf, namedTuple, scalarTypeName, wrap, wrapInt32 } from "./linalg-engine.js";

interface HermitianOption { hermitian?: boolean }

function checkFloatingOrComplex(api: string, A: Tensor): void {
  if (!A.dtype.isFloatingPoint) throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
}

/** A node whose backward raises PyTorch's "derivative ... is not implemented". */
function recordNoDerivative(op: string, inputs: Tensor[], output: Tensor): void {
  record("NotImplemented", inputs, output, () => { throw new Error(`derivative for aten::${op} is not implemented`); }, []);
}

function ldlFactorValues(A: Tensor): { LD: Tensor; pivots: Tensor; infos: Int32Array } {
  const api = "torch.linalg.ldl_factor_ex";
  checkSquare(api, A);
  checkFloatingOrComplex(api, A);
  if (A.dtype !== float32 && A.dtype !== float64) throw notImplementedFor("ldl_factor_kernel_cpu", A.dtype);
  if (onDevice(A)) throw notImplementedOnDevice("linalg.ldl_factor");
  const M = matricesOf(A.detach());
  const n = M.rows;
  const ld = allocLike(A.dtype, M.batch * n * n);
  const piv = new Int32Array(M.batch * n);
  const infos = K.ldlFactor(M.data, n, M.batch, ld, piv);
  const LD = wrap(ld, A.shape, A.dtype);
  recordNoDerivative("linalg_ldl_factor_ex", [A], LD);
  return { LD, pivots: wrapInt32(piv, A.shape.slice(0, -1)), infos };
}

/** PyTorch 1.13 reports a singular D (LAPACK's info > 0) with this text. */
function raiseLdlErrors(api: string, infos: Int32Array): void {
  for (const info of infos) if (info !== 0) throw new Error(`${api}: Unknown error code: ${info}.`);
}

/** torch.linalg.ldl_factor(A, { hermitian }): (LD, pivots); L and D packed in the lower triangle, LAPACK's pivots. */
export function ldlFactor(A: Tensor, ...args: Args<[], HermitianOption & { out?: readonly [Tensor, Tensor] | null }>): NamedTuple<"LD" | "pivots"> {
  if (hasOut(args)) return withOut("linalg_ldl_factor", args, (rest) => ldlFactor(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.ldl_factor", "A", A);
  bindArgs("linalg.ldl_factor", args, [], ["hermitian"], 1);
  const { LD, pivots, infos } = ldlFactorValues(A);
  raiseLdlErrors("torch.linalg.ldl_factor", infos);
  return namedTuple(["LD", "pivots"], [LD, pivots]);
}

/** torch.linalg.ldl_factor_ex(A, { hermitian, checkErrors }): (LD, pivots, info). */
export function ldlFactorEx(A: Tensor, ...args: Args<[], HermitianOption & { checkErrors?: boolean }>): NamedTuple<"LD" | "pivots" | "info"> {
  checkTensor("linalg.ldl_factor_ex", "A", A);
  const a = bindArgs("linalg.ldl_factor_ex", args, [], ["hermitian", "checkErrors"], 1);
  const { LD, pivots, infos } = ldlFactorValues(A);
  if (a.checkErrors === true) raiseLdlErrors("torch.linalg.ldl_factor_ex", infos);
  return namedTuple(["LD", "pivots", "info"], [LD, pivots, wrapInt32(infos, A.shape.slice(0, -2))]);
}

/** torch.linalg.ldl_solve(LD, pivots, B, { hermitian }): X with A X = B from ldl_factor's LD and pivots. */
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, ...args: Args<[], HermitianOption & OutOption>): Tensor;
export function ldlSolve<A extends Rebound<[LD: Tensor, pivots: Tensor, B: Tensor], ["LD", "pivots", "B"], HermitianOption & OutOption>>(...args: A): Tensor;
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, ...args: Args<[], HermitianOption & OutOption>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? B : arguments.length === 2 ? pivots : LD)) {
    return rebind(ldlSolve, "linalg.ldl_solve", arguments, ["LD", "pivots", "B"], 3, ["hermitian", "out"]);
  }
  if (hasOut(args)) return withOut("linalg_ldl_solve", args, (rest) => ldlSolve(LD, pivots, B, ...(rest as [never])), "same", false, [LD, pivots, B]);
  const api = "torch.linalg.ldl_solve";
  checkTensor("linalg.ldl_solve", "LD", LD);
  checkTensor("linalg.ldl_solve", "pivots", pivots);
  checkTensor("linalg.ldl_solve", "B", B);
  bindArgs("linalg.ldl_solve", args, [], ["hermitian"], 3);
  checkSquare(api, LD);
  if (B.dim() < 2) throw new Error(`Dimension out of range (expected to be in range of [-1, 0], but got -2)`);
  if (B.dtype !== LD.dtype) {
    throw new Error(`Expected b and A to have the same dtype, but found b of type ${scalarTypeName(B.dtype)} and A of type ${scalarTypeName(LD.dtype)} instead.`);
  }
  checkFloatingOrComplex(api, LD);
  const n = LD.shape[LD.dim() - 1]!;
  const br = B.shape[B.dim() - 2]!;
  if (br !== n) {
    throw new Error(`Incompatible matrix sizes for ${api}: each A matrix is ${n} by ${n} but each b matrix is ${br} by ${B.shape[B.dim() - 1]}`);
  }
  const expected = LD.shape.slice(0, -1);
  if (pivots.dim() !== expected.length || pivots.shape.some((v, i) => v !== expected[i])) {
    throw new Error(`${api}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape [${pivots.shape.join(", ")}] instead`);
  }
  if (LD.dtype !== float32 && LD.dtype !== float64) throw notImplementedFor("ldl_solve_kernel_cpu", LD.dtype);
  if (onDevice(LD, pivots, B)) throw notImplementedOnDevice("linalg.ldl_solve");
  const [LDb, Bb] = broadcastBatch(LD, B);
  const batchShape = Bb.shape.slice(0, -2);
  const piv = Int32Array.from(toNumbers(pivots.expand([...batchShape, n]).contiguous()) as ArrayLike<number>, Number);
  const ML = matricesOf(LDb.detach());
  const MB = matricesOf(Bb.detach());
  const out = allocLike(LD.dtype, MB.batch * n * MB.cols);
  K.ldlSolve(ML.data, piv, MB.data, n, MB.cols, MB.batch, out);
  const X = wrap(out, Bb.shape, LD.dtype);
  recordNoDerivative("linalg_ldl_solve", [LD, B], X);
  return X;
}
