// Pooling kernels (max, average, adaptive average, adaptive max) over 1 to 3 spatial dims, with
// their backward kernels, on contiguous row-major arrays laid out as (planes..., spatial...).
//
// Every kernel takes the full shapes; the last `spatial` dims are pooled and everything before
// them is a plane (N*C, or C for an unbatched input). 1d and 2d problems run through the 3d loops
// with leading size-1 dims, so one loop nest serves all three. Kernels write (not accumulate) into
// the caller's outputs and trust their arguments: the op layer checks them first (pool-shape.ts).
// Semantics follow ATen's CPU kernels: windows, NaN propagation and the index of the first maximum.

import { adaptiveEnd, adaptiveStart } from "./pool-shape.js";

export * from "./pool-shape.js";

export type FloatArray = Float32Array | Float64Array;
/** int64 indices as torch-ts stores them (BigInt64Array); Int32Array is accepted for scratch use. */
export type IndexArray = BigInt64Array | Int32Array;

/** Sizes of one pooling problem lifted to three spatial dims (D, H, W). */
interface Dims3 {
  planes: number;
  iD: number; iH: number; iW: number;
  oD: number; oH: number; oW: number;
}

function lift3(values: readonly number[] | undefined, k: number, fill: number): [number, number, number] {
  const out: [number, number, number] = [fill, fill, fill];
  for (let i = 0; i < k; i++) out[3 - k + i] = values ? values[i]! : fill;
  return out;
}

function dims3(inputShape: readonly number[], outputShape: readonly number[], spatial: number): Dims3 {
  if (spatial < 1 || spatial > 3) throw new Error(`pooling kernels: expected 1 to 3 spatial dims, got ${spatial}`);
  if (inputShape.length !== outputShape.length || inputShape.length < spatial) {
    throw new Error(`pooling kernels: input shape [${inputShape.join(", ")}] and output shape [${outputShape.join(", ")}] do not match`);
  }
  const lead = inputShape.length - spatial;
  let planes = 1;
  for (let i = 0; i < lead; i++) {
    if (inputShape[i] !== outputShape[i]) {
      throw new Error(`pooling kernels: input shape [${inputShape.join(", ")}] and output shape [${outputShape.join(", ")}] differ outside the pooled dims`);
    }
    planes *= inputShape[i]!;
  }
  const [iD, iH, iW] = lift3(inputShape.slice(lead), spatial, 1);
  const [oD, oH, oW] = lift3(outputShape.slice(lead), spatial, 1);
  return { planes, iD, iH, iW, oD, oH, oW };
}

function checkLength(name: string, a: { length: number }, n: number): void {
  if (a.length < n) throw new Error(`pooling kernels: ${name} holds ${a.length} elements, expected ${n}`);
}

// int64 indices are written and read through the low/high 32-bit halves on little-endian
// machines: BigInt conversions per element would dominate the pooling kernels.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Stores plane-local indices, converting to int64 only for BigInt64Array storage. */
function storeIndices(dst: IndexArray, src: Int32Array | Float64Array): void {
  if (!(dst instanceof BigInt64Array)) { dst.set(src); return; }
  if (LITTLE_ENDIAN && src instanceof Int32Array) {
    const words = new Int32Array(dst.buffer, dst.byteOffset, 2 * src.length);
    for (let i = 0; i < src.length; i++) { const v = src[i]!; words[2 * i] = v; words[2 * i + 1] = v < 0 ? -1 : 0; }
    return;
  }
  for (let i = 0; i < src.length; i++) dst[i] = BigInt(src[i]!);
}

function loadIndices(src: IndexArray): Int32Array | Float64Array {
  if (src instanceof Int32Array) return src;
  const out = new Float64Array(src.length);
  if (LITTLE_ENDIAN) {
    const words = new Int32Array(src.buffer, src.byteOffset, 2 * src.length);
    for (let i = 0; i < src.length; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
    return out;
  }
  for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
  return out;
}

// ---- max pooling -----------------------------------------------------------------------------

export interface MaxPoolParams extends PoolParamsBase {
  readonly dilation: readonly number[];
}
interface PoolParamsBase {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
}

/**
 * Max pooling (max_pool1d/2d/3d_with_indices). `outputShape` comes from poolOutputShape (ceil_mode
 * only changes the shape). `indices`, when given, receives for every output element the flat index
 * of its maximum within its input plane, as PyTorch returns them.
 */
export function maxPoolForward(
  input: FloatArray, inputShape: readonly number[],
  output: FloatArray, outputShape: readonly number[],
  indices: IndexArray | null, params: MaxPoolParams,
): void {
  const k = params.kernelSize.length;
  const g = dims3(inputShape, outputShape, k);
  const [kD, kH, kW] = lift3(params.kernelSize, k, 1);
  const [sD, sH, sW] = lift3(params.stride, k, 1);
  const [pD, pH, pW] = lift3(params.padding, k, 0);
  const [dD, dH, dW] = lift3(params.dilation, k, 1);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW;
  const outN = g.planes * outPlane;
  checkLength("input", input, g.planes * inPlane);
  checkLength("output", output, outN);
  if (indices) checkLength("indices", indices, outN);
  // Indices are plane-local, so they fit a float64 exactly; int32 when the plane allows it.
  // int64 indices on a little-endian machine take their low words directly (indices are
  // plane-local and >= 0 here, so the high words are zeros): no scratch array and no second pass.
  const words = indices instanceof BigInt64Array && LITTLE_ENDIAN && inPlane < 2 ** 31 ? new Int32Array(indices.buffer, indices.byteOffset, 2 * outN) : null;
  if (words) words.fill(0);
  const idx = indices instanceof Int32Array ? indices : words ?? (inPlane < 2 ** 31 ? new Int32Array(outN) : new Float64Array(outN));
  const idxStride = words ? 2 : 1;
  const HW = g.iH * g.iW, iW = g.iW, oW = g.oW;
  // Float32 windows compare integer keys of their bits, without a data-dependent branch
  // (argmaxBits); its index selects are int32 masks, hence the length bound.
  const bits = input instanceof Float32Array && input.length < 2 ** 31 ? new Int32Array(input.buffer, input.byteOffset, input.length) : null;
  // The most common window, a CNN's 2x2, runs unrolled where it lies wholly inside the input:
  // columns [owLo, owHi) of rows whose two input rows both exist.
  const window2x2 = bits !== null && kD === 1 && kH === 2 && kW === 2 && dH === 1 && dW === 1;
  const owLo = Math.min(oW, Math.ceil(pW / sW));
  const owHi = Math.max(owLo, Math.min(oW, Math.floor((iW - 2 + pW) / sW) + 1));
  const win: WindowRow = { input, bits, output, idx, idxStride, base: 0, d0: 0, d1: 0, dD, h0: 0, h1: 0, dH, kW, sW, pW, dW, HW, iW };
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const base = p * inPlane;
    win.base = base;
    for (let od = 0; od < g.oD; od++) {
      let d0 = od * sD - pD;
      const d1 = Math.min(d0 + (kD - 1) * dD + 1, g.iD);
      while (d0 < 0) d0 += dD;
      win.d0 = d0; win.d1 = d1;
      for (let oh = 0; oh < g.oH; oh++, o += oW) {
        let h0 = oh * sH - pH;
        const h1 = Math.min(h0 + (kH - 1) * dH + 1, g.iH);
        while (h0 < 0) h0 += dH;
        win.h0 = h0; win.h1 = h1;
        if (window2x2 && h1 - h0 === 2) {
          argmaxRange(win, o, 0, owLo);
          const row = base + d0 * HW + h0 * iW - pW;
          for (let ow = owLo; ow < owHi; ow++) {
            const at = argmax2x2Bits(bits, row + ow * sW, iW);
            output[o + ow] = input[at]!;
            idx[(o + ow) * idxStride] = at - base;
          }
          argmaxRange(win, o, owHi, oW);
        } else {
          argmaxRange(win, o, 0, oW);
        }
      }
    }
  }
  if (indices && indices !== idx && idx !== words) storeIndices(indices, idx);
}

/** One output row of max pooling: the window's clipped depth and height ranges and the rest. */
interface WindowRow {
  readonly input: FloatArray;
  readonly bits: Int32Array | null;
  readonly output: FloatArray;
  readonly idx: Int32Array | Float64Array;
  /** 2 where idx is the int32 words of int64 indices. */
  readonly idxStride: number;
  base: number;
  d0: number; d1: number; readonly dD: number;
  h0: number; h1: number; readonly dH: number;
  readonly kW: number; readonly sW: number; readonly pW: number; readonly dW: number;
  readonly HW: number; readonly iW: number;
}

/** Max pooling of output columns [from, to) of the row whose first output is `o`. */
function argmaxRange(r: WindowRow, o: number, from: number, to: number): void {
  const { input, bits, output, idx, idxStride, base, d0, d1, dD, h0, h1, dH, kW, sW, pW, dW, HW, iW } = r;
  for (let ow = from; ow < to; ow++) {
    let w0 = ow * sW - pW;
    const w1 = Math.min(w0 + (kW - 1) * dW + 1, iW);
    while (w0 < 0) w0 += dW;
    const first = base + d0 * HW + h0 * iW + w0;
    const at = bits === null ? argmaxValues(input, first, base, d0, d1, dD, h0, h1, dH, w0, w1, dW, HW, iW)
      : argmaxBits(bits, first, base, d0, d1, dD, h0, h1, dH, w0, w1, dW, HW, iW);
    // A window wholly in the padding cannot occur for arguments that pass the checks; kept as
    // ATen's loop leaves it (-inf at the window's first position) all the same.
    output[o + ow] = d0 < d1 && h0 < h1 && w0 < w1 ? input[at]! : -Infinity;
    idx[(o + ow) * idxStride] = at - base;
  }
}

/**
 * The flat index of a window's maximum as ATen picks it: the first maximum, or the last NaN (a NaN
 * wins and is only replaced by a later NaN). `first` is the window's first element.
 */
function argmaxValues(
  x: FloatArray, first: number, base: number, d0: number, d1: number, dD: number,
  h0: number, h1: number, dH: number, w0: number, w1: number, dW: number, HW: number, iW: number,
): number {
  let at = first, max = -Infinity;
  for (let d = d0; d < d1; d += dD) {
    for (let h = h0; h < h1; h += dH) {
      const row = base + d * HW + h * iW;
      for (let w = w0; w < w1; w += dW) {
        const v = x[row + w]!;
        if (v > max || v !== v) { max = v; at = row + w; }
      }
    }
  }
  return at;
}

/**
 * argmaxValues on float32 bits. `v > max` on random data mispredicts about every other element
 * (41 ns an output of a 2x2 window); floatKey orders the bits as `>` orders the floats, and the
 * selects are int32 masks.
 */
function argmaxBits(
  bits: Int32Array, first: number, base: number, d0: number, d1: number, dD: number,
  h0: number, h1: number, dH: number, w0: number, w1: number, dW: number, HW: number, iW: number,
): number {
  let at = first, max = -0x7fffffff; // below every key (-Infinity's is -0x7f800000)
  for (let d = d0; d < d1; d += dD) {
    for (let h = h0; h < h1; h += dH) {
      const row = base + d * HW + h * iW;
      for (let w = w0; w < w1; w += dW) {
        const b = bits[row + w]!, key = floatKey(b);
        const take = greaterMask(key, max) | nanMask(b);
        at ^= (at ^ (row + w)) & take;
        max ^= (max ^ key) & take;
      }
    }
  }
  return at;
}

/**
 * argmaxBits for a whole 2x2 window at `a` (row stride iW), as a tree: each row's winner, then the
 * later row's if it is greater or a NaN. Same pick as the scan, in 11 ns an output against 20 for
 * argmaxBits's loops.
 */
function argmax2x2Bits(bits: Int32Array, a: number, iW: number): number {
  const c = a + iW;
  const ba = bits[a]!, bb = bits[a + 1]!, bc = bits[c]!, bd = bits[c + 1]!;
  const ka = floatKey(ba), kb = floatKey(bb), kc = floatKey(bc), kd = floatKey(bd);
  const nanD = nanMask(bd), nanLow = nanMask(bc) | nanD;
  const tHigh = greaterMask(kb, ka) | nanMask(bb), tLow = greaterMask(kd, kc) | nanD;
  const high = a ^ ((a ^ (a + 1)) & tHigh), kHigh = ka ^ ((ka ^ kb) & tHigh);
  const low = c ^ ((c ^ (c + 1)) & tLow), kLow = kc ^ ((kc ^ kd) & tLow);
  const t = greaterMask(kLow, kHigh) | nanLow;
  return high ^ ((high ^ low) & t);
}

/**
 * A float32's bits as an int32 that orders as the floats do: +-magnitude (so -0 and +0 tie), every
 * NaN at 0x7fffffff, above +Infinity's 0x7f800000.
 */
function floatKey(b: number): number {
  const mag = b & 0x7fffffff, sign = b >> 31, nan = (0x7f800000 - mag) >> 31;
  return (((mag ^ sign) - sign) & ~nan) | (nan & 0x7fffffff);
}

/** -1 where float32 bits `b` are a NaN, else 0. */
function nanMask(b: number): number {
  return (0x7f800000 - (b & 0x7fffffff)) >> 31;
}

/** -1 where int32 x > y, else 0: a signed compare that cannot overflow, without a branch. */
function greaterMask(x: number, y: number): number {
  const diff = (y - x) | 0;
  return (diff ^ ((y ^ x) & (diff ^ y))) >> 31;
}

/**
 * Backward of max pooling and adaptive max pooling: `gradInput` (zeroed here) receives each output
 * gradient at its saved index; indices equal to -1 are skipped, as in PyTorch.
 */
export function maxPoolBackward(
  gradOutput: FloatArray, indices: IndexArray, outputShape: readonly number[],
  gradInput: FloatArray, inputShape: readonly number[], spatial: number,
): void {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW;
  checkLength("gradOutput", gradOutput, g.planes * outPlane);
  checkLength("indices", indices, g.planes * outPlane);
  checkLength("gradInput", gradInput, g.planes * inPlane);
  gradInput.fill(0, 0, g.planes * inPlane);
  if (indices instanceof BigInt64Array && LITTLE_ENDIAN) {
    // Straight from the int64 words, without loadIndices's converted copy: an index is its low
    // word where the high word is that word's sign (all indices below 2^31).
    const words = new Int32Array(indices.buffer, indices.byteOffset, 2 * g.planes * outPlane);
    for (let p = 0; p < g.planes; p++) {
      const ib = p * inPlane, ob = p * outPlane;
      for (let i = 0, w = 2 * ob; i < outPlane; i++, w += 2) {
        const m = words[w]!;
        if (m !== -1 && words[w + 1] === m >> 31) gradInput[ib + m]! += gradOutput[ob + i]!;
      }
    }
    return;
  }
  const idx = loadIndices(indices);
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let i = 0; i < outPlane; i++) {
      const m = idx[ob + i]!;
      if (m !== -1) gradInput[ib + m]! += gradOutput[ob + i]!;
    }
  }
}

/**
 * The adjoint of maxPoolBackward (max pooling's double backward, and max_unpool's backward):
 * output[o] = input[plane, indices[o]], reading the input plane at each saved index.
 */
export function gatherByIndices(
  input: FloatArray, inputShape: readonly number[], indices: IndexArray,
  output: FloatArray, outputShape: readonly number[], spatial: number,
): void {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW;
  checkLength("input", input, g.planes * inPlane);
  checkLength("indices", indices, g.planes * outPlane);
  checkLength("output", output, g.planes * outPlane);
  const idx = loadIndices(indices);
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let i = 0; i < outPlane; i++) {
      const m = idx[ob + i]!;
      output[ob + i] = m >= 0 && m < inPlane ? input[ib + m]! : 0;
    }
  }
}

/**
 * max_unpool: output (zeroed here) receives input[o] at indices[o] of its plane; when indices
 * repeat, the last write wins. Returns the first index outside the output plane, or -1.
 */
export function maxUnpoolForward(
  input: FloatArray, inputShape: readonly number[], indices: IndexArray,
  output: FloatArray, outputShape: readonly number[], spatial: number,
): number {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW;
  checkLength("input", input, g.planes * inPlane);
  checkLength("indices", indices, g.planes * inPlane);
  checkLength("output", output, g.planes * outPlane);
  const idx = loadIndices(indices);
  for (let i = 0; i < idx.length && i < g.planes * inPlane; i++) {
    const m = idx[i]!;
    if (m < 0 || m >= outPlane) return m;
  }
  output.fill(0, 0, g.planes * outPlane);
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let i = 0; i < inPlane; i++) output[ob + idx[ib + i]!] = input[ib + i]!;
  }
  return -1;
}

// ---- average pooling -------------------------------------------------------------------------

export interface AvgPoolParams extends PoolParamsBase {
  readonly countIncludePad: boolean;
  /** Divides every window sum by this instead of the window size (non-zero). */
  readonly divisorOverride?: number | null;
}

/**
 * Visits every output window of average pooling with its clipped input range and divisor, the way
 * ATen computes them: the padded window size counts only up to input + padding, and a window that
 * lies wholly in the padding is skipped (its output is 0).
 */
function forEachAvgWindow(
  g: Dims3, params: AvgPoolParams,
  visit: (o: number, d0: number, d1: number, h0: number, h1: number, w0: number, w1: number, divisor: number) => void,
): void {
  const k = params.kernelSize.length;
  const [kD, kH, kW] = lift3(params.kernelSize, k, 1);
  const [sD, sH, sW] = lift3(params.stride, k, 1);
  const [pD, pH, pW] = lift3(params.padding, k, 0);
  const override = params.divisorOverride ?? null;
  let o = 0;
  for (let od = 0; od < g.oD; od++) {
    let d0 = od * sD - pD;
    let d1 = Math.min(d0 + kD, g.iD + pD);
    const sizeD = d1 - d0;
    d0 = Math.max(d0, 0); d1 = Math.min(d1, g.iD);
    for (let oh = 0; oh < g.oH; oh++) {
      let h0 = oh * sH - pH;
      let h1 = Math.min(h0 + kH, g.iH + pH);
      const sizeH = h1 - h0;
      h0 = Math.max(h0, 0); h1 = Math.min(h1, g.iH);
      for (let ow = 0; ow < g.oW; ow++, o++) {
        let w0 = ow * sW - pW;
        let w1 = Math.min(w0 + kW, g.iW + pW);
        const sizeW = w1 - w0;
        w0 = Math.max(w0, 0); w1 = Math.min(w1, g.iW);
        if (d0 >= d1 || h0 >= h1 || w0 >= w1) continue;
        const divisor = override !== null ? override
          : params.countIncludePad ? sizeD * sizeH * sizeW
          : (d1 - d0) * (h1 - h0) * (w1 - w0);
        visit(o, d0, d1, h0, h1, w0, w1, divisor);
      }
    }
  }
}

/** Average pooling (avg_pool1d/2d/3d); `outputShape` comes from poolOutputShape. */
export function avgPoolForward(
  input: FloatArray, inputShape: readonly number[],
  output: FloatArray, outputShape: readonly number[], params: AvgPoolParams,
): void {
  const g = dims3(inputShape, outputShape, params.kernelSize.length);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW, HW = g.iH * g.iW;
  checkLength("input", input, g.planes * inPlane);
  checkLength("output", output, g.planes * outPlane);
  output.fill(0, 0, g.planes * outPlane);
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    forEachAvgWindow(g, params, (o, d0, d1, h0, h1, w0, w1, divisor) => {
      let sum = 0;
      for (let d = d0; d < d1; d++) {
        for (let h = h0; h < h1; h++) {
          const row = ib + d * HW + h * g.iW;
          for (let w = w0; w < w1; w++) sum += input[row + w]!;
        }
      }
      output[ob + o] = sum / divisor;
    });
  }
}

/** Backward of average pooling: spreads each output gradient / divisor over its window. */
export function avgPoolBackward(
  gradOutput: FloatArray, outputShape: readonly number[],
  gradInput: FloatArray, inputShape: readonly number[], params: AvgPoolParams,
): void {
  const g = dims3(inputShape, outputShape, params.kernelSize.length);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW, HW = g.iH * g.iW;
  checkLength("gradOutput", gradOutput, g.planes * outPlane);
  checkLength("gradInput", gradInput, g.planes * inPlane);
  gradInput.fill(0, 0, g.planes * inPlane);
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    forEachAvgWindow(g, params, (o, d0, d1, h0, h1, w0, w1, divisor) => {
      const z = gradOutput[ob + o]! / divisor;
      for (let d = d0; d < d1; d++) {
        for (let h = h0; h < h1; h++) {
          const row = ib + d * HW + h * g.iW;
          for (let w = w0; w < w1; w++) gradInput[row + w]! += z;
        }
      }
    });
  }
}

// ---- adaptive pooling ------------------------------------------------------------------------

/** Start/end tables of the adaptive windows along one dim. */
function adaptiveRanges(inSize: number, outSize: number): [Int32Array, Int32Array] {
  const start = new Int32Array(outSize), end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = adaptiveStart(i, outSize, inSize);
    end[i] = adaptiveEnd(i, outSize, inSize);
  }
  return [start, end];
}

function adaptiveTables(g: Dims3): Int32Array[] {
  return [...adaptiveRanges(g.iD, g.oD), ...adaptiveRanges(g.iH, g.oH), ...adaptiveRanges(g.iW, g.oW)];
}

/**
 * Adaptive average pooling (adaptive_avg_pool1d/2d/3d, and interpolate's 'area' mode): output
 * cell i averages input [floor(i*in/out), ceil((i+1)*in/out)) along every pooled dim.
 */
export function adaptiveAvgPoolForward(
  input: FloatArray, inputShape: readonly number[],
  output: FloatArray, outputShape: readonly number[], spatial: number,
): void {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW, HW = g.iH * g.iW;
  checkLength("input", input, g.planes * inPlane);
  checkLength("output", output, g.planes * outPlane);
  const [ds, de, hs, he, ws, we] = adaptiveTables(g) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane;
    for (let od = 0; od < g.oD; od++) {
      const d0 = ds[od]!, d1 = de[od]!;
      for (let oh = 0; oh < g.oH; oh++) {
        const h0 = hs[oh]!, h1 = he[oh]!;
        for (let ow = 0; ow < g.oW; ow++, o++) {
          const w0 = ws[ow]!, w1 = we[ow]!;
          let sum = 0;
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              const row = ib + d * HW + h * g.iW;
              for (let w = w0; w < w1; w++) sum += input[row + w]!;
            }
          }
          output[o] = sum / ((d1 - d0) * (h1 - h0) * (w1 - w0));
        }
      }
    }
  }
}

/** Backward of adaptive average pooling. */
export function adaptiveAvgPoolBackward(
  gradOutput: FloatArray, outputShape: readonly number[],
  gradInput: FloatArray, inputShape: readonly number[], spatial: number,
): void {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW, HW = g.iH * g.iW;
  checkLength("gradOutput", gradOutput, g.planes * outPlane);
  checkLength("gradInput", gradInput, g.planes * inPlane);
  const [ds, de, hs, he, ws, we] = adaptiveTables(g) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  gradInput.fill(0, 0, g.planes * inPlane);
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane;
    for (let od = 0; od < g.oD; od++) {
      const d0 = ds[od]!, d1 = de[od]!;
      for (let oh = 0; oh < g.oH; oh++) {
        const h0 = hs[oh]!, h1 = he[oh]!;
        for (let ow = 0; ow < g.oW; ow++, o++) {
          const w0 = ws[ow]!, w1 = we[ow]!;
          const z = gradOutput[o]! / ((d1 - d0) * (h1 - h0) * (w1 - w0));
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              const row = ib + d * HW + h * g.iW;
              for (let w = w0; w < w1; w++) gradInput[row + w]! += z;
            }
          }
        }
      }
    }
  }
}

/**
 * Adaptive max pooling (adaptive_max_pool1d/2d/3d) with plane-local indices of the maxima; its
 * backward is maxPoolBackward.
 */
export function adaptiveMaxPoolForward(
  input: FloatArray, inputShape: readonly number[],
  output: FloatArray, outputShape: readonly number[], indices: IndexArray | null, spatial: number,
): void {
  const g = dims3(inputShape, outputShape, spatial);
  const inPlane = g.iD * g.iH * g.iW, outPlane = g.oD * g.oH * g.oW, HW = g.iH * g.iW;
  const outN = g.planes * outPlane;
  checkLength("input", input, g.planes * inPlane);
  checkLength("output", output, outN);
  if (indices) checkLength("indices", indices, outN);
  const idx = indices instanceof Int32Array ? indices : inPlane < 2 ** 31 ? new Int32Array(outN) : new Float64Array(outN);
  const [ds, de, hs, he, ws, we] = adaptiveTables(g) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const ib = p * inPlane;
    for (let od = 0; od < g.oD; od++) {
      const d0 = ds[od]!, d1 = de[od]!;
      for (let oh = 0; oh < g.oH; oh++) {
        const h0 = hs[oh]!, h1 = he[oh]!;
        for (let ow = 0; ow < g.oW; ow++, o++) {
          const w0 = ws[ow]!, w1 = we[ow]!;
          let maxIndex = d0 * HW + h0 * g.iW + w0;
          let maxVal = -Infinity;
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              const row = d * HW + h * g.iW;
              for (let w = w0; w < w1; w++) {
                const v = input[ib + row + w]!;
                if (v > maxVal || v !== v) { maxVal = v; maxIndex = row + w; }
              }
            }
          }
          output[o] = maxVal;
          idx[o] = maxIndex;
        }
      }
    }
  }
  if (indices && indices !== idx) storeIndices(indices, idx);
}

/** Output shape of adaptive pooling: leading dims kept, the last `outputSize.length` replaced. */
export function adaptivePoolOutputShape(inputShape: readonly number[], outputSize: readonly number[]): number[] {
  return [...inputShape.slice(0, inputShape.length - outputSize.length), ...outputSize];
}
