// A storage is one typed array shared by every view of it, with the version counter that
// autograd uses to detect in-place changes of saved tensors.

import { type DType, type StorageArray, allocArray, allocArrayUninit } from "./dtype.js";

export type DeviceType = "cpu" | "webgpu";

export class Device {
  constructor(readonly type: DeviceType, readonly index: number | null = null) {}
  toString(): string { return this.index === null ? this.type : `${this.type}:${this.index}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return `device(type='${this.type}'${this.index === null ? "" : `, index=${this.index}`})`; }
}

export const cpu = new Device("cpu");

export type DeviceLike = Device | DeviceType | `${DeviceType}:${number}`;

export function toDevice(d: DeviceLike): Device {
  if (d instanceof Device) return d;
  if (d === "cpu" || d === "cpu:0") return cpu;
  const m = /^(cpu|webgpu)(?::(\d+))?$/.exec(d);
  if (!m) throw new Error(`Expected one of cpu, webgpu device type at start of device string: ${d}`);
  return new Device(m[1] as DeviceType, m[2] === undefined ? null : Number(m[2]));
}

export class Storage {
  /** How many storages were made so far: the next one's serial. */
  static created = 0;
  /** Bumped by every in-place write through any view (PyTorch's version counter). */
  version = 0;
  /** Creation order: autograd tells the gradients it made itself from older buffers. */
  readonly serial = Storage.created++;
  constructor(readonly data: StorageArray, readonly dtype: DType, readonly device: Device = cpu) {}
  static alloc(dtype: DType, n: number): Storage {
    return new Storage(allocArray(dtype, n), dtype);
  }
  /** A storage whose contents are unspecified (not zeroed): for outputs a kernel overwrites in full. */
  static allocUninit(dtype: DType, n: number): Storage {
    return new Storage(allocArrayUninit(dtype, n), dtype);
  }
  get length(): number { return this.data.length; }
  /** @internal Device storages count the tensors over them (a tensor calls this once, when made). */
  _attach?(tensor: object): void;
}
