// torch.linspace's float32 values, rounded as PyTorch's CPU kernel rounds them (ATen's
// RangeFactoriesKernel.cpp, AVX2 build: PyTorch 1.13 as Debian ships it). Its scalar lambda,
// `start + step * idx` below halfway and `end - step * (steps - idx - 1)` from there on, is compiled
// to one fused multiply-add (one rounding); the vectorized loop fills 16 values per round as two
// Vectorized<float>::arange(base, step) of 8, base being the scalar formula at the block's first
// index and the lanes base + k * step (k * step rounded, then the sum); the last steps % 16 values
// take the scalar formula. Values that differ by an ulp move affine_grid's pixel centres, which
// decides the side grid_sample's one-sided gradient is taken from.
// Above PyTorch's grain size (32768 values) the blocks restart at each thread's chunk, which depends
// on its thread count: those long ranges follow one chunk.

const VEC = 8;

/** fma(a, b, c) rounded to float32: a * b is exact in float64 for a float32 a and |b| < 2^29. */
function fmaF32(a: number, b: number, c: number): number { return Math.fround(a * b + c); }

/** The `steps` float32 values of torch.linspace(start, end, steps) (start and end already float32). */
export function linspaceFloat32(start: number, end: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  if (steps === 0) return out;
  if (steps === 1) { out[0] = start; return out; }
  const f = Math.fround;
  const step = f(f(end - start) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const scalar = (i: number): number => (i < halfway ? fmaF32(step, i, start) : fmaF32(-step, steps - i - 1, end));
  let i = 0;
  for (; i <= steps - 2 * VEC; i += 2 * VEC) {
    for (const b of [i, i + VEC]) {
      const base = scalar(b);
      for (let k = 0; k < VEC; k++) out[b + k] = f(base + f(k * step));
    }
  }
  for (; i < steps; i++) out[i] = scalar(i);
  return out;
}
