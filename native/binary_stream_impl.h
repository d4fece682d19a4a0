// out[i] = op(a[i * sa], b[i * sb]) for sa, sb in {0, 1}, written with non-temporal stores, for
// large outputs (kStreamBytes, elementwise.h). A plain store to a line that is not cached first reads the line from
// memory (to own it) and later writes it back; a non-temporal store writes the whole line to memory
// at once. x + y over 10M floats on the 2-core Zen 4 VM: the kernel alone, one thread, 6.1-6.4 ->
// 4.4 ms median; `x.add(y)` on two threads (other processes running) 6.9-7.4 -> 4.9-5.6 ms.
// Included by an ISA's file after it defines `Vec<T>`: R (a GCC vector type), W (its lanes),
// load, set1, fmadd (x * y + z rounded once), stream (an aligned non-temporal store) and fence.

template <typename T, BinaryOp OP>
inline T binary_stream_scalar(T u, T v, T alpha) {
  if constexpr (OP == BinaryOp::add_scaled) return std::fma(alpha, v, u);
  else if constexpr (OP == BinaryOp::add) return u + v;
  else if constexpr (OP == BinaryOp::sub) return u - v;
  else if constexpr (OP == BinaryOp::mul) return u * v;
  else if constexpr (OP == BinaryOp::div) return u / v;
  // maximum/minimum propagate NaN as elementwise_impl.h's nan_max/nan_min.
  else if constexpr (OP == BinaryOp::maximum) return (u != u || v != v) ? u + v : (u > v ? u : v);
  else return (u != u || v != v) ? u + v : (u < v ? u : v);
}

template <typename T, BinaryOp OP>
void binary_stream_op(index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out, T alpha) {
  using V = Vec<T>;
  using R = typename V::R;
  constexpr index_t W = V::W;
  // Up to the first full line of out, and after the last whole vector: plain stores.
  index_t i = 0;
  while (i < n && (reinterpret_cast<uintptr_t>(out + i) & 63) != 0) {
    out[i] = binary_stream_scalar<T, OP>(a[i * sa], b[i * sb], alpha);
    ++i;
  }
  const R a0 = V::set1(a[0]), b0 = V::set1(b[0]), alpha_v = V::set1(alpha);
  for (; i + W <= n; i += W) {
    const R x = sa ? V::load(a + i) : a0;
    const R y = sb ? V::load(b + i) : b0;
    R r;
    // GCC's vector operators: the ISA's add/sub/mul/div instructions.
    if constexpr (OP == BinaryOp::add_scaled) r = V::fmadd(y, alpha_v, x);
    else if constexpr (OP == BinaryOp::add) r = x + y;
    else if constexpr (OP == BinaryOp::sub) r = x - y;
    else if constexpr (OP == BinaryOp::mul) r = x * y;
    else if constexpr (OP == BinaryOp::div) r = x / y;
    else if constexpr (OP == BinaryOp::maximum) r = ((x != x) | (y != y)) ? x + y : (x > y ? x : y);
    else r = ((x != x) | (y != y)) ? x + y : (x < y ? x : y);
    V::stream(out + i, r);
  }
  for (; i < n; ++i) out[i] = binary_stream_scalar<T, OP>(a[i * sa], b[i * sb], alpha);
  // The streamed lines must reach memory before another thread (or JS) reads them.
  V::fence();
}

// Returns false (nothing written) for the ops and strides it does not stream.
template <typename T>
bool binary_stream(BinaryOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, T* out,
                   T alpha) {
  if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1) || n <= 0) return false;
  switch (op) {
    case BinaryOp::add: binary_stream_op<T, BinaryOp::add>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::sub: binary_stream_op<T, BinaryOp::sub>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::mul: binary_stream_op<T, BinaryOp::mul>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::div: binary_stream_op<T, BinaryOp::div>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::maximum: binary_stream_op<T, BinaryOp::maximum>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::minimum: binary_stream_op<T, BinaryOp::minimum>(n, a, sa, b, sb, out, alpha); return true;
    case BinaryOp::add_scaled: binary_stream_op<T, BinaryOp::add_scaled>(n, a, sa, b, sb, out, alpha); return true;
    default: return false;
  }
}
