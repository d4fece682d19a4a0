// Typed elementwise kernels for the baseline ISA (any x86-64, arm64, ...).
#include <cmath>
#include <type_traits>

#include "typed_binary.h"

namespace tts {
namespace generic {
#include "typed_binary_impl.h"
}  // namespace generic

TypedKernels typed_kernels_generic() { return generic::typed_kernels_portable(); }
}  // namespace tts
