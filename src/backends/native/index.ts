// Loader and typed wrappers of the native addon (C++ sources in native/, built by `npm install`
// into build/Release/torch_ts_native.node). Where the addon is missing or TORCH_TS_BACKEND=js,
// isAvailable() is false and the JS kernels run.
//
// The addon computes in place on the memory of the typed arrays it is given and checks nothing
// itself, so every wrapper here checks dtypes, sizes, strides, offsets and the highest index
// touched in each array before calling it: bad input throws an Error and never reaches C++.
// Offsets count elements from the start of the typed array as given (a subarray view's own
// byteOffset is honoured too).

import type { Gemm } from "../kernels.js";

export type FloatArray = Float32Array | Float64Array;

/** The instruction sets with their own kernels. */
export type Isa = "avx512" | "avx2" | "scalar";

export type UnaryOp =
  | "neg" | "abs" | "sqrt" | "rsqrt" | "reciprocal" | "square" | "exp" | "log" | "tanh"
  | "sigmoid" | "relu" | "silu" | "floor" | "ceil" | "trunc" | "round" | "sign" | "expm1"
  | "log1p" | "sin" | "cos" | "erf" | "gelu" | "log2" | "exp2";

export type BinaryOp = "add" | "sub" | "mul" | "div" | "maximum" | "minimum";

export type ReduceOp = "sum" | "mean" | "max" | "min";

// Numeric codes of the ops: the order of the enums in native/elementwise.h.
const UNARY_CODES: Readonly<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, rsqrt: 3, reciprocal: 4, square: 5, exp: 6, log: 7, tanh: 8,
  sigmoid: 9, relu: 10, silu: 11, floor: 12, ceil: 13, trunc: 14, round: 15, sign: 16,
  expm1: 17, log1p: 18, sin: 19, cos: 20, erf: 21, gelu: 22, log2: 23, exp2: 24,
};
const BINARY_CODES: Readonly<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5,
};
const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, mean: 1, max: 2, min: 3 };

/** Most dims binary() takes (native/elementwise.h kMaxDims). */
export const MAX_DIMS = 16;

interface Addon {
  gemm(a: FloatArray, b: FloatArray, c: FloatArray, args: Float64Array): void;
  unary(op: number, x: FloatArray, y: FloatArray, args: Float64Array): void;
  binary(op: number, a: FloatArray, b: FloatArray, out: FloatArray, args: Float64Array): void;
  reduce(op: number, x: FloatArray, out: FloatArray, args: Float64Array): void;
  softmax(log: boolean, x: FloatArray, y: FloatArray, args: Float64Array): void;
  adam(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, args: Float64Array): void;
  sgd(p: FloatArray, g: FloatArray, buf: FloatArray | null, args: Float64Array): void;
  tuneMalloc(): boolean;
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
    const nodeModule = process.getBuiltinModule?.("node:module") as NodeModule | undefined;
    if (!nodeModule) return null;
    // src/backends/native/ and dist/backends/native/ both sit three levels below the package root.
    const require = nodeModule.createRequire(import.meta.url);
    return require("../../../build/Release/torch_ts_native.node") as Addon;
  } catch {
    return null;
  }
}

const addon: Addon | null = load();

/** Whether glibc's malloc was told to keep freed tensor memory for reuse (see native/addon.cc). */
export const mallocTuned: boolean = addon !== null && process.env["TORCH_TS_MALLOC_TUNING"] !== "0" && addon.tuneMalloc();

/** Whether the native addon is built and loaded (false under TORCH_TS_BACKEND=js). */
export function isAvailable(): boolean {
  return addon !== null;
}

function lib(op: string): Addon {
  if (addon === null) {
    const where = typeof process === "undefined" ? " (it is a Node.js addon; in a browser the JS kernels run)" : "";
    throw new Error(`native.${op}: the native addon is not available${where}`);
  }
  return addon;
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
const ARGS = new Float64Array(4 + 3 * MAX_DIMS);

// ---------------------------------------------------------------------------------------------
// Checks

function checkCount(op: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`native.${op}: ${name} must be a non-negative integer, got ${v}`);
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
type Span = readonly [number, number] | null;

function spanError(op: string, name: string, a: FloatArray, offset: number, sizes: readonly number[], strides: readonly number[], last: number): Error {
  return new Error(
    `native.${op}: ${name} of sizes [${sizes.join(", ")}] with strides [${strides.join(", ")}] and offset ${offset} ` +
      `reaches element ${last}, past its length ${a.length}`,
  );
}

/**
 * Checks that every index offset + sum_d i_d * strides[d] (0 <= i_d < sizes[d]) lies inside `a`
 * and returns the span touched.
 */
function checkSpan(
  op: string, name: string, a: FloatArray, offset: number, sizes: readonly number[], strides: readonly number[],
): Span {
  checkCount(op, `${name} offset`, offset);
  let last = offset, empty = false;
  for (let d = 0; d < sizes.length; d++) {
    const size = sizes[d]!, stride = strides[d]!;
    checkCount(op, `${name} stride`, stride);
    if (size === 0) empty = true;
    last += (size - 1) * stride;
  }
  if (empty) return null;
  if (!Number.isSafeInteger(last) || last >= a.length) throw spanError(op, name, a, offset, sizes, strides, last);
  return [offset, last];
}

/** checkSpan for `n` contiguous elements. */
function checkRange(op: string, name: string, a: FloatArray, offset: number, n: number): Span {
  checkCount(op, `${name} offset`, offset);
  if (n === 0) return null;
  if (offset + n > a.length) throw spanError(op, name, a, offset, [n], [1], offset + n - 1);
  return [offset, offset + n - 1];
}

/** checkSpan for a (batch x rows x cols) strided matrix stack. */
function checkMatrices(
  op: string, name: string, a: FloatArray, offset: number,
  batch: number, rows: number, cols: number, batchStride: number, rowStride: number, colStride: number,
): Span {
  checkCount(op, `${name} offset`, offset);
  checkCount(op, `${name} batch stride`, batchStride);
  checkCount(op, `${name} row stride`, rowStride);
  checkCount(op, `${name} column stride`, colStride);
  if (batch === 0 || rows === 0 || cols === 0) return null;
  const last = offset + (batch - 1) * batchStride + (rows - 1) * rowStride + (cols - 1) * colStride;
  if (!Number.isSafeInteger(last) || last >= a.length) {
    throw spanError(op, name, a, offset, [batch, rows, cols], [batchStride, rowStride, colStride], last);
  }
  return [offset, last];
}

/** Whether the elements spanned in a and in b share memory. */
function overlaps(a: FloatArray, sa: Span, b: FloatArray, sb: Span): boolean {
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
  /** One per dim of the shape; 0 broadcasts along that dim. */
  readonly strides: readonly number[];
}

/**
 * out (contiguous, row-major over `shape`, starting at outOff) = op(a, b), elementwise, with a and
 * b read through their own strides (0 = broadcast). out may be a or b itself (same start and
 * contiguous strides) but must not otherwise overlap them. Up to MAX_DIMS dims.
 */
export function binary<T extends FloatArray>(
  op: BinaryOp, shape: readonly number[], a: StridedOperand<T>, b: StridedOperand<T>, out: T, outOff = 0,
): void {
  const name = "binary";
  const native = lib(name);
  const code = BINARY_CODES[op];
  if (code === undefined) throw new Error(`native.${name}: unknown op ${String(op)}`);
  const nd = shape.length;
  if (nd > MAX_DIMS) throw new Error(`native.${name}: at most ${MAX_DIMS} dims are supported, got ${nd}`);
  if (a.strides.length !== nd || b.strides.length !== nd) {
    throw new Error(`native.${name}: expected ${nd} strides per operand for shape [${shape.join(", ")}], got ${a.strides.length} and ${b.strides.length}`);
  }
  checkArray(name, "out", out);
  checkSameDtype(name, out, "a", a.data);
  checkSameDtype(name, out, "b", b.data);
  for (const s of shape) checkCount(name, "shape", s);
  const aOff = a.offset ?? 0, bOff = b.offset ?? 0;
  const contiguous: number[] = new Array<number>(nd);
  let numel = 1;
  for (let d = nd - 1; d >= 0; d--) {
    contiguous[d] = numel;
    numel *= shape[d]!;
  }
  const so = checkSpan(name, "out", out, outOff, shape, contiguous);
  const sa = checkSpan(name, "a", a.data, aOff, shape, a.strides);
  const sb = checkSpan(name, "b", b.data, bOff, shape, b.strides);
  if (so === null) return;
  for (const [x, sx, xOff, label] of [[a, sa, aOff, "a"], [b, sb, bOff, "b"]] as const) {
    if (!overlaps(out, so, x.data, sx)) continue;
    const exact = sameStart(out, outOff, x.data, xOff) && shape.every((s, d) => s === 1 || x.strides[d] === contiguous[d]);
    if (!exact) throw new Error(`native.${name}: out overlaps ${label} other than as the very same elements`);
  }
  const p = ARGS;
  p[0] = nd; p[1] = aOff; p[2] = bOff; p[3] = outOff;
  for (let d = 0; d < nd; d++) {
    p[4 + d] = shape[d]!;
    p[4 + nd + d] = a.strides[d]!;
    p[4 + 2 * nd + d] = b.strides[d]!;
  }
  native.binary(code, a.data, b.data, out, p);
}

// ---------------------------------------------------------------------------------------------
// Reductions and softmax

/**
 * Reduces x, viewed as contiguous [outer, size, inner] from xOff, over its middle dim into out
 * (contiguous [outer, inner] from outOff). Sums accumulate in double; max/min propagate NaN.
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
