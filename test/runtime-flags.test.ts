// Importing torch-ts and making a few tensors on the CPU leaves the process's V8 flags alone; a
// program that computes (a thousand storages) has V8 free dead buffers inside its collections (the
// webgpu device sets others when a GPU tensor first needs them). The native memory of large storages
// (src/backends/native/tensor-memory.ts) fetches V8's gc function once, through --expose-gc, turns
// that flag off again at once, and has V8 free dead buffers inside collections.
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";

test("a CPU-only program of a few small tensors sets no V8 flags; one that computes sets the buffer sweeping one; large storages add the collection ones (pretenuring, parallel scavenges)", async () => {
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

    // A loop: a thousand storages make it a program that computes with torch-ts.
    const x = torch.randn(8, 10);
    for (let i = 0; i < 1000; i++) x.mul(2);
    assert.deepEqual(calls, ["--no-concurrent-array-buffer-sweeping"]);

    const big = torch.randn(1 << 20).add(1);
    assert.equal(big.shape[0], 1 << 20);
    const native = torch.backends.native.isAvailable() && process.env["TORCH_TS_NATIVE_MEMORY"] !== "0";
    assert.deepEqual(calls, ["--no-concurrent-array-buffer-sweeping", ...(native ? ["--no-allocation-site-pretenuring", "--no-parallel-scavenge", "--expose-gc", "--no-expose-gc"] : [])]);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
    assert.equal(vm.runInNewContext("typeof gc"), "undefined");
  } finally {
    v8.setFlagsFromString = original;
  }
});
