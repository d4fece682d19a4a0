// Sorting and searching: sort, argsort, msort, topk, unique (+ consecutive), searchsorted,
// bucketize, histc, bincount.

import { dimnameRefusal, hasDimname, isNamed, namedRefusal } from "./named-engine.js";
import { Tensor } from "../core/tensor.js";
import { type DType, bool, cannotAllocate, float32Bits, int32, int64 } from "../core/dtype.js";
import { notImplementedFor, pyType, requireTensor } from "./pointwise-util.js";
import { normalizeDim } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { DATA_DEPENDENT_DIMS, traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkInt, cppDouble, installMethods, type Method, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { emptyTensor, toExactNumbers, toNumbers, writeNumbers, type NumArray } from "./engine.js";
import { pairOf, valuesIndices, type ValuesIndices } from "./named-tuple.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { dimTupleRule } from "../func/batching-rules.js";
import { tensor, zeros } from "./creation.js";
import { deviceOp, onDevice, valueSizedOnDevice } from "./device-hooks.js";
import { BINCOUNT_INPUTS, type BincountArgs, bincountArgs } from "./bincount-args.js";
import { tryNativeSort } from "./native-index.js";
import { type ExactArray, reducedLastExact } from "./reduce-engine.js";

import { outCall, type OutOption, hasOut, withOut, type OutPairOption } from "./out.js";
/** Ascending order with NaN last; stable (ties keep input order). */
function ascending(d: ExactArray, s: number) {
  return (a: number, b: number): number => {
    const x = d[s + a]!, y = d[s + b]!;
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
}
function descending(d: ExactArray, s: number) {
  return (a: number, b: number): number => {
    const x = d[s + a]!, y = d[s + b]!;
    if (x !== x) return y !== y ? a - b : -1;
    if (y !== y) return 1;
    return x > y ? -1 : x < y ? 1 : a - b;
  };
}

const INDEX_SPAN = 2 ** 21;

/**
 * The stable order of a line of float32 or small-integer values (NaN last ascending, first
 * descending) through one native Float64Array sort: each value becomes an order-preserving 32-bit
 * key, packed with its index below 2^53 (ties then keep input order). Sorting indices through a
 * JS comparator costs ~250 ns per element on 1000-element lines. Null when the line is too long
 * or the values do not fit 32 bits.
 */
function packedOrder(src: NumArray, s: number, n: number, desc: boolean, float32Values: boolean): number[] | null {
  if (n > INDEX_SPAN) return null;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = src[s + i]!, k: number;
    if (float32Values) {
      if (v !== v) k = 0xffffffff;
      else {
        if (v === 0) v = 0; // -0 ties with 0
        const b = float32Bits(v);
        k = b >= 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      }
    } else {
      k = v + 0x80000000;
    }
    keys[i] = (desc ? 0xffffffff - k : k) * INDEX_SPAN + i;
  }
  keys.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) { const key = keys[i]!; order[i] = key - Math.floor(key / INDEX_SPAN) * INDEX_SPAN; }
  return order;
}

/** Whether packedOrder can order this dtype's values. */
function packable(dtype: DType): boolean | null {
  switch (dtype.name) {
    case "float32": return true;
    case "int32": case "int16": case "int8": case "uint8": case "bool": return false;
    default: return null;
  }
}

function lineOrder(x: Tensor, desc: boolean): (src: ExactArray, s: number, n: number) => number[] {
  const kind = packable(x.dtype);
  return (src, s, n) => (kind === null ? null : packedOrder(src as NumArray, s, n, desc, kind)) ?? [...Array(n).keys()].sort(desc ? descending(src, s) : ascending(src, s));
}

/** Per line along `dim`: an index order of length k; returns values and indices tensors. */
function orderAlong(op: string, x: Tensor, dim: number, k: number, order: (d: ExactArray, s: number, n: number) => number[]): { values: Tensor; indices: Tensor; d: number } {
  const nd = x.dim();
  const d = nd ? normalizeDim(dim, nd, op) : 0;
  const perm = [...Array(nd).keys()].filter((i) => i !== d).concat(nd ? [d] : []);
  const src = reducedLastExact(x.detach(), nd ? [d] : []);
  const n = nd ? x.shape[d]! : 1;
  const lines = n ? src.length / n : nd ? x.numel() : 0;
  const outShapePerm = perm.map((i) => (i === d ? k : x.shape[i]!));
  const vals = src instanceof BigInt64Array ? new BigInt64Array(lines * k) : new Float64Array(lines * k), idx = new Float64Array(lines * k);
  for (let l = 0; l < lines; l++) {
    const o = order(src, l * n, n);
    for (let j = 0; j < k; j++) { idx[l * k + j] = o[j]!; vals[l * k + j] = src[l * n + o[j]!]!; }
  }
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  const values = emptyTensor(outShapePerm, x.dtype), indices = emptyTensor(outShapePerm, int64);
  if (vals instanceof BigInt64Array) (values.storage.data as BigInt64Array).set(vals);
  else writeNumbers(values, vals);
  writeNumbers(indices, idx);
  if (!nd) return { values: values.reshape([]), indices: indices.reshape([]), d };
  return { values: values.permute(inverse).contiguous(), indices: indices.permute(inverse).contiguous(), d };
}

/** orderAlong's result through the native sort, or null when it does not apply. */
function nativeOrderAlong(x: Tensor, dim: number, k: number, desc: boolean): { values: Tensor; indices: Tensor; d: number } | null {
  if (x.dim() === 0) return null;
  const d = normalizeDim(dim, x.dim(), "sort");
  const r = tryNativeSort(x, d, k, desc);
  return r && { ...r, d };
}

function gradByIndices(g: Tensor, indices: Tensor, inShape: number[], d: number): Tensor {
  if (!inShape.length) return g;
  return g.newZeros(inShape).scatter(d, indices, g);
}

interface SortOptions { dim?: number; descending?: boolean; stable?: boolean | null }

export function sort(input: Tensor, ...args: Args<[dim?: number | string, descending?: boolean], SortOptions & OutPairOption>): ValuesIndices {
  if (!(input instanceof Tensor)) requireTensor("sort", "input", 1, input);
  if (hasDimname(args[0]) || (isOptionsObject(args[0]) && hasDimname(args[0].dim))) throw dimnameRefusal("sort");
  if (isNamed(input)) throw namedRefusal("sort");
  if (hasOut(args)) return withOut("sort", args, (rest) => sort(input, ...(rest as [])), "same", false, [input]);
  checkTensor("sort", "input", input);
  const o = bindArgs("sort", args, ["dim", "descending"], ["stable"], 1);
  const desc = (o.descending as boolean | undefined) ?? false;
  const dim = (o.dim as number | undefined) ?? -1;
  if (batching.on && isBatched(input)) return pairOf(dimTupleRule(input, dim, (p, pd) => sort(p, { dim: pd, descending: desc, stable: (o.stable as boolean | null | undefined) ?? null })));
  const n = input.dim() ? input.shape[normalizeDim(dim, input.dim())]! : 1;
  const { values, indices, d } = onDevice(input) ? deviceOp("sortAlong", "sort")("sort", input, dim, n, desc)
    : nativeOrderAlong(input, dim, n, desc) ?? orderAlong("sort", input, dim, n, lineOrder(input, desc));
  const inShape = input.shape;
  record("SortBackward0", [input], [values, indices], ([g]) => [gradByIndices(g!, indices, inShape, d)]);
  if (tracing.on) traceOp("sort", [input], [values, indices], { dim: d, descending: desc });
  return valuesIndices(values, indices);
}

export function argsort(input: Tensor, ...args: Args<[dim?: number, descending?: boolean], SortOptions>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("argsort", "input", 1, input);
  if (hasDimname(args[0]) || (isOptionsObject(args[0]) && hasDimname(args[0].dim))) throw dimnameRefusal("sort");
  if (isNamed(input)) throw namedRefusal("sort");
  return sort(input.detach(), ...args).indices;
}

export function msort(input: Tensor, options?: OutOption): Tensor;
export function msort<A extends Rebound<[input: Tensor], ["input"], OutOption>>(...args: A): Tensor;
export function msort(input: Tensor, options?: OutOption): Tensor {
  if (arguments.length > 1) return outCall("msort", arguments, 1, () => msort(input)); else if (isOptionsObject(input)) return rebind(msort, "msort", arguments, ["input"], 1, ["out"]);
  return sort(input, 0).values;
}

interface TopkOptions { dim?: number; largest?: boolean; sorted?: boolean }

export function topk(input: Tensor, k: number, ...args: Args<[dim?: number, largest?: boolean, sorted?: boolean], TopkOptions & OutPairOption>): ValuesIndices;
export function topk<A extends Rebound<[input: Tensor, k: number], ["input", "k"], TopkOptions & OutPairOption>>(...args: A): ValuesIndices;
export function topk(input: Tensor, k: number, ...args: Args<[dim?: number, largest?: boolean, sorted?: boolean], TopkOptions & OutPairOption>): ValuesIndices {
  if (!(input instanceof Tensor) && !isOptionsObject(input)) requireTensor("topk", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("topk");
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? k : input)) return rebind(topk, "topk", arguments, ["input", "k", "dim", "largest", "sorted"], 2, ["out"]);
  if (hasOut(args)) return withOut("topk", args, (rest) => topk(input, k, ...(rest as [])), "same", false, [input, k]);
  checkTensor("topk", "input", input);
  const o = bindArgs("topk", args, ["dim", "largest", "sorted"], [], 2);
  if (input.dtype === bool) throw notImplementedFor("topk_cpu", bool);
  const dim = (o.dim as number | undefined) ?? -1;
  const largest = (o.largest as boolean | undefined) ?? true;
  const nd = input.dim();
  const size = nd ? input.shape[normalizeDim(dim, nd, "topk")]! : 1;
  checkInt("topk", "k", k);
  if (k < 0 || k > size) throw new Error(`selected index k out of range`);
  if (batching.on && isBatched(input)) return pairOf(dimTupleRule(input, dim, (p, pd) => topk(p, k, { dim: pd, largest, sorted: (o.sorted as boolean | undefined) ?? true })));
  const { values, indices, d } = onDevice(input) ? deviceOp("sortAlong", "topk")("topk", input, dim, k, largest)
    : nativeOrderAlong(input, dim, k, largest) ?? orderAlong("topk", input, dim, k, (src, s, n) => lineOrder(input, largest)(src, s, n).slice(0, k));
  const inShape = input.shape;
  record("TopkBackward0", [input], [values, indices], ([g]) => [gradByIndices(g!, indices, inShape, d)]);
  if (tracing.on) traceOp("topk", [input], [values, indices], { dim: d, k, largest });
  return valuesIndices(values, indices);
}

export interface UniqueOptions { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }

/** torch.unique: sorted unique values (of the flattened input, or of slices along dim), with inverse and counts. */
export function unique(input: Tensor, ...args: Args<[sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null], UniqueOptions>): Tensor | Tensor[] {
  if (!(input instanceof Tensor)) requireTensor("unique", "input", 1, input);
  const o = bindArgs("unique", args, ["sorted", "returnInverse", "returnCounts", "dim"], [], 1);
  const inv = (o.returnInverse as boolean | undefined) ?? false, counts = (o.returnCounts as boolean | undefined) ?? false;
  const dim = (o.dim as number | null | undefined) ?? null;
  if (onDevice(input)) throw valueSizedOnDevice("unique", "torch.uniqueAsync(x, ...)");
  const r = dim !== null ? uniqueDim(input, dim, inv, counts, false) : uniqueFlat(input, inv, counts);
  if (tracing.on) traceUnique("unique", input, r, dim, inv, counts);
  return r;
}

/**
 * unique / unique_consecutive are computed from the values, untraced: the export sees them whole,
 * with the length of the unique values and of the counts marked as data-dependent.
 */
function traceUnique(op: string, input: Tensor, r: Tensor | Tensor[], dim: number | null, inv: boolean, counts: boolean): void {
  const outs = Array.isArray(r) ? r : [r];
  const d = dim === null ? 0 : normalizeDim(dim, input.dim(), op);
  const varying: [number, number][] = [[0, d]];
  if (counts) varying.push([outs.length - 1, 0]);
  traceOp(op, [input], outs, { dim, returnInverse: inv, returnCounts: counts, [DATA_DEPENDENT_DIMS]: varying });
}

function uniqueFlat(input: Tensor, inv: boolean, counts: boolean): Tensor | Tensor[] {
  const vals = input.dtype.name === "int64" ? (input.reshape(-1).tolist() as (number | bigint)[]) : Array.from(toNumbers(input.contiguous()));
  const keys = vals.map((v) => (typeof v === "bigint" ? v : v));
  const order = [...keys.keys()].sort((a, b) => {
    const x = keys[a]!, y = keys[b]!;
    if (typeof x === "number" && x !== x) return 1;
    if (typeof y === "number" && y !== y) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const uniq: (number | bigint)[] = [];
  const inverse = new Array<number>(keys.length);
  const cnt: number[] = [];
  for (const i of order) {
    const v = keys[i]!;
    if (!uniq.length || uniq[uniq.length - 1] !== v) { uniq.push(v); cnt.push(0); }
    inverse[i] = uniq.length - 1;
    cnt[cnt.length - 1]!++;
  }
  const out = tensor(uniq as number[], { dtype: input.dtype });
  if (!inv && !counts) return out;
  const res: Tensor[] = [out];
  if (inv) res.push(tensor(inverse, { dtype: int64 }).reshape(input.shape));
  if (counts) res.push(tensor(cnt, { dtype: int64 }));
  return res;
}

function uniqueDim(input: Tensor, dim: number, inv: boolean, counts: boolean, consecutive: boolean): Tensor | Tensor[] {
  const d = normalizeDim(dim, input.dim(), "unique");
  const slices = input.unbind(d).map((t) => toExactNumbers(t));
  const cmp = (a: number, b: number): number => {
    const x = slices[a]!, y = slices[b]!;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  };
  const order = consecutive ? [...slices.keys()] : [...slices.keys()].sort((a, b) => cmp(a, b) || a - b);
  const keep: number[] = [];
  const inverse = new Array<number>(slices.length);
  const cnt: number[] = [];
  for (const i of order) {
    if (!keep.length || cmp(keep[keep.length - 1]!, i) !== 0) { keep.push(i); cnt.push(0); }
    inverse[i] = keep.length - 1;
    cnt[cnt.length - 1]!++;
  }
  const out = input.indexSelect(d, tensor(keep, { dtype: int64 }));
  if (!inv && !counts) return out;
  const res: Tensor[] = [out];
  if (inv) res.push(tensor(inverse, { dtype: int64 }));
  if (counts) res.push(tensor(cnt, { dtype: int64 }));
  return res;
}

export function uniqueConsecutive(input: Tensor, ...args: Args<[returnInverse?: boolean, returnCounts?: boolean, dim?: number | null], Omit<UniqueOptions, "sorted">>): Tensor | Tensor[] {
  const o = bindArgs("unique_consecutive", args, ["returnInverse", "returnCounts", "dim"], [], 1);
  const inv = (o.returnInverse as boolean | undefined) ?? false, counts = (o.returnCounts as boolean | undefined) ?? false;
  const dim = (o.dim as number | null | undefined) ?? null;
  if (onDevice(input)) throw valueSizedOnDevice("unique_consecutive", "torch.uniqueConsecutiveAsync(x, ...)");
  const r = dim !== null ? uniqueDim(input, dim, inv, counts, true) : consecutiveFlat(input, inv, counts);
  if (tracing.on) traceUnique("unique_consecutive", input, r, dim, inv, counts);
  return r;
}

function consecutiveFlat(input: Tensor, inv: boolean, counts: boolean): Tensor | Tensor[] {
  const vals = toExactNumbers(input);
  const uniq: (number | bigint)[] = [], cnt: number[] = [], inverse: number[] = [];
  for (const v of vals) {
    if (!uniq.length || uniq[uniq.length - 1] !== v) { uniq.push(v); cnt.push(0); }
    cnt[cnt.length - 1]!++;
    inverse.push(uniq.length - 1);
  }
  const out = tensor(uniq as number[], { dtype: input.dtype });
  if (!inv && !counts) return out;
  const res: Tensor[] = [out];
  if (inv) res.push(tensor(inverse, { dtype: int64 }).reshape(input.shape));
  if (counts) res.push(tensor(cnt, { dtype: int64 }));
  return res;
}

interface SearchOptions { outInt32?: boolean; right?: boolean; side?: "left" | "right" | null; sorter?: Tensor | null }

/** Where v goes in seq[s, s + n); int64 sides stay bigints, which JS compares exactly with numbers too. */
function lowerBound(seq: ExactArray, s: number, n: number, v: number | bigint, right: boolean, sorter: NumArray | null): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = seq[s + (sorter ? sorter[s + mid]! : mid)]!;
    // PyTorch's tests, negated so that a NaN value goes after every element.
    if (right ? !(x > v) : !(x >= v)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** torch.searchsorted(sortedSequence, values, { right, side, outInt32, sorter }). */
export function searchsorted(sortedSequence: Tensor, input: Tensor | number, ...args: Args<[], SearchOptions & OutOption>): Tensor;
export function searchsorted<A extends Rebound<[sortedSequence: Tensor, input: Tensor | number], ["sortedSequence", "input"], SearchOptions & OutOption>>(...args: A): Tensor;
export function searchsorted(sortedSequence: Tensor, input: Tensor | number, ...args: Args<[], SearchOptions & OutOption>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? input : sortedSequence)) return rebind(searchsorted, "searchsorted", arguments, ["sortedSequence", "input"], 2, ["outInt32", "right", "side", "sorter", "out"]);
  if (hasOut(args)) return withOut("searchsorted", args, (rest) => searchsorted(sortedSequence, input, ...(rest as [never])), "same", false, [sortedSequence, input]);
  if (!(sortedSequence instanceof Tensor)) requireTensor("searchsorted", "sorted_sequence", 1, sortedSequence);
  const o = bindArgs("searchsorted", args, [], ["outInt32", "right", "side", "sorter", "out"], 2);
  if (o.side === "left" && o.right) throw new Error("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  const right = o.side === "right" || (o.right as boolean | undefined) === true;
  const values = input instanceof Tensor ? input : tensor([input], { dtype: sortedSequence.dtype }).reshape([]);
  if (sortedSequence.dtype === bool || values.dtype === bool) throw notImplementedFor("searchsorted_out_cpu", bool);
  const outDtype: DType = o.outInt32 ? int32 : int64;
  // Both int64: compared as bigints; otherwise as numbers, as PyTorch compares in the common dtype.
  const bothInt64 = sortedSequence.dtype === int64 && values.dtype === int64;
  const seq = bothInt64 ? toExactNumbers(sortedSequence) : toNumbers(sortedSequence.contiguous());
  const sorter = o.sorter ? toNumbers((o.sorter as Tensor).contiguous()) : null;
  const n = sortedSequence.shape[sortedSequence.dim() - 1] ?? 1;
  const vals = bothInt64 ? toExactNumbers(values) : toNumbers(values.contiguous());
  const out = new Float64Array(vals.length);
  if (sortedSequence.dim() <= 1) {
    for (let i = 0; i < vals.length; i++) out[i] = lowerBound(seq, 0, n, vals[i]!, right, sorter);
  } else {
    if (sortedSequence.shape.slice(0, -1).join() !== values.shape.slice(0, -1).join()) {
      throw new Error(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${sortedSequence.shape}] and input value tensor [${values.shape}]`);
    }
    const m = values.shape[values.dim() - 1]!;
    for (let i = 0; i < vals.length; i++) out[i] = lowerBound(seq, Math.floor(i / m) * n, n, vals[i]!, right, sorter);
  }
  const t = emptyTensor(values.shape, outDtype);
  writeNumbers(t, out);
  // Computed from the values, untraced: the export sees it whole.
  if (tracing.on) traceOp("searchsorted", [sortedSequence, values, (o.sorter as Tensor | undefined) ?? null], t, { right });
  return t;
}

export function bucketize(input: Tensor | number, boundaries: Tensor, ...args: Args<[], { outInt32?: boolean; right?: boolean } & OutOption>): Tensor;
export function bucketize<A extends Rebound<[input: Tensor | number, boundaries: Tensor], ["input", "boundaries"], { outInt32?: boolean; right?: boolean } & OutOption>>(...args: A): Tensor;
export function bucketize(input: Tensor | number, boundaries: Tensor, ...args: Args<[], { outInt32?: boolean; right?: boolean } & OutOption>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? boundaries : input)) return rebind(bucketize, "bucketize", arguments, ["input", "boundaries"], 2, ["outInt32", "right", "out"]);
  if (hasOut(args)) return withOut("bucketize", args, (rest) => bucketize(input, boundaries, ...(rest as [never])), "same", false, [input, boundaries]);
  if (!(boundaries instanceof Tensor)) requireTensor("bucketize", "boundaries", 2, boundaries);
  if (!(input instanceof Tensor) && typeof input !== "number") throw new Error(`bucketize() received an invalid combination of arguments - got (${pyType(input)}, Tensor)`);
  const o = bindArgs("bucketize", args, [], ["outInt32", "right", "out"], 2);
  if (boundaries.dim() !== 1) throw new Error(`bucketize: boundaries tensor must be 1 dimension, but got dim(${boundaries.dim()})`);
  return searchsorted(boundaries, input, { right: (o.right as boolean | undefined) ?? false, outInt32: (o.outInt32 as boolean | undefined) ?? false });
}

export function histc(input: Tensor, ...args: Args<[bins?: number, min?: number, max?: number], { bins?: number; min?: number; max?: number } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("histc", args, (rest) => histc(input, ...(rest as [never])), "same", false, [input]);
  const o = bindArgs("histc", args, ["bins", "min", "max"], [], 1);
  checkTensor("histc", "input", input);
  const bins = (o.bins as number | undefined) ?? 100;
  const min = (o.min as number | undefined) ?? 0, max = (o.max as number | undefined) ?? 0;
  if (!input.dtype.isFloatingPoint) throw notImplementedFor("histogram_cpu", input.dtype);
  checkInt("histc", "bins", bins);
  if (bins <= 0) throw new Error("torch.histc(): bins must be > 0");
  const x = input.detach().reshape(-1);
  const dtype = input.dtype;
  // The outer edges: the given range, else the data's (as 0-d tensors, so a device reads nothing
  // back); an empty range widens by 1 on each side. PyTorch rounds them to the input's dtype.
  let lo: Tensor, hi: Tensor;
  if (min === max && x.numel() > 0 && onDevice(x)) {
    const mn = x.min(), mx = x.max(), widen = mn.eq(mx).to(dtype);
    lo = mn.sub(widen); hi = mx.add(widen);
  } else {
    let a = min, b = max;
    if (a === b && x.numel() > 0) { a = Number(x.min().item()); b = Number(x.max().item()); }
    if (a === b) { a -= 1; b += 1; }
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`torch.histc: range of [${cppDouble(a)}, ${cppDouble(b)}] is not finite`);
    if (a > b) throw new Error("torch.histc(): max must be larger than min");
    lo = tensor(a, { dtype, device: input.device }); hi = tensor(b, { dtype, device: input.device });
  }
  const counts = zeros([bins], { dtype, device: input.device });
  if (x.numel() > 0) {
    // PyTorch 2.11's histc (LINEAR_INTERPOLATION): bin (x - lo) * bins / (hi - lo), each step in
    // the input's dtype, truncated; the last bin takes its right edge; NaN and elements outside
    // [lo, hi] are skipped. (PyTorch 1.13 divided first.)
    const inside = x.ge(lo).logicalAnd(x.le(hi));
    const bin = x.sub(lo).mul(bins).div(hi.sub(lo)).trunc().maskedFill(inside.logicalNot(), 0).clamp(0, bins - 1).to(int64);
    counts.indexAdd_(0, bin, inside.to(dtype));
  }
  if (tracing.on) traceOp("histc", [input], counts, { bins, min, max });
  return counts;
}

/** PyTorch's error for a count past what memory holds: its exact length (int64 values past 2^53 included). */
function bincountTooLong(input: Tensor, dtype: DType): Error {
  // Only int64 values reach past 2^32: the maximum read from memory, exactly (max() rounds past 2^53).
  const c = input.to(int64).contiguous(), d = c.storage.data as BigInt64Array;
  let most = 0n;
  for (let i = c._offset; i < c._offset + c.numel(); i++) if (d[i]! > most) most = d[i]!;
  const length = most + 1n;
  if (length * BigInt(dtype.itemsize) >= 2n ** 63n) return new Error(`Storage size calculation overflowed with sizes=[${length}]`);
  return cannotAllocate(dtype, length);
}

export function bincount(input: Tensor, ...args: BincountArgs): Tensor {
  if (onDevice(input, args[0])) throw valueSizedOnDevice("bincount", "torch.bincountAsync(x, ...)");
  const { weights: w, minlength, dtype } = bincountArgs(input, args);
  const vals = toNumbers(input.contiguous());
  if (vals.some((v) => v < 0)) throw new Error(BINCOUNT_INPUTS);
  const n = Math.max(minlength, vals.length ? Math.max(...vals) + 1 : 0);
  if (n > 2 ** 32) throw bincountTooLong(input, dtype);
  const out = new Float64Array(n);
  const wv = w ? toNumbers(w.contiguous()) : null;
  vals.forEach((v, i) => { out[v]! += wv ? wv[i]! : 1; });
  const t = emptyTensor([n], dtype);
  writeNumbers(t, out);
  // Its length is max(input) + 1 unless minlength is larger: read from the values.
  if (tracing.on) traceOp("bincount", [input, w ?? null], t, { minlength, [DATA_DEPENDENT_DIMS]: [[0, 0]] });
  return t;
}

declare module "../core/tensor.js" {
  interface Tensor {
    sort: Method<typeof sort>;
    argsort: Method<typeof argsort>;
    msort: Method<typeof msort>;
    topk: Method<typeof topk>;
    unique: Method<typeof unique>;
    uniqueConsecutive: Method<typeof uniqueConsecutive>;
    histc: Method<typeof histc>;
    bincount: Method<typeof bincount>;
  }
}

installMethods({ sort, argsort, msort, topk, unique, uniqueConsecutive, histc, bincount });
