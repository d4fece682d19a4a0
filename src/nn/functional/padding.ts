// F.pad: constant (negative padding crops), reflect, replicate and circular modes over 1 to 3
// trailing dims, with ATen's checks and gradients. The ops live in padding-ops.ts.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { padOpName } from "../../amp/op-names.js";
import { Tensor } from "../../core/tensor.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { constantPad, indexPad } from "./padding-ops.js";
import { quantizedPad } from "./padding-quantized.js";
import { tensorArg } from "./loss-util.js";
import { keepChannelsLast } from "./channels-last.js";
import { Complex } from "../../core/complex.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** F.pad(input, pad, mode='constant', value=None): pad = (left, right) for the last dim, then the one before, ... */
export function pad(input: Tensor, padding: number[], ...args: Args<[mode?: PadMode, value?: number | null], { mode?: PadMode; value?: number | null }>): Tensor;
export function pad<A extends Rebound<[input: Tensor, padding: number[]], ["input", "pad"], { mode?: PadMode; value?: number | null }>>(...args: A): Tensor;
export function pad(input: Tensor, padding: number[],
  ...args: Args<[mode?: PadMode, value?: number | null], { mode?: PadMode; value?: number | null }>): Tensor {
  if (autocasting.on && autocasts(padOpName(arguments), arguments)) return runAutocast(pad, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? padding : input)) return rebind(pad, "pad", arguments, ["input", "pad", "mode", "value"], 2, []);
  const a = bindArgs("pad", args, ["mode", "value"], [], 2);
  const x = tensorArg("pad", "input", 1, input);
  if (!Array.isArray(padding) || padding.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
    throw new Error("pad(): argument 'pad' (position 2) must be tuple of ints");
  }
  const mode = (a.mode as string | undefined) ?? "constant";
  const value = (a.value as number | Complex | null | undefined) ?? null;
  // PyTorch 1.13 takes a float only, complex tensors included (their padding is value + 0j).
  if (value !== null && typeof value !== "number") throw new Error(`pad(): argument 'value' must be float, not ${value instanceof Complex ? "complex" : typeof value}`);
  if (mode !== "constant" && mode !== "reflect" && mode !== "replicate" && mode !== "circular") {
    throw new Error(`Unrecognised padding mode ${mode}`);
  }
  const nd = x.dim();
  if (padding.length % 2 !== 0) throw new Error("Padding length must be divisible by 2");
  if (padding.length > nd * 2) {
    throw new Error(`Padding length should be less than or equal to two times the input dimension but got padding length ${padding.length} and input of dimension ${nd}`);
  }
  // constant_pad_nd allocates in the input's suggested format; the other modes, contiguous.
  if (mode === "constant" && x.isQuantized) return quantizedPad(x, padding, mode, value ?? 0);
  if (mode === "constant") return keepChannelsLast(constantPad(x, padding, value ?? 0), x);
  if (value !== null && value !== 0) throw new Error(`Padding mode "${mode}" doesn't take in value argument`);
  const k = padding.length / 2;
  if (!(k >= 1 && k <= 3 && (nd === k + 1 || nd === k + 2))) {
    throw new Error("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  if (x.isQuantized) return quantizedPad(x, padding, mode, 0);
  return indexPad(x, padding, mode);
}
