// LKJCholesky(dim, concentration) (lkj_cholesky.py): Cholesky factors L of correlation matrices with
// density ∝ det(L Lᵀ)^(concentration - 1), sampled by the onion method (vectorised over rows).

import type { Tensor } from "../core/tensor.js";
import { finfo } from "../core/type-info.js";
import { arange, zeros } from "../ops/creation.js";
import { cat } from "../ops/shape-join.js";
import { randn } from "../ops/random.js";
import { where } from "../ops/comparison.js";
import { mvlgamma } from "../ops/special.js";
import { type Constraint, corrCholesky, positive } from "./constraints.js";
import { Distribution, type SampleShape } from "./distribution.js";
import { Beta } from "./beta.js";
import { type TensorLike, bindParams, broadcastAll, validateArgsOf } from "./utils.js";

export interface LKJCholeskyOptions { dim?: number; concentration?: TensorLike; validateArgs?: boolean | null }

export class LKJCholesky extends Distribution {
  dim!: number;
  concentration!: Tensor;
  /** Per row i, the Beta(i/2 ... ) of the squared norm of the row's off-diagonal part (Sec. 3.2 of the paper). */
  protected _beta!: Beta;

  constructor(dim: number | LKJCholeskyOptions, concentration?: TensorLike | LKJCholeskyOptions, validateArgs?: boolean | null | LKJCholeskyOptions) {
    super();
    const p = bindParams("LKJCholesky", [...arguments], ["dim", "concentration", "validateArgs"]);
    const d = p.dim;
    if (typeof d !== "number" || !Number.isInteger(d)) throw new TypeError("LKJCholesky.__init__(): dim must be an int");
    if (d < 2) throw new Error(`Expected dim to be an integer greater than or equal to 2. Found dim=${d}.`);
    this.dim = d;
    [this.concentration] = broadcastAll(p.concentration ?? 1.0) as [Tensor];
    const marginal = this.concentration.add(0.5 * (d - 2));
    const steps = arange(d - 1, { dtype: this.concentration.dtype });
    const offset = cat([zeros([1], { dtype: steps.dtype }), steps]);
    this._beta = new Beta(offset.add(0.5), marginal.unsqueeze(-1).sub(offset.mul(0.5)));
    this.init(this.concentration.shape, [d, d], validateArgsOf(p));
    void concentration; void validateArgs;
  }

  get argConstraints(): Record<string, Constraint> { return { concentration: positive }; }
  override get support(): Constraint { return corrCholesky; }

  override expand(batchShape: readonly number[]): LKJCholesky {
    const copy = this.blank();
    copy.dim = this.dim;
    copy.concentration = this.concentration.expand([...batchShape]);
    copy._beta = this._beta.expand([...batchShape, this.dim]);
    return this.finishExpand(copy, batchShape);
  }

  override sample(sampleShape?: SampleShape): Tensor {
    const y = this._beta.sample(sampleShape).unsqueeze(-1);
    const normals = randn(this.extendedShape(sampleShape), { dtype: y.dtype }).tril(-1);
    // Row 0 has no off-diagonal part: its 0/0 becomes 0.
    const firstRow = arange(this.dim).view([-1, 1]).eq(0);
    const onSphere = where(firstRow, 0, normals.div(normals.norm(2, -1, true)));
    const w = y.sqrt().mul(onSphere);
    const diagonal = w.pow(2).sum(-1).neg().add(1).clamp(finfo(w.dtype).tiny).sqrt();
    return w.add(diagonal.diagEmbed());
  }

  override logProb(value: Tensor): Tensor {
    if (this._validateArgs) this.validateSample(value);
    const diagonal = value.diagonal(0, -1, -2).narrow(-1, 1, this.dim - 1);
    const order = this.concentration.sub(1).unsqueeze(-1).mul(2).add(this.dim).sub(arange(2, this.dim + 1));
    const unnormalized = order.mul(diagonal.log()).sum(-1);
    const dm1 = this.dim - 1;
    const alpha = this.concentration.add(0.5 * dm1);
    const denominator = alpha.lgamma().mul(dm1);
    const numerator = mvlgamma(alpha.sub(0.5), dm1);
    const normalizer = numerator.add(0.5 * dm1 * Math.log(Math.PI)).sub(denominator);
    return unnormalized.sub(normalizer);
  }
}
