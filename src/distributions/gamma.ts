// Gamma(concentration, rate) (gamma.py): rsample through torch._standard_gamma, whose implicit
// reparameterisation gradient makes samples differentiable in concentration.

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { noGrad } from "../autograd/grad-mode.js";
import { _standardGamma } from "../ops/random-gamma.js";
import { xlogy } from "../ops/special.js";
import { gammainc } from "../ops/special-namespace.js";
import { type Constraint, nonnegative, positive } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, asTensor, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface GammaOptions { concentration?: TensorLike; rate?: TensorLike; validateArgs?: boolean | null }

export class Gamma extends ExponentialFamily {
  /** Set by subclasses whose constructor takes other arguments (Chi2). */
  protected static bindsOwnArguments = false;
  concentration!: Tensor;
  rate!: Tensor;

  constructor(concentration: TensorLike | GammaOptions, rate?: TensorLike | GammaOptions, validateArgs?: boolean | null | GammaOptions) {
    super();
    if ((new.target as typeof Gamma).bindsOwnArguments) return; // Chi2 binds its own, then calls setGamma
    const p = bindParams("Gamma", [...arguments], ["concentration", "rate", "validateArgs"]);
    this.setGamma(p.concentration as TensorLike, p.rate as TensorLike, validateArgsOf(p));
    void rate; void validateArgs;
  }

  /** Gamma's __init__ (Chi2 calls it with its own arguments). */
  protected setGamma(concentration: TensorLike, rate: TensorLike, validateArgs: boolean | null): void {
    if (concentration === undefined || rate === undefined) throw new TypeError("Gamma.__init__() missing required positional arguments: 'concentration' and 'rate'");
    [this.concentration, this.rate] = broadcastAll(concentration, rate) as [Tensor, Tensor];
    this.init(typeof concentration === "number" && typeof rate === "number" ? [] : this.concentration.shape, [], validateArgs);
  }

  get argConstraints(): Record<string, Constraint> { return { concentration: positive, rate: positive }; }
  override get support(): Constraint { return nonnegative; }
  override get hasRsample(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }

  override expand(batchShape: readonly number[]): Gamma {
    const copy = this.blank();
    copy.concentration = this.concentration.expand([...batchShape]);
    copy.rate = this.rate.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.concentration.div(this.rate); }
  override get mode(): Tensor { return this.concentration.sub(1).div(this.rate).clamp(0); }
  override get variance(): Tensor { return this.concentration.div(this.rate.pow(2)); }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const value = _standardGamma(this.concentration.expand(shape)).div(this.rate.expand(shape));
    // Keeps samples off zero (in place on the data, outside autograd, as PyTorch does).
    noGrad(() => value.detach().clamp_(finfo(value.dtype).tiny));
    return value;
  }

  override logProb(value: Tensor): Tensor {
    const v = asTensor(value, this.rate).to(this.rate.dtype);
    if (this._validateArgs) this.validateSample(v);
    return xlogy(this.concentration, this.rate).add(xlogy(this.concentration.sub(1), v)).sub(this.rate.mul(v)).sub(this.concentration.lgamma());
  }

  override entropy(): Tensor {
    return this.concentration.sub(this.rate.log()).add(this.concentration.lgamma())
      .add(this.concentration.neg().add(1.0).mul(this.concentration.digamma()));
  }

  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return gammainc(this.concentration, this.rate.mul(value));
  }

  override get naturalParams(): Tensor[] { return [this.concentration.sub(1), this.rate.neg()]; }
  override logNormalizer(x: Tensor, y: Tensor): Tensor { return x.add(1).lgamma().add(x.add(1).mul(y.reciprocal().neg().log())); }
}
