// torch.ao.quantization's eager-mode workflow, as PyTorch 1.13's quantize.py: propagateQconfig_,
// addObserver_ (an observer, or a fake quantize for QAT, on the output of each module convert
// will swap, run by a forward hook that returns its output), prepare, prepareQat, convert (each
// module swapped for its mapping's class by fromFloat), quantize, quantizeQat, quantizeDynamic,
// addQuantDequant and swapModule. prepare, convert and the one-call functions copy the model
// unless inplace is set.
import { Module } from "../../nn/module.js";
import { deepCopy } from "../../nn/deep-copy.js";
import { Sequential } from "../../nn/modules/container.js";
import { Linear as FloatLinear } from "../../nn/modules/linear.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Tensor } from "../../core/tensor.js";
import { isFusedModule } from "../nn/intrinsic/fused.js";
import { FloatFunctional, QFunctional } from "../nn/quantized/functional-modules.js";
import { type QConfig, activationIsMemoryless, defaultDynamicQconfig, float16DynamicQconfig, floatQparamsWeightOnlyQconfig, floatQparamsWeightOnlyQconfig4bit } from "./qconfig.js";
import { type DType, type DTypeLike, float16, qint8, quint4x2, quint8, toDType } from "../../core/dtype.js";
import { Embedding as FloatEmbedding, EmbeddingBag as FloatEmbeddingBag } from "../../nn/modules/sparse.js";
import { GRU, GRUCell, LSTM, LSTMCell, RNNCell } from "../../nn/modules/rnn.js";
import { DeQuantStub, QuantWrapper } from "./stubs.js";
import { QConfigMapping } from "./qconfig-mapping.js";
import { assertValidQconfig } from "./utils.js";
import {
  DEFAULT_MODULE_TO_ACT_POST_PROCESS, type ModuleClass, type ModuleMapping, getDefaultDynamicQuantModuleMappings, getDefaultQatModuleMappings,
  getDefaultQconfigPropagationList, getDefaultStaticQuantModuleMappings,
} from "./mappings.js";
import type { ModuleFactory } from "./with-args.js";
import { type CustomConfigDict, type QuantizedCustomModuleClass, type ObservedCustomModuleClass, floatToObserved, getDefaultCustomConfigDict, noObserverSet, observedToQuantized } from "./custom-config.js";

type WithQconfig = Module & { qconfig?: QConfig | null; activation_post_process?: Module };
type TensorModule = Module & { forward(x: Tensor): Tensor };
const children = (m: Module): [string, Module][] => m._ownModules().filter((e): e is [string, Module] => e[1] !== null);
const setChild = (parent: Module, name: string, child: Module): void => { (parent as unknown as Record<string, Module>)[name] = child; };
const q = (m: Module): WithQconfig => m as WithQconfig;
const needsObservation = (m: Module): boolean => !!q(m).qconfig;

/** A qconfig per module class or per qualified name ("" for the model), as propagateQconfig_ takes. */
export type QconfigDict = Map<string | ModuleClass, QConfig | null>;

/**
 * torch.ao.quantization.propagate_qconfig_(module, qconfig_dict=None): every module gets a qconfig:
 * its own, else its qualified name's, else its class's, else its parent's (null at the top). A
 * QConfigMapping gives its global ("" names the model), class and module-name entries.
 */
export function propagateQconfig_(module: Module, qconfigDict: QconfigDict | QConfigMapping = new Map()): void {
  if (qconfigDict instanceof QConfigMapping) qconfigDict = qconfigDict.toQconfigDict();
  const dict = qconfigDict;
  const walk = (m: Module, parent: QConfig | null, prefix: string): void => {
    let own = dict.has(m.constructor as ModuleClass) ? dict.get(m.constructor as ModuleClass)! : parent;
    if (dict.has(prefix)) own = dict.get(prefix)!;
    if (q(m).qconfig !== undefined) own = q(m).qconfig!;
    assertValidQconfig(own, m);
    q(m).qconfig = own;
    for (const [name, c] of children(m)) walk(c, own, prefix ? `${prefix}.${name}` : name);
  };
  walk(module, null, "");
}

/** insert_activation_post_process: the output observer (or fake quantize) and the hook that runs it first. */
function insertActivationPostProcess(m: Module, special?: ModuleFactory): void {
  const qconfig = q(m).qconfig;
  if (!qconfig || m instanceof DeQuantStub) return;
  m.addModule("activation_post_process", (special ?? qconfig.activation)());
  // A memoryless activation observer (dynamic QAT) observes the input instead.
  registerActivationPostProcessHook(m, activationIsMemoryless(qconfig));
}

/** The observer hooks (swapModule carries every other hook to the swapped module). */
const observerHooks = new WeakSet<object>();
const postOf = (m: Module): TensorModule => q(m).activation_post_process as TensorModule;
const observerPreHook = (mod: Module, args: unknown[]): unknown[] => [postOf(mod).call(args[0] as Tensor), ...args.slice(1)];
const observerHook = (mod: Module, _args: unknown[], output: unknown): unknown => postOf(mod).call(output as Tensor);
observerHooks.add(observerPreHook).add(observerHook);

/**
 * register_activation_post_process_hook(module, pre_hook=False): runs module.activation_post_process
 * on the output (its result becomes the output), or with preHook on the first input; first of the
 * module's hooks, as PyTorch's.
 */
export function registerActivationPostProcessHook(module: Module, preHook = false): void {
  if (!q(module).activation_post_process) throw new Error("Expect activation_post_process attribute already attached to the module");
  if (preHook) module._forwardPreHooks().unshift(observerPreHook);
  else module._forwardHooks().unshift(observerHook);
}

export interface AddObserverOptions {
  /** The classes whose leaf instances get an output observer (getDefaultQconfigPropagationList()). */
  qconfigPropagationList?: Set<ModuleClass>;
  /** Classes observed as a whole though they have children (the QAT modules, in prepareQat). */
  nonLeafModuleList?: Set<ModuleClass>;
  /** Float classes swapped for an observed class's fromFloat (PyTorch's custom_module_class_mapping). */
  customModuleClassMapping?: Map<ModuleClass, ObservedCustomModuleClass>;
}

/** torch.ao.quantization.add_observer_(module, ...): adds the output observers where convert will quantize. */
export function addObserver_(module: Module, options: AddObserverOptions = {}): void {
  const propagation = options.qconfigPropagationList ?? getDefaultQconfigPropagationList();
  const nonLeaf = options.nonLeafModuleList;
  const custom = options.customModuleClassMapping ?? new Map<ModuleClass, ObservedCustomModuleClass>();
  for (const [name, child] of children(module)) {
    if (child instanceof FloatFunctional || child instanceof QFunctional) {
      if (needsObservation(child)) child.activation_post_process = q(child).qconfig!.activation();
    } else if (isFusedModule(child) || (nonLeaf?.has(child.constructor as ModuleClass) ?? false)) {
      if (needsObservation(child)) insertActivationPostProcess(child);
    } else if (child.training && DEFAULT_MODULE_TO_ACT_POST_PROCESS.has(child.constructor as ModuleClass)) {
      insertActivationPostProcess(child, DEFAULT_MODULE_TO_ACT_POST_PROCESS.get(child.constructor as ModuleClass));
    } else if (needsObservation(child) && custom.has(child.constructor as ModuleClass)) {
      const observedClass = custom.get(child.constructor as ModuleClass)!;
      const observed = observedClass.fromFloat(child);
      setChild(module, name, observed);
      if (!noObserverSet().has(observedClass as unknown as ModuleClass)) insertActivationPostProcess(observed);
    } else {
      addObserver_(child, options);
    }
  }
  if (children(module).length === 0 && !(module instanceof Sequential) && propagation.has(module.constructor as ModuleClass)) insertActivationPostProcess(module);
}

export interface PrepareOptions {
  inplace?: boolean;
  /** The classes to observe (PyTorch's allow_list). */
  allowList?: Set<ModuleClass>;
  /** Classes observed as a whole (PyTorch's observer_non_leaf_module_list). */
  observerNonLeafModuleList?: Set<ModuleClass>;
  /**
   * PyTorch's prepare_custom_config_dict: its float_to_observed_custom_module_class Map (float class →
   * observed class with fromFloat); by default nn.LSTM and nn.MultiheadAttention → their quantizable forms.
   */
  prepareCustomConfigDict?: CustomConfigDict;
}

/** torch.ao.quantization.prepare(model, inplace=False): the model with observers, ready to calibrate. */
export function prepare<T extends Module>(model: T, options: PrepareOptions = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  propagateQconfig_(m);
  if (![...m.modules()].some(needsObservation)) console.warn("None of the submodule got qconfig applied. Make sure you passed correct configuration through `qconfig_dict` or by assigning the `.qconfig` attribute directly on submodules");
  const custom = floatToObserved(options.prepareCustomConfigDict ?? getDefaultCustomConfigDict());
  addObserver_(m, { qconfigPropagationList: options.allowList, nonLeafModuleList: options.observerNonLeafModuleList, customModuleClassMapping: custom });
  return m;
}

/**
 * torch.ao.quantization.prepare_qat(model, mapping=None, inplace=False): the training model's
 * modules swapped for their QAT forms (fake-quantized weights), with fake quantize on their outputs.
 */
export function prepareQat<T extends Module>(model: T, options: { mapping?: ModuleMapping; inplace?: boolean } = {}): T {
  if (!model.training) throw new Error("prepare_qat only works on models in training mode");
  const mapping = options.mapping ?? getDefaultQatModuleMappings();
  const m = options.inplace ? model : deepCopy(model);
  propagateQconfig_(m);
  convert(m, { mapping, inplace: true, removeQconfig: false });
  prepare(m, { observerNonLeafModuleList: new Set([...mapping.values()] as unknown as ModuleClass[]), inplace: true });
  return m;
}

/**
 * torch.ao.quantization.swap_module(mod, mapping, custom_module_class_mapping): if mod has a qconfig,
 * the custom mapping's module for it (fromObserved) or the mapping's (fromFloat), carrying over
 * mod's forward pre-hooks and forward hooks but the observer's (they then see quantized tensors;
 * PyTorch also carries an input observer's pre-hook, which fails on the swapped module, so it is left);
 * else mod.
 */
export function swapModule(mod: Module, mapping: ModuleMapping, customModuleClassMapping: Map<ModuleClass, QuantizedCustomModuleClass> = new Map()): Module {
  if (!q(mod).qconfig) return mod;
  const cls = mod.constructor as ModuleClass;
  const custom = customModuleClassMapping.get(cls), target = mapping.get(cls);
  const swapped = custom ? custom.fromObserved(mod) : target ? target.fromFloat(mod) : null;
  if (swapped === null) return mod;
  for (const h of mod._forwardPreHooks()) if (!observerHooks.has(h)) swapped.registerForwardPreHook(h);
  for (const h of mod._forwardHooks()) if (!observerHooks.has(h)) swapped.registerForwardHook(h);
  return swapped;
}

function convertInPlace(module: Module, mapping: ModuleMapping, custom: Map<ModuleClass, QuantizedCustomModuleClass>): void {
  for (const [name, child] of children(module)) {
    // Fused modules and observed custom modules are swapped as one unit.
    if (!isFusedModule(child) && !custom.has(child.constructor as ModuleClass)) convertInPlace(child, mapping, custom);
    const swapped = swapModule(child, mapping, custom);
    if (swapped !== child) setChild(module, name, swapped);
  }
}

function removeQconfig(m: Module): void {
  for (const x of m.modules()) delete q(x).qconfig;
}

export interface ConvertOptions {
  mapping?: ModuleMapping;
  inplace?: boolean;
  removeQconfig?: boolean;
  /**
   * PyTorch's convert_custom_config_dict: its observed_to_quantized_custom_module_class Map (observed
   * class → quantized class with fromObserved); by default the quantizable LSTM and MultiheadAttention.
   */
  convertCustomConfigDict?: CustomConfigDict;
}

/**
 * torch.ao.quantization.convert(model, mapping=None, inplace=False, remove_qconfig=True): every
 * module with a qconfig whose class the mapping has (the static quantization mapping by default)
 * swapped for the mapped class's fromFloat.
 */
export function convert<T extends Module>(model: T, options: ConvertOptions = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  const mapping = options.mapping ?? getDefaultStaticQuantModuleMappings();
  const custom = observedToQuantized(options.convertCustomConfigDict ?? getDefaultCustomConfigDict());
  noGrad(() => convertInPlace(m, mapping, custom));
  if (options.removeQconfig ?? true) removeQconfig(m);
  return m;
}

/**
 * torch.ao.quantization.quantize(model, run_fn, run_args, mapping=None, inplace=False): post-training
 * static quantization in one call: eval, prepare, run_fn(model, ...run_args) to calibrate, convert.
 */
export function quantize<T extends Module, A extends unknown[]>(model: T, runFn: (model: T, ...args: A) => unknown, runArgs: A, options: { mapping?: ModuleMapping; inplace?: boolean } = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  m.eval();
  prepare(m, { inplace: true });
  runFn(m, ...runArgs);
  return convert(m, { mapping: options.mapping ?? getDefaultStaticQuantModuleMappings(), inplace: true });
}

/**
 * torch.ao.quantization.quantize_qat(model, run_fn, run_args, inplace=False): quantization-aware
 * training in one call: train mode, prepareQat, run_fn(model, ...run_args) to train, convert.
 */
export function quantizeQat<T extends Module, A extends unknown[]>(model: T, runFn: (model: T, ...args: A) => unknown, runArgs: A, options: { inplace?: boolean } = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  m.train();
  prepareQat(m, { inplace: true });
  runFn(m, ...runArgs);
  return convert(m, { inplace: true });
}

/** torch.ao.quantization.add_quant_dequant(module): each leaf module with a qconfig wrapped in a QuantWrapper. */
export function addQuantDequant(module: Module): Module {
  if (children(module).length === 0 && needsObservation(module)) return new QuantWrapper(module);
  for (const [name, child] of children(module)) {
    const wrapped = addQuantDequant(child);
    if (wrapped !== child) setChild(module, name, wrapped);
  }
  return module;
}

/**
 * torch.ao.quantization.quantize_dynamic(model, qconfig_spec=None, dtype=qint8): the modules of
 * qconfig_spec (classes, each with dtype's default qconfig, or a Map class -> QConfig) swapped for
 * their dynamic quantized modules. Without a spec, as PyTorch: Linear, LSTM, GRU and the RNN cells
 * for qint8 (default_dynamic_qconfig) and float16 (float16_dynamic_qconfig: refused on convert, as
 * PyTorch 1.13's onednn build cannot pack float16 weights); Embedding and EmbeddingBag for quint8
 * (float-qparams weights); EmbeddingBag for quint4x2 (4-bit float-qparams weights).
 */
export function quantizeDynamic<T extends Module>(model: T, options: { qconfigSpec?: ModuleClass[] | Map<ModuleClass, QConfig>; dtype?: DTypeLike; inplace?: boolean; mapping?: ModuleMapping } = {}): T {
  const dtype = toDType(options.dtype ?? qint8);
  const DEFAULTS = new Map<DType, [QConfig, ModuleClass[]]>([
    [qint8, [defaultDynamicQconfig, [FloatLinear, LSTM, GRU, LSTMCell, RNNCell, GRUCell]]],
    [float16, [float16DynamicQconfig, [FloatLinear, LSTM, GRU, LSTMCell, RNNCell, GRUCell]]],
    [quint8, [floatQparamsWeightOnlyQconfig, [FloatEmbeddingBag, FloatEmbedding]]],
    [quint4x2, [floatQparamsWeightOnlyQconfig4bit, [FloatEmbeddingBag]]],
  ]);
  const defaults = DEFAULTS.get(dtype);
  if (options.qconfigSpec === undefined && !defaults) throw new Error(`Don't know how to quantize with default settings for ${dtype}. Provide full qconfig please`);
  if (Array.isArray(options.qconfigSpec) && !defaults) throw new Error(`('Unknown dtype specified for quantize_dynamic: ', '${dtype}')`);
  const classes = options.qconfigSpec ?? defaults![1];
  const fallback = defaults?.[0];
  const spec: QconfigDict = new Map(classes instanceof Map ? classes : classes.map((c) => [c, fallback!]));
  const m = options.inplace ? model : deepCopy(model);
  m.eval();
  propagateQconfig_(m, spec);
  return convert(m, { mapping: options.mapping ?? getDefaultDynamicQuantModuleMappings(), inplace: true });
}
