// Cumulative sums: each line is one chain of dependent double additions, so speed comes from
// running independent lines side by side (eight rows at once, or a block of inner columns).

#include "scan.h"

#include "threadpool.h"

namespace tts {
namespace {

constexpr index_t kGrain = 32768;  // elements per task, at least
constexpr index_t kCols = 512;     // double accumulators per block of inner columns, kept in L1
constexpr int kRowsAtOnce = 8;     // independent chains that hide the addition's latency

// Rows [lo, hi) of length n, each summed on its own.
template <typename T>
void cumsum_rows(index_t lo, index_t hi, index_t n, const T* __restrict x, T* __restrict y) {
  index_t r = lo;
  for (; r + kRowsAtOnce <= hi; r += kRowsAtOnce) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    double acc[kRowsAtOnce] = {};
    for (index_t k = 0; k < n; ++k) {
      for (int j = 0; j < kRowsAtOnce; ++j) {
        acc[j] += static_cast<double>(xr[j * n + k]);
        yr[j * n + k] = static_cast<T>(acc[j]);
      }
    }
  }
  for (; r < hi; ++r) {
    double acc = 0;
    for (index_t k = 0; k < n; ++k) {
      acc += static_cast<double>(x[r * n + k]);
      y[r * n + k] = static_cast<T>(acc);
    }
  }
}

// Columns [c0, c1) of one outer slice ([size, inner] at x, y): a row of accumulators walks down.
template <typename T>
void cumsum_cols(index_t size, index_t inner, index_t c0, index_t c1, const T* __restrict x,
                 T* __restrict y) {
  double acc[kCols];
  for (index_t c = c0; c < c1; c += kCols) {
    const index_t w = c1 - c < kCols ? c1 - c : kCols;
    for (index_t j = 0; j < w; ++j) acc[j] = 0;
    for (index_t k = 0; k < size; ++k) {
      const T* xr = x + k * inner + c;
      T* yr = y + k * inner + c;
      for (index_t j = 0; j < w; ++j) {
        acc[j] += static_cast<double>(xr[j]);
        yr[j] = static_cast<T>(acc[j]);
      }
    }
  }
}

}  // namespace

template <typename T>
void cumsum(index_t outer, index_t size, index_t inner, const T* x, T* y) {
  if (outer <= 0 || size <= 0 || inner <= 0) return;
  if (inner == 1) {
    parallel_for(0, outer, max_i(kRowsAtOnce, kGrain / size),
                 [&](index_t lo, index_t hi) { cumsum_rows(lo, hi, size, x, y); });
    return;
  }
  // Tasks are (outer slice, column block) pairs, so a single slice still spreads over threads.
  const index_t blocks = (inner + kCols - 1) / kCols;
  parallel_for(0, outer * blocks, max_i(1, kGrain / (size * kCols)), [&](index_t lo, index_t hi) {
    for (index_t t = lo; t < hi; ++t) {
      const index_t o = t / blocks, c0 = (t % blocks) * kCols;
      const index_t c1 = c0 + kCols < inner ? c0 + kCols : inner;
      cumsum_cols(size, inner, c0, c1, x + o * size * inner, y + o * size * inner);
    }
  });
}

template void cumsum<float>(index_t, index_t, index_t, const float*, float*);
template void cumsum<double>(index_t, index_t, index_t, const double*, double*);

}  // namespace tts
