// The gradient of torch.lobpcg with respect to a symmetric A (B the identity), as PyTorch's
// LOBPCGAutogradFunction computes it: the symmetric eigendecomposition's backward for all m
// eigenpairs, or, for k < m of them, its partial-eigenspace form, which needs no other eigenvector:
// the part orthogonal to U solves a Sylvester equation through the characteristic polynomial of D
// evaluated at A (Cholesky-factored on a random basis of U's orthogonal complement; the answer
// does not depend on that basis). Written in public ops, so it can be differentiated again.

import type { Tensor } from "../core/tensor.js";
import { Generator } from "../core/generator.js";
import { matmul } from "./blas.js";
import { randn } from "./random.js";
import { stack } from "./shape-join.js";
import { eye } from "./creation.js";
import { cholesky } from "./linalg.js";
import { choleskySolve } from "./linalg-functions.js";

/** dA for the eigenpairs (D, U) of A, given dD and dU (k = m: the full decomposition; k < m: a part). */
export function lobpcgBackward(gD: Tensor, gU: Tensor, A: Tensor, D: Tensor, U: Tensor, largest: boolean): Tensor {
  const m = A.shape[A.dim() - 1]!;
  const k = D.shape[D.dim() - 1]!;
  return k === m ? completeBackward(gD, gU, D, U) : partialBackward(gD, gU, A, D, U, largest);
}

/** U (diag(dD) + (Uᵀ dU) ∘ F) Uᵀ, F_ij = 1 / (D_j - D_i) off the diagonal, 0 on it. */
function completeBackward(gD: Tensor, gU: Tensor, D: Tensor, U: Tensor): Tensor {
  const k = D.shape[D.dim() - 1]!;
  const diagonal = eye(k, { dtype: D.dtype, device: D.device }).gt(0);
  const F = D.unsqueeze(-2).sub(D.unsqueeze(-1)).maskedFill(diagonal, Infinity).pow(-1);
  const Ut = U.mT;
  return matmul(U, matmul(gD.diagEmbed().add(matmul(Ut, gU).mul(F)), Ut));
}

/** The coefficients (constant term first) of ∏ (x - D_i), x^k's (1) last. */
function characteristicPolynomial(D: Tensor): Tensor {
  const k = D.shape[D.dim() - 1]!;
  const one = D.select(-1, 0).mul(0).add(1);
  const c: Tensor[] = [one, ...Array.from({ length: k }, () => one.mul(0)), one];
  for (let i = 1; i <= k; i++) {
    const root = D.select(-1, i - 1);
    // Ascending, so each c[j + 1] read is still the previous step's.
    for (let j = k - i; j <= k; j++) c[j] = c[j]!.sub(root.mul(c[j + 1]!));
  }
  return stack(c.slice(1, k + 2), -1);
}

/** Σ_j poly[j] x^j for a batch of vectors x (Horner). */
function vectorPolynomial(poly: Tensor, x: Tensor): Tensor {
  let value = x.mul(0).add(1);
  for (let j = poly.shape[poly.dim() - 1]! - 2; j >= 0; j--) value = poly.select(-1, j).unsqueeze(-1).add(x.mul(value));
  return value;
}

/** Σ_j poly[j] A^j (Horner). */
function matrixPolynomial(poly: Tensor, A: Tensor): Tensor {
  const I = eye(A.shape[A.dim() - 1]!, { dtype: A.dtype, device: A.device });
  let value = I;
  for (let j = poly.shape[poly.dim() - 1]! - 2; j >= 0; j--) value = matmul(A, value).add(I.mul(poly.select(-1, j).unsqueeze(-1).unsqueeze(-1)));
  return value;
}

function partialBackward(gD: Tensor, gU: Tensor, A: Tensor, D: Tensor, U: Tensor, largest: boolean): Tensor {
  const m = A.shape[A.dim() - 1]!;
  const k = D.shape[D.dim() - 1]!;
  const Ut = U.mT;
  const projectOut = eye(m, { dtype: A.dtype, device: A.device }).sub(matmul(U, Ut));
  // PyTorch draws the complement's basis from a fresh generator, leaving the default one alone.
  const draw = randn([...A.shape.slice(0, -1), m - k], { dtype: A.dtype, generator: new Generator() });
  const Uo = matmul(projectOut, A.device.type === "cpu" ? draw : draw.to(A.device));
  const UoT = Uo.mT;
  const chr = characteristicPolynomial(D);
  let projected = gU;
  let series = gU.mul(0);
  for (let j = 1; j <= k; j++) {
    series = series.add(projected.mul(vectorPolynomial(chr.narrow(-1, j, k + 1 - j), D).unsqueeze(-2)));
    projected = matmul(A, projected);
  }
  const onComplement = matmul(UoT, matmul(matrixPolynomial(chr, A), Uo));
  // The polynomial is negative definite there when the k eigenvalues are the largest and k is odd.
  const sign = largest && k % 2 === 1 ? -1 : 1;
  const L = cholesky(onComplement.mul(sign));
  const correction = matmul(matmul(Uo, choleskySolve(matmul(UoT, series), L).mul(sign)), Ut);
  return completeBackward(gD, gU, D, U).sub(correction);
}
