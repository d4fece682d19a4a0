// torch.ao.quantization.get_observer_state_dict / load_observer_state_dict: the observers' (and
// fake quantize modules') statistics of a prepared model, saved and restored on their own; and
// QuantType / quant_type_to_str.
import type { Tensor } from "../../core/tensor.js";
import type { Module } from "../../nn/module.js";
import { isActivationPostProcess } from "./utils.js";

/** get_observer_state_dict(mod): the state_dict entries of its activation_post_process modules. */
export function getObserverStateDict(mod: Module): Map<string, Tensor> {
  return new Map([...mod.stateDict()].filter(([k]) => k.includes("activation_post_process")));
}

/**
 * load_observer_state_dict(mod, obs_dict): loads each observer or fake quantize module of mod from
 * obs_dict (as getObserverStateDict saved it); a missing or unexpected observer key throws.
 */
export function loadObserverStateDict(mod: Module, obsDict: Map<string, Tensor>): void {
  const used = new Set<string>();
  const loaded = new Set<Module>();
  for (const [name, m] of mod.namedModules()) {
    if (!isActivationPostProcess(m) || [...loaded].some((outer) => [...outer.modules()].includes(m))) continue;
    const prefix = name ? `${name}.` : "";
    const own = new Map([...obsDict].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    for (const k of m.stateDict().keys()) {
      if (!own.has(k)) throw new Error(`Missing keys for observer ${prefix}${k} in state_dict`);
    }
    m.loadStateDict(own, { strict: false });
    for (const k of own.keys()) used.add(prefix + k);
    loaded.add(m);
  }
  for (const k of obsDict.keys()) {
    if (!used.has(k) && (k.includes("observer") || k.includes("activation_post_process"))) throw new Error(`Unexpected keys for observer ${k} in state_dict`);
  }
}

/** torch.ao.quantization.QuantType. */
export const QuantType = { DYNAMIC: 0, STATIC: 1, QAT: 2, WEIGHT_ONLY: 3 } as const;
export type QuantType = (typeof QuantType)[keyof typeof QuantType];

/** quant_type_to_str(quant_type): "dynamic", "static", "qat" or "weight_only". */
export function quantTypeToStr(quantType: QuantType): string {
  const names: Record<number, string> = { 0: "dynamic", 1: "static", 2: "qat", 3: "weight_only" };
  const s = names[quantType];
  if (s === undefined) throw new Error(`Unrecognized quant type: ${String(quantType)}`);
  return s;
}
