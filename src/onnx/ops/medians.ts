// median, nanmedian and mode with PyTorch's NaN rules. median (and median along a dim) is the
// lower median, or the first NaN of a slice that holds one. nanmedian is the lower median of the
// slice's non-NaN values (the first NaN where all are NaN): a TopK of the slice with NaN keyed as
// +inf (so sorted after every number, NaNs in index order), read at a per-slice position. mode
// counts each element's equals (NaNs equal each other) in an (n, n) comparison, keeps the most
// frequent, the smallest of them (NaN last), at the last index where it occurs.
// (Where a slice holds both NaN and +inf, the index nanmedian reports for a +inf median may be a
// NaN's: both are keyed +inf. The value is right.)

import { type DType, bool, int32, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";
import { reduceOver } from "./reductions.js";

/** The operand along one dim: x itself with dim d, or x flattened (dim 0) for a reduction of all. */
function operand(c: ConvertContext): { x: string; d: number; rank: number } {
  const dim = c.attr<number | null | undefined>("dim");
  if (dim == null) return { x: c.op("Reshape", [c.input(0), c.g.ints([-1])]), d: 0, rank: 1 };
  return { x: c.input(0), d: dim, rank: c.value(0).shape.length };
}

function nanMask(c: ConvertContext, x: string, dtype: DType): string | null {
  return dtype.isFloatingPoint ? c.op("IsNaN", [x]) : null;
}

/** Counts along d (keepdims) of a boolean tensor. */
function countAlong(c: ConvertContext, mask: string, d: number): string {
  return c.op("ReduceSum", [c.cast(mask, bool, int64), c.g.ints([d])], { keepdims: attr.i(1) });
}

/** The index along d of each slice's element at sorted position `k` (a keepdims int64 tensor), NaN keyed +inf. */
function sortedIndexAt(c: ConvertContext, x: string, isNaN: string | null, d: number, dtype: DType, k: string): string {
  const key = isNaN ? c.op("Where", [isNaN, c.g.scalar(Infinity, dtype), x]) : x;
  const n = c.op("Shape", [x], { start: attr.i(d), end: attr.i(d + 1) });
  const [, order] = c.g.node("TopK", [key, n], { axis: attr.i(d), largest: attr.i(0), sorted: attr.i(1) }, 2) as [string, string];
  return c.op("GatherElements", [order, k], { axis: attr.i(d) });
}

/** The values at the indices, and both without dim d unless kept; only the values for a reduction of all. */
function results(c: ConvertContext, x: string, index: string, d: number): string | string[] {
  const values = c.op("GatherElements", [x, index], { axis: attr.i(d) });
  if (c.attr<number | null | undefined>("dim") == null) return c.op("Reshape", [values, c.g.ints([])]);
  if (c.attr<boolean>("keepdim")) return [values, index];
  const axes = c.g.ints([d]);
  return [c.op("Squeeze", [values, axes]), c.op("Squeeze", [index, axes])];
}

/** A 0-d input is its own median and mode, at index 0. */
function scalarResult(c: ConvertContext): string | string[] {
  return c.attr<number | null | undefined>("dim") == null ? c.input(0) : [c.input(0), c.g.scalar(0, int64)];
}

/** k per slice as a keepdims tensor (x's shape with dim d of size 1): the same for every slice. */
function fixedPosition(c: ConvertContext, x: string, d: number, rank: number, k: (n: string) => string): string {
  const n = c.op("Shape", [x], { start: attr.i(d), end: attr.i(d + 1) });
  const sliceShape = c.op("ScatterElements", [c.op("Shape", [x]), c.g.ints([d]), c.g.ints([1])], { axis: attr.i(0) });
  return c.op("Expand", [c.op("Reshape", [k(n), c.g.ints(new Array<number>(rank).fill(1))]), sliceShape]);
}

const half = (c: ConvertContext, count: string): string => c.op("Div", [c.op("Sub", [count, c.g.scalar(1, int64)]), c.g.scalar(2, int64)]);

/** median / median(dim): the lower median, or the first NaN where the slice holds one. */
const median: Converter = (c) => {
  if (c.value(0).shape.length === 0) return scalarResult(c);
  const dtype = c.value(0).dtype!;
  const { x, d, rank } = operand(c);
  const isNaN = nanMask(c, x, dtype);
  let index = sortedIndexAt(c, x, isNaN, d, dtype, fixedPosition(c, x, d, rank, (n) => half(c, n)));
  if (isNaN) {
    const firstNaN = c.op("ArgMax", [c.cast(isNaN, bool, int32)], { axis: attr.i(d), keepdims: attr.i(1) });
    const hasNaN = c.op("Greater", [countAlong(c, isNaN, d), c.g.scalar(0, int64)]);
    index = c.op("Where", [hasNaN, firstNaN, index]);
  }
  return results(c, x, index, d);
};

/** nanmedian: the lower median of the non-NaN values (position (count - 1) / 2, 0 when all are NaN). */
const nanmedian: Converter = (c) => {
  if (c.value(0).shape.length === 0) return scalarResult(c);
  const dtype = c.value(0).dtype!;
  const { x, d, rank } = operand(c);
  const isNaN = nanMask(c, x, dtype);
  const k = isNaN ? half(c, countAlong(c, c.op("Not", [isNaN]), d)) : fixedPosition(c, x, d, rank, (n) => half(c, n));
  return results(c, x, sortedIndexAt(c, x, isNaN, d, dtype, k), d);
};

/**
 * mode(dim): with the dim moved last, every pair (i, j) of a slice compared: the count of each
 * element's equals, the elements of the largest count, of them those no other is below (NaN
 * after numbers), and the last such index.
 */
const mode: Converter = (c) => {
  const rank = c.value(0).shape.length;
  if (rank === 0) return scalarResult(c);
  const d = c.attr<number>("dim");
  const dtype = c.value(0).dtype!;
  const perm = [...Array(rank).keys()].filter((k) => k !== d).concat(d);
  const x = c.op("Transpose", [c.input(0)], { perm: attr.ints(perm) });
  const xi = c.op("Unsqueeze", [x, c.g.ints([-1])]), xj = c.op("Unsqueeze", [x, c.g.ints([-2])]); // (..., n, 1), (..., 1, n)
  const nanI = nanMask(c, xi, dtype), nanJ = nanMask(c, xj, dtype);
  let same = c.op("Equal", [xi, xj]);
  let below = c.op("Less", [xj, xi]);
  if (nanI && nanJ) {
    same = c.op("Or", [same, c.op("And", [nanI, nanJ])]);
    below = c.op("Or", [below, c.op("And", [nanI, c.op("Not", [nanJ])])]);
  }
  const counts = c.op("ReduceSum", [c.cast(same, bool, int64), c.g.ints([-1])], { keepdims: attr.i(0) }); // (..., n)
  const most = c.op("Equal", [counts, reduceOver(c, "ReduceMax", counts, [rank - 1], true)]);
  // Element i loses when some most frequent j is below it.
  const beaten = c.op("Greater", [c.op("ReduceSum", [c.cast(c.op("And", [below, c.op("Unsqueeze", [most, c.g.ints([-2])])]), bool, int64), c.g.ints([-1])], { keepdims: attr.i(0) }), c.g.scalar(0, int64)]);
  const chosen = c.op("And", [most, c.op("Not", [beaten])]);
  const index = c.op("ArgMax", [c.cast(chosen, bool, int32)], { axis: attr.i(-1), keepdims: attr.i(1), select_last_index: attr.i(1) });
  const value = c.op("GatherElements", [x, index], { axis: attr.i(-1) });
  const keepdim = c.attr<boolean>("keepdim");
  const place = (t: string): string => {
    const squeezed = c.op("Squeeze", [t, c.g.ints([-1])]);
    return keepdim ? c.op("Unsqueeze", [squeezed, c.g.ints([d])]) : squeezed;
  };
  return [place(value), place(index)];
};

export const MEDIANS: Record<string, Converter> = { MedianBackward0: median, median_dim: median, nanmedian, mode };
