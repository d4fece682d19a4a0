// Checked wrapper of the addon's isclose (native/isclose.cc). As in ./index.ts, every argument is
// checked here before the addon, which checks nothing, runs.

import { addonAs, checkCount, overlaps, type FloatArray } from "./index.js";

interface IsCloseAddon {
  isclose(a: FloatArray, b: FloatArray, out: Uint8Array, args: Float64Array): void;
}

const ARGS = new Float64Array(7);

/**
 * out[outOff + i] = 1 when a[aOff + i] and b[bOff + i] are close, else 0, for i < n, in the arrays'
 * element type as PyTorch: a == b, or both NaN when equalNan, or |a - b| finite and <= atol +
 * |rtol * b| (rtol and atol rounded to the element type first).
 */
export function isclose<T extends FloatArray>(
  a: T, b: T, out: Uint8Array, n: number, rtol: number, atol: number, equalNan: boolean, aOff = 0, bOff = 0, outOff = 0,
): void {
  const op = "isclose";
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array)) throw new Error(`native.${op}: a must be a Float32Array or Float64Array`);
  if (b.constructor !== a.constructor) throw new Error(`native.${op}: expected b to be a ${a.constructor.name} like a, got ${b.constructor.name}`);
  if (!(out instanceof Uint8Array)) throw new Error(`native.${op}: out must be a Uint8Array`);
  for (const [name, v] of [["n", n], ["a offset", aOff], ["b offset", bOff], ["out offset", outOff]] as const) checkCount(op, name, v);
  if (typeof rtol !== "number" || typeof atol !== "number" || typeof equalNan !== "boolean") throw new Error(`native.${op}: rtol and atol must be numbers, equalNan a boolean`);
  for (const [name, arr, off] of [["a", a, aOff], ["b", b, bOff], ["out", out, outOff]] as const) {
    if (off + n > arr.length) throw new Error(`native.${op}: ${name} holds ${arr.length} elements, ${off + n} needed`);
  }
  if (n === 0) return;
  const so = [outOff, outOff + n - 1] as const;
  if (overlaps(out, so, a, [aOff, aOff + n - 1]) || overlaps(out, so, b, [bOff, bOff + n - 1])) throw new Error(`native.${op}: out overlaps a or b`);
  ARGS[0] = n; ARGS[1] = aOff; ARGS[2] = bOff; ARGS[3] = outOff; ARGS[4] = rtol; ARGS[5] = atol; ARGS[6] = equalNan ? 1 : 0;
  addonAs<IsCloseAddon>(op).isclose(a, b, out, ARGS);
}
