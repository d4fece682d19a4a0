// PyTorch 1.13's normalizations of per-tensor quantized tensors (qbatch_norm.cpp, qnormalization.cpp
// and QuantizedOpKernels.cpp's q_batch_norm_kernel / quantized_normalize_kernel, AVX2 build),
// integers in and out with the given output scale and zero point:
// - batch norm folds each channel into alpha = inv_sigma * weight * (x_scale / out_scale) and
//   beta = (bias - mean * inv_sigma * weight) / out_scale (float, divisions in double), then
//   out = out_zero_point + round(fma(alpha, q - x_zero_point, beta));
// - layer / group / instance norm take each group's mean and variance from the exact integer sums
//   (in float), then (q - x_zero_point - mean) * (x_scale / std) * gamma + beta, quantized. The
//   compiler fuses the last multiply-add (measured against PyTorch).
import { Tensor } from "../core/tensor.js";
import { float32 } from "../core/dtype.js";
import { toNumbers } from "./engine.js";
import { roundHalfEven } from "./special-math.js";
import { clampTo, fmaf, perTensorResult, perTensorValues, quantizeValue } from "./quantized-engine.js";

const f32 = Math.fround;

/** A float32 parameter vector (weight, bias, mean, var) of `n` elements, or null when absent. */
function floatParam(op: string, name: string, t: Tensor | null | undefined, n: number, required = false): Float32Array | null {
  if (t === null || t === undefined) {
    if (required) throw new Error(`${op}: ${name} is required`);
    return null;
  }
  if (!(t instanceof Tensor) || t.isQuantized || t.dtype !== float32) throw new Error(`${op}: expected ${name} to be a float32 tensor, got ${t instanceof Tensor ? t.dtype.name : typeof t}`);
  if (t.numel() !== n) throw new Error(`${op}: ${name} has ${t.numel()} elements, expected ${n}`);
  return Float32Array.from(toNumbers(t.contiguous()));
}

/**
 * quantized::batch_norm over dim 1 of an [N, C, ...] input (batch_norm2d: 4-D, batch_norm3d: 5-D;
 * `rank` null takes any rank of at least 2); with relu the output is at least the zero point.
 */
export function quantizedBatchNormKernel(
  op: string, x: Tensor, weight: Tensor | null, bias: Tensor | null, mean: Tensor, variance: Tensor, eps: number,
  outScale: number, outZeroPoint: number, relu: boolean, rank: number | null,
): Tensor {
  const v = perTensorValues(op, x);
  if (rank !== null && v.shape.length !== rank) throw new Error(`${op}: Expecting the input tensor of rank ${rank}.`);
  if (v.shape.length < 2) throw new Error(`${op}: expected an input with at least 2 dims [N, C, ...], got [${v.shape.join(", ")}]`);
  const C = v.shape[1]!;
  const w = floatParam(op, "weight", weight, C), b = floatParam(op, "bias", bias, C);
  const m = floatParam(op, "mean", mean, C, true)!, vr = floatParam(op, "var", variance, C, true)!;
  const ratio = f32(v.scale) / outScale;
  const alpha = new Float32Array(C), beta = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const invSigma = f32(1 / f32(Math.sqrt(f32(vr[c]! + f32(eps)))));
    const wc = w ? w[c]! : 1, bc = b ? b[c]! : 0;
    alpha[c] = f32(f32(invSigma * wc) * ratio);
    beta[c] = f32(f32(bc - f32(f32(m[c]! * invSigma) * wc)) / outScale);
  }
  const inner = v.ints.length / Math.max(1, v.shape[0]! * C), clamp = clampTo(v.dtype), zp = v.zeroPoint;
  const out = new Int32Array(v.ints.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % C;
    let q = clamp(outZeroPoint + roundHalfEven(fmaf(alpha[c]!, v.ints[i]! - zp, beta[c]!)));
    if (relu && q < outZeroPoint) q = outZeroPoint;
    out[i] = q;
  }
  return perTensorResult(out, v.dtype, outScale, outZeroPoint, v.shape);
}

/**
 * quantized_normalize_kernel: `groups` runs of `size` integers each, normalized; gamma/beta either
 * elementwise over a run (perChannel false) or per channel (channels split evenly into the groups).
 */
function normalizeGroups(
  op: string, x: Tensor, groups: number, size: number, gamma: Float32Array | null, beta: Float32Array | null,
  perChannel: { channels: number; groupsPerBatch: number } | null, eps: number, outScale: number, outZeroPoint: number,
): Tensor {
  const v = perTensorValues(op, x);
  const xs = f32(v.scale), zp = v.zeroPoint;
  const quantize = quantizeValue(v.dtype, outScale, outZeroPoint);
  const out = new Int32Array(v.ints.length);
  const channelsPerGroup = perChannel ? perChannel.channels / perChannel.groupsPerBatch : 1;
  const perChannelSize = size / channelsPerGroup;
  for (let g = 0; g < groups; g++) {
    const at = g * size;
    let sum = 0, sumSq = 0;
    for (let k = 0; k < size; k++) { const q = v.ints[at + k]!; sum += q; sumSq += q * q; }
    const meanShifted = f32(f32(sum) / f32(size));
    const mean = f32(meanShifted - zp);
    const variance = Math.max(f32(f32(sumSq) / f32(size) - f32(meanShifted * meanShifted)), 0);
    const scaleDivStd = f32(xs / Math.sqrt(f32(f32(variance * xs) * xs) + eps));
    if (perChannel) {
      for (let ch = 0; ch < channelsPerGroup; ch++) {
        const idx = (g * channelsPerGroup + ch) % perChannel.channels;
        const gp = f32(scaleDivStd * (gamma ? gamma[idx]! : 1)), bt = beta ? beta[idx]! : 0;
        for (let k = ch * perChannelSize; k < (ch + 1) * perChannelSize; k++) {
          out[at + k] = quantize(fmaf(f32(v.ints[at + k]! - zp - mean), gp, bt));
        }
      }
    } else {
      for (let k = 0; k < size; k++) {
        const scaled = f32(f32(v.ints[at + k]! - zp - mean) * scaleDivStd);
        out[at + k] = quantize(fmaf(scaled, gamma ? gamma[k]! : 1, beta ? beta[k]! : 0));
      }
    }
  }
  return perTensorResult(out, v.dtype, outScale, outZeroPoint, v.shape);
}

/** quantized::layer_norm(input, normalized_shape, weight, bias, eps, output_scale, output_zero_point). */
export function quantizedLayerNormKernel(
  x: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number, outScale: number, outZeroPoint: number,
): Tensor {
  const op = "quantized::layer_norm";
  const shape = x.shape, k = normalizedShape.length;
  if (k === 0 || k > shape.length || shape.slice(shape.length - k).some((s, i) => s !== normalizedShape[i])) {
    throw new Error(`Given normalized_shape=[${normalizedShape.join(", ")}], expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size[${shape.join(", ")}]`);
  }
  const size = normalizedShape.reduce((a, b) => a * b, 1);
  const groups = size === 0 ? 0 : x.numel() / size;
  return normalizeGroups(op, x, groups, size, floatParam(op, "weight", weight, size), floatParam(op, "bias", bias, size), null, eps, outScale, outZeroPoint);
}

/** quantized::group_norm(input, num_groups, weight, bias, eps, output_scale, output_zero_point). */
export function quantizedGroupNormKernel(
  x: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, eps: number, outScale: number, outZeroPoint: number, op = "quantized::group_norm",
): Tensor {
  if (x.dim() < 3) throw new Error(`${op}: Expected normalized_shape to be at least 3-dimensional`);
  if (!Number.isInteger(numGroups) || numGroups <= 0) throw new Error(`${op}: Expected num_groups to be positive`);
  const C = x.size(1);
  if (C % numGroups !== 0) throw new Error(`${op}: Expected channels to be divisible by groups`);
  const groups = x.size(0) * numGroups, size = groups === 0 ? 0 : x.numel() / groups;
  return normalizeGroups(op, x, groups, size, floatParam(op, "weight", weight, C), floatParam(op, "bias", bias, C), { channels: C, groupsPerBatch: numGroups }, eps, outScale, outZeroPoint);
}

/** quantized::instance_norm: group norm with one group per channel. */
export function quantizedInstanceNormKernel(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, outScale: number, outZeroPoint: number): Tensor {
  const op = "quantized::instance_norm";
  if (x.dim() < 3) throw new Error(`${op}: Expected normalized_shape to be at least 3-dimensional`);
  if (x.size(1) <= 0) throw new Error(`${op}: Expected 2nd dimension to be positive`);
  return quantizedGroupNormKernel(x, x.size(1), weight, bias, eps, outScale, outZeroPoint, op);
}
