// cumprod through the native scan against the JS loop (bit for bit: both multiply in double and
// round each output), for the last dim and inner dims, zeros, NaN, +-inf, -0, non-contiguous
// inputs, float32/float64; gradients with and without zeros; the wrapper's checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { cumprod } from "../src/backends/native/scan.js";
import { nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";
import { assertSameElements as same } from "./support/same-elements.js";


test("native cumprod matches the JS loop bit for bit", { skip: skipReason }, () => {
  const r = rng(9);
  for (const shape of [[40, 300], [3, 200, 70], [9000]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Array.from({ length: n }, () => {
      const u = r() + 0.5;
      if (u < 0.002) return 0;
      if (u < 0.003) return -0;
      if (u > 0.9995) return [NaN, Infinity, -Infinity][Math.floor(u * 1e5) % 3]!;
      return 1 + r() * 0.2;
    });
    for (const dt of [torch.float32, torch.float64]) {
      const x = torch.tensor(v, { dtype: dt }).reshape(shape);
      for (const [view, t] of [["contiguous", x], ["transposed", x.dim() > 1 ? x.transpose(0, -1) : x]] as const) {
        for (let d = 0; d < t.dim(); d++) {
          const [a, b] = nativeAndJs(() => t.cumprod(d));
          same(a, b, `${dt.name} ${view} [${shape}] dim ${d}`);
        }
      }
    }
  }
});

test("cumprod gradients on the native path, with and without zeros", { skip: skipReason }, () => {
  torch.manualSeed(3);
  for (const zeros of [false, true]) {
    const x = torch.rand(60, 80, { dtype: torch.float64 }).add(0.5);
    if (zeros) { x.storage.data[5] = 0; x.storage.data[81 * 3] = 0; x.storage.data[81 * 3 + 2] = 0; }
    const w = torch.randn(60, 80, { dtype: torch.float64 });
    const [ga, gb] = nativeAndJs(() => {
      const xi = x.detach().requiresGrad_();
      xi.cumprod(1).mul(w).sum().backward();
      return xi.grad!;
    });
    const g = ga.reshape(-1).tolist() as number[], h = gb.reshape(-1).tolist() as number[];
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i]! - h[i]!) <= 1e-12 * (Math.abs(h[i]!) + 1), `zeros ${zeros} grad[${i}]: ${g[i]} vs ${h[i]}`);
  }
});

test("native cumprod checks its arguments", { skip: skipReason }, () => {
  const x = Float32Array.of(1, 2, 3, 4), out = new Float32Array(4);
  cumprod(x, out, 1, 4, 1);
  assert.deepEqual(Array.from(out), [1, 2, 6, 24]);
  assert.throws(() => cumprod(x, out, 1, 5, 1), /native.cumprod: out of sizes \[5\] with strides \[1\] and offset 0 reaches element 4, past its length 4/);
  assert.throws(() => cumprod(x, new Float64Array(4) as unknown as Float32Array, 1, 4, 1), /native.cumprod: expected x to be a Float64Array like the other operands, got Float32Array/);
  assert.throws(() => cumprod(x, x, 1, 4, 1), /out overlaps x/);
});
