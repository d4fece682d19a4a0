// torch.ao.quantization's MinMaxObserver, MovingAverageMinMaxObserver and FakeQuantize against
// PyTorch 1.13 over a few steps (test/fixtures/quant-observers.py): buffers, calculate_qparams,
// outputs and gradients, the enable/disable flags, reprs and state_dict keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const { FakeQuantize, MinMaxObserver, MovingAverageMinMaxObserver, PerChannelMinMaxObserver, MovingAveragePerChannelMinMaxObserver } = torch.ao.quantization;
type Options = { dtype?: "quint8" | "qint8"; qscheme?: string; quant_min?: number; quant_max?: number; reduce_range?: boolean; averaging_constant?: number; ch_axis?: number };
interface Step<V = number> { min: V; max: V; scale: number[]; zeroPoint: number[]; zeroPointDtype: string; repr: string }
interface Fixture {
  inputs: number[][];
  observers: { cls: "MinMaxObserver" | "MovingAverageMinMaxObserver"; options: Options; steps: Step[] }[];
  fakeQuantize: { output: number[]; grad: number[]; scale: number[]; zeroPoint: number[]; repr: string }[];
  fakeQuantize4bit: { output: number[]; scale: number[]; zeroPoint: number[] }[];
  stateDictKeys: string[];
  perChannelObservers: { cls: "PerChannelMinMaxObserver" | "MovingAveragePerChannelMinMaxObserver"; options: Options; steps: Step<number[]>[] }[];
  fakeQuantizePerChannel: { output: number[]; grad: number[]; scale: number[]; zeroPoint: number[]; repr: string }[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/quant-observers.json", import.meta.url), "utf8")) as Fixture;
const inputs = fixture.inputs.map((v) => torch.tensor(v).reshape(3, 4));
const QSCHEMES: Record<string, torch.QScheme> = {
  per_tensor_affine: torch.perTensorAffine, per_tensor_symmetric: torch.perTensorSymmetric,
  per_channel_affine: torch.perChannelAffine, per_channel_symmetric: torch.perChannelSymmetric,
};

function optionsOf(o: Options): torch.ao.quantization.PerChannelObserverOptions & { averagingConstant?: number } {
  return {
    dtype: o.dtype, qscheme: o.qscheme === undefined ? undefined : QSCHEMES[o.qscheme], quantMin: o.quant_min, quantMax: o.quant_max,
    reduceRange: o.reduce_range, averagingConstant: o.averaging_constant, chAxis: o.ch_axis,
  };
}

test("observers: running min/max, calculate_qparams and repr as PyTorch's", () => {
  for (const c of fixture.observers) {
    const observer = c.cls === "MinMaxObserver" ? new MinMaxObserver(optionsOf(c.options)) : new MovingAverageMinMaxObserver(optionsOf(c.options));
    c.steps.forEach((s, i) => {
      const what = `${c.cls} ${JSON.stringify(c.options)} step ${i}`;
      assert.equal(observer.call(inputs[i]!), inputs[i], what);
      assert.equal(observer.minVal.item(), s.min, `${what}: min_val`);
      assert.equal(observer.maxVal.item(), s.max, `${what}: max_val`);
      const [scale, zeroPoint] = observer.calculateQparams();
      assert.deepEqual(scale.tolist(), s.scale, `${what}: scale`);
      assert.deepEqual(zeroPoint.tolist(), s.zeroPoint, `${what}: zero point`);
      assert.equal(String(zeroPoint.dtype), s.zeroPointDtype, `${what}: zero point dtype`);
      assert.equal(String(observer), s.repr, `${what}: repr`);
    });
  }
});

test("FakeQuantize: observes, fake-quantizes with the straight-through gradient, obeys its flags", () => {
  const fq = new FakeQuantize();
  assert.deepEqual([...fq.stateDict().keys()], fixture.stateDictKeys);
  fixture.fakeQuantize.forEach((s, i) => {
    if (i === 2) fq.disableObserver();
    if (i === 3) { fq.enableObserver(); fq.disableFakeQuant(); }
    const x = inputs[i]!.clone().requiresGrad_();
    const y = fq.call(x);
    y.sum().backward();
    assert.deepEqual(y.reshape(-1).tolist(), s.output, `step ${i}: output`);
    assert.deepEqual(x.grad!.reshape(-1).tolist(), s.grad, `step ${i}: gradient`);
    assert.deepEqual(fq.scale.tolist(), s.scale, `step ${i}: scale`);
    assert.deepEqual(fq.zeroPoint.tolist(), s.zeroPoint, `step ${i}: zero point`);
    assert.equal(String(fq), s.repr, `step ${i}: repr`);
  });
  const fq4 = new FakeQuantize({ quantMin: 0, quantMax: 15, dtype: "quint8", averagingConstant: 0.5 });
  fixture.fakeQuantize4bit.forEach((s, i) => {
    assert.deepEqual(fq4.call(inputs[i]!).reshape(-1).tolist(), s.output, `4-bit step ${i}`);
    assert.deepEqual([fq4.scale.tolist(), fq4.zeroPoint.tolist()], [s.scale, s.zeroPoint], `4-bit step ${i}: qparams`);
  });
  // The state round-trips through loadStateDict.
  const copy = new FakeQuantize({ quantMin: 0, quantMax: 15, dtype: "quint8", averagingConstant: 0.5 });
  copy.loadStateDict(fq4.stateDict());
  assert.equal(String(copy), String(fq4));
});

test("observer and FakeQuantize argument errors", () => {
  assert.throws(() => new MinMaxObserver({ qscheme: torch.perChannelAffine }), /MinMaxObserver's qscheme only support torch.per_tensor_symmetric and torch.per_tensor_affine/);
  assert.throws(() => new MinMaxObserver({ quantMin: 1, quantMax: 7 }), /Used-specified quantization range must include 0/);
  assert.throws(() => new MinMaxObserver({ dtype: "qint8", quantMin: -200, quantMax: 100 }), /should be positive and not exceed the maximum bit range \(=256\)/);
  assert.throws(() => new MinMaxObserver({ qscheme: torch.perTensorSymmetric, reduceRange: true }), /Cannot reduce range for symmetric quantization for quint8/);
  assert.throws(() => new FakeQuantize({ quantMin: 0, quantMax: 300 }), /quant_max out of bound/);
  assert.throws(() => new FakeQuantize({ quantMin: 5, quantMax: 1 }), /quant_min must be less than or equal to quant_max/);
  const unobserved = new MinMaxObserver();
  assert.deepEqual(unobserved.calculateQparams().map((t) => [t.tolist(), String(t.dtype)]), [[[1], "torch.float32"], [[0], "torch.int64"]]);
});

test("observers are modules: buffers(), train/eval and the ao namespace", () => {
  const fq = new FakeQuantize();
  assert.deepEqual([...fq.namedBuffers()].map(([n]) => n), fixture.stateDictKeys);
  assert.ok(fq.activationPostProcess instanceof MovingAverageMinMaxObserver);
  assert.ok(fq.activationPostProcess instanceof torch.nn.Module);
});

test("per-channel observers and FakeQuantize with one (default_per_channel_weight_fake_quant)", () => {
  for (const c of fixture.perChannelObservers) {
    const observer = c.cls === "PerChannelMinMaxObserver" ? new PerChannelMinMaxObserver(optionsOf(c.options)) : new MovingAveragePerChannelMinMaxObserver(optionsOf(c.options));
    c.steps.forEach((s, i) => {
      const what = `${c.cls} ${JSON.stringify(c.options)} step ${i}`;
      observer.call(inputs[i]!);
      assert.deepEqual([observer.minVal.tolist(), observer.maxVal.tolist()], [s.min, s.max], `${what}: min_val, max_val`);
      const [scale, zeroPoint] = observer.calculateQparams();
      assert.deepEqual([scale.tolist(), zeroPoint.tolist(), String(zeroPoint.dtype)], [s.scale, s.zeroPoint, s.zeroPointDtype], `${what}: qparams`);
      assert.equal(String(observer), s.repr, `${what}: repr`);
    });
  }
  const make = (): InstanceType<typeof FakeQuantize> => new FakeQuantize({
    observer: MovingAveragePerChannelMinMaxObserver, quantMin: -128, quantMax: 127, dtype: "qint8", qscheme: torch.perChannelSymmetric, chAxis: 1,
  });
  const fq = make();
  fixture.fakeQuantizePerChannel.forEach((s, i) => {
    const x = inputs[i]!.clone().requiresGrad_();
    const y = fq.call(x);
    y.sum().backward();
    assert.deepEqual([y.reshape(-1).tolist(), x.grad!.reshape(-1).tolist()], [s.output, s.grad], `step ${i}: output, gradient`);
    assert.deepEqual([fq.scale.tolist(), fq.zeroPoint.tolist()], [s.scale, s.zeroPoint], `step ${i}: qparams`);
    assert.equal(String(fq), s.repr, `step ${i}: repr`);
  });
  // A fresh module takes the per-channel buffers' shapes from the checkpoint, as PyTorch's loader does.
  const loaded = make();
  loaded.loadStateDict(fq.stateDict());
  assert.equal(String(loaded), String(fq));
  assert.deepEqual(loaded.call(inputs[0]!).tolist(), fq.call(inputs[0]!).tolist());
});
