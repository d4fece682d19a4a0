// The torch.func tutorial "Model ensembling" (pytorch/tutorials intermediate_source/ensembling.py),
// ported line by line to torch-ts on the embedded 8x8 digits. The PyTorch original as run here
// (with 1.13's functorch spelling): examples/py/model-ensembling.py (same seed, same numbers).
//   npx tsx examples/model-ensembling.ts

import * as torch from "../src/index.js";
import { pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { meanMs } from "./timeit.js";

const { nn } = torch;
const F = torch.nn.functional;
const { stackModuleState, functionalCall, vmap } = torch.func;

// Here's a simple MLP
export class SimpleMLP extends nn.Module {
  fc1 = new nn.Linear(64, 128);
  fc2 = new nn.Linear(128, 128);
  fc3 = new nn.Linear(128, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = x.flatten(1);
    x = this.fc1.call(x);
    x = F.relu(x);
    x = this.fc2.call(x);
    x = F.relu(x);
    x = this.fc3.call(x);
    return x;
  }
}

export interface EnsemblingOptions { numModels?: number; seed?: number; verbose?: boolean; timeit?: number }
export interface EnsemblingResult { predictions1_vmap: number[][][]; predictions2_vmap: number[][][]; max_diffs: [number, number] }

/**
 * The tutorial's steps; returns the vmap predictions of option 1 and option 2
 * ([numModels, 64, 10] each, as nested arrays) and the largest differences from the loops.
 * timeit > 0 times the loop and vmap that many times each, as the tutorial's "Performance" does.
 */
export function run({ numModels = 10, seed = 0, verbose = true, timeit = 0 }: EnsemblingOptions = {}): EnsemblingResult {
  torch.manualSeed(seed);

  // (Here: 28 minibatches of 64 digits and their labels.)
  const { data: images, targets: labels } = new torch.datasets.Digits();
  const data = images.get(`:${28 * 64}`).view(28, 64, 1, 8, 8);
  const _targets = labels.get(`:${28 * 64}`); // as in the tutorial, never used

  const models = Array.from({ length: numModels }, () => new SimpleMLP());

  // Option 1: different minibatch for each model
  const minibatches = data.get(`:${numModels}`);
  const predictionsDiffMinibatchLoop = models.map((model, i) => model.call(minibatches.get(i)));

  // Option 2: Same minibatch
  const minibatch = data.get(0);
  const predictions2 = models.map((model) => model.call(minibatch));

  const [params, buffers] = stackModuleState(models);

  // Construct a "stateless" version of one of the models. The tutorial deep-copies models[0] to the
  // meta device; torch-ts has neither (no meta tensors, no public copy.deepcopy), and
  // functionalCall puts models[0]'s own tensors back after each call, so models[0] serves.
  const baseModel = models[0];

  function fmodel(params: Record<string, torch.Tensor>, buffers: Record<string, torch.Tensor>, x: torch.Tensor): torch.Tensor {
    return functionalCall(baseModel, [params, buffers], [x]);
  }

  if (verbose) console.log(Object.values(params).map((p) => p.size(0))); // show the leading 'num_models' dimension

  assert.deepEqual(minibatches.shape, [numModels, 64, 1, 8, 8]); // verify minibatch has leading dimension of size 'num_models'

  const predictions1Vmap = vmap(fmodel)(params, buffers, minibatches);

  // verify the vmap predictions match the
  assert.ok(torch.allclose(predictions1Vmap, torch.stack(predictionsDiffMinibatchLoop), { atol: 1e-3, rtol: 1e-5 }));

  const predictions2Vmap = vmap(fmodel, { inDims: [0, 0, null] })(params, buffers, minibatch);

  assert.ok(torch.allclose(predictions2Vmap, torch.stack(predictions2), { atol: 1e-3, rtol: 1e-5 }));

  // Not in the tutorial: the buffers shared by all models, inDims [0, null, null] (SimpleMLP has
  // none, so the stacked dict is empty and either in_dim gives the same predictions)
  const predictions3Vmap = vmap(fmodel, { inDims: [0, null, null] })(params, buffers, minibatch);

  assert.ok(torch.equal(predictions3Vmap, predictions2Vmap));

  const diff1 = Number(predictions1Vmap.sub(torch.stack(predictionsDiffMinibatchLoop)).abs().max().item());
  const diff2 = Number(predictions2Vmap.sub(torch.stack(predictions2)).abs().max().item());
  if (verbose) console.log("largest |loop - vmap| differences:", diff1, diff2);
  if (timeit) {
    const withoutVmap = meanMs(() => models.map((model, i) => model.call(minibatches.get(i))), timeit);
    const withVmap = meanMs(() => vmap(fmodel)(params, buffers, minibatches), timeit);
    console.log(`Predictions without vmap: ${withoutVmap.toFixed(2)} ms`);
    console.log(`Predictions with vmap: ${withVmap.toFixed(2)} ms`);
  }
  return {
    predictions1_vmap: predictions1Vmap.tolist() as number[][][], predictions2_vmap: predictions2Vmap.tolist() as number[][][],
    max_diffs: [diff1, diff2],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) run({ timeit: 100 });
