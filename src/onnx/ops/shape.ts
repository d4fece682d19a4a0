// Shape and data-movement ops: views, reshapes, transposes, slicing, joining, gathering, casts,
// matmul and reductions.

import { bool, int64 } from "../../core/dtype.js";
import type { ConvertContext, Converter } from "../context.js";
import { attr, onnxType } from "../graph.js";

/** The input itself (views, copies and detach have no ONNX node). */
const identity: Converter = (c) => c.input(0);

const reshape: Converter = (c) => {
  const inShape = c.value(0).shape, outShape = c.out().shape;
  if (inShape.length === outShape.length && inShape.every((s, i) => s === outShape[i]) && c.out().b?.shape.join() === c.value(0).b?.shape.join()) {
    return c.input(0);
  }
  return c.op("Reshape", [c.input(0), c.reshapeTarget(0)]);
};

const expand: Converter = (c) => c.op("Expand", [c.input(0), c.expandTarget(0)]);

const cast: Converter = (c) => c.cast(c.input(0), c.dtypeOf(0)!, c.outDtype());

const transpose: Converter = (c) => {
  const n = c.value(0).shape.length;
  const a = c.attr<number>("dim0"), b = c.attr<number>("dim1");
  if (n < 2 || a === b) return c.input(0);
  const perm = Array.from({ length: n }, (_, i) => i);
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return c.op("Transpose", [c.input(0)], { perm: attr.ints(perm) });
};

const permute: Converter = (c) => {
  const perm = c.attr<number[]>("dims");
  if (perm.every((p, i) => p === i)) return c.input(0);
  return c.op("Transpose", [c.input(0)], { perm: attr.ints(perm) });
};

const squeeze: Converter = (c) => {
  const dims = c.attr<number[]>("dims");
  if (dims.length === 0) return c.input(0);
  return c.op("Squeeze", [c.input(0), c.g.ints(dims)]);
};

const unsqueeze: Converter = (c) => c.op("Unsqueeze", [c.input(0), c.g.ints([c.attr<number>("dim")])]);

const slice: Converter = (c) => {
  const dim = c.attr<number>("dim"), step = c.attr<number>("step");
  const v = c.value(0);
  const sizeA = v.shape[dim]!, sizeB = v.b ? v.b.shape[dim]! : sizeA;
  const start = c.index("start", sizeA, sizeB);
  const end = c.index("end", sizeA, sizeB, true);
  if (start === 0 && end === sizeA && step === 1 && sizeA === sizeB) return c.input(0);
  return c.op("Slice", [c.input(0), c.g.ints([start]), c.g.ints([end]), c.g.ints([dim]), c.g.ints([step])]);
};

/** x.select(dim, i): Gather with a 0-d index (drops the dim). */
const select: Converter = (c) => {
  const dim = c.attr<number>("dim");
  const v = c.value(0);
  const sizeA = v.shape[dim]!, sizeB = v.b ? v.b.shape[dim]! : sizeA;
  const index = c.index("index", sizeA, sizeB);
  return c.op("Gather", [c.input(0), c.g.scalar(index, int64)], { axis: attr.i(dim) });
};

/** The op's tensor inputs cast to its output dtype. */
function inputsAs(c: ConvertContext): string[] {
  const d = c.outDtype();
  return c.rec.inputs.map((_, i) => c.inputAs(i, d));
}

const cat: Converter = (c) => {
  const xs = inputsAs(c);
  return xs.length === 1 ? xs[0]! : c.op("Concat", xs, { axis: attr.i(c.attr<number>("dim")) });
};

const stack: Converter = (c) => {
  const dim = c.attr<number>("dim");
  const axes = c.g.ints([dim]);
  const xs = inputsAs(c).map((x) => c.op("Unsqueeze", [x, axes]));
  return xs.length === 1 ? xs[0]! : c.op("Concat", xs, { axis: attr.i(dim) });
};

function triangle(upper: boolean): Converter {
  return (c) => {
    const d = c.dtypeOf(0)!;
    // Trilu has no bool kernel in every runtime: run it on int64 and cast back.
    const x = d === bool ? c.op("Cast", [c.input(0)], { to: attr.i(onnxType(int64)) }) : c.input(0);
    const r = c.op("Trilu", [x, c.g.scalar(c.attr<number>("diagonal"), int64)], { upper: attr.i(upper ? 1 : 0) });
    return d === bool ? c.cast(r, int64, bool) : r;
  };
}

const gather: Converter = (c) => c.op("GatherElements", [c.input(0), c.inputAs(1, int64)], { axis: attr.i(c.attr<number>("dim")) });

const indexSelect: Converter = (c) => {
  let index = c.inputAs(1, int64);
  if (c.value(1).shape.length === 0) index = c.op("Reshape", [index, c.g.ints([1])]);
  const x = c.value(0).shape.length === 0 ? c.op("Reshape", [c.input(0), c.g.ints([1])]) : c.input(0);
  const r = c.op("Gather", [x, index], { axis: attr.i(c.attr<number>("dim")) });
  return c.out().shape.length === 0 ? c.op("Reshape", [r, c.g.ints([])]) : r;
};

/** self.copy_(src): src cast to self's dtype and broadcast to self's shape. */
const copy: Converter = (c) => {
  const src = c.inputAs(1, c.outDtype());
  const same = c.value(1).shape.join() === c.out().shape.join() && c.value(1).b?.shape.join() === c.out().b?.shape.join();
  return same ? src : c.op("Expand", [src, c.op("Shape", [c.input(0)])]);
};

const matmul: Converter = (c) => {
  const d = c.outDtype();
  return c.op("MatMul", [c.inputAs(0, d), c.inputAs(1, d)]);
};

/** F.pad's constant mode: PyTorch's (last-left, last-right, ...) becomes ONNX's begins then ends. */
const constantPad: Converter = (c) => {
  const pad = c.attr<number[]>("pad");
  const n = c.value(0).shape.length;
  const begins = new Array<number>(n).fill(0), ends = new Array<number>(n).fill(0);
  for (let i = 0; i < pad.length / 2; i++) {
    begins[n - 1 - i] = pad[2 * i]!;
    ends[n - 1 - i] = pad[2 * i + 1]!;
  }
  return c.op("Pad", [c.input(0), c.g.ints([...begins, ...ends]), c.g.scalar(c.attr<number>("value"), c.outDtype())], { mode: attr.s("constant") });
};

function reduce(opType: "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin"): Converter {
  return (c) => {
    const dims = c.attr<number[]>("dims");
    const keepdims = attr.i(c.attr<boolean>("keepdim") ? 1 : 0);
    const x = c.inputAs(0, c.outDtype());
    if (dims.length === 0) return x;
    // ReduceSum takes its axes as an input from opset 13, the others from opset 18.
    if (opType === "ReduceSum" || c.opset >= 18) return c.op(opType, [x, c.g.ints(dims)], { keepdims });
    return c.op(opType, [x], { axes: attr.ints(dims), keepdims });
  };
}

/** argmax/argmin: the first extreme, over one dim or the flattened input. */
function argExtreme(opType: "ArgMax" | "ArgMin"): Converter {
  return (c) => {
    const dim = c.attr<number | null>("dim"), keepdim = c.attr<boolean>("keepdim");
    if (dim !== null) return c.op(opType, [c.input(0)], { axis: attr.i(dim), keepdims: attr.i(keepdim ? 1 : 0) });
    const flat = c.op(opType, [c.op("Reshape", [c.input(0), c.g.ints([-1])])], { axis: attr.i(0), keepdims: attr.i(0) });
    return keepdim ? c.op("Reshape", [flat, c.g.ints(c.value(0).shape.map(() => 1))]) : flat;
  };
}

/**
 * diagonal(offset, dim1, dim2): both dims moved last and flattened into one, then a Gather of the
 * diagonal's flat positions (the two dims need fixed sizes; the others may be dynamic).
 */
const diagonal: Converter = (c) => {
  const offset = c.attr<number>("offset"), d1 = c.attr<number>("dim1"), d2 = c.attr<number>("dim2");
  const v = c.value(0);
  const rank = v.shape.length;
  const n1 = v.shape[d1]!, n2 = v.shape[d2]!;
  if (v.b && (v.b.shape[d1] !== n1 || v.b.shape[d2] !== n2)) c.fail(`the sizes of dims ${d1} and ${d2} must stay fixed (they change with the dynamic axes)`);
  const len = c.out().shape[rank - 2]!;
  const rows = offset >= 0 ? 0 : -offset, cols = offset >= 0 ? offset : 0;
  const positions = Array.from({ length: len }, (_, i) => (rows + i) * n2 + cols + i);
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== d1 && i !== d2);
  const moved = c.op("Transpose", [c.input(0)], { perm: attr.ints([...others, d1, d2]) });
  const flat = c.op("Reshape", [moved, c.g.ints([...new Array<number>(rank - 2).fill(0), n1 * n2])]);
  return c.op("Gather", [flat, c.g.constant(int64, positions, [len])], { axis: attr.i(rank - 2) });
};

export const SHAPE: Record<string, Converter> = {
  diagonal,
  ViewBackward0: reshape,
  UnsafeViewBackward0: reshape,
  SqueezeBackward3: reshape,
  ExpandBackward0: expand,
  CloneBackward0: identity,
  AliasBackward0: identity,
  detach: identity,
  ToCopyBackward0: cast,
  cast,
  copy_: copy,
  transpose,
  permute,
  squeeze,
  unsqueeze,
  slice,
  select,
  cat,
  stack,
  tril: triangle(false),
  triu: triangle(true),
  gather,
  index_select: indexSelect,
  constant_pad: constantPad,
  MmBackward0: matmul,
  BmmBackward0: matmul,
  MvBackward0: matmul,
  DotBackward0: matmul,
  matmul,
  sum: reduce("ReduceSum"),
  mean: reduce("ReduceMean"),
  amax: reduce("ReduceMax"),
  amin: reduce("ReduceMin"),
  argmax: argExtreme("ArgMax"),
  argmin: argExtreme("ArgMin"),
};
