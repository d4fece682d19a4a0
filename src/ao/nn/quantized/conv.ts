// torch.ao.nn.quantized.Conv1d/2d/3d and ConvTranspose1d/2d/3d: a qint8 weight packed with its
// float bias and geometry; quint8 in, quint8 out of the module's scale and zero point. State dict as
// PyTorch's: weight (the quantized tensor), bias, scale, zero_point. padding_mode "reflect" (Conv1d,
// Conv2d, as PyTorch 1.13) pads the quantized input with F.pad and packs the weight without padding.
import { Tensor } from "../../../core/tensor.js";
import { float32, int64, qint8 } from "../../../core/dtype.js";
import { formatScalarForRepr } from "../../../core/printing.js";
import { Module } from "../../../nn/module.js";
import {
  Conv1d as FloatConv1d, Conv2d as FloatConv2d, Conv3d as FloatConv3d,
  ConvTranspose1d as FloatConvTranspose1d, ConvTranspose2d as FloatConvTranspose2d, ConvTranspose3d as FloatConvTranspose3d,
} from "../../../nn/modules/conv.js";
import { tensor, zeros } from "../../../ops/creation.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { ConvPackedParams, quantizedConv } from "../../../ops/quantized-conv.js";
import { ConvReLU1d as FusedConvReLU1d, ConvReLU2d as FusedConvReLU2d, ConvReLU3d as FusedConvReLU3d } from "../intrinsic/fused.js";
import { outputQparams, qconfigOf, weightPostProcess } from "./float-observed.js";
import { quantizeWeight } from "./weight.js";
import { pad } from "../../../nn/functional/padding.js";

export interface QuantizedConvOptions {
  stride?: number | number[]; padding?: number | number[]; dilation?: number | number[]; groups?: number; bias?: boolean;
  /** "zeros" (default) or "reflect" (Conv1d/Conv2d); PyTorch's quantized convolutions refuse the others. */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
}
export interface QuantizedConvTransposeOptions extends QuantizedConvOptions { outputPadding?: number | number[] }

const tuple = (v: number | number[] | undefined, k: number, d: number): number[] => (v === undefined ? new Array<number>(k).fill(d) : typeof v === "number" ? new Array<number>(k).fill(v) : v.slice());
const SPATIAL = ["(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)"];

/** PyTorch's quantized _ConvNd: a convolution (or, transposed, its transpose) of k spatial dims. */
abstract class QuantizedConv extends Module {
  scale = 1.0;
  zeroPoint = 0;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: "zeros" | "reflect";
  /** @internal */ _packed!: ConvPackedParams;
  protected readonly fusedRelu: boolean = false;

  constructor(
    readonly inChannels: number, readonly outChannels: number, kernelSize: number | number[], private readonly k: 1 | 2 | 3,
    options: QuantizedConvTransposeOptions, readonly transposed = false,
  ) {
    super();
    const mode = options.paddingMode ?? "zeros";
    if (transposed && mode !== "zeros") throw new Error(`Only "zeros" padding mode is supported for ConvTranspose${k}d`);
    if (k === 3 && mode === "reflect") throw new Error("Conv3d does not support reflection padding");
    if (mode !== "zeros" && mode !== "reflect") throw new Error(`'padding_mode' ${String(mode)} is not supported by quantized convolution`);
    this.paddingMode = mode;
    this.kernelSize = tuple(kernelSize, k, 1);
    this.stride = tuple(options.stride, k, 1);
    this.padding = tuple(options.padding, k, 0);
    this.dilation = tuple(options.dilation, k, 1);
    this.outputPadding = tuple(options.outputPadding, k, 0);
    this.groups = options.groups ?? 1;
    if (inChannels % this.groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % this.groups !== 0) throw new Error("out_channels must be divisible by groups");
    const shape = transposed ? [inChannels, outChannels / this.groups] : [outChannels, inChannels / this.groups];
    const w = quantizePerTensor(zeros([...shape, ...this.kernelSize]), 1.0, 0, qint8);
    this.setWeightBias(w, options.bias ?? true ? zeros(outChannels) : null);
  }
  setWeightBias(weight: Tensor, bias: Tensor | null): void {
    // Reflection padding happens in forward (F.pad), so the packed convolution pads nothing.
    const padding = this.paddingMode === "zeros" ? this.padding : this.padding.map(() => 0);
    this._packed = new ConvPackedParams(weight, bias, this.stride, padding, this.dilation, this.groups, this.transposed ? this.outputPadding : null);
  }
  weight(): Tensor { return this._packed.weight; }
  bias(): Tensor | null { return this._packed.bias; }

  override _extraState(): [string, unknown][] {
    return [["weight", this._packed.weight], ["bias", this._packed.bias], ["scale", tensor(this.scale, { dtype: float32 })], ["zero_point", tensor(this.zeroPoint, { dtype: int64 })]];
  }
  override _loadExtraState(get: (name: string) => unknown): void {
    const w = get("weight"), b = get("bias"), scale = get("scale"), zeroPoint = get("zero_point");
    if (w instanceof Tensor) this.setWeightBias(w, b instanceof Tensor ? b : null);
    if (scale instanceof Tensor) this.scale = Number(scale.item());
    if (zeroPoint instanceof Tensor) this.zeroPoint = Number(zeroPoint.item());
  }
  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.dim() !== this.k + 2) throw new Error(`${this.constructor.name}: Input shape must be \`${SPATIAL[this.k - 1]}\`!`);
    const op = `quantized::${this.transposed ? "conv_transpose" : "conv"}${this.k}d${this.fusedRelu ? "_relu" : ""}`;
    // PyTorch's _reverse_repeat_padding: the last dim's (left, right) first.
    if (this.paddingMode === "reflect") x = pad(x, this.padding.slice().reverse().flatMap((p) => [p, p]), "reflect");
    return quantizedConv(op, x, this._packed, this.scale, this.zeroPoint, this.fusedRelu);
  }
  override extraRepr(): string {
    const t = (v: number[]): string => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, scale=${formatScalarForRepr(this.scale, "float")}, zero_point=${this.zeroPoint}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${t(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this._packed.bias === null) s += ", bias=False";
    return s;
  }
}

type FloatConv = FloatConv1d | FloatConv2d | FloatConv3d;

/**
 * The quantized conv of an observed float conv `mod` (or of the conv inside a fused ConvReLU), built
 * by `make` and given the quantized weight and the output's scale and zero point.
 */
function fromFloatConv<T extends QuantizedConv, F extends FloatConv>(
  make: (c: F) => T, mod: Module, cls: string, Float: abstract new (...args: never[]) => F, Fused: abstract new (...args: never[]) => Module & { at(i: number): Module },
): T {
  const float = mod instanceof Fused ? mod.at(0) : mod;
  if (!(float instanceof Float)) throw new Error(`${cls}.from_float: expected a torch.nn.${Float.name}, got ${mod.constructor.name}`);
  const q = qconfigOf(mod, cls);
  const { scale, zeroPoint } = outputQparams(mod, cls);
  if (typeof float.padding === "string") throw new Error(`${cls}.from_float: only padding given as sizes is supported`);
  const weightObserver = weightPostProcess(mod, q);
  const out = make(float);
  out.setWeightBias(quantizeWeight(float.weight, weightObserver), float.bias?.detach().float() ?? null);
  out.scale = scale;
  out.zeroPoint = zeroPoint;
  return out;
}

const optionsOf = (c: FloatConv): QuantizedConvOptions => ({
  stride: c.stride, padding: c.padding as number[], dilation: c.dilation, groups: c.groups, bias: c.bias !== null, paddingMode: c.paddingMode,
});

/** torch.ao.nn.quantized.Conv1d. */
export class Conv1d extends QuantizedConv {
  override _getName(): string { return "QuantizedConv1d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvOptions = {}) { super(inChannels, outChannels, kernelSize, 1, options); }
  static fromFloat(mod: Module): Conv1d {
    return fromFloatConv((c) => new this(c.inChannels, c.outChannels, c.kernelSize, optionsOf(c)), mod, this.name, FloatConv1d, FusedConvReLU1d);
  }
}

/** torch.ao.nn.quantized.Conv2d. */
export class Conv2d extends QuantizedConv {
  override _getName(): string { return "QuantizedConv2d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvOptions = {}) { super(inChannels, outChannels, kernelSize, 2, options); }
  static fromFloat(mod: Module): Conv2d {
    return fromFloatConv((c) => new this(c.inChannels, c.outChannels, c.kernelSize, optionsOf(c)), mod, this.name, FloatConv2d, FusedConvReLU2d);
  }
}

/** torch.ao.nn.quantized.Conv3d. */
export class Conv3d extends QuantizedConv {
  override _getName(): string { return "QuantizedConv3d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvOptions = {}) { super(inChannels, outChannels, kernelSize, 3, options); }
  static fromFloat(mod: Module): Conv3d {
    return fromFloatConv((c) => new this(c.inChannels, c.outChannels, c.kernelSize, optionsOf(c)), mod, this.name, FloatConv3d, FusedConvReLU3d);
  }
}

/** torch.ao.nn.intrinsic.quantized.ConvReLU1d: Conv1d with the relu fused (outputs at least the zero point). */
export class ConvReLU1d extends Conv1d {
  protected override readonly fusedRelu = true;
  override _getName(): string { return "QuantizedConvReLU1d"; }
}
/** torch.ao.nn.intrinsic.quantized.ConvReLU2d. */
export class ConvReLU2d extends Conv2d {
  protected override readonly fusedRelu = true;
  override _getName(): string { return "QuantizedConvReLU2d"; }
}
/** torch.ao.nn.intrinsic.quantized.ConvReLU3d. */
export class ConvReLU3d extends Conv3d {
  protected override readonly fusedRelu = true;
  override _getName(): string { return "QuantizedConvReLU3d"; }
}

type FloatConvTranspose = FloatConvTranspose1d | FloatConvTranspose2d | FloatConvTranspose3d;

/**
 * _ConvTransposeNd.from_float: the float module itself (no fused or QAT forms), its weight quantized
 * by a new observer of its qconfig; without an output observer the module keeps scale 1, zero point 0.
 */
function fromFloatConvTranspose<T extends QuantizedConv, F extends FloatConvTranspose>(make: (c: F) => T, mod: Module, cls: string, Float: abstract new (...args: never[]) => F): T {
  if (mod.constructor !== Float) throw new Error(` nnq.${cls}.from_float only works for ${Float.name}`);
  const float = mod as F;
  const q = qconfigOf(mod, cls);
  const out = make(float);
  out.setWeightBias(quantizeWeight(float.weight, q.weight()), float.bias?.detach().float() ?? null);
  if ((mod as Module & { activation_post_process?: Module }).activation_post_process) Object.assign(out, outputQparams(mod, cls));
  return out;
}

const transposeOptionsOf = (c: FloatConvTranspose): QuantizedConvTransposeOptions => ({
  stride: c.stride, padding: c.padding as number[], outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups, bias: c.bias !== null,
});

/** torch.ao.nn.quantized.ConvTranspose1d(in_channels, out_channels, kernel_size, {stride, padding, outputPadding, groups, bias, dilation}). */
export class ConvTranspose1d extends QuantizedConv {
  override _getName(): string { return "QuantizedConvTranspose1d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvTransposeOptions = {}) { super(inChannels, outChannels, kernelSize, 1, options, true); }
  static fromFloat(mod: Module): ConvTranspose1d {
    return fromFloatConvTranspose((c) => new this(c.inChannels, c.outChannels, c.kernelSize, transposeOptionsOf(c)), mod, this.name, FloatConvTranspose1d);
  }
}

/** torch.ao.nn.quantized.ConvTranspose2d. */
export class ConvTranspose2d extends QuantizedConv {
  override _getName(): string { return "QuantizedConvTranspose2d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvTransposeOptions = {}) { super(inChannels, outChannels, kernelSize, 2, options, true); }
  static fromFloat(mod: Module): ConvTranspose2d {
    return fromFloatConvTranspose((c) => new this(c.inChannels, c.outChannels, c.kernelSize, transposeOptionsOf(c)), mod, this.name, FloatConvTranspose2d);
  }
}

/** torch.ao.nn.quantized.ConvTranspose3d. */
export class ConvTranspose3d extends QuantizedConv {
  override _getName(): string { return "QuantizedConvTranspose3d"; }
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvTransposeOptions = {}) { super(inChannels, outChannels, kernelSize, 3, options, true); }
  static fromFloat(mod: Module): ConvTranspose3d {
    return fromFloatConvTranspose((c) => new this(c.inChannels, c.outChannels, c.kernelSize, transposeOptionsOf(c)), mod, this.name, FloatConvTranspose3d);
  }
}
