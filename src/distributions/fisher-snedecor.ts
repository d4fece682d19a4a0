// FisherSnedecor(df1, df2): the F distribution, X1 / X2 with Xi ~ Gamma(dfi / 2, dfi) (fishersnedecor.py).

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { where } from "../ops/comparison.js";
import { type Constraint, positive } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Gamma } from "./gamma.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface FisherSnedecorOptions { df1?: TensorLike; df2?: TensorLike; validateArgs?: boolean | null }

export class FisherSnedecor extends Distribution {
  df1!: Tensor;
  df2!: Tensor;
  protected _gamma1!: Gamma;
  protected _gamma2!: Gamma;

  constructor(df1: TensorLike | FisherSnedecorOptions, df2?: TensorLike | FisherSnedecorOptions, validateArgs?: boolean | null | FisherSnedecorOptions) {
    super();
    const p = bindParams("FisherSnedecor", [...arguments], ["df1", "df2", "validateArgs"]);
    if (p.df1 === undefined || p.df2 === undefined) throw new TypeError("FisherSnedecor.__init__() missing required positional arguments: 'df1' and 'df2'");
    [this.df1, this.df2] = broadcastAll(p.df1, p.df2) as [Tensor, Tensor];
    this._gamma1 = new Gamma(this.df1.mul(0.5), this.df1);
    this._gamma2 = new Gamma(this.df2.mul(0.5), this.df2);
    this.init(typeof p.df1 === "number" && typeof p.df2 === "number" ? [] : this.df1.shape, [], validateArgsOf(p));
    void df2; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { df1: positive, df2: positive }; }
  override get support(): Constraint { return positive; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): FisherSnedecor {
    const copy = this.blank();
    copy.df1 = this.df1.expand([...batchShape]);
    copy.df2 = this.df2.expand([...batchShape]);
    copy._gamma1 = this._gamma1.expand(batchShape);
    copy._gamma2 = this._gamma2.expand(batchShape);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor {
    const df2 = where(this.df2.le(2), NaN, this.df2);
    return df2.div(df2.sub(2));
  }
  override get mode(): Tensor {
    const mode = this.df1.sub(2).div(this.df1).mul(this.df2).div(this.df2.add(2));
    return where(this.df1.le(2), NaN, mode);
  }
  override get variance(): Tensor {
    const df2 = where(this.df2.le(4), NaN, this.df2);
    return df2.pow(2).mul(2).mul(this.df1.add(df2).sub(2)).div(this.df1.mul(df2.sub(2).pow(2)).mul(df2.sub(4)));
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const x1 = this._gamma1.rsample(sampleShape).view(shape);
    const tiny = finfo(x1.dtype).tiny;
    const x2 = this._gamma2.rsample(sampleShape).view(shape).clamp(tiny);
    return x1.div(x2).clamp(tiny);
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const ct1 = this.df1.mul(0.5), ct2 = this.df2.mul(0.5), ct3 = this.df1.div(this.df2);
    const t1 = ct1.add(ct2).lgamma().sub(ct1.lgamma()).sub(ct2.lgamma());
    const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
    const t3 = ct1.add(ct2).mul(ct3.mul(value).log1p());
    return t1.add(t2).sub(t3);
  }
}
