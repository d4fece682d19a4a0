// HalfCauchy(scale) = |Cauchy(0, scale)| (half_cauchy.py).

import type { Tensor } from "../core/tensor.js";
import { where } from "../ops/comparison.js";
import { full, zerosLike } from "../ops/creation.js";
import { type Constraint, nonnegative, positive } from "./constraints.js";
import { Cauchy } from "./cauchy.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AbsTransform } from "./transforms.js";
import { type TensorLike, bindParams, validateArgsOf } from "./utils.js";

export interface HalfCauchyOptions { scale?: TensorLike; validateArgs?: boolean | null }

export class HalfCauchy extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  declare baseDist: Cauchy;

  constructor(scale: TensorLike | HalfCauchyOptions, validateArgs?: boolean | null | HalfCauchyOptions) {
    super(scale as never);
    const p = bindParams("HalfCauchy", [...arguments], ["scale", "validateArgs"]);
    this.setTransformed(new Cauchy(0, p.scale as TensorLike, false), new AbsTransform(), validateArgsOf(p));
    void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { scale: positive }; }
  override get support(): Constraint { return nonnegative; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined { return name === "scale" ? this.scale : undefined; }
  override toString(): string { return "HalfCauchy()"; }

  get scale(): Tensor { return this.baseDist.scale; }
  override expand(batchShape: readonly number[]): HalfCauchy { return super.expand(batchShape) as HalfCauchy; }

  override get mean(): Tensor { return full(this.extendedShape(), Infinity, { dtype: this.scale.dtype }); }
  override get mode(): Tensor { return zerosLike(this.scale); }
  override get variance(): Tensor { return this.baseDist.variance; }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const v = value.to(this.scale.dtype);
    const logProb = this.baseDist.logProb(v).add(Math.log(2));
    return where(v.ge(0), logProb, -Infinity);
  }
  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.baseDist.cdf(value).mul(2).sub(1);
  }
  override icdf(prob: Tensor): Tensor { return this.baseDist.icdf(prob.add(1).div(2)); }
  override entropy(): Tensor { return this.baseDist.entropy().sub(Math.log(2)); }
}
