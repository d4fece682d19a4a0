// Small public API gaps closed in session 16: Tensor.cfloat/cdouble, torch.viewAsRealCopy /
// viewAsComplexCopy, torch.resizeAs_ / asStrided_, torch.embeddingRenorm_, torch.segmentReduce,
// Tensor.storageType and nn.NLLLoss2d. Expected values recorded from PyTorch 1.13 (CPU).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f32 = (v: number[], requiresGrad = false): T => torch.tensor(v, { dtype: torch.float32, requiresGrad });
const long = (v: number[] | number[][]): T => torch.tensor(v, { dtype: torch.int64 });
const inf = Infinity;

/** Like closeNested, with infinities compared exactly. */
function close(actual: unknown, expected: unknown, tol = 1e-6, path = ""): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: shape`);
    expected.forEach((e, i) => close((actual as unknown[])[i], e, tol, `${path}[${i}]`));
  } else if (expected === inf || expected === -inf) assert.equal(actual, expected, path);
  else closeNested(actual, expected, tol, path);
}

describe("Tensor.cfloat / Tensor.cdouble", () => {
  test("convert to complex64 / complex128; the gradient of a real input is the real part", () => {
    assert.equal(torch.ones(2).cfloat().dtype, torch.complex64);
    assert.equal(torch.tensor([1, 2]).cdouble().dtype, torch.complex128);
    assert.equal(torch.ones(2).cdouble().cfloat().dtype, torch.complex64);
    assert.equal(torch.tensor([1 / 3], { dtype: torch.complex128 }).cfloat().real.item(), 0.3333333432674408);
    const a = f32([1.5, -2], true);
    const b = a.cfloat();
    assert.equal(b.gradFn!.name(), "ToCopyBackward0");
    b.mul(torch.complex(f32([1, 3]), f32([2, -1]))).real.sum().backward();
    assert.deepEqual(a.grad!.tolist(), [1, 3]);
  });
});

describe("torch.viewAsRealCopy / torch.viewAsComplexCopy", () => {
  test("new tensors (no shared memory) with the views' values, errors and gradients", () => {
    const z = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64 });
    const c = torch.viewAsComplexCopy(z);
    assert.equal(c.dtype, torch.complex128);
    assert.notEqual(c.storage, z.storage);
    const r = torch.viewAsRealCopy(c);
    assert.deepEqual(r.tolist(), [[1, 2], [3, 4]]);
    r.fill_(0);
    assert.deepEqual(c.real.tolist(), [1, 3]);
    const w = torch.ones([3, 2], { dtype: torch.float64, requiresGrad: true });
    torch.viewAsRealCopy(torch.viewAsComplexCopy(w.mul(2))).pow(2).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[8, 8], [8, 8], [8, 8]]);
    throwsMsg(() => torch.viewAsComplexCopy(torch.ones(3)), "Tensor must have a last dimension of size 2");
    throwsMsg(() => torch.viewAsComplexCopy(torch.ones(2, 4).get(":", "::2")), "Tensor must have a last dimension with stride 1");
    throwsMsg(() => torch.viewAsRealCopy(torch.ones(3)), "view_as_real is only supported for complex tensors");
    const out = torch.empty(0, { dtype: torch.complex128 });
    assert.equal(torch.viewAsComplexCopy(z, { out }), out);
    assert.deepEqual(out.imag.tolist(), [2, 4]);
  });
});

describe("torch.resizeAs_ / torch.asStrided_", () => {
  test("resizeAs_: an unchanged size keeps the strides; growth keeps the offset and grows the storage", () => {
    const t = torch.arange(6).to("float32").reshape(2, 3).t();
    assert.equal(torch.resizeAs_(t, torch.empty(3, 2)), t);
    assert.deepEqual([t.stride(), t.tolist()], [[1, 3], [[0, 3], [1, 4], [2, 5]]]);
    t.resizeAs_(torch.empty(2, 3));
    assert.deepEqual([t.stride(), t.tolist()], [[3, 1], [[0, 1, 2], [3, 4, 5]]]);
    const v = torch.arange(6).to("float32").get("2:");
    torch.resizeAs_(v, torch.empty(2, 3));
    assert.deepEqual([v.stride(), v._offset, v.storage.data.length], [[3, 1], 2, 8]);
    assert.deepEqual((torch.resizeAs_ as (...a: unknown[]) => T)({ input: torch.ones(2), theTemplate: torch.ones(1, 3) }).shape, [1, 3]);
    throwsMsg(() => torch.noGrad(() => torch.resizeAs_(torch.ones(2, { requiresGrad: true }), torch.ones(3))), "cannot resize variables that require grad");
  });
  test("asStrided_: the torch form of Tensor.asStrided_", () => {
    const z = torch.arange(6).to("float32");
    assert.equal(torch.asStrided_(z, [2, 2], [1, 2], 1), z);
    assert.deepEqual(z.tolist(), [[1, 3], [2, 4]]);
    assert.deepEqual((torch.asStrided_ as (...a: unknown[]) => T)(torch.arange(4), { size: [2], stride: [2] }).tolist(), [0, 2]);
  });
});

describe("torch.embeddingRenorm_", () => {
  const W = (): T => torch.arange(12).to("float32").reshape(4, 3);
  test("scales the rows named (once each, negative indices from the end) whose norm exceeds max_norm", () => {
    const w = W(), version = w._version;
    assert.equal(torch.embeddingRenorm_(w, long([1, 3, -1, 1]), 5, 2), w);
    assert.equal(w._version, version + 1);
    close(w.tolist(), [[0, 1, 2], [2.1213202, 2.8284271, 3.5355339], [6, 7, 8], [2.5894589, 2.8771768, 3.1648943]]);
    close(torch.embeddingRenorm_(W(), long([[0, 2]]), 3, 1).tolist(), [[0, 1, 2], [3, 4, 5], [0.8571429, 1, 1.1428572], [9, 10, 11]]);
    const int32 = torch.tensor([0, 2, 3], { dtype: torch.int32 });
    close(torch.embeddingRenorm_(W(), int32, 3, inf).tolist(), [[0, 1, 2], [3, 4, 5], [2.25, 2.625, 3], [2.4545455, 2.7272727, 3]]);
    const row1 = (t: T): unknown => t.select(0, 1).float().tolist();
    close(row1(torch.embeddingRenorm_(W(), long([1]), -1, 2)), [-0.42426404, -0.56568539, -0.70710671]);
    close(row1(torch.embeddingRenorm_(W(), long([1]), 1, 0)), [1, 1.3333333, 1.6666665]);
    close(row1(torch.embeddingRenorm_(W(), long([1]), 1, -1)), [2.35, 3.1333332, 3.9166665]);
    close(row1(torch.embeddingRenorm_(W().t(), long([1]), 1, 2)), [0.07761505, 0.31046021, 0.5433054, 0.77615052]);
    close(row1(torch.embeddingRenorm_(W().half(), long([1]), 1, 2)), [0.42431640625, 0.56591796875, 0.70751953125], 0);
    close(row1((torch.embeddingRenorm_ as (...a: unknown[]) => T)(W(), long([1]), { maxNorm: 1, normType: 2 })), [0.42426407, 0.56568542, 0.70710677]);
  });
  test("errors in PyTorch's words; no derivative; F.embedding's max_norm is the same renorm", () => {
    throwsMsg(() => torch.embeddingRenorm_(W(), long([4]), 1, 2), "select(): index 4 out of range for tensor of size [4, 3] at dimension 0");
    throwsMsg(() => torch.embeddingRenorm_(torch.ones(3), long([1]), 1, 2), "Expected 2-dimensional tensor, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for embedding_renorm_)");
    throwsMsg(() => torch.embeddingRenorm_(W(), f32([1]), 1, 2), "Expected tensor for argument #2 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding_renorm_)");
    throwsMsg(() => torch.embeddingRenorm_(torch.ones([4, 3], { dtype: torch.int64 }), long([1]), 1, 2), "norm(): input dtype should be either floating point or complex. Got Long instead.");
    throwsMsg(() => (torch.embeddingRenorm_ as (...a: unknown[]) => T)(W(), long([1]), 1), 'embedding_renorm_() missing 1 required positional arguments: "norm_type"');
    throwsMsg(() => torch.embeddingRenorm_(W().requiresGrad_(), long([1]), 1, 2), "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    const b = W().requiresGrad_().mul(1);
    torch.embeddingRenorm_(b, long([1]), 1, 2);
    assert.equal(b.gradFn!.name(), "EmbeddingRenormBackward0");
    throwsMsg(() => b.sum().backward(), "the derivative for 'embedding_renorm' is not implemented.");
    const emb = new torch.nn.Embedding(4, 3, { maxNorm: 1 });
    torch.noGrad(() => emb.weight.copy_(W()));
    emb.call(long([1, 1, 2])).sum().backward();
    close(emb.weight.tolist(), [[0, 1, 2], [0.42426407, 0.56568542, 0.70710677], [0.49153915, 0.57346237, 0.65538561], [9, 10, 11]]);
    assert.deepEqual(emb.weight.grad!.tolist(), [[0, 0, 0], [2, 2, 2], [1, 1, 1], [0, 0, 0]]);
  });
});

describe("torch.segmentReduce", () => {
  const data = f32([1, 2, 3, 4, 5, 6]), lengths = long([2, 0, 3, 1]), offsets = long([1, 2, 2, 5, 6]);
  const expected = {
    sum: [[3, 0, 12, 6], [13, 10, 22, 16], [2, 0, 12, 6]],
    mean: [[1.5, NaN, 4, 6], [6.5, 10, 7.3333335, 16], [2, NaN, 4, 6]],
    max: [[2, -inf, 5, 6], [10, 10, 10, 10], [2, -inf, 5, 6]],
    min: [[1, inf, 3, 6], [1, 10, 3, 6], [2, inf, 3, 6]],
    prod: [[2, 1, 60, 6], [20, 10, 600, 60], [2, 1, 60, 6]],
  } as const;
  test("the five reductions by lengths, with initial, and by offsets; empty segments as PyTorch fills them", () => {
    for (const [reduce, [byLengths, withInitial, byOffsets]] of Object.entries(expected) as [torch.SegmentReduction, readonly (readonly number[])[]][]) {
      close(torch.segmentReduce(data, reduce, { lengths }).tolist(), byLengths, 1e-6, reduce);
      close(torch.segmentReduce(data, reduce, { lengths, initial: 10 }).tolist(), withInitial, 1e-6, `${reduce} initial`);
      close(torch.segmentReduce(data, reduce, { offsets }).tolist(), byOffsets, 1e-6, `${reduce} offsets`);
    }
    close(torch.segmentReduce(f32([1, NaN, 3, 2]), "max", { lengths: long([2, 2]) }).tolist(), [NaN, 3]);
    close(torch.segmentReduce(f32([1, NaN, 3, 2]), "min", { lengths: long([2, 2]) }).tolist(), [NaN, 2]);
    // Accumulated in the data's dtype, element after element, as ATen's kernel does.
    assert.deepEqual(torch.segmentReduce(f32([1e8, 1, 1, 1, -1e8]), "sum", { lengths: long([5]) }).tolist(), [0]);
    assert.deepEqual(torch.segmentReduce(f32([1000, 1000, 1000, 0.1]).half(), "sum", { lengths: long([4]) }).tolist(), [3000]);
    assert.deepEqual((torch.segmentReduce as (...a: unknown[]) => T)({ data, reduce: "sum", offsets: long([0, 6]) }).tolist(), [21]);
  });
  test("batched lengths and offsets (the axis is their last dim), 3-D data, strided data", () => {
    const m = torch.arange(1, 13).to("float32").reshape(4, 3);
    const batched = long([[1, 2], [0, 3], [3, 0], [2, 1]]);
    assert.deepEqual(torch.segmentReduce(m, "sum", { lengths: batched, axis: 1 }).tolist(), [[1, 5], [0, 15], [24, 0], [21, 12]]);
    close(torch.segmentReduce(m, "max", { offsets: long([[0, 1, 3], [0, 0, 3], [0, 3, 3], [0, 2, 3]]), axis: -1 }).tolist(), [[1, 3], [-inf, 6], [9, -inf], [11, 12]]);
    const d3 = torch.arange(1, 25).to("float32").reshape(2, 4, 3);
    assert.deepEqual(torch.segmentReduce(d3, "mean", { lengths: long([[1, 3], [2, 2]]), axis: 1 }).tolist(),
      [[[1, 2, 3], [7, 8, 9]], [[14.5, 15.5, 16.5], [20.5, 21.5, 22.5]]]);
    assert.deepEqual(torch.segmentReduce(m.t(), "prod", { lengths: long([1, 2]) }).tolist(), [[1, 4, 7, 10], [6, 30, 72, 132]]);
  });
  test("errors in PyTorch's words, in its order", () => {
    const check = (options: Record<string, unknown>, msg: string, reduce = "sum", d: T = data): void =>
      throwsMsg(() => torch.segmentReduce(d, reduce as torch.SegmentReduction, options), msg);
    check({}, "segment_reduce(): Either lengths or offsets must be defined.");
    check({ indices: lengths }, "segment_reduce(): indices based reduction is not supported yet.");
    check({ lengths }, "unsupported reduction given! foo", "foo");
    check({ lengths: long([2, 0, 3, 2]) }, "segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.");
    check({ lengths: long([2, -1, 3, 2]) }, "lengths contains negative value!");
    check({ lengths, axis: 1 }, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
    check({ lengths: long([[6]]) }, "Expected data.dim() >= lengths_value.dim() to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
    check({ lengths: long([1, 3]), axis: 1 }, "segment_reduce(): Expected axis to be the last dimension of lengths but got 1.", "sum", torch.ones(4, 3));
    check({ offsets: long([0, 3, 2, 5, 6]) }, "Expected segment_length >= 0 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
    check({ lengths: f32([2, 0, 3, 1]) }, `"_segment_reduce_lengths_cpu_kernel1" not implemented for 'Float'`);
    check({ lengths }, `"_segment_reduce_cpu" not implemented for 'Long'`, "sum", data.long());
    check({ lengths }, `"_segment_reduce_cpu" not implemented for 'ComplexFloat'`, "sum", data.cfloat());
    check({ lengths, initial: 1e6 }, "value cannot be converted to type at::Half without overflow", "max", data.half());
    check({ lengths: long([1]) }, "Expected data.numel() > 0 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)", "sum", f32([]));
    // Where PyTorch 1.13 would read out of bounds (or crash), a clear error instead.
    check({ lengths: long([2, 0, 3, 2]), unsafe: true }, "segment_reduce(): segment 3 of batch 0 spans [5, 7), outside the axis of size 6");
    check({ lengths: long([[1, 2], [0, 3], [3, 0]]), axis: 1 }, "segment_reduce: Expected data and lengths to have the same batch size, but got [4] and [3]", "sum", torch.ones(4, 3));
    throwsMsg(() => (torch.segmentReduce as (...a: unknown[]) => T)(data, "sum", lengths), "segment_reduce() takes 2 positional arguments but 3 were given");
  });
  test("gradients: ATen's _segment_reduce_backward (ties, zeros, NaN, initial, offsets, batches); no double backward", () => {
    const x = f32([2, 2, 1, 3, 3, 0, 5], true), segments = long([3, 0, 4]), g = f32([-1, 7, 3]);
    const gradOf = (y: T, input: T, go: T): unknown => torch.autograd.grad([y], [input], { gradOutputs: [go] })[0]!.tolist();
    const grads = {
      max: [-1, -1, 0, 0, 0, 0, 3], min: [0, 0, -1, 0, 0, 3, 0], sum: [-1, -1, -1, 3, 3, 3, 3],
      mean: [-0.33333334, -0.33333334, -0.33333334, 0.75, 0.75, 0.75, 0.75], prod: [-2, -2, -4, 0, 0, 135, 0],
    };
    for (const [reduce, want] of Object.entries(grads) as [torch.SegmentReduction, number[]][]) {
      const y = torch.segmentReduce(x, reduce, { lengths: segments });
      assert.equal(y.gradFn!.name(), "SegmentReduceBackward0");
      close(gradOf(y, x, g), want, 1e-6, reduce);
    }
    close(gradOf(torch.segmentReduce(x, "prod", { lengths: segments, initial: 2 }), x, torch.ones(3)), [4, 4, 8, 0, 0, 90, 0]);
    close(gradOf(torch.segmentReduce(x, "sum", { offsets: long([1, 3, 3, 5]) }), x, f32([1, 2, 3])), [0, 1, 1, 3, 3, 0, 0]);
    const xx = f32([1, 0, 0, 2, NaN, 3], true);
    close(gradOf(torch.segmentReduce(xx, "prod", { lengths: long([3, 3]) }), xx, torch.ones(2)), [0, 0, 0, NaN, 6, NaN]);
    const m = torch.arange(1, 13).to("float32").reshape(4, 3).requiresGrad_();
    close(gradOf(torch.segmentReduce(m, "mean", { lengths: long([[1, 2], [0, 3], [3, 0], [2, 1]]), axis: 1 }), m, torch.arange(1, 9).to("float32").reshape(4, 2)),
      [[1, 1, 1], [1.3333334, 1.3333334, 1.3333334], [1.6666666, 1.6666666, 1.6666666], [3.5, 3.5, 8]]);
    const [gx] = torch.autograd.grad([torch.segmentReduce(x, "sum", { lengths: segments }).pow(2).sum()], [x], { createGraph: true });
    throwsMsg(() => gx!.sum().backward(), "derivative for aten::_segment_reduce_backward is not implemented");
    const initials = { sum: null, mean: 0.5, max: -10, min: 10, prod: 2 } as const;
    for (const [reduce, initial] of Object.entries(initials) as [torch.SegmentReduction, number | null][]) {
      const input = torch.rand([6, 2], { dtype: torch.float64, requiresGrad: true });
      assert.ok(torch.autograd.gradcheck((t: T) => torch.segmentReduce(t, reduce, { lengths: long([2, 1, 0, 3]), initial }), [input]), reduce);
    }
  });
});

describe("Tensor.storageType and nn.NLLLoss2d", () => {
  test("storageType: the legacy storage class's name (as Tensor.type() names tensors), one per dtype", () => {
    const s = torch.ones(2).storageType();
    assert.deepEqual([String(s), s.name, s.dtype], ["torch.FloatStorage", "FloatStorage", torch.float32]);
    assert.equal(torch.zeros(3).storageType(), s);
    const names = [torch.complex64, torch.bfloat16, torch.int8, torch.bool].map((dtype) => torch.ones(1, { dtype }).storageType().name);
    assert.deepEqual(names, ["ComplexFloatStorage", "BFloat16Storage", "CharStorage", "BoolStorage"]);
  });
  test("NLLLoss2d is NLLLoss, constructed with PyTorch's deprecation warning", () => {
    const seen: string[] = [];
    const original = console.warn;
    console.warn = (msg: unknown) => { seen.push(String(msg)); };
    let loss: torch.nn.NLLLoss2d;
    try { loss = new torch.nn.NLLLoss2d({ ignoreIndex: 1 }); } finally { console.warn = original; }
    assert.ok(seen.some((m) => m.includes("NLLLoss2d has been deprecated. Please use NLLLoss instead")), seen.join());
    assert.ok(loss instanceof torch.nn.NLLLoss);
    assert.equal(loss.toString(), "NLLLoss2d()");
    torch.manualSeed(0);
    const input = torch.logSoftmax(torch.randn(2, 3, 4, 4), 1), target = torch.randint(0, 3, [2, 4, 4]);
    assert.equal(loss.call(input, target).item(), torch.nn.functional.nllLoss(input, target, { ignoreIndex: 1 }).item());
  });
});

describe("Tensor.new (PyTorch's legacy constructor, session 20)", () => {
  // Recorded from PyTorch 1.13: x = torch.ones(2, dtype=torch.float64).
  test("sizes, data, nothing, a tensor of self's dtype; self's dtype and device", () => {
    const x = torch.ones(2, { dtype: torch.float64 });
    const sized = x.new(2, 3);
    assert.deepEqual([sized.shape, sized.dtype], [[2, 3], torch.float64]);
    const data = x.new([1, 2]);
    assert.deepEqual([data.tolist(), data.dtype], [[1, 2], torch.float64]);
    assert.deepEqual(x.new().shape, [0]);
    assert.deepEqual(x.new(3, { device: "cpu" }).shape, [3]);
    assert.deepEqual(torch.ones(2, { dtype: torch.int32 }).new([1.5]).tolist(), [1]);
    const t = torch.tensor([1.5, 2], { dtype: torch.float64 });
    x.new(t).set([0], 9);
    assert.deepEqual(t.tolist(), [9, 2], "a tensor of self's dtype comes back as a view of itself");
  });
  test("errors", () => {
    const x = torch.ones(2, { dtype: torch.float64 });
    assert.throws(() => x.new(torch.tensor([1, 2])), /expected a tensor of dtype torch.float64 \(got torch.int64\)/);
    assert.throws(() => x.new(2.5), /new\(\): data must be a sequence \(got float\)/);
    assert.throws(() => x.new([1, 2], { dtype: torch.int32 } as never), /only the keyword device/);
  });
});
