// Geometric(probs | logits): the number of failures before the first success (geometric.py).

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { noGrad } from "../autograd/grad-mode.js";
import { empty, zerosLike } from "../ops/creation.js";
import { where } from "../ops/comparison.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/loss-regression.js";
import { type Constraint, nonnegativeInteger, real, unitInterval } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, logitsToProbs, probsToLogits, pyFormat, pyTuple, validateArgsOf, elementwiseProbsOrLogits } from "./utils.js";

export interface GeometricOptions { probs?: TensorLike | null; logits?: TensorLike | null; validateArgs?: boolean | null }

export class Geometric extends Distribution {
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;

  constructor(probs?: TensorLike | null | GeometricOptions, logits?: TensorLike | null | GeometricOptions, validateArgs?: boolean | null | GeometricOptions) {
    super();
    const p = bindParams("Geometric", [...arguments], ["probs", "logits", "validateArgs"]);
    const given = elementwiseProbsOrLogits(p);
    [this._probs, this._logits] = [given.probs, given.logits];
    this.init(given.batchShape, [], validateArgsOf(p));
    if (this._validateArgs && given.probs) {
      const valid = given.probs.gt(0);
      if (!(valid.all().item() as boolean)) {
        throw new Error(`Expected parameter probs (Tensor of shape ${pyTuple(given.batchShape)}) of distribution ${this.toString()} to be positive but found invalid values:\n${pyFormat(given.probs.get(valid.logicalNot()))}`);
      }
    }
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: unitInterval, logits: real }; }
  override get support(): Constraint { return nonnegativeInteger; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : undefined;
  }

  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!, true)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }

  override expand(batchShape: readonly number[]): Geometric {
    const copy = this.blank();
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.probs.reciprocal().sub(1.0); }
  override get mode(): Tensor { return zerosLike(this.probs); }
  override get variance(): Tensor { return this.probs.reciprocal().sub(1.0).div(this.probs); }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const tiny = finfo(this.probs.dtype).tiny;
    return noGrad(() => {
      const u = empty(shape, { dtype: this.probs.dtype }).uniform_(tiny, 1);
      return u.log().div(this.probs.neg().log1p()).floor();
    });
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [v, probs] = broadcastAll(value, this.probs) as [Tensor, Tensor];
    // P(0) = 1 when p = 1 (0 * log(0) read as 0).
    const p = where(probs.eq(1).logicalAnd(v.eq(0)), 0, probs);
    return v.mul(p.neg().log1p()).add(this.probs.log());
  }

  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" }).div(this.probs);
  }
}
