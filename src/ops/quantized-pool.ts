// PyTorch 1.13's pooling, mean and nearest upsampling of per-tensor quantized tensors (qpool.cpp,
// q_avgpool.cpp, q_adaavgpool.cpp, ReduceOps.cpp, UpSampleNearest2d.cpp), integers in and out with
// the input's scale and zero point. The integers run through the float kernels of
// backends/js (exact on small integers in float64); averages are requantized as PyTorch does:
// zero_point + nearbyint(float(sum of (q - zero_point)) * float(1 / divisor)), in float.

import type { Tensor } from "../core/tensor.js";
import { kernels } from "../backends/kernels.js";
import type { AvgPoolParams, MaxPoolParams } from "../backends/js/pool.js";
import { type InterpolateParams, interpolateForward } from "../backends/js/interpolate.js";
import { roundHalfEven } from "./special-math.js";
import { type QuantizedValues, clampTo, perTensorResult, perTensorValues, quantizeValue } from "./quantized-engine.js";
import { toNumbers } from "./engine.js";
import { dequantize } from "./quantize.js";
import { mean } from "./reduction.js";

const f32 = Math.fround;

function sameParams(v: QuantizedValues, ints: ArrayLike<number>, shape: readonly number[]): Tensor {
  return perTensorResult(ints, v.dtype, v.scale, v.zeroPoint, shape);
}

/** max_pool2d of a quantized tensor: the largest integer of each window. */
export function quantizedMaxPool(x: Tensor, outShape: readonly number[], params: MaxPoolParams): Tensor {
  const v = perTensorValues("quantized::max_pool2d", x);
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  kernels.maxPoolForward(Float64Array.from(v.ints), v.shape, out, outShape, null, params);
  return sameParams(v, out, outShape);
}

/** zero_point + nearbyint(sum * (1 / divisor)) in float, clamped (q_avgpool.cpp's requantization). */
function requantizeAverage(v: QuantizedValues, sums: ArrayLike<number>, divisors: ArrayLike<number>): Int32Array {
  const clamp = clampTo(v.dtype), zp = v.zeroPoint, out = new Int32Array(sums.length);
  for (let i = 0; i < out.length; i++) {
    const d = divisors[i]!;
    out[i] = d > 0 ? clamp(roundHalfEven(f32(f32(f32(sums[i]!) * f32(1 / d)) + zp))) : zp;
  }
  return out;
}

/** avg_pool2d of a quantized tensor (count_include_pad, ceil_mode and divisor_override as PyTorch). */
export function quantizedAvgPool(x: Tensor, outShape: readonly number[], params: AvgPoolParams): Tensor {
  const v = perTensorValues("quantized::avg_pool2d", x);
  const n = outShape.reduce((a, b) => a * b, 1);
  const centred = Float64Array.from(v.ints, (q) => q - v.zeroPoint), ones = new Float64Array(v.ints.length).fill(1);
  const sums = new Float64Array(n), counts = new Float64Array(n), shares = new Float64Array(n);
  const summing = { ...params, divisorOverride: 1 };
  kernels.avgPoolForward(centred, v.shape, sums, outShape, summing);
  kernels.avgPoolForward(ones, v.shape, counts, outShape, summing);
  kernels.avgPoolForward(ones, v.shape, shares, outShape, params);
  // The kernel's divisor of each window: count / (count / divisor), an integer.
  const divisors = counts.map((c, i) => (shares[i]! > 0 ? Math.round(c / shares[i]!) : 0));
  return sameParams(v, requantizeAverage(v, sums, divisors), outShape);
}

/** adaptive_avg_pool2d of a quantized tensor: windows [floor(i*in/out), ceil((i+1)*in/out)). */
export function quantizedAdaptiveAvgPool(x: Tensor, outShape: readonly number[]): Tensor {
  const v = perTensorValues("quantized::adaptive_avg_pool2d", x);
  const nd = v.shape.length, iH = v.shape[nd - 2]!, iW = v.shape[nd - 1]!, oH = outShape[nd - 2]!, oW = outShape[nd - 1]!;
  const planes = v.ints.length / (iH * iW);
  const sums = new Float64Array(planes * oH * oW), divisors = new Float64Array(sums.length);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < oH; oh++) {
      const h0 = Math.floor((oh * iH) / oH), h1 = Math.ceil(((oh + 1) * iH) / oH);
      for (let ow = 0; ow < oW; ow++, o++) {
        const w0 = Math.floor((ow * iW) / oW), w1 = Math.ceil(((ow + 1) * iW) / oW);
        let sum = 0;
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += v.ints[p * iH * iW + h * iW + w]! - v.zeroPoint;
        sums[o] = sum;
        divisors[o] = (h1 - h0) * (w1 - w0);
      }
    }
  }
  return sameParams(v, requantizeAverage(v, sums, divisors), outShape);
}

/** mean of a quantized tensor: the dequantized mean quantized with the input's parameters. */
export function quantizedMean(x: Tensor, dims: number[] | null, keepdim: boolean): Tensor {
  const v = perTensorValues("quantized::mean", x);
  const values = dequantize(x);
  const m = dims === null ? mean(values) : mean(values, dims, keepdim);
  const quantize = quantizeValue(v.dtype, v.scale, v.zeroPoint);
  return sameParams(v, Array.from(toNumbers(m), quantize), m.shape);
}

/** Nearest upsampling of a quantized tensor: the same gather as the float kernel. */
export function quantizedUpsampleNearest(x: Tensor, params: InterpolateParams): Tensor {
  const v = perTensorValues("quantized::upsample_nearest2d", x);
  const outShape = [...v.shape.slice(0, v.shape.length - params.outputSize.length), ...params.outputSize];
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  interpolateForward(Float64Array.from(v.ints), v.shape, out, params);
  return sameParams(v, out, outShape);
}
