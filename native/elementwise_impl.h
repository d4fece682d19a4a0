// Portable elementwise kernels, written as plain loops that the compiler vectorises for the ISA
// of the including file (which includes this inside its own namespace, after its target
// pragma). `#pragma GCC ivdep`: outputs may equal an input exactly (never partially overlap),
// which is safe to vectorise, so no runtime alias checks (which would fail for x == y and fall
// back to scalar code) are wanted.
//
// float results follow the plain double-precision formula rounded to float, like the JS kernels.

#define TTS_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

template <typename T>
inline T nan_max(T a, T b) {
  return (a != a || b != b) ? a + b : (a > b ? a : b);
}
template <typename T>
inline T nan_min(T a, T b) {
  return (a != a || b != b) ? a + b : (a < b ? a : b);
}

#include "rounding_impl.h"

template <typename T>
void unary_generic(UnaryOp op, index_t n, const T* x, T* y) {
  using D = double;
  switch (op) {
#define TTS_UNARY(name, expr)  \
  case UnaryOp::name:          \
    TTS_LOOP(n) {              \
      T v = x[i];              \
      D d = static_cast<D>(v); \
      (void)d;                 \
      y[i] = static_cast<T>(expr); \
    }                          \
    return;
    TTS_UNARY(neg, -v)
    TTS_UNARY(abs, std::fabs(v))
    TTS_UNARY(sqrt, std::sqrt(v))
    TTS_UNARY(rsqrt, T(1) / std::sqrt(v))  // in T, as torch.rsqrt: its float bits, and vectorised
    TTS_UNARY(reciprocal, T(1) / v)
    TTS_UNARY(square, v * v)
    TTS_UNARY(exp, std::exp(d))
    TTS_UNARY(log, std::log(d))
    TTS_UNARY(tanh, std::tanh(d))
    TTS_UNARY(sigmoid, D(1) / (D(1) + std::exp(-d)))
    TTS_UNARY(relu, v < 0 ? T(0) : v)
    TTS_UNARY(silu, d / (D(1) + std::exp(-d)))
    TTS_UNARY(floor, floor_of(v))
    TTS_UNARY(ceil, ceil_of(v))
    TTS_UNARY(trunc, trunc_of(v))
    TTS_UNARY(round, std::nearbyint(v))  // half to even, as torch.round
    TTS_UNARY(sign, v > 0 ? T(1) : (v < 0 ? T(-1) : T(0)))  // 0 for +-0 and NaN, as torch.sign
#undef TTS_UNARY
    default:
      return;
  }
}

template <typename T, class F>
inline void binary_loop(index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out, F f) {
  if (sa == 1 && sb == 1) {
    TTS_LOOP(n) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = *b;
    TTS_LOOP(n) out[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const T av = *a;
    TTS_LOOP(n) out[i] = f(av, b[i]);
  } else {
    TTS_LOOP(n) out[i] = f(a[i * sa], b[i * sb]);
  }
}

template <typename T>
void binary_generic(BinaryOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb,
                    T* out, T alpha) {
  switch (op) {
    case BinaryOp::add:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return u + v; });
    case BinaryOp::sub:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return u - v; });
    case BinaryOp::mul:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return u * v; });
    case BinaryOp::div:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return u / v; });
    case BinaryOp::maximum:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return nan_max(u, v); });
    case BinaryOp::minimum:
      return binary_loop(n, a, sa, b, sb, out, [](T u, T v) { return nan_min(u, v); });
    case BinaryOp::add_scaled:
      // std::fma, not u + alpha * v: the build has -ffp-contract=off, and one rounding is the
      // point (the compiler vectorises it to vfmadd where the ISA has FMA).
      return binary_loop(n, a, sa, b, sb, out, [alpha](T u, T v) { return std::fma(alpha, v, u); });
    default:
      return;
  }
}

// The 16 lanes of the cascade sum of x[0:n] (elementwise_cascade.h), in plain loops that the
// compiler vectorises for the including file's ISA.
template <typename T>
void sum_lanes_generic(index_t n, const T* x, double* out) {
  constexpr int W = kSumWays * kSumLanes;
  SumCounter<T> counter;
  for (index_t base = 0; base < n; base += kSumLeaf) {
    const index_t len = min_i(kSumLeaf, n - base);
    const T* p = x + base;
    T acc[W] = {};
    index_t i = 0;
    for (; i + W <= len; i += W)
      for (int j = 0; j < W; ++j) acc[j] += p[i + j];
    for (int j = 0; i + j < len; ++j) acc[j] += p[i + j];
    T leaf[kSumLanes];
    for (int j = 0; j < kSumLanes; ++j)
      leaf[j] = (acc[j] + acc[kSumLanes + j]) + (acc[2 * kSumLanes + j] + acc[3 * kSumLanes + j]);
    counter.push(leaf);
  }
  counter.flush(out, false);
}

template <typename T>
double reduce_row_generic(ReduceOp op, index_t n, const T* x) {
  constexpr int L = 8;  // independent partial results, so the loop can vectorise
  index_t i = 0;
  if (op == ReduceOp::sum || op == ReduceOp::mean) {
    double lanes[kSumLanes];
    sum_lanes_generic(n, x, lanes);
    return static_cast<double>(static_cast<T>(fold_lanes(lanes)));
  }
  const bool is_max = op == ReduceOp::max;
  if (n == 0) return is_max ? -HUGE_VAL : HUGE_VAL;
  T acc[L];
  for (int j = 0; j < L; ++j) acc[j] = x[0];
  for (; i + L <= n; i += L)
    for (int j = 0; j < L; ++j)
      acc[j] = is_max ? nan_max(acc[j], x[i + j]) : nan_min(acc[j], x[i + j]);
  T r = x[0];
  for (; i < n; ++i) r = is_max ? nan_max(r, x[i]) : nan_min(r, x[i]);
  for (int j = 0; j < L; ++j) r = is_max ? nan_max(r, acc[j]) : nan_min(r, acc[j]);
  return static_cast<double>(r);
}

template <typename T>
void reduce_cols_generic(ReduceOp op, index_t rows, index_t cols, index_t ld, const T* x,
                         double* acc, bool first) {
  index_t r = 0;
  if (first && rows > 0) {
    TTS_LOOP(cols) acc[i] = static_cast<double>(x[i]);
    r = 1;
  }
  for (; r < rows; ++r) {
    const T* row = x + r * ld;
    switch (op) {
      case ReduceOp::max:
        TTS_LOOP(cols) acc[i] = nan_max(acc[i], static_cast<double>(row[i]));
        break;
      case ReduceOp::min:
        TTS_LOOP(cols) acc[i] = nan_min(acc[i], static_cast<double>(row[i]));
        break;
      default:
        // Four rows per pass over the accumulators (the same additions in the same order per
        // column): a quarter of the accumulator loads and stores, which bound the one-row loop.
        for (; r + 4 <= rows; r += 4, row += 4 * ld)
          TTS_LOOP(cols) acc[i] = (((acc[i] + static_cast<double>(row[i])) +
                                    static_cast<double>(row[ld + i])) +
                                   static_cast<double>(row[2 * ld + i])) +
                                  static_cast<double>(row[3 * ld + i]);
        if (r == rows) return;
        TTS_LOOP(cols) acc[i] += static_cast<double>(row[i]);
        break;
    }
  }
}

template <typename T>
void softmax_generic(bool log, index_t rows, index_t cols, const T* x, T* y) {
  for (index_t r = 0; r < rows; ++r, x += cols, y += cols) {
    const double m = reduce_row_generic(ReduceOp::max, cols, x);
    double sum = 0;
    if (log) {
      for (index_t i = 0; i < cols; ++i) sum += std::exp(static_cast<double>(x[i]) - m);
      const double lse = m + std::log(sum);
      TTS_LOOP(cols) y[i] = static_cast<T>(static_cast<double>(x[i]) - lse);
    } else {
      for (index_t i = 0; i < cols; ++i) {
        double e = std::exp(static_cast<double>(x[i]) - m);
        sum += e;
        y[i] = static_cast<T>(e);
      }
      const double inv = 1.0 / sum;
      TTS_LOOP(cols) y[i] = static_cast<T>(static_cast<double>(y[i]) * inv);
    }
  }
}

// PyTorch's Adam/AdamW (torch.optim, single-tensor path), evaluated in double per element.
// Every parameter is copied to a local first: the compiler cannot otherwise tell that stores to
// the buffers leave them unchanged, and would reload them (and not vectorise) in the loop.
template <typename T>
void adam_generic(const AdamParams& p, index_t n, T* param, const T* grad, T* exp_avg,
                  T* exp_avg_sq, T* max_exp_avg_sq) {
  const double step_size = p.lr / p.bias_correction1;
  const double bc2_sqrt = std::sqrt(p.bias_correction2);
  const double decay = p.decoupled ? 1.0 - p.lr * p.weight_decay : 1.0;
  const double l2 = p.decoupled ? 0.0 : p.weight_decay;
  const bool has_l2 = l2 != 0;  // as PyTorch, no 0 * param term (it would turn inf into NaN)
  const double w1 = 1.0 - p.beta1, beta2 = p.beta2, w2 = 1.0 - p.beta2, eps = p.eps;
  const double sign = p.maximize ? -1.0 : 1.0;
  auto step = [&](index_t i, double& w, T& m_t, T& v_t) {
    w = static_cast<double>(param[i]) * decay;
    double g = sign * static_cast<double>(grad[i]);
    if (has_l2) g += l2 * w;
    double m = static_cast<double>(exp_avg[i]);
    m += (g - m) * w1;
    m_t = static_cast<T>(m);
    v_t = static_cast<T>(static_cast<double>(exp_avg_sq[i]) * beta2 + w2 * g * g);
    exp_avg[i] = m_t;
    exp_avg_sq[i] = v_t;
  };
  auto update = [&](index_t i, double w, T m_t, T v) {
    double denom = std::sqrt(static_cast<double>(v)) / bc2_sqrt + eps;
    param[i] = static_cast<T>(w - step_size * static_cast<double>(m_t) / denom);
  };
  if (p.amsgrad) {
    TTS_LOOP(n) {
      double w;
      T m_t, v_t;
      step(i, w, m_t, v_t);
      T mx = max_exp_avg_sq[i] > v_t ? max_exp_avg_sq[i] : v_t;
      max_exp_avg_sq[i] = mx;
      update(i, w, m_t, mx);
    }
  } else {
    TTS_LOOP(n) {
      double w;
      T m_t, v_t;
      step(i, w, m_t, v_t);
      update(i, w, m_t, v_t);
    }
  }
}

// PyTorch's SGD with momentum, dampening, Nesterov and weight decay, in double per element.
template <typename T>
void sgd_generic(const SgdParams& p, index_t n, T* param, const T* grad, T* buf) {
  const double sign = p.maximize ? -1.0 : 1.0;
  const double lr = p.lr, wd = p.weight_decay, momentum = p.momentum, damp = 1.0 - p.dampening;
  const bool has_wd = wd != 0;  // as PyTorch, no 0 * param term (it would turn inf into NaN)
  auto grad_at = [&](index_t i) {
    double g = sign * static_cast<double>(grad[i]);
    return has_wd ? g + wd * static_cast<double>(param[i]) : g;
  };
  if (momentum == 0 || buf == nullptr) {
    TTS_LOOP(n) param[i] = static_cast<T>(static_cast<double>(param[i]) - lr * grad_at(i));
    return;
  }
  const bool first = p.first_step, nesterov = p.nesterov;
  TTS_LOOP(n) {
    double g = grad_at(i);
    T b_t = static_cast<T>(first ? g : momentum * static_cast<double>(buf[i]) + damp * g);
    buf[i] = b_t;
    double d = nesterov ? g + momentum * static_cast<double>(b_t) : static_cast<double>(b_t);
    param[i] = static_cast<T>(static_cast<double>(param[i]) - lr * d);
  }
}

#undef TTS_LOOP
