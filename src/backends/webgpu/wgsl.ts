// WGSL building blocks shared by the kernels: the uniform parameter struct, value conversions
// between storage types, and small numeric helpers WGSL lacks (NaN test, erf, float atomics).

import { type GpuDType, type HalfFormat, type NarrowFormat, type NarrowIntFormat, type WgslScalar, computeScalar, storageType } from "./gpu-types.js";

export type ParamType = WgslScalar;

/** One field of a kernel's uniform block: a scalar, or a u32/f32 array (packed four to a vec4). */
export type ParamField =
  | { readonly name: string; readonly type: ParamType }
  | { readonly name: string; readonly type: ParamArrayType; readonly length: number };

/** The array field types: WGSL's uniform arrays need 16-byte strides, so each packs into vec4s. */
export type ParamArrayType = "u32[]" | "f32[]";

function isArrayField(f: ParamField): f is { readonly name: string; readonly type: ParamArrayType; readonly length: number } {
  return f.type === "u32[]" || f.type === "f32[]";
}

/** How many vec4s an array of `length` elements takes (at least one: WGSL has no empty arrays). */
function vec4Count(length: number): number {
  return Math.max(1, Math.ceil(length / 4));
}

/**
 * The layout of a kernel's uniform block: arrays first (16-byte aligned as WGSL requires for
 * array<vec4<u32>> and array<vec4<f32>> in uniform space), then 4-byte scalars. `wgsl()` declares
 * the struct; `pack()` writes values at the same offsets.
 */
export class ParamStruct {
  readonly byteSize: number;
  private readonly offsets = new Map<string, number>();
  /** Byte offsets in `fields` order (pack runs per dispatch: no map lookups there). */
  private readonly fieldOffsets: number[];

  constructor(readonly fields: readonly ParamField[]) {
    let off = 0;
    for (const f of fields) {
      if (!isArrayField(f)) continue;
      if (!Number.isInteger(f.length) || f.length < 0) throw new Error(`webgpu: internal error: kernel parameter '${f.name}' has length ${f.length}`);
      this.offsets.set(f.name, off);
      off += 16 * vec4Count(f.length);
    }
    for (const f of fields) {
      if (isArrayField(f)) continue;
      this.offsets.set(f.name, off);
      off += 4;
    }
    this.byteSize = Math.max(16, Math.ceil(off / 16) * 16);
    this.fieldOffsets = fields.map((f) => this.offsets.get(f.name)!);
  }

  /** `struct Params { ... }` with fields in layout order. */
  wgsl(name = "Params"): string {
    const lines: string[] = [];
    for (const f of this.fields) {
      if (isArrayField(f)) lines.push(`  ${f.name}: array<vec4<${f.type === "u32[]" ? "u32" : "f32"}>, ${vec4Count(f.length)}>,`);
    }
    for (const f of this.fields) {
      if (!isArrayField(f)) lines.push(`  ${f.name}: ${f.type},`);
    }
    if (lines.length === 0) lines.push("  _unused: u32,");
    return `struct ${name} {\n${lines.join("\n")}\n}`;
  }

  /** Writes the values into `view` at byte `base`. Arrays shorter than declared are zero-padded. */
  pack(values: Readonly<Record<string, number | readonly number[]>>, view: DataView, base: number): void {
    const fields = this.fields;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k]!;
      const off = base + this.fieldOffsets[k]!;
      const v = values[f.name];
      if (v === undefined) throw new Error(`webgpu: kernel parameter '${f.name}' is missing`);
      if (f.type === "u32[]" || f.type === "f32[]") {
        if (typeof v === "number") throw new Error(`webgpu: kernel parameter '${f.name}' must be an array`);
        if (v.length > f.length) throw new Error(`webgpu: kernel parameter '${f.name}' holds ${v.length} values, more than its ${f.length}`);
        if (f.type === "u32[]") for (let i = 0; i < f.length; i++) view.setUint32(off + 4 * i, v[i] ?? 0, true);
        else for (let i = 0; i < f.length; i++) view.setFloat32(off + 4 * i, v[i] ?? 0, true);
      } else {
        if (typeof v !== "number") throw new Error(`webgpu: kernel parameter '${f.name}' must be a number`);
        if (f.type === "f32") view.setFloat32(off, v, true);
        else if (f.type === "i32") view.setInt32(off, v, true);
        else view.setUint32(off, v >>> 0, true);
      }
    }
  }
}

const paramStructs = new Map<string, ParamStruct>();

/** The ParamStruct of `fields()`, made once per `key` (kernels whose layout depends on a few counts). */
export function cachedParamStruct(key: string, fields: () => readonly ParamField[]): ParamStruct {
  let p = paramStructs.get(key);
  if (!p) paramStructs.set(key, (p = new ParamStruct(fields())));
  return p;
}

/** WGSL expression reading element `i` of a u32[] or f32[] parameter: `P.shape[i / 4u][i % 4u]`. */
export function paramAt(field: string, i: number): string {
  return `P.${field}[${i >> 2}u][${i & 3}u]`;
}

/** The WGSL scalar type arithmetic runs in for a compute dtype (bool computes as u32, float16 as f32). */
export function computeType(d: GpuDType): WgslScalar {
  return computeScalar(d);
}

/**
 * Converts a WGSL expression of storage dtype `from` to dtype `to`. A float16 (f16) value is
 * decoded to f32 first; a value stored as float16 is rounded to the format (nearest even, as the
 * CPU's f32ToF16) then encoded: the module needs F16_HELPERS and ROUND_HALF.float16 (`usesF16`).
 */
export function convert(expr: string, from: GpuDType, to: GpuDType): string {
  if (from === to) return expr;
  if (from === "float16") return convert(`f16_load(${expr})`, "float32", to);
  if (to === "float16") return `f16_store(${roundHalf(convert(expr, from, "float32"), "float16")})`;
  if (to === "bool") return `select(0u, 1u, ${isNonzero(expr, from)})`;
  if (from === "bool") return `${storageType(to)}(${expr})`;
  // float to int32 as x86 converts (WGSL's i32() saturates): NaN, infinities and |x| >= 2^31 give
  // INT32_MIN, tested on the bits (compilers may assume no NaN).
  if (from === "float32" && to === "int32") {
    return `select(bitcast<i32>(0x80000000u), i32(${expr}), (bitcast<u32>(${expr}) & 0x7fffffffu) < 0x4f000000u)`;
  }
  return `${storageType(to)}(${expr})`;
}

/** Converts a WGSL bool expression to storage dtype `to`. */
export function fromBool(expr: string, to: GpuDType): string {
  return `select(${zero(to)}, ${one(to)}, ${expr})`;
}

/** Converts a storage-typed expression to a WGSL bool (nonzero is true). */
export function toBool(expr: string, from: GpuDType): string {
  return isNonzero(expr, from);
}

/**
 * `expr != 0` as a WGSL bool. A float32 is tested by its bits (-0 is zero, NaN is nonzero): WGSL
 * lets compilers assume there is no NaN, and lavapipe compiles `NaN != 0.0` to false.
 */
function isNonzero(expr: string, from: GpuDType): string {
  if (from === "float16") return isNonzero(`f16_load(${expr})`, "float32");
  return from === "float32" ? `((bitcast<u32>(${expr}) & 0x7fffffffu) != 0u)` : `(${expr} != ${zero(from)})`;
}

export function zero(d: GpuDType): string {
  return d === "float32" ? "0.0" : d === "int32" ? "0i" : d === "float16" ? "0.0h" : "0u";
}
export function one(d: GpuDType): string {
  return d === "float32" ? "1.0" : d === "int32" ? "1i" : d === "float16" ? "1.0h" : "1u";
}

/**
 * The f16 storage helpers: `f16_load` decodes an f16 to the f32 of the same value and `f16_store`
 * encodes an f32 that holds a float16 value (rounded by round_f16) as f16, both by integer ops on
 * the bits (NaN, infinities, subnormals and signed zeros exact: WGSL leaves f32 → f16 conversion of
 * values out of range undefined, and compilers may assume there is no NaN). `bitcast` between u32
 * and vec2<f16> puts component x in the low 16 bits.
 */
export const F16_HELPERS = `fn f16_load(h: f16) -> f32 {
  let b = bitcast<u32>(vec2<f16>(h, 0.0h)) & 0xffffu;
  let sign = (b & 0x8000u) << 16u;
  let e = (b >> 10u) & 0x1fu;
  let m = b & 0x3ffu;
  if (e == 0x1fu) { return bitcast<f32>(sign | 0x7f800000u | (m << 13u)); }
  if (e == 0u) { return bitcast<f32>(sign | bitcast<u32>(f32(m) * 5.9604644775390625e-8)); }
  return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}
fn f16_store(x: f32) -> f16 {
  let u = bitcast<u32>(x);
  let sign = (u >> 16u) & 0x8000u;
  let a = u & 0x7fffffffu;
  var b: u32;
  if (a >= 0x7f800000u) { b = 0x7c00u | select(0u, 0x200u | ((a >> 13u) & 0x3ffu), a > 0x7f800000u); }
  else if (a >= 0x38800000u) { b = (a - 0x38000000u) >> 13u; }
  else { b = u32(bitcast<f32>(a) * 16777216.0); }
  return bitcast<vec2<f16>>(sign | b).x;
}`;

/** F16_HELPERS four at a time (vector loads and stores of f16 storage); needs F16_HELPERS and ROUND_HALF.float16. */
export const F16X4_HELPERS = `fn f16x4_load(h: vec4<f16>) -> vec4<f32> { return vec4<f32>(f16_load(h.x), f16_load(h.y), f16_load(h.z), f16_load(h.w)); }
fn f16x4_store(v: vec4<f32>) -> vec4<f16> {
  let r = round_f16_4(v);
  return vec4<f16>(f16_store(r.x), f16_store(r.y), f16_store(r.z), f16_store(r.w));
}`;

/**
 * The element type a buffer of a kernel with per-buffer storage (the GEMM) is declared with: its
 * compute type (f32, i32), or f16 for float16 storage, read into f32 and stored rounded.
 */
export type BufferElem = "f32" | "i32" | "f16";

/** `expr`, an element (or a vec4 of them) of an `elem` buffer, as its compute type. */
export function loadElem(expr: string, elem: BufferElem, vec4 = false): string {
  return elem !== "f16" ? expr : vec4 ? `f16x4_load(${expr})` : `f16_load(${expr})`;
}

/** `value` (of the compute type, or a vec4) as an `elem` buffer stores it: f16 rounds it to float16 (nearest even) once. */
export function storeElem(value: string, elem: BufferElem, vec4 = false): string {
  return elem !== "f16" ? value : vec4 ? `f16x4_store(${value})` : `f16_store(round_f16(${value}))`;
}

/** What a module whose buffers have these element types starts with: with f16, the directive and the helpers loadElem/storeElem call. */
export function elemHeader(elems: readonly BufferElem[]): string {
  return elems.includes("f16") ? `${F16_ENABLE}\n${ROUND_HALF.float16}\n${F16_HELPERS}\n${F16X4_HELPERS}\n` : "";
}

/** Whether a kernel over these dtypes stores or loads f16 (then its WGSL starts with F16_ENABLE). */
export function usesF16(dtypes: readonly GpuDType[]): boolean {
  return dtypes.includes("float16");
}

/** The directive a module that declares f16 storage starts with. */
export const F16_ENABLE = "enable f16;";

/**
 * How a kernel over float32 values, or float16 ones stored as f16, declares, loads and stores them
 * (kernels whose operands all share one float storage: softmax-like rows, pooling, losses).
 */
export interface FloatStorage {
  /** The WGSL element type of the arrays. */
  readonly S: "f32" | "f16";
  /** The directive and helpers the module starts with ("" for f32). */
  readonly header: string;
  /** An element read as f32. */
  load(e: string): string;
  /** An f32 value as stored (rounded to float16 for f16). */
  store(v: string): string;
}

export function floatStorage(d: GpuDType): FloatStorage {
  if (d !== "float16") return { S: "f32", header: "", load: (e) => e, store: (v) => v };
  return {
    S: "f16", header: `${F16_ENABLE}\n${ROUND_HALF.float16}\n${F16_HELPERS}\n`,
    load: (e) => `f16_load(${e})`, store: (v) => `f16_store(round_f16(${v}))`,
  };
}

/** WGSL helpers, each included only by the kernels that use it. */
export const WGSL_HELPERS = {
  /** NaN test by bits: compilers may fold `x != x` away under fast-math. */
  isnan: `fn isnan_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }`,
  isinf: `fn isinf_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }`,
  /** erf as 1 - erfc, with erfc by the Chebyshev fit of Numerical Recipes (relative error < 1.2e-7). */
  erf: `fn erf_f(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.5 * a);
  let y = 1.0 - t * exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(-y, y, x >= 0.0);
}`,
} as const;

/**
 * Infinities and NaN by their bits. WGSL has no literals for them and rejects a constant
 * expression that evaluates to one, so they go through a user function (never const-evaluated):
 * every kernel that uses them includes F32_BITS.
 */
export const F32_BITS = "fn f32_bits(b: u32) -> f32 { return bitcast<f32>(b); }";
export const POS_INF = "f32_bits(0x7f800000u)";
export const NEG_INF = "f32_bits(0xff800000u)";
export const NAN = "f32_bits(0x7fc00000u)";
export const I32_MIN = "i32(-2147483647 - 1)";
export const I32_MAX = "2147483647i";

/**
 * A float atomic add by compare-and-swap on the bits, for scatter-adds (WGSL has only integer
 * atomics). `buf` must be declared `array<atomic<u32>>`.
 */
export function atomicAddF32(buf: string): string {
  return `fn atomic_add_f32(i: u32, v: f32) {
  var old = atomicLoad(&${buf}[i]);
  loop {
    let next = bitcast<u32>(bitcast<f32>(old) + v);
    let r = atomicCompareExchangeWeak(&${buf}[i], old, next);
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`;
}

/** Linear invocation index over a 2-D dispatch grid (WebGPU caps each grid dim at 65535). */
export function linearIndex(workgroupSize: number): string {
  return `(gid.x + gid.y * nwg.x * ${workgroupSize}u)`;
}

/**
 * WGSL statements that combine `acc` across a workgroup of `wg` threads (a power of two), leaving the
 * result in every thread's `acc`: `combine` merges red[l] and red[l + k] (a sum, a max). The kernel
 * declares `var<workgroup> red: array<T, wg>` of acc's type and names its local index `l`.
 */
export function workgroupTree(wg: number, combine = "red[l] + red[l + k]"): string {
  return `  red[l] = acc;
  workgroupBarrier();
  for (var k = ${wg / 2}u; k > 0u; k = k >> 1u) {
    if (l < k) { red[l] = ${combine}; }
    workgroupBarrier();
  }
  acc = red[0];
  workgroupBarrier();`;
}

/** The builtins a linearIndex() kernel's entry point takes. */
export const LINEAR_BUILTINS = "@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>";

/**
 * Rounding a float32 to the nearest float16 / bfloat16 value (ties to even), kept in a float32:
 * integer ops on the bits, as the CPU's f32ToF16 / f32ToBf16 do, so results agree bit for bit
 * (pack2x16float's rounding is implementation-defined, and float tricks like (x + c) - c are
 * folded away by fast-math compilers). float16 overflows to infinity past 65504, keeps its
 * subnormals (multiples of 2^-24) and signed zeros; NaN stays NaN. `_4` forms take a vec4.
 */
export const ROUND_HALF: Readonly<Record<"float16" | "bfloat16", string>> = {
  float16: `fn round_f16(x: f32) -> f32 {
  let u = bitcast<u32>(x);
  let sign = u & 0x80000000u;
  let a = u & 0x7fffffffu;
  if (a >= 0x7f800000u) { return x; }
  if (a >= 0x38800000u) {
    let r = (a + 0xfffu + ((a >> 13u) & 1u)) & 0xffffe000u;
    if (r >= 0x47800000u) { return bitcast<f32>(sign | 0x7f800000u); }
    return bitcast<f32>(sign | r);
  }
  let shift = 126u - (a >> 23u);
  if (shift > 24u) { return bitcast<f32>(sign); }
  let m = (a & 0x7fffffu) | 0x800000u;
  var q = m >> shift;
  let rem = m & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (q & 1u) == 1u)) { q = q + 1u; }
  return bitcast<f32>(sign | bitcast<u32>(ldexp(f32(q), -24)));
}
fn round_f16_4(v: vec4<f32>) -> vec4<f32> { return vec4<f32>(round_f16(v.x), round_f16(v.y), round_f16(v.z), round_f16(v.w)); }`,
  bfloat16: `fn round_bf16(x: f32) -> f32 {
  let u = bitcast<u32>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) { return bitcast<f32>((u | 0x00400000u) & 0xffff0000u); }
  return bitcast<f32>((u + 0x7fffu + ((u >> 16u) & 1u)) & 0xffff0000u);
}
fn round_bf16_4(v: vec4<f32>) -> vec4<f32> { return vec4<f32>(round_bf16(v.x), round_bf16(v.y), round_bf16(v.z), round_bf16(v.w)); }`,
};

/** The WGSL call that rounds `expr` (an f32, or a vec4<f32> when `vec4`) to `format`. */
export function roundHalf(expr: string, format: "float16" | "bfloat16", vec4 = false): string {
  return `${format === "float16" ? "round_f16" : "round_bf16"}${vec4 ? "_4" : ""}(${expr})`;
}

/** Bits kept by each narrow integer format, and whether it is signed. */
const NARROW_INT: Readonly<Record<NarrowIntFormat, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  int16: { bits: 16, signed: true },
};

/**
 * Wrapping an i32 to a narrow integer format (two's complement, as the CPU's typed arrays store:
 * int8 (x << 24) >> 24, uint8 x & 255, int16 (x << 16) >> 16), and an f32 to it as the CPU casts:
 * truncated, taken modulo 2^bits (exactly, in f32: every step divides or multiplies by a power of
 * two, and the difference is representable), non-finite values to 0. `_4` forms take a vec4<i32>.
 */
function narrowIntHelper(format: NarrowIntFormat): string {
  const { bits, signed } = NARROW_INT[format];
  const shift = 32 - bits;
  const scalar = signed ? `(x << ${shift}u) >> ${shift}u` : `x & ${2 ** bits - 1}i`;
  const vector = signed ? `(v << vec4<u32>(${shift}u)) >> vec4<u32>(${shift}u)` : `v & vec4<i32>(${2 ** bits - 1}i)`;
  return `fn narrow_${format}(x: i32) -> i32 { return ${scalar}; }
fn narrow_${format}_4(v: vec4<i32>) -> vec4<i32> { return ${vector}; }
fn narrow_${format}_f(x: f32) -> i32 {
  // As x86 converts: NaN, infinities and |x| >= 2^31 give INT32_MIN, whose low bits are all 0.
  if ((bitcast<u32>(x) & 0x7fffffffu) >= 0x4f000000u) { return 0i; }
  return narrow_${format}(i32(x));
}`;
}

/** The WGSL helper functions narrowStore() calls for `format`. */
export function narrowHelper(format: NarrowFormat): string {
  return format === "float16" || format === "bfloat16" ? ROUND_HALF[format] : narrowIntHelper(format);
}

/**
 * The value a kernel stores when its output holds `format` (see NarrowFormat): `computed` is the
 * expression in the compute dtype, `stored` the same value already converted to the buffer's dtype.
 * A float computed into a narrow integer is wrapped from the float (an i32 conversion first would
 * saturate); everything else narrows the stored value.
 */
export function narrowStore(computed: string, stored: string, format: NarrowFormat, compute: GpuDType, vec4 = false): string {
  if (format === "float16" || format === "bfloat16") return roundHalf(stored, format as HalfFormat, vec4);
  if (compute === "float32" && !vec4) return `narrow_${format}_f(${computed})`;
  return `narrow_${format}${vec4 ? "_4" : ""}(${stored})`;
}
