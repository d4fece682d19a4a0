// The steps of the optimizers that take sparse COO gradients (nn.Embedding(sparse=true)): SGD and
// Adagrad as PyTorch's single-tensor code writes them for a sparse grad, in public ops so that each
// op rounds as PyTorch's does; the dense parameter is updated in place at the gradient's rows only.

import type { Tensor } from "../core/tensor.js";
import { type State, bumpStep, zerosState } from "./optimizer.js";
import { sparseCooTensor } from "../ops/sparse.js";

/** PyTorch's _single_tensor_sgd for a sparse d_p (the momentum buffer is sparse then, as in PyTorch). */
export function sgdSparseStep(param: Tensor, grad: Tensor, s: State, o: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean }): void {
  let d = o.maximize ? grad.neg() : grad;
  // A sparse grad plus the dense parameter: PyTorch's add(sparse, dense) error.
  if (o.weightDecay !== 0) d = d.add(param, o.weightDecay);
  if (o.momentum !== 0) {
    let buf = s.momentum_buffer as Tensor | null | undefined;
    if (!buf) {
      buf = d.clone().detach();
      s.momentum_buffer = buf;
    } else {
      buf.mul_(o.momentum).add_(d, 1 - o.dampening);
    }
    d = o.nesterov ? d.add(buf, o.momentum) : buf;
  }
  param.add_(d, -o.lr);
}

/** PyTorch's _single_tensor_adagrad for a sparse grad: the update is non-linear, so it coalesces first. */
export function adagradSparseStep(param: Tensor, grad: Tensor, s: State, o: { lr: number; lrDecay: number; weightDecay: number; eps: number; maximize: boolean }): void {
  const step = bumpStep(s);
  let g = o.maximize ? grad.neg() : grad;
  if (o.weightDecay !== 0) throw new Error("weight_decay option is not compatible with sparse gradients");
  const clr = o.lr / (1 + (step - 1) * o.lrDecay);
  g = g.coalesce();
  const indices = g._indices(), values = g._values(), size = g.shape;
  const sum = s.sum as Tensor;
  sum.add_(sparseLike(indices, values.pow(2), size));
  const stdValues = sum.sparseMask(g)._values().sqrt().add(o.eps);
  param.add_(sparseLike(indices, values.div(stdValues), size), -clr);
}

/**
 * PyTorch's F.sparse_adam for one parameter: the moments move only at the gradient's (coalesced)
 * rows, so rows absent from a step keep their moments; the step counter is a plain number.
 */
export function sparseAdamStep(param: Tensor, grad: Tensor, s: State, o: { lr: number; beta1: number; beta2: number; eps: number; maximize: boolean }): void {
  if (!s.exp_avg) {
    s.step = 0;
    s.exp_avg = zerosState(param);
    s.exp_avg_sq = zerosState(param);
  }
  const step = (s.step as number) + 1;
  s.step = step;
  const g = (o.maximize ? grad.neg() : grad).coalesce();
  const indices = g._indices(), values = g._values(), size = g.shape;
  const expAvg = s.exp_avg as Tensor, expAvgSq = s.exp_avg_sq as Tensor;
  const oldExpAvg = expAvg.sparseMask(g)._values();
  const expAvgUpdate = values.sub(oldExpAvg).mul(1 - o.beta1);
  expAvg.add_(sparseLike(indices, expAvgUpdate, size));
  const oldExpAvgSq = expAvgSq.sparseMask(g)._values();
  const expAvgSqUpdate = values.pow(2).sub(oldExpAvgSq).mul(1 - o.beta2);
  expAvgSq.add_(sparseLike(indices, expAvgSqUpdate, size));
  const numer = expAvgUpdate.add(oldExpAvg);
  const denom = expAvgSqUpdate.add(oldExpAvgSq).sqrt().add(o.eps);
  const biasCorrection1 = 1 - o.beta1 ** step, biasCorrection2 = 1 - o.beta2 ** step;
  const stepSize = o.lr * Math.sqrt(biasCorrection2) / biasCorrection1;
  param.add_(sparseLike(indices, numer.div(denom).mul(-stepSize), size));
}

function sparseLike(indices: Tensor, values: Tensor, size: number[]): Tensor {
  return sparseCooTensor(indices, values, size);
}
