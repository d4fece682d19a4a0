// The native strided copy (native/copy_strided.cc) behind contiguous(), clone() of views and
// copy_: every dtype's bytes moved through transposes, permutes, flips, slices and broadcasts,
// the same on every ISA and thread count, and the wrapper's refusals.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import * as native from "../src/backends/native/index.js";
import { forEachIsa, skipReason } from "../src/backends/native/test-support.js";

type Tensor = torch.Tensor;
const DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"] as const;

/** The elements of t in row-major order, read from its storage through its strides. */
function readStrided(t: Tensor): unknown[] {
  const out: unknown[] = [];
  const data = t.storage.data as unknown as ArrayLike<unknown>;
  const shape = t.shape, strides = t.stride();
  const idx = new Array<number>(shape.length).fill(0);
  const n = t.numel();
  for (let k = 0; k < n; k++) {
    let p = t._offset;
    for (let d = 0; d < shape.length; d++) p += idx[d]! * strides[d]!;
    out.push(data[p]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function source(dtype: (typeof DTYPES)[number], shape: number[]): Tensor {
  const x = torch.randn(shape).mul(50);
  return dtype === "bool" ? x.gt(0) : x.to(dtype);
}

const VIEWS: [string, number[], (x: Tensor) => Tensor][] = [
  ["2-d transpose (edges)", [67, 45], (x) => x.t()],
  ["2-d transpose (whole blocks)", [64, 128], (x) => x.t()],
  ["attention heads permute(0, 2, 1, 3)", [3, 33, 4, 20], (x) => x.permute(0, 2, 1, 3)],
  ["NCHW -> NHWC", [2, 19, 9, 17], (x) => x.permute(0, 2, 3, 1)],
  ["NHWC -> NCHW", [2, 9, 17, 19], (x) => x.permute(0, 3, 1, 2)],
  ["RGB NCHW -> NHWC (rows of 3)", [2, 3, 9, 17], (x) => x.permute(0, 2, 3, 1)],
  ["transpose of a slice with an offset", [40, 50], (x) => x.get("3:37", "5:").t()],
  ["flip of both dims", [30, 70], (x) => x.flip([0, 1])],
  ["broadcast (expand)", [1, 300], (x) => x.expand(20, 300).t()],
  ["every other column", [50, 200], (x) => x.get(":", "::2")],
];

test("contiguous() of strided views moves every dtype's elements exactly, on every ISA and thread count", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  try {
    for (const dtype of DTYPES) {
      for (const [what, shape, view] of VIEWS) {
        torch.manualSeed(5);
        const v = view(source(dtype, shape));
        const want = readStrided(v);
        forEachIsa((isa) => {
          for (const t of [1, 2]) {
            native.setNumThreads(t);
            const got = v.contiguous();
            assert.ok(got.isContiguous());
            assert.equal(got.dtype.name, dtype);
            assert.deepEqual(got.shape, v.shape);
            const g = readStrided(got);
            for (let i = 0; i < want.length; i++) {
              if (!Object.is(g[i], want[i])) assert.fail(`${dtype} ${what} (${isa}, ${t} threads): element ${i} is ${String(g[i])}, want ${String(want[i])}`);
            }
          }
        });
      }
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("copy_ from a transposed tensor of the same dtype, and NaN / -0 bits kept", { skip: skipReason }, () => {
  const x = torch.tensor([[NaN, -0, 1], [Infinity, -Infinity, 2]]).repeat(40, 30);
  const dst = torch.empty(90, 80);
  dst.copy_(x.t());
  assert.deepEqual(readStrided(dst), readStrided(x.t()).map((v) => v));
  assert.ok(Object.is(dst.get(1, 0).item(), -0));
});

test("native.copyStrided refuses mismatched types, overlaps and spans past the end", { skip: skipReason }, () => {
  const a = new Float32Array(100), b = new Int32Array(100);
  assert.throws(() => native.copyStrided([10, 10], { data: a as unknown as Int32Array, strides: [1, 10] }, b), /both must have one type/);
  assert.throws(() => native.copyStrided([5, 10], { data: a, strides: [1, 5] }, a.subarray(20)), /out overlaps src/);
  assert.throws(() => native.copyStrided([10, 11], { data: a, strides: [1, 10] }, new Float32Array(110)), /past its length/);
  assert.throws(() => native.copyStrided([10, 10], { data: a, strides: [1] }, new Float32Array(100)), /expected 2 strides/);
  const out = new Float32Array(100);
  a.forEach((_, i) => { a[i] = i; });
  native.copyStrided([10, 10], { data: a, offset: 99, strides: [-1, -10] }, out);
  assert.equal(out[0], 99);
  assert.equal(out[1], 89);
  assert.equal(out[10], 98);
});
