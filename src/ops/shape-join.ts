// Joining tensors: cat (and its stack/hstack/vstack/dstack/column_stack forms), block_diag,
// meshgrid, cartesian_prod, combinations, broadcast_tensors/broadcast_shapes, atleast_nd.

import { type MemoryFormat, contiguousFormat, stridesFor, suggestMemoryFormat } from "../core/memory-format.js";
import { dimOf, hideNames, isNamed, type Name, nameAll, namedRefusal, namesMode, namesOf, unifyFromRight } from "./named-engine.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DType, float32, promoteTypes } from "../core/dtype.js";
import { broadcastShapes as broadcastCore, normalizeDim, shapeStr } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { forwardGrads } from "../autograd/forward-grad.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, describe, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { pyType } from "./pointwise-util.js";
import { copyInto, emptyTensor, uninitStrided, uninitTensor } from "./engine.js";
import { int64Tensor } from "./indexing-kernels.js";
import { indexSelect } from "./indexing-index.js";
import { deviceOp, onDevice } from "./device-hooks.js";

import { outCall, type OutOption, hasOut, withOut } from "./out.js";
import { isQuantizedTensor } from "./quantized-engine.js";
import { quantizedCat, quantizedStack } from "./quantized-elementwise.js";
import { anyBatched, batching } from "../func/batched-tensor.js";
import { catRule, joinRule } from "../func/batching-rules.js";
/** A view of `t`'s storage with new geometry, outside autograd (for kernels writing into `t`). */
export function rawView(t: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  return new Tensor(t.storage, shape, strides, offset);
}

/** t[..., start:start+len, ...] along `d`, outside autograd. */
export function rawNarrow(t: Tensor, d: number, start: number, len: number): Tensor {
  const shape = t.shape;
  shape[d] = len;
  return rawView(t, shape, t.stride(), t._offset + start * (t._strides[d] ?? 0));
}

/** The tensors of a list argument (PyTorch's TensorList), with its type errors. */
export function tensorList(op: string, v: unknown, name = "tensors"): Tensor[] {
  if (!Array.isArray(v)) throw new Error(`${op}(): argument '${name}' (position 1) must be tuple of Tensors, not ${pyType(v)}`);
  v.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}(): expected Tensor as element ${i} in argument 0, but got ${pyType(t)}`);
  });
  return v as Tensor[];
}

/** Tensors given as f(a, b, c) or f([a, b, c]). */
function varTensors(op: string, args: readonly unknown[]): { tensors: Tensor[]; listed: boolean } {
  if (args.length === 1 && Array.isArray(args[0])) return { tensors: tensorList(op, args[0]), listed: true };
  return { tensors: tensorList(op, [...args]), listed: false };
}

function promoteAll(tensors: readonly Tensor[]): DType {
  return tensors.map((t) => t.dtype).reduce((a, b) => promoteTypes(a, b));
}

/** The gradient of an input that was cast to the output's dtype. */
function asInputGrad(g: Tensor, input: Tensor): Tensor {
  return g.dtype === input.dtype ? g : g.to(input.dtype);
}

// ---- cat ------------------------------------------------------------------------------------

/**
 * The layout of cat's result (PyTorch's compute_output_memory_format): the first input's suggested
 * format when every input suggests it (channels-last inputs give a channels-last result), else contiguous.
 */
function catMemoryFormat(tensors: readonly Tensor[]): MemoryFormat {
  let format: MemoryFormat | null = null;
  for (const t of tensors) {
    const f = t.isContiguous() ? contiguousFormat : suggestMemoryFormat(t._shape, t._strides);
    if (format === null) format = f;
    else if (format !== f && format !== contiguousFormat) return contiguousFormat;
  }
  return format ?? contiguousFormat;
}

function catImpl(op: string, tensors: Tensor[], dim: number): Tensor {
  if (tensors.length === 0) throw new Error(`torch.${op}(): expected a non-empty list of Tensors`);
  tensors.forEach((t, i) => {
    if (t.dim() === 0) throw new Error(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  // PyTorch's legacy rule: 1-d empty tensors are skipped whatever their shape.
  const skip = tensors.map((t) => t.dim() === 1 && t.numel() === 0);
  const used = tensors.filter((_, i) => !skip[i]);
  const dtype = promoteAll(tensors);
  if (used.length === 0) {
    normalizeDim(dim, 1, op);
    return record("CatBackward0", tensors, emptyTensor([0], dtype), ([g]) => tensors.map((t) => asInputGrad(g!, t)));
  }
  const ref = used[0]!;
  const d = normalizeDim(dim, ref.dim(), op);
  let total = 0;
  tensors.forEach((t, i) => {
    if (skip[i]) return;
    if (t.dim() !== ref.dim()) throw new Error(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    for (let k = 0; k < t.dim(); k++) {
      if (k !== d && t._shape[k] !== ref._shape[k]) {
        throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${i} in the list.`);
      }
    }
    total += t._shape[d]!;
  });
  const shape = ref.shape;
  shape[d] = total;
  const gpu = onDevice(tensors);
  if (gpu) deviceOp("sameDevice", op)(op, tensors);
  // Every element is copied in: no need to zero the output first.
  const format = gpu ? contiguousFormat : catMemoryFormat(tensors);
  const out = gpu ? deviceOp("empty", op)(shape, dtype) : format === contiguousFormat ? uninitTensor(shape, dtype) : uninitStrided(shape, stridesFor(shape, format), dtype);
  const starts: number[] = [];
  let off = 0;
  tensors.forEach((t, i) => {
    starts.push(off);
    if (skip[i]) return;
    copyInto(rawNarrow(out, d, off, t._shape[d]!), t);
    off += t._shape[d]!;
  });
  const r = record("CatBackward0", tensors, out, ([g]) => tensors.map((t, i) => {
    if (!t._requiresGrad) return null;
    if (skip[i]) return g!.newZeros([0], { dtype: t.dtype });
    return asInputGrad(g!.narrow(d, starts[i]!, t._shape[d]!), t);
  }), [], forwardGrads.on ? (tans) => [catImpl(op, tangentsOrZeros(tensors, tans), d)] : undefined);
  if (tracing.on) traceOp("cat", used, r, { dim: d });
  return r;
}

/** cat of named tensors: names unified across the inputs (dim given by index or by the first input's names). */
function namedCat(tensors: Tensor[], dim: number | string): Tensor {
  const d = tensors.length ? dimOf(tensors[0]!, dim) : 0;
  let names: Name[] | null = null;
  for (const t of tensors) {
    if (t.dim() === 1 && t._shape[0] === 0) continue; // legacy empty tensors are skipped by cat
    names = names === null ? namesOf(t) : unifyFromRight(names, namesOf(t), "cat");
  }
  return nameAll(hideNames(tensors, () => catImpl("cat", tensors, d)), names ?? []);
}

/** torch.cat(tensors, dim = 0): inputs promoted to a common dtype. */
export function cat(tensors: Tensor[], ...args: Args<[dim?: number | string], { dim?: number | string } & OutOption>): Tensor {
  if (autocasting.on && autocasts("cat", arguments)) return runAutocast(cat, arguments);
  if (hasOut(args)) return withOut("cat", args, (rest) => cat(tensors, ...(rest as [])), "cast", false, [tensors]);
  const a = bindArgs("cat", args, ["dim"], [], 1);
  if (typeof a.dim === "string" || (Array.isArray(tensors) && tensors.some((t) => t instanceof Tensor && t._names !== null) && namesMode.enabled)) return namedCat(tensorList("cat", tensors), (a.dim as number | string | undefined) ?? 0);
  if (Array.isArray(tensors) && isQuantizedTensor(tensors[0])) return quantizedCat(tensorList("cat", tensors), (a.dim as number | undefined) ?? 0);
  const list = tensorList("cat", tensors), dim = (a.dim as number | undefined) ?? 0;
  if (batching.on && anyBatched(list)) return catRule(list, dim, (ps, pd) => cat(ps, pd));
  return catImpl("cat", list, dim);
}
export const concat = cat;

/** torch.concatenate(tensors, axis = 0). */
export function concatenate(tensors: Tensor[], ...args: Args<[axis?: number], { axis?: number } & OutOption>): Tensor {
  if (autocasting.on && autocasts("cat", arguments)) return runAutocast(concatenate, arguments);
  if (hasOut(args)) return withOut("concatenate", args, (rest) => concatenate(tensors, ...(rest as [])), "cast", false, [tensors]);
  const a = bindArgs("concatenate", args, ["axis"], [], 1);
  return catImpl("concatenate", tensorList("concatenate", tensors), (a.axis as number | undefined) ?? 0);
}

/** The inputs' tangents, zeros for an input without one: cat's and stack's tangent is the same join of them. */
function tangentsOrZeros(ts: readonly Tensor[], tans: readonly (Tensor | null)[]): Tensor[] {
  return ts.map((t, i) => tans[i] ?? t.newZeros(t.shape));
}

// ---- stack ----------------------------------------------------------------------------------

export function stack(tensors: Tensor[], ...args: Args<[dim?: number], { dim?: number } & OutOption>): Tensor {
  if (Array.isArray(tensors) && tensors.some((t) => t instanceof Tensor && isNamed(t))) throw namedRefusal("stack");
  if (autocasting.on && autocasts("stack", arguments)) return runAutocast(stack, arguments);
  if (hasOut(args)) return withOut("stack", args, (rest) => stack(tensors, ...(rest as [])), "cast", false, [tensors]);
  const a = bindArgs("stack", args, ["dim"], [], 1);
  const ts = tensorList("stack", tensors);
  if (ts.length === 0) throw new Error("stack expects a non-empty TensorList");
  const ref = ts[0]!;
  ts.forEach((t, i) => {
    if (t._shape.join() !== ref._shape.join()) {
      throw new Error(`stack expects each tensor to be equal size, but got ${shapeStr(ref._shape)} at entry 0 and ${shapeStr(t._shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim((a.dim as number | undefined) ?? 0, ref.dim() + 1, "stack");
  if (batching.on && anyBatched(ts)) return joinRule(ts, d + 1, (ps, pd) => stack(ps, pd));
  if (isQuantizedTensor(ref)) return quantizedStack(ts, d);
  const shape = ref.shape;
  shape.splice(d, 0, ts.length);
  const gpu = onDevice(ts);
  if (gpu) deviceOp("sameDevice", "stack")("stack", ts);
  const out = gpu ? deviceOp("empty", "stack")(shape, promoteAll(ts)) : uninitTensor(shape, promoteAll(ts));
  const strides = out.stride();
  const step = strides[d]!;
  strides.splice(d, 1);
  ts.forEach((t, i) => copyInto(rawView(out, ref.shape, strides, i * step), t));
  const r = record("StackBackward0", ts, out, ([g]) => ts.map((t, i) => (t._requiresGrad ? asInputGrad(g!.select(d, i), t) : null)), [],
    forwardGrads.on ? (tans) => [stack(tangentsOrZeros(ts, tans), d)] : undefined);
  if (tracing.on) traceOp("stack", ts, r, { dim: d });
  return r;
}

export function hstack(tensors: Tensor[], options?: OutOption): Tensor;
export function hstack<A extends Rebound<[tensors: Tensor[]], ["tensors"], OutOption>>(...args: A): Tensor;
export function hstack(tensors: Tensor[], options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("hstack", arguments, 1, () => hstack(tensors)); else if (isOptionsObject(tensors)) return rebind(hstack, "hstack", arguments, ["tensors"], 1, ["out"]);
  const ts = atleast1d(tensorList("hstack", tensors));
  return cat(ts, ts.length && ts[0]!.dim() === 1 ? 0 : 1);
}

export function vstack(tensors: Tensor[], options?: OutOption): Tensor;
export function vstack<A extends Rebound<[tensors: Tensor[]], ["tensors"], OutOption>>(...args: A): Tensor;
export function vstack(tensors: Tensor[], options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("vstack", arguments, 1, () => vstack(tensors)); else if (isOptionsObject(tensors)) return rebind(vstack, "vstack", arguments, ["tensors"], 1, ["out"]);
  return cat(atleast2d(tensorList("vstack", tensors)), 0);
}
export const rowStack = vstack;

export function dstack(tensors: Tensor[], options?: OutOption): Tensor;
export function dstack<A extends Rebound<[tensors: Tensor[]], ["tensors"], OutOption>>(...args: A): Tensor;
export function dstack(tensors: Tensor[], options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("dstack", arguments, 1, () => dstack(tensors)); else if (isOptionsObject(tensors)) return rebind(dstack, "dstack", arguments, ["tensors"], 1, ["out"]);
  return cat(atleast3d(tensorList("dstack", tensors)), 2);
}

export function columnStack(tensors: Tensor[], options?: OutOption): Tensor;
export function columnStack<A extends Rebound<[tensors: Tensor[]], ["tensors"], OutOption>>(...args: A): Tensor;
export function columnStack(tensors: Tensor[], options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("column_stack", arguments, 1, () => columnStack(tensors)); else if (isOptionsObject(tensors)) return rebind(columnStack, "column_stack", arguments, ["tensors"], 1, ["out"]);
  const ts = tensorList("column_stack", tensors);
  if (ts.length === 0) throw new Error("column_stack expects a non-empty TensorList");
  return cat(ts.map((t) => (t.dim() <= 1 ? t.reshape([t.numel(), 1]) : t)), 1);
}

// ---- atleast_nd -----------------------------------------------------------------------------

function atleast(op: string, args: readonly unknown[], f: (t: Tensor) => Tensor): Tensor | Tensor[] {
  const { tensors, listed } = varTensors(op, args);
  const out = tensors.map(f);
  return !listed && out.length === 1 ? out[0]! : out;
}

type AtleastArgs = (Tensor | Tensor[])[];

/** torch.atleast_1d(x) → a tensor; atleast_1d(x, y) or atleast_1d([x, y]) → a list. */
export function atleast1d(tensor: Tensor): Tensor;
export function atleast1d(tensors: Tensor[]): Tensor[];
export function atleast1d(...tensors: Tensor[]): Tensor[];
export function atleast1d(...tensors: AtleastArgs): Tensor | Tensor[] {
  if (arguments.length > 1) checkArgs("atleast1d", arguments, 1);
  return atleast("atleast_1d", tensors, (t) => (t.dim() === 0 ? t.reshape([1]) : t));
}

export function atleast2d(tensor: Tensor): Tensor;
export function atleast2d(tensors: Tensor[]): Tensor[];
export function atleast2d(...tensors: Tensor[]): Tensor[];
export function atleast2d(...tensors: AtleastArgs): Tensor | Tensor[] {
  if (arguments.length > 1) checkArgs("atleast2d", arguments, 1);
  return atleast("atleast_2d", tensors, (t) => (t.dim() === 0 ? t.reshape([1, 1]) : t.dim() === 1 ? t.unsqueeze(0) : t));
}

export function atleast3d(tensor: Tensor): Tensor;
export function atleast3d(tensors: Tensor[]): Tensor[];
export function atleast3d(...tensors: Tensor[]): Tensor[];
export function atleast3d(...tensors: AtleastArgs): Tensor | Tensor[] {
  if (arguments.length > 1) checkArgs("atleast3d", arguments, 1);
  return atleast("atleast_3d", tensors, (t) => {
    if (t.dim() === 0) return t.reshape([1, 1, 1]);
    if (t.dim() === 1) return t.unsqueeze(0).unsqueeze(-1);
    if (t.dim() === 2) return t.unsqueeze(-1);
    return t;
  });
}

// ---- broadcasting ---------------------------------------------------------------------------

export function broadcastTensors(...tensors: (Tensor | Tensor[])[]): Tensor[] {
  const { tensors: ts } = varTensors("broadcast_tensors", tensors);
  const shape = broadcastCore(...ts.map((t) => t._shape));
  return ts.map((t) => t.expand(shape));
}

/** torch.broadcast_shapes(*shapes): each shape an int or an array of ints. */
export function broadcastShapes(...shapes: (number | number[])[]): number[] {
  const list = shapes.map((s) => {
    if (typeof s === "number") return [s];
    if (!Array.isArray(s) || s.some((x) => !Number.isInteger(x))) throw new Error(`broadcast_shapes(): expected an int or a tuple of ints, got ${describe(s)}`);
    return s;
  });
  try {
    return broadcastCore(...list);
  } catch {
    throw new Error("Shape mismatch: objects cannot be broadcast to a single shape");
  }
}

// ---- meshgrid / cartesian_prod / combinations -----------------------------------------------

type MeshgridArg = Tensor | Tensor[] | { indexing?: "ij" | "xy" };

/** torch.meshgrid(*tensors, { indexing = "ij" }): views of each input expanded to the grid. */
export function meshgrid(...args: MeshgridArg[]): Tensor[] {
  let rest = args;
  let indexing = "ij";
  const last = rest[rest.length - 1];
  if (last !== undefined && !(last instanceof Tensor) && !Array.isArray(last)) {
    const o = bindArgs("meshgrid", [last], [], ["indexing"]);
    indexing = (o.indexing as string | undefined) ?? "ij";
    rest = rest.slice(0, -1);
  }
  const { tensors } = varTensors("meshgrid", rest);
  if (tensors.length === 0) throw new Error("meshgrid expects a non-empty TensorList");
  if (indexing !== "ij" && indexing !== "xy") {
    throw new Error(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  }
  tensors.forEach((t) => {
    if (t.dim() > 1) throw new Error(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${shapeStr(t._shape)}`);
  });
  for (const t of tensors) {
    if (t.dtype !== tensors[0]!.dtype) throw new Error("meshgrid expects all tensors to have the same dtype");
  }
  const swap = indexing === "xy" && tensors.length >= 2;
  const ts = swap ? [tensors[1]!, tensors[0]!, ...tensors.slice(2)] : tensors;
  const shape = ts.map((t) => t.numel());
  const grids = ts.map((t, i) => {
    const view = shape.map((_, j) => (j === i ? -1 : 1));
    return t.reshape(view).expand(shape);
  });
  if (!swap) return grids;
  const [g0, g1, ...more] = grids;
  return [g1!, g0!, ...more];
}

export function cartesianProd(...tensors: (Tensor | Tensor[])[]): Tensor {
  const { tensors: ts } = varTensors("cartesian_prod", tensors);
  ts.forEach((t) => {
    if (t.dim() !== 1) throw new Error(`Expect a 1D vector, but got shape ${shapeStr(t._shape)}`);
  });
  if (ts.length === 1) return ts[0]!;
  return stack(meshgrid(ts, { indexing: "ij" }).map((g) => g.reshape(-1)), 1);
}

/** torch.combinations(input, r = 2, { withReplacement = false }), in lexicographic order. */
export function combinations(input: Tensor, ...args: Args<[r?: number, withReplacement?: boolean], { r?: number; withReplacement?: boolean }>): Tensor {
  const a = bindArgs("combinations", args, ["r", "withReplacement"], [], 1);
  const r = (a.r as number | undefined) ?? 2;
  const repl = (a.withReplacement as boolean | undefined) ?? false;
  if (input.dim() !== 1) throw new Error(`Expect a 1D vector, but got shape ${shapeStr(input._shape)}`);
  if (!Number.isInteger(r) || r < 0) throw new Error(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return indexSelect(input, 0, int64Tensor([], [0]));
  const n = input._shape[0]!;
  const picks: number[] = [];
  const cur: number[] = [];
  const walk = (from: number): void => {
    if (cur.length === r) { picks.push(...cur); return; }
    for (let i = from; i < n; i++) { cur.push(i); walk(repl ? i : i + 1); cur.pop(); }
  };
  walk(0);
  return indexSelect(input, 0, int64Tensor(picks, [picks.length])).view([picks.length / r, r]);
}

// ---- block_diag -----------------------------------------------------------------------------

export function blockDiag(...tensors: (Tensor | Tensor[])[]): Tensor {
  const { tensors: ts } = varTensors("block_diag", tensors);
  ts.forEach((t, i) => {
    if (t.dim() > 2) throw new Error(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.dim()} dimensions`);
  });
  const mats = ts.map((t) => (t.dim() === 0 ? [1, 1] : t.dim() === 1 ? [1, t._shape[0]!] : t.shape));
  const rows = mats.reduce((s, m) => s + m[0]!, 0), cols = mats.reduce((s, m) => s + m[1]!, 0);
  if (ts.length === 0) return emptyTensor([1, 0], float32);
  const out = emptyTensor([rows, cols], promoteAll(ts));
  const at: [number, number][] = [];
  let r = 0, c = 0;
  ts.forEach((t, i) => {
    const [h, w] = mats[i] as [number, number];
    at.push([r, c]);
    copyInto(rawView(out, [h, w], [cols, 1], r * cols + c), t.reshape([h, w]));
    r += h; c += w;
  });
  return record("BlockDiagBackward0", ts, out, ([g]) => ts.map((t, i) => {
    if (!t._requiresGrad) return null;
    const [h, w] = mats[i] as [number, number];
    const [r0, c0] = at[i]!;
    return asInputGrad(g!.narrow(0, r0, h).narrow(1, c0, w).reshape(t.shape), t);
  }));
}
