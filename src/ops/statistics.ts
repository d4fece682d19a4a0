// torch.quantile / nanquantile and cov / corrcoef: composites of sort, gather, lerp and mm, so
// they get autograd (and double backward) from those. torch.histogram lives in histogram.ts.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { float32, float64, int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindArgs, checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { scalarTypeName } from "./indexing-kernels.js";
import { fromArray } from "./engine.js";
import { zerosLike } from "./creation.js";

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
interface QuantileOptions { dim?: number | null; keepdim?: boolean; interpolation?: QuantileInterpolation }

const INTERPOLATIONS: readonly string[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/**
 * torch.quantile(input, q, dim=None, keepdim=False, *, interpolation='linear'): the q-th quantiles
 * of each row along dim (of the flattened input without dim). A 1-d q puts its dim first. A row
 * with a NaN gives NaN.
 */
export function quantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor;
export function quantile<A extends Rebound<[input: Tensor, q: number | Tensor], ["input", "q"], QuantileOptions>>(...args: A): Tensor;
export function quantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor {
  if (autocasting.on && autocasts("quantile", arguments)) return runAutocast(quantile, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? q : input)) return rebind(quantile, "quantile", arguments, ["input", "q", "dim", "keepdim"], 2, ["interpolation"]);
  return quantileOf("quantile", input, q, args, false);
}

/** torch.nanquantile: quantile over the non-NaN values of each row (NaN where a row has none). */
export function nanquantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor;
export function nanquantile<A extends Rebound<[input: Tensor, q: number | Tensor], ["input", "q"], QuantileOptions>>(...args: A): Tensor;
export function nanquantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor {
  if (autocasting.on && autocasts("nanquantile", arguments)) return runAutocast(nanquantile, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? q : input)) return rebind(nanquantile, "nanquantile", arguments, ["input", "q", "dim", "keepdim"], 2, ["interpolation"]);
  return quantileOf("nanquantile", input, q, args, true);
}

function quantileOf(op: string, input: Tensor, q: number | Tensor, args: readonly unknown[], ignoreNan: boolean): Tensor {
  checkTensor(op, "input", input);
  const o = bindArgs(op, args, ["dim", "keepdim"], ["interpolation"]);
  const keepdim = (o.keepdim as boolean | undefined) ?? false;
  const interpolation = (o.interpolation as string | undefined) ?? "linear";
  const dimArg = (o.dim as number | null | undefined) ?? null;
  if (typeof q === "number") {
    if (!(q >= 0 && q <= 1)) throw new Error(`quantile() q must be in the range [0, 1] but got ${q}`);
  } else {
    checkTensor(op, "q", q);
  }
  if (input.numel() === 0) throw new Error("quantile() input tensor must be non-empty");
  if (q instanceof Tensor && q.dim() > 1) throw new Error("quantile() q must be a scalar or 1D tensor");
  if (input.dtype !== float32 && input.dtype !== float64) throw new Error("quantile() input tensor must be either float or double dtype");
  const qt = typeof q === "number" ? scalar(q, input.dtype) : q;
  if (qt.dtype !== input.dtype) throw new Error("quantile() q tensor must be same dtype as the input tensor");
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new Error(`quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interpolation}`);
  }
  const ndim = input.dim();
  const dim = dimArg === null ? null : normalizeDim(dimArg, Math.max(ndim, 1));
  if (typeof q !== "number" && !(qt.ge(0).logicalAnd(qt.le(1)).all().item() as boolean)) {
    throw new Error("quantile() q values must be in the range [0, 1]");
  }

  // Rows to reduce along the last dim; q as a 1-d tensor of Q values.
  const rows = dim === null ? input.reshape(-1) : ndim === 0 ? input.reshape(1) : input.movedim(dim, -1);
  const qs = qt.reshape(-1).to(float64);
  const n = rows.shape[rows.dim() - 1]!;
  const sorted = rows.sort(-1).values;
  let ranks: Tensor;
  if (ignoreNan) {
    const count = rows.isnan().logicalNot().sum(-1, true);
    ranks = qs.mul(count.sub(1));
    ranks = ranks.maskedFill(ranks.lt(0), 0);
  } else {
    // NaN sorts last: a row with one gathers it at every rank.
    const hasNan = sorted.narrow(-1, n - 1, 1).isnan();
    ranks = qs.mul(n - 1).where(hasNan.logicalNot(), n - 1);
  }
  if (interpolation === "lower") ranks = ranks.floor();
  else if (interpolation === "higher") ranks = ranks.ceil();
  else if (interpolation === "nearest") ranks = ranks.round();
  const below = ranks.to(int64);
  let values = sorted.gather(-1, below);
  if (interpolation === "linear" || interpolation === "midpoint") {
    const weights = interpolation === "midpoint" ? ranks.newFull(ranks.shape, 0.5).to(input.dtype) : ranks.sub(below).to(input.dtype);
    values = values.lerp(sorted.gather(-1, ranks.ceil().to(int64)), weights);
  }
  // values: [...rows' leading dims, Q]; the quantiles' dim goes first (or away for a scalar q).
  values = qt.dim() === 0 ? values.squeeze(-1) : values.movedim(-1, 0);
  if (!keepdim) return values;
  const lead = qt.dim() === 0 ? [] : [qs.numel()];
  if (dim === null) return values.reshape([...lead, ...new Array<number>(ndim).fill(1)]);
  return ndim === 0 ? values : values.unsqueeze(lead.length + dim);
}

function scalar(v: number, dtype: typeof float32): Tensor {
  return fromArray(dtype === float64 ? Float64Array.of(v) : Float32Array.of(v), [], dtype);
}

interface CovOptions { correction?: number; fweights?: Tensor | null; aweights?: Tensor | null }

/**
 * torch.cov(input, *, correction=1, fweights=None, aweights=None): the covariance matrix of the
 * variables in input's rows (observations in its columns); a scalar for one variable.
 */
export function cov(input: Tensor, options: CovOptions = {}): Tensor {
  checkTensor("cov", "input", input);
  bindArgs("cov", [options], [], ["correction", "fweights", "aweights"]);
  const correction = options.correction ?? 1;
  if (typeof correction !== "number" || !Number.isInteger(correction)) throw new Error(`cov(): argument 'correction' must be int, not ${typeof correction}`);
  if (input.dim() > 2) throw new Error(`cov(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  if (input.dtype.name === "bool") throw new Error("cov(): bool dtype is not supported for input");
  const x = input.dim() < 2 ? input.reshape(1, -1) : input;
  const observations = x.shape[1]!;
  const fweights = options.fweights ?? null, aweights = options.aweights ?? null;
  let w: Tensor | null = null;
  if (fweights !== null) {
    checkTensor("cov", "fweights", fweights);
    if (fweights.dim() > 1) throw new Error(`cov(): expected fweights to have one or fewer dimensions but got fweights with ${fweights.dim()} dimensions`);
    if (fweights.dtype.category !== "int") throw new Error(`cov(): expected fweights to have integral dtype but got fweights with ${scalarTypeName(fweights.dtype)} dtype`);
    if (fweights.numel() !== observations) throw new Error(`cov(): expected fweights to have the same numel as there are observations in the input but got ${fweights.numel()} != ${observations}`);
    if (observations > 0 && !(fweights.min().ge(0).item() as boolean)) throw new Error("cov(): fweights cannot be negative");
    w = fweights;
  }
  if (aweights !== null) {
    checkTensor("cov", "aweights", aweights);
    if (aweights.dim() > 1) throw new Error(`cov(): expected aweights to have one or fewer dimensions but got aweights with ${aweights.dim()} dimensions`);
    if (!aweights.dtype.isFloatingPoint) throw new Error(`cov(): expected aweights to have floating point dtype but got aweights with ${scalarTypeName(aweights.dtype)} dtype`);
    if (aweights.numel() !== observations) throw new Error(`cov(): expected aweights to have the same numel as there are observations in the input but got ${aweights.numel()} != ${observations}`);
    if (observations > 0 && !(aweights.min().ge(0).item() as boolean)) throw new Error("cov(): aweights cannot be negative");
    w = w === null ? aweights : w.mul(aweights);
  }
  const wSum: Tensor | number = w === null ? observations : w.sum();
  if (w !== null && (wSum as Tensor).eq(0).item()) throw new Error("cov(): weights sum to zero, can't be normalized");
  const avg = (w === null ? x : x.mul(w)).sum(1).div(wSum);
  let normFactor: Tensor | number;
  if (w === null) normFactor = observations - correction;
  else if (correction === 0) normFactor = wSum;
  else if (aweights === null) normFactor = (wSum as Tensor).sub(correction);
  else if (fweights === null && observations === 1 && correction === 1) normFactor = 0;
  else normFactor = (wSum as Tensor).sub(w.mul(aweights).sum().mul(correction).div(wSum));
  const nf = typeof normFactor === "number" ? normFactor : Number(normFactor.item());
  if (nf <= 0) {
    console.warn("UserWarning: cov(): degrees of freedom is <= 0");
    normFactor = 0;
  }
  // One observation with one kind of weight: the weighted mean is the observation itself.
  const centered = observations === 1 && (fweights === null) !== (aweights === null)
    ? zerosLike(x, { dtype: x.dtype.isFloatingPoint ? x.dtype : float32 })
    : x.sub(avg.unsqueeze(1));
  const c = centered.mm((w === null ? centered : centered.mul(w)).t());
  return c.div(normFactor).squeeze();
}

/** torch.corrcoef(input): Pearson's correlation coefficients of input's rows, clipped to [-1, 1]. */
export function corrcoef(input: Tensor): Tensor;
export function corrcoef<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function corrcoef(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("corrcoef", arguments, 1); else if (isOptionsObject(input)) return rebind(corrcoef, "corrcoef", arguments, ["input"], 1, []);
  checkTensor("corrcoef", "input", input);
  if (input.dim() > 2) throw new Error(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  const c = cov(input);
  if (c.dim() === 0) return c.div(c);
  const stddev = c.diagonal().sqrt();
  return c.div(stddev.view(-1, 1)).div(stddev.view(1, -1)).clip(-1, 1);
}

declare module "../core/tensor.js" {
  interface Tensor {
    quantile: Method<typeof quantile>;
    nanquantile: Method<typeof nanquantile>;
    cov: Method<typeof cov>;
    corrcoef: Method<typeof corrcoef>;
  }
}
installMethods({ quantile, nanquantile, cov, corrcoef });
