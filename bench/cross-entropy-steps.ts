// F.cross_entropy forward + backward at training-step sizes (class indices, float32): the
// microseconds per call, best of several rounds of many calls (the graph's node count shows here).
//
//   node --import tsx bench/cross-entropy-steps.ts
import * as torch from "../src/index.js";

const F = torch.nn.functional;
const sizes: [number, number, number][] = [[32, 10, 20000], [128, 10, 10000], [4096, 1000, 20]];
for (const [n, c, calls] of sizes) {
  torch.manualSeed(0);
  const x0 = torch.randn(n, c), t = torch.randint(0, c, [n]);
  const step = (): void => { const x = x0.detach().requiresGrad_(); F.crossEntropy(x, t).backward(); };
  for (let i = 0; i < calls / 4; i++) step();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) step();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / calls);
  }
  console.log(`cross_entropy ${n}x${c} fwd+bwd: ${best.toFixed(2)} us`);
}
