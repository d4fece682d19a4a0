// int64 reductions, sorts and scans on 1M elements through the public API: best of 5 calls in
// ms, for small values (under 2^20) and values past 2^60 (exact: compared as bigints, summed in
// BigInt when doubles would round). Figures in the int64 report; both backends:
//
//   node --import tsx bench/int64-exact.ts
//   TORCH_TS_BACKEND=js node --import tsx bench/int64-exact.ts
import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";

torch.manualSeed(0);
const n = 1 << 20;
const small = torch.randint(0, 1 << 20, [n]);
const big = small.add(torch.tensor(2n ** 60n, { dtype: torch.int64 }));

function best(f: () => unknown): number {
  f();
  let b = Infinity;
  for (let r = 0; r < 5; r++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); }
  return b;
}

const CASES: [string, (x: Tensor) => unknown][] = [
  ["max", (x) => x.max()],
  ["max(dim)", (x) => x.reshape(1024, 1024).max(1)],
  ["argmax", (x) => x.argmax()],
  ["sort", (x) => x.sort()],
  ["topk(10)", (x) => x.topk(10)],
  ["median", (x) => x.median()],
  ["kthvalue(dim)", (x) => x.reshape(1024, 1024).kthvalue(10, 1)],
  ["cummax", (x) => x.cummax(0)],
  ["cumsum", (x) => x.cumsum(0)],
  ["sum", (x) => x.sum()],
  ["eq", (x) => x.eq(x)],
];

console.log(`backend: ${process.env.TORCH_TS_BACKEND ?? "default"}`);
console.log("op".padEnd(16) + "small".padStart(10) + "past 2^60".padStart(12));
for (const [name, f] of CASES) {
  console.log(name.padEnd(16) + best(() => f(small)).toFixed(1).padStart(10) + best(() => f(big)).toFixed(1).padStart(12));
}
