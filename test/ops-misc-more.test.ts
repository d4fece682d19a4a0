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

describe("split_with_sizes and the unsafe splits", () => {
  const x = torch.arange(6, { dtype: torch.float32 });
  const lists = (ts: T[]): unknown[] => ts.map((t) => t.tolist());
  test("values, views, methods and options", () => {
    assert.deepEqual(lists(torch.splitWithSizes(x, [2, 4])), [[0, 1], [2, 3, 4, 5]]);
    assert.deepEqual(lists(x.splitWithSizes([1, 5], { dim: 0 } as never)), [[0], [1, 2, 3, 4, 5]]);
    assert.deepEqual(lists(torch.splitWithSizes(x.reshape(2, 3), [1, 2], 1)), [[[0], [3]], [[1, 2], [4, 5]]]);
    assert.deepEqual(lists(torch.unsafeSplit(x, 4)), [[0, 1, 2, 3], [4, 5]]);
    assert.deepEqual(lists(x.unsafeSplitWithSizes([2, 4])), [[0, 1], [2, 3, 4, 5]]);
    assert.deepEqual(lists(torch.unsafeChunk(x, 4)), [[0, 1], [2, 3], [4, 5]]);
    assert.equal(torch.splitWithSizes(x, [3, 3])[1]!.storage, x.storage);
  });
  test("errors", () => {
    throwsMsg(() => torch.splitWithSizes(x, [2, 3]), "split_with_sizes expects split_sizes to sum exactly to 6 (input tensor's size at dimension 0), but got split_sizes=[2, 3]");
    throwsMsg(() => torch.splitWithSizes(x, [2, -1]), "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[2, -1]");
    throwsMsg(() => torch.unsafeChunk(x, 0), "chunk expects `chunks` to be greater than 0, got: 0");
    throwsMsg(() => torch.unsafeSplit(x, 0), "split_size can only be 0 if dimension size is 0, but got dimension size of 6");
  });
});

describe("Tensor.new_empty_strided and ndimension", () => {
  test("self's dtype and device by default", () => {
    const x = torch.ones(3, { dtype: torch.float64 });
    const y = x.newEmptyStrided([2, 2], [1, 2]);
    assert.deepEqual([y.shape, y.stride(), y.dtype], [[2, 2], [1, 2], torch.float64]);
    assert.equal(x.newEmptyStrided([2], [1], { dtype: torch.int32 }).dtype, torch.int32);
    throwsMsg(() => x.newEmptyStrided([2, 2], [1]), "dimensionality of sizes (2) must match dimensionality of strides (1)");
    assert.equal(torch.zeros(2, 3, 4).ndimension(), 3);
  });
});

describe("torch.detach, detach_, fill, constant_pad_nd", () => {
  test("detach / detach_", () => {
    const x = torch.ones(2).requiresGrad_(), y = x.mul(2);
    const d = torch.detach(y);
    assert.equal(d.requiresGrad, false);
    assert.equal(d.storage, y.storage);
    assert.equal(torch.detach_(y), y);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
  });
  test("fill: a new tensor, FillBackward0", () => {
    const x = torch.arange(6, { dtype: torch.float64 }).reshape(2, 3).requiresGrad_();
    const y = torch.fill(x, 3);
    assert.deepEqual(y.tolist(), [[3, 3, 3], [3, 3, 3]]);
    assert.equal(y.gradFn!.name(), "FillBackward0");
    assert.deepEqual((x.tolist() as number[][])[0], [0, 1, 2]);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[0, 0, 0], [0, 0, 0]]);
    // torch.fill(x.long(), 2.7) truncates; a 1-d value is refused
    assert.deepEqual(torch.fill(torch.zeros(2, { dtype: torch.int64 }), 2.7).tolist(), [2, 2]);
    assert.deepEqual(torch.fill(torch.zeros(2), torch.tensor(4)).tolist(), [4, 4]);
    throwsMsg(() => torch.fill(torch.zeros(2), torch.tensor([3, 4])), "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions.");
  });
  test("constant_pad_nd", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    // torch.constant_pad_nd(x, [1,1], 2.5); torch.constant_pad_nd(x, [1,1,0,1]); torch.constant_pad_nd(x, [-1,1])
    assert.deepEqual(torch.constantPadNd(x, [1, 1], 2.5).tolist(), [[2.5, 0, 1, 2, 2.5], [2.5, 3, 4, 5, 2.5]]);
    assert.deepEqual(torch.constantPadNd(x, [1, 1, 0, 1]).tolist(), [[0, 0, 1, 2, 0], [0, 3, 4, 5, 0], [0, 0, 0, 0, 0]]);
    assert.deepEqual(torch.constantPadNd(x, [-1, 1]).tolist(), [[1, 2, 0], [4, 5, 0]]);
    assert.deepEqual(torch.constantPadNd(x.long(), [1, 1], 2.5).tolist(), [[2, 0, 1, 2, 2], [2, 3, 4, 5, 2]]);
    throwsMsg(() => torch.constantPadNd(x, [1]), "Length of pad must be even but instead it equals 1");
    throwsMsg(() => torch.constantPadNd(x, [1, 1, 1, 1, 1, 1]), "Length of pad should be no more than twice the number of dimensions of the input. Pad length is 6while the input has 2dimensions.");
    gradcheck((t) => torch.constantPadNd(t, [1, -1, 2, 0], 3), [f64(2, 3)]);
  });
});

describe("torch.range (deprecated)", () => {
  test("end included, float by default, integer dtypes truncate the bounds, warns once", () => {
    const warn = console.warn, seen: unknown[] = [];
    console.warn = (m: unknown) => { seen.push(m); };
    try {
      assert.deepEqual(torch.range(1, 4).tolist(), [1, 2, 3, 4]);
      assert.equal(torch.range(1, 4).dtype, torch.float32);
      closeNested(torch.range(0, 1, 0.3).tolist(), [0, 0.3, 0.6, 0.9], 1e-7);
      assert.deepEqual(torch.range(4, 1, -1).tolist(), [4, 3, 2, 1]);
      // torch.range(0.5, 3, dtype=torch.int64) -> [0, 1, 2, 3]
      assert.deepEqual(torch.range(0.5, 3, { dtype: torch.int64 }).tolist(), [0, 1, 2, 3]);
      const out = torch.zeros(3, { dtype: torch.int64 });
      torch.range(0, 5, 2, { out });
      assert.deepEqual(out.tolist(), [0, 2, 4]);
      assert.equal(torch.range(0, 5, 2, { requiresGrad: true }).requiresGrad, true);
      throwsMsg(() => torch.range(4, 1), "upper bound and lower bound inconsistent with step sign");
      throwsMsg(() => torch.range(1, 4, 0), "step must be nonzero");
    } finally { console.warn = warn; }
    assert.equal(seen.length, 1, "warned once");
    assert.ok(seen.every((m) => String(m).includes("torch.range is deprecated")));
  });
});

describe("torch.frobenius_norm and torch.nuclear_norm", () => {
  const x = torch.arange(6, { dtype: torch.float64 }).reshape(2, 3);
  test("values and overloads", () => {
    // torch.frobenius_norm(x), (x, [1]), (x, 1, True); torch.nuclear_norm(x), (x, True), (x, [1, 0], True)
    closeNested(torch.frobeniusNorm(x).item(), 7.416198487095663);
    closeNested(torch.frobeniusNorm(x, [1]).tolist(), [2.23606797749979, 7.0710678118654755]);
    closeNested(torch.frobeniusNorm(x, 1, true).tolist(), [[2.23606797749979], [7.0710678118654755]]);
    closeNested(torch.nuclearNorm(x).item(), 8.348469228349535, 1e-10);
    assert.deepEqual(torch.nuclearNorm(x, true).shape, [1, 1]);
    closeNested(torch.nuclearNorm(x, [1, 0], true).tolist(), [[8.348469228349535]], 1e-10);
    // torch.nuclear_norm(torch.arange(8.).reshape(2,2,2), [1,2])
    closeNested(torch.nuclearNorm(torch.arange(8, { dtype: torch.float64 }).reshape(2, 2, 2), [1, 2]).tolist(), [4.242640687119285, 11.40175425099138], 1e-10);
    const out = torch.zeros(3, { dtype: torch.float64 });
    torch.frobeniusNorm(x, [0], false, { out });
    closeNested(out.tolist(), [3, 4.123105625617661, 5.385164807134504]);
    gradcheck((t) => torch.frobeniusNorm(t, [0, 1]), [f64(2, 3)]);
  });
  test("errors", () => {
    throwsMsg(() => torch.frobeniusNorm(x, [0, 1, 1]), "Expected at most 2 dimensions, but got 3 dimensions instead.");
    throwsMsg(() => torch.frobeniusNorm(x, [0, 0]), "Expected dims to be different, got [0, 0] instead");
    throwsMsg(() => torch.frobeniusNorm(x.long()), "norm(): input dtype should be either floating point or complex. Got Long instead.");
    throwsMsg(() => torch.nuclearNorm(torch.arange(4, { dtype: torch.float32 })), "Expected a tensor with 2 dimensions, but got a tensor with 1 dimension instead.");
    throwsMsg(() => torch.nuclearNorm(x, [0]), "nuclear norm requires a 'dim' argument of size 2");
    throwsMsg(() => torch.nuclearNorm(x.long()), "linalg.svd: Expected a floating point or complex tensor as input. Got Long");
  });
});

describe("torch.frombuffer", () => {
  test("shares the buffer's memory; count and offset", () => {
    const bytes = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // torch.frombuffer(bytearray(range(10)), dtype=torch.int16)
    assert.deepEqual(torch.frombuffer(bytes, { dtype: torch.int16 }).tolist(), [256, 770, 1284, 1798, 2312]);
    const t = torch.frombuffer(bytes.buffer, { dtype: torch.uint8, offset: 3, count: 4 });
    assert.deepEqual(t.tolist(), [3, 4, 5, 6]);
    t.set(0, 99);
    assert.equal(bytes[3], 99);
    bytes[4] = 77;
    assert.equal(t.get(1).item(), 77);
    // offsets count from a view's first byte
    assert.deepEqual(torch.frombuffer(bytes.subarray(2), { dtype: torch.int16, count: 1 }).tolist(), [99 * 256 + 2]);
    const shared = new Float32Array(new SharedArrayBuffer(8));
    torch.frombuffer(shared, { dtype: torch.float32 }).fill_(1.5);
    assert.deepEqual([...shared], [1.5, 1.5]);
    assert.equal(torch.frombuffer(shared, { dtype: torch.float32, requiresGrad: true }).requiresGrad, true);
  });
  test("errors", () => {
    const b = new Uint8Array(10);
    throwsMsg(() => torch.frombuffer(b, { dtype: torch.int32 }), "buffer length (10 bytes) after offset (0 bytes) must be a multiple of element size (4)");
    throwsMsg(() => torch.frombuffer(b, { dtype: torch.int32, count: 3 }), "requested buffer length (3 * 4 bytes) after offset (0 bytes) must not be greater than actual buffer length (10 bytes)");
    throwsMsg(() => torch.frombuffer(b, { dtype: torch.int32, offset: 12 }), "offset (12 bytes) must be non-negative and no greater than buffer length (10 bytes) minus 1");
    throwsMsg(() => torch.frombuffer(b, { dtype: torch.int32, count: 0 }), "both buffer length (10) and count (0) must not be 0");
    throwsMsg(() => torch.frombuffer(new ArrayBuffer(0), { dtype: torch.int32 }), "both buffer length (0) and count (-1) must not be 0");
    throwsMsg(() => torch.frombuffer(b, {}), 'frombuffer() missing 1 required positional arguments: "dtype"');
    assert.throws(() => torch.frombuffer(b, { dtype: torch.int32, offset: 2 }), /not a multiple of the element size/);
  });
});

describe("torch.convolution", () => {
  test("dispatches to conv / conv_transpose by weight's dims", () => {
    const x = f64(1, 2, 5, 5), w = f64(4, 2, 3, 3).cos(), b = f64(4);
    closeNested(torch.convolution(x, w, b, [2], [1], [1], false, [0], 1).tolist(), torch.nn.functional.conv2d(x, w, b, 2, 1).tolist());
    const x1 = f64(1, 2, 5), w1 = f64(2, 3, 3);
    // torch.convolution(x1, w1, None, [2], [1], [1], True, [1], 2): shape [1, 6, 10]
    const y = torch.convolution(x1, w1, null, [2], [1], [1], true, [1], 2);
    assert.deepEqual(y.shape, [1, 6, 10]);
    closeNested(y.tolist(), torch.nn.functional.convTranspose1d(x1, w1, null, 2, 1, 1, 2).tolist());
    gradcheck((p, q) => torch.convolution(p, q, null, [1], [0], [1], false, [0], 1), [f64(1, 1, 4), f64(2, 1, 2)]);
  });
  test("errors", () => {
    const x = torch.ones(1, 2, 5, 5), w = torch.ones(4, 2, 3, 3);
    throwsMsg(() => (torch.convolution as (...a: unknown[]) => T)(x, w, null, [1, 1], [0, 0], [1, 1], false, [0, 0]), 'convolution() missing 1 required positional arguments: "groups"');
    throwsMsg(() => torch.convolution(x, w, null, 1 as never, [0], [1], false, [0], 1), "convolution(): argument 'stride' (position 4) must be tuple of ints, not int");
    throwsMsg(() => torch.convolution(torch.ones(2, 5), torch.ones(4, 2, 3), null, [1], [0], [1], false, [0], 1), "Expected 3-dimensional input for 3-dimensional weight [4, 2, 3], but got 2-dimensional input of size [2, 5] instead");
    throwsMsg(() => torch.convolution(torch.ones(5), torch.ones(4), null, [1], [0], [1], false, [0], 1), "weight should have at least three dimensions");
    throwsMsg(() => torch.convolution(x, w, null, [1, 1, 1], [0, 0], [1, 1], false, [0, 0], 1), "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]");
    throwsMsg(() => torch.convolution(x, w, null, [1, 1], [0, 0], [1, 1], false, [0, 0], 1, { out: x } as never), "convolution() got an unexpected keyword argument 'out'");
  });
});

describe("the *_copy functions", () => {
  const x = torch.arange(12, { dtype: torch.float32 }).reshape(4, 3);
  const sameAs = (copy: T | T[], view: T | T[]): void => {
    const [cs, vs] = [copy, view].map((r) => (Array.isArray(r) ? r : [r])) as [T[], T[]];
    assert.equal(cs.length, vs.length);
    cs.forEach((c, i) => {
      assert.deepEqual([c.shape, c.tolist()], [vs[i]!.shape, vs[i]!.tolist()]);
      assert.notEqual(c.storage, x.storage, "never aliases the input");
      assert.ok(c.isContiguous());
    });
  };
  test("each equals its view op, copied", () => {
    sameAs(torch.aliasCopy(x), x);
    sameAs(torch.asStridedCopy(x, [2, 2], [1, 2], 1), x.asStrided([2, 2], [1, 2], 1));
    sameAs(torch.detachCopy(x), x);
    sameAs(torch.diagonalCopy(x, 1), x.diagonal(1));
    sameAs(torch.expandCopy(x.get(0), [2, 3], { implicit: true }), x.get(0).expand(2, 3));
    sameAs(torch.permuteCopy(x, [1, 0]), x.permute(1, 0));
    sameAs(torch.selectCopy(x, 0, 1), x.select(0, 1));
    sameAs(torch.sliceCopy(x), x);
    sameAs(torch.sliceCopy(x, 1, null, null, 2), x.get(":", "::2"));
    sameAs(torch.sliceCopy(x, { dim: 0, start: 1, end: -1 } as never), x.get("1:-1"));
    sameAs(torch.splitCopy(x, 3), x.split(3));
    sameAs(torch.splitWithSizesCopy(x, [1, 2], 1), x.split([1, 2], 1));
    sameAs(torch.squeezeCopy(x.get(null)), x);
    sameAs(torch.squeezeCopy(x.get(null), 0), x);
    sameAs(torch.tCopy(x), x.t());
    sameAs(torch.transposeCopy(x, 0, 1), x.transpose(0, 1));
    sameAs(torch.unbindCopy(x, 1), x.unbind(1));
    sameAs(torch.unfoldCopy(x, 0, 2, 2), x.unfold(0, 2, 2));
    sameAs(torch.unsqueezeCopy(x, 1), x.unsqueeze(1));
    sameAs(torch.viewCopy(x, [6, 2]), x.view(6, 2));
    // view_copy reshapes where a view is impossible: torch.view_copy(x.t(), [12])
    sameAs(torch.viewCopy(x.t(), [12]), x.t().reshape(12));
  });
  test("out=, errors, gradients", () => {
    const out = torch.zeros(3, 4);
    assert.equal(torch.tCopy(x, { out }), out);
    assert.deepEqual(out.tolist(), x.t().tolist());
    const outs = [torch.zeros(2, 3), torch.zeros(2, 3)];
    torch.splitCopy(x, 2, { out: outs });
    assert.deepEqual(outs.map((o) => o.tolist()), x.split(2).map((v) => v.tolist()));
    throwsMsg(() => torch.tCopy(x, { out: torch.zeros(3, 4, { dtype: torch.float64 }) }), "Expected out tensor to have dtype float, but got double instead");
    throwsMsg(() => torch.selectCopy(x, 0, 5), "select(): index 5 out of range for tensor of size [4, 3] at dimension 0");
    throwsMsg(() => torch.sliceCopy(x, 0, 1, 3, 1, 5 as never), "slice_copy() takes 5 positional arguments but 6 were given");
    throwsMsg(() => torch.viewCopy(x, [5]), "shape '[5]' is invalid for input of size 12");
    assert.equal(torch.detachCopy(f64(2).requiresGrad_()).requiresGrad, false);
    gradcheck((t) => torch.transposeCopy(t, 0, 1), [f64(2, 3)]);
    gradcheck((t) => torch.sliceCopy(t, 1, 0, 3, 2), [f64(2, 3)]);
    gradcheck((t) => torch.unbindCopy(t, 0)[1]!, [f64(2, 3)]);
  });
});
