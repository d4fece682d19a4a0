// Drivers of the pointwise losses over the thread pool, and their Node-API bindings (registered
// from addon.cc). As in addon.cc, nothing is validated here: src/backends/native/pointwise-loss.ts
// checks every argument first.
#include "pointwise_loss.h"

#include <vector>

#include "napi_typed.h"
#include "pointwise_loss_addon.h"
#include "threadpool.h"

namespace tts {
namespace {
// Elements per partial sum: fixed, so the sum's rounding does not depend on the thread count.
constexpr index_t kLossChunk = 16384;

template <typename T>
const LossKernels<T>& loss_kernels() {
  return for_active_isa<LossKernels<T>, &loss_kernels_avx512<T>, &loss_kernels_avx2<T>, &loss_kernels_generic<T>>();
}

template <typename T>
LossOperands<T> advanced(const LossOperands<T>& o, index_t lo) {
  return {o.x + lo, o.y + lo, o.w != nullptr ? o.w + lo : nullptr, o.pw != nullptr ? o.pw + lo : nullptr, o.param, o.unary};
}

// The active ISA's elementwise unary loop (serial: the loss drivers split the work themselves).
template <typename T>
auto unary_loop() {
  return for_active_isa<ElementwiseKernels<T>, &elementwise_kernels_avx512<T>, &elementwise_kernels_avx2<T>, &elementwise_kernels_generic<T>>().unary;
}
}  // namespace

template <typename T>
double pointwise_loss_forward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* out, int* bad) {
  const auto& k = loss_kernels<T>();
  const index_t chunks = (n + kLossChunk - 1) / kLossChunk;
  std::vector<double> partial(static_cast<size_t>(chunks));
  std::vector<int> flags(static_cast<size_t>(chunks));
  parallel_for(0, chunks, 1, [&](index_t c0, index_t c1) {
    for (index_t c = c0; c < c1; ++c) {
      const index_t lo = c * kLossChunk, len = min_i(kLossChunk, n - lo);
      int b = 0;
      partial[c] = k.forward(kind, len, advanced(o, lo), out != nullptr ? out + lo : nullptr, &b);
      flags[c] = b;
    }
  });
  double sum = 0;
  for (index_t c = 0; c < chunks; ++c) {
    sum += partial[c];
    if (flags[c]) *bad = 1;
  }
  return sum;
}

template <typename T>
void pointwise_loss_backward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, const T* g,
                             double g0, double scale, T* gx) {
  const auto& k = loss_kernels<T>();
  parallel_for(0, n, kLossChunk, [&](index_t lo, index_t hi) {
    k.backward(kind, hi - lo, advanced(o, lo), g != nullptr ? g + lo : nullptr, g0, scale, gx + lo);
  });
}

template double pointwise_loss_forward<float>(PointwiseLoss, index_t, const LossOperands<float>&, float*, int*);
template double pointwise_loss_forward<double>(PointwiseLoss, index_t, const LossOperands<double>&, double*, int*);
template void pointwise_loss_backward<float>(PointwiseLoss, index_t, const LossOperands<float>&, const float*, double, double, float*);
template void pointwise_loss_backward<double>(PointwiseLoss, index_t, const LossOperands<double>&, const double*, double, double, double*);

namespace {
// The data of a typed array (past its byteOffset), or null for a JS null.
template <typename T>
T* data_or_null(const Napi::Value& v) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  return typed_data<T>(v);
}

// pointwiseLossForward(kind, x, y, w, pw, out, args): args = [n, param]; returns the sum, or
// NaN with args[0] = -1 when bce found a value outside [0, 1].
template <typename T>
Napi::Value forward_as(const Napi::CallbackInfo& info) {
  double* p = data_or_null<double>(info[6]);
  const auto kind = static_cast<PointwiseLoss>(info[0].As<Napi::Number>().Int32Value());
  const LossOperands<T> o{data_or_null<T>(info[1]), data_or_null<T>(info[2]), data_or_null<T>(info[3]),
                          data_or_null<T>(info[4]), p[1], unary_loop<T>()};
  int bad = 0;
  const double sum = pointwise_loss_forward<T>(kind, static_cast<index_t>(p[0]), o, data_or_null<T>(info[5]), &bad);
  if (bad) p[0] = -1;
  return Napi::Number::New(info.Env(), sum);
}

Napi::Value Forward(const Napi::CallbackInfo& info) {
  return is_float64(info[1]) ? forward_as<double>(info) : forward_as<float>(info);
}

// pointwiseLossBackward(kind, x, y, w, pw, g, gx, args): args = [n, param, g0, scale].
template <typename T>
void backward_as(const Napi::CallbackInfo& info) {
  const double* p = data_or_null<double>(info[7]);
  const auto kind = static_cast<PointwiseLoss>(info[0].As<Napi::Number>().Int32Value());
  const LossOperands<T> o{data_or_null<T>(info[1]), data_or_null<T>(info[2]), data_or_null<T>(info[3]),
                          data_or_null<T>(info[4]), p[1], unary_loop<T>()};
  pointwise_loss_backward<T>(kind, static_cast<index_t>(p[0]), o, data_or_null<T>(info[5]), p[2], p[3],
                             data_or_null<T>(info[6]));
}

Napi::Value Backward(const Napi::CallbackInfo& info) {
  if (is_float64(info[1])) backward_as<double>(info);
  else backward_as<float>(info);
  return info.Env().Undefined();
}
}  // namespace

void register_pointwise_loss_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("pointwiseLossForward", Napi::Function::New(env, Forward, "pointwiseLossForward"));
  exports.Set("pointwiseLossBackward", Napi::Function::New(env, Backward, "pointwiseLossBackward"));
}

}  // namespace tts
