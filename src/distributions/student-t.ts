// StudentT(df, loc = 0, scale = 1) (studentT.py): X / sqrt(Z / df) with X ~ Normal(0, 1), Z ~ Chi2(df).

import type { Tensor } from "../core/tensor.js";
import { where } from "../ops/comparison.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Chi2 } from "./chi2.js";
import { lgamma } from "../ops/special-math.js";
import { type TensorLike, bindParams, broadcastAll, standardNormal, validateArgsOf } from "./utils.js";

export interface StudentTOptions { df?: TensorLike; loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class StudentT extends Distribution {
  df!: Tensor;
  loc!: Tensor;
  scale!: Tensor;
  protected _chi2!: Chi2;

  constructor(df: TensorLike | StudentTOptions, loc?: TensorLike | StudentTOptions, scale?: TensorLike | StudentTOptions, validateArgs?: boolean | null | StudentTOptions) {
    super();
    const p = bindParams("StudentT", [...arguments], ["df", "loc", "scale", "validateArgs"]);
    if (p.df === undefined) throw new TypeError("StudentT.__init__() missing 1 required positional argument: 'df'");
    [this.df, this.loc, this.scale] = broadcastAll(p.df, p.loc ?? 0.0, p.scale ?? 1.0) as [Tensor, Tensor, Tensor];
    this._chi2 = new Chi2(this.df);
    this.init(this.df.shape, [], validateArgsOf(p));
    void loc; void scale; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { df: positive, loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): StudentT {
    const copy = this.blank();
    copy.df = this.df.expand([...batchShape]);
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
    copy._chi2 = this._chi2.expand(batchShape);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return where(this.df.le(1), NaN, this.loc.clone()); }
  override get mode(): Tensor { return this.loc; }
  override get variance(): Tensor {
    const finite = this.scale.pow(2).mul(this.df).div(this.df.sub(2));
    return where(this.df.gt(2), finite, where(this.df.gt(1), Infinity, NaN)).to(this.df.dtype);
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const x = standardNormal(this.extendedShape(sampleShape), this.df.dtype);
    const z = this._chi2.rsample(sampleShape);
    const y = x.mul(z.div(this.df).rsqrt());
    return this.loc.add(this.scale.mul(y));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const y = value.sub(this.loc).div(this.scale);
    const z = this.scale.log().add(this.df.log().mul(0.5)).add(0.5 * Math.log(Math.PI))
      .add(this.df.mul(0.5).lgamma()).sub(this.df.add(1.0).mul(0.5).lgamma());
    return this.df.add(1.0).mul(-0.5).mul(y.pow(2.0).div(this.df).log1p()).sub(z);
  }

  override entropy(): Tensor {
    const lbeta = this.df.mul(0.5).lgamma().add(lgamma(0.5)).sub(this.df.add(1).mul(0.5).lgamma());
    return this.scale.log().add(this.df.add(1).mul(0.5).mul(this.df.add(1).mul(0.5).digamma().sub(this.df.mul(0.5).digamma())))
      .add(this.df.log().mul(0.5)).add(lbeta);
  }
}
