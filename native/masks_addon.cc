// Node-API bindings of the mask kernels (masks.h): compare, select, byteReduce. As in addon.cc,
// nothing is validated here: src/backends/native/masks.ts checks every argument first. Offsets
// count elements of each array's own type; scalars come packed in one Float64Array.
#include "masks_addon.h"

#include "elementwise.h"
#include "napi_typed.h"
#include "masks.h"

namespace tts {
namespace {

index_t I(double v) { return static_cast<index_t>(v); }

// compare(op, type, width, a, b, out, args): args = [ndim, aOff, bOff, outOff, shape[nd], aStrides[nd],
// bStrides[nd]]
Napi::Value Compare(const Napi::CallbackInfo& info) {
  const auto op = static_cast<CompareOp>(info[0].As<Napi::Number>().Int32Value());
  const auto type = static_cast<ElemType>(info[1].As<Napi::Number>().Int32Value());
  const size_t width = static_cast<size_t>(info[2].As<Napi::Number>().Int32Value());
  const double* p = typed_data<const double>(info[6]);
  const int nd = static_cast<int>(p[0]) < kMaxDims ? static_cast<int>(p[0]) : kMaxDims;  // never more
  index_t dims[3][kMaxDims];
  for (int g = 0; g < 3; ++g)
    for (int d = 0; d < nd; ++d) dims[g][d] = I(p[4 + g * nd + d]);
  compare(op, type, nd, dims[0], typed_bytes_at(info[3], p[1], width), dims[1],
          typed_bytes_at(info[4], p[2], width), dims[2], reinterpret_cast<uint8_t*>(typed_bytes_at(info[5], p[3], 1)));
  return info.Env().Undefined();
}

// select(width, cond, a, b, out, args): args = [ndim, cOff, aOff, bOff, outOff, shape[nd],
// cStrides[nd], aStrides[nd], bStrides[nd]]
Napi::Value Select(const Napi::CallbackInfo& info) {
  const int width = info[0].As<Napi::Number>().Int32Value();
  const double* p = typed_data<const double>(info[5]);
  const int nd = static_cast<int>(p[0]) < kMaxDims ? static_cast<int>(p[0]) : kMaxDims;
  index_t dims[4][kMaxDims];
  for (int g = 0; g < 4; ++g)
    for (int d = 0; d < nd; ++d) dims[g][d] = I(p[5 + g * nd + d]);
  const size_t w = static_cast<size_t>(width);
  select(width, nd, dims[0], reinterpret_cast<const uint8_t*>(typed_bytes_at(info[1], p[1], 1)), dims[1],
         typed_bytes_at(info[2], p[2], w), dims[2], typed_bytes_at(info[3], p[3], w), dims[3], typed_bytes_at(info[4], p[4], w));
  return info.Env().Undefined();
}

// byteReduce(op, x, out, args): args = [outer, size, inner, xOff, outOff]; out is a BigInt64Array
// (sum, count_nonzero) or a Uint8Array (any, all).
Napi::Value ByteReduce(const Napi::CallbackInfo& info) {
  const auto op = static_cast<ByteReduceOp>(info[0].As<Napi::Number>().Int32Value());
  const double* p = typed_data<const double>(info[3]);
  const size_t out_width = op == ByteReduceOp::sum || op == ByteReduceOp::count_nonzero ? 8 : 1;
  byte_reduce(op, I(p[0]), I(p[1]), I(p[2]), reinterpret_cast<const uint8_t*>(typed_bytes_at(info[1], p[3], 1)),
              typed_bytes_at(info[2], p[4], out_width));
  return info.Env().Undefined();
}

}  // namespace

void register_mask_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("compare", Napi::Function::New(env, Compare, "compare"));
  exports.Set("select", Napi::Function::New(env, Select, "select"));
  exports.Set("byteReduce", Napi::Function::New(env, ByteReduce, "byteReduce"));
}

}  // namespace tts
