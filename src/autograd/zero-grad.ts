// zero_grad, shared by the optimizers and nn.Module: drops (or zeroes) the parameters' gradients,
// then reaches the "zeroGrad" safe point, where a backend may collect what the previous step left.

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "./grad-mode.js";
import { reachSafePoint } from "../core/safe-point.js";

/** Sets each parameter's gradient to null (setToNone, the default) or to zero. */
export function zeroGrads(params: Iterable<Tensor>, setToNone: boolean | { setToNone?: boolean }): void {
  const none = typeof setToNone === "boolean" ? setToNone : setToNone.setToNone ?? true;
  for (const p of params) {
    if (!p.grad) continue;
    if (none) p.grad = null;
    // A sparse grad is emptied in place (detach would make another sparse tensor object).
    else noGrad(() => (p.grad!.isSparse ? p.grad!.zero_() : p.grad!.detach().zero_()));
  }
  reachSafePoint("zeroGrad");
}
