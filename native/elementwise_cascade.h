// Cascade (pairwise) summation in the input's own precision, as PyTorch sums float tensors:
// vectorised partial sums combined pairwise, so the rounding error grows with log(n), not n.
//
// The association is fixed, so every ISA (and every thread count) gives the same bits:
//  - a leaf is kSumLeaf consecutive values; lane j of kSumWays * kSumLanes = 64 partial sums adds
//    x[i] for i = j (mod 64) in order (8 additions per lane for a whole leaf: with 16,
//    a constant float tensor already sums less accurately than in PyTorch);
//  - the 64 lanes fold to 16: v[j] = (a[j] + a[16 + j]) + (a[32 + j] + a[48 + j]);
//  - leaves combine pairwise through a binary counter, in order (SumCounter);
//  - at the end the occupied levels are added from the lowest up and the 16 lanes fold to one
//    value (halves 8, 4, 2, 1), both in double: cheap (once per sum), and these last few
//    additions of large partial sums then add no rounding of their own.
// A range split at multiples of kSumChunk (a power-of-two number of leaves) gives exactly the sum
// of the whole range when each whole chunk's sum (one occupied level: exact in T) is pushed
// into a fresh counter and the last, partial chunk's flushed lanes start the final flush: at a
// chunk boundary the counter's levels below the chunk's are all empty, and a + b == b + a in IEEE
// arithmetic. Threads therefore take chunks without changing the result.
#pragma once

#include "common.h"

namespace tts {

constexpr int kSumLanes = 16;
constexpr int kSumWays = 4;
constexpr index_t kSumLeaf = 512;
// Values per chunk when a long sum is split over threads: 128 leaves (256 KiB of float).
constexpr index_t kSumChunk = 128 * kSumLeaf;

// A binary counter of 16-lane partial sums: level k holds the sum of 2^k leaves.
template <typename T>
struct SumCounter {
  T level[64][kSumLanes];
  uint64_t count = 0;

  void push(const T* v) {
    T carry[kSumLanes];
    for (int j = 0; j < kSumLanes; ++j) carry[j] = v[j];
    int k = 0;
    for (; (count >> k) & 1; ++k)
      for (int j = 0; j < kSumLanes; ++j) carry[j] = level[k][j] + carry[j];
    for (int j = 0; j < kSumLanes; ++j) level[k][j] = carry[j];
    ++count;
  }

  // acc (16 lanes; `started` says whether it holds a partial sum yet) plus the occupied levels,
  // from the lowest up, in double.
  void flush(double* acc, bool started) const {
    if (!started)
      for (int j = 0; j < kSumLanes; ++j) acc[j] = 0;
    for (int k = 0; (count >> k) != 0; ++k) {
      if (!((count >> k) & 1)) continue;
      for (int j = 0; j < kSumLanes; ++j)
        acc[j] = started ? static_cast<double>(level[k][j]) + acc[j] : static_cast<double>(level[k][j]);
      started = true;
    }
  }
};

inline double fold_lanes(const double* v) {
  double h8[8], h4[4];
  for (int j = 0; j < 8; ++j) h8[j] = v[j] + v[j + 8];
  for (int j = 0; j < 4; ++j) h4[j] = h8[j] + h8[j + 4];
  return (h4[0] + h4[2]) + (h4[1] + h4[3]);
}

}  // namespace tts
