// The torch.func tutorial "Per-sample-gradients" (pytorch/tutorials
// intermediate_source/per_sample_grads.py), ported line by line to torch-ts on the embedded 8x8
// digits. The PyTorch original as run here (with 1.13's functorch spelling):
// examples/py/per-sample-grads.py (same seed, same numbers).
//   npx tsx examples/per-sample-grads.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { meanMs } from "./timeit.js";

const { nn } = torch;
const F = torch.nn.functional;
const { functionalCall, vmap, grad } = torch.func;

// Here's a simple CNN and loss function:
export class SimpleCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  fc1 = new nn.Linear(256, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1.call(x);
    x = F.relu(x);
    x = this.conv2.call(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = torch.flatten(x, 1);
    x = this.fc1.call(x);
    x = F.relu(x);
    x = this.fc2.call(x);
    const output = F.logSoftmax(x, { dim: 1 });
    return output;
  }
}

function lossFn(predictions: torch.Tensor, targets: torch.Tensor): torch.Tensor {
  return F.nllLoss(predictions, targets);
}

export interface PerSampleGradsOptions { batchSize?: number; seed?: number; verbose?: boolean; timeit?: number }
/** Each parameter's per-sample gradient norms (batchSize of them), and the largest |loop - vmap|. */
export interface PerSampleGradsResult { norms: Record<string, number[]>; max_diff: number }

/**
 * The tutorial's steps; returns the per-sample gradients' norms, one list of batchSize per
 * parameter, from the vmap(grad) way, and the largest difference from the loop way. timeit > 0
 * times both ways that many times each, as the tutorial's "Performance comparison" does.
 */
export function run({ batchSize = 64, seed = 0, verbose = true, timeit = 0 }: PerSampleGradsOptions = {}): PerSampleGradsResult {
  torch.manualSeed(seed);

  // Let’s generate a batch of dummy data and pretend that we’re working with an MNIST dataset.
  // (Here: the first batchSize digits.)
  const { data: images, targets: labels } = new torch.datasets.Digits();
  const data = images.get(`:${batchSize}`);
  const targets = labels.get(`:${batchSize}`);

  const model = new SimpleCNN();

  const predictions = model.call(data); // move the entire mini-batch through the model

  const loss = lossFn(predictions, targets);
  loss.backward(); // back propagate the 'average' gradient of this mini-batch

  function computeGrad(sample: torch.Tensor, target: torch.Tensor): torch.Tensor[] {
    sample = sample.unsqueeze(0); // prepend batch dimension for processing
    target = target.unsqueeze(0);

    const prediction = model.call(sample);
    const loss = lossFn(prediction, target);

    return torch.autograd.grad(loss, [...model.parameters()]) as torch.Tensor[];
  }

  /** manually process each sample with per sample gradient */
  function computeSampleGrads(data: torch.Tensor, targets: torch.Tensor): torch.Tensor[] {
    const sampleGrads = Array.from({ length: batchSize }, (_, i) => computeGrad(data.get(i), targets.get(i)));
    const shardsPerParam = sampleGrads[0].map((_, p) => sampleGrads.map((g) => g[p])); // zip(*sample_grads)
    return shardsPerParam.map((shards) => torch.stack(shards));
  }

  const perSampleGrads = computeSampleGrads(data, targets);

  if (verbose) console.log(perSampleGrads[0].shape);

  const params = Object.fromEntries([...model.namedParameters()].map(([k, v]) => [k, v.detach()]));
  const buffers = Object.fromEntries([...model.namedBuffers()].map(([k, v]) => [k, v.detach()]));

  function computeLoss(params: Record<string, torch.Tensor>, buffers: Record<string, torch.Tensor>, sample: torch.Tensor, target: torch.Tensor): torch.Tensor {
    const batch = sample.unsqueeze(0);
    const targets = target.unsqueeze(0);

    const predictions = functionalCall(model, [params, buffers], [batch]);
    const loss = lossFn(predictions, targets);
    return loss;
  }

  const ftComputeGrad = grad(computeLoss);

  const ftComputeSampleGrad = vmap(ftComputeGrad, { inDims: [null, null, 0, 0] });

  const ftPerSampleGrads = ftComputeSampleGrad(params, buffers, data, targets);

  let maxDiff = 0;
  for (const [i, perSampleGrad] of perSampleGrads.entries()) { // zip(per_sample_grads, ft_per_sample_grads.values())
    const ftPerSampleGrad = Object.values(ftPerSampleGrads)[i]!;
    assert.ok(torch.allclose(perSampleGrad, ftPerSampleGrad, { atol: 3e-3, rtol: 1e-5 }));
    maxDiff = Math.max(maxDiff, Number(perSampleGrad.sub(ftPerSampleGrad).abs().max().item()));
  }
  if (verbose) console.log("largest |loop - vmap| difference:", maxDiff);

  if (timeit) {
    const noVmapTiming = meanMs(() => computeSampleGrads(data, targets), timeit);
    const withVmapTiming = meanMs(() => ftComputeSampleGrad(params, buffers, data, targets), timeit);
    console.log(`Per-sample-grads without vmap: ${noVmapTiming.toFixed(1)} ms`);
    console.log(`Per-sample-grads with vmap: ${withVmapTiming.toFixed(1)} ms`);
  }

  // in float64, as the .py computes them (PyTorch 1.13's float32 norm of a million elements is off by 1e-5 relative)
  const norms = Object.fromEntries(Object.entries(ftPerSampleGrads).map(([k, g]) => [k, g.double().flatten(1).norm({ dim: 1 }).tolist() as number[]]));
  return { norms, max_diff: maxDiff };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = run({ timeit: 10 });
  for (const [k, v] of Object.entries(result.norms)) console.log(k, v.slice(0, 4).map((x) => x.toFixed(6)));
}
