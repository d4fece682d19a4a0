// The FFT kernels of the kernel table (../kernels.ts) in JS: the transforms of fft.ts and
// fft-real.ts over every line along the middle dim of contiguous [outer, n, inner] views (line
// (o, i) starts at o·n·inner + i, its elements `inner` apart), scaled by `scale`. Each line is
// computed in float64 and rounded once to the destination. The native addon's fftC2C/fftR2C/
// fftC2R (src/backends/native/fft.ts) replace them with the same signatures.

import { type FloatArray, fftc2c } from "./fft.js";
import { fftc2r, fftr2c } from "./fft-real.js";

function forEachLine(outer: number, n: number, inner: number, f: (base: number) => void): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * n * inner + i);
}

/** Interleaved line scratch, reused while long enough. */
let scratch = new Float64Array(0);
function lineScratch(numbers: number): Float64Array {
  if (scratch.length < numbers) scratch = new Float64Array(numbers);
  return scratch;
}

/**
 * dst = scale · DFT(src) along the middle dim (e^{-2πi·jk/n}, or e^{+…} for `inverse`), for
 * interleaved complex arrays; offsets count complex elements. dst may be src itself.
 */
export function fftC2CLines(
  src: FloatArray, srcOffset: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, inverse: boolean, scale: number,
): void {
  const line = lineScratch(2 * n);
  forEachLine(outer, n, inner, (base) => {
    fftc2c(src, srcOffset + base, inner, line, 0, 1, n, inverse);
    for (let k = 0; k < n; k++) {
      const at = 2 * (dstOffset + base + k * inner);
      dst[at] = line[2 * k]! * scale;
      dst[at + 1] = line[2 * k + 1]! * scale;
    }
  });
}

/**
 * Real src [outer, n, inner] (offset in real elements) -> complex dst [outer, outLength, inner]
 * (offset in complex elements): the first outLength coefficients of each line's forward
 * transform, scaled.
 */
export function fftR2CLines(
  src: FloatArray, srcOffset: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, outLength: number, scale: number,
): void {
  const line = lineScratch(2 * outLength);
  forEachLine(outer, n, inner, (base) => {
    fftr2c(src, srcOffset + base, inner, line, 0, 1, n, outLength, false);
    const o = Math.floor(base / (n * inner)), i = base % inner;
    const out = dstOffset + o * outLength * inner + i;
    for (let k = 0; k < outLength; k++) {
      dst[2 * (out + k * inner)] = line[2 * k]! * scale;
      dst[2 * (out + k * inner) + 1] = line[2 * k + 1]! * scale;
    }
  });
}

/**
 * Complex src [outer, inLength, inner] holding the leading entries of Hermitian spectra (offset
 * in complex elements) -> real dst [outer, n, inner] (offset in real elements): each line's
 * inverse-sign transform, scaled (the imaginary parts of X_0 and X_{n/2} ignored, as pocketfft).
 */
export function fftC2RLines(
  src: FloatArray, srcOffset: number, inLength: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, scale: number,
): void {
  const line = lineScratch(n);
  forEachLine(outer, n, inner, (base) => {
    const o = Math.floor(base / (n * inner)), i = base % inner;
    fftc2r(src, srcOffset + o * inLength * inner + i, inner, inLength, line, 0, 1, n, true);
    for (let j = 0; j < n; j++) dst[dstOffset + base + j * inner] = line[j]! * scale;
  });
}

/**
 * stft's transforms without the frames' copy: line (b, f) is the real frame
 * src[srcOffset + b·signalStride + f·hop + j]·window[j] (j < n; no window: 1), and its first
 * outLength coefficients, scaled, go to row b·frames + f of the complex dst [batch·frames,
 * outLength] (offset in complex elements). Each product is rounded to src's dtype first, as
 * frames.mul(window) would.
 */
export function fftR2CFrames(
  src: FloatArray, srcOffset: number, batch: number, signalStride: number, frames: number, hop: number, n: number,
  window: FloatArray | null, dst: FloatArray, dstOffset: number, outLength: number, scale: number,
): void {
  const frame = src instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < frames; f++) {
      const at = srcOffset + b * signalStride + f * hop;
      for (let j = 0; j < n; j++) frame[j] = window === null ? src[at + j]! : src[at + j]! * window[j]!;
      fftR2CLines(frame, 0, dst, dstOffset + (b * frames + f) * outLength, 1, n, 1, outLength, scale);
    }
  }
}
