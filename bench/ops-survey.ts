// Everyday ops on a 1000x1000 float32 tensor in torch-ts and in PyTorch (bench/ops_survey.py, run
// as bench/run.ts runs PyTorch), median ms and the ratio: a quick way to find an op that falls off
// the native kernels onto a slow JS path. `npx tsx bench/ops-survey.ts`.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";

torch.manualSeed(0);
const x = torch.randn(1000, 1000), y = torch.randn(1000, 1000), m = x.gt(0), idx = torch.randint(0, 1000, [500]);
const cases: Record<string, () => unknown> = {
  where: () => torch.where(m, x, y), maskedFill: () => x.maskedFill(m, 0), clamp: () => x.clamp(-0.5, 0.5), mulScalar: () => x.mul(2),
  pow2: () => x.pow(2), tanh: () => x.tanh(), sigmoid: () => x.sigmoid(), relu: () => torch.relu(x), maximum: () => torch.maximum(x, y),
  argmaxDim: () => x.argmax(1), maxDim: () => x.max(1), meanDim0: () => x.mean(0), meanDim1: () => x.mean(1), indexSelect: () => x.indexSelect(0, idx),
  cat: () => torch.cat([x, y]), transposeContig: () => x.t().contiguous(), cumsum: () => x.cumsum(1), gtScalar: () => x.gt(0), eq: () => x.eq(y),
  sumBool: () => m.sum(), toHalf: () => x.to(torch.float16), logsumexp: () => x.logsumexp(1), norm: () => x.norm(), var: () => x.var(1), sort: () => x.sort(1), addmm: () => torch.addmm(x, x, y),
};

function median(f: () => unknown): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  const start = performance.now();
  while (performance.now() - start < 200 || ts.length < 3) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1]!;
}

const ours = Object.fromEntries(Object.entries(cases).map(([k, f]) => [k, median(f)]));
const env: NodeJS.ProcessEnv = { ...process.env, GLIBC_TUNABLES: "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawnSync("/usr/bin/python3", [fileURLToPath(new URL("./ops_survey.py", import.meta.url))], { env, encoding: "utf8" });
const ref: Record<string, number> = py.status === 0 ? JSON.parse(py.stdout.trim().split("\n").pop()!) as Record<string, number> : {};
if (py.status !== 0) console.error(`PyTorch side skipped: ${py.stderr.trim().split("\n").pop()}`);
console.log("| op (1000x1000 float32) | torch-ts ms | PyTorch ms | ratio |\n|---|---:|---:|---:|");
for (const [k, v] of Object.entries(ours)) {
  const r = ref[k];
  console.log(`| ${k} | ${v.toFixed(3)} | ${r === undefined ? "" : r.toFixed(3)} | ${r === undefined ? "" : (v / r).toFixed(1)} |`);
}
