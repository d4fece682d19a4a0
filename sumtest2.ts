import * as torch from "./src/index.js";
import { timeit } from "./bench/workloads.js";
const q = process.argv.includes("--pre");
if (q) for (const [n] of [[1_000_000], [10_000_000]] as const) {
  const x = torch.randn(n), y = torch.randn(n);
  timeit(() => x.add(y), 3); timeit(() => x.exp(), 3);
}
const big = torch.randn(10_000_000);
for (let i = 0; i < 4; i++) console.log(q ? "pre" : "fresh", JSON.stringify(timeit(() => big.sum(), 10)));
