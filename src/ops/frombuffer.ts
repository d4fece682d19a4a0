// torch.frombuffer: a 1-D tensor over an existing buffer, sharing its memory as PyTorch shares a
// Python buffer's (writes through the tensor change the buffer and the other way round).

import { Tensor } from "../core/tensor.js";
import { type DTypeLike, arrayOver, toDType } from "../core/dtype.js";
import { Storage } from "../core/storage.js";
import { bindArgs, checkArgs, describe } from "./args.js";

export interface FrombufferOptions { dtype?: DTypeLike; count?: number; offset?: number; requiresGrad?: boolean }

/**
 * torch.frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False). `buffer` is an
 * ArrayBuffer, a SharedArrayBuffer or a view of one (a typed array, a DataView, a Node Buffer:
 * offsets count from the view's first byte). offset is in bytes, count in elements (-1: to the end).
 * JS typed arrays need offsets aligned to the element size, which PyTorch does not.
 */
export function frombuffer(buffer: ArrayBufferLike | ArrayBufferView, options: FrombufferOptions = {}): Tensor {
  if (arguments.length > 2) checkArgs("frombuffer", arguments, 1, ["dtype", "count", "offset", "requiresGrad"]);
  const a = bindArgs("frombuffer", [options], [], ["dtype", "count", "offset", "requiresGrad", "device"]);
  if (a.dtype === undefined || a.dtype === null) throw new Error('frombuffer() missing 1 required positional arguments: "dtype"');
  const view = ArrayBuffer.isView(buffer) ? buffer : null;
  const raw = view ? view.buffer : buffer;
  if (!(raw instanceof ArrayBuffer) && !(typeof SharedArrayBuffer !== "undefined" && raw instanceof SharedArrayBuffer)) {
    throw new Error(`frombuffer(): object of type ${describe(buffer)} does not implement the buffer protocol (an ArrayBuffer, SharedArrayBuffer or typed array)`);
  }
  const dtype = toDType(a.dtype as DTypeLike);
  const count = (a.count as number | undefined) ?? -1, offset = (a.offset as number | undefined) ?? 0;
  const len = view ? view.byteLength : raw.byteLength, size = dtype.itemsize;
  if (a.device !== undefined && a.device !== null && String(a.device) !== "cpu") throw new Error("frombuffer: the tensor shares the buffer's CPU memory, so its device is 'cpu'");
  if (len <= 0 || count === 0) throw new Error(`both buffer length (${len}) and count (${count}) must not be 0`);
  if (offset < 0 || offset >= len) throw new Error(`offset (${offset} bytes) must be non-negative and no greater than buffer length (${len} bytes) minus 1`);
  if (count <= 0 && (len - offset) % size !== 0) {
    throw new Error(`buffer length (${len - offset} bytes) after offset (${offset} bytes) must be a multiple of element size (${size})`);
  }
  const n = count > 0 ? count : (len - offset) / size;
  if (count > 0 && len - offset < count * size) {
    throw new Error(`requested buffer length (${count} * ${size} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${len} bytes)`);
  }
  const start = (view ? view.byteOffset : 0) + offset;
  if (start % size !== 0) throw new Error(`frombuffer: byte offset ${start} is not a multiple of the element size (${size}); JS typed arrays cannot read ${dtype} there (copy the bytes to an aligned buffer first)`);
  const t = new Tensor(new Storage(arrayOver(dtype, raw, n, start), dtype), [n]);
  if (a.requiresGrad) t.requiresGrad_(true);
  return t;
}
