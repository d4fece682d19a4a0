// The torch.* forms of nn.functional ops, bound to PyTorch's ATen signatures (torch.batch_norm's
// positional cudnn_enabled, torch.dropout's required train, torch.embedding's weight first, the
// losses' integer reduction whose omitted value means none in PyTorch's Python binding), plus
// F.channel_shuffle / nn.ChannelShuffle. Expected values recorded from PyTorch 1.13.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested as close, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const F = torch.nn.functional;
const f64 = { dtype: "float64" as const };
const vals = (t: T): unknown => t.tolist();

describe("convolution and pooling forms", () => {
  test("conv and conv_transpose", () => {
    const x = torch.tensor([[[0.5, -1, 2, 3.5, -0.25, 1.5]]], f64), w = torch.tensor([[[1, -0.5, 0.25]]], f64);
    close(vals(torch.conv1d(x, w, null, 1, 1)), [[[-0.5, 1.5, -1.125, 0.1875, 4.0, -1.0]]]);
    close(vals(torch.conv1d(x, w, { padding: "same" })), [[[-0.5, 1.5, -1.125, 0.1875, 4.0, -1.0]]]);
    close(vals(torch.convTranspose1d(x, w, torch.tensor([0.5], f64), 2)), [[[1.0, 0.25, -0.375, 1.0, 2.25, -0.5, 4.5, -1.25, 1.125, 0.625, 1.9375, -0.25, 0.875]]]);
    assert.equal(torch.conv2d, F.conv2d);
  });
  test("max/avg/adaptive pools: torch.max_pool* return values only, adaptive_max_pool1d always a pair", () => {
    const xx = torch.arange(12).to("float32").view(1, 2, 6);
    assert.deepEqual(vals(torch.maxPool1d(xx, 3, 2)), [[[2, 4], [8, 10]]]);
    assert.deepEqual(vals(torch.maxPool2d(torch.arange(16).to("float32").view(1, 1, 4, 4), 2)), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(vals(torch.maxPool3d(torch.arange(8).to("float32").view(1, 1, 2, 2, 2), { kernelSize: 2 })), [[[[[7]]]]]);
    const [v, i] = torch.adaptiveMaxPool1d(xx, 2);
    assert.deepEqual([vals(v), vals(i)], [[[[2, 5], [8, 11]]], [[[2, 5], [2, 5]]]]);
    assert.deepEqual(vals(torch.avgPool1d(xx, 3, 2, 1, true, false)), [[[0.5, 2, 4, 5], [6.5, 8, 10, 11]]]);
    assert.deepEqual(vals(torch.adaptiveAvgPool1d(xx, 4)), [[[0.5, 1.5, 3.5, 4.5], [6.5, 7.5, 9.5, 10.5]]]);
    throwsMsg(() => (torch.maxPool2d as (...a: unknown[]) => T)(xx), "max_pool2d() missing 1 required positional arguments: \"kernel_size\"");
  });
});

describe("normalization forms", () => {
  const inp = (): T => torch.tensor([[1.5, 2, 3], [4, -1, 0.5]], f64);
  const g = (): T => torch.tensor([1.5, 0.5, 2], f64), b = (): T => torch.tensor([0, 1, -1], f64);
  test("batch_norm: every argument positional", () => {
    const rm = torch.tensor([0.5, 0, 1], f64), rv = torch.tensor([1.5, 2, 0.5], f64);
    close(vals(torch.batchNorm(inp(), g(), b(), rm, rv, false, 0.1, 1e-5, false)), [[1.2247407889290967, 1.7071050134262236, 4.6567976817984], [4.286592761251838, 0.6464474932868882, -2.4141994204496]]);
    close(vals(torch.batchNorm(inp(), g(), b(), rm, rv, true, 0.1, 1e-5, true)), [[-1.4999952000230397, 1.4999988888925926, 0.9999936000307199], [1.49999520002304, 0.5000011111074074, -2.9999936000307197]]);
    close(vals(rm), [0.7250000000000001, 0.05, 1.075]);
    close(vals(rv), [1.6625, 2.25, 0.7625]);
    throwsMsg(() => (torch.batchNorm as (...a: unknown[]) => T)(inp(), g(), b(), null, null, true, 0.1, 1e-5), "batch_norm() missing 1 required positional arguments: \"cudnn_enabled\"");
  });
  test("layer_norm, group_norm, instance_norm", () => {
    close(vals(torch.layerNorm(inp(), [3], g(), b(), 1e-5, true)), [[-1.6035468345763522, 0.8663710971186374, 1.6725780576272538], [2.028668763507799, 0.4828883543999729, -1.6364451022769564]]);
    const x4 = torch.arange(16, f64).view(1, 4, 2, 2).mul(torch.tensor([1.5, -1, 0.5, 2], f64).view(1, 4, 1, 1));
    close(vals(torch.groupNorm(x4, 2).flatten()), [0.3935780318449181, 0.7568808304709963, 1.1201836290970746, 1.4834864277231528, -0.5752294311579572, -0.817431296908676, -1.059633162659395, -1.3018350284101137, -1.0561424226741383, -1.0116732680352272, -0.9672041133963162, -0.9227349587574051, 0.7226237628823051, 0.9005003814379495, 1.078376999993594, 1.2562536185492381]);
    close(vals(torch.instanceNorm(x4, null, null, null, null, true, 0.1, 1e-5, false).flatten()), [-1.3416384013670581, -0.44721280045568607, 0.447212800455686, 1.3416384013670581, 1.3416354199689273, 0.44721180665630933, -0.44721180665630866, -1.3416354199689267, -1.341619320762466, -0.44720644025415524, 0.44720644025415557, 1.3416193207624665, -1.3416394448611006, -0.44721314828703407, 0.4472131482870325, 1.341639444861099]);
  });
});

describe("dropout forms", () => {
  test("train is required; the masks are PyTorch's", () => {
    torch.manualSeed(0);
    assert.deepEqual(vals(torch.dropout(torch.ones(8), 0.5, true)), [0, 0, 2, 0, 0, 0, 2, 2]);
    assert.deepEqual(vals(torch.dropout(torch.ones(3), 0.5, false)), [1, 1, 1]);
    torch.manualSeed(0);
    close(vals(torch.alphaDropout(torch.ones(6), 0.5, true)), [-0.7791939377784729, -0.7791939377784729, 1.6655988693237305, -0.7791939377784729, -0.7791939377784729, -0.7791939377784729]);
    torch.manualSeed(0);
    const lo = -0.7791939377784729, hi = 1.6655988693237305;
    close(vals(torch.featureAlphaDropout(torch.ones(2, 3, 2), 0.5, true).flatten()), [lo, lo, lo, lo, hi, hi, lo, lo, lo, lo, lo, lo]);
    const y = torch.ones(8);
    torch.manualSeed(0);
    assert.equal(torch.dropout_(y, 0.5, true), y);
    assert.deepEqual(vals(y), [0, 0, 2, 0, 0, 0, 2, 2]);
    throwsMsg(() => (torch.dropout as (...a: unknown[]) => T)(torch.ones(3), 0.5), "dropout() missing 1 required positional arguments: \"train\"");
  });
});

describe("embedding and distances", () => {
  test("embedding takes the weight first; padding_idx masks the gradient", () => {
    assert.deepEqual(vals(torch.embedding(torch.arange(6).to("float32").view(3, 2), torch.tensor([2, 0]))), [[4, 5], [0, 1]]);
    const W = torch.arange(6, f64).view(3, 2).requiresGrad_();
    torch.embedding(W, torch.tensor([2, 0, 2]), 2).sum().backward();
    assert.deepEqual(vals(W.grad!), [[1, 1], [0, 0], [0, 0]]);
    assert.deepEqual(vals(torch.embedding(torch.arange(6).to("float32").view(3, 2), torch.tensor([1]), 5)), [[2, 3]]);
  });
  test("pairwise_distance, cosine_similarity, pdist", () => {
    const a1 = torch.tensor([[1, 2], [0.5, -1]], f64), a2 = torch.tensor([[2, 1], [1, 1]], f64);
    close(vals(torch.pairwiseDistance(a1, a2)), [1.4142135623738021, 2.0615516001308336]);
    close(vals(torch.cosineSimilarity(a1, a2)), [0.7999999999999999, -0.3162277660168379]);
    close(vals(torch.pdist(a1)), [3.0413812651491097]);
  });
});

describe("loss forms: integer reduction, none when omitted", () => {
  const l = (): T => torch.tensor([0.5, -1, 2], f64), t = (): T => torch.tensor([1, 0, 1], f64);
  test("binary_cross_entropy_with_logits, kl_div", () => {
    close(vals(torch.binaryCrossEntropyWithLogits(l(), t())), [0.4740769841801067, 0.31326168751822286, 0.1269280110429726]);
    close(torch.binaryCrossEntropyWithLogits(l(), t(), null, torch.tensor([2, 1, 0.5], f64), 1).item(), 0.4416265537999742);
    close(torch.binaryCrossEntropyWithLogits(l(), t(), torch.tensor([1, 2, 3], f64), null, 2).item(), 1.4813843923454704);
    const lp = torch.tensor([-1, -0.5, -2], f64), tt = torch.tensor([0.2, 0.5, 0.3], f64);
    close(vals(torch.klDiv(lp, tt)), [-0.12188758248682008, -0.09657359027997264, 0.23880815870221916]);
    close(torch.klDiv(lp, tt, 1).item(), 0.006782328645142148);
    close(torch.klDiv(lp, tt, 2).item(), 0.020346985935426443);
    close(vals(torch.klDiv(lp, tt.log(), 0, { logTarget: true })), [-0.12188758248682006, -0.09657359027997264, 0.23880815870221916]);
    throwsMsg(() => torch.klDiv(lp, tt, "mean" as never), "kl_div(): argument 'reduction' must be int, not str");
  });
  test("margin, hinge, cosine embedding, poisson, triplet, ctc", () => {
    const y = torch.tensor([1, -1, 1], f64);
    assert.deepEqual(vals(torch.marginRankingLoss(l(), t(), y, 0.5)), [1, 0, 0]);
    close(torch.marginRankingLoss(l(), t(), y, 0.5, 1).item(), 0.3333333333333333);
    assert.deepEqual(vals(torch.hingeEmbeddingLoss(l(), y)), [0.5, 2, 2]);
    close(torch.hingeEmbeddingLoss(l(), y, 1, 2).item(), 4.5);
    const a1 = torch.tensor([[1, 2], [0.5, -1]], f64), a2 = torch.tensor([[2, 1], [1, 1]], f64), ng = torch.tensor([[0, 1], [1, 0]], f64);
    close(vals(torch.cosineEmbeddingLoss(a1, a2, torch.tensor([1, -1], f64))), [0.20000000000016005, 0]);
    close(torch.cosineEmbeddingLoss(a1, a2, torch.tensor([1, -1], f64), 0.1, 1).item(), 0.10000000000008002);
    close(torch.poissonNllLoss(l(), torch.tensor([1, 0, 3], f64), true, true, 1e-8, 1).item(), 1.5565794514484257);
    close(vals(torch.poissonNllLoss(torch.tensor([0.5, 1, 2], f64), torch.tensor([1, 0, 3], f64), false, false, 1e-8, 0)), [1.1931471605599455, 1.0, -0.07944155667983566]);
    throwsMsg(() => (torch.poissonNllLoss as (...a: unknown[]) => T)(l(), t(), true, true), "poisson_nll_loss() missing 2 required positional arguments: \"eps\", \"reduction\"");
    close(vals(torch.tripletMarginLoss(a1, a2, ng)), [0.9999985857871445, 1.943518953021636]);
    close(torch.tripletMarginLoss(a1, a2, ng, 1, 2, 1e-6, true, 1).item(), 1.530774592958739);
    const lpc = torch.tensor([[[-1.2, -0.7, -1.5], [-1, -1, -1]], [[-0.9, -1.1, -1.3], [-0.5, -2, -1]], [[-1.0, -1.4, -0.9], [-1, -0.3, -2]]], f64).logSoftmax(2);
    close(vals(torch.ctcLoss(lpc, torch.tensor([[1, 2], [2, 2]]), [3, 3], [2, 1])), [1.2746675816112982, 1.8134629142264223]);
    close(torch.ctcLoss(lpc, torch.tensor([[1, 2], [2, 2]]), torch.tensor([3, 3]), torch.tensor([2, 1]), 0, 1).item(), 1.2253983525160357);
  });
});

describe("channel_shuffle", () => {
  test("torch, F and nn forms", () => {
    assert.deepEqual(vals(torch.channelShuffle(torch.arange(8).to("float32").view(1, 4, 2, 1), 2).flatten()), [0, 1, 4, 5, 2, 3, 6, 7]);
    assert.deepEqual(vals(F.channelShuffle(torch.arange(8).to("float32").view(1, 8, 1), 2).flatten()), [0, 4, 1, 5, 2, 6, 3, 7]);
    const m = new torch.nn.ChannelShuffle(2);
    assert.equal(String(m), "ChannelShuffle(groups=2)");
    assert.deepEqual(vals(m.call(torch.arange(8).to("float32").view(1, 8, 1)).flatten()), [0, 4, 1, 5, 2, 6, 3, 7]);
    const x = torch.randn([1, 6, 2], f64).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((v: T) => F.channelShuffle(v, 3), [x]));
  });
  test("errors", () => {
    throwsMsg(() => torch.channelShuffle(torch.arange(8).view(1, 4, 2, 1), 3), "Number of channels must be divisible by groups. Got 4 channels and 3 groups.");
    throwsMsg(() => torch.channelShuffle(torch.arange(8).view(1, 8), 2), "channel_shuffle expects input with > 2 dims, but got input with sizes [1, 8]");
    throwsMsg(() => torch.channelShuffle(torch.arange(8).view(1, 4, 2, 1), 0), "Number of groups to divide channels in must be positive. Value of groups:0");
  });
});

describe("nn.LazyLinear", () => {
  test("in_features from the first input, PyTorch's initialisation stream at that moment, then a Linear", () => {
    torch.manualSeed(0);
    const lazy = new torch.nn.LazyLinear(3);
    assert.equal(String(lazy), "LazyLinear(in_features=0, out_features=3, bias=True)");
    assert.equal(lazy.hasUninitializedParams(), true);
    assert.deepEqual([...lazy.namedParameters()].map(([n]) => n), ["weight", "bias"]);
    // the constructor draws no random numbers
    assert.equal(torch.rand(1).item(), 0.49625658988952637);
    torch.manualSeed(0);
    const m: torch.nn.Linear = new torch.nn.LazyLinear(3);
    const y = m.call(torch.ones(2, 4));
    assert.equal(m instanceof torch.nn.LazyLinear, false);
    assert.equal(m instanceof torch.nn.Linear, true);
    assert.equal(String(m), "Linear(in_features=4, out_features=3, bias=True)");
    close(vals(m.weight), [[-0.003743410110473633, 0.26822179555892944, -0.4115225672721863, -0.3679695129394531], [-0.19257718324661255, 0.13407868146896362, -0.009906589984893799, 0.39644473791122437], [-0.04437202215194702, 0.1323062777519226, -0.15110653638839722, -0.09828269481658936]], 0);
    close(vals(m.bias!), [-0.4776742458343506, -0.33114105463027954, -0.20611155033111572], 0);
    close(vals(y), [[-0.9926879405975342, -0.0031014084815979004, -0.3675665259361267], [-0.9926879405975342, -0.0031014084815979004, -0.3675665259361267]], 1e-7);
    assert.equal(m.weight.requiresGrad, true);
    assert.throws(() => m.call(torch.ones(2, 5)), /expected input with last dimension 4, got shape \[2, 5\]/);
    const noBias = new torch.nn.LazyLinear(2, { bias: false });
    noBias.call(torch.ones(1, 3));
    assert.equal(noBias.bias, null);
    assert.deepEqual([...noBias.stateDict().keys()], ["weight"]);
  });
});
