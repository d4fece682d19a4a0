// Indexing: x.get / x.set (Python's x[...] and x[...] = v), gather/scatter, index_*, masked ops,
// take/put, nonzero. Expected values recorded from PyTorch (torch.arange inputs, so exact).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

type T = torch.Tensor;

const arange24 = (): T => torch.arange(24).view(2, 3, 4);
const f64 = (shape: number[]): T => torch.randn(shape, { dtype: "float64" }).requiresGrad_();
const vals = (t: T): unknown => t.tolist();

function throwsMsg(f: () => unknown, msg: string | RegExp): void {
  assert.throws(f, (e: Error) => (typeof msg === "string" ? e.message === msg : msg.test(e.message)), `expected error ${String(msg)}`);
}

function gradcheck(f: (...xs: T[]) => T | T[], inputs: T[]): void {
  assert.ok(torch.autograd.gradcheck(f, inputs), "gradcheck");
}

/** Second derivatives: the gradient of <grad(f)(x), w> against finite differences. */
function gradgradcheck(f: (x: T) => T, x: T): void {
  const go = torch.randn(f(x).shape, { dtype: "float64" });
  const w = torch.randn(x.shape, { dtype: "float64" });
  const vjp = (y: T): T => {
    const [g] = torch.autograd.grad([f(y)], [y], { gradOutputs: [go], createGraph: true });
    return g!.mul(w).sum();
  };
  gradcheck(vjp, [x]);
}

// ---- get ------------------------------------------------------------------------------------

describe("x.get: every index form (values from PyTorch)", () => {
  const x = arange24();
  const mask2 = torch.tensor([[true, false, true], [false, true, false]]);
  const cases: [string, () => T, number[], unknown][] = [
    ["x[1]", () => x.get(1), [3, 4], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]],
    ["x[-1, 2]", () => x.get(-1, 2), [4], [20, 21, 22, 23]],
    ["x[0, 1, 2]", () => x.get(0, 1, 2), [], 6],
    ["x[:, 1]", () => x.get(":", 1), [2, 4], [[4, 5, 6, 7], [16, 17, 18, 19]]],
    ["x[1:3]", () => x.get("1:3"), [1, 3, 4], [[[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]],
    ["x[0, ::2]", () => x.get(0, "::2"), [2, 4], [[0, 1, 2, 3], [8, 9, 10, 11]]],
    ["x[0, -1:]", () => x.get(0, "-1:"), [1, 4], [[8, 9, 10, 11]]],
    ["x[1, :, 1:-1:2]", () => x.get(1, ":", "1:-1:2"), [3, 1], [[13], [17], [21]]],
    ["x[..., 1]", () => x.get("...", 1), [2, 3], [[1, 5, 9], [13, 17, 21]]],
    ["x[0, ..., None]", () => x.get(0, "...", null), [3, 4, 1], [[[0], [1], [2], [3]], [[4], [5], [6], [7]], [[8], [9], [10], [11]]]],
    ["x[None, 1, None, :, 0]", () => x.get(null, 1, null, ":", 0), [1, 1, 3], [[[12, 16, 20]]]],
    ["x[[1, 0]]", () => x.get([1, 0]), [2, 3, 4], [[[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]]],
    ["x[0, [2, 0, 2]]", () => x.get(0, [2, 0, 2]), [3, 4], [[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]]],
    ["x[[0, 1], [2, 0]]", () => x.get([0, 1], [2, 0]), [2, 4], [[8, 9, 10, 11], [12, 13, 14, 15]]],
    ["x[[[0], [1]], [[0, 2]]] (broadcast)", () => x.get([[0], [1]], [[0, 2]]), [2, 2, 4], [[[0, 1, 2, 3], [8, 9, 10, 11]], [[12, 13, 14, 15], [20, 21, 22, 23]]]],
    ["x[[0, 1], :, [3, 0]] (separated: first)", () => x.get([0, 1], ":", [3, 0]), [2, 3], [[3, 7, 11], [12, 16, 20]]],
    ["x[:, [0, 2], [1, 3]] (adjacent: in place)", () => x.get(":", [0, 2], [1, 3]), [2, 2], [[1, 11], [13, 23]]],
    ["x[1, [0, 2], 1:3]", () => x.get(1, [0, 2], "1:3"), [2, 2], [[13, 14], [21, 22]]],
    ["x[[1, 0], None, [2, 1]]", () => x.get([1, 0], null, [2, 1]), [2, 1, 4], [[[20, 21, 22, 23]], [[4, 5, 6, 7]]]],
    ["x[mask2d]", () => x.get(mask2), [3, 4], [[0, 1, 2, 3], [8, 9, 10, 11], [16, 17, 18, 19]]],
    ["x[:, [True, False, True]]", () => x.get(":", [true, false, true]), [2, 2, 4], [[[0, 1, 2, 3], [8, 9, 10, 11]], [[12, 13, 14, 15], [20, 21, 22, 23]]]],
    ["x[1, :, bool list]", () => x.get(1, ":", [true, false, false, true]), [3, 2], [[12, 15], [16, 19], [20, 23]]],
    ["x[True]", () => x.get(true), [1, 2, 3, 4], [[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]]],
    ["x[0, False]", () => x.get(0, false), [0, 3, 4], []],
    ["x[tensor(1), 2]", () => x.get(torch.tensor(1), 2), [4], [20, 21, 22, 23]],
    ["x[tensor([1, 0]), :, -1]", () => x.get(torch.tensor([1, 0]), ":", -1), [2, 3], [[15, 19, 23], [3, 7, 11]]],
  ];
  for (const [name, f, shape, expected] of cases) {
    test(name, () => {
      const r = f();
      assert.deepEqual(r.shape, shape);
      assert.deepEqual(vals(r), expected);
      assert.equal(r.dtype.name, "int64");
    });
  }

  test("x.get(0) of a 1-d tensor is 0-d; x.get() aliases", () => {
    const v = torch.tensor([1.5, 2.5, 3.5]);
    assert.deepEqual(v.get(0).shape, []);
    assert.equal(v.get(-1).item(), 3.5);
    const a = v.get();
    assert.deepEqual(a.shape, [3]);
    assert.equal(a.storage, v.storage);
    assert.notEqual(a, v);
  });
});

describe("x.get: views share storage, advanced indexing copies", () => {
  test("basic indexing returns a view; writes through it reach the base", () => {
    const x = torch.zeros(3, 4);
    const row = x.get(1);
    const col = x.get(":", "1:3");
    assert.equal(row.storage, x.storage);
    row.set(2, 5);
    col.get(0).set(":", 7);
    col.get(2, 1).add_(1);
    assert.deepEqual(vals(x), [[0, 7, 7, 0], [0, 0, 5, 0], [0, 0, 1, 0]]);
    const y = x.get("...", null, "::2");
    y.set([0, 0, 1], -1);
    assert.equal(x.get(0, 2).item(), -1);
  });

  test("integer arrays and masks return copies", () => {
    const x = torch.zeros(3, 4);
    const a = x.get([0, 1]);
    assert.notEqual(a.storage, x.storage);
    a.fill_(9);
    assert.equal(x.sum().item(), 0);
    const m = x.get(torch.tensor([true, false, true]));
    assert.notEqual(m.storage, x.storage);
    assert.ok(a.isContiguous() && torch.zeros(2, 3, 4).get([0, 1], ":", [0, 1]).isContiguous());
  });
});

describe("x.get: errors as in PyTorch", () => {
  const x = arange24();
  const cases: [string, () => unknown, string | RegExp][] = [
    ["out of range", () => torch.zeros(3).get(5), "index 5 is out of bounds for dimension 0 with size 3"],
    ["out of range, second entry", () => x.get(0, 5), "index 5 is out of bounds for dimension 1 with size 3"],
    ["negative step", () => x.get("::-1"), "step must be greater than zero"],
    ["zero step", () => x.get("::0"), "slice step cannot be zero"],
    ["too many", () => x.get(0, 0, 0, 0), "too many indices for tensor of dimension 3"],
    ["two ellipses", () => x.get("...", "..."), "an index can only have a single ellipsis"],
    ["0-d", () => torch.tensor(3).get(0), "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"],
    ["slice of 0-d", () => torch.tensor(3).get(":"), "slice() cannot be applied to a 0-dim tensor."],
    ["float", () => x.get(1.5), "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)"],
    ["index tensor out of range", () => x.get([0, 5]), "index 5 is out of bounds for dimension 0 with size 2"],
    ["second index tensor out of range", () => x.get([0], ":", [7]), "index 7 is out of bounds for dimension 1 with size 4"],
    ["no broadcast", () => x.get([0, 1], [0, 1, 2]), "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"],
    ["float tensor", () => x.get(torch.tensor([0.5, 1.5])), "tensors used as indices must be long, int, byte or bool tensors"],
    ["mask shape", () => x.get(torch.ones([3], { dtype: "bool" })), "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3, 4] at index 0"],
    ["bad string", () => x.get("1-2"), /valid indices/],
  ];
  for (const [name, f, msg] of cases) test(name, () => throwsMsg(f, msg));
});

// ---- set ------------------------------------------------------------------------------------

describe("x.set: Python's x[...] = v", () => {
  test("scalars, broadcast values, leading 1s dropped, dtype conversion", () => {
    const x = torch.zeros(3, 4);
    x.set([":", 0], 1.5);
    x.set(1, torch.tensor([1, 2, 3, 4]));
    x.set(2, torch.ones(1, 1, 4).mul(3));
    x.set(["1:", "2:"], torch.tensor([[8], [9]]));
    assert.deepEqual(vals(x), [[1.5, 0, 0, 0], [1, 2, 8, 8], [3, 3, 9, 9]]);
    const y = torch.zeros([3], { dtype: "int64" });
    y.set(0, 1.7);
    y.set([[1]], 2.7);
    assert.deepEqual(vals(y), [1, 2, 0]);
  });

  test("advanced index assignment (index_put_) and masks", () => {
    const w = torch.zeros(4);
    w.set(torch.tensor([0, 1, 1]), torch.tensor([1, 2, 3.5]));
    assert.deepEqual(vals(w), [1, 3.5, 0, 0]);
    w.set(torch.tensor([true, false, true, false]), torch.tensor([7.5, 8]));
    assert.deepEqual(vals(w), [7.5, 3.5, 8, 0]);
    const x = torch.arange(12, { dtype: "float32" }).view(3, 4);
    x.set(x.gt(3), 0);
    assert.deepEqual(vals(x), [[0, 1, 2, 3], [0, 0, 0, 0], [0, 0, 0, 0]]);
    const z = torch.zeros(2, 3);
    z.set([[0, 1], [2, 0]], torch.tensor([5, 6], { dtype: "float32" }));
    z.set([0, [true, true, false]], -1);
    assert.deepEqual(vals(z), [[-1, -1, 5], [6, 0, 0]]);
  });

  test("in place: version bump, errors before any write leave the tensor unchanged", () => {
    const x = torch.arange(6, { dtype: "float32" }).view(2, 3);
    const v0 = x._version;
    x.set([0, 0], 10);
    assert.equal(x._version, v0 + 1);
    const before = vals(x);
    throwsMsg(() => x.set([[0, 7]], 5), "index 7 is out of bounds for dimension 0 with size 2");
    throwsMsg(() => x.set([[1, 0], [0, 9]], 5), "index 9 is out of bounds for dimension 1 with size 3");
    throwsMsg(() => x.set(0, torch.ones(2, 3)), "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)");
    throwsMsg(() => x.set(0, torch.ones(4)), "The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [4]");
    throwsMsg(() => x.set([[0, 1]], torch.ones(4)), "shape mismatch: value tensor of shape [4] cannot be broadcast to indexing result of shape [2, 3]");
    throwsMsg(() => x.set([[0, 1]], torch.ones([3], { dtype: "float64" })), "Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.");
    throwsMsg(() => x.set("::-1", 1), "step must be greater than zero");
    assert.deepEqual(vals(x), before);
    assert.equal(x._version, v0 + 1);
  });

  test("leaf tensors that require grad refuse assignment", () => {
    const a = f64([2, 3]);
    throwsMsg(() => a.set(0, 1), "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    throwsMsg(() => a.set([[0]], 1), "a leaf Variable that requires grad is being used in an in-place operation.");
    torch.noGrad(() => a.set(0, 1));
    assert.deepEqual(vals(a.get(0)), [1, 1, 1]);
  });

  test("a source that is part of the target is PyTorch's overlap error; a disjoint one of the same storage is read first", () => {
    const w = torch.tensor([1, 2, 3, 4]);
    assert.throws(() => w.set("1:", w.get(":-1")), /some elements of the input tensor and the written-to tensor/);
    w.set("2:", w.get(":2"));
    assert.deepEqual(vals(w), [1, 2, 1, 2]);
  });

  test("autograd through set: CopySlices / IndexPutBackward0", () => {
    const p = f64([3, 4]), v = f64([4]);
    const b = p.mul(2);
    b.set([[0, 2]], v);
    assert.equal(b.gradFn!.name(), "IndexPutBackward0");
    b.sum().backward();
    assert.deepEqual(vals(p.grad!), [[0, 0, 0, 0], [2, 2, 2, 2], [0, 0, 0, 0]]);
    assert.deepEqual(vals(v.grad!), [2, 2, 2, 2]);
    const c = p.mul(1);
    c.set([":", 1], 0);
    assert.equal(c.gradFn!.name(), "torch::autograd::CopySlices");
    gradcheck((t, u) => { const r = t.mul(1); r.set([":", "1:3"], u); return r; }, [f64([3, 4]), f64([3, 2])]);
    gradcheck((t, u) => { const r = t.mul(1); r.set([[0, 2], "::2"], u); return r; }, [f64([3, 4]), f64([1, 2])]);
  });
});

describe("gradients of get", () => {
  test("basic and advanced indexing, numerically", () => {
    gradcheck((t) => t.get(1, "::2"), [f64([3, 4])]);
    gradcheck((t) => t.get([0, 2, 2], null, "1:"), [f64([3, 4])]);
    gradcheck((t) => t.get(torch.tensor([[true, false, true], [false, true, true]])), [f64([2, 3, 2])]);
    gradcheck((t) => t.get([0, 1], ":", [1, 1]), [f64([2, 3, 2])]);
  });
  test("node names", () => {
    const y = f64([3, 4]);
    assert.equal(y.get(0).gradFn!.name(), "SelectBackward0");
    assert.equal(y.get("0:2").gradFn!.name(), "SliceBackward0");
    assert.equal(y.get().gradFn!.name(), "AliasBackward0");
    assert.equal(y.get(null).gradFn!.name(), "UnsqueezeBackward0");
    assert.equal(y.get([0, 1]).gradFn!.name(), "IndexBackward0");
  });
  test("double backward", () => {
    gradgradcheck((t) => t.get([0, 2, 2], "1:").mul(t.get([1, 1, 0], ":3")), f64([3, 4]));
  });
});

// ---- gather / scatter -----------------------------------------------------------------------

describe("gather / scatter family", () => {
  const x = torch.arange(12, { dtype: "float32" }).view(3, 4);
  const i = torch.tensor([[0, 1], [2, 3]]);

  test("values", () => {
    assert.deepEqual(vals(torch.gather(x, 1, i)), [[0, 1], [6, 7]]);
    assert.deepEqual(vals(x.scatter(1, i, torch.ones(2, 2))), [[1, 1, 2, 3], [4, 5, 1, 1], [8, 9, 10, 11]]);
    assert.deepEqual(vals(x.scatter(1, i, 5)), [[5, 5, 2, 3], [4, 5, 5, 5], [8, 9, 10, 11]]);
    assert.deepEqual(vals(x.scatter(1, i, torch.ones(2, 2), { reduce: "add" })), [[1, 2, 2, 3], [4, 5, 7, 8], [8, 9, 10, 11]]);
    assert.deepEqual(vals(x.scatter(1, i, 2, { reduce: "multiply" })), [[0, 2, 2, 3], [4, 5, 12, 14], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.scatterAdd(x, 1, i, torch.ones(2, 2))), [[1, 2, 2, 3], [4, 5, 7, 8], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.scatterReduce(x, 1, i, torch.ones(2, 2), "mean")), [[0.5, 1, 2, 3], [4, 5, 3.5, 4], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.scatterReduce(x, 1, torch.tensor([[0, 0], [2, 3]]), torch.ones(2, 2).mul(3), "mean", { includeSelf: false })), [[3, 1, 2, 3], [4, 5, 3, 3], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.scatterReduce(torch.arange(4), 0, torch.tensor([0, 0, 1]), torch.tensor([3, 4, 5]), "mean")), [2, 3, 2, 3]);
    assert.deepEqual(vals(torch.takeAlongDim(x, torch.tensor([[0], [1], [2]]), 1)), [[0], [5], [10]]);
    assert.deepEqual(vals(torch.takeAlongDim(x, torch.tensor([[0], [1], [2]]))), [0, 1, 2]);
  });

  test("0-d inputs", () => {
    const s = torch.tensor(5.5);
    assert.deepEqual(vals(torch.gather(s, 0, torch.tensor([0, 0]))), [5.5, 5.5]);
    assert.equal(torch.scatter(s, 0, torch.tensor([0, 0]), torch.tensor([1.5, 2])).item(), 2);
    assert.deepEqual(torch.indexSelect(s, 0, torch.tensor([0])).shape, []);
    assert.equal(torch.indexAdd(s, 0, torch.tensor([0]), torch.tensor(1.5)).item(), 7);
  });

  test("int64 accumulation is exact", () => {
    const big = 2n ** 60n;
    const t = torch.tensor([big, 0n]);
    const r = torch.scatterAdd(t, 0, torch.tensor([0, 0]), torch.tensor([1n, 2n]));
    assert.equal(BigInt(r.get(0).item() as bigint), big + 3n);
  });

  test("errors (PyTorch's messages), checked before writing", () => {
    throwsMsg(() => torch.gather(x, 1, torch.tensor([[0], [4], [1]])), "index 4 is out of bounds for dimension 1 with size 4");
    throwsMsg(() => torch.gather(x, 1, i.int()), "gather(): Expected dtype int64 for index");
    throwsMsg(() => torch.gather(x, 1, torch.tensor([0, 1])), "Index tensor must have the same number of dimensions as input tensor");
    throwsMsg(() => torch.gather(x, 1, torch.tensor([[0, 1], [0, 1], [0, 1], [0, 1]])), "Size does not match at dimension 0 expected index [4, 2] to be smaller than self [3, 4] apart from dimension 1");
    throwsMsg(() => x.scatter(1, i, torch.ones([2, 2], { dtype: "float64" })), "scatter(): Expected self.dtype to be equal to src.dtype");
    throwsMsg(() => x.scatter(1, i, torch.ones(1, 2)), "Expected index [2, 2] to be smaller than self [3, 4] apart from dimension 1 and to be smaller size than src [1, 2]");
    throwsMsg(() => x.scatter(1, i, torch.ones(2, 2), { reduce: "mean" as "add" }), "reduce argument must be either add or multiply.");
    const y = x.clone();
    throwsMsg(() => y.scatter_(1, torch.tensor([[0, 9]]), 5), "index 9 is out of bounds for dimension 1 with size 4");
    assert.deepEqual(vals(y), vals(x));
    assert.equal(y._version, 0);
  });

  test("in-place forms", () => {
    const y = torch.zeros(3, 4);
    y.scatter_(1, i, 2).scatterAdd_(0, torch.tensor([[2, 2, 2, 2]]), torch.ones(1, 4));
    y.scatterReduce_(1, torch.tensor([[3]]), torch.tensor([[4]], { dtype: "float32" }), "amax");
    assert.deepEqual(vals(y), [[2, 2, 0, 4], [0, 0, 2, 2], [1, 1, 1, 1]]);
    assert.equal(y._version, 3);
  });

  test("gradients", () => {
    const idx = torch.tensor([[0, 2, 1], [2, 2, 0]]);
    gradcheck((t) => torch.gather(t, 1, idx), [f64([2, 3])]);
    gradcheck((t, s) => torch.scatter(t, 1, torch.tensor([[0, 2], [1, 0]]), s), [f64([2, 3]), f64([2, 3])]);
    gradcheck((t, s) => torch.scatterAdd(t, 0, torch.tensor([[1, 0, 1]]), s), [f64([2, 3]), f64([1, 3])]);
    gradcheck((t, s) => torch.takeAlongDim(t, torch.tensor([[0], [2]]), 1).add(s), [f64([2, 3]), f64([2, 1])]);
    for (const reduce of ["sum", "mean", "amax", "amin", "prod"] as const) {
      for (const includeSelf of [true, false]) {
        gradcheck((t, s) => torch.scatterReduce(t, 1, idx, s, reduce, { includeSelf }), [f64([2, 3]), f64([2, 3])]);
      }
    }
  });
});

// ---- index_* --------------------------------------------------------------------------------

describe("index_select / index_add / index_copy / index_fill / index_put", () => {
  const x = torch.arange(12, { dtype: "float32" }).view(3, 4);
  test("values", () => {
    assert.deepEqual(vals(torch.indexSelect(x, 1, torch.tensor([3, 0, 3]))), [[3, 0, 3], [7, 4, 7], [11, 8, 11]]);
    assert.deepEqual(vals(x.indexSelect(0, torch.tensor(1))), [[4, 5, 6, 7]]);
    assert.deepEqual(vals(torch.indexAdd(x, 0, torch.tensor([0, 1]), torch.ones(2, 4), { alpha: 2 })), [[2, 3, 4, 5], [6, 7, 8, 9], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.indexCopy(x, 1, torch.tensor([1, 0]), torch.zeros(3, 2))), [[0, 0, 2, 3], [0, 0, 6, 7], [0, 0, 10, 11]]);
    assert.deepEqual(vals(torch.indexFill(x, 1, torch.tensor([0, -1]), torch.tensor(2))), [[2, 1, 2, 2], [2, 5, 6, 2], [2, 9, 10, 2]]);
    assert.deepEqual(vals(torch.indexPut(x, [torch.tensor([0, 0]), null], torch.ones(4), true)), [[2, 3, 4, 5], [4, 5, 6, 7], [8, 9, 10, 11]]);
    assert.deepEqual(vals(torch.indexPut(x, [null, torch.tensor([1])], torch.tensor(-1, { dtype: "float32" }))), [[0, -1, 2, 3], [4, -1, 6, 7], [8, -1, 10, 11]]);
  });
  test("in-place forms and errors", () => {
    const y = torch.zeros(3, 4);
    y.indexAdd_(0, torch.tensor([2, 2]), torch.ones(2, 4)).indexFill_(1, torch.tensor([0]), 7).indexCopy_(0, torch.tensor([0]), torch.ones(1, 4));
    torch.indexPut_(y, [torch.tensor([1]), torch.tensor([3])], torch.tensor(5, { dtype: "float32" }));
    assert.deepEqual(vals(y), [[1, 1, 1, 1], [7, 0, 0, 5], [7, 2, 2, 2]]);
    const before = vals(y);
    throwsMsg(() => y.indexAdd_(0, torch.tensor([0, 5]), torch.ones(2, 4)), "index out of range in self");
    throwsMsg(() => y.indexCopy_(0, torch.tensor([0, 5]), torch.ones(2, 4)), "index_copy_(): index 5 is out of bounds for dimension 0 with size 3");
    throwsMsg(() => y.indexFill_(0, torch.tensor([0, 5]), 1), "index 5 is out of bounds for dimension 0 with size 3");
    throwsMsg(() => y.indexPut_([torch.tensor([0, 3])], torch.tensor(1, { dtype: "float32" })), "index 3 is out of bounds for dimension 0 with size 3");
    throwsMsg(() => torch.indexSelect(x, 0, torch.tensor([[0]])), "index_select(): Index is supposed to be a vector");
    throwsMsg(() => torch.indexAdd(x, 0, torch.tensor([0, 1]), torch.ones(3, 4)), "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0");
    assert.deepEqual(vals(y), before);
  });
  test("gradients", () => {
    const idx = torch.tensor([2, 0, 2]);
    gradcheck((t) => torch.indexSelect(t, 0, idx), [f64([3, 2])]);
    gradcheck((t, s) => torch.indexAdd(t, 0, idx, s, { alpha: 1.5 }), [f64([3, 2]), f64([3, 2])]);
    gradcheck((t, s) => torch.indexCopy(t, 1, torch.tensor([1, 0]), s), [f64([3, 2]), f64([3, 2])]);
    gradcheck((t, v) => torch.indexFill(t, 0, idx, v), [f64([3, 2]), f64([])]);
    gradcheck((t, v) => torch.indexPut(t, [idx, torch.tensor([1, 0, 1])], v, true), [f64([3, 2]), f64([3])]);
  });
});

// ---- masked ops, take/put, nonzero ----------------------------------------------------------

describe("masked ops, take / put, nonzero", () => {
  const x = torch.arange(12, { dtype: "float32" }).view(3, 4);
  const m = torch.tensor([[true, false, false, true], [false, false, true, false], [false, true, false, false]]);
  test("values", () => {
    assert.deepEqual(vals(x.maskedFill(m, -1)), [[-1, 1, 2, -1], [4, 5, -1, 7], [8, -1, 10, 11]]);
    assert.deepEqual(vals(torch.maskedFill(torch.zeros(2, 1), torch.tensor([true, false]), 1)), [[1, 0], [1, 0]]);
    assert.deepEqual(vals(torch.maskedSelect(x, m)), [0, 3, 6, 9]);
    assert.deepEqual(vals(torch.maskedScatter(x, m, torch.tensor([10, 20, 30, 40, 50], { dtype: "float32" }))), [[10, 1, 2, 20], [4, 5, 30, 7], [8, 40, 10, 11]]);
    assert.deepEqual(vals(torch.take(x, torch.tensor([[0, 11], [-1, 4]]))), [[0, 11], [11, 4]]);
    assert.deepEqual(vals(torch.put(x, torch.tensor([0, 11, 0]), torch.tensor([1, 2, 3], { dtype: "float32" }), true).view(-1).get([0, 11])), [4, 13]);
    assert.deepEqual(vals(torch.nonzero(torch.tensor([[1, 0, 0, 1], [0, 1, 1, 0]]))), [[0, 0], [0, 3], [1, 1], [1, 2]]);
    assert.deepEqual(torch.nonzero(torch.tensor([[1, 0], [0, 1]]), { asTuple: true }).map(vals), [[0, 1], [0, 1]]);
    assert.deepEqual(torch.nonzero(torch.tensor(3)).shape, [1, 0]);
    assert.deepEqual(vals(torch.argwhere(torch.tensor([0, 2, 0, 3]))), [[1], [3]]);
    assert.deepEqual(torch.where(torch.tensor([[1, 0], [0, 1]])).map(vals), [[0, 1], [0, 1]]);
  });
  test("errors", () => {
    throwsMsg(() => x.maskedFill(m, torch.tensor([1])), "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).");
    throwsMsg(() => x.maskedFill(torch.ones(3, 4), 1), "masked_fill_ only supports boolean masks, but got mask with dtype Float");
    throwsMsg(() => torch.maskedScatter(x, m, torch.zeros(3)), "Number of elements of source < number of ones in mask");
    throwsMsg(() => torch.take(x, torch.tensor([12])), "out of range: tried to access index 12 on a tensor of 12 elements.");
    throwsMsg(() => x.clone().put_(torch.tensor([0, 1]), torch.tensor([9], { dtype: "float32" })), "put_(): Expected source and index to have the same number of elements, but got source.numel() = 1, index.numel() = 2");
  });
  test("in-place forms", () => {
    const y = torch.zeros(3, 4);
    y.maskedFill_(m, 1).maskedScatter_(m.logicalNot(), torch.arange(8, { dtype: "float32" }));
    y.put_(torch.tensor([0]), torch.tensor([5], { dtype: "float32" }), true);
    assert.deepEqual(vals(y), [[6, 0, 1, 1], [2, 3, 1, 4], [5, 1, 6, 7]]);
  });
  test("gradients", () => {
    gradcheck((t) => t.maskedFill(m, 2), [f64([3, 4])]);
    gradcheck((t, v) => t.maskedFill(torch.tensor([true, false, true, false]), v), [f64([3, 4]), f64([])]);
    gradcheck((t) => torch.maskedSelect(t, m), [f64([3, 4])]);
    gradcheck((t) => torch.maskedSelect(t, m), [f64([1, 4])]);
    gradcheck((t, s) => torch.maskedScatter(t, m, s), [f64([3, 4]), f64([6])]);
    gradcheck((t) => torch.take(t, torch.tensor([[0, 11], [-1, 0]])), [f64([3, 4])]);
    gradcheck((t, s) => torch.put(t, torch.tensor([1, 5, 1]), s, true), [f64([3, 4]), f64([3])]);
    gradcheck((t, s) => torch.put(t, torch.tensor([1, 5]), s), [f64([3, 4]), f64([2])]);
  });
});
