// Python pickles, restricted to what PyTorch's weights-only loader accepts. The unpickler knows
// only the weights-only opcodes and globals (weights-only.ts) and builds plain values
// (pickle-values.ts); it never calls anything named by the data. The pickler writes protocol 2,
// as torch.save does, for the same value model.

import { FormatError } from "./errors.js";
import {
  DTypeRef, DeviceRef, OrderedDict, PyComplex, PyFloat, PyGlobal, PyTuple, QTensorRef, SparseTensorRef, StorageRef, TensorRef,
  tuple, type PickleValue,
} from "./pickle-values.js";
import {
  STORAGE_CLASS_OF, callGlobal, describe, mapLegacyName, newObject, resolveGlobal, storageFromPersistentId,
} from "./weights-only.js";

const OP = {
  MARK: 0x28, STOP: 0x2e, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, NONE: 0x4e, BINPERSID: 0x51,
  REDUCE: 0x52, BINUNICODE: 0x58, SHORT_BINSTRING: 0x55, EMPTY_LIST: 0x5d, APPEND: 0x61, BUILD: 0x62,
  GLOBAL: 0x63, APPENDS: 0x65, BINGET: 0x68, LONG_BINGET: 0x6a, BINPUT: 0x71, LONG_BINPUT: 0x72,
  SETITEM: 0x73, TUPLE: 0x74, SETITEMS: 0x75, EMPTY_DICT: 0x7d, EMPTY_TUPLE: 0x29, BINFLOAT: 0x47,
  PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89,
  LONG1: 0x8a, EMPTY_SET: 0x8f,
} as const;

/** Names of the opcodes outside the weights-only set, for the error that refuses them. */
const OTHER_OPCODES: Readonly<Record<number, string>> = {
  0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4c: "LONG", 0x50: "PERSID",
  0x53: "STRING", 0x54: "BINSTRING", 0x56: "UNICODE", 0x64: "DICT", 0x67: "GET", 0x69: "INST",
  0x6c: "LIST", 0x6f: "OBJ", 0x70: "PUT", 0x42: "BINBYTES", 0x43: "SHORT_BINBYTES", 0x82: "EXT1",
  0x83: "EXT2", 0x84: "EXT4", 0x8b: "LONG4", 0x8c: "SHORT_BINUNICODE", 0x8d: "BINUNICODE8",
  0x8e: "BINBYTES8", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL",
  0x94: "MEMOIZE", 0x95: "FRAME", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
};

const TWO_53 = 2n ** 53n;

/** Python ints within ±2^53 (exact as doubles) become numbers, larger ones bigints, as Tensor.item() does. */
function intValue(v: bigint): number | bigint {
  return v <= TWO_53 && v >= -TWO_53 ? Number(v) : v;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 as Python's 'surrogatepass' reads it: lone surrogates encoded in 3 bytes are allowed. */
function decodeUtf8(bytes: Uint8Array, at: number): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let s = "";
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]!;
      if (b < 0x80) { s += String.fromCharCode(b); i++; continue; }
      const n = b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
      if (n === 0 || i + n > bytes.length) throw new FormatError(`pickle: invalid UTF-8 in a string at byte ${at}`);
      let cp = b & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) {
        const c = bytes[i + k]!;
        if ((c & 0xc0) !== 0x80) throw new FormatError(`pickle: invalid UTF-8 in a string at byte ${at}`);
        cp = (cp << 6) | (c & 0x3f);
      }
      if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) throw new FormatError(`pickle: invalid UTF-8 in a string at byte ${at}`);
      s += String.fromCodePoint(cp);
      i += n;
    }
    return s;
  }
}

export interface UnpickleOptions {
  /** Resolves BINPERSID ids; the default accepts only PyTorch's storage ids (StorageRef). */
  persistentLoad?: (pid: PickleValue) => PickleValue;
}

/** Reads one pickle (up to its STOP) from `data`. Throws FormatError for anything outside the weights-only set. */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PickleValue {
  return new Unpickler(data, options).load().value;
}

/** Like unpickle, also returning where the pickle ended (the legacy format stores several in a row). */
export function unpickleAt(data: Uint8Array, start: number, options: UnpickleOptions = {}): { value: PickleValue; end: number } {
  return new Unpickler(data, options, start).load();
}

class Unpickler {
  private pos: number;
  private readonly stack: PickleValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly storages = new Map<string, StorageRef>();
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array, private readonly options: UnpickleOptions, start = 0) {
    this.pos = start;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.data.length) throw new FormatError(`pickle: truncated data: ${what} at byte ${at} needs ${n} bytes, ${this.data.length - at} remain`);
    this.pos += n;
    return at;
  }

  private pop(op: string): PickleValue {
    const floor = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (this.stack.length <= floor) throw new FormatError(`pickle: stack underflow in ${op} at byte ${this.pos - 1} (corrupted data)`);
    return this.stack.pop()!;
  }

  private top(op: string): PickleValue {
    const floor = this.marks.length ? this.marks[this.marks.length - 1]! : 0;
    if (this.stack.length <= floor) throw new FormatError(`pickle: stack underflow in ${op} at byte ${this.pos - 1} (corrupted data)`);
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(op: string): PickleValue[] {
    const m = this.marks.pop();
    if (m === undefined) throw new FormatError(`pickle: ${op} without a MARK at byte ${this.pos - 1} (corrupted data)`);
    return this.stack.splice(m);
  }

  private line(what: string): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw new FormatError(`pickle: truncated data: ${what} at byte ${this.pos} has no end of line`);
    const s = decodeUtf8(this.data.subarray(this.pos, end), this.pos);
    this.pos = end + 1;
    return s;
  }

  private persistentLoad(pid: PickleValue): PickleValue {
    if (this.options.persistentLoad) return this.options.persistentLoad(pid);
    return storageFromPersistentId(pid, this.storages);
  }

  load(): { value: PickleValue; end: number } {
    const d = this.data, v = this.view;
    for (;;) {
      if (this.pos >= d.length) throw new FormatError(`pickle: truncated data: no STOP opcode before the end (byte ${this.pos})`);
      const at = this.pos;
      const op = d[this.pos++]!;
      switch (op) {
        case OP.PROTO: {
          const p = d[this.need(1, "PROTO")]!;
          if (p > 5) throw new FormatError(`pickle: unsupported protocol ${p}`);
          break;
        }
        case OP.STOP: {
          if (this.stack.length === 0) throw new FormatError("pickle: STOP with an empty stack (corrupted data)");
          return { value: this.stack.pop()!, end: this.pos };
        }
        case OP.GLOBAL: {
          const [module, name] = mapLegacyName(this.line("GLOBAL module"), this.line("GLOBAL name"));
          this.stack.push(resolveGlobal(module, name));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop("REDUCE");
          const func = this.pop("REDUCE");
          this.stack.push(callGlobal(func, args));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop("NEWOBJ");
          const cls = this.pop("NEWOBJ");
          this.stack.push(newObject(cls, args));
          break;
        }
        case OP.BUILD: {
          const state = this.pop("BUILD");
          const inst = this.top("BUILD");
          if (!(inst instanceof OrderedDict)) {
            throw new FormatError(`weights-only unpickler: BUILD can only set the state of an OrderedDict here, got ${describe(inst)}`);
          }
          if (state === null) break;
          if (!(state instanceof Map)) throw new FormatError(`weights-only unpickler: the state of an OrderedDict must be a dict, got ${describe(state)}`);
          inst.attributes ??= new Map();
          for (const [k, val] of state) {
            if (typeof k !== "string") throw new FormatError(`weights-only unpickler: attribute names must be str, got ${describe(k)}`);
            inst.attributes.set(k, val);
          }
          break;
        }
        case OP.APPEND: {
          const item = this.pop("APPEND");
          this.appendTarget("APPEND").push(item);
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark("APPENDS");
          const list = this.appendTarget("APPENDS");
          for (const x of items) list.push(x);
          break;
        }
        case OP.SETITEM: {
          const value = this.pop("SETITEM");
          const key = this.pop("SETITEM");
          this.dictTarget("SETITEM").set(key, value);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark("SETITEMS");
          if (items.length % 2) throw new FormatError(`pickle: SETITEMS with an odd number of items at byte ${at} (corrupted data)`);
          const dict = this.dictTarget("SETITEMS");
          for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
          break;
        }
        case OP.MARK: this.marks.push(this.stack.length); break;
        case OP.TUPLE: this.stack.push(tuple(this.popMark("TUPLE"))); break;
        case OP.TUPLE1: { const a = this.pop("TUPLE1"); this.stack.push(tuple([a])); break; }
        case OP.TUPLE2: { const b = this.pop("TUPLE2"), a = this.pop("TUPLE2"); this.stack.push(tuple([a, b])); break; }
        case OP.TUPLE3: { const c = this.pop("TUPLE3"), b = this.pop("TUPLE3"), a = this.pop("TUPLE3"); this.stack.push(tuple([a, b, c])); break; }
        case OP.NONE: this.stack.push(null); break;
        case OP.NEWTRUE: this.stack.push(true); break;
        case OP.NEWFALSE: this.stack.push(false); break;
        case OP.EMPTY_TUPLE: this.stack.push(new PyTuple()); break;
        case OP.EMPTY_LIST: this.stack.push([]); break;
        case OP.EMPTY_DICT: this.stack.push(new Map()); break;
        case OP.EMPTY_SET: this.stack.push(new Set()); break;
        case OP.BININT: this.stack.push(v.getInt32(this.need(4, "BININT"), true)); break;
        case OP.BININT1: this.stack.push(d[this.need(1, "BININT1")]!); break;
        case OP.BININT2: this.stack.push(v.getUint16(this.need(2, "BININT2"), true)); break;
        case OP.BINFLOAT: this.stack.push(v.getFloat64(this.need(8, "BINFLOAT"), false)); break;
        case OP.LONG1: {
          const n = d[this.need(1, "LONG1")]!;
          const p = this.need(n, "LONG1");
          let x = 0n;
          for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(d[p + i]!);
          if (n > 0 && d[p + n - 1]! & 0x80) x -= 1n << BigInt(8 * n);
          this.stack.push(intValue(x));
          break;
        }
        case OP.BINUNICODE: {
          const n = v.getUint32(this.need(4, "BINUNICODE"), true);
          const p = this.need(n, "BINUNICODE");
          this.stack.push(decodeUtf8(d.subarray(p, p + n), p));
          break;
        }
        case OP.SHORT_BINSTRING: {
          // torch.load reads Python 2 byte strings with encoding='utf-8'.
          const n = d[this.need(1, "SHORT_BINSTRING")]!;
          const p = this.need(n, "SHORT_BINSTRING");
          this.stack.push(decodeUtf8(d.subarray(p, p + n), p));
          break;
        }
        case OP.BINPERSID: this.stack.push(this.persistentLoad(this.pop("BINPERSID"))); break;
        case OP.BINGET: case OP.LONG_BINGET: {
          const i = op === OP.BINGET ? d[this.need(1, "BINGET")]! : v.getUint32(this.need(4, "LONG_BINGET"), true);
          if (!this.memo.has(i)) throw new FormatError(`pickle: memo entry ${i} read before it was written (byte ${at}; corrupted data)`);
          this.stack.push(this.memo.get(i)!);
          break;
        }
        case OP.BINPUT: case OP.LONG_BINPUT: {
          const i = op === OP.BINPUT ? d[this.need(1, "BINPUT")]! : v.getUint32(this.need(4, "LONG_BINPUT"), true);
          this.memo.set(i, this.top(op === OP.BINPUT ? "BINPUT" : "LONG_BINPUT"));
          break;
        }
        default: {
          const name = OTHER_OPCODES[op];
          throw new FormatError(
            `weights-only unpickler: unsupported pickle opcode ${name ?? "(unknown)"} (0x${op.toString(16).padStart(2, "0")}) at byte ${at}` +
            (name ? "; only the weights-only opcodes are allowed" : " (corrupted data)"));
        }
      }
    }
  }

  private appendTarget(op: string): PickleValue[] {
    const t = this.top(op);
    if (!Array.isArray(t) || t instanceof PyTuple) throw new FormatError(`weights-only unpickler: can only ${op} to lists, got ${describe(t)}`);
    return t;
  }

  private dictTarget(op: string): Map<PickleValue, PickleValue> {
    const t = this.top(op);
    if (!(t instanceof Map)) throw new FormatError(`weights-only unpickler: can only ${op} for dict, collections.OrderedDict, collections.Counter, got ${describe(t)}`);
    return t;
  }
}

// ---- Pickler --------------------------------------------------------------------------------

class ByteBuilder {
  private buf = new Uint8Array(1024);
  length = 0;
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // room() may replace buf: call it before reading this.buf.
  byte(b: number): void { const p = this.room(1); this.buf[p] = b; }
  bytes(b: Uint8Array): void { const p = this.room(b.length); this.buf.set(b, p); }
  u16(v: number): void { const p = this.room(2); this.buf[p] = v & 0xff; this.buf[p + 1] = v >>> 8; }
  u32(v: number): void { const p = this.room(4); new DataView(this.buf.buffer).setUint32(p, v, true); }
  i32(v: number): void { const p = this.room(4); new DataView(this.buf.buffer).setInt32(p, v, true); }
  f64be(v: number): void { const p = this.room(8); new DataView(this.buf.buffer).setFloat64(p, v, false); }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** UTF-8 as Python's 'surrogatepass' writes it, so lone surrogates round-trip. */
function encodeUtf8(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; }
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

const BATCH = 1000;

/** Values the pickler accepts: the PickleValue model, plus plain objects (as dicts) and undefined (as None). */
export type PicklableValue =
  | PickleValue | undefined
  | readonly PicklableValue[] | PyTuple<PicklableValue>
  | ReadonlyMap<PicklableValue, PicklableValue> | ReadonlySet<PicklableValue>
  | { readonly [key: string]: PicklableValue };

/** Writes `value` as a protocol-2 pickle, as Python's pickler (and so torch.save) does. */
export function pickle(value: PicklableValue): Uint8Array {
  const p = new Pickler();
  p.out.byte(OP.PROTO);
  p.out.byte(2);
  p.save(value);
  p.out.byte(OP.STOP);
  return p.out.result();
}

function isPlainObject(v: object): v is { readonly [key: string]: PicklableValue } {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

class Pickler {
  readonly out = new ByteBuilder();
  private readonly memo = new Map<object, number>();
  private readonly globals = new Map<string, number>();
  private readonly inProgress = new Set<object>();

  private put(obj: object): void {
    const i = this.memo.size + this.globals.size;
    this.memo.set(obj, i);
    this.writePut(i);
  }

  private writePut(i: number): void {
    if (i < 256) { this.out.byte(OP.BINPUT); this.out.byte(i); } else { this.out.byte(OP.LONG_BINPUT); this.out.u32(i); }
  }

  private get(i: number): void {
    if (i < 256) { this.out.byte(OP.BINGET); this.out.byte(i); } else { this.out.byte(OP.LONG_BINGET); this.out.u32(i); }
  }

  private global(module: string, name: string): void {
    const key = `${module}\n${name}`;
    const seen = this.globals.get(key);
    if (seen !== undefined) { this.get(seen); return; }
    this.out.byte(OP.GLOBAL);
    this.out.bytes(encodeUtf8(`${module}\n${name}\n`));
    const i = this.memo.size + this.globals.size;
    this.globals.set(key, i);
    this.writePut(i);
  }

  private int(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v < 256) { this.out.byte(OP.BININT1); this.out.byte(v); return; }
    if (typeof v === "number" && v >= 0 && v < 65536) { this.out.byte(OP.BININT2); this.out.u16(v); return; }
    if (typeof v === "number" && v >= -(2 ** 31) && v < 2 ** 31) { this.out.byte(OP.BININT); this.out.i32(v); return; }
    // LONG1: little-endian two's complement, as few bytes as keep the sign.
    let x = BigInt(v);
    const bytes: number[] = [];
    for (;;) {
      const b = Number(x & 0xffn);
      bytes.push(b);
      x >>= 8n;
      if ((x === 0n && !(b & 0x80)) || (x === -1n && b & 0x80)) break;
    }
    if (bytes.length > 255) throw new Error(`pickle: integer ${v} is too large for a weights-only pickle (over 255 bytes)`);
    this.out.byte(OP.LONG1);
    this.out.byte(bytes.length);
    this.out.bytes(Uint8Array.from(bytes));
  }

  private float(v: number): void {
    this.out.byte(OP.BINFLOAT);
    this.out.f64be(v);
  }

  private str(s: string): void {
    const b = encodeUtf8(s);
    this.out.byte(OP.BINUNICODE);
    this.out.u32(b.length);
    this.out.bytes(b);
  }

  private tupleOf(items: readonly PicklableValue[]): void {
    if (items.length === 0) { this.out.byte(OP.EMPTY_TUPLE); return; }
    if (items.length <= 3) {
      for (const x of items) this.save(x);
      this.out.byte(items.length === 1 ? OP.TUPLE1 : items.length === 2 ? OP.TUPLE2 : OP.TUPLE3);
      return;
    }
    this.out.byte(OP.MARK);
    for (const x of items) this.save(x);
    this.out.byte(OP.TUPLE);
  }

  private items(entries: Iterable<readonly [PicklableValue, PicklableValue]>): void {
    let batch: (readonly [PicklableValue, PicklableValue])[] = [];
    const flush = (): void => {
      if (batch.length === 1) { this.save(batch[0]![0]); this.save(batch[0]![1]); this.out.byte(OP.SETITEM); }
      else if (batch.length > 1) {
        this.out.byte(OP.MARK);
        for (const [k, v] of batch) { this.save(k); this.save(v); }
        this.out.byte(OP.SETITEMS);
      }
      batch = [];
    };
    for (const e of entries) { batch.push(e); if (batch.length === BATCH) flush(); }
    flush();
  }

  private appends(items: Iterable<PicklableValue>): void {
    let batch: PicklableValue[] = [];
    const flush = (): void => {
      if (batch.length === 1) { this.save(batch[0]); this.out.byte(OP.APPEND); }
      else if (batch.length > 1) {
        this.out.byte(OP.MARK);
        for (const x of batch) this.save(x);
        this.out.byte(OP.APPENDS);
      }
      batch = [];
    };
    for (const x of items) { batch.push(x); if (batch.length === BATCH) flush(); }
    flush();
  }

  private storage(s: StorageRef): void {
    this.out.byte(OP.MARK);
    this.str("storage");
    this.global("torch", STORAGE_CLASS_OF[s.dtype]);
    this.str(s.key);
    this.str(s.location);
    this.int(s.numel);
    this.out.byte(OP.TUPLE);
    this.out.byte(OP.BINPERSID);
  }

  private emptyOrderedDict(): void {
    this.global("collections", "OrderedDict");
    this.out.byte(OP.EMPTY_TUPLE);
    this.out.byte(OP.REDUCE);
  }

  private tensor(t: TensorRef): void {
    // A Parameter pickles as _rebuild_parameter(<its data as a plain tensor>, requires_grad, hooks).
    if (t.isParameter) this.global("torch._utils", "_rebuild_parameter");
    this.global("torch._utils", "_rebuild_tensor_v2");
    this.out.byte(OP.MARK);
    this.storage(t.storage);
    this.int(t.offset);
    this.tupleOf(t.shape);
    this.tupleOf(t.stride);
    this.save(t.isParameter ? false : t.requiresGrad);
    this.emptyOrderedDict();
    this.out.byte(OP.TUPLE);
    this.out.byte(OP.REDUCE);
    if (t.isParameter) {
      this.save(t.requiresGrad);
      this.emptyOrderedDict();
      this.out.byte(OP.TUPLE3);
      this.out.byte(OP.REDUCE);
    }
  }

  /**
   * _rebuild_sparse_tensor(layout, (tensors..., torch.Size(size)[, is_coalesced])), as
   * Tensor.__reduce_ex__ writes a sparse tensor; the layout pickles as _get_layout("torch.<name>").
   */
  private sparseTensor(t: SparseTensorRef): void {
    this.global("torch._utils", "_rebuild_sparse_tensor");
    this.global("torch.serialization", "_get_layout");
    this.str(`torch.${t.layout}`);
    this.out.byte(OP.TUPLE1);
    this.out.byte(OP.REDUCE);
    this.out.byte(OP.MARK);
    for (const part of t.parts) this.save(part);
    this.global("torch", "Size");
    this.tupleOf(t.size);
    this.out.byte(OP.TUPLE1);
    this.out.byte(OP.REDUCE);
    if (t.coalesced !== null) this.save(t.coalesced);
    this.out.byte(OP.TUPLE);
    this.out.byte(OP.TUPLE2);
    this.out.byte(OP.REDUCE);
  }

  /**
   * _rebuild_qtensor(storage, offset, size, stride, quantizer_params, False, OrderedDict()), as
   * Tensor.__reduce_ex__ writes a quantized tensor; the qscheme pickles as the global torch.<name>.
   */
  private qTensor(t: QTensorRef): void {
    this.global("torch._utils", "_rebuild_qtensor");
    this.out.byte(OP.MARK);
    this.storage(t.storage);
    this.int(t.offset);
    this.tupleOf(t.shape);
    this.tupleOf(t.stride);
    const q = t.quantizer;
    this.out.byte(OP.MARK);
    this.global("torch", q.scheme);
    if (q.scheme === "per_tensor_affine") {
      this.float(q.scale);
      this.int(q.zeroPoint);
    } else {
      this.save(q.scales);
      this.save(q.zeroPoints);
      this.int(q.axis);
    }
    this.out.byte(OP.TUPLE);
    this.out.byte(OP.NEWFALSE);
    this.emptyOrderedDict();
    this.out.byte(OP.TUPLE);
    this.out.byte(OP.REDUCE);
  }

  save(v: PicklableValue): void {
    if (v === null || v === undefined) { this.out.byte(OP.NONE); return; }
    switch (typeof v) {
      case "boolean": this.out.byte(v ? OP.NEWTRUE : OP.NEWFALSE); return;
      case "number":
        // Integral numbers within ±2^53 are ints (wrap in PyFloat to force a float).
        if (Number.isInteger(v) && Math.abs(v) <= 2 ** 53 && !Object.is(v, -0)) this.int(v); else this.float(v);
        return;
      case "bigint": this.int(v); return;
      case "string": this.str(v); return;
      case "object": break;
      default: throw new Error(`pickle: cannot pickle a value of type ${typeof v}`);
    }
    if (v instanceof PyFloat) { this.float(v.value); return; }
    const seen = this.memo.get(v);
    if (seen !== undefined) { this.get(seen); return; }
    if (this.inProgress.has(v)) throw new Error("pickle: a tuple or tensor contains itself");

    if (v instanceof PyTuple) {
      this.inProgress.add(v);
      this.tupleOf(v);
      this.inProgress.delete(v);
      this.put(v);
    } else if (Array.isArray(v)) {
      this.out.byte(OP.EMPTY_LIST);
      this.put(v);
      this.appends(v as PicklableValue[]);
    } else if (v instanceof OrderedDict) {
      this.emptyOrderedDict();
      this.put(v);
      this.items(v as Map<PicklableValue, PicklableValue>);
      if (v.attributes && v.attributes.size) {
        this.out.byte(OP.EMPTY_DICT);
        this.items(v.attributes);
        this.out.byte(OP.BUILD);
      }
    } else if (v instanceof Map) {
      this.out.byte(OP.EMPTY_DICT);
      this.put(v);
      this.items(v as Map<PicklableValue, PicklableValue>);
    } else if (v instanceof Set) {
      this.global("__builtin__", "set");
      this.out.byte(OP.EMPTY_LIST);
      this.appends(v as Set<PicklableValue>);
      this.out.byte(OP.TUPLE1);
      this.out.byte(OP.REDUCE);
      this.put(v);
    } else if (v instanceof Uint8Array) {
      // Protocol 2 has no bytes opcode that weights-only loaders accept: Python writes _codecs.encode(latin1 str).
      this.global("_codecs", "encode");
      let s = "";
      for (let i = 0; i < v.length; i += 8192) s += String.fromCharCode(...v.subarray(i, i + 8192));
      this.str(s);
      this.str("latin1");
      this.out.byte(OP.TUPLE2);
      this.out.byte(OP.REDUCE);
      this.put(v);
    } else if (v instanceof TensorRef) {
      this.inProgress.add(v);
      this.tensor(v);
      this.inProgress.delete(v);
      this.put(v);
    } else if (v instanceof SparseTensorRef) {
      this.sparseTensor(v);
      this.put(v);
    } else if (v instanceof QTensorRef) {
      this.qTensor(v);
      this.put(v);
    } else if (v instanceof StorageRef) {
      this.storage(v);
    } else if (v instanceof DTypeRef) {
      this.global("torch", v.name);
    } else if (v instanceof DeviceRef) {
      this.global("torch", "device");
      if (v.index === null) this.tupleOf([v.type]); else this.tupleOf([v.type, v.index]);
      this.out.byte(OP.REDUCE);
    } else if (v instanceof PyComplex) {
      this.global("__builtin__", "complex");
      this.float(v.real);
      this.float(v.imag);
      this.out.byte(OP.TUPLE2);
      this.out.byte(OP.REDUCE);
    } else if (v instanceof PyGlobal) {
      // Only what a weights-only reader accepts (throws otherwise).
      resolveGlobal(v.module, v.name);
      this.global(v.module, v.name);
    } else if (isPlainObject(v)) {
      this.out.byte(OP.EMPTY_DICT);
      this.put(v);
      this.items(Object.entries(v));
    } else {
      throw new Error(`pickle: cannot pickle a ${(v as object).constructor?.name ?? "value"}`);
    }
  }
}
