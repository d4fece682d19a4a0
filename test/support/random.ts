// Seeded uniform numbers for tests that build their own inputs (independent of torch's generator).

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed, the same stream on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box-Muller, one per two uniforms of rng(seed)). */
export function normalRng(seed: number): () => number {
  const uniform = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
