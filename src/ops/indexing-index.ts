// index_select / index_add / index_copy / index_fill along one dim, index_put with a list of
// index tensors, and take / put on the flattened tensor.

import { assertNoOverlap, warnInternalOverlap } from "./memory-overlap.js";
import { dimOf, isNamed, namedRefusal } from "./named-engine.js";
import { keepNamed } from "./named-rules.js";
import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { requireTensor } from "./pointwise-util.js";
import { complex32, int32, int64 } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkTensor, describe, installMethods, type Method } from "./args.js";
import { copyInto, emptyTensor, readable, uninitTensor } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import {
  accessOf, checkIndexRange, combineFor, contiguousCopy, elementOffsets, indexValues, int64Tensor, rawOf, scalarTypeName, type Val,
  valueIn,
} from "./indexing-kernels.js";
import { type IndexList, gatherPlanned, indexPutInto, indexPutWith, planAdvanced, putPlanned } from "./indexing-advanced.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { byParts, checkComplexScalarFits, complexInPlace, part, valuePart } from "./complex-parts.js";
import { Complex } from "../core/complex.js";

import { withOut, hasOut, type OutOption } from "./out.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { indexSelectRule } from "../func/batching-rules.js";
const ndim1 = (t: Tensor): number => Math.max(t.dim(), 1);

/** `t` with at least one dim (a 0-d tensor as [1]), as a view. */
const atLeast1 = (t: Tensor): Tensor => (t.dim() === 0 ? t.reshape([1]) : t);

/** The indices list selecting `index` along dim `d` (index flattened to 1-d). */
function alongDim(d: number, index: Tensor): (Tensor | null)[] {
  const list: (Tensor | null)[] = new Array(d).fill(null);
  list.push(index.dim() === 0 ? index.reshape([1]) : index);
  return list;
}

function checkVectorIndex(op: string, index: unknown, allowInt32: boolean): Tensor {
  const t = checkTensor(op, "index", index);
  if (t.dim() > 1) throw new Error(`${op}(): Index is supposed to be a vector`);
  if (!(t.dtype === int64 || (allowInt32 && t.dtype === int32))) {
    throw new Error(allowInt32 ? `${op}(): Expected dtype int32 or int64 for index` : `${op}(): Expected dtype int64 for index`);
  }
  return t;
}

// ---- index_select ---------------------------------------------------------------------------

export function indexSelect(input: Tensor, ...args: Args<[dim: number, index: Tensor], { dim?: number; index?: Tensor } & OutOption>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("index_select", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("index_select");
  if (hasOut(args)) return withOut("index_select", args, (rest) => indexSelect(input, ...(rest as [never, never])), "same", false, [input]);
  const a = bindArgs("index_select", args, ["dim", "index"], [], 1);
  checkTensor("index_select", "input", input);
  const index = checkVectorIndex("index_select", a.index, true);
  const d = normalizeDim(a.dim as number, ndim1(input), "index_select");
  if (batching.on && (isBatched(input) || isBatched(index))) return indexSelectRule(input, d, index, (x, pd, i) => indexSelect(x, pd, i));
  if (onDevice(input, index)) return deviceOp("indexSelect", "index_select")(input, d, index);
  // complex32 (PyTorch's index_select takes it): selected as complex64, exactly.
  if (input.dtype === complex32) return indexSelect(input.cfloat(), d, index).chalf();
  if (input.dtype.isComplex) return byParts((p) => indexSelect(part(input, p), d, index));
  const x = atLeast1(readable(input));
  checkIndexRange(indexValues(index), x._shape[d]!, false, () => "index out of range in self");
  const plan = planAdvanced(x, alongDim(d, index));
  const out = uninitTensor(plan.shape, input.dtype); // gatherPlanned writes every element
  gatherPlanned(plan, x, out);
  // A 0-d input gives a 0-d result, as in PyTorch.
  const res = input.dim() === 0 && out.numel() === 1 ? out.reshape([]) : out;
  const inShape = input.shape;
  const r = record("IndexSelectBackward0", [input], res, ([g]) => [
    indexAdd(g!.newZeros(inShape), d, index, g!),
  ], [index]);
  if (tracing.on) traceOp("index_select", [input, index], r, { dim: d });
  return r;
}

// ---- index_add / index_copy -----------------------------------------------------------------

/** The checks index_add_/index_copy_ share: dims, sizes, dtype; returns the normalized dim. */
function checkIndexSource(op: string, self: Tensor, dim: number, index: Tensor, source: Tensor): number {
  const d = normalizeDim(dim, ndim1(self), op);
  if (source.dim() !== self.dim() && source.dim() !== 0 && self.dim() !== 0) {
    throw new Error(`${op}(): When source and destination are not scalars, their dimensionality must match. Source dimensionality (${source.dim()}), destination dimensionality (${self.dim()})`);
  }
  const srcN = source.dim() === 0 ? 1 : source._shape[d]!;
  if (index.numel() !== srcN) {
    throw new Error(op === "index_add_"
      ? `index_add_(): Number of indices (${index.numel()}) should be equal to source.size(dim): (${srcN}), for dim: ${d}`
      : `index_copy_(): Number of indices (${index.numel()}) should be equal to source.size(dim) (${srcN})`);
  }
  if (self.dim() > 0 && source.dim() > 0) {
    for (let i = 0; i < self.dim(); i++) {
      if (i === d || self._shape[i] === source._shape[i]) continue;
      const k = i > d ? i - 1 : i;
      throw new Error(op === "index_add_"
        ? `The size of tensor a (${self._shape[i]}) must match the size of tensor b (${source._shape[i]}) at non-singleton dimension ${k}`
        : `index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${self._shape.filter((_, j) => j !== d).join(" ")} at dimension ${d} and source slice shape: ${source._shape.filter((_, j) => j !== d).join(" ")} at dimension ${d}.`);
    }
  }
  return d;
}

interface AddOpts { dim?: number; index?: Tensor; source?: Tensor; alpha?: number | Complex }

function bindIndexAdd(op: string, self: Tensor, args: readonly unknown[]): { d: number; index: Tensor; source: Tensor; alpha: number | Complex } {
  const a = bindArgs(op, args, ["dim", "index", "source"], ["alpha"], 1);
  const index = checkTensor(op, "index", a.index);
  if (index.dim() > 1) throw new Error("index_add_(): Index is supposed to be a vector");
  if (index.dtype !== int64 && index.dtype !== int32) throw new Error("index_add_(): Expected dtype int32/int64 for index");
  const source = checkTensor(op, "source", a.source);
  if (source.dtype !== self.dtype) {
    throw new Error(`index_add_(): self (${scalarTypeName(self.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`);
  }
  const alpha = (a.alpha as number | Complex | undefined) ?? 1;
  checkComplexScalarFits(op, self, alpha);
  if (!self.dtype.isFloatingPoint && !self.dtype.isComplex && !Number.isInteger(alpha)) {
    throw new Error(`${op}: For integral input tensors, argument alpha must not be a floating point number.`);
  }
  const d = checkIndexSource("index_add_", self, a.dim as number, index, source);
  // Device indices are not read back (out-of-range rows are skipped by the kernel).
  if (!onDevice(self, index, source)) checkIndexRange(indexValues(index), ndim1(self) === 1 && self.dim() === 0 ? 1 : self._shape[d]!, false, () => "index out of range in self");
  return { d, index, source, alpha };
}

/** Writes source (× alpha) into `target` along `d` at `index`, accumulating or copying. */
function writeAlong(target: Tensor, d: number, index: Tensor, source: Tensor, accumulate: boolean, alpha = 1): void {
  const x = atLeast1(target);
  const plan = planAdvanced(x, alongDim(d, index));
  const vals = contiguousCopy(source.dim() === 0 ? source.reshape([1]) : source, target.dtype, plan.shape);
  if (alpha !== 1) {
    const v = accessOf(vals), mul = combineFor("mul", vals.dtype), s = valueIn(vals.dtype, alpha);
    for (let i = 0; i < vals.numel(); i++) v.store(i, mul(v.load(i), s));
  }
  putPlanned(plan, x, vals, accumulate);
}

export function indexAdd(input: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor], AddOpts & OutOption>): Tensor {
  if (hasOut(args)) return withOut("index_add", args, (rest) => indexAdd(input, ...(rest as [never, never, never])), "same", false, [input]);
  checkTensor("index_add", "input", input);
  const { d, index, source, alpha } = bindIndexAdd("index_add", input, args);
  // complex32 (PyTorch's index_add takes it): added as complex64, the result rounded back.
  if (input.dtype === complex32) return indexAdd(input.cfloat(), d, index, source.cfloat(), { alpha }).chalf();
  if (input.dtype.isComplex) {
    // A complex alpha mixes the parts: scale the source first (complex mul), then add part by part.
    const scaled = alpha === 1 ? source : source.mul(alpha);
    return byParts((p) => indexAdd(part(input, p), d, index, part(scaled, p)));
  }
  if (typeof alpha === "object") throw new Error("index_add: a complex alpha needs a complex tensor");
  if (onDevice(input, index, source)) return deviceOp("indexAdd", "index_add")(input, d, index, source, alpha);
  const out = contiguousCopy(input);
  writeAlong(out, d, index, source, true, alpha);
  const srcShape = source.shape;
  record("IndexAddBackward0", [input, source], out, ([g]) => {
    let gs: Tensor | null = null;
    if (source._requiresGrad) {
      gs = indexSelect(g!, d, index);
      if (alpha !== 1) gs = gs.mul(alpha);
      if (gs.shape.join() !== srcShape.join()) gs = gs.reshape(srcShape);
    }
    return [g!, gs];
  }, [index]);
  if (tracing.on) traceOp("index_add", [input, index, source], out, { dim: d, alpha });
  return out;
}

export function indexAdd_(self: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor], AddOpts>): Tensor {
  const { d, index, source, alpha } = bindIndexAdd("index_add_", self, args);
  if (self.dtype.isComplex || typeof alpha === "object") return complexInPlace("index_add_", self, [source, index], (x) => indexAdd(x, d, index, source, { alpha }));
  // On a device the result is computed out of place by its kernel and copied back.
  const direct = onDevice(self, index, source)
    ? () => { copyInto(self, deviceOp("indexAdd", "index_add_")(self.detach(), d, index, source.detach(), alpha).detach()); }
    : () => writeAlong(self, d, index, source, true, alpha);
  applyInPlace("index_add_", self, [source, index], direct, (x) => indexAdd(x, d, index, source, { alpha }));
  // The write is a new value of self for the exporter (its own tensor as the output).
  if (tracing.on) traceOp("index_add", [self, index, source], self, { dim: d, alpha });
  return self;
}

function bindIndexCopy(op: string, self: Tensor, args: readonly unknown[]): { d: number; index: Tensor; source: Tensor } {
  const a = bindArgs(op, args, ["dim", "index", "source"]);
  const index = checkTensor(op, "index", a.index);
  const source = checkTensor(op, "source", a.source);
  if (index.dim() >= 2) throw new Error(`index_copy_(): Index should have dimension 1 or 0 (got ${index.dim()})`);
  if (source.dim() === 0 && index.numel() !== 1) {
    throw new Error(`index_copy_(): When source is scalar, index should have one element (got ${index.numel()})`);
  }
  if (index.dtype !== int64) throw new Error("index_copy_(): Expected a long tensor for index, but got " + scalarTypeName(index.dtype));
  if (source.dtype !== self.dtype) {
    throw new Error(`index_copy_(): self and source expected to have the same dtype, but got (self) ${scalarTypeName(self.dtype)} and (source) ${scalarTypeName(source.dtype)}`);
  }
  const d = checkIndexSource("index_copy_", self, a.dim as number, index, source);
  const size = self.dim() === 0 ? 1 : self._shape[d]!;
  checkIndexRange(indexValues(index), size, false, (v) => `index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${size}`);
  return { d, index, source };
}

export function indexCopy(input: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor], { dim?: number; index?: Tensor; source?: Tensor }>): Tensor {
  if (autocasting.on && autocasts("index_copy", arguments)) return runAutocast(indexCopy, arguments);
  checkTensor("index_copy", "input", input);
  const { d, index, source } = bindIndexCopy("index_copy", input, args);
  if (input.dtype.isComplex) return byParts((p) => indexCopy(part(input, p), d, index, part(source, p)));
  const out = contiguousCopy(input);
  writeAlong(out, d, index, source, false);
  const srcShape = source.shape;
  record("IndexCopyBackward0", [input, source], out, ([g]) => [
    input._requiresGrad ? indexFill(g!, d, index, 0) : null,
    source._requiresGrad ? indexSelect(g!, d, index).reshape(srcShape) : null,
  ], [index]);
  if (tracing.on) traceOp("index_copy", [input, index, source], out, { dim: d });
  return out;
}

export function indexCopy_(self: Tensor, ...args: Args<[dim: number, index: Tensor, source: Tensor], { dim?: number; index?: Tensor; source?: Tensor }>): Tensor {
  const { d, index, source } = bindIndexCopy("index_copy_", self, args);
  if (self.dtype.isComplex) return complexInPlace("index_copy_", self, [source, index], (x) => indexCopy(x, d, index, source));
  applyInPlace("index_copy_", self, [source, index], () => writeAlong(self, d, index, source, false), (x) => indexCopy(x, d, index, source));
  if (tracing.on) traceOp("index_copy", [self, index, source], self, { dim: d });
  return self;
}

// ---- index_fill -----------------------------------------------------------------------------

type FillValue = number | bigint | boolean | Complex | Tensor;

function bindIndexFill(op: string, self: Tensor, args: readonly unknown[]): { d: number; index: Tensor; value: FillValue; v: Val } {
  const a = bindArgs(op, args, ["dim", "index", "value"]);
  const index = checkTensor(op, "index", a.index);
  if (index.dtype !== int64) throw new Error("index_fill_(): Expected dtype int64 for index.");
  if (index.dim() > 1) throw new Error("index_fill_(): Index is supposed to be a vector");
  const value = a.value as FillValue;
  let v: Val;
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new Error(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
    checkComplexScalarFits("index_fill_()", self, value.dtype.isComplex ? new Complex(0) : null, "convert");
    v = self.dtype.isComplex ? 0 : valueIn(self.dtype, value._realItem());
  } else if (value instanceof Complex) {
    checkComplexScalarFits("index_fill_()", self, value, "convert");
    v = 0;
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    v = valueIn(self.dtype, value);
  } else throw new Error(`${op}(): argument 'value' must be Number or Tensor, not ${describe(value)}`);
  const d = normalizeDim(a.dim as number, ndim1(self), op);
  const size = self.dim() === 0 ? 1 : self._shape[d]!;
  checkIndexRange(indexValues(index), size, true, (x) => `index ${x} is out of bounds for dimension ${d} with size ${size}`);
  return { d, index, value, v };
}

/** The distinct positions of an index (negatives wrapped): a filled slot counts once. */
function uniqueIndex(index: Tensor, size: number): Tensor {
  const seen = new Set<number>();
  const vals = indexValues(index);
  for (let i = 0; i < vals.length; i++) seen.add(vals[i]! < 0 ? vals[i]! + size : vals[i]!);
  return int64Tensor([...seen], [seen.size]);
}

function fillAlong(target: Tensor, d: number, index: Tensor, v: Val): void {
  const x = atLeast1(target);
  const plan = planAdvanced(x, alongDim(d, index));
  const vals = emptyTensor(plan.shape, x.dtype);
  const acc = accessOf(vals);
  for (let i = 0; i < vals.numel(); i++) acc.store(i, v);
  putPlanned(plan, x, vals, false);
}

export function indexFill(input: Tensor, ...args: Args<[dim: number | string, index: Tensor, value: FillValue], { dim?: number | string; index?: Tensor; value?: FillValue }>): Tensor {
  checkTensor("index_fill", "input", input);
  if (isNamed(input)) {
    const a = bindArgs("index_fill", args, ["dim", "index", "value"], [], 1);
    const dim = dimOf(input, a.dim as number | string);
    return keepNamed(input, [a.index, a.value], () => indexFill(input, dim, a.index as Tensor, a.value as FillValue));
  }
  const { d, index, value, v } = bindIndexFill("index_fill", input, args);
  if (input.dtype.isComplex) return byParts((p) => indexFill(part(input, p), d, index, valuePart(value, p)));
  const out = contiguousCopy(input);
  fillAlong(out, d, index, v);
  const valueT = value instanceof Tensor ? value : null;
  record(valueT ? "IndexFillBackward1" : "IndexFillBackward0", [input, valueT], out, ([g]) => [
    input._requiresGrad ? indexFill(g!, d, index, 0) : null,
    valueT && valueT._requiresGrad ? indexSelect(g!, d, uniqueIndex(index, input.dim() === 0 ? 1 : input._shape[d]!)).sum().to(valueT.dtype) : null,
  ], [index]);
  if (tracing.on) traceOp("index_fill", [input, index, value], out, { dim: d });
  return out;
}

export function indexFill_(self: Tensor, ...args: Args<[dim: number, index: Tensor, value: FillValue], { dim?: number; index?: Tensor; value?: FillValue }>): Tensor {
  const { d, index, value, v } = bindIndexFill("index_fill_", self, args);
  warnInternalOverlap("index_fill_", self, "tensor[mask] = scalar");
  assertNoOverlap("index_fill_", self, index);
  if (self.dtype.isComplex) return complexInPlace("index_fill_", self, [value instanceof Tensor ? value : null], (x) => indexFill(x, d, index, value));
  applyInPlace("index_fill_", self, [value instanceof Tensor ? value : null], () => fillAlong(self, d, index, v), (x) => indexFill(x, d, index, value));
  if (tracing.on) traceOp("index_fill", [self, index, value], self, { dim: d });
  return self;
}

// ---- index_put ------------------------------------------------------------------------------

interface PutOpts { indices?: IndexList; values?: Tensor; accumulate?: boolean }

function bindIndexPut(op: string, args: readonly unknown[]): { indices: IndexList; values: Tensor; accumulate: boolean } {
  const a = bindArgs(op, args, ["indices", "values", "accumulate"]);
  if (!Array.isArray(a.indices)) throw new Error(`${op}(): argument 'indices' must be tuple of Tensors, not ${describe(a.indices)}`);
  const values = checkTensor(op, "values", a.values);
  return { indices: a.indices as IndexList, values, accumulate: (a.accumulate as boolean | undefined) ?? false };
}

/** torch.index_put(input, indices, values, accumulate = false): indices may hold null for whole dims. */
export function indexPut(input: Tensor, ...args: Args<[indices: IndexList, values: Tensor, accumulate?: boolean], PutOpts>): Tensor {
  if (autocasting.on && autocasts("index_put", arguments)) return runAutocast(indexPut, arguments);
  checkTensor("index_put", "input", input);
  const { indices, values, accumulate } = bindIndexPut("index_put", args);
  const out = indexPutWith(input, indices, values, accumulate);
  if (tracing.on) traceIndexPut(input, indices, values, accumulate, out);
  return out;
}

export function indexPut_(self: Tensor, ...args: Args<[indices: IndexList, values: Tensor, accumulate?: boolean], PutOpts>): Tensor {
  const { indices, values, accumulate } = bindIndexPut("index_put_", args);
  applyInPlace("index_put_", self, [values, ...indices.filter((t): t is Tensor => t instanceof Tensor)], () => indexPutInto(self, indices, values, accumulate),
    (x) => indexPutWith(x, indices, values, accumulate));
  if (tracing.on) traceIndexPut(self, indices, values, accumulate, self);
  return self;
}

/** index_put as the exporter's "index_put" (x[indices] = values): a missing index takes the whole dim. */
function traceIndexPut(input: Tensor, indices: IndexList, values: Tensor, accumulate: boolean, out: Tensor): void {
  const items = indices.map((t) => (t ? { k: "tensor" } : { k: "slice", start: null, stop: null, step: 1 }));
  traceOp("index_put", [input, values, ...indices.filter((t): t is Tensor => !!t)], out, { items, accumulate });
}

// ---- take / put -----------------------------------------------------------------------------

function checkFlatIndex(index: Tensor, n: number): ArrayLike<number> {
  const vals = indexValues(index);
  checkIndexRange(vals, n, true, (v) => `out of range: tried to access index ${v} on a tensor of ${n} elements.`);
  return vals;
}

export function take(input: Tensor, ...args: Args<[index: Tensor], { index?: Tensor }>): Tensor {
  const a = bindArgs("take", args, ["index"], [], 1);
  checkTensor("take", "input", input);
  const index = checkTensor("take", "index", a.index);
  if (index.dtype !== int64) throw new Error(`take(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`);
  const n = input.numel();
  const vals = checkFlatIndex(index, n);
  if (input.dtype.isComplex) return byParts((p) => take(part(input, p), index));
  const offs = elementOffsets(input);
  const out = emptyTensor(index._shape, input.dtype);
  const o = rawOf(out), s = rawOf(input);
  for (let i = 0; i < vals.length; i++) { const v = vals[i]!; o[i] = s[offs[v < 0 ? v + n : v]!]!; }
  const inShape = input.shape;
  record("TakeBackward0", [input], out, ([g]) => [put(g!.newZeros(inShape), index, g!, true)], [index]);
  if (tracing.on) traceOp("take", [input, index], out);
  return out;
}

interface PutFlatOpts { index?: Tensor; source?: Tensor; accumulate?: boolean }

function bindPut(op: string, self: Tensor, args: readonly unknown[]): { index: Tensor; source: Tensor; accumulate: boolean; vals: ArrayLike<number> } {
  const a = bindArgs(op, args, ["index", "source", "accumulate"]);
  const index = checkTensor(op, "index", a.index), source = checkTensor(op, "source", a.source);
  if (index.dtype !== int64) throw new Error(`put_(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`);
  if (source.dtype !== self.dtype) {
    throw new Error(`put_(): self and source expected to have the same dtype, but got self.dtype = ${scalarTypeName(self.dtype)} and source.dtype = ${scalarTypeName(source.dtype)}.`);
  }
  if (source.numel() !== index.numel()) {
    throw new Error(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  }
  const vals = checkFlatIndex(index, self.numel());
  return { index, source, accumulate: (a.accumulate as boolean | undefined) ?? false, vals };
}

function putKernel(target: Tensor, vals: ArrayLike<number>, source: Tensor, accumulate: boolean): void {
  const n = target.numel();
  const to = elementOffsets(target), so = elementOffsets(source);
  const t = accessOf(target), s = accessOf(source);
  const add = combineFor("add", target.dtype);
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    const p = to[v < 0 ? v + n : v]!;
    t.store(p, accumulate ? add(t.load(p), s.load(so[i]!)) : s.load(so[i]!));
  }
}

export function put(input: Tensor, ...args: Args<[index: Tensor, source: Tensor, accumulate?: boolean], PutFlatOpts>): Tensor {
  checkTensor("put", "input", input);
  const { index, source, accumulate, vals } = bindPut("put", input, args);
  if (input.dtype.isComplex) return byParts((p) => put(part(input, p), index, part(source, p), accumulate));
  const out = contiguousCopy(input);
  putKernel(out, vals, source, accumulate);
  const srcShape = source.shape;
  return record("PutBackward0", [input, source], out, ([g]) => [
    input._requiresGrad ? (accumulate ? g! : put(g!, index, g!.newZeros(srcShape), false)) : null,
    source._requiresGrad ? take(g!, index).reshape(srcShape) : null,
  ], [index]);
}

export function put_(self: Tensor, ...args: Args<[index: Tensor, source: Tensor, accumulate?: boolean], PutFlatOpts>): Tensor {
  const { index, source, accumulate, vals } = bindPut("put_", self, args);
  if (self.dtype.isComplex) return complexInPlace("put_", self, [source, index], (x) => put(x, index, source, accumulate));
  return applyInPlace("put_", self, [source, index], () => putKernel(self, vals, source, accumulate), (x) => put(x, index, source, accumulate));
}

declare module "../core/tensor.js" {
  interface Tensor {
    indexSelect: Method<typeof indexSelect>;
    indexAdd: Method<typeof indexAdd>;
    indexAdd_: Method<typeof indexAdd_>;
    indexCopy: Method<typeof indexCopy>;
    indexCopy_: Method<typeof indexCopy_>;
    indexFill: Method<typeof indexFill>;
    indexFill_: Method<typeof indexFill_>;
    indexPut: Method<typeof indexPut>;
    indexPut_: Method<typeof indexPut_>;
    take: Method<typeof take>;
    put: Method<typeof put>;
    put_: Method<typeof put_>;
  }
}

installMethods({ indexSelect, indexAdd, indexAdd_, indexCopy, indexCopy_, indexFill, indexFill_, indexPut, indexPut_, take, put, put_ });
