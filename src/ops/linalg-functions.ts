// The torch.* spellings of linear-algebra ops (torch.det, torch.inverse, torch.svd, ...) and
// their Tensor methods; torch.norm lives with the reductions (reduction-more.ts). Most forward
// to torch.linalg (src/ops/linalg.ts); the legacy ones keep their own argument conventions
// (torch.svd returns V, not Vh, and takes some=True; torch.qr takes some; ...).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { record, sumToShape } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import * as linalg from "./linalg.js";
import {
  type NamedTuple, allocLike, broadcastBatch, checkFloat, checkFloatOrComplex, checkIsMatrix, checkSquare, checkSquareFloat, identity, matricesOf, namedTuple, wrap,
} from "./linalg-engine.js";
import { complexLogdet } from "./linalg-complex.js";
import { toNumbers } from "./engine.js";
import { float32, float64, scalarTypeName } from "../core/dtype.js";
import { notImplementedFor } from "./pointwise-util.js";
import { zeros } from "./creation.js";
import { deviceOp, onDevice } from "./device-hooks.js";

import { hasOut, outCall, type OutOption, type OutPairOption, withOut } from "./out.js";
import { warnOnce } from "../core/warnings.js";
/** torch.det = torch.linalg.det. */
export function det(input: Tensor): Tensor;
export function det<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function det(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("det", arguments, 1); else if (isOptionsObject(input)) return rebind(det, "det", arguments, ["input"], 1, []);
  return linalg.det(input);
}

/** torch.slogdet = torch.linalg.slogdet. */
export function slogdet(input: Tensor, options?: OutPairOption): NamedTuple<"sign" | "logabsdet">;
export function slogdet<A extends Rebound<[input: Tensor], ["input"], OutPairOption>>(...args: A): NamedTuple<"sign" | "logabsdet">;
export function slogdet(input: Tensor, options?: OutPairOption): NamedTuple<"sign" | "logabsdet"> {
  if (arguments.length > 1) return outCall("slogdet", arguments, 1, () => slogdet(input)); else if (isOptionsObject(input)) return rebind(slogdet, "slogdet", arguments, ["input"], 1, ["out"]);
  return linalg.slogdet(input);
}

/** torch.logdet: log(det(A)); nan for a negative determinant, -inf for a singular matrix. */
export function logdet(input: Tensor): Tensor;
export function logdet<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function logdet(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("logdet", arguments, 1); else if (isOptionsObject(input)) return rebind(logdet, "logdet", arguments, ["input"], 1, []);
  checkTensor("logdet", "input", input);
  // Computed from slogdet without recording it: logdet has its own backward, g · A⁻ᴴ (A⁻ᵀ for real A;
  // for complex A what PyTorch's log(sign) + logabsdet gives through slogdet's complex rule).
  const backward = ([g]: (Tensor | null)[]): Tensor[] => [g!.unsqueeze(-1).unsqueeze(-1).mul(linalg.invEx(input).inverse.mH)];
  if (input.dtype.isComplex) return record("LogdetBackward0", [input], complexLogdet(input.detach()), backward, [input]);
  const [sign, logabs] = linalg.slogdet(input.detach());
  if (onDevice(input)) {
    // -inf already for a singular matrix (sign 0); NaN for a negative determinant.
    return record("LogdetBackward0", [input], logabs!.maskedFill(sign!.lt(0), Number.NaN), backward, [input]);
  }
  const s = toNumbers(sign);
  const l = toNumbers(logabs);
  const out = allocLike(input.dtype, s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]! < 0 ? Number.NaN : s[i] === 0 ? -Infinity : l[i]!;
  const result = wrap(out, sign.shape, input.dtype);
  return record("LogdetBackward0", [input], result, backward, [input]);
}

/** torch.inverse = torch.linalg.inv (same messages, "linalg.inv"). */
export function inverse(input: Tensor, options?: OutOption): Tensor;
export function inverse<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function inverse(input: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("inverse", arguments)) return runAutocast(inverse, arguments);
  if (arguments.length > 1) return outCall("inverse", arguments, 1, () => inverse(input), "same"); else if (isOptionsObject(input)) return rebind(inverse, "inverse", arguments, ["input"], 1, ["out"]);
  return linalg.inv(input);
}

/** torch.cholesky(input, upper = false): the deprecated spelling, with "cholesky" in its messages. */
export function cholesky(input: Tensor, ...args: Args<[upper?: boolean], { upper?: boolean }>): Tensor {
  if (autocasting.on && autocasts("cholesky", arguments)) return runAutocast(cholesky, arguments);
  checkTensor("cholesky", "input", input);
  const a = bindArgs("cholesky", args, ["upper"], [], 1);
  checkSquare("cholesky", input);
  checkFloatOrComplex("cholesky", input);
  const { L, info } = linalg.choleskyEx(input, { upper: (a.upper as boolean | undefined) ?? false });
  // The device cannot read info back synchronously: no error there (see linalg.ts, "LAPACK's info").
  if (!onDevice(input)) K.checkLinalgErrors(toNumbers(info) as Int32Array, "cholesky", "cholesky", input.dim() > 2);
  return L;
}

/** torch.cholesky_solve(B, L, upper = false): solves A X = B given A's Cholesky factor L (A = L Lᵀ). */
export function choleskySolve(input: Tensor, input2: Tensor, ...args: Args<[upper?: boolean], { upper?: boolean }>): Tensor;
export function choleskySolve<A extends Rebound<[input: Tensor, input2: Tensor], ["input", "input2"], { upper?: boolean }>>(...args: A): Tensor;
export function choleskySolve(input: Tensor, input2: Tensor, ...args: Args<[upper?: boolean], { upper?: boolean }>): Tensor {
  if (autocasting.on && autocasts("cholesky_solve", arguments)) return runAutocast(choleskySolve, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? input2 : input)) return rebind(choleskySolve, "cholesky_solve", arguments, ["input", "input2", "upper"], 2, []);
  const api = "cholesky_solve";
  checkTensor(api, "input", input);
  checkTensor(api, "input2", input2);
  const a = bindArgs(api, args, ["upper"]);
  const upper = (a.upper as boolean | undefined) ?? false;
  if (input.dim() < 2) throw new Error(`b should have at least 2 dimensions, but has ${input.dim()} dimensions instead`);
  if (input2.dim() < 2) throw new Error(`u should have at least 2 dimensions, but has ${input2.dim()} dimensions instead`);
  if (input.dtype !== input2.dtype) {
    throw new Error(`Expected b and A to have the same dtype, but found b of type ${input.dtype.name} and A of type ${input2.dtype.name} instead.`);
  }
  checkSquare(api, input2, "A");
  checkFloat(api, input2);
  const n = input2.shape[input2.dim() - 1]!;
  if (input.shape[input.dim() - 2] !== n) {
    throw new Error(`Incompatible matrix sizes for cholesky_solve: each A matrix is ${n} by ${n} but each b matrix is ${input.shape[input.dim() - 2]} by ${input.shape[input.dim() - 1]}`);
  }
  const [Bb, Lb] = broadcastBatch(input, input2);
  let X: Tensor;
  if (onDevice(input, input2)) X = deviceOp("choleskySolve", api)(Bb, Lb, upper);
  else {
    const MB = matricesOf(Bb);
    const ML = matricesOf(Lb);
    const out = allocLike(input.dtype, MB.batch * MB.rows * MB.cols);
    K.choleskySolve(ML.data, MB.data, n, MB.cols, MB.batch, out, upper);
    X = wrap(out, Bb.shape, input.dtype);
  }
  return record("CholeskySolveBackward0", [input, input2], X, ([g]) => {
    // gB = A⁻¹ g; gL = -(gB Xᵀ + X gBᵀ) L (or -U (…) for upper), as PyTorch.
    const gB = choleskySolve(g!, input2, upper);
    let common = matmul(gB, X.mT);
    common = common.add(common.mT);
    const gL = upper ? matmul(input2, common).neg() : matmul(common, input2).neg();
    return [sumToShape(gB, input.shape), sumToShape(gL, input2.shape)];
  }, [input2, X]);
}

/** torch.cholesky_inverse(L, upper = false): A⁻¹ from A's Cholesky factor. */
export function choleskyInverse(input: Tensor, ...args: Args<[upper?: boolean], { upper?: boolean }>): Tensor {
  if (autocasting.on && autocasts("cholesky_inverse", arguments)) return runAutocast(choleskyInverse, arguments);
  checkTensor("cholesky_inverse", "input", input);
  const a = bindArgs("cholesky_inverse", args, ["upper"], [], 1);
  checkIsMatrix("cholesky_inverse", input, "input");
  const n = input.shape[input.dim() - 1]!;
  return choleskySolve(identity(n, input.dtype, input), input, (a.upper as boolean | undefined) ?? false);
}

/** torch.pinverse(input, rcond = 1e-15) = torch.linalg.pinv(input, rtol = rcond). */
export function pinverse(input: Tensor, ...args: Args<[rcond?: number], { rcond?: number }>): Tensor {
  if (autocasting.on && autocasts("pinverse", arguments)) return runAutocast(pinverse, arguments);
  const a = bindArgs("pinverse", args, ["rcond"], [], 1);
  return linalg.pinv(input, { rtol: (a.rcond as number | undefined) ?? 1e-15 });
}

/**
 * torch.svd(input, some = true, computeUv = true): (U, S, V) with V (not Vh); without U and V
 * they come back zero-filled, m×m and n×n, as in PyTorch.
 */
export function svd(input: Tensor, ...args: Args<[some?: boolean, computeUv?: boolean], { some?: boolean; computeUv?: boolean }>): NamedTuple<"U" | "S" | "V"> {
  if (autocasting.on && autocasts("svd", arguments)) return runAutocast(svd, arguments);
  checkTensor("svd", "input", input);
  const a = bindArgs("svd", args, ["some", "computeUv"], [], 1);
  const some = (a.some as boolean | undefined) ?? true;
  const computeUv = (a.computeUv as boolean | undefined) ?? true;
  if (!computeUv) {
    const S = linalg.svdvals(input);
    const s = input.shape;
    const batch = s.slice(0, -2);
    const m = s[s.length - 2]!;
    const n = s[s.length - 1]!;
    const like = { dtype: input.dtype, device: input.device };
    return namedTuple(["U", "S", "V"], [zeros([...batch, m, m], like), S, zeros([...batch, n, n], like)]);
  }
  const [U, S, Vh] = linalg.svd(input, !some);
  return namedTuple(["U", "S", "V"], [U!, S!, Vh!.mH]);
}

/** torch.qr(input, some = true) = torch.linalg.qr(input, some ? "reduced" : "complete"). */
export function qr(input: Tensor, ...args: Args<[some?: boolean], { some?: boolean }>): NamedTuple<"Q" | "R"> {
  if (autocasting.on && autocasts("qr", arguments)) return runAutocast(qr, arguments);
  checkTensor("qr", "input", input);
  const a = bindArgs("qr", args, ["some"], [], 1);
  return linalg.qr(input, ((a.some as boolean | undefined) ?? true) ? "reduced" : "complete");
}

/** torch.matrix_power(input, n): repeated squaring; negative n inverts first. */
export function matrixPower(input: Tensor, n: number, options?: OutOption): Tensor;
export function matrixPower<A extends Rebound<[input: Tensor, n: number], ["input", "n"], OutOption>>(...args: A): Tensor;
export function matrixPower(input: Tensor, n: number, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("matrix_power", arguments, 2, () => matrixPower(input, n)); else if (isOptionsObject(arguments.length === 2 ? n : input)) return rebind(matrixPower, "matrix_power", arguments, ["input", "n"], 2, ["out"]);
  checkTensor("matrix_power", "input", input);
  const s = input.shape;
  if (input.dim() < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new Error(`linalg.matrix_power: A must be batches of square matrices, but they are ${s[s.length - 2] ?? 1} by ${s[s.length - 1]} matrices`);
  }
  if (!Number.isInteger(n)) throw new Error(`matrix_power(): argument 'n' must be int, not number`);
  if (n === 0) return identity(s[s.length - 1]!, input.dtype, input).expand(s).clone();
  let base = n < 0 ? linalg.inv(input) : input;
  let k = Math.abs(n);
  let result: Tensor | null = null;
  while (k > 0) {
    if (k & 1) result = result ? matmul(result, base) : base;
    k >>= 1;
    if (k > 0) base = matmul(base, base);
  }
  return result as Tensor;
}

/** torch.orgqr(input, tau) = torch.linalg.householder_product(input, tau). */
export function orgqr(input: Tensor, input2: Tensor): Tensor;
export function orgqr<A extends Rebound<[input: Tensor, input2: Tensor], ["input", "input2"]>>(...args: A): Tensor;
export function orgqr(input: Tensor, input2: Tensor): Tensor {
  if (autocasting.on && autocasts("orgqr", arguments)) return runAutocast(orgqr, arguments);
  if (arguments.length > 2) checkArgs("orgqr", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? input2 : input)) return rebind(orgqr, "orgqr", arguments, ["input", "input2"], 2, []);
  return linalg.householderProduct(input, input2);
}

/**
 * torch.triangular_solve(b, A, upper = true, transpose = false, unitriangular = false): the
 * deprecated form of torch.linalg.solve_triangular (arguments reversed, Aᵀ X = b with
 * transpose), returning (solution, clonedCoefficient), the latter A broadcast to the batch and
 * copied. Composed of solve_triangular and clone, so autograd comes from them.
 */
export function triangularSolve(input: Tensor, A: Tensor, ...args: Args<[upper?: boolean, transpose?: boolean, unitriangular?: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean } & OutPairOption>): NamedTuple<"solution" | "clonedCoefficient">;
export function triangularSolve<A extends Rebound<[input: Tensor, A: Tensor], ["input", "A"], { upper?: boolean; transpose?: boolean; unitriangular?: boolean } & OutPairOption>>(...args: A): NamedTuple<"solution" | "clonedCoefficient">;
export function triangularSolve(
  input: Tensor, A: Tensor,
  ...args: Args<[upper?: boolean, transpose?: boolean, unitriangular?: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean } & OutPairOption>
): NamedTuple<"solution" | "clonedCoefficient"> {
  if (autocasting.on && autocasts("triangular_solve", arguments)) return runAutocast(triangularSolve, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? A : input)) {
    return rebind(triangularSolve, "triangular_solve", arguments, ["input", "A", "upper", "transpose", "unitriangular"], 2, ["out"]);
  }
  if (hasOut(args)) return withOut("triangular_solve", args, (rest) => triangularSolve(input, A, ...(rest as [never])), "same", false, [input, A]) as NamedTuple<"solution" | "clonedCoefficient">;
  const a = bindArgs("triangular_solve", args, ["upper", "transpose", "unitriangular"], [], 2);
  const upper = (a.upper as boolean | undefined) ?? true;
  const transpose = (a.transpose as boolean | undefined) ?? false;
  const unitriangular = (a.unitriangular as boolean | undefined) ?? false;
  const api = "torch.triangular_solve";
  checkTensor("triangular_solve", "input", input);
  checkTensor("triangular_solve", "A", A);
  for (const [name, t] of [["b", input], ["A", A]] as const) {
    if (t.dim() < 2) throw new Error(`${api}: Expected ${name} to have at least 2 dimensions, but it has ${t.dim()} dimensions instead`);
  }
  const n = A.shape[A.dim() - 1]!;
  if (A.shape[A.dim() - 2] !== n) throw new Error(`A must be batches of square matrices, but they are ${A.shape[A.dim() - 2]} by ${n} matrices`);
  const rows = input.shape[input.dim() - 2]!;
  if (rows !== n) {
    throw new Error(`Incompatible matrix sizes for triangular_solve: each A matrix is ${n} by ${n} but each b matrix is ${rows} by ${input.shape[input.dim() - 1]}`);
  }
  if (input.dtype !== A.dtype) {
    throw new Error(`Expected b and A to have the same dtype, but found b of type ${scalarTypeName(input.dtype)} and A of type ${scalarTypeName(A.dtype)} instead.`);
  }
  if (input.dtype !== float32 && input.dtype !== float64) throw notImplementedFor("triangular_solve_cpu", input.dtype);
  const [bb, Ab] = broadcastBatch(input, A);
  warnOnce("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be removed in a future PyTorch release.");
  const solution = transpose ? linalg.solveTriangular(Ab.mT, bb, { upper: !upper, unitriangular }) : linalg.solveTriangular(Ab, bb, { upper, unitriangular });
  return namedTuple(["solution", "clonedCoefficient"], [solution, Ab.clone()]);
}

declare module "../core/tensor.js" {
  interface Tensor {
    orgqr: Method<typeof orgqr>;
    triangularSolve: Method<typeof triangularSolve>;
    det: Method<typeof det>;
    slogdet: Method<typeof slogdet>;
    logdet: Method<typeof logdet>;
    inverse: Method<typeof inverse>;
    cholesky: Method<typeof cholesky>;
    choleskySolve: Method<typeof choleskySolve>;
    choleskyInverse: Method<typeof choleskyInverse>;
    pinverse: Method<typeof pinverse>;
    svd: Method<typeof svd>;
    qr: Method<typeof qr>;
    matrixPower: Method<typeof matrixPower>;
  }
}

installMethods({ orgqr, triangularSolve, det, slogdet, logdet, inverse, cholesky, choleskySolve, choleskyInverse, pinverse, svd, qr, matrixPower });
