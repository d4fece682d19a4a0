// Eager post-training quantization against PyTorch 1.13 (test/fixtures/quant-modules.py): the same
// float model and calibration data through fuseModules, prepare, calibration and convert give
// PyTorch's quantized weights, scales, zero points, state_dict keys and outputs; quantizeDynamic too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;
interface Values { values: number[]; shape: number[] }
interface QState { ints?: number[]; values?: number[]; shape: number[]; scale?: number; zeroPoint?: number; scales?: number[]; zeroPoints?: number[] }
interface Run { output: number[]; state: Record<string, QState>; keys: string[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-modules.json", import.meta.url), "utf8")) as {
  floatState: Record<string, Values>; calib: Values[]; testX: Values; runs: Record<string, Run>;
  mlpState: Record<string, Values>; dynamicX: Values; dynamicOut: number[]; dynamicKeys: string[];
};
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);

class Net extends nn.Module {
  quant = new tq.QuantStub();
  conv: torch.nn.Module = new nn.Conv2d(2, 4, 3, { padding: 1 });
  bn: torch.nn.Module = new nn.BatchNorm2d(4);
  relu: torch.nn.Module = new nn.ReLU();
  conv2: torch.nn.Module = new nn.Conv2d(4, 4, 3, { stride: 2 });
  skip = new nnq.FloatFunctional();
  fc: torch.nn.Module = new nn.Linear(16, 5);
  fc_relu: torch.nn.Module = new nn.ReLU();
  fc2: torch.nn.Module = new nn.Linear(5, 3);
  dequant = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    const run = (m: torch.nn.Module, v: torch.Tensor): torch.Tensor => (m as torch.nn.Identity).call(v);
    let h = run(this.quant, x);
    h = run(this.relu, run(this.bn, run(this.conv, h)));
    let y = run(this.conv2, h);
    y = (this.skip as unknown as { add(a: torch.Tensor, b: torch.Tensor): torch.Tensor }).add(y, y);
    y = torch.flatten(y, 1);
    y = run(this.fc_relu, run(this.fc, y));
    return run(this.dequant, run(this.fc2, y));
  }
}

function floatNet(): Net {
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(fx.floatState).map(([k, v]) => [k, t(v)])), { strict: false });
  net.eval();
  return net;
}

for (const [name, qconfig] of [["default", tq.defaultQconfig], ["per_channel", new tq.QConfig(tq.defaultObserver, tq.defaultPerChannelWeightObserver)]] as const) {
  test(`eager PTQ (${name} qconfig): PyTorch's converted weights, parameters and outputs`, () => {
    const expected = fx.runs[name]!;
    const fused = tq.fuseModules(floatNet(), [["conv", "bn", "relu"], ["fc", "fc_relu"]]);
    (fused as unknown as { qconfig: unknown }).qconfig = qconfig;
    const prepared = tq.prepare(fused);
    for (const c of fx.calib) prepared.call(t(c));
    const q = tq.convert(prepared);
    const sd = q.stateDict();
    assert.deepEqual([...sd.keys()], expected.keys);
    for (const [k, e] of Object.entries(expected.state)) {
      const v = sd.get(k) as unknown;
      if (e.ints) {
        const w = v as torch.Tensor;
        assert.deepEqual(w.intRepr().reshape(-1).tolist(), e.ints, `${k}: integers`);
        if (e.scale !== undefined) { assert.equal(w.qScale(), e.scale, `${k}: scale`); assert.equal(w.qZeroPoint(), e.zeroPoint); }
        else assert.deepEqual(w.qPerChannelScales().tolist(), e.scales, `${k}: scales`);
      } else if (e.values) {
        // float values (the folded batch norm's bias: rsqrt's last bit may differ)
        ((v as torch.Tensor).reshape(-1).tolist() as number[]).forEach((x, i) => assert.ok(Math.abs(x - e.values![i]!) <= 1e-6 * Math.abs(e.values![i]!), `${k}[${i}]`));
      }
    }
    const [w, b] = sd.get("fc._packed_params._packed_params") as unknown as [torch.Tensor, torch.Tensor];
    assert.deepEqual(w.intRepr().reshape(-1).tolist(), (q as unknown as { fc: { weight(): torch.Tensor } }).fc.weight().intRepr().reshape(-1).tolist());
    assert.equal(b.dtype, torch.float32);
    const out = q.call(t(fx.testX)).reshape(-1).tolist() as number[];
    // Dequantized outputs: multiples of the output scale, which the calibration's float convolution
    // sets. Its float32 sums may end one ulp from PyTorch's (the JS kernels' SIMD GEMM sums in another
    // order), and the scale with them.
    assert.equal(out.length, expected.output.length);
    out.forEach((x, i) => assert.ok(Math.abs(x - Math.fround(expected.output[i]!)) <= 2e-7 * Math.abs(expected.output[i]!), `output[${i}] = ${x}, PyTorch ${expected.output[i]}`));
    // The float model is untouched (prepare and convert copy it).
    assert.ok(!(fused as unknown as { fc: torch.nn.Module }).fc.constructor.name.includes("Quantized"));
  });
}

test("quantizeDynamic: nn.Linear becomes the dynamic quantized Linear, PyTorch's outputs", () => {
  class Mlp extends nn.Module {
    fc = new nn.Linear(6, 4);
    relu = new nn.ReLU();
    out = new nn.Linear(4, 2);
    override forward(x: torch.Tensor): torch.Tensor { return this.out.call(this.relu.call(this.fc.call(x))); }
  }
  const mlp = new Mlp();
  mlp.loadStateDict(new Map(Object.entries(fx.mlpState).map(([k, v]) => [k, t(v)])));
  const dyn = tq.quantizeDynamic(mlp);
  assert.ok(dyn.fc instanceof nnq.dynamic.Linear);
  assert.deepEqual([...dyn.stateDict().keys()], fx.dynamicKeys);
  const out = dyn.call(t(fx.dynamicX)).reshape(-1).tolist() as number[];
  out.forEach((v, i) => assert.ok(Math.abs(v - fx.dynamicOut[i]!) <= 1e-6, `output ${i}: ${v} vs ${fx.dynamicOut[i]}`));
});

test("quantized modules: errors and state_dict round trip", () => {
  const lin = new nnq.Linear(3, 2);
  assert.throws(() => nnq.Linear.fromFloat(new nn.Linear(3, 2)), /must have qconfig defined/);
  const w = torch.quantizePerTensor(torch.randn(2, 3), 0.02, 0, "qint8");
  lin.setWeightBias(w, torch.tensor([0.5, -1]));
  lin.scale = 0.05; lin.zeroPoint = 10;
  const other = new nnq.Linear(3, 2);
  other.loadStateDict(lin.stateDict());
  assert.equal(other.scale, Math.fround(0.05));
  assert.equal(other.zeroPoint, 10);
  assert.deepEqual(other.weight().intRepr().tolist(), w.intRepr().tolist());
  assert.throws(() => other.loadStateDict(new Map([["scale", torch.tensor(1)]])), /Missing key\(s\) in state_dict: "zero_point"/);
  assert.throws(() => new nnq.FloatFunctional().forward(), /not intended to use the 'forward'/);
  assert.throws(() => tq.fuseModules(new Net(), [["conv", "fc"]]), /did not find fuser method for: \(Conv2d, Linear\)/);
});
