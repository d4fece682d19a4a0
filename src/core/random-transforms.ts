// PyTorch's CPU random distributions on plain typed arrays, bit for bit.
//
// Each fill function writes what the matching ATen CPU kernel writes, drawing from the generator in
// the same order. Sources (PyTorch 2.x, unchanged in the parts used here since 1.13 unless noted):
//   aten/src/ATen/core/TransformationHelper.h     uniform_real, uniform_int_from_to, the transforms
//   aten/src/ATen/core/DistributionsHelper.h      *_distribution (which draw: random() or random64())
//   aten/src/ATen/native/cpu/DistributionTemplates.h   the CPU kernels (normal_fill, bernoulli, ...)
//   aten/src/ATen/native/cpu/avx_mathfun.h        log256_ps / sincos256_ps of the AVX2 normal path
//   aten/src/ATen/native/DistributionTemplates.h  argument checks, random_ range, normal(Tensor, Tensor)
//   aten/src/ATen/native/TensorFactories.cpp      randperm_cpu
//   aten/src/ATen/native/Distributions.cpp, cpu/MultinomialKernel.cpp   multinomial
// Values are written as JS numbers; float16/bfloat16 results go into a Uint16Array as their bits
// (the storage of those dtypes) or into a Float32Array/Float64Array as their values.

import type { Generator } from "./generator.js";
import { f32ToF16, f16ToF32, f32ToBf16, bf16ToF32 } from "./dtype.js";

export type RandomFloatDType = "float32" | "float64" | "float16" | "bfloat16";
export type RandomDType = RandomFloatDType | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";
/** Arrays a floating-point fill writes into (Uint16Array: float16/bfloat16 bits). */
export type FloatOut = Float32Array | Float64Array | Uint16Array;
/** Arrays an integer-valued fill (randint, bernoulli, geometric) writes into. */
export type AnyOut = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

const fround = Math.fround;
const TWO_NEG_24 = 2 ** -24;

// ---- dtype plumbing -------------------------------------------------------------------------

function checkFloatDType(op: string, dtype: string): RandomFloatDType {
  if (dtype === "float32" || dtype === "float64" || dtype === "float16" || dtype === "bfloat16") return dtype;
  throw new Error(`${op}: expected a floating point dtype (float32, float64, float16, bfloat16), but got ${dtype}`);
}

/** The dtype an output array stands for when the caller gives none. */
function defaultDTypeOf(out: AnyOut): RandomDType {
  if (out instanceof Float32Array) return "float32";
  if (out instanceof Float64Array) return "float64";
  if (out instanceof Uint16Array) return "float16";
  if (out instanceof Int8Array) return "int8";
  if (out instanceof Uint8Array) return "uint8";
  if (out instanceof Int16Array) return "int16";
  if (out instanceof Int32Array) return "int32";
  return "int64";
}

function checkOut(op: string, out: AnyOut, dtype: RandomDType): void {
  const ok =
    out instanceof BigInt64Array ? dtype === "int64" :
    out instanceof Uint16Array ? dtype === "float16" || dtype === "bfloat16" :
    out instanceof Float32Array || out instanceof Float64Array ? true :
    out instanceof Int8Array ? dtype === "int8" :
    out instanceof Uint8Array ? dtype === "uint8" || dtype === "bool" :
    out instanceof Int16Array ? dtype === "int16" :
    out instanceof Int32Array ? dtype === "int32" : false;
  if (!ok) throw new Error(`${op}: an output array of ${out.constructor.name} cannot hold dtype ${dtype}`);
}

/** Rounds a float32 value to float16 / bfloat16 (c10::Half / c10::BFloat16 from float, nearest even). */
function toHalfValue(v: number): number { return f16ToF32(f32ToF16(v)); }
function toBFloat16Value(v: number): number { return bf16ToF32(f32ToBf16(v)); }

/** Writes a floating value already rounded to `dtype` (for 16-bit dtypes: rounded to their values). */
function storeFloat(out: FloatOut | AnyOut, i: number, v: number, dtype: RandomDType): void {
  if (out instanceof Uint16Array) out[i] = dtype === "bfloat16" ? f32ToBf16(v) : f32ToF16(v);
  else if (out instanceof BigInt64Array) out[i] = BigInt(v);
  else out[i] = v;
}

/** static_cast<scalar_t>(double): float goes through float, the 16-bit floats through float too. */
function castDouble(v: number, dtype: RandomDType): number {
  switch (dtype) {
    case "float64": return v;
    case "float32": return fround(v);
    case "float16": return toHalfValue(v);
    case "bfloat16": return toBFloat16Value(v);
    case "bool": return v !== 0 ? 1 : 0;
    default: return castToInt(v, dtype);
  }
}

/** A C++ float→integer conversion (truncation); out-of-range values are UB in C++, here they wrap. */
function castToInt(v: number, dtype: RandomDType): number {
  const t = Math.trunc(v);
  switch (dtype) {
    case "int8": return (t << 24) >> 24;
    case "uint8": return t & 0xff;
    case "int16": return (t << 16) >> 16;
    case "int32": return t | 0;
    default: return t;
  }
}

function writeCast(out: AnyOut, i: number, v: number, dtype: RandomDType): void {
  const c = castDouble(v, dtype);
  if (out instanceof BigInt64Array) out[i] = Number.isFinite(c) ? BigInt(c) : 0n;
  else storeFloat(out, i, c, dtype);
}

// ---- exact float32 arithmetic -----------------------------------------------------------------

const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);

function floatBits(x: number): number { f32Box[0] = x; return u32Box[0]!; }
function fromFloatBits(b: number): number { u32Box[0] = b; return f32Box[0]!; }

/** The float adjacent to float r in the direction of s. */
function floatToward(r: number, s: number): number {
  if (r === 0) return s > 0 ? 2 ** -149 : -(2 ** -149);
  const b = floatBits(r);
  // Away from zero when |s| > |r|, else toward zero.
  return fromFloatBits(Math.abs(s) > Math.abs(r) ? b + 1 : b - 1);
}

/** fmaf(a, b, c) for float32 a, b, c with one rounding (_mm256_fmadd_ps and contracted a*b+c). */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit in a double
  const s = p + c;
  const r = fround(s);
  if (r === s || !Number.isFinite(s)) return r;
  // s is rounded; only a tie in the float rounding can then go the wrong way.
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  if (e === 0) return r;
  const other = floatToward(r, s);
  if ((r + other) / 2 !== s) return r;
  // s sits on the midpoint but the exact sum lies beyond it, on the side of e.
  return (e > 0) === (other > r) ? other : r;
}

// ---- uniform --------------------------------------------------------------------------------

/** std::numeric_limits<T>::digits of the floating dtypes: the bits a uniform draw keeps. */
const DIGITS: Record<RandomFloatDType, number> = { float64: 53, float32: 24, float16: 11, bfloat16: 8 };
const LOWEST: Record<RandomFloatDType, number> = { float64: -Number.MAX_VALUE, float32: -3.4028234663852886e38, float16: -65504, bfloat16: -3.3895313892515355e38 };

/**
 * tensor.uniform_(from, to) on CPU (uniform_impl_ + uniform_kernel): float64 draws random64() and keeps
 * 53 bits, float32 draws random() and keeps 24 bits, float16 11 and bfloat16 8 bits of random().
 * The value is x * (to - from) + from with x in [0, 1), evaluated in the dtype's accumulate type
 * (double / float) with the product and sum fused as the AVX2/AVX512 kernels compile it.
 */
export function uniformFill(gen: Generator, out: FloatOut, from = 0, to = 1, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType): FloatOut {
  dtype = checkFloatDType("uniform_", dtype);
  checkOut("uniform_", out, dtype);
  const max = -LOWEST[dtype];
  if (!(from >= -max && from <= max)) throw new Error(`from is out of bounds for ${torchName(dtype)}`);
  if (!(to >= -max && to <= max)) throw new Error(`to is out of bounds for ${torchName(dtype)}`);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${fmtDouble(from)} > to=${fmtDouble(to)}`);
  if (!(to - from <= max)) {
    throw new Error(`uniform_ expects to-from <= std::numeric_limits<${cppTypeName(dtype)}>::max(), but found to=${fmtDouble(to)} and from=${fmtDouble(from)} which result in to-from to exceed the limit`);
  }
  const n = out.length;
  if (dtype === "float64") {
    const range = to - from;
    for (let i = 0; i < n; i++) out[i] = fma64(gen.randomDouble53(), range, from);
    return out;
  }
  if (dtype === "float32") {
    const f = fround(from), range = fround(fround(to) - f);
    for (let i = 0; i < n; i++) out[i] = fmaf((gen.random() & 0xffffff) * TWO_NEG_24, range, f);
    return out;
  }
  // Half / BFloat16: `to - from` is a 16-bit subtraction; the rest is float, then rounded to 16 bits.
  const round16 = dtype === "float16" ? toHalfValue : toBFloat16Value;
  const bits = DIGITS[dtype];
  const mask = (1 << bits) - 1, scale = 2 ** -bits;
  const f = round16(from), range = round16(round16(to) - f);
  for (let i = 0; i < n; i++) storeFloat(out, i, round16(fmaf((gen.random() & mask) * scale, range, f)), dtype);
  return out;
}

// ---- exact double fma -------------------------------------------------------------------------

const f64Box = new Float64Array(1);
const i64Box = new BigInt64Array(f64Box.buffer);

/** Splits a double into high and low halves whose products are exact (Veltkamp). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const SPLIT = 134217729; // 2^27 + 1
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return [p, e];
}

/** x + y rounded to odd (sticky last bit), as in Boldo & Melquiond's exact FMA emulation. */
function addRoundOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  f64Box[0] = s;
  if ((i64Box[0]! & 1n) === 1n) return s;
  // Make the last bit odd by moving toward the exact value.
  const towardLarger = (e > 0) === (s > 0);
  i64Box[0] = towardLarger ? i64Box[0]! + 1n : i64Box[0]! - 1n;
  return f64Box[0]!;
}

/**
 * fma(a, b, c) in double with one rounding: what -ffp-contract=fast makes of a*b+c in the AVX2/AVX512
 * kernels. Boldo & Melquiond's emulation: exact product, exact sum with c, low parts rounded to odd.
 */
export function fma64(a: number, b: number, c: number): number {
  const [ph, pl] = twoProduct(a, b);
  if (pl === 0 || !Number.isFinite(ph) || !Number.isFinite(c)) return ph + c;
  const th = c + ph;
  const bb = th - c;
  const tl = (c - (th - bb)) + (ph - bb);
  return th + addRoundOdd(tl, pl);
}

function torchName(dtype: RandomDType): string {
  return `torch.${dtype === "float16" ? "float16" : dtype}`;
}

function cppTypeName(dtype: RandomFloatDType): string {
  return { float64: "double", float32: "float", float16: "c10::Half", bfloat16: "c10::BFloat16" }[dtype];
}

/** How PyTorch's error messages print a double (C++ ostream, 6 significant digits). */
function fmtDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  return String(Number(v.toPrecision(6)));
}

// ---- normal ---------------------------------------------------------------------------------

// The avx_mathfun.h constants, as the float vectors hold them.
const SQRTHF = fround(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(fround);
const LOG_Q1 = fround(-2.12194440e-4);
const LOG_Q2 = fround(0.693359375);
const MIN_NORM_POS = 2 ** -126;
const MINUS_DP1 = fround(-0.78515625);
const MINUS_DP2 = fround(-2.4187564849853515625e-4);
const MINUS_DP3 = fround(-3.77489497744594108e-8);
const SINCOF_P0 = fround(-1.9515295891e-4), SINCOF_P1 = fround(8.3321608736e-3), SINCOF_P2 = fround(-1.6666654611e-1);
const COSCOF_P0 = fround(2.443315711809948e-5), COSCOF_P1 = fround(-1.388731625493765e-3), COSCOF_P2 = fround(4.166664568298827e-2);
const FOPI = fround(1.27323954473516);

// avx_mathfun.h is written with separate _mm256_mul_ps/_mm256_add_ps, but GCC (-mfma, -ffp-contract=fast)
// fuses each multiply whose only use is an add into an FMA, taking the first such multiply in program
// order. The fusions below are the ones that reproduce PyTorch's values (checked on 10^5 samples).

/** log256_ps for one lane: the Cephes logf polynomial in float arithmetic. x is in (0, 1]. */
export function avxLogf(x0: number): number {
  const invalid = !(x0 > 0);
  const x1 = Math.max(x0, MIN_NORM_POS);
  const bits = floatBits(x1);
  // The exponent field minus 127, plus one; the mantissa is put back into [0.5, 1).
  let e = fround(((bits >>> 23) - 127) + 1);
  let x = fromFloatBits((bits & ~0x7f800000) | 0x3f000000);
  const below = x < SQRTHF;
  const tmp0 = below ? x : 0;
  x = fround(x - 1);
  e = fround(e - (below ? 1 : 0));
  x = fround(x + tmp0);
  const z = fround(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k < 9; k++) y = fmaf(y, x, LOG_P[k]!);
  y = fround(y * x);
  // GCC fuses the first multiply that feeds the add, y * z, leaving e * q1 rounded.
  y = fmaf(y, z, fround(e * LOG_Q1));
  y = fround(y - fround(z * 0.5));
  const xy = fround(x + y);
  const r = fmaf(e, LOG_Q2, xy);
  return invalid ? NaN : r;
}

/** sincos256_ps for one lane: [sin, cos] of a float x with Cephes' reduction and polynomials. */
export function avxSinCosf(x0: number): [number, number] {
  let signSin = x0 < 0 || Object.is(x0, -0);
  let x = Math.abs(x0);
  let j = Math.trunc(fround(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  const y = j; // exact as a float for the ranges used here
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  // The "extended precision modular arithmetic" x - y*DP1 - y*DP2 - y*DP3, each step fused.
  x = fmaf(y, MINUS_DP1, x);
  x = fmaf(y, MINUS_DP2, x);
  x = fmaf(y, MINUS_DP3, x);
  const signCos = ((~(j - 2)) & 4) !== 0;
  signSin = signSin !== swapSin;
  const z = fround(x * x);
  let c = fmaf(COSCOF_P0, z, COSCOF_P1);
  c = fmaf(c, z, COSCOF_P2);
  c = fround(c * z);
  // y*z*z - z*0.5: the second y*z is the multiply that gets fused.
  c = fmaf(c, z, -fround(z * 0.5));
  c = fround(c + 1);
  let s = fmaf(SINCOF_P0, z, SINCOF_P1);
  s = fmaf(s, z, SINCOF_P2);
  s = fround(s * z);
  s = fmaf(s, x, x);
  // polyMask picks the sine polynomial for sin and the cosine one for cos, else the other way round.
  const sinV = polyMask ? s : c;
  const cosV = polyMask ? c : s;
  return [signSin ? -sinV : sinV, signCos ? -cosV : cosV];
}

const TWO_PI_F = fround(2 * Math.PI); // _mm256_set1_ps(2.0f * c10::pi<double>)

/** normal_fill_16_AVX2 on data[off .. off+16) (float32, uniforms already in place). */
function normalFill16Avx2(data: Float32Array | Float64Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = fround(1 - data[off + j]!);
    const u2 = data[off + j + 8]!;
    const radius = fround(Math.sqrt(fround(-2 * avxLogf(u1))));
    const theta = fround(TWO_PI_F * u2);
    const [sinT, cosT] = avxSinCosf(theta);
    data[off + j] = fmaf(fround(radius * cosT), std, mean);
    data[off + j + 8] = fmaf(fround(radius * sinT), std, mean);
  }
}

/** normal_fill_16<double>: libm log/cos/sin in double; `radius * cos * std + mean` fuses the last step. */
function normalFill16Double(data: Float64Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[off + j]!;
    const u2 = data[off + j + 8]!;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[off + j] = fma64(radius * Math.cos(theta), std, mean);
    data[off + j + 8] = fma64(radius * Math.sin(theta), std, mean);
  }
}

/** One sample of at::normal_distribution<double>(mean, std), with the generator's cached sin half. */
export function normalSample(gen: Generator, mean: number, std: number): number {
  const cached = gen.nextDoubleNormalSample;
  if (cached !== null) {
    gen.nextDoubleNormalSample = null;
    return fma64(cached, std, mean);
  }
  const u1 = gen.randomDouble53();
  const u2 = gen.randomDouble53();
  // PyTorch 2.x: log1p(-u2); 1.13 wrote log(1 - u2), the same number since 1 - u2 is exact.
  const r = Math.sqrt(-2 * Math.log1p(-u2));
  const theta = 2 * Math.PI * u1;
  gen.nextDoubleNormalSample = r * Math.sin(theta);
  return fma64(r * Math.cos(theta), std, mean);
}

/** normal_fill_16<c10::Half / c10::BFloat16>: float libm calls, 16-bit intermediates where C++ stores them. */
function normalFill16Reduced(data: Float64Array, off: number, mean: number, std: number, round16: (v: number) => number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = round16(1 - data[off + j]!);
    const u2 = data[off + j + 8]!;
    const radius = round16(fround(Math.sqrt(fround(-2 * fround(Math.log(u1))))));
    const theta = round16(2 * Math.PI * u2);
    data[off + j] = round16(fmaf(fround(radius * fround(Math.cos(theta))), std, mean));
    data[off + j + 8] = round16(fmaf(fround(radius * fround(Math.sin(theta))), std, mean));
  }
}

export interface NormalFillOptions {
  /**
   * Whether the tensor is contiguous (default true). PyTorch's block Box-Muller runs only on contiguous
   * tensors of >= 16 elements; a non-contiguous one takes the scalar path, whose samples are written in
   * memory order (TensorIterator's order for a nullary op), which is the order of `out` here.
   */
  contiguous?: boolean;
}

/**
 * tensor.normal_(mean, std) on CPU (normal_kernel). For >= 16 contiguous elements: all uniforms are drawn
 * first (24 bits for float32, 53 for float64, 11/8 for float16/bfloat16), Box-Muller turns each block of 16
 * into 16 normals (cos from the first 8, sin from the last 8), and when the size is not a multiple of 16
 * the last 16 elements are redrawn and transformed again. float32 uses the AVX2 kernel (avx_mathfun's
 * log/sincos polynomials). Below 16 elements each value is normal_distribution<double> with the cached
 * second sample.
 */
export function normalFill(gen: Generator, out: FloatOut, mean = 0, std = 1, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType, options: NormalFillOptions = {}): FloatOut {
  dtype = checkFloatDType("normal_", dtype);
  checkOut("normal_", out, dtype);
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${fmtDouble(std)}`);
  const n = out.length;
  if (n === 0) return out;
  const contiguous = options.contiguous ?? true;
  if (n >= 16 && contiguous) {
    if (dtype === "float32") {
      const data = out instanceof Float32Array ? out : new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = (gen.random() & 0xffffff) * TWO_NEG_24;
      const m = fround(mean), s = fround(std);
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Avx2(data, i, m, s);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) data[i] = (gen.random() & 0xffffff) * TWO_NEG_24;
        normalFill16Avx2(data, n - 16, m, s);
      }
      if (data !== out) for (let i = 0; i < n; i++) out[i] = data[i]!;
      return out;
    }
    const data = out instanceof Float64Array ? out : new Float64Array(n);
    if (dtype === "float64") {
      for (let i = 0; i < n; i++) data[i] = gen.randomDouble53();
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(data, i, mean, std);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) data[i] = gen.randomDouble53();
        normalFill16Double(data, n - 16, mean, std);
      }
    } else {
      const round16 = dtype === "float16" ? toHalfValue : toBFloat16Value;
      const mask = (1 << DIGITS[dtype]) - 1, scale = 2 ** -DIGITS[dtype];
      const m = round16(mean), s = round16(std);
      for (let i = 0; i < n; i++) data[i] = (gen.random() & mask) * scale;
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Reduced(data, i, m, s, round16);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) data[i] = (gen.random() & mask) * scale;
        normalFill16Reduced(data, n - 16, m, s, round16);
      }
    }
    if (data !== out) for (let i = 0; i < n; i++) storeFloat(out, i, data[i]!, dtype);
    return out;
  }
  for (let i = 0; i < n; i++) storeFloat(out, i, castDouble(normalSample(gen, mean, std), dtype), dtype);
  return out;
}

// ---- correctly rounded libm in double ---------------------------------------------------------
//
// glibc's log, exp, sin, cos and tan are correctly rounded in all but very rare cases, while V8's
// Math.log/sin/cos (fdlibm) are off by one ulp in a few percent of cases. The double-precision kernels
// therefore evaluate these functions in double-double arithmetic (about 104 bits) and round once.

// Result registers of the double-double helpers (avoids allocating a pair per operation).
let dH = 0, dL = 0;

/** dH + dL = a * b exactly (Veltkamp split; no overflow for the magnitudes used here). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = 134217729 * a;
  const ah = t - (t - a), al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b), bl = b - bh;
  dH = p;
  dL = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** (ah, al) + (bh, bl), IEEE-style double-double addition. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  let s = ah + bh;
  let bb = s - ah;
  let e = (ah - (s - bb)) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = (al - (t - bb)) + (bl - bb);
  e += t;
  let h = s + e;
  e = e - (h - s);
  s = h;
  e += f;
  h = s + e;
  dL = e - (h - s);
  dH = h;
}

/** (ah, al) * (bh, bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = dH;
  const e = dL + (ah * bl + al * bh);
  dH = p + e;
  dL = e - (dH - p);
}

/** (ah, al) / (bh, bl): three quotient digits, each taken from the exact remainder. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  ddAdd(ah, al, -dH, -dL);
  let rH = dH, rL = dL;
  const q2 = rH / bh;
  ddMul(q2, 0, bh, bl);
  ddAdd(rH, rL, -dH, -dL);
  rH = dH; rL = dL;
  const q3 = rH / bh;
  const s = q1 + q2;
  const e = q2 - (s - q1);
  ddAdd(s, e, q3, 0);
}

/** Double-double constants: 1/n! and 1/(2j+1), built by exact-ish double-double division. */
function ddTable(len: number, next: (k: number, h: number, l: number) => [number, number]): Float64Array {
  const t = new Float64Array(2 * len);
  let h = 1, l = 0;
  for (let k = 0; k < len; k++) {
    [h, l] = next(k, h, l);
    t[2 * k] = h; t[2 * k + 1] = l;
  }
  return t;
}
/** INV_FACT[2n], INV_FACT[2n+1] = 1/n! as a double-double. */
const INV_FACT = ddTable(32, (k, h, l) => { if (k === 0) return [1, 0]; ddDiv(h, l, k, 0); return [dH, dL]; });
/** INV_ODD[2j], INV_ODD[2j+1] = 1/(2j+1). */
const INV_ODD = ddTable(24, (k) => { ddDiv(1, 0, 2 * k + 1, 0); return [dH, dL]; });

const LN2_HI = 0.6931471805599453, LN2_LO = 2.3190468138462996e-17;
// fdlibm's pi/2 in three 33-bit pieces plus a tail: k * PIO2_n is exact for |k| < 2^20.
const PIO2_1 = 1.57079632673412561417e+00, PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21, PIO2_3T = 8.47842766036889956997e-32;
const INV_PIO2 = 6.36619772367581382433e-01;

/** log(x) correctly rounded (glibc's log is within 0.52 ulp and agrees except in rare cases). */
export function crLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  if (x === 1) return 0;
  // x = m * 2^k with m in [sqrt(1/2), sqrt(2)).
  let k = 0;
  let m = x;
  if (m < 2 ** -1000) { m *= 2 ** 60; k -= 60; }
  f64Box[0] = m;
  const expField = Number((i64Box[0]! >> 52n) & 0x7ffn);
  k += expField - 1023;
  m = m * 2 ** -(expField - 1023);
  if (m > Math.SQRT2) { m *= 0.5; k += 1; }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1); m - 1 is exact, m + 1 is kept exactly as a pair.
  const num = m - 1;
  const den = m + 1;
  const denL = (m - (den - 1)); // m + 1 = den + denL exactly (den - 1 is exact)
  ddDiv(num, 0, den, denL);
  const sH = dH, sL = dL;
  ddMul(sH, sL, sH, sL);
  const s2H = dH, s2L = dL;
  let aH = INV_ODD[2 * 22]!, aL = INV_ODD[2 * 22 + 1]!;
  for (let j = 21; j >= 0; j--) {
    ddMul(aH, aL, s2H, s2L);
    ddAdd(dH, dL, INV_ODD[2 * j]!, INV_ODD[2 * j + 1]!);
    aH = dH; aL = dL;
  }
  ddMul(aH, aL, sH, sL);
  const lmH = 2 * dH, lmL = 2 * dL;
  if (k === 0) return lmH + lmL;
  twoProd(k, LN2_HI);
  const kH = dH, kL = dL + k * LN2_LO;
  ddAdd(kH, kL, lmH, lmL);
  return dH + dL;
}

/** exp(x) correctly rounded. */
export function crExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  if (x === 0) return 1;
  const k = Math.round(x / LN2_HI);
  // r = x - k ln2 as a pair: x - k*LN2_HI is exact up to its rounding error, kept by twoProd.
  twoProd(k, LN2_HI);
  const pH = dH, pL = dL;
  ddAdd(x, 0, -pH, -pL);
  ddAdd(dH, dL, -k * LN2_LO, 0);
  const rH = dH, rL = dL;
  let aH = INV_FACT[2 * 27]!, aL = INV_FACT[2 * 27 + 1]!;
  for (let n = 26; n >= 0; n--) {
    ddMul(aH, aL, rH, rL);
    ddAdd(dH, dL, INV_FACT[2 * n]!, INV_FACT[2 * n + 1]!);
    aH = dH; aL = dL;
  }
  // Scale by 2^k in two exact steps (the result can be subnormal only for x < -708).
  if (k < -1000) {
    const v = (aH + aL) * 2 ** (k + 200);
    return v * 2 ** -200;
  }
  const hi = k > 1000 ? 2 ** 1000 : 1;
  return (aH + aL) * 2 ** (k - (k > 1000 ? 1000 : 0)) * hi;
}

/** Reduces x by multiples of pi/2: r (as dH, dL) in [-pi/4, pi/4] and the quadrant. */
function reducePio2(x: number): number {
  const k = Math.round(x * INV_PIO2);
  let rH = x - k * PIO2_1; // exact for |k| < 2^20
  let w = k * PIO2_2;      // exact
  ddAdd(rH, 0, -w, 0);
  rH = dH; let rL = dL;
  w = k * PIO2_3;
  ddAdd(rH, rL, -w, 0);
  ddAdd(dH, dL, -k * PIO2_3T, 0);
  return k;
}

/** sin and cos of r = (rH, rL), |r| <= pi/4, as pairs: [sinH, sinL, cosH, cosL]. */
const sinCosOut = new Float64Array(4);
function sinCosKernel(rH: number, rL: number): void {
  ddMul(rH, rL, rH, rL);
  const zH = dH, zL = dL;
  // sin r = r * sum (-1)^j z^j / (2j+1)!, cos r = sum (-1)^j z^j / (2j)!, Horner in z.
  let sH = INV_FACT[2 * 31]!, sL = INV_FACT[2 * 31 + 1]!;
  let cH = INV_FACT[2 * 30]!, cL = INV_FACT[2 * 30 + 1]!;
  for (let j = 14; j >= 0; j--) {
    ddMul(sH, sL, -zH, -zL);
    ddAdd(dH, dL, INV_FACT[2 * (2 * j + 1)]!, INV_FACT[2 * (2 * j + 1) + 1]!);
    sH = dH; sL = dL;
    ddMul(cH, cL, -zH, -zL);
    ddAdd(dH, dL, INV_FACT[2 * (2 * j)]!, INV_FACT[2 * (2 * j) + 1]!);
    cH = dH; cL = dL;
  }
  ddMul(sH, sL, rH, rL);
  sinCosOut[0] = dH; sinCosOut[1] = dL; sinCosOut[2] = cH; sinCosOut[3] = cL;
}

/** Fills sinCosOut with sin(x) and cos(x) as pairs; false where x is too large for the reduction. */
function ddSinCos(x: number): boolean {
  if (!(Math.abs(x) < 1e6)) return false;
  const k = reducePio2(x);
  sinCosKernel(dH, dL);
  const q = ((k % 4) + 4) % 4;
  const s0 = sinCosOut[0]!, s1 = sinCosOut[1]!, c0 = sinCosOut[2]!, c1 = sinCosOut[3]!;
  if (q === 0) { /* sin, cos */ }
  else if (q === 1) { sinCosOut[0] = c0; sinCosOut[1] = c1; sinCosOut[2] = -s0; sinCosOut[3] = -s1; }
  else if (q === 2) { sinCosOut[0] = -s0; sinCosOut[1] = -s1; sinCosOut[2] = -c0; sinCosOut[3] = -c1; }
  else { sinCosOut[0] = -c0; sinCosOut[1] = -c1; sinCosOut[2] = s0; sinCosOut[3] = s1; }
  return true;
}

/** sin(x) correctly rounded (Math.sin beyond |x| >= 1e6, which no kernel here reaches). */
export function crSin(x: number): number {
  if (x === 0 || !ddSinCos(x)) return x === 0 ? x : Math.sin(x);
  return sinCosOut[0]! + sinCosOut[1]!;
}

/** cos(x) correctly rounded. */
export function crCos(x: number): number {
  if (!ddSinCos(x)) return Math.cos(x);
  return sinCosOut[2]! + sinCosOut[3]!;
}

/** tan(x) correctly rounded. */
export function crTan(x: number): number {
  if (x === 0 || !ddSinCos(x)) return x === 0 ? x : Math.tan(x);
  ddDiv(sinCosOut[0]!, sinCosOut[1]!, sinCosOut[2]!, sinCosOut[3]!);
  return dH + dL;
}
