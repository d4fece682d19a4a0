// Portable nnk loops (any CPU), and the choice of ISA.
#include <cmath>
#include <cstring>

#include "nnk.h"

namespace tts {
namespace generic {
#include "nnk_kernels_impl.h"
}  // namespace generic

template <typename T>
NnkKernels<T> nnk_kernels_generic() {
  return generic::make_nnk_kernels<T>();
}

ConvertKernels convert_kernels_generic() {
  return {&generic::f32_to_f16_generic, &generic::f64_to_f16_generic, &generic::f16_to_f32_generic,
          &generic::f32_to_bf16_generic, &generic::f64_to_bf16_generic, &generic::bf16_to_f32_generic};
}

template <typename T>
const NnkKernels<T>& nnk_kernels() {
  return for_active_isa<NnkKernels<T>, &nnk_kernels_avx512<T>, &nnk_kernels_avx2<T>, &nnk_kernels_generic<T>>();
}

template NnkKernels<float> nnk_kernels_generic<float>();
template NnkKernels<double> nnk_kernels_generic<double>();
template const NnkKernels<float>& nnk_kernels<float>();
template const NnkKernels<double>& nnk_kernels<double>();
}  // namespace tts
