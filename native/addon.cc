// Node-API bindings of the torch-ts native kernels.
//
// Every kernel computes in place on the memory of the JS typed arrays it is given (no copies).
// Nothing is validated here beyond what memory safety of this file itself needs: the TypeScript
// wrapper (src/backends/native/index.ts) checks dtypes, shapes, strides, offsets and bounds
// before every call. Scalar arguments come packed in one Float64Array (`args`), which is much
// cheaper to read than many separate JS numbers.
#include <napi.h>
#include <v8.h>

#include <algorithm>
#include <cstring>
#include <memory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "activation_addon.h"
#include "addon_index.h"
#include "conv.h"
#include "copy_strided.h"
#include "death_notice.h"
#include "elementwise.h"
#include "gemm.h"
#include "masks_addon.h"
#include "pointwise_loss_addon.h"
#include "kth_select.h"
#include "compact.h"
#include "isclose.h"
#include "typed_binary_addon.h"
#include "nn_kernels.h"
#include "nnk.h"
#include "pool.h"
#include "random.h"
#include "fft.h"
#include "scan.h"
#include "tensor_memory.h"
#include "threadpool.h"
#include "unary_math_addon.h"

namespace {

using tts::index_t;

// The data pointer of a typed array (already advanced by its byteOffset) and its element type.
struct View {
  void* data = nullptr;
  napi_typedarray_type type = napi_float32_array;
  size_t length = 0;
};

View view(napi_env env, napi_value v) {
  View out;
  napi_get_typedarray_info(env, v, &out.type, &out.length, &out.data, nullptr, nullptr);
  return out;
}

const double* args_of(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<const double*>(view(info.Env(), info[i]).data);
}

inline index_t I(double v) { return static_cast<index_t>(v); }

template <typename T>
T* at(const View& v, double offset) {
  return static_cast<T*>(v.data) + I(offset);
}

// gemm(a, b, c, args): args = [m, n, k, alpha, beta, aOff, aRs, aCs, bOff, bRs, bCs, cOff, ldc,
//                              batch, aBs, bBs, cBs]
template <typename T>
void run_gemm(const View& a, const View& b, const View& c, const double* p) {
  tts::GemmArgs<T> g;
  g.m = I(p[0]);
  g.n = I(p[1]);
  g.k = I(p[2]);
  g.alpha = static_cast<T>(p[3]);
  g.beta = static_cast<T>(p[4]);
  g.a = at<T>(a, p[5]);
  g.a_rs = I(p[6]);
  g.a_cs = I(p[7]);
  g.b = at<T>(b, p[8]);
  g.b_rs = I(p[9]);
  g.b_cs = I(p[10]);
  g.c = at<T>(c, p[11]);
  g.ldc = I(p[12]);
  g.batch = I(p[13]);
  g.a_bs = I(p[14]);
  g.b_bs = I(p[15]);
  g.c_bs = I(p[16]);
  tts::gemm(g);
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  View a = view(env, info[0]), b = view(env, info[1]), c = view(env, info[2]);
  const double* p = args_of(info, 3);
  if (c.type == napi_float64_array) run_gemm<double>(a, b, c, p);
  else run_gemm<float>(a, b, c, p);
  return info.Env().Undefined();
}

// unary(op, x, y, args): args = [n, xOff, yOff]
Napi::Value Unary(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  auto op = static_cast<tts::UnaryOp>(info[0].As<Napi::Number>().Int32Value());
  View x = view(env, info[1]), y = view(env, info[2]);
  const double* p = args_of(info, 3);
  if (y.type == napi_float64_array) tts::unary(op, I(p[0]), at<double>(x, p[1]), at<double>(y, p[2]));
  else tts::unary(op, I(p[0]), at<float>(x, p[1]), at<float>(y, p[2]));
  return info.Env().Undefined();
}

// binary(op, a, b, out, args): args = [ndim, aOff, bOff, outOff, shape[ndim], aStrides[ndim],
//                                      bStrides[ndim], alpha (add_scaled's; T's value), freshOut]
template <typename T>
void run_binary(tts::BinaryOp op, const View& a, const View& b, const View& out, const double* p) {
  int nd = static_cast<int>(p[0]);
  if (nd > tts::kMaxDims) nd = tts::kMaxDims;  // the wrapper never sends more
  index_t shape[tts::kMaxDims], sa[tts::kMaxDims], sb[tts::kMaxDims];
  for (int d = 0; d < nd; ++d) {
    shape[d] = I(p[4 + d]);
    sa[d] = I(p[4 + nd + d]);
    sb[d] = I(p[4 + 2 * nd + d]);
  }
  const T alpha = static_cast<T>(p[4 + 3 * nd]);
  tts::binary(op, nd, shape, at<T>(a, p[1]), sa, at<T>(b, p[2]), sb, at<T>(out, p[3]), alpha, p[5 + 3 * nd] != 0);
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  auto op = static_cast<tts::BinaryOp>(info[0].As<Napi::Number>().Int32Value());
  View a = view(env, info[1]), b = view(env, info[2]), out = view(env, info[3]);
  const double* p = args_of(info, 4);
  if (out.type == napi_float64_array) run_binary<double>(op, a, b, out, p);
  else run_binary<float>(op, a, b, out, p);
  return info.Env().Undefined();
}

// copyStrided(src, out, args): args = [ndim, srcOff, outOff, shape[ndim], srcStrides[ndim]]; the
// element size comes from the arrays' type (the wrapper checks both have the same).
size_t element_bytes(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  View src = view(env, info[0]), out = view(env, info[1]);
  const double* p = args_of(info, 2);
  int nd = static_cast<int>(p[0]);
  if (nd > tts::kMaxDims) nd = tts::kMaxDims;  // the wrapper never sends more
  index_t shape[tts::kMaxDims], strides[tts::kMaxDims];
  for (int d = 0; d < nd; ++d) {
    shape[d] = I(p[3 + d]);
    strides[d] = I(p[3 + nd + d]);
  }
  const size_t elem = element_bytes(out.type);
  tts::copy_strided(static_cast<int>(elem), nd, shape, static_cast<const char*>(src.data) + I(p[1]) * static_cast<index_t>(elem),
                    strides, static_cast<char*>(out.data) + I(p[2]) * static_cast<index_t>(elem));
  return info.Env().Undefined();
}

// sumSquares(x, args) -> number: args = [n, xOff]
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  View x = view(env, info[0]);
  const double* p = args_of(info, 1);
  const double v = x.type == napi_float64_array ? tts::sum_squares(I(p[0]), at<double>(x, p[1]))
                                                : tts::sum_squares(I(p[0]), at<float>(x, p[1]));
  return Napi::Number::New(env, v);
}

// cumsum(x, out, args): args = [outer, size, inner, xOff, outOff]
Napi::Value Cumsum(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  View x = view(env, info[0]), out = view(env, info[1]);
  const double* p = args_of(info, 2);
  if (out.type == napi_float64_array)
    tts::cumsum(I(p[0]), I(p[1]), I(p[2]), at<double>(x, p[3]), at<double>(out, p[4]));
  else
    tts::cumsum(I(p[0]), I(p[1]), I(p[2]), at<float>(x, p[3]), at<float>(out, p[4]));
  return info.Env().Undefined();
}

// reduce(op, x, out, args): args = [outer, size, inner, xOff, outOff]
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  auto op = static_cast<tts::ReduceOp>(info[0].As<Napi::Number>().Int32Value());
  View x = view(env, info[1]), out = view(env, info[2]);
  const double* p = args_of(info, 3);
  if (out.type == napi_float64_array)
    tts::reduce(op, I(p[0]), I(p[1]), I(p[2]), at<double>(x, p[3]), at<double>(out, p[4]));
  else
    tts::reduce(op, I(p[0]), I(p[1]), I(p[2]), at<float>(x, p[3]), at<float>(out, p[4]));
  return info.Env().Undefined();
}

// softmax(log, x, y, args): args = [rows, cols, xOff, yOff]
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  bool log = info[0].As<Napi::Boolean>().Value();
  View x = view(env, info[1]), y = view(env, info[2]);
  const double* p = args_of(info, 3);
  if (y.type == napi_float64_array)
    tts::softmax(log, I(p[0]), I(p[1]), at<double>(x, p[2]), at<double>(y, p[3]));
  else
    tts::softmax(log, I(p[0]), I(p[1]), at<float>(x, p[2]), at<float>(y, p[3]));
  return info.Env().Undefined();
}

// softmaxAlong(log, x, y, args): args = [outer, size, inner, xOff, yOff]
Napi::Value SoftmaxAlong(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  bool log = info[0].As<Napi::Boolean>().Value();
  View x = view(env, info[1]), y = view(env, info[2]);
  const double* p = args_of(info, 3);
  if (y.type == napi_float64_array)
    tts::softmax_along(log, I(p[0]), I(p[1]), I(p[2]), at<double>(x, p[3]), at<double>(y, p[4]));
  else
    tts::softmax_along(log, I(p[0]), I(p[1]), I(p[2]), at<float>(x, p[3]), at<float>(y, p[4]));
  return info.Env().Undefined();
}

// softmaxBackwardAlong(log, g, y, dx, args): args = [outer, size, inner, gOff, yOff, dxOff]
Napi::Value SoftmaxBackwardAlong(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  bool log = info[0].As<Napi::Boolean>().Value();
  View g = view(env, info[1]), y = view(env, info[2]), dx = view(env, info[3]);
  const double* p = args_of(info, 4);
  if (dx.type == napi_float64_array)
    tts::softmax_backward_along(log, I(p[0]), I(p[1]), I(p[2]), at<double>(g, p[3]), at<double>(y, p[4]), at<double>(dx, p[5]));
  else
    tts::softmax_backward_along(log, I(p[0]), I(p[1]), I(p[2]), at<float>(g, p[3]), at<float>(y, p[4]), at<float>(dx, p[5]));
  return info.Env().Undefined();
}

// adam(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, args): args = [n, offParam, offGrad,
//   offExpAvg, offExpAvgSq, offMax, lr, beta1, beta2, eps, weightDecay, biasCorrection1,
//   biasCorrection2, amsgrad, maximize, decoupled]
template <typename T>
void run_adam(const Napi::CallbackInfo& info, const double* p) {
  napi_env env = info.Env();
  tts::AdamParams a{p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13] != 0, p[14] != 0, p[15] != 0};
  T* vmax = nullptr;
  if (a.amsgrad && info[4].IsTypedArray()) vmax = at<T>(view(env, info[4]), p[5]);
  if (vmax == nullptr) a.amsgrad = false;
  tts::adam(a, I(p[0]), at<T>(view(env, info[0]), p[1]), at<T>(view(env, info[1]), p[2]),
            at<T>(view(env, info[2]), p[3]), at<T>(view(env, info[3]), p[4]), vmax);
}

Napi::Value Adam(const Napi::CallbackInfo& info) {
  const double* p = args_of(info, 5);
  if (view(info.Env(), info[0]).type == napi_float64_array) run_adam<double>(info, p);
  else run_adam<float>(info, p);
  return info.Env().Undefined();
}

// sgd(param, grad, momentumBuffer | null, args): args = [n, offParam, offGrad, offBuf, lr,
//   momentum, dampening, weightDecay, nesterov, maximize, firstStep]
template <typename T>
void run_sgd(const Napi::CallbackInfo& info, const double* p) {
  napi_env env = info.Env();
  tts::SgdParams s{p[4], p[5], p[6], p[7], p[8] != 0, p[9] != 0, p[10] != 0};
  T* buf = info[2].IsTypedArray() ? at<T>(view(env, info[2]), p[3]) : nullptr;
  tts::sgd(s, I(p[0]), at<T>(view(env, info[0]), p[1]), at<T>(view(env, info[1]), p[2]), buf);
}

Napi::Value Sgd(const Napi::CallbackInfo& info) {
  const double* p = args_of(info, 3);
  if (view(info.Env(), info[0]).type == napi_float64_array) run_sgd<double>(info, p);
  else run_sgd<float>(info, p);
  return info.Env().Undefined();
}

// conv(kind, a, b, bias | null, out, args): kind 0 forward (a = x, b = w), 1 backward input
// (a = gy, b = w), 2 backward weight (a = x, b = gy), 3 channel sums of a ([n, c, l] in args[0..3));
// kinds 4-6: 0-2 in channels-last layouts (conv_nhwc_*).
// args = [n, cin, cout, groups, id, ih, iw, kd, kh, kw, od, oh, ow, sd, sh, sw, pd, ph, pw, dd, dh, dw]
tts::ConvGeometry conv_geometry(const double* p) {
  tts::ConvGeometry g;
  index_t* f[] = {&g.n,  &g.cin, &g.cout, &g.groups, &g.id, &g.ih, &g.iw, &g.kd,
                  &g.kh, &g.kw,  &g.od,   &g.oh,     &g.ow, &g.sd, &g.sh, &g.sw,
                  &g.pd, &g.ph,  &g.pw,   &g.dd,     &g.dh, &g.dw};
  for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); ++i) *f[i] = I(p[i]);
  return g;
}

template <typename T>
void run_conv(int kind, const View& a, const View& b, const T* bias, const View& out,
              const double* p) {
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(b.data);
  T* po = static_cast<T*>(out.data);
  if (kind == 3) {
    tts::channel_sum(I(p[0]), I(p[1]), I(p[2]), pa, po);
    return;
  }
  const tts::ConvGeometry g = conv_geometry(p);
  switch (kind) {
    case 0: tts::conv_forward(g, pa, pb, bias, po); break;
    case 1: tts::conv_backward_input(g, pa, pb, po); break;
    case 2: tts::conv_backward_weight(g, pa, pb, po); break;
    case 4: tts::conv_nhwc_forward(g, pa, pb, bias, po); break;
    case 5: tts::conv_nhwc_backward_input(g, pa, pb, po); break;
    default: tts::conv_nhwc_backward_weight(g, pa, pb, po); break;
  }
}

Napi::Value Conv(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const int kind = info[0].As<Napi::Number>().Int32Value();
  View a = view(env, info[1]), b = view(env, info[2]), out = view(env, info[4]);
  const bool has_bias = info[3].IsTypedArray();
  const View bias = has_bias ? view(env, info[3]) : View{};
  const double* p = args_of(info, 5);
  if (out.type == napi_float64_array)
    run_conv<double>(kind, a, b, has_bias ? static_cast<const double*>(bias.data) : nullptr, out, p);
  else
    run_conv<float>(kind, a, b, has_bias ? static_cast<const float*>(bias.data) : nullptr, out, p);
  return info.Env().Undefined();
}

// pool(kind, a, out, indices | null, args): kind 0 max forward (a = x), 1 max backward (a = gy,
// out = gx), 2 average forward, 3 average backward (a = gy). args = [planes, id, ih, iw, od, oh,
// ow, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, countIncludePad, hasDivisorOverride,
// divisorOverride, channels]. Kinds 4-7: 0-3 in channels-last layouts (planes = the batch, each
// position a vector of `channels`); 8, 9: adaptive average forward and backward, channels-last.
template <typename T>
void run_pool(int kind, const View& a, const View& out, int64_t* idx, const double* p) {
  tts::PoolGeometry g;
  index_t* f[] = {&g.planes, &g.id, &g.ih, &g.iw, &g.od, &g.oh, &g.ow, &g.kd, &g.kh, &g.kw,
                  &g.sd,     &g.sh, &g.sw, &g.pd, &g.ph, &g.pw, &g.dd, &g.dh, &g.dw};
  for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); ++i) *f[i] = I(p[i]);
  const bool include_pad = p[19] != 0;
  const double* divisor = p[20] != 0 ? p + 21 : nullptr;
  const T* pa = static_cast<const T*>(a.data);
  T* po = static_cast<T*>(out.data);
  const index_t channels = I(p[22]);
  switch (kind) {
    case 4:
      tts::max_pool_nhwc_forward(g, channels, pa, po, idx);
      break;
    case 5:
      tts::max_pool_nhwc_backward(g.planes, channels, g.id * g.ih * g.iw, g.od * g.oh * g.ow, pa, idx, po);
      break;
    case 6:
      tts::avg_pool_nhwc_forward(g, channels, include_pad, divisor, pa, po);
      break;
    case 7:
      tts::avg_pool_nhwc_backward(g, channels, include_pad, divisor, pa, po);
      break;
    case 8:
      tts::adaptive_avg_pool_nhwc_forward(g, channels, pa, po);
      break;
    case 9:
      tts::adaptive_avg_pool_nhwc_backward(g, channels, pa, po);
      break;
    case 0:
      tts::max_pool_forward(g, pa, po, idx);
      break;
    case 1:
      tts::max_pool_backward(g.planes, g.id * g.ih * g.iw, g.od * g.oh * g.ow, pa, idx, po);
      break;
    case 2:
      tts::avg_pool_forward(g, include_pad, divisor, pa, po);
      break;
    default:
      tts::avg_pool_backward(g, include_pad, divisor, pa, po);
      break;
  }
}

Napi::Value Pool(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const int kind = info[0].As<Napi::Number>().Int32Value();
  View a = view(env, info[1]), out = view(env, info[2]);
  int64_t* idx = info[3].IsTypedArray() ? static_cast<int64_t*>(view(env, info[3]).data) : nullptr;
  const double* p = args_of(info, 4);
  if (out.type == napi_float64_array) run_pool<double>(kind, a, out, idx, p);
  else run_pool<float>(kind, a, out, idx, p);
  return info.Env().Undefined();
}

// actGrad(op, g, x, out, args): args = [n, gOff, xOff, outOff]
Napi::Value ActGrad(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  auto op = static_cast<tts::ActGradOp>(info[0].As<Napi::Number>().Int32Value());
  View g = view(env, info[1]), x = view(env, info[2]), out = view(env, info[3]);
  const double* p = args_of(info, 4);
  if (out.type == napi_float64_array)
    tts::act_grad(op, I(p[0]), at<double>(g, p[1]), at<double>(x, p[2]), at<double>(out, p[3]));
  else
    tts::act_grad(op, I(p[0]), at<float>(g, p[1]), at<float>(x, p[2]), at<float>(out, p[3]));
  return info.Env().Undefined();
}

// ---- nn kernels of nnk.h (layer/batch norm, embedding, cross-entropy, 16-bit floats) ----------
// Every array starts at index 0 (the wrapper passes subarrays); null where optional.

template <typename T>
T* opt(const Napi::CallbackInfo& info, size_t i) {
  return info[i].IsTypedArray() ? static_cast<T*>(view(info.Env(), info[i]).data) : nullptr;
}

bool is_f64(const Napi::CallbackInfo& info, size_t i) { return view(info.Env(), info[i]).type == napi_float64_array; }

// layerNorm(x, w, b, y, mean, rstd, args = [m, d, eps])
template <typename T>
void run_layer_norm(const Napi::CallbackInfo& info, const double* p) {
  tts::layer_norm_forward(I(p[0]), I(p[1]), opt<T>(info, 0), opt<T>(info, 1), opt<T>(info, 2), p[2],
                          opt<T>(info, 3), opt<double>(info, 4), opt<double>(info, 5));
}
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  const double* p = args_of(info, 6);
  if (is_f64(info, 3)) run_layer_norm<double>(info, p); else run_layer_norm<float>(info, p);
  return info.Env().Undefined();
}

// layerNormBackward(g, x, w, mean, rstd, gx, gw, gb, args = [m, d])
template <typename T>
void run_layer_norm_backward(const Napi::CallbackInfo& info, const double* p) {
  tts::layer_norm_backward(I(p[0]), I(p[1]), opt<T>(info, 0), opt<T>(info, 1), opt<T>(info, 2),
                           opt<double>(info, 3), opt<double>(info, 4), opt<T>(info, 5),
                           opt<double>(info, 6), opt<double>(info, 7));
}
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const double* p = args_of(info, 8);
  if (is_f64(info, 0)) run_layer_norm_backward<double>(info, p); else run_layer_norm_backward<float>(info, p);
  return info.Env().Undefined();
}

// batchNorm(kind, x, a, b, c, d, e, f, g, args = [n, c, s]): kind 0 stats (x; mean, var),
// 1 apply (x, y; mean, scale, shift), 2 backward reduce (g, x; mean, invstd, sumG, sumGX),
// 3 backward input (g, x, gx; mean, invstd, k1, mg, mgx). Float arrays of the input's dtype
// first, then the per-channel Float64Arrays.
template <typename T>
void run_batch_norm(int kind, const Napi::CallbackInfo& info, const double* p) {
  const index_t n = I(p[0]), c = I(p[1]), s = I(p[2]);
  auto d = [&](size_t i) { return opt<double>(info, i); };
  switch (kind) {
    case 0: return tts::batch_norm_stats(n, c, s, opt<T>(info, 1), d(2), d(3));
    case 1: return tts::batch_norm_apply(n, c, s, opt<T>(info, 1), opt<T>(info, 2), d(3), d(4), d(5));
    case 2: return tts::batch_norm_backward_reduce(n, c, s, opt<T>(info, 1), opt<T>(info, 2), d(3), d(4), d(5), d(6));
    default:
      return tts::batch_norm_backward_input(n, c, s, opt<T>(info, 1), opt<T>(info, 2), opt<T>(info, 3),
                                            d(4), d(5), d(6), d(7), d(8));
  }
}
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const int kind = info[0].As<Napi::Number>().Int32Value();
  const double* p = args_of(info, 9);
  if (is_f64(info, 1)) run_batch_norm<double>(kind, info, p); else run_batch_norm<float>(kind, info, p);
  return info.Env().Undefined();
}

// embedding(backward, indices, a, b, args = [n, v, d, padding, zeroed]): forward a = weight,
// b = out; backward a = grad output, b = grad weight (zeroed: it holds zeros already).
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  const bool backward = info[0].As<Napi::Boolean>().Value();
  const int64_t* idx = opt<int64_t>(info, 1);
  const double* p = args_of(info, 4);
  const index_t n = I(p[0]), v = I(p[1]), d = I(p[2]);
  const int64_t padding = static_cast<int64_t>(p[3]);
  const bool zeroed = p[4] != 0;
  if (is_f64(info, 2)) {
    if (backward) tts::embedding_backward(n, v, d, idx, padding, opt<double>(info, 2), opt<double>(info, 3), zeroed);
    else tts::embedding_forward(n, d, idx, opt<double>(info, 2), opt<double>(info, 3));
  } else {
    if (backward) tts::embedding_backward(n, v, d, idx, padding, opt<float>(info, 2), opt<float>(info, 3), zeroed);
    else tts::embedding_forward(n, d, idx, opt<float>(info, 2), opt<float>(info, 3));
  }
  return info.Env().Undefined();
}

// crossEntropy(backward, x, t, u, out, ca, cb, ce, args = [rows, c, eps]): forward out = loss
// (Float64Array); backward out = grad input, ca/cb/ce per-row coefficients.
template <typename T>
void run_cross_entropy(bool backward, const Napi::CallbackInfo& info, const double* p) {
  const index_t rows = I(p[0]), c = I(p[1]);
  const int32_t* t = opt<int32_t>(info, 2);
  if (backward)
    tts::cross_entropy_backward(rows, c, opt<T>(info, 1), t, opt<T>(info, 3), opt<double>(info, 5),
                                opt<double>(info, 6), opt<double>(info, 7), opt<T>(info, 4));
  else
    tts::cross_entropy_forward(rows, c, opt<T>(info, 1), t, opt<T>(info, 3), p[2], opt<double>(info, 4));
}
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  const bool backward = info[0].As<Napi::Boolean>().Value();
  const double* p = args_of(info, 8);
  if (is_f64(info, 1)) run_cross_entropy<double>(backward, info, p); else run_cross_entropy<float>(backward, info, p);
  return info.Env().Undefined();
}

// convert16(kind, src, dst, n): see tts::convert_16bit.
Napi::Value Convert16(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  tts::convert_16bit(info[0].As<Napi::Number>().Int32Value(), static_cast<index_t>(info[3].As<Napi::Number>().DoubleValue()),
                     view(env, info[1]).data, view(env, info[2]).data);
  return info.Env().Undefined();
}
// ---- end of the nnk bindings ------------------------------------------------------------------

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), tts::ThreadPool::instance().size());
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  tts::ThreadPool::instance().set_size(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

const char* isa_name(tts::Isa isa) {
  switch (isa) {
    case tts::Isa::avx512:
      return "avx512";
    case tts::Isa::avx2:
      return "avx2";
    default:
      return "scalar";
  }
}

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(tts::active_isa()));
}

Napi::Value BestIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(tts::detected_isa()));
}

// setIsa(name): lowers the kernels' ISA (for tests); returns the one applied.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  tts::Isa want = name == "avx512" ? tts::Isa::avx512 : name == "avx2" ? tts::Isa::avx2 : tts::Isa::scalar;
  return Napi::String::New(info.Env(), isa_name(tts::set_active_isa(want)));
}

// Without the addon's tensor memory (TORCH_TS_NATIVE_MEMORY=0), tensor storages are large typed
// arrays that V8 allocates with calloc. By default glibc serves big blocks with fresh mmap()s and
// returns freed ones to the kernel, so every new tensor pays a page fault per 4 KiB (about 13 us
// each here). tuneMalloc(true) keeps freed memory in the heap so that the next tensor reuses
// faulted-in pages, as PyTorch's tuned setup does (mmap_max=0, high trim threshold).
// With the tensor memory, storages do not come from malloc: what does (file contents, a dataset's
// raw bytes, kernels' scratch) then keeps glibc's mmap for blocks of 4 MiB and more, so that it goes
// back to the OS when freed, and up to 64 MiB of free heap top is kept (tuneMalloc(false)): the full
// tuning held a Fashion-MNIST loader's 230 MB of freed buffers in the heap for the whole run.
// The JS side calls this unless TORCH_TS_MALLOC_TUNING=0.
Napi::Value TuneMalloc(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  const bool storages_from_malloc = info[0].As<Napi::Boolean>().Value();
  const bool ok = storages_from_malloc
                      ? mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1
                      : mallopt(M_MMAP_THRESHOLD, 4 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1;
  return Napi::Boolean::New(info.Env(), ok);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

// A SharedArrayBuffer of `bytes` bytes over a recycled block (native/tensor_memory.cc), zeroed when
// info[1] is true; null when the OS refuses the memory. Node-API has no way to make a buffer whose
// memory V8 does not count as external, so this one function uses V8's API: napi_value is a
// v8::Local's slot, and Node builds the addon against the running Node's own headers.
Napi::Value AllocTensorMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  const bool zero = info[1].As<Napi::Boolean>().Value();
  if (!(requested >= 0) || requested > 9007199254740991.0) return env.Null();
  const size_t bytes = static_cast<size_t>(requested);
  tts::TensorBlock block = tts::tensor_memory_take(bytes);
  if (block.data == nullptr) return env.Null();
  if (zero && block.recycled) std::memset(block.data, 0, bytes);
  std::unique_ptr<v8::BackingStore> store = v8::SharedArrayBuffer::NewBackingStore(
      block.data, bytes,
      [](void* data, size_t, void*) {
        tts::tensor_memory_give_back(data);
      },
      nullptr);
  v8::Local<v8::SharedArrayBuffer> buffer =
      v8::SharedArrayBuffer::New(v8::Isolate::GetCurrent(), std::move(store));
  return Napi::Value(env, reinterpret_cast<napi_value>(*buffer));
}

// [outstanding, cached, mapped, cacheLimit, fresh, reused, returned, peakMapped, requested, peakRequested]
Napi::Value TensorMemoryStats(const Napi::CallbackInfo& info) {
  const tts::TensorMemoryStats s = tts::tensor_memory_stats();
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 10);
  const double v[10] = {double(s.outstanding), double(s.cached), double(s.mapped), double(s.cache_limit),
                        double(s.fresh), double(s.reused), double(s.returned), double(s.peak_mapped),
                        double(s.requested), double(s.peak_requested)};
  for (int i = 0; i < 10; ++i) out[i] = v[i];
  return out;
}

Napi::Value ResetTensorMemoryPeak(const Napi::CallbackInfo& info) {
  tts::tensor_memory_reset_peak();
  return info.Env().Undefined();
}

Napi::Value SetTensorMemoryCacheLimit(const Napi::CallbackInfo& info) {
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  tts::tensor_memory_set_cache_limit(bytes >= 0 ? static_cast<size_t>(bytes) : 0);
  return info.Env().Undefined();
}

// fill(array, start, count, value): array[start .. start+count) = value (already encoded for the
// element type: 16-bit floats come as their bit patterns). For SharedArrayBuffer-backed arrays,
// whose TypedArray.prototype.fill stores element by element. Returns false for other types.
template <typename T>
void fill_span(const View& v, index_t start, index_t count, double value) {
  std::fill_n(static_cast<T*>(v.data) + start, count, static_cast<T>(value));
}

Napi::Value Fill(const Napi::CallbackInfo& info) {
  const View v = view(info.Env(), info[0]);
  const index_t start = I(info[1].As<Napi::Number>().DoubleValue());
  const index_t count = I(info[2].As<Napi::Number>().DoubleValue());
  const double value = info[3].As<Napi::Number>().DoubleValue();
  switch (v.type) {
    case napi_float32_array: fill_span<float>(v, start, count, value); break;
    case napi_float64_array: fill_span<double>(v, start, count, value); break;
    case napi_int8_array: fill_span<int8_t>(v, start, count, value); break;
    case napi_uint8_array: case napi_uint8_clamped_array: fill_span<uint8_t>(v, start, count, value); break;
    case napi_int16_array: fill_span<int16_t>(v, start, count, value); break;
    case napi_uint16_array: fill_span<uint16_t>(v, start, count, value); break;
    case napi_int32_array: fill_span<int32_t>(v, start, count, value); break;
    case napi_uint32_array: fill_span<uint32_t>(v, start, count, value); break;
    default: return Napi::Boolean::New(info.Env(), false);
  }
  return Napi::Boolean::New(info.Env(), true);
}

// normalFill16(data: Float32Array, start, blocks, mean, std): PyTorch's normal_fill_16_AVX2 on
// data[start .. start + 16 * blocks) (the wrapper checks the range).
Napi::Value NormalFill16(const Napi::CallbackInfo& info) {
  const View v = view(info.Env(), info[0]);
  const index_t start = I(info[1].As<Napi::Number>().DoubleValue());
  const index_t blocks = I(info[2].As<Napi::Number>().DoubleValue());
  const float mean = static_cast<float>(info[3].As<Napi::Number>().DoubleValue());
  const float std_ = static_cast<float>(info[4].As<Napi::Number>().DoubleValue());
  tts::normal_fill_16_float(static_cast<float*>(v.data) + start, blocks, mean, std_);
  return info.Env().Undefined();
}

// uniformFloats(words: Uint32Array, out: Float32Array, range, from): n = out.length (the wrapper
// checks words.length >= n).
Napi::Value UniformFloats(const Napi::CallbackInfo& info) {
  const View words = view(info.Env(), info[0]);
  const View out = view(info.Env(), info[1]);
  const float range = static_cast<float>(info[2].As<Napi::Number>().DoubleValue());
  const float from = static_cast<float>(info[3].As<Napi::Number>().DoubleValue());
  tts::uniform_floats(static_cast<const uint32_t*>(words.data), static_cast<index_t>(out.length), range, from,
                      static_cast<float*>(out.data));
  return info.Env().Undefined();
}

// mtDraw(mt: Uint32Array(624), counters: Int32Array [left, next], out: Uint32Array, start, n)
Napi::Value MtDraw(const Napi::CallbackInfo& info) {
  const View mt = view(info.Env(), info[0]);
  const View counters = view(info.Env(), info[1]);
  const View out = view(info.Env(), info[2]);
  const index_t start = I(info[3].As<Napi::Number>().DoubleValue());
  const index_t n = I(info[4].As<Napi::Number>().DoubleValue());
  int32_t* c = static_cast<int32_t*>(counters.data);
  tts::mt19937_draw(static_cast<uint32_t*>(mt.data), c, c + 1, static_cast<uint32_t*>(out.data) + start, n);
  return info.Env().Undefined();
}

Napi::Value AgeTensorMemory(const Napi::CallbackInfo& info) {
  const double reserve = info[0].As<Napi::Number>().DoubleValue();
  tts::tensor_memory_age(reserve >= 0 ? static_cast<size_t>(reserve) : 0);
  return info.Env().Undefined();
}

Napi::Value TrimTensorMemory(const Napi::CallbackInfo& info) {
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  tts::tensor_memory_trim(bytes >= 0 ? static_cast<size_t>(bytes) : 0);
  return info.Env().Undefined();
}

Napi::Value TensorMemoryFits(const Napi::CallbackInfo& info) {
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  return Napi::Boolean::New(info.Env(), bytes >= 0 && bytes <= 9007199254740991.0 &&
                                            tts::tensor_memory_fits(static_cast<size_t>(bytes)));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("allocTensorMemory", Napi::Function::New(env, AllocTensorMemory, "allocTensorMemory"));
  exports.Set("tensorMemoryStats", Napi::Function::New(env, TensorMemoryStats, "tensorMemoryStats"));
  exports.Set("setTensorMemoryCacheLimit", Napi::Function::New(env, SetTensorMemoryCacheLimit, "setTensorMemoryCacheLimit"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
  exports.Set("normalFill16", Napi::Function::New(env, NormalFill16, "normalFill16"));
  exports.Set("uniformFloats", Napi::Function::New(env, UniformFloats, "uniformFloats"));
  exports.Set("mtDraw", Napi::Function::New(env, MtDraw, "mtDraw"));
  exports.Set("ageTensorMemory", Napi::Function::New(env, AgeTensorMemory, "ageTensorMemory"));
  exports.Set("trimTensorMemory", Napi::Function::New(env, TrimTensorMemory, "trimTensorMemory"));
  exports.Set("resetTensorMemoryPeak", Napi::Function::New(env, ResetTensorMemoryPeak, "resetTensorMemoryPeak"));
  exports.Set("tensorMemoryFits", Napi::Function::New(env, TensorMemoryFits, "tensorMemoryFits"));
  exports.Set("tuneMalloc", Napi::Function::New(env, TuneMalloc, "tuneMalloc"));
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("copyStrided", Napi::Function::New(env, CopyStrided, "copyStrided"));
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("cumsum", Napi::Function::New(env, Cumsum, "cumsum"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxAlong", Napi::Function::New(env, SoftmaxAlong, "softmaxAlong"));
  exports.Set("softmaxBackwardAlong", Napi::Function::New(env, SoftmaxBackwardAlong, "softmaxBackwardAlong"));
  exports.Set("adam", Napi::Function::New(env, Adam, "adam"));
  exports.Set("sgd", Napi::Function::New(env, Sgd, "sgd"));
  exports.Set("conv", Napi::Function::New(env, Conv, "conv"));
  exports.Set("pool", Napi::Function::New(env, Pool, "pool"));
  exports.Set("actGrad", Napi::Function::New(env, ActGrad, "actGrad"));
  // nnk.h
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm, "layerNorm"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward, "layerNormBackward"));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNorm, "batchNorm"));
  exports.Set("embedding", Napi::Function::New(env, Embedding, "embedding"));
  exports.Set("crossEntropy", Napi::Function::New(env, CrossEntropy, "crossEntropy"));
  exports.Set("convert16", Napi::Function::New(env, Convert16, "convert16"));
  tts::register_index_ops(env, exports);
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getIsa", Napi::Function::New(env, GetIsa, "getIsa"));
  exports.Set("bestIsa", Napi::Function::New(env, BestIsa, "bestIsa"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  tts::register_mask_functions(env, exports);  // compare, select, byteReduce (masks_addon.cc)
  tts::register_death_notices(env, exports);  // deathToken, takeDeathNotices (death_notice.cc)
  tts::register_unary_math_functions(env, exports);  // unaryMath, classify (unary_math_addon.cc)
  tts::register_activation_functions(env, exports);  // activation (activation_addon.cc)
  tts::register_pointwise_loss_functions(env, exports);  // pointwise_loss.cc
  tts::register_kth_select_functions(env, exports);  // kthAlong (kth_select.cc)
  tts::register_compact_functions(env, exports);  // nonzero, masked_select (compact.cc)
  tts::register_scan_functions(env, exports);  // cumprod (scan.cc)
  tts::register_isclose_functions(env, exports);  // isclose (isclose.cc)
  tts::register_typed_functions(env, exports);  // typedBinary, typedTernary, typedConvert (typed_binary_addon.cc)
  tts::register_fft_functions(env, exports);  // fftC2C, fftR2C, fftC2R, fftAlgorithm (fft.cc)
  return exports;
}

}  // namespace

NODE_API_MODULE(torch_ts_native, Init)
