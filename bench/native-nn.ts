// The nn ops with native kernels (layer norm, batch norm, embedding, cross-entropy, 16-bit float
// conversions) against PyTorch (Debian's python3-torch) on this machine, float32, in one run:
// milliseconds per call of the public op, forward alone (no grad) and forward + backward, with
// torch-ts on its native kernels and on its JS kernels (the "before").
//
//   node --import tsx bench/native-nn.ts [--rounds R] [--threads T] [--only NAME] [--no-js] [--cpu]
//
// Same method as bench/native-elementwise.ts: one PyTorch process that stays up, the sides
// alternate case by case, each keeps its best elapsed time (--cpu: its best CPU time over all
// threads instead, steadier on a busy machine; --threads 1 --cpu compares the work done).
import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { kernels } from "../src/backends/kernels.js";
import * as native from "../src/backends/native/index.js";
import { arg, fastest, printTable, PY_TIMING, timeCalls, type Timing, TorchWorker, timeTorchInto } from "./native-torch.js";

const rounds = Number(arg("rounds") ?? 3);
const threads = Number(arg("threads") ?? 2);
const only = arg("only");
const withJs = !process.argv.includes("--no-js");
const measure: keyof Timing = process.argv.includes("--cpu") ? "cpu" : "wall";
const F = torch.nn.functional;

interface Case {
  readonly name: string;
  /** The torch-ts call. */
  readonly run: () => void;
  /** A function of TORCH_SCRIPT doing the same work in PyTorch. */
  readonly torch: string;
  readonly reps: number;
  /** The native kernel alone on preallocated buffers (no tensor allocation, no autograd). */
  readonly kernel?: () => void;
}

torch.manualSeed(0);
const lnX = torch.randn([4096, 1024]), lnW = torch.randn([1024]), lnB = torch.randn([1024]), lnG = torch.randn([4096, 1024]);
const bnX = torch.randn([64, 64, 28, 28]), bnW = torch.randn([64]), bnB = torch.randn([64]), bnG = torch.randn([64, 64, 28, 28]);
const bnRm = torch.zeros([64]), bnRv = torch.ones([64]);
const emW = torch.randn([50000, 512]), emIdx = torch.randint(0, 50000, [8192], { dtype: "int64" }), emG = torch.randn([8192, 512]);
const ceX = torch.randn([4096, 1000]), ceT = torch.randint(0, 1000, [4096], { dtype: "int64" });
const cvX = torch.randn([10_000_000]), cvH = cvX.half(), cvB = cvX.bfloat16();

const f32 = (t: Tensor): Float32Array => t.storage.data as Float32Array;
const LN = { y: new Float32Array(4096 * 1024), gx: new Float32Array(4096 * 1024), mean: new Float64Array(4096), rstd: new Float64Array(4096), gw: new Float64Array(1024), gb: new Float64Array(1024) };
const BN = {
  y: new Float32Array(bnX.numel()), mean: new Float64Array(64), v: new Float64Array(64), scale: new Float64Array(64).fill(1), shift: new Float64Array(64),
  sg: new Float64Array(64), sgx: new Float64Array(64), gx: new Float32Array(bnX.numel()),
};
const EM = { out: new Float32Array(8192 * 512), gw: new Float32Array(50000 * 512), idx: emIdx.storage.data as BigInt64Array };
const CE = {
  t: Int32Array.from(ceT.storage.data as BigInt64Array, Number), loss: new Float64Array(4096), g: new Float32Array(4096 * 1000),
  ca: new Float64Array(4096).fill(1 / 4096), cb: new Float64Array(4096).fill(1 / 4096), ce: new Float64Array(4096),
};
const CV = { h: new Uint16Array(10_000_000), f: new Float32Array(10_000_000) };

function leaf(t: Tensor): Tensor {
  return t.detach().requiresGrad_(true);
}

const cases: Case[] = [
  { name: "layer_norm 4096x1024", reps: 5, run: () => void torch.noGrad(() => F.layerNorm(lnX, [1024], lnW, lnB)), torch: "ln_fwd",
    kernel: () => native.layerNormForward(f32(lnX), f32(lnW), f32(lnB), LN.y, LN.mean, LN.rstd, 4096, 1024, 1e-5) },
  {
    name: "layer_norm 4096x1024 fwd+bwd", reps: 3, torch: "ln_bwd",
    kernel: () => {
      native.layerNormForward(f32(lnX), f32(lnW), f32(lnB), LN.y, LN.mean, LN.rstd, 4096, 1024, 1e-5);
      native.layerNormBackward(f32(lnG), f32(lnX), f32(lnW), LN.mean, LN.rstd, LN.gx, LN.gw, LN.gb, 4096, 1024);
    },
    run: () => { const x = leaf(lnX), w = leaf(lnW), b = leaf(lnB); F.layerNorm(x, [1024], w, b).backward(lnG); },
  },
  { name: "batch_norm 64x64x28x28 train", reps: 5, run: () => void torch.noGrad(() => F.batchNorm(bnX, bnRm, bnRv, bnW, bnB, true)), torch: "bn_fwd",
    kernel: () => { native.batchNormStats(f32(bnX), 64, 64, 784, BN.mean, BN.v); native.batchNormApply(f32(bnX), BN.y, 64, 64, 784, BN.mean, BN.scale, BN.shift); } },
  { name: "batch_norm 64x64x28x28 eval", reps: 5, run: () => void torch.noGrad(() => F.batchNorm(bnX, bnRm, bnRv, bnW, bnB, false)), torch: "bn_eval",
    kernel: () => native.batchNormApply(f32(bnX), BN.y, 64, 64, 784, BN.mean, BN.scale, BN.shift) },
  {
    name: "batch_norm 64x64x28x28 fwd+bwd", reps: 3, torch: "bn_bwd",
    kernel: () => {
      native.batchNormStats(f32(bnX), 64, 64, 784, BN.mean, BN.v);
      native.batchNormApply(f32(bnX), BN.y, 64, 64, 784, BN.mean, BN.scale, BN.shift);
      native.batchNormBackwardReduce(f32(bnG), f32(bnX), 64, 64, 784, BN.mean, BN.scale, BN.sg, BN.sgx);
      native.batchNormBackwardInput(f32(bnG), f32(bnX), BN.gx, 64, 64, 784, BN.mean, BN.scale, BN.scale, BN.sg, BN.sgx);
    },
    run: () => { const x = leaf(bnX), w = leaf(bnW), b = leaf(bnB); F.batchNorm(x, bnRm, bnRv, w, b, true).backward(bnG); },
  },
  { name: "embedding 50000x512, 8192 idx", reps: 10, run: () => void torch.noGrad(() => F.embedding(emIdx, emW)), torch: "em_fwd",
    kernel: () => native.embeddingForward(f32(emW), EM.idx, EM.out, 8192, 50000, 512) },
  {
    name: "embedding 50000x512 fwd+bwd", reps: 3, torch: "em_bwd",
    kernel: () => { native.embeddingForward(f32(emW), EM.idx, EM.out, 8192, 50000, 512); native.embeddingBackward(f32(emG), EM.idx, EM.gw, 8192, 50000, 512, -1); },
    run: () => { const w = leaf(emW); F.embedding(emIdx, w).backward(emG); },
  },
  { name: "cross_entropy 4096x1000", reps: 5, run: () => void torch.noGrad(() => F.crossEntropy(ceX, ceT)), torch: "ce_fwd",
    kernel: () => native.crossEntropyForward(f32(ceX), CE.t, null, CE.loss, 4096, 1000) },
  {
    name: "cross_entropy 4096x1000 fwd+bwd", reps: 5, torch: "ce_bwd",
    kernel: () => { native.crossEntropyForward(f32(ceX), CE.t, null, CE.loss, 4096, 1000); native.crossEntropyBackward(f32(ceX), CE.t, null, CE.ca, CE.cb, CE.ce, CE.g, 4096, 1000); },
    run: () => { const x = leaf(ceX); F.crossEntropy(x, ceT).backward(); },
  },
  { name: "float32 -> float16, 10M", reps: 3, run: () => void cvX.half(), torch: "to_half", kernel: () => native.encode16("float16", f32(cvX), CV.h) },
  { name: "float16 -> float32, 10M", reps: 3, run: () => void cvH.float(), torch: "from_half", kernel: () => native.decode16("float16", cvH.storage.data as Uint16Array, CV.f) },
  { name: "float32 -> bfloat16, 10M", reps: 3, run: () => void cvX.bfloat16(), torch: "to_bf16", kernel: () => native.encode16("bfloat16", f32(cvX), CV.h) },
  { name: "bfloat16 -> float32, 10M", reps: 3, run: () => void cvB.float(), torch: "from_bf16", kernel: () => native.decode16("bfloat16", cvB.storage.data as Uint16Array, CV.f) },
].filter((c) => only === undefined || c.name.includes(only));

const TORCH_SCRIPT = `${PY_TIMING}
import torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
lnX, lnW, lnB, lnG = torch.randn(4096, 1024), torch.randn(1024), torch.randn(1024), torch.randn(4096, 1024)
bnX, bnW, bnB, bnG = torch.randn(64, 64, 28, 28), torch.randn(64), torch.randn(64), torch.randn(64, 64, 28, 28)
bnRm, bnRv = torch.zeros(64), torch.ones(64)
emW, emIdx, emG = torch.randn(50000, 512), torch.randint(0, 50000, (8192,)), torch.randn(8192, 512)
ceX, ceT = torch.randn(4096, 1000), torch.randint(0, 1000, (4096,))
cvX = torch.randn(10_000_000); cvH = cvX.half(); cvB = cvX.bfloat16()
def leaf(t): return t.detach().requires_grad_(True)
def ln_fwd():
    with torch.no_grad(): F.layer_norm(lnX, [1024], lnW, lnB)
def ln_bwd():
    x, w, b = leaf(lnX), leaf(lnW), leaf(lnB); F.layer_norm(x, [1024], w, b).backward(lnG)
def bn_fwd():
    with torch.no_grad(): F.batch_norm(bnX, bnRm, bnRv, bnW, bnB, True)
def bn_eval():
    with torch.no_grad(): F.batch_norm(bnX, bnRm, bnRv, bnW, bnB, False)
def bn_bwd():
    x, w, b = leaf(bnX), leaf(bnW), leaf(bnB); F.batch_norm(x, bnRm, bnRv, w, b, True).backward(bnG)
def em_fwd():
    with torch.no_grad(): F.embedding(emIdx, emW)
def em_bwd():
    w = leaf(emW); F.embedding(emIdx, w).backward(emG)
def ce_fwd():
    with torch.no_grad(): F.cross_entropy(ceX, ceT)
def ce_bwd():
    x = leaf(ceX); F.cross_entropy(x, ceT).backward()
def to_half(): cvX.half()
def from_half(): cvH.float()
def to_bf16(): cvX.bfloat16()
def from_bf16(): cvB.float()
print("ready", flush=True)
for line in sys.stdin:
    name, reps = line.split()
    measure(globals()[name], int(reps))
`;

async function main(): Promise<void> {
  if (!native.isAvailable()) {
    console.log("native addon not built (npm install builds it); nothing to measure");
    return;
  }
  native.setNumThreads(threads);
  const py = new TorchWorker(TORCH_SCRIPT, [String(threads)]);
  const torchReady = await py.ready();
  const ours = new Map<string, Timing>(), js = new Map<string, Timing>(), theirs = new Map<string, Timing>(), kern = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      ours.set(c.name, fastest(ours.get(c.name), timeCalls(c.run, c.reps)));
      if (c.kernel) kern.set(c.name, fastest(kern.get(c.name), timeCalls(c.kernel, c.reps)));
      if (withJs && r === 0) {
        kernels.backend = "js";
        try { js.set(c.name, timeCalls(c.run, 1)); } finally { kernels.backend = "native"; }
      }
      if (!torchReady) continue;
      await timeTorchInto(py, `${c.torch} ${c.reps}`, c.name, theirs, 200);
    }
  }
  py.stop();
  console.log(`float32, ${threads} thread(s), ISA ${native.getIsa()}, best of ${rounds} round(s) (JS kernels: one round), milliseconds of ${measure === "cpu" ? "CPU time" : "elapsed time"} per call`);
  console.log("ratio = PyTorch time / torch-ts native time (above 1: torch-ts is faster)");
  if (!torchReady) console.log(`PyTorch not measured: ${py.failure()}`);
  const ms = (s: number | undefined): string => (s === undefined ? "n/a" : (s * 1e3).toFixed(2));
  console.log("kernel only = the native kernels on preallocated buffers: the rest of an op's time is mostly allocating and first touching its outputs (fresh");
  console.log("pages fault in; PyTorch's allocator hands back the block it just freed) and autograd bookkeeping");
  const table = [["op", "torch-ts JS", "torch-ts native", "kernel only", "PyTorch", "ratio"]];
  for (const c of cases) {
    const o = ours.get(c.name)!, t = theirs.get(c.name);
    table.push([c.name, ms(js.get(c.name)?.[measure]), ms(o[measure]), ms(kern.get(c.name)?.[measure]), ms(t?.[measure]), t === undefined ? "" : (t[measure] / o[measure]).toFixed(2)]);
  }
  printTable(table);
}

await main();
