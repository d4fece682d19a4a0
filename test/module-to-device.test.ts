// Module.to takes a torch.device object, as PyTorch's model.to(device) does (the tutorials' idiom:
// device = torch.device(...); model.to(device)), positionally or as { device }: every parameter and
// buffer goes there, integer buffers (num_batches_tracked) included.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { nn } = torch;

const available = await torch.webgpu.isAvailable();
const skip = available ? false : "no WebGPU adapter here; run scripts/webgpu-setup.sh to install a CPU adapter";
after(() => { if (available) torch.webgpu.shutdown(); });

function devices(m: torch.nn.Module): string[] {
  return [...m.stateDict().values()].map((t) => t.device.toString());
}

test("model.to(torch.device('cpu')) and model.to({ device: torch.device('cpu') }) return the model, on the CPU", () => {
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  assert.equal(m.to(torch.device("cpu")), m);
  assert.equal(m.to({ device: torch.device("cpu") }), m);
  assert.deepEqual(devices(m), Array(7).fill("cpu"));
});

test("model.to(torch.device('webgpu')) moves the integer buffers too", { skip }, async () => {
  await torch.webgpu.init();
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  m.to(torch.device("webgpu"));
  assert.deepEqual(devices(m), Array(7).fill("webgpu:0"));
  assert.equal(m.stateDict().get("1.num_batches_tracked")!.dtype, torch.int64);
  const n = new nn.BatchNorm1d(2).to({ device: torch.device("webgpu") });
  assert.deepEqual(devices(n), Array(5).fill("webgpu:0"));
});
