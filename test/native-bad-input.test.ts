// Bad input never reaches a native kernel: the fuzzer's findings (scripts/fuzz-ops.ts) as
// regression cases, each against PyTorch 1.13 (test/fixtures/native-bad-input.py), on whichever
// backend runs (npm test runs this file on both), and a short fixed-seed slice of the fuzzer itself.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { generateOpCalls, rng, shuffle, type FuzzCall } from "../scripts/fuzz/generate.js";
import { moduleCalls, optimizerCalls } from "../scripts/fuzz/modules.js";
import { isUnclearError, runCall } from "../scripts/fuzz/exec.js";

const F = torch.nn.functional;
const { nn, optim } = torch;

type Value = number | string;
interface Fixture {
  conv1d: { x: number[]; w: number[]; strides: Record<string, { shape: number[]; values: number[] }> };
  conv2d: { x: number[]; w: number[]; shape: number[]; values: number[] };
  pool_errors: Record<string, string | null>;
  addmm: { input: number[]; mat1: number[]; mat2: number[]; alphas: Record<string, Value[]> };
  tril_indices: Record<string, number[][] | string>;
  tensordot: Record<string, string>;
  empty: { cat: number[]; lstm: number[][] };
  factories: Record<string, string>;
  optim: Record<"SGD" | "Adam" | "AdamW", { grad_is_param: number[]; state_shorter: string; float64_state?: number[]; state_stride0?: string }>;
}
const fx = JSON.parse(readFileSync(new URL("./fixtures/native-bad-input.json", import.meta.url), "utf8")) as Fixture;

function num(v: Value): number {
  return typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;
}

function assertClose(actual: torch.Tensor, expected: Value[], tol = 1e-5): void {
  const a = (actual.detach().double().reshape(-1).tolist() as number[]);
  assert.equal(a.length, expected.length);
  a.forEach((x, i) => {
    const e = num(expected[i]!);
    if (Number.isNaN(e)) assert.ok(Number.isNaN(x), `[${i}]: ${x}, expected NaN`);
    else if (!Number.isFinite(e)) assert.equal(x, e, `[${i}]`);
    else assert.ok(Math.abs(x - e) <= tol * (1 + Math.abs(e)), `[${i}]: ${x}, expected ${e}`);
  });
}

describe("convolution strides past the input (native kernels index in int32)", () => {
  test("conv1d with a stride of 2^31, 2^32 and 2^53+2 gives PyTorch's one output", () => {
    const x = torch.tensor(fx.conv1d.x, { dtype: "float32" }).reshape([1, 2, 8]);
    const w = torch.tensor(fx.conv1d.w, { dtype: "float32" }).reshape([3, 2, 3]);
    for (const [s, e] of Object.entries(fx.conv1d.strides)) {
      const y = F.conv1d(x, w, null, Number(s));
      assert.deepEqual(y.shape, e.shape);
      assertClose(y, e.values);
    }
  });
  test("conv2d with a stride of 2^31 along one dim, and its gradients", () => {
    const x = torch.tensor(fx.conv2d.x, { dtype: "float32" }).reshape([1, 2, 5, 6]).requiresGrad_();
    const w = torch.tensor(fx.conv2d.w, { dtype: "float32" }).reshape([3, 2, 2, 3]);
    const y = F.conv2d(x, w, null, [2 ** 31, 2]);
    assert.deepEqual(y.shape, fx.conv2d.shape);
    assertClose(y, fx.conv2d.values);
    // The input gradient of the clamped stride equals that of a stride the kernels take as is.
    y.sum().backward();
    const x2 = x.detach().clone().requiresGrad_();
    F.conv2d(x2, w, null, [5, 2]).sum().backward();
    assertClose(x.grad!, (x2.grad!.reshape(-1).tolist() as number[]));
  });
  test("channels-last conv2d with a stride of 2^31", () => {
    const x = torch.tensor(fx.conv2d.x, { dtype: "float32" }).reshape([1, 2, 5, 6]).contiguous({ memoryFormat: torch.channelsLast });
    const w = torch.tensor(fx.conv2d.w, { dtype: "float32" }).reshape([3, 2, 2, 3]).contiguous({ memoryFormat: torch.channelsLast });
    assertClose(F.conv2d(x, w, null, [2 ** 31, 2]), fx.conv2d.values);
  });
});

describe("pooling window parameters are ints the kernels can index with", () => {
  const x = torch.randn([1, 2, 8]);
  test("strides and kernel sizes of 2^31 and more are refused (PyTorch: integer out of range)", () => {
    assert.match(fx.pool_errors["max_pool2d_stride_2^32"]!, /integer out of range/);
    assert.throws(() => F.maxPool2d(x.unsqueeze(0), 3, 2 ** 32), /max_pool2d\(\): integer out of range: stride=4294967296/);
    assert.throws(() => F.maxPool1d(x, 3, 2 ** 31), /max_pool1d\(\): integer out of range: stride=2147483648/);
    assert.throws(() => F.avgPool1d(x, 2 ** 31), /avg_pool1d\(\): integer out of range: kernel_size=2147483648/);
    assert.throws(() => F.avgPool2d(x.unsqueeze(0), 3, [1, 2 ** 53 + 2]), /integer out of range/);
    assert.throws(() => F.maxPool2d(x.unsqueeze(0), 3, { padding: -(2 ** 31) - 1 }), /integer out of range/);
  });
  test("non-integer window values are refused, as PyTorch's TypeError", () => {
    assert.match(fx.pool_errors["max_pool1d_kernel_1.5"]!, /must be tuple of ints/);
    assert.throws(() => F.maxPool1d(x, 1.5), /max_pool1d\(\): argument 'kernel_size' must be tuple of ints/);
    assert.throws(() => F.maxPool1d(x, 3, Infinity), /argument 'stride' must be tuple of ints/);
    assert.throws(() => F.avgPool1d(x, 3, [NaN]), /argument 'stride' must be tuple of ints/);
    assert.throws(() => F.maxPool2d(x.unsqueeze(0), [2, 1.5]), /must be tuple of ints/);
  });
});

test("addmm with an infinite alpha scales the finished product (inf * 0 = NaN), as PyTorch", () => {
  const a = torch.tensor(fx.addmm.input, { dtype: "float32" }), m1 = torch.tensor(fx.addmm.mat1, { dtype: "float32" }).reshape([3, 2]), m2 = torch.tensor(fx.addmm.mat2, { dtype: "float32" }).reshape([2, 5]);
  for (const [alpha, e] of Object.entries(fx.addmm.alphas)) {
    assertClose(torch.addmm(a, m1, m2, { beta: 0.5, alpha: num(alpha) }), e);
    assertClose(torch.addmm(a.double(), m1.double(), m2.double(), { beta: 0.5, alpha: num(alpha) }), e);
  }
});

test("tril_indices/triu_indices: a huge col is cheap; negative and non-integer sizes are refused", () => {
  const t = fx.tril_indices;
  assert.deepEqual(torch.trilIndices(3, 2 ** 40).tolist(), t["tril_3_2^40"]);
  assert.deepEqual(torch.trilIndices(4, 3, 1).tolist(), t["tril_4_3_1"]);
  assert.deepEqual(torch.triuIndices(3, 4, -1).tolist(), t["triu_3_4_-1"]);
  assert.deepEqual(torch.triuIndices(3, 2 ** 40, 2 ** 40 - 2).tolist(), t["triu_3_2^40_2^40-2"]);
  assert.throws(() => torch.trilIndices(-1, 3), { message: t["row_-1"] as string });
  assert.throws(() => torch.triuIndices(3, -2), { message: t["col_-2"] as string });
  assert.throws(() => torch.trilIndices(3, 1e300), /tril_indices\(\): argument 'col' must be int/);
  assert.throws(() => torch.triuIndices(NaN, 3), /triu_indices\(\): argument 'row' must be int/);
  assert.throws(() => torch.trilIndices(3, 3, 0.5), /argument 'offset' must be int/);
  // 3 * 2^31 pairs: the allocator's error (growing JS arrays to them was a fatal V8 error).
  assert.throws(() => torch.trilIndices(2 ** 31, 3), /DefaultCPUAllocator: can't allocate memory/);
  assert.deepEqual(torch.triuIndices(2 ** 31, 0).shape, [2, 0]);
  assert.deepEqual(torch.trilIndices(3, 3, 0, { dtype: torch.float32 }).tolist(), [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]);
});

test("tensordot with more dims than its tensors have is PyTorch's error (2^31 dims built 2^31-entry lists)", () => {
  const a = torch.randn([2, 3]), b = torch.randn([3, 2]);
  assert.throws(() => torch.tensordot(a, b, 3), { message: fx.tensordot["dims_3"] });
  assert.throws(() => torch.tensordot(a, b, 2 ** 31), /Dimension out of range \(expected to be in range of \[-2, 1\], but got -2147483648\)/);
  assert.throws(() => torch.tensordot(a.reshape([2, 3, 1, 1]), b, 3), { message: fx.tensordot["dims_3_a4d"] });
  assert.throws(() => torch.tensordot(a, b, 1.5), { message: fx.tensordot["dims_1.5"] });
});

test("empty tensors: cat along a later dim, and an LSTM with projections on an empty batch", () => {
  assert.deepEqual(torch.cat([torch.zeros([5, 0, 3]), torch.zeros([5, 0, 3])], 2).shape, fx.empty.cat);
  torch.manualSeed(0);
  const lstm = new nn.LSTM(4, 6, { projSize: 3, bidirectional: true });
  const [o, [h, c]] = lstm.call(torch.zeros([5, 0, 4])) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
  assert.deepEqual([o.shape, h.shape, c.shape], fx.empty.lstm);
});

test("factories with negative sizes are PyTorch's errors, not the allocator's", () => {
  const e = fx.factories;
  const ends = (msg: string) => (err: unknown) => err instanceof Error && err.message.endsWith(msg);
  assert.throws(() => torch.zeros([-1, 3]), ends(e["zeros"]!));
  assert.throws(() => torch.ones(-(2 ** 31), 3), ends(e["zeros_2^31"]!));
  assert.throws(() => torch.full([-5], 1), ends(e["full"]!));
  assert.throws(() => torch.eye(-2), { message: e["eye_n"] });
  assert.throws(() => torch.eye(3, -(2 ** 31) - 1), { message: e["eye_m"] });
  assert.throws(() => torch.eye(2.5), /eye\(\): argument 'n' \(position 1\) must be int, not float/);
  assert.throws(() => torch.zeros([2 ** 31, 2 ** 31]), /DefaultCPUAllocator: can't allocate memory/);
});

describe("optimizer steps with parameters, gradients and states that do not match", () => {
  const make = (name: "SGD" | "Adam" | "AdamW", ps: torch.Tensor[]): torch.optim.Optimizer =>
    name === "SGD" ? new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })
      : name === "Adam" ? new optim.Adam(ps, { lr: 0.1 }) : new optim.AdamW(ps, { lr: 0.1, amsgrad: true });
  const param = () => new nn.Parameter(torch.arange(6).reshape([2, 3]).div(7));
  for (const name of ["SGD", "Adam", "AdamW"] as const) {
    test(`${name}: a gradient that is the parameter itself steps as PyTorch`, () => {
      const p = param();
      const o = make(name, [p]);
      p.grad = p.detach();
      o.step();
      o.step();
      assertClose(p, fx.optim[name].grad_is_param);
    });
    test(`${name}: a state of another shape is PyTorch's error, before anything changes`, () => {
      const p = param();
      const o = make(name, [p]);
      p.grad = torch.ones([2, 3]);
      o.step();
      const st = o.state.get(p)!;
      for (const k of Object.keys(st)) if (k !== "step") st[k] = torch.zeros([1]);
      const before = p.detach().clone();
      assert.throws(() => o.step(), { message: fx.optim[name].state_shorter });
      assert.deepEqual(p.tolist(), before.tolist());
    });
    test(`${name}: a state loaded from a parameter of another shape is refused`, () => {
      const p = param();
      const o = make(name, [p]);
      p.grad = torch.ones([2, 3]);
      o.step();
      const q = new nn.Parameter(torch.zeros([4, 3]));
      const o2 = make(name, [q]);
      o2.loadStateDict(o.stateDict());
      q.grad = torch.ones([4, 3]);
      assert.throws(() => o2.step(), /output with shape \[2, 3\] doesn't match the broadcast shape \[4, 3\]/);
    });
  }
  test("SGD: a float64 momentum buffer of a float32 parameter steps as PyTorch", () => {
    const p = param();
    const o = make("SGD", [p]);
    p.grad = torch.ones([2, 3]);
    o.step();
    const st = o.state.get(p)!;
    st.momentum_buffer = (st.momentum_buffer as torch.Tensor).double();
    o.step();
    assertClose(p, fx.optim.SGD.float64_state!);
    assert.equal((st.momentum_buffer as torch.Tensor).dtype, torch.float64);
  });
  test("SGD: a stride-0 momentum buffer is PyTorch's error", () => {
    const p = param();
    const o = make("SGD", [p]);
    p.grad = torch.ones([2, 3]);
    o.step();
    o.state.get(p)!.momentum_buffer = torch.zeros([1]).expand([2, 3]);
    assert.throws(() => o.step(), { message: fx.optim.SGD.state_stride0! });
  });
  test("Adam: a transposed state is updated in place", () => {
    const p = param(), q = param();
    const o = make("Adam", [p]), o2 = make("Adam", [q]);
    p.grad = torch.ones([2, 3]);
    q.grad = torch.ones([2, 3]);
    o.step();
    o2.step();
    const st = o.state.get(p)!;
    const ref = o2.state.get(q)!;
    // Same values, transposed storage: the step must write through to the tensor the state holds.
    st.exp_avg = (st.exp_avg as torch.Tensor).t().contiguous().t();
    o.step();
    o2.step();
    assertClose(p, q.reshape(-1).tolist() as number[]);
    assertClose(st.exp_avg as torch.Tensor, (ref.exp_avg as torch.Tensor).reshape(-1).tolist() as number[]);
  });
  test("a null state entry is a clear error", () => {
    const p = param();
    const o = new optim.Adagrad([p], { lr: 0.1 });
    p.grad = torch.ones([2, 3]);
    o.step();
    o.state.get(p)!.sum = null as unknown as torch.Tensor;
    assert.throws(() => o.step(), /optimizer step: a state entry of the parameter of shape \[2, 3\] is None, not a Tensor/);
  });
});

test("a fixed-seed slice of the fuzzer: no native backstop fires, every error is an op's own", () => {
  const rand = rng(7);
  // Calls asking for legitimately huge work (sizes near 2^31, 4099-row stride-0 inputs) are the
  // command line's, which runs them in child processes with a timeout.
  const cheap = (c: FuzzCall) => !/big dim|huge|2147483648|2147483649|4294967296|9007199254740994|1e\+300/.test(c.mutation);
  const calls: FuzzCall[] = [
    ...shuffle(generateOpCalls({ seed: 7 }).filter(cheap), rand).slice(0, 700),
    ...shuffle(moduleCalls(7).filter(cheap), rand).slice(0, 150),
    ...shuffle(optimizerCalls(), rand).slice(0, 100),
  ];
  const backstops: string[] = [];
  let unclear = 0, ok = 0;
  const warn = console.warn;
  console.warn = () => {};  // the calls' UserWarnings (broadcast targets, resized out=) are expected
  const outcomes = calls.map((c) => runCall(c.code));
  console.warn = warn;
  for (const [i, c] of calls.entries()) {
    const o = outcomes[i]!;
    if (o.ok) { ok++; continue; }
    // The native wrappers' checks (src/backends/native/) are a backstop: the op must refuse first.
    if (o.message.startsWith("native.")) backstops.push(`${c.source} / ${c.mutation}: ${o.message}`);
    if (isUnclearError(o)) unclear++;
  }
  console.log(`fuzz slice: ${calls.length} calls, ${ok} returned, ${unclear} non-Error throws (null/array where a tensor goes)`);
  assert.deepEqual(backstops, []);
  assert.ok(ok > calls.length / 4, `only ${ok} of ${calls.length} calls returned`);
});
