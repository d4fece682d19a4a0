// Complex math against PyTorch 1.13: values and gradients from test/fixtures/complex/math.json
// (made by math.py next to it), errors and predicates as PyTorch words them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const { Complex } = torch;
const c = (re: number, im: number) => new Complex(re, im);
type Tensor = torch.Tensor;

interface Encoded { shape: number[]; dtype: string; pairs?: number[]; values?: (number | boolean)[] }
interface Case { name: string; inputs: Encoded[]; out: Encoded; node: string | null; grads?: Encoded[] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/complex/math.json", import.meta.url), "utf8")) as { cases: Case[] };

function decode(e: Encoded): Tensor {
  const dtype = e.dtype as torch.DTypeName;
  if (e.pairs) return torch.viewAsComplex(torch.tensor(e.pairs, { dtype: torch.float64 }).reshape([...e.shape, 2])).to(dtype);
  return torch.tensor(e.values as number[], { dtype: torch.float64 }).reshape(e.shape).to(dtype);
}
const numbers = (t: Tensor): number[] => (t.dtype.isComplex ? torch.viewAsReal(t.to(torch.complex128).resolveConj()) : t.to(torch.float64)).flatten().tolist() as number[];

function assertClose(what: string, actual: Tensor, expected: Encoded, tol: number): void {
  assert.equal(actual.dtype.name, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = numbers(actual), e = expected.pairs ?? (expected.values as number[]);
  a.forEach((v, i) => {
    const x = e[i]!;
    const ok = Number.isNaN(x) ? Number.isNaN(v) : !Number.isFinite(x) ? v === x : Math.abs(v - x) <= tol * (1 + Math.abs(x));
    assert.ok(ok, `${what}[${i}]: ${v} vs ${x}`);
  });
}

const unary = (name: string) => (z: Tensor) => (torch as unknown as Record<string, (t: Tensor) => Tensor>)[name]!(z);
const WHERE_MASK = () => torch.tensor([[true, false, true], [false, false, true]]);
const OPS: Record<string, (...xs: Tensor[]) => Tensor> = {
  "pow/scalar2.5": (a) => torch.pow(a!, 2.5),
  "pow/scalar2": (a) => torch.pow(a!, 2),
  "pow/scalar-1": (a) => torch.pow(a!, -1),
  "pow/scalar0": (a) => torch.pow(a!, 0),
  "pow/complexscalar": (a) => torch.pow(a!, c(0.5, -1.5)),
  "pow/tensors": (a, b) => torch.pow(a!, b!),
  "pow/broadcast": (a, b) => torch.pow(a!, b!),
  "pow/number**z": (a) => torch.pow(2.0, a!),
  "pow/complex**z": (a) => torch.pow(c(0.5, 1), a!),
  "pow/real**complexscalar": (a) => torch.pow(a!, c(0.5, 1)),
  "pow/real**complextensor": (a, b) => torch.pow(a!, b!),
  where: (a, b) => torch.where(WHERE_MASK(), a!, b!),
  sum: (a) => torch.sum(a!),
  "sum/dim1": (a) => torch.sum(a!, 1),
  "sum/dim-1keep": (a) => torch.sum(a!, -1, true),
  "sum/dims01": (a) => torch.sum(a!, [0, 1]),
  "sum/c64": (a) => torch.sum(a!, 0),
  "sum/dtype": (a) => torch.sum(a!, 0, { dtype: torch.complex128 }),
  mean: (a) => torch.mean(a!),
  "mean/dim0": (a) => torch.mean(a!, 0),
  prod: (a) => torch.prod(a!),
  "prod/dim1": (a) => torch.prod(a!, 1),
  "prod/dim0keep": (a) => torch.prod(a!, 0, true),
  "prod/odd": (a) => torch.prod(a!),
  "cumsum/dim1": (a) => torch.cumsum(a!, 1),
  "cumsum/dim0": (a) => torch.cumsum(a!, 0),
  "cumprod/dim1": (a) => torch.cumprod(a!, 1),
  "cumprod/odd": (a) => torch.cumprod(a!, 0),
  var: (a) => torch.var(a!),
  "var/dim1": (a) => torch.var(a!, 1),
  "var/biased": (a) => torch.var(a!, 0, { unbiased: false }),
  std: (a) => torch.std(a!),
  "std/dim0keep": (a) => torch.std(a!, 0, { keepdim: true }),
  "std/c64": (a) => torch.std(a!, 1),
  norm: (a) => torch.norm(a!),
  "norm/p1dim1": (a) => torch.norm(a!, 1, 1),
  "vector_norm/ord3": (a) => torch.linalg.vectorNorm(a!, 3),
  "vector_norm/inf": (a) => torch.linalg.vectorNorm(a!, Infinity, { dim: 1 }),
  "linalg.norm": (a) => torch.linalg.norm(a!),
  mm: (a, b) => torch.mm(a!, b!),
  "mm/c64": (a, b) => torch.mm(a!, b!),
  "mm/transposed": (a, b) => torch.mm(a!.t(), b!.t()),
  bmm: (a, b) => torch.bmm(a!, b!),
  "matmul/3d2d": (a, b) => torch.matmul(a!, b!),
  "matmul/1d1d": (a, b) => torch.matmul(a!, b!),
  mv: (a, b) => torch.mv(a!, b!),
  dot: (a, b) => torch.dot(a!, b!),
  vdot: (a, b) => torch.vdot(a!, b!),
  inner: (a, b) => torch.inner(a!, b!),
  outer: (a, b) => torch.outer(a!, b!),
  "einsum/ij,kj->ik": (a, b) => torch.einsum("ij,kj->ik", a!, b!),
  "einsum/bij,bjk->bik": (a, b) => torch.einsum("bij,bjk->bik", a!, b!),
  addmm: (c, a, b) => torch.addmm(c!, a!, b!, { beta: 0.5, alpha: 2 }),
  "linalg.vecdot": (a, b) => torch.linalg.vecdot(a!, b!),
  linear: (x, w, b) => torch.nn.functional.linear(x!, w!, b!),
  addmv: (c, a, b) => torch.addmv(c!, a!, b!, { beta: 0.5, alpha: 2 }),
  baddbmm: (c, a, b) => torch.baddbmm(c!, a!, b!),
  trace: (a) => torch.trace(a!),
  "einsum/ii->i": (a) => torch.einsum("ii->i", a!),
};

const COMPOSITE = /^(addmm|addmv|baddbmm|cumprod|dot|vdot|einsum|inner|linalg\.vecdot|linear|matmul|mv|norm|outer|prod|trace)\b/;

for (const k of fixture.cases) {
  test(`complex ${k.name}: value, dtype and gradient as PyTorch`, () => {
    const f = OPS[k.name] ?? unary(k.name.split("/")[0]!);
    const inputs = k.inputs.map((e) => decode(e).requiresGrad_(true));
    const out = f(...inputs);
    const tol = k.inputs.some((e) => e.dtype === "complex64") ? 2e-5 : 1e-10;
    assertClose("value", out, k.out, tol);
    // PyTorch's autograd node names where torch-ts records the op itself (composites differ)
    if (!COMPOSITE.test(k.name)) assert.equal(out.gradFn?.name(), k.node, "node name");
    if (!k.grads) return;
    const loss = out.dtype.isComplex ? torch.viewAsReal(out).pow(2).sum() : out.pow(2).sum();
    const grads = torch.autograd.grad(loss, inputs);
    grads.forEach((g, i) => assertClose(`grad ${i}`, g!, k.grads![i]!, tol * 10));
  });
}

test("complex ops PyTorch refuses keep its errors", () => {
  const z = torch.tensor([c(1, 2), c(-0.5, 0)]);
  assert.throws(() => z.sign(), /Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead./);
  assert.throws(() => z.abs_(), /In-place abs is not supported for complex tensors./);
  assert.throws(() => z.expm1(), /"expm1_vml_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.log1p(), /"log1p_vml_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.exp2(), /"exp2" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.floor(), /floor is not supported for complex inputs/);
  assert.throws(() => z.lt(z), /"lt_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.ge(1), /"ge_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => torch.isposinf(z), /isposinf does not support complex inputs./);
  assert.throws(() => torch.isneginf(z), /isneginf does not support complex inputs./);
  assert.throws(() => z.signbit(), /signbit is not implemented for complex tensors./);
  assert.throws(() => torch.isclose(z, z.to(torch.complex128)), /ComplexFloat did not match ComplexDouble/);
  assert.throws(() => z.erf(), /"erf_vml_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.nanToNum(), /"nan_to_num" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.round(), /"round_vml_cpu" not implemented for 'ComplexFloat'/);
});

test("complex in-place forms: values, and sgn_ / sqrt_ / exp_ / pow_ keep the dtype", () => {
  const z = torch.tensor([c(3, 4), c(0, 0)]);
  z.sgn_();
  assert.deepEqual(numbers(z).map((v) => Math.round(v * 1e4) / 1e4), [0.6, 0.8, 0, 0]);
  const w = torch.tensor([c(-4, 0)], { dtype: torch.complex128 });
  w.sqrt_();
  assert.deepEqual(numbers(w), [0, 2]);
  w.pow_(2).exp_();
  assert.ok(Math.abs(numbers(w)[0]! - Math.exp(-4)) < 1e-12);
  assert.equal(w.dtype, torch.complex128);
});

test("complex predicates, eq / ne / equal, isclose / allclose as PyTorch", () => {
  const n = NaN, inf = Infinity;
  const a = torch.tensor([c(n, 0), c(1, inf), c(1, 1), c(1, 1), c(inf, 0)]);
  const b = torch.tensor([c(n, 0), c(1, inf), c(1, 1.000001), c(1, 2), c(inf, 0)]);
  const bools = (t: Tensor) => t.tolist() as boolean[];
  assert.deepEqual(bools(a.isnan()), [true, false, false, false, false]);
  assert.deepEqual(bools(a.isinf()), [false, true, false, false, true]);
  assert.deepEqual(bools(a.isfinite()), [false, false, true, true, false]);
  assert.deepEqual(bools(a.isreal()), [true, false, false, false, true]);
  assert.deepEqual(bools(torch.eq(a, b)), [false, true, false, false, true]);
  assert.deepEqual(bools(a.ne(b)), [true, false, true, true, false]);
  assert.deepEqual(bools(torch.eq(a, c(1, 1))), [false, false, true, true, false]);
  assert.deepEqual(bools(torch.eq(torch.tensor([1, 2]), c(1, 0))), [true, false]);
  assert.equal(torch.equal(a, a), false);
  assert.equal(torch.equal(b.narrow(0, 1, 4), b.narrow(0, 1, 4)), true);
  assert.deepEqual(bools(torch.isclose(a, b)), [false, true, true, false, true]);
  assert.deepEqual(bools(torch.isclose(a, b, { equalNan: true })), [true, true, true, false, true]);
  assert.equal(torch.allclose(a.narrow(0, 1, 2), b.narrow(0, 1, 2)), true);
  assert.equal(torch.allclose(a, b, { equalNan: true }), false);
  // logical ops read a complex number as true when either part is nonzero (NaN too)
  const l = torch.tensor([c(0, 1), c(0, 0), c(NaN, 0)]);
  assert.deepEqual(bools(l.logicalNot()), [false, true, false]);
  assert.deepEqual(bools(torch.logicalAnd(l, torch.tensor([true, true, true]))), [true, false, true]);
  assert.deepEqual(bools(torch.logicalXor(l, l)), [false, false, false]);
});

test("complex reductions: nansum refuses, cumsum keeps the complex dtype, varMean / stdMean", () => {
  const z = torch.tensor([c(1, 2), c(-3, 0.5), c(0, 1)]);
  assert.throws(() => z.nansum(), /nansum does not support complex inputs/);
  assert.equal(z.cumsum(0).dtype, torch.complex64);
  assert.deepEqual(numbers(z.cumsum(0)), [1, 2, -2, 2.5, -2, 3.5]);
  const [v, m] = torch.varMean(z);
  assert.equal(v!.dtype, torch.float32);
  assert.ok(Math.abs((v!.item() as number) - 4.91667) < 1e-5);
  assert.deepEqual(numbers(m!).map((x) => Math.round(x * 1e5) / 1e5), [-0.66667, 1.16667]);
  assert.ok(Math.abs((torch.stdMean(z)[0]!.item() as number) - 2.21736) < 1e-5);
  assert.throws(() => z.logsumexp(0), /logsumexp\(\): Expected floating point type for result tensor, but got: ComplexFloat/);
});

test("complex out= and double backward as PyTorch", () => {
  const z = torch.tensor([[c(1, 2), c(0.5, -1)], [c(-1, 0.3), c(2, 2)]], { dtype: torch.complex128, requiresGrad: true });
  const out = torch.empty([2, 2], { dtype: torch.complex128 });
  torch.exp(z.detach(), { out } as never);
  assertClose("exp out=", out, { shape: [2, 2], dtype: "complex128", pairs: [-1.1312, 2.4717, 0.8908, -1.3874, 0.3514, 0.1087, -3.0749, 6.7188] }, 1e-4);
  // PyTorch 1.13: grad and grad of grad of sum |sin z|^2 (createGraph)
  const s = torch.viewAsReal(z.sin()).pow(2).sum();
  const [g] = torch.autograd.grad(s, [z], { createGraph: true });
  const [gg] = torch.autograd.grad(torch.viewAsReal(g!).sum(), [z]);
  assertClose("grad", g!, { shape: [2, 2], dtype: "complex128", pairs: [0.9093, 27.2899, 0.8415, -3.6269, -0.9093, 0.6367, -0.7568, 27.2899] }, 1e-4);
  assertClose("grad of grad", gg!, { shape: [2, 2], dtype: "complex128", pairs: [-0.8323, 54.6165, 1.0806, 7.5244, -0.8323, 2.3709, -1.3073, 54.6165] }, 1e-4);
});

test("complex functions on the axes and branch cuts as PyTorch (signed zeros choose the side)", () => {
  const z = torch.viewAsComplex(torch.tensor([[-4, -0], [-4, 0], [2, 0], [Infinity, 0], [0, Infinity]], { dtype: torch.float64 }));
  assert.deepEqual(numbers(z.sqrt()), [0, -2, 0, 2, Math.SQRT2, 0, Infinity, 0, Infinity, Infinity]);
  const asin = numbers(z.narrow(0, 2, 1).asin());
  assert.ok(Math.abs(asin[0]! - Math.PI / 2) < 1e-15 && Math.abs(asin[1]! - 1.3169578969248164) < 1e-14, `${asin}`);
  // sin(inf + 0j) = nan + 0j and sinh(0 + inf j) = 0 + nan j: no inf * 0 on the axes
  assert.deepEqual(numbers(z.narrow(0, 3, 1).sin()), [NaN, 0]);
  assert.deepEqual(numbers(z.narrow(0, 4, 1).sinh()), [0, NaN]);
});
