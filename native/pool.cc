// Pooling kernels; every plane is independent, so planes are the unit of parallel work.
#include "pool.h"

#include <limits>

#include "nn_kernels.h"
#include "pool_windows.h"
#include "threadpool.h"

namespace tts {
namespace {

index_t grain_for(index_t work_per_plane) { return max_i(1, 32768 / max_i(1, work_per_plane)); }

}  // namespace

template <typename T>
void max_pool_forward(const PoolGeometry& g, const T* x, T* y, int64_t* idx) {
  const index_t in_plane = g.id * g.ih * g.iw, out_plane = g.od * g.oh * g.ow;
  const index_t hw = g.ih * g.iw;
  const bool simple2x2 = g.od == 1 && g.id == 1 && g.kd == 1 && g.pd == 0 && g.kh == 2 && g.kw == 2 && g.sh == 2 &&
                         g.sw == 2 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 &&
                         2 * g.oh <= g.ih && 2 * g.ow == g.iw && in_plane < (index_t{1} << 31);
  // Output rows per block of the 2x2 kernel: its scratch stays in L1.
  const index_t block = max_i(1, 1024 / max_i(1, 2 * g.ow));
  parallel_for(0, g.planes, grain_for(out_plane * g.kd * g.kh * g.kw), [&](index_t lo, index_t hi_p) {
    T *h = nullptr, *v = nullptr;
    int32_t *hi = nullptr, *vi = nullptr;
    if (simple2x2) {
      const index_t n = 2 * block * g.ow;
      thread_local ScratchBuffer scratch;
      char* base = static_cast<char*>(scratch.get((2 * sizeof(T) + 2 * sizeof(int32_t)) * n));
      h = reinterpret_cast<T*>(base);
      v = h + n;
      hi = reinterpret_cast<int32_t*>(v + n);
      vi = hi + n;
    }
    for (index_t p = lo; p < hi_p; ++p) {
      const T* xp = x + p * in_plane;
      T* yp = y + p * out_plane;
      int64_t* ip = idx ? idx + p * out_plane : nullptr;
      if (simple2x2) {
        // The common 2x2/2 window over an even-width input: vectorised blocks of rows.
        const auto& k = nn_kernels<T>();
        for (index_t oh0 = 0; oh0 < g.oh; oh0 += block) {
          const index_t rows = min_i(block, g.oh - oh0);
          k.max_pool_2x2_rows(rows, g.ow, xp + 2 * oh0 * g.iw, yp + oh0 * g.ow,
                              ip ? ip + oh0 * g.ow : nullptr, 2 * oh0 * g.iw, h, hi, v, vi);
        }
        continue;
      }
      index_t o = 0;
      for (index_t od = 0; od < g.od; ++od) {
        index_t d0 = od * g.sd - g.pd;
        const index_t d1 = min_i(d0 + (g.kd - 1) * g.dd + 1, g.id);
        if (d0 < 0) d0 += (-d0 + g.dd - 1) / g.dd * g.dd;
        for (index_t oh = 0; oh < g.oh; ++oh) {
          index_t h0 = oh * g.sh - g.ph;
          const index_t h1 = min_i(h0 + (g.kh - 1) * g.dh + 1, g.ih);
          if (h0 < 0) h0 += (-h0 + g.dh - 1) / g.dh * g.dh;
          for (index_t ow = 0; ow < g.ow; ++ow, ++o) {
            index_t w0 = ow * g.sw - g.pw;
            const index_t w1 = min_i(w0 + (g.kw - 1) * g.dw + 1, g.iw);
            if (w0 < 0) w0 += (-w0 + g.dw - 1) / g.dw * g.dw;
            index_t mi = d0 * hw + h0 * g.iw + w0;
            T m = -std::numeric_limits<T>::infinity();
            for (index_t d = d0; d < d1; d += g.dd) {
              for (index_t h = h0; h < h1; h += g.dh) {
                const index_t row = d * hw + h * g.iw;
                for (index_t w = w0; w < w1; w += g.dw) {
                  const T v = xp[row + w];
                  if (v > m || v != v) { m = v; mi = row + w; }
                }
              }
            }
            yp[o] = m;
            if (ip) ip[o] = mi;
          }
        }
      }
    }
  });
}

template <typename T>
void max_pool_backward(index_t planes, index_t in_plane, index_t out_plane, const T* gy,
                       const int64_t* idx, T* gx) {
  parallel_for(0, planes, grain_for(in_plane + out_plane), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      T* gp = gx + p * in_plane;
      for (index_t i = 0; i < in_plane; ++i) gp[i] = T(0);
      const T* gyp = gy + p * out_plane;
      const int64_t* ip = idx + p * out_plane;
      for (index_t i = 0; i < out_plane; ++i) {
        const int64_t m = ip[i];
        if (m >= 0 && m < in_plane) gp[m] += gyp[i];
      }
    }
  });
}

template <typename T>
void avg_pool_forward(const PoolGeometry& g, bool count_include_pad, const double* divisor_override,
                      const T* x, T* y) {
  const index_t in_plane = g.id * g.ih * g.iw, out_plane = g.od * g.oh * g.ow;
  const index_t hw = g.ih * g.iw;
  parallel_for(0, g.planes, grain_for(out_plane * g.kd * g.kh * g.kw), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const T* xp = x + p * in_plane;
      T* yp = y + p * out_plane;
      for (index_t i = 0; i < out_plane; ++i) yp[i] = T(0);
      for_each_avg_window(g, count_include_pad, divisor_override,
                          [&](index_t o, index_t d0, index_t d1, index_t h0, index_t h1, index_t w0,
                              index_t w1, double divisor) {
                            double sum = 0;
                            for (index_t d = d0; d < d1; ++d)
                              for (index_t h = h0; h < h1; ++h) {
                                const T* row = xp + d * hw + h * g.iw;
                                for (index_t w = w0; w < w1; ++w) sum += static_cast<double>(row[w]);
                              }
                            yp[o] = static_cast<T>(sum / divisor);
                          });
    }
  });
}

template <typename T>
void avg_pool_backward(const PoolGeometry& g, bool count_include_pad, const double* divisor_override,
                       const T* gy, T* gx) {
  const index_t in_plane = g.id * g.ih * g.iw, out_plane = g.od * g.oh * g.ow;
  const index_t hw = g.ih * g.iw;
  parallel_for(0, g.planes, grain_for(out_plane * g.kd * g.kh * g.kw), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const T* gyp = gy + p * out_plane;
      T* gp = gx + p * in_plane;
      for (index_t i = 0; i < in_plane; ++i) gp[i] = T(0);
      for_each_avg_window(g, count_include_pad, divisor_override,
                          [&](index_t o, index_t d0, index_t d1, index_t h0, index_t h1, index_t w0,
                              index_t w1, double divisor) {
                            const double z = static_cast<double>(gyp[o]) / divisor;
                            for (index_t d = d0; d < d1; ++d)
                              for (index_t h = h0; h < h1; ++h) {
                                T* row = gp + d * hw + h * g.iw;
                                for (index_t w = w0; w < w1; ++w)
                                  row[w] = static_cast<T>(static_cast<double>(row[w]) + z);
                              }
                          });
    }
  });
}

#define TTS_INSTANTIATE(T)                                                                      \
  template void max_pool_forward<T>(const PoolGeometry&, const T*, T*, int64_t*);               \
  template void max_pool_backward<T>(index_t, index_t, index_t, const T*, const int64_t*, T*);  \
  template void avg_pool_forward<T>(const PoolGeometry&, bool, const double*, const T*, T*);           \
  template void avg_pool_backward<T>(const PoolGeometry&, bool, const double*, const T*, T*);
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
#undef TTS_INSTANTIATE

}  // namespace tts
