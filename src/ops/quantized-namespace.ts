// torch.ops.quantized: PyTorch's quantized operators (aten/src/ATen/native/quantized/library.cpp),
// with PyTorch's argument order: the output scale and zero point are explicit, weights are packed.

import { Tensor } from "../core/tensor.js";
import { checkTensor, isOptionsObject, rebind } from "./args.js";
import { type NbitTable, bytePrepack, byteUnpack, nbitLookup, nbitPrepack, nbitTable, nbitUnpack } from "./quantized-embedding-nbit.js";
import { arange } from "./creation.js";
import { int64 } from "../core/dtype.js";
import {
  quantizedAdd, quantizedAddScalar, quantizedCat, quantizedHardswish, quantizedLeakyRelu, quantizedMul, quantizedMulScalar,
  quantizedRelu6,
} from "./quantized-elementwise.js";
import { LinearPackedParams, fp16Refusal, quantizedLinear, quantizedLinearDynamic } from "./quantized-linear.js";
import { ConvPackedParams, quantizedConv, quantizedConv2d } from "./quantized-conv.js";
import { unsqueeze, squeeze } from "./view.js";
import { quantizedBatchNormKernel, quantizedGroupNormKernel, quantizedInstanceNormKernel, quantizedLayerNormKernel } from "./quantized-norm.js";
import { quantizedElu, quantizedPrelu, quantizedSoftmax } from "./quantized-activation.js";
import { EmbeddingPackedParams, quantizedEmbeddingBagByte } from "./quantized-embedding.js";

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
/**
 * quantized::linear_prepack_fp16(W, B=None): float16 weights are packed by fbgemm only; PyTorch
 * 1.13's onednn build (the recorded one) refuses them, and so does torch-ts, in its words.
 */
export function linearPrepackFp16(weight: Tensor, bias: Tensor | null = null): LinearPackedParams {
  const op = "quantized::linear_prepack_fp16";
  if (!(weight instanceof Tensor)) throw new Error(`${op}() Expected a value of type 'Tensor' for argument 'W' but instead found type '${pyTypeName(weight)}'.`);
  if (bias !== null && !(bias instanceof Tensor)) throw new Error(`${op}() Expected a value of type 'Optional[Tensor]' for argument 'B' but instead found type '${pyTypeName(bias)}'.`);
  throw fp16Refusal();
}
/** quantized::linear_unpack_fp16(packed): (weight, bias), what linear_unpack gives (PyTorch unpacks any packed params so). */
export function linearUnpackFp16(packed: LinearPackedParams): [Tensor, Tensor | null] { return linearUnpack(packed); }
/** quantized::linear_dynamic_fp16(X, W_prepack): fbgemm's; refused as PyTorch 1.13 without fbgemm refuses it. */
export function linearDynamicFp16(x: Tensor, packed: LinearPackedParams): Tensor { return fp16Apply("quantized::linear_dynamic_fp16", x, packed); }
/** quantized::linear_relu_dynamic_fp16(X, W_prepack): refused as linear_dynamic_fp16. */
export function linearReluDynamicFp16(x: Tensor, packed: LinearPackedParams): Tensor { return fp16Apply("quantized::linear_relu_dynamic_fp16", x, packed); }
function fp16Apply(op: string, x: Tensor, packed: LinearPackedParams): never {
  checkTensor(op, "X", x);
  if (!(packed instanceof LinearPackedParams)) throw new Error(`${op}: expected packed linear params, got ${pyTypeName(packed)}`);
  throw new Error("This PyTorch installation was not built with FBGEMM operators");
}
function pyTypeName(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : typeof v === "string" ? "str" : v === null || v === undefined ? "NoneType" : (v as object).constructor?.name ?? "object";
}
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

type Sizes = number[] | number;

/** quantized::conv2d_prepack(weight, bias, stride, padding, dilation, groups). */
export function conv2dPrepack(weight: Tensor, bias: Tensor | null, stride: Sizes = 1, padding: Sizes = 0, dilation: Sizes = 1, groups = 1): ConvPackedParams {
  const op = "quantized::conv2d_prepack";
  return new ConvPackedParams(weight, bias, pair(op, "stride", stride, 2), pair(op, "padding", padding, 2), pair(op, "dilation", dilation, 2), groups);
}
/** quantized::conv1d_prepack: a conv2d_prepack of the weight with a unit height. */
export function conv1dPrepack(weight: Tensor, bias: Tensor | null, stride: Sizes = 1, padding: Sizes = 0, dilation: Sizes = 1, groups = 1): ConvPackedParams {
  const op = "quantized::conv1d_prepack";
  checkTensor(op, "weight", weight);
  if (weight.dim() !== 3) throw new Error(`${op}: the weight must be 3-dimensional [out, in / groups, kW]`);
  return new ConvPackedParams(unsqueeze(weight, 2), bias, [1, ...pair(op, "stride", stride, 1)], [0, ...pair(op, "padding", padding, 1)], [1, ...pair(op, "dilation", dilation, 1)], groups);
}
/** quantized::conv3d_prepack(weight [out, in / groups, kD, kH, kW], bias, stride, padding, dilation, groups). */
export function conv3dPrepack(weight: Tensor, bias: Tensor | null, stride: Sizes = 1, padding: Sizes = 0, dilation: Sizes = 1, groups = 1): ConvPackedParams {
  const op = "quantized::conv3d_prepack";
  checkTensor(op, "weight", weight);
  if (weight.dim() !== 5) throw new Error(`${op}: the weight must be 5-dimensional [out, in / groups, kD, kH, kW]`);
  return new ConvPackedParams(weight, bias, pair(op, "stride", stride, 3), pair(op, "padding", padding, 3), pair(op, "dilation", dilation, 3), groups);
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
/** quantized::conv3d(qx [N, C, D, H, W], packed from conv3d_prepack, output_scale, output_zero_point). */
export function conv3d(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor {
  checkTensor("quantized::conv3d", "qx", qx);
  return quantizedConv("quantized::conv3d", qx, packed, scale, zeroPoint);
}
/** quantized::conv3d_relu. */
export function conv3dRelu(qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor {
  checkTensor("quantized::conv3d_relu", "qx", qx);
  return quantizedConv("quantized::conv3d_relu", qx, packed, scale, zeroPoint, true);
}

/** conv_transpose{k}d_prepack(weight [in, out / groups, *kernel], bias, stride, padding, output_padding, dilation, groups). */
function convTransposePrepack(k: number) {
  const op = `quantized::conv_transpose${k}d_prepack`;
  return (weight: Tensor, bias: Tensor | null, stride: Sizes = 1, padding: Sizes = 0, outputPadding: Sizes = 0, dilation: Sizes = 1, groups = 1): ConvPackedParams => {
    checkTensor(op, "weight", weight);
    if (weight.dim() !== k + 2) throw new Error(`${op}: the weight must be ${k + 2}-dimensional [in, out / groups, *kernel], got ${weight.dim()} dims`);
    return new ConvPackedParams(
      weight, bias, pair(op, "stride", stride, k), pair(op, "padding", padding, k), pair(op, "dilation", dilation, k), groups, pair(op, "output_padding", outputPadding, k),
    );
  };
}
/** conv_transpose{k}d(qx, packed, output_scale, output_zero_point). */
function convTranspose(k: number) {
  const op = `quantized::conv_transpose${k}d`;
  return (qx: Tensor, packed: ConvPackedParams, scale: number, zeroPoint: number): Tensor => {
    checkTensor(op, "qx", qx);
    if (!(packed instanceof ConvPackedParams) || !packed.transposed || packed.weight.dim() !== k + 2) throw new Error(`${op}: expected the packed weight of conv_transpose${k}d_prepack`);
    return quantizedConv(op, qx, packed, scale, zeroPoint);
  };
}
/** quantized::conv_transpose1d_prepack(weight [in, out / groups, kW], bias, stride, padding, output_padding, dilation, groups). */
export const convTranspose1dPrepack = convTransposePrepack(1);
/** quantized::conv_transpose2d_prepack. */
export const convTranspose2dPrepack = convTransposePrepack(2);
/** quantized::conv_transpose3d_prepack. */
export const convTranspose3dPrepack = convTransposePrepack(3);
/** quantized::conv_transpose1d(qx [N, C, L], packed, output_scale, output_zero_point). */
export const convTranspose1d = convTranspose(1);
/** quantized::conv_transpose2d(qx [N, C, H, W], packed, output_scale, output_zero_point). */
export const convTranspose2d = convTranspose(2);
/** quantized::conv_transpose3d(qx [N, C, D, H, W], packed, output_scale, output_zero_point). */
export const convTranspose3d = convTranspose(3);
const unpackConv = (packed: ConvPackedParams): [Tensor, Tensor | null] => packed.unpack();
/** quantized::conv2d_unpack(packed): (weight, bias). */
export const conv2dUnpack = unpackConv;
/** quantized::conv3d_unpack. */
export const conv3dUnpack = unpackConv;
/** quantized::conv_transpose1d_unpack. */
export const convTranspose1dUnpack = unpackConv;
/** quantized::conv_transpose2d_unpack. */
export const convTranspose2dUnpack = unpackConv;
/** quantized::conv_transpose3d_unpack. */
export const convTranspose3dUnpack = unpackConv;

type Optional = Tensor | null;
/** quantized::batch_norm(qx, weight, bias, mean, var, eps, output_scale, output_zero_point): any rank of at least 2, channels in dim 1. */
export function batchNorm(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, false, null);
}
/** quantized::batch_norm_relu. */
export function batchNormRelu(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm_relu", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, true, null);
}
/** quantized::batch_norm1d: [N, C] or [N, C, L]. */
export function batchNorm1d(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  if (qx.dim() !== 2 && qx.dim() !== 3) throw new Error("quantized::batch_norm1d: Expecting the input tensor of rank 2 or 3.");
  return quantizedBatchNormKernel("quantized::batch_norm1d", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, false, null);
}
/** quantized::batch_norm2d: [N, C, H, W]. */
export function batchNorm2d(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm2d", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, false, 4);
}
/** quantized::batch_norm2d_relu. */
export function batchNorm2dRelu(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm2d_relu", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, true, 4);
}
/** quantized::batch_norm3d: [N, C, D, H, W]. */
export function batchNorm3d(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm3d", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, false, 5);
}
/** quantized::batch_norm3d_relu. */
export function batchNorm3dRelu(qx: Tensor, weight: Optional, bias: Optional, mean: Tensor, variance: Tensor, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedBatchNormKernel("quantized::batch_norm3d_relu", qx, weight, bias, mean, variance, eps, outputScale, outputZeroPoint, true, 5);
}
/** quantized::layer_norm(input, normalized_shape, weight, bias, eps, output_scale, output_zero_point). */
export function layerNorm(input: Tensor, normalizedShape: number[], weight: Optional, bias: Optional, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedLayerNormKernel(input, normalizedShape, weight, bias, eps, outputScale, outputZeroPoint);
}
/** quantized::group_norm(input, num_groups, weight, bias, eps, output_scale, output_zero_point). */
export function groupNorm(input: Tensor, numGroups: number, weight: Optional, bias: Optional, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedGroupNormKernel(input, numGroups, weight, bias, eps, outputScale, outputZeroPoint);
}
/** quantized::instance_norm(input, weight, bias, eps, output_scale, output_zero_point). */
export function instanceNorm(input: Tensor, weight: Optional, bias: Optional, eps: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedInstanceNormKernel(input, weight, bias, eps, outputScale, outputZeroPoint);
}
/** quantized::elu(self, output_scale, output_zero_point, alpha=1, scale=1, input_scale=1). */
export function elu(qx: Tensor, outputScale: number, outputZeroPoint: number, alpha = 1, scale = 1, inputScale = 1): Tensor {
  return quantizedElu(qx, outputScale, outputZeroPoint, alpha, scale, inputScale);
}
/** quantized::celu(self, output_scale, output_zero_point, alpha=1): elu with scale 1 and input scale 1 / alpha. */
export function celu(qx: Tensor, outputScale: number, outputZeroPoint: number, alpha = 1): Tensor {
  return quantizedElu(qx, outputScale, outputZeroPoint, alpha, 1, 1 / alpha);
}
/** quantized::prelu(qx, weight, output_scale, output_zero_point). */
export function prelu(qx: Tensor, weight: Tensor, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedPrelu(qx, weight, outputScale, outputZeroPoint);
}
/** quantized::softmax(qx, dim, output_scale, output_zero_point). */
export function softmax(qx: Tensor, dim: number, outputScale: number, outputZeroPoint: number): Tensor {
  return quantizedSoftmax(qx, dim, outputScale, outputZeroPoint);
}

export { EmbeddingPackedParams };
/** quantized::embedding_bag_prepack(weight): a quint8 per_channel_affine_float_qparams weight, packed. */
export function embeddingBagPrepack(weight: Tensor): EmbeddingPackedParams { return new EmbeddingPackedParams(weight); }
/** quantized::embedding_bag_unpack(packed): the quantized weight. */
export function embeddingBagUnpack(packed: EmbeddingPackedParams): Tensor { return packed.unpack(); }
/** quantized::embedding_byte(weight, indices, pruned_weights=False): float32 rows [*indices.shape, dim]. */
export function embeddingByte(weight: EmbeddingPackedParams, indices: Tensor, prunedWeights = false): Tensor {
  if (prunedWeights) throw new Error("quantized::embedding_byte: pruned weights are not supported by torch-ts");
  return quantizedEmbeddingBagByte("quantized::embedding_byte", weight, indices, null, null, false, true);
}
/**
 * quantized::embedding_bag_byte(weight, indices, offsets=None, scale_grad_by_freq=False, mode=0,
 * pruned_weights=False, per_sample_weights=None, compressed_indices_mapping=None, include_last_offset=False):
 * the sum of each bag (PyTorch's kernel sums whatever the mode).
 */
export function embeddingBagByte(
  weight: EmbeddingPackedParams, indices: Tensor, offsets: Tensor | null = null, _scaleGradByFreq = false, _mode = 0, prunedWeights = false,
  perSampleWeights: Tensor | null = null, compressedIndicesMapping: Tensor | null = null, includeLastOffset = false,
): Tensor {
  if (prunedWeights || compressedIndicesMapping !== null) throw new Error("quantized::embedding_bag_byte: pruned weights are not supported by torch-ts");
  return quantizedEmbeddingBagByte("quantized::embedding_bag_byte", weight, indices, offsets, perSampleWeights, includeLastOffset, false);
}

interface PrepackOptions { optimizedQparams?: boolean; nbins?: number; ratio?: number }
/** quantized::embedding_bag_4bit_prepack(weight, optimized_qparams=False, nbins=200, ratio=0.16): uint8 [rows, cols / 2 + 4]. */
export function embeddingBag4bitPrepack(weight: Tensor, optimizedQparams: boolean | PrepackOptions = false, nbins = 200, ratio = 0.16): Tensor {
  if (isOptionsObject(optimizedQparams)) return rebind(embeddingBag4bitPrepack, "quantized::embedding_bag_4bit_prepack", arguments, ["weight", "optimizedQparams", "nbins", "ratio"], 1);
  return nbitPrepack(weight, 4, optimizedQparams === true, nbins, ratio);
}
/** quantized::embedding_bag_2bit_prepack(weight, optimized_qparams=False, nbins=200, ratio=0.16): uint8 [rows, cols / 4 + 4]. */
export function embeddingBag2bitPrepack(weight: Tensor, optimizedQparams: boolean | PrepackOptions = false, nbins = 200, ratio = 0.16): Tensor {
  if (isOptionsObject(optimizedQparams)) return rebind(embeddingBag2bitPrepack, "quantized::embedding_bag_2bit_prepack", arguments, ["weight", "optimizedQparams", "nbins", "ratio"], 1);
  return nbitPrepack(weight, 2, optimizedQparams === true, nbins, ratio);
}
/** quantized::embedding_bag_byte_prepack(weight): float rows [..., cols] to uint8 [..., cols + 8] (float32 scale and bias per row). */
export function embeddingBagBytePrepack(weight: Tensor): Tensor { return bytePrepack(weight); }
/** quantized::embedding_bag_byte_unpack(weight): the float32 rows of an 8-bit packed weight. */
export function embeddingBagByteUnpack(weight: Tensor): Tensor { return byteUnpack(weight); }
/** quantized::embedding_bag_4bit_unpack(weight): the float32 rows of a 4-bit packed weight. */
export function embeddingBag4bitUnpack(weight: Tensor): Tensor { return nbitUnpack("quantized::embedding_bag_4bit_unpack", weight, 4); }
/** quantized::embedding_bag_2bit_unpack(weight). */
export function embeddingBag2bitUnpack(weight: Tensor): Tensor { return nbitUnpack("quantized::embedding_bag_2bit_unpack", weight, 2); }

/** The bag ops' parameters after weight and indices, in PyTorch's order. */
const BAG_PARAMS = ["weight", "indices", "offsets", "scaleGradByFreq", "mode", "prunedWeights", "perSampleWeights", "compressedIndicesMapping", "includeLastOffset"];
type BagOp<W> = (
  weight: W, indices: Tensor, offsets?: Tensor | null, scaleGradByFreq?: boolean, mode?: number, prunedWeights?: boolean,
  perSampleWeights?: Tensor | null, compressedIndicesMapping?: Tensor | null, includeLastOffset?: boolean,
) => Tensor;
interface BagOptions { offsets?: Tensor | null; scaleGradByFreq?: boolean; mode?: number; prunedWeights?: boolean; perSampleWeights?: Tensor | null; compressedIndicesMapping?: Tensor | null; includeLastOffset?: boolean }

/** A bag op taking PyTorch's positional arguments or, after indices, an options object with their names. */
type BagOpWithOptions<W> = BagOp<W> & ((weight: W, indices: Tensor, options: BagOptions) => Tensor) & ((weight: W, indices: Tensor, offsets: Tensor | null, options: Omit<BagOptions, "offsets">) => Tensor);
function bagOp<W>(op: string, run: (weight: W, indices: Tensor, offsets: Tensor | null, perSampleWeights: Tensor | null, includeLastOffset: boolean) => Tensor): BagOpWithOptions<W> {
  const f = function (this: unknown, weight: W, indices: Tensor, offsets: Tensor | null | BagOptions = null, _scaleGradByFreq = false, _mode = 0, prunedWeights = false,
    perSampleWeights: Tensor | null = null, compressedIndicesMapping: Tensor | null = null, includeLastOffset = false): Tensor {
    const last = arguments[arguments.length - 1] as unknown;
    if (arguments.length > 2 && isOptionsObject(last)) return rebind(f as (...a: never[]) => Tensor, op, arguments, BAG_PARAMS, 2);
    if (prunedWeights || compressedIndicesMapping !== null) throw new Error(`${op}: pruned weights are not supported by torch-ts`);
    return run(weight, indices, offsets as Tensor | null, perSampleWeights, includeLastOffset);
  };
  return f as BagOpWithOptions<W>;
}

/** quantized::embedding_bag_byte_rowwise_offsets(weight: uint8 rows of embedding_bag_byte_prepack, indices, offsets=None, ..., include_last_offset=False). */
export const embeddingBagByteRowwiseOffsets = bagOp<Tensor>("quantized::embedding_bag_byte_rowwise_offsets", (w, i, o, p, last) =>
  nbitLookup("quantized::embedding_bag_byte_rowwise_offsets", nbitTable("quantized::embedding_bag_byte_rowwise_offsets", w), 8, i, o, p, last, false));
/** quantized::embedding_bag_4bit_rowwise_offsets(weight: uint8 packed rows, indices, offsets=None, ..., per_sample_weights=None, ..., include_last_offset=False). */
export const embeddingBag4bitRowwiseOffsets = bagOp<Tensor>("quantized::embedding_bag_4bit_rowwise_offsets", (w, i, o, p, last) =>
  nbitLookup("quantized::embedding_bag_4bit_rowwise_offsets", nbitTable("quantized::embedding_bag_4bit_rowwise_offsets", w), 4, i, o, p, last, false));
/** quantized::embedding_bag_2bit_rowwise_offsets: the same over 2-bit packed rows. */
export const embeddingBag2bitRowwiseOffsets = bagOp<Tensor>("quantized::embedding_bag_2bit_rowwise_offsets", (w, i, o, p, last) =>
  nbitLookup("quantized::embedding_bag_2bit_rowwise_offsets", nbitTable("quantized::embedding_bag_2bit_rowwise_offsets", w), 2, i, o, p, last, false));

function fourBitTable(op: string, weight: EmbeddingPackedParams): NbitTable {
  if (!(weight instanceof EmbeddingPackedParams)) throw new Error(`${op}: expected the packed weight of torch.ops.quantized.embedding_bag_prepack`);
  if (weight.nbit === null) throw new Error(`${op}: the weight is packed with 8 bits (quint8); use the byte op (PyTorch reads its bytes as 4-bit rows)`);
  return weight.nbit;
}
/**
 * quantized::embedding_bag_4bit(weight: embedding_bag_prepack of a quint4x2 weight, indices,
 * offsets=None, ..., per_sample_weights=None, ..., include_last_offset=False): bag sums.
 */
export const embeddingBag4bit = bagOp<EmbeddingPackedParams>("quantized::embedding_bag_4bit", (w, i, o, p, last) =>
  nbitLookup("quantized::embedding_bag_4bit", fourBitTable("quantized::embedding_bag_4bit", w), 4, i, o, p, last, false));
/** quantized::embedding_4bit(weight, indices, pruned_weights=False): float32 rows [*indices.shape, dim]. */
export function embedding4bit(weight: EmbeddingPackedParams, indices: Tensor, prunedWeights = false): Tensor {
  const op = "quantized::embedding_4bit";
  if (prunedWeights) throw new Error(`${op}: pruned weights are not supported by torch-ts`);
  const table = fourBitTable(op, weight);
  if (!(indices instanceof Tensor)) throw new Error(`${op}: indices must be a tensor`);
  return nbitLookup(op, table, 4, indices, arange(indices.numel(), { dtype: indices.dtype.isFloatingPoint ? int64 : indices.dtype }), null, false, true);
}
