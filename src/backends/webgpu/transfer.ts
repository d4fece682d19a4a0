// Moving data between host arrays and GPU tensors. Uploads are queued after the work recorded so
// far; downloads are asynchronous (map a staging buffer after the copy), as WebGPU requires.

import { BufferUsage, GPU_ITEMSIZE, type GpuDType, type HostArray, type HostArrayOf, MAP_MODE_READ } from "./gpu-types.js";
import type { GpuContext } from "./context.js";
import { contiguous } from "./pointwise.js";
import { type GpuTensor, empty, isContiguous, numel, shapeStr } from "./tensor.js";

/** Host arrays upload() accepts for each dtype (bool from 0/1 bytes, as torch-ts stores it). */
export type UploadSource = Float32Array | Int32Array | Uint32Array | Uint8Array;

function hostDType(data: UploadSource): GpuDType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

/** A new contiguous GPU tensor holding `data` with `shape` (default: 1-D). */
export function upload(
  ctx: GpuContext, data: UploadSource, shape: readonly number[] = [data.length], dtype: GpuDType = hostDType(data),
): GpuTensor {
  const n = numel(shape);
  if (n !== data.length) throw new Error(`webgpu upload: shape ${shapeStr(shape)} needs ${n} elements, got ${data.length}`);
  const expected = dtype === "float32" ? Float32Array : dtype === "int32" ? Int32Array : null;
  if (expected && !(data instanceof expected)) {
    throw new Error(`webgpu upload: dtype ${dtype} needs a ${expected.name}, got ${data.constructor.name}`);
  }
  if (!expected && !(data instanceof Uint8Array || data instanceof Uint32Array)) {
    throw new Error(`webgpu upload: dtype bool needs a Uint8Array or Uint32Array, got ${data.constructor.name}`);
  }
  const t = empty(ctx, shape, dtype);
  if (n === 0) return t;
  let words: Float32Array | Int32Array | Uint32Array;
  if (data instanceof Uint8Array) {
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
  const src = isContiguous(t) ? t : contiguous(t);
  try {
    const bytes = n * GPU_ITEMSIZE;
    const ctx = t.ctx;
    const staging = ctx.device.createBuffer({ size: Math.max(4, bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    try {
      ctx.copyBuffer(src.buffer.raw, src.offset * GPU_ITEMSIZE, staging, 0, bytes);
      ctx.flush();
      await staging.mapAsync(MAP_MODE_READ, 0, Math.max(4, bytes));
      const copy = staging.getMappedRange(0, Math.max(4, bytes)).slice(0, bytes);
      staging.unmap();
      if (t.dtype === "float32") return new Float32Array(copy);
      if (t.dtype === "int32") return new Int32Array(copy);
      const words = new Uint32Array(copy);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = words[i] !== 0 ? 1 : 0;
      return out;
    } finally {
      staging.destroy();
    }
  } finally {
    if (src !== t) src.buffer.release();
  }
}

/** The single value of a one-element tensor. */
export async function item(t: GpuTensor): Promise<number> {
  if (numel(t.shape) !== 1) throw new Error(`a Tensor with ${numel(t.shape)} elements cannot be converted to Scalar`);
  return (await download(t))[0]!;
}

/** A contiguous tensor from nested shape and flat values, convenience for tests. */
export function fromArray(ctx: GpuContext, values: readonly number[], shape: readonly number[], dtype: GpuDType = "float32"): GpuTensor {
  const data = dtype === "float32" ? Float32Array.from(values) : dtype === "int32" ? Int32Array.from(values) : Uint8Array.from(values);
  return upload(ctx, data, shape, dtype);
}

