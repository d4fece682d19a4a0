// Dirichlet(concentration) (dirichlet.py): rsample through torch._sample_dirichlet, with the
// implicit reparameterisation gradient of torch._dirichlet_grad (PyTorch's _Dirichlet function).

import { Tensor } from "../core/tensor.js";
import { record } from "../autograd/record.js";
import { _dirichletGrad, _sampleDirichlet } from "../ops/random-gamma.js";
import { xlogy } from "../ops/special.js";
import { where } from "../ops/comparison.js";
import { oneHot } from "../nn/functional/sparse.js";
import { type Constraint, independent, positive, simplex } from "./constraints.js";
import { ExponentialFamily } from "./exp-family.js";
import type { SampleShape } from "./distribution.js";
import { bindParams, validateArgsOf } from "./utils.js";

export interface DirichletOptions { concentration?: Tensor; validateArgs?: boolean | null }

/** A Dirichlet sample that is differentiable in the concentration (PyTorch's _Dirichlet.apply). */
function dirichletSample(concentration: Tensor): Tensor {
  const x = _sampleDirichlet(concentration.detach());
  return record("_DirichletBackward", [concentration], x, ([g]) => {
    const total = concentration.sum(-1, true).expand(concentration.shape);
    const grad = _dirichletGrad(x, concentration.detach(), total.detach());
    return [grad.mul(g!.sub(x.mul(g!).sum(-1, true)))];
  });
}

export class Dirichlet extends ExponentialFamily {
  concentration!: Tensor;

  constructor(concentration: Tensor | DirichletOptions, validateArgs?: boolean | null | DirichletOptions) {
    super();
    const p = bindParams("Dirichlet", [...arguments], ["concentration", "validateArgs"]);
    const c = p.concentration;
    if (!(c instanceof Tensor)) throw new TypeError("Dirichlet: concentration must be a Tensor");
    if (c.dim() < 1) throw new Error("`concentration` parameter must be at least one-dimensional.");
    this.concentration = c;
    this.init(c.shape.slice(0, -1), c.shape.slice(-1), validateArgsOf(p));
    void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { concentration: independent(positive, 1) }; }
  override get support(): Constraint { return simplex; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): Dirichlet {
    const copy = this.blank();
    copy.concentration = this.concentration.expand([...batchShape, ...this._eventShape]);
    return this.finishExpand(copy, batchShape);
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    return dirichletSample(this.concentration.expand(this.extendedShape(sampleShape)));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return xlogy(this.concentration.sub(1.0), value).sum(-1).add(this.concentration.sum(-1).lgamma()).sub(this.concentration.lgamma().sum(-1));
  }

  override get mean(): Tensor { return this.concentration.div(this.concentration.sum(-1, true)); }
  override get mode(): Tensor {
    const cm1 = this.concentration.sub(1).clamp(0.0);
    const mode = cm1.div(cm1.sum(-1, true));
    // Where every concentration is below 1 the density peaks at a vertex: the argmax's one-hot.
    const allBelowOne = this.concentration.lt(1).all(-1, true);
    const vertex = oneHot(mode.argmax(-1), cm1.size(-1)).to(mode.dtype);
    return where(allBelowOne, vertex, mode);
  }
  override get variance(): Tensor {
    const con0 = this.concentration.sum(-1, true);
    return this.concentration.mul(con0.sub(this.concentration)).div(con0.pow(2).mul(con0.add(1)));
  }

  override entropy(): Tensor {
    const k = this.concentration.size(-1);
    const a0 = this.concentration.sum(-1);
    return this.concentration.lgamma().sum(-1).sub(a0.lgamma()).sub(a0.neg().add(k).mul(a0.digamma()))
      .sub(this.concentration.sub(1.0).mul(this.concentration.digamma()).sum(-1));
  }

  override get naturalParams(): Tensor[] { return [this.concentration]; }
  override logNormalizer(x: Tensor): Tensor { return x.lgamma().sum(-1).sub(x.sum(-1).lgamma()); }
}
