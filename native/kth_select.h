// The k-th smallest element along one dim of a contiguous [outer, size, inner] view, with its
// index, for kthvalue/median/nanmedian: the order is the stable sort's (NaN above everything,
// ties by index), found by nth_element on (value, index) pairs, so one line costs O(size).
// Nothing is validated here: src/backends/native/kth-select.ts checks every argument first.
#pragma once

#include <cstdint>

#include <napi.h>

#include "common.h"

namespace tts {

// Which position of the stable order a line picks: kthvalue's k (0-based); median's lower median,
// or the first NaN when the line has one; nanmedian's lower median of the non-NaN values, or the
// first NaN when all are NaN.
enum class KthMode : int { kth = 0, median = 1, nanmedian = 2 };

template <typename T>
void kth_along(KthMode mode, index_t k, index_t outer, index_t size, index_t inner, const T* x,
               T* values, int64_t* indices);

void register_kth_select_functions(Napi::Env env, Napi::Object exports);

}  // namespace tts
