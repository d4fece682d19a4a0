// CPU fast paths through the native addon: elementwise kernels for contiguous float32/float64
// operands. Ops mark their kernel functions as native-capable here; the engine asks before
// running its JS loop. Where the addon is absent, every call answers false and JS runs.

import type { Tensor } from "../core/tensor.js";
import { kernels, type FloatArray } from "../backends/kernels.js";
import * as native from "../backends/native/index.js";
import * as math from "../backends/native/unary-math.js";
import type { Loop2 } from "./pointwise-util.js";
import { denseOrder, permuted, sameDenseLayout } from "../core/memory-format.js";

const BINARY = new WeakMap<object, native.BinaryOp>();

/**
 * Below these sizes the JS loops win: a native call's fixed cost (argument checks, the addon call,
 * V8 moving a small on-heap typed array's data off the heap to hand out its pointer) is a few
 * microseconds, more than a few hundred elements of arithmetic.
 */
export const NATIVE_MIN_BINARY = 512;
const NATIVE_MIN_UNARY = 128;
const NATIVE_MIN_REDUCE = 512;

/** Declares that `f` is the native binary op `op` (same results within float rounding). */
export function nativeBinary<F extends (a: number, b: number) => number>(f: F, op: native.BinaryOp): F {
  BINARY.set(f, op);
  return f;
}

const SCALE = new WeakMap<object, number>();

/**
 * Declares that `f` is a + alpha * b rounded once (add/sub with alpha), alpha already in the
 * dtype `f` computes in: the native add kernel then runs with that alpha (an fma, same bits).
 */
export function nativeScaledAdd<F extends (a: number, b: number) => number>(f: F, alpha: number): F {
  BINARY.set(f, "add");
  SCALE.set(f, alpha);
  return f;
}


function isFloat(t: Tensor): boolean {
  const d = t.storage.data;
  return d instanceof Float32Array || d instanceof Float64Array;
}

/**
 * out = f(x, y) with broadcasting strides, when f is native-capable and the operands allow it.
 * `freshOut`: out is a new storage, not a destination the caller wrote lately (see native.binary).
 */
export function tryNativeBinary(f: object, x: Tensor, xs: readonly number[], y: Tensor, ys: readonly number[], out: Tensor, shape: readonly number[], freshOut = false): boolean {
  if (kernels.backend !== "native" || out.numel() < NATIVE_MIN_BINARY) return false;
  const op = BINARY.get(f);
  if (!op || !isFloat(out) || x.dtype !== out.dtype || y.dtype !== out.dtype || shape.length > native.MAX_DIMS) return false;
  // The output may be an input only as the very same elements (in-place ops).
  if (aliasesOut(x, xs, out, shape) || aliasesOut(y, ys, out, shape)) return false;
  // A dense output in another order (channels-last, transposed) runs as the same problem with
  // every operand's dims permuted into the output's memory order, where it is contiguous.
  let dims = shape, xd = xs, yd = ys;
  if (!out.isContiguous()) {
    const order = denseOrder(out._shape, out._strides);
    if (order === null) return false;
    dims = permuted(shape, order); xd = permuted(xs, order); yd = permuted(ys, order);
  }
  native.binary(op, dims, operandOf(x, xd, 0), operandOf(y, yd, 1), out.storage.data as FloatArray, out._offset, SCALE.get(f) ?? 1, freshOut);
  return true;
}

// One-element operands (a Python scalar's 0-d tensor, made afresh by each `x * 2`) live in typed
// arrays of at most 64 bytes, which V8 keeps inside the JS heap; handing one to the addon first
// moves it out, as costly as allocating a buffer (0.7 us of a 1000-element mul's 5). Their value
// goes through these arrays instead, which are off the heap from the start (slot 0 for x, 1 for y).
const SCALAR_SLOTS = { float32: new Float32Array(new ArrayBuffer(8)), float64: new Float64Array(new ArrayBuffer(16)) };

function operandOf(t: Tensor, strides: readonly number[], slot: number): native.StridedOperand<FloatArray> {
  const data = t.storage.data as FloatArray;
  if (data.length > 16 || t.numel() !== 1) return { data, offset: t._offset, strides };
  const slots = data instanceof Float32Array ? SCALAR_SLOTS.float32 : SCALAR_SLOTS.float64;
  slots[slot] = data[t._offset]!;
  return { data: slots, offset: slot, strides };
}

/** Whether t (read through strides s over `shape`) shares out's storage other than as its very elements. */
function aliasesOut(t: Tensor, s: readonly number[], out: Tensor, shape: readonly number[]): boolean {
  if (t.storage !== out.storage) return false;
  if (t._offset !== out._offset) return true;
  const os = out._strides;
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1 && s[i] !== os[i]) return true;
  return false;
}

/**
 * dst (contiguous) = src read through `strides` (src's, broadcast to dst's shape), as the native
 * strided copy: any dtype (the bytes are moved), transposes and permutes in cache-sized tiles.
 * False when not applicable: the JS backend, small copies, other dtypes, or shared memory.
 */
export function tryNativeCopy(dst: Tensor, src: Tensor, strides: readonly number[]): boolean {
  if (kernels.backend !== "native" || dst.numel() < NATIVE_MIN_COPY || dst.dtype !== src.dtype) return false;
  const d = dst.storage.data, s = src.storage.data;
  if (d.buffer === s.buffer || dst._shape.length > native.MAX_DIMS) return false;
  // A dense destination in another order (x.contiguous(channels_last)): permuted into its memory order.
  let dims: readonly number[] = dst._shape, from = strides;
  if (!dst.isContiguous()) {
    const order = denseOrder(dst._shape, dst._strides);
    if (order === null) return false;
    dims = permuted(dst._shape, order); from = permuted(strides, order);
  }
  native.copyStrided(dims, { data: s as native.CopyArray, offset: src._offset, strides: from }, d as native.CopyArray, dst._offset);
  return true;
}

/** Elements below which a strided copy stays in JS (cheaper than a native call). */
export const NATIVE_MIN_COPY = 4096;

/**
 * dst[0..n) = min(max(src, lo), hi) as two native passes (maximum, then minimum in place), which
 * take NaN from either side like the JS formula; false when not applicable. In JS, Math.max and
 * Math.min branch on NaN and signed zeros, which random data mispredicts (~10 ns per element).
 */
export function tryNativeClamp(src: FloatArray, dst: FloatArray, n: number, lo: number, hi: number): boolean {
  if (kernels.backend !== "native" || n < NATIVE_MIN_UNARY || src.constructor !== dst.constructor) return false;
  const bound = (v: number): FloatArray => (src instanceof Float32Array ? Float32Array.of(v) : Float64Array.of(v));
  native.binary("maximum", [n], { data: src, offset: 0, strides: [1] }, { data: bound(lo), offset: 0, strides: [0] }, dst);
  native.binary("minimum", [n], { data: dst, offset: 0, strides: [1] }, { data: bound(hi), offset: 0, strides: [0] }, dst);
  return true;
}

/** A native unary kernel: one of native.unary's ops, or one of unaryMath's with its parameters. */
type UnaryKernel =
  | { readonly table: "elementwise"; readonly op: native.UnaryOp }
  | { readonly table: "math"; readonly op: math.MathOp; readonly params: readonly number[] };

const UNARY_KERNELS = new WeakMap<object, UnaryKernel>();

/**
 * Declares that `f` is the native unary op `op` (same results within float rounding): the engine's
 * unary map then runs it on float32/float64 tensors. unaryMath's ops are preferred where both
 * tables have the name (its libm functions are vectorised); `params` are unaryMath's.
 */
export function nativeUnary<F extends (x: number) => number>(f: F, op: native.UnaryOp | math.MathOp, params: readonly number[] = []): F {
  UNARY_KERNELS.set(f, math.isMathOp(op) ? { table: "math", op, params } : { table: "elementwise", op });
  return f;
}

/** Whether a and b are the very same elements (same start, same dense layout), share none, or overlap otherwise. */
function sameOrDisjoint(a: Tensor, b: Tensor): "same" | "disjoint" | "overlap" {
  const ad = a.storage.data, bd = b.storage.data;
  if (ad.buffer !== bd.buffer) return "disjoint";
  const w = ad.BYTES_PER_ELEMENT;
  const a0 = ad.byteOffset + a._offset * w, b0 = bd.byteOffset + b._offset * w;
  if (a0 === b0 && sameDenseLayout(a, b)) return "same";
  // Bounds of the elements each may touch, whatever its strides.
  const extent = (t: Tensor): number => 1 + t._shape.reduce((s, n, d) => s + (n > 0 ? (n - 1) * Math.abs(t._strides[d]!) : 0), 0);
  return a0 + extent(a) * w <= b0 || b0 + extent(b) * w <= a0 ? "disjoint" : "overlap";
}

function runUnary(k: UnaryKernel, src: FloatArray, dst: FloatArray, n: number, srcOff: number, dstOff: number): void {
  if (k.table === "math") math.unaryMath(k.op, src, dst, n, srcOff, dstOff, k.params);
  else native.unary(k.op, src, dst, n, srcOff, dstOff);
}

let unaryRoutes = 0;
/** @internal How many unary ops have run on a native kernel so far (the routing tests read it). */
export function nativeUnaryRoutes(): number {
  return unaryRoutes;
}

/**
 * out = f(x) elementwise through f's native kernel (nativeUnary) for float32/float64 x and a
 * contiguous out of the same dtype: directly for a contiguous x (out may be x itself: in-place
 * ops), else through `copy` (the engine's strided copy) into out first; false when not applicable.
 */
export function tryNativeUnaryMap(f: object, x: Tensor, out: Tensor, copy: (dst: Tensor, src: Tensor) => void): boolean {
  if (kernels.backend !== "native" || out.numel() < NATIVE_MIN_UNARY) return false;
  const k = UNARY_KERNELS.get(f);
  if (!k || !isFloat(out) || x.dtype !== out.dtype) return false;
  const flat = sameDenseLayout(x, out);
  // A dense output in another order than x's is filled by the strided copy first.
  if (!flat && !out.isContiguous() && denseOrder(out._shape, out._strides) === null) return false;
  const alias = sameOrDisjoint(x, out);
  if (alias === "overlap" || (alias === "same" && !flat)) return false;
  const dst = out.storage.data as FloatArray;
  if (flat) {
    runUnary(k, x.storage.data as FloatArray, dst, out.numel(), x._offset, out._offset);
  } else {
    if (alias !== "disjoint") return false;
    copy(out, x);
    runUnary(k, dst, dst, out.numel(), out._offset, out._offset);
  }
  unaryRoutes++;
  return true;
}

/** dst[0..n) = f(src[0..n)) through f's native kernel (nativeUnary); false when f has none. */
export function tryNativeUnary(f: object, src: FloatArray, dst: FloatArray, n: number): boolean {
  if (kernels.backend !== "native" || n < NATIVE_MIN_UNARY || src.constructor !== dst.constructor) return false;
  const k = UNARY_KERNELS.get(f);
  if (!k) return false;
  runUnary(k, src, dst, n, 0, 0);
  unaryRoutes++;
  return true;
}

/**
 * Sum/mean/max/min of a contiguous float tensor over consecutive dims, as [outer, size, inner]
 * through the native reduction; null when not applicable.
 */
export function tryNativeReduce(op: native.ReduceOp, x: Tensor, dims: readonly number[], out: Tensor): boolean {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_REDUCE || !isFloat(x) || x.dtype !== out.dtype || !x.isContiguous() || !out.isContiguous()) return false;
  if (dims.length === 0) return false;
  for (let i = 1; i < dims.length; i++) if (dims[i] !== dims[i - 1]! + 1) return false;
  const shape = x._shape;
  let outer = 1, size = 1, inner = 1;
  shape.forEach((s, i) => { if (i < dims[0]!) outer *= s; else if (i <= dims[dims.length - 1]!) size *= s; else inner *= s; });
  if (size === 0 && (op === "max" || op === "min")) return false;
  native.reduce(op, x.storage.data as FloatArray, out.storage.data as FloatArray, outer, size, inner, x._offset, out._offset);
  return true;
}

/** Cumulative sums below this many elements stay in the JS loop. */
const NATIVE_MIN_SCAN = 512;

/**
 * out = cumsum(x) along dim d for contiguous float x and out of the same dtype, through the
 * native scan (the JS loop's double accumulation, bit for bit); false when not applicable.
 */
export function tryNativeCumsum(x: Tensor, d: number, out: Tensor): boolean {
  if (kernels.backend !== "native" || x.numel() < NATIVE_MIN_SCAN || !isFloat(x) || x.dtype !== out.dtype || !x.isContiguous() || !out.isContiguous()) return false;
  const shape = x._shape;
  let outer = 1, inner = 1;
  shape.forEach((s, i) => { if (i < d) outer *= s; else if (i > d) inner *= s; });
  native.cumsum(x.storage.data as FloatArray, out.storage.data as FloatArray, outer, shape[d]!, inner, x._offset, out._offset);
  return true;
}

/**
 * softmax/log_softmax of a contiguous float tensor viewed as [outer, size, inner] over its middle
 * dim, into the contiguous `out` of the same dtype; false when not applicable.
 */
export function tryNativeSoftmax(x: Tensor, out: Tensor, outer: number, size: number, inner: number, log: boolean): boolean {
  if (kernels.backend !== "native" || !isFloat(x) || x.dtype !== out.dtype || !x.isContiguous() || !out.isContiguous() || outer * size * inner === 0) return false;
  native.softmaxAlong(log, x.storage.data as FloatArray, out.storage.data as FloatArray, outer, size, inner, x._offset, out._offset);
  return true;
}

/**
 * dx = the input gradient of softmax/log_softmax over the middle dim of [outer, size, inner] from
 * its output y and output gradient g, all contiguous float tensors of one dtype; false when not
 * applicable.
 */
export function tryNativeSoftmaxBackward(g: Tensor, y: Tensor, dx: Tensor, outer: number, size: number, inner: number, log: boolean): boolean {
  if (kernels.backend !== "native" || !isFloat(y) || g.dtype !== y.dtype || dx.dtype !== y.dtype || !g.isContiguous() || !y.isContiguous() || !dx.isContiguous() || outer * size * inner === 0) return false;
  native.softmaxBackwardAlong(log, g.storage.data as FloatArray, y.storage.data as FloatArray, dx.storage.data as FloatArray, outer, size, inner, g._offset, y._offset, dx._offset);
  return true;
}

/**
 * A fused-gradient loop (dst = g * f'(x)) that runs the native activation gradient `op` when the
 * addon is loaded and the JS `loop` otherwise (same results within float rounding).
 */
export function nativeGradLoop(op: native.ActGradOp, loop: Loop2): Loop2 {
  return (g, x, dst, n) => {
    if (kernels.backend === "native" && g.constructor === x.constructor && g.constructor === dst.constructor) native.activationGrad(op, g, x, dst, n);
    else loop(g, x, dst, n);
  };
}

/**
 * A fused-gradient loop dst = g * op(x) (negated with `negate`) as native passes, op's kernel
 * into dst then the product with g, where the addon is loaded; the JS `loop` otherwise.
 */
export function nativeDerivativeLoop(op: math.MathOp, negate: boolean, loop: Loop2): Loop2 {
  return (g, x, dst, n) => {
    if (kernels.backend !== "native" || n < NATIVE_MIN_UNARY || g.constructor !== x.constructor || g.constructor !== dst.constructor) return loop(g, x, dst, n);
    math.unaryMath(op, x, dst, n);
    native.binary("mul", [n], { data: dst, offset: 0, strides: [1] }, { data: g, offset: 0, strides: [1] }, dst);
    if (negate) native.unary("neg", dst, dst, n);
  };
}

/** Contiguous fills below this many elements stay in TypedArray.prototype.fill. */
const NATIVE_MIN_FILL = 1 << 14;

/**
 * data[start .. start + count) = raw through the addon, for large arrays over SharedArrayBuffers
 * (the addon's storage memory), where V8's own fill() stores one element at a time (4x slower).
 */
export function tryNativeFill(data: ArrayBufferView, start: number, count: number, raw: number | bigint): boolean {
  if (count < NATIVE_MIN_FILL || typeof raw !== "number" || !native.isAvailable()) return false;
  if (!(data.buffer instanceof SharedArrayBuffer) || data instanceof BigInt64Array || data instanceof DataView) return false;
  return native.fill(data as native.NumberArray, start, count, raw);
}

/** The native float binary op that `f` was declared as (nativeBinary), if any. */
export function nativeBinaryOpOf(f: object): native.BinaryOp | undefined {
  return BINARY.get(f);
}
