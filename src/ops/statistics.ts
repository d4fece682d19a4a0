// torch.quantile / nanquantile, cov / corrcoef and histogram: composites of sort, gather, lerp,
// mm and searchsorted, so quantile, cov and corrcoef get autograd (and double backward) from those.

import { Tensor } from "../core/tensor.js";
import { float32, float64, int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindArgs, checkTensor, cppDouble, installMethods, type Method, checkArgs, isOptionsObject, rebind } from "./args.js";
import { namedTuple } from "./named-tuple.js";
import { scalarTypeName } from "./indexing-kernels.js";
import { noGrad } from "../autograd/grad-mode.js";
import { fromArray, toNumbers } from "./engine.js";
import { linspace, zerosLike } from "./creation.js";

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
interface QuantileOptions { dim?: number | null; keepdim?: boolean; interpolation?: QuantileInterpolation }

const INTERPOLATIONS: readonly string[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/**
 * torch.quantile(input, q, dim=None, keepdim=False, *, interpolation='linear'): the q-th quantiles
 * of each row along dim (of the flattened input without dim). A 1-d q puts its dim first. A row
 * with a NaN gives NaN.
 */
export function quantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? q : input)) return rebind(quantile, "quantile", arguments, ["input", "q", "dim", "keepdim"], 2, ["interpolation"]);
  return quantileOf("quantile", input, q, args, false);
}

/** torch.nanquantile: quantile over the non-NaN values of each row (NaN where a row has none). */
export function nanquantile(input: Tensor, q: number | Tensor, ...args: Args<[dim?: number | null, keepdim?: boolean], QuantileOptions>): Tensor {
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
export function corrcoef(input: Tensor): Tensor { if (arguments.length > 1) checkArgs("corrcoef", arguments, 1); else if (isOptionsObject(input)) return rebind(corrcoef, "corrcoef", arguments, ["input"], 1, []);
  checkTensor("corrcoef", "input", input);
  if (input.dim() > 2) throw new Error(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  const c = cov(input);
  if (c.dim() === 0) return c.div(c);
  const stddev = c.diagonal().sqrt();
  return c.div(stddev.view(-1, 1)).div(stddev.view(1, -1)).clip(-1, 1);
}

export type HistogramResult = [Tensor, Tensor] & { hist: Tensor; binEdges: Tensor };
interface HistogramOptions { range?: [number, number] | null; weight?: Tensor | null; density?: boolean }

/**
 * torch.histogram(input, bins=100, *, range=None, weight=None, density=False): the
 * (optionally weighted) counts of input's values in bins equal-width bins over range (input's
 * min and max by default), or between the edges a 1-d bins tensor gives. Returns
 * (hist, binEdges). Not differentiable, as in PyTorch.
 */
export function histogram(input: Tensor, ...args: Args<[bins?: number | Tensor], HistogramOptions & { bins?: number | Tensor }>): HistogramResult {
  checkTensor("histogram", "input", input);
  const o = bindArgs("histogram", args, ["bins"], ["range", "weight", "density"]);
  const bins = (o.bins ?? 100) as number | Tensor;
  const weight = (o.weight ?? null) as Tensor | null, density = (o.density ?? false) as boolean;
  const range = (o.range ?? null) as [number, number] | null;
  if (bins instanceof Tensor && range !== null) throw new Error("histogram(): range cannot be given with a bins tensor (the tensor holds the edges)");
  if (input.dtype !== float32 && input.dtype !== float64) throw new Error(`"histogramdd" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (bins instanceof Tensor) {
    if (bins.dim() !== 1) throw new Error(`torch.histogramdd: bins tensor should have one dimension, but got ${bins.dim()} dimensions in the bins tensor for dimension 0`);
    if (bins.dtype !== input.dtype) {
      throw new Error(`torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype ${cName(input.dtype)} and bins for dimension 0 with dtype ${cName(bins.dtype)}`);
    }
  } else if (typeof bins !== "number" || !Number.isInteger(bins)) {
    throw new Error(`histogram(): argument 'bins' (position 2) must be int or Tensor, not ${typeof bins}`);
  }
  if (weight !== null) {
    checkTensor("histogram", "weight", weight);
    if (weight.dtype !== input.dtype) {
      throw new Error(`torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(${cName(input.dtype)}), and weight(${cName(weight.dtype)})`);
    }
    if (weight.numel() !== input.numel() || weight.dim() !== input.dim() || weight.shape.some((s, i) => s !== input.shape[i])) {
      throw new Error(`torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [${input.numel()}, 1] and weight with shape [${weight.shape.join(", ")}]`);
    }
  }
  const binCount = bins instanceof Tensor ? bins.numel() - 1 : bins;
  if (binCount < 1) throw new Error(`torch.histogram(): bins must be > 0, but got ${binCount} for dimension 0`);
  return noGrad(() => {
    const values = toNumbers(input.detach().contiguous().reshape(-1));
    let edges: Tensor;
    if (bins instanceof Tensor) {
      edges = bins.detach().clone();
    } else {
      let lo = 0, hi = 1;
      if (range !== null) {
        if (!Array.isArray(range) || range.length !== 2) throw new Error(`torch.histogramdd: for a 1-dimensional histogram range should have 2 elements, but got ${Array.isArray(range) ? range.length : typeof range}`);
        [lo, hi] = range;
      } else if (values.length) {
        lo = Infinity; hi = -Infinity;
        for (const v of values) {
          if (v !== v) { lo = hi = NaN; break; }
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`torch.histogramdd: dimension 0's range [${cppDouble(lo)}, ${cppDouble(hi)}] is not finite`);
      if (lo > hi) throw new Error(`torch.histogramdd: min should not exceed max, but got min ${cppDouble(lo)} max ${cppDouble(hi)} for dimension 0`);
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      edges = linspace(lo, hi, binCount + 1, { dtype: input.dtype });
    }
    const e = toNumbers(edges);
    const w = weight === null ? null : toNumbers(weight.detach().contiguous().reshape(-1));
    const round = input.dtype === float32 ? Math.fround : (v: number) => v;
    const counts = new Float64Array(binCount);
    const first = e[0]!, last = e[binCount]!;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= first && v <= last)) continue;
      // The last edge <= v (upper bound - 1), the rightmost bin closed on the right.
      let lo = 0, hi = binCount + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (e[mid]! <= v) lo = mid + 1; else hi = mid;
      }
      const bin = Math.min(Math.max(lo - 1, 0), binCount - 1);
      counts[bin] = round(counts[bin]! + (w === null ? 1 : w[i]!));
    }
    let hist = fromArray(input.dtype === float32 ? Float32Array.from(counts) : counts, [binCount], input.dtype);
    if (density) hist = hist.div(hist.sum()).div(edges.narrow(0, 1, binCount).sub(edges.narrow(0, 0, binCount)));
    return namedTuple(["hist", "binEdges"], [hist, edges]) as unknown as HistogramResult;
  });
}

/** C++'s type name of a dtype, as histogram's messages print it. */
function cName(d: typeof float32): string {
  return d === float64 ? "double" : d === float32 ? "float" : d.name;
}

declare module "../core/tensor.js" {
  interface Tensor {
    quantile: Method<typeof quantile>;
    nanquantile: Method<typeof nanquantile>;
    cov: Method<typeof cov>;
    corrcoef: Method<typeof corrcoef>;
    histogram: Method<typeof histogram>;
  }
}
installMethods({ quantile, nanquantile, cov, corrcoef, histogram });
