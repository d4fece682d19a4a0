// Checks fft_impl.h with 64-byte vectors (the AVX-512 build's lane counts: 16 float, 8 double:
// its 16 x 16 / 8 x 8 transposes, groups and leftover lines) against the portable 16-byte build,
// on any x86-64 with AVX2 (GCC lowers the wide vectors to AVX2 instructions), c2c/r2c (frames with
// a window too)/c2r over lengths of every plan kind. Lanes never mix, so float results agree bit
// for bit. A developer's check, not part of the build or of `npm test` (fft.cc's Node-API
// bindings stay unresolved: they are never called here):
//   g++ -std=c++17 -O2 -ffp-contract=off -fno-math-errno -I native -I node_modules/node-addon-api \
//       -I "$(dirname "$(dirname "$(which node)")")/include/node" -DNAPI_VERSION=8 \
//       native/check/fft_wide_lanes.cc native/fft.cc native/fft_generic.cc native/threadpool.cc \
//       native/isa.cc -o /tmp/fft_wide_lanes -pthread -no-pie -Wl,-z,lazy \
//       -Wl,--unresolved-symbols=ignore-all && /tmp/fft_wide_lanes
#include <cstdio>
#include <cmath>
#include <vector>
#include <random>
#include <cstring>
#include <utility>
#include "fft.h"
#include "threadpool.h"
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define TTS_FFT_VECTOR_BYTES 64
namespace tts { namespace t64 {
#include "fft_impl.h"
}}
#pragma GCC pop_options
using namespace tts;
template <class T> double rel(const std::vector<T>& a, const std::vector<T>& b) {
  double e = 0, r = 0; for (size_t i = 0; i < a.size(); ++i) { e += (double(a[i]) - b[i]) * (double(a[i]) - b[i]); r += double(b[i]) * b[i]; }
  return std::sqrt(e / (r > 0 ? r : 1));
}
template <class T> double run(index_t outer, index_t n, index_t inner) {
  std::mt19937 g(n * 7 + outer);
  std::uniform_real_distribution<double> u(-1, 1);
  double worst = 0;
  auto K = fft_kernels_generic<T>();
  auto W = t64::fft_kernels<T>();
  {  // c2c
    auto plan = fft_plan<T>(n);
    std::vector<T> x(2 * outer * n * inner); for (auto& v : x) v = T(u(g));
    for (int inv = 0; inv < 2; ++inv) {
      std::vector<T> a(x.size()), b(x.size());
      K.c2c(*plan, x.data(), a.data(), outer, inner, inv, T(0.5));
      W.c2c(*plan, x.data(), b.data(), outer, inner, inv, T(0.5));
      worst = std::max(worst, rel(b, a));
    }
  }
  index_t pn = n % 2 == 0 ? n / 2 : n;
  auto plan = fft_plan<T>(pn);
  for (index_t outLen : {n / 2 + 1, n}) {  // r2c
    std::vector<T> x(outer * n * inner); for (auto& v : x) v = T(u(g));
    std::vector<T> w(n); for (auto& v : w) v = T(u(g));
    std::vector<T> a(2 * outer * outLen * inner), b(a.size());
    FftRealSource<T> from{inner, n * inner, 1, inner, nullptr};
    K.r2c(*plan, x.data(), a.data(), outer, n, inner, outLen, T(2), from);
    W.r2c(*plan, x.data(), b.data(), outer, n, inner, outLen, T(2), from);
    worst = std::max(worst, rel(b, a));
    if (inner == 1) {  // frames with a window
      const FftRealSource<T> fr{outer, n * outer, n, 1, w.data()};
      K.r2c(*plan, x.data(), a.data(), outer, n, 1, outLen, T(1), fr);
      W.r2c(*plan, x.data(), b.data(), outer, n, 1, outLen, T(1), fr);
      worst = std::max(worst, rel(b, a));
    }
  }
  for (index_t inLen : {n / 2 + 1, index_t(1), n}) {  // c2r
    std::vector<T> x(2 * outer * inLen * inner); for (auto& v : x) v = T(u(g));
    std::vector<T> a(outer * n * inner), b(a.size());
    K.c2r(*plan, x.data(), inLen, a.data(), outer, n, inner, T(0.25));
    W.c2r(*plan, x.data(), inLen, b.data(), outer, n, inner, T(0.25));
    worst = std::max(worst, rel(b, a));
  }
  return worst;
}
int main() {
  double wf = 0, wd = 0;
  for (index_t n : {1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 30, 31, 49, 64, 100, 121, 211, 256, 1000, 1009, 1024, 2310})
    for (auto [o, i] : {std::pair<index_t, index_t>{1, 1}, {17, 1}, {40, 1}, {3, 5}, {2, 19}}) {
      wf = std::max(wf, run<float>(o, n, i));
      wd = std::max(wd, run<double>(o, n, i));
    }
  std::printf("worst relative difference 64-byte vs 16-byte: float %g double %g\n", wf, wd);
  return (wf < 1e-5 && wd < 1e-13) ? 0 : 1;
}
