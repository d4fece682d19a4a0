// The activation functions' loops: the addon's activation kernels for contiguous float32/float64
// buffers (native/activation.h) when the native backend is active and the buffer is large enough
// to pay for the call, else a JS loop over the op's own scalar formula (same results within
// float rounding).

import type { Tensor } from "../core/tensor.js";
import { uninitTensor } from "./engine.js";
import { kernels } from "../backends/kernels.js";
import { activationBackward, activationForward, type ActivationOp, type ActivationParams, preluForward, preluInputGrad } from "../backends/native/activation.js";
import type { BinaryFn } from "./engine.js";
import type { UnarySpec } from "./pointwise-engine.js";
import { type DeviceGradKernel, type Floats, floatOnlyOut, fusedGrad, type Loop1, type Loop2, unaryFast, unaryFastInPlace } from "./pointwise-util.js";

/** Below this many elements the JS loop wins over the addon call's fixed cost. */
const NATIVE_MIN_ACTIVATION = 128;

function nativeFits(n: number, ...arrays: Floats[]): boolean {
  return kernels.backend === "native" && n >= NATIVE_MIN_ACTIVATION && arrays.every((a) => a.constructor === arrays[0]!.constructor);
}

/** dst = f(src): the native `op` with `params`, or the JS `loop`. */
export function activationLoop(op: ActivationOp, params: ActivationParams, loop: Loop1): Loop1 {
  return (src, dst, n) => {
    if (nativeFits(n, src, dst)) activationForward(op, params, src, dst, n);
    else loop(src, dst, n);
  };
}

/** dst = g * f'(x): the native `op`'s gradient with `params`, or the JS `loop`. */
export function activationGradLoop(op: ActivationOp, params: ActivationParams, loop: Loop2): Loop2 {
  return (g, x, dst, n) => {
    if (nativeFits(n, g, x, dst)) activationBackward(op, params, g, x, dst, n);
    else loop(g, x, dst, n);
  };
}

/** A JS loop of a scalar formula (for ops without a dedicated one). */
export function mapLoop(f: (x: number) => number): Loop1 {
  return (src, dst, n) => { for (let i = 0; i < n; i++) dst[i] = f(src[i]!); };
}

/** A JS gradient loop of a scalar formula df(g, x). */
export function mapGradLoop(df: BinaryFn): Loop2 {
  return (g, x, dst, n) => { for (let i = 0; i < n; i++) dst[i] = df(g[i]!, x[i]!); };
}

/** An activation's spec (JS formulas, autograd, ONNX) and the loop that computes it. */
export interface Activation {
  readonly spec: UnarySpec;
  readonly loop: Loop1;
}

/** The spec fields of an activation other than its formula and gradient. */
export type ActivationInfo = Omit<UnarySpec, "f" | "vjp">;

/**
 * An activation of the native `op` with `params`: f and df(g, x) = g * f'(x) are its JS
 * definitions (fallback loops and the reference of the native kernel), `composite` the gradient
 * in public ops (double backward); `loop` replaces the JS forward loop built from f.
 */
export function activation(
  op: ActivationOp, params: ActivationParams, info: ActivationInfo, f: (x: number) => number, df: BinaryFn,
  composite: (g: Tensor, x: Tensor) => Tensor, loop?: Loop1, device?: DeviceGradKernel,
): Activation {
  const grad = activationGradLoop(op, params, mapGradLoop(df));
  return {
    spec: { ...info, f, vjp: (g, x) => fusedGrad(g, x, df, () => composite(g, x), grad, device) },
    loop: activationLoop(op, params, loop ?? mapLoop(f)),
  };
}

/** Runs an activation out of place, or in place when `inplace`. */
export function runActivation(a: Activation, input: Tensor, inplace = false): Tensor {
  return inplace ? unaryFastInPlace(a.spec, a.loop, input) : unaryFast(a.spec, a.loop, input);
}

/**
 * ELU family (elu, selu, celu): x > 0 ? scale*x : alpha*scale*(exp(x*inputScale) - 1), with
 * PyTorch's node name per op.
 */
export function eluActivation(node: string, alpha: number, scale: number, inputScale: number): Activation {
  const negcoef = alpha * scale;
  return activation("elu", [negcoef, scale, inputScale], {
    name: "elu", node, outDtype: floatOnlyOut("elu_cpu"),
    onnx: { kind: "elu", attrs: { alpha, scale, inputScale } },
  }, (x) => (x <= 0 ? Math.expm1(x * inputScale) * negcoef : x * scale),
  // NaN takes the exponential side (a NaN gradient), as in PyTorch.
  (gv, xv) => (xv > 0 ? gv * scale : gv * inputScale * negcoef * Math.exp(xv * inputScale)),
  // At x = 0 the value is the constant negcoef*inputScale, so the second derivative there is 0 as in PyTorch.
  (g, x) => {
    const atZero = x.mul(0).add(inputScale * negcoef).where(x.le(0), scale);
    return g.mul(x.mul(inputScale).exp().mul(inputScale * negcoef).where(x.lt(0), atZero));
  });
}

/** loop(input) into a new tensor when input is a contiguous float32/float64 tensor; null otherwise. */
export function mapDense(loop: Loop1, input: Tensor): Tensor | null {
  const data = input.storage.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array) || !input.isContiguous()) return null;
  const n = input.numel(), out = uninitTensor(input.shape, input.dtype);
  loop(data.subarray(input._offset, input._offset + n), out.storage.data as Floats, n);
  return out;
}

function denseFloats(t: Tensor): Floats | null {
  const data = t.storage.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array) || !t.isContiguous()) return null;
  return data.subarray(t._offset, t._offset + t.numel());
}

/**
 * PReLU's output (`g` null) or input gradient for a weight per channel (dim 1 of x, 2+ dims),
 * through the native kernel; null where it does not apply (JS backend, small, strided, dtypes).
 */
export function tryNativePrelu(x: Tensor, weight: Tensor, g: Tensor | null = null): Tensor | null {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_ACTIVATION || x.dim() < 2) return null;
  const xs = denseFloats(x), ws = denseFloats(weight), gs = g === null ? null : denseFloats(g);
  if (!xs || !ws || (g !== null && (!gs || g.dtype !== x.dtype || g.numel() !== x.numel())) || weight.dtype !== x.dtype) return null;
  const channels = x.shape[1]!, outer = x.shape[0]!, inner = x.numel() / (outer * channels);
  if (ws.length !== channels) return null;
  const out = uninitTensor(x.shape, x.dtype), os = out.storage.data as Floats;
  if (gs) preluInputGrad(gs, xs, ws, os, outer, channels, inner);
  else preluForward(xs, ws, os, outer, channels, inner);
  return out;
}
