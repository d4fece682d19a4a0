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
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function close(a: number[], e: number[], what: string, tol = 1e-6): void {
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${v} vs ${e[i]}`));
}

function flat(t: torch.Tensor): number[] { return t.detach().double().reshape(-1).tolist() as number[]; }

interface LazyCase {
  name: string; kwargs: Record<string, unknown>; shape: number[]; x: number[]; before: string; keys_before: string[];
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
      close(flat(x), c.x, "input");
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
    // gradients flow into the materialized parameters
    const lin = new torch.nn.LazyLinear(2);
    lin.call(torch.ones(3, 4)).sum().backward();
    assert.deepEqual(lin.weight.grad!.tolist(), [[3, 3, 3, 3], [3, 3, 3, 3]]);
  });
});
