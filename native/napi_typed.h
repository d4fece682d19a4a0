// Reading typed arrays in the Node-API binding files. Nothing is validated here: the TS wrappers
// (src/backends/native/*.ts) check every argument before the call.
#pragma once

#include <napi.h>

namespace tts {

// The data of typed array v (already advanced by its byteOffset), as T*.
template <typename T>
inline T* typed_data(const Napi::Value& v) {
  void* data = nullptr;
  napi_get_typedarray_info(v.Env(), v, nullptr, nullptr, &data, nullptr, nullptr);
  return static_cast<T*>(data);
}

// typed_data moved on by `offset` elements of `width` bytes.
inline char* typed_bytes_at(const Napi::Value& v, double offset, size_t width) {
  return typed_data<char>(v) + static_cast<size_t>(offset) * width;
}

// Whether typed array v holds float64 (the float kernels' other case being float32).
inline bool is_float64(const Napi::Value& v) {
  napi_typedarray_type type = napi_float32_array;
  napi_get_typedarray_info(v.Env(), v, &type, nullptr, nullptr, nullptr, nullptr);
  return type == napi_float64_array;
}

}  // namespace tts
