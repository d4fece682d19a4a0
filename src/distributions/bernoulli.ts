// Bernoulli(probs | logits) (torch/distributions/bernoulli.py): probs and logits are lazy, each
// computed from the other on first use.

import { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { bernoulli } from "../ops/random.js";
import { arange } from "../ops/creation.js";
import { where } from "../ops/comparison.js";
import { logit } from "../ops/special.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/loss-regression.js";
import { type Constraint, boolean, real, unitInterval } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, logitsToProbs, probsToLogits, validateArgsOf, elementwiseProbsOrLogits } from "./utils.js";

export interface BernoulliOptions { probs?: TensorLike | null; logits?: TensorLike | null; validateArgs?: boolean | null }

export class Bernoulli extends ExponentialFamily {
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;

  constructor(probs?: TensorLike | null | BernoulliOptions, logits?: TensorLike | null | BernoulliOptions, validateArgs?: boolean | null | BernoulliOptions) {
    super();
    const p = bindParams("Bernoulli", [...arguments], ["probs", "logits", "validateArgs"]);
    const given = elementwiseProbsOrLogits(p);
    [this._probs, this._logits] = [given.probs, given.logits];
    this.init(given.batchShape, [], validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: unitInterval, logits: real }; }
  override get support(): Constraint { return boolean; }
  override get hasEnumerateSupport(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : undefined;
  }

  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!, true)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }
  /** The shape of the parameter given. */
  get paramShape(): number[] { return (this._probs ?? this._logits)!.shape; }

  override expand(batchShape: readonly number[]): Bernoulli {
    const copy = this.blank();
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.probs; }
  override get mode(): Tensor {
    const mode = this.probs.ge(0.5).to(this.probs.dtype);
    return where(this.probs.eq(0.5), NaN, mode);
  }
  override get variance(): Tensor { return this.probs.mul(this.probs.neg().add(1)); }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => bernoulli(this.probs.expand(shape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    return binaryCrossEntropyWithLogits(logits, v, { reduction: "none" }).neg();
  }

  override entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" });
  }

  override enumerateSupport(expand = true): Tensor {
    const param = (this._probs ?? this._logits)!;
    let values = arange(2, { dtype: param.dtype }).view([-1, ...this._batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this._batchShape]);
    return values;
  }

  override get naturalParams(): Tensor[] { return [logit(this.probs)]; }
  override logNormalizer(x: Tensor): Tensor { return x.exp().log1p(); }
}
