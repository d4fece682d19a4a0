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

// ---- device kernels ---------------------------------------------------------------------------
// Ops check `onDevice(...)` at their top and run `deviceOp(name)` for tensors off the CPU. A device
// backend fills the table (its module augments DeviceOps with the entries' types). Tensors off the
// CPU never reach the CPU kernels: their storage refuses to give host data.

/** Entries a device backend registers; declared empty here and augmented by the backend. */
export interface DeviceOps {}

const deviceOps: Partial<DeviceOps> = {};

/** Set once a tensor off the CPU exists, so that CPU-only programs pay one flag test per op. */
export const deviceState = { active: false };

export function registerDeviceOps(ops: Partial<DeviceOps>): void {
  Object.assign(deviceOps, ops);
}

function isDeviceTensor(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as { storage?: { device?: Device } }).storage?.device?.type === "webgpu";
}

/** Whether any argument (a tensor, or an array of tensors) lives off the CPU. */
export function onDevice(...args: unknown[]): boolean {
  if (!deviceState.active) return false;
  for (const a of args) {
    if (Array.isArray(a)) { for (const t of a) if (isDeviceTensor(t)) return true; }
    else if (isDeviceTensor(a)) return true;
  }
  return false;
}

/** PyTorch's message for an op the device has no kernel for (never a silent CPU fallback). */
export function notImplementedOnDevice(op: string, device = "webgpu"): Error {
  return new Error(`${op} is not implemented for the '${device}' device; move the tensors to the CPU first (await x.cpuAsync())`);
}

/**
 * The error of a synchronous op whose result's size depends on the values (nonzero, masked_select,
 * x[mask], unique) on a device, where reading that size back is asynchronous: it names the async form.
 */
export function valueSizedOnDevice(op: string, asyncForm: string, hint = "", device = "webgpu"): Error {
  return new Error(`${op}: the result's size depends on the values; on '${device}' use await ${asyncForm}${hint}`);
}

/** The error of a synchronous op that returns a plain value (a boolean) read from a device tensor: it names the async form. */
export function valueOnDevice(op: string, asyncForm: string, device = "webgpu"): Error {
  return new Error(`${op}: its result is a value read back from the device; on '${device}' use await ${asyncForm}`);
}

/** The device kernel `name`, or the not-implemented error of `op`. */
export function deviceOp<K extends keyof DeviceOps>(name: K, op: string = String(name)): NonNullable<DeviceOps[K]> {
  const f = deviceOps[name];
  if (!f) throw notImplementedOnDevice(op);
  return f as NonNullable<DeviceOps[K]>;
}
