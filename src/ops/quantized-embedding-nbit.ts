// PyTorch 1.13's row-wise packed embedding bags of float weights without fbgemm
// (qembeddingbag_prepack.cpp's _qembeddingbag_nbit_prepack_helper and qembeddingbag_byte_prepack,
// qembeddingbag_unpack.cpp, qembeddingbag.cpp's embedding_lookup_fallback_impl), bit for bit. A
// 4-bit or 2-bit row is its values, 8 / bits per byte (element j in bits (j % perByte) * bits of byte
// floor(j / perByte)), then an fp16 scale and an fp16 bias (the row's minimum); an 8-bit row is its
// bytes, then a float32 scale and bias: value = scale * q + bias.
import { Tensor } from "../core/tensor.js";
import { f16ToF32, f32ToF16, float16, float32, int32, int64, scalarTypeName, uint8 } from "../core/dtype.js";
import { allocOutputArray } from "../core/storage.js";
import { fromArray, toNumbers } from "./engine.js";
import { roundHalfEven } from "./special-math.js";

const f32 = Math.fround;
const half = (v: number): number => f16ToF32(f32ToF16(v));

/** std::min_element and std::max_element of n values from `start` (NaN never replaces a kept value). */
function rowMinMax(x: ArrayLike<number>, start: number, n: number): [number, number] {
  let min = x[start]!, max = x[start]!;
  for (let i = start + 1; i < start + n; i++) {
    if (x[i]! < min) min = x[i]!;
    if (max < x[i]!) max = x[i]!;
  }
  return [min, max];
}

/** The L2 error of quantizing the row to [xmin, xmax] (calculate_quant_loss: float arithmetic, xmin rounded to fp16). */
function quantLoss(x: ArrayLike<number>, start: number, n: number, xmin: number, xmax: number, bits: number): number {
  xmin = half(xmin);
  const range = f32(xmax - xmin), qmax = (1 << bits) - 1;
  const scale = range === 0 ? 1 : half(f32(range / qmax));
  const inverse = scale === 0 ? 1 : f32(1 / scale);
  let norm = 0;
  for (let i = start; i < start + n; i++) {
    const q = Math.max(0, Math.min(roundHalfEven(f32(f32(x[i]! - xmin) * inverse)), qmax));
    const d = f32(x[i]! - f32(f32(q * scale) + xmin));
    norm = f32(norm + f32(d * d));
  }
  return f32(Math.sqrt(norm));
}

/**
 * at::choose_qparams_optimized's greedy search: from the row's [min, max], moves one end inwards by
 * (max - min) / nbins at a time, while more than (1 - ratio) of the range is left, keeping the range
 * with the least quantization error at a local optimum.
 */
export function chooseOptimizedRange(x: ArrayLike<number>, start: number, n: number, nbins: number, ratio: number, bits: number): { min: number; max: number } {
  let [xmin, xmax] = rowMinMax(x, start, n);
  const stepsize = f32(f32(xmax - xmin) / nbins);
  const minBins = Math.trunc(nbins * (1.0 - f32(ratio)));
  const loss = quantLoss(x, start, n, xmin, xmax, bits);
  let bestLoss = loss, curMin = xmin, curMax = xmax, curLoss = loss;
  const thr = f32(minBins * stepsize);
  while (f32(curMin + thr) < curMax) {
    const loss1 = quantLoss(x, start, n, f32(curMin + stepsize), curMax, bits);
    const loss2 = quantLoss(x, start, n, curMin, f32(curMax - stepsize), bits);
    if (curLoss < loss1 && curLoss < loss2 && curLoss < bestLoss) {
      bestLoss = curLoss;
      xmin = curMin;
      xmax = curMax;
    }
    if (loss1 < loss2) { curMin = f32(curMin + stepsize); curLoss = loss1; } else { curMax = f32(curMax - stepsize); curLoss = loss2; }
  }
  return { min: xmin, max: xmax };
}

/** quantized::embedding_bag_{4,2}bit_prepack: float32/float16 [rows, cols] -> uint8 [rows, cols * bits / 8 + 4]. */
export function nbitPrepack(weight: Tensor, bits: 4 | 2, optimized: boolean, nbins: number, ratio: number): Tensor {
  if (!(weight instanceof Tensor) || weight.isQuantized || (weight.dtype !== float32 && weight.dtype !== float16)) {
    throw new Error("'qembeddingbag_nbit_prepack' only support float32 or float16.");
  }
  if (weight.dim() !== 2) throw new Error(`qembeddingbag_${bits}bit_prepack: expected a 2-d weight, got ${weight.dim()}-d`);
  const perByte = 8 / bits, [rows, cols] = weight.shape as [number, number];
  if (cols % perByte !== 0) throw new Error(`qembeddingbag_${bits}bit_prepack only works for the number of columns a multiple of ${perByte}`);
  const x = toNumbers(weight.contiguous()), width = cols / perByte + 4, qmax = (1 << bits) - 1;
  const out = new Uint8Array(rows * width), view = new DataView(out.buffer);
  for (let r = 0; r < rows; r++) {
    let xmin: number, xmax: number;
    if (optimized) ({ min: xmin, max: xmax } = chooseOptimizedRange(x, r * cols, cols, nbins, ratio, bits));
    else [xmin, xmax] = rowMinMax(x, r * cols, cols);
    xmin = half(xmin);
    const range = f32(xmax - xmin);
    let scale = half(range === 0 ? 1 : f32(range / qmax));
    let inverse = scale === 0 ? 1 : f32(1 / scale);
    if (scale === 0 || !Number.isFinite(inverse)) { scale = 1; inverse = 1; }
    view.setUint16(r * width + cols / perByte, f32ToF16(scale), true);
    view.setUint16(r * width + cols / perByte + 2, f32ToF16(xmin), true);
    for (let c = 0; c < cols; c++) {
      // lrintf, then to int: NaN (LONG_MIN) keeps its low 32 bits, 0.
      const rounded = roundHalfEven(f32(f32(x[r * cols + c]! - xmin) * inverse));
      const q = Number.isNaN(rounded) ? 0 : Math.max(0, Math.min(rounded, qmax));
      out[r * width + Math.floor(c / perByte)]! |= q << ((c % perByte) * bits);
    }
  }
  return fromArray(out, [rows, width], uint8);
}

/** The packed bytes of a uint8 [rows, width] tensor (PyTorch's packed weight). */
function packedBytes(op: string, packed: Tensor): Uint8Array {
  if (!(packed instanceof Tensor)) throw new Error(`${op}: expected the packed uint8 weight tensor`);
  if (packed.dtype !== uint8) throw new Error(`expected scalar type Byte but found ${scalarTypeName(packed.dtype)}`);
  if (packed.dim() !== 2) throw new Error("Expected weight.dim() == 2 to be true, but got false.");
  return Uint8Array.from(toNumbers(packed.contiguous()));
}

/** The scale and bias of a packed row ending at byte `end`: fp16 (4 and 2 bits) or float32 (8 bits). */
function rowScaleBias(bytes: Uint8Array, end: number, bits: number): [number, number] {
  if (bits === 8) {
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    return [view.getFloat32(end - 8, true), view.getFloat32(end - 4, true)];
  }
  return [f16ToF32(bytes[end - 4]! | (bytes[end - 3]! << 8)), f16ToF32(bytes[end - 2]! | (bytes[end - 1]! << 8))];
}

/** Bytes after a packed row's values: fp16 scale and bias, or float32 ones for 8 bits. */
const tailBytes = (bits: number): number => (bits === 8 ? 8 : 4);

/**
 * quantized::embedding_bag_byte_prepack: float32/float16 [..., rows, cols] -> uint8 [..., cols + 8],
 * per row q = lrintf((x - min) * 255 / (range + 1e-8)), the float32 scale range / 255 and bias min.
 */
export function bytePrepack(weight: Tensor): Tensor {
  if (!(weight instanceof Tensor) || weight.isQuantized || (weight.dtype !== float32 && weight.dtype !== float16)) {
    throw new Error("'embedding_bag_byte_prepack' only support float32 or float16.");
  }
  if (weight.dim() < 1) throw new Error("embedding_bag_byte_prepack: expected a weight with at least one dim");
  const cols = weight.size(-1), rows = weight.numel() / Math.max(cols, 1), width = cols + 8;
  const x = toNumbers(weight.contiguous()), out = new Uint8Array(rows * width), view = new DataView(out.buffer);
  for (let r = 0; r < rows; r++) {
    const [min, max] = rowMinMax(x, r * cols, cols), range = f32(max - min);
    view.setFloat32(r * width + cols, f32(range / 255), true);
    view.setFloat32(r * width + cols + 4, min, true);
    const inverse = f32(255 / f32(range + f32(1e-8)));
    // lrintf, then stored in a byte: its low 8 bits.
    for (let c = 0; c < cols; c++) out[r * width + c] = roundHalfEven(f32(f32(x[r * cols + c]! - min) * inverse)) & 0xff;
  }
  return fromArray(out, [...weight.shape.slice(0, -1), width], uint8);
}

/** quantized::embedding_bag_byte_unpack: the float rows [..., cols - 8] of 8-bit packed rows. */
export function byteUnpack(packed: Tensor): Tensor {
  const op = "quantized::embedding_bag_byte_unpack";
  if (!(packed instanceof Tensor)) throw new Error(`${op}: expected the packed uint8 weight tensor`);
  if (packed.dtype !== uint8) throw new Error(`expected scalar type Byte but found ${scalarTypeName(packed.dtype)}`);
  if (packed.dim() < 1 || packed.size(-1) < 8) throw new Error(`${op}: expected rows of at least 8 bytes (the float32 scale and bias)`);
  const bytes = Uint8Array.from(toNumbers(packed.contiguous())), width = packed.size(-1), cols = width - 8, rows = bytes.length / width;
  const out = allocOutputArray(float32, rows * cols) as Float32Array;
  for (let r = 0; r < rows; r++) {
    const [scale, bias] = rowScaleBias(bytes, (r + 1) * width, 8);
    for (let c = 0; c < cols; c++) out[r * cols + c] = f32(f32(bytes[r * width + c]! * scale) + bias);
  }
  return fromArray(out, [...packed.shape.slice(0, -1), cols], float32);
}

/** quantized::embedding_bag_{4,2}bit_unpack: the float rows, scale * q + bias in float. */
export function nbitUnpack(op: string, packed: Tensor, bits: 4 | 2): Tensor {
  const bytes = packedBytes(op, packed), [rows, width] = packed.shape as [number, number];
  const perByte = 8 / bits, cols = (width - 4) * perByte, mask = (1 << bits) - 1;
  const out = allocOutputArray(float32, rows * cols) as Float32Array;
  for (let r = 0; r < rows; r++) {
    const [scale, bias] = rowScaleBias(bytes, (r + 1) * width, bits);
    for (let c = 0; c < cols; c++) {
      const q = (bytes[r * width + Math.floor(c / perByte)]! >> ((c % perByte) * bits)) & mask;
      out[r * cols + c] = f32(f32(scale * q) + bias);
    }
  }
  return fromArray(out, [rows, cols], float32);
}

/** A packed nbit table: PyTorch's uint8 [rows, width] bytes. */
export interface NbitTable { readonly bytes: Uint8Array; readonly rows: number; readonly width: number }

/** A packed nbit table from a uint8 weight tensor (the *_rowwise_offsets ops). */
export function nbitTable(op: string, packed: Tensor): NbitTable {
  return { bytes: packedBytes(op, packed), rows: packed.size(0), width: packed.size(1) };
}

function indexValues(t: Tensor, what: "indices" | "offsets"): number[] {
  if (t.dtype !== int64 && t.dtype !== int32) {
    throw new Error(`Expect 32 or 64 bit ${what}, but found ${scalarTypeName(t.dtype)} instead.`);
  }
  return Array.from(toNumbers(t.contiguous()), Number);
}

/**
 * _embedding_bag_nbit_helper: per bag, the sum over its indices of w * (scale * q + bias), as
 * fma(w * scale, q, out + w * bias) in double rounded to float; an embedding op (embedding_4bit)
 * has one index per bag and keeps 2-d indices' shape.
 */
export function nbitLookup(
  op: string, table: NbitTable, bits: 8 | 4 | 2, indices: Tensor, offsets: Tensor | null, perSampleWeights: Tensor | null,
  includeLastOffset: boolean, isEmbeddingOp: boolean,
): Tensor {
  if (perSampleWeights !== null) {
    if (!(perSampleWeights instanceof Tensor)) throw new Error(`${op}: per_sample_weights must be a tensor`);
    // The byte kernel reads float32 weights; the nbit ones convert fp16 ones.
    if (bits === 8 && perSampleWeights.dtype !== float32) throw new Error(`expected scalar type Float but found ${scalarTypeName(perSampleWeights.dtype)}`);
    if (perSampleWeights.dtype !== float32 && perSampleWeights.dtype !== float16) throw new Error(`Expect fp32 or fp16 weights, but found${scalarTypeName(perSampleWeights.dtype)} instead`);
  }
  if (!(indices instanceof Tensor)) throw new Error(`${op}: indices must be a tensor`);
  if (indices.dim() !== 1 && indices.dim() !== 2) throw new Error(`qembedding/qembedding_bag operator supports 1 or 2d indices, got ${indices.dim()}`);
  const name = bits === 8 ? "embedding_bag_byte" : "embedding_bag_4bit/embedding_bag_2bit";
  let offs: number[];
  if (indices.dim() === 2 && !isEmbeddingOp) {
    if (offsets !== null) throw new Error(`${name} operator: input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.`);
    offs = Array.from({ length: indices.size(0) }, (_, i) => i * indices.size(1));
  } else {
    if (offsets === null) throw new Error(`${name}${bits === 8 ? "" : " operator"} expects offsets to be set for 1D indices.`);
    if (!(offsets instanceof Tensor)) throw new Error(`${op}: offsets must be a tensor`);
    offs = [];
  }
  const idx = indexValues(indices, "indices");
  if (offsets !== null) {
    offs = indexValues(offsets, "offsets");
    if (offsets.dim() !== 1) throw new Error("Expected offsets.dim() == 1 to be true, but got false.");
  }
  const perByte = 8 / bits, mask = (1 << bits) - 1, { bytes, rows, width } = table;
  const D = (width - tailBytes(bits)) * perByte;
  // Bag lengths from consecutive offsets; the last bag runs to the end of indices unless include_last_offset.
  const lengths: number[] = [];
  for (let i = 1; i < offs.length; i++) lengths.push(offs[i]! - offs[i - 1]!);
  if (!includeLastOffset && offs.length) lengths.push(idx.length - offs[offs.length - 1]!);
  const weights = perSampleWeights === null ? null : Float32Array.from(toNumbers(perSampleWeights.contiguous()));
  const out = allocOutputArray(float32, lengths.length * D) as Float32Array;
  out.fill(0);
  let current = 0;
  lengths.forEach((length, m) => {
    if (current + length > idx.length) throw new Error("Expect the lengths data to be less than indices size");
    for (let i = 0; i < length; i++, current++) {
      const r = idx[current]!;
      if (!(r >= 0 && r < rows)) throw new Error("Invalid indices data");
      const w = weights ? weights[current]! : 1;
      const [s, b] = rowScaleBias(bytes, (r + 1) * width, bits);
      const scale = f32(w * s), bias = f32(w * b);
      for (let j = 0; j < D; j++) {
        const q = (bytes[r * width + Math.floor(j / perByte)]! >> ((j % perByte) * bits)) & mask, o = m * D + j;
        out[o] = f32(scale * q + f32(out[o]! + bias));
      }
    }
  });
  const shape = indices.dim() === 2 && isEmbeddingOp ? [indices.size(0), indices.size(1), D] : [lengths.length, D];
  return fromArray(out, shape, float32);
}
