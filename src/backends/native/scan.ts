// Checked wrapper of the addon's cumprod (native/scan.h); cumsum's is in ./index.ts, and both check
// their arguments through scanArgs there before the addon, which checks nothing, runs.

import { addonAs, scanArgs, type FloatArray } from "./index.js";

interface ScanAddon {
  cumprod(x: FloatArray, out: FloatArray, args: Float64Array): void;
}

const ARGS = new Float64Array(5);

/**
 * out = cumprod(x) along the middle dim of contiguous [outer, size, inner] views, multiplied in
 * double and each output rounded to the dtype (the JS loop's results, bit for bit).
 */
export function cumprod<T extends FloatArray>(x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0): void {
  if (scanArgs("cumprod", x, out, outer, size, inner, xOff, outOff, ARGS)) addonAs<ScanAddon>("cumprod").cumprod(x, out, ARGS);
}
