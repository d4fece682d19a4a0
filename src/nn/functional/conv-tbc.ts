// F.conv_tbc: the 1-d convolution of fairseq's (time, batch, channel) layout, written as conv1d on
// the (batch, channel, time) view, so it runs wherever conv1d runs and gets conv1d's gradients.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import type { Tensor } from "../../core/tensor.js";
import { type Args, bindArgs, checkInt, checkTensor, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { conv1d } from "./conv.js";

/**
 * F.conv_tbc(input, weight, bias, pad=0): input (T, B, C_in), weight (K, C_in, C_out), bias
 * (C_out) → (T + 2 pad - K + 1, B, C_out), out[t] = bias + Σ_k input[t + k - pad] @ weight[k].
 */
export function convTbc(input: Tensor, weight: Tensor, bias: Tensor, ...args: Args<[pad?: number], { pad?: number }>): Tensor;
export function convTbc<A extends Rebound<[input: Tensor, weight: Tensor, bias: Tensor], ["input", "weight", "bias"], { pad?: number }>>(...args: A): Tensor;
export function convTbc(input: Tensor, weight: Tensor, bias: Tensor, ...args: Args<[pad?: number], { pad?: number }>): Tensor {
  if (autocasting.on && autocasts("conv_tbc", arguments)) return runAutocast(convTbc, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? bias : arguments.length === 2 ? weight : input)) return rebind(convTbc, "conv_tbc", arguments, ["input", "weight", "bias", "pad"], 3, []);
  const op = "conv_tbc";
  const a = bindArgs(op, args, ["pad"], [], 3);
  if (bias === undefined) throw new Error(`${op}() missing 1 required positional arguments: "bias"`);
  const x = checkTensor(op, "input", input), w = checkTensor(op, "weight", weight), b = checkTensor(op, "bias", bias);
  const pad = checkInt(op, "pad", a.pad ?? 0);
  if (x.dim() !== 3) throw new Error("Input must have 3 dims: time, batch, in_channel");
  if (w.dim() !== 3) throw new Error("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.");
  if (b.dim() !== 1) throw new Error("Bias must be 1-D");
  if (x.size(2) !== w.size(1)) throw new Error("Input dim 2 (input channels) is not == dim 1 in the weight tensor");
  if (w.size(2) !== b.size(0)) throw new Error("Bias size must equal dim 2 in the weight tensor (output channels).");
  return conv1d(x.permute(1, 2, 0), w.permute(2, 1, 0), b, 1, pad).permute(2, 0, 1);
}
