// torch.nested against PyTorch 1.13 (fixtures/nested-tensor.py → nested-tensor.json): construction,
// sizes, printing, to_padded_tensor, the ops 1.13's NestedTensorCPU runs, their gradients, what
// 1.13 refuses, and the TransformerEncoder fast path that pads its output with zeros.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

type Values = number | boolean | Values[];
type Described = { nested?: Values[]; dense?: Values; shape?: number[]; list?: Described[]; value?: unknown; error?: string };
type GradCase = { grad_fn?: string | null; x?: Described; extra?: Described[]; error?: string };
type Layer = Record<string, Values>;
interface Fixture {
  inputs: Record<"A" | "B" | "W" | "BIAS" | "R" | "S" | "EMB", Values>;
  cases: Record<string, Described>;
  grads: Record<string, GradCase>;
  backward_nested_gradient: Described;
  double: Record<string, { grad_fn: string; x: Described }>;
  backward_errors: Record<string, { error?: string; ok?: boolean }>;
  transformer: { state: Layer; src: Values; masks: Record<"left" | "short" | "gap", Values> } & Record<string, Values>;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/nested-tensor.json", import.meta.url), "utf8")) as Fixture;
const F = torch.nn.functional;
const nested = torch.nested;

const input = (k: keyof Fixture["inputs"]): torch.Tensor => torch.tensor(fixture.inputs[k] as number[][]);
const A = input("A"), B = input("B"), W = input("W"), BIAS = input("BIAS"), R = input("R"), S = input("S"), EMB = input("EMB");
const nt = (requiresGrad = false): torch.Tensor => nested.nestedTensor([A, B], { requiresGrad });
const rs = (): torch.Tensor => nested.nestedTensor([R, S]);
const ar = (n: number, ...shape: number[]): torch.Tensor => torch.arange(n).float().reshape(shape);

function addInPlace(x: torch.Tensor): torch.Tensor {
  const y = x.clone();
  y.add_(nt());
  return y;
}

const CASES: Record<string, () => unknown> = {
  repr: () => nested.nestedTensor([ar(6, 2, 3), ar(9, 3, 3)]).toString(),
  repr_grad: () => nested.nestedTensor([torch.arange(2).float()], { requiresGrad: true }).toString(),
  repr_grad_fn: () => nested.nestedTensor([torch.arange(2).float()], { requiresGrad: true }).mul(2).toString(),
  repr_empty: () => nested.nestedTensor([]).toString(),
  repr_int: () => nested.nestedTensor([torch.tensor([1, 2]), torch.tensor([3])]).toString(),
  repr_double: () => nested.nestedTensor([torch.tensor([1.5]), torch.tensor([2, 3])], { dtype: torch.float64 }).toString(),
  repr_3d: () => nested.nestedTensor([ar(4, 2, 2, 1), ar(2, 1, 2, 1)]).toString(),
  mixed_dtypes: () => nested.nestedTensor([torch.tensor([1, 2]), torch.tensor([3.5])]),
  int_to_double: () => nested.nestedTensor([torch.tensor([1, 2]), torch.tensor([3])], { dtype: torch.float64 }).toPaddedTensor(0),
  noncontiguous_input: () => nested.nestedTensor([A.t(), B]),
  size0: () => nt().size(0),
  size2: () => nt().size(2),
  size_neg1: () => nt().size(-1),
  dim: () => nt().dim(),
  numel: () => nt().numel(),
  empty_dim: () => nested.nestedTensor([]).dim(),
  empty_numel: () => nested.nestedTensor([]).numel(),
  empty_padded: () => nested.nestedTensor([]).toPaddedTensor(0),
  is_nested: () => [nt().isNested, A.isNested],
  is_contiguous: () => [nt().isContiguous(), nt().transpose(1, 2).isContiguous()],
  leaf: () => [nt(true).isLeaf, nt(true).requiresGrad, nt(true).mul(2).isLeaf],
  err_size: () => nt().size(),
  err_shape: () => nt().shape,
  err_size1: () => nt().size(1),
  err_size_neg2: () => nt().size(-2),
  err_size3: () => nt().size(3),
  err_stride: () => nt().stride(),
  err_tolist: () => nt().tolist(),
  err_ndim_mismatch: () => nested.nestedTensor([A, torch.ones(3)]),
  err_not_list: () => nested.nestedTensor(5 as unknown as torch.Tensor[]),
  err_nested_of_nested: () => nested.nestedTensor([nt()]),
  err_int_grad: () => nested.nestedTensor([torch.tensor([1])], { requiresGrad: true }),
  padded: () => nested.toPaddedTensor(nt(), 0.0),
  padded_method: () => nt().toPaddedTensor(-1.5),
  padded_output_size: () => nt().toPaddedTensor(0, [2, 4, 5]),
  padded_output_batch: () => nt().toPaddedTensor({ padding: 2, outputSize: [3, 3, 4] }),
  padded_1d: () => nested.nestedTensor([torch.tensor([1.0, 2.0]), torch.tensor([3.0])]).toPaddedTensor(9),
  padded_3d: () => nested.nestedTensor([torch.ones(1, 2, 3), torch.ones(2, 1, 1)]).toPaddedTensor(0),
  padded_int_float_padding: () => nested.nestedTensor([torch.tensor([1, 2]), torch.tensor([3])]).toPaddedTensor(1.5),
  err_padded_small: () => nt().toPaddedTensor(0, [2, 2, 3]),
  err_padded_length: () => nt().toPaddedTensor(0, [2, 4]),
  err_padded_noncontiguous: () => nt().transpose(1, 2).toPaddedTensor(0),
  err_padded_dense: () => nested.toPaddedTensor(A, 0),
  add: () => nt().add(nt()),
  add_alpha: () => torch.add(nt(), nt(), { alpha: 2 }),
  add_scalar: () => nt().add(1),
  add_0d: () => nt().add(torch.tensor(2.0)),
  add_int_float: () => nested.nestedTensor([torch.tensor([1, 2])]).add(nested.nestedTensor([torch.tensor([1.5, 2])])),
  add_: () => addInPlace(nt()),
  mul: () => nt().mul(nt()),
  mul_scalar: () => nt().mul(2.5),
  mul_0d: () => torch.mul(torch.tensor(3.0), nt()),
  mul_int_scalar: () => nested.nestedTensor([torch.tensor([1, 2])]).mul(1.5),
  mul_: () => nt().mul_(3),
  relu: () => torch.relu(nt()),
  relu_: () => F.relu(nt(), { inplace: true }),
  gelu: () => F.gelu(nt()),
  gelu_tanh: () => F.gelu(nt(), { approximate: "tanh" }),
  softmax: () => nt().softmax(-1),
  softmax_dim1: () => F.softmax(nt(), 1),
  transpose: () => nt().transpose(1, 2),
  transpose_contiguous_padded: () => nt().transpose(-1, -2).contiguous().toPaddedTensor(0),
  reshape: () => nt().reshape(2, -1, 3, 1),
  view: () => nt().view(2, -1, 1, 3),
  reshape_transposed: () => nt().transpose(1, 2).reshape(2, 3, -1),
  matmul: () => nt().matmul(rs()),
  matmul_transposed: () => nt().matmul(nt().transpose(1, 2)),
  matmul_4d: () => nested.nestedTensor([torch.ones(2, 2, 3), torch.ones(1, 2, 3)]).matmul(nested.nestedTensor([ar(12, 2, 3, 2), torch.ones(1, 3, 2)])),
  bmm: () => nt().bmm(rs()),
  linear: () => F.linear(nt(), W, BIAS),
  linear_no_bias: () => F.linear(nt(), W),
  sum: () => nt().sum(-1, { keepdim: true }),
  select: () => nt().select(0, 1),
  select_neg: () => nt().select(-3, -2),
  getitem: () => nt().get(1),
  unbind: () => nt().unbind(),
  dropout_eval: () => F.dropout(nt(), 0.5, { training: false }),
  dropout_train: () => { torch.manualSeed(0); return F.dropout(nt(), 0.5, { training: true }); },
  embedding: () => F.embedding(nested.nestedTensor([torch.tensor([0, 4, 1]), torch.tensor([2])]), EMB),
  clone: () => nt().clone(),
  detach: () => nt(true).detach(),
  to_same: () => nt().to(torch.float32),
  contiguous_same: () => nt().contiguous(),
  is_same_size: () => [nt().isSameSize(nt()), nt().isSameSize(nested.nestedTensor([B, A]))],
  err_sum_all: () => nt().sum(),
  err_exp: () => nt().exp(),
  err_tanh: () => nt().tanh(),
  err_sigmoid: () => torch.sigmoid(nt()),
  err_neg: () => nt().neg(),
  err_sub: () => nt().sub(nt()),
  err_div: () => nt().div(2),
  err_log_softmax: () => nt().logSoftmax(-1),
  err_layer_norm: () => F.layerNorm(nt(), [3]),
  err_to_double: () => nt().to(torch.float64),
  err_to_copy: () => nt().to({ copy: true }),
  to_memory_format_same: () => nt().to({ memoryFormat: torch.contiguousFormat }).isNested,
  err_zeros_like: () => torch.zerosLike(nt()),
  err_copy_: () => nt().copy_(nt()),
  err_fill_: () => nt().fill_(1),
  err_narrow: () => nt().narrow(0, 0, 1),
  err_unsqueeze: () => nt().unsqueeze(1),
  err_permute: () => nt().permute(0, 2, 1),
  err_cat: () => torch.cat([nt(), nt()]),
  err_eq: () => nt().eq(nt()),
  err_eq_scalar: () => nt().eq(1),
  err_fill_tensor: () => nt().fill_(torch.tensor(1.0)),
  err_add_dense: () => nt().add(A),
  err_mul_dense: () => A.mul(nt()),
  err_add_broadcast: () => nt().add(nested.nestedTensor([A])),
  err_mul_broadcast: () => nt().mul(nested.nestedTensor([B, A])),
  err_sum_keepdim: () => nt().sum(-1),
  err_sum_dim1: () => nt().sum(1, { keepdim: true }),
  err_softmax0: () => nt().softmax(0),
  err_softmax_int: () => nested.nestedTensor([torch.tensor([1, 2])]).softmax(-1),
  err_transpose0: () => nt().transpose(0, 1),
  err_view_batch: () => nt().view(-1, -1, 3),
  err_view_numel: () => nt().view(2, -1, 9),
  err_view_fewer_dims: () => nt().view(2, -1),
  err_view_two_inherited: () => nt().view(2, -1, -1, 3),
  err_view_infer_new: () => nt().view(2, -1, 3, -1),
  err_view_negative: () => nt().view(2, -2, 3),
  err_view_empty_shape: () => nt().view([]),
  err_reshape_batch: () => nt().reshape(3, -1, 3),
  err_view_empty_nested: () => nested.nestedTensor([]).view(0),
  err_view_transposed_numel: () => nt().transpose(1, 2).view(2, -1, 1, 3),
  view_transposed: () => nt().transpose(1, 2).view(2, 3, -1),
  view_transposed_contiguous: () => nt().transpose(1, 2).view(2, 3, -1).isContiguous(),
  view_both_inherited: () => nt().view(2, -1, -1),
  reshape_regular_split: () => nested.nestedTensor([ar(12, 2, 6), ar(6, 1, 6)]).reshape(2, -1, 2, 3),
  err_unbind1: () => nt().unbind(1),
  err_select1: () => nt().select(1, 0),
  err_select_range: () => nt().select(0, 2),
  err_matmul_dense: () => nt().matmul(R),
  err_matmul_shapes: () => nt().matmul(nt()),
  err_matmul_rank: () => nested.nestedTensor([torch.ones(3), torch.ones(2)]).matmul(rs()),
  err_matmul_count: () => nt().matmul(nested.nestedTensor([R])),
  err_bmm_dense_self: () => torch.ones(2, 3, 3).bmm(nt()),
  err_bmm_shapes: () => nt().bmm(nt()),
  err_bmm_2d: () => nested.nestedTensor([torch.ones(3), torch.ones(2)]).bmm(nested.nestedTensor([torch.ones(3), torch.ones(2)])),
  err_bmm_count: () => nt().bmm(nested.nestedTensor([R])),
  err_linear_shape: () => F.linear(nt(), torch.ones(4, 5)),
  err_linear_1d_weight: () => F.linear(nt(), torch.ones(3)),
  err_linear_irregular: () => F.linear(nested.nestedTensor([torch.ones(2, 3), torch.ones(2, 4)]), W),
  err_relu_leaf: () => nt(true).relu_(),
  err_item: () => nt().item(),
  values: () => nt().values(),
  err_is_same_size_dense: () => nt().isSameSize(A),
  err_save: () => torch.save(nt()),
  err_mixed_dtype_backward: () => {
    const x = nt(true), y = nested.nestedTensor([A, B], { dtype: torch.float64, requiresGrad: true });
    x.add(y).toPaddedTensor(0).sum().backward();
    return x.grad;
  },
  linear_module: () => {
    const m = new torch.nn.Linear(3, 4);
    torch.noGrad(() => { m.weight.copy_(W); m.bias!.copy_(BIAS); });
    return m.call(nt());
  },
  err_dropout_inplace: () => F.dropout(nt(), 0.5, true, true),
  err_alpha_dropout: () => F.alphaDropout(nt(), 0.5, true),
  err_bmm_dense: () => nt().bmm(torch.ones(2, 3, 3)),
  dropout_module_eval: () => new torch.nn.Dropout(0.5).eval().call(nt()),
  mul_in_place_grad: () => {
    const x = nt(true), y = x.mul(1);
    y.mul_(2);
    y.toPaddedTensor(0).sum().backward();
    return x.grad;
  },
  relu_in_place_grad_fn: () => F.relu(nt(true).mul(1), { inplace: true }).gradFn!.name(),
  retain_grad: () => {
    const y = nt(true).mul(2);
    y.retainGrad();
    y.mul(y).toPaddedTensor(0).sum().backward();
    return y.grad;
  },
  double_backward: () => {
    const x = nt(true);
    const [g] = torch.autograd.grad(x.mul(x).mul(x).toPaddedTensor(0).sum(), x, { createGraph: true });
    g!.toPaddedTensor(0).sum().backward();
    return [g!.requiresGrad, describe(x.grad)];
  },
};


function describe(r: unknown): Described {
  if (r instanceof torch.Tensor) {
    if (r.isNested) return { nested: r.unbind().map((c) => c.tolist() as Values) };
    return { dense: r.tolist() as Values, shape: r.shape };
  }
  if (Array.isArray(r)) return { list: r.map(describe) };
  return { value: r };
}

function run(f: () => unknown): Described {
  try { return describe(f()); } catch (e) { return { error: (e as Error).message }; }
}

function assertClose(actual: unknown, expected: unknown, where: string, tol = 1e-5): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: length ${JSON.stringify(actual)?.slice(0, 80)} vs ${expected.length}`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`, tol));
  } else if (typeof expected === "number") {
    assert.ok(typeof actual === "number" && Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)), `${where}: ${String(actual)} vs ${expected}`);
  } else if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${where}: ${String(actual)}`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [k, e] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], e, `${where}.${k}`, tol);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

function assertSame(got: Described, want: Described, where: string): void {
  if (want.error !== undefined) {
    // torch-ts names the op first where its dense path does ("relu_: a leaf Variable ...").
    const error = got.error?.replace(/^\w+: (?=a leaf Variable)/, "");
    assert.equal(error, want.error, `${where}: expected an error`);
    return;
  }
  assert.equal(got.error, undefined, `${where}: ${got.error}`);
  assertClose(got, want, where);
}

test("torch.nested against PyTorch 1.13: construction, sizes, printing, ops and refusals", () => {
  for (const [name, want] of Object.entries(fixture.cases)) {
    const f = CASES[name];
    assert.ok(f, `no case for ${name}`);
    assertSame(run(f), want, name);
  }
});

/** The gradient of sum(padded(f(x)) * w) for w = rand with seed 1, as the fixture computes it. */
function gradOf(f: (x: torch.Tensor, ...extra: torch.Tensor[]) => torch.Tensor, extra: torch.Tensor[]): GradCase {
  const x = nt(true);
  const leaves = extra.map((t) => t.detach().clone().requiresGrad_());
  try {
    const y = f(x, ...leaves);
    const p = y.isNested ? y.toPaddedTensor(0) : y;
    torch.manualSeed(1);
    p.mul(torch.rand(p.shape)).sum().backward();
    return { grad_fn: y.gradFn ? y.gradFn.name() : null, x: describe(x.grad), extra: leaves.map((t) => describe(t.grad)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const GRADS: Record<string, [(x: torch.Tensor, ...e: torch.Tensor[]) => torch.Tensor, torch.Tensor[]]> = {
  identity: [(x) => x, []],
  mul_scalar: [(x) => x.mul(2), []],
  mul: [(x) => x.mul(x), []],
  add: [(x) => x.add(x), []],
  add_alpha: [(x) => torch.add(x, x.mul(3), { alpha: 0.5 }), []],
  softmax: [(x) => x.softmax(-1), []],
  softmax_dim1: [(x) => x.softmax(1), []],
  reshape: [(x) => x.reshape(2, -1, 3, 1), []],
  view: [(x) => x.view(2, -1, 1, 3), []],
  clone: [(x) => x.clone(), []],
  transpose_contiguous: [(x) => x.transpose(1, 2).contiguous(), []],
  sum: [(x) => x.sum(-1, { keepdim: true }).mul(1), []],
  select: [(x) => x.select(0, 1), []],
  unbind: [(x) => x.unbind()[1]!, []],
  getitem: [(x) => x.get(0), []],
  dropout: [(x) => { torch.manualSeed(0); return F.dropout(x, 0.5, { training: true }); }, []],
  dropout_eval: [(x) => F.dropout(x, 0.5, { training: false }), []],
  linear: [(x, w, b) => F.linear(x, w!, b!), [W, BIAS]],
  matmul: [(x, r, s) => x.matmul(nested.asNestedTensor([r!, s!])), [R, S]],
  bmm: [(x, r, s) => x.bmm(nested.asNestedTensor([r!, s!])), [R, S]],
  as_nested_tensor: [(x, a, b) => nested.asNestedTensor([a!, b!]).mul(x), [A, B]],
  values: [(x) => x.mul(1).values(), []],
  err_embedding_weight: [(_x, w) => F.embedding(nested.nestedTensor([torch.tensor([0, 4, 1, 4]), torch.tensor([2, 1])]), w!, { paddingIdx: 1 }), [EMB]],
  err_relu: [(x) => F.relu(x), []],
  err_gelu: [(x) => F.gelu(x), []],
  err_bmm_shared: [(x) => x.bmm(x.transpose(1, 2)), []],
  err_transpose_padded: [(x) => x.transpose(1, 2), []],
};

test("torch.nested gradients against PyTorch 1.13 (and the backward 1.13 refuses)", () => {
  for (const [name, want] of Object.entries(fixture.grads)) {
    const entry = GRADS[name];
    assert.ok(entry, `no gradient case for ${name}`);
    const got = gradOf(...entry);
    if (want.error !== undefined) {
      assert.equal(got.error, want.error, name);
      continue;
    }
    assert.equal(got.error, undefined, `${name}: ${got.error}`);
    assert.equal(got.grad_fn, want.grad_fn, `${name}: grad_fn`);
    assertClose(got.x, want.x, `${name}: x.grad`);
    assertClose(got.extra, want.extra, `${name}: extra grads`);
  }
});

const DOUBLE: Record<string, (x: torch.Tensor) => torch.Tensor> = {
  view: (x) => x.view(2, -1, 3, 1),
  clone: (x) => x.clone(),
  mul: (x) => x.mul(x),
  bmm: (x) => x.bmm(nested.nestedTensor([R, S.get(":", ":2")])),
};

test("double backward where 1.13 has it (view, clone, mul, bmm; to_padded_tensor's backward is differentiable)", () => {
  for (const [name, want] of Object.entries(fixture.double)) {
    const x = nt(true);
    const y = DOUBLE[name]!(x);
    const p = y.toPaddedTensor(0);
    const [g] = torch.autograd.grad(p.mul(p).sum(), x, { createGraph: true });
    g!.toPaddedTensor(0).sum().backward();
    assert.equal(g!.gradFn?.name(), want.grad_fn, `${name}: grad_fn`);
    assertClose(describe(x.grad), want.x, `${name}: x.grad`);
  }
});

test("backward from a nested gradient, and its checks", () => {
  const x = nt(true);
  x.mul(2).backward(nested.nestedTensor([torch.ones(2, 3), torch.full([3, 3], 0.5)]));
  assertClose(describe(x.grad), fixture.backward_nested_gradient, "x.grad");
  assert.throws(() => nt(true).mul(2).backward(nested.nestedTensor([torch.ones(3, 3), torch.ones(2, 3)])), /Mismatch in shape: grad_output\[0\] has a shape of/);
  assert.equal(fixture.backward_errors.wrong_sizes!.error!.startsWith("Mismatch in shape: grad_output[0] has a shape of"), true);
  assert.throws(() => nt(true).mul(2).backward(), { message: fixture.backward_errors.none!.error });
});

test("torch.nested arguments: keyword-only options, the list given by name", () => {
  assert.throws(() => nested.nestedTensor([A], { requires_grad: true } as never), { message: "nested_tensor() got an unexpected keyword argument 'requires_grad'" });
  assert.throws(() => (nested.nestedTensor as (...a: unknown[]) => unknown)([A], torch.float64), /nested_tensor\(\) takes 1 positional argument but 2 were given/);
  const byName = nested.nestedTensor({ tensorList: [A, B], dtype: torch.float64 } as never);
  assert.equal(byName.dtype, torch.float64);
  assert.equal(nested.asNestedTensor([A, B], torch.float64).dtype, torch.float64);
  assert.equal(nested.toPaddedTensor(byName, { padding: 0, outputSize: [2, 3, 3] }).shape.join(), "2,3,3");
});

test("nested tensors share their buffer: select views write through, versions guard saved values", () => {
  const x = nt();
  x.select(0, 1).fill_(7);
  assert.deepEqual(x.unbind()[1]!.tolist(), [[7, 7, 7], [7, 7, 7], [7, 7, 7]]);
  const y = nt(true).mul(1);
  const z = y.mul(y);
  y.select(0, 0).detach().zero_();
  assert.throws(() => z.toPaddedTensor(0).sum().backward(), /modified by an inplace operation/);
  const t = x.transpose(1, 2);
  assert.equal(t.isContiguous(), false);
  assert.equal(t.contiguous().isContiguous(), true);
  assert.equal(x.contiguous(), x);
});

// ---- TransformerEncoder's fast path ------------------------------------------------------------

function encoderLayer(): torch.nn.TransformerEncoderLayer {
  const layer = new torch.nn.TransformerEncoderLayer(4, 2, 8, { dropout: 0.0, batchFirst: true });
  const state: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(fixture.transformer.state)) state[k] = torch.tensor(v as number[]);
  layer.loadStateDict(state);
  return layer;
}

test("TransformerEncoder in eval mode with src_key_padding_mask pads with zeros as 1.13's nested fast path", () => {
  const T = fixture.transformer;
  const layer = encoderLayer();
  const src = torch.tensor(T.src as number[][][]);
  const mask = (k: "left" | "short" | "gap"): torch.Tensor => torch.tensor(T.masks[k] as boolean[][]);
  const norm = new torch.nn.LayerNorm(4);
  torch.noGrad(() => norm.bias!.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0])));
  const enc = (nestedOn: boolean, withNorm = false): torch.nn.TransformerEncoder => {
    const e = new torch.nn.TransformerEncoder(layer, 2, { norm: withNorm ? norm : null, enableNestedTensor: nestedOn });
    e.eval();
    return e;
  };
  const check = (got: torch.Tensor, key: string): void => assertClose(got.tolist(), T[key], key, 1e-4);
  torch.noGrad(() => {
    check(enc(true).call(src, { srcKeyPaddingMask: mask("left") }), "nested_left");
    check(enc(false).call(src, { srcKeyPaddingMask: mask("left") }), "plain_left");
    check(enc(true).call(src, { srcKeyPaddingMask: mask("short") }), "nested_short");
    check(enc(true).call(src, { srcKeyPaddingMask: mask("gap") }), "nested_gap");
    check(enc(true, true).call(src, { srcKeyPaddingMask: mask("left") }), "nested_norm");
    check(enc(true).call(src), "nested_no_mask");
    layer.eval();
    check(layer.call(src, { srcKeyPaddingMask: mask("left") }), "layer_eval");
  });
  check(enc(true).call(src, { srcKeyPaddingMask: mask("left") }).detach(), "nested_left_grad_mode");
  const mha = new torch.nn.MultiheadAttention(4, 2, { batchFirst: true });
  const mhaState: Record<string, torch.Tensor> = {};
  for (const [k, v] of Object.entries(T["mha_state"] as unknown as Layer)) mhaState[k] = torch.tensor(v as number[]);
  mha.loadStateDict(mhaState);
  mha.eval();
  torch.noGrad(() => {
    const [o, w] = mha.call(src, src, src, { keyPaddingMask: mask("left") }) as torch.Tensor[];
    check(o!, "mha_out");
    check(w!, "mha_weights");
  });
  // Nested inputs on the modules' fast paths, and their refusals elsewhere.
  const seqs = nested.nestedTensor((T["nested_input"] as number[][][]).map((c) => torch.tensor(c)));
  type Run = { out?: Values[]; weights?: Values | null; error?: string };
  const nestedRun = (f: () => torch.Tensor | torch.Tensor[] | [torch.Tensor, torch.Tensor | null]): Run => {
    try {
      const r = f();
      if (Array.isArray(r)) return { out: r[0]!.unbind().map((c) => c.tolist() as Values), weights: r[1] ? (r[1].tolist() as Values) : null };
      return { out: r.unbind().map((c) => c.tolist() as Values) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const checkRun = (got: Run, key: string): void => {
    const want = T[key] as unknown as Run;
    if (want.error !== undefined) assert.equal(got.error, want.error, key);
    else { assert.equal(got.error, undefined, `${key}: ${got.error}`); assertClose(got, want, key, 1e-4); }
  };
  layer.eval();
  const enc2 = new torch.nn.TransformerEncoder(layer, 2);
  enc2.eval();
  torch.noGrad(() => {
    checkRun(nestedRun(() => layer.call(seqs)), "nested_layer");
    checkRun(nestedRun(() => enc2.call(seqs)), "nested_encoder");
    checkRun(nestedRun(() => mha.call(seqs, seqs, seqs)), "nested_mha");
    checkRun(nestedRun(() => mha.call(seqs, seqs, seqs, { averageAttnWeights: false })), "nested_mha_per_head");
    checkRun(nestedRun(() => mha.call(seqs, seqs, seqs, { needWeights: false })), "nested_mha_no_weights");
    checkRun(nestedRun(() => mha.call(seqs, seqs, seqs, { keyPaddingMask: torch.zeros([2, 3], { dtype: torch.bool }) })), "err_nested_mha_kpm");
    checkRun(nestedRun(() => layer.call(seqs, { srcMask: torch.zeros(3, 3) })), "err_nested_layer_src_mask");
    const tanhLayer = new torch.nn.TransformerEncoderLayer(4, 2, 8, { dropout: 0.0, batchFirst: true, activation: (t: torch.Tensor) => torch.tanh(t) });
    tanhLayer.eval();
    checkRun(nestedRun(() => tanhLayer.call(seqs)), "err_nested_layer_activation");
  });
  checkRun(nestedRun(() => layer.call(seqs)), "err_nested_layer_grad");
  layer.train();
  torch.noGrad(() => checkRun(nestedRun(() => layer.call(seqs)), "err_nested_layer_train"));
  const training = enc(true);
  training.train();
  check(training.call(src, { srcKeyPaddingMask: mask("left") }).detach(), "nested_left_train");
});
