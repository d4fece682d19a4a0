// Loops that drop their results over reinterpreted storages (complex outputs, x.view(dtype),
// viewAsReal): milliseconds per iteration (median of 5 rounds of 40) and the caching allocator's
// / native memory's counters over the timed iterations. Warm buffers from the cache cost a refill;
// fresh ones ~10 ms of first-touch page faults per few MB.
//
//   node --import tsx bench/reinterpret-alloc.ts          (TORCH_TS_BACKEND=js: no native memory)
import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";

const N = 1 << 20;
torch.manualSeed(0);
const z = torch.randn([N], { dtype: "complex64" }), w = torch.randn([N], { dtype: "complex64" });
const x = torch.randn([N]), y = torch.randn([N]), zh = torch.randn([N / 2], { dtype: "complex64" });
const CASES: [string, () => Tensor][] = [
  ["complex64 mul, 1M elements", () => z.mul(w)],
  ["x.add(y).view(int32).bitwiseAnd(7), 1M", () => x.add(y).view(torch.int32).bitwiseAnd(7)],
  ["viewAsReal(z.mul(w)).mul(2), 1M", () => torch.viewAsReal(z.mul(w)).mul(2)],
  ["viewAsComplex(x.mul(2)).add(zh), 512K", () => torch.viewAsComplex(x.mul(2).view([N / 2, 2])).add(zh)],
];

const keys = ["num_alloc", "num_cache_hits", "native_fresh_blocks", "native_reused_blocks", "native_minor_collections", "native_major_collections"] as const;
for (const [name, f] of CASES) {
  for (let i = 0; i < 40; i++) f();
  const before = torch.memory.memoryStats();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) f();
    times.push((performance.now() - t0) / 40);
  }
  const after = torch.memory.memoryStats();
  times.sort((a, b) => a - b);
  const delta = keys.filter((k) => k in after).map((k) => `${k}=${after[k]! - (before[k] ?? 0)}`).join(" ");
  console.log(`${name.padEnd(42)} ${times[2]!.toFixed(2)} ms/iter  (200 iters) ${delta}  allocated=${(after["allocated_bytes.all.current"]! / 2 ** 20).toFixed(0)}MiB`);
}
