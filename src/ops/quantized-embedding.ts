// PyTorch 1.13's quantized embedding lookups (qembeddingbag_prepack.cpp, qembeddingbag.cpp, the
// non-fbgemm fallback, which computes what fbgemm's kernel does): a quint8 weight with a float scale
// and zero point per row (per_channel_affine_float_qparams) is packed as its integers with, per row,
// the scale and bias = -zero_point * scale; a bag's output is the sum over its indices of
// per_sample_weight * (scale * q + bias), accumulated in float as fma(w * scale, q, out + w * bias).
import { Tensor } from "../core/tensor.js";
import { float32 } from "../core/dtype.js";
import { QuantizedStorage } from "../core/quantized-storage.js";
import { allocOutputArray } from "../core/storage.js";
import { fromArray, toNumbers } from "./engine.js";
import { type NbitTable } from "./quantized-embedding-nbit.js";
import { f32ToF16 } from "../core/dtype.js";

const f32 = Math.fround;

/**
 * torch.ops.quantized.embedding_bag_prepack's result: a quint8 or quint4x2 float-qparams weight,
 * packed. quint4x2 rows are packed as embedding_bag_4bit_prepack packs them, with the scale and
 * bias rounded to fp16 (quantized-embedding-nbit.ts reads them).
 */
export class EmbeddingPackedParams {
  /** @internal The integers, row-major [rows, cols]. */ readonly ints: Uint8Array;
  /** @internal Per row: float32 scale and bias. */ readonly scales: Float32Array;
  /** @internal */ readonly biases: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** 8 (quint8) or 4 (quint4x2). */
  readonly bitRate: 8 | 4;
  /** @internal quint4x2: PyTorch's packed rows (values, fp16 scale, fp16 bias). */ readonly nbit: NbitTable | null;
  constructor(readonly weight: Tensor) {
    const op = "quantized::embedding_bag_prepack";
    if (!(weight instanceof Tensor) || weight.dim() !== 2) throw new Error(`${op}: weight tensor rank should be 2`);
    if (weight.dtype.name !== "quint8" && weight.dtype.name !== "quint4x2") throw new Error("qembedding_bag_prepack currently only supports quint8 and quint4x2 weights");
    const storage = weight.storage as QuantizedStorage, q = storage.quantizer;
    if (q.scheme !== "per_channel_affine_float_qparams") throw new Error("Expect embedding_bag weights to be quantized using kPerChannelAffineFloatQParams");
    [this.rows, this.cols] = weight.shape as [number, number];
    this.bitRate = weight.dtype.name === "quint8" ? 8 : 4;
    // PyTorch copies each row's bytes from row * ceil(cols / 2) of the flat-packed values: misaligned for odd rows.
    if (this.bitRate === 4 && this.cols % 2 !== 0) throw new Error(`${op}: a quint4x2 weight needs an even number of columns, got ${this.cols} (PyTorch 1.13 packs odd ones misaligned)`);
    const idx = weight._storageIndices();
    this.ints = Uint8Array.from(idx, (i) => storage.raw[i]!);
    this.scales = Float32Array.from(q.scales);
    this.biases = Float32Array.from(q.zeroPoints, (z, r) => f32(f32(z * this.scales[r]!) * -1));
    this.nbit = this.bitRate === 4 ? packNbitRows(this.ints, this.rows, this.cols, this.scales, this.biases) : null;
  }
  /** The quantized weight, as torch.ops.quantized.embedding_bag_unpack gives it. */
  unpack(): Tensor { return this.weight; }
}

/** 4-bit rows as PyTorch's prepack writes them: two values a byte (low nibble first), fp16 scale, fp16 bias. */
function packNbitRows(ints: Uint8Array, rows: number, cols: number, scales: Float32Array, biases: Float32Array): NbitTable {
  const width = cols / 2 + 4, bytes = new Uint8Array(rows * width), view = new DataView(bytes.buffer);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) bytes[r * width + (c >> 1)]! |= ints[r * cols + c]! << ((c & 1) * 4);
    view.setUint16(r * width + cols / 2, f32ToF16(scales[r]!), true);
    view.setUint16(r * width + cols / 2 + 2, f32ToF16(biases[r]!), true);
  }
  return { bytes, rows, width };
}

function integerIndices(op: string, name: string, t: Tensor): number[] {
  if (!(t instanceof Tensor) || (t.dtype.name !== "int64" && t.dtype.name !== "int32")) throw new Error(`${op}: expected ${name} to be an int64 or int32 tensor, got ${t instanceof Tensor ? t.dtype.name : typeof t}`);
  return Array.from(toNumbers(t.contiguous()), Number);
}

/**
 * quantized::embedding_bag_byte(weight, indices, offsets, scale_grad_by_freq, mode, pruned_weights,
 * per_sample_weights, compressed_indices_mapping, include_last_offset): sums (mode 0) of the rows
 * of each bag; `embedding` set gives embedding_byte's [*indices.shape, dim] rows.
 */
export function quantizedEmbeddingBagByte(
  op: string, packed: EmbeddingPackedParams, indices: Tensor, offsets: Tensor | null, perSampleWeights: Tensor | null,
  includeLastOffset: boolean, embedding: boolean,
): Tensor {
  if (!(packed instanceof EmbeddingPackedParams)) throw new Error(`${op}: expected the packed weight of torch.ops.quantized.embedding_bag_prepack`);
  if (packed.bitRate !== 8) throw new Error(`${op}: the weight is packed with 4 bits (quint4x2); use the 4-bit op (PyTorch reads its bytes as 8-bit rows)`);
  const idx = integerIndices(op, "indices", indices);
  let offs: number[];
  if (embedding) offs = idx.map((_, i) => i);
  else {
    if (offsets === null) {
      if (indices.dim() !== 2) throw new Error(`${op}: offsets are needed for 1-d indices`);
      offs = Array.from({ length: indices.size(0) }, (_, i) => i * indices.size(1));
    } else {
      if (indices.dim() !== 1 || offsets.dim() !== 1) throw new Error(`${op}: expected 1-d indices and offsets`);
      offs = integerIndices(op, "offsets", offsets);
    }
  }
  const bags = includeLastOffset ? offs.length - 1 : offs.length;
  if (!includeLastOffset) offs.push(idx.length);
  let weights: Float32Array | null = null;
  if (perSampleWeights !== null) {
    if (!(perSampleWeights instanceof Tensor) || perSampleWeights.dtype !== float32) throw new Error(`${op}: per_sample_weights must be a float32 tensor`);
    if (perSampleWeights.numel() !== idx.length) throw new Error(`${op}: expected per_sample_weights to have ${idx.length} elements, got ${perSampleWeights.numel()}`);
    weights = Float32Array.from(toNumbers(perSampleWeights.contiguous()));
  }
  const D = packed.cols, out = allocOutputArray(float32, Math.max(bags, 0) * D) as Float32Array;
  for (let m = 0; m < bags; m++) {
    const start = offs[m]!, end = offs[m + 1]!;
    if (start > end || end > idx.length) throw new Error("Expect the lengths data to be less than indices size");
    for (let i = start; i < end; i++) {
      const r = idx[i]!;
      if (!(r >= 0 && r < packed.rows)) throw new Error("Invalid indices data");
      const w = weights ? weights[i]! : 1, scale = f32(w * packed.scales[r]!), bias = f32(w * packed.biases[r]!);
      for (let j = 0; j < D; j++) {
        const o = m * D + j;
        // std::fma with a uint8 argument runs in double: one rounding of scale * q + (out + bias), then to float.
        out[o] = f32(scale * packed.ints[r * D + j]! + f32(out[o]! + bias));
      }
    }
  }
  const shape = embedding ? [...indices.shape, D] : [Math.max(bags, 0), D];
  return fromArray(out, shape, float32);
}
