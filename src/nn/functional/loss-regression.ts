// Elementwise losses: mse, l1, smooth_l1, huber, binary cross-entropy (probabilities and logits),
// kl_div, poisson and gaussian NLL. mse/smooth_l1/huber/bce are dedicated ops (one pass forward,
// vjp in public ops); the rest compose public ops as ATen does.

import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { requireTensor } from "../../ops/pointwise-util.js";
import { needsGrad, record, sumToShape } from "../../autograd/record.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { broadcastShapes, shapesEqual } from "../../core/shape.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { binaryMap, emptyTensor, writeNumbers } from "../../ops/engine.js";
import { gradFor } from "../../ops/pointwise-engine.js";
import { resultType } from "../../ops/promotion.js";
import { xlogy, logit } from "../../ops/special.js";
import { logsigmoid } from "./activation.js";
import {
  type Reduction, boolArg, checkReduction, floatValues, numberArg, optTensorArg, reduceLoss, reductionOf, scalarName,
  sizesStr, tensorArg, torchSize, warnOnce, warnSizeMismatch,
} from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import type { PointwiseLossKind } from "../../backends/native/pointwise-loss.js";
import { type NativeLoss, nativeLossForward, nativeLossGrad, nativeLossOperands } from "./loss-native.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { batching, isBatched } from "../../func/batched-tensor.js";

interface LegacyOptions { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction }

/** A 0-d tensor of `like`'s dtype holding v. */
function scalarTensor(v: number, like: Tensor): Tensor {
  const t = emptyTensor([], like.dtype);
  writeNumbers(t, [v]);
  return t;
}

function sumValues(t: Tensor): number {
  const v = floatValues(t);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}

/** A loss of the difference d = input - target, elementwise, as one op. */
interface DiffLoss {
  kernel: string;
  node: string;
  f: (d: number) => number;
  /** d loss / d d, in public ops. */
  grad: (diff: Tensor) => Tensor;
  /** The native kernel of the same loss, and its beta/delta. */
  native: PointwiseLossKind;
  param?: number;
}

function diffLoss(spec: DiffLoss, x: Tensor, y: Tensor, reduction: Reduction): Tensor {
  const out = diffLossOp(spec, x, y, reduction);
  // The record carries neither the loss's parameter nor the reduction.
  if (tracing.on) traceOp("diff_loss", [x, y], out, { loss: spec.native, param: spec.param ?? null, reduction });
  return out;
}

function diffLossOp(spec: DiffLoss, x: Tensor, y: Tensor, reduction: Reduction): Tensor {
  const dtype = resultType(x, y);
  if (!dtype.isFloatingPoint) throw new Error(`"${spec.kernel}" not implemented for '${scalarName(dtype)}'`);
  if (x.dtype === dtype && nativeLossOperands(x, y)) return nativeDiffLoss(spec, { kind: spec.native, x, y, param: spec.param }, reduction);
  const f = spec.f;
  const gpu = onDevice(x, y);
  const elems = gpu ? deviceOp("diffLoss", spec.kernel)(spec.kernel, x, y) : binaryMap(x, y, dtype, (a, b) => f(a - b), undefined, undefined, spec.kernel);
  const n = elems.numel();
  const out = reduction === "none" ? elems : gpu ? (reduction === "sum" ? elems.sum() : elems.mean())
    : scalarTensor(reduction === "sum" ? sumValues(elems) : sumValues(elems) / n, elems);
  const shape = elems.shape;
  return record(spec.node, [x, y], out, ([g]) => {
    let ge = reduction === "none" ? g! : g!.expand(shape);
    if (reduction === "mean") ge = ge.div(n);
    const gd = ge.mul(spec.grad(x.sub(y)));
    return [x._requiresGrad ? gradFor(gd, x) : null, y._requiresGrad ? gradFor(gd.neg(), y) : null];
  }, [x, y]);
}

/** diffLoss through the native kernels; the composite vjp serves createGraph. */
function nativeDiffLoss(spec: DiffLoss, l: NativeLoss, reduction: Reduction): Tensor {
  const { x, y } = l;
  const out = nativeLossForward(l, reduction)!;
  const n = x.numel();
  return record(spec.node, [x, y], out, ([g]) => {
    const gx = nativeLossGrad(l, reduction, g!);
    if (gx !== null) return [x._requiresGrad ? gx : null, y._requiresGrad ? gx.neg() : null];
    let ge = reduction === "none" ? g! : g!.expand(x.shape);
    if (reduction === "mean") ge = ge.div(n);
    const gd = ge.mul(spec.grad(x.sub(y)));
    return [x._requiresGrad ? gd : null, y._requiresGrad ? gd.neg() : null];
  }, [x, y]);
}

/** The weighted forms of mse/l1 (PyTorch 2.6+): mean divides by the total weight. */
function weightedLoss(elems: Tensor, weight: Tensor, input: Tensor, reduction: Reduction, meanBy: "weight" | "count"): Tensor {
  if (weight.dim() !== input.dim() || weight.shape.some((s, i) => s !== input.size(i))) throw new Error("Weights and input must have the same size.");
  const w = elems.mul(weight);
  if (reduction === "none") return w;
  if (reduction === "sum") return w.sum();
  return meanBy === "weight" ? w.sum().div(weight.sum()) : w.mean();
}

type MseArgs = Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, weight?: Tensor | null], LegacyOptions & { weight?: Tensor | null }>;

const MSE: DiffLoss = { kernel: "mse_cpu", node: "MseLossBackward0", f: (d) => d * d, grad: (d) => d.mul(2), native: "mse" };

/** l1 as one op: only on the native path (elsewhere it is the composite |x - y|, as ATen's). */
const L1: DiffLoss = { kernel: "l1_cpu", node: "L1LossBackward0", f: Math.abs, grad: (d) => d.sgn(), native: "l1" };

/** F.mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None). */
export function mseLoss(input: Tensor, target: Tensor, ...args: MseArgs): Tensor;
export function mseLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { weight?: Tensor | null }>>(...args: A): Tensor;
export function mseLoss(input: Tensor, target: Tensor, ...args: MseArgs): Tensor {
  if (autocasting.on && autocasts("mse_loss", arguments)) return runAutocast(mseLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(mseLoss, "mse_loss", arguments, ["input", "target", "sizeAverage", "reduce", "reduction", "weight"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("mse_loss", "input", 1, input);
  if (!(target instanceof Tensor)) requireTensor("mse_loss", "target", 2, target);
  const op = "mse_loss";
  if (isNamed(input) || isNamed(target)) throw namedRefusal(op);
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction", "weight"], [], 2);
  const x = tensorArg(op, "input", 1, input), y = tensorArg(op, "target", 2, target);
  warnSizeMismatch(x, y);
  const reduction = reductionOf(a);
  const weight = optTensorArg(op, "weight", 6, a.weight);
  broadcastShapes(x.shape, y.shape);
  if (batching.on && !weight && (isBatched(x) || isBatched(y))) {
    // Batched: composed of ops with batching rules.
    const d = x.sub(y), sq = d.mul(d);
    return reduction === "none" ? sq : reduction === "sum" ? sq.sum() : sq.mean();
  }
  if (weight) return weightedLoss(diffLoss(MSE, x, y, "none"), weight, x, reduction, "weight");
  return diffLoss(MSE, x, y, reduction);
}

/** F.l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None). */
export function l1Loss(input: Tensor, target: Tensor, ...args: MseArgs): Tensor;
export function l1Loss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { weight?: Tensor | null }>>(...args: A): Tensor;
export function l1Loss(input: Tensor, target: Tensor, ...args: MseArgs): Tensor {
  if (autocasting.on && autocasts("l1_loss", arguments)) return runAutocast(l1Loss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(l1Loss, "l1_loss", arguments, ["input", "target", "sizeAverage", "reduce", "reduction", "weight"], 2, []);
  const op = "l1_loss";
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction", "weight"], [], 2);
  const x = tensorArg(op, "input", 1, input), y = tensorArg(op, "target", 2, target);
  warnSizeMismatch(x, y);
  const reduction = reductionOf(a);
  const weight = optTensorArg(op, "weight", 6, a.weight);
  broadcastShapes(x.shape, y.shape);
  if (!weight && x.dtype === resultType(x, y) && nativeLossOperands(x, y)) return diffLoss(L1, x, y, reduction);
  const elems = x.sub(y).abs();
  if (weight) return weightedLoss(elems, weight, x, reduction, "weight");
  return reduceLoss(elems, reduction);
}

function smoothL1Spec(beta: number): DiffLoss {
  return {
    kernel: "smooth_l1_cpu", node: "SmoothL1LossBackward0",
    f: (d) => { const z = Math.abs(d); return z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta; },
    grad: (d) => d.div(beta).clamp(-1, 1),
    native: "smoothL1", param: beta,
  };
}

/** F.smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0). */
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, beta?: number], LegacyOptions & { beta?: number }>): Tensor;
export function smoothL1Loss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { beta?: number }>>(...args: A): Tensor;
export function smoothL1Loss(input: Tensor, target: Tensor,
  ...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, beta?: number], LegacyOptions & { beta?: number }>): Tensor {
  if (autocasting.on && autocasts("smooth_l1_loss", arguments)) return runAutocast(smoothL1Loss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(smoothL1Loss, "smooth_l1_loss", arguments, ["input", "target", "sizeAverage", "reduce", "reduction", "beta"], 2, []);
  const op = "smooth_l1_loss";
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction", "beta"], [], 2);
  const x = tensorArg(op, "input", 1, input), y = tensorArg(op, "target", 2, target);
  warnSizeMismatch(x, y);
  const reduction = reductionOf(a);
  const beta = numberArg(op, "beta", a.beta, 1);
  broadcastShapes(x.shape, y.shape);
  if (beta < 0) throw new Error("smooth_l1_loss does not support negative values for beta.");
  if (beta === 0) return reduceLoss(x.sub(y).abs(), reduction);
  return diffLoss(smoothL1Spec(beta), x, y, reduction);
}

function huberSpec(delta: number): DiffLoss {
  return {
    kernel: "huber_cpu", node: "HuberLossBackward0",
    f: (d) => { const z = Math.abs(d); return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta); },
    grad: (d) => d.clamp(-delta, delta),
    native: "huber", param: delta,
  };
}

/** F.huber_loss(input, target, reduction='mean', delta=1.0, weight=None). */
export function huberLoss(input: Tensor, target: Tensor, ...args: Args<[reduction?: Reduction, delta?: number, weight?: Tensor | null], { reduction?: Reduction; delta?: number; weight?: Tensor | null }>): Tensor;
export function huberLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { reduction?: Reduction; delta?: number; weight?: Tensor | null }>>(...args: A): Tensor;
export function huberLoss(input: Tensor, target: Tensor,
  ...args: Args<[reduction?: Reduction, delta?: number, weight?: Tensor | null], { reduction?: Reduction; delta?: number; weight?: Tensor | null }>): Tensor {
  if (autocasting.on && autocasts("huber_loss", arguments)) return runAutocast(huberLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(huberLoss, "huber_loss", arguments, ["input", "target", "reduction", "delta", "weight"], 2, []);
  const op = "huber_loss";
  const a = bindArgs(op, args, ["reduction", "delta", "weight"], [], 2);
  const x = tensorArg(op, "input", 1, input), y = tensorArg(op, "target", 2, target);
  warnSizeMismatch(x, y);
  const reduction = checkReduction(a.reduction ?? "mean");
  const delta = numberArg(op, "delta", a.delta, 1);
  const weight = optTensorArg(op, "weight", 5, a.weight);
  broadcastShapes(x.shape, y.shape);
  if (!(delta > 0)) throw new Error("huber_loss does not support non-positive values for delta.");
  if (weight) return weightedLoss(diffLoss(huberSpec(delta), x, y, "none"), weight, x, reduction, "count");
  return diffLoss(huberSpec(delta), x, y, reduction);
}

// ---- binary cross-entropy -------------------------------------------------------------------------

type BceArgs = Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction],
  LegacyOptions & { weight?: Tensor | null }>;

/**
 * F.binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
 * -w (t log x + (1 - t) log(1 - x)) with both logs clamped to >= -100, as PyTorch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: BceArgs): Tensor;
export function binaryCrossEntropy<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { weight?: Tensor | null }>>(...args: A): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: BceArgs): Tensor {
  if (autocasting.on && autocasts("binary_cross_entropy", arguments)) return runAutocast(binaryCrossEntropy, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(binaryCrossEntropy, "binary_cross_entropy", arguments, ["input", "target", "weight", "sizeAverage", "reduce", "reduction"], 2, []);
  const op = "binary_cross_entropy";
  const a = bindArgs(op, args, ["weight", "sizeAverage", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const reduction = reductionOf(a);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  const out = bceOp(x, t, weight, reduction);
  if (tracing.on) traceOp("binary_cross_entropy", [x, t, weight], out, { reduction });
  return out;
}

function bceOp(x: Tensor, t: Tensor, givenWeight: Tensor | null, reduction: Reduction): Tensor {
  let weight = givenWeight;
  if (t.dim() !== x.dim() || t.shape.some((s, i) => s !== x.size(i))) {
    throw new Error(`Using a target size (${torchSize(t.shape)}) that is different to the input size (${torchSize(x.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  if (weight) weight = weight.expand(broadcastShapes(t.shape, weight.shape));
  if (!x.dtype.isFloatingPoint) throw new Error(`"binary_cross_entropy" not implemented for '${scalarName(x.dtype)}'`);
  if (t.dtype !== x.dtype) throw new Error(`Found dtype ${scalarName(t.dtype)} but expected ${scalarName(x.dtype)}`);
  if (weight && (weight.dim() !== x.dim() || weight.shape.some((s, i) => s !== x.size(i)))) {
    throw new Error(`The size of tensor a (${sizesStr(weight.shape)}) must match the size of tensor b (${sizesStr(x.shape)})`);
  }
  if (nativeLossOperands(x, t, weight)) {
    const l: NativeLoss = { kind: "bce", x, y: t, w: weight };
    const out = nativeLossForward(l, reduction);
    // null: a value outside [0, 1], which the loop below reports in PyTorch's words.
    if (out !== null) {
      return record("BinaryCrossEntropyBackward0", [x, t], out, ([g]) => {
        const gx = x._requiresGrad && !t._requiresGrad ? nativeLossGrad(l, reduction, g!) : null;
        return gx !== null ? [gx, null] : bceGrad(g!, x, t, weight, reduction);
      }, [x, t]);
    }
  }
  const xv = floatValues(x), tv = floatValues(t), wv = weight ? floatValues(weight) : null;
  const n = xv.length;
  const elems = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const xi = xv[i]!, ti = tv[i]!;
    if (!(xi >= 0 && xi <= 1)) throw new Error("all elements of input should be between 0 and 1");
    if (!(ti >= 0 && ti <= 1)) throw new Error("all elements of target should be between 0 and 1");
    const l = (ti - 1) * Math.max(Math.log1p(-xi), -100) - ti * Math.max(Math.log(xi), -100);
    const v = wv ? l * wv[i]! : l;
    elems[i] = v;
    sum += v;
  }
  let out: Tensor;
  if (reduction === "none") { out = emptyTensor(x.shape, x.dtype); writeNumbers(out, elems); }
  else out = scalarTensor(reduction === "sum" ? sum : sum / n, x);
  return record("BinaryCrossEntropyBackward0", [x, t], out, ([g]) => bceGrad(g!, x, t, weight, reduction), [x, t]);
}

/** binary_cross_entropy's gradients in public ops. */
function bceGrad(g: Tensor, x: Tensor, t: Tensor, w: Tensor | null, reduction: Reduction): (Tensor | null)[] {
  let ge = reduction === "none" ? g : g.expand(x.shape);
  if (reduction === "mean") ge = ge.div(x.numel());
  if (w) ge = ge.mul(w);
  return [
    x._requiresGrad ? ge.mul(x.sub(t)).div(x.rsub(1).mul(x).clampMin(1e-12)) : null,
    t._requiresGrad ? ge.mul(logit(x)).neg() : null,
  ];
}

/**
 * F.binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean', pos_weight=None): (1 - t) x - log σ(x) (1 + (pw - 1) t), stable for any x.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, posWeight?: Tensor | null],
    LegacyOptions & { weight?: Tensor | null; posWeight?: Tensor | null }>): Tensor;
export function binaryCrossEntropyWithLogits<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { weight?: Tensor | null; posWeight?: Tensor | null }>>(...args: A): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
  ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction, posWeight?: Tensor | null],
    LegacyOptions & { weight?: Tensor | null; posWeight?: Tensor | null }>): Tensor {
  if (autocasting.on && autocasts("binary_cross_entropy_with_logits", arguments)) return runAutocast(binaryCrossEntropyWithLogits, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(binaryCrossEntropyWithLogits, "binary_cross_entropy_with_logits", arguments, ["input", "target", "weight", "sizeAverage", "reduce", "reduction", "posWeight"], 2, []);
  const op = "binary_cross_entropy_with_logits";
  const a = bindArgs(op, args, ["weight", "sizeAverage", "reduce", "reduction", "posWeight"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const reduction = reductionOf(a);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  const posWeight = optTensorArg(op, "pos_weight", 7, a.posWeight);
  if (t.dim() !== x.dim() || t.shape.some((s, i) => s !== x.size(i))) {
    throw new Error(`Target size (${torchSize(t.shape)}) must be the same as input size (${torchSize(x.shape)})`);
  }
  const out = bceWithLogitsOp(x, t, weight, posWeight, reduction);
  // The native path records the input only: the exporter sees the whole op here.
  if (tracing.on) traceOp("binary_cross_entropy_with_logits", [x, t, weight, posWeight], out, { reduction });
  return out;
}

function bceWithLogitsOp(x: Tensor, t: Tensor, weight: Tensor | null, posWeight: Tensor | null, reduction: Reduction): Tensor {
  // PyTorch differentiates the input and the target only; torch-ts also weight and pos_weight, through the composite.
  if (needsGrad(weight, posWeight)) return bceWithLogitsComposite(x, t, weight, posWeight, reduction);
  if (!needsGrad(t)) {
    const full = (v: Tensor | null) => (v && !shapesEqual(v.shape, x.shape) && shapesEqual(broadcastShapes(v.shape, x.shape), x.shape) ? v.expand(x.shape) : v);
    const w = full(weight), pw = full(posWeight);
    if (nativeLossOperands(x, t, w, pw)) return bceWithLogitsNative({ kind: "bceLogits", x, y: t, w, pw }, reduction);
  }
  return bceWithLogitsNode(x, t, weight, posWeight, reduction);
}

function bceWithLogitsComposite(x: Tensor, t: Tensor, weight: Tensor | null, posWeight: Tensor | null, reduction: Reduction): Tensor {
  let logSig = logsigmoid(x);
  if (posWeight) logSig = logSig.mul(posWeight.sub(1).mul(t).add(1));
  let loss = t.rsub(1).mul(x).sub(logSig);
  if (weight) loss = loss.mul(weight);
  return reduceLoss(loss, reduction);
}

/**
 * The composite's value, recorded as PyTorch records the op: one node over the input and the
 * target. d/dx = w (c sigmoid(x) - pw t), c = 1 + (pw - 1) t; d/dt = -w (x + (pw - 1) logsigmoid(x)).
 */
function bceWithLogitsNode(x: Tensor, t: Tensor, w: Tensor | null, pw: Tensor | null, reduction: Reduction): Tensor {
  const out = bceWithLogitsComposite(x.detach(), t.detach(), w && w.detach(), pw && pw.detach(), reduction);
  return record("BinaryCrossEntropyWithLogitsBackward0", [x, t], out, ([g]) => {
    let ge = reduction === "none" ? g! : g!.expand(x.shape);
    if (reduction === "mean") ge = ge.div(x.numel());
    if (w) ge = ge.mul(w);
    const gx = x._requiresGrad ? ge.mul(pw ? x.sigmoid().mul(pw.sub(1).mul(t).add(1)).sub(pw.mul(t)) : x.sigmoid().sub(t)) : null;
    const gt = t._requiresGrad ? ge.mul(pw ? x.add(pw.sub(1).mul(logsigmoid(x))) : x).neg() : null;
    return [gx && sumToShape(gx, x.shape), gt && sumToShape(gt, t.shape)];
  }, [x, t]);
}

/**
 * binary_cross_entropy_with_logits through the native kernels (target, weight and pos_weight not
 * requiring grad): d/dx = w (c sigmoid(x) - pw t), c = 1 + (pw - 1) t; in public ops under createGraph.
 */
function bceWithLogitsNative(l: NativeLoss, reduction: Reduction): Tensor {
  const { x, y: t, w, pw } = l;
  const out = nativeLossForward(l, reduction)!;
  return record("BinaryCrossEntropyWithLogitsBackward0", [x], out, ([g]) => {
    const gx = nativeLossGrad(l, reduction, g!);
    if (gx !== null) return [gx];
    let ge = reduction === "none" ? g! : g!.expand(x.shape);
    if (reduction === "mean") ge = ge.div(x.numel());
    if (w) ge = ge.mul(w);
    const d = pw ? x.sigmoid().mul(pw.sub(1).mul(t).add(1)).sub(pw.mul(t)) : x.sigmoid().sub(t);
    return [ge.mul(d)];
  }, [x]);
}

// ---- kl_div, poisson, gaussian ---------------------------------------------------------------------

/**
 * F.kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False): the
 * input is log-probabilities; 'batchmean' divides the sum by the batch size.
 */
export function klDiv(input: Tensor, target: Tensor, ...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction | "batchmean", logTarget?: boolean],
    { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction | "batchmean"; logTarget?: boolean }>): Tensor;
export function klDiv<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction | "batchmean"; logTarget?: boolean }>>(...args: A): Tensor;
export function klDiv(input: Tensor, target: Tensor,
  ...args: Args<[sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction | "batchmean", logTarget?: boolean],
    { sizeAverage?: boolean | null; reduce?: boolean | null; reduction?: Reduction | "batchmean"; logTarget?: boolean }>): Tensor {
  if (autocasting.on && autocasts("kl_div", arguments)) return runAutocast(klDiv, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(klDiv, "kl_div", arguments, ["input", "target", "sizeAverage", "reduce", "reduction", "logTarget"], 2, []);
  const op = "kl_div";
  const a = bindArgs(op, args, ["sizeAverage", "reduce", "reduction", "logTarget"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  if (!x.dtype.isFloatingPoint || !t.dtype.isFloatingPoint) throw new Error("kl_div: Integral inputs not supported.");
  const logTarget = boolArg(op, "log_target", a.logTarget, false);
  let reduction: Reduction | "batchmean";
  if ((a.sizeAverage !== undefined && a.sizeAverage !== null) || (a.reduce !== undefined && a.reduce !== null)) reduction = reductionOf(a);
  else {
    reduction = (a.reduction as Reduction | "batchmean" | undefined) ?? "mean";
    if (reduction === "mean") {
      warnOnce("reduction: 'mean' divides the total loss by both the batch size and the support size." +
        "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
        "'mean' will be changed to behave the same as 'batchmean' in the next major release.");
    }
    if (reduction !== "batchmean") checkReduction(reduction);
  }
  const out = klDivOp(x, t, reduction, logTarget);
  // batchmean divides by the batch size, which the parts would see as a fixed number.
  if (tracing.on) traceOp("kl_div", [x, t], out, { reduction, logTarget });
  return out;
}

function klDivOp(x: Tensor, t: Tensor, reduction: Reduction | "batchmean", logTarget: boolean): Tensor {
  const elems = logTarget ? t.exp().mul(t.sub(x)) : xlogy(t, t).sub(t.mul(x));
  if (reduction === "batchmean") {
    const s = elems.sum();
    return x.dim() !== 0 ? s.div(x.size(0)) : s;
  }
  return reduceLoss(elems, reduction);
}

/**
 * F.poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
 * reduce=None, reduction='mean').
 */
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: Args<[logInput?: boolean, full?: boolean, sizeAverage?: boolean | null, eps?: number, reduce?: boolean | null, reduction?: Reduction],
    LegacyOptions & { logInput?: boolean; full?: boolean; eps?: number }>): Tensor;
export function poissonNllLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], LegacyOptions & { logInput?: boolean; full?: boolean; eps?: number }>>(...args: A): Tensor;
export function poissonNllLoss(input: Tensor, target: Tensor,
  ...args: Args<[logInput?: boolean, full?: boolean, sizeAverage?: boolean | null, eps?: number, reduce?: boolean | null, reduction?: Reduction],
    LegacyOptions & { logInput?: boolean; full?: boolean; eps?: number }>): Tensor {
  if (autocasting.on && autocasts("poisson_nll_loss", arguments)) return runAutocast(poissonNllLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(poissonNllLoss, "poisson_nll_loss", arguments, ["input", "target", "logInput", "full", "sizeAverage", "eps", "reduce", "reduction"], 2, []);
  const op = "poisson_nll_loss";
  const a = bindArgs(op, args, ["logInput", "full", "sizeAverage", "eps", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const logInput = boolArg(op, "log_input", a.logInput, true);
  const full = boolArg(op, "full", a.full, false);
  const eps = numberArg(op, "eps", a.eps, 1e-8);
  const reduction = reductionOf(a);
  let loss = logInput ? x.exp().sub(t.mul(x)) : x.sub(t.mul(x.add(eps).log()));
  if (full) {
    const stirling = t.mul(t.log()).sub(t).add(t.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(stirling.maskedFill(t.le(1), 0));
  }
  return reduceLoss(loss, reduction);
}

/** F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'). */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, ...args: Args<[full?: boolean, eps?: number, reduction?: Reduction], { full?: boolean; eps?: number; reduction?: Reduction }>): Tensor;
export function gaussianNllLoss<A extends Rebound<[input: Tensor, target: Tensor, variance: Tensor | number], ["input", "target", "var"], { full?: boolean; eps?: number; reduction?: Reduction }>>(...args: A): Tensor;
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number,
  ...args: Args<[full?: boolean, eps?: number, reduction?: Reduction], { full?: boolean; eps?: number; reduction?: Reduction }>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? variance : arguments.length === 2 ? target : input)) return rebind(gaussianNllLoss, "gaussian_nll_loss", arguments, ["input", "target", "var", "full", "eps", "reduction"], 3, []);
  const op = "gaussian_nll_loss";
  const a = bindArgs(op, args, ["full", "eps", "reduction"], [], 3);
  const x = tensorArg(op, "input", 1, input), t = tensorArg(op, "target", 2, target);
  const full = boolArg(op, "full", a.full, false);
  const eps = numberArg(op, "eps", a.eps, 1e-6);
  const reduction = (a.reduction as string | undefined) ?? "mean";
  let v: Tensor;
  if (typeof variance === "number") {
    if (variance < 0) throw new Error("var has negative entry/entries");
    v = x.newOnes(x.shape).mul(variance);
  } else {
    v = tensorArg(op, "var", 3, variance);
    if (v.lt(0).any().item()) throw new Error("var has negative entry/entries");
  }
  const xs = x.shape, vs = v.shape;
  if (vs.length !== xs.length || vs.some((s, i) => s !== xs[i])) {
    const lead = xs.slice(0, -1);
    const eq = (p: number[], q: number[]): boolean => p.length === q.length && p.every((s, i) => s === q[i]);
    if (eq(lead, vs)) v = v.unsqueeze(-1);
    else if (eq(lead, vs.slice(0, -1)) && vs[vs.length - 1] === 1) { /* homoscedastic */ }
    else throw new Error("var is of incorrect size");
  }
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") throw new Error(`${reduction} is not valid`);
  v = v.clone();
  const clamped = v;
  noGrad(() => clamped.clamp_({ min: eps }));
  let loss = v.log().add(x.sub(t).pow(2).div(v)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduceLoss(loss, reduction as Reduction);
}
