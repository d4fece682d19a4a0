// Reductions and scans of complex tensors over the real view or the parts: sum / mean / cumsum
// reduce the real view (recorded with the real ops' gradients, which hold for complex too), prod
// and cumprod are log-depth trees of complex products composed from real ops (their gradients
// follow PyTorch's convention by themselves). reduction.ts, reduction-more.ts and scan.ts hand
// complex inputs here.

import type { Tensor } from "../core/tensor.js";
import { numel } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { expandReducedGrad, planReduce } from "./reduce-engine.js";
import { rawRealView } from "./complex-engine.js";
import { viewAsComplex } from "./complex-views.js";
import { fromParts, parts } from "./complex-parts.js";
import { cat } from "./shape-join.js";

type Parts = [Tensor, Tensor];

/** The reduced dims of a complex tensor (all of them for null or []); empty for a 0-d tensor. */
function reducedDims(op: string, x: Tensor, dims: readonly number[] | null): number[] {
  return planReduce(op, x, dims, false).dims;
}

/**
 * sum (or mean) of a complex tensor over dims: the real view reduced over the same dims, recorded
 * as PyTorch's SumBackward / MeanBackward (its gradient is the real one's: g expanded).
 */
export function complexSumMean(op: "sum" | "mean", x: Tensor, dims: readonly number[] | null, keepdim: boolean): Tensor {
  const d = reducedDims(op, x, dims);
  if (d.length === 0) return x.clone();
  const value = noGrad(() => {
    const r = rawRealView(x);
    return viewAsComplex((op === "sum" ? r.sum(d, keepdim) : r.mean(d, keepdim)).contiguous());
  });
  const inShape = x.shape, n = numel(d.map((i) => inShape[i]!));
  const node = (op === "sum" ? "SumBackward" : "MeanBackward") + (dims === null ? "0" : "1");
  return record(node, [x], value, ([g]) => {
    const e = expandReducedGrad(g!, inShape, d, keepdim);
    return [op === "sum" ? e : e.div(n)];
  });
}

/** torch.cumsum's values for a complex tensor along a normalized dim (no autograd: cumsum records CumsumBackward0). */
export function complexCumsumValue(x: Tensor, dim: number): Tensor {
  if (x.dim() === 0) return x.detach().clone();
  return noGrad(() => viewAsComplex(rawRealView(x).cumsum(dim).contiguous()));
}

/** (a + bi)(c + di) on parts. */
function mulParts([a, b]: Parts, [c, d]: Parts): Parts {
  return [a.mul(c).sub(b.mul(d)), a.mul(d).add(b.mul(c))];
}
const narrowParts = ([a, b]: Parts, dim: number, start: number, length: number): Parts => [a.narrow(dim, start, length), b.narrow(dim, start, length)];
const catParts = (xs: Parts[], dim: number): Parts => [cat(xs.map((p) => p[0]), dim), cat(xs.map((p) => p[1]), dim)];

/** The product along dim (kept, size 1): halves multiplied pairwise, log2(n) steps. */
function prodAlong(p: Parts, dim: number): Parts {
  let n = p[0].shape[dim]!;
  if (n === 0) return [p[0].sum(dim, true).add(1), p[1].sum(dim, true)];
  while (n > 1) {
    const h = Math.floor(n / 2);
    const halves = mulParts(narrowParts(p, dim, 0, h), narrowParts(p, dim, h, h));
    p = n % 2 ? catParts([halves, narrowParts(p, dim, 2 * h, 1)], dim) : halves;
    n = Math.ceil(n / 2);
  }
  return p;
}

/** torch.prod of a complex tensor: over one dim, or over all elements (dim null). */
export function complexProd(x: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (x.dim() === 0) return x.clone();
  if (dim === null) {
    const [re, im] = prodAlong(parts(x.reshape([-1])), 0);
    const shape = keepdim ? x.shape.map(() => 1) : [];
    return fromParts(re.reshape(shape), im.reshape(shape));
  }
  const d = reducedDims("prod", x, [dim])[0]!;
  const [re, im] = prodAlong(parts(x), d);
  return keepdim ? fromParts(re, im) : fromParts(re.squeeze(d), im.squeeze(d));
}

/** torch.cumprod of a complex tensor along a normalized dim: a Hillis-Steele scan of complex products. */
export function complexCumprod(x: Tensor, dim: number): Tensor {
  if (x.dim() === 0) return x.clone();
  const n = x.shape[dim]!;
  let p = parts(x);
  for (let off = 1; off < n; off *= 2) {
    const shifted = mulParts(narrowParts(p, dim, off, n - off), narrowParts(p, dim, 0, n - off));
    p = catParts([narrowParts(p, dim, 0, off), shifted], dim);
  }
  return fromParts(p[0], p[1]);
}

/** var of a complex tensor: the variances of its parts added (PyTorch's E|z - mean|^2), a real tensor. */
export function complexVar(x: Tensor, variance: (part: Tensor) => Tensor): Tensor {
  const [re, im] = parts(x);
  return variance(re).add(variance(im));
}
