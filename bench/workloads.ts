// The workloads of `npm run bench`, timed as bench/pytorch_bench.py times PyTorch's: warm-up (at
// least two runs and 300 ms: JIT, thread pool, allocator), then the median of repeated runs in
// milliseconds, with the process CPU time per run (all threads) beside it. The warm-up is counted
// in time, not runs: a new Node process compiles its hot functions on a background thread for a
// few hundred milliseconds, and a 128x128 matmul timed in that window took 70-85 us instead of
// 33 us (two cores, one of them busy compiling).

import * as torch from "../src/index.js";
import { CNN, mlpModel } from "./models.js";

const { nn } = torch;
const F = torch.nn.functional;

export interface Timing {
  /** Median wall time of one run, ms. */
  ms: number;
  /** Process CPU time (user + system, every thread) per run, ms. */
  cpuMs: number;
}

export function timeit(fn: () => unknown, reps: number): Timing {
  const start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < 300; i++) fn();
  const ts: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  ts.sort((a, b) => a - b);
  return { ms: ts[Math.floor(ts.length / 2)]!, cpuMs: (cpu.user + cpu.system) / 1000 / reps };
}

export function runWorkloads(quick: boolean): Record<string, Timing> {
  torch.manualSeed(0);
  const R = quick ? 3 : 10;
  const out: Record<string, Timing> = {};
  for (const n of [128, 512, 1024, 2048]) {
    const a = torch.randn(n, n), b = torch.randn(n, n);
    out[`matmul ${n}`] = timeit(() => a.matmul(b), n < 2048 ? R : Math.max(3, R >> 1));
  }
  for (const [n, label] of [[1_000_000, "1M"], [10_000_000, "10M"]] as const) {
    const x = torch.randn(n), y = torch.randn(n);
    out[`add ${label}`] = timeit(() => x.add(y), R);
    out[`exp ${label}`] = timeit(() => x.exp(), R);
  }
  const big = torch.randn(10_000_000);
  out["sum 10M"] = timeit(() => big.sum(), R);
  const s = torch.randn(4096, 1024);
  out["softmax 4096x1024"] = timeit(() => torch.softmax(s, -1), R);
  for (const cin of [3, 64]) {
    const inp = torch.randn(32, cin, 32, 32), w = torch.randn(64, cin, 3, 3), bias = torch.randn(64);
    out[`conv2d 32x${cin}x32x32->64`] = timeit(() => F.conv2d(inp, w, bias, { padding: 1 }), R);
  }

  const mlp = mlpModel();
  const opt = new torch.optim.SGD(mlp.parameters(), { lr: 0.01 });
  const xm = torch.randn(128, 784), ym = torch.randint(0, 10, [128]);
  out["MLP step"] = timeit(() => {
    opt.zeroGrad();
    F.crossEntropy(mlp.call(xm) as torch.Tensor, ym).backward();
    opt.step();
  }, R * 3);

  const cnn = new CNN();
  const copt = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
  const xc = torch.randn(64, 1, 28, 28), yc = torch.randint(0, 10, [64]);
  out["CNN step"] = timeit(() => {
    copt.zeroGrad();
    F.crossEntropy(cnn.call(xc), yc).backward();
    copt.step();
  }, R * 2);
  return out;
}

/** FLOPs of the matmul workloads, for GFLOPS. */
export function matmulFlops(name: string): number | null {
  const m = /^matmul (\d+)$/.exec(name);
  return m ? 2 * Number(m[1]) ** 3 : null;
}
