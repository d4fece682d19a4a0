// normal_fill_16_AVX2 of PyTorch's CPU normal_ for float32 (aten/src/ATen/native/cpu/
// DistributionTemplates.h with avx_mathfun.h's log256_ps / sincos256_ps), one lane at a time with
// the same float operations and the same fused multiply-adds that GCC makes of it, so the values are
// PyTorch's bit for bit (random_transforms_impl.h; random_avx2.cc runs it on 8 lanes at once where the
// CPU has AVX2 and FMA). src/core/random-transforms.ts is the JS twin (and the reference the tests
// compare against). -ffp-contract=off keeps every other product rounded.
#include "random.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace tts {
namespace random_portable {
#include "random_transforms_impl.h"
}  // namespace random_portable

#if TTS_X86_64
// The AVX2+FMA copies (random_avx2.cc); the portable ones on CPUs without them or under a lower ISA.
void normal_fill_16_float_avx2(float* data, index_t blocks, float mean, float std_);
void uniform_floats_avx2(const uint32_t* words, index_t n, float range, float from, float* out);
#endif

void normal_fill_16_float(float* data, index_t blocks, float mean, float std_) {
#if TTS_X86_64
  if (active_isa() != Isa::scalar) return normal_fill_16_float_avx2(data, blocks, mean, std_);
#endif
  random_portable::normal_fill_16(data, blocks, mean, std_);
}

namespace {
constexpr int kMtN = 624, kMtM = 397;
constexpr uint32_t kMatrixA = 0x9908b0dfu, kUpper = 0x80000000u, kLower = 0x7fffffffu;

void mt_twist(uint32_t* mt) {
  int p = 0;
  for (; p < kMtN - kMtM; ++p) {
    const uint32_t y = (mt[p] & kUpper) | (mt[p + 1] & kLower);
    mt[p] = mt[p + kMtM] ^ (y >> 1) ^ ((mt[p + 1] & 1u) ? kMatrixA : 0u);
  }
  for (; p < kMtN - 1; ++p) {
    const uint32_t y = (mt[p] & kUpper) | (mt[p + 1] & kLower);
    mt[p] = mt[p + kMtM - kMtN] ^ (y >> 1) ^ ((mt[p + 1] & 1u) ? kMatrixA : 0u);
  }
  const uint32_t y = (mt[kMtN - 1] & kUpper) | (mt[0] & kLower);
  mt[kMtN - 1] = mt[kMtM - 1] ^ (y >> 1) ^ ((mt[0] & 1u) ? kMatrixA : 0u);
}
}  // namespace

void mt19937_draw(uint32_t* mt, int32_t* left, int32_t* next, uint32_t* out, index_t n) {
  int32_t l = *left, x = *next;
  for (index_t i = 0; i < n; ++i) {
    if (--l == 0) { mt_twist(mt); l = kMtN; x = 0; }
    uint32_t y = mt[x++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    out[i] = y;
  }
  *left = l;
  *next = x;
}

void uniform_floats(const uint32_t* words, index_t n, float range, float from, float* out) {
#if TTS_X86_64
  if (active_isa() != Isa::scalar) return uniform_floats_avx2(words, n, range, from, out);
#endif
  random_portable::uniform_fill(words, n, range, from, out);
}

}  // namespace tts
