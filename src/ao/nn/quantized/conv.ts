// torch.ao.nn.quantized.Conv2d / Conv1d: a qint8 weight packed with its float bias and geometry;
// quint8 in, quint8 out of the module's scale and zero point. State dict as PyTorch's: weight (the
// quantized tensor), bias, scale, zero_point.
import { Tensor } from "../../../core/tensor.js";
import { float32, int64, qint8 } from "../../../core/dtype.js";
import { formatScalarForRepr } from "../../../core/printing.js";
import { Module } from "../../../nn/module.js";
import { Conv1d as FloatConv1d, Conv2d as FloatConv2d } from "../../../nn/modules/conv.js";
import { tensor, zeros } from "../../../ops/creation.js";
import { quantizePerTensor } from "../../../ops/quantize.js";
import { ConvPackedParams, quantizedConv2d } from "../../../ops/quantized-linear.js";
import { squeeze, unsqueeze } from "../../../ops/view.js";
import { ConvReLU1d as FusedConvReLU1d, ConvReLU2d as FusedConvReLU2d } from "../intrinsic/fused.js";
import { outputQparams, qconfigOf, weightPostProcess } from "./float-observed.js";
import { quantizeWeight } from "./weight.js";

export interface QuantizedConvOptions { stride?: number | number[]; padding?: number | number[]; dilation?: number | number[]; groups?: number; bias?: boolean }

const tuple = (v: number | number[] | undefined, k: number, d: number): number[] => (v === undefined ? new Array<number>(k).fill(d) : typeof v === "number" ? new Array<number>(k).fill(v) : v.slice());

abstract class QuantizedConv extends Module {
  scale = 1.0;
  zeroPoint = 0;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly groups: number;
  /** @internal */ _packed!: ConvPackedParams;
  protected abstract readonly k: 1 | 2;
  protected readonly fusedRelu: boolean = false;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | number[], k: 1 | 2, options: QuantizedConvOptions) {
    super();
    this.kernelSize = tuple(kernelSize, k, 1);
    this.stride = tuple(options.stride, k, 1);
    this.padding = tuple(options.padding, k, 0);
    this.dilation = tuple(options.dilation, k, 1);
    this.groups = options.groups ?? 1;
    if (inChannels % this.groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % this.groups !== 0) throw new Error("out_channels must be divisible by groups");
    const w = quantizePerTensor(zeros([outChannels, inChannels / this.groups, ...this.kernelSize]), 1.0, 0, qint8);
    this.setWeightBias(w, options.bias ?? true ? zeros(outChannels) : null);
  }
  /** The weight as a 4-d tensor (a conv1d weight gets a unit height). */
  protected as2d(w: Tensor): Tensor { return w.dim() === 3 ? unsqueeze(w, 2) : w; }
  setWeightBias(weight: Tensor, bias: Tensor | null): void {
    const lift = (v: number[], d: number): number[] => (v.length === 1 ? [d, v[0]!] : v);
    this._packed = new ConvPackedParams(this.as2d(weight), bias, lift(this.stride, 1), lift(this.padding, 0), lift(this.dilation, 1), this.groups);
    this._weight = weight;
  }
  private _weight!: Tensor;
  weight(): Tensor { return this._weight; }
  bias(): Tensor | null { return this._packed.bias; }

  override _extraState(): [string, unknown][] {
    return [["weight", this._weight], ["bias", this._packed.bias], ["scale", tensor(this.scale, { dtype: float32 })], ["zero_point", tensor(this.zeroPoint, { dtype: int64 })]];
  }
  override _loadExtraState(get: (name: string) => unknown): void {
    const w = get("weight"), b = get("bias"), scale = get("scale"), zeroPoint = get("zero_point");
    if (w instanceof Tensor) this.setWeightBias(w, b instanceof Tensor ? b : null);
    if (scale instanceof Tensor) this.scale = Number(scale.item());
    if (zeroPoint instanceof Tensor) this.zeroPoint = Number(zeroPoint.item());
  }
  override forward(x: Tensor): Tensor {
    if (this.k === 2) return quantizedConv2d(x, this._packed, this.scale, this.zeroPoint, this.fusedRelu);
    if (x.dim() !== 3) throw new Error(`${this.constructor.name}: expected a 3-D input [N, C, L], got [${x.shape.join(", ")}]`);
    return squeeze(quantizedConv2d(unsqueeze(x, 2), this._packed, this.scale, this.zeroPoint, this.fusedRelu), 2);
  }
  override extraRepr(): string {
    const t = (v: number[]): string => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, scale=${formatScalarForRepr(this.scale, "float")}, zero_point=${this.zeroPoint}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this._packed.bias === null) s += ", bias=False";
    return s;
  }
}

/**
 * The quantized conv of an observed float conv `mod` (or of the conv inside a fused ConvReLU), built
 * by `make` and given the quantized weight and the output's scale and zero point.
 */
function fromFloatConv<T extends QuantizedConv, F extends FloatConv1d | FloatConv2d>(
  make: (c: F) => T, mod: Module, cls: string, Float: abstract new (...args: never[]) => F, Fused: abstract new (...args: never[]) => Module & { at(i: number): Module },
): T {
  const float = mod instanceof Fused ? mod.at(0) : mod;
  if (!(float instanceof Float)) throw new Error(`${cls}.from_float: expected a torch.nn.${Float.name}, got ${mod.constructor.name}`);
  const q = qconfigOf(mod, cls);
  const { scale, zeroPoint } = outputQparams(mod, cls);
  if (float.paddingMode !== "zeros" || typeof float.padding === "string") throw new Error(`${cls}.from_float: only zero padding given as sizes is supported`);
  const weightObserver = weightPostProcess(mod, q);
  const out = make(float);
  out.setWeightBias(quantizeWeight(float.weight, weightObserver), float.bias?.detach().float() ?? null);
  out.scale = scale;
  out.zeroPoint = zeroPoint;
  return out;
}

const optionsOf = (c: FloatConv1d | FloatConv2d): QuantizedConvOptions => ({ stride: c.stride, padding: c.padding as number[], dilation: c.dilation, groups: c.groups, bias: c.bias !== null });

/** torch.ao.nn.quantized.Conv2d. */
export class Conv2d extends QuantizedConv {
  protected readonly k = 2;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvOptions = {}) { super(inChannels, outChannels, kernelSize, 2, options); }
  static fromFloat(mod: Module): Conv2d {
    return fromFloatConv((c) => new this(c.inChannels, c.outChannels, c.kernelSize, optionsOf(c)), mod, this.name, FloatConv2d, FusedConvReLU2d);
  }
}

/** torch.ao.nn.quantized.Conv1d. */
export class Conv1d extends QuantizedConv {
  protected readonly k = 1;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QuantizedConvOptions = {}) { super(inChannels, outChannels, kernelSize, 1, options); }
  static fromFloat(mod: Module): Conv1d {
    return fromFloatConv((c) => new this(c.inChannels, c.outChannels, c.kernelSize, optionsOf(c)), mod, this.name, FloatConv1d, FusedConvReLU1d);
  }
}

/** torch.ao.nn.intrinsic.quantized.ConvReLU2d: Conv2d with the relu fused (outputs at least the zero point). */
export class ConvReLU2d extends Conv2d { protected override readonly fusedRelu = true; }
/** torch.ao.nn.intrinsic.quantized.ConvReLU1d. */
export class ConvReLU1d extends Conv1d { protected override readonly fusedRelu = true; }
