// The ports of PyTorch's generative and torch.func tutorials (examples/vae-digits.ts,
// dcgan-digits.ts, per-sample-grads.ts, model-ensembling.ts) give the numbers of the PyTorch
// originals beside them (examples/py/, Debian's PyTorch 1.13) for the same seed: a few steps each,
// against test/fixtures/examples-generative.json (made by examples-generative.py). Training runs
// drift by float32 rounding only (the RNG streams, initialisation and data order are PyTorch's).

import { test } from "node:test";
import { readFileSync } from "node:fs";
import { assertClose } from "./support/kernel-checks.js";
import { run as runVae } from "../examples/vae-digits.js";
import { run as runDcgan } from "../examples/dcgan-digits.js";
import { run as runPerSampleGrads } from "../examples/per-sample-grads.js";
import { run as runModelEnsembling } from "../examples/model-ensembling.js";

interface Fixture {
  vae: { options: { epochs: number; max_batches: number }; result: { losses: number[]; test_losses: number[]; sample_sum: number } };
  dcgan: { options: { num_epochs: number; max_batches: number }; result: Record<"G_losses" | "D_losses" | "D_x" | "D_G_z1" | "D_G_z2", number[]> & { fixed_fake_sum: number } };
  per_sample_grads: { options: { batch_size: number }; result: { norms: Record<string, number[]>; max_diff: number } };
  model_ensembling: { options: { num_models: number; first_samples: number }; result: { predictions1_vmap: number[][][]; predictions2_vmap: number[][][]; max_diffs: number[] } };
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/examples-generative.json", import.meta.url), "utf8")) as Fixture;

// Relative tolerance: float32 sums in another order than PyTorch's kernels (measured: 3.4e-7 at most)
const RTOL = 2e-6;

test("vae-digits: the per-step and test losses of pytorch/examples vae/main.py", () => {
  const { options, result } = fixture.vae;
  const got = runVae({ epochs: options.epochs, maxBatches: options.max_batches, verbose: false });
  assertClose(got.losses, result.losses, "vae losses", 0, RTOL);
  assertClose(got.testLosses, result.test_losses, "vae test losses", 0, RTOL);
  assertClose([got.sampleSum], [result.sample_sum], "vae decoded sample sum", 0, RTOL);
});

test("dcgan-digits: the per-iteration losses and D outputs of the DCGAN tutorial", () => {
  const { options, result } = fixture.dcgan;
  const got = runDcgan({ numEpochs: options.num_epochs, maxBatches: options.max_batches, verbose: false });
  for (const key of ["G_losses", "D_losses", "D_x", "D_G_z1", "D_G_z2"] as const) assertClose(got[key], result[key], `dcgan ${key}`, 0, RTOL);
  assertClose([got.fixed_fake_sum], [result.fixed_fake_sum], "dcgan G(fixed_noise) sum", 0, RTOL);
});

test("per-sample-grads: vmap(grad(functional_call)) gives the tutorial's per-sample gradients", () => {
  const { options, result } = fixture.per_sample_grads;
  const got = runPerSampleGrads({ batchSize: options.batch_size, verbose: false });
  for (const [name, norms] of Object.entries(result.norms)) assertClose(got.norms[name] ?? [], norms, `per-sample grad norms of ${name}`, 0, RTOL);
  assertClose([got.max_diff], [0], "loop vs vmap", 1e-6, 0);
});

test("model-ensembling: vmap over functional_call with stackModuleState gives the tutorial's predictions", () => {
  const { options, result } = fixture.model_ensembling;
  const got = runModelEnsembling({ numModels: options.num_models, verbose: false });
  for (const key of ["predictions1_vmap", "predictions2_vmap"] as const) {
    const firsts = (p: number[][][]): number[] => p.flatMap((m) => m.slice(0, options.first_samples).flat());
    assertClose(firsts(got[key]), firsts(result[key]), `ensembling ${key}`, 1e-6, RTOL);
  }
  assertClose(got.max_diffs, [0, 0], "loops vs vmap", 1e-6, 0);
});
