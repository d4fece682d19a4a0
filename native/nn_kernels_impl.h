// Portable loops of nn_kernels.h, vectorised by the compiler for the ISA of the including file
// (which includes this inside its own namespace, after its target pragma).

// 2x2/stride-2 max pooling of `rows` output rows of width ow from 2*rows input rows of width
// 2*ow (contiguous), as flat passes that vectorise whatever the row width: horizontal pairs over
// the whole block, then vertical pairs (computed for every pair row, the odd ones unused), then a
// copy of the even rows. Pairing (a, b), (c, d) and then the two results gives the same winner as
// the sequential a, b, c, d of the general loop: the last NaN, else the first maximum.
// h and v need 2*rows*ow elements, hi and vi too (when idx is not null).
template <typename T>
void max_pool_2x2_rows_generic(index_t rows, index_t ow, const T* __restrict x, T* __restrict y,
                               int64_t* __restrict idx, int64_t base, T* __restrict h,
                               int32_t* __restrict hi, T* __restrict v, int32_t* __restrict vi) {
  const index_t nh = 2 * rows * ow, nv = nh - ow;
  if (idx == nullptr) {
    for (index_t k = 0; k < nh; ++k) {
      const T a = x[2 * k], b = x[2 * k + 1];
      h[k] = (b > a || b != b) ? b : a;
    }
    for (index_t k = 0; k < nv; ++k) {
      const T a = h[k], b = h[k + ow];
      v[k] = (b > a || b != b) ? b : a;
    }
    for (index_t r = 0; r < rows; ++r)
      for (index_t j = 0; j < ow; ++j) y[r * ow + j] = v[2 * r * ow + j];
    return;
  }
  for (index_t k = 0; k < nh; ++k) {
    const T a = x[2 * k], b = x[2 * k + 1];
    const bool c = b > a || b != b;
    h[k] = c ? b : a;
    hi[k] = static_cast<int32_t>(2 * k) + (c ? 1 : 0);
  }
  for (index_t k = 0; k < nv; ++k) {
    const T a = h[k], b = h[k + ow];
    const bool c = b > a || b != b;
    v[k] = c ? b : a;
    vi[k] = c ? hi[k + ow] : hi[k];
  }
  for (index_t r = 0; r < rows; ++r) {
    for (index_t j = 0; j < ow; ++j) {
      y[r * ow + j] = v[2 * r * ow + j];
      idx[r * ow + j] = base + vi[2 * r * ow + j];
    }
  }
}

template <typename T, class F>
inline void act_grad_loop(index_t n, const T* g, const T* x, T* out, F f) {
  _Pragma("GCC ivdep") for (index_t i = 0; i < n; ++i) out[i] = f(g[i], x[i]);
}

template <typename T>
void act_grad_generic(ActGradOp op, index_t n, const T* g, const T* x, T* out) {
  using D = double;
  switch (op) {
    case ActGradOp::relu:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) { return xv <= T(0) ? T(0) : gv; });
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
    case ActGradOp::mul:
      return act_grad_loop(n, g, x, out, [](T gv, T xv) {
        return static_cast<T>(static_cast<D>(gv) * static_cast<D>(xv));
      });
    default:
      return;
  }
}
