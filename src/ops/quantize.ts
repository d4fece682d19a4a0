// Quantized tensors (torch.quint8 / qint8 / qint32 with an affine quantizer): torch.quantizePerTensor,
// quantizePerChannel, quantizePerTensorDynamic, dequantize, and the Tensor members that read the
// representation (intRepr, qScale, qZeroPoint, qPerChannelScales, qPerChannelZeroPoints,
// qPerChannelAxis, qscheme, isQuantized). Views (view, reshape, select, slices, transpose, permute,
// ...) work through the ordinary view ops; every op with no quantized kernel refuses a quantized
// tensor in PyTorch's words (its storage refuses to hand out values: core/quantized-storage.ts).

import { backendRefusal } from "../core/op-name.js";
import { Tensor } from "../core/tensor.js";
import { type DType, type DTypeLike, allocArray, float32, float64, int32, int64, int8, quint8, toDType, uint8, scalarTypeName } from "../core/dtype.js";
import { packSubByte, subByteBits } from "../core/sub-byte.js";
import { type PerChannelQuantizer, type QuantizedArray, QuantizedStorage, viewQuantizerOf } from "../core/quantized-storage.js";
import { allocOutputArray } from "../core/storage.js";
import { checkArgs, checkInt, checkTensor, describe, installMethods, isOptionsObject, rebind, type Rebound } from "./args.js";
import { fromArray, toNumbers } from "./engine.js";
import { chooseQuantizationParams, quantizeInto, quantizedRange, quantizedTensor } from "./quantize-kernels.js";
import { roundHalfEven } from "./special-math.js";
import { chooseOptimizedRange } from "./quantized-embedding-nbit.js";

/** torch.qscheme: how a quantized tensor maps integers to values. */
export class QScheme {
  constructor(readonly name: string) {}
  toString(): string { return `torch.${this.name}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}
export const perTensorAffine = new QScheme("per_tensor_affine");
export const perChannelAffine = new QScheme("per_channel_affine");
export const perTensorSymmetric = new QScheme("per_tensor_symmetric");
export const perChannelSymmetric = new QScheme("per_channel_symmetric");
export const perChannelAffineFloatQparams = new QScheme("per_channel_affine_float_qparams");
export { QScheme as qscheme };

type QuantizedDTypeLike = DTypeLike;

/** The quantized dtype asked for, or PyTorch's error for any other. */
function quantizedDType(dtype: QuantizedDTypeLike): DType {
  const d = toDType(dtype);
  if (d.category !== "quantized") throw new Error(`ScalarType ${scalarTypeName(d)} is not supported in new_qtensor.`);
  return d;
}

function quantizedStorageOf(op: string, t: Tensor): QuantizedStorage {
  checkTensor(op, "self", t);
  if (!(t.storage instanceof QuantizedStorage)) throw new Error(`Could not run 'aten::${op}' with arguments from the '${t.device.type === "cpu" ? "CPU" : "WebGPU"}' backend.`);
  return t.storage;
}

function checkZeroPoint(kernel: string, zeroPoint: number, dtype: DType): void {
  // Sub-byte dtypes check against their underlying uint8 (a zero point of 200 passes; values clamp to [0, 15]).
  const [lo, hi] = quantizedRange(subByteBits(dtype) === null ? dtype : quint8);
  if (zeroPoint > hi) throw new Error(`${kernel} zero_point ${zeroPoint} is above upper bound.`);
  if (zeroPoint < lo) throw new Error(`${kernel} zero_point ${zeroPoint} is below lower bound.`);
}

function checkFloatInput(op: string, input: Tensor, message: (d: string) => string): void {
  if (input.storage instanceof QuantizedStorage) throw backendRefusal("QuantizedCPU", op);
  if (input.dtype !== float32) throw new Error(message(scalarTypeName(input.dtype)));
}

function quantizeOne(input: Tensor, scale: number, zeroPoint: number, dtype: DType): Tensor {
  checkFloatInput("quantize_per_tensor", input, (d) => `Quantize only works on Float Tensor, got ${d}`);
  checkZeroPoint("quantize_tensor_per_tensor_affine", zeroPoint, dtype);
  const raw = allocArray(dtype, input.numel()) as QuantizedArray;
  // The sub-byte kernel quantizes with an inverse scale of 1 for a zero scale (the 8-bit one with infinity).
  const kernelScale = subByteBits(dtype) !== null && scale === 0 ? 1 : scale;
  quantizeInto(toNumbers(input), raw, [kernelScale], [zeroPoint], () => 0, quantizedRange(dtype));
  return quantizedTensor(raw, dtype, { scheme: "per_tensor_affine", scale, zeroPoint }, input.shape);
}

/**
 * torch.quantize_per_tensor(input, scale, zero_point, dtype): the float32 input quantized as
 * clamp(nearbyint(x / scale) + zero_point) in dtype's range (quint8, qint8, qint32), bit for bit
 * PyTorch's CPU kernel. scale and zero_point are numbers or one-element tensors; a list of tensors
 * with tensors of scales and zero points gives a list (PyTorch's tensors overload).
 */
export function quantizePerTensor(input: Tensor, scale: number | Tensor, zeroPoint: number | Tensor, dtype: QuantizedDTypeLike): Tensor;
export function quantizePerTensor(tensors: Tensor[], scales: Tensor, zeroPoints: Tensor, dtype: QuantizedDTypeLike): Tensor[];
export function quantizePerTensor(input: Tensor | Tensor[], scale: number | Tensor, zeroPoint: number | Tensor, dtype: QuantizedDTypeLike): Tensor | Tensor[] {
  if (arguments.length > 4) checkArgs("quantize_per_tensor", arguments, 4);
  else if (arguments.length < 4 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(quantizePerTensor as (...a: never[]) => unknown, "quantize_per_tensor", arguments, ["input", "scale", "zeroPoint", "dtype"], 4) as Tensor;
  }
  const d = quantizedDType(dtype);
  const scalar = (v: number | Tensor, name: string, int: boolean): number => {
    const n = v instanceof Tensor ? Number(v._realItem()) : v;
    if (typeof n !== "number" || (int && !Number.isInteger(n))) throw new Error(`quantize_per_tensor(): argument '${name}' must be ${int ? "int" : "float"}, not ${describe(v)}`);
    return n;
  };
  if (Array.isArray(input)) {
    if (!(scale instanceof Tensor) || !(zeroPoint instanceof Tensor)) throw new Error("quantize_per_tensor(): a list of tensors takes tensors of scales and zero points");
    const scales = toNumbers(scale.contiguous()), zeroPoints = toNumbers(zeroPoint.contiguous());
    if (scales.length !== input.length || zeroPoints.length !== input.length) throw new Error(`quantize_per_tensor(): expected ${input.length} scales and zero points, got ${scales.length} and ${zeroPoints.length}`);
    return input.map((t, i) => quantizeOne(checkTensor("quantize_per_tensor", "tensors", t), scales[i]!, Math.trunc(zeroPoints[i]!), d));
  }
  checkTensor("quantize_per_tensor", "input", input);
  return quantizeOne(input, scalar(scale, "scale", false), scalar(zeroPoint, "zero_point", true), d);
}

/**
 * torch.quantize_per_channel(input, scales, zero_points, axis, dtype): quantization with
 * scales[c] and zero_points[c] (integers) for the slices c of dim `axis`.
 */
export function quantizePerChannel(input: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number, dtype: QuantizedDTypeLike): Tensor;
export function quantizePerChannel<A extends Rebound<[input: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number, dtype: QuantizedDTypeLike], ["input", "scales", "zeroPoints", "axis", "dtype"]>>(...args: A): Tensor;
export function quantizePerChannel(input: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number, dtype: QuantizedDTypeLike): Tensor {
  if (arguments.length > 5) checkArgs("quantize_per_channel", arguments, 5);
  else if (arguments.length < 5 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(quantizePerChannel, "quantize_per_channel", arguments, ["input", "scales", "zeroPoints", "axis", "dtype"], 5);
  }
  const op = "quantize_per_channel";
  checkTensor(op, "input", input);
  checkTensor(op, "scales", scales);
  checkTensor(op, "zero_points", zeroPoints);
  checkInt(op, "axis", axis);
  const d = quantizedDType(dtype);
  if (scales.dim() !== 1) throw new Error("scale tensor must have dimension 1");
  if (zeroPoints.dim() !== 1) throw new Error("zero_points tensor must have dimension 1");
  if (scales.numel() !== zeroPoints.numel()) throw new Error("number of elements in scales and zero_points must match");
  if (axis < 0 || axis >= input.dim()) throw new Error(`Channel axis out of range in per channel affine quantization. Got: ${axis}Expected: [0, ${input.dim()})`);
  const channels = input.size(axis);
  if (scales.numel() !== channels) throw new Error("length of scales must equal to channel");
  if (zeroPoints.dtype.isFloatingPoint) return quantizeFloatQparams(input, scales, zeroPoints, axis, d);
  if (subByteBits(d) !== null) throw new Error(`"quantize_tensor_per_channel_affine" not implemented for '${scalarTypeName(d)}'`);
  const zps = Array.from(toNumbers(zeroPoints.contiguous()));
  for (const z of zps) checkZeroPoint("quantize_tensor_per_channel_affine", z, d);
  checkFloatInput(op, input, (t) => `quantize_tensor_per_channel_affine expects a Float Tensor, got ${t}`);
  const scaleValues = Float64Array.from(toNumbers(scales.contiguous()));
  let channelStride = 1;
  for (let k = axis + 1; k < input.dim(); k++) channelStride *= input.size(k);
  const raw = allocArray(d, input.numel()) as QuantizedArray;
  quantizeInto(toNumbers(input), raw, scaleValues, zps, (i) => Math.floor(i / channelStride) % channels, quantizedRange(d));
  return quantizedTensor(raw, d, { scheme: "per_channel_affine", scales: scaleValues, zeroPoints: zps, axis }, input.shape);
}

/**
 * quantize_per_channel with float zero points: a per_channel_affine_float_qparams tensor (quint8,
 * quint4x2 or quint2x4, as embedding weights), index = lrintf(x * (1 / scale) + zero_point) in
 * float, clamped to the dtype's range.
 */
function quantizeFloatQparams(input: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number, d: DType): Tensor {
  if (d.name !== "quint8" && subByteBits(d) === null) throw new Error(`"quantize_tensor_per_channel_float_qparams_cpu" not implemented for '${scalarTypeName(d)}'`);
  checkFloatInput("quantize_per_channel", input, (t) => `quantize_tensor_per_channel_float_qparams expects a Float Tensor, got ${t}`);
  const f32 = Math.fround;
  const scaleValues = Float64Array.from(toNumbers(scales.contiguous()), f32), zps = Array.from(toNumbers(zeroPoints.contiguous()), f32);
  let channelStride = 1;
  for (let k = axis + 1; k < input.dim(); k++) channelStride *= input.size(k);
  const channels = input.size(axis), x = toNumbers(input.contiguous()), raw = allocArray(d, input.numel()) as QuantizedArray, qmax = quantizedRange(d)[1];
  for (let i = 0; i < raw.length; i++) {
    const c = Math.floor(i / channelStride) % channels, s = scaleValues[c]!;
    raw[i] = Math.min(Math.max(roundHalfEven(f32(f32(x[i]! * (s === 0 ? 1 : f32(1 / s))) + zps[c]!)), 0), qmax);
  }
  return quantizedTensor(raw, d, { scheme: "per_channel_affine_float_qparams", scales: scaleValues, zeroPoints: zps, axis }, input.shape);
}

/**
 * torch.quantize_per_tensor_dynamic(input, dtype, reduce_range): per-tensor quantization with the
 * scale and zero point chosen from the input's min and max (quint8 or qint8; float16 gives a
 * float16 copy, as PyTorch).
 */
export function quantizePerTensorDynamic(input: Tensor, dtype: QuantizedDTypeLike | "float16", reduceRange: boolean): Tensor;
export function quantizePerTensorDynamic<A extends Rebound<[input: Tensor, dtype: QuantizedDTypeLike | "float16", reduceRange: boolean], ["input", "dtype", "reduceRange"]>>(...args: A): Tensor;
export function quantizePerTensorDynamic(input: Tensor, dtype: QuantizedDTypeLike | "float16", reduceRange: boolean): Tensor {
  if (arguments.length > 3) checkArgs("quantize_per_tensor_dynamic", arguments, 3);
  else if (arguments.length < 3 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(quantizePerTensorDynamic, "quantize_per_tensor_dynamic", arguments, ["input", "dtype", "reduceRange"], 3);
  }
  checkTensor("quantize_per_tensor_dynamic", "input", input);
  const d = toDType(dtype);
  if (d.name !== "qint8" && d.name !== "quint8" && d.name !== "float16") throw new Error(`dtype ${scalarTypeName(d)}not supported`);
  if (typeof reduceRange !== "boolean") throw new Error(`quantize_per_tensor_dynamic(): argument 'reduce_range' must be bool, not ${describe(reduceRange)}`);
  if (d.name === "float16") return input.contiguous().to("float16");
  checkFloatInput("quantize_per_tensor_dynamic", input, (t) => `Quantize only works on Float Tensor, got ${t}`);
  const min = Number(input.min()._realItem()), max = Number(input.max()._realItem());
  const [qmin, qmax] = quantizedRange(d);
  const { scale, zeroPoint } = chooseQuantizationParams(min, max, qmin, qmax, reduceRange);
  return quantizeOne(input, scale, zeroPoint, d);
}

/**
 * torch.dequantize(tensor) / Tensor.dequantize(): the float32 values (q - zero_point) * scale; a
 * float tensor is returned as it is, as PyTorch does; a list of tensors gives a list.
 */
export function dequantize(tensor: Tensor): Tensor;
export function dequantize(tensors: Tensor[]): Tensor[];
export function dequantize(tensor: Tensor | Tensor[]): Tensor | Tensor[] {
  if (arguments.length > 1) checkArgs("dequantize", arguments, 1);
  if (Array.isArray(tensor)) return tensor.map((t) => dequantize(t));
  checkTensor("dequantize", "self", tensor);
  const storage = tensor.storage;
  if (!(storage instanceof QuantizedStorage)) return tensor;
  const idx = tensor._storageIndices();
  const out = allocOutputArray(float32, idx.length) as Float32Array;
  for (let i = 0; i < idx.length; i++) out[i] = storage.valueAt(idx[i]!);
  return fromArray(out, tensor.shape, float32);
}

/**
 * torch.int_repr / Tensor.int_repr(): the integers (uint8 for quint8, int8, int32), a contiguous
 * copy; a quint4x2 / quint2x4 tensor gives its packed bytes, 1-d (PyTorch's layout: sub-byte.ts).
 */
export function intRepr(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("int_repr", arguments, 1);
  const storage = quantizedStorageOf("int_repr", self);
  if (storage.bits !== null) {
    const bytes = packSubByte(storage.raw, storage.bits);
    return fromArray(bytes, [bytes.length], uint8);
  }
  const idx = self._storageIndices();
  const d = self.dtype.name === "quint8" ? uint8 : self.dtype.name === "qint8" ? int8 : int32;
  const out = allocArray(self.dtype, idx.length) as QuantizedArray;
  for (let i = 0; i < idx.length; i++) out[i] = storage.raw[idx[i]!]!;
  return fromArray(out, self.shape, d);
}

function perTensorOf(op: string, self: Tensor): { scale: number; zeroPoint: number } {
  const q = viewQuantizerOf(quantizedStorageOf(op, self), self);
  if (q.scheme !== "per_tensor_affine") throw new Error("Expected quantizer->qscheme() == kPerTensorAffine to be true, but got false.");
  return q;
}

function perChannelOf(op: string, self: Tensor): PerChannelQuantizer {
  const q = viewQuantizerOf(quantizedStorageOf(op, self), self);
  if (q.scheme === "per_tensor_affine") throw new Error("Expected quantizer->qscheme() == kPerChannelAffine || quantizer->qscheme() == kPerChannelAffineFloatQParams to be true, but got false.");
  return q;
}

/** torch.q_scale / Tensor.q_scale(): the scale of a per-tensor quantized tensor. */
export function qScale(self: Tensor): number {
  if (arguments.length > 1) checkArgs("q_scale", arguments, 1);
  return perTensorOf("q_scale", self).scale;
}

/** torch.q_zero_point / Tensor.q_zero_point(). */
export function qZeroPoint(self: Tensor): number {
  if (arguments.length > 1) checkArgs("q_zero_point", arguments, 1);
  return perTensorOf("q_zero_point", self).zeroPoint;
}

/** torch.q_per_channel_scales / Tensor.q_per_channel_scales(): float64, one per channel. */
export function qPerChannelScales(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("q_per_channel_scales", arguments, 1);
  const q = perChannelOf("q_per_channel_scales", self);
  if (q.scheme === "per_channel_affine_float_qparams") return fromArray(Float32Array.from(q.scales), [q.scales.length], float32);
  return fromArray(q.scales.slice(), [q.scales.length], float64);
}

/** torch.q_per_channel_zero_points / Tensor.q_per_channel_zero_points(): int64, one per channel. */
export function qPerChannelZeroPoints(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("q_per_channel_zero_points", arguments, 1);
  const q = perChannelOf("q_per_channel_zero_points", self);
  if (q.scheme === "per_channel_affine_float_qparams") return fromArray(Float32Array.from(q.zeroPoints), [q.zeroPoints.length], float32);
  return fromArray(BigInt64Array.from(q.zeroPoints, (z) => BigInt(z)), [q.zeroPoints.length], int64);
}

/** torch.q_per_channel_axis / Tensor.q_per_channel_axis(): the dim the channels run along. */
export function qPerChannelAxis(self: Tensor): number {
  if (arguments.length > 1) checkArgs("q_per_channel_axis", arguments, 1);
  return perChannelOf("q_per_channel_axis", self).axis;
}

function qscheme(self: Tensor): QScheme {
  if (arguments.length > 1) checkArgs("qscheme", arguments, 1);
  const q = viewQuantizerOf(quantizedStorageOf("qscheme", self), self);
  return q.scheme === "per_tensor_affine" ? perTensorAffine : q.scheme === "per_channel_affine" ? perChannelAffine : perChannelAffineFloatQparams;
}

declare module "../core/tensor.js" {
  interface Tensor {
    /** Whether this is a quantized tensor (torch.quint8, qint8, qint32). */
    readonly isQuantized: boolean;
    dequantize(): Tensor;
    intRepr(): Tensor;
    qScale(): number;
    qZeroPoint(): number;
    qPerChannelScales(): Tensor;
    qPerChannelZeroPoints(): Tensor;
    qPerChannelAxis(): number;
    qscheme(): QScheme;
  }
}

Object.defineProperty(Tensor.prototype, "isQuantized", {
  get(this: Tensor): boolean { return this.storage instanceof QuantizedStorage; },
  configurable: true,
});
installMethods({
  dequantize: dequantize as (self: Tensor) => Tensor, intRepr, qScale, qZeroPoint, qPerChannelScales, qPerChannelZeroPoints, qPerChannelAxis, qscheme,
});

const QUANTIZED_OF: Record<string, DType> = { uint8: toDType("quint8"), int8: toDType("qint8"), int32: toDType("qint32") };

function quantizedOfIntegers(op: string, self: Tensor): { dtype: DType; raw: QuantizedArray } {
  checkTensor(op, "self", self);
  const dtype = QUANTIZED_OF[self.dtype.name];
  if (!dtype) throw new Error(`${op}: expected an uint8, int8 or int32 tensor, got ${scalarTypeName(self.dtype)}`);
  const values = toNumbers(self.contiguous());
  const raw = allocArray(dtype, values.length) as QuantizedArray;
  raw.set(values);
  return { dtype, raw };
}

/**
 * torch._make_per_tensor_quantized_tensor(self, scale, zero_point): a quantized tensor whose
 * integers are self's (uint8 -> quint8, int8 -> qint8, int32 -> qint32).
 */
export function _makePerTensorQuantizedTensor(self: Tensor, scale: number, zeroPoint: number): Tensor {
  if (arguments.length > 3) checkArgs("_make_per_tensor_quantized_tensor", arguments, 3);
  const { dtype, raw } = quantizedOfIntegers("_make_per_tensor_quantized_tensor", self);
  return quantizedTensor(raw, dtype, { scheme: "per_tensor_affine", scale, zeroPoint }, self.shape);
}

/** torch._make_per_channel_quantized_tensor(self, scale, zero_point, axis). */
export function _makePerChannelQuantizedTensor(self: Tensor, scale: Tensor, zeroPoint: Tensor, axis: number): Tensor {
  if (arguments.length > 4) checkArgs("_make_per_channel_quantized_tensor", arguments, 4);
  const op = "_make_per_channel_quantized_tensor";
  const { dtype, raw } = quantizedOfIntegers(op, self);
  checkInt(op, "axis", axis);
  if (axis < 0 || axis >= self.dim()) throw new Error(`${op}: axis ${axis} is out of range for a ${self.dim()}-d tensor`);
  checkTensor(op, "scale", scale);
  checkTensor(op, "zero_point", zeroPoint);
  if (zeroPoint.dtype.isComplex) throw new Error(`${op}: zero points of dtype ${zeroPoint.dtype} are not supported`);
  // Float zero points make PyTorch's per_channel_affine_float_qparams tensors (quint8 embedding weights here).
  const floatQparams = zeroPoint.dtype.isFloatingPoint;
  if (floatQparams && dtype.name !== "quint8") throw new Error(`${op}: float zero points need a uint8 tensor (quint8), got ${scalarTypeName(self.dtype)}`);
  const f = floatQparams ? Math.fround : (v: number): number => v;
  const scales = Float64Array.from(toNumbers(scale.contiguous()), f), zeroPoints = Array.from(toNumbers(zeroPoint.contiguous()), (v) => f(Number(v)));
  if (scales.length !== self.size(axis) || zeroPoints.length !== self.size(axis)) throw new Error(`${op}: expected ${self.size(axis)} scales and zero points`);
  return quantizedTensor(raw, dtype, { scheme: floatQparams ? "per_channel_affine_float_qparams" : "per_channel_affine", scales, zeroPoints, axis }, self.shape);
}

/**
 * torch.choose_qparams_optimized(input, numel, n_bins, ratio, bit_width): the [max, min] (two
 * one-element float32 tensors, max first) of the first numel values after PyTorch's greedy search
 * for the range that quantizes them to bit_width bits with the least L2 error (the 4-bit and 2-bit
 * embedding prepack's optimized_qparams).
 */
export function chooseQparamsOptimized(input: Tensor, numel: number, nBins: number, ratio: number, bitWidth: number): [Tensor, Tensor];
export function chooseQparamsOptimized<A extends Rebound<[input: Tensor, numel: number, nBins: number, ratio: number, bitWidth: number], ["input", "numel", "nBins", "ratio", "bitWidth"]>>(...args: A): [Tensor, Tensor];
export function chooseQparamsOptimized(input: Tensor, numel: number, nBins: number, ratio: number, bitWidth: number): [Tensor, Tensor] {
  if (arguments.length > 5) checkArgs("choose_qparams_optimized", arguments, 5);
  else if (arguments.length < 5 && isOptionsObject(arguments[arguments.length - 1])) {
    return rebind(chooseQparamsOptimized, "choose_qparams_optimized", arguments, ["input", "numel", "nBins", "ratio", "bitWidth"], 5);
  }
  const op = "choose_qparams_optimized";
  checkTensor(op, "input", input);
  checkInt(op, "numel", numel);
  checkInt(op, "n_bins", nBins);
  checkInt(op, "bit_width", bitWidth);
  if (input.dtype !== float32 || input.isQuantized) throw new Error(`expected scalar type Float but found ${scalarTypeName(input.dtype)}`);
  if (numel < 1 || numel > input.numel()) throw new Error(`${op}: numel ${numel} must be within [1, ${input.numel()}] (the input's elements)`);
  if (nBins < 1 || !(bitWidth >= 1 && bitWidth <= 8)) throw new Error(`${op}: expected n_bins >= 1 and bit_width in [1, 8], got ${nBins} and ${bitWidth}`);
  const { min, max } = chooseOptimizedRange(toNumbers(input.contiguous()), 0, numel, nBins, ratio, bitWidth);
  return [fromArray(Float32Array.of(max), [1], float32), fromArray(Float32Array.of(min), [1], float32)];
}
