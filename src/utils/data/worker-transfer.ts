// Values between the main thread and DataLoader worker threads, pickle's way: an object graph is
// flattened into structured-clone data (shared references and cycles kept), a class instance
// travels as its class's module URL + export name and its own fields (rebuilt without calling the
// constructor, as unpickling does), a function as its module URL + export name, and a tensor as
// its bytes: shared (SharedArrayBuffer) or moved (transfer list), never copied per worker.

import { Tensor } from "../../core/tensor.js";
import { ComplexStorage, Storage } from "../../core/storage.js";
import { type DTypeName, type StorageArray, arrayOver, toDType } from "../../core/dtype.js";
import { copyInto, emptyTensor } from "../../ops/engine.js";
import { builtinDatasetClass, builtinDatasetName } from "./builtin-datasets.js";

type Primitive = number | string | boolean | bigint | null | undefined;
type Fields = [string, Encoded][];
type TypedArray = Exclude<ArrayBufferView, DataView>;

interface EncodedTensor {
  k: "tensor"; id: number; buffer: ArrayBufferLike; dtype: DTypeName; length: number;
  shape: number[]; strides: number[]; offset: number;
}
export type Encoded =
  | Primitive
  | { k: "ref"; id: number }
  | { k: "array"; id: number; items: Encoded[] }
  | { k: "object"; id: number; fields: Fields }
  | { k: "instance"; id: number; module: string | null; name: string; fields: Fields }
  | { k: "map"; id: number; entries: [Encoded, Encoded][] }
  | { k: "set"; id: number; items: Encoded[] }
  | { k: "bytes"; id: number; value: TypedArray | ArrayBuffer }
  | { k: "function"; module: string; name: string }
  | EncodedTensor;

/**
 * "share": the dataset, sent once to every worker (its tensors' bytes shared; class instances and
 * functions by module). "result": a batch coming back (tensors made while fetching it are moved,
 * others copied compactly; only data, tensors and containers).
 */
export type EncodeMode = "share" | "result";

/** A module exporting a class or function for workers: `static workerModule = import.meta.url`. */
export function workerModuleOf(value: object): string | null {
  const m = (value as { workerModule?: unknown }).workerModule;
  return typeof m === "string" ? m : null;
}

const FIX_CLASS = (name: string) =>
  `add \`static workerModule = import.meta.url\` to class ${name} and export ${name} from that module ` +
  "(a worker imports it and restores the instance's own fields without calling the constructor)";

/** A function's reference for workers, or a clear error for one that has no importable home. */
export function encodeFunction(fn: Function, what: string): { k: "function"; module: string; name: string } {
  const module = workerModuleOf(fn);
  if (module === null || !fn.name) {
    throw new Error(`DataLoader (numWorkers > 0): ${what} is a function (${fn.name || "anonymous"}) that a worker thread cannot import: ` +
      "export it under its name from a module and set `fn.workerModule = import.meta.url` on it");
  }
  return { k: "function", module, name: fn.name };
}

/** Bytes of non-shared storages copied once into SharedArrayBuffers, reused while unchanged. */
const sharedCopies = new WeakMap<Storage, { version: number; buffer: SharedArrayBuffer }>();

/** A storage's numbers (a complex storage's (re, im) pairs). */
const numbersOf = (s: Storage): StorageArray => (s instanceof ComplexStorage ? s.pairs : s.data);

function sharedBuffer(s: Storage): SharedArrayBuffer {
  const data = numbersOf(s);
  if (data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0) return data.buffer;
  const hit = sharedCopies.get(s);
  if (hit && hit.version === s.version) return hit.buffer;
  const buffer = new SharedArrayBuffer(data.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  sharedCopies.set(s, { version: s.version, buffer });
  return buffer;
}

export class Encoder {
  /** Buffers a "result" message moves instead of copying. */
  readonly transfer: ArrayBuffer[] = [];
  private readonly ids = new Map<object, number>();
  private readonly moved = new Set<ArrayBufferLike>();

  /** `firstFreshStorage`: in "result" mode, storages with this serial or later were made for this batch. */
  constructor(private readonly mode: EncodeMode, private readonly firstFreshStorage = Infinity) {}

  encode(value: unknown, path: string): Encoded {
    if (value === null || typeof value !== "object") {
      if (typeof value === "function") {
        if (this.mode === "result") throw new Error(`DataLoader worker: ${path} is a function, which cannot be returned from a worker`);
        return encodeFunction(value, path);
      }
      if (typeof value === "symbol") throw new Error(`DataLoader (numWorkers > 0): ${path} is a symbol, which cannot be sent between threads`);
      return value as Primitive;
    }
    const seen = this.ids.get(value);
    if (seen !== undefined) return { k: "ref", id: seen };
    const id = this.ids.size;
    this.ids.set(value, id);
    if (value instanceof Tensor) return this.tensor(value, id, path);
    if (Array.isArray(value)) return { k: "array", id, items: value.map((v, i) => this.encode(v, `${path}[${i}]`)) };
    if (value instanceof Map) return { k: "map", id, entries: [...value].map(([key, v]) => [this.encode(key, `${path} key`), this.encode(v, `${path}.get(${String(key)})`)]) };
    if (value instanceof Set) return { k: "set", id, items: [...value].map((v) => this.encode(v, `${path} item`)) };
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { k: "bytes", id, value: value as TypedArray };
    if (value instanceof ArrayBuffer) return { k: "bytes", id, value };
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Object.prototype || proto === null) return { k: "object", id, fields: this.fields(value, path) };
    const cls = (value as { constructor?: unknown }).constructor;
    const name = typeof cls === "function" ? cls.name : "(anonymous)";
    if (this.mode === "result") {
      throw new Error(`DataLoader worker: ${path} is an instance of class ${name}; a worker returns tensors, numbers, strings, arrays, plain objects, Maps and Sets`);
    }
    const builtin = builtinDatasetName(cls);
    const module = builtin === null && typeof cls === "function" ? workerModuleOf(cls) : null;
    if (builtin === null && module === null) {
      throw new Error(`DataLoader (numWorkers > 0): ${path} is an instance of class ${name}, which a worker thread cannot rebuild: ${FIX_CLASS(name)}`);
    }
    return { k: "instance", id, module, name: builtin ?? name, fields: this.fields(value, path) };
  }

  private fields(obj: object, path: string): Fields {
    return Object.getOwnPropertyNames(obj).map((key) => [key, this.encode((obj as Record<string, unknown>)[key], `${path}.${key}`)]);
  }

  private tensor(t: Tensor, id: number, path: string): EncodedTensor {
    if (t.device.type !== "cpu") throw new Error(`DataLoader (numWorkers > 0): ${path} is a tensor on ${t.device}; datasets sent to worker threads hold CPU tensors`);
    if (this.mode === "share") return this.layout(t, id, sharedBuffer(t.storage));
    const data = numbersOf(t.storage);
    const fresh = t.storage.serial >= this.firstFreshStorage;
    if (fresh && data.buffer instanceof SharedArrayBuffer && data.byteOffset === 0) return this.layout(t, id, data.buffer);
    // A buffer this batch made, wholly the storage's: moved, not copied.
    if (fresh && data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
      if (!this.moved.has(data.buffer)) { this.moved.add(data.buffer); this.transfer.push(data.buffer); }
      return this.layout(t, id, data.buffer);
    }
    // A view of the dataset's (or of a cache's) memory: its elements only, in a fresh buffer.
    const copy = emptyTensor(t.shape, t.dtype);
    copyInto(copy, t);
    const buffer = numbersOf(copy.storage).buffer;
    if (!(buffer instanceof SharedArrayBuffer)) this.transfer.push(buffer as ArrayBuffer);
    return this.layout(copy, id, buffer);
  }

  private layout(t: Tensor, id: number, buffer: ArrayBufferLike): EncodedTensor {
    return { k: "tensor", id, buffer, dtype: t.dtype.name, length: t.storage.length, shape: t.shape, strides: t.stride(), offset: t.storageOffset() };
  }
}

/** The module URLs an encoded value's classes and functions come from (imported before decoding). */
export function modulesOf(value: Encoded, into = new Set<string>()): Set<string> {
  if (value === null || typeof value !== "object") return into;
  switch (value.k) {
    case "function": into.add(value.module); break;
    case "instance": if (value.module !== null) into.add(value.module); value.fields.forEach(([, v]) => modulesOf(v, into)); break;
    case "object": value.fields.forEach(([, v]) => modulesOf(v, into)); break;
    case "array": case "set": value.items.forEach((v) => modulesOf(v, into)); break;
    case "map": value.entries.forEach(([a, b]) => { modulesOf(a, into); modulesOf(b, into); }); break;
  }
  return into;
}

/** Imported modules by URL: where "instance" and "function" values find their exports. */
export type ModuleTable = ReadonlyMap<string, Record<string, unknown>>;

function exported(modules: ModuleTable, module: string, name: string, what: string): Function {
  const value = modules.get(module)?.[name];
  if (typeof value !== "function") throw new Error(`DataLoader worker: ${module} does not export ${what} ${name} (a workerModule must export it under its name)`);
  return value;
}

export class Decoder {
  private readonly objects = new Map<number, unknown>();
  constructor(private readonly modules: ModuleTable = new Map()) {}

  decode(value: Encoded): unknown {
    if (value === null || typeof value !== "object") return value;
    switch (value.k) {
      case "ref": return this.objects.get(value.id);
      case "function": return exported(this.modules, value.module, value.name, "function");
      case "bytes": return this.keep(value.id, value.value);
      case "tensor": {
        const dtype = toDType(value.dtype), numbers = arrayOver(dtype, value.buffer, value.length);
        const storage = dtype.isComplex ? new ComplexStorage(numbers as Float32Array | Float64Array, dtype) : new Storage(numbers, dtype);
        return this.keep(value.id, new Tensor(storage, value.shape, value.strides, value.offset));
      }
      case "array": {
        const out = this.keep(value.id, new Array<unknown>(value.items.length));
        value.items.forEach((v, i) => { out[i] = this.decode(v); });
        return out;
      }
      case "map": {
        const out = this.keep(value.id, new Map<unknown, unknown>());
        for (const [k, v] of value.entries) out.set(this.decode(k), this.decode(v));
        return out;
      }
      case "set": {
        const out = this.keep(value.id, new Set<unknown>());
        for (const v of value.items) out.add(this.decode(v));
        return out;
      }
      case "object": return this.assign(this.keep(value.id, {}), value.fields);
      case "instance": {
        const cls = value.module === null ? builtinDatasetClass(value.name) : exported(this.modules, value.module, value.name, "class");
        if (cls === null) throw new Error(`DataLoader worker: unknown built-in dataset ${value.name}`);
        return this.assign(this.keep(value.id, Object.create(cls.prototype as object) as object), value.fields);
      }
    }
  }

  private keep<T>(id: number, obj: T): T { this.objects.set(id, obj); return obj; }

  private assign<T extends object>(obj: T, fields: Fields): T {
    // Own data properties, writable as the constructor left them (readonly is TypeScript's only).
    for (const [key, v] of fields) Object.defineProperty(obj, key, { value: this.decode(v), writable: true, enumerable: true, configurable: true });
    return obj;
  }
}
