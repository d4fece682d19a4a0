// FFT kernels for AVX-512: fft_impl.h on 64-byte vectors (16 float or 8 double lines at a time).
#include <cstring>
#include <utility>

#include "fft.h"
#include "threadpool.h"

#if TTS_X86_64
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,fma")
#pragma GCC optimize("fp-contract=fast")
#define TTS_FFT_VECTOR_BYTES 64
namespace tts {
namespace fft_avx512_isa {
#include "fft_impl.h"
}  // namespace fft_avx512_isa
}  // namespace tts
#pragma GCC pop_options
namespace tts {
template <class T> FftKernels<T> fft_kernels_avx512() { return fft_avx512_isa::fft_kernels<T>(); }
template FftKernels<float> fft_kernels_avx512<float>();
template FftKernels<double> fft_kernels_avx512<double>();
}  // namespace tts
#else
namespace tts {
template <class T> FftKernels<T> fft_kernels_avx512() { return fft_kernels_generic<T>(); }
template FftKernels<float> fft_kernels_avx512<float>();
template FftKernels<double> fft_kernels_avx512<double>();
}  // namespace tts
#endif
