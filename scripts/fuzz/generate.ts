// The fuzzer's calls: every op of the sample table (test/fixtures/conformance/ops.jsonl) called with
// mutated arguments, as JavaScript source text. A call's code is also its reproducer: it runs as
// is with `torch`, `F`, `nn` and `optim` in scope (see ./exec.ts), so a finding prints as one line.

import { loadOpCases, type OpCase } from "../../test/conformance/ops-runner.js";
import { camel, isEncodedTensor, type EncodedTensor, type Json } from "../../test/conformance/values.js";
import { rng } from "../../test/support/random.js";

export { rng };

export interface FuzzCall {
  /** The sample the call mutates (an ops.jsonl id), or the module/optimizer family. */
  source: string;
  /** What was mutated, e.g. "arg0 empty dim 1". */
  mutation: string;
  /** Statements ending in `return <result>`. */
  code: string;
}


export function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A number as JS source (NaN, ±Infinity and -0 included). */
export function numSrc(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return String(v);
}

function valueSrc(v: number | string | boolean): string {
  if (v === "nan") return "NaN";
  if (v === "inf") return "Infinity";
  if (v === "-inf") return "-Infinity";
  if (typeof v === "number") return numSrc(v);
  return JSON.stringify(v);
}

/** An argument of a sample: its source text and, for tensors, what mutations need to know. */
interface Arg {
  src: string;
  tensor?: { shape: number[]; dtype: string };
  json: Json;
}

function tensorSrc(e: EncodedTensor): string {
  const data = `[${e.data.map(valueSrc).join(",")}]`;
  let s = `torch.tensor(${data}, {dtype: "${e.T}"}).reshape([${e.shape.join(",")}])`;
  if (e.transpose) s += `.transpose(${e.transpose[0]}, ${e.transpose[1]})`;
  return s;
}

function shapeAfter(e: EncodedTensor): number[] {
  const s = [...e.shape];
  if (e.transpose) {
    const [a, b] = e.transpose;
    const n = s.length;
    const i = a < 0 ? a + n : a, j = b < 0 ? b + n : b;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  return s;
}

export function jsonSrc(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(jsonSrc).join(", ")}]`;
  if (v === null) return "null";
  if (typeof v === "object") {
    if (isEncodedTensor(v)) return tensorSrc(v as unknown as EncodedTensor);
    if ("dtype" in v && Object.keys(v).length === 1) return JSON.stringify(v.dtype);
    return `{${Object.entries(v).map(([k, x]) => `${camel(k)}: ${jsonSrc(x)}`).join(", ")}}`;
  }
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return valueSrc(v);
  return "undefined";
}

function toArg(v: Json): Arg {
  if (isEncodedTensor(v)) {
    const e = v as unknown as EncodedTensor;
    return { src: tensorSrc(e), tensor: { shape: shapeAfter(e), dtype: e.T }, json: v };
  }
  return { src: jsonSrc(v), json: v };
}

/** The call of a sample with its (possibly mutated) positional and keyword argument sources. */
function callSrc(c: OpCase, args: string[], kwargs: [string, string][]): string {
  const all = [...args];
  if (kwargs.length) all.push(`{${kwargs.map(([k, v]) => `${k}: ${v}`).join(", ")}}`);
  const decl = all.map((a, i) => `const a${i} = ${a};`).join(" ");
  const names = all.map((_, i) => `a${i}`);
  let target: string;
  if (c.method) {
    const m = camel(c.fn.replace(/^torch\./, "").replace(/^Tensor\./, ""));
    return `${decl} return a0.${m}(${names.slice(1).join(", ")});`;
  }
  if (c.fn.startsWith("F.")) target = `F.${camel(c.fn.slice(2))}`;
  else if (c.fn.startsWith("torch.linalg.")) target = `torch.linalg.${camel(c.fn.slice(13))}`;
  else if (c.fn.startsWith("torch.special.")) target = `torch.special.${camel(c.fn.slice(14))}`;
  else target = `torch.${camel(c.fn.replace(/^torch\./, ""))}`;
  return `${decl} return ${target}(${names.join(", ")});`;
}

const BAD_DTYPES = ["int32", "int64", "uint8", "int8", "bool", "float16", "bfloat16", "complex64", "float64", "float32"];
/** Where an integer is expected: the values PyTorch refuses or that overflow an int32 or a double's mantissa. */
export const BAD_INTS = [NaN, Infinity, -Infinity, -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -1, 1.5, -2, 2 ** 53 + 2, 1e300];
const SIZE_PRODUCT_OVERFLOWS = ["[2**31, 2**31]", "[2**53]", "[65536, 65536, 65536]", "[2**32 + 1]", "[2**31 - 1, 3]"];

function withShapeDim(shape: number[], d: number, v: number): number[] {
  const s = [...shape];
  s[d] = v;
  return s;
}

/** Mutations of one tensor argument: [label, replacement source]. */
function tensorMutations(a: Arg, rand: () => number): [string, string][] {
  return mutateTensor(a.src, a.tensor!.shape, a.tensor!.dtype, rand);
}

/** Mutations of a tensor given by its source, shape and dtype: [label, replacement source]. */
export function mutateTensor(src: string, shape: number[], dtype: string, rand: () => number): [string, string][] {
  const a = { src };
  const n = shape.length;
  const x = `(${a.src})`;
  const out: [string, string][] = [];
  const num = shape.reduce((p, q) => p * q, 1);
  for (let d = 0; d < n; d++) out.push([`empty dim ${d}`, `torch.zeros([${withShapeDim(shape, d, 0).join(",")}], {dtype: "${dtype}"})`]);
  out.push(["empty 1-d", `torch.zeros([0], {dtype: "${dtype}"})`]);
  out.push(["0-d", `torch.tensor(${dtype === "bool" ? "true" : "1.5"}, {dtype: "${dtype}"})`]);
  if (n >= 1 && num > 0) {
    // Same shape and values pattern, every element one memory location (stride 0).
    out.push(["stride-0 same shape", `${x}.reshape(-1).narrow(0, 0, 1).reshape([${shape.map(() => 1).join(",")}]).expand([${shape.join(",")}])`]);
    out.push(["stride-0 extra batch", `${x}.unsqueeze(0).expand([3, ${shape.join(",")}])`]);
    out.push(["stride-0 big dim 0", `${x}.narrow(0, 0, 1).expand([4099${shape.slice(1).map((s) => `, ${s}`).join("")}])`]);
    out.push(["offset view", `torch.cat([${x}.narrow(0, 0, 1), ${x}], 0).narrow(0, 1, ${shape[0]})`]);
    out.push(["step-2 view dim 0", `torch.repeatInterleave(${x}, 2, 0).get("1::2")`]);
    out.push(["step-2 view last dim", `torch.stack([${x}, ${x}], -1).select(-1, 1)`]);
  }
  if (n === 4 || n === 5) out.push(["channels last", `${x}.contiguous({memoryFormat: torch.${n === 4 ? "channelsLast" : "channelsLast3d"}})`]);
  if (n >= 2) {
    out.push(["transposed storage", `${x}.transpose(0, ${n - 1}).contiguous().transpose(0, ${n - 1})`]);
    out.push(["mT (shape swapped)", `${x}.mT`]);
  }
  if (n >= 1) {
    out.push(["rank +1", `${x}.unsqueeze(0)`]);
    out.push(["flattened", `${x}.reshape(-1)`]);
    const d = Math.floor(rand() * n);
    out.push([`dim ${d} +1`, `torch.ones([${withShapeDim(shape, d, shape[d]! + 1).join(",")}], {dtype: "${dtype}"})`]);
    if (shape[d]! > 1) out.push([`dim ${d} -> 1`, `${x}.narrow(${d}, 0, 1)`]);
  }
  for (const dt of BAD_DTYPES) if (dt !== dtype) out.push([`dtype ${dt}`, `${x}.to("${dt}")`]);
  out.push(["int64 beyond 2^53", `torch.full([${shape.join(",")}], 2n**60n + 1n, {dtype: "int64"})`]);
  out.push(["negative int64", `torch.full([${shape.join(",")}], -3, {dtype: "int64"})`]);
  out.push(["NaN values", `torch.full([${shape.join(",")}], NaN, {dtype: "${dtype.startsWith("float") || dtype.startsWith("bfloat") ? dtype : "float32"}"})`]);
  out.push(["null", "null"]);
  out.push(["undefined", "undefined"]);
  out.push(["a number", "2"]);
  out.push(["an array", "[1, 2]"]);
  return out;
}

function numberMutations(): [string, string][] {
  return BAD_INTS.map((v) => [`int ${numSrc(v)}`, numSrc(v)]);
}

function isIntList(v: Json): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
}

function listMutations(v: number[]): [string, string][] {
  const out: [string, string][] = [];
  out.push(["list empty", "[]"]);
  out.push(["list shorter", `[${v.slice(0, -1).map(numSrc).join(", ")}]`]);
  out.push(["list longer", `[${[...v, v[0]!].map(numSrc).join(", ")}]`]);
  for (const bad of [-1, 0, 2 ** 31, NaN, 1.5, -(2 ** 31)]) out.push([`list[0] ${numSrc(bad)}`, `[${[bad, ...v.slice(1)].map(numSrc).join(", ")}]`]);
  for (const s of SIZE_PRODUCT_OVERFLOWS) out.push([`list huge ${s}`, s]);
  out.push(["list of strings", `[${v.map((x) => `"${x}"`).join(", ")}]`]);
  return out;
}

/** Every mutated call of one sample. */
export function mutateCase(c: OpCase, rand: () => number): FuzzCall[] {
  const args = c.args.map(toArg);
  const kw = Object.entries(c.kwargs).map(([k, v]) => [camel(k), toArg(v)] as const);
  const base = args.map((a) => a.src);
  const baseKw: [string, string][] = kw.map(([k, a]) => [k, a.src]);
  const calls: FuzzCall[] = [];
  const push = (mutation: string, a: string[], k: [string, string][], extra = "") =>
    calls.push({ source: c.id, mutation, code: extra + callSrc(c, a, k) });
  const positional = (i: number, muts: [string, string][]) => {
    for (const [label, src] of muts) push(`arg${i} ${label}`, base.map((s, j) => (j === i ? src : s)), baseKw);
  };
  const keyword = (i: number, muts: [string, string][]) => {
    for (const [label, src] of muts) push(`${kw[i]![0]} ${label}`, base, baseKw.map(([k, s], j) => [k, j === i ? src : s]));
  };
  const mutationsOf = (a: Arg): [string, string][] => {
    if (a.tensor) return tensorMutations(a, rand);
    if (typeof a.json === "number") return [...numberMutations(), ["null", "null"], ["a tensor", "torch.tensor([1, 2])"]];
    if (isIntList(a.json)) return listMutations(a.json);
    if (Array.isArray(a.json) && a.json.some(isEncodedTensor)) {
      const muts: [string, string][] = [["list empty", "[]"]];
      a.json.forEach((t, j) => {
        if (!isEncodedTensor(t)) return;
        for (const [label, src] of tensorMutations(toArg(t), rand)) {
          muts.push([`[${j}] ${label}`, `[${(a.json as Json[]).map((u, m) => (m === j ? src : jsonSrc(u))).join(", ")}]`]);
        }
      });
      return muts;
    }
    if (typeof a.json === "string") return [["unknown string", '"bogus"'], ["null", "null"]];
    if (typeof a.json === "boolean" || a.json === null) return [["a number", "3"], ["a tensor", "torch.ones([2, 2])"]];
    return [["null", "null"]];
  };
  args.forEach((a, i) => positional(i, mutationsOf(a)));
  kw.forEach(([, a], i) => keyword(i, mutationsOf(a)));
  // Extra arguments and unknown options.
  push("extra positional", [...base, "1"], baseKw);
  push("unknown option", base, [...baseKw, ["bogusOption", "1"]]);
  // out= aliasing its own input, a transposed view of it, a stride-0 tensor, another dtype.
  if (!c.method && args[0]?.tensor) {
    const outs: [string, string][] = [
      ["out aliases arg0", "a0"],
      ["out wrong shape", "torch.zeros([7, 1])"],
      ["out int32", `torch.zeros([0], {dtype: "int32"})`],
      ["out stride-0", `torch.zeros([1]).expand([${args[0].tensor.shape.join(",")}])`],
    ];
    if (args[0].tensor.shape.length >= 2) outs.push(["out transposed alias", "a0.mT"]);
    for (const [label, o] of outs) {
      const code = callSrc(c, base, [...baseKw, ["out", "__OUT__"]]).replace("__OUT__", o === "a0" || o === "a0.mT" ? "null" : o);
      // An alias of a0 can only name a0 after it is declared: patch the options object then.
      const patched = o === "a0" || o === "a0.mT"
        ? code.replace(/ return /, ` a${base.length}.out = ${o}; return `)
        : code;
      calls.push({ source: c.id, mutation: label, code: patched });
    }
  }
  // In place, on itself, on overlapping views and on a stride-0 view.
  if (args[0]?.tensor && args[0].tensor.shape.length >= 1 && !c.fn.startsWith("F.") && !c.fn.startsWith("torch.linalg.")) {
    const m = camel(c.fn.replace(/^torch\./, "").replace(/^Tensor\./, "")) + "_";
    const rest = base.slice(1);
    const kwSrc = baseKw.length ? [`{${baseKw.map(([k, v]) => `${k}: ${v}`).join(", ")}}`] : [];
    const shape = args[0].tensor.shape;
    const num = shape.reduce((p, q) => p * q, 1);
    const restDecl = [...rest, ...kwSrc].map((s, i) => `const b${i} = ${s};`).join(" ");
    const restNames = [...rest, ...kwSrc].map((_, i) => `b${i}`).join(", ");
    calls.push({ source: c.id, mutation: "in place", code: `const a = (${base[0]}).clone(); ${restDecl} a.${m}(${restNames}); return a;` });
    if (num > 1 && rest.length >= 1 && args[1]?.tensor && args[1].tensor.shape.join() === shape.join()) {
      calls.push({
        source: c.id, mutation: "in place, other overlaps self by one element",
        code: `const s = torch.cat([(${base[0]}).reshape(-1), (${base[0]}).reshape(-1)]); const a = s.narrow(0, 0, ${num}).view([${shape.join(",")}]); const b = s.narrow(0, 1, ${num}).view([${shape.join(",")}]); a.${m}(b${rest.slice(1).map((r) => `, ${r}`).join("")}${kwSrc.map((k) => `, ${k}`).join("")}); return s;`,
      });
      calls.push({ source: c.id, mutation: "in place, other is self", code: `const a = (${base[0]}).clone(); a.${m}(a${rest.slice(1).map((r) => `, ${r}`).join("")}${kwSrc.map((k) => `, ${k}`).join("")}); return a;` });
    }
    if (num > 1) calls.push({ source: c.id, mutation: "in place on a stride-0 view", code: `const a = (${base[0]}).reshape(-1).narrow(0, 0, 1).clone().expand([${num}]).view([${shape.join(",")}]); ${restDecl} a.${m}(${restNames}); return a;` });
  }
  return calls;
}

export interface GenerateOptions {
  seed: number;
  /** Only samples whose op name contains this. */
  only?: string;
}

/** The calls of every sample, shuffled by the seed (a budget then covers the table evenly). */
export function generateOpCalls(opts: GenerateOptions): FuzzCall[] {
  const rand = rng(opts.seed);
  const cases = loadOpCases().filter((c) => !opts.only || c.fn.includes(opts.only));
  const calls = cases.flatMap((c) => mutateCase(c, rand));
  return shuffle(calls, rand);
}
