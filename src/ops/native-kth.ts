// The CPU fast path of kthvalue/median/nanmedian through the native addon's kthAlong (one
// nth_element per line on (value, index) pairs: the stable order's pick in O(size) instead of a
// JS sort). null when the addon is absent or the input does not qualify; the caller then runs its
// JS definition, which stays the reference (test/native-kth.test.ts compares the two).

import type { Tensor } from "../core/tensor.js";
import { int64 } from "../core/dtype.js";
import { kernels } from "../backends/kernels.js";
import type { SelectArray } from "../backends/native/index.js";
import { type KthMode, kthAlong } from "../backends/native/kth-select.js";
import { uninitTensor } from "./engine.js";
import { tryNativeSort } from "./native-index.js";

/** Below this many elements the JS sort is as fast as a native call. */
const NATIVE_MIN_KTH = 256;

const KTH_DTYPES: ReadonlySet<string> = new Set(["float32", "float64", "int32"]);

/** What a line picks: kthvalue's k (0-based), median's or nanmedian's lower median. */
export interface KthPick { mode: KthMode; k: number }

/**
 * Values and int64 indices of the pick along dim d of x (null: over all elements, flattened),
 * shaped outShape; null when the native kernel does not apply. The reduced dim is not empty.
 */
export function tryNativeKth(x: Tensor, d: number | null, outShape: readonly number[], pick: KthPick): { values: Tensor; indices: Tensor } | null {
  if (x.dtype === int64) return kthBySort(x, d, outShape, pick);
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_KTH || !KTH_DTYPES.has(x.dtype.name) || x.dim() === 0) return null;
  const src = x.isContiguous() ? x : x.detach().contiguous();
  let outer = 1, size = x.numel(), inner = 1;
  if (d !== null) {
    size = x._shape[d]!;
    x._shape.forEach((s, i) => { if (i < d) outer *= s; else if (i > d) inner *= s; });
  }
  const values = uninitTensor(outShape, x.dtype), indices = uninitTensor(outShape, int64);
  kthAlong(pick.mode, src.storage.data as SelectArray, values.storage.data as SelectArray, indices.storage.data as BigInt64Array,
    outer, size, inner, pick.k, src._offset, 0);
  return { values, indices };
}

/**
 * int64 has no native selection kernel (its values do not fit its double pairs exactly): the pick
 * of the native sort's stable order instead, the same element, exact, and O(size log) in C++
 * rather than a JS comparator sort per line (1M int64 median: 814 -> 50 ms).
 */
function kthBySort(x: Tensor, d: number | null, outShape: readonly number[], pick: KthPick): { values: Tensor; indices: Tensor } | null {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_KTH || x.dim() === 0) return null;
  const src = d === null ? x.reshape(-1) : x, dim = d ?? 0;
  // int64 has no NaN: nanmedian is median.
  const k = pick.mode === "kth" ? pick.k : Math.floor((src.shape[dim]! - 1) / 2);
  const sorted = tryNativeSort(src, dim, k + 1, false);
  if (!sorted) return null;
  const at = (t: Tensor): Tensor => t.narrow(dim, k, 1).reshape(outShape as number[]);
  return { values: at(sorted.values), indices: at(sorted.indices) };
}
