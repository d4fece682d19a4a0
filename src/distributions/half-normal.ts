// HalfNormal(scale) = |Normal(0, scale)| (half_normal.py).

import type { Tensor } from "../core/tensor.js";
import { where } from "../ops/comparison.js";
import { zerosLike } from "../ops/creation.js";
import { type Constraint, nonnegative, positive } from "./constraints.js";
import { Normal } from "./normal.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AbsTransform } from "./transforms.js";
import { type TensorLike, bindParams, validateArgsOf } from "./utils.js";

export interface HalfNormalOptions { scale?: TensorLike; validateArgs?: boolean | null }

export class HalfNormal extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  declare baseDist: Normal;

  constructor(scale: TensorLike | HalfNormalOptions, validateArgs?: boolean | null | HalfNormalOptions) {
    super(scale as never);
    const p = bindParams("HalfNormal", [...arguments], ["scale", "validateArgs"]);
    this.setTransformed(new Normal(0, p.scale as TensorLike, false), new AbsTransform(), validateArgsOf(p));
    void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { scale: positive }; }
  override get support(): Constraint { return nonnegative; }
  override get hasRsample(): boolean { return true; }
  // scale is a property in PyTorch: validated, not in the repr.
  protected override givenParam(name: string): Tensor | undefined { return name === "scale" ? this.scale : undefined; }
  override toString(): string { return "HalfNormal()"; }

  get scale(): Tensor { return this.baseDist.scale; }
  override expand(batchShape: readonly number[]): HalfNormal { return super.expand(batchShape) as HalfNormal; }

  override get mean(): Tensor { return this.scale.mul(Math.sqrt(2 / Math.PI)); }
  override get mode(): Tensor { return zerosLike(this.scale); }
  override get variance(): Tensor { return this.scale.pow(2).mul(1 - 2 / Math.PI); }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const logProb = this.baseDist.logProb(value).add(Math.log(2));
    return where(value.ge(0), logProb, -Infinity);
  }
  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.baseDist.cdf(value).mul(2).sub(1);
  }
  override icdf(prob: Tensor): Tensor { return this.baseDist.icdf(prob.add(1).div(2)); }
  override entropy(): Tensor { return this.baseDist.entropy().sub(Math.log(2)); }
}
