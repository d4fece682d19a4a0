// Conjugate and negative views against PyTorch 1.13 (test/fixtures/complex-conj-views.py):
// small views of a larger base (offset, strided, transposed, expanded) read element by element,
// with the values ops compute on them; and the view and shape ops run on x.conj() and on
// x.conj().imag, each result's is_conj() / is_neg() and values.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

type Num = number | string | boolean;
interface Result { dtype: string; shape: number[]; data: Num[]; conj: boolean; neg: boolean }
const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/complex-conj-views.json", import.meta.url), "utf8")) as {
  reads: Record<string, Result[] | number[][] | number[]>;
  flags: Record<string, Result[] | { error: string }>;
};

/** The values as the fixture encodes them (complex as re, im pairs), whatever bits t has. */
function numbers(t: Tensor): number[] {
  const d = t.detach().resolveConj().resolveNeg();
  const flat = d.dtype.isComplex ? torch.viewAsReal(d.contiguous()).flatten() : d.flatten();
  return (flat.tolist() as (number | boolean | bigint)[]).map(Number);
}

function results(r: unknown): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r.flatMap(results);
  return [];
}

/** What differs between torch-ts's results and PyTorch's (dtype, shape, values within float32 rounding, and, with `bits`, the flags). */
function differences(key: string, got: Tensor[], want: Result[], bits: boolean): string[] {
  if (got.length !== want.length) return [`${key}: ${got.length} results, PyTorch ${want.length}`];
  const out: string[] = [];
  got.forEach((t, i) => {
    const e = want[i]!;
    if (t.dtype.name !== e.dtype || t.shape.join() !== e.shape.join()) { out.push(`${key}[${i}]: ${t.dtype.name} [${t.shape}], PyTorch ${e.dtype} [${e.shape}]`); return; }
    const a = numbers(t), b = e.data.map(Number);
    const k = a.findIndex((v, j) => !(Math.abs(v - b[j]!) <= 1e-5 * (1 + Math.abs(b[j]!))));
    if (k >= 0) out.push(`${key}[${i}]: value ${k} ${a[k]}, PyTorch ${b[k]}`);
    if (bits && (t.isConj() !== e.conj || t.isNeg() !== e.neg)) out.push(`${key}[${i}]: isConj ${t.isConj()} isNeg ${t.isNeg()}, PyTorch ${e.conj} ${e.neg}`);
  });
  return out;
}

// The fixture's base, by the same formula.
const N = 4096;
const k = torch.arange(N, { dtype: torch.float64 });
const big = torch.complex(k.mul(0.37).sin().mul(3), k.mul(0.11).cos().mul(2).sub(0.5)).to(torch.complex64);
const grid = big.get(":1200").reshape(30, 40);

const VIEWS: Record<string, () => Tensor> = {
  offset: () => big.get("100:110").conj(),
  strided: () => big.get("5::401").conj(),
  transposed: () => grid.get("3:7", "10:16").t().conj(),
  conj_then_slice: () => big.conj().get("2000:2006"),
  expanded: () => big.get("7:10").conj().unsqueeze(0).expand(2, 3),
  imag_of_strided: () => big.get("5::401").conj().imag,
};
const OPS: Record<string, (v: Tensor) => unknown> = {
  values: (v) => v, add: (v) => v.add(1), mul_self: (v) => v.mul(v), abs: (v) => v.abs(), exp: (v) => v.exp(),
  sum: (v) => v.sum(), cumsum: (v) => v.cumsum(0), clone: (v) => v.clone(), contiguous: (v) => v.contiguous(),
  resolve: (v) => v.resolveConj().resolveNeg(), index: (v) => v.get(torch.tensor([0, 1])), eq_first: (v) => v.eq(v.get(0)),
  mask: (v) => v.get(v.real.gt(0)), index_select: (v) => v.indexSelect(0, torch.tensor([1, 0])), flip_clone: (v) => v.flip(0).clone(),
  to_double: (v) => v.to(v.isComplex() ? torch.complex128 : torch.float64), item: (v) => v.flatten().get(1).clone(),
  where: (v) => torch.where(v.real.gt(0), v, v.mul(2)), isfinite: (v) => v.isfinite(), masked_fill: (v) => v.maskedFill(v.real.gt(0), 0),
};

test("small conjugate and negative views of a large base: values as PyTorch's, offset, strided, transposed and expanded", () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [vname, make] of Object.entries(VIEWS)) {
    for (const [oname, op] of Object.entries(OPS)) {
      const key = `${vname}|${oname}`;
      wrong.push(...differences(key, results(op(make())), FIXTURE.reads[key] as Result[], false));
      checked++;
    }
    // tolist and item() read the elements one by one (float32 values: compared as float32).
    const f32 = (v: number | torch.Complex | number[]): number | number[] => (typeof v === "number" ? Math.fround(v) : Array.isArray(v) ? v.map(Math.fround) : [Math.fround(v.re), Math.fround(v.im)]);
    const want = (FIXTURE.reads[`${vname}|tolist`] as (number | number[])[]).map(f32);
    assert.deepEqual((make().flatten().tolist() as (number | torch.Complex)[]).map(f32), want, `${vname}: tolist`);
    assert.deepEqual(f32(make().flatten().get(0).item() as number | torch.Complex), want[0], `${vname}: item`);
  }
  assert.deepEqual(wrong, []);
  assert.equal(checked, Object.keys(VIEWS).length * Object.keys(OPS).length);
});

test("a small conj view of a 1M-element base reads only its own elements", () => {
  // The conj alias's whole-memory getter (`pairs`: the base's 1M numbers conjugated, milliseconds)
  // is counted: the ops must read the view's 10 elements through resolvedElements instead.
  const huge = torch.zeros([1 << 20], { dtype: torch.complex64 });
  huge.set(["0:10"], torch.complex(torch.arange(10, { dtype: torch.float32 }), torch.ones(10)));
  const v = huge.get("0:10").conj();
  const alias = v.storage as object;
  const whole = Object.getOwnPropertyDescriptor(alias, "pairs")!;
  let wholeReads = 0;
  Object.defineProperty(alias, "pairs", { get() { wholeReads++; return whole.get!.call(this); }, configurable: true });
  try {
    for (const read of [() => v.add(1), () => v.abs(), () => v.clone(), () => v.tolist(), () => v.sum(), () => v.toString()]) read();
    assert.equal(wholeReads, 0, "an op read the whole base through the conj alias");
    assert.deepEqual(numbers(v.add(1)).slice(0, 4), [1, -1, 2, -1]);
    // The counter sees whole reads where they happen (torch.save writes the whole storage).
    torch.save(v);
    assert.ok(wholeReads > 0, "the instrumented getter was never reached");
  } finally {
    Object.defineProperty(alias, "pairs", whole);
  }
});

const x = torch.complex(torch.arange(12, { dtype: torch.float32 }).reshape(3, 4).mul(0.5).sub(2), torch.arange(12, { dtype: torch.float32 }).reshape(3, 4).mul(-0.25).add(1));
const idx = torch.tensor([2, 0]);
const col = torch.tensor([[0], [1], [3]]);
const SHAPE_OPS: Record<string, (y: Tensor) => unknown> = {
  view: (y) => y.view(4, 3), view_as: (y) => y.viewAs(torch.empty(2, 6)), reshape: (y) => y.reshape(-1),
  reshape_copy: (y) => y.t().reshape(-1), reshape_as: (y) => y.reshapeAs(torch.empty(6, 2)),
  flatten: (y) => y.flatten(), ravel: (y) => y.ravel(), unflatten: (y) => y.unflatten(1, [2, 2]),
  squeeze: (y) => y.unsqueeze(0).squeeze(), unsqueeze: (y) => y.unsqueeze(1), transpose: (y) => y.transpose(0, 1),
  t: (y) => y.t(), T: (y) => y.T, mT: (y) => y.mT, mH: (y) => y.mH, H: (y) => y.H, adjoint: (y) => y.adjoint(),
  permute: (y) => y.permute(1, 0), movedim: (y) => y.movedim(0, 1), moveaxis: (y) => torch.moveaxis(y, 0, 1),
  swapaxes: (y) => y.swapaxes(0, 1), swapdims: (y) => y.swapdims(0, 1), narrow: (y) => y.narrow(1, 1, 2),
  select: (y) => y.select(0, 1), slice: (y) => y.get(":", "1:3"), index_int: (y) => y.get(1, 2), expand: (y) => y.get(0).expand(2, 4),
  expand_as: (y) => y.get(0).expandAs(torch.empty(3, 4)), broadcast_to: (y) => torch.broadcastTo(y.get(0), [2, 4]),
  broadcast_tensors: (y) => torch.broadcastTensors(y, y.get(0)), unfold: (y) => y.unfold(1, 2, 1), diagonal: (y) => y.diagonal(),
  as_strided: (y) => y.asStrided([2, 2], [1, 2], 1), split: (y) => y.split(2, 1), chunk: (y) => y.chunk(2, 0),
  unbind: (y) => y.unbind(0), tensor_split: (y) => y.tensorSplit(3, 1), hsplit: (y) => y.hsplit(2), vsplit: (y) => y.vsplit(3),
  split_with_sizes: (y) => y.split([1, 3], 1), contiguous_t: (y) => y.t().contiguous(), clone: (y) => y.clone(),
  detach: (y) => y.detach(), flip: (y) => y.flip(0), fliplr: (y) => y.fliplr(), flipud: (y) => y.flipud(),
  rot90: (y) => y.rot90(), roll: (y) => y.roll(1, 1), repeat: (y) => y.repeat(2, 1), repeat_interleave: (y) => y.repeatInterleave(2),
  repeat_interleave_dim: (y) => y.repeatInterleave(2, { dim: 0 }), repeat_interleave_tensor: (y) => y.repeatInterleave(torch.tensor([1, 2, 0]), { dim: 0 }),
  tile: (y) => y.tile(2), cat: (y) => torch.cat([y, y]), cat_mixed: (y) => torch.cat([y, x]), stack: (y) => torch.stack([y, y]),
  hstack: (y) => torch.hstack([y, y]), vstack: (y) => torch.vstack([y, y]), dstack: (y) => torch.dstack([y, y]),
  column_stack: (y) => torch.columnStack([y, y]), atleast_3d: (y) => torch.atleast3d(y), atleast_1d_0d: (y) => torch.atleast1d(y.get(0, 0)),
  index_select: (y) => y.indexSelect(0, idx), gather: (y) => y.gather(1, col), take: (y) => y.take(idx),
  take_along_dim: (y) => torch.takeAlongDim(y, col, 1), masked_select: (y) => y.maskedSelect(y.real.gt(0)),
  index_tensor: (y) => y.get(idx), index_mask: (y) => y.get(y.real.gt(0)), tril: (y) => y.tril(), triu: (y) => y.triu(),
  diag: (y) => y.diag(), diag_1d: (y) => y.get(0).diag(), diag_embed: (y) => torch.diagEmbed(y), diagflat: (y) => y.diagflat(),
  block_diag: (y) => torch.blockDiag(y, y), narrow_copy: (y) => y.narrowCopy(1, 1, 2), select_scatter: (y) => torch.selectScatter(y, y.get(0), 0, 1),
  slice_scatter: (y) => torch.sliceScatter(y, y.get(":1"), 0, 0, 1), diagonal_scatter: (y) => torch.diagonalScatter(y, y.diagonal()),
  meshgrid: (y) => torch.meshgrid(y.get(0), y.get(1), { indexing: "ij" }), to_same: (y) => y.to(torch.complex64), to_cdouble: (y) => y.to(torch.complex128),
  type_as: (y) => y.typeAs(y), clone_cl: (y) => y.clone({ memoryFormat: torch.contiguousFormat }), squeeze_dim: (y) => y.get(null).squeeze(0),
  view_as_complex_of: (y) => y.unsqueeze(-1).expand(3, 4, 1), sort: (y) => y.real.sort(), trace_like_diag: (y) => y.diagonal(1),
  flatten_t: (y) => y.t().flatten(), roll_flat: (y) => y.roll(1), unsafe_split: (y) => y.unsafeSplit(2, 1), unsafe_chunk: (y) => y.unsafeChunk(2, 1),
  rot90_k2: (y) => y.rot90(2), expand_copy: (y) => y.get(0).expand(2, 4).clone(), nan_to_num_like: (y) => y.reshape(2, 6),
};

test("view and shape ops on conj views and on their imaginary parts: PyTorch 1.13's is_conj / is_neg and values", () => {
  const wrong: string[] = [];
  for (const [key, want] of Object.entries(FIXTURE.flags)) {
    const [wrap, name] = key.split("|") as ["conj" | "neg", string];
    const op = SHAPE_OPS[name];
    assert.ok(op, `${name}: no torch-ts form in the test's table`);
    let got: Tensor[];
    try {
      got = results(op(wrap === "conj" ? x.conj() : x.conj().imag));
    } catch (e) {
      if ("error" in want) continue;
      wrong.push(`${key}: ${(e as Error).message}`);
      continue;
    }
    if ("error" in want) { wrong.push(`${key}: computed, PyTorch refuses: ${want.error}`); continue; }
    wrong.push(...differences(key, got, want, true));
  }
  assert.deepEqual(wrong, []);
  assert.equal(Object.keys(FIXTURE.flags).length, 2 * Object.keys(SHAPE_OPS).length);
});
