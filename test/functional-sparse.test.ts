// F.embedding / embedding_bag / one_hot beyond the conformance file: padding_idx (negative too),
// scale_grad_by_freq, max_norm renormalising in place, bag modes with offsets, padding and
// include_last_offset, per_sample_weights, gradients and double backward, bad input.
// Reference values: PyTorch 1.13 (same semantics) on the same deterministic inputs.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { det, long, close } from "./support/reference.js";

const F = torch.nn.functional;
type Tensor = torch.Tensor;



const REF: Record<string, number[]> = {
  "emb_pad_neg": [0.0, 0.9663265309, 1.478174595, -1.31954364, -1.468766594, -0.9272056684, -1.307363659, -1.473678919, -0.9468999568, -1.31954364, -1.468766594, -0.9272056684],
  "emb_pad_grad": [1.262206477, 1.487497216, 1.013194771, 0.0, 0.0, 0.0, -1.325181984, -0.5608149972, 0.4673120453, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  "emb_freq_grad": [0.0, 0.0, 0.0, 0.4965960748, -0.07833312168, -0.616421027, -0.1246341042, 0.8676596466, 1.451879508, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  "emb_maxnorm_out": [0.7628708558, 0.2960494947, -0.3100085697, -0.5018066976, -0.56564365, -0.3634495553, 0.7628708558, 0.2960494947, -0.3100085697],
  "emb_maxnorm_w": [0.0, 2.898979593, 4.434523785, 0.7628708558, 0.2960494947, -0.3100085697, -0.5018066976, -0.56564365, -0.3634495553, 0.07566255218, 2.956439694, 4.446757052, 3.845695086, 1.435942631, -1.649156082, -3.95863092, -4.406299781, -2.781617005],
  "bag_sum": [-0.01254960865, -0.9711966937, -1.473074798, 0.0, 0.0, 0.0, 1.244253084, -0.5114715067, -2.026643056, -1.282142808, 0.47812751, 2.013526989],
  "bag_sum_pad": [-0.01254960865, -0.9711966937, -1.473074798, 0.0, 0.0, 0.0, -1.31954364, -1.468766594, -0.9272056684, -1.282142808, 0.47812751, 2.013526989],
  "bag_sum_last": [-0.01254960865, -0.9711966937, -1.473074798, 0.0, 0.0, 0.0, 1.244253084, -0.5114715067, -2.026643056, -1.282142808, 0.47812751, 2.013526989],
  "bag_sum_grad": [0.1866816353, -0.8160316663, -1.434952524, 0.2116800121, -0.7947542114, -1.427403111, 0.0, 0.0, 0.0, 0.1866816353, -0.8160316663, -1.434952524, 2.381003592, 2.996824026, 2.203191294, 1.190501796, 1.498412013, 1.101595647],
  "bag_mean": [-0.006274804324, -0.4855983469, -0.7365373992, 0.0, 0.0, 0.0, 0.4147510281, -0.1704905022, -0.6755476854, -0.427380936, 0.1593758367, 0.671175663],
  "bag_mean_pad": [-0.006274804324, -0.4855983469, -0.7365373992, 0.0, 0.0, 0.0, -1.31954364, -1.468766594, -0.9272056684, -0.427380936, 0.1593758367, 0.671175663],
  "bag_mean_last": [-0.006274804324, -0.4855983469, -0.7365373992, 0.0, 0.0, 0.0, 0.4147510281, -0.1704905022, -0.6755476854, -0.427380936, 0.1593758367, 0.671175663],
  "bag_mean_grad": [0.09334081763, -0.4080158332, -0.7174762622, 0.2116800121, -0.7947542114, -1.427403111, 0.0, 0.0, 0.0, 0.09334081763, -0.4080158332, -0.7174762622, 0.7936678638, 0.9989413418, 0.7343970979, 0.3968339319, 0.4994706709, 0.3671985489],
  "bag_max": [1.29481405, 0.5024822252, -0.5261748415, 0.0, 0.0, 0.0, 1.281898362, 0.4786475435, -0.5497186939, 0.02522085073, 0.9854798981, 1.482252351],
  "bag_max_pad": [1.29481405, 0.5024822252, -0.5261748415, 0.0, 0.0, 0.0, -1.31954364, -1.468766594, -0.9272056684, 0.02522085073, 0.9854798981, 1.482252351],
  "bag_max_last": [1.29481405, 0.5024822252, -0.5261748415, 0.0, 0.0, 0.0, 1.281898362, 0.4786475435, -0.5497186939, 0.02522085073, 0.9854798981, 1.482252351],
  "bag_max_grad": [0.0, 0.0, 0.0, 0.2116800121, -0.7947542114, -1.427403111, 0.0, 0.0, 0.0, 0.1866816353, -0.8160316663, -1.434952524, 1.190501796, 1.498412013, 1.101595647, 0.0, 0.0, 0.0],
  "bag_psw": [-0.3103771214, -1.557856969, -2.072652342, 0.0, 0.0, 0.0, 2.393020912, 0.832651171, -1.119327426, -1.695513555, 0.03404207887, 1.747587191],
  "bag_psw_gw": [0.1046938608, -0.4576427967, -0.804742896, 0.2671838824, -1.003143913, -1.801677452, 0.5622605683, -2.263585139, -4.024831386, 0.2737303813, -1.196543296, -2.104063965, 2.298837071, 2.893406037, 2.127160933, 0.07425277994, 0.09345744613, 0.06870761509],
  "bag_psw_gp": [0.6257999948, 2.246077716, 1.637745811, -4.793142309, 1.637745811, -2.926436286, 2.317264362, -2.909663416],
  "bag_2d": [1.29481405, 0.9854798981, 1.482252351, 0.0, 0.9663265309, 1.478174595],
};

function gradW(f: (w: Tensor) => Tensor, w: Tensor, go: Tensor): Tensor {
  const wg = w.clone().requiresGrad_(true);
  f(wg).mul(go).sum().backward();
  return wg.grad!;
}

test("embedding: padding_idx, scale_grad_by_freq, max_norm", () => {
  const W = det([6, 3]);
  close(F.embedding(long([[0, 5], [2, 5]]), W, { paddingIdx: -1 }), REF.emb_pad_neg!, "padding_idx=-1 forward");
  close(gradW((w) => F.embedding(long([[0, 5], [2, 5]]), w, { paddingIdx: -1 }), W, det([2, 2, 3], 1)), REF.emb_pad_grad!, "no gradient to the padding row");
  close(gradW((w) => F.embedding(long([1, 1, 2, 1, 0]), w, { scaleGradByFreq: true, paddingIdx: 0 }), W, det([5, 3], 2)), REF.emb_freq_grad!, "scale_grad_by_freq");
  const Wr = det([6, 3]).mul(3);
  const v0 = Wr._version;
  close(F.embedding(long([1, 2, 1]), Wr, { maxNorm: 1, normType: 1.5 }), REF.emb_maxnorm_out!, "max_norm out");
  close(Wr, REF.emb_maxnorm_w!, "max_norm renormalises the used rows in place");
  assert.ok(Wr._version > v0);
  // int32 indices work; float32 weights keep their dtype.
  assert.equal(F.embedding(torch.tensor([1, 2], { dtype: "int32" }), W.float()).dtype, torch.float32);
  const w = det([5, 2]).requiresGrad_(true);
  assert.ok(torch.autograd.gradgradcheck((x) => F.embedding(long([[1, 4], [4, 0]]), x, { paddingIdx: 0 }).pow(2), [w]));
});

test("embedding_bag: sum/mean/max with offsets, padding_idx, include_last_offset, per_sample_weights, 2-D input", () => {
  const W = det([6, 3]), ii = long([1, 2, 4, 5, 4, 3, 2, 0]), off = long([0, 2, 2, 5]);
  for (const mode of ["sum", "mean", "max"] as const) {
    close(F.embeddingBag(ii, W, off, { mode }), REF[`bag_${mode}`]!, `${mode}`);
    close(F.embeddingBag(ii, W, off, { mode, paddingIdx: 4 }), REF[`bag_${mode}_pad`]!, `${mode} padding_idx`);
    close(F.embeddingBag(ii, W, long([0, 2, 2, 5, 8]), { mode, includeLastOffset: true }), REF[`bag_${mode}_last`]!, `${mode} include_last_offset`);
    close(gradW((w) => F.embeddingBag(ii, w, off, { mode, paddingIdx: 2 }), W, det([4, 3], 3)), REF[`bag_${mode}_grad`]!, `${mode} gradient`);
  }
  const psw = det([8], 1).abs().requiresGrad_(true), Wg = W.clone().requiresGrad_(true);
  const o = F.embeddingBag(ii, Wg, off, { mode: "sum", perSampleWeights: psw });
  close(o, REF.bag_psw!, "per_sample_weights");
  o.mul(det([4, 3], 3)).sum().backward();
  close(Wg.grad!, REF.bag_psw_gw!, "per_sample_weights: weight grad");
  close(psw.grad!, REF.bag_psw_gp!, "per_sample_weights: their grad");
  close(F.embeddingBag(long([[1, 2, 3], [0, 0, 5]]), W, { mode: "max" }), REF.bag_2d!, "2-D input");
  const w = det([6, 2]).requiresGrad_(true), p = det([8], 2).abs().requiresGrad_(true);
  assert.ok(torch.autograd.gradgradcheck((a, b) => F.embeddingBag(ii, a, off, { mode: "sum", perSampleWeights: b }).pow(2), [w, p]));
  assert.ok(torch.autograd.gradcheck((a) => F.embeddingBag(ii, a, off, { mode: "mean", paddingIdx: 4 }), [w]));
});

test("one_hot", () => {
  const r = F.oneHot(long([[0, 2], [1, 4]]));
  assert.equal(r.dtype, torch.int64);
  assert.deepEqual(r.shape, [2, 2, 5]);
  assert.deepEqual(r.sum(-1).tolist(), [[1, 1], [1, 1]]);
  assert.deepEqual(F.oneHot(long([1]), 3).tolist(), [[0, 1, 0]]);
  assert.deepEqual(F.oneHot(torch.zeros([0], { dtype: "int64" }), 4).shape, [0, 4]);
});

test("sparse functions reject bad input in PyTorch's words", () => {
  const W = det([6, 3]);
  assert.throws(() => F.embedding(long([1, 6]), W), /index out of range in self/);
  assert.throws(() => F.embedding(torch.tensor([1.0, 2.0], { dtype: "float64" }), W), /Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.DoubleTensor instead \(while checking arguments for embedding\)/);
  assert.throws(() => F.embedding(long([1]), W, { paddingIdx: 7 }), /Padding_idx must be within num_embeddings/);
  assert.throws(() => F.embedding(long([1]), det([6])), /'weight' must be 2-D/);
  assert.throws(() => F.embeddingBag(long([1, 2]), W, long([1])), /offsets\[0\] has to be 0/);
  assert.throws(() => F.embeddingBag(long([1, 2]), W), /offsets has to be a 1D Tensor but got None/);
  assert.throws(() => F.embeddingBag(long([[1, 2]]), W, long([0])), /if input is 2D, then offsets has to be None/);
  assert.throws(() => F.embeddingBag(long([1, 2]), W, long([0]), { mode: "mean", perSampleWeights: det([2]) }), /per_sample_weights is only supported for mode='sum' \(got mode='mean'\)/);
  assert.throws(() => F.embeddingBag(long([1, 2]), W, long([0]), { mode: "max", scaleGradByFreq: true }), /max mode does not support scaling the gradient by the frequency/);
  assert.throws(() => F.embeddingBag(long([1, 2]), W, long([0]), { mode: "avg" as "sum" }), /mode has to be one of sum, mean or max/);
  assert.throws(() => F.oneHot(long([0, 2]), 2), /Class values must be smaller than num_classes\./);
  assert.throws(() => F.oneHot(long([0, -1])), /Class values must be non-negative\./);
  assert.throws(() => F.oneHot(torch.tensor([0, 1], { dtype: "int32" })), /one_hot is only applicable to index tensor/);
  assert.throws(() => F.oneHot(torch.zeros([0], { dtype: "int64" })), /Can not infer total number of classes from empty tensor\./);
});
