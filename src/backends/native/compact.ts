// Checked wrappers of the addon's compaction by a byte mask (native/compact.h): the count of
// nonzero bytes, masked_select's selected elements of any width in order, and nonzero's int64
// coordinates. As in ./index.ts, every argument is checked here before the addon, which checks
// nothing, runs.

import { addonAs, checkCount, MAX_DIMS, overlaps } from "./index.js";

/** Arrays whose elements compactElements moves as bits. */
export type CompactArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | BigInt64Array;

interface CompactAddon {
  countSelected(mask: Uint8Array, args: Float64Array): number;
  compactElements(mask: Uint8Array, src: CompactArray, out: CompactArray, args: Float64Array): void;
  nonzeroCoordinates(mask: Uint8Array, out: BigInt64Array | Float64Array, args: Float64Array): void;
}

const ARGS = new Float64Array(4 + MAX_DIMS);

function checkMask(op: string, mask: Uint8Array, n: number, maskOff: number): void {
  if (!(mask instanceof Uint8Array)) throw new Error(`native.${op}: mask must be a Uint8Array`);
  checkCount(op, "n", n);
  checkCount(op, "mask offset", maskOff);
  if (maskOff + n > mask.length) throw new Error(`native.${op}: mask holds ${mask.length} bytes, ${maskOff + n} needed`);
}

/** The number of nonzero bytes in mask[maskOff, maskOff + n). */
export function countSelected(mask: Uint8Array, n: number, maskOff = 0): number {
  const op = "countSelected";
  checkMask(op, mask, n, maskOff);
  if (n === 0) return 0;
  ARGS[0] = n; ARGS[1] = maskOff;
  return addonAs<CompactAddon>(op).countSelected(mask, ARGS);
}

/**
 * out[outOff + c] = src[srcOff + i] for the c-th i < n whose mask byte is nonzero; out must hold
 * countSelected(mask, n) elements from outOff and be apart from src and mask.
 */
export function compactElements<T extends CompactArray>(mask: Uint8Array, src: T, out: T, n: number, maskOff = 0, srcOff = 0, outOff = 0): void {
  const op = "compactElements";
  checkMask(op, mask, n, maskOff);
  if (!ArrayBuffer.isView(src) || src instanceof DataView || src instanceof BigUint64Array) throw new Error(`native.${op}: src must be a typed array`);
  if (out.constructor !== src.constructor) throw new Error(`native.${op}: expected out to be a ${src.constructor.name} like src, got ${out.constructor.name}`);
  checkCount(op, "src offset", srcOff);
  checkCount(op, "out offset", outOff);
  if (srcOff + n > src.length) throw new Error(`native.${op}: src holds ${src.length} elements, ${srcOff + n} needed`);
  const count = countSelected(mask, n, maskOff);
  if (outOff + count > out.length) throw new Error(`native.${op}: out holds ${out.length} elements, ${outOff + count} needed`);
  const so = count === 0 ? null : [outOff, outOff + count - 1] as const;
  if (overlaps(out, so, src, n === 0 ? null : [srcOff, srcOff + n - 1]) || overlaps(out, so, mask, n === 0 ? null : [maskOff, maskOff + n - 1])) {
    throw new Error(`native.${op}: out overlaps src or mask`);
  }
  if (count === 0) return;
  const width = src.BYTES_PER_ELEMENT;
  ARGS[0] = n; ARGS[1] = maskOff; ARGS[2] = width; ARGS[3] = srcOff * width; ARGS[4] = outOff * width;
  addonAs<CompactAddon>(op).compactElements(mask, src, out, ARGS);
}

/**
 * The coordinates of the nonzero bytes of mask[maskOff, ...) read as a row-major `shape`
 * (1 to MAX_DIMS dims), in order: into a BigInt64Array as [count, ndim] rows (nonzero's layout),
 * or into a Float64Array as ndim columns of count (the advanced-indexing planner's).
 */
export function nonzeroCoordinates(mask: Uint8Array, shape: readonly number[], out: BigInt64Array | Float64Array, maskOff = 0): void {
  const op = "nonzeroCoordinates";
  const nd = shape.length;
  if (nd < 1 || nd > MAX_DIMS) throw new Error(`native.${op}: expected 1 to ${MAX_DIMS} dims, got ${nd}`);
  for (const s of shape) checkCount(op, "shape", s);
  const n = shape.reduce((a, b) => a * b, 1);
  checkMask(op, mask, n, maskOff);
  if (!(out instanceof BigInt64Array) && !(out instanceof Float64Array)) throw new Error(`native.${op}: out must be a BigInt64Array or a Float64Array`);
  const count = countSelected(mask, n, maskOff);
  if (count * nd > out.length) throw new Error(`native.${op}: out holds ${out.length} elements, ${count * nd} needed`);
  if (overlaps(out, count === 0 ? null : [0, count * nd - 1], mask, n === 0 ? null : [maskOff, maskOff + n - 1])) throw new Error(`native.${op}: out overlaps mask`);
  if (count === 0) return;
  ARGS[0] = n; ARGS[1] = maskOff; ARGS[2] = nd; ARGS[3] = count;
  shape.forEach((s, d) => { ARGS[4 + d] = s; });
  addonAs<CompactAddon>(op).nonzeroCoordinates(mask, out, ARGS);
}
