// Uniform(low, high) on [low, high) (torch/distributions/uniform.py).

import { Tensor } from "../core/tensor.js";
import { rand } from "../ops/random.js";
import { type Constraint, dependent, interval } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface UniformOptions { low?: TensorLike; high?: TensorLike; validateArgs?: boolean | null }

export class Uniform extends Distribution {
  low!: Tensor;
  high!: Tensor;

  constructor(low: TensorLike | UniformOptions, high?: TensorLike | UniformOptions, validateArgs?: boolean | null | UniformOptions) {
    super();
    const p = bindParams("Uniform", [...arguments], ["low", "high", "validateArgs"]);
    if (p.low === undefined || p.high === undefined) throw new TypeError("Uniform.__init__() missing required positional arguments: 'low' and 'high'");
    [this.low, this.high] = broadcastAll(p.low, p.high) as [Tensor, Tensor];
    const scalar = typeof p.low === "number" && typeof p.high === "number";
    this.init(scalar ? [] : this.low.shape, [], validateArgsOf(p));
    if (this._validateArgs && !(this.low.lt(this.high).all().item() as boolean)) throw new Error("Uniform is not defined when low>= high");
    void high; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> {
    return { low: dependent.call({ isDiscrete: false, eventDim: 0 }), high: dependent.call({ isDiscrete: false, eventDim: 0 }) };
  }
  override get support(): Constraint { return interval(this.low, this.high); }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): Uniform {
    const copy = this.blank();
    copy.low = this.low.expand([...batchShape]);
    copy.high = this.high.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.high.add(this.low).div(2); }
  override get mode(): Tensor { return this.high.mul(NaN); }
  override get stddev(): Tensor { return this.high.sub(this.low).div(12 ** 0.5); }
  override get variance(): Tensor { return this.high.sub(this.low).pow(2).div(12); }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const u = rand(shape, { dtype: this.low.dtype });
    return this.low.add(u.mul(this.high.sub(this.low)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const lb = this.low.le(value).typeAs(this.low);
    const ub = this.high.gt(value).typeAs(this.low);
    return lb.mul(ub).log().sub(this.high.sub(this.low).log());
  }

  override cdf(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }

  override icdf(value: Tensor): Tensor {
    return value.mul(this.high.sub(this.low)).add(this.low);
  }

  override entropy(): Tensor { return this.high.sub(this.low).log(); }
}
