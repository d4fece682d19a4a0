// torch.func.vmap's batched path (src/func/batched-tensor.ts, batching-rules.ts): each rule family
// against functorch.vmap's values recorded from PyTorch 1.13 (test/fixtures/vmap-batched.json, made
// by test/fixtures/vmap-batched.py on inputs from the same formula) and against vmap's own loop
// (randomness "different" always runs the loop), counting batched runs and fallbacks.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { batching, vmapStats } from "../src/func/batched-tensor.js";
import { type Fn, batched, both as bothIn, close as closeIn, inp, loadRec } from "./support/vmap-check.js";

const rec = loadRec("vmap-batched.json");
const F = torch.nn.functional;
const { vmap, grad } = torch.func;
type T = torch.Tensor;
const close = (got: T, name: string): void => closeIn(rec, got, name);
const both = (name: string, func: Fn, args: unknown[], options: Record<string, unknown> = {}): void => bothIn(rec, name, func, args, options);

const x = inp([3, 4, 5]), y = inp([5], 1), z = inp([3, 5], 2);

test("pointwise ops broadcast batched with unbatched arguments and other logical ranks; in_dims and out_dims not 0", () => {
  both("pointwise_unbatched_arg", (a: T, b: T) => a.mul(b).add(1).exp().tanh().sub(b.sigmoid()), [x, y], { inDims: [0, null] });
  both("pointwise_ranks", (a: T, b: T) => a.sub(b.mul(2)), [x, z]);
  both("in_dims_1", (a: T) => a.sum(0), [x], { inDims: 1 });
  both("in_dims_2_out_dims_1", (a: T) => torch.softmax(a, -1), [x], { inDims: 2, outDims: 1 });
});

test("reductions over logical dims and views/shape ops", () => {
  both("reductions", (a: T) => torch.logsumexp(a, 1).add(a.amax(0).sum()).add(a.mean()).add(a.sum(1, true).squeeze(1)), [x]);
  both("views", (a: T) => a.t().reshape(-1).view(5, 4).permute(1, 0).unsqueeze(0).squeeze(0).narrow(0, 1, 2).flatten().expand(2, 10).transpose(0, 1).select(1, 1), [x]);
});

test("matmul, mm, bmm, addmm and F.linear (batched and unbatched weights)", () => {
  const w = inp([5, 2], 3);
  both("matmul_unbatched_rhs", (a: T) => a.matmul(w), [x]);
  both("matmul_vector", (a: T, v: T) => a.matmul(v), [x, z]);
  both("mm_bmm_addmm", (a: T, b: T) => torch.mm(a, b.t()).add(torch.addmm(y.get(":4"), a, b.t(), { beta: 0.5, alpha: 2 })).add(torch.bmm(a.unsqueeze(0), b.t().unsqueeze(0)).get(0)), [x, x]);
  const lw = inp([3, 6, 5], 4), lb = inp([3, 6], 5);
  both("linear_batched_weight", (a: T, ww: T, bb: T) => F.linear(a, ww, bb), [x, lw, lb]);
  both("linear_unbatched_weight", (a: T) => F.linear(a, lw.get(0), lb.get(0)), [x]);
});

test("conv2d (batch folded into N, or into the groups for batched weights), max_pool2d, relu", () => {
  const img = inp([4, 2, 3, 6, 6]), cw = inp([5, 3, 3, 3], 6), cb = inp([5], 7);
  both("conv2d_batched_input", (a: T) => F.conv2d(a, cw, cb, { padding: 1 }), [img]);
  both("conv2d_batched_weight", (a: T, ww: T) => F.conv2d(a, ww, null, { stride: 2 }), [img, inp([4, 5, 3, 3, 3], 8)]);
  both("conv2d_groups_batched_weight", (ww: T) => F.conv2d(img.get(0), ww, null, { groups: 3 }), [inp([4, 6, 1, 3, 3], 9)]);
  both("max_pool2d_relu", (a: T) => F.relu(F.maxPool2d(a, 2)), [img]);
});

test("log_softmax, nll_loss, cross_entropy (weight, ignore_index, reductions), mse_loss", () => {
  const logits = inp([4, 5, 6], 10), tgt = torch.arange(20).mul(7).remainder(6).reshape(4, 5);
  both("log_softmax_nll", (l: T, t: T) => F.nllLoss(F.logSoftmax(l, 1), t), [logits, tgt]);
  both("cross_entropy_weight_sum", (l: T, t: T) => F.crossEntropy(l, t, { weight: torch.arange(1, 7).float(), reduction: "sum" }), [logits, tgt]);
  both("cross_entropy_mean_ignore", (l: T, t: T) => F.crossEntropy(l, t, { ignoreIndex: 2 }), [logits, tgt]);
  both("mse_loss", (l: T) => F.mseLoss(l, logits.get(0)), [logits]);
});

test("cat and stack of batched and unbatched tensors; vmap(jacrev(f))", () => {
  both("cat_stack", (a: T) => torch.cat([torch.stack([a, a.mul(2)], 1), y.expand(4, 1, 5)], 1), [x]);
  const w = inp([5, 2], 3);
  both("jacrev", torch.func.jacrev((a: T) => torch.tanh(a.matmul(w))) as Fn, [z]);
});

test("where, comparisons, dtype casts, clone, cumsum, mv, dot, split/chunk/unbind", () => {
  both("where_compare_cast_clone", (a: T) => torch.where(a.gt(y), a, y.mul(2)).add(a.eq(a.clone().round()).double().float()).add(torch.cumsum(a, 1)).add(a.to(torch.float64).sum(0, true).float()), [x]);
  both("mv_dot_split_unbind", (a: T, v: T) => torch.mv(a, v).unsqueeze(1).mul(torch.dot(v, v)).add(torch.stack(a.split(2, 1)[0]!.unbind(1), 1)).add(torch.cat(a.chunk(2, 0), 0).narrow(1, 0, 2)), [x, z]);
});

test("var, std, norm, max, argmax/argmin, layer_norm (batched input; batched weight)", () => {
  both("var_std_norm_max_argmax", (a: T) => a.var(1).add(a.std()).add(a.norm(2, 0).narrow(0, 0, 4)).add(a.max()).add(a.argmax(1).float()).add(a.argmin().float()), [x]);
  const lnw = inp([3, 5], 21), lnb = inp([5], 22);
  both("layer_norm", (a: T, ww: T) => F.layerNorm(a, [5], lnw.get(0), lnb).add(F.layerNorm(a, [4, 5], null, null, 1e-3)).add(F.layerNorm(a, [5], ww, lnb)), [x, lnw]);
});

test("nested vmap runs both levels batched", () => {
  const before = vmapStats.batchedRuns;
  both("nested", vmap((a: T, b: T) => a.mul(b).sum(), { inDims: [0, null] }) as Fn, [x, y], { inDims: [0, null] });
  assert.ok(vmapStats.batchedRuns - before >= 2);
});

test("per-sample gradients vmap(grad(loss)) of an MLP and a small CNN: batched end to end (0 fallbacks), PyTorch's values", () => {
  const mlp = { w1: inp([8, 5], 11).mul(0.5), b1: inp([8], 12).mul(0.1), w2: inp([3, 8], 13).mul(0.5), b2: inp([3], 14).mul(0.1) };
  const mlpLoss = (p: typeof mlp, xx: T, t: T): T => {
    const h = F.relu(F.linear(xx.unsqueeze(0), p.w1, p.b1));
    return F.crossEntropy(F.linear(h, p.w2, p.b2), t.unsqueeze(0));
  };
  const xs = inp([6, 5], 15), ts = torch.arange(6).remainder(3);
  const g = batched("mlp", () => vmap(grad(mlpLoss), { inDims: [null, 0, 0] })(mlp, xs, ts));
  for (const k of ["w1", "b1", "w2", "b2"] as const) close(g[k], "mlp_grad_" + k);
  const cnn = { c: inp([4, 1, 3, 3], 16).mul(0.5), cb: inp([4], 17).mul(0.1), w: inp([3, 36], 18).mul(0.2), b: inp([3], 19).mul(0.1) };
  const cnnLoss = (p: typeof cnn, xx: T, t: T): T => {
    const h = F.maxPool2d(F.relu(F.conv2d(xx.unsqueeze(0), p.c, p.cb)), 2);
    return F.nllLoss(F.logSoftmax(F.linear(torch.flatten(h, 1), p.w, p.b), { dim: 1 }), t.unsqueeze(0));
  };
  const imgs = inp([6, 1, 8, 8], 20);
  const gc = batched("cnn", () => vmap(grad(cnnLoss), { inDims: [null, 0, 0] })(cnn, imgs, ts));
  for (const k of ["c", "cb", "w", "b"] as const) close(gc[k], "cnn_grad_" + k);
});

test("grad(vmap(f)) and chunkSize run batched", () => {
  const gv = batched("grad(vmap)", () => grad((w: T) => vmap((a: T) => a.mul(w).sum().tanh())(x).sum())(y));
  const gl = grad((w: T) => x.mul(w).sum([1, 2]).tanh().sum())(y);
  assert.ok(torch.allclose(gv, gl, { atol: 1e-6 }));
  const chunked = batched("chunkSize", () => vmap((a: T) => a.amax(-1), { chunkSize: 2 })(x));
  assert.ok(torch.equal(chunked, x.amax(-1)));
});

test("an op without a batching rule falls back to the loop (the loop's values); func's errors are thrown, not swallowed", () => {
  const before = vmapStats.fallbacks;
  const cm = vmap((a: T) => torch.cummax(a, 1)[0].mul(2));
  const got = cm(x);
  assert.equal(vmapStats.fallbacks - before, 1);
  assert.match(vmapStats.lastReason, /no batching rule/);
  assert.ok(torch.equal(got, torch.cummax(x, 2)[0].mul(2)));
  // The same vmap(func) then goes straight to the loop.
  const runs = vmapStats.batchedRuns;
  assert.ok(torch.equal(cm(x), got));
  assert.equal(vmapStats.fallbacks - before, 1);
  assert.equal(vmapStats.batchedRuns, runs);
  assert.equal(batching.on, false);
  // A plain view of a BatchedTensor's (poisoned) storage, made by a view op without a rule, is not let out.
  const fb = vmapStats.fallbacks;
  assert.ok(torch.equal(vmap((a: T) => a.diagonal())(x), torch.stack([0, 1, 2].map((i) => x.get(i).diagonal()))));
  assert.equal(vmapStats.fallbacks - fb, 1);
  let calls = 0;
  assert.throws(() => vmap((a: T) => { calls++; throw new Error("boom"); })(x), /^Error: boom$/);
  assert.equal(calls, 2, "the batched call, then the loop's first element throws");
  assert.throws(() => vmap((a: T) => a.matmul(torch.ones(3)))(x), /size mismatch/);
  assert.equal(batching.on, false);
  // Random ops in the default randomness "error" mode still throw PyTorch's error.
  assert.throws(() => vmap((a: T) => a.add(torch.rand(5)))(x), /randomness error mode/);
});
