// Fake quantization against PyTorch 1.13 (test/fixtures/quant-fake.py): bit-exact outputs on
// ties, overflows, NaN and infinities for float32/float64/float16, the straight-through gradient,
// the node names, and PyTorch's argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { type RecordedNumber, assertSameNumbers, flatValues, recordedNumber } from "./support/recorded.js";

type Value = RecordedNumber;
interface TensorCase { kind: "tensor"; dtype: torch.DTypeName; scale: number; zeroPoint: number; quantMin: number; quantMax: number; input: Value[]; output: Value[]; grad: number[] }
interface ChannelCase { kind: "channel"; dtype: torch.DTypeName; scales: number[]; zeroPoints: number[]; floatZeroPoint: boolean; axis: number; quantMin: number; quantMax: number; shape: number[]; input: Value[]; output: Value[]; grad: number[] }
interface FusedStep { observerOn: number; fakeQuantOn: number; output: number[]; grad: number[]; runningMin: number[]; runningMax: number[]; scale: number[]; zeroPoint: number[] }
interface FusedCase { quantMin: number; quantMax: number; symmetric: boolean; perRow: boolean; steps: FusedStep[] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/quant-fake.json", import.meta.url), "utf8")) as { cases: (TensorCase | ChannelCase)[]; fusedInputs: number[][]; fused: FusedCase[] };



for (const c of fixture.cases) {
  const label = c.kind === "tensor"
    ? `per tensor ${c.dtype} scale=${c.scale} zero_point=${c.zeroPoint} [${c.quantMin}, ${c.quantMax}]`
    : `per channel ${c.dtype} ${c.floatZeroPoint ? "float" : "int32"} zero points`;
  test(`${label}: bit-exact values and straight-through gradient`, () => {
    const x = torch.tensor(c.input.map(recordedNumber), { dtype: c.dtype }).reshape(c.kind === "channel" ? c.shape : [-1]).requiresGrad_();
    const y = c.kind === "tensor"
      ? torch.fakeQuantizePerTensorAffine(x, c.scale, c.zeroPoint, c.quantMin, c.quantMax)
      : torch.fakeQuantizePerChannelAffine(x, torch.tensor(c.scales), torch.tensor(c.zeroPoints, { dtype: c.floatZeroPoint ? "float32" : "int32" }), c.axis, c.quantMin, c.quantMax);
    assert.equal(y.dtype.name, c.dtype);
    assertSameNumbers(flatValues(y), c.output.map(recordedNumber), "values");
    assert.equal(y.gradFn?.name(), c.kind === "tensor" ? "FakeQuantizePerTensorAffineCachemaskBackward0" : "FakeQuantizePerChannelAffineCachemaskBackward0");
    y.backward(torch.onesLike(y));
    assertSameNumbers(flatValues(x.grad!), c.grad, "gradient");
  });
}

test("tensor scale and zero point: PyTorch's tensor_qparams overload (float scale, truncated zero point, own node)", () => {
  const x = torch.tensor([NaN, 1e19, -1e19, 3.5, 2.5, -2.5, 1000]).requiresGrad_();
  const y = torch.fakeQuantizePerTensorAffine(x, torch.tensor(0.3, { dtype: "float64" }), torch.tensor(2.7), -128, 127);
  assertSameNumbers(flatValues(y), [-39, -39, -39, 3.6000001430511475, 2.4000000953674316, -2.4000000953674316, 37.5], "values");
  assert.equal(y.gradFn?.name(), "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0");
  y.sum().backward();
  assertSameNumbers(flatValues(x.grad!), [0, 0, 0, 1, 1, 1, 0], "gradient");
  // Two tensors are not range-checked; a 0-d tensor beside a number takes the number overload.
  assertSameNumbers(flatValues(torch.fakeQuantizePerTensorAffine(x.detach(), torch.tensor(1), torch.tensor(300), 0, 255)), [-300, -300, -300, -45, -45, -45, -45], "zero point outside the range");
  assert.throws(() => torch.fakeQuantizePerTensorAffine(x, 1, torch.tensor(300), 0, 255), /`zero_point` must be between/);
  assert.equal(torch.fakeQuantizePerTensorAffine(x, torch.tensor(0.1), 3, 0, 255).gradFn?.name(), "FakeQuantizePerTensorAffineCachemaskBackward0");
  assert.throws(() => torch.fakeQuantizePerTensorAffine(x, 0.1, torch.tensor(3.7), 0, 255), /invalid combination of arguments - got \(Tensor, float, Tensor, int, int\)/);
  assert.throws(() => torch.fakeQuantizePerTensorAffine(x, torch.tensor(0.1).requiresGrad_(), torch.tensor(0), 0, 255),
    /The function '_fake_quantize_per_tensor_affine_cachemask_tensor_qparams' is not differentiable with respect to argument 'scale'/);
  assert.throws(() => torch.fakeQuantizePerTensorAffine(x, torch.ones(2), torch.tensor(0), 0, 10), /a Tensor with 2 elements cannot be converted to Scalar/);
});

test("strided inputs and the options object", () => {
  const x = torch.arange(12).reshape(3, 4).mul(0.37).sub(2).t();
  assertSameNumbers(flatValues(torch.fakeQuantizePerChannelAffine(x, torch.tensor([0.5, 0.25, 1, 2]), torch.tensor([1, 0, -1, 2], { dtype: "int32" }), 0, -4, 4)),
    [-2, -0.5, 1, -1, -0.25, 1, -1, 0, 2, 0, 0, 2], "per channel");
  const expected = [-1.5, -0.6000000238418579, 0.9000000357627869, -1.5, 0, 0.9000000357627869, -1.2000000476837158, 0.30000001192092896, 0.9000000357627869, -0.9000000357627869, 0.6000000238418579, 0.9000000357627869];
  assertSameNumbers(flatValues(torch.fakeQuantizePerTensorAffine(x, 0.3, 1, -4, 4)), expected, "per tensor");
  const withOptions = torch.fakeQuantizePerTensorAffine as unknown as (input: torch.Tensor, options: object) => torch.Tensor;
  assertSameNumbers(flatValues(withOptions(x, { scale: 0.3, zeroPoint: 1, quantMin: -4, quantMax: 4 })), expected, "options object");
  assert.deepEqual(torch.fakeQuantizePerTensorAffine(torch.zeros(0, 2), 1, 0, -10, 10).shape, [0, 2]);
});

test("argument errors in PyTorch's words", () => {
  const x = torch.tensor([[0.5, 1], [2, 3]]);
  const s = torch.tensor([0.1, 0.5]), z = torch.tensor([3, -2], { dtype: "int32" });
  const cases: [() => unknown, RegExp][] = [
    [() => torch.fakeQuantizePerTensorAffine(x, 0.1, 3, 5, 2), /^Error: `quant_min` should be less than or {9}equal to `quant_max`\.$/],
    [() => torch.fakeQuantizePerTensorAffine(x, 0.1, 300, 0, 255), /`zero_point` must be between `quant_min` and `quant_max`/],
    [() => torch.fakeQuantizePerTensorAffine(x, 0.1, 0.5, 0, 255), /received an invalid combination of arguments - got \(Tensor, float, float, int, int\)/],
    [() => torch.fakeQuantizePerTensorAffine(x.int(), 0.1, 0, 0, 255), /"fake_quantize_tensor_cachemask_kernel_type_handling" not implemented for 'Int'/],
    [() => torch.fakeQuantizePerTensorAffine(x.bfloat16(), 0.1, 0, 0, 255), /not implemented for 'BFloat16'/],
    [() => torch.fakeQuantizePerChannelAffine(x.int(), s, z, 0, -10, 10), /"fake_quantize_channel_cachemask_cpu_type_handling" not implemented for 'Int'/],
    [() => torch.fakeQuantizePerChannelAffine(x, s, z.long(), 0, -10, 10), /Zero-point must be Int32, Float or Half, found Long/],
    [() => torch.fakeQuantizePerChannelAffine(x, s.reshape(2, 1), z, 0, -10, 10), /scale should be a 1-D tensor/],
    [() => torch.fakeQuantizePerChannelAffine(x, torch.tensor([0.1]), z, 0, -10, 10), /scale and zero-point need to have the same dimensions/],
    [() => torch.fakeQuantizePerChannelAffine(x.reshape(1, 4), s, z, 1, -10, 10), /dimensions of scale and zero-point are not consistent with input tensor/],
    [() => torch.fakeQuantizePerChannelAffine(x, s, z, 2, -10, 10), /Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/],
    [() => torch.fakeQuantizePerChannelAffine(x, s, z, -1, -10, 10), /`axis` must be between 0 and number of dimensions of input/],
    [() => torch.fakeQuantizePerChannelAffine(torch.tensor(1), torch.tensor([1]), torch.tensor([0], { dtype: "int32" }), 0, -10, 10), /Dimension specified as 0 but tensor has no dimensions/],
    [() => torch.fakeQuantizePerChannelAffine(x, s, torch.tensor([3, 20], { dtype: "int32" }), 0, -10, 10), /`zero_point` must be between `quant_min` and `quant_max`/],
    [() => torch.fakeQuantizePerChannelAffine(x, s.double(), z, 0, -10, 10), /Scale must be Float, found Double/],
    [() => torch.fakeQuantizePerChannelAffine(x, s.clone().requiresGrad_(), z, 0, -10, 10), /'fake_quantize_per_channel_affine_cachemask' is not differentiable with respect to argument 'scale'/],
  ];
  for (const [f, message] of cases) assert.throws(f, message);
  // A float zero point is not range-checked (PyTorch's float-qparams form).
  assert.doesNotThrow(() => torch.fakeQuantizePerChannelAffine(x, s, torch.tensor([30, 0.5]), 0, -10, 10));
});

test("fusedMovingAvgObsFakeQuant: running min/max, chosen qparams (written in place), output and gradient as PyTorch's", () => {
  const inputs = fixture.fusedInputs.map((v) => torch.tensor(v, { dtype: "float32" }).reshape(3, 4));
  for (const c of fixture.fused) {
    const shape = c.perRow ? [3] : [];
    const runningMin = torch.full(shape, Infinity), runningMax = torch.full(shape, -Infinity);
    const scale = torch.ones(c.perRow ? 3 : 1), zeroPoint = torch.zeros(c.perRow ? 3 : 1, { dtype: "int32" });
    [...inputs, ...inputs.slice(1, 3)].forEach((input, i) => {
      const s = c.steps[i]!;
      const what = `[${c.quantMin}, ${c.quantMax}] symmetric=${c.symmetric} per_row=${c.perRow} step ${i}`;
      const x = input.clone().requiresGrad_();
      const flag = (on: number): torch.Tensor => torch.tensor([on], { dtype: "uint8" });
      const y = torch.fusedMovingAvgObsFakeQuant(x, flag(s.observerOn), flag(s.fakeQuantOn), runningMin, runningMax, scale, zeroPoint, 0.3, c.quantMin, c.quantMax, 0, c.perRow, c.symmetric);
      assert.equal(y.gradFn?.name(), "FusedMovingAvgObsFqHelperBackward0");
      y.backward(torch.onesLike(y));
      assertSameNumbers(flatValues(y), s.output, `${what}: output`);
      assertSameNumbers(flatValues(x.grad!), s.grad, `${what}: gradient`);
      assertSameNumbers(flatValues(runningMin), s.runningMin, `${what}: running_min`);
      assertSameNumbers(flatValues(runningMax), s.runningMax, `${what}: running_max`);
      assertSameNumbers(flatValues(scale), s.scale, `${what}: scale`);
      assertSameNumbers(flatValues(zeroPoint), s.zeroPoint, `${what}: zero_point`);
    });
  }
  const on = torch.tensor([1], { dtype: "uint8" });
  assert.throws(() => torch.fusedMovingAvgObsFakeQuant(torch.zeros(3, 4, { dtype: "float64" }), on, on, torch.tensor(Infinity), torch.tensor(-Infinity), torch.ones(1), torch.zeros(1, { dtype: "int32" }), 0.01, 0, 255, 0),
    /expected scalar type Float but found Double/);
  assert.throws(() => torch.fusedMovingAvgObsFakeQuant(torch.zeros(3, 4), on, on, torch.full([3], Infinity), torch.full([3], -Infinity), torch.ones(3), torch.zeros(3, { dtype: "int32" }), 0.01, 0, 255, 1, true),
    /Per-channel FakeQuant in fused_moving_avg_obs_fake_quant is only supported on axis == 0/);
});
