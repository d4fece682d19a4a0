// Lazy modules, CrossMapLRN2d, fractional pooling, poisson/binomial on "webgpu": a lazy module
// moved to the device before its first call, or built with device "webgpu", initialises on the CPU
// (PyTorch's CPU draws) and lives on the device after; CrossMapLRN2d runs in device ops; the new
// primitives without a device kernel refuse the device by name.
// Skipped without a WebGPU adapter (scripts/webgpu-setup.sh installs lavapipe).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());

async function values(t: torch.Tensor): Promise<number[]> {
  return (await t.detach().reshape(-1).tolistAsync()) as number[];
}

describe("eager modules built with device 'webgpu'", { skip }, () => {
  test("Linear, Conv2d, BatchNorm1d, Embedding, LSTM: the CPU module's initial values, on the device", async () => {
    const build = (device?: string) => {
      torch.manualSeed(3);
      const o = device === undefined ? {} : { device };
      return [new torch.nn.Linear(4, 3, o), new torch.nn.Conv2d(2, 3, 3, o), new torch.nn.BatchNorm1d(3, o),
        new torch.nn.Embedding(5, 2, o), new torch.nn.LSTM(2, 3, o)];
    };
    const cpu = build(), gpu = build("webgpu");
    for (let i = 0; i < cpu.length; i++) {
      const want = [...cpu[i]!.stateDict()], got = [...gpu[i]!.stateDict()];
      assert.deepEqual(got.map(([k]) => k), want.map(([k]) => k));
      for (let j = 0; j < want.length; j++) {
        assert.equal(got[j]![1].device.type, "webgpu", `${gpu[i]!.constructor.name}.${got[j]![0]}`);
        assert.deepEqual(await values(got[j]![1]), (want[j]![1].reshape(-1).tolist() as (number | bigint)[]).map(Number));
      }
    }
    const out = (gpu[0] as torch.nn.Linear).call(torch.ones(2, 4).to("webgpu"));
    assert.equal(out.device.type, "webgpu");
  });
});

describe("lazy modules on webgpu", { skip }, () => {
  test("LazyLinear.to('webgpu') and LazyConv2d({ device: 'webgpu' }) take the CPU module's values", async () => {
    torch.manualSeed(0);
    const cpu = new torch.nn.LazyLinear(3);
    const cpuOut = cpu.call(torch.ones(2, 4));
    torch.manualSeed(0);
    const gpu = new torch.nn.LazyLinear(3).to("webgpu");
    assert.ok(gpu.hasUninitializedParams());
    const gpuOut = gpu.call(torch.ones(2, 4).to("webgpu"));
    assert.equal(gpu.weight.device.type, "webgpu");
    assert.equal(gpuOut.device.type, "webgpu");
    assert.deepEqual(await values(gpu.weight), cpu.weight.reshape(-1).tolist());
    const got = await values(gpuOut), want = cpuOut.reshape(-1).tolist() as number[];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5));

    torch.manualSeed(1);
    const conv = new torch.nn.LazyConv2d(2, 3, { device: "webgpu" });
    conv.call(torch.ones(1, 2, 4, 4).to("webgpu"));
    torch.manualSeed(1);
    const ref = new torch.nn.Conv2d(2, 2, 3);
    assert.equal(conv.bias!.device.type, "webgpu");
    assert.deepEqual(await values(conv.weight), ref.weight.reshape(-1).tolist());
  });

  test("fractional max pooling has no device kernel: it refuses webgpu by name, drawing nothing", () => {
    const x = torch.randn(1, 2, 5, 5).to("webgpu"), x3 = torch.randn(1, 4, 4, 4).to("webgpu");
    torch.manualSeed(4);
    assert.throws(() => torch.nn.functional.fractionalMaxPool2d(x, 2, { outputSize: 3 }), /fractional_max_pool2d is not implemented for the 'webgpu' device/);
    assert.throws(() => new torch.nn.FractionalMaxPool3d(2, { outputSize: 2 }).call(x3), /fractional_max_pool3d is not implemented for the 'webgpu' device/);
    const next = torch.rand(1).item();
    torch.manualSeed(4);
    assert.equal(torch.rand(1).item(), next);
  });

  test("CrossMapLRN2d runs on webgpu (composed of device ops): the CPU's values and gradients", async () => {
    torch.manualSeed(6);
    const x = torch.randn(1, 4, 2, 3), w = torch.randn(1, 4, 2, 3);
    const m = new torch.nn.CrossMapLRN2d(3, 0.5, 0.75, 1.5);
    const xc = x.clone().requiresGrad_(true), xg = x.to("webgpu").requiresGrad_(true);
    const yc = m.call(xc), yg = m.call(xg);
    yc.mul(w).sum().backward();
    yg.mul(w.to("webgpu")).sum().backward();
    assert.equal(yg.device.type, "webgpu");
    for (const [a, b] of [[await values(yg), yc.reshape(-1).tolist() as number[]], [await values(xg.grad!), xc.grad!.reshape(-1).tolist() as number[]]] as const) {
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${v} vs ${b[i]}`));
    }
  });

  test("torch.poisson and torch.binomial have no device kernel: refused by name", () => {
    const r = torch.full([3], 2.5, { dtype: torch.float32 }).to("webgpu");
    assert.throws(() => torch.poisson(r), /poisson is not implemented for the 'webgpu' device/);
    assert.throws(() => torch.binomial(r, torch.full([3], 0.5, { dtype: torch.float32 }).to("webgpu")), /binomial is not implemented for the 'webgpu' device/);
  });
});
