// Large storages on the native addon's recycled blocks (native/tensor_memory.cc,
// src/backends/native/tensor-memory.ts): dead outputs' blocks come back through young-generation
// collections and are reused, recycled blocks are zeroed where zeros are asked for, storages that
// outlive young collections are reclaimed by full ones, and torch.memory reports and trims the
// blocks. Only with the addon (the JS backend keeps ordinary ArrayBuffers).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { tensorMemoryCounters } from "../src/backends/native/tensor-memory.js";

const native = torch.backends.native.isAvailable() && process.env["TORCH_TS_NATIVE_MEMORY"] !== "0";
const skip = native ? false : "needs the native addon";
const MiB = 1 << 20;

function counters() {
  const c = tensorMemoryCounters();
  assert.ok(c, "the native memory is installed");
  return c;
}

test("large storages are shared memory of the addon; small ones are plain arrays", { skip }, () => {
  const big = torch.empty(MiB / 4), small = torch.empty(100);
  assert.ok(big.storage.data.buffer instanceof SharedArrayBuffer);
  assert.equal(big.storage.data.buffer.byteLength, MiB);
  assert.ok(small.storage.data.buffer instanceof ArrayBuffer);
});

test("outputs dropped in a loop come back and are reused, with memory bounded", { skip }, () => {
  const x = torch.randn(MiB), y = torch.randn(MiB); // 4 MiB each
  for (let i = 0; i < 20; i++) x.add(y);
  const before = counters();
  for (let i = 0; i < 200; i++) x.add(y);
  const after = counters();
  const reused = after.reusedBlocks - before.reusedBlocks, fresh = after.freshBlocks - before.freshBlocks;
  assert.ok(reused >= 150, `reused ${reused} of 200 blocks (fresh ${fresh})`);
  assert.ok(after.minorCollections > before.minorCollections, "young collections were requested");
  assert.ok(after.outstanding < 256 * MiB, `outstanding ${after.outstanding / MiB} MiB`);
  const s = x.add(y).storage.data as Float32Array, a = x.storage.data as Float32Array, b = y.storage.data as Float32Array;
  for (let i = 0; i < s.length; i++) if (s[i] !== Math.fround(a[i]! + b[i]!)) assert.fail(`sum differs at ${i}`);
});

test("a recycled block is zeroed for zeros()", { skip }, () => {
  const n = MiB / 2; // 2 MiB of float32
  const before = counters();
  let zerosChecked = 0;
  for (let i = 0; i < 64; i++) {
    torch.full([n], 7); // garbage at once
    const z = torch.zeros(n);
    if ((z.storage.data as Float32Array).some((v) => v !== 0)) assert.fail(`zeros() at round ${i} holds stale values`);
    zerosChecked++;
  }
  const after = counters();
  assert.equal(zerosChecked, 64);
  assert.ok(after.reusedBlocks - before.reusedBlocks >= 32, `reused ${after.reusedBlocks - before.reusedBlocks}`);
});

test("storages that outlive young collections are reclaimed by full ones", { skip }, () => {
  const before = counters();
  let kept: torch.Tensor[] = [];
  for (let round = 0; round < 6; round++) {
    // 64 MiB that survives many young collections, then dies in old space.
    for (let i = 0; i < 16; i++) kept.push(torch.empty(MiB));
    for (let i = 0; i < 40; i++) torch.empty(MiB);
    kept = [];
  }
  for (let i = 0; i < 200; i++) torch.empty(MiB);
  const after = counters();
  assert.ok(after.majorCollections > before.majorCollections, "a full collection was requested");
  assert.ok(after.outstanding < 512 * MiB, `outstanding ${after.outstanding / MiB} MiB`);
});

test("torch.memory counts the free blocks as cached and emptyCache frees them", { skip }, () => {
  for (let i = 0; i < 40; i++) torch.empty(MiB);
  const stats = torch.memory.memoryStats();
  assert.ok(stats["native_reused_blocks"]! > 0);
  assert.equal(typeof stats["native_cached_bytes"], "number");
  assert.ok(torch.memory.memoryCached() >= stats["pool_cached_bytes"]!);
  torch.memory.emptyCache();
  // Blocks freed by the collector from now on may refill it; right after, it is (nearly) empty.
  assert.ok(counters().cached <= 8 * MiB, `cached ${counters().cached / MiB} MiB after emptyCache`);
  const limit = torch.memory.getCacheLimit();
  try {
    torch.memory.setCacheLimit(0);
    for (let i = 0; i < 40; i++) torch.empty(MiB);
    assert.equal(counters().cached, 0, "no block is kept over a zero limit");
    assert.equal(counters().cacheLimit, 0);
  } finally {
    torch.memory.setCacheLimit(limit);
  }
  assert.equal(counters().cacheLimit, limit);
});

test("fill_ of large shared storages writes exactly the view's elements, in every dtype", { skip }, () => {
  const n = 1 << 18;
  for (const dtype of [torch.float32, torch.float64, torch.int32, torch.int16, torch.uint8, torch.float16, torch.bfloat16, torch.int64]) {
    const t = torch.zeros(n, { dtype });
    assert.ok(t.storage.data.buffer instanceof SharedArrayBuffer, `${dtype.name} is shared`);
    const middle = t.narrow(0, 1000, n - 2000);
    middle.fill_(3);
    const v = t.to(torch.float64).storage.data as Float64Array;
    for (let i = 0; i < n; i++) {
      const want = i >= 1000 && i < n - 1000 ? 3 : 0;
      if (v[i] !== want) assert.fail(`${dtype.name}[${i}] = ${v[i]}, expected ${want}`);
    }
  }
  const f = torch.empty(n).fill_(0.1);
  assert.equal((f.storage.data as Float32Array)[n - 1], Math.fround(0.1));
});

/** A full collection now, through V8's gc function (fetched as src/backends/native/tensor-memory.ts does). */
function collectNow(): void {
  const v8 = process.getBuiltinModule("node:v8") as typeof import("node:v8");
  const vm = process.getBuiltinModule("node:vm") as typeof import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  v8.setFlagsFromString("--no-expose-gc");
  gc();
}

function allZero(ts: readonly torch.Tensor[]): boolean {
  return ts.every((t) => (t.storage.data as Float32Array).every((v) => v === 0));
}

function checkIdentity(c: ReturnType<typeof counters>): void {
  assert.equal(c.mapped, c.outstanding + c.cached, `mapped ${c.mapped} = outstanding ${c.outstanding} + cached ${c.cached}`);
}

test("a dead large storage's memory serves smaller ones, and freed neighbours merge back", { skip }, () => {
  collectNow();
  torch.memory.emptyCache(); // no free memory but what this test frees
  let big: torch.Tensor | null = torch.ones(16 * MiB); // 64 MiB, a segment of its own
  assert.equal((big.storage.data as Float32Array)[16 * MiB - 1], 1);
  big = null;
  collectNow();
  const before = counters();
  checkIdentity(before);
  assert.ok(before.cached >= 64 * MiB, `cached ${before.cached / MiB} MiB`);
  // Twelve 5 MiB storages fit in the 64 MiB segment: no new memory is mapped, and zeros() finds
  // zeros in memory the ones() above wrote.
  let parts: torch.Tensor[] = [];
  for (let i = 0; i < 12; i++) parts.push(torch.zeros(5 * MiB / 4));
  const during = counters();
  assert.equal(during.freshBlocks, before.freshBlocks, "no fresh segment for storages that fit in a free one");
  assert.ok(during.mapped <= before.mapped, "nothing new is mapped");
  // (Checked in a function of its own: a for-of iterator left in this frame would keep `parts` alive.)
  assert.ok(allZero(parts), "zeros() over recycled memory holds stale values");
  checkIdentity(during);
  // Once they die, the pieces merge: the whole 64 MiB serves one storage again.
  parts = [];
  collectNow();
  big = torch.empty(16 * MiB);
  const after = counters();
  assert.equal(after.freshBlocks, before.freshBlocks, "the merged pieces serve a storage of the original size");
  assert.ok(after.mapped <= before.mapped, "nothing new is mapped");
  checkIdentity(after);
  big = null;
});

test("emptyCache gives back free memory inside segments still in use, and it reads as zeros after", { skip }, () => {
  collectNow();
  // One 20 MiB segment serves 2 MiB storages: keep one, drop the others.
  const kept = torch.full([MiB / 2], 5.5);
  let dropped: torch.Tensor[] = [];
  for (let i = 0; i < 6; i++) dropped.push(torch.full([MiB / 2], 7.5));
  dropped = [];
  collectNow();
  assert.ok(counters().cached > 0);
  torch.memory.emptyCache();
  const c = counters();
  assert.equal(c.cached, 0, `cached ${c.cached / MiB} MiB after emptyCache`);
  checkIdentity(c);
  const again = torch.zeros(MiB / 2);
  if ((again.storage.data as Float32Array).some((v) => v !== 0)) assert.fail("zeros() over released memory holds stale values");
  assert.ok((kept.storage.data as Float32Array).every((v) => v === 5.5), "the live storage is untouched");
});

test("a program that keeps large tensors does not get a full collection at every allocation", { skip }, () => {
  collectNow();
  const before = counters();
  const kept: torch.Tensor[] = [];
  for (let i = 0; i < 40; i++) kept.push(torch.empty(5 * MiB)); // 20 MiB each, all alive
  const majors = counters().majorCollections - before.majorCollections;
  assert.ok(majors <= 8, `${majors} full collections for 40 live storages`);
  assert.equal(kept.length, 40);
});

// Linux's transparent huge pages, where the system gives them to regions that ask ("madvise") or
// to all ("always"): large storages' segments are 2 MiB-aligned and advised, so a 64 MiB tensor
// is mapped (at least in good part) in 2 MiB pages; TORCH_TS_HUGE_PAGES=0 turns that off.
function anonHugePagesKiB(): number {
  const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync("/proc/self/smaps_rollup", "utf8"));
  return m ? Number(m[1]) : 0;
}
function thpMode(): string {
  try {
    return /\[(\w+)\]/.exec(readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8"))?.[1] ?? "never";
  } catch {
    return "never";
  }
}
const thpSkip = skip || (thpMode() === "never" ? "transparent huge pages are off on this system" : false);

test("large storages sit on transparent huge pages (TORCH_TS_HUGE_PAGES=0: not)", { skip: thpSkip }, () => {
  const t = torch.ones(16 * MiB); // 64 MiB, written (perhaps on a block an earlier test freed)
  const huge = anonHugePagesKiB();
  assert.equal(t.get(16 * MiB - 1).item(), 1);
  if (process.env["TORCH_TS_HUGE_PAGES"] === "0") {
    if (thpMode() === "madvise") assert.equal(huge, 0, `${huge} KiB of huge pages with TORCH_TS_HUGE_PAGES=0`);
  } else {
    assert.ok(huge >= 32 * 1024, `${huge} KiB of huge pages with a 64 MiB tensor alive`);
  }
});
