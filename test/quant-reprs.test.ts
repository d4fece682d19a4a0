// Quantized modules print as PyTorch 1.13 does (test/fixtures/quant-reprs.py): _getName's names
// (QuantizedLinear, QuantizedConvReLU2d, DynamicQuantizedLSTM, ...) and their extra reprs, for
// modules built directly and for models through convert and quantizeDynamic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized, nnqd = nnq.dynamic, nniq = torch.ao.nn.intrinsic.quantized;
interface Values { values: number[]; shape: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-reprs.json", import.meta.url), "utf8")) as {
  modules: Record<string, string>; static: { state: Record<string, Values>; calib: Values; repr: string }; dynamic: string;
};
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
// 1.13 spells the quantized transposed convolutions "QuantizedConvTranpose{1,2,3}d"; PyTorch 2.x
// (and torch-ts) print "QuantizedConvTranspose{1,2,3}d".
const fixedSpelling = (r: string): string => r.replace(/QuantizedConvTranpose/g, "QuantizedConvTranspose");

const w3 = (): torch.Tensor => torch.ones(3), b3 = (): torch.Tensor => torch.zeros(3);
const built: Record<string, () => torch.nn.Module> = {
  Linear: () => new nnq.Linear(3, 2),
  LinearNoBias: () => new nnq.Linear(3, 2, false),
  Conv1d: () => new nnq.Conv1d(2, 4, 3),
  Conv2d: () => new nnq.Conv2d(2, 4, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }),
  Conv3d: () => new nnq.Conv3d(2, 4, 3),
  ConvTranspose1d: () => new nnq.ConvTranspose1d(2, 4, 3),
  ConvTranspose2d: () => new nnq.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  ConvTranspose3d: () => new nnq.ConvTranspose3d(2, 4, 3),
  Quantize: () => new nnq.Quantize(0.1, 2, "quint8"),
  DeQuantize: () => new nnq.DeQuantize(),
  ReLU6: () => new nnq.ReLU6(),
  Hardswish: () => new nnq.Hardswish(0.1, 2),
  LeakyReLU: () => new nnq.LeakyReLU(0.1, 2, 0.2),
  Sigmoid: () => new nnq.Sigmoid(0.1, 2),
  FloatFunctional: () => new nnq.FloatFunctional(),
  QFunctional: () => new nnq.QFunctional(),
  BatchNorm2d: () => new nnq.BatchNorm2d(3),
  BatchNorm3d: () => new nnq.BatchNorm3d(3, 1e-3),
  LayerNorm: () => new nnq.LayerNorm([3], w3(), b3(), 0.1, 2),
  GroupNorm: () => new nnq.GroupNorm(1, 3, w3(), b3(), 0.1, 2),
  InstanceNorm1d: () => new nnq.InstanceNorm1d(3, w3(), b3(), 0.1, 2),
  InstanceNorm2d: () => new nnq.InstanceNorm2d(3, w3(), b3(), 0.1, 2),
  InstanceNorm3d: () => new nnq.InstanceNorm3d(3, w3(), b3(), 0.1, 2, 1e-5, 0.1, true),
  ELU: () => new nnq.ELU(0.1, 2, 0.5),
  PReLU: () => new nnq.PReLU(0.1, 2),
  Softmax: () => new nnq.Softmax(1),
  Dropout: () => new nnq.Dropout(0.25),
  Embedding: () => new nnq.Embedding(4, 3),
  EmbeddingBag: () => new nnq.EmbeddingBag(4, 3),
  MaxPool2d: () => new nnq.MaxPool2d(2),
  "dynamic.Linear": () => new nnqd.Linear(3, 2),
  "dynamic.LSTM": () => new nnqd.LSTM(3, 2, { numLayers: 2, bidirectional: true }),
  "dynamic.GRU": () => new nnqd.GRU(3, 2),
  "dynamic.RNNCell": () => new nnqd.RNNCell(3, 2),
  "dynamic.LSTMCell": () => new nnqd.LSTMCell(3, 2),
  "dynamic.GRUCell": () => new nnqd.GRUCell(3, 2),
  "intrinsic.LinearReLU": () => new nniq.LinearReLU(3, 2),
  "intrinsic.ConvReLU1d": () => new nniq.ConvReLU1d(2, 4, 3),
  "intrinsic.ConvReLU2d": () => new nniq.ConvReLU2d(2, 4, 3),
  "intrinsic.ConvReLU3d": () => new nniq.ConvReLU3d(2, 4, 3),
};

test("quantized modules built directly: PyTorch's reprs, names included", () => {
  assert.deepEqual(Object.keys(built).sort(), Object.keys(fx.modules).sort());
  for (const [name, make] of Object.entries(built)) assert.equal(make().toString(), fixedSpelling(fx.modules[name]!), name);
});

test("_getName: a subclass keeps its quantized base's name, as PyTorch's inherited _get_name", () => {
  class MyLinear extends nnq.Linear {}
  assert.match(new MyLinear(3, 2).toString(), /^QuantizedLinear\(in_features=3/);
  assert.equal(new nn.Linear(3, 2)._getName(), "Linear");
});

class Net extends nn.Module {
  quant = new tq.QuantStub();
  conv: torch.nn.Module = new nn.Conv2d(2, 4, 3, { padding: 1 });
  relu: torch.nn.Module = new nn.ReLU();
  conv2: torch.nn.Module = new nn.Conv2d(4, 2, 3, { stride: 2 });
  fc: torch.nn.Module = new nn.Linear(8, 3);
  fc_relu: torch.nn.Module = new nn.ReLU();
  dequant = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    const run = (m: torch.nn.Module, v: torch.Tensor): torch.Tensor => (m as torch.nn.Identity).call(v);
    const h = run(this.conv2, run(this.relu, run(this.conv, run(this.quant, x))));
    return run(this.dequant, run(this.fc_relu, run(this.fc, torch.flatten(h, 1))));
  }
}

test("print(model) after fuseModules, prepare, calibration and convert: PyTorch's text", () => {
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(fx.static.state).map(([k, v]) => [k, t(v)])));
  net.eval();
  const fused = tq.fuseModules(net, [["conv", "relu"], ["fc", "fc_relu"]]);
  (fused as unknown as { qconfig: unknown }).qconfig = tq.defaultQconfig;
  const prepared = tq.prepare(fused);
  prepared.call(t(fx.static.calib));
  sameTextNearScales(tq.convert(prepared).toString(), fx.static.repr);
});

/**
 * The same text, but for the output scales: the observed model computes in float, so a float
 * convolution summed in another order may move an observed range, and its scale, a float32 step.
 */
function sameTextNearScales(actual: string, expected: string): void {
  const scale = /scale=(\d[\d.e-]*)/g;
  const scales = (s: string): number[] => [...s.matchAll(scale)].map((m) => Number(m[1]));
  assert.equal(actual.replace(scale, "scale=#"), expected.replace(scale, "scale=#"));
  const [a, e] = [scales(actual), scales(expected)];
  assert.equal(a.length, e.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= 2e-7 * e[i]!, `scale ${i}: ${v} vs ${e[i]}`));
}

class DynNet extends nn.Module {
  lstm = new nn.LSTM(3, 4);
  cell = new nn.GRUCell(4, 4);
  fc = new nn.Linear(4, 2);
}

test("print(quantizeDynamic(model)): PyTorch's text", () => {
  assert.equal(tq.quantizeDynamic(new DynNet()).toString(), fx.dynamic);
});
