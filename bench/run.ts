// npm run bench [-- --quick] [-- --no-pytorch]: the same workloads in torch-ts and in PyTorch
// (Debian's python3-torch, 2 threads, OpenBLAS, malloc tuned for reuse: PyTorch at its best on
// this machine), in one run, with the ratio torch-ts time / PyTorch time.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";
import * as torch from "../src/index.js";
import { matmulFlops, runWorkloads } from "./workloads.js";

const quick = process.argv.includes("--quick");
const withPytorch = !process.argv.includes("--no-pytorch");

function pytorch(): Record<string, number> | null {
  const script = fileURLToPath(new URL("./pytorch_bench.py", import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, GLIBC_TUNABLES: "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184" };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync("/usr/bin/python3", [script, ...(quick ? ["--quick"] : [])], { env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    console.error(`PyTorch side skipped: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
}

const ref = withPytorch ? pytorch() : null;
const ours = runWorkloads(quick);
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`machine: ${cpu}, ${os.cpus().length} cores; torch-ts kernels: ${torch.backends.native.isAvailable() ? "native addon" : "JavaScript"}\n`);
console.log("| workload | torch-ts ms | PyTorch ms | ratio | torch-ts GFLOPS | PyTorch GFLOPS |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, ms] of Object.entries(ours)) {
  const p = ref?.[name];
  const flops = matmulFlops(name);
  const g = (t: number | undefined) => (flops && t ? (flops / (t / 1000) / 1e9).toFixed(0) : "");
  console.log(`| ${name} | ${ms.toFixed(2)} | ${p !== undefined ? p.toFixed(2) : "-"} | ${p ? (ms / p).toFixed(2) : "-"} | ${g(ms)} | ${g(p)} |`);
}
