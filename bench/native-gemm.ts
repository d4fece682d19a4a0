// GEMM throughput of the native addon against PyTorch (Debian's python3-torch, OpenBLAS) on
// this machine, in one run: square C = A·B for float32 (and float64 at 1024), best of several
// timed repetitions, reported in GFLOPS (2·n³ flops per product).
//
//   node --import tsx bench/native-gemm.ts [--rounds R] [--threads T] [--sizes 128,512,...]
//
// PyTorch runs as `/usr/bin/python3` with torch.set_num_threads(T), without OPENBLAS_CORETYPE and
// OPENBLAS_L2_SIZE and with GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=
// 17179869184, in one process that stays up; the two sides alternate case by case.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

import * as native from "../src/backends/native/index.js";

interface Case {
  readonly n: number;
  readonly dtype: "float32" | "float64";
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
const sizes = (arg("sizes") ?? "128,512,1024,2048").split(",").map(Number);
const cases: Case[] = [
  ...sizes.map((n) => ({ n, dtype: "float32" as const })),
  ...(sizes.includes(1024) ? [{ n: 1024, dtype: "float64" as const }] : []),
];
/** Seconds of timed work per measurement (split over 5 repetitions, best kept). */
const BUDGET_S = 0.5;

function randn(len: number, ctor: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const a = new ctor(len);
  for (let i = 0; i < len; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** A measurement: GFLOPS by wall-clock time, and by CPU time spread over the threads used. */
interface Rate {
  wall: number;
  cpu: number;
}

function best(a: Rate | undefined, b: Rate): Rate {
  return a === undefined ? b : { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu, b.cpu) };
}

function timeNative(c: Case): Rate {
  const ctor = c.dtype === "float32" ? Float32Array : Float64Array;
  const n = c.n;
  const a = randn(n * n, ctor), b = randn(n * n, ctor), out = new ctor(n * n);
  const run = (): void => native.gemm(n, n, n, 1, a, 0, n, 1, b, 0, n, 1, 0, out, 0, n);
  run();
  const flops = 2 * n ** 3;
  const reps = Math.max(1, Math.round((BUDGET_S / 5) * 100e9 / flops));
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) run();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
    const used = process.cpuUsage(c0);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6 / reps);
  }
  return { wall: flops / wall / 1e9, cpu: (flops / (cpu / threads)) / 1e9 };
}

// A persistent PyTorch process: reads "n dtype" lines, answers each with "wall cpu" GFLOPS.
const TORCH_SCRIPT = `
import sys, time
import torch
torch.set_num_threads(int(sys.argv[1]))
cache = {}
print("ready", flush=True)
for line in sys.stdin:
    n, dt = line.split()
    n = int(n)
    if (n, dt) not in cache:
        dtype = torch.float32 if dt == "float32" else torch.float64
        a = torch.rand(n, n, dtype=dtype) * 2 - 1
        b = torch.rand(n, n, dtype=dtype) * 2 - 1
        cache[(n, dt)] = (a, b, torch.empty(n, n, dtype=dtype))
    a, b, c = cache[(n, dt)]
    torch.mm(a, b, out=c)
    flops = 2 * n ** 3
    reps = max(1, round(${BUDGET_S} / 5 * 100e9 / flops))
    wall = cpu = float("inf")
    for _ in range(5):
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        wall = min(wall, (time.perf_counter() - t0) / reps)
        cpu = min(cpu, (time.process_time() - c0) / reps)
    print(flops / wall / 1e9, flops / (cpu / int(sys.argv[1])) / 1e9, flush=True)
`;

/** Runs PyTorch in a child process that stays up for the whole benchmark. */
class TorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = "";
  private readonly waiting: ((line: string | null) => void)[] = [];
  private closed = false;
  stderr = "";

  constructor() {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GLIBC_TUNABLES: "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184",
    };
    delete env["OPENBLAS_CORETYPE"];
    delete env["OPENBLAS_L2_SIZE"];
    this.child = spawn("/usr/bin/python3", ["-c", TORCH_SCRIPT, String(threads)], { env });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf("\n")) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    const close = (): void => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    };
    this.child.on("close", close);
    this.child.on("error", (e) => {
      this.stderr += String(e);
      close();
    });
  }

  /** The next line the child prints, or null once it has exited. */
  private next(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  ready(): Promise<string | null> {
    return this.next();
  }

  async measure(c: Case): Promise<Rate | null> {
    if (this.closed) return null;
    const line = this.next();
    this.child.stdin.write(`${c.n} ${c.dtype}\n`);
    const got = await line;
    if (got === null) return null;
    const [wall, cpu] = got.split(" ").map(Number);
    return { wall: wall!, cpu: cpu! };
  }

  stop(): void {
    this.child.stdin.end();
  }
}

/** Lets the other side's threads go idle (OpenBLAS and our pool both spin a while after a call). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const torch = new TorchWorker();
  const torchReady = (await torch.ready()) === "ready";
  const ours = new Map<string, Rate>();
  const theirs = new Map<string, Rate>();
  // Rounds alternate the two sides case by case, so both see the same background load; each side
  // keeps its best round.
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const key = `${c.n}:${c.dtype}`;
      ours.set(key, best(ours.get(key), timeNative(c)));
      if (!torchReady) continue;
      await pause(300);
      const t = await torch.measure(c);
      if (t !== null) theirs.set(key, best(theirs.get(key), t));
      await pause(300);
    }
  }
  torch.stop();
  console.log(`GEMM C = A·B, square, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s)`);
  console.log(`wall: GFLOPS by elapsed time. cpu: GFLOPS by CPU time / ${threads} threads, what ${threads} unshared cores`);
  console.log("would give (steadier than wall on a busy machine; threads that spin while waiting count against it).");
  if (!torchReady) console.log(`PyTorch not measured: ${torch.stderr.trim().split("\n").pop() ?? "no output"}`);
  const f = (v: number | undefined): string => (v === undefined ? "n/a" : v.toFixed(1));
  const ratio = (o: number, t: number | undefined): string => (t === undefined ? "" : (o / t).toFixed(2));
  const rows = [["n", "dtype", "torch-ts wall", "PyTorch wall", "ratio", "torch-ts cpu", "PyTorch cpu", "ratio"]];
  for (const c of cases) {
    const key = `${c.n}:${c.dtype}`;
    const o = ours.get(key)!, t = theirs.get(key);
    rows.push([String(c.n), c.dtype, f(o.wall), f(t?.wall), ratio(o.wall, t?.wall), f(o.cpu), f(t?.cpu), ratio(o.cpu, t?.cpu)]);
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!.length)));
  for (const row of rows) console.log(row.map((cell, j) => cell.padStart(widths[j]!)).join("  "));
}

await main();
