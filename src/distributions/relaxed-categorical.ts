// ExpRelaxedCategorical and RelaxedOneHotCategorical(temperature, probs | logits): the Concrete /
// Gumbel-softmax distribution (relaxed_categorical.py).

import { Tensor } from "../core/tensor.js";
import { fullLike } from "../ops/creation.js";
import { rand } from "../ops/random.js";
import { type Constraint, realVector, simplex } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Categorical } from "./categorical.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { ExpTransform } from "./transforms.js";
import { bindParams, broadcastAll, clampProbs, validateArgsOf } from "./utils.js";

export interface RelaxedCategoricalOptions { temperature?: Tensor; probs?: Tensor | null; logits?: Tensor | null; validateArgs?: boolean | null }

export class ExpRelaxedCategorical extends Distribution {
  temperature!: Tensor;
  protected _categorical!: Categorical;

  constructor(temperature: Tensor | RelaxedCategoricalOptions, probs?: Tensor | null | RelaxedCategoricalOptions, logits?: Tensor | null | RelaxedCategoricalOptions, validateArgs?: boolean | null | RelaxedCategoricalOptions) {
    super();
    const p = bindParams("ExpRelaxedCategorical", [...arguments], ["temperature", "probs", "logits", "validateArgs"]);
    if (!(p.temperature instanceof Tensor)) throw new TypeError("ExpRelaxedCategorical: temperature must be a Tensor");
    this._categorical = new Categorical({ probs: p.probs as Tensor | undefined, logits: p.logits as Tensor | undefined });
    this.temperature = p.temperature;
    this.init(this._categorical.batchShape, this._categorical.paramShape.slice(-1), validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: simplex, logits: realVector }; }
  override get support(): Constraint { return realVector; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined { return name === "probs" ? this.probs : name === "logits" ? this.logits : undefined; }
  override toString(): string { return "ExpRelaxedCategorical()"; }
  get probs(): Tensor { return this._categorical.probs; }
  get logits(): Tensor { return this._categorical.logits; }

  override expand(batchShape: readonly number[]): ExpRelaxedCategorical {
    const copy = this.blank();
    copy.temperature = this.temperature;
    copy._categorical = this._categorical.expand(batchShape);
    return this.finishExpand(copy, batchShape);
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const uniforms = clampProbs(rand(shape, { dtype: this.logits.dtype }));
    const gumbels = uniforms.log().neg().log().neg();
    const scores = this.logits.add(gumbels).div(this.temperature);
    return scores.sub(scores.logsumexp(-1, true));
  }

  override logProb(value: Tensor): Tensor {
    const k = this._eventShape[0]!;
    if (this._validateArgs) this.validateSample(value);
    const [logits, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    const logScale = fullLike(this.temperature, k).lgamma().sub(this.temperature.log().mul(-(k - 1)));
    let score = logits.sub(v.mul(this.temperature));
    score = score.sub(score.logsumexp(-1, true)).sum(-1);
    return score.add(logScale);
  }
}

export class RelaxedOneHotCategorical extends TransformedDistribution {
  protected static override bindsOwnArguments = true;
  declare baseDist: ExpRelaxedCategorical;

  constructor(temperature: Tensor | RelaxedCategoricalOptions, probs?: Tensor | null | RelaxedCategoricalOptions, logits?: Tensor | null | RelaxedCategoricalOptions, validateArgs?: boolean | null | RelaxedCategoricalOptions) {
    super(temperature as never);
    const p = bindParams("RelaxedOneHotCategorical", [...arguments], ["temperature", "probs", "logits", "validateArgs"]);
    const validate = validateArgsOf(p);
    const base = new ExpRelaxedCategorical({ temperature: p.temperature as Tensor, probs: p.probs as Tensor | undefined, logits: p.logits as Tensor | undefined, validateArgs: validate });
    this.setTransformed(base, new ExpTransform(), validate);
    void probs; void logits; void validateArgs;
  }

  override get argConstraints(): Record<string, Constraint> { return { probs: simplex, logits: realVector }; }
  override get support(): Constraint { return simplex; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined { return name === "probs" ? this.probs : name === "logits" ? this.logits : undefined; }
  override toString(): string { return "RelaxedOneHotCategorical()"; }
  override expand(batchShape: readonly number[]): RelaxedOneHotCategorical { return super.expand(batchShape) as RelaxedOneHotCategorical; }

  get temperature(): Tensor { return this.baseDist.temperature; }
  get probs(): Tensor { return this.baseDist.probs; }
  get logits(): Tensor { return this.baseDist.logits; }
}
