// Dropout, Dropout1d/2d/3d, AlphaDropout and FeatureAlphaDropout: active in training mode only.

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, pyFloat, pyRepr } from "./utils.js";

type DropoutArgs = Args<[p?: number, inplace?: boolean], { p?: number; inplace?: boolean }>;

abstract class DropoutNd extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(cls: string, args: readonly unknown[]) {
    super();
    const a = bindCtor(cls, args, ["p", "inplace"]);
    const p = a.p ?? 0.5;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${typeof p === "number" ? pyFloat(p) : pyRepr(p)}`);
    this.p = p;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override extraRepr(): string { return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`; }
}

export class Dropout extends DropoutNd {
  constructor(...args: DropoutArgs) { super("Dropout", args); }
  override forward(input: Tensor): Tensor { return F.dropout(input, this.p, this.training, this.inplace); }
}

export class Dropout1d extends DropoutNd {
  constructor(...args: DropoutArgs) { super("Dropout1d", args); }
  override forward(input: Tensor): Tensor { return F.dropout1d(input, this.p, this.training, this.inplace); }
}

export class Dropout2d extends DropoutNd {
  constructor(...args: DropoutArgs) { super("Dropout2d", args); }
  override forward(input: Tensor): Tensor { return F.dropout2d(input, this.p, this.training, this.inplace); }
}

export class Dropout3d extends DropoutNd {
  constructor(...args: DropoutArgs) { super("Dropout3d", args); }
  override forward(input: Tensor): Tensor { return F.dropout3d(input, this.p, this.training, this.inplace); }
}

export class AlphaDropout extends DropoutNd {
  constructor(...args: DropoutArgs) { super("AlphaDropout", args); }
  override forward(input: Tensor): Tensor { return F.alphaDropout(input, this.p, this.training); }
}

export class FeatureAlphaDropout extends DropoutNd {
  constructor(...args: DropoutArgs) { super("FeatureAlphaDropout", args); }
  override forward(input: Tensor): Tensor { return F.featureAlphaDropout(input, this.p, this.training); }
}
