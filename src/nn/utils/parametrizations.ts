// torch.nn.utils.parametrizations: orthogonal, weight_norm and spectral_norm written as
// parametrizations (nn.utils.parametrize), with PyTorch's state_dict keys
// (`parametrizations.weight.original`, `original0`/`original1`, `0._u`/`0._v`).

import { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { finfo } from "../../core/type-info.js";
import { cat } from "../../ops/shape-join.js";
import { eye, zerosLike } from "../../ops/creation.js";
import { randn } from "../../ops/random.js";
import { allclose } from "../../ops/comparison.js";
import { matrixExp } from "../../ops/matrix-exp.js";
import { geqrf } from "../../ops/linalg-householder.js";
import { householderProduct, solve } from "../../ops/linalg.js";
import { normExceptDim } from "../../ops/nn-forms-native.js";
import { type SpectralNormOptions, resolveSpectralArgs, weightNormOf, weightToMatrix } from "./weight-reparam.js";
import { normalize } from "../functional/normalization-layer.js";
import { Module } from "../module.js";
import { NotImplementedError, registerParametrization } from "./parametrize.js";

type Rec = Record<string, unknown>;

function tensorAttr(module: Module, name: string): Tensor {
  const t = (module as unknown as Rec)[name];
  if (!(t instanceof Tensor)) throw new Error(`Module '${String(module)}' has no parameter or buffer with name '${name}'`);
  return t;
}

// ---- orthogonal --------------------------------------------------------------------------------

type OrthogonalMap = "matrix_exp" | "cayley" | "householder";

function isOrthogonal(Q: Tensor): boolean {
  const n = Q.size(-2), k = Q.size(-1);
  const eps = 10 * n * finfo(Q.dtype).eps;
  return allclose(Q.mH.matmul(Q), eye(k, { dtype: Q.dtype }), { atol: eps });
}

/** The Q of A = QR (A tall) with diag(R) real and non-negative. */
function makeOrthogonal(A: Tensor): Tensor {
  const [X, tau] = geqrf(A);
  const Q = householderProduct(X!, tau!);
  return Q.mul(X!.diagonal(0, -2, -1).sgn().unsqueeze(-2));
}

/** The orthogonal parametrization (PyTorch's _Orthogonal): a skew matrix through matrix_exp / Cayley, or Householder reflectors. */
class _Orthogonal extends Module {
  declare base?: Tensor | null;
  readonly shape: number[];
  readonly orthogonalMap: OrthogonalMap;
  constructor(weight: Tensor, orthogonalMap: OrthogonalMap, useTrivialization: boolean) {
    super();
    if (weight.dtype.isComplex && orthogonalMap === "householder") throw new Error("The householder parametrization does not support complex tensors.");
    this.shape = weight.shape;
    this.orthogonalMap = orthogonalMap;
    if (useTrivialization) this.registerBuffer("base", null);
  }
  private get trivialized(): boolean { return this._ownBuffers().some(([n]) => n === "base"); }

  override forward(input: Tensor): Tensor {
    let X = input;
    let n = X.size(-2), k = X.size(-1);
    const transposed = n < k;
    if (transposed) { X = X.mT; [n, k] = [k, n]; }
    let Q: Tensor;
    if (this.orthogonalMap === "matrix_exp" || this.orthogonalMap === "cayley") {
      X = X.tril();
      if (n !== k) X = cat([X, X.newZeros([n, n - k]).expand([...X.shape.slice(0, -2), -1, -1])], -1);
      const A = X.sub(X.mH);
      if (this.orthogonalMap === "matrix_exp") Q = matrixExp(A);
      else {
        const Id = eye(n, { dtype: A.dtype });
        Q = solve(Id.add(A, { alpha: -0.5 }), Id.add(A, { alpha: 0.5 }));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    } else {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).reciprocal().mul(2);
      Q = householderProduct(A, tau);
      // The diagonal of X holds the signs (+-1); it is not differentiated through.
      Q = Q.mul(X.diagonal(0, -2, -1).int().unsqueeze(-2));
    }
    if (this.trivialized) Q = this.base!.matmul(Q);
    return transposed ? Q.mT : Q;
  }

  rightInverse(Qin: Tensor): Tensor {
    return noGrad(() => {
      if (Qin.shape.join() !== this.shape.join()) {
        throw new Error(`Expected a matrix or batch of matrices of shape torch.Size([${this.shape.join(", ")}]). Got a tensor of shape torch.Size([${Qin.shape.join(", ")}]).`);
      }
      let Q = Qin;
      let n = Q.size(-2), k = Q.size(-1);
      const transpose = n < k;
      if (transpose) { Q = Q.mT; [n, k] = [k, n]; }
      if (!this.trivialized) {
        if (this.orthogonalMap !== "householder") {
          throw new NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.");
        }
        const [A, tau] = geqrf(Q);
        const diag = A!.diagonal(0, -2, -1);
        diag.sign_();
        // LAPACK's tau is exactly zero where it used no reflection: that sign is flipped.
        diag.copy_(diag.where(tau!.ne(0), diag.neg()));
        return transpose ? A!.mT : A!;
      }
      if (n === k) Q = isOrthogonal(Q) ? Q.clone() : makeOrthogonal(Q);
      else Q = makeOrthogonal(cat([Q, randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype })], -1));
      this.base = Q;
      // -Id: householder(zeros) is then eye(m, n).
      const negId = zerosLike(Qin);
      negId.diagonal(0, -2, -1).fill_(-1);
      return negId;
    });
  }
}

/**
 * parametrizations.orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
 * module[name] (a matrix or batch of matrices) becomes orthogonal (unitary), through "matrix_exp",
 * "cayley" or "householder" (default: matrix_exp for square or complex, householder otherwise).
 */
export function orthogonal(module: Module, name: string | { name?: string; orthogonalMap?: OrthogonalMap | null; useTrivialization?: boolean } = "weight",
  orthogonalMap: OrthogonalMap | null | { orthogonalMap?: OrthogonalMap | null; useTrivialization?: boolean } = null, options: { useTrivialization?: boolean } = {}): Module {
  const o = { ...(typeof name === "object" ? name : {}), ...(orthogonalMap !== null && typeof orthogonalMap === "object" ? orthogonalMap : {}), ...options };
  const tensorName = typeof name === "string" ? name : o.name ?? "weight";
  let map = typeof orthogonalMap === "string" ? orthogonalMap : "orthogonalMap" in o ? o.orthogonalMap ?? null : null;
  const weight = tensorAttr(module, tensorName);
  if (weight.dim() < 2) throw new Error(`Expected a matrix or batch of matrices. Got a tensor of ${weight.dim()} dimensions.`);
  map ??= weight.size(-2) === weight.size(-1) || weight.dtype.isComplex ? "matrix_exp" : "householder";
  if (!["matrix_exp", "cayley", "householder"].includes(map)) {
    throw new Error(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${String(map)}`);
  }
  registerParametrization(module, tensorName, new _Orthogonal(weight, map, o.useTrivialization ?? true), { unsafe: true });
  return module;
}

// ---- weight_norm ---------------------------------------------------------------------------------

/** The weight-norm parametrization (PyTorch's _WeightNorm): original0 = g (the norms), original1 = v (the direction). */
class _WeightNorm extends Module {
  readonly dim: number;
  constructor(dim: number | null = 0) { super(); this.dim = dim ?? -1; }
  override forward(weightG: Tensor, weightV: Tensor): Tensor { return weightNormOf(weightV, weightG, this.dim); }
  rightInverse(weight: Tensor): Tensor[] { return [normExceptDim(weight, 2, this.dim).detach(), weight.detach()]; }
}

/**
 * parametrizations.weight_norm(module, name="weight", dim=0): module[name] = g * v / ‖v‖ with the
 * magnitude g (`parametrizations.weight.original0`) and direction v (`original1`) as parameters;
 * dim=null takes the norm of the whole tensor.
 */
export function weightNorm(module: Module, name: string | { name?: string; dim?: number | null } = "weight", dim: number | null = 0): Module {
  const tensorName = typeof name === "string" ? name : name.name ?? "weight";
  const d = typeof name === "object" && "dim" in name ? name.dim ?? null : dim;
  tensorAttr(module, tensorName);
  registerParametrization(module, tensorName, new _WeightNorm(d), { unsafe: true });
  // Checkpoints of the hook form (nn.utils.weightNorm) hold `weight_g`/`weight_v`: loaded as the
  // parametrization's original0/original1, as PyTorch's _weight_norm_compat_hook does.
  module.registerLoadStateDictPreHook((_m, stateDict, prefix) => {
    const g = stateDict.get(`${prefix}${tensorName}_g`), v = stateDict.get(`${prefix}${tensorName}_v`);
    if (g === undefined || v === undefined) return;
    stateDict.delete(`${prefix}${tensorName}_g`);
    stateDict.delete(`${prefix}${tensorName}_v`);
    stateDict.set(`${prefix}parametrizations.${tensorName}.original0`, g);
    stateDict.set(`${prefix}parametrizations.${tensorName}.original1`, v);
  });
  return module;
}

// ---- spectral_norm -------------------------------------------------------------------------------

/** The spectral-norm parametrization (PyTorch's _SpectralNorm): weight / sigma, sigma by power iteration on the buffers _u and _v. */
class _SpectralNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;
  declare _u: Tensor;
  declare _v: Tensor;
  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.dim();
    if (dim >= ndim || dim < -ndim) throw new Error(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (!(nPowerIterations > 0)) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      const mat = weightToMatrix(weight, this.dim);
      const [h, w] = mat.shape as [number, number];
      // u then v from the global generator, as PyTorch draws them.
      const u = mat.newEmpty([h]).normal_(0, 1), v = mat.newEmpty([w]).normal_(0, 1);
      this.registerBuffer("_u", normalize(u, { dim: 0, eps }));
      this.registerBuffer("_v", normalize(v, { dim: 0, eps }));
      // Start from reasonable singular vectors.
      this.powerMethod(mat, 15);
    }
  }

  /** Power iteration in place on _u and _v (in place: the buffers are shared with whoever holds them). */
  private powerMethod(mat: Tensor, iterations: number): void {
    noGrad(() => {
      for (let i = 0; i < iterations; i++) {
        this._u.copy_(normalize(mat.mv(this._v), { dim: 0, eps: this.eps }));
        this._v.copy_(normalize(mat.t().mv(this._u), { dim: 0, eps: this.eps }));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.dim() === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = weightToMatrix(weight, this.dim);
    if (this.training) this.powerMethod(mat, this.nPowerIterations);
    // Clones: a later power iteration must not change what this graph saved.
    const u = this._u.clone(), v = this._v.clone();
    return weight.div(u.dot(mat.mv(v)));
  }

  rightInverse(value: Tensor): Tensor { return value; }
}

/**
 * parametrizations.spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
 * module[name] divided by its spectral norm, estimated by power iteration (one step per access in
 * training mode). dim defaults to 1 for ConvTranspose modules, 0 otherwise.
 */
export function spectralNorm(module: Module, name: string | SpectralNormOptions = "weight", nPowerIterations: number | SpectralNormOptions = 1,
  eps: number | SpectralNormOptions = 1e-12, dim: number | null | SpectralNormOptions = null): Module {
  const o = resolveSpectralArgs(module, name, nPowerIterations, eps, dim);
  const weight = tensorAttr(module, o.name);
  registerParametrization(module, o.name, new _SpectralNorm(weight, o.nPowerIterations, o.dim, o.eps));
  return module;
}
