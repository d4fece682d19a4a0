// Node-API bindings of unary_math.h: unaryMath and classify. As in addon.cc, nothing is
// validated here: src/backends/native/unary-math.ts checks every argument first. Offsets count
// elements of each array's own type; scalars come packed in one Float64Array.
#include "unary_math_addon.h"

#include "unary_math.h"

namespace tts {
namespace {

struct Array {
  void* data = nullptr;
  napi_typedarray_type type = napi_float32_array;
};

Array array_of(const Napi::Value& v) {
  Array a;
  napi_get_typedarray_info(v.Env(), v, &a.type, nullptr, &a.data, nullptr, nullptr);
  return a;
}

template <typename T>
T* at(const Array& a, double offset) {
  return static_cast<T*>(a.data) + static_cast<size_t>(offset);
}

index_t I(double v) { return static_cast<index_t>(v); }

// unaryMath(op, x, y, args): args = [n, xOff, yOff, params...]
Napi::Value UnaryMath(const Napi::CallbackInfo& info) {
  const auto op = static_cast<MathOp>(info[0].As<Napi::Number>().Int32Value());
  const Array x = array_of(info[1]), y = array_of(info[2]);
  const double* p = static_cast<const double*>(array_of(info[3]).data);
  if (y.type == napi_float64_array) unary_math(op, I(p[0]), at<double>(x, p[1]), at<double>(y, p[2]), p + 3);
  else unary_math(op, I(p[0]), at<float>(x, p[1]), at<float>(y, p[2]), p + 3);
  return info.Env().Undefined();
}

// classify(op, x, out, args): args = [n, xOff, outOff]; out is a Uint8Array.
Napi::Value Classify(const Napi::CallbackInfo& info) {
  const auto op = static_cast<ClassOp>(info[0].As<Napi::Number>().Int32Value());
  const Array x = array_of(info[1]), out = array_of(info[2]);
  const double* p = static_cast<const double*>(array_of(info[3]).data);
  if (x.type == napi_float64_array) classify(op, I(p[0]), at<double>(x, p[1]), at<uint8_t>(out, p[2]));
  else classify(op, I(p[0]), at<float>(x, p[1]), at<uint8_t>(out, p[2]));
  return info.Env().Undefined();
}

}  // namespace

void register_unary_math_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("unaryMath", Napi::Function::New(env, UnaryMath, "unaryMath"));
  exports.Set("classify", Napi::Function::New(env, Classify, "classify"));
}

}  // namespace tts
