// The globals a weights-only pickle may name (PyTorch's torch/_weights_only_unpickler.py allowlist)
// and what calling each of them means here. Calling never runs anything: each allowed callable is
// re-implemented as construction of a plain value. Names outside the list are refused.

import { FormatError } from "./errors.js";
import {
  DTypeRef, DeviceRef, ITEM_SIZE, OrderedDict, PyComplex, PyGlobal, PyTuple, QTensorRef, SparseTensorRef, StorageRef, TensorRef,
  isQuantizedStorageDType, tuple, type PickleValue, type SparseLayoutName, type StorageDType,
} from "./pickle-values.js";

/** PyTorch's legacy typed storage classes for the dtypes torch-ts has. */
export const STORAGE_CLASS_OF: Readonly<Record<StorageDType, string>> = {
  float32: "FloatStorage", float64: "DoubleStorage", float16: "HalfStorage", bfloat16: "BFloat16Storage",
  int8: "CharStorage", uint8: "ByteStorage", int16: "ShortStorage", int32: "IntStorage",
  int64: "LongStorage", bool: "BoolStorage", complex64: "ComplexFloatStorage", complex128: "ComplexDoubleStorage",
  quint8: "QUInt8Storage", qint8: "QInt8Storage", qint32: "QInt32Storage", quint4x2: "QUInt4x2Storage", quint2x4: "QUInt2x4Storage",
};
const DTYPE_OF_STORAGE_CLASS = new Map<string, StorageDType>(
  Object.entries(STORAGE_CLASS_OF).map(([d, c]) => [c, d as StorageDType]),
);
/** Allowed by PyTorch's weights-only loader, but holding dtypes torch-ts does not have. */
const UNSUPPORTED_STORAGE_CLASSES = new Set([
  "UntypedStorage", "TypedStorage",
]);

const SUPPORTED_DTYPES = new Set<string>(Object.keys(ITEM_SIZE));
const OTHER_DTYPES = [
  "complex32", "uint16", "uint32", "uint64",
  "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
  "quint8", "qint8", "qint32", "quint4x2", "quint2x4", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
  "int1", "int2", "int3", "int4", "int5", "int6", "int7", "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
];
const ALL_DTYPE_NAMES = new Set<string>([...SUPPORTED_DTYPES, ...OTHER_DTYPES]);

const LEGACY_TENSOR_CLASSES = ["Float", "Double", "Half", "BFloat16", "Char", "Byte", "Short", "Int", "Long", "Bool"]
  .map((p) => `${p}Tensor`);
const QSCHEMES = ["per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric", "per_channel_affine_float_qparams"];

/** Allowed by PyTorch, refused here because torch-ts has no such tensors. */
const UNSUPPORTED_CALLABLES: Readonly<Record<string, string>> = {
  "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors",
  "torch._utils._rebuild_wrapper_subclass": "tensor subclasses",
  "torch._utils._rebuild_device_tensor_from_numpy": "numpy-backed tensors",
  "torch._utils._rebuild_device_tensor_from_cpu_tensor": "device tensors rebuilt from numpy",
  "torch._utils._rebuild_nested_tensor": "nested tensors",
};

const PARAMETER = "torch.nn.parameter.Parameter";
const TENSOR = "torch.Tensor";

/** Python 2 names that protocol-2 pickles use, as Python 3's unpickler maps them. */
export function mapLegacyName(module: string, name: string): [string, string] {
  if (module === "__builtin__") return ["builtins", name];
  if (module === "copy_reg") return ["copyreg", name];
  return [module, name];
}

/** The value GLOBAL pushes for an allowed name; throws, naming it, for anything else. */
export function resolveGlobal(module: string, name: string): PyGlobal | DTypeRef {
  const full = `${module}.${name}`;
  if (module === "torch" && ALL_DTYPE_NAMES.has(name)) return new DTypeRef(name);
  if (isAllowedGlobal(full)) return new PyGlobal(module, name);
  throw new FormatError(
    `weights-only unpickler: the file asks for the global '${full}', which is not allowed ` +
    `(only PyTorch's weights-only set of globals is accepted; torch-ts never runs code from a file)`);
}

function isAllowedGlobal(full: string): boolean {
  if (full in CALLS || full in UNSUPPORTED_CALLABLES) return true;
  const dot = full.lastIndexOf(".");
  const module = full.slice(0, dot), name = full.slice(dot + 1);
  if ((module === "torch" || module === "torch.cuda") &&
      (DTYPE_OF_STORAGE_CLASS.has(name) || UNSUPPORTED_STORAGE_CLASSES.has(name))) return true;
  if ((module === "torch" || module === "torch.cuda") && LEGACY_TENSOR_CLASSES.includes(name)) return true;
  if (module === "torch" && QSCHEMES.includes(name)) return true;
  return full === TENSOR || full === PARAMETER;
}

/** The dtype of a storage class named in a persistent id. */
export function storageClassDType(cls: PickleValue): StorageDType {
  if (!(cls instanceof PyGlobal)) throw new FormatError(`weights-only unpickler: a storage's type must be a storage class, got ${describe(cls)}`);
  const d = DTYPE_OF_STORAGE_CLASS.get(cls.name);
  if (d && (cls.module === "torch" || cls.module === "torch.cuda")) return d;
  if (UNSUPPORTED_STORAGE_CLASSES.has(cls.name)) throw new FormatError(`torch.load: storages of type ${cls.fullName} are not supported by torch-ts`);
  throw new FormatError(`weights-only unpickler: ${cls.fullName} is not a storage class`);
}

export function describe(v: PickleValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (typeof v === "string") return `str ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number" || typeof v === "bigint") return `number ${v}`;
  if (typeof v === "boolean") return `bool ${v}`;
  if (v instanceof PyGlobal) return v.fullName;
  if (v instanceof DTypeRef) return `torch.${v.name}`;
  if (v instanceof PyTuple) return `tuple of ${v.length}`;
  if (Array.isArray(v)) return `list of ${v.length}`;
  if (v instanceof OrderedDict) return "OrderedDict";
  if (v instanceof Map) return "dict";
  if (v instanceof Set) return "set";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof TensorRef) return "tensor";
  if (v instanceof StorageRef) return "storage";
  if (v instanceof SparseTensorRef) return `torch.${v.layout} tensor`;
  if (v instanceof QTensorRef) return "quantized tensor";
  return v.constructor.name;
}

// ---- Argument checks ---------------------------------------------------------------------------

function fail(fn: string, message: string): never {
  throw new FormatError(`weights-only unpickler: ${fn}: ${message}`);
}

function argTuple(fn: string, args: PickleValue, min: number, max: number): PickleValue[] {
  if (!(args instanceof PyTuple)) fail(fn, `arguments must be a tuple, got ${describe(args)}`);
  if (args.length < min || args.length > max) fail(fn, `takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
  return args;
}

function nonNegativeInt(fn: string, what: string, v: PickleValue | undefined): number {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  fail(fn, `${what} must be a non-negative integer, got ${describe(v)}`);
}

function intList(fn: string, what: string, v: PickleValue | undefined): number[] {
  if (!Array.isArray(v)) fail(fn, `${what} must be a tuple of integers, got ${describe(v)}`);
  return v.map((x) => nonNegativeInt(fn, `every entry of ${what}`, x));
}

function flag(fn: string, what: string, v: PickleValue | undefined): boolean {
  if (typeof v === "boolean") return v;
  if (v === 0 || v === 1) return v === 1;
  fail(fn, `${what} must be a bool, got ${describe(v)}`);
}

function tensorArg(fn: string, v: PickleValue | undefined): TensorRef {
  if (v instanceof TensorRef) return v;
  fail(fn, `expected a tensor, got ${describe(v)}`);
}

/** Checks that the view stays inside its storage (so no later read can go out of bounds). */
export function makeTensorRef(
  fn: string, storage: PickleValue | undefined, offsetV: PickleValue | undefined,
  shapeV: PickleValue | undefined, strideV: PickleValue | undefined, requiresGrad: boolean,
): TensorRef {
  if (!(storage instanceof StorageRef)) fail(fn, `expected a storage, got ${describe(storage)}`);
  const offset = nonNegativeInt(fn, "storage_offset", offsetV);
  const shape = intList(fn, "size", shapeV);
  const stride = intList(fn, "stride", strideV);
  if (shape.length !== stride.length) fail(fn, `size ${fmt(shape)} and stride ${fmt(stride)} differ in length`);
  let numel = 1, last = offset;
  for (let i = 0; i < shape.length; i++) {
    numel *= shape[i]!;
    last += (shape[i]! - 1) * stride[i]!;
  }
  if (!Number.isSafeInteger(numel)) fail(fn, `size ${fmt(shape)} has too many elements`);
  if (numel > 0 && !(last < storage.numel)) {
    fail(fn, `a tensor of size ${fmt(shape)}, stride ${fmt(stride)} at offset ${offset} reaches element ${last}, ` +
      `past the end of its ${storage.numel}-element storage '${storage.key}'`);
  }
  if (numel === 0 && offset > storage.numel) fail(fn, `storage_offset ${offset} is past the end of its ${storage.numel}-element storage`);
  return new TensorRef(storage, offset, shape, stride, requiresGrad);
}

function fmt(a: readonly number[]): string { return `[${a.join(", ")}]`; }

function asParameter(t: TensorRef, requiresGrad: boolean): TensorRef {
  return new TensorRef(t.storage, t.offset, t.shape, t.stride, requiresGrad, true);
}

function latin1Bytes(fn: string, s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) fail(fn, "a latin1 string holds a character above U+00FF");
    out[i] = c;
  }
  return out;
}

function encodeString(fn: string, s: PickleValue | undefined, encoding: PickleValue | undefined): Uint8Array {
  if (typeof s !== "string") fail(fn, `expected a str, got ${describe(s)}`);
  const enc = typeof encoding === "string" ? encoding.toLowerCase().replace(/[-_]/g, "") : encoding;
  if (enc === "latin1" || enc === "iso88591") return latin1Bytes(fn, s);
  if (enc === "utf8") return new TextEncoder().encode(s);
  fail(fn, `unsupported encoding ${describe(encoding ?? null)}`);
}

type Call = (args: PickleValue) => PickleValue;

function rebuildTensorV2(args: PickleValue): TensorRef {
  const fn = "torch._utils._rebuild_tensor_v2";
  const a = argTuple(fn, args, 6, 7);
  return makeTensorRef(fn, a[0], a[1], a[2], a[3], flag(fn, "requires_grad", a[4]));
}

function rebuildTensorV3(args: PickleValue): TensorRef {
  const fn = "torch._utils._rebuild_tensor_v3";
  const a = argTuple(fn, args, 7, 8);
  const t = makeTensorRef(fn, a[0], a[1], a[2], a[3], flag(fn, "requires_grad", a[4]));
  const dtype = a[6];
  if (!(dtype instanceof DTypeRef)) fail(fn, `dtype must be a torch.dtype, got ${describe(dtype)}`);
  if (dtype.name !== t.dtype) fail(fn, `tensors of dtype torch.${dtype.name} are not supported by torch-ts`);
  return t;
}

/**
 * _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad, hooks):
 * a quantized storage's view with (per_tensor_affine, scale, zero_point) or (per_channel_affine,
 * scales, zero_points, axis). The view and the parameters are checked here; the values when loaded.
 */
function rebuildQTensor(args: PickleValue): QTensorRef {
  const fn = "torch._utils._rebuild_qtensor";
  const a = argTuple(fn, args, 7, 7);
  const view = isSubByteStorage(a[0]) ? subByteTensorRef(fn, a[0], a[1], a[2], a[3]) : makeTensorRef(fn, a[0], a[1], a[2], a[3], false);
  if (!isQuantizedStorageDType(view.dtype)) fail(fn, `expected a quantized storage (QUInt8Storage, QInt8Storage, QInt32Storage, QUInt4x2Storage or QUInt2x4Storage), got one of ${view.dtype}`);
  if (flag(fn, "requires_grad", a[5])) fail(fn, "a quantized tensor cannot require grad");
  const q = argTuple(fn, a[4]!, 3, 4);
  const scheme = q[0] instanceof PyGlobal && q[0].module === "torch" ? q[0].name : null;
  if (scheme === "per_tensor_affine") {
    if (q.length !== 3) fail(fn, `per_tensor_affine takes (qscheme, scale, zero_point), got ${q.length} entries`);
    const scale = q[1], zeroPoint = q[2];
    if (typeof scale !== "number" || !Number.isFinite(scale)) fail(fn, `scale must be a finite float, got ${describe(scale)}`);
    if (typeof zeroPoint !== "number" || !Number.isSafeInteger(zeroPoint)) fail(fn, `zero_point must be an int, got ${describe(zeroPoint)}`);
    return new QTensorRef(view.storage, view.offset, view.shape, view.stride, { scheme, scale, zeroPoint });
  }
  if (scheme === "per_channel_affine" || scheme === "per_channel_affine_float_qparams") {
    if (q.length !== 4) fail(fn, `${scheme} takes (qscheme, scales, zero_points, axis), got ${q.length} entries`);
    const axis = nonNegativeInt(fn, "axis", q[3]);
    if (axis >= view.shape.length) fail(fn, `axis ${axis} is out of range for a ${view.shape.length}-d tensor`);
    return new QTensorRef(view.storage, view.offset, view.shape, view.stride,
      { scheme, scales: tensorArg(fn, q[1]), zeroPoints: tensorArg(fn, q[2]), axis });
  }
  fail(fn, `quantization scheme ${describe(q[0])} is not supported by torch-ts (per_tensor_affine, per_channel_affine and per_channel_affine_float_qparams are)`);
}

function isSubByteStorage(s: PickleValue | undefined): s is StorageRef {
  return s instanceof StorageRef && (s.dtype === "quint4x2" || s.dtype === "quint2x4");
}

/**
 * A quint4x2 / quint2x4 tensor over its packed bytes: the whole storage, contiguous (the only views
 * torch-ts keeps of one), its elements packed flat within the storage's bytes.
 */
function subByteTensorRef(fn: string, storage: StorageRef, offsetV: PickleValue | undefined, shapeV: PickleValue | undefined, strideV: PickleValue | undefined): TensorRef {
  const offset = nonNegativeInt(fn, "storage_offset", offsetV);
  const shape = intList(fn, "size", shapeV), stride = intList(fn, "stride", strideV);
  const numel = shape.reduce((x, y) => x * y, 1);
  if (!Number.isSafeInteger(numel)) fail(fn, `size ${fmt(shape)} has too many elements`);
  const contiguous = shape.length === stride.length && shape.every((n, d) => n === 1 || stride[d] === shape.slice(d + 1).reduce((x, y) => x * y, 1));
  if (offset !== 0 || !contiguous) fail(fn, `a ${storage.dtype} tensor must be its whole storage, contiguous (size ${fmt(shape)}, stride ${fmt(stride)}, offset ${offset})`);
  const bits = storage.dtype === "quint4x2" ? 4 : 2;
  if (Math.ceil((numel * bits) / 8) > storage.numel) fail(fn, `a ${storage.dtype} tensor of size ${fmt(shape)} needs ${Math.ceil((numel * bits) / 8)} bytes, past the end of its ${storage.numel}-byte storage '${storage.key}'`);
  return new TensorRef(storage, offset, shape, stride, false);
}

const COMPRESSED_LAYOUTS: readonly SparseLayoutName[] = ["sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc"];

/**
 * A sparse tensor's record: (layout, (indices, values, size[, is_coalesced])) for COO (PyTorch 2.1+
 * adds is_coalesced), (layout, (compressed, plain, values, size)) for the compressed layouts. The
 * invariants are checked when torch.load builds the tensor (as PyTorch's weights-only load does).
 */
function rebuildSparse(fn: string, allowed: readonly SparseLayoutName[]): Call {
  return (args) => {
    const [layout, data] = argTuple(fn, args, 2, 2);
    const name = layout instanceof PyGlobal && layout.module === "torch" ? layout.name as SparseLayoutName : null;
    if (!name || !allowed.includes(name)) fail(fn, `rebuilding sparse tensor for layout ${describe(layout)} is not supported`);
    const coo = name === "sparse_coo";
    const d = argTuple(fn, data!, coo ? 3 : 4, 4);
    const parts = d.slice(0, coo ? 2 : 3).map((t) => tensorArg(fn, t));
    const size = intList(fn, "size", d[coo ? 2 : 3]);
    const coalesced = coo && d.length === 4 && d[3] !== null ? flag(fn, "is_coalesced", d[3]) : null;
    return new SparseTensorRef(name, parts, size, coalesced);
  };
}

const CALLS: Readonly<Record<string, Call>> = {
  "torch._utils._rebuild_sparse_tensor": rebuildSparse("torch._utils._rebuild_sparse_tensor", ["sparse_coo", ...COMPRESSED_LAYOUTS]),
  // What PyTorch 1.13 writes for CSR, and 2.0's name for the compressed layouts.
  "torch._utils._rebuild_sparse_csr_tensor": rebuildSparse("torch._utils._rebuild_sparse_csr_tensor", ["sparse_csr"]),
  "torch._utils._rebuild_sparse_compressed_tensor": rebuildSparse("torch._utils._rebuild_sparse_compressed_tensor", COMPRESSED_LAYOUTS),
  "collections.OrderedDict": (args) => {
    const a = argTuple("collections.OrderedDict", args, 0, 1);
    const d = new OrderedDict();
    if (a.length === 1) fillMap("collections.OrderedDict", d, a[0]!);
    return d;
  },
  "collections.Counter": (args) => {
    const a = argTuple("collections.Counter", args, 0, 1);
    const d = new Map<PickleValue, PickleValue>();
    if (a.length === 1) fillMap("collections.Counter", d, a[0]!);
    return d;
  },
  "torch._utils._rebuild_tensor": (args) => {
    const fn = "torch._utils._rebuild_tensor";
    const a = argTuple(fn, args, 4, 4);
    return makeTensorRef(fn, a[0], a[1], a[2], a[3], false);
  },
  "torch._utils._rebuild_tensor_v2": rebuildTensorV2,
  "torch._utils._rebuild_qtensor": rebuildQTensor,
  "torch._utils._rebuild_tensor_v3": rebuildTensorV3,
  "torch._utils._rebuild_parameter": (args) => {
    const fn = "torch._utils._rebuild_parameter";
    const a = argTuple(fn, args, 3, 3);
    return asParameter(tensorArg(fn, a[0]), flag(fn, "requires_grad", a[1]));
  },
  "torch._utils._rebuild_parameter_with_state": (args) => {
    const fn = "torch._utils._rebuild_parameter_with_state";
    const a = argTuple(fn, args, 4, 4);
    return asParameter(tensorArg(fn, a[0]), flag(fn, "requires_grad", a[1]));
  },
  "torch._tensor._rebuild_from_type_v2": (args) => {
    const fn = "torch._tensor._rebuild_from_type_v2";
    const a = argTuple(fn, args, 4, 4);
    const [func, newType, inner] = a;
    if (!(func instanceof PyGlobal) || !func.fullName.startsWith("torch._utils._rebuild_")) fail(fn, `func must be a tensor rebuild function, got ${describe(func)}`);
    if (!(newType instanceof PyGlobal) || (newType.fullName !== TENSOR && newType.fullName !== PARAMETER)) {
      fail(fn, `tensor subclass ${describe(newType)} is not supported by torch-ts`);
    }
    const t = callGlobal(func, inner ?? null);
    if (!(t instanceof TensorRef)) fail(fn, `func did not rebuild a tensor`);
    return newType.fullName === PARAMETER ? asParameter(t, t.requiresGrad) : t;
  },
  "torch.Size": (args) => {
    const a = argTuple("torch.Size", args, 0, 1);
    return tuple(a.length ? intList("torch.Size", "sizes", a[0]) : []);
  },
  "torch.device": (args) => {
    const fn = "torch.device";
    const a = argTuple(fn, args, 1, 2);
    const spec = a[0];
    if (typeof spec !== "string") fail(fn, `expected a device string, got ${describe(spec)}`);
    const m = /^([a-z_]+)(?::(\d+))?$/.exec(spec);
    if (!m) fail(fn, `invalid device string ${JSON.stringify(spec)}`);
    const index = a.length > 1 && a[1] !== null ? nonNegativeInt(fn, "index", a[1]) : m[2] !== undefined ? Number(m[2]) : null;
    return new DeviceRef(m[1]!, index);
  },
  "torch.serialization._get_layout": (args) => {
    const a = argTuple("torch.serialization._get_layout", args, 1, 1);
    const name = a[0];
    if (typeof name !== "string" || !/^torch\.[a-z_]+$/.test(name)) fail("torch.serialization._get_layout", `expected a layout name, got ${describe(name)}`);
    return new PyGlobal("torch", name.slice(6));
  },
  "_codecs.encode": (args) => {
    const a = argTuple("_codecs.encode", args, 1, 2);
    return encodeString("_codecs.encode", a[0], a.length > 1 ? a[1] : "utf-8");
  },
  "builtins.bytearray": (args) => {
    const fn = "builtins.bytearray";
    const a = argTuple(fn, args, 0, 2);
    if (a.length === 0) return new Uint8Array(0);
    const src = a[0]!;
    if (src instanceof Uint8Array) return src.slice();
    if (typeof src === "string") return encodeString(fn, src, a[1]);
    if (Array.isArray(src)) {
      return Uint8Array.from(src, (x) => {
        if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 255) fail(fn, "byte values must be integers in 0..255");
        return x;
      });
    }
    fail(fn, `cannot build bytes from ${describe(src)}`);
  },
  "builtins.set": (args) => {
    const a = argTuple("builtins.set", args, 0, 1);
    if (a.length === 0) return new Set();
    if (!Array.isArray(a[0]) && !(a[0] instanceof Set)) fail("builtins.set", `expected a list, got ${describe(a[0])}`);
    return new Set(a[0] as Iterable<PickleValue>);
  },
  "builtins.complex": (args) => {
    const fn = "builtins.complex";
    const a = argTuple(fn, args, 0, 2);
    const num = (v: PickleValue | undefined): number => {
      if (v === undefined) return 0;
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return Number(v);
      fail(fn, `expected a number, got ${describe(v)}`);
    };
    return new PyComplex(num(a[0]), num(a[1]));
  },
};

function fillMap(fn: string, d: Map<PickleValue, PickleValue>, src: PickleValue): void {
  if (src instanceof Map) { for (const [k, v] of src) d.set(k, v); return; }
  if (!Array.isArray(src)) fail(fn, `expected a dict or a list of pairs, got ${describe(src)}`);
  for (const pair of src) {
    if (!Array.isArray(pair) || pair.length !== 2) fail(fn, "expected key/value pairs");
    d.set(pair[0]!, pair[1]!);
  }
}

/** What REDUCE (and NEWOBJ) does with an allowed callable. */
export function callGlobal(func: PickleValue, args: PickleValue): PickleValue {
  if (!(func instanceof PyGlobal)) {
    throw new FormatError(`weights-only unpickler: cannot call ${describe(func)}; only allowed functions and classes can be called`);
  }
  const call = CALLS[func.fullName];
  if (call) return call(args);
  const unsupported = UNSUPPORTED_CALLABLES[func.fullName];
  if (unsupported) throw new FormatError(`torch.load: ${func.fullName} rebuilds ${unsupported}, which torch-ts does not support`);
  if (func.fullName === PARAMETER) {
    const a = argTuple(PARAMETER, args, 0, 2);
    const data = a.length > 0 ? tensorArg(PARAMETER, a[0]) : null;
    if (!data) fail(PARAMETER, "a Parameter without data is not supported");
    return asParameter(data, a.length > 1 ? flag(PARAMETER, "requires_grad", a[1]) : true);
  }
  throw new FormatError(`weights-only unpickler: ${func.fullName} cannot be called`);
}

/** NEWOBJ: only torch.nn.Parameter may be instantiated, as in PyTorch. */
export function newObject(cls: PickleValue, args: PickleValue): PickleValue {
  if (cls instanceof PyGlobal && cls.fullName === PARAMETER) return callGlobal(cls, args);
  throw new FormatError(`weights-only unpickler: can only create new objects of torch.nn.Parameter, got ${describe(cls)}`);
}

/** The storage a persistent id ('storage', StorageClass, key, location, numel[, view]) names. */
export function storageFromPersistentId(pid: PickleValue, known: Map<string, StorageRef>): StorageRef {
  if (!(pid instanceof PyTuple)) throw new FormatError(`weights-only unpickler: a persistent id must be a tuple, got ${describe(pid)}`);
  // Python 2 pickles may name it with bytes.
  const typename = pid[0] instanceof Uint8Array && pid[0].length === 7 ? String.fromCharCode(...pid[0]) : pid[0];
  if (typename !== "storage") throw new FormatError(`weights-only unpickler: only persistent_load of storage is allowed, got ${describe(pid[0])}`);
  if (pid.length !== 5 && pid.length !== 6) throw new FormatError(`weights-only unpickler: a storage persistent id has 5 entries, got ${pid.length}`);
  const dtype = storageClassDType(pid[1]!);
  const rawKey = pid[2];
  if (typeof rawKey !== "string" && !(typeof rawKey === "number" && Number.isSafeInteger(rawKey))) {
    throw new FormatError(`weights-only unpickler: a storage key must be a str, got ${describe(rawKey)}`);
  }
  const key = String(rawKey);
  const location = pid[3];
  if (typeof location !== "string") throw new FormatError(`weights-only unpickler: a storage location must be a str, got ${describe(location)}`);
  const numel = pid[4];
  if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) {
    throw new FormatError(`weights-only unpickler: storage '${key}' has an invalid size ${describe(numel)}`);
  }
  if (pid.length === 6 && pid[5] !== null) throw new FormatError(`torch.load: storage views of the legacy format are not supported (storage '${key}')`);
  if (!Number.isSafeInteger(numel * ITEM_SIZE[dtype])) throw new FormatError(`torch.load: storage '${key}' is too large (${numel} elements)`);
  const seen = known.get(key);
  if (seen) {
    if (seen.dtype !== dtype || seen.numel !== numel) {
      throw new FormatError(`torch.load: storage '${key}' is declared both as ${seen.numel} × ${seen.dtype} and as ${numel} × ${dtype}`);
    }
    return seen;
  }
  const s = new StorageRef(key, dtype, numel, location);
  known.set(key, s);
  return s;
}
