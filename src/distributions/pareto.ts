// Pareto(scale, alpha) = scale * exp(Exponential(alpha)) (pareto.py).

import type { Tensor } from "../core/tensor.js";
import { type Constraint, greaterThanEq, positive } from "./constraints.js";
import { Exponential } from "./exponential.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, ExpTransform } from "./transforms.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface ParetoOptions { scale?: TensorLike; alpha?: TensorLike; validateArgs?: boolean | null }

export class Pareto extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  scale!: Tensor;
  alpha!: Tensor;

  constructor(scale: TensorLike | ParetoOptions, alpha?: TensorLike | ParetoOptions, validateArgs?: boolean | null | ParetoOptions) {
    super(scale as never);
    const p = bindParams("Pareto", [...arguments], ["scale", "alpha", "validateArgs"]);
    if (p.scale === undefined || p.alpha === undefined) throw new TypeError("Pareto.__init__() missing required positional arguments: 'scale' and 'alpha'");
    [this.scale, this.alpha] = broadcastAll(p.scale, p.alpha) as [Tensor, Tensor];
    const validate = validateArgsOf(p);
    this.setTransformed(new Exponential(this.alpha, validate), [new ExpTransform(), new AffineTransform(0, this.scale)], validate);
    void alpha; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { alpha: positive, scale: positive }; }
  override get support(): Constraint { return greaterThanEq(this.scale); }
  protected override expandExtra(copy: this, batchShape: readonly number[]): void {
    copy.scale = this.scale.expand([...batchShape]);
    copy.alpha = this.alpha.expand([...batchShape]);
    copy.transforms = [new ExpTransform(), new AffineTransform(0, copy.scale)];
  }
  override expand(batchShape: readonly number[]): Pareto { return super.expand(batchShape) as Pareto; }

  override get mean(): Tensor {
    const a = this.alpha.clamp(1); // infinite for alpha <= 1
    return a.mul(this.scale).div(a.sub(1));
  }
  override get mode(): Tensor { return this.scale; }
  override get variance(): Tensor {
    const a = this.alpha.clamp(2); // infinite for alpha <= 2
    return this.scale.pow(2).mul(a).div(a.sub(1).pow(2).mul(a.sub(2)));
  }
  override entropy(): Tensor { return this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1)); }
}
