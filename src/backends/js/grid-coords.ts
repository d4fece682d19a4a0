// Grid coordinates of grid_sample (ATen's GridSampler.h): from [-1, 1] to pixel units, then the
// padding mode's clipping or reflection, each with its derivative for the grid's gradient.

export type GridSamplePadding = "zeros" | "border" | "reflection";

/** [-1, 1] → pixel coordinate: corner pixel centres (align_corners) or the image edges. */
export function gridUnnormalize(coord: number, size: number, alignCorners: boolean): number {
  return alignCorners ? ((coord + 1) / 2) * (size - 1) : ((coord + 1) * size - 1) / 2;
}

/**
 * gridUnnormalize as ATen computes it in float32, every operation rounded: its 2-d CPU kernel
 * (vectorized, GridSamplerKernel.cpp) as `(coord + 1) * s - 0.5` with s = size / 2 (or (size - 1) / 2
 * with alignCorners, no shift), the 3-d one (GridSampler.h) as written in gridUnnormalize. Points
 * that land on a pixel centre in one rounding and a hair before it in the other take their
 * one-sided bilinear gradient from different neighbours: the result must round as PyTorch's does.
 */
export function gridUnnormalizeFloat32(coord: number, size: number, alignCorners: boolean, vectorized: boolean): number {
  const f = Math.fround;
  if (vectorized) {
    const c = f(coord + 1);
    return alignCorners ? f(c * f((size - 1) / 2)) : f(f(c * f(size / 2)) - 0.5);
  }
  return alignCorners ? f(f(f(coord + 1) / 2) * (size - 1)) : f(f(f(f(coord + 1) * size) - 1) / 2);
}

/** d(gridUnnormalize)/d(coord). */
export function gridUnnormalizeGrad(size: number, alignCorners: boolean): number {
  return alignCorners ? (size - 1) / 2 : size / 2;
}

/** Reflects x into [low, high], with the bounds given doubled so that half-pixels stay integers. */
function reflect(x: number, twiceLow: number, twiceHigh: number): [number, number] {
  if (twiceLow === twiceHigh) return [0, 0];
  const min = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  let v = x - min, sign = 1;
  if (v < 0) { sign = -1; v = -v; }
  const extra = v % span;
  const flips = Math.floor(v / span);
  return flips % 2 === 0 ? [extra + min, sign] : [span - extra + min, -sign];
}

/**
 * Applies the padding mode to a pixel coordinate (compute_coordinates), returning it with its
 * derivative. Clipping counts the borders as outside, so their derivative is 0 as in PyTorch.
 * Non-finite or huge coordinates become -100 (outside every image), as ATen does.
 */
export function gridPadCoordinate(x: number, size: number, padding: GridSamplePadding, alignCorners: boolean): [number, number] {
  let grad = 1;
  if (padding !== "zeros") {
    if (padding === "reflection") {
      const [r, g] = alignCorners ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
      x = r; grad = g;
    }
    if (x <= 0) { x = 0; grad = 0; } else if (x >= size - 1) { x = size - 1; grad = 0; }
  }
  if (!Number.isFinite(x) || x > 2147483646 || x < -2147483648) x = -100;
  return [x, grad];
}

/** grid_sampler_compute_source_index: grid coordinate → padded pixel coordinate. */
export function gridSourceIndex(coord: number, size: number, padding: GridSamplePadding, alignCorners: boolean): number {
  return gridPadCoordinate(gridUnnormalize(coord, size, alignCorners), size, padding, alignCorners)[0];
}

/** The same, with d(pixel coordinate)/d(grid coordinate); `float32`: unnormalized as ATen's 2-d ("vectorized") or 3-d ("scalar") float32 kernel does. */
export function gridSourceIndexWithGrad(
  coord: number, size: number, padding: GridSamplePadding, alignCorners: boolean, float32: "vectorized" | "scalar" | null = null,
): [number, number] {
  const pixel = float32 === null ? gridUnnormalize(coord, size, alignCorners) : gridUnnormalizeFloat32(coord, size, alignCorners, float32 === "vectorized");
  const [x, g] = gridPadCoordinate(pixel, size, padding, alignCorners);
  return [x, g * gridUnnormalizeGrad(size, alignCorners)];
}
