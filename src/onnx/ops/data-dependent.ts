// Ops whose output length depends on the values (the exporter marks it dynamic): unique is ONNX's
// Unique (sorted, over the flattened input or along a dim); unique_consecutive keeps each element
// that differs from the one before it (Compress), with the inverse as a running count of those
// starts and the counts as the gaps between them; nonzero is NonZero transposed; masked_select a
// Compress of the broadcast input by the broadcast mask. Also masked_scatter (its size is fixed,
// but which source element lands where is the mask's running count).

import { type DType, bool, float32, float64, int64, int8 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, constMsg } from "../graph.js";
import { reduceOver } from "./reductions.js";

/** onnxruntime's Unique takes float, double, int64 and int8: other dtypes go through one that holds them exactly. */
function uniqueDtype(dtype: DType): DType {
  if (dtype === float32 || dtype === float64 || dtype === int64 || dtype === int8) return dtype;
  return dtype.isFloatingPoint ? float32 : int64;
}

/** The input flattened (no dim) or as it is, and the axis the uniqueness is along. */
function operand(c: ConvertContext, via: DType): { x: string; axis: number } {
  const x = c.cast(c.input(0), c.value(0).dtype!, via);
  const dim = c.attr<number | null>("dim");
  if (dim === null) return { x: c.op("Reshape", [x, c.g.ints([-1])]), axis: 0 };
  const rank = c.value(0).shape.length;
  return { x, axis: dim < 0 ? dim + rank : dim };
}

/** The requested outputs: the values, then the inverse (in the input's shape without a dim) and the counts when asked. */
function outputs(c: ConvertContext, values: string, inverse: string, counts: string): string[] {
  const outs = [values];
  if (c.attr<boolean>("returnInverse")) {
    outs.push(c.attr<number | null>("dim") === null ? c.op("Reshape", [inverse, c.op("Shape", [c.input(0)])]) : inverse);
  }
  if (c.attr<boolean>("returnCounts")) outs.push(counts);
  return outs;
}

/**
 * unique: always sorted ascending (torch-ts sorts whether or not sorted=True is asked), int64
 * inverse and counts. Slices along a dim are ordered lexicographically, in both; slices holding a
 * NaN have no defined order (torch-ts's comparison of them is not a total order, and onnxruntime
 * merges them).
 */
const unique: Converter = (c) => {
  const dtype = c.value(0).dtype!;
  const via = uniqueDtype(dtype);
  const { x, axis } = operand(c, via);
  const byDim = c.attr<number | null>("dim") !== null;
  if (via.isFloatingPoint && !byDim) return outputs(c, ...uniqueWithNaN(c, x, via, dtype));
  const [values, , inverse, counts] = c.g.node("Unique", [x], { sorted: attr.i(1), ...(byDim ? { axis: attr.i(axis) } : {}) }, 4) as [string, string, string, string];
  return outputs(c, c.cast(values, via, dtype), inverse, counts);
};

/**
 * Unique of flattened floats where each NaN is its own value after all the others, in input
 * order (as torch-ts sorts; onnxruntime's Unique merges NaNs with other values): Unique of the
 * other elements, then one entry per NaN.
 */
function uniqueWithNaN(c: ConvertContext, x: string, via: DType, dtype: DType): [string, string, string] {
  const zero = c.g.scalar(0, int64), one = c.g.scalar(1, int64);
  const isNaN = c.op("IsNaN", [x]);
  const [values, , inverse, counts] = c.g.node("Unique", [c.op("Compress", [x, c.op("Not", [isNaN])], { axis: attr.i(0) })], { sorted: attr.i(1) }, 4) as [string, string, string, string];
  const nanRank = c.op("CumSum", [c.cast(isNaN, bool, int64), zero]);                 // NaNs up to and at each position
  const nanCount = c.op("ReduceSum", [c.cast(isNaN, bool, int64), c.g.ints([0])], { keepdims: attr.i(1) });
  const others = c.op("Shape", [values]);
  // The inverse of a non-NaN element is its entry in Unique's inverse (a 0 appended so that the
  // gather stays in range where every element is NaN).
  const otherRank = c.op("Sub", [c.op("Range", [zero, c.op("Squeeze", [c.op("Shape", [x]), c.g.ints([0])]), one]), nanRank]);
  const ofOther = c.op("Gather", [c.op("Concat", [inverse, c.g.ints([0])], { axis: attr.i(0) }), c.op("Max", [otherRank, zero])], { axis: attr.i(0) });
  const ofNaN = c.op("Add", [others, c.op("Sub", [nanRank, one])]);
  const allInverse = c.op("Where", [isNaN, ofNaN, ofOther]);
  const nans = c.op("ConstantOfShape", [nanCount], { value: attr.tensor(constMsg("", via, [Number.NaN], [1])) });
  const ones = c.op("ConstantOfShape", [nanCount], { value: attr.tensor(constMsg("", int64, [1], [1])) });
  return [c.cast(c.op("Concat", [values, nans], { axis: attr.i(0) }), via, dtype), allInverse, c.op("Concat", [counts, ones], { axis: attr.i(0) })];
}

/**
 * unique_consecutive: an element (a slice along the dim) starts a new run where it differs from the
 * one before it (a NaN differs from everything, as in torch-ts). The first always does; an empty
 * input has none.
 */
const uniqueConsecutive: Converter = (c) => {
  const dtype = c.value(0).dtype!;
  const { x, axis } = operand(c, dtype);
  const rank = c.attr<number | null>("dim") === null ? 1 : c.value(0).shape.length;
  const axes = c.g.ints([axis]);
  const length = c.op("Shape", [x], { start: attr.i(axis), end: attr.i(axis + 1) });
  const later = c.op("Slice", [x, c.g.ints([1]), c.g.ints([Number.MAX_SAFE_INTEGER]), axes]);
  const earlier = c.op("Slice", [x, c.g.ints([0]), c.g.ints([-1]), axes]);
  let differs = c.op("Not", [c.op("Equal", [later, earlier])]);
  if (rank > 1) {
    // A slice differs when any of its elements does.
    const others = Array.from({ length: rank }, (_, k) => k).filter((k) => k !== axis);
    differs = c.cast(reduceOver(c, "ReduceMax", c.cast(differs, bool, int64), others, false), int64, bool);
  }
  const starts = c.op("Slice", [c.op("Concat", [c.g.constant(bool, [true], [1]), differs], { axis: attr.i(0) }), c.g.ints([0]), length, c.g.ints([0])]);
  const values = c.op("Compress", [x, starts], { axis: attr.i(axis) });
  const inverse = c.op("Sub", [c.op("CumSum", [c.cast(starts, bool, int64), c.g.scalar(0, int64)]), c.g.scalar(1, int64)]);
  const startAt = c.op("Reshape", [c.op("NonZero", [starts]), c.g.ints([-1])]);
  const endAt = c.op("Concat", [c.op("Slice", [startAt, c.g.ints([1]), c.g.ints([Number.MAX_SAFE_INTEGER])]), length], { axis: attr.i(0) });
  return outputs(c, values, inverse, c.op("Sub", [endAt, startAt]));
};

/** nonzero: NonZero's (rank, n) positions as PyTorch's (n, rank) rows, or one row per dim as_tuple; a 0-d input counts as one element. */
const nonzero: Converter = (c) => {
  const rank = c.value(0).shape.length;
  const x = rank === 0 ? c.op("Reshape", [c.input(0), c.g.ints([1])]) : c.input(0);
  const positions = c.op("NonZero", [x]);
  if (c.attr<boolean>("asTuple")) {
    if (rank <= 1) return [c.op("Squeeze", [positions, c.g.ints([0])])];
    return c.g.node("Split", [positions, c.g.ints(new Array<number>(rank).fill(1))], { axis: attr.i(0) }, rank).map((r) => c.op("Squeeze", [r, c.g.ints([0])]));
  }
  const rows = c.op("Transpose", [positions], { perm: attr.ints([1, 0]) });
  return rank === 0 ? c.op("Slice", [rows, c.g.ints([0]), c.g.ints([0]), c.g.ints([1])]) : rows;
};

/** masked_select: input and mask broadcast together (a Where of the input with itself has their common shape), both flattened, then Compress. */
const maskedSelect: Converter = (c) => {
  const x = c.input(0), mask = c.inputAs(1, bool);
  const both = c.op("Where", [mask, x, x]);
  const flat = (t: string): string => c.op("Reshape", [t, c.g.ints([-1])]);
  return c.op("Compress", [flat(both), flat(c.op("Expand", [mask, c.op("Shape", [both])]))], { axis: attr.i(0) });
};

/**
 * masked_scatter: the k-th true position of the broadcast mask (row-major) takes the k-th element
 * of the flattened source: a Gather at the running count of true positions, kept where the mask is.
 */
const maskedScatter: Converter = (c) => {
  const dtype = c.outDtype();
  const x = c.inputAs(0, dtype), mask = c.inputAs(1, bool);
  const both = c.op("Where", [mask, x, x]);
  const shape = c.op("Shape", [both]);
  const flatMask = c.op("Reshape", [c.op("Expand", [mask, shape]), c.g.ints([-1])]);
  const rank = c.op("Sub", [c.op("CumSum", [c.cast(flatMask, bool, int64), c.g.scalar(0, int64)]), c.g.scalar(1, int64)]);
  // Positions before the first true one would read index -1: any index works there, as Where drops
  // them (a 0 appended keeps an empty source readable).
  const source = c.op("Concat", [c.op("Reshape", [c.inputAs(2, dtype), c.g.ints([-1])]), c.g.constant(dtype, [0], [1])], { axis: attr.i(0) });
  const taken = c.op("Gather", [source, c.op("Max", [rank, c.g.scalar(0, int64)])], { axis: attr.i(0) });
  return c.op("Where", [c.op("Expand", [mask, shape]), c.op("Reshape", [taken, shape]), both]);
};

export const DATA_DEPENDENT: Record<string, Converter> = {
  masked_scatter: maskedScatter,
  unique,
  unique_consecutive: uniqueConsecutive,
  nonzero,
  masked_select: maskedSelect,
};
