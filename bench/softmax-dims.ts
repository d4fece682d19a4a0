// softmax / log_softmax over a dim that is not the last (and the last), forward and backward, in
// torch-ts and in PyTorch on the same machine: median ms and the ratio. `npx tsx bench/softmax-dims.ts`.

import { spawnSync } from "node:child_process";
import * as torch from "../src/index.js";
import { medianMs, pytorchEnv } from "./compare.js";

torch.manualSeed(0);
const x = torch.randn(1000, 1000), g = torch.randn(1000, 1000), xd = x.double(), gd = g.double();
const x3 = torch.randn(8, 1000, 125), g3 = torch.randn(8, 1000, 125);

/** The input gradient of softmax/log_softmax(xx, d) for the output gradient gg, graph kept. */
function backward(xx: torch.Tensor, gg: torch.Tensor, d: number, log: boolean): () => unknown {
  const xi = xx.detach().requiresGrad_();
  const out = log ? xi.logSoftmax(d) : xi.softmax(d);
  return () => torch.autograd.grad(out, xi, { gradOutputs: gg, retainGraph: true });
}

// The same names, shapes and order as PYTHON below.
const cases: Record<string, () => unknown> = {
  "softmax(0) 1000x1000": () => x.softmax(0), "log_softmax(0) 1000x1000": () => x.logSoftmax(0),
  "softmax(0) float64": () => xd.softmax(0), "softmax(1) 8x1000x125": () => x3.softmax(1), "softmax(1) 1000x1000": () => x.softmax(1),
  "softmax(0) backward": backward(x, g, 0, false), "log_softmax(0) backward": backward(x, g, 0, true),
  "softmax(0) float64 backward": backward(xd, gd, 0, false), "softmax(1) 8x1000x125 backward": backward(x3, g3, 1, false),
  "softmax(1) backward": backward(x, g, 1, false), "log_softmax(1) backward": backward(x, g, 1, true),
};

const PYTHON = `
import json, time, torch
torch.set_num_threads(2); torch.manual_seed(0)
x = torch.randn(1000, 1000); g = torch.randn(1000, 1000); xd = x.double(); gd = g.double()
x3 = torch.randn(8, 1000, 125); g3 = torch.randn(8, 1000, 125)
def backward(xx, gg, d, log):
    xi = xx.detach().requires_grad_(); out = xi.log_softmax(d) if log else xi.softmax(d)
    return lambda: torch.autograd.grad(out, xi, gg, retain_graph=True)
cases = [lambda: x.softmax(0), lambda: x.log_softmax(0), lambda: xd.softmax(0), lambda: x3.softmax(1), lambda: x.softmax(1),
         backward(x, g, 0, False), backward(x, g, 0, True), backward(xd, gd, 0, False), backward(x3, g3, 1, False),
         backward(x, g, 1, False), backward(x, g, 1, True)]
def median(f):
    for _ in range(5): f()
    ts = []; start = time.perf_counter()
    while time.perf_counter() - start < 0.5 or len(ts) < 5:
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    ts.sort(); return ts[len(ts) // 2] * 1e3
print(json.dumps([median(f) for f in cases]))
`;

const ours = Object.entries(cases).map(([k, f]) => [k, medianMs(f, 5, 500, 5)] as const);
const py = spawnSync("/usr/bin/python3", ["-c", PYTHON], { env: pytorchEnv(), encoding: "utf8" });
const ref = py.status === 0 ? JSON.parse(py.stdout.trim().split("\n").pop()!) as number[] : [];
if (py.status !== 0) console.error(`PyTorch side skipped: ${py.stderr.trim().split("\n").pop()}`);
console.log("| op (float32 unless named) | torch-ts ms | PyTorch ms | ratio |\n|---|---:|---:|---:|");
ours.forEach(([k, v], i) => {
  const r = ref[i];
  console.log(`| ${k} | ${v.toFixed(3)} | ${r === undefined ? "" : r.toFixed(3)} | ${r === undefined ? "" : (v / r).toFixed(1)} |`);
});
