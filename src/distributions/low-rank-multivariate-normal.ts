// LowRankMultivariateNormal(loc, covFactor, covDiag): covariance W W^T + diag(D), with log_prob and
// entropy through the m x m capacitance matrix I + W^T D^-1 W (lowrank_multivariate_normal.py).

import { Tensor } from "../core/tensor.js";
import { eye } from "../ops/creation.js";
import { matmul } from "../ops/blas.js";
import { cholesky, solveTriangular } from "../ops/linalg.js";
import { broadcastTensors } from "../ops/shape-join.js";
import { type Constraint, independent, positive, real, realVector } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { batchMahalanobis, batchMv } from "./multivariate-normal.js";
import { bindParams, pySize, sameShape, standardNormal, validateArgsOf } from "./utils.js";

export interface LowRankMultivariateNormalOptions { loc?: Tensor; covFactor?: Tensor; covDiag?: Tensor; validateArgs?: boolean | null }

/** Cholesky factor of I + W^T D^-1 W. */
function capacitanceTril(w: Tensor, d: Tensor): Tensor {
  const m = w.size(-1);
  const wtDinv = w.mT.div(d.unsqueeze(-2));
  return cholesky(matmul(wtDinv, w).add(eye(m, { dtype: w.dtype })));
}

/** log det(W W^T + D) through the capacitance factor (_batch_lowrank_logdet). */
export function lowrankLogdet(d: Tensor, capTril: Tensor): Tensor {
  return capTril.diagonal(0, -2, -1).log().sum(-1).mul(2).add(d.log().sum(-1));
}

/** x^T (W W^T + D)^-1 x through the capacitance factor (_batch_lowrank_mahalanobis). */
export function lowrankMahalanobis(w: Tensor, d: Tensor, x: Tensor, capTril: Tensor): Tensor {
  const wtDinv = w.mT.div(d.unsqueeze(-2));
  const wtDinvX = batchMv(wtDinv, x);
  return x.pow(2).div(d).sum(-1).sub(batchMahalanobis(capTril, wtDinvX));
}

export class LowRankMultivariateNormal extends Distribution {
  loc!: Tensor;
  covFactor!: Tensor;
  covDiag!: Tensor;
  protected _covFactor!: Tensor;
  protected _covDiag!: Tensor;
  protected _capacitanceTril!: Tensor;

  constructor(loc: Tensor | LowRankMultivariateNormalOptions, covFactor?: Tensor | LowRankMultivariateNormalOptions, covDiag?: Tensor | LowRankMultivariateNormalOptions, validateArgs?: boolean | null | LowRankMultivariateNormalOptions) {
    super();
    const p = bindParams("LowRankMultivariateNormal", [...arguments], ["loc", "covFactor", "covDiag", "validateArgs"]);
    const l = p.loc as Tensor, w = p.covFactor as Tensor, d = p.covDiag as Tensor;
    if (!(l instanceof Tensor) || !(w instanceof Tensor) || !(d instanceof Tensor)) throw new TypeError("LowRankMultivariateNormal: loc, cov_factor and cov_diag must be Tensors");
    if (l.dim() < 1) throw new Error("loc must be at least one-dimensional.");
    const eventShape = l.shape.slice(-1);
    if (w.dim() < 2) throw new Error("cov_factor must be at least two-dimensional, with optional leading batch dimensions");
    if (w.size(-2) !== eventShape[0]) throw new Error(`cov_factor must be a batch of matrices with shape ${eventShape[0]} x m`);
    if (!sameShape(d.shape.slice(-1), eventShape)) throw new Error(`cov_diag must be a batch of vectors with shape ${pySize(eventShape)}`);
    let parts: Tensor[];
    try {
      parts = broadcastTensors(l.unsqueeze(-1), w, d.unsqueeze(-1));
    } catch {
      throw new Error(`Incompatible batch shapes: loc ${pySize(l.shape)}, cov_factor ${pySize(w.shape)}, cov_diag ${pySize(d.shape)}`);
    }
    this.loc = parts[0]!.select(-1, 0);
    this.covFactor = parts[1]!;
    this.covDiag = parts[2]!.select(-1, 0);
    this._covFactor = w;
    this._covDiag = d;
    this._capacitanceTril = capacitanceTril(w, d);
    this.init(this.loc.shape.slice(0, -1), eventShape, validateArgsOf(p));
    void covFactor; void covDiag; void validateArgs;
  }

  /** cov_factor, cov_diag and the capacitance factor before broadcasting (PyTorch's _unbroadcasted_* and _capacitance_tril). */
  get unbroadcastedCovFactor(): Tensor { return this._covFactor; }
  get unbroadcastedCovDiag(): Tensor { return this._covDiag; }
  get capacitanceTril(): Tensor { return this._capacitanceTril; }

  get argConstraints(): Record<string, Constraint> { return { loc: realVector, covFactor: independent(real, 2), covDiag: independent(positive, 1) }; }
  override get support(): Constraint { return realVector; }
  override get hasRsample(): boolean { return true; }

  override expand(batchShape: readonly number[]): LowRankMultivariateNormal {
    const copy = this.blank();
    const locShape = [...batchShape, ...this._eventShape];
    copy.loc = this.loc.expand(locShape);
    copy.covDiag = this.covDiag.expand(locShape);
    copy.covFactor = this.covFactor.expand([...locShape, this.covFactor.size(-1)]);
    copy._covFactor = this._covFactor;
    copy._covDiag = this._covDiag;
    copy._capacitanceTril = this._capacitanceTril;
    return this.finishExpand(copy, batchShape);
  }

  private get vectorShape(): number[] { return [...this._batchShape, ...this._eventShape]; }
  private get matrixShape(): number[] { return [...this._batchShape, ...this._eventShape, ...this._eventShape]; }

  override get mean(): Tensor { return this.loc; }
  override get mode(): Tensor { return this.loc; }
  override get variance(): Tensor { return this._covFactor.pow(2).sum(-1).add(this._covDiag).expand(this.vectorShape); }
  get scaleTril(): Tensor {
    const n = this._eventShape[0]!;
    const dSqrt = this._covDiag.sqrt().unsqueeze(-1);
    const dinvsqrtW = this._covFactor.div(dSqrt);
    const k = matmul(dinvsqrtW, dinvsqrtW.mT).add(eye(n, { dtype: this.loc.dtype }));
    return dSqrt.mul(cholesky(k)).expand(this.matrixShape);
  }
  get covarianceMatrix(): Tensor { return matmul(this._covFactor, this._covFactor.mT).add(this._covDiag.diagEmbed()).expand(this.matrixShape); }
  get precisionMatrix(): Tensor {
    const wtDinv = this._covFactor.mT.div(this._covDiag.unsqueeze(-2));
    const a = solveTriangular(this._capacitanceTril, wtDinv, { upper: false });
    return this._covDiag.reciprocal().diagEmbed().sub(matmul(a.mT, a)).expand(this.matrixShape);
  }

  override rsample(sampleShape?: SampleShape): Tensor {
    const shape = this.extendedShape(sampleShape);
    const wShape = [...shape.slice(0, -1), this.covFactor.size(-1)];
    const epsW = standardNormal(wShape, this.loc.dtype);
    const epsD = standardNormal(shape, this.loc.dtype);
    return this.loc.add(batchMv(this._covFactor, epsW)).add(this._covDiag.sqrt().mul(epsD));
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const m = lowrankMahalanobis(this._covFactor, this._covDiag, value.sub(this.loc), this._capacitanceTril);
    const logDet = lowrankLogdet(this._covDiag, this._capacitanceTril);
    return logDet.add(this._eventShape[0]! * Math.log(2 * Math.PI)).add(m).mul(-0.5);
  }

  override entropy(): Tensor {
    const logDet = lowrankLogdet(this._covDiag, this._capacitanceTril);
    const h = logDet.add(this._eventShape[0]! * (1.0 + Math.log(2 * Math.PI))).mul(0.5);
    return this._batchShape.length === 0 ? h : h.expand(this._batchShape);
  }
}
