// torch.nn.init: PyTorch's initialisers, fan computations and gains. All run without autograd
// and draw from the same generator streams as PyTorch.

import type { Tensor } from "../core/tensor.js";
import type { Generator } from "../core/generator.js";
import { noGrad } from "../autograd/grad-mode.js";
import { randperm } from "../ops/random.js";
import { zeros } from "../ops/creation.js";
import * as linalg from "../ops/linalg.js";
import { warnOnce } from "../core/warnings.js";

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
export type FanMode = "fan_in" | "fan_out";

interface GenOpt { generator?: Generator | null }

function gen(o: GenOpt): { generator?: Generator } { return o.generator ? { generator: o.generator } : {}; }

/** nn.init.calculate_gain(nonlinearity, param). */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d": case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
      return 1;
    case "tanh": return 5 / 3;
    case "relu": return Math.sqrt(2);
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number") throw new Error(`negative_slope ${String(slope)} not a valid number`);
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case "selu": return 3 / 4;
    default: throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** PyTorch's _calculate_fan_in_and_fan_out. */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const d = tensor.dim();
  if (d < 2) throw new Error("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  const shape = tensor.shape;
  let receptive = 1;
  for (let i = 2; i < d; i++) receptive *= shape[i]!;
  return [shape[1]! * receptive, shape[0]! * receptive];
}

function fanOf(tensor: Tensor, mode: FanMode): number {
  if (mode !== "fan_in" && mode !== "fan_out") throw new Error(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return mode === "fan_in" ? fanIn : fanOut;
}

export function uniform_(tensor: Tensor, a = 0, b = 1, options: GenOpt = {}): Tensor {
  return noGrad(() => tensor.uniform_(a, b, gen(options)));
}

export function normal_(tensor: Tensor, mean = 0, std = 1, options: GenOpt = {}): Tensor {
  return noGrad(() => tensor.normal_(mean, std, gen(options)));
}

/** Normal(mean, std) truncated to [a, b], by PyTorch's inverse-CDF method. */
export function truncNormal_(tensor: Tensor, mean = 0, std = 1, a = -2, b = 2, options: GenOpt = {}): Tensor {
  const normCdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  return onHost(tensor, (tensor) => {
    const l = normCdf((a - mean) / std), u = normCdf((b - mean) / std);
    tensor.uniform_(2 * l - 1, 2 * u - 1, gen(options));
    tensor.erfinv_();
    tensor.mul_(std * Math.SQRT2);
    tensor.add_(mean);
    tensor.clamp_(a, b);
    return tensor;
  });
}

/**
 * Runs a multi-step initialisation without grad on `tensor`, or, for a tensor off the CPU, on a CPU
 * tensor of its shape that is then copied in: the CPU's draws and kernels (erfinv, QR, per-column
 * fills) whatever the device, as the device's random fills also take the CPU generator's draws.
 */
function onHost(tensor: Tensor, init: (t: Tensor) => Tensor): Tensor {
  return noGrad(() => {
    if (tensor.device.type === "cpu") return init(tensor);
    const host = zeros(tensor.shape, { dtype: tensor.dtype });
    init(host);
    return tensor.copy_(host);
  });
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is not exact enough; use a series/continued fraction split.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t, term = t;
    for (let n = 1; n < 60; n++) {
      term *= -t * t / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

export function constant_(tensor: Tensor, val: number): Tensor { return noGrad(() => tensor.fill_(val)); }
export function ones_(tensor: Tensor): Tensor { return constant_(tensor, 1); }
export function zeros_(tensor: Tensor): Tensor { return constant_(tensor, 0); }

export function eye_(tensor: Tensor): Tensor {
  if (tensor.dim() !== 2) throw new Error("Only tensors with 2 dimensions are supported");
  return noGrad(() => {
    tensor.zero_();
    const n = Math.min(tensor.shape[0]!, tensor.shape[1]!);
    tensor.diagonal().narrow(0, 0, n).fill_(1);
    return tensor;
  });
}

/** Identity-preserving init of {3,4,5}-d conv weights. */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  const d = tensor.dim();
  if (d < 3 || d > 5) throw new Error("Only tensors with 3, 4, or 5 dimensions are supported");
  const shape = tensor.shape;
  if (shape[0]! % groups !== 0) throw new Error("dim 0 must be divisible by groups");
  const outPerGroup = shape[0]! / groups;
  const minDim = Math.min(outPerGroup, shape[1]!);
  return noGrad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < minDim; i++) {
        let v = tensor.select(0, g * outPerGroup + i).select(0, i);
        for (let k = 2; k < d; k++) v = v.select(0, Math.floor(shape[k]! / 2));
        v.fill_(1);
      }
    }
    return tensor;
  });
}

export function xavierUniform_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(tensor, -a, a, options);
}

export function xavierNormal_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

interface KaimingOptions extends GenOpt { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity }

function kaimingArgs(a: number | KaimingOptions, mode: FanMode, nonlinearity: Nonlinearity, options: GenOpt): Required<Omit<KaimingOptions, "generator">> & GenOpt {
  if (typeof a === "object") return { a: a.a ?? 0, mode: a.mode ?? "fan_in", nonlinearity: a.nonlinearity ?? "leaky_relu", generator: a.generator ?? null };
  return { a, mode, nonlinearity, generator: options.generator ?? null };
}

export function kaimingUniform_(tensor: Tensor, a: number | KaimingOptions = 0, mode: FanMode = "fan_in", nonlinearity: Nonlinearity = "leaky_relu", options: GenOpt = {}): Tensor {
  const o = kaimingArgs(a, mode, nonlinearity, options);
  if (tensor.numel() === 0) return tensor;
  const std = calculateGain(o.nonlinearity, o.a) / Math.sqrt(fanOf(tensor, o.mode));
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound, o);
}

export function kaimingNormal_(tensor: Tensor, a: number | KaimingOptions = 0, mode: FanMode = "fan_in", nonlinearity: Nonlinearity = "leaky_relu", options: GenOpt = {}): Tensor {
  const o = kaimingArgs(a, mode, nonlinearity, options);
  if (tensor.numel() === 0) return tensor;
  const std = calculateGain(o.nonlinearity, o.a) / Math.sqrt(fanOf(tensor, o.mode));
  return normal_(tensor, 0, std, o);
}

/** (Semi-)orthogonal init via QR of a normal matrix, sign-corrected as PyTorch does. */
export function orthogonal_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  if (tensor.dim() < 2) throw new Error("Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() === 0) return tensor;
  return onHost(tensor, (tensor) => {
    const rows = tensor.shape[0]!, cols = tensor.numel() / rows;
    let flat = tensor.newZeros([rows, cols]).normal_(0, 1, gen(options));
    if (rows < cols) flat = flat.t();
    const [q0, r] = qr(flat);
    let q = q0.mul(r.diagonal().sign());
    if (rows < cols) q = q.t();
    tensor.view(q.shape).copy_(q);
    tensor.mul_(gain);
    return tensor;
  });
}

function qr(t: Tensor): [Tensor, Tensor] {
  const f = (linalg as unknown as { qr?: (t: Tensor) => Tensor[] }).qr;
  if (!f) throw new Error("orthogonal_: torch.linalg.qr is not available");
  const [q, r] = f(t);
  return [q!, r!];
}

/** Sparse init: each column gets `sparsity` of its rows zeroed, the rest N(0, std). */
export function sparse_(tensor: Tensor, sparsity: number, std = 0.01, options: GenOpt = {}): Tensor {
  if (tensor.dim() !== 2) throw new Error("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape as [number, number];
  const numZeros = Math.ceil(sparsity * rows);
  return onHost(tensor, (tensor) => {
    tensor.normal_(0, std, gen(options));
    for (let c = 0; c < cols; c++) {
      const perm = randpermImpl(rows, options);
      for (let k = 0; k < numZeros; k++) tensor.select(1, c).select(0, perm[k]!).fill_(0);
    }
    return tensor;
  });
}

function randpermImpl(n: number, o: GenOpt): number[] {
  return randperm(n, gen(o)).tolist() as number[];
}

/** PyTorch's deprecated names without the trailing underscore: each warns once, then runs the in-place form. */
function deprecatedAlias<F extends (...a: never[]) => Tensor>(oldName: string, f: F): F {
  const alias = (...args: Parameters<F>): Tensor => {
    warnOnce(`nn.init.${oldName} is now deprecated in favor of nn.init.${oldName}_.`);
    return f(...args);
  };
  return alias as F;
}

/** Deprecated: nn.init.normal_. */
export const normal = deprecatedAlias("normal", normal_);
/** Deprecated: nn.init.uniform_. */
export const uniform = deprecatedAlias("uniform", uniform_);
/** Deprecated: nn.init.constant_. */
export const constant = deprecatedAlias("constant", constant_);
/** Deprecated: nn.init.eye_. */
export const eye = deprecatedAlias("eye", eye_);
/** Deprecated: nn.init.dirac_. */
export const dirac = deprecatedAlias("dirac", dirac_);
/** Deprecated: nn.init.xavier_uniform_. */
export const xavierUniform = deprecatedAlias("xavier_uniform", xavierUniform_);
/** Deprecated: nn.init.xavier_normal_. */
export const xavierNormal = deprecatedAlias("xavier_normal", xavierNormal_);
/** Deprecated: nn.init.kaiming_uniform_. */
export const kaimingUniform = deprecatedAlias("kaiming_uniform", kaimingUniform_);
/** Deprecated: nn.init.kaiming_normal_. */
export const kaimingNormal = deprecatedAlias("kaiming_normal", kaimingNormal_);
/** Deprecated: nn.init.orthogonal_. */
export const orthogonal = deprecatedAlias("orthogonal", orthogonal_);
/** Deprecated: nn.init.sparse_. */
export const sparse = deprecatedAlias("sparse", sparse_);
