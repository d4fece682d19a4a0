// Quantized embeddings against PyTorch 1.13 (test/fixtures/quant-modules-embedding.py): float-qparams
// (per_channel_affine_float_qparams) weights, torch.ops.quantized.embedding_byte / embedding_bag_byte
// (offsets, include_last_offset, per_sample_weights), and quantizeDynamic of a model with Embedding,
// EmbeddingBag and Linear: PyTorch's packed weights, state_dict keys and outputs, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QWeight { ints: number[]; shape: number[]; scales: number[]; zeroPoints: number[] }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-modules-embedding.json", import.meta.url), "utf8")) as {
  kernels: { weight: Values; qweight: QWeight; embedding: Values; bag: Values; bagWeighted: Values; bagLast: Values; idx2: number[]; idx: number[]; offsets: number[]; psw: number[] };
  net: { floatState: Record<string, Values>; tokens: number[]; offsets: number[]; output: number[]; keys: string[]; emb: QWeight; bag: QWeight; modules: Record<string, string> };
};
const qops = torch.ops.quantized, nn = torch.nn, tq = torch.ao.quantization, nnq = torch.ao.nn.quantized;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const long = (v: number[], shape = [v.length]): torch.Tensor => torch.tensor(v, { dtype: "int64" }).reshape(shape);

function assertWeight(q: torch.Tensor, e: QWeight, what: string): void {
  assert.equal(String(q.qscheme()), "torch.per_channel_affine_float_qparams", what);
  assert.deepEqual(q.shape, e.shape, what);
  assert.deepEqual(q.intRepr().reshape(-1).tolist(), e.ints, `${what}: integers`);
  assert.deepEqual(q.qPerChannelScales().tolist(), e.scales, `${what}: scales`);
  assert.deepEqual(q.qPerChannelZeroPoints().tolist(), e.zeroPoints, `${what}: zero points`);
}
const sameValues = (a: torch.Tensor, e: Values, what: string): void => {
  assert.deepEqual(a.shape, e.shape, what);
  assert.deepEqual(a.reshape(-1).tolist(), e.values, what);
};

test("float-qparams weights and embedding_byte / embedding_bag_byte: PyTorch's values", () => {
  const k = fx.kernels, w = t(k.weight);
  const observer = new tq.PerChannelMinMaxObserver({ dtype: torch.quint8, qscheme: torch.perChannelAffineFloatQparams, chAxis: 0 });
  observer.call(w);
  const [s, z] = observer.calculateQparams();
  const q = torch.quantizePerChannel(w, s, z, 0, torch.quint8);
  assertWeight(q, k.qweight, "weight");
  const p = qops.embeddingBagPrepack(q);
  assert.equal(qops.embeddingBagUnpack(p), q);
  sameValues(qops.embeddingByte(p, long(k.idx2, [2, 3])), k.embedding, "embedding_byte");
  sameValues(qops.embeddingBagByte(p, long(k.idx), long(k.offsets)), k.bag, "embedding_bag_byte");
  sameValues(qops.embeddingBagByte(p, long(k.idx), long(k.offsets), false, 0, false, torch.tensor(k.psw)), k.bagWeighted, "per_sample_weights");
  sameValues(qops.embeddingBagByte(p, long(k.idx), long([...k.offsets, 8]), false, 0, false, null, null, true), k.bagLast, "include_last_offset");
  assert.throws(() => q.reshape(-1), /Setting strides is possible only on uniformly or per channel quantized tensors/);
  assert.throws(() => qops.embeddingByte(p, long([10])), /Invalid indices data/);
  assert.throws(() => qops.embeddingBagPrepack(torch.quantizePerTensor(w, 0.1, 0, torch.quint8)), /Expect embedding_bag weights to be quantized using kPerChannelAffineFloatQParams/);
});

class Net extends nn.Module {
  emb = new nn.Embedding(12, 5);
  bag = new nn.EmbeddingBag(12, 5, { mode: "sum" });
  fc: torch.nn.Module = new nn.Linear(10, 3);
  override forward(tokens: torch.Tensor, offsets: torch.Tensor): torch.Tensor {
    const a = (this.emb as torch.nn.Module as torch.nn.Identity).call(tokens).sum(1);
    const b = (this.bag as unknown as { call(i: torch.Tensor, o: torch.Tensor): torch.Tensor }).call(tokens.reshape(-1), offsets);
    return (this.fc as torch.nn.Identity).call(torch.cat([a, b], 1));
  }
}

test("quantizeDynamic with Embedding, EmbeddingBag (float qparams) and Linear: PyTorch's weights, keys and outputs", () => {
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(fx.net.floatState).map(([k, v]) => [k, t(v)])));
  net.eval();
  const floatQparams = new tq.QConfig(tq.defaultObserver, () => new tq.PerChannelMinMaxObserver({ dtype: torch.quint8, qscheme: torch.perChannelAffineFloatQparams }));
  const dq = tq.quantizeDynamic(net, { qconfigSpec: new Map<abstract new (...a: never[]) => torch.nn.Module, InstanceType<typeof tq.QConfig>>([[nn.Embedding, floatQparams], [nn.EmbeddingBag, floatQparams], [nn.Linear, tq.defaultDynamicQconfig]]) });
  const mods = dq as unknown as Record<string, torch.nn.Module>;
  assert.ok(mods.emb instanceof nnq.Embedding && mods.bag instanceof nnq.EmbeddingBag && mods.fc instanceof nnq.dynamic.Linear);
  const sd = dq.stateDict();
  assert.deepEqual([...sd.keys()], fx.net.keys);
  assertWeight(sd.get("emb._packed_params._packed_weight") as torch.Tensor, fx.net.emb, "emb");
  assertWeight(sd.get("bag._packed_params._packed_weight") as torch.Tensor, fx.net.bag, "bag");
  const out = dq.call(long(fx.net.tokens, [3, 4]), long(fx.net.offsets));
  // The embeddings are exact (above); the dynamic Linear after them is onednn's here, within 1e-5 (quant-kernels.test.ts).
  (out.reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - fx.net.output[i]!) < 1e-5, `output ${i}: ${v} vs ${fx.net.output[i]}`));
  // The default spec for quint8 takes the embeddings only; a state dict loads back.
  const byDefault = tq.quantizeDynamic(net, { dtype: "quint8" });
  assert.ok((byDefault as unknown as Record<string, unknown>).emb instanceof nnq.Embedding && (byDefault as unknown as Record<string, unknown>).fc instanceof nn.Linear);
  const fresh = new nnq.Embedding(12, 5);
  fresh.loadStateDict(new Map([...sd].filter(([k]) => k.startsWith("emb.")).map(([k, v]) => [k.slice(4), v])) as Map<string, torch.Tensor>);
  assertWeight(fresh.weight(), fx.net.emb, "loaded");
  assert.throws(() => nnq.Embedding.fromFloat(new nn.Embedding(3, 2)), /must have qconfig defined/);
});
