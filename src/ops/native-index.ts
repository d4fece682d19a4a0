// CPU fast paths through the native addon for the reductions that return indices (max/min/
// argmax/argmin along a dim), logsumexp and sort/argsort/topk. Each answers null when the addon
// is absent or the input does not qualify, and the caller runs its JS definition, which stays
// the reference (test/native-index.test.ts compares the two).

import type { Tensor } from "../core/tensor.js";
import { int64 } from "../core/dtype.js";
import { kernels, type FloatArray } from "../backends/kernels.js";
import * as native from "../backends/native/index.js";
import { uninitTensor } from "./engine.js";

/**
 * Below this many elements the JS loops win: a native call costs a few microseconds (checks,
 * the call, V8 moving a small on-heap typed array off the heap).
 */
const NATIVE_MIN_ELEMENTS = 256;

const SELECT_DTYPES: ReadonlySet<string> = new Set(["float32", "float64", "int32"]);
/** The native sort also orders int64, exactly (by 64-bit keys, not through doubles). */
const SORT_DTYPES: ReadonlySet<string> = new Set([...SELECT_DTYPES, "int64"]);

function qualifies(x: Tensor, dtypes: ReadonlySet<string>): boolean {
  return kernels.backend === "native" && x.numel() >= NATIVE_MIN_ELEMENTS && dtypes.has(x.dtype.name);
}

/** x's values in a contiguous layout of its own shape (a native copy when x is a strided view). */
function contiguousValues(x: Tensor): Tensor {
  return x.isContiguous() ? x : x.detach().contiguous();
}

/** [outer, size, inner] of x around the consecutive dims [first, last]. */
function aroundDims(shape: readonly number[], first: number, last: number): [number, number, number] {
  let outer = 1, size = 1, inner = 1;
  shape.forEach((s, i) => { if (i < first) outer *= s; else if (i <= last) size *= s; else inner *= s; });
  return [outer, size, inner];
}

/**
 * Values and int64 indices of max (isMax) or min along dim `d` of x (null: over all elements,
 * flattened), shaped `outShape`; null when the native kernel does not apply. The caller has
 * checked that the reduced dim is not empty.
 */
export function tryNativeSelect(x: Tensor, d: number | null, outShape: readonly number[], isMax: boolean): { values: Tensor; indices: Tensor } | null {
  if (!qualifies(x, SELECT_DTYPES) || x.dim() === 0) return null;
  const src = contiguousValues(x);
  const [outer, size, inner] = d === null ? [1, x.numel(), 1] : aroundDims(x._shape, d, d);
  const values = uninitTensor(outShape, x.dtype), indices = uninitTensor(outShape, int64);
  native.selectAlong(isMax, src.storage.data as native.SelectArray, values.storage.data as native.SelectArray,
    indices.storage.data as BigInt64Array, outer, size, inner, { x: src._offset });
  return { values, indices };
}

const FLOAT_DTYPES: ReadonlySet<string> = new Set(["float32", "float64"]);

/** logsumexp of float x over the sorted dims `dims` (consecutive), shaped `outShape`; null when not applicable. */
export function tryNativeLogsumexp(x: Tensor, dims: readonly number[], outShape: readonly number[]): Tensor | null {
  if (!qualifies(x, FLOAT_DTYPES) || dims.length === 0) return null;
  for (let i = 1; i < dims.length; i++) if (dims[i] !== dims[i - 1]! + 1) return null;
  const src = contiguousValues(x);
  const [outer, size, inner] = aroundDims(x._shape, dims[0]!, dims[dims.length - 1]!);
  const out = uninitTensor(outShape, x.dtype);
  native.logsumexpAlong(src.storage.data as FloatArray, out.storage.data as FloatArray, outer, size, inner, src._offset, 0);
  return out;
}

/**
 * The first k of the stable order along dim d (descending or not) of x: values and int64 indices
 * with x's shape but k along d; null when not applicable (0-d input, other dtypes, small sizes).
 */
export function tryNativeSort(x: Tensor, d: number, k: number, descending: boolean): { values: Tensor; indices: Tensor } | null {
  if (!qualifies(x, SORT_DTYPES) || x.dim() === 0 || x._shape[d]! >= 2 ** 32) return null;
  const src = contiguousValues(x);
  const [outer, n, inner] = aroundDims(x._shape, d, d);
  const outShape = x._shape.map((s, i) => (i === d ? k : s));
  const values = uninitTensor(outShape, x.dtype), indices = uninitTensor(outShape, int64);
  native.sortAlong(descending, src.storage.data as native.SortArray, values.storage.data as native.SortArray,
    indices.storage.data as BigInt64Array, outer, n, inner, k, { x: src._offset });
  return { values, indices };
}
