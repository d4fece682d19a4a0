// torch.cuda and torch.backends.cudnn/cuda/mps answer as a CPU-only PyTorch 1.13 build does
// (recorded with /usr/bin/python3): the device-choice idiom runs unchanged, seeding is ignored,
// what needs a CUDA device throws PyTorch's error, and the flags read back what was set. Modules'
// device keyword (on "webgpu": test/webgpu-nn-more.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("torch.cuda: no CUDA device, as a CPU-only PyTorch", () => {
  const device = torch.cuda.isAvailable() ? "cuda" : "cpu";
  assert.equal(device, "cpu");
  assert.equal(torch.cuda.deviceCount(), 0);
  assert.equal(torch.cuda.isInitialized(), false);
  torch.manualSeed(5);
  const expected = torch.rand(3).tolist();
  torch.manualSeed(5);
  torch.cuda.manualSeed(1);
  torch.cuda.manualSeedAll(1);
  torch.cuda.seed();
  assert.deepEqual(torch.rand(3).tolist(), expected, "CUDA seeding leaves the CPU stream alone");
  assert.equal(torch.cuda.memoryAllocated(), 0);
  assert.equal(torch.cuda.maxMemoryAllocated(), 0);
  torch.cuda.emptyCache();
  for (const f of [torch.cuda.currentDevice, torch.cuda.synchronize, torch.cuda.getDeviceName, torch.cuda.init, torch.cuda.getRngState, torch.cuda.initialSeed, torch.cuda.isBf16Supported]) {
    assert.throws(() => f(), (e: Error) => e.name === "AssertionError" && e.message === "Torch not compiled with CUDA enabled");
  }
});

test("torch.backends: cudnn/cuda/mps flags as a CPU-only PyTorch reads them, and settable", () => {
  const { cudnn, cuda, mps } = torch.backends;
  assert.deepEqual([cudnn.isAvailable(), cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allowTf32, cudnn.version()], [false, true, false, false, true, null]);
  assert.deepEqual([mps.isAvailable(), mps.isBuilt(), cuda.matmul.allowTf32, cuda.isBuilt()], [false, false, false, false]);
  cudnn.benchmark = true;
  cudnn.deterministic = true;
  assert.equal(torch.backends.cudnn.benchmark, true);
  assert.equal(torch.backends.cudnn.deterministic, true);
  cudnn.benchmark = false;
  cudnn.deterministic = false;
});

test("a module's device keyword: cpu builds as without it; an unknown device is PyTorch's error", () => {
  torch.manualSeed(2);
  const a = new torch.nn.Linear(3, 2, { device: "cpu" });
  torch.manualSeed(2);
  const b = new torch.nn.Linear(3, 2);
  assert.deepEqual(a.weight.tolist(), b.weight.tolist());
  assert.equal(a.weight.device.type, "cpu");
  assert.throws(() => new torch.nn.Conv2d(1, 1, 3, { device: "cuda" }), /Expected one of cpu, webgpu device type at start of device string: cuda/);
});
