// Wishart(df, covarianceMatrix | precisionMatrix | scaleTril) (wishart.py): positive definite matrices,
// sampled by the Bartlett decomposition (chi-square diagonal, normal strict lower triangle) and
// parameterised internally by the Cholesky factor of the scale matrix, as MultivariateNormal.

import { Tensor } from "../core/tensor.js";
import { broadcastShapes } from "../core/shape.js";
import { finfo } from "../core/type-info.js";
import { warnOnce } from "../core/warnings.js";
import { arange, eye, tensor, trilIndices, zeros } from "../ops/creation.js";
import { randn } from "../ops/random.js";
import { where } from "../ops/comparison.js";
import { matmul } from "../ops/blas.js";
import { cholesky, slogdet } from "../ops/linalg.js";
import { choleskySolve } from "../ops/linalg-functions.js";
import { mvlgamma } from "../ops/special.js";
import { indexCopy } from "../ops/indexing-index.js";
import { nonzero } from "../ops/indexing-mask.js";
import { type Constraint, greaterThan, lowerCholesky, positiveDefinite } from "./constraints.js";
import type { SampleShape } from "./distribution.js";
import { ExponentialFamily } from "./exp-family.js";
import { Chi2 } from "./chi2.js";
import { precisionToScaleTril } from "./multivariate-normal.js";
import { bindParams, pyFormat, validateArgsOf } from "./utils.js";
import { pyFloat } from "../nn/modules/utils.js";

export interface WishartOptions {
  df?: Tensor | number; covarianceMatrix?: Tensor | null; precisionMatrix?: Tensor | null; scaleTril?: Tensor | null; validateArgs?: boolean | null;
}

const LOG_2 = Math.log(2);

/** The multivariate digamma, sum over i < p of digamma(x - i/2) (wishart._mvdigamma). */
function mvdigamma(x: Tensor, p: number): Tensor {
  if (!(x.gt((p - 1) / 2).all().item() as boolean)) throw new Error("Wrong domain for multivariate digamma function.");
  return x.unsqueeze(-1).sub(arange(p, { dtype: x.dtype }).div(2).expand([...x.shape, -1])).digamma().sum(-1);
}

export class Wishart extends ExponentialFamily {
  df!: Tensor;
  protected _unbroadcastedScaleTril!: Tensor;
  protected _scaleTril: Tensor | undefined;
  protected _covarianceMatrix: Tensor | undefined;
  protected _precisionMatrix: Tensor | undefined;
  /** The chi-square distributions of the Bartlett factor's squared diagonal: df - i for i < p. */
  protected distChi2!: Chi2;

  constructor(df: Tensor | number | WishartOptions, covarianceMatrix?: Tensor | null | WishartOptions, precisionMatrix?: Tensor | null | WishartOptions,
    scaleTril?: Tensor | null | WishartOptions, validateArgs?: boolean | null | WishartOptions) {
    super();
    const p = bindParams("Wishart", [...arguments], ["df", "covarianceMatrix", "precisionMatrix", "scaleTril", "validateArgs"]);
    const cov = (p.covarianceMatrix ?? null) as Tensor | null, prec = (p.precisionMatrix ?? null) as Tensor | null, tril = (p.scaleTril ?? null) as Tensor | null;
    if (p.df === undefined) throw new TypeError("Wishart.__init__() missing 1 required positional argument: 'df'");
    if (Number(cov !== null) + Number(tril !== null) + Number(prec !== null) !== 1) {
      throw new Error("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    }
    const param = (cov ?? prec ?? tril)!;
    if (!(param instanceof Tensor)) throw new TypeError("Wishart: the matrix parameter must be a Tensor");
    if (param.dim() < 2) throw new Error("scale_tril must be at least two-dimensional, with optional leading batch dimensions");
    const dfArg = p.df;
    let batchShape: number[];
    if (typeof dfArg === "number") {
      batchShape = param.shape.slice(0, -2);
      this.df = tensor(dfArg, { dtype: param.dtype });
    } else if (dfArg instanceof Tensor) {
      batchShape = broadcastShapes(param.shape.slice(0, -2), dfArg.shape);
      this.df = dfArg.expand(batchShape);
    } else {
      throw new TypeError("Wishart: df must be a number or a Tensor");
    }
    const eventShape = param.shape.slice(-2);
    const n = eventShape[1]!;
    if (this.df.le(n - 1).any().item() as boolean) {
      const shown = typeof dfArg === "number" ? (Number.isInteger(dfArg) ? String(dfArg) : pyFloat(dfArg)) : pyFormat(dfArg);
      throw new Error(`Value of df=${shown} expected to be greater than ndim - 1 = ${n - 1}.`);
    }
    const expanded = param.expand([...batchShape, -1, -1]);
    if (tril) this._scaleTril = expanded; else if (cov) this._covarianceMatrix = expanded; else this._precisionMatrix = expanded;
    if (this.df.lt(n).any().item() as boolean) warnOnce("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.");
    this.init(batchShape, eventShape, validateArgsOf(p));
    this._unbroadcastedScaleTril = tril ?? (cov ? cholesky(cov) : precisionToScaleTril(prec!));
    this.distChi2 = this.chi2For(batchShape);
    void covarianceMatrix; void precisionMatrix; void scaleTril; void validateArgs;
  }

  private chi2For(batchShape: readonly number[]): Chi2 {
    const n = this._eventShape[1]!;
    const offsets = arange(n, { dtype: this._unbroadcastedScaleTril.dtype }).expand([...batchShape, -1]);
    return new Chi2(this.df.unsqueeze(-1).sub(offsets));
  }

  get argConstraints(): Record<string, Constraint> {
    return {
      covarianceMatrix: positiveDefinite, precisionMatrix: positiveDefinite, scaleTril: lowerCholesky,
      df: greaterThan(this._eventShape[this._eventShape.length - 1]! - 1),
    };
  }
  override get support(): Constraint { return positiveDefinite; }
  override get hasRsample(): boolean { return true; }
  override get meanCarrierMeasure(): number { return 0; }
  protected override givenParam(name: string): Tensor | undefined {
    switch (name) {
      case "df": return this.df;
      case "covarianceMatrix": return this._covarianceMatrix;
      case "precisionMatrix": return this._precisionMatrix;
      case "scaleTril": return this._scaleTril;
      default: return undefined;
    }
  }

  private get matrixShape(): number[] { return [...this._batchShape, ...this._eventShape]; }
  get scaleTril(): Tensor { return (this._scaleTril ??= this._unbroadcastedScaleTril.expand(this.matrixShape)); }
  get covarianceMatrix(): Tensor {
    return (this._covarianceMatrix ??= matmul(this._unbroadcastedScaleTril, this._unbroadcastedScaleTril.mT).expand(this.matrixShape));
  }
  get precisionMatrix(): Tensor {
    return (this._precisionMatrix ??= choleskySolve(eye(this._eventShape[1]!, { dtype: this._unbroadcastedScaleTril.dtype }), this._unbroadcastedScaleTril)
      .expand(this.matrixShape));
  }

  override expand(batchShape: readonly number[]): Wishart {
    const copy = this.blank();
    const matrixShape = [...batchShape, ...this._eventShape];
    copy._unbroadcastedScaleTril = this._unbroadcastedScaleTril.expand(matrixShape);
    copy.df = this.df.expand([...batchShape]);
    copy._covarianceMatrix = this._covarianceMatrix?.expand(matrixShape);
    copy._scaleTril = this._scaleTril?.expand(matrixShape);
    copy._precisionMatrix = this._precisionMatrix?.expand(matrixShape);
    this.finishExpand(copy, batchShape);
    copy.distChi2 = copy.chi2For(batchShape);
    return copy;
  }

  /** df, viewed to broadcast against matrices. */
  private get dfMatrix(): Tensor { return this.df.view([...this._batchShape, 1, 1]); }
  override get mean(): Tensor { return this.dfMatrix.mul(this.covarianceMatrix); }
  override get mode(): Tensor {
    const factor = this.df.sub(this._eventShape[1]!).sub(1);
    return where(factor.le(0), NaN, factor).view([...this._batchShape, 1, 1]).mul(this.covarianceMatrix);
  }
  override get variance(): Tensor {
    const v = this.covarianceMatrix;
    const diag = v.diagonal(0, -2, -1);
    return this.dfMatrix.mul(v.pow(2).add(diag.unsqueeze(-1).mul(diag.unsqueeze(-2))));
  }

  /** One Bartlett draw: L A (L A)^T with A's diagonal sqrt(chi2(df - i)) and a standard normal strict lower triangle. */
  private bartlettSample(sampleShape: readonly number[]): Tensor {
    const n = this._eventShape[1]!;
    const chi = this.distChi2.rsample([...sampleShape]).sqrt();
    const diagonal = chi.clamp(finfo(chi.dtype).eps).diagEmbed();
    const lead = [...sampleShape, ...this._batchShape];
    const normals = randn([...lead, (n * (n - 1)) / 2], { dtype: diagonal.dtype });
    const [rows, cols] = trilIndices(n, n, -1).unbind(0) as [Tensor, Tensor];
    const strictLower = indexCopy(zeros([...lead, n * n], { dtype: diagonal.dtype }), -1, rows.mul(n).add(cols), normals).view([...lead, n, n]);
    const chol = matmul(this._unbroadcastedScaleTril, diagonal.add(strictLower));
    return matmul(chol, chol.mT);
  }

  /** Per sample (any over the batch), whether the support check gives `outcome` (PyTorch's is_singular with amax). */
  private supportCheckIs(sample: Tensor, outcome: boolean): Tensor {
    const valid = this.support.check(sample);
    const flags = outcome ? valid : valid.logicalNot();
    const batchDims = this._batchShape.map((_, i) => -(i + 1));
    return batchDims.length ? flags.amax(batchDims) : flags;
  }

  /**
   * A Bartlett sample, then PyTorch's correction loop. Its first check flags the samples that *pass*
   * (as PyTorch's does), so those are drawn again once, with the warning; later rounds redraw the failures.
   */
  override rsample(sampleShape?: SampleShape, maxTryCorrection = 10): Tensor {
    const shape = this.extendedShape(sampleShape);
    const sizes = shape.slice(0, shape.length - this._batchShape.length - 2);
    const sample = this.bartlettSample(sizes);
    let redraw = this.supportCheckIs(sample, true).reshape([-1]);
    if (!(redraw.any().item() as boolean)) return sample;
    warnOnce("Singular sample detected.");
    // One row per sample, over the flattened sample dims.
    let rows = sample.reshape([-1, ...sample.shape.slice(sizes.length)]);
    for (let attempt = 0; attempt < maxTryCorrection; attempt++) {
      const positions = nonzero(redraw).view([-1]);
      const fresh = this.bartlettSample([positions.size(0)]);
      rows = indexCopy(rows, 0, positions, fresh);
      redraw = indexCopy(redraw, 0, positions, this.supportCheckIs(fresh, false));
      if (!(redraw.any().item() as boolean)) break;
    }
    return rows.reshape(shape);
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const nu = this.df, n = this._eventShape[1]!;
    const logDetScale = this._unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1).add((n * LOG_2) / 2);
    const trace = choleskySolve(value, this._unbroadcastedScaleTril).diagonal(0, -2, -1).sum(-1);
    return nu.neg().mul(logDetScale)
      .sub(mvlgamma(nu.div(2), n))
      .add(nu.sub(n).sub(1).div(2).mul(slogdet(value).logabsdet))
      .sub(trace.div(2));
  }

  override entropy(): Tensor {
    const nu = this.df, n = this._eventShape[1]!;
    const logDetScale = this._unbroadcastedScaleTril.diagonal(0, -2, -1).log().sum(-1).add((n * LOG_2) / 2);
    return logDetScale.mul(n + 1)
      .add(mvlgamma(nu.div(2), n))
      .sub(nu.sub(n).sub(1).div(2).mul(mvdigamma(nu.div(2), n)))
      .add(nu.mul(n).div(2));
  }

  override get naturalParams(): Tensor[] {
    const n = this._eventShape[1]!;
    return [this.precisionMatrix.neg().div(2), this.df.sub(n).sub(1).div(2)];
  }
  override logNormalizer(x: Tensor, y: Tensor): Tensor {
    const n = this._eventShape[1]!;
    const shifted = y.add((n + 1) / 2);
    return shifted.mul(slogdet(x.mul(-2)).logabsdet.neg().add(LOG_2 * n)).add(mvlgamma(shifted, n));
  }
}
