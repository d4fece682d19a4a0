// LogNormal(loc, scale) = exp(Normal(loc, scale)) (log_normal.py).

import type { Tensor } from "../core/tensor.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Normal } from "./normal.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { ExpTransform } from "./transforms.js";
import { type TensorLike, bindParams, validateArgsOf } from "./utils.js";

export interface LogNormalOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class LogNormal extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  declare baseDist: Normal;

  constructor(loc: TensorLike | LogNormalOptions, scale?: TensorLike | LogNormalOptions, validateArgs?: boolean | null | LogNormalOptions) {
    super(loc as never);
    const p = bindParams("LogNormal", [...arguments], ["loc", "scale", "validateArgs"]);
    const validate = validateArgsOf(p);
    this.setTransformed(new Normal(p.loc as TensorLike, p.scale as TensorLike, validate), new ExpTransform(), validate);
    void scale; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return positive; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(): Tensor | undefined { return undefined; }

  get loc(): Tensor { return this.baseDist.loc; }
  get scale(): Tensor { return this.baseDist.scale; }
  override expand(batchShape: readonly number[]): LogNormal { return super.expand(batchShape) as LogNormal; }

  override get mean(): Tensor { return this.loc.add(this.scale.pow(2).div(2)).exp(); }
  override get mode(): Tensor { return this.loc.sub(this.scale.square()).exp(); }
  override get variance(): Tensor {
    const scaleSq = this.scale.pow(2);
    return scaleSq.expm1().mul(this.loc.mul(2).add(scaleSq).exp());
  }
  override entropy(): Tensor { return this.baseDist.entropy().add(this.loc); }
}
