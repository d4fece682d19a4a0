// gather / scatter / scatter_add / scatter_reduce / take_along_dim: element-wise indexing along
// one dim, where the index tensor names, for each of its positions, the coordinate along `dim`.

import { isNamed, namedRefusal } from "./named-engine.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { type DType, int64 } from "../core/dtype.js";
import { broadcastShapes, normalizeDim, shapeStr } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkTensor, describe, installMethods, type Method, isOptionsObject } from "./args.js";
import { emptyTensor } from "./engine.js";
import { applyInPlace, inPlaceByResult } from "./inplace.js";
import {
  accessOf, andMask, combineFor, contiguousCopy, eqMask, isPlainNumeric, notMask, indexValues, offsetsOf, rawOf, scalarTypeName, type Val, valueIn,
} from "./indexing-kernels.js";
import { maskedFill } from "./indexing-mask.js";
import { cat } from "./shape-join.js";
import { deviceOp, notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { Complex } from "../core/complex.js";
import { ComplexStorage } from "../core/storage.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { needsGrad } from "../autograd/record.js";
import { complex } from "./complex-views.js";
import { rawPart } from "./complex-engine.js";
import { checkComplexScalarFits, scalarPart } from "./complex-parts.js";
import { notImplementedFor, requireTensor } from "./pointwise-util.js";

import { withOut, hasOut, type OutOption } from "./out.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { gatherRule } from "../func/batching-rules.js";
const size1 = (t: Tensor, d: number): number => (t.dim() === 0 ? 1 : t._shape[d]!);
const ndim1 = (t: Tensor): number => Math.max(t.dim(), 1);

/** Offsets of `t`'s elements at `shape` positions, with `dim` held at 0. */
function offsetsAlong(t: Tensor, shape: readonly number[], dim: number): Float64Array {
  const strides = t.dim() === 0 ? shape.map(() => 0) : t._strides.map((s, i) => (i === dim ? 0 : s));
  return offsetsOf(shape, strides, t._offset);
}

function checkIndexDtype(op: string, index: Tensor): void {
  if (index.dtype !== int64) throw new Error(`${op}(): Expected dtype int64 for index`);
}

function checkBounds(index: ArrayLike<number>, size: number, dim: number): void {
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (v < 0 || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

// ---- gather ---------------------------------------------------------------------------------

function checkGather(input: Tensor, dim: number, index: Tensor): number {
  checkTensor("gather", "index", index);
  const d = normalizeDim(dim, ndim1(input));
  checkIndexDtype("gather", index);
  if (ndim1(index) !== ndim1(input)) throw new Error("Index tensor must have the same number of dimensions as input tensor");
  if (index.numel() === 0) return d;
  for (let i = 0; i < ndim1(index); i++) {
    if (i !== d && size1(index, i) > size1(input, i)) {
      throw new Error(`Size does not match at dimension ${i} expected index ${shapeStr(index._shape)} to be smaller than self ${shapeStr(input._shape)} apart from dimension ${d}`);
    }
  }
  return d;
}

/** out[p] = input[p with p[dim] = index[p]]; no checks. */
function gatherKernel(input: Tensor, d: number, index: Tensor, idx: ArrayLike<number>): Tensor {
  if (input.dtype.isComplex) return complex(gatherKernel(rawPart(input, 0), d, index, idx), gatherKernel(rawPart(input, 1), d, index, idx));
  const out = emptyTensor(index._shape, input.dtype);
  const a = rawOf(out), b = rawOf(input);
  const base = offsetsAlong(input, index._shape, d);
  const stride = input.dim() === 0 ? 0 : input._strides[d]!;
  for (let i = 0; i < base.length; i++) a[i] = b[base[i]! + idx[i]! * stride]!;
  return out;
}

export function gather(input: Tensor, ...args: Args<[dim: number, index: Tensor], { dim?: number; index?: Tensor; sparseGrad?: boolean } & OutOption>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("gather", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("gather");
  if (hasOut(args)) return withOut("gather", args, (rest) => gather(input, ...(rest as [never, never])), "same", false, [input]);
  const a = bindArgs("gather", args, ["dim", "index"], ["sparseGrad"], 1);
  checkTensor("gather", "input", input);
  const index = a.index as Tensor;
  const d = checkGather(input, a.dim as number, index);
  if (batching.on && (isBatched(input) || isBatched(index))) return gatherRule(input, d, index, (x, pd, i) => gather(x, pd, i));
  let out: Tensor;
  if (onDevice(input, index)) out = deviceOp("gather")(input, d, index);
  else {
    const idx = indexValues(index);
    checkBounds(idx, size1(input, d), d);
    out = gatherKernel(input, d, index, idx);
  }
  const inShape = input.shape;
  const r = record("GatherBackward0", [input], out, ([g]) => [scatterAdd(g!.newZeros(inShape), d, index, g!)], [index]);
  if (tracing.on) traceOp("gather", [input, index], r, { dim: d });
  return r;
}

// ---- scatter family -------------------------------------------------------------------------

export type Reduce = "sum" | "prod" | "mean" | "amax" | "amin";

function checkScatter(op: string, self: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  checkTensor(op, "index", index);
  const d = normalizeDim(dim, ndim1(self));
  checkIndexDtype(op, index);
  if (src && src.dtype !== self.dtype) throw new Error(`${op}(): Expected self.dtype to be equal to src.dtype`);
  if (ndim1(index) !== ndim1(self)) throw new Error("Index tensor must have the same number of dimensions as self tensor");
  if (src && ndim1(index) !== ndim1(src)) throw new Error("Index tensor must have the same number of dimensions as src tensor");
  if (index.numel() === 0) return d;
  for (let i = 0; i < ndim1(index); i++) {
    const n = size1(index, i);
    if ((i !== d && n > size1(self, i)) || (src && n > size1(src, i))) {
      throw new Error(src
        ? `Expected index ${shapeStr(index._shape)} to be smaller than self ${shapeStr(self._shape)} apart from dimension ${d} and to be smaller size than src ${shapeStr(src._shape)}`
        : `Expected index ${shapeStr(index._shape)} to be smaller than self ${shapeStr(self._shape)} apart from dimension ${d}`);
    }
  }
  // Device indices are not read back (out-of-range ones are skipped by the kernel).
  if (!onDevice(self, index)) checkBounds(indexValues(index), size1(self, d), d);
  return d;
}

/** Identity of a reduction in `dtype`'s domain (what include_self=False starts from; the ONNX export's too). */
export function scatterReduceIdentity(reduce: Reduce, dtype: DType): Val {
  const big = dtype === int64;
  switch (reduce) {
    case "sum": case "mean": return big ? 0n : 0;
    case "prod": return big ? 1n : 1;
    case "amax": return big ? -(2n ** 63n) : dtype.isFloatingPoint ? -Infinity : dtype.name === "bool" ? 0 : intRange(dtype)[0];
    case "amin": return big ? 2n ** 63n - 1n : dtype.isFloatingPoint ? Infinity : dtype.name === "bool" ? 1 : intRange(dtype)[1];
  }
}

function intRange(d: DType): [number, number] {
  switch (d.name) {
    case "uint8": return [0, 255];
    case "int8": return [-128, 127];
    case "int16": return [-32768, 32767];
    default: return [-(2 ** 31), 2 ** 31 - 1];
  }
}

/**
 * Writes src (or `value`) into `out` at the index positions along `d`: plain, or reduced with
 * what is there (include_self) or with the other values only.
 */
function scatterKernel(out: Tensor, d: number, index: Tensor, src: Tensor | null, value: Val | Complex | null, reduce: Reduce | null, includeSelf = true): void {
  if (out.dtype.isComplex) return complexScatterKernel(out, d, index, src, value, reduce, includeSelf);
  const realValue = value as Val | null;
  if (onDevice(out, index, src)) return deviceOp("scatterInto", "scatter")(out, d, index, src, realValue, reduce, includeSelf);
  const idx = indexValues(index);
  const base = offsetsAlong(out, index._shape, d);
  const stride = out.dim() === 0 ? 0 : out._strides[d]!;
  const so = src ? offsetsOf(index._shape, src.dim() === 0 ? index._shape.map(() => 0) : src._strides, src._offset) : null;
  const n = base.length;
  if (reduce === null) {
    const a = rawOf(out);
    if (so) { const b = rawOf(src!); for (let i = 0; i < n; i++) a[base[i]! + idx[i]! * stride] = b[so[i]!]!; }
    else { const v = accessOf(out); for (let i = 0; i < n; i++) v.store(base[i]! + idx[i]! * stride, realValue!); }
    return;
  }
  if (reduce === "sum" && includeSelf && so && isPlainNumeric(out.dtype)) {
    const a = rawOf(out) as unknown as Float64Array, b = rawOf(src!) as unknown as Float64Array;
    for (let i = 0; i < n; i++) a[base[i]! + idx[i]! * stride]! += b[so[i]!]!;
    return;
  }
  const o = accessOf(out), s = src ? accessOf(src) : null;
  const kind = reduce === "sum" || reduce === "mean" ? "add" : reduce === "prod" ? "mul" : reduce === "amax" ? "max" : "min";
  const f = combineFor(kind, out.dtype);
  if (!includeSelf) {
    const id = scatterReduceIdentity(reduce, out.dtype);
    for (let i = 0; i < n; i++) o.store(base[i]! + idx[i]! * stride, id);
  }
  const counts = reduce === "mean" ? new Float64Array(out.storage.length).fill(includeSelf ? 1 : 0) : null;
  for (let i = 0; i < n; i++) {
    const p = base[i]! + idx[i]! * stride;
    o.store(p, f(o.load(p), s ? s.load(so![i]!) : realValue!));
    if (counts) counts[p]!++;
  }
  if (counts) {
    const isFloat = out.dtype.isFloatingPoint, big = out.dtype === int64;
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const p = base[i]! + idx[i]! * stride;
      if (seen.has(p)) continue;
      seen.add(p);
      const c = Math.max(counts[p]!, 1), v = o.load(p);
      if (isFloat) o.store(p, (v as number) / c);
      else if (big) { const q = (v as bigint) / BigInt(c); o.store(p, (v as bigint) % BigInt(c) !== 0n && (v as bigint) < 0n ? q - 1n : q); }
      else o.store(p, Math.floor((v as number) / c));
    }
  }
}

/**
 * scatterKernel on complex numbers: plain writes, sums and means part by part (the real kernel on
 * each part's float view), products as complex products. PyTorch has no max/min of complex numbers.
 */
function complexScatterKernel(out: Tensor, d: number, index: Tensor, src: Tensor | null, value: Val | Complex | null, reduce: Reduce | null, includeSelf: boolean): void {
  if (reduce === "amax" || reduce === "amin") throw notImplementedFor(`scatter_gather_tensor_cpu_reduce_${reduce}`, out.dtype);
  if (reduce !== "prod") {
    for (const p of [0, 1] as const) scatterKernel(rawPart(out, p), d, index, src ? rawPart(src, p) : null, src ? null : scalarPart(value!, p), reduce, includeSelf);
    return;
  }
  const idx = indexValues(index);
  const base = offsetsAlong(out, index._shape, d);
  const stride = out.dim() === 0 ? 0 : out._strides[d]!;
  const so = src ? offsetsOf(index._shape, src.dim() === 0 ? index._shape.map(() => 0) : src._strides, src._offset) : null;
  const o = (out.storage as ComplexStorage).pairs, s = src ? (src.storage as ComplexStorage).pairs : null;
  const vr = scalarPart(value ?? 0, 0), vi = scalarPart(value ?? 0, 1);
  if (!includeSelf) for (let i = 0; i < base.length; i++) { const p = 2 * (base[i]! + idx[i]! * stride); o[p] = 1; o[p + 1] = 0; }
  for (let i = 0; i < base.length; i++) {
    const p = 2 * (base[i]! + idx[i]! * stride);
    const br = s ? s[2 * so![i]!]! : vr, bi = s ? s[2 * so![i]! + 1]! : vi, ar = o[p]!, ai = o[p + 1]!;
    o[p] = ar * br - ai * bi;
    o[p + 1] = ar * bi + ai * br;
  }
}

interface ScatterOpts { dim?: number; index?: Tensor; src?: Tensor | number | bigint | boolean | Complex; value?: number | bigint | boolean | Complex; reduce?: "add" | "multiply" }

function bindScatter(op: string, args: readonly unknown[]): { dim: number; index: Tensor; src: Tensor | null; value: number | bigint | boolean | Complex | null; reduce: Reduce | null } {
  const a = bindArgs(op, args, ["dim", "index", "src"], ["value", "reduce"], 1);
  let src = a.src as Tensor | number | bigint | boolean | Complex | undefined;
  if (a.value !== undefined) {
    if (src !== undefined) throw new Error(`${op}() got multiple values for argument 'src'`);
    src = a.value as number;
  }
  if (src === undefined) throw new Error(`${op}() missing required argument 'src' (or 'value')`);
  if (!(src instanceof Tensor) && typeof src !== "number" && typeof src !== "bigint" && typeof src !== "boolean" && !(src instanceof Complex)) {
    throw new Error(`${op}(): argument 'src' must be Tensor or Number, not ${describe(src)}`);
  }
  let reduce: Reduce | null = null;
  if (a.reduce !== undefined && a.reduce !== null) {
    if (a.reduce === "add") reduce = "sum";
    else if (a.reduce === "multiply") reduce = "prod";
    else throw new Error("reduce argument must be either add or multiply.");
  }
  return {
    dim: a.dim as number, index: a.index as Tensor,
    src: src instanceof Tensor ? src : null, value: src instanceof Tensor ? null : src, reduce,
  };
}

/** torch.scatter(input, dim, index, src | value, { reduce }). */
export function scatter(input: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor | number | bigint | boolean | Complex], ScatterOpts & OutOption>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("scatter", "input", 1, input);
  if (isNamed(input)) throw namedRefusal(args[2] instanceof Tensor || isOptionsObject(args[0]) ? "scatter.src" : "scatter.value");
  if (hasOut(args)) return withOut("scatter", args, (rest) => scatter(input, ...(rest as [never, never, never])), "same", false, [input]);
  checkTensor("scatter", "input", input);
  const s = bindScatter("scatter", args);
  const d = checkScatter("scatter", input, s.dim, s.index, s.src);
  const out = contiguousCopy(input);
  scatterKernel(out, d, s.index, s.src, s.src ? null : scatterValue(input, s.value!), s.reduce);
  const index = s.index, src = s.src;
  if (s.reduce !== null) {
    record(src ? "ScatterBackward0" : "ScatterBackward1", [input, src], out, () => {
      throw new Error("the derivative for 'scatter' with a reduce argument is not implemented; use scatter_add or scatter_reduce");
    });
  } else {
    record(src ? "ScatterBackward0" : "ScatterBackward1", [input, src], out, ([g]) => [
      input._requiresGrad ? scatter(g!, d, index, 0) : null,
      src && src._requiresGrad ? srcGrad(g!, d, index, src) : null,
    ], [index]);
  }
  if (tracing.on) traceOp("scatter", [input, index, src ?? s.value], out, { dim: d, reduce: s.reduce });
  return out;
}

/** scatter's value in self's domain (a complex tensor keeps it; a real one refuses a Complex, as PyTorch). */
function scatterValue(self: Tensor, value: number | bigint | boolean | Complex): Val | Complex {
  checkComplexScalarFits("scatter", self, value);
  return self.dtype.isComplex ? (value instanceof Complex ? value : Number(value)) : valueIn(self.dtype, value as number);
}

/** The gradient of a scatter source: gathered where the index reads it, zero where src is larger. */
function srcGrad(g: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  return padTo(gather(g, d, index), src._shape);
}

/** `r` zero-padded at the end of each dim up to `shape`. */
function padTo(t: Tensor, shape: readonly number[]): Tensor {
  let r = t;
  for (let i = 0; i < shape.length; i++) {
    const pad = shape[i]! - r._shape[i]!;
    if (pad > 0) {
      const zshape = r.shape;
      zshape[i] = pad;
      r = cat([r, r.newZeros(zshape)], i);
    }
  }
  return r;
}

export function scatter_(self: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor | number | bigint | boolean | Complex], ScatterOpts>): Tensor {
  const s = bindScatter("scatter_", args);
  const d = checkScatter("scatter", self, s.dim, s.index, s.src);
  const value = s.src ? null : scatterValue(self, s.value!);
  applyInPlace("scatter_", self, [s.src, s.index], () => scatterKernel(self, d, s.index, s.src, value, s.reduce),
    (x) => scatter(x, d, s.index, s.src ?? s.value!, s.reduce ? { reduce: s.reduce === "sum" ? "add" : "multiply" } : {}));
  // The write is a new value of self for the exporter (its own tensor as the output).
  if (tracing.on) traceOp("scatter", [self, s.index, s.src ?? s.value], self, { dim: d, reduce: s.reduce });
  return self;
}

export function scatterAdd(input: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor], { dim?: number; index?: Tensor; src?: Tensor } & OutOption>): Tensor {
  if (autocasting.on && autocasts("scatter_add", arguments)) return runAutocast(scatterAdd, arguments);
  if (hasOut(args)) return withOut("scatter_add", args, (rest) => scatterAdd(input, ...(rest as [never, never, never])), "same", false, [input]);
  const a = bindArgs("scatter_add", args, ["dim", "index", "src"], [], 1);
  checkTensor("scatter_add", "input", input);
  const src = checkTensor("scatter_add", "src", a.src), index = a.index as Tensor;
  const d = checkScatter("scatter_add", input, a.dim as number, index, src);
  const out = contiguousCopy(input);
  scatterKernel(out, d, index, src, null, "sum");
  record("ScatterAddBackward0", [input, src], out, ([g]) => [
    g!, src._requiresGrad ? srcGrad(g!, d, index, src) : null,
  ], [index]);
  if (tracing.on) traceOp("scatter", [input, index, src], out, { dim: d, reduce: "sum" });
  return out;
}

export function scatterAdd_(self: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor], { dim?: number; index?: Tensor; src?: Tensor }>): Tensor {
  const a = bindArgs("scatter_add_", args, ["dim", "index", "src"], [], 1);
  const src = checkTensor("scatter_add_", "src", a.src), index = a.index as Tensor;
  const d = checkScatter("scatter_add", self, a.dim as number, index, src);
  applyInPlace("scatter_add_", self, [src, index], () => scatterKernel(self, d, index, src, null, "sum"), (x) => scatterAdd(x, d, index, src));
  if (tracing.on) traceOp("scatter", [self, index, src], self, { dim: d, reduce: "sum" });
  return self;
}

interface ReduceOpts { dim?: number; index?: Tensor; src?: Tensor; reduce?: Reduce; includeSelf?: boolean }

function bindReduce(op: string, args: readonly unknown[]): { dim: number; index: Tensor; src: Tensor; reduce: Reduce; includeSelf: boolean } {
  const a = bindArgs(op, args, ["dim", "index", "src", "reduce"], ["includeSelf"], 1);
  const src = checkTensor(op, "src", a.src);
  const reduce = a.reduce as Reduce;
  if (!["sum", "prod", "mean", "amax", "amin"].includes(reduce)) throw new Error("reduce argument must be either sum, prod, mean, amax or amin, got " + String(reduce));
  return { dim: a.dim as number, index: a.index as Tensor, src, reduce, includeSelf: (a.includeSelf as boolean | undefined) ?? true };
}

/** torch.scatter_reduce(input, dim, index, src, reduce, { includeSelf = true }). */
export function scatterReduce(input: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor, reduce: Reduce], ReduceOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("scatter_reduce", args, (rest) => scatterReduce(input, ...(rest as [never, never, never, never])), "same", false, [input]);
  checkTensor("scatter_reduce", "input", input);
  const s = bindReduce("scatter_reduce", args);
  const d = checkScatter("scatter_reduce", input, s.dim, s.index, s.src);
  checkComplexReduceGrad(input, s.src);
  const out = contiguousCopy(input);
  scatterKernel(out, d, s.index, s.src, null, s.reduce, s.includeSelf);
  const r = record("ScatterReduceBackward0", [input, s.src], out, ([g]) => scatterReduceGrad(g!, input, d, s.index, s.src, s.reduce, s.includeSelf, out), [input, s.index, s.src, out]);
  if (tracing.on) traceOp("scatter_reduce", [input, s.index, s.src], r, { dim: d, reduce: s.reduce, includeSelf: s.includeSelf });
  return r;
}

export function scatterReduce_(self: Tensor, ...args: Args<[dim: number, index: Tensor, src: Tensor, reduce: Reduce], ReduceOpts>): Tensor {
  const s = bindReduce("scatter_reduce_", args);
  const d = checkScatter("scatter_reduce", self, s.dim, s.index, s.src);
  checkComplexReduceGrad(self, s.src);
  applyInPlace("scatter_reduce_", self, [s.src, s.index], () => scatterKernel(self, d, s.index, s.src, null, s.reduce, s.includeSelf),
    (x) => scatterReduce(x, d, s.index, s.src, s.reduce, { includeSelf: s.includeSelf }));
  // The write is a new value of self for the exporter (its own tensor as the output).
  if (tracing.on) traceOp("scatter_reduce", [self, s.index, s.src], self, { dim: d, reduce: s.reduce, includeSelf: s.includeSelf });
  return self;
}

/** PyTorch's scatter_reduce has no gradient for complex outputs: it refuses when one would be needed. */
function checkComplexReduceGrad(self: Tensor, src: Tensor): void {
  if (self.dtype.isComplex && isGradEnabled() && needsGrad(self, src)) throw new Error("scatter_reduce does not support automatic differentiation for outputs with complex dtype.");
}

/** A differentiable where(cond, a, b) from masked_fill (cond is a bool tensor, no gradient). */
function choose(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return maskedFill(a, notMask(cond), 0).add(maskedFill(b, cond, 0));
}

/** PyTorch's scatter_reduce_backward, in public ops. */
function scatterReduceGrad(g: Tensor, self: Tensor, d: number, index: Tensor, srcFull: Tensor, reduce: Reduce, includeSelf: boolean, result: Tensor): [Tensor | null, Tensor | null] {
  // Only the part of src the index reads takes part.
  let src = srcFull;
  for (let i = 0; i < index.dim(); i++) if (src._shape[i]! > index._shape[i]!) src = src.narrow(i, 0, index._shape[i]!);
  let gSelf: Tensor, gSrc: Tensor;
  if (reduce === "sum") {
    gSelf = g;
    gSrc = gather(g, d, index);
  } else if (reduce === "mean") {
    const n0 = includeSelf ? g.newOnes(g.shape) : g.newZeros(g.shape);
    const nRaw = scatterAdd(n0, d, index, src.detach().newOnes(src.shape).to(g.dtype));
    const n = maskedFill(nRaw, eqMask(nRaw, 0), 1);
    gSelf = g.div(n);
    gSrc = gather(g, d, index).div(gather(n, d, index));
  } else if (reduce === "prod") {
    const selfZero = eqMask(self, 0);
    const maskedSelf = maskedFill(self, selfZero, 1);
    const maskedSelfResult = scatterReduce(maskedSelf, d, index, src, reduce, { includeSelf });
    gSelf = g.mul(maskedSelfResult).div(maskedSelf);
    const srcZero = eqMask(src, 0);
    const srcNumZeros = gather(scatterAdd(self.detach().newZeros(self.shape), d, index, srcZero.to(self.dtype)), d, index);
    const srcSingleZero = andMask(srcZero, eqMask(srcNumZeros, 1));
    const maskedSrc = maskedFill(src, srcSingleZero, 1);
    const maskedSrcResult = scatterReduce(self, d, index, maskedSrc, reduce, { includeSelf });
    gSrc = choose(srcSingleZero, gather(g.mul(maskedSrcResult), d, index), gather(g.mul(result), d, index).div(maskedFill(src, srcZero, 1)));
  } else {
    const value = gather(result, d, index);
    const selfIsResult = eqMask(self, result).to(self.dtype);
    const srcIsResult = eqMask(src, value).to(self.dtype);
    const toDistribute = scatterAdd(selfIsResult, d, index, srcIsResult);
    const distributed = g.div(toDistribute);
    gSelf = selfIsResult.mul(distributed);
    gSrc = srcIsResult.mul(gather(distributed, d, index));
  }
  if (!includeSelf) gSelf = scatter(gSelf, d, index, 0);
  return [self._requiresGrad ? gSelf : null, srcFull._requiresGrad ? padTo(gSrc, srcFull._shape) : null];
}

// ---- index_reduce ---------------------------------------------------------------------------

type IndexReduce = "prod" | "mean" | "amax" | "amin";
interface IndexReduceOpts { dim?: number; index?: Tensor; source?: Tensor; reduce?: IndexReduce; includeSelf?: boolean }

/**
 * index_reduce's arguments checked in PyTorch's order, and the scatter_reduce it equals: each
 * self.select(dim, index[i]) reduced with source.select(dim, i) broadcast to it, so the index grows
 * to source's shape (broadcast to self's slices) and source is expanded the same way.
 */
function indexReduceAsScatter(op: string, self: Tensor, args: readonly unknown[]): { d: number; index: Tensor; source: Tensor; reduce: IndexReduce; includeSelf: boolean } {
  checkTensor(op, "input", self);
  const a = bindArgs(op, args, ["dim", "index", "source", "reduce"], ["includeSelf"], 4);
  const index = checkTensor(op, "index", a.index), source = checkTensor(op, "source", a.source);
  const reduce = a.reduce as IndexReduce, includeSelf = (a.includeSelf as boolean | undefined) ?? true;
  if (!["prod", "mean", "amax", "amin"].includes(reduce)) throw new Error(`index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${String(reduce)}.`);
  const d = normalizeDim(a.dim as number, ndim1(self));
  if (index.dim() > 1) throw new Error(`index_reduce_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: ${scalarTypeName(index.dtype)} and size: [${index._shape.join(", ")}]`);
  if (index.dtype !== int64 && index.dtype.name !== "int32") throw new Error(`index_reduce_(): Expected dtype int32/int64 for index but got: ${scalarTypeName(index.dtype)}`);
  const n = index.numel(), sourceLen = source.dim() === 0 ? 1 : source._shape[d] ?? 1;
  if (source.dim() > 0 && d >= source.dim()) normalizeDim(d, source.dim());
  if (n !== sourceLen) throw new Error(`index_reduce_(): Number of indices (${n}) should be equal to source.size(dim): (${sourceLen}), for dim: ${d}`);
  if (self.dtype !== source.dtype) throw new Error(`index_reduce_(): self (${scalarTypeName(self.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`);
  // source's slices broadcast to self's (PyTorch's messages where they do not).
  const sliceShape = self._shape.filter((_, i) => i !== d);
  const sourceSlice = source._shape.filter((_, i) => i !== d);
  const b = broadcastShapes(sliceShape, sourceSlice);
  if (b.length !== sliceShape.length || b.some((v, i) => v !== sliceShape[i])) {
    throw new Error(`output with shape [${sliceShape.join(", ")}] doesn't match the broadcast shape [${b.join(", ")}]`);
  }
  // The device's scatter kernel reduces by sum only, and index_reduce has no sum.
  if (onDevice(self, index, source)) throw notImplementedOnDevice(`index_reduce (reduce='${reduce}')`);
  {
    const idx = indexValues(index), size = size1(self, d);
    for (let i = 0; i < idx.length; i++) if (idx[i]! < 0 || idx[i]! >= size) throw new Error("index out of range in self");
  }
  const moved = source.dim() === 0 ? source.reshape([1]) : source.movedim(d, 0);
  const expandedSource = moved.reshape([n, ...sliceShape.slice(sourceSlice.length).map(() => 1), ...sourceSlice]).expand([n, ...sliceShape]).movedim(0, d);
  const lineShape = self._shape.map((_, i) => (i === d ? n : 1));
  const expandedIndex = index.to(int64).reshape(self.dim() === 0 ? [n] : lineShape).expand(expandedSource._shape);
  return { d, index: expandedIndex, source: expandedSource, reduce, includeSelf };
}

/** PyTorch 1.13's index_reduce on complex numbers: no max/min, and no gradient (its kernel's error). */
function checkComplexIndexReduce(self: Tensor, source: Tensor, reduce: IndexReduce, includeSelf: boolean): void {
  if (!self.dtype.isComplex) return;
  if (reduce === "amax" || reduce === "amin") throw notImplementedFor(reduce === "amax" ? "maximum_cpu" : "minimum_cpu", self.dtype);
  if (!includeSelf) throw notImplementedFor("index_reduce_func_exclude_input_init", self.dtype);
  if (isGradEnabled() && needsGrad(self, source)) throw notImplementedFor("index_func_", self.dtype);
}

/** torch.index_reduce(input, dim, index, source, reduce, { includeSelf = true }). */
export function indexReduce(input: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor, reduce: IndexReduce], IndexReduceOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("index_reduce", args, (rest) => indexReduce(input, ...(rest as [never, never, never, never])), "same", false, [input]);
  const s = indexReduceAsScatter("index_reduce", input, args);
  checkComplexIndexReduce(input, s.source, s.reduce, s.includeSelf);
  const out = scatterReduce(input.detach(), s.d, s.index, s.source.detach(), s.reduce, { includeSelf: s.includeSelf });
  return record("IndexReduceBackward0", [input, s.source], out, ([g]) => scatterReduceGrad(g!, input, s.d, s.index, s.source, s.reduce, s.includeSelf, out), [input, s.source, out]);
}

/** Tensor.index_reduce_ (a method only, as in PyTorch). */
function indexReduce_(self: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor, reduce: IndexReduce], IndexReduceOpts>): Tensor {
  const s = indexReduceAsScatter("index_reduce_", self, args);
  checkComplexIndexReduce(self, s.source, s.reduce, s.includeSelf);
  return inPlaceByResult("index_reduce_", self, [s.source], (x) => indexReduce(x, ...(args as [never, never, never, never])));
}

// ---- take_along_dim -------------------------------------------------------------------------

/** torch.take_along_dim(input, indices, dim?): gather with input and indices broadcast. */
export function takeAlongDim(input: Tensor, ...args: Args<[indices: Tensor, dim?: number | null], { indices?: Tensor; dim?: number | null } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("take_along_dim", args, (rest) => takeAlongDim(input, ...(rest as [never])), "same", false, [input]);
  const a = bindArgs("take_along_dim", args, ["indices", "dim"], [], 1);
  checkTensor("take_along_dim", "input", input);
  const indices = checkTensor("take_along_dim", "indices", a.indices);
  if (indices.dtype !== int64) {
    throw new Error(`torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(indices.dtype)}`);
  }
  if (a.dim === undefined || a.dim === null) return gather(input.reshape(-1), 0, indices.reshape(-1));
  if (input.dim() !== indices.dim()) {
    throw new Error(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${input.dim()} dimensions for input, and ${indices.dim()} dimensions for indices`);
  }
  const d = normalizeDim(a.dim as number, ndim1(input), "take_along_dim");
  const selfSizes = input.shape;
  if (input.dim() > 0) selfSizes[d] = indices._shape[d]!;
  const bshape = broadcastShapes(selfSizes, indices._shape);
  const inSizes = bshape.slice();
  if (input.dim() > 0) inSizes[d] = input._shape[d]!;
  return gather(input.broadcastTo(inSizes), d, indices.broadcastTo(bshape));
}

declare module "../core/tensor.js" {
  interface Tensor {
    gather: Method<typeof gather>;
    scatter: Method<typeof scatter>;
    scatter_: Method<typeof scatter_>;
    scatterAdd: Method<typeof scatterAdd>;
    scatterAdd_: Method<typeof scatterAdd_>;
    scatterReduce: Method<typeof scatterReduce>;
    scatterReduce_: Method<typeof scatterReduce_>;
    takeAlongDim: Method<typeof takeAlongDim>;
    indexReduce: Method<typeof indexReduce>;
    indexReduce_: Method<typeof indexReduce_>;
  }
}

installMethods({ gather, scatter, scatter_, scatterAdd, scatterAdd_, scatterReduce, scatterReduce_, takeAlongDim, indexReduce, indexReduce_ });
