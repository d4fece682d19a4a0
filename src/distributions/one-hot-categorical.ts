// OneHotCategorical(probs | logits): one-hot vectors of a Categorical (one_hot_categorical.py), and
// OneHotCategoricalStraightThrough, whose rsample passes gradients to probs straight through.

import type { Tensor } from "../core/tensor.js";
import { eye } from "../ops/creation.js";
import { oneHot as oneHotEncode } from "../nn/functional/sparse.js";
import { type Constraint, oneHot, realVector, simplex } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Categorical, type CategoricalOptions } from "./categorical.js";
import { bindParams, validateArgsOf } from "./utils.js";

export class OneHotCategorical extends Distribution {
  protected _categorical!: Categorical;

  constructor(probs?: Tensor | null | CategoricalOptions, logits?: Tensor | null | CategoricalOptions, validateArgs?: boolean | null | CategoricalOptions) {
    super();
    const p = bindParams("OneHotCategorical", [...arguments], ["probs", "logits", "validateArgs"]);
    this._categorical = new Categorical({ probs: p.probs as Tensor | undefined, logits: p.logits as Tensor | undefined });
    this.init(this._categorical.batchShape, this._categorical.paramShape.slice(-1), validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { probs: simplex, logits: realVector }; }
  override get support(): Constraint { return oneHot; }
  override get hasEnumerateSupport(): boolean { return true; }
  // probs and logits are properties in PyTorch: validated, but not in the repr.
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this.probs : name === "logits" ? this.logits : undefined;
  }
  override toString(): string { return `${this.constructor.name}()`; }

  get probs(): Tensor { return this._categorical.probs; }
  get logits(): Tensor { return this._categorical.logits; }
  get paramShape(): number[] { return this._categorical.paramShape; }

  override expand(batchShape: readonly number[]): OneHotCategorical {
    const copy = this.blank();
    copy._categorical = this._categorical.expand(batchShape);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.probs; }
  override get mode(): Tensor {
    const probs = this.probs;
    return oneHotEncode(probs.argmax(-1), probs.size(-1)).to(probs.dtype);
  }
  override get variance(): Tensor { return this.probs.mul(this.probs.neg().add(1)); }

  override sample(sampleShape?: SampleShape): Tensor {
    const indices = this._categorical.sample(sampleShape);
    return oneHotEncode(indices, this.probs.size(-1)).to(this.probs.dtype);
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this._categorical.logProb(value.max(-1)[1]!);
  }

  override entropy(): Tensor { return this._categorical.entropy(); }

  override enumerateSupport(expand = true): Tensor {
    const n = this._eventShape[0]!;
    let values = eye(n, { dtype: this.probs.dtype }).view([n, ...this._batchShape.map(() => 1), n]);
    if (expand) values = values.expand([n, ...this._batchShape, n]);
    return values;
  }
}

/** OneHotCategorical whose rsample is the sample plus (probs - probs.detach()): the straight-through gradient estimator. */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  override get hasRsample(): boolean { return true; }
  override rsample(sampleShape?: SampleShape): Tensor {
    const samples = this.sample(sampleShape);
    const probs = this.probs;
    return samples.add(probs.sub(probs.detach()));
  }
}
