// Advanced indexing, x[idx] / x[:, idx] / x[i, j] / x[mask]: the "index" record carries the source
// and one entry per leading dim (an index tensor, or null for a whole dim). One index tensor is a
// Gather on its dim; several are broadcast together and become one GatherND over the indexed dims
// moved to the front, with PyTorch's placement of the result dims. Masks become their NonZero
// positions (one index per mask dim).

import { int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr } from "../graph.js";

interface IndexAt { dim: number; name: string }

/** The index tensors by the source dim they index, masks split into one index per mask dim. */
function indexTensors(c: ConvertContext): IndexAt[] {
  const out: IndexAt[] = [];
  let dim = 0;
  for (let i = 1; i < c.arity; i++) {
    if (!c.has(i)) { dim++; continue; }
    const v = c.value(i);
    const name = v.dtype!.name;
    if (name === "bool" || name === "uint8") {
      const positions = c.op("NonZero", [c.input(i)]); // (mask dims, count)
      const k = v.shape.length;
      if (k === 1) out.push({ dim: dim++, name: c.op("Squeeze", [positions, c.g.ints([0])]) });
      else {
        const rows = c.g.node("Split", [positions, c.g.ints(new Array<number>(k).fill(1))], { axis: attr.i(0) }, k);
        for (const r of rows) out.push({ dim: dim++, name: c.op("Squeeze", [r, c.g.ints([0])]) });
      }
    } else {
      out.push({ dim: dim++, name: c.inputAs(i, int64) });
    }
  }
  return out;
}

/** Negative indices counted from the end of dim `d` of the source (its size may be dynamic). */
function nonNegative(c: ConvertContext, index: string, d: number): string {
  const v = c.value(0);
  const a = v.shape[d]!, b = v.b ? v.b.shape[d]! : a;
  const size = a === b ? c.g.scalar(a, int64) : c.op("Shape", [c.input(0)], { start: attr.i(d), end: attr.i(d + 1) });
  return c.op("Where", [c.op("Less", [index, c.g.scalar(0, int64)]), c.op("Add", [index, size]), index]);
}

const index: Converter = (c) => {
  const rank = c.value(0).shape.length;
  const idx = indexTensors(c);
  if (idx.length === 0) return c.input(0);
  if (idx.length === 1) {
    // Gather takes negative indices as PyTorch does, and puts the index dims where the dim was.
    return c.op("Gather", [c.input(0), idx[0]!.name], { axis: attr.i(idx[0]!.dim) });
  }
  const dims = idx.map((t) => t.dim);
  const rest = Array.from({ length: rank }, (_, d) => d).filter((d) => !dims.includes(d));
  const front = c.op("Transpose", [c.input(0)], { perm: attr.ints([...dims, ...rest]) });
  // Expand is bidirectional: folding it over the indices' shapes gives their broadcast shape.
  let joint = idx[0]!.name;
  for (const t of idx.slice(1)) joint = c.op("Expand", [joint, c.op("Shape", [t.name])]);
  const shape = c.op("Shape", [joint]);
  const last = c.g.ints([-1]);
  const columns = idx.map((t) => c.op("Unsqueeze", [c.op("Expand", [nonNegative(c, t.name, t.dim), shape]), last]));
  const gathered = c.op("GatherND", [front, c.op("Concat", columns, { axis: attr.i(-1) })]); // (broadcast..., rest...)
  const adjacent = dims.every((d, i) => d === dims[0]! + i);
  const before = adjacent ? rest.filter((d) => d < dims[0]!).length : 0;
  if (before === 0) return gathered;
  // Adjacent indexed dims: the broadcast dims take their place, after the dims before them.
  const nb = c.out().shape.length - rest.length;
  const perm = [
    ...Array.from({ length: before }, (_, i) => nb + i),
    ...Array.from({ length: nb }, (_, i) => i),
    ...Array.from({ length: rest.length - before }, (_, i) => nb + before + i),
  ];
  return c.op("Transpose", [gathered], { perm: attr.ints(perm) });
};

/**
 * scatter / scatter_add: ScatterElements. PyTorch reads only the part of src that the index
 * covers, ONNX wants updates of the index's shape: src is sliced to it (a number is expanded).
 */
const scatter: Converter = (c) => {
  const d = c.outDtype();
  const index = c.inputAs(1, int64);
  const src = c.value(2);
  let updates: string;
  if (src.kind === "scalar") updates = c.op("Expand", [c.inputAs(2, d), c.op("Shape", [index])]);
  else {
    const idx = c.value(1);
    const same = src.shape.join() === idx.shape.join() && (src.b?.shape.join() ?? "") === (idx.b?.shape.join() ?? "");
    updates = c.inputAs(2, d);
    if (!same) updates = c.op("Slice", [updates, c.g.ints(idx.shape.map(() => 0)), c.op("Shape", [index])]);
  }
  const reduce = c.attr<string | null>("reduce");
  const reduction = reduce === "sum" ? "add" : reduce === "prod" ? "mul" : "none";
  return c.op("ScatterElements", [c.inputAs(0, d), index, updates], { axis: attr.i(c.attr<number>("dim")), reduction: attr.s(reduction) });
};

export const INDEXING: Record<string, Converter> = { index, scatter };
