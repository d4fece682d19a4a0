// The kernel table: the heavy kernels ops call. JS kernels fill it; the native addon, when it
// loads, replaces entries with its own (same signatures, same results within float tolerance).

import { gemmKernel } from "./js/gemm.js";

export type FloatArray = Float32Array | Float64Array;

/**
 * C[cOff + i*ldc + j] = alpha * sum_k A(i,k) * B(k,j) + beta * C(...), for i < M, j < N, where
 * A(i,k) = A[aOff + i*aRs + k*aCs] and B(k,j) = B[bOff + k*bRs + j*bCs]: any strides, so
 * transposed and sliced operands need no copy. A, B, C share one dtype.
 */
export type Gemm = (
  M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, aRs: number, aCs: number,
  B: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
) => void;

/** Reference GEMM (i-k-j loop): correct for any strides; the blocked JS/native kernels replace it. */
export const referenceGemm: Gemm = (M, N, K, alpha, A, aOff, aRs, aCs, B, bOff, bRs, bCs, beta, C, cOff, ldc) => {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const a = A[aOff + i * aRs + k * aCs]!;
      const bBase = bOff + k * bRs;
      for (let j = 0; j < N; j++) row[j]! += a * B[bBase + j * bCs]!;
    }
    const c = cOff + i * ldc;
    for (let j = 0; j < N; j++) C[c + j] = beta === 0 ? alpha * row[j]! : alpha * row[j]! + beta * C[c + j]!;
  }
};

export interface KernelTable {
  gemm: Gemm;
  /** Which implementation filled the table: "js" or "native". */
  backend: "js" | "native";
}

export const kernels: KernelTable = {
  gemm: gemmKernel,
  backend: "js",
};

// The native addon, where it loaded, replaces the JS kernels.
import * as native from "./native/index.js";
if (native.isAvailable()) {
  kernels.gemm = native.gemm;
  kernels.backend = "native";
}
