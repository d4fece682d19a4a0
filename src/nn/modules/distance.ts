// PairwiseDistance and CosineSimilarity.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor } from "./utils.js";

export class PairwiseDistance extends Module {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(...args: Args<[p?: number, eps?: number, keepdim?: boolean], { p?: number; eps?: number; keepdim?: boolean }>) {
    super();
    const a = bindCtor("PairwiseDistance", args, ["p", "eps", "keepdim"]);
    this.norm = (a.p as number | undefined) ?? 2;
    this.eps = (a.eps as number | undefined) ?? 1e-6;
    this.keepdim = (a.keepdim as boolean | undefined) ?? false;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor { return F.pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim); }
}

export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  constructor(...args: Args<[dim?: number, eps?: number], { dim?: number; eps?: number }>) {
    super();
    const a = bindCtor("CosineSimilarity", args, ["dim", "eps"]);
    this.dim = (a.dim as number | undefined) ?? 1;
    this.eps = (a.eps as number | undefined) ?? 1e-8;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor { return F.cosineSimilarity(x1, x2, this.dim, this.eps); }
}
