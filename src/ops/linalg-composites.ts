// torch.linalg functions that PyTorch composes from other ops (matrix_power, multi_dot, vecdot,
// vander, diagonal, tensorinv, tensorsolve, cond, householder_product): written in public ops, so autograd and every
// device those ops run on come for free.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import { numel } from "../core/shape.js";
import { type Args, bindArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { cat } from "./shape-join.js";
import { diagonal as torchDiagonal } from "./view.js";
import { eye, zeros } from "./creation.js";
import { hasOut, type OutOption, outCall, withOut } from "./out.js";
import { matrixPower as torchMatrixPower } from "./linalg-functions.js";
import { checkFloat, checkSquare, householderVector, scalarTypeName } from "./linalg-engine.js";
import { notImplementedFor } from "./pointwise-util.js";
import { cppTypeName, float32, float64 } from "../core/dtype.js";
import { inv, invEx, matrixNorm, solve, svdvals } from "./linalg.js";

/** torch.linalg.matrix_power(A, n) = torch.matrix_power (negative n through inv). */
export function matrixPower(A: Tensor, n: number, options?: OutOption): Tensor;
export function matrixPower<A extends Rebound<[A: Tensor, n: number], ["A", "n"], OutOption>>(...args: A): Tensor;
export function matrixPower(A: Tensor, n: number, options?: OutOption): Tensor {
  if (arguments.length > 2) return outCall("linalg_matrix_power", arguments, 2, () => matrixPower(A, n), "same");
  else if (isOptionsObject(arguments.length === 2 ? n : A)) return rebind(matrixPower, "linalg.matrix_power", arguments, ["A", "n"], 2, ["out"]);
  return torchMatrixPower(A, n);
}

/** multi_dot's message names dtypes as c10's TypeMeta does ("double", "long int", ...). */
const typeMetaName = cppTypeName;

/**
 * torch.linalg.multi_dot(tensors): the chain product in the order of fewest scalar multiplications
 * (PyTorch's matrix-chain dynamic program); a 1-D first tensor is a row vector, a 1-D last one a
 * column vector, and their dims are dropped from the result.
 */
export function multiDot(tensors: Tensor[], options?: OutOption): Tensor;
export function multiDot<A extends Rebound<[tensors: Tensor[]], ["tensors"], OutOption>>(...args: A): Tensor;
export function multiDot(tensors: Tensor[], options?: OutOption): Tensor {
  if (autocasting.on && autocasts("linalg_multi_dot", arguments)) return runAutocast(multiDot, arguments);
  if (arguments.length > 1) return outCall("linalg_multi_dot", arguments, 1, () => multiDot(tensors), "same");
  else if (isOptionsObject(tensors)) return rebind(multiDot, "linalg.multi_dot", arguments, ["tensors"], 1, ["out"]);
  const api = "multi_dot()";
  const n = tensors.length;
  if (n < 2) throw new Error(`${api}: expected at least 2 tensors but got ${n}`);
  tensors.forEach((t, i) => checkTensor("linalg.multi_dot", `tensors[${i}]`, t));
  const first = tensors[0]!;
  const last = tensors[n - 1]!;
  if (first.dim() !== 1 && first.dim() !== 2) throw new Error(`${api}: the first tensor must be 1D or 2D but got ${first.dim()}D`);
  if (last.dim() !== 1 && last.dim() !== 2) throw new Error(`${api}: the last tensor must be 1D or 2D but got ${last.dim()}D`);
  for (let i = 1; i < n - 1; i++) if (tensors[i]!.dim() !== 2) throw new Error(`${api}: tensor ${i} must be 2D but got ${tensors[i]!.dim()}D`);
  for (let i = 1; i < n; i++) {
    if (tensors[i]!.dtype !== first.dtype) {
      throw new Error(`${api}: all tensors must have be the same dtype but tensor 0 is ${typeMetaName(first.dtype)} and tensor ${i} ${typeMetaName(tensors[i]!.dtype)}`);
    }
  }
  const mats = tensors.slice();
  if (first.dim() === 1) mats[0] = first.unsqueeze(0);
  if (last.dim() === 1) mats[n - 1] = last.unsqueeze(1);
  for (let i = 0; i + 1 < n; i++) {
    if (mats[i]!.shape[1] !== mats[i + 1]!.shape[0]) {
      throw new Error(`${api}: tensors ${i} and ${i + 1} with shapes [${tensors[i]!.shape.join(", ")}] and [${tensors[i + 1]!.shape.join(", ")}] cannot be multiplied`);
    }
  }
  let result: Tensor;
  if (n === 2) result = matmul(mats[0]!, mats[1]!);
  else if (n === 3) {
    const [a, b] = mats[0]!.shape as [number, number];
    const [c, d] = [mats[2]!.shape[0]!, mats[2]!.shape[1]!];
    // (AB)C costs a·c·(b + d), A(BC) costs b·d·(a + c).
    result = a * c * (b + d) > b * d * (a + c) ? matmul(mats[0]!, matmul(mats[1]!, mats[2]!)) : matmul(matmul(mats[0]!, mats[1]!), mats[2]!);
  } else result = chainProduct(mats, chainOrder(mats), 0, n - 1);
  if (first.dim() === 1 && last.dim() === 1) return result.reshape([]);
  if (first.dim() === 1) return result.squeeze(0);
  if (last.dim() === 1) return result.squeeze(1);
  return result;
}

/** The matrix-chain order: split[i][j] is where the product of matrices i..j splits (Cormen et al.). */
function chainOrder(mats: Tensor[]): number[][] {
  const n = mats.length;
  const p = [mats[0]!.shape[0]!, ...mats.map((m) => m.shape[1]!)];
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let k = i; k < j; k++) {
        const q = cost[i]![k]! + cost[k + 1]![j]! + p[i]! * p[k + 1]! * p[j + 1]!;
        if (q < cost[i]![j]!) {
          cost[i]![j] = q;
          split[i]![j] = k;
        }
      }
    }
  }
  return split;
}

function chainProduct(mats: Tensor[], split: number[][], i: number, j: number): Tensor {
  if (i === j) return mats[i]!;
  const k = split[i]![j]!;
  return matmul(chainProduct(mats, split, i, k), chainProduct(mats, split, k + 1, j));
}

/** torch.linalg.vecdot(x, y, { dim = -1 }): Σ conj(x)·y over dim, broadcasting. */
export function vecdot(x: Tensor, y: Tensor, ...args: Args<[], { dim?: number } & OutOption>): Tensor;
export function vecdot<A extends Rebound<[x: Tensor, y: Tensor], ["x", "y"], { dim?: number } & OutOption>>(...args: A): Tensor;
export function vecdot(x: Tensor, y: Tensor, ...args: Args<[], { dim?: number } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_vecdot", arguments)) return runAutocast(vecdot, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? y : x)) return rebind(vecdot, "linalg.vecdot", arguments, ["x", "y"], 2, ["dim", "out"]);
  if (hasOut(args)) return withOut("linalg_vecdot", args, (rest) => vecdot(x, y, ...(rest as [never])), "same", false, [x, y]);
  const api = "linalg.vecdot";
  checkTensor(api, "x", x);
  checkTensor(api, "y", y);
  const a = bindArgs(api, args, [], ["dim"], 2);
  if (!x.dtype.isFloatingPoint && !x.dtype.isComplex) throw new Error(`${api}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(x.dtype)}`);
  if (x.dtype !== y.dtype) {
    throw new Error(`${api}: Expected x and y to have the same dtype, but found x of type ${scalarTypeName(x.dtype)} and y of type ${scalarTypeName(y.dtype)} instead`);
  }
  return (x.dtype.isComplex ? x.conj() : x).mul(y).sum((a.dim as number | undefined) ?? -1);
}

/** torch.linalg.vander(x, { N }): [..., n, N] with columns x⁰, x¹, …, x^(N-1) (N defaults to n). */
export function vander(x: Tensor, ...args: Args<[], { N?: number | null }>): Tensor {
  const api = "linalg.vander";
  checkTensor(api, "x", x);
  const a = bindArgs(api, args, [], ["N"], 1);
  const d = x.dtype;
  if (d.name === "bool" || !(d.isFloatingPoint || d.name.startsWith("int") || d.name === "uint8")) {
    throw new Error(`${api} supports floating point, complex, and integer tensors, but got ${scalarTypeName(d)}`);
  }
  const x1 = x.dim() === 0 ? x.unsqueeze(-1) : x;
  const shape = x1.shape.slice();
  const N = (a.N as number | null | undefined) ?? shape[shape.length - 1]!;
  if (!(N > 1)) throw new Error("N must be greater than 1.");
  // The powers 1..N-1 as a running product, after a column of ones (cumprod promotes integers to int64).
  const powers = x1.unsqueeze(-1).expand([...shape, N - 1]).cumprod(-1);
  return cat([powers.newOnes([...shape, 1]), powers], -1);
}

/** torch.linalg.diagonal(A, { offset = 0, dim1 = -2, dim2 = -1 }) = torch.diagonal with matrix defaults. */
export function diagonal(A: Tensor, ...args: Args<[], { offset?: number; dim1?: number; dim2?: number }>): Tensor {
  checkTensor("linalg.diagonal", "A", A);
  const a = bindArgs("linalg.diagonal", args, [], ["offset", "dim1", "dim2"], 1);
  return torchDiagonal(A, (a.offset as number | undefined) ?? 0, (a.dim1 as number | undefined) ?? -2, (a.dim2 as number | undefined) ?? -1);
}

/** torch.linalg.tensorinv(A, ind = 2): the inverse of A as a prod(shape[:ind]) × prod(shape[ind:]) matrix, reshaped to shape[ind:] + shape[:ind]. */
export function tensorinv(A: Tensor, ...args: Args<[ind?: number], { ind?: number } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_tensorinv", arguments)) return runAutocast(tensorinv, arguments);
  if (hasOut(args)) return withOut("linalg_tensorinv", args, (rest) => tensorinv(A, ...(rest as [never])), "same", false, [A]);
  checkTensor("linalg.tensorinv", "A", A);
  const a = bindArgs("linalg.tensorinv", args, ["ind"], [], 1);
  const ind = (a.ind as number | undefined) ?? 2;
  if (!(ind > 0)) throw new Error(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const s = A.shape;
  const outer = s.slice(0, ind);
  const inner = s.slice(ind);
  const rows = numel(outer);
  const cols = numel(inner);
  if (rows !== cols) throw new Error(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${cols} != ${rows}`);
  return inv(A.reshape([rows, cols])).reshape([...inner, ...outer]);
}

/** torch.linalg.tensorsolve(A, B, dims = null): X with tensordot(A, X, X.ndim) = B; `dims` of A move to the end first. */
export function tensorsolve(A: Tensor, B: Tensor, ...args: Args<[dims?: number[] | null], { dims?: number[] | null } & OutOption>): Tensor;
export function tensorsolve<A extends Rebound<[A: Tensor, B: Tensor], ["A", "B"], { dims?: number[] | null } & OutOption>>(...args: A): Tensor;
export function tensorsolve(A: Tensor, B: Tensor, ...args: Args<[dims?: number[] | null], { dims?: number[] | null } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_tensorsolve", arguments)) return runAutocast(tensorsolve, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? B : A)) return rebind(tensorsolve, "linalg.tensorsolve", arguments, ["A", "B", "dims"], 2, ["out"]);
  if (hasOut(args)) return withOut("linalg_tensorsolve", args, (rest) => tensorsolve(A, B, ...(rest as [never])), "same", false, [A, B]);
  checkTensor("linalg.tensorsolve", "A", A);
  checkTensor("linalg.tensorsolve", "B", B);
  const a = bindArgs("linalg.tensorsolve", args, ["dims"], [], 2);
  const dims = a.dims as number[] | null | undefined;
  let At = A;
  if (dims !== null && dims !== undefined) {
    const dst = dims.map((_, i) => A.dim() - dims.length + i);
    At = A.movedim(dims, dst);
  }
  const resultShape = At.shape.slice(B.dim());
  const rows = numel(At.shape.slice(0, B.dim()));
  const cols = numel(resultShape);
  if (rows !== cols) {
    throw new Error(`Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${cols} != ${rows}`);
  }
  return solve(At.reshape([rows, cols]), B.reshape([rows])).reshape(resultShape);
}

type CondOrd = number | "inf" | "-inf" | "fro" | "nuc";

/**
 * torch.linalg.cond(A, p = null): ±2 (and null) from the singular values, 'nuc' as Σσ · Σ1/σ,
 * 'fro' / ±1 / ±inf as ‖A‖ ‖A⁻¹‖ with inf for a singular A; 0 for an empty matrix.
 */
export function cond(A: Tensor, ...args: Args<[p?: CondOrd | null], { p?: CondOrd | null } & OutOption>): Tensor {
  if (autocasting.on && autocasts("linalg_cond", arguments)) return runAutocast(cond, arguments);
  if (hasOut(args)) return withOut("linalg_cond", args, (rest) => cond(A, ...(rest as [never])), "same", false, [A]);
  const api = "linalg.cond";
  checkTensor(api, "A", A);
  const a = bindArgs(api, args, ["p"], [], 1);
  const p = (a.p as CondOrd | null | undefined) ?? 2;
  if (A.dim() < 2) throw new Error(`${api}: The input tensor must have at least 2 dimensions.`);
  const numeric = typeof p === "number" ? p : p === "inf" ? Infinity : p === "-inf" ? -Infinity : null;
  if (numeric !== null && ![1, -1, 2, -2, Infinity, -Infinity].includes(numeric)) throw new Error(`${api} got an invalid norm type: ${String(p)}`);
  if (numeric === null || Math.abs(numeric) !== 2) {
    const name = numeric === Infinity ? "inf" : numeric === -Infinity ? "-inf" : String(p);
    checkSquare(`${api}(ord=${name})`, A);
    if (numeric === null && p !== "fro" && p !== "nuc") throw new Error(`${api} got an invalid norm type: ${String(p)}`);
  }
  if (A.numel() === 0) {
    checkFloat(api, A);
    return zeros(A.shape.slice(0, -2), { dtype: A.dtype, device: A.device });
  }
  if (numeric !== null && Math.abs(numeric) === 2) {
    const s = svdvals(A);
    const k = s.shape[s.dim() - 1]!;
    const sMax = s.narrow(-1, 0, 1);
    const sMin = s.narrow(-1, k - 1, 1);
    return (numeric === 2 ? sMax.div(sMin) : sMin.div(sMax)).squeeze(-1);
  }
  if (p === "nuc") {
    // The definition through the singular values (a singular A gives a huge number, not inf, as PyTorch).
    const s = svdvals(A);
    return s.sum(-1).mul(s.reciprocal().sum(-1));
  }
  const { inverse, info } = invEx(A);
  const singular = info.gt(0).unsqueeze(-1).unsqueeze(-1);
  const inverseOrInf = inverse.maskedFill(singular, Infinity);
  const ord = p === "fro" ? "fro" : numeric === Infinity ? "inf" : numeric === -Infinity ? "-inf" : numeric!;
  return matrixNorm(A, ord).mul(matrixNorm(inverseOrInf, ord)).nanToNum(Infinity, Infinity, -Infinity);
}

/**
 * torch.linalg.householder_product(A, tau): the first n columns of H(0) H(1) … H(k-1), H(i) =
 * I - tau[i] v vᵀ with v = [0…0, 1, A[i+1:, i]] (LAPACK's orgqr). Applied to the identity from the
 * last reflector back, in public ops, so its gradient is the product's (PyTorch's
 * LinalgHouseholderProductBackward0 is the same derivative, recorded as one node).
 */
export function householderProduct(A: Tensor, tau: Tensor, options?: OutOption): Tensor;
export function householderProduct<A extends Rebound<[A: Tensor, tau: Tensor], ["A", "tau"], OutOption>>(...args: A): Tensor;
export function householderProduct(A: Tensor, tau: Tensor, options?: OutOption): Tensor {
  if (autocasting.on && autocasts("linalg_householder_product", arguments)) return runAutocast(householderProduct, arguments);
  if (arguments.length > 2) return outCall("linalg_householder_product", arguments, 2, () => householderProduct(A, tau), "same");
  else if (isOptionsObject(arguments.length === 2 ? tau : A)) return rebind(householderProduct, "linalg.householder_product", arguments, ["A", "tau"], 2, ["out"]);
  const api = "torch.linalg.householder_product";
  checkTensor("linalg.householder_product", "A", A);
  checkTensor("linalg.householder_product", "tau", tau);
  if (A.dim() < 2) throw new Error(`${api}: input must have at least 2 dimensions.`);
  const m = A.shape[A.dim() - 2]!;
  const n = A.shape[A.dim() - 1]!;
  const k = tau.shape[tau.dim() - 1] ?? 1;
  if (m < n) throw new Error(`${api}: input.shape[-2] must be greater than or equal to input.shape[-1]`);
  if (n < k) throw new Error(`${api}: input.shape[-1] must be greater than or equal to tau.shape[-1]`);
  if (A.dim() - tau.dim() !== 1) {
    throw new Error(`${api}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.dim()} and input.ndim is equal to ${A.dim()}`);
  }
  const batch = A.shape.slice(0, -2);
  const tauBatch = tau.shape.slice(0, -1);
  if (batch.length > 0 && tauBatch.some((v, i) => v !== batch[i])) {
    throw new Error(`${api}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [${tauBatch.join(", ")}]`);
  }
  if (tau.dtype !== A.dtype) throw new Error(`${api}: tau dtype ${scalarTypeName(tau.dtype)} does not match input dtype ${scalarTypeName(A.dtype)}`);
  if (A.dtype !== float32 && A.dtype !== float64) throw notImplementedFor("orgqr_cpu", A.dtype);
  const like = { dtype: A.dtype, device: A.device };
  let Q = eye(m, n, like).expand([...batch, m, n]);
  for (let i = k - 1; i >= 0; i--) {
    const v = householderVector(A, i);
    const t = tau.narrow(-1, i, 1).unsqueeze(-1);
    Q = Q.sub(matmul(v, matmul(v.mT, Q)).mul(t));
  }
  return k === 0 ? Q.clone() : Q;
}
