// Reductions whose records carry their dims as attributes: prod, logsumexp, vector norms
// (linalg.vector_norm, norm, F.normalize, cosine_similarity), and the shared reduceOver helper.

import { bool } from "../../core/dtype.js";
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

export const REDUCTIONS: Record<string, Converter> = {
  prod,
  logsumexp,
  vector_norm: vectorNorm,
};
