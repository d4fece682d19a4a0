// FFT kernels for AVX2 + FMA: fft_impl.h on 32-byte vectors (8 float or 4 double lines at a time).
#include <cstring>
#include <utility>

#include "fft.h"
#include "threadpool.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#pragma GCC optimize("fp-contract=fast")
#define TTS_FFT_VECTOR_BYTES 32
namespace tts {
namespace fft_avx2_isa {
#include "fft_impl.h"
}  // namespace fft_avx2_isa
}  // namespace tts
#pragma GCC pop_options
namespace tts {
template <class T> FftKernels<T> fft_kernels_avx2() { return fft_avx2_isa::fft_kernels<T>(); }
template FftKernels<float> fft_kernels_avx2<float>();
template FftKernels<double> fft_kernels_avx2<double>();
}  // namespace tts
#else
namespace tts {
template <class T> FftKernels<T> fft_kernels_avx2() { return fft_kernels_generic<T>(); }
template FftKernels<float> fft_kernels_avx2<float>();
template FftKernels<double> fft_kernels_avx2<double>();
}  // namespace tts
#endif
