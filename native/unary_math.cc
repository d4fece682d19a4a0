// Drivers of unary_math.h: pick the ISA, split the work over the thread pool, and find glibc's
// libmvec at run time.
#include "unary_math.h"

#if TTS_X86_64 && defined(__linux__)
#include <dlfcn.h>
#endif

#include <string>

#include "threadpool.h"

namespace tts {
namespace {

template <typename T>
const MathKernels<T>& kernels() {
  return for_active_isa<MathKernels<T>, &math_kernels_avx512<T>, &math_kernels_avx2<T>, &math_kernels_generic<T>>();
}

// Elements per thread below which splitting costs more than it saves (see elementwise.cc):
// selects and multiplies are memory-bound, libm calls pay off sooner, the special functions
// (series and recurrences per element) sooner still.
index_t grain_of(MathOp op) {
  switch (op) {
    case MathOp::frac: case MathOp::deg2rad: case MathOp::rad2deg: case MathOp::nan_to_num:
      return 32768;
    case MathOp::lgamma: case MathOp::digamma: case MathOp::i0: case MathOp::erfinv:
      return 512;
    default:
      return 4096;
  }
}

}  // namespace

const VectorLibm& vector_libm() {
  static const VectorLibm table = [] {
    VectorLibm t{};
#if TTS_X86_64 && defined(__linux__)
    // Opened once and never closed: the function pointers stay valid for the process.
    void* lib = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) {
      static const char* const kNames[static_cast<int>(VecFn::count)] = {
          "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
          "atanh", "erf", "erfc", "expm1", "log1p", "log2", "log10", "exp2", "log", "exp"};
      for (int i = 0; i < static_cast<int>(VecFn::count); ++i) {
        t.zmm[i] = dlsym(lib, ("_ZGVeN8v_" + std::string(kNames[i])).c_str());
        t.ymm[i] = dlsym(lib, ("_ZGVdN4v_" + std::string(kNames[i])).c_str());
      }
      static const char* const kNames2[static_cast<int>(VecFn2::count)] = {"atan2"};
      for (int i = 0; i < static_cast<int>(VecFn2::count); ++i) {
        t.zmm2[i] = dlsym(lib, ("_ZGVeN8vv_" + std::string(kNames2[i])).c_str());
        t.ymm2[i] = dlsym(lib, ("_ZGVdN4vv_" + std::string(kNames2[i])).c_str());
      }
    }
#endif
    return t;
  }();
  return table;
}

template <typename T>
void unary_math(MathOp op, index_t n, const T* x, T* y, const double* params) {
  const auto& k = kernels<T>();
  parallel_for(0, n, grain_of(op), [&](index_t lo, index_t hi) { k.map(op, hi - lo, x + lo, y + lo, params); });
}

template <typename T>
void classify(ClassOp op, index_t n, const T* x, uint8_t* out) {
  const auto& k = kernels<T>();
  parallel_for(0, n, 32768, [&](index_t lo, index_t hi) { k.classify(op, hi - lo, x + lo, out + lo); });
}

template void unary_math<float>(MathOp, index_t, const float*, float*, const double*);
template void unary_math<double>(MathOp, index_t, const double*, double*, const double*);
template void classify<float>(ClassOp, index_t, const float*, uint8_t*);
template void classify<double>(ClassOp, index_t, const double*, uint8_t*);

}  // namespace tts
