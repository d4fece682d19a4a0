// torch.ao.quantization's small helpers: is_activation_post_process, get_observer_dict,
// get_qparam_dict, get_combined_dict, has_no_children_ignoring_parametrizations,
// default_eval_fn, assert_valid_qconfig and the deprecated QConfigDynamic.
import type { Tensor } from "../../core/tensor.js";
import type { DType } from "../../core/dtype.js";
import { warnOnce } from "../../core/warnings.js";
import type { Module } from "../../nn/module.js";
import { ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "../../nn/modules/conv.js";
import { Identity } from "../../nn/modules/linear.js";
import { type QScheme, perChannelAffine, perChannelAffineFloatQparams, perChannelSymmetric, perTensorAffine, perTensorSymmetric } from "../../ops/quantize.js";
import { MovingAveragePerChannelMinMaxObserver, ObserverBase, PerChannelMinMaxObserver } from "./observer.js";
import { FakeQuantizeBase } from "./fake-quantize.js";
import { QConfig } from "./qconfig.js";
import { type ModuleFactory, withArgs } from "./with-args.js";

/** is_activation_post_process(module): an observer or a fake-quantize module. */
export function isActivationPostProcess(module: Module): boolean { return module instanceof ObserverBase || module instanceof FakeQuantizeBase; }

/** has_no_children_ignoring_parametrizations(module). */
export function hasNoChildrenIgnoringParametrizations(module: Module): boolean { return module._ownModules().every(([, c]) => c === null); }

/** get_observer_dict(mod, target_dict, prefix=""): every activation_post_process under mod, by qualified name, into targetDict. */
export function getObserverDict(mod: Module, targetDict: Map<string, Module>, prefix = ""): void {
  const post = (mod as Module & { activation_post_process?: Module }).activation_post_process;
  if (post) targetDict.set(prefix ? `${prefix}.activation_post_process` : "activation_post_process", post);
  for (const [name, child] of mod._ownModules()) if (child) getObserverDict(child, targetDict, prefix ? `${prefix}.${name}` : name);
}

export interface QparamDict { qscheme: QScheme | null; dtype: DType; axis?: number; scale?: Tensor; zeroPoint?: Tensor }

/** get_qparam_dict(observer_or_fake_quant): its scheme as a quantized tensor has it (symmetric as affine), dtype, axis and parameters. */
export function getQparamDict(observerOrFakeQuant: Module & { dtype: DType; qscheme?: QScheme; chAxis?: number; calculateQparams(): [Tensor, Tensor] }): QparamDict {
  const qscheme = observerOrFakeQuant.qscheme ?? null;
  const out: QparamDict = { qscheme, dtype: observerOrFakeQuant.dtype };
  if (!qscheme) return out;
  if (qscheme === perTensorAffine || qscheme === perTensorSymmetric) out.qscheme = perTensorAffine;
  else if (qscheme === perChannelAffine || qscheme === perChannelSymmetric || qscheme === perChannelAffineFloatQparams) {
    out.qscheme = qscheme === perChannelSymmetric ? perChannelAffine : qscheme;
    out.axis = observerOrFakeQuant.chAxis;
  } else throw new Error(`Unrecognized qscheme: ${qscheme}`);
  [out.scale, out.zeroPoint] = observerOrFakeQuant.calculateQparams();
  return out;
}

/** get_combined_dict(default_dict, additional_dict): the defaults overridden by the additional entries. */
export function getCombinedDict<K, V>(defaultDict: Map<K, V>, additionalDict: Map<K, V>): Map<K, V> { return new Map([...defaultDict, ...additionalDict]); }

/** default_eval_fn(model, calib_data): runs the model on each (data, target) pair's data. */
export function defaultEvalFn(model: Module, calibData: Iterable<[Tensor, unknown]>): void {
  for (const [data] of calibData) (model as Module & { forward(x: Tensor): unknown }).call(data);
}

/** assert_valid_qconfig(qconfig, mod): ConvTranspose modules refuse per-channel weight observers. */
export function assertValidQconfig(qconfig: QConfig | null | undefined, mod: Module): void {
  if (!qconfig) return;
  const k = mod instanceof ConvTranspose1d ? 1 : mod instanceof ConvTranspose2d ? 2 : mod instanceof ConvTranspose3d ? 3 : 0;
  if (!k) return;
  const example = qconfig.weight();
  if (example instanceof PerChannelMinMaxObserver || example instanceof MovingAveragePerChannelMinMaxObserver) {
    throw new Error(`Per channel weight observer is not supported yet for ConvTranspose${k}d.`);
  }
}

/** QConfigDynamic(activation=Identity, weight=Identity): the deprecated form of QConfig (it warns). */
export class QConfigDynamic extends QConfig {
  constructor(activation: ModuleFactory = withArgs(Identity, {}), weight: ModuleFactory = withArgs(Identity, {})) {
    super(activation, weight);
    warnOnce("QConfigDynamic is going to be deprecated in PyTorch 1.12, please use QConfig instead");
  }
}
