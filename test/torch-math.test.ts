// torch.* math that translated programs call: quantile/nanquantile, cov/corrcoef, histogram,
// trapezoid family, window functions, isin, dist, inner, renorm, vander, h/v/dsplit,
// scalar_tensor, empty_strided. Expected values and messages recorded from PyTorch 1.13.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { closeNested as close, throwsMsg } from "./support/recorded.js";

type T = torch.Tensor;
const f64 = { dtype: "float64" as const };

const vals = (t: T): unknown => t.tolist();

describe("quantile and nanquantile", () => {
  const x = (): T => torch.tensor([[0.5, 3, -1, 2], [4, 1.5, 2.5, -2]], { ...f64, requiresGrad: true });
  test("interpolations, dims, keepdim", () => {
    close(torch.quantile(x(), 0.3).item(), 0.6);
    const q = torch.tensor([0.25, 0.5, 0.9], f64);
    const expected: Record<string, unknown> = {
      linear: [[[0.125], [0.625]], [[1.25], [2.0]], [[2.7], [3.5500000000000003]]],
      lower: [[[-1.0], [-2.0]], [[0.5], [1.5]], [[2.0], [2.5]]],
      higher: [[[0.5], [1.5]], [[2.0], [2.5]], [[3.0], [4.0]]],
      midpoint: [[[-0.25], [-0.25]], [[1.25], [2.0]], [[2.5], [3.25]]],
      nearest: [[[0.5], [1.5]], [[2.0], [2.5]], [[3.0], [4.0]]],
    };
    for (const m of ["linear", "lower", "higher", "midpoint", "nearest"] as const) {
      close(vals(torch.quantile(x(), q, 1, true, { interpolation: m })), expected[m]);
    }
    close(vals(x().quantile(0.4, 0)), [1.9000000000000001, 2.1, 0.4000000000000001, -0.3999999999999999]);
    // nearest rounds half to even
    close(vals(torch.quantile(torch.tensor([0, 1, 2, 3, 4.5]), torch.tensor([0.125, 0.375, 0.625, 0.875]), { interpolation: "nearest" })), [0, 2, 2, 4.5]);
    assert.deepEqual(torch.quantile(torch.tensor(3.5), 0.5, { keepdim: true }).shape, []);
    assert.deepEqual(torch.quantile(x(), 0.5, { keepdim: true }).shape, [1, 1]);
    assert.deepEqual(torch.quantile(x(), torch.tensor([0.5, 0.7], f64), { keepdim: true }).shape, [2, 1, 1]);
    assert.deepEqual(torch.quantile(x(), torch.tensor([0.5, 0.7], f64), 1).shape, [2, 2]);
    close(torch.quantile(torch.tensor(3.5), 0.2, 0).item(), 3.5);
  });
  test("NaN rows: quantile gives NaN, nanquantile skips NaN", () => {
    const y = torch.tensor([[1.5, NaN, 3], [2, 5, 4]]);
    close(vals(torch.quantile(y, 0.5, 1)), [NaN, 4]);
    close(vals(y.nanquantile(0.5, 1)), [2.25, 4]);
    close(torch.nanquantile(torch.tensor([NaN, NaN]), 0.5).item(), NaN);
  });
  test("gradient (through sort/gather/lerp)", () => {
    const xs = x();
    torch.quantile(xs, torch.tensor([0.3, 0.7], f64), 1).sum().backward();
    close(vals(xs.grad!), [[0.8999999999999999, 0.09999999999999964, 0.10000000000000009, 0.9000000000000004], [0.09999999999999964, 0.8999999999999999, 0.9000000000000004, 0.10000000000000009]]);
    assert.ok(torch.autograd.gradcheck((t: T) => torch.quantile(t, torch.tensor([0.2, 0.65], f64), 0), [torch.tensor([[0.3, -1.2], [2.5, 0.7], [1.1, 4.2]], { ...f64, requiresGrad: true })]));
  });
  test("errors", () => {
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), 1.5), "quantile() q must be in the range [0, 1] but got 1.5");
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), torch.tensor([0.5, 1.5])), "quantile() q values must be in the range [0, 1]");
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), torch.tensor([[0.5]])), "quantile() q must be a scalar or 1D tensor");
    throwsMsg(() => torch.quantile(torch.tensor([1, 2]), 0.5), "quantile() input tensor must be either float or double dtype");
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), torch.tensor([0.5], f64)), "quantile() q tensor must be same dtype as the input tensor");
    throwsMsg(() => torch.quantile(torch.tensor([]), 0.5), "quantile() input tensor must be non-empty");
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), 0.5, { interpolation: "foo" as never }), "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo");
    throwsMsg(() => torch.quantile(torch.tensor([1.5, 2]), 0.5, 1), "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  });
});

describe("cov and corrcoef", () => {
  const X = (): T => torch.tensor([[0, 1, 2.5, 4], [3, -1, 2, 0.5], [1, 1, 1, 2]], f64);
  test("values, weights, corner cases", () => {
    close(vals(torch.cov(X())), [[3.0625, -0.8125, 0.7083333333333334], [-0.8125, 3.0625, -0.20833333333333334], [0.7083333333333334, -0.20833333333333334, 0.25]]);
    close(vals(X().cov({ correction: 0 })), [[2.296875, -0.609375, 0.53125], [-0.609375, 2.296875, -0.15625], [0.53125, -0.15625, 0.1875]]);
    const fw = torch.tensor([1, 2, 1, 3]), aw = torch.tensor([0.5, 1, 2, 1], f64);
    close(vals(torch.cov(X(), { fweights: fw, aweights: aw })), [[2.292553191489362, 0.21276595744680843, 0.7021276595744681], [0.21276595744680843, 1.9015957446808514, -0.07978723404255322], [0.7021276595744681, -0.07978723404255322, 0.2872340425531915]]);
    close(torch.cov(X().get(0)).item(), 3.0625);
    assert.equal(torch.cov(torch.tensor([1, 2, 4])).dtype, torch.float32);
    close(vals(torch.corrcoef(X())), [[1.0, -0.2653061224489796, 0.8095238095238095], [-0.2653061224489796, 1.0, -0.2380952380952381], [0.8095238095238095, -0.2380952380952381, 1.0]]);
    close(torch.cov(torch.tensor([[1.5]])).item(), NaN);
  });
  test("gradient", () => {
    const Xr = X().requiresGrad_();
    torch.cov(Xr, { aweights: torch.tensor([0.5, 1, 2, 1], f64) }).sum().backward();
    const row = [-0.17857142857142858, -2.285714285714285, 1.2142857142857142, 1.2499999999999998];
    close(vals(Xr.grad!), [row, row, row]);
    assert.ok(torch.autograd.gradcheck((t: T) => torch.corrcoef(t), [torch.tensor([[0.3, -1.2, 0.9], [2.5, 0.7, -0.4]], { ...f64, requiresGrad: true })]));
  });
  test("errors", () => {
    const x = X();
    throwsMsg(() => torch.cov(torch.ones(2, 2, 2)), "cov(): expected input to have two or fewer dimensions but got an input with 3 dimensions");
    throwsMsg(() => torch.cov(x, { fweights: torch.tensor([1.5, 2, 1, 3]) }), "cov(): expected fweights to have integral dtype but got fweights with Float dtype");
    throwsMsg(() => torch.cov(x, { fweights: torch.tensor([1, -2, 1, 3]) }), "cov(): fweights cannot be negative");
    throwsMsg(() => torch.cov(x, { aweights: torch.tensor([1, -2, 1, 3], f64) }), "cov(): aweights cannot be negative");
    throwsMsg(() => torch.cov(x, { fweights: torch.tensor([1, 2]) }), "cov(): expected fweights to have the same numel as there are observations in the input but got 2 != 4");
    throwsMsg(() => torch.cov(x, { aweights: torch.tensor([1, 2, 3, 4]) }), "cov(): expected aweights to have floating point dtype but got aweights with Long dtype");
    throwsMsg(() => torch.cov(x, { fweights: torch.ones(2, 4, { dtype: "int64" }) }), "cov(): expected fweights to have one or fewer dimensions but got fweights with 2 dimensions");
    throwsMsg(() => torch.corrcoef(torch.ones(2, 2, 2)), "corrcoef(): expected input to have two or fewer dimensions but got an input with 3 dimensions");
  });
});

describe("histogram", () => {
  const x = (): T => torch.tensor([1, 2, 1, 4, 2.5, 3, 0], f64);
  test("bins, range, weight, density, edges tensor", () => {
    const h = torch.histogram(x(), 4);
    assert.deepEqual(vals(h.hist), [1, 2, 2, 2]);
    assert.deepEqual(vals(h.binEdges), [0, 1, 2, 3, 4]);
    const [hist, edges] = x().histogram(3, { range: [0.5, 3.0], weight: torch.tensor([1, 2, 3, 4, 5, 6, 7], f64), density: true });
    close(vals(hist!), [0.28235294117647053, 0.14117647058823535, 0.776470588235294]);
    close(vals(edges!), [0.5, 1.3333333333333335, 2.1666666666666665, 3.0]);
    assert.deepEqual(vals(torch.histogram(x(), torch.tensor([0, 1, 2.5, 10], f64)).hist), [1, 3, 3]);
    const same = torch.histogram(torch.tensor([2.5, 2.5]), 2);
    assert.deepEqual([vals(same.hist), vals(same.binEdges)], [[0, 2], [2, 2.5, 3]]);
    assert.deepEqual(torch.histogram(torch.arange(10).to("float32")).hist.shape, [100]);
    assert.deepEqual(vals(torch.histogram(torch.arange(10).to("float32"), { bins: 3 }).hist), [3, 3, 4]);
    const empty = torch.histogram(torch.tensor([]), 3);
    assert.deepEqual(vals(empty.hist), [0, 0, 0]);
    assert.equal(empty.hist.dtype, torch.float32);
  });
  test("errors", () => {
    throwsMsg(() => torch.histogram(torch.tensor([1, 2]), 2), "\"histogramdd\" not implemented for 'Long'");
    throwsMsg(() => torch.histogram(x(), 0), "torch.histogram(): bins must be > 0, but got 0 for dimension 0");
    throwsMsg(() => torch.histogram(x(), 2, { range: [3, 1] }), "torch.histogramdd: min should not exceed max, but got min 3 max 1 for dimension 0");
    throwsMsg(() => torch.histogram(torch.tensor([1.5, Infinity]), 2), "torch.histogramdd: dimension 0's range [1.5, inf] is not finite");
    throwsMsg(() => torch.histogram(x(), torch.tensor([0.5, 1])), "torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype double and bins for dimension 0 with dtype float");
    throwsMsg(() => torch.histogram(x(), 2, { weight: torch.ones(7) }), "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(double), and weight(float)");
    throwsMsg(() => torch.histogram(x(), 2, { weight: torch.ones(3, f64) }), "torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [7, 1] and weight with shape [3]");
    throwsMsg(() => torch.histogram(torch.tensor([1.5]), torch.tensor([[0.5, 1]])), "torch.histogramdd: bins tensor should have one dimension, but got 2 dimensions in the bins tensor for dimension 0");
  });
});

describe("trapezoid, trapz, cumulative_trapezoid", () => {
  const y = (): T => torch.tensor([1, 3, 2, 5], f64);
  const xs = (): T => torch.tensor([0, 1, 3, 3.5], f64);
  const a = (): T => torch.tensor([[1, -2, 3], [0.5, 4, -1]], f64);
  test("values", () => {
    assert.equal(torch.trapezoid(y()).item(), 8);
    assert.equal(torch.trapezoid(y(), { dx: 0.5 }).item(), 4);
    assert.equal(torch.trapezoid(y(), xs()).item(), 8.75);
    assert.deepEqual(vals(torch.trapezoid(a(), { dim: 0 })), [0.75, 1, 1]);
    assert.equal(torch.trapz(y(), xs()).item(), 8.75);
    assert.equal(torch.trapz(y(), { dx: 2 }).item(), 16);
    const ints = torch.trapezoid(torch.tensor([1, 2, 4]));
    assert.deepEqual([ints.item(), ints.dtype], [4.5, torch.float32]);
    assert.deepEqual(vals(torch.trapezoid(torch.tensor([[1.5, 2], [3, 4]]), torch.tensor([0.5, 2]))), [2.625, 5.25]);
    assert.deepEqual(vals(torch.trapezoid(torch.tensor([[1.5, 2], [3, 4]]), torch.tensor([[0.5, 2], [1, 5]]))), [2.625, 14]);
    assert.deepEqual(vals(torch.cumulativeTrapezoid(y())), [2, 4.5, 8]);
    assert.deepEqual(vals(torch.cumulativeTrapezoid(y(), xs())), [2, 7, 8.75]);
    assert.deepEqual(vals(torch.cumulativeTrapezoid(y(), { dx: 2 })), [4, 9, 16]);
    assert.deepEqual(vals(torch.cumulativeTrapezoid(a(), { dim: 0 })), [[0.75, 1, 1]]);
    assert.equal(torch.trapezoid(torch.tensor([])).item(), 0);
    assert.equal(torch.trapezoid(torch.tensor([2.5])).item(), 0);
    assert.deepEqual(torch.cumulativeTrapezoid(torch.tensor([2.5])).shape, [0]);
  });
  test("gradient in y and x", () => {
    assert.ok(torch.autograd.gradcheck((yy: T, xx: T) => torch.trapezoid(yy, xx), [torch.tensor([1.5, 3, 2.2], { ...f64, requiresGrad: true }), torch.tensor([0, 0.7, 2], { ...f64, requiresGrad: true })]));
  });
  test("errors", () => {
    throwsMsg(() => torch.trapezoid(y(), torch.tensor([1.5, 2], f64)), "trapezoid: There must be one `x` value for each sample point");
    throwsMsg(() => torch.trapezoid(torch.tensor(1.5)), "Dimension specified as -1 but tensor has no dimensions");
  });
});

describe("window functions", () => {
  const windows: [string, (...a: unknown[]) => T, number[], number[]][] = [
    ["hann", torch.hannWindow as never, [0.0, 0.3454915028125263, 0.9045084971874737, 0.9045084971874737, 0.3454915028125264], [0.0, 0.49999999999999994, 1.0, 0.5000000000000001, 0.0]],
    ["hamming", torch.hammingWindow as never, [0.08000000000000002, 0.3978521825875242, 0.9121478174124757, 0.912147817412476, 0.3978521825875243], [0.08000000000000002, 0.54, 1.0, 0.5400000000000001, 0.08000000000000002]],
    ["blackman", torch.blackmanWindow as never, [0.0, 0.20077014326253045, 0.8492298567374694, 0.8492298567374696, 0.20077014326253056], [0.0, 0.33999999999999997, 1.0, 0.3400000000000001, 0.0]],
    ["bartlett", torch.bartlettWindow as never, [0.0, 0.4, 0.8, 0.7999999999999998, 0.3999999999999999], [0.0, 0.5, 1.0, 0.5, 0.0]],
    ["kaiser", torch.kaiserWindow as never, [5.2773441320097665e-05, 0.10171968770956323, 0.7929398341014605, 0.7929398341014605, 0.10171968770956323], [5.2773441320097665e-05, 0.2156727447589671, 1.0, 0.2156727447589671, 5.2773441320097665e-05]],
  ];
  for (const [name, fn, periodic, symmetric] of windows) {
    test(name, () => {
      close(vals(fn(5, f64)), periodic, 1e-13);
      close(vals(fn(5, false, f64)), symmetric, 1e-13);
      assert.deepEqual(vals(fn(1)), [1]);
      assert.deepEqual(vals(fn(0)), []);
      assert.equal(fn(4).dtype, torch.float32);
    });
  }
  test("parameters, float32 rounding, factory options", () => {
    close(vals(torch.hammingWindow(5, false, 0.6, 0.3, f64)), [0.3, 0.6, 0.8999999999999999, 0.6, 0.3]);
    close(vals(torch.kaiserWindow(6, true, 5.0, f64)), [0.036710892271286676, 0.3282019573723212, 0.7753221044454067, 1.0, 0.7753221044454067, 0.3282019573723212], 1e-13);
    close(vals(torch.kaiserWindow(6, { periodic: false, beta: 8.0, ...f64 })), [0.002338830512733327, 0.22677684133642736, 0.8598020817729667, 0.8598020817729667, 0.22677684133642736, 0.002338830512733327], 1e-13);
    assert.deepEqual(vals(torch.hannWindow(6)), [0.0, 0.25, 0.75, 1.0, 0.7499999403953552, 0.2500000596046448]);
    assert.deepEqual(vals(torch.blackmanWindow(7)), [-2.9802322387695312e-08, 0.09045341610908508, 0.4591829478740692, 0.9203636646270752, 0.9203635454177856, 0.4591829776763916, 0.09045332670211792]);
    const w = torch.hannWindow(3, { requiresGrad: true });
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);
    throwsMsg(() => torch.hannWindow(-1), "hann_window requires non-negative window_length, got window_length=-1");
    throwsMsg(() => torch.hannWindow(3, { dtype: "int64" }), "hann_window expects floating point dtypes, got: torch.int64");
  });
});

describe("isin", () => {
  const a = (): T => torch.tensor([[1, 2], [3, 4]]);
  const b = (): T => torch.tensor([2, 3, 7]);
  test("tensor and scalar operands, invert, promotion, NaN", () => {
    assert.deepEqual(vals(torch.isin(a(), b())), [[false, true], [true, false]]);
    assert.deepEqual(vals(torch.isin(a(), b(), { invert: true })), [[true, false], [false, true]]);
    assert.deepEqual(vals(torch.isin(a(), 3)), [[false, false], [true, false]]);
    const scalar = torch.isin(2, b());
    assert.deepEqual([scalar.shape, scalar.item()], [[], true]);
    assert.deepEqual(vals(torch.isin(torch.tensor([1.5, 2.5]), torch.tensor([2.5]), { assumeUnique: true })), [false, true]);
    assert.deepEqual(vals(torch.isin(torch.tensor([1.5, NaN]), torch.tensor([NaN, 1.5]))), [true, false]);
    assert.deepEqual(vals(torch.isin(torch.tensor([1, 2]), torch.tensor([1.0, 2.5]))), [true, false]);
    assert.deepEqual(vals(torch.isin(torch.tensor([1, 2, 3]), torch.tensor([[1], [3]]), { invert: true })), [false, true, false]);
    assert.deepEqual(vals(torch.isin(torch.tensor([2n ** 53n + 1n]), torch.tensor([2n ** 53n]))), [false]);
    assert.equal(torch.isin(a(), b()).dtype, torch.bool);
  });
  test("errors", () => {
    assert.throws(() => torch.isin(2, 3), /isin\(\) received an invalid combination of arguments - got \(int, int\)/);
    throwsMsg(() => torch.isin(torch.tensor([true]), torch.tensor([1])), "Unsupported input type encountered for isin(): Bool");
  });
});

describe("dist, inner, renorm, vander", () => {
  const a = (): T => torch.tensor([[1, -2, 3], [0.5, 4, -1]], f64);
  const b = (): T => torch.tensor([2, 1, -1], f64);
  test("dist", () => {
    const expected: [number, number][] = [[2, 6.103277807866851], [1, 12.5], [0, 5], [Infinity, 4], [-Infinity, 0], [3.5, 4.7094108870189]];
    for (const [p, v] of expected) close(torch.dist(a(), b(), p).item(), v);
    close(a().dist(b()).item(), 6.103277807866851);
    assert.equal(torch.dist(torch.tensor([1.5, 2]), torch.tensor([1, 3], f64)).dtype, torch.float64);
    throwsMsg(() => torch.dist(torch.tensor([1, 2]), torch.tensor([1, 3])), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long");
    assert.ok(torch.autograd.gradcheck((x: T, y: T) => torch.dist(x, y, 3), [a().requiresGrad_(), b().requiresGrad_()]));
  });
  test("inner", () => {
    assert.deepEqual(vals(torch.inner(a(), a())), [[14, -10.5], [-10.5, 17.25]]);
    assert.equal(b().inner(b()).item(), 6);
    assert.deepEqual(vals(torch.inner(a(), torch.tensor(2, f64))), [[2, -4, 6], [1, 8, -2]]);
    assert.deepEqual(vals(torch.inner(torch.arange(24).to("float32").view(2, 3, 4), torch.arange(8).to("float32").view(2, 4))), [[[14, 38], [38, 126], [62, 214]], [[86, 302], [110, 390], [134, 478]]]);
    assert.equal(torch.inner(torch.tensor([1, 2]), torch.tensor([3, 4])).item(), 11);
    throwsMsg(() => torch.inner(a(), torch.ones(2, f64)), "inner() the last dimension must match on both input tensors but got shapes [2, 3] and [2]");
  });
  test("renorm and renorm_", () => {
    const x = (): T => torch.tensor([[1, 2, 3], [4, 5, 6], [0.1, 0.2, 0.3]], f64);
    close(vals(torch.renorm(x(), 2, 0, 5)), [[1.0, 2.0, 3.0], [2.2792115032187334, 2.8490143790234166, 3.4188172548281], [0.1, 0.2, 0.3]]);
    close(vals(x().renorm(1, 1, 6)), [[1.0, 1.6666666435185187, 1.9354838501560874], [4.0, 4.166666608796296, 3.8709677003121747], [0.1, 0.16666666435185187, 0.19354838501560875]]);
    close(vals(torch.renorm(x(), Infinity, 0, 2)), [[0.6666666444444452, 1.3333332888888905, 1.9999999333333358], [1.3333333111111114, 1.6666666388888893, 1.999999966666667], [0.1, 0.2, 0.3]]);
    const xr = x().requiresGrad_();
    torch.renorm(xr, 2, 0, 5).sum().backward();
    close(vals(xr.grad!), [[1.0, 1.0, 1.0], [0.12580063997779214, 0.014800081021069368, -0.09620047793565335], [1.0, 1.0, 1.0]], 1e-9);
    const y = torch.tensor([[1.5, 2, 3], [4, 5, 6]]);
    assert.equal(y.renorm_(2, 0, 5), y);
    close(vals(y), [[1.5, 2, 3], [2.2792115, 2.8490143, 3.4188172]], 1e-6);
    const leaf = torch.tensor([[1.5, 2, 3], [4, 5, 6]], { requiresGrad: true });
    throwsMsg(() => leaf.renorm_(2, 0, 1), "a leaf Variable that requires grad is being used in an in-place operation.");
    const w = leaf.mul(1);
    w.renorm_(2, 0, 5);
    w.sum().backward();
    close(vals(leaf.grad!), [[1, 1, 1], [0.12580063939094543, 0.01480008102953434, -0.09620048105716705]], 1e-6);
    throwsMsg(() => torch.renorm(x(), -1, 0, 5), "renorm: non-positive-norm not supported");
    throwsMsg(() => torch.renorm(x(), 2, 0, -5), "renorm: expected maxnorm to be >= 0 but got -5");
    throwsMsg(() => torch.renorm(torch.tensor([1, 2]), 2, 0, 1), "renorm: input needs at least 2 dimensions, got 1 dimensions");
    throwsMsg(() => torch.renorm(x(), 2, 3, 1), "Dimension out of range (expected to be in range of [-2, 1], but got 3)");
    throwsMsg(() => torch.renorm(torch.tensor([[1, 2], [3, 4]]), 2, 0, 1), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long");
  });
  test("vander", () => {
    assert.deepEqual(vals(torch.vander(torch.tensor([1, 2, 3]))), [[1, 1, 1], [4, 2, 1], [9, 3, 1]]);
    assert.deepEqual(vals(torch.vander(torch.tensor([1.5, 2, 3]), 2, true)), [[1, 1.5], [1, 2], [1, 3]]);
    assert.deepEqual(vals(torch.vander(torch.tensor([2.5, 3]), { N: 4, increasing: true })), [[1, 2.5, 6.25, 15.625], [1, 3, 9, 27]]);
    assert.deepEqual(torch.vander(torch.tensor([2, 3]), 0).shape, [2, 0]);
    assert.equal(torch.vander(torch.tensor([true, false])).dtype, torch.int64);
    assert.equal(torch.vander(torch.tensor([1, 2], { dtype: "int32" })).dtype, torch.int64);
    assert.ok(torch.autograd.gradcheck((x: T) => torch.vander(x, 4), [torch.tensor([1.5, -0.5, 2], { ...f64, requiresGrad: true })]));
    throwsMsg(() => torch.vander(torch.ones(2, 2)), "x must be a one-dimensional tensor.");
    throwsMsg(() => torch.vander(torch.ones(2), -1), "N must be non-negative.");
  });
});

describe("hsplit, vsplit, dsplit", () => {
  const t = (): T => torch.arange(24).view(2, 3, 4);
  test("sections and indices", () => {
    assert.deepEqual(torch.hsplit(t(), [1, 2]).map((s) => s.shape), [[2, 1, 4], [2, 1, 4], [2, 1, 4]]);
    assert.deepEqual(torch.vsplit(t(), 2).map((s) => s.shape), [[1, 3, 4], [1, 3, 4]]);
    assert.deepEqual(t().dsplit(2).map((s) => vals(s)), [[[[0, 1], [4, 5], [8, 9]], [[12, 13], [16, 17], [20, 21]]], [[[2, 3], [6, 7], [10, 11]], [[14, 15], [18, 19], [22, 23]]]]);
    assert.deepEqual(torch.arange(6).hsplit(3).map((s) => vals(s)), [[0, 1], [2, 3], [4, 5]]);
    assert.deepEqual(torch.hsplit(torch.ones(2, 3), [-1]).map((s) => s.shape), [[2, 2], [2, 1]]);
  });
  test("errors", () => {
    throwsMsg(() => torch.hsplit(t(), 2), "torch.hsplit attempted to split along dimension 1, but the size of the dimension 3 is not divisible by the split_size 2!");
    throwsMsg(() => torch.vsplit(torch.arange(3), 1), "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!");
    throwsMsg(() => torch.dsplit(torch.ones(2, 2), 1), "torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with 2 dimensions!");
    throwsMsg(() => torch.hsplit(torch.tensor(1.5), 1), "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!");
    throwsMsg(() => torch.dsplit(t(), 3), "torch.dsplit attempted to split along dimension 2, but the size of the dimension 4 is not divisible by the split_size 3!");
    throwsMsg(() => torch.hsplit(torch.arange(6), 0), "torch.hsplit attempted to split along dimension 0, but the size of the dimension 6 is not divisible by the split_size 0!");
  });
});

describe("scalar_tensor and empty_strided", () => {
  test("scalar_tensor", () => {
    const s = torch.scalarTensor(3);
    assert.deepEqual([s.shape, s.dtype, s.item()], [[], torch.float32, 3]);
    assert.equal(torch.scalarTensor(true).dtype, torch.float32);
    assert.equal(torch.scalarTensor(2, { dtype: "int32" }).dtype, torch.int32);
    assert.equal(torch.scalarTensor(2.5, { requiresGrad: true }).requiresGrad, true);
  });
  test("empty_strided", () => {
    const e = torch.emptyStrided([2, 3], [1, 2]);
    assert.deepEqual([e.shape, e.stride(), e.storage.length, e.dtype], [[2, 3], [1, 2], 6, torch.float32]);
    assert.equal(torch.emptyStrided([2, 3], [0, 1]).storage.length, 3);
    assert.equal(torch.emptyStrided([2, 0], [5, 1]).storage.length, 0);
    assert.equal(torch.emptyStrided([2], [1], { dtype: "int64" }).dtype, torch.int64);
    throwsMsg(() => torch.emptyStrided([2, 3], [1]), "dimensionality of sizes (2) must match dimensionality of strides (1)");
    throwsMsg(() => torch.emptyStrided([2, -3], [1, 2]), "Trying to create tensor with negative dimension -3: [2, -3]");
  });
});

describe("matrix_exp", () => {
  const A = (): T => torch.tensor([[0.5, -1.2, 0.3], [2.0, 0.1, -0.7], [0.4, 1.5, -0.2]], f64);
  const expA = [[0.5721757803736478, -0.7634520546325887, 0.5710941933110028], [1.4796185309810876, -0.2642272606102818, -0.08054552327453088], [1.590252684121764, 0.527794875462749, 0.6988286970258893]];
  test("values: small, scaled and squared, batched, 1x1, empty", () => {
    close(vals(torch.matrixExp(A())), expA, 1e-14);
    close(vals(A().mul(7).matrixExp()), [[6.057012598059402, -1.0853236903951506, 3.8067906572457337], [3.7354421799734414, 0.2844474841781616, 2.7588863173220717], [12.781998326920412, -2.60920891543611, 10.742468278029678]], 1e-13);
    close(vals(torch.linalg.matrixExp(torch.stack([A(), A().mul(-2)]))), [expA, [[-0.3122680559866421, -0.38871690975209394, 0.4141146657377147], [0.8205683637907135, -0.9268893778525192, 0.07732275939011271], [1.2429802777991794, 0.13037725422785557, -0.062238449059305805]]], 1e-13);
    close(vals(torch.matrixExp(torch.tensor([[1.5]]))), [[4.481688976287842]], 1e-7);
    close(vals(torch.matrixExp(torch.tensor([[0, 1], [-1, 0]], { dtype: "float32" }))), [[0.5403022766113281, 0.8414709568023682], [-0.8414709568023682, 0.5403022766113281]], 1e-7);
    assert.deepEqual(torch.matrixExp(torch.zeros(0, 0)).shape, [0, 0]);
  });
  test("gradient and double backward", () => {
    const Ar = A().requiresGrad_();
    torch.matrixExp(Ar).sin().sum().backward();
    close(vals(Ar.grad!), [[0.34490971249508795, 1.907491106858887, 3.3116789687190153], [-0.5599752573887127, -0.16261039340230474, 0.5768386162768275], [-0.00165209040597317, 0.4101523085606096, 0.9870861632527173]], 1e-12);
    assert.ok(torch.autograd.gradcheck((a: T) => torch.matrixExp(a), [A().mul(3).requiresGrad_()]));
    assert.ok(torch.autograd.gradgradcheck((a: T) => torch.matrixExp(a), [A().requiresGrad_()]));
  });
  test("errors", () => {
    throwsMsg(() => torch.matrixExp(torch.ones(2, 3)), "linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices");
    throwsMsg(() => torch.matrixExp(torch.ones(3)), "linalg.matrix_exp: The input tensor A must have at least 2 dimensions.");
    throwsMsg(() => torch.matrixExp(torch.ones(2, 2, { dtype: "int64" })), "matrix_exp: Expected a floating point or complex tensor as input. Got Long");
  });
});

describe("gradient", () => {
  const y = (): T => torch.tensor([1, 4, 9, 16, 25, 30], f64);
  const m = (): T => torch.tensor([[1, 2, 4, 8], [10, 20, 40, 80], [3, 1, 4, 1]], f64);
  const all = (ts: T[]): unknown => ts.map(vals);
  test("uniform and coordinate spacing, edge orders, dims", () => {
    assert.deepEqual(all(torch.gradient(y())), [[3, 4, 6, 8, 7, 5]]);
    assert.deepEqual(all(torch.gradient(y(), { spacing: 2 })), [[1.5, 2, 3, 4, 3.5, 2.5]]);
    assert.deepEqual(all(torch.gradient(y(), { edgeOrder: 2 })), [[2, 4, 6, 8, 7, 3]]);
    const c = torch.tensor([0, 1, 1.5, 3, 4, 6], f64);
    close(all(torch.gradient(y(), { spacing: [c] })), [[3.0, 7.666666666666667, 8.666666666666666, 7.2666666666666675, 6.833333333333334, 2.5]]);
    close(all(torch.gradient(y(), { spacing: [c], edgeOrder: 2 })), [[-1.666666666666666, 7.666666666666667, 8.666666666666666, 7.2666666666666675, 6.833333333333334, -1.8333333333333357]]);
    assert.deepEqual(all(torch.gradient(m())), [[[9, 18, 36, 72], [1, -0.5, 0, -3.5], [-7, -19, -36, -79]], [[1, 1.5, 3, 4], [10, 15, 30, 40], [-2, 0.5, 0, -3]]]);
    assert.deepEqual(all(torch.gradient(m(), { dim: 1 })), [[[1, 1.5, 3, 4], [10, 15, 30, 40], [-2, 0.5, 0, -3]]]);
    assert.deepEqual(all(torch.gradient(m(), { spacing: [2, 0.5] })), [[[4.5, 9, 18, 36], [0.5, -0.25, 0, -1.75], [-3.5, -9.5, -18, -39.5]], [[2, 3, 6, 8], [20, 30, 60, 80], [-4, 1, 0, -6]]]);
    close(all(torch.gradient(m(), { spacing: [torch.tensor([0, 1, 3], f64)], dim: 0 })), [[[9, 18, 36, 72], [4.833333333333333, 8.833333333333332, 18, 34.83333333333333], [-3.5, -9.5, -18, -39.5]]]);
    const ints = torch.gradient(torch.tensor([1, 4, 9, 16]))[0]!;
    assert.deepEqual([vals(ints), ints.dtype], [[3, 4, 6, 7], torch.float32]);
    assert.ok(torch.autograd.gradcheck((a: T, x: T) => torch.gradient(a, { spacing: [x], edgeOrder: 2 })[0]!, [torch.tensor([1.5, 3, 2.2, 0.4], { ...f64, requiresGrad: true }), torch.tensor([0, 0.7, 2, 2.5], { ...f64, requiresGrad: true })]));
  });
  test("errors", () => {
    throwsMsg(() => torch.gradient(y(), { edgeOrder: 3 }), "torch.gradient only supports edge_order=1 and edge_order=2.");
    throwsMsg(() => torch.gradient(torch.ones(2), { edgeOrder: 2 }), "torch.gradient expected each dimension size to be at least edge_order+1");
    throwsMsg(() => torch.gradient(torch.ones(1)), "torch.gradient expected each dimension size to be at least edge_order+1");
    throwsMsg(() => torch.gradient(m(), { spacing: [1, 2, 3] }), "torch.gradient expected spacing to be unspecified, a scalar or a list of length 2 but got a list of length 3");
    throwsMsg(() => torch.gradient(m(), { spacing: [1, 2], dim: 1 }), "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of length 2 and a dim argument of length 1.");
    // PyTorch returns inf/nan here; torch-ts names the mismatch
    throwsMsg(() => torch.gradient(y(), { spacing: [torch.ones(3, f64)] }), "torch.gradient expected each coordinate tensor of spacing to be 1-d with input.size(0) = 6 elements, but got shape [3]");
  });
});

describe("logcumsumexp", () => {
  test("PyTorch's log-add-exp: a tiny exp kept (log1p), +inf and -inf runs, NaN", () => {
    // torch.logcumsumexp(torch.tensor([...]), 0) on PyTorch 1.13
    const x = torch.tensor([0, -40, -100, 88, 89, -1e30, Infinity, 3]);
    assert.deepEqual(vals(x.logcumsumexp(0)), [0, 4.24835413113866e-18, 4.24835413113866e-18, 88, 89.31326293945312, 89.31326293945312, Infinity, Infinity]);
    assert.deepEqual(vals(torch.tensor([1e30, 1e30, -Infinity, Infinity, Infinity, -Infinity]).logcumsumexp(0)),
      [1.0000000150474662e+30, 1.0000000150474662e+30, 1.0000000150474662e+30, Infinity, Infinity, Infinity]);
    assert.deepEqual(vals(torch.tensor([-Infinity, -Infinity, 1, Infinity, 2, Infinity, NaN, 1]).logcumsumexp(0)), [-Infinity, -Infinity, 1, Infinity, Infinity, Infinity, NaN, NaN]);
    assert.deepEqual(vals(torch.full([3], -Infinity).logcumsumexp(0)), [-Infinity, -Infinity, -Infinity]);
  });
  test("integers and bools are refused, as PyTorch has no kernel for them", () => {
    // torch.tensor([1, 2]).logcumsumexp(0): "logcumsumexp_out_cpu" not implemented for 'Long'
    assert.throws(() => torch.tensor([1, 2]).logcumsumexp(0), { message: `"logcumsumexp_out_cpu" not implemented for 'Long'` });
    assert.throws(() => torch.tensor([true]).logcumsumexp(0), { message: `"logcumsumexp_out_cpu" not implemented for 'Bool'` });
  });
});

describe("searchsorted and bucketize", () => {
  test("a NaN value goes after every element (PyTorch's !(x >= v) / !(x > v) tests)", () => {
    // torch.searchsorted(torch.tensor([1., 2, 3]), torch.tensor([nan, 2., 0, 5])) on PyTorch 1.13
    const s = torch.tensor([1, 2, 3], { dtype: "float32" }), v = torch.tensor([NaN, 2, 0, 5]);
    assert.deepEqual(vals(torch.searchsorted(s, v)), [3, 1, 0, 3]);
    assert.deepEqual(vals(torch.searchsorted(s, v, { right: true })), [3, 2, 0, 3]);
    assert.deepEqual(vals(torch.bucketize(v, s)), [3, 1, 0, 3]);
    assert.deepEqual(vals(torch.bucketize(v, s, { right: true })), [3, 2, 0, 3]);
  });
});
