// torch.histogram and torch.histogramdd: PyTorch computes both with one kernel (histogram is
// histogramdd of the values as 1-d points), and so do they here: the same checks, edges, binning
// and density, hence the same "torch.histogramdd" messages. Not differentiable, as in PyTorch.

import { Tensor } from "../core/tensor.js";
import { type DType, cppTypeName, float32, float64 } from "../core/dtype.js";
import { type Args, bindArgs, checkTensor, cppDouble, installMethods, type Method } from "./args.js";
import { scalarTypeName } from "./indexing-kernels.js";
import { noGrad } from "../autograd/grad-mode.js";
import { fromArray, toNumbers } from "./engine.js";
import { linspace } from "./creation.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

export type HistogramResult = [Tensor, Tensor] & { hist: Tensor; binEdges: Tensor };
export type HistogramddResult = [Tensor, Tensor[]] & { hist: Tensor; binEdges: Tensor[] };
interface HistogramOptions { range?: [number, number] | null; weight?: Tensor | null; density?: boolean }
interface HistogramddOptions { range?: number[] | null; weight?: Tensor | null; density?: boolean }

/**
 * torch.histogram(input, bins=100, *, range=None, weight=None, density=False): the
 * (optionally weighted) counts of input's values in bins equal-width bins over range (input's
 * min and max by default), or between the edges a 1-d bins tensor gives. Returns
 * (hist, binEdges).
 */
export function histogram(input: Tensor, ...args: Args<[bins?: number | Tensor], HistogramOptions & { bins?: number | Tensor }>): HistogramResult {
  checkTensor("histogram", "input", input);
  const o = bindArgs("histogram", args, ["bins"], ["range", "weight", "density"]);
  const bins = (o.bins ?? 100) as number | Tensor;
  const weight = (o.weight ?? null) as Tensor | null, density = (o.density ?? false) as boolean;
  const range = (o.range ?? null) as [number, number] | null;
  if (bins instanceof Tensor && range !== null) throw new Error("histogram(): range cannot be given with a bins tensor (the tensor holds the edges)");
  if (!(bins instanceof Tensor) && (typeof bins !== "number" || !Number.isInteger(bins))) {
    throw new Error(`histogram(): argument 'bins' (position 2) must be int or Tensor, not ${typeof bins}`);
  }
  if (weight !== null) {
    checkTensor("histogram", "weight", weight);
    if (weight.dtype === input.dtype && weight.numel() !== input.numel()) {
      throw new Error(`torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [${input.numel()}, 1] and weight with shape [${weight.numel()}]`);
    }
  }
  if (range !== null && (!Array.isArray(range) || range.length !== 2)) {
    throw new Error(`torch.histogramdd: for a 1-dimensional histogram range should have 2 elements, but got ${Array.isArray(range) ? range.length : typeof range}`);
  }
  // PyTorch flattens the input to [numel, 1] points and the weight to [numel].
  const { hist, edges } = histogramOfPoints("histogram", input.reshape(-1, 1), bins instanceof Tensor ? [bins] : [bins], range, weight?.reshape(-1) ?? null, density);
  return namedTupleOf("binEdges", hist, edges[0]!) as HistogramResult;
}

/**
 * torch.histogramdd(input, bins, *, range=None, weight=None, density=False): input's rows (all
 * dims but the last flattened) as points in N = input.shape[-1] dimensions, counted (or their
 * weights summed) in a grid of bins: `bins` one count for every dim, N counts, or N 1-d tensors of
 * edges; `range` [min0, max0, min1, max1, ...] for counts (each dim's min and max by default).
 * Returns (hist, binEdges), one edges tensor per dim.
 */
export function histogramdd(input: Tensor, ...args: Args<[bins?: number | number[] | Tensor[]], HistogramddOptions & { bins?: number | number[] | Tensor[] }>): HistogramddResult {
  checkTensor("histogramdd", "input", input);
  const o = bindArgs("histogramdd", args, ["bins"], ["range", "weight", "density"], 1);
  if (o.bins === undefined) throw new Error("histogramdd() missing 1 required positional argument: 'bins'");
  const bins = o.bins as number | number[] | Tensor[];
  const weight = (o.weight ?? null) as Tensor | null, density = (o.density ?? false) as boolean;
  const range = (o.range ?? null) as number[] | null;
  if (input.dim() < 2) throw new Error("torch.histogramdd: input tensor should have at least 2 dimensions");
  const N = input.shape[input.dim() - 1]!;
  let spec: number[] | Tensor[];
  if (typeof bins === "number") spec = new Array<number>(N).fill(bins);
  else if (Array.isArray(bins) && bins.every((b) => b instanceof Tensor)) spec = bins as Tensor[];
  else if (Array.isArray(bins) && bins.every((b) => typeof b === "number")) spec = bins as number[];
  else throw new Error("histogramdd(): argument 'bins' must be int, a list of ints or a list of Tensors");
  if (spec.some((b) => typeof b === "number" && !Number.isInteger(b))) throw new Error("histogramdd(): argument 'bins' must be int, a list of ints or a list of Tensors");
  if (typeof spec[0] === "number" && spec.length !== N) {
    throw new Error(`torch.histogramdd: expected ${N} bin counts for a ${N}-dimensional histogram but got ${spec.length}`);
  }
  if (weight !== null) {
    checkTensor("histogramdd", "weight", weight);
    const pointsShape = input.shape.slice(0, -1);
    const weightShape = weight.dim() === 0 ? [1] : weight.shape;
    if (weightShape.length !== pointsShape.length || weightShape.some((s, i) => s !== pointsShape[i])) {
      throw new Error(`torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [${input.shape.join(", ")}] and weight with shape [${weight.shape.join(", ")}]`);
    }
  }
  const { hist, edges } = histogramOfPoints("histogramdd", input.reshape(-1, N), spec, range, weight?.reshape(-1) ?? null, density);
  return namedTupleOf("binEdges", hist, edges) as HistogramddResult;
}

function namedTupleOf(edgesName: string, hist: Tensor, edges: Tensor | Tensor[]): unknown {
  const out = [hist, edges];
  Object.defineProperty(out, "hist", { value: hist, enumerable: false });
  Object.defineProperty(out, edgesName, { value: edges, enumerable: false });
  return out;
}

/**
 * The histogram of M points in N dims (`points` [M, N]; `weight` [M] or null): PyTorch's checks,
 * then each dim's edges (the given tensor, or bins + 1 evenly spaced ones), then the counts.
 */
function histogramOfPoints(op: string, points: Tensor, bins: number[] | Tensor[], range: number[] | null, weight: Tensor | null, density: boolean): { hist: Tensor; edges: Tensor[] } {
  const dtype = points.dtype;
  const N = points.shape[1]!;
  if (dtype !== float32 && dtype !== float64) throw new Error(`"histogramdd" not implemented for '${scalarTypeName(dtype)}'`);
  if (onDevice(points, bins, weight)) throw notImplementedOnDevice(op);
  if (bins[0] instanceof Tensor || bins.length === 0) {
    if (bins.length !== N) throw new Error(`torch.histogramdd: expected ${N} sequences of bin edges for a ${N}-dimensional histogram but got ${bins.length}`);
    (bins as Tensor[]).forEach((b, d) => {
      if (b.dtype !== dtype) {
        throw new Error(`torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype ${cppTypeName(dtype)} and bins for dimension ${d} with dtype ${cppTypeName(b.dtype)}`);
      }
      if (b.dim() !== 1) throw new Error(`torch.histogramdd: bins tensor should have one dimension, but got ${b.dim()} dimensions in the bins tensor for dimension ${d}`);
      if (b.numel() === 0) throw new Error(`torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension ${d}`);
    });
  }
  const counts = bins.map((b) => (b instanceof Tensor ? b.numel() - 1 : b));
  counts.forEach((c, d) => { if (!(c > 0)) throw new Error(`torch.histogram(): bins must be > 0, but got ${c} for dimension ${d}`); });
  if (!(bins[0] instanceof Tensor) && range !== null && range.length !== 2 * N) {
    throw new Error(`torch.histogramdd: for a ${N}-dimensional histogram range should have ${2 * N} elements, but got ${range.length}`);
  }
  if (weight !== null && weight.dtype !== dtype) {
    throw new Error(`torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(${cppTypeName(dtype)}), and weight(${cppTypeName(weight.dtype)})`);
  }
  return noGrad(() => {
    const values = toNumbers(points.detach().contiguous());
    const M = points.shape[0]!;
    const edges = bins.map((b, d) => (b instanceof Tensor ? b.detach().clone() : evenEdges(values, M, N, d, b, range, dtype)));
    const w = weight === null ? null : toNumbers(weight.detach().contiguous());
    let hist = countPoints(values, M, N, edges.map((e) => toNumbers(e)), w, counts, dtype);
    if (density) {
      hist = hist.div(hist.sum());
      edges.forEach((e, d) => {
        const shape = new Array<number>(N).fill(1);
        shape[d] = counts[d]!;
        hist = hist.div(e.narrow(0, 1, counts[d]!).sub(e.narrow(0, 0, counts[d]!)).reshape(shape));
      });
    }
    return { hist, edges };
  });
}

/**
 * bins + 1 evenly spaced edges of dim d between the range's pair or the points' min and max (0 and
 * 1 without points), widened by ½ on each side when they are equal (numpy's rule).
 */
function evenEdges(values: ArrayLike<number>, M: number, N: number, d: number, bins: number, range: number[] | null, dtype: DType): Tensor {
  let lo = 0, hi = 1;
  if (range !== null) [lo, hi] = [range[2 * d]!, range[2 * d + 1]!];
  else if (M > 0) {
    lo = Infinity; hi = -Infinity;
    for (let i = 0; i < M; i++) {
      const v = values[i * N + d]!;
      if (v !== v) { lo = hi = NaN; break; }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`torch.histogramdd: dimension ${d}'s range [${cppDouble(lo)}, ${cppDouble(hi)}] is not finite`);
  if (lo > hi) throw new Error(`torch.histogramdd: min should not exceed max, but got min ${cppDouble(lo)} max ${cppDouble(hi)} for dimension ${d}`);
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  return linspace(lo, hi, bins + 1, { dtype });
}

/**
 * The (weighted) count of points in each cell of the grid: a point outside the edges in any dim is
 * left out; each bin is closed on the left, the last one of each dim on the right too. Sums in the
 * input's dtype, as PyTorch's kernel.
 */
function countPoints(values: ArrayLike<number>, M: number, N: number, edges: ArrayLike<number>[], w: ArrayLike<number> | null, counts: number[], dtype: DType): Tensor {
  const round = dtype === float32 ? Math.fround : (v: number) => v;
  const strides = new Array<number>(N);
  let size = 1;
  for (let d = N - 1; d >= 0; d--) { strides[d] = size; size *= counts[d]!; }
  const hist = new Float64Array(size);
  points: for (let i = 0; i < M; i++) {
    let cell = 0;
    for (let d = 0; d < N; d++) {
      const e = edges[d]!, bins = counts[d]!;
      const v = values[i * N + d]!;
      if (!(v >= e[0]! && v <= e[bins]!)) continue points;
      // The last edge <= v (an upper bound, less one); the rightmost bin takes its right edge.
      let lo = 0, hi = bins + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (e[mid]! <= v) lo = mid + 1; else hi = mid;
      }
      cell += Math.min(Math.max(lo - 1, 0), bins - 1) * strides[d]!;
    }
    hist[cell] = round(hist[cell]! + (w === null ? 1 : w[i]!));
  }
  return fromArray(dtype === float32 ? Float32Array.from(hist) : hist, counts, dtype);
}

declare module "../core/tensor.js" {
  interface Tensor {
    histogram: Method<typeof histogram>;
  }
}
installMethods({ histogram });
