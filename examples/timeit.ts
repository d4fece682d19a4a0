// What the torch.func tutorials' "Performance" sections read from torch.utils.benchmark.Timer:
// Timer(stmt).timeit(n).mean, here in milliseconds (torch-ts has no torch.utils.benchmark).

export function meanMs(stmt: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) stmt();
  return (performance.now() - t0) / n;
}
