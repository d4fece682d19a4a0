// torch.ao.nn.quantized BatchNorm2d/3d, LayerNorm, GroupNorm, InstanceNorm1d/2d/3d: the float
// modules' parameters and running statistics, with the output's scale and zero point as buffers
// (state_dict keys as PyTorch's), running the quantized kernels of ops/quantized-norm.ts.
import { Tensor } from "../../../core/tensor.js";
import { float32, int64 } from "../../../core/dtype.js";
import type { Module } from "../../../nn/module.js";
import { Parameter } from "../../../nn/parameter.js";
import {
  BatchNorm2d as FloatBatchNorm2d, BatchNorm3d as FloatBatchNorm3d, GroupNorm as FloatGroupNorm, InstanceNorm1d as FloatInstanceNorm1d,
  InstanceNorm2d as FloatInstanceNorm2d, InstanceNorm3d as FloatInstanceNorm3d, LayerNorm as FloatLayerNorm, type _NormBase,
} from "../../../nn/modules/normalization.js";
import { tensor } from "../../../ops/creation.js";
import { quantizedBatchNormKernel, quantizedGroupNormKernel, quantizedInstanceNormKernel, quantizedLayerNormKernel } from "../../../ops/quantized-norm.js";
import type { Observed } from "./float-observed.js";
import { BNReLU2d as FusedBNReLU2d, BNReLU3d as FusedBNReLU3d } from "../intrinsic/fused.js";
import { outputQparams } from "./float-observed.js";

const scaleBuffer = (s: number): Tensor => tensor(s, { dtype: float32 });
const zeroPointBuffer = (z: number): Tensor => tensor(z, { dtype: int64 });
const numberOf = (t: Tensor): number => Number(t.reshape(-1).get(0).item());
const asParameter = (t: Tensor | null): Parameter | null => (t === null ? null : t instanceof Parameter ? t : new Parameter(t.detach()));

/** The float module of an observed module, checked against the class convert maps from. */
function floatOf<T>(mod: Module, cls: string, float: abstract new (...a: never[]) => T): T {
  if (!(mod instanceof float)) throw new Error(`${cls}.from_float: expected a torch.nn.${float.name}, got ${mod.constructor.name}`);
  return mod as T;
}

/** The observer's scale and zero point as PyTorch's batch norm from_float keeps them (tensors of one element). */
function observedQparamTensors(mod: Module, cls: string): [Tensor, Tensor] {
  const observer = (mod as Module & Observed).activation_post_process;
  if (!observer) throw new Error(`${cls}.from_float: Input float module must have observer attached`);
  const [scale, zeroPoint] = observer.calculateQparams();
  return [scale, zeroPoint];
}

/** The output's scale and zero point buffers of a quantized norm. */
function registerOutputQparams(m: Module, scale: Tensor | number, zeroPoint: Tensor | number): void {
  m.registerBuffer("scale", scale instanceof Tensor ? scale : scaleBuffer(scale));
  m.registerBuffer("zero_point", zeroPoint instanceof Tensor ? zeroPoint : zeroPointBuffer(zeroPoint));
}

type QuantizedBatchNormModule = (FloatBatchNorm2d | FloatBatchNorm3d) & { scale: Tensor; zero_point: Tensor };

function batchNormForward(m: QuantizedBatchNormModule, input: Tensor, rank: 4 | 5, relu = false): Tensor {
  if (input.dim() !== rank) throw new Error(`Input shape must be \`(N, C, ${rank === 5 && relu ? "D, " : ""}H, W)\`!`);
  return quantizedBatchNormKernel(`quantized::batch_norm${rank - 2}d${relu ? "_relu" : ""}`, input, m.weight, m.bias, m.running_mean!, m.running_var!, m.eps,
    numberOf(m.scale), numberOf(m.zero_point), relu, rank);
}

/**
 * PyTorch's _BatchNorm.from_float: the float module's parameters and statistics (the batch norm of
 * a fused BNReLU2d/3d), the observer's qparams (one-element tensors).
 */
function batchNormFromFloat<T extends QuantizedBatchNormModule>(make: (n: number, eps: number) => T, mod: Module, name: string, Float: typeof FloatBatchNorm2d | typeof FloatBatchNorm3d): T {
  const inner = mod instanceof (Float === FloatBatchNorm3d ? FusedBNReLU3d : FusedBNReLU2d) ? (mod as FusedBNReLU2d).at(0) : mod;
  const f = floatOf(inner, name, Float as typeof FloatBatchNorm2d);
  const [scale, zeroPoint] = observedQparamTensors(mod, name);
  const out = make(f.numFeatures, f.eps);
  out.weight = f.weight;
  out.bias = f.bias;
  out.running_mean = f.running_mean;
  out.running_var = f.running_var;
  registerOutputQparams(out, scale, zeroPoint);
  return out;
}

/** torch.ao.nn.quantized.BatchNorm2d(num_features, eps=1e-5, momentum=0.1). */
export class BatchNorm2d extends FloatBatchNorm2d {
  override _getName(): string { return "QuantizedBatchNorm2d"; }
  declare scale: Tensor;
  declare zero_point: Tensor;
  constructor(numFeatures: number, eps = 1e-5, momentum = 0.1) { super(numFeatures, eps, momentum); registerOutputQparams(this, 1, 0); }
  override forward(input: Tensor): Tensor { return batchNormForward(this, input, 4); }
  static fromFloat(mod: Module): BatchNorm2d { return batchNormFromFloat((n, eps) => new this(n, eps), mod, this.name, FloatBatchNorm2d); }
}

/** torch.ao.nn.quantized.BatchNorm3d(num_features, eps=1e-5, momentum=0.1). */
export class BatchNorm3d extends FloatBatchNorm3d {
  override _getName(): string { return "QuantizedBatchNorm3d"; }
  declare scale: Tensor;
  declare zero_point: Tensor;
  constructor(numFeatures: number, eps = 1e-5, momentum = 0.1) { super(numFeatures, eps, momentum); registerOutputQparams(this, 1, 0); }
  override forward(input: Tensor): Tensor { return batchNormForward(this, input, 5); }
  static fromFloat(mod: Module): BatchNorm3d { return batchNormFromFloat((n, eps) => new this(n, eps), mod, this.name, FloatBatchNorm3d); }
}

/** torch.ao.nn.intrinsic.quantized.BNReLU2d: BatchNorm2d with the relu fused (quantized::batch_norm2d_relu). */
export class BNReLU2d extends BatchNorm2d {
  override _getName(): string { return "QuantizedBNReLU2d"; }
  override forward(input: Tensor): Tensor { return batchNormForward(this, input, 4, true); }
  static override fromFloat(mod: Module): BNReLU2d { return batchNormFromFloat((n, eps) => new this(n, eps), mod, this.name, FloatBatchNorm2d); }
}

/** torch.ao.nn.intrinsic.quantized.BNReLU3d: BatchNorm3d with the relu fused (quantized::batch_norm3d_relu). */
export class BNReLU3d extends BatchNorm3d {
  override _getName(): string { return "QuantizedBNReLU3d"; }
  override forward(input: Tensor): Tensor { return batchNormForward(this, input, 5, true); }
  static override fromFloat(mod: Module): BNReLU3d { return batchNormFromFloat((n, eps) => new this(n, eps), mod, this.name, FloatBatchNorm3d); }
}

/** torch.ao.nn.quantized.LayerNorm(normalized_shape, weight, bias, scale, zero_point, eps=1e-5, elementwise_affine=True). */
export class LayerNorm extends FloatLayerNorm {
  override _getName(): string { return "QuantizedLayerNorm"; }
  declare scale: Tensor;
  declare zero_point: Tensor;
  constructor(normalizedShape: number | number[], weight: Tensor | null, bias: Tensor | null, scale: number, zeroPoint: number, eps = 1e-5, elementwiseAffine = true) {
    super(normalizedShape, eps, elementwiseAffine);
    this.weight = asParameter(weight);
    this.bias = asParameter(bias);
    registerOutputQparams(this, scale, zeroPoint);
  }
  override forward(input: Tensor): Tensor {
    return quantizedLayerNormKernel(input, this.normalizedShape, this.weight, this.bias, this.eps, numberOf(this.scale), numberOf(this.zero_point));
  }
  static fromFloat(mod: Module): LayerNorm {
    const f = floatOf(mod, this.name, FloatLayerNorm), q = outputQparams(mod, this.name);
    return new this(f.normalizedShape, f.weight, f.bias, q.scale, q.zeroPoint, f.eps, f.elementwiseAffine);
  }
}

/** torch.ao.nn.quantized.GroupNorm(num_groups, num_channels, weight, bias, scale, zero_point, eps=1e-5, affine=True). */
export class GroupNorm extends FloatGroupNorm {
  override _getName(): string { return "QuantizedGroupNorm"; }
  declare scale: Tensor;
  declare zero_point: Tensor;
  constructor(numGroups: number, numChannels: number, weight: Tensor | null, bias: Tensor | null, scale: number, zeroPoint: number, eps = 1e-5, affine = true) {
    super(numGroups, numChannels, eps, affine);
    this.weight = asParameter(weight);
    this.bias = asParameter(bias);
    registerOutputQparams(this, scale, zeroPoint);
  }
  override forward(input: Tensor): Tensor {
    return quantizedGroupNormKernel(input, this.numGroups, this.weight, this.bias, this.eps, numberOf(this.scale), numberOf(this.zero_point));
  }
  static fromFloat(mod: Module): GroupNorm {
    const f = floatOf(mod, this.name, FloatGroupNorm), q = outputQparams(mod, this.name);
    return new this(f.numGroups, f.numChannels, f.weight, f.bias, q.scale, q.zeroPoint, f.eps, f.affine);
  }
}

type InstanceNormArgs = [numFeatures: number, weight: Tensor | null, bias: Tensor | null, scale: number, zeroPoint: number, eps?: number, momentum?: number, affine?: boolean, trackRunningStats?: boolean];
/** What the float instance norms (1d/2d/3d) share. */
type InstanceNormLike = Module & Pick<_NormBase, "numFeatures" | "eps" | "momentum" | "affine" | "weight" | "bias">;
/** A float instance norm class. TypeScript's mixins need any[] here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FloatInstanceNormClass = new (...args: any[]) => InstanceNormLike;
/** The members the quantized instance norms add. */
export interface QuantizedInstanceNormMembers { scale: Tensor; zero_point: Tensor; forward(input: Tensor): Tensor }
interface QuantizedInstanceNormClass<Q> {
  new (numFeatures: number, weight: Tensor | null, bias: Tensor | null, scale: number, zeroPoint: number, eps?: number, momentum?: number, affine?: boolean): Q;
  readonly name: string;
}
/** Their static side. */
export interface QuantizedInstanceNormStatics { fromFloat<Q>(this: QuantizedInstanceNormClass<Q>, mod: Module): Q }

/**
 * The quantized InstanceNorm over a float one: the float module's weight and bias, the output's
 * scale and zero point as buffers, quantized::instance_norm as forward. One body for 1d/2d/3d.
 */
function quantizedInstanceNorm<B extends FloatInstanceNormClass>(Float: B): (new (...args: InstanceNormArgs) => InstanceType<B> & QuantizedInstanceNormMembers) & QuantizedInstanceNormStatics {
  class QuantizedInstanceNorm extends Float {
    declare scale: Tensor;
    declare zero_point: Tensor;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [numFeatures, weight, bias, scale, zeroPoint, eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false] =
        args as [number, Tensor | null, Tensor | null, number, number, number?, number?, boolean?, boolean?];
      super(numFeatures, eps, momentum, affine, trackRunningStats);
      this.weight = asParameter(weight);
      this.bias = asParameter(bias);
      registerOutputQparams(this, scale, zeroPoint);
    }
    override forward(input: Tensor): Tensor {
      return quantizedInstanceNormKernel(input, this.weight, this.bias, this.eps, numberOf(this.scale), numberOf(this.zero_point));
    }
    static fromFloat<Q>(this: QuantizedInstanceNormClass<Q>, mod: Module): Q {
      const f = floatOf(mod, this.name, Float), q = outputQparams(mod, this.name);
      return new this(f.numFeatures, f.weight, f.bias, q.scale, q.zeroPoint, f.eps, f.momentum ?? 0.1, f.affine);
    }
  }
  // The generic instance type of a mixin cannot be stated in the class; the signature above states it.
  return QuantizedInstanceNorm as unknown as (new (...args: InstanceNormArgs) => InstanceType<B> & QuantizedInstanceNormMembers) & QuantizedInstanceNormStatics;
}

/** torch.ao.nn.quantized.InstanceNorm1d(num_features, weight, bias, scale, zero_point, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False). */
export class InstanceNorm1d extends quantizedInstanceNorm(FloatInstanceNorm1d) { override _getName(): string { return "QuantizedInstanceNorm1d"; } }
/** torch.ao.nn.quantized.InstanceNorm2d (InstanceNorm1d's arguments). */
export class InstanceNorm2d extends quantizedInstanceNorm(FloatInstanceNorm2d) { override _getName(): string { return "QuantizedInstanceNorm2d"; } }
/** torch.ao.nn.quantized.InstanceNorm3d (InstanceNorm1d's arguments). */
export class InstanceNorm3d extends quantizedInstanceNorm(FloatInstanceNorm3d) { override _getName(): string { return "QuantizedInstanceNorm3d"; } }
