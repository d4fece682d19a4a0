// The storage of a quantized tensor (torch.quint8 / qint8 / qint32): the integer representation
// (uint8 / int8 / int32) and the affine quantizer, value = (q - zero_point) * scale. Its `data`
// throws PyTorch's "Could not run 'aten::<op>' with arguments from the 'QuantizedCPU' backend",
// naming the op (core/op-name.ts): every kernel refuses a quantized tensor instead of reading its
// integers as values. The quantize ops read and write `raw` directly.
//
// Per-channel parameters belong to the storage's layout (the contiguous tensor quantizePerChannel
// made): the channel of storage element i is floor(i / channelStride) % channels. A view's own
// parameters (viewQuantizerOf) follow from its geometry, so that a slice keeps its channels' scales.

import type { DType, StorageArray } from "./dtype.js";
import { Storage } from "./storage.js";
import { backendRefusal, currentOpName } from "./op-name.js";
import { formatScalarForRepr, formatTensor } from "./printing.js";
import type { Tensor } from "./tensor.js";
import { subByteBits, subByteStorageBytes } from "./sub-byte.js";

export type QuantizedArray = Uint8Array | Int8Array | Int32Array;

export interface PerTensorQuantizer { readonly scheme: "per_tensor_affine"; readonly scale: number; readonly zeroPoint: number }
export interface PerChannelQuantizer {
  /**
   * per_channel_affine_float_qparams (embedding weights) has float32 scales and float zero points,
   * and PyTorch refuses every view of it but the whole tensor.
   */
  readonly scheme: "per_channel_affine" | "per_channel_affine_float_qparams";
  /** Scales as PyTorch keeps them (float64; float32 values for float qparams) and zero points, one per channel. */
  readonly scales: Float64Array;
  readonly zeroPoints: readonly number[];
  readonly axis: number;
}
export type Quantizer = PerTensorQuantizer | PerChannelQuantizer;

/** How the channels of a per-channel storage are laid out in it. */
interface ChannelLayout { readonly channelStride: number; readonly channels: number }

/** The geometry of a tensor over a storage (what the Tensor constructor hands to `_attach`). */
interface Geometry { readonly _shape: readonly number[]; readonly _strides: readonly number[]; readonly _offset: number }

export class QuantizedStorage extends Storage {
  /** Set for per-channel storages: the layout their quantizer's channels refer to. */
  readonly channelLayout: ChannelLayout | null;
  /** The rank of the tensor the storage was made for. */
  readonly shapeRank: number;
  /** The shape of the tensor the storage was made for. */
  readonly madeShape: readonly number[];
  /** quint4x2 / quint2x4: bits per element (raw holds one element per uint8); null for 8 bits and more. */
  readonly bits: 4 | 2 | null;
  constructor(readonly raw: QuantizedArray, dtype: DType, readonly quantizer: Quantizer, shape: readonly number[]) {
    super(null as unknown as StorageArray, dtype);
    this.shapeRank = shape.length;
    this.madeShape = shape.slice();
    this.bits = subByteBits(dtype);
    if (quantizer.scheme !== "per_tensor_affine") {
      let channelStride = 1;
      for (let d = quantizer.axis + 1; d < shape.length; d++) channelStride *= shape[d]!;
      this.channelLayout = { channelStride, channels: shape[quantizer.axis]! };
    } else {
      this.channelLayout = null;
    }
  }
  override get _array(): StorageArray { return this.raw; }
  override _replaceArray(a: StorageArray): void { (this as { raw: QuantizedArray }).raw = a as QuantizedArray; }
  override get length(): number { return this.raw.length; }
  override get _memory(): object { return this.raw.buffer; }
  override _releaseToCache(): boolean { return false; }
  override _reinterpret(): Storage | null { throw new Error(`${currentOpName()}: a quantized tensor cannot be viewed as another dtype`); }
  /** The channel of storage element i (per-channel storages). */
  channelOf(i: number): number {
    const l = this.channelLayout!;
    return Math.floor(i / (l.channelStride || 1)) % l.channels;
  }
  /**
   * The value of storage element i, as PyTorch 1.13's vectorized CPU dequantize computes it (bit
   * for bit): per tensor, q - zero_point in int32 arithmetic (wrapping, as qint32's does), converted
   * to float32 and multiplied by the float32 scale; per channel, float(q) - zero_point in float32
   * times the double scale, rounded to float32.
   */
  valueAt(i: number): number {
    const q = this.quantizer;
    if (q.scheme === "per_tensor_affine") return Math.fround(Math.fround((this.raw[i]! - q.zeroPoint) | 0) * Math.fround(q.scale));
    const c = this.channelOf(i);
    return Math.fround(Math.fround(Math.fround(this.raw[i]!) - q.zeroPoints[c]!) * q.scales[c]!);
  }
  /** PyTorch's repr: the dequantized values, size=, dtype= and the quantizer's parameters. */
  override _format(tensor: object): string {
    const t = tensor as Tensor, idx = t._storageIndices(), q = viewQuantizerOf(this, t);
    const suffixes = [`quantization_scheme=torch.${q.scheme}`];
    if (q.scheme === "per_tensor_affine") suffixes.push(`scale=${formatScalarForRepr(q.scale, "float")}`, `zero_point=${q.zeroPoint}`);
    else {
      const vector = (dtype: "float32" | "float64" | "int64", at: (i: number) => number): string =>
        formatTensor({ shape: [q.scales.length], dtype, at, requiresGrad: false, gradFnName: null, device: "cpu" });
      const floatQparams = q.scheme === "per_channel_affine_float_qparams";
      suffixes.push(`scale=${vector(floatQparams ? "float32" : "float64", (i) => q.scales[i]!)}`, `zero_point=${vector(floatQparams ? "float32" : "int64", (i) => q.zeroPoints[i]!)}`, `axis=${q.axis}`);
    }
    return formatTensor({
      shape: t._shape, dtype: "float32", at: (i) => this.valueAt(idx[i]!), requiresGrad: false, gradFnName: null, device: "cpu",
      quantization: { dtype: this.dtype.name, suffixes },
    });
  }
  /** Views of a per-channel tensor must keep one channel dim (PyTorch refuses reordered ones too). */
  override _attach(tensor: object): void {
    if (this.channelLayout) viewQuantizerOf(this, tensor as Geometry);
    else if (this.bits !== null) checkWholeSubByteView(this, tensor as Geometry);
  }
}
Object.defineProperty(QuantizedStorage.prototype, "data", {
  get(): never { throw backendRefusal("QuantizedCPU"); },
  configurable: true,
});

/** The quantizer of a tensor over `storage` with this geometry; throws for a view that mixes channels. */
export function viewQuantizerOf(storage: QuantizedStorage, t: Geometry): Quantizer {
  const q = storage.quantizer;
  if (q.scheme === "per_tensor_affine") return q;
  const { channelStride, channels } = storage.channelLayout!;
  const shape = t._shape, strides = t._strides;
  if (q.scheme === "per_channel_affine_float_qparams") {
    const whole = t._offset === 0 && shape.length === storage.shapeRank && shape.reduce((a, b) => a * b, 1) === storage.raw.length && isContiguous(shape, strides);
    if (!whole) throw new Error("Setting strides is possible only on uniformly or per channel quantized tensors");
    return q;
  }
  if (shape.includes(0)) return q;
  // Dims of size 1 do not move; the others must keep their order and not repeat elements.
  const moving = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  for (let k = 0; k < moving.length; k++) {
    const s = strides[moving[k]!]!;
    if (s === 0 || (k > 0 && s > strides[moving[k - 1]!]!)) throw new Error("Setting strides is possible only on uniformly quantized tensor");
  }
  const first = storage.channelOf(t._offset);
  const within = t._offset % channelStride;
  const refuse = (): never => {
    throw new Error(`${currentOpName()}: this view of a per-channel quantized tensor (axis ${q.axis}) mixes its channels; view the tensor so that one dim runs over the channels`);
  };
  let axis = moving.find((d) => strides[d] === channelStride);
  if (axis === undefined) axis = shape.findIndex((n, d) => n === 1 && strides[d] === channelStride);
  let inner = within;
  for (const d of moving) {
    if (d === axis) continue;
    const s = strides[d]!;
    if (s < channelStride) inner += (shape[d]! - 1) * s;
    else if (s % (channelStride * channels) !== 0) refuse();
  }
  if (inner >= channelStride) refuse();
  if (axis === -1) {
    // One channel only (a select of the channel dim): PyTorch gives a per-tensor quantized tensor.
    return { scheme: "per_tensor_affine", scale: Math.fround(q.scales[first]!), zeroPoint: q.zeroPoints[first]! };
  }
  const count = shape[axis]!;
  if (first + count > channels) refuse();
  if (first === 0 && count === channels && axis === q.axis) return q;
  return { scheme: q.scheme, scales: q.scales.slice(first, first + count), zeroPoints: q.zeroPoints.slice(first, first + count), axis };
}

/**
 * A sub-byte tensor's views are the whole tensor (view, reshape, flatten): PyTorch addresses its
 * packed bytes as elements in any other view, and refuses those that reach past its byte-sized
 * storage (its words); torch-ts refuses the rest too.
 */
function checkWholeSubByteView(storage: QuantizedStorage, t: Geometry): void {
  const shape = t._shape, n = shape.reduce((a, b) => a * b, 1);
  if (t._offset === 0 && n === storage.raw.length && isContiguous(shape, t._strides)) return;
  const bytes = subByteStorageBytes(storage.madeShape, storage.bits!);
  const needed = n === 0 ? 0 : shape.reduce((a, size, d) => a + (size - 1) * t._strides[d]!, t._offset + 1);
  if (needed > bytes) {
    throw new Error(`setStorage: sizes [${shape.join(", ")}], strides [${t._strides.join(", ")}], storage offset ${t._offset}, and itemsize 1 requiring a storage size of ${needed} are out of bounds for storage of size ${bytes}`);
  }
  throw new Error(`${currentOpName()}: a view of a ${storage.dtype.name} tensor must be the whole tensor (view, reshape): PyTorch addresses its packed bytes as elements in other views`);
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  for (let d = shape.length - 1, expected = 1; d >= 0; expected *= shape[d]!, d--) if (shape[d]! !== 1 && strides[d] !== expected) return false;
  return true;
}
