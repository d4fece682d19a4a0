// Laplace(loc, scale) (laplace.py).

import type { Tensor } from "../core/tensor.js";
import { empty } from "../ops/creation.js";
import { finfo } from "../core/type-info.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface LaplaceOptions { loc?: TensorLike; scale?: TensorLike; validateArgs?: boolean | null }

export class Laplace extends Distribution {
  loc!: Tensor;
  scale!: Tensor;

  constructor(loc: TensorLike | LaplaceOptions, scale?: TensorLike | LaplaceOptions, validateArgs?: boolean | null | LaplaceOptions) {
    super();
    const p = bindParams("Laplace", [...arguments], ["loc", "scale", "validateArgs"]);
    if (p.loc === undefined || p.scale === undefined) throw new TypeError("Laplace.__init__() missing required positional arguments: 'loc' and 'scale'");
    [this.loc, this.scale] = broadcastAll(p.loc, p.scale) as [Tensor, Tensor];
    this.init(typeof p.loc === "number" && typeof p.scale === "number" ? [] : this.loc.shape, [], validateArgsOf(p));
    void scale; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { loc: real, scale: positive }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): Laplace {
    const copy = this.blank();
    copy.loc = this.loc.expand([...batchShape]);
    copy.scale = this.scale.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
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
