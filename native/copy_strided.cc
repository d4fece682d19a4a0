// Strided copies into contiguous memory, for any element size (the bytes are moved, never
// converted). A source that is contiguous along some dim other than the last one (a transpose, a
// permute) is copied in tiles of 16 x 16: one tile's source lines and destination lines stay in L1,
// where a row-by-row copy reads each source line once per destination row. 4-byte elements go
// through an AVX-512 in-register transpose of whole 16 x 16 blocks where the CPU has it.
#include "copy_strided.h"

#include <cstdint>
#include <cstring>

#include "elementwise.h"  // kMaxDims
#include "threadpool.h"

namespace tts {
namespace {

constexpr index_t kTile = 16;
// Elements per task below which a copy stays on the calling thread (copies are memory-bound).
constexpr index_t kCopyGrain = index_t{1} << 16;

// Dims after dropping size-1 ones and merging neighbours that are contiguous in both layouts.
struct Layout {
  int nd = 0;
  index_t shape[kMaxDims];
  index_t src[kMaxDims];  // source strides
  index_t dst[kMaxDims];  // destination strides (contiguous)
};

Layout simplify(int ndim, const index_t* shape, const index_t* strides) {
  Layout l;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1) continue;
    if (l.nd > 0 && l.src[l.nd - 1] == strides[d] * shape[d]) {
      l.shape[l.nd - 1] *= shape[d];
      l.src[l.nd - 1] = strides[d];
      continue;
    }
    l.shape[l.nd] = shape[d];
    l.src[l.nd] = strides[d];
    ++l.nd;
  }
  index_t s = 1;
  for (int d = l.nd - 1; d >= 0; --d) {
    l.dst[d] = s;
    s *= l.shape[d];
  }
  return l;
}

// Source and destination offsets of outer position `pos` over dims `dims` (an odometer start).
void offsets_of(const Layout& l, const int* dims, int n, index_t pos, index_t* so, index_t* dof) {
  index_t s = 0, t = 0;
  for (int k = n - 1; k >= 0; --k) {
    const int d = dims[k];
    const index_t i = pos % l.shape[d];
    pos /= l.shape[d];
    s += i * l.src[d];
    t += i * l.dst[d];
  }
  *so = s;
  *dof = t;
}

template <typename T>
void copy_rows(const Layout& l, const T* src, T* dst) {
  // Rows along the last dim; the outer dims walked by an odometer from each task's first row.
  const int last = l.nd - 1;
  const index_t len = l.shape[last], sl = l.src[last];
  index_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= l.shape[d];
  parallel_for(0, rows, kCopyGrain / len + 1, [&](index_t lo, index_t hi) {
    index_t idx[kMaxDims];
    index_t pos = lo, so = 0;
    for (int d = last - 1; d >= 0; --d) {
      idx[d] = pos % l.shape[d];
      pos /= l.shape[d];
      so += idx[d] * l.src[d];
    }
    for (index_t r = lo; r < hi; ++r) {
      const T* s = src + so;
      T* o = dst + r * len;
      if (sl == 1) std::memcpy(o, s, static_cast<size_t>(len) * sizeof(T));
      else
        for (index_t j = 0; j < len; ++j) o[j] = s[j * sl];
      for (int d = last - 1; d >= 0; --d) {
        so += l.src[d];
        if (++idx[d] < l.shape[d]) break;
        so -= l.src[d] * l.shape[d];
        idx[d] = 0;
      }
    }
  });
}

// The last dim has source stride != 1 and dim p has source stride 1: tiles of (p, last).
template <typename T>
void copy_tiled(const Layout& l, int p, const T* src, T* dst) {
  const int last = l.nd - 1;
  const index_t np = l.shape[p], nl = l.shape[last], sl = l.src[last], dp = l.dst[p];
  int outer_dims[kMaxDims];
  int n_outer = 0;
  index_t outer = 1;
  for (int d = 0; d < last; ++d) {
    if (d == p) continue;
    outer_dims[n_outer++] = d;
    outer *= l.shape[d];
  }
  const index_t bands = (np + kTile - 1) / kTile;  // bands of kTile along p
  const bool block16 = sizeof(T) == 4 && transpose_block16_available();
  const index_t tasks = outer * bands;
  parallel_for(0, tasks, kCopyGrain / (kTile * nl) + 1, [&](index_t lo, index_t hi) {
    for (index_t t = lo; t < hi; ++t) {
      index_t so, dof;
      offsets_of(l, outer_dims, n_outer, t / bands, &so, &dof);
      const index_t i0 = (t % bands) * kTile, ih = i0 + kTile < np ? i0 + kTile : np;
      for (index_t j0 = 0; j0 < nl; j0 += kTile) {
        const index_t jh = j0 + kTile < nl ? j0 + kTile : nl;
        if (block16 && ih - i0 == kTile && jh - j0 == kTile) {
          // Source rows are (fixed j, i0..i0+15), destination rows (fixed i, j0..j0+15).
          transpose_block16(reinterpret_cast<const uint32_t*>(src + so + i0 + j0 * sl), sl,
                            reinterpret_cast<uint32_t*>(dst + dof + i0 * dp + j0), dp);
          continue;
        }
        for (index_t i = i0; i < ih; ++i) {
          const T* s = src + so + i;
          T* o = dst + dof + i * dp;
          for (index_t j = j0; j < jh; ++j) o[j] = s[j * sl];
        }
      }
    }
  });
}

template <typename T>
void copy_typed(int ndim, const index_t* shape, const T* src, const index_t* strides, T* dst) {
  for (int d = 0; d < ndim; ++d)
    if (shape[d] == 0) return;
  const Layout l = simplify(ndim, shape, strides);
  if (l.nd == 0) {
    *dst = *src;
    return;
  }
  const int last = l.nd - 1;
  if (l.src[last] != 1 && l.shape[last] >= kTile) {
    for (int p = last - 1; p >= 0; --p)
      if (l.src[p] == 1 && l.shape[p] >= kTile) return copy_tiled(l, p, src, dst);
  }
  copy_rows(l, src, dst);
}

}  // namespace

void copy_strided(int elem, int ndim, const index_t* shape, const void* src, const index_t* strides, void* dst) {
  switch (elem) {
    case 1: return copy_typed(ndim, shape, static_cast<const uint8_t*>(src), strides, static_cast<uint8_t*>(dst));
    case 2: return copy_typed(ndim, shape, static_cast<const uint16_t*>(src), strides, static_cast<uint16_t*>(dst));
    case 4: return copy_typed(ndim, shape, static_cast<const uint32_t*>(src), strides, static_cast<uint32_t*>(dst));
    case 8: return copy_typed(ndim, shape, static_cast<const uint64_t*>(src), strides, static_cast<uint64_t*>(dst));
    default: return;
  }
}

}  // namespace tts
