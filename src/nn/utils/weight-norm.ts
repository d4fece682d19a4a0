// nn.utils.weight_norm / remove_weight_norm: the forward pre-hook form of weight normalization
// (parameters `<name>_g` and `<name>_v`, the weight recomputed before every forward). PyTorch 2.x
// deprecates it in favour of nn.utils.parametrizations.weight_norm.

import type { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { warnOnce } from "../../core/warnings.js";
import { normExceptDim } from "../../ops/nn-forms-native.js";
import type { Module } from "../module.js";
import { Parameter, UninitializedParameter } from "../parameter.js";
import { NamedPreHooks } from "./named-pre-hooks.js";
import { weightNormOf } from "./weight-reparam.js";

type Rec = Record<string, unknown>;

const hooks = new NamedPreHooks<{ dim: number }>();

function computeWeight(module: Module, name: string, dim: number): Tensor {
  const rec = module as unknown as Rec;
  return weightNormOf(rec[`${name}_v`] as Tensor, rec[`${name}_g`] as Tensor, dim);
}

/**
 * nn.utils.weight_norm(module, name="weight", dim=0): replaces the parameter `name` by `name_g`
 * (its norms over every dim but `dim`; the whole tensor's norm for dim=null) and `name_v` (its
 * direction); module[name] = g * v / ‖v‖ is recomputed before each forward. Returns the module.
 */
export function weightNorm<M extends Module>(module: M, name: string | { name?: string; dim?: number | null } = "weight", dim: number | null = 0): M {
  warnOnce("torch.nn.utils.weight_norm is deprecated in favor of torch.nn.utils.parametrizations.weight_norm.");
  const tensorName = typeof name === "string" ? name : name.name ?? "weight";
  const d = (typeof name === "object" && "dim" in name ? name.dim : dim) ?? -1;
  if (hooks.get(module, tensorName)) throw new Error(`Cannot register two weight_norm hooks on the same parameter ${tensorName}`);
  const weight = module._ownParameters().find(([n]) => n === tensorName)?.[1];
  if (!weight) throw new Error(`weight_norm: ${module.constructor.name} has no parameter '${tensorName}'`);
  if (weight instanceof UninitializedParameter) {
    throw new Error("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run the dummy forward before applying weight normalization");
  }
  const rec = module as unknown as Rec;
  delete rec[tensorName];
  module.registerParameter(`${tensorName}_g`, new Parameter(noGrad(() => normExceptDim(weight, 2, d))));
  module.registerParameter(`${tensorName}_v`, new Parameter(weight.detach()));
  rec[tensorName] = computeWeight(module, tensorName, d);
  hooks.add(module, tensorName, { dim: d }, (m) => { (m as unknown as Rec)[tensorName] = computeWeight(m, tensorName, d); });
  return module;
}

/** nn.utils.remove_weight_norm(module, name="weight"): makes module[name] one parameter again (its current value). */
export function removeWeightNorm<M extends Module>(module: M, name: string | { name?: string } = "weight"): M {
  const tensorName = typeof name === "string" ? name : name.name ?? "weight";
  const hook = hooks.get(module, tensorName);
  if (!hook) throw new Error(`weight_norm of '${tensorName}' not found in ${String(module)}`);
  const weight = computeWeight(module, tensorName, hook.dim);
  hooks.remove(module, tensorName);
  const rec = module as unknown as Rec;
  delete rec[tensorName];
  delete rec[`${tensorName}_g`];
  delete rec[`${tensorName}_v`];
  module.registerParameter(tensorName, new Parameter(weight.detach()));
  return module;
}
