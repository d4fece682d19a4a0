// kth_along (kth_select.h) over the thread pool, and its Node-API binding (registered from
// addon.cc).
#include "kth_select.h"

#include <algorithm>
#include <vector>

#include "napi_typed.h"
#include "threadpool.h"

namespace tts {
namespace {

template <typename T>
inline bool is_nan(T v) {
  return v != v;
}

}  // namespace

template <typename T>
void kth_along(KthMode mode, index_t k, index_t outer, index_t size, index_t inner, const T* x,
               T* values, int64_t* indices) {
  const index_t lines = outer * inner;
  parallel_for(0, lines, max_i(1, 16384 / max_i(size, 1)), [&](index_t lo, index_t hi) {
    std::vector<T> finite(static_cast<size_t>(size));
    for (index_t l = lo; l < hi; ++l) {
      const index_t o = l / inner, i = l % inner;
      const T* p = x + o * size * inner + i;
      index_t valid = 0;
      for (index_t j = 0; j < size; ++j) {
        const T v = p[j * inner];
        if (!is_nan(v)) finite[static_cast<size_t>(valid++)] = v;
      }
      const index_t nans = size - valid;
      index_t pos = k;
      if (mode == KthMode::median) pos = nans > 0 ? valid : (size - 1) / 2;
      if (mode == KthMode::nanmedian) pos = valid == 0 ? 0 : (valid - 1) / 2;
      // The stable order: the non-NaN values ascending (ties by index), then the NaNs by index.
      // Position pos is the (pos - below)-th occurrence, by index, of its value, where `below`
      // counts the values strictly smaller.
      index_t want = pos - valid, j = 0;
      if (pos < valid) {
        std::nth_element(finite.begin(), finite.begin() + pos, finite.begin() + valid);
        const T v = finite[static_cast<size_t>(pos)];
        index_t below = 0;
        for (index_t t = 0; t < size; ++t) below += p[t * inner] < v ? 1 : 0;
        want = pos - below;
        for (;; ++j) {
          if (p[j * inner] == v && want-- == 0) break;
        }
      } else {
        for (;; ++j) {
          if (is_nan(p[j * inner]) && want-- == 0) break;
        }
      }
      values[l] = p[j * inner];
      indices[l] = static_cast<int64_t>(j);
    }
  });
}

template void kth_along<float>(KthMode, index_t, index_t, index_t, index_t, const float*, float*, int64_t*);
template void kth_along<double>(KthMode, index_t, index_t, index_t, index_t, const double*, double*, int64_t*);
template void kth_along<int32_t>(KthMode, index_t, index_t, index_t, index_t, const int32_t*, int32_t*, int64_t*);

namespace {
// kthAlong(mode, x, values, indices, args): args = [outer, size, inner, k, xOff, outOff].
Napi::Value KthAlong(const Napi::CallbackInfo& info) {
  const auto mode = static_cast<KthMode>(info[0].As<Napi::Number>().Int32Value());
  const double* p = typed_data<double>(info[4]);
  const auto I = [](double v) { return static_cast<index_t>(v); };
  napi_typedarray_type type;
  napi_get_typedarray_info(info.Env(), info[1], &type, nullptr, nullptr, nullptr, nullptr);
  int64_t* idx = typed_data<int64_t>(info[3]) + I(p[5]);
  if (type == napi_float64_array) {
    kth_along<double>(mode, I(p[3]), I(p[0]), I(p[1]), I(p[2]), typed_data<double>(info[1]) + I(p[4]), typed_data<double>(info[2]) + I(p[5]), idx);
  } else if (type == napi_int32_array) {
    kth_along<int32_t>(mode, I(p[3]), I(p[0]), I(p[1]), I(p[2]), typed_data<int32_t>(info[1]) + I(p[4]), typed_data<int32_t>(info[2]) + I(p[5]), idx);
  } else {
    kth_along<float>(mode, I(p[3]), I(p[0]), I(p[1]), I(p[2]), typed_data<float>(info[1]) + I(p[4]), typed_data<float>(info[2]) + I(p[5]), idx);
  }
  return info.Env().Undefined();
}
}  // namespace

void register_kth_select_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("kthAlong", Napi::Function::New(env, KthAlong, "kthAlong"));
}

}  // namespace tts
