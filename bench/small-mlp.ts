// A small model's training step, where each op's own cost (dispatch, checks, allocation) matters
// more than its arithmetic: MLP 64-128-128-10, batch 32, cross-entropy, Adam; torch-ts and PyTorch
// (one thread and two) on this machine. `npx tsx bench/small-mlp.ts`.

import { spawnSync } from "node:child_process";
import * as torch from "../src/index.js";
import { pytorchEnv } from "./compare.js";

const STEPS = 300, ROUNDS = 5;

function torchTs(): number {
  const { nn } = torch;
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = torch.randn(32, 64), y = torch.randint(0, 10, [32]);
  const step = (): void => { opt.zeroGrad(); torch.nn.functional.crossEntropy(model.call(x) as torch.Tensor, y).backward(); opt.step(); };
  for (let i = 0; i < 2 * STEPS; i++) step();
  const ts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) step();
    ts.push((performance.now() - t0) / STEPS);
  }
  return ts.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

const PYTHON = `
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
m = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
x = torch.randn(32, 64); y = torch.randint(0, 10, (32,))
def step():
    opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
for _ in range(${2 * STEPS}): step()
ts = []
for _ in range(${ROUNDS}):
    t = time.perf_counter()
    for _ in range(${STEPS}): step()
    ts.append((time.perf_counter() - t) * 1000 / ${STEPS})
print(sorted(ts)[${ROUNDS >> 1}])
`;

function pytorch(threads: number): number | null {
  const r = spawnSync("/usr/bin/python3", ["-c", PYTHON, String(threads)], { encoding: "utf8", env: pytorchEnv() });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

const ours = torchTs();
const fmt = (ms: number | null): string => (ms === null ? "n/a (no python3-torch)" : `${(ms * 1000).toFixed(0)} us`);
console.log(`small MLP step (median of ${ROUNDS} x ${STEPS}): torch-ts ${fmt(ours)}, PyTorch 1 thread ${fmt(pytorch(1))}, 2 threads ${fmt(pytorch(2))}`);
