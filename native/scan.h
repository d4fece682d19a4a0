// Cumulative sums along one dim of a contiguous [outer, size, inner] view.
#pragma once

#include "common.h"

namespace tts {

// y = cumsum(x) along the middle dim, accumulated in double and rounded to T at every step (the
// JS kernel's formula, so the results are the same bits). x and y must not overlap.
template <typename T>
void cumsum(index_t outer, index_t size, index_t inner, const T* x, T* y);

}  // namespace tts
