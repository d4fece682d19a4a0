// grid_sample (2d: bilinear, nearest, bicubic; padding zeros/border/reflection) with its backward
// for the input and the grid, and affine_grid (2d and 3d) with its backward, on contiguous
// row-major arrays. Semantics follow ATen's CPU grid sampler (GridSampler.h, GridSamplerKernel.cpp)
// and AffineGridGenerator.cpp.

import type { FloatArray } from "./pool.js";
import { cubicCoefficients, cubicCoefficientsGrad } from "./interp-taps.js";
import {
  type GridSamplePadding, gridPadCoordinate, gridSourceIndexWithGrad, gridUnnormalize, gridUnnormalizeGrad,
} from "./grid-coords.js";

export * from "./grid-coords.js";

export type GridSampleMode = "bilinear" | "nearest" | "bicubic";

export interface GridSampleParams {
  readonly mode: GridSampleMode;
  readonly paddingMode: GridSamplePadding;
  readonly alignCorners: boolean;
}

interface Geometry {
  N: number; C: number; H: number; W: number; Ho: number; Wo: number;
}

function geometry(inputShape: readonly number[], gridShape: readonly number[]): Geometry {
  if (inputShape.length !== 4 || gridShape.length !== 4 || gridShape[3] !== 2 || inputShape[0] !== gridShape[0]) {
    throw new Error(
      `grid_sample kernels: expected input (N, C, H, W) and grid (N, H_out, W_out, 2), but got input [${inputShape.join(", ")}] and grid [${gridShape.join(", ")}]`,
    );
  }
  const [N, C, H, W] = inputShape as [number, number, number, number];
  return { N, C, H, W, Ho: gridShape[1]!, Wo: gridShape[2]! };
}

/** Round half to even (std::nearbyint), as grid_sample's nearest mode rounds. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Where one output location reads the input: up to 16 plane offsets (-1 = outside, reads 0) with
 * their weights, plus what the grid's gradient needs.
 */
class Sampler {
  readonly offset = new Int32Array(16);
  readonly weight = new Float64Array(16);
  /** d(weight)/d(pixel x) and d(weight)/d(pixel y) of every tap. */
  readonly dwx = new Float64Array(16);
  readonly dwy = new Float64Array(16);
  count = 0;
  /** d(pixel coordinate)/d(grid coordinate). */
  gxMult = 0;
  gyMult = 0;
  private readonly cx = new Float64Array(4);
  private readonly cy = new Float64Array(4);
  private readonly dcx = new Float64Array(4);
  private readonly dcy = new Float64Array(4);

  constructor(private readonly H: number, private readonly W: number, private readonly p: GridSampleParams) {}

  private tap(k: number, x: number, y: number, w: number, dwx: number, dwy: number): void {
    const inside = x >= 0 && x < this.W && y >= 0 && y < this.H;
    this.offset[k] = inside ? y * this.W + x : -1;
    this.weight[k] = w;
    this.dwx[k] = dwx;
    this.dwy[k] = dwy;
  }

  locate(gx: number, gy: number): void {
    const { H, W, p } = this;
    if (p.mode === "bicubic") {
      // Taps are padded one by one: padding the real coordinate first would move the stencil.
      const ix = gridUnnormalize(gx, W, p.alignCorners), iy = gridUnnormalize(gy, H, p.alignCorners);
      this.gxMult = gridUnnormalizeGrad(W, p.alignCorners);
      this.gyMult = gridUnnormalizeGrad(H, p.alignCorners);
      const x0 = Math.floor(ix), y0 = Math.floor(iy);
      const tx = ix - x0, ty = iy - y0;
      cubicCoefficients(tx, this.cx); cubicCoefficients(ty, this.cy);
      cubicCoefficientsGrad(tx, this.dcx); cubicCoefficientsGrad(ty, this.dcy);
      for (let j = 0; j < 4; j++) {
        const py = Math.trunc(gridPadCoordinate(y0 - 1 + j, H, p.paddingMode, p.alignCorners)[0]);
        for (let i = 0; i < 4; i++) {
          const px = Math.trunc(gridPadCoordinate(x0 - 1 + i, W, p.paddingMode, p.alignCorners)[0]);
          this.tap(4 * j + i, px, py, this.cx[i]! * this.cy[j]!, this.dcx[i]! * this.cy[j]!, this.cx[i]! * this.dcy[j]!);
        }
      }
      this.count = 16;
      return;
    }
    const [ix, gxm] = gridSourceIndexWithGrad(gx, W, p.paddingMode, p.alignCorners);
    const [iy, gym] = gridSourceIndexWithGrad(gy, H, p.paddingMode, p.alignCorners);
    this.gxMult = gxm; this.gyMult = gym;
    if (p.mode === "nearest") {
      this.tap(0, roundHalfEven(ix), roundHalfEven(iy), 1, 0, 0);
      this.count = 1;
      return;
    }
    const x0 = Math.floor(ix), y0 = Math.floor(iy);
    const e = x0 + 1 - ix, w = ix - x0, s = y0 + 1 - iy, n = iy - y0;
    this.tap(0, x0, y0, e * s, -s, -e);
    this.tap(1, x0 + 1, y0, w * s, s, -w);
    this.tap(2, x0, y0 + 1, e * n, -n, e);
    this.tap(3, x0 + 1, y0 + 1, w * n, n, w);
    this.count = 4;
  }
}

/** grid_sample forward: input (N, C, H, W), grid (N, H_out, W_out, 2) of (x, y), output (N, C, H_out, W_out). */
export function gridSample2dForward(
  input: FloatArray, inputShape: readonly number[], grid: FloatArray, gridShape: readonly number[],
  output: FloatArray, params: GridSampleParams,
): void {
  const g = geometry(inputShape, gridShape);
  const plane = g.H * g.W, outPlane = g.Ho * g.Wo;
  const sampler = new Sampler(g.H, g.W, params);
  const { offset, weight } = sampler;
  for (let n = 0; n < g.N; n++) {
    for (let q = 0; q < outPlane; q++) {
      const gi = 2 * (n * outPlane + q);
      sampler.locate(grid[gi]!, grid[gi + 1]!);
      const T = sampler.count;
      for (let c = 0; c < g.C; c++) {
        const ib = (n * g.C + c) * plane;
        let acc = 0;
        for (let t = 0; t < T; t++) {
          const o = offset[t]!;
          if (o >= 0) acc += input[ib + o]! * weight[t]!;
        }
        output[(n * g.C + c) * outPlane + q] = acc;
      }
    }
  }
}

/**
 * grid_sample backward. `gradInput` (input's shape) and `gradGrid` (grid's shape) are overwritten;
 * pass null for the one not needed. Nearest mode gives the grid a zero gradient, as PyTorch does.
 */
export function gridSample2dBackward(
  gradOutput: FloatArray, input: FloatArray, inputShape: readonly number[],
  grid: FloatArray, gridShape: readonly number[],
  gradInput: FloatArray | null, gradGrid: FloatArray | null, params: GridSampleParams,
): void {
  const g = geometry(inputShape, gridShape);
  const plane = g.H * g.W, outPlane = g.Ho * g.Wo;
  const sampler = new Sampler(g.H, g.W, params);
  const { offset, weight, dwx, dwy } = sampler;
  // Accumulate in float64 so float32 gradients do not lose the many small contributions.
  const gIn = gradInput ? new Float64Array(g.N * g.C * plane) : null;
  for (let n = 0; n < g.N; n++) {
    for (let q = 0; q < outPlane; q++) {
      const gi = 2 * (n * outPlane + q);
      sampler.locate(grid[gi]!, grid[gi + 1]!);
      const T = sampler.count;
      let gix = 0, giy = 0;
      for (let c = 0; c < g.C; c++) {
        const ib = (n * g.C + c) * plane;
        const go = gradOutput[(n * g.C + c) * outPlane + q]!;
        for (let t = 0; t < T; t++) {
          const o = offset[t]!;
          if (o < 0) continue;
          if (gIn) gIn[ib + o]! += weight[t]! * go;
          const v = input[ib + o]! * go;
          gix += v * dwx[t]!;
          giy += v * dwy[t]!;
        }
      }
      if (gradGrid) {
        const nearest = params.mode === "nearest";
        gradGrid[gi] = nearest ? 0 : gix * sampler.gxMult;
        gradGrid[gi + 1] = nearest ? 0 : giy * sampler.gyMult;
      }
    }
  }
  if (gradInput && gIn) gradInput.set(gIn);
}

// ---- affine_grid ------------------------------------------------------------------------------

/** affine_grid's base coordinates along a dim: linspace(-1, 1), shrunk to pixel centres without align_corners. */
export function affineGridLinspace(steps: number, alignCorners: boolean): Float64Array {
  const out = new Float64Array(Math.max(steps, 0));
  if (steps <= 1) return out;
  const step = 2 / (steps - 1);
  for (let i = 0; i < steps; i++) {
    // torch.linspace fills the second half backwards from the end, so both ends are exact.
    const v = i < steps / 2 ? -1 + step * i : 1 - step * (steps - 1 - i);
    out[i] = alignCorners ? v : (v * (steps - 1)) / steps;
  }
  return out;
}

/** affine_grid's base grid, row-major (H*W, 3) of (x, y, 1) or (D*H*W, 4) of (x, y, z, 1). */
export function affineGridBase(size: readonly number[], alignCorners: boolean): Float64Array {
  return baseGrid(size, alignCorners).base;
}

/** The base grid's rows: (x, y, 1) for 4-d sizes, (x, y, z, 1) for 5-d, in output order. */
function baseGrid(size: readonly number[], alignCorners: boolean): { rows: number; cols: number; base: Float64Array } {
  if (size.length !== 4 && size.length !== 5) throw new Error(`affine_grid kernels: expected a 4-d or 5-d size, got [${size.join(", ")}]`);
  const spatial = size.slice(2);
  const axes = spatial.map((s) => affineGridLinspace(s, alignCorners)).reverse(); // x (W) first
  const cols = spatial.length + 1;
  const rows = spatial.reduce((a, b) => a * b, 1);
  const base = new Float64Array(rows * cols);
  const W = spatial[spatial.length - 1]!, H = spatial[spatial.length - 2]!;
  for (let r = 0; r < rows; r++) {
    const x = r % W, y = Math.floor(r / W) % H, z = Math.floor(r / (W * H));
    base[r * cols] = axes[0]![x]!;
    base[r * cols + 1] = axes[1]![y]!;
    if (cols === 4) base[r * cols + 2] = axes[2]![z]!;
    base[r * cols + cols - 1] = 1;
  }
  return { rows, cols, base };
}

/**
 * affine_grid: theta (N, 2, 3) for size (N, C, H, W) → grid (N, H, W, 2); theta (N, 3, 4) for
 * size (N, C, D, H, W) → grid (N, D, H, W, 3). grid = base @ theta^T per batch.
 */
export function affineGridForward(theta: FloatArray, size: readonly number[], grid: FloatArray, alignCorners: boolean): void {
  const { rows, cols, base } = baseGrid(size, alignCorners);
  const N = size[0]!, dims = cols - 1;
  for (let n = 0; n < N; n++) {
    const th = n * dims * cols;
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < dims; d++) {
        let acc = 0;
        for (let k = 0; k < cols; k++) acc += base[r * cols + k]! * theta[th + d * cols + k]!;
        grid[(n * rows + r) * dims + d] = acc;
      }
    }
  }
}

/** Backward of affine_grid: gradTheta (N, 2, 3) or (N, 3, 4) = gradGrid^T @ base per batch, overwritten. */
export function affineGridBackward(gradGrid: FloatArray, size: readonly number[], gradTheta: FloatArray, alignCorners: boolean): void {
  const { rows, cols, base } = baseGrid(size, alignCorners);
  const N = size[0]!, dims = cols - 1;
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < dims; d++) {
      for (let k = 0; k < cols; k++) {
        let acc = 0;
        for (let r = 0; r < rows; r++) acc += gradGrid[(n * rows + r) * dims + d]! * base[r * cols + k]!;
        gradTheta[(n * dims + d) * cols + k] = acc;
      }
    }
  }
}
