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

import { type RandomKernels, randomKernels } from "./random-kernels.js";
import { type Generator, noteDraw } from "./generator.js";
import { f32ToF16, f16ToF32, f32ToBf16, bf16ToF32, float32Bits, float32FromBits, cppTypeName, scalarTypeName } from "./dtype.js";

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


/** The float adjacent to float r in the direction of s. */
function floatToward(r: number, s: number): number {
  if (r === 0) return s > 0 ? 2 ** -149 : -(2 ** -149);
  const b = float32Bits(r);
  // Away from zero when |s| > |r|, else toward zero.
  return float32FromBits(Math.abs(s) > Math.abs(r) ? b + 1 : b - 1);
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
  if (!(from >= -max && from <= max)) throw new Error(`from is out of bounds for ${cppTypeName(dtype)}`);
  if (!(to >= -max && to <= max)) throw new Error(`to is out of bounds for ${cppTypeName(dtype)}`);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${fmtDouble(from)} > to=${fmtDouble(to)}`);
  if (!(to - from <= max)) {
    throw new Error(`uniform_ expects to-from <= std::numeric_limits<${scalarTypeName(dtype)}>::max(), but found to=${fmtDouble(to)} and from=${fmtDouble(from)} which result in to-from to exceed the limit`);
  }
  const n = out.length;
  if (dtype === "float64") {
    const range = to - from;
    for (let i = 0; i < n; i++) out[i] = fma64(gen.randomDouble53(), range, from);
    return out;
  }
  if (dtype === "float32") {
    const f = fround(from), range = fround(fround(to) - f);
    if (out instanceof Float32Array && n >= 64) {
      // The draws in bulk, then u * range + from with one rounding (native where installed).
      const words = new Uint32Array(n);
      gen.randomInto(words, 0, n);
      const native = randomKernels();
      if (native !== null) native.uniformFloats(words, out, range, f);
      else for (let i = 0; i < n; i++) out[i] = fmaf((words[i]! & 0xffffff) * TWO_NEG_24, range, f);
      return out;
    }
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
const u32Pair = new Uint32Array(f64Box.buffer); // [low word, high word] on little-endian hosts
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0, LO = 1 - HI;

/** x + y rounded to odd (sticky last bit), as in Boldo & Melquiond's exact FMA emulation. */
function addRoundOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  f64Box[0] = s;
  if ((u32Pair[LO]! & 1) === 1) return s;
  // Make the last bit odd by moving one ulp toward the exact value (|s| is normal and finite here).
  if ((e > 0) === (s > 0)) {
    u32Pair[LO] = u32Pair[LO]! + 1; // even, so no carry
  } else if (u32Pair[LO] === 0) {
    u32Pair[LO] = 0xffffffff;
    u32Pair[HI] = u32Pair[HI]! - 1;
  } else {
    u32Pair[LO] = u32Pair[LO]! - 1;
  }
  return f64Box[0]!;
}

/**
 * fma(a, b, c) in double with one rounding: what -ffp-contract=fast makes of a*b+c in the AVX2/AVX512
 * kernels. Boldo & Melquiond's emulation: exact product, exact sum with c, low parts rounded to odd.
 */
export function fma64(a: number, b: number, c: number): number {
  twoProd(a, b);
  const ph = dH, pl = dL;
  // The product's low part is NaN where the Veltkamp split overflows (|a| or |b| above ~2^996):
  // two roundings there.
  if (pl === 0 || !Number.isFinite(pl) || !Number.isFinite(ph) || !Number.isFinite(c)) return ph + c;
  const th = c + ph;
  const bb = th - c;
  const tl = (c - (th - bb)) + (ph - bb);
  return th + addRoundOdd(tl, pl);
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
  const bits = float32Bits(x1);
  // The exponent field minus 127, plus one; the mantissa is put back into [0.5, 1).
  let e = fround(((bits >>> 23) - 127) + 1);
  let x = float32FromBits((bits & ~0x7f800000) | 0x3f000000);
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
    const radius = Math.sqrt(-2 * crLog(u1));
    const theta = 2 * Math.PI * u2;
    const [sinT, cosT] = crSinCos(theta);
    data[off + j] = fma64(radius * cosT, std, mean);
    data[off + j + 8] = fma64(radius * sinT, std, mean);
  }
}

/** One sample of at::normal_distribution<double>(mean, std), with the generator's cached sin half. */
export function normalSample(gen: Generator, mean: number, std: number): number {
  const cached = gen.nextDoubleNormalSample;
  if (cached !== null) {
    noteDraw(gen);
    gen.nextDoubleNormalSample = null;
    return fma64(cached, std, mean);
  }
  const u1 = gen.randomDouble53();
  const u2 = gen.randomDouble53();
  // PyTorch 2.x takes log1p(-u2) (1.13: log(1 - u2), mathematically equal as 1 - u2 is exact, but glibc's
  // log and log1p round differently). glibc's log1p is fdlibm's, as is V8's Math.log1p.
  const r = Math.sqrt(-2 * Math.log1p(-u2));
  const theta = 2 * Math.PI * u1;
  const [sinT, cosT] = crSinCos(theta);
  gen.nextDoubleNormalSample = r * sinT;
  return fma64(r * cosT, std, mean);
}

/**
 * normal_fill_16<c10::Half / c10::BFloat16>. c10/util/BFloat16-math.h gives std::log, sqrt, cos and sin
 * overloads that return the 16-bit type (for BFloat16 since 1.x, for Half too in 2.x), and the 16-bit
 * operators round every product and sum, so each step below is rounded to 16 bits.
 */
function normalFill16Reduced(data: Float64Array, off: number, mean: number, std: number, round16: (v: number) => number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = round16(1 - data[off + j]!);
    const u2 = data[off + j + 8]!;
    const radius = round16(fround(Math.sqrt(round16(-2 * round16(fround(crLog(u1)))))));
    const theta = round16(2 * Math.PI * u2);
    const [sinT, cosT] = crSinCos(theta);
    data[off + j] = round16(round16(round16(radius * round16(fround(cosT))) * std) + mean);
    data[off + j + 8] = round16(round16(round16(radius * round16(fround(sinT))) * std) + mean);
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

/** Words drawn per pass of uniformUnitsInto: a reused scratch that stays in the caches. */
const WORD_CHUNK = 1 << 16;
let wordScratch: Uint32Array | null = null;

/**
 * data[0, n) = (word & 0xffffff) * 2^-24 for the generator's next n words, in order: float32 uniforms
 * in [0, 1), as normal_'s first pass. Through a reused chunk of words (a fresh n-word array cost
 * page faults) and the native uniform kernel where installed (fma(u, 1, 0) is u exactly).
 */
function uniformUnitsInto(gen: Generator, data: Float32Array, n: number, native: RandomKernels | null): void {
  const scratch = (wordScratch ??= new Uint32Array(WORD_CHUNK));
  for (let off = 0; off < n; off += WORD_CHUNK) {
    const m = Math.min(WORD_CHUNK, n - off);
    const words = m === WORD_CHUNK ? scratch : scratch.subarray(0, m);
    gen.randomInto(words, 0, m);
    if (native !== null) native.uniformFloats(words, data.subarray(off, off + m), 1, 0);
    else for (let i = 0; i < m; i++) data[off + i] = (words[i]! & 0xffffff) * TWO_NEG_24;
  }
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
      const native = randomKernels();
      uniformUnitsInto(gen, data, n, native);
      const m = fround(mean), s = fround(std);
      if (native !== null) native.normalBlocks(data, 0, Math.floor(n / 16), m, s);
      else for (let i = 0; i + 16 <= n; i += 16) normalFill16Avx2(data, i, m, s);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) data[i] = (gen.random() & 0xffffff) * TWO_NEG_24;
        if (native !== null) native.normalBlocks(data, n - 16, 1, m, s);
        else normalFill16Avx2(data, n - 16, m, s);
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
// glibc's log, exp, sin, cos and tan (what PyTorch's double kernels call) agree with the correctly
// rounded result for about 99.85% of arguments, V8's Math.log/exp/sin/cos (fdlibm) for 90-97%. So the
// double-precision kernels evaluate these in double-double arithmetic (about 104 bits) and round once;
// what remains are glibc's own last-bit misroundings, which cannot be predicted without its tables.

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

/** Double-double constant tables (1/n!, 1/(2j+1)), each entry accurate to about 2^-104. */
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

/** 2 atanh(s) = log((1 + s) / (1 - s)) for a double-double s, summing terms up to s^(2 terms - 1). */
function ddAtanh2(sH: number, sL: number, terms: number): void {
  ddMul(sH, sL, sH, sL);
  const s2H = dH, s2L = dL;
  let aH = INV_ODD[2 * (terms - 1)]!, aL = INV_ODD[2 * (terms - 1) + 1]!;
  for (let j = terms - 2; j >= 0; j--) {
    ddMul(aH, aL, s2H, s2L);
    ddAdd(dH, dL, INV_ODD[2 * j]!, INV_ODD[2 * j + 1]!);
    aH = dH; aL = dL;
  }
  ddMul(aH, aL, sH, sL);
  dH *= 2; dL *= 2;
}

/** (m - c) / (m + c) as a pair, for doubles m and c within a factor of two (m - c exact). */
function ddRatio(m: number, c: number): void {
  const num = m - c;
  const den = m + c;
  const bb = den - m;
  const denL = (m - (den - bb)) + (c - bb);
  ddDiv(num, 0, den, denL);
}

/** log(i/64) for i = 45 .. 91 (the table points covering [sqrt(1/2), sqrt(2))), as pairs. */
const LOG_TABLE = (() => {
  const t = new Float64Array(2 * 92);
  for (let i = 45; i <= 91; i++) {
    // log(c) = 2 atanh((c - 1) / (c + 1)), |s| < 0.18: 24 terms reach 2^-110.
    ddRatio(i / 64, 1);
    ddAtanh2(dH, dL, 24);
    t[2 * i] = dH; t[2 * i + 1] = dL;
  }
  return t;
})();

/** log(x) correctly rounded. */
export function crLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  if (x === 1) return 0;
  // x = m * 2^k with m in [sqrt(1/2), sqrt(2)).
  let k = 0;
  let m = x;
  if (m < 2 ** -1000) { m *= 2 ** 60; k -= 60; }
  f64Box[0] = m;
  const expField = (u32Pair[HI]! >>> 20) & 0x7ff;
  k += expField - 1023;
  m = m * 2 ** -(expField - 1023);
  if (m > Math.SQRT2) { m *= 0.5; k += 1; }
  // log(m) = log(c) + 2 atanh((m - c) / (m + c)) with c = i/64 the nearest table point: |s| < 2^-7.4,
  // so 8 terms of the series reach 2^-110.
  const i = Math.round(m * 64);
  ddRatio(m, i / 64);
  ddAtanh2(dH, dL, 8);
  ddAdd(LOG_TABLE[2 * i]!, LOG_TABLE[2 * i + 1]!, dH, dL);
  const lmH = dH, lmL = dL;
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

/** sin and cos of a pair r by their Taylor series in z = r^2, Horner from the term of r^(2 terms). */
const sinCosOut = new Float64Array(4);
function sinCosSeries(rH: number, rL: number, terms: number): void {
  ddMul(rH, rL, rH, rL);
  const zH = -dH, zL = -dL;
  // sin r = r * sum (-1)^j z^j / (2j+1)!, cos r = sum (-1)^j z^j / (2j)!.
  let sH = INV_FACT[2 * (2 * terms - 1)]!, sL = INV_FACT[2 * (2 * terms - 1) + 1]!;
  let cH = INV_FACT[2 * (2 * terms - 2)]!, cL = INV_FACT[2 * (2 * terms - 2) + 1]!;
  for (let j = terms - 2; j >= 0; j--) {
    ddMul(sH, sL, zH, zL);
    ddAdd(dH, dL, INV_FACT[2 * (2 * j + 1)]!, INV_FACT[2 * (2 * j + 1) + 1]!);
    sH = dH; sL = dL;
    ddMul(cH, cL, zH, zL);
    ddAdd(dH, dL, INV_FACT[2 * (2 * j)]!, INV_FACT[2 * (2 * j) + 1]!);
    cH = dH; cL = dL;
  }
  ddMul(sH, sL, rH, rL);
  sinCosOut[0] = dH; sinCosOut[1] = dL; sinCosOut[2] = cH; sinCosOut[3] = cL;
}

/** sin(i/64) and cos(i/64) for i = 0 .. 51 (covering [0, pi/4]), as pairs. */
const SINCOS_TABLE = (() => {
  const t = new Float64Array(4 * 52);
  for (let i = 0; i < 52; i++) {
    sinCosSeries(i / 64, 0, 16); // |r| < 0.8: terms up to r^31 / 31! reach 2^-110
    t.set(sinCosOut, 4 * i);
  }
  return t;
})();

/** sin and cos of a reduced pair r, |r| <= pi/4, into sinCosOut: table point i/64 plus a short series. */
function sinCosKernel(rH: number, rL: number): void {
  const neg = rH < 0;
  if (neg) { rH = -rH; rL = -rL; }
  const i = Math.round(rH * 64);
  // t = r - i/64 (exact in the high part), |t| <= 2^-7: the series to t^11 and t^10 reach 2^-110.
  const tH0 = rH - i / 64;
  const tH = tH0 + rL, tL = rL - (tH - tH0);
  sinCosSeries(tH, tL, 6);
  const stH = sinCosOut[0]!, stL = sinCosOut[1]!, ctH = sinCosOut[2]!, ctL = sinCosOut[3]!;
  const saH = SINCOS_TABLE[4 * i]!, saL = SINCOS_TABLE[4 * i + 1]!, caH = SINCOS_TABLE[4 * i + 2]!, caL = SINCOS_TABLE[4 * i + 3]!;
  // sin(a + t) = sin a cos t + cos a sin t, cos(a + t) = cos a cos t - sin a sin t.
  ddMul(saH, saL, ctH, ctL); const p1H = dH, p1L = dL;
  ddMul(caH, caL, stH, stL); ddAdd(p1H, p1L, dH, dL);
  const sH = dH, sL = dL;
  ddMul(caH, caL, ctH, ctL); const p3H = dH, p3L = dL;
  ddMul(saH, saL, stH, stL); ddAdd(p3H, p3L, -dH, -dL);
  sinCosOut[0] = neg ? -sH : sH; sinCosOut[1] = neg ? -sL : sL; sinCosOut[2] = dH; sinCosOut[3] = dL;
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

/** [sin(x), cos(x)] correctly rounded, sharing one reduction. */
export function crSinCos(x: number): [number, number] {
  if (!ddSinCos(x)) return [Math.sin(x), Math.cos(x)];
  return [x === 0 ? x : sinCosOut[0]! + sinCosOut[1]!, sinCosOut[2]! + sinCosOut[3]!];
}

/** tan(x) correctly rounded. */
export function crTan(x: number): number {
  if (x === 0 || !ddSinCos(x)) return x === 0 ? x : Math.tan(x);
  ddDiv(sinCosOut[0]!, sinCosOut[1]!, sinCosOut[2]!, sinCosOut[3]!);
  return dH + dL;
}

type FloatValues = Float32Array | Float64Array | number;

function valueAt(v: FloatValues, i: number): number {
  return typeof v === "number" ? v : v[i]!;
}

function roundTo(dtype: RandomFloatDType): (v: number) => number {
  return dtype === "float64" ? (v) => v : dtype === "float32" ? fround : dtype === "float16" ? toHalfValue : toBFloat16Value;
}

/**
 * torch.normal(mean, std) with a tensor mean and/or std (normal_out_impl): the output is first filled
 * by normal_(0, 1) (or normal_(0, std) when only mean is a tensor), then `output.mul_(std).add_(mean)`,
 * each step rounded to the output dtype. `mean`/`std` arrays must already be broadcast to out's length;
 * with two plain numbers this is normalFill.
 */
export function normalTensorFill(gen: Generator, out: FloatOut, mean: FloatValues, std: FloatValues, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType): FloatOut {
  dtype = checkFloatDType("normal", dtype);
  checkOut("normal", out, dtype);
  const n = out.length;
  for (const [name, v] of [["mean", mean], ["std", std]] as const) {
    if (typeof v !== "number" && v.length !== n) throw new Error(`normal: ${name} has ${v.length} elements but the output has ${n}; broadcast it first`);
  }
  if (typeof std === "number") {
    if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${fmtDouble(std)}`);
  } else {
    for (let i = 0; i < n; i++) if (!(std[i]! >= 0)) throw new Error("normal expects all elements of std >= 0.0");
  }
  if (typeof mean === "number" && typeof std === "number") return normalFill(gen, out, mean, std, dtype);
  const round = roundTo(dtype);
  const t = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  if (typeof std === "number") {
    // normal_out_impl(Tensor mean, double std): normal_(0, std), then add_(mean).
    normalFill(gen, t, 0, std, dtype);
    for (let i = 0; i < n; i++) storeFloat(out, i, round(t[i]! + round(valueAt(mean, i))), dtype);
    return out;
  }
  normalFill(gen, t, 0, 1, dtype);
  // A scalar mean becomes a 0-dim tensor of the output dtype (at::full({}, mean, output.options())).
  for (let i = 0; i < n; i++) storeFloat(out, i, round(round(t[i]! * round(std[i]!)) + round(valueAt(mean, i))), dtype);
  return out;
}

// ---- random_ / randint ------------------------------------------------------------------------

const INT_BOUNDS: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], bool: [0n, 1n],
};

/** update_from / update_to (native/DistributionTemplates.h): keep [from, to) valid after a cast to a float dtype. */
function updateFromTo(from: bigint, to: bigint, dtype: RandomFloatDType): [bigint, bigint] {
  const digits = BigInt(DIGITS[dtype]);
  const cast = (v: bigint): bigint => {
    const x = castDouble(Number(v), dtype);
    return Number.isFinite(x) ? BigInt(x) : x > 0 ? 2n ** 63n : -(2n ** 63n);
  };
  const log2 = (v: bigint): bigint => { let n = 0n; v = v < 0n ? -v : v; while ((v >>= 1n) > 0n) n++; return n; };
  const fromPlus1 = cast(from + 1n);
  if (fromPlus1 < from) from = fromPlus1 + (1n << (log2(from + 1n) - digits + 1n));
  const toMinus1 = cast(to - 1n);
  if (toMinus1 >= to) to = toMinus1 - (1n << (log2(to - 1n) - digits + 1n));
  return [from, to];
}

/**
 * torch.randint(low, high) / tensor.random_(low, high) on CPU (random_from_to_impl + random_from_to_kernel):
 * range = high - low as uint64; each element is (draw % range) + low, drawing random64() when the range
 * is at least 2^32 and random() otherwise (PyTorch 2.x takes random64() for every dtype there, int32 too;
 * 1.13 did so only for int64, float64, float32 and bfloat16).
 */
export function randintFill(gen: Generator, out: AnyOut, low: number | bigint, high: number | bigint, dtype: RandomDType = defaultDTypeOf(out)): AnyOut {
  checkOut("random_", out, dtype);
  if (typeof low === "number" && !Number.isInteger(low)) throw new Error(`random_: low must be an integer, got ${low}`);
  if (typeof high === "number" && !Number.isInteger(high)) throw new Error(`random_: high must be an integer, got ${high}`);
  let from = BigInt(low), to = BigInt(high);
  if (from >= to) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
  const isFloat = dtype === "float32" || dtype === "float64" || dtype === "float16" || dtype === "bfloat16";
  if (isFloat) {
    [from, to] = updateFromTo(from, to, dtype);
    if (from >= to) throw new Error(`random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`);
    const max = -LOWEST[dtype];
    if (!(Number(from) >= -max && Number(from) <= max)) throw new Error(`from is out of bounds for ${cppTypeName(dtype)}`);
    if (!(Number(to - 1n) >= -max && Number(to - 1n) <= max)) throw new Error(`to - 1 is out of bounds for ${cppTypeName(dtype)}`);
  } else {
    const [min, max] = INT_BOUNDS[dtype]!;
    if (from < min || from > max) throw new Error(`from is out of bounds for ${cppTypeName(dtype)}`);
    if (to - 1n < min || to - 1n > max) throw new Error(`to - 1 is out of bounds for ${cppTypeName(dtype)}`);
  }
  const range = BigInt.asUintN(64, to - from);
  const n = out.length;
  const wide = range >= 2n ** 32n;
  if (!wide && from >= -(2n ** 52n) && from <= 2n ** 52n) {
    // Everything fits a double: (uint32 % range) + from.
    const r = Number(range), f = Number(from);
    if (out instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = BigInt((gen.random() % r) + f);
    else for (let i = 0; i < n; i++) writeCast(out, i, (gen.random() % r) + f, dtype);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const draw = wide ? gen.random64() : BigInt(gen.random());
    // static_cast<int64_t>((val % range) + base): uint64 arithmetic, read back as int64.
    const v = BigInt.asIntN(64, (draw % range) + BigInt.asUintN(64, from));
    if (out instanceof BigInt64Array) out[i] = v;
    else writeCast(out, i, Number(v), dtype);
  }
  return out;
}

// ---- randperm ---------------------------------------------------------------------------------

/** randperm_cpu switches to a 64-bit "inside-out" Fisher-Yates from n >= UINT32_MAX / 20 (PyTorch 2.x). */
const RANDPERM_SMALL_LIMIT = Math.floor(0xffffffff / 20);

/**
 * torch.randperm(n) on CPU (randperm_cpu in native/TensorFactories.cpp), written into `out` (length n):
 * below n = 214748364 it is the identity shuffled by swapping r[i] with r[i + random() % (n - i)] for
 * i = 0 .. n-2; from there on each i takes z = random64() % (i + 1), r[i] = r[z], r[z] = i.
 */
export function randpermFill(gen: Generator, out: AnyOut, dtype: RandomDType = defaultDTypeOf(out)): AnyOut {
  checkOut("randperm", out, dtype);
  const n = out.length;
  // check_supported_max_int_with_precision
  if (dtype === "float16" && n > 2049) throw new Error("n cannot be greater than 2049 for Half type.");
  if (dtype === "float32" && n > 2 ** 24 + 1) throw new Error("n cannot be greater than 2^24+1 for Float type.");
  const bounds = INT_BOUNDS[dtype];
  if (bounds && BigInt(Math.max(n - 1, 0)) > bounds[1]) throw new Error(`randperm: n is too large for result tensor type ${dtype} (n = ${n})`);
  const perm = n < RANDPERM_SMALL_LIMIT ? randpermSmall(gen, n) : randpermLarge(gen, n);
  if (out instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = BigInt(perm[i]!);
  else for (let i = 0; i < n; i++) writeCast(out, i, perm[i]!, dtype);
  return out;
}

/** torch.randperm(n) (int64). */
export function randperm(gen: Generator, n: number): BigInt64Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be non-negative, got ${n}`);
  return randpermFill(gen, new BigInt64Array(n), "int64") as BigInt64Array;
}

function randpermSmall(gen: Generator, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const save = r[i]!;
    r[i] = r[z + i]!;
    r[z + i] = save;
  }
  return r;
}

function randpermLarge(gen: Generator, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Number(gen.random64() % BigInt(i + 1));
    r[i] = r[z]!;
    r[z] = i;
  }
  return r;
}

// ---- bernoulli --------------------------------------------------------------------------------

/**
 * tensor.bernoulli_(p) with a float p on CPU: one uniform double (random64, 53 bits) per element, in
 * order, and 1 where it is < p. This is the dropout mask: F.dropout on CPU computes
 * input * (empty_like(input).bernoulli_(1 - p) / (1 - p)) (native/Dropout.cpp, _dropout). PyTorch's MKL
 * variant of this kernel is compiled out of release builds (pytorch#132395), so this is the path they use.
 */
export function bernoulliScalarFill(gen: Generator, out: AnyOut, p = 0.5, dtype: RandomDType = defaultDTypeOf(out)): AnyOut {
  checkOut("bernoulli_", out, dtype);
  if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${fmtDouble(p)}`);
  const n = out.length;
  if (n >= 256 && !(out instanceof BigInt64Array) && !(out instanceof Uint16Array)) {
    // The draws in bulk: element i takes words 2i (high 21 bits) and 2i + 1, as randomDouble53.
    const words = new Uint32Array(2 * n);
    gen.randomInto(words, 0, 2 * n);
    for (let i = 0; i < n; i++) out[i] = Number(((words[2 * i]! & 0x1fffff) * 4294967296 + words[2 * i + 1]!) * 2 ** -53 < p);
    return out;
  }
  if (out instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = gen.randomDouble53() < p ? 1n : 0n;
  else if (out instanceof Uint16Array) { const one = dtype === "bfloat16" ? 0x3f80 : 0x3c00; for (let i = 0; i < n; i++) out[i] = gen.randomDouble53() < p ? one : 0; }
  else for (let i = 0; i < n; i++) out[i] = gen.randomDouble53() < p ? 1 : 0;
  return out;
}

/**
 * torch.bernoulli(probs) / tensor.bernoulli_(probs) on CPU (bernoulli_tensor_cpu_self_): for float64
 * probabilities a uniform double (random64) per element, for float32/float16/bfloat16 a uniform float
 * (random(), 24 bits); 1 where the uniform is < p. `probs` must already be broadcast to out's length.
 */
export function bernoulliTensorFill(gen: Generator, out: AnyOut, probs: Float32Array | Float64Array, probsDtype: RandomFloatDType = probs instanceof Float64Array ? "float64" : "float32", dtype: RandomDType = defaultDTypeOf(out)): AnyOut {
  checkOut("bernoulli", out, dtype);
  checkFloatDType("bernoulli", probsDtype);
  const n = out.length;
  if (probs.length !== n) throw new Error(`bernoulli: probs has ${probs.length} elements but the output has ${n}; broadcast it first`);
  // bernoulli_distribution checks every p (TORCH_CHECK_IF_NOT_ON_CUDA); here before anything is drawn.
  for (let i = 0; i < n; i++) {
    if (!(probs[i]! >= 0 && probs[i]! <= 1)) {
      throw new Error("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
    }
  }
  const one = out instanceof Uint16Array ? (dtype === "bfloat16" ? 0x3f80 : 0x3c00) : 1;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    const hit = probsDtype === "float64" ? gen.randomDouble53() < p : (gen.random() & 0xffffff) * TWO_NEG_24 < fround(p);
    if (out instanceof BigInt64Array) out[i] = hit ? 1n : 0n;
    else out[i] = hit ? one : 0;
  }
  return out;
}

// ---- exponential, geometric, cauchy, log-normal --------------------------------------------------

/**
 * tensor.exponential_(lambd) on CPU: -1/lambd * log1p(-u), u a uniform double, cast to the dtype.
 * PyTorch 2.x evaluates log1p(-u) (glibc's fdlibm log1p, which Math.log1p also is); 1.13 had log(1 - u).
 */
export function exponentialFill(gen: Generator, out: FloatOut, lambd = 1, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType): FloatOut {
  dtype = checkFloatDType("exponential_", dtype);
  checkOut("exponential_", out, dtype);
  if (!(lambd > 0)) throw new Error(`exponential_ expects lambda > 0.0, but found lambda=${fmtDouble(lambd)}`);
  const scale = -1 / lambd;
  for (let i = 0; i < out.length; i++) writeCast(out, i, scale * Math.log1p(-gen.randomDouble53()), dtype);
  return out;
}

/** tensor.geometric_(p) on CPU: ceil(log(u) / log(1 - p)), u a uniform double; any dtype. */
export function geometricFill(gen: Generator, out: AnyOut, p: number, dtype: RandomDType = defaultDTypeOf(out)): AnyOut {
  checkOut("geometric_", out, dtype);
  if (!(p > 0 && p < 1)) throw new Error(`geometric_ expects p to be in (0, 1), but got p=${fmtDouble(p)}`);
  const denom = crLog(1 - p);
  for (let i = 0; i < out.length; i++) writeCast(out, i, Math.ceil(crLog(gen.randomDouble53()) / denom), dtype);
  return out;
}

/** tensor.cauchy_(median, sigma) on CPU: median + sigma * tan(pi * (u - 0.5)), fused multiply-add. */
export function cauchyFill(gen: Generator, out: FloatOut, median = 0, sigma = 1, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType): FloatOut {
  dtype = checkFloatDType("cauchy_", dtype);
  checkOut("cauchy_", out, dtype);
  if (!(sigma > 0)) throw new Error(`cauchy_ expects sigma > 0.0, but found sigma=${fmtDouble(sigma)}`);
  for (let i = 0; i < out.length; i++) writeCast(out, i, fma64(sigma, crTan(Math.PI * (gen.randomDouble53() - 0.5)), median), dtype);
  return out;
}

/** tensor.log_normal_(mean, std) on CPU: exp of normal_distribution<double>(mean, std), cached sample included. */
export function logNormalFill(gen: Generator, out: FloatOut, mean = 1, std = 2, dtype: RandomFloatDType = defaultDTypeOf(out) as RandomFloatDType): FloatOut {
  dtype = checkFloatDType("log_normal_", dtype);
  checkOut("log_normal_", out, dtype);
  if (!(std > 0)) throw new Error(`log_normal_ expects std > 0.0, but found std=${fmtDouble(std)}`);
  for (let i = 0; i < out.length; i++) writeCast(out, i, crExp(normalSample(gen, mean, std)), dtype);
  return out;
}

// ---- multinomial ----------------------------------------------------------------------------------

/**
 * torch.multinomial(probs, numSamples, replacement) on CPU for `rows` distributions of `n` categories
 * (row-major `probs`, returned indices row-major, rows * numSamples of them).
 * Without replacement, or for a single sample, PyTorch draws q = exponential_(1) over the whole tensor
 * (in the probs dtype), divides probs / q and takes argmax / topk (Distributions.cpp, multinomial_out).
 * With replacement (MultinomialKernel.cpp) each row's cumulative sum is built and normalised in the
 * probs dtype (float for float16/bfloat16), then every sample is a uniform double (random64) located by
 * binary search. `dtype` is the probs dtype (default: float64 for a Float64Array, else float32).
 */
export function multinomial(gen: Generator, probs: Float32Array | Float64Array, rows: number, n: number, numSamples: number, replacement = false, dtype: RandomFloatDType = probs instanceof Float64Array ? "float64" : "float32"): BigInt64Array {
  dtype = checkFloatDType("multinomial", dtype);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(n) || n < 0 || probs.length !== rows * n) {
    throw new Error(`multinomial: probs has ${probs.length} elements, expected rows * n = ${rows} * ${n}`);
  }
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error("cannot sample n_sample <= 0 samples");
  if (!replacement && numSamples > n) throw new Error("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  if (n > 2 ** 24) throw new Error("number of categories cannot exceed 2^24");
  const result = new BigInt64Array(rows * numSamples);
  if (result.length === 0) return result;
  const round = roundTo(dtype);
  if (!replacement || numSamples === 1) {
    let max = -Infinity, min = Infinity;
    for (let i = 0; i < probs.length; i++) {
      const v = probs[i]!;
      if (Number.isNaN(v) || v > max) max = Number.isNaN(v) ? NaN : v;
      if (Number.isNaN(max)) break;
      if (v < min) min = v;
    }
    if (!(max < Infinity && min >= 0)) throw new Error("probability tensor contains either `inf`, `nan` or element < 0");
    for (let r = 0; r < rows; r++) {
      let any = false;
      for (let j = 0; j < n; j++) if (probs[r * n + j] !== 0) { any = true; break; }
      if (!any) throw new Error("invalid multinomial distribution (sum of probabilities <= 0)");
    }
    // s = argmax(p / q), q ~ Exp(1): the Gumbel-max trick in its exponential form.
    const q = new Float64Array(probs.length);
    exponentialFill(gen, q, 1, dtype);
    for (let i = 0; i < q.length; i++) q[i] = round(round(probs[i]!) / q[i]!);
    for (let r = 0; r < rows; r++) {
      const order = topIndices(q, r * n, n, numSamples);
      for (let k = 0; k < numSamples; k++) result[r * numSamples + k] = BigInt(order[k]!);
    }
    return result;
  }
  // The kernel checks each row as it reaches it; here every row is checked before anything is drawn.
  const acc = dtype === "float64" ? (v: number) => v : fround;
  const cums: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const cum = new Float64Array(n);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const v = acc(probs[r * n + j]!);
      // NaN fails this first check too, as in the kernel.
      if (!(v >= 0)) throw new Error("invalid multinomial distribution (encountering probability entry < 0)");
      if (!Number.isFinite(v)) throw new Error("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum = acc(sum + v);
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new Error("invalid multinomial distribution (sum of probabilities <= 0)");
    for (let j = 0; j < n; j++) cum[j] = acc(cum[j]! / sum);
    cum[n - 1] = 1;
    cums.push(cum);
  }
  for (let r = 0; r < rows; r++) {
    const cum = cums[r]!;
    for (let k = 0; k < numSamples; k++) {
      const u = gen.randomDouble53();
      let left = 0, right = n;
      while (right - left > 0) {
        const mid = left + Math.floor((right - left) / 2);
        if (cum[mid]! < u) left = mid + 1;
        else right = mid;
      }
      result[r * numSamples + k] = BigInt(left);
    }
  }
  return result;
}

/** Indices of the k largest of v[off .. off+n), largest first, NaN above everything (topk / argmax). */
function topIndices(v: Float64Array, off: number, n: number, k: number): number[] {
  if (k === 1) {
    let best = 0;
    for (let j = 1; j < n; j++) {
      const a = v[off + j]!, b = v[off + best]!;
      if (Number.isNaN(b)) break;
      if (Number.isNaN(a) || a > b) best = j;
    }
    return [best];
  }
  const idx = Array.from({ length: n }, (_, j) => j);
  // Ties (only zero-probability categories in practice) keep index order; PyTorch's are unspecified.
  idx.sort((a, b) => {
    const x = v[off + a]!, y = v[off + b]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? a - b : -1) : 1;
    return x > y ? -1 : x < y ? 1 : a - b;
  });
  return idx.slice(0, k);
}
