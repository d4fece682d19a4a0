// torch.func.vmap batched (batching rules) vs vmap's per-element loop (randomness "different"
// always takes it) vs a hand-written loop, on the per-sample-gradients and model-ensembling
// tutorials' workloads (examples/per-sample-grads.ts, examples/model-ensembling.ts: 64 8x8 digits
// through SimpleCNN; 10 SimpleMLPs on 64 digits each), and PyTorch 1.13's functorch.vmap and loop
// on the same shapes (bench/vmap_pytorch.py, 1 and 2 threads); and a bag-of-embeddings text
// classifier's per-sample gradients (torch-ts only). Median milliseconds.
//   npx tsx bench/vmap.ts

import { spawnSync } from "node:child_process";
import * as torch from "../src/index.js";
import { vmapStats } from "../src/func/batched-tensor.js";
import { SimpleCNN } from "../examples/per-sample-grads.js";
import { SimpleMLP } from "../examples/model-ensembling.js";
import { medianMs, pytorchEnv } from "./compare.js";

const F = torch.nn.functional;
const { vmap, grad, functionalCall, stackModuleState } = torch.func;
type T = torch.Tensor;
const time = (f: () => unknown): number => medianMs(f, 2, 1500, 5);

torch.manualSeed(0);
const model = new SimpleCNN();
const data = torch.rand(64, 1, 8, 8), targets = torch.randint(0, 10, [64]);
const params = Object.fromEntries([...model.namedParameters()].map(([k, v]) => [k, v.detach()]));
function handLoop(): T[] {
  const grads = Array.from({ length: 64 }, (_, i) => {
    const loss = F.nllLoss(model.call(data.get(i).unsqueeze(0)) as T, targets.get(i).unsqueeze(0));
    return torch.autograd.grad(loss, [...model.parameters()]) as T[];
  });
  return grads[0]!.map((_, p) => torch.stack(grads.map((g) => g[p]!)));
}
const computeLoss = (p: Record<string, T>, sample: T, target: T): T => F.nllLoss(functionalCall(model, p, [sample.unsqueeze(0)]) as T, target.unsqueeze(0));
const batched = vmap(grad(computeLoss), { inDims: [null, 0, 0] });
const vmapLoop = vmap(grad(computeLoss), { inDims: [null, 0, 0], randomness: "different" });

const models = Array.from({ length: 10 }, () => new SimpleMLP());
const minibatches = torch.rand(10, 64, 1, 8, 8);
const [eparams, ebuffers] = stackModuleState(models);
const fmodel = (p: Record<string, T>, b: Record<string, T>, x: T): T => functionalCall(models[0]!, [p, b], [x]) as T;

// A bag-of-embeddings text classifier's per-sample gradients (the rules of this file's second
// round: embedding with batched indices, cross_entropy with label smoothing): 64 samples of 16
// tokens, a 1000x32 table, 10 classes. functorch 1.13 refuses label smoothing under vmap, so
// PyTorch has no figure here.
const table = torch.randn(1000, 32).mul(0.1), head = torch.randn(10, 32).mul(0.1);
const tokens = torch.randint(0, 1000, [64, 16]), labels = torch.randint(0, 10, [64]);
const textLoss = (p: Record<string, T>, tok: T, y: T): T =>
  F.crossEntropy(F.linear(F.embedding(tok, p.table!).mean(0, true), p.head!), y.unsqueeze(0), { labelSmoothing: 0.1 });
const textParams = { table, head };
const textBatched = vmap(grad(textLoss), { inDims: [null, 0, 0] });
const textLoop = vmap(grad(textLoss), { inDims: [null, 0, 0], randomness: "different" });

const fallbacks = vmapStats.fallbacks;
const ours = {
  per_sample_grads_loop: time(handLoop), per_sample_grads_vmap_loop: time(() => vmapLoop(params, data, targets)), per_sample_grads_vmap: time(() => batched(params, data, targets)),
  ensembling_loop: time(() => models.map((m, i) => m.call(minibatches.get(i)))), ensembling_vmap_loop: time(() => vmap(fmodel, { randomness: "different" })(eparams, ebuffers, minibatches)),
  ensembling_vmap: time(() => vmap(fmodel)(eparams, ebuffers, minibatches)),
  text_grads_vmap_loop: time(() => textLoop(textParams, tokens, labels)), text_grads_vmap: time(() => textBatched(textParams, tokens, labels)),
};
if (vmapStats.fallbacks !== fallbacks) throw new Error(`vmap fell back: ${vmapStats.lastReason}`);

function pytorch(threads: number): Record<string, number> | null {
  const r = spawnSync("/usr/bin/python3", [new URL("./vmap_pytorch.py", import.meta.url).pathname, String(threads)], { encoding: "utf8", env: pytorchEnv() });
  return r.status === 0 ? (JSON.parse(r.stdout.trim()) as Record<string, number>) : null;
}
const py1 = pytorch(1), py2 = pytorch(2);
const ms = (v: number | undefined): string => (v === undefined ? "n/a" : `${v.toFixed(1)} ms`);
for (const w of ["per_sample_grads", "ensembling"] as const) {
  const o = ours as Record<string, number>;
  console.log(`${w}: torch-ts vmap ${ms(o[`${w}_vmap`])}, vmap loop ${ms(o[`${w}_vmap_loop`])}, hand loop ${ms(o[`${w}_loop`])}; ` +
    `PyTorch 1 thread vmap ${ms(py1?.[`${w}_vmap`])}, loop ${ms(py1?.[`${w}_loop`])}; 2 threads vmap ${ms(py2?.[`${w}_vmap`])}, loop ${ms(py2?.[`${w}_loop`])}`);
}
console.log(`text_grads (embedding + label smoothing): torch-ts vmap ${ms(ours.text_grads_vmap)}, vmap loop ${ms(ours.text_grads_vmap_loop)}`);
