// Tensors as API.md describes them: dtypes and promotion, int64 exactness, 16-bit floats stored
// as 16 bits, views sharing storage, creation functions, the translation rule, printing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as torch from "../src/index.js";

test("dtypes: names, aliases, storage and PyTorch's promotion", () => {
  assert.equal(torch.float, torch.float32);
  assert.equal(torch.long, torch.int64);
  assert.equal(String(torch.half), "torch.float16");
  assert.equal(torch.tensor([1, 2]).dtype, torch.int64);
  assert.equal(torch.tensor([1.5]).dtype, torch.float32);
  assert.equal(torch.tensor([true]).dtype, torch.bool);
  const i = torch.tensor([1, 2], { dtype: "int32" });
  assert.equal(i.add(1.5).dtype, torch.float32);
  assert.equal(i.div(i).dtype, torch.float32);
  assert.equal(torch.tensor([1], { dtype: "uint8" }).add(torch.tensor([1], { dtype: "int8" })).dtype, torch.int16);
  assert.equal(i.add(torch.tensor(2.5, { dtype: "float64" })).dtype, torch.float64, "a 0-d tensor of a higher category decides");
  assert.equal(torch.tensor([1.5]).add(torch.tensor(2.5, { dtype: "float64" })).dtype, torch.float32, "a 0-d tensor does not widen within its category");
  assert.equal(torch.resultType(i, 2.5), torch.float32);
  assert.equal(torch.promoteTypes("float16", "bfloat16"), torch.float32);
  assert.ok(torch.canCast("int64", "float32") && !torch.canCast("float32", "int64"));
});

test("int64 is exact over its whole range", () => {
  const big = torch.tensor([2n ** 62n, -(2n ** 63n)], { dtype: "int64" });
  assert.deepEqual(big.tolist(), [2n ** 62n, -(2n ** 63n)]);
  assert.equal(big.get(0).add(1).item(), 2n ** 62n + 1n);
  assert.equal(torch.tensor([2n ** 53n + 1n]).mul(3).item(), (2n ** 53n + 1n) * 3n);
  assert.equal(torch.tensor([2n ** 60n, 5n]).sum().item(), 2n ** 60n + 5n);
});

test("float16 and bfloat16 are stored as 16 bits and round like PyTorch", () => {
  const h = torch.tensor([1.0009765625, 65504, 70000, 0.1], { dtype: "float16" });
  assert.ok(h.storage.data instanceof Uint16Array);
  assert.deepEqual(h.tolist(), [1.0009765625, 65504, Infinity, 0.0999755859375]);
  const b = torch.tensor([1.00390625, 3.14159], { dtype: "bfloat16" });
  assert.deepEqual(b.tolist(), [1, 3.140625]);
  assert.equal(h.add(h).dtype, torch.float16);
});

test("views share storage: view, transpose, narrow, select, expand, get", () => {
  const x = torch.arange(12, { dtype: "float32" }).view(3, 4);
  const t = x.t();
  assert.ok(!t.isContiguous());
  assert.deepEqual(t.stride(), [1, 4]);
  t.set([0, 1], 100);
  assert.equal(x.get(1, 0).item(), 100);
  const row = x.select(0, 2);
  assert.equal(row.storageOffset(), 8);
  row.fill_(-1);
  assert.deepEqual(x.get(2).tolist(), [-1, -1, -1, -1]);
  const e = torch.tensor([1, 2]).expand(3, 2);
  assert.deepEqual(e.stride(), [0, 1]);
  assert.equal(x.narrow(1, 1, 2).storage, x.storage);
  assert.equal(x.get(":", "1:3").storage, x.storage);
  const c = t.contiguous();
  assert.notEqual(c.storage, x.storage);
  assert.ok(c.isContiguous());
  assert.throws(() => t.view(12), /view size is not compatible with input tensor's size and stride/);
  assert.deepEqual(t.reshape(12).shape, [12]);
});

test("creation functions", () => {
  assert.deepEqual(torch.zeros(2, 3).shape, torch.zeros([2, 3]).shape);
  assert.deepEqual(torch.arange(1, 2, 0.25).tolist(), [1, 1.25, 1.5, 1.75]);
  // An integer arange with fractional bounds or step (PyTorch 2's RangeFactories): the count from
  // the given values, the elements from start and step cast to the integer type.
  assert.deepEqual(torch.arange(0, 7, 1.5, { dtype: torch.int64 }).tolist(), [0, 1, 2, 3, 4]);
  assert.deepEqual(torch.arange(-3.7, 4.2, 1.7, { dtype: torch.int32 }).tolist(), [-3, -2, -1, 0, 1]);
  assert.deepEqual(torch.arange(-3.7, 4.2, 1.7, { dtype: torch.uint8 }).tolist(), [253, 254, 255, 0, 1]);
  assert.deepEqual(torch.arange(5, 0, -1.5, { dtype: torch.int64 }).tolist(), [5, 4, 3, 2]);
  assert.deepEqual(torch.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.logspace(0, 2, 3).tolist(), [1, 10, 100]);
  // One step is the start (PyTorch 1.13: linspace(-1, 1, 1) is [-1.], logspace(1, 3, 1) is [10.]).
  assert.deepEqual(torch.linspace(-1, 1, 1).tolist(), [-1]);
  assert.deepEqual(torch.logspace(1, 3, 1).tolist(), [10]);
  assert.deepEqual(torch.eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(torch.full([2], 7).tolist(), [7, 7]);
  assert.equal(torch.full([2], 7).dtype, torch.int64);
  assert.deepEqual(torch.trilIndices(3, 3).tolist(), [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]);
  const buf = new Float32Array([1, 2, 3, 4]);
  const w = torch.fromBuffer(buf, { shape: [2, 2] });
  buf[0] = 9;
  assert.equal(w.get(0, 0).item(), 9, "fromBuffer wraps without copying");
  assert.deepEqual(torch.onesLike(w, { dtype: "int32" }).tolist(), [[1, 1], [1, 1]]);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1/);
});

test("the translation rule: positional or options object, sizes either way", () => {
  const x = torch.arange(6, { dtype: "float64" }).view(2, 3);
  assert.deepEqual(torch.sum(x, 1, { keepdim: true }).tolist(), torch.sum(x, { dim: 1, keepdim: true }).tolist());
  assert.deepEqual(x.sum(1, true).shape, [2, 1]);
  const [v, i] = x.max(1);
  assert.deepEqual(v!.tolist(), [2, 5]);
  assert.deepEqual(x.max(1).indices.tolist(), i!.tolist());
  assert.deepEqual(x.permute(1, 0).shape, x.permute([1, 0]).shape);
  assert.throws(() => torch.sum(x, { dims: 1 } as never), /sum\(\) got an unexpected keyword argument 'dims'/);
  assert.throws(() => torch.sum(x, 1, { dim: 1 }), /got multiple values for argument 'dim'/);
});

test("printing follows PyTorch, through toString and console.log", () => {
  const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float32", requiresGrad: true });
  assert.equal(x.toString(), "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)");
  assert.equal(inspect(x.mul(2)), "tensor([[2., 4.],\n        [6., 8.]], grad_fn=<MulBackward0>)");
  assert.equal(torch.tensor([1, 2], { dtype: "int32" }).toString(), "tensor([1, 2], dtype=torch.int32)");
  assert.equal(torch.tensor(3.5).toString(), "tensor(3.5000)");
});

test("bad input throws clear errors before changing anything", () => {
  const a = torch.ones(3, 4), b = torch.ones(5, 6);
  assert.throws(() => a.matmul(b), /mat1 and mat2 shapes cannot be multiplied \(3x4 and 5x6\)/);
  assert.throws(() => a.add(torch.ones(5)), /The size of tensor a \(4\) must match the size of tensor b \(5\) at non-singleton dimension 1/);
  assert.throws(() => a.sum(2), /Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
  const i = torch.tensor([1, 2]);
  assert.throws(() => i.add_(0.5), /result type Float can't be cast to the desired output type Long/);
  assert.deepEqual(i.tolist(), [1, 2]);
  assert.throws(() => a.get(5), /index 5 is out of bounds for dimension 0 with size 3/);
});

test("torch.setNumThreads / getNumThreads", () => {
  const before = torch.getNumThreads();
  assert.ok(Number.isInteger(before) && before >= 1);
  assert.throws(() => torch.setNumThreads(0), /set_num_threads expects a positive integer/);
  assert.throws(() => torch.setNumThreads(1.5), /set_num_threads expects an int, but got float/);
  torch.setNumThreads(1);
  assert.equal(torch.getNumThreads(), 1);
  const a = torch.randn(300, 200), b = torch.randn(200, 100);
  const one = a.matmul(b);
  torch.setNumThreads(before);
  assert.equal(torch.getNumThreads(), torch.backends.native.isAvailable() ? before : 1);
  assert.ok(a.matmul(b).allclose(one, 1e-5, 1e-5));
});

test("float to integer conversion: truncation, and NaN, infinities and out-of-range values as PyTorch on x86 (INT_MIN, then the low bits)", () => {
  // Values recorded from PyTorch 1.13 (x86): x.to(dtype) of a float32 tensor.
  const v = [NaN, Infinity, -Infinity, 1e10, -1e10, 3e9, 2147483647.5, -2147483648.7, 1e19, -1e19, 9.3e18, 300.5, -7.9];
  const I32_MIN = -2147483648, I64_MIN = -(2n ** 63n);
  const expected: Record<string, (number | bigint)[]> = {
    int32: [I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, I32_MIN, 300, -7],
    int64: [I64_MIN, I64_MIN, I64_MIN, 10000000000n, -10000000000n, 3000000000n, 2147483648n, -2147483648n, I64_MIN, I64_MIN, I64_MIN, 300n, -7n],
    int16: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300, -7],
    int8: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 44, -7],
    uint8: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 44, 249],
  };
  // 13 elements take the JS loops, 13 * 400 the native conversion where the addon is loaded.
  for (const reps of [1, 400]) {
    const x = torch.tensor(v).repeat(reps);
    for (const [name, want] of Object.entries(expected)) {
      const got = (x.to(torch[name as "int32"]).tolist() as (number | bigint)[]).slice(0, v.length);
      const norm = (t: number | bigint): string => String(typeof t === "bigint" ? t : BigInt(t));
      assert.deepEqual(got.map(norm), want.map(norm), `${name}, ${x.numel()} elements`);
    }
  }
  // float64 and float16 sources, and a strided one.
  const asStrings = (t: torch.Tensor): string[] => (t.tolist() as (number | bigint)[]).map(String);
  assert.deepEqual(asStrings(torch.tensor([NaN, 1e19, -5.5], { dtype: torch.float64 }).long()), [String(I64_MIN), String(I64_MIN), "-5"]);
  assert.deepEqual(torch.tensor([NaN, 1e5, 2.5]).half().int().tolist(), [I32_MIN, I32_MIN, 2]);
  assert.deepEqual(torch.tensor([[NaN, 1], [2, 1e10]]).t().int().tolist(), [[I32_MIN, 2], [1, I32_MIN]]);
});
