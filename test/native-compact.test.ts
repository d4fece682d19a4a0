// nonzero, masked_select and x[mask] through the native compaction against the JS loops: dtypes
// (NaN and -0 among floats), dims 1 to 5, non-contiguous inputs, broadcast masks, sizes across
// the 65536-element chunks, all-false and all-true masks, gradients; the wrappers' checks.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../src/index.js";
import type { Tensor } from "../src/core/tensor.js";
import { compactElements, countSelected, nonzeroCoordinates } from "../src/backends/native/compact.js";
import { nativeAndJs, rng, skipReason } from "../src/backends/native/test-support.js";
import { assertSameElements as same } from "./support/same-elements.js";


/** Seeded floats with about `share` of them zero (some -0), a few NaN. */
function sparse(shape: number[], share: number, seed: number): Tensor {
  const r = rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => {
    const u = r() + 0.5;
    if (u < share) return u < share / 2 ? -0 : 0;
    return u > 0.999 ? NaN : r();
  });
  return torch.tensor(v).reshape(shape);
}

test("native nonzero matches the JS loop", { skip: skipReason }, () => {
  let seed = 1;
  for (const shape of [[70001], [300, 250], [7, 9, 11, 13], [2, 3, 40, 5, 60], [131073]]) {
    for (const share of [0, 0.5, 0.999, 1]) {
      const x = sparse(shape, share, seed++);
      const inputs: [string, Tensor][] = [["float32", x], ["float64", x.double()], ["bool", x.ne(0)], ["int32", x.mul(3).int()],
        ["int64", x.mul(3).long()], ["uint8", x.ne(0).to(torch.uint8)], ["float16", x.half()]];
      if (shape.length >= 2) inputs.push(["transposed", x.transpose(0, 1)]);
      for (const [name, t] of inputs) {
        const what = `${name} [${shape}] zeros ${share}`;
        const [a, b] = nativeAndJs(() => t.nonzero());
        same(a, b, `nonzero ${what}`);
        const [p, q] = nativeAndJs(() => torch.argwhere(t));
        same(p, q, `argwhere ${what}`);
        if (name === "bool") {
          const [c, d] = nativeAndJs(() => torch.nonzero(t, { asTuple: true }));
          c.forEach((col, i) => same(col, d[i]!, `nonzero asTuple ${what} dim ${i}`));
        }
      }
    }
  }
});

test("native masked_select and x[mask] match the JS loops", { skip: skipReason }, () => {
  let seed = 100;
  for (const shape of [[70001], [300, 250], [6, 50, 41]]) {
    for (const share of [0, 0.5, 1]) {
      const x = sparse(shape, 0.1, seed++);
      const mask = sparse(shape, share, seed++).ne(0);
      const inputs: [string, Tensor][] = [["float32", x], ["float64", x.double()], ["int64", x.mul(100).long()], ["bool", x.gt(0.5)],
        ["float16", x.half()], ["int8", x.mul(100).to(torch.int8)], ["transposed", x.transpose(0, -1).contiguous().transpose(0, -1)]];
      for (const [name, t] of inputs) {
        const what = `${name} [${shape}] mask zeros ${share}`;
        const [a, b] = nativeAndJs(() => t.maskedSelect(mask));
        same(a, b, `masked_select ${what}`);
        const [c, d] = nativeAndJs(() => t.get(mask));
        same(c, d, `x[mask] ${what}`);
      }
      // A mask broadcast along the first dim, and an input broadcast against a larger mask.
      if (shape.length >= 2) {
        const row = mask.select(0, 0);
        const [a, b] = nativeAndJs(() => x.maskedSelect(row));
        same(a, b, `masked_select broadcast mask [${shape}]`);
        const [c, d] = nativeAndJs(() => x.select(0, 1).maskedSelect(mask));
        same(c, d, `masked_select broadcast input [${shape}]`);
      }
    }
  }
  // Gradients: masked_select and x[mask] scatter back into the masked positions.
  torch.manualSeed(4);
  const x = torch.randn(80, 90), mask = x.gt(0.3), w = torch.randn(x.shape);
  const [ga, gb] = nativeAndJs(() => {
    const xi = x.detach().requiresGrad_();
    xi.maskedSelect(mask).mul(w.maskedSelect(mask)).sum().backward();
    const xj = x.detach().requiresGrad_();
    xj.get(mask).square().sum().backward();
    return [xi.grad!, xj.grad!];
  });
  same(ga[0]!, gb[0]!, "masked_select gradient");
  same(ga[0]!, torch.where(mask, w, torch.zeros([])), "masked_select gradient by definition");
  same(ga[1]!, gb[1]!, "x[mask] gradient");
});

test("nonzero and masked_select keep PyTorch's row-major order (any backend)", () => {
  const x = torch.zeros(200, 300);
  x.storage.data[299] = 1; x.storage.data[300] = -0; x.storage.data[300 * 150 + 7] = NaN; x.storage.data[59999] = 2;
  assert.deepEqual(x.nonzero().tolist(), [[0, 299], [150, 7], [199, 299]]);
  assert.deepEqual(x.maskedSelect(x.ne(0)).tolist(), [1, NaN, 2]);
  assert.deepEqual(x.get(x.ne(0)).tolist(), [1, NaN, 2]);
  assert.deepEqual(x.gt(5).nonzero().shape, [0, 2]);
});

test("native compaction wrappers check their arguments", { skip: skipReason }, () => {
  const mask = Uint8Array.of(1, 0, 2, 0, 1), src = Float32Array.of(1, 2, 3, 4, 5);
  assert.equal(countSelected(mask, 5), 3);
  const out = new Float32Array(3);
  compactElements(mask, src, out, 5);
  assert.deepEqual(Array.from(out), [1, 3, 5]);
  assert.throws(() => compactElements(mask, src, new Float32Array(2), 5), /out holds 2 elements, 3 needed/);
  assert.throws(() => compactElements(mask, src, new Float64Array(3) as unknown as Float32Array, 5), /expected out to be a Float32Array/);
  assert.throws(() => compactElements(mask, src, src.subarray(2), 5), /out overlaps src or mask/);
  assert.throws(() => countSelected(mask, 6), /mask holds 5 bytes, 6 needed/);
  const coords = new BigInt64Array(6);
  nonzeroCoordinates(mask, [5], coords);
  assert.deepEqual(Array.from(coords.subarray(0, 3)), [0n, 2n, 4n]);
  assert.throws(() => nonzeroCoordinates(mask, [5], new BigInt64Array(2)), /out holds 2 elements, 3 needed/);
  assert.throws(() => nonzeroCoordinates(mask, [], coords), /expected 1 to 16 dims/);
});
