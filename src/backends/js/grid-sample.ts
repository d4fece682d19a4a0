// grid_sample (4-d input: bilinear, nearest, bicubic; 5-d input: trilinear, nearest; padding
// zeros/border/reflection) with its backward for the input and the grid, and affine_grid (2d and
// 3d) with its backward, on contiguous row-major arrays. Semantics follow ATen's CPU grid sampler
// (GridSampler.h, GridSampler.cpp, GridSamplerKernel.cpp) and AffineGridGenerator.cpp.

import type { FloatArray } from "./pool.js";
import { linspaceFloat32 } from "../../core/linspace.js";
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

/** A 4-d input is a volume of depth 1 sampled without a z coordinate. */
interface Geometry {
  N: number; C: number; D: number; H: number; W: number;
  /** Coordinates per grid location: 2 (x, y) or 3 (x, y, z). */
  dims: 2 | 3;
  /** Output locations per batch item: H_out * W_out, or D_out * H_out * W_out. */
  outPlane: number;
}

function geometry(inputShape: readonly number[], gridShape: readonly number[], mode: GridSampleMode): Geometry {
  const dims = inputShape.length - 2;
  if ((dims !== 2 && dims !== 3) || gridShape.length !== inputShape.length || gridShape[dims + 1] !== dims ||
    inputShape[0] !== gridShape[0] || (dims === 3 && mode === "bicubic")) {
    throw new Error(
      "grid_sample kernels: expected input (N, C, H, W) and grid (N, H_out, W_out, 2), or input (N, C, D, H, W) and grid " +
      `(N, D_out, H_out, W_out, 3) without bicubic mode, but got input [${inputShape.join(", ")}] and grid [${gridShape.join(", ")}] (${mode})`,
    );
  }
  const [N, C] = inputShape as [number, number];
  const D = dims === 3 ? inputShape[2]! : 1, H = inputShape[dims]!, W = inputShape[dims + 1]!;
  const outPlane = gridShape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { N, C, D, H, W, dims, outPlane };
}

/**
 * Round half to even (std::nearbyint), as grid_sample's nearest mode rounds. PyTorch 1.13's 3-D
 * CPU kernel rounded ties away from zero (std::round); PyTorch 2.1 made it nearbyint like 2-D.
 */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Where one output location reads the input: up to 16 offsets into one channel's plane or volume
 * (-1 = outside, reads 0) with their weights, plus what the grid's gradient needs.
 */
class Sampler {
  readonly offset = new Int32Array(16);
  readonly weight = new Float64Array(16);
  /** d(weight)/d(pixel x), d(weight)/d(pixel y) and d(weight)/d(pixel z) of every tap. */
  readonly dwx = new Float64Array(16);
  readonly dwy = new Float64Array(16);
  readonly dwz = new Float64Array(16);
  count = 0;
  /** d(pixel coordinate)/d(grid coordinate). */
  gxMult = 0;
  gyMult = 0;
  gzMult = 0;
  private readonly cx = new Float64Array(4);
  private readonly cy = new Float64Array(4);
  private readonly dcx = new Float64Array(4);
  private readonly dcy = new Float64Array(4);

  /** How ATen rounds the unnormalized coordinates of a float32 grid (null: a float64 grid, exact). */
  private readonly float32: "vectorized" | "scalar" | null;

  constructor(private readonly g: Geometry, private readonly p: GridSampleParams, grid: FloatArray) {
    this.float32 = grid instanceof Float32Array ? (g.dims === 2 ? "vectorized" : "scalar") : null;
  }

  private tap(k: number, x: number, y: number, z: number, w: number, dwx: number, dwy: number, dwz: number): void {
    const { D, H, W } = this.g;
    const inside = x >= 0 && x < W && y >= 0 && y < H && z >= 0 && z < D;
    this.offset[k] = inside ? (z * H + y) * W + x : -1;
    this.weight[k] = w;
    this.dwx[k] = dwx;
    this.dwy[k] = dwy;
    this.dwz[k] = dwz;
  }

  /** Grid coordinates (x, y) of a 4-d input, or (x, y, z) of a 5-d one. */
  locate(gx: number, gy: number, gz: number): void {
    const { g: { D, H, W, dims }, p } = this;
    if (p.mode === "bicubic") {
      // Taps are padded one by one: padding the real coordinate first would move the stencil.
      const ix = gridUnnormalize(gx, W, p.alignCorners), iy = gridUnnormalize(gy, H, p.alignCorners);
      this.gxMult = gridUnnormalizeGrad(W, p.alignCorners);
      this.gyMult = gridUnnormalizeGrad(H, p.alignCorners);
      this.gzMult = 0;
      const x0 = Math.floor(ix), y0 = Math.floor(iy);
      const tx = ix - x0, ty = iy - y0;
      cubicCoefficients(tx, this.cx); cubicCoefficients(ty, this.cy);
      cubicCoefficientsGrad(tx, this.dcx); cubicCoefficientsGrad(ty, this.dcy);
      for (let j = 0; j < 4; j++) {
        const py = Math.trunc(gridPadCoordinate(y0 - 1 + j, H, p.paddingMode, p.alignCorners)[0]);
        for (let i = 0; i < 4; i++) {
          const px = Math.trunc(gridPadCoordinate(x0 - 1 + i, W, p.paddingMode, p.alignCorners)[0]);
          this.tap(4 * j + i, px, py, 0, this.cx[i]! * this.cy[j]!, this.dcx[i]! * this.cy[j]!, this.cx[i]! * this.dcy[j]!, 0);
        }
      }
      this.count = 16;
      return;
    }
    const [ix, gxm] = gridSourceIndexWithGrad(gx, W, p.paddingMode, p.alignCorners, this.float32);
    const [iy, gym] = gridSourceIndexWithGrad(gy, H, p.paddingMode, p.alignCorners, this.float32);
    // A 4-d input: one plane at z = 0 with weight 1.
    const [iz, gzm] = dims === 3 ? gridSourceIndexWithGrad(gz, D, p.paddingMode, p.alignCorners, this.float32) : [0, 0];
    this.gxMult = gxm; this.gyMult = gym; this.gzMult = gzm;
    if (p.mode === "nearest") {
      this.tap(0, roundHalfEven(ix), roundHalfEven(iy), roundHalfEven(iz), 1, 0, 0, 0);
      this.count = 1;
      return;
    }
    // (Tri/bi)linear: corners in ATen's order (x fastest, then y, then z), each weight the product
    // of the distances to the opposite corner along every axis.
    const x0 = Math.floor(ix), y0 = Math.floor(iy), z0 = Math.floor(iz);
    const wx0 = x0 + 1 - ix, wx1 = ix - x0, wy0 = y0 + 1 - iy, wy1 = iy - y0;
    const depth = dims === 3 ? 2 : 1;
    let k = 0;
    for (let dz = 0; dz < depth; dz++) {
      const wz = dims === 3 ? (dz === 0 ? z0 + 1 - iz : iz - z0) : 1, dwz = dims === 3 ? (dz === 0 ? -1 : 1) : 0;
      for (let dy = 0; dy < 2; dy++) {
        const wy = dy === 0 ? wy0 : wy1, dwy = dy === 0 ? -1 : 1;
        for (let dx = 0; dx < 2; dx++) {
          const wx = dx === 0 ? wx0 : wx1, dwx = dx === 0 ? -1 : 1;
          this.tap(k++, x0 + dx, y0 + dy, z0 + dz, wx * wy * wz, dwx * wy * wz, wx * dwy * wz, wx * wy * dwz);
        }
      }
    }
    this.count = k;
  }
}

/**
 * grid_sample forward: input (N, C, H, W) with grid (N, H_out, W_out, 2) of (x, y) gives output
 * (N, C, H_out, W_out); input (N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3) of (x, y, z)
 * gives (N, C, D_out, H_out, W_out).
 */
export function gridSampleForward(
  input: FloatArray, inputShape: readonly number[], grid: FloatArray, gridShape: readonly number[],
  output: FloatArray, params: GridSampleParams,
): void {
  const g = geometry(inputShape, gridShape, params.mode);
  const plane = g.D * g.H * g.W, { outPlane, dims } = g;
  const sampler = new Sampler(g, params, grid);
  const { offset, weight } = sampler;
  for (let n = 0; n < g.N; n++) {
    for (let q = 0; q < outPlane; q++) {
      const gi = dims * (n * outPlane + q);
      sampler.locate(grid[gi]!, grid[gi + 1]!, dims === 3 ? grid[gi + 2]! : 0);
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
 * grid_sample backward (4-d or 5-d input). `gradInput` (input's shape) and `gradGrid` (grid's
 * shape) are overwritten; pass null for the one not needed. Nearest mode gives the grid a zero
 * gradient, as PyTorch does.
 */
export function gridSampleBackward(
  gradOutput: FloatArray, input: FloatArray, inputShape: readonly number[],
  grid: FloatArray, gridShape: readonly number[],
  gradInput: FloatArray | null, gradGrid: FloatArray | null, params: GridSampleParams,
): void {
  const g = geometry(inputShape, gridShape, params.mode);
  const plane = g.D * g.H * g.W, { outPlane, dims } = g;
  const sampler = new Sampler(g, params, grid);
  const { offset, weight, dwx, dwy, dwz } = sampler;
  const nearest = params.mode === "nearest";
  // Accumulate in float64 so float32 gradients do not lose the many small contributions.
  const gIn = gradInput ? new Float64Array(g.N * g.C * plane) : null;
  for (let n = 0; n < g.N; n++) {
    for (let q = 0; q < outPlane; q++) {
      const gi = dims * (n * outPlane + q);
      sampler.locate(grid[gi]!, grid[gi + 1]!, dims === 3 ? grid[gi + 2]! : 0);
      const T = sampler.count;
      let gix = 0, giy = 0, giz = 0;
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
          giz += v * dwz[t]!;
        }
      }
      if (gradGrid) {
        gradGrid[gi] = nearest ? 0 : gix * sampler.gxMult;
        gradGrid[gi + 1] = nearest ? 0 : giy * sampler.gyMult;
        if (dims === 3) gradGrid[gi + 2] = nearest ? 0 : giz * sampler.gzMult;
      }
    }
  }
  if (gradInput && gIn) gradInput.set(gIn);
}

// ---- affine_grid ------------------------------------------------------------------------------

/**
 * affine_grid's base coordinates along a dim: linspace(-1, 1), shrunk to pixel centres without
 * align_corners. PyTorch computes them in the grid's dtype: with `float32`, as its float32
 * linspace, then `* (steps - 1)` and `/ steps` each rounded to float32. A base point one
 * float32 ulp off a pixel centre moves grid_sample's one-sided gradient there to the other side.
 */
export function affineGridLinspace(steps: number, alignCorners: boolean, float32 = false): Float64Array {
  const out = new Float64Array(Math.max(steps, 0));
  if (steps <= 1) return out;
  if (float32) {
    const f = Math.fround, range = linspaceFloat32(-1, 1, steps);
    return alignCorners ? range : range.map((v) => f(f(v * (steps - 1)) / steps));
  }
  const step = 2 / (steps - 1);
  for (let i = 0; i < steps; i++) {
    // torch.linspace fills the second half backwards from the end, so both ends are exact.
    const v = i < steps / 2 ? -1 + step * i : 1 - step * (steps - 1 - i);
    out[i] = alignCorners ? v : (v * (steps - 1)) / steps;
  }
  return out;
}

/** affine_grid's base grid, row-major (H*W, 3) of (x, y, 1) or (D*H*W, 4) of (x, y, z, 1); `float32`: computed as PyTorch does for a float32 theta. */
export function affineGridBase(size: readonly number[], alignCorners: boolean, float32 = false): Float64Array {
  return baseGrid(size, alignCorners, float32).base;
}

/** The base grid's rows: (x, y, 1) for 4-d sizes, (x, y, z, 1) for 5-d, in output order. */
function baseGrid(size: readonly number[], alignCorners: boolean, float32 = false): { rows: number; cols: number; base: Float64Array } {
  if (size.length !== 4 && size.length !== 5) throw new Error(`affine_grid kernels: expected a 4-d or 5-d size, got [${size.join(", ")}]`);
  const spatial = size.slice(2);
  const axes = spatial.map((s) => affineGridLinspace(s, alignCorners, float32)).reverse(); // x (W) first
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
