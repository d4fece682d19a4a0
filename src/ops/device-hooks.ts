// Moving tensors between devices goes through a hook that a device backend (WebGPU) registers,
// so the CPU core has no dependency on it.

import type { Tensor } from "../core/tensor.js";
import type { Device } from "../core/storage.js";

type Transfer = (t: Tensor, device: Device) => Tensor;
let transfer: Transfer | null = null;

export function registerDeviceTransfer(f: Transfer): void { transfer = f; }

export function toDeviceHook(t: Tensor, device: Device): Tensor {
  if (device.type === t.device.type) return t;
  if (!transfer) throw new Error(`to(): device '${device}' is not available in this build (no ${device.type} backend is loaded)`);
  return transfer(t, device);
}
