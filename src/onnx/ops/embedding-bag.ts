// F.embedding_bag: the looked-up rows (Gather), each sent to its bag. A 2-D input is fixed-length
// bags (element e in bag e / L); a 1-D input with offsets puts e in the last bag whose offset is
// <= e (empty bags have none), and with include_last_offset the last offset ends the last bag.
// Elements at padding_idx, or past that end, go to an extra bag B that is dropped. sum and mean
// are a ScatterND-add into B + 1 zero rows (per_sample_weights scale the rows first, mean divides
// by the bag's count, an empty bag stays 0); max compares every element with every bag (B, n, D),
// an empty bag gives 0.
//
// F.embedding and F.embedding_bag with max_norm: PyTorch scales the weight's rows that the input
// looks up down to max_norm, in place, before the lookup. The graph scales the looked-up rows the
// same way (a row already scaled by the trace is at max_norm and stays), so its output is
// PyTorch's; the weight it carries is the weight as the trace left it.

import { bool, float64, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, constMsg } from "../graph.js";
import { reduceOver } from "./reductions.js";

type BagMode = "sum" | "mean" | "max";

/** A 0-d int64 from a 1-element 1-D one. */
function scalarOf(c: ConvertContext, oneElement: string): string {
  return c.op("Squeeze", [oneElement, c.g.ints([0])]);
}

/** The bag of each flattened element (B for an element in none) and the bag count B as a 1-D [1]. */
function bagsOf(c: ConvertContext, idx: string, positions: string): { target: string; count: string } {
  const includeLast = c.attr<boolean>("includeLast"), padding = c.attr<number>("paddingIdx");
  let bag: string, count: string, member: string | null = null;
  if (c.value(1).shape.length === 2) {
    count = c.op("Shape", [c.input(1)], { start: attr.i(0), end: attr.i(1) });
    bag = c.op("Div", [positions, scalarOf(c, c.op("Shape", [c.input(1)], { start: attr.i(1), end: attr.i(2) }))]);
  } else {
    let starts = c.inputAs(2, int64);
    if (includeLast) {
      member = c.op("Less", [positions, c.op("Slice", [starts, c.g.ints([-1]), c.g.ints([Number.MAX_SAFE_INTEGER])])]);
      starts = c.op("Slice", [starts, c.g.ints([0]), c.g.ints([-1])]);
    }
    count = c.op("Shape", [starts]);
    const started = c.op("LessOrEqual", [c.op("Unsqueeze", [starts, c.g.ints([0])]), c.op("Unsqueeze", [positions, c.g.ints([1])])]); // (n, B)
    bag = c.op("Sub", [c.op("ReduceSum", [c.cast(started, bool, int64), c.g.ints([1])], { keepdims: attr.i(0) }), c.g.scalar(1, int64)]);
  }
  if (padding >= 0) {
    const kept = c.op("Not", [c.op("Equal", [idx, c.g.scalar(padding, int64)])]);
    member = member ? c.op("And", [member, kept]) : kept;
  }
  const target = member ? c.op("Where", [member, bag, scalarOf(c, count)]) : bag;
  return { target, count };
}

/**
 * Rows (n, D) as embedding_renorm_ leaves them: a row whose normType-norm exceeds maxNorm times
 * maxNorm / (norm + 1e-7), computed in double as torch-ts's kernel does.
 */
function renormRows(c: ConvertContext, rows: string, maxNorm: number, normType: number): string {
  const dtype = c.outDtype();
  const r = c.cast(rows, dtype, float64);
  let norm: string;
  if (normType === Infinity) norm = reduceOver(c, "ReduceMax", c.op("Abs", [r]), [-1], true);
  else if (normType === 2) norm = c.op("Sqrt", [reduceOver(c, "ReduceSumSquare", r, [-1], true)]);
  else if (normType === 1) norm = reduceOver(c, "ReduceL1", r, [-1], true);
  else {
    const powered = c.op("Pow", [c.op("Abs", [r]), c.g.scalar(normType, float64)]);
    norm = c.op("Pow", [reduceOver(c, "ReduceSum", powered, [-1], true), c.g.scalar(1 / normType, float64)]);
  }
  const limit = c.g.scalar(maxNorm, float64);
  const scale = c.op("Where", [c.op("Greater", [norm, limit]), c.op("Div", [limit, c.op("Add", [norm, c.g.scalar(1e-7, float64)])]), c.g.scalar(1, float64)]);
  return c.cast(c.op("Mul", [r, scale]), float64, dtype);
}

/** F.embedding: a Gather of the weight's rows (scaled down to max_norm where it is given). */
const embedding: Converter = (c) => {
  const rows = c.op("Gather", [c.input(1), c.inputAs(0, int64)]);
  const maxNorm = c.attr<number | null>("maxNorm") ?? null;
  if (maxNorm === null) return rows;
  if (!c.outDtype().isFloatingPoint) return c.fail("embedding with max_norm of a non-float weight has no ONNX mapping");
  return renormRows(c, rows, maxNorm, c.attr<number>("normType"));
};

const embeddingBag: Converter = (c) => {
  const mode = c.attr<BagMode>("mode");
  const dtype = c.outDtype();
  const w = c.input(0);
  const idx = c.op("Reshape", [c.inputAs(1, int64), c.g.ints([-1])]);
  const n = c.op("Shape", [idx]);
  const positions = c.op("Range", [c.g.scalar(0, int64), scalarOf(c, n), c.g.scalar(1, int64)]);
  const { target, count } = bagsOf(c, idx, positions);
  let rows = c.op("Gather", [w, idx], { axis: attr.i(0) }); // (n, D)
  const maxNorm = c.attr<number | null>("maxNorm");
  if (maxNorm !== null) rows = renormRows(c, rows, maxNorm, c.attr<number>("normType"));
  if (c.has(3)) rows = c.op("Mul", [rows, c.op("Unsqueeze", [c.op("Reshape", [c.inputAs(3, dtype), c.g.ints([-1])]), c.g.ints([1])])]);
  const zero = attr.tensor(constMsg("", dtype, [0], [1]));
  if (mode === "max") {
    const bagIds = c.op("Range", [c.g.scalar(0, int64), scalarOf(c, count), c.g.scalar(1, int64)]);
    const inBag = c.op("Equal", [c.op("Unsqueeze", [bagIds, c.g.ints([1])]), c.op("Unsqueeze", [target, c.g.ints([0])])]); // (B, n)
    const candidates = c.op("Where", [c.op("Unsqueeze", [inBag, c.g.ints([2])]), c.op("Unsqueeze", [rows, c.g.ints([0])]), c.g.scalar(-Infinity, dtype)]);
    const largest = reduceOver(c, "ReduceMax", candidates, [1], false);
    const filled = c.op("Greater", [c.op("ReduceSum", [c.cast(inBag, bool, int64), c.g.ints([1])], { keepdims: attr.i(1) }), c.g.scalar(0, int64)]);
    return c.op("Where", [filled, largest, c.g.scalar(0, dtype)]);
  }
  const at = c.op("Unsqueeze", [target, c.g.ints([-1])]);
  const withExtra = c.op("Add", [count, c.g.ints([1])]);
  const shape = c.op("Concat", [withExtra, c.op("Shape", [w], { start: attr.i(1), end: attr.i(2) })], { axis: attr.i(0) });
  const dropExtra = (t: string): string => c.op("Slice", [t, c.g.ints([0]), count, c.g.ints([0])]);
  const total = dropExtra(c.op("ScatterND", [c.op("ConstantOfShape", [shape], { value: zero }), at, rows], { reduction: attr.s("add") }));
  if (mode === "sum") return total;
  const ones = c.op("Expand", [c.g.scalar(1, dtype), n]);
  const sizes = dropExtra(c.op("ScatterND", [c.op("ConstantOfShape", [withExtra], { value: zero }), at, ones], { reduction: attr.s("add") }));
  return c.op("Div", [total, c.op("Unsqueeze", [c.op("Max", [sizes, c.g.scalar(1, dtype)]), c.g.ints([1])])]);
};

export const EMBEDDING_BAG: Record<string, Converter> = { embedding, embedding_bag: embeddingBag };
