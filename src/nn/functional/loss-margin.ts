// Margin and embedding losses: hinge_embedding, margin_ranking, soft_margin, multilabel_soft_margin,
// multi_margin, multilabel_margin, cosine_embedding, triplet_margin (+ with a distance function).
// All compose public ops as ATen does, so gradients and double backward follow.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { bool, float64, int64 } from "../../core/dtype.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { fromArray } from "../../ops/engine.js";
import { where } from "../../ops/comparison.js";
import { minimum } from "../../ops/pointwise.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { kernelTypeName, notImplementedFor } from "../../ops/pointwise-util.js";
import { logsigmoid } from "./activation.js";
import { needsGrad } from "../../autograd/record.js";
import { isGradEnabled } from "../../autograd/grad-mode.js";
import { pairwiseDistance } from "./distance.js";
import {
  type Reduction, boolArg, checkReduction, intArg, intValues, numberArg, optTensorArg, reduceLoss, reductionOf, sizesStr,
  tensorArg, torchSize,
} from "./loss-util.js";

interface LegacyOptions { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction }
type Legacy3 = [sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction];

/** F.hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor;
export function hingeEmbeddingLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { margin?: number }>>(...args: A): Tensor;
export function hingeEmbeddingLoss(input: Tensor, target: Tensor,
  ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor {
  if (autocasting.on && autocasts("hinge_embedding_loss", arguments)) return runAutocast(hingeEmbeddingLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(hingeEmbeddingLoss, "hinge_embedding_loss", arguments, ["input", "target", "margin", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "hinge_embedding_loss";
  const a = bindArgs(op, args, ["margin", "sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const margin = numberArg(op, "margin", a.margin, 1);
  const reduction = reductionOf(a);
  const zeros = x.newZeros(x.shape);
  const marginClamp = x.rsub(margin).clampMin(0);
  const out = where(t.ne(1), marginClamp, zeros).add(where(t.ne(-1), x, zeros));
  return reduceLoss(out, reduction);
}

/** F.margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'). */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor;
export function marginRankingLoss<A extends Rebound<[input1: Tensor, input2: Tensor, target: Tensor], ["input1", "input2", "target"], LegacyOptions & { margin?: number }>>(...args: A): Tensor;
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor,
  ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor {
  if (autocasting.on && autocasts("margin_ranking_loss", arguments)) return runAutocast(marginRankingLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? target : arguments.length === 2 ? input2 : input1)) return rebind(marginRankingLoss, "margin_ranking_loss", arguments, ["input1", "input2", "target", "margin", "sizeAverage", "reduce", "reduction"], 3, []);
  const op = "margin_ranking_loss";
  const a = bindArgs(op, args, ["margin", "sizeAverage", "reduce", "reduction"], [], 3);
  const x1 = tensorArg(op, "input1", 1, input1), x2 = tensorArg(op, "input2", 2, input2), t = tensorArg(op, "target", 3, target);
  const margin = numberArg(op, "margin", a.margin, 0);
  const reduction = reductionOf(a);
  if (x1.dim() !== x2.dim() || x1.dim() !== t.dim()) {
    throw new Error(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${torchSize(x1.shape)}, input2: ${torchSize(x2.shape)}, target: ${torchSize(t.shape)} `);
  }
  return reduceLoss(t.neg().mul(x1.sub(x2)).add(margin).clampMin(0), reduction);
}

/** F.soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'): log(1 + exp(-y x)). */
export function softMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy3, LegacyOptions>): Tensor;
export function softMarginLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions>>(...args: A): Tensor;
export function softMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy3, LegacyOptions>): Tensor {
  if (autocasting.on && autocasts("soft_margin_loss", arguments)) return runAutocast(softMarginLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(softMarginLoss, "soft_margin_loss", arguments, ["input", "target", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "soft_margin_loss";
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const reduction = reductionOf(a);
  const product = x.neg().mul(t);
  // PyTorch writes the elements into a tensor of the input's dtype.
  if (!x.dtype.isFloatingPoint && !x.dtype.isComplex || product.dtype.isComplex && !x.dtype.isComplex) {
    throw new Error(`result type ${kernelTypeName(product.dtype)} can't be cast to the desired output type ${kernelTypeName(x.dtype)}`);
  }
  if (!product.dtype.isComplex) return reduceLoss(product.exp().log1p(), reduction);
  // Complex: log(1 + exp(-y x)) as 1.13's kernel computes it (it has no complex log1p), in the input's
  // dtype; its derivative is not written for complex outputs.
  if (isGradEnabled() && needsGrad(x, t)) throw new Error("soft_margin_loss does not support automatic differentiation for outputs with complex dtype.");
  return reduceLoss(product.exp().add(1).log().to(x.dtype), reduction);
}

/** F.multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean'). */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, ...args: Args<[weight?: Tensor | null, ...Legacy3], LegacyOptions & { weight?: Tensor | null }>): Tensor;
export function multilabelSoftMarginLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { weight?: Tensor | null }>>(...args: A): Tensor;
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor,
  ...args: Args<[weight?: Tensor | null, ...Legacy3], LegacyOptions & { weight?: Tensor | null }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(multilabelSoftMarginLoss, "multilabel_soft_margin_loss", arguments, ["input", "target", "weight", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "multilabel_soft_margin_loss";
  const a = bindArgs(op, args, ["weight", "sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  const reduction = reductionOf(a);
  let loss = t.mul(logsigmoid(x)).add(t.rsub(1).mul(logsigmoid(x.neg()))).neg();
  if (weight) loss = loss.mul(weight);
  const classDim = x.dim() - 1;
  const C = x.size(classDim);
  loss = loss.sum(classDim).div(C);
  return reduceLoss(loss, reduction);
}

/** Rows and columns of a (N, C) or (C,) input as ATen's multi-margin shape checks see them. */
function marginFrames(input: Tensor): { nframe: number; dim: number } {
  const nd = input.dim();
  if (nd <= 1) return { nframe: 1, dim: nd === 0 ? 1 : input.size(0) };
  return { nframe: input.size(0), dim: input.size(1) };
}

/**
 * F.multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
 * reduction='mean'): Σ_{j≠y} max(0, margin - x[y] + x[j])^p w[y] / C per sample.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, ...args: Args<[p?: number, margin?: number, weight?: Tensor | null, ...Legacy3], LegacyOptions & { p?: number; margin?: number; weight?: Tensor | null }>): Tensor;
export function multiMarginLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { p?: number; margin?: number; weight?: Tensor | null }>>(...args: A): Tensor;
export function multiMarginLoss(input: Tensor, target: Tensor,
  ...args: Args<[p?: number, margin?: number, weight?: Tensor | null, ...Legacy3], LegacyOptions & { p?: number; margin?: number; weight?: Tensor | null }>): Tensor {
  if (autocasting.on && autocasts("multi_margin_loss", arguments)) return runAutocast(multiMarginLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(multiMarginLoss, "multi_margin_loss", arguments, ["input", "target", "p", "margin", "weight", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "multi_margin_loss";
  const a = bindArgs(op, args, ["p", "margin", "weight", "sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const p = intArg(op, "p", a.p, 1);
  const margin = numberArg(op, "margin", a.margin, 1);
  const weight = optTensorArg(op, "weight", 5, a.weight);
  const reduction = reductionOf(a);
  if (p !== 1 && p !== 2) throw new Error("only p == 1 and p == 2 supported");
  if (weight && weight.dim() !== 1) throw new Error("weight must be one-dimensional");
  const nd = x.dim();
  if (!((x.numel() > 0 && nd <= 2) || (nd === 2 && x.size(1) !== 0))) {
    throw new Error(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${sizesStr(x.shape)}`);
  }
  const { nframe, dim } = marginFrames(x);
  if (!(t.dim() <= 1 && t.numel() === nframe)) throw new Error(`inconsistent target size, expected ${nframe} but got ${sizesStr(t.shape)}`);
  if (weight && !(weight.dim() <= 1 && weight.numel() === dim)) throw new Error(`inconsistent weight size, expected ${dim} but got ${sizesStr(weight.shape)}`);
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("multi_margin_loss_cpu_kernel", x.dtype);
  const tv = intValues(t);
  for (let i = 0; i < tv.length; i++) if (!(tv[i]! >= 0 && tv[i]! < dim)) throw new Error("target out of range");
  const x2 = x.reshape(nframe, dim);
  // The indices as an op on the target, so that an exported graph reads them from its input.
  const idx = t.reshape(nframe, 1).to(int64);
  const xy = x2.gather(1, idx);
  let z = xy.rsub(margin).add(x2).clampMin(0);
  if (p === 2) z = z.mul(z);
  if (weight) z = z.mul(weight.gather(0, idx.view(-1)).view(nframe, 1));
  const notTarget = x2.newOnes([nframe, dim]).scatter(1, idx, 0);
  let loss = z.mul(notTarget).sum(1).div(dim);
  if (reduction === "none") return t.dim() > 0 ? loss : loss.reshape([]);
  return reduceLoss(loss, reduction);
}

/**
 * F.multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'): the
 * target lists class indices, ended by the first -1; Σ_{j in y} Σ_{k not in y} max(0, 1 - (x[j] - x[k])) / C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy3, LegacyOptions>): Tensor;
export function multilabelMarginLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions>>(...args: A): Tensor;
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: Args<Legacy3, LegacyOptions>): Tensor {
  if (autocasting.on && autocasts("multilabel_margin_loss", arguments)) return runAutocast(multilabelMarginLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(multilabelMarginLoss, "multilabel_margin_loss", arguments, ["input", "target", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "multilabel_margin_loss";
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const reduction = reductionOf(a);
  const nd = x.dim();
  if (!((nd === 2 && x.size(1) !== 0) || (nd === 1 && x.size(0) !== 0) || nd === 0)) {
    throw new Error(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${sizesStr(x.shape)}`);
  }
  const { nframe, dim } = marginFrames(x);
  const okTarget = nd <= 1 ? t.dim() <= 1 && t.numel() === dim : t.dim() === 2 && t.size(0) === nframe && t.size(1) === dim;
  if (!okTarget) throw new Error(`inconsistent target size: ${sizesStr(t.shape)} for input of size: ${sizesStr(x.shape)}`);
  if (t.dtype !== int64) throw new Error(`expected scalar type Long but found ${t.dtype.name}`);
  const tv = intValues(t);
  // Per frame: the listed targets (until -1) as a gather index with a validity mask, and the set of targets.
  const gatherIdx = new BigInt64Array(nframe * dim);
  const listed = new Float64Array(nframe * dim);
  const isTarget = new Uint8Array(nframe * dim);
  for (let n = 0; n < nframe; n++) {
    for (let j = 0; j < dim; j++) {
      const v = tv[n * dim + j]!;
      if (v < 0) break;
      if (v >= dim) throw new Error("multilabel_margin_loss: target index out of range");
      gatherIdx[n * dim + j] = BigInt(v);
      listed[n * dim + j] = 1;
      isTarget[n * dim + v] = 1;
    }
  }
  const x2 = x.reshape(nframe, dim);
  const xj = x2.gather(1, fromArray(gatherIdx, [nframe, dim], int64));                 // (N, J)
  const validJ = fromArray(listed, [nframe, dim, 1], float64).to(x.dtype);
  const nonTarget = fromArray(isTarget, [nframe, 1, dim], bool).logicalNot().to(x.dtype); // (N, 1, K)
  const hinge = xj.unsqueeze(2).sub(x2.unsqueeze(1)).rsub(1).clampMin(0);                // (N, J, K)
  const loss = hinge.mul(validJ).mul(nonTarget).sum([1, 2]).div(dim);
  const out = reduction === "none" ? (nd === 2 ? loss : loss.reshape([])) : reduceLoss(loss, reduction);
  // The target's values were read above: an exported graph computes the loss whole from the target at run time.
  if (tracing.on) traceOp(op, [x, t], out, { reduction });
  return out;
}

/** F.cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'). */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor;
export function cosineEmbeddingLoss<A extends Rebound<[input1: Tensor, input2: Tensor, target: Tensor], ["input1", "input2", "target"], LegacyOptions & { margin?: number }>>(...args: A): Tensor;
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor,
  ...args: Args<[margin?: number, ...Legacy3], LegacyOptions & { margin?: number }>): Tensor {
  if (autocasting.on && autocasts("cosine_embedding_loss", arguments)) return runAutocast(cosineEmbeddingLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? target : arguments.length === 2 ? input2 : input1)) return rebind(cosineEmbeddingLoss, "cosine_embedding_loss", arguments, ["input1", "input2", "target", "margin", "sizeAverage", "reduce", "reduction"], 3, []);
  const op = "cosine_embedding_loss";
  const a = bindArgs(op, args, ["margin", "sizeAverage", "reduce", "reduction"], [], 3);
  const x1 = tensorArg(op, "input1", 1, input1), x2 = tensorArg(op, "input2", 2, input2), t = tensorArg(op, "target", 3, target);
  const margin = numberArg(op, "margin", a.margin, 0);
  const reduction = reductionOf(a);
  const td = t.dim();
  if (td !== 1 && td !== 0) throw new Error("0D or 1D target tensor expected, multi-target not supported");
  if (td === 1 && !(x1.dim() === 2 && x2.dim() === 2)) {
    throw new Error(`1D target tensor expects 2D input tensors, but found inputs with sizes ${sizesStr(x1.shape)} and ${sizesStr(x2.shape)}.`);
  }
  if (td === 0 && !(x1.dim() === 1 && x2.dim() === 1)) {
    throw new Error(`0D target tensor expects 1D input tensors, but found inputs with sizes ${sizesStr(x1.shape)} and ${sizesStr(x2.shape)}.`);
  }
  const EPS = 1e-12;
  const prodSum = x1.mul(x2).sum(td);
  const mag1 = x1.mul(x1).sum(td).add(EPS), mag2 = x2.mul(x2).sum(td).add(EPS);
  const cos = prodSum.div(mag1.mul(mag2).sqrt());
  const zeros = cos.newZeros(cos.shape);
  const pos = cos.rsub(1), neg = cos.sub(margin).clampMin(0);
  const out = where(t.eq(1), pos, zeros).add(where(t.eq(-1), neg, zeros));
  return reduceLoss(out, reduction);
}

function checkTripletDims(a: Tensor, p: Tensor, n: Tensor): void {
  if (!(a.dim() === p.dim() && p.dim() === n.dim())) {
    throw new Error(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a.dim()}D, positive ${p.dim()}D, and negative ${n.dim()}D inputs`);
  }
}

/**
 * F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
 * size_average=None, reduce=None, reduction='mean').
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: Args<[margin?: number, p?: number, eps?: number, swap?: boolean, ...Legacy3],
    LegacyOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }>): Tensor;
export function tripletMarginLoss<A extends Rebound<[anchor: Tensor, positive: Tensor, negative: Tensor], ["anchor", "positive", "negative"], LegacyOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }>>(...args: A): Tensor;
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor,
  ...args: Args<[margin?: number, p?: number, eps?: number, swap?: boolean, ...Legacy3],
    LegacyOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }>): Tensor {
  if (autocasting.on && autocasts("triplet_margin_loss", arguments)) return runAutocast(tripletMarginLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? negative : arguments.length === 2 ? positive : anchor)) return rebind(tripletMarginLoss, "triplet_margin_loss", arguments, ["anchor", "positive", "negative", "margin", "p", "eps", "swap", "sizeAverage", "reduce", "reduction"], 3, []);
  const op = "triplet_margin_loss";
  const a = bindArgs(op, args, ["margin", "p", "eps", "swap", "sizeAverage", "reduce", "reduction"], [], 3);
  const an = tensorArg(op, "anchor", 1, anchor), po = tensorArg(op, "positive", 2, positive), ne = tensorArg(op, "negative", 3, negative);
  const margin = numberArg(op, "margin", a.margin, 1), p = numberArg(op, "p", a.p, 2), eps = numberArg(op, "eps", a.eps, 1e-6);
  const swap = boolArg(op, "swap", a.swap, false);
  const reduction = reductionOf(a);
  checkTripletDims(an, po, ne);
  const dPos = pairwiseDistance(an, po, p, eps);
  let dNeg = pairwiseDistance(an, ne, p, eps);
  if (swap) dNeg = minimum(dNeg, pairwiseDistance(po, ne, p, eps));
  return reduceLoss(dPos.sub(dNeg).add(margin).clampMin(0), reduction);
}

export type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

/**
 * F.triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
 * margin=1.0, swap=False, reduction='mean'); the distance defaults to pairwise_distance.
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor,
  options: { distanceFunction?: DistanceFunction | null; margin?: number; swap?: boolean; reduction?: Reduction } = {}): Tensor {
  const op = "triplet_margin_with_distance_loss";
  const a = bindArgs(op, [options], [], ["distanceFunction", "margin", "swap", "reduction"]);
  const margin = numberArg(op, "margin", a.margin, 1);
  const swap = boolArg(op, "swap", a.swap, false);
  if (!(margin > 0)) throw new Error(`triplet_margin_with_distance_loss: expected margin to be greater than 0, got ${margin} instead`);
  const reduction = checkReduction(a.reduction ?? "mean");
  const an = tensorArg(op, "anchor", 1, anchor), po = tensorArg(op, "positive", 2, positive), ne = tensorArg(op, "negative", 3, negative);
  checkTripletDims(an, po, ne);
  const dist = (a.distanceFunction as DistanceFunction | null | undefined) ?? ((u: Tensor, v: Tensor) => pairwiseDistance(u, v));
  const dPos = dist(an, po);
  let dNeg = dist(an, ne);
  if (swap) dNeg = minimum(dNeg, dist(po, ne));
  return reduceLoss(dPos.sub(dNeg).add(margin).clampMin(0), reduction);
}
