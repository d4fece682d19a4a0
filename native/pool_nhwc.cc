// Channels-last (NHWC) pooling: a position's channels are contiguous, so every window step is a
// loop over a run of channels that the compiler vectorises, and no NCHW copy is made. Each
// channel sees the same operations in the same order as in pool.cc (taps in row-major order,
// double sums, the same divisor), so the values and indices are those of the NCHW kernels.
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "pool.h"
#include "pool_windows.h"
#include "threadpool.h"

namespace tts {
namespace {

// Work units of (image, channel block): whole images when there are enough of them for the
// threads, else each image's channels split (at least 16 per block).
struct ChannelBlocks {
  index_t per_image, width;
};

ChannelBlocks channel_blocks(index_t batch, index_t channels) {
  const index_t want = 2 * ThreadPool::instance().size();
  index_t per = batch >= want ? 1 : min_i((channels + 15) / 16, (want + batch - 1) / max_i(batch, 1));
  per = max_i(per, 1);
  const index_t width = (channels + per - 1) / per;
  return {(channels + width - 1) / max_i(width, 1), max_i(width, 1)};
}

// body(n, c0, c1) over every (image, channel block), spread over the pool.
template <class Body>
void for_channel_blocks(index_t batch, index_t channels, index_t work_per_image, const Body& body) {
  const ChannelBlocks b = channel_blocks(batch, channels);
  const index_t units = batch * b.per_image;
  const index_t grain = max_i(1, 32768 / max_i(1, work_per_image / b.per_image));
  parallel_for(0, units, grain, [&](index_t lo, index_t hi) {
    for (index_t u = lo; u < hi; ++u) {
      const index_t n = u / b.per_image, c0 = (u % b.per_image) * b.width;
      body(n, c0, min_i(channels, c0 + b.width));
    }
  });
}

double* double_scratch(index_t n) {
  thread_local ScratchBuffer buf;
  return static_cast<double*>(buf.get(sizeof(double) * static_cast<size_t>(max_i(n, 1))));
}

// Average-style forward over windows from `windows` (for_each_avg_window or the adaptive one).
template <typename T, class Windows>
void window_mean_forward(const PoolGeometry& g, index_t C, const Windows& windows, const T* x, T* y) {
  const index_t in_plane = g.id * g.ih * g.iw, out_plane = g.od * g.oh * g.ow, hw = g.ih * g.iw;
  for_channel_blocks(g.planes, C, out_plane * C * g.kd * g.kh * g.kw, [&](index_t n, index_t c0, index_t c1) {
    const index_t w = c1 - c0;
    double* sum = double_scratch(w);
    const T* xn = x + n * in_plane * C + c0;
    T* yn = y + n * out_plane * C + c0;
    for (index_t o = 0; o < out_plane; ++o)
      for (index_t c = 0; c < w; ++c) yn[o * C + c] = T(0);
    windows([&](index_t o, index_t d0, index_t d1, index_t h0, index_t h1, index_t w0, index_t w1, double divisor) {
      for (index_t c = 0; c < w; ++c) sum[c] = 0;
      for (index_t d = d0; d < d1; ++d)
        for (index_t h = h0; h < h1; ++h)
          for (index_t iw = w0; iw < w1; ++iw) {
            const T* xr = xn + (d * hw + h * g.iw + iw) * C;
            for (index_t c = 0; c < w; ++c) sum[c] += static_cast<double>(xr[c]);
          }
      T* yr = yn + o * C;
      for (index_t c = 0; c < w; ++c) yr[c] = static_cast<T>(sum[c] / divisor);
    });
  });
}

template <typename T, class Windows>
void window_mean_backward(const PoolGeometry& g, index_t C, const Windows& windows, const T* gy, T* gx) {
  const index_t in_plane = g.id * g.ih * g.iw, out_plane = g.od * g.oh * g.ow, hw = g.ih * g.iw;
  for_channel_blocks(g.planes, C, out_plane * C * g.kd * g.kh * g.kw, [&](index_t n, index_t c0, index_t c1) {
    const index_t w = c1 - c0;
    double* z = double_scratch(w);
    const T* gyn = gy + n * out_plane * C + c0;
    T* gxn = gx + n * in_plane * C + c0;
    for (index_t i = 0; i < in_plane; ++i)
      for (index_t c = 0; c < w; ++c) gxn[i * C + c] = T(0);
    windows([&](index_t o, index_t d0, index_t d1, index_t h0, index_t h1, index_t w0, index_t w1, double divisor) {
      const T* gr = gyn + o * C;
      for (index_t c = 0; c < w; ++c) z[c] = static_cast<double>(gr[c]) / divisor;
      for (index_t d = d0; d < d1; ++d)
        for (index_t h = h0; h < h1; ++h)
          for (index_t iw = w0; iw < w1; ++iw) {
            T* xr = gxn + (d * hw + h * g.iw + iw) * C;
            for (index_t c = 0; c < w; ++c) xr[c] = static_cast<T>(static_cast<double>(xr[c]) + z[c]);
          }
    });
  });
}

// The maxima (and their indices, when idx is not null) of `width` <= 16 channels over one
// window, indices held as I (int32 where the image has fewer than 2^31 positions). The first
// maximum wins; a NaN wins over numbers (and a later NaN over it), as in pool.cc.
template <typename T, typename I>
inline void max_block(index_t width, const PoolGeometry& g, const T* xn, index_t C, index_t hw, index_t d0,
                      index_t d1, index_t h0, index_t h1, index_t w0, index_t w1, int64_t first, T* y,
                      int64_t* idx) {
  T m[16];
  I mi[16];
  for (int c = 0; c < 16; ++c) {
    m[c] = -std::numeric_limits<T>::infinity();
    mi[c] = static_cast<I>(first);
  }
  for (index_t d = d0; d < d1; d += g.dd)
    for (index_t h = h0; h < h1; h += g.dh)
      for (index_t w = w0; w < w1; w += g.dw) {
        const I pos = static_cast<I>(d * hw + h * g.iw + w);
        const T* xr = xn + static_cast<index_t>(pos) * C;
        for (index_t c = 0; c < width; ++c) {
          const T v = xr[c];
          const bool take = (v > m[c]) | (v != v);
          m[c] = take ? v : m[c];
          mi[c] = take ? pos : mi[c];
        }
      }
  for (index_t c = 0; c < width; ++c) y[c] = m[c];
  if (idx != nullptr)
    for (index_t c = 0; c < width; ++c) idx[c] = mi[c];
}

// The float form of the above for 16 channels, in 4-lane vectors (GCC's vector extensions: the
// compiler would not vectorise the selects of the scalar loop). Other compilers take max_block.
#if defined(__GNUC__) && !defined(__clang__)
#define TTS_MAX_BLOCK16 1
typedef float f4 __attribute__((vector_size(16)));
typedef int32_t i4 __attribute__((vector_size(16)));

inline void max_block16(const PoolGeometry& g, const float* xn, index_t C, index_t hw, index_t d0, index_t d1,
                        index_t h0, index_t h1, index_t w0, index_t w1, int32_t first, float* y, int64_t* idx) {
  const float inf = std::numeric_limits<float>::infinity();
  f4 m[4];
  i4 mi[4];
  for (int j = 0; j < 4; ++j) {
    m[j] = f4{-inf, -inf, -inf, -inf};
    mi[j] = i4{first, first, first, first};
  }
  for (index_t d = d0; d < d1; d += g.dd)
    for (index_t h = h0; h < h1; h += g.dh)
      for (index_t w = w0; w < w1; w += g.dw) {
        const int32_t pos = static_cast<int32_t>(d * hw + h * g.iw + w);
        const i4 posv = i4{pos, pos, pos, pos};
        const float* xr = xn + static_cast<index_t>(pos) * C;
        for (int j = 0; j < 4; ++j) {
          f4 v;
          std::memcpy(&v, xr + 4 * j, sizeof v);
          const i4 take = (v > m[j]) | (v != v);
          m[j] = take ? v : m[j];
          mi[j] = take ? posv : mi[j];
        }
      }
  std::memcpy(y, m, sizeof m);
  if (idx != nullptr)
    for (int j = 0; j < 4; ++j)
      for (int l = 0; l < 4; ++l) idx[4 * j + l] = mi[j][l];
}
#else
#define TTS_MAX_BLOCK16 0
#endif

}  // namespace

template <typename T>
void max_pool_nhwc_forward(const PoolGeometry& g, index_t C, const T* x, T* y, int64_t* idx) {
  const index_t in_plane = g.id * g.ih * g.iw, hw = g.ih * g.iw;
  const index_t rows = g.planes * g.od * g.oh;
  const index_t work = g.ow * C * g.kd * g.kh * g.kw;
  const bool narrow = in_plane < (index_t{1} << 31);
  parallel_for(0, rows, max_i(1, 32768 / max_i(1, work)), [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      const index_t n = r / (g.od * g.oh), od = (r / g.oh) % g.od, oh = r % g.oh;
      index_t d0 = od * g.sd - g.pd;
      const index_t d1 = min_i(d0 + (g.kd - 1) * g.dd + 1, g.id);
      if (d0 < 0) d0 += (-d0 + g.dd - 1) / g.dd * g.dd;
      index_t h0 = oh * g.sh - g.ph;
      const index_t h1 = min_i(h0 + (g.kh - 1) * g.dh + 1, g.ih);
      if (h0 < 0) h0 += (-h0 + g.dh - 1) / g.dh * g.dh;
      const T* xn = x + n * in_plane * C;
      for (index_t ow = 0; ow < g.ow; ++ow) {
        index_t w0 = ow * g.sw - g.pw;
        const index_t w1 = min_i(w0 + (g.kw - 1) * g.dw + 1, g.iw);
        if (w0 < 0) w0 += (-w0 + g.dw - 1) / g.dw * g.dw;
        const index_t o = r * g.ow + ow;
        T* yr = y + o * C;
        int64_t* ir = idx != nullptr ? idx + o * C : nullptr;
        const int64_t first = d0 * hw + h0 * g.iw + w0;
        // Blocks of 16 channels whose maxima and indices stay in registers over the window.
        for (index_t c0 = 0; c0 < C; c0 += 16) {
          const index_t width = min_i(16, C - c0);
          int64_t* ic = ir ? ir + c0 : nullptr;
#if TTS_MAX_BLOCK16
          if constexpr (std::is_same<T, float>::value) {
            if (narrow && width == 16) {
              max_block16(g, xn + c0, C, hw, d0, d1, h0, h1, w0, w1, static_cast<int32_t>(first), yr + c0, ic);
              continue;
            }
          }
#endif
          if (narrow) max_block<T, int32_t>(width, g, xn + c0, C, hw, d0, d1, h0, h1, w0, w1, first, yr + c0, ic);
          else max_block<T, int64_t>(width, g, xn + c0, C, hw, d0, d1, h0, h1, w0, w1, first, yr + c0, ic);
        }
      }
    }
  });
}

template <typename T>
void max_pool_nhwc_backward(index_t batch, index_t C, index_t in_plane, index_t out_plane, const T* gy,
                            const int64_t* idx, T* gx) {
  for_channel_blocks(batch, C, (in_plane + out_plane) * C, [&](index_t n, index_t c0, index_t c1) {
    const index_t w = c1 - c0;
    T* gxn = gx + n * in_plane * C + c0;
    for (index_t i = 0; i < in_plane; ++i)
      for (index_t c = 0; c < w; ++c) gxn[i * C + c] = T(0);
    const T* gyn = gy + n * out_plane * C + c0;
    const int64_t* in = idx + n * out_plane * C + c0;
    for (index_t o = 0; o < out_plane; ++o)
      for (index_t c = 0; c < w; ++c) {
        const int64_t m = in[o * C + c];
        if (m >= 0 && m < in_plane) gxn[m * C + c] += gyn[o * C + c];
      }
  });
}

template <typename T>
void avg_pool_nhwc_forward(const PoolGeometry& g, index_t C, bool count_include_pad, const double* divisor_override,
                           const T* x, T* y) {
  window_mean_forward(g, C, [&](const auto& visit) { for_each_avg_window(g, count_include_pad, divisor_override, visit); },
                      x, y);
}

template <typename T>
void avg_pool_nhwc_backward(const PoolGeometry& g, index_t C, bool count_include_pad, const double* divisor_override,
                            const T* gy, T* gx) {
  window_mean_backward(g, C, [&](const auto& visit) { for_each_avg_window(g, count_include_pad, divisor_override, visit); },
                       gy, gx);
}

template <typename T>
void adaptive_avg_pool_nhwc_forward(const PoolGeometry& g, index_t C, const T* x, T* y) {
  window_mean_forward(g, C, [&](const auto& visit) { for_each_adaptive_window(g, visit); }, x, y);
}

template <typename T>
void adaptive_avg_pool_nhwc_backward(const PoolGeometry& g, index_t C, const T* gy, T* gx) {
  window_mean_backward(g, C, [&](const auto& visit) { for_each_adaptive_window(g, visit); }, gy, gx);
}

#define TTS_INSTANTIATE(T)                                                                                   \
  template void max_pool_nhwc_forward<T>(const PoolGeometry&, index_t, const T*, T*, int64_t*);              \
  template void max_pool_nhwc_backward<T>(index_t, index_t, index_t, index_t, const T*, const int64_t*, T*); \
  template void avg_pool_nhwc_forward<T>(const PoolGeometry&, index_t, bool, const double*, const T*, T*);   \
  template void avg_pool_nhwc_backward<T>(const PoolGeometry&, index_t, bool, const double*, const T*, T*);  \
  template void adaptive_avg_pool_nhwc_forward<T>(const PoolGeometry&, index_t, const T*, T*);               \
  template void adaptive_avg_pool_nhwc_backward<T>(const PoolGeometry&, index_t, const T*, T*);
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
#undef TTS_INSTANTIATE

}  // namespace tts
