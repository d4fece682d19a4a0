// Compaction by a byte mask (nonzero bytes select): the count, the selected elements of any width
// in order (masked_select), and the row-major coordinates of the selected positions (nonzero).
// Chunks of fixed size count first, then each writes from its prefix offset, over the pool.
// Nothing is validated here: src/backends/native/compact.ts checks every argument first.
#pragma once

#include <cstdint>

#include <napi.h>

#include "common.h"

namespace tts {

index_t count_selected(index_t n, const uint8_t* mask);
// out[c] = element i of src (`width` bytes each) for the c-th i with mask[i] != 0.
void compact_elements(index_t n, const uint8_t* mask, const uint8_t* src, int width, uint8_t* out);
// out[c * ndim + d] = coordinate d of the c-th selected position of a row-major `shape`.
void nonzero_coordinates(index_t n, const uint8_t* mask, int ndim, const index_t* shape, int64_t* out);
// The same as `count` float64 values per dim: out[d * count + c].
void nonzero_columns(index_t n, const uint8_t* mask, int ndim, const index_t* shape, index_t count, double* out);

void register_compact_functions(Napi::Env env, Napi::Object exports);

}  // namespace tts
