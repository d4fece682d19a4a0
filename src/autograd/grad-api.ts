// torch.autograd.grad as the public API takes it: PyTorch's positional parameters
// (outputs, inputs, grad_outputs, retain_graph, create_graph, only_inputs, allow_unused), any of
// them also in a trailing options object. The engine's grad (engine.ts) takes the options object
// only, for torch-ts's own callers.

import { Tensor } from "../core/tensor.js";
import { type Args, bindArgs } from "../ops/args.js";
import { type GradOptions, grad as engineGrad } from "./engine.js";

type GradOutputs = Tensor | (Tensor | null)[] | null;
type Positional = [gradOutputs?: GradOutputs, retainGraph?: boolean | null, createGraph?: boolean, onlyInputs?: boolean, allowUnused?: boolean | null];
interface GradApiOptions extends GradOptions { onlyInputs?: boolean }

const POSITIONAL = ["gradOutputs", "retainGraph", "createGraph", "onlyInputs", "allowUnused"];
let warnedOnlyInputs = false;

/**
 * torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
 * only_inputs=True, allow_unused=None, *, materialize_grads=False): one gradient per input; null
 * only for an input the outputs do not depend on, which needs allowUnused (without
 * materializeGrads), so the other calls are typed Tensor[].
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options?: GradApiOptions & { allowUnused?: false | null }): Tensor[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradApiOptions & { materializeGrads: true }): Tensor[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], gradOutputs: GradOutputs, options?: Omit<GradApiOptions, "gradOutputs"> & { allowUnused?: false | null }): Tensor[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], ...rest: Args<Positional, GradApiOptions>): (Tensor | null)[];
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], ...rest: unknown[]): (Tensor | null)[] {
  const o = bindArgs("grad", rest, POSITIONAL, ["materializeGrads"], 2) as GradApiOptions;
  if (o.onlyInputs === false && !warnedOnlyInputs) {
    warnedOnlyInputs = true;
    console.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.");
  }
  const { onlyInputs: _ignored, ...options } = o;
  return engineGrad(outputs, inputs, options);
}
