// torch.memory: the CPU caching allocator. Buffers of intermediate gradients go back to the cache
// when the autograd engine drops them, come out again zeroed (or unspecified for uninit outputs),
// and training gives bit-identical results with the cache on and off.

import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import * as torch from "../src/index.js";
import { setEnabled } from "../src/core/caching-allocator.js";

const { nn } = torch;
const F = torch.nn.functional;
const MiB = 1 << 20;

test("allocated, reserved and peak move with large storages", () => {
  torch.memory.emptyCache();
  const before = torch.memory.memoryAllocated();
  torch.memory.resetPeakMemoryStats();
  assert.equal(torch.memory.maxMemoryAllocated(), before);
  const big = torch.zeros(MiB / 4); // 1 MiB of float32
  assert.equal(torch.memory.memoryAllocated(), before + MiB);
  assert.ok(torch.memory.maxMemoryAllocated() >= before + MiB);
  assert.equal(torch.memory.memoryStats()["pool_cached_bytes"], 0, "nothing pooled after emptyCache");
  const small = torch.zeros(100); // below the pooling threshold: not counted
  assert.equal(torch.memory.memoryAllocated(), before + MiB);
  const stats = torch.memory.memoryStats();
  assert.equal(stats["allocated_bytes.all.current"], torch.memory.memoryAllocated());
  assert.equal(stats["reserved_bytes.all.current"], torch.memory.memoryReserved());
  assert.equal(big.numel() + small.numel(), MiB / 4 + 100);
});

test("intermediate gradients go back to the cache; emptyCache frees them; reuse is zeroed", () => {
  torch.memory.emptyCache();
  const x = torch.randn([512, 512], { requiresGrad: true });
  const allocatedBefore = torch.memory.memoryAllocated();
  x.mul(2).exp().mul(3).sum().backward();
  assert.ok(torch.memory.memoryCached() >= MiB, `cached ${torch.memory.memoryCached()}`);
  assert.equal(torch.memory.memoryReserved(), torch.memory.memoryAllocated() + torch.memory.memoryCached());
  // x.grad (1 MiB) stays allocated: it is the leaf's gradient, never cached.
  assert.ok(torch.memory.memoryAllocated() >= allocatedBefore + MiB);
  const hits = torch.memory.memoryStats()["num_cache_hits"]!;
  const z = torch.zeros(512, 512);
  assert.equal(torch.memory.memoryStats()["num_cache_hits"], hits + 1, "a cached buffer of the same size is reused");
  assert.ok((z.storage.data as Float32Array).every((v) => v === 0), "a recycled buffer is zeroed for zeros()");
  torch.memory.emptyCache();
  // The native source's free blocks may refill as the collector frees storages; the pool's may not.
  assert.equal(torch.memory.memoryStats()["pool_cached_bytes"], 0);
});

test("gradients seen outside the engine are never recycled", () => {
  const x = torch.randn([256, 256], { requiresGrad: true });
  const seen: torch.Tensor[] = [];
  const h = x.mul(2);
  h.registerHook((g) => { seen.push(g); });
  const r = h.exp();
  r.retainGrad();
  r.mul(3).sum().backward();
  const hooked = seen[0]!.clone(), retained = r.grad!.clone(), leaf = x.grad!.clone();
  // Another backward that recycles buffers of the same size must not touch them.
  for (let i = 0; i < 3; i++) x.mul(5).exp().mul(7).sum().backward();
  assert.ok(seen[0]!.equal(hooked));
  assert.ok(r.grad!.equal(retained));
  assert.ok(!x.grad!.equal(leaf)); // accumulated further, as it should
});

function train(steps: number, setToNone: boolean): Float32Array[] {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(196, 256), new nn.ReLU(), new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 10));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = torch.randn(128, 196), y = torch.randint(0, 10, [128]);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad(setToNone);
    F.crossEntropy(model.call(x) as torch.Tensor, y).backward();
    opt.step();
  }
  return [...model.parameters()].map((p) => Float32Array.from(p.detach().storage.data as Float32Array));
}

test("training is bit-identical with the cache on and off", () => {
  for (const setToNone of [true, false]) {
    setEnabled(false);
    const off = train(6, setToNone);
    setEnabled(true);
    torch.memory.emptyCache();
    const hits = torch.memory.memoryStats()["num_cache_hits"]!;
    const on = train(6, setToNone);
    assert.ok(torch.memory.memoryStats()["num_cache_hits"]! > hits, "the cache was used");
    assert.equal(on.length, off.length);
    on.forEach((p, i) => assert.deepEqual(p, off[i], `parameter ${i} (setToNone=${setToNone})`));
  }
});

test("a pooled-size storage the collector takes stops counting as allocated", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const settle = async () => { for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
  await settle(); // earlier tests' garbage
  const before = torch.memory.memoryStats();
  let t: torch.Tensor | null = torch.empty(1 << 20); // 4 MiB
  assert.equal(torch.memory.memoryAllocated(), before["allocated_bytes.all.current"]! + 4 * (1 << 20));
  assert.equal(t.numel(), 1 << 20);
  t = null;
  await settle();
  assert.equal(torch.memory.memoryAllocated(), before["allocated_bytes.all.current"]);
  assert.equal(torch.memory.memoryStats()["num_collected"], before["num_collected"]! + 1);
});

test("results dropped in a loop stop counting as allocated without waiting for the event loop", (t) => {
  if (!torch.backends.native.isAvailable() || torch.memory.memoryStats()["native_minor_collections"] === undefined) {
    t.skip("young collections return storages only with the native addon's tensor memory");
    return;
  }
  const x = torch.randn(1 << 20), y = torch.randn(1 << 20);
  const before = torch.memory.memoryAllocated();
  torch.memory.resetPeakMemoryStats();
  for (let i = 0; i < 200; i++) x.add(y); // 800 MiB of 4 MiB results, all dead at once
  const grown = torch.memory.memoryAllocated() - before;
  // Collections run after at most 64 MiB of new storages (src/backends/native/tensor-memory.ts).
  assert.ok(grown <= 72 * MiB, `allocated grew by ${grown / MiB} MiB`);
  assert.ok(torch.memory.maxMemoryAllocated() - before <= 72 * MiB, `peak grew by ${(torch.memory.maxMemoryAllocated() - before) / MiB} MiB`);
  const z = x.add(y);
  assert.ok(torch.memory.memoryAllocated() >= before + 4 * MiB, "a live result counts");
  assert.equal(z.numel(), 1 << 20);
});
