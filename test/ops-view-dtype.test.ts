// Tensor.view(dtype): the same bytes read as another dtype, PyTorch's geometry rules and messages
// (values and messages from PyTorch 1.13). JS numbers like 1.0 are integers: float tensors name their dtype.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("view(dtype) reinterprets the bytes in place", () => {
  assert.deepEqual(torch.tensor([1.5, 1]).view(torch.int32).tolist(), [1069547520, 1065353216]);
  assert.deepEqual(torch.tensor([1], { dtype: torch.float32 }).view("uint8").tolist(), [0, 0, 128, 63]);
  assert.deepEqual(torch.tensor([1.0], { dtype: torch.float16 }).view(torch.int16).tolist(), [15360]);
  assert.equal(torch.tensor([[1.5, 2.0]]).view(torch.float64).item(), 2.000000474974513);
  const big = torch.tensor([2n ** 62n + 3n, -5n]);
  assert.deepEqual(big.view(torch.float64).view(torch.int64).tolist(), [2n ** 62n + 3n, -5]);
  assert.deepEqual(torch.tensor([257], { dtype: torch.int16 }).view(torch.uint8).tolist(), [1, 1]);
  assert.deepEqual(torch.tensor([1], { dtype: torch.float32 }).view({ dtype: torch.int32 }).tolist(), [1065353216]);
});

test("view(dtype) rescales the last dim, strides and offset", () => {
  const a = torch.zeros(2, 3, { dtype: torch.int64 }).view(torch.uint8);
  assert.deepEqual([a.shape, a.stride()], [[2, 24], [24, 1]]);
  const b = torch.zeros(3, 6, { dtype: torch.int16 }).get(":", ":2").view(torch.int32);
  assert.deepEqual([b.shape, b.stride()], [[3, 1], [3, 1]]);
  const c = torch.zeros(2, 4, { dtype: torch.uint8 }).get(":", "2:4").view(torch.int16);
  assert.deepEqual([c.shape, c.stride(), c.storageOffset()], [[2, 1], [2, 1], 1]);
  const d = torch.arange(4, { dtype: torch.float32 }).view(2, 2).view(torch.int16);
  assert.deepEqual([d.shape, d.stride()], [[2, 4], [4, 1]]);
});

test("view(dtype) shares memory and the version counter, and records no gradient", () => {
  const x = torch.zeros(4);
  const y = x.view(torch.int32);
  const v0 = x._version;
  y.add_(1065353216);
  assert.deepEqual(x.tolist(), [1, 1, 1, 1]);
  assert.equal(x._version, v0 + 1);
  x.mul_(2);
  assert.deepEqual(y.tolist(), [1073741824, 1073741824, 1073741824, 1073741824]);
  assert.equal(y._version, x._version);
  const w = torch.randn(2, 4, { requiresGrad: true });
  assert.equal(w.view(torch.int32).requiresGrad, false);
  const same = w.view(torch.float32);
  assert.ok(same.requiresGrad);
  same.sum().backward();
  assert.deepEqual(w.grad!.tolist(), [[1, 1, 1, 1], [1, 1, 1, 1]]);
});

test("view(dtype) refuses geometry PyTorch refuses, in its words", () => {
  const cases: [() => unknown, string][] = [
    [() => torch.arange(6, { dtype: torch.int16 }).view(3, 2).t().view(torch.int32), "self.size(-1) must be divisible by 2 to view Short as Int (different element sizes), but got 3"],
    [() => torch.zeros(2, 4, { dtype: torch.uint8 }).get(":", "1:3").view(torch.int16), "self.storage_offset() must be divisible by 2 to view Byte as Short (different element sizes), but got 1"],
    [() => torch.tensor(1, { dtype: torch.float32 }).view(torch.int64), "self.dim() cannot be 0 to view Float as Long (different element sizes)"],
    [() => torch.zeros(4, 2).t().view(torch.int16), "self.stride(-1) must be 1 to view Float as Short (different element sizes), but got 2"],
    [() => torch.zeros(3, 5, { dtype: torch.int16 }).get(":", ":2").view(torch.int32), "self.stride(0) must be divisible by 2 to view Short as Int (different element sizes), but got 5"],
    [() => torch.zeros(2).view({ dtype: torch.int32, size: [2] } as unknown as torch.DType), "view() got an unexpected keyword argument 'size'"],
    [() => torch.zeros(2).view("int33" as torch.DTypeName), "int33"],
  ];
  for (const [f, msg] of cases) assert.throws(f, (e: Error) => e.message.includes(msg), msg);
});

test("torch.viewCopy(x, dtype) copies the reinterpreted bytes", () => {
  const x = torch.tensor([1.5, 2.5]);
  const c = torch.viewCopy(x, torch.int32);
  assert.deepEqual(c.tolist(), [1069547520, 1075838976]);
  c.zero_();
  assert.deepEqual(x.tolist(), [1.5, 2.5]);
});
