// The backward of linalg.svd and linalg.eigh (not public API): PyTorch's svd_backward and the
// Hermitian branch of linalg_eig_backward (FunctionsManual.cpp), one formula for real and complex
// input. Written over conjugate transposes (`.mH`, a plain transpose for real tensors) in public
// ops, so createGraph gives double backward; the terms that only complex input has (the vectors'
// free phases) are guarded by `isComplex`, so real input runs no complex op.

import type { Tensor } from "../core/tensor.js";
import { isFilledZeroGrad } from "../autograd/node.js";
import { matmul } from "./blas.js";
import { allclose } from "./comparison.js";
import { rawRealView } from "./complex-engine.js";
import { onDevice } from "./device-hooks.js";
import { toNumbers } from "./engine.js";
import { diagEmbed, identity } from "./linalg-engine.js";

/**
 * Whether a gradient is zero, so that a backward can leave out its terms (PyTorch's undefined
 * gradients): a zero filled in for an unused output, or on the CPU any all-zero tensor.
 */
function isAllZero(t: Tensor): boolean {
  if (isFilledZeroGrad(t)) return true;
  if (onDevice(t)) return false;
  const v = toNumbers(t.dtype.isComplex ? rawRealView(t) : t);
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/** E_ij = x_j - x_i for x [..., n], with ones on the diagonal (where the formulas divide 0 by it). */
function gapsOf(x: Tensor): Tensor {
  const n = x.shape[x.dim() - 1]!;
  return x.unsqueeze(-2).sub(x.unsqueeze(-1)).add(identity(n, x.dtype, x));
}

/**
 * gA of A = U diag(S) Vh from (gU, gS, gVh); `full`: U and Vh are full_matrices' (their leading k
 * columns / rows enter the formula, as derivatives.yaml narrows them). With skew(X) = X - Xᴴ and
 * E_ij = σ_j² - σ_i² (1 on the diagonal):
 *   inner = (skew(Uᴴ gU) / E) S + S (skew(Vᴴ gV) / E) + diag(gS) [+ i Im diag(Uᴴ gU) / σ, complex],
 *   gA = U inner Vh, plus (I - U Uᴴ) gU S⁻¹ Vh when m > n, or U S⁻¹ gVh (I - Vhᴴ Vh) when m < n.
 * For complex A a loss that depends on the singular vectors' phases is PyTorch's error.
 */
export function svdBackward(
  gU0: Tensor | null, gS: Tensor, gVh0: Tensor | null,
  U0: Tensor, S: Tensor, Vh0: Tensor, full: boolean, m: number, n: number,
): Tensor {
  const k = Math.min(m, n);
  let U = U0;
  let Vh = Vh0;
  let gU = gU0 && !isAllZero(gU0) ? gU0 : null;
  let gVh = gVh0 && !isAllZero(gVh0) ? gVh0 : null;
  if (full) {
    U = U.narrow(-1, 0, k);
    Vh = Vh.narrow(-2, 0, k);
    if (gU) gU = gU.narrow(-1, 0, k);
    if (gVh) gVh = gVh.narrow(-2, 0, k);
  }
  // svdvals: gA = U diag(gS) Vh.
  if (!gU && !gVh) return m >= n ? matmul(U, gS.unsqueeze(-1).mul(Vh)) : matmul(U.mul(gS.unsqueeze(-2)), Vh);
  const skew = (X: Tensor): Tensor => X.sub(X.mH);
  const UhgU = gU ? skew(matmul(U.mH, gU)) : null;
  const VhgV = gVh ? skew(matmul(Vh, gVh.mH)) : null;
  const complex = U.dtype.isComplex;
  if (complex) checkSvdPhaseInvariance(UhgU, VhgV);
  const E = gapsOf(S.mul(S));
  let inner: Tensor;
  if (UhgU && VhgV) inner = UhgU.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(VhgV)).div(E);
  else if (UhgU) inner = UhgU.mul(S.unsqueeze(-2).div(E));
  else inner = S.unsqueeze(-1).mul(VhgV!.div(E));
  inner = inner.add(diagEmbed(gS));
  // diag(skew(Uᴴ gU)) / (2σ) = i Im(diag(Uᴴ gU)) / σ: the phase term, zero for real input.
  if (complex && UhgU && VhgV) inner = inner.add(diagEmbed(UhgU.diagonal(0, -2, -1).div(S.mul(2))));
  if (m > n && gU) {
    let gA = matmul(U, inner);
    const gUSinv = gU.div(S.unsqueeze(-2));
    gA = gA.add(gUSinv).sub(matmul(U, matmul(U.mH, gUSinv)));
    return matmul(gA, Vh);
  }
  if (m < n && gVh) {
    let gA = matmul(inner, Vh);
    const SinvgVh = gVh.div(S.unsqueeze(-1));
    gA = gA.add(SinvgVh).sub(matmul(matmul(SinvgVh, Vh.mH), Vh));
    return matmul(U, gA);
  }
  return matmul(matmul(U, inner), Vh);
}

/** PyTorch's check that Im diag(skew(Uᴴ gU)) = -Im diag(skew(Vᴴ gV)) (its lax tolerances, against false positives). */
function checkSvdPhaseInvariance(UhgU: Tensor | null, VhgV: Tensor | null): void {
  const imU = UhgU ? UhgU.diagonal(0, -2, -1).imag : null;
  const imV = VhgV ? VhgV.diagonal(0, -2, -1).imag : null;
  const zero = (imU ?? imV)!.mul(0);
  if (!allclose(imU ?? zero, imV ? imV.neg() : zero, 1e-2, 1e-2)) {
    throw new Error("svd_backward: The singular vectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this phase term, making it ill-defined.");
  }
}

/**
 * gA of A = V diag(L) Vᴴ (Hermitian) from (gL, gV): V (diag(gL) + ½(Vᴴ gV - (Vᴴ gV)ᴴ) / E) Vᴴ,
 * E_ij = λ_j - λ_i. For complex A a loss that depends on the eigenvectors' phases (Im diag(Vᴴ gV)
 * not 0) is PyTorch's error.
 */
export function eighBackward(gL: Tensor, gV: Tensor | null, L: Tensor, V: Tensor): Tensor {
  // Eigenvalues alone (eigvalsh): V diag(gL) Vᴴ in one product.
  if (!gV || isAllZero(gV)) return matmul(V.mul(gL.unsqueeze(-2)), V.mH);
  const VhgV = matmul(V.mH, gV);
  if (V.dtype.isComplex && !allclose(VhgV.diagonal(0, -2, -1).imag, L.mul(0), 1e-2, 1e-2)) {
    throw new Error("linalg_eigh_backward: The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is ill-defined.");
  }
  const skew = VhgV.sub(VhgV.mH).mul(0.5);
  const inner = diagEmbed(gL).add(skew.div(gapsOf(L)));
  return matmul(matmul(V, inner), V.mH);
}
