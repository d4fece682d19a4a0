// Times the portable JS gemm (src/backends/js/gemm.ts) on square and conv-like shapes, and the
// JS convolution kernels (src/backends/js/conv.ts, forward + both backward passes), against the
// same work in PyTorch (Debian's python3-torch, one thread, when present) on this machine.
// Rates are computed from process CPU time, so other load on a shared machine skews them less.
// Run: npx tsx bench/js-gemm.ts [--quick]

import { spawnSync } from "node:child_process";
import { gemm, gemmStrided } from "../src/backends/js/gemm.js";
import { convBackwardInput, convBackwardWeight, convForward, convGeometry } from "../src/backends/js/conv.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
interface Case { name: string; M: number; N: number; K: number; transA?: boolean; transB?: boolean; dtype: "float32" | "float64" }

const quick = process.argv.includes("--quick");
const cases: Case[] = [
  { name: "square 1024 f32", M: 1024, N: 1024, K: 1024, dtype: "float32" },
  { name: "square 1024 f64", M: 1024, N: 1024, K: 1024, dtype: "float64" },
  { name: "square 1024 f32 A^T B^T", M: 1024, N: 1024, K: 1024, transA: true, transB: true, dtype: "float32" },
  { name: "square 512 f32", M: 512, N: 512, K: 512, dtype: "float32" },
  { name: "odd 509x257x383 f32", M: 509, N: 257, K: 383, dtype: "float32" },
  { name: "conv-like 64x3136x576 f32", M: 64, N: 3136, K: 576, dtype: "float32" },
  { name: "linear 128x512x784 f32 B^T", M: 128, N: 512, K: 784, transB: true, dtype: "float32" },
  { name: "small 32x32x32 f32", M: 32, N: 32, K: 32, dtype: "float32" },
];

function random(ctor: Ctor, n: number): Float32Array | Float64Array {
  const a = new ctor(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

function timeJs(c: Case): number {
  const ctor = c.dtype === "float32" ? Float32Array : Float64Array;
  const A = random(ctor, c.M * c.K), B = random(ctor, c.K * c.N), C = new ctor(c.M * c.N);
  const lda = c.transA ? c.M : c.K, ldb = c.transB ? c.K : c.N;
  const run = (): void => gemm(!!c.transA, !!c.transB, c.M, c.N, c.K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, c.N);
  const flops = 2 * c.M * c.N * c.K;
  run();
  // Enough repetitions for ~0.3 s per sample; best of several samples (the machine is shared).
  const reps = Math.max(1, Math.round(3e8 / flops / (quick ? 4 : 1)));
  return flops / (bestMs(run, reps) * 1e6);
}

/** Best per-call CPU milliseconds over a few samples of `reps` calls. */
function bestMs(run: () => void, reps: number): number {
  let best = Infinity;
  for (let s = 0; s < (quick ? 2 : 5); s++) {
    const u = process.cpuUsage();
    for (let r = 0; r < reps; r++) run();
    const c = process.cpuUsage(u);
    best = Math.min(best, (c.user + c.system) / 1e3 / reps);
  }
  return best;
}

function timeTorch(): Map<string, number> | null {
  const script = `
import json, sys, time, torch
torch.set_num_threads(1)
res = {}
for c in json.loads(sys.argv[1]):
    dt = torch.float32 if c["dtype"] == "float32" else torch.float64
    a = torch.rand(c["M"], c["K"], dtype=dt) if not c.get("transA") else torch.rand(c["K"], c["M"], dtype=dt).t()
    b = torch.rand(c["K"], c["N"], dtype=dt) if not c.get("transB") else torch.rand(c["N"], c["K"], dtype=dt).t()
    flops = 2 * c["M"] * c["N"] * c["K"]
    torch.mm(a, b)
    reps = max(1, round(3e9 / flops))
    best = 1e9
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(reps): torch.mm(a, b)
        best = min(best, (time.process_time() - t0) / reps)
    res[c["name"]] = flops / best / 1e9
F = torch.nn.functional
for c in json.loads(sys.argv[2]):
    x = torch.rand(c["x"]).requires_grad_()
    w = torch.rand(c["w"]).requires_grad_()
    y = F.conv2d(x, w, stride=c["stride"], padding=c["padding"], groups=c["groups"])
    gy = torch.rand(y.shape)
    def fwd(): F.conv2d(x, w, stride=c["stride"], padding=c["padding"], groups=c["groups"])
    def bwd(): torch.autograd.grad(y, (x, w), gy, retain_graph=True)
    for name, f in (("fwd", fwd), ("bwd", bwd)):
        f()
        best = 1e9
        for _ in range(5):
            t0 = time.process_time(); f(); best = min(best, time.process_time() - t0)
        res[c["name"] + " " + name] = best * 1e3
print(json.dumps(res))
`;
  const r = spawnSync("/usr/bin/python3", ["-c", script, JSON.stringify(cases), JSON.stringify(convCases)], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) return null;
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, number>));
}

interface ConvCase { name: string; x: number[]; w: number[]; stride: number; padding: number; groups: number }
const convCases: ConvCase[] = [
  { name: "resnet 8x64x56x56 k3", x: [8, 64, 56, 56], w: [64, 64, 3, 3], stride: 1, padding: 1, groups: 1 },
  { name: "mnist 64x1x28x28 k5", x: [64, 1, 28, 28], w: [32, 1, 5, 5], stride: 1, padding: 0, groups: 1 },
  { name: "strided 8x32x32x32 k3 s2", x: [8, 32, 32, 32], w: [64, 32, 3, 3], stride: 2, padding: 1, groups: 1 },
  { name: "pointwise 8x256x14x14 k1", x: [8, 256, 14, 14], w: [64, 256, 1, 1], stride: 1, padding: 0, groups: 1 },
  { name: "depthwise 8x128x28x28 k3", x: [8, 128, 28, 28], w: [128, 1, 3, 3], stride: 1, padding: 1, groups: 128 },
];

/** Forward and backward (input + weight) CPU milliseconds of the JS conv kernels, float32. */
function timeConv(c: ConvCase): { fwd: number; bwd: number; gflops: number } {
  const g = convGeometry(c.x, c.w, { stride: [c.stride, c.stride], padding: [c.padding, c.padding], dilation: [1, 1], groups: c.groups });
  const x = random(Float32Array, c.x.reduce((a, b) => a * b)), w = random(Float32Array, c.w.reduce((a, b) => a * b));
  const y = new Float32Array(g.outputShape.reduce((a, b) => a * b));
  const gx = new Float32Array(x.length), gw = new Float32Array(w.length);
  const fwd = bestMs(() => convForward(g, x, w, null, y), 1);
  const bwd = bestMs(() => { convBackwardInput(g, y, w, gx); convBackwardWeight(g, x, y, gw); }, 1);
  const flops = 2 * y.length * c.w.slice(1).reduce((a, b) => a * b);
  return { fwd, bwd, gflops: flops / (fwd * 1e6) };
}

// A strided (sliced, transposed) view runs through the same path without copies.
function checkStrided(): void {
  const A = random(Float32Array, 6 * 7), B = random(Float32Array, 7 * 5), C = new Float32Array(5 * 6);
  gemmStrided(6, 5, 7, 1, { data: A, offset: 0, rowStride: 7, colStride: 1 },
    { data: B, offset: 0, rowStride: 5, colStride: 1 }, 0, { data: C, offset: 0, rowStride: 1, colStride: 6 });
}

checkStrided();
const torchRates = quick ? null : timeTorch();
console.log(`gemm, one thread, GFLOPS (best of samples; machine: ${process.arch}, node ${process.version})`);
console.log(["case".padEnd(30), "torch-ts JS".padStart(12), "PyTorch".padStart(10), "ratio".padStart(8)].join(""));
for (const c of cases) {
  const js = timeJs(c);
  const pt = torchRates?.get(c.name);
  console.log([c.name.padEnd(30), js.toFixed(2).padStart(12), (pt ? pt.toFixed(2) : "-").padStart(10),
    (pt ? (js / pt).toFixed(3) : "-").padStart(8)].join(""));
}
console.log("\nconv2d float32, one thread, CPU ms per call (forward; backward = grad_input + grad_weight)");
console.log(["case".padEnd(30), "JS fwd".padStart(9), "GFLOPS".padStart(8), "torch fwd".padStart(10), "JS bwd".padStart(9), "torch bwd".padStart(10)].join(""));
for (const c of convCases) {
  const r = timeConv(c);
  const pf = torchRates?.get(`${c.name} fwd`), pb = torchRates?.get(`${c.name} bwd`);
  console.log([c.name.padEnd(30), r.fwd.toFixed(1).padStart(9), r.gflops.toFixed(2).padStart(8), (pf ? pf.toFixed(1) : "-").padStart(10),
    r.bwd.toFixed(1).padStart(9), (pb ? pb.toFixed(1) : "-").padStart(10)].join(""));
}
