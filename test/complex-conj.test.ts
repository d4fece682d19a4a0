// The lazy conjugate and negative bits against PyTorch 1.13 (test/fixtures/complex-conj.py):
// flags, values, writes through conj views, errors, gradients; and the safety net: every op of the
// sample table that PyTorch computes on complex input, run on conjugate views x.conj(), gives
// PyTorch's values and gradients and the same numbers as on x.conjPhysical(); every op run on
// negative views (x.conj().imag) gives what it gives on the plain values.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { loadOpCases, NotImplemented, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { camel, decode, type Json } from "./conformance/values.js";

type Num = number | string | boolean;
interface Encoded { dtype: string; shape: number[]; data: Num[] }
interface Flags { conj: boolean; neg: boolean; value: Encoded }
interface OpRecord { ok?: (Encoded & { conj: boolean; neg: boolean })[]; error?: string; grads?: (Encoded | null)[] | { error: string } }
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/complex-conj.json", import.meta.url), "utf8")) as {
  semantics: Record<string, unknown> & { writes: Record<string, Encoded> };
  ops: Record<string, { id: string; conj: OpRecord }>;
};
const S = FIXTURE.semantics;

const num = (v: Num): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));

/** The values as PyTorch's fixture encodes them (complex as re, im pairs), whatever bits t has. */
function numbers(t: Tensor): number[] {
  const d = t.detach().resolveConj().resolveNeg();
  const flat = d.dtype.isComplex ? torch.viewAsReal(d.contiguous()).flatten() : d.flatten();
  return (flat.tolist() as (number | boolean | bigint)[]).map(Number);
}

/**
 * Whether two lists of numbers agree within tol (relative); `pairs`: complex (re, im) pairs, each
 * number's error relative to its element's modulus (float32 rounding of a large complex value).
 */
function sameNumbers(a: number[], e: number[], tol: number, pairs = false): string | null {
  if (a.length !== e.length) return `${a.length} numbers, expected ${e.length}`;
  for (let k = 0; k < e.length; k++) {
    const x = a[k]!, y = e[k]!;
    const scale = pairs ? Math.hypot(e[k & ~1]!, e[k | 1]!) : Math.abs(y);
    const same = (Number.isNaN(x) && Number.isNaN(y)) || x === y || Math.abs(x - y) <= tol + tol * scale;
    if (!same) return `value ${k}: ${x}, expected ${y}`;
  }
  return null;
}

function assertEncoded(t: Tensor, e: Encoded, what: string): void {
  assert.equal(t.dtype.name, e.dtype, `${what}: dtype`);
  assert.deepEqual(t.shape, e.shape, `${what}: shape`);
  const problem = sameNumbers(numbers(t), e.data.map(num), 1e-6);
  assert.equal(problem, null, `${what}: ${problem}`);
  // -0 where PyTorch writes it (a conj view filled with 0 leaves the imaginary parts -0).
  numbers(t).forEach((v, i) => { if (v === 0) assert.equal(Object.is(v, -0), Object.is(num(e.data[i]!), -0), `${what}: sign of zero at ${i}`); });
}

function assertFlags(t: Tensor, f: Flags, what: string): void {
  assert.equal(t.isConj(), f.conj, `${what}: isConj`);
  assert.equal(t.isNeg(), f.neg, `${what}: isNeg`);
  assertEncoded(t, f.value, what);
}

const c = (re: number, im: number): torch.Complex => new torch.Complex(re, im);
const base = (): Tensor => torch.tensor([c(1, 2), c(3, -4), c(-0.5, 0.25)], { dtype: torch.complex64 });
const flags = (name: string): Flags => S[name] as Flags;

test("conj is a view with the conjugate bit; views keep it, copies resolve it (PyTorch 1.13's flags and values)", () => {
  const x = base(), y = x.conj();
  assertEncoded(x, S.x as Encoded, "x");
  const cases: [string, Tensor][] = [
    ["conj", y], ["conj_conj", y.conj()], ["clone", y.clone()], ["contiguous", y.contiguous()], ["detach", y.detach()],
    ["select", y.get(1)], ["slice", y.get("1:")], ["reshape", y.reshape(3, 1)], ["expand", y.unsqueeze(0).expand(2, 3)],
    ["flip", y.flip(0)], ["imag", y.imag], ["real", y.real], ["imag_resolve_neg", y.imag.resolveNeg()], ["imag_neg", y.imag.neg()],
    ["imag_conj", y.imag.conj()], ["resolve_conj", y.resolveConj()], ["resolve_neg_of_conj", y.resolveNeg()],
    ["conj_physical", y.conjPhysical()], ["to_complex128", y.to(torch.complex128)], ["to_same", y.to(torch.complex64)],
    ["cat", torch.cat([y, x])], ["mul", y.mul(x)], ["abs", y.abs()], ["sum", y.sum()],
  ];
  for (const [name, t] of cases) assertFlags(t, flags(name), name);
  assert.ok(torch.isConj(y) && !torch.isNeg(y) && torch.isNeg(y.imag) && !torch.isConj(x));
  assert.equal(y.storage._memory, x.storage._memory, "a conj view shares x's memory");
  const item = y.get(0).item() as torch.Complex;
  assert.deepEqual([item.re, item.im], S.item);
  // Printing shows the conjugated values, as PyTorch's repr.
  assert.equal(y.toString(), S.repr);
  assert.equal(y.imag.toString(), S.repr_imag);
  // Real tensors: conj, conj_physical and resolve_conj return the tensor itself.
  const r = torch.tensor([1.5, -2]);
  assert.ok(r.conj() === r && r.conjPhysical() === r && r.resolveConj() === r && r.resolveNeg() === r && !r.isConj() && !r.isNeg());
});

test("views of a conj view that are complex again read conjugated: view_as_real and view(dtype) refuse as PyTorch", () => {
  const y = base().conj();
  assert.throws(() => torch.viewAsReal(y), (e: Error) => e.message === S.view_as_real_error);
  assert.throws(() => y.view(torch.float32), (e: Error) => e.message === S.view_dtype_error);
  assert.throws(() => y.imag.view(torch.int32), (e: Error) => e.message === S.neg_view_dtype_error);
  assert.deepEqual(numbers(torch.viewAsReal(y.resolveConj())), (S.conj as Flags).value.data.map(num));
});

test("writes through a conj view (and through its real and imaginary parts) change the base as PyTorch's do", () => {
  const writes: Record<string, (z: Tensor, w: Tensor) => unknown> = {
    set: (_z, w) => w.set([0], c(5, 6)),
    add_: (_z, w) => w.add_(c(0, 1)),
    mul_: (_z, w) => w.mul_(c(2, 1)),
    imag_add_: (_z, w) => w.imag.add_(1),
    imag_set: (_z, w) => w.imag.set([0], 7),
    real_set: (_z, w) => w.real.set([1], 9),
    copy_: (_z, w) => w.copy_(torch.tensor([c(1, 1), c(2, 2), c(3, 3)])),
    copy_real: (_z, w) => w.copy_(torch.tensor([1, 2, 3])),
    fill_: (_z, w) => w.fill_(c(1, 1)),
    zero_: (_z, w) => w.zero_(),
    conj_physical_: (_z, w) => w.conjPhysical_(),
    slice_mul_: (_z, w) => w.get("1:").mul_(c(0, 1)),
    out: (_z, w) => torch.mul(base(), c(2, -1), { out: w }),
    imag_apply_: (_z, w) => w.imag.apply_((v) => Number(v) * 10),
  };
  for (const [name, write] of Object.entries(writes)) {
    const z = base(), w = z.conj(), version = z._version;
    write(z, w);
    assertEncoded(z, S.writes[name]!, name);
    // apply_ moves no version counter, in PyTorch either.
    if (name !== "imag_apply_") assert.ok(z._version > version, `${name}: the version counter moved`);
    assert.ok(w.isConj(), `${name}: the view keeps its bit`);
  }
  const z = base(), w = z.conj();
  z.add_(1);
  assertEncoded(w, S.writes.base_write_seen!, "a write to the base is seen through the view");
});

test("autograd through conj views: ConjBackward0, conj gradients, in-place on a conj view of a non-leaf (CopySlices)", () => {
  const g = S.grad_fn as Record<string, string | boolean>;
  const a = torch.tensor([[c(1, 1), c(2, -1)], [c(0, 0.5), c(-1, 0)]], { dtype: torch.complex64, requiresGrad: true });
  assert.equal(a.conj().gradFn!.name(), g.conj);
  assert.equal(torch.resolveConj(a.conj()).gradFn!.name(), g.resolve_conj);
  assert.equal(torch.conjPhysical(a).gradFn!.name(), g.conj_physical);
  assert.equal(a.mH.gradFn!.name(), g.mH);
  assert.equal(a.mH.isConj(), g.mH_conj);
  assert.equal(a.adjoint().isConj(), g.adjoint_conj);
  assert.equal(a.mT.isConj(), g.mT_conj);
  a.conj().mul(torch.tensor([c(1, 2), c(3, -1)])).real.sum().backward();
  assertFlags(a.grad!, S.grad_through_conj as Flags, "a.grad");

  const rec = S.inplace_on_conj_view as { base: Encoded; grad: Encoded };
  const b0 = torch.tensor([c(1, 2), c(3, -4)], { dtype: torch.complex128, requiresGrad: true });
  const b = b0.mul(1), v = b.conj();
  v.mul_(torch.tensor([c(2, 1), c(1, -1)], { dtype: torch.complex128 }));
  assertEncoded(b, rec.base, "base after v.mul_");
  torch.viewAsReal(b).pow(2).sum().backward();
  assertEncoded(b0.grad!, rec.grad, "gradient through the in-place op on the conj view");
  assert.throws(() => b0.conj().mul_(2), (e: Error) => e.message.endsWith(S.inplace_on_conj_of_leaf_error as string));

  // A conj view made before its base changed in place: its regenerated grad_fn conjugates the base's new region.
  const changed = S.view_of_changed_base as { grad_fn: string; value: Encoded; grad: Encoded };
  const b1 = torch.tensor([c(1, 2), c(3, -4)], { dtype: torch.complex128, requiresGrad: true });
  const base1 = b1.mul(1), v1 = base1.conj();
  base1.mul_(torch.tensor([c(2, 1), c(1, -1)], { dtype: torch.complex128 }));
  assert.equal(v1.gradFn!.name(), changed.grad_fn);
  assertEncoded(v1, changed.value, "the view after its base changed");
  torch.viewAsReal(v1.resolveConj()).pow(3).sum().backward();
  assertEncoded(b1.grad!, changed.grad, "gradient through the regenerated view");
});

test("torch.save writes a conj view's values (resolved), torch.load gives a tensor without the bit", () => {
  const y = base().conj();
  const loaded = torch.load(torch.save(y) as Uint8Array) as Tensor;
  assert.equal(loaded.isConj(), false);
  // PyTorch 1.13 writes the physical memory and drops the bit (the loaded tensor holds x's values,
  // recorded as S.saved): torch-ts writes what the tensor reads, the resolved values.
  assert.deepEqual(numbers(loaded), (S.conj as Flags).value.data.map(num));
  assert.deepEqual(numbers(loaded.conj()), (S.saved as Flags).value.data.map(num));
});

// ---- the safety net: the sample table on conjugate and negative views ------------------------

function complexify(v: unknown, wrap: (z: Tensor) => Tensor): unknown {
  if (v instanceof torch.Tensor) {
    if (!v.dtype.isFloatingPoint) return v;
    const x = v.to(torch.float32);
    return wrap(torch.complex(x, x.mul(0.5).add(0.25)));
  }
  if (Array.isArray(v)) return v.map((x) => complexify(x, wrap));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, complexify(x, wrap)]));
  return v;
}

function results(r: unknown): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r.flatMap(results);
  return [];
}

/** Runs a sample with its floating tensor arguments replaced by wrap(complex argument). */
function runSample(cs: OpCase, wrap: (z: Tensor) => Tensor): Tensor[] {
  const args = complexify(cs.args.map((a) => decode(a, false)), wrap) as unknown[];
  const kw = Object.fromEntries(Object.entries(cs.kwargs).map(([k, v]) => [camel(k), decode(v as Json, false)]));
  const callArgs = [...args, ...(Object.keys(kw).length ? [complexify(kw, wrap)] : [])];
  torch.manualSeed(0);
  return results(resolveFn(cs).call(callArgs));
}

/** Sum of squares of every floating result that requires grad: the fixture's loss. */
function lossOf(rs: Tensor[]): Tensor | null {
  let total: Tensor | null = null;
  for (const r of rs) {
    if (!(r.dtype.isFloatingPoint || r.dtype.isComplex) || !r.requiresGrad) continue;
    const part = r.dtype.isComplex ? torch.viewAsReal(r.resolveConj()).pow(2).sum() : r.pow(2).sum();
    total = total === null ? part : total.add(part);
  }
  return total;
}

/** Ops whose results PyTorch draws at random or computes with other rounding (values compared within a wider tolerance or not at all). */
const SHAPE_ONLY = new Set(["torch.dot|function", "torch.vdot|function", "torch.linalg.eigh|function"]);

/** Results whose conjugate bit differs from PyTorch's (the values agree): none. */
const FLAGS_UNLIKE_PYTORCH: string[] = [];

test("every op of the sample table on conj views: PyTorch's values and gradients, and the same numbers as on conjPhysical()", () => {
  const byId = new Map(loadOpCases().map((cs: OpCase) => [cs.id, cs]));
  const wrong: string[] = [], flagDiffs: string[] = [];
  let checked = 0, gradsChecked = 0;
  for (const [key, { id, conj: expected }] of Object.entries(FIXTURE.ops)) {
    if (!expected.ok) continue;
    const cs = byId.get(id);
    assert.ok(cs, `sample ${id} is gone from ops.jsonl: re-record the fixture`);
    let lazy: Tensor[], physical: Tensor[];
    try {
      lazy = runSample(cs, (z) => z.conj());
      physical = runSample(cs, (z) => z.conjPhysical());
    } catch (e) {
      if (e instanceof NotImplemented) continue;
      wrong.push(`${key}: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    checked++;
    if (lazy.length !== expected.ok.length) { wrong.push(`${key}: ${lazy.length} results, PyTorch ${expected.ok.length}`); continue; }
    lazy.forEach((t, i) => {
      const e = expected.ok![i]!;
      if (t.dtype.name !== e.dtype || t.shape.join() !== e.shape.join()) { wrong.push(`${key}: result ${i} ${t.dtype.name} [${t.shape}], PyTorch ${e.dtype} [${e.shape}]`); return; }
      if (t.isConj() !== e.conj || t.isNeg() !== e.neg) flagDiffs.push(`${key}[${i}]`);
      const vs = SHAPE_ONLY.has(key) ? null : sameNumbers(numbers(t), e.data.map(num), 1e-4);
      if (vs) wrong.push(`${key}: result ${i} vs PyTorch ${vs}`);
      const same = sameNumbers(numbers(t), numbers(physical[i]!), 0);
      if (same) wrong.push(`${key}: result ${i} on conj() vs on conjPhysical() ${same}`);
    });
    if (!expected.grads || "error" in expected.grads) continue;
    const expectedGrads = expected.grads;
    const gradsOf = (wrap: (leaf: Tensor) => Tensor): (Tensor | null)[] => {
      const leaves: Tensor[] = [];
      const loss = lossOf(runSample(cs, (z) => { const leaf = z.detach().clone().requiresGrad_(); leaves.push(leaf); return wrap(leaf); }));
      return torch.autograd.grad(loss!, leaves, { allowUnused: true });
    };
    let lazyGrads: (Tensor | null)[], physicalGrads: (Tensor | null)[];
    try {
      lazyGrads = gradsOf((l) => l.conj());
      physicalGrads = gradsOf((l) => l.conjPhysical());
    } catch (e) {
      wrong.push(`${key}: backward: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    gradsChecked++;
    expectedGrads.forEach((e, i) => {
      const g = lazyGrads[i] ?? null;
      if (e === null || g === null) { if ((e === null) !== (g === null)) wrong.push(`${key}: grad ${i} ${g === null ? "missing" : "unexpected"}`); return; }
      const vs = SHAPE_ONLY.has(key) ? null : sameNumbers(numbers(g), e.data.map(num), 1e-3, g.dtype.isComplex);
      if (vs) wrong.push(`${key}: grad ${i} vs PyTorch ${vs}`);
      const same = sameNumbers(numbers(g), numbers(physicalGrads[i]!), 1e-6);
      if (same) wrong.push(`${key}: grad ${i} through conj() vs conjPhysical() ${same}`);
    });
  }
  console.log(`conj views: ${checked} ops checked (${gradsChecked} with gradients); isConj/isNeg of results differing from PyTorch: ${flagDiffs.join(" ") || "none"}`);
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
  assert.deepEqual(flagDiffs, FLAGS_UNLIKE_PYTORCH);
  assert.ok(checked >= 130 && gradsChecked >= 120, `${checked} ops, ${gradsChecked} with gradients: fewer than recorded`);
});

test("every op of the sample table on negative views (x.conj().imag) computes what it computes on x", () => {
  const wrong: string[] = [];
  let checked = 0;
  const seen = new Set<string>();
  const negView = (x: Tensor): Tensor => {
    const dtype = x.dtype === torch.float64 ? torch.complex128 : torch.complex64;
    const v = torch.complex(torch.zerosLike(x, { dtype: x.dtype === torch.float64 ? torch.float64 : torch.float32 }), x.neg().to(x.dtype === torch.float64 ? torch.float64 : torch.float32)).to(dtype).conj().imag;
    assert.ok(v.isNeg());
    return v;
  };
  const wrap = (v: unknown, f: (t: Tensor) => Tensor): unknown => {
    if (v instanceof torch.Tensor) return v.dtype === torch.float32 || v.dtype === torch.float64 ? f(v) : v;
    if (Array.isArray(v)) return v.map((x) => wrap(x, f));
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wrap(x, f)]));
    return v;
  };
  for (const cs of loadOpCases()) {
    const key = `${cs.fn}|${cs.method ? "method" : "function"}`;
    if (cs.error || seen.has(key)) continue;
    seen.add(key);
    const run = (f: (t: Tensor) => Tensor): Tensor[] | string => {
      const args = wrap(cs.args.map((a) => decode(a, false)), f) as unknown[];
      const kw = Object.fromEntries(Object.entries(cs.kwargs).map(([k, v]) => [camel(k), decode(v as Json, false)]));
      try {
        torch.manualSeed(0);
        return results(resolveFn(cs).call([...args, ...(Object.keys(kw).length ? [wrap(kw, f)] : [])]));
      } catch (e) {
        return e instanceof NotImplemented ? "skip" : (e as Error).message.split("\n")[0]!;
      }
    };
    const plain = run((t) => t);
    if (plain === "skip" || typeof plain === "string") continue;
    const neg = run(negView);
    if (typeof neg === "string") { wrong.push(`${key}: on negative views: ${neg}`); continue; }
    checked++;
    if (neg.length !== plain.length) { wrong.push(`${key}: ${neg.length} results, ${plain.length} on plain input`); continue; }
    neg.forEach((t, i) => {
      const p = plain[i]!;
      if (t.dtype !== p.dtype || t.shape.join() !== p.shape.join()) wrong.push(`${key}: result ${i} ${t.dtype.name} [${t.shape}] vs ${p.dtype.name} [${p.shape}]`);
      // Within float64 rounding: a negative view is strided (every other number), which can take another kernel road.
      else { const d = sameNumbers(numbers(t), numbers(p), 1e-14); if (d) wrong.push(`${key}: result ${i} ${d}`); }
    });
  }
  console.log(`negative views: ${checked} ops checked`);
  for (const w of wrong) console.log(`  ${w}`);
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 270, `${checked} ops checked`);
});
