// Activations in the torch namespace: relu, selu, celu, rrelu, threshold, prelu, hardshrink,
// softmax, log_softmax (+ in-place forms). The F.* activations build on these.

import { isNested } from "../core/nested-kind.js";
import { nestedActivation, nestedActivationInPlace, nestedSoftmax } from "./nested-ops.js";
import { dimOf, isNamed } from "./named-engine.js";
import { keepNamed } from "./named-rules.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { nativeGradLoop, nativeUnary, tryNativeSoftmax, tryNativeSoftmaxBackward } from "./native-fast.js";
import { Tensor } from "../core/tensor.js";
import { type DTypeLike, bool, float32, float64, roundToDType, toDType } from "../core/dtype.js";
import { kernels } from "../backends/kernels.js";
import { needsGrad, record } from "../autograd/record.js";
import { normalizeDim } from "../core/shape.js";
import { defaultGenerator, type Generator } from "../core/generator.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor, toNumbers, uninitTensor, writeNumbers } from "./engine.js";
import { inSuggestedFormat } from "../nn/functional/channels-last.js";
import { applyInPlace } from "./inplace.js";
import { sameOut, type UnarySpec } from "./pointwise-engine.js";
import { castTo } from "./conversion.js";
import { checkScalarFits, floatOnlyOut, type Floats, fusedGrad, kernelTypeName, type Loop1, notImplementedFor, pyType, unaryFast, unaryFastInPlace } from "./pointwise-util.js";
import { activation, type Activation, eluActivation, mapDense, runActivation, tryNativePrelu } from "./native-activation.js";
import { where } from "./comparison.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { assignQuantized, isQuantizedTensor } from "./quantized-engine.js";
import { quantizedRelu } from "./quantized-elementwise.js";
import { anyBatched, batching, isBatched } from "../func/batched-tensor.js";
import { dimRule } from "../func/batching-rules.js";

// ---- relu / threshold -----------------------------------------------------------------------

const RELU: UnarySpec = {
  name: "relu", node: "ReluBackward0", outDtype: sameOut, savesOutput: true,
  // NaN passes through (relu is clamp_min(x, 0)).
  f: nativeUnary((x: number) => (x < 0 ? 0 : x), "relu"),
  vjp: (g, _x, out) => fusedGrad(g, out, (gv, ov) => (ov <= 0 ? 0 : gv), () => where(out.le(0), 0, g),
    nativeGradLoop("relu", reluGradLoop),
    { kernel: "threshold_backward", params: [0] }),
};
// The JS loops work on float32's bits: `v < 0 ? 0 : v` branches on the data, and random signs
// mispredict half the time (9 ns an element against 1.7). As PyTorch's max(x, 0): a NaN of either
// sign and -0 are kept, as the native kernels keep them.
const reluLoop: Loop1 = (s, d, n) => {
  if (!(s instanceof Float32Array && d instanceof Float32Array)) { for (let i = 0; i < n; i++) { const v = s[i]!; d[i] = v < 0 ? 0 : v; } return; }
  const si = int32Bits(s), di = int32Bits(d);
  for (let i = 0; i < n; i++) {
    const b = si[i]!, mag = b & 0x7fffffff;
    // Zeroed: the sign set and a magnitude in (0, infinity], i.e. a negative number.
    const negative = (b >> 31) & ~(((mag - 1) | (0x7f800000 - mag)) >> 31);
    di[i] = b & ~negative;
  }
};
/** relu's gradient from its output: g where the output is not zero (a NaN output passes g), else +0. */
function reluGradLoop(gs: Floats, os: Floats, d: Floats, n: number): void {
  if (!(gs instanceof Float32Array && os instanceof Float32Array && d instanceof Float32Array)) { for (let i = 0; i < n; i++) d[i] = os[i]! <= 0 ? 0 : gs[i]!; return; }
  const gi = int32Bits(gs), oi = int32Bits(os), di = int32Bits(d);
  // relu's output is never negative, so `out <= 0` is: +0 or -0 (all magnitude bits clear).
  for (let i = 0; i < n; i++) { const o = oi[i]! & 0x7fffffff; di[i] = gi[i]! & ((o | -o) >> 31); }
}
function int32Bits(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

function checkReluBool(x: Tensor): void {
  if (x.dtype === bool) throw new Error("Boolean inputs not supported for relu");
}
export function relu(input: Tensor): Tensor;
export function relu<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function relu(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("relu", arguments, 1); else if (isOptionsObject(input)) return rebind(relu, "relu", arguments, ["input"], 1, []);
  checkTensor("relu", "input", input);
  if (isQuantizedTensor(input)) return quantizedRelu(input);
  if (isNested(input)) return nestedActivation("relu", input, (c) => relu(c));
  checkReluBool(input);
  return unaryFast(RELU, reluLoop, input);
}
export function relu_(self: Tensor): Tensor;
export function relu_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function relu_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("relu_", arguments, 1); else if (isOptionsObject(self)) return rebind(relu_, "relu_", arguments, ["self"], 1, []);
  if (isQuantizedTensor(self)) return assignQuantized(self, quantizedRelu(self));
  if (isNested(self)) return nestedActivationInPlace("relu_", self, (c) => { relu_(c); }, (s) => relu(s));
  checkReluBool(self);
  return unaryFastInPlace(RELU, reluLoop, self);
}

function thresholdActivation(input: Tensor, threshold: number, value: number): Activation {
  if (input.dtype === bool) throw notImplementedFor("threshold_cpu", bool);
  checkScalarFits(threshold, input.dtype);
  checkScalarFits(value, input.dtype);
  const th = roundToDType(threshold, input.dtype), v = roundToDType(value, input.dtype);
  return activation("threshold", [th, v], {
    name: "threshold", node: "ThresholdBackward0", outDtype: sameOut,
    onnx: { kind: "threshold", attrs: { threshold: th, value: v } },
  }, (x) => (x <= th ? v : x), (gv, xv) => (xv <= th ? 0 : gv), (g, x) => where(x.le(th), 0, g));
}

interface ThresholdOpts { threshold?: number; value?: number }

function thresholdArgs(op: string, args: readonly unknown[]): [number, number] {
  const a = bindArgs(op, args, ["threshold", "value"], [], 1);
  for (const k of ["threshold", "value"]) {
    if (a[k] === undefined) throw new Error(`${op}() missing 1 required positional argument: '${k}'`);
    if (typeof a[k] !== "number") throw new Error(`${op}(): argument '${k}' must be Number, not ${pyType(a[k])}`);
  }
  return [a.threshold as number, a.value as number];
}

/** torch.threshold(input, threshold, value): value where input <= threshold. */
export function threshold(input: Tensor, ...args: Args<[threshold?: number, value?: number], ThresholdOpts>): Tensor {
  checkTensor("threshold", "input", input);
  const [th, v] = thresholdArgs("threshold", args);
  return runActivation(thresholdActivation(input, th, v), input);
}
export function threshold_(self: Tensor, ...args: Args<[threshold?: number, value?: number], ThresholdOpts>): Tensor {
  const [th, v] = thresholdArgs("threshold_", args);
  return runActivation(thresholdActivation(self, th, v), self, true);
}

// ---- selu / celu ----------------------------------------------------------------------------

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU = eluActivation("EluBackward0", SELU_ALPHA, SELU_SCALE, 1);

export function selu(input: Tensor): Tensor;
export function selu<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function selu(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("selu", arguments, 1); else if (isOptionsObject(input)) return rebind(selu, "selu", arguments, ["input"], 1, []);
  checkTensor("selu", "input", input); return runActivation(SELU, input);
}
export function selu_(self: Tensor): Tensor;
export function selu_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function selu_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("selu_", arguments, 1); else if (isOptionsObject(self)) return rebind(selu_, "selu_", arguments, ["self"], 1, []);
  return runActivation(SELU, self, true);
}

function celuActivation(op: string, args: readonly unknown[]): Activation {
  const alpha = (bindArgs(op, args, ["alpha"], [], 1).alpha as number | undefined) ?? 1;
  if (typeof alpha !== "number") throw new Error(`celu(): argument 'alpha' must be Number, not ${pyType(alpha)}`);
  if (alpha === 0) throw new Error("ZeroDivisionError: alpha cannot be 0 for CELU");
  return eluActivation("CeluBackward0", alpha, 1, 1 / alpha);
}
/** torch.celu(input, alpha=1.0) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export function celu(input: Tensor, ...args: Args<[alpha?: number], { alpha?: number }>): Tensor {
  checkTensor("celu", "input", input);
  return runActivation(celuActivation("celu", args), input);
}
export function celu_(self: Tensor, ...args: Args<[alpha?: number], { alpha?: number }>): Tensor {
  return runActivation(celuActivation("celu_", args), self, true);
}

// ---- rrelu ----------------------------------------------------------------------------------

interface RreluOpts { lower?: number; upper?: number; training?: boolean; generator?: Generator | null }

function rreluArgs(op: string, args: readonly unknown[]): { lower: number; upper: number; training: boolean; gen: Generator } {
  const a = bindArgs(op, args, ["lower", "upper", "training", "generator"], [], 1);
  const lower = (a.lower as number | undefined) ?? 1 / 8, upper = (a.upper as number | undefined) ?? 1 / 3;
  if (!(lower <= upper)) throw new Error("Lower bound should be less than or equal to the upper bound");
  return { lower, upper, training: (a.training as boolean | undefined) ?? false, gen: (a.generator as Generator | null | undefined) ?? defaultGenerator };
}

/**
 * RReLU: in training, each non-positive element gets a slope drawn from U(lower, upper) with
 * PyTorch's generator stream (one double per such element, in order); in eval, the mean slope.
 */
function rreluCompute(input: Tensor, lower: number, upper: number, training: boolean, gen: Generator): Tensor {
  const dtype = floatOnlyOut("rrelu_with_noise_out_cpu")(input.dtype);
  if (!training) {
    const slope = (lower + upper) / 2;
    return runActivation(activation("leakyRelu", [slope], { name: "rrelu", node: "RreluWithNoiseBackward0", outDtype: sameOut, onnx: { kind: "leaky_relu", attrs: { negativeSlope: slope } } },
      (x) => (x > 0 ? x : x * slope), (gv, xv) => (xv > 0 ? gv : gv * slope), (g, x) => where(x.gt(0), g, g.mul(slope))), input);
  }
  const x = toNumbers(input);
  const n = x.length;
  const q = (v: number) => roundToDType(v, dtype.name === "float64" ? dtype : toDType("float32"));
  // The bounds are in opmath precision (float32 below double), as PyTorch converts them.
  const lo = q(lower), hi = q(upper);
  const noiseVals = new Float64Array(n), outVals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v <= 0) {
      const r = q(gen.randomDouble53() * (hi - lo) + lo);
      noiseVals[i] = r;
      outVals[i] = v * r;
    } else {
      noiseVals[i] = 1;
      outVals[i] = v;
    }
  }
  const out = emptyTensor(input.shape, dtype), noise = emptyTensor(input.shape, dtype);
  writeNumbers(out, outVals);
  writeNumbers(noise, noiseVals);
  return record("RreluWithNoiseBackward0", [input], out, ([g]) => [g!.mul(noise)]);
}

/** torch.rrelu(input, lower=1/8, upper=1/3, training=False, generator=None). */
export function rrelu(input: Tensor, ...args: Args<[lower?: number, upper?: number, training?: boolean, generator?: Generator | null], RreluOpts>): Tensor {
  checkTensor("rrelu", "input", input);
  const a = rreluArgs("rrelu", args);
  return rreluCompute(input, a.lower, a.upper, a.training, a.gen);
}
export function rrelu_(self: Tensor, ...args: Args<[lower?: number, upper?: number, training?: boolean, generator?: Generator | null], RreluOpts>): Tensor {
  const a = rreluArgs("rrelu_", args);
  floatOnlyOut("rrelu_with_noise_out_cpu")(self.dtype);
  // Draw once: the same values serve the direct write and the recorded history.
  let computed: Tensor | null = null;
  const get = (s: Tensor) => (computed ??= rreluCompute(s, a.lower, a.upper, a.training, a.gen));
  return applyInPlace("rrelu_", self, [], () => { copyInto(self, get(self.detach())); }, get);
}

// ---- hardshrink / prelu ---------------------------------------------------------------------

function hardshrinkActivation(args: readonly unknown[]): Activation {
  const lambd = (bindArgs("hardshrink", args, ["lambd"]).lambd as number | undefined) ?? 0.5;
  if (typeof lambd !== "number") throw new Error(`hardshrink(): argument 'lambd' must be Number, not ${pyType(lambd)}`);
  return activation("hardshrink", [lambd], {
    name: "hardshrink", node: "HardshrinkBackward0", outDtype: floatOnlyOut("hardshrink_cpu"),
    onnx: { kind: "shrink", attrs: { lambd, bias: 0 } },
  }, (x) => (x >= -lambd && x <= lambd ? 0 : x),
  // NaN inputs get a zero gradient, as in PyTorch.
  (gv, xv) => (xv < -lambd || xv > lambd ? gv : 0), (g, x) => where(x.lt(-lambd).logicalOr(x.gt(lambd)), g, 0));
}
/** torch.hardshrink(input, lambd=0.5). */
export function hardshrink(input: Tensor, ...args: Args<[lambd?: number], { lambd?: number }>): Tensor {
  checkTensor("hardshrink", "input", input);
  return runActivation(hardshrinkActivation(args), input);
}

/** torch.prelu(input, weight): max(0, x) + weight * min(0, x), weight per channel (dim 1) or shared. */
export function prelu(input: Tensor, weight: Tensor): Tensor;
export function prelu<A extends Rebound<[input: Tensor, weight: Tensor], ["input", "weight"]>>(...args: A): Tensor;
export function prelu(input: Tensor, weight: Tensor): Tensor {
  if (autocasting.on && autocasts("prelu", arguments)) return runAutocast(prelu, arguments);
  if (arguments.length > 2) checkArgs("prelu", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? weight : input)) return rebind(prelu, "prelu", arguments, ["input", "weight"], 2, []);
  checkTensor("prelu", "input", input);
  checkTensor("prelu", "weight", weight);
  if (input.dtype !== weight.dtype) {
    throw new Error(`prelu: Type promoting not supported. Got ${kernelTypeName(input.dtype)} and ${kernelTypeName(weight.dtype)}`);
  }
  const nd = input.dim();
  if (weight.numel() !== 1) {
    if (nd === 0) throw new Error("Not allow zero-dim input tensor.");
    const channels = nd > 1 ? input.shape[1]! : 1;
    if (channels !== weight.numel()) {
      throw new Error(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel()} and channel size = ${channels}.`);
    }
  }
  if (weight.dim() > 1) throw new Error(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got: ndim = ${weight.dim()}`);
  floatOnlyOut("prelu_cpu")(input.dtype);
  let w = weight;
  if (nd !== weight.dim()) {
    const dims = new Array<number>(nd).fill(1);
    if (nd > 1) dims[1] = weight.numel();
    w = weight.reshape(dims);
  }
  // One shared weight is leaky_relu with that slope, which has native kernels both ways.
  // More weights: one per channel, native kernels too.
  const host = !onDevice(input);
  const leaky = weight.numel() === 1 && host ? preluAsLeaky(Number(weight.detach().item())) : null;
  const perChannel = weight.numel() > 1 && host;
  const x = input.detach();
  // Allocated in the input's suggested format, as PyTorch's prelu: channels-last, else contiguous.
  const out = inSuggestedFormat((leaky ? mapDense(leaky.loop, x) : perChannel ? tryNativePrelu(x, weight.detach()) : null) ?? x.where(x.gt(0), w.detach().mul(x)), x);
  return record("PreluKernelBackward0", [input, w], out, ([g]) => {
    const pos = () => input.gt(0);
    const fast = !needsGrad(g!, input, w);
    const nativeGrad = () => (leaky ? leaky.spec.vjp!(g!, input, out) : perChannel ? tryNativePrelu(x, weight.detach(), g!.contiguous()) : null);
    return [
      input._requiresGrad ? ((fast ? nativeGrad() : null) ?? where(pos(), g!, w.mul(g!))) : null,
      w._requiresGrad ? where(pos(), 0, input.mul(g!)).sumToSize(w.shape) : null,
    ];
  }, [input, w]);
}

/** prelu with a single weight: leaky_relu's kernels, the weight's graph kept by the composite gradient. */
function preluAsLeaky(slope: number): Activation {
  return activation("leakyRelu", [slope], { name: "prelu", node: "PreluKernelBackward0", outDtype: sameOut },
    (x) => (x > 0 ? x : x * slope), (gv, xv) => (xv > 0 ? gv : gv * slope), (g, x) => where(x.gt(0), g, g.mul(slope)));
}

// ---- softmax / log_softmax ------------------------------------------------------------------

/** outer × size × inner view of a softmax over `dim`. */
function softmaxGeometry(shape: readonly number[], d: number): { outer: number; size: number; inner: number } {
  let outer = 1, inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, size: shape.length === 0 ? 1 : shape[d]!, inner };
}

/** A contiguous float buffer the kernel can write: the output's own storage, or a scratch for 16-bit floats. */
function outputBuffer(out: Tensor): { data: Floats; finish: () => void } {
  const d = out.storage.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return { data: d, finish: () => {} };
  const scratch = new Float32Array(out.numel());
  return { data: scratch, finish: () => writeNumbers(out, scratch) };
}

/** Numerically stable (max-subtracted) softmax / log-softmax over one dim of contiguous data. */
function softmaxKernel(src: ArrayLike<number>, dst: Floats, outer: number, size: number, inner: number, log: boolean): void {
  if (inner === 1) {
    for (let o = 0, base = 0; o < outer; o++, base += size) {
      let m = -Infinity;
      for (let j = 0; j < size; j++) { const v = src[base + j]!; if (v > m || v !== v) m = v; }
      let sum = 0;
      if (log) {
        for (let j = 0; j < size; j++) sum += Math.exp(src[base + j]! - m);
        const lse = m + Math.log(sum);
        for (let j = 0; j < size; j++) dst[base + j] = src[base + j]! - lse;
      } else {
        for (let j = 0; j < size; j++) { const e = Math.exp(src[base + j]! - m); dst[base + j] = e; sum += e; }
        const inv = 1 / sum;
        for (let j = 0; j < size; j++) dst[base + j] = dst[base + j]! * inv;
      }
    }
    return;
  }
  // Reduced dim is strided: sweep it row by row so that every access stays contiguous.
  const mx = new Float64Array(inner), sum = new Float64Array(inner), tmp = new Float64Array(size * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    mx.fill(-Infinity);
    sum.fill(0);
    for (let j = 0; j < size; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) { const v = src[row + i]!; if (v > mx[i]! || v !== v) mx[i] = v; }
    }
    for (let j = 0; j < size; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) { const e = Math.exp(src[row + i]! - mx[i]!); tmp[j * inner + i] = e; sum[i]! += e; }
    }
    if (log) {
      for (let i = 0; i < inner; i++) sum[i] = mx[i]! + Math.log(sum[i]!);
      for (let j = 0; j < size; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) dst[row + i] = src[row + i]! - sum[i]!;
      }
    } else {
      for (let i = 0; i < inner; i++) sum[i] = 1 / sum[i]!;
      for (let j = 0; j < size; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) dst[row + i] = tmp[j * inner + i]! * sum[i]!;
      }
    }
  }
}

/** dx from dy and y: softmax y*(dy - Σ dy*y); log_softmax dy - exp(y) Σ dy. */
function softmaxBackwardKernel(g: ArrayLike<number>, y: ArrayLike<number>, dst: Floats, outer: number, size: number, inner: number, log: boolean): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    acc.fill(0);
    for (let j = 0; j < size; j++) {
      const row = base + j * inner;
      if (log) for (let i = 0; i < inner; i++) acc[i]! += g[row + i]!;
      else for (let i = 0; i < inner; i++) acc[i]! += g[row + i]! * y[row + i]!;
    }
    for (let j = 0; j < size; j++) {
      const row = base + j * inner;
      if (log) for (let i = 0; i < inner; i++) dst[row + i] = g[row + i]! - Math.exp(y[row + i]!) * acc[i]!;
      else for (let i = 0; i < inner; i++) dst[row + i] = y[row + i]! * (g[row + i]! - acc[i]!);
    }
  }
}

interface SoftmaxOpts { dim?: number | string; dtype?: DTypeLike | null }

function softmaxImpl(op: "softmax" | "log_softmax", input: Tensor, dim: unknown, dtype: DTypeLike | null | undefined): Tensor {
  checkTensor(op, "input", input);
  if (isNested(input)) return nestedSoftmax(op, input, dim, dtype);
  if (isNamed(input)) { const d = dimOf(input, dim as number | string); return keepNamed(input, [], () => softmaxImpl(op, input, d, dtype)); }
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw new Error(`${op}(): argument 'dim' must be int, not ${pyType(dim)}`);
  const x = dtype === undefined || dtype === null ? input : castTo(input, toDType(dtype));
  const nd = x.dim();
  const d = normalizeDim(dim, Math.max(nd, 1), op);
  if (batching.on && isBatched(x)) return dimRule(x, d, (p, pd) => softmaxImpl(op, p, pd, null));
  if (!x.dtype.isFloatingPoint) {
    const last = nd === 0 || d === nd - 1;
    throw notImplementedFor(`${op}_${last ? "lastdim_" : ""}kernel_impl`, x.dtype);
  }
  if (onDevice(x)) return deviceOp("softmax", op)(x, d, op === "log_softmax");
  const shape = x.shape;
  const { outer, size, inner } = softmaxGeometry(shape, d);
  const log = op === "log_softmax";
  const out = uninitTensor(shape, x.dtype);
  // The native kernel reads contiguous data (a strided input is copied first, as PyTorch does).
  if (!(nativeSoftmaxDtype(x) && tryNativeSoftmax(x.contiguous(), out, outer, size, inner, log))) {
    const buf = outputBuffer(out);
    softmaxKernel(toNumbers(x), buf.data, outer, size, inner, log);
    buf.finish();
  }
  const node = log ? "LogSoftmaxBackward0" : "SoftmaxBackward0";
  const r = record(node, [x], out, ([g]) => [softmaxBackward(g!, out, d, outer, size, inner, log)], [out]);
  if (tracing.on) traceOp(log ? "log_softmax" : "softmax", [x], r, { dim: d });
  return r;
}

/** Whether softmax of t's dtype has native kernels (float32/float64, the addon loaded). */
function nativeSoftmaxDtype(t: Tensor): boolean {
  return kernels.backend === "native" && (t.dtype === float32 || t.dtype === float64);
}

function softmaxBackward(g: Tensor, y: Tensor, d: number, outer: number, size: number, inner: number, log: boolean): Tensor {
  if (needsGrad(g, y)) {
    // Double backward: the same formula in differentiable ops.
    const keep = y.dim() === 0 ? g : null;
    if (keep) return log ? g.sub(y.exp().mul(g)) : y.mul(g.sub(g.mul(y)));
    return log ? g.sub(y.exp().mul(g.sum(d, true))) : y.mul(g.sub(g.mul(y).sum(d, true)));
  }
  const gy = g.dtype === y.dtype ? g : g.to(y.dtype);
  const gi = uninitTensor(y.shape, y.dtype);
  if (nativeSoftmaxDtype(y) && tryNativeSoftmaxBackward(gy.contiguous(), y, gi, outer, size, inner, log)) return gi;
  const buf = outputBuffer(gi);
  softmaxBackwardKernel(toNumbers(gy), toNumbers(y), buf.data, outer, size, inner, log);
  buf.finish();
  return gi;
}

/** torch.softmax(input, dim, dtype=None). */
export function softmax(input: Tensor, ...args: Args<[dim?: number | string, dtype?: DTypeLike | null], SoftmaxOpts>): Tensor {
  if (autocasting.on && autocasts("softmax", arguments)) return runAutocast(softmax, arguments);
  const a = bindArgs("softmax", args, ["dim", "dtype"], [], 1);
  return softmaxImpl("softmax", input, a.dim, a.dtype as DTypeLike | null | undefined);
}

/** torch.log_softmax(input, dim, dtype=None). */
export function logSoftmax(input: Tensor, ...args: Args<[dim?: number | string, dtype?: DTypeLike | null], SoftmaxOpts>): Tensor {
  if (autocasting.on && autocasts("log_softmax", arguments)) return runAutocast(logSoftmax, arguments);
  const a = bindArgs("log_softmax", args, ["dim", "dtype"], [], 1);
  return softmaxImpl("log_softmax", input, a.dim, a.dtype as DTypeLike | null | undefined);
}

declare module "../core/tensor.js" {
  interface Tensor {
    relu: Method<typeof relu>; relu_: Method<typeof relu_>;
    prelu: Method<typeof prelu>; hardshrink: Method<typeof hardshrink>;
    softmax: Method<typeof softmax>; logSoftmax: Method<typeof logSoftmax>;
  }
}

installMethods({ relu, relu_, prelu, hardshrink, softmax, logSoftmax });
