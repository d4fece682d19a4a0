// glibc's libmvec double vectors in a per-ISA translation unit, included inside its namespace with
// TTS_LIBMVEC_LANES defined (8: AVX-512 zmm, 4: AVX2 ymm) and <immintrin.h> and unary_math.h before
// it: the vector type, unaligned loads and stores, and this ISA's entries of vector_libm()'s table
// (null where libmvec lacks them). unary_math_impl.h and typed_binary_impl.h call through these.
#if TTS_LIBMVEC_LANES == 8
using VecD = __m512d;
inline VecD vload(const double* p) { return _mm512_loadu_pd(p); }
inline void vstore(double* p, VecD v) { _mm512_storeu_pd(p, v); }
inline void* vec_fn_ptr(VecFn f) { return vector_libm().zmm[static_cast<int>(f)]; }
inline void* vec_fn2_ptr(VecFn2 f) { return vector_libm().zmm2[static_cast<int>(f)]; }
#elif TTS_LIBMVEC_LANES == 4
using VecD = __m256d;
inline VecD vload(const double* p) { return _mm256_loadu_pd(p); }
inline void vstore(double* p, VecD v) { _mm256_storeu_pd(p, v); }
inline void* vec_fn_ptr(VecFn f) { return vector_libm().ymm[static_cast<int>(f)]; }
inline void* vec_fn2_ptr(VecFn2 f) { return vector_libm().ymm2[static_cast<int>(f)]; }
#else
#error "libmvec_lanes.h needs TTS_LIBMVEC_LANES 8 or 4"
#endif
constexpr index_t kLanes = TTS_LIBMVEC_LANES;
using VecFnPtr = VecD (*)(VecD);
using VecFn2Ptr = VecD (*)(VecD, VecD);
