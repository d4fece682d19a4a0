// Convolution passes of the native addon against PyTorch (Debian's python3-torch, oneDNN) on this
// machine, float32, in one run: milliseconds per call of the forward, the input gradient and the
// weight gradient, on the CNN example's layers and a few wider shapes.
//
//   node --import tsx bench/native-conv.ts [--rounds R] [--threads T] [--filter TEXT]
//
// Same method as bench/native-gemm.ts: one PyTorch process that stays up, the sides alternate
// case by case, each keeps its best. PyTorch runs F.conv{1,2}d for the forward and
// torch.ops.aten.convolution_backward with an output mask for each gradient alone, so neither
// side computes the bias gradient. Two measures: wall (elapsed time) and cpu (CPU time of all
// threads / T); on a busy shared machine wall swings while cpu stays steadier.
import * as native from "../src/backends/native/index.js";
import { convGeometry, type ConvGeometry } from "../src/backends/js/conv.js";
import { arg, fastest, printTable, PY_TIMING, timeCalls, type Timing, TorchWorker, timeTorchInto } from "./native-torch.js";

type Pass = "fwd" | "bwd-input" | "bwd-weight";

interface Case {
  readonly name: string;
  /** N, Cin, spatial size (1 or 2 dims), Cout, kernel (same length as the size), padding. */
  readonly n: number;
  readonly cin: number;
  readonly size: readonly number[];
  readonly cout: number;
  readonly kernel: readonly number[];
  readonly padding: readonly number[];
  readonly passes: readonly Pass[];
}

const ALL: readonly Pass[] = ["fwd", "bwd-input", "bwd-weight"];
const CASES: Case[] = [
  // The CNN example (bench/workloads.ts): its first layer's input needs no gradient.
  { name: "CNN conv1 64x1x28x28->32", n: 64, cin: 1, size: [28, 28], cout: 32, kernel: [3, 3], padding: [1, 1], passes: ["fwd", "bwd-weight"] },
  { name: "CNN conv2 64x32x14x14->64", n: 64, cin: 32, size: [14, 14], cout: 64, kernel: [3, 3], padding: [1, 1], passes: ALL },
  { name: "32x3x32x32->64", n: 32, cin: 3, size: [32, 32], cout: 64, kernel: [3, 3], padding: [1, 1], passes: ALL },
  { name: "32x64x32x32->64", n: 32, cin: 64, size: [32, 32], cout: 64, kernel: [3, 3], padding: [1, 1], passes: ALL },
  { name: "1d 32x64x1024->64 k3", n: 32, cin: 64, size: [1024], cout: 64, kernel: [3], padding: [1], passes: ALL },
];

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
const filter = arg("filter") ?? "";
const REPS = 10;

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

interface Buffers {
  g: ConvGeometry;
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  y: Float32Array;
  gy: Float32Array;
  gx: Float32Array;
  gw: Float32Array;
}

function buffers(c: Case): Buffers {
  const k = c.size.length;
  const g = convGeometry([c.n, c.cin, ...c.size], [c.cout, c.cin, ...c.kernel], {
    stride: new Array<number>(k).fill(1), padding: [...c.padding], dilation: new Array<number>(k).fill(1), groups: 1,
  });
  return {
    g, x: rand(prod(g.inputShape)), w: rand(prod(g.weightShape)), b: rand(c.cout), y: new Float32Array(prod(g.outputShape)),
    gy: rand(prod(g.outputShape)), gx: new Float32Array(prod(g.inputShape)), gw: new Float32Array(prod(g.weightShape)),
  };
}

function timeNative(bufs: Buffers, pass: Pass): Timing {
  const { g, x, w, b, y, gy, gx, gw } = bufs;
  if (pass === "fwd") return timeCalls(() => native.convForward(g, x, w, b, y), REPS);
  if (pass === "bwd-input") return timeCalls(() => native.convBackwardInput(g, gy, w, gx), REPS);
  return timeCalls(() => native.convBackwardWeight(g, x, gy, gw), REPS);
}

/** The PyTorch side: one request per line, "key n cin cout size... / kernel... / padding... pass". */
const TORCH_SCRIPT = `${PY_TIMING}
import torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
cache = {}
print("ready", flush=True)
for line in sys.stdin:
    key, n, cin, cout, size, kernel, padding, kind = line.split()
    n, cin, cout = int(n), int(cin), int(cout)
    size, kernel, padding = [[int(v) for v in s.split(",")] for s in (size, kernel, padding)]
    if key not in cache:
        x = torch.rand(n, cin, *size) * 2 - 1
        w = torch.rand(cout, cin, *kernel) * 2 - 1
        b = torch.rand(cout) * 2 - 1
        y = F.conv2d(x, w, b, padding=padding) if len(size) == 2 else F.conv1d(x, w, b, padding=padding)
        gy = torch.rand_like(y) * 2 - 1
        cache[key] = (x, w, b, gy)
    x, w, b, gy = cache[key]
    ones, zeros = [1] * len(size), [0] * len(size)
    conv = F.conv2d if len(size) == 2 else F.conv1d
    if kind == "fwd":
        fn = lambda: conv(x, w, b, padding=padding)
    else:
        mask = [kind == "bwd-input", kind == "bwd-weight", False]
        fn = lambda: torch.ops.aten.convolution_backward(gy, x, w, [cout], ones, padding, ones, False, zeros, 1, mask)
    with torch.no_grad():
        measure(fn, ${REPS})
`;

async function main(): Promise<void> {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const cases = CASES.filter((c) => c.name.includes(filter));
  const torch = new TorchWorker(TORCH_SCRIPT, [String(threads)]);
  const torchReady = await torch.ready();
  const ours = new Map<string, Timing>();
  const theirs = new Map<string, Timing>();
  const bufs = new Map(cases.map((c) => [c.name, buffers(c)]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      for (const pass of c.passes) {
        const key = `${c.name} ${pass}`;
        ours.set(key, fastest(ours.get(key), timeNative(bufs.get(c.name)!, pass)));
        if (!torchReady) continue;
        const request = [c.name.replace(/\s+/g, "_"), c.n, c.cin, c.cout, c.size.join(","), c.kernel.join(","), c.padding.join(","), pass].join(" ");
        await timeTorchInto(torch, request, key, theirs, 200);
      }
    }
  }
  torch.stop();
  console.log(`conv float32, stride 1, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s), ms per call`);
  console.log("ratio = torch-ts time / PyTorch time (at most 1: torch-ts is as fast or faster)");
  if (!torchReady) console.log(`PyTorch not measured: ${torch.failure()}`);
  const ms = (s: number | undefined): string => (s === undefined ? "n/a" : (s * 1e3).toFixed(3));
  const ratio = (o: number, t: number | undefined): string => (t === undefined ? "" : (o / t).toFixed(2));
  const table = [["shape", "pass", "torch-ts wall", "PyTorch wall", "ratio", "torch-ts cpu", "PyTorch cpu", "ratio"]];
  for (const c of cases) {
    for (const pass of c.passes) {
      const key = `${c.name} ${pass}`;
      const o = ours.get(key)!, t = theirs.get(key);
      table.push([c.name, pass, ms(o.wall), ms(t?.wall), ratio(o.wall, t?.wall), ms(o.cpu / threads), ms(t && t.cpu / threads), ratio(o.cpu, t?.cpu)]);
    }
  }
  printTable(table);
}

await main();
