// In-place random fills of tensors on "webgpu" (uniform_, normal_, ..., and nn.init on device
// parameters): they take the CPU generator's draws, so a seed gives a device tensor the numbers a
// CPU tensor of its shape gets. The forms whose parameters are tensors (normal(mean, std),
// bernoulli(p), multinomial, poisson) are refused on the device, in words. Skipped without a
// WebGPU adapter (scripts/webgpu-setup.sh).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

const { init } = torch.nn;

/** Runs `fill` on a CPU tensor and on a device tensor from the same seed: same values, same device. */
async function sameDraws(name: string, shape: number[], fill: (t: torch.Tensor) => unknown, dtype: torch.DTypeLike = "float32"): Promise<void> {
  torch.manualSeed(7);
  const cpu = torch.zeros(shape, { dtype });
  fill(cpu);
  torch.manualSeed(7);
  const gpu = torch.zeros(shape, { dtype, device: "webgpu" });
  fill(gpu);
  assert.equal(gpu.device.type, "webgpu", name);
  assert.deepEqual(await gpu.tolistAsync(), cpu.tolist(), name);
}

describe("random fills on webgpu", { skip }, () => {
  test("the Tensor in-place fills take the CPU's draws", async () => {
    await sameDraws("uniform_", [3, 4], (t) => t.uniform_(-2, 3));
    await sameDraws("normal_", [5], (t) => t.normal_(1, 2));
    await sameDraws("bernoulli_", [6], (t) => t.bernoulli_(0.3));
    await sameDraws("exponential_", [4], (t) => t.exponential_(2));
    await sameDraws("geometric_", [4], (t) => t.geometric_(0.4));
    await sameDraws("cauchy_", [4], (t) => t.cauchy_());
    await sameDraws("logNormal_", [4], (t) => t.logNormal_());
    await sameDraws("random_ int32", [6], (t) => t.random_(0, 9), "int32");
    await sameDraws("bernoulli(x, p)", [5], (t) => t.copy_(torch.bernoulli(t, 0.5)));
  });

  test("a non-contiguous device view fills in the CPU's order and leaves the rest", async () => {
    await sameDraws("normal_ on a transposed view", [3, 4], (t) => t.t().normal_());
    await sameDraws("uniform_ on a column", [3, 4], (t) => t.get(":", 1).uniform_());
  });

  test("nn.init on device parameters", async () => {
    await sameDraws("kaimingUniform_", [4, 3], (t) => init.kaimingUniform_(t, { a: Math.sqrt(5) }));
    await sameDraws("xavierNormal_", [4, 3], (t) => init.xavierNormal_(t));
    await sameDraws("truncNormal_", [6], (t) => init.truncNormal_(t));
    await sameDraws("normal_", [6], (t) => init.normal_(t, 0, 0.02));
    await sameDraws("orthogonal_", [3, 5], (t) => init.orthogonal_(t));
    await sameDraws("sparse_", [6, 3], (t) => init.sparse_(t, 0.5));
  });

  test("autograd: a fill of a non-leaf cuts the gradient to the old values", async () => {
    const w = torch.ones(3, { device: "webgpu", requiresGrad: true });
    const y = w.mul(2);
    y.uniform_();
    y.sum().backward();
    assert.deepEqual(await w.grad!.tolistAsync(), [0, 0, 0]);
    assert.throws(() => w.normal_(), /normal_: a leaf Variable that requires grad is being used in an in-place operation/);
  });

  test("the tensor-parameter draws are refused on the device", () => {
    const p = torch.full([3], 0.5, { device: "webgpu" });
    assert.throws(() => torch.bernoulli(p), /bernoulli is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.zeros(3, { device: "webgpu" }).bernoulli_(p), /bernoulli_ is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.normal(p, 1), /normal is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.multinomial(p, 1), /multinomial is not implemented for the 'webgpu' device/);
  });
});
