// The plain JS model of what a weights-only pickle can hold. dict → Map, list → array,
// tuple → PyTuple (an array that remembers it was a tuple), int → number (bigint beyond 2^53),
// float → number, str → string, bytes → Uint8Array, None → null. Tensors and storages come out as
// records (TensorRef, StorageRef) that the torch.load layer turns into Tensors.

/** The dtypes a storage can have in torch-ts (PyTorch's legacy typed storage classes). */
export type StorageDType =
  | "float32" | "float64" | "float16" | "bfloat16"
  | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool" | "complex64" | "complex128"
  | QuantizedStorageDType;

/**
 * The storages of quantized tensors (QUInt8Storage, QInt8Storage, QInt32Storage): their integers;
 * QUInt4x2Storage / QUInt2x4Storage: packed bytes (core/sub-byte.ts).
 */
export type QuantizedStorageDType = "quint8" | "qint8" | "qint32" | "quint4x2" | "quint2x4";
/** The plain integer dtype a quantized storage's bytes are read as. */
export const QUANTIZED_INTEGERS: Readonly<Record<QuantizedStorageDType, "uint8" | "int8" | "int32">> = {
  quint8: "uint8", qint8: "int8", qint32: "int32", quint4x2: "uint8", quint2x4: "uint8",
};
export const isQuantizedStorageDType = (d: string): d is QuantizedStorageDType => d in QUANTIZED_INTEGERS;

export const ITEM_SIZE: Readonly<Record<StorageDType, number>> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2,
  int8: 1, uint8: 1, int16: 2, int32: 4, int64: 8, bool: 1, complex64: 8, complex128: 16,
  quint8: 1, qint8: 1, qint32: 4, quint4x2: 1, quint2x4: 1,
};

/** A Python tuple: an array (so `const [a, b] = t` works) that pickles back as a tuple. */
export class PyTuple<T = PickleValue> extends Array<T> {
  // map/filter/slice give plain arrays: only what came from (or goes to) a pickle is a tuple.
  static override get [Symbol.species](): ArrayConstructor { return Array; }
}

export function tuple<T>(items: Iterable<T>): PyTuple<T> {
  const t = new PyTuple<T>();
  for (const x of items) t.push(x);
  return t;
}

/** collections.OrderedDict; `attributes` holds what PyTorch sets on it (a state_dict's `_metadata`). */
export class OrderedDict<K = PickleValue, V = PickleValue> extends Map<K, V> {
  attributes: Map<string, PickleValue> | null = null;
}

/** Forces a number to pickle as a Python float (integral numbers otherwise pickle as int). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyComplex {
  constructor(readonly real: number, readonly imag: number) {}
}

/** A class or function named by the pickle (torch.FloatStorage, torch.nn.parameter.Parameter, ...). */
export class PyGlobal {
  readonly kind = "global";
  constructor(readonly module: string, readonly name: string) {}
  get fullName(): string { return `${this.module}.${this.name}`; }
}

/** A torch.dtype as a value (e.g. in a config dict); `name` is PyTorch's ("float32", "uint16", ...). */
export class DTypeRef {
  readonly kind = "dtype";
  constructor(readonly name: string) {}
}

export class DeviceRef {
  readonly kind = "device";
  constructor(readonly type: string, readonly index: number | null) {}
}

/** One storage of the checkpoint: its bytes are the record `data/<key>`. */
export class StorageRef {
  readonly kind = "storage";
  constructor(
    readonly key: string,
    readonly dtype: StorageDType,
    /** Number of elements (not bytes). */
    readonly numel: number,
    readonly location: string,
  ) {}
  get nbytes(): number { return this.numel * ITEM_SIZE[this.dtype]; }
}

/** A tensor as PyTorch rebuilds it: a view (offset, shape, stride in elements) of a storage. */
export class TensorRef {
  readonly kind = "tensor";
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
    /** Saved as torch.nn.Parameter. */
    readonly isParameter: boolean = false,
  ) {}
  get dtype(): StorageDType { return this.storage.dtype; }
}

/**
 * A quantized tensor as torch._utils._rebuild_qtensor rebuilds it: a view of a quantized storage
 * and its quantizer, per tensor (scale, zero point) or per channel (scales, zero points, axis).
 */
export class QTensorRef {
  readonly kind = "qtensor";
  constructor(
    /** Of dtype quint8, qint8 or qint32 (QUInt8Storage, ...): the integers. */
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly quantizer:
      | { scheme: "per_tensor_affine"; scale: number; zeroPoint: number }
      | { scheme: "per_channel_affine" | "per_channel_affine_float_qparams"; scales: TensorRef; zeroPoints: TensorRef; axis: number },
  ) {}
}

/** PyTorch's sparse layouts, as torch.serialization._get_layout names them (without "torch."). */
export type SparseLayoutName = "sparse_coo" | "sparse_csr" | "sparse_csc" | "sparse_bsr" | "sparse_bsc";

/**
 * A sparse tensor as _rebuild_sparse_tensor rebuilds it: COO (indices, values), or compressed
 * (compressed indices, plain indices, values), a size, and (COO, PyTorch 2.1+) whether it is coalesced.
 */
export class SparseTensorRef {
  readonly kind = "sparse";
  constructor(
    readonly layout: SparseLayoutName,
    readonly parts: readonly TensorRef[],
    readonly size: readonly number[],
    readonly coalesced: boolean | null,
  ) {}
}

export type PickleValue =
  | null | boolean | number | bigint | string
  | Uint8Array
  | PyFloat | PyComplex
  | PickleValue[]
  | PyTuple<PickleValue>
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PyGlobal | DTypeRef | DeviceRef | StorageRef | TensorRef | SparseTensorRef | QTensorRef;
