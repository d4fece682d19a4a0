// The native normal_fill_16_AVX2 (native/random.cc) against its JS twin in
// src/core/random-transforms.ts, which rng.jsonl checks against PyTorch: the same bits for a
// million samples, several means and standard deviations, and sizes that are not multiples of 16.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { normalBlocksKernel, setNormalBlocks } from "../src/core/random-kernels.js";

const kernel = normalBlocksKernel();
const skip = kernel === null ? "needs the native addon" : false;

test("native normal_ gives the JS transform's float32 values bit for bit", { skip }, () => {
  const cases: [number, number, number][] = [[1 << 20, 0, 1], [4099, 0.5, 2.5], [100003, -3, 0.01], [17, 1e3, 1e-3], [16, 0, 0]];
  try {
    for (const [n, mean, std] of cases) {
      torch.manualSeed(n);
      setNormalBlocks(kernel);
      const a = torch.empty(n).normal_(mean, std).storage.data as Float32Array;
      torch.manualSeed(n);
      setNormalBlocks(null);
      const b = torch.empty(n).normal_(mean, std).storage.data as Float32Array;
      for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) assert.fail(`n=${n} mean=${mean} std=${std}: [${i}] native ${a[i]} vs JS ${b[i]}`);
    }
  } finally {
    setNormalBlocks(kernel);
  }
});

test("native normal_ checks its range before writing", { skip }, () => {
  assert.throws(() => kernel!(new Float32Array(20), 8, 1, 0, 1), /do not fit/);
  assert.throws(() => kernel!(new Float32Array(32), 0, 3, 0, 1), /do not fit/);
});
