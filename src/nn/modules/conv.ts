// Conv1d/2d/3d and ConvTranspose1d/2d/3d: PyTorch's _ConvNd attributes, checks, default
// initialisation (kaiming_uniform_(a=sqrt(5)) and a fan-in bound for the bias), padding modes
// and extra_repr.

import { Tensor } from "../../core/tensor.js";
import { requireTensor } from "../../ops/pointwise-util.js";
import { type Args } from "../../ops/args.js";
import { empty } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import * as init from "../init.js";
import * as F from "../functional/index.js";
import { type FactoryOptions, bindCtor, factory, placeOnDevice, ntuple, pyRepr, sizeStr } from "./utils.js";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
type IntOrTuple = number | number[];

export interface ConvOptions extends FactoryOptions {
  inChannels?: number;
  outChannels?: number;
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple;
  padding?: IntOrTuple | "same" | "valid";
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export interface ConvTransposeOptions extends FactoryOptions {
  inChannels?: number;
  outChannels?: number;
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  paddingMode?: PaddingMode;
}

type ConvArgs = Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple, stride?: IntOrTuple, padding?: IntOrTuple | "same" | "valid", dilation?: IntOrTuple, groups?: number, bias?: boolean, paddingMode?: PaddingMode], ConvOptions>;
type ConvTransposeArgs = Args<[inChannels: number, outChannels: number, kernelSize: IntOrTuple, stride?: IntOrTuple, padding?: IntOrTuple, outputPadding?: IntOrTuple, groups?: number, bias?: boolean, dilation?: IntOrTuple, paddingMode?: PaddingMode], ConvTransposeOptions>;

const CONV_NAMES = ["inChannels", "outChannels", "kernelSize", "stride", "padding", "dilation", "groups", "bias", "paddingMode", "device", "dtype"];
const CONV_T_NAMES = ["inChannels", "outChannels", "kernelSize", "stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode", "device", "dtype"];
const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];

type ConvFn = (input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: number[] | string, dilation: number[], groups: number) => Tensor;
type ConvTFn = (input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: number[], outputPadding: number[], groups: number, dilation: number[]) => Tensor;

/** PyTorch's _ConvNd: the parameters and attributes shared by convolutions and their transposes. */
export abstract class _ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** F.pad's argument for non-zero padding modes (PyTorch's _reversed_padding_repeated_twice). */
  readonly _reversedPaddingRepeatedTwice: number[];
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(cls: string, k: number, transposed: boolean, a: Record<string, unknown>) {
    super();
    const inChannels = a.inChannels as number, outChannels = a.outChannels as number;
    const groups = (a.groups as number | undefined) ?? 1;
    for (const [n, v] of [["in_channels", inChannels], ["out_channels", outChannels]] as const) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`${cls}: ${n} must be a non-negative integer, got ${pyRepr(v)}`);
    }
    if (typeof groups !== "number" || !Number.isInteger(groups) || groups <= 0) throw new Error("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new Error("out_channels must be divisible by groups");
    const kernelSize = ntuple(cls, "kernelSize", a.kernelSize, k);
    const stride = ntuple(cls, "stride", a.stride ?? 1, k);
    const dilation = ntuple(cls, "dilation", a.dilation ?? 1, k);
    const outputPadding = ntuple(cls, "outputPadding", a.outputPadding ?? 0, k);
    const paddingArg = a.padding ?? 0;
    let padding: number[] | "same" | "valid";
    if (typeof paddingArg === "string") {
      if (paddingArg !== "same" && paddingArg !== "valid") throw new Error(`Invalid padding string '${paddingArg}', should be one of {'valid', 'same'}`);
      if (paddingArg === "same" && stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
      padding = paddingArg;
    } else {
      padding = ntuple(cls, "padding", paddingArg, k);
    }
    const paddingMode = (a.paddingMode as PaddingMode | undefined) ?? "zeros";
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new Error(`padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${String(paddingMode)}'`);
    }
    if (transposed && paddingMode !== "zeros") throw new Error(`Only "zeros" padding mode is supported for ${cls}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.transposed = transposed;
    this.outputPadding = outputPadding;
    this.groups = groups;
    this.paddingMode = paddingMode;
    // F.pad takes the last dimension first: (left_k, right_k, ..., left_1, right_1).
    const rev: number[] = [];
    for (let d = k - 1; d >= 0; d--) {
      if (padding === "valid") rev.push(0, 0);
      else if (padding === "same") {
        const total = dilation[d]! * (kernelSize[d]! - 1);
        const left = Math.floor(total / 2);
        rev.push(left, total - left);
      } else rev.push(padding[d]!, padding[d]!);
    }
    this._reversedPaddingRepeatedTwice = rev;
    const shape = transposed ? [inChannels, outChannels / groups, ...kernelSize] : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = new Parameter(empty(shape, factory(a)));
    this.bias = null;
    if ((a.bias as boolean | undefined) ?? true) this.bias = new Parameter(empty([outChannels], factory(a)));
    else this.registerParameter("bias", null);
    this.resetParameters();
    placeOnDevice(this, a);
  }

  resetParameters(): void {
    // kaiming_uniform_ with a=sqrt(5) is uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    init.kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extraRepr(): string {
    const tup = (v: number[]): string => pyRepr(v);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tup(this.kernelSize)}, stride=${tup(this.stride)}`;
    if (typeof this.padding === "string" || this.padding.some((p) => p !== 0)) s += `, padding=${typeof this.padding === "string" ? this.padding : tup(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tup(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${tup(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

function checkInputDim(op: string, k: number, input: Tensor): void {
  if (!(input instanceof Tensor)) requireTensor(op, "input", 1, input);
  const d = input.dim();
  if (d !== k + 1 && d !== k + 2) {
    throw new Error(`Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to ${op}, but got input of size: ${sizeStr(input.shape)}`);
  }
}

abstract class Conv extends _ConvNd {
  protected abstract readonly k: number;
  protected abstract readonly fn: ConvFn;

  /** Runs the convolution with the given weight and bias (PyTorch's _conv_forward). */
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const op = `conv${this.k}d`;
    checkInputDim(op, this.k, input);
    if (this.paddingMode !== "zeros") {
      const padded = F.pad(input, this._reversedPaddingRepeatedTwice, this.paddingMode);
      return this.fn(padded, weight, bias, this.stride, new Array<number>(this.k).fill(0), this.dilation, this.groups);
    }
    return this.fn(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }

  override forward(input: Tensor): Tensor { return this._convForward(input, this.weight, this.bias); }
}

export class Conv1d extends Conv {
  protected readonly k = 1;
  protected readonly fn: ConvFn = F.conv1d as ConvFn;
  constructor(...args: ConvArgs) { super("Conv1d", 1, false, bindCtor("Conv1d", args, CONV_NAMES, 3)); }
}

export class Conv2d extends Conv {
  protected readonly k = 2;
  protected readonly fn: ConvFn = F.conv2d as ConvFn;
  constructor(...args: ConvArgs) { super("Conv2d", 2, false, bindCtor("Conv2d", args, CONV_NAMES, 3)); }
}

export class Conv3d extends Conv {
  protected readonly k = 3;
  protected readonly fn: ConvFn = F.conv3d as ConvFn;
  constructor(...args: ConvArgs) { super("Conv3d", 3, false, bindCtor("Conv3d", args, CONV_NAMES, 3)); }
}

abstract class ConvTranspose extends _ConvNd {
  protected abstract readonly k: number;
  protected abstract readonly fn: ConvTFn;

  /** PyTorch's _output_padding: the output_padding that gives `outputSize`, checked against the valid range. */
  _outputPadding(input: Tensor, outputSize: number[] | null): number[] {
    if (outputSize === null) return this.outputPadding;
    const k = this.k;
    const nonSpatial = input.dim() === k + 2 ? 2 : 1;
    let size = outputSize;
    if (size.length === nonSpatial + k) size = size.slice(nonSpatial);
    if (size.length !== k) {
      throw new Error(`ConvTranspose${k}D: for ${input.dim()}D input, output_size must have ${k} or ${nonSpatial + k} elements (got ${outputSize.length})`);
    }
    const pad = this.padding as number[];
    const minSizes: number[] = [], maxSizes: number[] = [];
    for (let d = 0; d < k; d++) {
      const dimSize = (input.shape[d + nonSpatial]! - 1) * this.stride[d]! - 2 * pad[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1;
      minSizes.push(dimSize);
      maxSizes.push(dimSize + this.stride[d]! - 1);
    }
    for (let d = 0; d < k; d++) {
      if (size[d]! < minSizes[d]! || size[d]! > maxSizes[d]!) {
        throw new Error(`requested an output size of ${sizeStr(size)}, but valid sizes range from ${sizeStr(minSizes)} to ${sizeStr(maxSizes)} (for an input of ${sizeStr(input.shape.slice(nonSpatial))})`);
      }
    }
    return size.map((s, d) => s - minSizes[d]!);
  }

  override forward(input: Tensor, outputSize: number[] | null = null): Tensor {
    const op = `conv_transpose${this.k}d`;
    checkInputDim(op, this.k, input);
    const outputPadding = this._outputPadding(input, outputSize);
    return this.fn(input, this.weight, this.bias, this.stride, this.padding as number[], outputPadding, this.groups, this.dilation);
  }
}

export class ConvTranspose1d extends ConvTranspose {
  protected readonly k = 1;
  protected readonly fn: ConvTFn = F.convTranspose1d as ConvTFn;
  constructor(...args: ConvTransposeArgs) { super("ConvTranspose1d", 1, true, bindCtor("ConvTranspose1d", args, CONV_T_NAMES, 3)); }
}

export class ConvTranspose2d extends ConvTranspose {
  protected readonly k = 2;
  protected readonly fn: ConvTFn = F.convTranspose2d as ConvTFn;
  constructor(...args: ConvTransposeArgs) { super("ConvTranspose2d", 2, true, bindCtor("ConvTranspose2d", args, CONV_T_NAMES, 3)); }
}

export class ConvTranspose3d extends ConvTranspose {
  protected readonly k = 3;
  protected readonly fn: ConvTFn = F.convTranspose3d as ConvTFn;
  constructor(...args: ConvTransposeArgs) { super("ConvTranspose3d", 3, true, bindCtor("ConvTranspose3d", args, CONV_T_NAMES, 3)); }
}

