// The fused and fixed fake-quantize modules and the default observers/qconfigs against PyTorch 1.13
// (test/fixtures/quant-observers-fake.py): getDefaultQatQconfig("x86")'s FusedMovingAvgObsFakeQuantize
// (ChooseQuantizationParams' scale while training, the observer's formula in calculateQparams), its
// per-channel weight fake quant on a conv weight, FixedQParamsFakeQuantize and the float-qparams
// embedding fake quant; then the simple observers, qconfigEquals and the enable/disable helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const tq = torch.ao.quantization;
interface Step { output: number[]; grad?: number[]; scale: number[]; zeroPoint: number[]; min: number | number[]; max: number | number[]; qparams: [number[], number[]] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-observers-fake.json", import.meta.url), "utf8")) as {
  acts: number[][]; weights: number[][]; activation: Step[]; weight: Step[]; activationKeys: string[];
  fixed: { output: number[]; keys: string[] }; embedding: { output: number[]; scale: number[]; zeroPoint: number[] };
};
const values = (t: torch.Tensor): number[] => t.detach().reshape(-1).tolist() as number[];

test("getDefaultQatQconfig('x86') activation: FusedMovingAvgObsFakeQuantize as PyTorch's", () => {
  const fq = tq.getDefaultQatQconfig("x86").activation() as InstanceType<typeof tq.FusedMovingAvgObsFakeQuantize>;
  assert.ok(fq instanceof tq.FusedMovingAvgObsFakeQuantize);
  assert.deepEqual([fq.quantMin, fq.quantMax, fq.fake_quant_enabled.dtype.name], [0, 127, "int64"]);
  fx.activation.forEach((s, i) => {
    if (i === 2) fq.disableObserver();
    if (i === 3) { fq.enableObserver(); fq.disableFakeQuant(); }
    const x = torch.tensor(fx.acts[i]!).reshape(3, 5).requiresGrad_();
    const y = fq.call(x);
    y.sum().backward();
    assert.deepEqual(values(y), s.output, `step ${i}: output`);
    assert.deepEqual(values(x.grad!), s.grad, `step ${i}: grad`);
    assert.deepEqual([fq.scale.tolist(), fq.zero_point.tolist()], [s.scale, s.zeroPoint], `step ${i}: buffers`);
    const o = fq.activation_post_process as InstanceType<typeof tq.MovingAverageMinMaxObserver>;
    assert.deepEqual([Number(o.minVal.item()), Number(o.maxVal.item())], [s.min, s.max], `step ${i}: running min/max`);
    const [scale, zeroPoint] = fq.calculateQparams();
    assert.deepEqual([scale.tolist(), zeroPoint.tolist()], s.qparams, `step ${i}: calculateQparams`);
  });
  assert.deepEqual([...fq.stateDict().keys()], fx.activationKeys);
});

test("getDefaultQatQconfig('x86') weight: per-channel fused fake quant of a 4-D weight", () => {
  const fq = tq.getDefaultQatQconfig("x86").weight() as InstanceType<typeof tq.FusedMovingAvgObsFakeQuantize>;
  fx.weight.forEach((s, i) => {
    const y = fq.call(torch.tensor(fx.weights[i]!).reshape(4, 3, 2, 2));
    assert.deepEqual(values(y), s.output, `step ${i}: output`);
    assert.deepEqual([fq.scale.tolist(), fq.zero_point.tolist()], [s.scale, s.zeroPoint], `step ${i}: buffers`);
    const o = fq.activation_post_process as InstanceType<typeof tq.MovingAveragePerChannelMinMaxObserver>;
    assert.deepEqual([o.minVal.tolist(), o.maxVal.tolist()], [s.min, s.max], `step ${i}: running min/max`);
    const [scale, zeroPoint] = fq.calculateQparams();
    assert.deepEqual([scale.tolist(), zeroPoint.tolist()], s.qparams, `step ${i}: calculateQparams`);
  });
});

test("FixedQParamsFakeQuantize and the float-qparams embedding fake quant", () => {
  const x = torch.tensor(fx.acts[1]!).reshape(3, 5);
  const fixed = tq.defaultFixedQparamsRangeNeg1to1FakeQuant() as InstanceType<typeof tq.FixedQParamsFakeQuantize>;
  assert.deepEqual(values(fixed.call(x)), fx.fixed.output);
  assert.deepEqual([...fixed.stateDict().keys()], fx.fixed.keys);
  assert.equal(fixed.scale, (fixed.activation_post_process as InstanceType<typeof tq.FixedQParamsObserver>).scale);
  const emb = tq.defaultEmbeddingFakeQuant() as InstanceType<typeof tq.FakeQuantize>;
  const y = emb.call(x);
  assert.deepEqual([emb.scale.tolist(), emb.zero_point.tolist(), emb.zero_point.dtype.name], [fx.embedding.scale, fx.embedding.zeroPoint, "float32"]);
  values(y).forEach((v, i) => assert.ok(Math.abs(v - fx.embedding.output[i]!) <= 1e-6, `embedding output[${i}]`));
});

test("simple observers, factories and qconfigEquals", () => {
  const x = torch.tensor([1, 2, 3]);
  const rec = tq.defaultDebugObserver() as InstanceType<typeof tq.RecordingObserver>;
  rec.call(x);
  assert.deepEqual(rec.getTensorValue().map((t) => t.tolist()), [[1, 2, 3]]);
  assert.notEqual(rec.getTensorValue()[0], x);
  for (const o of [new tq.PlaceholderObserver(), new tq.NoopObserver(), new tq.ReuseInputObserver(), rec]) {
    assert.equal(o.call(x), x);
    assert.throws(() => o.calculateQparams(), /calculate_qparams should not be called for/);
  }
  assert.equal(new tq.NoopObserver().dtype, torch.float16);
  assert.equal((tq.defaultDynamicQuantObserver() as InstanceType<typeof tq.PlaceholderObserver>).computeDtype, torch.quint8);
  const fixed = new tq.FixedQParamsObserver(0.5, 3);
  assert.deepEqual(fixed.calculateQparams().map((t) => t.tolist()), [[0.5], [3]]);
  assert.ok(tq.qconfigEquals(tq.getDefaultQconfig("x86"), tq.getDefaultQconfig("fbgemm")));
  assert.ok(!tq.qconfigEquals(tq.getDefaultQconfig("x86"), tq.getDefaultQconfig("qnnpack")));
  assert.ok(tq.qconfigEquals(tq.getDefaultQatQconfig("qnnpack"), new tq.QConfig(
    tq.FusedMovingAvgObsFakeQuantize.withArgs({ observer: tq.MovingAverageMinMaxObserver, quantMin: 0, quantMax: 255, reduceRange: false }), tq.defaultFusedWtFakeQuant)));
  assert.ok(tq.qconfigEquals(tq.getDefaultQconfig("unknown"), tq.defaultQconfig));
  assert.ok(tq.activationIsMemoryless(tq.defaultDynamicQatQconfig) && !tq.activationIsMemoryless(tq.defaultQatQconfig));
  assert.ok(tq.isReuseInputQconfig(tq.defaultReuseInputQconfig));
  assert.throws(() => new tq.QConfig(tq.defaultObserver() as never, tq.defaultWeightObserver), /QConfig received observer instance/);
  assert.throws(() => tq.getDefaultQatQconfig("x86", 2), /Version number: 2/);
  const h = tq.getDefaultQconfig("x86").activation() as InstanceType<typeof tq.HistogramObserver>;
  assert.deepEqual([h.constructor.name, h.quantMin, h.quantMax], ["HistogramObserver", 0, 127]);
  // The module-level switches (for model.apply) touch fake-quantize modules only.
  const model = new torch.nn.Sequential(new tq.FakeQuantize(), new torch.nn.ReLU());
  model.apply(tq.disableFakeQuant);
  model.apply(tq.disableObserver);
  const fq = model.at(0) as InstanceType<typeof tq.FakeQuantize>;
  assert.deepEqual([fq.fake_quant_enabled.tolist(), fq.observer_enabled.tolist()], [[0], [0]]);
  model.apply(tq.enableFakeQuant);
  model.apply(tq.enableObserver);
  assert.deepEqual([fq.fake_quant_enabled.tolist(), fq.observer_enabled.tolist()], [[1], [1]]);
});

test("QConfigMapping and the default qconfig mappings", () => {
  const m = tq.getDefaultQconfigMapping("x86");
  assert.ok(tq.qconfigEquals(m.globalQconfig, tq.getDefaultQconfig("x86")));
  const sigmoid = m.objectTypeQconfigs.get(torch.nn.Sigmoid)!;
  assert.equal(sigmoid.activation, tq.defaultFixedQparamsRange0to1Observer);
  assert.equal(m.objectTypeQconfigs.get("sigmoid"), sigmoid, "one qconfig per fixed-qparams observer");
  assert.equal(m.objectTypeQconfigs.get(torch.nn.ConvTranspose2d)!.weight, tq.defaultWeightObserver);
  assert.equal(m.objectTypeQconfigs.get("reshape"), tq.defaultReuseInputQconfig);
  const qat = tq.getDefaultQatQconfigMapping("qnnpack");
  assert.equal(qat.objectTypeQconfigs.get(torch.nn.Tanh)!.activation.cls, tq.FixedQParamsFakeQuantize);
  assert.ok(tq.qconfigEquals(qat.objectTypeQconfigs.get(torch.nn.ConvTranspose1d), tq.getDefaultQatQconfig("qnnpack")));
  const custom = new tq.QConfigMapping().setGlobal(tq.defaultQconfig).setModuleName("1", null).setModuleNameObjectTypeOrder("0", torch.nn.Linear, 0, tq.defaultQconfig);
  assert.deepEqual(tq.QConfigMapping.fromDict(custom.toDict()).toDict(), custom.toDict());
  const model = new torch.nn.Sequential(new torch.nn.Linear(2, 2), new torch.nn.Linear(2, 2));
  tq.propagateQconfig_(model, custom);
  const qc = (x: torch.nn.Module): unknown => (x as unknown as { qconfig: unknown }).qconfig;
  assert.deepEqual([qc(model), qc(model.at(0)), qc(model.at(1))], [tq.defaultQconfig, tq.defaultQconfig, null]);
});
