// Options shared by every factory: device and requires_grad.

import type { Tensor } from "../core/tensor.js";
import type { DType } from "../core/dtype.js";
import { type DeviceLike, toDevice } from "../core/storage.js";
import { toDeviceHook } from "./device-hooks.js";
import { memoryFormatArg, stridesForLike } from "../core/memory-format.js";
import { contiguousStrides } from "../core/shape.js";
import { setNames } from "./named-engine.js";
import { cppDouble, pyType } from "./args.js";
import { Complex } from "../core/complex.js";

/** How a device factory fills its tensor: a value (null: unspecified), arange's start + i * step, or eye's identity. */
export type DeviceInit = { fill: number | bigint | boolean | null } | { arange: readonly [start: number, step: number] } | { eye: true };

/** The device backend's factory entry, when one is loaded. */
let deviceFactoryHook: ((op: string, shape: readonly number[], dtype: DType, init: DeviceInit) => Tensor) | null = null;

export function registerDeviceFactory(f: NonNullable<typeof deviceFactoryHook>): void { deviceFactoryHook = f; }

/** A factory's sizes: PyTorch's error for a negative one (which no storage can hold). */
export function checkFactoryShape(op: string, shape: readonly number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: Trying to create tensor with negative dimension ${s}: [${shape.join(", ")}]`);
  }
}

/** PyTorch's `Number` parameter (a start, an end, a fill value): Python's TypeError for anything else. */
export function checkNumberArg(op: string, name: string, position: number, v: unknown): void {
  if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean" && !(v instanceof Complex)) {
    throw new Error(`${op}(): argument '${name}' (position ${position}) must be Number, not ${pyType(v)}`);
  }
}

/** PyTorch's `int` parameter (steps, n): an integral number or bigint, not a bool. */
export function checkIntArg(op: string, name: string, position: number, v: unknown): void {
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return;
  throw new Error(`${op}(): argument '${name}' (position ${position}) must be int, not ${pyType(v)}`);
}

/** Python's refusal of arguments no overload takes (the first line of its message). */
export function invalidCombination(op: string, args: readonly unknown[]): Error {
  return new Error(`${op}() received an invalid combination of arguments - got (${args.map(pyType).join(", ")}), but expected one of:`);
}

/** arange's and range's bounds must be finite (PyTorch's check, after step's). */
export function checkFiniteRange(start: number, end: number): void {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`unsupported range: ${cppDouble(start)} -> ${cppDouble(end)}`);
}

/**
 * The factory's tensor made directly on `device` (allocated and filled there: no host buffer, no
 * upload), with requires_grad applied; null when the device is the CPU or no backend serves it.
 */
export function deviceFactory(op: string, shape: readonly number[], dtype: DType, init: DeviceInit, device: unknown, requiresGrad: unknown): Tensor | null {
  if (device === undefined || device === null || !deviceFactoryHook) return null;
  if (toDevice(device as DeviceLike).type === "cpu") return null;
  if (dtype.isComplex) throw new Error(`${op}: complex tensors (${dtype}) are not supported on the ${toDevice(device as DeviceLike).type} device`);
  checkFactoryShape(op, shape);
  const t = deviceFactoryHook(op, shape, dtype, init);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Applies dtype-independent factory options: device, requires_grad and (where the factory takes them) names. */
export function finishFactory(t: Tensor, opts: Record<string, unknown>): Tensor {
  let r = t;
  if (opts.names !== undefined && opts.names !== null) {
    if (!Array.isArray(opts.names)) throw new Error("names must be a list of names or None");
    setNames(r, opts.names);
  }
  if (opts.device !== undefined && opts.device !== null) {
    const dev = toDevice(opts.device as DeviceLike);
    if (dev.type !== "cpu") r = toDeviceHook(r, dev);
  }
  if (opts.requiresGrad) r.requiresGrad_(true);
  return r;
}


/**
 * The strides of a *_like factory's result (memoryFormat: null or preserve_format keeps input's
 * layout, as PyTorch's empty_like), or null where they are the contiguous ones.
 */
export function likeStrides(op: string, input: Tensor, memoryFormat: unknown): number[] | null {
  const format = memoryFormatArg(op, memoryFormat);
  if (format === null && input.isContiguous()) return null;
  const strides = stridesForLike(input._shape, format, input);
  const plain = contiguousStrides(input._shape);
  return strides.every((v, i) => v === plain[i]) ? null : strides;
}
