// PyTorch's CPU random transforms that are worth a native loop (see random.cc).
#pragma once

#include "common.h"

namespace tts {

// normal_fill_16_AVX2 on `blocks` consecutive blocks of 16 floats holding uniforms in [0, 1):
// each block becomes 16 normals (cos from the first 8, sin from the last 8) * std + mean.
void normal_fill_16_float(float* data, index_t blocks, float mean, float std_);

}  // namespace tts
