// Autocast's state (PyTorch keeps it thread-local; JS runs ops on one thread, so it is global here,
// like grad mode) and the torch.* functions that query and set it. "webgpu" plays the part of
// PyTorch's "cuda": its lower-precision dtype defaults to float16 and the no-argument forms
// (isAutocastEnabled(), getAutocastGpuDtype()) speak of it.

import { DType, bfloat16, float16, toDType, type DTypeLike } from "../core/dtype.js";
import type { Tensor } from "../core/tensor.js";

export type AutocastDevice = "cpu" | "webgpu";

/**
 * What the hook at the top of each listed op tests: true while autocast is enabled for some device
 * and no autocast-listed op is running (PyTorch excludes the Autocast dispatch keys while a wrapped
 * op runs, so the ops it is made of are not cast again). One property load when autocast is off.
 */
export const autocasting = { on: false };

const enabled: Record<AutocastDevice, boolean> = { cpu: false, webgpu: false };
const lowerDtype: Record<AutocastDevice, DType> = { cpu: bfloat16, webgpu: float16 };
let cacheEnabled = true;
let nesting = 0;
let excluded = 0;
/** Casts of float32 leaf weights to the lower dtype, kept until the outermost region ends. */
let castCache = new WeakMap<Tensor, Tensor>();

function refresh(): void { autocasting.on = (enabled.cpu || enabled.webgpu) && excluded === 0; }

/** @internal Runs fn with autocast off (PyTorch's ExcludeDispatchKeyGuard around a wrapped op). */
export function withoutAutocast<T>(fn: () => T): T {
  excluded++;
  autocasting.on = false;
  try { return fn(); } finally { excluded--; refresh(); }
}

/** "cpu" or "webgpu" as autocast names them; anything else is PyTorch's error. */
export function autocastDevice(deviceType: unknown): AutocastDevice {
  if (deviceType === "cpu" || deviceType === "webgpu") return deviceType;
  if (typeof deviceType !== "string") throw new Error(`Expected \`device_type\` of type \`str\`, got: \`${typeof deviceType}\``);
  throw new Error(`User specified an unsupported autocast device_type '${deviceType}'`);
}

/** @internal Whether autocast is enabled for the device (ignoring a running wrapped op). */
export function deviceEnabled(device: AutocastDevice): boolean { return enabled[device]; }
/** @internal The device's lower-precision dtype. */
export function deviceDtype(device: AutocastDevice): DType { return lowerDtype[device]; }

/** @internal The cast cache (PyTorch's cached_casts). */
export function cachedCasts(): WeakMap<Tensor, Tensor> { return castCache; }

/** torch.amp.is_autocast_available(device_type). */
export function isAutocastAvailable(deviceType: string): boolean {
  if (typeof deviceType !== "string") throw new Error(`Expected \`device_type\` of type \`str\`, got: \`${typeof deviceType}\``);
  return deviceType === "cpu" || deviceType === "webgpu";
}

/** torch.is_autocast_enabled(device_type?): without an argument, the GPU's ("webgpu", PyTorch's "cuda"). */
export function isAutocastEnabled(deviceType?: string): boolean {
  return enabled[deviceType === undefined ? "webgpu" : autocastDevice(deviceType)];
}

/** torch.set_autocast_enabled(enabled) (the GPU's) or (device_type, enabled). */
export function setAutocastEnabled(deviceOrEnabled: string | boolean, on?: boolean): void {
  const device = typeof deviceOrEnabled === "boolean" ? "webgpu" : autocastDevice(deviceOrEnabled);
  const value = typeof deviceOrEnabled === "boolean" ? deviceOrEnabled : on;
  if (typeof value !== "boolean") throw new Error(`set_autocast_enabled(): enabled must be a bool, got ${typeof value}`);
  enabled[device] = value;
  refresh();
}

/** torch.get_autocast_dtype(device_type). */
export function getAutocastDtype(deviceType: string): DType { return lowerDtype[autocastDevice(deviceType)]; }
/** torch.set_autocast_dtype(device_type, dtype). */
export function setAutocastDtype(deviceType: string, dtype: DTypeLike): void { lowerDtype[autocastDevice(deviceType)] = toDType(dtype); }

export function isAutocastCpuEnabled(): boolean { return enabled.cpu; }
export function setAutocastCpuEnabled(on: boolean): void { setAutocastEnabled("cpu", on); }
export function getAutocastCpuDtype(): DType { return lowerDtype.cpu; }
export function setAutocastCpuDtype(dtype: DTypeLike): void { lowerDtype.cpu = toDType(dtype); }
export function getAutocastGpuDtype(): DType { return lowerDtype.webgpu; }
export function setAutocastGpuDtype(dtype: DTypeLike): void { lowerDtype.webgpu = toDType(dtype); }

/** torch.is_autocast_cache_enabled(): whether float32 leaf weights are cast once per region. */
export function isAutocastCacheEnabled(): boolean { return cacheEnabled; }
export function setAutocastCacheEnabled(on: boolean): void {
  if (typeof on !== "boolean") throw new Error(`set_autocast_cache_enabled(): enabled must be a bool, got ${typeof on}`);
  cacheEnabled = on;
}
/** torch.clear_autocast_cache(): drops the cached weight casts. */
export function clearAutocastCache(): void { castCache = new WeakMap(); }

/** torch.autocast_increment_nesting(): the region depth, counted by autocast's enter. */
export function autocastIncrementNesting(): number { return ++nesting; }
/** torch.autocast_decrement_nesting(): autocast's exit clears the cache when this reaches 0. */
export function autocastDecrementNesting(): number { return --nesting; }
