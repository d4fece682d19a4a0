// torch.ao.quantization.QConfig: how to observe a module's output (activation) and its weight, as
// factories of observers or fake-quantize modules (PyTorch's Observer.with_args), PyTorch 1.13's
// default configurations, get_default_qconfig / get_default_qat_qconfig per backend, and
// qconfig_equals.
import { float16, float32, qint8 } from "../../core/dtype.js";
import { Module } from "../../nn/module.js";
import { Identity } from "../../nn/modules/linear.js";
import { MovingAverageMinMaxObserver } from "./observer.js";
import { HistogramObserver } from "./observer-histogram.js";
import { NoopObserver, PlaceholderObserver, ReuseInputObserver } from "./observer-simple.js";
import { FakeQuantize, FusedMovingAvgObsFakeQuantize } from "./fake-quantize.js";
import {
  defaultDebugObserver, defaultDynamicFakeQuant, defaultDynamicQuantObserver, defaultEmbeddingFakeQuant, defaultEmbeddingFakeQuant4bit, defaultFakeQuant, defaultFloatQparamsObserver,
  defaultFloatQparamsObserver4bit,
  defaultFusedActFakeQuant, defaultFusedPerChannelWtFakeQuant, defaultFusedWtFakeQuant, defaultObserver, defaultPerChannelWeightFakeQuant,
  defaultPerChannelWeightObserver, defaultPlaceholderObserver, defaultReuseInputObserver, defaultWeightFakeQuant, defaultWeightObserver,
  fusedPerChannelWtFakeQuantRangeNeg127To127, fusedWtFakeQuantRangeNeg127To127, perChannelWeightObserverRangeNeg127To127, weightObserverRangeNeg127To127,
} from "./defaults.js";
import { type ModuleFactory, factoriesEqual, withArgs } from "./with-args.js";

/** A factory of observers (the name the first quantization sessions gave ModuleFactory). */
export type ObserverFactory = ModuleFactory;

export class QConfig {
  readonly activation: ModuleFactory;
  readonly weight: ModuleFactory;
  constructor(activation: ModuleFactory | { activation: ModuleFactory; weight: ModuleFactory }, weight?: ModuleFactory) {
    const pair = typeof activation === "function" ? { activation, weight } : activation;
    if (pair.activation instanceof Module || pair.weight instanceof Module || typeof pair.activation !== "function" || typeof pair.weight !== "function") {
      throw new Error("QConfig received observer instance, please pass observer class instead. Use MyObserver.with_args(x=1) to override arguments to constructor if needed");
    }
    this.activation = pair.activation;
    this.weight = pair.weight;
  }
  toString(): string { return `QConfig(activation=${describe(this.activation)}, weight=${describe(this.weight)})`; }
}

function describe(f: ModuleFactory): string {
  if (!f.cls) return f.name || "<factory>";
  const options = Object.entries(f.options ?? {}).map(([k, v]) => `${k}=${typeof v === "function" ? (v as { name: string }).name : String(v)}`);
  return `${f.cls.name}.withArgs({${options.join(", ")}})`;
}

const identity: ModuleFactory = withArgs(Identity, {} as Record<string, never>);

/** default_qconfig. */
export const defaultQconfig = new QConfig(defaultObserver, defaultWeightObserver);
/** default_debug_qconfig (a RecordingObserver on activations). */
export const defaultDebugQconfig = new QConfig(defaultDebugObserver, defaultWeightObserver);
/** default_per_channel_qconfig. */
export const defaultPerChannelQconfig = new QConfig(defaultObserver, defaultPerChannelWeightObserver);
/** default_dynamic_qconfig: activations quantized on the fly, qint8 weights per tensor. */
export const defaultDynamicQconfig = new QConfig(defaultDynamicQuantObserver, defaultWeightObserver);
/** float16_dynamic_qconfig. */
export const float16DynamicQconfig = new QConfig(PlaceholderObserver.withArgs({ dtype: float16, computeDtype: float16 }), PlaceholderObserver.withArgs({ dtype: float16 }));
/** float16_static_qconfig. */
export const float16StaticQconfig = new QConfig(PlaceholderObserver.withArgs({ dtype: float16 }), PlaceholderObserver.withArgs({ dtype: float16 }));
/** per_channel_dynamic_qconfig. */
export const perChannelDynamicQconfig = new QConfig(defaultDynamicQuantObserver, defaultPerChannelWeightObserver);
/** float_qparams_weight_only_qconfig (embeddings). */
export const floatQparamsWeightOnlyQconfig = new QConfig(defaultPlaceholderObserver, defaultFloatQparamsObserver);
/** float_qparams_weight_only_qconfig_4bit (4-bit embeddings: quint4x2 weights). */
export const floatQparamsWeightOnlyQconfig4bit = new QConfig(defaultPlaceholderObserver, defaultFloatQparamsObserver4bit);
/** default_qat_qconfig. */
export const defaultQatQconfig = new QConfig(defaultFakeQuant, defaultWeightFakeQuant);
/** default_dynamic_qat_qconfig. */
export const defaultDynamicQatQconfig = new QConfig(defaultDynamicFakeQuant, defaultWeightFakeQuant);
/** default_weight_only_qconfig. */
export const defaultWeightOnlyQconfig = new QConfig(identity, defaultWeightFakeQuant);
/** default_activation_only_qconfig. */
export const defaultActivationOnlyQconfig = new QConfig(defaultFakeQuant, identity);
/** default_qat_qconfig_v2: the fused observer + fake-quantize modules. */
export const defaultQatQconfigV2 = new QConfig(defaultFusedActFakeQuant, defaultFusedWtFakeQuant);
/** default_reuse_input_qconfig. */
export const defaultReuseInputQconfig = new QConfig(defaultReuseInputObserver, withArgs(NoopObserver, {}));
/** default_symmetric_qnnpack_qconfig: signed activations and weights in [-127, 127]. */
export const defaultSymmetricQnnpackQconfig = new QConfig(HistogramObserver.withArgs({ dtype: qint8, reduceRange: false, eps: 2 ** -12 }), weightObserverRangeNeg127To127);
/** default_per_channel_symmetric_qnnpack_qconfig. */
export const defaultPerChannelSymmetricQnnpackQconfig = new QConfig(HistogramObserver.withArgs({ dtype: qint8, reduceRange: false, eps: 2 ** -12 }), perChannelWeightObserverRangeNeg127To127);
const symmetricQnnpackQatActivation = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: -128, quantMax: 127, dtype: qint8, reduceRange: false, eps: 2 ** -12 });
/** default_symmetric_qnnpack_qat_qconfig. */
export const defaultSymmetricQnnpackQatQconfig = new QConfig(symmetricQnnpackQatActivation, fusedWtFakeQuantRangeNeg127To127);
/** default_per_channel_symmetric_qnnpack_qat_qconfig. */
export const defaultPerChannelSymmetricQnnpackQatQconfig = new QConfig(symmetricQnnpackQatActivation, fusedPerChannelWtFakeQuantRangeNeg127To127);
/** default_embedding_qat_qconfig. */
export const defaultEmbeddingQatQconfig = new QConfig(NoopObserver.withArgs({ dtype: float32 }), defaultEmbeddingFakeQuant);
/** default_embedding_qat_qconfig_4bit. */
export const defaultEmbeddingQatQconfig4bit = new QConfig(NoopObserver.withArgs({ dtype: float32 }), defaultEmbeddingFakeQuant4bit);

export type QuantizedBackend = "x86" | "fbgemm" | "qnnpack" | "onednn";

/** get_default_qconfig(backend="fbgemm", version=0): the post-training qconfig of a backend (default_qconfig for another name). */
export function getDefaultQconfig(backend: QuantizedBackend | string = "fbgemm", version = 0): QConfig {
  if (version !== 0) throw new Error(`Version number: ${version} in get_default_qconfig is not supported. Version number must be 0`);
  switch (backend) {
    case "fbgemm": case "x86": return new QConfig(HistogramObserver.withArgs({ reduceRange: true }), defaultPerChannelWeightObserver);
    case "qnnpack": return new QConfig(HistogramObserver.withArgs({ reduceRange: false }), defaultWeightObserver);
    case "onednn": return new QConfig(HistogramObserver.withArgs({ reduceRange: false }), defaultPerChannelWeightObserver);
    default: return defaultQconfig;
  }
}

/**
 * get_default_qat_qconfig(backend="fbgemm", version=1): the QAT qconfig of a backend: version 1
 * fuses observer and fake quantization (FusedMovingAvgObsFakeQuantize), version 0 does not.
 */
export function getDefaultQatQconfig(backend: QuantizedBackend | string = "fbgemm", version: number | null = 1): QConfig {
  const reduceRange = backend === "fbgemm" || backend === "x86";
  const known = reduceRange || backend === "qnnpack" || backend === "onednn";
  if (version === 0) {
    if (!known) return defaultQatQconfig;
    const activation = FakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, ...(backend === "onednn" ? {} : { reduceRange }) });
    return new QConfig(activation, backend === "qnnpack" ? defaultWeightFakeQuant : defaultPerChannelWeightFakeQuant);
  }
  if (version === 1 || version === null) {
    if (!known) return defaultQatQconfigV2;
    const activation = FusedMovingAvgObsFakeQuantize.withArgs({ observer: MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, ...(backend === "onednn" ? {} : { reduceRange }) });
    return new QConfig(activation, backend === "qnnpack" ? defaultFusedWtFakeQuant : defaultFusedPerChannelWtFakeQuant);
  }
  throw new Error(`Version number: ${version}in get_default_qat_qconfig is not supported. Version number must be 0 or 1`);
}

/** obs_or_fq_ctr_equals: the same factory, or factories of one class with equal options. */
export function obsOrFqCtrEquals(a: ModuleFactory, b: ModuleFactory): boolean { return factoriesEqual(a, b); }

/** qconfig_equals(q1, q2): both null, or equal activation and weight factories. */
export function qconfigEquals(q1: QConfig | null | undefined, q2: QConfig | null | undefined): boolean {
  if (!q1 || !q2) return (q1 ?? null) === (q2 ?? null);
  return factoriesEqual(q1.activation, q2.activation) && factoriesEqual(q1.weight, q2.weight);
}

/** activation_is_memoryless(qconfig): whether the activation observer is a MovingAverageMinMaxObserver with averaging constant 1. */
export function activationIsMemoryless(qconfig: QConfig): boolean {
  let act: Module = qconfig.activation();
  if (act instanceof FakeQuantize) act = act.activation_post_process;
  return act instanceof MovingAverageMinMaxObserver && act.averagingConstant === 1;
}

/** is_reuse_input_qconfig(qconfig): whether it is default_reuse_input_qconfig's kind. */
export function isReuseInputQconfig(qconfig: QConfig | null | undefined): boolean {
  return !!qconfig && qconfig.activation() instanceof ReuseInputObserver && qconfig.weight() instanceof NoopObserver;
}

/** get_default_qconfig_dict(backend, version): {"": getDefaultQconfig(backend)} plus the fixed-qparams ops (FX's; eager uses only ""). */
export function getDefaultQconfigDict(backend: QuantizedBackend | string = "fbgemm", version = 0): Map<string, QConfig> {
  return new Map([["", getDefaultQconfig(backend, version)]]);
}
/** get_default_qat_qconfig_dict(backend, version). */
export function getDefaultQatQconfigDict(backend: QuantizedBackend | string = "fbgemm", version = 1): Map<string, QConfig> {
  return new Map([["", getDefaultQatQconfig(backend, version)]]);
}
