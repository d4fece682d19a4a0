// Multinomial(totalCount = 1, probs | logits): counts of totalCount Categorical draws (multinomial.py).

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { onesLike, tensor, zeros } from "../ops/creation.js";
import { where } from "../ops/comparison.js";
import { type Constraint, multinomial, realVector, simplex } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Categorical } from "./categorical.js";
import { Binomial } from "./binomial.js";
import { bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface MultinomialOptions { totalCount?: number; probs?: Tensor | null; logits?: Tensor | null; validateArgs?: boolean | null }

export class Multinomial extends Distribution {
  totalCount!: number;
  protected _categorical!: Categorical;
  protected _binomial!: Binomial;

  constructor(totalCount?: number | MultinomialOptions, probs?: Tensor | null | MultinomialOptions, logits?: Tensor | null | MultinomialOptions, validateArgs?: boolean | null | MultinomialOptions) {
    super();
    const p = bindParams("Multinomial", [...arguments], ["totalCount", "probs", "logits", "validateArgs"]);
    const count = p.totalCount ?? 1;
    if (typeof count !== "number" || !Number.isInteger(count)) throw new Error("inhomogeneous total_count is not supported");
    this.totalCount = count;
    this._categorical = new Categorical({ probs: p.probs as Tensor | undefined, logits: p.logits as Tensor | undefined });
    this._binomial = new Binomial({ totalCount: count, probs: this.probs });
    this.init(this._categorical.batchShape, this._categorical.paramShape.slice(-1), validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: simplex, logits: realVector }; }
  override get support(): Constraint { return multinomial(this.totalCount); }
  // probs and logits are properties in PyTorch: validated, not in the repr.
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this.probs : name === "logits" ? this.logits : undefined;
  }
  override toString(): string { return "Multinomial()"; }

  get probs(): Tensor { return this._categorical.probs; }
  get logits(): Tensor { return this._categorical.logits; }
  get paramShape(): number[] { return this._categorical.paramShape; }

  override expand(batchShape: readonly number[]): Multinomial {
    const copy = this.blank();
    copy.totalCount = this.totalCount;
    copy._categorical = this._categorical.expand(batchShape);
    copy._binomial = this._binomial;
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.probs.mul(this.totalCount); }
  override get variance(): Tensor { return this.probs.mul(this.totalCount).mul(this.probs.neg().add(1)); }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const sizes = shape.slice(0, shape.length - this._batchShape.length - 1);
    return noGrad(() => {
      // (totalCount, sample, batch) draws, moved to (sample, batch, totalCount), then counted.
      let samples = this._categorical.sample([this.totalCount, ...sizes]);
      const order = [...Array(samples.dim()).keys()];
      order.push(order.shift()!);
      samples = samples.permute(order);
      const counts = zeros(shape, { dtype: samples.dtype });
      counts.scatterAdd_(-1, samples, onesLike(samples));
      return counts.typeAs(this.probs);
    });
  }

  override entropy(): Tensor {
    const n = tensor(this.totalCount);
    const term1 = n.mul(this._categorical.entropy()).sub(n.add(1).lgamma());
    const support = this._binomial.enumerateSupport(false).narrow(0, 1, this.totalCount);
    const binomialProbs = this._binomial.logProb(support).exp();
    const weights = support.add(1).lgamma();
    return term1.add(binomialProbs.mul(weights).sum([0, -1]));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [logits0, v] = broadcastAll(this.logits, value) as [Tensor, Tensor];
    const logFactorialN = v.sum(-1).add(1).lgamma();
    const logFactorialXs = v.add(1).lgamma().sum(-1);
    const logits = where(v.eq(0).logicalAnd(logits0.eq(-Infinity)), 0, logits0);
    return logFactorialN.sub(logFactorialXs).add(logits.mul(v).sum(-1));
  }
}
