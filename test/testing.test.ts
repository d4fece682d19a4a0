// torch.testing (assert_close, make_tensor) and torch.random (fork_rng): assert_close's errors are
// PyTorch 1.13's, type and message word for word (test/fixtures/testing-assert-close.py records
// them); make_tensor's values are PyTorch 2.x's draws for the same seed (testing-make-tensor.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const T = (v: unknown, dtype?: torch.DTypeLike): torch.Tensor => torch.tensor(v as number[], dtype === undefined ? {} : { dtype });
const f = (v: unknown): torch.Tensor => T(v, "float32");
const q = (v: number[]): torch.Tensor => torch.quantizePerTensor(f(v), 0.1, 0, torch.quint8);
const ac = (a: unknown, b: unknown, o: torch.testing.AssertCloseOptions = {}) => () => torch.testing.assertClose(a, b, o);

const cases: Record<string, () => void> = {
  float1d: ac(f([1, 2, 3]), f([1, 2.5, 3])),
  float2d: ac(f([[1, 2], [3, 4]]), f([[1, 2.5], [3, 4.1]])),
  int: ac(T([1, 2, 3]), T([1, 2, 4])),
  intThird: ac(T([1, 2, 3]), T([1, 2, 4])),
  dtype: ac(f([1, 2]), T([1, 2], "float64")),
  shape: ac(f([1, 2]), f([1, 2, 3])),
  nan: ac(f([NaN]), f([NaN])),
  scalarTensor: ac(f(1.5), f(2)),
  scalarInt: ac(T(3), T(7)),
  f64: ac(T([1, 2], "float64"), T([1, 2.0000001], "float64")),
  given: ac(f([1, 2]), f([1, 2.5]), { rtol: 0, atol: 0.1 }),
  equal: ac(f([1, 2]), f([1, 2.5]), { rtol: 0, atol: 0 }),
  zeroExpected: ac(f([0, 1]), f([0.5, 0])),
  bool: ac(T([true, false]), T([true, true])),
  infs: ac(f([Infinity, 1]), f([-Infinity, 1])),
  f16: ac(T([1, 2], "float16"), T([1, 2.01], "float16")),
  noDtypeCheck: ac(f([1, 2]), T([1, 2.5], "float64"), { checkDtype: false }),
  msg: ac(f([1]), f([2]), { msg: "custom" }),
  list: ac([f(1), f(2)], [f(1), f(3)]),
  dict: ac({ a: f([1]), b: f([2]) }, new Map([["a", f([1])], ["b", f([2.5])]])),
  keys: ac({ a: f(1), c: f(2) }, { a: f(1), b: f(2) }),
  len: ac([1, 2], [1, 2, 3]),
  numbers: ac(1.0, 1.1),
  ints: ac(3, 4),
  intFloat: ac(1n, 1.5), // a bigint is Python's int (two JS numbers have one type)
  nested: ac({ x: [f([1, 2]), { y: f([3]) }] }, { x: [f([1, 2]), { y: f([4]) }] }),
  none: ac(null, 1),
  bools: ac(true, false),
  tensorVsNumber: ac(f(1), 1.5),
  onlyRtol: ac(f([1]), f([1]), { rtol: 0.1 }),
  stride: ac(f([[1, 2], [3, 4]]).t().contiguous(), f([[1, 2], [3, 4]]).t(), { checkStride: true }),
  sparseNnz: ac(f([[0, 1], [2, 0]]).toSparse(), f([[0, 1], [0, 0]]).toSparse()),
  sparseValues: ac(f([[0, 1], [2, 0]]).toSparse(), f([[0, 1], [2.5, 0]]).toSparse()),
  layout: ac(f([[0, 1], [2, 0]]).toSparse(), f([[0, 1], [2, 0]])),
  layoutOff: ac(f([[0, 1], [2, 0]]).toSparse(), f([[0, 1], [3, 0]]), { checkLayout: false }),
  quant: ac(q([1, 2]), q([1, 2.5])),
  bigInt: ac(T([2 ** 40]), T([2 ** 40 + 3])),
  relThird: ac(T([1, 2, 3]), T([1, 2, 9])),
};
// Python's class names where JS has its own.
const jsWords = (m: string): string => m.replace("<class 'torch.Tensor'> and <class 'float'>", "Tensor and number");
const recorded = JSON.parse(readFileSync(new URL("./fixtures/testing-assert-close.json", import.meta.url), "utf8")) as Record<string, [string, string] | null>;

test("assert_close: the recorded cases pass or fail with PyTorch's error type and message", () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(recorded).sort());
  for (const [name, run] of Object.entries(cases)) {
    const want = recorded[name]!;
    if (want === null) { run(); continue; }
    const [type, message] = want;
    assert.throws(run, (e: Error) => {
      assert.equal(e.message, jsWords(message), name);
      assert.equal(e.name, type === "ValueError" ? "Error" : type, name);
      if (type === "AssertionError") assert.ok(e instanceof torch.testing.AssertionError, name);
      return true;
    }, name);
  }
});

test("assert_close: passing comparisons, and the options that relax them", () => {
  torch.testing.assertClose(f([1, 2]), f([1, 2 + 1e-6]));
  torch.testing.assertClose(f([NaN, 1]), f([NaN, 1]), { equalNan: true });
  torch.testing.assertClose([1, { a: 2.5, b: [true, null] }], [1, { b: [true, null], a: 2.5 }]);
  torch.testing.assertClose(T([1, 2], "float64"), f([1, 2]), { checkDtype: false });
  torch.testing.assertClose(f([[0, 1], [2, 0]]).toSparse(), f([[0, 1], [2, 0]]), { checkLayout: false });
  torch.testing.assertClose(new torch.nn.Parameter(f([1, 2])), f([1, 2]));
  torch.testing.assertClose(2n ** 60n, 2n ** 60n);
  torch.testing.assertClose(1, 1.00000001); // one JS number type: no (d)type mismatch
  assert.throws(() => torch.testing.assertClose(1, 1.5), /^Error: Scalars are not close!|Scalars are not close!/);
  torch.testing.assertClose(new torch.Complex(1, 2), new torch.Complex(1, 2 + 1e-9));
  assert.throws(() => torch.testing.assertClose(2n ** 60n, 2n ** 60n + 1n), /Absolute difference: 1\n/);
  assert.throws(() => torch.testing.assertClose(f([1]), f([1]), { rtol: -1, atol: 0 }), /rtol must be a non-negative number/);
});

test("assert_close: an int64 difference beyond 2^53 is exact", () => {
  const big = 2n ** 62n;
  assert.throws(() => torch.testing.assertClose(torch.tensor([big], { dtype: "int64" }), torch.tensor([big + 1n], { dtype: "int64" })),
    /Greatest absolute difference: 1 at index \(0,\)/);
  // isclose itself, as PyTorch 1.13: a == b exactly in int64, else |a - b| with b in the default float dtype.
  const a = torch.tensor([big], { dtype: "int64" }), b = torch.tensor([big + 1n], { dtype: "int64" });
  assert.deepEqual(torch.isclose(a, b, { rtol: 0, atol: 0 }).tolist(), [false]);
  assert.deepEqual(torch.isclose(a, b, { rtol: 0, atol: 0.5 }).tolist(), [true]);
});

test("assertCloseAsync: the same comparison, awaited (reads tensors on other devices first)", async () => {
  await torch.testing.assertCloseAsync({ w: f([1, 2]) }, { w: f([1, 2]) });
  await assert.rejects(torch.testing.assertCloseAsync([f([1, 2])], [f([1, 3])]), /Tensor-likes are not close![^]*The failure occurred for item \[0\]/);
});

interface Drawn { shape: number[]; stride: number[]; values: (number | [number, number])[] }
const drawn = JSON.parse(readFileSync(new URL("./fixtures/testing-make-tensor.json", import.meta.url), "utf8")) as Record<string, Drawn>;

function sameDraw(t: torch.Tensor, want: Drawn, what: string): void {
  assert.deepEqual(t.shape, want.shape, what);
  assert.deepEqual(t.stride(), want.stride, what);
  const values = t.dtype.isComplex ? (t.flatten().tolist() as torch.Complex[]).map((c) => [c.re, c.im]) : (t.flatten().tolist() as (number | boolean)[]).map(Number);
  assert.deepEqual(values, want.values, what);
}

test("make_tensor: PyTorch's draws for the same seed, per dtype", () => {
  const cpu = "cpu";
  torch.manualSeed(0); sameDraw(torch.testing.makeTensor(3, 4, { dtype: torch.float32, device: cpu }), drawn["f32"]!, "f32");
  torch.manualSeed(1); sameDraw(torch.testing.makeTensor([5], { dtype: "float64", device: cpu, low: -1, high: 1 }), drawn["f64_lowhigh"]!, "f64_lowhigh");
  torch.manualSeed(2); sameDraw(torch.testing.makeTensor(6, { dtype: "int32", device: cpu }), drawn["i32"]!, "i32");
  torch.manualSeed(3); sameDraw(torch.testing.makeTensor(6, { dtype: "uint8", device: cpu }), drawn["u8"]!, "u8");
  torch.manualSeed(4); sameDraw(torch.testing.makeTensor(6, { dtype: "bool", device: cpu }), drawn["bool"]!, "bool");
  torch.manualSeed(5); sameDraw(torch.testing.makeTensor(2, 3, { dtype: "complex64", device: cpu }), drawn["c64"]!, "c64");
  torch.manualSeed(6);
  const nc = torch.testing.makeTensor(2, 3, { dtype: "float32", device: cpu, noncontiguous: true });
  assert.equal(nc.isContiguous(), false);
  sameDraw(nc, drawn["noncontig"]!, "noncontig");
  torch.manualSeed(7); sameDraw(torch.testing.makeTensor(8, { dtype: "int64", device: cpu, low: 0, high: 2, excludeZero: true }), drawn["excludeZero"]!, "excludeZero");
  torch.manualSeed(8); sameDraw(torch.testing.makeTensor(5, { dtype: "int64", device: cpu, low: -2.5, high: 3.2 }), drawn["f32_ceil_int"]!, "f32_ceil_int");
});

test("make_tensor: requiresGrad, excludeZero on floats, and bad arguments", () => {
  const g = torch.testing.makeTensor(3, { dtype: "float32", device: "cpu", requiresGrad: true });
  assert.equal(g.requiresGrad, true);
  assert.equal(g.isLeaf, true);
  const z = torch.testing.makeTensor(200, { dtype: "float16", device: "cpu", low: 0, high: 0.002, excludeZero: true });
  assert.equal(z.eq(0).any().item(), false);
  assert.throws(() => torch.testing.makeTensor(2, { dtype: "int32", device: "cpu", requiresGrad: true }), /`requires_grad=True` is not supported for boolean and integral dtypes, but got dtype=torch.int32/);
  assert.throws(() => torch.testing.makeTensor(2, { dtype: "float32", device: "cpu", low: 2, high: 1 }), /`low` must be less than `high`, but got 2 >= 1/);
  assert.throws(() => torch.testing.makeTensor(2, { dtype: "float32", device: "cpu", low: NaN }), /cannot be NaN/);
  assert.throws(() => torch.testing.makeTensor(2, { dtype: "uint8", device: "cpu", low: 300, high: 400 }), /only supports \[0, 256\)/);
  assert.throws(() => torch.testing.makeTensor(2, { dtype: "float32" } as unknown as torch.testing.MakeTensorOptions), /missing required keyword-only arguments/);
});

test("fork_rng: draws inside do not move the stream outside; sync, throwing and async bodies", async () => {
  torch.manualSeed(11);
  const plain = [torch.rand(3), torch.rand(3)];
  torch.manualSeed(11);
  const inside = torch.random.forkRng(() => torch.randn(100));
  assert.equal(inside.shape[0], 100);
  torch.testing.assertClose(torch.rand(3), plain[0]);
  assert.throws(() => torch.random.forkRng(() => { torch.rand(5); throw new Error("body"); }), /body/);
  torch.testing.assertClose(torch.rand(3), plain[1]);
  torch.manualSeed(11);
  await torch.random.forkRng(async () => { await Promise.resolve(); torch.rand(7); });
  torch.testing.assertClose(torch.rand(3), plain[0]);
  torch.manualSeed(11);
  torch.random.forkRng({ enabled: false }, () => torch.rand(3));
  torch.testing.assertClose(torch.rand(3), plain[1]);
  assert.throws(() => torch.random.forkRng({ devices: [0] }, () => 0), /no CUDA devices/);
  assert.equal(torch.random.initialSeed(), 11);
  assert.equal(torch.defaultGenerator.initialSeed(), 11);
});
