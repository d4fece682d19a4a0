// Arguments an op does not take are errors, as in Python, and the torch.* functions take PyTorch's
// out=. The expected behaviour was read off PyTorch 1.13 (the comments give the Python calls).

import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadOpCases, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { camel, decode, decodeKwargs } from "./conformance/values.js";
import { readFileSync } from "node:fs";

const F = torch.nn.functional;

// ---- every op of the sample table ---------------------------------------------------------------

/** Ops whose trailing positional arguments are sizes or tensors (`*size`, `*tensors`): more of them are valid. */
const VARIADIC = new Set(["torch.reshape", "torch.permute", "expand", "repeat", "torch.tile", "torch.flip", "torch.meshgrid", "torch.zeros"]);

/** One sample per op (and per method form) that runs as recorded. */
function runnableSamples(): { c: OpCase; args: unknown[]; kw: Record<string, unknown> }[] {
  const seen = new Set<string>();
  const out: { c: OpCase; args: unknown[]; kw: Record<string, unknown> }[] = [];
  for (const c of loadOpCases()) {
    const key = `${c.fn}|${c.method ? "method" : "function"}`;
    if (c.error || seen.has(key)) continue;
    const args = c.args.map((a) => decode(a, false));
    const kw = decodeKwargs(c.kwargs);
    try { resolveFn(c).call([...args, kw]); } catch { continue; }
    seen.add(key);
    out.push({ c, args, kw });
  }
  return out;
}

const samples = runnableSamples();

function errorOf(f: () => unknown): string | null {
  try { f(); return null; } catch (e) { return (e as Error).message; }
}

test("every op rejects an unknown keyword argument, in Python's words", () => {
  assert.ok(samples.length > 250, `only ${samples.length} ops ran`);
  const accepted: string[] = [];
  for (const { c, args, kw } of samples) {
    const msg = errorOf(() => resolveFn(c).call([...args, { ...kw, notAnArgument: 1 }]));
    if (msg === null || !/^[\w.]+\(\) got an unexpected keyword argument 'notAnArgument'$/.test(msg)) accepted.push(`${c.fn}: ${msg ?? "no error"}`);
  }
  assert.deepEqual(accepted, []);
});

test("every op rejects more positional arguments than it takes", () => {
  const accepted: string[] = [];
  for (const { c, args, kw } of samples) {
    if (VARIADIC.has(c.fn)) continue;
    const msg = errorOf(() => resolveFn(c).call([...args, ...new Array<number>(12).fill(0), kw]));
    if (msg === null || !/^[\w.]+\(\) takes \d+ positional arguments? but \d+ (was|were) given$/.test(msg)) accepted.push(`${c.fn}: ${msg ?? "no error"}`);
  }
  assert.deepEqual(accepted, []);
});

// ---- any positional parameter may come in the options object (API.md rule 2) ------------------

/** PyTorch 1.13's positional-or-keyword parameter names per op, one list per overload (test/fixtures/signatures.py). */
const SIGNATURES = (JSON.parse(readFileSync(new URL("./fixtures/signatures.json", import.meta.url), "utf8")) as { signatures: Record<string, string[][]> }).signatures;

/** Same values, shapes and dtypes; tuple results element-wise. */
function sameResult(actual: unknown, expected: unknown): boolean {
  if (expected instanceof torch.Tensor) {
    return actual instanceof torch.Tensor && actual.dtype === expected.dtype && sameResult(actual.shape, expected.shape) && sameResult(actual.tolist(), expected.tolist());
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameResult(actual[i], e));
  }
  return Object.is(actual, expected) || (typeof expected === "object" && expected !== null && JSON.stringify(actual) === JSON.stringify(expected));
}

/**
 * Moves the last 1..n-1 positional arguments of `args` into the options object under the camelCase
 * PyTorch names of one of `overloads` (the first that gives the positional call's result); returns
 * one line per form that failed.
 */
function keywordFormFailures(label: string, call: (args: unknown[]) => unknown, args: unknown[], kw: Record<string, unknown>, overloads: string[][], from = 1): string[] {
  torch.manualSeed(0);
  const expected = call([...args, kw]);
  const failures: string[] = [];
  for (let start = args.length - 1; start >= from; start--) {
    const fitting = overloads.filter((names) => names.length >= args.length);
    if (fitting.length === 0) break;
    let message = "";
    const passed = fitting.some((names) => {
      const opts = { ...kw };
      for (let i = start; i < args.length; i++) opts[camel(names[i]!)] = args[i];
      try {
        torch.manualSeed(0);
        if (sameResult(call([...args.slice(0, start), opts]), expected)) return true;
        message = `different result with ${Object.keys(opts).join(", ")}`;
      } catch (e) {
        message = (e as Error).message.split("\n")[0]!;
      }
      return false;
    });
    if (!passed) failures.push(`${label} (${args.length - start} in options): ${message}`);
  }
  return failures;
}

test("every op takes any trailing positional argument in the options object, under PyTorch's name", () => {
  const failures: string[] = [];
  let forms = 0;
  for (const { c, args, kw } of samples) {
    const overloads = SIGNATURES[c.fn];
    if (!overloads || args.length < 2) continue;
    forms += args.length - 1;
    failures.push(...keywordFormFailures(c.fn, (a) => resolveFn(c).call(a), args, kw, overloads));
  }
  assert.ok(forms > 150, `only ${forms} forms were tried`);
  assert.deepEqual(failures, []);
});

test("every Tensor method of a sampled torch.* op takes its arguments in the options object too", () => {
  const failures: string[] = [];
  let methods = 0;
  for (const { c, args, kw } of samples) {
    const name = c.fn.replace(/^torch\./, "");
    const overloads = SIGNATURES[name];
    const self = args[0];
    if (c.method || !overloads || !(self instanceof torch.Tensor) || args.length < 2 || "out" in kw) continue;
    const method = camel(name);
    if (typeof (self as unknown as Record<string, unknown>)[method] !== "function") continue;
    methods++;
    const call = (a: unknown[]): unknown => callMethod(a[0] as torch.Tensor, method, ...a.slice(1));
    // Tensor.where(condition, y) is where(condition, self, y): a method that takes other arguments is left out.
    if (errorOf(() => call([...args, kw])) !== null) continue;
    failures.push(...keywordFormFailures(`Tensor.${method}`, call, args, kw, overloads));
  }
  assert.ok(methods > 60, `only ${methods} methods were tried`);
  assert.deepEqual(failures, []);
});

/** An op called with arguments its TypeScript type does not list (the options form of a plain-parameter op). */
function loose(f: unknown): (...a: unknown[]) => torch.Tensor {
  return f as (...a: unknown[]) => torch.Tensor;
}

test("the cases of API.md rule 2 that plain-parameter ops used to reject", () => {
  const x = torch.arange(6, { dtype: "float32" }).reshape(2, 3);
  const y = torch.full([2, 3], 2);
  const same = (a: torch.Tensor, b: torch.Tensor) => { assert.deepEqual(a.shape, b.shape); assert.equal(a.dtype, b.dtype); assert.deepEqual(a.tolist(), b.tolist()); };
  // torch.transpose(x, dim0=0, dim1=1), torch.mul(x, other=y), x.flip(dims=[0])
  same(loose(torch.transpose)(x, { dim0: 0, dim1: 1 }), x.transpose(0, 1));
  same(torch.mul(x, { other: y } as never), x.mul(y));
  same(x.flip({ dims: [0] } as never), x.flip(0));
  // F.linear(x, weight=w, bias=b), F.linear(x, w, bias=b)
  const w = torch.ones(4, 3), b = torch.arange(4, { dtype: "float32" });
  same(F.linear(x, { weight: w, bias: b } as never), F.linear(x, w, b));
  same(F.linear(x, w, { bias: b } as never), F.linear(x, w, b));
  // torch.narrow(x, 0, start=1, length=1)
  same(loose(torch.narrow)(x, 1, { start: 1, length: 2 }), torch.narrow(x, 1, 1, 2));
  // The first parameter may come there too where the op binds it (torch.add(input=x, other=y)).
  same(loose(torch.add)({ input: x, other: y }), torch.add(x, y));
  same(torch.exp({ input: x } as never), torch.exp(x));
  // Keyword-only parameters keep working next to the moved ones: torch.add(x, other=y, alpha=2, out=o).
  const o = torch.empty(0);
  assert.equal(torch.add(x, { other: y, alpha: 2, out: o } as never), o);
  same(o, x.add(y, 2));
  same(torch.pow(x, { exponent: 2 } as never), x.pow(2));
  // A slot PyTorch names per overload: torch.tensor_split(x, sections=3, dim=1), torch.hsplit(x, indices=[1]).
  same(torch.tensorSplit(x, { sections: 3, dim: 1 } as never)[2]!, x.tensorSplit(3, 1)[2]!);
  same(torch.tensorSplit(x, { indices: [1], dim: 1 } as never)[1]!, x.tensorSplit([1], 1)[1]!);
  same((loose(torch.hsplit)(x, { indices: [1] }) as unknown as torch.Tensor[])[0]!, x.hsplit([1])[0]!);
  // F.relu(x, inplace=True) (a keyword of F.relu's own) changes x.
  const r = torch.tensor([-1, 2]);
  F.relu(r, { inplace: true });
  assert.deepEqual(r.tolist(), [0, 2]);
  // torch.linalg functions and the special functions bind the same way.
  const m = torch.tensor([[2, 0], [0, 4]], { dtype: "float64" });
  same(torch.linalg.solve(m, { B: m } as never), torch.eye(2, { dtype: "float64" }));
  same(torch.xlogy(x, { other: y } as never), torch.xlogy(x, y));
  same(loose(torch.polygamma)({ n: 1, input: x }), torch.polygamma(1, x));
});

test("a parameter given twice or left out is Python's error", () => {
  const x = torch.ones(2, 3);
  // torch.transpose(x, 0, 1, dim0=0) in a Python function: got multiple values for argument 'dim0'
  assert.throws(() => torch.transpose(x, 0, { dim0: 0, dim1: 1 } as never), { message: "transpose() got multiple values for argument 'dim0'" });
  assert.throws(() => loose(torch.transpose)(x, { dim0: 0 }), { message: "transpose() missing 1 required positional argument: 'dim1'" });
  assert.throws(() => loose(torch.narrow)(x, { dim: 0 }), { message: "narrow() missing 2 required positional arguments: 'start' and 'length'" });
  assert.throws(() => loose(torch.narrow)(x, {}), { message: "narrow() missing 3 required positional arguments: 'dim', 'start', and 'length'" });
  assert.throws(() => torch.mul(x, { other: x, input: x } as never), { message: "mul() got multiple values for argument 'input'" });
  assert.throws(() => F.linear(x, { bias: null } as never), { message: "linear() missing 1 required positional argument: 'weight'" });
  assert.throws(() => F.mseLoss(x, { input: x, target: x } as never), { message: "mse_loss() got multiple values for argument 'input'" });
  assert.throws(() => F.layerNorm(x, { weight: null } as never), { message: "layer_norm() missing 1 required positional argument: 'normalized_shape'" });
  // An unknown keyword is reported first, as Python does.
  assert.throws(() => loose(torch.transpose)(x, { dim0: 0, notAnArgument: 1 }), { message: "transpose() got an unexpected keyword argument 'notAnArgument'" });
  assert.throws(() => torch.flip(x, [0], { dims: [1] } as never), { message: "flip() got multiple values for argument 'dims'" });
  // Methods: x.transpose(0, dim0=1)
  assert.throws(() => callMethod(x, "transpose", 0, { dim0: 1 }), { message: "transpose() got multiple values for argument 'dim0'" });
  assert.throws(() => callMethod(x, "narrow", { dim: 1, start: 0 }), { message: "narrow() missing 1 required positional argument: 'length'" });
});

test("Tensor methods take their parameters in the options object", () => {
  const x = torch.arange(6, { dtype: "float32" }).reshape(2, 3);
  const y = torch.full([2, 3], 3, { dtype: "float32" });
  const same = (a: unknown, b: torch.Tensor) => assert.deepEqual((a as torch.Tensor).tolist(), b.tolist());
  same(callMethod(x, "transpose", { dim0: 0, dim1: 1 }), x.transpose(0, 1));
  same(callMethod(x, "transpose", 1, { dim1: 0 }), x.transpose(1, 0));
  same(callMethod(x, "add", { other: y, alpha: 2 }), x.add(y, 2));
  same(callMethod(x, "mul", { other: 2 }), x.mul(2));
  same(callMethod(x, "narrow", { dim: 1, start: 1, length: 2 }), x.narrow(1, 1, 2));
  same(callMethod(x, "permute", { dims: [1, 0] }), x.permute(1, 0));
  same(callMethod(x, "reshape", { shape: [3, 2] }), x.reshape(3, 2));
  same(callMethod(x, "repeat", { repeats: [1, 2] }), x.repeat(1, 2));
  same((callMethod(x, "split", { splitSize: 1, dim: 1 }) as torch.Tensor[])[2]!, x.split(1, 1)[2]!);
  same(callMethod(x.clone(), "mul_", { other: 2 }), x.mul(2));
  same(callMethod(x.clone(), "add_", { other: y }), x.add(y));
  same(callMethod(x, "matmul", { other: y.t() }), x.matmul(y.t()));
  // Tensor.where(condition, other): x.where(condition=x > 1, other=y)
  same(callMethod(x, "where", { condition: x.gt(1), other: y }), x.where(x.gt(1), y));
  // A method's out= is still rejected.
  assert.throws(() => callMethod(x, "mul", { other: 2, out: x }), { message: "mul() got an unexpected keyword argument 'out'" });
});

/** Calls a method with arguments its TypeScript type does not allow. */
function callMethod(t: torch.Tensor, name: string, ...args: unknown[]): unknown {
  return ((t as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!).apply(t, args);
}

test("plain-parameter ops count every positional argument, as Python does", () => {
  const x = torch.ones(2);
  // torch.exp(x, 5): exp() takes 1 positional argument but 2 were given
  assert.throws(() => torch.exp(x, 5 as never), { message: "exp() takes 1 positional argument but 2 were given" });
  assert.throws(() => torch.matmul(x, x, x as never), { message: "matmul() takes 2 positional arguments but 3 were given" });
  // Ops bound by bindArgs count their leading tensors too (PyTorch: topk() takes from 2 to 5 positional arguments but 6 were given).
  assert.throws(() => torch.topk(x, 1, 0, true, true, 9 as never), { message: "topk() takes 5 positional arguments but 6 were given" });
  assert.throws(() => torch.exp(x, { foo: 1 } as never), { message: "exp() got an unexpected keyword argument 'foo'" });
  assert.throws(() => torch.reshape(x, [2], { size: [2] } as never), { message: "reshape() got an unexpected keyword argument 'size'" });
  assert.throws(() => torch.reshape(x, [2], { shape: [2] } as never), { message: "reshape() got multiple values for argument 'shape'" });
  // In-place forms too (x.exp_(5): exp_() takes 1 positional argument but 2 were given).
  assert.throws(() => callMethod(x.clone(), "exp_", 5), { message: "exp_() takes 1 positional argument but 2 were given" });
  assert.throws(() => callMethod(x.clone(), "mul_", 2, 3), { message: "mul_() takes 2 positional arguments but 3 were given" });
  // A Tensor method takes no out= (x.add(x, out=y): add() got an unexpected keyword argument 'out').
  // Their types leave out `out` (tsc checks these @ts-expect-error lines).
  // @ts-expect-error: Tensor.exp takes no out
  assert.throws(() => x.exp({ out: x }), { message: "exp() got an unexpected keyword argument 'out'" });
  // @ts-expect-error: Tensor.add takes no out
  assert.throws(() => x.add(x, { out: x }), { message: "add() got an unexpected keyword argument 'out'" });
  // @ts-expect-error: Tensor.sum takes no out
  assert.throws(() => x.sum(0, { out: x }), { message: "sum() got an unexpected keyword argument 'out'" });
  // Ops PyTorch gives no out= reject it too (torch.isnan(x, out=y): unexpected keyword argument 'out').
  assert.throws(() => (torch.isnan as (...a: unknown[]) => unknown)(x, { out: x }), { message: "isnan() got an unexpected keyword argument 'out'" });
  assert.throws(() => torch.zerosLike(x, { out: x } as never), { message: "zeros_like() got an unexpected keyword argument 'out'" });
});

test("ops outside the sample table reject unknown options too", () => {
  const x = torch.rand(2);
  const bad = { notAnArgument: 1 } as never;
  const calls: [string, () => unknown][] = [
    ["as_tensor", () => torch.asTensor(x, bad)],
    ["rand_like", () => torch.randLike(x, bad)],
    ["randn_like", () => torch.randnLike(x, bad)],
    ["normal", () => torch.normal(0, 1, [2], bad)],
    ["bernoulli", () => torch.bernoulli(x, bad)],
    ["tril_indices", () => torch.trilIndices(3, 3, bad)],
    ["true_divide", () => torch.trueDivide(x, 2, bad)],
    ["frexp", () => torch.frexp(x, bad)],
  ];
  for (const [op, f] of calls) assert.throws(f, { message: `${op}() got an unexpected keyword argument 'notAnArgument'` });
  // torch.tril_indices(3, 3, offset=1) takes the offset as a keyword too.
  assert.deepEqual(torch.trilIndices(3, 3, { offset: 1 } as never).shape, [2, 8]);
  // torch.frexp(x, out=(m, e)) fills both.
  const m = torch.empty(0), e = torch.empty(0, { dtype: "int32" });
  const r = torch.frexp(torch.tensor([8], { dtype: "float32" }), { out: [m, e] });
  assert.equal(r.mantissa, m);
  assert.deepEqual([values(m), values(e)], [[0.5], [4]]);
});

// ---- out= ------------------------------------------------------------------------------------

function values(t: torch.Tensor): number[] {
  return (t.reshape(-1).tolist() as (number | boolean | bigint)[]).map(Number);
}

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-5 * (1 + Math.abs(expected[i]!)), `[${i}] ${v} vs ${expected[i]}`));
}

/** Runs f with console.warn captured; returns the warnings. */
function warnings(f: () => void): string[] {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (m: unknown) => { seen.push(String(m)); };
  try { f(); } finally { console.warn = warn; }
  return seen;
}

test("out=: the result is written into out, which is returned, and its version counter bumped", () => {
  const x = torch.tensor([0, 1]);
  const out = torch.empty(2);
  const v = out._version;
  const r = torch.exp(x, { out });
  assert.equal(r, out);
  close(values(out), [1, Math.E]);
  assert.equal(out._version, v + 1);
  // out=None is no out (torch.exp(x, out=None) returns a new tensor).
  assert.notEqual(torch.exp(x, { out: null }), out);
});

test("out=: the result is cast to out's dtype where PyTorch casts, and an impossible cast is an error", () => {
  const x = torch.tensor([0.5, 1.5]);
  // torch.exp(float32, out=float64) computes and writes float64 values.
  const d = torch.empty(2, { dtype: "float64" });
  torch.exp(x, { out: d });
  assert.equal(d.dtype, torch.float64);
  close(values(d), [Math.exp(0.5), Math.exp(1.5)]);
  // torch.eq(x, 1, out=float32) writes 1. and 0.
  const f = torch.empty(2);
  torch.eq(torch.tensor([1, 2]), 1, { out: f });
  assert.deepEqual(values(f), [1, 0]);
  // torch.exp(float, out=long): result type Float can't be cast to the desired output type Long
  const long = torch.zeros(2, { dtype: "int64" });
  assert.throws(() => torch.exp(x, { out: long }), { message: "result type Float can't be cast to the desired output type Long" });
  assert.throws(() => torch.add(x, x, { out: long }), { message: "result type Float can't be cast to the desired output type Long" });
  assert.equal(long._version, 0);
  // The matmul family writes out directly: torch.mm(float, float, out=double) is an error.
  assert.throws(() => torch.mm(torch.ones(2, 2), torch.ones(2, 2), { out: torch.empty(2, 2, { dtype: "float64" }) }),
    { message: "Expected out tensor to have dtype float, but got double instead" });
});

test("out=: out is resized to the result's shape, with PyTorch's warning when it had elements", () => {
  const x = torch.ones(2, 3);
  const empty = torch.empty(0);
  assert.deepEqual(warnings(() => torch.exp(x, { out: empty })), []);
  assert.deepEqual(empty.shape, [2, 3]);
  close(values(empty), new Array(6).fill(Math.E));
  const small = torch.zeros(4);
  const seen = warnings(() => torch.add(x, 1, { out: small }));
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /An output with one or more elements was resized since it had shape \[4\], which does not match the required output shape \[2, 3\]/);
  assert.deepEqual(small.shape, [2, 3]);
  assert.deepEqual(small.stride(), [3, 1]);
  assert.deepEqual(values(small), new Array(6).fill(2));
  // A view cannot be resized here (PyTorch resizes its storage, which the view's base shares).
  const base = torch.zeros(6);
  assert.throws(() => torch.exp(x, { out: base.get("::2") }), /out cannot be resized/);
  assert.deepEqual(values(base), new Array(6).fill(0));
});

test("out=: a view as out writes through to its base", () => {
  // out = torch.zeros(4)[::2]; torch.exp(x, out=out) fills elements 0 and 2 of the base.
  const base = torch.zeros(4);
  torch.exp(torch.tensor([0, 1]), { out: base.get("::2") });
  close(values(base), [1, 0, Math.E, 0]);
  // A transposed out keeps its strides.
  const t = torch.zeros(2, 3).t();
  torch.add(torch.ones(3, 2), torch.arange(6).reshape(3, 2), { out: t });
  assert.deepEqual(t.stride(), [1, 3]);
  assert.deepEqual(values(t), [1, 2, 3, 4, 5, 6]);
});

test("out=: with autograd on, an input or out that requires grad is an error (and out is untouched)", () => {
  const x = torch.ones(2, { requiresGrad: true });
  const out = torch.zeros(2);
  // torch.exp(x, out=y): exp(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.
  const msg = "exp(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.";
  assert.throws(() => torch.exp(x, { out }), { message: msg });
  assert.throws(() => torch.exp(torch.ones(2), { out: torch.zeros(2, { requiresGrad: true }) }), { message: msg });
  assert.throws(() => torch.sum(x.view(1, 2), 1, { out }), /sum\(\): functions with out=\.\.\. arguments don't support automatic differentiation/);
  assert.deepEqual(values(out), [0, 0]);
  // Under no_grad it is allowed.
  torch.noGrad(() => torch.exp(x, { out }));
  close(values(out), [Math.E, Math.E]);
  assert.equal(out.requiresGrad, false);
});

test("out=: a bad out argument is an error that names the op", () => {
  assert.throws(() => torch.exp(torch.ones(2), { out: 3 as never }), { message: "exp(): argument 'out' must be Tensor, not int" });
  assert.throws(() => torch.max(torch.ones(2, 2), 1, { out: torch.empty(2) as never }), { message: "max(): argument 'out' must be tuple of 2 Tensors, not Tensor" });
});

test("out=: reductions with a dim, including (values, indices) results", () => {
  const x = torch.tensor([[1, 5, 2], [7, 3, 4]], { dtype: "float32" });
  const s = torch.empty(0);
  assert.equal(torch.sum(x, 1, { out: s }), s);
  assert.deepEqual(values(s), [8, 14]);
  const mk = torch.empty(0);
  torch.mean(x, { dim: 0, keepdim: true, out: mk });
  assert.deepEqual(mk.shape, [1, 3]);
  assert.deepEqual(values(mk), [4, 4, 3]);
  // torch.sum(tensor([[0.6, 0.6]]), 1, out=long) casts the input first: tensor([0]).
  const l = torch.empty(1, { dtype: "int64" });
  torch.sum(torch.tensor([[0.6, 0.6]]), 1, { out: l });
  assert.deepEqual(values(l), [0]);
  // torch.mean(x, 0, out=long): result type Float can't be cast to the desired output type Long
  assert.throws(() => torch.mean(x, 0, { out: l }), { message: "result type Float can't be cast to the desired output type Long" });
  // amax writes out directly: its dtype must be the input's.
  assert.throws(() => torch.amax(x, 0, { out: l }), /Expected out tensor to have dtype float, but got long int instead/);
  const v = torch.empty(0), i = torch.empty(0, { dtype: "int64" });
  const r = torch.max(x, 1, { out: [v, i] });
  assert.equal(r[0], v);
  assert.equal(r.values, v);
  assert.equal(r.indices, i);
  assert.deepEqual(values(v), [5, 7]);
  assert.deepEqual(values(i), [1, 0]);
  // torch.max(x, 0, out=(float, int32)): Expected out tensor to have dtype long int, but got int instead
  assert.throws(() => torch.max(x, 1, { out: [v, torch.empty(0, { dtype: "int32" })] }), { message: "Expected out tensor to have dtype long int, but got int instead" });
  const [sv, si] = torch.sort(x, 1, { out: [torch.empty(0), torch.empty(0, { dtype: "int64" })] });
  assert.deepEqual(values(sv!), [1, 2, 5, 3, 4, 7]);
  assert.deepEqual(values(si!), [0, 2, 1, 1, 2, 0]);
  const c = torch.empty(0);
  torch.cumsum(x, 1, { out: c });
  assert.deepEqual(values(c), [1, 6, 8, 7, 10, 14]);
  const cm = torch.cummax(x, 1, { out: [torch.empty(0), torch.empty(0, { dtype: "int64" })] });
  assert.deepEqual(values(cm.values), [1, 5, 5, 7, 7, 7]);
});

test("out=: matmul family, joins, where, clamp and factories", () => {
  const a = torch.tensor([[1, 2], [3, 4]], { dtype: "float32" });
  const m = torch.empty(0);
  assert.equal(torch.matmul(a, a, { out: m }), m);
  assert.deepEqual(values(m), [7, 10, 15, 22]);
  torch.addmm(a, a, a, { beta: 2, out: m });
  assert.deepEqual(values(m), [9, 14, 21, 30]);
  const b = torch.empty(0);
  torch.bmm(a.unsqueeze(0), a.unsqueeze(0), { out: b });
  assert.deepEqual(b.shape, [1, 2, 2]);
  const j = torch.empty(0, { dtype: "float64" });
  torch.cat([a, a], { out: j });
  assert.deepEqual(j.shape, [4, 2]);
  assert.equal(j.dtype, torch.float64);
  const st = torch.empty(0);
  torch.stack([a, a], 1, { out: st });
  assert.deepEqual(st.shape, [2, 2, 2]);
  const w = torch.empty(0);
  torch.where(a.gt(2), a, 0, { out: w });
  assert.deepEqual(values(w), [0, 0, 3, 4]);
  torch.clamp(a, 2, 3, { out: w });
  assert.deepEqual(values(w), [2, 2, 3, 3]);
  // Factories fill out in its dtype: torch.arange(4, out=float) is tensor([0., 1., 2., 3.]).
  const f = torch.empty(0);
  torch.arange(4, { out: f });
  assert.equal(f.dtype, torch.float32);
  assert.deepEqual(values(f), [0, 1, 2, 3]);
  const z = torch.full([4], 7);
  assert.equal(warnings(() => torch.zeros(2, 2, { out: z })).length, 1, "a resize of 4 elements into 2x2 warns too");
  assert.deepEqual(z.shape, [2, 2]);
  assert.deepEqual(values(z), [0, 0, 0, 0]);
});

test("out=: nonzero and F.normalize", () => {
  const x = torch.tensor([[0, 1], [2, 0]]);
  const idx = torch.empty(0, { dtype: "int64" });
  assert.equal(torch.nonzero(x, { out: idx }), idx);
  assert.deepEqual(idx.tolist(), [[0, 1], [1, 0]]);
  // torch.nonzero(x, as_tuple=True, out=y): nonzero does not support the out kwarg when as_tuple is True
  assert.throws(() => torch.nonzero(x, { asTuple: true, out: idx } as never), { message: "nonzero does not support the out kwarg when as_tuple is True" });
  // F.normalize(x, out=torch.empty(0)) resizes out as torch.div does.
  const n = torch.empty(0);
  assert.equal(F.normalize(torch.tensor([[3, 4]], { dtype: "float32" }), { out: n }), n);
  close(values(n), [0.6, 0.8]);
});

test("out=: out on another device than the inputs is PyTorch's device error", async (t) => {
  if (!(await torch.webgpu.isAvailable())) { t.skip("no WebGPU adapter"); return; }
  await torch.webgpu.init();
  try {
    const out = torch.empty(2, { device: "webgpu" });
    assert.throws(() => torch.exp(torch.ones(2), { out }), /^Error: Expected all tensors to be on the same device, but found at least two devices, webgpu(:0)? and cpu!$/);
    const r = torch.exp(torch.ones(2).to("webgpu"), { out });
    assert.equal(r, out);
    close((await out.cpuAsync()).tolist() as number[], [Math.E, Math.E]);
  } finally {
    torch.webgpu.shutdown();
  }
});
