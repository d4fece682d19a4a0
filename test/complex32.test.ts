// complex32 (PyTorch's experimental ComplexHalf) against PyTorch 1.13's CPU, case by case
// (test/fixtures/complex32.py): what it computes, torch-ts computes with the same values, dtypes
// and flags; what it refuses ("<kernel>" not implemented for 'ComplexHalf'), torch-ts refuses.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type Outcome = { ok: { dtype: string; shape: number[]; data: (number | boolean)[]; conj?: boolean } } | { value: unknown } | { error: string };
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/complex32.json", import.meta.url), "utf8")) as { cases: Record<string, Outcome> };

const C = (re: number, im: number): torch.Complex => new torch.Complex(re, im);
const x = torch.tensor([C(1, 2), C(3.5, -4), C(-0.1, 0.3)], { dtype: torch.complex64 });
const h = x.to(torch.complex32);
const m = torch.tensor([true, false, true]);
const half = torch.tensor([1.5, -2.25, 0.1], { dtype: torch.half });
const h2 = torch.tensor([[C(1, 2), C(3, -1), C(0, 0.5)], [2, C(-1, 1), C(4, -4)]], { dtype: torch.chalf });
const seeded = (f: () => Tensor): Tensor => { torch.manualSeed(0); return f(); };
const inplace = (f: (c: Tensor) => unknown): Tensor => { const c = h.clone(); f(c); return c; };
const dtypeName = (t: Tensor): string => `torch.${t.dtype.name}`;

/** The cases of complex32.py, in torch-ts. */
const CASES: Record<string, () => unknown> = {
  repr: () => h.toString(),
  repr_2d: () => torch.tensor([[C(1e-3, 1), C(100, -2)]], { dtype: torch.chalf }).toString(),
  tensor: () => torch.tensor([C(1, 2), C(0.1, 0.2), 3], { dtype: torch.chalf }),
  zeros: () => torch.zeros(2, { dtype: torch.chalf }),
  ones: () => torch.ones(2, { dtype: torch.chalf }),
  full: () => torch.full([2], C(1, 1), { dtype: torch.chalf }),
  randn: () => seeded(() => torch.randn(4, { dtype: torch.chalf })),
  rand: () => seeded(() => torch.rand(4, { dtype: torch.chalf })),
  zeros_like: () => torch.zerosLike(h),
  chalf: () => x.chalf(),
  to_cfloat: () => h.cfloat(),
  to_cdouble: () => h.to(torch.complex128),
  to_float: () => h.float(),
  to_half: () => h.half(),
  from_half: () => half.to(torch.chalf),
  from_int: () => torch.tensor([3, -7]).to(torch.chalf),
  from_cdouble: () => torch.tensor([C(1 / 3, 1000.3)], { dtype: torch.complex128 }).to(torch.chalf),
  view_as_real: () => torch.viewAsReal(h),
  view_as_complex: () => torch.viewAsComplex(torch.tensor([[1, 2], [0.5, -3]], { dtype: torch.half })),
  complex: () => torch.complex(half, half.neg()),
  real: () => h.real,
  imag: () => h.imag,
  conj: () => h.conj(),
  conj_imag_is_neg: () => h.conj().imag.isNeg(),
  resolve_conj: () => h.conj().resolveConj(),
  conj_physical: () => h.conjPhysical(),
  view_int32: () => h.view(torch.int32),
  view_from_int32: () => torch.tensor([1, 1 << 20], { dtype: torch.int32 }).view(torch.chalf),
  reshape: () => h.reshape(3, 1),
  t: () => h.view(1, 3).t(),
  narrow: () => h.narrow(0, 1, 2),
  expand: () => h.get(":1").expand(2, 1),
  index: () => h.get(1),
  slice: () => h.get("::2"),
  item: () => { const v = h.get(1).item() as torch.Complex; return [v.re, v.im]; },
  tolist: () => (h.tolist() as torch.Complex[]).map((v) => [v.re, v.im]),
  repeat: () => h.repeat(2),
  roll: () => h.roll(1),
  cat: () => torch.cat([h, h.get(":1")]),
  stack: () => torch.stack([h, h]),
  clone: () => h.clone(),
  contiguous: () => h.view(1, 3).t().contiguous(),
  copy_: () => torch.zeros(3, { dtype: torch.chalf }).copy_(x.mul(1.001)),
  fill_: () => torch.zeros(2, { dtype: torch.chalf }).fill_(C(1, -1)),
  zero_: () => inplace((c) => c.zero_()),
  setitem: () => inplace((c) => c.set([0], C(0, 5))),
  add: () => h.add(h),
  sub: () => h.sub(h.mul(0.5)),
  mul: () => h.mul(h),
  mul_scalar: () => h.mul(1.1),
  add_scalar: () => h.add(C(0.3, -1)),
  add_: () => inplace((c) => c.add_(h)),
  mul_: () => inplace((c) => c.mul_(h)),
  neg: () => h.neg(),
  abs: () => h.abs(),
  sgn: () => h.sgn(),
  eq: () => h.eq(h.conj()),
  ne: () => h.ne(h.conj()),
  isnan: () => h.isnan(),
  isfinite: () => h.isfinite(),
  where: () => torch.where(m, h, h.conj()),
  allclose: () => torch.allclose(h, h),
  promote_cfloat: () => dtypeName(h.add(x)),
  promote_half: () => dtypeName(h.add(half)),
  promote_float: () => dtypeName(h.add(torch.ones(3))),
  promote_double: () => dtypeName(h.add(torch.ones(3, { dtype: torch.float64 }))),
  promote_bfloat16: () => `torch.${torch.promoteTypes(torch.chalf, torch.bfloat16).name}`,
  promote_int: () => dtypeName(h.add(torch.ones(3, { dtype: torch.int64 }))),
  promote_scalar: () => dtypeName(h.add(1.5)),
  type: () => h.type(),
  element_size: () => h.elementSize(),
  requires_grad: () => h.clone().requiresGrad_().requiresGrad,
  div: () => h.div(h),
  exp: () => h.exp(),
  log: () => h.log(),
  sqrt: () => h.sqrt(),
  pow: () => h.pow(2),
  reciprocal: () => h.reciprocal(),
  sigmoid: () => h.sigmoid(),
  angle: () => h.angle(),
  sum: () => h.sum(),
  mean: () => h.mean(),
  prod: () => h.prod(),
  cumsum: () => h.cumsum(0),
  matmul: () => h.view(1, 3).matmul(h.view(3, 1)),
  dot: () => h.dot(h),
  sort: () => h.sort(),
  tril: () => h.view(1, 3).tril(),
  gather: () => h.gather(0, torch.tensor([1])),
  arange: () => torch.arange(2, { dtype: torch.chalf }),
  eye: () => torch.eye(2, { dtype: torch.chalf }),
  linspace: () => torch.linspace(0, 1, 3, { dtype: torch.chalf }),
  fft: () => torch.fft.fft(h),
  flip: () => h.flip(0),
  index_select: () => h.indexSelect(0, torch.tensor([2, 0])),
  masked_fill: () => h.maskedFill(m, C(0, 1)),
  nonzero: () => torch.tensor([C(1, 2), 0, C(0, 3)], { dtype: torch.chalf }).nonzero(),
  count_nonzero: () => torch.countNonzero(torch.tensor([C(1, 2), 0, C(0, 3)], { dtype: torch.chalf })),
  take: () => h.take(torch.tensor([1])),
  masked_select: () => h.maskedSelect(m),
  equal: () => torch.equal(h, h),
  index_tensor: () => h.get(torch.tensor([2, 0, 2])),
  index_list: () => h.get([2, 0]),
  index_mask: () => h.get(m),
  index_2d: () => h2.get(torch.tensor([1, 0]), torch.tensor([2, 2])),
  index_2d_slice: () => h2.get(":", torch.tensor([0, 2])),
  index_bool_2d: () => h2.get(h2.real.gt(0.6)),
  index_none_tensor: () => h2.get(null, torch.tensor([1])),
  setitem_tensor: () => inplace((c) => c.set([torch.tensor([0, 2])], C(0, 1))),
  setitem_mask: () => inplace((c) => c.set([m], C(2, 1))),
  setitem_tensor_value: () => inplace((c) => c.set([torch.tensor([0, 2])], h.get(":2"))),
  setitem_mask_value: () => inplace((c) => c.set([m], h.get("1:"))),
  setitem_dtype_error: () => inplace((c) => c.set([torch.tensor([0])], x.get(":1"))),
  index_put_: () => inplace((c) => c.indexPut_([torch.tensor([1])], h.get(":1"))),
  index_put_acc: () => inplace((c) => c.indexPut_([torch.tensor([1, 2])], h.get(":2"), true)),
  index_put: () => h.indexPut([torch.tensor([1])], h.get(":1")),
  index_add: () => h.indexAdd(0, torch.tensor([0]), h.get(":1")),
  index_add_: () => inplace((c) => c.indexAdd_(0, torch.tensor([1]), h.get(":1"))),
  any: () => torch.tensor([0, C(0, 1), 0], { dtype: torch.chalf }).any(),
  all: () => torch.tensor([0, C(0, 1), 1], { dtype: torch.chalf }).all(),
  any_dim: () => h2.any(0),
  var: () => h.var(),
  var_dim: () => h2.var(0, false),
  diag: () => h.diag(),
  addcmul: () => torch.addcmul(h, h, h),
  lerp: () => torch.lerp(h, h, 0.5),
  logical_not: () => h.logicalNot(),
  logical_and: () => h.logicalAnd(h),
  vector_norm: () => torch.linalg.vectorNorm(h),
  var_mean_var: () => torch.varMean(h)[0],
  var_mean_mean: () => torch.varMean(h)[1],
  masked_fill_tensor: () => h.maskedFill(m, torch.tensor(C(0, 1), { dtype: torch.chalf })),
  isin: () => torch.isin(h, h),
  scalar_tensor: () => torch.scalarTensor(C(0, 1), { dtype: torch.chalf }),
};

/**
 * PyTorch's words where torch-ts names the kernel otherwise (its refusals name the op, or the
 * kernel its composite reaches first); each still refuses ComplexHalf.
 */
const OTHER_WORDS = new Set(["take", "masked_select", "eye", "angle", "cumsum", "matmul", "mean", "sort", "gather", "arange", "linspace", "exp", "log", "sqrt", "reciprocal", "sigmoid", "sum", "prod", "fft"]);

function numbers(t: Tensor): (number | boolean)[] {
  const d = t.detach().resolveConj();
  const flat = d.dtype.isComplex ? torch.viewAsReal(d).flatten() : d.flatten();
  return flat.tolist() as (number | boolean)[];
}

test("complex32: every case computes or refuses as PyTorch 1.13's CPU", () => {
  assert.equal(Object.keys(CASES).sort().join(), Object.keys(FIXTURE.cases).sort().join(), "the same cases as complex32.py");
  const wrong: string[] = [];
  for (const [name, expected] of Object.entries(FIXTURE.cases)) {
    let actual: unknown;
    try {
      actual = CASES[name]!();
    } catch (e) {
      const message = (e as Error).message;
      if (!("error" in expected)) wrong.push(`${name}: torch-ts refuses (${message}); PyTorch computes`);
      else if (!OTHER_WORDS.has(name) && message !== expected.error) wrong.push(`${name}: "${message}", PyTorch "${expected.error}"`);
      else if (!message.includes("ComplexHalf")) wrong.push(`${name}: "${message}" does not name ComplexHalf`);
      continue;
    }
    if ("error" in expected) { wrong.push(`${name}: torch-ts computes; PyTorch raises ${expected.error}`); continue; }
    if ("value" in expected) {
      try { assert.deepEqual(actual, expected.value); } catch { wrong.push(`${name}: ${JSON.stringify(actual)}, PyTorch ${JSON.stringify(expected.value)}`); }
      continue;
    }
    const t = actual as Tensor, e = expected.ok;
    if (t.dtype.name !== e.dtype || t.shape.join() !== e.shape.join()) { wrong.push(`${name}: ${t.dtype.name} [${t.shape}], PyTorch ${e.dtype} [${e.shape}]`); continue; }
    if (e.conj !== undefined && t.isConj() !== e.conj) wrong.push(`${name}: isConj ${t.isConj()}, PyTorch ${e.conj}`);
    // Random draws are PyTorch's stream rounded to float16; everything else bit for bit.
    const tol = name === "randn" || name === "rand" ? 1e-3 : 0;
    const a = numbers(t);
    e.data.forEach((v, i) => { if (!(a[i] === v || Math.abs(Number(a[i]) - Number(v)) <= tol * (1 + Math.abs(Number(v))))) wrong.push(`${name}[${i}]: ${a[i]}, PyTorch ${v}`); });
  }
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
});

test("complex32 storages refuse the kernels written for complex64/complex128, naming the op", () => {
  assert.throws(() => h.exp(), /"exp[^"]*" not implemented for 'ComplexHalf'/);
  assert.throws(() => h.sum(), /not implemented for 'ComplexHalf'/);
  // A conj view of a complex32 tensor reads conjugated halves, and writes through it land conjugated.
  const c = h.clone(), v = c.conj();
  v.set([0], C(1, 1));
  assert.deepEqual(numbers(c).slice(0, 2), [1, -1]);
  assert.equal(torch.complex32, torch.chalf);
  assert.equal(h.dtype.toString(), "torch.complex32");
});
