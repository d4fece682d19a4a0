// Building blocks of elementwise ops: dtype-aware reading and writing of strided tensors,
// broadcasting, and the map loops. Ops decide dtypes; this file only moves numbers.

import { Tensor } from "../core/tensor.js";
import { type DType, bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, int64, truncToInt32, truncToInt64 } from "../core/dtype.js";
import { Storage } from "../core/storage.js";
import { flipStoredSigns, resolvedElements } from "../core/lazy-storage.js";
import { broadcastShapes, broadcastStrides, contiguousStrides, numel, shapeStr, shapesEqual } from "../core/shape.js";
import { forEachRow } from "../backends/js/strided.js";
import { NATIVE_MIN_BINARY, NATIVE_MIN_COPY, nativeBinary, tryNativeBinary, tryNativeCopy, tryNativeFill, tryNativeUnaryMap } from "./native-fast.js";
import { kernels } from "../backends/kernels.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { tryCopy16, tryDecode16, tryEncode16 } from "./native-convert.js";
import { nativeBinaryOpOf } from "./native-fast.js";
import type { Complex } from "../core/complex.js";
import { type MemoryFormat, pointwiseStrides, preservedStrides, sameDenseLayout, stridesForLike } from "../core/memory-format.js";
import { copyComplex, fillComplex } from "./complex-engine.js";
import { tryNativeConvert, tryNativeTyped, tryNativeTypedTernary, tryNativeTypedUnary } from "./native-typed.js";
import { refuseNamed } from "./named-engine.js";

export type NumArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array;
export type UnaryFn = (x: number) => number;
export type BinaryFn = (a: number, b: number) => number;
export type TernaryFn = (a: number, b: number, c: number) => number;

/** A tensor's layout as a strided operand. */
export function lay(t: Tensor): { strides: readonly number[]; offset: number } {
  if (t._names !== null) refuseNamed();
  return { strides: t._strides, offset: t._offset };
}

/** A fresh contiguous tensor. */
export function emptyTensor(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.alloc(dtype, numel(shape)), shape.slice());
}

/**
 * A contiguous tensor whose values are unspecified (large float buffers are not zeroed): only for
 * outputs that the kernel filling them writes in full.
 */
export function uninitTensor(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.allocUninit(dtype, numel(shape)), shape.slice());
}

/** An uninitialised tensor with the given (dense) strides. */
export function uninitStrided(shape: readonly number[], strides: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.allocUninit(dtype, numel(shape)), shape.slice(), strides.slice());
}

/**
 * The uninitialised result of a pointwise op over `shape`: contiguous when every operand is, else
 * laid out as PyTorch's TensorIterator lays it (a channels-last or transposed input gives a result
 * of the same layout).
 */
export function pointwiseResult(shape: readonly number[], dtype: DType, operands: readonly Tensor[]): Tensor {
  let contiguous = true;
  for (const t of operands) if (!t.isContiguous()) { contiguous = false; break; }
  if (contiguous) return uninitTensor(shape, dtype);
  if (operands.length === 1 && shapesEqual(operands[0]!._shape, shape)) return uninitStrided(shape, preservedStrides(shape, operands[0]!._strides), dtype);
  const sameShape = operands.every((t) => shapesEqual(t._shape, shape));
  return uninitStrided(shape, pointwiseStrides(shape, operands.map((t) => broadcastStrides(t._shape, t._strides, shape)), sameShape), dtype);
}

/** An uninitialised tensor shaped like `like`, laid out in `format` (null or preserve_format: like `like`). */
export function uninitLike(like: Tensor, dtype: DType, format: MemoryFormat | null = null): Tensor {
  if (format === null && like.isContiguous()) return uninitTensor(like._shape, dtype);
  return uninitStrided(like._shape, stridesForLike(like._shape, format, like), dtype);
}

/** Wraps a typed array (no copy) as a contiguous tensor of `dtype`. */
export function fromArray(data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array | Uint16Array, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data, dtype), shape.slice());
}

/**
 * A tensor the kernels can read: a conjugate or negative view (core/lazy-storage.ts) as its values
 * in new contiguous memory, reading only its own elements (the lazy storage's whole-memory
 * `data` / `pairs` would copy all of a large base for a small view); any other tensor itself.
 */
export function readable(t: Tensor): Tensor {
  if (t.storage._physical === null) return t;
  const out = new Tensor(resolvedElements(t.storage, t._storageIndices()), t._shape.slice());
  out._names = t._names;
  return out;
}

function isNumberBacked(d: DType): boolean {
  return d.name !== "float16" && d.name !== "bfloat16" && d.name !== "int64";
}

/**
 * A tensor's values as a number array the kernels can index with the tensor's own strides: the
 * storage itself for number-backed dtypes, a decoded contiguous copy for float16/bfloat16/int64.
 */
export function numericView(t: Tensor): { data: NumArray; strides: number[]; offset: number } {
  if (t._names !== null) refuseNamed();
  if (t.storage._physical !== null) t = readable(t);
  if (isNumberBacked(t.dtype)) return { data: t.storage.data as NumArray, strides: t._strides, offset: t._offset };
  return { data: toNumbers(t), strides: contiguousStrides(t._shape), offset: 0 };
}

/** Contiguous values for ops that only compare and copy them: int64 as bigints (exact past 2^53), the rest as toNumbers. */
export function toExactNumbers(t: Tensor): NumArray | BigInt64Array {
  if (t.dtype.name !== "int64") return toNumbers(t);
  const c = t.contiguous();
  return (c.storage.data as BigInt64Array).subarray(c._offset, c._offset + c.numel());
}

/** Contiguous values as JS numbers: Float32Array for 16-bit floats, Float64Array for int64. */
export function toNumbers(t: Tensor): NumArray {
  if (t._names !== null) refuseNamed();
  if (t.storage._physical !== null) t = readable(t);
  const n = t.numel();
  const src = t.storage.data;
  if (t.dtype.name === "int64") {
    const out = new Float64Array(n);
    let k = 0;
    forEachRow(t._shape, [lay(t)], (o, len, inner) => {
      const s = inner[0]!;
      for (let i = 0, p = o[0]!; i < len; i++, p += s) out[k++] = Number((src as BigInt64Array)[p]!);
    });
    return out;
  }
  if (t.dtype.name === "float16" || t.dtype.name === "bfloat16") {
    const dec = t.dtype.name === "float16" ? f16ToF32 : bf16ToF32;
    const out = new Float32Array(n);
    if (tryDecode16(t, out)) return out;
    let k = 0;
    forEachRow(t._shape, [lay(t)], (o, len, inner) => {
      const s = inner[0]!;
      for (let i = 0, p = o[0]!; i < len; i++, p += s) out[k++] = dec((src as Uint16Array)[p]!);
    });
    return out;
  }
  const data = src as NumArray;
  if (t.isContiguous()) return data.subarray(t._offset, t._offset + n) as NumArray;
  const out = new (data.constructor as new (n: number) => NumArray)(n);
  let k = 0;
  forEachRow(t._shape, [lay(t)], (o, len, inner) => {
    const s = inner[0]!;
    for (let i = 0, p = o[0]!; i < len; i++, p += s) out[k++] = data[p]!;
  });
  return out;
}

/** Where results are computed: straight into `out`'s storage, or a float scratch encoded at the end. */
function target(out: Tensor): { data: NumArray; strides: number[]; offset: number; finish: () => void } {
  if (isNumberBacked(out.dtype)) return { data: out.storage.data as NumArray, strides: out._strides, offset: out._offset, finish: () => {} };
  const scratch = out.dtype.name === "int64" ? new Float64Array(out.numel()) : new Float32Array(out.numel());
  return {
    data: scratch, strides: contiguousStrides(out._shape), offset: 0,
    finish: () => writeNumbers(out, scratch),
  };
}

/** Writes contiguous numbers into a (possibly strided) tensor of any dtype, converting. */
export function writeNumbers(out: Tensor, values: ArrayLike<number>): void {
  if (tryEncode16(out, values)) return;
  if (writeInt64Words(out, values)) return;
  const dst = out.storage.data;
  const enc = encoder(out.dtype);
  let k = 0;
  forEachRow(out._shape, [lay(out)], (o, len, inner) => {
    const s = inner[0]!;
    for (let i = 0, p = o[0]!; i < len; i++, p += s) (dst as unknown as (number | bigint)[])[p] = enc(values[k++]!);
  });
}

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Safe integers into a contiguous int64 tensor as the two 32-bit words of each element (where the
 * platform is little-endian), instead of a BigInt per element (1M sort indices: ~50 ms); any other
 * value goes through the encoder. False when the tensor is not such a target.
 */
function writeInt64Words(out: Tensor, values: ArrayLike<number>): boolean {
  if (out.dtype !== int64 || !littleEndian || !out.isContiguous()) return false;
  const d = out.storage.data as BigInt64Array, off = out._offset, n = out.numel();
  const words = new Int32Array(d.buffer, d.byteOffset, 2 * d.length);
  const enc = encoder(int64);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isSafeInteger(v)) {
      words[2 * (off + i)] = v; // ToInt32: the low word, as two's complement
      words[2 * (off + i) + 1] = Math.floor(v / 4294967296);
    } else {
      d[off + i] = enc(v) as bigint;
    }
  }
  return true;
}

/** JS value → raw storage element of `dtype`. */
export function encoder(dtype: DType): (v: number | bigint | boolean) => number | bigint {
  switch (dtype.name) {
    case "float32": case "float64": return (v) => Number(v);
    case "float16": return (v) => f32ToF16(Number(v));
    case "bfloat16": return (v) => f32ToBf16(Number(v));
    case "bool": return (v) => (typeof v === "bigint" ? (v !== 0n ? 1 : 0) : v || v !== v ? 1 : 0); // NaN is true
    case "int64": return (v) => {
      if (typeof v === "bigint") return BigInt.asIntN(64, v);
      const n = Number(v);
      if (!Number.isFinite(n)) return -(2n ** 63n);
      return BigInt.asIntN(64, BigInt(Math.trunc(n)));
    };
    default: return (v) => {
      if (typeof v === "bigint") return Number(BigInt.asIntN(32, v));
      const n = Number(v);
      return Number.isFinite(n) ? Math.trunc(n) : 0;
    };
  }
}

/** Raw storage element → JS value (int64 stays bigint). */
export function decoder(dtype: DType): (raw: number | bigint) => number | bigint {
  switch (dtype.name) {
    case "float16": return (r) => f16ToF32(r as number);
    case "bfloat16": return (r) => bf16ToF32(r as number);
    default: return (r) => r;
  }
}

/** x * 1 as the native binary kernel: a float copy within one buffer (see copyInto). */
const COPY_BY_MUL = nativeBinary((a: number, b: number) => a * b, "mul");

/** Copies src into dst (broadcasting src to dst's shape), converting dtypes like PyTorch's copy_. */
export function copyInto(dst: Tensor, src: Tensor): void {
  if (src._names !== null) refuseNamed();
  if (dst.storage._physical !== null) return copyIntoLazyView(dst, src);
  if (src.storage._physical !== null) src = readable(src);
  if (onDevice(dst, src)) return deviceOp("copy")(dst, src);
  if (dst.dtype.isComplex || src.dtype.isComplex) return copyComplex(dst, src);
  const shape = dst._shape;
  if (dst.dtype === src.dtype && shapesEqual(src._shape, shape) && dst.isContiguous() && src.isContiguous()) {
    // The common clone/contiguous copy: one memmove instead of an element loop.
    const n = dst.numel(), from = src._offset;
    // An empty view's offset may lie past its storage's end (a narrow of an empty tensor).
    if (n === 0) return;
    const d = dst.storage.data as Float32Array, s = src.storage.data as Float32Array;
    d.set(from === 0 && s.length === n ? s : s.subarray(from, from + n), dst._offset);
    return;
  }
  if (shapesEqual(src._shape, shape) && (tryCopy16(dst, src) || tryNativeConvert(dst, src))) return;
  const sStr = broadcastStrides(src._shape, src._strides, shape);
  if (tryNativeCopy(dst, src, sStr)) return;
  // Float copies within one buffer (disjoint parts, or the very same elements) as the native binary
  // kernel: x * 1 keeps every value, -0 and infinities included.
  if (dst.dtype === src.dtype && dst.numel() >= NATIVE_MIN_COPY && tryNativeBinary(COPY_BY_MUL, src, sStr, scalarOf(1, src.dtype), shape.map(() => 0), dst, shape, true)) return;
  const a = dst.storage.data as unknown as (number | bigint)[];
  const b = src.storage.data as unknown as (number | bigint)[];
  const srcOp = { strides: sStr, offset: src._offset };
  // Float to integer: truncation, with NaN and out-of-range values giving INT32_MIN (INT64_MIN for
  // int64) as x86's conversion does, as PyTorch's and the native kernels' (typed-array assignment
  // would wrap them modulo 2^32 and turn NaN into 0); the store keeps int32's low bits for narrower types.
  if (src.dtype.isFloatingPoint && !dst.dtype.isFloatingPoint && dst.dtype.name !== "bool") {
    const dec = decoder(src.dtype);
    const conv: (v: number) => number | bigint = dst.dtype === int64 ? (v) => BigInt(truncToInt64(v)) : truncToInt32;
    forEachRow(shape, [lay(dst), srcOp], (o, len, inner) => {
      const sa = inner[0]!, sb = inner[1]!;
      for (let i = 0, p = o[0]!, q = o[1]!; i < len; i++, p += sa, q += sb) a[p] = conv(dec(b[q]!) as number);
    });
    return;
  }
  // Same dtype, or number-backed to number-backed (not bool): typed-array assignment converts as
  // C casts do, and so does set(), which copies a contiguous row in one call.
  if (dst.dtype === src.dtype || (isNumberBacked(dst.dtype) && isNumberBacked(src.dtype) && dst.dtype.name !== "bool")) {
    const da = dst.storage.data as Float32Array, sb0 = src.storage.data as Float32Array;
    forEachRow(shape, [lay(dst), srcOp], (o, len, inner) => {
      const sa = inner[0]!, sb = inner[1]!;
      if (sa === 1 && sb === 1 && len >= 16) { da.set(sb0.subarray(o[1]!, o[1]! + len), o[0]!); return; }
      for (let i = 0, p = o[0]!, q = o[1]!; i < len; i++, p += sa, q += sb) a[p] = b[q]!;
    });
    return;
  }
  const dec = decoder(src.dtype), enc = encoder(dst.dtype);
  forEachRow(shape, [lay(dst), srcOp], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!;
    for (let i = 0, p = o[0]!, q = o[1]!; i < len; i++, p += sa, q += sb) a[p] = enc(dec(b[q]!));
  });
}

/**
 * copyInto a conjugate or negative view (core/lazy-storage.ts): the values go into the physical
 * memory, then the written numbers' signs flip, so the view reads them back (PyTorch writes the
 * conjugate through x.conj(): filling it with 0 leaves x's imaginary parts -0, as PyTorch's do).
 * A lazy source is read, resolved, before anything is written.
 */
function copyIntoLazyView(dst: Tensor, src: Tensor): void {
  copyInto(new Tensor(dst.storage._physical!, dst._shape, dst._strides, dst._offset), src);
  const written = dst._strides.some((s, d) => s === 0 && dst._shape[d]! > 1) ? [...new Set(dst._storageIndices())] : dst._storageIndices();
  flipStoredSigns(dst.storage, written);
}

/** Fills a strided tensor with one value. */
export function fillTensor(t: Tensor, value: number | bigint | boolean | Complex): void {
  if (t.storage._physical !== null) return copyIntoLazyView(t, scalarOf(value, t.dtype));
  if (t.dtype.isComplex || typeof value === "object") return fillComplex(t, value);
  if (onDevice(t)) return deviceOp("fill")(t, value);
  const raw = encoder(t.dtype)(value);
  const d = t.storage.data as unknown as (number | bigint)[];
  if (t.isContiguous()) {
    if (tryNativeFill(t.storage.data, t._offset, t.numel(), raw)) return;
    (t.storage.data as unknown as { fill(v: number | bigint, s: number, e: number): void }).fill(raw, t._offset, t._offset + t.numel());
    return;
  }
  forEachRow(t._shape, [lay(t)], (o, len, inner) => {
    const s = inner[0]!;
    for (let i = 0, p = o[0]!; i < len; i++, p += s) d[p] = raw;
  });
}

function checkOut(op: string, out: Tensor, shape: readonly number[]): void {
  if (!shapesEqual(out._shape, shape)) {
    throw new Error(`${op}: output with shape ${shapeStr(out._shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
  }
}

export function unaryMap(x: Tensor, outDtype: DType, f: UnaryFn, out?: Tensor): Tensor {
  const res = out ?? (x.isContiguous() ? uninitTensor(x._shape, outDtype) : pointwiseResult(x._shape, outDtype, [x]));
  if (x.storage._physical !== null) x = readable(x);
  if (tryNativeUnaryMap(f, x, res, copyInto)) return res;
  if (tryNativeTypedUnary(f, x, res)) return res;
  const src = numericView(x);
  const dst = target(res);
  const a = dst.data, b = src.data;
  forEachRow(x._shape, [dst, src], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!;
    for (let i = 0, p = o[0]!, q = o[1]!; i < len; i++, p += sa, q += sb) a[p] = f(b[q]!);
  });
  dst.finish();
  return res;
}

export function binaryMap(
  x: Tensor, y: Tensor, outDtype: DType, f: BinaryFn,
  out?: Tensor, fBig?: (a: bigint, b: bigint) => bigint, op = "binary op",
): Tensor {
  const shape = shapesEqual(x._shape, y._shape) ? x._shape : broadcastShapes(x._shape, y._shape);
  if (out) checkOut(op, out, shape);
  const res = out ?? (x.isContiguous() && y.isContiguous() ? uninitTensor(shape, outDtype) : pointwiseResult(shape, outDtype, [x, y]));
  if (x.storage._physical !== null) x = readable(x);
  if (y.storage._physical !== null) y = readable(y);
  if (tryTypedBinary(x, y, res, shape, f, fBig, out === undefined)) return res;
  if (fBig && res.dtype === int64 && !x.dtype.isFloatingPoint && !y.dtype.isFloatingPoint) {
    bigBinary(x, y, res, shape, fBig);
    return res;
  }
  if (flatBinary(x, y, res, f)) return res;
  if (tryNativeBinary(f, x, broadcastStrides(x._shape, x._strides, shape), y, broadcastStrides(y._shape, y._strides, shape), res, shape, out === undefined)) return res;
  const xa = numericView(x), ya = numericView(y);
  const xs = { data: xa.data, offset: xa.offset, strides: broadcastStrides(x._shape, xa.strides, shape) };
  const ys = { data: ya.data, offset: ya.offset, strides: broadcastStrides(y._shape, ya.strides, shape) };
  const dst = target(res);
  const a = dst.data, b = xs.data, c = ys.data;
  forEachRow(shape, [dst, xs, ys], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!, sc = inner[2]!;
    let p = o[0]!, q = o[1]!, r = o[2]!;
    if (sa === 1 && sb === 1 && sc === 1) {
      for (let i = 0; i < len; i++) a[p + i] = f(b[q + i]!, c[r + i]!);
    } else if (sa === 1 && sb === 1 && sc === 0) {
      const cv = c[r]!;
      for (let i = 0; i < len; i++) a[p + i] = f(b[q + i]!, cv);
    } else {
      for (let i = 0; i < len; i++, p += sa, q += sb, r += sc) a[p] = f(b[q]!, c[r]!);
    }
  });
  dst.finish();
  return res;
}

/**
 * The native typed kernels where they apply (large outputs; see native-typed.ts): integer dtypes
 * and the float ops without a plain float kernel. True division of two integer tensors into a
 * float result converts both operands first (native conversions), then divides as floats.
 */
function tryTypedBinary(x: Tensor, y: Tensor, res: Tensor, shape: readonly number[], f: BinaryFn, fBig: ((a: bigint, b: bigint) => bigint) | undefined, freshOut: boolean): boolean {
  if (kernels.backend !== "native" || res.numel() < NATIVE_MIN_BINARY) return false;
  const floatOp = nativeBinaryOpOf(f);
  if (floatOp === "div" && res.dtype.isFloatingPoint && x.dtype === y.dtype && !x.dtype.isFloatingPoint && x.dtype.name !== "bool") {
    const cx = emptyTensor(x._shape, res.dtype), cy = emptyTensor(y._shape, res.dtype);
    copyInto(cx, x);
    copyInto(cy, y);
    return tryNativeBinary(f, cx, broadcastStrides(cx._shape, cx._strides, shape), cy, broadcastStrides(cy._shape, cy._strides, shape), res, shape, freshOut);
  }
  // Plain float add/sub/mul/div/maximum/minimum have vectorised kernels of their own.
  if (floatOp !== undefined && res.dtype.isFloatingPoint) return false;
  return tryNativeTyped([f, fBig], floatOp, x, broadcastStrides(x._shape, x._strides, shape), y, broadcastStrides(y._shape, y._strides, shape), res, shape);
}

/**
 * The common small case in one flat loop: x and the result dense in the same layout (contiguous, mostly), y the
 * same or a single element, all of the result's number-backed dtype. Large ones go native.
 */
function flatBinary(x: Tensor, y: Tensor, res: Tensor, f: BinaryFn): boolean {
  const n = res.numel();
  if ((n >= NATIVE_MIN_BINARY && kernels.backend === "native") || x.dtype !== res.dtype || y.dtype !== res.dtype || !isNumberBacked(res.dtype)) return false;
  if (!sameDenseLayout(x, res)) return false;
  const scalar = y.numel() === 1;
  if (!scalar && !sameDenseLayout(y, res)) return false;
  const a = res.storage.data as NumArray, b = x.storage.data as NumArray, c = y.storage.data as NumArray;
  const p = res._offset, q = x._offset, r = y._offset;
  if (scalar) {
    const cv = c[r]!;
    for (let i = 0; i < n; i++) a[p + i] = f(b[q + i]!, cv);
  } else {
    for (let i = 0; i < n; i++) a[p + i] = f(b[q + i]!, c[r + i]!);
  }
  return true;
}

function bigBinary(x: Tensor, y: Tensor, res: Tensor, shape: readonly number[], f: (a: bigint, b: bigint) => bigint): void {
  const a = res.storage.data as BigInt64Array;
  const b = x.storage.data as unknown as (number | bigint)[], c = y.storage.data as unknown as (number | bigint)[];
  const xs = { strides: broadcastStrides(x._shape, x._strides, shape), offset: x._offset };
  const ys = { strides: broadcastStrides(y._shape, y._strides, shape), offset: y._offset };
  forEachRow(shape, [lay(res), xs, ys], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!, sc = inner[2]!;
    for (let i = 0, p = o[0]!, q = o[1]!, r = o[2]!; i < len; i++, p += sa, q += sb, r += sc) {
      a[p] = BigInt.asIntN(64, f(BigInt(b[q]!), BigInt(c[r]!)));
    }
  });
}

export function ternaryMap(x: Tensor, y: Tensor, z: Tensor, outDtype: DType, f: TernaryFn, out?: Tensor, op = "ternary op"): Tensor {
  if (x._names !== null || y._names !== null || z._names !== null) refuseNamed();
  const shape = broadcastShapes(x._shape, y._shape, z._shape);
  if (out) checkOut(op, out, shape);
  const res = out ?? (x.isContiguous() && y.isContiguous() && z.isContiguous() ? uninitTensor(shape, outDtype) : pointwiseResult(shape, outDtype, [x, y, z]));
  if (x.storage._physical !== null || y.storage._physical !== null || z.storage._physical !== null) [x, y, z] = [readable(x), readable(y), readable(z)];
  if (tryNativeTypedTernary(f, [x, y, z].map((t) => [t, broadcastStrides(t._shape, t._strides, shape)] as const), res, shape)) return res;
  const views = [x, y, z].map((t) => {
    const v = numericView(t);
    return { data: v.data, offset: v.offset, strides: broadcastStrides(t._shape, v.strides, shape) };
  });
  const dst = target(res);
  const a = dst.data, b = views[0]!.data, c = views[1]!.data, d = views[2]!.data;
  forEachRow(shape, [dst, ...views], (o, len, inner) => {
    const sa = inner[0]!, sb = inner[1]!, sc = inner[2]!, sd = inner[3]!;
    for (let i = 0, p = o[0]!, q = o[1]!, r = o[2]!, s = o[3]!; i < len; i++, p += sa, q += sb, r += sc, s += sd) a[p] = f(b[q]!, c[r]!, d[s]!);
  });
  dst.finish();
  return res;
}

/** A 0-d tensor holding a Python scalar in `dtype`. */
export function scalarOf(v: number | bigint | boolean | Complex, dtype: DType): Tensor {
  const t = emptyTensor([], dtype);
  if (dtype.isComplex || typeof v === "object") { fillTensor(t, v); return t; }
  (t.storage.data as unknown as (number | bigint)[])[0] = encoder(dtype)(v);
  return t;
}

/** Whether a tensor holds a zero (a direct scan, no reduction op needed). */
export function hasZeroValue(t: Tensor): boolean {
  if (t.dtype === int64 && t.isContiguous()) {
    // An int64 is zero exactly when both its 32-bit words are: no BigInt per element (1M: ~80 ms).
    const d = t.storage.data as BigInt64Array, n = t.numel();
    const words = new Int32Array(d.buffer, d.byteOffset + t._offset * 8, 2 * n);
    for (let i = 0; i < 2 * n; i += 2) if ((words[i]! | words[i + 1]!) === 0) return true;
    return false;
  }
  const v = toNumbers(t);
  for (let i = 0; i < v.length; i++) if (v[i] === 0) return true;
  return false;
}
