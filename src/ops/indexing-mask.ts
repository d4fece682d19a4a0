// Masked ops (masked_fill, masked_scatter, masked_select) and nonzero / argwhere.

import { assertNoPartialOverlap, warnInternalOverlap } from "./memory-overlap.js";
import { hideNames, nameAll, namesOf, unifyFromRight } from "./named-engine.js";
import { eitherNamed } from "./named-rules.js";
import { Tensor } from "../core/tensor.js";
import { bool, complex32 } from "../core/dtype.js";
import { broadcastShapes, broadcastStrides, numel, shapeStr, shapesEqual } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import { DATA_DEPENDENT_DIMS, traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, checkTensor, describe, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import {
  accessOf, contiguousCopy, elementOffsets, int64Tensor, nonzeroColumns, notMask, offsetsOf, rawOf, scalarTypeName,
  type Val, valueIn,
} from "./indexing-kernels.js";
import { cat } from "./shape-join.js";
import { deviceOp, onDevice, valueSizedOnDevice } from "./device-hooks.js";
import { tryNativeSelect, tryNativeSelectInto } from "./native-masks.js";
import { checkScalarFits, requireTensor } from "./pointwise-util.js";
import { tryNativeMaskedSelect, tryNativeNonzero } from "./native-compact.js";
import { Complex } from "../core/complex.js";
import { byParts, checkComplexScalarFits, complexInPlace, nonzeroMask, part, valuePart } from "./complex-parts.js";

import { withOut, hasOut, type OutOption } from "./out.js";
type Fill = number | bigint | boolean | Complex | Tensor;

function checkMask(op: string, mask: unknown): Tensor {
  const m = checkTensor(op, "mask", mask);
  if (m.dtype !== bool) throw new Error(`${op} only supports boolean masks, but got mask with dtype ${scalarTypeName(m.dtype)}`);
  return m;
}

/** Offsets of `mask` read at every position of `shape` (broadcast). */
function maskOffsets(mask: Tensor, shape: readonly number[]): Float64Array {
  return offsetsOf(shape, broadcastStrides(mask._shape, mask._strides, shape), mask._offset);
}

/** The shape of an in-place masked op: the mask must broadcast to self without changing it. */
function checkInplaceShape(op: string, self: Tensor, mask: Tensor): void {
  const shape = broadcastShapes(self._shape, mask._shape);
  if (!shapesEqual(shape, self._shape)) {
    throw new Error(`${op}: mask of shape ${shapeStr(mask._shape)} cannot be broadcast to self of shape ${shapeStr(self._shape)}`);
  }
}

// ---- masked_fill ----------------------------------------------------------------------------

function fillValue(op: string, dtype: Tensor["dtype"], value: unknown): Val {
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new Error(`${op} only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
    return valueIn(dtype, value._realItem());
  }
  if (typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean") {
    throw new Error(`${op}(): argument 'value' must be Number or Tensor, not ${describe(value)}`);
  }
  if (typeof value === "number") checkScalarFits(value, dtype);
  return valueIn(dtype, value);
}

/** Whether masked_fill takes the complex path: a complex tensor, or a complex value (which a real tensor refuses). */
function complexFill(op: string, self: Tensor, value: unknown): boolean {
  const isComplexValue = value instanceof Complex || (value instanceof Tensor && value.dtype.isComplex);
  if (!self.dtype.isComplex && !isComplexValue) return false;
  if (value instanceof Tensor && value.dim() !== 0) throw new Error(`${op} only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  checkComplexScalarFits(op, self, isComplexValue ? new Complex(0) : null);
  return true;
}

/**
 * masked_fill's value on a device: a device 0-d tensor stays a tensor (it is cast on the device,
 * never read back); anything else is checked and converted as on the CPU.
 */
function deviceFillValue(op: string, dtype: Tensor["dtype"], value: unknown): Val | Tensor {
  if (value instanceof Tensor && onDevice(value)) {
    if (value.dim() !== 0) throw new Error(`${op} only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
    return value;
  }
  return fillValue(op, dtype, value);
}

/** v as a 0-dim tensor of `dtype` (its storage holds v's bits for the native select). */
function valueTensor(dtype: Tensor["dtype"], v: Val): Tensor {
  const t = emptyTensor([], dtype);
  accessOf(t).store(0, v);
  return t;
}

/** target[mask] = v (mask broadcast to target). */
function fillWhere(target: Tensor, mask: Tensor, v: Val): void {
  if (tryNativeSelectInto(target, mask, valueTensor(target.dtype, v), target)) return;
  if (fillWhereDense(target, mask, v)) return;
  const to = elementOffsets(target), mo = maskOffsets(mask, target._shape);
  const m = rawOf(mask), t = accessOf(target);
  for (let i = 0; i < to.length; i++) if (m[mo[i]!]) t.store(to[i]!, v);
}

/**
 * The common case in one loop: a contiguous float target and a contiguous mask of its shape or of
 * its trailing dims (an attention mask over a batch of score matrices). The general path builds
 * offset arrays for both and stores through an accessor per element (1M: 17 ms).
 */
function fillWhereDense(target: Tensor, mask: Tensor, v: Val): boolean {
  const d = target.storage.data;
  if (!(d instanceof Float32Array || d instanceof Float64Array) || typeof v !== "number" || mask.dtype !== bool || !target.isContiguous() || !mask.isContiguous()) return false;
  const ms = mask._shape.slice(), ts = target._shape;
  while (ms.length > 0 && ms[0] === 1) ms.shift();
  if (ms.length > ts.length || !shapesEqual(ms, ts.slice(ts.length - ms.length))) return false;
  const m = mask.storage.data as Uint8Array, mo = mask._offset, to = target._offset;
  const period = numel(ms), n = target.numel();
  if (period === 0) return true;
  if (d instanceof Float32Array) {
    // Branch-free on the bits: random masks would mispredict a branch (~7 ns per element).
    const di = new Int32Array(d.buffer, d.byteOffset, d.length), vb = new Int32Array(Float32Array.of(v).buffer)[0]!;
    for (let base = to; base < to + n; base += period) {
      for (let j = 0; j < period; j++) { const k = -m[mo + j]!; di[base + j] = (vb & k) | (di[base + j]! & ~k); }
    }
    return true;
  }
  for (let base = to; base < to + n; base += period) {
    for (let j = 0; j < period; j++) if (m[mo + j] !== 0) d[base + j] = v;
  }
  return true;
}

export function maskedFill(input: Tensor, ...args: Args<[mask: Tensor, value: Fill], { mask?: Tensor; value?: Fill }>): Tensor {
  const a = bindArgs("masked_fill", args, ["mask", "value"], [], 1);
  checkTensor("masked_fill", "input", input);
  if (a.mask instanceof Tensor && eitherNamed(input, a.mask)) {
    // The mask's names unify with the input's (broadcasting); the result has the input's shape.
    const names = unifyFromRight(namesOf(input), namesOf(a.mask));
    return nameAll(hideNames([input, a.mask, a.value], () => maskedFill(input, a.mask as Tensor, a.value as Fill)), names);
  }
  const mask = checkMask("masked_fill_", a.mask);
  // complex32 (PyTorch's masked_fill takes it): filled as complex64, the result rounded back.
  if (input.dtype === complex32) return maskedFill(input.cfloat(), mask, (a.value instanceof Tensor && a.value.dtype === complex32 ? a.value.cfloat() : a.value) as Fill).chalf();
  if (complexFill("masked_fill_", input, a.value)) return byParts((p) => maskedFill(part(input, p), mask, valuePart(a.value as Fill, p)));
  const device = onDevice(input, mask, a.value);
  const v = device ? deviceFillValue("masked_fill_", input.dtype, a.value) : fillValue("masked_fill_", input.dtype, a.value);
  const shape = broadcastShapes(input._shape, mask._shape);
  // One pass when native: out = mask ? v : input, instead of a copy and a fill.
  let out = device ? deviceOp("maskedFill", "masked_fill")(input, mask, v) : tryNativeSelect(shape, mask, valueTensor(input.dtype, v as Val), input);
  if (!out) {
    out = contiguousCopy(input, input.dtype, shape);
    fillWhere(out, mask, v as Val);
  }
  const valueT = a.value instanceof Tensor ? a.value : null;
  const inShape = input.shape;
  const r = record(valueT ? "MaskedFillBackward1" : "MaskedFillBackward0", [input, valueT], out, ([g]) => [
    input._requiresGrad ? sumToShape(maskedFill(g!, mask, 0), inShape) : null,
    valueT && valueT._requiresGrad ? maskedFill(g!, onDevice(mask) ? mask.logicalNot() : notMask(mask), 0).sum().to(valueT.dtype) : null,
  ], [mask]);
  if (tracing.on) traceOp("masked_fill", [input, mask, a.value as Tensor | number | bigint | boolean], r);
  return r;
}

export function maskedFill_(self: Tensor, ...args: Args<[mask: Tensor, value: Fill], { mask?: Tensor; value?: Fill }>): Tensor {
  const a = bindArgs("masked_fill_", args, ["mask", "value"], [], 1);
  const mask = checkMask("masked_fill_", a.mask);
  warnInternalOverlap("masked_fill_", self, "tensor[mask] = scalar");
  assertNoPartialOverlap("masked_fill_", self, mask);
  if (complexFill("masked_fill_", self, a.value)) {
    checkInplaceShape("masked_fill_", self, mask);
    return complexInPlace("masked_fill_", self, [a.value instanceof Tensor ? a.value : null], (x) => maskedFill(x, mask, a.value as Fill));
  }
  const device = onDevice(self, mask, a.value);
  const v = device ? deviceFillValue("masked_fill_", self.dtype, a.value) : fillValue("masked_fill_", self.dtype, a.value);
  checkInplaceShape("masked_fill_", self, mask);
  const valueT = a.value instanceof Tensor ? a.value : null;
  // On a device the where kernel writes into self.
  const direct = device
    ? () => deviceOp("maskedFillInto", "masked_fill_")(self, mask, v)
    : () => fillWhere(self, mask, v as Val);
  const r = applyInPlace("masked_fill_", self, [valueT], direct, (x) => maskedFill(x, mask, a.value as Fill));
  if (tracing.on) traceOp("masked_fill", [self, mask, a.value as Tensor | number | bigint | boolean], self);
  return r;
}

// ---- masked_scatter -------------------------------------------------------------------------

function checkScatterArgs(self: Tensor, mask: unknown, source: unknown): [Tensor, Tensor] {
  const src = checkTensor("masked_scatter_", "source", source);
  if (src.dtype !== self.dtype) {
    throw new Error(`masked_scatter_: expected self and source to have same dtypes but got ${scalarTypeName(self.dtype)} and ${scalarTypeName(src.dtype)}`);
  }
  return [checkMask("masked_scatter_", mask), src];
}

/** Checks the mask's count against source, then returns the write (target in row-major order). */
function planMaskedScatter(target: Tensor, mask: Tensor, source: Tensor): () => void {
  const to = elementOffsets(target), mo = maskOffsets(mask, target._shape);
  const m = rawOf(mask);
  let count = 0;
  for (let i = 0; i < mo.length; i++) if (m[mo[i]!]) count++;
  if (count > source.numel()) throw new Error("Number of elements of source < number of ones in mask");
  return () => {
    const so = elementOffsets(source);
    const t = rawOf(target), s = rawOf(source);
    let k = 0;
    for (let i = 0; i < to.length; i++) if (m[mo[i]!]) t[to[i]!] = s[so[k++]!]!;
  };
}

export function maskedScatter(input: Tensor, ...args: Args<[mask: Tensor, source: Tensor], { mask?: Tensor; source?: Tensor }>): Tensor {
  const a = bindArgs("masked_scatter", args, ["mask", "source"], [], 1);
  checkTensor("masked_scatter", "input", input);
  const [mask, source] = checkScatterArgs(input, a.mask, a.source);
  const shape = broadcastShapes(input._shape, mask._shape);
  if (input.dtype.isComplex) return byParts((p) => maskedScatter(part(input, p), mask, part(source, p)));
  if (onDevice(input, mask, source)) return deviceOp("maskedScatter", "masked_scatter")(input, mask, source);
  const out = contiguousCopy(input, input.dtype, shape);
  planMaskedScatter(out, mask, source)();
  const inShape = input.shape, srcShape = source.shape;
  record("MaskedScatterBackward0", [input, source], out, ([g]) => [
    input._requiresGrad ? sumToShape(maskedFill(g!, mask, 0), inShape) : null,
    source._requiresGrad ? sourceGrad(g!, mask, srcShape) : null,
  ], [mask]);
  if (tracing.on) traceOp("masked_scatter", [input, mask, source], out);
  return out;
}

/** The gradient of masked_scatter's source: the masked gradient, zero-padded to source's size. */
function sourceGrad(g: Tensor, mask: Tensor, shape: number[]): Tensor {
  const selected = maskedSelect(g, mask);
  const pad = numel(shape) - selected.numel();
  return (pad > 0 ? cat([selected, g.newZeros([pad])]) : selected).view(shape);
}

export function maskedScatter_(self: Tensor, ...args: Args<[mask: Tensor, source: Tensor], { mask?: Tensor; source?: Tensor }>): Tensor {
  const a = bindArgs("masked_scatter_", args, ["mask", "source"], [], 1);
  const [mask, source] = checkScatterArgs(self, a.mask, a.source);
  checkInplaceShape("masked_scatter_", self, mask);
  if (self.dtype.isComplex) return complexInPlace("masked_scatter_", self, [source], (x) => maskedScatter(x, mask, source));
  // On a device the result is computed out of place (no readback of the mask) and copied back.
  const write = onDevice(self, mask, source)
    ? () => copyInto(self, deviceOp("maskedScatter", "masked_scatter_")(self.detach(), mask, source.detach()))
    : planMaskedScatter(self, mask, source);
  applyInPlace("masked_scatter_", self, [source], write, (x) => maskedScatter(x, mask, source));
  // The write is a new value of self for the exporter (its own tensor as the output).
  if (tracing.on) traceOp("masked_scatter", [self, mask, source], self);
  return self;
}

// ---- masked_select --------------------------------------------------------------------------

export function maskedSelect(input: Tensor, ...args: Args<[mask: Tensor], { mask?: Tensor } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("masked_select", args, (rest) => maskedSelect(input, ...(rest as [never])), "same", false, [input]);
  const a = bindArgs("masked_select", args, ["mask"], [], 1);
  checkTensor("masked_select", "input", input);
  const mask = checkTensor("masked_select", "mask", a.mask);
  if (mask.dtype !== bool) throw new Error("masked_select: expected BoolTensor for mask");
  if (onDevice(input, mask)) {
    throw valueSizedOnDevice("masked_select", "torch.maskedSelectAsync(x, mask)",
      " (the size is the mask's number of true elements), or keep the shape with x.where(mask, other) or x.maskedFill(mask.logicalNot(), value)");
  }
  const shape = broadcastShapes(input._shape, mask._shape);
  if (input.dtype.isComplex) return byParts((p) => maskedSelect(part(input, p), mask));
  const fast = tryNativeMaskedSelect(input, mask, shape);
  if (fast) return maskedSelectRecord(input, mask, shape, fast);
  const io = offsetsOf(shape, broadcastStrides(input._shape, input._strides, shape), input._offset);
  const mo = maskOffsets(mask, shape);
  const m = rawOf(mask);
  let count = 0;
  for (let i = 0; i < mo.length; i++) if (m[mo[i]!]) count++;
  const out = emptyTensor([count], input.dtype);
  const o = rawOf(out), s = rawOf(input);
  let k = 0;
  for (let i = 0; i < mo.length; i++) if (m[mo[i]!]) o[k++] = s[io[i]!]!;
  return maskedSelectRecord(input, mask, shape, out);
}

function maskedSelectRecord(input: Tensor, mask: Tensor, shape: number[], out: Tensor): Tensor {
  const inShape = input.shape;
  record("MaskedSelectBackward0", [input], out, ([g]) => {
    const full = maskedScatter(g!.newZeros(shape), mask, g!);
    return [sumToShape(full, inShape)];
  }, [mask]);
  if (tracing.on) traceOp("masked_select", [input, mask], out, { [DATA_DEPENDENT_DIMS]: [[0, 0]] });
  return out;
}

// ---- nonzero / argwhere ---------------------------------------------------------------------

/** torch.nonzero(input, { asTuple }): [n, ndim] int64 positions, or one 1-d tensor per dim. */
export function nonzero(input: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(input: Tensor, options?: { asTuple?: false } & OutOption): Tensor;
export function nonzero(input: Tensor, options?: { asTuple?: boolean }): Tensor | Tensor[];
export function nonzero(input: Tensor, options: { asTuple?: boolean } & OutOption = {}): Tensor | Tensor[] {
  if (arguments.length > 2) checkArgs("nonzero", arguments, 1, ["asTuple", "out"]); else if (arguments.length <= 1 && isOptionsObject(input)) return rebind(nonzero, "nonzero", arguments, ["input"], 1, ["asTuple", "out"]);
  if (hasOut([options])) {
    if (options.asTuple) throw new Error("nonzero does not support the out kwarg when as_tuple is True");
    return withOut("nonzero", [options], (rest) => nonzero(input, rest[0] as { asTuple?: false }), "same");
  }
  const a = bindArgs("nonzero", [options], [], ["asTuple"]);
  checkTensor("nonzero", "input", input);
  const asTuple = (a.asTuple as boolean | undefined) ?? false;
  if (onDevice(input)) throw valueSizedOnDevice("nonzero", "x.nonzeroAsync()");
  const r = nonzeroOf(input, asTuple);
  // Computed from the values, untraced: the export sees it whole, its count data-dependent.
  if (tracing.on) traceOp("nonzero", [input], r, { asTuple, [DATA_DEPENDENT_DIMS]: Array.isArray(r) ? r.map((_, k) => [k, 0]) : [[0, 0]] });
  return r;
}

function nonzeroOf(input: Tensor, asTuple: boolean): Tensor | Tensor[] {
  // A complex number is nonzero when either part is.
  if (input.dtype.isComplex) return nonzeroOf(nonzeroMask(input), asTuple);
  if (!asTuple) {
    const fast = tryNativeNonzero(input);
    if (fast) return fast;
  }
  const cols = nonzeroColumns(input);
  if (asTuple) {
    if (input.dim() === 0) return [int64Tensor(input.item() ? [0] : [], [input.item() ? 1 : 0])];
    return cols.map((c) => int64Tensor(c, [c.length]));
  }
  const n = input.dim() === 0 ? (input.item() ? 1 : 0) : cols[0]!.length;
  const nd = input.dim();
  const flat = new Float64Array(n * nd);
  for (let i = 0; i < n; i++) for (let d = 0; d < nd; d++) flat[i * nd + d] = cols[d]![i]!;
  return int64Tensor(flat, [n, nd]);
}

export function argwhere(input: Tensor): Tensor;
export function argwhere<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function argwhere(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("argwhere", arguments, 1); else if (isOptionsObject(input)) return rebind(argwhere, "argwhere", arguments, ["input"], 1, []);
  if (!(input instanceof Tensor)) requireTensor("argwhere", "input", 1, input);
  if (onDevice(input)) throw valueSizedOnDevice("argwhere", "x.argwhereAsync()");
  return nonzero(input);
}

declare module "../core/tensor.js" {
  interface Tensor {
    maskedFill: Method<typeof maskedFill>;
    maskedFill_: Method<typeof maskedFill_>;
    maskedScatter: Method<typeof maskedScatter>;
    maskedScatter_: Method<typeof maskedScatter_>;
    maskedSelect: Method<typeof maskedSelect>;
    nonzero(options: { asTuple: true }): Tensor[];
    nonzero(options?: { asTuple?: false }): Tensor;
    argwhere: Method<typeof argwhere>;
  }
}

installMethods({ maskedFill, maskedFill_, maskedScatter, maskedScatter_, maskedSelect, nonzero, argwhere });
