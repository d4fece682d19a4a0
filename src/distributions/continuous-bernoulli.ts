// ContinuousBernoulli(probs | logits, lims = [0.499, 0.501]) on [0, 1] (continuous_bernoulli.py):
// closed forms outside the unstable region around probs = 0.5, Taylor expansions inside it.

import { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { rand } from "../ops/random.js";
import { where } from "../ops/comparison.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/loss-regression.js";
import { type Constraint, real, unitInterval } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, clampProbs, logitsToProbs, probsToLogits, validateArgsOf, probsOrLogits } from "./utils.js";

export interface ContinuousBernoulliOptions { probs?: TensorLike | null; logits?: TensorLike | null; lims?: [number, number]; validateArgs?: boolean | null }

export class ContinuousBernoulli extends ExponentialFamily {
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;
  protected _lims: [number, number] = [0.499, 0.501];

  constructor(probs?: TensorLike | null | ContinuousBernoulliOptions, logits?: TensorLike | null | ContinuousBernoulliOptions,
    lims?: [number, number] | ContinuousBernoulliOptions, validateArgs?: boolean | null | ContinuousBernoulliOptions) {
    super();
    const p = bindParams("ContinuousBernoulli", [...arguments], ["probs", "logits", "lims", "validateArgs"]);
    const { raw, isProbs } = probsOrLogits(p);
    const validate = validateArgsOf(p);
    const [param] = broadcastAll(raw) as [Tensor];
    if (isProbs) {
      // Checked before clamping, which would make any probs valid.
      if (validate !== null && !(unitInterval.check(param).all().item() as boolean)) throw new Error("The parameter probs has invalid values");
      this._probs = clampProbs(param);
    } else this._logits = param;
    if (p.lims !== undefined) this._lims = p.lims as [number, number];
    this.init(typeof raw === "number" ? [] : param.shape, [], validate);
    void probs; void logits; void lims; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: unitInterval, logits: real }; }
  override get support(): Constraint { return unitInterval; }
  override get hasRsample(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : undefined;
  }
  get probs(): Tensor { return (this._probs ??= clampProbs(logitsToProbs(this._logits!, true))); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }

  override expand(batchShape: readonly number[]): ContinuousBernoulli {
    const copy = this.blank();
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    copy._lims = this._lims;
    return this.finishExpand(copy, batchShape);
  }

  private outsideUnstableRegion(): Tensor { return this.probs.le(this._lims[0]).logicalOr(this.probs.gt(this._lims[1])); }
  private cutProbs(): Tensor { return where(this.outsideUnstableRegion(), this.probs, onesLike(this.probs).mul(this._lims[0])); }

  /** The log normalising constant as a function of probs (PyTorch's _cont_bern_log_norm; the KL closed forms use it). */
  contBernLogNorm(): Tensor {
    const cut = this.cutProbs();
    const below = where(cut.le(0.5), cut, zerosLike(cut));
    const above = where(cut.ge(0.5), cut, onesLike(cut));
    const logNorm = cut.neg().log1p().sub(cut.log()).abs().log()
      .sub(where(cut.le(0.5), below.mul(-2.0).log1p(), above.mul(2.0).sub(1.0).log()));
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(104.0 / 45.0).add(4.0 / 3.0).mul(x).add(Math.log(2.0));
    return where(this.outsideUnstableRegion(), logNorm, taylor);
  }

  override get mean(): Tensor {
    const cut = this.cutProbs();
    const mus = cut.div(cut.mul(2.0).sub(1.0)).add(cut.neg().log1p().sub(cut.log()).reciprocal());
    const x = this.probs.sub(0.5);
    const taylor = x.pow(2).mul(16.0 / 45.0).add(1.0 / 3.0).mul(x).add(0.5);
    return where(this.outsideUnstableRegion(), mus, taylor);
  }
  override get stddev(): Tensor { return this.variance.sqrt(); }
  override get variance(): Tensor {
    const cut = this.cutProbs();
    const vars = cut.mul(cut.sub(1.0)).div(cut.mul(-2.0).add(1.0).pow(2)).add(cut.neg().log1p().sub(cut.log()).pow(2).reciprocal());
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(128.0 / 945.0).neg().add(1.0 / 15.0).mul(x).neg().add(1.0 / 12.0);
    return where(this.outsideUnstableRegion(), vars, taylor);
  }

  override sample(sampleShape?: SampleShape): Tensor {
    const u = rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype });
    return noGrad(() => this.icdf(u));
  }
  override rsample(sampleShape?: SampleShape): Tensor {
    return this.icdf(rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype }));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    return binaryCrossEntropyWithLogits(logits, v, { reduction: "none" }).neg().add(this.contBernLogNorm());
  }

  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const cut = this.cutProbs();
    const cdfs = cut.pow(value).mul(cut.neg().add(1.0).pow(value.neg().add(1.0))).add(cut).sub(1.0).div(cut.mul(2.0).sub(1.0));
    const unbounded = where(this.outsideUnstableRegion(), cdfs, value);
    return where(value.le(0.0), zerosLike(value), where(value.ge(1.0), onesLike(value), unbounded));
  }

  override icdf(value: Tensor): Tensor {
    const cut = this.cutProbs();
    const inner = cut.neg().add(value.mul(cut.mul(2.0).sub(1.0))).log1p().sub(cut.neg().log1p()).div(cut.log().sub(cut.neg().log1p()));
    return where(this.outsideUnstableRegion(), inner, value);
  }

  override entropy(): Tensor {
    const logProbs0 = this.probs.neg().log1p(), logProbs1 = this.probs.log();
    return this.mean.mul(logProbs0.sub(logProbs1)).sub(this.contBernLogNorm()).sub(logProbs0);
  }

  override get naturalParams(): Tensor[] { return [this.logits]; }
  override logNormalizer(x: Tensor): Tensor {
    const outside = x.le(this._lims[0] - 0.5).logicalOr(x.gt(this._lims[1] - 0.5));
    const cut = where(outside, x, onesLike(x).mul(this._lims[0] - 0.5));
    const logNorm = cut.expm1().abs().log().sub(cut.abs().log());
    const taylor = x.mul(0.5).add(x.pow(2).div(24.0)).sub(x.pow(4).div(2880.0));
    return where(outside, logNorm, taylor);
  }
}
