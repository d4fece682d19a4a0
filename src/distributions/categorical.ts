// Categorical(probs | logits) over {0, ..., K-1} (torch/distributions/categorical.py). Probs are
// normalised to sum to 1 and logits to logsumexp 0 over the last dim; each is computed lazily from
// the other.

import { Tensor } from "../core/tensor.js";
import { int64 } from "../core/dtype.js";
import { finfo } from "../core/type-info.js";
import { noGrad } from "../autograd/grad-mode.js";
import { multinomial } from "../ops/random.js";
import { arange, full } from "../ops/creation.js";
import { broadcastTensors } from "../ops/shape-join.js";
import { type Constraint, integerInterval, realVector, simplex } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { bindParams, logitsToProbs, probsToLogits, validateArgsOf, probsOrLogits } from "./utils.js";

export interface CategoricalOptions { probs?: Tensor | null; logits?: Tensor | null; validateArgs?: boolean | null }

export class Categorical extends Distribution {
  protected _probs: Tensor | undefined;
  protected _logits: Tensor | undefined;
  protected _numEvents = 0;

  constructor(probs?: Tensor | null | CategoricalOptions, logits?: Tensor | null | CategoricalOptions, validateArgs?: boolean | null | CategoricalOptions) {
    super();
    const p = bindParams(new.target.name, [...arguments], ["probs", "logits", "validateArgs"]);
    this.setParams(p.probs as Tensor | null | undefined, p.logits as Tensor | null | undefined);
    this.init(this.categoricalBatchShape(), [], validateArgsOf(p));
    void probs; void logits; void validateArgs;
  }

  /** Normalises and stores the parameter given (shared with OneHotCategorical). */
  protected setParams(probs: Tensor | null | undefined, logits: Tensor | null | undefined): void {
    const { raw, isProbs } = probsOrLogits({ probs, logits });
    const given = isProbs ? raw : null, givenLogits = isProbs ? null : raw;
    if (given !== null) {
      if (!(given instanceof Tensor)) throw new TypeError("`probs` must be a Tensor");
      if (given.dim() < 1) throw new Error("`probs` parameter must be at least one-dimensional.");
      this._probs = given.div(given.sum(-1, true));
    } else {
      if (!(givenLogits instanceof Tensor)) throw new TypeError("`logits` must be a Tensor");
      if (givenLogits.dim() < 1) throw new Error("`logits` parameter must be at least one-dimensional.");
      this._logits = givenLogits.sub(givenLogits.logsumexp(-1, true));
    }
    this._numEvents = this.param.size(-1);
  }

  protected categoricalBatchShape(): number[] { return this.param.dim() > 1 ? this.param.shape.slice(0, -1) : []; }
  protected get param(): Tensor { return (this._probs ?? this._logits)!; }

  get argConstraints(): Record<string, Constraint> { return { probs: simplex, logits: realVector }; }
  override get support(): Constraint { return integerInterval(0, this._numEvents - 1); }
  override get hasEnumerateSupport(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined {
    return name === "probs" ? this._probs : name === "logits" ? this._logits : undefined;
  }

  get probs(): Tensor { return (this._probs ??= logitsToProbs(this._logits!)); }
  get logits(): Tensor { return (this._logits ??= probsToLogits(this._probs!)); }
  get paramShape(): number[] { return this.param.shape; }

  override expand(batchShape: readonly number[]): Categorical {
    const copy = this.blank();
    const paramShape = [...batchShape, this._numEvents];
    copy._probs = this._probs?.expand(paramShape);
    copy._logits = this._logits?.expand(paramShape);
    copy._numEvents = this._numEvents;
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return full(this.extendedShape(), NaN, { dtype: this.probs.dtype }); }
  override get mode(): Tensor { return this.probs.argmax(-1); }
  override get variance(): Tensor { return full(this.extendedShape(), NaN, { dtype: this.probs.dtype }); }

  override sample(sampleShape?: SampleShape): Tensor {
    const outShape = this.extendedShape(sampleShape);
    const count = outShape.slice(0, outShape.length - this._batchShape.length).reduce((a, b) => a * b, 1);
    return noGrad(() => {
      const probs2d = this.probs.reshape([-1, this._numEvents]);
      return multinomial(probs2d, count, true).T.reshape(outShape);
    });
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [v, logPmf] = broadcastTensors(value.long().unsqueeze(-1), this.logits) as [Tensor, Tensor];
    return logPmf.gather(-1, v.narrow(-1, 0, 1)).squeeze(-1);
  }

  override entropy(): Tensor {
    const logits = this.logits.clamp(finfo(this.logits.dtype).min);
    return logits.mul(this.probs).sum(-1).neg();
  }

  override enumerateSupport(expand = true): Tensor {
    let values = arange(this._numEvents, { dtype: int64 }).view([-1, ...this._batchShape.map(() => 1)]);
    if (expand) values = values.expand([-1, ...this._batchShape]);
    return values;
  }
}
