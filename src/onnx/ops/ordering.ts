// Ops that order or scan along a dim: sort/argsort and topk (TopK), max/min along a dim (values and
// indices), cumsum (CumSum), cumprod (a Scan), flip (a Slice with step -1), roll and searchsorted
// (a count of the elements before each value). The other
// scans (cummax/cummin, logcumsumexp) are in scans.ts.

import { bool, float64, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, onnxType } from "../graph.js";
import { reduceOver } from "./reductions.js";
import { filledWithoutDim } from "./scans.js";

/** The size of dim `d` of input 0 as a 1-D int64 tensor [1]: a constant, or read at run time. */
function dimSize(c: ConvertContext, d: number): string {
  const v = c.value(0);
  const a = v.shape[d]!, b = v.b ? v.b.shape[d]! : a;
  return a === b ? c.g.ints([a]) : c.op("Shape", [c.input(0)], { start: attr.i(d), end: attr.i(d + 1) });
}

/** A 0-d input orders to itself at index 0. */
function scalarOrder(c: ConvertContext): string[] {
  return [c.input(0), c.g.scalar(0, int64)];
}

/** sort(dim, descending) and argsort: TopK over the whole dim (ONNX keeps equal values in index order). */
const sort: Converter = (c) => {
  if (c.value(0).shape.length === 0) return scalarOrder(c);
  const d = c.attr<number>("dim");
  const largest = c.attr<boolean>("descending");
  return c.g.node("TopK", [c.input(0), dimSize(c, d)], { axis: attr.i(d), largest: attr.i(largest ? 1 : 0), sorted: attr.i(1) }, 2);
};

/** topk(k, dim, largest): always sorted, as torch-ts's topk returns its values in order. */
const topk: Converter = (c) => {
  if (c.value(0).shape.length === 0) return scalarOrder(c);
  const d = c.attr<number>("dim"), k = c.attr<number>("k");
  return c.g.node("TopK", [c.input(0), c.g.ints([k])], { axis: attr.i(d), largest: attr.i(c.attr<boolean>("largest") ? 1 : 0), sorted: attr.i(1) }, 2);
};

/** kthvalue(k, dim): the k-th smallest by TopK (smallest first), then its position. */
const kthvalue: Converter = (c) => {
  const d = c.attr<number>("dim");
  if (c.value(0).shape.length === 0) return scalarOrder(c);
  const k = c.attr<number>("k"), keepdim = c.attr<boolean>("keepdim");
  const [values, indices] = c.g.node("TopK", [c.input(0), c.g.ints([k])], { axis: attr.i(d), largest: attr.i(0), sorted: attr.i(1) }, 2) as [string, string];
  const at = keepdim ? c.g.ints([k - 1]) : c.g.scalar(k - 1, int64);
  return [c.op("Gather", [values, at], { axis: attr.i(d) }), c.op("Gather", [indices, at], { axis: attr.i(d) })];
};

/** max(dim) / min(dim): the extreme values and the index of the first one. */
function extremeAlong(reduce: "ReduceMax" | "ReduceMin", arg: "ArgMax" | "ArgMin"): Converter {
  return (c) => {
    const d = c.attr<number | null>("dim");
    if (c.value(0).shape.length === 0 || d === null) return scalarOrder(c);
    const keepdim = c.attr<boolean>("keepdim");
    const x = c.input(0);
    return [reduceOver(c, reduce, x, [d], keepdim), c.op(arg, [x], { axis: attr.i(d), keepdims: attr.i(keepdim ? 1 : 0) })];
  };
}

/** max() / min() of the whole tensor (their autograd records carry everything). */
function extremeOfAll(reduce: "ReduceMax" | "ReduceMin"): Converter {
  return (c) => reduceOver(c, reduce, c.input(0), null, false);
}

const cumsum: Converter = (c) => {
  if (c.value(0).shape.length === 0) return c.input(0);
  return c.op("CumSum", [c.input(0), c.g.scalar(c.attr<number>("dim"), int64)]);
};

/**
 * cumprod: ONNX has no CumProd, and exp(CumSum(log|x|)) with a sign count is not exact (zeros,
 * rounding). A Scan along the dim carries the running product, one multiply per element in
 * PyTorch's order, so zeros, negatives, inf and nan propagate exactly as in PyTorch; floats are
 * multiplied in double, as PyTorch's CPU kernel accumulates, and the size along the dim may be
 * dynamic.
 */
const cumprod: Converter = (c) => {
  const rank = c.value(0).shape.length;
  if (rank === 0) return c.input(0);
  const d = c.attr<number>("dim");
  const dtype = c.outDtype();
  const via = dtype.isFloatingPoint ? float64 : int64;
  const x = c.cast(c.input(0), dtype, via);
  // The running product starts as ones of x's shape without the dim.
  const ones = filledWithoutDim(c, x, d, via, 1);
  const type = onnxType(via);
  const carried = c.g.fresh("cumprod_carried"), element = c.g.fresh("cumprod_element");
  const next = c.g.fresh("cumprod_next"), emitted = c.g.fresh("cumprod_emitted");
  const body = c.g.subgraph("cumprod_body", [{ name: carried, elemType: type, shape: null }, { name: element, elemType: type, shape: null }], () => {
    c.g.node("Mul", [carried, element], {}, [next]);
    c.g.node("Identity", [next], {}, [emitted]);
    return [{ name: next, elemType: type, shape: null }, { name: emitted, elemType: type, shape: null }];
  });
  const [, products] = c.g.node("Scan", [ones, x], {
    body: attr.graph(body), num_scan_inputs: attr.i(1), scan_input_axes: attr.ints([d]), scan_output_axes: attr.ints([d]),
  }, 2) as [string, string];
  return c.cast(products, via, dtype);
};

/** flip(dims): every flipped dim sliced from its last element backwards, whatever its size. */
const flip: Converter = (c) => {
  const dims = c.attr<number[]>("dims");
  if (dims.length === 0) return c.input(0);
  const n = dims.length;
  return c.op("Slice", [c.input(0), c.g.ints(new Array<number>(n).fill(-1)), c.g.ints(new Array<number>(n).fill(Number.MIN_SAFE_INTEGER)),
    c.g.ints(dims), c.g.ints(new Array<number>(n).fill(-1))]);
};

/**
 * roll(shifts, dims): per dim, the last `s` elements moved to the front (two Slices and a Concat,
 * counted from the end so that a dynamic size works when the shift is the same modulo both sizes).
 * Without dims the flattened tensor is rolled and reshaped back.
 */
const roll: Converter = (c) => {
  const shifts = c.attr<number[]>("shifts"), dims = c.attr<number[]>("dims");
  const v = c.value(0);
  if (v.shape.length === 0) return c.input(0);
  const flat = dims.length === 0;
  let x = flat ? c.op("Reshape", [c.input(0), c.g.ints([-1])]) : c.input(0);
  const sizes = (d: number): [number, number] => {
    if (!flat) return [v.shape[d]!, v.b ? v.b.shape[d]! : v.shape[d]!];
    const count = (s: readonly number[]): number => s.reduce((p, k) => p * k, 1);
    return [count(v.shape), count(v.b ? v.b.shape : v.shape)];
  };
  (flat ? [0] : dims).forEach((d, i) => {
    const [na, nb] = sizes(d);
    if (na === 0) return;
    const s = ((shifts[i]! % na) + na) % na;
    if (nb !== na && ((shifts[i]! % nb) + nb) % nb !== s) c.fail(`shift ${shifts[i]} of dim ${d} is not the same modulo the dim's sizes ${na} and ${nb} of the two traces`);
    if (s === 0) return;
    const axes = c.g.ints([d]);
    const tail = c.op("Slice", [x, c.g.ints([-s]), c.g.ints([Number.MAX_SAFE_INTEGER]), axes]);
    const head = c.op("Slice", [x, c.g.ints([0]), c.g.ints([-s]), axes]);
    x = c.op("Concat", [tail, head], { axis: attr.i(d) });
  });
  return flat ? c.op("Reshape", [x, c.op("Shape", [c.input(0)])]) : x;
};

/**
 * searchsorted / bucketize: per value, the number of sequence elements x (along the last dim) with
 * !(x >= v) (left) or !(x > v) (right), which is where PyTorch's binary search ends in a sorted
 * sequence (a NaN value goes after every element); a sorter reorders the sequence first. Compared
 * in double, as torch-ts compares.
 */
const searchsorted: Converter = (c) => {
  const seqRank = c.value(0).shape.length;
  let seq = c.inputAs(0, float64);
  if (c.has(2)) seq = c.op("GatherElements", [seq, c.inputAs(2, int64)], { axis: attr.i(-1) });
  const values = c.op("Unsqueeze", [c.inputAs(1, float64), c.g.ints([-1])]);     // (..., K, 1)
  if (seqRank > 1) seq = c.op("Unsqueeze", [seq, c.g.ints([-2])]);               // (..., 1, M)
  const before = c.op("Not", [c.op(c.attr<boolean>("right") ? "Greater" : "GreaterOrEqual", [seq, values])]);
  const count = c.op("ReduceSum", [c.cast(before, bool, int64), c.g.ints([-1])], { keepdims: attr.i(0) });
  return c.cast(count, int64, c.outDtype());
};

export const ORDERING: Record<string, Converter> = {
  searchsorted,
  kthvalue,
  roll,
  sort,
  topk,
  max_dim: extremeAlong("ReduceMax", "ArgMax"),
  min_dim: extremeAlong("ReduceMin", "ArgMin"),
  MaxBackward1: extremeOfAll("ReduceMax"),
  MinBackward1: extremeOfAll("ReduceMin"),
  cumsum,
  cumprod,
  flip,
};
