// sum_in_double: the sum of n values in double through kLanes partial sums, for the per-ISA
// kernel files (included inside their namespace tts::<isa>): with -ffp-contract=off and no
// reassociation, that is the form GCC vectorises.

constexpr int kLanes = 8;

template <typename T>
double sum_in_double(index_t n, const T* __restrict x) {
  double acc[kLanes] = {};
  index_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += static_cast<double>(x[i + j]);
  double s = 0;
  for (int j = 0; j < kLanes; ++j) s += acc[j];
  for (; i < n; ++i) s += static_cast<double>(x[i]);
  return s;
}
