// The native cumulative sum against the JS formula (double accumulation, rounded at every step):
// bit for bit, over row counts around the eight-rows-at-once groups, inner widths around the
// accumulator blocks, offsets and thread counts.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as native from "../src/backends/native/index.js";
import { DTYPES, filled, rng, skipReason, type Ctor } from "../src/backends/native/test-support.js";

function cumsumReference(ctor: Ctor, x: ArrayLike<number>, xOff: number, outer: number, size: number, inner: number): Float32Array | Float64Array {
  const out = new ctor(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0; k < size; k++) {
        const at = (o * size + k) * inner + i;
        acc += x[xOff + at]!;
        out[at] = acc;
      }
    }
  }
  return out;
}

test("native cumsum: the JS loop's double accumulation, bit for bit", { skip: skipReason }, () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 1], [7, 5, 1], [8, 3, 1], [17, 100, 1], [1000, 1000, 1], [3, 1, 700],
    [1, 4, 513], [2, 33, 1100], [5, 7, 3], [1, 1000, 1000], [0, 4, 2], [3, 0, 2],
  ];
  const threads = native.getNumThreads();
  try {
    for (const n of [1, 2]) {
      native.setNumThreads(n);
      for (const ctor of DTYPES) {
        let seed = 7;
        for (const [outer, size, inner] of shapes) {
          const rand = rng(seed++);
          const xOff = 3;
          const x = filled(ctor, xOff + outer * size * inner, rand, 1);
          // Magnitudes far apart, so that a sum in another order or precision rounds differently.
          for (let i = 0; i < x.length; i++) x[i] = (x[i]! - 0.5) * 2 ** Math.floor(rand() * 40 - 20);
          const want = cumsumReference(ctor, x, xOff, outer, size, inner);
          const out = new ctor(outer * size * inner + 2).fill(-1);
          native.cumsum(x, out, outer, size, inner, xOff, 1);
          assert.equal(out[0], -1, "writes nothing before the output");
          assert.equal(out[out.length - 1], -1, "writes nothing after the output");
          for (let i = 0; i < want.length; i++) {
            if (!Object.is(out[i + 1], want[i])) assert.fail(`${n} threads ${ctor.name} [${outer}, ${size}, ${inner}] at ${i}: got ${out[i + 1]}, want ${want[i]}`);
          }
        }
      }
    }
  } finally {
    native.setNumThreads(threads);
  }
});

test("native cumsum: rejects mixed dtypes, short arrays and overlapping operands", { skip: skipReason }, () => {
  const x = new Float32Array(12);
  assert.throws(() => native.cumsum(x, new Float64Array(12) as unknown as Float32Array, 3, 4, 1), /Float64Array/);
  assert.throws(() => native.cumsum(x, new Float32Array(11), 3, 4, 1), /out/);
  assert.throws(() => native.cumsum(x, new Float32Array(12), 3, 4, 1, 1), /x/);
  assert.throws(() => native.cumsum(x, new Float32Array(x.buffer, 8, 10), 2, 5, 1), /overlaps/);
  assert.throws(() => native.cumsum(x, new Float32Array(12), -1, 4, 1), /outer/);
});
