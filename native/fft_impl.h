// The FFT kernels of one ISA (included by fft_{generic,avx2,avx512}.cc inside their namespace,
// with TTS_FFT_VECTOR_BYTES set): lines are copied L at a time into a "split" scratch where
// element j is a vector of L real parts then a vector of L imaginary parts, one line per lane;
// the Stockham passes then run on whole vectors with scalar twiddles, so every instruction does
// the same work for L lines (pocketfft vectorises batches the same way). A leftover of fewer
// than L lines runs lane by lane (V = T). Inverse transforms run the forward passes on
// conjugated data: conj(F(conj x)).

template <class T> struct VecOf;
template <> struct VecOf<float> { typedef float type __attribute__((vector_size(TTS_FFT_VECTOR_BYTES))); };
template <> struct VecOf<double> { typedef double type __attribute__((vector_size(TTS_FFT_VECTOR_BYTES))); };

constexpr double kSin60 = 0.86602540378443864676;
constexpr double kCos72 = 0.30901699437494742410;
constexpr double kCos144 = -0.80901699437494742410;
constexpr double kSin72 = 0.95105651629515357212;
constexpr double kSin144 = 0.58778525229247312917;

// A zero vector whatever V is (a scalar when L = 1).
template <class V>
inline V splat_zero() {
  V z;
  std::memset(&z, 0, sizeof z);
  return z;
}

// (r + i·im) *= (wr + i·wi)
template <class V, class T>
inline void cmul(V& r, V& im, T wr, T wi) {
  const V t = r * wr - im * wi;
  im = r * wi + im * wr;
  r = t;
}

// One Stockham pass per radix: reads points j + r·stride (j = b·span + k), twiddles point r by
// e^{-2πi·r·k/(span·radix)} (k > 0) and writes the radix-point DFT to b·span·radix + k + r·span.
// Element e of a buffer is s[2e] (real parts) and s[2e+1] (imaginary parts).
template <class V, class T>
void pass2(const V* __restrict s, V* __restrict d, index_t span, index_t blocks, index_t stride, const T* tw) {
  const index_t s1 = 2 * stride, os = 2 * span;
  for (index_t b = 0; b < blocks; ++b) {
    const V* in = s + 2 * b * span;
    V* out = d + 4 * b * span;
    auto bf = [&](index_t k, bool twiddle) __attribute__((always_inline)) {
      const index_t i = 2 * k;
      V x0r = in[i], x0i = in[i + 1], x1r = in[i + s1], x1i = in[i + s1 + 1];
      if (twiddle) cmul(x1r, x1i, tw[2 * k], tw[2 * k + 1]);
      out[i] = x0r + x1r;
      out[i + 1] = x0i + x1i;
      out[i + os] = x0r - x1r;
      out[i + os + 1] = x0i - x1i;
    };
    bf(0, false);
    for (index_t k = 1; k < span; ++k) bf(k, true);
  }
}

template <class V, class T>
void pass3(const V* __restrict s, V* __restrict d, index_t span, index_t blocks, index_t stride, const T* tw) {
  const index_t s1 = 2 * stride, os = 2 * span;
  const T h = T(0.5), sn = T(kSin60);
  for (index_t b = 0; b < blocks; ++b) {
    const V* in = s + 2 * b * span;
    V* out = d + 6 * b * span;
    auto bf = [&](index_t k, bool twiddle) __attribute__((always_inline)) {
      const index_t i = 2 * k;
      V x0r = in[i], x0i = in[i + 1];
      V x1r = in[i + s1], x1i = in[i + s1 + 1];
      V x2r = in[i + 2 * s1], x2i = in[i + 2 * s1 + 1];
      if (twiddle) {
        const T* w = tw + 4 * k;
        cmul(x1r, x1i, w[0], w[1]);
        cmul(x2r, x2i, w[2], w[3]);
      }
      const V sr = x1r + x2r, si = x1i + x2i, dr = x1r - x2r, di = x1i - x2i;
      const V mr = x0r - h * sr, mi = x0i - h * si;
      out[i] = x0r + sr;
      out[i + 1] = x0i + si;
      out[i + os] = mr + sn * di;
      out[i + os + 1] = mi - sn * dr;
      out[i + 2 * os] = mr - sn * di;
      out[i + 2 * os + 1] = mi + sn * dr;
    };
    bf(0, false);
    for (index_t k = 1; k < span; ++k) bf(k, true);
  }
}

template <class V, class T>
void pass4(const V* __restrict s, V* __restrict d, index_t span, index_t blocks, index_t stride, const T* tw) {
  const index_t s1 = 2 * stride, os = 2 * span;
  for (index_t b = 0; b < blocks; ++b) {
    const V* in = s + 2 * b * span;
    V* out = d + 8 * b * span;
    auto bf = [&](index_t k, bool twiddle) __attribute__((always_inline)) {
      const index_t i = 2 * k;
      V x0r = in[i], x0i = in[i + 1];
      V x1r = in[i + s1], x1i = in[i + s1 + 1];
      V x2r = in[i + 2 * s1], x2i = in[i + 2 * s1 + 1];
      V x3r = in[i + 3 * s1], x3i = in[i + 3 * s1 + 1];
      if (twiddle) {
        const T* w = tw + 6 * k;
        cmul(x1r, x1i, w[0], w[1]);
        cmul(x2r, x2i, w[2], w[3]);
        cmul(x3r, x3i, w[4], w[5]);
      }
      const V ar = x0r + x2r, ai = x0i + x2i, br = x0r - x2r, bi = x0i - x2i;
      const V cr = x1r + x3r, ci = x1i + x3i, dr = x1r - x3r, di = x1i - x3i;
      out[i] = ar + cr;
      out[i + 1] = ai + ci;
      out[i + os] = br + di;  // b - i·d
      out[i + os + 1] = bi - dr;
      out[i + 2 * os] = ar - cr;
      out[i + 2 * os + 1] = ai - ci;
      out[i + 3 * os] = br - di;  // b + i·d
      out[i + 3 * os + 1] = bi + dr;
    };
    bf(0, false);
    for (index_t k = 1; k < span; ++k) bf(k, true);
  }
}

template <class V, class T>
void pass5(const V* __restrict s, V* __restrict d, index_t span, index_t blocks, index_t stride, const T* tw) {
  const index_t s1 = 2 * stride, os = 2 * span;
  const T c1 = T(kCos72), c2 = T(kCos144), n1 = T(kSin72), n2 = T(kSin144);
  for (index_t b = 0; b < blocks; ++b) {
    const V* in = s + 2 * b * span;
    V* out = d + 10 * b * span;
    auto bf = [&](index_t k, bool twiddle) __attribute__((always_inline)) {
      const index_t i = 2 * k;
      V x0r = in[i], x0i = in[i + 1];
      V x1r = in[i + s1], x1i = in[i + s1 + 1];
      V x2r = in[i + 2 * s1], x2i = in[i + 2 * s1 + 1];
      V x3r = in[i + 3 * s1], x3i = in[i + 3 * s1 + 1];
      V x4r = in[i + 4 * s1], x4i = in[i + 4 * s1 + 1];
      if (twiddle) {
        const T* w = tw + 8 * k;
        cmul(x1r, x1i, w[0], w[1]);
        cmul(x2r, x2i, w[2], w[3]);
        cmul(x3r, x3i, w[4], w[5]);
        cmul(x4r, x4i, w[6], w[7]);
      }
      const V t1r = x1r + x4r, t1i = x1i + x4i, t2r = x2r + x3r, t2i = x2i + x3i;
      const V t3r = x1r - x4r, t3i = x1i - x4i, t4r = x2r - x3r, t4i = x2i - x3i;
      const V a1r = x0r + c1 * t1r + c2 * t2r, a1i = x0i + c1 * t1i + c2 * t2i;
      const V a2r = x0r + c2 * t1r + c1 * t2r, a2i = x0i + c2 * t1i + c1 * t2i;
      const V b1r = n1 * t3r + n2 * t4r, b1i = n1 * t3i + n2 * t4i;
      const V b2r = n2 * t3r - n1 * t4r, b2i = n2 * t3i - n1 * t4i;
      out[i] = x0r + t1r + t2r;
      out[i + 1] = x0i + t1i + t2i;
      out[i + os] = a1r + b1i;
      out[i + os + 1] = a1i - b1r;
      out[i + 4 * os] = a1r - b1i;
      out[i + 4 * os + 1] = a1i + b1r;
      out[i + 2 * os] = a2r + b2i;
      out[i + 2 * os + 1] = a2i - b2r;
      out[i + 3 * os] = a2r - b2i;
      out[i + 3 * os + 1] = a2i + b2r;
    };
    bf(0, false);
    for (index_t k = 1; k < span; ++k) bf(k, true);
  }
}

// Any odd radix p by its direct DFT, r paired with p-r so that each root serves two terms.
template <class V, class T>
void pass_generic(const V* __restrict s, V* __restrict d, index_t span, index_t blocks, index_t stride, const T* tw,
                  int p, const T* roots, V* v) {
  const int half = (p - 1) / 2;
  const index_t os = 2 * span;
  for (index_t b = 0; b < blocks; ++b)
    for (index_t k = 0; k < span; ++k) {
      const index_t j = b * span + k;
      v[0] = s[2 * j];
      v[1] = s[2 * j + 1];
      for (int r = 1; r < p; ++r) {
        const index_t at = 2 * (j + r * stride);
        V xr = s[at], xi = s[at + 1];
        if (k != 0) cmul(xr, xi, tw[2 * (k * (p - 1) + r - 1)], tw[2 * (k * (p - 1) + r - 1) + 1]);
        v[2 * r] = xr;
        v[2 * r + 1] = xi;
      }
      const index_t o = 2 * (b * span * p + k);
      V dcr = v[0], dci = v[1];
      for (int r = 1; r <= half; ++r) {
        dcr += v[2 * r] + v[2 * (p - r)];
        dci += v[2 * r + 1] + v[2 * (p - r) + 1];
      }
      d[o] = dcr;
      d[o + 1] = dci;
      for (int q = 1; q <= half; ++q) {
        V er = v[0], ei = v[1], odr = splat_zero<V>(), odi = odr;
        for (int r = 1; r <= half; ++r) {
          const int e = (r * q) % p;
          const T c = roots[2 * e], sn = roots[2 * e + 1];
          const V pr = v[2 * r], pi = v[2 * r + 1], mr = v[2 * (p - r)], mi = v[2 * (p - r) + 1];
          er += c * (pr + mr);
          ei += c * (pi + mi);
          odr += sn * (pr - mr);
          odi += sn * (pi - mi);
        }
        d[o + q * os] = er - odi;
        d[o + q * os + 1] = ei + odr;
        d[o + (p - q) * os] = er + odi;
        d[o + (p - q) * os + 1] = ei - odr;
      }
    }
}

// The forward transform of a plan's length-m passes over a (b: scratch); returns where the result is.
template <class V, class T>
V* run_passes(const FftPlan<T>& plan, V* a, V* b, V* v) {
  const index_t m = plan.m;
  V* src = a;
  V* dst = b;
  for (const FftStage<T>& st : plan.stages) {
    const index_t blocks = m / (st.span * st.radix), stride = m / st.radix;
    const T* tw = st.twiddles.data();
    switch (st.radix) {
      case 2: pass2(src, dst, st.span, blocks, stride, tw); break;
      case 3: pass3(src, dst, st.span, blocks, stride, tw); break;
      case 4: pass4(src, dst, st.span, blocks, stride, tw); break;
      case 5: pass5(src, dst, st.span, blocks, stride, tw); break;
      default: pass_generic(src, dst, st.span, blocks, stride, tw, st.radix, st.roots.data(), v); break;
    }
    V* t = src;
    src = dst;
    dst = t;
  }
  return src;
}

// The forward DFT of the plan's n elements in a (a and b hold plan.m + 1 elements, v the largest
// radix); returns a or b, whichever holds the result.
template <class V, class T>
V* run_plan(const FftPlan<T>& plan, V* a, V* b, V* v) {
  if (!plan.bluestein) return run_passes(plan, a, b, v);
  const index_t n = plan.n, m = plan.m;
  const T* chirp = plan.chirp.data();
  const T* ks = plan.kernel.data();
  for (index_t j = 0; j < n; ++j) {  // a_j = x_j · conj(b_j)
    V xr = a[2 * j], xi = a[2 * j + 1];
    cmul(xr, xi, chirp[2 * j], -chirp[2 * j + 1]);
    a[2 * j] = xr;
    a[2 * j + 1] = xi;
  }
  const V zero = splat_zero<V>();
  for (index_t j = n; j < m; ++j) a[2 * j] = a[2 * j + 1] = zero;
  V* s = run_passes(plan, a, b, v);
  for (index_t k = 0; k < m; ++k) {  // conj(spectrum · kernel spectrum): the next forward run inverts
    V sr = s[2 * k], si = s[2 * k + 1];
    cmul(sr, si, ks[2 * k], ks[2 * k + 1]);
    s[2 * k] = sr;
    s[2 * k + 1] = -si;
  }
  V* c = run_passes(plan, s, s == a ? b : a, v);
  for (index_t k = 0; k < n; ++k) {  // X_k = conj(b_k) · conj(conv_k)
    V cr = c[2 * k], ci = -c[2 * k + 1];
    cmul(cr, ci, chirp[2 * k], -chirp[2 * k + 1]);
    c[2 * k] = cr;
    c[2 * k + 1] = ci;
  }
  return c;
}

template <class T>
index_t largest_radix(const FftPlan<T>& plan) {
  index_t r = 1;
  for (const auto& st : plan.stages) r = r > st.radix ? r : st.radix;
  return r;
}

// Per-thread scratch: the two buffers of plan.m + 1 elements and the generic pass's points.
template <class V, class T>
struct Scratch {
  V* a;
  V* b;
  V* v;
  Scratch(const FftPlan<T>& plan, index_t least) {
    static thread_local ScratchBuffer sa, sb, sv;
    const index_t len = (plan.m > least ? plan.m : least) + 1;
    a = static_cast<V*>(sa.get(2 * len * sizeof(V)));
    b = static_cast<V*>(sb.get(2 * len * sizeof(V)));
    v = static_cast<V*>(sv.get(2 * largest_radix(plan) * sizeof(V)));
  }
};

// Lines [0, lines) in groups of L (the lanes of one vector) and single leftovers, over the pool
// when the work is large enough; body<V>(first line, lane count L or 1).
template <class T, class Group>
void for_line_groups(index_t lines, index_t cost_per_line, const Group& group) {
  using V = typename VecOf<T>::type;
  constexpr index_t L = sizeof(V) / sizeof(T);
  const index_t full = lines / L, tasks = full + lines % L;
  auto body = [&](index_t lo, index_t hi) {
    for (index_t t = lo; t < hi; ++t) {
      if (t < full) group.template operator()<V, L>(t * L);
      else group.template operator()<T, 1>(full * L + (t - full));
    }
  };
  // Enough work per chunk (2^16 units: a group of L lines of length 1024) that the pool's
  // hand-off, a few µs, stays small beside it.
  const index_t grain = max_i(1, (index_t{1} << 16) / max_i(1, cost_per_line * L));
  parallel_for(0, tasks, grain, body);
}

// Where line q of an [outer, n, inner] view starts.
inline index_t line_base(index_t q, index_t n, index_t inner) { return (q / inner) * n * inner + q % inner; }

// Integer vectors of V's shape: __builtin_shuffle's masks.
template <class T> struct MaskOf;
template <> struct MaskOf<float> { typedef int32_t type __attribute__((vector_size(TTS_FFT_VECTOR_BYTES))); };
template <> struct MaskOf<double> { typedef int64_t type __attribute__((vector_size(TTS_FFT_VECTOR_BYTES))); };

// Lane k of the masks of the transpose stage of half-width q: the lower (`high` false) or upper
// q lanes of each 2q-lane chunk of row i, followed by the same of row i + q (indices >= L).
constexpr index_t stage_lane(index_t L, index_t q, bool high, index_t k) {
  return k % (2 * q) < q ? k / (2 * q) * 2 * q + (high ? q : 0) + k % (2 * q)
                         : L + k / (2 * q) * 2 * q + (high ? q : 0) + k % (2 * q) - q;
}

template <class M, index_t L, index_t q, bool high, size_t... k>
constexpr M stage_mask(std::index_sequence<k...>) {
  return M{stage_lane(L, q, high, static_cast<index_t>(k))...};
}

// In-register transpose of L rows of L lanes (r[i] = row i on entry, column i on exit): log2(L)
// stages with constant masks; the stage of half-width q swaps the upper-right and lower-left
// q x q blocks of every 2q x 2q block, pairing rows i and i + q.
template <class T, class V, index_t L, index_t q = L / 2>
inline __attribute__((always_inline)) void transpose(V* r) {
  using M = typename MaskOf<T>::type;
  constexpr M lo = stage_mask<M, L, q, false>(std::make_index_sequence<L>{});
  constexpr M hi = stage_mask<M, L, q, true>(std::make_index_sequence<L>{});
  for (index_t i = 0; i < L; ++i) {
    if (i & q) continue;
    const V a = r[i], c = r[i + q];
    r[i] = __builtin_shuffle(a, c, lo);
    r[i + q] = __builtin_shuffle(a, c, hi);
  }
  if constexpr (q > 1) transpose<T, V, L, q / 2>(r);
}

// Elements [0, count) of L complex rows (row l's element j at rows[l] + 2j, interleaved) into
// the split scratch (element j: L real parts, then L imaginary parts), the imaginary parts times
// `sign`, number i of every row first times window[i] when there is a window: L/2 elements of
// every row per L x L register transpose, the rest lane by lane.
template <class T, class V, index_t L>
void gather_rows(const T* const* rows, index_t count, T sign, V* a, const T* window = nullptr) {
  constexpr index_t H = L / 2;
  index_t j0 = 0;
  if constexpr (L > 1) {
    for (; j0 + H <= count; j0 += H) {
      V r[L];
      for (index_t l = 0; l < L; ++l) std::memcpy(&r[l], rows[l] + 2 * j0, sizeof(V));
      transpose<T, V, L>(r);
      if (window != nullptr)  // vector c holds number 2·j0 + c of every row
        for (index_t c = 0; c < L; ++c) r[c] = r[c] * window[2 * j0 + c];
      for (index_t c = 0; c < L; c += 2) {
        a[2 * j0 + c] = r[c];
        a[2 * j0 + c + 1] = r[c + 1] * sign;
      }
    }
  }
  T* at = reinterpret_cast<T*>(a);
  for (index_t j = j0; j < count; ++j)
    for (index_t l = 0; l < L; ++l) {
      const T re = rows[l][2 * j], im = rows[l][2 * j + 1];
      at[2 * j * L + l] = window != nullptr ? re * window[2 * j] : re;
      at[(2 * j + 1) * L + l] = sign * (window != nullptr ? im * window[2 * j + 1] : im);
    }
}

// The inverse of gather_rows: split elements [0, count) out to L interleaved rows, real parts
// times `re_scale`, imaginary parts times `im_scale`.
template <class T, class V, index_t L>
void scatter_rows(const V* a, index_t count, T re_scale, T im_scale, T* const* rows) {
  constexpr index_t H = L / 2;
  index_t j0 = 0;
  if constexpr (L > 1) {
    for (; j0 + H <= count; j0 += H) {
      V r[L];
      for (index_t c = 0; c < L; c += 2) {
        r[c] = a[2 * j0 + c] * re_scale;
        r[c + 1] = a[2 * j0 + c + 1] * im_scale;
      }
      transpose<T, V, L>(r);
      for (index_t l = 0; l < L; ++l) std::memcpy(rows[l] + 2 * j0, &r[l], sizeof(V));
    }
  }
  const T* at = reinterpret_cast<const T*>(a);
  for (index_t j = j0; j < count; ++j)
    for (index_t l = 0; l < L; ++l) {
      rows[l][2 * j] = at[2 * j * L + l] * re_scale;
      rows[l][2 * j + 1] = at[(2 * j + 1) * L + l] * im_scale;
    }
}

template <class T>
struct C2C {
  const FftPlan<T>& plan;
  const T* src;
  T* dst;  // src itself, or disjoint from it
  index_t inner;
  bool inverse;
  T scale;
  template <class V, index_t L>
  void operator()(index_t q0) const {
    const index_t n = plan.n;
    Scratch<V, T> s(plan, n);
    index_t base[L];
    for (index_t l = 0; l < L; ++l) base[l] = line_base(q0 + l, n, inner);
    T* at = reinterpret_cast<T*>(s.a);
    const T sign = inverse ? T(-1) : T(1);
    const T im_scale = sign * scale;
    if (inner == 1) {  // rows: through register transposes
      const T* in[L];
      T* out[L];
      for (index_t l = 0; l < L; ++l) {
        in[l] = src + 2 * base[l];
        out[l] = dst + 2 * base[l];
      }
      gather_rows<T, V, L>(in, n, sign, s.a);
      scatter_rows<T, V, L>(run_plan(plan, s.a, s.b, s.v), n, scale, im_scale, out);
      return;
    }
    for (index_t j = 0; j < n; ++j)
      for (index_t l = 0; l < L; ++l) {
        const T* x = src + 2 * (base[l] + j * inner);
        at[2 * j * L + l] = x[0];
        at[(2 * j + 1) * L + l] = sign * x[1];
      }
    const T* r = reinterpret_cast<const T*>(run_plan(plan, s.a, s.b, s.v));
    for (index_t j = 0; j < n; ++j)
      for (index_t l = 0; l < L; ++l) {
        T* y = dst + 2 * (base[l] + j * inner);
        y[0] = r[2 * j * L + l] * scale;
        y[1] = r[(2 * j + 1) * L + l] * im_scale;
      }
  }
};

template <class T>
void c2c(const FftPlan<T>& plan, const T* src, T* dst, index_t outer, index_t inner, bool inverse, T scale) {
  const C2C<T> g{plan, src, dst, inner, inverse, scale};
  for_line_groups<T>(outer * inner, plan.n * 8, g);
}

template <class T>
struct R2C {
  const FftPlan<T>& plan;
  const T* src;
  T* dst;
  index_t n, inner, out_length;
  T scale;
  FftRealSource<T> from;
  template <class V, index_t L>
  void operator()(index_t q0) const {
    const bool even = n % 2 == 0;
    const index_t m = plan.n;  // n/2 when even
    Scratch<V, T> s(plan, m);
    index_t in[L], out[L];
    for (index_t l = 0; l < L; ++l) {
      const index_t q = q0 + l;
      in[l] = q / from.group * from.group_stride + q % from.group * from.line_stride;
      out[l] = line_base(q, out_length, inner);
    }
    const index_t e = from.element_stride;
    const T* w = from.window;
    // Even n: z_j = x_{2j} + i·x_{2j+1}; odd n: the real values with zero imaginary parts.
    if (even && e == 1) {
      const T* rows[L];
      for (index_t l = 0; l < L; ++l) rows[l] = src + in[l];
      gather_rows<T, V, L>(rows, m, T(1), s.a, w);
    } else {
      T* at = reinterpret_cast<T*>(s.a);
      for (index_t j = 0; j < m; ++j) {
        const index_t j0 = even ? 2 * j : j;
        for (index_t l = 0; l < L; ++l) {
          const T x0 = src[in[l] + j0 * e], x1 = even ? src[in[l] + (j0 + 1) * e] : T(0);
          at[2 * j * L + l] = w != nullptr ? x0 * w[j0] : x0;
          at[(2 * j + 1) * L + l] = w != nullptr && even ? x1 * w[j0 + 1] : x1;
        }
      }
    }
    V* z = run_plan(plan, s.a, s.b, s.v);
    if (even) {
      // X_k = E_k + w^k·O_k with E = (Z_k + conj Z_{m-k})/2, O = (Z_k - conj Z_{m-k})/(2i), for
      // k and m-k together, in place; X_0 and X_m from Z_0.
      const T* tw = plan.half.data();
      const T h = T(0.5);
      const V z0r = z[0], z0i = z[1], zero = splat_zero<V>();
      z[0] = z0r + z0i;
      z[1] = zero;
      z[2 * m] = z0r - z0i;
      z[2 * m + 1] = zero;
      for (index_t k = 1; 2 * k <= m; ++k) {
        const index_t c = m - k;
        const V ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * c], bi = z[2 * c + 1];
        auto untangle = [&](V zr, V zi, V cr, V ci, index_t kk, V& xr, V& xi) __attribute__((always_inline)) {
          const V er = h * (zr + cr), ei = h * (zi + ci);
          const V orr = h * (zi - ci), oi = -(h * (zr - cr));
          const T wr = tw[2 * kk], wi = tw[2 * kk + 1];
          xr = er + wr * orr - wi * oi;
          xi = ei + wr * oi + wi * orr;
        };
        V xr, xi;
        untangle(ar, ai, br, -bi, k, xr, xi);
        if (c != k) {
          V yr, yi;
          untangle(br, bi, ar, -ai, c, yr, yi);
          z[2 * c] = yr;
          z[2 * c + 1] = yi;
        }
        z[2 * k] = xr;
        z[2 * k + 1] = xi;
      }
    }
    // Past n/2 the coefficients mirror: X_{n-k} = conj X_k.
    const T* r = reinterpret_cast<const T*>(z);
    const index_t half = n / 2;
    index_t k0 = 0;
    if (inner == 1) {
      T* rows[L];
      for (index_t l = 0; l < L; ++l) rows[l] = dst + 2 * out[l];
      k0 = out_length < half + 1 ? out_length : half + 1;
      scatter_rows<T, V, L>(z, k0, scale, scale, rows);
    }
    for (index_t k = k0; k < out_length; ++k) {
      const bool mirrored = k > half;
      const index_t kk = mirrored ? n - k : k;
      const T im_scale = mirrored ? -scale : scale;
      for (index_t l = 0; l < L; ++l) {
        T* y = dst + 2 * (out[l] + k * inner);
        y[0] = r[2 * kk * L + l] * scale;
        y[1] = r[(2 * kk + 1) * L + l] * im_scale;
      }
    }
  }
};

template <class T>
void r2c(const FftPlan<T>& plan, const T* src, T* dst, index_t outer, index_t n, index_t inner, index_t out_length, T scale,
         const FftRealSource<T>& from) {
  const R2C<T> g{plan, src, dst, n, inner, out_length, scale, from};
  for_line_groups<T>(outer * inner, n * 4, g);
}

template <class T>
struct C2R {
  const FftPlan<T>& plan;
  const T* src;
  index_t in_length;
  T* dst;
  index_t n, inner;
  T scale;
  template <class V, index_t L>
  void operator()(index_t q0) const {
    const bool even = n % 2 == 0;
    const index_t m = plan.n;  // n/2 when even
    Scratch<V, T> s(plan, m);
    index_t in[L], out[L];
    for (index_t l = 0; l < L; ++l) {
      in[l] = line_base(q0 + l, in_length, inner);
      out[l] = line_base(q0 + l, n, inner);
    }
    const index_t used = in_length < n / 2 + 1 ? in_length : n / 2 + 1;
    // Lanes of X_k (zero past `used`; the imaginary part of X_0 and X_{n/2} dropped).
    auto load = [&](index_t k, V& re, V& im) __attribute__((always_inline)) {
      alignas(64) T r[L], i[L];
      const bool has = k < used, has_im = has && k > 0 && 2 * k != n;
      for (index_t l = 0; l < L; ++l) {
        const T* x = src + 2 * (in[l] + k * inner);
        r[l] = has ? x[0] : T(0);
        i[l] = has_im ? x[1] : T(0);
      }
      std::memcpy(&re, r, sizeof re);
      std::memcpy(&im, i, sizeof im);
    };
    V* a = s.a;
    if (even) {
      // Z_k = (X_k + conj X_{m-k}) + i·(X_k - conj X_{m-k})·conj(w^k), loaded conjugated so that the
      // forward passes invert it: the transform of x_{2j} + i·x_{2j+1}.
      const T* tw = plan.half.data();
      for (index_t k = 0; k < m; ++k) {
        V ar, ai, cr, ci;
        load(k, ar, ai);
        load(m - k, cr, ci);
        ci = -ci;
        const V sr = ar + cr, si = ai + ci, dr = ar - cr, di = ai - ci;
        const T wr = tw[2 * k], wi = tw[2 * k + 1];
        const V tr = dr * wr + di * wi, ti = di * wr - dr * wi;
        a[2 * k] = sr - ti;
        a[2 * k + 1] = -(si + tr);
      }
    } else {
      // The full Hermitian spectrum, conjugated.
      const V zero = splat_zero<V>();
      for (index_t k = 0; k < 2 * n; ++k) a[k] = zero;
      for (index_t k = 0; k < used; ++k) {
        V re, im;
        load(k, re, im);
        a[2 * k] = re;
        a[2 * k + 1] = -im;
        if (k > 0) {
          a[2 * (n - k)] = re;
          a[2 * (n - k) + 1] = im;
        }
      }
    }
    const T* r = reinterpret_cast<const T*>(run_plan(plan, a, s.b, s.v));
    if (even && inner == 1) {  // x_{2j} + i·x_{2j+1} = conj(z_j): the row read as complex
      T* rows[L];
      for (index_t l = 0; l < L; ++l) rows[l] = dst + out[l];
      scatter_rows<T, V, L>(reinterpret_cast<const V*>(r), m, scale, -scale, rows);
    } else if (even) {
      const T neg = -scale;
      for (index_t j = 0; j < m; ++j)
        for (index_t l = 0; l < L; ++l) {
          dst[out[l] + 2 * j * inner] = r[2 * j * L + l] * scale;
          dst[out[l] + (2 * j + 1) * inner] = r[(2 * j + 1) * L + l] * neg;
        }
    } else {
      for (index_t j = 0; j < n; ++j)
        for (index_t l = 0; l < L; ++l) dst[out[l] + j * inner] = r[2 * j * L + l] * scale;
    }
  }
};

template <class T>
void c2r(const FftPlan<T>& plan, const T* src, index_t in_length, T* dst, index_t outer, index_t n, index_t inner, T scale) {
  const C2R<T> g{plan, src, in_length, dst, n, inner, scale};
  for_line_groups<T>(outer * inner, n * 4, g);
}

template <class T>
FftKernels<T> fft_kernels() {
  FftKernels<T> k;
  k.c2c = &c2c<T>;
  k.r2c = &r2c<T>;
  k.c2r = &c2r<T>;
  return k;
}
