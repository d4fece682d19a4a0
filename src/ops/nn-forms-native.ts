// The torch.* forms of ATen's native normalization and dropout ops, which return PyTorch's tuples:
// torch.native_layer_norm / native_batch_norm / native_group_norm (output, mean, rstd),
// torch.native_dropout (output, mask), and the plain forms torch.native_norm, norm_except_dim,
// native_channel_shuffle, feature_dropout(_). Outputs come from the nn.functional ops; the saved
// statistics are computed beside them, detached (ATen marks them non-differentiable).

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { type DTypeLike, bool } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindRequired, checkInt, checkTensor, describe } from "./args.js";
import { varMean } from "./reduction-more.js";
import { vectorNorm } from "./linalg.js";
import * as F from "../nn/functional/index.js";
import { checkP, dropoutImpl, featureShape, noiseFor } from "../nn/functional/dropout-engine.js";

export { nativeChannelShuffle } from "../nn/functional/index.js";

type Opt = Tensor | null;

/** The biased variance and the mean over `dims` (keepdim), detached: ATen's saved statistics. */
function statistics(x: Tensor, dims: number[], eps: number): { mean: Tensor; rstd: Tensor } {
  const [variance, mean] = varMean(x.detach(), dims, { correction: 0, keepdim: true }) as [Tensor, Tensor];
  return { mean, rstd: variance.add(eps).rsqrt() };
}

/** ATen's plain tuples are arrays (API.md rule 6). */
type Triple = [Tensor, Tensor, Tensor];

/**
 * torch.native_layer_norm(input, normalized_shape, weight, bias, eps) → (output, mean, rstd): mean
 * and rstd have input's leading dims and a 1 for each normalized dim, as in ATen.
 */
export function nativeLayerNorm(input: Tensor, ...args: Args<[normalizedShape: number[], weight: Opt, bias: Opt, eps: number],
  { normalizedShape?: number[]; weight?: Opt; bias?: Opt; eps?: number }>): Triple {
  if (autocasting.on && autocasts("native_layer_norm", arguments)) return runAutocast(nativeLayerNorm, arguments);
  const op = "native_layer_norm";
  const a = bindRequired(op, args, ["normalizedShape", "weight", "bias", "eps"], 4);
  const x = checkTensor(op, "input", input);
  const shape = a.normalizedShape as number[], eps = a.eps as number;
  const out = F.layerNorm(x, shape, a.weight as Opt, a.bias as Opt, eps);
  const k = Array.isArray(shape) ? shape.length : 1;
  const dims = Array.from({ length: k }, (_, i) => x.dim() - k + i);
  const { mean, rstd } = statistics(x, dims, eps);
  return [out, mean, rstd];
}

/**
 * torch.native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)
 * → (output, save_mean, save_invstd): the batch's mean and 1/sqrt(var + eps) per channel when
 * training (running stats updated as F.batch_norm does), empty tensors in evaluation, as in ATen.
 */
export function nativeBatchNorm(input: Tensor, ...args: Args<[weight: Opt, bias: Opt, runningMean: Opt, runningVar: Opt, training: boolean, momentum: number, eps: number],
  { weight?: Opt; bias?: Opt; runningMean?: Opt; runningVar?: Opt; training?: boolean; momentum?: number; eps?: number }>): Triple {
  const op = "native_batch_norm";
  const a = bindRequired(op, args, ["weight", "bias", "runningMean", "runningVar", "training", "momentum", "eps"], 7);
  const x = checkTensor(op, "input", input);
  const training = a.training as boolean, eps = a.eps as number;
  const runningMean = a.runningMean as Opt, runningVar = a.runningVar as Opt;
  // PyTorch 1.13 crashes here; evaluation needs the running statistics.
  if (!training && (!runningMean || !runningVar)) throw new Error("native_batch_norm: running_mean and running_var must be defined in evaluation mode");
  const out = F.batchNorm(x, runningMean, runningVar, a.weight as Opt, a.bias as Opt, training, a.momentum as number, eps);
  if (!training) return [out, x.newEmpty([0]), x.newEmpty([0])];
  const dims = [0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2)];
  const { mean, rstd } = statistics(x, dims, eps);
  return [out, mean.reshape(-1), rstd.reshape(-1)];
}

/**
 * torch.native_group_norm(input, weight, bias, N, C, HxW, group, eps) → (output, mean, rstd), the
 * statistics of shape (N, group).
 */
export function nativeGroupNorm(input: Tensor, ...args: Args<[weight: Opt, bias: Opt, N: number, C: number, HxW: number, group: number, eps: number],
  { weight?: Opt; bias?: Opt; N?: number; C?: number; HxW?: number; group?: number; eps?: number }>): Triple {
  const op = "native_group_norm";
  const a = bindRequired(op, args, ["weight", "bias", "N", "C", "HxW", "group", "eps"], 7);
  const x = checkTensor(op, "input", input);
  const [N, C, HxW, group] = (["N", "C", "HxW", "group"] as const).map((n) => checkInt(op, n, a[n]));
  const eps = a.eps as number;
  if (x.numel() !== N! * C! * HxW!) {
    throw new Error("Expected X.numel() == N * C * HxW to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
  }
  const grouped = x.reshape([N!, C!, HxW!]);
  const out = F.groupNorm(grouped, group!, a.weight as Opt, a.bias as Opt, eps).reshape(x.shape);
  const { mean, rstd } = statistics(grouped.reshape([N!, group!, -1]), [2], eps);
  return [out, mean.reshape([N!, group!]), rstd.reshape([N!, group!])];
}

/**
 * torch.native_dropout(input, p, train) → (output, mask): as ATen's CPU kernel, the mask is
 * bernoulli(1 - p) drawn in input's dtype (the stream of torch.dropout) and the output is
 * input * mask * (1 / (1 - p)); train=false gives (a copy, all true); train=null means true.
 */
export function nativeDropout(input: Tensor, ...args: Args<[p: number, train: boolean | null], { p?: number; train?: boolean | null }>): [Tensor, Tensor] {
  const op = "native_dropout";
  const a = bindRequired(op, args, ["p", "train"], 1);
  if (a.train === undefined) throw new Error(`${op}() missing 1 required positional arguments: "train"`);
  const x = checkTensor(op, "input", input);
  const p = a.p as number, train = a.train as boolean | null;
  if (typeof p !== "number") throw new Error(`${op}(): argument 'p' (position 2) must be float, not ${describe(p)}`);
  if (x.numel() === 0) return [x, x.newEmpty(x.shape)];
  if (train === false) return [x.clone(), x.newOnes(x.shape, { dtype: bool })];
  if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${1 - p}`);
  const noise = noiseFor(x, x.shape, p);
  const mask = noise.dtype === x.dtype ? noise : noise.to(x.dtype);
  return [x.mul(mask).mul(p === 1 ? 0 : 1 / (1 - p)), mask.to(bool)];
}

type NativeNormArgs = Args<[p?: number | null, dim?: number | number[], keepdim?: boolean, dtype?: DTypeLike | null],
  { p?: number | null; dim?: number | number[]; keepdim?: boolean; dtype?: DTypeLike | null }>;

/**
 * torch.native_norm(input, p=2) and native_norm(input, p, dim, keepdim, dtype): the vector p-norm
 * (over every element, or over dim). PyTorch 1.13 registers its kernel for sparse tensors only;
 * on dense tensors this gives the value that kernel gives for the same elements.
 */
export function nativeNorm(input: Tensor, ...args: NativeNormArgs): Tensor {
  const op = "native_norm";
  const a = bindRequired(op, args, ["p", "dim", "keepdim", "dtype"], 0);
  const x = checkTensor(op, "input", input);
  const p = (a.p ?? 2) as number;
  if (a.dim === undefined) {
    if (a.keepdim !== undefined || a.dtype !== undefined) throw new Error(`${op}() missing 1 required positional arguments: "dim"`);
    return vectorNorm(x, p);
  }
  if (a.keepdim === undefined || a.dtype === undefined) {
    throw new Error(`${op}() missing ${a.keepdim === undefined ? 2 : 1} required positional arguments: ${a.keepdim === undefined ? '"keepdim", ' : ""}"dtype"`);
  }
  const dtype = a.dtype as DTypeLike | null;
  return vectorNorm(x, p, a.dim as number | number[], a.keepdim as boolean, dtype === null ? {} : { dtype });
}

/**
 * torch.norm_except_dim(v, pow=2, dim=0): the pow-norm over every dim but `dim`, keepdim (weight
 * norm's g); dim=-1 means the norm of all of v (a 0-d tensor), as in ATen.
 */
export function normExceptDim(v: Tensor, ...args: Args<[pow?: number, dim?: number], { pow?: number; dim?: number }>): Tensor {
  const op = "norm_except_dim";
  const a = bindRequired(op, args, ["pow", "dim"], 0);
  const x = checkTensor(op, "v", v);
  const pow = (a.pow ?? 2) as number, dim = checkInt(op, "dim", a.dim ?? 0);
  if (dim === -1) return vectorNorm(x, pow);
  const d = normalizeDim(dim, x.dim());
  const size = x.size(d);
  const norms = vectorNorm(x.movedim(d, 0).reshape([size, -1]), pow, 1);
  return norms.reshape(x.shape.map((s, i) => (i === d ? size : 1)));
}

type FeatureDropoutArgs = Args<[p: number, train: boolean], { p?: number; train?: boolean }>;

function featureDropoutOf(op: string, input: Tensor, args: readonly unknown[], inplace: boolean): Tensor {
  const a = bindRequired(op, args, ["p", "train"], 2);
  const x = checkTensor(op, "input", input);
  const p = a.p as number;
  checkP(p);
  return dropoutImpl(x, p, a.train as boolean, () => featureShape(x), false, inplace);
}

/** torch.feature_dropout(input, p, train): zeroes whole channels of (N, C, ...), keeping the others scaled by 1 / (1 - p). */
export function featureDropout(input: Tensor, ...args: FeatureDropoutArgs): Tensor { return featureDropoutOf("feature_dropout", input, args, false); }
/** torch.feature_dropout_(input, p, train): featureDropout in place. */
export function featureDropout_(input: Tensor, ...args: FeatureDropoutArgs): Tensor { return featureDropoutOf("feature_dropout_", input, args, true); }
