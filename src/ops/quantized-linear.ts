// Quantized linear as PyTorch 1.13's fbgemm kernels compute it (qlinear.cpp, qlinear_dynamic.cpp
// and fbgemm's requantization; convolution, in quantized-conv.ts, shares the weight packing and
// requantization): the exact int32 sum of
// (x - x_zero_point) * (w - w_zero_point[channel]), then, with act_times_w_scale =
// float(x_scale) * float(w_scale[channel]) and multiplier = act_times_w_scale / float(out_scale),
// out = zero_point + nearbyint((float(acc) + bias / act_times_w_scale) * multiplier) in float,
// clamped (and at least zero_point with relu). The weight is packed with its float bias as
// torch.ops.quantized.linear_prepack / conv2d_prepack do; quint8 activations, qint8 weights per
// tensor or per output channel.
// Linear's inner product is the x86 AVX2 one (fbgemm's and onednn's, vpmaddubsw): the raw uint8 *
// int8 products are summed in pairs (k, k + 1) saturated to int16, and the zero points subtracted
// after; this saturation is why PyTorch's x86 qconfigs reduce activations to 7 bits, where it never
// happens. (Machines with AVX512-VNNI do not saturate; convolution here sums exactly.)

import { Tensor } from "../core/tensor.js";
import { float32, quint8 } from "../core/dtype.js";
import { QuantizedStorage, viewQuantizerOf } from "../core/quantized-storage.js";
import { allocOutputArray } from "../core/storage.js";
import { roundHalfEven } from "./special-math.js";
import { chooseQuantizationParams } from "./quantize-kernels.js";
import { clampTo, perTensorResult, perTensorValues, quantizeValue } from "./quantized-engine.js";
import { fromArray, toNumbers } from "./engine.js";
import { aminmax } from "./reduction-more.js";

const f32 = Math.fround;

/** The integers of a qint8 weight and its zero point and float scale per output channel (dim 0). */
export interface PackedWeight {
  readonly ints: Int32Array;
  readonly scales: Float32Array;
  /** The scales as the weight holds them (doubles). */
  readonly exactScales: Float64Array;
  readonly zeroPoints: Int32Array;
}

export function unpackWeight(op: string, weight: Tensor): PackedWeight {
  if (!(weight.storage instanceof QuantizedStorage) || weight.dtype.name !== "qint8") {
    throw new Error(`${op}: the weight must be a qint8 quantized tensor, got ${weight.dtype.name}`);
  }
  const q = viewQuantizerOf(weight.storage, weight);
  const out = weight.shape[0]!;
  if (q.scheme === "per_channel_affine" && q.axis !== 0) throw new Error(`${op}: a per-channel weight must be quantized along axis 0, got ${q.axis}`);
  const idx = weight._storageIndices(), ints = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) ints[i] = weight.storage.raw[idx[i]!]!;
  const exactScales = new Float64Array(out), zeroPoints = new Int32Array(out);
  for (let c = 0; c < out; c++) {
    exactScales[c] = q.scheme === "per_tensor_affine" ? q.scale : q.scales[c]!;
    zeroPoints[c] = q.scheme === "per_tensor_affine" ? q.zeroPoint : q.zeroPoints[c]!;
  }
  return { ints, scales: Float32Array.from(exactScales), exactScales, zeroPoints };
}

export function checkBias(op: string, bias: Tensor | null, outChannels: number): Float32Array | null {
  if (bias === null) return null;
  if (!(bias instanceof Tensor) || bias.dtype !== float32 || bias.dim() !== 1) throw new Error(`${op}: the bias must be a 1-D float32 tensor`);
  if (bias.size(0) !== outChannels) throw new Error(`${op}: bias should have ${outChannels} elements, got ${bias.size(0)}`);
  return Float32Array.from(toNumbers(bias));
}

/** torch.ops.quantized.linear_prepack's result: a qint8 weight [out, in] and an optional float bias. */
/**
 * PyTorch 1.13's refusal of float16 packed linear weights on its onednn engine (fbgemm packs them;
 * Debian's build has none): every fp16 dynamic module and quantize_dynamic(dtype=float16) meet it.
 */
export function fp16Refusal(): Error { return new Error("quantized::linear_prepack_fp16 is currently not supported by ONEDNN"); }

export class LinearPackedParams {
  /** @internal */ readonly packed: PackedWeight;
  /** @internal */ readonly biasValues: Float32Array | null;
  constructor(readonly weight: Tensor, readonly bias: Tensor | null) {
    const op = "quantized::linear_prepack";
    if (!(weight instanceof Tensor) || weight.dim() !== 2) throw new Error(`${op}: the weight must be 2-dimensional`);
    this.packed = unpackWeight(op, weight);
    this.biasValues = checkBias(op, bias, weight.size(0));
  }
  /** (weight, bias), as torch.ops.quantized.linear_unpack. */
  unpack(): [Tensor, Tensor | null] { return [this.weight, this.bias]; }
}

const sat16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

/** sum_k (x[k] - xZero) * (w[k] - wZero) as the AVX2 kernels compute it (see the file's note). */
function innerProduct(x: Int32Array, xAt: number, xZero: number, w: Int32Array, wAt: number, wZero: number, n: number): number {
  let acc = 0, xSum = 0, wSum = 0;
  for (let k = 0; k < n; k += 2) {
    const x0 = x[xAt + k]!, w0 = w[wAt + k]!;
    const x1 = k + 1 < n ? x[xAt + k + 1]! : 0, w1 = k + 1 < n ? w[wAt + k + 1]! : 0;
    acc += sat16(x0 * w0 + x1 * w1);
    xSum += x0 + x1;
    wSum += w0 + w1;
  }
  return acc - xZero * wSum - wZero * xSum + n * xZero * wZero;
}

/**
 * One output channel's requantization of fbgemm with a float bias (see the file's note); `multiplier`
 * replaces fbgemm's act_times_w_scale / out_scale (convolution passes onednn's).
 */
export function requantizer(
  xScale: number, wScale: number, bias: number | undefined, scale: number, zeroPoint: number, clamp: (v: number) => number, relu: boolean,
  multiplier = f32(f32(f32(xScale) * wScale) / f32(scale)),
): (acc: number) => number {
  const actTimesW = f32(f32(xScale) * wScale);
  const b = bias === undefined ? 0 : f32(bias / actTimesW);
  return (acc) => {
    const q = clamp(zeroPoint + roundHalfEven(f32(f32(f32(acc) + b) * multiplier)));
    return relu && q < zeroPoint ? zeroPoint : q;
  };
}

/** torch.ops.quantized.linear(x, packed, scale, zero_point) (linear_relu with relu). */
export function quantizedLinear(x: Tensor, packed: LinearPackedParams, scale: number, zeroPoint: number, relu = false): Tensor {
  const op = relu ? "quantized::linear_relu" : "quantized::linear";
  const v = perTensorValues(op, x);
  if (v.dtype.name !== "quint8") throw new Error(`${op}: expected a quint8 input, got ${v.dtype.name}`);
  const [outF, inF] = packed.weight.shape as [number, number];
  if (v.shape.length < 1 || v.shape[v.shape.length - 1] !== inF) throw new Error(`${op}: input's last dim ${v.shape[v.shape.length - 1]} does not match the weight's ${inF} in features`);
  const rows = v.ints.length / inF, w = packed.packed, clamp = clampTo(v.dtype);
  const requant = Array.from({ length: outF }, (_, j) => requantizer(v.scale, w.scales[j]!, packed.biasValues?.[j], scale, zeroPoint, clamp, relu));
  const out = new Int32Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outF; j++) {
      out[r * outF + j] = requant[j]!(innerProduct(v.ints, r * inF, v.zeroPoint, w.ints, j * inF, w.zeroPoints[j]!, inF));
    }
  }
  return perTensorResult(out, v.dtype, scale, zeroPoint, [...v.shape.slice(0, -1), outF]);
}

/**
 * torch.ops.quantized.linear_dynamic(x, packed, reduce_range): float32 in and out. The input is
 * quantized to quint8 with parameters chosen from its min and max (ChooseQuantizationParams), and
 * each output is x_scale * w_scale * acc + bias in float (fbgemm's ReQuantizeForFloat).
 */
export function quantizedLinearDynamic(x: Tensor, packed: LinearPackedParams, reduceRange = false, relu = false): Tensor {
  const op = relu ? "quantized::linear_relu_dynamic" : "quantized::linear_dynamic";
  if (!(x instanceof Tensor) || x.dtype !== float32 || x.isQuantized) throw new Error(`${op}: expected a float32 input, got ${x instanceof Tensor ? x.dtype.name : typeof x}`);
  const [outF, inF] = packed.weight.shape as [number, number];
  if (x.dim() < 1 || x.size(-1) !== inF) throw new Error(`${op}: input's last dim ${x.dim() ? x.size(-1) : "(none)"} does not match the weight's ${inF} in features`);
  const values = toNumbers(x.contiguous());
  let min = 0, max = 0;
  if (values.length > 0) { const [lo, hi] = aminmax(x); min = Number(lo!.item()); max = Number(hi!.item()); }
  const { scale, zeroPoint } = chooseQuantizationParams(Math.min(min, 0), Math.max(max, 0), 0, 255, reduceRange);
  const toQ = quantizeValue(quint8, scale, zeroPoint);
  const rows = values.length / inF, w = packed.packed, out = allocOutputArray(float32, rows * outF) as Float32Array;
  const xq = Int32Array.from(values, (t) => toQ(t));
  for (let j = 0; j < outF; j++) {
    const s = f32(f32(scale) * w.scales[j]!), b = packed.biasValues?.[j] ?? 0, wz = w.zeroPoints[j]!;
    for (let r = 0; r < rows; r++) {
      const acc = innerProduct(xq, r * inF, zeroPoint, w.ints, j * inF, wz, inF);
      const y = f32(f32(s * f32(acc)) + b);
      out[r * outF + j] = relu && y < 0 ? 0 : y;
    }
  }
  return fromArray(out, [...x.shape.slice(0, -1), outF], float32);
}
