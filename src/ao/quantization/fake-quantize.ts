// torch.ao.quantization's fake-quantize modules. FakeQuantizeBase: PyTorch's uint8 flag buffers
// (fake_quant_enabled, observer_enabled) and their switches. FakeQuantize: an observer
// (MovingAverageMinMaxObserver by default) sets the scale and zero point, then
// torch.fakeQuantizePer{Tensor,Channel}Affine with them. FixedQParamsFakeQuantize: the parameters
// of a FixedQParamsObserver. FusedMovingAvgObsFakeQuantize: both steps in
// torch.fusedMovingAvgObsFakeQuantize (scale and zero point by ChooseQuantizationParams).
// Buffers and state_dict keys are PyTorch's.

import { Tensor } from "../../core/tensor.js";
import { type DType, float32, int32, int64, toDType, uint8, quint8 } from "../../core/dtype.js";
import { Module } from "../../nn/module.js";
import { tensor } from "../../ops/creation.js";
import { type QScheme, perChannelAffine, perChannelAffineFloatQparams, perChannelSymmetric, perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";
import { fakeQuantizePerChannelAffine, fakeQuantizePerTensorAffine, fusedMovingAvgObsFakeQuant } from "../../ops/fake-quantize.js";
import { iinfo } from "../../core/type-info.js";
import { MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver, type ObserverBase, type PerChannelObserverOptions } from "./observer.js";
import { FixedQParamsObserver } from "./observer-simple.js";
import type { HistogramObserverOptions } from "./observer-histogram.js";
import { type ModuleFactory, withArgs } from "./with-args.js";

/** An observer a fake-quantize module can drive: one with a quantized range and scheme. */
export type RangeObserver = ObserverBase & { readonly quantMin: number; readonly quantMax: number; readonly qscheme: QScheme; readonly chAxis?: number };
/** An observer class, or a factory of observers (Observer.withArgs(...)). */
export type ObserverConstructor = (new (options: never) => RangeObserver) | ModuleFactory<RangeObserver>;

export interface FakeQuantizeOptions extends PerChannelObserverOptions, Pick<HistogramObserverOptions, "bins" | "upsampleRate"> {
  /** The observer's class or factory (PyTorch's `observer`); the other options are its arguments. */
  observer?: ObserverConstructor;
  averagingConstant?: number;
}

const INT_OF: Record<string, DType> = { quint8: toDType("uint8"), qint8: toDType("int8"), qint32: toDType("int32") };
const isPerChannel = (q: QScheme): boolean => q === perChannelAffine || q === perChannelSymmetric || q === perChannelAffineFloatQparams;
const flag = (t: Tensor): number => Number(t.get(0).item());

/** A new observer of the class (with the options) or from the factory (its options, overridden by these). */
function makeObserver(observer: ObserverConstructor, options: object): RangeObserver {
  const factory = observer as ModuleFactory<RangeObserver>;
  if (factory.cls) return new (factory.cls as unknown as new (o: object) => RangeObserver)({ ...factory.options, ...options });
  if (typeof observer.prototype === "object") return new (observer as unknown as new (o: object) => RangeObserver)(options);
  return factory();
}

/** torch.ao.quantization.FakeQuantizeBase: the enable flags of a module that observes and fake-quantizes. */
export abstract class FakeQuantizeBase extends Module {
  declare fake_quant_enabled: Tensor;
  declare observer_enabled: Tensor;
  constructor() {
    super();
    this.registerBuffer("fake_quant_enabled", tensor([1], { dtype: uint8 }));
    this.registerBuffer("observer_enabled", tensor([1], { dtype: uint8 }));
  }
  /** Cls.withArgs(options) (PyTorch's with_args): a factory of these modules with the options. */
  static withArgs<T extends Module, O extends object>(this: new (options: O) => T, options: O): ModuleFactory<T> { return withArgs(this, options); }
  abstract override forward(x: Tensor): Tensor;
  abstract calculateQparams(): [Tensor, Tensor];
  get fakeQuantEnabled(): Tensor { return this.fake_quant_enabled; }
  get observerEnabled(): Tensor { return this.observer_enabled; }
  enableFakeQuant(enabled = true): void { this.fake_quant_enabled.set(0, enabled ? 1 : 0); }
  disableFakeQuant(): void { this.enableFakeQuant(false); }
  enableObserver(enabled = true): void { this.observer_enabled.set(0, enabled ? 1 : 0); }
  disableObserver(): void { this.enableObserver(false); }
}

export class FakeQuantize extends FakeQuantizeBase {
  declare scale: Tensor;
  declare zero_point: Tensor;
  readonly activation_post_process: RangeObserver;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly dtype: DType;
  readonly qscheme: QScheme;
  readonly chAxis: number;
  readonly isPerChannel: boolean;
  override readonly _resizedOnLoad = ["scale", "zero_point"];

  constructor(options: FakeQuantizeOptions = {}) {
    super();
    const { observer = MovingAverageMinMaxObserver, ...observerOptions } = options;
    const { quantMin = null, quantMax = null } = options;
    if (quantMin !== null && quantMax !== null) {
      if (!(quantMin <= quantMax)) throw new Error("quant_min must be less than or equal to quant_max");
      const dtype = (observer as ModuleFactory).options && "dtype" in (observer as ModuleFactory).options! ? ((observer as ModuleFactory).options as { dtype: DType }).dtype : options.dtype;
      const bounds = iinfo(INT_OF[toDType(dtype ?? quint8).name]!);
      if (!(bounds.min <= quantMin)) throw new Error("quant_min out of bound");
      if (!(quantMax <= bounds.max)) throw new Error("quant_max out of bound");
    }
    this.activation_post_process = makeObserver(observer, observerOptions);
    this.quantMin = this.activation_post_process.quantMin;
    this.quantMax = this.activation_post_process.quantMax;
    const floatQparams = this.activation_post_process.qscheme === perChannelAffineFloatQparams;
    this.registerBuffer("scale", tensor([1.0], { dtype: float32 }));
    this.registerBuffer("zero_point", tensor([0], { dtype: floatQparams ? float32 : int32 }));
    this.dtype = this.activation_post_process.dtype;
    this.qscheme = this.activation_post_process.qscheme;
    this.chAxis = this.activation_post_process.chAxis ?? -1;
    this.isPerChannel = isPerChannel(this.qscheme);
    if (!this.isPerChannel && this.qscheme !== perTensorAffine && this.qscheme !== perTensorSymmetric) {
      throw new Error(`Only per channel and per tensor quantization are supported in fake quantize got qscheme: ${this.qscheme}`);
    }
  }

  /** The observer module (PyTorch's activation_post_process). */
  get activationPostProcess(): RangeObserver { return this.activation_post_process; }
  get zeroPoint(): Tensor { return this.zero_point; }

  calculateQparams(): [Tensor, Tensor] { return this.activation_post_process.calculateQparams(); }

  override forward(x: Tensor): Tensor {
    if (flag(this.observer_enabled) === 1) {
      this.activation_post_process.call(x.detach());
      const [scale, zeroPoint] = this.calculateQparams();
      if (this.scale.shape.join() !== scale.shape.join()) {
        this.scale.resize_(scale.shape);
        this.zero_point.resize_(zeroPoint.shape);
      }
      this.scale.copy_(scale);
      this.zero_point.copy_(zeroPoint);
    }
    if (flag(this.fake_quant_enabled) === 1) {
      return this.isPerChannel
        ? fakeQuantizePerChannelAffine(x, this.scale, this.zero_point, this.chAxis, this.quantMin, this.quantMax)
        : fakeQuantizePerTensorAffine(x, this.scale, this.zero_point, this.quantMin, this.quantMax);
    }
    return x;
  }

  override extraRepr(): string {
    return `fake_quant_enabled=${this.fake_quant_enabled}, observer_enabled=${this.observer_enabled}, ` +
      `quant_min=${this.quantMin}, quant_max=${this.quantMax}, dtype=${this.dtype}, qscheme=${this.qscheme}, ch_axis=${this.chAxis}, ` +
      `scale=${this.scale}, zero_point=${this.zero_point}`;
  }
}

/**
 * torch.ao.quantization.FixedQParamsFakeQuantize(observer): fake-quantizes with the fixed scale and
 * zero point of its FixedQParamsObserver (its buffers are the observer's).
 */
export class FixedQParamsFakeQuantize extends FakeQuantize {
  constructor(observer: ObserverConstructor | { observer: ObserverConstructor }) {
    super({ observer: "observer" in observer && typeof observer !== "function" ? observer.observer : observer as ObserverConstructor });
    if (this.activation_post_process.constructor !== FixedQParamsObserver) throw new Error("FixedQParamsFakeQuantize's observer must be a FixedQParamsObserver");
    const fixed = this.activation_post_process as FixedQParamsObserver;
    this.scale = fixed.scale;
    this.zero_point = fixed.zero_point;
    if (isPerChannel(this.qscheme)) throw new Error(`Only per tensor quantization is supported FixedQParamsFakeQuantize module, got qscheme:${this.qscheme}`);
  }
  override calculateQparams(): [Tensor, Tensor] { return [this.scale, this.zero_point]; }
  override extraRepr(): string {
    return `fake_quant_enabled=${this.fake_quant_enabled}, observer_enabled=${this.observer_enabled}, scale=${this.scale}, zero_point=${this.zero_point}, ` +
      `dtype=${this.dtype}, quant_min=${this.quantMin}, quant_max=${this.quantMax}, qscheme=${this.qscheme}`;
  }
}

/**
 * torch.ao.quantization.FusedMovingAvgObsFakeQuantize: FakeQuantize with a moving-average observer
 * whose update, parameter choice and fake quantization run as torch.fusedMovingAvgObsFakeQuant
 * (its flags are int64 buffers; calculateQparams is the observer's formula).
 */
export class FusedMovingAvgObsFakeQuantize extends FakeQuantize {
  readonly isSymmetricQuant: boolean;
  constructor(options: FakeQuantizeOptions = {}) {
    super({ quantMin: 0, quantMax: 255, ...options });
    const o = this.activation_post_process;
    if (!(o instanceof MovingAverageMinMaxObserver || o instanceof MovingAveragePerChannelMinMaxObserver)) {
      throw new Error("Fused observer+fake_quant module only works with MovingAverageMinMaxObserver");
    }
    this.registerBuffer("fake_quant_enabled", tensor([1], { dtype: int64 }));
    this.registerBuffer("observer_enabled", tensor([1], { dtype: int64 }));
    this.isSymmetricQuant = this.qscheme === perTensorSymmetric || this.qscheme === perChannelSymmetric;
  }
  override forward(x: Tensor): Tensor {
    const o = this.activation_post_process as MovingAverageMinMaxObserver | MovingAveragePerChannelMinMaxObserver;
    return fusedMovingAvgObsFakeQuant(x, this.observer_enabled, this.fake_quant_enabled, o.minVal, o.maxVal, this.scale, this.zero_point,
      o.averagingConstant, o.quantMin, o.quantMax, this.chAxis, this.isPerChannel, this.isSymmetricQuant);
  }
  override extraRepr(): string {
    return `fake_quant_enabled=${this.fake_quant_enabled}, observer_enabled=${this.observer_enabled}, scale=${this.scale}, zero_point=${this.zero_point}, ` +
      `dtype=${this.dtype}, quant_min=${this.quantMin}, quant_max=${this.quantMax}, qscheme=${this.qscheme}, reduce_range=${(this.activation_post_process as MovingAverageMinMaxObserver).reduceRange}`;
  }
}

/** torch.ao.quantization.enable_fake_quant(mod), for model.apply: switches a fake-quantize module's fake quantization on. */
export function enableFakeQuant(mod: Module): void { if (mod instanceof FakeQuantizeBase) mod.enableFakeQuant(); }
/** torch.ao.quantization.disable_fake_quant(mod). */
export function disableFakeQuant(mod: Module): void { if (mod instanceof FakeQuantizeBase) mod.disableFakeQuant(); }
/** torch.ao.quantization.enable_observer(mod). */
export function enableObserver(mod: Module): void { if (mod instanceof FakeQuantizeBase) mod.enableObserver(); }
/** torch.ao.quantization.disable_observer(mod). */
export function disableObserver(mod: Module): void { if (mod instanceof FakeQuantizeBase) mod.disableObserver(); }
