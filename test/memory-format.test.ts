// Memory formats against PyTorch 1.13 (test/fixtures/memory-format.py): the strides of clones,
// *_like factories, conversions and pointwise results of channels-last, transposed, sliced and
// expanded tensors, the channels-last errors, and random fills drawing in memory order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type Recorded = { value: unknown } | { error: string };
const fixture = JSON.parse(readFileSync(new URL("./fixtures/memory-format.json", import.meta.url), "utf8")) as Record<string, Recorded>;
const cl = torch.channelsLast;

function check(name: string, f: () => unknown): void {
  const want = fixture[name];
  assert.ok(want, `no recorded case ${name}`);
  if ("error" in want) {
    assert.throws(f, (e: Error) => e.message.includes(want.error), `${name}: expected error ${want.error}`);
    return;
  }
  const got = f();
  if (Array.isArray(want.value) && typeof want.value[0] === "number" && !Number.isInteger(want.value[0])) {
    const g = got as number[], w = want.value as number[];
    assert.equal(g.length, w.length, name);
    g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-6, `${name}[${i}]: ${v} vs ${w[i]}`));
    return;
  }
  assert.deepEqual(got, want.value, `${name}: ${JSON.stringify(got)} vs ${JSON.stringify(want.value)}`);
}

const x = torch.randn(2, 3, 4, 5);
const xc = x.contiguous(cl);
const t = torch.randn(3, 4).t();
const views: Record<string, Tensor> = {
  t,
  s: torch.randn(4, 6).get(":", "::2"),
  s2: torch.randn(6, 4).t().get("::2"),
  e: torch.randn(3, 1).expand(3, 4),
  xc,
  n11: torch.randn(2, 3, 1, 1).contiguous(cl),
  x5: torch.randn(2, 3, 4, 5, 6).contiguous(torch.channelsLast3d),
};

test("clones, *_like factories, conversions and pointwise results keep PyTorch's layouts", () => {
  for (const [n, v] of Object.entries(views)) {
    check(`${n}.stride`, () => v.stride());
    check(`${n}.clone`, () => v.clone().stride());
    check(`${n}.emptyLike`, () => torch.emptyLike(v).stride());
    check(`${n}.onesLike`, () => torch.onesLike(v).stride());
    check(`${n}.exp`, () => v.exp().stride());
    check(`${n}.addScalar`, () => v.add(1).stride());
    check(`${n}.addSelf`, () => v.add(v).stride());
    check(`${n}.mulScalarTensor`, () => v.mul(torch.tensor(2.0, { dtype: torch.float32 })).stride());
    check(`${n}.contiguous`, () => v.contiguous().stride());
    check(`${n}.double`, () => v.double().stride());
    check(`${n}.isContiguous`, () => v.isContiguous());
    check(`${n}.isContiguousCL`, () => v.isContiguous({ memoryFormat: cl }));
    check(`${n}.isContiguousCL3d`, () => v.isContiguous(torch.channelsLast3d));
    check(`${n}.cloneContiguousFormat`, () => v.clone({ memoryFormat: torch.contiguousFormat }).stride());
    check(`${n}.toContiguousFormat`, () => v.to({ memoryFormat: torch.contiguousFormat }).stride());
    check(`${n}.toCL`, () => v.to({ memoryFormat: cl }).stride());
    check(`${n}.contiguousCL`, () => v.contiguous({ memoryFormat: cl }).stride());
    check(`${n}.contiguousPreserve`, () => v.contiguous(torch.preserveFormat).stride());
    check(`${n}.emptyLikeCL`, () => torch.emptyLike(v, { memoryFormat: cl }).stride());
  }
});

test("pointwise ops on operands of different layouts follow TensorIterator's rule", () => {
  check("mixed.xcPlusX", () => xc.add(x).stride());
  check("mixed.xPlusXc", () => x.add(xc).stride());
  check("mixed.xcPlusBias", () => xc.add(torch.randn(3, 1, 1)).stride());
  check("mixed.biasPlusXc", () => torch.randn(3, 1, 1).add(xc).stride());
  check("mixed.rowPlusT", () => torch.randn(1, 3).add(torch.randn(3, 2).t()).stride());
  check("mixed.tPlusRow", () => torch.randn(3, 2).t().add(torch.randn(1, 3)).stride());
  check("mixed.tPlusContig", () => t.add(torch.randn(4, 3)).stride());
  check("mixed.contigPlusT", () => torch.randn(4, 3).add(t).stride());
  check("mixed.addcmul", () => torch.addcmul(xc, xc, xc).stride());
  check("mixed.addcmulMixed", () => torch.addcmul(x, xc, xc).stride());
  check("mixed.gt", () => xc.gt(0).stride());
  check("mixed.inplace", () => xc.clone().neg_().stride());
  check("cat.channelsLast", () => torch.cat([xc, xc], 1).stride());
  check("cat.clThenContig", () => torch.cat([xc, x]).stride());
  check("cat.contigThenCl", () => torch.cat([x, xc]).stride());
  check("cat.withEmpty", () => torch.cat([xc, torch.empty(0)]).stride());
  assert.ok(torch.cat([xc, x], 1).equal(torch.cat([x, x], 1)));
  assert.ok(torch.cat([xc, xc], 1).equal(torch.cat([x, x], 1)));
});

test("values do not depend on the layout", () => {
  for (const v of Object.values(views)) {
    const c = v.contiguous();
    assert.ok(v.exp().equal(c.exp()));
    assert.ok(v.add(v).equal(c.add(c)));
    assert.ok(v.clone().equal(c));
    assert.ok(v.double().equal(c.double()));
  }
  // Large enough for the native kernels (dense outputs in channels-last order).
  const big = torch.randn(4, 16, 16, 16);
  const bigCl = big.contiguous(cl);
  assert.ok(bigCl.equal(big));
  assert.ok(bigCl.exp().equal(big.exp()));
  assert.ok(bigCl.add(bigCl).equal(big.add(big)));
  assert.ok(bigCl.add(big).equal(big.add(big)));
  assert.ok(bigCl.mul(torch.randn(16, 1, 1)).stride().join() === bigCl.stride().join());
  const inPlace = bigCl.clone();
  inPlace.exp_();
  assert.ok(inPlace.equal(big.exp()));
  assert.deepEqual(inPlace.stride(), bigCl.stride());
});

test("empty, Module.to and convertConv2dWeightMemoryFormat", () => {
  check("empty.CL", () => torch.empty(2, 3, 4, 5, { memoryFormat: cl }).stride());
  check("empty.preserve", () => torch.empty(2, 3, 4, 5, { memoryFormat: torch.preserveFormat }).stride());
  check("empty.CL3", () => torch.empty(2, 3, 4, { memoryFormat: cl }).stride());
  check("empty.CL3d", () => torch.empty(2, 3, 4, 5, 6, { memoryFormat: torch.channelsLast3d }).stride());
  assert.throws(() => torch.zeros(2, 3, 4, 5, { memoryFormat: cl }), /only torch.empty and the \*_like factories/);
  check("module.weight", () => new torch.nn.Conv2d(3, 4, 3).to({ memoryFormat: cl }).weight.stride());
  check("module.bias", () => new torch.nn.Conv2d(3, 4, 3).to({ memoryFormat: cl }).bias!.stride());
  const seq = new torch.nn.Sequential(new torch.nn.Conv2d(3, 4, 3), new torch.nn.ConvTranspose2d(4, 2, 3));
  const before = (seq.at(1) as torch.nn.ConvTranspose2d).weight.clone();
  check("module.convert", () => (torch.nn.utils.convertConv2dWeightMemoryFormat(seq, cl).at(1) as torch.nn.ConvTranspose2d).weight.stride());
  assert.ok((seq.at(1) as torch.nn.ConvTranspose2d).weight.equal(before));
  check("format.str", () => String(cl));
  check("format.repr", () => String(torch.preserveFormat));
  assert.throws(() => torch.randn(2, 3).clone({ memoryFormat: "channels_last" as unknown as torch.MemoryFormat }), /must be torch.memory_format/);
});

test("random fills and random *_like factories draw in memory order", () => {
  torch.manualSeed(0);
  check("random.randnLikeCL", () => torch.randnLike(xc).permute(0, 2, 3, 1).flatten().narrow(0, 0, 6).tolist());
  torch.manualSeed(0);
  check("random.randLikeCL", () => torch.randLike(xc).permute(0, 2, 3, 1).flatten().narrow(0, 0, 6).tolist());
  torch.manualSeed(0);
  check("random.normalT", () => torch.empty(5, 4).t().normal_().t().flatten().narrow(0, 0, 6).tolist());
  torch.manualSeed(0);
  check("random.uniformT", () => torch.empty(5, 4).t().uniform_().t().flatten().narrow(0, 0, 6).tolist());
  torch.manualSeed(0);
  check("random.randintLikeCL", () => (torch.randintLike(xc, 0, 100).permute(0, 2, 3, 1).flatten().narrow(0, 0, 6).tolist() as (number | bigint)[]).map(Number));
});

test("convolution, pooling, batch norm and interpolation keep a channels-last input's layout", () => {
  const F = torch.nn.functional;
  const w = torch.randn(4, 3, 3, 3);
  check("nn.conv2dInputCL", () => F.conv2d(xc, w).stride());
  check("nn.conv2dWeightCL", () => F.conv2d(x, w.contiguous(cl)).stride());
  check("nn.convTranspose2dCL", () => F.convTranspose2d(xc, torch.randn(3, 2, 3, 3)).stride());
  check("nn.relu", () => F.relu(xc).stride());
  check("nn.maxPool2d", () => F.maxPool2d(xc, 2).stride());
  check("nn.maxPool2dIndices", () => F.maxPool2d(xc, 2, { returnIndices: true })[1].stride());
  check("nn.avgPool2d", () => F.avgPool2d(xc, 2).stride());
  check("nn.adaptiveAvgPool2d", () => F.adaptiveAvgPool2d(xc, 1).stride());
  check("nn.batchNorm", () => F.batchNorm(xc, torch.zeros(3), torch.ones(3)).stride());
  check("nn.batchNormTraining", () => F.batchNorm(xc, null, null, { training: true }).stride());
  check("nn.interpolate", () => F.interpolate(xc, { scaleFactor: 2 }).stride());
  check("nn.interpolateBilinear", () => F.interpolate(xc, { scaleFactor: 2, mode: "bilinear" }).stride());
  // A channels-last training step computes what the contiguous one does, gradients included.
  torch.manualSeed(1);
  const net = new torch.nn.Sequential(new torch.nn.Conv2d(3, 8, 3, { padding: 1 }), new torch.nn.BatchNorm2d(8), new torch.nn.ReLU(), new torch.nn.MaxPool2d(2));
  const netCl = new torch.nn.Sequential(new torch.nn.Conv2d(3, 8, 3, { padding: 1 }), new torch.nn.BatchNorm2d(8), new torch.nn.ReLU(), new torch.nn.MaxPool2d(2));
  netCl.loadStateDict(net.stateDict());
  netCl.to({ memoryFormat: cl });
  const input = torch.randn(2, 3, 8, 8);
  const y = net.forward(input) as Tensor, yCl = netCl.forward(input.contiguous(cl)) as Tensor;
  assert.deepEqual(yCl.stride(), y.contiguous(cl).stride());
  assert.ok(yCl.allclose(y, 1e-5, 1e-6));
  y.square().sum().backward();
  yCl.square().sum().backward();
  const g = (net.at(0) as torch.nn.Conv2d).weight.grad!, gCl = (netCl.at(0) as torch.nn.Conv2d).weight.grad!;
  assert.ok(gCl.allclose(g, 1e-4, 1e-5));
});

// Ops with their own output allocation, in-place and out= forms: PyTorch 1.13's layouts.
const F = torch.nn.functional;
const m = torch.randn(2, 3, 4, 5).gt(0), mc = m.contiguous(cl);
const x5 = views.x5!;
const t3 = torch.randn(2, 3, 4).permute(0, 2, 1);
const xp = torch.randn(2, 3, 4, 5).permute(0, 1, 3, 2);
const ops: Record<string, () => Tensor> = {
  whereClClCl: () => torch.where(mc, xc, xc),
  whereCClCl: () => torch.where(m, xc, xc),
  whereClCC: () => torch.where(mc, x, x),
  whereCClC: () => torch.where(m, xc, x),
  whereClScalar: () => torch.where(mc, xc, 0),
  whereT: () => torch.where(t.gt(0), t, t),
  whereCT: () => torch.where(torch.randn(4, 3).gt(0), t, t),
  sumKeep1: () => xc.sum(1, true),
  sumKeepHW: () => xc.sum([2, 3], true),
  meanKeep0: () => xc.mean(0, true),
  maxKeep: () => xc.max(1, true)[0],
  argmaxKeep: () => xc.argmax(1, true),
  tSumKeep: () => t.sum(0, true),
  cumsum: () => xc.cumsum(1),
  softmax: () => F.softmax(xc, 1),
  logSoftmax: () => F.logSoftmax(xc, 1),
  layerNorm: () => F.layerNorm(xc, [5]),
  groupNorm: () => F.groupNorm(xc, 3),
  groupNormAffine: () => F.groupNorm(xc, 3, torch.randn(3), torch.randn(3)),
  groupNorm3d: () => F.groupNorm(x5, 3),
  groupNormPermuted: () => F.groupNorm(xp, 3),
  dropout: () => F.dropout(xc, 0.5),
  dropoutEval: () => F.dropout(xc, 0.5, false),
  dropout2d: () => F.dropout2d(xc, 0.5),
  dropoutT: () => F.dropout(t, 0.5),
  pad: () => F.pad(xc, [1, 1, 1, 1]),
  padValue: () => F.pad(xc, [1, 1], { value: 2 }),
  padCrop: () => F.pad(xc, [-1, -1]),
  pad3d: () => F.pad(x5, [1, 1]),
  padT: () => F.pad(t, [1, 1]),
  padPermuted: () => F.pad(xp, [1, 1]),
  padReflect: () => F.pad(xc, [1, 1, 1, 1], "reflect"),
  padReplicate: () => F.pad(xc, [1, 1, 1, 1], "replicate"),
  maskedFill: () => xc.maskedFill(mc, 0),
  maskedFillBroadcast: () => xc.maskedFill(torch.rand(3, 1, 1).gt(0.5), 0),
  clamp: () => xc.clamp(0, 1),
  clampTensors: () => xc.clamp(torch.zeros(3, 1, 1), torch.ones(3, 1, 1)),
  lerp: () => torch.lerp(xc, xc, 0.5),
  lerpMixed: () => torch.lerp(x, xc, 0.5),
  addcdiv: () => torch.addcdiv(xc, xc, xc),
  hardswish: () => F.hardswish(xc),
  gelu: () => F.gelu(xc),
  silu: () => F.silu(xc),
  leakyRelu: () => F.leakyRelu(xc),
  relu6: () => F.relu6(xc),
  elu: () => F.elu(xc),
  hardsigmoid: () => F.hardsigmoid(xc),
  prelu: () => F.prelu(xc, torch.tensor([0.25])),
  preluChannels: () => F.prelu(xc, torch.tensor([0.25, 0.5, 0.75])),
  prelu3d: () => F.prelu(x5, torch.tensor([0.25])),
  preluPermuted: () => F.prelu(xp, torch.tensor([0.25])),
  preluT3: () => F.prelu(t3, torch.tensor([0.25, 0.25, 0.25, 0.25])),
  adaptiveMaxPool2d: () => F.adaptiveMaxPool2d(xc, 2),
  adaptiveMaxPool2dOne: () => F.adaptiveMaxPool2d(xc, 1),
  adaptiveMaxPool2dIndices: () => F.adaptiveMaxPool2d(xc, 2, true)[1],
  adaptiveMaxPool3d: () => F.adaptiveMaxPool3d(x5, 2),
  flip: () => xc.flip(1),
  flipT: () => t.flip(0),
  flipPermuted: () => xp.flip(1),
  roll: () => xc.roll(1, 1),
  rollT: () => t.roll(1, 0),
  rollFlat: () => xc.roll(1),
  roll3d: () => x5.roll(1, 1),
  pixelShuffle: () => F.pixelShuffle(torch.randn(2, 8, 3, 3).contiguous(cl), 2),
  pixelUnshuffle: () => F.pixelUnshuffle(torch.randn(2, 2, 4, 4).contiguous(cl), 2),
  indexSelect: () => xc.indexSelect(1, torch.tensor([0, 2])),
  normalize: () => F.normalize(xc, { dim: 1 }),
  mseNone: () => F.mseLoss(xc, xc, { reduction: "none" }),
  outEmptyExp: () => torch.exp(xc, { out: torch.empty(0) }),
  outEmptyWhere: () => torch.where(mc, xc, xc, { out: torch.empty(0) }),
  outEmptyT: () => torch.exp(t, { out: torch.empty(0) }),
  outEmptySum: () => torch.sum(xc, 1, true, { out: torch.empty(0) }),
  outEmptyAdd: () => torch.add(xc, xc, { out: torch.empty(0) }),
  outContiguous: () => torch.add(xc, xc, { out: torch.empty(2, 3, 4, 5) }),
  outChannelsLast: () => torch.exp(x, { out: torch.empty(2, 3, 4, 5).contiguous(cl) }),
  relu_: () => F.relu(xc.clone(), true),
  clamp_: () => xc.clone().clamp_(0, 1),
  maskedFill_: () => xc.clone().maskedFill_(m, 0),
  mulContiguous_: () => xc.clone().mul_(x),
  zero_: () => xc.clone().zero_(),
};

test("ops with their own output allocation, in-place and out= forms keep PyTorch's layouts", () => {
  for (const [n, f] of Object.entries(ops)) check(`ops.${n}`, () => f().stride());
});

test("where, prelu, pad, group norm, flip, roll and pixel shuffle: values do not depend on the layout", () => {
  // Large enough for the native select kernel (a dense channels-last output walked in memory order).
  const big = torch.randn(4, 16, 16, 16), bigCl = big.contiguous(cl);
  const cond = big.gt(0.3), condCl = cond.contiguous(cl);
  assert.ok(torch.where(condCl, bigCl, bigCl.neg()).equal(torch.where(cond, big, big.neg())));
  assert.ok(torch.where(condCl, bigCl, 0).equal(torch.where(cond, big, 0)));
  assert.ok(torch.where(cond, bigCl, big.mul(2)).equal(torch.where(cond, big, big.mul(2))));
  const bt = torch.randn(64, 48).t();
  assert.ok(torch.where(bt.gt(0), bt, 1).equal(torch.where(bt.contiguous().gt(0), bt.contiguous(), 1)));
  assert.deepEqual(torch.where(bt.gt(0), bt, 1).stride(), [1, 48]);
  assert.ok(ops.whereClScalar!().equal(torch.where(m, x, 0)));
  const w3 = torch.tensor([0.25, 0.5, 0.75]);
  assert.ok(F.prelu(xc, w3).equal(F.prelu(x, w3)));
  assert.ok(F.prelu(xp, torch.tensor([0.25])).equal(F.prelu(xp.contiguous(), torch.tensor([0.25]))));
  assert.ok(F.pad(xc, [1, 2, 0, 1], { value: 3 }).equal(F.pad(x, [1, 2, 0, 1], { value: 3 })));
  assert.ok(F.groupNorm(xc, 3).allclose(F.groupNorm(x, 3), 1e-6, 1e-6));
  assert.ok(xc.flip(1, 3).equal(x.flip(1, 3)));
  assert.ok(t.flip(0).equal(t.contiguous().flip(0)));
  assert.ok(xc.roll([1, -2], [1, 3]).equal(x.roll([1, -2], [1, 3])));
  const ps = torch.randn(2, 8, 3, 3);
  assert.ok(F.pixelShuffle(ps.contiguous(cl), 2).equal(F.pixelShuffle(ps, 2)));
  const [v, i] = F.adaptiveMaxPool2d(xc, 2, true), [v0, i0] = F.adaptiveMaxPool2d(x, 2, true);
  assert.ok(v.equal(v0) && i.equal(i0));
  const out = torch.empty(0);
  torch.exp(xc, { out });
  assert.ok(out.equal(x.exp()));
});

/** Strides of each leaf's .grad after y.backward(ones) over leaves of these shapes (true: channels-last). */
function leafGradStrides(shapes: [number[], boolean][], f: (...leaves: Tensor[]) => Tensor): number[][] {
  const leaves = shapes.map(([shape, c]) => { const v = torch.randn(shape); return (c ? v.contiguous(cl) : v).requiresGrad_(); });
  const y = f(...leaves);
  y.backward(torch.ones(y.shape));
  return leaves.map((l) => l.grad!.stride());
}

test("a leaf's gradient takes its layout (AccumulateGrad's gradient layout contract)", () => {
  const X: [number[], boolean] = [[2, 3, 4, 5], true], XC: [number[], boolean] = [[2, 3, 4, 5], false];
  const backs: Record<string, [[number[], boolean][], (...a: Tensor[]) => Tensor]> = {
    exp: [[X], (a) => a.exp()],
    add: [[X, X], (a, b) => a.add(b)],
    addMixed: [[X, XC], (a, b) => a.add(b)],
    addMixed2: [[XC, X], (a, b) => a.add(b)],
    bias: [[X, [[3, 1, 1], false]], (a, b) => a.add(b)],
    conv: [[X, [[4, 3, 3, 3], false]], (a, w) => F.conv2d(a, w, null, { padding: 1 })],
    convWeightCL: [[X, [[4, 3, 3, 3], true]], (a, w) => F.conv2d(a, w, null, { padding: 1 })],
    convContiguousInput: [[XC, [[4, 3, 3, 3], true]], (a, w) => F.conv2d(a, w, null, { padding: 1 })],
    batchNorm: [[X, [[3], false], [[3], false]], (a, w, b) => F.batchNorm(a, null, null, w, b, true)],
    maxPool: [[X], (a) => F.maxPool2d(a, 2)],
    avgPool: [[X], (a) => F.avgPool2d(a, 2)],
    adaptiveAvgPool: [[X], (a) => F.adaptiveAvgPool2d(a, 1).flatten(1)],
    adaptiveMaxPool: [[X], (a) => F.adaptiveMaxPool2d(a, 2)],
    sum: [[X], (a) => a.sum()],
    sumKeep: [[X], (a) => a.sum([2, 3], true)],
    flattenLinear: [[[[2, 3, 1, 1], true], [[4, 3], false]], (a, w) => F.linear(a.flatten(1), w)],
    softmax: [[X], (a) => F.softmax(a, 1)],
    where: [[X], (a) => torch.where(a.gt(0), a, 0)],
    pad: [[X], (a) => F.pad(a, [1, 1, 1, 1])],
    groupNorm: [[X], (a) => F.groupNorm(a, 3)],
    layerNorm: [[X], (a) => F.layerNorm(a, [5])],
    prelu: [[X, [[1], false]], (a, w) => F.prelu(a, w)],
    permutedLeaf: [[[[2, 3, 5, 4], false]], (a) => a.permute(0, 1, 3, 2).exp()],
  };
  for (const [n, [shapes, f]] of Object.entries(backs)) check(`grad.${n}`, () => leafGradStrides(shapes, f));
  // A transposed leaf (dense) gets a transposed gradient, which a later accumulation keeps.
  const leaf = torch.randn(4, 3).t().requiresGrad_();
  leaf.exp().sum().backward();
  assert.deepEqual(leaf.grad!.stride(), [1, 3]);
  leaf.exp().sum().backward();
  assert.deepEqual(leaf.grad!.stride(), [1, 3]);
  assert.ok(leaf.grad!.allclose(leaf.detach().exp().mul(2)));
  // createGraph: the copy into the leaf's layout stays differentiable.
  const a = torch.randn(2, 3, 4, 5).contiguous(cl).requiresGrad_();
  a.square().sum().backward(undefined, { createGraph: true });
  assert.deepEqual(a.grad!.stride(), a.stride());
  const [gg] = torch.autograd.grad([a.grad!.sum()], [a]);
  assert.ok(gg!.allclose(torch.fullLike(a, 2)));
});

test("a channels-last CNN step: conv -> bn -> relu -> pool -> add -> adaptive pool -> flatten -> linear", () => {
  class Net extends torch.nn.Module {
    conv = new torch.nn.Conv2d(3, 8, 3, { padding: 1 });
    bn = new torch.nn.BatchNorm2d(8);
    conv2 = new torch.nn.Conv2d(8, 8, 3, { padding: 1 });
    fc = new torch.nn.Linear(8, 4);
    override forward(x: Tensor): Tensor {
      let y = F.maxPool2d(F.relu(this.bn.call(this.conv.call(x)) as Tensor), 2);
      y = y.add(this.conv2.call(y) as Tensor);
      return this.fc.call(torch.flatten(F.adaptiveAvgPool2d(y, 1), 1)) as Tensor;
    }
  }
  torch.manualSeed(3);
  const net = new Net(), netCl = new Net();
  netCl.loadStateDict(net.stateDict());
  netCl.to({ memoryFormat: cl });
  const input = torch.randn(2, 3, 8, 8), inputCl = input.contiguous(cl).requiresGrad_();
  const inputC = input.clone().requiresGrad_();
  const y = net.call(inputC) as Tensor, yCl = netCl.call(inputCl) as Tensor;
  assert.ok(yCl.allclose(y, 1e-5, 1e-6));
  y.sum().backward();
  yCl.sum().backward();
  check("cnn.grads", () => Object.fromEntries([...netCl.namedParameters()].map(([k, p]) => [k, p.grad!.stride()])));
  check("cnn.inputGrad", () => inputCl.grad!.stride());
  const params = new Map(net.namedParameters());
  for (const [k, p] of netCl.namedParameters()) assert.ok(p.grad!.allclose(params.get(k)!.grad!, 1e-4, 1e-5), k);
  assert.ok(inputCl.grad!.allclose(inputC.grad!, 1e-4, 1e-6));
});

test("a named tensor's clone takes the memory format too (PyTorch 1.13: strides (60, 1, 15, 3), names kept)", () => {
  const named = torch.zeros([2, 3, 4, 5], { names: ["N", "C", "H", "W"] });
  const c = named.clone({ memoryFormat: cl });
  assert.deepEqual(c.stride(), [60, 1, 15, 3]);
  assert.deepEqual(c.names, ["N", "C", "H", "W"]);
});
