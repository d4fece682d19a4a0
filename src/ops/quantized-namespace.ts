// torch.ops.quantized: PyTorch's quantized operators (aten/src/ATen/native/quantized/library.cpp),
// with PyTorch's argument order: the output scale and zero point are explicit, weights are packed.

import { Tensor } from "../core/tensor.js";
import { checkTensor } from "./args.js";
import {
  quantizedAdd, quantizedAddScalar, quantizedCat, quantizedHardswish, quantizedLeakyRelu, quantizedMul, quantizedMulScalar,
  quantizedRelu6,
} from "./quantized-elementwise.js";
import { ConvPackedParams, LinearPackedParams, quantizedConv2d, quantizedLinear, quantizedLinearDynamic } from "./quantized-linear.js";
import { unsqueeze, squeeze } from "./view.js";

export { LinearPackedParams, ConvPackedParams };

function binary(op: string, relu: boolean, kernel: typeof quantizedAdd, scalar: typeof quantizedAddScalar) {
  return (qa: Tensor, other: Tensor | number, scale?: number, zeroPoint?: number): Tensor => {
    checkTensor(op, "qa", qa);
    if (typeof other === "number") return scalar(qa, other, relu);
    checkTensor(op, "qb", other);
    if (typeof scale !== "number" || typeof zeroPoint !== "number") throw new Error(`${op}(): expected the output scale and zero_point`);
    return kernel(qa, other, scale, zeroPoint, relu);
  };
}

/** quantized::add(qa, qb, scale, zero_point), or quantized::add(qa, b: number). */
export const add = binary("quantized::add", false, quantizedAdd, quantizedAddScalar);
/** quantized::add_relu: add, then relu in the quantized domain. */
export const addRelu = binary("quantized::add_relu", true, quantizedAdd, quantizedAddScalar);
/** quantized::mul(qa, qb, scale, zero_point), or quantized::mul(qa, b: number). */
export const mul = binary("quantized::mul", false, quantizedMul, quantizedMulScalar);
/** quantized::mul_relu. */
export const mulRelu = binary("quantized::mul_relu", true, quantizedMul, quantizedMulScalar);
/** quantized::add_scalar(qa, b). */
export function addScalar(qa: Tensor, b: number): Tensor { return quantizedAddScalar(qa, b); }
/** quantized::mul_scalar(qa, b). */
export function mulScalar(qa: Tensor, b: number): Tensor { return quantizedMulScalar(qa, b); }

/** quantized::cat(qx, dim, scale, zero_point). */
export function cat(qx: Tensor[], dim: number, scale: number, zeroPoint: number): Tensor {
  if (!Array.isArray(qx) || qx.length === 0) throw new Error("quantized::cat: expected a non-empty list of tensors");
  return quantizedCat(qx, dim, scale, zeroPoint);
}

/** quantized::relu6(qx). */
export function relu6(qx: Tensor): Tensor { return quantizedRelu6(qx); }
/** quantized::hardswish(qx, output_scale, output_zero_point). */
export function hardswish(qx: Tensor, outputScale: number, outputZeroPoint: number): Tensor { return quantizedHardswish(qx, outputScale, outputZeroPoint); }
/** quantized::leaky_relu(qx, negative_slope, inplace, output_scale, output_zero_point). */
export function leakyRelu(qx: Tensor, negativeSlope: number, _inplace: boolean, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedLeakyRelu(qx, negativeSlope, outputScale, outputZeroPoint);
}

/** quantized::linear_prepack(W, B): a qint8 weight (per tensor, or per channel along dim 0) and a float bias. */
export function linearPrepack(weight: Tensor, bias: Tensor | null = null): LinearPackedParams { return new LinearPackedParams(weight, bias); }
/** quantized::linear_unpack(packed): (weight, bias). */
export function linearUnpack(packed: LinearPackedParams): [Tensor, Tensor | null] { return packed.unpack(); }
/** quantized::linear(X, W_prepack, Y_scale_i, Y_zero_point_i). */
export function linear(x: Tensor, packed: LinearPackedParams, scale: number, zeroPoint: number): Tensor { return quantizedLinear(x, packed, scale, zeroPoint); }
/** quantized::linear_relu. */
export function linearRelu(x: Tensor, packed: LinearPackedParams, scale: number, zeroPoint: number): Tensor { return quantizedLinear(x, packed, scale, zeroPoint, true); }
/** quantized::linear_dynamic(X, W_prepack, reduce_range=False): float in, float out. */
export function linearDynamic(x: Tensor, packed: LinearPackedParams, reduceRange = false): Tensor { return quantizedLinearDynamic(x, packed, reduceRange); }
/** quantized::linear_relu_dynamic. */
export function linearReluDynamic(x: Tensor, packed: LinearPackedParams, reduceRange = false): Tensor { return quantizedLinearDynamic(x, packed, reduceRange, true); }

function pair(op: string, name: string, v: number[] | number, n: number): number[] {
  const a = typeof v === "number" ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(a) || a.length !== n || !a.every((x) => Number.isInteger(x))) throw new Error(`${op}: ${name} must be ${n} integers`);
  return a;
}

/** quantized::conv2d_prepack(weight, bias, stride, padding, dilation, groups). */
export function conv2dPrepack(weight: Tensor, bias: Tensor | null, stride: number[] | number = 1, padding: number[] | number = 0, dilation: number[] | number = 1, groups = 1): ConvPackedParams {
  const op = "quantized::conv2d_prepack";
  return new ConvPackedParams(weight, bias, pair(op, "stride", stride, 2), pair(op, "padding", padding, 2), pair(op, "dilation", dilation, 2), groups);
}
/** quantized::conv1d_prepack: a conv2d_prepack of the weight with a unit height. */
export function conv1dPrepack(weight: Tensor, bias: Tensor | null, stride: number[] | number = 1, padding: number[] | number = 0, dilation: number[] | number = 1, groups = 1): ConvPackedParams {
  const op = "quantized::conv1d_prepack";
  checkTensor(op, "weight", weight);
  if (weight.dim() !== 3) throw new Error(`${op}: the weight must be 3-dimensional [out, in / groups, kW]`);
  return new ConvPackedParams(unsqueeze(weight, 2), bias, [1, ...pair(op, "stride", stride, 1)], [0, ...pair(op, "padding", padding, 1)], [1, ...pair(op, "dilation", dilation, 1)], groups);
}
/** quantized::conv2d(qx, packed, output_scale, output_zero_point). */
export function conv2d(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor { return quantizedConv2d(qx, packed, scale, zeroPoint); }
/** quantized::conv2d_relu. */
export function conv2dRelu(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor { return quantizedConv2d(qx, packed, scale, zeroPoint, true); }
/** quantized::conv1d(qx [N, C, L], packed from conv1d_prepack, output_scale, output_zero_point). */
export function conv1d(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number, relu = false): Tensor {
  checkTensor("quantized::conv1d", "qx", qx);
  if (qx.dim() !== 3) throw new Error(`quantized::conv1d: expected a 3-D input [N, C, L], got [${qx.shape.join(", ")}]`);
  return squeeze(quantizedConv2d(unsqueeze(qx, 2), packed, scale, zeroPoint, relu), 2);
}
/** quantized::conv1d_relu. */
export function conv1dRelu(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor { return conv1d(qx, packed, scale, zeroPoint, true); }
