// softmax/log_softmax over every dim (the strided ones moved last for the native row kernel) and
// their gradients (native passes) against the JS loops, on every ISA, with -inf, +inf and NaN.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { forEachIsa, nativeAndJs, skipReason } from "../src/backends/native/test-support.js";

function close(got: Tensor, want: Tensor, tol: number, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.reshape(-1).tolist() as number[], w = want.reshape(-1).tolist() as number[];
  for (let i = 0; i < g.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) { if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${what}[${i}]: ${a} vs ${b}`); continue; }
    if (a === b) continue;
    if (!(Math.abs(a - b) <= tol * (Math.abs(b) + 1))) assert.fail(`${what}[${i}]: ${a} vs ${b}`);
  }
}

test("softmax/log_softmax over strided dims and their gradients match the JS loops", { skip: skipReason }, () => {
  torch.manualSeed(2);
  forEachIsa((isa) => {
    for (const dt of [torch.float32, torch.float64]) {
      const tol = dt === torch.float32 ? 2e-6 : 1e-12;
      const base = torch.randn(6, 70, 33, { dtype: dt }).mul(4);
      const data = base.storage.data as Float32Array;
      data[5] = -Infinity; data[6 * 33 + 2] = Infinity; data[900] = NaN;
      for (let i = 0; i < 70; i++) data[2 * 70 * 33 + i * 33 + 7] = -Infinity; // a slice that is all -inf along dim 1
      const views: [string, Tensor][] = [["contiguous", base], ["transposed", base.transpose(0, 2)]];
      for (const [view, x] of views) {
        for (const d of [0, 1, 2, -1]) {
          for (const log of [false, true]) {
            const what = `${isa} ${dt.name} ${view} ${log ? "log_softmax" : "softmax"}(${d})`;
            const [a, b] = nativeAndJs(() => (log ? x.logSoftmax(d) : x.softmax(d)));
            close(a, b, tol, what);
            const w = torch.randn(x.shape, { dtype: dt });
            const [ga, gb] = nativeAndJs(() => {
              const xi = x.detach().requiresGrad_();
              (log ? xi.logSoftmax(d) : xi.softmax(d)).mul(w).sum().backward();
              return xi.grad!;
            });
            close(ga, gb, tol * 4, `${what} gradient`);
          }
        }
      }
    }
  });
});

test("softmax over dim 0 of a large matrix: rows sum to 1, log_softmax is its log", () => {
  torch.manualSeed(0);
  const x = torch.randn(300, 200);
  const s = x.softmax(0), l = x.logSoftmax(0);
  close(s.sum(0), torch.ones(200), 1e-6, "column sums");
  close(l.exp(), s, 1e-6, "exp(log_softmax)");
  // Double backward still goes through the differentiable formula.
  const xi = x.double().requiresGrad_();
  const [g] = torch.autograd.grad(xi.softmax(0).square().sum(), [xi], { createGraph: true });
  assert.ok(g!.requiresGrad);
});
