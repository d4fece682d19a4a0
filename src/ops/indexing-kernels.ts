// Typed-array building blocks of the index ops: storage offsets of strided sub-spaces, element
// access that decodes and encodes every dtype (int64 stays bigint, so it is exact), index values
// read once as numbers, and the reductions scatter/index_add/index_put accumulate with.

import { Tensor } from "../core/tensor.js";
import { type DType, bf16ToF32, bool, f16ToF32, f32ToBf16, f32ToF16, int64 } from "../core/dtype.js";
import { Storage } from "../core/storage.js";
import { broadcastStrides, contiguousStrides, numel } from "../core/shape.js";
import { binaryMap, copyInto, emptyTensor, readable, scalarOf, toNumbers, unaryMap } from "./engine.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { tryNativeNonzeroColumns } from "./native-compact.js";

/** One element's value: a number, or a bigint for int64. */
export type Val = number | bigint;

/** Raw storage as an indexable array (elements are moved without decoding). */
export type RawArray = { [i: number]: number | bigint; length: number };

export function rawOf(t: Tensor): RawArray {
  return t.storage.data as unknown as RawArray;
}

/** Storage offsets Σ i_k·strides[k] of every position of `shape`, in row-major order. */
export function offsetsOf(shape: readonly number[], strides: readonly number[], base = 0): Float64Array {
  const n = numel(shape);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const nd = shape.length;
  if (nd === 0) { out[0] = base; return out; }
  const len = shape[nd - 1]!, step = strides[nd - 1]!;
  const idx = new Int32Array(nd);
  let off = base, k = 0;
  for (;;) {
    for (let j = 0, p = off; j < len; j++, p += step) out[k++] = p;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return out;
  }
}

/** The storage offsets of a tensor's elements, row-major. */
export function elementOffsets(t: Tensor): Float64Array {
  return offsetsOf(t._shape, t._strides, t._offset);
}

/** Reads and writes decoded element values of one storage. */
export interface Access {
  load(i: number): Val;
  store(i: number, v: Val): void;
}

export function accessOf(t: Tensor): Access {
  return accessFor(t.storage.data as unknown as RawArray, t.dtype);
}

export function accessFor(d: RawArray, dtype: DType): Access {
  const n = d as unknown as number[];
  switch (dtype.name) {
    case "float16": return { load: (i) => f16ToF32(n[i]!), store: (i, v) => { n[i] = f32ToF16(Number(v)); } };
    case "bfloat16": return { load: (i) => bf16ToF32(n[i]!), store: (i, v) => { n[i] = f32ToBf16(Number(v)); } };
    case "bool": return { load: (i) => n[i]!, store: (i, v) => { n[i] = v || v !== v ? 1 : 0; } }; // NaN is true
    case "int64": {
      const b = d as unknown as bigint[];
      return { load: (i) => b[i]!, store: (i, v) => { b[i] = BigInt.asIntN(64, v as bigint); } };
    }
    default: return { load: (i) => n[i]!, store: (i, v) => { n[i] = v as number; } };
  }
}

/** A JS scalar as a value in `dtype`'s domain (truncated for ints, bigint for int64). */
export function valueIn(dtype: DType, v: number | bigint | boolean): Val {
  if (dtype === int64) {
    if (typeof v === "bigint") return BigInt.asIntN(64, v);
    const x = Number(v);
    return Number.isFinite(x) ? BigInt.asIntN(64, BigInt(Math.trunc(x))) : -(2n ** 63n);
  }
  const x = typeof v === "bigint" ? Number(v) : Number(v);
  if (dtype.isFloatingPoint) return x;
  if (dtype.name === "bool") return x ? 1 : 0;
  return Number.isFinite(x) ? Math.trunc(x) : 0;
}

/** The value of a 0-d (or one-element) tensor in `dtype`'s domain. */
export function tensorValueIn(dtype: DType, t: Tensor): Val {
  const v = t._read(t._offset);
  return valueIn(dtype, v);
}

/** Dtypes whose storage holds the values themselves as JS numbers (fast paths use plain +=). */
export function isPlainNumeric(d: DType): boolean {
  return d.name === "float32" || d.name === "float64" || d.name === "int8" || d.name === "uint8" || d.name === "int16" || d.name === "int32";
}

// ---- reductions on element values (int64 as bigint, bool as logical) --------------------------

export type Combine = (a: Val, b: Val) => Val;

export function combineFor(kind: "add" | "mul" | "max" | "min", dtype: DType): Combine {
  const isBool = dtype.name === "bool";
  switch (kind) {
    case "add":
      if (isBool) return (a, b) => (a || b ? 1 : 0);
      return dtype === int64 ? (a, b) => (a as bigint) + (b as bigint) : (a, b) => (a as number) + (b as number);
    case "mul":
      if (isBool) return (a, b) => (a && b ? 1 : 0);
      return dtype === int64 ? (a, b) => (a as bigint) * (b as bigint) : (a, b) => (a as number) * (b as number);
    case "max":
      return dtype === int64
        ? (a, b) => ((a as bigint) >= (b as bigint) ? a : b)
        : (a, b) => (Number.isNaN(a as number) || (a as number) >= (b as number) ? a : b);
    case "min":
      return dtype === int64
        ? (a, b) => ((a as bigint) <= (b as bigint) ? a : b)
        : (a, b) => (Number.isNaN(a as number) || (a as number) <= (b as number) ? a : b);
  }
}

// ---- index values -----------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The values of an integer index tensor as numbers, contiguous row-major. int64 is read through
 * its two 32-bit halves (exact up to 2^53) rather than as BigInts, which is many times faster.
 */
export function indexValues(t: Tensor): ArrayLike<number> {
  if (t.dtype !== int64 || !LITTLE_ENDIAN) return toNumbers(t) as ArrayLike<number>;
  const data = t.storage.data as BigInt64Array;
  const halves = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
  const n = t.numel();
  const out = new Float64Array(n);
  const contiguous = t.isContiguous();
  const offs = contiguous ? null : elementOffsets(t);
  for (let i = 0; i < n; i++) {
    const p = offs ? offs[i]! : t._offset + i;
    const lo = halves[2 * p]!, hi = halves[2 * p + 1]!;
    out[i] = hi === lo >> 31 ? lo : hi * 4294967296 + (lo >>> 0);
  }
  return out;
}

/**
 * Checks every index against `size` (negative ones wrap when `allowNegative`), with the message
 * built by `message(value)`. Runs before any write, so a failing op leaves its tensors unchanged.
 */
export function checkIndexRange(values: ArrayLike<number>, size: number, allowNegative: boolean, message: (v: number) => string): void {
  const lo = allowNegative ? -size : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo || v >= size) throw new Error(message(v));
  }
}

// ---- nonzero ----------------------------------------------------------------------------------

/** Positions of the non-zero elements of `t`, as one Float64Array per dim (row-major order). */
export function nonzeroColumns(t: Tensor): Float64Array[] {
  const fast = tryNativeNonzeroColumns(t);
  if (fast) return fast;
  const nd = t.dim();
  const vals = toNumbers(t);
  let count = 0;
  for (let i = 0; i < vals.length; i++) if (vals[i] !== 0) count++;
  const cols = Array.from({ length: nd }, () => new Float64Array(count));
  if (count === 0) return cols;
  const shape = t._shape;
  const idx = new Int32Array(nd);
  let k = 0;
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] !== 0) {
      for (let d = 0; d < nd; d++) cols[d]![k] = idx[d]!;
      k++;
    }
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return cols;
}

/** A contiguous int64 tensor holding `values`. */
export function int64Tensor(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new Tensor(new Storage(data, int64), shape.slice());
}

// ---- copies -----------------------------------------------------------------------------------

/** A contiguous copy of `t` (no autograd) broadcast to `shape` and converted to `dtype`. */
export function contiguousCopy(t: Tensor, dtype: DType = t.dtype, shape: readonly number[] = t._shape): Tensor {
  if (onDevice(t)) {
    const out = deviceOp("empty", "copy")(shape, dtype);
    copyInto(out, t);
    return out;
  }
  const out = emptyTensor(shape, dtype);
  if (dtype.isComplex || t.dtype.isComplex) { copyInto(out, t); return out; }
  t = readable(t);
  const src = accessOf(t), dst = accessOf(out);
  const offs = offsetsOf(shape, broadcastStrides(t._shape, t._strides, shape), t._offset);
  if (dtype === t.dtype) {
    const a = rawOf(out), b = rawOf(t);
    for (let i = 0; i < offs.length; i++) a[i] = b[offs[i]!]!;
    return out;
  }
  const conv = converter(t.dtype, dtype);
  for (let i = 0; i < offs.length; i++) dst.store(i, conv(src.load(offs[i]!)));
  return out;
}

/** Converts a value of dtype `from` to the domain of dtype `to`. */
export function converter(from: DType, to: DType): (v: Val) => Val {
  if (from === to) return (v) => v;
  if (to === int64) {
    return (v) => (typeof v === "bigint" ? v : Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : -(2n ** 63n));
  }
  if (to.isFloatingPoint) return (v) => Number(v);
  if (to.name === "bool") return (v) => (v || v !== v ? 1 : 0); // NaN is true, as in PyTorch
  return (v) => (typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : Number.isFinite(v) ? Math.trunc(v) : 0);
}

/** Whether `shape` broadcasts to `target` without changing `target` (PyTorch's is_expandable_to). */
export function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1 && shape[i] !== target[i + off]) return false;
  }
  return true;
}

/** Contiguous strides of `shape` read as if broadcast to `target` (0 on broadcast dims). */
export function broadcastContiguousStrides(shape: readonly number[], target: readonly number[]): number[] {
  const cs = contiguousStrides(shape);
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : cs[i]!;
  return out;
}

import { scalarTypeName } from "../core/dtype.js";
export { scalarTypeName };

// ---- masks (bool tensors; never differentiable) -----------------------------------------------

/** a == b as a bool tensor (broadcasting), without autograd. */
export function eqMask(a: Tensor, b: Tensor | number): Tensor {
  const y = b instanceof Tensor ? b : scalarOf(b, a.dtype);
  return binaryMap(a, y, bool, (p, q) => (p === q ? 1 : 0));
}

export function notMask(m: Tensor): Tensor {
  return unaryMap(m, bool, (x) => (x ? 0 : 1));
}

export function andMask(a: Tensor, b: Tensor): Tensor {
  return binaryMap(a, b, bool, (p, q) => (p && q ? 1 : 0));
}
