// PyTorch's LazyModuleMixin, as functions the lazy module classes call (not exported from torch.nn).
// A lazy module holds UninitializedParameter/UninitializedBuffer placeholders and draws no random
// numbers when built; its first call infers the sizes from the input, materializes the
// placeholders in place, initialises them exactly as the eager module does (same draws, same
// order), and then the object becomes the eager class (PyTorch's cls_to_become).

import type { Module } from "./module.js";
import { type UninitializedOptions, isUninitialized, placeOnDevice } from "./parameter.js";
import type { DTypeLike } from "../core/dtype.js";
import type { DeviceLike } from "../core/storage.js";

/** PyTorch's has_uninitialized_params: whether a parameter or buffer still awaits its shape. */
export function hasUninitializedParams(m: Module): boolean {
  return m._ownParameters().some(([, p]) => isUninitialized(p)) || m._ownBuffers().some(([, b]) => isUninitialized(b));
}

/**
 * PyTorch's _infer_parameters: `initialize` materializes and initialises from the first input;
 * then every placeholder must be gone, and the module becomes `becomes`. When loadStateDict has
 * already materialized the placeholders, `fromShapes` sets the inferred size from their shapes
 * instead (PyTorch leaves it 0 there, which its forward never reads but torch-ts's checks do).
 */
export function inferParameters(m: Module, becomes: abstract new (...args: never[]) => Module, initialize: () => void, fromShapes: () => void): void {
  if (hasUninitializedParams(m)) initialize();
  else fromShapes();
  if (hasUninitializedParams(m)) throw new Error(`module ${m.constructor.name} has not been fully initialized`);
  for (const [, p] of m._ownParameters()) if (p) placeOnDevice(p);
  for (const [, b] of m._ownBuffers()) if (b) placeOnDevice(b);
  Object.setPrototypeOf(m, becomes.prototype);
}

/** The device/dtype keywords of a lazy module's constructor, for its placeholders. */
export function placeholderFactory(a: Record<string, unknown>): UninitializedOptions {
  return { ...(a.dtype ? { dtype: a.dtype as DTypeLike } : {}), ...(a.device ? { device: a.device as DeviceLike } : {}) };
}
