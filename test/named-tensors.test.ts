// Named tensors against PyTorch 1.13 (fixtures/named-tensors.py → named-tensors.json): the names
// and shapes ops infer, values where they matter, and the errors (names refused, mismatches).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

type Described = {
  names?: (string | null)[]; shape?: number[]; values?: number[] | null; each?: Described[]; value?: unknown; error?: string;
  each_method?: Record<string, { names?: (string | null)[]; refused?: boolean }>;
};
const fixture = JSON.parse(readFileSync(new URL("./fixtures/named-tensors.json", import.meta.url), "utf8")) as Record<string, Described>;
const F = torch.nn.functional;
type Names = (string | null)[];

const X = (): torch.Tensor => torch.arange(6).float().reshape(2, 3).refineNames("N", "C");
const W = (): torch.Tensor => torch.arange(24).float().reshape(2, 3, 4).refineNames("N", "C", "H");
const Z = (): torch.Tensor => torch.arange(6).float().reshape(2, 3).rename("N", null);
const v = (names: Names, ...shape: number[]): torch.Tensor => torch.arange(shape.reduce((a, b) => a * b, 1)).float().reshape(shape).rename(...names);
const b = (names: Names, ...shape: number[]): torch.Tensor => torch.ones(shape, { dtype: torch.bool, names });

const CASES: Record<string, () => unknown> = {
  factory_zeros: () => torch.zeros(2, 3, { names: ["N", "C"] }),
  factory_partial: () => torch.zeros(2, 3, { names: ["N", null] }),
  factory_all_none: () => torch.zeros(2, 3, { names: [null, null] }),
  factory_ones: () => torch.ones(2, 3, { names: ["N", "C"] }),
  factory_empty: () => torch.empty(2, 3, { names: ["N", "C"] }),
  factory_full: () => torch.full([2, 2], 1.0, { names: ["A", "B"] }),
  factory_rand: () => torch.rand(2, { names: ["A"] }),
  factory_randn: () => torch.randn(2, 3, { names: ["A", "B"] }),
  factory_tensor: () => torch.tensor([[1.0, 2.0]], { names: ["A", "B"] }),
  factory_dup: () => torch.zeros(2, 3, { names: ["N", "N"] }),
  factory_count: () => torch.zeros(2, 3, { names: ["N"] }),
  factory_invalid: () => torch.zeros(2, 3, { names: ["1N", "C"] }),
  factory_underscore: () => torch.zeros(2, 3, { names: ["_N", "C"] }),
  like_zeros: () => torch.zerosLike(X()),
  like_ones: () => torch.onesLike(X()),
  like_full: () => torch.fullLike(X(), 2),
  like_rand: () => torch.randLike(X()),
  rename_pos: () => X().rename("A", "B"),
  rename_none: () => X().rename(null),
  rename_map: () => X().rename({ N: "B" }),
  rename_map_none: () => X().rename({ N: null }),
  rename_ellipsis_first: () => W().rename("A", "..."),
  rename_ellipsis_last: () => W().rename("...", "B"),
  rename_ellipsis_mid: () => W().rename("A", "...", "B"),
  rename_ellipsis_empty: () => W().rename("A", "...", "B", "C"),
  rename_count: () => W().rename("A", "B"),
  rename_two_ellipses: () => W().rename("...", "..."),
  rename_dup: () => W().rename("A", "B", "A"),
  rename_map_missing: () => X().rename({ D: "E" }),
  rename_map_dup: () => X().rename({ C: "N" }),
  refine_ok: () => Z().refineNames("N", "D"),
  refine_ellipsis: () => Z().refineNames("...", "D"),
  refine_mismatch: () => X().refineNames("A", "C"),
  refine_count: () => Z().refineNames("N", "C", "D"),
  refine_dup: () => Z().refineNames("N", "N"),
  refine_ellipsis_mid: () => W().refineNames("N", "...", "H"),
  align_to_perm: () => X().alignTo("C", "N"),
  align_to_ellipsis: () => W().alignTo("H", "...", "N"),
  align_to_ellipsis_first: () => W().alignTo("...", "N"),
  align_to_new: () => X().alignTo("C", "N", "D"),
  align_to_unnamed_ellipsis: () => Z().alignTo("...", "N"),
  align_to_missing: () => X().alignTo("N"),
  align_to_unnamed: () => Z().alignTo("N", "C"),
  align_to_two_ellipses: () => X().alignTo("C", "...", "..."),
  align_as: () => X().alignAs(torch.zeros(4, 2, 3, { names: ["X", "N", "C"] })),
  align_as_none_dim: () => v(["C"], 3).alignAs(torch.zeros(2, 3, { names: [null, "C"] })),
  align_as_missing: () => X().alignAs(torch.zeros(3, { names: ["C"] })),
  align_tensors: () => torch.alignTensors(X(), v(["C"], 3)),
  align_tensors_bad: () => torch.alignTensors(X(), v(["H"], 3)),
  add_broadcast: () => X().add(v(["C"], 3)),
  add_unify_none: () => X().add(Z()),
  add_unify_none_rev: () => Z().add(X()),
  add_mismatch: () => X().add(v(["C", "N"], 3, 2)),
  add_mismatch2: () => X().add(v(["N", "D"], 2, 3)),
  add_misaligned: () => Z().add(v(["N"], 3)),
  add_scalar: () => X().add(1),
  rpow_scalar: () => torch.pow(2, X()),
  mul_unnamed: () => X().mul(torch.ones(2, 3)),
  gt: () => X().gt(0),
  eq_tensor: () => X().eq(v(["C"], 3)),
  exp: () => X().exp(),
  abs_: () => X().abs_(),
  neg: () => X().neg(),
  sigmoid: () => X().sigmoid(),
  relu: () => F.relu(X()),
  clamp: () => X().clamp(0, 1),
  pow: () => X().pow(v(["C"], 3)),
  add_inplace_unnamed_self: () => torch.zeros(2, 3).add_(X()),
  add_inplace_mismatch: () => Z().add_(X()),
  sum_name: () => X().sum("C"),
  sum_names: () => X().sum(["N", "C"]),
  sum_all: () => X().sum(),
  sum_index: () => X().sum(1),
  sum_keepdim: () => X().sum(-1, { keepdim: true }),
  sum_missing: () => X().sum("D"),
  sum_unnamed_name: () => torch.zeros(2, 3).sum("C"),
  mean_keepdim: () => X().mean("N", { keepdim: true }),
  std: () => X().std("C"),
  var_biased: () => X().var("C", { unbiased: false }),
  prod: () => X().prod("C"),
  logsumexp: () => X().logsumexp(["N", "C"]),
  max_dim: () => X().max("C"),
  max_keepdim: () => X().max("C", { keepdim: true }),
  min_all: () => X().min(),
  median_dim: () => X().median("C"),
  mode_dim: () => X().mode("C"),
  kthvalue_dim: () => X().kthvalue(1, "C"),
  all: () => X().gt(0).all(),
  any_name: () => X().gt(0).any("C"),
  cumsum: () => X().cumsum("C"),
  cumprod: () => X().cumprod("N"),
  softmax: () => X().softmax("C"),
  log_softmax: () => F.logSoftmax(X(), "C"),
  softmax_missing: () => X().softmax("D"),
  transpose_names: () => W().transpose("N", "H"),
  transpose_index: () => X().transpose(0, 1),
  transpose_missing: () => X().transpose("N", "D"),
  t: () => X().t(),
  mT: () => X().mT,
  select_name: () => X().select("C", 1),
  select_index: () => X().select(0, 1),
  narrow: () => X().narrow(1, 0, 2),
  index_int: () => X().get(1),
  index_col: () => X().get(":", 0),
  index_slice: () => X().get("0:1"),
  index_ellipsis: () => X().get("...", 0),
  unbind_name: () => X().unbind("N"),
  unbind_default: () => X().unbind(),
  squeeze_all: () => v(["N", "C"], 2, 1).squeeze(),
  squeeze_name: () => v(["N", "C"], 2, 1).squeeze("C"),
  squeeze_index: () => v(["N", "C"], 2, 1).squeeze(1),
  squeeze_not_one: () => X().squeeze(0),
  expand: () => X().expand(4, 2, 3),
  flatten_names: () => W().flatten(["C", "H"], "F"),
  flatten_range: () => W().flatten("C", "H", "F"),
  flatten_one: () => W().flatten(["C"], "F"),
  flatten_not_consecutive: () => W().flatten(["N", "H"], "F"),
  flatten_dup: () => W().flatten(["C", "H"], "N"),
  unflatten: () => v(["F"], 6).unflatten("F", [["A", 2], ["B", 3]]),
  unflatten_infer: () => X().unflatten("C", [["A", -1], ["B", 3]]),
  unflatten_bad_sizes: () => X().unflatten("C", [["A", 2], ["B", 2]]),
  unflatten_dup: () => X().unflatten("C", [["N", 1], ["B", 3]]),
  mm: () => X().mm(v(["C", "D"], 3, 4)),
  mm_unnamed: () => X().mm(torch.ones(3, 4)),
  mm_dup: () => X().mm(v(["C", "N"], 3, 4)),
  matmul: () => X().matmul(v(["C", "D"], 3, 4)),
  matmul_vec_mat: () => v(["C"], 3).matmul(v(["C", "D"], 3, 4)),
  matmul_mat_vec: () => X().matmul(v(["C"], 3)),
  matmul_batch: () => v(["B", "N", "C"], 5, 2, 3).matmul(v([null, "D"], 3, 4)),
  bmm: () => v(["B", "N", "C"], 2, 3, 4).bmm(v(["B", "C", "D"], 2, 4, 5)),
  mv: () => X().mv(v(["D"], 3)),
  dot: () => v(["A"], 3).dot(v([null], 3)),
  addmm: () => torch.addmm(v(["N", "D"], 2, 4), X(), v(["C", "D"], 3, 4)),
  linear: () => F.linear(X(), torch.ones(4, 3)),
  linear_named_weight: () => F.linear(X(), v(["O", "I"], 4, 3)),
  linear_bias: () => F.linear(X(), torch.ones(4, 3), torch.ones(4)),
  cat_name: () => torch.cat([X(), X()], "N"),
  cat_unify: () => torch.cat([X(), Z()]),
  cat_mismatch: () => torch.cat([X(), v(["N", "D"], 2, 3)], 1),
  cat_unnamed_name: () => torch.cat([torch.zeros(2, 3), torch.zeros(2, 3)], "N"),
  float: () => X().float(),
  double: () => X().double(),
  to_int: () => X().to(torch.int32),
  contiguous: () => X().contiguous(),
  clone: () => X().clone(),
  detach: () => X().detach(),
  masked_fill: () => X().maskedFill(b(["C"], 3), 0.0),
  masked_fill_mismatch: () => X().maskedFill(b(["D"], 3), 0.0),
  fill_: () => X().fill_(1.0),
  zero_: () => X().zero_(),
  copy_: () => X().copy_(X()),
  dropout: () => F.dropout(X(), 0.0),
  size_name: () => X().size("C"),
  stride_name: () => X().stride("C"),
  size_missing: () => X().size("D"),
  refuse_view: () => X().view(6),
  refuse_reshape: () => X().reshape(6),
  refuse_permute: () => X().permute(1, 0),
  refuse_T: () => X().T,
  refuse_unsqueeze: () => X().unsqueeze(0),
  refuse_index_none: () => X().get(null),
  refuse_flatten: () => W().flatten(),
  refuse_argmax: () => X().argmax(1),
  refuse_norm: () => X().norm(),
  has_names: () => X().hasNames(),
  has_names_unnamed: () => torch.zeros(2).hasNames(),
  has_names_all_none: () => torch.zeros(2, { names: [null] }).hasNames(),
  index_select: () => X().indexSelect(1, torch.tensor([0])),
  gather: () => X().gather(1, torch.zeros(2, 1, { dtype: torch.int64 })),
  stack: () => torch.stack([X(), X()]),
  roll: () => X().roll(1, 0),
  repeat: () => X().repeat(2, 1),
  where: () => torch.where(X().gt(2), X(), X()),
  masked_select: () => X().maskedSelect(X().gt(2)),
  topk: () => X().topk(1, 1),
  sort_index: () => X().sort(1),
  argsort: () => X().argsort(1),
  chunk: () => X().chunk(2, 1),
  split: () => X().split(1, 1),
  new_zeros: () => X().newZeros(2),
  new_full: () => X().newFull([2], 1.0),
  new_ones: () => X().newOnes(2),
  tile: () => X().tile(2),
  index_fill: () => X().indexFill(1, torch.tensor([0]), 0.0),
  index_fill_name: () => X().indexFill("C", torch.tensor([0]), 0.0),
  scatter: () => X().scatter(1, torch.zeros(2, 1, { dtype: torch.int64 }), 0.0),
  cummax: () => X().cummax(1),
  lerp: () => X().lerp(X(), 0.5),
  addcmul: () => X().addcmul(X(), X()),
  addcdiv: () => X().addcdiv(X(), X().add(1)),
  gelu: () => F.gelu(X()),
  silu: () => F.silu(X()),
  leaky_relu: () => F.leakyRelu(X()),
  layer_norm: () => F.layerNorm(X(), [3]),
  softplus: () => F.softplus(X()),
  elu: () => F.elu(X()),
  hardtanh: () => F.hardtanh(X()),
  unfold: () => X().unfold(1, 2, 1),
  movedim: () => X().movedim(0, 1),
  swapaxes: () => X().swapaxes(0, 1),
  sum_to_size: () => X().sumToSize(1, 3),
  diff: () => X().diff(),
  type_as: () => X().typeAs(torch.zeros(1, { dtype: torch.float64 })),
  view_as: () => X().viewAs(X()),
  expand_as: () => X().expandAs(torch.zeros(4, 2, 3)),
  nonzero: () => X().nonzero(),
  equal: () => X().equal(X()),
  allclose: () => torch.allclose(X(), X()),
  mean_dtype: () => X().mean(1, { dtype: torch.float64 }),
  sum_dtype: () => X().sum({ dtype: torch.float64 }),
  cat_index: () => torch.cat([X(), X()], 1),
  half: () => X().half(),
  bool: () => X().bool(),
  is_contiguous: () => X().isContiguous(),
  numel: () => X().numel(),
  bernoulli: () => X().div(10).bernoulli(),
  var_mean_name: () => torch.varMean(X(), "C"),
  std_mean_keepdim: () => torch.stdMean(X(), "C", { keepdim: true }),
  var_mean_all: () => torch.varMean(X()),
  cummax_name: () => X().cummax("C"),
  cummin_name: () => X().cummin("N"),
  logcumsumexp_name: () => X().logcumsumexp("C"),
  sort_name: () => X().sort("C"),
  set_int: () => X().set([0], 1.0),
  set_index_tensor: () => X().set([torch.tensor([0])], 1.0),
  set_mask: () => { const x = X(); return x.set([x.gt(2)], 0.0); },
  get_mask: () => X().get(X().gt(2)),
  get_index_tensor: () => X().get(torch.tensor([0, 1])),
  get_list: () => X().get(":", [0]),
  get_all: () => X().get(":"),
  get_ellipsis: () => X().get("..."),
  conv2d: () => F.conv2d(v(["N", "C", "H", "W"], 1, 2, 4, 4), torch.ones(3, 2, 3, 3)),
  max_pool2d: () => F.maxPool2d(v(["N", "C", "H", "W"], 1, 2, 4, 4), 2),
  max_pool1d: () => F.maxPool1d(v(["N", "C", "L"], 1, 2, 4), 2),
  avg_pool2d: () => F.avgPool2d(v(["N", "C", "H", "W"], 1, 2, 4, 4), 2),
  mse_loss: () => F.mseLoss(X(), X()),
  interpolate: () => F.interpolate(v(["N", "C", "H", "W"], 1, 2, 4, 4), { scaleFactor: 2 }),
  interpolate_bilinear: () => F.interpolate(v(["N", "C", "H", "W"], 1, 2, 4, 4), { scaleFactor: 2, mode: "bilinear" }),
  nn_linear: () => F.linear(X(), torch.ones(4, 3), torch.zeros(4)),
  repr: () => Z().toString(),
  repr_grad: () => torch.zeros(2, { names: ["A"], requiresGrad: true }).mul(2).toString(),
};

/**
 * Cases whose refusal names another aten op than PyTorch's (PyTorch names the overload or the
 * internal op it reached: `aten::_reshape_alias`, `aten::norm.ScalarOpt_dim`): the message is
 * checked without the op name.
 */
const OTHER_OP_NAME = new Set(["refuse_reshape", "refuse_flatten", "refuse_norm"]);
const NOT_YET = new Set<string>();
const REFUSAL_TAIL = " is not yet supported with named tensors. Please drop names via `tensor = tensor.rename(None)`, call the op with an unnamed tensor, and set names on the result of the operation.";

function describe(r: unknown): Described {
  if (r instanceof torch.Tensor) return { names: r.names, shape: r.shape, values: r.dtype === torch.bool ? null : (r.rename(null).detach().double().flatten().tolist() as number[]) };
  if (Array.isArray(r)) return { each: r.map(describe) };
  return { value: r };
}

function check(key: string, got: Described, want: Described): void {
  if (want.each) {
    assert.ok(got.each, `${key}: expected a tuple`);
    assert.equal(got.each.length, want.each.length, key);
    want.each.forEach((w, i) => check(`${key}[${i}]`, got.each![i]!, w));
    return;
  }
  if ("value" in want) { assert.deepEqual(got.value, want.value, key); return; }
  assert.deepEqual(got.names, want.names, `${key}: names`);
  assert.deepEqual(got.shape, want.shape, `${key}: shape`);
  if (want.values && got.values && !key.startsWith("factory_empty")) {
    assert.equal(got.values.length, want.values.length, key);
    want.values.forEach((x, i) => assert.ok(Math.abs(got.values![i]! - x) <= 1e-5 * (1 + Math.abs(x)), `${key}: value ${i}: ${got.values![i]} vs ${x}`));
  }
}

for (const [key, want] of Object.entries(fixture)) {
  const run = CASES[key];
  if (!run || NOT_YET.has(key)) continue;
  test(`named: ${key}`, () => {
    torch.manualSeed(0);
    if (want.error !== undefined) {
      assert.throws(run, (e: Error) => {
        if (OTHER_OP_NAME.has(key)) assert.ok(e.message.startsWith("aten::") && e.message.endsWith(REFUSAL_TAIL), `${key}: ${e.message}`);
        else assert.equal(e.message, want.error, key);
        return true;
      });
      return;
    }
    check(key, describe(run()), want);
  });
}

test("named: every recorded case has a torch-ts form", () => {
  const missing = Object.keys(fixture).filter((k) => !CASES[k] && !NOT_YET.has(k) && !k.startsWith("sweep_") && !["grad", "grad_align", "setter", "setter_none", "rename_"].includes(k));
  assert.deepEqual(missing, []);
});

test("named: gradients carry no names", () => {
  const a = torch.arange(6).float().reshape(2, 3).refineNames("N", "C").requiresGrad_();
  a.mul(2).sum("C").sum().backward();
  assert.deepEqual(a.grad!.names, fixture.grad!.names);
  assert.deepEqual(a.grad!.flatten().tolist(), fixture.grad!.values);
  const c = torch.arange(3).float().refineNames("C").requiresGrad_();
  c.alignAs(torch.zeros(2, 3, { names: [null, "C"] })).mul(torch.arange(3).float()).sum().backward();
  assert.deepEqual(c.grad!.names, fixture.grad_align!.names);
  assert.deepEqual(c.grad!.tolist(), fixture.grad_align!.values);
});

test("named: autograd nodes are PyTorch's (rename: AliasBackward0, align_to: AsStridedBackward0, sum by name: SumBackward1)", () => {
  const a = torch.zeros(2, 3, { names: ["N", "C"], requiresGrad: true });
  assert.equal(a.rename(null).gradFn!.name(), "AliasBackward0");
  assert.equal(a.alignTo("C", "N").gradFn!.name(), "AsStridedBackward0");
  assert.equal(a.add(1).sum("C").gradFn!.name(), "SumBackward1");
  assert.equal(a.mul(2).gradFn!.name(), "MulBackward0");
});

test("named: names setter and rename_ (in place)", () => {
  const x = torch.arange(6).float().reshape(2, 3);
  x.names = ["A", "B"];
  assert.deepEqual(x.names, fixture.setter!.names);
  x.names = null;
  assert.deepEqual(x.names, fixture.setter_none!.names);
  assert.equal(x.rename_("P", "Q"), x);
  assert.deepEqual(x.names, fixture.rename_!.names);
  assert.throws(() => { x.names = ["A"]; }, /Number of names \(1\) and number of dimensions in tensor \(2\) do not match/);
});

test("named: names live on the tensor, not the storage; views follow their rule", () => {
  const x = torch.zeros(2, 3, { names: ["N", "C"] });
  const alias = x.rename("A", "B");
  assert.deepEqual(x.names, ["N", "C"]);
  alias.fill_(5);
  assert.equal(x.get(0, 0).item(), 5);
  assert.deepEqual(x.select("N", 0).names, ["C"]);
  assert.equal(torch.zeros(2, 3).names.every((n) => n === null), true);
});

test("named: PyTorch's experimental-feature warning, once", () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => { warned.push(m); };
  try { torch.zeros(1, { names: ["A"] }); torch.zeros(1, { names: ["B"] }); } finally { console.warn = warn; }
  assert.ok(warned.length <= 1);
  assert.ok(warned.every((m) => m.startsWith("UserWarning: Named tensors and all their associated APIs are an experimental feature")));
});

test("named: an unnamed tensor costs one null field", () => {
  const t = torch.ones(3);
  assert.equal(t._names, null);
  assert.equal(t.add(t)._names, null);
});

/**
 * Methods PyTorch refuses on named inputs where torch-ts first checks the shape (square matrices)
 * or a dtype, and so throws that error instead: only that it throws is checked.
 */
const CHECKS_FIRST = new Set(["bitwise_and", "bitwise_and_", "bitwise_or", "bitwise_or_", "bitwise_xor", "bitwise_xor_", "bitwise_left_shift", "bitwise_left_shift_", "bitwise_right_shift", "bitwise_right_shift_", "gcd", "gcd_", "lcm", "lcm_", "bincount", "cholesky", "cholesky_inverse", "det", "inverse", "matrix_exp", "slogdet", "cholesky_solve", "triangular_solve", "orgqr", "pinverse", "inner", "kron", "dist", "vdot", "prelu", "smm", "sparse_mask", "allclose", "isclose", "diagonal_scatter", "slice_scatter", "resize_as_sparse_", "to_sparse_bsc", "to_sparse_bsr", "to_padded_tensor", "pin_memory", "sum_to_size"]);
/** Real inputs: a no-op in torch-ts (self returned), which PyTorch refuses on named tensors. */
const NO_OP_HERE = new Set(["conj_physical_"]);

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
for (const [sweepKey, arg] of [["sweep_unary", null], ["sweep_tensor", "tensor"], ["sweep_int", 1]] as const) {
  test(`named: ${sweepKey}: each Tensor method names its result or refuses as PyTorch`, () => {
    const wrong: string[] = [];
    for (const [name, want] of Object.entries(fixture[sweepKey]!.each_method!)) {
      if (NO_OP_HERE.has(name)) continue;
      torch.manualSeed(0);
      const x = torch.rand(2, 3).add(0.5).rename("N", "C");
      const f = (x as unknown as Record<string, unknown>)[camel(name)];
      if (typeof f !== "function") continue; // methods torch-ts lacks (chalf, symeig)
      const args = arg === null ? [] : arg === "tensor" ? [torch.rand(2, 3).add(0.5).rename("N", "C")] : [arg];
      let got: string;
      try {
        const r = (f as (...a: unknown[]) => unknown).apply(x, args);
        got = r instanceof torch.Tensor ? JSON.stringify(r.names) : "not a tensor";
      } catch (e) {
        const msg = (e as Error).message;
        got = msg.endsWith(REFUSAL_TAIL) || (want.refused && CHECKS_FIRST.has(name)) ? "refused" : `error: ${msg}`;
      }
      const expected = want.refused ? "refused" : JSON.stringify(want.names);
      if (got !== expected) wrong.push(`${name}: ${got} (PyTorch: ${expected})`);
    }
    assert.deepEqual(wrong, []);
  });
}
