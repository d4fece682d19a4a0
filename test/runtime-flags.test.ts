// Importing torch-ts and computing on the CPU must leave the process's V8 flags alone (the
// webgpu device sets some when a GPU tensor first needs them). The native memory of large storages
// (src/backends/native/tensor-memory.ts) fetches V8's gc function once, through --expose-gc, turns
// that flag off again at once, and has V8 free dead buffers inside collections.
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";

test("a CPU-only program of small tensors sets no V8 flags; large storages set only the collection ones (sweeping, pretenuring, parallel scavenges)", async () => {
  const calls: string[] = [];
  const original = v8.setFlagsFromString;
  v8.setFlagsFromString = (flags: string) => { calls.push(flags); original(flags); };
  try {
    const torch = await import("../src/index.js");
    const m = new torch.nn.Linear(10, 2);
    const opt = new torch.optim.Adam(m.parameters());
    (m.call(torch.randn(4, 10)) as InstanceType<typeof torch.Tensor>).sum().backward();
    opt.step();
    assert.deepEqual(calls, []);

    const big = torch.randn(1 << 20).add(1);
    assert.equal(big.shape[0], 1 << 20);
    const native = torch.backends.native.isAvailable() && process.env["TORCH_TS_NATIVE_MEMORY"] !== "0";
    assert.deepEqual(calls, native ? ["--no-concurrent-array-buffer-sweeping", "--no-allocation-site-pretenuring", "--no-parallel-scavenge", "--expose-gc", "--no-expose-gc"] : []);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
    assert.equal(vm.runInNewContext("typeof gc"), "undefined");
  } finally {
    v8.setFlagsFromString = original;
  }
});
