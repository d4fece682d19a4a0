// Node-API bindings of reduce_index.h and sort.h. As in addon.cc, nothing is validated here: the
// TypeScript wrappers (src/backends/native/index.ts) check dtypes, sizes, offsets and overlaps.
// Offsets count elements of each typed array; scalars come in one Float64Array (`args`).
#include "addon_index.h"

#include "reduce_index.h"
#include "sort.h"

namespace tts {
namespace {

struct Array {
  void* data = nullptr;
  napi_typedarray_type type = napi_float32_array;
};

Array array(const Napi::CallbackInfo& info, size_t i) {
  Array a;
  if (info[i].IsTypedArray()) napi_get_typedarray_info(info.Env(), info[i], &a.type, nullptr, &a.data, nullptr, nullptr);
  return a;
}

inline index_t I(double v) { return static_cast<index_t>(v); }

template <typename T>
T* at(const Array& a, double offset) {
  return a.data ? static_cast<T*>(a.data) + I(offset) : nullptr;
}

// selectAlong(isMax, x, values | null, indices, args = [outer, size, inner, xOff, valuesOff, indicesOff])
template <typename T>
void run_select(bool is_max, const Array& x, const Array& v, const Array& idx, const double* p) {
  select_along(is_max, I(p[0]), I(p[1]), I(p[2]), at<const T>(x, p[3]), at<T>(v, p[4]), at<int64_t>(idx, p[5]));
}

Napi::Value SelectAlong(const Napi::CallbackInfo& info) {
  const bool is_max = info[0].As<Napi::Boolean>().Value();
  const Array x = array(info, 1), v = array(info, 2), idx = array(info, 3);
  const double* p = static_cast<const double*>(array(info, 4).data);
  if (x.type == napi_float64_array) run_select<double>(is_max, x, v, idx, p);
  else if (x.type == napi_int32_array) run_select<int32_t>(is_max, x, v, idx, p);
  else run_select<float>(is_max, x, v, idx, p);
  return info.Env().Undefined();
}

// logsumexpAlong(x, out, args = [outer, size, inner, xOff, outOff])
Napi::Value LogsumexpAlong(const Napi::CallbackInfo& info) {
  const Array x = array(info, 0), out = array(info, 1);
  const double* p = static_cast<const double*>(array(info, 2).data);
  if (x.type == napi_float64_array) logsumexp_along(I(p[0]), I(p[1]), I(p[2]), at<const double>(x, p[3]), at<double>(out, p[4]));
  else logsumexp_along(I(p[0]), I(p[1]), I(p[2]), at<const float>(x, p[3]), at<float>(out, p[4]));
  return info.Env().Undefined();
}

// sortAlong(descending, x, values | null, indices, args = [outer, n, inner, k, xOff, valuesOff, indicesOff])
template <typename T>
void run_sort(bool desc, const Array& x, const Array& v, const Array& idx, const double* p) {
  sort_along(I(p[0]), I(p[1]), I(p[2]), at<const T>(x, p[4]), I(p[3]), desc, at<T>(v, p[5]), at<int64_t>(idx, p[6]));
}

Napi::Value SortAlong(const Napi::CallbackInfo& info) {
  const bool desc = info[0].As<Napi::Boolean>().Value();
  const Array x = array(info, 1), v = array(info, 2), idx = array(info, 3);
  const double* p = static_cast<const double*>(array(info, 4).data);
  if (x.type == napi_float64_array) run_sort<double>(desc, x, v, idx, p);
  else if (x.type == napi_int32_array) run_sort<int32_t>(desc, x, v, idx, p);
  else if (x.type == napi_bigint64_array) run_sort<int64_t>(desc, x, v, idx, p);
  else run_sort<float>(desc, x, v, idx, p);
  return info.Env().Undefined();
}

}  // namespace

void register_index_ops(Napi::Env env, Napi::Object exports) {
  exports.Set("selectAlong", Napi::Function::New(env, SelectAlong, "selectAlong"));
  exports.Set("logsumexpAlong", Napi::Function::New(env, LogsumexpAlong, "logsumexpAlong"));
  exports.Set("sortAlong", Napi::Function::New(env, SortAlong, "sortAlong"));
}

}  // namespace tts
