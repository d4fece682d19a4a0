// BatchNorm + ReLU fusion against PyTorch 1.13 (test/fixtures/quant-bnrelu.py, onednn): fuseModules
// makes torch.ao.nn.intrinsic.BNReLU2d/3d, prepare observes it as one unit and convert makes
// torch.ao.nn.intrinsic.quantized.BNReLU2d/3d (quantized::batch_norm2d_relu / 3d_relu): PyTorch's
// reprs, state dict keys, observed parameters and output integers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QValues { ints: number[]; shape: number[]; scale: number; zeroPoint: number }
interface Flow {
  state: Record<string, Values>; calibration: Values[]; input: Values; fusedRepr: string; preparedRepr: string; convertedRepr: string;
  keys: string[]; convOut: QValues; bnOut: QValues; bnScale: number; bnZeroPoint: number; output: Values;
}
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-bnrelu.json", import.meta.url), "utf8")) as {
  flow2d: Flow; flow3d: Flow; errors: Record<string, string>; qatFused: string;
};
const nn = torch.nn, tq = torch.ao.quantization, nni = torch.ao.nn.intrinsic, nniq = torch.ao.nn.intrinsic.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
type Child = torch.nn.Module & { forward(x: torch.Tensor): torch.Tensor };

class Net extends nn.Module {
  quant: torch.nn.Module = new tq.QuantStub();
  conv: torch.nn.Module;
  bn: torch.nn.Module;
  relu: torch.nn.Module = new nn.ReLU();
  dequant: torch.nn.Module = new tq.DeQuantStub();
  constructor(three: boolean) {
    super();
    this.conv = three ? new nn.Conv3d(2, 3, 3, { padding: 1 }) : new nn.Conv2d(2, 3, 3, { padding: 1 });
    this.bn = three ? new nn.BatchNorm3d(3) : new nn.BatchNorm2d(3);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const c = (m: torch.nn.Module): Child => m as Child;
    return c(this.dequant).call(c(this.relu).call(c(this.bn).call(c(this.conv).call(c(this.quant).call(x)))));
  }
}

function flow(f: Flow, three: boolean): void {
  const net = new Net(three);
  net.loadStateDict(new Map(Object.entries(f.state).map(([k, v]) => [k, t(v)])), { strict: false });
  net.eval();
  const fused = tq.fuseModules(net, [["bn", "relu"]]);
  assert.equal(String(fused), f.fusedRepr);
  assert.ok(fused.bn instanceof (three ? nni.BNReLU3d : nni.BNReLU2d));
  (fused as unknown as { qconfig: unknown }).qconfig = tq.getDefaultQconfig("x86");
  const prepared = tq.prepare(fused);
  for (const x of f.calibration) prepared.call(t(x));
  // The observers' own reprs aside (1.13 prints its HistogramObserver's range as Python floats, torch-ts as tensors).
  const structure = (r: string): string => r.replace(/HistogramObserver\(.*\)/g, "HistogramObserver(...)");
  assert.equal(structure(String(prepared)), structure(f.preparedRepr));
  const q = tq.convert(prepared);
  assert.ok(q.bn instanceof (three ? nniq.BNReLU3d : nniq.BNReLU2d));
  assert.deepEqual([...q.stateDict().keys()], f.keys);
  const qb = q.bn as unknown as { scale: torch.Tensor; zero_point: torch.Tensor };
  const run = (m: torch.nn.Module, x: torch.Tensor): torch.Tensor => (m as Child).call(x);
  // The float convolution sums in another order than PyTorch's (and the JS kernels in another than
  // the native ones), so the observed ranges and the scales made from them can differ in their last
  // bits: the numbers within 1e-6, the output within a quantum, the fused kernel exact below.
  const numbers = (r: string): number[] => (r.match(/-?\d+\.\d+(e-?\d+)?/g) ?? []).map(Number);
  const [got, want] = [numbers(String(q)), numbers(f.convertedRepr)];
  assert.equal(String(q).replace(/\d+/g, "0"), f.convertedRepr.replace(/\d+/g, "0"));
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6 * Math.abs(want[i]!) + 1e-12, `repr number ${i}: ${v} vs ${want[i]}`));
  assert.ok(Math.abs(Number(qb.scale.item()) - f.bnScale) <= 1e-6 * f.bnScale);
  assert.equal(qb.zero_point.item(), f.bnZeroPoint);
  (q.call(t(f.input)).reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - f.output.values[i]!) <= f.bnScale * 1.001, `output ${i}`));
  qb.scale.fill_(f.bnScale);
  // The fused kernel on PyTorch's conv output: its integers, bit for bit.
  const qc = torch._makePerTensorQuantizedTensor(torch.tensor(f.convOut.ints, { dtype: "uint8" }).reshape(f.convOut.shape), f.convOut.scale, f.convOut.zeroPoint);
  const out = run(q.bn, qc);
  assert.deepEqual(out.shape, f.bnOut.shape);
  assert.deepEqual([out.intRepr().reshape(-1).tolist(), out.qScale(), out.qZeroPoint()], [f.bnOut.ints, f.bnOut.scale, f.bnOut.zeroPoint]);
  assert.ok((out.intRepr().reshape(-1).tolist() as number[]).every((v) => v >= f.bnOut.zeroPoint), "the relu holds every output at the zero point or above");
}

test("BatchNorm2d + ReLU: fuseModules, prepare and convert as PyTorch 1.13 (QuantizedBNReLU2d)", () => flow(fx.flow2d, false));
test("BatchNorm3d + ReLU: fuseModules, prepare and convert as PyTorch 1.13 (QuantizedBNReLU3d)", () => flow(fx.flow3d, true));

test("BNReLU modules: argument errors, fuseModulesQat, a quantized BNReLU's fromFloat", () => {
  assert.throws(() => new nni.BNReLU2d(new nn.BatchNorm3d(3), new nn.ReLU()), /Incorrect types for input modules/);
  const x4 = torch.quantizePerTensor(torch.randn(2, 3, 4), 0.1, 0, torch.quint8);
  assert.throws(() => new nniq.BNReLU2d(3).call(x4), { message: fx.errors.shape2d });
  const x3 = torch.quantizePerTensor(torch.randn(2, 3, 4, 4), 0.1, 0, torch.quint8);
  assert.throws(() => new nniq.BNReLU3d(3).call(x3), { message: fx.errors.shape3d });
  const seq = new nn.Sequential(new nn.BatchNorm2d(3), new nn.ReLU());
  seq.train();
  assert.equal(tq.fuseModulesQat(seq, [["0", "1"]]).at(0).constructor.name, fx.qatFused);
  // A quantized BatchNorm2d / BNReLU2d made from a fused module takes its batch norm and the fused module's observer.
  const fused = new nni.BNReLU2d(new nn.BatchNorm2d(3), new nn.ReLU());
  const observer = new tq.MinMaxObserver();
  observer.call(torch.rand(2, 3, 2, 2));
  (fused as unknown as { activation_post_process: unknown }).activation_post_process = observer;
  const q = nniq.BNReLU2d.fromFloat(fused);
  assert.equal(q._getName(), "QuantizedBNReLU2d");
  assert.equal(q.scale.item(), observer.calculateQparams()[0].item());
});
