// Copies of strided tensors into contiguous ones (contiguous(), clone of a view, permute then copy).
#pragma once

#include <cstdint>

#include "common.h"

namespace tts {

// dst[i] (contiguous, of `shape`) = the element of src at sum_d i_d * strides[d] (signed strides, 0
// for broadcast dims). `elem` is the element size in bytes: 1, 2, 4 or 8. dst must not overlap src.
void copy_strided(int elem, int ndim, const index_t* shape, const void* src, const index_t* strides, void* dst);

// dst[i * dst_stride + j] = src[j * src_stride + i] for i, j < 16 (copy_strided_avx512.cc); only
// where transpose_block16_available().
void transpose_block16(const uint32_t* src, index_t src_stride, uint32_t* dst, index_t dst_stride);
bool transpose_block16_available();

}  // namespace tts
