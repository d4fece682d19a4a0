// Weibull(scale, concentration) = scale * Exponential(1)^(1/concentration) (weibull.py).

import type { Tensor } from "../core/tensor.js";
import { onesLike } from "../ops/creation.js";
import { type Constraint, positive } from "./constraints.js";
import { Exponential } from "./exponential.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, PowerTransform } from "./transforms.js";
import { type TensorLike, EULER_CONSTANT, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface WeibullOptions { scale?: TensorLike; concentration?: TensorLike; validateArgs?: boolean | null }

export class Weibull extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  scale!: Tensor;
  concentration!: Tensor;
  concentrationReciprocal!: Tensor;

  constructor(scale: TensorLike | WeibullOptions, concentration?: TensorLike | WeibullOptions, validateArgs?: boolean | null | WeibullOptions) {
    super(scale as never);
    const p = bindParams("Weibull", [...arguments], ["scale", "concentration", "validateArgs"]);
    if (p.scale === undefined || p.concentration === undefined) throw new TypeError("Weibull.__init__() missing required positional arguments: 'scale' and 'concentration'");
    [this.scale, this.concentration] = broadcastAll(p.scale, p.concentration) as [Tensor, Tensor];
    this.concentrationReciprocal = this.concentration.reciprocal();
    const validate = validateArgsOf(p);
    const base = new Exponential(onesLike(this.scale), validate);
    this.setTransformed(base, [new PowerTransform(this.concentrationReciprocal), new AffineTransform(0, this.scale)], validate);
    void concentration; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { scale: positive, concentration: positive }; }
  override get support(): Constraint { return positive; }
  protected override expandExtra(copy: this, batchShape: readonly number[]): void {
    copy.scale = this.scale.expand([...batchShape]);
    copy.concentration = this.concentration.expand([...batchShape]);
    copy.concentrationReciprocal = copy.concentration.reciprocal();
    copy.transforms = [new PowerTransform(copy.concentrationReciprocal), new AffineTransform(0, copy.scale)];
  }
  override expand(batchShape: readonly number[]): Weibull { return super.expand(batchShape) as Weibull; }

  override get mean(): Tensor { return this.scale.mul(this.concentrationReciprocal.add(1).lgamma().exp()); }
  override get mode(): Tensor {
    return this.scale.mul(this.concentration.sub(1).div(this.concentration).pow(this.concentration.reciprocal()));
  }
  override get variance(): Tensor {
    return this.scale.pow(2).mul(this.concentrationReciprocal.mul(2).add(1).lgamma().exp().sub(this.concentrationReciprocal.add(1).lgamma().mul(2).exp()));
  }
  override entropy(): Tensor {
    return this.concentrationReciprocal.neg().add(1).mul(EULER_CONSTANT).add(this.scale.mul(this.concentrationReciprocal).log()).add(1);
  }
}
