// The remaining torch.* forms of PyTorch 1.13: the native_* tuple forms (layer/batch/group norm,
// dropout, norm, channel shuffle), norm_except_dim, feature_dropout, embedding_bag's four outputs,
// grid_sampler with int modes, affine_grid_generator, conv_tbc, and the functional RNNs and cells.
// Non-obvious values recorded from PyTorch 1.13 (fixtures/forms-more.py → forms-more.json).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { closeNested as close, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const F = torch.nn.functional;
const f64 = { dtype: "float64" as const };
const vals = (t: T): unknown => t.tolist();
const rec = JSON.parse(readFileSync(new URL("./fixtures/forms-more.json", import.meta.url), "utf8")) as Record<string, Record<string, unknown>>;
const t64 = (v: unknown): T => torch.tensor(v as number[], f64);

describe("native normalization forms", () => {
  test("native_layer_norm: (out, mean, rstd) with the normalized dims kept as 1", () => {
    const r = rec["layer_norm"]!;
    const [out, mean, rstd] = torch.nativeLayerNorm(t64(r.x), [4], t64(r.w), t64(r.b), 1e-5);
    close(vals(out), r.out, 1e-12);
    close(vals(mean), r.mean, 1e-12);
    close(vals(rstd), r.rstd, 1e-10);
    assert.deepEqual(torch.nativeLayerNorm(torch.ones(2, 3, 4), [3, 4], null, null, 1e-5)[1].shape, [2, 1, 1]);
    throwsMsg(() => torch.nativeLayerNorm(torch.ones(2, 3), [4], null, null, 1e-5), "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]");
    throwsMsg(() => (torch.nativeLayerNorm as (...a: unknown[]) => unknown)(torch.ones(2, 3), [3]), 'native_layer_norm() missing 3 required positional arguments: "weight", "bias", "eps"');
  });
  test("native_batch_norm: batch statistics and running stats in training, empty saves in evaluation", () => {
    const r = rec["batch_norm"]!;
    const rm = torch.zeros(3, f64), rv = torch.ones(3, f64);
    const [out, saveMean, saveInvstd] = torch.nativeBatchNorm(t64(r.x), null, null, rm, rv, true, 0.1, 1e-5);
    close(vals(out), r.out, 1e-12);
    close(vals(saveMean), r.save_mean, 1e-12);
    close(vals(saveInvstd), r.save_invstd, 1e-10);
    close(vals(rm), r.running_mean, 1e-12);
    close(vals(rv), r.running_var, 1e-12);
    const [evalOut, m0, s0] = torch.nativeBatchNorm(t64(r.x), null, null, rm, rv, false, 0.1, 1e-5);
    assert.deepEqual([m0.shape, s0.shape], [[0], [0]]);
    close(vals(evalOut), vals(F.batchNorm(t64(r.x), rm, rv)));
    throwsMsg(() => torch.nativeBatchNorm(torch.ones(2, 3), null, null, null, null, false, 0.1, 1e-5), "running_mean and running_var must be defined in evaluation mode");
  });
  test("native_group_norm: (out, mean, rstd) of shape (N, group); numel checked against N*C*HxW", () => {
    const r = rec["group_norm"]!;
    const [out, mean, rstd] = torch.nativeGroupNorm(t64(r.x), null, null, 2, 6, 5, 3, 1e-5);
    close(vals(out), r.out, 1e-12);
    close(vals(mean), r.mean, 1e-12);
    close(vals(rstd), r.rstd, 1e-10);
    assert.ok(mean.gradFn === null && !mean.requiresGrad);
    throwsMsg(() => torch.nativeGroupNorm(torch.ones(2, 6, 5), null, null, 2, 6, 4, 3, 1e-5), "Expected X.numel() == N * C * HxW to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
  });
});

describe("dropout and norm forms", () => {
  test("native_dropout: PyTorch's draws, a bool mask; train=false copies, train=null trains", () => {
    const r = rec["native_dropout"]!;
    torch.manualSeed(1);
    const [out, mask] = torch.nativeDropout(torch.tensor(r.x as number[]), 0.3, true);
    assert.deepEqual(vals(out), r.out);
    assert.deepEqual(vals(mask), r.mask);
    assert.equal(mask.dtype, torch.bool);
    const x = torch.tensor([1, 2, 3]);
    const [copy, ones] = torch.nativeDropout(x, 0.5, false);
    assert.deepEqual([vals(copy), vals(ones)], [[1, 2, 3], [true, true, true]]);
    assert.notEqual(copy, x);
    const [zeros, none] = torch.nativeDropout(x, 1, null);
    assert.deepEqual([vals(zeros), vals(none)], [[0, 0, 0], [false, false, false]]);
    throwsMsg(() => torch.nativeDropout(x, 1.5, true), "bernoulli_ expects p to be in [0, 1], but got p=-0.5");
  });
  test("feature_dropout / feature_dropout_: whole channels, PyTorch's draws", () => {
    torch.manualSeed(3);
    assert.deepEqual(vals(torch.featureDropout(torch.ones(2, 4, 2), 0.5, true)), rec["feature_dropout"]);
    const x = torch.ones(2, 3);
    assert.equal(torch.featureDropout_(x, 0.5, false), x);
    torch.manualSeed(3);
    const y = torch.ones(2, 4, 2);
    assert.equal(torch.featureDropout_(y, 0.5, true), y);
    assert.deepEqual(vals(y), rec["feature_dropout"]);
    throwsMsg(() => torch.featureDropout(torch.ones(3), 0.5, true), "Feature dropout requires at least 2 dimensions in the input");
    assert.deepEqual(vals(torch.featureDropout(torch.ones(3), 1, true)), [0, 0, 0]);
    throwsMsg(() => torch.featureDropout(torch.ones(2, 3), 1.5, true), "dropout probability has to be between 0 and 1, but got 1.5");
  });
  test("native_norm, norm_except_dim, native_channel_shuffle", () => {
    assert.equal(torch.nativeNorm(torch.tensor([3, 4], f64)).item(), 5);
    assert.deepEqual(vals(torch.nativeNorm(torch.tensor([[3, 4], [6, 8]], f64), 2, [1], true, null)), [[5], [10]]);
    assert.equal(torch.nativeNorm(torch.tensor([3, 4], { dtype: torch.float32 }), 1, [0], false, torch.float64).dtype, torch.float64);
    const r = rec["norm_except_dim"]!;
    close(vals(torch.normExceptDim(t64(r.v), 3, 1)), r.dim1, 1e-12);
    close(vals(torch.normExceptDim(t64(r.v), { dim: -1 })), r.all, 1e-12);
    assert.deepEqual(torch.normExceptDim(torch.ones(2, 3)).shape, [2, 1]);
    assert.deepEqual(vals(torch.normExceptDim(torch.tensor([-3, 4], f64))), [3, 4]);
    const shuffled = [[[0, 1], [4, 5], [2, 3], [6, 7]]];
    assert.deepEqual(vals(torch.nativeChannelShuffle(torch.arange(8).to("float32").view(1, 4, 2), 2)), shuffled);
    assert.deepEqual(vals(F.nativeChannelShuffle(torch.arange(4).view(1, 4), 2)), [[0, 2, 1, 3]]);
    throwsMsg(() => torch.nativeChannelShuffle(torch.ones(1, 3, 2), 2), "Number of channels must be divisible by groups. Got 3 channels and 2 groups.");
  });
});

describe("embedding_bag, grid_sampler, affine_grid_generator, conv_tbc", () => {
  test("embedding_bag: output, offset2bag, bag_size and max_indices as ATen's CPU kernel", () => {
    const r = rec["embedding_bag"]!;
    const w = torch.tensor(r.weight as number[][], { dtype: torch.float32 }), idx = torch.tensor(r.indices as number[]), off = torch.tensor(r.offsets as number[]);
    const results = r.results as Record<string, unknown[]>;
    const cases: Record<string, () => T[]> = {
      sum: () => torch.embeddingBag(w, idx, off, false, 0),
      sum_double: () => torch.embeddingBag(w.double(), idx, off, false, 0),
      mean: () => torch.embeddingBag(w, idx, off, { mode: 1 }),
      max: () => torch.embeddingBag(w, idx, off, false, 2),
      max_pad: () => torch.embeddingBag(w, idx, off, false, 2, false, null, false, 1),
      mean_pad: () => torch.embeddingBag(w, idx, off, false, 1, false, null, false, -1),
    };
    for (const [name, run] of Object.entries(cases)) {
      const got = run();
      assert.equal(got.length, 4);
      got.forEach((t, i) => close(vals(t), results[name]![i], 1e-6, `${name}[${i}]`));
      assert.equal(got[1]!.dtype, torch.int64);
    }
    throwsMsg(() => torch.embeddingBag(w, idx, off, false, 1, false, torch.ones(6)), "per_sample_weights only supported with mode='sum'");
    throwsMsg(() => torch.embeddingBag(w, idx, off, false, 0, false, null, false, 4), "padding_idx must be within the number of embeddings, -4 through 3, but got 4");
    throwsMsg(() => torch.embeddingBag(w, idx, off, false, 3), "embedding_bag: unknown mode 3; expected 0 (sum), 1 (mean) or 2 (max)");
  });
  test("grid_sampler / grid_sampler_2d with int modes; grid_sampler_3d wants 5-D", () => {
    const r = rec["grid_sampler"]!;
    const x = t64(r.input), g = t64(r.grid);
    close(vals(torch.gridSampler(x, g, 0, 0, false)), r.bilinear_zeros, 1e-12);
    close(vals(torch.gridSampler2d(x, g, 1, 1, true)), r.nearest_border, 1e-12);
    close(vals(torch.gridSampler(x, g, 2, 2, false)), r.bicubic_reflection, 1e-12);
    throwsMsg(() => torch.gridSampler3d(x, g, 0, 0, false), "grid_sampler(): expected 5D input and grid with same number of dimensions, but got input with sizes [1, 2, 3, 3] and grid with sizes [1, 2, 2, 2]");
    throwsMsg(() => torch.gridSampler3d(x, g, 2, 0, false), "grid_sampler(): bicubic interpolation only supports 4D input");
    throwsMsg(() => torch.gridSampler(x, g, 3, 0, false), "interpolation_mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), but got 3");
  });
  test("affine_grid_generator and conv_tbc", () => {
    const theta = torch.eye(2, 3).unsqueeze(0);
    assert.deepEqual(vals(torch.affineGridGenerator(theta, [1, 1, 2, 2], false)), [[[[-0.5, -0.5], [0.5, -0.5]], [[-0.5, 0.5], [0.5, 0.5]]]]);
    throwsMsg(() => (torch.affineGridGenerator as (...a: unknown[]) => unknown)(theta, [1, 1, 2, 2]), 'affine_grid_generator() missing 1 required positional arguments: "align_corners"');
    const r = rec["conv_tbc"]!;
    close(vals(torch.convTbc(t64(r.x), t64(r.w), t64(r.b), 1)), r.out, 1e-12);
    close(vals(F.convTbc(t64(r.x), t64(r.w), t64(r.b), { pad: 1 })), r.out, 1e-12);
    throwsMsg(() => torch.convTbc(torch.ones(4, 2, 3), torch.ones(2, 4, 5), torch.zeros(5)), "Input dim 2 (input channels) is not == dim 1 in the weight tensor");
    throwsMsg(() => (torch.convTbc as (...a: unknown[]) => unknown)(torch.ones(4, 2, 3), torch.ones(2, 3, 5)), 'conv_tbc() missing 1 required positional arguments: "bias"');
  });
});

describe("functional RNN forms", () => {
  test("rnn_tanh / rnn_relu / gru / lstm over flat weights equal nn.RNN / GRU / LSTM", () => {
    torch.manualSeed(0);
    const x = torch.randn(4, 2, 3);
    const cases: [torch.nn.RNNBase, (params: T[]) => T[]][] = [];
    const rnn = new torch.nn.RNN(3, 5, 2, { bidirectional: true });
    const h0 = torch.randn(4, 2, 5);
    cases.push([rnn, (p) => torch.rnnTanh(x, h0, p, true, 2, 0, false, true, false)]);
    const relu = new torch.nn.RNN(3, 5, { nonlinearity: "relu", bias: false });
    const h1 = torch.randn(1, 2, 5);
    cases.push([relu, (p) => torch.rnnRelu(x, h1, p, false, 1, 0, false, false, false)]);
    const gru = new torch.nn.GRU(3, 5, { batchFirst: true });
    const hb = torch.randn(1, 4, 5);
    cases.push([gru, (p) => torch.gru(x, hb, p, true, 1, 0, true, false, true)]);
    const lstm = new torch.nn.LSTM(3, 5, { projSize: 2 });
    const hc: [T, T] = [torch.randn(1, 2, 2), torch.randn(1, 2, 5)];
    cases.push([lstm, (p) => torch.lstm(x, hc, p, true, 1, 0, false, false, false)]);
    const expected = [
      rnn.call(x, h0), relu.call(x, h1), gru.call(x, hb), lstm.call(x, hc),
    ].map((o) => [o[0] as T, ...(Array.isArray(o[1]) ? o[1] : [o[1]]) as T[]]);
    cases.forEach(([m, run], i) => {
      const got = run(m._flatWeights);
      assert.equal(got.length, expected[i]!.length);
      got.forEach((t, k) => close(vals(t), vals(expected[i]![k]!), 1e-6, `case ${i} output ${k}`));
    });
    throwsMsg(() => torch.gru(x, h1, gru._flatWeights.slice(0, 3), true, 1, 0, false, false, false), "got an incorrect number of RNN parameters");
    throwsMsg(() => torch.gru(x, h1, gru._flatWeights, true, 2, 0, false, false, false), "got an incorrect number of RNN parameters");
    throwsMsg(() => torch.rnnTanh(x, h1, rnn._flatWeights, true, 2, 0, false, true, false), "Expected more hidden states in stacked_rnn");
    throwsMsg(() => torch.lstm(x, [h1] as unknown as [T, T], lstm._flatWeights, true, 1, 0, false, false, false), "lstm expects two hidden states");
  });
  test("cells equal nn.RNNCell / LSTMCell / GRUCell; ATen's size checks", () => {
    torch.manualSeed(1);
    const x = torch.randn(3, 4), h = torch.randn(3, 6), c = torch.randn(3, 6);
    const rc = new torch.nn.RNNCell(4, 6), rr = new torch.nn.RNNCell(4, 6, { nonlinearity: "relu" });
    const lc = new torch.nn.LSTMCell(4, 6), gc = new torch.nn.GRUCell(4, 6, false);
    close(vals(torch.rnnTanhCell(x, h, rc.weight_ih, rc.weight_hh, rc.bias_ih, rc.bias_hh)), vals(rc.call(x, h)), 1e-6);
    close(vals(torch.rnnReluCell(x, h, rr.weight_ih, rr.weight_hh, rr.bias_ih, rr.bias_hh)), vals(rr.call(x, h)), 1e-6);
    const [h2, c2] = torch.lstmCell(x, [h, c], lc.weight_ih, lc.weight_hh, lc.bias_ih, lc.bias_hh);
    const [eh, ec] = lc.call(x, [h, c]) as [T, T];
    close([vals(h2), vals(c2)], [vals(eh), vals(ec)], 1e-6);
    close(vals(torch.gruCell(x, h, gc.weight_ih, gc.weight_hh)), vals(gc.call(x, h)), 1e-6);
    throwsMsg(() => torch.gruCell(x, h.get("0:1"), gc.weight_ih, gc.weight_hh), "Input batch size 3 doesn't match hidden0 batch size 1");
    throwsMsg(() => torch.rnnTanhCell(torch.randn(3, 5), h, rc.weight_ih, rc.weight_hh), "input has inconsistent input_size: got 5 expected 4");
  });
});
