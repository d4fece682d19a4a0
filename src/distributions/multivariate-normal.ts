// MultivariateNormal(loc, covarianceMatrix | precisionMatrix | scaleTril) (multivariate_normal.py),
// parameterised internally by the Cholesky factor of the covariance (unbroadcasted).

import { Tensor } from "../core/tensor.js";
import { broadcastShapes } from "../core/shape.js";
import { eye } from "../ops/creation.js";
import { flip } from "../ops/shape-reorder.js";
import { matmul } from "../ops/blas.js";
import { cholesky, solveTriangular } from "../ops/linalg.js";
import { choleskyInverse } from "../ops/linalg-functions.js";
import { type Constraint, lowerCholesky, positiveDefinite, realVector } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { bindParams, standardNormal, validateArgsOf } from "./utils.js";

export interface MultivariateNormalOptions {
  loc?: Tensor; covarianceMatrix?: Tensor | null; precisionMatrix?: Tensor | null; scaleTril?: Tensor | null; validateArgs?: boolean | null;
}

/** bmat @ bvec over broadcast batch dims. */
export function batchMv(bmat: Tensor, bvec: Tensor): Tensor {
  return matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1);
}

/** The squared Mahalanobis distance x^T (L L^T)^-1 x, batched (L's batch dims broadcast against x's). */
export function batchMahalanobis(bL: Tensor, bx: Tensor): Tensor {
  const batch = broadcastShapes(bL.shape.slice(0, -2), bx.shape.slice(0, -1));
  const n = bx.size(-1);
  const solved = solveTriangular(bL.expand([...batch, n, n]), bx.expand([...batch, n]).unsqueeze(-1), { upper: false });
  return solved.squeeze(-1).pow(2).sum(-1);
}

/** The Cholesky factor of the covariance from the precision P (multivariate_normal._precision_to_scale_tril). */
export function precisionToScaleTril(p: Tensor): Tensor {
  const lf = cholesky(flip(p, [-2, -1]));
  const lInv = flip(lf, [-2, -1]).transpose(-2, -1);
  const id = eye(p.size(-1), { dtype: p.dtype });
  return solveTriangular(lInv, id, { upper: false });
}

export class MultivariateNormal extends Distribution {
  loc!: Tensor;
  protected _unbroadcastedScaleTril!: Tensor;
  protected _scaleTril: Tensor | undefined;
  protected _covarianceMatrix: Tensor | undefined;
  protected _precisionMatrix: Tensor | undefined;

  constructor(loc: Tensor | MultivariateNormalOptions, covarianceMatrix?: Tensor | null | MultivariateNormalOptions,
    precisionMatrix?: Tensor | null | MultivariateNormalOptions, scaleTril?: Tensor | null | MultivariateNormalOptions,
    validateArgs?: boolean | null | MultivariateNormalOptions) {
    super();
    const p = bindParams("MultivariateNormal", [...arguments], ["loc", "covarianceMatrix", "precisionMatrix", "scaleTril", "validateArgs"]);
    const l = p.loc, cov = (p.covarianceMatrix ?? null) as Tensor | null, prec = (p.precisionMatrix ?? null) as Tensor | null, tril = (p.scaleTril ?? null) as Tensor | null;
    if (!(l instanceof Tensor)) throw new TypeError("MultivariateNormal: loc must be a Tensor");
    if (l.dim() < 1) throw new Error("loc must be at least one-dimensional.");
    if (Number(cov !== null) + Number(tril !== null) + Number(prec !== null) !== 1) {
      throw new Error("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    }
    const matrix = (tril ?? cov ?? prec)!;
    const what = tril ? "scale_tril matrix" : cov ? "covariance_matrix" : "precision_matrix";
    if (matrix.dim() < 2) throw new Error(`${what} must be at least two-dimensional, with optional leading batch dimensions`);
    const batch = broadcastShapes(matrix.shape.slice(0, -2), l.shape.slice(0, -1));
    const expanded = matrix.expand([...batch, -1, -1]);
    if (tril) this._scaleTril = expanded; else if (cov) this._covarianceMatrix = expanded; else this._precisionMatrix = expanded;
    this.loc = l.expand([...batch, -1]);
    this.init(batch, this.loc.shape.slice(-1), validateArgsOf(p));
    this._unbroadcastedScaleTril = tril ?? (cov ? cholesky(cov) : precisionToScaleTril(prec!));
    void covarianceMatrix; void precisionMatrix; void scaleTril; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> {
    return { loc: realVector, covarianceMatrix: positiveDefinite, precisionMatrix: positiveDefinite, scaleTril: lowerCholesky };
  }
  override get support(): Constraint { return realVector; }
  override get hasRsample(): boolean { return true; }
  protected override givenParam(name: string): Tensor | undefined {
    switch (name) {
      case "loc": return this.loc;
      case "covarianceMatrix": return this._covarianceMatrix;
      case "precisionMatrix": return this._precisionMatrix;
      case "scaleTril": return this._scaleTril;
      default: return undefined;
    }
  }

  /** The Cholesky factor before broadcasting to the batch shape (PyTorch's _unbroadcasted_scale_tril). */
  get unbroadcastedScaleTril(): Tensor { return this._unbroadcastedScaleTril; }

  private get matrixShape(): number[] { return [...this._batchShape, ...this._eventShape, ...this._eventShape]; }
  get scaleTril(): Tensor { return (this._scaleTril ??= this._unbroadcastedScaleTril.expand(this.matrixShape)); }
  get covarianceMatrix(): Tensor {
    return (this._covarianceMatrix ??= matmul(this._unbroadcastedScaleTril, this._unbroadcastedScaleTril.mT).expand(this.matrixShape));
  }
  get precisionMatrix(): Tensor { return (this._precisionMatrix ??= choleskyInverse(this._unbroadcastedScaleTril).expand(this.matrixShape)); }

  override expand(batchShape: readonly number[]): MultivariateNormal {
    const copy = this.blank();
    const matrixShape = [...batchShape, ...this._eventShape, ...this._eventShape];
    copy.loc = this.loc.expand([...batchShape, ...this._eventShape]);
    copy._unbroadcastedScaleTril = this._unbroadcastedScaleTril;
    copy._covarianceMatrix = this._covarianceMatrix?.expand(matrixShape);
    copy._scaleTril = this._scaleTril?.expand(matrixShape);
    copy._precisionMatrix = this._precisionMatrix?.expand(matrixShape);
    return this.finishExpand(copy, batchShape);
  }

  override get mean(): Tensor { return this.loc; }
  override get mode(): Tensor { return this.loc; }
  override get variance(): Tensor { return this._unbroadcastedScaleTril.pow(2).sum(-1).expand([...this._batchShape, ...this._eventShape]); }

  override rsample(sampleShape?: SampleShape): Tensor {
    const eps = standardNormal(this.extendedShape(sampleShape), this.loc.dtype);
    return this.loc.add(batchMv(this._unbroadcastedScaleTril, eps));
  }

  private halfLogDet(): Tensor { return this._unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1); }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const m = batchMahalanobis(this._unbroadcastedScaleTril, value.sub(this.loc));
    return m.add(this._eventShape[0]! * Math.log(2 * Math.PI)).mul(-0.5).sub(this.halfLogDet());
  }

  override entropy(): Tensor {
    const h = this.halfLogDet().add(0.5 * this._eventShape[0]! * (1.0 + Math.log(2 * Math.PI)));
    return this._batchShape.length === 0 ? h : h.expand(this._batchShape);
  }
}
