// F.nll_loss and F.cross_entropy. Cross-entropy with class indices runs every training step: as in
// ATen it is log_softmax then nll_loss (LogSoftmaxBackward0 -> NllLossBackward0), each node with a
// one-pass first-order kernel. With label smoothing it is one fused op whose vjp is
// (softmax - onehot) scaled per sample: a direct kernel normally, public ops under createGraph.
// Class probabilities are composed from log_softmax, as in ATen.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { type DType, float64, int64, uint8 } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, fromArray, writeNumbers } from "../../ops/engine.js";
import { logSoftmax, softmax } from "../../ops/activation.js";
import {
  type Floats, type Reduction, floatOut, floatValues, intArg, intValues, numberArg, optTensorArg, reductionOf,
  scalarName, sizesStr, tensorArg,
} from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import * as native from "../../backends/native/index.js";
import { nativeFloatOut, nativeNn, sameFloats } from "./native-nn.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { anyBatched, batching } from "../../func/batched-tensor.js";
import { nllRule } from "../../func/batching-rules.js";

// ---- geometry and checks --------------------------------------------------------------------------

/** Input viewed as (outer, C, inner); the target holds outer*inner class indices. */
interface NllGeom { outer: number; C: number; inner: number; classDim: number; noBatch: boolean }

/** nll_loss_nd's checks, in ATen's words, and the (outer, C, inner) geometry. */
function nllGeometry(input: Tensor, target: Tensor): NllGeom {
  const nd = input.dim();
  if (nd < 1) throw new Error(`Expected 1 or more dimensions (got ${nd})`);
  if (nd !== 1 && (target.dim() < 1 || input.size(0) !== target.size(0))) {
    throw new Error(`Expected input batch_size (${input.size(0)}) to match target batch_size (${target.dim() < 1 ? 0 : target.size(0)}).`);
  }
  if (nd <= 2) {
    if (target.dim() > 1) throw new Error("0D or 1D target tensor expected, multi-target not supported");
    const noBatch = nd === 1 && target.dim() === 0;
    if (!noBatch && input.size(0) !== target.size(0)) {
      throw new Error(`size mismatch (got input: ${sizesStr(input.shape)}, target: ${sizesStr(target.shape)})`);
    }
    if (nd === 1) return { outer: 1, C: input.size(0), inner: 1, classDim: 0, noBatch: true };
    return { outer: input.size(0), C: input.size(1), inner: 1, classDim: 1, noBatch: false };
  }
  if (nd === 4) {
    if (target.dim() !== 3) throw new Error(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
    const s = input.shape, t = target.shape;
    if (s[0] !== t[0] || s[2] !== t[1] || s[3] !== t[2]) {
      throw new Error(`input and target batch or spatial sizes don't match: target ${sizesStr(t)}, input ${sizesStr(s)}`);
    }
  } else {
    const want = [input.size(0), ...input.shape.slice(2)];
    const t = target.shape;
    if (t.length !== want.length || t.some((v, i) => v !== want[i])) {
      throw new Error(`Expected target size ${sizesStr(want)}, got ${sizesStr(t)}`);
    }
  }
  const inner = input.shape.slice(2).reduce((p, c) => p * c, 1);
  return { outer: input.size(0), C: input.size(1), inner, classDim: 1, noBatch: false };
}

function checkTargetDtype(target: Tensor): void {
  if (target.dtype !== int64 && target.dtype !== uint8) throw new Error(`expected scalar type Long but found ${scalarName(target.dtype)}`);
}

function checkWeight(weight: Tensor | null, C: number, input: Tensor): void {
  if (weight && (weight.dim() !== 1 || weight.numel() !== C)) {
    throw new Error(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${sizesStr(weight.shape)}`);
  }
  if (weight && weight.dtype !== input.dtype && input.dtype.isFloatingPoint) {
    throw new Error(`expected scalar type ${scalarName(input.dtype)} but found ${scalarName(weight.dtype)}`);
  }
}

/** Target values (one per sample) with ATen's bounds check; ignored entries stay as they are. */
function targetValues(target: Tensor, geom: NllGeom, ignoreIndex: number): ArrayLike<number> {
  const C = geom.C;
  const t = intValues(target).subarray(0, geom.outer * geom.inner);
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= C)) throw new Error(`Target ${v} is out of bounds.`);
  }
  return t;
}

/** A constant (non-differentiable) tensor from doubles. */
function constant(values: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  if (dtype === float64) return fromArray(values, shape, float64);
  const t = emptyTensor(shape, dtype);
  writeNumbers(t, values);
  return t;
}

/** Target indices as int64 with ignored entries set to 0 (safe for scatter/gather). */
function safeIndex(t: ArrayLike<number>, shape: readonly number[], ignoreIndex: number): Tensor {
  const out = new BigInt64Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t[i] === ignoreIndex ? 0n : BigInt(t[i]!);
  return fromArray(out, shape, int64);
}

/** Per-sample target weight w[t] (0 where ignored) and the total weight of the valid samples. */
function sampleWeights(t: ArrayLike<number>, w: Floats | null, ignoreIndex: number): { wt: Float64Array; total: number } {
  const wt = new Float64Array(t.length);
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === ignoreIndex) continue;
    const v = w ? w[t[i]!]! : 1;
    wt[i] = v;
    total += v;
  }
  return { wt, total };
}

/** The per-sample output gradient (shape of the target), scaled for the reduction. */
function sampleGrad(g: Tensor, reduction: Reduction, targetShape: readonly number[], total: number): Tensor {
  if (reduction === "none") return g;
  const e = g.expand(targetShape as number[]);
  return reduction === "mean" ? e.div(total) : e;
}

function classView(t: Tensor, geom: NllGeom): Tensor {
  return geom.noBatch ? t.unsqueeze(0) : t.unsqueeze(1);
}

// ---- nll_loss -------------------------------------------------------------------------------------

interface NllOptions {
  weight?: Tensor | null; sizeAverage?: boolean | null; ignoreIndex?: number; reduce?: boolean | null; reduction?: Reduction;
}

/** F.nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'). */
export function nllLoss(input: Tensor, target: Tensor, ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction], NllOptions>): Tensor;
export function nllLoss<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], NllOptions>>(...args: A): Tensor;
export function nllLoss(
  input: Tensor, target: Tensor,
  ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction], NllOptions>
): Tensor {
  if (autocasting.on && autocasts("nll_loss", arguments)) return runAutocast(nllLoss, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(nllLoss, "nll_loss", arguments, ["input", "target", "weight", "sizeAverage", "ignoreIndex", "reduce", "reduction"], 2, []);
  const op = "nll_loss";
  const a = bindArgs(op, args, ["weight", "sizeAverage", "ignoreIndex", "reduce", "reduction"], [], 2);
  const x = tensorArg(op, "input", 1, input), tg = tensorArg(op, "target", 2, target);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  const ignoreIndex = intArg(op, "ignore_index", a.ignoreIndex, -100);
  const reduction = reductionOf(a);
  const out = nllLossImpl(x, tg, weight, ignoreIndex, reduction);
  // The record carries the input only.
  if (tracing.on) traceOp("nll_loss", [x, tg, weight], out, { ignoreIndex, reduction });
  return out;
}

function nllLossImpl(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  if (batching.on && anyBatched([x, target, weight])) return nllRule(x, target, weight, ignoreIndex, reduction, (xp, tp, wp, r) => nllLossImpl(xp, tp, wp, ignoreIndex, r as Reduction));
  const geom = nllGeometry(x, target);
  checkTargetDtype(target);
  checkWeight(weight, geom.C, x);
  if (!x.dtype.isFloatingPoint) throw new Error(`"nll_loss_out_frame" not implemented for '${scalarName(x.dtype)}'`);
  if (onDevice(x, target, weight)) return deviceOp("nllLoss", "nll_loss")(x, target, weight, ignoreIndex, reduction);
  const nd = x.dim();
  if (nd === 3 || nd > 4) {
    // ATen's nll_loss_nd: the spatial dims viewed as (N, C, 1, rest) for nll_loss2d, its
    // per-element output viewed back (the graph's ViewBackward0 around NllLoss2DBackward0).
    const n = x.size(0), c = x.size(1), empty = x.numel() === 0;
    const out = nllLossImpl(x.contiguous().view(empty ? [n, c, 0, 0] : [n, c, 1, -1]), target.contiguous().view(target.numel() === 0 ? [n, 0, 0] : [n, 1, -1]),
      weight, ignoreIndex, reduction);
    return reduction === "none" ? out.view([n, ...x.shape.slice(2)]) : out;
  }
  const { outer, C, inner } = geom;
  const t = targetValues(target, geom, ignoreIndex);
  const w = weight ? floatValues(weight) : null;
  const xv = floatValues(x);
  const { wt, total } = sampleWeights(t, w, ignoreIndex);
  const n = outer * inner;
  const elems = new Float64Array(n);
  let sum = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      if (t[k] === ignoreIndex) continue;
      const v = -wt[k]! * xv[(o * C + t[k]!) * inner + i]!;
      elems[k] = v;
      sum += v;
    }
  }
  const tShape = geom.noBatch ? [] : target.shape;
  const out = reduction === "none" ? constant(elems, tShape, x.dtype)
    : constant(Float64Array.of(reduction === "mean" ? sum / total : sum), [], x.dtype);
  return record(nd === 4 ? "NllLoss2DBackward0" : "NllLossBackward0", [x], out, ([g]) => {
    if (!needsGrad(g, x)) return [nllGradKernel(g!, x, t, wt, geom, ignoreIndex, reduction, total)];
    const coef = sampleGrad(g!, reduction, tShape, total).mul(constant(wt, tShape, x.dtype)).neg();
    const idx = safeIndex(t, tShape, ignoreIndex);
    return [x.newZeros(x.shape).scatter(geom.classDim, classView(idx, geom), classView(coef, geom))];
  }, [x]);
}

/** First-order nll gradient: -coef w[t] at each sample's target, 0 elsewhere (one pass, no ops). */
function nllGradKernel(g: Tensor, x: Tensor, t: ArrayLike<number>, wt: Float64Array, geom: NllGeom, ignoreIndex: number,
  reduction: Reduction, total: number): Tensor {
  const { outer, C, inner } = geom;
  const gv = floatValues(g);
  const out = floatOut(x.shape, x.dtype);
  const d = out.data;
  d.fill(0);
  const scale = reduction === "mean" ? 1 / total : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      if (t[k] === ignoreIndex) continue;
      d[(o * C + t[k]!) * inner + i] = -(reduction === "none" ? gv[k]! : gv[0]!) * scale * wt[k]!;
    }
  }
  return out.done();
}

// ---- cross_entropy --------------------------------------------------------------------------------

interface CrossEntropyOptions extends NllOptions { labelSmoothing?: number }

/**
 * F.cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0): class indices (N), (N, d1, ...) or class probabilities
 * (the target has the input's shape).
 */
export function crossEntropy(input: Tensor, target: Tensor, ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction, labelSmoothing?: number], CrossEntropyOptions>): Tensor;
export function crossEntropy<A extends Rebound<[input: Tensor, target: Tensor], ["input", "target"], CrossEntropyOptions>>(...args: A): Tensor;
export function crossEntropy(
  input: Tensor, target: Tensor,
  ...args: Args<[weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: Reduction, labelSmoothing?: number], CrossEntropyOptions>
): Tensor {
  if (autocasting.on && autocasts("cross_entropy_loss", arguments)) return runAutocast(crossEntropy, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? target : input)) return rebind(crossEntropy, "cross_entropy", arguments, ["input", "target", "weight", "sizeAverage", "ignoreIndex", "reduce", "reduction", "labelSmoothing"], 2, []);
  const op = "cross_entropy";
  const a = bindArgs(op, args, ["weight", "sizeAverage", "ignoreIndex", "reduce", "reduction", "labelSmoothing"], [], 2);
  const x = tensorArg(op, "input", 1, input), tg = tensorArg(op, "target", 2, target);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  const ignoreIndex = intArg(op, "ignore_index", a.ignoreIndex, -100);
  const reduction = reductionOf(a);
  const eps = numberArg(op, "label_smoothing", a.labelSmoothing, 0);
  const sameShape = x.dim() === tg.dim() && x.shape.every((s, i) => s === tg.size(i));
  let out: Tensor;
  if (sameShape) out = crossEntropyProbs(x, tg, weight, ignoreIndex, reduction, eps);
  else {
    if (!(eps >= 0 && eps <= 1)) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    out = crossEntropyIndices(x, tg, weight, ignoreIndex, reduction, eps);
  }
  // The fused op records the input only; the probabilities' mean divides by a fixed count.
  if (tracing.on) traceOp("cross_entropy", [x, tg, weight], out, { ignoreIndex, reduction, labelSmoothing: eps, probabilities: sameShape });
  return out;
}

function crossEntropyProbs(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction, eps: number): Tensor {
  if (!target.dtype.isFloatingPoint) throw new Error(`Expected floating point type for target with class probabilities, got ${scalarName(target.dtype)}`);
  if (ignoreIndex >= 0) throw new Error("ignore_index is not supported for floating point target");
  const classDim = x.dim() === 1 ? 0 : 1;
  const C = x.dim() === 0 ? 1 : x.size(classDim);
  if (weight && (weight.dim() !== 1 || weight.numel() !== C)) {
    throw new Error(`cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${sizesStr(weight.shape)}`);
  }
  const lsm = logSoftmax(x, classDim);
  let t = target;
  if (eps > 0) {
    if (eps > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    t = t.mul(1 - eps).add(eps / C);
  }
  let prod = lsm.mul(t);
  if (weight) {
    const shape = new Array<number>(x.dim()).fill(1);
    shape[classDim] = C;
    prod = prod.mul(weight.view(shape));
  }
  if (reduction === "none") return prod.sum(classDim).neg();
  if (reduction === "sum") return prod.sum().neg();
  if (x.numel() === 0) return prod.sum().neg().fill_(NaN);
  return divScalar(prod.sum().neg(), x.numel() / C);
}

/**
 * t / n as ATen's C++ divides by a Scalar: one input, DivBackward1 (a JS number divisor records
 * DivBackward0 with a None edge, as a Python number does).
 */
function divScalar(t: Tensor, n: number): Tensor {
  const out = noGrad(() => t.div(n));
  return record("DivBackward1", [t], out, ([g]) => [g!.div(n)]);
}

/** Per-sample loss terms of the fused op, and the log-sum-exp of every sample (for backward). */
function crossEntropyForward(xv: Floats, t: ArrayLike<number>, w: Floats | null, geom: NllGeom, ignoreIndex: number, eps: number):
  { elems: Float64Array; lse: Float64Array } {
  const { outer, C, inner } = geom;
  const n = outer * inner;
  const elems = new Float64Array(n), lse = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i, base = o * C * inner + i;
      if (t[k] === ignoreIndex) { lse[k] = NaN; continue; }
      let m = -Infinity;
      for (let c = 0, p = base; c < C; c++, p += inner) { const v = xv[p]!; if (v > m || v !== v) m = v; }
      let s = 0;
      for (let c = 0, p = base; c < C; c++, p += inner) s += Math.exp(xv[p]! - m);
      const l = m === Infinity || m === -Infinity ? m : m + Math.log(s);
      lse[k] = l;
      const tk = t[k]!;
      let v = -(w ? w[tk]! : 1) * (xv[base + tk * inner]! - l);
      if (eps > 0) {
        let smooth = 0;
        for (let c = 0, p = base; c < C; c++, p += inner) smooth -= (w ? w[c]! : 1) * (xv[p]! - l);
        v = (1 - eps) * v + (eps / C) * smooth;
      }
      elems[k] = v;
    }
  }
  return { elems, lse };
}

function crossEntropyIndices(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction, eps: number): Tensor {
  const geom = nllGeometry(x, target);
  checkTargetDtype(target);
  checkWeight(weight, geom.C, x);
  if (!x.dtype.isFloatingPoint) throw new Error(`"log_softmax_lastdim_kernel_impl" not implemented for '${scalarName(x.dtype)}'`);
  if (batching.on && eps > 0 && anyBatched([x, target, weight])) return crossEntropySmoothed(x, target, weight, ignoreIndex, reduction, eps, geom.classDim, geom.C);
  if (onDevice(x, target, weight)) return deviceOp("crossEntropy", "cross_entropy")(x, target, weight, ignoreIndex, reduction, eps);
  // ATen's graph: LogSoftmaxBackward0 -> NllLossBackward0, each node with a one-pass kernel.
  if (eps === 0) return nllLossImpl(logSoftmax(x, geom.classDim), target, weight, ignoreIndex, reduction);
  const { C } = geom;
  const t = targetValues(target, geom, ignoreIndex);
  const w = weight ? floatValues(weight) : null;
  const xv = floatValues(x);
  const { wt, total } = sampleWeights(t, w, ignoreIndex);
  if (geom.inner === 1 && nativeNn(x.numel()) && sameFloats(xv, w)) {
    return crossEntropyNative(x, xv, target, t, w, weight, wt, total, geom, ignoreIndex, reduction, eps);
  }
  const { elems, lse } = crossEntropyForward(xv, t, w, geom, ignoreIndex, eps);
  const { out, tShape, sumU, node } = crossEntropyOutput(elems, x, target, w, geom, reduction, total);
  return record(node, [x], out, ([g]) => {
    if (needsGrad(g, x)) return [crossEntropyGradComposite(g!, x, t, wt, w, weight, geom, ignoreIndex, eps, sumU, reduction, total, tShape)];
    return [crossEntropyGradKernel(g!, x, t, wt, w, lse, geom, ignoreIndex, eps, sumU, reduction, total)];
  }, [x]);
}

/**
 * cross_entropy with label smoothing in ops (vmap's batched path; the ops' rules batch it), as
 * ATen's composite: (1 - eps) * nll + eps / C * smooth, smooth = -(log_softmax * weight) summed over
 * the classes, 0 at ignored targets, reduced as nll (mean: over the targets' weights).
 */
function crossEntropySmoothed(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction, eps: number,
  classDim: number, C: number): Tensor {
  const lsm = logSoftmax(x, classDim);
  const nll = nllLossImpl(lsm, target, weight, ignoreIndex, reduction);
  const kept = target.ne(ignoreIndex);
  const perClass = weight === null ? lsm : lsm.mul(weight.view(x.shape.map((s, i) => (i === classDim ? C : 1))));
  const smooth = perClass.sum(classDim).neg().where(kept, 0);
  let ret: Tensor;
  if (reduction === "none") ret = smooth;
  else if (reduction === "sum") ret = smooth.sum();
  else if (weight === null) ret = smooth.sum().div(kept.sum());
  else ret = smooth.sum().div(weight.indexSelect(0, target.where(kept, 0).reshape(-1)).mul(kept.reshape(-1)).sum());
  return nll.mul(1 - eps).add(ret.mul(eps / C));
}

/** The loss tensor from per-element losses (reduced as asked), and what both backward paths need. */
function crossEntropyOutput(elems: Float64Array, x: Tensor, target: Tensor, w: Floats | null, geom: NllGeom,
  reduction: Reduction, total: number): { out: Tensor; tShape: readonly number[]; sumU: number; node: string } {
  let sum = 0;
  for (let k = 0; k < elems.length; k++) sum += elems[k]!;
  const tShape = geom.noBatch ? [] : target.shape;
  const out = reduction === "none" ? constant(elems, tShape, x.dtype)
    : constant(Float64Array.of(reduction === "mean" ? sum / total : sum), [], x.dtype);
  let sumU = geom.C;
  if (w) { sumU = 0; for (let c = 0; c < geom.C; c++) sumU += w[c]!; }
  // ATen ends its label-smoothing graph with the add of the two weighted terms.
  return { out, tShape, sumU, node: "AddBackward0" };
}

/**
 * The fused op through the native kernels (rows of logits, inner === 1): the forward pass keeps
 * no log-softmax, the first-order backward recomputes softmax in place in the gradient; the
 * composite gradient serves createGraph.
 */
function crossEntropyNative(x: Tensor, xv: Floats, target: Tensor, t: ArrayLike<number>, w: Floats | null, weight: Tensor | null,
  wt: Float64Array, total: number, geom: NllGeom, ignoreIndex: number, reduction: Reduction, eps: number): Tensor {
  const { outer: rows, C } = geom;
  const rowTarget = new Int32Array(rows);
  for (let k = 0; k < rows; k++) rowTarget[k] = t[k] === ignoreIndex ? -1 : t[k]!;
  const elems = new Float64Array(rows);
  native.crossEntropyForward(xv, rowTarget, w, elems, rows, C, eps);
  const { out, tShape, sumU, node } = crossEntropyOutput(elems, x, target, w, geom, reduction, total);
  return record(node, [x], out, ([g]) => {
    if (needsGrad(g, x)) return [crossEntropyGradComposite(g!, x, t, wt, w, weight, geom, ignoreIndex, eps, sumU, reduction, total, tShape)];
    const gv = floatValues(g!);
    // xv has the type of res's buffer (Float64Array for float64, else Float32Array).
    const res = nativeFloatOut(x.shape, x.dtype);
    const scale = reduction === "mean" ? 1 / total : 1, epsC = eps / C;
    const ca = new Float64Array(rows), cb = new Float64Array(rows), ce = new Float64Array(rows);
    for (let k = 0; k < rows; k++) {
      if (rowTarget[k]! < 0) continue;
      const coef = (reduction === "none" ? gv[k]! : gv[0]!) * scale;
      const b = (1 - eps) * wt[k]!;
      ca[k] = coef * (b + epsC * sumU);
      cb[k] = coef * b;
      ce[k] = coef * epsC;
    }
    native.crossEntropyBackward(xv, rowTarget, w, ca, cb, ce, res.data, rows, C);
    return [res.done()];
  }, [x]);
}

/** grad = coef * ((a p - b onehot(t)) - eps/C u), a = (1-eps) w_t + eps/C Σu, b = (1-eps) w_t. */
function crossEntropyGradKernel(g: Tensor, x: Tensor, t: ArrayLike<number>, wt: Float64Array, w: Floats | null, lse: Float64Array,
  geom: NllGeom, ignoreIndex: number, eps: number, sumU: number, reduction: Reduction, total: number): Tensor {
  const { outer, C, inner } = geom;
  const xv = floatValues(x);
  const gv = floatValues(g);
  const out = floatOut(x.shape, x.dtype);
  const d = out.data;
  d.fill(0);
  const scale = reduction === "mean" ? 1 / total : 1;
  const epsC = eps / C;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i, base = o * C * inner + i;
      if (t[k] === ignoreIndex) continue;
      const coef = (reduction === "none" ? gv[k]! : gv[0]!) * scale;
      const b = (1 - eps) * wt[k]!;
      const a = b + epsC * sumU;
      const l = lse[k]!;
      for (let c = 0, p = base; c < C; c++, p += inner) {
        let v = a * Math.exp(xv[p]! - l);
        if (eps > 0) v -= epsC * (w ? w[c]! : 1);
        d[p] = coef * v;
      }
      d[base + t[k]! * inner] -= coef * b;
    }
  }
  return out.done();
}

/** The same gradient in public ops, so that createGraph differentiates it again. */
function crossEntropyGradComposite(g: Tensor, x: Tensor, t: ArrayLike<number>, wt: Float64Array, w: Floats | null, weight: Tensor | null,
  geom: NllGeom, ignoreIndex: number, eps: number, sumU: number, reduction: Reduction, total: number, tShape: readonly number[]): Tensor {
  const valid = new Float64Array(t.length);
  for (let k = 0; k < t.length; k++) valid[k] = t[k] === ignoreIndex ? 0 : 1;
  const coef = sampleGrad(g, reduction, tShape, total).mul(constant(valid, tShape, x.dtype));
  const wtT = constant(wt, tShape, x.dtype);
  const b = coef.mul(wtT).mul(1 - eps);
  const a = eps > 0 ? b.add(coef.mul((eps / geom.C) * sumU)) : b;
  const p = softmax(x, geom.classDim);
  const idx = safeIndex(t, tShape, ignoreIndex);
  let grad = p.mul(classView(a, geom)).sub(x.newZeros(x.shape).scatter(geom.classDim, classView(idx, geom), classView(b, geom)));
  if (eps > 0) {
    const shape = new Array<number>(x.dim()).fill(1);
    shape[geom.classDim] = geom.C;
    const u = w && weight ? weight.detach().to(x.dtype).view(shape) : x.newOnes(shape);
    grad = grad.sub(classView(coef, geom).mul(u).mul(eps / geom.C));
  }
  return grad;
}
