// The "webgpu" kernels of the non-pointwise ops: reductions, softmax, matmul, linear, conv2d,
// pooling, cross_entropy, embedding, index_select/index_add. Each either computes a forward result
// that the front end records (the hook sits where the CPU kernel was called), or, where the CPU op
// interleaves its kernel with recording, computes and records itself with the same node name and a
// vjp written in public ops (so double backward works where the CPU's does, or says it does not).

import { Tensor } from "../core/tensor.js";
import { type DType, bool, float32, int32, int64, roundToDType } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { needsGrad, record } from "../autograd/record.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import type { ConvGeometry } from "../backends/js/conv.js";
import type { Fold2dParams } from "../backends/js/im2col.js";
import { type ReduceKind, reduce, reduceWithIndices } from "../backends/webgpu/reduce.js";
import { softmax as gpuSoftmaxKernel, softmaxBackward as gpuSoftmaxBackward } from "../backends/webgpu/softmax.js";
import { linear as gpuLinearKernel, matmul } from "../backends/webgpu/matmul.js";
import { conv, convBackward, fold, unfold } from "../backends/webgpu/conv.js";
import {
  type PoolOptions, adaptiveMaxPool, adaptiveMaxPoolBackward, avgPool, avgPoolBackward, maxPool, maxPoolBackward,
} from "../backends/webgpu/pooling.js";
import { crossEntropy as ceKernel, crossEntropyBackward } from "../backends/webgpu/loss.js";
import { gatherRows, scatterAddRows } from "../backends/webgpu/embedding.js";
import { contiguous as gpuContiguous, fillInto } from "../backends/webgpu/pointwise.js";
import { type GpuTensor, empty, isContiguous, reshapeContiguous } from "../backends/webgpu/tensor.js";
import {
  gpuDTypeOf, gpuOf, inFloat32, narrowFormatOf, isGpuTensor, requireFloatOperands as requireFloat, narrowToDTypeInPlace, staged, wrap, wrapExact,
} from "./storage.js";
import { gatherGpu, scatterGpu } from "./index-kernels.js";

import { checkDevices } from "./pointwise.js";
import { context } from "./runtime.js";

// ---- reductions ---------------------------------------------------------------------------------

/** sum / mean / amax / amin over `dims` (all when empty), the result of dtype `outDtype`. */
export function gpuReduce(kind: "sum" | "mean" | "max" | "min", x: Tensor, dims: readonly number[], keepdim: boolean, outDtype: DType): Tensor {
  checkDevices(kind, x);
  const g = gpuOf(x);
  const k: ReduceKind = kind;
  const all = dims.length === 0 ? undefined : dims;
  // float16 stored as f16: the kernel loads f16 and stores a float16 sum (rounded) itself.
  const outGpu = !outDtype.isFloatingPoint ? "int32" : g.dtype === "float16" && outDtype === x.dtype ? "float16" : "float32";
  const r = reduce(k, g, all, { keepdim, dtype: kind === "sum" ? outGpu : undefined });
  // max/min pick values of x; sum/mean of float16/bfloat16 accumulate in float32 and round once.
  return kind === "max" || kind === "min" ? wrapExact(r, x.dtype) : wrap(r, outDtype);
}

/** max/min (or argmax/argmin) along one dim (null: the flattened tensor) with int64 indices. */
export function gpuSelectAlong(op: string, x: Tensor, dim: number | null, keepdim: boolean, kind: "max" | "min" | null): { values: Tensor; indices: Tensor; d: number | null } {
  checkDevices(op, x);
  if (kind === null) throw notImplementedOnDevice(op);
  const d = dim === null ? null : normalizeDim(dim, x.dim(), op);
  if (d !== null && x.dim() > 0 && x.shape[d] === 0) throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  if (x.numel() === 0 && d === null) throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  const src = d === null ? x.detach().reshape(-1) : x;
  const g = gpuOf(src);
  const dd = d === null || x.dim() === 0 ? 0 : d;
  const gg = g.shape.length === 0 ? { ...g, shape: [1], strides: [1] } : g;
  const r = reduceWithIndices(kind, gg, dd, d === null ? false : keepdim);
  let values = wrapExact(r.values, x.dtype), indices = wrap(r.indices, int64);
  if (x.dim() === 0 || d === null) {
    const shape = d === null ? [] : keepdim ? x.shape : [];
    values = values.reshape(shape);
    indices = indices.reshape(shape);
  }
  return { values, indices, d };
}

/** var and the mean over `dims` (composed of GPU kernels on detached input, as varCore expects). */
export function gpuVarMean(input: Tensor, dims: readonly number[], keepdim: boolean, correction: number, n: number): { v: Tensor; mean: Tensor } {
  checkDevices("var", input);
  requireFloat("var", input);
  // float16/bfloat16 in float32, both results rounded once.
  const x = input.detach().to(float32);
  const dd = dims.length ? [...dims] : [...Array(x.dim()).keys()];
  const m = x.mean(dd, true);
  const v = x.sub(m).square().sum(dd, keepdim).div(Math.max(0, n - correction));
  return { v: v.to(input.dtype), mean: (keepdim ? m : m.squeeze(dd)).to(input.dtype) };
}

/** logsumexp over `dims` of a float tensor (no recording: the caller records). */
export function gpuLogsumexp(x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  checkDevices("logsumexp", x);
  requireFloat("logsumexp", x);
  return inFloat32(x.detach(), (xd) => {
    const dd = dims.length ? [...dims] : [...Array(x.dim()).keys()];
    const m = xd.amax(dd, true);
    // Rows of infinities keep their max (exp(inf - inf) would be NaN).
    const safe = m.where(m.isfinite(), 0);
    const out = xd.sub(safe).exp().sum(dd, true).log().add(safe);
    return keepdim ? out : out.squeeze(dd);
  });
}

// ---- softmax ------------------------------------------------------------------------------------

export function gpuSoftmax(x: Tensor, d: number, log: boolean): Tensor {
  checkDevices(log ? "log_softmax" : "softmax", x);
  requireFloat(log ? "log_softmax" : "softmax", x);
  // float16 stored as f16 is loaded and stored (rounded) by the kernel.
  const out = wrap(gpuSoftmaxKernel(gpuOf(x), d, { log }), x.dtype);
  const node = log ? "LogSoftmaxBackward0" : "SoftmaxBackward0";
  return record(node, [x], out, ([g]) => [softmaxGrad(g!, out, d, log)], [out]);
}

function softmaxGrad(g: Tensor, y: Tensor, d: number, log: boolean): Tensor {
  if (needsGrad(g, y)) {
    if (y.dim() === 0) return log ? g.sub(y.exp().mul(g)) : y.mul(g.sub(g.mul(y)));
    return log ? g.sub(y.exp().mul(g.sum(d, true))) : y.mul(g.sub(g.mul(y).sum(d, true)));
  }
  requireFloat(log ? "log_softmax_backward" : "softmax_backward", g, y);
  return wrap(gpuSoftmaxBackward(gpuOf(g), gpuOf(y), d, { log }), y.dtype);
}

// ---- matmul -------------------------------------------------------------------------------------

/**
 * blas.ts's bmmKernel on the GPU: [B, M, K] @ [B, K, N], no recording. float32 (float16/bfloat16
 * accumulate in float32, the result rounded once: by the GEMM's store for f16 storage), and the integer dtypes computed exactly in wrapping
 * i32 arithmetic (int8/uint8/int16 results wrapped to the type by wrap(); int64 lives in 32 bits
 * on the device, as in every op).
 */
export function gpuBmm(a: Tensor, b: Tensor): Tensor {
  checkDevices("matmul", a, b);
  const d = a.dtype;
  if (d === bool || gpuDTypeOf(d) === null) throw notImplementedOnDevice(`matmul (dtype ${d.name})`);
  if (b.dtype !== d) throw notImplementedOnDevice(`matmul (dtype ${b.dtype.name})`);
  // float16 stored as f16: the GEMM reads f16 and writes the f16 result itself (no copies).
  return wrap(matmul(gpuOf(a), gpuOf(b)), d);
}

/**
 * addmm / baddbmm (blas.ts's fused form): beta * input + alpha * (a @ b) in one GEMM, the input
 * broadcast as the GEMM's bias (scaled first by a pointwise kernel when beta is neither 0 nor 1),
 * each result rounded once to a float16 result. No recording.
 */
export function gpuScaledProduct(input: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number): Tensor {
  const op = a.dim() === 3 ? "baddbmm" : "addmm";
  checkDevices(op, input, a, b);
  requireFloat(op, input, a, b);
  const bias = beta === 0 ? null : beta === 1 ? input : input.mul(beta);
  return wrap(matmul(gpuOf(a), gpuOf(b), { alpha, bias: bias ? gpuOf(bias) : undefined }), a.dtype);
}

/** F.linear's GEMM with a 2-D float weight and the bias; no recording (linear.ts records it as PyTorch does). */
export function gpuLinear(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  checkDevices("linear", input, weight, bias);
  requireFloat("linear", input, weight, bias);
  // float16 stored as f16: one GEMM reads the f16 operands and rounds into an f16 result (no copies).
  return wrap(gpuLinearKernel(gpuOf(input), gpuOf(weight), bias ? gpuOf(bias) : undefined), input.dtype);
}

// ---- convolution --------------------------------------------------------------------------------

/**
 * One of conv.ts's three convolution primitives (forward, input grad, weight grad) over 1, 2 or 3
 * spatial dims on the GPU, plus the bias over the result's channels; no recording (convPrimitive
 * records). A transposed convolution is the input-grad primitive, so it runs here too.
 */
export function gpuConv(kind: "forward" | "input" | "weight", a: Tensor, b: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const op = `conv${g.kernelSize.length}d`;
  checkDevices(op, a, b, bias);
  requireFloat(op, a, b, bias);
  const o = { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups };
  // float16 stored as f16 is read by the kernels as it is: the forward writes f16 itself; the
  // gradients come back float32 and wrap() rounds them once.
  const ga = gpuOf(a), gb = gpuOf(b);
  /** A stand-in with the right shape for an operand the kernel only measures. */
  const shaped = (shape: readonly number[]): GpuTensor => ({ ...ga, shape: shape.slice(), strides: contiguousStridesOf(shape), offset: 0 });
  let res: GpuTensor;
  if (kind === "forward") {
    res = conv(ga, gb, bias ? gpuOf(bias) : null, o);
  } else if (kind === "input") {
    res = convBackward(ga, shaped(g.inputShape), gb, o, { input: true }).gradInput!;
  } else {
    res = convBackward(gb, ga, shaped(g.weightShape), o, { weight: true }).gradWeight!;
  }
  const out = wrap(res, a.dtype);
  if (bias && kind !== "forward") {
    const view = new Array<number>(out.dim()).fill(1);
    view[1] = bias.numel();
    return out.add(bias.detach().reshape(view));
  }
  return out;
}

/** F.unfold's kernel (no recording: the front end records Im2ColBackward0): a copy, so every device dtype's values pass unchanged. */
export function gpuUnfold(x: Tensor, p: Fold2dParams): Tensor {
  checkDevices("unfold", x);
  if (x.dtype === bool) throw new Error(`"im2col_out_cpu" not implemented for 'Bool'`);
  return wrapExact(unfold(gpuOf(x), p), x.dtype);
}

/** F.fold's kernel (no recording): sums of columns in float32 or wrapping int32, narrowed to the dtype by wrap(). */
export function gpuFold(x: Tensor, outputSize: readonly [number, number], p: Fold2dParams): Tensor {
  checkDevices("fold", x);
  if (x.dtype === bool) throw new Error(`"col2im_out_cpu" not implemented for 'Bool'`);
  return staged((s) => wrap(fold(s.f32(x), outputSize, p), x.dtype));
}

function contiguousStridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= Math.max(1, shape[i]!); }
  return st;
}

// ---- pooling ------------------------------------------------------------------------------------

export interface PoolWindow { kernel: number[]; stride: number[]; padding: number[]; dilation?: number[]; ceilMode: boolean; countIncludePad?: boolean; divisorOverride?: number | null }

function poolOptions(w: PoolWindow): PoolOptions {
  return {
    kernelSize: w.kernel, stride: w.stride, padding: w.padding, dilation: w.dilation ?? w.kernel.map(() => 1), ceilMode: w.ceilMode,
    countIncludePad: w.countIncludePad, divisorOverride: w.divisorOverride ?? null,
  };
}

/** max_pool{k}d (k = 2, 3) with indices (flat per plane, int64), recorded as MaxPool{k}DWithIndicesBackward0. */
export function gpuMaxPool(x: Tensor, w: PoolWindow, k: number): [Tensor, Tensor] {
  const op = `max_pool${k}d`;
  checkDevices(op, x);
  requireFloat(op, x);
  const o = poolOptions(w);
  const r = maxPool(gpuOf(x), o, k);
  const values = wrapExact(r.values, x.dtype), indices = wrap(r.indices, int64);
  const node = `MaxPool${k}DWithIndicesBackward0`;
  record(node, [x], values, ([g]) => [maxPoolGrad(g!, indices, k, node.replace("0", "Backward0"),
    (gg) => wrap(maxPoolBackward(gpuOf(gg), gpuOf(x.detach()), gpuOf(indices), o, k), gg.dtype))]);
  return [values, indices];
}

/** adaptive_max_pool{k}d to `outShape` with indices, recorded as AdaptiveMaxPool{k}DBackward0. */
export function gpuAdaptiveMaxPool(x: Tensor, outShape: readonly number[], k: number): [Tensor, Tensor] {
  const op = `adaptive_max_pool${k}d`;
  checkDevices(op, x);
  requireFloat(op, x);
  const size = outShape.slice(outShape.length - k);
  const r = adaptiveMaxPool(gpuOf(x), size);
  const values = wrapExact(r.values, x.dtype), indices = wrap(r.indices, int64);
  record(`AdaptiveMaxPool${k}DBackward0`, [x], values, ([g]) => [maxPoolGrad(g!, indices, k, `AdaptiveMaxPool${k}DBackwardBackward0`,
    (gg) => wrap(adaptiveMaxPoolBackward(gpuOf(gg), gpuOf(x.detach()), gpuOf(indices), size), gg.dtype))]);
  return [values, indices];
}

/**
 * Max pooling's backward as an op (the gradient lands at the saved indices); its own gradient
 * gathers at the indices, as the CPU's does.
 */
function maxPoolGrad(g: Tensor, indices: Tensor, k: number, node: string, scatter: (g: Tensor) => Tensor): Tensor {
  const gx = scatter(g);
  return record(node, [g], gx, ([gg]) => [gatherAtIndices(gg!, indices, k)]);
}

/** out[..., o] = x[..., indices[..., o]] with flat per-plane indices over the last k dims: x [...lead, spatial] → indices' shape. */
function gatherAtIndices(x: Tensor, indices: Tensor, k: number): Tensor {
  const n = x.dim() - k;
  const flatX = x.reshape([...x._shape.slice(0, n), -1]);
  const flatI = indices.reshape([...indices._shape.slice(0, n), -1]);
  return flatX.gather(n, flatI).reshape(indices.shape);
}

/** avg_pool{k}d (k = 2, 3), recorded as AvgPool{k}DBackward0 for float inputs. */
export function gpuAvgPool(x: Tensor, w: PoolWindow, k: number): Tensor {
  const op = `avg_pool${k}d`;
  checkDevices(op, x);
  const o = poolOptions(w);
  // Integers (bool is refused by the front end) as the CPU: an int32 sum divided truncating toward
  // zero, no gradient; int8/uint8/int16 wrap like the CPU's cast where divisor_override is small.
  if (!x.dtype.isFloatingPoint) return wrap(avgPool(gpuOf(x), o, k), x.dtype);
  requireFloat(op, x);
  const out = wrap(avgPool(gpuOf(x), o, k), x.dtype);
  const xd = x.detach();
  return record(`AvgPool${k}DBackward0`, [x], out, ([g]) => {
    const gx = wrap(avgPoolBackward(gpuOf(g!), gpuOf(xd), o, k), g!.dtype);
    return [record(`AvgPool${k}DBackwardBackward0`, [g!], gx, ([gg]) => [gpuAvgPool(gg!, w, k)])];
  });
}

// ---- cross_entropy --------------------------------------------------------------------------------

/**
 * F.cross_entropy with class indices on [N, C] (or [C]) logits: the fused kernel saves each row's
 * logsumexp for the backward. Targets outside [0, C) give NaN (a GPU kernel cannot throw).
 */
export function gpuCrossEntropy(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: "none" | "mean" | "sum", eps: number): Tensor {
  checkDevices("cross_entropy", x, target, weight);
  requireFloat("cross_entropy", x, weight);
  if (target.dtype.isFloatingPoint || target.dtype.name === "bool") {
    throw new Error(`expected scalar type Long but found ${target.dtype.name === "bool" ? "Bool" : "Float"}`);
  }
  // [C] → [1, C]; [N, C, d1, ...] → [N·d1·..., C] (views and copies that autograd differentiates).
  const C = x.dim() === 1 ? x._shape[0]! : x._shape[1]!;
  const x2 = x.dim() === 1 ? x.unsqueeze(0) : x.dim() === 2 ? x : x.movedim(1, -1).reshape(-1, C);
  const t1 = target.dim() === 0 ? target.reshape([1]) : target.reshape(-1);
  if (t1._shape[0] !== x2._shape[0]) {
    throw new Error(`Expected input batch_size (${x._shape[0]}) to match target batch_size (${target.dim() ? target._shape[0] : 1}).`);
  }
  const outShape = reduction === "none" ? target.shape : [];
  if (eps === 0) {
    const loss = crossEntropy2d(x2, t1, weight, ignoreIndex, reduction);
    return reduction === "none" ? loss.reshape(outShape) : loss;
  }
  // Label smoothing: (1 - eps) * nll + eps / C * (-Σ_c w_c log p_c), over the same denominator.
  const lsm = x2.logSoftmax(1);
  const nll = gpuNllLoss(lsm, t1, weight, ignoreIndex, "none");
  const valid = t1.ne(ignoreIndex).to(x.dtype);
  const perClass = weight ? lsm.mul(weight) : lsm;
  const smooth = perClass.sum(1).neg().mul(valid);
  const elems = nll.mul(1 - eps).add(smooth.mul(eps / C));
  if (reduction === "none") return elems.reshape(outShape);
  if (reduction === "sum") return elems.sum();
  const denom = weight ? weight.gather(0, t1.where(t1.ne(ignoreIndex), 0)).mul(valid).sum() : valid.sum();
  return elems.sum().div(denom);
}

function crossEntropy2d(x2: Tensor, t1: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: "none" | "mean" | "sum"): Tensor {
  // float16 stored as f16 is loaded by the kernels; the loss and saved logsumexp are float32.
  const gx = gpuOf(x2), gt = gpuOf(t1), gw = weight ? gpuOf(weight) : null;
  const { loss, saved } = ceKernel(gx, gt, { weight: gw, ignoreIndex, reduction });
  let out = wrap(loss, x2.dtype);
  const shape = reduction === "none" ? [t1._shape[0]!] : [];
  if (out.shape.join() !== shape.join()) out = out.reshape(shape).detach();
  const xd = x2.detach(), td = t1.detach(), wd = weight?.detach() ?? null;
  return record("NllLossBackward0", [x2], out, ([g]) => {
    if (needsGrad(g!, x2)) throw notImplementedOnDevice("double backward of cross_entropy");
    const gg = reduction === "none" ? g!.reshape([t1._shape[0]!]) : g!.reshape([]);
    return [wrap(crossEntropyBackward(gpuOf(gg), gpuOf(xd), gpuOf(td), saved, wd ? gpuOf(wd) : null), xd.dtype)];
  }, [x2]);
}

// ---- embedding and index ops --------------------------------------------------------------------

/** F.embedding: rows of weight [V, D] (recorded as EmbeddingBackward0). Out-of-range indices give zero rows. */
export function gpuEmbedding(idx: Tensor, w: Tensor, padding: number, maxNorm: number | null, byFreq: boolean): Tensor {
  checkDevices("embedding", idx, w);
  requireFloat("embedding", w);
  if (maxNorm !== null) throw notImplementedOnDevice("embedding with max_norm");
  if (byFreq) throw notImplementedOnDevice("embedding with scale_grad_by_freq");
  const ii = gpuIndices(idx);
  const out = wrapExact(gatherRows(gpuOf(w), ii), w.dtype);
  const V = w._shape[0]!, D = w._shape[1]!;
  const id = idx.detach();
  return record("EmbeddingBackward0", [w], out, ([g]) => {
    if (needsGrad(g!)) throw notImplementedOnDevice("double backward of embedding");
    const target = empty(context("embedding"), [V, D], "float32");
    fillInto(target, 0);
    staged((s) => scatterAddRows(target, gpuIndices(id), s.f32(g!), { paddingIdx: padding >= 0 ? padding : null }));
    return [wrap(target, w.dtype)];
  });
}

function gpuIndices(idx: Tensor): GpuTensor {
  if (idx.dtype.isFloatingPoint || idx.dtype.name === "bool") throw new Error(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${idx.dtype.name} instead`);
  return gpuOf(idx);
}

/** x moved so that dim d comes first, as a contiguous [size_d, rest] matrix (a copy when needed). */
function rowsAlong(x: Tensor, d: number): { m: GpuTensor; rest: number[]; owned: boolean } {
  const moved = d === 0 ? x : x.detach().movedim(d, 0);
  const g = gpuOf(moved);
  const rest = moved._shape.slice(1);
  const restN = rest.reduce((a, b) => a * b, 1);
  const c = isContiguous(g) ? g : gpuContiguous(g);
  return { m: reshapeContiguous(c, [moved._shape[0]!, restN]), rest, owned: c !== g };
}

/** index_select(input, d, index) (recorded as IndexSelectBackward0). */
export function gpuIndexSelect(input: Tensor, d: number, index: Tensor): Tensor {
  checkDevices("index_select", input, index);
  // Rows are copied as bits, so every device dtype works (only float32 has a gradient).
  const x = input.dim() === 0 ? input.reshape([1]) : input;
  const { m, rest, owned } = rowsAlong(x, d);
  const idx1 = index.reshape([-1]);
  const rows = gatherRows(m, gpuIndices(idx1));
  if (owned) m.buffer.release();
  let out = wrapExact(rows, input.dtype).reshape([idx1._shape[0]!, ...rest]);
  if (d !== 0) out = out.movedim(0, d);
  if (input.dim() === 0 && out.numel() === 1) out = out.reshape([]);
  const inShape = input.shape;
  const id = index.detach();
  return record("IndexSelectBackward0", [input], out.detach(), ([g]) => [gpuIndexAdd(g!.newZeros(inShape), d, id, g!, 1)], [index]);
}

/** input.index_add(d, index, source, alpha) out of place (recorded as IndexAddBackward0). */
export function gpuIndexAdd(input: Tensor, d: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  checkDevices("index_add", input, index, source);
  // Floats add by compare-and-swap in float32, integers by int32 atomics (wrapping); the result is
  // narrowed to its dtype once (float16/bfloat16 rounded, int8/uint8/int16 wrapped).
  // bool accumulates as logical or (the CPU stores source * alpha as bool, then ors it in).
  if (input.dtype === bool) return gpuIndexAdd(input.int(), d, index, source.int(), alpha !== 0 ? 1 : 0).ne(0);
  const base = input.dim() === 0 ? input.reshape([1]) : input;
  // The result, dim d first and contiguous, receives the rows; then it is moved back.
  const moved = d === 0 ? base.detach() : base.detach().movedim(d, 0);
  const out = moved.clone();
  const V = out._shape[0]!;
  const restN = out.numel() / Math.max(1, V);
  const src = source.dim() === 0 ? source.reshape([1]) : source;
  const sm = (d === 0 ? src.detach() : src.detach().movedim(d, 0)).contiguous();
  const n = sm._shape[0] ?? 1;
  // float16 stored as f16 adds into a float32 copy, rounded back once (as the float32 buffer path rounds once).
  staged((s) => {
    const target = reshapeContiguous(s.inPlace(out), [V, restN]);
    scatterAddRows(target, gpuIndices(index.reshape([-1])), reshapeContiguous(s.f32(sm), [n, restN]), { alpha });
  });
  narrowToDTypeInPlace(out);
  let res = d === 0 ? out : out.movedim(0, d);
  if (input.dim() === 0) res = res.reshape([]);
  const id = index.detach();
  const srcShape = source.shape;
  return record("IndexAddBackward0", [input, source], res.detach(), ([g]) => [
    input._requiresGrad ? g! : null,
    source._requiresGrad ? gpuIndexSelect(g!, d, id).mul(alpha).reshape(srcShape) : null,
  ]);
}

/** x.get(...) with index tensors: one integer index tensor over leading full dims (index_select). */
export function gpuIndex(x: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  const set = indices.map((t, i) => [t, i] as const).filter(([t]) => t !== null);
  if (set.length !== 1) throw notImplementedOnDevice("indexing with several index tensors");
  const [t, d] = set[0]! as readonly [Tensor, number];
  // A uint8 index is a mask, as on the CPU (PyTorch's deprecated byte masks).
  if (t.dtype.name === "bool" || t.dtype.name === "uint8") throw notImplementedOnDevice(`indexing with a ${t.dtype.name} mask`);
  if (t.dtype !== int32 && t.dtype !== int64) throw new Error("tensors used as indices must be long, int, byte or bool tensors");
  const r = gpuIndexSelect(x, d, t.reshape([-1]));
  if (t.dim() === 1) return r;
  const shape = [...x._shape.slice(0, d), ...t._shape, ...x._shape.slice(d + 1)];
  return r.reshape(shape);
}

export function sameDeviceOrThrow(op: string, tensors: readonly Tensor[]): void {
  checkDevices(op, ...tensors);
  for (const t of tensors) if (!isGpuTensor(t) && t.dim() === 0) checkDevices(op, tensors[0]!, t.reshape([1]));
}

// ---- gather / scatter ---------------------------------------------------------------------------

/** gather's kernel (no recording): out[p] = input[p with p[d] = index[p]]. */
export function gpuGather(input: Tensor, d: number, index: Tensor): Tensor {
  checkDevices("gather", input, index);
  return wrapExact(gatherGpu(context("gather"), gpuOf(input), d, gpuIndices(index)), input.dtype);
}

/** scatter's kernel (no recording): writes src or value into `out` at the index positions. */
export function gpuScatterInto(out: Tensor, d: number, index: Tensor, src: Tensor | null, value: number | bigint | boolean | null,
  reduce: string | null, includeSelf = true): void {
  checkDevices("scatter", out, index, src);
  if (reduce !== null && !(reduce === "sum" && includeSelf)) throw notImplementedOnDevice(`scatter_reduce (reduce='${reduce}')`);
  const v = Number(value ?? 0);
  const scalar = narrowFormatOf(out.dtype) ? roundToDType(v, out.dtype) : v;
  if (reduce === "sum") {
    // Adds in float32: a float16 tensor stored as f16 through a float32 copy, rounded back once.
    staged((s) => scatterGpu(context("scatter"), s.inPlace(out), d, gpuIndices(index), s.f32Or(src), scalar, true));
    narrowToDTypeInPlace(out);
  } else {
    scatterGpu(context("scatter"), gpuOf(out), d, gpuIndices(index), src ? gpuOf(src) : null, scalar, false);
  }
}

/** p-norm over dims (no recording: the caller records). */
export function gpuVectorNorm(x: Tensor, p: number, dims: readonly number[], keepdim: boolean): Tensor {
  checkDevices("norm", x);
  requireFloat("norm", x);
  return inFloat32(x.detach(), (x32) => {
    const xd = x32.abs();
    const dd = dims.length ? [...dims] : [...Array(x.dim()).keys()];
    if (p === Infinity) return xd.amax(dd, keepdim);
    if (p === -Infinity) return xd.amin(dd, keepdim);
    if (p === 0) return xd.ne(0).to(x32.dtype).sum(dd, keepdim);
    if (p === 1) return xd.sum(dd, keepdim);
    if (p === 2) return xd.square().sum(dd, keepdim).sqrt();
    return xd.pow(p).sum(dd, keepdim).pow(1 / p);
  });
}

/** The elementwise terms of mse_loss (other difference losses have no GPU expression yet). */
export function gpuDiffLoss(kernel: string, x: Tensor, y: Tensor): Tensor {
  checkDevices(kernel, x, y);
  if (kernel !== "mse_cpu") throw notImplementedOnDevice(kernel.replace(/_cpu$/, "_loss"));
  return x.detach().sub(y.detach()).square();
}

/** clamp with tensor bounds (no recording). */
export function gpuClampTensor(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  checkDevices("clamp", x, lo, hi);
  let r = x.detach();
  if (lo) r = r.maximum(lo.detach());
  if (hi) r = r.minimum(hi.detach());
  return r === x.detach() ? r.clone() : r;
}

/**
 * F.nll_loss on [N, C] (or [C]) log-probabilities: a gather of the target column (composed of GPU
 * ops, so autograd differentiates it). Targets equal to ignore_index count zero.
 */
export function gpuNllLoss(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: "none" | "mean" | "sum"): Tensor {
  checkDevices("nll_loss", x, target, weight);
  requireFloat("nll_loss", x, weight);
  if (x.dim() !== 2 && x.dim() !== 1) throw notImplementedOnDevice(`nll_loss on ${x.dim()}-d input`);
  const noBatch = x.dim() === 1;
  const x2 = noBatch ? x.unsqueeze(0) : x;
  const t = (noBatch ? target.reshape([1]) : target).detach();
  const valid = t.ne(ignoreIndex);
  const safe = t.where(valid, 0);
  let w = valid.to(x.dtype);
  if (weight) w = w.mul(weight.detach().gather(0, safe));
  const picked = x2.gather(1, safe.unsqueeze(1)).squeeze(1);
  const elems = picked.mul(w).neg();
  if (reduction === "none") return noBatch ? elems.reshape([]) : elems;
  if (reduction === "sum") return elems.sum();
  return elems.sum().div(w.sum());
}
