// F.layer_norm (a dedicated op: row statistics and the standard backward in direct kernels, public
// ops under createGraph), and F.group_norm / rms_norm / local_response_norm / normalize, composed.

import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { isNested } from "../../core/nested-kind.js";
import { nestedRefusal } from "../../ops/nested-engine.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { float64 } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, writeNumbers } from "../../ops/engine.js";
import { constantPad } from "./padding-ops.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { type Floats, checkMixedNormDtypes, floatOut, floatValues, intArg, numberArg, optTensorArg, sizesStr, tensorArg } from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import * as native from "../../backends/native/index.js";
import { nativeFloatOut, nativeNn, sameFloats } from "./native-nn.js";

import { writeOut } from "../../ops/out.js";
import { notImplementedFor, requireTensor } from "../../ops/pointwise-util.js";
import { keepChannelsLast } from "./channels-last.js";
import { type BatchedTensor, anyBatched, batching, isBatched } from "../../func/batched-tensor.js";
import { unaryRule } from "../../func/batching-rules.js";
function checkShapeArg(op: string, v: unknown): number[] {
  const s = typeof v === "number" ? [v] : v;
  if (!Array.isArray(s) || s.some((d) => typeof d !== "number" || !Number.isInteger(d))) {
    throw new Error(`${op}(): argument 'normalized_shape' must be tuple of ints`);
  }
  return s as number[];
}

/** _check_layer_norm_inputs: returns the number of rows M and the row length D. */
function checkNormInputs(x: Tensor, normalizedShape: number[], weight: Tensor | null, bias: Tensor | null): { M: number; D: number } {
  const ns = normalizedShape;
  const same = (t: Tensor): boolean => t.dim() === ns.length && t.shape.every((s, i) => s === ns[i]);
  if (ns.length < 1) {
    throw new Error(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${sizesStr(ns)}`);
  }
  if (weight && !same(weight)) {
    throw new Error(`Expected weight to be of same shape as normalized_shape, but got weight of shape ${sizesStr(weight.shape)} and normalized_shape = ${sizesStr(ns)}`);
  }
  if (bias && !same(bias)) {
    throw new Error(`Expected bias to be of same shape as normalized_shape, but got bias of shape ${sizesStr(bias.shape)} and normalized_shape = ${sizesStr(ns)}`);
  }
  const xs = x.shape, nd = xs.length;
  if (nd < ns.length || !xs.slice(nd - ns.length).every((s, i) => s === ns[i])) {
    throw new Error(`Given normalized_shape=${sizesStr(ns)}, expected input with shape [*${ns.map((s) => `, ${s}`).join("")}], but got input of size${sizesStr(xs)}`);
  }
  const D = ns.reduce((p, c) => p * c, 1);
  return { M: D === 0 ? 0 : x.numel() / D, D };
}

/**
 * F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5): normalizes over the
 * trailing dims given by normalized_shape.
 */
export function layerNorm(input: Tensor, normalizedShape: number[] | number, ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, eps?: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor;
export function layerNorm<A extends Rebound<[input: Tensor, normalizedShape: number[] | number], ["input", "normalizedShape"], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>>(...args: A): Tensor;
export function layerNorm(input: Tensor, normalizedShape: number[] | number,
  ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, eps?: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor {
  if (!(input instanceof Tensor) && !isOptionsObject(input)) requireTensor("layer_norm", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("native_layer_norm");
  if (isNested(input)) throw nestedRefusal("native_layer_norm");
  if (autocasting.on && autocasts("layer_norm", arguments)) return runAutocast(layerNorm, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? normalizedShape : input)) return rebind(layerNorm, "layer_norm", arguments, ["input", "normalizedShape", "weight", "bias", "eps"], 2, []);
  const op = "layer_norm";
  const a = bindArgs(op, args, ["weight", "bias", "eps"], [], 2);
  const x = tensorArg(op, "input", 1, input);
  const ns = checkShapeArg(op, normalizedShape);
  const weight = optTensorArg(op, "weight", 3, a.weight), bias = optTensorArg(op, "bias", 4, a.bias);
  const eps = numberArg(op, "eps", a.eps, 1e-5);
  const { M, D } = checkNormInputs(x, ns, weight, bias);
  if (batching.on && anyBatched([x, weight, bias])) {
    // Over trailing dims: a batched input alone normalizes as it is; batched affine parameters apply after.
    if (!isBatched(weight) && !isBatched(bias)) return unaryRule(x as BatchedTensor, (p) => layerNorm(p, ns, { weight, bias, eps }));
    const y = layerNorm(x, ns, { eps });
    const scaled = weight === null ? y : y.mul(weight);
    return bias === null ? scaled : scaled.add(bias);
  }
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("LayerNormKernelImpl", x.dtype);
  checkMixedNormDtypes(x, weight, bias);
  const r = layerNormOp(x, ns.length, M, D, weight, bias, eps);
  if (tracing.on) traceOp("layer_norm", [x, weight, bias], r, { normalizedDims: ns.length, eps });
  return r;
}

/** y = (x - mean) rstd w + b over rows of length D (the last k dims). */
function layerNormOp(x: Tensor, k: number, M: number, D: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  if (onDevice(x, weight, bias)) return deviceOp("layerNorm", "layer_norm")(x, k, weight, bias, eps);
  const xv = floatValues(x);
  const wv = weight ? floatValues(weight) : null, bv = bias ? floatValues(bias) : null;
  const mean = new Float64Array(M), rstd = new Float64Array(M);
  // xv has the type of y's buffer (Float64Array for float64, else Float32Array).
  const fast = nativeNn(M * D) && sameFloats(xv, wv, bv);
  const out = fast ? nativeFloatOut(x.shape, x.dtype) : floatOut(x.shape, x.dtype);
  const y = out.data;
  if (fast) native.layerNormForward(xv, wv, bv, y, mean, rstd, M, D, eps);
  else layerNormRows(xv, wv, bv, y, mean, rstd, M, D, eps);
  const res = out.done();
  const dims = Array.from({ length: k }, (_, i) => x.dim() - k + i);
  return record("NativeLayerNormBackward0", [x, weight, bias], res, ([g]) => {
    if (needsGrad(g, x, weight, bias)) return layerNormGradComposite(g!, x, dims, weight, bias, eps);
    return layerNormGradKernel(g!, x, M, D, weight, bias, mean, rstd);
  }, weight ? [x, weight] : [x]);
}

/** The JS kernel of the forward pass (the reference of the native one). */
function layerNormRows(xv: Floats, wv: Floats | null, bv: Floats | null, y: Floats, mean: Float64Array, rstd: Float64Array,
  M: number, D: number, eps: number): void {
  for (let r = 0; r < M; r++) {
    const base = r * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += xv[base + j]!;
    const m = s / D;
    let q = 0;
    for (let j = 0; j < D; j++) { const d = xv[base + j]! - m; q += d * d; }
    const rs = 1 / Math.sqrt(q / D + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let j = 0; j < D; j++) {
      let v = (xv[base + j]! - m) * rs;
      if (wv) v *= wv[j]!;
      if (bv) v += bv[j]!;
      y[base + j] = v;
    }
  }
}

function layerNormGradKernel(g: Tensor, x: Tensor, M: number, D: number, weight: Tensor | null, bias: Tensor | null,
  mean: Float64Array, rstd: Float64Array): (Tensor | null)[] {
  const xv = floatValues(x), gv = floatValues(g), wv = weight ? floatValues(weight) : null;
  const needW = !!weight && weight._requiresGrad, needB = !!bias && bias._requiresGrad;
  const gw = needW ? new Float64Array(D) : null, gb = needB ? new Float64Array(D) : null;
  const fast = nativeNn(M * D) && sameFloats(xv, gv, wv);
  const out = x._requiresGrad ? (fast ? nativeFloatOut : floatOut)(x.shape, x.dtype) : null;
  const d = out?.data;
  if (fast) {
    native.layerNormBackward(gv, xv, wv, mean, rstd, d ?? null, gw, gb, M, D);
  } else {
    layerNormGradRows(xv, gv, wv, mean, rstd, d ?? null, gw, gb, M, D);
  }
  const vec = (v: Float64Array, like: Tensor): Tensor => {
    const t = emptyTensor(like.shape, like.dtype);
    writeNumbers(t, v);
    return t;
  };
  return [out ? out.done() : null, gw ? vec(gw, weight!) : null, gb ? vec(gb, bias!) : null];
}

/** The JS kernel of the backward pass (the reference of the native one). */
function layerNormGradRows(xv: Floats, gv: Floats, wv: Floats | null, mean: Float64Array, rstd: Float64Array,
  d: Floats | null, gw: Float64Array | null, gb: Float64Array | null, M: number, D: number): void {
  for (let r = 0; r < M; r++) {
    const base = r * D, m = mean[r]!, rs = rstd[r]!;
    let a = 0, b = 0;
    for (let j = 0; j < D; j++) {
      const gj = gv[base + j]!, xh = (xv[base + j]! - m) * rs;
      if (gw) gw[j] += gj * xh;
      if (gb) gb[j] += gj;
      const dxh = wv ? gj * wv[j]! : gj;
      a += dxh;
      b += dxh * xh;
    }
    if (d) {
      a /= D; b /= D;
      for (let j = 0; j < D; j++) {
        const xh = (xv[base + j]! - m) * rs;
        const dxh = wv ? gv[base + j]! * wv[j]! : gv[base + j]!;
        d[base + j] = rs * (dxh - a - xh * b);
      }
    }
  }
}

function layerNormGradComposite(g: Tensor, x: Tensor, dims: number[], weight: Tensor | null, bias: Tensor | null, eps: number): (Tensor | null)[] {
  const xc = x.sub(x.mean(dims, true));
  const rs = xc.mul(xc).mean(dims, true).add(eps).rsqrt();
  const xhat = xc.mul(rs);
  const dxhat = weight ? g.mul(weight) : g;
  const lead = Array.from({ length: x.dim() - dims.length }, (_, i) => i);
  const gx = x._requiresGrad ? dxhat.sub(dxhat.mean(dims, true)).sub(xhat.mul(dxhat.mul(xhat).mean(dims, true))).mul(rs) : null;
  const gw = weight && weight._requiresGrad ? (lead.length ? g.mul(xhat).sum(lead) : g.mul(xhat)) : null;
  const gb = bias && bias._requiresGrad ? (lead.length ? g.sum(lead) : g) : null;
  return [gx, gw, gb];
}

/**
 * F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5): layer norm of each group of
 * channels (input viewed as (N, G, -1)), then the per-channel affine.
 */
export function groupNorm(input: Tensor, numGroups: number, ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, eps?: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor;
export function groupNorm<A extends Rebound<[input: Tensor, numGroups: number], ["input", "numGroups"], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>>(...args: A): Tensor;
export function groupNorm(input: Tensor, numGroups: number,
  ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, eps?: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor {
  if (autocasting.on && autocasts("group_norm", arguments)) return runAutocast(groupNorm, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? numGroups : input)) return rebind(groupNorm, "group_norm", arguments, ["input", "numGroups", "weight", "bias", "eps"], 2, []);
  const op = "group_norm";
  const a = bindArgs(op, args, ["weight", "bias", "eps"], [], 2);
  const x = tensorArg(op, "input", 1, input);
  const G = intArg(op, "num_groups", numGroups, 1);
  const weight = optTensorArg(op, "weight", 3, a.weight), bias = optTensorArg(op, "bias", 4, a.bias);
  const eps = numberArg(op, "eps", a.eps, 1e-5);
  if (x.dim() < 2) throw new Error(`Expected at least 2 dimensions for input tensor but received ${x.dim()}`);
  const N = x.size(0), C = x.size(1);
  const verify = [Math.floor((N * C) / G), G, ...x.shape.slice(2)];
  let prod = verify[0]!;
  for (let i = 2; i < verify.length; i++) prod *= verify[i]!;
  if (prod === 1) throw new Error(`Expected more than 1 value per channel when training, got input size ${sizesStr(verify)}`);
  if (C % G !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${sizesStr(x.shape)} and num_groups=${G}`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && !(t.dim() === 1 && t.numel() === C)) {
      throw new Error(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${sizesStr(t.shape)} and input of shape ${sizesStr(x.shape)}`);
    }
  }
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("GroupNormKernelImpl", x.dtype);
  // float32 parameters of a float16/bfloat16 input: computed in float32, rounded once to the input's dtype
  const mixed = checkMixedNormDtypes(x, weight, bias);
  // The composite's value, recorded as PyTorch records native_group_norm: one node over x, weight and bias.
  const value = groupNormValue(x.detach(), G, weight && weight.detach(), bias && bias.detach(), eps, mixed);
  const y = record("NativeGroupNormBackward0", [x, weight, bias], value, ([g]) => groupNormGrads(g!, x, G, weight, bias, eps), [x]);
  if (tracing.on) traceOp("group_norm", [x, weight, bias], y, { numGroups: G, eps });
  return y;
}

/** A layer norm over each sample's groups, then the per-channel affine (in float32 when `mixed`). */
function groupNormValue(x: Tensor, G: number, weight: Tensor | null, bias: Tensor | null, eps: number, mixed: boolean): Tensor {
  const N = x.size(0);
  const grouped = (mixed ? x.float() : x).reshape(N, G, -1);
  const D = grouped.size(2);
  // PyTorch's group norm returns a channels-last input's layout (the affine below keeps it).
  let y = keepChannelsLast(layerNormOp(grouped, 1, N * G, D, null, null, eps).reshape(x.shape), x);
  const view = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (weight) y = y.mul(weight.view(view));
  if (bias) y = y.add(bias.view(view));
  if (mixed) y = y.to(x.dtype);
  return y;
}

/**
 * Group norm's gradients in public ops (createGraph differentiates them): with x̂ the normalized
 * groups and ĝ = g·weight in groups, dx = rstd (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)), dweight = Σ g x̂,
 * dbias = Σ g, the sums over every dim but the channels.
 */
function groupNormGrads(g: Tensor, x: Tensor, G: number, weight: Tensor | null, bias: Tensor | null, eps: number): (Tensor | null)[] {
  const N = x.size(0);
  const xc = x.reshape(N, G, -1);
  const centered = xc.sub(xc.mean(-1, true));
  const rstd = centered.mul(centered).mean(-1, true).add(eps).rsqrt();
  const xhat = centered.mul(rstd);
  const others = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const gb = bias && bias._requiresGrad ? g.sum(others) : null;
  const gw = weight && weight._requiresGrad ? g.mul(xhat.reshape(x.shape)).sum(others) : null;
  let gx: Tensor | null = null;
  if (x._requiresGrad) {
    const view = x.shape.map((s, i) => (i === 1 ? s : 1));
    const gh = (weight ? g.mul(weight.view(view)) : g).reshape(N, G, -1);
    gx = gh.sub(gh.mean(-1, true)).sub(xhat.mul(gh.mul(xhat).mean(-1, true))).mul(rstd).reshape(x.shape);
  }
  // A float16/bfloat16 input with float32 parameters: each gradient in its own tensor's dtype.
  const as = (grad: Tensor | null, t: Tensor | null): Tensor | null => (grad && t && grad.dtype !== t.dtype ? grad.to(t.dtype) : grad);
  return [as(gx, x), as(gw, weight), as(gb, bias)];
}

/**
 * F.rms_norm(input, normalized_shape, weight=None, eps=None): x / sqrt(mean(x²) + eps) over the
 * trailing dims (eps defaults to the machine epsilon of the compute dtype), times weight.
 */
export function rmsNorm(input: Tensor, normalizedShape: number[] | number, ...args: Args<[weight?: Tensor | null, eps?: number | null], { weight?: Tensor | null; eps?: number | null }>): Tensor;
export function rmsNorm<A extends Rebound<[input: Tensor, normalizedShape: number[] | number], ["input", "normalizedShape"], { weight?: Tensor | null; eps?: number | null }>>(...args: A): Tensor;
export function rmsNorm(input: Tensor, normalizedShape: number[] | number,
  ...args: Args<[weight?: Tensor | null, eps?: number | null], { weight?: Tensor | null; eps?: number | null }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? normalizedShape : input)) return rebind(rmsNorm, "rms_norm", arguments, ["input", "normalizedShape", "weight", "eps"], 2, []);
  const op = "rms_norm";
  const a = bindArgs(op, args, ["weight", "eps"], [], 2);
  const x = tensorArg(op, "input", 1, input);
  const ns = checkShapeArg(op, normalizedShape);
  const weight = optTensorArg(op, "weight", 3, a.weight);
  checkNormInputs(x, ns, weight, null);
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("rms_norm", x.dtype);
  const eps = a.eps === undefined || a.eps === null ? (x.dtype === float64 ? 2 ** -52 : 2 ** -23) : numberArg(op, "eps", a.eps, 0);
  const dims = ns.map((_, i) => x.dim() - ns.length + i);
  const up = x.dtype.name === "float16" || x.dtype.name === "bfloat16" ? x.float() : x;
  const r = up.pow(2).mean(dims, true).add(eps).rsqrt();
  let y = up.mul(r).to(x.dtype);
  if (weight) y = y.mul(weight).to(x.dtype);
  return y;
}

/**
 * F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0): x / (k + alpha * avg of x² over
 * a window of `size` channels)^beta, the window zero-padded as PyTorch's average pooling does.
 */
export function localResponseNorm(input: Tensor, size: number, ...args: Args<[alpha?: number, beta?: number, k?: number], { alpha?: number; beta?: number; k?: number }>): Tensor;
export function localResponseNorm<A extends Rebound<[input: Tensor, size: number], ["input", "size"], { alpha?: number; beta?: number; k?: number }>>(...args: A): Tensor;
export function localResponseNorm(input: Tensor, size: number,
  ...args: Args<[alpha?: number, beta?: number, k?: number], { alpha?: number; beta?: number; k?: number }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? size : input)) return rebind(localResponseNorm, "local_response_norm", arguments, ["input", "size", "alpha", "beta", "k"], 2, []);
  const op = "local_response_norm";
  const a = bindArgs(op, args, ["alpha", "beta", "k"], [], 2);
  const x = tensorArg(op, "input", 1, input);
  const n = intArg(op, "size", size, 1);
  const alpha = numberArg(op, "alpha", a.alpha, 1e-4), beta = numberArg(op, "beta", a.beta, 0.75), k = numberArg(op, "k", a.k, 1);
  const dim = x.dim();
  if (dim < 3) throw new Error(`Expected 3D or higher dimensionality input (got ${dim} dimensions)`);
  // PyTorch averages the squares with avg_pool3d, whose CPU kernel takes int64 among the integers, no other.
  if (!x.dtype.isFloatingPoint && x.dtype.name !== "int64") throw notImplementedFor("avg_pool3d_out_frame", x.dtype);
  if (x.numel() === 0) return x;
  const sizes = x.shape;
  const C = sizes[1]!;
  const sq = x.mul(x).reshape(sizes[0]!, C, -1);
  const padded = constantPad(sq, [0, 0, Math.floor(n / 2), Math.floor((n - 1) / 2)], 0);
  let acc = padded.narrow(1, 0, C);
  for (let i = 1; i < n; i++) acc = acc.add(padded.narrow(1, i, C));
  const div = acc.div(n).reshape(sizes).mul(alpha).add(k).pow(beta);
  return x.div(div);
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12): input / max(‖input‖_p over dim, eps). */
export function normalize(input: Tensor,
  ...args: Args<[p?: number, dim?: number, eps?: number, out?: Tensor | null], { p?: number; dim?: number; eps?: number; out?: Tensor | null }>): Tensor {
  const op = "normalize";
  const a = bindArgs(op, args, ["p", "dim", "eps", "out"], [], 1);
  const x = tensorArg(op, "input", 1, input);
  const p = numberArg(op, "p", a.p, 2), dim = intArg(op, "dim", a.dim, 1), eps = numberArg(op, "eps", a.eps, 1e-12);
  const denom = x.norm(p, dim, true).clampMin(eps).expandAs(x);
  const r = x.div(denom);
  // PyTorch computes torch.div(input, denom, out=out): its errors name div.
  return a.out === undefined || a.out === null ? r : writeOut("div", r, a.out);
}
