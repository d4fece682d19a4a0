// F.scaled_dot_product_attention, F.multi_head_attention_forward and the distance functions beyond
// the conformance file. Reference values: PyTorch 1.13 (same semantics) on deterministic inputs;
// scaled_dot_product_attention (2.0+) against its math definition.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { det, long, close } from "./support/reference.js";

const F = torch.nn.functional;
type Tensor = torch.Tensor;



const REF: Record<string, number[]> = {
  "pdist_p1": [5.001069104, 4.435448664, 4.86903037],
  "pdist_bcast": [3.208457239, 2.667282256, 2.229046286],
  "cos_bcast": [-0.4102537549, 0.02395466922, 0.35512759],
  "cos_dim0": [0.02943024073, 0.5213866407, 0.8186571817, 0.746188012, 0.1987113698, 0.1917219382, 0.7432370568, 0.8194190943, 0.5283543908, 0.02923711871, 0.5359989466, 0.8202231238],
  "cos_zero": [0.0, 0.0, 0.0],
  "pd_p1": [3.763007792, 6.17244366, 0.04845197378, 3.797470638, 4.999063968, 3.761018064, 0.06029422189, 6.220895634, 4.938769746, 3.795480911],
  "pd_inf": [2.004349437, 2.44000545, 0.02522085073, 2.602177709, 2.008427192, 2.459158817],
  "pd_half": [10.46335273, 18.1707546, 0.1303670228, 13.45070253, 10.49068372, 18.32799342],
  "pd_grad": [-0.9768398946, 0.6317415824, 1.943205122, -1.297066295, -1.378956556, -0.8123020018, 0.02786983592, -0.3426800083, -0.55206209, 0.7099586951, 0.208112336, -0.3916125066, 1.536077659, 0.8817826461, -0.1872285237],
  "mha_o": [-1.645928369, -1.623413585, -0.8741114038, 0.2654629791, 1.284595895, 1.727239706, 1.396055543, 0.4403575886, -0.3385786031, -1.099481391, -1.368773305, -1.025754999, -0.2235914147, 0.6790604519, 1.278378725, 1.306004593, 1.316716851, 0.08360666968, -1.188943297, -1.929903023, -1.805874136, -0.8711205014, 0.4561265403, 1.58076407, 2.456393675, 1.35379693, -0.3583876711, -1.911792076, -2.608337297, -2.133957541, -0.7002369346, 1.049929001, 2.4877274, 2.076485431, 0.7312636882, -0.9442877498, -2.197261971, -2.463829874, -1.622987713, -0.05150670111, 1.454993885, 1.958337458, 1.58073413, 0.4915008026, -0.8196351925, -1.762737782, -1.913128282, -1.202645044, -0.3851378798, 0.8959705552, 1.772994855, 1.852089421, 1.098556297, -0.147958665, -1.326584602, -1.907617633, -1.868014264, -0.4148307999, 1.22264563, 2.309226616, 2.357985542, 1.348444838, -0.2648948527, -1.757200449, -2.344747473, -1.37874727, 0.2042173914, 1.693426703, 2.421226979, 2.062340553, 0.7792100247, -0.8515519311, -1.766900008, -1.706140979, -0.881460852, 0.3367904102, 1.402583587, 1.83892673, 1.451309142, 0.4143761759, -0.3725464371, -1.133429692, -1.387463759, -1.020798055, -0.1972120872, 0.7150213209, 1.307779443, 1.315648112, 1.311272094, 0.07323654082, -1.199583976, -1.93603799, -1.804749599, -0.8632412289, 0.467223793, 1.590098099],
  "mha_w": [0.5000824067, 0.02967422625, 0.003433279719, 0.4234006843, 0.04340940301, 0.00380149015, 0.5046325325, 0.004242196069, 0.002608983598, 0.4847147977, 0.006972243691, 0.003169875896, 0.9767039732, 0.01091674182, 0.002237165339, 0.4985453272, 0.0189419237, 0.004990436516, 0.4505149816, 0.02700733091, 0.5326782467, 0.01169195133, 0.0009846623159, 0.4357049631, 0.01894017656, 0.006289833438, 0.5069969276, 0.01329711642, 0.004727762019, 0.4686883605, 0.005470837934, 0.006374078263, 0.9756652036, 0.008125942934, 0.004363937303, 0.5245191108, 0.00822785954, 0.001377712062, 0.4528426241, 0.01303269343, 0.5232148928, 0.003698463137, 0.0008156564896, 0.4662040296, 0.006066957895, 0.002966969426, 0.5266525411, 0.01498820085, 0.002232480629, 0.453159808, 0.01617887102, 0.01675576181, 0.9323760511, 0.02217262378, 0.01251669232, 0.5132593084, 0.002424601901, 0.0009802011813, 0.4794092874, 0.00392660111],
  "mha2_o": [1.844696026, 0.8705175044, -0.4963200859, -1.642464, -2.05264155, -1.541328297, -0.3366866409, 1.021214163, 2.387413295, 1.832549357, 0.4532008027, -1.131663848, -2.209844102, -2.295970319, -1.350033295, 0.2040220095, 1.621101364, 1.77587359, 1.131601152, -0.02269975506, -1.168095029, -1.789044343, -1.605473387, -0.699125206, 2.159647314, 1.221050102, -0.2675491295, -1.638142702, -2.274709604, -1.890106406, -0.6556193875, 0.8752855602, 1.957621042, 1.783201056, 0.8064473391, -0.5343836265, -1.636630319, -2.004120438, -1.470549459, -0.2747643214, 1.507513084, 1.740884524, 1.19091678, 0.1042956653, -1.030424027, -1.7024939, -1.608893249, -0.7909803048, 1.474298177, 1.649393287, 1.082216724, 0.02717879294, -1.041342401, -1.642312864, -1.504626159, -0.6894293463, 1.281642845, 1.435254022, 0.9427138412, 0.02493070654, -0.9053265967, -1.429086344, -1.309899536, -0.6006092185, 0.7117876607, 0.8407480634, 0.5904119537, 0.07297001941, -0.4785094054, -0.8150759569, -0.7843057173, -0.3993543414, 1.853305805, 0.9158372573, -0.4346329571, -1.592098888, -2.036205754, -1.566199324, -0.391700677, 0.9607511721, 2.354416655, 1.859336199, 0.5277473636, -1.042819152, -2.146580833, -2.28668535, -1.398894353, 0.118947101, 1.535505363, 1.743330369, 1.166718328, 0.06431483356, -1.068241114, -1.721172352, -1.600048902, -0.758583106],
  "mha2_w": [0.0, 0.0, 0.09400142127, 0.8069425442, 0.01035130229, 0.08870473227, 0.496812921, 0.0, 0.003911321157, 0.3252944367, 0.07485986363, 0.0991214575, 0.003104208022, 0.0, 0.0, 0.003423677783, 0.9119885243, 0.08148358991, 0.3495898167, 0.0, 0.1160872489, 0.4538916835, 0.0101397861, 0.07029146479, 0.0, 0.0, 0.04906665251, 0.8717464343, 0.006903344374, 0.07228356877, 0.5067475813, 0.0, 0.003686950533, 0.3440103842, 0.06168303319, 0.08387205074, 0.001654783831, 0.0, 0.0, 0.001863062773, 0.9286203451, 0.06786180832, 0.3891271898, 0.0, 0.06373322846, 0.4809166658, 0.007105364748, 0.05911755124, 0.0, 0.0, 0.05738139675, 0.8855692916, 0.004048630279, 0.05300068133, 0.3359207583, 0.0, 0.005480902876, 0.2307452036, 0.3436065497, 0.08424658549, 0.007576906563, 0.0, 0.0, 0.007935235696, 0.7711662518, 0.2133216059, 0.3799915103, 0.0, 0.06664724956, 0.5075428385, 0.00322305873, 0.04259534291, 0.0, 0.0, 0.03153569476, 0.9328355216, 0.002032333686, 0.0335964499, 0.2682060339, 0.0, 0.008894636152, 0.1905546764, 0.4372835566, 0.09506109694, 0.005995697273, 0.0, 0.0, 0.006045495545, 0.789957466, 0.1980013412, 0.3983918836, 0.0, 0.0350987694, 0.5379732464, 0.001610654749, 0.02692544582, 0.0, 0.0, 0.0964464362, 0.849206777, 0.007448883932, 0.04689790283, 0.1636585103, 0.0, 0.003658584774, 0.1097208652, 0.6661892683, 0.05677277144, 0.02931772653, 0.0, 0.0, 0.03049549556, 0.3726704729, 0.567516305, 0.3484905069, 0.0, 0.1064047369, 0.5035769342, 0.004666956705, 0.03686086527, 0.0, 0.0, 0.1210140263, 0.8311516645, 0.00567653486, 0.04215777437, 0.1028574575, 0.0, 0.003365081665, 0.06657834845, 0.7737254567, 0.05347365576, 0.03981202036, 0.0, 0.0, 0.04076684963, 0.3531247497, 0.5662963803, 0.3305266293, 0.0, 0.1273640004, 0.506577409, 0.003380737413, 0.03215122388],
  "mha3_o": [-1.621704884, -1.612209816, -0.8809563664, 0.2436417709, 1.257593288, 1.707176313, 1.391937185, 0.4540328645, -0.3065534985, -1.081554963, -1.372992158, -1.050225424, -0.2573294151, 0.6511987937, 1.268899622, 1.319162914, 1.351096335, 0.114206371, -1.175858612, -1.940206655, -1.834941111, -0.9059035776, 0.4312403814, 1.576945435, 2.423625086, 1.271967232, -0.4525477244, -1.976017027, -2.613798605, -2.078203798, -0.6082942257, 1.136790515, 2.593310418, 2.091300835, 0.6486613149, -1.087230319, -2.336382355, -2.536681352, -1.596869569, 0.06185745897, 1.630821778, 2.052650836, 1.551198713, 0.3513741013, -1.007454752, -1.913943964, -1.959849433, -1.123909523, -0.3857938055, 0.882555968, 1.752842988, 1.834245808, 1.091030369, -0.1417887582, -1.309488336, -1.887268978, -1.840343097, -0.4055365703, 1.209391038, 2.279372768, 2.324932882, 1.327029656, -0.265059962, -1.736041373, -2.250036983, -1.319106388, 0.2020177669, 1.630373914, 2.325623421, 1.977099626, 0.7425936745, -0.8231077879, -1.693961305, -1.609926821, -0.80515872, 0.3589309125, 1.360624291, 1.751701832, 1.357971127, 0.3568215164, -0.4574632253, -1.152390184, -1.331957193, -0.9157395645, -0.08975909298, 0.7766365821, 1.295899838, 1.235606017, 1.180667776, -0.03202515846, -1.232254423, -1.881452458, -1.6874098, -0.7358172728, 0.5475353394, 1.587247933],
  "mha4_o": [0.01504365471, 0.08615730858, 0.1185976827, 0.0978033234, 0.03310815815, -0.04644820788, -0.1051554484, -0.1166617476, 0.01924879758, 0.09241066038, 0.1240923124, 0.1000728662, 0.03113388838, -0.05178010322, -0.1114516509, -0.1210960918, 0.01461745112, 0.08338107972, 0.1147175896, 0.09456101656, 0.03195900618, -0.04498838715, -0.1017419222, -0.1128267394, 0.008326188176, 0.07403784412, 0.1065162631, 0.09118291415, 0.03492045078, -0.03701669398, -0.09233822035, -0.106212052],
  "mha4_w": [0.2029076203, 0.19574558, 0.2028376766, 0.2028074186, 0.1957017046, 0.1454206976, 0.2139139764, 0.2834176261, 0.1463669894, 0.2108807105, 0.1119610177, 0.2188759848, 0.3417985014, 0.1131138777, 0.2142506184, 0.1143314517, 0.2184511441, 0.3375856766, 0.1152632089, 0.2143685187],
};

test("pairwise_distance, cosine_similarity (each norm clamped), pdist", () => {
  const u = det([3, 5]), v = det([3, 5], 1);
  const pd = F.pairwiseDistance(u, v, { p: 1, keepdim: true, eps: 0.1 });
  assert.deepEqual(pd.shape, [3, 1]);
  close(pd, REF.pdist_p1!, "pairwise p=1 keepdim");
  close(F.pairwiseDistance(u, det([5], 2), 3), REF.pdist_bcast!, "pairwise broadcast");
  close(F.cosineSimilarity(u, det([1, 5], 2), { dim: -1, eps: 0.5 }), REF.cos_bcast!, "cosine broadcast");
  close(F.cosineSimilarity(det([2, 3, 4]), det([2, 3, 4], 1), 0), REF.cos_dim0!, "cosine dim 0");
  close(F.cosineSimilarity(u, torch.zeros([3, 5], { dtype: "float64" })), REF.cos_zero!, "cosine with a zero vector");
  close(F.pdist(det([5, 3]), 1), REF.pd_p1!, "pdist p=1");
  close(F.pdist(det([4, 3]), Infinity), REF.pd_inf!, "pdist p=inf");
  close(F.pdist(det([4, 3]), 0.5), REF.pd_half!, "pdist p=0.5");
  const xg = det([5, 3]).requiresGrad_(true);
  F.pdist(xg).mul(det([10], 1)).sum().backward();
  close(xg.grad!, REF.pd_grad!, "pdist gradient");
  assert.deepEqual(F.pdist(det([1, 3])).shape, [0]);
  const a = det([3, 4]).requiresGrad_(true), b = det([3, 4], 2).requiresGrad_(true);
  assert.ok(torch.autograd.gradgradcheck((x, y) => F.cosineSimilarity(x, y), [a, b]));
  assert.throws(() => F.pdist(det([2, 3, 4])), /pdist only supports 2D tensors, got: 3D/);
  assert.throws(() => F.cosineSimilarity(long([[1, 2]]), long([[1, 2]])), /expected common dtype to be floating point, yet common dtype is Long/);
});

/** softmax(q kᵀ scale + mask) v with masked-out rows giving zeros: the definition. */
function sdpaReference(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null, scale: number): Tensor {
  let s = q.matmul(k.transpose(-2, -1)).mul(scale);
  if (bias) s = s.add(bias);
  const w = s.softmax(-1);
  return torch.where(w.isnan(), 0, w).matmul(v);
}

test("scaled_dot_product_attention: float and bool masks, causal, scale, grouped-query heads, dropout", () => {
  const q = det([2, 2, 3, 4], 1), k = det([2, 2, 5, 4], 2), v = det([2, 2, 5, 6], 3);
  const fm = det([3, 5], 4);
  close(F.scaledDotProductAttention(q, k, v, fm, { scale: 0.3 }), sdpaReference(q, k, v, fm, 0.3).reshape(-1).tolist() as number[], "float mask");
  const bm = torch.tensor([[true, false, false, true, true], [false, false, false, false, false], [true, true, true, true, true]]);
  const bias = torch.where(bm, 0, -Infinity);
  const out = F.scaledDotProductAttention(q, k, v, bm);
  close(out, sdpaReference(q, k, v, bias, 0.5).reshape(-1).tolist() as number[], "bool mask, fully masked row gives zeros");
  const causal = torch.where(torch.ones([3, 5], { dtype: "bool" }).tril(), 0, -Infinity);
  close(F.scaledDotProductAttention(q, k, v, null, 0, true), sdpaReference(q, k, v, causal, 0.5).reshape(-1).tolist() as number[], "causal");
  close(F.scaledDotProductAttention(q, k, v, { scale: -0.5 }), sdpaReference(q, k, v, null, -0.5).reshape(-1).tolist() as number[], "negative scale");
  // GQA: 4 query heads over 2 key/value heads = each kv head repeated twice.
  const q4 = det([1, 4, 3, 4], 5), k2 = det([1, 2, 5, 4], 6), v2 = det([1, 2, 5, 6], 7);
  const rep = (t: Tensor) => t.repeatInterleave(2, 1);
  close(F.scaledDotProductAttention(q4, k2, v2, { enableGqa: true }), sdpaReference(q4, rep(k2), rep(v2), null, 0.5).reshape(-1).tolist() as number[], "gqa");
  // Gradients flow (and are zero for fully-masked rows rather than NaN).
  const qg = q.clone().requiresGrad_(true);
  F.scaledDotProductAttention(qg, k, v, bm).sum().backward();
  assert.equal(qg.grad!.isnan().any().item(), false);
  assert.ok(torch.autograd.gradcheck((a, b, c) => F.scaledDotProductAttention(a, b, c, fm, 0, false), [det([1, 3, 4], 1).requiresGrad_(true), det([1, 5, 4], 2).requiresGrad_(true), det([1, 5, 2], 3).requiresGrad_(true)]));
  // dropout_p with the global generator: the same draws as F.dropout of the attention weights.
  torch.manualSeed(5);
  const d1 = F.scaledDotProductAttention(q, k, v, null, 0.4);
  torch.manualSeed(5);
  const w = q.matmul(k.transpose(-2, -1)).mul(0.5).softmax(-1);
  close(d1, F.dropout(w, 0.4).matmul(v).reshape(-1).tolist() as number[], "dropout", 1e-6);
  assert.throws(() => F.scaledDotProductAttention(q, k, v, fm, 0, true), /Explicit attn_mask should not be set when is_causal=True/);
  assert.throws(() => F.scaledDotProductAttention(q, k.float(), v), /Expected query, key, and value to have the same dtype/);
});

test("multi_head_attention_forward: packed/separate projections, masks, bias_k/v, zero attn, need_weights", () => {
  const E = 8, H = 2;
  const ipw = det([3 * E, E], 0.1, 0.3), ipb = det([3 * E], 0.2, 0.1), opw = det([E, E], 0.3, 0.3), opb = det([E], 0.4, 0.1);
  const q = det([4, 3, E], 1), k = det([5, 3, E], 2), v = det([5, 3, E], 3);
  let [o, w] = F.multiHeadAttentionForward(q, k, v, E, H, ipw, ipb, null, null, false, 0, opw, opb, { training: false });
  close(o, REF.mha_o!, "out"); close(w!, REF.mha_w!, "averaged weights");
  [o, w] = F.multiHeadAttentionForward(q, q, q, E, H, ipw, ipb, det([1, 1, E], 5), det([1, 1, E], 6), true, 0, opw, opb, {
    training: false, keyPaddingMask: torch.tensor([[false, true, false, false], [false, true, false, false], [false, true, false, false]]),
    attnMask: torch.tensor([[true, false, false, false], [false, false, false, false], [false, false, true, false], [false, false, false, false]]),
    averageAttnWeights: false,
  });
  close(o, REF.mha2_o!, "self-attention, masks, bias_k/v, add_zero_attn"); close(w!, REF.mha2_w!, "per-head weights");
  assert.deepEqual(w!.shape, [3, 2, 4, 6]);
  const r = F.multiHeadAttentionForward(q, k, v, E, H, ipw, ipb, null, null, false, 0, opw, opb, { training: false, needWeights: false, attnMask: det([4, 5], 7) });
  close(r[0], REF.mha3_o!, "need_weights=False (sdpa path)");
  assert.equal(r[1], null);
  [o, w] = F.multiHeadAttentionForward(det([4, E], 1), det([5, 6], 2), det([5, 4], 3), E, H, null, ipb, null, null, false, 0, opw, null, {
    training: false, useSeparateProjWeight: true, qProjWeight: det([E, E], 8, 0.3), kProjWeight: det([E, 6], 9, 0.3), vProjWeight: det([E, 4], 10, 0.3),
  });
  close(o, REF.mha4_o!, "unbatched, separate projection weights"); close(w!, REF.mha4_w!, "unbatched weights");
  assert.throws(() => F.multiHeadAttentionForward(q, k, v, E, H, ipw, ipb, null, null, false, 0, opw, opb, { attnMask: det([4, 4]) }),
    /The shape of the 2D attn_mask is torch.Size\(\[4, 4\]\), but should be \(4, 5\)\./);
  assert.throws(() => F.multiHeadAttentionForward(q, k, v.narrow(0, 0, 4), E, H, ipw, ipb, null, null, false, 0, opw, opb),
    /key shape torch.Size\(\[5, 3, 8\]\) does not match value shape torch.Size\(\[4, 3, 8\]\)/);
  assert.throws(() => F.multiHeadAttentionForward(q, k, v, E, H, ipw, ipb, null, null, false, 0, opw, opb, { isCausal: true }), /Need attn_mask if specifying the is_causal hint/);
  assert.throws(() => F.multiHeadAttentionForward(det([2, 2, 2, E]), k, v, E, H, ipw, ipb, null, null, false, 0, opw, opb), /query should be unbatched 2D or batched 3D tensor but received 4-D query tensor/);
});
