// LogitRelaxedBernoulli and RelaxedBernoulli(temperature, probs | logits): the binary Concrete
// distribution (relaxed_bernoulli.py), reparameterised through logistic noise.

import { Tensor } from "../core/tensor.js";
import { rand } from "../ops/random.js";
import { type Constraint, real, unitInterval } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { SigmoidTransform } from "./transforms.js";
import { type TensorLike, bindParams, broadcastAll, clampProbs, logitsToProbs, probsToLogits, validateArgsOf, elementwiseProbsOrLogits } from "./utils.js";

export interface RelaxedBernoulliOptions { temperature?: Tensor; probs?: TensorLike | null; logits?: TensorLike | null; validateArgs?: boolean | null }

export class LogitRelaxedBernoulli extends Distribution {
  temperature!: Tensor;
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;

  constructor(temperature: Tensor | RelaxedBernoulliOptions, probs?: TensorLike | null | RelaxedBernoulliOptions, logits?: TensorLike | null | RelaxedBernoulliOptions, validateArgs?: boolean | null | RelaxedBernoulliOptions) {
    super();
    const p = bindParams("LogitRelaxedBernoulli", [...arguments], ["temperature", "probs", "logits", "validateArgs"]);
    if (!(p.temperature instanceof Tensor)) throw new TypeError("LogitRelaxedBernoulli: temperature must be a Tensor");
    this.temperature = p.temperature;
    const given = elementwiseProbsOrLogits(p);
    [this._probs, this._logits] = [given.probs, given.logits];
    this.init(given.batchShape, [], validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: unitInterval, logits: real }; }
  override get support(): Constraint { return real; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : undefined;
  }
  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!, true)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!, true)); }

  override expand(batchShape: readonly number[]): LogitRelaxedBernoulli {
    const copy = this.blank();
    copy.temperature = this.temperature;
    copy._probs = this._probs?.expand([...batchShape]);
    copy._logits = this._logits?.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const probs = clampProbs(this.probs.expand(shape));
    const uniforms = clampProbs(rand(shape, { dtype: probs.dtype }));
    return uniforms.log().sub(uniforms.neg().log1p()).add(probs.log()).sub(probs.neg().log1p()).div(this.temperature);
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    const diff = logits.sub(v.mul(this.temperature));
    return this.temperature.log().add(diff).sub(diff.exp().log1p().mul(2));
  }
}

export class RelaxedBernoulli extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  declare baseDist: LogitRelaxedBernoulli;

  constructor(temperature: Tensor | RelaxedBernoulliOptions, probs?: TensorLike | null | RelaxedBernoulliOptions, logits?: TensorLike | null | RelaxedBernoulliOptions, validateArgs?: boolean | null | RelaxedBernoulliOptions) {
    super(temperature as never);
    const p = bindParams("RelaxedBernoulli", [...arguments], ["temperature", "probs", "logits", "validateArgs"]);
    const base = new LogitRelaxedBernoulli({ temperature: p.temperature as Tensor, probs: p.probs as TensorLike | undefined, logits: p.logits as TensorLike | undefined });
    this.setTransformed(base, new SigmoidTransform(), validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { probs: unitInterval, logits: real }; }
  override get support(): Constraint { return unitInterval; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined { return name === "probs" ? this.probs : name === "logits" ? this.logits : undefined; }
  override toString(): string { return "RelaxedBernoulli()"; }
  override expand(batchShape: readonly number[]): RelaxedBernoulli { return super.expand(batchShape) as RelaxedBernoulli; }

  get temperature(): Tensor { return this.baseDist.temperature; }
  get probs(): Tensor { return this.baseDist.probs; }
  get logits(): Tensor { return this.baseDist.logits; }
}
