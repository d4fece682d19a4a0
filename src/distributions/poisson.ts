// Poisson(rate) (poisson.py): samples through torch.poisson.

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { poisson } from "../ops/random-counts.js";
import { type Constraint, nonnegative, nonnegativeInteger } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface PoissonOptions { rate?: TensorLike; validateArgs?: boolean | null }

export class Poisson extends ExponentialFamily {
  rate!: Tensor;

  constructor(rate: TensorLike | PoissonOptions, validateArgs?: boolean | null | PoissonOptions) {
    super();
    const p = bindParams("Poisson", [...arguments], ["rate", "validateArgs"]);
    if (p.rate === undefined) throw new TypeError("Poisson.__init__() missing 1 required positional argument: 'rate'");
    [this.rate] = broadcastAll(p.rate) as [Tensor];
    this.init(typeof p.rate === "number" ? [] : this.rate.shape, [], validateArgsOf(p));
    void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { rate: nonnegative }; }
  override get support(): Constraint { return nonnegativeInteger; }
  override get meanCarrierMeasure(): number { throw new Error("Poisson has no finite mean carrier measure"); }

  override expand(batchShape: readonly number[]): Poisson {
    const copy = this.blank();
    copy.rate = this.rate.expand([...batchShape]);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.rate; }
  override get mode(): Tensor { return this.rate.floor(); }
  override get variance(): Tensor { return this.rate; }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => poisson(this.rate.expand(shape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const [rate, v] = broadcastAll(this.rate, value) as [Tensor, Tensor];
    return v.xlogy(rate).sub(rate).sub(v.add(1).lgamma());
  }

  override get naturalParams(): Tensor[] { return [this.rate.log()]; }
  override logNormalizer(x: Tensor): Tensor { return x.exp(); }
}
