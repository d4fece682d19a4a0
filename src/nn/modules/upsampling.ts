// Upsample, UpsamplingNearest2d and UpsamplingBilinear2d (through F.interpolate).

import type { Tensor } from "../../core/tensor.js";
import { type Args } from "../../ops/args.js";
import { Module } from "../module.js";
import * as F from "../functional/index.js";
import { bindCtor, pyRepr } from "./utils.js";

type Size = number | number[] | null;
type Scale = number | number[] | null;

interface UpsampleOptions {
  size?: Size;
  scaleFactor?: Scale;
  mode?: F.InterpolateModeName;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

export class Upsample extends Module {
  readonly size: Size;
  readonly scaleFactor: Scale;
  readonly mode: F.InterpolateModeName;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(...args: Args<[size?: Size, scaleFactor?: Scale, mode?: F.InterpolateModeName, alignCorners?: boolean | null, recomputeScaleFactor?: boolean | null], UpsampleOptions>) {
    super();
    const a = bindCtor(new.target.name, args, ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"]);
    this.size = (a.size as Size | undefined) ?? null;
    const sf = a.scaleFactor as Scale | undefined;
    this.scaleFactor = sf === undefined || sf === null || sf === 0 ? null : sf;
    this.mode = (a.mode as F.InterpolateModeName | undefined) ?? "nearest";
    this.alignCorners = (a.alignCorners as boolean | null | undefined) ?? null;
    this.recomputeScaleFactor = (a.recomputeScaleFactor as boolean | null | undefined) ?? null;
  }
  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scaleFactor, this.mode, this.alignCorners, { recomputeScaleFactor: this.recomputeScaleFactor });
  }
  override extraRepr(): string {
    // PyTorch stores scale_factor as float(s): it prints 2.0 for 2.
    const info = this.scaleFactor !== null ? `scale_factor=${pyRepr(this.scaleFactor, true)}` : `size=${pyRepr(this.size)}`;
    return `${info}, mode=${pyRepr(this.mode)}`;
  }
}

type SizeScaleArgs = Args<[size?: Size, scaleFactor?: Scale], { size?: Size; scaleFactor?: Scale }>;

export class UpsamplingNearest2d extends Upsample {
  constructor(...args: SizeScaleArgs) {
    const a = bindCtor("UpsamplingNearest2d", args, ["size", "scaleFactor"]);
    super({ size: (a.size as Size | undefined) ?? null, scaleFactor: (a.scaleFactor as Scale | undefined) ?? null, mode: "nearest" });
  }
}

export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: SizeScaleArgs) {
    const a = bindCtor("UpsamplingBilinear2d", args, ["size", "scaleFactor"]);
    super({ size: (a.size as Size | undefined) ?? null, scaleFactor: (a.scaleFactor as Scale | undefined) ?? null, mode: "bilinear", alignCorners: true });
  }
}
