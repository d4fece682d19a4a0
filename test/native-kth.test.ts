// kthvalue/median/nanmedian through the native kthAlong against the JS definitions (the stable
// order: NaN last, ties by index) on every dim, dtype, view, with NaN, +-inf, -0 and ties; PyTorch's
// values (its indices among ties are implementation-defined, ours the stable order's); the
// wrapper's checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { kthAlong } from "../src/backends/native/kth-select.js";
import { forEachIsa, nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";
import { assertSameElements as same } from "./support/same-elements.js";


function make(shape: number[], dt: "float32" | "float64" | "int32", nanShare: number, seed: number): Tensor {
  const r = rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => {
    const u = r() + 0.5;
    if (dt === "int32") return Math.round(r() * 20);
    if (u < nanShare) return NaN;
    if (u > 0.97) return u > 0.985 ? Infinity : -Infinity;
    if (u > 0.6) return [-0, 0, 1, -1][Math.floor(u * 40) % 4]!;
    return Math.round(r() * 16) / 4;
  });
  return torch.tensor(v, { dtype: dt }).reshape(shape);
}

test("native kthvalue/median/nanmedian match the JS definitions", { skip: skipReason }, () => {
  forEachIsa((isa) => {
    let seed = 1;
    for (const dt of ["float32", "float64", "int32"] as const) {
      for (const nanShare of dt === "int32" ? [0] : [0, 0.02, 0.9]) {
        const base = make([24, 33, 17], dt, nanShare, seed++);
        for (const [view, x] of [["contiguous", base], ["transposed", base.transpose(0, 2)]] as const) {
          for (const d of [0, 1, 2]) {
            const what = `${isa} ${dt} nan ${nanShare} ${view} dim ${d}`;
            for (const op of ["median", "nanmedian"] as const) {
              const [a, b] = nativeAndJs(() => x[op](d) as { values: Tensor; indices: Tensor });
              same(a.values, b.values, `${op} values ${what}`);
              same(a.indices, b.indices, `${op} indices ${what}`);
            }
            for (const k of [1, 2, Math.ceil(x.shape[d]! / 2), x.shape[d]!]) {
              const [a, b] = nativeAndJs(() => x.kthvalue(k, d, true));
              same(a.values, b.values, `kthvalue(${k}) values ${what}`);
              same(a.indices, b.indices, `kthvalue(${k}) indices ${what}`);
            }
          }
          const [m, n] = nativeAndJs(() => [x.median(), x.nanmedian() as Tensor]);
          same(m[0]!, n[0]!, `median() ${isa} ${dt} ${view}`);
          same(m[1]!, n[1]!, `nanmedian() ${isa} ${dt} ${view}`);
        }
      }
    }
  });
});

test("kthvalue/median/nanmedian: PyTorch's values, NaN last, the lower median, gradients", () => {
  const rows = [[NaN, 1, 2, NaN, 0], [3, -0, 0, 3, 1], [NaN, NaN, NaN, NaN, NaN], [2, 2, 1, 1, Infinity]];
  // Repeated so that the native path runs too (the JS one runs under TORCH_TS_BACKEND=js).
  const x = torch.tensor(rows).repeat(80, 1);
  const want: Record<string, number[]> = {
    kth1: [0, -0, NaN, 1], kth3: [2, 1, NaN, 2], kth4: [NaN, 3, NaN, 2], kth5: [NaN, 3, NaN, Infinity],
    median: [NaN, 1, NaN, 2], nanmedian: [1, 1, NaN, 2],
  };
  const check = (name: string, r: { values: Tensor; indices: Tensor }) => {
    const v = r.values.tolist() as number[], idx = r.indices.tolist() as number[];
    for (let i = 0; i < 4; i++) assert.ok(Object.is(v[i], want[name]![i]), `${name}[${i}]: ${v[i]} vs ${want[name]![i]}`);
    // The index points at the value (NaN at a NaN).
    for (let i = 0; i < v.length; i++) assert.ok(Object.is(rows[i % 4]![idx[i]!], v[i]), `${name} index ${i}`);
  };
  for (const k of [1, 3, 4, 5]) check(`kth${k}`, x.kthvalue(k, 1));
  check("median", x.median(1));
  check("nanmedian", x.nanmedian(1) as { values: Tensor; indices: Tensor });
  // No NaN: ties give the stable order's index; an even count gives the lower median.
  const y = torch.tensor([5, 1, 4, 1, 4, 9, 4, 2]).float().repeat(40);
  const med = y.median(0);
  assert.equal(med.values.item(), 4);
  // 120 values below 4 (1s and 2s); position 159 is the 40th 4 by index: 8 * 13 + 2.
  assert.equal(med.indices.item(), 106);
  const g = torch.randn(50, 40).requiresGrad_();
  const r = g.median(1);
  r.values.sum().backward();
  assert.deepEqual(g.grad!.sum(1).tolist(), new Array(50).fill(1));
  assert.deepEqual(g.grad!.gather(1, r.indices.unsqueeze(1)).reshape(-1).tolist(), new Array(50).fill(1));
});

test("native kthAlong checks its arguments", { skip: skipReason }, () => {
  const x = new Float32Array(12), v = new Float32Array(4), i = new BigInt64Array(4);
  assert.throws(() => kthAlong("kth", x, v, i, 2, 6, 2, 6), /k = 6 is out of range/);
  assert.throws(() => kthAlong("median", x, v, i, 2, 7, 1), /past its length/);
  assert.throws(() => kthAlong("median", x, new Float64Array(4) as unknown as Float32Array, i, 2, 6, 1), /expected values to be a Float32Array/);
  assert.throws(() => kthAlong("median", x, x.subarray(0, 2), i, 2, 6, 1), /values and x overlap/);
  assert.throws(() => kthAlong("bogus" as "kth", x, v, i, 2, 6, 1), /unknown mode/);
  kthAlong("median", Float32Array.of(3, 1, 2, NaN, 5, 4), v, i, 2, 3, 1);
  assert.deepEqual([Array.from(v.subarray(0, 2)), Array.from(i.subarray(0, 2))], [[2, NaN], [2n, 0n]]);
});
