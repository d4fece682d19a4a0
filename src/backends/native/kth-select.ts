// Checked wrapper of the addon's kthAlong (native/kth_select.h): the k-th element of the stable
// order (NaN last, ties by index) along one dim, with its index, for kthvalue/median/nanmedian.
// As in ./index.ts, every argument is checked here before the addon, which checks nothing, runs.

import { addonAs, checkCount, checkSpan, overlaps, type SelectArray } from "./index.js";

/** kth: position k; median: the lower median, or the first NaN; nanmedian: the lower median of the non-NaN values, or the first NaN when all are. */
export type KthMode = "kth" | "median" | "nanmedian";

const MODE_CODES: Readonly<Record<KthMode, number>> = { kth: 0, median: 1, nanmedian: 2 };

interface KthAddon {
  kthAlong(mode: number, x: SelectArray, values: SelectArray, indices: BigInt64Array, args: Float64Array): void;
}

const ARGS = new Float64Array(6);

/**
 * For each of the outer x inner lines of x (contiguous [outer, size, inner] from xOff), the
 * element the mode picks and its index along the line, into values and indices (contiguous
 * [outer, inner] from outOff). size must be at least 1; k < size for "kth".
 */
export function kthAlong<T extends SelectArray>(
  mode: KthMode, x: T, values: T, indices: BigInt64Array, outer: number, size: number, inner: number, k = 0, xOff = 0, outOff = 0,
): void {
  const op = "kthAlong";
  const code = MODE_CODES[mode];
  if (code === undefined) throw new Error(`native.${op}: unknown mode ${String(mode)}`);
  if (!(x instanceof Float32Array) && !(x instanceof Float64Array) && !(x instanceof Int32Array)) {
    throw new Error(`native.${op}: x must be a Float32Array, Float64Array or Int32Array`);
  }
  if (values.constructor !== x.constructor) throw new Error(`native.${op}: expected values to be a ${x.constructor.name} like x, got ${values.constructor.name}`);
  if (!(indices instanceof BigInt64Array)) throw new Error(`native.${op}: indices must be a BigInt64Array`);
  checkCount(op, "outer", outer);
  checkCount(op, "size", size);
  checkCount(op, "inner", inner);
  checkCount(op, "k", k);
  if (size === 0 && outer * inner > 0) throw new Error(`native.${op}: the lines are empty (size 0)`);
  if (mode === "kth" && k >= size && outer * inner > 0) throw new Error(`native.${op}: k = ${k} is out of range for lines of ${size}`);
  const sx = checkSpan(op, "x", x, xOff, [outer, size, inner], [size * inner, inner, 1]);
  const sv = checkSpan(op, "values", values, outOff, [outer, inner], [inner, 1]);
  const si = checkSpan(op, "indices", indices, outOff, [outer, inner], [inner, 1]);
  if (overlaps(values, sv, x, sx)) throw new Error(`native.${op}: values and x overlap`);
  if (overlaps(indices, si, x, sx) || overlaps(indices, si, values, sv)) throw new Error(`native.${op}: indices overlap another array`);
  if (sv === null) return;
  const native = addonAs<KthAddon>(op);
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = k; ARGS[4] = xOff; ARGS[5] = outOff;
  native.kthAlong(code, x, values, indices, ARGS);
}
