// Checks the AVX2 float kernels (elementwise_avx2.cc, avx2_exp.h) against a scalar model of the
// AVX-512 kernels (elementwise_avx512.cc, avx512_exp.h), operation by operation with the documented
// AVX-512 semantics: scalef(p, n) = p * 2^n rounded once; getexp/getmant = exponent / mantissa in
// [1, 2) of |x| (denormals normalised); max/min return the second operand on NaN. Bits must be
// equal (NaN: any NaN). A developer's check, not part of the build or of `npm test`:
//   g++ -O2 -mavx2 -mfma -std=c++17 -ffp-contract=off -fno-math-errno -I native \
//       -o /tmp/avx2_math native/check/avx2_math.cc && /tmp/avx2_math [stride]
// stride 1 visits every float (about 10 minutes of one Zen 3 core for the kernels, as long again
// for the clamp comparison); stride 97 takes seconds.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>
#include "../elementwise_avx2.cc"

using namespace tts;
static float bf(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
static uint32_t fb(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

static float mx(float a, float b) { return a > b ? a : b; }  // vmaxps: b on NaN
static float mn(float a, float b) { return a < b ? a : b; }
static float scalef_ref(float p, float n) {
  if (std::isnan(p) || std::isnan(n)) return p + n;
  return static_cast<float>(static_cast<double>(p) * std::ldexp(1.0, static_cast<int>(n)));
}
static float g_clamp = -110.0f;  // the lower clamp of exp_parts (-104 before the silu fix)
static void exp_parts_ref(float x, float& p, float& n) {
  x = mx(g_clamp, mn(89.0f, x));
  n = std::nearbyintf(x * 1.44269504088896341f);
  float r = std::fmaf(-n, 0.693359375f, x);
  r = std::fmaf(-n, -2.12194440e-4f, r);
  p = 1.9875691500e-4f;
  p = std::fmaf(p, r, 1.3981999507e-3f);
  p = std::fmaf(p, r, 8.3334519073e-3f);
  p = std::fmaf(p, r, 4.1665795894e-2f);
  p = std::fmaf(p, r, 1.6666665459e-1f);
  p = std::fmaf(p, r, 5.0000001201e-1f);
  p = std::fmaf(p, r * r, r);
  p = p + 1.0f;
}
static float exp_ref(float x) { float p, n; exp_parts_ref(x, p, n); return scalef_ref(p, n); }
static float log_ref(float x) {
  float ax = std::fabs(x), f = 1, e = 0;
  if (ax != 0 && std::isfinite(ax)) {
    int k = std::ilogb(ax);
    e = static_cast<float>(k);
    f = std::scalbn(ax, -k);
  }
  if (f > 1.41421356237f) { f = f * 0.5f; e = e + 1.0f; }
  float t = f - 1.0f, z = t * t;
  float p = 7.0376836292e-2f;
  for (float c : {-1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f,
                  2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f})
    p = std::fmaf(p, t, c);
  float y = (p * z) * t;
  y = std::fmaf(e, -2.12194440e-4f, y);
  y = std::fmaf(-z, 0.5f, y);
  float r = t + y;
  r = std::fmaf(e, 0.693359375f, r);
  if (x == 0) r = -INFINITY;
  if (x == INFINITY) r = x;
  if (!(x >= 0)) r = NAN;
  return r;
}
static float tanh_ref(float x) {
  float ax = std::fabs(x), z = x * x;
  float p = -5.70498872745e-3f;
  for (float c : {2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f, -3.33332819422e-1f}) p = std::fmaf(p, z, c);
  float small = std::fmaf(p * z, x, x);
  float e = exp_ref(ax + ax);
  float big = 1.0f - 2.0f / (e + 1.0f);
  big = bf((fb(big) & 0x7fffffffu) | (fb(x) & 0x80000000u));
  return ax < 0.625f ? small : big;
}
static float sigmoid_ref(float x) {
  float e = exp_ref(0.0f - std::fabs(x));
  return (x < 0 ? e : 1.0f) / (1.0f + e);
}
static float silu_ref(float x) {
  float p, n;
  exp_parts_ref(0.0f - std::fabs(x), p, n);
  float e = scalef_ref(p, n);
  float num = x < 0 ? scalef_ref(x * p, n) : x;
  if (x < -110.0f) num = x * 0.0f;
  return num / (1.0f + e);
}

static bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || fb(a) == fb(b); }

int main(int argc, char** argv) {
  const uint32_t stride = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 1;
  // scalef emulation against the exact p * 2^n, rounded once.
  uint64_t bad = 0, count = 0;
  alignas(32) float pv[8], nv[8], out[8];
  for (uint32_t u = fb(0.5f); u <= fb(2.0f); u += 7 * stride)
    for (int n = -252; n <= 254; n += 8) {
      for (int j = 0; j < 8; ++j) { pv[j] = bf(u) * (j & 1 ? -1.0f : 1.0f) * (j & 2 ? 100.0f : 1.0f); nv[j] = static_cast<float>(n + j); }
      if (n + 7 > 254) continue;
      _mm256_store_ps(out, avx2::scalef_ps(_mm256_load_ps(pv), _mm256_load_ps(nv)));
      for (int j = 0; j < 8; ++j, ++count) {
        float want = scalef_ref(pv[j], nv[j]);
        if (!same(out[j], want) && bad++ < 5) std::printf("scalef(%a, %g): %a want %a\n", pv[j], nv[j], out[j], want);
      }
    }
  std::printf("scalef: %llu cases, %llu differ\n", (unsigned long long)count, (unsigned long long)bad);
  // Every kernel over every float bit pattern (with `stride`), through the kernels' own entry point.
  struct Op { const char* name; UnaryOp op; float (*ref)(float); };
  const Op ops[] = {{"exp", UnaryOp::exp, exp_ref}, {"log", UnaryOp::log, log_ref}, {"tanh", UnaryOp::tanh, tanh_ref},
                    {"sigmoid", UnaryOp::sigmoid, sigmoid_ref}, {"silu", UnaryOp::silu, silu_ref}};
  const size_t block = 1 << 16;
  std::vector<float> x(block), y(block);
  for (const Op& op : ops) {
    uint64_t diff = 0, n = 0;
    for (uint64_t u0 = 0; u0 < (1ull << 32); u0 += block * stride) {
      size_t m = 0;
      for (uint64_t u = u0; u < u0 + block * stride && u < (1ull << 32); u += stride) x[m++] = bf(static_cast<uint32_t>(u));
      // Odd lengths too, so that the masked tails run.
      size_t done = 0;
      for (size_t len : {m / 2 + 3, m - (m / 2 + 3)}) {
        avx2::unary_f32(op.op, static_cast<index_t>(len), x.data() + done, y.data() + done);
        done += len;
      }
      for (size_t i = 0; i < m; ++i, ++n) {
        float want = op.ref(x[i]);
        if (!same(y[i], want) && diff++ < 5) std::printf("%s(%a = %g): %a want %a\n", op.name, x[i], x[i], y[i], want);
      }
    }
    std::printf("%s: %llu inputs, %llu differ\n", op.name, (unsigned long long)n, (unsigned long long)diff);
  }
  // The clamp at -110 instead of -104 changes no exp, sigmoid or tanh result (every exp below
  // -104 rounds to +0 either way), and silu's only in (-110, -104).
  for (const Op& op : ops) {
    uint64_t changed = 0;
    float lo = INFINITY, hi = -INFINITY;
    for (uint64_t u = 0; u < (1ull << 32); u += stride) {
      const float v = bf(static_cast<uint32_t>(u));
      g_clamp = -104.0f;
      const float a = op.ref(v);
      g_clamp = -110.0f;
      if (!same(a, op.ref(v))) { ++changed; lo = std::fmin(lo, v); hi = std::fmax(hi, v); }
    }
    std::printf("%s: clamp -104 -> -110 changes %llu results, in [%g, %g]\n", op.name, (unsigned long long)changed, lo, hi);
  }
  return 0;
}
