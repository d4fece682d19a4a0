// Eager quantization-aware training against PyTorch 1.13 (test/fixtures/quant-qat.py): the same
// float model and data through fuseModulesQat (conv+bn+relu, conv+bn, linear+relu),
// getDefaultQatQconfig("x86"), prepareQat, three SGD steps, eval and convert give PyTorch's module
// types and state_dict keys, training losses and outputs, converted parameters and outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { countQuantumSteps, type RecordedValues as Values } from "./support/quantized-fixture.js";

const nn = torch.nn, tq = torch.ao.quantization, nniqat = torch.ao.nn.intrinsic.qat;
interface Converted { type: string; scale: number; zeroPoint: number; weightInts?: number[]; weightScales?: number[]; bias?: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-qat.json", import.meta.url), "utf8")) as {
  floatState: Record<string, Values>; batches: { x: number[]; y: number[] }[]; testX: number[]; preparedKeys: string[]; preparedTypes: Record<string, string>;
  steps: { loss: number; output: number[] }[]; qatEvalOutput: number[]; converted: Record<string, Converted>; convertedKeys: string[]; output: number[];
};

class Net extends nn.Module {
  quant: torch.nn.Module = new tq.QuantStub();
  conv: torch.nn.Module = new nn.Conv2d(2, 4, 3, { padding: 1 });
  bn: torch.nn.Module = new nn.BatchNorm2d(4);
  relu: torch.nn.Module = new nn.ReLU();
  conv2: torch.nn.Module = new nn.Conv2d(4, 4, 3, { stride: 2 });
  bn2: torch.nn.Module = new nn.BatchNorm2d(4);
  fc: torch.nn.Module = new nn.Linear(16, 5);
  fc_relu: torch.nn.Module = new nn.ReLU();
  fc2: torch.nn.Module = new nn.Linear(5, 3);
  dequant: torch.nn.Module = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor {
    const run = (m: torch.nn.Module, v: torch.Tensor): torch.Tensor => (m as torch.nn.Identity).call(v);
    let h = run(this.relu, run(this.bn, run(this.conv, run(this.quant, x))));
    h = torch.flatten(run(this.bn2, run(this.conv2, h)), 1);
    return run(this.dequant, run(this.fc2, run(this.fc_relu, run(this.fc, h))));
  }
}

test("QAT flow (fuseModulesQat, x86 QAT qconfig, prepareQat, SGD, convert) as PyTorch 1.13", () => {
  const model = new Net();
  model.loadStateDict(new Map(Object.entries(fx.floatState).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)])), { strict: false });
  model.train();
  tq.fuseModulesQat(model, [["conv", "bn", "relu"], ["conv2", "bn2"], ["fc", "fc_relu"]], { inplace: true });
  (model as unknown as { qconfig: unknown }).qconfig = tq.getDefaultQatQconfig("x86");
  tq.prepareQat(model, { inplace: true });
  const types = Object.fromEntries(model._ownModules().map(([n, m]) => [n, m!.constructor.name]));
  assert.deepEqual(types, fx.preparedTypes);
  assert.ok((model as unknown as { conv: unknown }).conv instanceof nniqat.ConvBnReLU2d);
  assert.deepEqual([...model.stateDict().keys()], fx.preparedKeys);

  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  const fc2Quantum = (): number => Number((model as unknown as { fc2: { activation_post_process: { scale: torch.Tensor } } }).fc2.activation_post_process.scale.item());
  let off = 0;
  fx.batches.forEach((b, i) => {
    opt.zeroGrad();
    const out = model.call(torch.tensor(b.x).reshape(4, 2, 6, 6));
    const loss = nn.functional.mseLoss(out, torch.tensor(b.y).reshape(4, 3));
    loss.backward();
    opt.step();
    off += countQuantumSteps(out.detach().reshape(-1).tolist() as number[], fx.steps[i]!.output, fc2Quantum());
    assert.ok(Math.abs(Number(loss.item()) - fx.steps[i]!.loss) <= 1e-5 * fx.steps[i]!.loss, `step ${i}: loss ${Number(loss.item())} vs ${fx.steps[i]!.loss}`);
  });
  model.eval();
  const testX = torch.tensor(fx.testX).reshape(2, 2, 6, 6);
  off += countQuantumSteps(model.call(testX).detach().reshape(-1).tolist() as number[], fx.qatEvalOutput, fc2Quantum());

  const q = tq.convert(model);
  assert.deepEqual([...q.stateDict().keys()], fx.convertedKeys);
  let weightOff = 0;
  for (const [name, e] of Object.entries(fx.converted)) {
    const m = (q as unknown as Record<string, { scale: number | torch.Tensor; zeroPoint?: number; zero_point?: torch.Tensor; weight?: () => torch.Tensor; bias?: () => torch.Tensor }>)[name]!;
    assert.equal(m.constructor.name, e.type, `${name}: type`);
    const scale = typeof m.scale === "number" ? m.scale : Number(m.scale.item());
    const zeroPoint = m.zeroPoint ?? Number(m.zero_point!.item());
    assert.ok(Math.abs(scale - e.scale) <= 1e-6 * e.scale, `${name}: scale ${scale} vs ${e.scale}`);
    assert.ok(Math.abs(zeroPoint - e.zeroPoint) <= 1, `${name}: zero point ${zeroPoint} vs ${e.zeroPoint}`);
    if (e.weightInts) {
      const w = m.weight!();
      const ints = w.intRepr().reshape(-1).tolist() as number[];
      ints.forEach((v, i) => { assert.ok(Math.abs(v - e.weightInts![i]!) <= 1, `${name}: weight int ${i}`); if (v !== e.weightInts![i]) weightOff++; });
      const scales = w.qscheme() === torch.perChannelAffine ? (w.qPerChannelScales().tolist() as number[]) : [w.qScale()];
      scales.forEach((s, i) => assert.ok(Math.abs(s - e.weightScales![i]!) <= 1e-6 * e.weightScales![i]!, `${name}: weight scale ${i}`));
      (m.bias!().reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - e.bias![i]!) <= 1e-5 * Math.max(1, Math.abs(e.bias![i]!)), `${name}: bias ${i}`));
    }
  }
  const out = q.call(testX).reshape(-1).tolist() as number[];
  off += countQuantumSteps(out, fx.output, fx.converted.fc2!.scale);
  // Float rounding may break a few fake-quantize ties differently; the flow itself must agree.
  assert.ok(off <= 2, `${off} outputs differ by a quantum`);
  assert.ok(weightOff <= 2, `${weightOff} weight integers differ by one`);
});
