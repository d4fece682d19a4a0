// The loops of pointwise_loss.h, included inside a per-ISA namespace (pointwise_loss_*.cc), after
// the target pragma. Elements go in blocks of kBlock: a branch-free map into a block buffer (the
// output itself for reduction 'none') that the compiler vectorises, then a sum with kLanes partial
// sums in double (the form GCC vectorises without reassociation). The cheap losses (mse, l1,
// smooth_l1, huber) are evaluated in double and rounded once to T, as the JS kernels; the
// cross-entropies take log/exp/sigmoid from the elementwise kernels of the same ISA (AVX-512
// polynomials for float) and log1p(u) as log(1 + u) * u / ((1 + u) - 1), exact to a few ulp.

// (__builtin_fabs below: std::fabs would not inline under the including files' optimize pragma.)
constexpr index_t kBlock = 512;
#include "double_sum_impl.h"

// Clamps to [-c, c] keeping NaN (PyTorch's clamp propagates it).
// Two flat selects (a nested one stays a branch), NaN failing both comparisons.
inline double clamp_sym(double v, double c) {
  const double hi = v > c ? c : v;
  return v < -c ? -c : hi;
}

// log1p(u[i]) for u[i] in (-1, inf) given lw[i] = log(w[i]), w[i] = 1 + u[i] (both in T), in place.
template <typename T>
void log1p_fix(index_t n, const T* __restrict u, const T* __restrict w, T* __restrict lw) {
  for (index_t i = 0; i < n; ++i) {
    const T wm1 = w[i] - T(1);
    lw[i] = wm1 == T(0) ? u[i] : lw[i] * (u[i] / wm1);
  }
}

// One block of a loss into v[0, n).
template <typename T>
void loss_block(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* __restrict v) {
  const T* __restrict x = o.x;
  const T* __restrict y = o.y;
  const T* __restrict w = o.w;
  const T* __restrict pw = o.pw;
  const double p = o.param;
  switch (kind) {
    case PointwiseLoss::mse:
      for (index_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        v[i] = static_cast<T>(d * d);
      }
      return;
    case PointwiseLoss::l1:
      for (index_t i = 0; i < n; ++i) v[i] = static_cast<T>(__builtin_fabs(static_cast<double>(x[i]) - static_cast<double>(y[i])));
      return;
    case PointwiseLoss::smooth_l1:
      for (index_t i = 0; i < n; ++i) {
        const double z = __builtin_fabs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
        const double small = (0.5 * z * z) / p, big = z - 0.5 * p;
        v[i] = static_cast<T>(z < p ? small : big);
      }
      return;
    case PointwiseLoss::huber:
      for (index_t i = 0; i < n; ++i) {
        const double z = __builtin_fabs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
        const double small = 0.5 * z * z, big = p * (z - 0.5 * p);
        v[i] = static_cast<T>(z < p ? small : big);
      }
      return;
    case PointwiseLoss::bce: {
      // (t - 1) max(log1p(-x), -100) - t max(log(x), -100), times w.
      T lx[kBlock], u[kBlock], w1[kBlock];
      o.unary(UnaryOp::log, n, x, lx);
      for (index_t i = 0; i < n; ++i) {
        u[i] = -x[i];
        w1[i] = T(1) - x[i];
      }
      o.unary(UnaryOp::log, n, w1, v);
      log1p_fix(n, u, w1, v);
      for (index_t i = 0; i < n; ++i) {
        const T lo = v[i] < T(-100) ? T(-100) : v[i], li = lx[i] < T(-100) ? T(-100) : lx[i];
        const T l = (y[i] - T(1)) * lo - y[i] * li;
        v[i] = w != nullptr ? l * w[i] : l;
      }
      return;
    }
    case PointwiseLoss::bce_logits: {
      // (1 - t) x - log_sigmoid(x) (1 + (pw - 1) t), times w; log_sigmoid(x) = min(x, 0) -
      // log1p(exp(-|x|)).
      T e[kBlock], w1[kBlock];
      for (index_t i = 0; i < n; ++i) w1[i] = -__builtin_fabs(x[i]);
      o.unary(UnaryOp::exp, n, w1, e);
      for (index_t i = 0; i < n; ++i) w1[i] = T(1) + e[i];
      o.unary(UnaryOp::log, n, w1, v);
      log1p_fix(n, e, w1, v);
      for (index_t i = 0; i < n; ++i) {
        const T xi = x[i], ti = y[i];
        T ls = (xi < T(0) ? xi : T(0)) - v[i];
        if (pw != nullptr) ls *= (pw[i] - T(1)) * ti + T(1);
        const T l = (T(1) - ti) * xi - ls;
        v[i] = w != nullptr ? l * w[i] : l;
      }
      return;
    }
  }
}

template <typename T>
double loss_forward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* out, int* bad) {
  if (kind == PointwiseLoss::bce) {
    int b = 0;
    for (index_t i = 0; i < n; ++i) b |= !(o.x[i] >= T(0) && o.x[i] <= T(1)) | !(o.y[i] >= T(0) && o.y[i] <= T(1));
    if (b) {
      *bad = 1;
      return 0;
    }
  }
  T scratch[kBlock];
  double s = 0;
  for (index_t lo = 0; lo < n; lo += kBlock) {
    const index_t len = min_i(kBlock, n - lo);
    T* v = out != nullptr ? out + lo : scratch;
    const LossOperands<T> ob{o.x + lo, o.y + lo, o.w != nullptr ? o.w + lo : nullptr,
                             o.pw != nullptr ? o.pw + lo : nullptr, o.param, o.unary};
    loss_block(kind, len, ob, v);
    s += sum_in_double(len, v);
  }
  return s;
}

// d loss / d x of one block into d[0, n) (before the coefficient).
template <typename T>
void grad_block(PointwiseLoss kind, index_t n, const LossOperands<T>& o, T* __restrict d) {
  const T* __restrict x = o.x;
  const T* __restrict y = o.y;
  const T* __restrict pw = o.pw;
  const double p = o.param;
  switch (kind) {
    case PointwiseLoss::mse:
      for (index_t i = 0; i < n; ++i) d[i] = static_cast<T>(2 * (static_cast<double>(x[i]) - static_cast<double>(y[i])));
      return;
    case PointwiseLoss::l1:
      for (index_t i = 0; i < n; ++i) {
        const double v = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        // sgn as PyTorch's abs backward: +-0 and NaN give 0.
        const double pos = v > 0 ? 1.0 : 0.0, neg = v < 0 ? 1.0 : 0.0;
        d[i] = static_cast<T>(pos - neg);
      }
      return;
    case PointwiseLoss::smooth_l1:
      for (index_t i = 0; i < n; ++i) d[i] = static_cast<T>(clamp_sym((static_cast<double>(x[i]) - static_cast<double>(y[i])) / p, 1));
      return;
    case PointwiseLoss::huber:
      for (index_t i = 0; i < n; ++i) d[i] = static_cast<T>(clamp_sym(static_cast<double>(x[i]) - static_cast<double>(y[i]), p));
      return;
    case PointwiseLoss::bce:
      for (index_t i = 0; i < n; ++i) {
        const double xi = x[i], den = (1 - xi) * xi;
        d[i] = static_cast<T>((xi - static_cast<double>(y[i])) / (den < 1e-12 ? 1e-12 : den));
      }
      return;
    case PointwiseLoss::bce_logits:
      o.unary(UnaryOp::sigmoid, n, x, d);
      if (pw != nullptr) {
        for (index_t i = 0; i < n; ++i) d[i] = ((pw[i] - T(1)) * y[i] + T(1)) * d[i] - pw[i] * y[i];
      } else {
        for (index_t i = 0; i < n; ++i) d[i] = d[i] - y[i];
      }
      return;
  }
}

template <typename T>
void loss_backward(PointwiseLoss kind, index_t n, const LossOperands<T>& o, const T* g, double g0,
                   double scale, T* gx) {
  for (index_t lo = 0; lo < n; lo += kBlock) {
    const index_t len = min_i(kBlock, n - lo);
    const LossOperands<T> ob{o.x + lo, o.y + lo, o.w != nullptr ? o.w + lo : nullptr,
                             o.pw != nullptr ? o.pw + lo : nullptr, o.param, o.unary};
    T* __restrict d = gx + lo;
    grad_block(kind, len, ob, d);
    const T* __restrict w = ob.w;
    const T* __restrict gb = g != nullptr ? g + lo : nullptr;
    if (gb == nullptr && w == nullptr) {
      const double c = g0 * scale;
      for (index_t i = 0; i < len; ++i) d[i] = static_cast<T>(c * static_cast<double>(d[i]));
    } else {
      for (index_t i = 0; i < len; ++i) {
        double c = (gb != nullptr ? static_cast<double>(gb[i]) : g0) * scale;
        if (w != nullptr) c *= static_cast<double>(w[i]);
        d[i] = static_cast<T>(c * static_cast<double>(d[i]));
      }
    }
  }
}

template <typename T>
LossKernels<T> make_loss_kernels() {
  return {&loss_forward<T>, &loss_backward<T>};
}
