// CPU fast paths of comparisons, where/masked_fill and bool reductions through the addon's mask
// kernels (src/backends/native/masks.ts). Each answers null/false when the addon is absent or the
// operands do not fit, and the op runs its JS loops, which stay the reference.

import type { Tensor } from "../core/tensor.js";
import { bool } from "../core/dtype.js";
import { broadcastShapes, broadcastStrides, numel } from "../core/shape.js";
import { kernels } from "../backends/kernels.js";
import { MAX_DIMS } from "../backends/native/index.js";
import * as masks from "../backends/native/masks.js";
import { classify, type ClassOp } from "../backends/native/unary-math.js";
import { denseOrder, permuted } from "../core/memory-format.js";
import { pointwiseResult, uninitTensor } from "./engine.js";
import { NATIVE_MIN_BINARY } from "./native-fast.js";

/** Below this many elements the JS loops win (see NATIVE_MIN_BINARY); reductions read bytes. */
const NATIVE_MIN_BYTES = 2048;

function comparable(d: unknown): d is masks.ComparableArray {
  return d instanceof Float32Array || d instanceof Float64Array || d instanceof Int8Array || d instanceof Uint8Array
    || d instanceof Int16Array || d instanceof Int32Array || d instanceof BigInt64Array;
}

function operand<T>(t: Tensor, shape: readonly number[], order?: readonly number[]): masks.StridedArray<T> {
  const strides = broadcastStrides(t._shape, t._strides, shape);
  return { data: t.storage.data as unknown as T, offset: t._offset, strides: order ? permuted(strides, order) : strides };
}

/**
 * a op b as a fresh bool tensor (broadcast), for operands of one storage type that the kernels
 * compare (float32/64, int8/16/32/64, uint8, bool); null when not applicable.
 */
export function tryNativeCompare(op: masks.CompareOp, a: Tensor, b: Tensor): Tensor | null {
  if (kernels.backend !== "native") return null;
  const ad = a.storage.data, bd = b.storage.data;
  if (!comparable(ad) || bd.constructor !== ad.constructor) return null;
  const shape = broadcastShapes(a._shape, b._shape);
  if (shape.length > MAX_DIMS || numel(shape) < NATIVE_MIN_BINARY) return null;
  // Laid out by TensorIterator's rule (channels-last or transposed operands give that layout),
  // then walked in the result's memory order.
  const out = a.isContiguous() && b.isContiguous() ? uninitTensor(shape, bool) : pointwiseResult(shape, bool, [a, b]);
  const order = out.isContiguous() ? undefined : denseOrder(shape, out._strides) ?? undefined;
  if (order === undefined && !out.isContiguous()) return null;
  masks.compare(op, order ? permuted(shape, order) : shape, operand<masks.ComparableArray>(a, shape, order), operand<masks.ComparableArray>(b, shape, order), out.storage.data as Uint8Array);
  return out;
}

/**
 * Whether t's memory may meet out's other than as the very same elements in the same order
 * (judged by buffer, so that tensors over one buffer through different storages count too).
 */
function aliasesOtherwise(out: Tensor, t: Tensor): boolean {
  const od = out.storage.data, td = t.storage.data;
  if (td.buffer !== od.buffer) return false;
  const width = od.BYTES_PER_ELEMENT;
  if (td.BYTES_PER_ELEMENT !== width || td.byteOffset + t._offset * width !== od.byteOffset + out._offset * width) return true;
  const ts = broadcastStrides(t._shape, t._strides, out._shape);
  return out._shape.some((s, d) => s !== 1 && ts[d] !== out._strides[d]);
}

function selectable(out: Tensor, cond: Tensor, a: Tensor, b: Tensor): boolean {
  const od = out.storage.data;
  return cond.storage.data instanceof Uint8Array && a.storage.data.constructor === od.constructor && b.storage.data.constructor === od.constructor
    && out._shape.length <= MAX_DIMS && out.numel() >= NATIVE_MIN_BINARY;
}

/**
 * out = cond ? a : b on the elements' bits, cond (bool or uint8), a and b broadcast to out, which
 * is contiguous and may be a or b itself; false when not applicable.
 */
export function tryNativeSelectInto(out: Tensor, cond: Tensor, a: Tensor, b: Tensor): boolean {
  if (kernels.backend !== "native" || !out.isContiguous() || !selectable(out, cond, a, b)) return false;
  if (cond.storage.data.buffer === out.storage.data.buffer || aliasesOtherwise(out, a) || aliasesOtherwise(out, b)) return false;
  type Data = masks.SelectableArray;
  masks.select(out._shape, operand<Uint8Array>(cond, out._shape), operand<Data>(a, out._shape), operand<Data>(b, out._shape),
    out.storage.data as Data, out._offset);
  return true;
}

/**
 * out = cond ? a : b into a fresh out laid out densely in any order (channels-last, transposed):
 * every operand is walked in out's memory order, one flat pass; false when not applicable.
 */
export function tryNativeSelectFresh(out: Tensor, cond: Tensor, a: Tensor, b: Tensor): boolean {
  if (out.isContiguous()) return tryNativeSelectInto(out, cond, a, b);
  if (kernels.backend !== "native" || a.dtype !== b.dtype || !selectable(out, cond, a, b)) return false;
  const order = denseOrder(out._shape, out._strides);
  if (order === null) return false;
  type Data = masks.SelectableArray;
  const shape = out._shape;
  masks.select(permuted(shape, order), operand<Uint8Array>(cond, shape, order), operand<Data>(a, shape, order), operand<Data>(b, shape, order),
    out.storage.data as Data, out._offset);
  return true;
}

/** cond ? a : b as a fresh tensor of `shape` and a's dtype (a and b share it); null when not applicable. */
export function tryNativeSelect(shape: readonly number[], cond: Tensor, a: Tensor, b: Tensor): Tensor | null {
  if (kernels.backend !== "native" || shape.length > MAX_DIMS || numel(shape) < NATIVE_MIN_BINARY || a.dtype !== b.dtype) return null;
  if (!(cond.storage.data instanceof Uint8Array) || a.storage.data.constructor !== b.storage.data.constructor) return null;
  const out = uninitTensor(shape, a.dtype);
  return tryNativeSelectInto(out, cond, a, b) ? out : null;
}

/**
 * sum / count_nonzero (into int64 `out`) or any / all (into bool or uint8 `out`) of a contiguous
 * bool or uint8 tensor over consecutive dims, as [outer, size, inner]; false when not applicable.
 */
export function tryNativeByteReduce(op: masks.ByteReduceOp, x: Tensor, dims: readonly number[], out: Tensor): boolean {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_BYTES || !(x.storage.data instanceof Uint8Array) || !x.isContiguous() || !out.isContiguous()) return false;
  const od = out.storage.data;
  if (op === "sum" || op === "countNonzero" ? !(od instanceof BigInt64Array) : !(od instanceof Uint8Array)) return false;
  if (dims.length === 0) return false;
  for (let i = 1; i < dims.length; i++) if (dims[i] !== dims[i - 1]! + 1) return false;
  let outer = 1, size = 1, inner = 1;
  x._shape.forEach((s, i) => { if (i < dims[0]!) outer *= s; else if (i <= dims[dims.length - 1]!) size *= s; else inner *= s; });
  masks.byteReduce(op, x.storage.data, od as BigInt64Array | Uint8Array, outer, size, inner, x._offset, out._offset);
  return true;
}

/**
 * isnan/isinf/isfinite/signbit of a contiguous float32/float64 tensor as a fresh bool tensor, one
 * byte per element; null when not applicable.
 */
export function tryNativeClassify(op: ClassOp, x: Tensor): Tensor | null {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_BINARY || !x.isContiguous()) return null;
  const d = x.storage.data;
  if (!(d instanceof Float32Array) && !(d instanceof Float64Array)) return null;
  const out = uninitTensor(x._shape, bool);
  classify(op, d, out.storage.data as Uint8Array, out.numel(), x._offset, 0);
  return out;
}
