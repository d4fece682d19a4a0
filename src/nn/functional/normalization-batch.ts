// F.batch_norm and F.instance_norm. batch_norm is a dedicated op (it runs every training step):
// per-channel statistics and the standard backward in direct kernels; under createGraph the vjp
// recomputes the statistics from the input in public ops, so double backward is exact.

import { keepChannelsLast } from "./channels-last.js";
import { Tensor } from "../../core/tensor.js";
import { float32, float64 } from "../../core/dtype.js";
import { needsGrad, record } from "../../autograd/record.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { emptyTensor, fromArray, writeNumbers } from "../../ops/engine.js";
import { type Floats, boolArg, checkMixedNormDtypes, floatOut, floatValues, numberArg, optTensorArg, tensorArg, torchSize } from "./loss-util.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import * as native from "../../backends/native/index.js";
import { nativeFloatOut, nativeNn, sameFloats } from "./native-nn.js";
import { nhwcData, nhwcOut, resultIsChannelsLast } from "./nhwc.js";
import { notImplementedFor } from "../../ops/pointwise-util.js";

/**
 * Input viewed as (N, C, S): S is the product of the spatial dims. A channels-last float input
 * (nhwc) is read in its own order, as rows of channels: (N * S, C, 1), which the kernels' (N, C)
 * paths take without a copy; its result and gradient are channels-last.
 */
interface BnGeom { N: number; C: number; S: number; dims: number[]; view: number[]; nhwc: boolean }

function bnGeometry(x: Tensor): BnGeom {
  const nd = x.dim();
  const S = x.shape.slice(2).reduce((p, c) => p * c, 1);
  const dims = [0, ...Array.from({ length: Math.max(nd - 2, 0) }, (_, i) => i + 2)];
  const view = x.shape.map((s, i) => (i === 1 ? s : 1));
  const nhwc = nd === 4 && (x.dtype === float32 || x.dtype === float64) && resultIsChannelsLast(x);
  return nhwc ? { N: x.size(0) * S, C: x.size(1), S: 1, dims, view, nhwc } : { N: x.size(0), C: x.size(1), S, dims, view, nhwc };
}

/** A tensor's values in the geometry's order. */
function bnValues(t: Tensor, geom: BnGeom): Floats {
  return geom.nhwc ? nhwcData(t) : floatValues(t);
}

/** An output of x's shape in the geometry's layout. */
function bnOut(x: Tensor, geom: BnGeom, fast: boolean): { data: Floats; done: () => Tensor } {
  if (geom.nhwc) {
    const o = nhwcOut(x.shape, x.dtype);
    return { data: o.data, done: () => o.t };
  }
  return fast ? nativeFloatOut(x.shape, x.dtype) : floatOut(x.shape, x.dtype);
}

function checkFeatures(name: string, expected: number, t: Tensor | null): void {
  if (t && t.numel() !== expected) throw new Error(`${name} should contain ${expected} elements not ${t.numel()}`);
}

/** Writes values into a buffer tensor in place (running statistics): no autograd, version bumped. */
function assignBuffer(t: Tensor, values: Float64Array): void {
  writeNumbers(t, values);
  t.storage.version++;
}

/** channelStats through the native kernel. */
function nativeChannelStats(xv: Floats, g: BnGeom): { mean: Float64Array; varBiased: Float64Array } {
  const mean = new Float64Array(g.C), varBiased = new Float64Array(g.C);
  native.batchNormStats(xv, g.N, g.C, g.S, mean, varBiased);
  return { mean, varBiased };
}

/** Per-channel batch mean and biased variance (two passes, in doubles). */
function channelStats(xv: Floats, g: BnGeom): { mean: Float64Array; varBiased: Float64Array } {
  const { N, C, S } = g;
  const M = N * S;
  const mean = new Float64Array(C), varBiased = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) { const base = (n * C + c) * S; for (let k = 0; k < S; k++) s += xv[base + k]!; }
    const m = s / M;
    let q = 0;
    for (let n = 0; n < N; n++) { const base = (n * C + c) * S; for (let k = 0; k < S; k++) { const d = xv[base + k]! - m; q += d * d; } }
    mean[c] = m;
    varBiased[c] = q / M;
  }
  return { mean, varBiased };
}

interface BatchNormOptions {
  weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number | null; eps?: number;
}

/**
 * F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
 * momentum=0.1, eps=1e-5). Training normalizes with the batch statistics and updates the running
 * ones in place (unbiased variance); evaluation uses the running statistics.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, training?: boolean, momentum?: number | null, eps?: number], BatchNormOptions>): Tensor;
export function batchNorm<A extends Rebound<[input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null], ["input", "runningMean", "runningVar"], BatchNormOptions>>(...args: A): Tensor;
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  ...args: Args<[weight?: Tensor | null, bias?: Tensor | null, training?: boolean, momentum?: number | null, eps?: number], BatchNormOptions>): Tensor {
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? runningVar : arguments.length === 2 ? runningMean : input)) return rebind(batchNorm, "batch_norm", arguments, ["input", "runningMean", "runningVar", "weight", "bias", "training", "momentum", "eps"], 3, []);
  const op = "batch_norm";
  const a = bindArgs(op, args, ["weight", "bias", "training", "momentum", "eps"], [], 3);
  const x = tensorArg(op, "input", 1, input);
  const rm = optTensorArg(op, "running_mean", 2, runningMean), rv = optTensorArg(op, "running_var", 3, runningVar);
  const weight = optTensorArg(op, "weight", 4, a.weight), bias = optTensorArg(op, "bias", 5, a.bias);
  const training = boolArg(op, "training", a.training, false);
  const momentum = numberArg(op, "momentum", a.momentum, 0.1);
  const eps = numberArg(op, "eps", a.eps, 1e-5);
  if (training) {
    const size = x.shape;
    let prod = size[0] ?? 1;
    for (let i = 2; i < size.length; i++) prod *= size[i]!;
    if (prod === 1) throw new Error(`Expected more than 1 value per channel when training, got input size ${torchSize(size)}`);
  }
  return keepChannelsLast(batchNormImpl(x, rm, rv, weight, bias, training, momentum, eps), x);
}

function batchNormImpl(x: Tensor, rm: Tensor | null, rv: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, eps: number): Tensor {
  const C = x.dim() >= 2 ? x.size(1) : 0;
  if (rm) checkFeatures("running_mean", C, rm); else if (!training) throw new Error("running_mean must be defined in evaluation mode");
  if (rv) checkFeatures("running_var", C, rv); else if (!training) throw new Error("running_var must be defined in evaluation mode");
  checkFeatures("weight", C, weight);
  checkFeatures("bias", C, bias);
  if (!x.dtype.isFloatingPoint) throw notImplementedFor("batch_norm", x.dtype);
  checkMixedNormDtypes(x, weight, bias, rm, rv);
  if (onDevice(x, rm, rv, weight, bias)) return deviceOp("batchNorm", "batch_norm")(x, rm, rv, weight, bias, training, momentum, eps);
  const geom = bnGeometry(x);
  const { N, S } = geom;
  const M = N * S;
  const xv = bnValues(x, geom);
  const wv = weight ? floatValues(weight) : null, bv = bias ? floatValues(bias) : null;
  // xv has the type of y's buffer (Float64Array for float64, else Float32Array).
  const fast = nativeNn(x.numel()) && sameFloats(xv, wv, bv);
  const out = bnOut(x, geom, fast);
  const y = out.data;
  let mean: Float64Array, invstd: Float64Array;
  if (training) {
    const st = fast ? nativeChannelStats(xv, geom) : channelStats(xv, geom);
    mean = st.mean;
    invstd = st.varBiased.map((v) => 1 / Math.sqrt(v + eps));
    noGrad(() => {
      if (rm) {
        const old = floatValues(rm);
        assignBuffer(rm, Float64Array.from(old, (v, c) => momentum * mean[c]! + (1 - momentum) * v));
      }
      if (rv) {
        const old = floatValues(rv);
        assignBuffer(rv, Float64Array.from(old, (v, c) => momentum * (st.varBiased[c]! * M / (M - 1)) + (1 - momentum) * v));
      }
    });
  } else {
    mean = Float64Array.from(floatValues(rm!));
    invstd = Float64Array.from(floatValues(rv!), (v) => 1 / Math.sqrt(v + eps));
  }
  if (fast) {
    const scale = Float64Array.from(invstd, (is, c) => is * (wv ? wv[c]! : 1));
    const shift = Float64Array.from(invstd, (_, c) => (bv ? bv[c]! : 0));
    native.batchNormApply(xv, y, N, C, S, mean, scale, shift);
  } else {
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const sc = invstd[c]! * (wv ? wv[c]! : 1), sh = bv ? bv[c]! : 0, m = mean[c]!;
        const base = (n * C + c) * S;
        for (let k = 0; k < S; k++) y[base + k] = (xv[base + k]! - m) * sc + sh;
      }
    }
  }
  const res = out.done();
  const r = record("NativeBatchNormBackward0", [x, weight, bias], res, ([g]) => {
    if (needsGrad(g, x, weight, bias)) return batchNormGradComposite(g!, x, weight, bias, training, mean, invstd, eps, geom);
    return batchNormGradKernel(g!, x, weight, bias, training, mean, invstd, geom);
  }, weight ? [x, weight] : [x]);
  if (tracing.on) traceOp("batch_norm", [x, rm, rv, weight, bias], r, { training, eps });
  return r;
}

function batchNormGradKernel(g: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null, training: boolean,
  mean: Float64Array, invstd: Float64Array, geom: BnGeom): (Tensor | null)[] {
  const { N, C, S } = geom;
  const M = N * S;
  const xv = bnValues(x, geom), gv = bnValues(g, geom), wv = weight ? floatValues(weight) : null;
  const sumG = new Float64Array(C), sumGX = new Float64Array(C);
  const fast = nativeNn(x.numel()) && sameFloats(xv, gv, wv);
  if (fast) native.batchNormBackwardReduce(gv, xv, N, C, S, mean, invstd, sumG, sumGX);
  else for (let c = 0; c < C; c++) {
    let sg = 0, sgx = 0;
    const m = mean[c]!, is = invstd[c]!;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let k = 0; k < S; k++) { const gk = gv[base + k]!; sg += gk; sgx += gk * (xv[base + k]! - m) * is; }
    }
    sumG[c] = sg;
    sumGX[c] = sgx;
  }
  let gx: Tensor | null = null;
  if (x._requiresGrad) {
    const out = bnOut(x, geom, fast);
    const d = out.data;
    if (fast) {
      const k1 = Float64Array.from(invstd, (is, c) => (wv ? wv[c]! : 1) * is);
      const mg = training ? Float64Array.from(sumG, (v) => v / M) : new Float64Array(C);
      const mgx = training ? Float64Array.from(sumGX, (v) => v / M) : new Float64Array(C);
      native.batchNormBackwardInput(gv, xv, d, N, C, S, mean, invstd, k1, mg, mgx);
    } else for (let c = 0; c < C; c++) {
      const m = mean[c]!, is = invstd[c]!, w = wv ? wv[c]! : 1;
      const k1 = w * is;
      const mg = training ? sumG[c]! / M : 0, mgx = training ? sumGX[c]! / M : 0;
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let k = 0; k < S; k++) {
          const p = base + k;
          d[p] = k1 * (gv[p]! - mg - (xv[p]! - m) * is * mgx);
        }
      }
    }
    gx = out.done();
  }
  const vec = (v: Float64Array, like: Tensor): Tensor => {
    const t = emptyTensor(like.shape, like.dtype);
    writeNumbers(t, v);
    return t;
  };
  return [gx, weight && weight._requiresGrad ? vec(sumGX, weight) : null, bias && bias._requiresGrad ? vec(sumG, bias) : null];
}

/** The same gradient in public ops (statistics recomputed from x), for double backward. */
function batchNormGradComposite(g: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null, training: boolean,
  mean: Float64Array, invstd: Float64Array, eps: number, geom: BnGeom): (Tensor | null)[] {
  const { dims, view } = geom;
  let xhat: Tensor, is: Tensor;
  if (training) {
    const xc = x.sub(x.mean(dims, true));
    is = xc.mul(xc).mean(dims, true).add(eps).rsqrt();
    xhat = xc.mul(is);
  } else {
    is = fromArray(invstd, [invstd.length], float64).to(x.dtype).view(view);
    xhat = x.sub(fromArray(mean, [mean.length], float64).to(x.dtype).view(view)).mul(is);
  }
  const dxhat = weight ? g.mul(weight.view(view)) : g;
  let gx: Tensor | null = null;
  if (x._requiresGrad) {
    gx = training
      ? dxhat.sub(dxhat.mean(dims, true)).sub(xhat.mul(dxhat.mul(xhat).mean(dims, true))).mul(is)
      : dxhat.mul(is);
  }
  return [
    gx,
    weight && weight._requiresGrad ? g.mul(xhat).sum(dims).reshape(weight.shape) : null,
    bias && bias._requiresGrad ? g.sum(dims).reshape(bias.shape) : null,
  ];
}

interface InstanceNormOptions extends Omit<BatchNormOptions, "training"> {
  runningMean?: Tensor | null; runningVar?: Tensor | null; useInputStats?: boolean;
}

/**
 * F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
 * use_input_stats=True, momentum=0.1, eps=1e-5): batch norm of the input viewed as (1, N*C, ...);
 * the running statistics get the mean over the batch of the per-instance updates.
 */
export function instanceNorm(input: Tensor,
  ...args: Args<[runningMean?: Tensor | null, runningVar?: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, useInputStats?: boolean, momentum?: number, eps?: number],
    InstanceNormOptions>): Tensor {
  const op = "instance_norm";
  const a = bindArgs(op, args, ["runningMean", "runningVar", "weight", "bias", "useInputStats", "momentum", "eps"], [], 1);
  const x = tensorArg(op, "input", 1, input);
  const rm = optTensorArg(op, "running_mean", 2, a.runningMean), rv = optTensorArg(op, "running_var", 3, a.runningVar);
  const weight = optTensorArg(op, "weight", 4, a.weight), bias = optTensorArg(op, "bias", 5, a.bias);
  const useInputStats = boolArg(op, "use_input_stats", a.useInputStats, true);
  const momentum = numberArg(op, "momentum", a.momentum, 0.1);
  const eps = numberArg(op, "eps", a.eps, 1e-5);
  if (useInputStats) {
    let prod = 1;
    for (let i = 2; i < x.dim(); i++) prod *= x.size(i);
    if (prod === 1) throw new Error(`Expected more than 1 spatial element when training, got input size ${torchSize(x.shape)}`);
  }
  if (!useInputStats && !(rm && rv)) throw new Error("Expected running_mean and running_var to be defined when use_input_stats is false");
  const b = x.size(0), c = x.size(1);
  const shape = x.shape;
  shape[1] = b * c;
  shape[0] = 1;
  const rep = (t: Tensor | null): Tensor | null => (t ? t.repeat(b) : null);
  const rm2 = rm ? rm.detach().repeat(b) : null, rv2 = rv ? rv.detach().repeat(b) : null;
  const out = batchNormImpl(x.contiguous().view(shape), rm2, rv2, rep(weight), rep(bias), useInputStats, momentum, eps);
  noGrad(() => {
    if (rm && rm2) rm.copy_(rm2.view(b, c).mean(0));
    if (rv && rv2) rv.copy_(rv2.view(b, c).mean(0));
  });
  return out.view(x.shape);
}
