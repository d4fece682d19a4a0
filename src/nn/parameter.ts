// nn.Parameter: a leaf tensor that a Module registers as a parameter (it shares the data's storage).
// nn.UninitializedParameter / nn.UninitializedBuffer: the placeholders of lazy modules.

import { Tensor } from "../core/tensor.js";
import { Storage, type DeviceLike } from "../core/storage.js";
import { type DTypeLike, float32 } from "../core/dtype.js";
import { empty } from "../ops/creation.js";
import { defaultDeviceOrNull } from "../core/default-device.js";

export class Parameter extends Tensor {
  constructor(data?: Tensor | null, requiresGrad = true) {
    const d = data ?? new Tensor(Storage.alloc(float32, 0), [0]);
    if (!(d instanceof Tensor)) throw new Error(`Parameter(): data must be a Tensor, not ${typeof d}`);
    super(d.storage, d.shape, d.stride(), d.storageOffset());
    this._isParameter = true;
    if (requiresGrad) this.requiresGrad_(true);
  }
}

export function isParameter(v: unknown): v is Parameter {
  return v instanceof Tensor && v._isParameter;
}

export interface UninitializedOptions { device?: DeviceLike | null; dtype?: DTypeLike | null }

/** The factory keywords a placeholder keeps for materialize (PyTorch keeps device and dtype). */
const FACTORY = Symbol("torch-ts.uninitialized-factory");

/**
 * A placeholder's factory keywords: PyTorch makes it with torch.empty(0, device=device), so it keeps
 * the default device (torch.setDefaultDevice) of its construction when none is given.
 */
function placeholderOptions(options: UninitializedOptions): UninitializedOptions {
  return { ...options, device: options.device ?? defaultDeviceOrNull() };
}

/** Makes `t` a view of `src`'s data in place, so that references to it (a module's field, an optimizer) see it. */
function adoptData(t: Tensor, src: Tensor): void {
  (t as { storage: Storage }).storage = src.storage;
  src.storage._attach?.(t);
  t._shape = src._shape;
  t._strides = src._strides;
  t._offset = src._offset;
}

/** Materialized tensors to move to their device once initialised (init draws run on the CPU). */
const pendingDevice = new WeakMap<Tensor, DeviceLike>();

/**
 * A fresh uninitialised tensor of `shape` in place of t's data, as PyTorch's `self.data = ...`. It
 * is made on the CPU, where the initialisation draws run (the same values as PyTorch's CPU
 * draws); placeOnDevice then moves it to the placeholder's device.
 */
function materializeInPlace(t: Tensor, shape: readonly number[], factory: UninitializedOptions): void {
  adoptData(t, empty([...shape], factory.dtype ? { dtype: factory.dtype } : {}));
  if (factory.device && String(factory.device) !== "cpu") pendingDevice.set(t, factory.device);
}

/** Moves a just-initialised materialized tensor to the device its placeholder was made for. */
export function placeOnDevice(t: Tensor): void {
  const device = pendingDevice.get(t);
  if (device === undefined) return;
  pendingDevice.delete(t);
  adoptData(t, t.detach().to(device as "cpu"));
}

/** module.to(...) / .double() on a placeholder: the materialized tensor will take that dtype and device. */
function retarget(factory: UninitializedOptions, moved: Tensor): void {
  factory.dtype = moved.dtype;
  factory.device = moved.device.toString() as DeviceLike;
}

/**
 * nn.UninitializedParameter(requires_grad=True, device=None, dtype=None): a parameter whose shape
 * is not known yet (it holds no elements). Its lazy module calls materialize(shape) on the first
 * call; the object then becomes an ordinary Parameter of that shape (PyTorch's cls_to_become).
 */
export class UninitializedParameter extends Parameter {
  declare readonly [FACTORY]: UninitializedOptions;
  constructor(requiresGrad = true, options: UninitializedOptions = {}) {
    super(empty([0], options.dtype ? { dtype: options.dtype } : {}), requiresGrad);
    Object.defineProperty(this, FACTORY, { value: placeholderOptions(options), enumerable: false });
  }
  /** Makes this an uninitialised Parameter of `shape` (device/dtype: the constructor's unless given). */
  materialize(shape: readonly number[], options: UninitializedOptions = {}): void {
    checkMaterializeShape("UninitializedParameter", shape);
    materializeInPlace(this, shape, { ...this[FACTORY], ...definedOnly(options) });
    Object.setPrototypeOf(this, Parameter.prototype);
  }
  /** @internal Follows a module's dtype/device change before materialization. */
  _retarget(moved: Tensor): void { retarget(this[FACTORY], moved); }
}

/**
 * nn.UninitializedBuffer(requires_grad=False, device=None, dtype=None): the buffer counterpart
 * (running statistics of the lazy normalisation modules); materialize makes it a plain Tensor.
 */
export class UninitializedBuffer extends Tensor {
  declare readonly [FACTORY]: UninitializedOptions;
  constructor(requiresGrad = false, options: UninitializedOptions = {}) {
    const d = empty([0], options.dtype ? { dtype: options.dtype } : {});
    super(d.storage, [0]);
    Object.defineProperty(this, FACTORY, { value: placeholderOptions(options), enumerable: false });
    if (requiresGrad) this.requiresGrad_(true);
  }
  materialize(shape: readonly number[], options: UninitializedOptions = {}): void {
    checkMaterializeShape("UninitializedBuffer", shape);
    materializeInPlace(this, shape, { ...this[FACTORY], ...definedOnly(options) });
    Object.setPrototypeOf(this, Tensor.prototype);
  }
  /** @internal Follows a module's dtype/device change before materialization. */
  _retarget(moved: Tensor): void { retarget(this[FACTORY], moved); }
}

/** Whether v is a lazy module's placeholder that has not been materialized. */
export function isUninitialized(v: unknown): v is UninitializedParameter | UninitializedBuffer {
  return v instanceof UninitializedParameter || v instanceof UninitializedBuffer;
}

function checkMaterializeShape(cls: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new Error(`${cls}.materialize: shape must be a sequence of non-negative ints, got ${String(shape)}`);
  }
}

function definedOnly(o: UninitializedOptions): UninitializedOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
