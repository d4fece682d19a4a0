// nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1): local response normalisation across channels
// as PyTorch's legacy autograd Function computes it (torch/nn/_functions.py), quirks included:
// channel 0's square stays in every channel's running window sum, and the backward is that
// Function's formula (a window shifted by int(size - (size - 1) / 2)), not the forward's exact
// derivative. Both are written as channel-mixing matmuls over public ops.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { tensor } from "../../ops/creation.js";
import { matmul } from "../../ops/blas.js";
import { record } from "../../autograd/record.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { Module } from "../module.js";
import { bindCtor, pyRepr } from "./utils.js";

/** A C x C 0/1 matrix with row c set on the channels `member(c, j)` accepts. */
function channelMatrix(c: number, like: Tensor, member: (row: number, col: number) => boolean): Tensor {
  const values: number[] = [];
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) values.push(member(i, j) ? 1 : 0);
  return tensor(values, { dtype: like.dtype, device: like.device }).reshape(c, c);
}

/** Mixes channels: out[n, i] = sum_j m[i, j] * x[n, j]. */
function mixChannels(m: Tensor, x: Tensor): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return matmul(m, x.reshape(n, c, h * w)).reshape(n, c, h, w);
}

function crossMapLrn2d(input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  if (input.dim() !== 4) throw new Error(`CrossMapLRN2d: Expected input to be 4D, got ${input.dim()}D instead.`);
  if (!input.dtype.isFloatingPoint) throw new Error(`CrossMapLRN2d: expected a floating point input, got ${input.dtype.name}`);
  const c = input.shape[1]!;
  const prePad = Math.trunc((size - 1) / 2 + 1);
  // The Function's running sum: channels [c - prePad + 1, c + prePad - 1], and channel 0 always.
  const window = channelMatrix(c, input, (i, j) => j === 0 || (j >= i - prePad + 1 && j <= i + prePad - 1));
  const { scale, out } = noGrad(() => {
    const s = mixChannels(window, input.detach().square()).mul(alpha / size).add(k);
    return { scale: s, out: s.pow(-beta).mul(input.detach()) };
  });
  const inversePrePad = Math.trunc(size - (size - 1) / 2);
  return record("CrossMapLRN2dBackward", [input], out, ([g]) => {
    // grad * scale^-beta - 2·alpha·beta/size · input · sum over the shifted window of grad·out/scale
    const ratio = g!.mul(out).div(scale);
    const back = channelMatrix(c, input, (i, j) => j >= i - inversePrePad && j <= i + size - 1 - inversePrePad);
    return [scale.pow(-beta).mul(g!).sub(input.detach().mul(mixChannels(back, ratio)).mul((2 * alpha * beta) / size))];
  });
}

export class CrossMapLRN2d extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(...args: Args<[size: number, alpha?: number, beta?: number, k?: number], { size?: number; alpha?: number; beta?: number; k?: number }>) {
    super();
    const a = bindCtor("CrossMapLRN2d", args, ["size", "alpha", "beta", "k"], 1);
    if (typeof a.size !== "number" || !Number.isInteger(a.size) || a.size < 1) throw new Error(`CrossMapLRN2d: size must be a positive integer, got ${pyRepr(a.size)}`);
    this.size = a.size;
    this.alpha = (a.alpha as number | undefined) ?? 1e-4;
    this.beta = (a.beta as number | undefined) ?? 0.75;
    this.k = (a.k as number | undefined) ?? 1;
  }
  override forward(input: Tensor): Tensor { return crossMapLrn2d(input, this.size, this.alpha, this.beta, this.k); }
  override extraRepr(): string { return `${this.size}, alpha=${pyRepr(this.alpha)}, beta=${pyRepr(this.beta)}, k=${pyRepr(this.k)}`; }
}
