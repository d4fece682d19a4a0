// Cumulative ops along a dim: cumsum, cumprod, cummax, cummin, logcumsumexp; and diff.

import { dimOf, isNamed } from "./named-engine.js";
import { keepNamed } from "./named-rules.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DTypeLike, int64, toDType } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkInt, installMethods, type Method } from "./args.js";
import { emptyTensor, uninitTensor, toNumbers, writeNumbers, type NumArray } from "./engine.js";
import { castTo } from "./conversion.js";
import { valuesIndices, type ValuesIndices } from "./named-tuple.js";
import { inPlaceByResult } from "./inplace.js";
import * as shapeOps from "./shape.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { notImplementedFor, requireTensor } from "./pointwise-util.js";
import { tryNativeCumsum } from "./native-fast.js";
import { type ExactArray, reducedLastExact } from "./reduce-engine.js";
import { kernels } from "../backends/kernels.js";
import * as nativeScan from "../backends/native/scan.js";

import { complexCumprod, complexCumsumValue } from "./complex-reduce.js";
import { hasOut, withOut, type OutOption, writeOut, type OutPairOption } from "./out.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { dimRule } from "../func/batching-rules.js";
/** Runs `scan(src, dst, start, n)` over each line along `dim`; src/dst hold the line contiguously. */
function scanLines(x: Tensor, dim: number, scan: (src: NumArray, out: Float64Array, s: number, n: number, idx: Float64Array | null) => void, withIndices: boolean): { values: Float64Array; indices: Float64Array | null; perm: number[] } {
  const nd = x.dim();
  const perm = [...Array(nd).keys()].filter((i) => i !== dim).concat(nd ? [dim] : []);
  const src = toNumbers(nd ? x.detach().permute(perm) : x.detach());
  const n = nd ? x.shape[dim]! : 1;
  const lines = n ? src.length / n : 0;
  const values = new Float64Array(src.length);
  const indices = withIndices ? new Float64Array(src.length) : null;
  for (let l = 0; l < lines; l++) scan(src, values, l * n, n, indices);
  return { values, indices, perm };
}

/** The lines of x along `dim` (last), int64 as bigints: for scans exact past 2^53. */
function exactLines(x: Tensor, dim: number): { src: ExactArray; n: number; lines: number; perm: number[] } {
  const nd = x.dim();
  const perm = [...Array(nd).keys()].filter((i) => i !== dim).concat(nd ? [dim] : []);
  const src = reducedLastExact(x.detach(), nd ? [dim] : []);
  const n = nd ? x.shape[dim]! : 1;
  return { src, n, lines: n ? src.length / n : 0, perm };
}

/** Whether int64 inputs of a running sum/product and its results all stayed under 2^53, where doubles are exact. */
function exactInDoubles(src: NumArray, out: Float64Array): boolean {
  for (let i = 0; i < src.length; i++) if (!(Math.abs(src[i]!) < 2 ** 53 && Math.abs(out[i]!) < 2 ** 53)) return false;
  return true;
}

/** An int64 running sum or product in BigInt, wrapping at 2^63 as PyTorch's int64 arithmetic does. */
function bigScan(x: Tensor, d: number, init: bigint, step: (a: bigint, v: bigint) => bigint): Tensor {
  const { src, n, lines, perm } = exactLines(x, d);
  const big = src as BigInt64Array, out = new BigInt64Array(big.length);
  for (let l = 0; l < lines; l++) {
    let a = init;
    for (let i = l * n; i < (l + 1) * n; i++) { a = BigInt.asIntN(64, step(a, big[i]!)); out[i] = a; }
  }
  return fromLines(x, perm, out, int64);
}

/** Writes line-ordered values back into a tensor of x's shape and `dtype` (int64 from bigints as they are). */
function fromLines(x: Tensor, perm: number[], vals: Float64Array | BigInt64Array, dtype: Tensor["dtype"]): Tensor {
  const permShape = perm.map((i) => x.shape[i]!);
  const t = emptyTensor(permShape, dtype);
  if (vals instanceof BigInt64Array) (t.storage.data as BigInt64Array).set(vals);
  else writeNumbers(t, vals);
  if (!perm.length) return t;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return t.permute(inverse).contiguous();
}

/** sum_{k >= i} g_k along dim, written in public ops. */
function reverseCumsum(g: Tensor, d: number): Tensor {
  return g.sum(d, true).sub(g.cumsum(d)).add(g);
}

interface CumOptions { dim?: number | string; dtype?: DTypeLike | null }

function cumDtype(x: Tensor, o: Record<string, unknown>): Tensor {
  if (o.dtype !== undefined && o.dtype !== null) return castTo(x, toDType(o.dtype as DTypeLike));
  return x.dtype.isFloatingPoint || x.dtype.isComplex ? x : castTo(x, int64);
}

export function cumsum(input: Tensor, ...args: Args<[dim: number | string], CumOptions & OutOption>): Tensor {
  if (autocasting.on && autocasts("cumsum", arguments)) return runAutocast(cumsum, arguments);
  if (hasOut(args)) return withOut("cumsum", args, (rest) => cumsum(input, ...(rest as [never])), "cast", true, [input]);
  if (!(input instanceof Tensor)) requireTensor("cumsum", "input", 1, input);
  const o = bindArgs("cumsum", args, ["dim"], ["dtype"], 1);
  if (isNamed(input)) { const dim = dimOf(input, o.dim as number | string); return keepNamed(input, [], () => cumsum(input, { ...o, dim })); }
  if (o.dim === undefined) throw new Error("cumsum() missing required argument 'dim'");
  const x = cumDtype(input, o);
  const d = x.dim() ? normalizeDim(checkInt("cumsum", "dim", o.dim), x.dim(), "cumsum") : 0;
  if (batching.on && isBatched(x)) return dimRule(x, d, (p, pd) => cumsum(p, pd));
  const out = onDevice(x) ? deviceOp("scan", "cumsum")("cumsum", "sum", x, d) : x.dtype.isComplex ? complexCumsumValue(x, d) : sumLines(x, d);
  record("CumsumBackward0", [x], out, ([g]) => [x.dim() ? reverseCumsum(g!, d) : g!]);
  if (tracing.on) traceOp("cumsum", [x], out, { dim: d });
  return out;
}

function sumLines(x: Tensor, d: number): Tensor {
  const dense = denseCumsum(x, d);
  if (dense) return dense;
  let exact = true;
  const { values, perm } = scanLines(x, d, (src, out, s, n) => {
    let a = 0;
    for (let i = s; i < s + n; i++) { a += src[i]!; out[i] = a; }
    if (x.dtype === int64 && exact) exact = exactInDoubles(src.subarray(s, s + n), out.subarray(s, s + n));
  }, false);
  return exact ? fromLines(x, perm, values, x.dtype) : bigScan(x, d, 0n, (a, v) => a + v);
}

/**
 * cumsum of a contiguous float32/float64 tensor straight over its storage, accumulating in double
 * as PyTorch's CPU kernel does: per (outer, inner) line, or a row of inner accumulators when the
 * dim is not the last. The general path copies through line order and back (1M: 15 ms).
 */
function denseCumsum(x: Tensor, d: number): Tensor | null {
  if (x.storage._physical !== null) return null; // a negative view: read through scanLines (only its elements)
  const src = x.storage.data;
  if (!(src instanceof Float32Array || src instanceof Float64Array) || !x.isContiguous() || x.dim() === 0) return null;
  const shape = x._shape, n = shape[d]!;
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1), inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const out = uninitTensor(x._shape, x.dtype);
  if (tryNativeCumsum(x, d, out)) return out;
  const dst = out.storage.data as Float32Array | Float64Array, off = x._offset;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let a = 0;
      for (let i = o * n, end = i + n; i < end; i++) { a += src[off + i]!; dst[i] = a; }
    }
    return out;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let j = 0; j < inner; j++) { const a = acc[j]! + src[off + base + j]!; acc[j] = a; dst[base + j] = a; }
    }
  }
  return out;
}

export function cumsum_(self: Tensor, ...args: Args<[dim: number], CumOptions>): Tensor {
  return inPlaceByResult("cumsum_", self, [], (s) => cumsum(s, ...args));
}

/** Tensor.cumprod_ (a method only, as in PyTorch). */
function cumprod_(self: Tensor, ...args: Args<[dim: number], CumOptions>): Tensor {
  return inPlaceByResult("cumprod_", self, [], (s) => cumprod(s, ...args));
}

export function cumprod(input: Tensor, ...args: Args<[dim: number | string], CumOptions & OutOption>): Tensor {
  if (autocasting.on && autocasts("cumprod", arguments)) return runAutocast(cumprod, arguments);
  if (hasOut(args)) return withOut("cumprod", args, (rest) => cumprod(input, ...(rest as [never])), "cast", true, [input]);
  if (!(input instanceof Tensor)) requireTensor("cumprod", "input", 1, input);
  const o = bindArgs("cumprod", args, ["dim"], ["dtype"], 1);
  if (isNamed(input)) { const dim = dimOf(input, o.dim as number | string); return keepNamed(input, [], () => cumprod(input, { ...o, dim })); }
  if (o.dim === undefined) throw new Error("cumprod() missing required argument 'dim'");
  const x = cumDtype(input, o);
  const d = x.dim() ? normalizeDim(checkInt("cumprod", "dim", o.dim), x.dim(), "cumprod") : 0;
  if (batching.on && isBatched(x)) return dimRule(x, d, (p, pd) => cumprod(p, pd));
  if (x.dtype.isComplex) return complexCumprod(x, d);
  const out = onDevice(x) ? deviceOp("scan", "cumprod")("cumprod", "prod", x, d) : prodLines(x, d);
  record("CumprodBackward0", [x], out, ([g]) => {
    if (!x.dim()) return [g!];
    // Device values cannot be inspected synchronously: one formula for inputs with or without zeros.
    if (onDevice(x)) return [cumprodGradMasked(x, g!, out, d)];
    if (!(x.eq(0).any().item() as boolean)) return [reverseCumsum(g!.mul(out), d).div(x)];
    return [cumprodGradWithZeros(x, g!, d)];
  }, [x, out]);
  if (tracing.on) traceOp("cumprod", [x], out, { dim: d });
  return out;
}

/** Below this many elements the JS loop is as fast as a native call. */
const NATIVE_MIN_CUMPROD = 4096;

/** cumprod of a contiguous float32/float64 tensor through the native scan; null when not applicable. */
function nativeCumprod(x: Tensor, d: number): Tensor | null {
  const src = x.storage.data;
  if (kernels.backend !== "native" || !(src instanceof Float32Array || src instanceof Float64Array) || !x.isContiguous()
    || x.dim() === 0 || x.numel() < NATIVE_MIN_CUMPROD) return null;
  const shape = x._shape;
  let outer = 1, inner = 1;
  shape.forEach((s, i) => { if (i < d) outer *= s; else if (i > d) inner *= s; });
  const out = uninitTensor(shape, x.dtype);
  nativeScan.cumprod(src, out.storage.data as Float32Array | Float64Array, outer, shape[d]!, inner, x._offset, 0);
  return out;
}

function prodLines(x: Tensor, d: number): Tensor {
  const fast = nativeCumprod(x, d);
  if (fast) return fast;
  let exact = true;
  const { values, perm } = scanLines(x, d, (src, out, s, n) => {
    let a = 1;
    for (let i = s; i < s + n; i++) { a *= src[i]!; out[i] = a; }
    if (x.dtype === int64 && exact) exact = exactInDoubles(src.subarray(s, s + n), out.subarray(s, s + n));
  }, false);
  return exact ? fromLines(x, perm, values, x.dtype) : bigScan(x, d, 1n, (a, v) => a * v);
}

/**
 * d cumprod in public ops, without branching on the values. Before a line's first zero the
 * gradient is reverse_cumsum(g * out) / x; at the first zero z it is reverse_cumsum(g * out')
 * with out' the cumprod of x with x_z replaced by 1; after it, 0 (every product has x_z).
 */
function cumprodGradMasked(x: Tensor, g: Tensor, out: Tensor, d: number): Tensor {
  const zero = x.eq(0);
  const zerosSoFar = zero.to(x.dtype).cumsum(d);
  const before = zerosSoFar.eq(0);
  const first = zero.logicalAnd(zerosSoFar.eq(1));
  const beforeGrad = reverseCumsum(g.mul(out), d).div(x.where(before, 1)).where(before, 0);
  const atZeroGrad = reverseCumsum(g.mul(x.where(first.logicalNot(), 1).cumprod(d)), d).where(first, 0);
  return beforeGrad.add(atZeroGrad);
}

/** d cumprod: sum_{k >= i} g_k * prod_{j <= k, j != i} x_j, computed directly (inputs with zeros). */
function cumprodGradWithZeros(x: Tensor, g: Tensor, d: number): Tensor {
  const nd = x.dim();
  const perm = [...Array(nd).keys()].filter((i) => i !== d).concat([d]);
  const xs = toNumbers(x.detach().permute(perm)), gs = toNumbers(g.detach().permute(perm));
  const n = x.shape[d]!;
  const out = new Float64Array(xs.length);
  for (let s = 0; s < xs.length; s += n) {
    for (let i = 0; i < n; i++) {
      let acc = 0, prefix = 1;
      for (let j = 0; j < i; j++) prefix *= xs[s + j]!;
      let p = prefix;
      for (let k = i; k < n; k++) {
        if (k > i) p *= xs[s + k]!;
        acc += gs[s + k]! * p;
      }
      out[s + i] = acc;
    }
  }
  return fromLines(x, perm, out, x.dtype);
}

function cumExtreme(op: "cummax" | "cummin", input: Tensor, dim: number): ValuesIndices {
  const d = input.dim() ? normalizeDim(checkInt(op, "dim", dim), input.dim(), op) : 0;
  const better = op === "cummax" ? (a: number | bigint, b: number | bigint) => a >= b : (a: number | bigint, b: number | bigint) => a <= b;
  if (onDevice(input)) {
    const r = deviceOp("scanWithIndices", op)(op, input, d);
    return recordCumExtreme(op, input, d, r.values, r.indices);
  }
  const { src, n, lines, perm } = exactLines(input, d);
  const values = src instanceof BigInt64Array ? new BigInt64Array(src.length) : new Float64Array(src.length);
  const indices = new Float64Array(src.length);
  for (let s = 0; s < lines * n; s += n) {
    let best = src[s]!, bi = 0;
    for (let i = 0; i < n; i++) {
      const v = src[s + i]!;
      // NaN propagates; ties move the index forward, as PyTorch's CPU kernel does.
      if (v !== v || (best === best && better(v, best))) { best = v; bi = i; }
      values[s + i] = best;
      indices[s + i] = bi;
    }
  }
  return recordCumExtreme(op, input, d, fromLines(input, perm, values, input.dtype), fromLines(input, perm, indices, int64));
}

function recordCumExtreme(op: "cummax" | "cummin", input: Tensor, d: number, vals: Tensor, inds: Tensor): ValuesIndices {
  record(op === "cummax" ? "CummaxBackward0" : "CumminBackward0", [input], [vals, inds], ([g]) => [
    input.dim() ? g!.newZeros(input.shape).scatterAdd(d, inds, g!) : g!,
  ]);
  if (tracing.on) traceOp(op, [input], [vals, inds], { dim: d });
  return valuesIndices(vals, inds);
}

/** cummax/cummin/logcumsumexp(input, dim, { out }), the dim also as `{ dim }`. */
function cumWithOut<R extends Tensor | Tensor[]>(op: string, args: IArguments, run: (dim: number) => R): R {
  const a = bindArgs(op, Array.prototype.slice.call(args, 1), ["dim"], ["out"]);
  if (a.dim === undefined) throw new Error(`${op}() missing required argument 'dim'`);
  const r = run(checkInt(op, "dim", a.dim));
  return a.out === undefined || a.out === null ? r : writeOut(op, r, a.out, "same");
}

export function cummax(input: Tensor, dim: number | string | { dim: number | string } & OutPairOption, options?: OutPairOption): ValuesIndices {
  if (arguments.length > 2 || typeof dim === "object") return cumWithOut("cummax", arguments, (d) => cummax(input, d));
  if (!(input instanceof Tensor)) requireTensor("cummax", "input", 1, input);
  if (isNamed(input) || typeof dim === "string") { const d = dimOf(input, dim); return keepNamed(input, [], () => cummax(input, d)); }
  return cumExtreme("cummax", input, dim as number);
}
export function cummin(input: Tensor, dim: number | string | { dim: number | string } & OutPairOption, options?: OutPairOption): ValuesIndices {
  if (arguments.length > 2 || typeof dim === "object") return cumWithOut("cummin", arguments, (d) => cummin(input, d));
  if (!(input instanceof Tensor)) requireTensor("cummin", "input", 1, input);
  if (isNamed(input) || typeof dim === "string") { const d = dimOf(input, dim); return keepNamed(input, [], () => cummin(input, d)); }
  return cumExtreme("cummin", input, dim as number);
}

export function logcumsumexp(input: Tensor, dim: number | string | { dim: number | string } & OutOption, options?: OutOption): Tensor {
  if (arguments.length > 2 || typeof dim === "object") return cumWithOut("logcumsumexp", arguments, (d) => logcumsumexp(input, d));
  if (!(input instanceof Tensor)) requireTensor("logcumsumexp", "input", 1, input);
  if (isNamed(input) || typeof dim === "string") { const d = dimOf(input, dim); return keepNamed(input, [], () => logcumsumexp(input, d)); }
  const dd = dim as number;
  const d = input.dim() ? normalizeDim(checkInt("logcumsumexp", "dim", dd), input.dim(), "logcumsumexp") : 0;
  const gpu = onDevice(input);
  // PyTorch has no integer kernel (this returned the integers themselves); the device refuses them by name.
  if (!gpu && !input.dtype.isFloatingPoint) throw notImplementedFor("logcumsumexp_out_cpu", input.dtype);
  const out = gpu ? deviceOp("scan", "logcumsumexp")("logcumsumexp", "logsumexp", input, d) : logSumExpLines(input, d);
  record("LogcumsumexpBackward0", [input], out, ([g]) => {
    if (!input.dim()) return [g!];
    // sum_{k >= i} g_k exp(x_i - out_k), shifted by the line max for stability.
    const m = input.amax(d, true).detach();
    const w = reverseCumsum(g!.mul(m.sub(out).exp()), d);
    return [w.mul(input.sub(m).exp())];
  }, [input, out]);
  if (tracing.on) traceOp("logcumsumexp", [input], out, { dim: d });
  return out;
}

function logSumExpLines(input: Tensor, d: number): Tensor {
  const { values, perm } = scanLines(input, d, (src, out, s, n) => {
    let acc = -Infinity;
    for (let i = s; i < s + n; i++) {
      // PyTorch's log-add-exp: hi + log1p(exp(lo - hi)) (exact for a tiny exp), and the value kept
      // where both are the same infinity (inf - inf would be NaN); Math.min/max propagate NaN.
      const v = src[i]!;
      const lo = Math.min(acc, v), hi = Math.max(acc, v);
      if (lo !== hi || Number.isFinite(lo)) acc = hi + Math.log1p(Math.exp(lo - hi));
      out[i] = acc;
    }
  }, false);
  return fromLines(input, perm, values, input.dtype);
}

/** torch.diff(input, n=1, dim=-1, prepend?, append?). */
export function diff(input: Tensor, ...args: Args<[n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null], { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("diff", args, (rest) => diff(input, ...(rest as [never])), "cast", false, [input]);
  if (!(input instanceof Tensor)) requireTensor("diff", "input", 1, input);
  const o = bindArgs("diff", args, ["n", "dim", "prepend", "append"], [], 1);
  const n = (o.n as number | undefined) ?? 1;
  if (input.dim() === 0) throw new Error("diff expects input to be at least one-dimensional");
  const d = normalizeDim((o.dim as number | undefined) ?? -1, input.dim(), "diff");
  let x = input;
  const parts = [o.prepend as Tensor | null | undefined, x, o.append as Tensor | null | undefined].filter((t): t is Tensor => t instanceof Tensor);
  if (parts.length > 1) x = catDim(parts, d);
  for (let i = 0; i < n; i++) {
    const len = x.shape[d]!;
    if (len === 0) break;
    // Bools differ where they are unequal (PyTorch's logical_xor; sub refuses bools).
    const next = x.narrow(d, 1, len - 1), prev = x.narrow(d, 0, len - 1);
    x = x.dtype.name === "bool" ? next.logicalXor(prev) : next.sub(prev);
  }
  return x;
}

function catDim(parts: Tensor[], d: number): Tensor {
  const cat = (shapeOps as unknown as { cat?: (ts: Tensor[], d: number) => Tensor }).cat;
  if (!cat) throw new Error("diff: prepend/append need torch.cat");
  return cat(parts, d);
}

declare module "../core/tensor.js" {
  interface Tensor {
    cumsum: Method<typeof cumsum>;
    cumsum_: Method<typeof cumsum_>;
    cumprod: Method<typeof cumprod>;
    cumprod_: Method<typeof cumprod_>;
    cummax: Method<typeof cummax>;
    cummin: Method<typeof cummin>;
    logcumsumexp: Method<typeof logcumsumexp>;
    diff: Method<typeof diff>;
  }
}

installMethods({ cumsum, cumsum_, cumprod, cumprod_, cummax, cummin, logcumsumexp, diff });
