// PyTorch's float32 normal_ and uniform_ transforms, included once per ISA inside a namespace (after
// <cmath>, <cstdint>, <cstring>): random.cc's portable copy, where std::fma is a libm call, and
// random_avx2.cc's, compiled for AVX2+FMA, where it is one instruction and the 8 lanes of a block
// vectorise. Both give the same bits: a fused multiply-add rounds once either way, and
// -ffp-contract=off keeps every other product rounded.

inline uint32_t float_bits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }
inline float from_bits(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }

// The avx_mathfun.h constants, rounded from their double literals as the vectors hold them.
const float kSqrtHf = static_cast<float>(0.707106781186547524);
const float kLogP[9] = {
    static_cast<float>(7.0376836292e-2), static_cast<float>(-1.1514610310e-1), static_cast<float>(1.1676998740e-1),
    static_cast<float>(-1.2420140846e-1), static_cast<float>(1.4249322787e-1), static_cast<float>(-1.6668057665e-1),
    static_cast<float>(2.0000714765e-1), static_cast<float>(-2.4999993993e-1), static_cast<float>(3.3333331174e-1)};
const float kLogQ1 = static_cast<float>(-2.12194440e-4);
const float kLogQ2 = static_cast<float>(0.693359375);
const float kMinNormPos = 1.17549435082228750797e-38f;  // 2^-126
const float kMinusDp1 = static_cast<float>(-0.78515625);
const float kMinusDp2 = static_cast<float>(-2.4187564849853515625e-4);
const float kMinusDp3 = static_cast<float>(-3.77489497744594108e-8);
const float kSinP0 = static_cast<float>(-1.9515295891e-4), kSinP1 = static_cast<float>(8.3321608736e-3),
            kSinP2 = static_cast<float>(-1.6666654611e-1);
const float kCosP0 = static_cast<float>(2.443315711809948e-5), kCosP1 = static_cast<float>(-1.388731625493765e-3),
            kCosP2 = static_cast<float>(4.166664568298827e-2);
const float kFourOverPi = static_cast<float>(1.27323954473516);
const float kTwoPi = static_cast<float>(2.0 * 3.14159265358979323846);

// log256_ps for one lane (x in (0, 1]); see avxLogf in random-transforms.ts for the fusions.
inline float avx_logf(float x0) {
  const bool invalid = !(x0 > 0);
  const float x1 = x0 > kMinNormPos ? x0 : (x0 != x0 ? x0 : kMinNormPos);
  const uint32_t bits = float_bits(x1);
  float e = static_cast<float>(static_cast<int32_t>(bits >> 23) - 127 + 1);
  float x = from_bits((bits & ~0x7f800000u) | 0x3f000000u);
  const bool below = x < kSqrtHf;
  const float tmp0 = below ? x : 0.0f;
  x = x - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  x = x + tmp0;
  const float z = x * x;
  // Horner's rule over kLogP, unrolled so that the block's 8 lanes vectorise.
  float y = std::fma(kLogP[0], x, kLogP[1]);
  y = std::fma(y, x, kLogP[2]);
  y = std::fma(y, x, kLogP[3]);
  y = std::fma(y, x, kLogP[4]);
  y = std::fma(y, x, kLogP[5]);
  y = std::fma(y, x, kLogP[6]);
  y = std::fma(y, x, kLogP[7]);
  y = std::fma(y, x, kLogP[8]);
  y = y * x;
  y = std::fma(y, z, e * kLogQ1);
  y = y - z * 0.5f;
  const float xy = x + y;
  const float r = std::fma(e, kLogQ2, xy);
  return invalid ? NAN : r;
}

// sincos256_ps for one lane.
inline void avx_sincosf(float x0, float* sin_out, float* cos_out) {
  bool sign_sin = std::signbit(x0);
  float x = std::fabs(x0);
  int32_t j = static_cast<int32_t>(std::trunc(x * kFourOverPi));
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  const bool swap_sin = (j & 4) != 0;
  const bool poly_mask = (j & 2) == 0;
  x = std::fma(y, kMinusDp1, x);
  x = std::fma(y, kMinusDp2, x);
  x = std::fma(y, kMinusDp3, x);
  const bool sign_cos = ((~(j - 2)) & 4) != 0;
  sign_sin = sign_sin != swap_sin;
  const float z = x * x;
  float c = std::fma(kCosP0, z, kCosP1);
  c = std::fma(c, z, kCosP2);
  c = c * z;
  c = std::fma(c, z, -(z * 0.5f));
  c = c + 1.0f;
  float s = std::fma(kSinP0, z, kSinP1);
  s = std::fma(s, z, kSinP2);
  s = s * z;
  s = std::fma(s, x, x);
  const float sin_v = poly_mask ? s : c;
  const float cos_v = poly_mask ? c : s;
  *sin_out = sign_sin ? -sin_v : sin_v;
  *cos_out = sign_cos ? -cos_v : cos_v;
}

// normal_fill_16_AVX2 on `blocks` blocks of 16 floats (random.h).
inline void normal_fill_16(float* data, index_t blocks, float mean, float std_) {
  for (index_t b = 0; b < blocks; ++b) {
    float* d = data + 16 * b;
    for (int j = 0; j < 8; ++j) {
      const float u1 = 1.0f - d[j];
      const float u2 = d[j + 8];
      const float radius = std::sqrt(-2.0f * avx_logf(u1));
      const float theta = kTwoPi * u2;
      float sin_t, cos_t;
      avx_sincosf(theta, &sin_t, &cos_t);
      d[j] = std::fma(radius * cos_t, std_, mean);
      d[j + 8] = std::fma(radius * sin_t, std_, mean);
    }
  }
}

// uniform_ for float32 (random.h).
inline void uniform_fill(const uint32_t* words, index_t n, float range, float from, float* out) {
  const float scale = 5.9604644775390625e-08f;  // 2^-24
  for (index_t i = 0; i < n; ++i) out[i] = std::fma(static_cast<float>(words[i] & 0xffffffu) * scale, range, from);
}
