// LazyConv1d/2d/3d and LazyConvTranspose1d/2d/3d: convolutions whose in_channels is read from the
// first input (PyTorch's _LazyConvXdMixin). Built as the eager class with 0 channels (no random
// draws), weight and bias as UninitializedParameters; the first call materializes them, runs the
// eager reset_parameters and turns the module into the eager class.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { UninitializedParameter } from "../parameter.js";
import { hasUninitializedParams, inferParameters, placeholderFactory } from "../lazy.js";
import {
  Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
  type ConvOptions, type ConvTransposeOptions, type PaddingMode, type _ConvNd,
} from "./conv.js";
import { bindCtor, sizeStr } from "./utils.js";

type IntOrTuple = number | number[];
type LazyConvArgs = Args<[outChannels: number, kernelSize: IntOrTuple, stride?: IntOrTuple, padding?: IntOrTuple | "same" | "valid", dilation?: IntOrTuple, groups?: number, bias?: boolean, paddingMode?: PaddingMode], ConvOptions>;
type LazyConvTransposeArgs = Args<[outChannels: number, kernelSize: IntOrTuple, stride?: IntOrTuple, padding?: IntOrTuple, outputPadding?: IntOrTuple, groups?: number, bias?: boolean, dilation?: IntOrTuple, paddingMode?: PaddingMode], ConvTransposeOptions>;

const LAZY_CONV_NAMES = ["outChannels", "kernelSize", "stride", "padding", "dilation", "groups", "bias", "paddingMode", "device", "dtype"];
const LAZY_CONV_T_NAMES = ["outChannels", "kernelSize", "stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode", "device", "dtype"];

/** The eager constructor's arguments: 0 in and out channels, no bias (PyTorch's lazy __init__). */
function eagerArgs(cls: string, args: readonly unknown[], names: readonly string[]): [number, number, IntOrTuple, ConvOptions & ConvTransposeOptions] {
  const a = bindCtor(cls, args, names, 2);
  const rest = Object.fromEntries(Object.entries(a).filter(([k, v]) => v !== undefined && k !== "outChannels" && k !== "kernelSize"));
  return [0, 0, a.kernelSize as IntOrTuple, { ...rest, bias: false }];
}

/** Sets out_channels and the placeholders once the eager constructor has run. */
function makeLazy(m: _ConvNd, cls: string, args: readonly unknown[], names: readonly string[]): void {
  const a = bindCtor(cls, args, names, 2);
  const out = a.outChannels;
  if (typeof out !== "number" || !Number.isInteger(out) || out < 0) throw new Error(`${cls}: out_channels must be a non-negative integer, got ${String(out)}`);
  (m as { outChannels: number }).outChannels = out;
  const f = placeholderFactory(a);
  m.weight = new UninitializedParameter(true, f);
  if ((a.bias as boolean | undefined) ?? true) m.bias = new UninitializedParameter(true, f);
}

/** PyTorch's _LazyConvXdMixin.initialize_parameters: in_channels from the input, then the eager init. */
function initializeConv(m: _ConvNd, input: Tensor): void {
  const k = m.kernelSize.length;
  if (input.dim() !== k + 1 && input.dim() !== k + 2) {
    throw new Error(`Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to ${m.constructor.name}, but got input of size: ${sizeStr(input.shape)}`);
  }
  const inChannels = input.shape[input.dim() === k + 2 ? 1 : 0]!;
  if (inChannels % m.groups !== 0) throw new Error("in_channels must be divisible by groups");
  (m as { inChannels: number }).inChannels = inChannels;
  const shape = m.transposed ? [inChannels, Math.floor(m.outChannels / m.groups), ...m.kernelSize] : [m.outChannels, inChannels / m.groups, ...m.kernelSize];
  (m.weight as UninitializedParameter).materialize(shape);
  if (m.bias) (m.bias as UninitializedParameter).materialize([m.outChannels]);
  m.resetParameters();
}

/** in_channels from a weight that loadStateDict materialized. */
function channelsFromShapes(m: _ConvNd): void {
  (m as { inChannels: number }).inChannels = m.transposed ? m.weight.shape[0]! : m.weight.shape[1]! * m.groups;
}

/** PyTorch's lazy reset_parameters: nothing until the parameters have their shapes. */
function ready(m: _ConvNd): boolean { return !hasUninitializedParams(m) && m.inChannels !== 0; }

export class LazyConv1d extends Conv1d {
  constructor(...args: LazyConvArgs) { super(...eagerArgs("LazyConv1d", args, LAZY_CONV_NAMES)); makeLazy(this, "LazyConv1d", args, LAZY_CONV_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, Conv1d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input); }
}

export class LazyConv2d extends Conv2d {
  constructor(...args: LazyConvArgs) { super(...eagerArgs("LazyConv2d", args, LAZY_CONV_NAMES)); makeLazy(this, "LazyConv2d", args, LAZY_CONV_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, Conv2d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input); }
}

export class LazyConv3d extends Conv3d {
  constructor(...args: LazyConvArgs) { super(...eagerArgs("LazyConv3d", args, LAZY_CONV_NAMES)); makeLazy(this, "LazyConv3d", args, LAZY_CONV_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor): Tensor { inferParameters(this, Conv3d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input); }
}

export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(...args: LazyConvTransposeArgs) { super(...eagerArgs("LazyConvTranspose1d", args, LAZY_CONV_T_NAMES)); makeLazy(this, "LazyConvTranspose1d", args, LAZY_CONV_T_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor, outputSize: number[] | null = null): Tensor { inferParameters(this, ConvTranspose1d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input, outputSize); }
}

export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(...args: LazyConvTransposeArgs) { super(...eagerArgs("LazyConvTranspose2d", args, LAZY_CONV_T_NAMES)); makeLazy(this, "LazyConvTranspose2d", args, LAZY_CONV_T_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor, outputSize: number[] | null = null): Tensor { inferParameters(this, ConvTranspose2d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input, outputSize); }
}

export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(...args: LazyConvTransposeArgs) { super(...eagerArgs("LazyConvTranspose3d", args, LAZY_CONV_T_NAMES)); makeLazy(this, "LazyConvTranspose3d", args, LAZY_CONV_T_NAMES); }
  hasUninitializedParams(): boolean { return hasUninitializedParams(this); }
  override resetParameters(): void { if (ready(this)) super.resetParameters(); }
  initializeParameters(input: Tensor): void { initializeConv(this, input); }
  override forward(input: Tensor, outputSize: number[] | null = null): Tensor { inferParameters(this, ConvTranspose3d, () => this.initializeParameters(input), () => channelsFromShapes(this)); return super.forward(input, outputSize); }
}
