// Portable loops of the mask kernels (masks.h), vectorised by the compiler for the ISA of the
// including file, which includes this inside its own namespace after its target pragma.
// `#pragma GCC ivdep`: an output equals an input exactly or not at all, so no alias checks.

#define TTS_MASK_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

template <typename T, class F>
inline void compare_loop(index_t n, const T* a, index_t sa, const T* b, index_t sb, uint8_t* out, F f) {
  if (sa == 1 && sb == 1) {
    TTS_MASK_LOOP(n) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T v = *b;
    TTS_MASK_LOOP(n) out[i] = f(a[i], v);
  } else if (sa == 0 && sb == 1) {
    const T v = *a;
    TTS_MASK_LOOP(n) out[i] = f(v, b[i]);
  } else {
    TTS_MASK_LOOP(n) out[i] = f(a[i * sa], b[i * sb]);
  }
}

// Plain C++ comparisons: IEEE semantics (NaN unequal to everything, -0 == 0), no fast-math.
template <typename T>
void compare_generic(CompareOp op, index_t n, const T* a, index_t sa, const T* b, index_t sb, uint8_t* out) {
  switch (op) {
    case CompareOp::eq: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u == v; });
    case CompareOp::ne: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u != v; });
    case CompareOp::lt: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u < v; });
    case CompareOp::le: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u <= v; });
    case CompareOp::gt: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u > v; });
    case CompareOp::ge: return compare_loop(n, a, sa, b, sb, out, [](T u, T v) -> uint8_t { return u >= v; });
    default: return;
  }
}

// Both values are loaded unconditionally so that the compiler can turn the choice into a blend.
template <typename T>
void select_generic(index_t n, const uint8_t* c, index_t sc, const T* a, index_t sa, const T* b, index_t sb, T* out) {
  if (sc == 0) {
    // One condition for the whole row: a copy (or fill) from one side.
    const T* src = *c != 0 ? a : b;
    const index_t s = *c != 0 ? sa : sb;
    if (s == 0) {
      const T v = *src;
      TTS_MASK_LOOP(n) out[i] = v;
    } else if (s == 1) {
      if (src != out) std::memcpy(out, src, static_cast<size_t>(n) * sizeof(T));
    } else {
      TTS_MASK_LOOP(n) out[i] = src[i * s];
    }
    return;
  }
  if (sc == 1 && sa == 1 && sb == 1) {
    TTS_MASK_LOOP(n) {
      const T x = a[i], y = b[i];
      out[i] = c[i] != 0 ? x : y;
    }
  } else if (sc == 1 && sa == 0 && sb == 1) {
    const T x = *a;
    TTS_MASK_LOOP(n) {
      const T y = b[i];
      out[i] = c[i] != 0 ? x : y;
    }
  } else if (sc == 1 && sa == 1 && sb == 0) {
    const T y = *b;
    TTS_MASK_LOOP(n) {
      const T x = a[i];
      out[i] = c[i] != 0 ? x : y;
    }
  } else {
    TTS_MASK_LOOP(n) {
      const T x = a[i * sa], y = b[i * sb];
      out[i] = c[i * sc] != 0 ? x : y;
    }
  }
}

// Blocks of 2^24 bytes keep a 32-bit partial sum exact (255 * 2^24 < 2^32) and let the compiler
// widen bytes to 32-bit lanes only.
template <bool kCount>
uint64_t byte_sum_loop(index_t n, const uint8_t* x) {
  uint64_t total = 0;
  for (index_t base = 0; base < n; base += index_t{1} << 24) {
    const index_t len = min_i(index_t{1} << 24, n - base);
    const uint8_t* p = x + base;
    uint32_t acc = 0;
    for (index_t i = 0; i < len; ++i) acc += kCount ? static_cast<uint32_t>(p[i] != 0) : static_cast<uint32_t>(p[i]);
    total += acc;
  }
  return total;
}

inline uint64_t byte_sum_generic(bool count, index_t n, const uint8_t* x) {
  return count ? byte_sum_loop<true>(n, x) : byte_sum_loop<false>(n, x);
}

// 16-bit column totals over blocks of 257 rows (255 * 257 < 2^16): the compiler widens bytes to
// 16-bit lanes, twice as many per instruction as 32-bit ones, and flushes them once per block.
inline void byte_cols_generic(bool count, index_t rows, index_t cols, index_t ld, const uint8_t* x, uint64_t* acc) {
  constexpr index_t kBlockRows = 257, kBlockCols = 1024;
  uint16_t part[kBlockCols];
  for (index_t c0 = 0; c0 < cols; c0 += kBlockCols) {
    const index_t w = min_i(kBlockCols, cols - c0);
    for (index_t r0 = 0; r0 < rows; r0 += kBlockRows) {
      const index_t r1 = min_i(rows, r0 + kBlockRows);
      TTS_MASK_LOOP(w) part[i] = 0;
      for (index_t r = r0; r < r1; ++r) {
        const uint8_t* row = x + r * ld + c0;
        if (count) {
          TTS_MASK_LOOP(w) part[i] = static_cast<uint16_t>(part[i] + (row[i] != 0));
        } else {
          TTS_MASK_LOOP(w) part[i] = static_cast<uint16_t>(part[i] + row[i]);
        }
      }
      uint64_t* a = acc + c0;
      TTS_MASK_LOOP(w) a[i] += part[i];
    }
  }
}

// The table of this ISA's loops (the AVX-512 file replaces some with explicit kernels).
inline MaskKernels mask_kernels_portable() {
  MaskKernels k;
  k.cmp_f32 = &compare_generic<float>;
  k.cmp_f64 = &compare_generic<double>;
  k.cmp_i8 = &compare_generic<int8_t>;
  k.cmp_u8 = &compare_generic<uint8_t>;
  k.cmp_i16 = &compare_generic<int16_t>;
  k.cmp_i32 = &compare_generic<int32_t>;
  k.cmp_i64 = &compare_generic<int64_t>;
  k.sel1 = &select_generic<uint8_t>;
  k.sel2 = &select_generic<uint16_t>;
  k.sel4 = &select_generic<uint32_t>;
  k.sel8 = &select_generic<uint64_t>;
  k.byte_sum = &byte_sum_generic;
  k.byte_cols = &byte_cols_generic;
  return k;
}

#undef TTS_MASK_LOOP
