// torch.nn.utils.stateless.functional_call: calls a module with some of its parameters and buffers,
// named by their dotted state_dict keys, swapped for the given tensors, and puts the originals back
// afterwards, even when the call throws (the swap: src/func/reparametrize.ts, shared with
// torch.func.functionalCall).
//
// Through the translation rule: `args` is an array of arguments (anything else is the single
// argument); `kwargs`, when given, is passed as a trailing options object, the way torch-ts modules
// take keyword arguments. During the call the swapped tensors sit in the module's fields, where
// forward reads them; a plain tensor in a parameter's field is not listed by namedParameters().

import type { Tensor } from "../../core/tensor.js";
import type { Module } from "../module.js";
import { type Args, bindArgs } from "../../ops/args.js";
import { namedTensorsOf, reparametrizedCall } from "../../func/reparametrize.js";
import { warnOnce } from "../../core/warnings.js";

export type ParametersAndBuffers = Map<string, Tensor> | Record<string, Tensor> | Iterable<readonly [string, Tensor]>;
export interface FunctionalCallOptions {
  args?: unknown;
  kwargs?: Record<string, unknown> | null;
  /** Tensors tied in the module (one tensor under several names) stay tied: default true. */
  tieWeights?: boolean;
  /** The given names must be exactly the module's parameters and buffers: default false. */
  strict?: boolean;
}

/**
 * torch.nn.utils.stateless.functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
 * tie_weights=True, strict=False): module.call(...args) with the named tensors swapped in.
 * parametersAndBuffers is a Map or object of name → tensor (a module that replaces one of them
 * during the call writes the new tensor back into it, as PyTorch does), or an iterable of
 * [name, tensor] pairs such as module.namedParameters(). Deprecated in PyTorch 2.x (its warning,
 * once): torch.func.functionalCall is the same call. Typed as module.call: forward's result.
 */
export function functionalCall<M extends Module>(module: M, parametersAndBuffers: ParametersAndBuffers, ...rest: Args<[args?: unknown, kwargs?: Record<string, unknown> | null], FunctionalCallOptions>): ReturnType<M["forward"]> {
  const o = bindArgs("functional_call", rest, ["args", "kwargs"], ["tieWeights", "strict"]);
  warnOnce("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in replacement.");
  const named = namedTensorsOf(parametersAndBuffers);
  return reparametrizedCall(module, named, o.args, (o.kwargs as Record<string, unknown> | null | undefined) ?? null, (o.tieWeights as boolean | undefined) ?? true, (o.strict as boolean | undefined) ?? false) as ReturnType<M["forward"]>;
}

