// GEMM: C = alpha * op(A) * op(B) + beta * C, batched, for float and double.
//
// A is m x k and B is k x n, each with its own row and column strides (in elements), so a
// transposed or otherwise strided operand is read in place by the packing routines. C is
// row-major with leading dimension ldc. beta == 0 overwrites C without reading it (NaN in C
// does not propagate), as in BLAS and PyTorch.
#pragma once

#include "common.h"

namespace tts {

template <typename T>
struct GemmArgs {
  index_t m = 0, n = 0, k = 0;
  T alpha = 1, beta = 0;
  const T* a = nullptr;
  index_t a_rs = 0, a_cs = 0;
  const T* b = nullptr;
  index_t b_rs = 0, b_cs = 0;
  T* c = nullptr;
  index_t ldc = 0;
  index_t batch = 1;
  index_t a_bs = 0, b_bs = 0, c_bs = 0;  // batch strides; 0 broadcasts an operand
};

template <typename T>
void gemm(const GemmArgs<T>& args);

// gemm on the calling thread only, for callers that spread their own tasks over the pool
// (convolution runs one image per task).
template <typename T>
void gemm_serial(const GemmArgs<T>& args);

// The register tile (MR x NR) of the micro-kernel in use, to choose a GEMM's orientation.
template <typename T>
void gemm_tile(int* mr, int* nr);

// A register-blocked micro-kernel: C[0:MR, 0:NR] (row-major, ldc) = alpha * Ap * Bp + beta * C,
// where Ap holds kc columns of MR values of A and Bp kc rows of NR values of B (both packed).
template <typename T>
using MicroKernelFn = void (*)(index_t kc, const T* ap, const T* bp, T* c, index_t ldc, T alpha,
                               T beta);

// Packs a panel whose k index is contiguous in memory (a row-major A, or a transposed B):
// out[p * w + i] = src[i * ld + p] for i < valid, 0 for valid <= i < w, and p < kc.
template <typename T>
using PackTransposedFn = void (*)(index_t w, index_t valid, index_t kc, const T* src, index_t ld,
                                  T* out);

// Packs a whole panel whose panel index is contiguous (a row-major B, or a transposed A):
// out[p * w + i] = src[p * ld + i] for i < w and p < kc.
template <typename T>
using PackRowsFn = void (*)(index_t w, index_t kc, const T* src, index_t ld, T* out);

template <typename T>
struct MicroKernel {
  MicroKernelFn<T> fn;
  int mr, nr;   // register tile
  int kc, nc;   // cache blocking: kc of K per pass; a kc x nc group of packed B stays in L2
  PackTransposedFn<T> pack_transposed;
  // Kernels for a short last row panel, fewest rows first: edge[e] computes the first
  // edge_rows[e] rows of an MR-row packed panel, so that 128 rows (10 * 12 + 8) do not pay for
  // a 12-row tile and a copy on the last 8. Null where the ISA has none.
  MicroKernelFn<T> edge[2] = {nullptr, nullptr};
  int edge_rows[2] = {0, 0};
  // Null: one memcpy per k step (a libc call per 64 bytes when w is 16 floats).
  PackRowsFn<T> pack_rows = nullptr;
};

// The portable pack_transposed (gemm_kernels_scalar.cc).
template <typename T>
void pack_transposed_scalar(index_t w, index_t valid, index_t kc, const T* src, index_t ld, T* out);

// The kernels available on this machine for each ISA (defined in gemm_kernels_*.cc).
template <typename T>
MicroKernel<T> micro_kernel_scalar();
template <typename T>
MicroKernel<T> micro_kernel_avx2();
template <typename T>
MicroKernel<T> micro_kernel_avx512();

}  // namespace tts
