// torch.setDefaultDevice / getDefaultDevice: the public factories and nn modules' parameters follow
// the default device where a call names none (PyTorch's _device_constructors), while ops' internal
// tensors and explicit devices do not. The device part is skipped without a WebGPU adapter
// (scripts/webgpu-setup.sh).

import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";

before(async () => { if (available) await torch.webgpu.init(); });
after(() => torch.webgpu.shutdown());
afterEach(() => torch.setDefaultDevice(null));

describe("default device: the CPU and bad arguments", () => {
  test("the CPU by default; null and 'cpu' restore it", () => {
    assert.equal(String(torch.getDefaultDevice()), "cpu");
    torch.setDefaultDevice("cpu");
    assert.equal(String(torch.getDefaultDevice()), "cpu");
    torch.setDefaultDevice(null);
    assert.equal(torch.zeros(2).device.type, "cpu");
  });

  test("bad devices are refused before anything changes", () => {
    assert.throws(() => torch.setDefaultDevice("cuda"), /torch-ts has no cuda device; its GPU device is "webgpu"/);
    assert.throws(() => torch.setDefaultDevice("webgpu:x"), /Invalid device string: 'webgpu:x'/);
    assert.throws(() => torch.setDefaultDevice(3 as unknown as string), /argument 'device' must be torch.device, str or None, not number/);
    assert.equal(String(torch.getDefaultDevice()), "cpu");
  });

  test("the wrapped factories keep their names and arguments", () => {
    assert.equal(torch.zeros.name, "zeros");
    assert.deepEqual(torch.eye(2, { dtype: "int32" }).tolist(), [[1, 0], [0, 1]]);
    assert.throws(() => torch.zeros(2, { bogus: 1 } as never), /unexpected keyword argument 'bogus'/);
  });
});

describe("default device: webgpu", { skip }, () => {
  const FACTORIES: [string, () => torch.Tensor][] = [
    ["tensor", () => torch.tensor([1, 2, 3])],
    ["asTensor", () => torch.asTensor([1.5, 2])],
    ["asarray", () => torch.asarray([[1, 2]])],
    ["zeros", () => torch.zeros(2, 3)],
    ["ones", () => torch.ones([2], { dtype: "int32" })],
    ["empty", () => torch.empty(4).fill_(2)],
    ["full", () => torch.full([2, 2], 7)],
    ["arange", () => torch.arange(5)],
    ["range", () => torch.range(0, 3)],
    ["linspace", () => torch.linspace(0, 1, 5)],
    ["logspace", () => torch.logspace(0, 2, 3)],
    ["eye", () => torch.eye(3)],
    ["trilIndices", () => torch.trilIndices(3, 3)],
    ["triuIndices", () => torch.triuIndices(3, 3)],
    ["scalarTensor", () => torch.scalarTensor(4)],
    ["emptyStrided", () => torch.emptyStrided([2, 2], [2, 1]).fill_(1)],
    ["rand", () => torch.rand(3, { generator: new torch.Generator().manualSeed(1) })],
    ["randn", () => torch.randn([3], { generator: new torch.Generator().manualSeed(1) })],
    ["randint", () => torch.randint(10, [4], { generator: new torch.Generator().manualSeed(1) })],
    ["randperm", () => torch.randperm(5, { generator: new torch.Generator().manualSeed(1) })],
    ["hannWindow", () => torch.hannWindow(4)],
    ["kaiserWindow", () => torch.kaiserWindow(4)],
    ["fft.fftfreq", () => torch.fft.fftfreq(4)],
    ["fft.rfftfreq", () => torch.fft.rfftfreq(4)],
  ];

  test("every factory makes its tensor on the default device, with the CPU's values", async () => {
    for (const [name, make] of FACTORIES) {
      const onCpu = make();
      torch.setDefaultDevice("webgpu");
      const onGpu = make();
      torch.setDefaultDevice(null);
      assert.equal(onCpu.device.type, "cpu", name);
      assert.equal(onGpu.device.type, "webgpu", name);
      assert.equal(onGpu.dtype, onCpu.dtype, name);
      assert.deepEqual(await onGpu.tolistAsync(), onCpu.tolist(), name);
    }
  });

  test("an explicit device wins; an out= call keeps out's device", () => {
    torch.setDefaultDevice("webgpu");
    assert.equal(String(torch.getDefaultDevice()), "webgpu");
    assert.equal(torch.zeros(2, { device: "cpu" }).device.type, "cpu");
    assert.equal(torch.tensor([1], { device: "cpu" }).device.type, "cpu");
    const out = torch.empty(3, { device: "cpu" });
    torch.arange(3, { out });
    assert.deepEqual(out.tolist(), [0, 1, 2]);
  });

  test("nn modules' parameters and buffers follow it, and the model trains there", async () => {
    torch.setDefaultDevice("webgpu");
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 1));
    for (const [k, p] of model.stateDict()) assert.equal(p.device.type, "webgpu", k);
    torch.manualSeed(0);
    torch.setDefaultDevice(null);
    const reference = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 1));
    for (const [k, p] of model.stateDict()) assert.deepEqual(await p.tolistAsync(), reference.stateDict().get(k)!.tolist(), k);
    torch.setDefaultDevice("webgpu");
    const x = torch.randn(5, 3);
    (model.call(x) as torch.Tensor).sum().backward();
    assert.equal((model.at(0) as torch.nn.Linear).weight.grad!.device.type, "webgpu");
  });

  test("lazy modules keep the default device of their construction", () => {
    torch.setDefaultDevice("webgpu");
    const lazy = new torch.nn.LazyLinear(2);
    torch.setDefaultDevice(null);
    lazy.call(torch.ones(1, 3, { device: "webgpu" }));
    assert.equal(lazy.weight.device.type, "webgpu");
  });

  test("the *_like random factories keep input's device", () => {
    const x = torch.zeros(2, 2, { device: "webgpu" });
    assert.equal(torch.randLike(x).device.type, "webgpu");
    assert.equal(torch.randnLike(x).device.type, "webgpu");
    assert.equal(torch.randintLike(x, 5).device.type, "webgpu");
    assert.equal(torch.randLike(x, { device: "cpu" }).device.type, "cpu");
  });
});

describe("with torch.device(d): the callback form", () => {
  test("torch.device(type) is still a Device; a callback runs with d as the default and restores it", async () => {
    assert.ok(torch.device("cpu") instanceof torch.Device);
    assert.equal(String(torch.device("webgpu", 1)), "webgpu:1");
    torch.setDefaultDevice("cpu");
    const seen = torch.device("webgpu", 0, () => String(torch.getDefaultDevice()));
    assert.equal(seen, "webgpu:0");
    assert.equal(String(torch.getDefaultDevice()), "cpu");
    assert.throws(() => torch.device("webgpu", () => { throw new Error("inside"); }), /inside/);
    assert.equal(String(torch.getDefaultDevice()), "cpu");
    const pending = torch.device("webgpu", async () => { await Promise.resolve(); return String(torch.getDefaultDevice()); });
    assert.equal(String(torch.getDefaultDevice()), "webgpu", "still inside the async body");
    assert.equal(await pending, "webgpu");
    assert.equal(String(torch.getDefaultDevice()), "cpu");
    assert.throws(() => torch.device("cuda", () => 1), /torch-ts has no cuda device/);
  });

  test("factories inside the body follow it", { skip }, () => {
    const t = torch.device("webgpu", () => torch.zeros(2));
    assert.equal(t.device.type, "webgpu");
    assert.equal(torch.zeros(2).device.type, "cpu");
  });
});
