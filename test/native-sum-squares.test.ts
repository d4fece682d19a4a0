// The fused sum of squares behind x.norm(): the same bits as squaring then summing natively, over
// sizes around the cascade's chunks (64 Ki values) and the from-memory threshold (2 Mi values).

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import * as native from "../src/backends/native/index.js";
import { DTYPES, filled, rng, skipReason } from "../src/backends/native/test-support.js";

const SIZES = [1, 15, 513, 16384, 65535, 65536, 65537, 3 * 65536 + 5, (1 << 21) + 3];

test("native sumSquares: reduceAll('sum') of the squared values, bit for bit, any thread count", { skip: skipReason }, () => {
  const threads = native.getNumThreads();
  try {
    for (const n of [1, 2]) {
      native.setNumThreads(n);
      for (const ctor of DTYPES) {
        let seed = 3;
        for (const size of SIZES) {
          const x = filled(ctor, size + 2, rng(seed++), 8);
          const squared = x.map((v) => v * v);
          const want = native.reduceAll("sum", squared, size, 2);
          assert.ok(Object.is(native.sumSquares(x, size, 2), want), `${n} threads ${ctor.name} n=${size}`);
        }
      }
    }
  } finally {
    native.setNumThreads(threads);
  }
  assert.equal(native.sumSquares(new Float32Array(0)), 0);
  assert.throws(() => native.sumSquares(new Float32Array(4), 4, 1), /x/);
});

test("x.norm() of a whole contiguous tensor: the bits of x.square().sum().sqrt()", { skip: skipReason }, () => {
  for (const dtype of [torch.float32, torch.float64]) {
    for (const rows of [16, 257, 2049]) {
      const x = torch.randn(rows + 1, 1024, { dtype }).narrow(0, 1, rows); // contiguous, with an offset
      const want = x.square().sum().sqrt();
      for (const got of [x.norm(), x.norm(2, [0, 1]), x.norm("fro"), x.norm(2, null, true)]) {
        assert.ok(Object.is(got.item(), want.item()), `${dtype.name} ${rows}x1024: ${got.item()} vs ${want.item()}`);
      }
      assert.deepEqual(x.norm(2, null, true).shape, [1, 1]);
    }
  }
});
