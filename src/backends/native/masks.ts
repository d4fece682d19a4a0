// Checked wrappers of the addon's mask kernels (native/masks.h): comparisons into bool bytes,
// where/masked_fill selects on element bits, and sums/counts/any/all of bool or uint8 bytes.
// As in ./index.ts, every argument is checked here (types, strides, offsets, the last element
// touched, forbidden overlaps) before the addon, which checks nothing, is called.

import { addonAs, checkCount, checkSpan as checkSpanOf, contiguousOf, elementTypeCode, MAX_DIMS, overlaps, type Span } from "./index.js";

export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
export type ByteReduceOp = "sum" | "countNonzero" | "any" | "all";

/** Arrays that compare() reads, each as its own element type (Uint8Array: uint8 and bool). */
export type ComparableArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;
/** Arrays whose elements select() moves as bits (Uint16Array: float16/bfloat16 storage). */
export type SelectableArray = ComparableArray | Uint16Array;

/** A strided operand: element (i_0, ..., i_{d-1}) at data[offset + sum_d i_d * strides[d]]. */
export interface StridedArray<T> {
  readonly data: T;
  readonly offset?: number;
  /** One per dim of the shape; 0 broadcasts along that dim. */
  readonly strides: readonly number[];
}

interface MaskAddon {
  compare(op: number, type: number, width: number, a: ComparableArray, b: ComparableArray, out: Uint8Array, args: Float64Array): void;
  select(width: number, cond: Uint8Array, a: SelectableArray, b: SelectableArray, out: SelectableArray, args: Float64Array): void;
  byteReduce(op: number, x: Uint8Array, out: BigInt64Array | Uint8Array, args: Float64Array): void;
}

// Codes of native/masks.h's enums.
const COMPARE_CODES: Readonly<Record<CompareOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
const BYTE_REDUCE_CODES: Readonly<Record<ByteReduceOp, number>> = { sum: 0, countNonzero: 1, any: 2, all: 3 };


function isSelectable(a: unknown): a is SelectableArray {
  return elementTypeCode(a) !== undefined || a instanceof Uint16Array;
}

const ARGS = new Float64Array(5 + 4 * MAX_DIMS);

type AnyTyped = SelectableArray;

/** index.ts's checkSpan, after checking that there is one stride per dim. */
function checkSpan(op: string, name: string, a: AnyTyped, offset: number, shape: readonly number[], strides: readonly number[]): Span {
  if (strides.length !== shape.length) {
    throw new Error(`native.${op}: expected ${shape.length} strides for ${name} of shape [${shape.join(", ")}], got ${strides.length}`);
  }
  return checkSpanOf(op, name, a, offset, shape, strides);
}



/** Writes [ndim, offsets..., shape, strides of each operand...] into ARGS. */
function packArgs(shape: readonly number[], offsets: readonly number[], strides: readonly (readonly number[])[]): Float64Array {
  const nd = shape.length, head = 1 + offsets.length;
  ARGS[0] = nd;
  offsets.forEach((o, i) => { ARGS[1 + i] = o; });
  for (let d = 0; d < nd; d++) {
    ARGS[head + d] = shape[d]!;
    strides.forEach((s, k) => { ARGS[head + (k + 1) * nd + d] = s[d]!; });
  }
  return ARGS;
}

/**
 * out (contiguous bytes, row-major over `shape`, from outOff) = a op b as 0/1, with a and b read
 * through their own strides (0 broadcasts). a and b share one array type; a NaN compares unequal
 * to everything (ne true, the others false). out must not overlap a or b.
 */
export function compare<T extends ComparableArray>(
  op: CompareOp, shape: readonly number[], a: StridedArray<T>, b: StridedArray<T>, out: Uint8Array, outOff = 0,
): void {
  const name = "compare";
  const native = addonAs<MaskAddon>(name);
  const code = COMPARE_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  const type = elementTypeCode(a.data);
  if (type === undefined) throw new Error(`native.${name}: a must be a typed array of float32/float64/int8/uint8/int16/int32/int64`);
  if (b.data.constructor !== a.data.constructor) {
    throw new Error(`native.${name}: expected b to be a ${a.data.constructor.name} like a, got ${b.data.constructor.name}`);
  }
  if (!(out instanceof Uint8Array)) throw new Error(`native.${name}: out must be a Uint8Array`);
  const contiguous = contiguousOf(name, shape);
  const aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const sa = checkSpan(name, "a", a.data, aOff, shape, a.strides);
  const sb = checkSpan(name, "b", b.data, bOff, shape, b.strides);
  if (so === null) return;
  if (overlaps(out, so, a.data, sa) || overlaps(out, so, b.data, sb)) throw new Error(`native.${name}: out overlaps an input`);
  native.compare(code, type, a.data.BYTES_PER_ELEMENT, a.data, b.data, out, packArgs(shape, [aOff, bOff, outOff], [a.strides, b.strides]));
}

/**
 * out (contiguous, row-major over `shape`, from outOff) = cond != 0 ? a : b, elementwise on the
 * elements' bits, every operand read through its own strides (0 broadcasts). a, b and out share
 * one array type. out may be a or b itself (the same elements: same start, contiguous strides)
 * but must not otherwise overlap them, nor overlap cond.
 */
export function select<T extends SelectableArray>(
  shape: readonly number[], cond: StridedArray<Uint8Array>, a: StridedArray<T>, b: StridedArray<T>, out: T, outOff = 0,
): void {
  const name = "select";
  const native = addonAs<MaskAddon>(name);
  if (!(cond.data instanceof Uint8Array)) throw new Error(`native.${name}: cond must be a Uint8Array`);
  if (!isSelectable(out)) throw new Error(`native.${name}: out must be a typed array of 8, 16, 32 or 64-bit elements`);
  for (const [label, x] of [["a", a.data], ["b", b.data]] as const) {
    if (x.constructor !== out.constructor) throw new Error(`native.${name}: expected ${label} to be a ${out.constructor.name} like out, got ${x.constructor.name}`);
  }
  const contiguous = contiguousOf(name, shape);
  const cOff = cond.offset ?? 0, aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const sc = checkSpan(name, "cond", cond.data, cOff, shape, cond.strides);
  const sa = checkSpan(name, "a", a.data, aOff, shape, a.strides);
  const sb = checkSpan(name, "b", b.data, bOff, shape, b.strides);
  if (so === null) return;
  if (overlaps(out, so, cond.data, sc)) throw new Error(`native.${name}: out overlaps cond`);
  const width = out.BYTES_PER_ELEMENT;
  for (const [x, sx, xOff, label] of [[a, sa, aOff, "a"], [b, sb, bOff, "b"]] as const) {
    if (!overlaps(out, so, x.data, sx)) continue;
    const sameStart = out.byteOffset + outOff * width === x.data.byteOffset + xOff * width;
    const exact = sameStart && shape.every((s, d) => s === 1 || x.strides[d] === contiguous[d]);
    if (!exact) throw new Error(`native.${name}: out overlaps ${label} other than as the very same elements`);
  }
  native.select(width, cond.data, a.data, b.data, out, packArgs(shape, [cOff, aOff, bOff, outOff], [cond.strides, a.strides, b.strides]));
}

/**
 * Reduces bytes x, viewed as contiguous [outer, size, inner] from xOff, over the middle dim into
 * out (contiguous [outer, inner] from outOff): "sum" of the byte values and "countNonzero" into a
 * BigInt64Array, "any" / "all" as 0/1 into a Uint8Array.
 */
export function byteReduce(
  op: ByteReduceOp, x: Uint8Array, out: BigInt64Array | Uint8Array, outer: number, size: number, inner: number, xOff = 0, outOff = 0,
): void {
  const name = "byteReduce";
  const native = addonAs<MaskAddon>(name);
  const code = BYTE_REDUCE_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  if (!(x instanceof Uint8Array)) throw new Error(`native.${name}: x must be a Uint8Array`);
  const wantsCounts = op === "sum" || op === "countNonzero";
  if (wantsCounts ? !(out instanceof BigInt64Array) : !(out instanceof Uint8Array)) {
    throw new Error(`native.${name}: out of ${op} must be a ${wantsCounts ? "BigInt64Array" : "Uint8Array"}`);
  }
  checkCount(name, "outer", outer);
  checkCount(name, "size", size);
  checkCount(name, "inner", inner);
  const so = checkSpan(name, "out", out, outOff, [outer * inner], [1]);
  const sx = checkSpan(name, "x", x, xOff, [outer * size * inner], [1]);
  if (overlaps(out, so, x, sx)) throw new Error(`native.${name}: out overlaps x`);
  if (so === null) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = outOff;
  native.byteReduce(code, x, out, ARGS);
}
