// Cumulative sums and products along one dim of a contiguous [outer, size, inner] view.
#pragma once

#include <napi.h>

#include "common.h"

namespace tts {

// y = cumsum(x) along the middle dim, accumulated in double and rounded to T at every step (the
// JS kernel's formula, so the results are the same bits). x and y must not overlap.
template <typename T>
void cumsum(index_t outer, index_t size, index_t inner, const T* x, T* y);

// y = cumprod(x), the same way: a product in double, each output rounded to T.
template <typename T>
void cumprod(index_t outer, index_t size, index_t inner, const T* x, T* y);

// Registers cumprod's binding (scan.cc; cumsum's is in addon.cc).
void register_scan_functions(Napi::Env env, Napi::Object exports);

}  // namespace tts
