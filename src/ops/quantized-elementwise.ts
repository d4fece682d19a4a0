// PyTorch 1.13's elementwise kernels on per-tensor quantized tensors (QuantizedOpKernels.cpp,
// qadd.cpp, qmul.cpp, qrelu.cpp, qclamp.cpp, qsigmoid.cpp, qtanh.cpp, qhardswish.cpp, qconcat.cpp):
// integers in, integers out, with PyTorch's output scale and zero point. The ops that only compare
// integers (relu, relu6, clamp, the scalar forms) are exact; add and the float functions go through
// quantized-engine.ts's emulation of the vectorized kernels. The float functions (sigmoid, tanh) use
// SLEEF's vector exp/tanh in PyTorch, whose last bit JS cannot reproduce: a result may then differ
// by one quantum (the tests count such differences).

import type { Tensor } from "../core/tensor.js";
import { type DType, float64 } from "../core/dtype.js";
import { cat } from "./shape-join.js";
import { flip } from "./shape-reorder.js";
import { fromArray, toNumbers } from "./engine.js";
import {
  type QuantizedValues, clampTo, dequantizeAsKernel, kernelDequantizer, mapDequantized, perTensorResult, perTensorValues, quantizeValue,
  requantizeFromInt,
} from "./quantized-engine.js";
import { type BroadcastPair, broadcastPair } from "./quantized-broadcast.js";
import { quantizedRange } from "./quantize-kernels.js";

const f32 = Math.fround;

/** The integers of `v` mapped one by one into a new tensor of the same parameters. */
function mapInts(v: QuantizedValues, f: (q: number) => number, scale = v.scale, zeroPoint = v.zeroPoint): Tensor {
  const out = new Int32Array(v.ints.length);
  for (let i = 0; i < out.length; i++) out[i] = f(v.ints[i]!);
  return perTensorResult(out, v.dtype, scale, zeroPoint, v.shape);
}

/** relu: max(q, zero_point), same scale and zero point. */
export function quantizedRelu(x: Tensor): Tensor {
  const v = perTensorValues("quantized::relu", x), zp = v.zeroPoint;
  return mapInts(v, (q) => (q < zp ? zp : q));
}

/** relu6: min(max(q, zero_point), quantize_val(6)). */
export function quantizedRelu6(x: Tensor): Tensor {
  const v = perTensorValues("quantized::relu6", x), zp = v.zeroPoint;
  const six = quantizeValue(v.dtype, v.scale, zp)(6);
  return mapInts(v, (q) => Math.min(q < zp ? zp : q, six));
}

/** clamp / hardtanh: between quantize_val(min) and quantize_val(max), same parameters. */
export function quantizedClamp(x: Tensor, min: number | null, max: number | null): Tensor {
  const v = perTensorValues("quantized::clamp", x);
  const quantize = quantizeValue(v.dtype, v.scale, v.zeroPoint);
  const [lo, hi] = quantizedRange(v.dtype);
  const qmin = min === null ? lo : quantize(min), qmax = max === null ? hi : quantize(max);
  return mapInts(v, (q) => Math.min(Math.max(q, qmin), qmax));
}

/** The two operands' common dtype and broadcast layout (PyTorch broadcasts quantized add and mul). */
function binaryLayout(op: string, a: QuantizedValues, b: QuantizedValues): BroadcastPair {
  if (a.dtype !== b.dtype) throw new Error(`${op}: operands should have same data type, got ${a.dtype.name} and ${b.dtype.name}`);
  return broadcastPair(a.shape, b.shape, a.dtype);
}

/** quantized::add(qa, qb, scale, zero_point) (with relu: quantized::add_relu), broadcasting. */
export function quantizedAdd(qa: Tensor, qb: Tensor, scale: number, zeroPoint: number, relu = false): Tensor {
  const op = relu ? "quantized::add_relu" : "quantized::add";
  const a = perTensorValues(op, qa), b = perTensorValues(op, qb);
  const layout = binaryLayout(op, a, b);
  const da = kernelDequantizer(a), db = kernelDequantizer(b);
  const quantize = quantizeValue(a.dtype, scale, zeroPoint);
  const out = new Int32Array(layout.aIndex.length);
  for (let i = 0; i < out.length; i++) {
    const vector = layout.vectorized(i);
    const c = f32(da(a.ints[layout.aIndex[i]!]!, vector) + db(b.ints[layout.bIndex[i]!]!, vector));
    out[i] = quantize(relu && c < 0 ? 0 : c);
  }
  return perTensorResult(out, a.dtype, scale, zeroPoint, layout.shape);
}

/** quantized::mul(qa, qb, scale, zero_point): (qa - za) * (qb - zb) requantized (with relu: mul_relu), broadcasting. */
export function quantizedMul(qa: Tensor, qb: Tensor, scale: number, zeroPoint: number, relu = false): Tensor {
  const op = relu ? "quantized::mul_relu" : "quantized::mul";
  const a = perTensorValues(op, qa), b = perTensorValues(op, qb);
  const layout = binaryLayout(op, a, b);
  const multiplier = f32(f32(f32(a.scale) * f32(b.scale)) * f32(1 / f32(scale)));
  const requantize = requantizeFromInt(a.dtype, multiplier, zeroPoint);
  const out = new Int32Array(layout.aIndex.length);
  for (let i = 0; i < out.length; i++) {
    const r = requantize((a.ints[layout.aIndex[i]!]! - a.zeroPoint) * (b.ints[layout.bIndex[i]!]! - b.zeroPoint));
    out[i] = relu && r < zeroPoint ? zeroPoint : r;
  }
  return perTensorResult(out, a.dtype, scale, zeroPoint, layout.shape);
}

/**
 * quantized::add(qa, c) with a number: PyTorch moves the zero point by round(c / scale) when the
 * result stays in range; otherwise it widens the scale so that the range holds the shifted values.
 */
export function quantizedAddScalar(qa: Tensor, c: number, relu = false): Tensor {
  const v = perTensorValues(relu ? "quantized::add_relu" : "quantized::add", qa);
  const [qmin, qmax] = quantizedRange(v.dtype);
  const s = v.scale, z = v.zeroPoint, cq = roundEven(c / s);
  const shifted = z - cq;
  if (shifted >= qmin && shifted <= qmax) return mapInts(v, (q) => (relu && q < shifted ? shifted : q), s, shifted);
  const [sPrime, zPrime] = shifted < qmin ? [(qmax - shifted) / (qmax - qmin) * s, qmin] : [(shifted - qmin) / (qmax - qmin) * s, qmax];
  const requantize = requantizeFromInt(v.dtype, f32(f32(s) * f32(1 / f32(sPrime))), zPrime);
  return mapInts(v, (q) => {
    const r = requantize(q - z + cq);
    return relu && r < zPrime ? zPrime : r;
  }, sPrime, zPrime);
}

/** quantized::mul(qa, c) with a number: only the parameters change (mirrored integers for c < 0). */
export function quantizedMulScalar(qa: Tensor, c: number, relu = false): Tensor {
  const v = perTensorValues(relu ? "quantized::mul_relu" : "quantized::mul", qa);
  const [qmin, qmax] = quantizedRange(v.dtype);
  if (c === 0) return mapInts(v, () => 0, 1, 0);
  if (c > 0) return mapInts(v, (q) => (relu && q < v.zeroPoint ? v.zeroPoint : q), v.scale * c, v.zeroPoint);
  const zp = qmax - v.zeroPoint + qmin;
  return mapInts(v, (q) => {
    const r = qmax - q + qmin;
    return relu && r < zp ? zp : r;
  }, v.scale * -c, zp);
}

function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The fixed output parameters of quantized sigmoid (1/2^8 or 1/2^32, centred for quint8). */
function sigmoidParams(dtype: DType): [number, number] {
  return dtype.name === "qint32" ? [2 ** -32, 0] : dtype.name === "qint8" ? [2 ** -8, -128] : [2 ** -8, 0];
}
/** The fixed output parameters of quantized tanh (2/2^8 or 2/2^32, zero point 128 for quint8). */
function tanhParams(dtype: DType): [number, number] {
  return dtype.name === "qint32" ? [2 ** -31, 0] : dtype.name === "qint8" ? [2 ** -7, 0] : [2 ** -7, 128];
}

/** sigmoid of a quantized tensor, with PyTorch's fixed output scale and zero point unless given. */
export function quantizedSigmoid(x: Tensor, outputScale?: number, outputZeroPoint?: number): Tensor {
  const v = perTensorValues("quantized::sigmoid", x);
  const [scale, zp] = outputScale === undefined ? sigmoidParams(v.dtype) : [outputScale, outputZeroPoint ?? 0];
  return mapDequantized(v, v.dtype, scale, zp, (t) => f32(1 / f32(1 + f32(Math.exp(-t)))));
}

/** tanh of a quantized tensor, with PyTorch's fixed output scale and zero point. */
export function quantizedTanh(x: Tensor): Tensor {
  const v = perTensorValues("quantized::tanh", x);
  const [scale, zp] = tanhParams(v.dtype);
  return mapDequantized(v, v.dtype, scale, zp, Math.tanh);
}

/** quantized::hardswish(x, output_scale, output_zero_point). */
export function quantizedHardswish(x: Tensor, scale: number, zeroPoint: number): Tensor {
  const v = perTensorValues("quantized::hardswish", x);
  return mapDequantized(v, v.dtype, scale, zeroPoint, (t) => f32(f32(t * f32(Math.min(Math.max(f32(t + 3), 0), 6))) / 6));
}

/** leaky_relu of a quantized tensor, into the given output parameters (the input's by default). */
export function quantizedLeakyRelu(x: Tensor, slope: number, scale?: number, zeroPoint?: number): Tensor {
  const v = perTensorValues("quantized::leaky_relu", x);
  const s = f32(slope);
  return mapDequantized(v, v.dtype, scale ?? v.scale, zeroPoint ?? v.zeroPoint, (t) => (t > 0 ? t : f32(t * s)));
}

/**
 * torch.cat of quantized tensors: the output takes the first tensor's scale and zero point; inputs
 * with other parameters are dequantized and quantized again (quantized::cat names them).
 */
export function quantizedCat(tensors: readonly Tensor[], dim: number, scale?: number, zeroPoint?: number): Tensor {
  const first = perTensorValues("quantized::cat", tensors[0]!);
  const s = scale ?? first.scale, zp = zeroPoint ?? first.zeroPoint;
  const parts = tensors.map((t) => {
    const v = perTensorValues("quantized::cat", t);
    if (v.dtype !== first.dtype) throw new Error(`quantized::cat: expected all tensors to be ${first.dtype.name}, got ${v.dtype.name}`);
    if (v.scale === s && v.zeroPoint === zp) return v;
    const quantize = quantizeValue(v.dtype, s, zp), clamp = clampTo(v.dtype);
    const values = dequantizeAsKernel(v, 0);
    // dequantize() is exact (q - zero_point) * scale (QuantizedStorage.valueAt), then quantize_per_tensor.
    return { ...v, ints: Int32Array.from(values, (x) => clamp(quantize(x))) };
  });
  // The integers joined by the ordinary cat (its shape checks and errors), as exact float64 values.
  const joined = cat(parts.map((p) => fromArray(Float64Array.from(p.ints), p.shape, float64)), dim);
  return perTensorResult(toNumbers(joined), first.dtype, s, zp, joined.shape);
}

/** stack of quantized tensors: cat of each unsqueezed at dim (PyTorch's stack), the first input's parameters. */
export function quantizedStack(tensors: readonly Tensor[], dim: number): Tensor {
  return quantizedCat(tensors.map((t) => t.unsqueeze(dim)), dim);
}

/** flip of a quantized tensor: its integers reordered, the same scale and zero point. */
export function quantizedFlip(x: Tensor, dims: number[]): Tensor {
  const v = perTensorValues("aten::flip", x);
  const flipped = flip(fromArray(Float64Array.from(v.ints), v.shape, float64), dims);
  return perTensorResult(toNumbers(flipped), v.dtype, v.scale, v.zeroPoint, v.shape);
}
