// Portable loops of nn_kernels.h, vectorised by the compiler for the ISA of the including file
// (which includes this inside its own namespace, after its target pragma).

template <typename T>
inline void max_pool_2x2_row_generic_idx(index_t n, const T* __restrict r0, const T* __restrict r1,
                                         T* __restrict y, int64_t* __restrict idx, int64_t base,
                                         int64_t iw) {
  // The four candidates in the order of the general loop; a NaN wins (the last one seen).
  for (index_t j = 0; j < n; ++j) {
    const index_t w = 2 * j;
    T m = r0[w];
    int64_t mi = base + w;
    T v = r0[w + 1];
    bool c = v > m || v != v;
    m = c ? v : m;
    mi = c ? base + w + 1 : mi;
    v = r1[w];
    c = v > m || v != v;
    m = c ? v : m;
    mi = c ? base + iw + w : mi;
    v = r1[w + 1];
    c = v > m || v != v;
    m = c ? v : m;
    mi = c ? base + iw + w + 1 : mi;
    y[j] = m;
    idx[j] = mi;
  }
}

template <typename T>
inline void max_pool_2x2_row_generic_noidx(index_t n, const T* __restrict r0,
                                           const T* __restrict r1, T* __restrict y) {
  for (index_t j = 0; j < n; ++j) {
    const index_t w = 2 * j;
    T m = r0[w];
    T v = r0[w + 1];
    m = (v > m || v != v) ? v : m;
    v = r1[w];
    m = (v > m || v != v) ? v : m;
    v = r1[w + 1];
    m = (v > m || v != v) ? v : m;
    y[j] = m;
  }
}

template <typename T>
void max_pool_2x2_row_generic(index_t n, const T* r0, const T* r1, T* y, int64_t* idx,
                              int64_t base, int64_t iw) {
  if (idx != nullptr) max_pool_2x2_row_generic_idx(n, r0, r1, y, idx, base, iw);
  else max_pool_2x2_row_generic_noidx(n, r0, r1, y);
}

template <typename T, class F>
inline void act_grad_loop(index_t n, const T* g, const T* x, T* out, F f) {
  _Pragma("GCC ivdep") for (index_t i = 0; i < n; ++i) out[i] = f(g[i], x[i]);
}

template <typename T>
void act_grad_generic(ActGradOp op, index_t n, const T* g, const T* x, T* out, double alpha) {
  using D = double;
  constexpr D kSqrt1_2 = 0.70710678118654752440;
  constexpr D kInvSqrt2Pi = 0.39894228040143267794;
  constexpr D kBeta = 0.79788456080286535588;  // sqrt(2/pi)
  constexpr D kKappa = 0.044715;
  const T th = static_cast<T>(alpha);
  switch (op) {
    case ActGradOp::relu:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) { return xv <= T(0) ? T(0) : gv; });
    case ActGradOp::threshold:
      return act_grad_loop(n, g, x, out, [th](T gv, T xv) { return xv <= th ? T(0) : gv; });
    case ActGradOp::leaky_relu:
      return act_grad_loop(n, g, x, out, [alpha](T gv, T xv) {
        return xv > T(0) ? gv : static_cast<T>(static_cast<D>(gv) * alpha);
      });
    case ActGradOp::sigmoid:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        const D o = xv;
        return static_cast<T>(static_cast<D>(gv) * (1 - o) * o);
      });
    case ActGradOp::tanh:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        const D o = xv;
        return static_cast<T>(static_cast<D>(gv) * (1 - o * o));
      });
    case ActGradOp::gelu:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        const D v = xv;
        const D d = 0.5 * (1 + std::erf(v * kSqrt1_2)) + v * kInvSqrt2Pi * std::exp(-0.5 * v * v);
        return static_cast<T>(static_cast<D>(gv) * d);
      });
    case ActGradOp::gelu_tanh:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        const D v = xv;
        const D t = std::tanh(kBeta * (v + kKappa * v * v * v));
        const D d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * kBeta * (1 + 3 * kKappa * v * v);
        return static_cast<T>(static_cast<D>(gv) * d);
      });
    case ActGradOp::silu:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        const D v = xv, s = 1 / (1 + std::exp(-v));
        return static_cast<T>(static_cast<D>(gv) * s * (1 + v * (1 - s)));
      });
    case ActGradOp::mul:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        return static_cast<T>(static_cast<D>(gv) * static_cast<D>(xv));
      });
    default:
      return;
  }
}
