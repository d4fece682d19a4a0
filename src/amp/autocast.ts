// torch.autocast / torch.amp.autocast / torch.cpu.amp.autocast as callbacks (API.md's rule for
// context managers, like torch.noGrad(fn)): the region's enter and exit are PyTorch's
// autocast.__init__/__enter__/__exit__, around fn. An async fn keeps the region until it settles.

import { runScoped } from "../core/scope.js";
import { bfloat16, float16, toDType, type DType, type DTypeLike } from "../core/dtype.js";
import { warnOnce } from "../core/warnings.js";
import { isOptionsObject } from "../ops/args.js";
import {
  autocastDecrementNesting, autocastDevice, autocastIncrementNesting, clearAutocastCache, getAutocastDtype,
  isAutocastCacheEnabled, isAutocastEnabled, setAutocastCacheEnabled, setAutocastDtype, setAutocastEnabled,
} from "./state.js";

export interface AutocastOptions { dtype?: DTypeLike | null; enabled?: boolean; cacheEnabled?: boolean | null }
const OPTION_NAMES = ["dtype", "enabled", "cacheEnabled"];

/**
 * torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): runs fn with the
 * device's autocast-listed ops in mixed precision and returns fn's result.
 * `torch.autocast("cpu", () => model.call(x))`, `torch.autocast("cpu", { dtype: torch.float16 }, fn)`.
 */
export function autocast<T>(deviceType: string, fn: () => T): T;
export function autocast<T>(deviceType: string, options: AutocastOptions, fn: () => T): T;
export function autocast<T>(deviceType: string, optionsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
  const [options, fn] = splitCallback("autocast", optionsOrFn, maybeFn);
  const device = autocastDevice(deviceType);
  const fastDtype = options.dtype == null ? getAutocastDtype(device) : toDType(options.dtype);
  const cacheEnabled = options.cacheEnabled ?? isAutocastCacheEnabled();
  let enabled = options.enabled ?? true;
  if (typeof enabled !== "boolean") throw new Error(`autocast: enabled must be a bool, got ${typeof enabled}`);
  if (typeof cacheEnabled !== "boolean") throw new Error(`autocast: cache_enabled must be a bool, got ${typeof cacheEnabled}`);
  if (enabled && fastDtype !== bfloat16 && fastDtype !== float16) {
    const name = device === "cpu" ? "CPU" : "webgpu";
    warnOnce(`In ${name} autocast, but the target dtype is not supported. Disabling autocast.\n` +
      `${name} Autocast only supports dtype of torch.bfloat16, torch.float16 currently.`);
    enabled = false;
  }
  return region(device, enabled, fastDtype, cacheEnabled, fn);
}

/** torch.cpu.amp.autocast(enabled=True, dtype=torch.bfloat16, cache_enabled=True): autocast("cpu", ...). */
export function cpuAutocast<T>(fn: () => T): T;
export function cpuAutocast<T>(options: AutocastOptions, fn: () => T): T;
export function cpuAutocast<T>(optionsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
  const [options, fn] = splitCallback("cpu.amp.autocast", optionsOrFn, maybeFn);
  return autocast("cpu", { dtype: options.dtype ?? bfloat16, enabled: options.enabled ?? true, cacheEnabled: options.cacheEnabled ?? true }, fn);
}

function splitCallback<T>(op: string, optionsOrFn: AutocastOptions | (() => T), maybeFn: (() => T) | undefined): [AutocastOptions, () => T] {
  if (typeof optionsOrFn === "function") {
    if (maybeFn !== undefined) throw new Error(`${op}: expected (options, fn) or (fn)`);
    return [{}, optionsOrFn];
  }
  if (!isOptionsObject(optionsOrFn) || typeof maybeFn !== "function") throw new Error(`${op}: expected (options, fn) or (fn), where fn is the region's code`);
  for (const k of Object.keys(optionsOrFn)) {
    if (!OPTION_NAMES.includes(k)) throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
  }
  return [optionsOrFn, maybeFn];
}

function region<T>(device: "cpu" | "webgpu", enabled: boolean, dtype: DType, cacheEnabled: boolean, fn: () => T): T {
  const prevCache = isAutocastCacheEnabled(), prevEnabled = isAutocastEnabled(device), prevDtype = getAutocastDtype(device);
  setAutocastEnabled(device, enabled);
  setAutocastDtype(device, dtype);
  autocastIncrementNesting();
  setAutocastCacheEnabled(cacheEnabled);
  const exit = () => {
    // The cache lives until the outermost region ends (it holds casts of the weights).
    if (autocastDecrementNesting() === 0) clearAutocastCache();
    setAutocastEnabled(device, prevEnabled);
    setAutocastDtype(device, prevDtype);
    setAutocastCacheEnabled(prevCache);
  };
  return runScoped(fn, exit);
}
