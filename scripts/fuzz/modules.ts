// The fuzzer's module and optimizer calls: each nn module's forward on its inputs mutated as the
// ops' tensors are (./generate.ts mutateTensor), plus bad values of its own (class indices out of
// range, lengths longer than the sequence, wrong hidden-state shapes); each optimizer's step
// (the fused native SGD/Adam steps among them) with parameters, gradients and states that do not match.

import { mutateTensor, rng, type FuzzCall } from "./generate.js";

interface Input { src: string; shape: number[]; dtype: string }

const randn = (shape: number[], dtype = "float32"): Input => ({ src: `torch.randn([${shape}], {dtype: "${dtype}"})`, shape, dtype });
const ints = (shape: number[], high: number): Input => ({ src: `torch.randint(0, ${high}, [${shape}])`, shape, dtype: "int64" });
const probs = (shape: number[]): Input => ({ src: `torch.rand([${shape}])`, shape, dtype: "float32" });
const given = (src: string, shape: number[], dtype = "int64"): Input => ({ src, shape, dtype });

interface ModuleSample {
  name: string;
  ctor: string;
  inputs: Input[];
  /** Extra calls: [label, inputs' sources]. */
  bad?: [string, string[]][];
  /** Statements run on `m` after construction (m.eval()). */
  setup?: string;
}

const MODULES: ModuleSample[] = [
  { name: "Conv1d", ctor: "new nn.Conv1d(2, 3, 3)", inputs: [randn([2, 2, 8])] },
  { name: "Conv1d dilated strided padded", ctor: `new nn.Conv1d(2, 4, 3, {stride: 2, padding: 2, dilation: 2, groups: 2, paddingMode: "reflect"})`, inputs: [randn([2, 2, 9])] },
  { name: "Conv2d", ctor: "new nn.Conv2d(2, 3, 3, {padding: 1})", inputs: [randn([2, 2, 5, 5])] },
  { name: "Conv2d grouped", ctor: "new nn.Conv2d(4, 4, 3, {groups: 4, stride: 2, dilation: 2})", inputs: [randn([1, 4, 7, 7])] },
  { name: "Conv2d same", ctor: `new nn.Conv2d(2, 3, [2, 3], {padding: "same"})`, inputs: [randn([1, 2, 4, 6])] },
  { name: "Conv3d", ctor: "new nn.Conv3d(2, 3, 2)", inputs: [randn([1, 2, 4, 4, 3])] },
  { name: "ConvTranspose1d", ctor: "new nn.ConvTranspose1d(2, 3, 3, {stride: 2, outputPadding: 1})", inputs: [randn([1, 2, 5])] },
  { name: "ConvTranspose2d", ctor: "new nn.ConvTranspose2d(2, 3, 3, {stride: 2, padding: 1})", inputs: [randn([1, 2, 4, 4])],
    bad: [["outputSize too large", ["torch.randn([1, 2, 4, 4])", "[20, 20]"]], ["outputSize too small", ["torch.randn([1, 2, 4, 4])", "[2, 2]"]]] },
  { name: "ConvTranspose3d", ctor: "new nn.ConvTranspose3d(2, 2, 2, {stride: 2})", inputs: [randn([1, 2, 2, 3, 2])] },
  { name: "MaxPool1d", ctor: "new nn.MaxPool1d(3, {stride: 2, padding: 1})", inputs: [randn([2, 3, 8])] },
  { name: "MaxPool2d", ctor: "new nn.MaxPool2d(3, {stride: 2, padding: 1, returnIndices: true})", inputs: [randn([2, 3, 6, 6])] },
  { name: "MaxPool2d ceil dilated", ctor: "new nn.MaxPool2d(2, {ceilMode: true, dilation: 2})", inputs: [randn([1, 2, 5, 5])] },
  { name: "MaxPool3d", ctor: "new nn.MaxPool3d(2)", inputs: [randn([1, 2, 4, 4, 4])] },
  { name: "AvgPool1d", ctor: "new nn.AvgPool1d(3, {padding: 1, countIncludePad: false})", inputs: [randn([2, 3, 7])] },
  { name: "AvgPool2d", ctor: "new nn.AvgPool2d(3, {stride: 2, padding: 1, ceilMode: true, divisorOverride: 2})", inputs: [randn([2, 3, 6, 5])] },
  { name: "AvgPool3d", ctor: "new nn.AvgPool3d(2, {stride: 1})", inputs: [randn([1, 2, 3, 4, 4])] },
  { name: "AdaptiveAvgPool1d", ctor: "new nn.AdaptiveAvgPool1d(4)", inputs: [randn([2, 3, 7])] },
  { name: "AdaptiveAvgPool2d", ctor: "new nn.AdaptiveAvgPool2d([3, 2])", inputs: [randn([1, 2, 7, 5])] },
  { name: "AdaptiveMaxPool2d", ctor: "new nn.AdaptiveMaxPool2d(3, {returnIndices: true})", inputs: [randn([1, 2, 7, 5])] },
  { name: "AdaptiveAvgPool3d", ctor: "new nn.AdaptiveAvgPool3d(2)", inputs: [randn([1, 2, 3, 5, 4])] },
  { name: "AdaptiveMaxPool1d", ctor: "new nn.AdaptiveMaxPool1d(3)", inputs: [randn([2, 3, 8])] },
  { name: "LPPool2d", ctor: "new nn.LPPool2d(2, 2)", inputs: [randn([1, 2, 4, 4])] },
  { name: "MaxUnpool2d", ctor: "new nn.MaxUnpool2d(2)", inputs: [randn([1, 1, 2, 2]), given("torch.tensor([[[[0, 3], [9, 14]]]])", [1, 1, 2, 2])],
    bad: [["indices beyond the output", ["torch.randn([1, 1, 2, 2])", "torch.tensor([[[[0, 3], [9, 16]]]])"]],
      ["negative index", ["torch.randn([1, 1, 2, 2])", "torch.tensor([[[[0, -1], [9, 14]]]])"]],
      ["index 2^40", ["torch.randn([1, 1, 2, 2])", "torch.tensor([[[[0, 2**40], [9, 14]]]])"]]] },
  { name: "BatchNorm1d", ctor: "new nn.BatchNorm1d(3)", inputs: [randn([4, 3, 5])] },
  { name: "BatchNorm2d", ctor: "new nn.BatchNorm2d(3)", inputs: [randn([2, 3, 4, 4])] },
  { name: "BatchNorm2d eval", ctor: "new nn.BatchNorm2d(3)", setup: "m.eval();", inputs: [randn([2, 3, 4, 4])] },
  { name: "BatchNorm3d", ctor: "new nn.BatchNorm3d(2)", inputs: [randn([2, 2, 2, 3, 2])] },
  { name: "InstanceNorm2d", ctor: "new nn.InstanceNorm2d(3, {affine: true, trackRunningStats: true})", inputs: [randn([2, 3, 4, 4])] },
  { name: "LayerNorm", ctor: "new nn.LayerNorm([4, 5])", inputs: [randn([2, 3, 4, 5])] },
  { name: "GroupNorm", ctor: "new nn.GroupNorm(2, 4)", inputs: [randn([2, 4, 3])] },
  { name: "RMSNorm", ctor: "new nn.RMSNorm([5])", inputs: [randn([3, 5])] },
  { name: "LocalResponseNorm", ctor: "new nn.LocalResponseNorm(3)", inputs: [randn([2, 4, 3, 3])] },
  { name: "RNN", ctor: "new nn.RNN(4, 6, {numLayers: 2})", inputs: [randn([5, 3, 4]), randn([2, 3, 6])] },
  { name: "LSTM", ctor: "new nn.LSTM(4, 6, {batchFirst: true})", inputs: [randn([3, 5, 4])],
    bad: [["h0 wrong batch", ["torch.randn([3, 5, 4])", "[torch.zeros([1, 2, 6]), torch.zeros([1, 3, 6])]"]],
      ["c0 wrong size", ["torch.randn([3, 5, 4])", "[torch.zeros([1, 3, 6]), torch.zeros([1, 3, 5])]"]],
      ["hx one tensor", ["torch.randn([3, 5, 4])", "torch.zeros([1, 3, 6])"]]] },
  { name: "LSTM proj", ctor: "new nn.LSTM(4, 6, {projSize: 3, bidirectional: true})", inputs: [randn([5, 2, 4])] },
  { name: "GRU", ctor: "new nn.GRU(4, 6, {bidirectional: true})", inputs: [randn([5, 3, 4]), randn([2, 3, 6])] },
  { name: "RNNCell", ctor: "new nn.RNNCell(4, 6)", inputs: [randn([3, 4]), randn([3, 6])] },
  { name: "LSTMCell", ctor: "new nn.LSTMCell(4, 6)", inputs: [randn([3, 4])] },
  { name: "GRUCell", ctor: "new nn.GRUCell(4, 6)", inputs: [randn([3, 4]), randn([3, 6])] },
  { name: "Embedding", ctor: "new nn.Embedding(10, 3)", inputs: [ints([2, 4], 10)],
    bad: [["index = num_embeddings", ["torch.tensor([1, 10])"]], ["index -1", ["torch.tensor([1, -1])"]],
      ["index 2^31", ["torch.tensor([1, 2**31])"]], ["index 2^60", ["torch.tensor([1n, 2n**60n])"]], ["int32 index 10", [`torch.tensor([10], {dtype: "int32"})`]]] },
  { name: "Embedding padding maxNorm", ctor: "new nn.Embedding(10, 3, {paddingIdx: 0, maxNorm: 1})", inputs: [ints([5], 10)],
    bad: [["index 11", ["torch.tensor([0, 11])"]], ["repeated index", ["torch.tensor([3, 3, 3])"]]] },
  { name: "EmbeddingBag", ctor: `new nn.EmbeddingBag(10, 3, {mode: "sum"})`, inputs: [ints([6], 10), given("torch.tensor([0, 2])", [2])],
    bad: [["offsets decreasing", ["torch.tensor([1, 2, 3, 4])", "torch.tensor([2, 0])"]], ["offset past input", ["torch.tensor([1, 2, 3, 4])", "torch.tensor([0, 9])"]],
      ["negative offset", ["torch.tensor([1, 2, 3, 4])", "torch.tensor([-1, 2])"]], ["first offset not 0", ["torch.tensor([1, 2, 3, 4])", "torch.tensor([1, 2])"]],
      ["index 10", ["torch.tensor([1, 2, 3, 10])", "torch.tensor([0, 2])"]],
      ["per-sample weights wrong length", ["torch.tensor([1, 2, 3, 4])", "torch.tensor([0, 2])", "torch.ones([3])"]]] },
  { name: "EmbeddingBag max", ctor: `new nn.EmbeddingBag(10, 3, {mode: "max"})`, inputs: [ints([2, 3], 10)],
    bad: [["index 10", ["torch.tensor([[1, 2, 10]])"]], ["index -3", ["torch.tensor([[1, -3, 2]])"]]] },
  { name: "CrossEntropyLoss", ctor: "new nn.CrossEntropyLoss()", inputs: [randn([3, 5]), ints([3], 5)],
    bad: [["target 5", ["torch.randn([3, 5])", "torch.tensor([0, 5, 1])"]], ["target -1", ["torch.randn([3, 5])", "torch.tensor([0, -1, 1])"]],
      ["target 2^40", ["torch.randn([3, 5])", "torch.tensor([0, 2**40, 1])"]], ["target batch 4", ["torch.randn([3, 5])", "torch.tensor([0, 1, 2, 3])"]]] },
  { name: "CrossEntropyLoss weighted smoothed", ctor: "new nn.CrossEntropyLoss({weight: torch.ones([5]), labelSmoothing: 0.1, ignoreIndex: 2})", inputs: [randn([2, 5, 3]), ints([2, 3], 5)],
    bad: [["target 7", ["torch.randn([2, 5, 3])", "torch.tensor([[0, 7, 1], [1, 1, 1]])"]]] },
  { name: "CrossEntropyLoss weight wrong length", ctor: "new nn.CrossEntropyLoss({weight: torch.ones([4])})", inputs: [randn([3, 5]), ints([3], 5)] },
  { name: "NLLLoss", ctor: "new nn.NLLLoss()", inputs: [randn([2, 4, 3, 3]), ints([2, 3, 3], 4)],
    bad: [["target 4", ["torch.randn([2, 4, 3, 3])", "torch.full([2, 3, 3], 4)"]], ["target -5", ["torch.randn([2, 4])", "torch.tensor([-5, 0])"]]] },
  { name: "MSELoss", ctor: "new nn.MSELoss()", inputs: [randn([3, 4]), randn([3, 4])] },
  { name: "L1Loss", ctor: `new nn.L1Loss({reduction: "sum"})`, inputs: [randn([3, 4]), randn([3, 4])] },
  { name: "SmoothL1Loss", ctor: "new nn.SmoothL1Loss({beta: 0.5})", inputs: [randn([3, 4]), randn([3, 4])] },
  { name: "BCELoss", ctor: "new nn.BCELoss()", inputs: [probs([3, 4]), probs([3, 4])],
    bad: [["input above 1", ["torch.full([2], 1.5)", "torch.ones([2])"]], ["input NaN", ["torch.full([2], NaN)", "torch.ones([2])"]]] },
  { name: "BCEWithLogitsLoss", ctor: "new nn.BCEWithLogitsLoss({posWeight: torch.ones([4])})", inputs: [randn([3, 4]), probs([3, 4])] },
  { name: "KLDivLoss", ctor: `new nn.KLDivLoss({reduction: "batchmean", logTarget: true})`, inputs: [randn([3, 4]), randn([3, 4])] },
  { name: "HuberLoss", ctor: "new nn.HuberLoss()", inputs: [randn([5]), randn([5])] },
  { name: "MultiMarginLoss", ctor: "new nn.MultiMarginLoss()", inputs: [randn([3, 4]), ints([3], 4)],
    bad: [["target 4", ["torch.randn([3, 4])", "torch.tensor([0, 4, 1])"]], ["target -1", ["torch.randn([3, 4])", "torch.tensor([0, -1, 1])"]]] },
  { name: "MultiLabelMarginLoss", ctor: "new nn.MultiLabelMarginLoss()", inputs: [randn([2, 4]), given("torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]])", [2, 4])],
    bad: [["target 4", ["torch.randn([2, 4])", "torch.tensor([[3, 4, -1, 1], [1, 2, 3, -1]])"]], ["target -2", ["torch.randn([2, 4])", "torch.tensor([[-2, 0, -1, 1], [1, 2, 3, -1]])"]]] },
  { name: "MultiLabelSoftMarginLoss", ctor: "new nn.MultiLabelSoftMarginLoss()", inputs: [randn([2, 4]), probs([2, 4])] },
  { name: "HingeEmbeddingLoss", ctor: "new nn.HingeEmbeddingLoss()", inputs: [randn([4]), given("torch.tensor([1, -1, 1, -1])", [4])] },
  { name: "MarginRankingLoss", ctor: "new nn.MarginRankingLoss()", inputs: [randn([4]), randn([4]), given("torch.tensor([1, -1, 1, -1])", [4])] },
  { name: "CosineEmbeddingLoss", ctor: "new nn.CosineEmbeddingLoss()", inputs: [randn([3, 4]), randn([3, 4]), given("torch.tensor([1, -1, 1])", [3])] },
  { name: "TripletMarginLoss", ctor: "new nn.TripletMarginLoss()", inputs: [randn([3, 4]), randn([3, 4]), randn([3, 4])] },
  { name: "PoissonNLLLoss", ctor: "new nn.PoissonNLLLoss()", inputs: [randn([3, 4]), probs([3, 4])] },
  { name: "GaussianNLLLoss", ctor: "new nn.GaussianNLLLoss()", inputs: [randn([3, 4]), randn([3, 4]), probs([3, 4])],
    bad: [["var of 3 values", ["torch.randn([3, 4])", "torch.randn([3, 4])", "torch.rand([3])"]], ["negative var", ["torch.randn([3, 4])", "torch.randn([3, 4])", "torch.full([3, 4], -1)"]]] },
  { name: "SoftMarginLoss", ctor: "new nn.SoftMarginLoss()", inputs: [randn([3, 4]), given("torch.ones([3, 4])", [3, 4], "float32")] },
  { name: "CTCLoss", ctor: "new nn.CTCLoss()", inputs: [given("torch.randn([6, 2, 4]).logSoftmax(2)", [6, 2, 4], "float32"), given("torch.tensor([[1, 2, 3], [2, 2, 1]])", [2, 3]), given("torch.tensor([6, 5])", [2]), given("torch.tensor([3, 2])", [2])],
    bad: [["input length > T", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 2, 3], [2, 2, 1]])", "torch.tensor([7, 5])", "torch.tensor([3, 2])"]],
      ["target length > S", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 2, 3], [2, 2, 1]])", "torch.tensor([6, 5])", "torch.tensor([4, 2])"]],
      ["negative lengths", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 2, 3], [2, 2, 1]])", "torch.tensor([-1, 5])", "torch.tensor([3, -2])"]],
      ["target class 9", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 9, 3], [2, 2, 1]])", "torch.tensor([6, 5])", "torch.tensor([3, 2])"]],
      ["target class -1", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, -1, 3], [2, 2, 1]])", "torch.tensor([6, 5])", "torch.tensor([3, 2])"]],
      ["concatenated targets short", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([1, 2, 3])", "torch.tensor([6, 5])", "torch.tensor([3, 2])"]],
      ["lengths of 3", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 2, 3], [2, 2, 1]])", "torch.tensor([6, 5, 4])", "torch.tensor([3, 2, 1])"]],
      ["lengths as lists too long", ["torch.randn([6, 2, 4]).logSoftmax(2)", "torch.tensor([[1, 2, 3], [2, 2, 1]])", "[60, 5]", "[3, 20]"]]] },
  { name: "CTCLoss blank 4", ctor: "new nn.CTCLoss({blank: 4})", inputs: [given("torch.randn([6, 2, 4]).logSoftmax(2)", [6, 2, 4], "float32"), given("torch.tensor([[1, 2, 3], [2, 2, 1]])", [2, 3]), given("torch.tensor([6, 5])", [2]), given("torch.tensor([3, 2])", [2])] },
];

function moduleCall(s: ModuleSample, mutation: string, inputs: string[]): FuzzCall {
  const decl = inputs.map((x, i) => `const x${i} = ${x};`).join(" ");
  return {
    source: `nn.${s.name}`, mutation,
    code: `torch.manualSeed(0); const m = ${s.ctor}; ${s.setup ?? ""} ${decl} return m.call(${inputs.map((_, i) => `x${i}`).join(", ")});`,
  };
}

export function moduleCalls(seed = 1): FuzzCall[] {
  const rand = rng(seed);
  const calls: FuzzCall[] = [];
  for (const s of MODULES) {
    const base = s.inputs.map((x) => x.src);
    calls.push(moduleCall(s, "as given", base));
    s.inputs.forEach((x, i) => {
      for (const [label, src] of mutateTensor(x.src, x.shape, x.dtype, rand)) calls.push(moduleCall(s, `input ${i} ${label}`, base.map((b, j) => (i === j ? src : b))));
    });
    calls.push(moduleCall(s, "no input", []));
    calls.push(moduleCall(s, "extra input", [...base, "torch.ones([2])"]));
    for (const [label, srcs] of s.bad ?? []) calls.push(moduleCall(s, label, srcs));
  }
  return calls;
}

const PARAMS: [string, string][] = [
  ["contiguous", `torch.randn([2, 3])`],
  ["transposed", `torch.randn([3, 2]).t()`],
  ["step-2 view", `torch.randn([2, 6]).get(":", "::2")`],
  ["offset view", `torch.randn([3, 3]).narrow(0, 1, 2)`],
  ["float64", `torch.randn([2, 3], {dtype: "float64"})`],
  ["float16", `torch.randn([2, 3]).half()`],
  ["empty", `torch.randn([0, 3])`],
  ["0-d", `torch.tensor(1.5)`],
];
const GRADS: [string, string][] = [
  ["matching", "torch.ones(p.shape, {dtype: p.dtype})"],
  ["shape swapped", "torch.ones([...p.shape].reverse(), {dtype: p.dtype})"],
  ["flat", "torch.ones([p.numel()], {dtype: p.dtype})"],
  ["one element more", "torch.ones([p.numel() + 1], {dtype: p.dtype})"],
  ["float64", `torch.ones(p.shape, {dtype: "float64"})`],
  ["float32", `torch.ones(p.shape, {dtype: "float32"})`],
  ["int64", `torch.ones(p.shape, {dtype: "int64"})`],
  ["stride 0", "torch.ones([1], {dtype: p.dtype}).expand([p.numel()]).view(p.shape)"],
  ["transposed", "torch.ones([...p.shape].reverse(), {dtype: p.dtype}).mT"],
  ["the param itself", "p.detach()"],
  ["NaN", "torch.full(p.shape, NaN, {dtype: p.dtype})"],
  ["empty", "torch.zeros([0], {dtype: p.dtype})"],
];
const OPTIMIZERS: [string, string][] = [
  ["SGD", "new optim.SGD(ps, {lr: 0.1})"],
  ["SGD momentum nesterov", "new optim.SGD(ps, {lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01})"],
  ["Adam", "new optim.Adam(ps, {lr: 0.1})"],
  ["Adam amsgrad", "new optim.Adam(ps, {lr: 0.1, amsgrad: true, weightDecay: 0.1, maximize: true})"],
  ["AdamW", "new optim.AdamW(ps, {lr: 0.1})"],
  ["RMSprop", "new optim.RMSprop(ps, {lr: 0.1, momentum: 0.5, centered: true})"],
  ["Adagrad", "new optim.Adagrad(ps, {lr: 0.1})"],
];
/** State tensors replaced after a first step: [label, statement on `st` (the param's state)]. */
const STATES: [string, string][] = [
  ["state shorter", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = torch.zeros([1]);"],
  ["state float64", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = st[k].double();"],
  ["state stride 0", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = torch.zeros([1], {dtype: p.dtype}).expand([p.numel()]).view(p.shape);"],
  ["state aliases the param", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = p.detach();"],
  ["state aliases the grad", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = p.grad;"],
  ["state null", "for (const k of Object.keys(st)) if (k !== \"step\") st[k] = null;"],
];

export function optimizerCalls(): FuzzCall[] {
  const calls: FuzzCall[] = [];
  for (const [oname, ctor] of OPTIMIZERS) {
    const source = `optim.${oname}`;
    for (const [pl, psrc] of PARAMS) {
      for (const [gl, gsrc] of GRADS) {
        calls.push({ source, mutation: `param ${pl}, grad ${gl}`,
          code: `const p = new nn.Parameter(${psrc}); const ps = [p]; const o = ${ctor}; p.grad = ${gsrc}; o.step(); o.step(); return [p, ...Object.values(o.state.get(p) ?? {})];` });
      }
      for (const [sl, stmt] of STATES) {
        calls.push({ source, mutation: `param ${pl}, ${sl}`,
          code: `const p = new nn.Parameter(${psrc}); const ps = [p]; const o = ${ctor}; p.grad = torch.ones(p.shape, {dtype: p.dtype}); o.step(); const st = o.state.get(p); ${stmt} o.step(); return [p, ...Object.values(st)];` });
      }
    }
    calls.push({ source, mutation: "params overlap in memory",
      code: `const base = torch.randn([4]); const p = new nn.Parameter(base.narrow(0, 0, 3)); const q = new nn.Parameter(base.narrow(0, 1, 3)); const ps = [p, q]; const o = ${ctor}; p.grad = torch.ones([3]); q.grad = torch.ones([3]); o.step(); return [p, q];` });
    calls.push({ source, mutation: "one param twice",
      code: `const p = new nn.Parameter(torch.randn([3])); const ps = [p, p]; const o = ${ctor}; p.grad = torch.ones([3]); o.step(); return p;` });
    calls.push({ source, mutation: "param stride 0",
      code: `const p = new nn.Parameter(torch.randn([1]).expand([5])); const ps = [p]; const o = ${ctor}; p.grad = torch.ones([5]); o.step(); return p;` });
    calls.push({ source, mutation: "loaded state of another shape",
      code: `const p = new nn.Parameter(torch.randn([2, 3])); const ps = [p]; const o = ${ctor}; p.grad = torch.ones([2, 3]); o.step(); const sd = o.stateDict(); const q = new nn.Parameter(torch.randn([4, 3])); const o2 = ${ctor.replace("ps", "[q]")}; o2.loadStateDict(sd); q.grad = torch.ones([4, 3]); o2.step(); return q;` });
  }
  return calls;
}
