// Routing of elementwise ops onto the native typed kernels (src/backends/native/typed.ts): every
// number dtype, the float ops the plain float kernels lack, and dtype conversions. Ops mark their
// JS kernel functions here (nativeTyped); binaryMap, unaryMap and copyInto ask before running
// their JS loops. Where the addon is absent, every call answers false and JS runs.

import type { Tensor } from "../core/tensor.js";
import { kernels } from "../backends/kernels.js";
import { MAX_DIMS } from "../backends/native/index.js";
import * as typed from "../backends/native/typed.js";
import { NATIVE_MIN_BINARY } from "./native-fast.js";

interface Marked { readonly op: typed.TypedOp; readonly scalar: number }
const MARKED = new WeakMap<object, Marked>();

const MARKED_TERNARY = new WeakMap<object, { readonly op: typed.TernaryOp; readonly scalar: number }>();

/** Declares that the JS kernel `f` computes the native ternary op `op` for float dtypes. Returns f. */
export function nativeTypedTernary<F extends object>(f: F, op: typed.TernaryOp, scalar = 0): F {
  MARKED_TERNARY.set(f, { op, scalar });
  return f;
}

/** Below this many elements a conversion stays in the JS loop (a native call costs microseconds). */
const NATIVE_MIN_CONVERT = 2048;

/**
 * Declares that the JS kernel `f` computes the native typed op `op` (with `scalar`: powScalar's
 * exponent, lerpScalar's weight), for every dtype it is called with. Returns f.
 */
export function nativeTyped<F extends object>(f: F, op: typed.TypedOp, scalar = 0): F {
  MARKED.set(f, { op, scalar });
  return f;
}

/** The dtypes the typed kernels compute on (bool stays in JS: its add is a logical or). */
const COMPUTE_DTYPES: ReadonlySet<string> = new Set(["float32", "float64", "int8", "uint8", "int16", "int32", "int64"]);
const CONVERT_DTYPES: ReadonlySet<string> = new Set([...COMPUTE_DTYPES, "bool"]);

function usable(out: Tensor, shape: readonly number[]): boolean {
  return kernels.backend === "native" && out.numel() >= NATIVE_MIN_BINARY && COMPUTE_DTYPES.has(out.dtype.name)
    && out.isContiguous() && shape.length <= MAX_DIMS;
}

/** Whether `t` (read with strides ts over shape) shares out's memory other than as the very same elements. */
function aliasesOut(t: Tensor, ts: readonly number[], out: Tensor, shape: readonly number[]): boolean {
  return t.storage === out.storage && !(t._offset === out._offset && t.isContiguous() && ts.every((v, i) => shape[i] === 1 || v === out._strides[i]));
}

/**
 * out = op(x, y) with broadcasting strides xs, ys, when one of the kernels f / fBig (or the float
 * op name `fallbackOp`) is marked and x, y and out share a dtype the kernels take; false otherwise.
 * Integer division by zero throws ZeroDivisionError before out is written.
 */
export function tryNativeTyped(
  fns: readonly (object | undefined)[], fallbackOp: typed.TypedOp | undefined,
  x: Tensor, xs: readonly number[], y: Tensor, ys: readonly number[], out: Tensor, shape: readonly number[],
): boolean {
  if (!usable(out, shape) || x.dtype !== out.dtype || y.dtype !== out.dtype) return false;
  let marked: Marked | undefined;
  for (const f of fns) if (f && (marked = MARKED.get(f))) break;
  const op = marked?.op ?? fallbackOp;
  if (op === undefined || (op === "div" && !out.dtype.isFloatingPoint)) return false;
  if (aliasesOut(x, xs, out, shape) || aliasesOut(y, ys, out, shape)) return false;
  const data = (t: Tensor) => t.storage.data as typed.TypedArrayOf;
  typed.typedBinary(op, shape, { data: data(x), offset: x._offset, strides: xs }, { data: data(y), offset: y._offset, strides: ys }, data(out), out._offset, marked?.scalar ?? 0);
  return true;
}

/** out = f(x) for a marked unary kernel f, x and out of one dtype the kernels take; false otherwise. */
export function tryNativeTypedUnary(f: object, x: Tensor, out: Tensor): boolean {
  const marked = MARKED.get(f);
  if (!marked || !usable(out, x._shape) || x.dtype !== out.dtype || aliasesOut(x, x._strides, out, x._shape)) return false;
  const d = x.storage.data as typed.TypedArrayOf;
  const operand = { data: d, offset: x._offset, strides: x._strides };
  typed.typedBinary(marked.op, x._shape, operand, operand, out.storage.data as typed.TypedArrayOf, out._offset, marked.scalar);
  return true;
}

/**
 * out = f(s, a, b) with broadcasting strides for a marked ternary kernel f, float operands and
 * output of one dtype; false otherwise.
 */
export function tryNativeTypedTernary(
  f: object, operands: readonly (readonly [Tensor, readonly number[]])[], out: Tensor, shape: readonly number[],
): boolean {
  const marked = MARKED_TERNARY.get(f);
  if (!marked || !usable(out, shape) || !out.dtype.isFloatingPoint || operands.length !== 3) return false;
  if (operands.some(([t, ts]) => t.dtype !== out.dtype || aliasesOut(t, ts, out, shape))) return false;
  const [s, a, b] = operands.map(([t, ts]) => ({ data: t.storage.data as Float32Array, offset: t._offset, strides: ts }));
  typed.typedTernary(marked.op, shape, s!, a!, b!, out.storage.data as Float32Array, out._offset, marked.scalar);
  return true;
}

/** Whether logical ops of x and y over `shape` go native (nativeLogical): large, of number/bool dtypes. */
export function nativeLogicalApplies(x: Tensor, y: Tensor, shape: readonly number[]): boolean {
  const n = shape.reduce((p, s) => p * s, 1);
  return kernels.backend === "native" && n >= NATIVE_MIN_BINARY && shape.length <= MAX_DIMS
    && CONVERT_DTYPES.has(x.dtype.name) && CONVERT_DTYPES.has(y.dtype.name);
}

/**
 * out (a fresh contiguous bool tensor of the broadcast shape) = xb and/or/xor yb, for bool xb and
 * yb read through their broadcast strides xs and ys: one bytewise pass over the 0/1 bytes.
 */
export function nativeLogical(kind: "and" | "or" | "xor", xb: Tensor, xs: readonly number[], yb: Tensor, ys: readonly number[], out: Tensor): void {
  const op = kind === "and" ? "bitwiseAnd" : kind === "or" ? "bitwiseOr" : "bitwiseXor";
  const operand = (t: Tensor, strides: readonly number[]) => ({ data: t.storage.data as Uint8Array, offset: t._offset, strides });
  typed.typedBinary(op, out._shape, operand(xb, xs), operand(yb, ys), out.storage.data as Uint8Array, out._offset);
}

/** dst = src converted, for contiguous same-size tensors of two different number/bool dtypes; false otherwise. */
export function tryNativeConvert(dst: Tensor, src: Tensor): boolean {
  const n = dst.numel();
  if (kernels.backend !== "native" || n < NATIVE_MIN_CONVERT || src.numel() !== n || src.dtype === dst.dtype) return false;
  if (!CONVERT_DTYPES.has(src.dtype.name) || !CONVERT_DTYPES.has(dst.dtype.name) || !dst.isContiguous() || !src.isContiguous()) return false;
  if (src.storage.data.buffer === dst.storage.data.buffer) return false;
  typed.typedConvert(src.dtype.name as typed.ConvertDtype, dst.dtype.name as typed.ConvertDtype,
    src.storage.data as typed.TypedArrayOf, dst.storage.data as typed.TypedArrayOf, n, src._offset, dst._offset);
  return true;
}
