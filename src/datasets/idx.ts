// The IDX format of MNIST and Fashion-MNIST: a big-endian header (magic: 0, 0, type, ndim; then
// ndim uint32 sizes) followed by the values. Gzip is detected by its magic bytes.

import { Tensor } from "../core/tensor.js";
import { Storage } from "../core/storage.js";
import { type DType, float32, float64, int16, int32, int8, uint8 } from "../core/dtype.js";
import { nodeBuiltins } from "./node-fs.js";

const TYPES: Record<number, { dtype: DType; size: number }> = {
  0x08: { dtype: uint8, size: 1 }, 0x09: { dtype: int8, size: 1 }, 0x0b: { dtype: int16, size: 2 },
  0x0c: { dtype: int32, size: 4 }, 0x0d: { dtype: float32, size: 4 }, 0x0e: { dtype: float64, size: 8 },
};

/** Parses IDX bytes (raw or gzip) into a tensor of the file's dtype and shape. */
export function parseIdx(bytes: Uint8Array): Tensor {
  let b = bytes;
  // gunzip's Buffer is a Uint8Array already: no copy of the (47 MB for Fashion-MNIST) contents.
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) b = nodeBuiltins("IDX gzip").zlib.gunzipSync(b);
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) throw new Error("IDX: bad magic number (expected 0x00 0x00 type ndim)");
  const type = TYPES[b[2]!];
  if (!type) throw new Error(`IDX: unknown data type 0x${b[2]!.toString(16)}`);
  const ndim = b[3]!;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 4 + 4 * ndim) throw new Error("IDX: truncated header");
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const n = shape.reduce((a, c) => a * c, 1);
  const start = 4 + 4 * ndim;
  if (b.length < start + n * type.size) throw new Error(`IDX: expected ${n} values of ${type.size} bytes, file has ${b.length - start} bytes of data`);
  let data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  switch (type.dtype) {
    case uint8: data = b.slice(start, start + n); break;
    case int8: data = new Int8Array(b.slice(start, start + n).buffer); break;
    default: {
      const out = type.dtype === int16 ? new Int16Array(n) : type.dtype === int32 ? new Int32Array(n) : type.dtype === float32 ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const o = start + i * type.size;
        out[i] = type.dtype === int16 ? view.getInt16(o, false) : type.dtype === int32 ? view.getInt32(o, false) : type.dtype === float32 ? view.getFloat32(o, false) : view.getFloat64(o, false);
      }
      data = out;
    }
  }
  return new Tensor(new Storage(data, type.dtype), shape);
}

export function readIdx(path: string): Tensor {
  return parseIdx(new Uint8Array(nodeBuiltins("readIdx").fs.readFileSync(path)));
}
