// Advanced indexing, x[idx] / x[:, idx] / x[i, j] / x[mask]: the "index" record carries the source
// and one entry per leading dim (an index tensor, or null for a whole dim). One index tensor is a
// Gather on its dim; several are broadcast together and become one GatherND over the indexed dims
// moved to the front, with PyTorch's placement of the result dims. Masks become their NonZero
// positions (one index per mask dim).
//
// Writes through an index (x[...] = v, index_put_) are the "index_put" record: x itself, the value,
// the index tensors, and the entries of x[...] as plain data. ONNX values are immutable, so the
// write is a new value of x: Where for a mask filled with one value, otherwise ScatterND into the
// flattened x at the positions x[...] selects, found by indexing a Range of x's flat positions
// with the same entries.

import type { IndexItem } from "../../ops/indexing-getitem.js";
import { type Reduce, scatterReduceIdentity } from "../../ops/indexing-scatter.js";
import { type DType, bool, int64 } from "../../core/dtype.js";
import { type ConvertContext, type Converter, type DimAB, dimsOf } from "../context.js";
import { attr } from "../graph.js";

/** An index tensor and the source dim it indexes; `rank`: the dims it adds to the broadcast. */
interface IndexAt { dim: number; name: string; rank: number }

/** Input i as index tensors from `dim` on: itself, or a mask split into one index per mask dim. */
function indexEntries(c: ConvertContext, i: number, dim: number): IndexAt[] {
  const v = c.value(i);
  const name = v.dtype!.name;
  if (name !== "bool" && name !== "uint8") return [{ dim, name: c.inputAs(i, int64), rank: v.shape.length }];
  const positions = c.op("NonZero", [c.input(i)]); // (mask dims, count)
  const k = v.shape.length;
  if (k === 1) return [{ dim, name: c.op("Squeeze", [positions, c.g.ints([0])]), rank: 1 }];
  const rows = c.g.node("Split", [positions, c.g.ints(new Array<number>(k).fill(1))], { axis: attr.i(0) }, k);
  return rows.map((r, j) => ({ dim: dim + j, name: c.op("Squeeze", [r, c.g.ints([0])]), rank: 1 }));
}

/** The index tensors of an "index" record by the source dim they index. */
function indexTensors(c: ConvertContext): IndexAt[] {
  const out: IndexAt[] = [];
  let dim = 0;
  for (let i = 1; i < c.arity; i++) {
    if (!c.has(i)) { dim++; continue; }
    const entries = indexEntries(c, i, dim);
    out.push(...entries);
    dim += entries.length;
  }
  return out;
}

/** Negative indices counted from the end of dim `d` (size: a 0-d int64 value). */
function nonNegative(c: ConvertContext, index: string, size: string): string {
  return c.op("Where", [c.op("Less", [index, c.g.scalar(0, int64)]), c.op("Add", [index, size]), index]);
}

/** The size of a dim as a 0-d int64: a constant where both traces agree, else read from `of`. */
function dimSize(c: ConvertContext, of: string, d: number, size: DimAB): string {
  if (size.a === size.b) return c.g.scalar(size.a, int64);
  return c.op("Squeeze", [c.op("Shape", [of], { start: attr.i(d), end: attr.i(d + 1) }), c.g.ints([0])]);
}

/** src[idx] for a source of `sizes` (advanced indexing only: every other dim is taken whole). */
function gatherIndexed(c: ConvertContext, src: string, sizes: readonly DimAB[], idx: readonly IndexAt[]): string {
  if (idx.length === 0) return src;
  if (idx.length === 1) {
    // Gather takes negative indices as PyTorch does, and puts the index dims where the dim was.
    return c.op("Gather", [src, idx[0]!.name], { axis: attr.i(idx[0]!.dim) });
  }
  const rank = sizes.length;
  const dims = idx.map((t) => t.dim);
  const rest = Array.from({ length: rank }, (_, d) => d).filter((d) => !dims.includes(d));
  const front = c.op("Transpose", [src], { perm: attr.ints([...dims, ...rest]) });
  // Expand is bidirectional: folding it over the indices' shapes gives their broadcast shape.
  let joint = idx[0]!.name;
  for (const t of idx.slice(1)) joint = c.op("Expand", [joint, c.op("Shape", [t.name])]);
  const shape = c.op("Shape", [joint]);
  const last = c.g.ints([-1]);
  const columns = idx.map((t) => c.op("Unsqueeze", [c.op("Expand", [nonNegative(c, t.name, dimSize(c, src, t.dim, sizes[t.dim]!)), shape]), last]));
  const gathered = c.op("GatherND", [front, c.op("Concat", columns, { axis: attr.i(-1) })]); // (broadcast..., rest...)
  const adjacent = dims.every((d, i) => d === dims[0]! + i);
  const before = adjacent ? rest.filter((d) => d < dims[0]!).length : 0;
  if (before === 0) return gathered;
  // Adjacent indexed dims: the broadcast dims take their place, after the dims before them.
  const nb = Math.max(...idx.map((t) => t.rank));
  const perm = [
    ...Array.from({ length: before }, (_, i) => nb + i),
    ...Array.from({ length: nb }, (_, i) => i),
    ...Array.from({ length: rest.length - before }, (_, i) => nb + before + i),
  ];
  return c.op("Transpose", [gathered], { perm: attr.ints(perm) });
}

const index: Converter = (c) => gatherIndexed(c, c.input(0), dimsOf(c.value(0)), indexTensors(c));

/**
 * scatter / scatter_add: ScatterElements. PyTorch reads only the part of src that the index
 * covers, ONNX wants updates of the index's shape: src is sliced to it (a number is expanded).
 */
const scatter: Converter = (c) => {
  const d = c.outDtype();
  const index = c.inputAs(1, int64);
  const reduce = c.attr<string | null>("reduce");
  const reduction = reduce === "sum" ? "add" : reduce === "prod" ? "mul" : "none";
  return c.op("ScatterElements", [c.inputAs(0, d), index, scatterUpdates(c, index, d)], { axis: attr.i(c.attr<number>("dim")), reduction: attr.s(reduction) });
};

/** Input 2 as ScatterElements' updates: the part of src the index (input 1) covers, or a number expanded to it. */
function scatterUpdates(c: ConvertContext, index: string, d: DType): string {
  const src = c.value(2);
  if (src.kind === "scalar") return c.op("Expand", [c.inputAs(2, d), c.op("Shape", [index])]);
  const idx = c.value(1);
  const same = src.shape.join() === idx.shape.join() && (src.b?.shape.join() ?? "") === (idx.b?.shape.join() ?? "");
  const updates = c.inputAs(2, d);
  return same ? updates : c.op("Slice", [updates, c.g.ints(idx.shape.map(() => 0)), c.op("Shape", [index])]);
}

const SCATTER_REDUCTION: Record<Reduce, "add" | "mul" | "max" | "min"> = { sum: "add", mean: "add", prod: "mul", amax: "max", amin: "min" };

/**
 * scatter_reduce(dim, index, src, reduce, include_self): ScatterElements with the reduction
 * ("max"/"min" need opset 18). Without include_self the written positions start from the
 * reduction's identity; "mean" divides a sum by the count of values at each written position
 * (integers rounded down, as PyTorch does).
 */
const scatterReduce: Converter = (c) => {
  const d = c.outDtype();
  if (d === bool) return c.fail("scatter_reduce of bool tensors has no ONNX mapping");
  const reduce = c.attr<Reduce>("reduce"), includeSelf = c.attr<boolean>("includeSelf");
  const reduction = SCATTER_REDUCTION[reduce];
  if ((reduction === "max" || reduction === "min") && c.opset < 18) return c.fail(`scatter_reduce with reduce='${reduce}' needs opset 18 (ScatterElements' max/min reductions)`);
  const axis = attr.i(c.attr<number>("dim"));
  const index = c.inputAs(1, int64);
  const updates = scatterUpdates(c, index, d);
  const x = c.inputAs(0, d);
  // Positions that some index names: a scatter of ones into zeros.
  const hitCount = (start: string): string => c.op("ScatterElements", [start, index, c.op("Expand", [c.g.scalar(1, int64), c.op("Shape", [index])])], { axis, reduction: attr.s("add") });
  const zerosOfX = c.op("Expand", [c.g.scalar(0, int64), c.op("Shape", [x])]);
  const counts = hitCount(zerosOfX);
  const hit = c.op("Greater", [counts, c.g.scalar(0, int64)]);
  const start = includeSelf ? x : c.op("Where", [hit, c.g.scalar(scatterReduceIdentity(reduce, d), d), x]);
  const reduced = c.op("ScatterElements", [start, index, updates], { axis, reduction: attr.s(reduction) });
  if (reduce !== "mean") return reduced;
  const n = includeSelf ? c.op("Add", [counts, c.g.scalar(1, int64)]) : c.op("Max", [counts, c.g.scalar(1, int64)]);
  if (d.isFloatingPoint) return c.op("Div", [reduced, c.cast(n, int64, d)]);
  // Integer mean: floor division in int64 (Div truncates toward zero).
  const total = c.cast(reduced, d, int64);
  const q = c.op("Div", [total, n]);
  const inexactNegative = c.op("And", [c.op("Less", [total, c.g.scalar(0n, int64)]), c.op("Not", [c.op("Equal", [c.op("Mul", [q, n]), total])])]);
  return c.cast(c.op("Where", [inexactNegative, c.op("Sub", [q, c.g.scalar(1n, int64)]), q]), int64, d);
};

// ---- x[...] = v -----------------------------------------------------------------------------------

/** One entry of x[...] as the op traced it (tensors are the record's inputs 2, 3, ... in order). */
type Item = IndexItem<unknown>;

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/**
 * A slice bound of the two traces as one ONNX Slice bound: the same number, or the same distance
 * from the end of a dim that changed size (x[:, :n] with n = x.size(1)).
 */
function sliceBound(c: ConvertContext, a: number | null, b: number | null, size: DimAB, dflt: number): number {
  const x = a ?? dflt, y = b ?? dflt;
  if (x === y) return x;
  if (size.a - x === size.b - y) return x - size.a;
  return c.fail(`a slice bound of the indexed write changes with the dynamic axes (${x} vs ${y}); it is fixed in the exported graph`);
}

/** The entries of both traces, checked to agree but for slice bounds. */
function itemPairs(c: ConvertContext): [Item, Item][] {
  const [a, b] = c.attrPair<Item[]>("items");
  if (a.length !== b.length || a.some((x, i) => x.k !== b[i]!.k || (x.k !== "slice" && JSON.stringify(x) !== JSON.stringify(b[i])))) {
    c.fail("the indices of the write change with the dynamic axes; they are fixed in the exported graph");
  }
  return a.map((x, i) => [x, b[i]!]);
}

interface Located {
  /** `source`[entries other than the index tensors]. */
  result: string;
  /** Its dims (a dim cut by a slice is read at run time). */
  sizes: DimAB[];
  /** The index tensors left, by dim of `result`. */
  idx: IndexAt[];
}

function isMask(dtype: DType): boolean { return dtype.name === "bool" || dtype.name === "uint8"; }

/** The dims x[...]'s entries name (a mask names one per mask dim), as PyTorch's applySlicing counts them. */
function specifiedDims(c: ConvertContext, items: readonly [Item, Item][]): number {
  let n = 0, input = 2;
  for (const [it] of items) {
    if (it.k === "tensor") {
      const v = c.value(input++);
      n += isMask(v.dtype!) ? v.shape.length : 1;
    } else if (it.k === "int" || it.k === "slice") n++;
  }
  return n;
}

/** Applies x[...]'s entries to `source` (a tensor of x's shape) as views would, leaving the index tensors. */
function locate(c: ConvertContext, source: string, items: readonly [Item, Item][]): Located {
  const rank = c.value(0).shape.length;
  const specified = specifiedDims(c, items);
  const sizes = dimsOf(c.value(0));
  const idx: IndexAt[] = [];
  let result = source, dim = 0, input = 2;
  for (const [it, itB] of items) {
    switch (it.k) {
      case "int":
        result = c.op("Gather", [result, c.g.scalar(it.v, int64)], { axis: attr.i(dim) });
        sizes.splice(dim, 1);
        break;
      case "slice": {
        const b = itB as typeof it, size = sizes[dim]!;
        const start = sliceBound(c, it.start, b.start, size, 0);
        const stop = sliceBound(c, it.stop, b.stop, size, INT64_MAX);
        const whole = start === 0 && it.step === 1 && (stop === INT64_MAX || (size.a === size.b && stop >= size.a));
        if (!whole) {
          result = c.op("Slice", [result, c.g.ints([start]), c.g.ints([stop]), c.g.ints([dim]), c.g.ints([it.step])]);
          sizes[dim] = { a: -1, b: -2 };
        }
        dim++;
        break;
      }
      case "ellipsis": dim += rank - specified; break;
      case "none":
        result = c.op("Unsqueeze", [result, c.g.ints([dim])]);
        sizes.splice(dim, 0, { a: 1, b: 1 });
        dim++;
        break;
      case "bool":
        return c.fail("a Python bool among the indices of a write has no ONNX mapping");
      case "tensor": {
        const v = c.value(input);
        if (v.shape.length === 0) {
          if (isMask(v.dtype!)) c.fail("a 0-d mask among the indices of a write has no ONNX mapping");
          // A 0-d integer tensor selects, as an int does.
          result = c.op("Gather", [result, c.inputAs(input, int64)], { axis: attr.i(dim) });
          sizes.splice(dim, 1);
        } else {
          const entries = indexEntries(c, input, dim);
          idx.push(...entries);
          dim += entries.length;
        }
        input++;
        break;
      }
    }
  }
  return { result, sizes, idx };
}

/** Whether a value has one element in both traces (a number, or a tensor of numel 1). */
function single(c: ConvertContext, i: number): boolean {
  const v = c.value(i);
  if (v.kind === "scalar") return true;
  const n = (s: readonly number[]): number => s.reduce((p, q) => p * q, 1);
  return n(v.shape) === 1 && n(v.b?.shape ?? v.shape) === 1;
}

/**
 * x[..., mask, ...] = one value, the mask after whole dims only: Where(mask, value, x), the mask
 * unsqueezed over the trailing dims. Null when the write has another form.
 */
function maskFill(c: ConvertContext, items: readonly [Item, Item][], x: string, dtype: DType): string | null {
  if (c.attr<boolean>("accumulate") || !single(c, 1) || c.arity !== 3 || !isMask(c.value(2).dtype!)) return null;
  const rank = c.value(0).shape.length;
  const k = c.value(2).shape.length;
  if (k === 0) return null;
  let dim = 0;
  for (const [it, b] of items) {
    if (it.k === "tensor") break;
    if (it.k === "ellipsis") dim += rank - specifiedDims(c, items);
    else if (it.k === "slice" && b.k === "slice" && it.start === null && it.stop === null && it.step === 1 && b.start === null && b.stop === null) dim++;
    else return null;
  }
  let mask = c.inputAs(2, bool);
  const trailing = rank - dim - k;
  if (trailing > 0) mask = c.op("Unsqueeze", [mask, c.g.ints(Array.from({ length: trailing }, (_, i) => k + i))]);
  let value = c.inputAs(1, dtype);
  if (c.value(1).kind !== "scalar") value = c.op("Reshape", [value, c.g.ints([])]);
  return c.op("Where", [mask, value, x]);
}

/**
 * x[...] = v (accumulate: +=) as a new value of x: ScatterND into x flattened at the positions
 * that x[...] selects from a Range of x's flat positions, v broadcast to their shape.
 */
const indexPut: Converter = (c) => {
  const dtype = c.outDtype();
  const items = itemPairs(c);
  const x = c.inputAs(0, dtype);
  const filled = maskFill(c, items, x, dtype);
  if (filled) return filled;
  const shape = c.op("Shape", [x]);
  const count = c.op("ReduceProd", [shape], { keepdims: attr.i(0) });
  const positions = c.op("Reshape", [c.op("Range", [c.g.scalar(0, int64), count, c.g.scalar(1, int64)]), shape]);
  const { result, sizes, idx } = locate(c, positions, items);
  const target = gatherIndexed(c, result, sizes, idx);
  const targetRank = sizes.length - idx.length + (idx.length ? Math.max(...idx.map((t) => t.rank)) : 0);
  let value = c.inputAs(1, dtype);
  const valueRank = c.value(1).shape.length;
  // PyTorch drops a value's leading ones that the target has no dims for.
  if (valueRank > targetRank) value = c.op("Reshape", [value, c.op("Shape", [value], { start: attr.i(valueRank - targetRank) })]);
  const updates = c.op("Expand", [value, c.op("Shape", [target])]);
  const reduction = attr.s(c.attr<boolean>("accumulate") ? "add" : "none");
  const flat = c.op("Reshape", [x, c.g.ints([-1])]);
  const written = c.op("ScatterND", [flat, c.op("Unsqueeze", [target, c.g.ints([-1])]), updates], { reduction });
  return c.op("Reshape", [written, shape]);
};

/** x (a 0-d x as [1]) and the way back to its rank, for the ops along a dim below. */
function alongDimOperand(c: ConvertContext, x: string): { x: string; rank: number; back: (y: string) => string } {
  const rank = c.value(0).shape.length;
  if (rank > 0) return { x, rank, back: (y) => y };
  return { x: c.op("Reshape", [x, c.g.ints([1])]), rank: 1, back: (y) => c.op("Reshape", [y, c.g.ints([])]) };
}

/**
 * index_add (ScatterElements adding alpha * source) and index_copy (ScatterElements replacing):
 * the 1-D index laid along the dim and expanded to the source's shape, a 0-d source first
 * expanded to the selected slices' shape.
 */
function scatterAlong(reduction: "add" | "none"): Converter {
  return (c) => {
    const d = c.attr<number>("dim"), dtype = c.outDtype();
    const { x, rank, back } = alongDimOperand(c, c.inputAs(0, dtype));
    const index = c.op("Reshape", [c.inputAs(1, int64), c.g.ints([-1])]);
    let source = c.op("Expand", [c.inputAs(2, dtype), c.op("Shape", [c.op("Gather", [x, index], { axis: attr.i(d) })])]);
    const alpha = reduction === "add" ? c.attr<number>("alpha") : 1;
    if (alpha !== 1) source = c.op("Mul", [source, c.g.scalar(alpha, dtype)]);
    const along = new Array<number>(rank).fill(1);
    along[d] = -1;
    const positions = c.op("Expand", [c.op("Reshape", [index, c.g.ints(along)]), c.op("Shape", [source])]);
    return back(c.op("ScatterElements", [x, positions, source], { axis: attr.i(d), reduction: attr.s(reduction) }));
  };
}

/** index_fill: Where over a mask of the dim's positions that the index names (negative ones counted from the end). */
const indexFill: Converter = (c) => {
  const d = c.attr<number>("dim"), dtype = c.outDtype();
  const { x, rank, back } = alongDimOperand(c, c.inputAs(0, dtype));
  const size = c.op("Squeeze", [c.op("Shape", [x], { start: attr.i(d), end: attr.i(d + 1) }), c.g.ints([0])]);
  const index = nonNegative(c, c.op("Reshape", [c.inputAs(1, int64), c.g.ints([-1])]), size);
  const positions = c.op("Range", [c.g.scalar(0, int64), size, c.g.scalar(1, int64)]);
  const hits = c.op("Equal", [c.op("Unsqueeze", [positions, c.g.ints([1])]), c.op("Unsqueeze", [index, c.g.ints([0])])]);
  // ReduceSum (an empty index names nothing: 0), not ReduceMax (whose empty reduction is the lowest value).
  const named = c.op("Greater", [c.op("ReduceSum", [c.cast(hits, bool, int64), c.g.ints([1])], { keepdims: attr.i(0) }), c.g.scalar(0, int64)]);
  const along = new Array<number>(rank).fill(1);
  along[d] = -1;
  return back(c.op("Where", [c.op("Reshape", [named, c.g.ints(along)]), c.inputAs(2, dtype), x]));
};

/** take(index): a Gather from the flattened input (Gather counts negative indices from the end, as take does). */
const take: Converter = (c) => c.op("Gather", [c.op("Reshape", [c.input(0), c.g.ints([-1])]), c.inputAs(1, int64)], { axis: attr.i(0) });

export const INDEXING: Record<string, Converter> = {
  index, scatter, scatter_reduce: scatterReduce, index_put: indexPut, take, index_add: scatterAlong("add"), index_copy: scatterAlong("none"), index_fill: indexFill,
};
