// Channels-last convolution, pooling and batch norm without NCHW copies (kernels.nhwc: the
// native addon's NHWC kernels; on the JS backend the copy path runs and the same checks apply):
//  - against PyTorch 1.13 (test/fixtures/native-channels-last.py): values and layouts of results
//    and gradients for groups, strides, padding, dilation, 1x1, depthwise, pooling, batch norm;
//  - against the contiguous (NCHW) computation of the same values, forward, backward and double
//    backward, on every ISA the CPU runs (the direct AVX2 kernel and the GEMM paths);
//  - that a channels-last step reaches the NHWC kernels and never the NCHW ones;
//  - the argument checks of the native wrappers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import * as native from "../src/backends/native/index.js";
import { kernels } from "../src/backends/kernels.js";
import { isas, skipReason } from "../src/backends/native/test-support.js";
import { convGeometry } from "../src/backends/js/conv.js";

const F = torch.nn.functional;
const cl = torch.channelsLast;

interface Digest { stride: number[]; values?: number[]; sums?: number[]; head?: number[]; tail?: number[] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/native-channels-last.json", import.meta.url), "utf8")) as Record<string, Record<string, Digest>>;

/** The fixture's inputs: sin(a * i + b) over the flat NCHW index, in float64, then cast. */
function fill(shape: number[], a: number, b: number, dtype: torch.DType): Tensor {
  const n = shape.reduce((p, v) => p * v, 1);
  return torch.tensor(Array.from({ length: n }, (_, i) => Math.sin(a * i + b)), { dtype: torch.float64 }).reshape(shape).to(dtype);
}

/** Compares t with a recorded digest: exact strides, values within rtol of the largest magnitude. */
function checkDigest(what: string, t: Tensor, want: Digest, rtol: number): void {
  assert.deepEqual(t.stride(), want.stride, `${what}: strides ${JSON.stringify(t.stride())} vs ${JSON.stringify(want.stride)}`);
  const v = t.detach().to(torch.float64).contiguous().reshape([-1]).tolist() as number[];
  const close = (g: number, w: number, scale: number, k: string): void =>
    assert.ok(Math.abs(g - w) <= rtol * scale, `${what} ${k}: ${g} vs ${w}`);
  if (want.values) {
    assert.equal(v.length, want.values.length, `${what}: length`);
    const scale = Math.max(1, ...want.values.map(Math.abs));
    v.forEach((g, i) => close(g, want.values![i]!, scale, `[${i}]`));
    return;
  }
  const scale = Math.max(1, ...v.map(Math.abs));
  const sums = [0, 0, 0];
  v.forEach((x, i) => { sums[0]! += x; sums[1]! += x * Math.sin(0.37 * i); sums[2]! += x * (i % 7); });
  sums.forEach((s, k) => close(s, want.sums![k]!, scale * v.length, `sum ${k}`));
  want.head!.forEach((w, i) => close(v[i]!, w, scale, `head[${i}]`));
  want.tail!.forEach((w, i) => close(v[v.length - 8 + i]!, w, scale, `tail[${i}]`));
}

const tol = (dt: string): number => (dt === "float64" ? 1e-12 : 2e-5);

const CONVS: Record<string, [number[], number[], Record<string, unknown>]> = {
  plain: [[2, 8, 6, 5], [16, 8, 3, 3], { padding: 1 }],
  groupsStride: [[2, 8, 7, 5], [16, 4, 3, 2], { padding: [1, 0], stride: [2, 1], groups: 2 }],
  dilation: [[1, 12, 8, 9], [8, 12, 3, 3], { padding: 2, dilation: 2 }],
  depthwise: [[2, 6, 7, 8], [12, 1, 3, 3], { padding: 1, stride: 2, groups: 6 }],
  pointwise: [[2, 16, 4, 5], [24, 16, 1, 1], {}],
  pointwiseStride: [[2, 16, 5, 5], [8, 16, 1, 1], { stride: 2 }],
  partialBlock: [[2, 5, 6, 6], [20, 5, 3, 3], { padding: 1, stride: [1, 2] }],
};

test("channels-last conv2d against PyTorch 1.13: values and layouts of y and every gradient", () => {
  for (const [name, [xs, ws, opts]] of Object.entries(CONVS)) {
    for (const dt of name === "plain" ? ["float32", "float64"] : ["float32"]) {
      const d = dt === "float64" ? torch.float64 : torch.float32;
      const x = fill(xs, 0.31, 0.2, d).contiguous(cl).requiresGrad_();
      const w = fill(ws, 0.17, 1.1, d).contiguous(cl).requiresGrad_();
      const b = fill([ws[0]!], 0.9, 0.4, d).requiresGrad_();
      const y = F.conv2d(x, w, b, opts);
      y.backward(fill(y.shape, 0.23, 0.7, d).contiguous(cl));
      const want = fixture[`conv.${name}.${dt}`]!;
      checkDigest(`${name} ${dt} y`, y, want.y!, tol(dt));
      checkDigest(`${name} ${dt} gx`, x.grad!, want.gx!, tol(dt));
      checkDigest(`${name} ${dt} gw`, w.grad!, want.gw!, tol(dt));
      checkDigest(`${name} ${dt} gb`, b.grad!, want.gb!, tol(dt));
    }
  }
});

const POOLS: Record<string, (t: Tensor) => Tensor | [Tensor, Tensor]> = {
  max: (t) => F.maxPool2d(t, 3, { stride: 2, padding: 1, dilation: [1, 2], ceilMode: true, returnIndices: true }),
  max2x2: (t) => F.maxPool2d(t, 2, { returnIndices: true }),
  avg: (t) => F.avgPool2d(t, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true, countIncludePad: false }),
  avgDivisor: (t) => F.avgPool2d(t, 3, { stride: 2, padding: 1, divisorOverride: 5 }),
  adaptive: (t) => F.adaptiveAvgPool2d(t, [4, 3]),
};

test("channels-last pooling and batch norm against PyTorch 1.13: values, indices, gradients, layouts", () => {
  for (const [name, f] of Object.entries(POOLS)) {
    for (const dt of ["float32", "float64"]) {
      const d = dt === "float64" ? torch.float64 : torch.float32;
      const x = fill([2, 19, 9, 8], 0.41, 0.3, d).contiguous(cl).requiresGrad_();
      const r = f(x);
      const [y, idx] = Array.isArray(r) ? r : [r, null];
      y.backward(fill(y.shape, 0.29, 0.5, d).contiguous(cl));
      const want = fixture[`pool.${name}.${dt}`]!;
      checkDigest(`${name} ${dt} y`, y, want.y!, tol(dt));
      checkDigest(`${name} ${dt} gx`, x.grad!, want.gx!, tol(dt));
      if (idx) checkDigest(`${name} ${dt} indices`, idx, want.indices!, 1e-12);
    }
  }
  for (const dt of ["float32", "float64"]) {
    const d = dt === "float64" ? torch.float64 : torch.float32;
    const x = fill([3, 5, 4, 3], 0.53, 0.1, d).contiguous(cl).requiresGrad_();
    const w = fill([5], 0.7, 0.2, d).requiresGrad_(), b = fill([5], 0.3, 0.9, d).requiresGrad_();
    const rm = torch.zeros([5], { dtype: d }), rv = torch.ones([5], { dtype: d });
    const y = F.batchNorm(x, rm, rv, w, b, true);
    y.backward(fill(y.shape, 0.19, 0.3, d).contiguous(cl));
    const want = fixture[`batchNorm.${dt}`]!;
    const t = dt === "float64" ? 1e-12 : 1e-5;
    checkDigest(`bn ${dt} y`, y, want.y!, t);
    checkDigest(`bn ${dt} gx`, x.grad!, want.gx!, t);
    checkDigest(`bn ${dt} gw`, w.grad!, want.gw!, t);
    checkDigest(`bn ${dt} gb`, b.grad!, want.gb!, t);
    checkDigest(`bn ${dt} running mean`, rm, want.runningMean!, t);
    checkDigest(`bn ${dt} running var`, rv, want.runningVar!, t);
  }
});

/** max |a - b| relative to max |b|, NaN matching NaN. */
function relDiff(a: Tensor, b: Tensor): number {
  const x = a.detach().to(torch.float64).contiguous().reshape([-1]).tolist() as number[];
  const y = b.detach().to(torch.float64).contiguous().reshape([-1]).tolist() as number[];
  assert.equal(x.length, y.length);
  let d = 0, m = 1e-30;
  x.forEach((v, i) => {
    const w = y[i]!;
    if (Number.isNaN(v) && Number.isNaN(w)) return;
    d = Math.max(d, Number.isNaN(v - w) ? Infinity : Math.abs(v - w));
    m = Math.max(m, Math.abs(w));
  });
  return d / m;
}

/** A wider set of geometries than the fixture's, each against the NCHW computation. */
const NCHW_CASES: [number[], number[], Record<string, unknown>][] = [
  ...Object.values(CONVS),
  [[3, 16, 9, 13], [32, 16, 3, 3], { padding: 1 }],                                   // whole tiles, several blocks
  [[1, 24, 7, 20], [24, 8, 3, 3], { padding: [1, 2], groups: 3 }],                     // one image: rows over the pool
  [[2, 16, 8, 8], [16, 16, 3, 3], { padding: 2, dilation: 2 }],                        // dilated input gradient
  [[2, 16, 9, 9], [8, 16, 5, 3], { padding: [2, 1], stride: 2 }],                      // strided: GEMM input gradient
  [[2, 3, 10, 10], [8, 3, 3, 3], { padding: 1 }],                                      // 3 input channels
  [[2, 16, 6, 6], [16, 16, 3, 3], { padding: 3 }],                                     // padding past the kernel
  [[2, 8, 7, 7], [16, 1, 3, 3], { padding: 1, groups: 8 }],                            // depthwise, multiplier 2
  [[2, 16, 7, 7], [40, 16, 2, 2], {}],                                                 // 40 channels: 16 + 16 + 8
];

function convBoth(xs: number[], ws: number[], opts: Record<string, unknown>, d: torch.DType, seed: number) {
  torch.manualSeed(seed);
  const x = torch.randn(xs, { dtype: d }), w = torch.randn(ws, { dtype: d }), b = torch.randn([ws[0]!], { dtype: d });
  const run = (format: torch.MemoryFormat) => {
    const xl = x.detach().contiguous(format).requiresGrad_(), wl = w.detach().contiguous(format).requiresGrad_(), bl = b.clone().requiresGrad_();
    const y = F.conv2d(xl, wl, bl, opts);
    return { x: xl, w: wl, b: bl, y };
  };
  return [run(torch.contiguousFormat), run(cl)] as const;
}

test("channels-last conv2d equals the contiguous computation: forward, gradients, double backward, every ISA", () => {
  // Once per ISA the CPU runs (the direct AVX2 kernels, then the GEMM paths), or once on JS.
  const runs: (native.Isa | null)[] = skipReason ? [null] : isas();
  for (const isa of runs) {
    if (isa) native.setIsa(isa);
    try {
      NCHW_CASES.forEach(([xs, ws, opts], k) => {
        for (const d of [torch.float32, torch.float64]) {
          const [a, c] = convBoth(xs, ws, opts, d, k);
          const what = `case ${k} ${d.name} ${isa ?? "js"}`;
          const t = d === torch.float64 ? 1e-12 : 3e-6;
          assert.ok(relDiff(c.y, a.y) <= t, `${what} y ${relDiff(c.y, a.y)}`);
          assert.deepEqual(c.y.stride(), c.y.contiguous(cl).stride(), `${what}: y is channels-last`);
          const gy = torch.randn(a.y.shape, { dtype: d });
          a.y.backward(gy);
          c.y.backward(gy.contiguous(cl));
          assert.ok(relDiff(c.x.grad!, a.x.grad!) <= t, `${what} gx`);
          assert.ok(relDiff(c.w.grad!, a.w.grad!) <= t, `${what} gw`);
          assert.ok(relDiff(c.b.grad!, a.b.grad!) <= t, `${what} gb`);
          assert.deepEqual(c.x.grad!.stride(), c.x.stride(), `${what}: gx is channels-last`);
          assert.ok(c.w.grad!.isContiguous(cl), `${what}: gw is channels-last`);
        }
      });
      // Double backward: the gradient of <gx, v> with respect to w and gY goes through the
      // channels-last primitives again.
      const [a, c] = convBoth([2, 16, 6, 7], [16, 8, 3, 3], { padding: 1, groups: 2 }, torch.float64, 99);
      const gy = torch.randn(a.y.shape, { dtype: torch.float64 });
      const gyA = gy.clone().requiresGrad_(), gyC = gy.contiguous(cl).requiresGrad_();
      const [gxA] = torch.autograd.grad([a.y], [a.x], { gradOutputs: [gyA], createGraph: true });
      const [gxC] = torch.autograd.grad([c.y], [c.x], { gradOutputs: [gyC], createGraph: true });
      const v = torch.randn(gxA!.shape, { dtype: torch.float64 });
      const [ggA, gwA] = torch.autograd.grad([gxA!.mul(v).sum()], [gyA, a.w]);
      const [ggC, gwC] = torch.autograd.grad([gxC!.mul(v).sum()], [gyC, c.w]);
      assert.ok(relDiff(ggC!, ggA!) <= 1e-12 && relDiff(gwC!, gwA!) <= 1e-12, "double backward");
    } finally {
      if (isa && native.bestIsa()) native.setIsa(native.bestIsa()!);
    }
  }
});

test("mixed layouts and channels-last views: a contiguous input with a channels-last weight, a sliced input, a 16-bit one", () => {
  torch.manualSeed(3);
  const x = torch.randn([2, 16, 9, 8]), w = torch.randn([16, 16, 3, 3]), b = torch.randn([16]);
  const want = F.conv2d(x, w, b, { padding: 1 });
  const mixed = F.conv2d(x, w.contiguous(cl), b, { padding: 1 });
  assert.ok(relDiff(mixed, want) <= 3e-6);
  assert.deepEqual(mixed.stride(), want.contiguous(cl).stride(), "a channels-last weight makes a channels-last result");
  // A slice of a channels-last tensor (not dense) still suggests channels-last.
  const sliced = x.contiguous(cl).narrow(2, 1, 7).narrow(3, 0, 6);
  const ys = F.conv2d(sliced, w, b, { padding: 1 });
  assert.ok(relDiff(ys, F.conv2d(x.narrow(2, 1, 7).narrow(3, 0, 6).contiguous(), w, b, { padding: 1 })) <= 3e-6);
  assert.deepEqual(ys.stride(), ys.contiguous(cl).stride());
  const ps = F.maxPool2d(sliced, 2);
  assert.ok(ps.equal(F.maxPool2d(sliced.contiguous(), 2)));
  // float16 has no NHWC kernels: the NCHW copy path, PyTorch's layouts all the same.
  const xh = x.to(torch.float16).contiguous(cl).requiresGrad_(), wh = w.to(torch.float16).contiguous(cl).requiresGrad_();
  const yh = F.conv2d(xh, wh, null, { padding: 1 });
  yh.sum().backward();
  assert.deepEqual(yh.stride(), want.contiguous(cl).stride());
  assert.ok(relDiff(yh, F.conv2d(x, w, null, { padding: 1 })) <= 5e-3);
  assert.ok(wh.grad!.isContiguous(cl) && xh.grad!.isContiguous(cl));
});

test("channels-last pooling and batch norm equal the contiguous computation (NaN, 16-channel blocks and tails)", () => {
  torch.manualSeed(5);
  for (const d of [torch.float32, torch.float64]) {
    for (const C of [16, 21, 3]) {
      const x = torch.randn([3, C, 11, 10], { dtype: d });
      x.view([-1]).narrow(0, 7, 1).fill_(NaN);
      for (const [name, f] of Object.entries(POOLS)) {
        const a = x.clone().requiresGrad_(), c = x.contiguous(cl).requiresGrad_();
        const ra = f(a), rc = f(c);
        const [ya, ia] = Array.isArray(ra) ? ra : [ra, null];
        const [yc, ic] = Array.isArray(rc) ? rc : [rc, null];
        const gy = torch.randn(ya.shape, { dtype: d });
        ya.backward(gy);
        yc.backward(gy.contiguous(cl));
        // The same operations per channel as the NCHW kernels: the same bits.
        assert.equal(relDiff(yc, ya), 0, `${name} ${d.name} C=${C} y`);
        assert.equal(relDiff(c.grad!, a.grad!), 0, `${name} ${d.name} C=${C} gx`);
        if (ia) assert.ok(ic!.equal(ia), `${name} ${d.name} C=${C} indices`);
        assert.deepEqual(yc.stride(), yc.contiguous(cl).stride(), `${name}: channels-last result`);
        assert.deepEqual(c.grad!.stride(), c.stride(), `${name}: channels-last gradient`);
      }
    }
    const x = torch.randn([4, 6, 5, 3], { dtype: d });
    const a = x.clone().requiresGrad_(), c = x.contiguous(cl).requiresGrad_();
    const wa = torch.randn([6], { dtype: d }).requiresGrad_(), wc = wa.detach().clone().requiresGrad_();
    const ya = F.batchNorm(a, null, null, wa, null, true), yc = F.batchNorm(c, null, null, wc, null, true);
    const gy = torch.randn(ya.shape, { dtype: d });
    ya.backward(gy);
    yc.backward(gy.contiguous(cl));
    const t = d === torch.float64 ? 1e-12 : 1e-5;
    assert.ok(relDiff(yc, ya) <= t && relDiff(c.grad!, a.grad!) <= t && relDiff(wc.grad!, wa.grad!) <= t, `batch norm ${d.name}`);
    assert.deepEqual(yc.stride(), c.stride());
    assert.deepEqual(c.grad!.stride(), c.stride());
  }
});

test("a channels-last CNN step runs the NHWC kernels, no NCHW convolution or pooling", { skip: skipReason }, () => {
  const calls: Record<string, number> = {};
  const table = kernels as unknown as Record<string, unknown>;
  const nhwc = kernels.nhwc as unknown as Record<string, unknown>;
  const saved: [Record<string, unknown>, string, unknown][] = [];
  const count = (obj: Record<string, unknown>, prefix: string, names: string[]): void => {
    for (const n of names) {
      const f = obj[n] as (...a: unknown[]) => unknown;
      saved.push([obj, n, f]);
      obj[n] = (...a: unknown[]) => { calls[prefix + n] = (calls[prefix + n] ?? 0) + 1; return f(...a); };
    }
  };
  count(table, "", ["convForward", "convBackwardInput", "convBackwardWeight", "maxPoolForward", "maxPoolBackward"]);
  count(nhwc, "nhwc.", ["convForward", "convBackwardInput", "convBackwardWeight", "maxPoolForward", "maxPoolBackward"]);
  try {
    torch.manualSeed(1);
    const conv1 = new torch.nn.Conv2d(3, 16, 3, { padding: 1 }).to({ memoryFormat: cl });
    const conv2 = new torch.nn.Conv2d(16, 16, 3, { padding: 1 }).to({ memoryFormat: cl });
    const x = torch.randn([4, 3, 12, 12]).contiguous(cl).requiresGrad_();
    const y = conv2.call(F.maxPool2d(F.relu(conv1.call(x)), 2));
    y.square().sum().backward();
    assert.deepEqual(calls, {
      "nhwc.convForward": 2, "nhwc.convBackwardInput": 2, "nhwc.convBackwardWeight": 2,
      "nhwc.maxPoolForward": 1, "nhwc.maxPoolBackward": 1,
    });
    assert.deepEqual(conv1.weight.grad!.stride(), conv1.weight.stride());
  } finally {
    for (const [obj, n, f] of saved) obj[n] = f;
  }
});

test("the NHWC wrappers check their arguments before the addon sees them", { skip: skipReason }, () => {
  const g1 = convGeometry([1, 2, 5], [3, 2, 3], { stride: [1], padding: [0], dilation: [1], groups: 1 });
  const f = new Float32Array(64);
  assert.throws(() => native.convForwardNhwc(g1, f, f.subarray(0, 18), null, new Float32Array(9)), /expected 2 spatial dims/);
  const g = convGeometry([1, 2, 4, 4], [3, 2, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 });
  assert.throws(() => native.convForwardNhwc(g, new Float32Array(31), new Float32Array(54), null, new Float32Array(48)), /input holds 31 elements/);
  assert.throws(() => native.convBackwardWeightNhwc(g, new Float32Array(32), new Float32Array(48), new Float64Array(54)), /dtype|same type|Float/);
  const p = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
  assert.throws(() => native.maxPoolForwardNhwc(f, [2, 4, 4], f, [2, 2, 2], null, p), /expected 4-d shapes/);
  assert.throws(() => native.maxPoolForwardNhwc(f, [1, 4, 4, 4], new Float32Array(64), [1, 3, 2, 2], null, p), /differ in channels/);
  assert.throws(() => native.maxPoolBackwardNhwc(f, new BigInt64Array(3), [1, 1, 2, 2], new Float32Array(16), [1, 1, 4, 4]), /indices hold 3/);
  assert.throws(() => native.adaptiveAvgPoolForwardNhwc(f, [1, 1, 0, 4], f, [1, 1, 2, 2]), /empty spatial dims/);
});
