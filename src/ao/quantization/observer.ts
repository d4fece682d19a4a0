// torch.ao.quantization's per-tensor observers: MinMaxObserver (running min and max) and
// MovingAverageMinMaxObserver (their moving average), with PyTorch's buffers (eps, min_val,
// max_val, in state_dict order), quant range rules (calculate_qmin_qmax) and calculate_qparams,
// composed of the same float32 tensor ops as PyTorch's Python code, so the numbers are its own.

import { Tensor } from "../../core/tensor.js";
import { type DType, type DTypeLike, float32, int32, int64, qint32, qint8, quint4x2, quint8, toDType } from "../../core/dtype.js";
import { warnOnce } from "../../core/warnings.js";
import { formatScalarForRepr } from "../../core/printing.js";
import { Module } from "../../nn/module.js";
import { full, onesLike, tensor, zerosLike } from "../../ops/creation.js";
import { where } from "../../ops/comparison.js";
import { aminmax } from "../../ops/reduction-more.js";
import { type ModuleFactory, withArgs } from "./with-args.js";
import { type QScheme, perChannelAffine, perChannelAffineFloatQparams, perChannelSymmetric, perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";

export interface ObserverOptions {
  dtype?: DType | "quint8" | "qint8" | "qint32" | "quint4x2";
  qscheme?: QScheme;
  reduceRange?: boolean;
  quantMin?: number | null;
  quantMax?: number | null;
  eps?: number;
}

/** torch.finfo(torch.float32).eps, PyTorch's default eps. */
const FLOAT32_EPS = 2 ** -23;

/** PyTorch's calculate_qmin_qmax: the range of a dtype, or the user's range, halved by reduce_range. */
function quantRange(quantMin: number | null, quantMax: number | null, dtype: DType, reduceRange: boolean): [number, number] {
  if (quantMin !== null && quantMax !== null) {
    const length = quantMax - quantMin + 1;
    if (dtype === qint8 && !(length > 0 && length <= 256)) throw new Error("quantization range should be positive and not exceed the maximum bit range (=256).");
    if (dtype === qint32 && !(length > 0 && length <= 2 ** 31)) throw new Error("quantization range should be positive and not exceed the maximum bit range (=4294967296).");
    return reduceRange ? [Math.floor(quantMin / 2), Math.floor(quantMax / 2)] : [quantMin, quantMax];
  }
  if (dtype === qint8) return reduceRange ? [-64, 63] : [-128, 127];
  if (dtype === quint8) return reduceRange ? [0, 127] : [0, 255];
  if (dtype === qint32) return [-(2 ** 31), 2 ** 31 - 1];
  return [0, 15];
}

/**
 * torch.ao.quantization.ObserverBase: a module that records statistics of what passes through it
 * (forward returns its input) and derives quantization parameters from them.
 */
export abstract class ObserverBase extends Module {
  dtype: DType;
  constructor(dtype: DType | DTypeLike) { super(); this.dtype = toDType(dtype); }
  /** Cls.withArgs(options) (PyTorch's with_args): a factory of observers with these options. */
  static withArgs<T extends Module, O extends object>(this: new (options: O) => T, options: O): ModuleFactory<T> { return withArgs(this, options); }
  /** Records statistics of x and returns x. */
  abstract override forward(x: Tensor): Tensor;
  /** [scale], [zero_point] from what it has seen. */
  abstract calculateQparams(): [Tensor, Tensor];
}

/** UniformQuantizationObserverBase: the options, the eps buffer and calculate_qparams' formula. */
export abstract class UniformQuantizationObserverBase extends ObserverBase {
  /** PyTorch's state-dict version (3). */
  static _version = 3;
  readonly qscheme: QScheme;
  readonly reduceRange: boolean;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly hasCustomizedQrange: boolean;
  declare eps: Tensor;

  constructor(options: ObserverOptions = {}) {
    const dtype = toDType(options.dtype ?? quint8);
    super(dtype);
    const { qscheme = perTensorAffine, reduceRange = false, quantMin = null, quantMax = null, eps = FLOAT32_EPS } = options;
    if (reduceRange) warnOnce("Please use quant_min and quant_max to specify the range for observers.                     reduce_range will be deprecated in a future release of PyTorch.");
    if (![perTensorAffine, perTensorSymmetric, perChannelAffine, perChannelSymmetric, perChannelAffineFloatQparams].includes(qscheme)) {
      throw new Error("Default Observer only works for per_tensor_affine,                 per_tensor_symmetric, per_channel_affine,                 per_channel_symmetric and per_channel_float_qparams quantization scheme");
    }
    if (dtype !== qint8 && dtype !== quint8 && dtype !== qint32 && dtype !== quint4x2) throw new Error("Default Observer only works for qint8, quint8 and quint4x2 data type");
    this.qscheme = qscheme;
    this.reduceRange = reduceRange;
    this.registerBuffer("eps", tensor([eps], { dtype: float32 }));
    this.hasCustomizedQrange = quantMin !== null && quantMax !== null;
    if (this.hasCustomizedQrange) {
      if (!(quantMin! <= 0 && 0 <= quantMax!)) throw new Error("Used-specified quantization range must include 0.");
      if (!(quantMin! < quantMax!)) throw new Error("qmin must be strictly less than qmax for user-specified quantization range.");
    }
    [this.quantMin, this.quantMax] = quantRange(quantMin, quantMax, dtype, reduceRange);
  }

  /** The min_val and max_val buffers (PyTorch's names) its subclasses register. */
  protected get minMax(): { min: Tensor; max: Tensor } {
    const self = this as unknown as { min_val: Tensor; max_val: Tensor };
    return { min: self.min_val, max: self.max_val };
  }
  /** The min_val buffer. */
  get minVal(): Tensor { return this.minMax.min; }
  /** The max_val buffer. */
  get maxVal(): Tensor { return this.minMax.max; }

  /** [scale], [zero_point] (one of each per channel for the per-channel observers) from what it has seen. */
  calculateQparams(): [Tensor, Tensor] {
    const { min, max } = this.minMax;
    return this._calculateQparams(min, max);
  }

  /**
   * PyTorch's _calculate_qparams: from 0-d min/max, [scale] and [zero_point]; from per-channel ones,
   * one of each per channel.
   */
  protected _calculateQparams(minVal: Tensor, maxVal: Tensor): [Tensor, Tensor] {
    const unobserved = (): [Tensor, Tensor] => {
      warnOnce("must run observer before calling calculate_qparams. Returning default values.");
      return [tensor([1.0], { dtype: float32 }), tensor([0], { dtype: int64 })];
    };
    if (minVal.numel() === 0 || maxVal.numel() === 0) return unobserved();
    const los = minVal.reshape(-1).tolist() as number[], his = maxVal.reshape(-1).tolist() as number[];
    if (minVal.dim() === 0 && los[0] === Infinity && his[0] === -Infinity) return unobserved();
    if (minVal.dim() === 0 && !(los[0]! <= his[0]!)) throw new Error(`min ${formatScalarForRepr(los[0]!, "float")} should be less than max ${formatScalarForRepr(his[0]!, "float")}`);
    if (minVal.dim() > 0 && !los.every((lo, i) => lo <= his[i]!)) throw new Error(`min ${minVal} should be less than max ${maxVal}`);
    const { quantMin, quantMax } = this;
    const minNeg = minVal.minimum(zerosLike(minVal)), maxPos = maxVal.maximum(zerosLike(maxVal));
    let scale: Tensor, zeroPoint: Tensor;
    if (this.qscheme === perChannelAffineFloatQparams) {
      // Float zero points: -min / scale, so that (x - min) / scale is the index (embedding weights).
      const s = maxVal.sub(minVal).div(quantMax - quantMin);
      scale = where(s.gt(this.eps), s, onesLike(s));
      zeroPoint = minVal.neg().div(scale);
    } else if (this.qscheme === perTensorSymmetric || this.qscheme === perChannelSymmetric) {
      scale = minNeg.neg().maximum(maxPos).div((quantMax - quantMin) / 2).maximum(this.eps);
      const zp = this.dtype === quint8 ? (this.hasCustomizedQrange ? Math.floor((quantMin + quantMax) / 2) : 128) : 0;
      zeroPoint = full(minNeg.shape, zp, { dtype: int64 });
    } else if (this.qscheme === perChannelAffineFloatQparams) {
      // A float zero point: x_q = round((x - min) / scale); a scale under eps becomes 1.
      const range = maxVal.sub(minVal).div(quantMax - quantMin);
      scale = range.where(range.gt(this.eps), 1);
      zeroPoint = minVal.mul(-1).div(scale);
    } else {
      scale = maxPos.sub(minNeg).div(quantMax - quantMin).maximum(this.eps);
      zeroPoint = minNeg.div(scale).round().to(int32).neg().add(quantMin).clamp(quantMin, quantMax);
    }
    return [scale.reshape([-1]), zeroPoint.reshape([-1])];
  }
}

/** torch.ao.quantization.MinMaxObserver: records the running min and max of what it sees. */
export class MinMaxObserver extends UniformQuantizationObserverBase {

  constructor(options: ObserverOptions = {}) {
    const qscheme = options.qscheme ?? perTensorAffine;
    if (qscheme !== perTensorAffine && qscheme !== perTensorSymmetric) {
      throw new Error(`${new.target.name}'s qscheme only support torch.per_tensor_symmetric and torch.per_tensor_affine.`);
    }
    super(options);
    this.registerBuffer("min_val", tensor(Infinity));
    this.registerBuffer("max_val", tensor(-Infinity));
    if (this.qscheme === perTensorSymmetric && this.reduceRange && this.dtype === quint8) {
      throw new Error("Cannot reduce range for symmetric quantization for quint8");
    }
  }


  override forward(x: Tensor): Tensor {
    if (x.numel() === 0) return x;
    const { min, max } = this.minMax;
    const [curMin, curMax] = aminmax(x.detach().to(min.dtype));
    min.copy_(curMin!.minimum(min));
    max.copy_(curMax!.maximum(max));
    return x;
  }

  /** Forgets what it has seen (min_val = inf, max_val = -inf). */
  resetMinMaxVals(): void {
    const { min, max } = this.minMax;
    min.fill_(Infinity);
    max.fill_(-Infinity);
  }

  override extraRepr(): string {
    const { min, max } = this.minMax;
    return `min_val=${formatScalarForRepr(Number(min.item()), "float")}, max_val=${formatScalarForRepr(Number(max.item()), "float")}`;
  }
}

/**
 * torch.ao.quantization.MovingAverageMinMaxObserver: min_val += c * (min(x) - min_val) (the same
 * for max_val), starting from the first input's min and max.
 */
export class MovingAverageMinMaxObserver extends MinMaxObserver {
  readonly averagingConstant: number;

  constructor(options: ObserverOptions & { averagingConstant?: number } = {}) {
    super(options);
    this.averagingConstant = options.averagingConstant ?? 0.01;
  }

  override forward(x: Tensor): Tensor {
    if (x.numel() === 0) return x;
    const { min, max } = this.minMax;
    const [curMin, curMax] = aminmax(x.detach().to(min.dtype));
    if (Number(min.item()) === Infinity && Number(max.item()) === -Infinity) {
      min.copy_(curMin!);
      max.copy_(curMax!);
    } else {
      const c = this.averagingConstant;
      min.copy_(min.add(curMin!.sub(min).mul(c)));
      max.copy_(max.add(curMax!.sub(max).mul(c)));
    }
    return x;
  }
}

/** The options of the per-channel observers: ch_axis, the channel dim, besides the common ones. */
export interface PerChannelObserverOptions extends ObserverOptions { chAxis?: number }

/**
 * torch.ao.quantization.PerChannelMinMaxObserver: the running min and max of each slice of dim
 * ch_axis (min_val and max_val start empty and take the channel count at the first input).
 */
export class PerChannelMinMaxObserver extends UniformQuantizationObserverBase {
  readonly chAxis: number;
  override readonly _resizedOnLoad = ["min_val", "max_val"];

  constructor(options: PerChannelObserverOptions = {}) {
    const qscheme = options.qscheme ?? perChannelAffine;
    if (qscheme !== perChannelAffine && qscheme !== perChannelSymmetric && qscheme !== perChannelAffineFloatQparams) {
      throw new Error(`${new.target.name}'s qscheme only support torch.per_channel_symmetric, torch.per_channel_affine and torch.per_channel_affine_float_qparams.`);
    }
    super({ ...options, qscheme });
    this.chAxis = options.chAxis ?? 0;
    this.registerBuffer("min_val", tensor([], { dtype: float32 }));
    this.registerBuffer("max_val", tensor([], { dtype: float32 }));
    if (this.qscheme === perChannelSymmetric && this.reduceRange && this.dtype === quint8) {
      throw new Error("Cannot reduce range for symmetric quantization for quint8");
    }
  }


  /** The input's channels as rows (PyTorch's permute of ch_axis to the front, then flatten). */
  protected rows(x: Tensor): Tensor {
    const order = x.shape.map((_, i) => i);
    const axis = this.chAxis < 0 ? this.chAxis + order.length : this.chAxis;
    [order[0], order[axis]] = [order[axis]!, order[0]!];
    return x.detach().permute(order).to(float32).flatten(1);
  }

  /** The new running min and max from the current ones (empty before the first input) and the rows'. */
  protected update(min: Tensor, max: Tensor, currentMin: Tensor, currentMax: Tensor): [Tensor, Tensor] {
    return min.numel() === 0 || max.numel() === 0 ? [currentMin, currentMax] : [currentMin.minimum(min), currentMax.maximum(max)];
  }

  override forward(x: Tensor): Tensor {
    if (x.numel() === 0) return x;
    const { min, max } = this.minMax;
    const [currentMin, currentMax] = aminmax(this.rows(x), { dim: 1 });
    const [newMin, newMax] = this.update(min, max, currentMin!, currentMax!);
    min.resize_(newMin.shape).copy_(newMin);
    max.resize_(newMax.shape).copy_(newMax);
    return x;
  }

  /** Forgets what it has seen (empty min_val and max_val). */
  resetMinMaxVals(): void {
    const { min, max } = this.minMax;
    min.resize_([0]);
    max.resize_([0]);
  }

  override extraRepr(): string {
    const { min, max } = this.minMax;
    return `min_val=${min}, max_val=${max}`;
  }
}

/** torch.ao.quantization.MovingAveragePerChannelMinMaxObserver: per-channel moving averages. */
export class MovingAveragePerChannelMinMaxObserver extends PerChannelMinMaxObserver {
  readonly averagingConstant: number;

  constructor(options: PerChannelObserverOptions & { averagingConstant?: number } = {}) {
    super(options);
    this.averagingConstant = options.averagingConstant ?? 0.01;
  }

  protected override update(min: Tensor, max: Tensor, currentMin: Tensor, currentMax: Tensor): [Tensor, Tensor] {
    if (min.numel() === 0 || max.numel() === 0) return [currentMin, currentMax];
    const c = this.averagingConstant;
    return [min.add(currentMin.sub(min).mul(c)), max.add(currentMax.sub(max).mul(c))];
  }
}
