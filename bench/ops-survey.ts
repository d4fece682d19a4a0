// Everyday ops on a 1000x1000 float32 tensor in torch-ts and in PyTorch (bench/ops_survey.py, run
// as bench/run.ts runs PyTorch), median ms and the ratio: a quick way to find an op that falls off
// the native kernels onto a slow JS path. `npx tsx bench/ops-survey.ts`.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import { medianMs, pytorchEnv } from "./compare.js";

torch.manualSeed(0);
const F = torch.nn.functional;
const x = torch.randn(1000, 1000), y = torch.randn(1000, 1000), m = x.gt(0), idx = torch.randint(0, 1000, [500]);
const p = x.abs().add(0.1), u = torch.rand(1000, 1000).mul(0.98).add(0.01), row = torch.randn(1000), t = torch.randint(0, 1000, [1000]);
const xi = torch.randint(-100, 100, [1000, 1000], { dtype: torch.int32 }), yi = torch.randint(1, 100, [1000, 1000], { dtype: torch.int32 });
const xg = x.clone().requiresGrad_(), g = torch.randn(1000, 1000);
// The same names and order as bench/ops_survey.py.
const cases: Record<string, () => unknown> = {
  // pointwise float
  where: () => torch.where(m, x, y), maskedFill: () => x.maskedFill(m, 0), clamp: () => x.clamp(-0.5, 0.5), mulScalar: () => x.mul(2),
  add: () => x.add(y), addRow: () => x.add(row), neg: () => x.neg(), abs: () => x.abs(), floor: () => x.floor(), rsqrt: () => p.rsqrt(),
  sin: () => x.sin(), tan: () => x.tan(), asin: () => u.asin(), atan: () => x.atan(), erf: () => x.erf(), expm1: () => x.expm1(),
  log10: () => p.log10(), lgamma: () => p.lgamma(), isfinite: () => x.isfinite(),
  pow2: () => x.pow(2), pow3: () => x.pow(3), powHalf: () => p.pow(0.5), powTensor: () => p.pow(y), tanh: () => x.tanh(), sigmoid: () => x.sigmoid(),
  relu: () => torch.relu(x), maximum: () => torch.maximum(x, y), fmod: () => x.fmod(y), remainder: () => x.remainder(y), atan2: () => x.atan2(y),
  logaddexp: () => x.logaddexp(y), addcdiv: () => x.addcdiv(y, p, { value: 0.5 }), lerp: () => x.lerp(y, 0.3),
  // activations, forward and backward
  gelu: () => F.gelu(x), geluBackward: () => torch.autograd.grad(F.gelu(xg), xg, { gradOutputs: g }), softplus: () => F.softplus(x), elu: () => F.elu(x),
  leakyRelu: () => F.leakyRelu(x), hardswish: () => F.hardswish(x), mish: () => F.mish(x),
  // integers and conversions
  intAdd: () => xi.add(yi), intMul: () => xi.mul(yi), intFloorDiv: () => xi.div(yi, { roundingMode: "floor" }), toLong: () => x.long(), toInt: () => x.int(),
  intToFloat: () => xi.float(), toHalf: () => x.to(torch.float16),
  // reductions, scans, sorting
  argmaxDim: () => x.argmax(1), maxDim: () => x.max(1), meanDim0: () => x.mean(0), meanDim1: () => x.mean(1), sumBool: () => m.sum(),
  logsumexp: () => x.logsumexp(1), norm: () => x.norm(), var: () => x.var(1), cumsum: () => x.cumsum(1), cumprod: () => x.cumprod(1),
  softmax0: () => x.softmax(0), sort: () => x.sort(1), median: () => x.median(1), isclose: () => torch.isclose(x, y),
  // indexing and shape
  gtScalar: () => x.gt(0), eq: () => x.eq(y), indexSelect: () => x.indexSelect(0, idx), cat: () => torch.cat([x, y]),
  transposeContig: () => x.t().contiguous(), flip: () => x.flip(0), tril: () => x.tril(), nonzero: () => m.nonzero(), maskedSelect: () => x.maskedSelect(m),
  // random, losses, matmul
  randn: () => torch.randn(1000, 1000), rand: () => torch.rand(1000, 1000), dropout: () => F.dropout(x, 0.5),
  mseLoss: () => F.mseLoss(x, y), l1Loss: () => F.l1Loss(x, y), bceWithLogits: () => F.binaryCrossEntropyWithLogits(x, u),
  crossEntropy: () => F.crossEntropy(x, t), addmm: () => torch.addmm(x, x, y),
};

const ours = Object.fromEntries(Object.entries(cases).map(([k, f]) => [k, medianMs(f, 3, 200, 3)]));
const py = spawnSync("/usr/bin/python3", [fileURLToPath(new URL("./ops_survey.py", import.meta.url))], { env: pytorchEnv(), encoding: "utf8" });
const ref: Record<string, number> = py.status === 0 ? JSON.parse(py.stdout.trim().split("\n").pop()!) as Record<string, number> : {};
if (py.status !== 0) console.error(`PyTorch side skipped: ${py.stderr.trim().split("\n").pop()}`);
console.log("| op (1000x1000 float32) | torch-ts ms | PyTorch ms | ratio |\n|---|---:|---:|---:|");
for (const [k, v] of Object.entries(ours)) {
  const r = ref[k];
  console.log(`| ${k} | ${v.toFixed(3)} | ${r === undefined ? "" : r.toFixed(3)} | ${r === undefined ? "" : (v / r).toFixed(1)} |`);
}
