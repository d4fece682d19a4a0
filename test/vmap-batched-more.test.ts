// vmap's batching rules for max/min/sort/topk/median/kthvalue/mode along a dim, cumprod, gather/index_select, x.get(index tensor), F.embedding,
// avg_pool1d/2d, flip/roll, triu/tril, where with scalars, sum/mean with a dtype, dropout in eval,
// nll_loss with (batched) class weights and cross_entropy with label smoothing / probabilities:
// each against test/fixtures/vmap-batched-more.json (test/fixtures/vmap-batched-more.py: functorch
// 1.13's vmap, or the per-element loop where functorch refuses) and against vmap's own loop, with
// no fallback.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { vmapStats } from "../src/func/batched-tensor.js";
import { type Fn, batched, both as bothIn, inp, loadRec } from "./support/vmap-check.js";

const rec = loadRec("vmap-batched-more.json");
const F = torch.nn.functional;
const { vmap } = torch.func;
type T = torch.Tensor;
const both = (name: string, func: Fn, args: unknown[], options: Record<string, unknown> = {}): void => bothIn(rec, name, func, args, options);

/** The fixture script's idx: (arange(n) * mul + k) % mod shaped (int64). */
function idx(shape: number[], mod: number, mul = 7, k = 0): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n).mul(mul).add(k).remainder(mod).reshape(shape);
}

const x = inp([3, 4, 5]);

test("max/min along a dim (values and indices), sort, topk, median, kthvalue, mode, cumprod", () => {
  both("max_min_dim", (a: T) => torch.max(a, 1).values.add(torch.min(a, -1, true).values).add(torch.max(a, 0)[1].narrow(0, 0, 4)).add(torch.min(a, 1).indices.mul(10)), [x]);
  both("sort_topk", (a: T) => torch.sort(a, 1, true).values.narrow(1, 0, 2).add(torch.sort(a, 0)[1].narrow(1, 0, 2).float())
    .add(torch.topk(a, 2, 1).values).add(torch.topk(a, 2, 0, false)[1].t().float().narrow(0, 0, 4)), [x]);
  both("median_kthvalue_mode_cumprod", (a: T) => torch.median(a, 1).values.add(torch.median(a)).add(torch.kthvalue(a, 2, 1)[0]).add(torch.kthvalue(a, 3, 0, true)[1].get(0).narrow(0, 0, 4))
    .add(torch.mode(a.round(), 1).values).add(torch.cumprod(a, 1).select(1, -1)), [x]);
  // The named fields and the tuple order survive the rule.
  const r = batched("max_fields", () => vmap((a: T) => { const m = torch.max(a, 1); assert.equal(m[0], m.values); return m.indices; })(x));
  assert.ok(torch.equal(r, x.max(2).indices));
});

test("gather and index_select with batched inputs and/or indices", () => {
  const gi = idx([3, 4, 2], 5);
  both("gather", (a: T, i: T) => torch.gather(a, 1, i).add(torch.gather(a, 1, gi.get(0))), [x, gi]);
  both("gather_unbatched_input", (i: T) => torch.gather(x.get(0), 1, i), [gi]);
  const si = idx([3, 6], 4, 7, 1);
  both("index_select", (a: T, i: T) => torch.indexSelect(a, 0, i).sum(1).add(torch.indexSelect(a, 1, si.get(0)).sum(1).narrow(0, 0, 1)), [x, si]);
  both("index_select_unbatched_input", (i: T) => torch.indexSelect(x.get(0), 1, i), [si]);
  const i32 = batched("index_select_int32", () => vmap((a: T, i: T) => torch.indexSelect(a, 0, i))(x, si.int()));
  assert.ok(torch.equal(i32, vmap((a: T, i: T) => torch.indexSelect(a, 0, i))(x, si)));
  // A negative dim (functorch 1.13's rule mis-handles it with an unbatched input; the loop is the reference).
  const neg = batched("index_select_neg_dim", () => vmap((i: T) => torch.indexSelect(x.get(0), -1, i))(si));
  assert.ok(torch.equal(neg, torch.stack([0, 1, 2].map((b) => torch.indexSelect(x.get(0), 1, si.get(b))))));
});

test("x.get(...) with one integer index tensor (batched and/or unbatched, negative entries), basic entries around it", () => {
  const ti = torch.tensor([[0, 2, -1], [1, 1, 0], [3, 0, -4]]);
  both("index_tensor", (a: T, i: T) => a.get(i).add(x.get(0).get(i).mul(2)), [x, ti]);
  both("index_tensor_dim1", (a: T, i: T) => a.get("1:", i.remainder(5)).add(a.get(torch.tensor([[1, 2], [0, 0]]), 1).sum()), [x, ti]);
  // A mask (a data-dependent shape) still falls back to the loop.
  const before = vmapStats.fallbacks;
  assert.ok(torch.allclose(vmap((a: T) => a.get(a.gt(0)).sum())(x), torch.stack([0, 1, 2].map((b) => x.get(b).get(x.get(b).gt(0)).sum()))));
  assert.equal(vmapStats.fallbacks - before, 1);
});

test("F.embedding with batched indices, a batched weight, both; padding_idx with an unbatched weight", () => {
  const ew = inp([4, 7, 3], 1), ei = idx([4, 2, 5], 7, 3);
  both("embedding_batched_indices", (i: T) => F.embedding(i, ew.get(0)), [ei]);
  both("embedding_batched_weight", (w: T) => F.embedding(ei.get(0), w), [ew]);
  both("embedding_both", (i: T, w: T) => F.embedding(i, w), [ei, ew]);
  both("embedding_padding_idx", (i: T) => F.embedding(i, ew.get(0), { paddingIdx: 2 }), [ei]);
  // Per-sample gradients of the batched weight stay per sample (the offsets do not mix rows).
  const g = batched("embedding_grad", () => vmap(torch.func.grad((w: T, i: T) => F.embedding(i, w).pow(2).sum()))(ew, ei));
  for (let b = 0; b < 4; b++) {
    const w = ew.get(b).detach().requiresGrad_();
    F.embedding(ei.get(b), w).pow(2).sum().backward();
    assert.ok(torch.allclose(g.get(b), w.grad!, { atol: 1e-6 }), `embedding grad ${b}`);
  }
  // Nested: weights batched at the outer level, indices at the inner one (no value read: no fallback).
  const nested = batched("embedding_nested", () => vmap((w: T) => vmap((i: T) => F.embedding(i, w))(ei))(ew));
  const want = torch.stack([0, 1, 2, 3].map((b) => torch.stack([0, 1, 2, 3].map((c) => F.embedding(ei.get(c), ew.get(b))))));
  assert.ok(torch.equal(nested, want));
  // An index out of range is PyTorch's error, not another batch element's row.
  assert.throws(() => vmap((w: T) => F.embedding(torch.tensor([0, 7]), w))(ew), /index out of range in self/);
});

test("avg_pool1d/2d (batched N or unbatched input), flip, roll, triu/tril", () => {
  const img = inp([4, 2, 3, 6, 6], 2);
  both("avg_pool2d", (a: T) => F.avgPool2d(a, 2).add(F.avgPool2d(a, 3, { stride: 2, padding: 1, countIncludePad: false }).narrow(-2, 0, 3).narrow(-1, 0, 3)), [img]);
  both("avg_pool2d_unbatched_rank", (a: T) => F.avgPool2d(a, [2, 3], { ceilMode: true }), [img.select(1, 0)]);
  both("avg_pool1d", (a: T) => F.avgPool1d(a, 3, { stride: 2, padding: 1 }), [inp([3, 2, 4, 9], 3)]);
  both("flip_roll", (a: T) => torch.flip(a, [0, -1]).add(torch.roll(a, 2, 1)).add(torch.roll(a, [1, -2], [0, -1])).add(torch.roll(a, 3)), [x]);
  both("triu_tril", (a: T) => torch.triu(a).add(torch.tril(a, -1).mul(2)).add(torch.triu(a, 2).mul(3)), [x]);
});

test("where with scalars, sum/mean with a dtype, dropout in eval; random dropout still refused in randomness 'error'", () => {
  both("where_scalars", (a: T) => torch.where(a.gt(0), a, 0.5).add(torch.where(a.lt(0.2), 1.0, a)).add(torch.where(a.gt(0.5), 2.0, -1.0)), [x]);
  const s = batched("sum_mean_dtype", () => vmap((a: T) => a.sum({ dtype: torch.float64 }).add(a.mean(1, false, { dtype: torch.float64 })).add(torch.sum(a, [0, 1], false, { dtype: torch.float64 })))(x));
  assert.equal(s.dtype, torch.float64);
  both("sum_mean_dtype", (a: T) => a.sum({ dtype: torch.float64 }).add(a.mean(1, false, { dtype: torch.float64 })).add(torch.sum(a, [0, 1], false, { dtype: torch.float64 })), [x]);
  both("dropout_eval", (a: T) => F.dropout(a, 0.5, false).mul(2), [x]);
  assert.throws(() => vmap((a: T) => F.dropout(a, 0.5))(x), /randomness error mode/);
});

test("nll_loss with class weights (batched too), cross_entropy with label smoothing and probability targets", () => {
  const logits = inp([4, 5, 6], 10), tgt = idx([4, 5], 6);
  const cw = torch.arange(1, 7).float(), wb = inp([4, 6], 4).abs().add(0.1);
  both("nll_loss_weight", (l: T, t: T) => F.nllLoss(F.logSoftmax(l, 1), t, { weight: cw }).add(F.nllLoss(F.logSoftmax(l, 1), t, { weight: cw, reduction: "sum" })), [logits, tgt]);
  both("nll_loss_batched_weight", (l: T, t: T, w: T) => F.nllLoss(l, t, { weight: w, ignoreIndex: 3 }).add(F.nllLoss(l, t, { weight: w, reduction: "none" }).sum()), [logits, tgt, wb]);
  // A batched weight of another size: the loop's error, PyTorch's words.
  assert.throws(() => vmap((l: T, t: T, w: T) => F.nllLoss(l, t, { weight: w }))(logits, tgt, inp([4, 8])), /weight tensor should be defined either for all 6 classes or no classes/);
  both("cross_entropy_label_smoothing", (l: T, t: T) => F.crossEntropy(l, t, { labelSmoothing: 0.2 }), [logits, tgt]);
  both("cross_entropy_label_smoothing_weight", (l: T, t: T) => F.crossEntropy(l, t, { weight: cw, labelSmoothing: 0.1, ignoreIndex: 2 })
    .add(F.crossEntropy(l, t, { weight: cw, labelSmoothing: 0.3, reduction: "none" }).sum()), [logits, tgt]);
  both("cross_entropy_label_smoothing_batched_weight", (l: T, t: T, w: T) => F.crossEntropy(l, t, { weight: w, labelSmoothing: 0.25, reduction: "sum" }), [logits, tgt, wb]);
  const probs = torch.softmax(inp([4, 5, 6], 11), -1);
  both("cross_entropy_probs", (l: T, p: T) => F.crossEntropy(l, p).add(F.crossEntropy(l, p, { weight: cw, labelSmoothing: 0.1 })), [logits, probs]);
  // Per-sample gradients through label smoothing run batched and match the per-sample backward.
  const before = vmapStats.fallbacks;
  const g = vmap(torch.func.grad((l: T, t: T) => F.crossEntropy(l, t, { labelSmoothing: 0.2 })))(logits, tgt);
  assert.equal(vmapStats.fallbacks, before);
  const l0 = logits.get(1).detach().requiresGrad_();
  F.crossEntropy(l0, tgt.get(1), { labelSmoothing: 0.2 }).backward();
  assert.ok(torch.allclose(g.get(1), l0.grad!, { atol: 1e-6 }));
});
