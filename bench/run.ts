// npm run bench [-- --quick] [-- --no-pytorch] [-- --rounds N] [-- --epoch]: the same workloads in
// torch-ts and in PyTorch (Debian's python3-torch, 2 threads, OpenBLAS, malloc tuned for reuse:
// PyTorch at its best on this machine), with the ratio torch-ts time / PyTorch time.
//
// The machine is shared, so the two sides run in alternating rounds (PyTorch, torch-ts, PyTorch,
// ...) and each workload keeps its best median over the rounds; CPU time per run (all threads)
// is shown beside the wall time. --epoch adds one Fashion-MNIST epoch of examples/train.ts against
// bench/pytorch_train.py, with each process's peak resident memory. `--device webgpu` runs the GPU
// workloads instead (bench/webgpu-run.ts). The torch-ts side runs compiled, as the package ships
// (bench/compiled.ts).

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as torch from "../src/index.js";
import { matmulFlops, type Timing } from "./workloads.js";
import { compiledScript } from "./compiled.js";
import { pytorchEnv } from "./compare.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const withPytorch = !argv.includes("--no-pytorch");
const withEpoch = argv.includes("--epoch");
const roundsArg = argv.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Math.max(1, Number(argv[roundsArg + 1])) : quick ? 1 : 3;

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const root = path.resolve(here("."), "..");

function lastLine(s: string): string {
  return s.trim().split("\n").pop() ?? "";
}

function pytorch(): Record<string, Timing> | null {
  const r = spawnSync("/usr/bin/python3", [here("./pytorch_bench.py"), ...(quick ? ["--quick"] : [])], { env: pytorchEnv(), encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    console.error(`PyTorch side skipped: ${lastLine(r.stderr || r.error?.message || "")}`);
    return null;
  }
  const raw = JSON.parse(lastLine(r.stdout)) as Record<string, [number, number]>;
  return Object.fromEntries(Object.entries(raw).map(([k, [ms, cpuMs]]) => [k, { ms, cpuMs }]));
}

/** Keeps, per workload, the round with the lowest median. */
function keepBest(into: Record<string, Timing>, from: Record<string, Timing> | null): void {
  if (!from) return;
  for (const [k, t] of Object.entries(from)) if (!into[k] || t.ms < into[k]!.ms) into[k] = t;
}

const deviceArg = argv.indexOf("--device");
if (deviceArg >= 0 && argv[deviceArg + 1] === "webgpu") {
  // The GPU workloads have their own harness.
  await import("./webgpu-run.js");
  process.exit(0); // Dawn's handles would keep the process alive
} else {
  await cpuBench();
}

/** One round of bench/workloads.ts, compiled, in a fresh Node process. */
function torchTs(script: string): { kernels: string; timings: Record<string, Timing> } {
  const r = spawnSync(process.execPath, [script, ...(quick ? ["--quick"] : [])], { encoding: "utf8", timeout: 600_000, stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench: the torch-ts workloads failed (${r.error?.message ?? `exit ${r.status}`})`);
  return JSON.parse(lastLine(r.stdout)) as { kernels: string; timings: Record<string, Timing> };
}

async function cpuBench(): Promise<void> {
  const script = await compiledScript(here("./workloads-main.ts"));
  const ours: Record<string, Timing> = {};
  const ref: Record<string, Timing> = {};
  let refOk = withPytorch;
  let kernelsUsed = "";
  for (let r = 0; r < rounds; r++) {
    if (refOk) {
      const p = pytorch();
      if (!p) refOk = false;
      keepBest(ref, p);
    }
    const run = torchTs(script);
    kernelsUsed = run.kernels;
    keepBest(ours, run.timings);
  }

  const cpu = readCpuModel();
  const date = new Date().toISOString().slice(0, 10);
  console.log(`machine: ${cpu}, ${os.cpus().length} cores; torch-ts (compiled, dist/) kernels: ${kernelsUsed}; PyTorch ${withPytorch ? "2 threads" : "not run"}; ${date}`);
  console.log(`best median of ${rounds} alternating round${rounds > 1 ? "s" : ""} per side; CPU = process CPU time per run, all threads\n`);
  console.log("| workload | torch-ts ms | PyTorch ms | ratio | torch-ts CPU ms | PyTorch CPU ms | torch-ts GFLOPS | PyTorch GFLOPS |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name, t] of Object.entries(ours)) {
    const p = ref[name];
    const flops = matmulFlops(name);
    const g = (ms: number | undefined) => (flops && ms ? (flops / (ms / 1000) / 1e9).toFixed(0) : "");
    console.log(`| ${name} | ${t.ms.toFixed(2)} | ${p ? p.ms.toFixed(2) : "-"} | ${p ? (t.ms / p.ms).toFixed(2) : "-"} | ${t.cpuMs.toFixed(2)} | ${p ? p.cpuMs.toFixed(2) : "-"} | ${g(t.ms)} | ${g(p?.ms)} |`);
  }

  if (withEpoch) epoch();
}

function readCpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown CPU";
}

interface EpochResult { seconds: number; samplesPerSec: number; testAcc: number; maxRssMB: number }

/** Runs a command and reports its output and the peak RSS of the process tree it ran (getrusage of children). */
function withPeakRss(cmd: string, args: string[], env: NodeJS.ProcessEnv): { stdout: string; maxRssMB: number } | null {
  const wrap = "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], capture_output=True, text=True)\nsys.stdout.write(r.stdout)\nsys.stderr.write(r.stderr)\nprint('\\nMAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nsys.exit(r.returncode)";
  const r = spawnSync("/usr/bin/python3", ["-c", wrap, cmd, ...args], { env, encoding: "utf8", cwd: root, timeout: 1_800_000 });
  if (r.status !== 0) {
    console.error(`${path.basename(args[args.length - 1] ?? cmd)} failed: ${lastLine(r.stderr || r.error?.message || "")}`);
    return null;
  }
  const kb = Number(/MAXRSS_KB (\d+)/.exec(r.stdout)?.[1] ?? NaN);
  return { stdout: r.stdout, maxRssMB: kb / 1024 };
}

function epoch(): void {
  if (!torch.datasets.fashionMnistAvailable()) {
    console.log("\nepoch: Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist); skipped");
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "torch-ts-bench-"));
  let tsResult: EpochResult | null = null;
  try {
    const run = withPeakRss(process.execPath, ["--import", "tsx", "examples/train.ts", "--epochs", "1", "--out", path.join(dir, "model.pt")], process.env);
    const m = run && /epoch 1: .*test acc ([\d.]+)%, .*\((\d+) samples\/s\)/.exec(run.stdout);
    if (run && m) {
      const rate = Number(m[2]);
      tsResult = { seconds: 60000 / rate, samplesPerSec: rate, testAcc: Number(m[1]) / 100, maxRssMB: run.maxRssMB };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let ptResult: EpochResult | null = null;
  if (withPytorch) {
    const run = withPeakRss("/usr/bin/python3", [here("./pytorch_train.py")], pytorchEnv());
    if (run) ptResult = { ...(JSON.parse(run.stdout.trim().split("\n").find((l) => l.startsWith("{")) ?? "{}") as EpochResult), maxRssMB: run.maxRssMB };
  }
  const cell = (r: EpochResult | null, f: (r: EpochResult) => string) => (r ? f(r) : "-");
  const ratio = (f: (r: EpochResult) => number) => (tsResult && ptResult ? (f(tsResult) / f(ptResult)).toFixed(2) : "-");
  console.log("\n| Fashion-MNIST epoch (60000 images, batch 64, Adam) | torch-ts | PyTorch | ratio |");
  console.log("|---|---:|---:|---:|");
  console.log(`| training time, s | ${cell(tsResult, (r) => r.seconds.toFixed(1))} | ${cell(ptResult, (r) => r.seconds.toFixed(1))} | ${ratio((r) => r.seconds)} |`);
  console.log(`| samples/s | ${cell(tsResult, (r) => r.samplesPerSec.toFixed(0))} | ${cell(ptResult, (r) => r.samplesPerSec.toFixed(0))} | |`);
  console.log(`| peak RSS (whole process), MB | ${cell(tsResult, (r) => r.maxRssMB.toFixed(0))} | ${cell(ptResult, (r) => r.maxRssMB.toFixed(0))} | ${ratio((r) => r.maxRssMB)} |`);
  console.log(`| test accuracy after the epoch | ${cell(tsResult, (r) => (100 * r.testAcc).toFixed(1) + "%")} | ${cell(ptResult, (r) => (100 * r.testAcc).toFixed(1) + "%")} | |`);
}
