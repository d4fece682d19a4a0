// Portable loops of nnk.h, vectorised by the compiler for the ISA of the including file (which
// includes this inside its own namespace, after its target pragma). Sums keep kLanes partial
// sums in double: with -ffp-contract=off and no reassociation, that is the form GCC vectorises.

#include "double_sum_impl.h"

template <typename T>
double sum_sq_dev_impl(index_t n, const T* __restrict x, double m) {
  double acc[kLanes] = {};
  index_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) {
      const double d = static_cast<double>(x[i + j]) - m;
      acc[j] += d * d;
    }
  double s = 0;
  for (int j = 0; j < kLanes; ++j) s += acc[j];
  for (; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - m;
    s += d * d;
  }
  return s;
}

template <typename T>
void sum_g_gx_impl(index_t n, const T* __restrict g, const T* __restrict x, double m, double* sg,
                   double* sgx) {
  double a[kLanes] = {}, b[kLanes] = {};
  index_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) {
      const double gv = static_cast<double>(g[i + j]);
      a[j] += gv;
      b[j] += gv * (static_cast<double>(x[i + j]) - m);
    }
  double s = 0, t = 0;
  for (int j = 0; j < kLanes; ++j) {
    s += a[j];
    t += b[j];
  }
  for (; i < n; ++i) {
    const double gv = static_cast<double>(g[i]);
    s += gv;
    t += gv * (static_cast<double>(x[i]) - m);
  }
  *sg += s;
  *sgx += t;
}

template <typename T>
void affine_impl(index_t n, const T* __restrict x, T* __restrict y, double m, double sc, double sh) {
  for (index_t i = 0; i < n; ++i) y[i] = static_cast<T>((static_cast<double>(x[i]) - m) * sc + sh);
}

template <typename T>
void bn_grad_impl(index_t n, const T* __restrict g, const T* __restrict x, T* __restrict d,
                  double k1, double mg, double m, double is, double mgx) {
  for (index_t i = 0; i < n; ++i)
    d[i] = static_cast<T>(k1 * (static_cast<double>(g[i]) - mg -
                                (static_cast<double>(x[i]) - m) * is * mgx));
}

template <typename T>
void col_sum_impl(index_t n, const T* __restrict x, double* __restrict acc) {
  for (index_t j = 0; j < n; ++j) acc[j] += static_cast<double>(x[j]);
}

template <typename T>
void col_sum_sq_dev_impl(index_t n, const T* __restrict x, const double* __restrict m,
                         double* __restrict acc) {
  for (index_t j = 0; j < n; ++j) {
    const double d = static_cast<double>(x[j]) - m[j];
    acc[j] += d * d;
  }
}

template <typename T>
void col_sum_g_gx_impl(index_t n, const T* __restrict g, const T* __restrict x,
                       const double* __restrict m, double* __restrict sg, double* __restrict sgx) {
  for (index_t j = 0; j < n; ++j) {
    const double gv = static_cast<double>(g[j]);
    sg[j] += gv;
    sgx[j] += gv * (static_cast<double>(x[j]) - m[j]);
  }
}

template <typename T>
void col_affine_impl(index_t n, const T* __restrict x, T* __restrict y, const double* __restrict m,
                     const double* __restrict sc, const double* __restrict sh) {
  for (index_t j = 0; j < n; ++j) y[j] = static_cast<T>((static_cast<double>(x[j]) - m[j]) * sc[j] + sh[j]);
}

template <typename T>
void col_bn_grad_impl(index_t n, const T* __restrict g, const T* __restrict x, T* __restrict d,
                      const double* __restrict k1, const double* __restrict mg,
                      const double* __restrict m, const double* __restrict is,
                      const double* __restrict mgx) {
  for (index_t j = 0; j < n; ++j)
    d[j] = static_cast<T>(k1[j] * (static_cast<double>(g[j]) - mg[j] -
                                   (static_cast<double>(x[j]) - m[j]) * is[j] * mgx[j]));
}

template <typename T>
void layer_norm_rows_impl(index_t rows, index_t d, const T* __restrict x, const T* __restrict w,
                          const T* __restrict b, double eps, T* __restrict y, double* mean,
                          double* rstd) {
  for (index_t r = 0; r < rows; ++r, x += d, y += d) {
    const double m = sum_in_double(d, x) / static_cast<double>(d);
    const double rs = 1.0 / std::sqrt(sum_sq_dev_impl(d, x, m) / static_cast<double>(d) + eps);
    mean[r] = m;
    rstd[r] = rs;
    // The JS order: ((x - m) rs) w + b.
    if (w != nullptr && b != nullptr) {
      for (index_t j = 0; j < d; ++j)
        y[j] = static_cast<T>((static_cast<double>(x[j]) - m) * rs * static_cast<double>(w[j]) +
                              static_cast<double>(b[j]));
    } else if (w != nullptr) {
      for (index_t j = 0; j < d; ++j)
        y[j] = static_cast<T>((static_cast<double>(x[j]) - m) * rs * static_cast<double>(w[j]));
    } else if (b != nullptr) {
      for (index_t j = 0; j < d; ++j)
        y[j] = static_cast<T>((static_cast<double>(x[j]) - m) * rs + static_cast<double>(b[j]));
    } else {
      for (index_t j = 0; j < d; ++j) y[j] = static_cast<T>((static_cast<double>(x[j]) - m) * rs);
    }
  }
}

// One row's sums of dxh and dxh xh (dxh = g w, xh = (x - m) rs), and when acc is set the
// weight/bias gradient terms g xh and g added to gw_acc/gb_acc, in one pass.
template <typename T, bool kAcc, bool kWeight>
void layer_norm_row_sums(index_t d, const T* __restrict g, const T* __restrict x,
                         const T* __restrict w, double m, double rs, double* __restrict gw_acc,
                         double* __restrict gb_acc, double* a_out, double* b_out) {
  double sa[kLanes] = {}, sb[kLanes] = {};
  index_t i = 0;
  for (; i + kLanes <= d; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      const double gv = static_cast<double>(g[i + l]);
      const double xh = (static_cast<double>(x[i + l]) - m) * rs;
      const double dxh = kWeight ? gv * static_cast<double>(w[i + l]) : gv;
      sa[l] += dxh;
      sb[l] += dxh * xh;
    }
    if (kAcc) {
      for (int l = 0; l < kLanes; ++l) {
        const double gv = static_cast<double>(g[i + l]);
        gw_acc[i + l] += gv * ((static_cast<double>(x[i + l]) - m) * rs);
        gb_acc[i + l] += gv;
      }
    }
  }
  double a = 0, b = 0;
  for (int l = 0; l < kLanes; ++l) {
    a += sa[l];
    b += sb[l];
  }
  for (; i < d; ++i) {
    const double gv = static_cast<double>(g[i]);
    const double xh = (static_cast<double>(x[i]) - m) * rs;
    if (kAcc) {
      gw_acc[i] += gv * xh;
      gb_acc[i] += gv;
    }
    const double dxh = kWeight ? gv * static_cast<double>(w[i]) : gv;
    a += dxh;
    b += dxh * xh;
  }
  *a_out = a;
  *b_out = b;
}

template <typename T, bool kWeight>
void layer_norm_row_grad(index_t d, const T* __restrict g, const T* __restrict x,
                         const T* __restrict w, double m, double rs, double a, double b,
                         T* __restrict out) {
  for (index_t j = 0; j < d; ++j) {
    const double gv = static_cast<double>(g[j]);
    const double dxh = kWeight ? gv * static_cast<double>(w[j]) : gv;
    const double xh = (static_cast<double>(x[j]) - m) * rs;
    out[j] = static_cast<T>(rs * (dxh - a - xh * b));
  }
}

template <typename T, bool kWeight>
void layer_norm_backward_rows_w(index_t rows, index_t d, const T* g, const T* x, const T* w,
                                const double* mean, const double* rstd, T* gx, double* gw_acc,
                                double* gb_acc) {
  const double inv_d = 1.0 / static_cast<double>(d);
  for (index_t r = 0; r < rows; ++r, g += d, x += d) {
    const double m = mean[r], rs = rstd[r];
    if (gx == nullptr) {
      // Only the weight/bias terms.
      for (index_t j = 0; j < d; ++j) {
        const double gv = static_cast<double>(g[j]);
        gw_acc[j] += gv * ((static_cast<double>(x[j]) - m) * rs);
        gb_acc[j] += gv;
      }
      continue;
    }
    double a, b;
    if (gw_acc != nullptr)
      layer_norm_row_sums<T, true, kWeight>(d, g, x, w, m, rs, gw_acc, gb_acc, &a, &b);
    else
      layer_norm_row_sums<T, false, kWeight>(d, g, x, w, m, rs, nullptr, nullptr, &a, &b);
    layer_norm_row_grad<T, kWeight>(d, g, x, w, m, rs, a * inv_d, b * inv_d, gx + r * d);
  }
}

// gw_acc and gb_acc are both set or both null (the driver gives both partial buffers).
template <typename T>
void layer_norm_backward_rows_impl(index_t rows, index_t d, const T* g, const T* x, const T* w,
                                   const double* mean, const double* rstd, T* gx,
                                   double* gw_acc, double* gb_acc) {
  if (w != nullptr)
    layer_norm_backward_rows_w<T, true>(rows, d, g, x, w, mean, rstd, gx, gw_acc, gb_acc);
  else
    layer_norm_backward_rows_w<T, false>(rows, d, g, x, w, mean, rstd, gx, gw_acc, gb_acc);
}

template <typename T>
void ce_grad_row_impl(index_t c, T* __restrict d, double ca, double ce, const T* __restrict u) {
  if (ce == 0) {
    for (index_t j = 0; j < c; ++j) d[j] = static_cast<T>(ca * static_cast<double>(d[j]));
  } else if (u != nullptr) {
    for (index_t j = 0; j < c; ++j)
      d[j] = static_cast<T>(ca * static_cast<double>(d[j]) - ce * static_cast<double>(u[j]));
  } else {
    for (index_t j = 0; j < c; ++j) d[j] = static_cast<T>(ca * static_cast<double>(d[j]) - ce);
  }
}

template <typename T>
NnkKernels<T> make_nnk_kernels() {
  return {&layer_norm_rows_impl<T>, &layer_norm_backward_rows_impl<T>, &sum_in_double<T>,
          &sum_sq_dev_impl<T>,      &sum_g_gx_impl<T>,                 &affine_impl<T>,
          &bn_grad_impl<T>,         &col_sum_impl<T>,                  &col_sum_sq_dev_impl<T>,
          &col_sum_g_gx_impl<T>,    &col_affine_impl<T>,               &col_bn_grad_impl<T>,
          &ce_grad_row_impl<T>};
}

// ---- 16-bit floats, portable (the JS encoders' bit arithmetic, src/core/dtype.ts) ----------

inline uint32_t f32_bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  return u;
}

inline float bits_f32(uint32_t u) {
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}

inline uint16_t f16_of(float v) {
  const uint32_t x = f32_bits(v);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int exp = static_cast<int>((x >> 23) & 0xffu);
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  const int e = exp - 127 + 15;
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - e;
    const uint32_t half = 1u << (shift - 1);
    uint32_t r = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return static_cast<uint16_t>(sign | r);
  }
  uint32_t r = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
  return static_cast<uint16_t>(sign | r);
}

inline float f32_of_f16(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1f) return bits_f32(mant ? 0x7fc00000u : (sign | 0x7f800000u));
  if (exp != 0) return bits_f32(sign | ((exp + 112) << 23) | (mant << 13));
  // Subnormal (or zero): mant * 2^-24 is exact in float.
  const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
  return sign ? -v : v;
}

// Branch-free, so the compiler vectorises it.
inline uint16_t bf16_of(float v) {
  const uint32_t x = f32_bits(v);
  const uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
  const uint32_t nan = (x >> 16) | 0x40u;
  return static_cast<uint16_t>((x & 0x7fffffffu) > 0x7f800000u ? nan : rounded);
}

void f32_to_f16_generic(index_t n, const float* __restrict x, uint16_t* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = f16_of(x[i]);
}
void f64_to_f16_generic(index_t n, const double* __restrict x, uint16_t* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = f16_of(static_cast<float>(x[i]));
}
void f16_to_f32_generic(index_t n, const uint16_t* __restrict x, float* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = f32_of_f16(x[i]);
}
void f32_to_bf16_generic(index_t n, const float* __restrict x, uint16_t* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = bf16_of(x[i]);
}
void f64_to_bf16_generic(index_t n, const double* __restrict x, uint16_t* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = bf16_of(static_cast<float>(x[i]));
}
void bf16_to_f32_generic(index_t n, const uint16_t* __restrict x, float* __restrict y) {
  for (index_t i = 0; i < n; ++i) y[i] = bits_f32(static_cast<uint32_t>(x[i]) << 16);
}
