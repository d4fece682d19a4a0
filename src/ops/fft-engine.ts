// ATen's three FFT primitives (_fft_c2c, _fft_r2c, _fft_c2r) over the JS kernel of
// backends/js/fft.ts, with their gradients (FftC2CBackward0, FftR2CBackward0, FftC2RBackward0)
// written in public ops, so double backward works. Every torch.fft function and torch.stft /
// istft is a composite over these. Values are computed in float64 and rounded once at the end
// for complex64/float32 results.

import { Tensor } from "../core/tensor.js";
import type { ComplexStorage } from "../core/storage.js";
import { type DType, complexOf, realOf } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { fftc2c } from "../backends/js/fft.js";
import { fftc2r, fftr2c } from "../backends/js/fft-real.js";
import { emptyTensor } from "./engine.js";
import { constantPad } from "../nn/functional/padding-ops.js";
import { tensor } from "./creation.js";
import { throughRealView } from "./complex-parts.js";
import { real } from "./conjugation.js";

/** ATen's fft_norm_mode: no scaling, 1/√n, 1/n (n: the signal's element count). */
export type FftNormalization = "none" | "by_root_n" | "by_n";

function normScale(normalization: FftNormalization, signalNumel: number): number {
  return normalization === "none" ? 1 : normalization === "by_n" ? 1 / signalNumel : 1 / Math.sqrt(signalNumel);
}

function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}

/** A complex tensor's values, contiguous and interleaved, as a fresh float64 working copy. */
function complexValues(x: Tensor): Float64Array {
  const c = x.contiguous();
  const pairs = (c.storage as ComplexStorage).pairs;
  const from = 2 * c.storageOffset();
  const work = new Float64Array(2 * c.numel());
  work.set(pairs.subarray(from, from + work.length));
  return work;
}

/** A real tensor's values, contiguous (the array and where they start). */
function realValues(x: Tensor): { values: Float32Array | Float64Array; offset: number } {
  const c = x.contiguous();
  return { values: c.storage.data as Float32Array | Float64Array, offset: c.storageOffset() };
}

function complexResult(shape: readonly number[], dtype: DType, values: Float64Array, scale: number): Tensor {
  const out = emptyTensor(shape, dtype);
  const pairs = (out.storage as ComplexStorage).pairs;
  if (scale === 1) pairs.set(values);
  else for (let i = 0; i < values.length; i++) pairs[i] = values[i]! * scale;
  return out;
}

/**
 * Calls `f(base, stride)` for every line along `dim` of a contiguous row-major `shape`: `base` is
 * the line's first element, `stride` the distance between its elements.
 */
function forEachLine(shape: readonly number[], dim: number, f: (base: number, outer: number, inner: number) => void): void {
  const inner = product(shape.slice(dim + 1));
  const outer = product(shape.slice(0, dim));
  const n = shape[dim]!;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * n * inner + i, o, i);
}

/** In-place complex transforms of a contiguous interleaved array along each of `dims`. */
function c2cAlong(work: Float64Array, shape: readonly number[], dims: readonly number[], forward: boolean): void {
  if (product(shape) === 0) return;
  for (const d of dims) {
    const stride = product(shape.slice(d + 1));
    const n = shape[d]!;
    forEachLine(shape, d, (base) => fftc2c(work, base, stride, work, base, stride, n, !forward));
  }
}

/** torch._fft_c2c(x, dim, normalization, forward): a complex transform over `dims` (sizes kept). */
export function fftC2C(x: Tensor, dims: readonly number[], normalization: FftNormalization, forward: boolean): Tensor {
  const shape = x.shape;
  const work = complexValues(x);
  c2cAlong(work, shape, dims, forward);
  const out = complexResult(shape, x.dtype, work, normScale(normalization, product(dims.map((d) => shape[d]!))));
  return record("FftC2CBackward0", [x], out, ([g]) => [fftC2C(g!, dims, normalization, !forward)]);
}

/**
 * torch._fft_r2c(x, dim, normalization, onesided): the transform of a real float tensor over
 * `dims` (forward sign); the last of them keeps n/2+1 coefficients when `onesided`.
 */
export function fftR2C(x: Tensor, dims: readonly number[], normalization: FftNormalization, onesided: boolean): Tensor {
  const shape = x.shape;
  const last = dims[dims.length - 1]!;
  const n = shape[last]!;
  const outLength = onesided ? Math.floor(n / 2) + 1 : n;
  const outShape = shape.slice();
  outShape[last] = outLength;
  const work = new Float64Array(2 * product(outShape));
  if (work.length > 0) {
    const { values, offset } = realValues(x);
    const inner = product(shape.slice(last + 1));
    forEachLine(shape, last, (base, o, i) => {
      fftr2c(values, offset + base, inner, work, o * outLength * inner + i, inner, n, outLength, false);
    });
  }
  c2cAlong(work, outShape, dims.slice(0, -1), true);
  const scale = normScale(normalization, product(dims.map((d) => shape[d]!)));
  const out = complexResult(outShape, complexOf(x.dtype), work, scale);
  return record("FftR2CBackward0", [x], out, ([g]) => [fftR2CBackward(g!, dims, normalization, onesided, n)]);
}

/**
 * torch._fft_c2r(x, dim, normalization, last_dim_size): the real signal of a Hermitian spectrum
 * (inverse sign): complex transforms over all but the last of `dims`, then the one-sided
 * complex-to-real transform of length `lastDimSize` along the last (which reads its first
 * lastDimSize/2+1 entries and ignores the imaginary parts of the first and, for even sizes, the
 * Nyquist entry, as pocketfft).
 */
export function fftC2R(x: Tensor, dims: readonly number[], normalization: FftNormalization, lastDimSize: number): Tensor {
  const shape = x.shape;
  const last = dims[dims.length - 1]!;
  const inLength = shape[last]!;
  const work = complexValues(x);
  c2cAlong(work, shape, dims.slice(0, -1), false);
  const outShape = shape.slice();
  outShape[last] = lastDimSize;
  const out = emptyTensor(outShape, realOf(x.dtype));
  const values = out.storage.data as Float32Array | Float64Array;
  if (values.length > 0) {
    const inner = product(shape.slice(last + 1));
    const signal = new Float64Array(values.length);
    forEachLine(shape, last, (base, o, i) => {
      fftc2r(work, base, inner, inLength, signal, o * lastDimSize * inner + i, inner, lastDimSize, true);
    });
    const scale = normScale(normalization, product(dims.map((d) => outShape[d]!)));
    for (let k = 0; k < signal.length; k++) values[k] = signal[k]! * scale;
  }
  return record("FftC2RBackward0", [x], out, ([g]) => [fftC2RBackward(g!, dims, normalization)]);
}

/** Zeros appended to a complex tensor along `dim` (through its real view, where padding exists). */
export function padComplexEnd(z: Tensor, dim: number, count: number): Tensor {
  const pad = new Array<number>(2 * (z.dim() - dim + 1)).fill(0);
  pad[pad.length - 1] = count;
  return throughRealView(z, (r) => constantPad(r, pad, 0));
}

/**
 * FunctionsManual's fft_r2c_backward: the one-sided transform dropped the upper half of the
 * last dim, so its adjoint pads that half with zeros, runs the inverse complex transform (same
 * scaling) and keeps the real part.
 */
function fftR2CBackward(g: Tensor, dims: readonly number[], normalization: FftNormalization, onesided: boolean, lastDimSize: number): Tensor {
  const last = dims[dims.length - 1]!;
  const missing = lastDimSize - g.shape[last]!;
  const full = onesided && missing > 0 ? padComplexEnd(g, last, missing) : g;
  return real(fftC2C(full, dims, normalization, false));
}

/**
 * FunctionsManual's fft_c2r_backward: the one-sided forward transform of the gradient, where the
 * entries 1 .. n - (n/2+1) along the last dim, which also stand for their mirrored partners,
 * count twice.
 */
function fftC2RBackward(g: Tensor, dims: readonly number[], normalization: FftNormalization): Tensor {
  const gI = fftR2C(g, dims, normalization, true);
  const last = dims[dims.length - 1]!;
  const half = gI.shape[last]!;
  const doubled = g.shape[last]! - half;
  if (doubled <= 0) return gI;
  const weights = Array.from({ length: half }, (_, k) => (k >= 1 && k <= doubled ? 2 : 1));
  // Broadcast along `last` of the real view [..., 2].
  const shape = [half, ...new Array<number>(gI.dim() - last).fill(1)];
  const w = tensor(weights, { dtype: realOf(gI.dtype) }).reshape(shape);
  return throughRealView(gI, (r) => r.mul(w));
}
