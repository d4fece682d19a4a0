// unary_math.h's kernels for the baseline ISA (any x86-64, arm64, ...): plain loops over libm.
#include <cmath>
#include <type_traits>

#include "unary_math.h"

namespace tts {
namespace math_generic {
#include "unary_math_impl.h"
}  // namespace math_generic

template <typename T>
MathKernels<T> math_kernels_generic() {
  return {&math_generic::math_map<T>, &math_generic::math_classify<T>};
}
template MathKernels<float> math_kernels_generic<float>();
template MathKernels<double> math_kernels_generic<double>();
}  // namespace tts
