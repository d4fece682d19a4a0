// Node-API bindings of the typed elementwise kernels (typed_binary.h): typedBinary, typedTernary,
// typedConvert.
// As in addon.cc, nothing is validated here: src/backends/native/typed.ts checks every argument
// first. Offsets count elements of each array's own type; sizes come packed in one Float64Array.
#include "typed_binary_addon.h"

#include "elementwise.h"
#include "napi_typed.h"
#include "typed_binary.h"

namespace tts {
namespace {

int int_arg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// typedBinary(op, type, width, a, b, out, args) -> status: args = [ndim, aOff, bOff, outOff, alpha,
// shape[nd], aStrides[nd], bStrides[nd]]
Napi::Value TypedBinary(const Napi::CallbackInfo& info) {
  const auto op = static_cast<TypedOp>(int_arg(info, 0));
  const auto type = static_cast<NumType>(int_arg(info, 1));
  const size_t width = static_cast<size_t>(int_arg(info, 2));
  const double* p = typed_data<const double>(info[6]);
  const int nd = static_cast<int>(p[0]) < kMaxDims ? static_cast<int>(p[0]) : kMaxDims;  // never more
  index_t dims[3][kMaxDims];
  for (int g = 0; g < 3; ++g)
    for (int d = 0; d < nd; ++d) dims[g][d] = static_cast<index_t>(p[5 + g * nd + d]);
  const TypedStatus status = typed_binary(op, type, nd, dims[0], typed_bytes_at(info[3], p[1], width), dims[1],
                                          typed_bytes_at(info[4], p[2], width), dims[2], typed_bytes_at(info[5], p[3], width), p[4]);
  return Napi::Number::New(info.Env(), static_cast<int>(status));
}

// typedTernary(op, type, width, s, a, b, out, args): args = [ndim, sOff, aOff, bOff, outOff, alpha,
// shape[nd], sStrides[nd], aStrides[nd], bStrides[nd]]
Napi::Value TypedTernary(const Napi::CallbackInfo& info) {
  const auto op = static_cast<TernaryOp>(int_arg(info, 0));
  const auto type = static_cast<NumType>(int_arg(info, 1));
  const size_t width = static_cast<size_t>(int_arg(info, 2));
  const double* p = typed_data<const double>(info[7]);
  const int nd = static_cast<int>(p[0]) < kMaxDims ? static_cast<int>(p[0]) : kMaxDims;
  index_t dims[4][kMaxDims];
  for (int g = 0; g < 4; ++g)
    for (int d = 0; d < nd; ++d) dims[g][d] = static_cast<index_t>(p[6 + g * nd + d]);
  typed_ternary(op, type, nd, dims[0], typed_bytes_at(info[3], p[1], width), dims[1], typed_bytes_at(info[4], p[2], width), dims[2],
                typed_bytes_at(info[5], p[3], width), dims[3], typed_bytes_at(info[6], p[4], width), p[5]);
  return info.Env().Undefined();
}

// typedConvert(from, to, fromWidth, toWidth, src, dst, args): args = [n, srcOff, dstOff]
Napi::Value TypedConvert(const Napi::CallbackInfo& info) {
  const auto from = static_cast<NumType>(int_arg(info, 0));
  const auto to = static_cast<NumType>(int_arg(info, 1));
  const double* p = typed_data<const double>(info[6]);
  typed_convert(from, to, static_cast<index_t>(p[0]), typed_bytes_at(info[4], p[1], static_cast<size_t>(int_arg(info, 2))),
                typed_bytes_at(info[5], p[2], static_cast<size_t>(int_arg(info, 3))));
  return info.Env().Undefined();
}

}  // namespace

void register_typed_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("typedBinary", Napi::Function::New(env, TypedBinary, "typedBinary"));
  exports.Set("typedTernary", Napi::Function::New(env, TypedTernary, "typedTernary"));
  exports.Set("typedConvert", Napi::Function::New(env, TypedConvert, "typedConvert"));
}

}  // namespace tts
