// Options shared by every factory: device and requires_grad.

import type { Tensor } from "../core/tensor.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { toDeviceHook } from "./device-hooks.js";

/** Applies dtype-independent factory options: device and requires_grad. */
export function finishFactory(t: Tensor, opts: Record<string, unknown>): Tensor {
  let r = t;
  if (opts.device !== undefined && opts.device !== null) {
    const dev = toDevice(opts.device as DeviceLike);
    if (dev.type !== "cpu") r = toDeviceHook(r, dev);
  }
  if (opts.requiresGrad) r.requiresGrad_(true);
  return r;
}

