// Reductions whose records carry their dims as attributes: prod, logsumexp, vector norms
// (linalg.vector_norm, norm, F.normalize, cosine_similarity), and the shared reduceOver helper.

import { bool, int32, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";

/**
 * A reduction over `axes` (null: every dim). ReduceSum takes its axes as an input from opset 13,
 * the other reductions from opset 18.
 */
export function reduceOver(c: ConvertContext, opType: string, x: string, axes: readonly number[] | null, keepdim: boolean): string {
  const keepdims = attr.i(keepdim ? 1 : 0);
  if (axes === null || (axes.length === 0 && c.value(0).shape.length === 0)) return c.op(opType, [x], { keepdims });
  if (opType === "ReduceSum" || c.opset >= 18) return c.op(opType, [x, c.g.ints(axes)], { keepdims });
  return c.op(opType, [x], { axes: attr.ints(axes), keepdims });
}

function dimsAndKeep(c: ConvertContext): [number[], boolean] {
  return [c.attr<number[]>("dims"), c.attr<boolean>("keepdim")];
}

const prod: Converter = (c) => {
  const [dims, keepdim] = dimsAndKeep(c);
  return reduceOver(c, "ReduceProd", c.inputAs(0, c.outDtype()), dims, keepdim);
};

const logsumexp: Converter = (c) => {
  const [dims, keepdim] = dimsAndKeep(c);
  return reduceOver(c, "ReduceLogSumExp", c.input(0), dims, keepdim);
};

/** ‖x‖_p over dims: ReduceL2 / ReduceL1, max or min of |x| for ±inf, a count for 0, else (Σ|x|^p)^(1/p). */
const vectorNorm: Converter = (c) => {
  const [dims, keepdim] = dimsAndKeep(c);
  const p = c.rec.attrs.ord as number;
  const pb = (c.rec.b?.attrs.ord ?? p) as number;
  if (p !== pb) c.fail(`argument 'ord' changes with the dynamic axes (${p} vs ${pb}); it is fixed in the exported graph`);
  const x = c.input(0);
  const d = c.outDtype();
  if (p === 2) return reduceOver(c, "ReduceL2", x, dims, keepdim);
  if (p === 1) return reduceOver(c, "ReduceL1", x, dims, keepdim);
  if (p === Infinity) return reduceOver(c, "ReduceMax", c.op("Abs", [x]), dims, keepdim);
  if (p === -Infinity) return reduceOver(c, "ReduceMin", c.op("Abs", [x]), dims, keepdim);
  if (p === 0) return reduceOver(c, "ReduceSum", c.cast(c.op("Not", [c.op("Equal", [x, c.g.scalar(0, d)])]), bool, d), dims, keepdim);
  const powered = c.op("Pow", [c.op("Abs", [x]), c.g.scalar(p, d)]);
  return c.op("Pow", [reduceOver(c, "ReduceSum", powered, dims, keepdim), c.g.scalar(1 / p, d)]);
};

/** all / any: the minimum / maximum of the input as 0/1 (ONNX has no boolean reductions). */
function logical(reduce: "ReduceMin" | "ReduceMax"): Converter {
  return (c) => {
    const [dims, keepdim] = dimsAndKeep(c);
    const from = c.dtypeOf(0)!;
    const asInt = c.cast(from === bool ? c.input(0) : c.cast(c.input(0), from, bool), bool, int32);
    return c.cast(reduceOver(c, reduce, asInt, dims, keepdim), int32, c.outDtype());
  };
}

/** var / std: the mean squared deviation over dims, times n / (n - correction); n read at run time when dynamic. */
const variance: Converter = (c) => {
  const [dims, keepdim] = dimsAndKeep(c);
  const correction = c.attr<number>("correction");
  const d = c.outDtype();
  const x = c.input(0);
  const v = c.value(0);
  const centered = c.op("Sub", [x, reduceOver(c, "ReduceMean", x, dims, true)]);
  let r = reduceOver(c, "ReduceMean", c.op("Mul", [centered, centered]), dims, keepdim);
  if (correction !== 0) {
    const sizes = dims.map((k) => ({ a: v.shape[k]!, b: v.b ? v.b.shape[k]! : v.shape[k]! }));
    let n: string;
    if (sizes.every((s) => s.a === s.b)) n = c.g.scalar(sizes.reduce((p, s) => p * s.a, 1), d);
    else {
      const picked = c.op("Gather", [c.op("Shape", [x]), c.g.ints(dims)], { axis: attr.i(0) });
      n = c.cast(c.op("ReduceProd", [picked], { keepdims: attr.i(0) }), int64, d);
    }
    // PyTorch divides by max(0, n - correction).
    const denom = c.op("Max", [c.op("Sub", [n, c.g.scalar(correction, d)]), c.g.scalar(0, d)]);
    r = c.op("Div", [c.op("Mul", [r, n]), denom]);
  }
  return c.attr<boolean>("std") ? c.op("Sqrt", [r]) : r;
};

export const REDUCTIONS: Record<string, Converter> = {
  all: logical("ReduceMin"),
  any: logical("ReduceMax"),
  var: variance,
  prod,
  logsumexp,
  vector_norm: vectorNorm,
};
