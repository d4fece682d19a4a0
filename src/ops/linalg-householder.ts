// torch.geqrf (LAPACK's QR in factored form, from the QR kernel's reflectors) and torch.ormqr (a
// matrix times the Q those reflectors make, without forming Q). geqrf has no derivative in
// PyTorch (its backward raises); ormqr is composed of public ops, so its gradient comes from them
// (the derivative PyTorch 2.x's OrmqrBackward0 computes).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { float32, float64 } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import * as K from "../backends/js/linalg.js";
import { type Args, bindArgs, checkTensor, installMethods, isOptionsObject, type Method, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { notImplementedFor } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { hasOut, outCall, type OutOption, type OutPairOption, withOut } from "./out.js";
import { type NamedTuple, allocLike, householderVector, matricesOf, namedTuple, scalarTypeName, wrap } from "./linalg-engine.js";

/**
 * torch.geqrf(input): (a, tau) as LAPACK's geqrf leaves them: R on and above the diagonal, the
 * Householder vectors v[1:] below it (v[0] = 1 implied), and the min(m, n) scalars tau, so that
 * Q = H(0) … H(k-1), H(i) = I - tau[i] v vᵀ (torch.linalg.householder_product, torch.ormqr).
 */
export function geqrf(input: Tensor, options?: OutPairOption): NamedTuple<"a" | "tau">;
export function geqrf<A extends Rebound<[input: Tensor], ["input"], OutPairOption>>(...args: A): NamedTuple<"a" | "tau">;
export function geqrf(input: Tensor, options?: OutPairOption): NamedTuple<"a" | "tau"> {
  if (autocasting.on && autocasts("geqrf", arguments)) return runAutocast(geqrf, arguments);
  if (arguments.length > 1) return outCall("geqrf", arguments, 1, () => geqrf(input), "same") as NamedTuple<"a" | "tau">;
  else if (isOptionsObject(input)) return rebind(geqrf, "geqrf", arguments, ["input"], 1, ["out"]);
  checkTensor("geqrf", "input", input);
  if (input.dim() < 2) throw new Error("torch.geqrf: input must have at least 2 dimensions.");
  if (input.dtype !== float32 && input.dtype !== float64) throw notImplementedFor("geqrf_cpu", input.dtype);
  if (onDevice(input)) throw notImplementedOnDevice("geqrf");
  const M = matricesOf(input.detach());
  const k = Math.min(M.rows, M.cols);
  const a = allocLike(input.dtype, M.batch * M.rows * M.cols);
  const tau = allocLike(input.dtype, M.batch * k);
  K.geqrf(M.data, M.rows, M.cols, M.batch, a, tau);
  const outputs = [wrap(a, input.shape, input.dtype), wrap(tau, [...M.batchShape, k], input.dtype)];
  record("GeqrfBackward0", [input], outputs, () => { throw new Error("the derivative for 'geqrf' is not implemented."); });
  return namedTuple(["a", "tau"], outputs);
}

/**
 * torch.ormqr(input, input2 = tau, input3 = other, left = true, transpose = false): op(Q) · other
 * (left) or other · op(Q), op(Q) = Q or Qᵀ, for the mn×mn Q = H(0) … H(k-1) that geqrf's
 * (input, tau) describe (mn = input.shape[-2]). The reflectors are applied one by one.
 */
export function ormqr(input: Tensor, input2: Tensor, input3: Tensor, ...args: Args<[left?: boolean, transpose?: boolean], { left?: boolean; transpose?: boolean } & OutOption>): Tensor;
export function ormqr<A extends Rebound<[input: Tensor, input2: Tensor, input3: Tensor], ["input", "input2", "input3"], { left?: boolean; transpose?: boolean } & OutOption>>(...args: A): Tensor;
export function ormqr(
  input: Tensor, input2: Tensor, input3: Tensor, ...args: Args<[left?: boolean, transpose?: boolean], { left?: boolean; transpose?: boolean } & OutOption>
): Tensor {
  if (autocasting.on && autocasts("ormqr", arguments)) return runAutocast(ormqr, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? input3 : arguments.length === 2 ? input2 : input)) {
    return rebind(ormqr, "ormqr", arguments, ["input", "input2", "input3", "left", "transpose"], 3, ["out"]);
  }
  if (hasOut(args)) return withOut("ormqr", args, (rest) => ormqr(input, input2, input3, ...(rest as [never])), "same", false, [input, input2, input3]);
  const a = bindArgs("ormqr", args, ["left", "transpose"], [], 3);
  const left = (a.left as boolean | undefined) ?? true;
  const transpose = (a.transpose as boolean | undefined) ?? false;
  const api = "torch.ormqr";
  checkTensor("ormqr", "input", input);
  checkTensor("ormqr", "input2", input2);
  checkTensor("ormqr", "input3", input3);
  const tau = input2;
  const other = input3;
  if (input.dim() < 2) throw new Error(`${api}: input must have at least 2 dimensions.`);
  if (other.dim() < 2) throw new Error(`${api}: other must have at least 2 dimensions.`);
  const sideDim = left ? -2 : -1;
  const sideSize = other.shape[other.dim() + sideDim]!;
  const k = tau.shape[tau.dim() - 1] ?? 1;
  if (sideSize < k) throw new Error(`${api}: other.shape[${sideDim}] must be greater than or equal to tau.shape[-1]`);
  if (sideSize !== input.shape[input.dim() - 2]) throw new Error(`${api}: other.shape[${sideDim}] must be equal to input.shape[-2]`);
  if (k > input.shape[input.dim() - 1]!) throw new Error(`${api}: tau.shape[-1] must be less than or equal to input.shape[-1]`);
  if (input.dim() - tau.dim() !== 1) {
    throw new Error(`${api}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.dim()} and input.ndim is equal to ${input.dim()}`);
  }
  if (input.dim() !== other.dim()) {
    throw new Error(`${api}: Expected other to have the same number of dimensions as input, but got other.ndim equal to ${other.dim()} and input.ndim is equal to ${input.dim()}`);
  }
  const batch = input.shape.slice(0, -2);
  for (const [name, t] of [["tau", tau], ["other", other]] as const) {
    const tBatch = t.shape.slice(0, batch.length);
    if (tBatch.some((v, i) => v !== batch[i])) throw new Error(`${api}: Expected batch dimensions of ${name} to be equal to input.shape[:-2], but got [${tBatch.join(", ")}]`);
  }
  for (const [name, t] of [["tau", tau], ["other", other]] as const) {
    if (t.dtype !== input.dtype) {
      throw new Error(`${api}: Expected input and ${name} to have the same dtype, but input has dtype${scalarTypeName(input.dtype)} and ${name} has dtype ${scalarTypeName(t.dtype)}`);
    }
  }
  if (input.dtype !== float32 && input.dtype !== float64) throw notImplementedFor("ormqr_cpu", input.dtype);
  if (k === 0) return other.clone();
  // Q C = H(0) (… (H(k-1) C)): the last reflector first; Qᵀ C and C Q take them from the first.
  const lastFirst = left !== transpose;
  let C = other;
  for (let step = 0; step < k; step++) {
    const i = lastFirst ? k - 1 - step : step;
    const v = householderVector(input, i);
    const t = tau.narrow(-1, i, 1).unsqueeze(-1);
    C = left ? C.sub(matmul(v, matmul(v.mT, C)).mul(t)) : C.sub(matmul(matmul(C, v), v.mT).mul(t));
  }
  return C;
}

declare module "../core/tensor.js" {
  interface Tensor {
    geqrf: Method<typeof geqrf>;
    ormqr: Method<typeof ormqr>;
  }
}
installMethods({ geqrf, ormqr });
