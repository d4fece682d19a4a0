// The default device of torch.set_default_device: the device that PyTorch's factory functions use
// when a call gives none. PyTorch applies it to calls made from Python (a TorchFunctionMode), not to
// the tensors ATen makes internally; torch-ts draws the same line: the public factories exported as
// `torch.*` (src/ops/default-device.ts) and nn modules' parameters follow it, the ops' internal
// scratch tensors do not.

import type { Device } from "./storage.js";

/** null while the default is the CPU: the factories' one test on their hot path. */
let current: Device | null = null;

/** @internal The non-CPU default device, or null (the common case). */
export function defaultDeviceOrNull(): Device | null {
  return current;
}

/** @internal Sets it (a parsed device; null or the CPU restores the CPU). */
export function storeDefaultDevice(d: Device | null): void {
  current = d === null || d.type === "cpu" ? null : d;
}
