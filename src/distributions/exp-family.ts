// ExponentialFamily (torch/distributions/exp_family.py): distributions of the form
// p(x; θ) = exp(<t(x), θ> - F(θ) + k(x)); entropy and KL between two members of one family follow
// from the log normaliser F by autograd (Bregman divergence).

import type { Tensor } from "../core/tensor.js";
import { grad } from "../autograd/engine.js";
import { enableGrad } from "../autograd/grad-mode.js";
import { Distribution } from "./distribution.js";

export abstract class ExponentialFamily extends Distribution {
  /** The natural parameters θ. */
  get naturalParams(): Tensor[] { throw new Error(`${this.constructor.name} does not implement _natural_params`); }
  /** The log normaliser F(θ), as a function of the natural parameters. */
  logNormalizer(...naturalParams: Tensor[]): Tensor { void naturalParams; throw new Error(`${this.constructor.name} does not implement _log_normalizer`); }
  /** E[k(x)], the expected carrier measure. */
  get meanCarrierMeasure(): number { throw new Error(`${this.constructor.name} does not implement _mean_carrier_measure`); }

  /** Entropy by Bregman divergence of the log normaliser. */
  override entropy(): Tensor {
    const nparams = this.naturalParams.map((p) => p.detach().requiresGrad_());
    return enableGrad(() => {
      const lgNormal = this.logNormalizer(...nparams);
      const gradients = grad(lgNormal.sum(), nparams, { createGraph: true });
      let result = lgNormal.add(-this.meanCarrierMeasure);
      nparams.forEach((np, i) => {
        result = result.sub(np.mul(gradients[i]!).reshape([...this._batchShape, -1]).sum(-1));
      });
      return result;
    });
  }
}
