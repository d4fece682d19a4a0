// torch.ao.quantization.QConfig: how to observe a module's output (activation) and its weight, as
// factories of observers (PyTorch's Observer.with_args), and PyTorch 1.13's default configurations.
import { qint8 } from "../../core/dtype.js";
import { perChannelSymmetric, perTensorSymmetric } from "../../ops/quantize.js";
import { MinMaxObserver, PerChannelMinMaxObserver, type UniformQuantizationObserverBase } from "./observer.js";

export type ObserverFactory = () => UniformQuantizationObserverBase;

export class QConfig {
  constructor(readonly activation: ObserverFactory, readonly weight: ObserverFactory) {
    if (typeof activation !== "function" || typeof weight !== "function") {
      throw new Error("QConfig received observer instance, please pass observer class instead. Use MyObserver.with_args(x=1) to override arguments to constructor if needed");
    }
  }
  toString(): string { return "QConfig(activation=..., weight=...)"; }
}

/** default_observer: MinMaxObserver with quant range [0, 127] (7 bits, for fbgemm's int16 pairs). */
export const defaultObserver: ObserverFactory = () => new MinMaxObserver({ quantMin: 0, quantMax: 127 });
/** default_weight_observer: symmetric qint8 per tensor. */
export const defaultWeightObserver: ObserverFactory = () => new MinMaxObserver({ dtype: qint8, qscheme: perTensorSymmetric });
/** default_per_channel_weight_observer: symmetric qint8 per output channel. */
export const defaultPerChannelWeightObserver: ObserverFactory = () => new PerChannelMinMaxObserver({ dtype: qint8, qscheme: perChannelSymmetric });

/** default_qconfig. */
export const defaultQconfig = new QConfig(defaultObserver, defaultWeightObserver);
/** The weight part of default_dynamic_qconfig (the activation is quantized dynamically). */
export const defaultDynamicQconfig = new QConfig(defaultObserver, defaultWeightObserver);
/** per_channel_dynamic_qconfig. */
export const perChannelDynamicQconfig = new QConfig(defaultObserver, defaultPerChannelWeightObserver);
