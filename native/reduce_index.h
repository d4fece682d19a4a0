// Reductions along one dim that the plain reductions of elementwise.h lack: max/min with the
// index of the value picked (argmax/argmin, max(dim)/min(dim)) and logsumexp. The input is
// contiguous, viewed as [outer, size, inner]; outputs are contiguous [outer, inner].
#pragma once

#include "common.h"

namespace tts {

// Per-ISA loops (reduce_index_kernels_impl.h). "Better" means greater for max, smaller for min;
// a NaN beats every number and the first of equal values (or of NaNs) wins, as in PyTorch.
template <typename T>
struct IndexKernels {
  // The best value of x[0:n] (1 <= n < 2^31) and its index.
  void (*select_row)(bool is_max, index_t n, const T* x, T* value, index_t* index);
  // For each column c < cols: the best of x[r * ld + c] over r < rows (rows >= 1) into value[c]
  // and its row r into index[c].
  void (*select_cols)(bool is_max, index_t rows, index_t cols, index_t ld, const T* x, T* value,
                      int64_t* index);
  // The max of x[0:n] (n >= 1), NaN if any element is NaN.
  T (*max_row)(index_t n, const T* x);
  // The sum of exp(x[i] - m) over i < n, in double (m finite).
  double (*exp_sum_row)(index_t n, const T* x, T m);
  // m[c] = NaN-propagating max of x[r * ld + c] over r < rows (rows >= 1).
  void (*max_cols)(index_t rows, index_t cols, index_t ld, const T* x, T* m);
  // s[c] = sum over r < rows of exp(x[r * ld + c] - m[c]), in double; columns with a non-finite
  // m[c] are left to the caller (their s[c] is not used).
  void (*exp_sum_cols)(index_t rows, index_t cols, index_t ld, const T* x, const T* m, double* s);
};

template <typename T>
IndexKernels<T> index_kernels_generic();
template <typename T>
IndexKernels<T> index_kernels_avx2();
template <typename T>
IndexKernels<T> index_kernels_avx512();

// values[o * inner + i] (when values is not null) and indices[o * inner + i]: the max (or min) of
// x[(o * size + r) * inner + i] over r < size (size >= 1) and the r where it is.
template <typename T>
void select_along(bool is_max, index_t outer, index_t size, index_t inner, const T* x, T* values,
                  int64_t* indices);

// out[o * inner + i] = log(sum over r < size of exp(x[(o * size + r) * inner + i])), as PyTorch:
// max + log(sum exp(x - max)); a NaN gives NaN, an infinite max gives itself; size 0 gives -inf.
template <typename T>
void logsumexp_along(index_t outer, index_t size, index_t inner, const T* x, T* out);

}  // namespace tts
