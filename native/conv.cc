// Convolution kernels: im2col + GEMM per image, one image (or a chunk of images) per task so
// that both cores work on small GEMMs without a barrier per image; depthwise convolutions run
// direct loops; float32 stride-1 2-d/1-d convolutions on AVX-512 (and on AVX2, the
// channel-vector ones) run the direct kernels of conv_direct.h where choose_path (forward, input
// gradient) or conv_backward_weight says so.
// Everything is lifted to three spatial dims (size-1 leading dims for 1d/2d).
#include "conv.h"

#include <type_traits>
#include <vector>

#include "conv_common.h"
#include "conv_direct.h"

namespace tts {
namespace {

using namespace conv_detail;

struct Sizes {
  index_t in_plane, out_plane, kk, cin_g, cout_g, rows;
};

Sizes sizes_of(const ConvGeometry& g) {
  Sizes s;
  s.in_plane = g.id * g.ih * g.iw;
  s.out_plane = g.od * g.oh * g.ow;
  s.kk = g.kd * g.kh * g.kw;
  s.cin_g = g.cin / g.groups;
  s.cout_g = g.cout / g.groups;
  s.rows = s.cin_g * s.kk;
  return s;
}

// The column matrix of one image: a row per (channel, kernel offset), a column per output
// position, zeros where the window reads padding (the layout of F.unfold).
template <typename T>
void im2col(const ConvGeometry& g, const T* x, index_t channels, T* col) {
  const index_t in_plane = g.id * g.ih * g.iw, ohw = g.oh * g.ow;
  T* o = col;
  for (index_t c = 0; c < channels; ++c) {
    const T* xc = x + c * in_plane;
    for (index_t kd = 0; kd < g.kd; ++kd) {
      for (index_t kh = 0; kh < g.kh; ++kh) {
        for (index_t kw = 0; kw < g.kw; ++kw) {
          index_t lo, hi;
          valid_range(kw, g.dw, g.pw, g.sw, g.iw, g.ow, &lo, &hi);
          const index_t shift = kw * g.dw - g.pw;
          for (index_t od = 0; od < g.od; ++od) {
            const index_t id = od * g.sd - g.pd + kd * g.dd;
            if (id < 0 || id >= g.id) {
              std::memset(o, 0, sizeof(T) * ohw);
              o += ohw;
              continue;
            }
            for (index_t oh = 0; oh < g.oh; ++oh, o += g.ow) {
              const index_t ih = oh * g.sh - g.ph + kh * g.dh;
              if (ih < 0 || ih >= g.ih) {
                std::memset(o, 0, sizeof(T) * g.ow);
                continue;
              }
              const T* row = xc + (id * g.ih + ih) * g.iw + shift;
              for (index_t j = 0; j < lo; ++j) o[j] = T(0);
              if (g.sw == 1) {
                std::memcpy(o + lo, row + lo, sizeof(T) * (hi - lo));
              } else {
                for (index_t j = lo; j < hi; ++j) o[j] = row[j * g.sw];
              }
              for (index_t j = hi; j < g.ow; ++j) o[j] = T(0);
            }
          }
        }
      }
    }
  }
}

// The adjoint of im2col: adds each column entry into the input position it was read from.
template <typename T>
void col2im(const ConvGeometry& g, const T* col, index_t channels, T* x) {
  const index_t in_plane = g.id * g.ih * g.iw, ohw = g.oh * g.ow;
  const T* o = col;
  for (index_t c = 0; c < channels; ++c) {
    T* xc = x + c * in_plane;
    for (index_t kd = 0; kd < g.kd; ++kd) {
      for (index_t kh = 0; kh < g.kh; ++kh) {
        for (index_t kw = 0; kw < g.kw; ++kw) {
          index_t lo, hi;
          valid_range(kw, g.dw, g.pw, g.sw, g.iw, g.ow, &lo, &hi);
          const index_t shift = kw * g.dw - g.pw;
          for (index_t od = 0; od < g.od; ++od) {
            const index_t id = od * g.sd - g.pd + kd * g.dd;
            if (id < 0 || id >= g.id) {
              o += ohw;
              continue;
            }
            for (index_t oh = 0; oh < g.oh; ++oh, o += g.ow) {
              const index_t ih = oh * g.sh - g.ph + kh * g.dh;
              if (ih < 0 || ih >= g.ih) continue;
              T* row = xc + (id * g.ih + ih) * g.iw + shift;
              if (g.sw == 1) {
                for (index_t j = lo; j < hi; ++j) row[j] += o[j];
              } else {
                for (index_t j = lo; j < hi; ++j) row[j * g.sw] += o[j];
              }
            }
          }
        }
      }
    }
  }
}

// ---- depthwise: one input channel per group, any channel multiplier ---------------------------

template <typename T>
void depthwise_plane_forward(const ConvGeometry& g, const T* x, const T* w, T* y) {
  for (index_t kd = 0; kd < g.kd; ++kd) {
    index_t d_lo, d_hi;
    valid_range(kd, g.dd, g.pd, g.sd, g.id, g.od, &d_lo, &d_hi);
    for (index_t kh = 0; kh < g.kh; ++kh) {
      index_t h_lo, h_hi;
      valid_range(kh, g.dh, g.ph, g.sh, g.ih, g.oh, &h_lo, &h_hi);
      for (index_t kw = 0; kw < g.kw; ++kw) {
        index_t w_lo, w_hi;
        valid_range(kw, g.dw, g.pw, g.sw, g.iw, g.ow, &w_lo, &w_hi);
        const T wv = *w++;
        for (index_t od = d_lo; od < d_hi; ++od) {
          const index_t id = od * g.sd - g.pd + kd * g.dd;
          for (index_t oh = h_lo; oh < h_hi; ++oh) {
            const index_t ih = oh * g.sh - g.ph + kh * g.dh;
            const T* s = x + (id * g.ih + ih) * g.iw + w_lo * g.sw - g.pw + kw * g.dw;
            T* o = y + (od * g.oh + oh) * g.ow;
            for (index_t ow = w_lo; ow < w_hi; ++ow, s += g.sw) o[ow] += wv * *s;
          }
        }
      }
    }
  }
}

template <typename T>
void depthwise_plane_backward_input(const ConvGeometry& g, const T* gy, const T* w, T* gx) {
  for (index_t kd = 0; kd < g.kd; ++kd) {
    index_t d_lo, d_hi;
    valid_range(kd, g.dd, g.pd, g.sd, g.id, g.od, &d_lo, &d_hi);
    for (index_t kh = 0; kh < g.kh; ++kh) {
      index_t h_lo, h_hi;
      valid_range(kh, g.dh, g.ph, g.sh, g.ih, g.oh, &h_lo, &h_hi);
      for (index_t kw = 0; kw < g.kw; ++kw) {
        index_t w_lo, w_hi;
        valid_range(kw, g.dw, g.pw, g.sw, g.iw, g.ow, &w_lo, &w_hi);
        const T wv = *w++;
        for (index_t od = d_lo; od < d_hi; ++od) {
          const index_t id = od * g.sd - g.pd + kd * g.dd;
          for (index_t oh = h_lo; oh < h_hi; ++oh) {
            const index_t ih = oh * g.sh - g.ph + kh * g.dh;
            T* s = gx + (id * g.ih + ih) * g.iw + w_lo * g.sw - g.pw + kw * g.dw;
            const T* o = gy + (od * g.oh + oh) * g.ow;
            for (index_t ow = w_lo; ow < w_hi; ++ow, s += g.sw) *s += wv * o[ow];
          }
        }
      }
    }
  }
}

template <typename T>
void depthwise_plane_backward_weight(const ConvGeometry& g, const T* x, const T* gy, T* gw) {
  for (index_t kd = 0; kd < g.kd; ++kd) {
    index_t d_lo, d_hi;
    valid_range(kd, g.dd, g.pd, g.sd, g.id, g.od, &d_lo, &d_hi);
    for (index_t kh = 0; kh < g.kh; ++kh) {
      index_t h_lo, h_hi;
      valid_range(kh, g.dh, g.ph, g.sh, g.ih, g.oh, &h_lo, &h_hi);
      for (index_t kw = 0; kw < g.kw; ++kw, ++gw) {
        index_t w_lo, w_hi;
        valid_range(kw, g.dw, g.pw, g.sw, g.iw, g.ow, &w_lo, &w_hi);
        double sum = 0;
        for (index_t od = d_lo; od < d_hi; ++od) {
          const index_t id = od * g.sd - g.pd + kd * g.dd;
          for (index_t oh = h_lo; oh < h_hi; ++oh) {
            const index_t ih = oh * g.sh - g.ph + kh * g.dh;
            const T* s = x + (id * g.ih + ih) * g.iw + w_lo * g.sw - g.pw + kw * g.dw;
            const T* o = gy + (od * g.oh + oh) * g.ow;
            for (index_t ow = w_lo; ow < w_hi; ++ow, s += g.sw)
              sum += static_cast<double>(*s) * static_cast<double>(o[ow]);
          }
        }
        *gw = static_cast<T>(static_cast<double>(*gw) + sum);
      }
    }
  }
}

// Grain for plane loops: enough multiply-adds per task to pay for the hand-off.
index_t plane_grain(const Sizes& s) { return max_i(1, 16384 / max_i(1, s.out_plane * s.kk)); }

template <typename T>
void depthwise_forward(const ConvGeometry& g, const Sizes& s, const T* x, const T* w, T* y) {
  const index_t mult = g.cout / g.groups;
  parallel_for(0, g.n * g.cout, plane_grain(s), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const index_t n = p / g.cout, c = p % g.cout;
      T* yp = y + p * s.out_plane;
      for (index_t i = 0; i < s.out_plane; ++i) yp[i] = T(0);
      depthwise_plane_forward(g, x + (n * g.cin + c / mult) * s.in_plane, w + c * s.kk, yp);
    }
  });
}

template <typename T>
void depthwise_backward_input(const ConvGeometry& g, const Sizes& s, const T* gy, const T* w,
                              T* gx) {
  const index_t mult = g.cout / g.groups;
  // One task per input plane: the output channels that read it all add into it.
  parallel_for(0, g.n * g.cin, plane_grain(s), [&](index_t lo, index_t hi) {
    for (index_t p = lo; p < hi; ++p) {
      const index_t n = p / g.cin, ci = p % g.cin;
      T* gxp = gx + p * s.in_plane;
      for (index_t i = 0; i < s.in_plane; ++i) gxp[i] = T(0);
      for (index_t m = 0; m < mult; ++m) {
        const index_t c = ci * mult + m;
        depthwise_plane_backward_input(g, gy + (n * g.cout + c) * s.out_plane, w + c * s.kk, gxp);
      }
    }
  });
}

template <typename T>
void depthwise_backward_weight(const ConvGeometry& g, const Sizes& s, const T* x, const T* gy,
                               T* gw) {
  const index_t mult = g.cout / g.groups;
  parallel_for(0, g.cout, max_i(1, plane_grain(s) / max_i(1, g.n)), [&](index_t lo, index_t hi) {
    for (index_t c = lo; c < hi; ++c) {
      T* gwc = gw + c * s.kk;
      for (index_t i = 0; i < s.kk; ++i) gwc[i] = T(0);
      for (index_t n = 0; n < g.n; ++n)
        depthwise_plane_backward_weight(g, x + (n * g.cin + c / mult) * s.in_plane,
                                        gy + (n * g.cout + c) * s.out_plane, gwc);
    }
  });
}


// ---- direct float32 kernel for stride 1, dilation 1 (conv_direct.h) ---------------------------

// Whether the direct kernels take this convolution: float32 on AVX-512 (the channel-vector ones
// also on AVX2), 2-d (or 1-d), stride 1, dilation 1, padding below the kernel size (so the input
// gradient is a convolution of gY with the flipped kernel as well), and int32 offsets into the
// copies of the input.
template <typename T>
bool direct_geometry(const ConvGeometry& g) {
  if (!std::is_same<T, float>::value || !conv_cv_available()) return false;
  if (g.id != 1 || g.kd != 1 || g.od != 1 || g.pd != 0 || g.sh != 1 || g.sw != 1 || g.dh != 1 ||
      g.dw != 1 || g.ph >= g.kh || g.pw >= g.kw || col_is_input(g) || is_depthwise(g))
    return false;
  if (g.oh != g.ih + 2 * g.ph - g.kh + 1 || g.ow != g.iw + 2 * g.pw - g.kw + 1) return false;
  if (g.oh <= 0 || g.ow <= 0 || g.cin == 0 || g.cout == 0) return false;
  const index_t cin = max_i(g.cin, g.cout) / g.groups;  // either direction
  const index_t plane = (max_i(g.ih, g.oh) + 2 * g.kh) * (max_i(g.iw, g.ow) + 2 * g.kw) + 64;
  return cin * g.kw * plane < (index_t{1} << 30);
}

enum class ConvPath { gemm, direct, channel_vectors };

// The kernel for a pass that sums over d.cin channels x the kernel into d.cout channels per
// group (forward; or the input gradient as a forward convolution), chosen by measurement on the
// CNN shapes (bench/native-conv.ts):
//   channel vectors when d.cout fills 16-lane vectors (at most 1/8 of the lanes padding) and the
//     sum is long (K = cin*kh*kw >= 64; below that the output transposes cost more than they
//     save: K = 9 or 27 runs 15-25% faster on the direct kernel);
//   the direct kernel when d.cout fills blocks of 8 channels to at least 3/4 and the shifted
//     copies of the input stay within half the L2 (512 KB);
//   im2col + GEMM otherwise: with few output channels the direct kernels waste most of their
//     lanes (the input gradient of a 1- or 3-channel input runs 2-4x faster as GEMM + col2im).
// On AVX2 (no direct kernel; 8-lane channel vectors), measured on Zen 3 against the GEMM path,
// 2 threads: the forward runs channel vectors for every output channel count and sum length
// measured (3 to 64 channels, K = 3 to 576: 1.3-2x faster with few channels, where the GEMM's
// rows are the output channels; 32x64x32x32->64 24.8 -> 20.5 ms); the input gradient, whose GEMM
// has cin*kh*kw rows, only from 16 input channels per group on (16 / 24 / 64: 5.7 / 9.3 / 19.8 ms
// against 7.0 / 10.4 / 24.1 ms; 3 / 8 / 12: 3.8 / 4.6 / 5.7 against 1.8 / 4.3 / 5.5 ms).
template <typename T>
ConvPath choose_path(const ConvGeometry& g, const DirectConv& d, bool input_gradient) {
  if (!direct_geometry<T>(g)) return ConvPath::gemm;
  if (!conv_direct_available())
    return !input_gradient || d.cout >= 16 ? ConvPath::channel_vectors : ConvPath::gemm;
  if (d.cin * d.kh * d.kw >= 64 && 7 * cv_channels(d.cout) <= 8 * d.cout) return ConvPath::channel_vectors;
  if (3 * round_up(d.cout, kDirectMR) <= 4 * d.cout && conv_direct_scratch(d) <= (index_t{1} << 17))
    return ConvPath::direct;
  return ConvPath::gemm;
}

// Packs weights for the direct kernel: for each group, blocks of kDirectMR output channels of
// `outs` channels, each [k][kDirectMR] over k = (in channel, kh, kw) of `ins` channels;
// at(o, i, a, b) reads the weight of output channel o, input channel i, tap (a, b) (group-local).
template <class At>
std::vector<float> pack_direct(index_t groups, index_t outs, index_t ins, index_t kh, index_t kw,
                               const At& at) {
  const index_t blocks = (outs + kDirectMR - 1) / kDirectMR, K = ins * kh * kw;
  std::vector<float> wp(static_cast<size_t>(groups * blocks * K * kDirectMR), 0.0f);
  for (index_t gi = 0; gi < groups; ++gi)
    for (index_t o = 0; o < outs; ++o) {
      float* dst = wp.data() + ((gi * blocks + o / kDirectMR) * K) * kDirectMR + o % kDirectMR;
      index_t k = 0;
      for (index_t i = 0; i < ins; ++i)
        for (index_t a = 0; a < kh; ++a)
          for (index_t b = 0; b < kw; ++b, ++k) dst[k * kDirectMR] = at(gi, o, i, a, b);
    }
  return wp;
}

// Runs the direct kernel over every image and group: one image per task when there are images
// for every thread, else the tiles of each image split over the pool.
void run_direct(const ConvGeometry& g, const DirectConv& d, const float* x, index_t x_image,
                const std::vector<float>& wp, const float* bias, float* y, index_t y_image) {
  const index_t K = d.cin * d.kh * d.kw, blocks = (d.cout + kDirectMR - 1) / kDirectMR;
  const index_t x_group = d.cin * d.ih * d.iw, y_group = d.cout * d.oh * d.ow;
  const index_t need = conv_direct_scratch(d);
  auto image = [&](index_t n, bool par) {
    thread_local ScratchBuffer buf;
    float* scratch = static_cast<float*>(buf.get(sizeof(float) * need));
    for (index_t gi = 0; gi < g.groups; ++gi) {
      conv_direct_image(d, x + n * x_image + gi * x_group, wp.data() + gi * blocks * K * kDirectMR,
                        bias != nullptr ? bias + gi * d.cout : nullptr, y + n * y_image + gi * y_group,
                        scratch, par);
    }
  };
  if (ThreadPool::instance().size() > 1 && g.n >= ThreadPool::instance().size()) {
    parallel_tasks(g.n, [&](index_t t) { image(t, false); });
  } else {
    for (index_t n = 0; n < g.n; ++n) image(n, true);
  }
}

// ---- channel-vector float32 kernels (conv_direct.h): vectors of 16 (AVX2: 8) output channels ---

// Packs weights for the channel-vector kernels: per group, [k = (in channel, kh, kw)][channels
// rounded up to cv_lanes()] of `outs` output channels, zero past them; at(gi, o, i, a, b) as
// pack_direct.
template <class At>
std::vector<float> pack_channel_vectors(index_t groups, index_t outs, index_t ins, index_t kh,
                                        index_t kw, const At& at) {
  const index_t cp = cv_channels(outs), K = ins * kh * kw;
  std::vector<float> wt(static_cast<size_t>(groups * K * cp), 0.0f);
  for (index_t gi = 0; gi < groups; ++gi)
    for (index_t i = 0, k = 0; i < ins; ++i)
      for (index_t a = 0; a < kh; ++a)
        for (index_t b = 0; b < kw; ++b, ++k) {
          float* dst = wt.data() + (gi * K + k) * cp;
          for (index_t o = 0; o < outs; ++o) dst[o] = at(gi, o, i, a, b);
        }
  return wt;
}

// Runs the channel-vector forward kernel over every image and group. With images for every
// thread: contiguous runs of images, claimed as threads come free (a few per thread, so a
// thread slowed by another process hands work over), each image fetching the next one's input.
// Else the rows of each image are split over the pool.
void run_channel_vectors(const ConvGeometry& g, const DirectConv& d, const float* x, index_t x_image,
                         const std::vector<float>& wt, const float* bias, float* y, index_t y_image) {
  const index_t K = d.cin * d.kh * d.kw, cp = cv_channels(d.cout);
  const index_t x_group = d.cin * d.ih * d.iw, y_group = d.cout * d.oh * d.ow;
  const index_t need = conv_cv_forward_scratch(d);
  const index_t threads = ThreadPool::instance().size();
  // AVX2's forward reads the weights blocked (conv_cv_block_weights_avx2), in a buffer kept per
  // thread: a fresh one of 64x64x3x3 floats (144 KiB) would be mapped and faulted in at each call.
  const float* weights = wt.data();
  if (active_isa() == Isa::avx2) {
    static thread_local std::vector<float> blocked;
    if (blocked.size() < wt.size()) blocked.resize(wt.size());
    for (index_t gi = 0; gi < g.groups; ++gi)
      conv_cv_block_weights_avx2(d, wt.data() + gi * K * cp, blocked.data() + gi * K * cp);
    weights = blocked.data();
  }
  // Prefetching the next input pays where it is small beside L2 (not for 256 KB images).
  const bool prefetch = x_group * 4 <= 128 * 1024;
  auto images = [&](index_t n0, index_t n1, bool par) {
    thread_local ScratchBuffer buf;
    float* scratch = static_cast<float*>(buf.get(sizeof(float) * need));
    for (index_t n = n0; n < n1; ++n) {
      for (index_t gi = 0; gi < g.groups; ++gi) {
        // The next piece of work of this thread: the next group, else the next image's first.
        const bool last = gi + 1 == g.groups;
        const bool more = prefetch && (!last || n + 1 < n1);
        const index_t nn = last ? n + 1 : n, ng = last ? 0 : gi + 1;
        conv_cv_forward_image(d, x + n * x_image + gi * x_group, weights + gi * K * cp,
                              bias != nullptr ? bias + gi * d.cout : nullptr,
                              y + n * y_image + gi * y_group, scratch, par,
                              more ? x + nn * x_image + ng * x_group : nullptr);
      }
    }
  };
  if (threads > 1 && g.n >= threads) {
    const index_t runs = min_i(g.n, 4 * threads);
    parallel_tasks(runs, [&](index_t t) { images(g.n * t / runs, g.n * (t + 1) / runs, false); });
  } else {
    images(0, g.n, true);
  }
}

// gw by the channel-vector weight kernel: images in fixed chunks (a deterministic sum), each
// chunk summing into its own [group][k][channels rounded up] buffer; then the chunks are added
// in order and transposed into gw's [cout][cin/g][kh][kw].
void channel_vector_weight_grad(const ConvGeometry& g, const Sizes& s, const float* x,
                                const float* gy, float* gw) {
  const DirectConv d{s.cin_g, s.cout_g, g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.ph, g.pw};
  const index_t K = s.rows, cp = cv_channels(s.cout_g), part = g.groups * K * cp;
  const index_t threads = ThreadPool::instance().size();
  const index_t chunks = threads > 1 ? min_i(g.n, 2 * threads) : 1;
  std::vector<float> acc(static_cast<size_t>(chunks * part), 0.0f);
  const index_t need = conv_cv_weight_scratch(d);
  const bool prefetch = K >= 64 && (s.cin_g * s.in_plane + s.cout_g * s.out_plane) * 4 <= 256 * 1024;
  auto chunk = [&](index_t c) {
    thread_local ScratchBuffer buf;
    float* scratch = static_cast<float*>(buf.get(sizeof(float) * need));
    const index_t n1 = g.n * (c + 1) / chunks;
    for (index_t n = g.n * c / chunks; n < n1; ++n)
      for (index_t gi = 0; gi < g.groups; ++gi) {
        // The next piece of work of this chunk: the next group, else the next image's first;
        // prefetched only where an image has long sums (few taps: the prefetches cost more) and
        // its data fits in a quarter of L2 beside the current one.
        const bool last = gi + 1 == g.groups, more = prefetch && (!last || n + 1 < n1);
        const index_t nn = last ? n + 1 : n, ng = last ? 0 : gi + 1;
        conv_cv_weight_image(d, x + (n * g.cin + gi * s.cin_g) * s.in_plane,
                             gy + (n * g.cout + gi * s.cout_g) * s.out_plane,
                             acc.data() + c * part + gi * K * cp, scratch,
                             more ? x + (nn * g.cin + ng * s.cin_g) * s.in_plane : nullptr,
                             more ? gy + (nn * g.cout + ng * s.cout_g) * s.out_plane : nullptr);
      }
  };
  parallel_tasks(chunks, chunk);
  parallel_for(0, g.cout, max_i(1, 4096 / max_i(1, K * chunks)), [&](index_t lo, index_t hi) {
    for (index_t o = lo; o < hi; ++o) {
      const index_t gi = o / s.cout_g, co = o % s.cout_g;
      for (index_t k = 0; k < K; ++k) {
        const float* src = acc.data() + (gi * K + k) * cp + co;
        float v = src[0];
        for (index_t c = 1; c < chunks; ++c) v += src[c * part];
        gw[o * K + k] = v;
      }
    }
  });
}

// gw by the direct weight kernel (few taps): images in fixed chunks as above, each chunk
// summing 16 lanes per (channel, tap) into its own buffer; the chunks' lanes are then added in
// order (lane by lane, then across lanes), so the result does not depend on thread timing.
void direct_weight_grad(const ConvGeometry& g, const Sizes& s, const float* x, const float* gy,
                        float* gw) {
  const DirectConv d{s.cin_g, s.cout_g, g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.ph, g.pw};
  const index_t K = s.rows, part = g.groups * s.cout_g * K * 16;
  const index_t threads = ThreadPool::instance().size();
  const index_t chunks = threads > 1 ? min_i(g.n, 2 * threads) : 1;
  std::vector<float> acc(static_cast<size_t>(chunks * part), 0.0f);
  const index_t need = conv_direct_scratch(d);
  parallel_tasks(chunks, [&](index_t c) {
    thread_local ScratchBuffer buf;
    float* scratch = static_cast<float*>(buf.get(sizeof(float) * need));
    for (index_t n = g.n * c / chunks; n < g.n * (c + 1) / chunks; ++n)
      for (index_t gi = 0; gi < g.groups; ++gi)
        conv_direct_weight_image(d, x + (n * g.cin + gi * s.cin_g) * s.in_plane,
                                 gy + (n * g.cout + gi * s.cout_g) * s.out_plane,
                                 acc.data() + c * part + gi * s.cout_g * K * 16, scratch);
  });
  parallel_for(0, g.cout, max_i(1, 4096 / max_i(1, K * chunks * 16)), [&](index_t lo, index_t hi) {
    for (index_t o = lo; o < hi; ++o) {
      const index_t gi = o / s.cout_g, co = o % s.cout_g;
      for (index_t k = 0; k < K; ++k) {
        const float* src = acc.data() + gi * s.cout_g * K * 16 + conv_direct_weight_slot(co, k, s.cout_g, K);
        float lanes[16];
        for (int l = 0; l < 16; ++l) lanes[l] = src[l];
        for (index_t c = 1; c < chunks; ++c)
          for (int l = 0; l < 16; ++l) lanes[l] += src[c * part + l];
        // Pairwise across the lanes.
        for (int w = 8; w >= 1; w /= 2)
          for (int l = 0; l < w; ++l) lanes[l] += lanes[l + w];
        gw[o * K + k] = lanes[0];
      }
    }
  });
}

}  // namespace

bool conv_cv_available() {
  const Isa isa = active_isa();
  return TTS_X86_64 && (isa == Isa::avx512 || isa == Isa::avx2);
}

index_t cv_lanes() { return active_isa() == Isa::avx512 ? kCvLanesAvx512 : kCvLanesAvx2; }

index_t conv_cv_forward_scratch(const DirectConv& d) {
  return active_isa() == Isa::avx512 ? conv_cv_forward_scratch_avx512(d) : conv_cv_forward_scratch_avx2(d);
}

index_t conv_cv_weight_scratch(const DirectConv& d) {
  return active_isa() == Isa::avx512 ? conv_cv_weight_scratch_avx512(d) : conv_cv_weight_scratch_avx2(d);
}

void conv_cv_forward_image(const DirectConv& d, const float* x, const float* wt, const float* bias,
                           float* y, float* scratch, bool parallel, const float* next_x) {
  if (active_isa() == Isa::avx512) conv_cv_forward_image_avx512(d, x, wt, bias, y, scratch, parallel, next_x);
  else conv_cv_forward_image_avx2(d, x, wt, bias, y, scratch, parallel, next_x);
}

void conv_cv_weight_image(const DirectConv& d, const float* x, const float* gy, float* gwt,
                          float* scratch, const float* next_x, const float* next_gy) {
  if (active_isa() == Isa::avx512) conv_cv_weight_image_avx512(d, x, gy, gwt, scratch, next_x, next_gy);
  else conv_cv_weight_image_avx2(d, x, gy, gwt, scratch, next_x, next_gy);
}

template <typename T>
void conv_forward(const ConvGeometry& g, const T* x, const T* w, const T* bias, T* y) {
  const Sizes s = sizes_of(g);
  const index_t L = s.out_plane;
  if (is_depthwise(g)) {
    depthwise_forward(g, s, x, w, y);
    if (bias != nullptr) {
      parallel_for(0, g.n * g.cout, max_i(1, 32768 / max_i(L, 1)), [&](index_t lo, index_t hi) {
        for (index_t p = lo; p < hi; ++p) {
          const T b = bias[p % g.cout];
          T* yp = y + p * L;
          for (index_t l = 0; l < L; ++l) yp[l] += b;
        }
      });
    }
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    const DirectConv d{s.cin_g, s.cout_g, g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.ph, g.pw};
    const auto at = [&](index_t gi, index_t o, index_t i, index_t a, index_t b) {
      return w[(((gi * s.cout_g + o) * s.cin_g + i) * g.kh + a) * g.kw + b];
    };
    switch (choose_path<T>(g, d, false)) {
      case ConvPath::channel_vectors:
        run_channel_vectors(g, d, x, g.cin * s.in_plane, pack_channel_vectors(g.groups, s.cout_g, s.cin_g, g.kh, g.kw, at),
                            bias, y, g.cout * L);
        return;
      case ConvPath::direct:
        run_direct(g, d, x, g.cin * s.in_plane, pack_direct(g.groups, s.cout_g, s.cin_g, g.kh, g.kw, at), bias, y,
                   g.cout * L);
        return;
      case ConvPath::gemm:
        break;
    }
  }
  const bool direct = col_is_input(g);
  for_images(g.n, [&](index_t n, bool par) {
    const T* xn = x + n * g.cin * s.in_plane;
    T* yn = y + n * g.cout * L;
    if (s.rows == 0) {
      for (index_t i = 0; i < g.cout * L; ++i) yn[i] = T(0);
    } else {
      const T* col = xn;
      if (!direct) {
        T* c = col_scratch<T>(g.groups * s.rows * L);
        im2col(g, xn, g.cin, c);
        col = c;
      }
      for (index_t gi = 0; gi < g.groups; ++gi) {
        GemmArgs<T> a;
        a.m = s.cout_g; a.n = L; a.k = s.rows;
        a.a = w + gi * s.cout_g * s.rows; a.a_rs = s.rows; a.a_cs = 1;
        a.b = col + gi * s.rows * L; a.b_rs = L; a.b_cs = 1;
        a.c = yn + gi * s.cout_g * L; a.ldc = L;
        run_gemm(a, par);
      }
    }
    if (bias != nullptr) {
      for (index_t c = 0; c < g.cout; ++c) {
        const T b = bias[c];
        T* yc = yn + c * L;
        for (index_t l = 0; l < L; ++l) yc[l] += b;
      }
    }
  });
}

template <typename T>
void conv_backward_input(const ConvGeometry& g, const T* gy, const T* w, T* gx) {
  const Sizes s = sizes_of(g);
  const index_t L = s.out_plane;
  if (is_depthwise(g)) {
    depthwise_backward_input(g, s, gy, w, gx);
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    // gX is the stride-1 convolution of gY with the kernel flipped and in/out channels swapped.
    const DirectConv d{s.cout_g, s.cin_g, g.oh, g.ow, g.ih, g.iw, g.kh, g.kw, g.kh - 1 - g.ph, g.kw - 1 - g.pw};
    const auto at = [&](index_t gi, index_t ci, index_t co, index_t a, index_t b) {
      return w[(((gi * s.cout_g + co) * s.cin_g + ci) * g.kh + (g.kh - 1 - a)) * g.kw + (g.kw - 1 - b)];
    };
    switch (choose_path<T>(g, d, true)) {
      case ConvPath::channel_vectors:
        run_channel_vectors(g, d, gy, g.cout * L, pack_channel_vectors(g.groups, s.cin_g, s.cout_g, g.kh, g.kw, at),
                            nullptr, gx, g.cin * s.in_plane);
        return;
      case ConvPath::direct:
        run_direct(g, d, gy, g.cout * L, pack_direct(g.groups, s.cin_g, s.cout_g, g.kh, g.kw, at), nullptr, gx,
                   g.cin * s.in_plane);
        return;
      case ConvPath::gemm:
        break;
    }
  }
  const bool direct = col_is_input(g);
  for_images(g.n, [&](index_t n, bool par) {
    T* gxn = gx + n * g.cin * s.in_plane;
    if (s.rows == 0 || s.cout_g == 0) {
      for (index_t i = 0; i < g.cin * s.in_plane; ++i) gxn[i] = T(0);
      return;
    }
    T* col = direct ? gxn : col_scratch<T>(g.groups * s.rows * L);
    for (index_t gi = 0; gi < g.groups; ++gi) {
      GemmArgs<T> a;
      a.m = s.rows; a.n = L; a.k = s.cout_g;
      a.a = w + gi * s.cout_g * s.rows; a.a_rs = 1; a.a_cs = s.rows;
      a.b = gy + (n * g.cout + gi * s.cout_g) * L; a.b_rs = L; a.b_cs = 1;
      a.c = col + gi * s.rows * L; a.ldc = L;
      run_gemm(a, par);
    }
    if (!direct) {
      for (index_t i = 0; i < g.cin * s.in_plane; ++i) gxn[i] = T(0);
      col2im(g, col, g.cin, gxn);
    }
  });
}

template <typename T>
void conv_backward_weight(const ConvGeometry& g, const T* x, const T* gy, T* gw) {
  const Sizes s = sizes_of(g);
  const index_t L = s.out_plane, wsize = g.cout * s.rows;
  if (is_depthwise(g)) {
    depthwise_backward_weight(g, s, x, gy, gw);
    return;
  }
  if (s.rows == 0 || L == 0 || g.n == 0 || s.cout_g == 0) {
    for (index_t i = 0; i < wsize; ++i) gw[i] = T(0);
    return;
  }
  if constexpr (std::is_same<T, float>::value) {
    // Few taps (K < 64: 1 or 3 input channels of a 3x3 kernel): positions in the lanes, no
    // transpose of gY, which would cost more than the products (2 of them per (channel, tap)
    // and position in the CNN's first layer). More taps: channel vectors where the output
    // channels fill them. Either way the sums run over positions: their count does not matter.
    // On AVX2 (no direct kernel) channel vectors for every geometry measured on Zen 3, 2
    // threads: 1.7-2.6x faster than the GEMM path with 6 to 12 output channels or K = 3 to 27,
    // 1.2-1.4x with 64 (32x64x32x32->64 27.7 -> 20.8 ms).
    if (direct_geometry<T>(g) && conv_direct_available() && s.rows < 64 && conv_direct_scratch(DirectConv{s.cin_g, s.cout_g, g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.ph, g.pw}) <= (index_t{1} << 17)) {
      direct_weight_grad(g, s, x, gy, gw);
      return;
    }
    if (direct_geometry<T>(g) && (!conv_direct_available() || 7 * cv_channels(s.cout_g) <= 8 * s.cout_g)) {
      channel_vector_weight_grad(g, s, x, gy, gw);
      return;
    }
  }
  // Per group, gW_g (cout_g x rows) = sum over images of gY_g (cout_g x L) * col_g^T, or its
  // transpose col_g * gY_g^T when that fills the micro-kernel's tile better (few rows: Cin = 1).
  int mr, nr;
  gemm_tile<T>(&mr, &nr);
  const bool transposed = tile_fill(s.rows, s.cout_g, mr, nr) > tile_fill(s.cout_g, s.rows, mr, nr);
  const bool direct = col_is_input(g);
  // Images are split into fixed chunks (not claimed dynamically) so that the summation order,
  // hence the result, does not depend on thread timing; each chunk sums into its own buffer.
  const index_t chunks = weight_grad_chunks(g.n, wsize);
  const bool own_buffer = transposed || chunks > 1;
  std::vector<T> acc(own_buffer ? static_cast<size_t>(chunks * wsize) : 0);
  auto chunk = [&](index_t c, bool par) {
    T* out = own_buffer ? acc.data() + c * wsize : gw;
    const index_t n0 = g.n * c / chunks, n1 = g.n * (c + 1) / chunks;
    for (index_t n = n0; n < n1; ++n) {
      const T* xn = x + n * g.cin * s.in_plane;
      const T* col = xn;
      if (!direct) {
        T* cbuf = col_scratch<T>(g.groups * s.rows * L);
        im2col(g, xn, g.cin, cbuf);
        col = cbuf;
      }
      for (index_t gi = 0; gi < g.groups; ++gi) {
        const T* col_g = col + gi * s.rows * L;
        const T* gy_g = gy + (n * g.cout + gi * s.cout_g) * L;
        GemmArgs<T> a;
        a.k = L;
        a.beta = n == n0 ? T(0) : T(1);
        if (transposed) {
          a.m = s.rows; a.n = s.cout_g;
          a.a = col_g; a.a_rs = L; a.a_cs = 1;
          a.b = gy_g; a.b_rs = 1; a.b_cs = L;
          a.c = out + gi * s.rows * s.cout_g; a.ldc = s.cout_g;
        } else {
          a.m = s.cout_g; a.n = s.rows;
          a.a = gy_g; a.a_rs = L; a.a_cs = 1;
          a.b = col_g; a.b_rs = 1; a.b_cs = L;
          a.c = out + gi * s.cout_g * s.rows; a.ldc = s.rows;
        }
        run_gemm(a, par);
      }
    }
  };
  if (chunks > 1) {
    parallel_tasks(chunks, [&](index_t c) { chunk(c, false); });
  } else {
    chunk(0, true);
  }
  if (own_buffer) sum_weight_grad_chunks(acc.data(), chunks, wsize, s.rows, s.cout_g, transposed, gw);
}

template <typename T>
void channel_sum(index_t n, index_t c, index_t l, const T* x, T* out) {
  if (l == 1 && n > 1) {
    // Rows of channels (a channels-last gradient): whole rows added into a double vector per
    // fixed chunk of rows (reading each row once), the chunks then added in order.
    const index_t chunks = max_i(1, min_i(n, min_i(4 * ThreadPool::instance().size(), n * c / 16384)));
    std::vector<double> acc(static_cast<size_t>(chunks * c), 0.0);
    parallel_tasks(chunks, [&](index_t k) {
      double* a = acc.data() + k * c;
      for (index_t i = n * k / chunks; i < n * (k + 1) / chunks; ++i) {
        const T* row = x + i * c;
        for (index_t ch = 0; ch < c; ++ch) a[ch] += static_cast<double>(row[ch]);
      }
    });
    for (index_t ch = 0; ch < c; ++ch) {
      double v = acc[ch];
      for (index_t k = 1; k < chunks; ++k) v += acc[k * c + ch];
      out[ch] = static_cast<T>(v);
    }
    return;
  }
  parallel_for(0, c, max_i(1, 32768 / max_i(1, n * l)), [&](index_t lo, index_t hi) {
    for (index_t ch = lo; ch < hi; ++ch) {
      double acc[4] = {0, 0, 0, 0};
      for (index_t i = 0; i < n; ++i) {
        const T* row = x + (i * c + ch) * l;
        index_t j = 0;
        for (; j + 4 <= l; j += 4)
          for (int k = 0; k < 4; ++k) acc[k] += static_cast<double>(row[j + k]);
        for (; j < l; ++j) acc[0] += static_cast<double>(row[j]);
      }
      out[ch] = static_cast<T>((acc[0] + acc[1]) + (acc[2] + acc[3]));
    }
  });
}

#define TTS_INSTANTIATE(T)                                                                    \
  template void conv_forward<T>(const ConvGeometry&, const T*, const T*, const T*, T*);       \
  template void conv_backward_input<T>(const ConvGeometry&, const T*, const T*, T*);          \
  template void conv_backward_weight<T>(const ConvGeometry&, const T*, const T*, T*);         \
  template void channel_sum<T>(index_t, index_t, index_t, const T*, T*);
TTS_INSTANTIATE(float)
TTS_INSTANTIATE(double)
#undef TTS_INSTANTIATE

}  // namespace tts
