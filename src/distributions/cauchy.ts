// Cauchy(loc, scale) (cauchy.py).

import type { Tensor } from "../core/tensor.js";
import { empty, full } from "../ops/creation.js";
import type { SampleShape } from "./distribution.js";
import { LocScaleDistribution, type LocScaleOptions } from "./loc-scale.js";
import type { TensorLike } from "./utils.js";

export type CauchyOptions = LocScaleOptions;

export class Cauchy extends LocScaleDistribution {
  constructor(loc: TensorLike | CauchyOptions, scale?: TensorLike | CauchyOptions, validateArgs?: boolean | null | CauchyOptions) {
    super("Cauchy", [...arguments]);
    void loc; void scale; void validateArgs;
  }

  override get mean(): Tensor { return full(this.extendedShape(), NaN, { dtype: this.loc.dtype }); }
  override get mode(): Tensor { return this.loc; }
  override get variance(): Tensor { return full(this.extendedShape(), Infinity, { dtype: this.loc.dtype }); }

  override rsample(sampleShape?: SampleShape): Tensor {
    const eps = empty(this.extendedShape(sampleShape), { dtype: this.loc.dtype }).cauchy_();
    return this.loc.add(eps.mul(this.scale));
  }
  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.scale.log().add(Math.log(Math.PI)).neg().sub(value.sub(this.loc).div(this.scale).pow(2).log1p());
  }
  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return value.sub(this.loc).div(this.scale).atan().div(Math.PI).add(0.5);
  }
  override icdf(value: Tensor): Tensor { return value.sub(0.5).mul(Math.PI).tan().mul(this.scale).add(this.loc); }
  override entropy(): Tensor { return this.scale.log().add(Math.log(4 * Math.PI)); }
}
