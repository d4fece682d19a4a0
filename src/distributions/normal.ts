// Normal(loc, scale) (torch/distributions/normal.py).

import { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { normal } from "../ops/random.js";
import { type Constraint, real, positive } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, standardNormal, validateArgsOf } from "./utils.js";

export interface NormalOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class Normal extends ExponentialFamily {
  loc!: Tensor;
  scale!: Tensor;

  constructor(loc: TensorLike | NormalOptions, scale?: TensorLike | NormalOptions, validateArgs?: boolean | null | NormalOptions) {
    super();
    const p = bindParams("Normal", [...arguments], ["loc", "scale", "validateArgs"]);
    if (p.loc === undefined || p.scale === undefined) throw new TypeError("Normal.__init__() missing required positional arguments: 'loc' and 'scale'");
    [this.loc, this.scale] = broadcastAll(p.loc, p.scale) as [Tensor, Tensor];
    const scalar = typeof p.loc === "number" && typeof p.scale === "number";
    this.init(scalar ? [] : this.loc.shape, [], validateArgsOf(p));
    void scale; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }

  override expand(batchShape: readonly number[]): Normal {
    const copy = this.blank();
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.loc; }
  override get mode(): Tensor { return this.loc; }
  override get stddev(): Tensor { return this.scale; }
  override get variance(): Tensor { return this.stddev.pow(2); }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => normal(this.loc.expand(shape), this.scale.expand(shape)));
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const eps = standardNormal(shape, this.loc.dtype);
    return this.loc.add(eps.mul(this.scale));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const variance = this.scale.pow(2);
    return value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(Math.log(Math.sqrt(2 * Math.PI)));
  }

  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return value.sub(this.loc).mul(this.scale.reciprocal()).div(Math.SQRT2).erf().add(1).mul(0.5);
  }

  override icdf(value: Tensor): Tensor {
    return this.loc.add(this.scale.mul(value.mul(2).sub(1).erfinv()).mul(Math.SQRT2));
  }

  override entropy(): Tensor {
    return this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI));
  }

  override get naturalParams(): Tensor[] {
    return [this.loc.div(this.scale.pow(2)), this.scale.pow(2).reciprocal().mul(-0.5)];
  }

  override logNormalizer(x: Tensor, y: Tensor): Tensor {
    return x.pow(2).mul(-0.25).div(y).add(y.reciprocal().mul(-Math.PI).log().mul(0.5));
  }
}
