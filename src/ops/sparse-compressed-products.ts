// Products with a sparse compressed (CSR/CSC/BSR/BSC) operand, PyTorch 1.13's CPU rules: mm / addmm
// / torch.sparse.mm / sparse.addmm take 2-D operands only (a batched or hybrid one is refused as
// "mat1 must be a matrix"); matmul folds the batch dims of an N-D dense operand into a 2-D product
// with a 2-D compressed one (and refuses compressed operands of more dims: "Sparse CSR tensors do
// not have strides"); CSR/CSC @ CSR/CSC is a CSR tensor (1.13's _sparse_csr_mm); bmm and baddbmm
// have no compressed kernel. All composites over the COO products (sparse-dispatch.ts), so gradients
// reach the values and the dense operands.

import type { Tensor } from "../core/tensor.js";
import { isCompressed, type SparseCompressedTensor } from "../core/sparse-compressed-tensor.js";
import { isSparse, type SparseTensor } from "../core/sparse-tensor.js";
import { sparseCsr } from "../core/layout.js";
import { scalarTypeName } from "../core/dtype.js";
import { backendRefusal } from "../core/op-name.js";
import { sparseAddmm, sparseSparseMm } from "./sparse-dispatch.js";
import { compressDifferentiable, compressedToCoo, layoutWord, toCompressed } from "./sparse-compressed-dispatch.js";

/** The entry point a product came through (its checks and messages differ). */
export type CompressedProductOp = "mm" | "matmul" | "mv" | "addmm" | "sparse.mm" | "sparse.addmm";

const typeName = (t: Tensor): string => scalarTypeName(t.dtype);

function checkMatmul(a: Tensor, b: Tensor): void {
  if (a.shape[1] !== b.shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  if (a.dtype !== b.dtype) throw new Error(`expected scalar type ${typeName(a)} but found ${typeName(b)}`);
}

/** The layout word PyTorch's "do not have strides" message uses (CSR, CSC, BSR, BSC). */
function stridesRefusal(t: Tensor): Error {
  return new Error(`Sparse ${layoutWord(t).slice("Sparse".length).toUpperCase()} tensors do not have strides`);
}

/**
 * mm / matmul / mv / addmm / torch.sparse.mm / sparse.addmm with a compressed operand (a or b);
 * `input` is addmm's (beta * input + alpha * a @ b).
 */
export function compressedMatmul(op: CompressedProductOp, input: Tensor | null, a: Tensor, b: Tensor, beta = 1, alpha = 1): Tensor {
  if (op === "matmul") return compressedMatmulNd(a, b);
  if (op === "mv") {
    if (a.dim() !== 2 || b.dim() !== 1) throw new Error(`vector + matrix @ vector expected, got 1, ${a.dim()}, ${b.dim()}`);
    return matrixVector(a as SparseCompressedTensor, b);
  }
  if (a.dim() !== 2) throw new Error(`mat1 must be a matrix, got ${a.dim()}-D tensor`);
  if (b.dim() !== 2) throw new Error(`mat2 must be a matrix, got ${b.dim()}-D tensor`);
  return matrixProduct(input, a, b, beta, alpha);
}

/** a @ v of a 2-D compressed a (no dense dims) and a vector: the COO product. */
function matrixVector(s: SparseCompressedTensor, v: Tensor): Tensor {
  if (s.shape[1] !== v.shape[0]) throw new Error(`size mismatch, got input (${s.shape[0]}), mat (${s.shape[0]}x${s.shape[1]}), vec (${v.shape[0]})`);
  if (s.dtype !== v.dtype) throw new Error(`expected scalar type ${typeName(s)} but found ${typeName(v)}`);
  return sparseAddmm(null, compressedToCoo(s), v.unsqueeze(1), 0, 1).squeeze(1);
}

/** The product of two 2-D operands, one or both compressed. */
function matrixProduct(input: Tensor | null, a: Tensor, b: Tensor, beta: number, alpha: number): Tensor {
  if (isCompressed(a) && isCompressed(b)) return compressedCompressed(input, a, b, beta, alpha);
  if (isSparse(a) || isSparse(b) || (input && (isSparse(input) || isCompressed(input)))) {
    // 1.13 routes a COO operand next to a compressed one, or a sparse input, to addmm, which has no such kernel.
    const result = layoutWord(input ?? a); // mm's result takes mat1's layout
    throw new Error(`addmm: computation on CPU is not implemented for ${result} + ${layoutWord(a)} @ ${layoutWord(b)}`);
  }
  if (isCompressed(b)) {
    // dense @ compressed is (compressed^T @ dense^T)^T.
    checkMatmul(a, b);
    const p = matrixProduct(null, b.t(), a.t(), 0, 1).t();
    return input ? input.mul(beta).add(p, alpha) : p;
  }
  const s = a as SparseCompressedTensor;
  checkMatmul(s, b);
  return sparseAddmm(input, compressedToCoo(s), b, beta, alpha);
}

/**
 * CSR/CSC @ CSR/CSC: a CSR tensor (1.13's _sparse_csr_mm turns CSC operands into CSR first), the COO
 * sparse @ sparse product regrouped; addmm adds beta * input, itself compressed (1.13 has no kernel
 * for a strided or COO input there). Block layouts refuse as 1.13 does.
 */
function compressedCompressed(input: Tensor | null, a: SparseCompressedTensor, b: SparseCompressedTensor, beta: number, alpha: number): Tensor {
  for (const t of [a, b]) {
    if (t._isBlocked) throw new Error(`"empty_sparse_compressed" expected sparse compressed (non-block) tensor layout but got ${layoutWord(t)}`);
  }
  if (input && !isCompressed(input)) throw new Error(`addmm: computation on CPU is not implemented for ${layoutWord(input)} + SparseCsr @ SparseCsr`);
  checkMatmul(a, b);
  const product = sparseSparseMm(compressedToCoo(a), compressedToCoo(b)) as SparseTensor;
  const p = compressDifferentiable(product, sparseCsr, [1, 1], a._compressedIndices.dtype);
  if (!input) return p;
  if (input.shape.join() !== p.shape.join()) throw new Error(`addmm: expected self to be of size [${p.shape.join(", ")}], got [${input.shape.join(", ")}]`);
  const sum = input.mul(beta).add(p.mul(alpha));
  return isCompressed(sum) && sum.layout !== sparseCsr ? toCompressed(sum, sparseCsr, null) : sum;
}

/**
 * torch.matmul with a compressed operand: 2-D @ 2-D and the vector forms as mm / mv; a 2-D
 * compressed operand with an N-D dense one (N >= 3) folds the dense one's batch dims into its rows,
 * as 1.13's matmul does (t1 @ t2 = (t2^T @ t1^T)^T when the dense operand is second, hence its
 * messages); compressed operands of more than 2 dims (batched or hybrid) refuse.
 */
function compressedMatmulNd(a: Tensor, b: Tensor): Tensor {
  if (isCompressed(a) && a.dim() > 2) throw stridesRefusal(a);
  if (isCompressed(b) && b.dim() > 2) throw stridesRefusal(b);
  if (isCompressed(a)) {
    if (b.dim() === 1) return matrixVector(a, b);
    if (b.dim() === 2) return matrixProduct(null, a, b, 0, 1);
    if (isSparse(b) || isCompressed(b)) throw stridesRefusal(a);
    // b: [...batch, K, N] -> rows of b^T: [batch * N, K] @ a^T, then back.
    const bt = b.transpose(-2, -1);
    const fold = bt.reshape([-1, bt.shape[bt.dim() - 1]!]);
    if (fold.shape[1] !== a.shape[1]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${fold.shape[0]}x${fold.shape[1]} and ${a.shape[1]}x${a.shape[0]})`);
    if (fold.dtype !== a.dtype) throw new Error(`expected scalar type ${typeName(fold)} but found ${typeName(a)}`);
    const p = matrixProduct(null, a, fold.t(), 0, 1);
    return p.t().reshape([...bt.shape.slice(0, -1), a.shape[0]!]).transpose(-2, -1);
  }
  if (a.dim() === 1) return matrixVector((b as SparseCompressedTensor).t() as SparseCompressedTensor, a);
  if (a.dim() === 2 || isSparse(a)) return matrixProduct(null, a, b, 0, 1);
  // a: [...batch, M, K] -> [batch * M, K] @ b.
  const fold = a.reshape([-1, a.shape[a.dim() - 1]!]);
  if (fold.shape[1] !== b.shape[0]) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${fold.shape[0]}x${fold.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  return matrixProduct(null, fold, b, 0, 1).reshape([...a.shape.slice(0, -1), b.shape[1]!]);
}

/** bmm / baddbmm with a compressed operand: 1.13 has no CPU kernel for them (its messages). */
export function refuseCompressedBatchProduct(op: "bmm" | "baddbmm", input: Tensor | null, batch1: Tensor, batch2: Tensor): never {
  if (op === "baddbmm" && !isCompressed(batch1) && isCompressed(batch2) && (input === null || !isCompressed(input))) {
    // 1.13 copies the compressed batch2 into a strided buffer and fails there.
    throw new Error(`torch.copy_: copy of sparse compressed tensors having different layouts is not supported. self layout is ${layoutWord(batch2)} and src layout is Strided`);
  }
  throw backendRefusal("SparseCsrCPU", `${op}.out`);
}
