// Cumulative sums and products: each line is one chain of dependent double additions (or
// multiplications), so speed comes from running independent lines side by side (eight rows at
// once, or a block of inner columns).

#include "scan.h"

#include "threadpool.h"

namespace tts {
namespace {

constexpr index_t kGrain = 32768;  // elements per task, at least
constexpr index_t kCols = 512;     // double accumulators per block of inner columns, kept in L1
constexpr int kRowsAtOnce = 8;     // independent chains that hide the addition's latency

// acc (+ or *)= v.
template <bool kProd>
inline void step(double& acc, double v) {
  if (kProd) acc *= v;
  else acc += v;
}

// Rows [lo, hi) of length n, each scanned on its own.
template <typename T, bool kProd>
void scan_rows(index_t lo, index_t hi, index_t n, const T* __restrict x, T* __restrict y) {
  index_t r = lo;
  for (; r + kRowsAtOnce <= hi; r += kRowsAtOnce) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    double acc[kRowsAtOnce];
    for (int j = 0; j < kRowsAtOnce; ++j) acc[j] = kProd ? 1 : 0;
    for (index_t k = 0; k < n; ++k) {
      for (int j = 0; j < kRowsAtOnce; ++j) {
        step<kProd>(acc[j], static_cast<double>(xr[j * n + k]));
        yr[j * n + k] = static_cast<T>(acc[j]);
      }
    }
  }
  for (; r < hi; ++r) {
    double acc = kProd ? 1 : 0;
    for (index_t k = 0; k < n; ++k) {
      step<kProd>(acc, static_cast<double>(x[r * n + k]));
      y[r * n + k] = static_cast<T>(acc);
    }
  }
}

// Columns [c0, c1) of one outer slice ([size, inner] at x, y): a row of accumulators walks down.
template <typename T, bool kProd>
void scan_cols(index_t size, index_t inner, index_t c0, index_t c1, const T* __restrict x,
                 T* __restrict y) {
  double acc[kCols];
  for (index_t c = c0; c < c1; c += kCols) {
    const index_t w = c1 - c < kCols ? c1 - c : kCols;
    for (index_t j = 0; j < w; ++j) acc[j] = kProd ? 1 : 0;
    for (index_t k = 0; k < size; ++k) {
      const T* xr = x + k * inner + c;
      T* yr = y + k * inner + c;
      for (index_t j = 0; j < w; ++j) {
        step<kProd>(acc[j], static_cast<double>(xr[j]));
        yr[j] = static_cast<T>(acc[j]);
      }
    }
  }
}

template <typename T, bool kProd>
void scan(index_t outer, index_t size, index_t inner, const T* x, T* y) {
  if (outer <= 0 || size <= 0 || inner <= 0) return;
  if (inner == 1) {
    parallel_for(0, outer, max_i(kRowsAtOnce, kGrain / size),
                 [&](index_t lo, index_t hi) { scan_rows<T, kProd>(lo, hi, size, x, y); });
    return;
  }
  // Tasks are (outer slice, column block) pairs, so a single slice still spreads over threads.
  const index_t blocks = (inner + kCols - 1) / kCols;
  parallel_for(0, outer * blocks, max_i(1, kGrain / (size * kCols)), [&](index_t lo, index_t hi) {
    for (index_t t = lo; t < hi; ++t) {
      const index_t o = t / blocks, c0 = (t % blocks) * kCols;
      const index_t c1 = c0 + kCols < inner ? c0 + kCols : inner;
      scan_cols<T, kProd>(size, inner, c0, c1, x + o * size * inner, y + o * size * inner);
    }
  });
}

}  // namespace

template <typename T>
void cumsum(index_t outer, index_t size, index_t inner, const T* x, T* y) {
  scan<T, false>(outer, size, inner, x, y);
}

template <typename T>
void cumprod(index_t outer, index_t size, index_t inner, const T* x, T* y) {
  scan<T, true>(outer, size, inner, x, y);
}

template void cumsum<float>(index_t, index_t, index_t, const float*, float*);
template void cumsum<double>(index_t, index_t, index_t, const double*, double*);
template void cumprod<float>(index_t, index_t, index_t, const float*, float*);
template void cumprod<double>(index_t, index_t, index_t, const double*, double*);

namespace {
// cumprod(x, out, args): args = [outer, size, inner, xOff, outOff] (offsets in elements).
Napi::Value Cumprod(const Napi::CallbackInfo& info) {
  napi_typedarray_type type;
  void* xd = nullptr;
  void* od = nullptr;
  napi_get_typedarray_info(info.Env(), info[0], &type, nullptr, &xd, nullptr, nullptr);
  napi_get_typedarray_info(info.Env(), info[1], nullptr, nullptr, &od, nullptr, nullptr);
  void* pd = nullptr;
  napi_get_typedarray_info(info.Env(), info[2], nullptr, nullptr, &pd, nullptr, nullptr);
  const double* p = static_cast<const double*>(pd);
  const auto I = [](double v) { return static_cast<index_t>(v); };
  if (type == napi_float64_array)
    cumprod(I(p[0]), I(p[1]), I(p[2]), static_cast<const double*>(xd) + I(p[3]), static_cast<double*>(od) + I(p[4]));
  else
    cumprod(I(p[0]), I(p[1]), I(p[2]), static_cast<const float*>(xd) + I(p[3]), static_cast<float*>(od) + I(p[4]));
  return info.Env().Undefined();
}
}  // namespace

void register_scan_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("cumprod", Napi::Function::New(env, Cumprod, "cumprod"));
}

}  // namespace tts
