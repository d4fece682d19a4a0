// torch.svd_lowrank and torch.pca_lowrank: the randomized range finder and SVD of Halko et al.
// (2009, algorithms 4.4 and 5.1) as PyTorch 2.x's torch/_lowrank.py runs them: the same Gaussian
// draw (one randn(n, q) through the default generator), the same QR power iterations and the same
// small SVD, so a seed gives PyTorch's U, S, V. Public ops only: autograd and devices come free.
// (PyTorch 1.13 also transposed tall inputs with n > q and drew randn(m, q) for them; 2.x does not.)

import type { Tensor } from "../core/tensor.js";
import { float16, float32, float64 } from "../core/dtype.js";
import { type Args, bindArgs, checkTensor } from "./args.js";
import { matmul } from "./blas.js";
import { randn } from "./random.js";
import { qr, svd } from "./linalg.js";

interface SvdLowrankOptions { q?: number | null; niter?: number | null; M?: Tensor | null }
interface PcaLowrankOptions { q?: number | null; center?: boolean; niter?: number }

/**
 * torch.svd_lowrank(A, q = 6, niter = 2, M = null): (U, S, V) with A - M ≈ U diag(S) Vᵀ for a
 * low-rank A [..., m, n] (M [..., 1, n] or A's shape, a mean to take away); q a slightly
 * overestimated rank, niter the power iterations. Random: seed the default generator to repeat it.
 */
export function svdLowrank(A: Tensor, ...args: Args<[q?: number | null, niter?: number | null, M?: Tensor | null], SvdLowrankOptions>): [Tensor, Tensor, Tensor] {
  checkTensor("svd_lowrank", "A", A);
  const o = bindArgs("svd_lowrank", args, ["q", "niter", "M"], [], 1);
  const M = (o.M ?? null) as Tensor | null;
  if (M !== null) checkTensor("svd_lowrank", "M", M);
  return lowrankSvd(A, (o.q as number | null | undefined) ?? 6, (o.niter as number | null | undefined) ?? 2, M);
}

/**
 * torch.pca_lowrank(A, q = null, center = true, niter = 2): svd_lowrank of A less its column means
 * (center), q = min(6, m, n) by default: V's columns are the principal directions, S² / (m - 1)
 * the variances along them.
 */
export function pcaLowrank(A: Tensor, ...args: Args<[q?: number | null, center?: boolean, niter?: number], PcaLowrankOptions>): [Tensor, Tensor, Tensor] {
  checkTensor("pca_lowrank", "A", A);
  const o = bindArgs("pca_lowrank", args, ["q", "center", "niter"], [], 1);
  if (A.dim() < 2) throw new Error(`not enough values to unpack (expected 2, got ${A.dim()})`);
  const [m, n] = A.shape.slice(-2) as [number, number];
  const qArg = (o.q as number | null | undefined) ?? null;
  const center = (o.center as boolean | undefined) ?? true;
  const niter = (o.niter as number | undefined) ?? 2;
  const q = qArg ?? Math.min(6, m, n);
  if (!(q >= 0 && q <= Math.min(m, n))) throw new Error(`q(=${q}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  if (!(niter >= 0)) throw new Error(`niter(=${niter}) must be non-negative integer`);
  return lowrankSvd(center ? A.sub(A.mean(-2, true)) : A, q, niter, null);
}

/** Algorithm 5.1: the SVD of the small Qᵀ (A - M), Q an orthonormal basis of A's range (of Aᵀ's for a wide A). */
function lowrankSvd(A: Tensor, q: number, niter: number, M: Tensor | null): [Tensor, Tensor, Tensor] {
  if (A.dim() < 2) throw new Error(`not enough values to unpack (expected 2, got ${A.dim()})`);
  const [m, n] = A.shape.slice(-2) as [number, number];
  let a = A;
  let mean = M === null ? null : M.broadcastTo(A.shape);
  if (m < n) {
    a = a.mH;
    mean = mean === null ? null : mean.mH;
  }
  const Q = approximateBasis(a, q, niter, mean);
  let B = matmul(Q.mH, a);
  if (mean !== null) B = B.sub(matmul(Q.mH, mean));
  const { U: Ub, S, Vh } = svd(B, { fullMatrices: false });
  const U = matmul(Q, Ub);
  const V = Vh.mH;
  return m < n ? [V, S, U] : [U, S, V];
}

/** Algorithm 4.4: Q with q orthonormal columns, Q Qᵀ (A - M) ≈ A - M, by niter QR-stabilized power iterations. */
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const n = A.shape[A.dim() - 1]!;
  const dtype = A.dtype === float16 || A.dtype === float32 || A.dtype === float64 ? A.dtype : float32;
  const R = randn([n, q], { dtype, device: A.device });
  const range = (X: Tensor, Y: Tensor, mean: Tensor | null): Tensor => {
    const P = matmul(X, Y);
    return qr(mean === null ? P : P.sub(matmul(mean, Y))).Q;
  };
  let Q = range(A, R, M);
  for (let i = 0; i < niter; i++) {
    Q = range(A.mH, Q, M === null ? null : M.mH);
    Q = range(A, Q, M);
  }
  return Q;
}
