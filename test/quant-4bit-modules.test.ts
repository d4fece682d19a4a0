// 4-bit embedding modules and configurations against PyTorch 1.13 (test/fixtures/quant-4bit.py):
// default_float_qparams_observer_4bit, default_embedding_fake_quant_4bit, MinMaxObserver(quint4x2),
// float_qparams_weight_only_qconfig_4bit; torch.ao.nn.quantized.EmbeddingBag / Embedding with
// quint4x2 weights (fromFloat, state dict, save/load), quantizeDynamic(dtype: quint4x2) and
// prepare + convert of a model with a 4-bit EmbeddingBag: PyTorch's weights and outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QRecord { dtype: string; shape: number[]; bytes: number[]; values: number[]; repr: string; scales?: number[]; zeroPoints?: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-4bit.json", import.meta.url), "utf8")) as {
  packing: { weight: Values; idx: number[]; offsets: number[]; psw: number[]; idx2: number[] };
  packed: { embedding: Values; bag: Values; bagWeighted: Values };
  observers: {
    fakeQuant: Values; fakeScales: number[]; fakeZeroPoints: number[]; fakeRepr: string; fakeRange: number[]; observerRange: number[];
    minMax: [number[], number[]]; quint2x4: string; qconfigRepr: string;
  };
  modules: {
    bagWeight: QRecord; bagOutput: Values; bagRepr: string; bagKeys: string[]; bagDtype: string;
    net: {
      floatState: Record<string, Values>; tokens: number[]; offsets: number[]; dynamicOutput: number[]; dynamicKeys: string[];
      dynamicModules: Record<string, string>; dynamicBag: QRecord; staticOutput: number[]; staticModules: Record<string, string>;
    };
  };
};
const nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const long = (v: number[], shape = [v.length]): torch.Tensor => torch.tensor(v, { dtype: "int64" }).reshape(shape);
const w = t(fx.packing.weight), idx = long(fx.packing.idx), offs = long(fx.packing.offsets);
const sameValues = (a: torch.Tensor, e: Values, what: string): void => {
  assert.deepEqual(a.shape, e.shape, what);
  assert.deepEqual(a.reshape(-1).tolist(), e.values, what);
};
function assertWeight(q: torch.Tensor, e: QRecord, what: string): void {
  assert.equal(q.dtype.name, e.dtype, what);
  assert.deepEqual(q.intRepr().tolist(), e.bytes, `${what}: packed bytes`);
  assert.deepEqual(q.qPerChannelScales().tolist(), e.scales, `${what}: scales`);
  assert.deepEqual(q.qPerChannelZeroPoints().tolist(), e.zeroPoints, `${what}: zero points`);
}

test("4-bit observers, fake quant and qconfigs: PyTorch's ranges, parameters and values", () => {
  const O = fx.observers;
  const fq = tq.defaultEmbeddingFakeQuant4bit() as InstanceType<typeof tq.FakeQuantize>;
  sameValues(fq.call(w), O.fakeQuant, "fake quant");
  const [s, z] = fq.calculateQparams();
  assert.deepEqual(s.tolist(), O.fakeScales);
  assert.deepEqual(z.tolist(), O.fakeZeroPoints);
  assert.deepEqual([fq.quantMin, fq.quantMax], O.fakeRange);
  assert.equal(String(fq), O.fakeRepr);
  const observer = tq.defaultFloatQparamsObserver4bit() as InstanceType<typeof tq.PerChannelMinMaxObserver>;
  assert.deepEqual([observer.quantMin, observer.quantMax], O.observerRange);
  const mm = new tq.MinMaxObserver({ dtype: torch.quint4x2 });
  mm.call(w);
  const [ms, mz] = mm.calculateQparams();
  assert.deepEqual([ms.tolist(), mz.tolist()], O.minMax);
  assert.throws(() => new tq.PerChannelMinMaxObserver({ dtype: torch.quint2x4 as never, qscheme: torch.perChannelAffineFloatQparams }), { message: O.quint2x4 });
  assert.equal(tq.floatQparamsWeightOnlyQconfig4bit.weight().constructor, tq.PerChannelMinMaxObserver);
  assert.equal((tq.defaultEmbeddingQatQconfig4bit.weight() as InstanceType<typeof tq.FakeQuantize>).dtype, torch.quint4x2);
});

test("nn.quantized.EmbeddingBag / Embedding with quint4x2 weights: fromFloat, outputs, state dict, save/load", () => {
  const M = fx.modules;
  const bag = new nn.EmbeddingBag(7, 8, { mode: "sum" });
  torch.noGrad(() => bag.weight.copy_(w));
  (bag as unknown as { qconfig: unknown }).qconfig = tq.floatQparamsWeightOnlyQconfig4bit;
  const qbag = nnq.EmbeddingBag.fromFloat(bag);
  assert.equal(qbag.dtype, torch.quint4x2);
  assertWeight(qbag.weight(), M.bagWeight, "weight");
  sameValues(qbag.call(idx, offs), M.bagOutput, "bag output");
  assert.equal(String(qbag), M.bagRepr);
  const sd = qbag.stateDict();
  assert.deepEqual([...sd.keys()], M.bagKeys);
  assert.equal(String(sd.get("_packed_params.dtype")), M.bagDtype);
  // Through a file: the quint4x2 weight in PyTorch's format, loaded into a fresh module.
  const dir = mkdtempSync(join(tmpdir(), "quant4m-"));
  try {
    torch.save(sd, join(dir, "bag.pt"));
    const fresh = new nnq.EmbeddingBag(7, 8, { dtype: torch.quint4x2 });
    fresh.loadStateDict(torch.load(join(dir, "bag.pt")));
    assertWeight(fresh.weight(), M.bagWeight, "loaded");
    sameValues(fresh.call(idx, offs), M.bagOutput, "loaded output");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A 4-bit Embedding computes embedding_4bit (PyTorch 1.13's from_float makes a quint8 module around the 4-bit weight: see the README).
  const emb = new nn.Embedding(7, 8);
  torch.noGrad(() => emb.weight.copy_(w));
  (emb as unknown as { qconfig: unknown }).qconfig = tq.floatQparamsWeightOnlyQconfig4bit;
  const qemb = nnq.Embedding.fromFloat(emb);
  assert.equal(qemb.dtype, torch.quint4x2);
  sameValues(qemb.call(long(fx.packing.idx2, [2, 3])), fx.packed.embedding, "embedding");
  const empty = new nnq.Embedding(3, 4, { dtype: torch.quint4x2 });
  assert.equal(empty.weight().dtype, torch.quint4x2);
  assert.deepEqual(empty.call(long([0, 2])).tolist(), [[0, 0, 0, 0], [0, 0, 0, 0]]);
  assert.throws(() => new nnq.Embedding(3, 4, { dtype: torch.quint2x4 }), /Unsupported dtype on quantized embedding! Supports quint8 and quint4x2. Got dtype: torch.quint2x4/);
  assert.throws(() => qbag.setWeight(torch.quantizePerChannel(w, torch.ones(7), torch.zeros(7), 0, torch.quint8)), /expected a torch.quint4x2 weight/);
});

class Net extends nn.Module {
  emb = new nn.Embedding(12, 6);
  bag = new nn.EmbeddingBag(12, 6, { mode: "sum" });
  fc = new nn.Linear(12, 3);
  override forward(tokens: torch.Tensor, offsets: torch.Tensor): torch.Tensor {
    const a = (this.emb as unknown as torch.nn.Identity).call(tokens).sum(1);
    const b = (this.bag as unknown as { call(i: torch.Tensor, o: torch.Tensor): torch.Tensor }).call(tokens.reshape(-1), offsets);
    return (this.fc as unknown as torch.nn.Identity).call(torch.cat([a, b], 1));
  }
}

test("quantizeDynamic(dtype: quint4x2) and prepare + convert of a 4-bit EmbeddingBag: PyTorch's modules, weights and outputs", () => {
  const N = fx.modules.net;
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(N.floatState).map(([k, v]) => [k, t(v)])));
  net.eval();
  const tokens = long(N.tokens, [3, 4]), offsets = long(N.offsets);
  const dq = tq.quantizeDynamic(net, { dtype: torch.quint4x2 });
  const names = (m: torch.nn.Module): Record<string, string> => Object.fromEntries([...m.namedChildren()].map(([n, c]) => [n, c._getName()]));
  assert.deepEqual(names(dq), N.dynamicModules);
  const sd = dq.stateDict();
  assert.deepEqual([...sd.keys()], N.dynamicKeys);
  assertWeight(sd.get("bag._packed_params._packed_weight") as torch.Tensor, N.dynamicBag, "dynamic bag");
  // The bag's sums are exact (above); the float Linear after it sums in another order than PyTorch's sgemm.
  const close = (a: torch.Tensor, e: number[], what: string): void =>
    (a.reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - e[i]!) < 1e-6, `${what} ${i}: ${v} vs ${e[i]}`));
  close(dq.call(tokens, offsets), N.dynamicOutput, "dynamic output");
  const pnet = new Net();
  pnet.loadStateDict(net.stateDict());
  pnet.eval();
  (pnet.bag as unknown as { qconfig: unknown }).qconfig = tq.floatQparamsWeightOnlyQconfig4bit;
  tq.prepare(pnet, { inplace: true });
  pnet.call(tokens, offsets);
  tq.convert(pnet, { inplace: true });
  assert.deepEqual(names(pnet), N.staticModules);
  close(pnet.call(tokens, offsets), N.staticOutput, "static output");
  // With the classes as a list, quint4x2 gives them the 4-bit qconfig.
  const listed = tq.quantizeDynamic(net, { qconfigSpec: [nn.EmbeddingBag], dtype: torch.quint4x2 });
  assert.equal((listed as unknown as { bag: InstanceType<typeof nnq.EmbeddingBag> }).bag.dtype, torch.quint4x2);
  assert.throws(() => tq.quantizeDynamic(net, { dtype: torch.int8 }), /Don't know how to quantize with default settings for torch.int8. Provide full qconfig please/);
  assert.throws(() => tq.quantizeDynamic(net, { qconfigSpec: [nn.Linear], dtype: torch.int8 }), /\('Unknown dtype specified for quantize_dynamic: ', 'torch.int8'\)/);
});
