// Loader and typed wrappers of the native addon (C++ sources in native/, built by `npm install`
// into build/Release/torch_ts_native.node). Where the addon is missing or TORCH_TS_BACKEND=js,
// isAvailable() is false and the JS kernels run.
//
// The addon computes in place on the memory of the typed arrays it is given and checks nothing
// itself, so every wrapper here checks dtypes, sizes, strides, offsets and the highest index
// touched in each array before calling it: bad input throws an Error and never reaches C++.
// Offsets count elements from the start of the typed array as given (a subarray view's own
// byteOffset is honoured too).

import { setRandomKernels } from "../../core/random-kernels.js";
import { installDeathNotices, type DeathNoticeAddon } from "./death-notices.js";
import { installTensorMemory, type TensorMemoryAddon } from "./tensor-memory.js";
import type { Gemm } from "../kernels.js";
import type { ConvGeometry } from "../js/conv.js";
import type { AvgPoolParams, MaxPoolParams } from "../js/pool.js";
import { nodeBuiltin } from "../../core/node-builtin.js";

export type FloatArray = Float32Array | Float64Array;

/** The instruction sets with their own kernels. */
export type Isa = "avx512" | "avx2" | "scalar";

export type UnaryOp =
  | "neg" | "abs" | "sqrt" | "rsqrt" | "reciprocal" | "square" | "exp" | "log" | "tanh"
  | "sigmoid" | "relu" | "silu" | "floor" | "ceil" | "trunc" | "round" | "sign";

export type BinaryOp = "add" | "sub" | "mul" | "div" | "maximum" | "minimum";

export type ReduceOp = "sum" | "mean" | "max" | "min";

// Numeric codes of the ops: the order of the enums in native/elementwise.h.
const UNARY_CODES: Readonly<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, rsqrt: 3, reciprocal: 4, square: 5, exp: 6, log: 7, tanh: 8,
  sigmoid: 9, relu: 10, silu: 11, floor: 12, ceil: 13, trunc: 14, round: 15, sign: 16,
};
const BINARY_CODES: Readonly<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5,
};
/** native/elementwise.h's BinaryOp::add_scaled: a + alpha * b with one rounding (add/sub with alpha). */
const ADD_SCALED_CODE = 6;
const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, mean: 1, max: 2, min: 3 };

/**
 * Gradients g * f'(y) from an op's saved output y (native/nn_kernels.h ActGradOp): relu, sigmoid,
 * tanh, and mul (g * y: exp's). The other activations' gradients are ./activation.ts's.
 */
export type ActGradOp = "relu" | "sigmoid" | "tanh" | "mul";
const ACT_GRAD_CODES: Readonly<Record<ActGradOp, number>> = { relu: 0, sigmoid: 1, tanh: 2, mul: 3 };

/** Most dims binary() takes (native/elementwise.h kMaxDims). */
export const MAX_DIMS = 16;

/** The addon's functions (native/addon.cc); those of the storage memory are ./tensor-memory.ts's. */
interface Addon extends TensorMemoryAddon, DeathNoticeAddon {
  gemm(a: FloatArray, b: FloatArray, c: FloatArray, args: Float64Array): void;
  unary(op: number, x: FloatArray, y: FloatArray, args: Float64Array): void;
  binary(op: number, a: FloatArray, b: FloatArray, out: FloatArray, args: Float64Array): void;
  copyStrided(src: CopyArray, out: CopyArray, args: Float64Array): void;
  reduce(op: number, x: FloatArray, out: FloatArray, args: Float64Array): void;
  cumsum(x: FloatArray, out: FloatArray, args: Float64Array): void;
  sumSquares(x: FloatArray, args: Float64Array): number;
  softmax(log: boolean, x: FloatArray, y: FloatArray, args: Float64Array): void;
  softmaxAlong(log: boolean, x: FloatArray, y: FloatArray, args: Float64Array): void;
  softmaxBackwardAlong(log: boolean, g: FloatArray, y: FloatArray, dx: FloatArray, args: Float64Array): void;
  adam(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, args: Float64Array): void;
  sgd(p: FloatArray, g: FloatArray, buf: FloatArray | null, args: Float64Array): void;
  conv(kind: number, a: FloatArray, b: FloatArray, bias: FloatArray | null, out: FloatArray, args: Float64Array): void;
  pool(kind: number, a: FloatArray, out: FloatArray, indices: BigInt64Array | null, args: Float64Array): void;
  actGrad(op: number, g: FloatArray, x: FloatArray, out: FloatArray, args: Float64Array): void;
  tuneMalloc(storagesFromMalloc: boolean): boolean;
  fill(a: NumberArray, start: number, count: number, value: number): boolean;
  normalFill16(data: Float32Array, start: number, blocks: number, mean: number, std: number): void;
  uniformFloats(words: Uint32Array, out: Float32Array, range: number, from: number): void;
  mtDraw(mt: Uint32Array, counters: Int32Array, out: Uint32Array, start: number, n: number): void;
  getNumThreads(): number;
  setNumThreads(n: number): void;
  getIsa(): Isa;
  bestIsa(): Isa;
  setIsa(isa: Isa): Isa;
}

type NodeModule = typeof import("node:module");

function load(): Addon | null {
  if (typeof process === "undefined" || process.env["TORCH_TS_BACKEND"] === "js") return null;
  try {
    // node:module is reached lazily (no static import) so the core bundles for the web.
    const nodeModule = nodeBuiltin<NodeModule>("node:module");
    if (!nodeModule) return null;
    // src/backends/native/ and dist/backends/native/ both sit three levels below the package root;
    // TORCH_TS_NATIVE_ADDON names the file where a bundler moved the code.
    const require = nodeModule.createRequire(import.meta.url);
    return require(process.env["TORCH_TS_NATIVE_ADDON"] || "../../../build/Release/torch_ts_native.node") as Addon;
  } catch {
    return null;
  }
}

const addon: Addon | null = load();


if (addon !== null && typeof addon.mtDraw === "function") {
  // The random draws and transforms of src/core/random-kernels.ts, their ranges checked here.
  const a = addon;
  setRandomKernels({
    mtDraw(mt, counters, out, start, n) {
      const left = counters[0]!, next = counters[1]!;
      if (mt.length !== 624 || counters.length !== 2 || !(left >= 1 && left <= 624) || !(next >= 0 && next + left <= 625)
        || !Number.isSafeInteger(start) || !Number.isSafeInteger(n) || start < 0 || n < 0 || start + n > out.length) {
        throw new Error(`native.mtDraw: bad state or range (left ${left}, next ${next}, ${start}+${n} of ${out.length})`);
      }
      a.mtDraw(mt, counters, out, start, n);
    },
    uniformFloats(words, out, range, from) {
      if (!(words instanceof Uint32Array) || !(out instanceof Float32Array) || words.length < out.length) {
        throw new Error(`native.uniformFloats: expected a Uint32Array of at least ${out.length} words and a Float32Array`);
      }
      a.uniformFloats(words, out, range, from);
    },
    normalBlocks(data, start, blocks, mean, std) {
      if (!(data instanceof Float32Array) || !Number.isSafeInteger(start) || !Number.isSafeInteger(blocks) || start < 0 || blocks < 0 || start + 16 * blocks > data.length) {
        throw new Error(`native.normalFill16: blocks ${start}..${start + 16 * blocks} do not fit a Float32Array of ${data.length}`);
      }
      a.normalFill16(data, start, blocks, mean, std);
    },
  });
}

/** Whether large storages live on the addon's recycled blocks (./tensor-memory.ts). */
export const tensorMemoryInstalled: boolean = addon !== null && installTensorMemory(addon);

/** Whether the webgpu pool learns of dead buffers' handles from young collections (./death-notices.ts). */
export const deathNoticesInstalled: boolean = addon !== null && installDeathNotices(addon);

/** Whether glibc's malloc was tuned for where storages come from (see TuneMalloc in native/addon.cc). */
export const mallocTuned: boolean = addon !== null && process.env["TORCH_TS_MALLOC_TUNING"] !== "0" && addon.tuneMalloc(!tensorMemoryInstalled);

/** Whether the native addon is built and loaded (false under TORCH_TS_BACKEND=js). */
export function isAvailable(): boolean {
  return addon !== null;
}

/**
 * The addon as the functions a sibling wrapper module declares (./masks.ts): that module checks
 * every argument before calling them, as this one does. Throws without the addon.
 */
export function addonAs<T extends object>(op: string): T {
  return lib(op) as unknown as T;
}

function lib(op: string): Addon {
  if (addon === null) {
    const where = typeof process === "undefined" ? " (it is a Node.js addon; in a browser the JS kernels run)" : "";
    throw new Error(`native.${op}: the native addon is not available${where}`);
  }
  return addon;
}

/** Typed arrays of numbers (not bigint) that `fill` takes. */
export type NumberArray = Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/**
 * a[start .. start + count) = value, with `value` already encoded for the element type (16-bit
 * floats as their bits). For arrays over SharedArrayBuffers (large storages, ./tensor-memory.ts),
 * whose own fill() stores one element at a time. Returns false for an element type it lacks.
 */
export function fill(a: NumberArray, start: number, count: number, value: number): boolean {
  const native = lib("fill");
  if (!ArrayBuffer.isView(a) || a instanceof BigInt64Array || a instanceof BigUint64Array || a instanceof DataView) {
    throw new Error("native.fill: expected a typed array of numbers");
  }
  checkCount("fill", "start", start);
  checkCount("fill", "count", count);
  if (start + count > a.length) throw new Error(`native.fill: elements ${start}..${start + count - 1} are past the array's length ${a.length}`);
  if (typeof value !== "number") throw new Error(`native.fill: value must be a number, got ${typeof value}`);
  return count === 0 || native.fill(a, start, count, value);
}

/** Threads the native kernels use (the caller's included); 1 without the addon. */
export function getNumThreads(): number {
  return addon === null ? 1 : addon.getNumThreads();
}

/** Sets the threads of the native kernels; n < 1 means one per hardware thread. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n)) throw new Error(`native.setNumThreads: expected an integer, got ${n}`);
  lib("setNumThreads").setNumThreads(n);
}

/** The instruction set the kernels use now, or null without the addon. */
export function getIsa(): Isa | null {
  return addon === null ? null : addon.getIsa();
}

/** The best instruction set this CPU supports, or null without the addon. */
export function bestIsa(): Isa | null {
  return addon === null ? null : addon.bestIsa();
}

/**
 * Lowers (or restores) the instruction set of the kernels, for tests and benchmarks; a request
 * above what the CPU supports is clamped. Returns the one applied.
 */
export function setIsa(isa: Isa): Isa {
  if (isa !== "avx512" && isa !== "avx2" && isa !== "scalar") throw new Error(`native.setIsa: unknown ISA ${String(isa)}`);
  return lib("setIsa").setIsa(isa);
}

// One argument block reused by every call (each worker thread has its own module instance).
const ARGS = new Float64Array(6 + 3 * MAX_DIMS);

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * The element-type code of a typed array for the kernels that take several dtypes: native/masks.h's
 * ElemType and native/typed_binary.h's NumType number them alike (f32, f64, i8, u8, i16, i32, i64).
 */
export function elementTypeCode(a: unknown): number | undefined {
  if (a instanceof Float32Array) return 0;
  if (a instanceof Float64Array) return 1;
  if (a instanceof Int8Array) return 2;
  if (a instanceof Uint8Array) return 3;
  if (a instanceof Int16Array) return 4;
  if (a instanceof Int32Array) return 5;
  if (a instanceof BigInt64Array) return 6;
  return undefined;
}

/** @internal Throws unless v is a non-negative safe integer (the mask wrappers share it). */
export function checkCount(op: string, name: string, v: number): void {
  if (!isIndex(v)) throw new Error(`native.${op}: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * @internal Contiguous strides of `shape` after checking it (at most MAX_DIMS dims, sizes) and
 * that each operand has one stride per dim.
 */
export function contiguousOf(op: string, shape: readonly number[], operands: readonly (readonly number[])[] = []): number[] {
  const nd = shape.length;
  if (nd > MAX_DIMS) throw new Error(`native.${op}: at most ${MAX_DIMS} dims are supported, got ${nd}`);
  if (operands.some((s) => s.length !== nd)) {
    throw new Error(`native.${op}: expected ${nd} strides per operand for shape [${shape.join(", ")}], got ${operands.map((s) => s.length).join(" and ")}`);
  }
  const contiguous = new Array<number>(nd);
  let numel = 1;
  for (let d = nd - 1; d >= 0; d--) {
    checkCount(op, "shape", shape[d]!);
    contiguous[d] = numel;
    numel *= shape[d]!;
  }
  return contiguous;
}

function checkArray(op: string, name: string, a: unknown): asserts a is FloatArray {
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array)) {
    throw new Error(`native.${op}: ${name} must be a Float32Array or Float64Array`);
  }
}

function checkSameDtype(op: string, ref: FloatArray, name: string, a: FloatArray): void {
  checkArray(op, name, a);
  if (a.constructor !== ref.constructor) {
    throw new Error(`native.${op}: expected ${name} to be a ${ref.constructor.name} like the other operands, got ${a.constructor.name}`);
  }
}

/** Elements [first, last] of an array that a call touches; null when it touches none. */
export type Span = readonly [number, number] | null;

/** Any typed array the range and overlap checks take. */
export type TypedView = ArrayBufferView & { readonly length: number; readonly BYTES_PER_ELEMENT: number };

function spanError(op: string, name: string, a: TypedView, offset: number, sizes: readonly number[], strides: readonly number[], last: number): Error {
  return new Error(
    `native.${op}: ${name} of sizes [${sizes.join(", ")}] with strides [${strides.join(", ")}] and offset ${offset} ` +
      `reaches element ${last}, past its length ${a.length}`,
  );
}

/**
 * @internal Checks that every index offset + sum_d i_d * strides[d] (0 <= i_d < sizes[d]) lies
 * inside `a` and returns the span touched.
 */
export function checkSpan(
  op: string, name: string, a: TypedView, offset: number, sizes: readonly number[], strides: readonly number[],
): Span {
  if (!isIndex(offset)) checkCount(op, `${name} offset`, offset);
  let last = offset, empty = false;
  for (let d = 0; d < sizes.length; d++) {
    const size = sizes[d]!, stride = strides[d]!;
    if (!isIndex(stride)) checkCount(op, `${name} stride`, stride);
    if (size === 0) empty = true;
    last += (size - 1) * stride;
  }
  if (empty) return null;
  if (!Number.isSafeInteger(last) || last >= a.length) throw spanError(op, name, a, offset, sizes, strides, last);
  return [offset, last];
}

/**
 * checkSpan for an operand read with strides of either sign (flip reads its input through negated
 * strides; the kernel's loops use signed offsets): every element reached lies inside `a`.
 */
function checkSignedSpan(
  op: string, name: string, a: TypedView, offset: number, sizes: readonly number[], strides: readonly number[],
): Span {
  if (!isIndex(offset)) checkCount(op, `${name} offset`, offset);
  let first = offset, last = offset, empty = false;
  for (let d = 0; d < sizes.length; d++) {
    const size = sizes[d]!, stride = strides[d]!;
    if (!Number.isSafeInteger(stride)) throw new Error(`native.${op}: ${name} stride must be an integer, got ${stride}`);
    if (size === 0) empty = true;
    if (stride < 0) first += (size - 1) * stride;
    else last += (size - 1) * stride;
  }
  if (empty) return null;
  if (!Number.isSafeInteger(first) || first < 0) {
    throw new Error(`native.${op}: ${name} of sizes [${sizes.join(", ")}] with strides [${strides.join(", ")}] and offset ${offset} reaches element ${first}, before its start`);
  }
  if (!Number.isSafeInteger(last) || last >= a.length) throw spanError(op, name, a, offset, sizes, strides, last);
  return [first, last];
}

/** checkSpan for `n` contiguous elements. */
function checkRange(op: string, name: string, a: TypedView, offset: number, n: number): Span {
  if (!isIndex(offset)) checkCount(op, `${name} offset`, offset);
  if (n === 0) return null;
  if (offset + n > a.length) throw spanError(op, name, a, offset, [n], [1], offset + n - 1);
  return [offset, offset + n - 1];
}

/** checkSpan for a (batch x rows x cols) strided matrix stack. */
function checkMatrices(
  op: string, name: string, a: FloatArray, offset: number,
  batch: number, rows: number, cols: number, batchStride: number, rowStride: number, colStride: number,
): Span {
  if (!isIndex(offset)) checkCount(op, `${name} offset`, offset);
  if (!isIndex(batchStride)) checkCount(op, `${name} batch stride`, batchStride);
  if (!isIndex(rowStride)) checkCount(op, `${name} row stride`, rowStride);
  if (!isIndex(colStride)) checkCount(op, `${name} column stride`, colStride);
  if (batch === 0 || rows === 0 || cols === 0) return null;
  const last = offset + (batch - 1) * batchStride + (rows - 1) * rowStride + (cols - 1) * colStride;
  if (!Number.isSafeInteger(last) || last >= a.length) {
    throw spanError(op, name, a, offset, [batch, rows, cols], [batchStride, rowStride, colStride], last);
  }
  return [offset, last];
}

/** Whether the elements spanned in a and in b share memory. */
/** @internal Whether the spans of a and b share bytes of one buffer. */
export function overlaps(a: TypedView, sa: Span, b: TypedView, sb: Span): boolean {
  if (sa === null || sb === null || a.buffer !== b.buffer) return false;
  const wa = a.BYTES_PER_ELEMENT, wb = b.BYTES_PER_ELEMENT;
  const a0 = a.byteOffset + sa[0] * wa, a1 = a.byteOffset + (sa[1] + 1) * wa;
  const b0 = b.byteOffset + sb[0] * wb, b1 = b.byteOffset + (sb[1] + 1) * wb;
  return a0 < b1 && b0 < a1;
}

/** Whether out and x are the very same elements (same start, both contiguous). */
function sameStart(out: FloatArray, outOffset: number, x: FloatArray, xOffset: number): boolean {
  return out.buffer === x.buffer && out.byteOffset + outOffset * out.BYTES_PER_ELEMENT === x.byteOffset + xOffset * x.BYTES_PER_ELEMENT;
}

function checkNumber(op: string, name: string, v: number): void {
  if (typeof v !== "number") throw new Error(`native.${op}: ${name} must be a number`);
}

// ---------------------------------------------------------------------------------------------
// GEMM

/**
 * C = alpha * A·B + beta * C for one M x N product (float32 or float64, all operands alike), with
 * A(i,k) = A[aOff + i*aRs + k*aCs], B(k,j) = B[bOff + k*bRs + j*bCs] (any non-negative strides:
 * transposed operands need no copy) and C row-major at C[cOff + i*ldc + j]. beta = 0 ignores C's
 * old contents (NaN included). The same signature as the kernel table's Gemm.
 */
export const gemm: Gemm = (M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, beta, C, cOff, ldc) => {
  gemmBatched(1, M, N, K, alpha, A, aOff, aRs, aCs, 0, B, bOff, bRs, bCs, 0, beta, C, cOff, ldc, 0);
};

/**
 * `batch` products at once: item t reads A at aOff + t*aBs and B at bOff + t*bBs (a batch stride
 * of 0 broadcasts the operand) and writes C at cOff + t*cBs. Otherwise as gemm().
 */
export function gemmBatched(
  batch: number, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number, aBs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number, bBs: number,
  beta: number, C: FloatArray, cOff: number, ldc: number, cBs: number,
): void {
  const op = "gemm";
  const native = lib(op);
  checkArray(op, "C", C);
  checkSameDtype(op, C, "A", A);
  checkSameDtype(op, C, "B", B);
  checkCount(op, "batch", batch);
  checkCount(op, "M", M);
  checkCount(op, "N", N);
  checkCount(op, "K", K);
  checkNumber(op, "alpha", alpha);
  checkNumber(op, "beta", beta);
  const spanC = checkMatrices(op, "C", C, cOff, batch, M, N, cBs, ldc, 1);
  if (spanC === null) return;
  // Threads write disjoint parts of C, so no two (t, i, j) may share an element.
  if ((M > 1 && ldc < N) || (batch > 1 && cBs < (M - 1) * ldc + N)) {
    throw new Error(`native.${op}: C's strides (ldc ${ldc}, batch stride ${cBs}) make its ${batch}x${M}x${N} elements overlap`);
  }
  const spanA = checkMatrices(op, "A", A, aOff, batch, M, K, aBs, aRs, aCs);
  const spanB = checkMatrices(op, "B", B, bOff, batch, K, N, bBs, bRs, bCs);
  if (overlaps(C, spanC, A, spanA) || overlaps(C, spanC, B, spanB)) {
    throw new Error(`native.${op}: the output C overlaps an input (A or B)`);
  }
  const p = ARGS;
  p[0] = M; p[1] = N; p[2] = K; p[3] = alpha; p[4] = beta;
  p[5] = aOff; p[6] = aRs; p[7] = aCs;
  p[8] = bOff; p[9] = bRs; p[10] = bCs;
  p[11] = cOff; p[12] = ldc;
  p[13] = batch; p[14] = aBs; p[15] = bBs; p[16] = cBs;
  native.gemm(A, B, C, p);
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/**
 * out[outOff + i] = op(x[xOff + i]) for i < n (contiguous). out may be x itself (same start) but
 * must not otherwise overlap it. float32 results are within ~1e-6 relative of the double formula.
 */
export function unary<T extends FloatArray>(op: UnaryOp, x: T, out: T, n: number = out.length, xOff = 0, outOff = 0): void {
  const name = "unary";
  const native = lib(name);
  const code = UNARY_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "x", x);
  checkCount(name, "n", n);
  const so = checkRange(name, "out", out, outOff, n);
  const sx = checkRange(name, "x", x, xOff, n);
  if (!sameStart(out, outOff, x, xOff) && overlaps(out, so, x, sx)) {
    throw new Error(`native.${name}: out partially overlaps x`);
  }
  if (n === 0) return;
  ARGS[0] = n; ARGS[1] = xOff; ARGS[2] = outOff;
  native.unary(code, x, out, ARGS);
}

/** A strided operand of binary(): element (i_0, ..., i_{d-1}) at data[offset + sum_d i_d*strides[d]]. */
export interface StridedOperand<T extends FloatArray> {
  readonly data: T;
  readonly offset?: number;
  /** One per dim of the shape; 0 broadcasts along that dim, a negative one reads backwards. */
  readonly strides: readonly number[];
}

/** A typed array of any element type, as strided copies take them. */
export type CopyArray = NumberArray | BigInt64Array | BigUint64Array;

/**
 * out[outOff...] (contiguous, of `shape`) = src's elements read through its strides (of either
 * sign, 0 for broadcast dims) from its offset, for arrays of one type: the bytes are moved, not
 * converted. src and out must not share memory.
 */
export function copyStrided<T extends CopyArray>(shape: readonly number[], src: { readonly data: T; readonly offset?: number; readonly strides: readonly number[] }, out: T, outOff = 0): void {
  const name = "copyStrided";
  const native = lib(name);
  const nd = shape.length;
  if (!ArrayBuffer.isView(out) || out instanceof DataView) throw new Error(`native.${name}: out must be a typed array`);
  if (src.data.constructor !== out.constructor) throw new Error(`native.${name}: src is a ${src.data.constructor.name} and out a ${out.constructor.name}; both must have one type`);
  const contiguous = contiguousOf(name, shape, [src.strides]);
  const srcOff = src.offset ?? 0;
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const ss = checkSignedSpan(name, "src", src.data, srcOff, shape, src.strides);
  if (so === null) return;
  if (overlaps(out, so, src.data, ss)) throw new Error(`native.${name}: out overlaps src`);
  const p = ARGS;
  p[0] = nd; p[1] = srcOff; p[2] = outOff;
  for (let d = 0; d < nd; d++) {
    p[3 + d] = shape[d]!;
    p[3 + nd + d] = src.strides[d]!;
  }
  native.copyStrided(src.data, out, p);
}

/**
 * out (contiguous, row-major over `shape`, starting at outOff) = op(a, b), elementwise, with a and
 * b read through their own strides (0 = broadcast). out may be a or b itself (same start and
 * contiguous strides) but must not otherwise overlap them. Up to MAX_DIMS dims.
 * `alpha` (add and sub only) scales b: a + alpha * b (a - alpha * b) rounded once, as PyTorch's
 * fused kernel; give it as a value of out's type (Math.fround'ed for a Float32Array).
 * `freshOut`: out was just taken from the storage pool (its lines are cold), so a large one is
 * written with non-temporal stores; otherwise (out=, in place) plain stores keep it in the caches.
 */
export function binary<T extends FloatArray>(
  op: BinaryOp, shape: readonly number[], a: StridedOperand<T>, b: StridedOperand<T>, out: T, outOff = 0, alpha = 1, freshOut = false,
): void {
  const native = lib("binary");
  let code = BINARY_CODES[op];
  if (code === undefined || alpha !== 1 || !binaryArgsPlain(shape, a, b, out, outOff)) {
    // The cases the lean check below does not settle (alpha, an error, out over an operand) get
    // every check with its message.
    if (!binaryArgsChecked(op, shape, a, b, out, outOff, alpha)) return;
    if (alpha !== 1) code = ADD_SCALED_CODE;
  }
  const nd = shape.length;
  const p = ARGS;
  p[0] = nd; p[1] = a.offset ?? 0; p[2] = b.offset ?? 0; p[3] = outOff;
  for (let d = 0; d < nd; d++) {
    p[4 + d] = shape[d]!;
    p[4 + nd + d] = a.strides[d]!;
    p[4 + 2 * nd + d] = b.strides[d]!;
  }
  // a - alpha * b is a + (-alpha) * b exactly (negation is exact), signed zeros included.
  p[4 + 3 * nd] = op === "sub" ? -alpha : alpha;
  p[5 + 3 * nd] = freshOut ? 1 : 0;
  native.binary(code!, a.data, b.data, out, p);
}

/**
 * The common call in one pass without allocating (this wrapper's checks were half of a
 * 1000-element add's time): valid sizes and strides, all elements within their arrays, one float
 * type, and out in another buffer than a and b or the very same elements (in place). False sends
 * the call through binaryArgsChecked. @internal (exported for its test)
 */
export function binaryArgsPlain<T extends FloatArray>(shape: readonly number[], a: StridedOperand<T>, b: StridedOperand<T>, out: T, outOff: number): boolean {
  const nd = shape.length, as = a.strides, bs = b.strides, ad = a.data, bd = b.data;
  if (nd > MAX_DIMS || as.length !== nd || bs.length !== nd) return false;
  if (!(out instanceof Float32Array || out instanceof Float64Array) || ad.constructor !== out.constructor || bd.constructor !== out.constructor) return false;
  const aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  if (!isIndex(aOff) || !isIndex(bOff) || !isIndex(outOff)) return false;
  // n: the elements after dim d, which is out's (contiguous) stride there; aSame/bSame: the operand
  // reads out's elements in out's order (in place), where their buffers are the same.
  let n = 1, aFirst = aOff, aLast = aOff, bFirst = bOff, bLast = bOff, aSame = true, bSame = true;
  for (let d = nd - 1; d >= 0; d--) {
    const size = shape[d]!, sa = as[d]!, sb = bs[d]!;
    if (!isIndex(size) || !Number.isSafeInteger(sa) || !Number.isSafeInteger(sb)) return false;
    if (size !== 1) { aSame &&= sa === n; bSame &&= sb === n; }
    n *= size;
    if (sa < 0) aFirst += (size - 1) * sa; else aLast += (size - 1) * sa;
    if (sb < 0) bFirst += (size - 1) * sb; else bLast += (size - 1) * sb;
  }
  if (n === 0 || !Number.isSafeInteger(n) || !Number.isSafeInteger(aLast) || !Number.isSafeInteger(bLast)) return false;
  if (aFirst < 0 || aLast >= ad.length || bFirst < 0 || bLast >= bd.length || outOff + n > out.length) return false;
  const buffer = out.buffer;
  return (ad.buffer !== buffer || (aSame && sameStart(out, outOff, ad, aOff))) && (bd.buffer !== buffer || (bSame && sameStart(out, outOff, bd, bOff)));
}

function isIndex(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0;
}

/** @internal Every check of binary(), each with its message; false when there is nothing to compute. */
export function binaryArgsChecked<T extends FloatArray>(
  op: BinaryOp, shape: readonly number[], a: StridedOperand<T>, b: StridedOperand<T>, out: T, outOff: number, alpha: number,
): boolean {
  const name = "binary";
  if (BINARY_CODES[op] === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  if (alpha !== 1) {
    if (op !== "add" && op !== "sub") throw new Error(`native.${name}: alpha applies to add and sub only, not ${op}`);
    if (typeof alpha !== "number") throw new Error(`native.${name}: alpha must be a number, not ${typeof alpha}`);
  }
  const contiguous = contiguousOf(name, shape, [a.strides, b.strides]);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "a", a.data);
  checkSameDtype(name, out, "b", b.data);
  const aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const sa = checkSignedSpan(name, "a", a.data, aOff, shape, a.strides);
  const sb = checkSignedSpan(name, "b", b.data, bOff, shape, b.strides);
  if (so === null) return false;
  for (const [x, sx, xOff, label] of [[a, sa, aOff, "a"], [b, sb, bOff, "b"]] as const) {
    if (!overlaps(out, so, x.data, sx)) continue;
    const exact = sameStart(out, outOff, x.data, xOff) && shape.every((s, d) => s === 1 || x.strides[d] === contiguous[d]);
    if (!exact) throw new Error(`native.${name}: out overlaps ${label} other than as the very same elements`);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reductions and softmax

/**
 * Reduces x, viewed as contiguous [outer, size, inner] from xOff, over its middle dim into out
 * (contiguous [outer, inner] from outOff). Sums over the last dim (inner = 1) are cascade sums
 * in x's dtype, as PyTorch's (the same bits on every ISA and thread count); sums over other dims
 * accumulate in double. max/min propagate NaN.
 * The last dim is inner = 1; everything is outer = inner = 1. max/min of size 0 throw.
 */
export function reduce<T extends FloatArray>(
  op: ReduceOp, x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0,
): void {
  const name = "reduce";
  const native = lib(name);
  const code = REDUCE_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "x", x);
  checkCount(name, "outer", outer);
  checkCount(name, "size", size);
  checkCount(name, "inner", inner);
  if (size === 0 && (op === "max" || op === "min") && outer * inner > 0) {
    throw new Error(`native.${name}: ${op} of an empty dim (size 0) is not defined`);
  }
  const so = checkRange(name, "out", out, outOff, outer * inner);
  const sx = checkRange(name, "x", x, xOff, outer * size * inner);
  if (overlaps(out, so, x, sx)) throw new Error(`native.${name}: out overlaps x`);
  if (so === null) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = outOff;
  native.reduce(code, x, out, ARGS);
}

/**
 * out = cumsum(x) along the middle dim of contiguous [outer, size, inner] views, accumulated in
 * double and rounded to the dtype at every step (the JS kernel's results, bit for bit).
 */
export function cumsum<T extends FloatArray>(x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0): void {
  const native = lib("cumsum");
  if (scanArgs("cumsum", x, out, outer, size, inner, xOff, outOff, ARGS)) native.cumsum(x, out, ARGS);
}

/**
 * @internal The checks of a scan along the middle dim of contiguous [outer, size, inner] views of x
 * and out (cumsum here, cumprod in ./scan.ts); fills args with [outer, size, inner, xOff, outOff].
 * False when there is nothing to compute.
 */
export function scanArgs(
  name: string, x: FloatArray, out: FloatArray, outer: number, size: number, inner: number, xOff: number, outOff: number,
  args: Float64Array,
): boolean {
  checkArray(name, "out", out);
  checkSameDtype(name, out, "x", x);
  checkCount(name, "outer", outer);
  checkCount(name, "size", size);
  checkCount(name, "inner", inner);
  const so = checkRange(name, "out", out, outOff, outer * size * inner);
  const sx = checkRange(name, "x", x, xOff, outer * size * inner);
  if (overlaps(out, so, x, sx)) throw new Error(`native.${name}: out overlaps x`);
  if (so === null) return false;
  args[0] = outer; args[1] = size; args[2] = inner; args[3] = xOff; args[4] = outOff;
  return true;
}

/**
 * The sum of x[i]^2 over x[xOff .. xOff + n), rounded to x's dtype: the bits of reduceAll("sum")
 * of the squared values, without a squared copy.
 */
export function sumSquares(x: FloatArray, n: number = x.length, xOff = 0): number {
  const name = "sumSquares";
  const native = lib(name);
  checkArray(name, "x", x);
  checkCount(name, "n", n);
  checkRange(name, "x", x, xOff, n);
  ARGS[0] = n; ARGS[1] = xOff;
  return native.sumSquares(x, ARGS);
}

/** op over x[xOff .. xOff + n) as one number (rounded to x's dtype, as a 0-dim tensor would be). */
export function reduceAll(op: ReduceOp, x: FloatArray, n: number = x.length, xOff = 0): number {
  const out = x instanceof Float32Array ? new Float32Array(1) : new Float64Array(1);
  reduce(op, x, out, 1, n, 1, xOff, 0);
  return out[0]!;
}

function softmaxImpl<T extends FloatArray>(log: boolean, x: T, out: T, rows: number, cols: number, xOff: number, outOff: number): void {
  const name = log ? "logSoftmax" : "softmax";
  const native = lib(name);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "x", x);
  checkCount(name, "rows", rows);
  checkCount(name, "cols", cols);
  const so = checkRange(name, "out", out, outOff, rows * cols);
  const sx = checkRange(name, "x", x, xOff, rows * cols);
  if (!sameStart(out, outOff, x, xOff) && overlaps(out, so, x, sx)) throw new Error(`native.${name}: out partially overlaps x`);
  if (so === null) return;
  ARGS[0] = rows; ARGS[1] = cols; ARGS[2] = xOff; ARGS[3] = outOff;
  native.softmax(log, x, out, ARGS);
}

/** Softmax over the last dim of x, contiguous [rows, cols]; out may be x itself. */
export function softmax<T extends FloatArray>(x: T, out: T, rows: number, cols: number, xOff = 0, outOff = 0): void {
  softmaxImpl(false, x, out, rows, cols, xOff, outOff);
}

/** Log-softmax over the last dim of x, contiguous [rows, cols]; out may be x itself. */
export function logSoftmax<T extends FloatArray>(x: T, out: T, rows: number, cols: number, xOff = 0, outOff = 0): void {
  softmaxImpl(true, x, out, rows, cols, xOff, outOff);
}

/** The element count of an [outer, size, inner] layout, each count checked. */
function alongCount(name: string, outer: number, size: number, inner: number): number {
  checkCount(name, "outer", outer);
  checkCount(name, "size", size);
  checkCount(name, "inner", inner);
  return outer * size * inner;
}

/**
 * Softmax (log-softmax with `log`) of x viewed as contiguous [outer, size, inner] from xOff, over
 * its middle dim, into out of the same layout from outOff; out may be x itself. The row kernel's
 * exp, so its results within float rounding (inner = 1 is that kernel).
 */
export function softmaxAlong<T extends FloatArray>(
  log: boolean, x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0,
): void {
  const name = "softmaxAlong";
  const native = lib(name);
  if (typeof log !== "boolean") throw new Error(`native.${name}: log must be a boolean`);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "x", x);
  const n = alongCount(name, outer, size, inner);
  const so = checkRange(name, "out", out, outOff, n);
  const sx = checkRange(name, "x", x, xOff, n);
  if (!sameStart(out, outOff, x, xOff) && overlaps(out, so, x, sx)) throw new Error(`native.${name}: out partially overlaps x`);
  if (so === null) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = outOff;
  native.softmaxAlong(log, x, out, ARGS);
}

/**
 * The input gradient of softmaxAlong from its output y and the output gradient g, all contiguous
 * [outer, size, inner] of one dtype: y * (g - sum(g * y)) for softmax, g - exp(y) * sum(g) for
 * log-softmax (sums over the middle dim in double). dx may be g or y itself.
 */
export function softmaxBackwardAlong<T extends FloatArray>(
  log: boolean, g: T, y: T, dx: T, outer: number, size: number, inner: number, gOff = 0, yOff = 0, dxOff = 0,
): void {
  const name = "softmaxBackwardAlong";
  const native = lib(name);
  if (typeof log !== "boolean") throw new Error(`native.${name}: log must be a boolean`);
  checkArray(name, "dx", dx);
  checkSameDtype(name, dx, "g", g);
  checkSameDtype(name, dx, "y", y);
  const n = alongCount(name, outer, size, inner);
  const sd = checkRange(name, "dx", dx, dxOff, n);
  const sg = checkRange(name, "g", g, gOff, n);
  const sy = checkRange(name, "y", y, yOff, n);
  if (!sameStart(dx, dxOff, g, gOff) && overlaps(dx, sd, g, sg)) throw new Error(`native.${name}: dx partially overlaps g`);
  if (!sameStart(dx, dxOff, y, yOff) && overlaps(dx, sd, y, sy)) throw new Error(`native.${name}: dx partially overlaps y`);
  if (sd === null) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = gOff; ARGS[4] = yOff; ARGS[5] = dxOff;
  native.softmaxBackwardAlong(log, g, y, dx, ARGS);
}

// ---------------------------------------------------------------------------------------------
// Optimizer steps over flat parameter buffers

/** The buffers of one Adam/AdamW step; all of one dtype and of at least param.length elements. */
export interface AdamBuffers<T extends FloatArray> {
  readonly param: T;
  readonly grad: T;
  readonly expAvg: T;
  readonly expAvgSq: T;
  /** Needed with amsgrad. */
  readonly maxExpAvgSq?: T;
}

export interface AdamHyper {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** The step count after this step (1 on the first step): sets the bias corrections. */
  readonly step: number;
  readonly amsgrad?: boolean;
  readonly maximize?: boolean;
  /** AdamW: decay the weights directly instead of adding weightDecay * param to the gradient. */
  readonly decoupled?: boolean;
}

function checkDisjoint(op: string, arrays: Record<string, FloatArray>, n: number): void {
  const entries = Object.entries(arrays);
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [na, a] = entries[i]!, [nb, b] = entries[j]!;
      if (overlaps(a, [0, n - 1], b, [0, n - 1])) throw new Error(`native.${op}: ${na} and ${nb} overlap`);
    }
  }
}

/**
 * One Adam (or AdamW) step over param[0 .. param.length), in place, as torch.optim.Adam does
 * per element: updates expAvg, expAvgSq (and maxExpAvgSq with amsgrad) and param. Evaluated in
 * double per element.
 */
export function adamStep<T extends FloatArray>(buffers: AdamBuffers<T>, hyper: AdamHyper): void {
  const op = "adamStep";
  const native = lib(op);
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = buffers;
  checkArray(op, "param", param);
  const arrays: Record<string, FloatArray> = { grad, expAvg, expAvgSq };
  if (hyper.amsgrad) {
    if (maxExpAvgSq === undefined) throw new Error(`native.${op}: amsgrad needs maxExpAvgSq`);
    arrays["maxExpAvgSq"] = maxExpAvgSq;
  }
  for (const [name, a] of Object.entries(arrays)) checkSameDtype(op, param, name, a);
  const n = param.length;
  for (const [name, a] of Object.entries(arrays)) {
    if (a.length < n) throw new Error(`native.${op}: ${name} has ${a.length} elements, fewer than param's ${n}`);
  }
  const { lr, beta1, beta2, eps, weightDecay, step } = hyper;
  for (const [name, v] of Object.entries({ lr, beta1, beta2, eps, weightDecay, step })) checkNumber(op, name, v);
  if (!(step >= 1)) throw new Error(`native.${op}: step must be >= 1, got ${step}`);
  if (n === 0) return;
  checkDisjoint(op, { param, ...arrays }, n);
  const p = ARGS;
  p[0] = n; p[1] = 0; p[2] = 0; p[3] = 0; p[4] = 0; p[5] = 0;
  p[6] = lr; p[7] = beta1; p[8] = beta2; p[9] = eps; p[10] = weightDecay;
  p[11] = 1 - beta1 ** step; p[12] = 1 - beta2 ** step;
  p[13] = hyper.amsgrad ? 1 : 0; p[14] = hyper.maximize ? 1 : 0; p[15] = hyper.decoupled ? 1 : 0;
  native.adam(param, grad, expAvg, expAvgSq, hyper.amsgrad ? maxExpAvgSq! : null, p);
}

/** The buffers of one SGD step; all of one dtype and of at least param.length elements. */
export interface SgdBuffers<T extends FloatArray> {
  readonly param: T;
  readonly grad: T;
  /** Needed when momentum != 0. */
  readonly momentumBuffer?: T;
}

export interface SgdHyper {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
  readonly maximize?: boolean;
  /** The momentum buffer does not exist yet: it starts as the (decayed) gradient, as in PyTorch. */
  readonly firstStep?: boolean;
}

/** One SGD step (momentum, dampening, Nesterov, weight decay) over param, in place, as torch.optim.SGD. */
export function sgdStep<T extends FloatArray>(buffers: SgdBuffers<T>, hyper: SgdHyper): void {
  const op = "sgdStep";
  const native = lib(op);
  const { param, grad, momentumBuffer } = buffers;
  checkArray(op, "param", param);
  const momentum = hyper.momentum ?? 0, dampening = hyper.dampening ?? 0, weightDecay = hyper.weightDecay ?? 0;
  for (const [name, v] of Object.entries({ lr: hyper.lr, momentum, dampening, weightDecay })) checkNumber(op, name, v);
  const arrays: Record<string, FloatArray> = { grad };
  if (momentum !== 0) {
    if (momentumBuffer === undefined) throw new Error(`native.${op}: momentum ${momentum} needs momentumBuffer`);
    arrays["momentumBuffer"] = momentumBuffer;
  }
  for (const [name, a] of Object.entries(arrays)) checkSameDtype(op, param, name, a);
  const n = param.length;
  for (const [name, a] of Object.entries(arrays)) {
    if (a.length < n) throw new Error(`native.${op}: ${name} has ${a.length} elements, fewer than param's ${n}`);
  }
  if (n === 0) return;
  checkDisjoint(op, { param, ...arrays }, n);
  const p = ARGS;
  p[0] = n; p[1] = 0; p[2] = 0; p[3] = 0;
  p[4] = hyper.lr; p[5] = momentum; p[6] = dampening; p[7] = weightDecay;
  p[8] = hyper.nesterov ? 1 : 0; p[9] = hyper.maximize ? 1 : 0; p[10] = hyper.firstStep ? 1 : 0;
  native.sgd(param, grad, momentum !== 0 ? momentumBuffer! : null, p);
}

// ---------------------------------------------------------------------------------------------
// Convolution (the geometry of src/backends/js/conv.ts) and pooling

/** Largest window parameter or size the kernels take (their index arithmetic stays in int64). */
const MAX_DIM = 2 ** 31 - 1;

function checkDimValue(op: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min || v > MAX_DIM) throw new Error(`native.${op}: ${name} must be an integer in [${min}, ${MAX_DIM}], got ${v}`);
}

/** Checks a per-dim list of 1 to 3 values and lifts it to three (leading `fill`s). */
function lift3(op: string, name: string, v: readonly number[], k: number, min: number, fill: number): number[] {
  if (!Array.isArray(v) || v.length !== k) throw new Error(`native.${op}: expected ${k} values of ${name}, got ${Array.isArray(v) ? v.length : typeof v}`);
  for (const x of v) checkDimValue(op, name, x, min);
  return [...new Array<number>(3 - k).fill(fill), ...v];
}

function product(op: string, what: string, values: readonly number[]): number {
  let n = 1;
  for (const v of values) n *= v;
  if (!Number.isSafeInteger(n)) throw new Error(`native.${op}: ${what} has too many elements (${n})`);
  return n;
}

interface ConvSizes { x: number; w: number; y: number; cout: number }

/** Checks a convolution geometry and writes it into ARGS as conv() reads it; returns the array sizes. */
function convArgs(op: string, g: ConvGeometry): ConvSizes {
  const k = g.inputSize?.length;
  if (k !== 1 && k !== 2 && k !== 3) throw new Error(`native.${op}: expected 1 to 3 spatial dims, got ${String(k)}`);
  checkDimValue(op, "batch", g.batch, 0);
  checkDimValue(op, "inChannels", g.inChannels, 0);
  checkDimValue(op, "outChannels", g.outChannels, 0);
  checkDimValue(op, "groups", g.groups, 1);
  if (g.inChannels % g.groups !== 0 || g.outChannels % g.groups !== 0) {
    throw new Error(`native.${op}: groups ${g.groups} must divide inChannels ${g.inChannels} and outChannels ${g.outChannels}`);
  }
  const inSize = lift3(op, "inputSize", g.inputSize, k, 0, 1);
  const kernel = lift3(op, "kernelSize", g.kernelSize, k, 1, 1);
  const outSize = lift3(op, "outputSize", g.outputSize, k, 0, 1);
  const stride = lift3(op, "stride", g.stride, k, 1, 1);
  const padding = lift3(op, "padding", g.padding, k, 0, 0);
  const dilation = lift3(op, "dilation", g.dilation, k, 1, 1);
  const values = [g.batch, g.inChannels, g.outChannels, g.groups, ...inSize, ...kernel, ...outSize, ...stride, ...padding, ...dilation];
  for (let i = 0; i < values.length; i++) ARGS[i] = values[i]!;
  return {
    x: product(op, "the input", [g.batch, g.inChannels, ...inSize]),
    w: product(op, "the weight", [g.outChannels, g.inChannels / g.groups, ...kernel]),
    y: product(op, "the output", [g.batch, g.outChannels, ...outSize]),
    cout: g.outChannels,
  };
}

function checkLength(op: string, name: string, a: FloatArray, n: number): void {
  if (a.length < n) throw new Error(`native.${op}: ${name} holds ${a.length} elements, expected at least ${n}`);
}

function checkNoOverlap(op: string, out: FloatArray, nOut: number, inputs: Record<string, [FloatArray, number]>): void {
  for (const [name, [a, n]] of Object.entries(inputs)) {
    if (overlaps(out, n > 0 && nOut > 0 ? [0, nOut - 1] : null, a, n > 0 ? [0, n - 1] : null)) {
      throw new Error(`native.${op}: the output overlaps ${name}`);
    }
  }
}

/** y = conv(x, w) + bias (as src/backends/js/conv.ts convForward): x, w, bias and y from index 0. */
export function convForward(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, output: FloatArray): void {
  runConvForward("convForward", 0, g, input, weight, bias, output);
}

/** grad_x of conv from gY and w (as convBackwardInput in src/backends/js/conv.ts); gradInput is overwritten. */
export function convBackwardInput(g: ConvGeometry, gradOutput: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  runConvBackwardInput("convBackwardInput", 1, g, gradOutput, weight, gradInput);
}

/** grad_w of conv from x and gY (as convBackwardWeight in src/backends/js/conv.ts); gradWeight is overwritten. */
export function convBackwardWeight(g: ConvGeometry, input: FloatArray, gradOutput: FloatArray, gradWeight: FloatArray): void {
  runConvBackwardWeight("convBackwardWeight", 2, g, input, gradOutput, gradWeight);
}

/**
 * convForward on channels-last operands of a 2-d convolution: x [n, ih, iw, cin], w [cout, kh,
 * kw, cin/groups] (a channels-last weight's memory), y [n, oh, ow, cout].
 */
export function convForwardNhwc(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, output: FloatArray): void {
  runConvForward("convForwardNhwc", 4, checkNhwc("convForwardNhwc", g), input, weight, bias, output);
}

/** convBackwardInput in the layouts of convForwardNhwc. */
export function convBackwardInputNhwc(g: ConvGeometry, gradOutput: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  runConvBackwardInput("convBackwardInputNhwc", 5, checkNhwc("convBackwardInputNhwc", g), gradOutput, weight, gradInput);
}

/** convBackwardWeight in the layouts of convForwardNhwc (gradWeight [cout, kh, kw, cin/groups]). */
export function convBackwardWeightNhwc(g: ConvGeometry, input: FloatArray, gradOutput: FloatArray, gradWeight: FloatArray): void {
  runConvBackwardWeight("convBackwardWeightNhwc", 6, checkNhwc("convBackwardWeightNhwc", g), input, gradOutput, gradWeight);
}

function checkNhwc(op: string, g: ConvGeometry): ConvGeometry {
  if (g.inputSize?.length !== 2) throw new Error(`native.${op}: expected 2 spatial dims, got ${String(g.inputSize?.length)}`);
  return g;
}

function runConvForward(op: string, kind: number, g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, output: FloatArray): void {
  const native = lib(op);
  checkArray(op, "output", output);
  checkSameDtype(op, output, "input", input);
  checkSameDtype(op, output, "weight", weight);
  if (bias !== null) checkSameDtype(op, output, "bias", bias);
  const n = convArgs(op, g);
  checkLength(op, "input", input, n.x);
  checkLength(op, "weight", weight, n.w);
  checkLength(op, "output", output, n.y);
  if (bias !== null) checkLength(op, "bias", bias, n.cout);
  checkNoOverlap(op, output, n.y, { input: [input, n.x], weight: [weight, n.w], ...(bias ? { bias: [bias, n.cout] as [FloatArray, number] } : {}) });
  if (n.y === 0) return;
  native.conv(kind, input, weight, bias, output, ARGS);
}

function runConvBackwardInput(op: string, kind: number, g: ConvGeometry, gradOutput: FloatArray, weight: FloatArray, gradInput: FloatArray): void {
  const native = lib(op);
  checkArray(op, "gradInput", gradInput);
  checkSameDtype(op, gradInput, "gradOutput", gradOutput);
  checkSameDtype(op, gradInput, "weight", weight);
  const n = convArgs(op, g);
  checkLength(op, "gradOutput", gradOutput, n.y);
  checkLength(op, "weight", weight, n.w);
  checkLength(op, "gradInput", gradInput, n.x);
  checkNoOverlap(op, gradInput, n.x, { gradOutput: [gradOutput, n.y], weight: [weight, n.w] });
  if (n.x === 0) return;
  native.conv(kind, gradOutput, weight, null, gradInput, ARGS);
}

function runConvBackwardWeight(op: string, kind: number, g: ConvGeometry, input: FloatArray, gradOutput: FloatArray, gradWeight: FloatArray): void {
  const native = lib(op);
  checkArray(op, "gradWeight", gradWeight);
  checkSameDtype(op, gradWeight, "input", input);
  checkSameDtype(op, gradWeight, "gradOutput", gradOutput);
  const n = convArgs(op, g);
  checkLength(op, "input", input, n.x);
  checkLength(op, "gradOutput", gradOutput, n.y);
  checkLength(op, "gradWeight", gradWeight, n.w);
  checkNoOverlap(op, gradWeight, n.w, { input: [input, n.x], gradOutput: [gradOutput, n.y] });
  if (n.w === 0) return;
  native.conv(kind, input, gradOutput, null, gradWeight, ARGS);
}

/** out[c] = sum over n and l of x[n, c, l] for contiguous x of [batch, channels, inner] (a conv's bias grad). */
export function channelSum<T extends FloatArray>(x: T, batch: number, channels: number, inner: number, out: T): void {
  const op = "channelSum";
  const native = lib(op);
  checkArray(op, "out", out);
  checkSameDtype(op, out, "x", x);
  checkCount(op, "batch", batch);
  checkCount(op, "channels", channels);
  checkCount(op, "inner", inner);
  const nx = product(op, "x", [batch, channels, inner]);
  checkLength(op, "x", x, nx);
  checkLength(op, "out", out, channels);
  checkNoOverlap(op, out, channels, { x: [x, nx] });
  if (channels === 0) return;
  ARGS[0] = batch; ARGS[1] = channels; ARGS[2] = inner;
  native.conv(3, x, x, null, out, ARGS);
}

interface PoolSizes { planes: number; inPlane: number; outPlane: number }

/**
 * Checks pooling shapes (planes..., spatial...) and a window, and writes them into ARGS as pool()
 * reads them; returns the plane count and sizes.
 */
function poolArgs(
  op: string, inputShape: readonly number[], outputShape: readonly number[], spatial: number,
  window: { kernelSize: readonly number[]; stride: readonly number[]; padding: readonly number[]; dilation?: readonly number[] } | null,
  countIncludePad = false, divisorOverride: number | null = null,
): PoolSizes {
  if (spatial !== 1 && spatial !== 2 && spatial !== 3) throw new Error(`native.${op}: expected 1 to 3 spatial dims, got ${spatial}`);
  if (inputShape.length !== outputShape.length || inputShape.length < spatial) {
    throw new Error(`native.${op}: input shape [${inputShape.join(", ")}] and output shape [${outputShape.join(", ")}] do not match`);
  }
  const lead = inputShape.length - spatial;
  for (let i = 0; i < lead; i++) {
    if (inputShape[i] !== outputShape[i]) throw new Error(`native.${op}: input shape [${inputShape.join(", ")}] and output shape [${outputShape.join(", ")}] differ outside the pooled dims`);
  }
  for (const v of [...inputShape, ...outputShape]) checkDimValue(op, "a size", v, 0);
  const planes = product(op, "the planes", inputShape.slice(0, lead));
  const inSize = lift3(op, "input size", inputShape.slice(lead), spatial, 0, 1);
  const outSize = lift3(op, "output size", outputShape.slice(lead), spatial, 0, 1);
  const w = window ?? { kernelSize: new Array<number>(spatial).fill(1), stride: new Array<number>(spatial).fill(1), padding: new Array<number>(spatial).fill(0) };
  const kernel = lift3(op, "kernelSize", w.kernelSize, spatial, 1, 1);
  const stride = lift3(op, "stride", w.stride, spatial, 1, 1);
  const padding = lift3(op, "padding", w.padding, spatial, 0, 0);
  const dilation = lift3(op, "dilation", w.dilation ?? new Array<number>(spatial).fill(1), spatial, 1, 1);
  if (divisorOverride !== null && typeof divisorOverride !== "number") throw new Error(`native.${op}: divisorOverride must be a number or null`);
  const values = [planes, ...inSize, ...outSize, ...kernel, ...stride, ...padding, ...dilation, countIncludePad ? 1 : 0, divisorOverride === null ? 0 : 1, divisorOverride ?? 0];
  for (let i = 0; i < values.length; i++) ARGS[i] = values[i]!;
  const inPlane = product(op, "an input plane", inSize), outPlane = product(op, "an output plane", outSize);
  product(op, "the input", [planes, inPlane]);
  product(op, "the output", [planes, outPlane]);
  return { planes, inPlane, outPlane };
}

function checkIndices(op: string, indices: unknown, n: number): asserts indices is BigInt64Array {
  if (!(indices instanceof BigInt64Array)) throw new Error(`native.${op}: indices must be a BigInt64Array`);
  if (indices.length < n) throw new Error(`native.${op}: indices hold ${indices.length} elements, expected at least ${n}`);
}

/** Max pooling with int64 plane-local indices (as maxPoolForward in src/backends/js/pool.ts). */
export function maxPoolForward(
  input: FloatArray, inputShape: readonly number[], output: FloatArray, outputShape: readonly number[],
  indices: BigInt64Array | null, params: MaxPoolParams,
): void {
  const op = "maxPoolForward";
  const native = lib(op);
  checkArray(op, "output", output);
  checkSameDtype(op, output, "input", input);
  const s = poolArgs(op, inputShape, outputShape, params.kernelSize.length, params);
  const nIn = s.planes * s.inPlane, nOut = s.planes * s.outPlane;
  checkLength(op, "input", input, nIn);
  checkLength(op, "output", output, nOut);
  if (indices !== null) checkIndices(op, indices, nOut);
  checkNoOverlap(op, output, nOut, { input: [input, nIn] });
  if (nOut === 0) return;
  native.pool(0, input, output, indices, ARGS);
}

/** gradInput (overwritten) = gradOutput scattered to the saved indices (as maxPoolBackward in pool.ts). */
export function maxPoolBackward(
  gradOutput: FloatArray, indices: BigInt64Array, outputShape: readonly number[],
  gradInput: FloatArray, inputShape: readonly number[], spatial: number,
): void {
  const op = "maxPoolBackward";
  const native = lib(op);
  checkArray(op, "gradInput", gradInput);
  checkSameDtype(op, gradInput, "gradOutput", gradOutput);
  const s = poolArgs(op, inputShape, outputShape, spatial, null);
  const nIn = s.planes * s.inPlane, nOut = s.planes * s.outPlane;
  checkLength(op, "gradOutput", gradOutput, nOut);
  checkIndices(op, indices, nOut);
  checkLength(op, "gradInput", gradInput, nIn);
  checkNoOverlap(op, gradInput, nIn, { gradOutput: [gradOutput, nOut] });
  if (nIn === 0) return;
  native.pool(1, gradOutput, gradInput, indices, ARGS);
}

/** Average pooling (as avgPoolForward in src/backends/js/pool.ts). */
export function avgPoolForward(input: FloatArray, inputShape: readonly number[], output: FloatArray, outputShape: readonly number[], params: AvgPoolParams): void {
  const op = "avgPoolForward";
  const native = lib(op);
  checkArray(op, "output", output);
  checkSameDtype(op, output, "input", input);
  const s = poolArgs(op, inputShape, outputShape, params.kernelSize.length, params, params.countIncludePad, params.divisorOverride ?? null);
  const nIn = s.planes * s.inPlane, nOut = s.planes * s.outPlane;
  checkLength(op, "input", input, nIn);
  checkLength(op, "output", output, nOut);
  checkNoOverlap(op, output, nOut, { input: [input, nIn] });
  if (nOut === 0) return;
  native.pool(2, input, output, null, ARGS);
}

/** Backward of average pooling (as avgPoolBackward in src/backends/js/pool.ts); gradInput is overwritten. */
export function avgPoolBackward(gradOutput: FloatArray, outputShape: readonly number[], gradInput: FloatArray, inputShape: readonly number[], params: AvgPoolParams): void {
  const op = "avgPoolBackward";
  const native = lib(op);
  checkArray(op, "gradInput", gradInput);
  checkSameDtype(op, gradInput, "gradOutput", gradOutput);
  const s = poolArgs(op, inputShape, outputShape, params.kernelSize.length, params, params.countIncludePad, params.divisorOverride ?? null);
  const nIn = s.planes * s.inPlane, nOut = s.planes * s.outPlane;
  checkLength(op, "gradOutput", gradOutput, nOut);
  checkLength(op, "gradInput", gradInput, nIn);
  checkNoOverlap(op, gradInput, nIn, { gradOutput: [gradOutput, nOut] });
  if (nIn === 0) return;
  native.pool(3, gradOutput, gradInput, null, ARGS);
}

// Channels-last 2-d pooling: shapes are the tensors' logical [N, C, H, W] ones, the arrays hold
// them in [N, H, W, C] order (indices too: h * W + w within the image, as PyTorch's).

/** poolArgs over [N, H, W] planes with the channels in ARGS[22]; returns the element counts. */
function poolArgsNhwc(
  op: string, inputShape: readonly number[], outputShape: readonly number[],
  window: { kernelSize: readonly number[]; stride: readonly number[]; padding: readonly number[]; dilation?: readonly number[] } | null,
  countIncludePad = false, divisorOverride: number | null = null,
): { nIn: number; nOut: number } {
  if (inputShape.length !== 4 || outputShape.length !== 4) throw new Error(`native.${op}: expected 4-d shapes, got [${inputShape.join(", ")}] and [${outputShape.join(", ")}]`);
  if (inputShape[1] !== outputShape[1]) throw new Error(`native.${op}: input shape [${inputShape.join(", ")}] and output shape [${outputShape.join(", ")}] differ in channels`);
  const drop = (s: readonly number[]): number[] => [s[0]!, s[2]!, s[3]!];
  const s = poolArgs(op, drop(inputShape), drop(outputShape), 2, window, countIncludePad, divisorOverride);
  const C = inputShape[1]!;
  ARGS[22] = C;
  return { nIn: product(op, "the input", [s.planes, s.inPlane, C]), nOut: product(op, "the output", [s.planes, s.outPlane, C]) };
}

/** maxPoolForward on channels-last arrays (indices may be null). */
export function maxPoolForwardNhwc(
  input: FloatArray, inputShape: readonly number[], output: FloatArray, outputShape: readonly number[],
  indices: BigInt64Array | null, params: MaxPoolParams,
): void {
  const op = "maxPoolForwardNhwc";
  const native = lib(op);
  checkArray(op, "output", output);
  checkSameDtype(op, output, "input", input);
  if (params.kernelSize.length !== 2) throw new Error(`native.${op}: expected a 2-d window`);
  const s = poolArgsNhwc(op, inputShape, outputShape, params);
  checkLength(op, "input", input, s.nIn);
  checkLength(op, "output", output, s.nOut);
  if (indices !== null) checkIndices(op, indices, s.nOut);
  checkNoOverlap(op, output, s.nOut, { input: [input, s.nIn] });
  if (s.nOut === 0) return;
  native.pool(4, input, output, indices, ARGS);
}

/** maxPoolBackward on channels-last arrays; gradInput is overwritten. */
export function maxPoolBackwardNhwc(
  gradOutput: FloatArray, indices: BigInt64Array, outputShape: readonly number[],
  gradInput: FloatArray, inputShape: readonly number[],
): void {
  const op = "maxPoolBackwardNhwc";
  const native = lib(op);
  checkArray(op, "gradInput", gradInput);
  checkSameDtype(op, gradInput, "gradOutput", gradOutput);
  const s = poolArgsNhwc(op, inputShape, outputShape, null);
  checkLength(op, "gradOutput", gradOutput, s.nOut);
  checkIndices(op, indices, s.nOut);
  checkLength(op, "gradInput", gradInput, s.nIn);
  checkNoOverlap(op, gradInput, s.nIn, { gradOutput: [gradOutput, s.nOut] });
  if (s.nIn === 0) return;
  native.pool(5, gradOutput, gradInput, indices, ARGS);
}

/** avgPoolForward (kind 6), its backward (7, a = gradOutput) on channels-last arrays. */
function avgPoolNhwc(op: string, kind: 6 | 7, a: FloatArray, aShape: readonly number[], out: FloatArray, outShape: readonly number[], params: AvgPoolParams): void {
  const native = lib(op);
  checkArray(op, "out", out);
  checkSameDtype(op, out, "a", a);
  if (params.kernelSize.length !== 2) throw new Error(`native.${op}: expected a 2-d window`);
  const [inShape, oShape] = kind === 6 ? [aShape, outShape] : [outShape, aShape];
  const s = poolArgsNhwc(op, inShape, oShape, params, params.countIncludePad, params.divisorOverride ?? null);
  const [nA, nO] = kind === 6 ? [s.nIn, s.nOut] : [s.nOut, s.nIn];
  checkLength(op, "a", a, nA);
  checkLength(op, "out", out, nO);
  checkNoOverlap(op, out, nO, { a: [a, nA] });
  if (nO === 0) return;
  native.pool(kind, a, out, null, ARGS);
}

/** avgPoolForward on channels-last arrays. */
export function avgPoolForwardNhwc(input: FloatArray, inputShape: readonly number[], output: FloatArray, outputShape: readonly number[], params: AvgPoolParams): void {
  avgPoolNhwc("avgPoolForwardNhwc", 6, input, inputShape, output, outputShape, params);
}

/** avgPoolBackward on channels-last arrays; gradInput is overwritten. */
export function avgPoolBackwardNhwc(gradOutput: FloatArray, outputShape: readonly number[], gradInput: FloatArray, inputShape: readonly number[], params: AvgPoolParams): void {
  avgPoolNhwc("avgPoolBackwardNhwc", 7, gradOutput, outputShape, gradInput, inputShape, params);
}

/** Adaptive average pooling 2-d (windows [floor(i*in/out), ceil((i+1)*in/out))) on channels-last arrays. */
export function adaptiveAvgPoolForwardNhwc(input: FloatArray, inputShape: readonly number[], output: FloatArray, outputShape: readonly number[]): void {
  adaptiveAvgNhwc("adaptiveAvgPoolForwardNhwc", 8, input, inputShape, output, outputShape);
}

/** The backward of adaptiveAvgPoolForwardNhwc; gradInput is overwritten. */
export function adaptiveAvgPoolBackwardNhwc(gradOutput: FloatArray, outputShape: readonly number[], gradInput: FloatArray, inputShape: readonly number[]): void {
  adaptiveAvgNhwc("adaptiveAvgPoolBackwardNhwc", 9, gradOutput, outputShape, gradInput, inputShape);
}

function adaptiveAvgNhwc(op: string, kind: 8 | 9, a: FloatArray, aShape: readonly number[], out: FloatArray, outShape: readonly number[]): void {
  const native = lib(op);
  checkArray(op, "out", out);
  checkSameDtype(op, out, "a", a);
  const [inShape, oShape] = kind === 8 ? [aShape, outShape] : [outShape, aShape];
  if ([inShape[2], inShape[3], oShape[2], oShape[3]].some((v) => v === 0)) throw new Error(`native.${op}: empty spatial dims`);
  const s = poolArgsNhwc(op, inShape, oShape, null);
  const [nA, nO] = kind === 8 ? [s.nIn, s.nOut] : [s.nOut, s.nIn];
  checkLength(op, "a", a, nA);
  checkLength(op, "out", out, nO);
  checkNoOverlap(op, out, nO, { a: [a, nA] });
  if (nO === 0) return;
  native.pool(kind, a, out, null, ARGS);
}

// ---------------------------------------------------------------------------------------------
// Activation gradients

/**
 * out[i] = g[i] * f'(x[i]) for i < n (all contiguous from index 0, one dtype), evaluated in
 * double as the JS loops do. out may be g or x itself but must not otherwise overlap them.
 */
export function activationGrad<T extends FloatArray>(op: ActGradOp, g: T, x: T, out: T, n: number): void {
  const name = "activationGrad";
  const native = lib(name);
  const code = ACT_GRAD_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  checkArray(name, "out", out);
  checkSameDtype(name, out, "g", g);
  checkSameDtype(name, out, "x", x);
  checkCount(name, "n", n);
  const so = checkRange(name, "out", out, 0, n);
  const sg = checkRange(name, "g", g, 0, n);
  const sx = checkRange(name, "x", x, 0, n);
  if ((!sameStart(out, 0, g, 0) && overlaps(out, so, g, sg)) || (!sameStart(out, 0, x, 0) && overlaps(out, so, x, sx))) {
    throw new Error(`native.${name}: out partially overlaps an input`);
  }
  if (n === 0) return;
  ARGS[0] = n; ARGS[1] = 0; ARGS[2] = 0; ARGS[3] = 0;
  native.actGrad(code, g, x, out, ARGS);
}

// ---------------------------------------------------------------------------------------------
// Layer norm, batch norm, embedding, cross-entropy and 16-bit float conversions (native/nnk.h).
// Every array starts at index 0 (pass a subarray for an offset); per-row and per-channel
// statistics and coefficients are Float64Arrays whatever the dtype.

interface NnkAddon {
  layerNorm(x: FloatArray, w: FloatArray | null, b: FloatArray | null, y: FloatArray, mean: Float64Array, rstd: Float64Array, args: Float64Array): void;
  layerNormBackward(
    g: FloatArray, x: FloatArray, w: FloatArray | null, mean: Float64Array, rstd: Float64Array,
    gx: FloatArray | null, gw: Float64Array | null, gb: Float64Array | null, args: Float64Array,
  ): void;
  batchNorm(kind: number, a: FloatArray, b: FloatArray | null, c: FloatArray | null, d: FloatArray | null,
    e: FloatArray | null, f: FloatArray | null, g: FloatArray | null, h: FloatArray | null, args: Float64Array): void;
  embedding(backward: boolean, indices: BigInt64Array, a: FloatArray, b: FloatArray, args: Float64Array): void;
  crossEntropy(backward: boolean, x: FloatArray, t: Int32Array, u: FloatArray | null, out: FloatArray,
    ca: Float64Array | null, cb: Float64Array | null, ce: Float64Array | null, args: Float64Array): void;
  convert16(kind: number, src: FloatArray | Uint16Array, dst: FloatArray | Uint16Array, n: number): void;
}

function nnk(op: string): NnkAddon {
  return lib(op) as unknown as NnkAddon;
}

function checkF64(op: string, name: string, a: unknown, n: number): asserts a is Float64Array {
  if (!(a instanceof Float64Array)) throw new Error(`native.${op}: ${name} must be a Float64Array`);
  checkLength(op, name, a, n);
}

/** Checks an optional operand of out's dtype holding at least n elements. */
function checkOptional(op: string, ref: FloatArray, name: string, a: FloatArray | null, n: number): void {
  if (a === null) return;
  checkSameDtype(op, ref, name, a);
  checkLength(op, name, a, n);
}

type AnyArray = FloatArray | BigInt64Array | Int32Array | Uint16Array;

/**
 * Throws when an output shares memory with another output or an input (inputs may alias each
 * other: they are only read). Each array comes with the element count the call uses.
 */
function checkOutputsDisjoint(op: string, outputs: Record<string, [AnyArray | null, number]>, inputs: Record<string, [AnyArray | null, number]>): void {
  const used = (r: Record<string, [AnyArray | null, number]>) =>
    Object.entries(r).filter((e): e is [string, [AnyArray, number]] => e[1][0] !== null && e[1][1] > 0);
  const outs = used(outputs), all = [...outs, ...used(inputs)];
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [na, [a, ca]] = outs[i]!, [nb, [b, cb]] = all[j]!;
      if (a.buffer !== b.buffer) continue;
      const a0 = a.byteOffset, a1 = a0 + ca * a.BYTES_PER_ELEMENT, b0 = b.byteOffset, b1 = b0 + cb * b.BYTES_PER_ELEMENT;
      if (a0 < b1 && b0 < a1) throw new Error(`native.${op}: ${na} and ${nb} overlap`);
    }
  }
}

function checkRows(op: string, m: number, d: number): number {
  checkDimValue(op, "rows", m, 0);
  checkDimValue(op, "row length", d, 0);
  return product(op, "the input", [m, d]);
}

/**
 * Layer norm of m rows of length d (as layerNormOp in src/nn/functional/normalization-layer.ts):
 * y = (x - mean) rstd w + b, with each row's mean and rstd = 1/sqrt(var + eps) written out.
 */
export function layerNormForward<T extends FloatArray>(
  x: T, weight: T | null, bias: T | null, y: T, mean: Float64Array, rstd: Float64Array, m: number, d: number, eps: number,
): void {
  const op = "layerNormForward";
  const native = nnk(op);
  checkArray(op, "y", y);
  checkSameDtype(op, y, "x", x);
  const n = checkRows(op, m, d);
  checkLength(op, "x", x, n);
  checkLength(op, "y", y, n);
  checkOptional(op, y, "weight", weight, d);
  checkOptional(op, y, "bias", bias, d);
  checkF64(op, "mean", mean, m);
  checkF64(op, "rstd", rstd, m);
  checkNumber(op, "eps", eps);
  checkOutputsDisjoint(op, { y: [y, n], mean: [mean, m], rstd: [rstd, m] }, { x: [x, n], weight: [weight, d], bias: [bias, d] });
  if (n === 0) return;
  ARGS[0] = m; ARGS[1] = d; ARGS[2] = eps;
  native.layerNorm(x, weight, bias, y, mean, rstd, ARGS);
}

/**
 * Backward of layerNormForward: gradInput (or null) = rstd (dxh - mean(dxh) - xh mean(dxh xh)),
 * dxh = g w; gradWeight = sum over rows of g xh and gradBias = sum of g (Float64Arrays of d, or
 * null), summed in a fixed order whatever the thread count.
 */
export function layerNormBackward<T extends FloatArray>(
  g: T, x: T, weight: T | null, mean: Float64Array, rstd: Float64Array,
  gradInput: T | null, gradWeight: Float64Array | null, gradBias: Float64Array | null, m: number, d: number,
): void {
  const op = "layerNormBackward";
  const native = nnk(op);
  checkArray(op, "g", g);
  checkSameDtype(op, g, "x", x);
  const n = checkRows(op, m, d);
  checkLength(op, "g", g, n);
  checkLength(op, "x", x, n);
  checkOptional(op, g, "weight", weight, d);
  checkOptional(op, g, "gradInput", gradInput, n);
  checkF64(op, "mean", mean, m);
  checkF64(op, "rstd", rstd, m);
  if (gradWeight !== null) checkF64(op, "gradWeight", gradWeight, d);
  if (gradBias !== null) checkF64(op, "gradBias", gradBias, d);
  checkOutputsDisjoint(op, { gradInput: [gradInput, n], gradWeight: [gradWeight, d], gradBias: [gradBias, d] }, { g: [g, n], x: [x, n], weight: [weight, d], mean: [mean, m], rstd: [rstd, m] });
  if (n === 0) {
    gradWeight?.fill(0, 0, d);
    gradBias?.fill(0, 0, d);
    return;
  }
  ARGS[0] = m; ARGS[1] = d;
  native.layerNormBackward(g, x, weight, mean, rstd, gradInput, gradWeight, gradBias, ARGS);
}

/** Checks a batch-norm geometry (x viewed as (n, c, s)) and writes it into ARGS; returns n*c*s. */
function bnArgs(op: string, n: number, c: number, s: number): number {
  checkDimValue(op, "batch", n, 0);
  checkDimValue(op, "channels", c, 0);
  checkDimValue(op, "spatial size", s, 0);
  const total = product(op, "the input", [n, c, s]);
  ARGS[0] = n; ARGS[1] = c; ARGS[2] = s;
  return total;
}

/** Per-channel mean and biased variance of x viewed as (n, c, s) (two passes, in double). */
export function batchNormStats(x: FloatArray, n: number, c: number, s: number, mean: Float64Array, variance: Float64Array): void {
  const op = "batchNormStats";
  const native = nnk(op);
  checkArray(op, "x", x);
  const total = bnArgs(op, n, c, s);
  checkLength(op, "x", x, total);
  checkF64(op, "mean", mean, c);
  checkF64(op, "variance", variance, c);
  checkOutputsDisjoint(op, { mean: [mean, c], variance: [variance, c] }, { x: [x, total] });
  if (c === 0) return;
  if (n * s === 0) throw new Error(`native.${op}: no values per channel`);
  native.batchNorm(0, x, mean, variance, null, null, null, null, null, ARGS);
}

/** y = (x - mean[c]) scale[c] + shift[c] over x viewed as (n, c, s). */
export function batchNormApply<T extends FloatArray>(
  x: T, y: T, n: number, c: number, s: number, mean: Float64Array, scale: Float64Array, shift: Float64Array,
): void {
  const op = "batchNormApply";
  const native = nnk(op);
  checkArray(op, "y", y);
  checkSameDtype(op, y, "x", x);
  const total = bnArgs(op, n, c, s);
  checkLength(op, "x", x, total);
  checkLength(op, "y", y, total);
  checkF64(op, "mean", mean, c);
  checkF64(op, "scale", scale, c);
  checkF64(op, "shift", shift, c);
  checkOutputsDisjoint(op, { y: [y, total] }, { x: [x, total], mean: [mean, c], scale: [scale, c], shift: [shift, c] });
  if (total === 0) return;
  native.batchNorm(1, x, y, mean, scale, shift, null, null, null, ARGS);
}

/** sumG[c] = sum of g, sumGX[c] = sum of g (x - mean[c]) invstd[c], over (n, c, s). */
export function batchNormBackwardReduce<T extends FloatArray>(
  g: T, x: T, n: number, c: number, s: number, mean: Float64Array, invstd: Float64Array, sumG: Float64Array, sumGX: Float64Array,
): void {
  const op = "batchNormBackwardReduce";
  const native = nnk(op);
  checkArray(op, "g", g);
  checkSameDtype(op, g, "x", x);
  const total = bnArgs(op, n, c, s);
  checkLength(op, "g", g, total);
  checkLength(op, "x", x, total);
  checkF64(op, "mean", mean, c);
  checkF64(op, "invstd", invstd, c);
  checkF64(op, "sumG", sumG, c);
  checkF64(op, "sumGX", sumGX, c);
  checkOutputsDisjoint(op, { sumG: [sumG, c], sumGX: [sumGX, c] }, { g: [g, total], mean: [mean, c], x: [x, total], invstd: [invstd, c] });
  if (c === 0) return;
  native.batchNorm(2, g, x, mean, invstd, sumG, sumGX, null, null, ARGS);
}

/** gradInput = k1[c] (g - mg[c] - (x - mean[c]) invstd[c] mgx[c]) over (n, c, s). */
export function batchNormBackwardInput<T extends FloatArray>(
  g: T, x: T, gradInput: T, n: number, c: number, s: number,
  mean: Float64Array, invstd: Float64Array, k1: Float64Array, mg: Float64Array, mgx: Float64Array,
): void {
  const op = "batchNormBackwardInput";
  const native = nnk(op);
  checkArray(op, "gradInput", gradInput);
  checkSameDtype(op, gradInput, "g", g);
  checkSameDtype(op, gradInput, "x", x);
  const total = bnArgs(op, n, c, s);
  for (const [name, a] of [["g", g], ["x", x], ["gradInput", gradInput]] as const) checkLength(op, name, a, total);
  for (const [name, a] of [["mean", mean], ["invstd", invstd], ["k1", k1], ["mg", mg], ["mgx", mgx]] as const) checkF64(op, name, a, c);
  checkOutputsDisjoint(op, { gradInput: [gradInput, total] }, { g: [g, total], mean: [mean, c], x: [x, total], invstd: [invstd, c], k1: [k1, c], mg: [mg, c], mgx: [mgx, c] });
  if (total === 0) return;
  native.batchNorm(3, g, x, gradInput, mean, invstd, k1, mg, mgx, ARGS);
}

/**
 * Checks n int64 indices against [0, v) in JS: the low and high 32-bit halves of each (a
 * little-endian view of the same memory), far cheaper than reading them as BigInts.
 */
function checkIndexRange(op: string, indices: BigInt64Array, n: number, v: number): void {
  const words = new Int32Array(indices.buffer, indices.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!, hi = words[2 * i + 1]!;
    if (hi !== 0 || lo < 0 || lo >= v) throw new Error(`native.${op}: index ${indices[i]} at position ${i} is out of range [0, ${v})`);
  }
}

function checkEmbedding(op: string, indices: BigInt64Array, n: number, v: number, d: number): void {
  if (!(indices instanceof BigInt64Array)) throw new Error(`native.${op}: indices must be a BigInt64Array`);
  checkDimValue(op, "index count", n, 0);
  checkDimValue(op, "num_embeddings", v, 0);
  checkDimValue(op, "embedding_dim", d, 0);
  if (indices.length < n) throw new Error(`native.${op}: indices hold ${indices.length} elements, expected at least ${n}`);
  product(op, "the weight", [v, d]);
  product(op, "the output", [n, d]);
  if (!new Uint8Array(new Uint16Array([1]).buffer)[0]) throw new Error(`native.${op}: needs a little-endian platform`);
  checkIndexRange(op, indices, n, v);
}

/** out[i, :] = weight[indices[i], :] for i < n (weight v x d, out n x d, row-major). */
export function embeddingForward<T extends FloatArray>(weight: T, indices: BigInt64Array, out: T, n: number, v: number, d: number): void {
  const op = "embeddingForward";
  const native = nnk(op);
  checkArray(op, "out", out);
  checkSameDtype(op, out, "weight", weight);
  checkEmbedding(op, indices, n, v, d);
  checkLength(op, "weight", weight, v * d);
  checkLength(op, "out", out, n * d);
  checkOutputsDisjoint(op, { out: [out, n * d] }, { weight: [weight, v * d], indices: [indices, n] });
  if (n * d === 0) return;
  ARGS[0] = n; ARGS[1] = v; ARGS[2] = d; ARGS[3] = -1; ARGS[4] = 0;
  native.embedding(false, indices, weight, out, ARGS);
}

/**
 * gradWeight (v x d, overwritten) = the rows of gradOutput (n x d) summed into the rows their
 * indices name, in index order, skipping paddingIdx (-1 for none); deterministic. `zeroed`
 * promises that gradWeight holds zeros already (a fresh zeroed tensor), so that it is not
 * cleared again and the pages of rows no index names are never touched.
 */
export function embeddingBackward<T extends FloatArray>(
  gradOutput: T, indices: BigInt64Array, gradWeight: T, n: number, v: number, d: number, paddingIdx: number, zeroed = false,
): void {
  const op = "embeddingBackward";
  const native = nnk(op);
  checkArray(op, "gradWeight", gradWeight);
  checkSameDtype(op, gradWeight, "gradOutput", gradOutput);
  checkEmbedding(op, indices, n, v, d);
  if (!Number.isInteger(paddingIdx) || paddingIdx < -1 || paddingIdx >= Math.max(v, 1)) {
    throw new Error(`native.${op}: paddingIdx must be -1 or a row in [0, ${v}), got ${paddingIdx}`);
  }
  checkLength(op, "gradOutput", gradOutput, n * d);
  checkLength(op, "gradWeight", gradWeight, v * d);
  checkOutputsDisjoint(op, { gradWeight: [gradWeight, v * d] }, { gradOutput: [gradOutput, n * d], indices: [indices, n] });
  if (v * d === 0) return;
  if (typeof zeroed !== "boolean") throw new Error(`native.${op}: zeroed must be a boolean`);
  ARGS[0] = n; ARGS[1] = v; ARGS[2] = d; ARGS[3] = paddingIdx; ARGS[4] = zeroed ? 1 : 0;
  native.embedding(true, indices, gradOutput, gradWeight, ARGS);
}

function checkTargets(op: string, targets: Int32Array, rows: number, c: number): void {
  if (!(targets instanceof Int32Array)) throw new Error(`native.${op}: targets must be an Int32Array`);
  if (targets.length < rows) throw new Error(`native.${op}: targets hold ${targets.length} elements, expected at least ${rows}`);
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t < -1 || t >= c) throw new Error(`native.${op}: target ${t} of row ${r} is out of range [-1, ${c})`);
  }
}

/**
 * Cross-entropy of rows x c logits (row-major) with class targets (-1: ignored, loss 0): loss[r]
 * = -(1 - eps) u[t] lsm[t] - eps/c sum_j u[j] lsm[j], lsm = log_softmax of the row, u = weight or 1.
 */
export function crossEntropyForward<T extends FloatArray>(
  x: T, targets: Int32Array, weight: T | null, loss: Float64Array, rows: number, c: number, labelSmoothing = 0,
): void {
  const op = "crossEntropyForward";
  const native = nnk(op);
  checkArray(op, "x", x);
  const n = checkRows(op, rows, c);
  checkLength(op, "x", x, n);
  checkOptional(op, x, "weight", weight, c);
  checkF64(op, "loss", loss, rows);
  checkNumber(op, "labelSmoothing", labelSmoothing);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new Error(`native.${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  checkTargets(op, targets, rows, c);
  checkOutputsDisjoint(op, { loss: [loss, rows] }, { x: [x, n], weight: [weight, c], targets: [targets, rows] });
  if (rows === 0) return;
  if (c === 0) throw new Error(`native.${op}: no classes`);
  ARGS[0] = rows; ARGS[1] = c; ARGS[2] = labelSmoothing;
  native.crossEntropy(false, x, targets, weight, loss, null, null, null, ARGS);
}

/**
 * Backward of crossEntropyForward: grad[r, :] = ca[r] softmax(x[r, :]) - ce[r] u, then
 * grad[r, t] -= cb[r]; rows whose target is -1 are 0.
 */
export function crossEntropyBackward<T extends FloatArray>(
  x: T, targets: Int32Array, weight: T | null, ca: Float64Array, cb: Float64Array, ce: Float64Array, grad: T, rows: number, c: number,
): void {
  const op = "crossEntropyBackward";
  const native = nnk(op);
  checkArray(op, "grad", grad);
  checkSameDtype(op, grad, "x", x);
  const n = checkRows(op, rows, c);
  checkLength(op, "x", x, n);
  checkLength(op, "grad", grad, n);
  checkOptional(op, grad, "weight", weight, c);
  checkF64(op, "ca", ca, rows);
  checkF64(op, "cb", cb, rows);
  checkF64(op, "ce", ce, rows);
  checkTargets(op, targets, rows, c);
  checkOutputsDisjoint(op, { grad: [grad, n] }, { x: [x, n], weight: [weight, c], targets: [targets, rows], ca: [ca, rows], cb: [cb, rows], ce: [ce, rows] });
  if (n === 0) return;
  ARGS[0] = rows; ARGS[1] = c;
  native.crossEntropy(true, x, targets, weight, grad, ca, cb, ce, ARGS);
}

/** The 16-bit float formats. */
export type Half = "float16" | "bfloat16";

/**
 * n values to float16/bfloat16 bits, rounded to nearest even as f32ToF16/f32ToBf16 of
 * src/core/dtype.ts (float64 sources are rounded to float32 first, as those functions do).
 */
export function encode16(format: Half, src: FloatArray, dst: Uint16Array, n: number = src.length): void {
  const op = "encode16";
  const native = nnk(op);
  if (format !== "float16" && format !== "bfloat16") throw new Error(`native.${op}: unknown format ${String(format)}`);
  checkArray(op, "src", src);
  if (!(dst instanceof Uint16Array)) throw new Error(`native.${op}: dst must be a Uint16Array`);
  checkCount(op, "n", n);
  checkLength(op, "src", src, n);
  if (dst.length < n) throw new Error(`native.${op}: dst holds ${dst.length} elements, expected at least ${n}`);
  checkOutputsDisjoint(op, { dst: [dst, n] }, { src: [src, n] });
  if (n === 0) return;
  const f64 = src instanceof Float64Array;
  native.convert16(format === "float16" ? (f64 ? 4 : 0) : (f64 ? 5 : 2), src, dst, n);
}

/** n float16/bfloat16 bit patterns to float32 values (exact; a NaN becomes the canonical NaN). */
export function decode16(format: Half, src: Uint16Array, dst: Float32Array, n: number = src.length): void {
  const op = "decode16";
  const native = nnk(op);
  if (format !== "float16" && format !== "bfloat16") throw new Error(`native.${op}: unknown format ${String(format)}`);
  if (!(src instanceof Uint16Array)) throw new Error(`native.${op}: src must be a Uint16Array`);
  if (!(dst instanceof Float32Array)) throw new Error(`native.${op}: dst must be a Float32Array`);
  checkCount(op, "n", n);
  if (src.length < n) throw new Error(`native.${op}: src holds ${src.length} elements, expected at least ${n}`);
  checkLength(op, "dst", dst, n);
  checkOutputsDisjoint(op, { dst: [dst, n] }, { src: [src, n] });
  if (n === 0) return;
  native.convert16(format === "float16" ? 1 : 3, src, dst, n);
}

// ---------------------------------------------------------------------------------------------
// Reductions with indices, logsumexp and sort along one dim (native/reduce_index.h, sort.h).
// The input is contiguous from xOff, viewed as [outer, size, inner]; outputs are contiguous.

/** The element types of selectAlong and sortAlong (logsumexpAlong takes floats only). */
export type SelectArray = Float32Array | Float64Array | Int32Array;
/** sortAlong's element types: selectAlong's and int64 (ordered exactly, by its 64-bit key). */
export type SortArray = SelectArray | BigInt64Array;

interface IndexOpsAddon {
  selectAlong(isMax: boolean, x: SelectArray, values: SelectArray | null, indices: BigInt64Array, args: Float64Array): void;
  logsumexpAlong(x: FloatArray, out: FloatArray, args: Float64Array): void;
  sortAlong(descending: boolean, x: SortArray, values: SortArray | null, indices: BigInt64Array, args: Float64Array): void;
}

function indexOps(op: string): IndexOpsAddon {
  return lib(op) as unknown as IndexOpsAddon;
}

function checkSelectArray(op: string, name: string, a: unknown, int64: boolean): asserts a is SortArray {
  if (int64 && a instanceof BigInt64Array) return;
  if (!(a instanceof Float32Array) && !(a instanceof Float64Array) && !(a instanceof Int32Array)) {
    throw new Error(`native.${op}: ${name} must be a Float32Array, Float64Array${int64 ? ", Int32Array or BigInt64Array" : " or Int32Array"}`);
  }
}

/** Throws when two of the arrays' spans share memory (an output with an input or another output). */
function checkApart(op: string, arrays: readonly (readonly [string, TypedView, Span])[]): void {
  for (let i = 0; i < arrays.length; i++) {
    for (let j = i + 1; j < arrays.length; j++) {
      const [na, a, sa] = arrays[i]!, [nb, b, sb] = arrays[j]!;
      if (overlaps(a, sa, b, sb)) throw new Error(`native.${op}: ${na} and ${nb} overlap`);
    }
  }
}

/** Offsets of selectAlong/sortAlong's arrays (elements from the start of each array). */
export interface AlongOffsets { x?: number; values?: number; indices?: number }

/**
 * The checks selectAlong and sortAlong share: x's and the outputs' types, [outer, size, inner] as
 * counts, and x ([outer, size, inner]), values and indices ([outer, perLine, inner]) in range and
 * apart. Returns the offsets.
 */
function checkAlong<T extends SortArray>(
  op: string, x: T, values: T | null, indices: BigInt64Array, [outer, size, inner]: readonly [number, number, number], perLine: number, offsets: AlongOffsets,
): { xOff: number; vOff: number; iOff: number } {
  checkSelectArray(op, "x", x, op === "sortAlong");
  if (values !== null && values.constructor !== x.constructor) throw new Error(`native.${op}: values must be a ${x.constructor.name} like x, got ${values.constructor.name}`);
  if (!(indices instanceof BigInt64Array)) throw new Error(`native.${op}: indices must be a BigInt64Array`);
  checkCount(op, "outer", outer);
  checkCount(op, "size", size);
  checkCount(op, "inner", inner);
  const lines = outer * inner;
  if (size > 2 ** 53 / Math.max(lines, 1)) throw new Error(`native.${op}: [${outer}, ${size}, ${inner}] has too many elements`);
  const xOff = offsets.x ?? 0, vOff = offsets.values ?? 0, iOff = offsets.indices ?? 0;
  const rx = checkRange(op, "x", x, xOff, lines * size);
  const rv = values === null ? null : checkRange(op, "values", values, vOff, lines * perLine);
  const ri = checkRange(op, "indices", indices, iOff, lines * perLine);
  checkApart(op, [["x", x, rx], ["values", values ?? x, rv], ["indices", indices, ri]]);
  return { xOff, vOff, iOff };
}

/**
 * indices[o, i] = the r < size where x[o, r, i] is largest (isMax) or smallest, the first of
 * equal values, a NaN counting as larger and smaller than every number (its first index wins);
 * values[o, i] = x[o, r, i] when values is given. size >= 1 unless outer * inner = 0.
 */
export function selectAlong<T extends SelectArray>(
  isMax: boolean, x: T, values: T | null, indices: BigInt64Array, outer: number, size: number, inner: number, offsets: AlongOffsets = {},
): void {
  const op = "selectAlong";
  const native = indexOps(op);
  const n = outer * inner;
  if (size === 0 && n > 0) throw new Error(`native.${op}: cannot reduce a dim of size 0`);
  const { xOff, vOff, iOff } = checkAlong(op, x, values, indices, [outer, size, inner], 1, offsets);
  if (n === 0) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = vOff; ARGS[5] = iOff;
  native.selectAlong(isMax, x, values, indices, ARGS);
}

/**
 * out[o, i] = log(sum over r < size of exp(x[o, r, i])) as max + log(sum exp(x - max)) (sums in
 * double): NaN if any value is NaN, else +inf if any is +inf, -inf when all are -inf (or size 0).
 */
export function logsumexpAlong<T extends FloatArray>(x: T, out: T, outer: number, size: number, inner: number, xOff = 0, outOff = 0): void {
  const op = "logsumexpAlong";
  const native = indexOps(op);
  checkArray(op, "out", out);
  checkSameDtype(op, out, "x", x);
  checkCount(op, "outer", outer);
  checkCount(op, "size", size);
  checkCount(op, "inner", inner);
  const n = outer * inner;
  if (size > 2 ** 53 / Math.max(n, 1)) throw new Error(`native.${op}: [${outer}, ${size}, ${inner}] has too many elements`);
  const rx = checkRange(op, "x", x, xOff, n * size);
  const ro = checkRange(op, "out", out, outOff, n);
  checkApart(op, [["x", x, rx], ["out", out, ro]]);
  if (n === 0) return;
  ARGS[0] = outer; ARGS[1] = size; ARGS[2] = inner; ARGS[3] = xOff; ARGS[4] = outOff;
  native.logsumexpAlong(x, out, ARGS);
}

/**
 * For each line (o, i) along the middle dim: the first k of its stable order into values[o, j, i]
 * and indices[o, j, i] (j < k), outputs contiguous [outer, k, inner]. Ascending puts NaN last,
 * descending first; -0 ties with 0; ties keep input order (torch.sort(stable=True)). values may
 * be null (argsort). n < 2^32. int64 (BigInt64Array) is ordered exactly.
 */
export function sortAlong<T extends SortArray>(
  descending: boolean, x: T, values: T | null, indices: BigInt64Array, outer: number, n: number, inner: number, k: number, offsets: AlongOffsets = {},
): void {
  const op = "sortAlong";
  const native = indexOps(op);
  checkCount(op, "k", k);
  if (k > n) throw new Error(`native.${op}: k (${k}) exceeds the line length ${n}`);
  if (n >= 2 ** 32) throw new Error(`native.${op}: lines of ${n} elements are too long (at most 2^32 - 1)`);
  const lines = outer * inner;
  const { xOff, vOff, iOff } = checkAlong(op, x, values, indices, [outer, n, inner], k, offsets);
  if (lines * k === 0) return;
  ARGS[0] = outer; ARGS[1] = n; ARGS[2] = inner; ARGS[3] = k; ARGS[4] = xOff; ARGS[5] = vOff; ARGS[6] = iOff;
  native.sortAlong(descending, x, values, indices, ARGS);
}
