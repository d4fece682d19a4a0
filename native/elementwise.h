// Elementwise ops, reductions, softmax and fused optimizer steps on contiguous float/double
// buffers. The enums' numeric values are part of the JS interface (src/backends/native/index.ts).
#pragma once

#include "common.h"
#include "elementwise_cascade.h"

namespace tts {

enum class UnaryOp : int {
  neg = 0, abs, sqrt, rsqrt, reciprocal, square, exp, log, tanh, sigmoid, relu, silu,
  floor, ceil, trunc, round, sign,
  count
};
// add_scaled: a + alpha * b rounded once (an fma), PyTorch's add/sub with alpha (sub: -alpha).
enum class BinaryOp : int { add = 0, sub, mul, div, maximum, minimum, add_scaled, count };
enum class ReduceOp : int { sum = 0, mean, max, min, count };

struct AdamParams {
  double lr, beta1, beta2, eps, weight_decay;
  double bias_correction1, bias_correction2;  // 1 - beta^step, computed by the caller
  bool amsgrad, maximize, decoupled;          // decoupled: AdamW's weight decay
};

struct SgdParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize, first_step;  // first_step: the momentum buffer starts as the gradient
};

// Widest block of columns a strided softmax kernel takes: its per-column accumulators (a few
// KiB) stay in L1.
constexpr index_t kSoftmaxCols = 1024;

// Kernels over contiguous memory for one ISA; the drivers in elementwise.cc add threading,
// broadcasting and the choice of ISA.
template <typename T>
struct ElementwiseKernels {
  // y[i] = op(x[i]); y may equal x.
  void (*unary)(UnaryOp op, index_t n, const T* x, T* y);
  // out[i] = op(a[i * sa], b[i * sb]); out may equal a (sa == 1) or b (sb == 1). alpha is read
  // by add_scaled only.
  void (*binary)(BinaryOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out,
                 T alpha);
  // Reduction of x[0:n]: the cascade sum in T (elementwise_cascade.h), or max/min with NaN
  // propagating; returned as double.
  double (*reduce_row)(ReduceOp op, index_t n, const T* x);
  // The 16 lanes of the cascade sum of x[0:n] before their final fold (flushed in double).
  void (*sum_lanes)(index_t n, const T* x, double* lanes);
  // acc[j] (+)= x[r * ld + j] for r in [0, rows), j in [0, cols): sums in double, max/min
  // propagate NaN. `first` starts acc from row 0 instead of combining with it.
  void (*reduce_cols)(ReduceOp op, index_t rows, index_t cols, index_t ld, const T* x,
                      double* acc, bool first);
  // Softmax or log-softmax of each of `rows` rows of `cols` values; y may equal x.
  void (*softmax)(bool log, index_t rows, index_t cols, const T* x, T* y);
  // Softmax or log-softmax down the `size` rows (ld apart) of a block of cols <= kSoftmaxCols
  // columns, with the row kernel's exp; y may equal x.
  void (*softmax_cols)(bool log, index_t size, index_t cols, index_t ld, const T* x, T* y);
  // The input gradient of a softmax from its output y and output gradient g is
  // y * (g - s) (softmax) or g - exp(y) * s (log-softmax), s = the sum along the softmax dim of
  // g * y (softmax) or g, in double. For a dim that is not the last, s[j] = that sum down the
  // `size` rows (ld apart) of column j < cols...
  void (*softmax_col_sums)(bool log, index_t size, index_t cols, index_t ld, const T* g,
                           const T* y, double* s);
  // ...and the gradient of `rows` rows (ld apart) of `cols` columns from s[0:cols]; dx may equal
  // g or y.
  void (*softmax_grad_rows)(bool log, index_t rows, index_t cols, index_t ld, const T* g,
                            const T* y, const double* s, T* dx);
  // For the last dim: the gradient of each of `rows` contiguous rows of `cols` values.
  void (*softmax_rows_backward)(bool log, index_t rows, index_t cols, const T* g, const T* y,
                                T* dx);
  void (*adam)(const AdamParams& p, index_t n, T* param, const T* grad, T* exp_avg,
               T* exp_avg_sq, T* max_exp_avg_sq);
  void (*sgd)(const SgdParams& p, index_t n, T* param, const T* grad, T* momentum_buf);
  // binary() for sa, sb in {0, 1} with non-temporal stores (binary_stream_impl.h), for an out
  // that overlaps neither operand; false (nothing written) for an op it does not stream. Null
  // where the ISA has none.
  bool (*binary_stream)(BinaryOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out,
                        T alpha);
};

// Fresh outputs at least this large are written with non-temporal stores where the ISA's kernels
// have them. On the 2-core Zen 4 VM (32 MiB of L3) from 2 MiB on this was faster even when the next
// op reads the result at once: x + y over 1M floats, then times z, 1.5-1.9 -> 0.8-1.1 ms (the output
// blocks the storage pool hands out are cold, so a plain store reads each line from memory first).
// A warm destination (out=) is the opposite: on the Zen 3 VM, add over 1M floats into one took
// 0.14-0.18 ms streamed and 0.12-0.14 with plain stores (PyTorch 0.124).
constexpr index_t kStreamBytes = index_t{2} << 20;

template <typename T>
ElementwiseKernels<T> elementwise_kernels_generic();
template <typename T>
ElementwiseKernels<T> elementwise_kernels_avx2();
template <typename T>
ElementwiseKernels<T> elementwise_kernels_avx512();

// Drivers: choose the ISA, split the work over the thread pool.
template <typename T>
void unary(UnaryOp op, index_t n, const T* x, T* y);

// out (contiguous, row-major over shape) = op(a, b), where a and b are read with per-dim strides
// (a stride of 0 broadcasts). ndim <= kMaxDims. alpha: add_scaled's scale of b. fresh_out: out is
// a storage just taken from the pool (cold: large ones are then streamed, see kStreamBytes); an
// out= or in-place destination was written lately and stays in the caches with plain stores.
constexpr int kMaxDims = 16;
template <typename T>
void binary(BinaryOp op, int ndim, const index_t* shape, const T* a, const index_t* a_strides,
            const T* b, const index_t* b_strides, T* out, T alpha, bool fresh_out);

// x viewed as [outer, size, inner] (contiguous); out[o * inner + i] = op over the middle dim.
template <typename T>
void reduce(ReduceOp op, index_t outer, index_t size, index_t inner, const T* x, T* out);

// The float cascade sum of x[i] * x[i] (rounded to T), as reduce(sum) of x.square() gives it.
template <typename T>
double sum_squares(index_t n, const T* x);

template <typename T>
void softmax(bool log, index_t rows, index_t cols, const T* x, T* y);

// Softmax or log-softmax of x viewed as contiguous [outer, size, inner] over its middle dim, into
// y of the same layout (y may equal x); inner = 1 is the row kernel above.
template <typename T>
void softmax_along(bool log, index_t outer, index_t size, index_t inner, const T* x, T* y);

// The input gradient of softmax_along from its output y and the output gradient g (same layout);
// dx may equal g or y.
template <typename T>
void softmax_backward_along(bool log, index_t outer, index_t size, index_t inner, const T* g,
                            const T* y, T* dx);

template <typename T>
void adam(const AdamParams& p, index_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
          T* max_exp_avg_sq);

template <typename T>
void sgd(const SgdParams& p, index_t n, T* param, const T* grad, T* momentum_buf);

}  // namespace tts
