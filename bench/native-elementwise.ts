// Elementwise ops, reductions, softmax and optimizer steps of the native addon against PyTorch
// (Debian's python3-torch) on this machine, float32, in one run: microseconds per call.
//
//   node --import tsx bench/native-elementwise.ts [--rounds R] [--threads T] [--n N] [--only a,b]
//
// --only keeps the cases whose name contains one of the comma-separated words.
//
// Same method as bench/native-gemm.ts: one PyTorch process that stays up, the sides alternate
// case by case, each keeps its best (elapsed time only: CPU time of calls this short is not
// reliable, PyTorch's OpenMP threads barely show in it).
import * as native from "../src/backends/native/index.js";
import { arg, fastest, printTable, PY_TIMING, timeCalls, type Timing, TorchWorker, timeTorchInto } from "./native-torch.js";

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
/** Elements per tensor: 1M by default, also a square rows x cols = N for the row-wise ops. */
const N = Number(arg("n") ?? 1 << 20);
const cols = 1024;
const rows = Math.max(1, Math.floor(N / cols));
const REPS = 20;
const only = arg("only")?.split(",");

interface Case {
  readonly name: string;
  /** The torch-ts call. */
  readonly run: () => void;
  /** The same work in PyTorch, a Python expression over x, y, b, out, row (see TORCH_SCRIPT). */
  readonly torch: string;
}

function rand(n: number, scale = 4): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}

const x = rand(N), b = rand(N), y = new Float32Array(N), row = rand(cols), out = new Float32Array(rows);
const p = rand(N), g = rand(N, 0.1), m = new Float32Array(N), v = new Float32Array(N), buf = new Float32Array(N);
let step = 0;

const allCases: Case[] = [
  ...(["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "abs"] as const).map((op) => ({
    name: op,
    run: () => native.unary(op, x, y),
    torch: op === "relu" ? "torch.clamp_min(x, 0, out=y)" : op === "log" || op === "sqrt" ? `torch.${op}(x.abs(), out=y)` : `torch.${op}(x, out=y)`,
  })),
  { name: "add", run: () => native.binary("add", [N], { data: x, strides: [1] }, { data: b, strides: [1] }, y), torch: "torch.add(x, b, out=y)" },
  { name: "mul", run: () => native.binary("mul", [N], { data: x, strides: [1] }, { data: b, strides: [1] }, y), torch: "torch.mul(x, b, out=y)" },
  {
    name: `add [${rows},${cols}]+[${cols}]`,
    run: () => native.binary("add", [rows, cols], { data: x, strides: [cols, 1] }, { data: row, strides: [0, 1] }, y),
    torch: "torch.add(x.view(-1, 1024), row, out=y.view(-1, 1024))",
  },
  { name: "sum all", run: () => void native.reduceAll("sum", x), torch: "x.sum()" },
  { name: `sum [${rows},${cols}] dim -1`, run: () => native.reduce("sum", x, out, rows, cols, 1), torch: "torch.sum(x.view(-1, 1024), -1, out=out)" },
  { name: `max [${rows},${cols}] dim -1`, run: () => native.reduce("max", x, out, rows, cols, 1), torch: "torch.amax(x.view(-1, 1024), -1, out=out)" },
  { name: `softmax [${rows},${cols}]`, run: () => native.softmax(x, y, rows, cols), torch: "torch.softmax(x.view(-1, 1024), -1)" },
  { name: `log_softmax [${rows},${cols}]`, run: () => native.logSoftmax(x, y, rows, cols), torch: "torch.log_softmax(x.view(-1, 1024), -1)" },
  {
    name: "Adam step",
    run: () => native.adamStep({ param: p, grad: g, expAvg: m, expAvgSq: v }, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: ++step }),
    torch: "adam.step()",
  },
  {
    name: "SGD momentum step",
    run: () => native.sgdStep({ param: p, grad: g, momentumBuffer: buf }, { lr: 1e-3, momentum: 0.9 }),
    torch: "sgd.step()",
  },
];

const cases = only ? allCases.filter((c) => only.some((w) => c.name.includes(w))) : allCases;

const TORCH_SCRIPT = `${PY_TIMING}
import torch
torch.set_num_threads(int(sys.argv[1]))
n = int(sys.argv[2])
x = torch.rand(n) * 8 - 4
b = torch.rand(n) * 8 - 4
y = torch.empty(n)
row = torch.rand(1024)
out = torch.empty(n // 1024)
p1 = torch.nn.Parameter(torch.rand(n)); p1.grad = torch.rand(n) * 0.1
p2 = torch.nn.Parameter(torch.rand(n)); p2.grad = torch.rand(n) * 0.1
adam = torch.optim.Adam([p1], lr=1e-3)
sgd = torch.optim.SGD([p2], lr=1e-3, momentum=0.9)
print("ready", flush=True)
for line in sys.stdin:
    expr = line.strip()
    fn = eval("lambda: " + expr)
    with torch.no_grad():
        measure(fn, ${REPS})
`;

async function main(): Promise<void> {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const torch = new TorchWorker(TORCH_SCRIPT, [String(threads), String(N)]);
  const torchReady = await torch.ready();
  const ours = new Map<string, Timing>();
  const theirs = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      ours.set(c.name, fastest(ours.get(c.name), timeCalls(c.run, REPS)));
      if (!torchReady) continue;
      await timeTorchInto(torch, c.torch, c.name, theirs, 200);
    }
  }
  torch.stop();
  console.log(`float32, ${N} elements, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s), microseconds per call`);
  console.log("ratio = PyTorch time / torch-ts time (above 1: torch-ts is faster)");
  if (!torchReady) console.log(`PyTorch not measured: ${torch.failure()}`);
  const us = (s: number | undefined): string => (s === undefined ? "n/a" : (s * 1e6).toFixed(0));
  const ratio = (o: number, t: number | undefined): string => (t === undefined ? "" : (t / o).toFixed(2));
  const table = [["op", "torch-ts", "PyTorch", "ratio"]];
  for (const c of cases) {
    const o = ours.get(c.name)!, t = theirs.get(c.name);
    table.push([c.name, us(o.wall), us(t?.wall), ratio(o.wall, t?.wall)]);
  }
  printTable(table);
}

await main();
