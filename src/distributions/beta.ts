// Beta(concentration1, concentration0) (beta.py): a Dirichlet over (x, 1 - x).

import { Tensor } from "../core/tensor.js";
import { getDefaultDtype } from "../core/dtype.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/shape-join.js";
import { type Constraint, positive, unitInterval } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { Dirichlet } from "./dirichlet.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface BetaOptions { concentration1?: TensorLike; concentration0?: TensorLike; validateArgs?: boolean | null }

export class Beta extends ExponentialFamily {
  protected _dirichlet!: Dirichlet;

  constructor(concentration1: TensorLike | BetaOptions, concentration0?: TensorLike | BetaOptions, validateArgs?: boolean | null | BetaOptions) {
    super();
    const p = bindParams("Beta", [...arguments], ["concentration1", "concentration0", "validateArgs"]);
    const c1 = p.concentration1 as TensorLike, c0 = p.concentration0 as TensorLike;
    if (c1 === undefined || c0 === undefined) throw new TypeError("Beta.__init__() missing required positional arguments: 'concentration1' and 'concentration0'");
    let both: Tensor;
    if (typeof c1 === "number" && typeof c0 === "number") both = tensor([c1, c0], { dtype: getDefaultDtype() });
    else both = stack(broadcastAll(c1, c0), -1);
    const validate = validateArgsOf(p);
    this._dirichlet = new Dirichlet(both, validate);
    this.init(this._dirichlet.batchShape, [], validate);
    void concentration0; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { concentration1: positive, concentration0: positive }; }
  // concentration1/0 are properties in PyTorch: validated, not in the repr.
  protected override givenParam(name: string): Tensor | undefined {
    return name === "concentration1" ? this.concentration1 : name === "concentration0" ? this.concentration0 : undefined;
  }
  override toString(): string { return "Beta()"; }
  override get support(): Constraint { return unitInterval; }
  override get hasRsample(): boolean { return true; }

  get concentration1(): Tensor { return this._dirichlet.concentration.select(-1, 0); }
  get concentration0(): Tensor { return this._dirichlet.concentration.select(-1, 1); }

  override expand(batchShape: readonly number[]): Beta {
    const copy = this.blank();
    copy._dirichlet = this._dirichlet.expand(batchShape);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.concentration1.div(this.concentration1.add(this.concentration0)); }
  override get mode(): Tensor { return this._dirichlet.mode.select(-1, 0); }
  override get variance(): Tensor {
    const total = this.concentration1.add(this.concentration0);
    return this.concentration1.mul(this.concentration0).div(total.pow(2).mul(total.add(1)));
  }

  override rsample(sampleShape?: SampleShape): Tensor { return this._dirichlet.rsample(sampleShape).select(-1, 0); }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this._dirichlet.logProb(stack([value, value.neg().add(1.0)], -1));
  }

  override entropy(): Tensor { return this._dirichlet.entropy(); }
  override get naturalParams(): Tensor[] { return [this.concentration1, this.concentration0]; }
  override logNormalizer(x: Tensor, y: Tensor): Tensor { return x.lgamma().add(y.lgamma()).sub(x.add(y).lgamma()); }
}
