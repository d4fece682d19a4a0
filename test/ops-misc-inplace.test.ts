// In-place BLAS forms (addmm_, addbmm_, baddbmm_, addmv_, addr_), cumprod_/cumsum_ and
// fill_diagonal_: values, version counter, leaf rule, autograd through the in-place op, and
// PyTorch 1.13's errors (the comments give the Python calls).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f64 = (...shape: number[]): T => torch.arange(shape.reduce((a, b) => a * b, 1), { dtype: torch.float64 }).sin().reshape(shape);
const gradcheck = (f: (...xs: T[]) => T, inputs: T[]): void => assert.ok(torch.autograd.gradcheck(f, inputs.map((x) => x.requiresGrad_())), "gradcheck");

describe("in-place addmm family", () => {
  const cases: [string, (s: T, a: T, b: T, o: { beta: number; alpha: number }) => T, (s: T, a: T, b: T, o: { beta: number; alpha: number }) => T, number[], number[], number[]][] = [
    ["addmm_", (s, a, b, o) => s.addmm_(a, b, o), (s, a, b, o) => torch.addmm(s, a, b, o), [2, 3], [2, 4], [4, 3]],
    ["addbmm_", (s, a, b, o) => s.addbmm_(a, b, o), (s, a, b, o) => torch.addbmm(s, a, b, o), [2, 3], [5, 2, 4], [5, 4, 3]],
    ["baddbmm_", (s, a, b, o) => s.baddbmm_(a, b, o), (s, a, b, o) => torch.baddbmm(s, a, b, o), [5, 2, 3], [5, 2, 4], [5, 4, 3]],
    ["addmv_", (s, a, b, o) => s.addmv_(a, b, o), (s, a, b, o) => torch.addmv(s, a, b, o), [2], [2, 4], [4]],
    ["torch.addmv_", (s, a, b, o) => torch.addmv_(s, a, b, o), (s, a, b, o) => torch.addmv(s, a, b, o), [2], [2, 4], [4]],
    ["addr_", (s, a, b, o) => s.addr_(a, b, o), (s, a, b, o) => torch.addr(s, a, b, o), [2, 3], [2], [3]],
  ];
  for (const [name, inPlace, outOfPlace, sShape, aShape, bShape] of cases) {
    test(`${name}: values, version, leaf rule, gradients`, () => {
      const o = { beta: 0.5, alpha: 2 };
      const s = f64(...sShape), a = f64(...aShape).cos(), b = f64(...bShape);
      const expected = outOfPlace(s, a, b, o).tolist();
      const v0 = s._version;
      assert.equal(inPlace(s, a, b, o), s);
      closeNested(s.tolist(), expected);
      assert.ok(s._version > v0);
      throwsMsg(() => inPlace(f64(...sShape).requiresGrad_(), a, b, o), "a leaf Variable that requires grad is being used in an in-place operation.");
      gradcheck((x, y, z) => inPlace(x.mul(1), y, z, o), [f64(...sShape), f64(...aShape), f64(...bShape)]);
    });
  }
  test("self keeps its size: no broadcasting in place", () => {
    // torch.zeros(2).addmm_(torch.ones(2,2), torch.ones(2,2))
    throwsMsg(() => torch.zeros(2).addmm_(torch.ones(2, 2), torch.ones(2, 2)), "Bad in-place call: input tensor size [2] and output tensor size [2, 2] should match");
    throwsMsg(() => torch.zeros(1, 2, 2).baddbmm_(torch.ones(3, 2, 2), torch.ones(3, 2, 2)), "Bad in-place call: input tensor size [1, 2, 2] and output tensor size [3, 2, 2] should match");
    const x = torch.zeros(1, 2);
    assert.throws(() => x.addr_(torch.ones(2), torch.ones(2)));
    assert.deepEqual(x.tolist(), [[0, 0]]);
  });
  test("arguments: options, keywords, out= refused", () => {
    // torch.addmv_(torch.zeros(2), torch.ones(2,2), torch.ones(2), beta=0.5, alpha=2) -> [4., 4.]
    assert.deepEqual((torch.addmv_ as (...a: unknown[]) => T)(torch.zeros(2), { mat: torch.ones(2, 2), vec: torch.ones(2), beta: 0.5, alpha: 2 }).tolist(), [4, 4]);
    throwsMsg(() => torch.addmv_(torch.zeros(2), torch.ones(2, 2), torch.ones(2), { out: torch.zeros(2) } as never), "addmv_() got an unexpected keyword argument 'out'");
    throwsMsg(() => torch.zeros(2, 2).addmm_(torch.ones(2, 2), torch.ones(2, 2), { foo: 1 } as never), "addmm_() got an unexpected keyword argument 'foo'");
    throwsMsg(() => torch.zeros(2, 2, { dtype: torch.int64 }).addmm_(torch.ones(2, 2), torch.ones(2, 2)), "self and mat2 must have the same dtype");
  });
});

describe("cumprod_ and cumsum_", () => {
  test("values, dtype rule, gradient", () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    assert.deepEqual(x.cumprod_(1).tolist(), [[1, 2], [3, 12]]);
    // torch.ones(2,2,dtype=torch.int32).cumprod_(0,dtype=torch.float32)
    throwsMsg(() => torch.ones(2, 2, { dtype: torch.int32 }).cumprod_(0, { dtype: torch.float32 }), "Bad in-place call: input tensor dtype int and output tensor dtype float should match");
    throwsMsg(() => torch.ones(2, 2).cumsum_(0, { dtype: torch.float64 }), "Bad in-place call: input tensor dtype float and output tensor dtype double should match");
    throwsMsg(() => torch.ones(2).requiresGrad_().cumprod_(0), "a leaf Variable that requires grad is being used in an in-place operation.");
    gradcheck((t) => t.mul(1).cumprod_(0), [f64(3, 2)]);
  });
});

describe("fill_diagonal_", () => {
  test("square, wrap on a tall matrix, dims > 2", () => {
    // torch.zeros(7,3).fill_diagonal_(5, wrap=True)
    assert.deepEqual(torch.zeros(7, 3).fillDiagonal_(5, true).tolist(), [[5, 0, 0], [0, 5, 0], [0, 0, 5], [0, 0, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5]]);
    assert.deepEqual(torch.zeros(4, 2).fillDiagonal_(1).tolist(), [[1, 0], [0, 1], [0, 0], [0, 0]]);
    assert.deepEqual(torch.zeros(2, 3).fillDiagonal_(1, { wrap: true } as never).tolist(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(torch.zeros(2, 2, 2).fillDiagonal_(7).flatten().tolist(), [7, 0, 0, 0, 0, 0, 0, 7]);
    assert.deepEqual(torch.zeros(2, 2, { dtype: torch.int32 }).fillDiagonal_(2.5).tolist(), [[2, 0], [0, 2]]);
  });
  test("errors and autograd (an in-place fill of a view, as in PyTorch)", () => {
    throwsMsg(() => torch.zeros(3).fillDiagonal_(5), "dimensions must larger than 1");
    throwsMsg(() => torch.zeros(3, 3, 2).fillDiagonal_(5), "all dimensions of input must be of equal length");
    throwsMsg(() => torch.zeros(3, 3).requiresGrad_().fillDiagonal_(2), "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    const x = torch.zeros(3, 3).requiresGrad_();
    const y = x.mul(1).fillDiagonal_(2);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[0, 1, 1], [1, 0, 1], [1, 1, 0]]);
  });
});
