// Exponential(rate) (exponential.py).

import type { Tensor } from "../core/tensor.js";
import { empty, zerosLike } from "../ops/creation.js";
import { type Constraint, nonnegative, positive } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface ExponentialOptions { rate?: TensorLike; validateArgs?: boolean | null }

export class Exponential extends ExponentialFamily {
  rate!: Tensor;

  constructor(rate: TensorLike | ExponentialOptions, validateArgs?: boolean | null | ExponentialOptions) {
    super();
    const p = bindParams("Exponential", [...arguments], ["rate", "validateArgs"]);
    if (p.rate === undefined) throw new TypeError("Exponential.__init__() missing 1 required positional argument: 'rate'");
    [this.rate] = broadcastAll(p.rate) as [Tensor];
    this.init(typeof p.rate === "number" ? [] : this.rate.shape, [], validateArgsOf(p));
    void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { rate: positive }; }
  override get support(): Constraint { return nonnegative; }
  override get hasRsample(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }

  override expand(batchShape: readonly number[]): Exponential {
    const copy = this.blank();
    copy.rate = this.rate.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.rate.reciprocal(); }
  override get mode(): Tensor { return zerosLike(this.rate); }
  override get stddev(): Tensor { return this.rate.reciprocal(); }
  override get variance(): Tensor { return this.rate.pow(-2); }

  override rsample(sampleShape?: SampleShape): Tensor {
    return empty(this.extendedShape(sampleShape), { dtype: this.rate.dtype }).exponential_().div(this.rate);
  }
  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.rate.log().sub(this.rate.mul(value));
  }
  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.rate.neg().mul(value).exp().neg().add(1);
  }
  override icdf(value: Tensor): Tensor { return value.neg().log1p().neg().div(this.rate); }
  override entropy(): Tensor { return this.rate.log().neg().add(1.0); }
  override get naturalParams(): Tensor[] { return [this.rate.neg()]; }
  override logNormalizer(x: Tensor): Tensor { return x.neg().log().neg(); }
}
