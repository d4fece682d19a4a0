// GEMM throughput of the native addon against PyTorch (Debian's python3-torch, OpenBLAS) on
// this machine, in one run: square C = A·B for float32 (and float64 at 1024), best of several
// timed repetitions, reported in GFLOPS (2·n³ flops per product).
//
//   node --import tsx bench/native-gemm.ts [--rounds R] [--threads T] [--sizes 128,512,...]
//
// PyTorch runs as `/usr/bin/python3` with torch.set_num_threads(T) and the environment below;
// the rounds alternate torch-ts and PyTorch so both see the same background load, and each side
// keeps its best round.
import { spawnSync } from "node:child_process";

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

function timeNative(c: Case): number {
  const ctor = c.dtype === "float32" ? Float32Array : Float64Array;
  const n = c.n;
  const a = randn(n * n, ctor), b = randn(n * n, ctor), out = new ctor(n * n);
  const run = (): void => native.gemm(n, n, n, 1, a, 0, n, 1, b, 0, n, 1, 0, out, 0, n);
  run();
  const flops = 2 * n ** 3;
  const reps = Math.max(1, Math.round((BUDGET_S / 5) * 100e9 / flops));
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
  }
  return flops / best / 1e9;
}

const TORCH_SCRIPT = `
import json, sys, time
import torch
torch.set_num_threads(int(sys.argv[1]))
out = {}
for spec in sys.argv[2].split(","):
    n, dt = spec.split(":")
    n = int(n)
    dtype = torch.float32 if dt == "float32" else torch.float64
    a = torch.rand(n, n, dtype=dtype) * 2 - 1
    b = torch.rand(n, n, dtype=dtype) * 2 - 1
    c = torch.empty(n, n, dtype=dtype)
    torch.mm(a, b, out=c)
    flops = 2 * n ** 3
    reps = max(1, round(${BUDGET_S} / 5 * 100e9 / flops))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) / reps)
    out[spec] = flops / best / 1e9
print(json.dumps(out))
`;

function timeTorch(cs: readonly Case[]): Map<string, number> | string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GLIBC_TUNABLES: "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184",
  };
  delete env["OPENBLAS_CORETYPE"];
  delete env["OPENBLAS_L2_SIZE"];
  const specs = cs.map((c) => `${c.n}:${c.dtype}`).join(",");
  const r = spawnSync("/usr/bin/python3", ["-c", TORCH_SCRIPT, String(threads), specs], { env, encoding: "utf8" });
  if (r.status !== 0) return (r.stderr || String(r.error)).trim().split("\n").pop() ?? "failed";
  const parsed = JSON.parse(r.stdout) as Record<string, number>;
  return new Map(Object.entries(parsed));
}

function main(): void {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const ours = new Map<string, number>();
  const theirs = new Map<string, number>();
  let torchError: string | undefined;
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const key = `${c.n}:${c.dtype}`;
      ours.set(key, Math.max(ours.get(key) ?? 0, timeNative(c)));
    }
    if (torchError !== undefined) continue;
    const t = timeTorch(cases);
    if (typeof t === "string") torchError = t;
    else for (const [k, v] of t) theirs.set(k, Math.max(theirs.get(k) ?? 0, v));
  }
  console.log(`GEMM C = A·B, square, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s)`);
  if (torchError !== undefined) console.log(`PyTorch not measured: ${torchError}`);
  const rows = [["n", "dtype", "torch-ts GFLOPS", "PyTorch GFLOPS", "ratio"]];
  for (const c of cases) {
    const key = `${c.n}:${c.dtype}`;
    const o = ours.get(key)!, t = theirs.get(key);
    rows.push([String(c.n), c.dtype, o.toFixed(1), t === undefined ? "n/a" : t.toFixed(1), t === undefined ? "" : (o / t).toFixed(2)]);
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!.length)));
  for (const row of rows) console.log(row.map((cell, j) => cell.padStart(widths[j]!)).join("  "));
}

main();
