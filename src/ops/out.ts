// PyTorch's out= argument of the torch.* functions: the op computes its result as usual, then it is
// written into the given tensor(s) (PyTorch's resize_output + copy), which is returned. A copy keeps
// every kernel unaware of out=; the checks all run before out is touched.

import { Tensor } from "../core/tensor.js";
import { Storage } from "../core/storage.js";
import { type DType, cppTypeName, scalarTypeName } from "../core/dtype.js";
import { contiguousStrides, numel, shapesEqual } from "../core/shape.js";
import { isNonOverlappingAndDense } from "../core/memory-format.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { checkArgs, describe, isOptionsObject } from "./args.js";
import { copyInto } from "./engine.js";
import { canCast } from "./promotion.js";
import { namedTuple } from "./named-tuple.js";
import { tracing } from "../onnx/hook.js";
import { warnOnce } from "../core/warnings.js";
import { assertNoInternalOverlap, assertNoOverlap, assertWritable } from "./memory-overlap.js";

/**
 * How out's dtype may differ from the result's: "cast" where PyTorch casts (pointwise ops,
 * comparisons, most reductions: any cast canCast allows), "same" where its kernel writes out
 * directly (matmul family, (values, indices) results, amax/amin).
 */
export type OutDtypeRule = "cast" | "same";

/** The options of an op that takes PyTorch's out=. */
export interface OutOption { out?: Tensor | null }
/** The options of an op whose out= is a pair of tensors (values, indices). */
export interface OutPairOption { out?: readonly [Tensor, Tensor] | null }

const OUT_ONLY: readonly string[] = ["out"];

/**
 * The out= form of an op written with plain parameters: checks the call's `arguments` (at most
 * `positional` positional ones, an options object with `out` and `keywords` only), computes the
 * result and writes it into out when given.
 */
export function outCall<R extends Tensor | Tensor[]>(
  op: string, args: ArrayLike<unknown>, positional: number, compute: () => R, rule: OutDtypeRule = "cast", keywords: readonly string[] = OUT_ONLY,
): R {
  const opts = checkArgs(op, args, positional, keywords);
  const out = opts?.out;
  if (out === undefined || out === null) return compute();
  checkOutArgument(op, out);
  checkOutOverlap(op, out, args);
  return writeOut(op, offering(op, out, args, compute), out, rule);
}

/**
 * Whether a bindArgs op's trailing options object holds `out`. The op tests this before calling
 * withOut, so a call without out= allocates nothing (no closure, no copy of the arguments).
 */
export function hasOut(args: readonly unknown[]): boolean {
  const n = args.length;
  if (n === 0) return false;
  const last = args[n - 1];
  return typeof last === "object" && last !== null && "out" in last && isOptionsObject(last);
}

/**
 * The out= form of an op whose arguments are bound by bindArgs (only when hasOut(args)):
 * `run(rest)` computes the result from the arguments without `out`, which is then written into
 * out. `inputs`: the op's parameters before `args` (what out must not overlap). With `dtypeFromOut` (sum, prod, cumsum, the factories: PyTorch computes in out's dtype) the
 * op gets `dtype: out.dtype` unless a dtype was given, and out's dtype must then match.
 */
export function withOut<R extends Tensor | Tensor[]>(
  op: string, args: readonly unknown[], run: (rest: unknown[]) => R, rule: OutDtypeRule = "cast", dtypeFromOut = false,
  inputs: readonly unknown[] = [],
): R {
  const { out, ...opts } = args[args.length - 1] as Record<string, unknown>;
  const rest = [...args.slice(0, -1), opts];
  if (out === null || out === undefined) return run(rest);
  checkOutArgument(op, out);
  const all = inputs.length === 0 ? args : [...inputs, ...args];
  checkOutOverlap(op, out, all);
  if (dtypeFromOut && out instanceof Tensor) {
    if (opts.dtype === undefined || opts.dtype === null) opts.dtype = out.dtype;
    rule = "same";
  }
  return writeOut(op, offering(op, out, all, () => run(rest)), out, rule);
}

// ---- memory overlap ------------------------------------------------------------------------------
// The result is computed into fresh memory and copied, so no order of the loop shows; PyTorch's
// kernels write out directly and refuse it where they check (memory-overlap.ts): TensorIterator's
// ops and most others (out repeats no element and is no input's part), the BLAS products only the
// first, reductions and linear algebra nothing.

const outOverlapRules: ReadonlyMap<string, "internal" | "none" | "disjoint"> = new Map([
  // Refused even as the input's exact alias.
  ...["cat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "index_select", "take", "masked_select", "gather"]
    .map((op) => [op, "disjoint"] as const),
  ...["mm", "bmm", "matmul", "mv"].map((op) => [op, "internal"] as const),
  ...["sum", "mean", "prod", "nansum", "amax", "amin", "all", "any", "argmax", "argmin", "logsumexp", "norm", "frobenius_norm",
    "nuclear_norm", "std", "var", "median", "histc", "diag", "tril", "triu", "dot", "vdot", "inner", "tensordot", "cross",
    "matrix_power", "mvlgamma", "inverse", "searchsorted", "bucketize", "nonzero", "triangular_solve", "geqrf", "ormqr", "slogdet"]
    .map((op) => [op, "none"] as const),
]);

function checkOutOverlap(op: string, out: unknown, args: ArrayLike<unknown>): void {
  const rule = op.startsWith("linalg_") ? "none" : outOverlapRules.get(op);
  if (rule === "none") return;
  const outs = out instanceof Tensor ? [out] : (out as Tensor[]);
  if (rule === "internal") { for (const o of outs) assertNoInternalOverlap(op, o); return; }
  const inputs: Tensor[] = [];
  const collect = (v: unknown): void => {
    if (v instanceof Tensor) inputs.push(v); else if (Array.isArray(v)) v.forEach(collect);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isOptionsObject(a)) { for (const [k, v] of Object.entries(a as object)) if (k !== "out") collect(v); } else collect(a);
  }
  for (const o of outs) {
    assertWritable(op, o, inputs);
    if (rule === "disjoint") for (const t of inputs) assertNoOverlap(op, o, t);
  }
}

// ---- writing the result into out directly ------------------------------------------------------
// Computing into a fresh tensor and copying it costs a second pass and a fresh output (6x a plain
// add over 1M elements). While an out= call computes, out is offered to the op of that name
// (pointwise ops take it: directOut), which then writes its result there. The name keeps the offer
// away from the ops a composite runs inside (only its last result is what out must hold), and out
// is offered only when no argument shares its memory, so that no input changes under the op.

interface Offer { readonly op: string; readonly out: Tensor; taken: boolean }
let offer: Offer | null = null;

function offering<R>(op: string, out: unknown, args: ArrayLike<unknown>, compute: () => R): R {
  if (!(out instanceof Tensor) || !offerable(out, args)) return compute();
  const outer = offer;
  offer = { op, out, taken: false };
  try {
    return compute();
  } finally {
    offer = outer;
  }
}

/** out can take a result directly: a contiguous CPU tensor that no argument's memory overlaps. */
function offerable(out: Tensor, args: ArrayLike<unknown>): boolean {
  if (out.device.type !== "cpu" || !out.isContiguous() || out._requiresGrad || tracing.on) return false;
  // _memory, not data.buffer: a complex storage has no `data` (its pairs are its memory).
  const buffer = out.storage._memory;
  // (A GPU tensor holds no CPU memory: the op itself then raises PyTorch's device error.)
  const shares = (v: unknown): boolean => v instanceof Tensor && (v.storage === out.storage || (v.device.type === "cpu" && v.storage._memory === buffer));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (shares(a)) return false;
    if (Array.isArray(a) ? a.some(shares) : isOptionsObject(a) && Object.values(a as object).some((v) => v !== out && (shares(v) || (Array.isArray(v) && v.some(shares))))) return false;
  }
  return true;
}

/** @internal Whether an out= call of `op` is offering its out (cheap: ask before computing a shape for directOut). */
export function outOffered(op: string): boolean {
  return offer !== null && offer.op === op && !offer.taken;
}

/**
 * @internal The out tensor of the current out= call of `op`, when the result (of `shape` and
 * `dtype`, computed from `operands` on the CPU without recording autograd) can be written into it;
 * taken once. undefined otherwise: the op allocates, and the result is copied into out.
 */
export function directOut(op: string, shape: readonly number[], dtype: DType, operands: readonly Tensor[]): Tensor | undefined {
  const o = offer;
  if (o === null || o.taken || o.op !== op || o.out.dtype !== dtype || !shapesEqual(o.out._shape, shape)) return undefined;
  // A conjugate or negative view takes its result through copyInto, which writes it conjugated/negated.
  if (o.out.storage._physical !== null) return undefined;
  const grad = isGradEnabled();
  for (const t of operands) if (t.device.type !== "cpu" || (grad && t._requiresGrad)) return undefined;
  o.taken = true;
  return o.out;
}

function checkOutArgument(op: string, out: unknown): void {
  if (out instanceof Tensor) return;
  if (Array.isArray(out) && out.length > 0 && out.every((t) => t instanceof Tensor)) return;
  throw new Error(`${op}(): argument 'out' must be Tensor, not ${describe(out)}`);
}

/** Writes `result` into `out` (a tensor, or one per result of a tuple) and returns out. */
export function writeOut<R extends Tensor | Tensor[]>(op: string, result: R, out: unknown, rule: OutDtypeRule = "cast"): R {
  const results: Tensor[] = result instanceof Tensor ? [result] : result;
  const outs = outTensors(op, results.length, out);
  // Every check before the first write: a failing out= call leaves all its outs unchanged.
  results.forEach((r, i) => checkOut(op, r, outs[i]!, rule));
  results.forEach((r, i) => {
    const o = outs[i]!;
    // The op wrote into out itself (directOut).
    if (r === o) { o._bumpVersion(); return; }
    if (!shapesEqual(o._shape, r._shape)) resizeOut(o, r._shape, r._strides);
    // A result over out's memory (out taken by an op whose result a later step of the op viewed).
    copyInto(o, r.storage === o.storage ? r.clone() : r);
    o._bumpVersion();
  });
  if (result instanceof Tensor) return outs[0] as R;
  const fields = Object.getOwnPropertyNames(result).filter((k) => k !== "length" && !/^\d+$/.test(k));
  return (fields.length ? namedTuple(fields, outs) : outs) as R;
}

function outTensors(op: string, count: number, out: unknown): Tensor[] {
  if (count === 1) {
    if (out instanceof Tensor) return [out];
    throw new Error(`${op}(): argument 'out' must be Tensor, not ${describe(out)}`);
  }
  if (!Array.isArray(out) || out.length !== count || !out.every((t) => t instanceof Tensor)) {
    throw new Error(`${op}(): argument 'out' must be tuple of ${count} Tensors, not ${describe(out)}`);
  }
  return out as Tensor[];
}

function checkOut(op: string, r: Tensor, o: Tensor, rule: OutDtypeRule): void {
  if (isGradEnabled() && (r._requiresGrad || o._requiresGrad)) {
    throw new Error(`${op}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  if (o.device.toString() !== r.device.toString()) {
    throw new Error(`Expected all tensors to be on the same device, but found at least two devices, ${o.device} and ${r.device}!`);
  }
  if (rule === "same" && o.dtype !== r.dtype) {
    throw new Error(`Expected out tensor to have dtype ${cTypeName(r.dtype)}, but got ${cTypeName(o.dtype)} instead`);
  }
  if (rule === "cast" && !canCast(r.dtype, o.dtype)) {
    throw new Error(`result type ${scalarName(r.dtype)} can't be cast to the desired output type ${scalarName(o.dtype)}`);
  }
  if (!shapesEqual(o._shape, r._shape) && !resizable(o)) {
    throw new Error(`${op}(): out has shape [${o._shape.join(", ")}] but the result has shape [${r._shape.join(", ")}], and out cannot be resized: ` +
      "only a contiguous CPU tensor that is not a view can be");
  }
}

/** PyTorch's resize_output: only a tensor that owns its contiguous storage is resized here. */
function resizable(o: Tensor): boolean {
  return o.device.type === "cpu" && o._base === null && o._offset === 0 && o.isContiguous();
}

/** Resizes out to the result's shape, taking its strides when they are dense (a channels-last or transposed result gives such an out, as TensorIterator's). */
function resizeOut(o: Tensor, shape: readonly number[], strides: readonly number[]): void {
  if (o.numel() !== 0) {
    warnOnce(`An output with one or more elements was resized since it had shape [${o._shape.join(", ")}], which does not match the required output shape [${shape.join(", ")}]. ` +
      "This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. " +
      "You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).");
  }
  const n = numel(shape);
  // A larger size gets a new buffer, as resize_ reallocates; a smaller one keeps the storage.
  if (n > o.storage.length) (o as { storage: Storage }).storage = Storage.alloc(o.dtype, n);
  o._shape = shape.slice();
  o._strides = isNonOverlappingAndDense(shape, strides) ? strides.slice() : contiguousStrides(o._shape);
}

const scalarName = scalarTypeName, cTypeName = cppTypeName;
