// FFT plans (twiddles from exact integer angle reductions, in long double), their cache, the
// per-ISA dispatch and the Node-API bindings. The transforms themselves are fft_impl.h's. As in
// addon.cc nothing is validated here: src/backends/native/fft.ts checks every argument first.
#include "fft.h"

#include <cmath>
#include <map>
#include <mutex>

#include "napi_typed.h"
#include "threadpool.h"

namespace tts {
namespace {

// cos and sin of 2π·k/n: the angle reduced to the first octant in integers, then evaluated in
// long double and rounded once (what keeps float64 transforms at pocketfft's accuracy).
void cos_sin_2pi(index_t k, index_t n, double* out) {
  index_t x = k % n;
  if (x < 0) x += n;
  // 2π·u/(4n): a quarter turn is u = n (4x < 4n fits easily: n < 2^53 / 4 in practice).
  index_t u = 4 * x;
  bool negate = false, quarter = false, swap = false;
  if (u >= 2 * n) { u -= 2 * n; negate = true; }
  if (u >= n) { u -= n; quarter = true; }
  if (2 * u > n) { u = n - u; swap = true; }
  const long double phi = 1.57079632679489661923132169163975144L * static_cast<long double>(u) / static_cast<long double>(n);
  double c = static_cast<double>(std::cos(phi)), s = static_cast<double>(std::sin(phi));
  if (2 * u == n) c = s = 0.70710678118654752440;
  if (swap) std::swap(c, s);
  if (quarter) { const double t = c; c = -s; s = t; }
  if (negate) { c = -c; s = -s; }
  out[0] = c + 0.0;  // no -0
  out[1] = s + 0.0;
}

std::vector<int> factorize(index_t n) {
  std::vector<int> f;
  index_t rest = n;
  while (rest % 4 == 0) { f.push_back(4); rest /= 4; }
  if (rest % 2 == 0) { f.push_back(2); rest /= 2; }
  for (index_t p = 3; p * p <= rest; p += 2)
    while (rest % p == 0) { f.push_back(static_cast<int>(p)); rest /= p; }
  if (rest > 1) f.push_back(static_cast<int>(rest));
  return f;
}

// pocketfft's cost model, as src/backends/js/fft.ts.
double mixed_radix_cost(index_t n) {
  double per = 0;
  for (int p : factorize(n)) per += p <= 5 ? p : 1.1 * p;
  return per * static_cast<double>(n);
}

index_t smooth_length(index_t n) {
  if (n <= 6) return n;
  index_t best = 1;
  while (best < n) best *= 2;
  for (index_t f5 = 1; f5 < best; f5 *= 5)
    for (index_t f35 = f5; f35 < best; f35 *= 3) {
      index_t x = f35;
      while (x < n) x *= 2;
      if (x < best) best = x;
    }
  return best;
}

bool use_bluestein(index_t n) {
  return n > 5 && 2 * mixed_radix_cost(smooth_length(2 * n - 1)) * 1.5 < mixed_radix_cost(n);
}

template <class T>
void make_stages(FftPlan<T>& p, index_t m) {
  index_t span = 1;
  double cs[2];
  for (int radix : factorize(m)) {
    FftStage<T> st;
    st.radix = radix;
    st.span = span;
    const index_t length = span * radix;
    st.twiddles.resize(2 * span * (radix - 1));
    for (index_t k = 0; k < span; ++k)
      for (int r = 1; r < radix; ++r) {
        cos_sin_2pi(-r * k, length, cs);
        st.twiddles[2 * (k * (radix - 1) + r - 1)] = static_cast<T>(cs[0]);
        st.twiddles[2 * (k * (radix - 1) + r - 1) + 1] = static_cast<T>(cs[1]);
      }
    if (radix > 5) {
      st.roots.resize(2 * radix);
      for (int q = 0; q < radix; ++q) {
        cos_sin_2pi(-q, radix, cs);
        st.roots[2 * q] = static_cast<T>(cs[0]);
        st.roots[2 * q + 1] = static_cast<T>(cs[1]);
      }
    }
    p.stages.push_back(std::move(st));
    span = length;
  }
}

// The kernel's spectrum by a plain double-precision Stockham run of the stages (once per plan).
void forward_double(const std::vector<FftStage<double>>& stages, index_t m, std::vector<double>& data) {
  std::vector<double> other(data.size());
  double* src = data.data();
  double* dst = other.data();
  for (const auto& st : stages) {
    const int p = st.radix;
    const index_t span = st.span, blocks = m / (span * p), stride = m / p;
    std::vector<double> v(2 * p), roots(2 * p);
    for (int q = 0; q < p; ++q) cos_sin_2pi(-q, p, &roots[2 * q]);
    for (index_t b = 0; b < blocks; ++b)
      for (index_t k = 0; k < span; ++k) {
        const index_t j = b * span + k;
        for (int r = 0; r < p; ++r) {
          const double xr = src[2 * (j + r * stride)], xi = src[2 * (j + r * stride) + 1];
          if (r == 0 || k == 0) { v[2 * r] = xr; v[2 * r + 1] = xi; continue; }
          const double wr = st.twiddles[2 * (k * (p - 1) + r - 1)], wi = st.twiddles[2 * (k * (p - 1) + r - 1) + 1];
          v[2 * r] = xr * wr - xi * wi;
          v[2 * r + 1] = xr * wi + xi * wr;
        }
        for (int s = 0; s < p; ++s) {
          long double sr = 0, si = 0;
          for (int r = 0; r < p; ++r) {
            const double* cs = &roots[2 * ((r * s) % p)];
            sr += static_cast<long double>(v[2 * r]) * cs[0] - static_cast<long double>(v[2 * r + 1]) * cs[1];
            si += static_cast<long double>(v[2 * r]) * cs[1] + static_cast<long double>(v[2 * r + 1]) * cs[0];
          }
          const index_t o = b * span * p + k + s * span;
          dst[2 * o] = static_cast<double>(sr);
          dst[2 * o + 1] = static_cast<double>(si);
        }
      }
    std::swap(src, dst);
  }
  if (src != data.data()) std::copy(src, src + data.size(), data.data());
}

template <class T>
std::shared_ptr<FftPlan<T>> make_plan(index_t n) {
  auto p = std::make_shared<FftPlan<T>>();
  p->n = n;
  p->bluestein = use_bluestein(n);
  p->m = p->bluestein ? smooth_length(2 * n - 1) : n;
  make_stages(*p, p->m);
  double cs[2];
  p->half.resize(2 * n);
  for (index_t k = 0; k < n; ++k) {
    cos_sin_2pi(-k, 2 * n, cs);
    p->half[2 * k] = static_cast<T>(cs[0]);
    p->half[2 * k + 1] = static_cast<T>(cs[1]);
  }
  if (p->bluestein) {
    const index_t m = p->m;
    std::vector<double> chirp(2 * n), kernel(2 * m, 0.0);
    index_t square = 0;  // j² mod 2n, stepped exactly
    for (index_t j = 0; j < n; ++j) {
      cos_sin_2pi(square, 2 * n, &chirp[2 * j]);
      square = (square + 2 * j + 1) % (2 * n);
    }
    for (index_t j = 0; j < n; ++j) {
      kernel[2 * j] = chirp[2 * j] / static_cast<double>(m);
      kernel[2 * j + 1] = chirp[2 * j + 1] / static_cast<double>(m);
      if (j > 0) {
        kernel[2 * (m - j)] = kernel[2 * j];
        kernel[2 * (m - j) + 1] = kernel[2 * j + 1];
      }
    }
    FftPlan<double> inner;
    make_stages(inner, m);
    forward_double(inner.stages, m, kernel);
    p->chirp.assign(chirp.begin(), chirp.end());
    p->kernel.assign(kernel.begin(), kernel.end());
  }
  return p;
}

template <class T>
size_t plan_numbers(const FftPlan<T>& p) {
  size_t total = p.chirp.size() + p.kernel.size() + p.half.size();
  for (const auto& st : p.stages) total += st.twiddles.size() + st.roots.size();
  return total;
}

// Plans by length; the oldest go once all hold more than 2^23 numbers (as the JS cache).
template <class T>
struct PlanCache {
  std::mutex mutex;
  std::map<index_t, std::shared_ptr<FftPlan<T>>> plans;
  std::vector<index_t> order;
  size_t numbers = 0;
};

template <class T>
PlanCache<T>& plan_cache() {
  static PlanCache<T> cache;
  return cache;
}

}  // namespace

template <class T>
std::shared_ptr<const FftPlan<T>> fft_plan(index_t n) {
  PlanCache<T>& c = plan_cache<T>();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.plans.find(n);
    if (it != c.plans.end()) return it->second;
  }
  auto plan = make_plan<T>(n);  // outside the lock: a long plan does not hold up other lengths
  std::lock_guard<std::mutex> lock(c.mutex);
  auto it = c.plans.find(n);
  if (it != c.plans.end()) return it->second;
  c.plans[n] = plan;
  c.order.push_back(n);
  c.numbers += plan_numbers(*plan);
  size_t i = 0;
  while (c.numbers > (size_t{1} << 23) && i < c.order.size()) {
    const index_t old = c.order[i];
    if (old == n) { ++i; continue; }
    c.numbers -= plan_numbers(*c.plans[old]);  // users holding it keep it alive
    c.plans.erase(old);
    c.order.erase(c.order.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return plan;
}

template std::shared_ptr<const FftPlan<float>> fft_plan<float>(index_t);
template std::shared_ptr<const FftPlan<double>> fft_plan<double>(index_t);

bool fft_is_bluestein(index_t n) { return use_bluestein(n); }

namespace {

template <class T>
const FftKernels<T>& kernels() {
  return for_active_isa<FftKernels<T>, &fft_kernels_avx512<T>, &fft_kernels_avx2<T>, &fft_kernels_generic<T>>();
}

index_t I(double v) { return static_cast<index_t>(v); }

// fftC2C(src, dst, args): args = [srcOff, dstOff, outer, n, inner, inverse, scale] (offsets in
// complex elements; dst is src or disjoint from it).
Napi::Value C2C(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[2]);
  const index_t n = I(p[3]);
  if (is_float64(info[0])) {
    auto plan = fft_plan<double>(n);
    kernels<double>().c2c(*plan, typed_data<const double>(info[0]) + 2 * I(p[0]), typed_data<double>(info[1]) + 2 * I(p[1]),
                          I(p[2]), I(p[4]), p[5] != 0, p[6]);
  } else {
    auto plan = fft_plan<float>(n);
    kernels<float>().c2c(*plan, typed_data<const float>(info[0]) + 2 * I(p[0]), typed_data<float>(info[1]) + 2 * I(p[1]),
                         I(p[2]), I(p[4]), p[5] != 0, static_cast<float>(p[6]));
  }
  return info.Env().Undefined();
}

// fftR2C(src, dst, window | null, args): args = [srcOff, dstOff, outer, n, inner, outLength, scale,
// group, groupStride, lineStride, elementStride] (srcOff in real elements, dstOff in complex ones;
// the source layout of FftRealSource).
template <class T>
void r2c_call(const Napi::CallbackInfo& info, const double* p) {
  const index_t n = I(p[3]);
  auto plan = fft_plan<T>(n % 2 == 0 ? n / 2 : n);
  const FftRealSource<T> from{I(p[7]), I(p[8]), I(p[9]), I(p[10]), info[2].IsNull() ? nullptr : typed_data<const T>(info[2])};
  kernels<T>().r2c(*plan, typed_data<const T>(info[0]) + I(p[0]), typed_data<T>(info[1]) + 2 * I(p[1]), I(p[2]), n, I(p[4]),
                   I(p[5]), static_cast<T>(p[6]), from);
}

Napi::Value R2C(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[3]);
  if (is_float64(info[0])) r2c_call<double>(info, p);
  else r2c_call<float>(info, p);
  return info.Env().Undefined();
}

// fftC2R(src, dst, args): args = [srcOff, dstOff, outer, inLength, n, inner, scale]
// (srcOff in complex elements, dstOff in real ones).
Napi::Value C2R(const Napi::CallbackInfo& info) {
  const double* p = typed_data<const double>(info[2]);
  const index_t n = I(p[4]);
  const index_t plan_n = n % 2 == 0 ? n / 2 : n;
  if (is_float64(info[0])) {
    auto plan = fft_plan<double>(plan_n);
    kernels<double>().c2r(*plan, typed_data<const double>(info[0]) + 2 * I(p[0]), I(p[3]), typed_data<double>(info[1]) + I(p[1]),
                          I(p[2]), n, I(p[5]), p[6]);
  } else {
    auto plan = fft_plan<float>(plan_n);
    kernels<float>().c2r(*plan, typed_data<const float>(info[0]) + 2 * I(p[0]), I(p[3]), typed_data<float>(info[1]) + I(p[1]),
                         I(p[2]), n, I(p[5]), static_cast<float>(p[6]));
  }
  return info.Env().Undefined();
}

Napi::Value Algorithm(const Napi::CallbackInfo& info) {
  const index_t n = I(info[0].As<Napi::Number>().DoubleValue());
  return Napi::String::New(info.Env(), fft_is_bluestein(n) ? "bluestein" : "mixed-radix");
}

}  // namespace

void register_fft_functions(Napi::Env env, Napi::Object exports) {
  exports.Set("fftC2C", Napi::Function::New(env, C2C, "fftC2C"));
  exports.Set("fftR2C", Napi::Function::New(env, R2C, "fftR2C"));
  exports.Set("fftC2R", Napi::Function::New(env, C2R, "fftC2R"));
  exports.Set("fftAlgorithm", Napi::Function::New(env, Algorithm, "fftAlgorithm"));
}

}  // namespace tts
