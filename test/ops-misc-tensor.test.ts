// Tensor members about memory and storage: the is_* flags, layout, data_ptr, share_memory_ /
// is_shared, resize_ / resize_as_, set_, apply_ / map_ / map2_. Expected behaviour read off
// PyTorch 1.13 (the comments give the Python calls).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

const f32 = (n: number): torch.Tensor => torch.arange(n, { dtype: torch.float32 });

describe("flags and layout", () => {
  test("is_cuda, is_sparse, is_quantized, is_meta, is_mkldnn are false; layout is torch.strided", () => {
    const x = torch.ones(2);
    assert.deepEqual([x.isCuda, x.isSparse, x.isQuantized, x.isMeta, x.isMkldnn], [false, false, false, false, false]);
    assert.equal(x.layout, torch.strided);
    assert.ok(torch.strided instanceof torch.layout);
    assert.equal(String(torch.strided), "torch.strided");
    assert.deepEqual(torch.zeros(2, { layout: torch.strided }).shape, [2]);
  });
});

describe("data_ptr, share_memory_, is_shared", () => {
  test("data_ptr: equal at the same byte, byte distances within a storage, 0 when empty", () => {
    const x = f32(4);
    assert.equal(x.get("1:").dataPtr() - x.dataPtr(), 4);
    assert.equal(x.view(2, 2).dataPtr(), x.dataPtr());
    assert.notEqual(f32(4).dataPtr(), x.dataPtr());
    assert.equal(torch.empty(0).dataPtr(), 0);
    const bytes = new Uint8Array(8);
    assert.equal(torch.frombuffer(bytes, { dtype: torch.uint8 }).dataPtr(), torch.frombuffer(bytes.buffer, { dtype: torch.uint8 }).dataPtr());
  });
  test("share_memory_ moves the storage (every view follows) into a SharedArrayBuffer", () => {
    // torch.ones(2).is_shared() -> False; torch.ones(2).share_memory_().is_shared() -> True
    const x = f32(4), v = x.get("1:");
    assert.equal(x.isShared(), false);
    assert.equal(x.shareMemory_(), x);
    assert.ok(x.isShared() && v.isShared());
    v.set(0, 9);
    assert.deepEqual(x.tolist(), [0, 9, 2, 3]);
    assert.ok(x.storage.data.buffer instanceof SharedArrayBuffer);
  });
});

describe("resize_ and resize_as_", () => {
  test("keeps the storage when large enough, grows it otherwise; contiguous strides from the offset", () => {
    const x = f32(6), v0 = x._version;
    assert.equal(x.resize_(2, 2), x);
    assert.deepEqual([x.tolist(), x.storage.length, x._version - v0], [[[0, 1], [2, 3]], 6, 0]);
    const y = f32(4);
    y.resize_([2, 3]);
    assert.deepEqual([y.shape, y.storage.length], [[2, 3], 6]);
    assert.deepEqual((y.flatten().tolist() as number[]).slice(0, 4), [0, 1, 2, 3]);
    // x = torch.arange(6.)[2:]; x.resize_(5): offset 2, storage 7, stride (1,)
    const z = f32(6).get("2:");
    z.resize_(5);
    assert.deepEqual([z.storageOffset(), z.storage.length, z.stride()], [2, 7, [1]]);
    // PyTorch keeps the strides when the size does not change: t.resize_(3, 2) stays (1, 3).
    const t = f32(6).view(2, 3).t();
    t.resize_(3, 2);
    assert.deepEqual(t.stride(), [1, 3]);
    t.resize_(2, 3);
    assert.deepEqual(t.stride(), [3, 1]);
    assert.deepEqual(torch.ones(2).resizeAs_(torch.ones(3, 2)).shape, [3, 2]);
  });
  test("refused on tensors that require grad", () => {
    throwsMsg(() => torch.ones(2).requiresGrad_().resize_(3), "cannot resize variables that require grad");
    throwsMsg(() => torch.ones(2).requiresGrad_().resize_(2), "cannot resize variables that require grad");
    throwsMsg(() => torch.ones(2).requiresGrad_().mul(1).resizeAs_(torch.ones(3)), "cannot resize variables that require grad");
  });
});

describe("set_", () => {
  test("tensor, storage and empty forms share the source's memory", () => {
    const b = f32(6), a = torch.ones(3), v0 = a._version;
    a.set_(b);
    assert.deepEqual([a.shape, a.dataPtr() === b.dataPtr(), a._version > v0], [[6], true, true]);
    a.set(0, 7);
    assert.equal(b.get(0).item(), 7);
    // a.set_(b.storage(), 2, (2,2), (1,2)) -> [[2., 4.], [3., 5.]]
    const c = torch.ones(3).set_(f32(6).storage, 2, [2, 2], [1, 2]);
    assert.deepEqual([c.tolist(), c.storageOffset()], [[[2, 4], [3, 5]], 2]);
    assert.deepEqual(torch.ones(3).set_(f32(6).storage).tolist(), [0, 1, 2, 3, 4, 5]);
    const e = torch.ones(3).set_();
    assert.deepEqual([e.shape, e.storage.length], [[0], 0]);
    const s = f32(6);
    torch.ones(1).set_(s.storage, 2, [2, 10], [1, 2]);
    assert.equal(s.storage.length, 22, "grown to reach the view");
  });
  test("errors; no derivative (PyTorch's)", () => {
    throwsMsg(() => torch.ones(3).set_(f32(3).double()), "set_(): expected a source of dtype float32, got float64");
    throwsMsg(() => torch.ones(3).requiresGrad_().set_(f32(3)), "a leaf Variable that requires grad is being used in an in-place operation.");
    const g = torch.ones(3).requiresGrad_(), z = torch.zeros(3);
    z.set_(g.mul(2));
    assert.equal(z.requiresGrad, true);
    assert.throws(() => z.sum().backward(), /derivative for set_ is not implemented/);
  });
});

describe("apply_, map_, map2_", () => {
  test("values, dtype conversion, broadcasting", () => {
    assert.deepEqual(torch.ones(2).apply_((v) => (v as number) * 3).tolist(), [3, 3]);
    assert.deepEqual(torch.ones(2, { dtype: torch.int32 }).apply_((v) => (v as number) * 2.7).tolist(), [2, 2]);
    assert.deepEqual(torch.ones(2, { dtype: torch.bool }).apply_((v) => (v === true ? 0 : 1)).tolist(), [false, false]);
    assert.deepEqual(torch.tensor([2n ** 60n]).apply_((v) => (v as bigint) + 1n).tolist(), [2n ** 60n + 1n]);
    assert.deepEqual(torch.ones(2, 3).map_(torch.tensor([1, 2, 3], { dtype: torch.float32 }), (a, b) => (a as number) + (b as number)).tolist(), [[2, 3, 4], [2, 3, 4]]);
    const y = torch.ones(2, 3).map2_(torch.tensor([1, 2, 3], { dtype: torch.float32 }), torch.tensor([[1], [2]], { dtype: torch.float32 }), (a, b, c) => (a as number) + (b as number) * (c as number));
    assert.deepEqual(y.tolist(), [[2, 3, 4], [3, 5, 7]]);
    const t = f32(4).get("::2");
    t.apply_((v) => (v as number) + 10);
    assert.deepEqual(t.tolist(), [10, 12]);
  });
  test("errors", () => {
    throwsMsg(() => torch.ones(2).requiresGrad_().apply_((v) => v), "Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.");
    throwsMsg(() => torch.ones(2).requiresGrad_().map_(torch.ones(2), (a) => a), "Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.");
    throwsMsg(() => torch.ones(3).map_(torch.ones(3).double(), (a) => a), "map_: expected torch.FloatTensor for 'other' (got torch.DoubleTensor)");
    throwsMsg(() => torch.ones(3).map2_(torch.ones(3).double(), torch.ones(3), (a) => a), "map2_: expected torch.FloatTensor for argument 'x' (got torch.DoubleTensor)");
    assert.throws(() => torch.ones(3).map_(torch.ones(2, 3), (a) => a), /the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the tensor \(2\)/);
    const x = torch.ones(2);
    assert.throws(() => x.apply_((() => "x") as never), /must return a number/);
  });
});
