// LogisticNormal(loc, scale): stick-breaking of a Normal onto the simplex (logistic_normal.py).

import type { Tensor } from "../core/tensor.js";
import { type Constraint, positive, real, simplex } from "./constraints.js";
import { Normal } from "./normal.js";
import type { Independent } from "./independent.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { StickBreakingTransform } from "./transforms.js";
import { type TensorLike, bindParams, validateArgsOf } from "./utils.js";

export interface LogisticNormalOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class LogisticNormal extends TransformedDistribution {
  protected static override bindsOwnArguments = true;

  constructor(loc: TensorLike | LogisticNormalOptions, scale?: TensorLike | LogisticNormalOptions, validateArgs?: boolean | null | LogisticNormalOptions) {
    super(loc as never);
    const p = bindParams("LogisticNormal", [...arguments], ["loc", "scale", "validateArgs"]);
    const validate = validateArgsOf(p);
    let base = new Normal(p.loc as TensorLike, p.scale as TensorLike, validate);
    if (base.batchShape.length === 0) base = base.expand([1]);
    this.setTransformed(base, new StickBreakingTransform(), validate);
    void scale; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return simplex; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(): Tensor | undefined { return undefined; }
  override expand(batchShape: readonly number[]): LogisticNormal { return super.expand(batchShape) as LogisticNormal; }

  private get normal(): Normal { return (this.baseDist as Independent).baseDist as Normal; }
  get loc(): Tensor { return this.normal.loc; }
  get scale(): Tensor { return this.normal.scale; }
}
