// Autocast on the "webgpu" device, which follows PyTorch's CUDA lists (float16 by default), and
// GradScaler with its scale on the GPU (stepAsync). Skipped without a WebGPU adapter
// (scripts/webgpu-setup.sh installs lavapipe).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const F = torch.nn.functional;
const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

describe("autocast('webgpu')", { skip }, () => {
  test("CUDA's lists: lower precision, float32, dtype=float32, promote, banned", async () => {
    const a = torch.randn(3, 4).to("webgpu"), b = torch.randn(4, 2).to("webgpu");
    const half = torch.randn(3, 4).half().to("webgpu");
    const got = torch.autocast("webgpu", () => {
      const p = torch.mm(a, b);
      return {
        mm: p.dtype, linear: F.linear(a, b.t()).dtype, exp: half.exp().dtype, sum: half.sum().dtype,
        softmax: torch.softmax(half, 1).dtype, softmaxNone: torch.softmax(half, 1, null).dtype, fSoftmax: F.softmax(half, 1).dtype, sumGiven: half.sum({ dtype: torch.float16 }).dtype,
        relu: F.relu(half).dtype, crossEntropy: F.crossEntropy(p.t(), torch.tensor([0, 1]).to("webgpu")).dtype, catMixed: torch.cat([half, a]).dtype, addcmul: torch.addcmul(half, half, a).dtype,
        cpu: torch.mm(torch.randn(2, 2), torch.randn(2, 2)).dtype, value: p,
      };
    });
    assert.equal(got.mm, torch.float16);
    assert.equal(got.linear, torch.float16);
    assert.equal(got.exp, torch.float32);
    assert.equal(got.sum, torch.float32);
    assert.equal(got.softmax, torch.float32);
    assert.equal(got.softmaxNone, torch.float32);
    assert.equal(got.fSoftmax, torch.float32);
    assert.equal(got.sumGiven, torch.float16);
    assert.equal(got.relu, torch.float16);
    assert.equal(got.crossEntropy, torch.float32);
    assert.equal(got.catMixed, torch.float32);
    assert.equal(got.addcmul, torch.float32);
    assert.equal(got.cpu, torch.float32, "CPU tensors are not cast by the webgpu region");
    // The product of the float16-cast inputs, as the CPU computes it (sums may round differently).
    const want = torch.mm((await a.cpuAsync()).half(), (await b.cpuAsync()).half()).float().reshape(-1).tolist() as number[];
    const value = (await got.value.float().cpuAsync()).reshape(-1).tolist() as number[];
    value.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 2e-3 * (1 + Math.abs(want[i]!)), `mm[${i}]: ${v} vs ${want[i]}`));
    assert.throws(() => torch.autocast("webgpu", () => F.binaryCrossEntropy(a.sigmoid(), a.sigmoid())), /unsafe to autocast/);
    assert.equal(torch.autocast("cpu", () => torch.mm(a, b).dtype), torch.float32, "the CPU region leaves GPU tensors");
  });

  test("GradScaler with its scale on the GPU", async () => {
    const w = new torch.nn.Parameter(torch.tensor([1.0, 2.0], { dtype: torch.float32 }).to("webgpu"));
    const opt = new torch.optim.SGD([w], { lr: 1 });
    const scaler = new torch.amp.GradScaler("webgpu", { initScale: 4, growthInterval: 1 });
    scaler.scale(w.sum()).backward();
    await scaler.stepAsync(opt);
    scaler.update();
    assert.deepEqual(await w.tolistAsync(), [0, 1]);
    assert.equal(await scaler.getScaleAsync(), 8);
    opt.zeroGrad();
    scaler.scale(w.sum().mul(Infinity)).backward();
    assert.deepEqual(await scaler.stepAsync(opt, { returnFoundInf: true }), [null, true]);
    scaler.update();
    assert.deepEqual(await w.tolistAsync(), [0, 1]);
    assert.equal(await scaler.getScaleAsync(), 4);
  });
});
