// torch.ao.nn.qat: Linear, Conv1d and Conv2d for quantization-aware training: the float module
// whose forward uses its weight through weight_fake_quant (the qconfig's weight fake quantize).
// fromFloat takes over a float module's parameters (the same Parameter objects, as PyTorch);
// toFloat gives a float module with copies.
import type { Tensor } from "../../../core/tensor.js";
import type { Module } from "../../../nn/module.js";
import { Parameter } from "../../../nn/parameter.js";
import { Linear as FloatLinear, type LinearOptions } from "../../../nn/modules/linear.js";
import { Conv1d as FloatConv1d, Conv2d as FloatConv2d, type ConvOptions } from "../../../nn/modules/conv.js";
import { linear } from "../../../nn/functional/linear.js";
import type { QConfig } from "../../quantization/qconfig.js";

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
type FloatConv = FloatConv1d | FloatConv2d;

/** The constructor options that rebuild a convolution's geometry. */
export const convOptionsOf = (c: FloatConv): ConvOptions => ({
  stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias !== null, paddingMode: c.paddingMode,
});

/** A float convolution like `c` with copies of its parameters. */
export function floatConvCopy(c: FloatConv, FloatClass: new (i: number, o: number, k: number[], options: ConvOptions) => FloatConv): FloatConv {
  const conv = new FloatClass(c.inChannels, c.outChannels, c.kernelSize, convOptionsOf(c));
  conv.weight = new Parameter(c.weight.detach());
  if (c.bias) conv.bias = new Parameter(c.bias.detach());
  return conv;
}

function takeOver<T extends FloatConv>(qat: T, float: FloatConv): T {
  qat.weight = float.weight;
  qat.bias = float.bias;
  return qat;
}

/** torch.ao.nn.qat.Conv2d(in_channels, out_channels, kernel_size, {stride, padding, dilation, groups, bias, paddingMode, qconfig}). */
export class Conv2d extends FloatConv2d {
  qconfig: QConfig;
  weight_fake_quant: Module;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QatConvOptions = {}) {
    const { qconfig, ...convOptions } = options;
    super(inChannels, outChannels, kernelSize, convOptions);
    this.qconfig = requireQconfig(qconfig);
    this.weight_fake_quant = this.qconfig.weight();
  }
  override forward(input: Tensor): Tensor { return this._convForward(input, runModule(this.weight_fake_quant, this.weight), this.bias); }
  static fromFloat(mod: Module): Conv2d {
    const qconfig = floatQconfig(mod, FloatConv2d, this.name);
    const c = mod as FloatConv2d;
    return takeOver(new this(c.inChannels, c.outChannels, c.kernelSize, { ...convOptionsOf(c), qconfig }), c);
  }
  toFloat(): Module { return floatConvCopy(this, FloatConv2d).train(this.training); }
}

/** torch.ao.nn.qat.Conv1d. */
export class Conv1d extends FloatConv1d {
  qconfig: QConfig;
  weight_fake_quant: Module;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: QatConvOptions = {}) {
    const { qconfig, ...convOptions } = options;
    super(inChannels, outChannels, kernelSize, convOptions);
    this.qconfig = requireQconfig(qconfig);
    this.weight_fake_quant = this.qconfig.weight();
  }
  override forward(input: Tensor): Tensor { return this._convForward(input, runModule(this.weight_fake_quant, this.weight), this.bias); }
  static fromFloat(mod: Module): Conv1d {
    const qconfig = floatQconfig(mod, FloatConv1d, this.name);
    const c = mod as FloatConv1d;
    return takeOver(new this(c.inChannels, c.outChannels, c.kernelSize, { ...convOptionsOf(c), qconfig }), c);
  }
  toFloat(): Module { return floatConvCopy(this, FloatConv1d).train(this.training); }
}
