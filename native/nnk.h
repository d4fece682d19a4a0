// Native kernels of the nn ops that run every training step: layer norm, batch norm, embedding,
// cross-entropy (class indices), and float16/bfloat16 <-> float32 conversions. The drivers
// (norm.cc, embedding.cc, loss.cc, convert.cc) split work over the thread pool and call the
// per-ISA loops of nnk_kernels_*.cc. Nothing is validated here: src/backends/native/index.ts
// checks every size, dtype and overlap first.
#pragma once

#include "common.h"

namespace tts {

// Per-ISA loops. Sums accumulate in double (eight partial sums, so they vectorise); every
// formula is evaluated in double, as the JS kernels do, and rounded once to T.
template <typename T>
struct NnkKernels {
  // Layer norm of `rows` rows of length d; w and b may be null. mean/rstd get each row's stats.
  void (*layer_norm_rows)(index_t rows, index_t d, const T* x, const T* w, const T* b, double eps,
                          T* y, double* mean, double* rstd);
  // Backward of `rows` rows: gx (may be null) = rstd (dxh - mean(dxh) - xh mean(dxh xh)),
  // dxh = g w; gw_acc[j] += g xh and gb_acc[j] += g (both set, or both null).
  void (*layer_norm_backward_rows)(index_t rows, index_t d, const T* g, const T* x, const T* w,
                                   const double* mean, const double* rstd, T* gx, double* gw_acc,
                                   double* gb_acc);
  // Sum of n values; sum of (x - m)^2; sums of g and of g (x - m).
  double (*sum)(index_t n, const T* x);
  double (*sum_sq_dev)(index_t n, const T* x, double m);
  void (*sum_g_gx)(index_t n, const T* g, const T* x, double m, double* sg, double* sgx);
  // y = (x - m) sc + sh over n values (scalars: one channel plane).
  void (*affine)(index_t n, const T* x, T* y, double m, double sc, double sh);
  // d = k1 (g - mg - (x - m) is mgx) over n values of one channel plane.
  void (*bn_grad)(index_t n, const T* g, const T* x, T* d, double k1, double mg, double m,
                  double is, double mgx);
  // The same per channel over one row of an (N, C) input (channel vectors indexed by j < n).
  void (*col_sum)(index_t n, const T* x, double* acc);
  void (*col_sum_sq_dev)(index_t n, const T* x, const double* m, double* acc);
  void (*col_sum_g_gx)(index_t n, const T* g, const T* x, const double* m, double* sg, double* sgx);
  void (*col_affine)(index_t n, const T* x, T* y, const double* m, const double* sc, const double* sh);
  void (*col_bn_grad)(index_t n, const T* g, const T* x, T* d, const double* k1, const double* mg,
                      const double* m, const double* is, const double* mgx);
  // Cross-entropy gradient of one row: p is softmax(x) (in place in d): d = ca p - ce u, then
  // d[t] -= cb (u = weight, or 1 when null).
  void (*ce_grad_row)(index_t c, T* d, double ca, double ce, const T* u);
};

template <typename T>
NnkKernels<T> nnk_kernels_generic();
template <typename T>
NnkKernels<T> nnk_kernels_avx2();
template <typename T>
NnkKernels<T> nnk_kernels_avx512();
template <typename T>
const NnkKernels<T>& nnk_kernels();

// 16-bit float conversions of n contiguous values, per ISA (round to nearest even; NaN as the JS
// encoders write it: float16 sign|0x7e00, bfloat16 the top half with the quiet bit set; a
// float16 NaN decodes to the canonical 0x7fc00000).
struct ConvertKernels {
  void (*f32_to_f16)(index_t n, const float* x, uint16_t* y);
  void (*f64_to_f16)(index_t n, const double* x, uint16_t* y);
  void (*f16_to_f32)(index_t n, const uint16_t* x, float* y);
  void (*f32_to_bf16)(index_t n, const float* x, uint16_t* y);
  void (*f64_to_bf16)(index_t n, const double* x, uint16_t* y);
  void (*bf16_to_f32)(index_t n, const uint16_t* x, float* y);
};
ConvertKernels convert_kernels_generic();
ConvertKernels convert_kernels_avx2();
ConvertKernels convert_kernels_avx512();

// ---- drivers ------------------------------------------------------------------------------

template <typename T>
void layer_norm_forward(index_t m, index_t d, const T* x, const T* w, const T* b, double eps, T* y,
                        double* mean, double* rstd);
// gw, gb (d doubles each, either may be null) are overwritten; gx may be null.
template <typename T>
void layer_norm_backward(index_t m, index_t d, const T* g, const T* x, const T* w,
                         const double* mean, const double* rstd, T* gx, double* gw, double* gb);

// Batch norm over x viewed as (n, c, s): per-channel mean and biased variance.
template <typename T>
void batch_norm_stats(index_t n, index_t c, index_t s, const T* x, double* mean, double* var);
// y = (x - mean[c]) scale[c] + shift[c].
template <typename T>
void batch_norm_apply(index_t n, index_t c, index_t s, const T* x, T* y, const double* mean,
                      const double* scale, const double* shift);
// sum_g[c] = sum g, sum_gx[c] = sum g (x - mean[c]) invstd[c].
template <typename T>
void batch_norm_backward_reduce(index_t n, index_t c, index_t s, const T* g, const T* x,
                                const double* mean, const double* invstd, double* sum_g,
                                double* sum_gx);
// gx = k1[c] (g - mg[c] - (x - mean[c]) invstd[c] mgx[c]).
template <typename T>
void batch_norm_backward_input(index_t n, index_t c, index_t s, const T* g, const T* x, T* gx,
                               const double* mean, const double* invstd, const double* k1,
                               const double* mg, const double* mgx);

// out[i, :] = weight[idx[i], :] for i < n.
template <typename T>
void embedding_forward(index_t n, index_t d, const int64_t* idx, const T* weight, T* out);
// gw (v x d, overwritten) = sum over i with idx[i] == row (and row != padding) of g[i, :],
// in index order; threads own disjoint row ranges, so the result does not depend on them.
// zeroed: gw holds zeros already (a fresh zeroed allocation: its untouched pages never fault in).
template <typename T>
void embedding_backward(index_t n, index_t v, index_t d, const int64_t* idx, int64_t padding,
                        const T* g, T* gw, bool zeroed);

// Cross-entropy of `rows` rows of c logits with class targets t (-1: ignored): loss[r] =
// -(1 - eps) u[t] lsm[t] - eps / c sum_j u[j] lsm[j] (0 when ignored), u = weight or 1.
template <typename T>
void cross_entropy_forward(index_t rows, index_t c, const T* x, const int32_t* t, const T* u,
                           double eps, double* loss);
// d = ca[r] softmax(x) - ce[r] u, then d[t] -= cb[r]; ignored rows (t < 0) are 0.
template <typename T>
void cross_entropy_backward(index_t rows, index_t c, const T* x, const int32_t* t, const T* u,
                            const double* ca, const double* cb, const double* ce, T* d);

// kind: 0 float32 -> float16, 1 float16 -> float32, 2 float32 -> bfloat16, 3 bfloat16 ->
// float32, 4 float64 -> float16, 5 float64 -> bfloat16.
void convert_16bit(int kind, index_t n, const void* src, void* dst);

}  // namespace tts
