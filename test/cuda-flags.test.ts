// torch.cuda and torch.backends.cudnn/cuda/mps answer as a CPU-only PyTorch 1.13 build does
// (recorded with /usr/bin/python3): the device-choice idiom runs unchanged, seeding is ignored,
// what needs a CUDA device throws PyTorch's error, and the flags read back what was set.
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
