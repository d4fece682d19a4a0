// Interpolation kernels (F.interpolate's nearest, nearest-exact, linear, bilinear, bicubic and
// trilinear modes, with antialias for bilinear/bicubic) and their backward kernels, on contiguous
// row-major arrays laid out as (planes..., spatial...). 'area' mode is adaptive average pooling
// (pool.ts).
//
// Every mode is a product of 1-d resamplings (interp-taps.ts), so the kernels apply one pass per
// resized dim, last dim first, through float64 buffers; the backward kernels apply the transposed
// passes in reverse order. Mathematically this is ATen's sum over the 2^d (or 4^d) neighbours.

import type { FloatArray } from "./pool.js";
import {
  type ScaleFactor, type Taps, type TapsUse, antialiasTaps, cubicTaps, linearTaps, nearestTaps,
} from "./interp-taps.js";

export * from "./interp-taps.js";

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear";

export interface InterpolateParams {
  readonly mode: InterpolateMode;
  /** One size per spatial dim (the last `outputSize.length` dims of the input). */
  readonly outputSize: readonly number[];
  /** For linear, bilinear, bicubic and trilinear; false when omitted. */
  readonly alignCorners?: boolean;
  /**
   * The user's scale factors (output/input) per spatial dim, when F.interpolate passes them to the
   * kernel (a scale_factor given and recompute_scale_factor not true); they set the source step.
   */
  readonly scales?: readonly ScaleFactor[] | null;
  /** bilinear and bicubic only. */
  readonly antialias?: boolean;
}

/**
 * The 1-d resamplings of `params` for an input whose spatial sizes are `inSpatial`, for ATen's
 * forward kernel or (use.backward) its backward kernel, which differ in a few corner cases.
 */
export function interpolateTaps(inSpatial: readonly number[], params: InterpolateParams, use: TapsUse = {}): Taps[] {
  const k = params.outputSize.length;
  if (inSpatial.length !== k) {
    throw new Error(`interpolate kernels: ${inSpatial.length} input spatial dims but ${k} output sizes`);
  }
  const ac = params.alignCorners ?? false;
  // ATen's bicubic backward copies the gradient when no size changes, even with a scale factor.
  const bicubicCopy = use.backward && params.mode === "bicubic" && !params.antialias &&
    inSpatial.every((s, i) => s === params.outputSize[i]);
  const taps: Taps[] = [];
  for (let i = 0; i < k; i++) {
    const inSize = inSpatial[i]!, outSize = params.outputSize[i]!, scale = params.scales?.[i];
    if (!(inSize > 0 && outSize > 0)) {
      throw new Error(`interpolate kernels: Input and output sizes should be greater than 0, but got input ${inSize} and output ${outSize}`);
    }
    switch (params.mode) {
      case "nearest": taps.push(nearestTaps(inSize, outSize, scale, false, use)); break;
      case "nearest-exact": taps.push(nearestTaps(inSize, outSize, scale, true, use)); break;
      case "linear": case "bilinear": case "trilinear":
        taps.push(params.antialias ? antialiasTaps(inSize, outSize, ac, scale, "bilinear") : linearTaps(inSize, outSize, ac, scale));
        break;
      case "bicubic":
        taps.push(
          params.antialias ? antialiasTaps(inSize, outSize, ac, scale, "bicubic")
          : bicubicCopy ? nearestTaps(inSize, outSize, null, false, use)
          : cubicTaps(inSize, outSize, ac, scale),
        );
        break;
    }
  }
  return taps;
}

/**
 * F.interpolate's output size and kernel scales: with `scaleFactor`, the size is
 * floor(input * factor); the factors reach the kernel unless recompute_scale_factor is true (then
 * the kernel derives its step from the sizes). Argument errors are the op layer's.
 */
export function interpolateSizeAndScales(
  inSpatial: readonly number[],
  opts: { size?: readonly number[] | null; scaleFactor?: readonly number[] | null; recomputeScaleFactor?: boolean | null },
): { outputSize: number[]; scales: number[] | null } {
  if (opts.size != null) return { outputSize: [...opts.size], scales: null };
  const sf = opts.scaleFactor;
  if (sf == null) throw new Error("either size or scale_factor should be defined");
  const outputSize = inSpatial.map((s, i) => Math.floor(s * sf[i]!));
  return { outputSize, scales: opts.recomputeScaleFactor ? null : [...sf] };
}

/** Forward interpolation; `output` has shape (leading dims of the input..., params.outputSize...). */
export function interpolateForward(
  input: FloatArray, inputShape: readonly number[], output: FloatArray, params: InterpolateParams,
): void {
  const k = params.outputSize.length;
  const use = { float32: input instanceof Float32Array };
  resampleForward(input, inputShape, output, interpolateTaps(inputShape.slice(inputShape.length - k), params, use));
}

/** Backward of interpolateForward: `gradInput` (overwritten) has the input's shape. */
export function interpolateBackward(
  gradOutput: FloatArray, gradInput: FloatArray, inputShape: readonly number[], params: InterpolateParams,
): void {
  const k = params.outputSize.length;
  resampleBackward(gradOutput, gradInput, inputShape, interpolateTaps(inputShape.slice(inputShape.length - k), params, { backward: true }));
}

function isIdentity(t: Taps): boolean {
  if (t.taps !== 1 || t.inSize !== t.outSize) return false;
  for (let o = 0; o < t.outSize; o++) if (t.index[o] !== o || t.weight[o] !== 1) return false;
  return true;
}

function product(a: readonly number[], from: number, to: number): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= a[i]!;
  return p;
}

/** Splits `shape` into planes and the last `k` (spatial) sizes. */
function splitShape(shape: readonly number[], k: number): [number, number[]] {
  if (shape.length < k) throw new Error(`interpolate kernels: shape [${shape.join(", ")}] has fewer than ${k} dims`);
  return [product(shape, 0, shape.length - k), shape.slice(shape.length - k)];
}

/** Whether a pass is a plain gather (nearest modes): one tap of weight 1 per output. */
function isGather(t: Taps): boolean {
  if (t.taps !== 1) return false;
  for (let o = 0; o < t.outSize; o++) if (t.weight[o] !== 1 || t.index[o]! < 0) return false;
  return true;
}

/** Applies one resampling along a dim: src is (outer, taps.inSize, inner), dst (outer, taps.outSize, inner). */
function passForward(src: Float64Array, dst: Float64Array, outer: number, inner: number, t: Taps): void {
  const { taps: T, index, weight, inSize, outSize } = t;
  if (isGather(t)) {
    for (let b = 0; b < outer; b++) {
      for (let o = 0; o < outSize; o++) {
        const s = (b * inSize + index[o]!) * inner, d = (b * outSize + o) * inner;
        if (inner === 1) dst[d] = src[s]!;
        else dst.set(src.subarray(s, s + inner), d);
      }
    }
    return;
  }
  if (inner === 1 && T === 2 && !index.includes(-1)) {
    // The linear modes along the last dim: the hot loop of bilinear and trilinear.
    for (let b = 0; b < outer; b++) {
      const sb = b * inSize, db = b * outSize;
      for (let o = 0; o < outSize; o++) {
        dst[db + o] = weight[2 * o]! * src[sb + index[2 * o]!]! + weight[2 * o + 1]! * src[sb + index[2 * o + 1]!]!;
      }
    }
    return;
  }
  if (inner === 1) {
    for (let b = 0; b < outer; b++) {
      const sb = b * inSize, db = b * outSize;
      for (let o = 0; o < outSize; o++) {
        const k = o * T;
        const i0 = index[k]!;
        // Start from the first term (not 0) so that a single tap copies its value exactly (-0 stays -0).
        let acc = i0 >= 0 ? weight[k]! * src[sb + i0]! : 0;
        for (let j = 1; j < T; j++) {
          const i = index[k + j]!;
          if (i >= 0) acc += weight[k + j]! * src[sb + i]!;
        }
        dst[db + o] = acc;
      }
    }
    return;
  }
  for (let b = 0; b < outer; b++) {
    for (let o = 0; o < outSize; o++) {
      const d = (b * outSize + o) * inner;
      const k = o * T;
      const i0 = index[k]!;
      if (i0 >= 0) {
        const w = weight[k]!, s = (b * inSize + i0) * inner;
        for (let x = 0; x < inner; x++) dst[d + x] = w * src[s + x]!;
      } else {
        dst.fill(0, d, d + inner);
      }
      for (let j = 1; j < T; j++) {
        const i = index[k + j]!;
        if (i < 0) continue;
        const w = weight[k + j]!, s = (b * inSize + i) * inner;
        for (let x = 0; x < inner; x++) dst[d + x]! += w * src[s + x]!;
      }
    }
  }
}

/** Transpose of passForward: src is (outer, taps.outSize, inner), dst (outer, taps.inSize, inner), overwritten. */
function passBackward(src: Float64Array, dst: Float64Array, outer: number, inner: number, t: Taps): void {
  const { taps: T, index, weight, inSize, outSize } = t;
  dst.fill(0, 0, outer * inSize * inner);
  for (let b = 0; b < outer; b++) {
    for (let o = 0; o < outSize; o++) {
      const s = (b * outSize + o) * inner;
      for (let j = 0; j < T; j++) {
        const i = index[o * T + j]!;
        if (i < 0) continue;
        const w = weight[o * T + j]!, d = (b * inSize + i) * inner;
        if (inner === 1) dst[d]! += w * src[s]!;
        else for (let x = 0; x < inner; x++) dst[d + x]! += w * src[s + x]!;
      }
    }
  }
}

/** The passes' working copy: float64 throughout keeps the loops monomorphic and the sums exact-ish. */
function asFloat64(a: FloatArray, n: number): Float64Array {
  return a instanceof Float64Array ? a.subarray(0, n) : Float64Array.from(a.subarray(0, n));
}

/** Index tables of a pure gather (nearest modes) over at most three dims, lifted to (D, H, W). */
function gatherTables(taps: readonly Taps[]): Int32Array[] | null {
  if (taps.length > 3 || !taps.every((t) => isGather(t))) return null;
  const lifted: Int32Array[] = [];
  for (let i = 0; i < 3 - taps.length; i++) lifted.push(new Int32Array(1));
  for (const t of taps) lifted.push(t.index);
  return lifted;
}

/** The nearest modes in one sweep: every output element reads its source directly. */
function gatherForward(input: FloatArray, output: FloatArray, planes: number, inSpatial: readonly number[], tables: Int32Array[]): void {
  const [tD, tH, tW] = tables as [Int32Array, Int32Array, Int32Array];
  const iW = inSpatial[inSpatial.length - 1] ?? 1, iH = inSpatial.length >= 2 ? inSpatial[inSpatial.length - 2]! : 1;
  const iD = inSpatial.length >= 3 ? inSpatial[0]! : 1;
  const inPlane = iD * iH * iW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let od = 0; od < tD.length; od++) {
      for (let oh = 0; oh < tH.length; oh++) {
        const row = p * inPlane + (tD[od]! * iH + tH[oh]!) * iW;
        for (let ow = 0; ow < tW.length; ow++) output[o++] = input[row + tW[ow]!]!;
      }
    }
  }
}

/** Transpose of gatherForward, accumulated in float64. */
function gatherBackward(gradOutput: FloatArray, gradInput: FloatArray, planes: number, inSpatial: readonly number[], tables: Int32Array[]): void {
  const [tD, tH, tW] = tables as [Int32Array, Int32Array, Int32Array];
  const iW = inSpatial[inSpatial.length - 1] ?? 1, iH = inSpatial.length >= 2 ? inSpatial[inSpatial.length - 2]! : 1;
  const iD = inSpatial.length >= 3 ? inSpatial[0]! : 1;
  const inPlane = iD * iH * iW;
  const acc = new Float64Array(planes * inPlane);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let od = 0; od < tD.length; od++) {
      for (let oh = 0; oh < tH.length; oh++) {
        const row = p * inPlane + (tD[od]! * iH + tH[oh]!) * iW;
        for (let ow = 0; ow < tW.length; ow++) acc[row + tW[ow]!]! += gradOutput[o++]!;
      }
    }
  }
  gradInput.set(acc);
}

/**
 * Resamples the last `taps.length` dims of `input` with one Taps per dim (outermost first).
 * `output` has the leading dims of the input and sizes taps[i].outSize.
 */
export function resampleForward(input: FloatArray, inputShape: readonly number[], output: FloatArray, taps: readonly Taps[]): void {
  const k = taps.length;
  const [planes, cur] = splitShape(inputShape, k);
  for (let a = 0; a < k; a++) {
    if (cur[a] !== taps[a]!.inSize) throw new Error(`interpolate kernels: input dim ${a} has size ${cur[a]}, taps expect ${taps[a]!.inSize}`);
  }
  const inN = planes * product(cur, 0, k), outN = planes * taps.reduce((p, t) => p * t.outSize, 1);
  if (input.length < inN || output.length < outN) throw new Error("interpolate kernels: input or output buffer too small");
  const active = taps.map((t, a) => (isIdentity(t) ? -1 : a)).filter((a) => a >= 0).reverse();
  if (active.length === 0) { output.set(input.subarray(0, inN)); return; }
  const tables = gatherTables(taps);
  if (tables) { gatherForward(input, output, planes, cur, tables); return; }
  let src = asFloat64(input, inN);
  for (const a of active) {
    const t = taps[a]!;
    const outer = planes * product(cur, 0, a), inner = product(cur, a + 1, k);
    const n = outer * t.outSize * inner;
    // The last pass writes straight into a float64 output.
    const dst = a === active[active.length - 1] && output instanceof Float64Array ? output.subarray(0, n) : new Float64Array(n);
    passForward(src, dst, outer, inner, t);
    src = dst;
    cur[a] = t.outSize;
  }
  if (src.buffer !== output.buffer) output.set(src);
}

/** Backward of resampleForward: `gradInput` (overwritten) has the input's shape. */
export function resampleBackward(gradOutput: FloatArray, gradInput: FloatArray, inputShape: readonly number[], taps: readonly Taps[]): void {
  const k = taps.length;
  const [planes, inSpatial] = splitShape(inputShape, k);
  const cur = taps.map((t) => t.outSize);
  const inN = planes * product(inSpatial, 0, k), outN = planes * product(cur, 0, k);
  if (gradInput.length < inN || gradOutput.length < outN) throw new Error("interpolate kernels: gradient buffer too small");
  const active = taps.map((t, a) => (isIdentity(t) ? -1 : a)).filter((a) => a >= 0);
  if (active.length === 0) { gradInput.set(gradOutput.subarray(0, inN)); return; }
  const tables = gatherTables(taps);
  if (tables) { gatherBackward(gradOutput, gradInput, planes, inSpatial, tables); return; }
  let src = asFloat64(gradOutput, outN);
  for (const a of active) {
    const t = taps[a]!;
    const outer = planes * product(cur, 0, a), inner = product(cur, a + 1, k);
    const n = outer * t.inSize * inner;
    const dst = a === active[active.length - 1] && gradInput instanceof Float64Array ? gradInput.subarray(0, n) : new Float64Array(n);
    passBackward(src, dst, outer, inner, t);
    src = dst;
    cur[a] = t.inSize;
  }
  if (src.buffer !== gradInput.buffer) gradInput.set(src);
}
