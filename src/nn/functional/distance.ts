// F.pairwise_distance, F.cosine_similarity, F.pdist (torch.cdist lives in src/ops/blas.ts), composed
// of public ops as in ATen, so their gradients (and double backward) follow.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { resultType } from "../../ops/promotion.js";
import { broadcastTensors } from "../../ops/shape-join.js";
import { triuIndices } from "../../ops/creation.js";
import { boolArg, intArg, numberArg, scalarName, tensorArg } from "./loss-util.js";

/** F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False): ‖x1 - x2 + eps‖_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: Args<[p?: number, eps?: number, keepdim?: boolean], { p?: number; eps?: number; keepdim?: boolean }>): Tensor;
export function pairwiseDistance<A extends Rebound<[x1: Tensor, x2: Tensor], ["x1", "x2"], { p?: number; eps?: number; keepdim?: boolean }>>(...args: A): Tensor;
export function pairwiseDistance(x1: Tensor, x2: Tensor,
  ...args: Args<[p?: number, eps?: number, keepdim?: boolean], { p?: number; eps?: number; keepdim?: boolean }>): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? x2 : x1)) return rebind(pairwiseDistance, "pairwise_distance", arguments, ["x1", "x2", "p", "eps", "keepdim"], 2, []);
  const op = "pairwise_distance";
  const a = bindArgs(op, args, ["p", "eps", "keepdim"], [], 2);
  const u = tensorArg(op, "x1", 1, x1), v = tensorArg(op, "x2", 2, x2);
  const p = numberArg(op, "p", a.p, 2), eps = numberArg(op, "eps", a.eps, 1e-6);
  const keepdim = boolArg(op, "keepdim", a.keepdim, false);
  const innermost = Math.max(u.dim(), v.dim()) - 1;
  return u.sub(v).add(eps).norm(p, innermost, keepdim);
}

/**
 * F.cosine_similarity(x1, x2, dim=1, eps=1e-8): Σ (x1/max(‖x1‖, eps)) (x2/max(‖x2‖, eps)) over dim;
 * each norm is clamped on its own (without a gradient through the clamp), as ATen does.
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: Args<[dim?: number, eps?: number], { dim?: number; eps?: number }>): Tensor;
export function cosineSimilarity<A extends Rebound<[x1: Tensor, x2: Tensor], ["x1", "x2"], { dim?: number; eps?: number }>>(...args: A): Tensor;
export function cosineSimilarity(x1: Tensor, x2: Tensor,
  ...args: Args<[dim?: number, eps?: number], { dim?: number; eps?: number }>): Tensor {
  if (autocasting.on && autocasts("cosine_similarity", arguments)) return runAutocast(cosineSimilarity, arguments);
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? x2 : x1)) return rebind(cosineSimilarity, "cosine_similarity", arguments, ["x1", "x2", "dim", "eps"], 2, []);
  const op = "cosine_similarity";
  const a = bindArgs(op, args, ["dim", "eps"], [], 2);
  let u = tensorArg(op, "x1", 1, x1), v = tensorArg(op, "x2", 2, x2);
  const dim = intArg(op, "dim", a.dim, 1), eps = numberArg(op, "eps", a.eps, 1e-8);
  const common = resultType(u, v);
  if (!common.isFloatingPoint) throw new Error(`expected common dtype to be floating point, yet common dtype is ${scalarName(common)}`);
  if (!u.dtype.isFloatingPoint) u = u.to(common);
  if (!v.dtype.isFloatingPoint) v = v.to(common);
  [u, v] = broadcastTensors(u, v) as [Tensor, Tensor];
  const nu = u.norm(2, dim, true).clone(), nv = v.norm(2, dim, true).clone();
  noGrad(() => { nu.clampMin_(eps); nv.clampMin_(eps); });
  return u.div(nu).mul(v.div(nv)).sum(dim);
}

/** F.pdist(input, p=2): the p-norm distances of all row pairs i < j, in row-major order. */
export function pdist(input: Tensor, ...args: Args<[p?: number], { p?: number }>): Tensor {
  if (autocasting.on && autocasts("pdist", arguments)) return runAutocast(pdist, arguments);
  const op = "pdist";
  const a = bindArgs(op, args, ["p"], [], 1);
  const x = tensorArg(op, "input", 1, input);
  const p = numberArg(op, "p", a.p, 2);
  if (x.dim() !== 2) throw new Error(`pdist only supports 2D tensors, got: ${x.dim()}D`);
  if (!x.dtype.isFloatingPoint) throw new Error("pdist only supports floating-point dtypes");
  if (!(p >= 0)) throw new Error("pdist only supports non-negative p values");
  const n = x.size(0);
  const idx = triuIndices(n, n, 1);
  const d = x.indexSelect(0, idx.get(0)).sub(x.indexSelect(0, idx.get(1)));
  return d.norm(p, 1);
}
