// Moving data between host arrays and GPU tensors. Uploads are queued after the work recorded so
// far; downloads are asynchronous (map a staging buffer after the copy), as WebGPU requires.

import { type GpuDType, type HostArray, type HostArrayOf, MAP_MODE_READ, bufferBytes, itemSize } from "./gpu-types.js";
import { f16ToF32, f32ToF16 } from "../../core/dtype.js";
import type { GpuContext } from "./context.js";
import { contiguous } from "./pointwise.js";
import { type GpuTensor, empty, isContiguous, numel, shapeStr } from "./tensor.js";

/**
 * Host arrays upload() accepts for each dtype (bool from 0/1 bytes, as torch-ts stores it;
 * float16 as the IEEE half bits in a Uint16Array, as torch-ts's CPU storages keep it).
 */
export type UploadSource = Float32Array | Int32Array | Uint32Array | Uint8Array | Uint16Array;

function hostDType(data: UploadSource): GpuDType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint16Array) return "float16";
  return "bool";
}

/** A new contiguous GPU tensor holding `data` with `shape` (default: 1-D). */
export function upload(
  ctx: GpuContext, data: UploadSource, shape: readonly number[] = [data.length], dtype: GpuDType = hostDType(data),
): GpuTensor {
  const n = numel(shape);
  if (n !== data.length) throw new Error(`webgpu upload: shape ${shapeStr(shape)} needs ${n} elements, got ${data.length}`);
  const expected = dtype === "float32" ? Float32Array : dtype === "int32" ? Int32Array : dtype === "float16" ? Uint16Array : null;
  if (expected && !(data instanceof expected)) {
    throw new Error(`webgpu upload: dtype ${dtype} needs a ${expected.name}, got ${data.constructor.name}`);
  }
  if (!expected && !(data instanceof Uint8Array || data instanceof Uint32Array)) {
    throw new Error(`webgpu upload: dtype bool needs a Uint8Array or Uint32Array, got ${data.constructor.name}`);
  }
  const t = empty(ctx, shape, dtype);
  if (n === 0) return t;
  let words: Float32Array | Int32Array | Uint32Array | Uint16Array;
  if (data instanceof Uint16Array) {
    // The bits as they are; WebGPU writes whole 4-byte words, so an odd count gets a zero half.
    words = data.length % 2 === 0 ? data : new Uint16Array(data.length + 1);
    if (words !== data) words.set(data);
  } else if (data instanceof Uint8Array) {
    words = new Uint32Array(n);
    for (let i = 0; i < n; i++) words[i] = data[i] !== 0 ? 1 : 0;
  } else {
    words = data;
  }
  ctx.writeBuffer(t.buffer, 0, words);
  return t;
}

/** The values of `t` in row-major order (bool as 0/1 bytes). Strided tensors are gathered first. */
export async function download<D extends GpuDType>(t: GpuTensor & { dtype: D }): Promise<HostArrayOf[D]>;
export async function download(t: GpuTensor): Promise<HostArray>;
export async function download(t: GpuTensor): Promise<HostArray> {
  if (t.buffer.isReleased) throw new Error("webgpu download: the tensor's GPU buffer was already released");
  const n = numel(t.shape);
  const size = itemSize(t.dtype);
  // Buffer copies start at multiples of 4 bytes: a float16 view at an odd offset is gathered first.
  const src = isContiguous(t) && (t.offset * size) % 4 === 0 ? t : contiguous(t);
  try {
    const bytes = n * size;
    const copied = bufferBytes(n, t.dtype);
    const ctx = t.ctx;
    const staging = ctx.acquireReadback(copied);
    let reusable = false;
    try {
      ctx.copyBuffer(src.buffer.raw, src.offset * size, staging, 0, copied);
      ctx.flush();
      await staging.mapAsync(MAP_MODE_READ, 0, Math.max(4, copied));
      const copy = staging.getMappedRange(0, Math.max(4, copied)).slice(0, bytes);
      staging.unmap();
      reusable = true;
      if (t.dtype === "float32") return new Float32Array(copy);
      if (t.dtype === "int32") return new Int32Array(copy);
      if (t.dtype === "float16") return new Uint16Array(copy);
      const words = new Uint32Array(copy);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = words[i] !== 0 ? 1 : 0;
      return out;
    } finally {
      // Only a buffer that was mapped, read and unmapped goes back (not after a failed map).
      if (reusable) ctx.releaseReadback(staging);
      else staging.destroy();
    }
  } finally {
    if (src !== t) src.buffer.release();
  }
}

/** The single value of a one-element tensor. */
export async function item(t: GpuTensor): Promise<number> {
  if (numel(t.shape) !== 1) throw new Error(`a Tensor with ${numel(t.shape)} elements cannot be converted to Scalar`);
  const v = (await download(t))[0]!;
  return t.dtype === "float16" ? f16ToF32(v) : v;
}

/** A contiguous tensor from nested shape and flat values, convenience for tests. */
export function fromArray(ctx: GpuContext, values: readonly number[], shape: readonly number[], dtype: GpuDType = "float32"): GpuTensor {
  const data = dtype === "float32" ? Float32Array.from(values) : dtype === "int32" ? Int32Array.from(values) :
    dtype === "float16" ? Uint16Array.from(values, f32ToF16) : Uint8Array.from(values);
  return upload(ctx, data, shape, dtype);
}

