// float16/bfloat16 <-> float32 conversions of contiguous runs through the native addon (F16C /
// AVX-512 where the CPU has them), bit-identical to f32ToF16/f32ToBf16/f16ToF32/bf16ToF32 of
// src/core/dtype.ts. Every function answers false where the addon is absent or the run is short,
// and the caller's JS loop runs.

import type { Tensor } from "../core/tensor.js";
import { kernels } from "../backends/kernels.js";
import * as native from "../backends/native/index.js";

/** Below this many values the JS loop wins (a native call costs a few microseconds). */
export const NATIVE_MIN_CONVERT = 2048;

function format(t: Tensor): native.Half | null {
  const name = t.dtype.name;
  return name === "float16" || name === "bfloat16" ? name : null;
}

function usable(n: number): boolean {
  return kernels.backend === "native" && n >= NATIVE_MIN_CONVERT;
}

/** out = the values of contiguous 16-bit-float tensor t as float32; false when not applicable. */
export function tryDecode16(t: Tensor, out: Float32Array): boolean {
  const f = format(t), n = t.numel();
  if (f === null || !usable(n) || !t.isContiguous()) return false;
  native.decode16(f, (t.storage.data as Uint16Array).subarray(t._offset, t._offset + n), out, n);
  return true;
}

/** Contiguous 16-bit-float tensor t = values (float32 or float64), encoded; false when not applicable. */
export function tryEncode16(t: Tensor, values: ArrayLike<number>): boolean {
  const f = format(t), n = t.numel();
  if (f === null || !usable(n) || !t.isContiguous() || values.length < n) return false;
  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) return false;
  const dst = (t.storage.data as Uint16Array).subarray(t._offset, t._offset + n);
  const src = values.length === n ? values : values.subarray(0, n);
  // The native kernels need disjoint memory (an aliasing source takes the JS loop).
  if (src.buffer === dst.buffer) return false;
  native.encode16(f, src, dst, n);
  return true;
}

/**
 * dst = src for contiguous same-shape tensors where one is float32 (or a float64 source) and the
 * other float16/bfloat16; false when not applicable.
 */
export function tryCopy16(dst: Tensor, src: Tensor): boolean {
  const n = dst.numel();
  if (!usable(n) || src.numel() !== n || !dst.isContiguous() || !src.isContiguous()) return false;
  if ((dst.storage.data as Uint16Array).buffer === (src.storage.data as Uint16Array).buffer) return false;
  const fd = format(dst), fs = format(src);
  if (fd !== null && (src.dtype.name === "float32" || src.dtype.name === "float64")) {
    const s = (src.storage.data as Float32Array | Float64Array).subarray(src._offset, src._offset + n);
    native.encode16(fd, s, (dst.storage.data as Uint16Array).subarray(dst._offset, dst._offset + n), n);
    return true;
  }
  if (fs !== null && dst.dtype.name === "float32") {
    native.decode16(fs, (src.storage.data as Uint16Array).subarray(src._offset, src._offset + n), (dst.storage.data as Float32Array).subarray(dst._offset, dst._offset + n), n);
    return true;
  }
  return false;
}
