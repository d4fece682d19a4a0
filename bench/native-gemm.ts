// GEMM throughput of the native addon against PyTorch (Debian's python3-torch, OpenBLAS) on
// this machine, in one run: square C = A·B for float32 (and float64 at 1024), reported in GFLOPS
// (2·n³ flops per product).
//
//   node --import tsx bench/native-gemm.ts [--rounds R] [--threads T] [--sizes 128,512,...]
//
// PyTorch runs in one `/usr/bin/python3` process that stays up (torch.set_num_threads(T), the
// environment of TorchWorker); the two sides alternate case by case and each keeps its best.
// Two measures: wall (elapsed time) and cpu (CPU time of all threads / T: what T unshared cores
// would give). On a busy shared machine, wall swings with the other processes while cpu stays
// steady; threads that spin while waiting count against cpu, for both sides.
import * as native from "../src/backends/native/index.js";
import { arg, fastest, printTable, PY_TIMING, timeCalls, type Timing, TorchWorker, timeTorchInto } from "./native-torch.js";

interface Case {
  readonly n: number;
  readonly dtype: "float32" | "float64";
}

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
const sizes = (arg("sizes") ?? "64,128,256,512,1024,2048").split(",").map(Number);
const cases: Case[] = [
  ...sizes.map((n) => ({ n, dtype: "float32" as const })),
  ...(sizes.includes(1024) ? [{ n: 1024, dtype: "float64" as const }] : []),
];
/** Calls per repetition: about 0.1 s of work at 100 GFLOPS. */
const reps = (n: number): number => Math.max(1, Math.round(0.1 * 100e9 / (2 * n ** 3)));

function randn(len: number, ctor: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const a = new ctor(len);
  for (let i = 0; i < len; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

function timeNative(c: Case): Timing {
  const ctor = c.dtype === "float32" ? Float32Array : Float64Array;
  const n = c.n;
  const a = randn(n * n, ctor), b = randn(n * n, ctor), out = new ctor(n * n);
  return timeCalls(() => native.gemm(n, n, n, 1, a, 0, n, 1, b, 0, n, 1, 0, out, 0, n), reps(n));
}

const TORCH_SCRIPT = `${PY_TIMING}
import torch
torch.set_num_threads(int(sys.argv[1]))
cache = {}
print("ready", flush=True)
for line in sys.stdin:
    n, dt = line.split()
    n = int(n)
    if (n, dt) not in cache:
        dtype = torch.float32 if dt == "float32" else torch.float64
        cache[(n, dt)] = (torch.rand(n, n, dtype=dtype) * 2 - 1, torch.rand(n, n, dtype=dtype) * 2 - 1, torch.empty(n, n, dtype=dtype))
    a, b, c = cache[(n, dt)]
    measure(lambda: torch.mm(a, b, out=c), max(1, round(0.1 * 100e9 / (2 * n ** 3))))
`;

async function main(): Promise<void> {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const torch = new TorchWorker(TORCH_SCRIPT, [String(threads)]);
  const torchReady = await torch.ready();
  const ours = new Map<string, Timing>();
  const theirs = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const key = `${c.n}:${c.dtype}`;
      ours.set(key, fastest(ours.get(key), timeNative(c)));
      if (!torchReady) continue;
      await timeTorchInto(torch, `${c.n} ${c.dtype}`, key, theirs, 300);
    }
  }
  torch.stop();
  console.log(`GEMM C = A·B, square, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s), GFLOPS`);
  if (!torchReady) console.log(`PyTorch not measured: ${torch.failure()}`);
  const gflops = (n: number, seconds: number): number => (2 * n ** 3) / seconds / 1e9;
  const f = (v: number | undefined): string => (v === undefined ? "n/a" : v.toFixed(1));
  const ratio = (o: number, t: number | undefined): string => (t === undefined ? "" : (o / t).toFixed(2));
  const rows = [["n", "dtype", "torch-ts wall", "PyTorch wall", "ratio", "torch-ts cpu", "PyTorch cpu", "ratio"]];
  for (const c of cases) {
    const key = `${c.n}:${c.dtype}`;
    const o = ours.get(key)!, t = theirs.get(key);
    const ow = gflops(c.n, o.wall), oc = gflops(c.n, o.cpu / threads);
    const tw = t && gflops(c.n, t.wall), tc = t && gflops(c.n, t.cpu / threads);
    rows.push([String(c.n), c.dtype, f(ow), f(tw), ratio(ow, tw), f(oc), f(tc), ratio(oc, tc)]);
  }
  printTable(rows);
}

await main();
