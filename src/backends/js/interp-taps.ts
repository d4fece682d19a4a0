// Source indices and weights of PyTorch's interpolation modes along one dim (ATen's UpSample.h and
// cpu/UpSampleKernel.cpp). Every mode of F.interpolate is separable: output position o along a
// dim reads `taps` input positions index[o*taps + t] with weights weight[o*taps + t]; an index of
// -1 marks an unused tap.

export interface Taps {
  readonly inSize: number;
  readonly outSize: number;
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** A scale factor as the user gave it (output / input), or absent. */
export type ScaleFactor = number | null | undefined;

/**
 * compute_scales_value: 1/scale_factor when the user's factor is used, else input/output.
 * `asFloat` evaluates it in float32, as ATen does for the nearest modes.
 */
export function computeScalesValue(scale: ScaleFactor, inSize: number, outSize: number, asFloat = false): number {
  const s = scale != null && scale > 0 ? 1 / scale : inSize / outSize;
  return asFloat ? Math.fround(s) : s;
}

/** area_pixel_compute_scale: the input step per output step. */
export function areaPixelComputeScale(inSize: number, outSize: number, alignCorners: boolean, scale?: ScaleFactor): number {
  // Only align_corners has no step for a single output; otherwise it is input / output, as ATen's.
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return computeScalesValue(scale, inSize, outSize);
}

/**
 * area_pixel_compute_source_index: the real input coordinate of output position `dst`. Without
 * align_corners the linear modes clamp negative coordinates to 0; cubic keeps them.
 */
export function areaPixelComputeSourceIndex(scale: number, dst: number, alignCorners: boolean, cubic: boolean): number {
  if (alignCorners) return scale * dst;
  const src = scale * (dst + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

// ATen computes the nearest modes' indices twice, in two ways that disagree at some sizes: the
// forward kernel in the input's precision without shortcuts, the backward kernel in float32 with
// exact shortcuts for 1x and 2x. Both are reproduced, so that values and gradients match PyTorch.

/** Legacy 'nearest', forward: floor(dst * scale), the product rounded to float32 (floorf). */
export function nearestSourceIndex(dst: number, inSize: number, outSize: number, scale?: ScaleFactor, float32 = false): number {
  const s = computeScalesValue(scale, inSize, outSize, float32);
  return Math.min(Math.floor(Math.fround(dst * s)), inSize - 1);
}

/** 'nearest-exact', forward: floor(max((dst + 0.5) * scale - 0.5, 0) + 0.5), rounded to float32 before the floor. */
export function nearestExactSourceIndex(dst: number, inSize: number, outSize: number, scale?: ScaleFactor, float32 = false): number {
  const s = computeScalesValue(scale, inSize, outSize, float32);
  let real = s * (dst + 0.5) - 0.5;
  if (float32) real = Math.fround(real);
  if (real < 0) real = 0;
  return Math.min(Math.floor(Math.fround(real + 0.5)), inSize - 1);
}

/** Legacy 'nearest', backward (nearest_idx): float32 floor(dst * scale), exact for 1x and 2x. */
export function nearestSourceIndexBackward(dst: number, inSize: number, outSize: number, scale?: ScaleFactor): number {
  if (outSize === inSize) return dst;
  if (outSize === 2 * inSize) return dst >> 1;
  const s = computeScalesValue(scale, inSize, outSize, true);
  return Math.min(Math.floor(Math.fround(dst * s)), inSize - 1);
}

/** 'nearest-exact', backward (nearest_exact_idx): float32 floor((dst + 0.5) * scale). */
export function nearestExactSourceIndexBackward(dst: number, inSize: number, outSize: number, scale?: ScaleFactor): number {
  const s = computeScalesValue(scale, inSize, outSize, true);
  return Math.min(Math.floor(Math.fround((dst + 0.5) * s)), inSize - 1);
}

/** Keys' cubic convolution kernel weights for fractional offset t (A = -0.75 as in OpenCV/PyTorch). */
export function cubicCoefficients(t: number, out: Float64Array | number[], A = -0.75): void {
  const x1 = t, x2 = 1 - t;
  out[0] = cubicConvolution2(x1 + 1, A);
  out[1] = cubicConvolution1(x1, A);
  out[2] = cubicConvolution1(x2, A);
  out[3] = cubicConvolution2(x2 + 1, A);
}

/** d/dt of cubicCoefficients(t). */
export function cubicCoefficientsGrad(t: number, out: Float64Array | number[], A = -0.75): void {
  // d/dx of the two polynomial pieces, chained with dx/dt = +1 for the first two, -1 for the others.
  const d1 = (x: number): number => (3 * (A + 2) * x - 2 * (A + 3)) * x;
  const d2 = (x: number): number => (3 * A * x - 10 * A) * x + 8 * A;
  out[0] = d2(t + 1);
  out[1] = d1(t);
  out[2] = -d1(1 - t);
  out[3] = -d2(2 - t);
}

function cubicConvolution1(x: number, A: number): number {
  return ((A + 2) * x - (A + 3)) * x * x + 1;
}
function cubicConvolution2(x: number, A: number): number {
  return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

/** ATen's guard_index_and_lambda: the left neighbour (kept inside the input) and the offset in [0, 1]. */
function indexAndLambda(real: number, inSize: number): [number, number] {
  const i0 = Math.min(Math.floor(real), inSize - 1);
  return [i0, Math.min(Math.max(real - i0, 0), 1)];
}

/** How a taps table will be used: ATen's forward and backward kernels differ for the nearest modes. */
export interface TapsUse {
  readonly backward?: boolean;
  /** The input is float32 (the nearest forward kernels compute indices in the input's precision). */
  readonly float32?: boolean;
}

export function nearestTaps(inSize: number, outSize: number, scale: ScaleFactor, exact: boolean, use: TapsUse = {}): Taps {
  const index = new Int32Array(outSize), weight = new Float64Array(outSize).fill(1);
  const f32 = use.float32 ?? false;
  for (let o = 0; o < outSize; o++) {
    index[o] = use.backward
      ? exact ? nearestExactSourceIndexBackward(o, inSize, outSize, scale) : nearestSourceIndexBackward(o, inSize, outSize, scale)
      : exact ? nearestExactSourceIndex(o, inSize, outSize, scale, f32) : nearestSourceIndex(o, inSize, outSize, scale, f32);
  }
  return { inSize, outSize, taps: 1, index, weight };
}

/** Linear taps; an unchanged size is copied whatever the scale, as ATen does (weights 1 and 0). */
export function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: ScaleFactor): Taps {
  const index = new Int32Array(2 * outSize), weight = new Float64Array(2 * outSize);
  const s = areaPixelComputeScale(inSize, outSize, alignCorners, scale);
  for (let o = 0; o < outSize; o++) {
    const [i0, lambda] = inSize === outSize ? [o, 0] : indexAndLambda(areaPixelComputeSourceIndex(s, o, alignCorners, false), inSize);
    index[2 * o] = i0;
    index[2 * o + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
    weight[2 * o] = 1 - lambda;
    weight[2 * o + 1] = lambda;
  }
  return { inSize, outSize, taps: 2, index, weight };
}

/** Bicubic taps: four neighbours, clamped to the border (upsample_get_value_bounded). */
export function cubicTaps(inSize: number, outSize: number, alignCorners: boolean, scale: ScaleFactor): Taps {
  const index = new Int32Array(4 * outSize), weight = new Float64Array(4 * outSize);
  const s = areaPixelComputeScale(inSize, outSize, alignCorners, scale);
  const c = new Float64Array(4);
  for (let o = 0; o < outSize; o++) {
    const [i0, t] = indexAndLambda(areaPixelComputeSourceIndex(s, o, alignCorners, true), inSize);
    cubicCoefficients(t, c);
    for (let j = 0; j < 4; j++) {
      index[4 * o + j] = Math.max(Math.min(i0 - 1 + j, inSize - 1), 0);
      weight[4 * o + j] = c[j]!;
    }
  }
  return { inSize, outSize, taps: 4, index, weight };
}

/**
 * Antialiased bilinear/bicubic taps (PIL's resampling, as ATen's _compute_indices_min_size_weights_aa):
 * a triangle or Keys (A = -0.5) filter stretched by the downscale factor, normalized per output.
 */
export function antialiasTaps(
  inSize: number, outSize: number, alignCorners: boolean, scale: ScaleFactor, kind: "bilinear" | "bicubic",
): Taps {
  const interpSize = kind === "bilinear" ? 2 : 4;
  const filter = kind === "bilinear"
    ? (x: number): number => { x = Math.abs(x); return x < 1 ? 1 - x : 0; }
    : (x: number): number => {
      x = Math.abs(x);
      return x < 1 ? cubicConvolution1(x, -0.5) : x < 2 ? cubicConvolution2(x, -0.5) : 0;
    };
  const s = areaPixelComputeScale(inSize, outSize, alignCorners, scale);
  const support = s >= 1 ? interpSize * 0.5 * s : interpSize * 0.5;
  const taps = Math.ceil(support) * 2 + 1;
  const invScale = s >= 1 ? 1 / s : 1;
  const index = new Int32Array(taps * outSize), weight = new Float64Array(taps * outSize);
  for (let o = 0; o < outSize; o++) {
    const center = s * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.max(Math.min(Math.trunc(center + support + 0.5), inSize) - xmin, 0), taps);
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = filter((j + xmin - center + 0.5) * invScale);
      weight[o * taps + j] = w;
      total += w;
    }
    for (let j = 0; j < taps; j++) {
      // Unused taps are marked -1 and skipped, so that they cannot turn an inf into a NaN.
      index[o * taps + j] = j < xsize ? xmin + j : -1;
      if (j < xsize && total !== 0) weight[o * taps + j]! /= total;
    }
  }
  return { inSize, outSize, taps, index, weight };
}
