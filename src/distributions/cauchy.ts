// Cauchy(loc, scale) (cauchy.py).

import type { Tensor } from "../core/tensor.js";
import { empty, full } from "../ops/creation.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface CauchyOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class Cauchy extends Distribution {
  loc!: Tensor;
  scale!: Tensor;

  constructor(loc: TensorLike | CauchyOptions, scale?: TensorLike | CauchyOptions, validateArgs?: boolean | null | CauchyOptions) {
    super();
    const p = bindParams("Cauchy", [...arguments], ["loc", "scale", "validateArgs"]);
    if (p.loc === undefined || p.scale === undefined) throw new TypeError("Cauchy.__init__() missing required positional arguments: 'loc' and 'scale'");
    [this.loc, this.scale] = broadcastAll(p.loc, p.scale) as [Tensor, Tensor];
    this.init(typeof p.loc === "number" && typeof p.scale === "number" ? [] : this.loc.shape, [], validateArgsOf(p));
    void scale; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): Cauchy {
    const copy = this.blank();
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
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
