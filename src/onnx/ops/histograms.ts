// Counting ops: histc (bins fixed; the range the given one or, when min == max, the data's own)
// (a NaN in the data makes that range NaN, and nothing is counted, as in torch-ts) and bincount (its length max(input) + 1 or minlength, read from the values: a data-dependent
// dim). Both are a ScatterND-add of ones (or of the weights) into zeros, elements outside the
// range sent to one extra bin that is dropped. histc finds bins in the input's dtype, as torch-ts
// and PyTorch 2.11 do.

import { bool, float64, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, constMsg } from "../graph.js";

/** Sums `updates` into `size` (1-D [1]) zeros at `at` (1-D positions): ScatterND with reduction add. */
function scatterAdd(c: ConvertContext, size: string, at: string, updates: string, zero: number | bigint, dtype = float64): string {
  const zeros = c.op("ConstantOfShape", [size], { value: attr.tensor(constMsg("", dtype, [zero], [1])) });
  return c.op("ScatterND", [zeros, c.op("Unsqueeze", [at, c.g.ints([-1])]), updates], { reduction: attr.s("add") });
}

/**
 * histc(bins, min, max): bin floor((v - lo) * bins / (hi - lo)) in the input's dtype, the top edge in the last bin;
 * values outside [lo, hi] and NaN are not counted. min == max takes the data's min and max,
 * widened by 1 each way when they are equal too.
 */
const histc: Converter = (c) => {
  const bins = c.attr<number>("bins");
  const dt = c.value(0).dtype!;
  let lo: string, hi: string;
  const x = c.op("Reshape", [c.input(0), c.g.ints([-1])]);
  const min = c.attr<number>("min"), max = c.attr<number>("max");
  if (min === max) {
    const keep = attr.i(0);
    // A NaN makes the device's data range NaN (nothing is counted); onnxruntime's ReduceMin skips it.
    const hasNaN = c.op("Greater", [c.op("ReduceSum", [c.cast(c.op("IsNaN", [x]), bool, int64)], { keepdims: keep }), c.g.scalar(0, int64)]);
    const dataLo = c.op("Where", [hasNaN, c.g.scalar(Number.NaN, dt), c.op("ReduceMin", [x], { keepdims: keep })]);
    const dataHi = c.op("ReduceMax", [x], { keepdims: keep });
    const same = c.op("Equal", [dataLo, dataHi]);
    lo = c.op("Where", [same, c.op("Sub", [dataLo, c.g.scalar(1, dt)]), dataLo]);
    hi = c.op("Where", [same, c.op("Add", [dataHi, c.g.scalar(1, dt)]), dataHi]);
  } else {
    lo = c.g.scalar(min, dt);
    hi = c.g.scalar(max, dt);
  }
  const inside = c.op("And", [c.op("GreaterOrEqual", [x, lo]), c.op("LessOrEqual", [x, hi])]);
  const scaled = c.op("Div", [c.op("Mul", [c.op("Sub", [x, lo]), c.g.scalar(bins, dt)]), c.op("Sub", [hi, lo])]);
  const bin = c.op("Min", [c.op("Floor", [scaled]), c.g.scalar(bins - 1, dt)]);
  const at = c.cast(c.op("Where", [inside, bin, c.g.scalar(bins, dt)]), dt, int64);
  const ones = c.op("Expand", [c.g.scalar(1, float64), c.op("Shape", [x])]);
  const counts = scatterAdd(c, c.g.ints([bins + 1]), at, ones, 0);
  return c.cast(c.op("Slice", [counts, c.g.ints([0]), c.g.ints([bins])]), float64, c.outDtype());
};

/** bincount(weights, minlength): length max(minlength, max + 1); weights summed in double (counts in int64). */
const bincount: Converter = (c) => {
  const x = c.inputAs(0, int64);
  const largest = c.op("ReduceMax", [x], { keepdims: attr.i(1) }); // an empty input's is int64's lowest
  const size = c.op("Max", [c.op("Add", [largest, c.g.ints([1])]), c.g.ints([c.attr<number>("minlength")])]);
  const dtype = c.outDtype();
  if (!c.has(1)) return scatterAdd(c, size, x, c.op("Expand", [c.g.scalar(1, int64), c.op("Shape", [x])]), 0n, int64);
  return c.cast(scatterAdd(c, size, x, c.inputAs(1, float64), 0), float64, dtype);
};

export const HISTOGRAMS: Record<string, Converter> = { histc, bincount };
