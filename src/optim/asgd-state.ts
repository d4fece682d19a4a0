// ASGD's per-step state bookkeeping, shared by the CPU loop and the webgpu step.

import type { Tensor } from "../core/tensor.js";
import { type ParamGroup, type State, bumpStep, setScalarState, stepTensor, zerosState } from "./optimizer.js";

/** ASGD's state on first use, and the step count after this step. */
export function asgdBegin(s: State, param: Tensor, group: ParamGroup): number {
  if (!s.ax) { s.step = stepTensor(0); s.eta = stepTensor(group.lr as number); s.mu = stepTensor(1); s.ax = zerosState(param); }
  return bumpStep(s);
}

/** The next step's eta and mu (PyTorch's non-capturable formulas, on the host). */
export function asgdEnd(s: State, step: number, group: ParamGroup): void {
  const lr = group.lr as number, lambd = group.lambd as number, alpha = group.alpha as number, t0 = group.t0 as number;
  setScalarState(s.eta as Tensor, lr / (1 + lambd * lr * step) ** alpha);
  setScalarState(s.mu as Tensor, 1 / Math.max(1, step - t0));
}
