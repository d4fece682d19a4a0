// The native activation kernels (native/activation.h) against the JS definitions they replace:
// every activation forward and backward on every ISA, float32 and float64, odd sizes (vector
// tails) and sizes split over threads; special values against PyTorch's own results
// (test/fixtures/activation-specials.json, written by activation-specials.py with PyTorch 1.13);
// gradcheck in float64 on the native path; in-place forms; the wrapper's argument checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";
import { Tensor } from "../src/core/tensor.js";
import { activationBackward, activationForward } from "../src/backends/native/activation.js";
import { forEachIsa, mismatch, nativeAndJs, skipReason } from "../src/backends/native/test-support.js";

const F = torch.nn.functional;
type DT = "float32" | "float64";
const DTS: readonly DT[] = ["float32", "float64"];

/** The ops of the fixture, by its names. */
const OPS: Readonly<Record<string, (t: Tensor) => Tensor>> = {
  gelu: (t) => F.gelu(t), geluTanh: (t) => F.gelu(t, { approximate: "tanh" }), softplus: (t) => F.softplus(t),
  softplus2: (t) => F.softplus(t, 2, 5), elu: (t) => F.elu(t), elu05: (t) => F.elu(t, 0.5), selu: (t) => F.selu(t),
  celu15: (t) => F.celu(t, 1.5), leakyRelu: (t) => F.leakyRelu(t), leakyRelu02: (t) => F.leakyRelu(t, 0.2),
  hardtanh: (t) => F.hardtanh(t), hardtanh23: (t) => F.hardtanh(t, -2, 3), hardswish: (t) => F.hardswish(t),
  hardsigmoid: (t) => F.hardsigmoid(t), mish: (t) => F.mish(t), relu6: (t) => F.relu6(t), logsigmoid: (t) => F.logsigmoid(t),
  softsign: (t) => F.softsign(t), threshold: (t) => F.threshold(t, 0.5, 20), hardshrink: (t) => F.hardshrink(t),
  hardshrink1: (t) => F.hardshrink(t, 1), softshrink: (t) => F.softshrink(t), softshrink1: (t) => F.softshrink(t, 1),
  tanhshrink: (t) => F.tanhshrink(t), rreluEval: (t) => F.rrelu(t), silu: (t) => F.silu(t),
  preluC: (t) => F.prelu(t.reshape(-1, 3, 4), torch.tensor([0.25, -1.5, 2], { dtype: t.dtype })).reshape(-1), prelu: (t) => F.prelu(t, torch.full([1], 0.25, { dtype: t.dtype })),
};

/** The ops that take any length (preluC needs a multiple of 12; the per-channel test covers it). */
const FLAT_OPS = Object.entries(OPS).filter(([name]) => name !== "preluC");

/** Where each op's derivative jumps (gradcheck's finite differences must stay clear of them). */
const KINKS = [0, 0.5, -0.5, 1, -1, 2.5, -2, 3, -3, 6, 20];

interface Fixture { x: string[]; ops: Record<string, { y: string[]; grad: string[] }> }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/activation-specials.json", import.meta.url), "utf8")) as Fixture;
const num = (s: string): number => (s === "nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));

/** `reps` copies of `a` end to end (enough elements for the native path). */
function tile(a: readonly number[], reps: number): number[] {
  return Array.from({ length: a.length * reps }, (_, i) => a[i % a.length]!);
}

function values(t: Tensor | null): number[] {
  assert.ok(t, "a gradient is missing");
  return Array.from(t.detach().double().contiguous().flatten().tolist() as number[]);
}

// float64 results agree to about 1e-14 absolute: the terms of a derivative are O(1) and cancel.
function close(got: Tensor | null, want: Tensor | number[] | null, dt: DT, what: string, loose = false): void {
  const [rtol, atol] = dt === "float32" || loose ? [1e-5, 1e-6] : [1e-12, 1e-14];
  const m = mismatch(values(got), Array.isArray(want) ? want : values(want), rtol, atol, what);
  assert.equal(m, null, m ?? "");
}

/** y = op(x) and d(sum(y * probe))/dx for x of the given values. */
function forwardBackward(op: (t: Tensor) => Tensor, xs: number[], dt: DT, probe?: number[]): { y: Tensor; grad: Tensor } {
  const x = torch.tensor(xs, { dtype: dt }).requiresGrad_();
  const y = op(x);
  y.backward(probe ? torch.tensor(probe, { dtype: dt }) : torch.onesLike(y));
  return { y: y.detach(), grad: x.grad! };
}

test("activations: special values match PyTorch on the native kernels (every ISA) and the JS ones", () => {
  const xs = tile(fixture.x.map(num), 4);
  for (const [name, op] of Object.entries(OPS)) {
    for (const dt of DTS) {
      const ref = fixture.ops[`${name}/${dt}`]!;
      const y = tile(ref.y.map(num), 4), grad = tile(ref.grad.map(num), 4);
      const check = (r: { y: Tensor; grad: Tensor }, where: string) => {
        close(r.y, y, dt, `${name} ${dt} ${where} forward`);
        // PyTorch 1.13's float64 hardsigmoid gradient is the float32 1/6.
        close(r.grad, grad, dt, `${name} ${dt} ${where} grad`, name === "hardsigmoid");
      };
      if (skipReason) {
        check(forwardBackward(op, xs, dt), "js");
        continue;
      }
      forEachIsa((isa) => check(forwardBackward(op, xs, dt), isa));
      check(nativeAndJs(() => forwardBackward(op, xs, dt))[1], "js");
    }
  }
});

/** Normal values scaled by 4 plus a few large ones, with odd sizes for the vector tails. */
function data(n: number, seed: number): number[] {
  torch.manualSeed(seed);
  const v = values(torch.randn([n], { dtype: "float64" }).mul(4));
  for (let i = 0; i < n; i += 97) v[i] = v[i]! * 30;
  return v;
}

test("activations: native forward and backward match the JS kernels on every ISA", { skip: skipReason }, () => {
  for (const n of [131, 3001, 70001]) {
    const xs = data(n, n), probe = data(n, n + 1);
    for (const [name, op] of FLAT_OPS) {
      for (const dt of DTS) {
        const isas: string[] = [];
        forEachIsa((isa) => {
          isas.push(isa);
          const [a, b] = nativeAndJs(() => forwardBackward(op, xs, dt, probe));
          close(a.y, b.y, dt, `${name} ${dt} ${isa} n=${n} forward`);
          close(a.grad, b.grad, dt, `${name} ${dt} ${isa} n=${n} grad`);
        });
        assert.ok(isas.length > 0);
      }
    }
  }
});

test("activations: gradcheck in float64 through the native gradients", () => {
  torch.manualSeed(7);
  const base = values(torch.randn([160], { dtype: "float64" }).mul(4)).map((v) => {
    for (const k of KINKS) if (Math.abs(v - k) < 1e-3) return v + 0.01;
    return v;
  });
  for (const [name, op] of FLAT_OPS) {
    const x = torch.tensor(base, { dtype: "float64" }).requiresGrad_();
    assert.ok(torch.autograd.gradcheck(op, [x]), name);
  }
});

test("activations: in-place forms match the out-of-place ones and keep autograd", () => {
  const xs = data(1001, 3);
  const pairs: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ["leaky_relu", (t) => F.leakyRelu(t, 0.2), (t) => F.leakyRelu(t, 0.2, { inplace: true })],
    ["leaky_relu_", (t) => F.leakyRelu(t, 0.3), (t) => F.leakyRelu_(t, 0.3)],
    ["elu_", (t) => F.elu(t, 0.7), (t) => F.elu_(t, 0.7)],
    ["elu inplace", (t) => F.elu(t), (t) => F.elu(t, 1, true)],
    ["selu_", (t) => F.selu(t), (t) => F.selu_(t)],
    ["celu_", (t) => F.celu(t, 2), (t) => F.celu_(t, 2)],
    ["hardtanh_", (t) => F.hardtanh(t, -2, 2), (t) => F.hardtanh_(t, -2, 2)],
    ["relu6 inplace", (t) => F.relu6(t), (t) => F.relu6(t, true)],
    ["threshold_", (t) => F.threshold(t, 0.1, 5), (t) => F.threshold_(t, 0.1, 5)],
    ["hardswish inplace", (t) => F.hardswish(t), (t) => F.hardswish(t, true)],
    ["hardsigmoid inplace", (t) => F.hardsigmoid(t), (t) => F.hardsigmoid(t, true)],
    ["mish inplace", (t) => F.mish(t), (t) => F.mish(t, true)],
  ];
  for (const dt of DTS) {
    for (const [what, outOfPlace, inPlace] of pairs) {
      const want = forwardBackward((t) => outOfPlace(t.mul(1)), xs, dt);
      const got = forwardBackward((t) => { const u = t.mul(1); const r = inPlace(u); assert.equal(r, u, `${what} returns its input`); return r; }, xs, dt);
      close(got.y, want.y, dt, `${what} ${dt} forward`);
      close(got.grad, want.grad, dt, `${what} ${dt} grad`);
    }
  }
});

test("prelu: one weight runs leaky_relu's kernels; weight gradients and double backward stay exact", () => {
  const xs = data(777, 5);
  for (const dt of DTS) {
    const run = (w0: number) => {
      const x = torch.tensor(xs, { dtype: dt }).requiresGrad_(), w = torch.full([1], w0, { dtype: dt }).requiresGrad_();
      const y = F.prelu(x, w);
      assert.equal(y.gradFn?.name(), "PreluKernelBackward0");
      const [gx, gw] = torch.autograd.grad([y.mul(y).sum()], [x, w], { createGraph: true });
      const [ggw] = torch.autograd.grad([gx!.sum()], [w]);
      return { y: y.detach(), gx: gx!.detach(), gw: gw!.detach(), ggw: ggw! };
    };
    const [a, b] = skipReason ? [run(0.3), run(0.3)] : nativeAndJs(() => run(0.3));
    for (const k of ["y", "gx", "gw", "ggw"] as const) close(a[k], b[k], dt, `prelu ${dt} ${k}`);
    // d/dw of sum(d(y^2)/dx) = sum over x < 0 of 4 w x.
    const want = xs.filter((v) => !(v > 0)).reduce((s, v) => s + 4 * 0.3 * v, 0);
    assert.ok(Math.abs(values(a.ggw)[0]! - want) <= 1e-4 * Math.abs(want), `prelu ${dt} double backward`);
  }
});

test("prelu: a weight per channel runs the native kernels on every layout", () => {
  const shapes = [[4, 3], [64, 5], [2, 3, 50], [2, 4, 7, 11], [3, 16, 33, 33]];
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1), xs = data(n, n);
    for (const dt of DTS) {
      const run = () => {
        const x = torch.tensor(xs, { dtype: dt }).reshape(shape).requiresGrad_();
        const w = torch.linspace(-1, 2, shape[1]!, { dtype: dt }).requiresGrad_();
        const y = F.prelu(x, w);
        y.mul(y).sum().backward();
        return { y: y.detach(), gx: x.grad!, gw: w.grad! };
      };
      const [a, b] = skipReason ? [run(), run()] : nativeAndJs(run);
      for (const k of ["y", "gx", "gw"] as const) close(a[k], b[k], dt, `prelu [${shape}] ${dt} ${k}`, k === "gw");
    }
  }
  const x = torch.tensor(data(150, 9).map((v) => (Math.abs(v) < 1e-3 ? v + 0.01 : v)), { dtype: "float64" }).reshape(2, 3, 25).requiresGrad_();
  const w = torch.tensor([0.3, -0.7, 1.2], { dtype: "float64" }).requiresGrad_();
  assert.ok(torch.autograd.gradcheck((a, b) => F.prelu(a, b), [x, w]), "prelu per channel gradcheck");
});

test("activations: nn modules give the functional results", () => {
  const x = torch.tensor(data(515, 11), { dtype: "float32" });
  type Activation = torch.nn.Module & { forward(t: Tensor): Tensor };
  const cases: [Activation, Tensor][] = [
    [new torch.nn.GELU(), F.gelu(x)], [new torch.nn.GELU("tanh"), F.gelu(x, { approximate: "tanh" })],
    [new torch.nn.ELU(0.5), F.elu(x, 0.5)], [new torch.nn.Softplus(2, 5), F.softplus(x, 2, 5)], [new torch.nn.Mish(), F.mish(x)],
    [new torch.nn.LeakyReLU(0.1), F.leakyRelu(x, 0.1)], [new torch.nn.Hardswish(), F.hardswish(x)], [new torch.nn.SELU(), F.selu(x)],
    [new torch.nn.PReLU(), F.leakyRelu(x, 0.25)],
  ];
  for (const [m, want] of cases) close(m.call(x) as Tensor, want, "float32", m.constructor.name);
  const perChannel = new torch.nn.PReLU(5, 0.1), x2 = x.reshape(103, 5);
  close(perChannel.call(x2), F.leakyRelu(x2, 0.1), "float32", "PReLU(5)");
});

test("activations: the native wrapper checks its arguments", { skip: skipReason }, () => {
  const x = new Float32Array(16), y = new Float32Array(16), d = new Float64Array(16);
  assert.throws(() => activationForward("nope" as "gelu", [], x, y), /unknown op/);
  assert.throws(() => activationForward("softplus", [1], x, y), /takes 2 numeric parameters/);
  assert.throws(() => activationForward("gelu", [], x, d as unknown as Float32Array), /x is a Float32Array, out a Float64Array/);
  assert.throws(() => activationForward("gelu", [], x, y, 17), /past its length/);
  assert.throws(() => activationForward("gelu", [], x, x.subarray(1), 8), /partially overlaps x/);
  assert.throws(() => activationBackward("gelu", [], x, y, y.subarray(2), 8), /partially overlaps x/);
  assert.throws(() => activationForward("gelu", [], x, y, -1), /non-negative integer/);
  activationForward("gelu", [], x, x);  // in place is allowed
  activationBackward("elu", [1, 1, 1], y, x, y);
});

test("relu: -0 and NaN of either sign kept, negatives zeroed, the gradient zero where the output is ±0 (PyTorch 1.13's values), small and large, in place too", () => {
  // torch.relu(x) and x.grad for y.backward(arange(1, 13)) in PyTorch 1.13.
  const x = [0, -0, 1, -1, NaN, -NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38];
  const want = [0, -0, 1, 0, NaN, NaN, Infinity, 0, 1e-45, 0, 3.4e38, 0]; // float32: PyTorch printed 1.4013e-45, 3.4e38 rounded
  const wantGrad = [0, 0, 3, 0, 5, 6, 7, 0, 9, 0, 11, 0];
  for (const dtype of DTS) {
    for (const reps of [1, 9000]) { // 12 elements take the JS loops, 108000 the native kernels where loaded
      const data = Array.from({ length: reps }, () => x).flat();
      const input = torch.tensor(data, { dtype, requiresGrad: true });
      const y = F.relu(input);
      y.backward(torch.arange(1, 13, { dtype }).repeat(reps));
      const got = y.detach().tolist() as number[], grad = input.grad!.tolist() as number[];
      const inPlace = torch.tensor(data, { dtype }).relu_().tolist() as number[];
      for (const k of [0, (reps - 1) * 12]) {
        for (let i = 0; i < 12; i++) {
          const w = dtype === "float32" ? Math.fround(want[i]!) : want[i]!;
          assert.ok(Object.is(got[k + i], w) || (Number.isNaN(w) && Number.isNaN(got[k + i])), `${dtype} x${reps} relu(${x[i]}) = ${got[k + i]}, PyTorch ${w}`);
          assert.ok(Object.is(inPlace[k + i], got[k + i]) || Number.isNaN(got[k + i]), `${dtype} x${reps} relu_(${x[i]}) = ${inPlace[k + i]}`);
          assert.equal(grad[k + i], wantGrad[i], `${dtype} x${reps} relu'(${x[i]})`);
        }
      }
    }
  }
});
