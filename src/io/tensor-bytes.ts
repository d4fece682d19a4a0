// Moving tensor data between torch-ts storages and little-endian bytes (the byte order of both
// .pt and safetensors files).

import { type DType, allocArray, realOf, toDType, type StorageArray } from "../core/dtype.js";
import { ComplexStorage, Storage } from "../core/storage.js";
import type { Tensor } from "../core/tensor.js";
import { rawRealView } from "../ops/complex-engine.js";
import { isLittleEndianHost, swapBytes } from "./bytes.js";
import type { StorageDType } from "./pickle-values.js";

const LITTLE_ENDIAN = isLittleEndianHost();

function bytesOf(a: StorageArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The size of the numbers a dtype's bytes hold: a complex element is two floats, each swapped alone. */
function wordSize(dtype: DType): number {
  return dtype.isComplex ? realOf(dtype).itemsize : dtype.itemsize;
}

/** A storage's bytes, little-endian (a view of its memory on little-endian hosts). */
export function storageBytes(storage: Storage): Uint8Array {
  const b = bytesOf(storage instanceof ComplexStorage ? storage.pairs : storage.data);
  if (LITTLE_ENDIAN) return b;
  const copy = b.slice();
  swapBytes(copy, wordSize(storage.dtype));
  return copy;
}

/** The tensor's elements in row-major order as little-endian bytes (no copy when already contiguous). */
export function contiguousBytes(t: Tensor): Uint8Array {
  // A complex tensor's bytes are its float view's: (re, im) pairs in element order.
  if (t.dtype.isComplex) return contiguousBytes(rawRealView(t));
  const n = t.numel();
  const size = t.dtype.itemsize;
  const data = t.storage.data;
  if (t.isContiguous()) {
    const start = t.storageOffset() * size;
    const b = bytesOf(data).subarray(start, start + n * size);
    if (LITTLE_ENDIAN) return b;
    const copy = b.slice();
    swapBytes(copy, size);
    return copy;
  }
  const out = allocArray(t.dtype, n);
  const idx = t._storageIndices();
  if (out instanceof BigInt64Array) {
    const src = data as BigInt64Array;
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  } else {
    const src = data as Exclude<StorageArray, BigInt64Array>;
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  }
  const b = bytesOf(out);
  if (!LITTLE_ENDIAN) swapBytes(b, size);
  return b;
}

/** A new storage of `numel` elements whose bytes `fill` writes (little-endian). */
export function newStorage(dtype: StorageDType, numel: number, fill: (bytes: Uint8Array) => void): Storage {
  const d = toDType(dtype);
  const data = allocArray(d, numel);
  const b = bytesOf(data);
  fill(b);
  if (!LITTLE_ENDIAN) swapBytes(b, wordSize(d));
  return d.isComplex ? new ComplexStorage(data as Float32Array | Float64Array, d) : new Storage(data, d);
}
