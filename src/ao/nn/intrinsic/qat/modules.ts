// torch.ao.nn.intrinsic.qat: the fused modules for quantization-aware training. LinearReLU and
// ConvReLU2d are the QAT Linear/Conv2d followed by relu. ConvBn{1,2}d and ConvBnReLU{1,2}d keep
// the batch norm and train with PyTorch's folding approximation: the weight is scaled by
// gamma / sqrt(running_var + eps) before fake quantization, the convolution's output unscaled,
// the bias added back, then the batch norm runs (updating its statistics unless frozen).
import type { Tensor } from "../../../../core/tensor.js";
import { Module } from "../../../../nn/module.js";
import { Parameter } from "../../../../nn/parameter.js";
import { ReLU } from "../../../../nn/modules/activation.js";
import { Conv1d as FloatConv1d, Conv2d as FloatConv2d, type ConvOptions } from "../../../../nn/modules/conv.js";
import { BatchNorm1d, BatchNorm2d } from "../../../../nn/modules/normalization.js";
import { Linear as FloatLinear } from "../../../../nn/modules/linear.js";
import * as init from "../../../../nn/init.js";
import { relu } from "../../../../ops/activation.js";
import { empty, zeros } from "../../../../ops/creation.js";
import type { QConfig } from "../../../quantization/qconfig.js";
import { Conv2d as QatConv2d, Linear as QatLinear, convOptionsOf, floatConvCopy, floatQconfig, requireQconfig, runModule } from "../../qat/modules.js";
import * as nni from "../fused.js";
import { fuseConvBnWeights } from "../fusion.js";

/** torch.ao.nn.intrinsic.qat.LinearReLU: QAT Linear then relu. */
export class LinearReLU extends QatLinear {
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  static override fromFloat(mod: Module): LinearReLU {
    const qconfig = floatQconfig(mod, nni.LinearReLU, this.name);
    return this.fromLinear((mod as nni.LinearReLU).at(0) as FloatLinear, qconfig);
  }
  override toFloat(): Module { return new nni.LinearReLU(super.toFloat(), new ReLU()).train(this.training); }
}

/** torch.ao.nn.intrinsic.qat.ConvReLU2d: QAT Conv2d then relu. */
export class ConvReLU2d extends QatConv2d {
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  static override fromFloat(mod: Module): ConvReLU2d {
    const qconfig = floatQconfig(mod, nni.ConvReLU2d, this.name);
    const c = (mod as nni.ConvReLU2d).at(0) as FloatConv2d;
    const qat = new this(c.inChannels, c.outChannels, c.kernelSize, { ...convOptionsOf(c), qconfig });
    qat.weight = c.weight;
    qat.bias = c.bias;
    return qat;
  }
  override toFloat(): Module { return new nni.ConvReLU2d(floatConvCopy(this, FloatConv2d), new ReLU()).train(this.training); }
}

export interface ConvBnOptions extends ConvOptions { eps?: number; momentum?: number | null; freezeBn?: boolean; qconfig?: QConfig | null }

type BatchNorm = BatchNorm1d | BatchNorm2d;

/** The convolution's own options (built without bias: the bias is added after the batch-norm scaling). */
function convPart(options: ConvBnOptions): ConvOptions {
  const { eps: _eps, momentum: _momentum, freezeBn: _freezeBn, qconfig: _qconfig, ...conv } = options;
  return { ...conv, bias: false };
}
type FusedConvBn = nni.ConvBn1d | nni.ConvBn2d | nni.ConvBnReLU1d | nni.ConvBnReLU2d;

/** The members ConvBn{1,2}d and ConvBnReLU{1,2}d share (PyTorch's _ConvBnNd). */
interface ConvBnLike extends Module {
  qconfig: QConfig;
  freezeBn: boolean;
  bn: BatchNorm;
  weight_fake_quant: Module;
  weight: Parameter;
  bias: Parameter | null;
  readonly outChannels: number;
  _convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor;
}

/** _ConvBnNd.__init__ after the convolution's: the batch norm, weight fake quant, bias and their initialisation. */
function initConvBn(self: ConvBnLike, BN: new (n: number, eps: number, momentum: number | null) => BatchNorm, options: ConvBnOptions): void {
  self.qconfig = requireQconfig(options.qconfig);
  const freezeBn = options.freezeBn ?? false;
  self.freezeBn = self.training ? freezeBn : true;
  self.bn = new BN(self.outChannels, options.eps ?? 1e-5, options.momentum === undefined ? 0.1 : options.momentum);
  self.weight_fake_quant = self.qconfig.weight();
  if (options.bias) self.bias = new Parameter(empty([self.outChannels]));
  // reset_bn_parameters: fresh statistics, gamma ~ U(0, 1), beta = 0, bias ~ U(-1/sqrt(fan_in), ...).
  self.bn.resetRunningStats();
  init.uniform_(self.bn.weight!);
  init.zeros_(self.bn.bias!);
  if (self.bias) {
    const [fanIn] = init.calculateFanInAndFanOut(self.weight);
    const bound = 1 / Math.sqrt(fanIn);
    init.uniform_(self.bias, -bound, bound);
  }
  if (self.training && !freezeBn) updateBnStatsOf(self); else freezeBnStatsOf(self);
}

function updateBnStatsOf(self: ConvBnLike): void { self.freezeBn = false; self.bn.training = true; }
function freezeBnStatsOf(self: ConvBnLike): void { self.freezeBn = true; self.bn.training = false; }

/** PyTorch's _forward_approximate: the batch-norm-scaled weight fake-quantized, the output unscaled, then the batch norm. */
function convBnForward(self: ConvBnLike, input: Tensor): Tensor {
  const bn = self.bn;
  const runningStd = bn.running_var!.add(bn.eps).sqrt();
  const scaleFactor = bn.weight!.div(runningStd);
  const ones = new Array<number>(self.weight.dim() - 1).fill(1);
  const scaledWeight = runModule(self.weight_fake_quant, self.weight.mul(scaleFactor.reshape([-1, ...ones])));
  const zeroBias = zeros([self.outChannels], { dtype: input.dtype });
  const biasShape = [1, -1, ...ones.slice(1)];
  let conv = self._convForward(input, scaledWeight, zeroBias).div(scaleFactor.reshape(biasShape));
  if (self.bias) conv = conv.add(self.bias.reshape(biasShape));
  return bn.call(conv);
}

/** _ConvBnNd.from_float: a new QAT module that takes over the fused module's conv and batch-norm parameters and statistics. */
function convBnFromFloat<T extends ConvBnLike>(make: (conv: FloatConv1d | FloatConv2d, options: ConvBnOptions) => T, mod: FusedConvBn, qconfig: QConfig): T {
  const conv = mod.at(0) as FloatConv1d | FloatConv2d, bn = mod.at(1) as BatchNorm;
  const qat = make(conv, { ...convOptionsOf(conv), eps: bn.eps, momentum: bn.momentum, freezeBn: false, qconfig });
  qat.weight = conv.weight;
  qat.bias = conv.bias;
  qat.bn.weight = bn.weight;
  qat.bn.bias = bn.bias;
  qat.bn.running_mean = bn.running_mean;
  qat.bn.running_var = bn.running_var;
  qat.bn.num_batches_tracked = bn.num_batches_tracked;
  return qat;
}

/** _ConvBnNd.to_float: the float convolution with the batch norm folded in (and the relu, fused). */
function convBnToFloat(self: ConvBnLike & (FloatConv1d | FloatConv2d), FloatClass: typeof FloatConv1d | typeof FloatConv2d, withRelu: boolean): Module {
  const conv = floatConvCopy(self, FloatClass);
  const bn = self.bn;
  [conv.weight, conv.bias] = fuseConvBnWeights(conv.weight, conv.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight, bn.bias);
  if (!withRelu) return conv.train(self.training);
  const fused = conv instanceof FloatConv2d ? new nni.ConvReLU2d(conv, new ReLU()) : new nni.ConvReLU1d(conv, new ReLU());
  return fused.train(self.training);
}

/** Folds the batch norm into weight and bias in place (what convert does before quantizing the weight). */
function foldBn(self: ConvBnLike): void {
  const bn = self.bn;
  [self.weight, self.bias] = fuseConvBnWeights(self.weight, self.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight, bn.bias);
}

/** torch.ao.nn.intrinsic.qat.ConvBn2d(in_channels, out_channels, kernel_size, {stride, padding, dilation, groups, bias, paddingMode, eps, momentum, freezeBn, qconfig}). */
export class ConvBn2d extends FloatConv2d implements ConvBnLike {
  /** PyTorch's state-dict version (2: the batch norm under bn.). */
  static _version = 2;
  declare qconfig: QConfig;
  declare freezeBn: boolean;
  declare bn: BatchNorm2d;
  declare weight_fake_quant: Module;
  protected readonly withRelu: boolean = false;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvBnOptions = {}) {
    super(inChannels, outChannels, kernelSize, convPart(options));
    initConvBn(this, BatchNorm2d, options);
  }
  override forward(input: Tensor): Tensor { return convBnForward(this, input); }
  /** Batch-norm statistics update during training again. */
  updateBnStats(): this { updateBnStatsOf(this); return this; }
  /** Batch-norm statistics stay as they are (the batch norm runs in eval mode). */
  freezeBnStats(): this { freezeBnStatsOf(this); return this; }
  resetRunningStats(): void { this.bn.resetRunningStats(); }
  /** train(mode): the batch norm follows unless its statistics are frozen. */
  override train(mode = true): this {
    this.training = mode;
    if (!this.freezeBn) for (const m of this.children()) m.train(mode);
    return this;
  }
  /** @internal Folds the batch norm into weight and bias (convert, before quantizing). */
  _foldBatchNorm(): void { foldBn(this); }
  static fromFloat(mod: Module): ConvBn2d {
    const qconfig = floatQconfig(mod, nni.ConvBn2d, this.name);
    return convBnFromFloat((c, o) => new this(c.inChannels, c.outChannels, c.kernelSize, o), mod as nni.ConvBn2d, qconfig);
  }
  toFloat(): Module { return convBnToFloat(this, FloatConv2d, this.withRelu); }
}

/** torch.ao.nn.intrinsic.qat.ConvBnReLU2d: ConvBn2d then relu. */
export class ConvBnReLU2d extends ConvBn2d {
  protected override readonly withRelu = true;
  override forward(input: Tensor): Tensor { return relu(convBnForward(this, input)); }
  static override fromFloat(mod: Module): ConvBnReLU2d {
    const qconfig = floatQconfig(mod, nni.ConvBnReLU2d, this.name);
    return convBnFromFloat((c, o) => new this(c.inChannels, c.outChannels, c.kernelSize, o), mod as nni.ConvBnReLU2d, qconfig);
  }
}

/** torch.ao.nn.intrinsic.qat.ConvBn1d. */
export class ConvBn1d extends FloatConv1d implements ConvBnLike {
  static _version = 2;
  declare qconfig: QConfig;
  declare freezeBn: boolean;
  declare bn: BatchNorm1d;
  declare weight_fake_quant: Module;
  protected readonly withRelu: boolean = false;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvBnOptions = {}) {
    super(inChannels, outChannels, kernelSize, convPart(options));
    initConvBn(this, BatchNorm1d, options);
  }
  override forward(input: Tensor): Tensor { return convBnForward(this, input); }
  updateBnStats(): this { updateBnStatsOf(this); return this; }
  freezeBnStats(): this { freezeBnStatsOf(this); return this; }
  resetRunningStats(): void { this.bn.resetRunningStats(); }
  override train(mode = true): this {
    this.training = mode;
    if (!this.freezeBn) for (const m of this.children()) m.train(mode);
    return this;
  }
  /** @internal */
  _foldBatchNorm(): void { foldBn(this); }
  static fromFloat(mod: Module): ConvBn1d {
    const qconfig = floatQconfig(mod, nni.ConvBn1d, this.name);
    return convBnFromFloat((c, o) => new this(c.inChannels, c.outChannels, c.kernelSize, o), mod as nni.ConvBn1d, qconfig);
  }
  toFloat(): Module { return convBnToFloat(this, FloatConv1d, this.withRelu); }
}

/** torch.ao.nn.intrinsic.qat.ConvBnReLU1d. */
export class ConvBnReLU1d extends ConvBn1d {
  protected override readonly withRelu = true;
  override forward(input: Tensor): Tensor { return relu(convBnForward(this, input)); }
  static override fromFloat(mod: Module): ConvBnReLU1d {
    const qconfig = floatQconfig(mod, nni.ConvBnReLU1d, this.name);
    return convBnFromFloat((c, o) => new this(c.inChannels, c.outChannels, c.kernelSize, o), mod as nni.ConvBnReLU1d, qconfig);
  }
}

/** torch.ao.nn.intrinsic.qat.update_bn_stats(mod), for model.apply. */
export function updateBnStats(mod: Module): void { if (mod instanceof ConvBn1d || mod instanceof ConvBn2d) mod.updateBnStats(); }
/** torch.ao.nn.intrinsic.qat.freeze_bn_stats(mod), for model.apply. */
export function freezeBnStats(mod: Module): void { if (mod instanceof ConvBn1d || mod instanceof ConvBn2d) mod.freezeBnStats(); }

// PyTorch's QAT fused modules are also _FusedModule subclasses: convert swaps each as one unit.
for (const cls of [LinearReLU, ConvReLU2d, ConvBn1d, ConvBn2d]) nni.markFused(cls);
