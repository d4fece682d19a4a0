// torch.ao.nn.qat: Linear and Conv1d/2d/3d for quantization-aware training: the float module
// whose forward uses its weight through weight_fake_quant (the qconfig's weight fake quantize).
// fromFloat takes over a float module's parameters (the same Parameter objects, as PyTorch);
// toFloat gives a float module with copies.
import type { Tensor } from "../../../core/tensor.js";
import type { Module } from "../../../nn/module.js";
import { Parameter } from "../../../nn/parameter.js";
import { Linear as FloatLinear, type LinearOptions } from "../../../nn/modules/linear.js";
import { type _ConvNd, Conv1d as FloatConv1d, Conv2d as FloatConv2d, Conv3d as FloatConv3d, type ConvOptions } from "../../../nn/modules/conv.js";
import { linear } from "../../../nn/functional/linear.js";
import type { QConfig } from "../../quantization/qconfig.js";
import { _FusedModule } from "../intrinsic/fused.js";

/** A module run on a tensor (the fake-quantize modules a qconfig makes). */
export type TensorModule = Module & { forward(x: Tensor): Tensor };
export const runModule = (m: Module, x: Tensor): Tensor => (m as TensorModule).call(x);

/** The qconfig a QAT module needs, or PyTorch's error. */
export function requireQconfig(qconfig: QConfig | null | undefined): QConfig {
  if (!qconfig) throw new Error("qconfig must be provided for QAT module");
  return qconfig;
}

/** The float module's qconfig for fromFloat, after checking its class. */
export function floatQconfig(mod: Module, expected: abstract new (...args: never[]) => Module, cls: string): QConfig {
  if (mod.constructor !== expected) throw new Error(`qat.${cls}.from_float only works for ${expected.name}`);
  const q = (mod as Module & { qconfig?: QConfig | null }).qconfig;
  if (q === undefined) throw new Error("Input float module must have qconfig defined");
  if (!q) throw new Error("Input float module must have a valid qconfig");
  return q;
}

export interface QatLinearOptions extends LinearOptions { qconfig?: QConfig | null }

/** torch.ao.nn.qat.Linear(in_features, out_features, bias=True, qconfig). */
export class Linear extends FloatLinear {
  qconfig: QConfig;
  weight_fake_quant: Module;
  constructor(inFeatures: number, outFeatures: number, bias: boolean | QatLinearOptions = true, options: QatLinearOptions = {}) {
    const o = typeof bias === "object" ? bias : { ...options, bias };
    const { qconfig, ...linearOptions } = o;
    super(inFeatures, outFeatures, linearOptions);
    this.qconfig = requireQconfig(qconfig);
    this.weight_fake_quant = this.qconfig.weight();
  }
  override forward(input: Tensor): Tensor { return linear(input, runModule(this.weight_fake_quant, this.weight), this.bias); }
  /** The QAT module of a float Linear with a qconfig (sharing its parameters). */
  static fromFloat(mod: Module): Linear {
    const qconfig = floatQconfig(mod, FloatLinear, this.name);
    return this.fromLinear(mod as FloatLinear, qconfig);
  }
  /** @internal */
  static fromLinear<T extends Linear>(this: new (i: number, o: number, options: QatLinearOptions) => T, float: FloatLinear, qconfig: QConfig): T {
    const qat = new this(float.inFeatures, float.outFeatures, { bias: float.bias !== null, qconfig });
    qat.weight = float.weight;
    qat.bias = float.bias;
    return qat;
  }
  /** A float Linear with copies of the parameters, in this module's training mode. */
  toFloat(): Module {
    const float = new FloatLinear(this.inFeatures, this.outFeatures, this.bias !== null);
    float.weight = new Parameter(this.weight.detach());
    if (this.bias) float.bias = new Parameter(this.bias.detach());
    return float.train(this.training);
  }
}

export interface QatConvOptions extends ConvOptions { qconfig?: QConfig | null }
/** A float convolution (1d, 2d or 3d: what they have in common). */
export type FloatConv = _ConvNd & { _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor };
/** A float convolution class (what the QAT convolutions extend). TypeScript's mixins need any[] here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FloatConvClass = new (...args: any[]) => FloatConv;

/** The constructor options that rebuild a convolution's geometry. */
export const convOptionsOf = (c: FloatConv): ConvOptions => ({
  stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias !== null, paddingMode: c.paddingMode,
});

/** A float convolution like `c` with copies of its parameters. */
export function floatConvCopy(c: FloatConv, FloatClass: FloatConvClass): FloatConv {
  const conv = new FloatClass(c.inChannels, c.outChannels, c.kernelSize, convOptionsOf(c));
  conv.weight = new Parameter(c.weight.detach());
  if (c.bias) conv.bias = new Parameter(c.bias.detach());
  return conv;
}

/** A new QAT convolution of class `cls` with the geometry of `float` and its parameters (the same objects). */
export function qatConvOf<T extends FloatConv>(cls: new (i: number, o: number, k: number[], options: QatConvOptions) => T, float: FloatConv, qconfig: QConfig): T {
  const qat = new cls(float.inChannels, float.outChannels, float.kernelSize, { ...convOptionsOf(float), qconfig });
  qat.weight = float.weight;
  qat.bias = float.bias;
  return qat;
}

/** What a QAT convolution class offers its static fromFloat: construction and the float class it converts. */
interface QatConvClass<Q> {
  new (i: number, o: number, k: number[], options: QatConvOptions): Q;
  readonly _FLOAT_MODULE: abstract new (...args: never[]) => Module;
  readonly name: string;
}

/** The members the QAT convolutions add to their float class. */
export interface QatConvMembers {
  forward(input: Tensor): Tensor;
  qconfig: QConfig;
  weight_fake_quant: Module;
  /** A float convolution with copies of the parameters, in this module's training mode. */
  toFloat(): Module;
}
/** The static side the QAT convolutions add. */
export interface QatConvStatics {
  _FLOAT_MODULE: abstract new (...args: never[]) => Module;
  fromFloat<Q extends FloatConv>(this: QatConvClass<Q>, mod: Module): Q;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mixin<M> = new (...args: any[]) => M;

/**
 * PyTorch's qat _ConvNd over a float convolution class: the convolution with its weight through
 * weight_fake_quant. One body serves Conv1d/2d/3d (and the intrinsic ConvReLU forms).
 */
function qatConv<B extends FloatConvClass>(Float: B): B & QatConvStatics & Mixin<QatConvMembers> {
  return class QatConv extends Float {
    /** The float class fromFloat converts (a fused ConvReLU for the intrinsic forms: its conv is taken). */
    static _FLOAT_MODULE: abstract new (...args: never[]) => Module = Float;
    qconfig: QConfig;
    weight_fake_quant: Module;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [inChannels, outChannels, kernelSize, options = {}] = args as [number, number, number | number[], QatConvOptions?];
      const { qconfig, ...convOptions } = options;
      super(inChannels, outChannels, kernelSize, convOptions);
      this.qconfig = requireQconfig(qconfig);
      this.weight_fake_quant = this.qconfig.weight();
    }
    override forward(input: Tensor): Tensor { return this._convForward(input, runModule(this.weight_fake_quant, this.weight), this.bias); }
    /** The QAT module of a float convolution with a qconfig (sharing its parameters). */
    static fromFloat<Q extends FloatConv>(this: QatConvClass<Q>, mod: Module): Q {
      const qconfig = floatQconfig(mod, this._FLOAT_MODULE, this.name);
      const conv = mod instanceof _FusedModule ? mod.at(0) : mod;
      return qatConvOf(this, conv as FloatConv, qconfig);
    }
    /** A float convolution with copies of the parameters, in this module's training mode. */
    toFloat(): Module { return floatConvCopy(this, Float).train(this.training); }
  };
}

/** torch.ao.nn.qat.Conv1d(in_channels, out_channels, kernel_size, {stride, padding, dilation, groups, bias, paddingMode, qconfig}). */
export class Conv1d extends qatConv(FloatConv1d) {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QatConvOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
/** torch.ao.nn.qat.Conv2d. */
export class Conv2d extends qatConv(FloatConv2d) {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QatConvOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
/** torch.ao.nn.qat.Conv3d. */
export class Conv3d extends qatConv(FloatConv3d) {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QatConvOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
