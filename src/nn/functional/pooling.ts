// F.* pooling: max, average, adaptive average/max, Lp pooling and max unpooling, over 1 to 3
// spatial dims, with PyTorch's argument checks and autograd. Kernels: src/backends/js/pool.ts.
//
// As in ATen, the 1d forms run the 2d ops on x.unsqueeze(-2). Every backward kernel is itself an
// op with a vjp (the forward kernel, or the gather/scatter pair for max pooling), so double
// backward works like PyTorch's.

import { keepChannelsLast, keepChannelsLastEach } from "./channels-last.js";
import { keepNamed } from "../../ops/named-rules.js";
import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { maxPool3dOpName } from "../../amp/op-names.js";
import { Tensor } from "../../core/tensor.js";
import { type DType, float64, int64, scalarTypeName } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { floatData, scratch as floatScratch } from "./float-scratch.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { type Args, bindArgs, describe, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, uninitTensor } from "../../ops/engine.js";
import { castTo } from "../../ops/conversion.js";
import { contiguous, squeeze, unsqueeze } from "../../ops/view.js";
import { mean } from "../../ops/reduction.js";
import { mul } from "../../ops/arithmetic.js";
import { abs, pow, sign } from "../../ops/pointwise.js";
import {
  adaptiveAvgPoolBackward, adaptiveAvgPoolForward, adaptiveMaxPoolForward, avgPoolForward,
  gatherByIndices, maxUnpoolForward, pool2dShapeCheck,
  pool3dShapeCheck, poolingOutputSize,
} from "../../backends/js/pool.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import { scatter } from "../../ops/indexing-scatter.js";
import { zeros } from "../../ops/creation.js";
import { kernels } from "../../backends/kernels.js";
import { notImplementedFor, pyType } from "../../ops/pointwise-util.js";
import { gatherByIndices_, int64Data, scatterByIndices, withIndices } from "./pool-indices.js";
import { adaptiveAvgPool2dNhwc, avgPool2dNhwc, maxPool2dNhwc } from "./pooling-nhwc.js";
import { isQuantizedTensor } from "../../ops/quantized-engine.js";
import { quantizedAdaptiveAvgPool, quantizedAvgPool, quantizedMaxPool } from "../../ops/quantized-pool.js";
import { batching, isBatched } from "../../func/batched-tensor.js";
import { foldRule } from "../../func/batching-rules.js";

type IntOrTuple = number | number[];

// ---- tensors ↔ kernels ------------------------------------------------------------------------


function sizesStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function requireTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}(): argument '${name}' must be Tensor, not ${describe(v)}`);
  return v;
}

/** Floating inputs only, as ATen's kernels dispatch (`"max_pool2d" not implemented for 'Long'`). */
function requireFloat(kernel: string, t: Tensor): void {
  if (!t.dtype.isFloatingPoint) throw new Error(`"${kernel}" not implemented for '${scalarTypeName(t.dtype)}'`);
}

/** The dtype kernels compute in: float32/float64 as is, 16-bit floats (and ints) in float32 or float64. */
/** Every pooling kernel writes its whole output. */
function scratch(shape: readonly number[], dtype: DType) {
  return floatScratch(shape, dtype, true);
}


// ---- arguments --------------------------------------------------------------------------------

const WORDS = ["", "one", "two", "three"];

/** An int or a tuple of 1 or k ints, expanded to k; `message` is PyTorch's error for any other length. */
function tupleArg(op: string, name: string, v: unknown, k: number, message: string): number[] {
  const a = typeof v === "number" ? [v] : v;
  if (!Array.isArray(a)) throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
  for (const x of a) {
    if (typeof x !== "number" || !Number.isInteger(x)) {
      throw new Error(`${op}(): argument '${name}' must be tuple of ints, but found element of type ${describe(x)}`);
    }
    checkInt32(op, name, x);
  }
  if (a.length !== 1 && a.length !== k) throw new Error(message);
  return a.length === 1 ? new Array<number>(k).fill(a[0] as number) : (a as number[]);
}

/**
 * ATen's pooling kernels take their window parameters as int (safe_downcast: "integer out of
 * range"); the JS and native kernels index in the same range.
 */
function checkInt32(op: string, name: string, x: number): number {
  if (x > 2147483647 || x < -2147483648) throw new Error(`${op}(): integer out of range: ${name}=${x}`);
  return x;
}

/** stride=None (or []) means the kernel size. */
function strideArg(op: string, v: unknown, kernel: number[], message: string): number[] {
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return kernel;
  return tupleArg(op, "stride", v, kernel.length, message);
}

/** ATen's check1d: the 1d pooling ops take exactly one int per parameter. */
function oneInt(op: string, name: string, v: unknown): number {
  const x = Array.isArray(v) && v.length === 1 ? v[0] as unknown : v;
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(x)}`);
    return checkInt32(op, name, x);
  }
  if (Array.isArray(v)) throw new Error(`${op}() argument '${name}' should contain one int (got ${v.length})`);
  throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
}

/** ATen's checkDimRange for the 1d ops: a 2D or 3D input. */
function check1dInput(op: string, x: Tensor): void {
  if (x.dim() < 2 || x.dim() > 3) {
    throw new Error(`Expected 2 to 3 dimensions, but got ${x.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`);
  }
}

// ---- max pooling ------------------------------------------------------------------------------

interface MaxPoolOptions {
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  returnIndices?: boolean;
}
type MaxPoolPositional = [kernelSize?: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, dilation?: IntOrTuple, ceilMode?: boolean, returnIndices?: boolean];
type MaxPoolArgs = Args<MaxPoolPositional, MaxPoolOptions>;
/** The argument lists that ask for indices: returnIndices true, positionally or in the options. */
type MaxPoolIndexArgs =
  | [options: MaxPoolOptions & { kernelSize: IntOrTuple; returnIndices: true }]
  | [kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, stride: IntOrTuple | null, options: MaxPoolOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, stride: IntOrTuple | null, padding: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, ceilMode: boolean, options: MaxPoolOptions & { returnIndices: true }]
  | [kernelSize: IntOrTuple, stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, ceilMode: boolean, returnIndices: true];

const MAX_POOL_NAMES = ["kernelSize", "stride", "padding", "dilation", "ceilMode", "returnIndices"];

interface Window { kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean }

function bindMaxPool(op: string, args: readonly unknown[]): Record<string, unknown> {
  const a = bindArgs(op, args, MAX_POOL_NAMES);
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  return a;
}

/**
 * max_pool2d/3d_with_indices on a 3D/4D (or 4D/5D) input; indices null where nothing reads them
 * (not asked for, no gradient to record: PyTorch's CPU max_pool2d skips them too, which saves an
 * int64 tensor twice the output's size).
 */
function maxPoolNd(op: string, k: 2 | 3, x: Tensor, w: Window, returnIndices: boolean): [Tensor, Tensor | null] {
  const wantIndices = returnIndices || tracing.on || needsGrad(x);
  const r = maxPoolNdImpl(op, k, x, w, wantIndices);
  if (tracing.on) traceOp("max_pool", [x], r as [Tensor, Tensor], { k, kernel: w.kernel, stride: w.stride, padding: w.padding, dilation: w.dilation, ceilMode: w.ceilMode });
  return r;
}

function maxPoolNdImpl(op: string, k: 2 | 3, x: Tensor, w: Window, wantIndices: boolean): [Tensor, Tensor | null] {
  const [kD, kH, kW] = k === 3 ? w.kernel : [1, ...w.kernel];
  const nd = x.dim();
  if (k === 2 && nd !== 3 && nd !== 4) throw new Error("non-empty 3D or 4D (batch mode) tensor expected for input");
  if (k === 3 && nd !== 4 && nd !== 5) throw new Error("non-empty 4D or 5D (batch mode) tensor expected for input");
  const inSpatial = x.shape.slice(nd - k);
  const outSpatial = inSpatial.map((s, i) => poolingOutputSize(s, w.kernel[i]!, w.padding[i]!, w.stride[i]!, w.dilation[i]!, w.ceilMode));
  if (k === 2) {
    pool2dShapeCheck(x.shape, kH!, kW!, w.stride[0]!, w.stride[1]!, w.padding[0]!, w.padding[1]!, w.dilation[0]!, w.dilation[1]!, outSpatial[0]!, outSpatial[1]!);
  } else {
    pool3dShapeCheck(x.shape, kD!, kH!, kW!, w.stride[0]!, w.stride[1]!, w.stride[2]!, w.padding[0]!, w.padding[1]!, w.padding[2]!,
      w.dilation[0]!, w.dilation[1]!, w.dilation[2]!, outSpatial[0]!, outSpatial[1]!, outSpatial[2]!, "max_pool3d_with_indices_out_cpu_template()");
  }
  if (isQuantizedTensor(x)) {
    const params = { kernelSize: w.kernel, stride: w.stride, padding: w.padding, dilation: w.dilation };
    return [quantizedMaxPool(x, [...x.shape.slice(0, nd - k), ...outSpatial], params), null];
  }
  requireFloat(k === 2 ? "max_pool2d" : "max_pool3d", x);
  if (onDevice(x)) return deviceOp("maxPool", op)(x, w, k);
  const outShape = [...x.shape.slice(0, nd - k), ...outSpatial];
  const params = { kernelSize: w.kernel, stride: w.stride, padding: w.padding, dilation: w.dilation };
  const nhwc = k === 2 ? maxPool2dNhwc(x, outShape, params, wantIndices) : null;
  if (nhwc) return nhwc;
  const out = scratch(outShape, x.dtype);
  const indices = wantIndices ? uninitTensor(outShape, int64) : null;
  kernels.maxPoolForward(floatData(x), x.shape, out.data, outShape, indices ? indices.storage.data as BigInt64Array : null, params);
  const res = out.finish();
  if (!indices) return [res, null];
  const inShape = x.shape;
  const node = k === 2 ? "MaxPool2DWithIndicesBackward0" : "MaxPool3DWithIndicesBackward0";
  record(node, [x], res, ([g]) => [scatterByIndices(g!, indices, inShape, k, node.replace("0", "Backward0"))]);
  return [res, indices];
}

function maxPoolWindow(op: string, k: number, a: Record<string, unknown>, what: { kernel: string; stride: string; padding: string; dilation: string }): Window {
  const kernel = tupleArg(op, "kernel_size", a.kernelSize, k, what.kernel);
  return {
    kernel,
    stride: strideArg(op, a.stride, kernel, what.stride),
    padding: tupleArg(op, "padding", a.padding ?? 0, k, what.padding),
    dilation: tupleArg(op, "dilation", a.dilation ?? 1, k, what.dilation),
    ceilMode: (a.ceilMode as boolean | undefined) ?? false,
  };
}

function tupleMessages(op: string, k: 2 | 3, avg: boolean): { kernel: string; stride: string; padding: string; dilation: string } {
  const n = WORDS[k];
  if (avg && k === 3) {
    return {
      kernel: `${op}: kernel_size must be a single int, or a tuple of three ints`,
      stride: `${op}: stride must be omitted, a single int, or a tuple of three ints`,
      padding: `${op}: padding must be a single int, or a tuple of three ints`,
      dilation: "",
    };
  }
  return {
    kernel: `${op}: kernel_size must either be a single int, or a tuple of ${n} ints`,
    stride: `${op}: stride must either be omitted, a single int, or a tuple of ${n} ints`,
    padding: `${op}: padding must either be a single int, or a tuple of ${n} ints`,
    dilation: `${op}: dilation must be either a single int, or a tuple of ${n} ints`,
  };
}

function maxPoolPublic(op: string, k: 1 | 2 | 3, input: unknown, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const x = requireTensor(op, "input", input);
  if (isNamed(x)) {
    // PyTorch's max_pool1d/2d/3d keep the input's names; with indices (max_pool2d_with_indices) it has no rule.
    if (bindMaxPool(op, args).returnIndices === true) throw namedRefusal(`${op}_with_indices`);
    return keepNamed(x, [], () => maxPoolPublic(op, k, x, args) as Tensor);
  }
  const a = bindMaxPool(op, args);
  if (batching.on && isBatched(x)) return foldRule(x, k + 1, (p) => maxPoolPublic(op, k, p, args));
  const returnIndices = (a.returnIndices as boolean | undefined) ?? false;
  let out: Tensor, indices: Tensor | null;
  if (k === 1) {
    check1dInput(op, x);
    const kernel = oneInt(op, "kernel_size", a.kernelSize);
    const stride = a.stride === null || a.stride === undefined || (Array.isArray(a.stride) && a.stride.length === 0) ? kernel : oneInt(op, "stride", a.stride);
    const w: Window = {
      kernel: [1, kernel], stride: [1, stride], padding: [0, oneInt(op, "padding", a.padding ?? 0)],
      dilation: [1, oneInt(op, "dilation", a.dilation ?? 1)], ceilMode: (a.ceilMode as boolean | undefined) ?? false,
    };
    [out, indices] = maxPoolNd(op, 2, unsqueeze(x, -2), w, returnIndices);
    out = squeeze(out, -2);
    indices = indices && squeeze(indices, -2);
  } else {
    const w = maxPoolWindow(op, k, a, tupleMessages(op, k, false));
    [out, indices] = maxPoolNd(op, k, x, w, returnIndices);
  }
  return returnIndices ? [out, indices!] : out;
}

/** F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool1d(input: Tensor, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool1d(input: Tensor, ...args: MaxPoolArgs): Tensor;
export function maxPool1d(input: Tensor, ...args: MaxPoolArgs): Tensor | [Tensor, Tensor] {
  return maxPoolPublic("max_pool1d", 1, input, args);
}

/** F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool2d(input: Tensor, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool2d(input: Tensor, ...args: MaxPoolArgs): Tensor;
export function maxPool2d(input: Tensor, ...args: MaxPoolArgs): Tensor | [Tensor, Tensor] {
  return keepChannelsLastEach(maxPoolPublic("max_pool2d", 2, input, args), input);
}

/** F.max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool3d(input: Tensor, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool3d(input: Tensor, ...args: MaxPoolArgs): Tensor;
export function maxPool3d(input: Tensor, ...args: MaxPoolArgs): Tensor | [Tensor, Tensor] {
  if (autocasting.on && autocasts(maxPool3dOpName(arguments), arguments)) return runAutocast(maxPool3d, arguments);
  return maxPoolPublic("max_pool3d", 3, input, args);
}

/** F.max_pool*d_with_indices: always [output, indices]. */
export function maxPool1dWithIndices(input: Tensor, ...args: MaxPoolArgs): [Tensor, Tensor] {
  return maxPoolPublic("max_pool1d", 1, input, [...withIndices(args)]) as [Tensor, Tensor];
}
export function maxPool2dWithIndices(input: Tensor, ...args: MaxPoolArgs): [Tensor, Tensor] {
  return maxPoolPublic("max_pool2d", 2, input, [...withIndices(args)]) as [Tensor, Tensor];
}
export function maxPool3dWithIndices(input: Tensor, ...args: MaxPoolArgs): [Tensor, Tensor] {
  return maxPoolPublic("max_pool3d", 3, input, [...withIndices(args)]) as [Tensor, Tensor];
}


// ---- average pooling --------------------------------------------------------------------------

interface AvgPoolOptions {
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
type AvgPool1dArgs = Args<[kernelSize?: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, ceilMode?: boolean, countIncludePad?: boolean], Omit<AvgPoolOptions, "divisorOverride">>;
type AvgPoolArgs = Args<[kernelSize?: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null], AvgPoolOptions>;

interface AvgWindow { kernel: number[]; stride: number[]; padding: number[]; ceilMode: boolean; countIncludePad: boolean; divisorOverride: number | null }

/** avg_pool2d/3d on a 3D/4D (or 4D/5D) input; integer inputs divide with truncation, as ATen does. */
function avgPoolNd(op: string, k: 2 | 3, x: Tensor, w: AvgWindow): Tensor {
  const r = avgPoolNdImpl(op, k, x, w);
  if (tracing.on) {
    traceOp("avg_pool", [x], r, { k, kernel: w.kernel, stride: w.stride, padding: w.padding, ceilMode: w.ceilMode, countIncludePad: w.countIncludePad, divisorOverride: w.divisorOverride });
  }
  return r;
}

function avgPoolNdImpl(op: string, k: 2 | 3, x: Tensor, w: AvgWindow): Tensor {
  const nd = x.dim();
  if (k === 3 && nd !== 4 && nd !== 5) throw new Error("non-empty 4D or 5D (batch mode) tensor expected for input");
  if (w.divisorOverride !== null && w.divisorOverride === 0) throw new Error("divisor must be not zero");
  if (k === 2 && nd < 3) throw new Error(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got -3)`);
  const inSpatial = x.shape.slice(nd - k);
  const outSpatial = inSpatial.map((s, i) => poolingOutputSize(s, w.kernel[i]!, w.padding[i]!, w.stride[i]!, 1, w.ceilMode));
  if (k === 2) {
    pool2dShapeCheck(x.shape, w.kernel[0]!, w.kernel[1]!, w.stride[0]!, w.stride[1]!, w.padding[0]!, w.padding[1]!, 1, 1, outSpatial[0]!, outSpatial[1]!);
  } else {
    pool3dShapeCheck(x.shape, w.kernel[0]!, w.kernel[1]!, w.kernel[2]!, w.stride[0]!, w.stride[1]!, w.stride[2]!,
      w.padding[0]!, w.padding[1]!, w.padding[2]!, 1, 1, 1, outSpatial[0]!, outSpatial[1]!, outSpatial[2]!, "avg_pool3d()", true);
  }
  if (isQuantizedTensor(x)) {
    const params = { kernelSize: w.kernel, stride: w.stride, padding: w.padding, countIncludePad: w.countIncludePad, divisorOverride: w.divisorOverride };
    return quantizedAvgPool(x, [...x.shape.slice(0, nd - k), ...outSpatial], params);
  }
  if (x.dtype.name === "bool") throw new Error(`"${op}" not implemented for 'Bool'`);
  // PyTorch's CPU kernels take int64 among the integers, no other (the device follows the CPU).
  if (!x.dtype.isFloatingPoint && x.dtype !== int64) throw notImplementedFor(k === 3 ? "avg_pool3d_out_frame" : op, x.dtype);
  if (onDevice(x)) return deviceOp("avgPool", op)(x, w, k);
  const outShape = [...x.shape.slice(0, nd - k), ...outSpatial];
  const params = {
    kernelSize: w.kernel, stride: w.stride, padding: w.padding,
    countIncludePad: w.countIncludePad, divisorOverride: w.divisorOverride,
  };
  if (!x.dtype.isFloatingPoint) {
    const tmp = scratch(outShape, float64);
    kernels.avgPoolForward(floatData(x), x.shape, tmp.data, outShape, params);
    for (let i = 0; i < tmp.data.length; i++) tmp.data[i] = Math.trunc(tmp.data[i]!);
    return castTo(tmp.t, x.dtype);
  }
  return avgPoolOp(x, outShape, params, k);
}

type AvgParams = Parameters<typeof avgPoolForward>[4];

function avgPoolOp(x: Tensor, outShape: number[], params: AvgParams, k: number): Tensor {
  const nhwc = k === 2 ? avgPool2dNhwc(x, outShape, params) : null;
  if (nhwc) return nhwc;
  const out = scratch(outShape, x.dtype);
  kernels.avgPoolForward(floatData(x), x.shape, out.data, outShape, params);
  const res = out.finish();
  const inShape = x.shape;
  return record(`AvgPool${k}DBackward0`, [x], res, ([g]) => [avgPoolBackwardOp(g!, inShape, params, k)]);
}

function avgPoolBackwardOp(g: Tensor, inShape: number[], params: AvgParams, k: number): Tensor {
  const out = scratch(inShape, g.dtype);
  kernels.avgPoolBackward(floatData(g), g.shape, out.data, inShape, params);
  const res = out.finish();
  const outShape = g.shape;
  return record(`AvgPool${k}DBackwardBackward0`, [g], res, ([gg]) => [avgPoolOp(gg!, outShape, params, k)]);
}

function avgPoolPublic(op: string, k: 1 | 2 | 3, input: unknown, args: readonly unknown[]): Tensor {
  const x = requireTensor(op, "input", input);
  if (isNamed(x)) throw namedRefusal(op);
  const names = ["kernelSize", "stride", "padding", "ceilMode", "countIncludePad"];
  const a = k === 1 ? bindArgs(op, args, names) : bindArgs(op, args, [...names, "divisorOverride"]);
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  const ceilMode = (a.ceilMode as boolean | undefined) ?? false;
  const countIncludePad = (a.countIncludePad as boolean | undefined) ?? true;
  const divisorOverride = (a.divisorOverride as number | null | undefined) ?? null;
  if (batching.on && isBatched(x)) return foldRule(x, k + 1, (p) => avgPoolPublic(op, k, p, args));
  if (k === 1) {
    check1dInput(op, x);
    const kernel = oneInt(op, "kernel_size", a.kernelSize);
    const stride = a.stride === null || a.stride === undefined || (Array.isArray(a.stride) && a.stride.length === 0) ? kernel : oneInt(op, "stride", a.stride);
    const w: AvgWindow = {
      kernel: [1, kernel], stride: [1, stride], padding: [0, oneInt(op, "padding", a.padding ?? 0)],
      ceilMode, countIncludePad, divisorOverride: null,
    };
    return squeeze(avgPoolNd("avg_pool2d", 2, unsqueeze(x, -2), w), -2);
  }
  const m = tupleMessages(op, k, true);
  const kernel = tupleArg(op, "kernel_size", a.kernelSize, k, m.kernel);
  const w: AvgWindow = {
    kernel, stride: strideArg(op, a.stride, kernel, m.stride), padding: tupleArg(op, "padding", a.padding ?? 0, k, m.padding),
    ceilMode, countIncludePad, divisorOverride,
  };
  return avgPoolNd(op, k, x, w);
}

/** F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export function avgPool1d(input: Tensor, ...args: AvgPool1dArgs): Tensor {
  return avgPoolPublic("avg_pool1d", 1, input, args);
}
/** F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export function avgPool2d(input: Tensor, ...args: AvgPoolArgs): Tensor {
  return keepChannelsLast(avgPoolPublic("avg_pool2d", 2, input, args), input);
}
/** F.avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None). */
export function avgPool3d(input: Tensor, ...args: AvgPoolArgs): Tensor {
  if (autocasting.on && autocasts("avg_pool3d", arguments)) return runAutocast(avgPool3d, arguments);
  return avgPoolPublic("avg_pool3d", 3, input, args);
}

// ---- adaptive pooling -------------------------------------------------------------------------

/** Python's _list_with_default: an int for every dim, or a list whose None entries keep the input size. */
function adaptiveSize(op: string, v: unknown, k: number, x: Tensor): number[] {
  if (typeof v === "number") return new Array<number>(k).fill(v);
  if (!Array.isArray(v)) throw new Error(`${op}(): argument 'output_size' must be tuple of ints, not ${describe(v)}`);
  if (v.length > x.dim()) throw new Error(`Input dimension should be at least ${v.length + 1}`);
  const lead = x.dim() - v.length;
  return v.map((s, i) => (s === null || s === undefined ? x.size(lead + i) : (s as number)));
}

function checkAdaptive(op: string, k: 2 | 3, x: Tensor, size: number[], max: boolean): void {
  const nd = x.dim();
  const lo = k + 1;
  if (nd !== lo && nd !== lo + 1) {
    throw new Error(`${op}(): Expected ${lo}D or ${lo + 1}D tensor, but got${max ? ":" : ""} ${sizesStr(x.shape)}`);
  }
  if (!max && size.length !== k) throw new Error(`${op}: output_size must be ${k}`);
  if (size.some((s) => s < 0)) {
    throw new Error(`${op}: elements of output_size must be greater than or equal to 0 but received {${size.join(", ")}}`);
  }
  const first = max ? 1 : nd - k;
  for (let i = first; i < nd; i++) {
    if (x.size(i) <= 0) {
      throw new Error(`${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesStr(x.shape)} with dimension ${i} being empty`);
    }
  }
  requireFloat(op.replace(/^(adaptive_\w+?_pool\dd).*/, "$1"), x);
}

function adaptiveAvgOp(x: Tensor, outShape: number[], k: number): Tensor {
  if (onDevice(x)) return deviceOp("adaptiveAvgPool", `adaptive_avg_pool${k}d`)(x, outShape, k);
  const nhwc = k === 2 ? adaptiveAvgPool2dNhwc(x, outShape) : null;
  if (nhwc) return nhwc;
  const out = scratch(outShape, x.dtype);
  adaptiveAvgPoolForward(floatData(x), x.shape, out.data, outShape, k);
  const res = out.finish();
  const inShape = x.shape;
  return record(`AdaptiveAvgPool${k}DBackward0`, [x], res, ([g]) => [adaptiveAvgBackwardOp(g!, inShape, k)]);
}

function adaptiveAvgBackwardOp(g: Tensor, inShape: number[], k: number): Tensor {
  const out = scratch(inShape, g.dtype);
  adaptiveAvgPoolBackward(floatData(g), g.shape, out.data, inShape, k);
  const res = out.finish();
  const outShape = g.shape;
  return record(`AdaptiveAvgPool${k}DBackwardBackward0`, [g], res, ([gg]) => [adaptiveAvgOp(gg!, outShape, k)]);
}

function adaptiveAvgNd(op: string, k: 2 | 3, x: Tensor, size: number[]): Tensor {
  if (isQuantizedTensor(x) && k === 2) {
    if (x.dim() !== 3 && x.dim() !== 4) throw new Error(`${op}(): Expected 3D or 4D tensor, but got ${sizesStr(x.shape)}`);
    if (size.length !== 2 || size.some((s) => s < 0)) throw new Error(`${op}: output_size must be 2 non-negative sizes`);
    return quantizedAdaptiveAvgPool(x, [...x.shape.slice(0, x.dim() - 2), ...size]);
  }
  checkAdaptive(op, k, x, size, false);
  // ATen takes the mean for a 1x1 (1x1x1) output.
  if (size.every((s) => s === 1)) return mean(x, k === 2 ? [-1, -2] : [-1, -2, -3], true);
  return adaptiveAvgOp(x, [...x.shape.slice(0, x.dim() - k), ...size], k);
}

function adaptiveMaxNd(op: string, k: 2 | 3, x: Tensor, size: number[]): [Tensor, Tensor] {
  checkAdaptive(op, k, x, size, true);
  const outShape = [...x.shape.slice(0, x.dim() - k), ...size];
  if (onDevice(x)) return deviceOp("adaptiveMaxPool", op)(x, outShape, k);
  const out = scratch(outShape, x.dtype);
  const indices = emptyTensor(outShape, int64);
  adaptiveMaxPoolForward(floatData(x), x.shape, out.data, outShape, indices.storage.data as BigInt64Array, k);
  const res = out.finish();
  const inShape = x.shape;
  const node = `AdaptiveMaxPool${k}DBackward0`;
  record(node, [x], res, ([g]) => [scatterByIndices(g!, indices, inShape, k, `AdaptiveMaxPool${k}DBackwardBackward0`)]);
  return [res, indices];
}

type AdaptiveSize = number | (number | null)[];
type AdaptiveArgs = Args<[outputSize?: AdaptiveSize], { outputSize?: AdaptiveSize }>;
type AdaptiveMaxArgs = Args<[outputSize?: AdaptiveSize, returnIndices?: boolean], { outputSize?: AdaptiveSize; returnIndices?: boolean }>;
type AdaptiveMaxIndexArgs =
  | [outputSize: AdaptiveSize, returnIndices: true]
  | [outputSize: AdaptiveSize, options: { returnIndices: true }]
  | [options: { outputSize: AdaptiveSize; returnIndices: true }];

function bindAdaptive(op: string, args: readonly unknown[], max: boolean): Record<string, unknown> {
  const a = bindArgs(op, args, max ? ["outputSize", "returnIndices"] : ["outputSize"]);
  if (a.outputSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'output_size'`);
  return a;
}

/** F.adaptive_avg_pool1d(input, output_size). */
export function adaptiveAvgPool1d(input: Tensor, ...args: AdaptiveArgs): Tensor {
  const op = "adaptive_avg_pool1d";
  const x = requireTensor(op, "input", input);
  const a = bindAdaptive(op, args, false);
  check1dInput(op, x);
  const size = oneInt(op, "output_size", a.outputSize);
  return squeeze(adaptiveAvgNd("adaptive_avg_pool2d", 2, unsqueeze(x, -2), [1, size]), -2);
}
/** F.adaptive_avg_pool2d(input, output_size): an int, or a pair whose None entries keep the input size. */
export function adaptiveAvgPool2d(input: Tensor, ...args: AdaptiveArgs): Tensor {
  const op = "adaptive_avg_pool2d";
  const x = requireTensor(op, "input", input);
  const a = bindAdaptive(op, args, false);
  return keepChannelsLast(adaptiveAvgNd(op, 2, x, adaptiveSize(op, a.outputSize, 2, x)), x);
}
/** F.adaptive_avg_pool3d(input, output_size). */
export function adaptiveAvgPool3d(input: Tensor, ...args: AdaptiveArgs): Tensor {
  if (autocasting.on && autocasts("adaptive_avg_pool3d", arguments)) return runAutocast(adaptiveAvgPool3d, arguments);
  const op = "adaptive_avg_pool3d";
  const x = requireTensor(op, "input", input);
  const a = bindAdaptive(op, args, false);
  return adaptiveAvgNd(op, 3, x, adaptiveSize(op, a.outputSize, 3, x));
}

function adaptiveMaxPublic(op: string, k: 1 | 2 | 3, input: unknown, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const x = requireTensor(op, "input", input);
  const a = bindAdaptive(op, args, true);
  const returnIndices = (a.returnIndices as boolean | undefined) ?? false;
  let out: Tensor, indices: Tensor;
  if (k === 1) {
    check1dInput(op, x);
    const size = oneInt(op, "output_size", a.outputSize);
    for (let i = 1; i < x.dim(); i++) {
      if (x.size(i) <= 0) {
        throw new Error(`${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${sizesStr(x.shape)} with dimension ${i} being empty`);
      }
    }
    [out, indices] = adaptiveMaxNd("adaptive_max_pool2d", 2, unsqueeze(x, -2), [1, size]);
    out = squeeze(out, -2);
    indices = squeeze(indices, -2);
  } else {
    [out, indices] = adaptiveMaxNd(op, k, x, adaptiveSize(op, a.outputSize, k, x));
    // PyTorch 1.13's adaptive_max_pool2d keeps a channels-last layout (its 3-d form does not).
    if (k === 2) [out, indices] = keepChannelsLastEach([out, indices], x);
  }
  return returnIndices ? [out, indices] : out;
}

/** F.adaptive_max_pool1d(input, output_size, return_indices=False). */
export function adaptiveMaxPool1d(input: Tensor, ...args: AdaptiveMaxIndexArgs): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor;
export function adaptiveMaxPool1d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPublic("adaptive_max_pool1d", 1, input, args);
}
/** F.adaptive_max_pool2d(input, output_size, return_indices=False). */
export function adaptiveMaxPool2d(input: Tensor, ...args: AdaptiveMaxIndexArgs): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor;
export function adaptiveMaxPool2d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPublic("adaptive_max_pool2d", 2, input, args);
}
/** F.adaptive_max_pool3d(input, output_size, return_indices=False). */
export function adaptiveMaxPool3d(input: Tensor, ...args: AdaptiveMaxIndexArgs): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor;
export function adaptiveMaxPool3d(input: Tensor, ...args: AdaptiveMaxArgs): Tensor | [Tensor, Tensor] {
  if (autocasting.on && autocasts("adaptive_max_pool3d", arguments)) return runAutocast(adaptiveMaxPool3d, arguments);
  return adaptiveMaxPublic("adaptive_max_pool3d", 3, input, args);
}

/** F.adaptive_max_pool*d_with_indices: always [output, indices]. */
export function adaptiveMaxPool1dWithIndices(input: Tensor, ...args: AdaptiveMaxArgs): [Tensor, Tensor] {
  return adaptiveMaxPublic("adaptive_max_pool1d", 1, input, withIndices(args)) as [Tensor, Tensor];
}
export function adaptiveMaxPool2dWithIndices(input: Tensor, ...args: AdaptiveMaxArgs): [Tensor, Tensor] {
  return adaptiveMaxPublic("adaptive_max_pool2d", 2, input, withIndices(args)) as [Tensor, Tensor];
}
export function adaptiveMaxPool3dWithIndices(input: Tensor, ...args: AdaptiveMaxArgs): [Tensor, Tensor] {
  return adaptiveMaxPublic("adaptive_max_pool3d", 3, input, withIndices(args)) as [Tensor, Tensor];
}

// ---- max unpooling ----------------------------------------------------------------------------

interface UnpoolOptions { kernelSize?: IntOrTuple; stride?: IntOrTuple | null; padding?: IntOrTuple; outputSize?: number[] | null }
type UnpoolArgs = Args<[kernelSize?: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, outputSize?: number[] | null], UnpoolOptions>;

/** Python's _unpool_output_size: the default size, or a checked explicit one. */
function unpoolOutputSize(x: Tensor, kernel: number[], stride: number[], padding: number[], outputSize: number[] | null): number[] {
  const k = kernel.length;
  const dflt = kernel.map((ks, d) => (x.size(x.dim() - k + d) - 1) * stride[d]! + ks - 2 * padding[d]!);
  if (outputSize === null) return dflt;
  let size = outputSize;
  if (size.length === k + 2) size = size.slice(2);
  if (size.length !== k) {
    throw new Error(`output_size should be a sequence containing ${k} or ${k + 2} elements, but it has a length of '${size.length}'`);
  }
  for (let d = 0; d < k; d++) {
    const min = dflt[d]! - stride[d]!, max = dflt[d]! + stride[d]!;
    if (!(min < size[d]! && size[d]! < max)) {
      throw new Error(`invalid output_size "(${outputSize.join(", ")})" (dim ${d} must be between ${min} and ${max})`);
    }
  }
  return size;
}

/**
 * output_size as the ATen op takes it (a list of ints; 0-dim integer tensors read as their ints,
 * as Python's __index__ does): a tensor or any other value is that op's TypeError.
 */
function unpoolSizeArg(aten: string, v: unknown): number[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new Error(`${aten}(): argument 'output_size' (position 3) must be tuple of ints, not ${pyType(v)}`);
  return v.map((e: unknown, i) => {
    const n = e instanceof Tensor && e.dim() === 0 && !e.dtype.isFloatingPoint && !e.dtype.isComplex && e.dtype.name !== "bool" ? Number(e.item()) : e;
    if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`${aten}(): argument 'output_size' must be tuple of ints, but found element of type ${pyType(e)} at pos ${i + 1}`);
    return n;
  });
}

function maxUnpoolPublic(op: string, k: 1 | 2 | 3, input: unknown, indices: unknown, args: readonly unknown[]): Tensor {
  const x = requireTensor(op, "input", input);
  const idx = requireTensor(op, "indices", indices);
  const a = bindArgs(op, args, ["kernelSize", "stride", "padding", "outputSize"]);
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  const msg = `${op}: expected an int or a tuple of ${WORDS[k]} ints`;
  const kernel = tupleArg(op, "kernel_size", a.kernelSize, k, msg);
  const stride = strideArg(op, a.stride, kernel, msg);
  const padding = tupleArg(op, "padding", a.padding ?? 0, k, msg);
  const size = unpoolOutputSize(x, kernel, stride, padding, unpoolSizeArg(k === 3 ? "max_unpool3d" : "max_unpool2d", a.outputSize));
  if (idx.dtype !== int64) throw new Error(`elements in indices should be type int64 but got: ${scalarTypeName(idx.dtype)}`);
  if (idx.shape.join() !== x.shape.join()) {
    throw new Error(`Expected shape of indices to be same as that of the input tensor (${sizesStr(x.shape)}) but got indices tensor with shape: ${sizesStr(idx.shape)}`);
  }
  const nd = x.dim(), lo = k === 1 ? 2 : k + 1;
  if (nd !== lo && nd !== lo + 1) {
    throw new Error(`${op}(): Expected ${lo}d or ${lo + 1}d tensor, but got ${sizesStr(x.shape)}`);
  }
  requireFloat(op, x);
  const outShape = [...x.shape.slice(0, nd - k), ...size];
  if (onDevice(x) || onDevice(idx)) {
    // On a GPU the indices cannot be checked before the result is needed (as with CUDA's device
    // asserts): a scatter into each zeroed output plane, where an out-of-range index writes nothing.
    const lead = x.shape.slice(0, nd - k), plane = size.reduce((a, b) => a * b, 1);
    const planes = zeros([...lead, plane], { dtype: x.dtype, device: x.device });
    return scatter(planes, -1, idx.reshape([...lead, -1]), x.reshape([...lead, -1])).reshape(outShape);
  }
  const out = scratch(outShape, x.dtype);
  const bad = maxUnpoolForward(floatData(x), x.shape, int64Data(idx), out.data, outShape, k);
  if (bad !== -1) throw new Error(`Found an invalid max index: ${bad} (output volumes are of size ${size.join("x")}`);
  const res = out.finish();
  return record(`MaxUnpool${k === 1 ? 2 : k}DBackward0`, [x], res, ([g]) => [gatherByIndices_(g!, idx.detach(), x.shape, k)]);
}

/** F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool1d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor;
export function maxUnpool1d<A extends Rebound<[input: Tensor, indices: Tensor], ["input", "indices"], UnpoolOptions>>(...args: A): Tensor;
export function maxUnpool1d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indices : input)) return rebind(maxUnpool1d, "max_unpool1d", arguments, ["input", "indices", "kernelSize", "stride", "padding", "outputSize"], 3, []);
  return maxUnpoolPublic("max_unpool1d", 1, input, indices, args);
}
/** F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool2d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor;
export function maxUnpool2d<A extends Rebound<[input: Tensor, indices: Tensor], ["input", "indices"], UnpoolOptions>>(...args: A): Tensor;
export function maxUnpool2d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor {
  if (autocasting.on && autocasts("max_unpool2d", arguments)) return runAutocast(maxUnpool2d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indices : input)) return rebind(maxUnpool2d, "max_unpool2d", arguments, ["input", "indices", "kernelSize", "stride", "padding", "outputSize"], 3, []);
  return maxUnpoolPublic("max_unpool2d", 2, input, indices, args);
}
/** F.max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool3d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor;
export function maxUnpool3d<A extends Rebound<[input: Tensor, indices: Tensor], ["input", "indices"], UnpoolOptions>>(...args: A): Tensor;
export function maxUnpool3d(input: Tensor, indices: Tensor, ...args: UnpoolArgs): Tensor {
  if (autocasting.on && autocasts("max_unpool3d", arguments)) return runAutocast(maxUnpool3d, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indices : input)) return rebind(maxUnpool3d, "max_unpool3d", arguments, ["input", "indices", "kernelSize", "stride", "padding", "outputSize"], 3, []);
  return maxUnpoolPublic("max_unpool3d", 3, input, indices, args);
}

// ---- Lp pooling -------------------------------------------------------------------------------

interface LpPoolOptions { normType?: number; kernelSize?: IntOrTuple; stride?: IntOrTuple | null; ceilMode?: boolean }
type LpPoolArgs = Args<[normType?: number, kernelSize?: IntOrTuple, stride?: IntOrTuple | null, ceilMode?: boolean], LpPoolOptions>;

/**
 * PyTorch's composition: (sign(a) * relu(|a|) * kernel area)^(1/p) with a = avg_pool(x^p).
 * relu(|a|) is |a| (same values, same gradient), so it is left out.
 */
function lpPoolPublic(op: string, k: 1 | 2 | 3, input: unknown, args: readonly unknown[]): Tensor {
  const x = requireTensor(op, "input", input);
  const a = bindArgs(op, args, ["normType", "kernelSize", "stride", "ceilMode"]);
  if (a.normType === undefined) throw new Error(`${op}() missing 2 required positional arguments: 'norm_type' and 'kernel_size'`);
  if (a.kernelSize === undefined) throw new Error(`${op}() missing 1 required positional argument: 'kernel_size'`);
  const p = a.normType as number;
  const ks = a.kernelSize as IntOrTuple;
  if (typeof ks !== "number" && !Array.isArray(ks)) throw new Error(`avg_pool${k}d(): argument 'kernel_size' (position 2) must be tuple of ints, not ${pyType(ks)}`);
  const area = typeof ks === "number" ? ks ** k : ks.length === 1 ? ks[0]! ** k : ks.reduce((s, v) => s * v, 1);
  const stride = (a.stride as IntOrTuple | null | undefined) ?? null;
  const ceilMode = (a.ceilMode as boolean | undefined) ?? false;
  const xp = pow(x, p);
  const pooled = k === 1 ? avgPool1d(xp, ks, stride, 0, ceilMode)
    : k === 2 ? avgPool2d(xp, ks, stride, 0, ceilMode) : avgPool3d(xp, ks, stride, 0, ceilMode);
  return pow(mul(mul(sign(pooled), abs(pooled)), area), 1 / p);
}

/** F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool1d(input: Tensor, ...args: LpPoolArgs): Tensor {
  return lpPoolPublic("lp_pool1d", 1, input, args);
}
/** F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool2d(input: Tensor, ...args: LpPoolArgs): Tensor {
  return lpPoolPublic("lp_pool2d", 2, input, args);
}
/** F.lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool3d(input: Tensor, ...args: LpPoolArgs): Tensor {
  return lpPoolPublic("lp_pool3d", 3, input, args);
}
