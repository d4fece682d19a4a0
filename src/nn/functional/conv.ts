// F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, F.unfold and F.fold, with PyTorch's argument checks
// and autograd. Kernels: src/backends/js/conv.ts and im2col.ts.
//
// Three primitives over one convolution geometry g carry every gradient, to any order:
//   forward(x, w)  = conv(x, w)                 (y-shaped)
//   input(gy, w)   = conv's grad wrt x          (x-shaped; this is also conv_transpose)
//   weight(x, gy)  = conv's grad wrt w          (w-shaped)
// They are bilinear and adjoint to each other: <forward(x,w), gy> = <x, input(gy,w)> =
// <w, weight(x,gy)>, so each one's vjp is a pair of the others. A transposed convolution is
// `input` on the geometry read backwards (convTransposeGeometry), so it needs nothing more.
// unfold and fold are each other's adjoints in the same way.

import { keepChannelsLast, laidOutAs } from "./channels-last.js";
import { nhwcData, nhwcKernels, nhwcOut, resultIsChannelsLast } from "./nhwc.js";
import { channelsLast as channelsLastFormat, isContiguousAs } from "../../core/memory-format.js";
import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { forwardGrads } from "../../autograd/forward-grad.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { type DType, bfloat16, cppTypeName, float16, float32, float64, scalarTypeName } from "../../core/dtype.js";
import { record } from "../../autograd/record.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { type Args, bindArgs, describe, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, uninitTensor } from "../../ops/engine.js";
import { castTo } from "../../ops/conversion.js";
import { contiguous, narrow, squeeze, unsqueeze } from "../../ops/view.js";
import { sum } from "../../ops/reduction.js";
import { type ConvGeometry, type FloatArray, convGeometry, convTransposeGeometry } from "../../backends/js/conv.js";
import { kernels } from "../../backends/kernels.js";
import { type Fold2dParams, fold2d, foldShape, unfold2d, unfoldShape } from "../../backends/js/im2col.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import { notImplementedFor } from "../../ops/pointwise-util.js";
import { fromParts, parts } from "../../ops/complex-parts.js";
import { anyBatched, batching } from "../../func/batched-tensor.js";
import { convRule } from "../../func/batching-rules.js";

export type IntOrTuple = number | number[];

// ---- tensors ↔ kernels ------------------------------------------------------------------------

/** The dtype kernels compute in: float64 stays, 16-bit floats run in float32, integers in float64 (exact). */
function computeDtype(d: DType): DType {
  return d === float32 || d === float16 || d === bfloat16 ? float32 : float64;
}

/** A tensor's values as a contiguous array of the compute dtype, outside autograd. */
function floatData(t: Tensor, cd: DType): FloatArray {
  let x = contiguous(t.detach());
  if (x.dtype !== cd) x = castTo(x, cd);
  return (x.storage.data as FloatArray).subarray(x._offset, x._offset + x.numel());
}

function runKernel(shape: readonly number[], dtype: DType, fill: (out: FloatArray, cd: DType) => void): Tensor {
  const cd = computeDtype(dtype);
  // Every kernel writes its whole output.
  const t = uninitTensor(shape, cd);
  fill(t.storage.data as FloatArray, cd);
  return cd === dtype ? t : castTo(t, dtype);
}

// ---- the three convolution primitives ----------------------------------------------------------

type Kind = "forward" | "input" | "weight";

function shapeOf(g: ConvGeometry, kind: Kind): readonly number[] {
  return kind === "forward" ? g.outputShape : kind === "input" ? g.inputShape : g.weightShape;
}

/**
 * Whether g is a 1x1 kernel of stride 1 without padding, whose weight gradient in a channels-last
 * convolution PyTorch 1.13 lays out contiguously (its channels-last memory is the same; other
 * 1x1 ones get channels-last strides).
 */
function pointwiseKernel(g: ConvGeometry): boolean {
  return g.kernelSize.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.padding.every((v) => v === 0);
}

/**
 * One primitive in channels-last layouts (x, gy, gx and y [N, C, H, W] tensors laid out
 * channels-last, w and gw [Cout, Cin/g, kh, kw] ones), or null where the backend has no such
 * kernels for these operands.
 */
function nhwcPrimitive(kind: Kind, a: Tensor, b: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor | null {
  const k = g.kernelSize.length === 2 && (kind === "forward" || bias === null) ? nhwcKernels(a, b, bias) : null;
  if (k === null) return null;
  const out = nhwcOut(shapeOf(g, kind), a.dtype, kind === "weight" && pointwiseKernel(g));
  const ad = nhwcData(a), bd = nhwcData(b);
  if (kind === "forward") k.convForward(g, ad, bd, bias ? floatData(bias, a.dtype) : null, out.data);
  else if (kind === "input") k.convBackwardInput(g, ad, bd, out.data);
  else k.convBackwardWeight(g, ad, bd, out.data);
  return out.t;
}

/**
 * One primitive on geometry g, plus an optional bias over the result's channels (dim 1).
 * forward(a = x, b = w), input(a = gy, b = w), weight(a = x, b = gy). `channelsLast`: the
 * convolution's result is channels-last, so its primitives run the channels-last kernels where
 * the backend has them (their results channels-last; gradients too, as PyTorch's).
 */
function convPrimitive(kind: Kind, a: Tensor, b: Tensor, bias: Tensor | null, g: ConvGeometry, node: string, channelsLast: boolean): Tensor {
  const nhwc = channelsLast && !onDevice(a, b, bias) ? nhwcPrimitive(kind, a, b, bias, g) : null;
  let out = nhwc ?? (onDevice(a, b, bias) ? deviceOp("conv", `conv${g.kernelSize.length}d`)(kind, a, b, bias, g) : runKernel(shapeOf(g, kind), a.dtype, (o, cd) => {
    const ad = floatData(a, cd), bd = floatData(b, cd);
    // The forward kernel adds the bias itself.
    if (kind === "forward") kernels.convForward(g, ad, bd, bias ? floatData(bias, cd) : null, o);
    else if (kind === "input") kernels.convBackwardInput(g, ad, bd, o);
    else kernels.convBackwardWeight(g, ad, bd, o);
    if (bias && kind !== "forward") {
      const bv = floatData(bias, cd);
      const shape = shapeOf(g, kind);
      const N = shape[0]!, C = shape[1]!;
      const L = shape.slice(2).reduce((m, v) => m * v, 1);
      for (let i = 0; i < N * C; i++) {
        const v = bv[i % C]!;
        for (let l = i * L, e = l + L; l < e; l++) o[l] += v;
      }
    }
  }));
  // Computed in NCHW: a channels-last convolution's weight gradient still takes PyTorch's layout.
  if (channelsLast && nhwc === null && kind === "weight" && !pointwiseKernel(g) && out.dim() === 4 && !onDevice(out)) out = laidOutAs(out, channelsLastFormat);
  if (!a.dtype.isFloatingPoint) return out;
  const biasDims = [0, ...Array.from({ length: g.kernelSize.length }, (_, i) => i + 2)];
  return record(node, [a, b, bias], out, ([gOut]) => {
    const go = gOut!;
    const need = (t: Tensor | null): boolean => t !== null && t._requiresGrad;
    const gb = need(bias) ? biasGrad(go, biasDims) : null;
    if (kind === "forward") {
      return [need(a) ? convPrimitive("input", go, b, null, g, BACKWARD_NODE, channelsLast) : null,
        need(b) ? convPrimitive("weight", a, go, null, g, BACKWARD_NODE, channelsLast) : null, gb];
    }
    if (kind === "input") {
      return [need(a) ? convPrimitive("forward", go, b, null, g, BACKWARD_NODE, channelsLast) : null,
        need(b) ? convPrimitive("weight", go, a, null, g, BACKWARD_NODE, channelsLast) : null, gb];
    }
    return [need(a) ? convPrimitive("input", b, go, null, g, BACKWARD_NODE, channelsLast) : null,
      need(b) ? convPrimitive("forward", a, go, null, g, BACKWARD_NODE, channelsLast) : null, gb];
  }, [a, b], forwardGrads.on ? ([ta, tb, tBias]) => {
    // Each primitive is bilinear in (a, b); the bias adds over the channels.
    const left = ta ? convPrimitive(kind, ta, b, null, g, node, channelsLast) : null;
    const right = tb ? convPrimitive(kind, a, tb, null, g, node, channelsLast) : null;
    let t = left && right ? left.add(right) : left ?? right;
    if (tBias) {
      const perChannel = tBias.reshape([1, -1, ...g.kernelSize.map(() => 1)]);
      t = t ? t.add(perChannel) : perChannel;
    }
    return [t];
  } : undefined);
}

/** The bias gradient: gY (contiguous or channels-last) summed over every dim but the channels, without a permuted copy. */
function biasGrad(go: Tensor, dims: number[]): Tensor {
  if (go._requiresGrad || onDevice(go) || !(go.dtype === float32 || go.dtype === float64)) return sum(go, dims);
  const shape = go._shape, C = shape[1]!;
  const L = shape.slice(2).reduce((m, v) => m * v, 1);
  // Contiguous: [N, C, L]; channels-last: rows of C channels, [N * L, C, 1].
  const [batch, inner] = go.isContiguous() ? [shape[0]!, L]
    : shape.length === 4 && isContiguousAs(shape, go._strides, channelsLastFormat) ? [shape[0]! * L, 1] : [-1, 0];
  if (batch < 0) return sum(go, dims);
  const out = emptyTensor([C], go.dtype);
  const data = (go.storage.data as FloatArray).subarray(go._offset, go._offset + go.numel());
  kernels.channelSum(data, batch, C, inner, out.storage.data as FloatArray);
  return out;
}

const FORWARD_NODE = "ConvolutionBackward0";
const BACKWARD_NODE = "ConvolutionBackwardBackward0";

// ---- arguments --------------------------------------------------------------------------------

function requireTensor(op: string, name: string, v: unknown, position: number): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}(): argument '${name}' (position ${position}) must be Tensor, not ${describe(v)}`);
  return v;
}

/** An int or a list of k ints (ATen's expand_param_if_needed), with PyTorch's message otherwise. */
function expandParam(op: string, name: string, v: unknown, k: number): number[] {
  const a = typeof v === "number" ? [v] : v;
  if (!Array.isArray(a) || a.some((x) => typeof x !== "number" || !Number.isInteger(x))) {
    throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
  }
  if (a.length === 1) return new Array<number>(k).fill(a[0] as number);
  if (a.length !== k) {
    throw new Error(`expected ${name} to be a single integer value or a list of ${k} values to match the convolution dimensions, but got ${name}=[${a.join(", ")}]`);
  }
  return a as number[];
}

function checkGroups(op: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`${op}(): argument 'groups' must be int, not ${describe(v)}`);
  return v;
}

/** Batched (k+2)-d, or unbatched (k+1)-d which runs with a batch of one. */
function batchify(op: string, x: Tensor, k: number): { x: Tensor; unbatched: boolean } {
  if (x.dim() === k + 2) return { x, unbatched: false };
  if (x.dim() === k + 1) return { x: unsqueeze(x, 0), unbatched: true };
  throw new Error(`Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to ${op}, but got input of size: [${x.shape.join(", ")}]`);
}

/** dtype rules of ATen's CPU convolution: one dtype for all operands, no bool. */
function checkDtypes(op: string, x: Tensor, w: Tensor, bias: Tensor | null): void {
  if (w.dtype !== x.dtype) throw new Error(`expected scalar type ${scalarTypeName(x.dtype)} but found ${scalarTypeName(w.dtype)}`);
  if (bias && bias.dtype !== x.dtype) {
    throw new Error(`Input type (${cppTypeName(x.dtype)}) and bias type (${cppTypeName(bias.dtype)}) should be the same`);
  }
  if (x.dtype.name === "bool") throw new Error(`"slow_conv${op.match(/\d/)![0]}d_cpu" not implemented for 'Bool'`);
}

function checkBias(w: Tensor, bias: Tensor | null, channels: number, transposed: boolean): void {
  if (bias && (bias.dim() !== 1 || bias._shape[0] !== channels)) {
    throw new Error(`Given ${transposed ? "transposed=1, " : ""}weight of size [${w.shape.join(", ")}], expected bias to be 1-dimensional with ${channels} elements, but got bias of size [${bias.shape.join(", ")}] instead`);
  }
}

interface ConvOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple | "valid" | "same";
  dilation?: IntOrTuple;
  groups?: number;
}
type ConvArgs = Args<[bias?: Tensor | null, stride?: IntOrTuple, padding?: IntOrTuple | "valid" | "same", dilation?: IntOrTuple, groups?: number], ConvOptions>;

interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}
type ConvTransposeArgs = Args<[bias?: Tensor | null, stride?: IntOrTuple, padding?: IntOrTuple, outputPadding?: IntOrTuple, groups?: number, dilation?: IntOrTuple], ConvTransposeOptions>;

function optionalTensor(op: string, name: string, v: unknown, position: number): Tensor | null {
  return v === undefined || v === null ? null : requireTensor(op, name, v, position);
}

// ---- convolution ------------------------------------------------------------------------------

/**
 * A complex convolution as four real ones over the parts: (xr*wr - xi*wi) + i (xr*wi + xi*wr),
 * the bias's parts added to each (PyTorch computes complex convolutions the same way).
 */
function complexConv(x: Tensor, w: Tensor, bias: Tensor | null, conv: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor): Tensor {
  const [xr, xi] = parts(x), [wr, wi] = parts(w);
  const [br, bi] = bias ? parts(bias) : [null, null];
  return fromParts(conv(xr, wr, br).sub(conv(xi, wi, null)), conv(xr, wi, bi).add(conv(xi, wr, null)));
}

/** Bound arguments as an options object again (undefined entries dropped). */
function definedOptions(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

function convPublic(op: string, k: number, input: unknown, weight: unknown, args: readonly unknown[]): Tensor {
  const x0 = requireTensor(op, "input", input, 1);
  const w = requireTensor(op, "weight", weight, 2);
  if (isNamed(x0) || isNamed(w)) throw namedRefusal("convolution");
  const a = bindArgs(op, args, ["bias", "stride", "padding", "dilation", "groups"]);
  const bias = optionalTensor(op, "bias", a.bias, 3);
  const stride = expandParam(op, "stride", a.stride ?? 1, k);
  const dilation = expandParam(op, "dilation", a.dilation ?? 1, k);
  const groups = checkGroups(op, a.groups ?? 1);
  if (batching.on && anyBatched([x0, w, bias])) return convRule(x0, w, bias, groups, k, (xp, wp, bp, gp) => convPublic(op, k, xp, wp, [definedOptions({ ...a, bias: bp, groups: gp })]));
  const { x, unbatched } = batchify(op, x0, k);
  checkDtypes(op, x, w, bias);
  if (x.dtype.isComplex) return complexConv(x0, w, bias, (xp, wp, bp) => convPublic(op, k, xp, wp, [definedOptions({ ...a, bias: bp })]));
  let padding: number[];
  let trim: number[] = [];
  if (typeof a.padding === "string") {
    if (a.padding === "valid") {
      padding = new Array<number>(k).fill(0);
    } else if (a.padding === "same") {
      if (stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
      // Total padding d*(k-1) per dim; when odd, PyTorch pads one more on the right. Padding
      // (total+1)/2 on both sides and dropping the first output gives the same values and grads.
      const totals = w._shape.slice(2).map((s, d) => dilation[d]! * (s - 1));
      padding = totals.map((t) => Math.ceil(t / 2));
      trim = totals.map((t) => t % 2);
    } else {
      throw new Error(`Invalid padding string: '${a.padding}'`);
    }
  } else {
    padding = expandParam(op, "padding", a.padding ?? 0, k);
  }
  const g = convGeometry(x.shape, w.shape, { stride, padding, dilation, groups });
  checkBias(w, bias, g.outChannels, false);
  let y = convPrimitive("forward", x, w, bias, g, FORWARD_NODE, !unbatched && k === 2 && resultIsChannelsLast(x, w));
  trim.forEach((t, d) => { if (t) y = narrow(y, d + 2, 1, y._shape[d + 2]! - 1); });
  if (tracing.on) traceOp("conv", [x, w, bias], y, { stride, dilation, groups, padsBegin: padding.map((p, d) => p - (trim[d] ?? 0)), padsEnd: padding });
  return unbatched ? squeeze(y, 0) : keepChannelsLast(y, x, w);
}

/** F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be "valid" or "same". */
export function conv1d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor;
export function conv1d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvOptions>>(...args: A): Tensor;
export function conv1d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor {
  if (autocasting.on && autocasts("conv1d", arguments)) return runAutocast(conv1d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(conv1d, "conv1d", arguments, ["input", "weight", "bias", "stride", "padding", "dilation", "groups"], 2, []);
  return convPublic("conv1d", 1, input, weight, args);
}

/** F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be "valid" or "same". */
export function conv2d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor;
export function conv2d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvOptions>>(...args: A): Tensor;
export function conv2d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor {
  if (autocasting.on && autocasts("conv2d", arguments)) return runAutocast(conv2d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(conv2d, "conv2d", arguments, ["input", "weight", "bias", "stride", "padding", "dilation", "groups"], 2, []);
  return convPublic("conv2d", 2, input, weight, args);
}

/** F.conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1); padding may be "valid" or "same". */
export function conv3d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor;
export function conv3d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvOptions>>(...args: A): Tensor;
export function conv3d(input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor {
  if (autocasting.on && autocasts("conv3d", arguments)) return runAutocast(conv3d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(conv3d, "conv3d", arguments, ["input", "weight", "bias", "stride", "padding", "dilation", "groups"], 2, []);
  return convPublic("conv3d", 3, input, weight, args);
}

// ---- transposed convolution -------------------------------------------------------------------

function convTransposePublic(op: string, k: number, input: unknown, weight: unknown, args: readonly unknown[]): Tensor {
  const x0 = requireTensor(op, "input", input, 1);
  const w = requireTensor(op, "weight", weight, 2);
  if (isNamed(x0) || isNamed(w)) throw namedRefusal("convolution");
  const a = bindArgs(op, args, ["bias", "stride", "padding", "outputPadding", "groups", "dilation"]);
  const bias = optionalTensor(op, "bias", a.bias, 3);
  if (typeof a.padding === "string") throw new Error(`${op}(): argument 'padding' must be tuple of ints, not str`);
  const stride = expandParam(op, "stride", a.stride ?? 1, k);
  const padding = expandParam(op, "padding", a.padding ?? 0, k);
  const outputPadding = expandParam(op, "output_padding", a.outputPadding ?? 0, k);
  const dilation = expandParam(op, "dilation", a.dilation ?? 1, k);
  const groups = checkGroups(op, a.groups ?? 1);
  const { x, unbatched } = batchify(op, x0, k);
  // PyTorch's slow transposed kernels (conv_transpose1d runs the 2-d one) take int64 among the integers, no other.
  if (w.dtype === x.dtype && !x.dtype.isFloatingPoint && !x.dtype.isComplex && x.dtype.name !== "int64") {
    throw notImplementedFor(`slow_conv_transpose${k === 3 ? 3 : 2}d_out_cpu`, x.dtype);
  }
  checkDtypes(op, x, w, bias);
  if (x.dtype.isComplex) return complexConv(x0, w, bias, (xp, wp, bp) => convTransposePublic(op, k, xp, wp, [definedOptions({ ...a, bias: bp })]));
  const g = convTransposeGeometry(x.shape, w.shape, { stride, padding, dilation, groups, outputPadding });
  checkBias(w, bias, g.inChannels, true);
  const y = convPrimitive("input", x, w, bias, g, FORWARD_NODE, false);
  if (tracing.on) traceOp("conv_transpose", [x, w, bias], y, { stride, padding, outputPadding, dilation, groups });
  // PyTorch 1.13's transposed convolution (slow_conv_transpose2d) returns contiguous results.
  return unbatched ? squeeze(y, 0) : y;
}

/** F.conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose1d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor;
export function convTranspose1d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvTransposeOptions>>(...args: A): Tensor;
export function convTranspose1d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor {
  if (autocasting.on && autocasts("conv_transpose1d", arguments)) return runAutocast(convTranspose1d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(convTranspose1d, "conv_transpose1d", arguments, ["input", "weight", "bias", "stride", "padding", "outputPadding", "groups", "dilation"], 2, []);
  return convTransposePublic("conv_transpose1d", 1, input, weight, args);
}

/** F.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose2d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor;
export function convTranspose2d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvTransposeOptions>>(...args: A): Tensor;
export function convTranspose2d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor {
  if (autocasting.on && autocasts("conv_transpose2d", arguments)) return runAutocast(convTranspose2d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(convTranspose2d, "conv_transpose2d", arguments, ["input", "weight", "bias", "stride", "padding", "outputPadding", "groups", "dilation"], 2, []);
  return convTransposePublic("conv_transpose2d", 2, input, weight, args);
}

/** F.conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1). */
export function convTranspose3d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor;
export function convTranspose3d<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"], ConvTransposeOptions>>(...args: A): Tensor;
export function convTranspose3d(input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor {
  if (autocasting.on && autocasts("conv_transpose3d", arguments)) return runAutocast(convTranspose3d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(convTranspose3d, "conv_transpose3d", arguments, ["input", "weight", "bias", "stride", "padding", "outputPadding", "groups", "dilation"], 2, []);
  return convTransposePublic("conv_transpose3d", 3, input, weight, args);
}

// ---- unfold / fold ----------------------------------------------------------------------------

interface UnfoldOptions { kernelSize?: IntOrTuple; dilation?: IntOrTuple; padding?: IntOrTuple; stride?: IntOrTuple }
type UnfoldArgs = Args<[kernelSize?: IntOrTuple, dilation?: IntOrTuple, padding?: IntOrTuple, stride?: IntOrTuple], UnfoldOptions>;
interface FoldOptions extends UnfoldOptions { outputSize?: IntOrTuple }
type FoldArgs = Args<[outputSize?: IntOrTuple, kernelSize?: IntOrTuple, dilation?: IntOrTuple, padding?: IntOrTuple, stride?: IntOrTuple], FoldOptions>;

/** ATen's im2col/col2im take exactly two values per parameter (Python's _pair expands an int). */
function pair(op: string, name: string, v: unknown): [number, number] {
  const a = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(a) || a.some((x) => typeof x !== "number" || !Number.isInteger(x))) {
    throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
  }
  if (a.length !== 2) throw new Error(`It is expected ${name} equals to 2, but got size ${a.length}`);
  return [a[0] as number, a[1] as number];
}

function foldParams(op: string, a: Record<string, unknown>): Fold2dParams {
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  return {
    kernelSize: pair(op, "kernel_size", a.kernelSize),
    dilation: pair(op, "dilation", a.dilation ?? 1),
    padding: pair(op, "padding", a.padding ?? 0),
    stride: pair(op, "stride", a.stride ?? 1),
  };
}

function unfoldOp(x: Tensor, p: Fold2dParams): Tensor {
  const { outputShape } = unfoldShape(x.shape, p);
  const inShape = x.shape;
  const out = onDevice(x) ? deviceOp("unfold")(x, p) : runKernel(outputShape, x.dtype, (o, cd) => unfold2d(floatData(x, cd), inShape, p, o));
  if (!x.dtype.isFloatingPoint) return out;
  return record("Im2ColBackward0", [x], out, ([g]) => [foldOp(g!, [inShape[inShape.length - 2]!, inShape[inShape.length - 1]!], p)]);
}

function foldOp(x: Tensor, outputSize: [number, number], p: Fold2dParams): Tensor {
  const { outputShape } = foldShape(x.shape, outputSize, p);
  const inShape = x.shape;
  const out = onDevice(x) ? deviceOp("fold")(x, outputSize, p) : runKernel(outputShape, x.dtype, (o, cd) => fold2d(floatData(x, cd), inShape, outputSize, p, o));
  if (!x.dtype.isFloatingPoint) return out;
  return record("Col2ImBackward0", [x], out, ([g]) => [unfoldOp(g!, p)]);
}

/** F.unfold(input, kernel_size, dilation=1, padding=0, stride=1): (N, C, H, W) -> (N, C*kh*kw, L). */
export function unfold(input: Tensor, ...args: UnfoldArgs): Tensor {
  const x = requireTensor("unfold", "input", input, 1);
  const a = bindArgs("unfold", args, ["kernelSize", "dilation", "padding", "stride"], [], 1);
  const p = foldParams("unfold", a);
  // Complex: the same patches of each part (a copy of elements, linear in each).
  if (x.dtype.isComplex) { const [re, im] = parts(x); return fromParts(unfoldOp(re, p), unfoldOp(im, p)); }
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("im2col_out_cpu", x.dtype);
  const out = unfoldOp(x, p);
  if (tracing.on) traceOp("unfold", [x], out, { ...p });
  return out;
}

/** F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1): (N, C*kh*kw, L) -> (N, C, H, W). */
export function fold(input: Tensor, ...args: FoldArgs): Tensor {
  const x = requireTensor("fold", "input", input, 1);
  const a = bindArgs("fold", args, ["outputSize", "kernelSize", "dilation", "padding", "stride"], [], 1);
  if (a.outputSize === undefined) throw new Error("fold() missing 1 required positional argument: 'output_size'");
  const outputSize = pair("fold", "output_size", a.outputSize);
  const p = foldParams("fold", a);
  if (x.dtype.isComplex) { const [re, im] = parts(x); return fromParts(foldOp(re, outputSize, p), foldOp(im, outputSize, p)); }
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("col2im_out_cpu", x.dtype);
  const out = foldOp(x, outputSize, p);
  if (tracing.on) traceOp("fold", [x], out, { ...p, outputSize });
  return out;
}
