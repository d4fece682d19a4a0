// The custom-module part of prepare's and convert's config dicts (PyTorch 1.13's
// prepare_custom_config_dict / convert_custom_config_dict): float classes prepare swaps for an
// observed class (its fromFloat) and observed classes convert swaps for a quantized one (its
// fromObserved). By default nn.LSTM and nn.MultiheadAttention take the quantizable path.
import type { Module } from "../../nn/module.js";
import { LSTM } from "../../nn/modules/rnn.js";
import { MultiheadAttention } from "../../nn/modules/attention.js";
import { QuantizableLSTM, QuantizedLSTM } from "../nn/quantizable/rnn.js";
import { QuantizableMultiheadAttention, QuantizedMultiheadAttention } from "../nn/quantizable/activation.js";
import type { ModuleClass } from "./mappings.js";

/** A class prepare makes from a float module. */
export interface ObservedCustomModuleClass { fromFloat(mod: Module): Module }
/** A class convert makes from an observed module. */
export interface QuantizedCustomModuleClass { fromObserved(mod: Module): Module }

/** prepare_custom_config_dict / convert_custom_config_dict: PyTorch's keys, or their camelCase forms. */
export interface CustomConfigDict {
  float_to_observed_custom_module_class?: Map<ModuleClass, ObservedCustomModuleClass>;
  floatToObservedCustomModuleClass?: Map<ModuleClass, ObservedCustomModuleClass>;
  observed_to_quantized_custom_module_class?: Map<ModuleClass, QuantizedCustomModuleClass>;
  observedToQuantizedCustomModuleClass?: Map<ModuleClass, QuantizedCustomModuleClass>;
}

/** torch.ao.quantization.quantize.get_default_custom_config_dict(): LSTM and MultiheadAttention through their quantizable forms. */
export function getDefaultCustomConfigDict(): CustomConfigDict {
  return {
    float_to_observed_custom_module_class: new Map<ModuleClass, ObservedCustomModuleClass>([[LSTM, QuantizableLSTM], [MultiheadAttention, QuantizableMultiheadAttention]]),
    observed_to_quantized_custom_module_class: new Map<ModuleClass, QuantizedCustomModuleClass>([[QuantizableLSTM, QuantizedLSTM], [QuantizableMultiheadAttention, QuantizedMultiheadAttention]]),
  };
}

/** torch.ao.quantization.no_observer_set(): the observed custom classes that get no output observer. */
export function noObserverSet(): Set<ModuleClass> {
  return new Set<ModuleClass>([QuantizableLSTM, QuantizableMultiheadAttention]);
}

/** The float → observed map of a prepare config. */
export function floatToObserved(d: CustomConfigDict): Map<ModuleClass, ObservedCustomModuleClass> {
  return d.float_to_observed_custom_module_class ?? d.floatToObservedCustomModuleClass ?? new Map();
}

/** The observed → quantized map of a convert config. */
export function observedToQuantized(d: CustomConfigDict): Map<ModuleClass, QuantizedCustomModuleClass> {
  return d.observed_to_quantized_custom_module_class ?? d.observedToQuantizedCustomModuleClass ?? new Map();
}
