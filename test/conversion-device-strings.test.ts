// Tensor.to(str) and Module.to(str): PyTorch reads the string as a device, so a tutorial's
// `model.to("cuda")` or `base_model.to("meta")` is a device error (torch.device's words), not
// "unknown dtype cuda"; torch-ts's dtype names ("float64", "long") still convert.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

const noCuda = "Expected one of cpu, webgpu device type at start of device string: cuda (torch-ts has no cuda device; its GPU device is \"webgpu\")";

test("Tensor.to: a string that names no dtype is a device", () => {
  const x = torch.ones(2);
  throwsMsg(() => x.to("cuda" as "cpu"), noCuda);
  throwsMsg(() => x.to("cuda:0" as "cpu"), noCuda.replace("string: cuda", "string: cuda:0"));
  throwsMsg(() => x.to("meta" as "cpu"), "Expected one of cpu, webgpu device type at start of device string: meta");
  throwsMsg(() => torch.ones(2).to("foo" as "cpu", torch.float64), "Expected one of cpu, webgpu device type at start of device string: foo");
  assert.equal(x.to("cpu:0"), x);
  assert.equal(x.to("float64").dtype, torch.float64);
  assert.equal(x.to("long").dtype, torch.int64);
});

test("Module.to: an unknown device string is refused before any tensor changes", () => {
  const m = new torch.nn.BatchNorm1d(2);
  const weight = m.weight;
  throwsMsg(() => m.to("cuda" as "cpu"), noCuda);
  throwsMsg(() => m.to("meta" as "cpu"), "Expected one of cpu, webgpu device type at start of device string: meta");
  // a module holding only integer tensors is checked too (they change device, never dtype)
  const counts = new torch.nn.Module();
  counts.registerBuffer("n", torch.zeros(1, { dtype: torch.int64 }));
  throwsMsg(() => counts.to("cuda" as "cpu"), noCuda);
  assert.equal(m.weight, weight);
  assert.equal(m.to("float64").weight!.dtype, torch.float64);
  assert.equal(m.numBatchesTracked!.dtype, torch.int64);
});
