// floor_of, ceil_of and trunc_of for the per-ISA kernel files, included inside namespace
// tts::<isa> (after <cmath>), like the *_impl.h files that use them.
// floor, ceil and trunc: on AVX-512 (TTS_ROUND_VIA_NEARBYINT, set by the AVX-512 translation units)
// through nearbyint, which GCC vectorises there (std::floor and the others it leaves scalar
// unless -fno-trapping-math); exact, with -0, infinities and NaN as std::floor's. Elsewhere
// nearbyint stays scalar too, and is slower than std::floor.
#if defined(TTS_ROUND_VIA_NEARBYINT)
template <typename T>
inline T floor_of(T v) {
  const T r = std::nearbyint(v);
  return r > v ? r - T(1) : r;
}
template <typename T>
inline T ceil_of(T v) {
  return -floor_of(-v);
}
template <typename T>
inline T trunc_of(T v) {
  return std::copysign(floor_of(std::fabs(v)), v);
}
#else
template <typename T>
inline T floor_of(T v) {
  return std::floor(v);
}
template <typename T>
inline T ceil_of(T v) {
  return std::ceil(v);
}
template <typename T>
inline T trunc_of(T v) {
  return std::trunc(v);
}
#endif
