// Mask kernels for the baseline ISA (any x86-64, arm64, ...).
#include <cstring>

#include "masks.h"

namespace tts {
namespace generic {
#include "masks_impl.h"
}  // namespace generic

MaskKernels mask_kernels_generic() { return generic::mask_kernels_portable(); }
}  // namespace tts
