// PyTorch's "gradient layout contract" (AccumulateGrad): a leaf's .grad takes the leaf's strides
// when the leaf is dense (a channels-last parameter gets a channels-last gradient, whatever layout
// the backward formulas produced), else row-major contiguous strides.

import type { Tensor } from "../core/tensor.js";
import { isNonOverlappingAndDense } from "../core/memory-format.js";

/** Whether grad already has the layout the contract gives variable's .grad (PyTorch's obeys_layout_contract). */
export function obeysLayoutContract(grad: Tensor, variable: Tensor): boolean {
  const contiguous = grad.isContiguous();
  if (contiguous && variable.isContiguous()) return true;
  if (!isNonOverlappingAndDense(variable._shape, variable._strides)) return contiguous;
  const shape = grad._shape, gs = grad._strides, vs = variable._strides;
  for (let i = 0; i < shape.length; i++) {
    // Size-1 dims: any stride but 0 (a stride-0 size-1 dim marks a view of another tensor).
    if (shape[i] !== 1 ? gs[i] !== vs[i] : gs[i] === 0) return false;
  }
  return true;
}

/** A copy of a grad that disobeys the contract, laid out by it (recorded for autograd when building a graph of the gradient). */
export function cloneObeyingContract(grad: Tensor, variable: Tensor): Tensor {
  if (!isNonOverlappingAndDense(variable._shape, variable._strides)) return grad.contiguous();
  return grad.newEmptyStrided(variable._shape.slice(), variable._strides.slice()).copy_(grad);
}
