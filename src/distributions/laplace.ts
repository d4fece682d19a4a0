// Laplace(loc, scale) (laplace.py).

import type { Tensor } from "../core/tensor.js";
import { empty } from "../ops/creation.js";
import { finfo } from "../core/type-info.js";
import type { SampleShape } from "./distribution.js";
import { LocScaleDistribution, type LocScaleOptions } from "./loc-scale.js";
import type { TensorLike } from "./utils.js";

export type LaplaceOptions = LocScaleOptions;

export class Laplace extends LocScaleDistribution {
  constructor(loc: TensorLike | LaplaceOptions, scale?: TensorLike | LaplaceOptions, validateArgs?: boolean | null | LaplaceOptions) {
    super("Laplace", [...arguments]);
    void loc; void scale; void validateArgs;
  }

  override get mean(): Tensor { return this.loc; }
  override get mode(): Tensor { return this.loc; }
  override get variance(): Tensor { return this.scale.pow(2).mul(2); }
  override get stddev(): Tensor { return this.scale.mul(2 ** 0.5); }

  override rsample(sampleShape?: SampleShape): Tensor {
    const u = empty(this.extendedShape(sampleShape), { dtype: this.loc.dtype }).uniform_(finfo(this.loc.dtype).eps - 1, 1);
    return this.loc.sub(this.scale.mul(u.sign()).mul(u.abs().neg().log1p()));
  }
  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.scale.mul(2).log().neg().sub(value.sub(this.loc).abs().div(this.scale));
  }
  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const d = value.sub(this.loc);
    return d.sign().mul(0.5).mul(d.abs().neg().div(this.scale).expm1()).neg().add(0.5);
  }
  override icdf(value: Tensor): Tensor {
    const term = value.sub(0.5);
    return this.loc.sub(this.scale.mul(term.sign()).mul(term.abs().mul(-2).log1p()));
  }
  override entropy(): Tensor { return this.scale.mul(2).log().add(1); }
}
