// Stable sorting of lines by order-preserving integer keys (see sort.h).
//
// A value's key orders as the value does, with every NaN above +inf and -0 equal to 0; a
// descending sort takes ~key. 32-bit keys (float, int32) are packed above the element's index
// into one uint64, so an entry's order is (key, index): the stable order. 64-bit keys (double, int64)
// travel with their index in a pair. Lines are sorted by LSD radix sort, one byte of the key per
// pass (stable, so ties keep index order), skipping bytes that all keys share; short lines by
// insertion sort; topk of few elements by partial selection, which gives the same first k
// entries since no two entries are equal.
#include "sort.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "threadpool.h"

namespace tts {
namespace {

// Elements per task (about 10 ns each) below which threads do not pay: a task must outweigh a
// worker's wake-up, which on a busy machine can take far longer than the sort of a short line.
constexpr index_t kGrain = 32768;
constexpr index_t kInsertionMax = 32;
// topk of at most this many elements keeps them in a sorted array while it scans the line.
constexpr index_t kSmallK = 32;

inline uint32_t key_of(float v) {
  if (v != v) return 0xffffffffu;
  if (v == 0) v = 0;  // -0 ties with 0
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

inline uint64_t key_of(double v) {
  if (v != v) return ~uint64_t{0};
  if (v == 0) v = 0;
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return (b >> 63) ? ~b : (b | (uint64_t{1} << 63));
}

inline uint32_t key_of(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
inline uint64_t key_of(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }

// An entry of a 64-bit key and its index, ordered by (key, index).
struct WideEntry {
  uint64_t key;
  uint32_t index;
  bool operator<(const WideEntry& o) const { return key < o.key || (key == o.key && index < o.index); }
};

// How each kind of entry is built and read: Packed for 32-bit keys, Wide for 64-bit ones.
template <typename T>
struct Packed {
  using Entry = uint64_t;
  static constexpr int kKeyBytes = 4;
  static Entry make(T v, uint32_t i, bool desc) {
    uint32_t k = key_of(v);
    return (static_cast<uint64_t>(desc ? ~k : k) << 32) | i;
  }
  static uint32_t index(Entry e) { return static_cast<uint32_t>(e); }
  static unsigned digit(Entry e, int byte) { return static_cast<unsigned>(e >> (32 + 8 * byte)) & 0xff; }
};

struct Wide {
  using Entry = WideEntry;
  static constexpr int kKeyBytes = 8;
  template <typename T>
  static Entry make(T v, uint32_t i, bool desc) {
    uint64_t k = key_of(v);
    return {desc ? ~k : k, i};
  }
  static uint32_t index(const Entry& e) { return e.index; }
  static unsigned digit(const Entry& e, int byte) { return static_cast<unsigned>(e.key >> (8 * byte)) & 0xff; }
};

template <typename T>
struct EntryKind { using type = Packed<T>; };
template <>
struct EntryKind<double> { using type = Wide; };
template <>
struct EntryKind<int64_t> { using type = Wide; };

// Sorts a[0:n) by key (stable); returns the array that holds the result (a or tmp).
template <class K>
typename K::Entry* radix_sort(typename K::Entry* a, typename K::Entry* tmp, index_t n) {
  using Entry = typename K::Entry;
  constexpr int B = K::kKeyBytes;
  uint32_t count[B][256];
  std::memset(count, 0, sizeof count);
  for (index_t i = 0; i < n; ++i)
    for (int b = 0; b < B; ++b) ++count[b][K::digit(a[i], b)];
  for (int b = 0; b < B; ++b) {
    uint32_t* c = count[b];
    if (c[K::digit(a[0], b)] == static_cast<uint32_t>(n)) continue;  // one digit value: order unchanged
    uint32_t sum = 0;
    for (int d = 0; d < 256; ++d) {
      const uint32_t t = c[d];
      c[d] = sum;
      sum += t;
    }
    for (index_t i = 0; i < n; ++i) {
      const Entry e = a[i];
      tmp[c[K::digit(e, b)]++] = e;
    }
    std::swap(a, tmp);
  }
  return a;
}

template <typename Entry>
void insertion_sort(Entry* a, index_t n) {
  for (index_t i = 1; i < n; ++i) {
    const Entry e = a[i];
    index_t j = i;
    for (; j > 0 && e < a[j - 1]; --j) a[j] = a[j - 1];
    a[j] = e;
  }
}

// The k smallest entries of a[0:n) (k < n) in order into best[0:k): the first k sorted, then
// each later entry that beats the k-th is inserted. On unordered data few do (about k ln(n/k)),
// so this costs little more than one read of the line.
template <typename Entry>
void smallest_k(const Entry* a, index_t n, index_t k, Entry* best) {
  for (index_t i = 0; i < k; ++i) best[i] = a[i];
  insertion_sort(best, k);
  for (index_t i = k; i < n; ++i) {
    const Entry e = a[i];
    if (!(e < best[k - 1])) continue;
    index_t j = k - 1;
    for (; j > 0 && e < best[j - 1]; --j) best[j] = best[j - 1];
    best[j] = e;
  }
}

// The first k entries of a[0:n) in order; returns where they are (a or tmp).
template <class K>
typename K::Entry* first_k(typename K::Entry* a, typename K::Entry* tmp, index_t n, index_t k) {
  if (n <= kInsertionMax) {
    insertion_sort(a, n);
    return a;
  }
  if (k <= kSmallK && k * 4 <= n) {
    smallest_k(a, n, k, tmp);
    return tmp;
  }
  if (k * 16 <= n) {
    std::nth_element(a, a + k, a + n);
    std::sort(a, a + k);
    return a;
  }
  return radix_sort<K>(a, tmp, n);
}

}  // namespace

template <typename T>
void sort_along(index_t outer, index_t n, index_t inner, const T* x, index_t k, bool descending,
                T* values, int64_t* indices) {
  using K = typename EntryKind<T>::type;
  using Entry = typename K::Entry;
  if (n == 0 || k == 0) return;
  if (inner == 1) {
    parallel_for(0, outer, max_i(1, kGrain / n), [&](index_t lo, index_t hi) {
      std::vector<Entry> buf(2 * static_cast<size_t>(n));
      for (index_t o = lo; o < hi; ++o) {
        const T* src = x + o * n;
        Entry* a = buf.data();
        for (index_t j = 0; j < n; ++j) a[j] = K::make(src[j], static_cast<uint32_t>(j), descending);
        const Entry* sorted = first_k<K>(a, a + n, n, k);
        for (index_t j = 0; j < k; ++j) {
          const uint32_t at = K::index(sorted[j]);
          if (values) values[o * k + j] = src[at];
          indices[o * k + j] = at;
        }
      }
    });
    return;
  }
  // Lines along an inner dim: up to 64 neighbouring lines at a time (their buffers within about
  // 2 MiB), so that each row of x is read, and each row of the outputs written, 256 bytes at once
  // rather than one value per line: every row is another page, and a page walk per value costs
  // more than the sort (1000 x 1000 float along dim 0: 13 ms with 16 lines, 9 ms with 64).
  const index_t kLines = max_i(1, min_i(64, (index_t{2} << 20) / (n * index_t{2 * sizeof(Entry)})));
  const index_t groups = (inner + kLines - 1) / kLines;
  // The lines' buffers start 64 bytes past a multiple of 4 KiB apart, so that the kLines
  // streams do not all fall into the same cache sets.
  const size_t stride = (2 * static_cast<size_t>(n) * sizeof(Entry) + 4095) / 4096 * 4096 / sizeof(Entry) + 64 / sizeof(Entry);
  parallel_for(0, outer * groups, max_i(1, kGrain / (n * kLines)), [&](index_t lo, index_t hi) {
    std::vector<Entry> buf(kLines * stride);
    // The group's values, row by row: the outputs are gathered from here, not from x's rows
    // (random rows of a large x miss the caches).
    std::vector<T> block(static_cast<size_t>(n) * kLines);
    std::vector<const Entry*> sorted(kLines);
    for (index_t g = lo; g < hi; ++g) {
      const index_t o = g / groups, i0 = (g % groups) * kLines, w = min_i(kLines, inner - i0);
      const T* src = x + o * n * inner + i0;
      for (index_t j = 0; j < n; ++j) {
        const T* row = src + j * inner;
        for (index_t b = 0; b < w; ++b) {
          block[j * kLines + b] = row[b];
          buf[b * stride + j] = K::make(row[b], static_cast<uint32_t>(j), descending);
        }
      }
      for (index_t b = 0; b < w; ++b) sorted[b] = first_k<K>(&buf[b * stride], &buf[b * stride + n], n, k);
      const index_t out = o * k * inner + i0;
      for (index_t j = 0; j < k; ++j) {
        for (index_t b = 0; b < w; ++b) {
          const uint32_t at = K::index(sorted[b][j]);
          if (values) values[out + j * inner + b] = block[static_cast<index_t>(at) * kLines + b];
          indices[out + j * inner + b] = at;
        }
      }
    }
  });
}

template void sort_along<float>(index_t, index_t, index_t, const float*, index_t, bool, float*, int64_t*);
template void sort_along<double>(index_t, index_t, index_t, const double*, index_t, bool, double*, int64_t*);
template void sort_along<int32_t>(index_t, index_t, index_t, const int32_t*, index_t, bool, int32_t*, int64_t*);
template void sort_along<int64_t>(index_t, index_t, index_t, const int64_t*, index_t, bool, int64_t*, int64_t*);

}  // namespace tts
