// Binomial(totalCount = 1, probs | logits) (binomial.py): samples through torch.binomial.

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { binomial } from "../ops/random-counts.js";
import { arange } from "../ops/creation.js";
import { type Constraint, integerInterval, nonnegativeInteger, real, unitInterval } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, logitsToProbs, probsToLogits, validateArgsOf, probsOrLogits } from "./utils.js";

export interface BinomialOptions { totalCount?: TensorLike; probs?: TensorLike | null; logits?: TensorLike | null; validateArgs?: boolean | null }

/** clamp(x, min=0) with gradient 0.5 at 0 (binomial.py's _clamp_by_zero). */
function clampByZero(x: Tensor): Tensor {
  return x.clamp(0).add(x).sub(x.clamp(null, 0)).div(2);
}

export class Binomial extends Distribution {
  totalCount!: Tensor;
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;

  constructor(totalCount?: TensorLike | BinomialOptions, probs?: TensorLike | null | BinomialOptions, logits?: TensorLike | null | BinomialOptions, validateArgs?: boolean | null | BinomialOptions) {
    super();
    const p = bindParams("Binomial", [...arguments], ["totalCount", "probs", "logits", "validateArgs"]);
    const { raw, isProbs } = probsOrLogits(p);
    const [count, param] = broadcastAll(p.totalCount ?? 1, raw) as [Tensor, Tensor];
    this.totalCount = count.typeAs(param);
    if (isProbs) this._probs = param; else this._logits = param;
    this.init(param.shape, [], validateArgsOf(p));
    void totalCount; void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { totalCount: nonnegativeInteger, probs: unitInterval, logits: real }; }
  override get support(): Constraint { return integerInterval(0, this.totalCount); }
  override get hasEnumerateSupport(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : name === "totalCount" ? this.totalCount : undefined;
  }

  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!, true)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }
  get paramShape(): number[] { return (this._probs ?? this._logits)!.shape; }

  override expand(batchShape: readonly number[]): Binomial {
    const copy = this.blank();
    copy.totalCount = this.totalCount.expand([...batchShape]);
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.totalCount.mul(this.probs); }
  override get mode(): Tensor { return this.totalCount.add(1).mul(this.probs).floor().clamp(null, this.totalCount); }
  override get variance(): Tensor { return this.totalCount.mul(this.probs).mul(this.probs.neg().add(1)); }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => binomial(this.totalCount.expand(shape), this.probs.expand(shape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const logFactorialN = this.totalCount.add(1).lgamma();
    const logFactorialK = value.add(1).lgamma();
    const logFactorialNmK = this.totalCount.sub(value).add(1).lgamma();
    // k log p + (n - k) log(1 - p) = k logit - n max(logit, 0) - n log1p(exp(-|logit|))
    const normalize = this.totalCount.mul(clampByZero(this.logits))
      .add(this.totalCount.mul(this.logits.abs().neg().exp().log1p())).sub(logFactorialN);
    return value.mul(this.logits).sub(normalize).sub(logFactorialK).sub(logFactorialNmK);
  }

  private homogeneousCount(op: string): number {
    const total = this.totalCount.max().item() as number;
    if ((this.totalCount.min().item() as number) !== total) throw new Error(`Inhomogeneous total count not supported by \`${op}\`.`);
    return Math.trunc(total);
  }

  override entropy(): Tensor {
    this.homogeneousCount("entropy");
    const logProb = this.logProb(this.enumerateSupport(false));
    return logProb.exp().mul(logProb).sum(0).neg();
  }

  override enumerateSupport(expand = true): Tensor {
    const total = this.homogeneousCount("enumerate_support");
    let values = arange(1 + total, { dtype: this.paramDtype }).view([-1, ...this._batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this._batchShape]);
    return values;
  }

  private get paramDtype() { return (this._probs ?? this._logits)!.dtype; }
}
