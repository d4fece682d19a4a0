// Importing torch-ts and computing on the CPU must leave the process's V8 flags alone (the
// webgpu device sets some when a GPU tensor first needs them).
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";

test("a CPU-only program sets no V8 flags", async () => {
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
  } finally {
    v8.setFlagsFromString = original;
  }
});
