// `npm run bench -- --device webgpu`: the GPU workloads of torch-ts's "webgpu" device, and the same
// in PyTorch CUDA (bench/cuda_bench.py) where python3 has CUDA, with the ratio torch-ts / PyTorch.
//   npm run bench -- --device webgpu [--quick] [--no-pytorch] [--sizes 1024,2048] [--kernels] [--json out.json]
// Every figure is a median of timed samples after warm-up; a sample ends with
// `await torch.webgpu.synchronize()` (torch.cuda.synchronize() in Python), so it counts GPU time.
// Matmuls are timed k at a time (k x 2n³ ≈ 0.2 TFLOP per sample); training steps one at a time.
// Beside each figure: what one call costs the device (dispatches, submits, buffers created, full
// collections the buffer pool asked for) and the host's milliseconds until the call returns (the
// time to record the work; the GPU runs it meanwhile). --kernels adds, for each training step, its
// GPU time per kernel from timestamp queries (where the adapter offers them).

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { CNN, mlpModel } from "./models.js";

const { nn } = torch;
const F = torch.nn.functional;
type Tensor = torch.Tensor;
type Context = Awaited<ReturnType<typeof torch.webgpu.init>>;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : dflt;
}
const quick = process.argv.includes("--quick");
const withPytorch = !process.argv.includes("--no-pytorch");
const sizes = arg("sizes", quick ? "256,512" : "1024,2048,4096,8192").split(",").map(Number).filter((n) => n > 0);
const jsonOut = arg("json", "");
const python = process.env["TORCH_TS_PYTHON"] ?? "python3";
const withKernelTimes = process.argv.includes("--kernels");

/** What one call costs the device: dispatches, submits, buffers created (pool misses), collections. */
interface Profile { dispatches: number; submits: number; created: number; gcs: number; gcMs: number; youngGcs: number; youngGcMs: number; hostMs: number }
interface Result { ms: number; mean: number; profile: Profile }

function free(...ts: Tensor[]): void {
  for (const t of ts) t[Symbol.dispose]();
}

/**
 * Median milliseconds per call of `fn`: warm-up samples, then `samples` timed ones, each `k`
 * calls followed by a synchronize. The profile counts the device's work over the timed samples.
 */
async function timeGpu(ctx: Context, fn: () => void, samples: number, k = 1, warmup = 3): Promise<Result> {
  // At least `warmup` samples and 0.3 s: the buffer pool settles (collections return the first
  // samples' buffers) and pipelines compile.
  const w0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - w0 < 300; i++) {
    for (let j = 0; j < k; j++) fn();
    await torch.webgpu.synchronize();
  }
  const c0 = { ...ctx.counters }, p0 = ctx.pool.stats();
  const ts: number[] = [];
  let host = 0;
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    for (let j = 0; j < k; j++) fn();
    host += performance.now() - t;
    await torch.webgpu.synchronize();
    ts.push((performance.now() - t) / k);
  }
  const calls = samples * k, p1 = ctx.pool.stats();
  const mean = ts.reduce((a, b) => a + b, 0) / ts.length;
  ts.sort((a, b) => a - b);
  return {
    ms: ts[Math.floor(ts.length / 2)]!,
    mean,
    profile: {
      dispatches: (ctx.counters.dispatches - c0.dispatches) / calls,
      submits: (ctx.counters.submits - c0.submits) / calls,
      created: (p1.created - p0.created) / calls,
      gcs: (p1.gcs - p0.gcs) / calls,
      gcMs: p1.gcs > p0.gcs ? (p1.gcMillis - p0.gcMillis) / (p1.gcs - p0.gcs) : 0,
      youngGcs: (p1.youngGcs - p0.youngGcs) / calls,
      youngGcMs: p1.youngGcs > p0.youngGcs ? (p1.youngGcMillis - p0.youngGcMillis) / (p1.youngGcs - p0.youngGcs) : 0,
      hostMs: host / calls,
    },
  };
}

/** Runs one workload; a failure is reported and the others still run. */
async function workload(out: Record<string, Result>, name: string, run: () => Promise<Result>): Promise<void> {
  try {
    out[name] = await run();
    const r = out[name]!, p = r.profile;
    console.log(`${name}: median ${r.ms.toFixed(3)} ms, mean ${r.mean.toFixed(3)} ms; per call ${p.dispatches.toFixed(0)} dispatches, ` +
      `${p.submits.toFixed(1)} submits, ${p.created.toFixed(2)} new buffers, ${p.gcs.toFixed(2)} full collections (${p.gcMs.toFixed(1)} ms each), ${p.youngGcs.toFixed(2)} young (${p.youngGcMs.toFixed(2)} ms each), host ${p.hostMs.toFixed(3)} ms`);
  } catch (e) {
    console.log(`${name}: FAILED ${(e as Error).stack ?? e}`);
  }
}

async function matmuls(ctx: Context, out: Record<string, Result>): Promise<void> {
  for (const n of sizes) {
    const a = torch.randn(n, n).to("webgpu"), b = torch.randn(n, n).to("webgpu");
    const k = Math.max(1, Math.round(2e11 / (2 * n ** 3)));
    await workload(out, `matmul ${n}`, () => timeGpu(ctx, () => free(a.matmul(b)), quick ? 3 : 9, quick ? 1 : k, 2));
    free(a, b);
  }
}

/** A few steps under the kernel profile: the GPU time of each kernel per step, the largest first. */
async function kernelTimes(ctx: Context, name: string, step: () => void, steps = 5): Promise<void> {
  if (!withKernelTimes) return;
  if (!ctx.features.has("timestamp-query")) {
    console.log(`${name}: no kernel times (the adapter has no timestamp queries)`);
    return;
  }
  await torch.webgpu.synchronize();
  ctx.startKernelProfile();
  for (let i = 0; i < steps; i++) step();
  const times = await ctx.stopKernelProfile();
  const total = times.reduce((a, k) => a + k.ms, 0) / steps;
  console.log(`${name}: GPU time per step, by kernel (timestamp queries; one pass per dispatch): ${total.toFixed(3)} ms in all`);
  for (const k of times.slice(0, 15)) console.log(`  ${(k.ms / steps).toFixed(3)} ms  ${(k.count / steps).toFixed(0)}x  ${k.key.slice(0, 100)}`);
}

/** Fashion-MNIST's CNN of examples/train.ts (28x28 inputs). */
async function trainingSteps(ctx: Context, out: Record<string, Result>): Promise<void> {
  const R = quick ? 3 : 20;
  torch.manualSeed(0);
  const mlp = mlpModel().to("webgpu");
  const sgd = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const xm = torch.randn(128, 784).to("webgpu"), ym = torch.randint(0, 10, [128]).to("webgpu");
  const mlpStep = (): void => {
    sgd.zeroGrad();
    F.crossEntropy(mlp.call(xm) as Tensor, ym).backward();
    sgd.step();
  };
  await workload(out, "MLP step", () => timeGpu(ctx, mlpStep, R));
  await kernelTimes(ctx, "MLP step", mlpStep);

  const cnn = new CNN().to("webgpu");
  const adam = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
  const xc = torch.randn(64, 1, 28, 28).to("webgpu"), yc = torch.randint(0, 10, [64]).to("webgpu");
  const cnnStep = (): void => {
    adam.zeroGrad();
    F.crossEntropy(cnn.call(xc), yc).backward();
    adam.step();
  };
  await workload(out, "CNN step", () => timeGpu(ctx, cnnStep, R));
  await kernelTimes(ctx, "CNN step", cnnStep);

  // Dropout 0 on both sides: torch-ts draws dropout masks on the CPU (to reproduce CPU runs).
  const [d, heads, ff, batch, seq] = quick ? [64, 4, 128, 4, 16] : [512, 8, 2048, 32, 128];
  const layer = new nn.TransformerEncoderLayer(d, heads, { dimFeedforward: ff, dropout: 0, batchFirst: true }).to("webgpu");
  const src = torch.randn(batch, seq, d).to("webgpu");
  const transformerStep = (): void => {
    layer.zeroGrad();
    (layer.call(src) as Tensor).square().mean().backward();
  };
  await workload(out, "Transformer fwd+bwd", () => timeGpu(ctx, transformerStep, quick ? 3 : 15));
  await kernelTimes(ctx, "Transformer fwd+bwd", transformerStep, quick ? 2 : 5);
}

function cudaReference(): Record<string, number> | null {
  const script = fileURLToPath(new URL("./cuda_bench.py", import.meta.url));
  const args = [script, "--sizes", sizes.join(","), ...(quick ? ["--quick"] : [])];
  const r = spawnSync(python, args, { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    console.error(`PyTorch CUDA side skipped: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  const lines = r.stdout.trim().split("\n");
  for (const l of lines.slice(0, -1)) console.log(`  ${l}`);
  return JSON.parse(lines.pop()!) as Record<string, number>;
}

function flops(name: string): number | null {
  const m = /^matmul (\d+)$/.exec(name);
  return m ? 2 * Number(m[1]) ** 3 : null;
}

async function main(): Promise<void> {
  // PyTorch first, so that the two never share the GPU.
  const ref = withPytorch ? cudaReference() : null;
  const ctx = await torch.webgpu.init();
  console.log(`adapter: ${torch.webgpu.deviceName()}; native addon ${torch.backends.native.isAvailable() ? "loaded" : "absent"}${ctx.isCpuAdapter ? " (CPU adapter: a smoke test, not a measurement)" : ""}`);
  const ours: Record<string, Result> = {};
  await matmuls(ctx, ours);
  await trainingSteps(ctx, ours);

  console.log("\n| workload | torch-ts webgpu ms | PyTorch CUDA ms | ratio | torch-ts GFLOPS | PyTorch GFLOPS | dispatches per call |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, r] of Object.entries(ours)) {
    const p = ref?.[name], f = flops(name);
    const g = (t: number | undefined) => (f && t ? (f / (t / 1000) / 1e9).toFixed(0) : "");
    const prof = r.profile.dispatches.toFixed(0);
    console.log(`| ${name} | ${r.ms.toFixed(3)} | ${p !== undefined ? p.toFixed(3) : "-"} | ${p ? (r.ms / p).toFixed(2) : "-"} | ${g(r.ms)} | ${g(p)} | ${prof} |`);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ adapter: torch.webgpu.deviceName(), webgpu: ours, cuda: ref }, null, 2));
  torch.webgpu.shutdown();
}

await main();
