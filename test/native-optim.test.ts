// Native fused Adam/AdamW and SGD steps against torch.optim's per-element formulas in double,
// over several steps and every option, on every ISA the CPU runs.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as native from "../src/backends/native/index.js";
import { DTYPES, filled, forEachIsa, mismatch, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

type FloatArray = Float32Array | Float64Array;

/** torch.optim.Adam / AdamW (single-tensor path), one element at a time, stored at `ctor` precision. */
function adamReference(
  ctor: Ctor, p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | undefined, h: native.AdamHyper,
): void {
  const r = (x: number): number => (ctor === Float32Array ? Math.fround(x) : x);
  const bc1 = 1 - h.beta1 ** h.step, bc2 = 1 - h.beta2 ** h.step;
  for (let i = 0; i < p.length; i++) {
    let w = p[i]!;
    let grad = h.maximize ? -g[i]! : g[i]!;
    if (h.decoupled) w *= 1 - h.lr * h.weightDecay;
    else grad += h.weightDecay * w;
    m[i] = r(m[i]! + (grad - m[i]!) * (1 - h.beta1));
    v[i] = r(v[i]! * h.beta2 + (1 - h.beta2) * grad * grad);
    let vv = v[i]!;
    if (h.amsgrad) {
      vmax![i] = Math.max(vmax![i]!, v[i]!);
      vv = vmax![i]!;
    }
    const denom = Math.sqrt(vv) / Math.sqrt(bc2) + h.eps;
    p[i] = r(w - (h.lr / bc1) * m[i]! / denom);
  }
}

/** torch.optim.SGD, one element at a time. */
function sgdReference(ctor: Ctor, p: FloatArray, g: FloatArray, buf: FloatArray | undefined, h: native.SgdHyper): void {
  const r = (x: number): number => (ctor === Float32Array ? Math.fround(x) : x);
  const momentum = h.momentum ?? 0, dampening = h.dampening ?? 0, wd = h.weightDecay ?? 0;
  for (let i = 0; i < p.length; i++) {
    let grad = (h.maximize ? -g[i]! : g[i]!) + wd * p[i]!;
    if (momentum !== 0) {
      buf![i] = r(h.firstStep ? grad : momentum * buf![i]! + (1 - dampening) * grad);
      grad = h.nesterov ? grad + momentum * buf![i]! : buf![i]!;
    }
    p[i] = r(p[i]! - h.lr * grad);
  }
}

function tolerances(ctor: Ctor): [number, number] {
  return ctor === Float32Array ? [1e-6, 1e-12] : [1e-14, 1e-300];
}

test("native adamStep: Adam, AdamW, amsgrad, maximize over several steps", { skip: skipReason }, () => {
  const variants: Partial<native.AdamHyper>[] = [
    {},
    { weightDecay: 0.01 },
    { weightDecay: 0.05, decoupled: true },
    { amsgrad: true, weightDecay: 0.01 },
    { maximize: true, amsgrad: true, decoupled: true, weightDecay: 0.1 },
  ];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const [rtol, atol] = tolerances(ctor);
      for (const n of [1, 17, 100_003]) {
        for (const variant of variants) {
          const rand = rng(n + 7);
          const param = filled(ctor, n, rand), expAvg = new ctor(n), expAvgSq = new ctor(n), maxExpAvgSq = new ctor(n);
          const ref = { param: param.slice(), expAvg: new ctor(n), expAvgSq: new ctor(n), maxExpAvgSq: new ctor(n) };
          for (let step = 1; step <= 3; step++) {
            const grad = filled(ctor, n, rand);
            const h: native.AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step, ...variant };
            native.adamStep({ param, grad, expAvg, expAvgSq, maxExpAvgSq }, h);
            adamReference(ctor, ref.param, grad, ref.expAvg, ref.expAvgSq, ref.maxExpAvgSq, h);
            const what = `${isa} ${ctor.name} n=${n} ${JSON.stringify(variant)} step ${step}`;
            for (const [name, got, want] of [
              ["param", param, ref.param], ["expAvg", expAvg, ref.expAvg], ["expAvgSq", expAvgSq, ref.expAvgSq],
              ["maxExpAvgSq", maxExpAvgSq, ref.maxExpAvgSq],
            ] as const) {
              const m = mismatch(got, want, rtol, atol, `${what} ${name}`);
              if (m !== null) assert.fail(m);
            }
          }
        }
      }
    }
  });
});

test("native sgdStep: plain, momentum, dampening, Nesterov, weight decay, maximize", { skip: skipReason }, () => {
  const variants: native.SgdHyper[] = [
    { lr: 0.1 },
    { lr: 0.1, weightDecay: 0.01 },
    { lr: 0.05, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4 },
    { lr: 0.05, momentum: 0.9, nesterov: true },
    { lr: 0.05, momentum: 0.5, maximize: true },
  ];
  forEachIsa((isa) => {
    for (const ctor of DTYPES) {
      const [rtol, atol] = tolerances(ctor);
      for (const n of [1, 17, 100_003]) {
        for (const variant of variants) {
          const rand = rng(n + 3);
          const param = filled(ctor, n, rand), buf = new ctor(n);
          const refParam = param.slice(), refBuf = new ctor(n);
          for (let step = 1; step <= 3; step++) {
            const grad = filled(ctor, n, rand);
            const h: native.SgdHyper = { ...variant, firstStep: step === 1 };
            native.sgdStep({ param, grad, momentumBuffer: buf }, h);
            sgdReference(ctor, refParam, grad, refBuf, h);
            const what = `${isa} ${ctor.name} n=${n} ${JSON.stringify(variant)} step ${step}`;
            assert.equal(mismatch(param, refParam, rtol, atol, `${what} param`), null);
            assert.equal(mismatch(buf, refBuf, rtol, atol, `${what} buffer`), null);
          }
        }
      }
    }
  });
});

test("native optimizer steps: bad arguments throw", { skip: skipReason }, () => {
  const p = new Float32Array(4), g = new Float32Array(4);
  const h: native.AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
  assert.throws(() => native.adamStep({ param: p, grad: g, expAvg: new Float32Array(3), expAvgSq: new Float32Array(4) }, h), /fewer than param's 4/);
  assert.throws(() => native.adamStep({ param: p, grad: g, expAvg: new Float64Array(4) as unknown as Float32Array, expAvgSq: new Float32Array(4) }, h), /Float32Array/);
  assert.throws(() => native.adamStep({ param: p, grad: g, expAvg: p, expAvgSq: new Float32Array(4) }, h), /overlap/);
  assert.throws(() => native.adamStep({ param: p, grad: g, expAvg: new Float32Array(4), expAvgSq: new Float32Array(4) }, { ...h, amsgrad: true }), /maxExpAvgSq/);
  assert.throws(() => native.adamStep({ param: p, grad: g, expAvg: new Float32Array(4), expAvgSq: new Float32Array(4) }, { ...h, step: 0 }), /step must be/);
  assert.throws(() => native.sgdStep({ param: p, grad: g }, { lr: 0.1, momentum: 0.9 }), /momentumBuffer/);
});
