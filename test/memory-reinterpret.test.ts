// Reinterpreted and complex storages on the caching allocator: complex storages are pooled
// allocations like real ones (counted, cached buffers reused zeroed), aliases made by x.view(dtype),
// viewAsReal and viewAsComplex share their base's version counter without pinning its buffer, and
// with the native addon a loop that drops such outputs reuses warm blocks without full collections.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { Complex } from "../src/core/complex.js";
import { tensorMemoryCounters } from "../src/backends/native/tensor-memory.js";

const MiB = 1 << 20;
const native = torch.backends.native.isAvailable() && process.env["TORCH_TS_NATIVE_MEMORY"] !== "0";
const needsNative = native ? false : "needs the native addon's memory";

function stat(key: string): number { return torch.memory.memoryStats()[key]!; }

test("large complex storages are pooled allocations: counted, given back, reused zeroed", () => {
  torch.memory.emptyCache();
  const n = MiB / 8; // 1 MiB of complex64
  const allocs = stat("num_alloc"), hits = stat("num_cache_hits");
  const a = torch.full([n], new Complex(1, 2), { dtype: torch.complex64 });
  assert.equal(stat("num_alloc") - allocs, 1, "the complex storage is an allocation of the cache");
  const buffer = a.storage._array.buffer;
  assert.equal(buffer.byteLength, MiB);
  assert.equal(a.storage._releaseToCache(), true, "a complex storage gives its buffer back");
  const b = torch.zeros([n], { dtype: torch.complex64 });
  assert.equal(stat("num_cache_hits") - hits, 1);
  assert.equal(b.storage._array.buffer, buffer, "the cached buffer is handed out again");
  const pairs = b.storage._array as Float32Array;
  assert.ok(pairs.every((v) => v === 0), "a reused buffer is zeroed for zeros()");
  // complex128 of the same byte size takes the same pool's buffers.
  assert.equal(b.storage._releaseToCache(), true);
  const c = torch.empty([n / 2], { dtype: torch.complex128 });
  assert.equal(c.storage._array.buffer, buffer);
  assert.equal(stat("num_cache_hits") - hits, 2);
});

test("complex outputs written through their parts (complex, copies, fills) stay able to give their buffer back", () => {
  const re = torch.randn(MiB / 8), im = torch.randn(MiB / 8);
  const z = torch.complex(re, im);
  const r = re.storage.data as Float32Array, i = im.storage.data as Float32Array;
  assert.deepEqual(Array.from((z.storage._array as Float32Array).subarray(0, 4)), [r[0], i[0], r[1], i[1]]);
  const copied = z.clone(), filled = torch.zeros([MiB / 8], { dtype: torch.complex64 }).fill_(2);
  for (const t of [z, copied, filled]) assert.equal(t.storage._releaseToCache(), true);
});

test("a storage viewed as another dtype gives its buffer back no more (the alias may be alive)", () => {
  const x = torch.zeros(MiB / 4); // 1 MiB of float32
  const v = x.view(torch.int32);
  assert.equal(x.storage._releaseToCache(), false);
  assert.equal(v.storage._releaseToCache(), false);
  const z = torch.zeros([MiB / 8], { dtype: torch.complex64 });
  torch.viewAsReal(z);
  assert.equal(z.storage._releaseToCache(), false);
});

test("x.view(dtype), viewAsReal and viewAsComplex share their base's version counter", () => {
  const x = torch.zeros(4);
  const v = x.view(torch.int32);
  v.add_(1);
  assert.deepEqual([x._version, v._version], [1, 1]);
  x.add_(1);
  assert.deepEqual([x._version, v._version], [2, 2]);
  const r = torch.zeros([3, 2]);
  const c = torch.viewAsComplex(r);
  const rr = torch.viewAsReal(c);
  rr.mul_(2);
  assert.deepEqual([r._version, c._version, rr._version], [1, 1, 1]);
  c.mul_(new Complex(0, 1));
  assert.deepEqual([r._version, c._version, rr._version], [2, 2, 2]);
  // autograd sees a saved output changed through an alias (PyTorch's error).
  const a = torch.randn(4, { requiresGrad: true });
  const y = a.exp();
  y.view(torch.int32).fill_(0);
  assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
});

test("loops dropping reinterpreted and complex outputs reuse native blocks, with no full collection", { skip: needsNative }, () => {
  torch.memory.emptyCache(); // buffers the tests above gave back would serve some storages
  const x = torch.randn(MiB), y = torch.randn(MiB); // 4 MiB each
  const z = torch.randn([MiB / 4], { dtype: torch.complex64 }), w = torch.randn([MiB / 4], { dtype: torch.complex64 }); // 2 MiB each
  const loops: [string, number, () => void][] = [
    ["x.add(y).view(int32).bitwiseAnd(7)", 2, () => { x.add(y).view(torch.int32).bitwiseAnd(7); }],
    ["viewAsReal(z.mul(w)).mul(2)", 8, () => { torch.viewAsReal(z.mul(w)).mul(2); }],
  ];
  for (const [name, perStep, step] of loops) {
    for (let i = 0; i < 20; i++) step();
    const before = tensorMemoryCounters()!, allocsBefore = stat("num_alloc");
    for (let i = 0; i < 60; i++) step();
    const after = tensorMemoryCounters()!, allocs = stat("num_alloc") - allocsBefore;
    const fresh = after.freshBlocks - before.freshBlocks, reused = after.reusedBlocks - before.reusedBlocks;
    const seen = `${name}: ${allocs} large storages, ${reused} on reused blocks, ${fresh} on fresh ones`;
    // Aliases that pinned their buffer past young collections needed fresh blocks (~6% of them)
    // and a full collection every ~70 storages; complex outputs were plain arrays, not counted.
    assert.equal(allocs, 60 * perStep, seen);
    assert.ok(fresh <= 2 && reused >= allocs - 2, seen);
    assert.equal(after.majorCollections - before.majorCollections, 0, `${name}: no full collection was needed`);
  }
  const out = z.mul(w);
  assert.ok(out.storage._array.buffer instanceof SharedArrayBuffer, "a complex output is on the native memory");
});

test("linalg outputs are on the native memory", { skip: needsNative }, () => {
  const A = torch.randn([128, 128], { dtype: torch.float64 }).add(torch.eye(128, { dtype: torch.float64 }).mul(50));
  const lu = torch.linalg.luFactor(A)[0]!;
  const q = torch.linalg.qr(A.to(torch.complex128))[0]!;
  assert.ok(lu.storage._array.buffer instanceof SharedArrayBuffer);
  assert.ok(q.storage._array.buffer instanceof SharedArrayBuffer);
});
