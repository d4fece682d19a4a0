// F.* resampling: interpolate (and its upsample aliases), grid_sample, affine_grid, pixel_shuffle
// and pixel_unshuffle, with PyTorch's argument checks and autograd. Kernels:
// src/backends/js/interpolate.ts and grid-sample.ts; 'area' mode is adaptive average pooling.

import { keepChannelsLast } from "./channels-last.js";
import { isNamed, namedRefusal } from "../../ops/named-engine.js";
import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { interpolateOpName } from "../../amp/op-names.js";
import { Tensor } from "../../core/tensor.js";
import { float32, float64, uint8, cppTypeName, scalarTypeName } from "../../core/dtype.js";
import { record } from "../../autograd/record.js";
import { traceOp, tracing } from "../../onnx/hook.js";
import { floatData, scratch } from "./float-scratch.js";
import { type Args, bindArgs, describe, checkArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { fromArray } from "../../ops/engine.js";
import { castTo } from "../../ops/conversion.js";
import { deviceOp, onDevice } from "../../ops/device-hooks.js";
import { permute, reshape, transpose } from "../../ops/view.js";
import { matmul } from "../../ops/blas.js";
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d } from "./pooling.js";
import { type InterpolateMode, type InterpolateParams, interpolateBackward, interpolateForward } from "../../backends/js/interpolate.js";
import {
  type GridSampleMode, type GridSamplePadding, type GridSampleParams, affineGridBase, gridSampleBackward, gridSampleForward,
} from "../../backends/js/grid-sample.js";
import { isQuantizedTensor } from "../../ops/quantized-engine.js";
import { quantizedUpsampleNearest } from "../../ops/quantized-pool.js";

// ---- tensors ↔ kernels ------------------------------------------------------------------------


function sizesStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function requireTensor(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}(): argument '${name}' must be Tensor, not ${describe(v)}`);
  return v;
}

/** float32/float64 compute as is; 16-bit floats in float32; integer inputs (nearest modes) in float64. */
// ---- interpolate ------------------------------------------------------------------------------

export type InterpolateModeName = InterpolateMode | "area";
type SizeArg = number | number[] | null;
type ScaleArg = number | number[] | null;

interface InterpolateOptions {
  size?: SizeArg;
  scaleFactor?: ScaleArg;
  mode?: InterpolateModeName;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}
type InterpolateArgs = Args<
  [size?: SizeArg, scaleFactor?: ScaleArg, mode?: InterpolateModeName, alignCorners?: boolean | null, recomputeScaleFactor?: boolean | null, antialias?: boolean],
  InterpolateOptions
>;

const KERNEL_NAMES: Record<InterpolateMode, [string, string, string]> = {
  "nearest": ["upsample_nearest1d", "upsample_nearest2d", "upsample_nearest3d"],
  "nearest-exact": ["_upsample_nearest_exact1d", "_upsample_nearest_exact2d", "_upsample_nearest_exact3d"],
  "linear": ["upsample_linear1d", "", ""],
  "bilinear": ["", "upsample_bilinear2d", ""],
  "bicubic": ["", "upsample_bicubic2d", ""],
  "trilinear": ["", "", "upsample_trilinear3d"],
};
const NODE_NAMES: Record<string, string> = {
  upsample_nearest1d: "UpsampleNearest1D", upsample_nearest2d: "UpsampleNearest2D", upsample_nearest3d: "UpsampleNearest3D",
  _upsample_nearest_exact1d: "UpsampleNearestExact1D", _upsample_nearest_exact2d: "UpsampleNearestExact2D",
  _upsample_nearest_exact3d: "UpsampleNearestExact3D", upsample_linear1d: "UpsampleLinear1D",
  upsample_bilinear2d: "UpsampleBilinear2D", upsample_bicubic2d: "UpsampleBicubic2D", upsample_trilinear3d: "UpsampleTrilinear3D",
  _upsample_bilinear2d_aa: "UpsampleBilinear2DAa", _upsample_bicubic2d_aa: "UpsampleBicubic2DAa",
};

/** ATen's upsample_{1,2,3}d_shape_check. */
function upsampleShapeCheck(x: Tensor, outSize: readonly number[]): void {
  const k = outSize.length, inS = x.shape.slice(2);
  if (!(inS.every((s) => s > 0) && outSize.every((s) => s > 0))) {
    const names = ["D", "H", "W"].slice(3 - k);
    const fmt = (v: readonly number[]): string => v.map((s, i) => `${names[i]}: ${s}`).join(", ");
    throw new Error(`Input and output sizes should be greater than 0, but got input (${fmt(inS)})${k === 1 ? " and" : ""} output (${fmt(outSize)})`);
  }
  if (x.shape.slice(1).some((s) => s === 0)) {
    throw new Error(`Non-empty ${k + 2}D data tensor expected but got a tensor with sizes ${sizesStr(x.shape)}`);
  }
}

function interpolateOp(x: Tensor, params: InterpolateParams, kernel: string): Tensor {
  if (onDevice(x)) return deviceOp("interpolate")(x, params, NODE_NAMES[kernel]!);
  const outShape = [...x.shape.slice(0, 2), ...params.outputSize];
  const out = scratch(outShape, x.dtype);
  interpolateForward(floatData(x), x.shape, out.data, params);
  let res = out.finish();
  const inShape = x.shape;
  if (x.dtype.isFloatingPoint) res = record(`${NODE_NAMES[kernel]}Backward0`, [x], res, ([g]) => [interpolateBackwardOp(g!, inShape, params, kernel)]);
  if (tracing.on) {
    const { mode, outputSize, alignCorners, scales, antialias } = params;
    traceOp("interpolate", [x], res, { mode, outputSize: outputSize.slice(), alignCorners, scales: scales ? scales.slice() : null, antialias });
  }
  return res;
}

function interpolateBackwardOp(g: Tensor, inShape: number[], params: InterpolateParams, kernel: string): Tensor {
  const out = scratch(inShape, g.dtype);
  interpolateBackward(floatData(g), out.data, inShape, params);
  const res = out.finish();
  return record(`${NODE_NAMES[kernel]}BackwardBackward0`, [g], res, ([gg]) => [interpolateOp(gg!, params, kernel)]);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/**
 * F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False).
 */
export function interpolate(input: Tensor, ...args: InterpolateArgs): Tensor {
  if (autocasting.on && autocasts(interpolateOpName(arguments), arguments)) return runAutocast(interpolate, arguments);
  return keepChannelsLast(interpolateAnyLayout(input, args), input instanceof Tensor ? input : null);
}

function interpolateAnyLayout(input: Tensor, args: InterpolateArgs): Tensor {
  const op = "interpolate";
  const x = requireTensor(op, "input", input);
  const a = bindArgs(op, args, ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor", "antialias"], [], 1);
  const mode = (a.mode as string | undefined) ?? "nearest";
  // PyTorch refuses in the upsample kernel it reaches (upsample_nearest2d.vec, upsample_bilinear2d.vec, ...).
  if (isNamed(x)) throw namedRefusal(`upsample_${mode.replace("-", "_")}${x.dim() - 2}d.vec`);
  let alignCorners = (a.alignCorners as boolean | null | undefined) ?? null;
  let recompute = (a.recomputeScaleFactor as boolean | null | undefined) ?? null;
  const antialias = (a.antialias as boolean | undefined) ?? false;
  const size = (a.size as SizeArg | undefined) ?? null;
  const scaleFactor = (a.scaleFactor as ScaleArg | undefined) ?? null;
  if (mode === "nearest" || mode === "area" || mode === "nearest-exact") {
    if (alignCorners !== null) {
      throw new Error("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
    }
  } else if (alignCorners === null) alignCorners = false;
  const dim = x.dim() - 2;
  let outputSize: number[] | null = null;
  let scales: number[] | null = null;
  if (size !== null && scaleFactor !== null) throw new Error("only one of size or scale_factor should be defined");
  if (size !== null) {
    if (Array.isArray(size)) {
      if (size.length !== dim) {
        throw new Error(
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${sizesStr(x.shape.slice(2))} ` +
          `and output size of ${sizesStr(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      }
      if (!size.every((s) => isInt(s))) {
        const types = (size as unknown[]).map((s) => (isInt(s) ? "<class 'int'>" : typeof s === "number" ? "<class 'float'>" : describe(s)));
        throw new Error(`expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size with types [${types.join(", ")}]`);
      }
      outputSize = size.slice();
    } else {
      if (!isInt(size)) throw new Error(`interpolate(): argument 'size' must be int or tuple of ints, not ${describe(size)}`);
      outputSize = new Array<number>(Math.max(dim, 0)).fill(size);
    }
  } else if (scaleFactor !== null) {
    if (Array.isArray(scaleFactor)) {
      if (scaleFactor.length !== dim) {
        throw new Error(
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${sizesStr(x.shape.slice(2))} ` +
          `and scale_factor of shape ${sizesStr(scaleFactor)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      }
      scales = scaleFactor.slice();
    } else {
      scales = new Array<number>(Math.max(dim, 0)).fill(scaleFactor);
    }
  } else {
    throw new Error("either size or scale_factor should be defined");
  }
  if (recompute === true && size !== null) throw new Error("recompute_scale_factor is not meaningful with an explicit size.");
  // 'area' mode always works from an explicit size.
  if (mode === "area" && outputSize === null) recompute = true;
  if (recompute === true) {
    outputSize = x.shape.slice(2).map((s, i) => Math.floor(s * scales![i]!));
    scales = null;
  }
  if (antialias && !((mode === "bilinear" || mode === "bicubic") && x.dim() === 4)) {
    throw new Error("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input");
  }
  const nd = x.dim();
  const validDims: Record<string, number[]> = {
    "nearest": [3, 4, 5], "nearest-exact": [3, 4, 5], "area": [3, 4, 5],
    "linear": [3], "bilinear": [4], "bicubic": [4], "trilinear": [5],
  };
  if (!validDims[mode]?.includes(nd)) {
    if (nd >= 3 && nd <= 5 && (mode === "linear" || mode === "bilinear" || mode === "trilinear")) {
      throw new Error(`Got ${nd}D input, but ${mode} mode needs ${validDims[mode]![0]}D input`);
    }
    throw new Error(
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  }
  // Sizes from a scale factor are computed in the kernel's precision: floor(input * scale).
  if (outputSize === null) outputSize = x.shape.slice(2).map((s, i) => Math.floor(s * scales![i]!));
  if (mode === "area") {
    const pools = [adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d] as const;
    return pools[dim - 1]!(x, outputSize);
  }
  const m = mode as InterpolateMode;
  let kernel = KERNEL_NAMES[m][dim - 1]!;
  if (antialias) kernel = mode === "bilinear" ? "_upsample_bilinear2d_aa" : "_upsample_bicubic2d_aa";
  upsampleShapeCheck(x, outputSize);
  const nearest = m === "nearest" || m === "nearest-exact";
  if (isQuantizedTensor(x)) {
    if (!nearest) throw new Error(`interpolate: torch-ts has no quantized '${m}' kernel yet (only 'nearest' and 'nearest-exact')`);
    return quantizedUpsampleNearest(x, { mode: m, outputSize, alignCorners: false, scales, antialias });
  }
  if (!x.dtype.isFloatingPoint && !(nearest && x.dtype === uint8)) {
    throw new Error(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  return interpolateOp(x, { mode: m, outputSize, alignCorners: alignCorners ?? false, scales, antialias }, kernel);
}

/** F.upsample: the deprecated alias of interpolate (same arguments, no antialias). */
export function upsample(input: Tensor, ...args: Args<[size?: SizeArg, scaleFactor?: ScaleArg, mode?: InterpolateModeName, alignCorners?: boolean | null], Omit<InterpolateOptions, "recomputeScaleFactor" | "antialias">>): Tensor {
  const a = bindArgs("upsample", args, ["size", "scaleFactor", "mode", "alignCorners"], [], 1);
  return interpolate(input, { size: a.size as SizeArg, scaleFactor: a.scaleFactor as ScaleArg, mode: a.mode as InterpolateModeName, alignCorners: a.alignCorners as boolean | null });
}

/** F.upsample_nearest(input, size=None, scale_factor=None): interpolate in 'nearest' mode. */
export function upsampleNearest(input: Tensor, ...args: Args<[size?: SizeArg, scaleFactor?: ScaleArg], { size?: SizeArg; scaleFactor?: ScaleArg }>): Tensor {
  const a = bindArgs("upsample_nearest", args, ["size", "scaleFactor"], [], 1);
  return interpolate(input, { size: a.size as SizeArg, scaleFactor: a.scaleFactor as ScaleArg, mode: "nearest" });
}

/** F.upsample_bilinear(input, size=None, scale_factor=None): bilinear with align_corners=True. */
export function upsampleBilinear(input: Tensor, ...args: Args<[size?: SizeArg, scaleFactor?: ScaleArg], { size?: SizeArg; scaleFactor?: ScaleArg }>): Tensor {
  const a = bindArgs("upsample_bilinear", args, ["size", "scaleFactor"], [], 1);
  return interpolate(input, { size: a.size as SizeArg, scaleFactor: a.scaleFactor as ScaleArg, mode: "bilinear", alignCorners: true });
}

// ---- grid_sample ------------------------------------------------------------------------------

interface GridSampleOptions { mode?: GridSampleMode; paddingMode?: GridSamplePadding; alignCorners?: boolean | null }
type GridSampleArgs = Args<[mode?: GridSampleMode, paddingMode?: GridSamplePadding, alignCorners?: boolean | null], GridSampleOptions>;


/**
 * F.grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None): 4-D
 * inputs (N, C, H, W) sampled at grid (N, H_out, W_out, 2) of (x, y) in [-1, 1], or 5-D inputs
 * (N, C, D, H, W) at grid (N, D_out, H_out, W_out, 3) of (x, y, z) ('bilinear' is trilinear
 * there; 'bicubic' takes 4-D inputs only).
 */
export function gridSample(input: Tensor, grid: Tensor, ...args: GridSampleArgs): Tensor;
export function gridSample<A extends Rebound<[input: Tensor, grid: Tensor], ["input", "grid"], GridSampleOptions>>(...args: A): Tensor;
export function gridSample(input: Tensor, grid: Tensor, ...args: GridSampleArgs): Tensor {
  if (autocasting.on && autocasts("grid_sampler", arguments)) return runAutocast(gridSample, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? grid : input)) return rebind(gridSample, "grid_sample", arguments, ["input", "grid", "mode", "paddingMode", "alignCorners"], 2, []);
  const op = "grid_sample";
  const x = requireTensor(op, "input", input);
  const g = requireTensor(op, "grid", grid);
  const a = bindArgs(op, args, ["mode", "paddingMode", "alignCorners"], [], 2);
  const mode = (a.mode as string | undefined) ?? "bilinear";
  const padding = (a.paddingMode as string | undefined) ?? "zeros";
  const alignCorners = (a.alignCorners as boolean | null | undefined) ?? false;
  if (mode !== "bilinear" && mode !== "nearest" && mode !== "bicubic") {
    throw new Error(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
  }
  if (padding !== "zeros" && padding !== "border" && padding !== "reflection") {
    throw new Error(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${padding}'`);
  }
  if (x.device.type !== g.device.type) {
    throw new Error(`grid_sampler(): expected input and grid to be on same device, but input is on ${x.device} and grid is on ${g.device}`);
  }
  if (x.dtype !== g.dtype) {
    throw new Error(`grid_sampler(): expected input and grid to have same dtype, but input has ${cppTypeName(x.dtype)} and grid has ${cppTypeName(g.dtype)}`);
  }
  if (x.dim() < 1 || g.dim() < 1 || x.size(0) !== g.size(0)) {
    throw new Error(`grid_sampler(): expected grid and input to have same batch size, but got input with sizes ${sizesStr(x.shape)} and grid with sizes ${sizesStr(g.shape)}`);
  }
  if (g.size(-1) !== x.dim() - 2) {
    throw new Error(`grid_sampler(): expected grid to have size ${x.dim() - 2} in last dimension, but got grid with sizes ${sizesStr(g.shape)}`);
  }
  for (let i = 2; i < x.dim(); i++) {
    if (x.size(i) <= 0) {
      throw new Error(`grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${sizesStr(x.shape)} with dimension ${i} being empty`);
    }
  }
  // ATen sends 4-d inputs to grid_sampler_2d and every other rank to grid_sampler_3d.
  const volumetric = x.dim() !== 4;
  if (x.dim() !== g.dim() || (volumetric && x.dim() !== 5)) {
    throw new Error(`grid_sampler(): expected ${volumetric ? 5 : 4}D input and grid with same number of dimensions, but got input with sizes ${sizesStr(x.shape)} and grid with sizes ${sizesStr(g.shape)}`);
  }
  if (volumetric && mode === "bicubic") throw new Error("grid_sampler(): bicubic interpolation only supports 4D input");
  if (!x.dtype.isFloatingPoint) throw new Error(`"${volumetric ? "grid_sampler3d_cpu" : "grid_sampler_2d_cpu"}" not implemented for '${scalarTypeName(x.dtype)}'`);
  return gridSampleOp(x, g, { mode, paddingMode: padding, alignCorners });
}

function gridSampleOp(x: Tensor, g: Tensor, params: GridSampleParams): Tensor {
  const outShape = [x.size(0), x.size(1), ...g.shape.slice(1, -1)];
  const out = scratch(outShape, x.dtype);
  gridSampleForward(floatData(x), x.shape, floatData(g), g.shape, out.data, params);
  const res = out.finish();
  record(`GridSampler${x.dim() - 2}DBackward0`, [x, g], res, ([go]) => gridSampleBackwardOp(go!, x, g, params), [x, g]);
  if (tracing.on) traceOp("grid_sample", [x, g], res, { mode: params.mode, paddingMode: params.paddingMode, alignCorners: params.alignCorners });
  return res;
}

/** grid_sample's backward as an op; PyTorch has no derivative for it either. */
function gridSampleBackwardOp(go: Tensor, x: Tensor, g: Tensor, params: GridSampleParams): [Tensor | null, Tensor | null] {
  const gi = x._requiresGrad ? scratch(x.shape, x.dtype) : null;
  const gg = g._requiresGrad ? scratch(g.shape, g.dtype) : null;
  gridSampleBackward(floatData(go), floatData(x), x.shape, floatData(g), g.shape, gi ? gi.data : null, gg ? gg.data : null, params);
  const outs = [gi?.finish(), gg?.finish()].filter((t): t is Tensor => t !== undefined);
  if (outs.length) {
    const dims = x.dim() - 2;
    record(`GridSampler${dims}DBackwardBackward0`, [go, x, g], outs, () => {
      throw new Error(`derivative for aten::grid_sampler_${dims}d_backward is not implemented`);
    });
  }
  return [gi ? outs[0]! : null, gg ? outs[outs.length - 1]! : null];
}

// ---- affine_grid ------------------------------------------------------------------------------

/**
 * F.affine_grid(theta, size, align_corners=None): the sampling grid (N, H, W, 2) of the affine
 * maps theta (N, 2, 3) for size (N, C, H, W), or (N, D, H, W, 3) of theta (N, 3, 4) for 5-D sizes.
 * Written as base_grid @ theta^T, so its gradient is matmul's.
 */
export function affineGrid(theta: Tensor, size: number[], ...args: Args<[alignCorners?: boolean | null], { alignCorners?: boolean | null }>): Tensor;
export function affineGrid<A extends Rebound<[theta: Tensor, size: number[]], ["theta", "size"], { alignCorners?: boolean | null }>>(...args: A): Tensor;
export function affineGrid(theta: Tensor, size: number[], ...args: Args<[alignCorners?: boolean | null], { alignCorners?: boolean | null }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? size : theta)) return rebind(affineGrid, "affine_grid", arguments, ["theta", "size", "alignCorners"], 2, []);
  const op = "affine_grid";
  const t = requireTensor(op, "theta", theta);
  const a = bindArgs(op, args, ["alignCorners"], [], 2);
  const alignCorners = (a.alignCorners as boolean | null | undefined) ?? false;
  if (!t.dtype.isFloatingPoint) throw new Error(`Expected theta to have floating point type, but got ${t.dtype}`);
  const torchSize = `torch.Size(${sizesStr(t.shape)})`;
  if (!Array.isArray(size)) throw new Error(`affine_grid(): argument 'size' must be a list of ints, not ${describe(size)}`);
  if (size.length === 4) {
    if (t.dim() !== 3 || t.size(-2) !== 2 || t.size(-1) !== 3) {
      throw new Error(`Expected a batch of 2D affine matrices of shape Nx2x3 for size ${sizesStr(size)}. Got ${torchSize}.`);
    }
  } else if (size.length === 5) {
    if (t.dim() !== 3 || t.size(-2) !== 3 || t.size(-1) !== 4) {
      throw new Error(`Expected a batch of 3D affine matrices of shape Nx3x4 for size ${sizesStr(size)}. Got ${torchSize}.`);
    }
  } else {
    throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${sizesStr(size)}.`);
  }
  const spatial = size.slice(2);
  // PyTorch only warns for unit-size grids with align_corners (behaviour changed in 1.3).
  if (!(alignCorners && Math.min(...spatial) === 1) && Math.min(...size) <= 0) {
    throw new Error(`Expected non-zero, positive output size. Got ${sizesStr(size)}`);
  }
  const N = size[0]!, cols = size.length - 1;
  if (t.size(0) !== N) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${N}, ${cols}] but got: [${t.size(0)}, ${cols}].`);
  }
  const cd = t.dtype === float64 ? float64 : float32;
  const base = affineGridBase(size, alignCorners, cd === float32);
  const rows = base.length / cols;
  let baseT = castTo(fromArray(cd === float64 ? base : Float32Array.from(base), [rows, cols], cd), t.dtype);
  // The base grid is built on the CPU; a device theta gets it on its device.
  if (onDevice(t)) baseT = baseT.to(t.device);
  // (rows, cols) @ (N, cols, dims) → (N, rows, dims)
  const grid = matmul(baseT, transpose(t, 1, 2));
  return reshape(grid, [N, ...spatial, cols - 1]);
}

// ---- pixel shuffle ----------------------------------------------------------------------------

/** F.pixel_shuffle(input, upscale_factor): (*, C*r*r, H, W) → (*, C, H*r, W*r). */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor;
export function pixelShuffle<A extends Rebound<[input: Tensor, upscaleFactor: number], ["input", "upscaleFactor"]>>(...args: A): Tensor;
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  if (arguments.length > 2) checkArgs("pixel_shuffle", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? upscaleFactor : input)) return rebind(pixelShuffle, "pixel_shuffle", arguments, ["input", "upscaleFactor"], 2, []);
  const x = requireTensor("pixel_shuffle", "input", input);
  const r = upscaleFactor;
  if (x.dim() < 3) throw new Error(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  if (!(r > 0)) throw new Error(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const nd = x.dim(), c = x.size(-3), h = x.size(-2), w = x.size(-1);
  if (c % (r * r) !== 0) {
    throw new Error(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  }
  const lead = x.shape.slice(0, nd - 3), L = lead.length;
  const oc = c / (r * r);
  const v = reshape(x, [...lead, oc, r, r, h, w]);
  const p = permute(v, [...lead.map((_, i) => i), L, L + 3, L + 1, L + 4, L + 2]);
  // PyTorch 1.13 keeps a channels-last input's layout.
  return keepChannelsLast(reshape(p, [...lead, oc, h * r, w * r]), x);
}

/** F.pixel_unshuffle(input, downscale_factor): (*, C, H*r, W*r) → (*, C*r*r, H, W). */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor;
export function pixelUnshuffle<A extends Rebound<[input: Tensor, downscaleFactor: number], ["input", "downscaleFactor"]>>(...args: A): Tensor;
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  if (arguments.length > 2) checkArgs("pixel_unshuffle", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? downscaleFactor : input)) return rebind(pixelUnshuffle, "pixel_unshuffle", arguments, ["input", "downscaleFactor"], 2, []);
  const x = requireTensor("pixel_unshuffle", "input", input);
  const r = downscaleFactor;
  if (x.dim() < 3) throw new Error(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${x.dim()} dimension(s)`);
  if (!(r > 0)) throw new Error(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const nd = x.dim(), c = x.size(-3), h = x.size(-2), w = x.size(-1);
  if (h % r !== 0) throw new Error(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new Error(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const lead = x.shape.slice(0, nd - 3), L = lead.length;
  const v = reshape(x, [...lead, c, h / r, r, w / r, r]);
  const p = permute(v, [...lead.map((_, i) => i), L, L + 2, L + 4, L + 1, L + 3]);
  return keepChannelsLast(reshape(p, [...lead, c * r * r, h / r, w / r]), x);
}

/**
 * F.channel_shuffle(input, groups): (N, g*k, *) → (N, k*g, *), channel i*k + j moving to j*g + i
 * (ShuffleNet's shuffle).
 */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  return shuffleChannels("channel_shuffle", input, groups, 3);
}

/**
 * F.native_channel_shuffle(input, groups): channel_shuffle's kernel, which also takes a 2-D
 * (N, C) input. PyTorch 1.13 checks nothing here (and crashes on groups=0); the checks are kept.
 */
export function nativeChannelShuffle(input: Tensor, groups: number): Tensor {
  return shuffleChannels("native_channel_shuffle", input, groups, 2);
}

function shuffleChannels(op: string, input: Tensor, groups: number, minDims: number): Tensor {
  const x = requireTensor(op, "input", input);
  if (typeof groups !== "number" || !Number.isInteger(groups)) throw new Error(`${op}(): argument 'groups' (position 2) must be int, not ${typeof groups}`);
  if (x.dim() < minDims) throw new Error(`${op} expects input with > ${minDims - 1} dims, but got input with sizes [${x.shape.join(", ")}]`);
  if (groups <= 0) throw new Error(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const c = x.size(1);
  if (c % groups !== 0) throw new Error(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  const [n, ...rest] = [x.size(0), ...x.shape.slice(2)];
  const v = reshape(x, [n!, groups, c / groups, ...rest]);
  return reshape(transpose(v, 1, 2), x.shape);
}
