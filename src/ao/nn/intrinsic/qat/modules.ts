// torch.ao.nn.intrinsic.qat: the fused modules for quantization-aware training. LinearReLU and
// ConvReLU{1,2,3}d are the QAT Linear/Conv followed by relu. ConvBn{1,2,3}d, ConvBnReLU{1,2,3}d
// and LinearBn1d keep the batch norm and train with PyTorch's folding approximation: the weight is
// scaled by gamma / sqrt(running_var + eps) before fake quantization, the layer's output unscaled,
// the bias added back, then the batch norm runs (updating its statistics unless frozen).
import type { Tensor } from "../../../../core/tensor.js";
import { Module } from "../../../../nn/module.js";
import { Parameter } from "../../../../nn/parameter.js";
import { ReLU } from "../../../../nn/modules/activation.js";
import { Conv1d as FloatConv1d, Conv2d as FloatConv2d, Conv3d as FloatConv3d, type ConvOptions } from "../../../../nn/modules/conv.js";
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from "../../../../nn/modules/normalization.js";
import { linear } from "../../../../nn/functional/linear.js";
import { fuseConvBnWeights, fuseLinearBnWeights } from "../../../../nn/utils/fusion.js";
import { Linear as FloatLinear } from "../../../../nn/modules/linear.js";
import * as init from "../../../../nn/init.js";
import { relu } from "../../../../ops/activation.js";
import { empty, zeros } from "../../../../ops/creation.js";
import type { QConfig } from "../../../quantization/qconfig.js";
import {
  type FloatConv, type FloatConvClass, Conv1d as QatConv1d, Conv2d as QatConv2d, Conv3d as QatConv3d, Linear as QatLinear, convOptionsOf, floatConvCopy,
  floatQconfig, requireQconfig, runModule,
} from "../../qat/modules.js";
import * as nni from "../fused.js";
import type { _FusedModule } from "../fused.js";

/** torch.ao.nn.intrinsic.qat.LinearReLU: QAT Linear then relu. */
export class LinearReLU extends QatLinear {
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  static override fromFloat(mod: Module): LinearReLU {
    const qconfig = floatQconfig(mod, nni.LinearReLU, this.name);
    return this.fromLinear((mod as nni.LinearReLU).at(0) as FloatLinear, qconfig);
  }
  override toFloat(): Module { return new nni.LinearReLU(super.toFloat(), new ReLU()).train(this.training); }
}

/** torch.ao.nn.intrinsic.qat.ConvReLU1d: QAT Conv1d then relu. */
export class ConvReLU1d extends QatConv1d {
  static override _FLOAT_MODULE = nni.ConvReLU1d;
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  override toFloat(): Module { return new nni.ConvReLU1d(super.toFloat(), new ReLU()).train(this.training); }
}
/** torch.ao.nn.intrinsic.qat.ConvReLU2d: QAT Conv2d then relu. */
export class ConvReLU2d extends QatConv2d {
  static override _FLOAT_MODULE = nni.ConvReLU2d;
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  override toFloat(): Module { return new nni.ConvReLU2d(super.toFloat(), new ReLU()).train(this.training); }
}
/** torch.ao.nn.intrinsic.qat.ConvReLU3d: QAT Conv3d then relu. */
export class ConvReLU3d extends QatConv3d {
  static override _FLOAT_MODULE = nni.ConvReLU3d;
  override forward(input: Tensor): Tensor { return relu(super.forward(input)); }
  override toFloat(): Module { return new nni.ConvReLU3d(super.toFloat(), new ReLU()).train(this.training); }
}

export interface ConvBnOptions extends ConvOptions { eps?: number; momentum?: number | null; freezeBn?: boolean; qconfig?: QConfig | null }

type BatchNorm = BatchNorm1d | BatchNorm2d | BatchNorm3d;
type ModuleClass = abstract new (...args: never[]) => Module;

/** The convolution's own options (built without bias: the bias is added after the batch-norm scaling). */
function convPart(options: ConvBnOptions): ConvOptions {
  const { eps: _eps, momentum: _momentum, freezeBn: _freezeBn, qconfig: _qconfig, ...conv } = options;
  return { ...conv, bias: false };
}

/** What the batch-norm-folding QAT modules (ConvBn*, LinearBn1d) share. */
export interface BnFolding extends Module {
  qconfig: QConfig;
  freezeBn: boolean;
  bn: BatchNorm;
  weight_fake_quant: Module;
  weight: Parameter;
  bias: Parameter | null;
}

/**
 * __init__ after the float layer's: the batch norm, weight fake quant, the bias (a new Parameter when
 * the layer has one) and reset_bn_parameters (fresh statistics, gamma ~ U(0, 1), beta = 0).
 */
function initBnFolding(self: BnFolding, bn: BatchNorm, withBias: boolean, options: { freezeBn?: boolean; qconfig?: QConfig | null }): void {
  self.qconfig = requireQconfig(options.qconfig);
  const freezeBn = options.freezeBn ?? false;
  self.freezeBn = self.training ? freezeBn : true;
  self.bn = bn;
  self.weight_fake_quant = self.qconfig.weight();
  if (withBias) self.bias = new Parameter(empty([bn.numFeatures]));
  self.bn.resetRunningStats();
  init.uniform_(self.bn.weight!);
  init.zeros_(self.bn.bias!);
}

function updateBnStatsOf(self: BnFolding): void { self.freezeBn = false; self.bn.training = true; }
function freezeBnStatsOf(self: BnFolding): void { self.freezeBn = true; self.bn.training = false; }
/** train(mode): the batch norm follows unless its statistics are frozen. */
function trainBnFolding(self: BnFolding, mode: boolean): void {
  self.training = mode;
  if (!self.freezeBn) for (const m of self.children()) m.train(mode);
}

/** from_float: the fused float module's batch norm (parameters and statistics) taken over by the QAT module. */
function takeOverBn(qat: BnFolding, bn: BatchNorm): void {
  qat.bn.weight = bn.weight;
  qat.bn.bias = bn.bias;
  qat.bn.running_mean = bn.running_mean;
  qat.bn.running_var = bn.running_var;
  qat.bn.num_batches_tracked = bn.num_batches_tracked;
}

/**
 * PyTorch's _forward_approximate: the weight scaled by gamma / sqrt(running_var + eps) is
 * fake-quantized, the layer runs with a zero bias, its output is unscaled, the bias added, then
 * the batch norm runs. `layer` runs the float layer with a weight and bias.
 */
function bnFoldingForward(self: BnFolding, input: Tensor, layer: (weight: Tensor, bias: Tensor) => Tensor): Tensor {
  const bn = self.bn;
  const scaleFactor = bn.weight!.div(bn.running_var!.add(bn.eps).sqrt());
  const ones = new Array<number>(self.weight.dim() - 1).fill(1);
  const scaledWeight = runModule(self.weight_fake_quant, self.weight.mul(scaleFactor.reshape([-1, ...ones])));
  const biasShape = [1, -1, ...ones.slice(1)];
  let out = layer(scaledWeight, zeros([bn.numFeatures], { dtype: input.dtype })).div(scaleFactor.reshape(biasShape));
  if (self.bias) out = out.add(self.bias.reshape(biasShape));
  return bn.call(out);
}

/** The members the QAT ConvBn modules add to their float convolution. */
export interface ConvBnMembers extends BnFolding {
  forward(input: Tensor): Tensor;
  /** @internal Whether a relu follows the batch norm (the ConvBnReLU forms). */
  readonly _withRelu: boolean;
  updateBnStats(): this;
  freezeBnStats(): this;
  resetRunningStats(): void;
  /** @internal */
  _foldBatchNorm(): void;
  toFloat(): Module;
}
/** Their static side. */
export interface ConvBnStatics {
  _version: number;
  _FLOAT_MODULE: ModuleClass;
  fromFloat<Q extends BnFolding>(this: ConvBnClass<Q>, mod: Module): Q;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mixin<M> = new (...args: any[]) => M;

interface ConvBnClass<Q> {
  new (i: number, o: number, k: number[], options: ConvBnOptions): Q;
  readonly _FLOAT_MODULE: ModuleClass;
  readonly name: string;
}

/**
 * PyTorch's _ConvBnNd over a float convolution class and its batch norm: one body for
 * ConvBn1d/2d/3d (the ConvBnReLU forms set withRelu and their fused float class).
 */
function convBn<B extends FloatConvClass>(
  Float: B, BN: new (n: number, eps: number, momentum: number | null) => BatchNorm, FusedFloat: ModuleClass, FusedConvReLU: new (conv: Module, relu: Module) => Module,
): B & ConvBnStatics & Mixin<ConvBnMembers> {
  return class ConvBn extends Float implements BnFolding {
    /** PyTorch's state-dict version (2: the batch norm under bn.). */
    static _version = 2;
    /** The fused float class fromFloat converts. */
    static _FLOAT_MODULE: ModuleClass = FusedFloat;
    declare qconfig: QConfig;
    declare freezeBn: boolean;
    declare bn: BatchNorm;
    declare weight_fake_quant: Module;
    readonly _withRelu: boolean = false;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [inChannels, outChannels, kernelSize, options = {}] = args as [number, number, number | number[], ConvBnOptions?];
      super(inChannels, outChannels, kernelSize, convPart(options));
      initBnFolding(this, new BN(outChannels, options.eps ?? 1e-5, options.momentum === undefined ? 0.1 : options.momentum), options.bias ?? false, options);
      if (this.bias) {
        // reset_bn_parameters: the bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        const bound = 1 / Math.sqrt(init.calculateFanInAndFanOut(this.weight)[0]);
        init.uniform_(this.bias, -bound, bound);
      }
      if (this.training && !(options.freezeBn ?? false)) updateBnStatsOf(this); else freezeBnStatsOf(this);
    }
    override forward(input: Tensor): Tensor {
      const out = bnFoldingForward(this, input, (w, b) => this._convForward(input, w, b));
      return this._withRelu ? relu(out) : out;
    }
    /** Batch-norm statistics update during training again. */
    updateBnStats(): this { updateBnStatsOf(this); return this; }
    /** Batch-norm statistics stay as they are (the batch norm runs in eval mode). */
    freezeBnStats(): this { freezeBnStatsOf(this); return this; }
    resetRunningStats(): void { this.bn.resetRunningStats(); }
    override train(mode = true): this { trainBnFolding(this, mode); return this; }
    /** @internal Folds the batch norm into weight and bias in place (convert, before quantizing the weight). */
    _foldBatchNorm(): void {
      const bn = this.bn;
      [this.weight, this.bias] = fuseConvBnWeights(this.weight, this.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight, bn.bias);
    }
    /** _ConvBnNd.from_float: takes over the fused module's conv and batch-norm parameters and statistics. */
    static fromFloat<Q extends BnFolding>(this: ConvBnClass<Q>, mod: Module): Q {
      const qconfig = floatQconfig(mod, this._FLOAT_MODULE, this.name);
      const conv = (mod as _FusedModule).at(0) as FloatConv, bn = (mod as _FusedModule).at(1) as BatchNorm;
      const qat = new this(conv.inChannels, conv.outChannels, conv.kernelSize, { ...convOptionsOf(conv), eps: bn.eps, momentum: bn.momentum, freezeBn: false, qconfig });
      qat.weight = conv.weight;
      qat.bias = conv.bias;
      takeOverBn(qat, bn);
      return qat;
    }
    /** _ConvBnNd.to_float: the float convolution with the batch norm folded in (and the relu, fused). */
    toFloat(): Module {
      const conv = floatConvCopy(this, Float);
      const bn = this.bn;
      [conv.weight, conv.bias] = fuseConvBnWeights(conv.weight, conv.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight, bn.bias);
      return (this._withRelu ? new FusedConvReLU(conv, new ReLU()) : conv).train(this.training);
    }
  };
}

/** torch.ao.nn.intrinsic.qat.ConvBn1d(in_channels, out_channels, kernel_size, {stride, padding, dilation, groups, bias, paddingMode, eps, momentum, freezeBn, qconfig}). */
export class ConvBn1d extends convBn(FloatConv1d, BatchNorm1d, nni.ConvBn1d, nni.ConvReLU1d) {
  declare bn: BatchNorm1d;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvBnOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
/** torch.ao.nn.intrinsic.qat.ConvBnReLU1d: ConvBn1d then relu. */
export class ConvBnReLU1d extends ConvBn1d {
  static override _FLOAT_MODULE: ModuleClass = nni.ConvBnReLU1d;
  override readonly _withRelu = true;
}
/** torch.ao.nn.intrinsic.qat.ConvBn2d. */
export class ConvBn2d extends convBn(FloatConv2d, BatchNorm2d, nni.ConvBn2d, nni.ConvReLU2d) {
  declare bn: BatchNorm2d;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvBnOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
/** torch.ao.nn.intrinsic.qat.ConvBnReLU2d. */
export class ConvBnReLU2d extends ConvBn2d {
  static override _FLOAT_MODULE: ModuleClass = nni.ConvBnReLU2d;
  override readonly _withRelu = true;
}
/** torch.ao.nn.intrinsic.qat.ConvBn3d. */
export class ConvBn3d extends convBn(FloatConv3d, BatchNorm3d, nni.ConvBn3d, nni.ConvReLU3d) {
  declare bn: BatchNorm3d;
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvBnOptions = {}) { super(inChannels, outChannels, kernelSize, options); }
}
/** torch.ao.nn.intrinsic.qat.ConvBnReLU3d. */
export class ConvBnReLU3d extends ConvBn3d {
  static override _FLOAT_MODULE: ModuleClass = nni.ConvBnReLU3d;
  override readonly _withRelu = true;
}

export interface LinearBnOptions { bias?: boolean; eps?: number; momentum?: number | null; freezeBn?: boolean; qconfig?: QConfig | null }

/** torch.ao.nn.intrinsic.qat.LinearBn1d(in_features, out_features, bias=True, {eps, momentum, freezeBn, qconfig}): Linear + BatchNorm1d, folded as ConvBn. */
export class LinearBn1d extends FloatLinear implements BnFolding {
  static _FLOAT_MODULE: ModuleClass = nni.LinearBn1d;
  declare qconfig: QConfig;
  declare freezeBn: boolean;
  declare bn: BatchNorm1d;
  declare weight_fake_quant: Module;
  constructor(inFeatures: number, outFeatures: number, bias: boolean | LinearBnOptions = true, options: LinearBnOptions = {}) {
    if (typeof bias === "object") options = bias; else options = { ...options, bias };
    super(inFeatures, outFeatures, { bias: options.bias ?? true });
    // PyTorch replaces the bias with an uninitialised Parameter (from_float overwrites it).
    initBnFolding(this, new BatchNorm1d(outFeatures, options.eps ?? 1e-5, options.momentum === undefined ? 0.1 : options.momentum), options.bias ?? true, options);
    if (this.training && !(options.freezeBn ?? false)) updateBnStatsOf(this); else freezeBnStatsOf(this);
  }
  override forward(input: Tensor): Tensor { return bnFoldingForward(this, input, (w, b) => linear(input, w, b)); }
  updateBnStats(): this { updateBnStatsOf(this); return this; }
  freezeBnStats(): this { freezeBnStatsOf(this); return this; }
  resetRunningStats(): void { this.bn.resetRunningStats(); }
  override train(mode = true): this { trainBnFolding(this, mode); return this; }
  /** @internal Folds the batch norm into weight and bias in place (quantized Linear.fromFloat). */
  _foldBatchNorm(): void {
    const bn = this.bn;
    [this.weight, this.bias] = fuseLinearBnWeights(this.weight, this.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight!, bn.bias!);
  }
  static fromFloat(mod: Module): LinearBn1d {
    const qconfig = floatQconfig(mod, this._FLOAT_MODULE, this.name);
    const float = (mod as nni.LinearBn1d).at(0) as FloatLinear, bn = (mod as nni.LinearBn1d).at(1) as BatchNorm1d;
    const qat = new this(float.inFeatures, float.outFeatures, { bias: float.bias !== null, eps: bn.eps, momentum: bn.momentum, freezeBn: false, qconfig });
    qat.weight = float.weight;
    qat.bias = float.bias;
    takeOverBn(qat, bn);
    return qat;
  }
  /** A float Linear with the batch norm folded in. */
  toFloat(): Module {
    const float = new FloatLinear(this.inFeatures, this.outFeatures);
    const bn = this.bn;
    [float.weight, float.bias] = fuseLinearBnWeights(this.weight, this.bias, bn.running_mean!, bn.running_var!, bn.eps, bn.weight!, bn.bias!);
    return float;
  }
}

const BN_FOLDING = [ConvBn1d, ConvBn2d, ConvBn3d];
/** torch.ao.nn.intrinsic.qat.update_bn_stats(mod), for model.apply. */
export function updateBnStats(mod: Module): void { if (BN_FOLDING.some((c) => mod instanceof c)) (mod as ConvBn1d).updateBnStats(); }
/** torch.ao.nn.intrinsic.qat.freeze_bn_stats(mod), for model.apply. */
export function freezeBnStats(mod: Module): void { if (BN_FOLDING.some((c) => mod instanceof c)) (mod as ConvBn1d).freezeBnStats(); }

// PyTorch's QAT fused modules are also _FusedModule subclasses: convert swaps each as one unit.
for (const cls of [LinearReLU, LinearBn1d, ConvReLU1d, ConvReLU2d, ConvReLU3d, ConvBn1d, ConvBn2d, ConvBn3d]) nni.markFused(cls);
