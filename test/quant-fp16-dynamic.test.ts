// float16 dynamic quantization as PyTorch 1.13's build without fbgemm has it
// (test/fixtures/quant-fp16-dynamic.py): the float16 qconfig's observers exist, but every way to pack
// a float16 linear weight (torch.ops.quantized.linearPrepackFp16, dynamic Linear/LSTM/GRU/cells of
// dtype float16, quantizeDynamic with float16) is refused in PyTorch's words, and so are the fp16
// linear kernels; linearUnpackFp16 unpacks any packed params, as PyTorch's does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-fp16-dynamic.json", import.meta.url), "utf8")) as Record<string, string> & {
  unpackFp16: [number[], number[]]; quantizeDynamicCells: string[]; observers: string[];
};
const qops = torch.ops.quantized, nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;

test("fp16 linear ops: refused as PyTorch 1.13 without fbgemm refuses them", () => {
  assert.throws(() => qops.linearPrepackFp16(torch.randn(3, 4)), { message: fx.prepack });
  assert.throws(() => qops.linearPrepackFp16(torch.randn(3, 4), torch.randn(3)), { message: fx.prepackBias });
  assert.throws(() => qops.linearPrepackFp16(5 as never), { message: fx.prepackInt });
  const qw = torch.quantizePerTensor(torch.tensor([[0.5, -1.0], [0.25, 2.0]]), 0.1, 0, torch.qint8);
  const packed = qops.linearPrepack(qw, torch.tensor([0.5, -0.5]));
  assert.throws(() => qops.linearDynamicFp16(torch.randn(2, 2), packed), { message: fx.dynamicFp16 });
  assert.throws(() => qops.linearReluDynamicFp16(torch.randn(2, 2), packed), { message: fx.reluDynamicFp16 });
  const [w, b] = qops.linearUnpackFp16(packed);
  assert.deepEqual([w.intRepr().reshape(-1).tolist(), b!.tolist()], fx.unpackFp16);
});

test("float16 dynamic modules and quantizeDynamic(dtype: float16): PyTorch's refusals", () => {
  assert.throws(() => new nnq.dynamic.Linear(4, 3, true, torch.float16), { message: fx.dynamicLinear });
  assert.throws(() => new nnq.dynamic.Linear(4, 3, true, torch.quint8), { message: fx.dynamicLinearQuint8 });
  assert.throws(() => new nnq.Linear(4, 3, true, torch.float16), { message: fx.staticLinear });
  const lin = new nn.Linear(4, 3);
  (lin as unknown as { qconfig: unknown }).qconfig = tq.float16DynamicQconfig;
  assert.throws(() => nnq.dynamic.Linear.fromFloat(lin), { message: fx.fromFloat });
  assert.throws(() => tq.quantizeDynamic(new nn.Sequential(new nn.Linear(4, 3)), { dtype: torch.float16 }), { message: fx.quantizeDynamic });
  assert.throws(() => tq.quantizeDynamic(new nn.Sequential(new nn.LSTM(4, 3)), { qconfigSpec: [nn.LSTM], dtype: torch.float16 }), { message: fx.quantizeDynamicLstm });
  assert.throws(() => tq.quantizeDynamic(new nn.Sequential(new nn.GRU(4, 3)), { qconfigSpec: new Map([[nn.GRU, tq.float16DynamicQconfig]]) }), { message: fx.quantizeDynamicGru });
  [nn.RNNCell, nn.LSTMCell, nn.GRUCell].forEach((Cell, i) => {
    assert.throws(() => tq.quantizeDynamic(new nn.Sequential(new Cell(4, 3)), { dtype: torch.float16 }), { message: fx.quantizeDynamicCells[i] });
  });
  const floatQparams = new tq.QConfig(tq.defaultDynamicQuantObserver, tq.defaultFloatQparamsObserver);
  assert.throws(() => tq.quantizeDynamic(new nn.Sequential(new nn.LSTM(4, 3)), { qconfigSpec: new Map([[nn.LSTM, floatQparams]]) }), { message: fx.rnnQuint8 });
  // CellParams of float16 weights ("quantized_dynamic_fp16", as a state dict would hold them) are rebuilt by packing them: refused.
  const fp16Cell = ["quantized_dynamic_fp16", [torch.zeros(12), torch.zeros(12)], [], [], [[torch.zeros(12, 4), null], [torch.zeros(12, 3), null]]] as never;
  assert.throws(() => torch.quantizedLstm(torch.randn(2, 1, 4), [torch.zeros(1, 1, 3), torch.zeros(1, 1, 3)], [fp16Cell], true, 1, 0, false, false, false, { dtype: torch.float16 }), { message: fx.prepack });
  // The qconfig itself is PyTorch's: float16 placeholders.
  const act = tq.float16DynamicQconfig.activation() as InstanceType<typeof tq.PlaceholderObserver>;
  const wobs = tq.float16DynamicQconfig.weight() as InstanceType<typeof tq.PlaceholderObserver>;
  assert.deepEqual([String(act.dtype), String(wobs.dtype), String(act.computeDtype), String(act), String(wobs)], fx.observers);
});
