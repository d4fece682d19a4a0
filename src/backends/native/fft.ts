// Checked wrappers of the addon's FFT kernels (native/fft.h): the signatures of
// src/backends/js/fft-lines.ts, which they replace in the kernel table (../kernels.ts). The addon
// checks nothing, so every count, offset and the span each array is read or written over is
// checked here first.

import { addonAs, checkCount, checkSpan, overlaps, type FloatArray, type Span } from "./index.js";

interface FftAddon {
  fftC2C(src: FloatArray, dst: FloatArray, args: Float64Array): void;
  fftR2C(src: FloatArray, dst: FloatArray, window: FloatArray | null, args: Float64Array): void;
  fftC2R(src: FloatArray, dst: FloatArray, args: Float64Array): void;
  fftAlgorithm(n: number): string;
}

const ARGS = new Float64Array(11);

function checkFloats(op: string, src: FloatArray, other: FloatArray, otherName = "dst"): void {
  for (const [name, a] of [["src", src], [otherName, other]] as const) {
    if (!(a instanceof Float32Array) && !(a instanceof Float64Array)) throw new Error(`native.${op}: ${name} must be a Float32Array or Float64Array`);
  }
  if (src.constructor !== other.constructor) {
    throw new Error(`native.${op}: expected ${otherName} to be a ${src.constructor.name} like src, got ${other.constructor.name}`);
  }
}

function checkLength(op: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`native.${op}: the transform length must be a positive integer, got ${n}`);
}

function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [name, v] of Object.entries(sizes)) checkCount(op, name, v);
}

/** The numbers of `count` elements of `width` numbers from element `offset` (null: none). */
function numbers(op: string, name: string, a: FloatArray, offset: number, count: number, width: 1 | 2): Span {
  checkCount(op, `${name} offset`, offset);
  return checkSpan(op, name, a, width * offset, [width * count], [1]);
}

/** The JS kernel's fftC2CLines, natively: dst must be src itself (same start) or disjoint from it. */
export function fftC2CLines(
  src: FloatArray, srcOffset: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, inverse: boolean, scale: number,
): void {
  const op = "fftC2C";
  checkFloats(op, src, dst);
  checkLength(op, n);
  checkSizes(op, { outer, inner });
  const count = outer * n * inner;
  const ss = numbers(op, "src", src, srcOffset, count, 2);
  const sd = numbers(op, "dst", dst, dstOffset, count, 2);
  if (ss === null) return;
  const same = src.buffer === dst.buffer && src.byteOffset + 2 * srcOffset * src.BYTES_PER_ELEMENT === dst.byteOffset + 2 * dstOffset * dst.BYTES_PER_ELEMENT;
  if (!same && overlaps(src, ss, dst, sd)) throw new Error(`native.${op}: dst overlaps src without being src itself`);
  ARGS[0] = srcOffset; ARGS[1] = dstOffset; ARGS[2] = outer; ARGS[3] = n; ARGS[4] = inner; ARGS[5] = inverse ? 1 : 0; ARGS[6] = scale;
  addonAs<FftAddon>(op).fftC2C(src, dst, ARGS);
}

/** The JS kernel's fftR2CLines, natively (src and dst disjoint). */
export function fftR2CLines(
  src: FloatArray, srcOffset: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, outLength: number, scale: number,
): void {
  const op = "fftR2C";
  checkFloats(op, src, dst);
  checkLength(op, n);
  checkSizes(op, { outer, inner, outLength });
  if (outLength > n) throw new Error(`native.${op}: outLength must be in [0, ${n}], got ${outLength}`);
  const ss = numbers(op, "src", src, srcOffset, outer * n * inner, 1);
  const sd = numbers(op, "dst", dst, dstOffset, outer * outLength * inner, 2);
  if (ss === null || sd === null) return;
  if (overlaps(src, ss, dst, sd)) throw new Error(`native.${op}: dst overlaps src`);
  ARGS[0] = srcOffset; ARGS[1] = dstOffset; ARGS[2] = outer; ARGS[3] = n; ARGS[4] = inner; ARGS[5] = outLength; ARGS[6] = scale;
  ARGS[7] = inner; ARGS[8] = n * inner; ARGS[9] = 1; ARGS[10] = inner;
  addonAs<FftAddon>(op).fftR2C(src, dst, null, ARGS);
}

/** The JS kernel's fftR2CFrames, natively (src, window and dst of one dtype; dst disjoint from both). */
export function fftR2CFrames(
  src: FloatArray, srcOffset: number, batch: number, signalStride: number, frames: number, hop: number, n: number,
  window: FloatArray | null, dst: FloatArray, dstOffset: number, outLength: number, scale: number,
): void {
  const op = "fftR2CFrames";
  checkFloats(op, src, dst);
  checkLength(op, n);
  checkSizes(op, { batch, signalStride, frames, hop, outLength });
  if (outLength > n) throw new Error(`native.${op}: outLength must be in [0, ${n}], got ${outLength}`);
  const ss = checkSpan(op, "src", src, srcOffset, [batch, frames, n], [signalStride, hop, 1]);
  const sd = numbers(op, "dst", dst, dstOffset, batch * frames * outLength, 2);
  if (ss === null || sd === null) return;
  if (overlaps(src, ss, dst, sd)) throw new Error(`native.${op}: dst overlaps src`);
  if (window !== null) {
    checkFloats(op, src, window, "window");
    const sw = numbers(op, "window", window, 0, n, 1);
    if (overlaps(window, sw, dst, sd)) throw new Error(`native.${op}: dst overlaps the window`);
  }
  ARGS[0] = srcOffset; ARGS[1] = dstOffset; ARGS[2] = batch * frames; ARGS[3] = n; ARGS[4] = 1; ARGS[5] = outLength; ARGS[6] = scale;
  ARGS[7] = frames; ARGS[8] = signalStride; ARGS[9] = hop; ARGS[10] = 1;
  addonAs<FftAddon>(op).fftR2C(src, dst, window, ARGS);
}

/** The JS kernel's fftC2RLines, natively (src and dst disjoint). */
export function fftC2RLines(
  src: FloatArray, srcOffset: number, inLength: number, dst: FloatArray, dstOffset: number,
  outer: number, n: number, inner: number, scale: number,
): void {
  const op = "fftC2R";
  checkFloats(op, src, dst);
  checkLength(op, n);
  checkSizes(op, { outer, inner, inLength });
  const ss = numbers(op, "src", src, srcOffset, outer * inLength * inner, 2);
  const sd = numbers(op, "dst", dst, dstOffset, outer * n * inner, 1);
  if (sd === null) return;
  if (overlaps(src, ss, dst, sd)) throw new Error(`native.${op}: dst overlaps src`);
  ARGS[0] = srcOffset; ARGS[1] = dstOffset; ARGS[2] = outer; ARGS[3] = inLength; ARGS[4] = n; ARGS[5] = inner; ARGS[6] = scale;
  addonAs<FftAddon>(op).fftC2R(src, dst, ARGS);
}

/** Which algorithm the native plans run for a length (the JS kernel's fftAlgorithm, for tests). */
export function fftAlgorithm(n: number): "mixed-radix" | "bluestein" {
  checkLength("fftAlgorithm", n);
  return addonAs<FftAddon>("fftAlgorithm").fftAlgorithm(n) === "bluestein" ? "bluestein" : "mixed-radix";
}
