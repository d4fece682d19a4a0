// VonMises(loc, concentration) (von_mises.py): a circular distribution over angles. PyTorch 2.x samples
// by Best & Fisher's rejection method in double precision (float32 hangs for tiny concentrations),
// then casts back to the parameters' dtype.

import type { Tensor } from "../core/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { rand } from "../ops/random.js";
import { where } from "../ops/comparison.js";
import { fullLike, zeros } from "../ops/creation.js";
import { type Constraint, positive, real } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface VonMisesOptions { loc?: TensorLike; concentration?: TensorLike; validateArgs?: boolean | null }

// Abramowitz & Stegun's polynomial approximations of I0 and I1 (the coefficients PyTorch uses).
const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

/** Horner's rule from the highest coefficient (von_mises._eval_poly). */
function evalPoly(y: Tensor, coef: readonly number[]): Tensor {
  let result = y.mul(coef[coef.length - 1]!).add(coef[coef.length - 2]!);
  for (let i = coef.length - 3; i >= 0; i--) result = y.mul(result).add(coef[i]!);
  return result;
}

/** log I_order(x) for x > 0, order 0 or 1 (von_mises._log_modified_bessel_fn). */
export function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  const ySmall = x.div(3.75);
  let small = evalPoly(ySmall.mul(ySmall), order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = x.abs().mul(small);
  const large = x.sub(x.log().mul(0.5)).add(evalPoly(fullLike(x, 3.75).div(x), order === 0 ? I0_LARGE : I1_LARGE).log());
  return where(x.lt(3.75), small.log(), large);
}

/** Best & Fisher's rejection sampler over x's shape (von_mises._rejection_sample), in loc's dtype. */
function rejectionSample(loc: Tensor, concentration: Tensor, proposalR: Tensor, shape: readonly number[]): Tensor {
  let x = zeros([...shape], { dtype: loc.dtype });
  let done = zeros([...shape], { dtype: "bool" });
  while (!(done.all().item() as boolean)) {
    const [u1, u2, u3] = rand([3, ...shape], { dtype: loc.dtype }).unbind(0) as [Tensor, Tensor, Tensor];
    const z = u1.mul(Math.PI).cos();
    const f = proposalR.mul(z).add(1).div(proposalR.add(z));
    const c = concentration.mul(proposalR.sub(f));
    const accept = c.mul(c.neg().add(2)).sub(u2).gt(0).logicalOr(c.div(u2).log().add(1).sub(c).ge(0));
    if (accept.any().item() as boolean) {
      x = where(accept, u3.sub(0.5).sign().mul(f.acos()), x);
      done = done.logicalOr(accept);
    }
  }
  return x.add(Math.PI).add(loc).remainder(2 * Math.PI).sub(Math.PI);
}

export class VonMises extends Distribution {
  loc!: Tensor;
  concentration!: Tensor;

  constructor(loc: TensorLike | VonMisesOptions, concentration?: TensorLike | VonMisesOptions, validateArgs?: boolean | null | VonMisesOptions) {
    super();
    const p = bindParams("VonMises", [...arguments], ["loc", "concentration", "validateArgs"]);
    if (p.loc === undefined || p.concentration === undefined) {
      throw new TypeError("VonMises.__init__() missing required positional arguments: 'loc' and 'concentration'");
    }
    [this.loc, this.concentration] = broadcastAll(p.loc, p.concentration) as [Tensor, Tensor];
    this.init(this.loc.shape, [], validateArgsOf(p));
    void concentration; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { loc: real, concentration: positive }; }
  override get support(): Constraint { return real; }

  /** The proposal's r, with its Taylor expansion for tiny concentrations (in double precision). */
  private proposalR(kappa: Tensor): Tensor {
    const tau = kappa.pow(2).mul(4).add(1).sqrt().add(1);
    const rho = tau.sub(tau.mul(2).sqrt()).div(kappa.mul(2));
    const exact = rho.pow(2).add(1).div(rho.mul(2));
    return where(kappa.lt(1e-5), kappa.reciprocal().add(kappa), exact);
  }

  override sample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => {
      const loc = this.loc.to("float64"), kappa = this.concentration.to("float64");
      return rejectionSample(loc, kappa, this.proposalR(kappa), shape).to(this.loc.dtype);
    });
  }

  /** PyTorch re-runs the constructor on expanded parameters (validating them again). */
  override expand(batchShape: readonly number[]): VonMises {
    return new VonMises(this.loc.expand([...batchShape]), this.concentration.expand([...batchShape]), this._validateArgs);
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    return this.concentration.mul(value.sub(this.loc).cos()).sub(Math.log(2 * Math.PI)).sub(logModifiedBessel(this.concentration, 0));
  }

  /** The circular mean. */
  override get mean(): Tensor { return this.loc; }
  override get mode(): Tensor { return this.loc; }
  /** The circular variance, 1 - I1(κ)/I0(κ). */
  override get variance(): Tensor {
    return logModifiedBessel(this.concentration, 1).sub(logModifiedBessel(this.concentration, 0)).exp().neg().add(1);
  }
}
