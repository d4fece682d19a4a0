// The elementwise kernels of quantization and fake quantization, in the order of operations of
// PyTorch 1.13's CPU kernels (QuantizedOpKernels.cpp, quantize_val), so that results match bit for
// bit, ties and overflows included:
// the scaled value is rounded half to even (nearbyint), the zero point added in the input's
// arithmetic (float for float32/float16 inputs, double for float64), the quantized index clamped
// to [quant_min, quant_max], and (index - zero_point) * scale computed in double and rounded once
// to the output dtype. The mask (index within the range) is what the backward multiplies by.
// quantize_per_tensor / per_channel take float32 input and clamp the same index to the integer
// type's range (dequantize: QuantizedStorage.valueAt).

import { Tensor } from "../core/tensor.js";
import { type DType, allocArray, bool, float64, scalarTypeName, truncToInt64 } from "../core/dtype.js";
import { type QuantizedArray, type Quantizer, QuantizedStorage, viewQuantizerOf } from "../core/quantized-storage.js";
import { emptyTensor, toNumbers, writeNumbers } from "./engine.js";
import { roundHalfEven } from "./special-math.js";

const f32 = Math.fround;
const INT64_MIN = -(2 ** 63);

/**
 * A double converted to int64 as PyTorch 1.13's float64 kernels do on x86-64 (measured): truncated,
 * saturating at the int64 limits, NaN giving INT64_MIN. (A float converts as truncToInt64 does:
 * INT64_MIN for NaN and every out-of-range value, positive ones included.)
 */
function saturateToInt64(v: number): number {
  if (v >= 2 ** 63) return 2 ** 63;
  return v >= INT64_MIN ? Math.trunc(v) : INT64_MIN;
}

/** C's lrintf: rounded to float, then half to even; NaN and out-of-range values give LONG_MIN. */
function lrintf(v: number): number {
  const r = roundHalfEven(f32(v));
  return r >= INT64_MIN && r < 2 ** 63 ? r : INT64_MIN;
}

/** The quantized index of x for the given inverse scale and zero point (see the file's note). */
type IndexFn = (x: number, invScale: number, zeroPoint: number) => number;

/** An integer zero point: nearbyint(x * inv_scale), plus the zero point, converted to int64. */
const intZeroPointIndex = (double: boolean): IndexFn => double
  ? (x, inv, zp) => saturateToInt64(zp + roundHalfEven(x * inv))
  : (x, inv, zp) => truncToInt64(f32(f32(zp) + roundHalfEven(f32(x * inv))));

/** A floating zero point (per-channel only): lrintf(zero_point + x * inv_scale). */
const floatZeroPointIndex = (double: boolean): IndexFn => double
  ? (x, inv, zp) => lrintf(zp + x * inv)
  : (x, inv, zp) => lrintf(f32(zp + f32(x * inv)));

/** Per-channel quantization parameters: channel c of `axis` uses scales[c] and zeroPoints[c]. */
export interface ChannelParams {
  scales: ArrayLike<number>;
  zeroPoints: ArrayLike<number>;
  floatZeroPoint: boolean;
  axis: number;
}

/**
 * Fake-quantizes `input` (a CPU tensor of float32, float64 or float16) with one scale and integer
 * zero point, or per channel; returns the output (input's dtype, contiguous) and the bool mask.
 */
export function fakeQuantizeKernel(
  input: Tensor, params: { scale: number; zeroPoint: number } | ChannelParams, quantMin: number, quantMax: number,
): { output: Tensor; mask: Tensor } {
  const shape = input.shape, n = input.numel();
  const x = toNumbers(input);
  const values = new Float64Array(n);
  const mask = emptyTensor(shape, bool);
  const maskData = mask.storage.data as Uint8Array;
  const double = input.dtype === float64;
  if ("axis" in params) {
    const index = params.floatZeroPoint ? floatZeroPointIndex(double) : intZeroPointIndex(double);
    const channels = shape[params.axis]!;
    let inner = 1;
    for (let d = params.axis + 1; d < shape.length; d++) inner *= shape[d]!;
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / inner) % channels;
      const scale = params.scales[c]!, zp = params.zeroPoints[c]!;
      const q = index(x[i]!, f32(1 / scale), zp);
      values[i] = (Math.min(Math.max(q, quantMin), quantMax) - zp) * scale;
      maskData[i] = quantMin <= q && q <= quantMax ? 1 : 0;
    }
  } else {
    const index = intZeroPointIndex(double);
    const scale = f32(params.scale), inv = f32(1 / scale), zp = params.zeroPoint;
    for (let i = 0; i < n; i++) {
      const q = index(x[i]!, inv, zp);
      values[i] = (Math.min(Math.max(q, quantMin), quantMax) - zp) * scale;
      maskData[i] = quantMin <= q && q <= quantMax ? 1 : 0;
    }
  }
  const output = emptyTensor(shape, input.dtype);
  writeNumbers(output, values);
  return { output, mask };
}

/** The integer range of a quantized dtype (quint8 [0, 255], qint8 [-128, 127], qint32). */
export function quantizedRange(dtype: DType): [number, number] {
  switch (dtype.name) {
    case "quint8": return [0, 255];
    case "qint8": return [-128, 127];
    case "quint4x2": return [0, 15];
    case "quint2x4": return [0, 3];
    default: return [-(2 ** 31), 2 ** 31 - 1];
  }
}

const floatIndex = intZeroPointIndex(false);

/**
 * Quantizes contiguous float32 values into `out` (the integer representation), element i with
 * the scale and zero point of channel `channelOf(i)` (0 for per-tensor quantization).
 */
export function quantizeInto(
  values: ArrayLike<number>, out: Uint8Array | Int8Array | Int32Array, scales: ArrayLike<number>, zeroPoints: ArrayLike<number>,
  channelOf: (i: number) => number, range: readonly [number, number],
): void {
  const [qmin, qmax] = range;
  const inv = Array.from(scales, (s) => f32(1 / f32(s)));
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    out[i] = Math.min(Math.max(floatIndex(values[i]!, inv[c]!, zeroPoints[c]!), qmin), qmax);
  }
}

/** A new contiguous quantized tensor of `shape` over `raw`. */
export function quantizedTensor(raw: QuantizedArray, dtype: DType, quantizer: Quantizer, shape: readonly number[]): Tensor {
  return new Tensor(new QuantizedStorage(raw, dtype, quantizer, shape), shape.slice());
}


/**
 * The scale and zero point of PyTorch's ChooseQuantizationParams (QuantUtils.h) for [min, max]
 * extended to hold 0 (made symmetric first with preserve_sparsity; no power-of-two scales): the scale in double, 0.1
 * when float(scale) is 0 or its float reciprocal overflows, raised to 6.1e-5 (min and max scaled
 * along), the zero point from whichever end loses less, nudged into [qmin, qmax].
 */
export function chooseQuantizationParams(min: number, max: number, qmin: number, qmax: number, reduceRange: boolean, preserveSparsity = false): { scale: number; zeroPoint: number } {
  const f32 = Math.fround;
  if (!(min <= max)) throw new Error("In ChooseQuantizationParams, min should be less than or equal to max");
  if (reduceRange) { qmin = Math.trunc(qmin / 2); qmax = Math.trunc(qmax / 2); }
  const symmetric = min < 0 && max > 0 && preserveSparsity;
  if (symmetric) {
    const symmetricMin = -(Math.trunc((qmax - qmin) / 2) + 1), symmetricMax = Math.trunc((qmax - qmin) / 2);
    const maxScale = Math.max(Math.abs(f32(min / symmetricMin)), Math.abs(f32(max / symmetricMax)));
    min = f32(maxScale * symmetricMin);
    max = f32(maxScale * symmetricMax);
  }
  min = Math.min(min, 0);
  max = Math.max(max, 0);
  let scale = (max - min) / (qmax - qmin);
  if (f32(scale) === 0 || !Number.isFinite(f32(1 / f32(scale)))) scale = 0.1;
  const SMALL_SCALE = f32(6.1e-5);
  if (scale < SMALL_SCALE) {
    const original = f32(scale);
    scale = SMALL_SCALE;
    if (min === 0) max = f32(SMALL_SCALE * (qmax - qmin));
    else if (max === 0) min = f32(-SMALL_SCALE * (qmax - qmin));
    else { const amplifier = f32(SMALL_SCALE / original); min = f32(min * amplifier); max = f32(max * amplifier); }
  }
  const fromMin = qmin - min / scale, fromMax = qmax - max / scale;
  const fromMinError = Math.abs(qmin) - Math.abs(min / scale), fromMaxError = Math.abs(qmax) - Math.abs(max / scale);
  const initial = symmetric ? (qmin + qmax) / 2 : fromMinError < fromMaxError ? fromMin : fromMax;
  const zeroPoint = initial < qmin ? qmin : initial > qmax ? qmax : roundHalfEven(initial);
  return { scale, zeroPoint };
}


/** A quantized tensor's copy (clone, contiguous): its integers and its view's quantizer. */
export function cloneQuantized(self: Tensor): Tensor {
  const storage = self.storage as QuantizedStorage;
  if (storage.bits !== null) throw new Error(`"copy_kernel" not implemented for '${scalarTypeName(self.dtype)}'`);
  const idx = self._storageIndices();
  const raw = allocArray(self.dtype, idx.length) as QuantizedArray;
  for (let i = 0; i < idx.length; i++) raw[i] = storage.raw[idx[i]!]!;
  return quantizedTensor(raw, self.dtype, viewQuantizerOf(storage, self), self.shape);
}

/** A quint8 tensor's integers and quantizer as a quint4x2 / quint2x4 tensor (torch.load of a sub-byte storage). */
export function asSubByteQuantized(q8: Tensor, dtype: DType): Tensor {
  const storage = q8.storage as QuantizedStorage, [, qmax] = quantizedRange(dtype);
  if (storage.raw.some((v) => v > qmax)) throw new Error(`${dtype.name} values must be within [0, ${qmax}]`);
  return quantizedTensor(storage.raw, dtype, storage.quantizer, q8.shape);
}
