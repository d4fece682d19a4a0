// FFT kernels for any CPU: fft_impl.h on 16-byte vectors (SSE2 on x86-64).
#include <cstring>
#include <utility>

#include "fft.h"
#include "threadpool.h"

#define TTS_FFT_VECTOR_BYTES 16
namespace tts {
namespace fft_generic_isa {
#include "fft_impl.h"
}  // namespace fft_generic_isa
template <class T> FftKernels<T> fft_kernels_generic() { return fft_generic_isa::fft_kernels<T>(); }
template FftKernels<float> fft_kernels_generic<float>();
template FftKernels<double> fft_kernels_generic<double>();
}  // namespace tts
