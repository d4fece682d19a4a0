// torch.matrix_exp / torch.linalg.matrix_exp: exp(A) of square matrices by scaling and squaring a
// degree-18 Taylor polynomial. Written in matmul, add and div, so autograd (and double backward)
// comes from those ops: the gradient is that of the computed approximation, which agrees with
// PyTorch's block-matrix formula to rounding.

import type { Tensor } from "../core/tensor.js";
import { checkTensor, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { matmul } from "./blas.js";
import { eye } from "./creation.js";
import { noGrad } from "../autograd/grad-mode.js";
import { toNumbers } from "./engine.js";
import { scalarTypeName } from "./indexing-kernels.js";

const DEGREE = 18;
/** The 1-norm below which the degree-18 Taylor polynomial is exact in double precision. */
const THETA = 1.090863719290036;

/** torch.matrix_exp(A): the matrix exponential of each square matrix of A (*, n, n). */
export function matrixExp(A: Tensor): Tensor;
export function matrixExp<A extends Rebound<[A: Tensor], ["A"]>>(...args: A): Tensor;
export function matrixExp(A: Tensor): Tensor { if (arguments.length > 1) checkArgs("matrix_exp", arguments, 1); else if (isOptionsObject(A)) return rebind(matrixExp, "matrix_exp", arguments, ["A"], 1, []);
  checkTensor("matrix_exp", "A", A);
  if (A.dim() < 2) throw new Error("linalg.matrix_exp: The input tensor A must have at least 2 dimensions.");
  const n = A.shape[A.dim() - 1]!, m = A.shape[A.dim() - 2]!;
  if (n !== m) throw new Error(`linalg.matrix_exp: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
  if (!A.dtype.isFloatingPoint) throw new Error(`matrix_exp: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
  if (A.numel() === 0) return A.clone();
  const identity = eye(n, { dtype: A.dtype });
  if (n === 1) return A.exp();
  // One scaling for the whole batch: the largest 1-norm decides (a smaller matrix squared more
  // often than it needs loses nothing measurable).
  const norm = noGrad(() => Math.max(...toNumbers(A.detach().abs().sum(-2).amax(-1).reshape(-1).contiguous())));
  const squarings = Number.isFinite(norm) && norm > THETA ? Math.ceil(Math.log2(norm / THETA)) : 0;
  const X = squarings ? A.div(2 ** squarings) : A;
  let E = identity;
  for (let k = DEGREE; k >= 1; k--) E = matmul(X, E).div(k).add(identity);
  for (let i = 0; i < squarings; i++) E = matmul(E, E);
  return E;
}

declare module "../core/tensor.js" {
  interface Tensor { matrixExp: Method<typeof matrixExp> }
}
installMethods({ matrixExp });
