// PyTorch 1.13's ELU, PReLU and softmax of per-tensor quantized tensors (QuantizedOpKernels.cpp's
// qelu_kernel and qprelu_out_kernel, SoftMax.cpp): integers in, integers out with the given output
// scale and zero point. PReLU is integer arithmetic and exact; ELU's vector path uses SLEEF's exp
// and softmax runs the float softmax on the dequantized values, so a result may be one quantum off.
import type { Tensor } from "../core/tensor.js";
import { softmax } from "./activation.js";
import { dequantize, quantizePerTensor } from "./quantize.js";
import { mapDequantized, perTensorResult, perTensorValues, quantizeValue, requantizeFromInt } from "./quantized-engine.js";

const f32 = Math.fround;

/** quantized::elu(self, output_scale, output_zero_point, alpha=1, scale=1, input_scale=1). */
export function quantizedElu(x: Tensor, outScale: number, outZeroPoint: number, alpha = 1, scale = 1, inputScale = 1): Tensor {
  const v = perTensorValues("quantized::elu", x);
  const a = f32(alpha), s = f32(scale), is = f32(inputScale);
  return mapDequantized(v, v.dtype, outScale, outZeroPoint, (t) => f32((t > 0 ? t : f32(f32(f32(Math.exp(f32(t * is))) - 1) * a)) * s));
}

/**
 * quantized::prelu(self, weight, output_scale, output_zero_point): the weight (a per-tensor
 * quantized tensor of the input's dtype) has one element or one per channel (dim 1); negative
 * inputs take (q - zp) * (w - w_zp), positive ones (q - zp) * (quantized 1 - w_zp), requantized.
 */
export function quantizedPrelu(x: Tensor, weight: Tensor, outScale: number, outZeroPoint: number): Tensor {
  const op = "quantized::prelu";
  const v = perTensorValues(op, x), w = perTensorValues(op, weight);
  if (v.shape.length === 0) throw new Error("qprelu: zero-dim input tensor is not allowed.");
  if (w.dtype !== v.dtype) throw new Error(`${op}: the weight must be ${v.dtype.name} like the input, got ${w.dtype.name}`);
  const channels = v.shape.length > 1 ? v.shape[1]! : 1;
  if (w.ints.length !== 1 && (w.ints.length !== channels || w.shape.length > 1 && w.shape.length !== v.shape.length)) {
    throw new Error(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${w.ints.length} and channel size = ${channels}.`);
  }
  const multiplier = f32(f32(f32(v.scale) * f32(w.scale)) * f32(1 / f32(outScale)));
  const requantize = requantizeFromInt(v.dtype, multiplier, outZeroPoint);
  const oneMinusZp = quantizeValue(w.dtype, w.scale, w.zeroPoint)(1) - w.zeroPoint;
  let inner = 1;
  for (let d = 2; d < v.shape.length; d++) inner *= v.shape[d]!;
  const out = new Int32Array(v.ints.length), zp = v.zeroPoint;
  for (let i = 0; i < out.length; i++) {
    const q = v.ints[i]!, c = w.ints.length === 1 ? 0 : Math.floor(i / inner) % channels;
    const pos = Math.max(q, zp) - zp, neg = Math.min(q, zp) - zp;
    out[i] = requantize(pos * oneMinusZp + neg * (w.ints[c]! - w.zeroPoint));
  }
  return perTensorResult(out, v.dtype, outScale, outZeroPoint, v.shape);
}

/** quantized::softmax(qx, dim, output_scale, output_zero_point): dequantize, softmax, quantize. */
export function quantizedSoftmax(x: Tensor, dim: number, outScale: number, outZeroPoint: number): Tensor {
  const v = perTensorValues("quantized::softmax", x);
  return quantizePerTensor(softmax(dequantize(x), dim), outScale, outZeroPoint, v.dtype);
}
