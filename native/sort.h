// Sorting along one dim (sort, argsort, topk): each line is ordered by order-preserving integer
// keys of its values with a stable LSD radix sort, lines spread over the thread pool.
#pragma once

#include "common.h"

namespace tts {

// x contiguous, viewed as [outer, n, inner] (n < 2^32); for every line (o, i) along the middle
// dim, the first k (<= n) of its stable order go to values and indices, contiguous
// [outer, k, inner]: ascending with NaN last, or descending with NaN first; -0 ties with 0 (ties
// keep input order). values may be null (argsort).
template <typename T>
void sort_along(index_t outer, index_t n, index_t inner, const T* x, index_t k, bool descending,
                T* values, int64_t* indices);

}  // namespace tts
