// nn modules and functionals added after the first survey, against values recorded from PyTorch
// 1.13 (test/fixtures/nn-more.py): lazy modules, fractional max pooling, AdaptiveLogSoftmaxWithLoss,
// CrossMapLRN2d.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/nn-more.json", import.meta.url), "utf8")) as Record<string, unknown>;
type Ctor = new (...a: unknown[]) => torch.nn.Module;
const nn = torch.nn as unknown as Record<string, Ctor>;

function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/(?<!^)_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function close(a: number[], e: number[], what: string, tol = 1e-6): void {
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

function flat(t: torch.Tensor): number[] { return t.detach().double().reshape(-1).tolist() as number[]; }

interface LazyCase {
  name: string; kwargs: Record<string, unknown>; shape: number[]; before: string; keys_before: string[];
  after: string; cls: string; y: number[]; y_shape: number[]; state: Record<string, [number[], number[]]>; next_rand: number;
}

interface LazyLike {
  call(x: torch.Tensor): torch.Tensor; hasUninitializedParams(): boolean; weight: torch.Tensor | null;
  stateDict(): Map<string, torch.Tensor>; parameters(): Iterable<torch.Tensor>; constructor: { name: string };
}

describe("lazy modules", () => {
  for (const c of fx.lazy as LazyCase[]) {
    test(`${c.name}: sizes from the first input, the eager module's initialisation draws, then the eager class`, () => {
      torch.manualSeed(0);
      const m = new nn[c.name]!(camelKeys(c.kwargs)) as unknown as LazyLike;
      assert.equal(String(m), c.before);
      assert.deepEqual([...m.stateDict().keys()], c.keys_before);
      assert.equal(m.hasUninitializedParams(), c.keys_before.length > 0);
      if (m.weight) assert.ok(m.weight instanceof torch.nn.UninitializedParameter);
      const weightBefore = m.weight;
      const x = torch.randn(...c.shape);
      const y = m.call(x);
      assert.equal(m.constructor.name, c.cls);
      const obj: object = m;
      assert.ok(obj instanceof nn[c.cls]! && !(obj instanceof nn[c.name]!));
      assert.equal(String(m), c.after);
      // materialized in place: references taken before the first call see the parameter
      if (weightBefore) { assert.equal(m.weight, weightBefore); assert.ok(!(m.weight instanceof torch.nn.UninitializedParameter)); }
      const sd = m.stateDict();
      assert.deepEqual([...sd.keys()], Object.keys(c.state));
      for (const [k, [shape, values]] of Object.entries(c.state)) {
        assert.deepEqual(sd.get(k)!.shape, shape, k);
        close(flat(sd.get(k)!), values, k, 1e-6);
      }
      for (const p of m.parameters()) assert.equal(p.requiresGrad, true);
      assert.deepEqual(y.shape, c.y_shape);
      close(flat(y), c.y, "output", 1e-5);
      // the random stream is where PyTorch's is after the same draws
      assert.equal(torch.rand(1).item(), c.next_rand);
    });
  }

  test("loadStateDict materializes the placeholders with the checkpoint's shapes (PyTorch's lazy load hook)", () => {
    const lin = new torch.nn.Linear(4, 3), lazy = new torch.nn.LazyLinear(3);
    const w = lazy.weight;
    lazy.loadStateDict(lin.stateDict());
    assert.equal(lazy.weight, w);
    assert.deepEqual(lazy.weight.shape, [3, 4]);
    assert.ok(!lazy.hasUninitializedParams());
    const x = torch.randn(2, 4);
    assert.deepEqual(lazy.call(x).tolist(), lin.call(x).tolist());
    assert.ok(lazy instanceof torch.nn.Linear && lazy.inFeatures === 4);

    const conv = new torch.nn.Conv2d(2, 4, 3, { groups: 2 }), lconv = new torch.nn.LazyConv2d(4, 3, { groups: 2 });
    lconv.loadStateDict(conv.stateDict());
    const xi = torch.randn(1, 2, 5, 5);
    assert.deepEqual(lconv.call(xi).tolist(), conv.call(xi).tolist());
    assert.equal(lconv.inChannels, 2);

    const bn = new torch.nn.BatchNorm1d(3), lbn = new torch.nn.LazyBatchNorm1d();
    bn.call(torch.randn(4, 3));
    lbn.loadStateDict(bn.stateDict());
    assert.deepEqual(lbn.running_mean!.tolist(), bn.running_mean!.tolist());
    assert.equal(Number(lbn.num_batches_tracked!.item()), 1);
    lbn.eval(); bn.eval();
    const xb = torch.randn(2, 3);
    assert.deepEqual(lbn.call(xb).tolist(), bn.call(xb).tolist());
    assert.equal(String(lbn), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  });

  test("placeholders, errors, and the dtype keyword", () => {
    const p: torch.Tensor = new torch.nn.UninitializedParameter();
    assert.ok(p instanceof torch.nn.Parameter && p.requiresGrad);
    (p as torch.nn.UninitializedParameter).materialize([2, 3]);
    assert.deepEqual(p.shape, [2, 3]);
    assert.ok(!(p instanceof torch.nn.UninitializedParameter) && p instanceof torch.nn.Parameter);
    const b: torch.Tensor = new torch.nn.UninitializedBuffer(false, { dtype: torch.float64 });
    (b as torch.nn.UninitializedBuffer).materialize([4]);
    assert.equal(b.dtype, torch.float64);
    assert.ok(!(b instanceof torch.nn.UninitializedBuffer) && !b.requiresGrad);
    assert.throws(() => new torch.nn.LazyConv2d(4, 3).call(torch.ones(2, 5)), /Expected 3D \(unbatched\) or 4D \(batched\) input to LazyConv2d, but got input of size: \[2, 5\]/);
    assert.throws(() => new torch.nn.LazyConvTranspose2d(4, 3, { groups: 2 }).call(torch.ones(1, 3, 5, 5)), /in_channels must be divisible by groups/);
    const bn = new torch.nn.LazyBatchNorm2d();
    assert.throws(() => bn.call(torch.ones(2, 3)), /expected 4D input \(got 2D input\)/);
    assert.ok(bn.hasUninitializedParams(), "a failed first call leaves the module lazy");
    assert.throws(() => new (torch.nn.LazyConv1d as unknown as Ctor)({ kernelSize: 2 }), /LazyConv1d.__init__\(\) missing 1 required positional argument: 'out_channels'/);
    const d = new torch.nn.LazyConv1d(2, 2, { dtype: torch.float64 });
    d.call(torch.ones(1, 3, 4, { dtype: torch.float64 }));
    assert.equal(d.weight.dtype, torch.float64);
    assert.deepEqual(d.weight.shape, [2, 3, 2]);
    // module.double() before the first call: the placeholders take the dtype
    const dl = new torch.nn.LazyLinear(2).double();
    assert.ok(dl.hasUninitializedParams());
    dl.call(torch.ones(1, 3, { dtype: torch.float64 }));
    assert.equal(dl.weight.dtype, torch.float64);
    assert.equal(dl.bias!.dtype, torch.float64);
    // gradients flow into the materialized parameters
    const lin = new torch.nn.LazyLinear(2);
    lin.call(torch.ones(3, 4)).sum().backward();
    assert.deepEqual(lin.weight.grad!.tolist(), [[3, 3, 3, 3], [3, 3, 3, 3]]);
  });
});

interface FracCase {
  name: string; k: 2 | 3; shape: number[]; dtype: "float32" | "float64"; kwargs: Record<string, unknown>;
  y: number[]; y_shape: number[]; indices: number[]; grad: number[]; next_rand: number;
}

function fracKwargs(c: FracCase): Record<string, unknown> {
  const kw = camelKeys(c.kwargs);
  if (Array.isArray(kw._randomSamples)) kw._randomSamples = torch.tensor(kw._randomSamples as number[][][], { dtype: c.dtype });
  return kw;
}

describe("fractional max pooling", () => {
  const F = torch.nn.functional;
  for (const c of fx.fractional as FracCase[]) {
    test(`F.fractional_max_pool${c.k}d ${c.name}: PyTorch's samples from the seed, values, indices, gradient`, () => {
      torch.manualSeed(1);
      const x = torch.randn(c.shape, { dtype: c.dtype });
      // x[0, 1, 2, 2] = nan: the NaN wins its windows, as in ATen
      if (c.name === "2d output 1") torch.noGrad(() => x.view(-1).narrow(0, 37, 1).fill_(NaN));
      x.requiresGrad_(true);
      const fn = c.k === 2 ? F.fractionalMaxPool2d : F.fractionalMaxPool3d;
      const [y, idx] = fn(x, { ...fracKwargs(c), returnIndices: true } as never) as unknown as [torch.Tensor, torch.Tensor];
      assert.equal(torch.rand(1).item(), c.next_rand, "the samples consumed PyTorch's draws");
      assert.deepEqual(y.shape, c.y_shape);
      assert.equal(idx.dtype, torch.int64);
      assert.deepEqual((idx.reshape(-1).tolist() as bigint[]).map(Number), c.indices);
      const yv = flat(y), ey = c.y.map((v) => (v === null ? NaN : v));
      yv.forEach((v, i) => assert.ok(Number.isNaN(ey[i]!) ? Number.isNaN(v) : v === ey[i], `y[${i}]: ${v} vs ${ey[i]}`));
      const w = torch.arange(y.numel(), { dtype: c.dtype }).reshape(y.shape).div(7);
      y.mul(w).nansum().backward();
      close(flat(x.grad!), c.grad, "grad", 1e-12);
      assert.equal(y.gradFn!.name(), `FractionalMaxPool${c.k}DBackward0`);
    });
  }

  test("gradcheck and double backward (float64, fixed samples)", () => {
    torch.manualSeed(5);
    const x2 = torch.randn(1, 2, 6, 5, { dtype: torch.float64, requiresGrad: true });
    const s2 = torch.rand(1, 2, 2, { dtype: torch.float64 });
    assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => F.fractionalMaxPool2d(t, 2, { outputSize: [3, 3], _randomSamples: s2 }), [x2]));
    const x3 = torch.randn(2, 4, 4, 5, { dtype: torch.float64, requiresGrad: true });
    const s3 = torch.rand(1, 2, 3, { dtype: torch.float64 });
    assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => F.fractionalMaxPool3d(t, [2, 2, 3], { outputSize: 2, _randomSamples: s3 }), [x3]));
    const [g] = torch.autograd.grad([F.fractionalMaxPool2d(x2, 2, { outputSize: 3, _randomSamples: s2 }).pow(2).sum()], [x2], { createGraph: true });
    assert.equal(g!.gradFn!.name(), "FractionalMaxPool2DBackwardBackward0");
  });

  test("with_indices forms, modules and errors", () => {
    const m = fx.fractional_module as { repr: string; keys: string[]; keys3: string[]; x: number[]; y: number[]; y_shape: number[]; indices: number[] };
    torch.manualSeed(2);
    const pool = new torch.nn.FractionalMaxPool2d(3, { outputRatio: [0.5, 0.7], returnIndices: true });
    const x = torch.randn(2, 2, 8, 9);
    close(flat(x), m.x, "module input");
    const [y, idx] = pool.call(x) as [torch.Tensor, torch.Tensor];
    assert.equal(String(pool), m.repr);
    assert.deepEqual([...pool.stateDict().keys()], m.keys);
    assert.deepEqual(y.shape, m.y_shape);
    close(flat(y), m.y, "module output", 0);
    assert.deepEqual((idx.reshape(-1).tolist() as bigint[]).map(Number), m.indices);
    const pool3 = new torch.nn.FractionalMaxPool3d(2, { outputSize: 2, _randomSamples: torch.full([1, 1, 3], 0.5) });
    assert.deepEqual([...pool3.stateDict().keys()], m.keys3);

    const [y2, i2] = F.fractionalMaxPool2dWithIndices(torch.ones(1, 1, 4, 4), 2, { outputSize: 2 });
    assert.deepEqual(y2.shape, [1, 1, 2, 2]);
    assert.equal(i2.dtype, torch.int64);
    assert.equal(F.fractionalMaxPool3dWithIndices(torch.ones(1, 4, 4, 4), 2, 2).length, 2);

    const a = fx.adaptive_with_indices as { x: number[]; cases: Record<string, { y: number[]; y_shape: number[]; indices: number[] }> };
    torch.manualSeed(3);
    const xa = torch.randn(2, 3, 5, 7);
    const forms: [string, () => [torch.Tensor, torch.Tensor]][] = [
      ["1", () => F.adaptiveMaxPool1dWithIndices(xa.get(0), 3)],
      ["2", () => F.adaptiveMaxPool2dWithIndices(xa, [2, 3])],
      ["3", () => F.adaptiveMaxPool3dWithIndices(xa, [1, 2, 3])],
    ];
    for (const [k, run] of forms) {
      const [ya, ia] = run();
      assert.deepEqual(ya.shape, a.cases[k]!.y_shape);
      close(flat(ya), a.cases[k]!.y, `adaptive ${k}d`, 0);
      assert.deepEqual((ia.reshape(-1).tolist() as bigint[]).map(Number), a.cases[k]!.indices);
    }

    const x4 = torch.randn(1, 2, 5, 5);
    assert.throws(() => F.fractionalMaxPool2d(x4, 2), /fractional_max_pool2d requires specifying either an output_size or an output_ratio/);
    assert.throws(() => F.fractionalMaxPool2d(x4, 4, { outputSize: 3 }), /fractional_max_pool2d\(\): pool height 4 too large relative to input height 5/);
    assert.throws(() => F.fractionalMaxPool3d(torch.randn(1, 1, 3, 5, 5), [2, 2, 2], { outputSize: [3, 2, 2] }), /fractional_max_pool3d_out\(\): pool time 2 too large relative to input time 3/);
    assert.throws(() => F.fractionalMaxPool3d(torch.randn(2, 5, 4, 6), [2, 1, 3], { outputSize: [3, 2, 4] }), /fractional_max_pool3d_out\(\): pool width 3 too large relative to input width 6/);
    assert.doesNotThrow(() => F.fractionalMaxPool2d(torch.randn(1, 6, 6), 3, { outputSize: 4 }));
    assert.throws(() => F.fractionalMaxPool2d(x4, [2, 2, 2], { outputSize: 2 }), /fractional_max_pool2d: kernel_size must either be a single Int or tuple of Ints/);
    assert.throws(() => F.fractionalMaxPool2d(x4.half(), 2, { outputSize: 2 }), /"fractional_max_pool2d_out_frame" not implemented for 'Half'/);
    assert.throws(() => F.fractionalMaxPool2d(x4.long(), 2, { outputSize: 2 }), /"check_uniform_bounds" not implemented for 'Long'/);
    assert.throws(() => F.fractionalMaxPool2d(torch.randn(1, 0, 5, 5), 2, { outputSize: 2 }), /Expected input to have non-zero size for non-batch dimensions/);
    assert.throws(() => new torch.nn.FractionalMaxPool2d(2), /FractionalMaxPool2d requires specifying either an output size, or a pooling ratio/);
    assert.throws(() => new torch.nn.FractionalMaxPool2d(2, { outputRatio: 1.5 }), /output_ratio must be between 0 and 1 \(got 1.5\)/);
    assert.throws(() => new torch.nn.FractionalMaxPool2d(2, { outputSize: 2, outputRatio: 0.5 }), /only one of output_size and output_ratio may be specified/);
    // a failed call draws nothing
    torch.manualSeed(9);
    assert.throws(() => F.fractionalMaxPool2d(x4, 4, { outputSize: 3 }));
    const after = torch.rand(1).item();
    torch.manualSeed(9);
    assert.equal(torch.rand(1).item(), after);
  });
});

describe("AdaptiveLogSoftmaxWithLoss and CrossMapLRN2d", () => {
  test("AdaptiveLogSoftmaxWithLoss: PyTorch's parameters, (output, loss), gradients, logProb, predict", () => {
    const e = fx.adaptive_softmax as {
      repr: string; state: Record<string, [number[], number[]]>; x: number[]; target: number[]; output: number[]; loss: number;
      x_grad: number[]; head_grad: number[]; tail_grad: number[]; log_prob: number[]; predict: number[]; predict_scaled: number[];
      x1: number[]; single_output: number[]; single_loss: number;
    };
    torch.manualSeed(0);
    const m = new torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], { divValue: 2.0, headBias: true });
    assert.equal(String(m), e.repr);
    assert.deepEqual(m.cutoffs, [3, 6, 10]);
    const sd = m.stateDict();
    assert.deepEqual([...sd.keys()], Object.keys(e.state));
    for (const [k, [shape, values]] of Object.entries(e.state)) { assert.deepEqual(sd.get(k)!.shape, shape); close(flat(sd.get(k)!), values, k, 0); }
    const x = torch.randn(5, 8).requiresGrad_(true);
    close(flat(x), e.x, "x", 0);
    const res = m.call(x, torch.tensor(e.target));
    const [output, loss] = res;
    assert.equal(res.output, output);
    assert.equal(res.loss, loss);
    close(flat(output), e.output, "output", 1e-6);
    close([loss.item() as number], [e.loss], "loss", 1e-6);
    loss.backward();
    close(flat(x.grad!), e.x_grad, "x grad", 1e-5);
    close(flat(m.head.weight.grad!), e.head_grad, "head grad", 1e-5);
    close(flat(((m.tail.at(1) as torch.nn.Sequential).at(0) as torch.nn.Linear).weight.grad!), e.tail_grad, "tail grad", 1e-5);
    close(flat(m.logProb(x)), e.log_prob, "log_prob", 1e-6);
    assert.deepEqual((m.predict(x).tolist() as bigint[]).map(Number), e.predict);
    assert.deepEqual((m.predict(x.mul(3)).tolist() as bigint[]).map(Number), e.predict_scaled);
    const x1 = torch.randn(8);
    const single = m.call(x1, torch.tensor(5));
    assert.deepEqual(single.output.shape, []);
    close(flat(single.output), e.single_output, "unbatched output", 1e-6);
    close([single.loss.item() as number], [e.single_loss], "unbatched loss", 1e-6);

    assert.throws(() => new torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3]), /cutoffs should be a sequence of unique, positive integers sorted in an increasing order/);
    assert.throws(() => new torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10]), /cutoffs should be a sequence/);
    assert.throws(() => m.call(x, torch.tensor([0, 1, 2])), /Input and target should have the same size in the batch dimension/);
    assert.throws(() => m.call(x, torch.tensor([0, 1, 2, 3, 10])), /Target values should be in \[0, 9\], but values in range \[0, 10\] were found/);
    assert.throws(() => m.call(x, torch.zeros(5, 2, { dtype: torch.int64 })), /0D or 1D target tensor expected, multi-target not supported/);
  });

  test("CrossMapLRN2d: PyTorch's legacy Function, forward and backward, float64", () => {
    for (const c of fx.cross_map_lrn as { args: [number, number, number, number]; shape: number[]; x: number[]; w: number[]; y: number[]; grad: number[]; repr: string }[]) {
      const x = torch.tensor(c.x, { dtype: torch.float64 }).reshape(c.shape).requiresGrad_(true);
      const m = new torch.nn.CrossMapLRN2d(...c.args);
      if (c.args[3] !== 2.0) assert.equal(String(m), c.repr); // Python prints k=2.0; a JS number cannot say it was a float
      const y = m.call(x);
      close(flat(y), c.y, `y size ${c.args[0]}`, 1e-12);
      assert.equal(y.gradFn!.name(), "CrossMapLRN2dBackward");
      y.mul(torch.tensor(c.w, { dtype: torch.float64 }).reshape(c.shape)).sum().backward();
      close(flat(x.grad!), c.grad, `grad size ${c.args[0]}`, 1e-12);
    }
    assert.throws(() => new torch.nn.CrossMapLRN2d(3).call(torch.ones(2, 3, 4)), /CrossMapLRN2d: Expected input to be 4D, got 3D instead/);
  });
});
