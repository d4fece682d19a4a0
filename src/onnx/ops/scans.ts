// Running scans along a dim that ONNX has no operator for, as a Scan whose body carries the running
// state one element at a time, in PyTorch's order: cummax / cummin (the running extreme and its
// index) and logcumsumexp (the running log-sum-exp). The size along the dim may be dynamic.

import { type DType, float32, float64, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, constMsg, onnxType } from "../graph.js";
import type { ValueInfoMsg } from "../proto.js";
import { exactLog1p } from "./math.js";

/** A tensor of x's shape without dim `d`, filled with `value` (the initial carried state). */
export function filledWithoutDim(c: ConvertContext, x: string, d: number, dtype: DType, value: number | bigint): string {
  const rest = c.op("Concat", [c.op("Shape", [x], { start: attr.i(0), end: attr.i(d) }), c.op("Shape", [x], { start: attr.i(d + 1) })], { axis: attr.i(0) });
  return c.op("ConstantOfShape", [rest], { value: attr.tensor(constMsg("", dtype, [value], [1])) });
}

/** A body-graph value of an element type and unknown shape. */
function bodyValue(c: ConvertContext, base: string, dtype: DType): ValueInfoMsg {
  return { name: c.g.fresh(base), elemType: onnxType(dtype), shape: null };
}

/** The dtype an extreme is tracked in: floats as themselves (no arithmetic, so exact), integers and bools as int64. */
function trackedDtype(dtype: DType): DType {
  if (dtype === float32 || dtype === float64) return dtype;
  return dtype.isFloatingPoint ? float32 : int64;
}

/**
 * cummax / cummin: per step, the element replaces the running value when it is NaN or compares
 * >= (<=) to it, so ties take the last index and a NaN, once seen, stays the value (a comparison
 * with NaN is false) while each later NaN takes the index, as PyTorch's CPU kernel does. The
 * running value starts at -inf (+inf; the int64 limits for integers), which every first element
 * replaces.
 */
function cumExtreme(op: "cummax" | "cummin"): Converter {
  return (c) => {
    const input = c.value(0);
    if (input.shape.length === 0) return [c.input(0), c.g.scalar(0, int64)];
    const d = c.attr<number>("dim");
    const dtype = input.dtype!;
    const via = trackedDtype(dtype);
    const x = c.cast(c.input(0), dtype, via);
    const floats = via.isFloatingPoint;
    const start = op === "cummax" ? (floats ? -Infinity : -(2n ** 63n)) : (floats ? Infinity : 2n ** 63n - 1n);
    const best = bodyValue(c, `${op}_value`, via), bestIndex = bodyValue(c, `${op}_index`, int64), step = bodyValue(c, `${op}_step`, int64);
    const element = bodyValue(c, `${op}_element`, via);
    const body = c.g.subgraph(`${op}_body`, [best, bestIndex, step, element], () => {
      let take = c.op(op === "cummax" ? "GreaterOrEqual" : "LessOrEqual", [element.name, best.name]);
      if (floats) take = c.op("Or", [c.op("IsNaN", [element.name]), take]);
      const outs = [bodyValue(c, `${op}_value_next`, via), bodyValue(c, `${op}_index_next`, int64), bodyValue(c, `${op}_step_next`, int64),
        bodyValue(c, `${op}_value_out`, via), bodyValue(c, `${op}_index_out`, int64)] as const;
      c.g.node("Where", [take, element.name, best.name], {}, [outs[0].name]);
      c.g.node("Where", [take, step.name, bestIndex.name], {}, [outs[1].name]);
      c.g.node("Add", [step.name, c.g.scalar(1, int64)], {}, [outs[2].name]);
      c.g.node("Identity", [outs[0].name], {}, [outs[3].name]);
      c.g.node("Identity", [outs[1].name], {}, [outs[4].name]);
      return outs;
    });
    const scanned = c.g.node("Scan", [filledWithoutDim(c, x, d, via, start), filledWithoutDim(c, x, d, int64, 0), c.g.scalar(0, int64), x], {
      body: attr.graph(body), num_scan_inputs: attr.i(1), scan_input_axes: attr.ints([d]), scan_output_axes: attr.ints([d, d]),
    }, 5);
    return [c.cast(scanned[3]!, via, dtype), scanned[4]!];
  };
}

/**
 * logcumsumexp: per step PyTorch's log-add-exp of the running value a and the element x,
 * max + log1p(exp(min - max)), or the value itself where both are the same infinity (so -inf
 * stays -inf and +inf stays +inf); a NaN propagates. Carried in double, as PyTorch's CPU kernel
 * accumulates, then rounded to the input's dtype.
 */
const logcumsumexp: Converter = (c) => {
  // Floating inputs only: the op refuses integers before it is traced.
  const dtype = c.value(0).dtype!;
  if (c.value(0).shape.length === 0) return c.input(0);
  const d = c.attr<number>("dim");
  const x = c.cast(c.input(0), dtype, float64);
  const running = bodyValue(c, "logcumsumexp_value", float64), element = bodyValue(c, "logcumsumexp_element", float64);
  const body = c.g.subgraph("logcumsumexp_body", [running, element], () => {
    const next = bodyValue(c, "logcumsumexp_next", float64), emitted = bodyValue(c, "logcumsumexp_out", float64);
    // With a NaN the comparison is false and the NaN lands in hi or lo; either way the sum is NaN.
    const less = c.op("Less", [running.name, element.name]);
    const hi = c.op("Where", [less, element.name, running.name]), lo = c.op("Where", [less, running.name, element.name]);
    const sameInfinity = c.op("And", [c.op("Equal", [lo, hi]), c.op("IsInf", [lo])]);
    const sum = c.op("Add", [hi, exactLog1p(c, c.op("Exp", [c.op("Sub", [lo, hi])]), float64)]);
    c.g.node("Where", [sameInfinity, hi, sum], {}, [next.name]);
    c.g.node("Identity", [next.name], {}, [emitted.name]);
    return [next, emitted];
  });
  const [, values] = c.g.node("Scan", [filledWithoutDim(c, x, d, float64, -Infinity), x], {
    body: attr.graph(body), num_scan_inputs: attr.i(1), scan_input_axes: attr.ints([d]), scan_output_axes: attr.ints([d]),
  }, 2) as [string, string];
  return c.cast(values, float64, dtype);
};

export const SCANS: Record<string, Converter> = {
  cummax: cumExtreme("cummax"),
  cummin: cumExtreme("cummin"),
  logcumsumexp,
};
