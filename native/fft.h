// Native FFT (fft.cc, fft_impl.h): complex-to-complex, real-to-complex and complex-to-real
// transforms over batches of lines of contiguous [outer, n, inner] views (line (o, i) starts at
// o·n·inner + i, its elements `inner` apart), unnormalised and then scaled by `scale`. The plans
// are src/backends/js/fft.ts's: Stockham passes of radix 4, 2, 3, 5 and a direct DFT for other
// odd factors, or Bluestein's chirp-z on a 2·3·5-smooth length where pocketfft's cost model says
// so; cached per length and element type. Lines are transformed L at a time (L = the vector width
// of the active ISA), one line per vector lane.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "common.h"

namespace tts {

template <class T>
struct FftStage {
  int radix;
  index_t span;            // product of the earlier radices
  std::vector<T> twiddles; // e^{-2πi·r·k/(span·radix)} for k < span, 1 ≤ r < radix, at 2·(k·(radix-1) + r-1)
  std::vector<T> roots;    // e^{-2πi·q/radix} for q < radix (radices without their own pass)
};

template <class T>
struct FftPlan {
  index_t n = 0;
  bool bluestein = false;
  index_t m = 0;                    // length the passes run: n, or Bluestein's smooth length
  std::vector<FftStage<T>> stages;  // the passes of length m
  std::vector<T> chirp;             // Bluestein: b_j = e^{iπ·j²/n}, j < n
  std::vector<T> kernel;            // Bluestein: the spectrum of the chirp kernel, scaled by 1/m
  std::vector<T> half;              // e^{-2πi·k/(2n)} for k < n: untangles real transforms of length 2n
};

// The cached plan of length n (made on first use; thread-safe).
template <class T>
std::shared_ptr<const FftPlan<T>> fft_plan(index_t n);

// "mixed-radix" or "bluestein" for a length (tests).
bool fft_is_bluestein(index_t n);

// Where r2c reads its lines: line q (q < outer·inner) starts at (q / group)·group_stride +
// (q % group)·line_stride, its elements element_stride apart, each times window[j] when given.
// A contiguous [outer, n, inner] source: group inner, strides n·inner, 1 and inner; stft's frames
// of a [B, length] signal: group frames, strides length, hop and 1, and its window.
template <class T>
struct FftRealSource {
  index_t group, group_stride, line_stride, element_stride;
  const T* window;
};

template <class T>
struct FftKernels {
  // src (interleaved complex) transformed along the middle dim into dst (src itself or disjoint
  // from it); inverse: e^{+2πi·…}.
  void (*c2c)(const FftPlan<T>& plan, const T* src, T* dst, index_t outer, index_t inner, bool inverse, T scale);
  // src real lines (`from`) -> dst complex [outer, out_length, inner] (forward sign; out_length
  // <= n, entries past n/2 mirrored). `plan` has length n (odd n) or n/2 (even n, with `half`).
  void (*r2c)(const FftPlan<T>& plan, const T* src, T* dst, index_t outer, index_t n, index_t inner,
              index_t out_length, T scale, const FftRealSource<T>& from);
  // src complex [outer, in_length, inner], the leading entries of Hermitian spectra -> dst real
  // [outer, n, inner] (inverse sign); imaginary parts of X_0 and X_{n/2} ignored, as pocketfft.
  void (*c2r)(const FftPlan<T>& plan, const T* src, index_t in_length, T* dst, index_t outer, index_t n,
              index_t inner, T scale);
};

template <class T> FftKernels<T> fft_kernels_generic();
template <class T> FftKernels<T> fft_kernels_avx2();
template <class T> FftKernels<T> fft_kernels_avx512();

// Adds fftC2C, fftR2C, fftC2R and fftAlgorithm to the addon's exports.
void register_fft_functions(Napi::Env env, Napi::Object exports);

}  // namespace tts
