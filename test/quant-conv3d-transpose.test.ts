// Quantized Conv3d and transposed convolutions against PyTorch 1.13 (test/fixtures/quant-conv3d-transpose.py):
// the ops' integers (onednn: bit for bit; qnnpack, recorded where onednn refuses output_padding:
// within one quantum), the modules' fromFloat and a prepare/convert of a small model, eager fusion of
// Linear+BatchNorm1d and ConvTranspose+BatchNorm, and a 3-d QAT flow (Conv3d+BN3d+ReLU, Linear+BN1d).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { type RecordedQTensor, countIntMismatches, qtensor, countQuantumSteps, type RecordedValues as Values } from "./support/quantized-fixture.js";

const nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized, nni = torch.ao.nn.intrinsic, nniqat = torch.ao.nn.intrinsic.qat;
const qops = torch.ops.quantized;
interface OpCase {
  args: { engine: string; d: 1 | 2 | 3; transposed: boolean; stride: number; padding: number; dilation: number; outputPadding: number; groups: number; bias: number[] | null; scale: number; zeroPoint: number };
  x: RecordedQTensor; w: RecordedQTensor; out: RecordedQTensor;
}
interface ModuleCase {
  engine: string; type: string; float: Record<string, Values>; x: RecordedQTensor; weight: RecordedQTensor; bias: number[] | null;
  scale: number; zeroPoint: number; out: RecordedQTensor; keys: string[];
}
interface Converted { weight: RecordedQTensor; bias?: number[]; scale: number; zeroPoint: number }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-conv3d-transpose.json", import.meta.url), "utf8")) as {
  ops: OpCase[]; errors: Record<string, string>; modules: ModuleCase[];
  ptq: { float: Record<string, Values>; calib: Values[]; testX: Values; types: Record<string, string>; keys: string[]; output: number[]; modules: Record<string, Converted> };
  fusion: { float: Record<string, Values>; types: string[]; fused: Record<string, Values> };
  qat: {
    float: Record<string, Values>; batches: { x: number[]; y: number[] }[]; testX: number[]; preparedTypes: Record<string, string>; preparedKeys: string[];
    steps: { loss: number; output: number[] }[]; evalOutput: number[]; convertedTypes: Record<string, string>; convertedKeys: string[];
    converted: Record<string, Converted>; output: number[];
  };
};

const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const stateOf = (s: Record<string, Values>): Map<string, torch.Tensor> => new Map(Object.entries(s).map(([k, v]) => [k, t(v)]));
const setQconfig = (m: torch.nn.Module, q: unknown): void => { (m as unknown as { qconfig: unknown }).qconfig = q; };
const run = (m: torch.nn.Module, x: torch.Tensor): torch.Tensor => (m as torch.nn.Identity).call(x);

/** The quantized weight has PyTorch's integers and scales (per tensor or per channel). */
function assertWeight(w: torch.Tensor, e: RecordedQTensor, what: string): void {
  assert.deepEqual(w.shape, e.shape, `${what}: shape`);
  assert.deepEqual(w.intRepr().reshape(-1).tolist(), e.ints, `${what}: integers`);
  if (e.scales) assert.deepEqual(w.qPerChannelScales().tolist(), e.scales, `${what}: scales`);
  else assert.equal(w.qScale(), e.scale, `${what}: scale`);
}

function pack(c: OpCase, w: torch.Tensor) {
  const a = c.args, bias = a.bias ? torch.tensor(a.bias) : null;
  if (a.transposed) {
    const prepack = [qops.convTranspose1dPrepack, qops.convTranspose2dPrepack, qops.convTranspose3dPrepack][a.d - 1]!;
    return prepack(w, bias, a.stride, a.padding, a.outputPadding, a.dilation, a.groups);
  }
  return qops.conv3dPrepack(w, bias, a.stride, a.padding, a.dilation, a.groups);
}
function runOp(c: OpCase, x: torch.Tensor, w: torch.Tensor): torch.Tensor {
  const a = c.args;
  if (a.transposed) return [qops.convTranspose1d, qops.convTranspose2d, qops.convTranspose3d][a.d - 1]!(x, pack(c, w), a.scale, a.zeroPoint);
  return qops.conv3d(x, pack(c, w), a.scale, a.zeroPoint);
}

test("conv3d and conv_transpose{1,2,3}d: PyTorch 1.13's integers (onednn exact, qnnpack within one)", () => {
  let qnnpackOff = 0, qnnpackTotal = 0;
  assert.ok(fx.ops.some((c) => c.args.engine === "qnnpack" && c.args.outputPadding > 0));
  for (const [i, c] of fx.ops.entries()) {
    const what = `case ${i} ${JSON.stringify({ ...c.args, bias: !!c.args.bias })}`;
    const out = runOp(c, qtensor(c.x), qtensor(c.w));
    if (c.args.engine === "onednn") {
      assert.equal(countIntMismatches(out, c.out, what, 0), 0);
    } else {
      qnnpackOff += countIntMismatches(out, c.out, what, 1);
      qnnpackTotal += c.out.ints.length;
    }
  }
  // qnnpack's requantization (its own float multiplier) rounds a few of PyTorch's results the other way.
  console.log(`  qnnpack cases: ${qnnpackOff} of ${qnnpackTotal} integers one quantum off`);
  assert.ok(qnnpackOff <= qnnpackTotal / 50);
});

test("conv3d_relu: conv3d clamped at the output zero point; unpack; argument errors", () => {
  for (const c of fx.ops.filter((k) => !k.args.transposed)) {
    const x = qtensor(c.x), packed = pack(c, qtensor(c.w));
    const plain = qops.conv3d(x, packed, c.args.scale, c.args.zeroPoint).intRepr().reshape(-1).tolist() as number[];
    const fused = qops.conv3dRelu(x, packed, c.args.scale, c.args.zeroPoint).intRepr().reshape(-1).tolist() as number[];
    assert.deepEqual(fused, plain.map((q) => Math.max(q, c.args.zeroPoint)));
    const [w, b] = qops.conv3dUnpack(packed);
    assert.deepEqual(w.intRepr().reshape(-1).tolist(), c.w.ints);
    assert.deepEqual(b === null ? null : (b.tolist() as number[]).map(Math.fround), c.args.bias ? c.args.bias.map(Math.fround) : null);
  }
  const wpc = torch.quantizePerChannel(torch.randn(4, 3, 3), torch.full([4], 0.01, { dtype: "float64" }), torch.zeros(4, { dtype: "int64" }), 0, "qint8");
  assert.throws(() => qops.convTranspose1dPrepack(wpc, null, [1], [0], [0], [1], 1), new RegExp(fx.errors.perChannelTransposed!));
  const w = torch.quantizePerTensor(torch.randn(4, 3, 3), 0.01, 0, "qint8");
  assert.throws(() => qops.convTranspose2dPrepack(w, null), /must be 4-dimensional/);
  assert.throws(() => qops.convTranspose1dPrepack(w, null, 1, 0, 1), /output padding must be smaller than either stride or dilation/);
  const packed = qops.convTranspose1dPrepack(w, null, 2);
  const x = torch.quantizePerTensor(torch.rand(1, 4, 5), 0.02, 3, "quint8");
  assert.deepEqual(qops.convTranspose1d(x, packed, 0.1, 0).shape, [1, 3, 11]);
  assert.throws(() => qops.convTranspose2d(x, packed, 0.1, 0), /expected the packed weight of conv_transpose2d_prepack/);
  assert.throws(() => qops.conv3d(x, qops.conv3dPrepack(torch.quantizePerTensor(torch.randn(2, 4, 1, 1, 1), 0.1, 0, "qint8"), null), 0.1, 0), /expected a 5-D input/);
  assert.throws(() => qops.conv3d(torch.rand(1, 4, 2, 2, 2), qops.conv3dPrepack(torch.quantizePerTensor(torch.randn(2, 4, 1, 1, 1), 0.1, 0, "qint8"), null), 0.1, 0), /Could not run 'quantized::conv3d'/);
});

/** The float modules of the fixture's fromFloat cases, in its order. */
const MAKE: (() => torch.nn.Module)[] = [
  () => new nn.Conv3d(3, 4, [2, 3, 3], { stride: [1, 2, 1], padding: 1, groups: 1 }),
  () => new nn.Conv3d(4, 4, 3, { padding: 2, dilation: 2, groups: 2, bias: false }),
  () => new nn.ConvTranspose1d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }),
  () => new nn.ConvTranspose2d(3, 4, [2, 3], { stride: [2, 1], padding: [0, 1], dilation: [1, 2] }),
  () => new nn.ConvTranspose3d(4, 2, 2, { stride: 2, groups: 2, bias: false }),
  () => new nn.ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }),
];

test("Conv3d / ConvTranspose{1,2,3}d.fromFloat: PyTorch's weights, parameters, outputs and state_dict keys", () => {
  assert.equal(fx.modules.length, MAKE.length);
  fx.modules.forEach((c, i) => {
    const m = MAKE[i]!();
    assert.equal(m.constructor.name, c.type);
    m.loadStateDict(stateOf(c.float));
    setQconfig(m, i === 0 ? tq.getDefaultQconfig("onednn") : tq.defaultQconfig);
    const x = qtensor(c.x);
    const observer = new tq.MinMaxObserver();
    observer.call(run(m, x.dequantize()));
    (m as unknown as { activation_post_process: torch.nn.Module }).activation_post_process = observer;
    const Q = (nnq as unknown as Record<string, { fromFloat(mod: torch.nn.Module): torch.nn.Module & { weight(): torch.Tensor; bias(): torch.Tensor | null; scale: number; zeroPoint: number } }>)[c.type]!;
    const q = Q.fromFloat(m);
    const what = `${i} ${c.type}`;
    assertWeight(q.weight(), c.weight, `${what} weight`);
    assert.deepEqual(q.bias() === null ? null : q.bias()!.tolist(), c.bias ? c.bias.map(Math.fround) : null);
    // The output observer saw the float convolution's output, whose extremes may differ from
    // PyTorch's in the last bit (another summation order): the scale may too.
    assert.ok(Math.abs(q.scale - c.scale) <= 1e-6 * c.scale, `${what}: scale ${q.scale} vs ${c.scale}`);
    assert.equal(q.zeroPoint, c.zeroPoint);
    assert.deepEqual([...q.stateDict().keys()], c.keys);
    q.scale = c.scale;
    const off = countIntMismatches(run(q, x), c.out, what, c.engine === "onednn" ? 0 : 1);
    assert.ok(c.engine === "onednn" ? off === 0 : off <= c.out.ints.length / 50, `${what}: ${off} outputs one quantum off`);
  });
  // The default (per-channel) weight observer cannot quantize a transposed convolution, as in PyTorch.
  const convT = new nn.ConvTranspose2d(2, 2, 2);
  setQconfig(convT, tq.getDefaultQconfig("onednn"));
  assert.throws(() => nnq.ConvTranspose2d.fromFloat(convT), /Per Channel Quantization is currently disabled for transposed conv/);
  assert.throws(() => nnq.ConvTranspose3d.fromFloat(convT), /only works for ConvTranspose3d/);
});

test("quantized ConvTranspose2d / Conv3d modules: state_dict round trip, repr and input checks", () => {
  const m = new nnq.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
  assert.deepEqual(m.weight().shape, [4, 3, 3, 3]);
  m.setWeightBias(torch.quantizePerTensor(torch.randn(4, 3, 3, 3), 0.01, 0, "qint8"), torch.randn(6));
  m.scale = 0.1; m.zeroPoint = 5;
  const other = new nnq.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
  other.loadStateDict(m.stateDict());
  const x = torch.quantizePerTensor(torch.rand(1, 4, 3, 3), 0.02, 0, "quint8");
  assert.deepEqual(other.call(x).intRepr().tolist(), m.call(x).intRepr().tolist());
  assert.deepEqual(m.call(x).shape, [1, 6, 6, 6]);
  assert.equal(m.toString(), "QuantizedConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), scale=0.1, zero_point=5, padding=(1, 1), output_padding=(1, 1), groups=2)");
  assert.throws(() => m.call(torch.quantizePerTensor(torch.rand(4, 3, 3), 0.02, 0, "quint8")), /Input shape must be `\(N, C, H, W\)`!/);
  assert.throws(() => new nnq.Conv3d(3, 4, 2).call(x), /Input shape must be `\(N, C, D, H, W\)`!/);
});

class Net extends nn.Module {
  quant: torch.nn.Module = new tq.QuantStub();
  conv: torch.nn.Module = new nn.Conv3d(2, 4, 3, { padding: 1 });
  relu: torch.nn.Module = new nn.ReLU();
  up: torch.nn.Module = new nn.ConvTranspose3d(4, 3, 2, { stride: 2 });
  conv2: torch.nn.Module = new nn.Conv3d(3, 2, 3, { stride: 2 });
  dequant: torch.nn.Module = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    return run(this.dequant, run(this.conv2, run(this.up, run(this.relu, run(this.conv, run(this.quant, x))))));
  }
}

test("prepare / convert of Conv3d+ReLU and ConvTranspose3d: PyTorch's modules, weights and outputs", () => {
  const net = new Net();
  net.loadStateDict(stateOf(fx.ptq.float));
  net.eval();
  const fused = tq.fuseModules(net, [["conv", "relu"]]);
  setQconfig(fused, tq.getDefaultQconfig("onednn"));
  setQconfig((fused as unknown as { up: torch.nn.Module }).up, tq.defaultQconfig);
  const prepared = tq.prepare(fused);
  for (const c of fx.ptq.calib) prepared.call(t(c));
  const q = tq.convert(prepared);
  assert.deepEqual(Object.fromEntries(q._ownModules().map(([n, m]) => [n, m!.constructor.name])), fx.ptq.types);
  assert.deepEqual([...q.stateDict().keys()], fx.ptq.keys);
  for (const [name, e] of Object.entries(fx.ptq.modules)) {
    const m = (q as unknown as Record<string, { weight(): torch.Tensor; scale: number; zeroPoint: number }>)[name]!;
    assertWeight(m.weight(), e.weight, `${name} weight`);
    // The observers saw float convolutions (summed in another order): scales may differ in the last bit.
    assert.ok(Math.abs(m.scale - e.scale) <= 1e-6 * e.scale, `${name} scale ${m.scale} vs ${e.scale}`);
    assert.equal(m.zeroPoint, e.zeroPoint, `${name} zero point`);
    m.scale = e.scale;
  }
  assert.deepEqual(q.call(t(fx.ptq.testX)).reshape(-1).tolist(), fx.ptq.output.map(Math.fround));
});

test("fuseModules: Linear+BatchNorm1d and ConvTranspose2d+BatchNorm2d folded as PyTorch; fuseLinearBn / fuseConvtransposeBn", () => {
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ConvTranspose2d(2, 3, 2), new nn.BatchNorm2d(3));
  seq.loadStateDict(stateOf(fx.fusion.float));
  seq.eval();
  const fused = tq.fuseModules(seq, [["0", "1"], ["2", "3"]]);
  assert.deepEqual([...fused.children()].map((m) => m.constructor.name), fx.fusion.types);
  const sd = fused.stateDict();
  assert.deepEqual([...sd.keys()], Object.keys(fx.fusion.fused));
  for (const [k, e] of Object.entries(fx.fusion.fused)) {
    (sd.get(k)!.reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - e.values[i]!) <= 1e-6 * Math.max(1, Math.abs(e.values[i]!)), `${k}[${i}]: ${v} vs ${e.values[i]}`));
  }
  const linear = new nn.Linear(3, 4), bn = new nn.BatchNorm1d(4);
  const qatFused = tq.fuseLinearBn(true, linear, bn);
  assert.ok(qatFused instanceof nni.LinearBn1d);
  assert.throws(() => tq.fuseLinearBn(true, linear, new nn.BatchNorm1d(5)), /Output features of Linear must match num_features of BatchNorm1d/);
  assert.throws(() => tq.fuseLinearBn(true, linear, bn.eval()), /Linear and BN both must be in the same mode/);
  assert.throws(() => tq.fuseConvtransposeBn(true, new nn.ConvTranspose2d(2, 3, 2), new nn.BatchNorm2d(3)), /Fusing ConvTranspose\+BatchNorm not yet supported in QAT/);
  assert.throws(() => tq.fuseModulesQat(seq.train(), [["2", "3"]]), /not yet supported in QAT/);
  const c3 = tq.fuseModulesQat(new nn.Sequential(new nn.Conv3d(1, 2, 1), new nn.BatchNorm3d(2), new nn.ReLU()), [["0", "1", "2"]]);
  assert.ok(c3.at(0) instanceof nni.ConvBnReLU3d);
});

class QatNet extends nn.Module {
  quant: torch.nn.Module = new tq.QuantStub();
  conv: torch.nn.Module = new nn.Conv3d(2, 3, 3, { padding: 1 });
  bn: torch.nn.Module = new nn.BatchNorm3d(3);
  relu: torch.nn.Module = new nn.ReLU();
  conv2: torch.nn.Module = new nn.Conv3d(3, 2, 2, { stride: 2 });
  fc: torch.nn.Module = new nn.Linear(16, 5);
  fc_bn: torch.nn.Module = new nn.BatchNorm1d(5);
  dequant: torch.nn.Module = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    const h = run(this.conv2, run(this.relu, run(this.bn, run(this.conv, run(this.quant, x)))));
    return run(this.dequant, run(this.fc_bn, run(this.fc, torch.flatten(h, 1))));
  }
}

test("3-d QAT flow (Conv3d+BN3d+ReLU, Linear+BN1d: fuseModulesQat, prepareQat, SGD, convert) as PyTorch 1.13", () => {
  const e = fx.qat;
  const model = new QatNet();
  model.loadStateDict(stateOf(e.float), { strict: false });
  model.train();
  tq.fuseModulesQat(model, [["conv", "bn", "relu"], ["fc", "fc_bn"]], { inplace: true });
  setQconfig(model, tq.getDefaultQatQconfig("x86"));
  tq.prepareQat(model, { inplace: true });
  assert.deepEqual(Object.fromEntries(model._ownModules().map(([n, m]) => [n, m!.constructor.name])), e.preparedTypes);
  assert.ok((model as unknown as { conv: unknown }).conv instanceof nniqat.ConvBnReLU3d);
  assert.ok((model as unknown as { fc: unknown }).fc instanceof nniqat.LinearBn1d);
  assert.deepEqual([...model.stateDict().keys()], e.preparedKeys);

  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  const outQuantum = (): number => Number((model as unknown as { fc: { activation_post_process: { scale: torch.Tensor } } }).fc.activation_post_process.scale.item());
  let off = 0;
  e.batches.forEach((b, i) => {
    opt.zeroGrad();
    const out = model.call(torch.tensor(b.x).reshape(4, 2, 4, 4, 4));
    const loss = nn.functional.mseLoss(out, torch.tensor(b.y).reshape(4, 5));
    loss.backward();
    opt.step();
    off += countQuantumSteps(out.detach().reshape(-1).tolist() as number[], e.steps[i]!.output, outQuantum());
    assert.ok(Math.abs(Number(loss.item()) - e.steps[i]!.loss) <= 1e-5 * e.steps[i]!.loss, `step ${i}: loss ${Number(loss.item())} vs ${e.steps[i]!.loss}`);
  });
  model.eval();
  const testX = torch.tensor(e.testX).reshape(2, 2, 4, 4, 4);
  off += countQuantumSteps(model.call(testX).detach().reshape(-1).tolist() as number[], e.evalOutput, outQuantum());

  const q = tq.convert(model);
  assert.deepEqual(Object.fromEntries(q._ownModules().map(([n, m]) => [n, m!.constructor.name])), e.convertedTypes);
  assert.ok((q as unknown as { conv: unknown }).conv instanceof nni.quantized.ConvReLU3d);
  assert.deepEqual([...q.stateDict().keys()], e.convertedKeys);
  let weightOff = 0;
  for (const [name, c] of Object.entries(e.converted)) {
    const m = (q as unknown as Record<string, { weight(): torch.Tensor; bias(): torch.Tensor; scale: number; zeroPoint: number }>)[name]!;
    const ints = m.weight().intRepr().reshape(-1).tolist() as number[];
    ints.forEach((v, i) => { assert.ok(Math.abs(v - c.weight.ints[i]!) <= 1, `${name}: weight int ${i}: ${v} vs ${c.weight.ints[i]} ${JSON.stringify(m.weight().qPerChannelScales().tolist())} ${JSON.stringify(c.weight.scales)}`); if (v !== c.weight.ints[i]) weightOff++; });
    (m.weight().qPerChannelScales().tolist() as number[]).forEach((s, i) => assert.ok(Math.abs(s - c.weight.scales![i]!) <= 1e-6 * c.weight.scales![i]!, `${name}: weight scale ${i}`));
    (m.bias().tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - c.bias![i]!) <= 1e-5 * Math.max(1, Math.abs(c.bias![i]!)), `${name}: bias ${i}`));
    assert.ok(Math.abs(m.scale - c.scale) <= 1e-6 * c.scale, `${name}: scale ${m.scale} vs ${c.scale}`);
    assert.ok(Math.abs(m.zeroPoint - c.zeroPoint) <= 1, `${name}: zero point`);
  }
  off += countQuantumSteps(q.call(testX).reshape(-1).tolist() as number[], e.output, e.converted.fc!.scale);
  assert.ok(off <= 2, `${off} outputs differ by a quantum`);
  assert.ok(weightOff <= 2, `${weightOff} weight integers differ by one`);
});

test("QAT 3-d modules: fromFloat shares parameters, toFloat folds the batch norm, bn statistics freeze", () => {
  const qconfig = tq.getDefaultQatQconfig("x86");
  const conv = new nn.Conv3d(2, 3, 2);
  setQconfig(conv, qconfig);
  const qatConv = torch.ao.nn.qat.Conv3d.fromFloat(conv);
  assert.ok(qatConv instanceof torch.ao.nn.qat.Conv3d && qatConv.weight === conv.weight);
  assert.ok(qatConv.toFloat().constructor === nn.Conv3d);
  assert.throws(() => torch.ao.nn.qat.Conv2d.fromFloat(conv), /only works for Conv2d/);
  const fusedRelu = new nni.ConvReLU3d(new nn.Conv3d(2, 3, 2), new nn.ReLU());
  setQconfig(fusedRelu, qconfig);
  const qatRelu = nniqat.ConvReLU3d.fromFloat(fusedRelu);
  assert.ok(qatRelu instanceof nniqat.ConvReLU3d);
  assert.ok((qatRelu.call(torch.randn(1, 2, 3, 3, 3)).min().item() as number) >= 0);
  assert.ok(qatRelu.toFloat() instanceof nni.ConvReLU3d);

  const fused = new nni.ConvBn3d(new nn.Conv3d(2, 3, 2), new nn.BatchNorm3d(3));
  setQconfig(fused, qconfig);
  const convBn = nniqat.ConvBn3d.fromFloat(fused);
  convBn.call(torch.randn(2, 2, 3, 3, 3));
  assert.equal(Number(convBn.bn.num_batches_tracked!.item()), 1);
  convBn.apply(nniqat.freezeBnStats);
  convBn.train();
  assert.equal(convBn.bn.training, false);
  convBn.eval();
  convBn.apply(tq.disableFakeQuant);
  const x = torch.randn(1, 2, 3, 3, 3);
  const folded = convBn.toFloat() as torch.nn.Conv3d;
  const a = convBn.call(x).reshape(-1).tolist() as number[], b = folded.call(x).reshape(-1).tolist() as number[];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-5, `folded ${i}: ${v} vs ${b[i]}`));

  const lb = new nni.LinearBn1d(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  setQconfig(lb, qconfig);
  const qatLb = nniqat.LinearBn1d.fromFloat(lb);
  qatLb.call(torch.randn(5, 3));
  assert.equal(Number(qatLb.bn.num_batches_tracked!.item()), 1);
  qatLb.eval();
  qatLb.apply(tq.disableFakeQuant);
  const xl = torch.randn(2, 3);
  const fl = qatLb.toFloat() as torch.nn.Linear;
  const la = qatLb.call(xl).reshape(-1).tolist() as number[], lbv = fl.call(xl).reshape(-1).tolist() as number[];
  la.forEach((v, i) => assert.ok(Math.abs(v - lbv[i]!) <= 1e-5, `linear folded ${i}: ${v} vs ${lbv[i]}`));
  assert.throws(() => nniqat.LinearBn1d.fromFloat(fused), /only works for LinearBn1d/);
  const noBias = new nniqat.LinearBn1d(3, 4, false, { qconfig, eps: 1e-3 });
  assert.equal(noBias.bias, null);
  assert.equal(noBias.bn.eps, 1e-3);
  assert.deepEqual([...noBias.stateDict().keys()].slice(0, 3), ["weight", "bn.weight", "bn.bias"]);
  assert.throws(() => new nniqat.LinearBn1d(3, 4), /qconfig must be provided for QAT module/);
});
