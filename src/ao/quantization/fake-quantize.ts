// torch.ao.quantization.FakeQuantize: an observer (MovingAverageMinMaxObserver by default) that
// sets the scale and zero point, then torch.fakeQuantizePerTensorAffine with them, each step
// switchable by PyTorch's uint8 flag buffers (fake_quant_enabled, observer_enabled). Buffers and
// state_dict keys are PyTorch's; with a per-channel observer, torch.fakeQuantizePerChannelAffine.

import { Tensor } from "../../core/tensor.js";
import { type DType, float32, int32, toDType, uint8, quint8 } from "../../core/dtype.js";
import { Module } from "../../nn/module.js";
import { tensor } from "../../ops/creation.js";
import { type QScheme, perChannelAffine, perChannelSymmetric, perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";
import { fakeQuantizePerChannelAffine, fakeQuantizePerTensorAffine } from "../../ops/fake-quantize.js";
import { iinfo } from "../../core/type-info.js";
import { MovingAverageMinMaxObserver, type ObserverOptions, type PerChannelMinMaxObserver, type UniformQuantizationObserverBase } from "./observer.js";

type ObserverClass = new (options: ObserverOptions & { chAxis?: number; averagingConstant?: number }) => UniformQuantizationObserverBase;

export interface FakeQuantizeOptions extends ObserverOptions {
  chAxis?: number;
  /** The observer's class (PyTorch's `observer`); the other options are its arguments. */
  observer?: ObserverClass;
  averagingConstant?: number;
}

const INT_OF: Record<string, DType> = { quint8: toDType("uint8"), qint8: toDType("int8"), qint32: toDType("int32") };

export class FakeQuantize extends Module {
  declare fake_quant_enabled: Tensor;
  declare observer_enabled: Tensor;
  declare scale: Tensor;
  declare zero_point: Tensor;
  readonly activation_post_process: UniformQuantizationObserverBase;
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
    this.registerBuffer("fake_quant_enabled", tensor([1], { dtype: uint8 }));
    this.registerBuffer("observer_enabled", tensor([1], { dtype: uint8 }));
    const { quantMin = null, quantMax = null } = options;
    if (quantMin !== null && quantMax !== null) {
      if (!(quantMin <= quantMax)) throw new Error("quant_min must be less than or equal to quant_max");
      const bounds = iinfo(INT_OF[toDType(options.dtype ?? quint8).name]!);
      if (!(bounds.min <= quantMin)) throw new Error("quant_min out of bound");
      if (!(quantMax <= bounds.max)) throw new Error("quant_max out of bound");
    }
    this.activation_post_process = new observer(observerOptions);
    this.quantMin = this.activation_post_process.quantMin;
    this.quantMax = this.activation_post_process.quantMax;
    this.registerBuffer("scale", tensor([1.0], { dtype: float32 }));
    this.registerBuffer("zero_point", tensor([0], { dtype: int32 }));
    this.dtype = this.activation_post_process.dtype;
    this.qscheme = this.activation_post_process.qscheme;
    this.chAxis = "chAxis" in this.activation_post_process ? (this.activation_post_process as PerChannelMinMaxObserver).chAxis : -1;
    this.isPerChannel = this.qscheme === perChannelAffine || this.qscheme === perChannelSymmetric;
    if (!this.isPerChannel && this.qscheme !== perTensorAffine && this.qscheme !== perTensorSymmetric) {
      throw new Error(`Only per channel and per tensor quantization are supported in fake quantize got qscheme: ${this.qscheme}`);
    }
  }

  /** The observer module (PyTorch's activation_post_process). */
  get activationPostProcess(): UniformQuantizationObserverBase { return this.activation_post_process; }
  get fakeQuantEnabled(): Tensor { return this.fake_quant_enabled; }
  get observerEnabled(): Tensor { return this.observer_enabled; }
  get zeroPoint(): Tensor { return this.zero_point; }

  enableFakeQuant(enabled = true): void { this.fake_quant_enabled.set(0, enabled ? 1 : 0); }
  disableFakeQuant(): void { this.enableFakeQuant(false); }
  enableObserver(enabled = true): void { this.observer_enabled.set(0, enabled ? 1 : 0); }
  disableObserver(): void { this.enableObserver(false); }

  calculateQparams(): [Tensor, Tensor] { return this.activation_post_process.calculateQparams(); }

  override forward(x: Tensor): Tensor {
    if (Number(this.observer_enabled.get(0).item()) === 1) {
      this.activation_post_process.call(x.detach());
      const [scale, zeroPoint] = this.calculateQparams();
      if (this.scale.shape.join() !== scale.shape.join()) {
        this.scale.resize_(scale.shape);
        this.zero_point.resize_(zeroPoint.shape);
      }
      this.scale.copy_(scale);
      this.zero_point.copy_(zeroPoint);
    }
    if (Number(this.fake_quant_enabled.get(0).item()) === 1) {
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
