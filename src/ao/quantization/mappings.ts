// torch.ao.quantization.quantization_mappings: which float (or observed, or QAT) module class
// convert swaps for which quantized class, as Maps class -> class (the part of PyTorch 1.13's
// tables whose modules torch-ts has), and the classes prepare observes.
import type { Module } from "../../nn/module.js";
import { Linear as FloatLinear } from "../../nn/modules/linear.js";
import {
  Conv1d as FloatConv1d, Conv2d as FloatConv2d, Conv3d as FloatConv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
} from "../../nn/modules/conv.js";
import { Sequential } from "../../nn/modules/container.js";
import { ELU, Hardswish, LeakyReLU, PReLU, ReLU6, Sigmoid, Tanh, Hardsigmoid, Softmax } from "../../nn/modules/activation.js";
import { BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm } from "../../nn/modules/normalization.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { Embedding as FloatEmbedding, EmbeddingBag as FloatEmbeddingBag } from "../../nn/modules/sparse.js";
import { GRU, GRUCell, LSTM, LSTMCell, RNNCell } from "../../nn/modules/rnn.js";
import * as nni from "../nn/intrinsic/fused.js";
import * as nniqat from "../nn/intrinsic/qat/modules.js";
import * as nnqat from "../nn/qat/modules.js";
import * as nnqatEmbedding from "../nn/qat/embedding.js";
import * as nnq from "../nn/quantized/modules.js";
import * as nniq from "../nn/intrinsic/quantized/namespace.js";
import { FloatFunctional } from "../nn/quantized/functional-modules.js";
import { DeQuantStub, QuantStub } from "./stubs.js";
import { defaultFixedQparamsRange0to1FakeQuant, defaultFixedQparamsRangeNeg1to1FakeQuant } from "./defaults.js";
import type { ModuleFactory } from "./with-args.js";

/** A module class (a mapping's key). */
export type ModuleClass = abstract new (...args: never[]) => Module;
/** A class convert can make from another module (a mapping's value). */
export interface FromFloat { fromFloat(mod: Module): Module }
export type ModuleMapping = Map<ModuleClass, FromFloat>;

const STATIC: [ModuleClass, FromFloat][] = [
  [QuantStub, nnq.Quantize], [DeQuantStub, nnq.DeQuantize],
  [FloatConv1d, nnq.Conv1d], [FloatConv2d, nnq.Conv2d], [FloatConv3d, nnq.Conv3d],
  [ConvTranspose1d, nnq.ConvTranspose1d], [ConvTranspose2d, nnq.ConvTranspose2d], [ConvTranspose3d, nnq.ConvTranspose3d], [Hardswish, nnq.Hardswish], [LeakyReLU, nnq.LeakyReLU],
  [FloatLinear, nnq.Linear], [ReLU6, nnq.ReLU6], [FloatFunctional, nnq.QFunctional],
  [nni.ConvReLU1d, nnq.ConvReLU1d], [nni.ConvReLU2d, nnq.ConvReLU2d], [nni.ConvReLU3d, nnq.ConvReLU3d], [nni.LinearReLU, nnq.LinearReLU],
  [nni.BNReLU2d, nniq.BNReLU2d], [nni.BNReLU3d, nniq.BNReLU3d],
  [nniqat.ConvBn1d, nnq.Conv1d], [nniqat.ConvBn2d, nnq.Conv2d], [nniqat.ConvBn3d, nnq.Conv3d],
  [nniqat.ConvBnReLU1d, nnq.ConvReLU1d], [nniqat.ConvBnReLU2d, nnq.ConvReLU2d], [nniqat.ConvBnReLU3d, nnq.ConvReLU3d],
  [nniqat.ConvReLU2d, nnq.ConvReLU2d], [nniqat.ConvReLU3d, nnq.ConvReLU3d], [nniqat.LinearReLU, nnq.LinearReLU], [nniqat.LinearBn1d, nnq.Linear],
  [nnqat.Linear, nnq.Linear], [nnqat.Conv1d, nnq.Conv1d], [nnqat.Conv2d, nnq.Conv2d], [nnqat.Conv3d, nnq.Conv3d],
  [BatchNorm2d, nnq.BatchNorm2d], [BatchNorm3d, nnq.BatchNorm3d], [Dropout, nnq.Dropout], [ELU, nnq.ELU],
  [FloatEmbedding, nnq.Embedding], [FloatEmbeddingBag, nnq.EmbeddingBag], [GroupNorm, nnq.GroupNorm],
  [InstanceNorm1d, nnq.InstanceNorm1d], [InstanceNorm2d, nnq.InstanceNorm2d], [InstanceNorm3d, nnq.InstanceNorm3d],
  [LayerNorm, nnq.LayerNorm], [PReLU, nnq.PReLU],
];
const QAT: [ModuleClass, FromFloat][] = [
  [FloatConv2d, nnqat.Conv2d], [FloatConv3d, nnqat.Conv3d], [FloatLinear, nnqat.Linear],
  [nni.ConvBn1d, nniqat.ConvBn1d], [nni.ConvBn2d, nniqat.ConvBn2d], [nni.ConvBn3d, nniqat.ConvBn3d],
  [nni.ConvBnReLU1d, nniqat.ConvBnReLU1d], [nni.ConvBnReLU2d, nniqat.ConvBnReLU2d], [nni.ConvBnReLU3d, nniqat.ConvBnReLU3d],
  [nni.ConvReLU2d, nniqat.ConvReLU2d], [nni.ConvReLU3d, nniqat.ConvReLU3d], [nni.LinearReLU, nniqat.LinearReLU], [nni.LinearBn1d, nniqat.LinearBn1d],
];
const DYNAMIC: [ModuleClass, FromFloat][] = [
  [GRUCell, nnq.DynamicGRUCell], [FloatLinear, nnq.DynamicLinear], [LSTM, nnq.DynamicLSTM], [GRU, nnq.DynamicGRU],
  [LSTMCell, nnq.DynamicLSTMCell], [RNNCell, nnq.DynamicRNNCell], [FloatEmbeddingBag, nnq.EmbeddingBag], [FloatEmbedding, nnq.Embedding],
];

/** get_default_static_quant_module_mappings(): a new Map each call. */
export function getDefaultStaticQuantModuleMappings(): ModuleMapping { return new Map(STATIC); }
/** get_default_qat_module_mappings(). */
export function getDefaultQatModuleMappings(): ModuleMapping { return new Map(QAT); }
/** get_embedding_qat_module_mappings(): the default QAT mappings, and Embedding/EmbeddingBag to their QAT modules. */
export function getEmbeddingQatModuleMappings(): ModuleMapping {
  return new Map<ModuleClass, FromFloat>([...QAT, [FloatEmbeddingBag, nnqatEmbedding.EmbeddingBag], [FloatEmbedding, nnqatEmbedding.Embedding]]);
}
/** get_embedding_static_quant_module_mappings(): the default static mappings, and the QAT embeddings to the quantized ones. */
export function getEmbeddingStaticQuantModuleMappings(): ModuleMapping {
  return new Map<ModuleClass, FromFloat>([...STATIC, [nnqatEmbedding.EmbeddingBag, nnq.EmbeddingBag], [nnqatEmbedding.Embedding, nnq.Embedding]]);
}
/** get_default_dynamic_quant_module_mappings(). */
export function getDefaultDynamicQuantModuleMappings(): ModuleMapping { return new Map(DYNAMIC); }

/** get_static_quant_module_class(float_module_class, additional_static_quant_mapping). */
export function getStaticQuantModuleClass(floatClass: ModuleClass, additional: ModuleMapping = new Map()): FromFloat {
  const found = additional.get(floatClass) ?? getDefaultStaticQuantModuleMappings().get(floatClass);
  if (!found) throw new Error(`Floating point module class ${floatClass.name} does not have a corresponding quantized module class`);
  return found;
}
/** get_dynamic_quant_module_class(float_module_class, additional_dynamic_quant_mapping). */
export function getDynamicQuantModuleClass(floatClass: ModuleClass, additional: ModuleMapping = new Map()): FromFloat {
  const found = additional.get(floatClass) ?? getDefaultDynamicQuantModuleMappings().get(floatClass);
  if (!found) throw new Error(`Floating point module class ${floatClass.name} does not have a corresponding quantized module class`);
  return found;
}

/** get_default_qconfig_propagation_list(): the classes whose instances prepare observes. */
export function getDefaultQconfigPropagationList(): Set<ModuleClass> {
  return new Set<ModuleClass>([...STATIC.map(([k]) => k), ...QAT.map(([k]) => k), ...DYNAMIC.map(([k]) => k), Sequential]);
}

/** The fake quantize with fixed parameters for the activations whose range is known (QAT). */
export const DEFAULT_MODULE_TO_ACT_POST_PROCESS = new Map<ModuleClass, ModuleFactory>([
  [Hardsigmoid, defaultFixedQparamsRange0to1FakeQuant], [Sigmoid, defaultFixedQparamsRange0to1FakeQuant],
  [Softmax, defaultFixedQparamsRange0to1FakeQuant], [Tanh, defaultFixedQparamsRangeNeg1to1FakeQuant],
]);
