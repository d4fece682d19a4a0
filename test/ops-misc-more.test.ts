// index_reduce, the split/chunk aliases, torch.* forms (detach, constant_pad_nd, fill, range,
// frobenius_norm, nuclear_norm, frombuffer, convolution) and the *_copy functions. Expected values
// and messages recorded from PyTorch 1.13 (the comments give the Python calls).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f64 = (...shape: number[]): T => torch.arange(shape.reduce((a, b) => a * b, 1), { dtype: torch.float64 }).sin().reshape(shape);
const gradcheck = (f: (...xs: T[]) => T, inputs: T[]): void => assert.ok(torch.autograd.gradcheck(f, inputs.map((x) => x.requiresGrad_())), "gradcheck");

describe("index_reduce", () => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]], { dtype: torch.float32 });
  const src = torch.tensor([[2, 3, 4], [5, 6, 7], [0.5, -1, 2]], { dtype: torch.float32 });
  const idx = torch.tensor([0, 2, 0]);
  test("each reduction, with and without self (integers: mean floors)", () => {
    // xi.index_reduce(0, idx, si, red, include_self=inc).tolist()
    const xi = x.long(), si = torch.tensor([[2, 3, 4], [5, 6, 7], [1, -1, 2]]);
    const expected = {
      prod: [[[2, -6, 24], [4, 5, 6], [35, 48, 63], [1, 1, 1]], [[2, -3, 8], [4, 5, 6], [5, 6, 7], [1, 1, 1]]],
      mean: [[[1, 1, 3], [4, 5, 6], [6, 7, 8], [1, 1, 1]], [[1, 1, 3], [4, 5, 6], [5, 6, 7], [1, 1, 1]]],
      amax: [[[2, 3, 4], [4, 5, 6], [7, 8, 9], [1, 1, 1]], [[2, 3, 4], [4, 5, 6], [5, 6, 7], [1, 1, 1]]],
      amin: [[[1, -1, 2], [4, 5, 6], [5, 6, 7], [1, 1, 1]], [[1, -1, 2], [4, 5, 6], [5, 6, 7], [1, 1, 1]]],
    };
    for (const [red, [withSelf, withoutSelf]] of Object.entries(expected)) {
      assert.deepEqual(xi.indexReduce(0, idx, si, red as "prod").tolist(), withSelf, red);
      assert.deepEqual(torch.indexReduce(xi, 0, idx, si, red as "prod", { includeSelf: false }).tolist(), withoutSelf, red);
    }
    // int32 index; a 1-D source along dim 0 of a matrix: each source value broadcast over its row
    assert.deepEqual(x.indexReduce(0, idx.int(), src, "prod").tolist(), [[1, -6, 24], [4, 5, 6], [35, 48, 63], [1, 1, 1]]);
    assert.deepEqual(torch.indexReduce(x, 0, idx, src.get(0), "prod").tolist(), [[8, 16, 24], [4, 5, 6], [21, 24, 27], [1, 1, 1]]);
    assert.deepEqual(torch.indexReduce(x.get(0), 0, idx, src.get(0), "amax").tolist(), [4, 2, 3]);
    const out = torch.zeros(4, 3);
    torch.indexReduce(x, 0, idx, src, "prod", { includeSelf: false, out });
    assert.deepEqual(out.tolist(), [[1, -3, 8], [4, 5, 6], [5, 6, 7], [1, 1, 1]]);
  });
  test("in place: values, version, leaf rule", () => {
    const y = x.clone(), v0 = y._version;
    assert.equal(y.indexReduce_(1, torch.tensor([2, 2]), torch.tensor([[1, 2], [1, 2], [1, 2], [3, 3]], { dtype: torch.float32 }), "amin"), y);
    assert.deepEqual(y.tolist(), [[1, 2, 1], [4, 5, 1], [7, 8, 1], [1, 1, 1]]);
    assert.ok(y._version > v0);
    throwsMsg(() => x.double().requiresGrad_().indexReduce_(0, idx, src.double(), "amax"), "a leaf Variable that requires grad is being used in an in-place operation.");
  });
  test("gradients (IndexReduceBackward0)", () => {
    const a = x.double(), b = src.double();
    assert.equal(a.clone().requiresGrad_().indexReduce(0, idx, b, "prod").gradFn!.name(), "IndexReduceBackward0");
    for (const red of ["prod", "mean", "amax", "amin"] as const) {
      for (const includeSelf of [true, false]) gradcheck((p, q) => p.indexReduce(0, idx, q, red, { includeSelf }), [a.clone(), b.clone()]);
    }
    gradcheck((p, q) => p.mul(1).indexReduce_(1, torch.tensor([1, 1]), q, "mean"), [f64(2, 3), f64(2, 2)]);
  });
  test("errors", () => {
    throwsMsg(() => x.indexReduce(0, idx, src, "sum" as "prod"), "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum.");
    throwsMsg(() => x.indexReduce(0, idx.float(), src, "prod"), "index_reduce_(): Expected dtype int32/int64 for index but got: Float");
    throwsMsg(() => x.indexReduce(0, idx.view(3, 1), src, "prod"), "index_reduce_(): Index is supposed to be a vector, but got dim: 2 with type: Long and size: [3, 1]");
    throwsMsg(() => x.indexReduce(0, idx.get("0:2"), src, "prod"), "index_reduce_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0");
    throwsMsg(() => x.indexReduce(1, idx, src, "prod"), "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0");
    throwsMsg(() => x.indexReduce(0, torch.tensor([0, 5, 0]), src, "prod"), "index out of range in self");
    throwsMsg(() => x.indexReduce(0, torch.tensor([0, -1, 0]), src, "prod"), "index out of range in self");
    throwsMsg(() => x.indexReduce(0, idx, src.double(), "prod"), "index_reduce_(): self (Float) and source (Double) must have the same scalar type");
    throwsMsg(() => torch.indexReduce(x, 0, idx, src, "prod", { out: torch.zeros(4, 3, { dtype: torch.float64 }) }), "Expected out tensor to have dtype float, but got double instead");
  });
});
