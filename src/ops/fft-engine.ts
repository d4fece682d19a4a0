// ATen's three FFT primitives (_fft_c2c, _fft_r2c, _fft_c2r) over the kernel table's FFT kernels
// (the native addon's, or the JS kernel of backends/js/fft-lines.ts), with their gradients
// (FftC2CBackward0, FftR2CBackward0, FftC2RBackward0) written in public ops, so double backward
// works. Every torch.fft function and torch.stft / istft is a composite over these. The kernels
// transform the tensors' own buffers, one dim at a time: the first pass reads the input and writes
// the output, later dims run in place, and the last one applies the norm's scale.

import { Tensor } from "../core/tensor.js";
import type { ComplexStorage } from "../core/storage.js";
import { complexOf, realOf } from "../core/dtype.js";
import { record } from "../autograd/record.js";
import { kernels, type FloatArray } from "../backends/kernels.js";
import { readable, uninitTensor } from "./engine.js";
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

/** A contiguous tensor's numbers and where its first element starts (in elements of its dtype). */
function buffer(x: Tensor): { data: FloatArray; offset: number } {
  if (x.storage._physical !== null) x = readable(x); // a conjugate view: its own elements resolved
  const data = x.dtype.isComplex ? (x.storage as ComplexStorage).pairs : (x.storage.data as FloatArray);
  return { data, offset: x.storageOffset() };
}

/** [outer, n, inner] of a contiguous row-major `shape` around `dim`. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  return [product(shape.slice(0, dim)), shape[dim]!, product(shape.slice(dim + 1))];
}

/**
 * Complex transforms of contiguous `src` into `dst` (same shape, a fresh tensor) along each of
 * `dims`: the first reads src, the others run in place on dst; the last applies `scale`. With no
 * dims dst gets src's values times `scale`.
 */
function c2cAlong(src: Tensor, dst: Tensor, dims: readonly number[], forward: boolean, scale: number): void {
  const shape = dst.shape;
  if (product(shape) === 0) return;
  const from = buffer(src), to = buffer(dst);
  if (dims.length === 0) {
    for (let i = 0; i < 2 * product(shape); i++) to.data[2 * to.offset + i] = from.data[2 * from.offset + i]! * scale;
    return;
  }
  dims.forEach((d, t) => {
    const [outer, n, inner] = around(shape, d);
    const input = t === 0 ? from : to;
    kernels.fftC2C(input.data, input.offset, to.data, to.offset, outer, n, inner, !forward, t === dims.length - 1 ? scale : 1);
  });
}

/** torch._fft_c2c(x, dim, normalization, forward): a complex transform over `dims` (sizes kept). */
export function fftC2C(x: Tensor, dims: readonly number[], normalization: FftNormalization, forward: boolean): Tensor {
  const shape = x.shape;
  const out = uninitTensor(shape, x.dtype);
  c2cAlong(x.contiguous(), out, dims, forward, normScale(normalization, product(dims.map((d) => shape[d]!))));
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
  const out = uninitTensor(outShape, complexOf(x.dtype));
  const scale = normScale(normalization, product(dims.map((d) => shape[d]!)));
  if (product(outShape) > 0) {
    const from = buffer(x.contiguous()), to = buffer(out);
    const [outer, , inner] = around(shape, last);
    const rest = dims.slice(0, -1);
    kernels.fftR2C(from.data, from.offset, to.data, to.offset, outer, n, inner, outLength, rest.length === 0 ? scale : 1);
    if (rest.length > 0) c2cAlong(out, out, rest, true, scale);
  }
  return record("FftR2CBackward0", [x], out, ([g]) => [fftR2CBackward(g!, dims, normalization, onesided, n)]);
}

/**
 * stft's spectrum of a real contiguous [B, length] signal without autograd: the one-sided (or
 * full) transform of every frame signal[b, f·hop .. f·hop + n) times the window (null: none, else
 * of the signal's dtype), as [B, frames, outLength], read straight from the signal instead of a
 * windowed copy of its frames. fftR2C over frames.mul(window) gives the same values.
 */
export function fftR2CFrames(signal: Tensor, n: number, hop: number, window: Tensor | null, normalization: FftNormalization, onesided: boolean): Tensor {
  const [batch, length] = signal.shape as [number, number];
  const frames = Math.floor((length - n) / hop) + 1;
  const outLength = onesided ? Math.floor(n / 2) + 1 : n;
  const out = uninitTensor([batch, frames, outLength], complexOf(signal.dtype));
  if (batch * frames * outLength > 0) {
    const from = buffer(signal.contiguous()), to = buffer(out);
    const w = window === null ? null : buffer(window.contiguous());
    const weights = w === null ? null : w.offset === 0 ? w.data : w.data.subarray(w.offset, w.offset + n);
    kernels.fftR2CFrames(from.data, from.offset, batch, length, frames, hop, n, weights, to.data, to.offset, outLength, normScale(normalization, n));
  }
  return out;
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
  const rest = dims.slice(0, -1);
  let spectrum = x.contiguous();
  if (rest.length > 0) {
    const work = uninitTensor(shape, x.dtype);
    c2cAlong(spectrum, work, rest, false, 1);
    spectrum = work;
  }
  const outShape = shape.slice();
  outShape[last] = lastDimSize;
  const out = uninitTensor(outShape, realOf(x.dtype));
  if (product(outShape) > 0) {
    const from = buffer(spectrum), to = buffer(out);
    const [outer, , inner] = around(shape, last);
    const scale = normScale(normalization, product(dims.map((d) => outShape[d]!)));
    kernels.fftC2R(from.data, from.offset, inLength, to.data, to.offset, outer, lastDimSize, inner, scale);
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
