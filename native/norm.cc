// Layer norm and batch norm drivers: rows (layer norm) or channels (batch norm) split over the
// thread pool. Reductions across threads (layer norm's weight/bias gradients) use a fixed task
// split and combine per-task partial sums in task order, so results do not depend on timing or
// on the number of threads.
#include <cmath>
#include <vector>

#include "nnk.h"
#include "threadpool.h"

namespace tts {
namespace {
// Elements per task below which splitting costs more than it saves.
constexpr index_t kGrain = 16384;
// Tasks of the weight/bias gradient reduction (fixed: the summation order must not depend on
// the pool size).
constexpr index_t kReduceTasks = 16;

index_t rows_per_grain(index_t d) { return max_i(1, kGrain / max_i(d, 1)); }
}  // namespace

template <typename T>
void layer_norm_forward(index_t m, index_t d, const T* x, const T* w, const T* b, double eps, T* y,
                        double* mean, double* rstd) {
  const auto& k = nnk_kernels<T>();
  parallel_for(0, m, rows_per_grain(d), [&](index_t lo, index_t hi) {
    k.layer_norm_rows(hi - lo, d, x + lo * d, w, b, eps, y + lo * d, mean + lo, rstd + lo);
  });
}

template <typename T>
void layer_norm_backward(index_t m, index_t d, const T* g, const T* x, const T* w,
                         const double* mean, const double* rstd, T* gx, double* gw, double* gb) {
  const auto& k = nnk_kernels<T>();
  if (gw == nullptr && gb == nullptr) {
    parallel_for(0, m, rows_per_grain(d), [&](index_t lo, index_t hi) {
      k.layer_norm_backward_rows(hi - lo, d, g + lo * d, x + lo * d, w, mean + lo, rstd + lo,
                                 gx == nullptr ? nullptr : gx + lo * d, nullptr, nullptr);
    });
    return;
  }
  // Row blocks with their own partial weight/bias gradients, summed in block order.
  const index_t tasks = max_i(1, min_i(kReduceTasks, m * d / kGrain));
  std::vector<double> part(static_cast<size_t>(tasks * d * 2), 0.0);
  parallel_tasks(tasks, [&](index_t t) {
    const index_t lo = m * t / tasks, hi = m * (t + 1) / tasks;
    double* pw = part.data() + t * d * 2;
    double* pb = pw + d;
    k.layer_norm_backward_rows(hi - lo, d, g + lo * d, x + lo * d, w, mean + lo, rstd + lo,
                               gx == nullptr ? nullptr : gx + lo * d, pw, pb);
  });
  parallel_for(0, d, 4096, [&](index_t lo, index_t hi) {
    for (index_t j = lo; j < hi; ++j) {
      double sw = 0, sb = 0;
      for (index_t t = 0; t < tasks; ++t) {
        sw += part[t * d * 2 + j];
        sb += part[t * d * 2 + d + j];
      }
      if (gw != nullptr) gw[j] = sw;
      if (gb != nullptr) gb[j] = sb;
    }
  });
}

namespace {
// Channel blocks for an (n, c) input: each task owns channels [lo, hi) over all rows.
index_t channel_grain(index_t n) { return max_i(16, kGrain / max_i(n, 1)); }
}  // namespace

template <typename T>
void batch_norm_stats(index_t n, index_t c, index_t s, const T* x, double* mean, double* var) {
  const auto& k = nnk_kernels<T>();
  const double count = static_cast<double>(n * s);
  if (s == 1) {
    parallel_for(0, c, channel_grain(n), [&](index_t lo, index_t hi) {
      const index_t w = hi - lo;
      for (index_t j = lo; j < hi; ++j) mean[j] = var[j] = 0;
      for (index_t i = 0; i < n; ++i) k.col_sum(w, x + i * c + lo, mean + lo);
      for (index_t j = lo; j < hi; ++j) mean[j] /= count;
      for (index_t i = 0; i < n; ++i) k.col_sum_sq_dev(w, x + i * c + lo, mean + lo, var + lo);
      for (index_t j = lo; j < hi; ++j) var[j] /= count;
    });
    return;
  }
  parallel_for(0, c, max_i(1, kGrain / max_i(n * s, 1)), [&](index_t lo, index_t hi) {
    for (index_t ch = lo; ch < hi; ++ch) {
      double sum = 0;
      for (index_t i = 0; i < n; ++i) sum += k.sum(s, x + (i * c + ch) * s);
      const double mu = sum / count;
      double q = 0;
      for (index_t i = 0; i < n; ++i) q += k.sum_sq_dev(s, x + (i * c + ch) * s, mu);
      mean[ch] = mu;
      var[ch] = q / count;
    }
  });
}

template <typename T>
void batch_norm_apply(index_t n, index_t c, index_t s, const T* x, T* y, const double* mean,
                      const double* scale, const double* shift) {
  const auto& k = nnk_kernels<T>();
  if (s == 1) {
    parallel_for(0, n, max_i(1, kGrain / max_i(c, 1)), [&](index_t lo, index_t hi) {
      for (index_t i = lo; i < hi; ++i) k.col_affine(c, x + i * c, y + i * c, mean, scale, shift);
    });
    return;
  }
  parallel_for(0, n * c, max_i(1, kGrain / s), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const index_t ch = p % c;
      k.affine(s, x + p * s, y + p * s, mean[ch], scale[ch], shift[ch]);
    }
  });
}

template <typename T>
void batch_norm_backward_reduce(index_t n, index_t c, index_t s, const T* g, const T* x,
                                const double* mean, const double* invstd, double* sum_g,
                                double* sum_gx) {
  const auto& k = nnk_kernels<T>();
  if (s == 1) {
    parallel_for(0, c, channel_grain(n), [&](index_t lo, index_t hi) {
      for (index_t j = lo; j < hi; ++j) sum_g[j] = sum_gx[j] = 0;
      for (index_t i = 0; i < n; ++i)
        k.col_sum_g_gx(hi - lo, g + i * c + lo, x + i * c + lo, mean + lo, sum_g + lo, sum_gx + lo);
      for (index_t j = lo; j < hi; ++j) sum_gx[j] *= invstd[j];
    });
    return;
  }
  parallel_for(0, c, max_i(1, kGrain / max_i(n * s, 1)), [&](index_t lo, index_t hi) {
    for (index_t ch = lo; ch < hi; ++ch) {
      double sg = 0, sgx = 0;
      for (index_t i = 0; i < n; ++i)
        k.sum_g_gx(s, g + (i * c + ch) * s, x + (i * c + ch) * s, mean[ch], &sg, &sgx);
      sum_g[ch] = sg;
      sum_gx[ch] = sgx * invstd[ch];
    }
  });
}

template <typename T>
void batch_norm_backward_input(index_t n, index_t c, index_t s, const T* g, const T* x, T* gx,
                               const double* mean, const double* invstd, const double* k1,
                               const double* mg, const double* mgx) {
  const auto& k = nnk_kernels<T>();
  if (s == 1) {
    parallel_for(0, n, max_i(1, kGrain / max_i(c, 1)), [&](index_t lo, index_t hi) {
      for (index_t i = lo; i < hi; ++i)
        k.col_bn_grad(c, g + i * c, x + i * c, gx + i * c, k1, mg, mean, invstd, mgx);
    });
    return;
  }
  parallel_for(0, n * c, max_i(1, kGrain / s), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const index_t ch = p % c;
      k.bn_grad(s, g + p * s, x + p * s, gx + p * s, k1[ch], mg[ch], mean[ch], invstd[ch], mgx[ch]);
    }
  });
}

#define TTS_NORM_INSTANTIATE(T)                                                                  \
  template void layer_norm_forward<T>(index_t, index_t, const T*, const T*, const T*, double, T*, \
                                      double*, double*);                                         \
  template void layer_norm_backward<T>(index_t, index_t, const T*, const T*, const T*,            \
                                       const double*, const double*, T*, double*, double*);      \
  template void batch_norm_stats<T>(index_t, index_t, index_t, const T*, double*, double*);      \
  template void batch_norm_apply<T>(index_t, index_t, index_t, const T*, T*, const double*,      \
                                    const double*, const double*);                               \
  template void batch_norm_backward_reduce<T>(index_t, index_t, index_t, const T*, const T*,     \
                                              const double*, const double*, double*, double*);   \
  template void batch_norm_backward_input<T>(index_t, index_t, index_t, const T*, const T*, T*,  \
                                             const double*, const double*, const double*,        \
                                             const double*, const double*);
TTS_NORM_INSTANTIATE(float)
TTS_NORM_INSTANTIATE(double)
#undef TTS_NORM_INSTANTIATE

}  // namespace tts
