// PyTorch's _quantize_weight: a float weight quantized to qint8 with the parameters of its weight
// observer or fake-quantize module (what a qconfig's weight factory makes, or a QAT module's
// weight_fake_quant), its integers clamped to the observer's range when narrower than qint8's.
import type { Tensor } from "../../../core/tensor.js";
import type { DType } from "../../../core/dtype.js";
import { float64, int64 } from "../../../core/dtype.js";
import type { Module } from "../../../nn/module.js";
import {
  type QScheme, _makePerChannelQuantizedTensor, _makePerTensorQuantizedTensor, perChannelAffine, perChannelSymmetric, quantizePerChannel, quantizePerTensor,
} from "../../../ops/quantize.js";
import { noGrad } from "../../../autograd/grad-mode.js";

/** What a weight observer offers: the parameters it computed and the range and scheme they are for. */
export interface WeightObserver extends Module {
  readonly dtype: DType;
  readonly qscheme: QScheme;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly chAxis?: number;
  calculateQparams(): [Tensor, Tensor];
  forward(x: Tensor): Tensor;
}

/** The module as a weight observer, or an Error naming what it lacks. */
export function asWeightObserver(m: Module): WeightObserver {
  const o = m as unknown as Partial<WeightObserver>;
  if (typeof o.calculateQparams !== "function" || !o.qscheme || !o.dtype) throw new Error(`${m.constructor.name} is not a weight observer (it has no calculateQparams, qscheme and dtype)`);
  return m as unknown as WeightObserver;
}

/** Quantizes `weight` as the observer (which has already seen it) says. */
export function quantizeObservedWeight(weight: Tensor, observer: WeightObserver): Tensor {
  return noGrad(() => {
    const w = weight.detach().float();
    const [scale, zeroPoint] = observer.calculateQparams();
    if (observer.dtype.name !== "qint8") throw new Error(`Unsupported dtype of weight observer: ${observer.dtype}`);
    const perChannel = observer.qscheme === perChannelAffine || observer.qscheme === perChannelSymmetric;
    const axis = observer.chAxis ?? 0;
    const q = perChannel
      ? quantizePerChannel(w, scale.to(float64), zeroPoint.to(int64), axis, observer.dtype)
      : quantizePerTensor(w, Number(scale.reshape(-1).get(0).item()), Number(zeroPoint.reshape(-1).get(0).item()), observer.dtype);
    if (observer.quantMin <= -128 && observer.quantMax >= 127) return q;
    // PyTorch's _clamp_weights: a range narrower than qint8's ([-127, 127]) clamps the integers.
    const ints = q.intRepr().clamp(observer.quantMin, observer.quantMax);
    return perChannel ? _makePerChannelQuantizedTensor(ints, q.qPerChannelScales(), q.qPerChannelZeroPoints(), axis) : _makePerTensorQuantizedTensor(ints, q.qScale(), q.qZeroPoint());
  });
}

/** Observes `weight` with the weight observer (a new one from a qconfig, or a QAT module's) and quantizes it. */
export function quantizeWeight(weight: Tensor, observer: Module): Tensor {
  const o = asWeightObserver(observer);
  noGrad(() => o.call(weight.detach().float()));
  return quantizeObservedWeight(weight, o);
}
