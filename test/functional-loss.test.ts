// F.* losses beyond the conformance file: reductions, weights with ignore_index, label smoothing,
// K-dim inputs, probabilities, clamps and stability, CTC options, double backward, bad input.
// Reference values: PyTorch (1.13, whose semantics for these match 2.x) on the same deterministic inputs.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { det, long, close } from "./support/reference.js";

const F = torch.nn.functional;
type Tensor = torch.Tensor;

const f64 = (v: number[] | number[][]): Tensor => torch.tensor(v, { dtype: "float64" });


function gradOf(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const xg = x.detach().clone().requiresGrad_(true);
  f(xg).backward();
  return xg.grad!;
}

const REF: Record<string, number[]> = {
  "ce_w_mean_0": [1.986530569],
  "ce_mean_0": [2.121634877],
  "ce_w_mean_0.2": [1.899083868],
  "ce_mean_0.2": [2.037490576],
  "nll_w_mean": [0.4168856772],
  "ce_w_sum_0": [9.932652843],
  "ce_sum_0": [8.486539507],
  "ce_w_sum_0.2": [9.495419342],
  "ce_sum_0.2": [8.149962304],
  "nll_w_sum": [2.084428386],
  "ce_w_none_0": [1.228233142, 3.724256988, 2.11430775, 0.0, 2.865854964],
  "ce_none_0": [2.456466284, 2.482837992, 2.11430775, 0.0, 1.432927482],
  "ce_w_none_0.2": [1.303458245, 3.48670433, 2.03902289, 0.0, 2.666233877],
  "ce_none_0.2": [2.269500525, 2.328338968, 2.042049263, 0.0, 1.510073549],
  "nll_w_none": [-0.0, 2.210518378, -0.02522085073, 0.0, -0.1008691417],
  "ce_w_ls_grad": [-0.07385413958, 0.01929435096, 0.02887386334, 0.02568592528, 0.1697233866, 0.05246129024, 0.008598612182, -0.230783289, 0.00458959804, -0.1446494664, 0.04622505253, 0.09383481578, 0.0, 0.0, 0.0, 0.0, 0.01432451233, 0.02321279803, -0.2517145316, 0.2141772212],
  "ce_kdim_mean": [2.147849082],
  "ce_kdim_none": [0.8737391799, 2.841354026, 3.44992008, 1.767469366, 2.711286757, 0.0, 1.673204945, 2.760944883, 1.310643351, 2.199279081, 0.8049714084, 0.9958982662],
  "ce_kdim_grad": [-0.0144692221, 0.03466799007, 0.05385577073, 0.01876228771, 0.006333673523, 0.0, -0.001405458957, -0.0636127225, 0.02915122968, 0.06509405676, 0.08298790349, 0.0, 7.379580813e-06, -0.002574589214, -0.1319288709, -0.0006635141483, 0.005606504076, 0.0, 0.01586730147, 0.03151932165, 0.04892187053, -0.08319283032, -0.09492808109, 0.0, 0.002690217488, 0.006573355627, -0.02143011574, 0.06003948908, 0.04935422441, -0.01673059356, -0.0532937395, -0.06322283131, -0.001157227277, 0.001729935232, 0.004229033775, 0.008578734224, 0.05068970271, 0.05256933276, 0.01359736169, -0.1204390931, -0.001478241873, -0.004252834265, -8.618069384e-05, 0.004080142921, 0.008989981325, 0.05866966881, -0.05210501631, 0.0124046936],
  "ce_1d": [1.141295429],
  "ce_prob_ls_w": [2.184407308],
  "ce_prob_none": [1.981644728, 2.243205972, 2.245711345],
  "ce_all_ignored": [NaN],
  "nll_3d": [-0.0, -0.5024822252, 0.9468999568, -1.268620247, -0.4546775351, 0.0],
  "bce_none_w": [0.3816489188, 0.8310627934, 0.5337392122, 1.014406705, 0.5854696882, 0.5750683087, 0.3968544275, 1.11373688, 0.8153103819, 0.7473570504, 0.214377942, 1.074405667],
  "bce_clamp": [100.0, 100.0, -0.0, 0.0],
  "bce_grad_in": [-0.09548817281, 0.06253097883, 0.3861441653, 0.1831199863, 0.1161031891, 0.05655628236, -0.3544294489, -0.258373014, -0.1404446557, -0.09431652387, 0.07283330027, 0.3802510409],
  "bce_grad_t": [-0.07695291628, -0.2028716675, -0.2103670222, -0.08372243727, 0.02382277933, 0.1385340866, 0.2453093486, 0.1430846283, 0.02757321274, -0.07967945702, -0.2059356316, -0.2073715461],
  "bcel": [0.6931471806, 5.263643165, 23.19775085, 36.20995137, 36.67214456, 5.765535689, 79.12944234, 32.56518829, 15.68134634, 0.3285707736, 2.772761995, 11.84911162],
  "mse_loss_bcast": [2.660074213],
  "mse_loss_none": [0.04480842752, 3.101405381, 8.442381805, 7.201365858, 1.438525564, 0.7205545117, 6.239331828, 8.833324506, 4.196334238, 0.02606958494, 3.245443917, 8.510084284],
  "l1_loss_bcast": [1.448364555],
  "l1_loss_none": [0.2116800121, 1.761080742, 2.905577706, 2.683536073, 1.199385494, 0.8488548237, 2.497865454, 2.972090932, 2.048495604, 0.1614607845, 1.801511564, 2.917204875],
  "smooth_l1_loss_bcast": [1.006076067],
  "smooth_l1_loss_none": [0.02240421376, 1.261080742, 2.405577706, 2.183536073, 0.6993854944, 0.3602772558, 1.997865454, 2.472090932, 1.548495604, 0.01303479247, 1.301511564, 2.417204875],
  "huber_loss_bcast": [1.006076067],
  "huber_loss_none": [0.02240421376, 1.261080742, 2.405577706, 2.183536073, 0.6993854944, 0.3602772558, 1.997865454, 2.472090932, 1.548495604, 0.01303479247, 1.301511564, 2.417204875],
  "smooth_beta2": [1.014081041],
  "huber_d03": [6.076119987],
  "kl_none": [0.3921668093, 0.2219240378, -0.08494901055, -0.09990602878, -0.0436503799, -0.06851907253, -0.03964897737, -8.118063657e-05, 0.1278956922, 0.1930924882, 0.4435744795, -0.03207002456, -0.1018597867, -0.0460849625, -0.0140793941],
  "kl_bm_log": [0.2826015631],
  "poisson_full": [4.157263158, 1.661945298, 2.906759495, 1.529956528, 2.800153109, 3.933466857, 0.2705323327, 3.828245484, 7.332804783, 4.081921342, 1.693617372, 2.920598936],
  "poisson_nolog": [3.660149832],
  "gauss_full_sum": [32.28508322],
  "hinge": [0.0, 0.0, 1.478174595, 0.0, 0.5024822252],
  "ranking": [1.362206477, 0.0, 0.0, 1.332443056, 0.0],
  "softmargin": [0.6931471806, 1.288756455, 0.205430476, 1.536935418, 0.473140567],
  "mlsm": [0.903874174, 0.8584268564, 0.6488760865],
  "multimargin": [2.321161424, 2.167654523, 2.981164389],
  "mlmargin": [1.574843538, 0.0, 0.0],
  "cosemb": [1.991055646, 0.0, 0.0],
  "triplet": [6.993566519, 6.952827891, 6.242707774],
  "ctc_none": [6.643088752, 3.315808341],
  "ctc_sum": [9.958897093],
  "ctc_mean": [1.936133544],
  "ctc_zi": [0.0, 0.0],
  "ctc_inf": [Infinity, Infinity],
  "ctc_unbatched": [2.214362917],
  "ctc_grad": [0.005142412515, -0.1026643718, 0.06011268985, 0.03740926945, 0.03252409314, 0.05093652831, 0.0294316897, -0.1128923112, -0.002410859048, -0.02424538651, -0.0457108189, 0.07236706446, -0.02264295716, 0.03979891775, 0.02244035316, -0.03959631375, -0.03383374631, 0.009990079966, -0.07503231414, 0.09887598048, -0.01766272274, 0.009697024977, 0.02996986494, -0.02200416718, -0.07095459168, 0.01636870947, -0.04601361055, 0.1005994928, 0.00750504717, -0.05078149046, 0.05588674458, -0.01261030129, -0.04268985057, 0.02540793832, -0.05112557666, 0.06840748891, -0.0304180598, -0.1094882194, 0.08821797371, 0.05168830553, 0.004680142371, 0.03351234106, -0.06353316365, 0.02534068022, 0.0, 0.0, 0.0, 0.0],
};

test("cross_entropy / nll_loss: reductions x weight x ignore_index x label smoothing", () => {
  const x = det([5, 4]), t = long([0, 3, 1, -100, 2]), w = f64([0.5, 1, 2, 1.5]);
  for (const red of ["mean", "sum", "none"] as const) {
    for (const ls of [0, 0.2]) {
      close(F.crossEntropy(x, t, { weight: w, reduction: red, labelSmoothing: ls }), REF[`ce_w_${red}_${ls}`]!, `ce w ${red} ${ls}`);
      close(F.crossEntropy(x, t, { reduction: red, labelSmoothing: ls }), REF[`ce_${red}_${ls}`]!, `ce ${red} ${ls}`);
    }
    close(F.nllLoss(x, t, { weight: w, reduction: red }), REF[`nll_w_${red}`]!, `nll w ${red}`);
  }
  close(gradOf((xg) => F.crossEntropy(xg, t, { weight: w, labelSmoothing: 0.2 }), x), REF.ce_w_ls_grad!, "ce grad");
  // Positional form: weight, size_average, ignore_index, reduce, reduction, label_smoothing.
  close(F.crossEntropy(x, t, w, null, -100, null, "sum", 0.2), REF["ce_w_sum_0.2"]!, "ce positional");
});

test("cross_entropy: K-dim inputs, unbatched input, class probabilities, all targets ignored", () => {
  const xk = det([2, 4, 3, 2], 1), w = f64([0.5, 1, 2, 1.5]);
  const tk = long([[[0, 1], [2, 3], [3, -100]], [[1, 1], [0, 2], [3, 0]]]);
  close(F.crossEntropy(xk, tk, { weight: w, labelSmoothing: 0.1 }), REF.ce_kdim_mean!, "kdim mean");
  const none = F.crossEntropy(xk, tk, { reduction: "none" });
  assert.deepEqual(none.shape, [2, 3, 2]);
  close(none, REF.ce_kdim_none!, "kdim none");
  close(gradOf((xg) => F.crossEntropy(xg, tk, { weight: w, labelSmoothing: 0.15 }), xk), REF.ce_kdim_grad!, "kdim grad");
  close(F.crossEntropy(det([4]), long(2 as unknown as number[]), { labelSmoothing: 0.3 }), REF.ce_1d!, "unbatched");
  const p = det([3, 4], 2).softmax(1);
  close(F.crossEntropy(det([3, 4]), p, { weight: w, labelSmoothing: 0.25 }), REF.ce_prob_ls_w!, "probs");
  close(F.crossEntropy(det([3, 4]), p, { reduction: "none" }), REF.ce_prob_none!, "probs none");
  close(F.crossEntropy(det([2, 3]), long([-100, -100])), [NaN], "all ignored");
  close(F.nllLoss(det([2, 4, 3]), long([[0, 1, 2], [3, 3, -100]]), { reduction: "none" }), REF.nll_3d!, "nll 3d");
});

test("cross_entropy: float32 values and the fused gradient match log_softmax + nll_loss", () => {
  const x = det([6, 5]).float(), t = long([0, 4, 2, 2, 1, 3]);
  const a = x.clone().requiresGrad_(true), b = x.clone().requiresGrad_(true);
  const la = F.crossEntropy(a, t, { labelSmoothing: 0.1 });
  const lb = F.nllLoss(F.logSoftmax(b, 1), t).mul(0.9).add(F.logSoftmax(b, 1).sum(1).neg().mean().mul(0.1 / 5));
  assert.equal(la.dtype, torch.float32);
  assert.ok(Math.abs(Number(la.item()) - Number(lb.item())) < 1e-6);
  la.backward(); lb.backward();
  close(a.grad!, b.grad!.reshape(-1).tolist() as number[], "fused grad", 1e-6);
});

test("cross_entropy / nll_loss / dedicated losses: first and second derivatives", () => {
  const opts = { atol: 1e-6, rtol: 1e-4 };
  const t = long([0, 3, 1, -100, 2]), w = f64([0.5, 1, 2, 1.5]);
  const x = det([5, 4]).requiresGrad_(true);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ["ce", (v) => F.crossEntropy(v, t, { weight: w, labelSmoothing: 0.2 })],
    ["ce none", (v) => F.crossEntropy(v, t, { reduction: "none", labelSmoothing: 0.1 })],
    ["ce plain", (v) => F.crossEntropy(v, t, { reduction: "sum" })],
    ["nll", (v) => F.nllLoss(v, t, { weight: w })],
  ];
  for (const [name, f] of cases) {
    assert.ok(torch.autograd.gradcheck(f, [x], opts), name);
    assert.ok(torch.autograd.gradgradcheck(f, [x], opts), `${name} (double)`);
  }
  const xk = det([2, 3, 2, 2], 1).requiresGrad_(true), tk = long([[[0, 1], [2, 2]], [[1, -100], [0, 2]]]);
  assert.ok(torch.autograd.gradgradcheck((v) => F.crossEntropy(v, tk, { labelSmoothing: 0.3 }), [xk], opts), "kdim double");
  const a = det([3, 4]).requiresGrad_(true), b = det([3, 4], 3).requiresGrad_(true);
  for (const [name, f] of [
    ["mse", (u: Tensor, v: Tensor) => F.mseLoss(u, v)],
    ["smooth_l1", (u: Tensor, v: Tensor) => F.smoothL1Loss(u, v, { beta: 0.7, reduction: "sum" })],
    ["huber", (u: Tensor, v: Tensor) => F.huberLoss(u, v, { delta: 0.4, reduction: "none" })],
    ["bce", (u: Tensor, v: Tensor) => F.binaryCrossEntropy(u.sigmoid(), v.sigmoid(), { weight: f64([1, 2, 0.5, 1]) })],
    ["bce logits", (u: Tensor, v: Tensor) => F.binaryCrossEntropyWithLogits(u, v.sigmoid(), { posWeight: f64([1, 2, 3, 0.5]) })],
  ] as const) {
    assert.ok(torch.autograd.gradcheck(f, [a, b], opts), name);
    assert.ok(torch.autograd.gradgradcheck(f, [a, b], opts), `${name} (double)`);
  }
});

test("binary cross-entropy: weights, clamped logs, target gradient, stable logits", () => {
  const pi = det([3, 4], 0.5).mul(0.3).add(0.5), ti = det([3, 4], 1.5).mul(0.3).add(0.5);
  close(F.binaryCrossEntropy(pi, ti, { weight: f64([1, 2, 0.5, 1]), reduction: "none" }), REF.bce_none_w!, "bce none");
  close(F.binaryCrossEntropy(f64([0, 1, 1, 0]), f64([1, 0, 1, 0]), { reduction: "none" }), REF.bce_clamp!, "bce clamp");
  const pg = pi.clone().requiresGrad_(true), tg = ti.clone().requiresGrad_(true);
  F.binaryCrossEntropy(pg, tg).backward();
  close(pg.grad!, REF.bce_grad_in!, "bce grad input");
  close(tg.grad!, REF.bce_grad_t!, "bce grad target");
  const z = det([3, 4]).mul(40);
  close(F.binaryCrossEntropyWithLogits(z, ti, { weight: f64([[1], [2], [0.5]]), posWeight: f64([1, 2, 3, 0.5]), reduction: "none" }), REF.bcel!, "bce logits");
});

test("regression losses: broadcasting, reductions, beta/delta, legacy size_average/reduce", () => {
  const a = det([3, 4]), b = det([3, 4], 3), bb = det([4], 4);
  const fns = { mse_loss: F.mseLoss, l1_loss: F.l1Loss, smooth_l1_loss: F.smoothL1Loss, huber_loss: F.huberLoss } as const;
  for (const [name, f] of Object.entries(fns)) {
    close((f as (x: Tensor, y: Tensor, o?: object) => Tensor)(a, bb), REF[`${name}_bcast`]!, `${name} broadcast`);
    close((f as (x: Tensor, y: Tensor, o?: object) => Tensor)(a, b, { reduction: "none" }), REF[`${name}_none`]!, `${name} none`);
  }
  close(F.smoothL1Loss(a, b, { beta: 2 }), REF.smooth_beta2!, "beta 2");
  close(F.huberLoss(a, b, { delta: 0.3, reduction: "sum" }), REF.huber_d03!, "delta 0.3");
  close(F.smoothL1Loss(a, b, { beta: 0 }), [F.l1Loss(a, b).item() as number], "beta 0 is l1");
  close(F.mseLoss(a, b, { sizeAverage: false }), [F.mseLoss(a, b, { reduction: "sum" }).item() as number], "size_average=False");
  assert.deepEqual(F.mseLoss(a, b, { reduce: false }).shape, [3, 4]);
  // weight (PyTorch 2.6+): mean divides by the total weight for mse/l1, by the count for huber.
  const w = det([3, 4], 7).abs();
  close(F.mseLoss(a, b, { weight: w }), [a.sub(b).pow(2).mul(w).sum().div(w.sum()).item() as number], "mse weight");
  close(F.huberLoss(a, b, { weight: w, delta: 0.5 }), [F.huberLoss(a, b, { delta: 0.5, reduction: "none" }).mul(w).mean().item() as number], "huber weight");
  assert.throws(() => F.mseLoss(a, b, { weight: w.get(0) }), /Weights and input must have the same size/);
});

test("kl_div, poisson and gaussian NLL", () => {
  const lp = det([3, 5]).logSoftmax(1), q = det([3, 5], 1).softmax(1);
  close(F.klDiv(lp, q, { reduction: "none" }), REF.kl_none!, "kl none");
  close(F.klDiv(lp, q.log(), { reduction: "batchmean", logTarget: true }), REF.kl_bm_log!, "kl batchmean log target");
  const a = det([3, 4]), b = det([3, 4], 3), tp = det([3, 4], 2).abs().mul(3).floor();
  const pi = det([3, 4], 0.5).mul(0.3).add(0.5);
  close(F.poissonNllLoss(a, tp, { full: true, reduction: "none" }), REF.poisson_full!, "poisson full");
  close(F.poissonNllLoss(pi, tp, { logInput: false, full: true }), REF.poisson_nolog!, "poisson prob input");
  close(F.gaussianNllLoss(a, b, det([3], 1).abs().add(0.1), { full: true, reduction: "sum" }), REF.gauss_full_sum!, "gaussian");
  assert.throws(() => F.gaussianNllLoss(a, b, det([2]).abs()), /var is of incorrect size/);
  assert.throws(() => F.gaussianNllLoss(a, b, det([3, 4]).abs().neg().sub(0.1)), /var has negative entry/);
});

test("margin and embedding losses", () => {
  const y = f64([1, -1, 1, -1, 1]), s = det([5]), s2 = det([5], 1);
  close(F.hingeEmbeddingLoss(s, y, { margin: 0.5, reduction: "none" }), REF.hinge!, "hinge");
  close(F.marginRankingLoss(s, s2, y, { margin: 0.1, reduction: "none" }), REF.ranking!, "ranking");
  close(F.softMarginLoss(s, y, { reduction: "none" }), REF.softmargin!, "soft margin");
  const a = det([3, 4]), b = det([3, 4], 3), w = f64([1, 2, 0.5, 1]);
  close(F.multilabelSoftMarginLoss(a, det([3, 4], 5).gt(0).double(), { weight: w, reduction: "none" }), REF.mlsm!, "multilabel soft margin");
  close(F.multiMarginLoss(a, long([0, 3, 1]), { p: 2, margin: 0.5, weight: w, reduction: "none" }), REF.multimargin!, "multi margin");
  close(F.multilabelMarginLoss(a, long([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 1, 1, 1]]), { reduction: "none" }), REF.mlmargin!, "multilabel margin");
  close(F.cosineEmbeddingLoss(a, b, long([1, -1, -1]), { margin: -0.2, reduction: "none" }), REF.cosemb!, "cosine embedding");
  close(F.tripletMarginLoss(a, b, det([3, 4], 6), { swap: true, p: 1, margin: 0.5, reduction: "none" }), REF.triplet!, "triplet");
  const viaFn = F.tripletMarginWithDistanceLoss(a, b, det([3, 4], 6), { distanceFunction: (u, v) => F.pairwiseDistance(u, v, 1), swap: true, margin: 0.5, reduction: "none" });
  close(viaFn, REF.triplet!, "triplet with distance function");
  assert.throws(() => F.tripletMarginWithDistanceLoss(a, b, b, { margin: 0 }), /expected margin to be greater than 0/);
});

test("ctc_loss: reductions, padded and concatenated targets, zero_infinity, unbatched, gradient", () => {
  const lps = det([6, 2, 4], 0.3).logSoftmax(2);
  const tg = long([[1, 2, 2], [3, 1, 0]]), il = long([6, 5]), tl = long([3, 2]);
  for (const red of ["none", "sum", "mean"] as const) close(F.ctcLoss(lps, tg, il, tl, { reduction: red }), REF[`ctc_${red}`]!, `ctc ${red}`);
  close(F.ctcLoss(lps, long([1, 2, 2, 3, 1]), [6, 5], [3, 2], { reduction: "none" }), REF.ctc_none!, "concatenated targets, int lists");
  const rep = long([[1, 1, 1], [2, 2, 2]]);
  close(F.ctcLoss(lps, rep, long([4, 2]), long([3, 3]), { reduction: "none", zeroInfinity: true }), REF.ctc_zi!, "zero_infinity");
  close(F.ctcLoss(lps, rep, long([4, 2]), long([3, 3]), { reduction: "none" }), REF.ctc_inf!, "infinite loss");
  close(F.ctcLoss(lps.select(1, 0), long([1, 2, 2]), 6 as unknown as number[], 3 as unknown as number[]), REF.ctc_unbatched!, "unbatched");
  close(gradOf((x) => F.ctcLoss(x, tg, il, tl), lps), REF.ctc_grad!, "ctc grad");
  // Through log_softmax the CTC gradient is the true gradient of the logits.
  const logits = det([5, 2, 4], 0.9).requiresGrad_(true);
  assert.ok(torch.autograd.gradcheck((v) => F.ctcLoss(v.logSoftmax(2), tg, long([5, 4]), tl), [logits], { atol: 1e-6, rtol: 1e-4 }));
  const g = gradOf((x) => F.ctcLoss(x, rep, long([4, 2]), long([3, 3]), { zeroInfinity: true, reduction: "sum" }), lps);
  assert.ok((g.isnan().any().item() as boolean) === false, "zero_infinity gives finite gradients");
  assert.throws(() => F.ctcLoss(lps, tg, long([7, 5]), tl), /Expected input_lengths to have value at most 6, but got value 7/);
  assert.throws(() => F.ctcLoss(lps, tg, il, tl, { blank: 4 }), /blank must be in label range/);
});

test("losses reject bad input in PyTorch's words", () => {
  const x = det([4, 5]);
  assert.throws(() => F.crossEntropy(x, long([0, 5, 1, 2])), /^Error: Target 5 is out of bounds\.$/);
  assert.throws(() => F.crossEntropy(x, long([0, 1, 2])), /Expected input batch_size \(4\) to match target batch_size \(3\)\./);
  assert.throws(() => F.crossEntropy(x, torch.tensor([0, 1, 2, 3], { dtype: "int32" })), /expected scalar type Long but found Int/);
  assert.throws(() => F.crossEntropy(x, long([0, 1, 2, 3]), { weight: f64([1, 1, 1]) }), /weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: \[3\]/);
  assert.throws(() => F.crossEntropy(x, long([0, 1, 2, 3]), { labelSmoothing: 1.5 }), /label_smoothing must be between 0.0 and 1.0. Got: 1.5/);
  assert.throws(() => F.crossEntropy(x, det([4, 5]), { ignoreIndex: 1 }), /ignore_index is not supported for floating point target/);
  assert.throws(() => F.crossEntropy(det([2, 5, 3, 4]), long([[0, 1]]).expand(2, 2)), /only batches of spatial targets supported \(3D tensors\) but got targets of dimension: 2/);
  assert.throws(() => F.crossEntropy(det([2, 5, 3]), torch.zeros([2, 4], { dtype: "int64" })), /Expected target size \[2, 3\], got \[2, 4\]/);
  assert.throws(() => F.crossEntropy(x, long([0, 1, 2, 3]), { reduction: "avg" as "mean" }), /avg is not a valid value for reduction/);
  assert.throws(() => F.binaryCrossEntropy(det([3]).sigmoid(), det([3, 1]).sigmoid()), /Using a target size \(torch.Size\(\[3, 1\]\)\) that is different to the input size \(torch.Size\(\[3\]\)\) is deprecated/);
  assert.throws(() => F.binaryCrossEntropy(f64([1.5]), f64([1])), /all elements of input should be between 0 and 1/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(det([3]), det([4])), /Target size \(torch.Size\(\[4\]\)\) must be the same as input size/);
  assert.throws(() => F.mseLoss(det([3, 4]), det([2, 4])), /must match the size of tensor b/);
  assert.throws(() => F.smoothL1Loss(det([3]), det([3]), { beta: -1 }), /smooth_l1_loss does not support negative values for beta/);
  assert.throws(() => F.huberLoss(det([3]), det([3]), { delta: 0 }), /huber_loss does not support non-positive values for delta/);
  assert.throws(() => F.multiMarginLoss(det([3, 4]), long([0, 4, 1])), /target out of range/);
  assert.throws(() => F.multiMarginLoss(det([3, 4]), long([0, 1]), { p: 3 }), /only p == 1 and p == 2 supported/);
  assert.throws(() => F.cosineEmbeddingLoss(det([3, 4]), det([3, 4]), long([[1, -1, 1]])), /0D or 1D target tensor expected, multi-target not supported/);
  assert.throws(() => F.marginRankingLoss(det([5]), det([5]), det([1, 5])), /All input tensors should have same dimension/);
  assert.throws(() => F.tripletMarginLoss(det([3, 4]), det([3, 4]), det([4])), /anchor 2D, positive 2D, and negative 1D inputs/);
  assert.throws(() => F.nllLoss(x, long([0, 1, 2, 3]), 3 as unknown as Tensor), /argument 'weight' \(position 3\) must be Tensor, not int/);
  assert.throws(() => F.crossEntropy(x, long([0, 1, 2, 3]), { ignore: 1 } as object), /unexpected keyword argument 'ignore'/);
});
