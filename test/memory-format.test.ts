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
