// PyTorch 1.13's default observers and fake-quantize modules (observer.py and fake_quantize.py's
// default_* names), as withArgs factories.
import { qint8, quint4x2, quint8 } from "../../core/dtype.js";
import { perChannelAffineFloatQparams, perChannelSymmetric, perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";
import { MinMaxObserver, MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver, PerChannelMinMaxObserver } from "./observer.js";
import { HistogramObserver } from "./observer-histogram.js";
import { FixedQParamsObserver, PlaceholderObserver, RecordingObserver, ReuseInputObserver } from "./observer-simple.js";
import { FakeQuantize, FixedQParamsFakeQuantize, FusedMovingAvgObsFakeQuantize } from "./fake-quantize.js";
import { withArgs } from "./with-args.js";

/** default_observer: MinMaxObserver with quant range [0, 127] (7 bits, for fbgemm's int16 pairs). */
export const defaultObserver = MinMaxObserver.withArgs({ quantMin: 0, quantMax: 127 });
/** default_placeholder_observer (PlaceholderObserver). */
export const defaultPlaceholderObserver = withArgs(PlaceholderObserver, {});
/** default_debug_observer (RecordingObserver). */
export const defaultDebugObserver = withArgs(RecordingObserver, {});
/** default_weight_observer: symmetric qint8 per tensor. */
export const defaultWeightObserver = MinMaxObserver.withArgs({ dtype: qint8, qscheme: perTensorSymmetric });
/** weight_observer_range_neg_127_to_127: symmetric qint8 in [-127, 127]. */
export const weightObserverRangeNeg127To127 = MinMaxObserver.withArgs({ dtype: qint8, qscheme: perTensorSymmetric, quantMin: -127, quantMax: 127, eps: 2 ** -12 });
/** default_histogram_observer: HistogramObserver with quant range [0, 127]. */
export const defaultHistogramObserver = HistogramObserver.withArgs({ quantMin: 0, quantMax: 127 });
/** default_per_channel_weight_observer: symmetric qint8 per output channel. */
export const defaultPerChannelWeightObserver = PerChannelMinMaxObserver.withArgs({ dtype: qint8, qscheme: perChannelSymmetric });
/** per_channel_weight_observer_range_neg_127_to_127. */
export const perChannelWeightObserverRangeNeg127To127 = PerChannelMinMaxObserver.withArgs({ dtype: qint8, qscheme: perChannelSymmetric, quantMin: -127, quantMax: 127, eps: 2 ** -12 });
/** default_dynamic_quant_observer: a placeholder for activations quantized on the fly. */
export const defaultDynamicQuantObserver = PlaceholderObserver.withArgs({ dtype: quint8, computeDtype: quint8 });
/** default_float_qparams_observer: per-row quint8 with float zero points (embeddings). */
export const defaultFloatQparamsObserver = PerChannelMinMaxObserver.withArgs({ dtype: quint8, qscheme: perChannelAffineFloatQparams, chAxis: 0 });
/** default_float_qparams_observer_4bit: per-row quint4x2 with float zero points (4-bit embeddings). */
export const defaultFloatQparamsObserver4bit = PerChannelMinMaxObserver.withArgs({ dtype: quint4x2, qscheme: perChannelAffineFloatQparams, chAxis: 0 });
/** default_fixed_qparams_range_neg1to1_observer: scale 2/256, zero point 128 (tanh). */
export const defaultFixedQparamsRangeNeg1to1Observer = FixedQParamsObserver.withArgs({ scale: 2.0 / 256.0, zeroPoint: 128, dtype: quint8, quantMin: 0, quantMax: 255 });
/** default_fixed_qparams_range_0to1_observer: scale 1/256, zero point 0 (sigmoid). */
export const defaultFixedQparamsRange0to1Observer = FixedQParamsObserver.withArgs({ scale: 1.0 / 256.0, zeroPoint: 0, dtype: quint8, quantMin: 0, quantMax: 255 });
/** default_symmetric_fixed_qparams_observer (the old name of the [-1, 1] one). */
export const defaultSymmetricFixedQparamsObserver = defaultFixedQparamsRangeNeg1to1Observer;
/** default_affine_fixed_qparams_observer (the old name of the [0, 1] one). */
export const defaultAffineFixedQparamsObserver = defaultFixedQparamsRange0to1Observer;
/** default_reuse_input_observer (ReuseInputObserver). */
export const defaultReuseInputObserver = withArgs(ReuseInputObserver, {});

/** default_fake_quant: activations, quint8 with reduce_range (an effective [0, 127]). */
export const defaultFakeQuant = FakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, dtype: quint8, qscheme: perTensorAffine, reduceRange: true });
/** default_weight_fake_quant: weights, symmetric qint8 per tensor. */
export const defaultWeightFakeQuant = FakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: -128, quantMax: 127, dtype: qint8, qscheme: perTensorSymmetric, reduceRange: false });
/** default_dynamic_fake_quant. */
export const defaultDynamicFakeQuant = FakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, dtype: quint8, averagingConstant: 1 });
/** default_fixed_qparams_range_neg1to1_fake_quant. */
export const defaultFixedQparamsRangeNeg1to1FakeQuant = FixedQParamsFakeQuantize.withArgs({ observer: defaultFixedQparamsRangeNeg1to1Observer });
/** default_fixed_qparams_range_0to1_fake_quant. */
export const defaultFixedQparamsRange0to1FakeQuant = FixedQParamsFakeQuantize.withArgs({ observer: defaultFixedQparamsRange0to1Observer });
/** default_symmetric_fixed_qparams_fake_quant (old name). */
export const defaultSymmetricFixedQparamsFakeQuant = defaultFixedQparamsRangeNeg1to1FakeQuant;
/** default_affine_fixed_qparams_fake_quant (old name). */
export const defaultAffineFixedQparamsFakeQuant = defaultFixedQparamsRange0to1FakeQuant;
/** default_per_channel_weight_fake_quant: symmetric qint8 per output channel. */
export const defaultPerChannelWeightFakeQuant = FakeQuantize.withArgs({
  observer: MovingAveragePerChannelMinMaxObserver, quantMin: -128, quantMax: 127, dtype: qint8, qscheme: perChannelSymmetric, reduceRange: false, chAxis: 0,
});
/** default_embedding_fake_quant: per-row quint8 with float zero points. */
export const defaultEmbeddingFakeQuant = FakeQuantize.withArgs({
  observer: MovingAveragePerChannelMinMaxObserver, qscheme: perChannelAffineFloatQparams, dtype: quint8, quantMin: 0, quantMax: 255, chAxis: 0, averagingConstant: 1,
});
/** default_embedding_fake_quant_4bit: per-row quint4x2 with float zero points (its range [0, 15] from the dtype). */
export const defaultEmbeddingFakeQuant4bit = FakeQuantize.withArgs({
  observer: MovingAveragePerChannelMinMaxObserver, qscheme: perChannelAffineFloatQparams, chAxis: 0, dtype: quint4x2, averagingConstant: 1,
});
/** default_histogram_fake_quant. */
export const defaultHistogramFakeQuant = FakeQuantize.withArgs({ observer: HistogramObserver, quantMin: 0, quantMax: 255, dtype: quint8, qscheme: perTensorAffine, reduceRange: true });
/** default_fused_act_fake_quant: default_fake_quant's fused form (without reduce_range). */
export const defaultFusedActFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, dtype: quint8 });
/** default_fused_wt_fake_quant. */
export const defaultFusedWtFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: -128, quantMax: 127, dtype: qint8, qscheme: perTensorSymmetric });
/** default_fused_per_channel_wt_fake_quant. */
export const defaultFusedPerChannelWtFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAveragePerChannelMinMaxObserver, quantMin: -128, quantMax: 127, dtype: qint8, qscheme: perChannelSymmetric });
/** fused_wt_fake_quant_range_neg_127_to_127. */
export const fusedWtFakeQuantRangeNeg127To127 = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: -127, quantMax: 127, dtype: qint8, qscheme: perTensorSymmetric, eps: 2 ** -12 });
/** fused_per_channel_wt_fake_quant_range_neg_127_to_127. */
export const fusedPerChannelWtFakeQuantRangeNeg127To127 = FusedMovingAvgObsFakeQuantize.withArgs({
  observer: MovingAveragePerChannelMinMaxObserver, quantMin: -127, quantMax: 127, dtype: qint8, qscheme: perChannelSymmetric, eps: 2 ** -12,
});
