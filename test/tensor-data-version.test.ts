// Tensor.data shares the memory but has a version counter of its own, as PyTorch's: a write through
// it (the tutorials' p.data.add_(...), a view of it, an out= into it) is not an in-place change
// of the tensor for autograd, so a later backward runs; detach() shares the tensor's counter, so
// a write through it makes backward refuse (test/fixtures/tensor-data-version.py, PyTorch 1.13).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/tensor-data-version.json", import.meta.url), "utf8"));

test("a write through .data between forward and backward: backward runs with the new values", () => {
  const x = torch.ones(3, { requiresGrad: true });
  const y = x.mul(x).sum();
  const d = x.data;
  d.add_(1);
  y.backward();
  const expected = ref.data_write;
  assert.deepEqual(x.grad!.tolist(), expected.grad);
  assert.equal(x._version, expected.x_version);
  assert.equal(d._version, expected.data_version);
});

test("writes through a view of .data and through out=.data are not the tensor's either", () => {
  const x = torch.ones(4, { requiresGrad: true });
  const y = x.mul(x).sum();
  const v = x.data.get("1:3");
  v.mul_(2);
  torch.add(torch.ones(4), 1, { out: x.data });
  y.backward();
  const expected = ref.data_view_and_out;
  assert.deepEqual(x.grad!.tolist(), expected.grad);
  assert.equal(x._version, expected.x_version);
  assert.equal(v._version, expected.view_version);
  assert.deepEqual(x.tolist(), expected.values);
});

test("detach() shares the tensor's counter: a write through it makes backward refuse", () => {
  const x = torch.ones(3, { requiresGrad: true });
  const y = x.mul(x).sum();
  x.detach().add_(1);
  const expected = ref.detach_write;
  assert.equal(x._version, expected.x_version);
  const prefix = (expected.error as string).split(" Hint:")[0]!;
  assert.throws(() => y.backward(), (e: Error) => e.message.startsWith(prefix));
});

test("a write through the tensor is not .data's: each .data starts at version 0", () => {
  const x = torch.ones(3);
  const d = x.data;
  x.add_(1);
  const expected = ref.tensor_write;
  assert.equal(x._version, expected.x_version);
  assert.equal(d._version, expected.data_version);
  assert.equal(x.data._version, expected.fresh_data_version);
});
