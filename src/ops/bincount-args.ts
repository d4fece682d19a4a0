// bincount's arguments, checked once for torch.bincount and torch.bincountAsync (not public API).

import { Tensor } from "../core/tensor.js";
import { type DType, float32, float64, int64 } from "../core/dtype.js";
import { type Args, bindArgs, checkInt, checkTensor, pyType } from "./args.js";

/** PyTorch's message for an input that is not 1-d, not integral, or holds a negative value. */
export const BINCOUNT_INPUTS = "bincount only supports 1-d non-negative integral inputs.";

export type BincountArgs = Args<[weights?: Tensor | null, minlength?: number], { weights?: Tensor | null; minlength?: number }>;

/** bincount's checked arguments (the values' sign is checked where they are read). */
export function bincountArgs(input: Tensor, args: readonly unknown[]): { weights: Tensor | null; minlength: number; dtype: DType } {
  const o = bindArgs("bincount", args, ["weights", "minlength"], [], 1);
  checkTensor("bincount", "input", input);
  if (input.dim() !== 1 || input.dtype.isFloatingPoint || input.dtype.name === "bool") throw new Error(BINCOUNT_INPUTS);
  if (o.weights != null && !(o.weights instanceof Tensor)) throw new Error(`bincount(): argument 'weights' (position 2) must be Tensor, not ${pyType(o.weights)}`);
  const w = (o.weights as Tensor | null | undefined) ?? null;
  if (w && (w.dim() !== 1 || w.numel() !== input.numel())) throw new Error("weights should be 1-d and have the same length as input");
  const minlength = (o.minlength as number | undefined) ?? 0;
  checkInt("bincount", "minlength", minlength);
  if (minlength < 0) throw new Error("minlength should be >= 0");
  // PyTorch: float32 weights count in float32, other weights in float64, none in int64.
  const dtype = w ? (w.dtype === float32 ? float32 : float64) : int64;
  return { weights: w, minlength, dtype };
}
