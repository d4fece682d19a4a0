// Checked wrapper of the addon's cumprod (native/scan.h); cumsum's is in ./index.ts. As there,
// every argument is checked here before the addon, which checks nothing, runs.

import { addonAs, checkCount, overlaps, type FloatArray } from "./index.js";

interface ScanAddon {
  cumprod(x: FloatArray, out: FloatArray, args: Float64Array): void;
}

const ARGS = new Float64Array(5);

/**
 * out = cumprod(x) along the middle dim of contiguous [outer, size, inner] views, multiplied in
 * double and each output rounded to the dtype (the JS loop's results, bit for bit).
 */
export function cumprod<T extends FloatArray>(x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0): void {
  const op = "cumprod";
  if (!(x instanceof Float32Array) && !(x instanceof Float64Array)) throw new Error(`native.${op}: x must be a Float32Array or Float64Array`);
  if (out.constructor !== x.constructor) throw new Error(`native.${op}: expected out to be a ${x.constructor.name} like x, got ${out.constructor.name}`);
  for (const [name, v] of [["outer", outer], ["size", size], ["inner", inner], ["x offset", xOff], ["out offset", outOff]] as const) checkCount(op, name, v);
  const n = outer * size * inner;
  if (xOff + n > x.length) throw new Error(`native.${op}: x holds ${x.length} elements, ${xOff + n} needed`);
  if (outOff + n > out.length) throw new Error(`native.${op}: out holds ${out.length} elements, ${outOff + n} needed`);
  if (n === 0) return;
  if (overlaps(out, [outOff, outOff + n - 1], x, [xOff, xOff + n - 1])) throw new Error(`native.${op}: out overlaps x`);
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = outOff;
  addonAs<ScanAddon>(op).cumprod(x, out, ARGS);
}
