// Quantization-aware training of embeddings against PyTorch 1.13 (test/fixtures/quant-qat-embedding.py):
// torch.ao.nn.qat.EmbeddingBag (4-bit) and Embedding (8-bit) through prepareQat with
// getEmbeddingQatModuleMappings, SGD steps, and convert with getEmbeddingStaticQuantModuleMappings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

interface Values { values: number[]; shape: number[] }
interface QWeight { bytes: number[]; scales: number[]; zeroPoints: number[]; dtype: string }
const fx = JSON.parse(readFileSync(new URL("./fixtures/quant-qat-embedding.json", import.meta.url), "utf8")) as {
  state: Record<string, Values>; prepared: Record<string, string>; preparedKeys: string[]; batches: { tokens: number[]; target: number[] }[];
  losses: number[]; trained: Record<string, Values>; converted: Record<string, string>; bagWeight: QWeight; embWeight: QWeight;
  tokens: number[]; offsets: number[]; bagOut: Values; embOut: Values; errors: Record<string, string>;
};
const nn = torch.nn, tq = torch.ao.quantization, nnqat = torch.ao.nn.qat;
const t = (v: Values): torch.Tensor => torch.tensor(v.values).reshape(v.shape);
const long = (v: number[], shape = [v.length]): torch.Tensor => torch.tensor(v, { dtype: "int64" }).reshape(shape);
type Call = { call(...a: torch.Tensor[]): torch.Tensor };

class Net extends nn.Module {
  bag: torch.nn.Module = new nn.EmbeddingBag(10, 6, { mode: "sum" });
  emb: torch.nn.Module = new nn.Embedding(10, 6);
  fc: torch.nn.Module = new nn.Linear(12, 1);
  override forward(tokens: torch.Tensor, offsets: torch.Tensor): torch.Tensor {
    const c = (m: torch.nn.Module): Call => m as unknown as Call;
    return c(this.fc).call(torch.cat([c(this.bag).call(tokens.reshape(-1), offsets), c(this.emb).call(tokens).sum(1)], 1));
  }
}
const close = (a: torch.Tensor, e: Values, tol: number, what: string): void => {
  assert.deepEqual(a.shape, e.shape, what);
  (a.reshape(-1).tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - e.values[i]!) <= tol, `${what} ${i}: ${v} vs ${e.values[i]}`));
};

test("QAT embeddings: prepareQat, SGD steps and convert as PyTorch 1.13", () => {
  const net = new Net();
  net.loadStateDict(new Map(Object.entries(fx.state).map(([k, v]) => [k, t(v)])));
  (net.bag as unknown as { qconfig: unknown }).qconfig = tq.defaultEmbeddingQatQconfig4bit;
  (net.emb as unknown as { qconfig: unknown }).qconfig = tq.defaultEmbeddingQatQconfig;
  net.train();
  tq.prepareQat(net, { mapping: tq.getEmbeddingQatModuleMappings(), inplace: true });
  assert.ok(net.bag instanceof nnqat.EmbeddingBag && net.emb instanceof nnqat.Embedding && net.fc instanceof nn.Linear);
  assert.deepEqual([...net.stateDict().keys()], fx.preparedKeys);
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
  fx.batches.forEach((b, step) => {
    opt.zeroGrad();
    const loss = net.call(long(b.tokens, [4, 3]), long([0, 3, 6, 9])).sub(torch.tensor(b.target).reshape(4, 1)).pow(2).mean();
    loss.backward();
    opt.step();
    assert.ok(Math.abs(Number(loss.item()) - fx.losses[step]!) < 1e-5, `loss ${step}: ${Number(loss.item())} vs ${fx.losses[step]}`);
  });
  close((net.bag as unknown as { weight: torch.Tensor }).weight, fx.trained["bag.weight"]!, 1e-5, "trained bag weight");
  close((net.emb as unknown as { weight: torch.Tensor }).weight, fx.trained["emb.weight"]!, 1e-5, "trained embedding weight");
  net.eval();
  tq.convert(net, { mapping: tq.getEmbeddingStaticQuantModuleMappings(), inplace: true });
  assert.deepEqual(Object.fromEntries([...net.namedChildren()].map(([n, c]) => [n, c._getName()])), fx.converted);
  const check = (q: torch.Tensor, e: QWeight, what: string): void => {
    assert.equal(String(q.dtype), e.dtype, what);
    // Trained in float32 by a different summation order, a weight can sit a rounding away from PyTorch's: within one quantum.
    (q.qPerChannelScales().tolist() as number[]).forEach((s, i) => assert.ok(Math.abs(s - e.scales[i]!) <= 1e-5 * e.scales[i]!, `${what} scale ${i}`));
    const mine = q.intRepr().reshape(-1).tolist() as number[];
    const bits = e.dtype === "torch.quint4x2" ? 4 : 8, unpack = (b: number[]): number[] => bits === 8 ? b : b.flatMap((v) => [v & 15, v >> 4]);
    const [a, b] = [unpack(mine), unpack(e.bytes)];
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1, `${what} value ${i}: ${v} vs ${b[i]}`));
  };
  check((net.bag as unknown as { weight(): torch.Tensor }).weight(), fx.bagWeight, "bag");
  check((net.emb as unknown as { weight(): torch.Tensor }).weight(), fx.embWeight, "embedding");
  const tokens = long(fx.tokens, [2, 3]);
  close((net.bag as unknown as Call).call(tokens.reshape(-1), long(fx.offsets)), fx.bagOut, 2e-2, "bag output");
  close((net.emb as unknown as Call).call(tokens), fx.embOut, 2e-2, "embedding output");
});

test("QAT embedding modules: PyTorch's argument errors; toFloat", () => {
  assert.throws(() => new nnqat.EmbeddingBag(3, 4), { message: fx.errors.noQconfig });
  assert.throws(() => new nnqat.Embedding(3, 4, { qconfig: tq.defaultQatQconfig }), { message: fx.errors.perTensor });
  const q = new nnqat.EmbeddingBag(3, 4, { mode: "sum", qconfig: tq.defaultEmbeddingQatQconfig4bit });
  const f = q.toFloat() as InstanceType<typeof nn.EmbeddingBag>;
  assert.ok(f instanceof nn.EmbeddingBag && f.mode === "sum");
  assert.deepEqual(f.weight.tolist(), q.weight.tolist());
});
