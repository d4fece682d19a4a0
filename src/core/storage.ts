// A storage is one typed array shared by every view of it, with the version counter that
// autograd uses to detect in-place changes of saved tensors.

import { type DType, type StorageArray, allocArray, allocArrayUninit, arrayOver } from "./dtype.js";
import { POOL_MIN_BYTES, releaseBuffer, takeBuffer, trackAllocation } from "./caching-allocator.js";
import { sourceBuffer, zeroThroughSource } from "./buffer-source.js";
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { sweepBuffersInCollections } from "./v8-flags.js";

/**
 * Storages after which a program counts as computing with torch-ts (a loop, not a few tensors made
 * at start-up): its process then frees dead buffers inside V8's collections (v8-flags.ts).
 */
const BUSY_PROGRAM_STORAGES = 1000;

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

function zeroed(a: StorageArray): StorageArray {
  if (zeroThroughSource(a)) return a;
  if (a instanceof BigInt64Array) a.fill(0n); else a.fill(0);
  return a;
}

export class Storage {
  /** How many storages were made so far: the next one's serial. */
  static created = 0;
  /** Bumped by every in-place write through any view (PyTorch's version counter). */
  version = 0;
  /** Creation order: autograd tells the gradients it made itself from older buffers. */
  readonly serial = Storage.created++;
  /**
   * @internal The caching allocator made this storage's buffer and no other storage was made over
   * it: only such a storage can give its buffer back (releaseToCache).
   */
  _pooled = false;
  /**
   * @internal What the caching allocator's statistics watch for collection instead of the storage
   * itself: V8's scavenger keeps a FinalizationRegistry's targets alive until a full collection, so
   * registering the storage would keep its buffer alive that long too (a 10M-element add took 40%
   * longer). Only this storage references the token, so the token dies with it.
   */
  _token: object | null = null;
  /** @internal Made inside torch.inferenceMode: its tensors are inference tensors (torch.is_inference). */
  readonly _inference = isInferenceModeEnabled();
  /** The values; a device storage (webgpu) has none here, and its `data` getter throws. */
  declare readonly data: StorageArray;
  constructor(data: StorageArray, readonly dtype: DType, readonly device: Device = cpu) {
    // null only from a device storage, whose prototype's `data` getter throws instead.
    if (data !== null) (this as { data: StorageArray }).data = data;
    if (this.serial === BUSY_PROGRAM_STORAGES) sweepBuffersInCollections();
  }
  static alloc(dtype: DType, n: number): Storage {
    const bytes = n * dtype.itemsize;
    if (bytes < POOL_MIN_BYTES) return new Storage(allocArray(dtype, n), dtype);
    const cached = takeBuffer(bytes);
    if (cached) return Storage.tracked(zeroed(arrayOver(dtype, cached.buffer, n)), dtype, bytes);
    const sourced = sourceBuffer(bytes, true);
    return Storage.tracked(sourced ? arrayOver(dtype, sourced, n) : allocArray(dtype, n), dtype, bytes);
  }
  /** A storage whose contents are unspecified (not zeroed): for outputs a kernel overwrites in full. */
  static allocUninit(dtype: DType, n: number): Storage {
    const bytes = n * dtype.itemsize;
    if (bytes < POOL_MIN_BYTES) return new Storage(allocArrayUninit(dtype, n), dtype);
    const buffer = takeBuffer(bytes)?.buffer ?? sourceBuffer(bytes, false);
    return Storage.tracked(buffer ? arrayOver(dtype, buffer, n) : allocArrayUninit(dtype, n), dtype, bytes);
  }
  private static tracked(data: StorageArray, dtype: DType, bytes: number): Storage {
    const s = new Storage(data, dtype);
    // Only a buffer that is exactly this storage's can be handed out again.
    s._pooled = data.byteOffset === 0 && data.buffer.byteLength === bytes;
    if (s._pooled) trackAllocation(s._token = {}, bytes, data.buffer);
    return s;
  }
  /**
   * @internal Gives the buffer back to the caching allocator. The caller guarantees that no tensor,
   * view or typed array over this buffer can be reached any more. Returns whether it was taken.
   */
  _releaseToCache(): boolean {
    if (!this._pooled) return false;
    this._pooled = false;
    releaseBuffer(this._token!, this.data.buffer);
    return true;
  }
  /**
   * @internal A storage over the same bytes read as `dtype` (Tensor.view(dtype)), sharing this one's
   * version counter, as PyTorch's views do; null when the typed array cannot start where this one
   * does (its byte offset is not a multiple of the new element size). Neither storage gives its
   * buffer back to the caching allocator any more.
   */
  _reinterpret(dtype: DType): Storage | null {
    const { buffer, byteOffset, byteLength } = this.data;
    if (byteOffset % dtype.itemsize !== 0) return null;
    const alias = new Storage(arrayOver(dtype, buffer, Math.floor(byteLength / dtype.itemsize), byteOffset), dtype);
    Object.defineProperty(alias, "version", { get: () => this.version, set: (v: number) => { this.version = v; } });
    this._pooled = false;
    return alias;
  }
  get length(): number { return this.data.length; }
  /**
   * @internal The memory every view of this storage reads (the typed array's ArrayBuffer; a device
   * storage's buffer handle): autograd's release points compare it to know nothing pending shares it.
   */
  get _memory(): object { return this.data.buffer; }
  /** @internal Device storages count the tensors over them (a tensor calls this once, when made). */
  _attach?(tensor: object): void;
}
