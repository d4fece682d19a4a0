// isclose of two float arrays of the same length into bool bytes, as PyTorch's formula in the
// element type: a == b, or both NaN when equal_nan, or |a - b| finite and <= atol + |rtol * b|.
// Chunks over the pool; the loops are branch-free, so the compiler vectorises them. Its binding
// is registered from addon.cc; src/backends/native/isclose.ts checks every argument first.
#include <cmath>
#include <cstdint>
#include <limits>

#include "isclose.h"
#include "threadpool.h"

// Comparisons that may not trap vectorise as blends (no FP exceptions are read).
#pragma GCC optimize("no-trapping-math")

namespace tts {
namespace {

// __builtin_fabs inlines as a bit mask; std::fabs would be an out-of-line call here, as its
// optimisation attributes differ from this file's pragma.
inline float abs_of(float v) { return __builtin_fabsf(v); }
inline double abs_of(double v) { return __builtin_fabs(v); }

template <typename T>
void isclose_range(index_t lo, index_t hi, const T* a, const T* b, T rtol, T atol, bool equal_nan,
                   bool zero_tol, uint8_t* out) {
  for (index_t i = lo; i < hi; ++i) {
    const T x = a[i], y = b[i];
    bool close = x == y;
    if (equal_nan) close = close || (x != x && y != y);
    if (!zero_tol) {
      const T actual = abs_of(x - y), allowed = atol + abs_of(rtol * y);
      // actual < inf: finite (NaN fails every comparison).
      close = close || (actual < std::numeric_limits<T>::infinity() && actual <= allowed);
    }
    out[i] = close ? 1 : 0;
  }
}

template <typename T>
void isclose(index_t n, const T* a, const T* b, double rtol, double atol, bool equal_nan, uint8_t* out) {
  const T rt = static_cast<T>(rtol), at = static_cast<T>(atol);
  const bool zero_tol = rtol == 0 && atol == 0;
  parallel_for(0, n, 32768, [&](index_t lo, index_t hi) { isclose_range(lo, hi, a, b, rt, at, equal_nan, zero_tol, out); });
}

void* data_of(const Napi::Value& v, napi_typedarray_type* type = nullptr) {
  void* data = nullptr;
  napi_get_typedarray_info(v.Env(), v, type, nullptr, &data, nullptr, nullptr);
  return data;
}

// isclose(a, b, out, args): args = [n, aOff, bOff, outOff, rtol, atol, equalNan].
Napi::Value IsClose(const Napi::CallbackInfo& info) {
  napi_typedarray_type type;
  void* a = data_of(info[0], &type);
  const double* p = static_cast<const double*>(data_of(info[3]));
  const auto I = [](double v) { return static_cast<index_t>(v); };
  uint8_t* out = static_cast<uint8_t*>(data_of(info[2])) + I(p[3]);
  if (type == napi_float64_array) {
    isclose(I(p[0]), static_cast<const double*>(a) + I(p[1]), static_cast<const double*>(data_of(info[1])) + I(p[2]), p[4], p[5], p[6] != 0, out);
  } else {
    isclose(I(p[0]), static_cast<const float*>(a) + I(p[1]), static_cast<const float*>(data_of(info[1])) + I(p[2]), p[4], p[5], p[6] != 0, out);
  }
  return info.Env().Undefined();
}

}  // namespace

void register_isclose_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("isclose", Napi::Function::New(env, IsClose, "isclose"));
}

}  // namespace tts
