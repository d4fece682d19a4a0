// torch.segment_reduce: reductions over consecutive segments of one axis, the segments given by
// their lengths or offsets (batched over the dims before the axis), with PyTorch 1.13's checks,
// results (empty segments take `initial`, else the reduction's identity, NaN for mean) and
// gradient (ATen's _segment_reduce_backward, which has no derivative itself).

import { Tensor } from "../core/tensor.js";
import { type DType, roundToDType } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { type Args, bindArgs, checkTensor, describe, isOptionsObject, rebind, type Rebound } from "./args.js";
import { emptyTensor, toNumbers, writeNumbers } from "./engine.js";
import { checkScalarFits, notImplementedFor } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { type SegmentPlan, type SegmentReduction, segmentReduceBackward, segmentReduceForward } from "./segment-reduce-kernels.js";

export type { SegmentReduction };

export interface SegmentReduceOptions {
  lengths?: Tensor | null; indices?: Tensor | null; offsets?: Tensor | null;
  axis?: number; unsafe?: boolean; initial?: number | boolean | Tensor | null;
}

const OP = "segment_reduce";
const KEYWORDS = ["lengths", "indices", "offsets", "axis", "unsafe", "initial"];
const REDUCTIONS: readonly string[] = ["sum", "mean", "max", "min", "prod"];
const DATA_DTYPES = new Set(["float16", "bfloat16", "float32", "float64"]);

/** ATen's TORCH_CHECK message for a condition without its own words. */
const checkFailed = (condition: string): Error =>
  new Error(`Expected ${condition} to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)`);

const roundingFor = (dtype: DType): ((v: number) => number) =>
  dtype.name === "float64" ? (v) => v : dtype.name === "float32" ? Math.fround : (v) => roundToDType(v, dtype);

/**
 * torch.segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0,
 * unsafe=False, initial=None): `reduce` ("sum" | "mean" | "max" | "min" | "prod") over the
 * segments of `axis`. `lengths` (int64/int32, shape data.shape[:axis] + [segments]) gives each
 * segment's length, and must sum to data.size(axis) unless `unsafe`; `offsets` (shape
 * data.shape[:axis] + [segments + 1]) gives their bounds, and wins when both are given. The axis
 * must be the last dim of lengths/offsets. Data is float16/bfloat16/float32/float64.
 */
export function segmentReduce(data: Tensor, reduce: SegmentReduction, ...args: Args<[], SegmentReduceOptions>): Tensor;
export function segmentReduce<A extends Rebound<[data: Tensor, reduce: SegmentReduction], ["data", "reduce"], SegmentReduceOptions>>(...args: A): Tensor;
export function segmentReduce(data: Tensor, reduce: SegmentReduction, ...args: Args<[], SegmentReduceOptions>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? reduce : data)) return rebind(segmentReduce, OP, arguments, ["data", "reduce"], 2, KEYWORDS);
  const a = bindArgs(OP, args, [], KEYWORDS, 2) as SegmentReduceOptions;
  checkTensor(OP, "data", data);
  if (typeof reduce !== "string") throw new Error(`segment_reduce(): argument 'reduce' (position 2) must be str, not ${describe(reduce)}`);
  const optionalTensor = (name: string, v: unknown): Tensor | null => (v === undefined || v === null ? null : checkTensor(OP, name, v as Tensor));
  const lengths = optionalTensor("lengths", a.lengths), offsets = optionalTensor("offsets", a.offsets);
  const axisArg = a.axis ?? 0, unsafe = a.unsafe ?? false;
  if (typeof axisArg !== "number" || !Number.isInteger(axisArg)) throw new Error(`segment_reduce(): argument 'axis' must be int, not ${describe(axisArg)}`);
  if (typeof unsafe !== "boolean") throw new Error(`segment_reduce(): argument 'unsafe' must be bool, not ${describe(unsafe)}`);
  const initial = initialValue(a.initial);

  const axis = normalizeDim(axisArg, data.dim());
  if (!(data.numel() > 0)) throw checkFailed("data.numel() > 0");
  if (a.indices !== undefined && a.indices !== null) throw new Error("segment_reduce(): indices based reduction is not supported yet.");
  const bounds = offsets ?? lengths;
  if (!bounds) throw new Error("segment_reduce(): Either lengths or offsets must be defined.");
  if (!REDUCTIONS.includes(reduce)) throw new Error(`unsupported reduction given! ${reduce}`);
  const kind = offsets ? "offsets" : "lengths";
  if (!(data.dim() >= bounds.dim())) throw checkFailed(`data.dim() >= ${kind}_value.dim()`);
  if (axis !== bounds.dim() - 1) throw new Error(`segment_reduce(): Expected axis to be the last dimension of ${kind} but got ${axis}.`);
  // PyTorch 1.13 reads past the lengths here (it crashes); later versions refuse, as this does.
  const dataBatch = data.shape.slice(0, axis), boundsBatch = bounds.shape.slice(0, axis);
  if (dataBatch.some((n, i) => n !== boundsBatch[i])) {
    throw new Error(`segment_reduce: Expected data and ${kind} to have the same batch size, but got [${dataBatch.join(", ")}] and [${boundsBatch.join(", ")}]`);
  }
  if (onDevice(data, bounds)) throw notImplementedOnDevice(OP);
  const boundValues = toNumbers(bounds);
  if (!offsets && !unsafe) {
    if (boundValues.length === 0) throw new Error("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
    if (boundValues.some((n) => n < 0)) throw new Error("lengths contains negative value!");
  }
  const plan = planSegments(data, axis, boundValues, bounds.size(-1), offsets !== null);
  if (!offsets && !unsafe && plan.rowTotals.some((t) => t !== data.size(axis))) {
    throw new Error("segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.");
  }
  if (bounds.dtype.name !== "int64" && bounds.dtype.name !== "int32") throw notImplementedFor(`_segment_reduce_${kind}_cpu_kernel1`, bounds.dtype);
  if (!DATA_DTYPES.has(data.dtype.name)) throw notImplementedFor("_segment_reduce_cpu", data.dtype);
  if (initial !== null) checkScalarFits(initial, data.dtype);
  checkSegmentsInside(plan);

  const round = roundingFor(data.dtype);
  const outShape = data.shape.slice();
  outShape[axis] = plan.segments;
  const out = emptyTensor(outShape, data.dtype);
  writeNumbers(out, segmentReduceForward(toNumbers(data), plan, reduce as SegmentReduction, initial, round));
  return record("SegmentReduceBackward0", [data], out, ([g]) => {
    const gradInput = emptyTensor(data.shape, data.dtype);
    writeNumbers(gradInput, segmentReduceBackward(toNumbers(g!), toNumbers(out), toNumbers(data), plan, reduce as SegmentReduction, initial, round));
    // ATen's _segment_reduce_backward has no derivative: a second backward through it throws.
    return [record("NotImplemented", [g, data], gradInput, () => { throw new Error("derivative for aten::_segment_reduce_backward is not implemented"); })];
  }, [data, out]);
}

/** `initial` as a number (PyTorch's Scalar: a number, a bool or a one-element tensor). */
function initialValue(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return Number(v);
  if (v instanceof Tensor && v.numel() === 1 && !v.dtype.isComplex) return Number(v.item());
  throw new Error(`segment_reduce(): argument 'initial' must be Number, not ${describe(v)}`);
}

interface PlannedSegments extends SegmentPlan { rowTotals: number[] }

/** The segments' starts and lengths per batch, from lengths (cumulative) or offsets (differences). */
function planSegments(data: Tensor, axis: number, bounds: ArrayLike<number>, lastSize: number, fromOffsets: boolean): PlannedSegments {
  const outer = data.shape.slice(0, axis).reduce((p, n) => p * n, 1);
  const inner = data.shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const segments = fromOffsets ? Math.max(lastSize - 1, 0) : lastSize;
  const starts = new Float64Array(outer * segments), lengths = new Float64Array(outer * segments);
  const rowTotals: number[] = [];
  for (let b = 0; b < outer; b++) {
    let position = 0;
    for (let s = 0; s < segments; s++) {
      const i = b * segments + s;
      if (fromOffsets) {
        starts[i] = bounds[b * lastSize + s]!;
        lengths[i] = bounds[b * lastSize + s + 1]! - starts[i]!;
        if (lengths[i]! < 0) throw checkFailed("segment_length >= 0");
      } else {
        starts[i] = position;
        lengths[i] = bounds[i]!;
        position += lengths[i]!;
      }
    }
    rowTotals.push(position);
  }
  return { outer, axisSize: data.size(axis), inner, segments, starts, lengths, rowTotals };
}

/** What PyTorch leaves unchecked (unsafe lengths, offsets) and would read out of bounds: refused. */
function checkSegmentsInside(plan: SegmentPlan): void {
  for (let i = 0; i < plan.starts.length; i++) {
    const start = plan.starts[i]!, len = plan.lengths[i]!;
    if (len < 0 || start < 0 || start + len > plan.axisSize) {
      throw new Error(`segment_reduce(): segment ${i % plan.segments} of batch ${Math.floor(i / plan.segments)} spans [${start}, ${start + len}), outside the axis of size ${plan.axisSize}`);
    }
  }
}
