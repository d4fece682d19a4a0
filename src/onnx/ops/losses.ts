// Loss functions, each traced whole with its reduction (their autograd records carry the input
// only, or no reduction): the pointwise losses of the difference (mse, l1, smooth_l1, huber),
// binary cross-entropy on probabilities and on logits, nll_loss and cross_entropy
// (NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss, whose ignore_index and weighted mean are
// PyTorch's: the sum over the kept samples divided by the sum of their class weights), kl_div and
// multilabel_margin_loss.

import { type DType, bool, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";
import { reduceOver } from "./reductions.js";

type Reduction = "none" | "mean" | "sum";

/** The loss reduced as asked (mean and sum over every element). */
function reduce(c: ConvertContext, x: string, reduction: Reduction): string {
  if (reduction === "none") return x;
  return c.op(reduction === "sum" ? "ReduceSum" : "ReduceMean", [x], { keepdims: attr.i(0) });
}

function scalar(c: ConvertContext, v: number): string { return c.g.scalar(v, c.outDtype()); }

/** mse / l1 / smooth_l1 / huber of d = input - target (broadcast). */
const diffLoss: Converter = (c) => {
  const dtype = c.outDtype();
  const d = c.op("Sub", [c.inputAs(0, dtype), c.inputAs(1, dtype)]);
  const loss = c.attr<string>("loss"), param = c.attr<number | null>("param") ?? 1;
  let elems: string;
  if (loss === "mse") elems = c.op("Mul", [d, d]);
  else if (loss === "l1") elems = c.op("Abs", [d]);
  else {
    // smooth_l1 (beta) is huber (delta) divided by beta: both are quadratic below the parameter.
    const z = c.op("Abs", [d]);
    const square = c.op("Mul", [c.op("Mul", [z, z]), scalar(c, 0.5)]);
    const linear = c.op("Mul", [c.op("Sub", [z, scalar(c, 0.5 * param)]), scalar(c, param)]);
    elems = c.op("Where", [c.op("Less", [z, scalar(c, param)]), square, linear]);
    if (loss === "smoothL1") elems = c.op("Div", [elems, scalar(c, param)]);
    else if (loss !== "huber") c.fail(`unknown loss '${loss}'`);
  }
  return reduce(c, elems, c.attr<Reduction>("reduction"));
};

/** binary_cross_entropy: -w (t max(log x, -100) + (1 - t) max(log(1 - x), -100)). */
const binaryCrossEntropy: Converter = (c) => {
  const dtype = c.outDtype();
  const x = c.inputAs(0, dtype), t = c.inputAs(1, dtype);
  const one = scalar(c, 1), floor = scalar(c, -100);
  const logX = c.op("Max", [c.op("Log", [x]), floor]);
  const log1mX = c.op("Max", [c.op("Log", [c.op("Sub", [one, x])]), floor]);
  let loss = c.op("Neg", [c.op("Add", [c.op("Mul", [t, logX]), c.op("Mul", [c.op("Sub", [one, t]), log1mX])])]);
  if (c.has(2)) loss = c.op("Mul", [loss, c.inputAs(2, dtype)]);
  return reduce(c, loss, c.attr<Reduction>("reduction"));
};

/**
 * binary_cross_entropy_with_logits: (1 - t) x - log σ(x) (1 + (pw - 1) t), times w, with
 * log σ(x) = min(x, 0) - log(1 + exp(-|x|)) (no overflow for any x).
 */
const binaryCrossEntropyWithLogits: Converter = (c) => {
  const dtype = c.outDtype();
  const x = c.inputAs(0, dtype), t = c.inputAs(1, dtype);
  const one = scalar(c, 1);
  const softTail = c.op("Log", [c.op("Add", [one, c.op("Exp", [c.op("Neg", [c.op("Abs", [x])])])])]);
  let logSig = c.op("Sub", [c.op("Min", [x, scalar(c, 0)]), softTail]);
  if (c.has(3)) logSig = c.op("Mul", [logSig, c.op("Add", [c.op("Mul", [c.op("Sub", [c.inputAs(3, dtype), one]), t]), one])]);
  let loss = c.op("Sub", [c.op("Mul", [c.op("Sub", [one, t]), x]), logSig]);
  if (c.has(2)) loss = c.op("Mul", [loss, c.inputAs(2, dtype)]);
  return reduce(c, loss, c.attr<Reduction>("reduction"));
};

/**
 * The class-index losses' operands in ONNX's layout: (N, C, ...) scores and (N, ...) int64
 * targets; a single sample (C) with a 0-d target gets a batch dim of 1, which `unbatch` removes.
 */
function classOperands(c: ConvertContext, scores: string): { x: string; t: string; unbatch: (y: string) => string } {
  const t = c.inputAs(1, int64);
  if (c.value(0).shape.length !== 1) return { x: scores, t, unbatch: (y) => y };
  const axes = c.g.ints([0]);
  return { x: c.op("Unsqueeze", [scores, axes]), t: c.op("Unsqueeze", [t, axes]), unbatch: (y) => c.op("Squeeze", [y, axes]) };
}

function lossAttrs(c: ConvertContext, reduction: Reduction): { reduction: ReturnType<typeof attr.s>; ignore_index: ReturnType<typeof attr.i> } {
  return { reduction: attr.s(reduction), ignore_index: attr.i(c.attr<number>("ignoreIndex")) };
}

/** nll_loss: NegativeLogLikelihoodLoss. */
const nllLoss: Converter = (c) => {
  const dtype = c.outDtype();
  const reduction = c.attr<Reduction>("reduction");
  const { x, t, unbatch } = classOperands(c, c.inputAs(0, dtype));
  const weight = c.has(2) ? c.inputAs(2, dtype) : "";
  const y = c.op("NegativeLogLikelihoodLoss", [x, t, weight], lossAttrs(c, reduction));
  return reduction === "none" ? unbatch(y) : y;
};

/**
 * cross_entropy with class indices. Without label smoothing one SoftmaxCrossEntropyLoss. With it,
 * PyTorch's (1 - ε) nll + ε/C Σ_c -w_c log p_c per sample (0 where ignored), and the mean divides
 * the sum by the kept samples' total class weight, as the nll part alone does.
 */
function crossEntropyIndices(c: ConvertContext): string {
  const dtype = c.outDtype();
  const reduction = c.attr<Reduction>("reduction");
  const eps = c.attr<number>("labelSmoothing");
  const { x, t, unbatch } = classOperands(c, c.inputAs(0, dtype));
  const weight = c.has(2) ? c.inputAs(2, dtype) : "";
  if (eps === 0) {
    const y = c.op("SoftmaxCrossEntropyLoss", [x, t, weight], lossAttrs(c, reduction));
    return reduction === "none" ? unbatch(y) : y;
  }
  const shape = c.value(0).shape;
  const C = shape[shape.length === 1 ? 0 : 1]!;
  const rank = Math.max(shape.length, 2);
  const logP = c.op("LogSoftmax", [x], { axis: attr.i(1) });
  const nll = c.op("NegativeLogLikelihoodLoss", [logP, t, weight], lossAttrs(c, "none"));
  const perClass = weight ? c.op("Mul", [logP, c.op("Reshape", [weight, c.g.ints([C, ...new Array<number>(rank - 2).fill(1)])])]) : logP;
  const kept = c.op("Not", [c.op("Equal", [t, c.g.scalar(c.attr<number>("ignoreIndex"), int64)])]);
  const zero = scalar(c, 0);
  const smooth = c.op("Where", [kept, c.op("Neg", [c.op("ReduceSum", [perClass, c.g.ints([1])], { keepdims: attr.i(0) })]), zero]);
  const perSample = c.op("Add", [c.op("Mul", [nll, scalar(c, 1 - eps)]), c.op("Mul", [smooth, scalar(c, eps / C)])]);
  if (reduction === "none") return unbatch(perSample);
  const sum = c.op("ReduceSum", [perSample], { keepdims: attr.i(0) });
  if (reduction === "sum") return sum;
  const safe = c.op("Where", [kept, t, c.g.scalar(0, int64)]);
  const sampleWeight = weight ? c.op("Where", [kept, c.op("Gather", [weight, safe], { axis: attr.i(0) }), zero]) : c.cast(kept, bool, dtype);
  return c.op("Div", [sum, c.op("ReduceSum", [sampleWeight], { keepdims: attr.i(0) })]);
}

/** The number of elements of input `i` in all dims but `skip`, as a 0-d `dtype` value (read at run time when dynamic). */
function countOthers(c: ConvertContext, i: number, skip: number, dtype: DType): string {
  const v = c.value(i);
  const dims = v.shape.map((_, d) => d).filter((d) => d !== skip);
  const sizeA = dims.reduce((p, d) => p * v.shape[d]!, 1);
  const sizeB = v.b ? dims.reduce((p, d) => p * v.b!.shape[d]!, 1) : sizeA;
  if (sizeA === sizeB) return c.g.scalar(sizeA, dtype);
  const picked = c.op("Gather", [c.op("Shape", [c.input(i)]), c.g.ints(dims)], { axis: attr.i(0) });
  return c.cast(c.op("ReduceProd", [picked], { keepdims: attr.i(0) }), int64, dtype);
}

/** cross_entropy with class probabilities: -Σ w_c t'_c log p_c, t' = (1 - ε) t + ε/C; the mean divides by numel / C. */
function crossEntropyProbabilities(c: ConvertContext): string {
  const dtype = c.outDtype();
  const reduction = c.attr<Reduction>("reduction");
  const eps = c.attr<number>("labelSmoothing");
  const rank = c.value(0).shape.length;
  const classDim = rank === 1 ? 0 : 1;
  const C = c.value(0).shape[classDim]!;
  let t = c.inputAs(1, dtype);
  if (eps > 0) t = c.op("Add", [c.op("Mul", [t, scalar(c, 1 - eps)]), scalar(c, eps / C)]);
  let prod = c.op("Mul", [c.op("LogSoftmax", [c.inputAs(0, dtype)], { axis: attr.i(classDim) }), t]);
  if (c.has(2)) {
    const shape = new Array<number>(rank).fill(1);
    shape[classDim] = C;
    prod = c.op("Mul", [prod, c.op("Reshape", [c.inputAs(2, dtype), c.g.ints(shape)])]);
  }
  if (reduction === "none") return c.op("Neg", [c.op("ReduceSum", [prod, c.g.ints([classDim])], { keepdims: attr.i(0) })]);
  const total = c.op("Neg", [c.op("ReduceSum", [prod], { keepdims: attr.i(0) })]);
  return reduction === "sum" ? total : c.op("Div", [total, countOthers(c, 0, classDim, dtype)]);
}

const crossEntropy: Converter = (c) => (c.attr<boolean>("probabilities") ? crossEntropyProbabilities(c) : crossEntropyIndices(c));

/** kl_div: t (log t - x), or e^t (t - x) for log targets; 'batchmean' divides the sum by the batch size. */
const klDiv: Converter = (c) => {
  const dtype = c.outDtype();
  const x = c.inputAs(0, dtype), t = c.inputAs(1, dtype);
  let elems: string;
  if (c.attr<boolean>("logTarget")) elems = c.op("Mul", [c.op("Exp", [t]), c.op("Sub", [t, x])]);
  else {
    // xlogy(t, t) is 0 where t is 0 (t log t would be 0 * -inf).
    const zero = scalar(c, 0);
    const tLogT = c.op("Where", [c.op("Equal", [t, zero]), zero, c.op("Mul", [t, c.op("Log", [t])])]);
    elems = c.op("Sub", [tLogT, c.op("Mul", [t, x])]);
  }
  const reduction = c.attr<Reduction | "batchmean">("reduction");
  if (reduction !== "batchmean") return reduce(c, elems, reduction);
  const sum = reduce(c, elems, "sum");
  const v = c.value(0);
  if (v.shape.length === 0) return sum;
  const batch = v.shape[0] === (v.b?.shape[0] ?? v.shape[0]) ? c.g.scalar(v.shape[0]!, dtype)
    : c.cast(c.op("Squeeze", [c.op("Shape", [x], { start: attr.i(0), end: attr.i(1) }), c.g.ints([0])]), int64, dtype);
  return c.op("Div", [sum, batch]);
};

/**
 * multilabel_margin_loss: per sample, Σ over the listed targets j (the target row up to its first
 * -1) and the classes k not listed of max(0, 1 - (x[t_j] - x[k])), over C; duplicates in the list
 * count twice, as in PyTorch. The list and the class mask are computed from the target at run time.
 */
const multilabelMarginLoss: Converter = (c) => {
  const dtype = c.outDtype();
  const v = c.value(0);
  const rank = v.shape.length;
  const rows = c.g.ints([rank === 2 ? 0 : 1, -1]);
  const x = c.op("Reshape", [c.inputAs(0, dtype), rows]);                       // (N, C)
  const t = c.op("Reshape", [c.inputAs(1, int64), rows]);                       // (N, C)
  const ended = c.op("CumSum", [c.cast(c.op("Less", [t, c.g.scalar(0, int64)]), bool, int64), c.g.scalar(1, int64)]);
  const listed = c.op("Equal", [ended, c.g.scalar(0, int64)]);                  // (N, J)
  const safe = c.op("Where", [listed, t, c.g.scalar(0, int64)]);
  const picked = c.op("GatherElements", [x, safe], { axis: attr.i(1) });        // x[t_j]: (N, J)
  const classCount = c.op("Shape", [x], { start: attr.i(1), end: attr.i(2) });
  const classes = c.op("Range", [c.g.scalar(0, int64), c.op("Squeeze", [classCount, c.g.ints([0])]), c.g.scalar(1, int64)]);
  const hits = c.op("And", [c.op("Equal", [c.op("Unsqueeze", [safe, c.g.ints([2])]), classes]), c.op("Unsqueeze", [listed, c.g.ints([2])])]);
  const isTarget = reduceOver(c, "ReduceMax", c.cast(hits, bool, int64), [1], true); // (N, 1, C)
  const notTarget = c.cast(c.op("Equal", [isTarget, c.g.scalar(0, int64)]), bool, dtype);
  const h = c.op("Sub", [scalar(c, 1), c.op("Sub", [c.op("Unsqueeze", [picked, c.g.ints([2])]), c.op("Unsqueeze", [x, c.g.ints([1])])])]);
  // max(0, h) keeping a NaN, as clamp_min does.
  const hinge = c.op("Where", [c.op("Less", [h, scalar(c, 0)]), scalar(c, 0), h]);
  const kept = c.op("Mul", [c.op("Mul", [hinge, c.cast(c.op("Unsqueeze", [listed, c.g.ints([2])]), bool, dtype)]), notTarget]);
  const perSample = c.op("Div", [c.op("ReduceSum", [kept, c.g.ints([1, 2])], { keepdims: attr.i(0) }), c.cast(classCount, int64, dtype)]);
  const reduction = c.attr<Reduction>("reduction");
  if (reduction !== "none") return reduce(c, perSample, reduction);
  return rank === 2 ? perSample : c.op("Reshape", [perSample, c.g.ints([])]);
};

export const LOSSES: Record<string, Converter> = {
  multilabel_margin_loss: multilabelMarginLoss,
  diff_loss: diffLoss,
  binary_cross_entropy: binaryCrossEntropy,
  binary_cross_entropy_with_logits: binaryCrossEntropyWithLogits,
  nll_loss: nllLoss,
  cross_entropy: crossEntropy,
  kl_div: klDiv,
};
