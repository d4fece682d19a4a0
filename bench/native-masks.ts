// Comparisons, where/masked_fill and bool reductions of the native addon against PyTorch
// (Debian's python3-torch) on this machine, on preallocated buffers, in one run: microseconds
// per call (elapsed time only: CPU time of calls this short is not reliable).
//
//   node --import tsx bench/native-masks.ts [--rounds R] [--threads T] [--n N] [--only a,b] [--isa I]
//
// Same method as bench/native-elementwise.ts: one PyTorch process that stays up, the sides
// alternate case by case, each keeps its best.
import * as native from "../src/backends/native/index.js";
import * as masks from "../src/backends/native/masks.js";
import { arg, fastest, printTable, PY_TIMING, timeCalls, type Timing, TorchWorker, timeTorchInto } from "./native-torch.js";

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
const N = Number(arg("n") ?? 1 << 20);
const cols = 1024;
const rows = Math.max(1, Math.floor(N / cols));
const REPS = 20;
const only = arg("only")?.split(",");
const isa = arg("isa") as native.Isa | undefined;

interface Case {
  readonly name: string;
  readonly run: () => void;
  /** The same work in PyTorch, a Python expression over the tensors of TORCH_SCRIPT. */
  readonly torch: string;
}

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

const x = rand(N), b = rand(N), y = new Float32Array(N), row = rand(cols), zero = Float32Array.of(0);
const m = new Uint8Array(N), bo = new Uint8Array(N), sums = new BigInt64Array(cols), flag = new Uint8Array(1), total = new BigInt64Array(1);
for (let i = 0; i < N; i++) m[i] = x[i]! > 0 ? 1 : 0;
const flat = <T>(d: T) => ({ data: d, strides: [1] });
const scalar = { data: zero, strides: [0] };

const allCases: Case[] = [
  { name: "gt scalar", run: () => masks.compare("gt", [N], flat(x), scalar, bo), torch: "torch.gt(x, 0, out=bo)" },
  { name: "eq tensor", run: () => masks.compare("eq", [N], flat(x), flat(b), bo), torch: "torch.eq(x, b, out=bo)" },
  {
    name: `lt [${rows},${cols}] < [${cols}]`,
    run: () => masks.compare("lt", [rows, cols], { data: x, strides: [cols, 1] }, { data: row, strides: [0, 1] }, bo),
    torch: "torch.lt(x.view(-1, 1024), row, out=bo.view(-1, 1024))",
  },
  { name: "where", run: () => masks.select([N], flat(m), flat(x), flat(b), y), torch: "torch.where(m, x, b, out=y)" },
  { name: "masked_fill_", run: () => masks.select([N], flat(m), scalar, flat(y), y), torch: "y.masked_fill_(m, 0)" },
  {
    name: `masked_fill_ [${rows},${cols}] mask [${cols}]`,
    run: () => masks.select([rows, cols], { data: m, strides: [0, 1] }, { data: zero, strides: [0, 0] }, { data: y, strides: [cols, 1] }, y),
    torch: "y.view(-1, 1024).masked_fill_(m[:1024], 0)",
  },
  { name: "sum bool", run: () => masks.byteReduce("sum", m, total, 1, N, 1), torch: "m.sum()" },
  { name: "any bool", run: () => masks.byteReduce("any", m, flag, 1, N, 1), torch: "m.any()" },
  { name: "all bool", run: () => masks.byteReduce("all", m, flag, 1, N, 1), torch: "m.all()" },
  { name: `sum bool [${rows},${cols}] dim 0`, run: () => masks.byteReduce("sum", m, sums, 1, rows, cols), torch: "torch.sum(m.view(-1, 1024), 0, out=sums)" },
];

const cases = only ? allCases.filter((c) => only.some((w) => c.name.includes(w))) : allCases;

const TORCH_SCRIPT = `${PY_TIMING}
import torch
torch.set_num_threads(int(sys.argv[1]))
n = int(sys.argv[2])
x = torch.rand(n) * 2 - 1
b = torch.rand(n) * 2 - 1
y = torch.empty(n)
row = torch.rand(1024) * 2 - 1
m = x > 0
bo = torch.empty(n, dtype=torch.bool)
sums = torch.empty(1024, dtype=torch.int64)
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
  if (isa) native.setIsa(isa);
  const torch = new TorchWorker(TORCH_SCRIPT, [String(threads), String(N)]);
  const torchReady = await torch.ready();
  const ours = new Map<string, Timing>();
  const theirs = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      ours.set(c.name, fastest(ours.get(c.name), timeCalls(c.run, REPS)));
      if (!torchReady) continue;
      await timeTorchInto(torch, c.torch, c.name, theirs, 100);
    }
  }
  torch.stop();
  console.log(`float32, ${N} elements, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s), microseconds per call`);
  console.log("ratio = PyTorch wall time / torch-ts wall time (above 1: torch-ts is faster)");
  if (!torchReady) console.log(`PyTorch not measured: ${torch.failure()}`);
  const us = (s: number | undefined): string => (s === undefined ? "n/a" : (s * 1e6).toFixed(0));
  const table = [["op", "torch-ts", "PyTorch", "ratio"]];
  for (const c of cases) {
    const o = ours.get(c.name)!, t = theirs.get(c.name);
    table.push([c.name, us(o.wall), t ? us(t.wall) : "n/a", t ? (t.wall / o.wall).toFixed(2) : ""]);
  }
  printTable(table);
}

await main();
