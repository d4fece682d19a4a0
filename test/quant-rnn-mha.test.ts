// Static quantization of nn.LSTM and nn.MultiheadAttention through torch.ao.nn.quantizable against
// PyTorch 1.13 (test/fixtures/quant-rnn-mha.py): prepare swaps them for the quantizable modules
// (PyTorch's submodule names, an observer on every gate), calibration, convert to the quantized
// modules: the same state_dict keys, scales and zero points and outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { maxDifference, type RecordedValues as Values } from "./support/quantized-fixture.js";
import { stateDictVersions } from "../src/nn/module.js";

interface MhaCase {
  state: Record<string, Values>; q: Values; k: Values; v: Values; out: Values; weights: Values; qparams: Record<string, [number, number]>;
  preparedKeys: string[]; convertedKeys: string[]; dequantizedOut?: Values; maskedOut?: Values[]; repr?: string; biasK?: [number, number, number[]]; biasV?: [number, number, number[]];
}
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-rnn-mha.json", import.meta.url), "utf8")) as {
  lstm: {
    repr: string; state: Record<string, Values>; calib: Values; x: Values; floatOut: Values[]; preparedOut: Values[]; preparedKeys: string[]; convertedKeys: string[];
    qparams: Record<string, [number, number]>; out: Values[];
  };
  mha1: MhaCase; mha2: MhaCase;
  dynamic: { keys: string[]; versions: Record<string, number> };
  functions: { state: Record<string, Values>; x: Values; h0: Values; c0: Values; g0: Values; batchSizes: number[]; out: Record<string, Values[]> };
};
const nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized, nnqa = torch.ao.nn.quantizable;
type M = torch.nn.Module;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const stateOf = (s: Record<string, Values>): Map<string, torch.Tensor> => new Map(Object.entries(s).map(([k, v]) => [k, t(v)]));
const callOf = (m: M, ...a: unknown[]): unknown => (m.call as (...x: unknown[]) => unknown).call(m, ...a);

/** The scale and zero point of every quantized piece, by qualified name (as the fixture's qparams). */
function qparamsOf(m: M): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [name, mod] of m.namedModules()) {
    const r = mod as unknown as { scale?: unknown; zeroPoint?: unknown; zero_point?: unknown };
    if (typeof r.scale === "number" && typeof r.zeroPoint === "number") out[name] = [r.scale, r.zeroPoint];
    else if (r.scale instanceof torch.Tensor && r.zero_point instanceof torch.Tensor) out[name] = [Number(r.scale.item()), Number(r.zero_point.item())];
  }
  return out;
}
function sameQparams(actual: Record<string, [number, number]>, expected: Record<string, [number, number]>): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [k, [s, z]] of Object.entries(expected)) {
    assert.equal(actual[k]![1], z, `${k} zero point`);
    assert.ok(Math.abs(actual[k]![0] - s) <= 1e-6 * s, `${k} scale ${actual[k]![0]} vs ${s}`);
  }
}

class LstmNet extends nn.Module {
  quant = new tq.QuantStub();
  lstm: M = new nn.LSTM(4, 3, { numLayers: 2, bidirectional: true });
  dequant = new tq.DeQuantStub();
  override forward(x: torch.Tensor): torch.Tensor[] {
    const [y, [h, c]] = callOf(this.lstm, this.quant.call(x)) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
    return [this.dequant.call(y), this.dequant.call(h), this.dequant.call(c)];
  }
}

test("nn.LSTM: prepare → quantizable LSTM, calibrate, convert → quantized LSTM with PyTorch's outputs", () => {
  const L = fx.lstm;
  const net = new LstmNet();
  net.loadStateDict(stateOf(L.state));
  net.eval();
  (net as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  net.call(t(L.x)).forEach((o, i) => maxDifference(o, L.floatOut[i]!, `float output ${i}`));
  const p = tq.prepare(net);
  const lstm = (p as unknown as { lstm: M }).lstm;
  assert.ok(lstm instanceof nnqa.LSTM && !(lstm instanceof nnq.LSTM));
  assert.equal(lstm.toString().split("\n")[0], "QuantizableLSTM(");
  assert.deepEqual([...p.stateDict().keys()], L.preparedKeys);
  // The observed model computes in float: the float LSTM's outputs.
  p.call(t(L.calib)).forEach((o, i) => maxDifference(o, L.preparedOut[i]!, `prepared output ${i}`));
  const c = tq.convert(p);
  const ql = (c as unknown as { lstm: M }).lstm;
  assert.ok(ql instanceof nnq.LSTM);
  assert.deepEqual([...c.stateDict().keys()], L.convertedKeys);
  sameQparams(qparamsOf(c), L.qparams);
  // PyTorch's repr, names included, but for the numbers (an observed range may be a float32 step apart).
  const shape = (r: string): string => r.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "#");
  assert.equal(shape(ql.toString()), shape(L.repr));
  // A quantum of the output is ~0.002-0.007: equal to PyTorch's within a quantum (SLEEF's sigmoid/tanh may round one step apart).
  const outs = c.call(t(L.x));
  outs.forEach((o, i) => maxDifference(o, L.out[i]!, `quantized output ${i}`, 0.0101));
  const exact = outs.map((o, i) => (o.reshape(-1).tolist() as number[]).filter((v, j) => Math.abs(v - L.out[i]!.values[j]!) < 1e-6).length);
  const total = L.out.reduce((n, o) => n + o.values.length, 0);
  assert.ok(exact.reduce((a, b) => a + b, 0) >= 0.9 * total, `only ${exact} of ${total} outputs equal PyTorch's`);
  // Quantization moved the outputs: the check sees the quantized path.
  assert.ok(Math.max(...(outs[0]!.sub(t(L.floatOut[0]!)).abs().reshape(-1).tolist() as number[])) > 1e-3);
  // PyTorch's own file of its converted model loads into one calibrated otherwise: PyTorch's parameters and outputs.
  const other = tq.prepare(net);
  other.call(t(L.x));
  const blank = tq.convert(other);
  assert.notDeepEqual(qparamsOf(blank), L.qparams);
  blank.loadStateDict(torch.load<Map<string, torch.Tensor>>("test/fixtures/quant/lstm_converted_113.pt"));
  sameQparams(qparamsOf(blank), L.qparams);
  blank.call(t(L.x)).forEach((o, i) => maxDifference(o, L.out[i]!, `loaded model output ${i}`, 0.0101));
});

test("quantizable LSTM: fromFloat, submodule names, errors", () => {
  const f = new nn.LSTM(3, 2, { batchFirst: true });
  assert.throws(() => nnqa.LSTM.fromFloat(f), /must have 'qconfig'/);
  (f as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  const o = nnqa.LSTM.fromFloat(f);
  const names = [...o.namedModules()].map(([n]) => n);
  assert.ok(names.includes("layers.0.layer_fw.cell.igates") && names.includes("layers.0.layer_fw.cell.fgate_cx_igate_cgate.activation_post_process"));
  const x = torch.randn(2, 5, 3);
  const [y, [h]] = o.call(x) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
  const [fy, [fh]] = f.call(x) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
  maxDifference(y, { values: fy.reshape(-1).tolist() as number[], shape: fy.shape }, "batch-first float path");
  maxDifference(h, { values: fh.reshape(-1).tolist() as number[], shape: fh.shape }, "h_n");
  assert.throws(() => nnq.LSTM.fromFloat(f), /non-observed LSTM/);
  // The cell alone: fromFloat of an nn.LSTMCell computes the float cell's values.
  const fc = new nn.LSTMCell(3, 2);
  (fc as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  const qc = nnqa.LSTMCell.fromFloat(fc), xc = torch.randn(4, 3), hc: [torch.Tensor, torch.Tensor] = [torch.randn(4, 2), torch.randn(4, 2)];
  const [a, b] = [qc.call(xc, hc), fc.call(xc, hc)];
  a.forEach((v, i) => maxDifference(v, { values: b[i]!.reshape(-1).tolist() as number[], shape: b[i]!.shape }, `cell state ${i}`));
  assert.throws(() => nnqa.LSTMCell.fromFloat(new nn.LSTMCell(3, 2)), /must have 'qconfig'/);
  assert.throws(() => nnqa.LSTM.fromFloat(new nn.GRU(2, 2)), /expected a torch.nn.LSTM/);
  // PyTorch's positional parameters, or an options object.
  const direct = new nnqa.LSTM(3, 2, 2, true, false, 0.0, true);
  assert.equal(direct.layers.length, 2);
  assert.ok((direct.layers.at(1) as unknown as { layer_bw?: M }).layer_bw !== undefined);
  assert.equal(new nnqa.LSTM(3, 2, { numLayers: 3 }).layers.length, 3);
  assert.throws(() => new nnqa.LSTM(3, 2, { dropout: 2 }), /dropout should be a number in range \[0, 1\]/);
  // The options form of prepare's custom config: an empty map leaves nn.LSTM as it is.
  const net = new LstmNet();
  (net as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  const kept = tq.prepare(net, { prepareCustomConfigDict: { float_to_observed_custom_module_class: new Map() } });
  assert.ok((kept as unknown as { lstm: M }).lstm instanceof nn.LSTM);
  const swapped = tq.prepare(net, { prepareCustomConfigDict: { floatToObservedCustomModuleClass: new Map([[nn.LSTM, nnqa.LSTM]]) } });
  assert.ok((swapped as unknown as { lstm: M }).lstm instanceof nnqa.LSTM);
});

class MhaNet extends nn.Module {
  qq = new tq.QuantStub();
  qk = new tq.QuantStub();
  qv = new tq.QuantStub();
  constructor(public mha: M) { super(); }
  dequant = new tq.DeQuantStub();
  override forward(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | null = null): torch.Tensor[] {
    const [y, w] = callOf(this.mha, this.qq.call(q), this.qk.call(k), this.qv.call(v), { keyPaddingMask: mask }) as [torch.Tensor, torch.Tensor];
    return [this.dequant.call(y), this.dequant.call(w)];
  }
}

function mhaFlow(C: MhaCase, mha: M, mask: torch.Tensor | null): M {
  const net = new MhaNet(mha);
  // Field order puts mha after the stubs here; PyTorch's keys come from the same names.
  net.loadStateDict(stateOf(C.state));
  net.eval();
  (net as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  const [q, k, v] = [t(C.q), t(C.k), t(C.v)];
  const floatOut = net.call(q, k, v, mask);
  const p = tq.prepare(net);
  assert.ok((p as unknown as { mha: M }).mha instanceof nnqa.MultiheadAttention);
  assert.deepEqual([...p.stateDict().keys()].sort(), [...C.preparedKeys].sort());
  // The observed module computes what nn.MultiheadAttention computes.
  p.call(q, k, v, mask).forEach((o, i) => maxDifference(o, { values: floatOut[i]!.reshape(-1).tolist() as number[], shape: floatOut[i]!.shape }, `observed output ${i}`));
  const c = tq.convert(p);
  const qm = (c as unknown as { mha: M }).mha;
  assert.ok(qm instanceof nnq.MultiheadAttention);
  assert.equal(qm.toString().split("\n")[0], "QuantizedMultiheadAttention(");
  assert.deepEqual([...c.stateDict().keys()].sort(), [...C.convertedKeys].sort());
  sameQparams(qparamsOf(c), C.qparams);
  const [y, w] = c.call(q, k, v, mask);
  // The float attention core may move an observed range by an ulp (its softmax): then a scale is one
  // float32 step off and a few outputs one quantum off; most must equal PyTorch's.
  for (const [actual, expected, name] of [[y!, C.out, "mha.quant_attn_output"], [w!, C.weights, "mha.quant_attn_output_weights"]] as const) {
    const quantum = name === "mha.quant_attn_output" ? C.qparams["mha.out_proj"]![0] : C.qparams[name]![0];
    maxDifference(actual, expected, name, 1.01 * quantum);
    const same = (actual.reshape(-1).tolist() as number[]).filter((x, i) => Math.abs(x - expected.values[i]!) < 1e-6).length;
    assert.ok(same >= 0.8 * expected.values.length, `${name}: only ${same} of ${expected.values.length} equal PyTorch's`);
  }
  return c;
}

test("nn.MultiheadAttention: prepare → quantizable, convert → quantized, PyTorch's outputs; dequantize()", () => {
  const C = fx.mha1;
  const c = mhaFlow(C, new nn.MultiheadAttention(4, 2), null);
  const qm = (c as unknown as { mha: InstanceType<typeof nnq.MultiheadAttention> }).mha;
  // A boolean attn_mask and per-head weights on the quantized module itself.
  const stubs = c as unknown as { qq: M; qk: M; qv: M };
  const q0 = t(C.q), attnMask = torch.tensor([[false, true, false], [false, false, true], [true, false, false]]);
  const [qq, qk, qv] = [stubs.qq, stubs.qk, stubs.qv].map((s) => callOf(s, q0) as torch.Tensor) as [torch.Tensor, torch.Tensor, torch.Tensor];
  const [my, mw] = qm.call(qq, qk, qv, { attnMask, averageAttnWeights: false });
  maxDifference(my.dequantize(), C.maskedOut![0]!, "masked attn_output", 1.01 * C.qparams["mha.out_proj"]![0]);
  maxDifference(mw!.dequantize(), C.maskedOut![1]!, "masked per-head weights", 1.01 * C.qparams["mha.quant_attn_output_weights"]![0]);
  assert.throws(() => qm.call(qq, qk, qv, { attnMask: torch.ones(2, 2) }), /The size of the 2D attn_mask is not correct/);
  const shape = (r: string): string => r.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "#");
  assert.equal(shape(qm.toString()), shape(C.repr!));
  const fp = qm.dequantize();
  assert.ok(fp instanceof nnqa.MultiheadAttention && !(fp instanceof nnq.MultiheadAttention));
  fp.eval();
  const q = t(C.q);
  maxDifference(fp.call(q, q, q)[0], C.dequantizedOut!, "dequantized module", 1e-5);
});

test("MultiheadAttention with kdim/vdim, bias_k/bias_v, add_zero_attn and a key padding mask", () => {
  const C = fx.mha2;
  const mask = torch.tensor([[false, false, false, true, false], [false, true, false, false, false]]);
  const c = mhaFlow(C, new nn.MultiheadAttention(4, 2, { addBiasKv: true, addZeroAttn: true, kdim: 3, vdim: 5 }), mask);
  const qm = (c as unknown as { mha: { bias_k: torch.Tensor; bias_v: torch.Tensor } }).mha;
  for (const [b, [s, z, ints]] of [[qm.bias_k, C.biasK!], [qm.bias_v, C.biasV!]] as const) {
    assert.ok(Math.abs(b.qScale() - s) <= 1e-9 * s && b.qZeroPoint() === z);
    assert.deepEqual(b.intRepr().reshape(-1).tolist(), ints);
  }
  assert.throws(() => nnq.MultiheadAttention.fromFloat(new nn.MultiheadAttention(4, 2)), /non-observed MHA/);
  // dequantize() with separate q/k/v weights and bias_k/bias_v.
  const fp = (qm as unknown as InstanceType<typeof nnq.MultiheadAttention>).dequantize();
  const lk = (qm as unknown as { linear_K: { weight(): torch.Tensor } }).linear_K;
  assert.deepEqual(fp.k_proj_weight!.tolist(), lk.weight().dequantize().tolist());
  assert.deepEqual(fp.linear_K.weight.tolist(), lk.weight().dequantize().tolist());
  assert.deepEqual(fp.bias_k!.tolist(), qm.bias_k.dequantize().tolist());
  assert.equal(fp.in_proj_weight, null);
});

test("swapModule carries forward pre-hooks and forward hooks (not the observer's) to the swapped module", () => {
  const model = new nn.Sequential(new tq.QuantStub(), new nn.Linear(3, 2), new tq.DeQuantStub());
  (model as M & { qconfig?: unknown }).qconfig = tq.defaultQconfig;
  model.eval();
  const seen: string[] = [];
  model.at(1).registerForwardPreHook((_m, args) => { seen.push(`pre:${(args[0] as torch.Tensor).isQuantized}`); });
  model.at(1).registerForwardHook((_m, _a, out) => { seen.push(`post:${(out as torch.Tensor).isQuantized}`); });
  const p = tq.prepare(model);
  p.call(torch.randn(4, 3));
  assert.deepEqual(seen, ["pre:false", "post:false"]);
  const c = tq.convert(p);
  assert.ok(c.at(1) instanceof nnq.Linear);
  seen.length = 0;
  c.call(torch.randn(4, 3));
  assert.deepEqual(seen, ["pre:true", "post:true"]);
  // The converted Linear has no observer hook left (it would fail without activation_post_process).
  assert.equal(c.at(1)._forwardHooks().length, 1);
});

class DynNet extends nn.Module {
  lstm = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true });
  gru = new nn.GRU(4, 2);
  cell = new nn.LSTMCell(3, 2);
  rnn = new nn.RNNCell(3, 2, { nonlinearity: "relu" });
  grucell = new nn.GRUCell(3, 2);
  fc = new nn.Linear(2, 2);
}
type Dyn = { lstm: torch.nn.LSTM; gru: torch.nn.GRU; cell: torch.nn.LSTMCell; rnn: torch.nn.RNNCell; grucell: torch.nn.GRUCell; fc: torch.nn.Linear };
function dynOutputs(m: M, x: torch.Tensor, xg: torch.Tensor, xc: torch.Tensor): torch.Tensor[] {
  const d = m as unknown as Dyn;
  const [y, [h, c]] = d.lstm.call(x) as [torch.Tensor, [torch.Tensor, torch.Tensor]];
  const [g] = d.gru.call(xg) as [torch.Tensor, torch.Tensor];
  return [y, h, c, g, ...d.cell.call(xc), d.rnn.call(xc), d.grucell.call(xc), d.fc.call(xc.narrow(1, 0, 2))];
}

test("quantizeDynamic'd LSTM/GRU/cells: PyTorch's state_dict keys and versions; save/load round trips", () => {
  const D = fx.dynamic;
  const dq = tq.quantizeDynamic(new DynNet());
  const sd = dq.stateDict();
  assert.deepEqual([...sd.keys()], D.keys);
  assert.deepEqual(Object.fromEntries(stateDictVersions.get(sd as Map<string, unknown>)!), D.versions);
  // No float weights are left on the modules.
  assert.equal([...dq.parameters()].length, 0);
  const x = torch.randn(4, 2, 3), xg = torch.randn(3, 2, 4), xc = torch.randn(5, 3);
  const before = dynOutputs(dq, x, xg, xc);
  // A model quantized from other weights takes the saved state: the same outputs.
  const other = tq.quantizeDynamic(new DynNet());
  assert.ok(Math.max(...(dynOutputs(other, x, xg, xc)[0]!.sub(before[0]!).abs().reshape(-1).tolist() as number[])) > 1e-3);
  other.loadStateDict(torch.load<Map<string, unknown>>(torch.save(sd)) as Map<string, torch.Tensor>);
  dynOutputs(other, x, xg, xc).forEach((o, i) => assert.deepEqual(o.tolist(), before[i]!.tolist(), `output ${i}`));
  // load_state_dict refuses the float weights of the float module, and a value that is no packed state.
  assert.throws(() => other.loadStateDict(new DynNet().stateDict()), /Missing key\(s\) in state_dict: "lstm._all_weight_values.0.param"[^]*Unexpected key\(s\) in state_dict: "lstm.weight_ih_l0"/);
  const bad = new Map(sd);
  bad.set("gru._all_weight_values.0.param", torch.zeros(2) as unknown as torch.Tensor);
  assert.throws(() => other.loadStateDict(bad as Map<string, torch.Tensor>), /gru._all_weight_values.0.param|_all_weight_values.0.param: expected the state of a quantized_dynamic CellParams/);
});

test("torch.quantizedLstm / quantizedGru over a dynamic module's CellParams: PyTorch's outputs; the FBGEMM cells refused", () => {
  const Fx = fx.functions;
  const rp = new nn.Module() as M & { lstm: torch.nn.LSTM; gru: torch.nn.GRU };
  rp.lstm = new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true });
  rp.gru = new nn.GRU(3, 2);
  rp.loadStateDict(stateOf(Fx.state));
  const rq = tq.quantizeDynamic(rp, { qconfigSpec: [nn.LSTM, nn.GRU] }) as unknown as { lstm: InstanceType<typeof nnq.dynamic.LSTM>; gru: InstanceType<typeof nnq.dynamic.GRU> };
  const lp = rq.lstm._all_weight_values.map((w) => w.param), gp = rq.gru._all_weight_values.map((w) => w.param);
  const [x, h0, c0, g0] = [t(Fx.x), t(Fx.h0), t(Fx.c0), t(Fx.g0)];
  const bs = torch.tensor(Fx.batchSizes, { dtype: torch.int64 });
  const data = torch.nn.utils.rnn.packPaddedSequence(x, [4, 3]).data;
  const got: Record<string, torch.Tensor[]> = {
    lstm: torch.quantizedLstm(x, [h0, c0], lp, true, 2, 0.0, false, true, false, { dtype: torch.qint8, useDynamic: true }),
    lstmBatchFirst: torch.quantizedLstm(x.transpose(0, 1), [h0, c0], lp, true, 2, 0.0, false, true, true),
    lstmPacked: torch.quantizedLstm(data, bs, [h0, c0], lp, true, 2, 0.0, false, true),
    gru: torch.quantizedGru(x, g0, gp, true, 1, 0.0, false, false, false),
    gruPacked: torch.quantizedGru(data, bs, g0, gp, true, 1, 0.0, false, false),
  };
  for (const [k, outs] of Object.entries(got)) outs.forEach((o, i) => maxDifference(o, Fx.out[k]![i]!, `${k} output ${i}`));
  // The module and the function agree.
  assert.deepEqual((rq.lstm.call(x, [h0, c0])[0] as torch.Tensor).tolist(), got.lstm![0]!.tolist());
  const w = torch.randn(8, 3);
  assert.throws(() => torch.quantizedLstm(x, [h0, c0], [w, w, w, w] as never, true, 1, 0.0, false, false, false), /^Error: torch.quantized_lstm with List\[Tensor\] for parameters is no longer supported/);
  assert.throws(() => torch.quantizedLstm(x, [h0], lp, true, 2, 0.0, false, true, false), /lstm expects two hidden states/);
  assert.throws(() => torch.quantizedLstm(x, [g0, g0], lp, true, 2, 0.0, false, true, false), /Expected more hidden states in stacked_rnn/);
  const z = torch.zeros(2, 2);
  for (const f of [
    () => torch.quantizedLstmCell(torch.randn(2, 3), [z, z], w, w, w, w, w, w, w, w, 1.0, 1.0, 0, 0),
    () => torch.quantizedGruCell(torch.randn(2, 3), z, w, w, w, w, w, w, w, w, 1.0, 1.0, 0, 0),
    () => torch.quantizedRnnReluCell(torch.randn(2, 3), z, w, w, w, w, w, w, w, w, 1.0, 1.0, 0, 0),
    () => torch.quantizedRnnTanhCell(torch.randn(2, 3), z, w, w, w, w, w, w, w, w, 1.0, 1.0, 0, 0),
  ]) assert.throws(f, /^Error: This PyTorch installation was not built with FBGEMM operators$/);
});
