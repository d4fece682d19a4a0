// Kumaraswamy(concentration1, concentration0) (kumaraswamy.py): (1 - U^(1/c0))^(1/c1), U ~ Uniform(0, 1).

import type { Tensor } from "../core/tensor.js";
import { fullLike } from "../ops/creation.js";
import { where } from "../ops/comparison.js";
import { type Constraint, positive, unitInterval } from "./constraints.js";
import { Uniform } from "./uniform.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, PowerTransform } from "./transforms.js";
import { type TensorLike, EULER_CONSTANT, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface KumaraswamyOptions { concentration1?: TensorLike; concentration0?: TensorLike; validateArgs?: boolean | null }

/** E[X^n] of Kumaraswamy(a, b). */
function moments(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = a.reciprocal().mul(n).add(1);
  const logValue = arg1.lgamma().add(b.lgamma()).sub(arg1.add(b).lgamma());
  return b.mul(logValue.exp());
}

export class Kumaraswamy extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  concentration1!: Tensor;
  concentration0!: Tensor;

  constructor(concentration1: TensorLike | KumaraswamyOptions, concentration0?: TensorLike | KumaraswamyOptions, validateArgs?: boolean | null | KumaraswamyOptions) {
    super(concentration1 as never);
    const p = bindParams("Kumaraswamy", [...arguments], ["concentration1", "concentration0", "validateArgs"]);
    if (p.concentration1 === undefined || p.concentration0 === undefined) throw new TypeError("Kumaraswamy.__init__() missing required positional arguments: 'concentration1' and 'concentration0'");
    [this.concentration1, this.concentration0] = broadcastAll(p.concentration1, p.concentration0) as [Tensor, Tensor];
    const validate = validateArgsOf(p);
    const base = new Uniform(fullLike(this.concentration0, 0), fullLike(this.concentration0, 1), validate);
    const transforms = [new PowerTransform(this.concentration0.reciprocal()), new AffineTransform(1.0, -1.0), new PowerTransform(this.concentration1.reciprocal())];
    this.setTransformed(base, transforms, validate);
    void concentration0; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { concentration1: positive, concentration0: positive }; }
  override get support(): Constraint { return unitInterval; }
  override get hasRsample(): boolean { return true; }
  protected override expandExtra(copy: this, batchShape: readonly number[]): void {
    copy.concentration1 = this.concentration1.expand([...batchShape]);
    copy.concentration0 = this.concentration0.expand([...batchShape]);
    copy.transforms = [new PowerTransform(copy.concentration0.reciprocal()), new AffineTransform(1.0, -1.0), new PowerTransform(copy.concentration1.reciprocal())];
  }
  override expand(batchShape: readonly number[]): Kumaraswamy { return super.expand(batchShape) as Kumaraswamy; }

  override get mean(): Tensor { return moments(this.concentration1, this.concentration0, 1); }
  override get mode(): Tensor {
    // In log space for stability; undefined (NaN) unless both concentrations are >= 1.
    const logMode = this.concentration0.reciprocal().mul(this.concentration0.neg().log1p())
      .sub(this.concentration0.neg().mul(this.concentration1).log1p());
    return where(this.concentration0.lt(1).logicalOr(this.concentration1.lt(1)), NaN, logMode).exp();
  }
  override get variance(): Tensor { return moments(this.concentration1, this.concentration0, 2).sub(this.mean.pow(2)); }
  override entropy(): Tensor {
    const t1 = this.concentration1.reciprocal().neg().add(1);
    const t0 = this.concentration0.reciprocal().neg().add(1);
    const h0 = this.concentration0.add(1).digamma().add(EULER_CONSTANT);
    return t0.add(t1.mul(h0)).sub(this.concentration1.log()).sub(this.concentration0.log());
  }
}
