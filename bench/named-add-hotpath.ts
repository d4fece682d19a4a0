// The unnamed hot path: 1e6 calls of x.add(y) on small tensors (named tensors must not slow it).
import * as torch from "../src/index.js";

const x = torch.randn(4), y = torch.randn(4);
for (let i = 0; i < 100_000; i++) x.add(y);
const runs: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 1_000_000; i++) x.add(y);
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);
console.log(`x.add(y) x 1e6: median ${runs[2]!.toFixed(0)} ms, min ${runs[0]!.toFixed(0)} ms (${runs.map((r) => r.toFixed(0)).join(" ")})`);
