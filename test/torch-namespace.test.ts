// torch.* introspection and process settings: device, finfo/iinfo, is_* predicates, numel,
// deterministic algorithms, float32 matmul precision, flush_denormal, inter-op threads, anomaly
// mode. Expected values and messages recorded from PyTorch 1.13.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

describe("torch.device", () => {
  test("types, indices and the Device class", () => {
    const c = torch.device("cpu");
    assert.ok(c instanceof torch.Device);
    assert.equal(c.type, "cpu");
    assert.equal(c.index, null);
    assert.equal(String(torch.device("cpu", 0)), "cpu:0");
    assert.equal(String(torch.device("cpu:3")), "cpu:3");
    const g = torch.device("webgpu", 1);
    assert.equal(g.type, "webgpu");
    assert.equal(g.index, 1);
    assert.equal(torch.device(g), g);
    assert.equal(torch.zeros(2, { device: torch.device("cpu") }).device.type, "cpu");
  });
  test("bad devices", () => {
    throwsMsg(() => torch.device("cuda"), "Expected one of cpu, webgpu device type at start of device string: cuda (torch-ts has no cuda device; its GPU device is \"webgpu\")");
    throwsMsg(() => torch.device("foo"), "Expected one of cpu, webgpu device type at start of device string: foo");
    throwsMsg(() => torch.device("cuda:x"), "Invalid device string: 'cuda:x'");
    throwsMsg(() => torch.device("cpu", -1), "Device index must not be negative");
    throwsMsg(() => torch.device("cpu:0", 1), "type (string) must not include an index because index was passed explicitly: cpu:0");
    throwsMsg(() => torch.device("cpu", 1.5), "Device(): argument 'index' (position 2) must be int, not float");
  });
});

describe("finfo and iinfo", () => {
  test("floating-point limits", () => {
    const f32 = torch.finfo(torch.float32);
    assert.deepEqual([f32.bits, f32.eps, f32.max, f32.min, f32.tiny, f32.smallestNormal, f32.resolution, f32.dtype],
      [32, 1.1920928955078125e-07, 3.4028234663852886e+38, -3.4028234663852886e+38, 1.1754943508222875e-38, 1.1754943508222875e-38, 1e-06, "float32"]);
    const f64 = torch.finfo("float64");
    assert.deepEqual([f64.bits, f64.eps, f64.max, f64.min, f64.tiny, f64.resolution, f64.dtype],
      [64, 2.220446049250313e-16, 1.7976931348623157e+308, -1.7976931348623157e+308, 2.2250738585072014e-308, 1e-15, "float64"]);
    const f16 = torch.finfo(torch.float16);
    assert.deepEqual([f16.bits, f16.eps, f16.max, f16.min, f16.tiny, f16.resolution], [16, 0.0009765625, 65504.0, -65504.0, 6.103515625e-05, 0.001]);
    const bf16 = torch.finfo(torch.bfloat16);
    assert.deepEqual([bf16.bits, bf16.eps, bf16.max, bf16.min, bf16.tiny, bf16.resolution],
      [16, 0.0078125, 3.3895313892515355e+38, -3.3895313892515355e+38, 1.1754943508222875e-38, 0.01]);
    assert.equal(torch.finfo().dtype, "float32");
    assert.equal(String(torch.finfo(torch.float32)), "finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)");
  });
  test("integer limits (int64's as bigints)", () => {
    const rows = ([["uint8", 8, 255, 0], ["int8", 8, 127, -128], ["int16", 16, 32767, -32768], ["int32", 32, 2147483647, -2147483648]] as const);
    for (const [name, bits, max, min] of rows) {
      const i = torch.iinfo(name);
      assert.deepEqual([i.bits, i.max, i.min, i.dtype], [bits, max, min, name]);
    }
    const l = torch.iinfo(torch.int64);
    assert.deepEqual([l.bits, l.max, l.min], [64, 9223372036854775807n, -9223372036854775808n]);
    assert.equal(String(torch.iinfo(torch.int32)), "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)");
  });
  test("wrong kinds of dtype", () => {
    throwsMsg(() => torch.finfo(torch.int32), "torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
    throwsMsg(() => torch.iinfo(torch.float32), "torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
    throwsMsg(() => torch.iinfo(torch.bool), "torch.bool is not supported by torch.iinfo");
  });
});

describe("predicates", () => {
  const x = torch.tensor([1.5, 2]);
  test("is_tensor, is_storage, is_floating_point, is_complex, is_signed, numel, is_same_size", () => {
    assert.equal(torch.isTensor(x), true);
    assert.equal(torch.isTensor([1]), false);
    assert.equal(torch.isStorage(x.storage), true);
    assert.equal(torch.isStorage(x), false);
    assert.equal(torch.isFloatingPoint(x), true);
    assert.equal(torch.isFloatingPoint(torch.ones(1, { dtype: torch.int32 })), false);
    assert.equal(torch.isComplex(x), false);
    assert.equal(x.isComplex(), false);
    assert.equal(torch.isSigned(torch.ones(1, { dtype: torch.uint8 })), false);
    assert.equal(torch.ones(1, { dtype: torch.int8 }).isSigned(), true);
    assert.equal(torch.isSigned(torch.ones(1, { dtype: torch.bool })), false);
    assert.equal(torch.numel(torch.zeros(2, 3, 4)), 24);
    assert.equal(torch.isSameSize(torch.zeros(2, 3), torch.ones(2, 3)), true);
    assert.equal(torch.zeros(2, 3).isSameSize(torch.ones(3, 2)), false);
    throwsMsg(() => torch.isSameSize(x, 3 as never), "is_same_size(): argument 'other' (position 2) must be Tensor, not int");
    throwsMsg(() => torch.numel(3 as never), "numel(): argument 'input' (position 1) must be Tensor, not int");
    throwsMsg(() => torch.isFloatingPoint(3 as never), "is_floating_point(): argument 'input' (position 1) must be Tensor, not int");
  });
  test("is_nonzero", () => {
    assert.equal(torch.isNonzero(torch.tensor([0.5])), true);
    assert.equal(torch.isNonzero(torch.tensor([NaN])), true);
    assert.equal(torch.tensor(false).isNonzero(), false);
    assert.equal(torch.isNonzero(torch.tensor([0], { dtype: torch.int64 })), false);
    throwsMsg(() => torch.isNonzero(torch.tensor([1, 2])), "Boolean value of Tensor with more than one value is ambiguous");
    throwsMsg(() => torch.isNonzero(torch.tensor([])), "Boolean value of Tensor with no values is ambiguous");
  });
  test("is_inference: made inside inference mode; a view made there of a normal tensor is normal", () => {
    const normal = torch.ones(3);
    assert.equal(torch.isInference(normal), false);
    const [made, view] = torch.inferenceMode(() => [torch.ones(2), normal.view(3, 1)] as const);
    assert.equal(made.isInference(), true);
    assert.equal(made.view(2, 1).isInference(), true);
    assert.equal(view.isInference(), false);
  });
});

describe("settings", () => {
  test("deterministic algorithms: recorded", () => {
    assert.equal(torch.areDeterministicAlgorithmsEnabled(), false);
    torch.useDeterministicAlgorithms(true, { warnOnly: true });
    assert.equal(torch.areDeterministicAlgorithmsEnabled(), true);
    assert.equal(torch.isDeterministicAlgorithmsWarnOnlyEnabled(), true);
    torch.useDeterministicAlgorithms(false);
    assert.equal(torch.areDeterministicAlgorithmsEnabled(), false);
    assert.equal(torch.isDeterministicAlgorithmsWarnOnlyEnabled(), false);
    throwsMsg(() => torch.useDeterministicAlgorithms(1 as never), "_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not number");
  });
  test("float32 matmul precision: validated and recorded", () => {
    assert.equal(torch.getFloat32MatmulPrecision(), "highest");
    torch.setFloat32MatmulPrecision("high");
    assert.equal(torch.getFloat32MatmulPrecision(), "high");
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => { warnings.push(m); };
    try {
      torch.setFloat32MatmulPrecision("foo");
    } finally {
      console.warn = warn;
    }
    assert.equal(torch.getFloat32MatmulPrecision(), "high");
    torch.setFloat32MatmulPrecision("highest");
    throwsMsg(() => torch.setFloat32MatmulPrecision(3 as never), "set_float32_matmul_precision expects a str, but got number");
    assert.deepEqual(warnings, ["UserWarning: foo is not one of 'highest', 'high', or 'medium'; the current setFloat32MatmulPrecision call has no effect."]);
  });
  test("flush denormal: not supported", () => {
    assert.equal(torch.setFlushDenormal(true), false);
    assert.equal(torch.setFlushDenormal(false), false);
  });
  test("inter-op threads: 1, settable once", () => {
    assert.equal(torch.getNumInteropThreads(), 1);
    throwsMsg(() => torch.setNumInteropThreads(0), "set_num_interop_threads expects a positive integer");
    torch.setNumInteropThreads(2);
    assert.equal(torch.getNumInteropThreads(), 2);
    throwsMsg(() => torch.setNumInteropThreads(3), "Error: cannot set number of interop threads after parallel work has started or set_num_interop_threads called");
  });
  test("anomaly mode: the switch the backward pass reads", () => {
    assert.equal(torch.isAnomalyEnabled(), false);
    const x = torch.tensor([-1.5], { requiresGrad: true });
    torch.setAnomalyEnabled(true);
    try {
      assert.equal(torch.isAnomalyEnabled(), true);
      assert.equal(torch.isAnomalyCheckNanEnabled(), true);
      assert.throws(() => torch.sqrt(x).sum().backward(), /Function 'SqrtBackward0' returned nan values in its 0th output/);
      torch.setAnomalyEnabled(true, false);
      assert.equal(torch.isAnomalyCheckNanEnabled(), false);
      torch.sqrt(x).sum().backward();
      assert.ok(Number.isNaN(x.grad!.item()));
    } finally {
      torch.setAnomalyEnabled(false);
    }
    assert.equal(torch.isAnomalyEnabled(), false);
  });
});

describe("real-tensor identities: conj, resolve_conj/neg, is_conj/neg, real, imag, get_device", () => {
  test("as PyTorch defines them for real dtypes", () => {
    const x = torch.tensor([1.5, -2]);
    for (const f of [torch.conj, torch.conjPhysical, torch.resolveConj, torch.resolveNeg, torch.real]) assert.equal(f(x), x);
    assert.equal(x.conj(), x);
    assert.equal(x.real, x);
    assert.equal(torch.isConj(x), false);
    assert.equal(x.isNeg(), false);
    throwsMsg(() => torch.imag(x), "imag is not implemented for tensors with non-complex dtypes.");
    throwsMsg(() => x.imag, "imag is not implemented for tensors with non-complex dtypes.");
    assert.equal(torch.getDevice(x), -1);
    assert.equal(x.getDevice(), -1);
    const y = torch.tensor([1.5, -2]);
    assert.equal(torch.negative_(y), y);
    assert.deepEqual(y.tolist(), [-1.5, 2]);
  });
});

describe("asarray", () => {
  test("aliases tensors and typed arrays it need not convert; copies otherwise", () => {
    const x = torch.ones(2);
    assert.equal(torch.asarray(x), x);
    assert.equal(torch.asarray(x, { dtype: torch.float64 }).dtype, torch.float64);
    const copied = torch.asarray(x, { copy: true });
    assert.notEqual(copied, x);
    assert.deepEqual(copied.tolist(), [1, 1]);
    const y = torch.asarray(x, { requiresGrad: true });
    assert.equal(y, x);
    assert.equal(x.requiresGrad, true);
    const a = new Float32Array([1, 2]);
    const shared = torch.asarray(a);
    a[0] = 5;
    assert.deepEqual(shared.tolist(), [5, 2]);
    const converted = torch.asarray(a, { dtype: "float64" });
    a[1] = 7;
    assert.deepEqual([converted.tolist(), converted.dtype], [[5, 2], torch.float64]);
    const own = torch.asarray(a, { copy: true });
    a[1] = 9;
    assert.deepEqual(own.tolist(), [5, 7]);
    assert.equal(torch.asarray([1, 2.5]).dtype, torch.float32);
    assert.deepEqual([torch.asarray(3).dtype, torch.asarray(3).shape], [torch.int64, []]);
    assert.equal(torch.asarray([true]).dtype, torch.bool);
  });
  test("copy=false refuses to copy, with PyTorch's messages", () => {
    throwsMsg(() => torch.asarray(torch.ones(2), { dtype: torch.float64, copy: false }), "can't alias tensor with dtype 'Float' into dtype 'Double'.");
    throwsMsg(() => torch.asarray([1, 2], { copy: false }), "can't alias arbitrary sequence into a tensor.");
    throwsMsg(() => torch.asarray(new Float32Array(2), { dtype: torch.float64, copy: false }), "can't alias tensor with dtype 'Float' into dtype 'Double'.");
  });
});

test("the functions added for translated programs reject unknown options and extra arguments; inner and renorm take out=", () => {
  const x = torch.randn(4, 4);
  const calls: [string, (...extra: unknown[]) => unknown][] = [
    ["corrcoef", (...e) => (torch.corrcoef as (...a: unknown[]) => unknown)(x, ...e)],
    ["inner", (...e) => (torch.inner as (...a: unknown[]) => unknown)(x, x, ...e)],
    ["hsplit", (...e) => (torch.hsplit as (...a: unknown[]) => unknown)(x, 2, ...e)],
    ["matrix_exp", (...e) => (torch.matrixExp as (...a: unknown[]) => unknown)(x, ...e)],
    ["renorm", (...e) => (torch.renorm as (...a: unknown[]) => unknown)(x, 2, 0, 1, ...e)],
    ["finfo", (...e) => (torch.finfo as (...a: unknown[]) => unknown)(torch.float32, ...e)],
    ["is_tensor", (...e) => (torch.isTensor as (...a: unknown[]) => unknown)(x, ...e)],
    ["is_same_size", (...e) => (torch.isSameSize as (...a: unknown[]) => unknown)(x, x, ...e)],
    ["conj", (...e) => (torch.conj as (...a: unknown[]) => unknown)(x, ...e)],
  ];
  for (const [op, f] of calls) {
    f();
    assert.throws(() => f({ bogus: 1 }), new RegExp(`^Error: ${op}\\(\\) got an unexpected keyword argument 'bogus'$`), op);
    assert.throws(() => f(7, 8, 9, 10), /positional argument/, op);
  }
  const out = torch.empty(0);
  assert.equal(torch.inner(x, x, { out }), out);
  assert.deepEqual(out.shape, [4, 4]);
  assert.ok(out.allclose(torch.inner(x, x)));
  const out2 = torch.empty(0);
  assert.equal(torch.renorm(x, 2, 0, 1, { out: out2 }), out2);
  assert.ok(out2.allclose(torch.renorm(x, 2, 0, 1)));
});
