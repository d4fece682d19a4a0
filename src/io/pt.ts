// torch.save / torch.load: PyTorch's own checkpoint format, both ways.
//
// save: Tensors become _rebuild_tensor_v2 records over their whole storage (so views keep their
// offset, strides and sharing), Maps of tensors become OrderedDicts (as state_dict() in PyTorch),
// other Maps and plain objects dicts, arrays lists, PyTuple tuples. load: the reverse, through the
// weights-only unpickler; storages are read from the file one at a time into their typed arrays.

import { isNested } from "../core/nested-kind.js";
import { NO_SIZES } from "../core/nested-tensor.js";
import { DType, toDType, uint8 } from "../core/dtype.js";
import { Device, SparseStorage, Storage, cpu } from "../core/storage.js";
import { Tensor } from "../core/tensor.js";
import { Parameter } from "../nn/parameter.js";
import { stateDictVersions } from "../nn/module.js";
import { BytesSink, BytesSource, type ByteSource } from "./bytes.js";
import { FormatError } from "./errors.js";
import { withFileSource, writeFileFromSink } from "./file.js";
import type { PicklableValue } from "./pickle.js";
import {
  DTypeRef, DeviceRef, ITEM_SIZE, OrderedDict, PyComplex, PyFloat, PyGlobal, PyTuple, QTensorRef, QUANTIZED_INTEGERS, SparseTensorRef,
  StorageRef, TensorRef, isQuantizedStorageDType, tuple, type PickleValue, type StorageDType,
} from "./pickle-values.js";
import { archiveNameForPath, readCheckpoint, writeCheckpoint, type Checkpoint } from "./pt-format.js";
import { contiguousBytes, newStorage, storageBytes } from "./tensor-bytes.js";
import { _makePerChannelQuantizedTensor, _makePerTensorQuantizedTensor } from "../ops/quantize.js";
import { asSubByteQuantized } from "../ops/quantize-kernels.js";
import { fromArray } from "../ops/engine.js";
import { QuantizedStorage } from "../core/quantized-storage.js";
import { packSubByte, subByteBits, subByteStorageBytes, unpackSubByte } from "../core/sub-byte.js";
import { sparseFromRecord, sparseRecord } from "./sparse-records.js";

/** Python's own recursion limit: deeper data cannot come from PyTorch, only from a hostile file. */
const MAX_DEPTH = 1000;

/** Plain dicts made by load: saved back as plain dicts even when they hold only tensors. */
const LOADED_DICTS = new WeakSet<Map<LoadedValue, LoadedValue>>();

/** What torch.save accepts. */
export type SaveValue =
  | Tensor | Storage | null | undefined | boolean | number | bigint | string | Uint8Array | DType | Device
  | PyFloat | PyComplex | DTypeRef | DeviceRef | PyGlobal
  | readonly SaveValue[]
  | ReadonlyMap<SaveValue, SaveValue>
  | ReadonlySet<SaveValue>
  | { readonly [key: string]: SaveValue };

/** What torch.load returns (dict → Map, OrderedDict → OrderedDict, list → array, tuple → PyTuple). */
export type LoadedValue =
  | Tensor | Storage | null | boolean | number | bigint | string | Uint8Array | DType | Device
  | PyComplex | DTypeRef | DeviceRef | PyGlobal
  | LoadedValue[]
  | PyTuple<LoadedValue>
  | Map<LoadedValue, LoadedValue>
  | Set<LoadedValue>;

export interface SaveOptions {
  /** Write zip64 fields even when not needed (interoperability tests). */
  zip64?: "auto" | "always";
}

export interface LoadOptions {
  /** Only true is supported: torch-ts never runs code from a file. */
  weightsOnly?: boolean;
  /** Only "cpu": every tensor is loaded to the CPU, whatever device it was saved from. */
  mapLocation?: "cpu" | Device;
  /** Check each record's CRC-32 (default true). */
  verifyCrc?: boolean;
}

// ---- save ---------------------------------------------------------------------------------

class SaveContext {
  readonly storages = new Map<StorageRef, Uint8Array>();
  private readonly storageRefs = new Map<Storage, StorageRef>();
  private readonly tensors = new Map<Tensor, TensorRef>();
  private readonly memo = new Map<object, PicklableValue>();
  private readonly inProgress = new Set<object>();

  private storageRef(s: Storage): StorageRef {
    let ref = this.storageRefs.get(s);
    if (!ref) {
      if (s.device.type !== "cpu") throw new Error(`torch.save: a tensor is on ${s.device}; move it to the CPU first (await x.cpuAsync())`);
      if (s.dtype.category === "quantized") throw new Error(`torch.save: a ${s.dtype} storage is saved only through its quantized tensor`);
      ref = new StorageRef(String(this.nextKey++), s.dtype.name as StorageDType, s.length, "cpu");
      this.storageRefs.set(s, ref);
      this.storages.set(ref, storageBytes(s));
    }
    return ref;
  }

  private tensorRef(t: Tensor): TensorRef {
    let ref = this.tensors.get(t);
    if (!ref) {
      ref = new TensorRef(this.storageRef(t.storage), t.storageOffset(), t.shape, t.stride(), t.requiresGrad, t._isParameter);
      this.tensors.set(t, ref);
    }
    return ref;
  }

  /**
   * A quantized tensor's record: its integers (intRepr, contiguous) as a storage of its own and its
   * quantizer (so quantized views do not share storage in the file, unlike PyTorch's).
   */
  private qTensorRef(t: Tensor): QTensorRef {
    const ints = t.intRepr();
    const storage = t.storage as QuantizedStorage;
    // Sub-byte storages hold PyTorch's byte count (rows * ceil(cols * bits / 8)), elements packed flat.
    const bytes = storage.bits === null ? contiguousBytes(ints) : packSubByte(storage.raw, storage.bits, subByteStorageBytes(storage.madeShape, storage.bits));
    const ref = new StorageRef(String(this.nextKey++), t.dtype.name as StorageDType, storage.bits === null ? ints.numel() : bytes.length, "cpu");
    this.storages.set(ref, bytes);
    const stride: number[] = [];
    for (let d = t.dim() - 1, s = 1; d >= 0; s *= t.shape[d]!, d--) stride[d] = s;
    const scheme = t.qscheme().name as "per_tensor_affine" | "per_channel_affine" | "per_channel_affine_float_qparams";
    const quantizer = scheme === "per_channel_affine" || scheme === "per_channel_affine_float_qparams"
      ? { scheme, scales: this.tensorRef(t.qPerChannelScales()), zeroPoints: this.tensorRef(t.qPerChannelZeroPoints()), axis: t.qPerChannelAxis() }
      : { scheme: "per_tensor_affine" as const, scale: t.qScale(), zeroPoint: t.qZeroPoint() };
    return new QTensorRef(ref, 0, t.shape, stride, quantizer);
  }
  /** The file's storage keys "0", "1", ... in order of first use. */
  private nextKey = 0;

  convert(v: SaveValue, depth: number): PicklableValue {
    if (depth > MAX_DEPTH) throw new Error(`torch.save: the object is nested deeper than ${MAX_DEPTH} levels`);
    if (v === null || v === undefined || typeof v !== "object") {
      if (typeof v === "function" || typeof v === "symbol") throw new Error(`torch.save: cannot save a ${typeof v}`);
      return v ?? null;
    }
    if (v instanceof Tensor) {
      // PyTorch 1.13 cannot save a nested tensor either (its pickling asks for sizes).
      if (isNested(v)) throw new Error(NO_SIZES);
      if (v.storage instanceof SparseStorage) {
        const seen = this.memo.get(v);
        if (seen !== undefined) return seen;
        const rec = sparseRecord(v, (part) => this.tensorRef(part));
        if (!rec) throw new Error(`torch.save: tensors of layout ${String(v.layout)} cannot be saved by torch-ts yet`);
        this.memo.set(v, rec);
        return rec;
      }
      if (v.isQuantized) {
        const seen = this.memo.get(v);
        if (seen !== undefined) return seen;
        const rec = this.qTensorRef(v);
        this.memo.set(v, rec);
        return rec;
      }
      return this.tensorRef(v);
    }
    if (v instanceof Storage) return this.storageRef(v);
    if (v instanceof DType) return new DTypeRef(v.name);
    if (v instanceof Device) return new DeviceRef(v.type, v.index);
    if (v instanceof Uint8Array || v instanceof PyFloat || v instanceof PyComplex || v instanceof DTypeRef ||
        v instanceof DeviceRef || v instanceof PyGlobal) return v;
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen;
    if (this.inProgress.has(v)) throw new Error("torch.save: a tuple contains itself");
    if (v instanceof PyTuple) {
      this.inProgress.add(v);
      const t = tuple(v.map((x: SaveValue) => this.convert(x, depth + 1)));
      this.inProgress.delete(v);
      this.memo.set(v, t);
      return t;
    }
    if (Array.isArray(v)) {
      const out: PicklableValue[] = [];
      this.memo.set(v, out);
      for (const x of v as readonly SaveValue[]) out.push(this.convert(x, depth + 1));
      return out;
    }
    if (v instanceof Map) {
      const m = v as ReadonlyMap<SaveValue, SaveValue>;
      // A module's stateDict(): an OrderedDict with PyTorch's _metadata (each module's version).
      const versions = stateDictVersions.get(v as Map<string, unknown>);
      const ordered = versions !== undefined || v instanceof OrderedDict || (!LOADED_DICTS.has(v as Map<LoadedValue, LoadedValue>) && isStateDict(m));
      const out = ordered ? new OrderedDict<PicklableValue, PicklableValue>() : new Map<PicklableValue, PicklableValue>();
      this.memo.set(v, out);
      for (const [k, x] of m) out.set(this.convert(k, depth + 1), this.convert(x, depth + 1));
      if (versions !== undefined && out instanceof OrderedDict) {
        const metadata = new OrderedDict<PickleValue, PickleValue>();
        for (const [prefix, version] of versions) metadata.set(prefix, new Map<PickleValue, PickleValue>([["version", version]]));
        out.attributes = new Map<string, PickleValue>([["_metadata", metadata]]);
      }
      if (v instanceof OrderedDict && v.attributes && out instanceof OrderedDict) {
        out.attributes = new Map();
        for (const [k, x] of v.attributes as Map<string, SaveValue>) out.attributes.set(k, this.convert(x, depth + 1) as PickleValue);
      }
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<PicklableValue>();
      this.memo.set(v, out);
      for (const x of v as ReadonlySet<SaveValue>) out.add(this.convert(x, depth + 1));
      return out;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const out = new Map<PicklableValue, PicklableValue>();
      this.memo.set(v, out);
      for (const [k, x] of Object.entries(v as { readonly [key: string]: SaveValue })) out.set(k, this.convert(x, depth + 1));
      return out;
    }
    const name = (v as object).constructor?.name ?? "object";
    throw new Error(`torch.save: cannot save a ${name}` + (/Module$|^(Linear|Conv|Sequential)/.test(name) ? "; save its stateDict() instead" : ""));
  }
}

/** A Map of names to tensors (that load did not make from a plain dict): saved as an OrderedDict, as state_dict() is in PyTorch. */
function isStateDict(m: ReadonlyMap<SaveValue, SaveValue>): boolean {
  if (m.size === 0) return false;
  for (const [k, v] of m) if (typeof k !== "string" || !(v instanceof Tensor)) return false;
  return true;
}

/**
 * torch.save: writes `obj` in PyTorch's zip format to `path`, or returns the bytes when no path
 * is given. Python reads the file with torch.load(path, weights_only=True).
 */
export function save(obj: SaveValue, path?: undefined, options?: SaveOptions): Uint8Array;
export function save(obj: SaveValue, path: string, options?: SaveOptions): void;
export function save(obj: SaveValue, path?: string, options: SaveOptions = {}): Uint8Array | void {
  if (path !== undefined && (typeof path !== "string" || path === "")) throw new Error(`torch.save: path must be a non-empty string, got ${String(path)}`);
  const ctx = new SaveContext();
  const value = ctx.convert(obj, 0);
  if (path === undefined) {
    const sink = new BytesSink();
    writeCheckpoint(sink, value, ctx.storages, { archiveName: "archive", zip64: options.zip64 });
    return sink.bytes();
  }
  writeFileFromSink(path, (sink) => writeCheckpoint(sink, value, ctx.storages, { archiveName: archiveNameForPath(path), zip64: options.zip64 }));
}

// ---- load ---------------------------------------------------------------------------------

class LoadContext {
  private readonly storages = new Map<StorageRef, Storage>();
  private readonly memo = new Map<object, LoadedValue>();

  constructor(private readonly ckpt: Checkpoint) {}

  private storage(ref: StorageRef): Storage {
    let s = this.storages.get(ref);
    if (!s) {
      // A quantized storage's bytes are its integers (uint8, int8 or int32).
      const dtype = isQuantizedStorageDType(ref.dtype) ? QUANTIZED_INTEGERS[ref.dtype] : ref.dtype;
      s = newStorage(dtype, ref.numel, (bytes) => this.ckpt.readStorage(ref, bytes));
      this.storages.set(ref, s);
    }
    return s;
  }

  private tensor(ref: TensorRef): Tensor {
    if (isQuantizedStorageDType(ref.dtype)) throw new FormatError(`torch.load: a plain tensor over a ${ref.dtype} storage (only _rebuild_qtensor may view one)`);
    if (ref.requiresGrad && !toDType(ref.dtype).isDifferentiable) {
      throw new FormatError(`torch.load: a ${ref.dtype} tensor is marked requires_grad, which only floating-point tensors can be`);
    }
    const t = new Tensor(this.storage(ref.storage), ref.shape.slice(), ref.stride.slice(), ref.offset);
    if (ref.isParameter) return new Parameter(t, ref.requiresGrad);
    if (ref.requiresGrad) t.requiresGrad_(true);
    return t;
  }

  /** A quantized tensor from its record; the quantizer's values are checked as the quantize ops check them. */
  private qTensor(ref: QTensorRef): Tensor {
    const subByte = ref.storage.dtype === "quint4x2" || ref.storage.dtype === "quint2x4" ? toDType(ref.storage.dtype) : null;
    const ints = subByte
      ? fromArray(unpackSubByte(this.storage(ref.storage).data as Uint8Array, ref.shape.reduce((a, b) => a * b, 1), subByteBits(subByte)!), ref.shape, uint8)
      : new Tensor(this.storage(ref.storage), ref.shape.slice(), ref.stride.slice(), ref.offset).contiguous();
    const q = ref.quantizer;
    try {
      const t = q.scheme === "per_tensor_affine"
        ? _makePerTensorQuantizedTensor(ints, q.scale, q.zeroPoint)
        : _makePerChannelQuantizedTensor(ints, this.tensor(q.scales), this.tensor(q.zeroPoints), q.axis);
      return subByte ? asSubByteQuantized(t, subByte) : t;
    } catch (e) {
      throw new FormatError(`torch.load: invalid quantized tensor: ${(e as Error).message}`);
    }
  }

  convert(v: PickleValue, depth: number): LoadedValue {
    if (depth > MAX_DEPTH) throw new FormatError(`torch.load: the object is nested deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v !== "object") return v;
    if (v instanceof Uint8Array || v instanceof PyComplex || v instanceof PyGlobal) return v;
    if (v instanceof PyFloat) return v.value;
    if (v instanceof DTypeRef) return v.name in ITEM_SIZE ? toDType(v.name as StorageDType) : v;
    if (v instanceof DeviceRef) return v.type === "cpu" && v.index === null ? cpu : v;
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen;
    if (v instanceof TensorRef) {
      const t = this.tensor(v);
      this.memo.set(v, t);
      return t;
    }
    if (v instanceof SparseTensorRef) {
      const t = sparseFromRecord(v, (part) => this.tensor(part));
      this.memo.set(v, t);
      return t;
    }
    if (v instanceof QTensorRef) {
      const t = this.qTensor(v);
      this.memo.set(v, t);
      return t;
    }
    if (v instanceof StorageRef) {
      const s = this.storage(v);
      this.memo.set(v, s);
      return s;
    }
    if (v instanceof PyTuple) {
      // Tuples cannot contain themselves (only through a list or dict, which are memoised first).
      const t = tuple(v.map((x: PickleValue) => this.convert(x, depth + 1)));
      this.memo.set(v, t);
      return t;
    }
    if (Array.isArray(v)) {
      const out: LoadedValue[] = [];
      this.memo.set(v, out);
      for (const x of v) out.push(this.convert(x, depth + 1));
      return out;
    }
    if (v instanceof Map) {
      const out = v instanceof OrderedDict ? new OrderedDict<LoadedValue, LoadedValue>() : new Map<LoadedValue, LoadedValue>();
      if (!(out instanceof OrderedDict)) LOADED_DICTS.add(out);
      this.memo.set(v, out);
      for (const [k, x] of v) out.set(this.convert(k, depth + 1), this.convert(x, depth + 1));
      if (v instanceof OrderedDict && v.attributes && out instanceof OrderedDict) {
        out.attributes = new Map();
        for (const [k, x] of v.attributes) out.attributes.set(k, this.convert(x, depth + 1) as PickleValue);
      }
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<LoadedValue>();
      this.memo.set(v, out);
      for (const x of v) out.add(this.convert(x, depth + 1));
      return out;
    }
    throw new FormatError(`torch.load: unexpected value ${(v as object).constructor?.name}`);
  }
}

function loadFrom(source: ByteSource, options: LoadOptions): LoadedValue {
  const ckpt = readCheckpoint(source, { verifyCrc: options.verifyCrc });
  return new LoadContext(ckpt).convert(ckpt.value, 0);
}

/**
 * torch.load: reads a checkpoint written by torch.save (PyTorch's or ours) from a path or bytes,
 * through the weights-only unpickler. Tensors land on the CPU.
 */
export function load<T = LoadedValue>(pathOrBytes: string | Uint8Array | ArrayBuffer, options: LoadOptions = {}): T {
  if (options.weightsOnly === false) {
    throw new Error("torch.load: weights_only=False is not supported: torch-ts never runs code from a file, it reads the weights-only subset");
  }
  if (options.mapLocation !== undefined && String(options.mapLocation) !== "cpu") {
    throw new Error(`torch.load: map_location must be 'cpu', got ${String(options.mapLocation)}; move tensors with .to() after loading`);
  }
  let result: LoadedValue;
  if (typeof pathOrBytes === "string") result = withFileSource(pathOrBytes, (src) => loadFrom(src, options));
  else if (pathOrBytes instanceof Uint8Array) result = loadFrom(new BytesSource(pathOrBytes), options);
  else if (pathOrBytes instanceof ArrayBuffer) result = loadFrom(new BytesSource(new Uint8Array(pathOrBytes)), options);
  else throw new Error(`torch.load: expected a path, a Uint8Array or an ArrayBuffer, got ${typeof pathOrBytes}`);
  return result as T;
}

