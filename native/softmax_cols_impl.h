// Portable loops of the strided softmax (a dim other than the last, [outer, size, inner] with the
// softmax down the `size` rows of `inner` columns) and of the softmax gradients. Included inside
// an ISA namespace after elementwise_impl.h, as the row kernel softmax_generic is.
//
// Every value in double as softmax_generic computes it (the max, std::exp(x - max), sums in
// double in row order, then e * (1 / sum) or x - (max + log(sum))), so these give the row
// kernel's bits on the same data laid out as rows.

// Outputs may equal an input exactly (never partially overlap): safe to vectorise without the
// run-time alias checks (elementwise_impl.h's TTS_LOOP).
#define TTS_LOOP(n) _Pragma("GCC ivdep") for (index_t i = 0; i < (n); ++i)

// Asks for row r + kPrefetchRows of a block: its rows are separate stretches of memory, which the
// hardware prefetchers follow poorly when they are short (blocks narrowed for the threads).
constexpr index_t kPrefetchRows = 8;
template <typename T>
inline void prefetch_ahead(index_t r, index_t size, index_t cols, index_t ld, const T* x) {
  if (r + kPrefetchRows >= size) return;
  const char* p = reinterpret_cast<const char*>(x + (r + kPrefetchRows) * ld);
  const index_t bytes = cols * static_cast<index_t>(sizeof(T));
  for (index_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
}

// The max of each column is taken without NaN: a NaN's exp makes its column's sum, hence every
// result of the column, NaN anyway.
template <typename T>
void softmax_cols_generic(bool log, index_t size, index_t cols, index_t ld, const T* x, T* y) {
  double m[kSoftmaxCols], s[kSoftmaxCols];
  TTS_LOOP(cols) {
    m[i] = -INFINITY;
    s[i] = 0;
  }
  for (index_t r = 0; r < size; ++r) {
    const T* xr = x + r * ld;
    prefetch_ahead(r, size, cols, ld, x);
    TTS_LOOP(cols) {
      const double v = static_cast<double>(xr[i]);
      m[i] = v > m[i] ? v : m[i];
    }
  }
  for (index_t r = 0; r < size; ++r) {
    const T* xr = x + r * ld;
    T* yr = y + r * ld;
    prefetch_ahead(r, size, cols, ld, x);
    if (log) {
      for (index_t i = 0; i < cols; ++i) s[i] += std::exp(static_cast<double>(xr[i]) - m[i]);
    } else {
      for (index_t i = 0; i < cols; ++i) {
        const double e = std::exp(static_cast<double>(xr[i]) - m[i]);
        s[i] += e;
        yr[i] = static_cast<T>(e);
      }
    }
  }
  if (log) {
    for (index_t i = 0; i < cols; ++i) s[i] = m[i] + std::log(s[i]);
    for (index_t r = 0; r < size; ++r) {
      const T* xr = x + r * ld;
      T* yr = y + r * ld;
      TTS_LOOP(cols) yr[i] = static_cast<T>(static_cast<double>(xr[i]) - s[i]);
    }
  } else {
    TTS_LOOP(cols) s[i] = 1.0 / s[i];
    for (index_t r = 0; r < size; ++r) {
      T* yr = y + r * ld;
      TTS_LOOP(cols) yr[i] = static_cast<T>(static_cast<double>(yr[i]) * s[i]);
    }
  }
}

// e[i] = exp(y[i]) in double, the log-softmax gradient's exp (std::exp here; the AVX-512 float
// kernels pass their own).
template <typename T>
void exp_to_double_generic(index_t n, const T* y, double* e) {
  for (index_t i = 0; i < n; ++i) e[i] = std::exp(static_cast<double>(y[i]));
}

// dx = y * (g - s) (softmax) or g - exp(y) * s (log-softmax) along n values, s per column.
template <typename T, void (*ExpToDouble)(index_t, const T*, double*)>
inline void softmax_grad_row(bool log, index_t n, const T* g, const T* y, const double* s,
                             bool s_per_column, T* dx) {
  if (!log) {
    if (s_per_column)
      TTS_LOOP(n) dx[i] = static_cast<T>(static_cast<double>(y[i]) * (static_cast<double>(g[i]) - s[i]));
    else
      TTS_LOOP(n) dx[i] = static_cast<T>(static_cast<double>(y[i]) * (static_cast<double>(g[i]) - s[0]));
    return;
  }
  double e[kSoftmaxCols];
  for (index_t c = 0; c < n; c += kSoftmaxCols) {
    const index_t w = min_i(kSoftmaxCols, n - c);
    ExpToDouble(w, y + c, e);
    const T* gc = g + c;
    T* dc = dx + c;
    if (s_per_column) {
      const double* sc = s + c;
      TTS_LOOP(w) dc[i] = static_cast<T>(static_cast<double>(gc[i]) - e[i] * sc[i]);
    } else {
      TTS_LOOP(w) dc[i] = static_cast<T>(static_cast<double>(gc[i]) - e[i] * s[0]);
    }
  }
}

// s[j] = the sum down the rows of column j of g * y (softmax) or g (log-softmax), in double in
// row order.
template <typename T>
void softmax_col_sums_generic(bool log, index_t size, index_t cols, index_t ld, const T* g,
                              const T* y, double* s) {
  TTS_LOOP(cols) s[i] = 0;
  for (index_t r = 0; r < size; ++r) {
    const T* gr = g + r * ld;
    const T* yr = y + r * ld;
    prefetch_ahead(r, size, cols, ld, g);
    if (!log) prefetch_ahead(r, size, cols, ld, y);
    if (log)
      TTS_LOOP(cols) s[i] += static_cast<double>(gr[i]);
    else
      TTS_LOOP(cols) s[i] += static_cast<double>(gr[i]) * static_cast<double>(yr[i]);
  }
}

// The gradient of `rows` rows (ld apart) from the column sums s.
template <typename T, void (*ExpToDouble)(index_t, const T*, double*)>
void softmax_grad_rows_generic(bool log, index_t rows, index_t cols, index_t ld, const T* g,
                               const T* y, const double* s, T* dx) {
  for (index_t r = 0; r < rows; ++r)
    softmax_grad_row<T, ExpToDouble>(log, cols, g + r * ld, y + r * ld, s, true, dx + r * ld);
}

// The gradient along contiguous rows: each row's sum in eight double partial sums (lanes that
// vectorise without reassociation), then softmax_grad_row.
template <typename T, void (*ExpToDouble)(index_t, const T*, double*)>
void softmax_rows_backward_generic(bool log, index_t rows, index_t cols, const T* g, const T* y,
                                   T* dx) {
  for (index_t r = 0; r < rows; ++r, g += cols, y += cols, dx += cols) {
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    index_t i = 0;
    if (log) {
      for (; i + 8 <= cols; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += static_cast<double>(g[i + k]);
    } else {
      for (; i + 8 <= cols; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += static_cast<double>(g[i + k]) * static_cast<double>(y[i + k]);
    }
    double s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    for (; i < cols; ++i) s += log ? static_cast<double>(g[i]) : static_cast<double>(g[i]) * static_cast<double>(y[i]);
    softmax_grad_row<T, ExpToDouble>(log, cols, g, y, &s, false, dx);
  }
}

#undef TTS_LOOP
