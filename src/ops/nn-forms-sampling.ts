// The torch.* forms of embedding_bag, embedding_renorm_, grid_sample and affine_grid with ATen's
// signatures: modes as ints (embedding_bag: 0 sum, 1 mean, 2 max; grid_sampler: 0 bilinear,
// 1 nearest, 2 bicubic and 0 zeros, 1 border, 2 reflection), every argument positional, and
// embedding_bag's four outputs. Each calls the nn.functional implementation; torch.conv_tbc is F.conv_tbc.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { type DType, bfloat16, float16, float32, float64 } from "../core/dtype.js";
import { type Args, bindArgs, bindRequired, checkBool, checkInt, checkTensor, isOptionsObject, rebind } from "./args.js";
import { fromArray } from "./engine.js";
import * as F from "../nn/functional/index.js";
import { floatValues, intValues, numberArg } from "../nn/functional/loss-util.js";
import { renormEmbeddingRows } from "../nn/functional/embedding-renorm.js";
import { record } from "../autograd/record.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { applyInPlace } from "./inplace.js";
import { kernelTypeName } from "./pointwise-util.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

export { convTbc } from "../nn/functional/index.js";

type Opt = Tensor | null;

/**
 * torch.embedding_renorm_(input, indices, max_norm, norm_type): each distinct row of the 2-D input
 * named by indices (int64/int32, negative ones count from the end) whose norm_type-norm exceeds
 * max_norm is scaled to max_norm / (norm + 1e-7) of itself, in place; what F.embedding's max_norm
 * does. PyTorch has no derivative for it: a backward through it throws, and a leaf that requires
 * grad is refused while grad mode is on (F.embedding calls it under no_grad).
 */
export function embeddingRenorm_(input: Tensor, indices: Tensor, ...args: Args<[maxNorm: number, normType: number], { maxNorm?: number; normType?: number }>): Tensor {
  const names = ["input", "indices", "maxNorm", "normType"];
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indices : input)) return rebind(embeddingRenorm_, "embedding_renorm_", arguments, names, 4, []);
  const op = "embedding_renorm_";
  const a = bindRequired(op, args, names.slice(2), 2, [], 2);
  const w = checkTensor(op, "input", input), idx = checkTensor(op, "indices", indices);
  const maxNorm = numberArg(op, "max_norm", a.maxNorm, 0), normType = numberArg(op, "norm_type", a.normType, 0);
  if (w.dim() !== 2) throw new Error(`Expected 2-dimensional tensor, but got ${w.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for embedding_renorm_)`);
  if (idx.dtype.name !== "int64" && idx.dtype.name !== "int32") {
    throw new Error(`Expected tensor for argument #2 'indices' to have one of the following scalar types: Long, Int; but got ${idx.type()} instead (while checking arguments for embedding_renorm_)`);
  }
  if (onDevice(w, idx)) throw notImplementedOnDevice(op);
  const V = w.size(0);
  const rows = Array.from(intValues(idx), (r) => {
    if (r < -V || r >= V) throw new Error(`select(): index ${r} out of range for tensor of size [${w.shape.join(", ")}] at dimension 0`);
    return r < 0 ? r + V : r;
  });
  if (rows.length && !w.dtype.isFloatingPoint && !w.dtype.isComplex) throw new Error(`norm(): input dtype should be either floating point or complex. Got ${kernelTypeName(w.dtype)} instead.`);
  // ATen scales each row through a view of it: on a leaf that requires grad, that view's error.
  if (isGradEnabled() && w.isLeaf && w.requiresGrad) throw new Error(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`);
  return applyInPlace(op, w, [], () => renormEmbeddingRows(w, rows, maxNorm, normType), (snapshot) => {
    const out = snapshot.detach().clone();
    renormEmbeddingRows(out, rows, maxNorm, normType);
    return record("EmbeddingRenormBackward0", [snapshot], out, () => { throw new Error("the derivative for 'embedding_renorm' is not implemented."); });
  });
}
const BAG_MODES = ["sum", "mean", "max"] as const;

interface EmbeddingBagOptions {
  offsets?: Tensor; scaleGradByFreq?: boolean; mode?: number; sparse?: boolean; perSampleWeights?: Opt; includeLastOffset?: boolean; paddingIdx?: number | null;
}

/** An int64-like result in the indices' dtype (ATen gives offset2bag, bag_size, max_indices that dtype). */
function indexTensor(values: ArrayLike<number>, shape: number[], dtype: DType): Tensor {
  return fromArray(Float64Array.from(values), shape, float64).to(dtype);
}

/**
 * torch.embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
 * per_sample_weights=None, include_last_offset=False, padding_idx=None) → (output, offset2bag,
 * bag_size, max_indices), as ATen's CPU kernel gives them: offset2bag (the bag of each index) is
 * empty on the sum fast path (float32/16-bit weight with unit column stride, no padding_idx);
 * bag_size is zeros (one per offset) for sum and the non-padding count per bag otherwise;
 * max_indices is zeros for sum, bag_size for mean, and the chosen row per bag and column for max.
 */
export function embeddingBag(weight: Tensor, indices: Tensor, offsets: Tensor,
  ...args: Args<[scaleGradByFreq?: boolean, mode?: number, sparse?: boolean, perSampleWeights?: Opt, includeLastOffset?: boolean, paddingIdx?: number | null], EmbeddingBagOptions>): [Tensor, Tensor, Tensor, Tensor] {
  const names = ["weight", "indices", "offsets", "scaleGradByFreq", "mode", "sparse", "perSampleWeights", "includeLastOffset", "paddingIdx"];
  if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? offsets : arguments.length === 2 ? indices : weight)) return rebind(embeddingBag, "embedding_bag", arguments, names, 3, []);
  const op = "embedding_bag";
  const a = bindArgs(op, args, names.slice(3), [], 3);
  const w = checkTensor(op, "weight", weight), idx = checkTensor(op, "indices", indices), off = checkTensor(op, "offsets", offsets);
  const modeIndex = checkInt(op, "mode", a.mode ?? 0);
  const mode = BAG_MODES[modeIndex];
  if (mode === undefined) throw new Error(`embedding_bag: unknown mode ${modeIndex}; expected 0 (sum), 1 (mean) or 2 (max)`);
  if (idx.dim() !== 1) throw new Error(`Expected 1-dimensional tensor, but got ${idx.dim()}-dimensional tensor for argument #1 'indices' (while checking arguments for embedding_bag)`);
  const includeLast = checkBool(op, "include_last_offset", a.includeLastOffset ?? false);
  const psw = (a.perSampleWeights ?? null) as Opt;
  const padding = a.paddingIdx === undefined || a.paddingIdx === null ? null : checkInt(op, "padding_idx", a.paddingIdx);
  const V = w.dim() === 2 ? w.size(0) : 0;
  if (padding !== null && !(padding >= -V && padding < V)) throw new Error(`padding_idx must be within the number of embeddings, -${V} through ${V - 1}, but got ${padding}`);
  if (psw && mode !== "sum") throw new Error("embedding_bag: per_sample_weights only supported with mode='sum'");
  const output = F.embeddingBag(idx, w, {
    offsets: off, scaleGradByFreq: checkBool(op, "scale_grad_by_freq", a.scaleGradByFreq ?? false), mode,
    sparse: checkBool(op, "sparse", a.sparse ?? false), perSampleWeights: psw, includeLastOffset: includeLast, paddingIdx: padding,
  });
  const iv = intValues(idx), ov = intValues(off), n = iv.length, D = w.size(1);
  const bags = includeLast ? ov.length - 1 : ov.length;
  const pad = padding === null ? -1 : padding < 0 ? padding + V : padding;
  const fastPath = mode === "sum" && [float32, float16, bfloat16].includes(w.dtype) && w.stride(1) === 1 && pad < 0;
  // The bag of index i counts the offsets after the first that are <= i (ATen's cumsum rule).
  const offset2bag = new Float64Array(fastPath ? 0 : n);
  if (!fastPath) for (let k = 1; k < ov.length; k++) if (ov[k]! < n) offset2bag[ov[k]!] = offset2bag[ov[k]!]! + 1;
  for (let i = 1; i < offset2bag.length; i++) offset2bag[i] = offset2bag[i]! + offset2bag[i - 1]!;
  const dtype = idx.dtype;
  const bagBounds = (b: number): [number, number] => [ov[b]!, b + 1 < ov.length ? ov[b + 1]! : n];
  if (mode === "sum") {
    const zeros = new Float64Array(ov.length);
    return [output, indexTensor(offset2bag, [offset2bag.length], dtype), indexTensor(zeros, [ov.length], dtype), indexTensor(zeros, [ov.length], dtype)];
  }
  const bagSize = new Float64Array(bags);
  for (let b = 0; b < bags; b++) {
    const [start, end] = bagBounds(b);
    for (let e = start; e < end; e++) if (iv[e] !== pad) bagSize[b] = bagSize[b]! + 1;
  }
  const sizes = indexTensor(bagSize, [bags], dtype);
  if (mode === "mean") return [output, indexTensor(offset2bag, [n], dtype), sizes, sizes.clone()];
  // Max: the first row holding each column's maximum (ATen replaces only on a strictly greater value).
  const wv = floatValues(w.contiguous());
  const argmax = new Float64Array(bags * D);
  for (let b = 0; b < bags; b++) {
    const [start, end] = bagBounds(b);
    for (let d = 0; d < D; d++) {
      let best = -1;
      for (let e = start; e < end; e++) {
        const r = iv[e]!;
        if (r === pad) continue;
        if (best < 0 || wv[r * D + d]! > wv[best * D + d]!) best = r;
      }
      argmax[b * D + d] = Math.max(best, 0);
    }
  }
  return [output, indexTensor(offset2bag, [n], dtype), sizes, indexTensor(argmax, [bags, D], dtype)];
}

const INTERPOLATION = ["bilinear", "nearest", "bicubic"] as const;
const PADDING = ["zeros", "border", "reflection"] as const;
type GridSamplerArgs = Args<[interpolationMode: number, paddingMode: number, alignCorners: boolean],
  { interpolationMode?: number; paddingMode?: number; alignCorners?: boolean }>;

function gridSamplerOf(op: string, input: Tensor, grid: Tensor, args: readonly unknown[], dims: number | null): Tensor {
  const a = bindRequired(op, args, ["interpolationMode", "paddingMode", "alignCorners"], 3);
  const x = checkTensor(op, "input", input), g = checkTensor(op, "grid", grid);
  const interpolation = checkInt(op, "interpolation_mode", a.interpolationMode), padding = checkInt(op, "padding_mode", a.paddingMode);
  const mode = INTERPOLATION[interpolation], paddingMode = PADDING[padding];
  if (mode === undefined) throw new Error(`${op}(): interpolation_mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), but got ${interpolation}`);
  if (paddingMode === undefined) throw new Error(`${op}(): padding_mode must be 0 (zeros), 1 (border) or 2 (reflection), but got ${padding}`);
  if (dims !== null && (x.dim() !== dims || g.dim() !== dims)) {
    if (dims === 5 && mode === "bicubic") throw new Error("grid_sampler(): bicubic interpolation only supports 4D input");
    throw new Error(`grid_sampler(): expected ${dims}D input and grid with same number of dimensions, but got input with sizes [${x.shape.join(", ")}] and grid with sizes [${g.shape.join(", ")}]`);
  }
  return F.gridSample(x, g, mode, paddingMode, checkBool(op, "align_corners", a.alignCorners));
}

/** torch.grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners): F.grid_sample with ATen's int modes. */
export function gridSampler(input: Tensor, grid: Tensor, ...args: GridSamplerArgs): Tensor { if (autocasting.on && autocasts("grid_sampler", arguments)) return runAutocast(gridSampler, arguments); return gridSamplerOf("grid_sampler", input, grid, args, null); }
/** torch.grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners): 4-D input and grid. */
export function gridSampler2d(input: Tensor, grid: Tensor, ...args: GridSamplerArgs): Tensor { if (autocasting.on && autocasts("grid_sampler_2d", arguments)) return runAutocast(gridSampler2d, arguments); return gridSamplerOf("grid_sampler_2d", input, grid, args, 4); }
/** torch.grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners): 5-D input and grid. */
export function gridSampler3d(input: Tensor, grid: Tensor, ...args: GridSamplerArgs): Tensor { if (autocasting.on && autocasts("grid_sampler_3d", arguments)) return runAutocast(gridSampler3d, arguments); return gridSamplerOf("grid_sampler_3d", input, grid, args, 5); }

/** torch.affine_grid_generator(theta, size, align_corners): F.affine_grid with align_corners required. */
export function affineGridGenerator(theta: Tensor, ...args: Args<[size: number[], alignCorners: boolean], { size?: number[]; alignCorners?: boolean }>): Tensor {
  const op = "affine_grid_generator";
  const a = bindRequired(op, args, ["size", "alignCorners"], 2);
  return F.affineGrid(checkTensor(op, "theta", theta), a.size as number[], checkBool(op, "align_corners", a.alignCorners));
}
