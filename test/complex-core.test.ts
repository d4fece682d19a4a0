// Complex tensors, the core: dtypes, promotion, storage views, parts, casts, factories, printing,
// and the refusal of ops not written for complex. Values recorded from PyTorch 1.13.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const { Complex } = torch;
const c = (re: number, im: number) => new Complex(re, im);
const close = (a: number[], b: number[], tol = 1e-4) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `${a} vs ${b}`));
const flatReal = (z: torch.Tensor) => (torch.viewAsReal(z).flatten().tolist() as number[]);

test("dtypes, aliases and PyTorch's promotion", () => {
  assert.equal(torch.complex64.itemsize, 8);
  assert.equal(torch.complex128.itemsize, 16);
  assert.equal(torch.cfloat, torch.complex64);
  assert.equal(torch.cdouble, torch.complex128);
  assert.ok(torch.complex64.isComplex && !torch.complex64.isFloatingPoint);
  assert.equal(torch.promoteTypes(torch.complex64, torch.float64), torch.complex128);
  assert.equal(torch.promoteTypes(torch.complex64, torch.int64), torch.complex64);
  assert.equal(torch.promoteTypes(torch.complex128, torch.float16), torch.complex128);
  // a zero-dim complex tensor with a float64 tensor: complex128 (PyTorch's combine_categories)
  assert.equal(torch.resultType(torch.ones([2], { dtype: torch.float64 }), torch.tensor(c(0, 1))), torch.complex128);
  assert.equal(torch.isComplex(torch.zeros([1], { dtype: "cfloat" })), true);
  assert.equal(torch.zeros([1]).isComplex(), false);
});

test("printing, item and tolist as PyTorch", () => {
  const z = torch.complex(torch.tensor([1, 2.5, -3]), torch.tensor([0.5, -1, 0]));
  assert.equal(String(z), "tensor([ 1.0000+0.5000j,  2.5000-1.0000j, -3.0000+0.0000j])");
  assert.equal(String(z.get(1)), "tensor(2.5000-1.j)");
  assert.equal(String(z.conj()), "tensor([ 1.0000-0.5000j,  2.5000+1.0000j, -3.0000-0.0000j])");
  assert.equal(String(torch.tensor([1, 2]).to(torch.complex64)), "tensor([1.+0.j, 2.+0.j])");
  assert.equal(String(torch.tensor([c(1e-5, 1), c(100, 3)])), "tensor([1.0000e-05+1.j, 1.0000e+02+3.j])");
  assert.equal(String(torch.empty([0], { dtype: torch.complex64 })), "tensor([], dtype=torch.complex64)");
  assert.equal(String(torch.ones([2], { dtype: "cdouble" })), "tensor([1.+0.j, 1.+0.j], dtype=torch.complex128)");
  assert.deepEqual((z.tolist() as unknown[]).map(String), ["(1+0.5j)", "(2.5-1j)", "(-3+0j)"]);
  const v = z.get(1).item() as InstanceType<typeof Complex>;
  assert.deepEqual([v.re, v.im], [2.5, -1]);
});

test("factories: torch.tensor of Complex values, full, randn and rand draws", () => {
  assert.equal(torch.tensor([c(1, 2), 3]).dtype, torch.complex64);
  assert.deepEqual(flatReal(torch.tensor([[c(1, -2)]], { dtype: torch.complex128 })), [1, -2]);
  assert.deepEqual(flatReal(torch.full([2], c(0, 1))), [0, 1, 0, 1]);
  const g = new torch.Generator().manualSeed(0);
  close(flatReal(torch.randn([2], { dtype: torch.complex64, generator: g })), [1.0896, -0.2075, -1.5406, 0.4019]);
  const g1 = new torch.Generator().manualSeed(1);
  close(flatReal(torch.rand([2], { dtype: torch.complex64, generator: g1 })), [0.7576, 0.2793, 0.4031, 0.7347]);
  assert.throws(() => torch.zeros([2]).fill_(c(0, 1) as unknown as number), /value cannot be converted to type float without overflow/);
  // torch.eye(2, 3, dtype=torch.complex64): ones on the diagonal, imaginary parts 0.
  const I = torch.eye(2, 3, { dtype: torch.complex64 });
  assert.equal(I.dtype, torch.complex64);
  assert.deepEqual(flatReal(I), [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
});

test("view_as_real / view_as_complex share memory; their errors", () => {
  const x = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
  const z = torch.viewAsComplex(x);
  assert.equal(String(z), "tensor([1.+2.j, 3.+4.j])");
  x.mul_(2);
  assert.deepEqual(flatReal(z), [2, 4, 6, 8]);
  const r = torch.viewAsReal(z);
  r.set([1, 1], 9);
  assert.deepEqual(flatReal(z), [2, 4, 6, 9]);
  assert.throws(() => torch.viewAsComplex(torch.zeros([2, 3])), /Tensor must have a last dimension of size 2/);
  assert.throws(() => torch.viewAsComplex(torch.zeros([2, 2]).t()), /Tensor must have a last dimension with stride 1/);
  assert.throws(() => torch.viewAsComplex(torch.zeros([4]).narrow(0, 1, 2)), /storage_offset divisible by 2/);
  assert.throws(() => torch.viewAsComplex(torch.zeros([2], { dtype: torch.int64 })), /only supported for float and double tensors/);
  assert.throws(() => torch.viewAsReal(torch.zeros([2])), /view_as_real is only supported for complex tensors/);
});

test("real / imag views and setters, complex, polar, conj", () => {
  const z = torch.zeros([2], { dtype: torch.complex64 });
  z.real = torch.tensor([1, 2], { dtype: torch.float32 });
  z.imag = torch.tensor([3, 4], { dtype: torch.float32 });
  assert.equal(String(z), "tensor([1.+3.j, 2.+4.j])");
  z.imag.mul_(2);
  assert.deepEqual(flatReal(z), [1, 6, 2, 8]);
  assert.throws(() => torch.zeros([2]).imag, /imag is not implemented for tensors with non-complex dtypes/);
  close(flatReal(torch.polar(torch.tensor([3, 4], { dtype: torch.float32 }), torch.tensor([0.5, -1]))), [2.6327, 1.4383, 2.1612, -3.3659]);
  assert.throws(() => torch.complex(torch.zeros([2]), torch.zeros([2], { dtype: torch.float64 })), /Expected object of scalar type Float but got scalar type Double for second argument/);
  assert.throws(() => torch.complex(torch.zeros([2], { dtype: torch.int64 }), torch.zeros([2], { dtype: torch.int64 })), /Expected both inputs to be Half, Float or Double tensors but got Long and Long/);
  const w = torch.complex(torch.tensor([1, 2], { dtype: torch.float32 }), torch.tensor([[3], [4]], { dtype: torch.float32 }));
  assert.deepEqual(w.shape, [2, 2]);
  const p = torch.tensor([c(1, 2)]);
  p.conjPhysical_();
  assert.deepEqual(flatReal(p), [1, -2]);
});

test("gradients flow through parts, views and casts with PyTorch's convention", () => {
  const r = torch.tensor([1, 2], { dtype: torch.float32, requiresGrad: true }), i = torch.tensor([3, -1], { dtype: torch.float32, requiresGrad: true });
  let w = torch.complex(r, i);
  w.real.mul(2).add(w.imag.pow(2)).sum().backward();
  assert.deepEqual([r.grad!.tolist(), i.grad!.tolist()], [[2, 2], [6, -2]]);
  r.grad = null; i.grad = null;
  w = torch.complex(r, i);
  torch.viewAsReal(w.conj().resolveConj()).mul(torch.tensor([1, 10], { dtype: torch.float32 })).sum().backward();
  assert.deepEqual([r.grad!.tolist(), i.grad!.tolist()], [[1, 1], [-10, -10]]);
  const q = torch.tensor([1.5, -2], { requiresGrad: true });
  torch.viewAsReal(q.to(torch.complex64)).mul(torch.tensor([[1, 10], [100, 1000]], { dtype: torch.float32 })).sum().backward();
  assert.deepEqual(q.grad!.tolist(), [1, 100]);
  assert.equal(torch.complex(r, i).gradFn!.name(), "ComplexBackward0");
  // a complex leaf gets a complex gradient
  const zc = torch.tensor([c(1, 2), c(3, 4)], { requiresGrad: true });
  torch.viewAsComplex(torch.viewAsReal(zc)).imag.mul(torch.tensor([5, 7], { dtype: torch.float32 })).sum().backward();
  assert.deepEqual(flatReal(zc.grad!), [0, 5, 0, 7]);
  assert.equal(zc.grad!.dtype, torch.complex64);
});

test("ops not written for complex refuse it in PyTorch's words; devices refuse complex", () => {
  const z = torch.tensor([c(1, 2)]);
  assert.throws(() => z.lgamma(), /"lgamma_vml_cpu" not implemented for 'ComplexFloat'/);
  assert.throws(() => torch.zeros([2], { dtype: torch.complex64, device: "webgpu" }), /complex tensors \(torch.complex64\) are not supported on the webgpu device/);
  assert.throws(() => z.amax(), /"amax" not implemented for 'ComplexFloat'/);
  assert.throws(() => z.fmod(2), /not implemented for 'ComplexFloat'/);
});

test("add, sub, mul, div: values and gradients as PyTorch", () => {
  const x = torch.tensor([c(1, 2), c(-0.5, 3)], { requiresGrad: true });
  const y = torch.tensor([c(2, -1), c(0.25, 0.5)], { requiresGrad: true });
  close(flatReal(x.add(y)), [3, 1, -0.25, 3.5]);
  close(flatReal(x.sub(2)), [-1, 2, -2.5, 3]);
  close(flatReal(x.mul(y)), [4, 3, -1.625, 0.5]);
  close(flatReal(x.div(y)), [0, 1, 4.4, 3.2]);
  close(flatReal(torch.tensor([1.5, 2], { dtype: torch.float64 }).mul(c(0, 1))), [0, 1.5, 0, 2]);
  assert.equal(torch.tensor([1.5, 2], { dtype: torch.float64 }).mul(c(0, 1)).dtype, torch.complex128);
  // grad of sum(|x*y|^2) w.r.t. x is 2 x |y|^2 (PyTorch's conjugate-Wirtinger convention)
  const p = torch.viewAsReal(x.mul(y));
  p.mul(p).sum().backward();
  close(flatReal(x.grad!), [10, 20, -0.3125, 1.875]);
  close(flatReal(y.grad!), [20, -10, 4.625, 9.25]);
  const z = torch.tensor([c(1, 1)]);
  z.add_(c(0, 2)).mul_(2);
  assert.deepEqual(flatReal(z), [2, 6]);
});

test("tensor memory and type names of complex tensors", () => {
  const z = torch.tensor([c(1, 2), c(3, 4)]);
  assert.equal(torch.finfo(torch.complex64).eps, 2 ** -23);
  assert.equal(torch.finfo(torch.complex128).dtype, "float64");
  assert.equal(z.type(), "torch.ComplexFloatTensor");
  assert.equal(torch.typename(z.to(torch.complex128)), "torch.ComplexDoubleTensor");
  assert.equal(z.get(1).dataPtr() - z.dataPtr(), 8);
  assert.equal(z.elementSize(), 8);
  const s = z.clone().shareMemory_();
  assert.ok(s.isShared());
  assert.deepEqual(flatReal(s), [1, 2, 3, 4]);
  const r = z.clone().resize_([3]);
  assert.deepEqual(flatReal(r.narrow(0, 0, 2)), [1, 2, 3, 4]);
  assert.equal(String(z.view(torch.float32)), "tensor([1., 2., 3., 4.])");
  assert.equal(String(torch.zeros([4]).view(torch.complex64)), "tensor([0.+0.j, 0.+0.j])");
  assert.equal(torch.canCast(torch.complex64, torch.float32), false);
});

test("complex convolutions equal PyTorch's (four real convolutions), with gradients", () => {
  // the same x, w, b in PyTorch 1.13: F.conv1d(x, w, b, padding=1) and F.conv_transpose1d(x, w.transpose(0, 1).contiguous(), b)
  const x = torch.complex(torch.arange(10, { dtype: torch.float32 }).reshape(1, 2, 5).mul(0.1), torch.arange(10, { dtype: torch.float32 }).reshape(1, 2, 5).mul(-0.2).add(1));
  const w = torch.complex(torch.tensor([[[1, -1], [0.5, 2]], [[0, 1], [1, 1]], [[-1, 0.5], [2, -2]]], { dtype: torch.float32 }), torch.tensor([[[0.5, 0], [1, -1]], [[2, 1], [0, 0.5]], [[1, 1], [-1, 0]]], { dtype: torch.float32 }));
  const b = torch.tensor([c(0.5, -0.5), c(1, 0), c(0, 2)]);
  const y = torch.nn.functional.conv1d(x, w, b, { padding: 1 });
  close(flatReal(y).slice(0, 6), [1.5, -2, 1.15, -0.8, 1.5, -1.25]);
  const xg = x.detach().requiresGrad_();
  torch.viewAsReal(torch.nn.functional.conv1d(xg, w, b, { padding: 1 })).pow(2).sum().backward();
  close(flatReal(xg.grad!).slice(0, 6), [15.7, 12.35, 11.1, 4.3, 11.8, -3.35], 1e-3);
  const t = torch.nn.functional.convTranspose1d(x, w.transpose(0, 1).contiguous(), b);
  assert.deepEqual(t.shape, [1, 3, 6]);
});

test("nn modules made with a complex dtype draw PyTorch's values; uniform_ / normal_ on complex", () => {
  torch.manualSeed(0);
  const l = new torch.nn.Linear(3, 2, { dtype: torch.complex64 });
  close(flatReal(l.weight).slice(0, 4), [-0.0043, 0.3097, -0.4752, -0.4249]);
  close(flatReal(l.bias!), [-0.5516, -0.3824, -0.238, 0.0214]);
  const z = torch.zeros([3], { dtype: torch.complex64 });
  torch.manualSeed(0);
  z.uniform_(-1, 1);
  close(flatReal(z), [-0.0075, 0.5364, -0.823, -0.7359, -0.3852, 0.2682]);
  z.normal_();
  close(flatReal(z), [0.8941, -0.4861, 0.1134, -0.4288, -0.5537, 0.7511]);
});

test("lerp (both of PyTorch's forms), addcmul, addcdiv on complex tensors", () => {
  const a = torch.tensor([c(1, 2), c(-1, 0.5)]), b = torch.tensor([c(3, -1), c(2, 2)]);
  close(flatReal(torch.lerp(a, b, 0.25)), [1.5, 1.25, -0.25, 0.875]);
  close(flatReal(torch.lerp(a, b, 0.75)), [2.5, -0.25, 1.25, 1.625]);
  close(flatReal(torch.addcmul(a, b, b, { value: 0.5 })), [5, -1, -1, 4.5]);
  close(flatReal(torch.addcdiv(a, b, a, { value: 2 })), [1.4, -0.8, -2.6, -4.3]);
});

test("F.softMarginLoss on complex input: 1.13's log(1 + exp(-y x)) in the input's dtype; no autograd, as PyTorch", () => {
  const F = torch.nn.functional;
  const x = torch.tensor([c(0.5, 0.1), c(-1, 2), c(3, -1)]), y = torch.tensor([c(1, 0.5), c(-1, 0), c(0.3, 0.2)]);
  close(flatReal(F.softMarginLoss(x, y, { reduction: "none" })), [0.4786, -0.1359, -0.0937, 0.3762, 0.2789, -0.0745]);
  close(flatReal(F.softMarginLoss(x, y)), [0.2213, 0.0553]);
  close(flatReal(F.softMarginLoss(x, y, { reduction: "sum" })), [0.6638, 0.1658]);
  assert.equal(F.softMarginLoss(x, y.to(torch.complex128)).dtype, torch.complex64);
  assert.equal(F.softMarginLoss(x.to(torch.complex128), y).dtype, torch.complex128);
  // exp overflows to inf: log(inf) keeps the angle (1.13's kernel has no complex log1p).
  const big = flatReal(F.softMarginLoss(torch.tensor([c(100, 1), c(-100, 3)]), torch.tensor([c(-1, 0), c(1, 0)]), { reduction: "none" }));
  assert.equal(big[0], Infinity);
  close([big[1]!, big[3]!], [0.7854, -2.3562]);
  assert.throws(() => F.softMarginLoss(torch.tensor([0.5, 1, -2]), y), /^Error: result type ComplexFloat can't be cast to the desired output type Float$/);
  assert.throws(() => F.softMarginLoss(x.clone().requiresGrad_(), y), /^Error: soft_margin_loss does not support automatic differentiation for outputs with complex dtype.$/);
  torch.noGrad(() => assert.equal(F.softMarginLoss(x.clone().requiresGrad_(), y).dtype, torch.complex64));
});
