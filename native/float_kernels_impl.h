// The float kernels that read the same on AVX-512 and AVX2, over what each ISA's file defines
// before including this one inside its namespace: map_ps and the exp/log/tanh/sigmoid/silu
// vectors, cascade_lanes_ps and LoadValues (the cascade sum's lanes), max_f32.
// (No include guard: each ISA includes it once, in its own namespace.)

void unary_f32(UnaryOp op, index_t n, const float* x, float* y) {
  switch (op) {
    case UnaryOp::exp:
      return map_ps<exp_ps>(n, x, y);
    case UnaryOp::log:
      return map_ps<log_ps>(n, x, y);
    case UnaryOp::tanh:
      return map_ps<tanh_ps>(n, x, y);
    case UnaryOp::sigmoid:
      return map_ps<sigmoid_ps>(n, x, y);
    case UnaryOp::silu:
      return map_ps<silu_ps>(n, x, y);
    default:
      return unary_generic<float>(op, n, x, y);
  }
}

// The 16 lanes of the cascade sum of x[0:n] (elementwise_cascade.h), the bits of
// sum_lanes_generic. Rows read from memory are summed this way too: on transparent huge pages
// (tensor_memory.cc) the float loop streams faster than one that widens to double (AVX-512:
// 0.47-0.54 against 0.60 ms over 10M floats, two threads).
void sum_lanes_f32(index_t n, const float* x, double* out) { cascade_lanes_ps(n, LoadValues{x}, out); }

inline float sum_f32(index_t n, const float* x) {
  double lanes[kSumLanes];
  sum_lanes_f32(n, x, lanes);
  return static_cast<float>(fold_lanes(lanes));
}

double reduce_row_f32(ReduceOp op, index_t n, const float* x) {
  if (op == ReduceOp::sum || op == ReduceOp::mean) return static_cast<double>(sum_f32(n, x));
  if (op == ReduceOp::max && n > 0) return static_cast<double>(max_f32(n, x));
  return reduce_row_generic<float>(op, n, x);
}
