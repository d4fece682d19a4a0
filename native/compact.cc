// compact.h's kernels over the thread pool, and their Node-API bindings (registered from addon.cc).
#include "compact.h"

#include <cstring>
#include <vector>

#include "elementwise.h"  // kMaxDims
#include "napi_typed.h"
#include "threadpool.h"

namespace tts {
namespace {
constexpr index_t kChunk = 65536;

index_t count_range(const uint8_t* mask, index_t lo, index_t hi) {
  index_t c = 0;
  for (index_t i = lo; i < hi; ++i) c += mask[i] != 0 ? 1 : 0;
  return c;
}

// Calls body(lo, hi, first) for every chunk, `first` being the number selected before it.
template <class Body>
void for_chunks_with_offsets(index_t n, const uint8_t* mask, const Body& body) {
  const index_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<index_t> counts(static_cast<size_t>(chunks));
  parallel_for(0, chunks, 1, [&](index_t c0, index_t c1) {
    for (index_t c = c0; c < c1; ++c) counts[c] = count_range(mask, c * kChunk, min_i(n, (c + 1) * kChunk));
  });
  std::vector<index_t> first(static_cast<size_t>(chunks));
  index_t total = 0;
  for (index_t c = 0; c < chunks; ++c) {
    first[c] = total;
    total += counts[c];
  }
  parallel_for(0, chunks, 1, [&](index_t c0, index_t c1) {
    for (index_t c = c0; c < c1; ++c) body(c * kChunk, min_i(n, (c + 1) * kChunk), first[c]);
  });
}

}  // namespace

index_t count_selected(index_t n, const uint8_t* mask) {
  const index_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<index_t> counts(static_cast<size_t>(chunks));
  parallel_for(0, chunks, 1, [&](index_t c0, index_t c1) {
    for (index_t c = c0; c < c1; ++c) counts[c] = count_range(mask, c * kChunk, min_i(n, (c + 1) * kChunk));
  });
  index_t total = 0;
  for (index_t c : counts) total += c;
  return total;
}

// Branch-free: every element is stored at out[k] and k moves on only when it is selected. The loop
// stops at the chunk's last selected element, so no store reaches the next chunk's first slot
// (another thread's) or past the output.
template <typename E>
void compact_chunk(const uint8_t* mask, const E* src, E* out, index_t lo, index_t hi, index_t k) {
  while (hi > lo && mask[hi - 1] == 0) --hi;
  for (index_t i = lo; i < hi; ++i) {
    out[k] = src[i];
    k += mask[i] != 0 ? 1 : 0;
  }
}

template <typename E>
void compact_as(index_t n, const uint8_t* mask, const uint8_t* src, uint8_t* out) {
  for_chunks_with_offsets(n, mask, [&](index_t lo, index_t hi, index_t k) {
    compact_chunk(mask, reinterpret_cast<const E*>(src), reinterpret_cast<E*>(out), lo, hi, k);
  });
}

void compact_elements(index_t n, const uint8_t* mask, const uint8_t* src, int width, uint8_t* out) {
  if (n <= 0) return;
  switch (width) {
    case 1: return compact_as<uint8_t>(n, mask, src, out);
    case 2: return compact_as<uint16_t>(n, mask, src, out);
    case 4: return compact_as<uint32_t>(n, mask, src, out);
    default: return compact_as<uint64_t>(n, mask, src, out);
  }
}

namespace {
// Calls store(c, d, coordinate) for each selected position's coordinates, c its rank.
template <class Store>
void for_coordinates(index_t n, const uint8_t* mask, int ndim, const index_t* shape, const Store& store) {
  if (n <= 0) return;
  for_chunks_with_offsets(n, mask, [&](index_t lo, index_t hi, index_t k) {
    index_t idx[kMaxDims];
    index_t rem = lo;
    for (int d = ndim - 1; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
    }
    const index_t cols = shape[ndim - 1];
    for (index_t i = lo; i < hi;) {
      // One run along the last dim at a time, the other coordinates fixed.
      const index_t run = min_i(hi - i, cols - idx[ndim - 1]);
      for (index_t j = 0; j < run; ++j) {
        if (mask[i + j] == 0) continue;
        for (int d = 0; d < ndim - 1; ++d) store(k, d, idx[d]);
        store(k, ndim - 1, idx[ndim - 1] + j);
        ++k;
      }
      i += run;
      idx[ndim - 1] += run;
      for (int d = ndim - 1; d > 0 && idx[d] == shape[d]; --d) {
        idx[d] = 0;
        ++idx[d - 1];
      }
    }
  });
}
}  // namespace

void nonzero_coordinates(index_t n, const uint8_t* mask, int ndim, const index_t* shape, int64_t* out) {
  for_coordinates(n, mask, ndim, shape, [&](index_t c, int d, index_t v) { out[c * ndim + d] = v; });
}

void nonzero_columns(index_t n, const uint8_t* mask, int ndim, const index_t* shape, index_t count, double* out) {
  for_coordinates(n, mask, ndim, shape, [&](index_t c, int d, index_t v) { out[d * count + c] = static_cast<double>(v); });
}

namespace {
// countSelected(mask, args): args = [n, maskOff].
Napi::Value CountSelected(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[1]);
  const index_t n = static_cast<index_t>(p[0]);
  return Napi::Number::New(info.Env(), static_cast<double>(count_selected(n, typed_data<uint8_t>(info[0]) + static_cast<size_t>(p[1]))));
}

// compactElements(mask, src, out, args): args = [n, maskOff, width, srcByteOff, outByteOff].
Napi::Value CompactElements(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[3]);
  compact_elements(static_cast<index_t>(p[0]), typed_data<uint8_t>(info[0]) + static_cast<size_t>(p[1]),
                   typed_data<uint8_t>(info[1]) + static_cast<size_t>(p[3]), static_cast<int>(p[2]),
                   typed_data<uint8_t>(info[2]) + static_cast<size_t>(p[4]));
  return info.Env().Undefined();
}

// nonzeroCoordinates(mask, out, args): args = [n, maskOff, ndim, count, shape[ndim]]; out is a
// BigInt64Array (rows) or a Float64Array (columns of `count`).
Napi::Value NonzeroCoordinates(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[2]);
  const int nd = static_cast<int>(p[2]) < kMaxDims ? static_cast<int>(p[2]) : kMaxDims;
  index_t shape[kMaxDims];
  for (int d = 0; d < nd; ++d) shape[d] = static_cast<index_t>(p[4 + d]);
  const index_t n = static_cast<index_t>(p[0]);
  const uint8_t* mask = typed_data<uint8_t>(info[0]) + static_cast<size_t>(p[1]);
  if (is_float64(info[1])) {
    nonzero_columns(n, mask, nd, shape, static_cast<index_t>(p[3]), typed_data<double>(info[1]));
  } else {
    nonzero_coordinates(n, mask, nd, shape, typed_data<int64_t>(info[1]));
  }
  return info.Env().Undefined();
}
}  // namespace

void register_compact_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("countSelected", Napi::Function::New(env, CountSelected, "countSelected"));
  exports.Set("compactElements", Napi::Function::New(env, CompactElements, "compactElements"));
  exports.Set("nonzeroCoordinates", Napi::Function::New(env, NonzeroCoordinates, "nonzeroCoordinates"));
}

}  // namespace tts
