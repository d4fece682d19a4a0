// The eager workflow functions and QAT modules: quantize (PTQ with getDefaultQconfig("x86")'s
// HistogramObserver) and quantizeQat against PyTorch 1.13 (test/fixtures/quant-qat-workflow.py),
// observer state dicts, propagateQconfig_, addQuantDequant, the mappings, and the QAT modules'
// fromFloat/toFloat and batch-norm freezing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const nn = torch.nn, tq = torch.ao.quantization, nnqat = torch.ao.nn.qat, nniqat = torch.ao.nn.intrinsic.qat, nni = torch.ao.nn.intrinsic;
interface Values { values: number[]; shape: number[] }
interface Result { output: number[]; scales: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-qat-workflow.json", import.meta.url), "utf8")) as {
  state: Record<string, Values>; calib: number[][]; testX: number[]; target: number[]; observerKeys: string[]; ptq: Result; qat: Result;
};
const calib = fx.calib.map((v) => torch.tensor(v).reshape(8, 6));
const testX = torch.tensor(fx.testX).reshape(3, 6);
type Qconfigured = torch.nn.Sequential & { qconfig?: InstanceType<typeof tq.QConfig> };

function make(): Qconfigured {
  const m = new nn.Sequential(new tq.QuantStub(), new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 2), new tq.DeQuantStub());
  m.loadStateDict(new Map(Object.entries(fx.state).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)])));
  return m;
}
function check(q: torch.nn.Sequential, expected: Result): void {
  const scale = (i: number): number => { const s = (q.at(i) as unknown as { scale: number | torch.Tensor }).scale as number | torch.Tensor; return typeof s === "number" ? s : Number(s.item()); };
  [0, 1, 3].forEach((i, j) => assert.ok(Math.abs(scale(i) - expected.scales[j]!) <= 1e-6 * expected.scales[j]!, `module ${i}: scale ${scale(i)} vs ${expected.scales[j]}`));
  // Within float32 rounding of the scale (the JS backend sums a histogram's norms in double).
  ((q.call(testX) as torch.Tensor).reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - expected.output[i]!) <= 1e-6 * Math.abs(expected.output[i]!), `output ${i}: ${v} vs ${expected.output[i]}`));
}

test("quantize (x86 PTQ, histogram observers) and quantizeQat as PyTorch 1.13; observer state dicts", () => {
  const m = make();
  m.qconfig = tq.getDefaultQconfig("x86");
  const q = tq.quantize(m, (model: Qconfigured, data: torch.Tensor[]) => { for (const x of data) model.call(x); }, [calib]);
  check(q, fx.ptq);
  assert.ok(m.at(1) instanceof nn.Linear && !("activation_post_process" in m.at(1)), "quantize copies the model");

  const prepared = make();
  prepared.qconfig = tq.getDefaultQconfig("x86");
  tq.prepare(prepared.eval(), { inplace: true });
  for (const x of calib) prepared.call(x);
  const saved = tq.getObserverStateDict(prepared);
  assert.deepEqual([...saved.keys()], fx.observerKeys);
  const fresh = make();
  fresh.qconfig = tq.getDefaultQconfig("x86");
  tq.prepare(fresh.eval(), { inplace: true });
  tq.loadObserverStateDict(fresh, saved);
  const observers = new Map<string, torch.nn.Module>();
  tq.getObserverDict(fresh, observers);
  assert.deepEqual([...observers.keys()], ["0.activation_post_process", "1.activation_post_process", "3.activation_post_process"]);
  assert.ok([...observers.values()].every(tq.isActivationPostProcess) && !tq.isActivationPostProcess(fresh.at(1)));
  const qparams = tq.getQparamDict(observers.get("1.activation_post_process") as InstanceType<typeof tq.HistogramObserver>);
  assert.equal(qparams.qscheme, torch.perTensorAffine);
  assert.ok(Math.abs(Number(qparams.scale!.item()) - fx.ptq.scales[1]!) <= 1e-6 * fx.ptq.scales[1]!);
  check(tq.convert(fresh), fx.ptq);
  saved.delete("1.activation_post_process.histogram");
  assert.throws(() => tq.loadObserverStateDict(fresh, saved), /Missing keys for observer 1.activation_post_process.histogram in state_dict/);

  const m3 = make();
  m3.qconfig = tq.getDefaultQatQconfig("x86");
  const target = torch.tensor(fx.target).reshape(8, 2);
  const qq = tq.quantizeQat(m3, (model: Qconfigured, data: torch.Tensor[]) => {
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
    for (const x of data) { opt.zeroGrad(); nn.functional.mseLoss(model.call(x) as torch.Tensor, target).backward(); opt.step(); }
  }, [calib]);
  check(qq, fx.qat);
  assert.equal(tq.quantTypeToStr(tq.QuantType.QAT), "qat");
  const evaluated: number[] = [];
  const counter = new nn.Identity();
  counter.registerForwardHook((_m, args) => { evaluated.push((args[0] as torch.Tensor).numel()); });
  tq.defaultEvalFn(counter, [[torch.zeros(2), 0], [torch.zeros(3), 1]]);
  assert.deepEqual(evaluated, [2, 3]);
});

test("propagateQconfig_, addQuantDequant, QuantWrapper, swapModule and the mappings", () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()));
  tq.propagateQconfig_(m, new Map<string | torch.ao.quantization.ModuleClass, InstanceType<typeof tq.QConfig> | null>([[nn.ReLU, tq.defaultQatQconfig], ["1", tq.defaultQconfig]]));
  const qc = (x: torch.nn.Module): unknown => (x as unknown as { qconfig: unknown }).qconfig;
  assert.deepEqual([qc(m), qc(m.at(0)), qc(m.at(1)), qc((m.at(1) as torch.nn.Sequential).at(0)), qc((m.at(1) as torch.nn.Sequential).at(1))],
    [null, null, tq.defaultQconfig, tq.defaultQconfig, tq.defaultQatQconfig]);
  const wrapped = tq.addQuantDequant(m);
  assert.equal(wrapped, m);
  assert.ok(m.at(0) instanceof nn.Linear);
  const inner = (m.at(1) as torch.nn.Sequential).at(0);
  assert.ok(inner instanceof tq.QuantWrapper && inner.module instanceof nn.Linear && qc(inner.quant) === tq.defaultQconfig);
  const x = torch.randn(3, 2);
  assert.deepEqual(inner.call(x).tolist(), inner.module.call(x).tolist());
  const statics = tq.getDefaultStaticQuantModuleMappings();
  assert.equal(statics.get(nniqat.ConvBnReLU2d), torch.ao.nn.intrinsic.quantized.ConvReLU2d);
  assert.equal(tq.getDefaultQatModuleMappings().get(nni.ConvBn2d), nniqat.ConvBn2d);
  assert.equal(tq.getDefaultDynamicQuantModuleMappings().get(nn.Linear), torch.ao.nn.quantized.dynamic.Linear);
  assert.ok(tq.getDefaultQconfigPropagationList().has(nn.Sequential));
  assert.throws(() => tq.getStaticQuantModuleClass(nn.ReLU), /does not have a corresponding quantized module class/);
  assert.equal(tq.getCombinedDict(statics, new Map([[nn.ReLU, nnqat.Linear]])).get(nn.ReLU), nnqat.Linear);
  const transpose = new nn.Sequential(new nn.ConvTranspose2d(2, 2, 2));
  assert.throws(() => tq.propagateQconfig_(transpose, new Map([["", tq.defaultPerChannelQconfig]])), /Per channel weight observer is not supported yet for ConvTranspose2d/);
  assert.ok(tq.qconfigEquals(new tq.QConfigDynamic(tq.defaultDynamicQuantObserver, tq.defaultWeightObserver), new tq.QConfig(tq.defaultDynamicQuantObserver, tq.defaultWeightObserver)));
  const lin = new nn.Linear(2, 2);
  assert.equal(tq.swapModule(lin, tq.getDefaultQatModuleMappings()), lin, "no qconfig: unchanged");
  (lin as unknown as { qconfig: unknown }).qconfig = tq.defaultQatQconfig;
  const qat = tq.swapModule(lin, tq.getDefaultQatModuleMappings());
  assert.ok(qat instanceof nnqat.Linear && qat.weight === lin.weight);
});

test("QAT modules: fake-quantized weights, fromFloat/toFloat, batch-norm folding and freezing", () => {
  const qconfig = tq.defaultQatQconfig;
  assert.throws(() => new nnqat.Linear(2, 3), /qconfig must be provided for QAT module/);
  const conv = new nnqat.Conv1d(2, 3, 2, { qconfig });
  const x = torch.randn(2, 2, 5);
  const fq = conv.weight_fake_quant as InstanceType<typeof tq.FakeQuantize>;
  const expected = nn.functional.conv1d(x, torch.fakeQuantizePerTensorAffine(conv.weight, fq.scale, fq.zero_point, -128, 127), conv.bias);
  const y = conv.call(x);
  assert.ok(Number(fq.scale.item()) !== 1, "the weight was observed");
  assert.deepEqual(y.tolist(), nn.functional.conv1d(x, torch.fakeQuantizePerTensorAffine(conv.weight, fq.scale, fq.zero_point, -128, 127), conv.bias).tolist());
  assert.equal(expected.shape.join(), "2,3,4");
  const float = conv.toFloat() as torch.nn.Conv1d;
  assert.ok(float.constructor === nn.Conv1d && float.weight !== conv.weight);
  assert.deepEqual(float.weight.tolist(), conv.weight.tolist());

  const fused = new nni.ConvBn1d(new nn.Conv1d(2, 3, 2), new nn.BatchNorm1d(3));
  (fused as unknown as { qconfig: unknown }).qconfig = qconfig;
  const convBn = nniqat.ConvBn1d.fromFloat(fused);
  assert.equal(convBn.weight, (fused.at(0) as torch.nn.Conv1d).weight);
  convBn.call(torch.randn(4, 2, 5));
  assert.equal(Number(convBn.bn.num_batches_tracked!.item()), 1, "training updates the batch norm");
  convBn.freezeBnStats();
  convBn.train();
  assert.equal(convBn.bn.training, false, "frozen statistics stay in eval mode");
  convBn.call(torch.randn(4, 2, 5));
  assert.equal(Number(convBn.bn.num_batches_tracked!.item()), 1);
  nniqat.updateBnStats(convBn);
  assert.ok(convBn.bn.training);
  // Without fake quantization, the eval forward equals the folded float convolution.
  convBn.eval();
  convBn.apply(tq.disableFakeQuant);
  const folded = convBn.toFloat() as torch.nn.Conv1d;
  const xin = torch.randn(2, 2, 5);
  const a = convBn.call(xin).reshape(-1).tolist() as number[], b = folded.call(xin).reshape(-1).tolist() as number[];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-5, `folded ${i}: ${v} vs ${b[i]}`));
  assert.throws(() => nniqat.ConvBn2d.fromFloat(fused), /only works for ConvBn2d/);
});
