// torch.ao.quantization's eager-mode workflow: prepare (observers on the outputs of the modules
// with a qconfig), convert (each observed module swapped for its quantized module), quantizeDynamic
// and fuseModules (Conv2d+BatchNorm2d(+ReLU), Conv1d+ReLU, Linear+ReLU), as PyTorch 1.13's
// quantize.py and fuse_modules.py. prepare and convert copy the model unless inplace is set.
import { Module } from "../../nn/module.js";
import { deepCopy } from "../../nn/deep-copy.js";
import { Linear as FloatLinear } from "../../nn/modules/linear.js";
import { Conv1d as FloatConv1d, Conv2d as FloatConv2d } from "../../nn/modules/conv.js";
import { ReLU, ReLU6 as FloatReLU6, Hardswish as FloatHardswish, LeakyReLU as FloatLeakyReLU } from "../../nn/modules/activation.js";
import { Identity } from "../../nn/modules/linear.js";
import { BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm } from "../../nn/modules/normalization.js";
import { ELU, PReLU } from "../../nn/modules/activation.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { Parameter } from "../../nn/parameter.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Tensor } from "../../core/tensor.js";
import { onesLike, zerosLike } from "../../ops/creation.js";
import { ConvReLU1d, ConvReLU2d, LinearReLU } from "../nn/intrinsic/fused.js";
import * as nnq from "../nn/quantized/modules.js";
import { FloatFunctional } from "../nn/quantized/functional-modules.js";
import type { Observed } from "../nn/quantized/float-observed.js";
import { QConfig, defaultDynamicQconfig, defaultObserver } from "./qconfig.js";
import { PerChannelMinMaxObserver } from "./observer.js";
import { quint8 } from "../../core/dtype.js";
import { perChannelAffineFloatQparams } from "../../ops/quantize.js";
import { Embedding as FloatEmbedding, EmbeddingBag as FloatEmbeddingBag } from "../../nn/modules/sparse.js";
import { GRU, GRUCell, LSTM, LSTMCell, RNNCell } from "../../nn/modules/rnn.js";
import { DeQuantStub, QuantStub } from "./stubs.js";

type ModuleClass = abstract new (...args: never[]) => Module;
interface Swap { from: ModuleClass; to: { fromFloat(mod: Module): Module } }

/** DEFAULT_STATIC_QUANT_MODULE_MAPPINGS (the part torch-ts has), most derived classes first. */
const STATIC_MAPPINGS: Swap[] = [
  { from: QuantStub, to: nnq.Quantize }, { from: DeQuantStub, to: nnq.DeQuantize },
  { from: LinearReLU, to: nnq.LinearReLU }, { from: ConvReLU2d, to: nnq.ConvReLU2d }, { from: ConvReLU1d, to: nnq.ConvReLU1d },
  { from: FloatLinear, to: nnq.Linear }, { from: FloatConv2d, to: nnq.Conv2d }, { from: FloatConv1d, to: nnq.Conv1d },
  { from: FloatReLU6, to: nnq.ReLU6 }, { from: FloatHardswish, to: nnq.Hardswish }, { from: FloatLeakyReLU, to: nnq.LeakyReLU },
  { from: FloatFunctional, to: nnq.QFunctional },
  { from: BatchNorm2d, to: nnq.BatchNorm2d }, { from: BatchNorm3d, to: nnq.BatchNorm3d }, { from: LayerNorm, to: nnq.LayerNorm },
  { from: GroupNorm, to: nnq.GroupNorm }, { from: InstanceNorm1d, to: nnq.InstanceNorm1d }, { from: InstanceNorm2d, to: nnq.InstanceNorm2d },
  { from: InstanceNorm3d, to: nnq.InstanceNorm3d }, { from: ELU, to: nnq.ELU }, { from: PReLU, to: nnq.PReLU }, { from: Dropout, to: nnq.Dropout },
  { from: FloatEmbedding, to: nnq.Embedding }, { from: FloatEmbeddingBag, to: nnq.EmbeddingBag },
];

const mappingOf = (m: Module, mappings: readonly Swap[]): Swap | undefined => mappings.find((s) => m.constructor === s.from);
const children = (m: Module): [string, Module][] => m._ownModules().filter((e): e is [string, Module] => e[1] !== null);
const setChild = (parent: Module, name: string, child: Module): void => { (parent as unknown as Record<string, Module>)[name] = child; };
const observed = (m: Module): Module & Observed => m as Module & Observed;

/** propagate_qconfig_: every submodule without its own qconfig takes its parent's. */
function propagateQconfig(m: Module, inherited: QConfig | null): void {
  const own = observed(m).qconfig;
  const q = own === undefined ? inherited : own;
  if (q !== undefined) observed(m).qconfig = q;
  for (const [, c] of children(m)) propagateQconfig(c, q ?? null);
}

/** Adds output observers (activation_post_process and a forward hook) where convert will quantize. */
function addObservers(m: Module): void {
  for (const [, c] of children(m)) {
    const q = observed(c).qconfig;
    if (c instanceof FloatFunctional) {
      if (q) c.activation_post_process = q.activation();
      continue;
    }
    const mapped = mappingOf(c, STATIC_MAPPINGS);
    if (q && mapped && !(c instanceof DeQuantStub)) {
      const observer = q.activation();
      c.addModule("activation_post_process", observer);
      c.registerForwardHook((_mod, _args, output) => { observer.call(output as Tensor); });
    }
    // Fused and leaf modules keep their insides unobserved; containers are walked.
    if (!mapped) addObservers(c);
  }
}

/** torch.ao.quantization.prepare(model, inplace=False): the model with observers, ready to calibrate. */
export function prepare<T extends Module>(model: T, options: { inplace?: boolean } = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  propagateQconfig(m, null);
  if (!hasQconfig(m)) console.warn("None of the submodule got qconfig applied. Make sure you passed correct configuration through `qconfig_dict` or by assigning the `.qconfig` attribute directly on submodules");
  addObservers(m);
  return m;
}

function hasQconfig(m: Module): boolean {
  return !!observed(m).qconfig || children(m).some(([, c]) => hasQconfig(c));
}

function swapAll(m: Module, mappings: readonly Swap[], needsQconfig: boolean): void {
  for (const [name, c] of children(m)) {
    const mapped = mappingOf(c, mappings);
    if (mapped && (!needsQconfig || observed(c).qconfig)) setChild(m, name, mapped.to.fromFloat(c));
    else swapAll(c, mappings, needsQconfig);
  }
}

function removeQconfig(m: Module): void {
  delete observed(m).qconfig;
  for (const [, c] of children(m)) removeQconfig(c);
}

/** torch.ao.quantization.convert(model, inplace=False): observed modules swapped for quantized ones. */
export function convert<T extends Module>(model: T, options: { inplace?: boolean } = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  noGrad(() => swapAll(m, STATIC_MAPPINGS, true));
  removeQconfig(m);
  return m;
}

/** The dynamic mappings torch-ts has (DEFAULT_DYNAMIC_QUANT_MODULE_MAPPINGS' part), most derived first. */
const DYNAMIC_MAPPINGS: Swap[] = [
  { from: FloatLinear, to: nnq.DynamicLinear }, { from: FloatEmbedding, to: nnq.Embedding }, { from: FloatEmbeddingBag, to: nnq.EmbeddingBag },
  { from: LSTM, to: nnq.DynamicLSTM }, { from: GRU, to: nnq.DynamicGRU }, { from: LSTMCell, to: nnq.DynamicLSTMCell },
  { from: GRUCell, to: nnq.DynamicGRUCell }, { from: RNNCell, to: nnq.DynamicRNNCell },
];
/** float_qparams_weight_only_qconfig's weight (PyTorch's default_float_qparams_observer); the activation is unused. */
const floatQparamsQconfig = new QConfig(defaultObserver, () => new PerChannelMinMaxObserver({ dtype: quint8, qscheme: perChannelAffineFloatQparams, chAxis: 0 }));

/**
 * torch.ao.quantization.quantize_dynamic(model, qconfig_spec=None, dtype=qint8): the modules of
 * qconfig_spec (classes, each with dtype's default qconfig, or a Map class -> QConfig) swapped for
 * their dynamic quantized modules (Linear, LSTM, GRU and the cells: qint8): nn.Linear by default for qint8, nn.Embedding / EmbeddingBag
 * (float-qparams weights) for quint8.
 */
export function quantizeDynamic<T extends Module>(model: T, options: { qconfigSpec?: ModuleClass[] | Map<ModuleClass, QConfig>; dtype?: "qint8" | "quint8"; inplace?: boolean } = {}): T {
  const dtype = options.dtype ?? "qint8";
  if (dtype !== "qint8" && dtype !== "quint8") throw new Error(`Don't know how to quantize with default settings for ${dtype}. Provide full qconfig please`);
  const fallback = dtype === "qint8" ? defaultDynamicQconfig : floatQparamsQconfig;
  const classes = options.qconfigSpec ?? (dtype === "qint8" ? [FloatLinear] : [FloatEmbeddingBag, FloatEmbedding]);
  const spec = classes instanceof Map ? classes : new Map(classes.map((c) => [c, fallback]));
  for (const c of spec.keys()) if (c !== LinearReLU && !DYNAMIC_MAPPINGS.some((s) => s.from === c)) throw new Error(`quantize_dynamic: torch-ts has no dynamic quantized module for ${c.name}`);
  const m = options.inplace ? model : deepCopy(model);
  const tag = (x: Module): void => {
    const q = spec.get(x.constructor as ModuleClass);
    if (q && observed(x).qconfig === undefined) observed(x).qconfig = q;
    for (const [, c] of children(x)) tag(c);
  };
  tag(m);
  noGrad(() => swapAll(m, DYNAMIC_MAPPINGS, true));
  removeQconfig(m);
  return m;
}

/** fuse_conv_bn_eval: the convolution with the batch norm's affine map folded into its weight and bias. */
function foldBatchNorm(conv: FloatConv2d, bn: BatchNorm2d): FloatConv2d {
  const out = deepCopy(conv);
  const b = bn as unknown as { running_mean: Tensor; running_var: Tensor; weight: Tensor | null; bias: Tensor | null; eps: number };
  noGrad(() => {
    const invStd = b.running_var.add(b.eps).rsqrt();
    const gamma = b.weight ?? onesLike(invStd), beta = b.bias ?? zerosLike(invStd);
    const factor = gamma.mul(invStd);
    const bias = conv.bias ?? zerosLike(b.running_mean);
    out.weight = new Parameter(conv.weight.mul(factor.reshape([-1, 1, 1, 1])), conv.weight.requiresGrad);
    // PyTorch's order of operations: (bias - mean) * rsqrt(var + eps) * gamma + beta.
    out.bias = new Parameter(bias.sub(b.running_mean).mul(invStd).mul(gamma).add(beta), conv.weight.requiresGrad);
  });
  return out;
}

function fuseGroup(mods: Module[]): Module {
  const [a, b, c] = mods;
  const kinds = mods.map((m) => m.constructor);
  if (kinds.length === 2 && a instanceof FloatLinear && b instanceof ReLU) return new LinearReLU(a, b);
  if (kinds.length === 2 && a instanceof FloatConv2d && b instanceof ReLU) return new ConvReLU2d(a, b);
  if (kinds.length === 2 && a instanceof FloatConv1d && b instanceof ReLU) return new ConvReLU1d(a, b);
  if (a instanceof FloatConv2d && b instanceof BatchNorm2d && (kinds.length === 2 || (kinds.length === 3 && c instanceof ReLU))) {
    if (a.training || b.training) throw new Error("fuse_modules: torch-ts fuses Conv2d and BatchNorm2d in eval mode only (call model.eval() first; ConvBn2d for QAT is not there yet)");
    const conv = foldBatchNorm(a, b);
    return kinds.length === 3 ? new ConvReLU2d(conv, c!) : conv;
  }
  throw new Error(`Cannot fuse modules: ${mods.map((m) => m.constructor.name).join(", ")}`);
}

function lookup(model: Module, path: string): [Module, string] {
  const parts = path.split(".");
  let parent = model;
  for (const p of parts.slice(0, -1)) parent = parent.getSubmodule(p);
  return [parent, parts[parts.length - 1]!];
}

/**
 * torch.ao.quantization.fuse_modules(model, modules_to_fuse, inplace=False): each list of names
 * becomes one fused module in the first name's place; the others become Identity.
 */
export function fuseModules<T extends Module>(model: T, modulesToFuse: string[] | string[][], options: { inplace?: boolean } = {}): T {
  const m = options.inplace ? model : deepCopy(model);
  const groups = (typeof modulesToFuse[0] === "string" ? [modulesToFuse] : modulesToFuse) as string[][];
  for (const names of groups) {
    const mods = names.map((n) => m.getSubmodule(n));
    const fused = fuseGroup(mods);
    names.forEach((n, i) => {
      const [parent, leaf] = lookup(m, n);
      const replacement = i === 0 ? fused : new Identity();
      if (i > 0) replacement.training = mods[i]!.training;
      setChild(parent, leaf, replacement);
    });
  }
  return m;
}
