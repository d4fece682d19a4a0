// Channels-last against contiguous, in torch-ts and in PyTorch 1.13 (Debian's python3-torch, 2
// threads, bench/compare.ts's pytorchEnv): the conv2d forward 32x64x32x32->64 (3x3, padding 1)
// and the CNN training step of `npm run bench` (conv 1->32, pool, conv 32->64, pool, linear;
// Adam), with the model and input in each format. Each round times every case on both sides
// (median of repeated runs after warm-up, as bench/workloads.ts); the table shows the medians
// over rounds of the wall time and of the CPU time per run, in ms, and the ratios to PyTorch's.
// On a shared machine take several rounds.
//
//   node --import tsx bench/channels-last.ts [--rounds R] [--threads T] [--no-pytorch]
//
// --threads (default 2) sets both sides' threads; on a machine shared with other work, one
// thread each suffers least from oversubscription (PyTorch's OpenMP threads wait by spinning).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { CNN } from "./models.js";
import { pytorchEnv } from "./compare.js";
import { type Timing, timeit } from "./workloads.js";
import { arg, printTable } from "./native-torch.js";

const F = torch.nn.functional;
const rounds = Number(arg("rounds") ?? 3);
const withPytorch = !process.argv.includes("--no-pytorch");
const threads = Number(arg("threads") ?? 2);
const R = 10;
torch.setNumThreads(threads);

const FORMATS = [["contiguous", torch.contiguousFormat], ["channels_last", torch.channelsLast]] as const;

function torchTs(): Record<string, Timing> {
  torch.manualSeed(0);
  const out: Record<string, Timing> = {};
  for (const [name, fmt] of FORMATS) {
    const x = torch.randn(32, 64, 32, 32).contiguous(fmt), w = torch.randn(64, 64, 3, 3).contiguous(fmt), b = torch.randn(64);
    out[`conv2d fwd ${name}`] = timeit(() => F.conv2d(x, w, b, { padding: 1 }), R);
    const cnn = new CNN().to({ memoryFormat: fmt });
    const opt = new torch.optim.Adam(cnn.parameters(), { lr: 1e-3 });
    const xc = torch.randn(64, 1, 28, 28).contiguous(fmt), yc = torch.randint(0, 10, [64]);
    out[`CNN step ${name}`] = timeit(() => {
      opt.zeroGrad();
      F.crossEntropy(cnn.call(xc), yc).backward();
      opt.step();
    }, R * 2);
  }
  return out;
}

function pytorch(): Record<string, Timing> | null {
  const script = fileURLToPath(new URL("./channels_last.py", import.meta.url));
  const r = spawnSync("/usr/bin/python3", [script, String(R), String(threads)], { env: pytorchEnv(), encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    console.error(`PyTorch side skipped: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  const raw = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, [number, number]>;
  return Object.fromEntries(Object.entries(raw).map(([k, [ms, cpuMs]]) => [k, { ms, cpuMs }]));
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const ours = new Map<string, Timing[]>(), theirs = new Map<string, Timing[]>();
const add = (m: Map<string, Timing[]>, k: string, t: Timing): void => void m.set(k, [...(m.get(k) ?? []), t]);
for (let r = 0; r < rounds; r++) {
  for (const [k, t] of Object.entries(torchTs())) add(ours, k, t);
  const p = withPytorch ? pytorch() : null;
  if (p) for (const [k, t] of Object.entries(p)) add(theirs, k, t);
}
// Wall time, and CPU time per run (all threads): on a machine shared with other processes the
// CPU time is the steadier measure.
const rows: string[][] = [["case", "torch-ts ms", "PyTorch ms", "ratio", "torch-ts cpu ms", "PyTorch cpu ms", "cpu ratio"]];
for (const [k, v] of ours) {
  const p = theirs.get(k);
  const cells = (f: (t: Timing) => number): string[] => {
    const mine = median(v.map(f)), py = p ? median(p.map(f)) : null;
    return [mine.toFixed(2), py === null ? "-" : py.toFixed(2), py === null ? "-" : (mine / py).toFixed(2)];
  };
  rows.push([k, ...cells((t) => t.ms), ...cells((t) => t.cpuMs)]);
}
console.log(`medians of ${rounds} rounds (each a median of runs); ${threads} thread${threads === 1 ? "" : "s"} each`);
printTable(rows);
