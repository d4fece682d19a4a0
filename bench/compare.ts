// What the side-by-side benchmarks share: PyTorch's environment at its best on these machines, and a
// median timer.

/**
 * PyTorch at its best here: OpenBLAS's own kernels (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset, or
 * it runs its older AVX2 kernels) and a malloc that reuses freed memory instead of paying page faults.
 */
export function pytorchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GLIBC_TUNABLES: "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184" };
  delete env["OPENBLAS_CORETYPE"];
  delete env["OPENBLAS_L2_SIZE"];
  return env;
}

/** Median milliseconds of `f` after `warmups` calls, timed for at least `minMs` and `minRuns` runs. */
export function medianMs(f: () => unknown, warmups: number, minMs: number, minRuns: number): number {
  for (let i = 0; i < warmups; i++) f();
  const ts: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minMs || ts.length < minRuns) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1]!;
}
