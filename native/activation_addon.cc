// Node-API binding of the activation kernels (activation.h). As in addon.cc, nothing is validated
// here: src/backends/native/activation.ts checks every argument first.
#include "activation_addon.h"

#include "activation.h"
#include "napi_typed.h"

namespace tts {
namespace {

template <typename T>
void run(ActivationOp op, bool backward, const Napi::CallbackInfo& info, const double* p) {
  const ActivationParams params{p[1], p[2], p[3]};
  const index_t n = static_cast<index_t>(p[0]);
  if (backward) activation_backward(op, params, n, typed_data<const T>(info[2]), typed_data<const T>(info[3]), typed_data<T>(info[4]));
  else activation_forward(op, params, n, typed_data<const T>(info[3]), typed_data<T>(info[4]));
}

// activation(op, backward, g, x, out, args): args = [n, a, b, c]; g is ignored (null) forward.
// Every array starts at its index 0.
Napi::Value Activation(const Napi::CallbackInfo& info) {
  const auto op = static_cast<ActivationOp>(info[0].As<Napi::Number>().Int32Value());
  const bool backward = info[1].As<Napi::Boolean>().Value();
  const double* p = typed_data<const double>(info[5]);
  if (is_float64(info[4])) run<double>(op, backward, info, p);
  else run<float>(op, backward, info, p);
  return info.Env().Undefined();
}

template <typename T>
void run_prelu(bool backward, const Napi::CallbackInfo& info, const double* p) {
  const index_t outer = static_cast<index_t>(p[0]), channels = static_cast<index_t>(p[1]),
                inner = static_cast<index_t>(p[2]);
  if (backward)
    prelu_input_grad(outer, channels, inner, typed_data<const T>(info[1]), typed_data<const T>(info[2]),
                     typed_data<const T>(info[3]), typed_data<T>(info[4]));
  else
    prelu_forward(outer, channels, inner, typed_data<const T>(info[2]), typed_data<const T>(info[3]), typed_data<T>(info[4]));
}

// prelu(backward, g, x, w, out, args): args = [outer, channels, inner]; g is ignored (null)
// forward. Every array starts at its index 0.
Napi::Value Prelu(const Napi::CallbackInfo& info) {
  const bool backward = info[0].As<Napi::Boolean>().Value();
  const double* p = typed_data<const double>(info[5]);
  if (is_float64(info[4])) run_prelu<double>(backward, info, p);
  else run_prelu<float>(backward, info, p);
  return info.Env().Undefined();
}

}  // namespace

void register_activation_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("activation", Napi::Function::New(env, Activation, "activation"));
  exports.Set("prelu", Napi::Function::New(env, Prelu, "prelu"));
}
}  // namespace tts
