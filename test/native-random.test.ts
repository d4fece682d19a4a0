// The native random kernels (native/random.cc: Mersenne Twister draws, float32 uniform_ and
// normal_fill_16_AVX2) against their JS twins in src/core/, which rng.jsonl checks against
// PyTorch: the same bits for a million samples, several means and standard deviations, and sizes
// that are not multiples of 16.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { randomKernels, setRandomKernels } from "../src/core/random-kernels.js";
import { forEachIsa } from "../src/backends/native/test-support.js";

const kernels = randomKernels();
const skip = kernels === null ? "needs the native addon" : false;

test("native normal_ gives the JS transform's float32 values bit for bit, on every ISA", { skip }, () => {
  const cases: [number, number, number][] = [[1 << 20, 0, 1], [4099, 0.5, 2.5], [100003, -3, 0.01], [17, 1e3, 1e-3], [16, 0, 0]];
  // The portable loop (scalar) and the 8-lane AVX2 one (avx2, avx512) must both give PyTorch's bits.
  try {
    forEachIsa((isa) => { for (const [n, mean, std] of cases) {
      torch.manualSeed(n);
      setRandomKernels(kernels);
      const a = torch.empty(n).normal_(mean, std).storage.data as Float32Array;
      torch.manualSeed(n);
      setRandomKernels(null);
      const b = torch.empty(n).normal_(mean, std).storage.data as Float32Array;
      for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) assert.fail(`${isa} n=${n} mean=${mean} std=${std}: [${i}] native ${a[i]} vs JS ${b[i]}`);
    } });
  } finally {
    setRandomKernels(kernels);
  }
});

test("native normal_ checks its range before writing", { skip }, () => {
  assert.throws(() => kernels!.normalBlocks(new Float32Array(20), 8, 1, 0, 1), /do not fit/);
  assert.throws(() => kernels!.normalBlocks(new Float32Array(32), 0, 3, 0, 1), /do not fit/);
});

test("native Mersenne Twister draws continue the JS stream exactly, across twists and seeds", { skip }, () => {
  try {
    for (const seed of [0, 1, 12345, 2 ** 32 + 7]) {
      const a = new torch.Generator().manualSeed(seed), b = new torch.Generator().manualSeed(seed);
      setRandomKernels(kernels);
      const na = new Uint32Array(5000);
      a.randomInto(na, 0, 300); // native (>= 256 draws)
      for (let i = 300; i < 310; i++) na[i] = a.random(); // then single draws
      a.randomInto(na, 310, 4690);
      setRandomKernels(null);
      const nb = new Uint32Array(5000);
      for (let i = 0; i < 5000; i++) nb[i] = b.random();
      assert.deepEqual(na, nb, `seed ${seed}`);
      assert.equal(a.random(), b.random(), "the states continue alike");
    }
  } finally {
    setRandomKernels(kernels);
  }
});

test("native float32 uniform_ gives the JS transform's values bit for bit", { skip }, () => {
  try {
    for (const [from, to] of [[0, 1], [-3, 7.5], [1e-3, 1e-3 + 1e-6], [-1e30, 1e30]] as const) {
      torch.manualSeed(7);
      setRandomKernels(kernels);
      const a = torch.empty(10007).uniform_(from, to).storage.data as Float32Array;
      torch.manualSeed(7);
      setRandomKernels(null);
      const b = torch.empty(10007).uniform_(from, to).storage.data as Float32Array;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`[${from}, ${to}) at ${i}: native ${a[i]} vs JS ${b[i]}`);
    }
  } finally {
    setRandomKernels(kernels);
  }
});

test("bernoulli_ with a float p draws in bulk the stream randomDouble53 draws one at a time", () => {
  for (const [n, p] of [[1000, 0.3], [4097, 0.5], [300, 0]] as const) {
    torch.manualSeed(n);
    const mask = Array.from(torch.empty(n).bernoulli_(p).storage.data as Float32Array);
    const g = new torch.Generator().manualSeed(n);
    const want = Array.from({ length: n }, () => (g.randomDouble53() < p ? 1 : 0));
    assert.deepEqual(mask, want, `n=${n} p=${p}`);
    assert.equal(torch.rand(1).item(), Math.fround((g.random() & 0xffffff) * 2 ** -24), "the generator continues alike");
  }
});
