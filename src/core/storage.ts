// A storage is one typed array shared by every view of it, with the version counter that
// autograd uses to detect in-place changes of saved tensors.

import { type DType, type StorageArray, allocArray, allocArrayUninit, arrayOver, checkAllocatable, scalarTypeName } from "./dtype.js";
import { backendRefusal, currentOpName } from "./op-name.js";
import { POOL_MIN_BYTES, releaseBuffer, takeBuffer, trackAllocation } from "./caching-allocator.js";
import { sourceBuffer, zeroThroughSource } from "./buffer-source.js";
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { sweepBuffersInCollections } from "./v8-flags.js";
import { warnOnce } from "./warnings.js";

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

/**
 * PyTorch's error for a device string of an unknown type; torch-ts names its GPU device where the
 * string asks for another GPU (tutorials write "cuda").
 */
export function unknownDeviceType(device: string): Error {
  const kind = /^[a-z_]*/.exec(device)![0];
  const hint = kind === "cuda" || kind === "mps" || kind === "hip" || kind === "xpu" ? ` (torch-ts has no ${kind} device; its GPU device is "webgpu")` : "";
  return new Error(`Expected one of cpu, webgpu device type at start of device string: ${device}${hint}`);
}

export function toDevice(d: DeviceLike): Device {
  if (d instanceof Device) return d;
  if (d === "cpu" || d === "cpu:0") return cpu;
  const m = /^(cpu|webgpu)(?::(\d+))?$/.exec(d);
  if (!m) throw unknownDeviceType(d);
  return new Device(m[1] as DeviceType, m[2] === undefined ? null : Number(m[2]));
}

function zeroed(a: StorageArray): StorageArray {
  if (zeroThroughSource(a)) return a;
  if (a instanceof BigInt64Array) a.fill(0n); else a.fill(0);
  return a;
}

/**
 * A zeroed array for `n` elements of `dtype` (a complex dtype's pairs) that a kernel fills and a
 * storage of its own then wraps (fromArray): large ones on the native source's recycled memory, as
 * Storage.alloc's, instead of fresh pages. Not from the caching allocator's pool: the wrapping
 * storage cannot give the buffer back, and the source counts its buffers itself.
 */
export function allocOutputArray(dtype: DType, n: number): StorageArray {
  const bytes = n * dtype.itemsize;
  const sourced = bytes >= POOL_MIN_BYTES ? sourceBuffer(bytes, true) : null;
  return sourced ? arrayOver(dtype, sourced, n) : allocArray(dtype, n);
}

/**
 * A version counter that a storage and its reinterpreting aliases share; also Tensor.data's own
 * (PyTorch gives .data a new counter over the same memory). `detached` counts the writes made
 * through tensors with a counter of their own, which the storage's other tensors do not see.
 */
export class VersionCounter { value = 0; detached = 0; }

export class Storage {
  /** How many storages were made so far: the next one's serial. */
  static created = 0;
  /**
   * @internal The version counter, shared with the aliases of _reinterpret: a field, not an
   * accessor defined on each alias, whose closures a per-object hidden class (allocated in old
   * space) would hold, keeping the storage and its buffer alive until a full collection.
   */
  _versions = new VersionCounter();
  /** Bumped by every in-place write through any view (PyTorch's version counter). */
  get version(): number { return this._versions.value; }
  set version(v: number) { this._versions.value = v; }
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
  /**
   * @internal Set on the alias a conjugate or negative view reads through (core/lazy-storage.ts):
   * the storage whose memory holds the unconjugated numbers; null on every other storage, so a
   * write path tells a lazy destination with one field test.
   */
  _physical: Storage | null = null;
  /** @internal Made inside torch.inferenceMode: its tensors are inference tensors (torch.is_inference). */
  readonly _inference = isInferenceModeEnabled();
  /** The values; a device storage (webgpu) has none here, and its `data` getter throws. */
  declare readonly data: StorageArray;
  constructor(data: StorageArray, readonly dtype: DType, readonly device: Device = cpu) {
    // null only from a device storage, whose prototype's `data` getter throws instead.
    if (data !== null) {
      // Quantized dtypes live only in a QuantizedStorage (it passes null), which holds the quantizer.
      if (dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
      (this as { data: StorageArray }).data = data;
    }
    if (this.serial === BUSY_PROGRAM_STORAGES) sweepBuffersInCollections();
  }
  static alloc(dtype: DType, n: number): Storage {
    // Quantized storages carry their quantizer: only the quantize ops make them (QuantizedStorage).
    if (dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
    const bytes = n * dtype.itemsize;
    if (bytes < POOL_MIN_BYTES) return Storage.over(allocArray(dtype, n), dtype);
    checkAllocatable(dtype, n);
    const cached = takeBuffer(bytes);
    if (cached) return Storage.tracked(zeroed(arrayOver(dtype, cached.buffer, n)), dtype, bytes);
    const sourced = sourceBuffer(bytes, true);
    return Storage.tracked(sourced ? arrayOver(dtype, sourced, n) : allocArray(dtype, n), dtype, bytes);
  }
  /** A storage whose contents are unspecified (not zeroed): for outputs a kernel overwrites in full. */
  static allocUninit(dtype: DType, n: number): Storage {
    if (dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
    const bytes = n * dtype.itemsize;
    if (bytes < POOL_MIN_BYTES) return Storage.over(allocArrayUninit(dtype, n), dtype);
    checkAllocatable(dtype, n);
    const buffer = takeBuffer(bytes)?.buffer ?? sourceBuffer(bytes, false);
    return Storage.tracked(buffer ? arrayOver(dtype, buffer, n) : allocArrayUninit(dtype, n), dtype, bytes);
  }
  /** A storage over `data`: a ComplexStorage (data: the pairs) for a complex dtype. */
  private static over(data: StorageArray, dtype: DType): Storage {
    if (!dtype.isComplex) return new Storage(data, dtype);
    return dtype.name === "complex32" ? new ComplexHalfStorage(data as Uint16Array, dtype) : new ComplexStorage(data as ComplexPairs, dtype);
  }
  private static tracked(data: StorageArray, dtype: DType, bytes: number): Storage {
    const s = Storage.over(data, dtype);
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
    releaseBuffer(this._token!, this._array.buffer);
    return true;
  }
  /**
   * @internal A storage over the same bytes read as `dtype` (Tensor.view(dtype)), sharing this one's
   * version counter, as PyTorch's views do; null when the typed array cannot start where this one
   * does (its byte offset is not a multiple of the new element size). The alias never gives its
   * buffer back to the caching allocator, nor does this storage afterwards, unless `transient`: the
   * caller drops the alias before returning (a write through it), so it cannot outlive this storage's use.
   */
  _reinterpret(dtype: DType, transient = false): Storage | null {
    const { buffer, byteOffset, byteLength } = this.data;
    return this._aliasOver(buffer, byteOffset, byteLength, dtype, transient);
  }
  /** @internal _reinterpret's second half: the alias over these bytes, of the storage class `dtype` needs. */
  protected _aliasOver(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, dtype: DType, transient: boolean): Storage | null {
    if (byteOffset % dtype.itemsize !== 0) return null;
    const array = arrayOver(dtype, buffer, Math.floor(byteLength / dtype.itemsize), byteOffset);
    const alias = Storage.over(array, dtype);
    alias._versions = this._versions;
    if (!transient) this._pooled = false;
    return alias;
  }
  get length(): number { return this.data.length; }
  /** @internal The typed array holding this storage's bytes (a complex storage's pairs). */
  get _array(): StorageArray { return this.data; }
  /** @internal Gives the storage new memory (resize_, share_memory_): every tensor over it follows. */
  _replaceArray(a: StorageArray): void {
    this._pooled = false;
    (this as { data: StorageArray }).data = a;
  }
  /**
   * @internal The memory every view of this storage reads (the typed array's ArrayBuffer; a device
   * storage's buffer handle): autograd's release points compare it to know nothing pending shares it.
   */
  get _memory(): object { return this.data.buffer; }
  /** @internal Device storages count the tensors over them (a tensor calls this once, when made). */
  _attach?(tensor: object): void;
  /** @internal A storage whose tensors print in their own way (quantized ones) formats them here. */
  _format?(tensor: object): string;
}

/** A complex storage's numbers: (re, im) interleaved, float32 for complex64, float64 for complex128. */
export type ComplexPairs = Float32Array | Float64Array;

/**
 * The storage of a complex tensor: `pairs` holds 2 numbers per element; strides and offsets of its
 * tensors count elements (pairs). Its `data` throws PyTorch's "not implemented for 'ComplexFloat'"
 * naming the op: a kernel written for real dtypes refuses a complex tensor instead of reading its
 * numbers as elements. Complex ops compute through the real view (torch.viewAsReal).
 */
export class ComplexStorage extends Storage {
  constructor(readonly pairs: ComplexPairs, dtype: DType) {
    super(null as unknown as StorageArray, dtype);
  }
  override get _array(): StorageArray { return this.pairs; }
  override _replaceArray(a: StorageArray): void { (this as { pairs: ComplexPairs }).pairs = a as ComplexPairs; }
  override get length(): number { return this.pairs.length >> 1; }
  override get _memory(): object { return this.pairs.buffer; }
  override _reinterpret(dtype: DType, transient = false): Storage | null {
    const { buffer, byteOffset, byteLength } = this.pairs;
    return this._aliasOver(buffer, byteOffset, byteLength, dtype, transient);
  }
}
Object.defineProperty(ComplexStorage.prototype, "data", {
  get(this: ComplexStorage): never { throw new Error(`"${currentOpName()}" not implemented for '${scalarTypeName(this.dtype)}'`); },
  configurable: true,
});

/**
 * Where complex32 (PyTorch's experimental ComplexHalf) numbers may be read: the few paths PyTorch's
 * CPU kernels take it on (copies and casts, fills, view_as_real, real/imag, printing) open it with
 * allowComplexHalf; everywhere else a ComplexHalfStorage refuses, naming the op.
 */
const complexHalfScope = { open: 0 };

/** Runs f where complex32 storages may be read through their float16 views. */
export function allowComplexHalf<T>(f: () => T): T {
  complexHalfScope.open++;
  try { return f(); } finally { complexHalfScope.open--; }
}

const COMPLEX_HALF_EXPERIMENTAL = "ComplexHalf support is experimental and many operators don't support it yet.";

/** PyTorch's refusal of a complex32 tensor by a kernel without a ComplexHalf form. */
function complexHalfRefusal(): Error { return new Error(`"${currentOpName()}" not implemented for 'ComplexHalf'`); }

/**
 * The storage of a complex32 tensor: `halfPairs` holds (re, im) as float16 bits. Its `pairs` (which
 * kernels read as numbers) and its float16 view (`_reinterpret`) refuse outside allowComplexHalf:
 * an op written for complex64/complex128 refuses complex32 in PyTorch's words instead of computing.
 */
export class ComplexHalfStorage extends ComplexStorage {
  constructor(readonly halfPairs: Uint16Array, dtype: DType) {
    super(EMPTY_PAIRS, dtype);
    Object.defineProperty(this, "pairs", REFUSED_PAIRS);
    warnOnce(COMPLEX_HALF_EXPERIMENTAL);
  }
  override get _array(): StorageArray { return this.halfPairs; }
  override _replaceArray(a: StorageArray): void { (this as { halfPairs: Uint16Array }).halfPairs = a as Uint16Array; }
  override get length(): number { return this.halfPairs.length >> 1; }
  override get _memory(): object { return this.halfPairs.buffer; }
  override _reinterpret(dtype: DType, transient = false): Storage | null {
    if (complexHalfScope.open === 0) throw complexHalfRefusal();
    const { buffer, byteOffset, byteLength } = this.halfPairs;
    return this._aliasOver(buffer, byteOffset, byteLength, dtype, transient);
  }
}
const EMPTY_PAIRS = new Float32Array(0);
const REFUSED_PAIRS: PropertyDescriptor = { get(): never { throw complexHalfRefusal(); }, configurable: true };

/**
 * The storage of a sparse tensor, which has none: its indices and values are tensors of their own
 * (core/sparse-tensor.ts, core/sparse-compressed-tensor.ts). Its `data` throws PyTorch's "Could not
 * run 'aten::<op>' with arguments from the 'SparseCPU' backend" ('SparseCsrCPU' for the compressed
 * layouts, 'NestedTensorCPU' for a nested tensor, whose values live in its buffer) naming the op
 * (core/op-name.ts), so a dense kernel handed a sparse tensor refuses it instead of reading values
 * that do not exist.
 */
export class SparseStorage extends Storage {
  constructor(dtype: DType, device: Device = cpu, readonly backend: "SparseCPU" | "SparseCsrCPU" | "NestedTensorCPU" = "SparseCPU") {
    super(null as unknown as StorageArray, dtype, device);
  }
  override get _memory(): object { return this; }
  override _releaseToCache(): boolean { return false; }
}
Object.defineProperty(SparseStorage.prototype, "data", {
  get(this: SparseStorage): never { throw backendRefusal(this.backend); },
  configurable: true,
});

