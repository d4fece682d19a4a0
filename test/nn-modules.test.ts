// nn modules against Debian's PyTorch 1.13 (/usr/bin/python3): state_dict key order of nested
// modules, repr strings, default initialisation after torch.manual_seed (exact float32 values),
// train/eval behaviour, nn.utils (clip_grad_norm_, pack/pad sequences with an LSTM over a
// PackedSequence) and bad-input errors. REF below was printed by that PyTorch (values rounded to
// float32 for initial weights, to 12 digits for float64 results).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import * as utils from "../src/nn/utils/index.js";

const nn = torch.nn;
type Tensor = torch.Tensor;

const REF = {"init":{"conv":{"weight":[-0.0026469906,0.18966144,-0.29099038,-0.26019374,-0.13617262,0.094807945,-0.007005017,0.28032875,-0.03137576,0.09355467,-0.106848456,-0.069496356,-0.3377667,-0.23415208,-0.14574288,0.01309688,0.1397721,0.21214008,-0.23968837,-0.15395936,0.12841664,0.29358646,-0.07276135,0.26456815],"bias":[-0.05698692,0.037410934,0.3201342]},"embedding":{"weight":[0.66135216,0.2669241,0.06167726,0.6213173,-0.45190597,-0.16613023,0.0,0.0,0.0,-0.5630528,-0.89229053,-0.058250178,-0.19550958,-0.96563596,0.42241532]},"lstm":{"weight_ih_l0":[0.16220333,-0.16827323,0.19390896,-0.036117487,0.3020673,0.16834286,-0.08127109,-0.57166946,0.16144265,-0.6260332,0.09293363,0.04699281,-0.1554916,0.578199,0.047190055,0.29322195],"weight_hh_l0":[0.2992439,-0.41714463,-0.27183622,0.6800374,-0.6925951,-0.04802549,-0.056038026,0.5015575],"bias_ih_l0":[-0.06722431,0.18619381,-0.033943724,-0.39594215,-0.4007812,-0.34353635,-0.64233893,-0.45889977],"bias_hh_l0":[0.16641682,0.4653795,0.034833696,-0.3241305,0.31076178,-0.27143893,-0.15663749,-0.38764107],"weight_hr_l0":[-0.2220333,-0.65520495],"weight_ih_l0_reverse":[0.30171528,0.27494842,0.14045513,0.34717613,0.29969436,0.031284593,0.074886516,0.053995505,0.37731054,0.47499666,0.50780565,0.40984303,-0.17239933,-0.03147872,-0.14369993,0.41134658],"weight_hh_l0_reverse":[0.07852995,0.65445346,0.35863915,-0.60433525,0.2068515,0.6794407,0.6280833,-0.011112017],"bias_ih_l0_reverse":[0.23458539,-0.6633026,-0.22542629,0.34481305,-0.64414805,0.6160337,-0.46501055,0.22360303],"bias_hh_l0_reverse":[-0.026769908,0.124604374,0.06850793,-0.66102636,-0.15188661,-0.44697002,0.60114974,-0.08679705],"weight_hr_l0_reverse":[-0.7040787,0.1712605]},"mha":{"in_proj_weight":[0.18164244,-0.34934902,0.550284,-0.5975424,-0.39084402,-0.38246927,-0.25383487,0.12210543,-0.46386567,-0.47177687,-0.29286146,0.37375775,-0.44168943,-0.54923457,-0.53074837,-0.30133945,-0.16089971,-0.6070761,-0.28670517,0.011780599,0.100946024,-0.08778907,-0.06943397,-0.3983938,0.31372207,-0.14752354,-0.4186893,-0.1474742,-0.08555182,0.56620306,0.31914288,-0.24726841,-0.08687839,0.5411348,0.39341056,0.15268555,-0.21966803,0.509541,0.26235893,-0.27273536,0.43457568,0.043645456,-0.45288405,-0.27142632,-0.45862994,-0.5071974,0.014970502,-0.43884477],"in_proj_bias":[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0],"out_proj.weight":[-0.49573648,-0.39443064,-0.21415752,-0.47304517,-0.02838564,-0.4398837,0.27186584,0.24369937,0.09442121,0.38785666,-0.048968673,0.29949063,-0.3501591,-0.09853119,-0.44582307,-0.040594757],"out_proj.bias":[0.0,0.0,0.0,0.0]},"mhaSeparate":{"q_proj_weight":[0.6659326,0.59693915,0.23128378,0.95005095],"k_proj_weight":[-0.10728499,0.6561511,-0.7671602,-0.21587102,-0.9767495,-0.08893866],"v_proj_weight":[-0.9175269,1.270481],"in_proj_bias":[0.0,0.0,0.0,0.0,0.0,0.0],"bias_k":[0.08105698,-0.44701093],"bias_v":[-0.638117,-0.4303906],"out_proj.weight":[-0.7010772,-0.5578092,-0.30286446,-0.66898686],"out_proj.bias":[0.0,0.0]},"layerNorm":{"weight":[1.0,1.0,1.0,1.0,1.0,1.0],"bias":[0.0,0.0,0.0,0.0,0.0,0.0]}},"keys":{"net":["conv.weight","conv.bias","bn.weight","bn.bias","bn.running_mean","bn.running_var","bn.num_batches_tracked","rnn.weight_ih_l0","rnn.weight_hh_l0","rnn.bias_ih_l0","rnn.bias_hh_l0","rnn.weight_ih_l0_reverse","rnn.weight_hh_l0_reverse","rnn.bias_ih_l0_reverse","rnn.bias_hh_l0_reverse","rnn.weight_ih_l1","rnn.weight_hh_l1","rnn.bias_ih_l1","rnn.bias_hh_l1","rnn.weight_ih_l1_reverse","rnn.weight_hh_l1_reverse","rnn.bias_ih_l1_reverse","rnn.bias_hh_l1_reverse","head.0.weight","head.0.bias","head.2.weight","head.2.bias","head.3.weight","head.3.bias","emb.weight","loss.weight"],"transformer":["encoder.layers.0.self_attn.in_proj_weight","encoder.layers.0.self_attn.in_proj_bias","encoder.layers.0.self_attn.out_proj.weight","encoder.layers.0.self_attn.out_proj.bias","encoder.layers.0.linear1.weight","encoder.layers.0.linear1.bias","encoder.layers.0.linear2.weight","encoder.layers.0.linear2.bias","encoder.layers.0.norm1.weight","encoder.layers.0.norm1.bias","encoder.layers.0.norm2.weight","encoder.layers.0.norm2.bias","encoder.norm.weight","encoder.norm.bias","decoder.layers.0.self_attn.in_proj_weight","decoder.layers.0.self_attn.in_proj_bias","decoder.layers.0.self_attn.out_proj.weight","decoder.layers.0.self_attn.out_proj.bias","decoder.layers.0.multihead_attn.in_proj_weight","decoder.layers.0.multihead_attn.in_proj_bias","decoder.layers.0.multihead_attn.out_proj.weight","decoder.layers.0.multihead_attn.out_proj.bias","decoder.layers.0.linear1.weight","decoder.layers.0.linear1.bias","decoder.layers.0.linear2.weight","decoder.layers.0.linear2.bias","decoder.layers.0.norm1.weight","decoder.layers.0.norm1.bias","decoder.layers.0.norm2.weight","decoder.layers.0.norm2.bias","decoder.layers.0.norm3.weight","decoder.layers.0.norm3.bias","decoder.norm.weight","decoder.norm.bias"],"mhaSeparate":["q_proj_weight","k_proj_weight","v_proj_weight","in_proj_bias","bias_k","bias_v","out_proj.weight","out_proj.bias"],"batchNormNoAffine":["running_mean","running_var","num_batches_tracked"],"bceWithLogits":["pos_weight"]},"packed":{"x":[-0.896355346807,-0.577634722947,0.481918215084,0.243088195194,0.031312840133,0.001088134777,-1.082742676812,-0.047409973215,-0.605137869835,-2.11732624406,1.176048383471,-0.178955852759,1.178644820449,0.039042802065,1.196106146414,-1.564351895046,1.7870612277,-0.632563087812,-0.755663515902,-0.896260353849,0.698271014448,1.8712624879,-1.617562148849,2.383648117443],"batchSizes":[3,3,2,1],"sorted":[1,2,0],"unsorted":[2,0,1],"out":[0.117653407455,-0.128842283081,0.093957928855,-0.064517240625,-0.263635393184,0.16211694623,0.176777173018,-0.208813731535,0.143053326304,-0.053722346744,-0.172659919439,0.119361836237,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.146180334175,-0.15734700936,0.088488582165,-0.048095231876,-0.397267890955,0.229913856192,0.187837529097,-0.205619381746,0.132434400695,-0.044311613645,-0.359485430658,0.214299275396,0.230581687114,-0.267477662063,0.156688366527,-0.058694968043,-0.356577484963,0.209280131679,0.256798282995,-0.321413832388,0.185382775081,-0.044268786875,-0.223984507756,0.149885067718,0.15068443599,-0.144962560886,0.088216622947,-0.055281326505,-0.379049981542,0.232177873865,0.221226429619,-0.253751123862,0.128370328948,-0.065153246451,-0.369570288566,0.220436281555,0.245225184205,-0.312503951395,0.154037557302,-0.058698922797,-0.273301879604,0.15229820229,0.0,0.0,0.0,0.0,0.0,0.0],"outShape":[3,4,6],"lengths":[2,4,3],"h":[-0.046705463766,-0.313319497209,-0.169180929942,0.118090650678,0.030191285194,-0.062284184482,0.124953745757,-0.200605647676,-0.129420346187,-0.122374764065,0.132950399918,-0.2157450543,-0.314461047797,-0.029622023896,-0.241363676331,-0.279451173139,-0.033355791855,-0.178038200034,0.176777173018,-0.208813731535,0.143053326304,0.256798282995,-0.321413832388,0.185382775081,0.245225184205,-0.312503951395,0.154037557302,-0.064517240625,-0.263635393184,0.16211694623,-0.048095231876,-0.397267890955,0.229913856192,-0.055281326505,-0.379049981542,0.232177873865],"c":[-0.086216818851,-0.484467046997,-0.328175013306,0.193032403598,0.070890405933,-0.479328296477,0.19739458779,-0.28282106151,-0.497508453676,-0.283468662069,0.341811231085,-0.800314525603,-0.53176723977,-0.07987572365,-0.655854739255,-0.508984400706,-0.078291610361,-0.567821759753,0.278941307346,-0.391030917555,0.31629797157,0.423108105485,-0.57749127515,0.378553996005,0.386425491814,-0.549692817698,0.335637900561,-0.216535555073,-0.451855043067,0.42673903003,-0.15372544827,-0.706710099976,0.592287705631,-0.17693149745,-0.690849126241,0.594624837091],"gradWhhL1Reverse":[0.007731638947,0.040593193506,-0.024815154653,0.005457722201,0.01821718981,-0.012357615141,-0.086918327567,-0.483555535413,0.292538239406,0.008496918339,0.046096236604,-0.027817465262,0.003272452889,0.008241223219,-0.005905605525,-0.050299493799,-0.292688261636,0.175936643333,-0.084928469758,-0.468345910608,0.283582545865,-0.02584481419,-0.084513963165,0.05764591839,-0.131407492712,-0.717278691266,0.435960181695,0.024707555389,0.130183910295,-0.079963400609,0.073907792371,0.419537610387,-0.255600965601,-0.082795386457,-0.464312921127,0.281722555788]},"clip":{"ga":[0.047925487,-0.08435339,-0.14705297,0.7590345,0.14661852,-1.0040545],"gb":[-2.36451,-2.422312],"total":3.6187424659729004,"a":[0.013243683,-0.023310132,-0.040636476,0.20975086,0.040516417,-0.27745944],"b":[-0.6534064,-0.66937935]},"clipInf":{"total":2.422312021255493,"a":[0.009892505,-0.017411744,-0.030353835,0.15667556,0.030264156,-0.2072512],"b":[-0.48806864,-0.4999998]},"bnCumulative":{"xs":[[-0.111659348798,-1.145609747988,1.410316084217,1.365395541323,1.120571990506,-0.962236207754],[-0.339109576834,0.732988120156,1.519886021459,0.232264014024,0.021485142414,-0.712786995876],[0.389731326325,-0.672695645647,-0.705161886989,-0.54731314091,1.246088765308,-1.480911379047]],"runningMean":[0.505794279734,-0.35454504908],"runningVar":[0.860520646244,0.918405212216]}} as {
  init: Record<string, Record<string, number[]>>;
  keys: Record<string, string[]>;
  packed: { x: number[]; batchSizes: number[]; sorted: number[]; unsorted: number[]; out: number[]; outShape: number[]; lengths: number[]; h: number[]; c: number[]; gradWhhL1Reverse: number[] };
  clip: { ga: number[]; gb: number[]; total: number; a: number[]; b: number[] };
  clipInf: { total: number; a: number[]; b: number[] };
  bnCumulative: { xs: number[][]; runningMean: number[]; runningVar: number[] };
};

const values = (t: Tensor): number[] => (t.reshape(-1).tolist() as (number | bigint)[]).map(Number);

function assertClose(actual: Tensor | number[], expected: number[], tol = 1e-9, what = ""): void {
  const a = Array.isArray(actual) ? actual : values(actual);
  assert.equal(a.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => assert.ok(Math.abs(a[i]! - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a[i]} vs ${e}`));
}

function stateValues(m: torch.nn.Module): Record<string, number[]> {
  return Object.fromEntries([...m.stateDict()].map(([k, v]) => [k, values(v)]));
}

describe("state_dict keys in PyTorch's order", () => {
  class Net extends nn.Module {
    conv = new nn.Conv2d(1, 4, 3);
    bn = new nn.BatchNorm2d(4);
    rnn = new nn.GRU(4, 3, { numLayers: 2, bidirectional: true });
    head = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.LayerNorm(5), new nn.Linear(5, 2));
    emb = new nn.Embedding(10, 4);
    loss = new nn.CrossEntropyLoss({ weight: torch.ones(2) });
  }
  const cases: [string, () => torch.nn.Module][] = [
    ["net", () => new Net()],
    ["transformer", () => new nn.Transformer(4, 2, 1, 1, 8)],
    ["mhaSeparate", () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true })],
    ["batchNormNoAffine", () => new nn.BatchNorm1d(3, { affine: false })],
    ["bceWithLogits", () => new nn.BCEWithLogitsLoss({ posWeight: torch.ones(3) })],
  ];
  for (const [name, make] of cases) test(name, () => assert.deepEqual([...make().stateDict().keys()], REF.keys[name]));

  test("loss weights are buffers; None buffers are absent", () => {
    assert.deepEqual([...new nn.NLLLoss().stateDict().keys()], []);
    assert.deepEqual([...new nn.CrossEntropyLoss({ weight: torch.ones(3) }).stateDict().keys()], ["weight"]);
    assert.deepEqual([...new nn.BatchNorm1d(3, { trackRunningStats: false }).stateDict().keys()], ["weight", "bias"]);
  });
});

describe("repr like PyTorch's", () => {
  const cases: [torch.nn.Module, string][] = [
    [new nn.Conv2d(1, 32, 3), "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"],
    [new nn.Conv2d(4, 8, [3, 5], { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false, paddingMode: "reflect" }),
      "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False, padding_mode=reflect)"],
    [new nn.Conv1d(2, 2, 3, { padding: "same" }), "Conv1d(2, 2, kernel_size=(3,), stride=(1,), padding=same)"],
    [new nn.ConvTranspose2d(3, 2, 3, { stride: 2, outputPadding: 1 }), "ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))"],
    [new nn.ReLU(), "ReLU()"],
    [new nn.ReLU(true), "ReLU(inplace=True)"],
    [new nn.Dropout(0.5), "Dropout(p=0.5, inplace=False)"],
    [new nn.Dropout2d(0.25, true), "Dropout2d(p=0.25, inplace=True)"],
    [new nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"],
    [new nn.ELU(), "ELU(alpha=1.0)"],
    [new nn.GELU("tanh"), "GELU(approximate='tanh')"],
    [new nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"],
    [new nn.ReLU6(), "ReLU6()"],
    [new nn.Softmax({ dim: 1 }), "Softmax(dim=1)"],
    [new nn.Softmin(), "Softmin(dim=None)"],
    [new nn.PReLU(3), "PReLU(num_parameters=3)"],
    [new nn.RReLU(), "RReLU(lower=0.125, upper=0.3333333333333333)"],
    [new nn.Hardshrink(), "Hardshrink(0.5)"],
    [new nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20.0)"],
    [new nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"],
    [new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, ceilMode: true }), "MaxPool2d(kernel_size=(3, 2), stride=1, padding=1, dilation=1, ceil_mode=True)"],
    [new nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"],
    [new nn.AdaptiveAvgPool2d([5, 7]), "AdaptiveAvgPool2d(output_size=(5, 7))"],
    [new nn.LPPool2d(2, 3), "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"],
    [new nn.MaxUnpool2d(2), "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"],
    [new nn.BatchNorm2d(16), "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"],
    [new nn.BatchNorm1d(4, { momentum: null, affine: false, trackRunningStats: false }), "BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, track_running_stats=False)"],
    [new nn.InstanceNorm2d(3), "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)"],
    [new nn.LayerNorm([4, 6], { elementwiseAffine: false }), "LayerNorm((4, 6), eps=1e-05, elementwise_affine=False)"],
    [new nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True)"],
    [new nn.LocalResponseNorm(2), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"],
    [new nn.Embedding(10, 3, { paddingIdx: 0 }), "Embedding(10, 3, padding_idx=0)"],
    [new nn.Embedding(10, 3, { maxNorm: 1.0, sparse: true }), "Embedding(10, 3, max_norm=1.0, sparse=True)"],
    [new nn.EmbeddingBag(10, 3, { mode: "sum" }), "EmbeddingBag(10, 3, mode=sum)"],
    [new nn.LSTM(4, 6, { projSize: 3, batchFirst: true, dropout: 0.5, numLayers: 2, bidirectional: true, bias: false }),
      "LSTM(4, 6, proj_size=3, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"],
    [new nn.RNN(3, 4, { nonlinearity: "relu" }), "RNN(3, 4)"],
    [new nn.RNNCell(3, 4, { nonlinearity: "relu" }), "RNNCell(3, 4, nonlinearity=relu)"],
    [new nn.LSTMCell(3, 4, { bias: false }), "LSTMCell(3, 4, bias=False)"],
    [new nn.Unflatten(1, [2, 3]), "Unflatten(dim=1, unflattened_size=(2, 3))"],
    [new nn.PixelUnshuffle(3), "PixelUnshuffle(downscale_factor=3)"],
    // PyTorch 2.x prints repr(mode) (1.13 printed it bare).
    [new nn.Upsample({ scaleFactor: 2, mode: "nearest" }), "Upsample(scale_factor=2.0, mode='nearest')"],
    [new nn.ZeroPad2d(2), "ZeroPad2d((2, 2, 2, 2))"],
    [new nn.ConstantPad1d([1, 2], 3.5), "ConstantPad1d(padding=(1, 2), value=3.5)"],
    [new nn.ReplicationPad3d(1), "ReplicationPad3d((1, 1, 1, 1, 1, 1))"],
    [new nn.CrossEntropyLoss(), "CrossEntropyLoss()"],
    [new nn.MultiheadAttention(8, 2), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)"],
    [new nn.TransformerEncoderLayer(8, 2, 16),
      "TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n  )\n" +
      "  (linear1): Linear(in_features=8, out_features=16, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)\n" +
      "  (linear2): Linear(in_features=16, out_features=8, bias=True)\n  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)\n" +
      "  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)\n  (dropout1): Dropout(p=0.1, inplace=False)\n  (dropout2): Dropout(p=0.1, inplace=False)\n)"],
    [new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4, 2)),
      "Sequential(\n  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1))\n  (1): ReLU()\n  (2): Flatten(start_dim=1, end_dim=-1)\n  (3): Linear(in_features=4, out_features=2, bias=True)\n)"],
  ];
  for (const [m, expected] of cases) test(expected.split("\n")[0]!, () => assert.equal(m.toString(), expected));
});

describe("default initialisation: the same seed gives PyTorch's weights", () => {
  const cases: [string, number, () => torch.nn.Module][] = [
    ["conv", 0, () => new nn.Conv2d(2, 3, 2)],
    ["embedding", 1, () => new nn.Embedding(5, 3, { paddingIdx: 2 })],
    ["lstm", 2, () => new nn.LSTM(2, 2, { bidirectional: true, projSize: 1 })],
    ["mha", 3, () => new nn.MultiheadAttention(4, 2)],
    ["mhaSeparate", 3, () => new nn.MultiheadAttention(2, 1, { kdim: 3, vdim: 1, addBiasKv: true })],
    ["layerNorm", 4, () => new nn.LayerNorm([2, 3])],
  ];
  for (const [name, seed, make] of cases) {
    test(name, () => {
      torch.manualSeed(seed);
      const got = stateValues(make());
      const want = REF.init[name]!;
      assert.deepEqual(Object.keys(got), Object.keys(want));
      for (const k of Object.keys(want)) assert.deepEqual(got[k]!.map(Math.fround), want[k]!.map(Math.fround), k);
    });
  }
});

describe("train/eval", () => {
  test("Dropout: identity in eval, scaled mask in training", () => {
    const d = new nn.Dropout(0.5);
    const x = torch.ones(1000);
    d.eval();
    assert.deepEqual(values(d.call(x)), values(x));
    d.train();
    const y = values(d.call(x));
    assert.ok(y.every((v) => v === 0 || v === 2));
    assert.ok(y.some((v) => v === 0) && y.some((v) => v === 2));
  });

  test("BatchNorm: running statistics in training, used in eval", () => {
    const bn = new nn.BatchNorm1d(2).double();
    const x = torch.tensor([[1, 2], [3, 6], [5, 10]], { dtype: "float64" });
    bn.call(x);
    assertClose(bn.running_mean!, [0.3, 0.6]);
    assertClose(bn.running_var!, [0.9 + 0.1 * 4, 0.9 + 0.1 * 16]);
    assert.equal(bn.num_batches_tracked!.dtype.name, "int64");
    assert.equal(Number(bn.num_batches_tracked!.item()), 1);
    bn.eval();
    const y = bn.call(x);
    assertClose(y, values(x.sub(bn.running_mean!).div(bn.running_var!.add(1e-5).sqrt())));
    assert.equal(Number(bn.num_batches_tracked!.item()), 1);
  });

  test("BatchNorm momentum=None: cumulative average", () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null }).double();
    for (const xs of REF.bnCumulative.xs) bn.call(torch.tensor(xs, { dtype: "float64" }).reshape(3, 2));
    assertClose(bn.running_mean!, REF.bnCumulative.runningMean);
    assertClose(bn.running_var!, REF.bnCumulative.runningVar);
  });

  test("BatchNorm without running stats normalises with batch statistics in eval too", () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false }).double().eval();
    assert.equal(bn.running_mean, null);
    const y = bn.call(torch.tensor([[1, 2], [3, 6]], { dtype: "float64" }));
    assertClose(y, [-1, -1, 1, 1], 1e-4);
  });
});

describe("nn.utils", () => {
  test("clipGradNorm_ returns the total norm and scales the gradients", () => {
    const C = REF.clip;
    const a = new nn.Parameter(torch.zeros(2, 3)), b = new nn.Parameter(torch.zeros(2));
    a.grad = torch.tensor(C.ga).reshape(2, 3);
    b.grad = torch.tensor(C.gb);
    const total = utils.clipGradNorm_([a, b], 1.0);
    assertClose([Number(total.item())], [C.total], 1e-6);
    assertClose(a.grad!, C.a, 1e-6);
    assertClose(b.grad!, C.b, 1e-6);
    a.grad = torch.tensor(C.ga).reshape(2, 3);
    b.grad = torch.tensor(C.gb);
    const inf = utils.clipGradNorm_([a, b], 0.5, "inf");
    assertClose([Number(inf.item())], [REF.clipInf.total], 1e-6);
    assertClose(a.grad!, REF.clipInf.a, 1e-6);
    assertClose(b.grad!, REF.clipInf.b, 1e-6);
  });

  test("clipGradNorm_ with errorIfNonfinite", () => {
    const a = new nn.Parameter(torch.zeros(2));
    a.grad = torch.tensor([Infinity, 1]);
    assert.throws(() => utils.clipGradNorm_([a], 1, { errorIfNonfinite: true }), /The total norm of order 2.0 for gradients from `parameters` is non-finite/);
  });

  test("clipGradValue_, parametersToVector, vectorToParameters", () => {
    const lin = new nn.Linear(2, 2);
    for (const p of lin.parameters()) p.grad = torch.full(p.shape, 3, { dtype: "float32" });
    utils.clipGradValue_(lin.parameters(), 0.5);
    for (const p of lin.parameters()) assert.ok(values(p.grad!).every((v) => v === 0.5));
    const v = utils.parametersToVector(lin.parameters());
    assert.deepEqual(v.shape, [6]);
    utils.vectorToParameters(torch.arange(6).float(), lin.parameters());
    assert.deepEqual(values(lin.weight), [0, 1, 2, 3]);
    assert.deepEqual(values(lin.bias!), [4, 5]);
  });

  test("padSequence, packSequence, padPackedSequence", () => {
    const seqs = [torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])];
    const padded = utils.rnn.padSequence(seqs, { batchFirst: true, paddingValue: -1 });
    assert.deepEqual(padded.tolist(), [[1, 2, 3], [4, 5, -1], [6, -1, -1]]);
    const packed = utils.rnn.packSequence(seqs);
    assert.deepEqual(values(packed.data), [1, 4, 6, 2, 5, 3]);
    assert.deepEqual(values(packed.batchSizes), [3, 2, 1]);
    const [data, batchSizes] = packed;
    assert.equal(data, packed.data);
    assert.equal(batchSizes, packed.batchSizes);
    const [back, lengths] = utils.rnn.padPackedSequence(packed, { batchFirst: true, totalLength: 4 });
    assert.deepEqual(back.tolist(), [[1, 2, 3, 0], [4, 5, 0, 0], [6, 0, 0, 0]]);
    assert.deepEqual(values(lengths), [3, 2, 1]);
    assert.throws(() => utils.rnn.packPaddedSequence(padded, [2, 3, 1], { batchFirst: true }), /must be sorted in decreasing order/);
  });

  test("LSTM over an unsorted PackedSequence matches PyTorch (outputs, states, gradients)", () => {
    const P = REF.packed;
    torch.manualSeed(10);
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true }).double();
    const x = torch.tensor(P.x, { dtype: "float64" }).reshape(4, 3, 2);
    const packed = utils.rnn.packPaddedSequence(x, [2, 4, 3], { enforceSorted: false });
    assert.deepEqual(values(packed.batchSizes), P.batchSizes);
    assert.deepEqual(values(packed.sortedIndices!), P.sorted);
    assert.deepEqual(values(packed.unsortedIndices!), P.unsorted);
    const [out, [h, c]] = lstm.call(packed);
    assert.ok(out instanceof utils.rnn.PackedSequence);
    const [padded, lengths] = utils.rnn.padPackedSequence(out, { batchFirst: true });
    assert.deepEqual(padded.shape, P.outShape);
    assert.deepEqual(values(lengths), P.lengths);
    assertClose(padded, P.out, 1e-9, "out");
    assertClose(h, P.h, 1e-9, "h_n");
    assertClose(c, P.c, 1e-9, "c_n");
    padded.sum().add(h.sum().mul(2)).add(c.pow(2).sum()).backward();
    const w = lstm.getParameter("weight_hh_l1_reverse");
    assertClose(w.grad!, P.gradWhhL1Reverse, 1e-8, "grad");
  });
});

describe("modules", () => {
  test("Embedding.fromPretrained freezes by default", () => {
    const w = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float32" });
    const e = nn.Embedding.fromPretrained(w);
    assert.equal(e.weight.requiresGrad, false);
    assert.deepEqual(e.call(torch.tensor([2, 0])).tolist(), [[5, 6], [1, 2]]);
    assert.equal(nn.Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad, true);
  });

  test("TransformerEncoder holds independent deep copies of the layer", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, 8);
    const enc = new nn.TransformerEncoder(layer, 2);
    const [l0, l1] = [enc.layers.at(0), enc.layers.at(1)] as torch.nn.TransformerEncoderLayer[];
    assert.notEqual(l0, layer);
    assert.notEqual(l0!.linear1.weight, l1!.linear1.weight);
    assert.deepEqual(values(l0!.linear1.weight), values(layer.linear1.weight));
    torch.noGrad(() => l0!.linear1.weight.fill_(0));
    assert.notDeepEqual(values(l1!.linear1.weight), values(l0!.linear1.weight));
    assert.equal([...enc.parameters()].length, 2 * [...layer.parameters()].length);
  });

  test("MultiheadAttention: batchFirst, need_weights and averaged weights", () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const x = torch.randn(2, 3, 4);
    const [y, w] = mha.call(x, x, x);
    assert.deepEqual(y.shape, [2, 3, 4]);
    assert.deepEqual(w!.shape, [2, 3, 3]);
    const [, perHead] = mha.call(x, x, x, { averageAttnWeights: false });
    assert.deepEqual(perHead!.shape, [2, 2, 3, 3]);
    assert.equal(mha.call(x, x, x, { needWeights: false })[1], null);
  });

  test("ConvTranspose2d output_size selects the output padding", () => {
    const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    assert.deepEqual(m.call(torch.randn(1, 2, 4, 4), [8, 8]).shape, [1, 3, 8, 8]);
    assert.deepEqual(m.call(torch.randn(1, 2, 4, 4)).shape, [1, 3, 7, 7]);
  });

  test("max pooling with indices round-trips through MaxUnpool2d", () => {
    const x = torch.tensor([[[[1, 2], [3, 4]]]], { dtype: "float32" });
    const [y, i] = new nn.MaxPool2d(2, { returnIndices: true }).call(x) as [Tensor, Tensor];
    assert.deepEqual(new nn.MaxUnpool2d(2).call(y, i).tolist(), [[[[0, 0], [0, 4]]]]);
  });
});

describe("bad input", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["Conv2d input dims", () => new nn.Conv2d(1, 2, 3).call(torch.randn(2, 1, 1, 5, 5)),
      /Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[2, 1, 1, 5, 5\]/],
    ["Conv2d reflect input dims", () => new nn.Conv2d(1, 2, 3, { padding: 1, paddingMode: "reflect" }).call(torch.randn(5, 5)), /input to conv2d, but got input of size: \[5, 5\]/],
    ["Conv2d groups", () => new nn.Conv2d(3, 2, 3, { groups: 2 }), /in_channels must be divisible by groups/],
    ["Conv2d 'same' strided", () => new nn.Conv2d(3, 3, 3, { padding: "same", stride: 2 }), /padding='same' is not supported for strided convolutions/],
    ["Conv2d missing kernel_size", () => new (nn.Conv2d as unknown as new (...a: unknown[]) => torch.nn.Module)(1, 2), /missing 1 required positional argument: 'kernel_size'/],
    ["ConvTranspose2d output_size", () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2 }).call(torch.randn(1, 2, 4, 4), [20, 20]),
      /requested an output size of \[20, 20\], but valid sizes range from \[9, 9\] to \[10, 10\]/],
    ["BatchNorm1d dims", () => new nn.BatchNorm1d(3).call(torch.randn(2, 3, 4, 5)), /expected 2D or 3D input \(got 4D input\)/],
    ["BatchNorm2d dims", () => new nn.BatchNorm2d(3).call(torch.randn(2, 3)), /expected 4D input \(got 2D input\)/],
    ["InstanceNorm2d channels", () => new nn.InstanceNorm2d(3, { affine: true }).call(torch.randn(2, 4, 2, 2)), /expected input's size at dim=1 to match num_features \(3\), but got: 4/],
    ["GroupNorm groups", () => new nn.GroupNorm(3, 4), /num_channels must be divisible by num_groups/],
    ["Embedding padding_idx", () => new nn.Embedding(5, 2, { paddingIdx: 5 }), /Padding_idx must be within num_embeddings/],
    ["RNN input_size", () => new nn.RNN(4, 3).call(torch.randn(2, 3, 5)), /input.size\(-1\) must be equal to input_size. Expected 4, got 5/],
    ["GRU dims", () => new nn.GRU(4, 3).call(torch.randn(2, 3, 4, 1)), /GRU: Expected input to be 2D or 3D, got 4D tensor instead/],
    ["GRU dtype", () => new nn.GRU(4, 3).call(torch.randn([2, 3, 4], { dtype: "float64" })), /input must have the type torch.float32, got type torch.float64/],
    ["LSTM hidden", () => new nn.LSTM(4, 3).call(torch.randn(2, 3, 4), [torch.randn(1, 2, 3), torch.randn(1, 3, 3)]), /Expected hidden\[0\] size \(1, 3, 3\), got \[1, 2, 3\]/],
    ["LSTMCell input", () => new nn.LSTMCell(4, 3).call(torch.randn(2, 5)), /input has inconsistent input_size: got 5 expected 4/],
    ["MultiheadAttention heads", () => new nn.MultiheadAttention(5, 2), /embed_dim must be divisible by num_heads/],
    ["Dropout p", () => new nn.Dropout(1.5), /dropout probability has to be between 0 and 1, but got 1.5/],
    ["Softmax2d dims", () => new nn.Softmax2d().call(torch.randn(2, 3)), /Softmax2d: expected input to be 3D or 4D, got 2D instead/],
    ["CircularPad2d dims", () => new nn.CircularPad2d(1).call(torch.randn(2, 3)), /CircularPad2d: expected 3D or 4D input \(got 2D input\)/],
    ["Transformer batch", () => new nn.Transformer(4, 2, 1, 1, 8).call(torch.randn(3, 2, 4), torch.randn(3, 3, 4)), /the batch number of src and tgt must be equal/],
    ["unknown option", () => new nn.Conv2d(1, 2, 3, { strides: 2 } as unknown as { stride: number }), /unexpected keyword argument 'strides'/],
  ];
  for (const [name, f, re] of cases) test(name, () => assert.throws(f, re));

  test("loadStateDict with a wrong shape names the key and changes nothing", () => {
    const conv = new nn.Conv2d(1, 2, 3);
    const before = values(conv.weight);
    const sd = conv.stateDict();
    sd.set("weight", torch.zeros(2, 1, 2, 2));
    sd.set("bias", torch.zeros(2));
    assert.throws(() => conv.loadStateDict(sd), /size mismatch for weight: copying a param with shape torch.Size\(\[2, 1, 2, 2\]\) from checkpoint, the shape in current model is torch.Size\(\[2, 1, 3, 3\]\)/);
    assert.deepEqual(values(conv.weight), before);
    assert.notDeepEqual(values(conv.bias!), [0, 0]);
  });
});
