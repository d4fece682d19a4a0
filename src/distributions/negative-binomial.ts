// NegativeBinomial(totalCount, probs | logits): failures before totalCount successes
// (negative_binomial.py); sampled as Poisson(Gamma(totalCount, exp(-logits))).

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { poisson } from "../ops/random-counts.js";
import { logsigmoid } from "../nn/functional/activation.js";
import { type Constraint, greaterThanEq, halfOpenInterval, nonnegativeInteger, real } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Gamma } from "./gamma.js";
import { type TensorLike, bindParams, broadcastAll, logitsToProbs, probsToLogits, validateArgsOf, probsOrLogits } from "./utils.js";

export interface NegativeBinomialOptions { totalCount?: TensorLike; probs?: TensorLike | null; logits?: TensorLike | null; validateArgs?: boolean | null }

export class NegativeBinomial extends Distribution {
  totalCount!: Tensor;
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;
  private _gammaDist: Gamma | undefined;

  constructor(totalCount: TensorLike | NegativeBinomialOptions, probs?: TensorLike | null | NegativeBinomialOptions, logits?: TensorLike | null | NegativeBinomialOptions, validateArgs?: boolean | null | NegativeBinomialOptions) {
    super();
    const p = bindParams("NegativeBinomial", [...arguments], ["totalCount", "probs", "logits", "validateArgs"]);
    const { raw, isProbs } = probsOrLogits(p);
    if (p.totalCount === undefined) throw new TypeError("NegativeBinomial.__init__() missing 1 required positional argument: 'total_count'");
    const [count, param] = broadcastAll(p.totalCount, raw) as [Tensor, Tensor];
    this.totalCount = count.typeAs(param);
    if (isProbs) this._probs = param; else this._logits = param;
    this.init(param.shape, [], validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { totalCount: greaterThanEq(0), probs: halfOpenInterval(0.0, 1.0), logits: real }; }
  override get support(): Constraint { return nonnegativeInteger; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : name === "totalCount" ? this.totalCount : undefined;
  }
  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!, true)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }
  /** Gamma(totalCount, exp(-logits)), not validated (totalCount may be 0). */
  private get gammaDist(): Gamma { return (this._gammaDist ??= new Gamma({ concentration: this.totalCount, rate: this.logits.neg().exp(), validateArgs: false })); }

  override expand(batchShape: readonly number[]): NegativeBinomial {
    const copy = this.blank();
    copy.totalCount = this.totalCount.expand([...batchShape]);
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.totalCount.mul(this.logits.exp()); }
  override get mode(): Tensor { return this.totalCount.sub(1).mul(this.logits.exp()).floor().clamp(0.0); }
  override get variance(): Tensor { return this.mean.div(this.logits.neg().sigmoid()); }

  override sample(sampleShape?: SampleShape): Tensor {
    return noGrad(() => poisson(this.gammaDist.sample(sampleShape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const logUnnormalized = this.totalCount.mul(logsigmoid(this.logits.neg())).add(value.mul(logsigmoid(this.logits)));
    const logNormalization = this.totalCount.add(value).lgamma().neg().add(value.add(1.0).lgamma()).add(this.totalCount.lgamma())
      // totalCount = value = 0 has probability 1, though lgamma(0) is infinite.
      .maskedFill(this.totalCount.add(value).eq(0.0), 0.0);
    return logUnnormalized.sub(logNormalization);
  }
}
