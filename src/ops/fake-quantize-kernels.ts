// The elementwise kernels of fake quantization, in the order of operations of PyTorch 1.13's CPU
// kernels (QuantizedOpKernels.cpp), so that results match bit for bit, ties and overflows included:
// the scaled value is rounded half to even (nearbyint), the zero point added in the input's
// arithmetic (float for float32/float16 inputs, double for float64), the quantized index clamped
// to [quant_min, quant_max], and (index - zero_point) * scale computed in double and rounded once
// to the output dtype. The mask (index within the range) is what the backward multiplies by.

import { Tensor } from "../core/tensor.js";
import { bool, float64, truncToInt64 } from "../core/dtype.js";
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
