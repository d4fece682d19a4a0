// PyTorch's dtypes, their storage arrays and type promotion (torch.result_type).

import { Complex } from "./complex.js";

export type DTypeName =
  | "float32" | "float64" | "float16" | "bfloat16"
  | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool"
  | "complex32" | "complex64" | "complex128"
  | "quint8" | "qint8" | "qint32" | "quint4x2" | "quint2x4";

/** The typed array that stores a dtype: float16/bfloat16 keep their 16 bits in a Uint16Array. */
export type StorageArray =
  | Float32Array | Float64Array | Uint16Array
  | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

export type DTypeCategory = "bool" | "int" | "float" | "complex" | "quantized";

export class DType {
  constructor(
    readonly name: DTypeName,
    readonly itemsize: number,
    readonly category: DTypeCategory,
    /** Position in PyTorch's promotion lattice within a category (higher wins). */
    readonly rank: number,
    readonly isSigned: boolean,
  ) {}
  get isFloatingPoint(): boolean { return this.category === "float"; }
  get isComplex(): boolean { return this.category === "complex"; }
  /** Whether tensors of this dtype can require gradients (floating point and complex, as in PyTorch). */
  get isDifferentiable(): boolean { return this.category === "float" || this.category === "complex"; }
  toString(): string { return `torch.${this.name}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

export const float32 = new DType("float32", 4, "float", 2, true);
export const float64 = new DType("float64", 8, "float", 3, true);
export const float16 = new DType("float16", 2, "float", 0, true);
export const bfloat16 = new DType("bfloat16", 2, "float", 1, true);
export const int8 = new DType("int8", 1, "int", 1, true);
export const uint8 = new DType("uint8", 1, "int", 0, false);
export const int16 = new DType("int16", 2, "int", 2, true);
export const int32 = new DType("int32", 4, "int", 3, true);
export const int64 = new DType("int64", 8, "int", 4, true);
export const bool = new DType("bool", 1, "bool", 0, false);
/** Complex numbers: (re, im) pairs of float32 / float64, interleaved in a ComplexStorage. */
export const complex64 = new DType("complex64", 8, "complex", 0, true);
export const complex128 = new DType("complex128", 16, "complex", 1, true);
/** PyTorch's experimental ComplexHalf: (re, im) pairs of float16 bits in a ComplexHalfStorage (few ops take it). */
export const complex32 = new DType("complex32", 4, "complex", -1, true);
/** Quantized integers (affine: value = (q - zero_point) * scale); storage holds q as uint8/int8/int32. */
export const quint8 = new DType("quint8", 1, "quantized", 0, false);
export const qint8 = new DType("qint8", 1, "quantized", 1, true);
export const qint32 = new DType("qint32", 4, "quantized", 2, true);
/**
 * Sub-byte quantized integers (4-bit and 2-bit, unsigned): PyTorch packs two (four) per byte; the
 * storage here holds one per element as uint8 (QuantizedStorage packs them where bytes show).
 */
export const quint4x2 = new DType("quint4x2", 1, "quantized", 3, false);
export const quint2x4 = new DType("quint2x4", 1, "quantized", 4, false);
// PyTorch's aliases.
export const float = float32, double = float64, half = float16;
export const int = int32, long = int64, short = int16;
export const cfloat = complex64, cdouble = complex128, chalf = complex32;

/** The real dtypes: what every kernel computes on (complex tensors go through their real views). */
export const ALL_DTYPES: readonly DType[] = [float32, float64, float16, bfloat16, int8, uint8, int16, int32, int64, bool];
export const COMPLEX_DTYPES: readonly DType[] = [complex64, complex128];
export const QUANTIZED_DTYPES: readonly DType[] = [quint8, qint8, qint32, quint4x2, quint2x4];
const BY_NAME = new Map<string, DType>([...ALL_DTYPES, ...COMPLEX_DTYPES, complex32, ...QUANTIZED_DTYPES].map((d) => [d.name, d]));
for (const [alias, d] of [["float", float32], ["double", float64], ["half", float16], ["int", int32], ["long", int64], ["short", int16], ["cfloat", complex64], ["cdouble", complex128], ["chalf", complex32]] as const) BY_NAME.set(alias, d);

export type DTypeLike = DType | DTypeName | "float" | "double" | "half" | "int" | "long" | "short" | "cfloat" | "cdouble" | "chalf";

/** The complex dtype whose parts are `real` (float64 -> complex128; other real dtypes -> the default complex dtype). */
export function complexOf(real: DType): DType {
  if (real.isComplex) return real;
  if (real === float64) return complex128;
  if (real === float32) return complex64;
  return defaultComplex();
}
/** The dtype of a complex dtype's parts (complex64 -> float32, complex128 -> float64); a real dtype stays. */
export function realOf(d: DType): DType { return d === complex64 ? float32 : d === complex128 ? float64 : d === complex32 ? float16 : d; }
/** PyTorch's default complex dtype: complex128 when the default float dtype is float64, else complex64. */
export function defaultComplex(): DType { return defaultFloat === float64 ? complex128 : complex64; }

/** Whether `s` names a dtype ("float32", "torch.long", ...): Tensor.to and Module.to read other strings as devices. */
export function isDTypeName(s: string): boolean { return BY_NAME.has(s.startsWith("torch.") ? s.slice(6) : s); }

export function toDType(d: DTypeLike): DType {
  if (d instanceof DType) return d;
  const name = typeof d === "string" && d.startsWith("torch.") ? d.slice(6) : d;
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`unknown dtype ${String(d)}; expected one of ${ALL_DTYPES.map((x) => x.name).join(", ")}`);
  return found;
}

let defaultFloat: DType = float32;
/** PyTorch's C++ ScalarType name of a dtype, as its error messages print it ("Float", "Long", "Half"). */
export function scalarTypeName(d: DType | DTypeName): string { return SCALAR_TYPE_NAMES[typeof d === "string" ? d : d.name]; }
const SCALAR_TYPE_NAMES: Record<DTypeName, string> = {
  float32: "Float", float64: "Double", float16: "Half", bfloat16: "BFloat16", int8: "Char", uint8: "Byte",
  int16: "Short", int32: "Int", int64: "Long", bool: "Bool", complex32: "ComplexHalf", complex64: "ComplexFloat", complex128: "ComplexDouble",
  quint8: "QUInt8", qint8: "QInt8", qint32: "QInt32", quint4x2: "QUInt4x2", quint2x4: "QUInt2x4",
};

/** The C++ type name c10's TypeMeta prints for a dtype ("float", "long int", "c10::Half"). */
export function cppTypeName(d: DType | DTypeName): string { return CPP_TYPE_NAMES[typeof d === "string" ? d : d.name]; }
const CPP_TYPE_NAMES: Record<DTypeName, string> = {
  float32: "float", float64: "double", float16: "c10::Half", bfloat16: "c10::BFloat16", int8: "signed char", uint8: "unsigned char",
  int16: "short int", int32: "int", int64: "long int", bool: "bool",
  complex32: "c10::complex<c10::Half>", complex64: "c10::complex<float>", complex128: "c10::complex<double>",
  quint8: "c10::quint8", qint8: "c10::qint8", qint32: "c10::qint32", quint4x2: "c10::quint4x2", quint2x4: "c10::quint2x4",
};

export function getDefaultDtype(): DType { return defaultFloat; }
export function setDefaultDtype(d: DTypeLike): void {
  const t = toDType(d);
  if (!t.isFloatingPoint) throw new Error(`set_default_dtype: only floating-point types are supported as the default type, got ${t}`);
  defaultFloat = t;
}

export function allocArray(dtype: DType, n: number): StorageArray {
  try {
    return newArray(dtype, n);
  } catch (e) {
    throw allocationError(e, dtype, n);
  }
}

/**
 * A typed array that could not be made (more elements than an ArrayBuffer holds, or no memory) is
 * PyTorch's allocator error, not JavaScript's RangeError from deep inside an op.
 */
function allocationError(e: unknown, dtype: DType, n: number): unknown {
  if (!(e instanceof RangeError)) return e;
  return cannotAllocate(dtype, n);
}

/**
 * The allocator's error, before any buffer is made, for more elements than a typed array holds
 * (2^32 in V8): a buffer that large could be reserved and then fail only at its view.
 */
export function checkAllocatable(dtype: DType, n: number): void {
  if (n * (dtype.isComplex ? 2 : 1) > 2 ** 32 || !Number.isInteger(n)) throw cannotAllocate(dtype, n);
}

/** PyTorch's allocator error for `n` elements of `dtype` (a bigint `n` counts exactly past 2^53). */
export function cannotAllocate(dtype: DType, n: number | bigint): Error {
  const bytes = typeof n === "bigint" || Number.isInteger(n) ? String(BigInt(n) * BigInt(dtype.itemsize)) : String(n * dtype.itemsize);
  return new Error(`DefaultCPUAllocator: can't allocate memory: you tried to allocate ${bytes} bytes (${n} elements of ${dtype.name})`);
}

function newArray(dtype: DType, n: number): StorageArray {
  switch (dtype.name) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "float16": case "bfloat16": return new Uint16Array(n);
    case "int8": case "qint8": return new Int8Array(n);
    case "uint8": case "bool": case "quint8": case "quint4x2": case "quint2x4": return new Uint8Array(n);
    case "int16": return new Int16Array(n);
    case "int32": case "qint32": return new Int32Array(n);
    case "int64": return new BigInt64Array(n);
    case "complex32": return new Uint16Array(2 * n);
    case "complex64": return new Float32Array(2 * n);
    case "complex128": return new Float64Array(2 * n);
  }
}

/** A typed array of `dtype` over the first `n` elements of `buffer` (no copy, contents kept). */
export function arrayOver(dtype: DType, buffer: ArrayBufferLike, n: number, byteOffset = 0): StorageArray {
  switch (dtype.name) {
    case "float32": return new Float32Array(buffer, byteOffset, n);
    case "float64": return new Float64Array(buffer, byteOffset, n);
    case "float16": case "bfloat16": return new Uint16Array(buffer, byteOffset, n);
    case "int8": case "qint8": return new Int8Array(buffer, byteOffset, n);
    case "uint8": case "bool": case "quint8": case "quint4x2": case "quint2x4": return new Uint8Array(buffer, byteOffset, n);
    case "int16": return new Int16Array(buffer, byteOffset, n);
    case "int32": case "qint32": return new Int32Array(buffer, byteOffset, n);
    case "int64": return new BigInt64Array(buffer, byteOffset, n);
    case "complex32": return new Uint16Array(buffer, byteOffset, 2 * n);
    case "complex64": return new Float32Array(buffer, byteOffset, 2 * n);
    case "complex128": return new Float64Array(buffer, byteOffset, 2 * n);
  }
}

// Node's Buffer can allocate memory without zero-filling it; reached through globalThis so that
// web bundles (no Buffer) take the zeroed path.
type UnsafeAlloc = (size: number) => { buffer: ArrayBuffer; byteOffset: number };
const unsafeAlloc: UnsafeAlloc | null =
  (globalThis as { Buffer?: { allocUnsafeSlow?: UnsafeAlloc } }).Buffer?.allocUnsafeSlow ?? null;
/**
 * Below this many bytes a plain (zeroed) typed array costs no more. Above, zeroing dominates: with
 * V8 sweeping buffers inside collections, 8 KiB 1.24 against 0.75 us unzeroed, 16 KiB 2.2 / 0.75,
 * 32 KiB 4.1 / 0.81, 64 KiB 7.2 / 1.0 (Zen 3 VM; 2-4 KiB equal).
 */
const UNINIT_MIN_BYTES = 1 << 13;

/**
 * A typed array for `n` elements of `dtype` whose contents are unspecified: only for outputs a
 * kernel overwrites in full. Large float32/float64/int64/16-bit float/complex arrays skip the zero-fill (which costs as
 * much as a pass of the kernel itself); everything else is allocArray.
 */
export function allocArrayUninit(dtype: DType, n: number): StorageArray {
  const bytes = n * dtype.itemsize;
  if (unsafeAlloc === null || bytes < UNINIT_MIN_BYTES) return allocArray(dtype, n);
  try {
    return newArrayUninit(dtype, n, bytes, unsafeAlloc);
  } catch (e) {
    throw allocationError(e, dtype, n);
  }
}

function newArrayUninit(dtype: DType, n: number, bytes: number, unsafeAlloc: UnsafeAlloc): StorageArray {
  switch (dtype.name) {
    case "float32": { const b = unsafeAlloc(bytes); return new Float32Array(b.buffer, b.byteOffset, n); }
    case "float64": { const b = unsafeAlloc(bytes); return new Float64Array(b.buffer, b.byteOffset, n); }
    case "int64": { const b = unsafeAlloc(bytes); return new BigInt64Array(b.buffer, b.byteOffset, n); }
    case "float16": case "bfloat16": { const b = unsafeAlloc(bytes); return new Uint16Array(b.buffer, b.byteOffset, n); }
    case "complex64": { const b = unsafeAlloc(bytes); return new Float32Array(b.buffer, b.byteOffset, 2 * n); }
    case "complex128": { const b = unsafeAlloc(bytes); return new Float64Array(b.buffer, b.byteOffset, 2 * n); }
    default: return allocArray(dtype, n);
  }
}

/** Whether a typed array can back a tensor of `dtype` without copying. */
export function arrayMatchesDType(a: StorageArray, dtype: DType): boolean {
  switch (dtype.name) {
    case "float32": return a instanceof Float32Array;
    case "float64": return a instanceof Float64Array;
    case "float16": case "bfloat16": return a instanceof Uint16Array;
    case "int8": case "qint8": return a instanceof Int8Array;
    case "uint8": case "bool": case "quint8": case "quint4x2": case "quint2x4": return a instanceof Uint8Array;
    case "int16": return a instanceof Int16Array;
    case "int32": case "qint32": return a instanceof Int32Array;
    case "int64": return a instanceof BigInt64Array;
    case "complex32": return a instanceof Uint16Array;
    case "complex64": return a instanceof Float32Array;
    case "complex128": return a instanceof Float64Array;
  }
}

export function dtypeOfArray(a: StorageArray): DType {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  if (a instanceof Int8Array) return int8;
  if (a instanceof Uint8Array) return uint8;
  if (a instanceof Int16Array) return int16;
  if (a instanceof Int32Array) return int32;
  if (a instanceof BigInt64Array) return int64;
  return float16;
}

// ---- Promotion ---------------------------------------------------------------------------

const CATEGORY_ORDER: Record<DTypeCategory, number> = { bool: 0, int: 1, float: 2, complex: 3, quantized: 4 };

/** Promotion of two tensor dtypes of the same priority (torch.promote_types). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a.category === "quantized" || b.category === "quantized") {
    throw new Error(`promoteTypes with quantized numbers is not handled yet; figure out what the correct rules should be, offending types: ${scalarTypeName(a)} ${scalarTypeName(b)}`);
  }
  if (a.category === "complex" || b.category === "complex") {
    // The parts promote (complex64 with float64 -> complex128, complex32 with float32 -> complex64,
    // with bfloat16 -> complex64); an integer or bool operand leaves the complex one's parts.
    const partsOf = (d: DType): DType | null => (d.isComplex ? realOf(d) : d.category === "float" ? d : null);
    const pa = partsOf(a), pb = partsOf(b);
    const parts = pa === null ? pb! : pb === null ? pa : promoteTypes(pa, pb);
    return parts === float64 ? complex128 : parts === float16 ? complex32 : complex64;
  }
  if (a.category !== b.category) return CATEGORY_ORDER[a.category] > CATEGORY_ORDER[b.category] ? a : b;
  if (a.category === "float") {
    // float16 + bfloat16 → float32, as in PyTorch.
    if ((a === float16 && b === bfloat16) || (a === bfloat16 && b === float16)) return float32;
    return a.rank > b.rank ? a : b;
  }
  if (a.category === "int") {
    // uint8 + int8 → int16.
    if ((a === uint8 && b === int8) || (a === int8 && b === uint8)) return int16;
    return a.rank > b.rank ? a : b;
  }
  return a;
}

/** One operand of torch.result_type: a tensor (dim > 0 or 0-d) or a Python scalar. */
export type PromotionOperand =
  | { kind: "tensor"; dtype: DType; zeroDim: boolean }
  | { kind: "scalar"; value: number | bigint | boolean | Complex };

export function scalarCategory(v: number | bigint | boolean | Complex): DTypeCategory {
  if (v instanceof Complex) return "complex";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  return Number.isInteger(v) ? "int" : "float";
}

/**
 * PyTorch's result_type: dimensioned tensors take priority over zero-dim tensors, which take
 * priority over scalars, unless a lower-priority operand is of a higher category.
 */
export function resultTypeOf(ops: readonly PromotionOperand[]): DType {
  let dimResult: DType | null = null, zeroResult: DType | null = null;
  let scalarCat: DTypeCategory | null = null;
  for (const o of ops) {
    if (o.kind === "tensor") {
      if (o.zeroDim) zeroResult = zeroResult ? promoteTypes(zeroResult, o.dtype) : o.dtype;
      else dimResult = dimResult ? promoteTypes(dimResult, o.dtype) : o.dtype;
    } else {
      const c = scalarCategory(o.value);
      if (scalarCat === null || CATEGORY_ORDER[c] > CATEGORY_ORDER[scalarCat]) scalarCat = c;
    }
  }
  // A complex scalar with a float64 tensor gives complex128, as PyTorch.
  const defaultOf = (c: DTypeCategory): DType =>
    c === "complex" ? (result !== null && result.category === "float" ? complexOf(result) : defaultComplex())
    : c === "float" ? defaultFloat : c === "int" ? int64 : bool;
  let result: DType | null = dimResult;
  if (zeroResult) {
    if (!result) result = zeroResult;
    else if (CATEGORY_ORDER[zeroResult.category] > CATEGORY_ORDER[result.category]) {
      result = zeroResult.isComplex && result.category === "float" ? complexOf(result) : zeroResult;
    }
  }
  if (scalarCat !== null) {
    if (!result) result = defaultOf(scalarCat);
    else if (CATEGORY_ORDER[scalarCat] > CATEGORY_ORDER[result.category]) result = defaultOf(scalarCat);
  }
  return result ?? defaultFloat;
}

// ---- 16-bit floats --------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bits of a value rounded to float32, as an unsigned 32-bit integer. */
export function float32Bits(v: number): number { f32[0] = v; return u32[0]!; }
/** The float32 with these bits. */
export function float32FromBits(b: number): number { u32[0] = b; return f32[0]!; }

/** float32 value → float16 bits, round to nearest even. */
export function f32ToF16(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r++;
  return sign | r;
}

export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 value → bfloat16 bits, round to nearest even (NaN stays NaN). */
export function f32ToBf16(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16ToF32(h: number): number {
  u32[0] = h << 16;
  return f32[0]!;
}

/** Rounds a JS number to what a tensor of `dtype` stores (used by scalar writes and casts). */
export function roundToDType(v: number, dtype: DType): number {
  switch (dtype.name) {
    case "float32": return Math.fround(v);
    case "float64": return v;
    case "float16": return f16ToF32(f32ToF16(v));
    case "bfloat16": return bf16ToF32(f32ToBf16(v));
    case "bool": return v || v !== v ? 1 : 0; // NaN is true, as in PyTorch
    case "uint8": case "quint8": case "quint4x2": case "quint2x4": return truncInt(v) & 0xff;
    case "int8": case "qint8": return (truncInt(v) << 24) >> 24;
    case "int16": return (truncInt(v) << 16) >> 16;
    case "int32": case "qint32": return truncInt(v) | 0;
    case "int64": return Math.trunc(v);
    case "complex32": return f16ToF32(f32ToF16(v));
    case "complex64": return Math.fround(v);
    case "complex128": return v;
  }
}

/** A scalar written into an integer tensor: truncated, wrapped like a C cast through int64. */
function truncInt(v: number): number {
  if (!Number.isFinite(v)) return 0;
  const t = Math.trunc(v);
  return Math.abs(t) < 2 ** 31 ? t : Number(BigInt.asIntN(32, BigInt(t)));
}

/**
 * A float converted to int32 as PyTorch does on x86 (cvttss2si): truncated toward zero, and NaN,
 * infinities and values outside int32 give INT32_MIN. Narrower integer types keep its low bits.
 */
export function truncToInt32(v: number): number {
  const t = Math.trunc(v);
  return t >= -2147483648 && t <= 2147483647 ? t : -2147483648;
}

/** A float converted to int64 as PyTorch does on x86: truncated, INT64_MIN when NaN, infinite or out of range. */
export function truncToInt64(v: number): number {
  const t = Math.trunc(v);
  return t >= -(2 ** 63) && t < 2 ** 63 ? t : -(2 ** 63);
}
