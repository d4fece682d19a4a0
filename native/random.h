// PyTorch's CPU random transforms that are worth a native loop (see random.cc).
#pragma once

#include "common.h"

namespace tts {

// normal_fill_16_AVX2 on `blocks` consecutive blocks of 16 floats holding uniforms in [0, 1):
// each block becomes 16 normals (cos from the first 8, sin from the last 8) * std + mean.
void normal_fill_16_float(float* data, index_t blocks, float mean, float std_);

// n draws of at::mt19937 (state mt[624], with the generator's left/next counters, updated) into out:
// the twin of Generator.randomInto in src/core/generator.ts.
void mt19937_draw(uint32_t* mt, int32_t* left, int32_t* next, uint32_t* out, index_t n);

// uniform_ for float32: out[i] = fmaf((words[i] & 0xffffff) * 2^-24, range, from), one rounding.
void uniform_floats(const uint32_t* words, index_t n, float range, float from, float* out);

}  // namespace tts
