// Shape ops: cat/stack family, flip/roll/rot90, repeat/tile/repeat_interleave, tril/triu,
// diag family, meshgrid/broadcast/atleast, unfold, block_diag, combinations, in-place shape
// changes and iteration. Expected values recorded from PyTorch (integer inputs, so exact).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

type T = torch.Tensor;

const a23 = (): T => torch.arange(6).view(2, 3);
const f64 = (shape: number[]): T => torch.randn(shape, { dtype: "float64" }).requiresGrad_();
const vals = (t: T): unknown => t.tolist();

function throwsMsg(f: () => unknown, msg: string): void {
  assert.throws(f, (e: Error) => e.message === msg || e.message.endsWith(": " + msg), `expected error ${msg}`);
}

function gradcheck(f: (...xs: T[]) => T | T[], inputs: T[]): void {
  assert.ok(torch.autograd.gradcheck(f, inputs), "gradcheck");
}

describe("cat and the stack family", () => {
  test("cat: dims, promotion, the legacy empty rule", () => {
    const r = torch.cat([torch.ones(2, 3), torch.zeros(1, 3)]);
    assert.deepEqual(r.shape, [3, 3]);
    assert.deepEqual(vals(torch.cat([a23(), torch.tensor([[9], [9]])], -1)), [[0, 1, 2, 9], [3, 4, 5, 9]]);
    assert.equal(torch.cat([torch.ones(2), torch.ones([2], { dtype: "float64" })]).dtype.name, "float64");
    assert.equal(torch.cat([torch.ones([2], { dtype: "int32" }), torch.ones([2], { dtype: "uint8" })]).dtype.name, "int32");
    assert.deepEqual(torch.cat([torch.ones(2, 3), torch.ones(0)]).shape, [2, 3]);
    assert.deepEqual(torch.cat([torch.ones(0), torch.ones(0)]).shape, [0]);
    assert.deepEqual(torch.concat([torch.ones(2, 1), torch.ones(2, 2)], { dim: 1 }).shape, [2, 3]);
    assert.deepEqual(torch.concatenate([torch.ones(2, 1), torch.ones(2, 2)], { axis: 1 }).shape, [2, 3]);
  });

  test("cat: errors", () => {
    throwsMsg(() => torch.cat([torch.ones(2, 3), torch.ones(2, 4)]), "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.");
    throwsMsg(() => torch.cat([torch.ones(2, 3), torch.ones(2, 3, 1)]), "Tensors must have same number of dimensions: got 2 and 3");
    throwsMsg(() => torch.cat([]), "torch.cat(): expected a non-empty list of Tensors");
    throwsMsg(() => torch.cat([torch.tensor(1), torch.tensor(2)]), "zero-dimensional tensor (at position 0) cannot be concatenated");
    throwsMsg(() => torch.cat([torch.ones(2, 3)], 2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  });

  test("stack, hstack, vstack, dstack, column_stack", () => {
    assert.deepEqual(vals(torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])], 1)), [[1, 3], [2, 4]]);
    assert.equal(torch.stack([torch.ones(2), torch.arange(2)]).dtype.name, "float32");
    throwsMsg(() => torch.stack([torch.ones(2, 3), torch.ones(2, 4)]), "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1");
    throwsMsg(() => torch.stack([]), "stack expects a non-empty TensorList");
    assert.deepEqual(vals(torch.hstack([torch.tensor(1), torch.tensor([2, 3])])), [1, 2, 3]);
    assert.deepEqual(vals(torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])), [[1, 2], [3, 4]]);
    assert.deepEqual(vals(torch.dstack([torch.arange(2), torch.arange(2)])), [[[0, 0], [1, 1]]]);
    assert.deepEqual(vals(torch.columnStack([torch.arange(2), torch.arange(4).view(2, 2)])), [[0, 0, 1], [1, 2, 3]]);
  });

  test("gradients", () => {
    gradcheck((x, y) => torch.cat([x, y], 1), [f64([2, 3]), f64([2, 1])]);
    gradcheck((x, y) => torch.cat([x, torch.zeros([0], { dtype: "float64" }), y]), [f64([2, 3]), f64([1, 3])]);
    gradcheck((x, y) => torch.stack([x, y], -1), [f64([2, 3]), f64([2, 3])]);
    gradcheck((x, y) => torch.hstack([x, y]), [f64([2]), f64([3])]);
    const x = f64([2]), y = torch.ones([2], { dtype: "float32" }).requiresGrad_();
    const r = torch.cat([x, y]);
    r.sum().backward();
    assert.equal(y.grad!.dtype.name, "float32");
    assert.equal(r.gradFn!.name(), "CatBackward0");
    assert.equal(torch.stack([x, x]).gradFn!.name(), "StackBackward0");
  });
});

describe("flip / roll / rot90", () => {
  test("values", () => {
    const a = a23();
    assert.deepEqual(vals(torch.flip(a, [0, 1])), [[5, 4, 3], [2, 1, 0]]);
    assert.deepEqual(vals(a.flip(0, 1)), [[5, 4, 3], [2, 1, 0]]);
    assert.deepEqual(vals(torch.fliplr(a)), [[2, 1, 0], [5, 4, 3]]);
    assert.deepEqual(vals(torch.flipud(torch.arange(3))), [2, 1, 0]);
    assert.deepEqual(vals(torch.roll(a, 1)), [[5, 0, 1], [2, 3, 4]]);
    assert.deepEqual(vals(torch.roll(a, -7, 1)), [[1, 2, 0], [4, 5, 3]]);
    assert.deepEqual(vals(torch.roll(a, [1, 2], [0, 1])), [[4, 5, 3], [1, 2, 0]]);
    assert.deepEqual(vals(torch.rot90(a)), [[2, 5], [1, 4], [0, 3]]);
    assert.deepEqual(vals(torch.rot90(a, 2)), [[5, 4, 3], [2, 1, 0]]);
    assert.deepEqual(vals(torch.rot90(a, -1)), [[3, 0], [4, 1], [5, 2]]);
    assert.deepEqual(vals(torch.flip(a.t(), [0])), [[2, 5], [1, 4], [0, 3]]);
  });
  test("errors", () => {
    throwsMsg(() => torch.flip(a23(), [0, 0]), "dim 0 appears multiple times in the list of dims");
    throwsMsg(() => torch.fliplr(torch.arange(3)), "Input must be >= 2-d.");
    throwsMsg(() => torch.roll(a23(), [1, 2]), "shifts and dimensions must align. shifts: 2, dims:0");
    throwsMsg(() => torch.rot90(torch.arange(3), 1), "expected total dims >= 2, but got total dims = 1");
    throwsMsg(() => torch.rot90(a23(), 1, [0, 0]), "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0");
  });
  test("gradients", () => {
    gradcheck((x) => torch.flip(x, [0, 2]), [f64([2, 3, 2])]);
    gradcheck((x) => torch.roll(x, [1, -2], [0, 1]), [f64([3, 4])]);
    gradcheck((x) => torch.roll(x, 5), [f64([3, 4])]);
    gradcheck((x) => torch.rot90(x, 3, [1, 2]), [f64([2, 3, 2])]);
  });
});

describe("repeat / tile / repeat_interleave", () => {
  test("values", () => {
    assert.deepEqual(vals(torch.tile(a23(), [2])), [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    assert.deepEqual(vals(torch.arange(3).repeat(2, 2)), [[0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2]]);
    assert.deepEqual(torch.arange(3).repeat([0, 2]).shape, [0, 6]);
    assert.deepEqual(vals(torch.repeatInterleave(a23(), torch.tensor([1, 2, 0]), 1)), [[0, 1, 1], [3, 4, 4]]);
    assert.deepEqual(vals(torch.repeatInterleave(torch.tensor([1, 2, 3]))), [0, 1, 1, 2, 2, 2]);
    assert.deepEqual(vals(torch.repeatInterleave(torch.tensor([1, 2]), 2)), [1, 1, 2, 2]);
    assert.deepEqual(vals(a23().repeatInterleave(torch.tensor(2), 0, { outputSize: 4 })), [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]]);
  });
  test("errors", () => {
    throwsMsg(() => a23().repeat(2), "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
    throwsMsg(() => torch.repeatInterleave(a23(), -1), "repeats can not be negative");
    throwsMsg(() => torch.repeatInterleave(a23(), torch.tensor([1, 2]), 1), "repeats must have the same size as input along dim, but got repeats.size(0) = 2 and input.size(1) = 3");
    throwsMsg(() => torch.repeatInterleave(a23(), torch.tensor([[1, 2]]), 0), "repeats must be 0-dim or 1-dim tensor");
  });
  test("gradients", () => {
    gradcheck((x) => x.repeat(2, 1, 3), [f64([2, 2])]);
    gradcheck((x) => torch.tile(x, [2, 1]), [f64([3])]);
    gradcheck((x) => torch.repeatInterleave(x, torch.tensor([2, 0, 1]), 1), [f64([2, 3])]);
  });
});

describe("tril / triu / diag family", () => {
  test("values", () => {
    const m = torch.arange(12).view(3, 4);
    assert.deepEqual(vals(torch.tril(m, 1)), [[0, 1, 0, 0], [4, 5, 6, 0], [8, 9, 10, 11]]);
    assert.deepEqual(vals(m.triu(-1)), [[0, 1, 2, 3], [4, 5, 6, 7], [0, 9, 10, 11]]);
    assert.deepEqual(vals(torch.diag(torch.arange(3), 1)), [[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 2], [0, 0, 0, 0]]);
    assert.deepEqual(vals(torch.diag(m, 1)), [1, 6, 11]);
    assert.deepEqual(vals(torch.diagEmbed(a23(), 0, 0, 2)), [[[0, 0, 0], [3, 0, 0]], [[0, 1, 0], [0, 4, 0]], [[0, 0, 2], [0, 0, 5]]]);
    assert.deepEqual(vals(torch.diagflat(torch.arange(4).view(2, 2), -1)), [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 3, 0]]);
    const t = torch.ones(3, 3);
    t.tril_(-1);
    assert.deepEqual(vals(t), [[0, 0, 0], [1, 0, 0], [1, 1, 0]]);
    assert.equal(t._version, 1);
    t.triu_();
    assert.equal(t.sum().item(), 0);
    throwsMsg(() => torch.diagEmbed(a23(), 0, 1, 1), "diagonal dimensions cannot be identical 1, 1");
  });
  test("gradients", () => {
    gradcheck((x) => torch.tril(x, -1), [f64([2, 3, 3])]);
    gradcheck((x) => torch.triu(x, 1), [f64([3, 4])]);
    gradcheck((x) => torch.diag(x, -1), [f64([3])]);
    gradcheck((x) => torch.diag(x, 1), [f64([3, 4])]);
    gradcheck((x) => torch.diagEmbed(x, 1, -1, 0), [f64([2, 3])]);
    gradcheck((x) => torch.diagflat(x), [f64([2, 2])]);
  });
});

describe("meshgrid, broadcasting, atleast_nd", () => {
  test("meshgrid ij / xy", () => {
    const [gx, gy] = torch.meshgrid(torch.arange(2), torch.arange(3), { indexing: "xy" });
    assert.deepEqual(vals(gx!), [[0, 1], [0, 1], [0, 1]]);
    assert.deepEqual(vals(gy!), [[0, 0], [1, 1], [2, 2]]);
    const [ix, iy] = torch.meshgrid([torch.arange(2), torch.arange(3)], { indexing: "ij" });
    assert.deepEqual(ix!.shape, [2, 3]);
    assert.deepEqual(vals(iy!), [[0, 1, 2], [0, 1, 2]]);
    assert.equal(ix!.storage.length, 2);
    assert.throws(() => torch.meshgrid(torch.arange(2), { indexing: "foo" as "ij" }), /indexing must be one of "xy" or "ij", but received: foo/);
    gradcheck((x, y) => torch.meshgrid([x, y], { indexing: "xy" }), [f64([3]), f64([2])]);
  });
  test("broadcast_tensors / broadcast_shapes", () => {
    const [p, q] = torch.broadcastTensors(torch.ones(2, 1), torch.ones(3));
    assert.deepEqual([p!.shape, q!.shape], [[2, 3], [2, 3]]);
    assert.deepEqual(torch.broadcastShapes([2, 1], [3], 1), [2, 3]);
    throwsMsg(() => torch.broadcastShapes([2, 1], [3, 2]), "Shape mismatch: objects cannot be broadcast to a single shape");
  });
  test("atleast_1d/2d/3d", () => {
    assert.deepEqual(torch.atleast1d(torch.tensor(1)).shape, [1]);
    assert.deepEqual(torch.atleast2d(torch.arange(3)).shape, [1, 3]);
    assert.deepEqual(torch.atleast3d(torch.arange(3)).shape, [1, 3, 1]);
    assert.deepEqual(torch.atleast3d(torch.ones(2, 3)).shape, [2, 3, 1]);
    const both = torch.atleast2d([torch.tensor(1), torch.ones(3)]);
    assert.deepEqual(both.map((t) => t.shape), [[1, 1], [1, 3]]);
  });
});

describe("unfold, cartesian_prod, block_diag, combinations, narrow_copy", () => {
  test("Tensor.unfold is a view with PyTorch's windows", () => {
    const x = torch.arange(7);
    const u = x.unfold(0, 3, 2);
    assert.deepEqual(vals(u), [[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
    assert.equal(u.storage, x.storage);
    assert.deepEqual(torch.arange(12).view(3, 4).unfold(1, 2, 1).stride(), [4, 1, 1]);
    throwsMsg(() => x.unfold(0, 8, 2), "maximum size for tensor at dimension 0 is 7 but size is 8");
    throwsMsg(() => x.unfold(0, 3, 0), "step is 0 but must be > 0");
    gradcheck((t) => t.unfold(1, 2, 1), [f64([2, 4])]);
    gradcheck((t) => t.unfold(0, 2, 3), [f64([7, 2])]);
  });
  test("cartesian_prod / block_diag / combinations / narrow_copy", () => {
    assert.deepEqual(vals(torch.cartesianProd(torch.arange(2), torch.arange(3))), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    assert.deepEqual(vals(torch.blockDiag(torch.ones([2, 2], { dtype: "int64" }), torch.tensor(3), torch.tensor([4, 5]))),
      [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 4, 5]]);
    assert.deepEqual(vals(torch.combinations(torch.arange(4))), [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    assert.deepEqual(vals(torch.combinations(torch.arange(3), 2, { withReplacement: true })), [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]]);
    assert.deepEqual(torch.combinations(torch.arange(3), 4).shape, [0, 4]);
    const n = torch.narrowCopy(torch.arange(6), 0, 1, 3);
    assert.deepEqual(vals(n), [1, 2, 3]);
    gradcheck((x, y) => torch.blockDiag(x, y), [f64([2, 3]), f64([2])]);
    gradcheck((x) => torch.combinations(x, 2), [f64([4])]);
  });
});

describe("in-place shape changes and iteration", () => {
  test("unsqueeze_ / squeeze_ / t_ / transpose_ change metadata and bump the version", () => {
    const z = torch.zeros(3);
    z.unsqueeze_(0);
    assert.deepEqual(z.shape, [1, 3]);
    z.t_();
    assert.deepEqual(z.shape, [3, 1]);
    z.squeeze_();
    assert.deepEqual(z.shape, [3]);
    const w = torch.arange(6).view(2, 3);
    w.transpose_(0, 1).swapaxes_(0, 1).swapdims_(1, 0);
    assert.deepEqual(vals(w), [[0, 3], [1, 4], [2, 5]]);
    assert.equal(z._version, 3);
    throwsMsg(() => torch.zeros(2, 3, 4).t_(), "t_() expects a tensor with <= 2 dimensions, but self is 3D");
    throwsMsg(() => f64([3]).unsqueeze_(0), "unsqueeze_: a leaf Variable that requires grad is being used in an in-place operation.");
    const x = f64([2, 3]);
    const y = x.mul(1);
    y.unsqueeze_(0);
    y.sum().backward();
    assert.deepEqual(x.grad!.shape, [2, 3]);
  });
  test("iteration yields views along dim 0", () => {
    const x = torch.arange(6).view(3, 2);
    const rows = [...x];
    assert.deepEqual(rows.map(vals), [[0, 1], [2, 3], [4, 5]]);
    assert.equal(rows[0]!.storage, x.storage);
    assert.throws(() => [...torch.tensor(3)], /iteration over a 0-d tensor/);
  });
});

test("value-selecting reductions of a 0-d tensor along dim 0 return the value and index 0", () => {
  const x = torch.tensor(3.5, { requiresGrad: true });
  for (const [name, r] of [["kthvalue", torch.kthvalue(x, 1)], ["median", x.median(0)], ["max", x.max(0)], ["mode", x.mode(0)]] as const) {
    assert.equal(r[0].item(), 3.5, name);
    assert.equal(Number(r[1].item()), 0, name);
    assert.deepEqual(r[0].shape, [], name);
  }
  assert.equal(x.sum(0).item(), 3.5);
  torch.kthvalue(x, 1)[0].backward();
  assert.equal(x.grad!.item(), 1);
});
