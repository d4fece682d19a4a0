// Gumbel(loc, scale) (gumbel.py): loc - scale * log(-log(U)), U ~ Uniform(tiny, 1 - eps).

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { fullLike, onesLike } from "../ops/creation.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Uniform } from "./uniform.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, ExpTransform } from "./transforms.js";
import { type TensorLike, EULER_CONSTANT, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface GumbelOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class Gumbel extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  loc!: Tensor;
  scale!: Tensor;

  constructor(loc: TensorLike | GumbelOptions, scale?: TensorLike | GumbelOptions, validateArgs?: boolean | null | GumbelOptions) {
    super(loc as never);
    const p = bindParams("Gumbel", [...arguments], ["loc", "scale", "validateArgs"]);
    const rawLoc = p.loc as TensorLike, rawScale = p.scale as TensorLike;
    if (rawLoc === undefined || rawScale === undefined) throw new TypeError("Gumbel.__init__() missing required positional arguments: 'loc' and 'scale'");
    [this.loc, this.scale] = broadcastAll(rawLoc, rawScale) as [Tensor, Tensor];
    const f = finfo(this.loc.dtype);
    const validate = validateArgsOf(p);
    const base = typeof rawLoc === "number" && typeof rawScale === "number"
      ? new Uniform(f.tiny, 1 - f.eps, validate)
      : new Uniform(fullLike(this.loc, f.tiny), fullLike(this.loc, 1 - f.eps), validate);
    const transforms = [new ExpTransform().inv, new AffineTransform(0, onesLike(this.scale).neg()), new ExpTransform().inv, new AffineTransform(rawLoc, this.scale.neg())];
    this.setTransformed(base, transforms, validate);
    void scale; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  protected override expandExtra(copy: this, batchShape: readonly number[]): void {
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
  }
  override expand(batchShape: readonly number[]): Gumbel { return super.expand(batchShape) as Gumbel; }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const y = this.loc.sub(value).div(this.scale);
    return y.sub(y.exp()).sub(this.scale.log());
  }
  override get mean(): Tensor { return this.loc.add(this.scale.mul(EULER_CONSTANT)); }
  override get mode(): Tensor { return this.loc; }
  override get stddev(): Tensor { return this.scale.mul(Math.PI / Math.sqrt(6)); }
  override get variance(): Tensor { return this.stddev.pow(2); }
  override entropy(): Tensor { return this.scale.log().add(1 + EULER_CONSTANT); }
}
