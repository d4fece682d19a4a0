// Quantized tensors against PyTorch 1.13 (test/fixtures/quant-tensor.py): quantizePerTensor /
// quantizePerChannel integers and dequantized values bit for bit (ties, overflows, NaN, infinities),
// quantizePerTensorDynamic's scale and zero point, printing, views, clone, and the refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { type RecordedNumber, assertSameNumbers, flatValues, recordedNumber } from "./support/recorded.js";

type Value = RecordedNumber;
type QName = "quint8" | "qint8" | "qint32";
interface Fixture {
  perTensor: { dtype: QName; scale: number; zeroPoint: number; input: Value[]; intRepr: number[]; dequantized: number[] }[];
  perChannel: { dtype: QName; axis: number; shape: number[]; scales: number[]; zeroPoints: number[]; input: Value[]; intRepr: number[]; dequantized: number[] }[];
  dynamic: { name: string; dtype: QName; reduceRange: boolean; input: number[]; scale: number; zeroPoint: number; intRepr: number[] }[];
  reprs: { label: string; repr: string }[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/quant-tensor.json", import.meta.url), "utf8")) as Fixture;



const INT_REPR = { quint8: "uint8", qint8: "int8", qint32: "int32" } as const;

test("quantizePerTensor: PyTorch's integers and dequantized values, bit for bit", () => {
  for (const c of fixture.perTensor) {
    const what = `${c.dtype} scale=${c.scale} zero_point=${c.zeroPoint}`;
    const q = torch.quantizePerTensor(torch.tensor(c.input.map(recordedNumber)), c.scale, c.zeroPoint, c.dtype);
    assert.equal(q.dtype, torch[c.dtype]);
    assert.ok(q.isQuantized);
    assert.equal(q.qScale(), c.scale);
    assert.equal(q.qZeroPoint(), c.zeroPoint);
    assert.equal(String(q.qscheme()), "torch.per_tensor_affine");
    const ints = q.intRepr();
    assert.equal(ints.dtype.name, INT_REPR[c.dtype]);
    assertSameNumbers(flatValues(ints), c.intRepr, `${what}: int_repr`);
    const d = q.dequantize();
    assert.equal(d.dtype, torch.float32);
    assertSameNumbers(flatValues(d), c.dequantized, `${what}: dequantize`);
    assertSameNumbers(flatValues(torch.dequantize(q)), c.dequantized, `${what}: torch.dequantize`);
  }
});

test("quantizePerChannel: PyTorch's integers and dequantized values along each axis", () => {
  for (const c of fixture.perChannel) {
    const what = `${c.dtype} axis=${c.axis}`;
    const q = torch.quantizePerChannel(torch.tensor(c.input.map(recordedNumber)).reshape(c.shape), torch.tensor(c.scales, { dtype: "float64" }), torch.tensor(c.zeroPoints), c.axis, c.dtype);
    assert.equal(String(q.qscheme()), "torch.per_channel_affine");
    assert.equal(q.qPerChannelAxis(), c.axis);
    assert.deepEqual(q.qPerChannelScales().tolist(), c.scales);
    assert.equal(q.qPerChannelZeroPoints().dtype, torch.int64);
    assert.deepEqual(q.qPerChannelZeroPoints().tolist(), c.zeroPoints);
    assertSameNumbers(flatValues(q.intRepr()), c.intRepr, `${what}: int_repr`);
    assertSameNumbers(flatValues(q.dequantize()), c.dequantized, `${what}: dequantize`);
  }
});

test("quantizePerTensorDynamic: PyTorch's chosen scale and zero point (ChooseQuantizationParams)", () => {
  for (const c of fixture.dynamic) {
    const q = torch.quantizePerTensorDynamic(torch.tensor(c.input, { dtype: "float32" }), c.dtype, c.reduceRange);
    const what = `${c.name} ${c.dtype} reduce_range=${c.reduceRange}`;
    assert.equal(q.qScale(), c.scale, `${what}: scale`);
    assert.equal(q.qZeroPoint(), c.zeroPoint, `${what}: zero point`);
    assertSameNumbers(flatValues(q.intRepr()), c.intRepr, `${what}: int_repr`);
  }
  const h = torch.quantizePerTensorDynamic(torch.tensor([1.5, 2]), "float16", false);
  assert.equal(h.dtype, torch.float16);
});

test("printing as PyTorch's repr", () => {
  const x = torch.arange(24).reshape(2, 3, 4).div(7).sub(1);
  const perChannel = (): torch.Tensor => torch.quantizePerChannel(x, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 1, 2]), 1, "quint8");
  const made: Record<string, () => torch.Tensor> = {
    "per tensor quint8": () => torch.quantizePerTensor(torch.tensor([0.05, 0.5, -1, 3]), 0.1, 3, "quint8"),
    "per tensor qint8 3-d": () => torch.quantizePerTensor(x, 0.05, -3, "qint8"),
    "per tensor qint32 tensor scale": () => torch.quantizePerTensor(x.get(0), torch.tensor(0.1), torch.tensor(2), "qint32"),
    "empty": () => torch.quantizePerTensor(torch.zeros(0, 3), 0.5, 1, "quint8"),
    "per channel axis 1": perChannel,
    "per channel select of another dim": () => perChannel().get(1),
    "per channel select of the channel dim": () => perChannel().select(1, 2),
    "per tensor transpose": () => torch.quantizePerTensor(x, 0.05, -3, "qint8").transpose(0, 2),
  };
  for (const { label, repr } of fixture.reprs) assert.equal(String(made[label]!()), repr, label);
});

test("views, clone and the per-channel views PyTorch refuses", () => {
  const x = torch.arange(24).reshape(2, 3, 4).div(7).sub(1);
  const q = torch.quantizePerTensor(x, 0.05, -3, "qint8");
  const ints = q.intRepr();
  const views: [string, (t: torch.Tensor) => torch.Tensor][] = [
    ["view", (t) => t.view(6, 4)], ["reshape of a transpose", (t) => t.transpose(0, 1).reshape(6, 4)], ["select", (t) => t.select(1, 1)],
    ["slice", (t) => t.get(":", "1:")], ["permute", (t) => t.permute(2, 0, 1)], ["expand", (t) => t.get(":1").expand(3, 3, 4)],
    ["unsqueeze", (t) => t.unsqueeze(0)], ["flatten", (t) => t.flatten()], ["contiguous", (t) => t.transpose(0, 2).contiguous()],
  ];
  for (const [name, f] of views) {
    const v = f(q);
    assert.ok(v.isQuantized, name);
    assert.equal(v.qScale(), 0.05);
    assert.deepEqual(v.intRepr().tolist(), f(ints).tolist(), name);
  }
  const c = q.clone();
  assert.notEqual(c.storage, q.storage);
  assert.equal(String(c), String(q));
  // Per channel: PyTorch refuses views that reorder or repeat elements.
  const p = torch.quantizePerChannel(x, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 1, 2]), 1, "quint8");
  for (const f of [(t: torch.Tensor) => t.transpose(0, 1), (t: torch.Tensor) => t.permute(2, 0, 1), (t: torch.Tensor) => t.get(":1").expand(3, 3, 4)]) {
    assert.throws(() => f(p), /Setting strides is possible only on uniformly quantized tensor/);
  }
  const sliced = p.get(":", "1:");
  assert.deepEqual(sliced.qPerChannelScales().tolist(), [Math.fround(0.2), Math.fround(0.3)]);
  assert.equal(p.unsqueeze(0).qPerChannelAxis(), 2);
  assert.equal(p.get(0).qPerChannelAxis(), 0);
  assert.deepEqual(sliced.clone().dequantize().tolist(), sliced.dequantize().tolist());
  assert.deepEqual(sliced.clone().qPerChannelZeroPoints().tolist(), [1, 2]);
});

test("other ops refuse quantized tensors in PyTorch's words", () => {
  const q = torch.quantizePerTensor(torch.tensor([0.5, 1, 2]), 0.1, 3, "quint8");
  const refusals: [string, () => unknown][] = [
    ["add", () => q.add(q)], ["mul", () => torch.mul(q, 2)], ["exp", () => q.exp()], ["sum", () => q.sum()], ["neg", () => q.neg()],
    ["mm", () => torch.mm(q.view(3, 1), q.view(1, 3))], ["sort", () => q.sort()],
  ];
  for (const [op, f] of refusals) assert.throws(f, new RegExp(`^Error: Could not run 'aten::${op}' with arguments from the 'QuantizedCPU' backend\\.`), op);
  // flip and stack have quantized kernels in PyTorch 1.13 (the integers reordered; stack takes the first input's parameters).
  assert.deepEqual(q.flip(0).intRepr().tolist(), [23, 13, 8]);
  assert.deepEqual(torch.stack([q, q.flip(0)]).intRepr().tolist(), [[8, 13, 23], [23, 13, 8]]);
  // Ops whose integer forms compute nothing (rounding, value tests) have no quantized kernel either.
  for (const [op, f] of [["ceil", () => q.ceil()], ["floor_", () => q.floor_()], ["nan_to_num", () => q.nanToNum()], ["isnan", () => q.isnan()], ["isfinite", () => q.isfinite()], ["diag", () => q.view(1, 3).diag()]] as const) {
    assert.throws(f, new RegExp(`'aten::${op}'.*QuantizedCPU`), op);
  }
  assert.equal(q.type(), "torch.quantized.QUInt8Tensor");
  assert.throws(() => q.set_(), /QuantizedCPU/);
  assert.throws(() => q.float(), /QuantizedCPU/);
  assert.throws(() => q.tolist(), /QuantizedCPU/);
  assert.throws(() => q.requiresGrad_(), /only Tensors of floating point and complex dtype can require gradients/);
  assert.throws(() => torch.zeros(2, { dtype: "quint8" }), /QuantizedCPU/);
  assert.throws(() => torch.promoteTypes(torch.quint8, torch.float32), /promoteTypes with quantized numbers is not handled yet; figure out what the correct rules should be, offending types: QUInt8 Float/);
  // torch.save writes quantized tensors (test/quant-save.test.ts); safetensors has no quantized dtypes.
});

test("argument errors in PyTorch's words", () => {
  const x = torch.tensor([[0.5, 1, 2], [3, 4, 5]]);
  const s = torch.tensor([0.1, 0.2]), z = torch.tensor([0, 1]);
  const cases: [() => unknown, RegExp][] = [
    [() => torch.quantizePerTensor(x.double(), 0.1, 3, "quint8"), /^Error: Quantize only works on Float Tensor, got Double$/],
    [() => torch.quantizePerTensor(x, 0.1, 300, "quint8"), /^Error: quantize_tensor_per_tensor_affine zero_point 300 is above upper bound\.$/],
    [() => torch.quantizePerTensor(x, 0.1, -129, "qint8"), /zero_point -129 is below lower bound/],
    [() => torch.quantizePerTensor(x, 0.1, 3, "float32"), /^Error: ScalarType Float is not supported in new_qtensor\.$/],
    [() => torch.quantizePerChannel(x, s, z, 2, "qint8"), /^Error: Channel axis out of range in per channel affine quantization\. Got: 2Expected: \[0, 2\)$/],
    [() => torch.quantizePerChannel(x, torch.tensor([0.1]), z, 0, "qint8"), /number of elements in scales and zero_points must match/],
    [() => torch.quantizePerChannel(x, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 1, 2]), 0, "qint8"), /length of scales must equal to channel/],
    [() => torch.quantizePerChannel(x, s.reshape(1, 2), z, 0, "qint8"), /scale tensor must have dimension 1/],
    [() => torch.quantizePerChannel(x, s, torch.tensor([0, 200]), 0, "qint8"), /quantize_tensor_per_channel_affine zero_point 200 is above upper bound/],
    [() => torch.quantizePerChannel(x.double(), s, z, 0, "qint8"), /quantize_tensor_per_channel_affine expects a Float Tensor, got Double/],
    [() => x.intRepr(), /^Error: Could not run 'aten::int_repr' with arguments from the 'CPU' backend\.$/],
    [() => x.qScale(), /Could not run 'aten::q_scale' with arguments from the 'CPU' backend/],
    [() => torch.quantizePerTensor(x, 0.1, 3, "quint8").qPerChannelAxis(), /Expected quantizer->qscheme\(\) == kPerChannelAffine/],
    [() => torch.quantizePerChannel(x, s, z, 0, "qint8").qScale(), /Expected quantizer->qscheme\(\) == kPerTensorAffine to be true, but got false/],
  ];
  for (const [f, message] of cases) assert.throws(f, message);
  assert.equal(x.dequantize(), x, "a float tensor dequantizes to itself");
});

test("list forms and the options object", () => {
  const x = torch.tensor([0.05, 0.5, -1, 3]);
  const qs = torch.quantizePerTensor([x, x.mul(2)], torch.tensor([0.1, 0.2]), torch.tensor([1, 2]), "quint8");
  assert.deepEqual(qs.map((q) => [q.intRepr().tolist(), q.qScale(), q.qZeroPoint()]), [[[1, 6, 0, 31], 0.10000000149011612, 1], [[2, 7, 0, 32], 0.20000000298023224, 2]]);
  assert.deepEqual(torch.dequantize(qs).map((d) => d.tolist()), [[0, 0.5, -0.10000000149011612, 3], [0, 1, -0.4000000059604645, 6]]);
  const withOptions = torch.quantizePerTensor as unknown as (input: torch.Tensor, options: object) => torch.Tensor;
  assert.deepEqual(withOptions(x, { scale: 0.1, zeroPoint: 1, dtype: "quint8" }).intRepr().tolist(), [1, 6, 0, 31]);
});
