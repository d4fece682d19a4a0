// Moving tensors between the CPU and the "webgpu" device. Uploads are synchronous (queued after the
// work recorded so far); readbacks are asynchronous, so the synchronous forms on a GPU tensor
// (item, tolist, toString, cpu(), to("cpu")) throw an error that names the async form.

import type { Complex } from "../core/complex.js";
import { Tensor } from "../core/tensor.js";
import { type DType, f32ToBf16, f32ToF16, int64 } from "../core/dtype.js";
import { type Device, Storage } from "../core/storage.js";
import { record } from "../autograd/record.js";
import { download } from "../backends/webgpu/transfer.js";
import { upload } from "../backends/webgpu/transfer.js";
import { GpuStorage, gpuOf, isGpuTensor, supportedOrThrow, wrapExact } from "./storage.js";
import { hostValues } from "./pointwise.js";
import { context } from "./runtime.js";

/** CPU → GPU (the device transfer hook of x.to / factories' device option). */
export function toDevice(t: Tensor, device: Device): Tensor {
  if (device.type === "cpu") {
    throw new Error(`to(): copying a tensor from ${t.device} to the CPU is asynchronous; use await x.cpuAsync()`);
  }
  if (device.index !== null && device.index !== 0) throw new Error(`to(): webgpu:${device.index} does not exist (the only WebGPU device is webgpu:0)`);
  if (isGpuTensor(t)) return t;
  const ctx = context("to");
  const g = supportedOrThrow("to", t.dtype);
  // float16/bfloat16 values are decoded to float32 exactly: nothing to round.
  const out = wrapExact(upload(ctx, hostValues(t, g), t._shape, g), t.dtype);
  if (!t.requiresGrad) return out;
  return record("ToCopyBackward0", [t], out, () => {
    throw new Error("backward through x.to('webgpu') needs a synchronous readback, which WebGPU does not have: move leaf tensors (and modules) to the device before computing with them");
  });
}

/** The values of a GPU tensor as a new CPU tensor (autograd: the gradient goes back to the GPU). */
export async function cpuAsync(t: Tensor): Promise<Tensor> {
  if (!isGpuTensor(t)) return t;
  const g = gpuOf(t);
  const host = await download(g);
  const out = new Tensor(new Storage(hostArray(host, t.dtype), t.dtype), t.shape);
  if (!t.requiresGrad) return out;
  const device = t.device;
  return record("ToCopyBackward0", [t], out, ([gr]) => [gr!.to(device)]);
}

function hostArray(host: Float32Array | Int32Array | Uint8Array | Uint16Array, dtype: DType): Float32Array | Int32Array | Uint8Array | Uint16Array | BigInt64Array | Int8Array | Int16Array {
  if (dtype === int64) return BigInt64Array.from(host as Int32Array, (v) => BigInt(v));
  // The device holds int8/uint8/int16 as int32 values of the type: narrowing them back is exact.
  if (dtype.name === "int8") return Int8Array.from(host as Int32Array);
  if (dtype.name === "uint8") return Uint8Array.from(host as Int32Array);
  if (dtype.name === "int16") return Int16Array.from(host as Int32Array);
  // f16 storage holds the bits the CPU keeps.
  if (host instanceof Uint16Array) return host;
  // Else the device holds 16-bit floats as float32 values of the format: encoding them back is exact.
  if (dtype.name === "float16") return Uint16Array.from(host as Float32Array, f32ToF16);
  if (dtype.name === "bfloat16") return Uint16Array.from(host as Float32Array, f32ToBf16);
  return host;
}

/** Python's item(), asynchronously. */
export async function itemAsync(t: Tensor): Promise<number | boolean | bigint | Complex> {
  if (t.numel() !== 1) throw new Error(`a Tensor with ${t.numel()} elements cannot be converted to Scalar`);
  return (await cpuAsync(t.detach())).item();
}

/** tolist(), asynchronously. */
export async function tolistAsync(t: Tensor): Promise<ReturnType<Tensor["tolist"]>> {
  return (await cpuAsync(t.detach())).tolist();
}

/** x.to(device) that also moves GPU tensors back: `await x.toAsync("cpu")`. */
export async function toAsync(t: Tensor, device: string | Device): Promise<Tensor> {
  const target = typeof device === "string" ? device.split(":")[0] : device.type;
  if (target === "cpu") return cpuAsync(t);
  return t.to(device as "webgpu");
}

/** Drops this tensor's reference to its GPU memory (`using x = ...`); a no-op on the CPU. */
export function dispose(t: Tensor): void {
  if (t.storage instanceof GpuStorage) t.storage._dispose(t);
}
