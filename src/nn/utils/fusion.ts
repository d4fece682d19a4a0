// torch.nn.utils.fusion: folds an eval-mode BatchNorm into the convolution or linear layer before
// it (fused copies; the given modules are left as they are).

import type { Tensor } from "../../core/tensor.js";
import { onesLike, zerosLike } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { deepCopy } from "../deep-copy.js";

type Rec = Record<string, unknown>;
interface BatchNormLike { runningMean: Tensor | null; runningVar: Tensor | null; eps: number; weight: Tensor | null; bias: Tensor | null; numFeatures: number }
interface WeightBias { weight: Tensor; bias: Tensor | null }

function batchNormStats(bn: Module): BatchNormLike {
  const r = bn as unknown as Rec;
  const stats = { runningMean: r.running_mean as Tensor | null, runningVar: r.running_var as Tensor | null, eps: r.eps as number, weight: r.weight as Tensor | null, bias: r.bias as Tensor | null, numFeatures: r.numFeatures as number };
  if (!stats.runningMean || !stats.runningVar) throw new Error("fusion: the BatchNorm has no running statistics (track_running_stats=False)");
  return stats;
}

function checkEval(a: Module, b: Module): void {
  if (a.training || b.training) throw new Error("Fusion only for eval!");
}

/**
 * nn.utils.fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
 * the weight and bias of a convolution that computes bn(conv(x)); returned as Parameters.
 */
export function fuseConvBnWeights(convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false): [Parameter, Parameter] {
  const biasDtype = convB?.dtype ?? convW.dtype;
  const b = convB ?? zerosLike(bnRm);
  const w = bnW ?? onesLike(bnRm), beta = bnB ?? zerosLike(bnRm);
  const rsqrt = bnRv.add(bnEps).rsqrt();
  const shape = transpose ? [1, -1, ...convW.shape.slice(2).map(() => 1)] : [-1, 1, ...convW.shape.slice(2).map(() => 1)];
  const fusedW = convW.mul(w.mul(rsqrt).reshape(shape)).to(convW.dtype);
  const fusedB = b.sub(bnRm).mul(rsqrt).mul(w).add(beta).to(biasDtype);
  return [new Parameter(fusedW.detach(), convW.requiresGrad), new Parameter(fusedB.detach(), b.requiresGrad)];
}

/** nn.utils.fuse_conv_bn_eval(conv, bn, transpose=False): a copy of conv that computes bn(conv(x)); both must be in eval mode. */
export function fuseConvBnEval<M extends Module>(conv: M, bn: Module, transpose = false): M {
  checkEval(conv, bn);
  const stats = batchNormStats(bn);
  const fused = deepCopy(conv);
  const f = fused as unknown as WeightBias;
  [f.weight, f.bias] = fuseConvBnWeights(f.weight, f.bias, stats.runningMean!, stats.runningVar!, stats.eps, stats.weight, stats.bias, transpose);
  return fused;
}

/**
 * nn.utils.fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b): the weight
 * and bias of a linear layer that computes bn(linear(x)); returned as Parameters.
 */
export function fuseLinearBnWeights(linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor): [Parameter, Parameter] {
  const biasDtype = linearB?.dtype ?? linearW.dtype;
  const b = linearB ?? zerosLike(bnRm);
  const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
  const fusedW = linearW.mul(scale.unsqueeze(-1).to(linearW.dtype));
  const fusedB = b.sub(bnRm).mul(scale).add(bnB).to(biasDtype);
  return [new Parameter(fusedW.detach(), linearW.requiresGrad), new Parameter(fusedB.detach(), b.requiresGrad)];
}

/** nn.utils.fuse_linear_bn_eval(linear, bn): a copy of linear that computes bn(linear(x)); both in eval mode. */
export function fuseLinearBnEval<M extends Module>(linear: M, bn: Module): M {
  checkEval(linear, bn);
  const outFeatures = (linear as unknown as Rec).outFeatures as number;
  const stats = batchNormStats(bn);
  if (!(outFeatures === stats.numFeatures || stats.numFeatures === 1)) throw new Error("To fuse, linear.out_features == bn.num_features or bn.num_features == 1");
  if (!stats.weight || !stats.bias) throw new Error("fuse_linear_bn_eval: the BatchNorm has no affine weight and bias");
  const fused = deepCopy(linear);
  const f = fused as unknown as WeightBias;
  [f.weight, f.bias] = fuseLinearBnWeights(f.weight, f.bias, stats.runningMean!, stats.runningVar!, stats.eps, stats.weight, stats.bias);
  return fused;
}
