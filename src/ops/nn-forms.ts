// The torch.* forms of nn.functional ops (torch.conv2d, torch.batch_norm, torch.dropout, ...), bound
// to their ATen signatures, which differ from F.*'s in places: batch_norm/instance_norm take every
// argument positionally (plus cudnn_enabled, which changes nothing here), dropout's train is
// required, embedding takes the weight first, and the losses take reduction as an int (0 none,
// 1 mean, 2 sum). Each calls the nn.functional implementation.
// An omitted reduction means none (0), not the schema's mean: PyTorch's Python binding of these
// torch.* losses reads the schema default "at::Reduction::Mean" as the integer 0 (PyTorch 1.13
// returns unreduced losses from torch.kl_div(a, b)), and torch-ts does what those programs get.

import { isNamed, namedRefusal } from "./named-engine.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { type Args, bindArgs, bindRequired, describe, isOptionsObject, pythonName as snake, rebind, type Rebound } from "./args.js";
import * as F from "../nn/functional/index.js";
import { broadcastShapes, numel } from "../core/shape.js";

export {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, cosineSimilarity, pairwiseDistance,
  pdist, bilinear, pixelShuffle, pixelUnshuffle, channelShuffle, avgPool1d, adaptiveAvgPool1d, maxPool1dWithIndices,
} from "../nn/functional/index.js";

type IntOrTuple = number | number[];
type LossReduction = 0 | 1 | 2;

/** ATen's reduction enum: 0 none, 1 mean, 2 sum. */
function reductionName(op: string, v: unknown): "none" | "mean" | "sum" {
  if (v === undefined) return "none";
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`${op}(): argument 'reduction' must be int, not ${describe(v) === "string" ? "str" : describe(v)}`);
  if (v === 0) return "none";
  if (v === 1) return "mean";
  if (v === 2) return "sum";
  throw new Error(`${op}(): ${v} is not a valid value for reduction`);
}

interface MaxPoolOptions { kernelSize?: IntOrTuple; stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; ceilMode?: boolean }
type MaxPoolArgs = Args<[kernelSize?: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, dilation?: IntOrTuple, ceilMode?: boolean], MaxPoolOptions>;
const MAX_POOL = ["kernelSize", "stride", "padding", "dilation", "ceilMode"];

function maxPoolOptions(op: string, args: readonly unknown[]): MaxPoolOptions & { kernelSize: IntOrTuple } {
  const a = bindRequired(op, args, MAX_POOL, 1);
  return { ...a, kernelSize: a.kernelSize as IntOrTuple };
}

/** torch.max_pool1d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False): values only. */
export function maxPool1d(input: Tensor, ...args: MaxPoolArgs): Tensor {
  return F.maxPool1d(input, maxPoolOptions("max_pool1d", args));
}
/** torch.max_pool2d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False): values only. */
export function maxPool2d(input: Tensor, ...args: MaxPoolArgs): Tensor {
  return F.maxPool2d(input, maxPoolOptions("max_pool2d", args));
}
/** torch.max_pool3d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False): values only. */
export function maxPool3d(input: Tensor, ...args: MaxPoolArgs): Tensor {
  if (autocasting.on && autocasts("max_pool3d", arguments)) return runAutocast(maxPool3d, arguments);
  return F.maxPool3d(input, maxPoolOptions("max_pool3d", args));
}

/** torch.adaptive_max_pool1d(input, output_size): always (values, indices). */
export function adaptiveMaxPool1d(input: Tensor, ...args: Args<[outputSize: number | number[]], { outputSize?: number | number[] }>): [Tensor, Tensor] {
  const a = bindRequired("adaptive_max_pool1d", args, ["outputSize"], 1);
  return F.adaptiveMaxPool1d(input, a.outputSize as number | number[], true);
}

type Opt = Tensor | null;
interface BatchNormOptions { weight?: Opt; bias?: Opt; runningMean?: Opt; runningVar?: Opt; training?: boolean; momentum?: number; eps?: number; cudnnEnabled?: boolean }

/**
 * torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
 * cudnn_enabled): every argument required, as in ATen.
 */
export function batchNorm(input: Tensor, ...args: Args<[weight: Opt, bias: Opt, runningMean: Opt, runningVar: Opt, training: boolean, momentum: number, eps: number, cudnnEnabled: boolean], BatchNormOptions>): Tensor {
  const a = bindRequired("batch_norm", args, ["weight", "bias", "runningMean", "runningVar", "training", "momentum", "eps", "cudnnEnabled"], 8);
  return F.batchNorm(input, a.runningMean as Opt, a.runningVar as Opt, a.weight as Opt, a.bias as Opt, a.training as boolean, a.momentum as number, a.eps as number);
}

interface InstanceNormOptions { weight?: Opt; bias?: Opt; runningMean?: Opt; runningVar?: Opt; useInputStats?: boolean; momentum?: number; eps?: number; cudnnEnabled?: boolean }

/** torch.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled). */
export function instanceNorm(input: Tensor, ...args: Args<[weight: Opt, bias: Opt, runningMean: Opt, runningVar: Opt, useInputStats: boolean, momentum: number, eps: number, cudnnEnabled: boolean], InstanceNormOptions>): Tensor {
  const a = bindRequired("instance_norm", args, ["weight", "bias", "runningMean", "runningVar", "useInputStats", "momentum", "eps", "cudnnEnabled"], 8);
  return F.instanceNorm(input, a.runningMean as Opt, a.runningVar as Opt, a.weight as Opt, a.bias as Opt, a.useInputStats as boolean, a.momentum as number, a.eps as number);
}

interface NormOptions { weight?: Opt; bias?: Opt; eps?: number; cudnnEnable?: boolean }

/** torch.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True). */
export function layerNorm(input: Tensor, normalizedShape: number | number[], ...args: Args<[weight?: Opt, bias?: Opt, eps?: number, cudnnEnable?: boolean], NormOptions>): Tensor;
export function layerNorm<A extends Rebound<[input: Tensor, normalizedShape: number | number[]], ["input", "normalizedShape"], NormOptions>>(...args: A): Tensor;
export function layerNorm(input: Tensor, normalizedShape: number | number[], ...args: Args<[weight?: Opt, bias?: Opt, eps?: number, cudnnEnable?: boolean], NormOptions>): Tensor {
  if (isNamed(input)) throw namedRefusal("native_layer_norm");
  if (autocasting.on && autocasts("layer_norm", arguments)) return runAutocast(layerNorm, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? normalizedShape : input)) return rebind(layerNorm, "layer_norm", arguments, ["input", "normalizedShape", "weight", "bias", "eps", "cudnnEnable"], 2, []);
  const a = bindArgs("layer_norm", args, ["weight", "bias", "eps", "cudnnEnable"]);
  return F.layerNorm(input, normalizedShape, (a.weight ?? null) as Opt, (a.bias ?? null) as Opt, (a.eps ?? 1e-5) as number);
}

/** torch.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True). */
export function groupNorm(input: Tensor, numGroups: number, ...args: Args<[weight?: Opt, bias?: Opt, eps?: number, cudnnEnabled?: boolean], Omit<NormOptions, "cudnnEnable"> & { cudnnEnabled?: boolean }>): Tensor;
export function groupNorm<A extends Rebound<[input: Tensor, numGroups: number], ["input", "numGroups"], Omit<NormOptions, "cudnnEnable"> & { cudnnEnabled?: boolean }>>(...args: A): Tensor;
export function groupNorm(input: Tensor, numGroups: number, ...args: Args<[weight?: Opt, bias?: Opt, eps?: number, cudnnEnabled?: boolean], Omit<NormOptions, "cudnnEnable"> & { cudnnEnabled?: boolean }>): Tensor {
  if (autocasting.on && autocasts("group_norm", arguments)) return runAutocast(groupNorm, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? numGroups : input)) return rebind(groupNorm, "group_norm", arguments, ["input", "numGroups", "weight", "bias", "eps", "cudnnEnabled"], 2, []);
  const a = bindArgs("group_norm", args, ["weight", "bias", "eps", "cudnnEnabled"]);
  return F.groupNorm(input, numGroups, (a.weight ?? null) as Opt, (a.bias ?? null) as Opt, (a.eps ?? 1e-5) as number);
}

type DropoutArgs = Args<[p: number, train: boolean], { p?: number; train?: boolean }>;

function dropoutArgs(op: string, args: readonly unknown[]): [number, boolean] {
  const a = bindRequired(op, args, ["p", "train"], 2);
  return [a.p as number, a.train as boolean];
}

/** torch.dropout(input, p, train): train is required. */
export function dropout(input: Tensor, ...args: DropoutArgs): Tensor { return F.dropout(input, ...dropoutArgs("dropout", args)); }
/** torch.dropout_(input, p, train). */
export function dropout_(input: Tensor, ...args: DropoutArgs): Tensor { return F.dropout(input, ...dropoutArgs("dropout_", args), true); }
/** torch.alpha_dropout(input, p, train). */
export function alphaDropout(input: Tensor, ...args: DropoutArgs): Tensor { return F.alphaDropout(input, ...dropoutArgs("alpha_dropout", args)); }
/** torch.alpha_dropout_(input, p, train). */
export function alphaDropout_(input: Tensor, ...args: DropoutArgs): Tensor { return F.alphaDropout(input, ...dropoutArgs("alpha_dropout_", args), true); }
/** torch.feature_alpha_dropout(input, p, train). */
export function featureAlphaDropout(input: Tensor, ...args: DropoutArgs): Tensor { return F.featureAlphaDropout(input, ...dropoutArgs("feature_alpha_dropout", args)); }
/** torch.feature_alpha_dropout_(input, p, train). */
export function featureAlphaDropout_(input: Tensor, ...args: DropoutArgs): Tensor { return F.featureAlphaDropout(input, ...dropoutArgs("feature_alpha_dropout_", args), true); }

interface EmbeddingOptions { paddingIdx?: number; scaleGradByFreq?: boolean; sparse?: boolean }

/**
 * torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False): the
 * weight comes first; a negative padding_idx means none (ATen's convention: F.embedding has
 * already made a negative index positive when it calls this).
 */
export function embedding(weight: Tensor, indices: Tensor, ...args: Args<[paddingIdx?: number, scaleGradByFreq?: boolean, sparse?: boolean], EmbeddingOptions>): Tensor;
export function embedding<A extends Rebound<[weight: Tensor, indices: Tensor], ["weight", "indices"], EmbeddingOptions>>(...args: A): Tensor;
export function embedding(weight: Tensor, indices: Tensor, ...args: Args<[paddingIdx?: number, scaleGradByFreq?: boolean, sparse?: boolean], EmbeddingOptions>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indices : weight)) return rebind(embedding, "embedding", arguments, ["weight", "indices", "paddingIdx", "scaleGradByFreq", "sparse"], 2, []);
  const a = bindArgs("embedding", args, ["paddingIdx", "scaleGradByFreq", "sparse"]);
  const padding = (a.paddingIdx ?? -1) as number;
  if (typeof padding !== "number" || !Number.isInteger(padding)) throw new Error(`embedding(): argument 'padding_idx' (position 3) must be int, not ${describe(padding)}`);
  const rows = weight?.dim?.() ? weight.size(0) : 0;
  return F.embedding(indices, weight, {
    paddingIdx: padding >= 0 && padding < rows ? padding : null,
    scaleGradByFreq: (a.scaleGradByFreq ?? false) as boolean, sparse: (a.sparse ?? false) as boolean,
  });
}

/** torch.binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: Args<[weight?: Opt, posWeight?: Opt, reduction?: LossReduction], { weight?: Opt; posWeight?: Opt; reduction?: LossReduction }>): Tensor;
export function binaryCrossEntropyWithLogits<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { weight?: Opt; posWeight?: Opt; reduction?: LossReduction }>>(...args: A): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: Args<[weight?: Opt, posWeight?: Opt, reduction?: LossReduction], { weight?: Opt; posWeight?: Opt; reduction?: LossReduction }>): Tensor {
  if (autocasting.on && autocasts("binary_cross_entropy_with_logits", arguments)) return runAutocast(binaryCrossEntropyWithLogits, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(binaryCrossEntropyWithLogits, "binary_cross_entropy_with_logits", arguments, ["input", "target", "weight", "posWeight", "reduction"], 2, []);
  const op = "binary_cross_entropy_with_logits";
  const a = bindArgs(op, args, ["weight", "posWeight", "reduction"]);
  return F.binaryCrossEntropyWithLogits(input, target, { weight: (a.weight ?? null) as Opt, posWeight: (a.posWeight ?? null) as Opt, reduction: reductionName(op, a.reduction) });
}

/** torch.kl_div(input, target, reduction=1, *, log_target=False). */
export function klDiv(input: Tensor, target: Tensor, ...args: Args<[reduction?: LossReduction], { reduction?: LossReduction; logTarget?: boolean }>): Tensor;
export function klDiv<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { reduction?: LossReduction; logTarget?: boolean }>>(...args: A): Tensor;
export function klDiv(input: Tensor, target: Tensor, ...args: Args<[reduction?: LossReduction], { reduction?: LossReduction; logTarget?: boolean }>): Tensor {
  if (autocasting.on && autocasts("kl_div", arguments)) return runAutocast(klDiv, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(klDiv, "kl_div", arguments, ["input", "target", "reduction"], 2, ["logTarget"]);
  const a = bindArgs("kl_div", args, ["reduction"], ["logTarget"]);
  const reduction = reductionName("kl_div", a.reduction), logTarget = (a.logTarget ?? false) as boolean;
  // F.kl_div's "mean" warns about "batchmean"; ATen's mean (sum / numel) does not.
  if (reduction === "mean") {
    const total = F.klDiv(input, target, { reduction: "sum", logTarget });
    return total.div(numel(broadcastShapes(input.shape, target.shape)));
  }
  return F.klDiv(input, target, { reduction, logTarget });
}

type MarginArgs = Args<[margin?: number, reduction?: LossReduction], { margin?: number; reduction?: LossReduction }>;

/** torch.margin_ranking_loss(input1, input2, target, margin=0., reduction=1). */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor;
export function marginRankingLoss<A extends Rebound<[input1: Tensor, input2: Tensor, target: Tensor], ["input1", "input2", "target"], { margin?: number; reduction?: LossReduction }>>(...args: A): Tensor;
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor {
  if (autocasting.on && autocasts("margin_ranking_loss", arguments)) return runAutocast(marginRankingLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? target : arguments.length === 2 ? input2 : input1)) return rebind(marginRankingLoss, "margin_ranking_loss", arguments, ["input1", "input2", "target", "margin", "reduction"], 3, []);
  const a = bindArgs("margin_ranking_loss", args, ["margin", "reduction"]);
  return F.marginRankingLoss(input1, input2, target, { margin: (a.margin ?? 0) as number, reduction: reductionName("margin_ranking_loss", a.reduction) });
}

/** torch.hinge_embedding_loss(input, target, margin=1., reduction=1). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: MarginArgs): Tensor;
export function hingeEmbeddingLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { margin?: number; reduction?: LossReduction }>>(...args: A): Tensor;
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: MarginArgs): Tensor {
  if (autocasting.on && autocasts("hinge_embedding_loss", arguments)) return runAutocast(hingeEmbeddingLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(hingeEmbeddingLoss, "hinge_embedding_loss", arguments, ["input", "target", "margin", "reduction"], 2, []);
  const a = bindArgs("hinge_embedding_loss", args, ["margin", "reduction"]);
  return F.hingeEmbeddingLoss(input, target, { margin: (a.margin ?? 1) as number, reduction: reductionName("hinge_embedding_loss", a.reduction) });
}

/** torch.cosine_embedding_loss(input1, input2, target, margin=0., reduction=1). */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor;
export function cosineEmbeddingLoss<A extends Rebound<[input1: Tensor, input2: Tensor, target: Tensor], ["input1", "input2", "target"], { margin?: number; reduction?: LossReduction }>>(...args: A): Tensor;
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor {
  if (autocasting.on && autocasts("cosine_embedding_loss", arguments)) return runAutocast(cosineEmbeddingLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? target : arguments.length === 2 ? input2 : input1)) return rebind(cosineEmbeddingLoss, "cosine_embedding_loss", arguments, ["input1", "input2", "target", "margin", "reduction"], 3, []);
  const a = bindArgs("cosine_embedding_loss", args, ["margin", "reduction"]);
  return F.cosineEmbeddingLoss(input1, input2, target, { margin: (a.margin ?? 0) as number, reduction: reductionName("cosine_embedding_loss", a.reduction) });
}

/** torch.poisson_nll_loss(input, target, log_input, full, eps, reduction): every argument required. */
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: Args<[logInput: boolean, full: boolean, eps: number, reduction: LossReduction], { logInput?: boolean; full?: boolean; eps?: number; reduction?: LossReduction }>): Tensor;
export function poissonNllLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { logInput?: boolean; full?: boolean; eps?: number; reduction?: LossReduction }>>(...args: A): Tensor;
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: Args<[logInput: boolean, full: boolean, eps: number, reduction: LossReduction], { logInput?: boolean; full?: boolean; eps?: number; reduction?: LossReduction }>): Tensor {
  if (autocasting.on && autocasts("poisson_nll_loss", arguments)) return runAutocast(poissonNllLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(poissonNllLoss, "poisson_nll_loss", arguments, ["input", "target", "logInput", "full", "eps", "reduction"], 6, []);
  const op = "poisson_nll_loss";
  const a = bindRequired(op, args, ["logInput", "full", "eps", "reduction"], 4);
  return F.poissonNllLoss(input, target, { logInput: a.logInput as boolean, full: a.full as boolean, eps: a.eps as number, reduction: reductionName(op, a.reduction) });
}

interface TripletOptions { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: LossReduction }

/** torch.triplet_margin_loss(anchor, positive, negative, margin=1., p=2., eps=1e-6, swap=False, reduction=1). */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: Args<[margin?: number, p?: number, eps?: number, swap?: boolean, reduction?: LossReduction], TripletOptions>): Tensor;
export function tripletMarginLoss<A extends Rebound<[anchor: Tensor, positive: Tensor, negative: Tensor], ["anchor", "positive", "negative"], TripletOptions>>(...args: A): Tensor;
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: Args<[margin?: number, p?: number, eps?: number, swap?: boolean, reduction?: LossReduction], TripletOptions>): Tensor {
  if (autocasting.on && autocasts("triplet_margin_loss", arguments)) return runAutocast(tripletMarginLoss, arguments);
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? negative : arguments.length === 2 ? positive : anchor)) return rebind(tripletMarginLoss, "triplet_margin_loss", arguments, ["anchor", "positive", "negative", "margin", "p", "eps", "swap", "reduction"], 3, []);
  const op = "triplet_margin_loss";
  const a = bindArgs(op, args, ["margin", "p", "eps", "swap", "reduction"]);
  return F.tripletMarginLoss(anchor, positive, negative, {
    margin: (a.margin ?? 1) as number, p: (a.p ?? 2) as number, eps: (a.eps ?? 1e-6) as number, swap: (a.swap ?? false) as boolean,
    reduction: reductionName(op, a.reduction),
  });
}

type Lengths = Tensor | number[];

/** torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False). */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, ...args: Args<[blank?: number, reduction?: LossReduction, zeroInfinity?: boolean], { blank?: number; reduction?: LossReduction; zeroInfinity?: boolean }>): Tensor;
export function ctcLoss<A extends Rebound<[logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths], ["logProbs", "targets", "inputLengths", "targetLengths"], { blank?: number; reduction?: LossReduction; zeroInfinity?: boolean }>>(...args: A): Tensor;
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths,
  ...args: Args<[blank?: number, reduction?: LossReduction, zeroInfinity?: boolean], { blank?: number; reduction?: LossReduction; zeroInfinity?: boolean }>): Tensor {
  if (autocasting.on && autocasts("ctc_loss", arguments)) return runAutocast(ctcLoss, arguments);
  if (arguments.length <= 4 && isOptionsObject(arguments.length === 4 ? targetLengths : arguments.length === 3 ? inputLengths : arguments.length === 2 ? targets : logProbs)) return rebind(ctcLoss, "ctc_loss", arguments, ["logProbs", "targets", "inputLengths", "targetLengths", "blank", "reduction", "zeroInfinity"], 4, []);
  const a = bindArgs("ctc_loss", args, ["blank", "reduction", "zeroInfinity"]);
  return F.ctcLoss(logProbs, targets, inputLengths, targetLengths, {
    blank: (a.blank ?? 0) as number, reduction: reductionName("ctc_loss", a.reduction), zeroInfinity: (a.zeroInfinity ?? false) as boolean,
  });
}

type ConvolutionArgs = Args<[bias: Opt, stride: number[], padding: number[], dilation: number[], transposed: boolean, outputPadding: number[], groups: number],
  { bias?: Opt; stride?: number[]; padding?: number[]; dilation?: number[]; transposed?: boolean; outputPadding?: number[]; groups?: number }>;
const CONVOLUTION = ["bias", "stride", "padding", "dilation", "transposed", "outputPadding", "groups"];

/**
 * torch.convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
 * groups): ATen's convolution entry, every argument required, the int lists of 1 or (weight.dim() - 2)
 * values; dispatched to F.conv{1,2,3}d or F.conv_transpose{1,2,3}d by weight's dims.
 */
export function convolution(input: Tensor, weight: Tensor, ...args: ConvolutionArgs): Tensor;
export function convolution<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], { bias?: Opt; stride?: number[]; padding?: number[]; dilation?: number[]; transposed?: boolean; outputPadding?: number[]; groups?: number }>>(...args: A): Tensor;
export function convolution(input: Tensor, weight: Tensor, ...args: ConvolutionArgs): Tensor {
  if (autocasting.on && autocasts("convolution", arguments)) return runAutocast(convolution, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(convolution, "convolution", arguments, ["input", "weight", ...CONVOLUTION], 9, []);
  const a = bindRequired("convolution", args, CONVOLUTION, 7);
  const lists: Record<string, number[]> = {};
  CONVOLUTION.forEach((name, i) => {
    if (name === "bias" || name === "transposed" || name === "groups") return;
    const v = a[name];
    if (!Array.isArray(v) || v.some((n) => !Number.isInteger(n))) throw new Error(`convolution(): argument '${snake(name)}' (position ${i + 3}) must be tuple of ints, not ${describe(v)}`);
    lists[name] = v as number[];
  });
  if (weight.dim() < 3) throw new Error("weight should have at least three dimensions");
  const k = weight.dim() - 2;
  if (k > 3) throw new Error(`convolution: ${k}-d convolutions are not supported`);
  if (input.dim() !== weight.dim()) {
    throw new Error(`Expected ${weight.dim()}-dimensional input for ${weight.dim()}-dimensional weight [${weight.shape.join(", ")}], but got ${input.dim()}-dimensional input of size [${input.shape.join(", ")}] instead`);
  }
  const expand = (name: string): number[] => {
    const v = lists[name]!;
    if (v.length === 1) return new Array<number>(k).fill(v[0]!);
    if (v.length !== k) throw new Error(`expected ${snake(name)} to be a single integer value or a list of ${k} values to match the convolution dimensions, but got ${snake(name)}=[${v.join(", ")}]`);
    return v;
  };
  const [stride, padding, dilation, outputPadding] = ["stride", "padding", "dilation", "outputPadding"].map(expand) as [number[], number[], number[], number[]];
  const bias = a.bias as Opt, groups = a.groups as number;
  if (a.transposed) {
    const f = [F.convTranspose1d, F.convTranspose2d, F.convTranspose3d][k - 1]!;
    return f(input, weight, bias, stride, padding, outputPadding, groups, dilation);
  }
  const f = [F.conv1d, F.conv2d, F.conv3d][k - 1]!;
  return f(input, weight, bias, stride, padding, dilation, groups);
}
