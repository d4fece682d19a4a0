// The public types say what the functions do. Most of this file is checked by the compiler
// (`npx tsc --noEmit -p .`): `expectType<Equal<A, B>>(true)` fails to compile unless A and B are the
// same type, and every `// @ts-expect-error` line must be an error (an unused one fails tsc), so
// neither passes vacuously. The runtime part calls the same code so the runner checks the values
// behind the types (shapes, nulls) agree with what the types promise; the lines that must not
// compile sit in arrows that never run.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { reboundOverloads } from "../scripts/rebound-overloads.js";

const { nn } = torch;
type PackedSequence = torch.nn.utils.rnn.PackedSequence;

/** true only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(ok: T): T { return ok; }

class Net extends nn.Module {
  fc = new nn.Linear(4, 3);
  override forward(x: Tensor): Tensor { return this.fc.call(x).relu(); }
}
class TwoInputs extends nn.Module {
  override forward(a: Tensor, b: number): [Tensor, number] { return [a.mul(b), b]; }
}

/** Module.call takes exactly forward's parameters and returns forward's type, overloads included. */
function moduleCalls(): Record<string, unknown> {
  const x = torch.randn(5, 2, 4);
  const lstm = new nn.LSTM(4, 3);
  const [y, [h, c]] = lstm.call(x);
  const withHx = lstm.call(x, [h, c]);
  expectType<Equal<typeof withHx, [Tensor, [Tensor, Tensor]]>>(true);
  expectType<Equal<typeof y, Tensor>>(true);
  // @ts-expect-error an LSTM's hx is a pair
  void (() => lstm.call(x, h));
  const gru = new nn.GRU(4, 3);
  const g = gru.call(x);
  expectType<Equal<typeof g, [Tensor, Tensor]>>(true);
  const gh = gru.call(x, g[1]);
  expectType<Equal<typeof gh, [Tensor, Tensor]>>(true);
  // @ts-expect-error a GRU's hx is one tensor
  void (() => gru.call(x, [h, c]));
  const rnn = new nn.RNN(4, 3);
  const r = rnn.call(x);
  expectType<Equal<typeof r, [Tensor, Tensor]>>(true);
  const packed = nn.utils.rnn.packSequence([torch.randn(3, 4), torch.randn(2, 4)]);
  const p = lstm.call(packed);
  expectType<Equal<typeof p, [PackedSequence, [Tensor, Tensor]]>>(true);
  const cell = new nn.LSTMCell(4, 3);
  const hc = cell.call(x.get(0));
  expectType<Equal<typeof hc, [Tensor, Tensor]>>(true);

  const lin = new nn.Linear(4, 3);
  const l = lin.call(x);
  expectType<Equal<typeof l, Tensor>>(true);
  // @ts-expect-error Linear's forward takes one tensor
  void (() => lin.call(x, x));
  // @ts-expect-error nor a number
  void (() => lin.call(1));
  const conv = new nn.Conv2d(1, 2, 3);
  expectType<Equal<ReturnType<typeof conv.call>, Tensor>>(true);

  const mha = new nn.MultiheadAttention(4, 2);
  const q = torch.randn(3, 1, 4);
  const [att, w] = mha.call(q, q, q);
  expectType<Equal<typeof att, Tensor>>(true);
  expectType<Equal<typeof w, Tensor>>(true);
  const noW = mha.call(q, q, q, { needWeights: false });
  expectType<Equal<typeof noW, [Tensor, null]>>(true);
  const noW2 = mha.call(q, q, q, null, false);
  expectType<Equal<typeof noW2, [Tensor, null]>>(true);
  const someW = mha.call(q, q, q, { needWeights: Math.random() > 2 });
  expectType<Equal<typeof someW, [Tensor, Tensor | null]>>(true);
  const masked = mha.call(q, q, q, { attnMask: torch.zeros(3, 3) });
  expectType<Equal<typeof masked, [Tensor, Tensor]>>(true);

  const tr = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
  const t = tr.call(q, q);
  expectType<Equal<typeof t, Tensor>>(true);
  const emb = new nn.Embedding(10, 4);
  const e = emb.call(torch.tensor([1, 2]));
  expectType<Equal<typeof e, Tensor>>(true);
  const bag = new nn.EmbeddingBag(10, 4, { mode: "sum" });
  const b = bag.call(torch.tensor([1, 2, 3]), torch.tensor([0, 1]));
  expectType<Equal<typeof b, Tensor>>(true);

  const net = new Net();
  const n = net.call(torch.randn(2, 4));
  expectType<Equal<typeof n, Tensor>>(true);
  // @ts-expect-error Net.forward takes one tensor
  void (() => net.call(torch.randn(2, 4), 1));
  const two = new TwoInputs().call(x, 2);
  expectType<Equal<typeof two, [Tensor, number]>>(true);

  const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
  const s = seq.call(torch.randn(2, 4));
  expectType<Equal<typeof s, Tensor>>(true);
  const toLstm = new nn.Sequential(new nn.Linear(4, 4), new nn.LSTM(4, 3));
  const sl = toLstm.call(x);
  expectType<Equal<typeof sl, [Tensor | PackedSequence, [Tensor, Tensor]]>>(true);
  const layers: torch.nn.Module[] = [new nn.Linear(4, 4)];
  const spread = new nn.Sequential(...layers);
  expectType<Equal<ReturnType<typeof spread.call>, Tensor>>(true);

  const list = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
  let z: Tensor = torch.randn(2, 4);
  for (const m of list) z = m.call(z);
  const first = list.at(0);
  expectType<Equal<typeof first, torch.nn.Linear>>(true);
  const dict = new nn.ModuleDict({ enc: new nn.Linear(4, 8), rnn: new nn.GRU(8, 3) });
  const enc = dict.get("enc").call(torch.randn(2, 4));
  expectType<Equal<typeof enc, Tensor>>(true);
  const dg = dict.get("rnn").call(torch.randn(5, 1, 8));
  expectType<Equal<typeof dg, [Tensor, Tensor]>>(true);
  // @ts-expect-error no such entry
  void (() => dict.get("dec"));

  // Hooks see the module's own type and output.
  lstm.registerForwardHook((m, _args, out) => {
    expectType<Equal<typeof m, torch.nn.LSTM>>(true);
    expectType<Equal<typeof out, [Tensor | PackedSequence, [Tensor, Tensor]]>>(true);
  });
  const generic: torch.nn.ForwardHook = () => undefined;
  lin.registerForwardHook(generic).remove();
  // @ts-expect-error a Linear's forward hook returns a Tensor (or nothing), not a number
  void (() => lin.registerForwardHook(() => 1));

  return { y, h, c, p, hc, l, att, w, noW, noW2, masked, t, e, b, n, two, s, sl, z, enc, dg, g, gh, r };
}

class Pairs extends torch.utils.data.Dataset<[Tensor, number]> {
  override getItem(i: number): [Tensor, number] { return [torch.full([2], i), i % 2]; }
  override get length(): number { return 5; }
}
class Counter extends torch.utils.data.IterableDataset<number> {
  *[Symbol.iterator](): Iterator<number> { for (let i = 0; i < 5; i++) yield i; }
}

/** A DataLoader is typed by its dataset: loader.dataset is what was passed, batches by the collate function. */
function loaders(): Record<string, unknown> {
  const pairs = new Pairs();
  const loader = new torch.utils.data.DataLoader(pairs, { batchSize: 2 });
  expectType<Equal<typeof loader.dataset, Pairs>>(true);
  const ds: Pairs = loader.dataset;
  const batches: [Tensor, Tensor][] = [...loader];
  const stream = new torch.utils.data.DataLoader(new Counter(), 2);
  expectType<Equal<typeof stream.dataset, Counter>>(true);
  const counted: Tensor[] = [...stream];
  const summed = new torch.utils.data.DataLoader(pairs, {
    batchSize: 5,
    collateFn: (items) => items.reduce((n, [, label]) => n + label, 0),
  });
  expectType<Equal<typeof summed, torch.utils.data.DataLoader<Pairs, number>>>(true);
  const labels: number[] = [...summed];
  const tds = new torch.utils.data.TensorDataset(torch.zeros(4, 2), torch.ones(4));
  const tl = new torch.utils.data.DataLoader(tds, 2);
  expectType<Equal<typeof tl.dataset, torch.utils.data.TensorDataset>>(true);
  // @ts-expect-error the collate function gets the dataset's items
  void (() => new torch.utils.data.DataLoader(pairs, { collateFn: (items: string[]) => items }));
  return { ds, batches, counted, labels };
}

/** An optimizer's groups carry their learning rate as a number (what schedulers and users read). */
function paramGroupLr(): number[] {
  const opt = new torch.optim.SGD(new Net().parameters(), { lr: 0.1, momentum: 0.9 });
  const lr = opt.paramGroups[0]!.lr;
  expectType<Equal<typeof lr, number>>(true);
  new torch.optim.lrScheduler.StepLR(opt, 1, { gamma: 0.5 }).step();
  // Schedulers' arguments are typed (positional or in the options object), not unknown[].
  void (() => new torch.optim.lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5 }));
  // @ts-expect-error a step size is a number
  void (() => new torch.optim.lrScheduler.StepLR(opt, "2"));
  // @ts-expect-error OneCycleLR has no option maxLR
  void (() => new torch.optim.lrScheduler.OneCycleLR(opt, { maxLR: 1, totalSteps: 10 }));
  return opt.paramGroups.map((g) => g.lr * 2);
}

/** Plain-parameter ops take their parameters in the options object in their types too (API.md rule 2). */
function optionsForms(): Tensor[] {
  const F = torch.nn.functional;
  const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  const w = torch.ones(4, 3);
  const t1 = torch.transpose(x, { dim0: 0, dim1: 1 });
  expectType<Equal<typeof t1, Tensor>>(true);
  const t2 = torch.transpose(x, 0, { dim1: 1 });
  const l1 = F.linear(x, { weight: w });
  const l2 = F.linear({ input: x, weight: w, bias: torch.ones(4) });
  const m1 = torch.mm(x, { mat2: w.t() });
  const f1 = torch.full({ size: [2], fillValue: 1.5, dtype: torch.float64 });
  const e1 = torch.eq(x, { other: t2.t() });
  const d1 = torch.dist(x, { other: torch.zeros(2, 3), p: 1 });
  const c1 = F.conv1d({ input: x.unsqueeze(0), weight: torch.ones(1, 2, 3), padding: 1 });
  expectType<Equal<typeof c1, Tensor>>(true);
  // @ts-expect-error dim1 is required
  void (() => torch.transpose(x, { dim0: 0 }));
  // @ts-expect-error a weight is a tensor
  void (() => F.linear(x, { weight: 1 }));
  // @ts-expect-error an options object comes last
  void (() => torch.transpose({ input: x }, 0, 1));
  // Methods take the forms without the tensor: x.transpose({ dim0: 0, dim1: 1 }).
  const t3 = x.transpose({ dim0: 0, dim1: 1 });
  expectType<Equal<typeof t3, Tensor>>(true);
  const l3 = x.mm({ mat2: w.t() });
  // @ts-expect-error a method's options have no input
  void (() => x.transpose({ input: x, dim0: 0, dim1: 1 }));
  // @ts-expect-error methods take no out=
  void (() => x.mm({ mat2: w.t(), out: torch.empty(0) }));
  // @ts-expect-error transpose takes two dims
  void (() => torch.transpose(x, 0));
  return [t1, t2, l1, l2, m1, f1, e1, d1, c1, t3, l3];
}

describe("public types", () => {
  test("param groups' lr is a number", () => {
    assert.deepEqual(paramGroupLr(), [0.1]);
  });

  test("every plain-parameter op that rebinds at run time has its options-form overload", () => {
    // An op written with rebind later needs `npx tsx scripts/rebound-overloads.ts --write`.
    const { done, already } = reboundOverloads(false);
    assert.deepEqual(done, []);
    assert.ok(already.length > 300, `only ${already.length} ops have the overloads`);
  });

  test("ops take the options forms their types allow", () => {
    const [t1, t2, l1, l2, m1, f1, e1, d1, c1, t3, l3] = optionsForms();
    const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    assert.deepEqual(t1!.tolist(), x.t().tolist());
    assert.deepEqual(t2!.tolist(), x.t().tolist());
    assert.deepEqual(l1!.tolist(), [[3, 3, 3, 3], [12, 12, 12, 12]]);
    assert.deepEqual(l2!.tolist(), [[4, 4, 4, 4], [13, 13, 13, 13]]);
    assert.deepEqual(m1!.tolist(), l1!.tolist());
    assert.equal(f1!.dtype, torch.float64);
    assert.deepEqual(f1!.tolist(), [1.5, 1.5]);
    assert.deepEqual(e1!.tolist(), [[true, true, true], [true, true, true]]);
    assert.equal(d1!.item(), 15);
    assert.deepEqual(c1!.tolist(), [[[8, 15, 12]]]);
    assert.deepEqual(t3!.tolist(), x.t().tolist());
    assert.deepEqual(l3!.tolist(), l1!.tolist()); // F.conv1d(input=..., weight=..., padding=1) in PyTorch 1.13
  });

  test("a DataLoader keeps its dataset and collate types", () => {
    const v = loaders();
    assert.ok(v.ds instanceof Pairs);
    const batches = v.batches as [Tensor, Tensor][];
    assert.equal(batches.length, 3);
    assert.deepEqual(batches[0]![0].shape, [2, 2]);
    assert.deepEqual(batches[0]![1].tolist(), [0, 1]);
    assert.deepEqual((v.counted as Tensor[]).map((t) => t.tolist()), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(v.labels, [2]);
  });

  test("module calls give what their types say", () => {
    torch.manualSeed(0);
    const v = moduleCalls();
    assert.deepEqual((v.y as Tensor).shape, [5, 2, 3]);
    assert.deepEqual((v.c as Tensor).shape, [1, 2, 3]);
    assert.ok(v.p instanceof nn.utils.rnn.PackedSequence === false && Array.isArray(v.p));
    assert.ok((v.p as unknown[])[0] instanceof nn.utils.rnn.PackedSequence);
    assert.ok(v.w instanceof torch.Tensor);
    assert.equal((v.noW as unknown[])[1], null);
    assert.equal((v.noW2 as unknown[])[1], null);
    assert.deepEqual((v.n as Tensor).shape, [2, 3]);
    assert.deepEqual((v.s as Tensor).shape, [2, 2]);
    assert.deepEqual((v.enc as Tensor).shape, [2, 8]);
    assert.deepEqual((v.two as [Tensor, number])[1], 2);
  });
});
