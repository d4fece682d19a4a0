// Channels-last (NHWC) 2-d convolution: the input's channels of one position are contiguous, so
// a row of the column matrix (one output position) is a gather of contiguous channel runs, one
// per tap, and the output of a position is a contiguous row of channels: every pass is a GEMM
// over blocks of positions, written in place, with no NCHW copy of any operand.
//   forward:        Y[p, co]  = sum_k col[p, k] W[co, k]      (M = positions, N = cout)
//   input gradient: gcol[p, k] = sum_co gY[p, co] W[co, k], then added back to the taps it read
//   weight gradient: gW[co, k] = sum_p gY[p, co] col[p, k]    (images in fixed chunks)
// k runs over (group, kh, kw, channel of the group), so each group's slice of a row is
// contiguous and W [cout, kh, kw, cin/g] (a channels-last weight's memory) is read in place.
// Depthwise convolutions (one input channel per group) run direct loops vectorised over the
// channels instead: their GEMMs would have one column. Float32 forwards (and stride-1 input
// gradients) with at least 8 output channels per group run the direct AVX2 kernel of
// conv_nhwc_direct.h where the CPU has it: no column matrix, no packing of it.
#include <type_traits>
#include <vector>

#include "conv_common.h"
#include "conv_nhwc_direct.h"

namespace tts {
namespace {

using namespace conv_detail;

struct NhwcSizes {
  index_t L;      // output positions of an image
  index_t in_hw;  // input positions of an image
  index_t cin_g, cout_g;
  index_t kg;     // one group's slice of a column row: kh * kw * cin_g
  index_t row;    // a column row: groups * kg
  index_t block;  // positions per block (the column block stays in L2)
  index_t blocks; // blocks per image
};

NhwcSizes nhwc_sizes(const ConvGeometry& g, size_t elem) {
  NhwcSizes s;
  s.L = g.oh * g.ow;
  s.in_hw = g.ih * g.iw;
  s.cin_g = g.cin / g.groups;
  s.cout_g = g.cout / g.groups;
  s.kg = g.kh * g.kw * s.cin_g;
  s.row = g.groups * s.kg;
  // About 256 KiB of column block (half the L2), a multiple of 12 rows (the AVX-512 and AVX2
  // float tiles are 12 and 6 rows).
  const index_t budget = static_cast<index_t>((256 * 1024) / elem);
  index_t b = max_i(12, budget / max_i(1, s.row) / 12 * 12);
  s.block = max_i(1, min_i(b, s.L));
  s.blocks = s.L == 0 ? 0 : (s.L + s.block - 1) / s.block;
  return s;
}

template <typename T>
inline void copy_run(T* dst, const T* src, index_t n) {
  if (n >= 16) std::memcpy(dst, src, sizeof(T) * static_cast<size_t>(n));
  else for (index_t i = 0; i < n; ++i) dst[i] = src[i];
}

template <typename T>
inline void zero_run(T* dst, index_t n) {
  for (index_t i = 0; i < n; ++i) dst[i] = T(0);
}

// Rows [p0, p1) of one image's column matrix (row stride s.row), zeros for taps in the padding.
template <typename T>
void gather_rows(const ConvGeometry& g, const NhwcSizes& s, const T* xn, index_t p0, index_t p1, T* col) {
  for (index_t p = p0; p < p1; ++p) {
    const index_t oh = p / g.ow, ow = p % g.ow;
    T* row = col + (p - p0) * s.row;
    for (index_t kh = 0; kh < g.kh; ++kh) {
      const index_t ih = oh * g.sh - g.ph + kh * g.dh;
      const bool h_in = ih >= 0 && ih < g.ih;
      for (index_t kw = 0; kw < g.kw; ++kw) {
        const index_t iw = ow * g.sw - g.pw + kw * g.dw;
        T* dst = row + (kh * g.kw + kw) * s.cin_g;
        if (h_in && iw >= 0 && iw < g.iw) {
          const T* src = xn + (ih * g.iw + iw) * g.cin;
          if (g.groups == 1) copy_run(dst, src, g.cin);
          else for (index_t gi = 0; gi < g.groups; ++gi) copy_run(dst + gi * s.kg, src + gi * s.cin_g, s.cin_g);
        } else {
          for (index_t gi = 0; gi < g.groups; ++gi) zero_run(dst + gi * s.kg, s.cin_g);
        }
      }
    }
  }
}

// The taps of output position (oh, ow) that read the input, as (input position, tap) pairs.
template <class Visit>
inline void for_taps(const ConvGeometry& g, index_t oh, index_t ow, const Visit& visit) {
  for (index_t kh = 0; kh < g.kh; ++kh) {
    const index_t ih = oh * g.sh - g.ph + kh * g.dh;
    if (ih < 0 || ih >= g.ih) continue;
    for (index_t kw = 0; kw < g.kw; ++kw) {
      const index_t iw = ow * g.sw - g.pw + kw * g.dw;
      if (iw < 0 || iw >= g.iw) continue;
      visit(ih * g.iw + iw, kh * g.kw + kw);
    }
  }
}

// The adjoint of gather_rows: each column entry added into the input position it was read from.
template <typename T>
void scatter_rows(const ConvGeometry& g, const NhwcSizes& s, const T* col, index_t p0, index_t p1, T* gxn) {
  for (index_t p = p0; p < p1; ++p) {
    const T* row = col + (p - p0) * s.row;
    for_taps(g, p / g.ow, p % g.ow, [&](index_t pos, index_t tap) {
      const T* src = row + tap * s.cin_g;
      T* dst = gxn + pos * g.cin;
      for (index_t gi = 0; gi < g.groups; ++gi) {
        const T* a = src + gi * s.kg;
        T* b = dst + gi * s.cin_g;
        for (index_t c = 0; c < s.cin_g; ++c) b[c] += a[c];
      }
    });
  }
}

// The column rows [p0, p1) of image n: the input itself for a 1x1/stride-1/unpadded kernel,
// else gathered into this thread's scratch. *ld receives the row stride.
template <typename T>
const T* column_block(const ConvGeometry& g, const NhwcSizes& s, const T* x, index_t n, index_t p0, index_t p1,
                      index_t* ld) {
  const T* xn = x + n * s.in_hw * g.cin;
  if (col_is_input(g)) {
    *ld = g.cin;
    return xn + p0 * g.cin;
  }
  T* col = col_scratch<T>(s.block * s.row);
  gather_rows(g, s, xn, p0, p1, col);
  *ld = s.row;
  return col;
}

// ---- depthwise: one input channel per group, `mult` output channels each -----------------------

// Weights as [tap][cout] (w is [cout][tap] with one input channel per group), so that a tap's
// weights are a contiguous channel vector.
template <typename T>
std::vector<T> taps_by_channel(const ConvGeometry& g, const T* w) {
  const index_t kk = g.kh * g.kw;
  std::vector<T> wt(static_cast<size_t>(kk * g.cout));
  for (index_t c = 0; c < g.cout; ++c)
    for (index_t t = 0; t < kk; ++t) wt[t * g.cout + c] = w[c * kk + t];
  return wt;
}

template <typename T>
void depthwise_forward(const ConvGeometry& g, const NhwcSizes& s, const T* x, const T* w, const T* bias, T* y) {
  const std::vector<T> wt = taps_by_channel(g, w);
  const index_t mult = s.cout_g, C = g.cout;
  parallel_for(0, g.n * g.oh, max_i(1, 16384 / max_i(1, g.ow * C * g.kh * g.kw)), [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      const index_t n = r / g.oh, oh = r % g.oh;
      const T* xn = x + n * s.in_hw * g.cin;
      for (index_t ow = 0; ow < g.ow; ++ow) {
        T* yr = y + ((n * g.oh + oh) * g.ow + ow) * C;
        for (index_t c = 0; c < C; ++c) yr[c] = bias != nullptr ? bias[c] : T(0);
        for_taps(g, oh, ow, [&](index_t pos, index_t tap) {
          const T* xr = xn + pos * g.cin;
          const T* wr = wt.data() + tap * C;
          if (mult == 1) for (index_t c = 0; c < C; ++c) yr[c] += wr[c] * xr[c];
          else for (index_t c = 0; c < C; ++c) yr[c] += wr[c] * xr[c / mult];
        });
      }
    }
  });
}

template <typename T>
void depthwise_backward_input(const ConvGeometry& g, const NhwcSizes& s, const T* gy, const T* w, T* gx) {
  const std::vector<T> wt = taps_by_channel(g, w);
  const index_t mult = s.cout_g, C = g.cout;
  // One image per task: its output positions add into overlapping input positions.
  parallel_for(0, g.n, 1, [&](index_t lo, index_t hi) {
    for (index_t n = lo; n < hi; ++n) {
      T* gxn = gx + n * s.in_hw * g.cin;
      zero_run(gxn, s.in_hw * g.cin);
      for (index_t oh = 0; oh < g.oh; ++oh)
        for (index_t ow = 0; ow < g.ow; ++ow) {
          const T* gr = gy + ((n * g.oh + oh) * g.ow + ow) * C;
          for_taps(g, oh, ow, [&](index_t pos, index_t tap) {
            T* xr = gxn + pos * g.cin;
            const T* wr = wt.data() + tap * C;
            if (mult == 1) for (index_t c = 0; c < C; ++c) xr[c] += wr[c] * gr[c];
            else for (index_t c = 0; c < C; ++c) xr[c / mult] += wr[c] * gr[c];
          });
        }
    }
  });
}

// gW in double per fixed chunk of output rows (a deterministic sum), [tap][cout] per chunk.
template <typename T>
void depthwise_backward_weight(const ConvGeometry& g, const NhwcSizes& s, const T* x, const T* gy, T* gw) {
  const index_t mult = s.cout_g, C = g.cout, kk = g.kh * g.kw, rows = g.n * g.oh;
  const index_t threads = ThreadPool::instance().size();
  const index_t chunks = max_i(1, min_i(rows, threads > 1 ? 2 * threads : 1));
  std::vector<double> acc(static_cast<size_t>(chunks * kk * C), 0.0);
  parallel_tasks(chunks, [&](index_t ch) {
    double* a = acc.data() + ch * kk * C;
    for (index_t r = rows * ch / chunks; r < rows * (ch + 1) / chunks; ++r) {
      const index_t n = r / g.oh, oh = r % g.oh;
      const T* xn = x + n * s.in_hw * g.cin;
      for (index_t ow = 0; ow < g.ow; ++ow) {
        const T* gr = gy + ((n * g.oh + oh) * g.ow + ow) * C;
        for_taps(g, oh, ow, [&](index_t pos, index_t tap) {
          const T* xr = xn + pos * g.cin;
          double* ar = a + tap * C;
          if (mult == 1) for (index_t c = 0; c < C; ++c) ar[c] += static_cast<double>(gr[c]) * static_cast<double>(xr[c]);
          else for (index_t c = 0; c < C; ++c) ar[c] += static_cast<double>(gr[c]) * static_cast<double>(xr[c / mult]);
        });
      }
    }
  });
  for (index_t c = 0; c < C; ++c)
    for (index_t t = 0; t < kk; ++t) {
      double v = 0;
      for (index_t ch = 0; ch < chunks; ++ch) v += acc[(ch * kk + t) * C + c];
      gw[c * kk + t] = static_cast<T>(v);
    }
}

// ---- the direct kernel (conv_nhwc_direct.h) ------------------------------------------------------

// Image xs ([ih][iw][d.cin]) into xp ([d.ihp][d.iwp][d.cin]) with pt rows above and pl columns
// left of it, zeros around.
void pad_image(const NhwcDirect& d, const float* xs, index_t ih, index_t iw, index_t pt, index_t pl, float* xp) {
  for (index_t r = 0; r < d.ihp; ++r) {
    float* row = xp + r * d.iwp * d.cin;
    const index_t sr = r - pt;
    if (sr < 0 || sr >= ih) {
      zero_run(row, d.iwp * d.cin);
      continue;
    }
    const index_t c0 = min_i(d.iwp, max_i(0, pl)), c1 = max_i(c0, min_i(d.iwp, pl + iw));
    zero_run(row, c0 * d.cin);
    std::memcpy(row + c0 * d.cin, xs + (sr * iw + c0 - pl) * d.cin, sizeof(float) * static_cast<size_t>((c1 - c0) * d.cin));
    zero_run(row + c1 * d.cin, (d.iwp - c1) * d.cin);
  }
}

// Runs the direct kernel over n images of src ([n][ih][iw][d.cin]), each padded by pad_image
// into a scratch: one image per task when there are images for every thread, else each image's
// rows split over the pool.
void direct_images(const NhwcDirect& d, index_t n, const float* src, index_t ih, index_t iw, index_t pt,
                   index_t pl, const float* wp, const float* bias, float* y) {
  const index_t padded = d.ihp * d.iwp * d.cin;
  const auto pad = [&](const float* xs, float* xp) { pad_image(d, xs, ih, iw, pt, pl, xp); };
  const index_t threads = ThreadPool::instance().size();
  if (threads > 1 && n >= threads) {
    parallel_tasks(n, [&](index_t t) {
      float* xp = col_scratch<float>(padded);
      pad(src + t * ih * iw * d.cin, xp);
      conv_nhwc_direct_rows_avx2(d, xp, wp, bias, y + t * d.oh * d.ow * d.cout, 0, d.oh);
    });
    return;
  }
  std::vector<float> xp(static_cast<size_t>(padded));
  for (index_t t = 0; t < n; ++t) {
    pad(src + t * ih * iw * d.cin, xp.data());
    parallel_for(0, d.oh, max_i(1, 65536 / max_i(1, d.ow * d.cout * d.kh * d.kw * d.cin_g)), [&](index_t lo, index_t hi) {
      conv_nhwc_direct_rows_avx2(d, xp.data(), wp, bias, y + t * d.oh * d.ow * d.cout, lo, hi);
    });
  }
}

// Whether the direct kernel takes a pass with cout_g output channels per group.
bool direct_fits(const ConvGeometry& g, index_t cout_g) {
  return conv_nhwc_direct_available() && cout_g >= 8 && !is_depthwise(g) && !col_is_input(g) && g.id == 1 &&
         g.kd == 1 && g.od == 1;
}

// The forward on the direct kernel; false where it does not apply.
bool direct_forward(const ConvGeometry& g, const NhwcSizes& s, const float* x, const float* w, const float* bias,
                    float* y) {
  if (!direct_fits(g, s.cout_g) || g.n == 0 || s.L == 0) return false;
  const NhwcDirect d{g.groups, g.cin, g.cout, s.cin_g, s.cout_g, (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1,
                     (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw};
  std::vector<float> wp(static_cast<size_t>(conv_nhwc_direct_packed_size(d)));
  conv_nhwc_direct_pack(d, [&](index_t gi, index_t o, index_t i, index_t a, index_t b) {
    return w[(((gi * s.cout_g + o) * g.kh + a) * g.kw + b) * s.cin_g + i];
  }, wp.data());
  direct_images(d, g.n, x, g.ih, g.iw, g.ph, g.pw, wp.data(), bias, y);
  return true;
}

// The input gradient of a stride-1 convolution on the direct kernel: gY convolved with the
// flipped kernel (in and out channels swapped), padding dilation*(k-1) - padding; false where
// that does not apply.
bool direct_input_grad(const ConvGeometry& g, const NhwcSizes& s, const float* gy, const float* w, float* gx) {
  const index_t pt = g.dh * (g.kh - 1) - g.ph, pl = g.dw * (g.kw - 1) - g.pw;
  if (g.sh != 1 || g.sw != 1 || pt < 0 || pl < 0 || !direct_fits(g, s.cin_g) || g.n == 0 || s.in_hw == 0 || s.cout_g == 0)
    return false;
  const NhwcDirect d{g.groups, g.cout, g.cin, s.cout_g, s.cin_g, (g.ih - 1) + (g.kh - 1) * g.dh + 1,
                     (g.iw - 1) + (g.kw - 1) * g.dw + 1, g.ih, g.iw, g.kh, g.kw, 1, 1, g.dh, g.dw};
  std::vector<float> wp(static_cast<size_t>(conv_nhwc_direct_packed_size(d)));
  conv_nhwc_direct_pack(d, [&](index_t gi, index_t o, index_t i, index_t a, index_t b) {
    return w[(((gi * s.cout_g + i) * g.kh + (g.kh - 1 - a)) * g.kw + (g.kw - 1 - b)) * s.cin_g + o];
  }, wp.data());
  direct_images(d, g.n, gy, g.oh, g.ow, pt, pl, wp.data(), nullptr, gx);
  return true;
}

// The weight gradient on the direct kernel (gw [cout][kh][kw][cin_g]): images in fixed chunks,
// each summing into its own [group][k][cout_g] buffer, then the chunks added in order (a sum
// that does not depend on thread timing); with fewer images than threads, one buffer and each
// image's taps split over the pool. False where the kernel does not apply.
bool direct_weight_grad(const ConvGeometry& g, const NhwcSizes& s, const float* x, const float* gy, float* gw) {
  if (!direct_fits(g, s.cout_g) || s.cout_g % 8 != 0 || g.n == 0 || s.L == 0 || s.kg == 0) return false;
  const NhwcDirect d{g.groups, g.cin, g.cout, s.cin_g, s.cout_g, (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1,
                     (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw};
  const index_t part = g.groups * s.kg * s.cout_g, padded = d.ihp * d.iwp * d.cin;
  const index_t threads = ThreadPool::instance().size();
  // Fewer images than threads: one sum, each image's taps split over the pool instead.
  const bool split_taps = threads > 1 && g.n < threads;
  const index_t chunks = threads > 1 && !split_taps ? min_i(g.n, 2 * threads) : 1;
  std::vector<float> acc(static_cast<size_t>(chunks * part), 0.0f);
  const index_t taps = g.kh * g.kw;
  if (split_taps) {
    std::vector<float> xp(static_cast<size_t>(padded));
    for (index_t n = 0; n < g.n; ++n) {
      pad_image(d, x + n * s.in_hw * g.cin, g.ih, g.iw, g.ph, g.pw, xp.data());
      parallel_for(0, taps, 1, [&](index_t lo, index_t hi) {
        conv_nhwc_direct_weight_image_avx2(d, xp.data(), gy + n * s.L * g.cout, acc.data(), lo, hi);
      });
    }
  } else {
    parallel_tasks(chunks, [&](index_t c) {
      float* xp = col_scratch<float>(padded);
      for (index_t n = g.n * c / chunks; n < g.n * (c + 1) / chunks; ++n) {
        pad_image(d, x + n * s.in_hw * g.cin, g.ih, g.iw, g.ph, g.pw, xp);
        conv_nhwc_direct_weight_image_avx2(d, xp, gy + n * s.L * g.cout, acc.data() + c * part, 0, taps);
      }
    });
  }
  parallel_for(0, g.cout, max_i(1, 4096 / max_i(1, s.kg * chunks)), [&](index_t lo, index_t hi) {
    for (index_t o = lo; o < hi; ++o) {
      const index_t gi = o / s.cout_g, co = o % s.cout_g;
      for (index_t k = 0; k < s.kg; ++k) {
        const float* src = acc.data() + (gi * s.kg + k) * s.cout_g + co;
        float v = src[0];
        for (index_t c = 1; c < chunks; ++c) v += src[c * part];
        gw[o * s.kg + k] = v;
      }
    }
  });
  return true;
}

}  // namespace

template <typename T>
void conv_nhwc_forward(const ConvGeometry& g, const T* x, const T* w, const T* bias, T* y) {
  const NhwcSizes s = nhwc_sizes(g, sizeof(T));
  if (is_depthwise(g)) {
    depthwise_forward(g, s, x, w, bias, y);
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    if (direct_forward(g, s, x, w, bias, y)) return;
  }
  for_images(g.n * s.blocks, [&](index_t t, bool par) {
    const index_t n = t / s.blocks, p0 = (t % s.blocks) * s.block, p1 = min_i(s.L, p0 + s.block);
    T* yb = y + (n * s.L + p0) * g.cout;
    if (s.kg == 0) {
      zero_run(yb, (p1 - p0) * g.cout);
    } else {
      index_t ld;
      const T* col = column_block(g, s, x, n, p0, p1, &ld);
      for (index_t gi = 0; gi < g.groups; ++gi) {
        GemmArgs<T> a;
        a.m = p1 - p0; a.n = s.cout_g; a.k = s.kg;
        a.a = col + gi * s.kg; a.a_rs = ld; a.a_cs = 1;
        a.b = w + gi * s.cout_g * s.kg; a.b_rs = 1; a.b_cs = s.kg;
        a.c = yb + gi * s.cout_g; a.ldc = g.cout;
        run_gemm(a, par);
      }
    }
    if (bias != nullptr)
      for (index_t p = 0; p < p1 - p0; ++p) {
        T* yr = yb + p * g.cout;
        for (index_t c = 0; c < g.cout; ++c) yr[c] += bias[c];
      }
  });
}

template <typename T>
void conv_nhwc_backward_input(const ConvGeometry& g, const T* gy, const T* w, T* gx) {
  const NhwcSizes s = nhwc_sizes(g, sizeof(T));
  if (is_depthwise(g)) {
    depthwise_backward_input(g, s, gy, w, gx);
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    if (direct_input_grad(g, s, gy, w, gx)) return;
  }
  // gX block = gY block x W_g: straight into gX for a 1x1 kernel (blocks are disjoint);
  // otherwise through a column block added back to its taps, one image per task.
  const auto block = [&](index_t n, index_t p0, index_t p1, T* c, index_t ldc, bool par) {
    for (index_t gi = 0; gi < g.groups; ++gi) {
      GemmArgs<T> a;
      a.m = p1 - p0; a.n = s.kg; a.k = s.cout_g;
      a.a = gy + (n * s.L + p0) * g.cout + gi * s.cout_g; a.a_rs = g.cout; a.a_cs = 1;
      a.b = w + gi * s.cout_g * s.kg; a.b_rs = s.kg; a.b_cs = 1;
      a.c = c + gi * s.kg; a.ldc = ldc;
      run_gemm(a, par);
    }
  };
  if (col_is_input(g)) {
    for_images(g.n * s.blocks, [&](index_t t, bool par) {
      const index_t n = t / s.blocks, p0 = (t % s.blocks) * s.block, p1 = min_i(s.L, p0 + s.block);
      T* gxb = gx + (n * s.in_hw + p0) * g.cin;
      if (s.cout_g == 0) zero_run(gxb, (p1 - p0) * g.cin);
      else block(n, p0, p1, gxb, g.cin, par);
    });
    return;
  }
  for_images(g.n, [&](index_t n, bool par) {
    T* gxn = gx + n * s.in_hw * g.cin;
    zero_run(gxn, s.in_hw * g.cin);
    if (s.cout_g == 0 || s.kg == 0) return;
    T* col = col_scratch<T>(s.block * s.row);
    for (index_t p0 = 0; p0 < s.L; p0 += s.block) {
      const index_t p1 = min_i(s.L, p0 + s.block);
      block(n, p0, p1, col, s.row, par);
      scatter_rows(g, s, col, p0, p1, gxn);
    }
  });
}

template <typename T>
void conv_nhwc_backward_weight(const ConvGeometry& g, const T* x, const T* gy, T* gw) {
  const NhwcSizes s = nhwc_sizes(g, sizeof(T));
  const index_t wsize = g.cout * s.kg;
  if (wsize == 0) return;
  if (s.L == 0 || g.n == 0 || s.cout_g == 0) {
    zero_run(gw, wsize);
    return;
  }
  if (is_depthwise(g)) {
    depthwise_backward_weight(g, s, x, gy, gw);
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    if (direct_weight_grad(g, s, x, gy, gw)) return;
  }
  // Per group gW_g [cout_g, kg] = gY_g^T col_g, or col_g^T gY_g ([kg, cout_g], transposed back)
  // when that fills the micro-kernel's tiles better (few output channels).
  int mr, nr;
  gemm_tile<T>(&mr, &nr);
  const bool transposed = tile_fill(s.kg, s.cout_g, mr, nr) > tile_fill(s.cout_g, s.kg, mr, nr);
  // (image, block) pieces in fixed chunks, each summing into its own buffer: the order of the
  // sums does not depend on thread timing.
  const index_t pieces = g.n * s.blocks;
  const index_t chunks = weight_grad_chunks(pieces, wsize);
  const bool own_buffer = transposed || chunks > 1;
  std::vector<T> acc(own_buffer ? static_cast<size_t>(chunks * wsize) : 0);
  auto chunk = [&](index_t c, bool par) {
    T* out = own_buffer ? acc.data() + c * wsize : gw;
    const index_t t0 = pieces * c / chunks, t1 = pieces * (c + 1) / chunks;
    for (index_t t = t0; t < t1; ++t) {
      const index_t n = t / s.blocks, p0 = (t % s.blocks) * s.block, p1 = min_i(s.L, p0 + s.block);
      index_t ld;
      const T* col = column_block(g, s, x, n, p0, p1, &ld);
      const T* gyb = gy + (n * s.L + p0) * g.cout;
      for (index_t gi = 0; gi < g.groups; ++gi) {
        GemmArgs<T> a;
        a.k = p1 - p0;
        a.beta = t == t0 ? T(0) : T(1);
        if (transposed) {
          a.m = s.kg; a.n = s.cout_g;
          a.a = col + gi * s.kg; a.a_rs = 1; a.a_cs = ld;
          a.b = gyb + gi * s.cout_g; a.b_rs = g.cout; a.b_cs = 1;
          a.c = out + gi * s.kg * s.cout_g; a.ldc = s.cout_g;
        } else {
          a.m = s.cout_g; a.n = s.kg;
          a.a = gyb + gi * s.cout_g; a.a_rs = 1; a.a_cs = g.cout;
          a.b = col + gi * s.kg; a.b_rs = ld; a.b_cs = 1;
          a.c = out + gi * s.cout_g * s.kg; a.ldc = s.kg;
        }
        run_gemm(a, par);
      }
    }
  };
  if (chunks > 1) parallel_tasks(chunks, [&](index_t c) { chunk(c, false); });
  else chunk(0, true);
  if (own_buffer) sum_weight_grad_chunks(acc.data(), chunks, wsize, s.kg, s.cout_g, transposed, gw);
}

#define TTS_INSTANTIATE(T)                                                                     \
  template void conv_nhwc_forward<T>(const ConvGeometry&, const T*, const T*, const T*, T*);   \
  template void conv_nhwc_backward_input<T>(const ConvGeometry&, const T*, const T*, T*);      \
  template void conv_nhwc_backward_weight<T>(const ConvGeometry&, const T*, const T*, T*);
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
#undef TTS_INSTANTIATE

}  // namespace tts
