// flip reads its input through negated strides: on the native copy kernel (large float tensors)
// it must give the JS loop's elements, for every dim set, dtype, non-contiguous inputs and the ops
// that follow (contiguous, arithmetic, gradients); the binary wrapper's signed bounds checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import * as native from "../src/backends/native/index.js";
import { forEachIsa, nativeAndJs, skipReason } from "../src/backends/native/test-support.js";
import { assertSameElements as same } from "./support/same-elements.js";


/** The flip of a row-major array by index arithmetic. */
function flipByIndex(x: Tensor, dims: number[]): number[] {
  const shape = x.shape, n = x.numel(), vals = x.contiguous().reshape(-1).tolist() as number[];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let rem = i, src = 0, mul = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const s = shape[d]!, idx = rem % s;
      rem = Math.floor(rem / s);
      src += (dims.includes(d) ? s - 1 - idx : idx) * mul;
      mul *= s;
    }
    out[i] = vals[src]!;
  }
  return out;
}

test("flip of large tensors: every dim set, dtype and view, as the index definition and the JS kernels", () => {
  torch.manualSeed(3);
  const base = torch.randn(64, 70, 5);
  const inputs: [string, Tensor][] = [
    ["float32", base], ["float64", base.double()], ["int32", base.mul(100).int()],
    ["transposed", base.transpose(0, 2)], ["narrowed", base.narrow(1, 3, 60)],
  ];
  for (const [name, x] of inputs) {
    for (const dims of [[0], [1], [2], [0, 2], [0, 1, 2], [-1]]) {
      const nd = dims.map((d) => (d < 0 ? d + x.dim() : d));
      const got = x.flip(dims);
      assert.deepEqual(got.reshape(-1).tolist(), flipByIndex(x, nd), `${name} flip ${dims}`);
      if (!skipReason) {
        forEachIsa((isa) => {
          const [a, b] = nativeAndJs(() => x.flip(dims));
          same(a, b, `${isa} ${name} flip ${dims}`);
        });
      }
    }
  }
});

test("torch.randn(1000, 1000).flip(0) and the ops that follow it", () => {
  torch.manualSeed(0);
  const x = torch.randn(1000, 1000), y = torch.randn(1000, 1000);
  const f = x.flip(0);
  assert.deepEqual(f.select(0, 0).tolist(), x.select(0, 999).tolist());
  assert.deepEqual(x.flip(1).select(1, 0).tolist(), x.select(1, 999).tolist());
  same(x.flip(0).contiguous(), f, "contiguous");
  same(x.flip(0).add(y), f.add(y), "add");
  same(x.flip(0, 1).flip(0, 1), x, "flip twice");
  same(torch.fliplr(x), x.flip(1), "fliplr");
  same(torch.flipud(x), x.flip(0), "flipud");
  same(torch.rot90(x, 1, [0, 1]), x.flip(1).transpose(0, 1), "rot90");
  const g = x.detach().requiresGrad_();
  g.flip(0).mul(y).sum().backward();
  same(g.grad!, y.flip(0), "flip gradient");
  // An empty dim and a size-1 dim.
  assert.deepEqual(torch.zeros(0, 5000).flip(0).shape, [0, 5000]);
  same(torch.arange(5000, { dtype: torch.float32 }).reshape(1, 5000).flip(0, 1), torch.arange(4999, -1, -1, { dtype: torch.float32 }).reshape(1, 5000), "size-1 dim");
});

test("native.binary: negative strides read backwards; reaching outside the array throws", { skip: skipReason }, () => {
  const a = Float32Array.from({ length: 12 }, (_, i) => i), one = Float32Array.of(1), out = new Float32Array(12);
  native.binary("mul", [3, 4], { data: a, offset: 11, strides: [-4, -1] }, { data: one, strides: [0, 0] }, out);
  assert.deepEqual(Array.from(out), Array.from(a).reverse());
  assert.throws(() => native.binary("mul", [3, 4], { data: a, offset: 10, strides: [-4, -1] }, { data: one, strides: [0, 0] }, out), /reaches element -1, before its start/);
  assert.throws(() => native.binary("mul", [3, 4], { data: a, offset: 1, strides: [4, 1] }, { data: one, strides: [0, 0] }, out), /past its length/);
  assert.throws(() => native.binary("mul", [3, 4], { data: a, offset: 0, strides: [4, 0.5] }, { data: one, strides: [0, 0] }, out), /stride must be an integer/);
});
