// Quantized normalizations and activations against PyTorch 1.13 (test/fixtures/quant-modules-norm.py):
// torch.ops.quantized batch/layer/group/instance norm, elu, celu, prelu, softmax, broadcasting
// add/mul, torch.quantized_*;
// then the modules convert makes of a float model (BatchNorm2d, GroupNorm, InstanceNorm2d,
// LayerNorm, ELU, Dropout): PyTorch's state_dict keys, parameters and outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { type RecordedQTensor, countIntMismatches, qtensor } from "./support/quantized-fixture.js";

interface Values { values: number[]; shape: number[] }
interface Case { op: string; inputs: RecordedQTensor[]; args: Record<string, unknown>; out: RecordedQTensor }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-modules-norm.json", import.meta.url), "utf8")) as {
  cases: Case[];
  net: { floatState: Record<string, Values>; calib: Values[]; testX: Values; output: number[]; keys: string[]; state: Record<string, Values>; modules: Record<string, string>; elu: [number, number] };
};
const qops = torch.ops.quantized, nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;
const t = (v: Values | null | undefined): torch.Tensor | null => (v ? torch.tensor(v.values).reshape(v.shape) : null);
const num = (v: unknown): number => v as number;

type Run = (xs: torch.Tensor[], a: Record<string, unknown>) => torch.Tensor;
const bn = (f: typeof qops.batchNorm2d): Run => ([x], a) => f(x!, t(a.weight as Values), t(a.bias as Values), t(a.mean as Values)!, t(a.var as Values)!, num(a.eps), num(a.scale), num(a.zeroPoint));
const RUN: Record<string, Run> = {
  batch_norm1d: bn(qops.batchNorm1d), batch_norm2d: bn(qops.batchNorm2d), batch_norm2d_relu: bn(qops.batchNorm2dRelu), batch_norm3d: bn(qops.batchNorm3d),
  quantized_batch_norm: bn(torch.quantizedBatchNorm),
  layer_norm: ([x], a) => qops.layerNorm(x!, a.shape as number[], t(a.weight as Values), t(a.bias as Values), num(a.eps), num(a.scale), num(a.zeroPoint)),
  group_norm: ([x], a) => qops.groupNorm(x!, num(a.groups), t(a.weight as Values), t(a.bias as Values), num(a.eps), num(a.scale), num(a.zeroPoint)),
  instance_norm: ([x], a) => qops.instanceNorm(x!, t(a.weight as Values), t(a.bias as Values), num(a.eps), num(a.scale), num(a.zeroPoint)),
  elu: ([x], a) => qops.elu(x!, num(a.scale), num(a.zeroPoint), num(a.alpha)),
  celu: ([x], a) => qops.celu(x!, num(a.scale), num(a.zeroPoint), num(a.alpha)),
  prelu: ([x, w], a) => qops.prelu(x!, w!, num(a.scale), num(a.zeroPoint)),
  softmax: ([x], a) => qops.softmax(x!, num(a.dim), num(a.scale), num(a.zeroPoint)),
  add: ([a, b], x) => qops.add(a!, b!, num(x.scale), num(x.zeroPoint)),
  add_relu: ([a, b], x) => qops.addRelu(a!, b!, num(x.scale), num(x.zeroPoint)),
  mul: ([a, b], x) => qops.mul(a!, b!, num(x.scale), num(x.zeroPoint)),
  mul_relu: ([a, b], x) => qops.mulRelu(a!, b!, num(x.scale), num(x.zeroPoint)),
  quantized_max_pool1d: ([x], a) => torch.quantizedMaxPool1d(x!, a.kernel as number[], { stride: a.stride as number[], padding: a.padding as number[] }),
  quantized_max_pool2d: ([x], a) => torch.quantizedMaxPool2d(x!, a.kernel as number[], { stride: a.stride as number[], padding: a.padding as number[], ceilMode: a.ceil as boolean }),
};
/** Kernels with SLEEF's vector exp in PyTorch (or its float softmax): within one quantum, counted. */
const WITHIN_ONE = new Set(["elu", "celu", "softmax"]);

test("quantized norms and activations: PyTorch's integers, scale and zero point", () => {
  const mismatches: Record<string, [number, number]> = {};
  for (const [i, c] of fx.cases.entries()) {
    const run = RUN[c.op];
    assert.ok(run, `no runner for ${c.op}`);
    const out = run(c.inputs.map(qtensor), c.args);
    const n = countIntMismatches(out, c.out, `case ${i} ${c.op} ${c.inputs[0]!.dtype}`, WITHIN_ONE.has(c.op) ? 1 : 0);
    const m = mismatches[c.op] ?? [0, 0];
    mismatches[c.op] = [m[0] + n, m[1] + c.out.ints.length];
  }
  for (const [op, [n, total]] of Object.entries(mismatches)) assert.ok(n <= total * 0.02, `${op}: ${n} of ${total} integers one quantum off`);
});

class Net extends nn.Module {
  quant = new tq.QuantStub();
  bn: torch.nn.Module = new nn.BatchNorm2d(3);
  gn: torch.nn.Module = new nn.GroupNorm(3, 3);
  inorm: torch.nn.Module = new nn.InstanceNorm2d(3, { affine: true });
  ln: torch.nn.Module = new nn.LayerNorm([4, 5]);
  elu: torch.nn.Module = new nn.ELU(0.7);
  drop: torch.nn.Module = new nn.Dropout(0.3);
  dequant = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    const run = (m: torch.nn.Module, v: torch.Tensor): torch.Tensor => (m as torch.nn.Identity).call(v);
    let h = run(this.quant, x);
    for (const m of [this.bn, this.gn, this.inorm, this.ln, this.elu, this.drop]) h = run(m, h);
    return run(this.dequant, h);
  }
}

test("convert: quantized BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm, ELU, Dropout as PyTorch's", () => {
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(fx.net.floatState).map(([k, v]) => [k, t(v)!])), { strict: false });
  net.eval();
  (net as unknown as { qconfig: unknown }).qconfig = tq.defaultQconfig;
  const prepared = tq.prepare(net);
  for (const c of fx.net.calib) prepared.call(t(c)!);
  const q = tq.convert(prepared);
  for (const [name, cls] of Object.entries(fx.net.modules)) assert.equal((q as unknown as Record<string, torch.nn.Module>)[name]!.constructor.name, cls, name);
  assert.ok((q as unknown as Record<string, unknown>).bn instanceof nnq.BatchNorm2d);
  const sd = q.stateDict();
  assert.deepEqual([...sd.keys()], fx.net.keys);
  for (const [k, e] of Object.entries(fx.net.state)) {
    const v = sd.get(k) as torch.Tensor;
    assert.deepEqual(v.shape, e.shape, k);
    // Parameters are copied exactly; an observer's scale may be one float ulp off where the float
    // module before it (GroupNorm, ...) rounds its output's extremes differently.
    const within = k.endsWith(".scale") ? 2 ** -22 : 0;
    (v.reshape(-1).tolist() as number[]).forEach((a, i) => assert.ok(Math.abs(Number(a) - e.values[i]!) <= within * Math.abs(e.values[i]!), `${k}[${i}]: ${a} vs ${e.values[i]}`));
  }
  const elu = (q as unknown as { elu: InstanceType<typeof nnq.ELU> }).elu;
  assert.equal(elu.zeroPoint, fx.net.elu[1]);
  assert.ok(Math.abs(elu.scale - fx.net.elu[0]) <= 2 ** -22 * fx.net.elu[0], `ELU scale ${elu.scale} vs ${fx.net.elu[0]}`);
  // The output: PyTorch's values, one quantum apart where SLEEF's exp rounds ELU's last bit otherwise.
  const out = q.call(t(fx.net.testX)!).reshape(-1).tolist() as number[];
  const quantum = Number((sd.get("ln.scale") as torch.Tensor).item()) * 1.0001;
  let off = 0;
  out.forEach((v, i) => { const d = Math.abs(v - fx.net.output[i]!); assert.ok(d <= quantum, `output ${i}: ${v} vs ${fx.net.output[i]}`); if (d > 1e-6) off++; });
  assert.ok(off <= 2, `${off} outputs one quantum off`);
});

test("quantized norms and activations: argument errors", () => {
  const x = torch.quantizePerTensor(torch.randn(2, 3, 4), 0.1, 10, "quint8");
  assert.throws(() => qops.batchNorm2d(x, null, null, torch.zeros(3), torch.ones(3), 1e-5, 0.1, 0), /Expecting the input tensor of rank 4/);
  assert.throws(() => torch.quantizedBatchNorm(x, null, null, torch.zeros(2), torch.ones(2), 1e-5, 0.1, 0), /rank 4/);
  assert.throws(() => qops.batchNorm(x, null, null, torch.zeros(2), torch.ones(2), 1e-5, 0.1, 0), /mean has 2 elements, expected 3/);
  assert.throws(() => qops.layerNorm(x, [3], null, null, 1e-5, 0.1, 0), /Given normalized_shape=\[3\], expected input with shape \[\*, 3\]/);
  assert.throws(() => qops.groupNorm(x, 2, null, null, 1e-5, 0.1, 0), /Expected channels to be divisible by groups/);
  assert.throws(() => qops.instanceNorm(torch.quantizePerTensor(torch.randn(3, 4), 0.1, 0, "quint8"), null, null, 1e-5, 0.1, 0), /at least 3-dimensional/);
  assert.throws(() => qops.prelu(x, torch.quantizePerTensor(torch.rand(2), 0.1, 0, "quint8"), 0.1, 0), /Mismatch of parameter numbers and input channel size/);
  assert.throws(() => qops.batchNorm2d(torch.randn(1, 3, 2, 2), null, null, torch.zeros(3), torch.ones(3), 1e-5, 0.1, 0), /Could not run 'quantized::batch_norm2d' with arguments from the 'CPU' backend/);
  assert.throws(() => torch.quantizedMaxPool2d(torch.randn(1, 3, 4, 4), [2, 2]), /Could not run 'aten::quantized_max_pool2d' with arguments from the 'CPU' backend/);
  assert.throws(() => new nnq.BatchNorm2d(3).call(x), /Input shape must be `\(N, C, H, W\)`!/);
  assert.throws(() => nnq.LayerNorm.fromFloat(new nn.LayerNorm(3)), /Input float module must have observer attached/);
});

test("PReLU.fromFloat observes the float weight (PyTorch 2.x) and quantizes it to quint8; Softmax, Dropout, MaxPool2d", () => {
  const f = new nn.PReLU(3);
  torch.noGrad(() => f.weight.copy_(torch.tensor([0.25, -0.5, 0.75])));
  const observed = f as unknown as { qconfig: unknown; activation_post_process: unknown };
  observed.qconfig = new tq.QConfig(tq.defaultObserver, () => new tq.MinMaxObserver());
  const out = new tq.MinMaxObserver({ quantMin: 0, quantMax: 127 });
  out.call(torch.tensor([-1, 2]));
  observed.activation_post_process = out;
  const q = nnq.PReLU.fromFloat(f);
  assert.equal(q.weight.dtype.name, "quint8");
  assert.equal(q.weight.qZeroPoint(), 102);
  assert.deepEqual(q.weight.intRepr().tolist(), [153, 0, 255]);
  const x = torch.quantizePerTensor(torch.randn(2, 3, 4), 0.05, 60, "quint8");
  assert.ok(torch.equal(q.call(x).intRepr(), qops.prelu(x, q.weight, q.scale, q.zeroPoint).intRepr()));
  const sm = new nnq.Softmax(1, 1 / 256, 0);
  assert.ok(torch.equal(sm.call(x).intRepr(), qops.softmax(x, 1, 1 / 256, 0).intRepr()));
  const drop = new nnq.Dropout(0.5);
  drop.train();
  assert.equal(drop.call(x), x);
  assert.ok(torch.equal((new nnq.MaxPool2d(2).call(x) as torch.Tensor).intRepr(), torch.quantizedMaxPool2d(x, [2, 2]).intRepr()));
});
