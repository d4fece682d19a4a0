// Drivers of the typed elementwise kernels: pick the ISA, reject integer division by zero before
// writing, walk broadcast shapes (strided_rows.h) and split the work over the thread pool.
#include "typed_binary.h"

#include <atomic>
#include <type_traits>

#include "strided_rows.h"
#include "threadpool.h"

namespace tts {
namespace {

// Elements per task below which splitting costs more than it saves: memory-bound ops need large
// chunks, libm calls and integer divisions pay off sooner.
constexpr index_t kGrainCheap = 32768;
constexpr index_t kGrainCostly = 4096;
constexpr index_t kGrainConvert = 65536;

const TypedKernels& kernels() {
  return for_active_isa<TypedKernels, &typed_kernels_avx512, &typed_kernels_avx2, &typed_kernels_generic>();
}

bool is_cheap(TypedOp op, NumType type) {
  switch (op) {
    case TypedOp::add: case TypedOp::sub: case TypedOp::mul: case TypedOp::maximum:
    case TypedOp::minimum: case TypedOp::fmax: case TypedOp::fmin: case TypedOp::copysign:
    case TypedOp::lerp_scalar: case TypedOp::neg: case TypedOp::abs: case TypedOp::bitwise_and:
    case TypedOp::bitwise_or: case TypedOp::bitwise_xor:
      return true;
    case TypedOp::div:
      return type == NumType::f32 || type == NumType::f64;
    default:
      return false;
  }
}

bool divides(TypedOp op) {
  return op == TypedOp::div_trunc || op == TypedOp::floor_divide || op == TypedOp::remainder ||
         op == TypedOp::fmod;
}

template <typename T>
bool has_zero(int ndim, const index_t* shape, const T* b, const index_t* sb) {
  const index_t* strides[1] = {sb};
  const StridedRows<1> plan(ndim, shape, strides);
  const index_t ib = plan.inner_stride(0);
  std::atomic<bool> found{false};
  plan.run(kGrainCheap, [&](const index_t* off, index_t, index_t len) {
    const T* row = b + off[0];
    bool zero = false;
    for (index_t i = 0; i < len; ++i) zero |= row[i * ib] == 0;
    if (zero) found.store(true, std::memory_order_relaxed);
  });
  return found.load();
}

template <typename T>
TypedStatus run(TypedRow<T> row, TypedOp op, NumType type, int ndim, const index_t* shape, const void* a_in,
                const index_t* sa, const void* b_in, const index_t* sb, void* out_in, double alpha) {
  const T* a = static_cast<const T*>(a_in);
  const T* b = static_cast<const T*>(b_in);
  T* out = static_cast<T*>(out_in);
  if (!std::is_floating_point<T>::value && divides(op) && has_zero(ndim, shape, b, sb))
    return TypedStatus::zero_division;
  const index_t* strides[2] = {sa, sb};
  const StridedRows<2> plan(ndim, shape, strides);
  const index_t ia = plan.inner_stride(0), ib = plan.inner_stride(1);
  plan.run(is_cheap(op, type) ? kGrainCheap : kGrainCostly, [&](const index_t* off, index_t start, index_t len) {
    row(op, len, a + off[0], ia, b + off[1], ib, out + start, alpha);
  });
  return TypedStatus::ok;
}

size_t width(NumType t) {
  switch (t) {
    case NumType::f64: case NumType::i64: return 8;
    case NumType::f32: case NumType::i32: return 4;
    case NumType::i16: return 2;
    default: return 1;
  }
}

}  // namespace

TypedStatus typed_binary(TypedOp op, NumType type, int ndim, const index_t* shape, const void* a,
                         const index_t* sa, const void* b, const index_t* sb, void* out, double alpha) {
  const TypedKernels& k = kernels();
  switch (type) {
    case NumType::f32: return run(k.f32, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::f64: return run(k.f64, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::i8: return run(k.i8, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::u8: return run(k.u8, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::i16: return run(k.i16, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::i32: return run(k.i32, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    case NumType::i64: return run(k.i64, op, type, ndim, shape, a, sa, b, sb, out, alpha);
    default: return TypedStatus::ok;
  }
}

void typed_ternary(TernaryOp op, NumType type, int ndim, const index_t* shape, const void* s, const index_t* ss,
                   const void* a, const index_t* sa, const void* b, const index_t* sb, void* out, double alpha) {
  const TypedKernels& k = kernels();
  const index_t* strides[3] = {ss, sa, sb};
  const StridedRows<3> plan(ndim, shape, strides);
  const index_t is = plan.inner_stride(0), ia = plan.inner_stride(1), ib = plan.inner_stride(2);
  auto go = [&](auto row, auto* typed_out) {
    using T = typename std::remove_pointer<decltype(typed_out)>::type;
    const T* ps = static_cast<const T*>(s);
    const T* pa = static_cast<const T*>(a);
    const T* pb = static_cast<const T*>(b);
    plan.run(kGrainCheap, [&](const index_t* off, index_t start, index_t len) {
      row(op, len, ps + off[0], is, pa + off[1], ia, pb + off[2], ib, typed_out + start, alpha);
    });
  };
  if (type == NumType::f32) go(k.ternary_f32, static_cast<float*>(out));
  else if (type == NumType::f64) go(k.ternary_f64, static_cast<double*>(out));
}

void typed_convert(NumType from, NumType to, index_t n, const void* src, void* dst) {
  const TypedKernels& k = kernels();
  const char* s = static_cast<const char*>(src);
  char* d = static_cast<char*>(dst);
  const size_t ws = width(from), wd = width(to);
  parallel_for(0, n, kGrainConvert, [&](index_t lo, index_t hi) {
    k.convert(from, to, hi - lo, s + static_cast<size_t>(lo) * ws, d + static_cast<size_t>(lo) * wd);
  });
}

}  // namespace tts
