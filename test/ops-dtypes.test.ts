// Every op of the sample table takes the input dtypes PyTorch takes and refuses the others: one sample
// per op is re-run with its floating tensor arguments cast to each dtype, and torch-ts must raise where
// PyTorch 1.13 raised and otherwise give results of the same dtypes (the matrix is recorded by
// test/fixtures/dtype-support.py). A refusal either is PyTorch's own message or names the dtype. A float16/bfloat16 refusal marked `newer_may_accept` is one that
// PyTorch 2.x lifted: there either answer passes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import { loadOpCases, NotImplemented, resolveFn, type OpCase } from "./conformance/ops-runner.js";
import { decode, decodeKwargs } from "./conformance/values.js";

type Outcome = { ok: string[] } | { error: string; newer_may_accept?: boolean };
interface Matrix { dtypes: string[]; ops: Record<string, { id: string; dtypes: Record<string, Outcome> }> }

const MATRIX = JSON.parse(readFileSync(new URL("./fixtures/dtype-support.json", import.meta.url), "utf8")) as Matrix;

/** Deliberate differences from PyTorch 1.13, keyed "fn|form|dtype", with the reason. */
const KNOWN_DIFFERENCES = new Map<string, string>([
  // F.threshold(x, 0.1, -2.0): Python's float -2.0 overflows uint8, its int -2 wraps to 254. A JS
  // number does not tell them apart; torch-ts takes it as the int (checkScalarFits).
  ["F.threshold|function|uint8", "-2.0 and -2 are the same JS number"],
]);

function castFloating(v: unknown, dtype: torch.DTypeName): unknown {
  if (v instanceof torch.Tensor) return v.dtype.isFloatingPoint ? v.to(dtype) : v;
  if (Array.isArray(v)) return v.map((x) => castFloating(x, dtype));
  if (v !== null && typeof v === "object" && !(typeof v === "string")) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, castFloating(x, dtype)]));
  }
  return v;
}

/** The names a message may give a dtype: PyTorch's C++ scalar type ('Short', 'ShortTensor'), the dtype's ('int16'), C's ('int16_t'). */
const DTYPE_WORDS: Record<string, string[]> = {
  float64: ["Double", "float64", "double"], float16: ["Half", "float16"], bfloat16: ["BFloat16", "bfloat16"],
  int64: ["Long", "int64"], int32: ["Int", "int32", "int"], int16: ["Short", "int16"], int8: ["Char", "int8"],
  uint8: ["Byte", "uint8"], bool: ["Bool", "bool"],
};

function sameWords(a: string, b: string): boolean {
  return a.replace(/\s+/g, " ") === b.replace(/\s+/g, " ");
}

function namesDtype(message: string, dtype: string): boolean {
  return DTYPE_WORDS[dtype]!.some((w) => new RegExp(`\\b${w}(_t|Tensor)?\\b`).test(message));
}

function resultDtypes(r: unknown): string[] {
  if (r instanceof torch.Tensor) return [r.dtype.name];
  if (Array.isArray(r)) return r.flatMap(resultDtypes);
  return [];
}

function run(c: OpCase, dtype: torch.DTypeName | null): { ok: string[] } | { error: string } {
  const args = c.args.map((a) => decode(a, false));
  const kw = decodeKwargs(c.kwargs);
  const cast = (v: unknown) => (dtype ? castFloating(v, dtype) : v);
  const callArgs = [...(cast(args) as unknown[]), ...(Object.keys(kw).length ? [cast(kw)] : [])];
  try {
    torch.manualSeed(0);
    return { ok: resultDtypes(resolveFn(c).call(callArgs)) };
  } catch (e) {
    if (e instanceof NotImplemented) throw e;
    return { error: (e as Error).message.split("\n")[0]! };
  }
}

const byId = new Map(loadOpCases().map((c) => [c.id, c]));

test("every op takes and refuses the input dtypes PyTorch does", () => {
  const failures: string[] = [];
  let checked = 0;
  const skipped: string[] = [];
  for (const [key, { id, dtypes }] of Object.entries(MATRIX.ops)) {
    const c = byId.get(id);
    assert.ok(c, `sample ${id} is gone from ops.jsonl: re-record the matrix`);
    try {
      // The conformance test reports ops that fail on their own sample.
      if ("error" in run(c, null)) { skipped.push(key); continue; }
    } catch (e) {
      if (e instanceof NotImplemented) { skipped.push(key); continue; }
      throw e;
    }
    for (const [dtype, expected] of Object.entries(dtypes)) {
      const where = `${key}|${dtype}`;
      const actual = run(c, dtype as torch.DTypeName);
      checked++;
      let problem: string | null = null;
      if ("error" in expected) {
        if ("ok" in actual && !expected.newer_may_accept) problem = `PyTorch raises (${expected.error.slice(0, 100)}); torch-ts gives ${actual.ok.join(",") || "no tensor"}`;
        else if ("error" in actual && !sameWords(actual.error, expected.error) && !namesDtype(actual.error, dtype)) problem = `the refusal does not name the dtype: ${actual.error.slice(0, 140)}`;
      } else if ("error" in actual) {
        problem = `PyTorch gives ${expected.ok.join(",") || "no tensor"}; torch-ts raises: ${actual.error.slice(0, 140)}`;
      } else if (actual.ok.join() !== expected.ok.join()) {
        problem = `result dtypes ${actual.ok.join(",")}, PyTorch ${expected.ok.join(",")}`;
      }
      if (problem && !KNOWN_DIFFERENCES.has(where)) failures.push(`${where}: ${problem}`);
    }
  }
  console.log(`dtype support: ${checked - failures.length}/${checked} (op, dtype) pairs agree with PyTorch; skipped (sample fails): ${skipped.join(" ") || "none"}`);
  for (const f of failures) console.log(`  ${f}`);
  assert.deepEqual(failures, []);
});

test("a refusal names the op and the dtype", () => {
  assert.throws(() => torch.tensor([1, 2]).logcumsumexp(0), /logcumsumexp.*'Long'/);
  assert.throws(() => torch.tensor([[true]]).mm(torch.tensor([[true]])), /^Error: "addmm_impl_cpu_" not implemented for 'Bool'$/);
  assert.throws(() => torch.tensor([[1]], { dtype: "int32" }).mean(), /Got: Int$/);
});

// The values behind some rows of the matrix, read off PyTorch 1.13 (the comments give the Python calls).
test("integer products take beta and alpha truncated; addr refuses fractional ones", () => {
  const i = torch.tensor([[1, 2], [3, 4]]), m = torch.tensor([[1, 1], [1, 1]]);
  // torch.addmm(i, m, m, beta=1.5, alpha=2.7) -> [[5, 6], [7, 8]]; beta=-0.5, alpha=-1.5 -> [[-2, -2], [-2, -2]]
  assert.deepEqual(torch.addmm(i, m, m, { beta: 1.5, alpha: 2.7 }).tolist(), [[5, 6], [7, 8]]);
  assert.deepEqual(torch.addmm(i, m, m, { beta: -0.5, alpha: -1.5 }).tolist(), [[-2, -2], [-2, -2]]);
  assert.equal(torch.addmm(i, m, m, { beta: 0.5 }).dtype.name, "int64");
  // torch.addr(i, v, v, beta=0.5) raises
  const v = torch.tensor([1, 2]);
  assert.throws(() => torch.addr(i, v, v, { beta: 0.5 }), /For integral input tensors, argument beta must not be a floating point number\./);
  assert.deepEqual(torch.addr(i, v, v, { beta: 2 }).tolist(), [[3, 6], [8, 12]]);
});

test("a fill value the dtype cannot hold is refused", () => {
  const mask = torch.tensor([true, false]);
  const u8 = torch.tensor([1, 2], { dtype: "uint8" }), i8 = torch.tensor([1, 2], { dtype: "int8" });
  // x.masked_fill(m, -1) wraps to 255; 2.5 truncates to 2; 256, -0.5, nan raise
  assert.deepEqual(u8.maskedFill(mask, -1).tolist(), [255, 2]);
  assert.deepEqual(u8.maskedFill(mask, 2.5).tolist(), [2, 2]);
  for (const bad of [256, -0.5, NaN, Infinity]) {
    assert.throws(() => u8.maskedFill(mask, bad), /^Error: value cannot be converted to type uint8_t without overflow$/, String(bad));
  }
  assert.deepEqual(i8.maskedFill(mask, -128).tolist(), [-128, 2]);
  assert.throws(() => i8.maskedFill(mask, 128), /int8_t/);
  // float16: 70000 raises, inf does not
  const h = torch.tensor([1, 2], { dtype: "float16" });
  assert.throws(() => h.maskedFill(mask, 70000), /at::Half/);
  assert.deepEqual(h.maskedFill(mask, Infinity).tolist(), [Infinity, 2]);
  // F.threshold(u8, 1.5, 300) raises
  assert.throws(() => torch.nn.functional.threshold(u8, 1.5, 300), /uint8_t/);
});

test("diff of bools is their logical xor", () => {
  // torch.diff(torch.tensor([True, False, False, True])) -> [True, False, True]
  assert.deepEqual(torch.diff(torch.tensor([true, false, false, true])).tolist(), [true, false, true]);
});
