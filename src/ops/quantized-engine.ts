// The arithmetic shared by the quantized kernels, in the order of operations of PyTorch 1.13's CPU
// kernels (QuantizedOpKernels.cpp, vec256_qint.h, AVX2 build) so that results match bit for bit:
// - quantize_val: nearbyint(x * (1.0f / scale)) + zero_point, in float, clamped to the dtype;
// - requantize_from_int: zero_point + lrintf(float(v) * multiplier), clamped;
// - a vectorized kernel dequantizes with one fused multiply-add, fmaf(scale, q, -zero_point * scale),
//   while the scalar tail it leaves computes (q - zero_point) * scale: cpu_kernel_vec runs the vector
//   path over whole blocks of two vectors (64 quint8/qint8 lanes, 16 qint32 lanes) and the scalar
//   path on the rest, so the element's position decides which rounding it gets.

import type { Tensor } from "../core/tensor.js";
import { type DType, allocArray } from "../core/dtype.js";
import { type PerTensorQuantizer, type QuantizedArray, QuantizedStorage, viewQuantizerOf } from "../core/quantized-storage.js";
import { roundHalfEven } from "./special-math.js";
import { quantizedRange, quantizedTensor } from "./quantize-kernels.js";

const f32 = Math.fround;

const bits = new Float32Array(1), bitsInt = new Int32Array(bits.buffer);
/** The float32 next to the finite float32 x, towards +inf (up) or -inf. */
function nextFloat(x: number, up: boolean): number {
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  bits[0] = x;
  bitsInt[0] += (x > 0) === up ? 1 : -1;
  return bits[0];
}

/** C's fmaf: a * b + c rounded once to float32 (the double product of two floats is exact). */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b, s = p + c;
  // The exact sum is s + err; rounding s again to float only goes wrong when s is a float midpoint.
  const bp = s - c, err = (p - bp) + (c - (s - bp));
  const r = f32(s);
  if (err === 0 || r === s || !Number.isFinite(r)) return r;
  const [lo, hi] = r > s ? [nextFloat(r, false), r] : [r, nextFloat(r, true)];
  if ((lo + hi) / 2 !== s) return r;
  return err > 0 ? hi : lo;
}

/** The integers of a quantized tensor (in its logical order) and its per-tensor parameters. */
export interface QuantizedValues {
  readonly ints: Int32Array;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly dtype: DType;
  readonly shape: number[];
}

/** A quantized tensor's storage, or null for any other tensor. */
export function quantizedStorageOf(t: Tensor): QuantizedStorage | null {
  return t.storage instanceof QuantizedStorage ? t.storage : null;
}

/** The values of a per-tensor quantized tensor; `op` names the kernel in PyTorch's error. */
export function perTensorValues(op: string, t: Tensor): QuantizedValues {
  const storage = quantizedStorageOf(t);
  if (!storage) throw new Error(`Could not run '${op}' with arguments from the '${t.device.type === "cpu" ? "CPU" : "WebGPU"}' backend.`);
  const q = viewQuantizerOf(storage, t);
  if (q.scheme !== "per_tensor_affine") throw new Error(`${op}: only per-tensor affine quantized tensors are supported, got ${q.scheme}`);
  const idx = t._storageIndices(), ints = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) ints[i] = storage.raw[idx[i]!]!;
  return { ints, scale: q.scale, zeroPoint: q.zeroPoint, dtype: t.dtype, shape: t.shape };
}

/** A new contiguous per-tensor quantized tensor from integers already in the dtype's range. */
export function perTensorResult(ints: ArrayLike<number>, dtype: DType, scale: number, zeroPoint: number, shape: readonly number[]): Tensor {
  const raw = allocArray(dtype, ints.length) as QuantizedArray;
  for (let i = 0; i < ints.length; i++) raw[i] = ints[i]!;
  const quantizer: PerTensorQuantizer = { scheme: "per_tensor_affine", scale, zeroPoint };
  return quantizedTensor(raw, dtype, quantizer, shape);
}

/** Clamps an index to the dtype's integer range. */
export function clampTo(dtype: DType): (v: number) => number {
  const [lo, hi] = quantizedRange(dtype);
  return (v) => (v < lo ? lo : v > hi ? hi : v);
}

/** PyTorch's quantize_val(scale, zero_point, x) for a float32 x. */
export function quantizeValue(dtype: DType, scale: number, zeroPoint: number): (x: number) => number {
  const inv = f32(1 / f32(scale)), clamp = clampTo(dtype);
  return (x) => {
    const r = roundHalfEven(f32(x * inv));
    if (Number.isNaN(r)) return clamp(zeroPoint);
    return clamp(f32(zeroPoint + r));
  };
}

/** PyTorch's requantize_from_int: zero_point + lrintf(v * multiplier), clamped. */
export function requantizeFromInt(dtype: DType, multiplier: number, zeroPoint: number): (v: number) => number {
  const m = f32(multiplier), clamp = clampTo(dtype);
  return (v) => clamp(zeroPoint + roundHalfEven(f32(f32(v) * m)));
}

/** How many leading elements of an n-element contiguous loop cpu_kernel_vec runs vectorized (AVX2). */
export function vectorizedCount(dtype: DType, n: number): number {
  const block = dtype.name === "qint32" ? 16 : 64;
  return n - (n % block);
}

/**
 * Dequantizes as a vectorized kernel of PyTorch does (fused multiply-add with the premultiplied
 * zero point) for the first `vectorized` elements, and as its scalar tail for the rest.
 */
export function dequantizeAsKernel(v: QuantizedValues, vectorized: number): Float32Array {
  const dequantize = kernelDequantizer(v), out = new Float32Array(v.ints.length);
  for (let i = 0; i < out.length; i++) out[i] = dequantize(v.ints[i]!, i < vectorized);
  return out;
}

/** One integer of `v` dequantized as the vectorized kernel (vector true) or its scalar tail does. */
export function kernelDequantizer(v: QuantizedValues): (q: number, vector: boolean) => number {
  const scale = f32(v.scale), zp = v.zeroPoint, premul = f32(scale * f32(-zp));
  return (q, vector) => (vector ? fmaf(scale, q, premul) : f32(f32(q - zp) * scale));
}

/** Applies a float function elementwise between dequantization and quantization, as PyTorch's kernels. */
export function mapDequantized(
  v: QuantizedValues, outDtype: DType, outScale: number, outZeroPoint: number, f: (x: number) => number,
): Tensor {
  const x = dequantizeAsKernel(v, vectorizedCount(v.dtype, v.ints.length));
  const quantize = quantizeValue(outDtype, outScale, outZeroPoint);
  const ints = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) ints[i] = quantize(f32(f(x[i]!)));
  return perTensorResult(ints, outDtype, outScale, outZeroPoint, v.shape);
}

/**
 * Writes `result` (same shape, scale and zero point) into the quantized tensor `self` in place, as
 * the in-place forms (relu_, hardtanh_, leaky_relu_) do; returns self.
 */
export function assignQuantized(self: Tensor, result: Tensor): Tensor {
  const target = quantizedStorageOf(self)!, source = quantizedStorageOf(result)!;
  const idx = self._storageIndices(), from = result._storageIndices();
  for (let i = 0; i < idx.length; i++) target.raw[idx[i]!] = source.raw[from[i]!]!;
  target.version++;
  return self;
}

/** Whether t is a quantized tensor (one test before the ordinary path of the ops that take both). */
export function isQuantizedTensor(t: unknown): boolean {
  return (t as Tensor | null)?.storage instanceof QuantizedStorage;
}
