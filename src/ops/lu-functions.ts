// The torch.* spellings of the LU family: torch.lu (deprecated lu_factor with get_infos),
// torch.lu_solve (deprecated argument order b, LU_data, LU_pivots) and torch.lu_unpack, with the
// Tensor methods lu and lu_solve.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { record } from "../autograd/record.js";
import { type Args, bindArgs, checkArgs, checkTensor, installMethods, isOptionsObject, type Method, rebind, type Rebound } from "./args.js";
import * as linalg from "./linalg.js";
import { type NamedTuple, namedTuple } from "./linalg-engine.js";
import { checkLuMatrix, luUnpackBackward, permutationFromPivots, unpackFactors } from "./lu-engine.js";
import { zeros } from "./creation.js";

/**
 * torch.lu(A, pivot = true, getInfos = false): (LU, pivots), or the named (LU, pivots, info) with
 * getInfos. Like PyTorch 1.13 it raises no error for a singular matrix.
 */
export function lu(A: Tensor, ...args: Args<[pivot?: boolean, getInfos?: boolean], { pivot?: boolean; getInfos?: boolean }>): Tensor[] | NamedTuple<"LU" | "pivots" | "info"> {
  if (autocasting.on && autocasts("_lu_with_info", arguments)) return runAutocast(lu, arguments);
  checkTensor("lu", "A", A);
  const a = bindArgs("lu", args, ["pivot", "getInfos"], [], 1);
  const r = linalg.luFactorEx(A, { pivot: (a.pivot as boolean | undefined) ?? true });
  if (a.getInfos === true) return r;
  return [r.LU, r.pivots];
}

/** torch.lu_solve(b, LU_data, LU_pivots) = torch.linalg.lu_solve(LU_data, LU_pivots, b). */
export function luSolve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor): Tensor;
export function luSolve<A extends Rebound<[input: Tensor, LU_data: Tensor, LU_pivots: Tensor], ["input", "LU_data", "LU_pivots"]>>(...args: A): Tensor;
export function luSolve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor): Tensor {
  if (autocasting.on && autocasts("lu_solve", arguments)) return runAutocast(luSolve, arguments);
  if (arguments.length > 3) checkArgs("lu_solve", arguments, 3);
  else if (isOptionsObject(arguments.length === 3 ? LU_pivots : arguments.length === 2 ? LU_data : input)) {
    return rebind(luSolve, "lu_solve", arguments, ["input", "LU_data", "LU_pivots"], 3, []);
  }
  return linalg.luSolve(LU_data, LU_pivots, input);
}

/**
 * torch.lu_unpack(LU_data, LU_pivots, unpackData = true, unpackPivots = true): (P, L, U) with
 * A = P L U; the parts not unpacked are empty tensors, as PyTorch.
 */
export function luUnpack(LU_data: Tensor, LU_pivots: Tensor, ...args: Args<[unpackData?: boolean, unpackPivots?: boolean], { unpackData?: boolean; unpackPivots?: boolean }>): NamedTuple<"P" | "L" | "U">;
export function luUnpack<A extends Rebound<[LU_data: Tensor, LU_pivots: Tensor], ["LU_data", "LU_pivots"], { unpackData?: boolean; unpackPivots?: boolean }>>(...args: A): NamedTuple<"P" | "L" | "U">;
export function luUnpack(
  LU_data: Tensor,
  LU_pivots: Tensor,
  ...args: Args<[unpackData?: boolean, unpackPivots?: boolean], { unpackData?: boolean; unpackPivots?: boolean }>
): NamedTuple<"P" | "L" | "U"> {
  if (args.length === 0 && isOptionsObject(LU_pivots)) return rebind(luUnpack, "lu_unpack", arguments, ["LU_data", "LU_pivots", "unpackData", "unpackPivots"], 2, []);
  const api = "torch.lu_unpack";
  checkTensor("lu_unpack", "LU_data", LU_data);
  checkTensor("lu_unpack", "LU_pivots", LU_pivots);
  const a = bindArgs("lu_unpack", args, ["unpackData", "unpackPivots"], [], 2);
  checkLuMatrix(api, LU_data);
  if (LU_pivots.dtype.name !== "int32") {
    throw new Error(`${api}: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\nNote: this function is intended to be used with the output produced by torch.linalg.lu_factor`);
  }
  const like = { dtype: LU_data.dtype, device: LU_data.device };
  const empty = (): Tensor => zeros([0], like);
  const m = LU_data.shape[LU_data.dim() - 2]!;
  const n = LU_data.shape[LU_data.dim() - 1]!;
  const P = a.unpackPivots === false ? empty() : permutationFromPivots(api, LU_pivots, m, LU_data);
  if (a.unpackData === false) return namedTuple(["P", "L", "U"], [P, empty(), empty()]);
  const { L, U } = unpackFactors(LU_data.detach());
  if (!LU_data.dtype.isFloatingPoint && !LU_data.dtype.isComplex) return namedTuple(["P", "L", "U"], [P, L, U]);
  record("LuUnpackBackward0", [LU_data], [L, U], ([gL, gU]) => [luUnpackBackward(gL!, gU!, m, n)], []);
  return namedTuple(["P", "L", "U"], [P, L, U]);
}

declare module "../core/tensor.js" {
  interface Tensor {
    lu: Method<typeof lu>;
    luSolve: Method<typeof luSolve>;
  }
}

installMethods({ lu, luSolve });
