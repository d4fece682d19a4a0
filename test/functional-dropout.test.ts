// F.dropout family: parity with PyTorch's CPU masks under the same seeds (values recorded from
// PyTorch), channel masks, alpha dropout, inplace forms, p = 0 / 1, eval mode, gradients, bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const F = torch.nn.functional;

test("dropout: the same masks and values as PyTorch under the same seed", () => {
  torch.manualSeed(14);
  assert.deepEqual(F.dropout(torch.ones(20), { p: 0.5, training: true }).tolist(),
    [0, 2, 0, 2, 2, 2, 0, 0, 2, 2, 0, 0, 0, 2, 0, 2, 0, 2, 0, 0]);
  torch.manualSeed(3);
  const x = torch.arange(1, 13).float().reshape(3, 4);
  // float32: x * fround(mask / fround(1 - p)), bit for bit.
  assert.deepEqual(F.dropout(x, { p: 0.3 }).tolist(), [
    [1.4285714626312256, 2.857142925262451, 0, 5.714285850524902],
    [0, 8.571428298950195, 10, 11.428571701049805],
    [12.85714340209961, 0, 15.714285850524902, 17.14285659790039],
  ]);
  assert.deepEqual(F.dropout(x.double(), { p: 0.3 }).tolist(), [
    [1.4285714285714286, 2.857142857142857, 0, 5.714285714285714],
    [7.142857142857143, 8.571428571428571, 0, 11.428571428571429],
    [12.857142857142858, 14.285714285714286, 15.714285714285715, 17.142857142857142],
  ]);
  assert.deepEqual(F.dropout2d(torch.ones(2, 3, 2, 2), { p: 0.4 }).reshape(2, 3, 4).get(":", ":", 0).tolist(),
    [[1.6666666269302368, 1.6666666269302368, 1.6666666269302368], [1.6666666269302368, 1.6666666269302368, 0]]);
  assert.deepEqual(F.dropout1d(torch.ones(3, 2), { p: 0.4 }).get(":", 0).tolist(), [0, 1.6666666269302368, 1.6666666269302368]);
  assert.deepEqual(F.alphaDropout(torch.ones(6).mul(0.5), { p: 0.2, training: true }).tolist(),
    [0.7484917640686035, 0.7484917640686035, -1.2361598014831543, 0.7484917640686035, 0.7484917640686035, 0.7484917640686035]);
  assert.deepEqual(F.featureAlphaDropout(torch.ones(2, 3, 2), { p: 0.2, training: true }).get(":", ":", 0).tolist(),
    [[-1.2361598014831543, 1.187943458557129, 1.187943458557129], [1.187943458557129, 1.187943458557129, 1.187943458557129]]);
});

test("dropout: channel masks are constant over the spatial dims; unbatched inputs draw like a batch of one", () => {
  torch.manualSeed(7);
  const y = F.dropout3d(torch.ones(2, 4, 2, 2, 3), { p: 0.5 });
  const flat = y.reshape(2, 4, 12);
  for (let n = 0; n < 2; n++) for (let c = 0; c < 4; c++) {
    const row = flat.get(n, c).tolist() as number[];
    assert.ok(row.every((v) => v === row[0]), "one value per channel");
  }
  torch.manualSeed(7);
  const a = F.dropout1d(torch.ones(5, 3), { p: 0.5 });
  torch.manualSeed(7);
  const b = F.dropout1d(torch.ones(1, 5, 3), { p: 0.5 }).squeeze(0);
  assert.deepEqual(a.tolist(), b.tolist());
});

test("dropout: eval mode and p = 0 return the input itself; p = 1 zeroes; inplace writes the input", () => {
  const x = torch.randn(3, 4);
  assert.equal(F.dropout(x, { p: 0.5, training: false }), x);
  assert.equal(F.dropout(x, 0), x);
  assert.equal(F.alphaDropout(x, 0.5), x, "alpha_dropout defaults to training=False");
  assert.deepEqual(F.dropout(x, 1).abs().tolist(), torch.zeros(3, 4).tolist());
  const y = x.clone();
  torch.manualSeed(1);
  const r = F.dropout(y, { p: 0.5, inplace: true });
  torch.manualSeed(1);
  const ref = F.dropout(x, 0.5);
  assert.equal(r, y);
  assert.deepEqual(y.tolist(), ref.tolist());
  const z = torch.ones(4, 3);
  torch.manualSeed(2);
  F.dropout1d(z, { p: 0.5, inplace: true });
  torch.manualSeed(2);
  assert.deepEqual(z.tolist(), F.dropout1d(torch.ones(4, 3), 0.5).tolist());
  const leaf = torch.ones(3, { requiresGrad: true });
  assert.throws(() => F.dropout(leaf, { p: 0.5, inplace: true }), /a leaf Variable that requires grad is being used in an in-place operation/);
});

test("dropout: the gradient is the mask scaled by 1 / (1 - p); half inputs keep their dtype", () => {
  const x = torch.randn(50, { dtype: "float64", requiresGrad: true });
  torch.manualSeed(11);
  const y = F.dropout(x, 0.25);
  y.sum().backward();
  const kept = y.detach().ne(0);
  assert.deepEqual(x.grad!.tolist(), kept.double().mul(1 / 0.75).tolist());
  torch.manualSeed(4);
  const h = F.dropout(torch.ones(8, { dtype: "float16" }), 0.3);
  torch.manualSeed(4);
  const f = F.dropout(torch.ones(8), 0.3);
  assert.equal(h.dtype, torch.float16);
  assert.deepEqual(h.tolist(), f.half().tolist());
});

test("dropout rejects bad input in PyTorch's words", () => {
  assert.throws(() => F.dropout(torch.ones(3), 1.5), /dropout probability has to be between 0 and 1, but got 1.5/);
  assert.throws(() => F.dropout1d(torch.ones(2, 3, 4, 5)), /dropout1d: Expected 2D or 3D input, but received a 4D input/);
  assert.throws(() => F.featureAlphaDropout(torch.ones(3), { p: 0.5, training: true }), /Feature dropout requires at least 2 dimensions in the input/);
  assert.throws(() => F.dropout(3 as unknown as torch.Tensor), /argument 'input' \(position 1\) must be Tensor, not int/);
});
