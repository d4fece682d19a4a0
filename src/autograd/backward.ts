import type { Tensor } from "../core/tensor.js";
import { runBackward, type BackwardOptions } from "./engine.js";

export interface AutogradBackwardOptions extends BackwardOptions {
  gradTensors?: Tensor | (Tensor | null)[] | null;
}

/** torch.autograd.backward(tensors, grad_tensors?, { retainGraph, createGraph, inputs }). */
export function backward(tensors: Tensor | Tensor[], gradTensors?: Tensor | (Tensor | null)[] | null | AutogradBackwardOptions, options: AutogradBackwardOptions = {}): void {
  let gt = gradTensors;
  let opts = options;
  if (gt && !Array.isArray(gt) && !(typeof (gt as Tensor).dim === "function")) { opts = gt as AutogradBackwardOptions; gt = opts.gradTensors ?? null; }
  const ts = Array.isArray(tensors) ? tensors : [tensors];
  const gs = gt === null || gt === undefined ? ts.map(() => null) : Array.isArray(gt) ? gt : [gt as Tensor];
  runBackward(ts, gs, opts);
}
