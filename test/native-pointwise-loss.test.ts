// The pointwise losses on the native kernels (mse, l1, smooth_l1, huber, binary cross-entropy on
// probabilities and on logits) against their JS definitions: forward for each reduction, weights
// and pos_weight, the input's and the target's gradients, on every ISA, float32 and float64, with
// special values; createGraph through the public-op vjps; PyTorch's values at the edges; the
// wrapper's argument checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { pointwiseLossBackward, pointwiseLossForward } from "../src/backends/native/pointwise-loss.js";
import { forEachIsa, nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";

const F = torch.nn.functional;
type DT = "float32" | "float64";
type Reduction = "none" | "mean" | "sum";

/** Seeded values of `shape` in [lo, hi], with a few specials when asked. */
function values(shape: number[], dt: DT, seed: number, lo: number, hi: number, specials: number[] = []): Tensor {
  const r = rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => lo + (r() + 0.5) * (hi - lo));
  specials.forEach((s, i) => { v[(i * 7919) % n] = s; });
  return torch.tensor(v, { dtype: dt }).reshape(shape);
}

/** |got - want| <= tol (|want| + |scale[i]| + 1) elementwise (or < 1e-37), NaN matching NaN, -0 equal to 0. */
function close(got: Tensor, want: Tensor, dt: DT, what: string, scale?: Tensor): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const g = got.reshape(-1).tolist() as number[], w = want.reshape(-1).tolist() as number[];
  const s = scale ? (scale.reshape(-1).tolist() as number[]) : null;
  const tol = dt === "float32" ? 4e-6 : 1e-12;
  for (let i = 0; i < g.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) { if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${what}[${i}]: got ${a}, want ${b}`); continue; }
    // Below float32's normal range (PyTorch's log(1 + e^-100) rounds to 0, log1p keeps 3.8e-44).
    if (a === b || Math.abs(a - b) < 1e-37) continue;
    const bound = tol * (Math.abs(b) + (s ? Math.abs(s[i % s.length]!) + 1 : 0));
    if (!(Math.abs(a - b) <= bound)) assert.fail(`${what}[${i}]: got ${a}, want ${b}`);
  }
}

interface Case {
  name: string;
  /** Input, target (and extra tensors) for a seed. */
  make: (dt: DT, seed: number, shape: number[]) => Tensor[];
  loss: (x: Tensor, t: Tensor[], reduction: Reduction) => Tensor;
  /** Whether the target may require grad on the native path. */
  targetGrad: boolean;
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e30];
const diffCase = (name: string, f: (x: Tensor, y: Tensor, reduction: Reduction) => Tensor): Case => ({
  name, targetGrad: true,
  make: (dt, seed, shape) => [values(shape, dt, seed, -3, 3, SPECIALS), values(shape, dt, seed + 1, -3, 3, [0, -0, NaN])],
  loss: (x, [y], reduction) => f(x, y!, reduction),
});

const CASES: Case[] = [
  diffCase("mse", (x, y, reduction) => F.mseLoss(x, y, { reduction })),
  diffCase("l1", (x, y, reduction) => F.l1Loss(x, y, { reduction })),
  diffCase("smoothL1", (x, y, reduction) => F.smoothL1Loss(x, y, { reduction })),
  diffCase("smoothL1 beta 0.3", (x, y, reduction) => F.smoothL1Loss(x, y, { reduction, beta: 0.3 })),
  diffCase("huber", (x, y, reduction) => F.huberLoss(x, y, { reduction })),
  diffCase("huber delta 2.5", (x, y, reduction) => F.huberLoss(x, y, { reduction, delta: 2.5 })),
  {
    name: "bce", targetGrad: false,
    make: (dt, seed, shape) => [values(shape, dt, seed, 0, 1, [0, 1, 1e-30, 1 - 1e-7, 0.5]), values(shape, dt, seed + 1, 0, 1, [0, 1, 1, 0, 0.5])],
    loss: (x, [t], reduction) => F.binaryCrossEntropy(x, t!, { reduction }),
  },
  {
    name: "bce weight", targetGrad: false,
    make: (dt, seed, shape) => [values(shape, dt, seed, 0.01, 0.99), values(shape, dt, seed + 1, 0, 1), values(shape, dt, seed + 2, 0, 2)],
    loss: (x, [t, w], reduction) => F.binaryCrossEntropy(x, t!, { weight: w!, reduction }),
  },
  {
    name: "bceLogits", targetGrad: false,
    make: (dt, seed, shape) => [values(shape, dt, seed, -30, 30, [...SPECIALS, 100, -100, 20, -20]), values(shape, dt, seed + 1, 0, 1, [0, 1])],
    loss: (x, [t], reduction) => F.binaryCrossEntropyWithLogits(x, t!, { reduction }),
  },
  {
    name: "bceLogits weight, pos_weight per class", targetGrad: false,
    make: (dt, seed, shape) => [values(shape, dt, seed, -8, 8), values(shape, dt, seed + 1, 0, 1),
      values([shape.at(-1)!], dt, seed + 2, 0, 3), values([shape.at(-1)!], dt, seed + 3, 0.1, 4)],
    loss: (x, [t, w, pw], reduction) => F.binaryCrossEntropyWithLogits(x, t!, { weight: w!, posWeight: pw!, reduction }),
  },
];

// All above the native threshold (1024 elements); [3, 11001] spans three of the drivers' 16384-element
// chunks (two threads, a partial last chunk), as many as the partial sums need.
const SHAPES = [[37, 41], [3, 11001], [2000]];

test("native pointwise losses: forward and gradients match the JS definitions", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    let seed = 1;
    for (const dt of ["float32", "float64"] as const) {
      for (const c of CASES) {
        for (const shape of SHAPES) {
          const [x, ...rest] = c.make(dt, seed++, shape);
          for (const reduction of ["none", "mean", "sum"] as const) {
            const what = `${isa} ${dt} ${c.name} [${shape}] ${reduction}`;
            const [a, b] = nativeAndJs(() => c.loss(x!, rest, reduction));
            // Cross-entropy on logits cancels (1 - t) x against log_sigmoid(x): errors scale with |x|.
            close(a, b, dt, `${what} forward`, reduction === "none" && c.name.startsWith("bceLogits") ? x : undefined);
            const [ga, gb] = nativeAndJs(() => {
              const xi = x!.detach().requiresGrad_();
              const ti = rest[0]!.detach().requiresGrad_(c.targetGrad);
              const loss = c.loss(xi, [ti, ...rest.slice(1)], reduction);
              (reduction === "none" ? loss.mul(rest[0]!.cos()).sum() : loss.mul(1.5)).backward();
              return [xi.grad!, ti.grad];
            });
            // sigmoid(x) - t cancels: the logits' gradient errors scale with 1, not with the result.
            close(ga[0]!, gb[0]!, dt, `${what} input grad`, c.name.startsWith("bceLogits") ? torch.ones(1) : undefined);
            if (c.targetGrad) close(ga[1]!, gb[1]!, dt, `${what} target grad`);
          }
        }
      }
    }
  });
});

test("pointwise losses at PyTorch's edge values (float32, native and JS)", () => {
  const x = torch.tensor([0.5, -0, 0, NaN, Infinity, -Infinity, 3, -2]).repeat(200);
  const y = torch.tensor([0, 0, -0, 1, 1, 0, Infinity, -2]).repeat(200);
  const rows: [string, (a: Tensor) => Tensor, number[], number[]][] = [
    ["mse", (a) => F.mseLoss(a, y, { reduction: "none" }), [0.25, 0, 0, NaN, Infinity, Infinity, Infinity, 0], [1, 0, 0, NaN, Infinity, -Infinity, -Infinity, 0]],
    ["l1", (a) => F.l1Loss(a, y, { reduction: "none" }), [0.5, 0, 0, NaN, Infinity, Infinity, Infinity, 0], [1, 0, 0, 0, 1, -1, -1, 0]],
    ["smoothL1", (a) => F.smoothL1Loss(a, y, { reduction: "none" }), [0.125, 0, 0, NaN, Infinity, Infinity, Infinity, 0], [0.5, 0, 0, NaN, 1, -1, -1, 0]],
    ["huber", (a) => F.huberLoss(a, y, { reduction: "none" }), [0.125, 0, 0, NaN, Infinity, Infinity, Infinity, 0], [0.5, 0, 0, NaN, 1, -1, -1, 0]],
  ];
  const z = torch.tensor([-100, -20, -1, -0, 0, 1, 20, 100, Infinity, -Infinity, NaN]).repeat(100);
  const t = torch.tensor([0, 1, 0.3, 1, 0, 0.5, 0, 1, 1, 0, 0.5]).repeat(100);
  const bcel: [number[], number[]] = [
    [0, 20, 0.6132616996765137, 0.6931471824645996, 0.6931471824645996, 0.8132616281509399, 20, 0, NaN, NaN, NaN],
    [0, -1, -0.031058579683303833, -0.5, 0.5, 0.23105859756469727, 1, 0, 0, 0, NaN],
  ];
  const check = (name: string, input: Tensor, f: (a: Tensor) => Tensor, loss: number[], grad: number[]) => {
    const run = (): [Tensor, Tensor] => { const a = input.detach().requiresGrad_(); const l = f(a); l.sum().backward(); return [l, a.grad!]; };
    const results = skipReason ? [run()] : nativeAndJs(run);
    results.forEach(([l, g], i) => {
      const k = loss.length, where = skipReason || i === 1 ? "js" : "native";
      close(l.narrow(0, 0, k), torch.tensor(loss, { dtype: torch.float32 }), "float32", `${name} loss ${where}`);
      close(g.narrow(0, 0, k), torch.tensor(grad, { dtype: torch.float32 }), "float32", `${name} grad ${where}`);
    });
  };
  for (const [name, f, loss, grad] of rows) check(name, x, f, loss, grad);
  check("bceLogits", z, (a) => F.binaryCrossEntropyWithLogits(a, t, { reduction: "none" }), bcel[0], bcel[1]);
});

test("binary_cross_entropy rejects values outside [0, 1] on the native path, in PyTorch's words", () => {
  const ok = torch.rand(5000), bad = ok.clone();
  bad.storage.data[4321] = 1.5;
  assert.throws(() => F.binaryCrossEntropy(bad, ok), /all elements of input should be between 0 and 1/);
  assert.throws(() => F.binaryCrossEntropy(ok, bad), /all elements of target should be between 0 and 1/);
  bad.storage.data[4321] = NaN;
  assert.throws(() => F.binaryCrossEntropy(bad, ok), /all elements of input should be between 0 and 1/);
});

test("pointwise losses under createGraph: second derivatives through the public-op vjps", () => {
  torch.manualSeed(1);
  const x = torch.randn(60, 50, { dtype: torch.float64 }).requiresGrad_(), y = torch.randn(60, 50, { dtype: torch.float64 });
  const t = torch.rand(60, 50, { dtype: torch.float64 });
  // d/dx sum(grad^2) for mse mean: grad = 2 (x - y) / n, so the result is 8 (x - y) / n^2.
  const n = x.numel();
  const [g] = torch.autograd.grad(F.mseLoss(x, y), [x], { createGraph: true });
  const [gg] = torch.autograd.grad(g!.square().sum(), [x]);
  close(gg!, x.detach().sub(y).mul(8 / (n * n)), "float64", "mse second derivative");
  // bce with logits: grad = (sigmoid(x) - t) / n; d/dx sum(grad) = sigmoid'(x) / n.
  const [h] = torch.autograd.grad(F.binaryCrossEntropyWithLogits(x, t), [x], { createGraph: true });
  const [hh] = torch.autograd.grad(h!.sum(), [x]);
  const s = x.detach().sigmoid();
  close(hh!, s.mul(s.rsub(1)).div(n), "float64", "bce logits second derivative");
});

test("native pointwiseLoss wrappers check their arguments", { skip: skipReason }, () => {
  const x = new Float32Array(8), y = new Float32Array(8), out = new Float32Array(8);
  assert.throws(() => pointwiseLossForward("mse", { x, y: new Float64Array(8) as unknown as Float32Array, n: 8 }, null), /expected y to be a Float32Array/);
  assert.throws(() => pointwiseLossForward("mse", { x, y, n: 9 }, null), /holds 8 elements, expected at least 9/);
  assert.throws(() => pointwiseLossForward("mse", { x, y, n: 8 }, x), /out and x overlap/);
  assert.throws(() => pointwiseLossForward("huber", { x, y, n: 8, param: 0 }, out), /positive parameter/);
  assert.throws(() => pointwiseLossForward("mse", { x, y, pw: y, n: 8 }, out), /pos_weight is only for bceLogits/);
  assert.throws(() => pointwiseLossForward("bogus" as "mse", { x, y, n: 8 }, out), /unknown loss/);
  assert.throws(() => pointwiseLossBackward("mse", { x, y, n: 8 }, null, 1, 1, y), /gx and y overlap/);
  assert.equal(pointwiseLossForward("bce", { x: Float32Array.of(0.5, 2), y: Float32Array.of(1, 1), n: 2 }, null), null);
  assert.equal(pointwiseLossForward("mse", { x: Float32Array.of(1, 2), y: Float32Array.of(0, 0), n: 2 }, null), 5);
});
