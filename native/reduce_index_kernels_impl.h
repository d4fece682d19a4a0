// Portable loops of reduce_index.h, written so that the compiler vectorises them for the ISA of
// the including file (which includes this inside its own namespace, after its target pragma):
// rows through GCC's vector types with independent partial results (which reorders nothing that
// IEEE arithmetic forbids to reorder), columns as plain loops across the contiguous dim.

#define TTS_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

// Whether v replaces the candidate b: better, or the first NaN (a NaN candidate stays).
template <typename T>
inline bool takes(bool is_max, T v, T b) {
  return (is_max ? v > b : v < b) | ((v != v) & (b == b));
}

// acc after seeing v: v when it is larger (kMax) or smaller, or NaN; a NaN acc stays NaN.
template <typename T, bool kMax>
inline T pick_nan(T acc, T v) {
  return ((kMax ? v > acc : v < acc) | (v != v)) ? v : acc;
}

// Vectors of TTS_SIMD_BYTES (64 unless the including file says otherwise) of T, GCC vector
// extensions: one zmm register with AVX-512, four xmm in the portable build; the AVX2 build takes
// 32 (one ymm): GCC lowers the selects of 64-byte vectors for AVX2 to scalar code. Integer
// vectors of the same lane width hold indices. The results do not depend on the width, but for
// which of -0 and 0 (or of several NaNs) extreme_row returns, which logsumexp does not show.
#ifndef TTS_SIMD_BYTES
#define TTS_SIMD_BYTES 64
#endif
template <typename T>
struct Simd {
  static constexpr int kWidth = TTS_SIMD_BYTES / sizeof(T);
  typedef T V __attribute__((vector_size(TTS_SIMD_BYTES)));
  using Int = typename std::conditional<sizeof(T) == 8, int64_t, int32_t>::type;
  typedef Int I __attribute__((vector_size(TTS_SIMD_BYTES)));
  static V load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
};

// The max (kMax) or min of x[0:n] (n >= 1), NaN if any element is NaN. Four accumulators, so
// that compare and blend of one do not wait for the other three.
template <typename T, bool kMax>
T extreme_row(index_t n, const T* x) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int W = S::kWidth;
  T r = x[0];
  index_t i = 0;
  if (n >= 4 * W) {
    V acc[4];
    for (int u = 0; u < 4; ++u) acc[u] = S::load(x + u * W);
    for (i = 4 * W; i + 4 * W <= n; i += 4 * W) {
      for (int u = 0; u < 4; ++u) {
        const V v = S::load(x + i + u * W);
        acc[u] = ((kMax ? v > acc[u] : v < acc[u]) | (v != v)) ? v : acc[u];
      }
    }
    for (int u = 0; u < 4; ++u)
      for (int j = 0; j < W; ++j) r = pick_nan<T, kMax>(r, acc[u][j]);
  }
  for (; i < n; ++i) r = pick_nan<T, kMax>(r, x[i]);
  return r;
}

// Candidates (value, index) in vector lanes: each lane holds the first best of the values it saw.
template <typename T, bool kMax>
struct Candidates {
  using S = Simd<T>;
  using V = typename S::V;
  using I = typename S::I;
  V value;
  I index;

  // Takes v (at indices idx, all above the lane's current index) where strictly better, or the
  // first NaN.
  void see(V v, I idx) {
    const I take = (kMax ? v > value : v < value) | ((v != v) & (value == value));
    value = take ? v : value;
    index = take ? idx : index;
  }
  // Takes o's candidate where better by (value, index): NaN first, then the value, then the
  // smaller index.
  void merge(const Candidates& o) {
    const I nan = value != value, o_nan = o.value != o.value;
    const I earlier = o.index < index;
    const I better = (kMax ? o.value > value : o.value < value) | ((o.value == value) & earlier);
    const I take = (nan & o_nan & earlier) | (~nan & (o_nan | better));
    value = take ? o.value : value;
    index = take ? o.index : index;
  }
};

// The best of x[0:n] (n >= 1) and its first index in one pass. Four sets of candidates take
// vectors in turn (set u sees x[i + u W .. i + (u + 1) W) of each step), so that their compare
// and blend chains run side by side; a lane is only replaced by a strictly better value or a
// first NaN, so each lane holds its first best, and the lanes are merged by (value, index).
template <typename T, bool kMax>
void select_row_impl(index_t n, const T* x, T* value, index_t* index) {
  using S = Simd<T>;
  using I = typename S::I;
  using Int = typename S::Int;
  constexpr int W = S::kWidth;
  T best = x[0];
  index_t at = 0;
  index_t i = 1;
  if (n >= 4 * W) {
    Candidates<T, kMax> c[4];
    I lane;
    for (int j = 0; j < W; ++j) lane[j] = static_cast<Int>(j);
    for (int u = 0; u < 4; ++u) {
      c[u].value = S::load(x + u * W);
      c[u].index = lane + static_cast<Int>(u * W);
    }
    I step = lane;
    for (i = 4 * W; i + 4 * W <= n; i += 4 * W) {
      step += static_cast<Int>(4 * W);
      for (int u = 0; u < 4; ++u) c[u].see(S::load(x + i + u * W), step + static_cast<Int>(u * W));
    }
    c[0].merge(c[1]);
    c[2].merge(c[3]);
    c[0].merge(c[2]);
    best = c[0].value[0];
    at = c[0].index[0];
    for (int j = 1; j < W; ++j) {
      const T v = c[0].value[j];
      const index_t vi = c[0].index[j];
      const bool better = best != best ? (v != v && vi < at) : (v != v || (kMax ? v > best : v < best) || (v == best && vi < at));
      if (better) { best = v; at = vi; }
    }
  }
  // The tail comes after every lane's index.
  for (; i < n; ++i) {
    const T v = x[i];
    if (takes(kMax, v, best)) { best = v; at = i; }
  }
  *value = best;
  *index = at;
}

template <typename T>
void select_row_generic(bool is_max, index_t n, const T* x, T* value, index_t* index) {
  if (is_max) select_row_impl<T, true>(n, x, value, index);
  else select_row_impl<T, false>(n, x, value, index);
}

template <typename T, bool kMax>
void select_cols_impl(index_t rows, index_t cols, index_t ld, const T* x, T* value, int64_t* index) {
  TTS_LOOP(cols) { value[i] = x[i]; index[i] = 0; }
  for (index_t r = 1; r < rows; ++r) {
    const T* row = x + r * ld;
    TTS_LOOP(cols) {
      const T v = row[i];
      const bool t = takes(kMax, v, value[i]);
      value[i] = t ? v : value[i];
      index[i] = t ? r : index[i];
    }
  }
}

template <typename T>
void select_cols_generic(bool is_max, index_t rows, index_t cols, index_t ld, const T* x, T* value, int64_t* index) {
  if (is_max) select_cols_impl<T, true>(rows, cols, ld, x, value, index);
  else select_cols_impl<T, false>(rows, cols, ld, x, value, index);
}

template <typename T>
T max_row_generic(index_t n, const T* x) {
  return extreme_row<T, true>(n, x);
}

template <typename T>
double exp_sum_row_generic(index_t n, const T* x, T m) {
  const double md = static_cast<double>(m);
  double s = 0;
  for (index_t i = 0; i < n; ++i) s += std::exp(static_cast<double>(x[i]) - md);
  return s;
}

template <typename T>
void max_cols_generic(index_t rows, index_t cols, index_t ld, const T* x, T* m) {
  TTS_LOOP(cols) m[i] = x[i];
  for (index_t r = 1; r < rows; ++r) {
    const T* row = x + r * ld;
    TTS_LOOP(cols) m[i] = pick_nan<T, true>(m[i], row[i]);
  }
}

template <typename T>
void exp_sum_cols_generic(index_t rows, index_t cols, index_t ld, const T* x, const T* m, double* s) {
  TTS_LOOP(cols) s[i] = 0;
  for (index_t r = 0; r < rows; ++r) {
    const T* row = x + r * ld;
    for (index_t i = 0; i < cols; ++i) s[i] += std::exp(static_cast<double>(row[i]) - static_cast<double>(m[i]));
  }
}

#undef TTS_LOOP
#undef TTS_SIMD_BYTES
