// torch.func.functional_call (one dict, several dicts, or (name, tensor) pairs, over the swap of
// src/func/reparametrize.ts) and torch.func.stack_module_state (the state of M models of one
// class stacked along a new first dim, for vmap over ensembles).

import { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";
import { stack } from "../ops/shape-join.js";
import { type Args, bindArgs, isOptionsObject } from "../ops/args.js";
import { pairsToMap, reparametrizedCall } from "./reparametrize.js";
import { pythonType } from "./pytree.js";
import type { FunctionalCallOptions, ParametersAndBuffers } from "../nn/utils/stateless.js";

const pyList = (names: readonly string[]): string => `[${names.map((n) => `'${n}'`).join(", ")}]`;
const isDict = (v: unknown): v is Map<string, Tensor> | Record<string, Tensor> => v instanceof Map || isOptionsObject(v);

function mergeDicts(items: unknown[]): Map<string, Tensor> {
  const merged = new Map<string, Tensor>();
  const counts = new Map<string, number>();
  for (const d of items as (Map<string, Tensor> | Record<string, Tensor>)[]) {
    for (const [k, v] of d instanceof Map ? d : Object.entries(d)) { counts.set(k, (counts.get(k) ?? 0) + 1); merged.set(k, v); }
  }
  const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  if (repeated.length) throw new Error(`${pyList(repeated)} appeared in multiple dictionaries; behavior of functional call is ambiguous`);
  return merged;
}

/**
 * torch.func.functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
 * tie_weights=True, strict=False): torch.nn.utils.stateless.functionalCall, also taking an array of
 * dicts (Maps or objects) with distinct keys, e.g. the two of stackModuleState. Typed as
 * module.call: forward's result.
 */
export function functionalCall<M extends Module>(module: M, parameterAndBufferDicts: ParametersAndBuffers | readonly (Map<string, Tensor> | Record<string, Tensor>)[], ...rest: Args<[args?: unknown, kwargs?: Record<string, unknown> | null], FunctionalCallOptions>): ReturnType<M["forward"]> {
  const o = bindArgs("functional_call", rest, ["args", "kwargs"], ["tieWeights", "strict"]);
  const pb: unknown = parameterAndBufferDicts;
  let named: Map<string, Tensor> | Record<string, Tensor>;
  if (isDict(pb)) named = pb;
  else if (pb !== null && typeof pb === "object" && Symbol.iterator in pb) {
    const items = [...(pb as Iterable<unknown>)];
    if (items.length > 0 && items.every(isDict)) named = mergeDicts(items);
    else {
      if (items.some(isDict)) throw new Error("Expected parameter_and_buffer_dicts to contain either only dictionaries or only (name, Tensor) pairs");
      named = pairsToMap(items, "parameter_and_buffer_dicts");
    }
  } else {
    throw new Error(`Expected parameter_and_buffer_dicts to be a dict, an iterable of dicts, or an iterable of (name, Tensor) pairs, but got ${pythonType(pb)}`);
  }
  return reparametrizedCall(module, named, o.args, (o.kwargs as Record<string, unknown> | null | undefined) ?? null, (o.tieWeights as boolean | undefined) ?? true, (o.strict as boolean | undefined) ?? false) as ReturnType<M["forward"]>;
}

function stackedLeaf(tensors: Tensor[], name: string): Tensor {
  const all = tensors.every((t) => t.requiresGrad), none = tensors.every((t) => !t.requiresGrad);
  if (!all && !none) throw new Error(`Expected ${name} from each model to have the same .requires_grad`);
  const r = stack(tensors);
  return all ? r.detach().requiresGrad_() : r;
}

/**
 * torch.func.stack_module_state(models) -> [params, buffers]: objects of name → the models'
 * tensors stacked along a new dim 0 (parameters as new leaves requiring grad, ready for an optimizer).
 */
export function stackModuleState(models: readonly Module[] | Iterable<Module>): [Record<string, Tensor>, Record<string, Tensor>] {
  const ms = [...models];
  if (ms.length === 0) throw new Error("stack_module_state: Expected at least one model, got 0.");
  if (!(ms.every((m) => m.training) || ms.every((m) => !m.training))) throw new Error("stack_module_state: Expected all models to have the same training/eval mode.");
  if (!ms.every((m) => m instanceof Module && m.constructor === ms[0]!.constructor)) throw new Error("stack_module_state: Expected all models to be of the same class.");
  const stackAll = (maps: Map<string, Tensor>[]): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const k of maps[0]!.keys()) out[k] = stackedLeaf(maps.map((m) => m.get(k)!), k);
    return out;
  };
  return [
    stackAll(ms.map((m) => new Map<string, Tensor>(m.namedParameters()))),
    stackAll(ms.map((m) => new Map<string, Tensor>(m.namedBuffers()))),
  ];
}
