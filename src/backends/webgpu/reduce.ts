// Reductions (sum, mean, prod, max, min, and max/min with indices) over any set of dims of a
// strided tensor. Few long reductions run a workgroup per output (split in parts, then a second
// pass, when there are too few outputs to fill the GPU); many short ones run a thread per output.

import { type GpuDType, isFloatDType, storageType } from "./gpu-types.js";
import {
  type GpuTensor, MAX_DIMS, coalesce, contiguousStrides, empty, numel, sameContext, shapeStr,
} from "./tensor.js";
import {
  F16_ENABLE, F16_HELPERS, F32_BITS, LINEAR_BUILTINS, NEG_INF, POS_INF, I32_MAX, I32_MIN, type ParamStruct, ROUND_HALF, WGSL_HELPERS,
  NAN, cachedParamStruct, convert, linearIndex, paramAt, usesF16,
} from "./wgsl.js";
import { SUBGROUPS_ENABLE, SUBGROUP_BUILTINS, type SubgroupReduction, subgroupScratch, subgroupTree, useSubgroups } from "./subgroups.js";

export type ReduceKind = "sum" | "mean" | "prod" | "max" | "min";

export interface ReduceOptions {
  keepdim?: boolean;
  /**
   * Output dtype of sum/prod (default: float32 for float32 and float16, else int32); "float16" for
   * a float16 input stores the float32 result rounded. mean of float16 is float16.
   */
  dtype?: "float32" | "int32" | "float16";
}

export interface ReduceResult {
  values: GpuTensor;
  /** int32 positions along the reduced dim (max/min over one dim with `indices`). */
  indices?: GpuTensor;
}

function normalizeDims(op: string, dims: readonly number[] | undefined, nd: number): number[] {
  if (dims === undefined) return Array.from({ length: nd }, (_, i) => i);
  const seen = new Set<number>();
  for (const d of dims) {
    const lo = -Math.max(nd, 1), hi = Math.max(nd, 1) - 1;
    if (!Number.isInteger(d) || d < lo || d > hi) {
      throw new Error(`${op}: Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${d})`);
    }
    const n = d < 0 ? d + Math.max(nd, 1) : d;
    if (seen.has(n)) throw new Error(`${op}: dim ${n} appears multiple times in the list of dims`);
    seen.add(n);
  }
  return [...seen].filter((d) => d < nd).sort((a, b) => a - b);
}

/** sum / mean / prod / max / min of `x` over `dims` (all dims when undefined). */
export function reduce(kind: ReduceKind, x: GpuTensor, dims?: readonly number[], options: ReduceOptions = {}): GpuTensor {
  return reduceImpl(kind, x, dims, options, false).values;
}

/** max or min over one dim with the int32 index of the first extreme (NaN counts as the extreme). */
export function reduceWithIndices(kind: "max" | "min", x: GpuTensor, dim: number, keepdim = false): Required<ReduceResult> {
  const r = reduceImpl(kind, x, [dim], { keepdim }, true);
  return { values: r.values, indices: r.indices! };
}

export function sum(x: GpuTensor, dims?: readonly number[], keepdim = false): GpuTensor { return reduce("sum", x, dims, { keepdim }); }
export function mean(x: GpuTensor, dims?: readonly number[], keepdim = false): GpuTensor { return reduce("mean", x, dims, { keepdim }); }
export function amax(x: GpuTensor, dims?: readonly number[], keepdim = false): GpuTensor { return reduce("max", x, dims, { keepdim }); }
export function amin(x: GpuTensor, dims?: readonly number[], keepdim = false): GpuTensor { return reduce("min", x, dims, { keepdim }); }

function reduceImpl(kind: ReduceKind, x: GpuTensor, dimsIn: readonly number[] | undefined, options: ReduceOptions, withIndices: boolean): ReduceResult {
  const op = `webgpu ${kind}`;
  const ctx = sameContext(op, x);
  const nd = x.shape.length;
  const dims = normalizeDims(op, dimsIn, nd);
  if (kind === "mean" && !isFloatDType(x.dtype)) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  }
  // float16 (f16) loads as f32 and accumulates in float32; a float16 result is rounded once as it is stored.
  const compute: "float32" | "int32" = isFloatDType(x.dtype) ? "float32" : "int32";
  if (options.dtype === "float16" && x.dtype !== "float16") throw new Error(`${op}: a float16 result needs a float16 input, got ${x.dtype}`);
  const outDtype: GpuDType = kind === "max" || kind === "min" ? x.dtype : kind === "mean" ? x.dtype : (options.dtype ?? compute);
  const keptAxes = [...Array(nd).keys()].filter((d) => !dims.includes(d));
  const outShape = options.keepdim ? x.shape.map((s, d) => (dims.includes(d) ? 1 : s)) : keptAxes.map((d) => x.shape[d]!);
  const R = numel(dims.map((d) => x.shape[d]!));
  const nOut = numel(keptAxes.map((d) => x.shape[d]!));
  if (R === 0 && (kind === "max" || kind === "min") && nOut > 0) {
    throw new Error(`${kind}(): cannot perform reduction function ${kind} on tensor with no elements because the operation does not have an identity`);
  }
  const values = empty(ctx, outShape, outDtype);
  const indices = withIndices ? empty(ctx, outShape, "int32") : undefined;
  if (nOut === 0) return { values, indices };

  const keptShape = keptAxes.map((d) => x.shape[d]!);
  const kept = coalesce(keptShape, [keptAxes.map((d) => x.strides[d]!), contiguousStrides(keptShape)]);
  const red = coalesce(dims.map((d) => x.shape[d]!), [dims.map((d) => x.strides[d]!)]);
  if (kept.shape.length > MAX_DIMS || red.shape.length > MAX_DIMS) {
    throw new Error(`${op}: more than ${MAX_DIMS} dims that cannot be merged (shape ${shapeStr(x.shape)})`);
  }
  const wg = ctx.maxWorkgroupSize;
  const innerContiguous = red.shape.length > 0 && red.strides[0]![red.shape.length - 1] === 1;
  const perGroup = R > 64 && (innerContiguous || nOut < 1024);
  const parts = !perGroup || withIndices || nOut >= 512 ? 1 : Math.min(1024, Math.ceil(R / (wg * 16)));
  // The first pass's arguments but where it writes (a literal per call: V8 spreads `{ ...common, out }` slowly).
  const pass1 = (out: GpuTensor, outDtype: GpuDType, final: boolean, perGroup: boolean, parts: number, idx?: GpuTensor): RunArgs => ({
    x, kind, compute, withIndices, kept, red, R, nOut, out, idx, outDtype, final, perGroup, parts,
  });
  // A thread per output over a long reduction (a bias gradient: 4096 rows into 2048 columns) fills
  // only a few workgroups, each thread walking every row: on an H100 that took 1.5 ms. Split the
  // rows into slices, so enough workgroups run, then add the slices' partials.
  const tGroups = Math.ceil(nOut / wg);
  const tParts = perGroup || withIndices || R < 1024 || tGroups >= 256 ? 1 : Math.min(Math.ceil(R / 128), Math.ceil(512 / tGroups));
  if (parts === 1 && tParts === 1) {
    run(pass1(values, outDtype, true, perGroup, 1, indices));
    return { values, indices };
  }
  // Two passes: partial results of P slices per output, then a reduction of the partials. A
  // workgroup per (output, slice) writes them output by output; a thread per (output, slice) slice
  // by slice, so that the second pass's threads (one per output) read adjacent values.
  const bySlice = tParts > 1;
  const P = bySlice ? tParts : parts;
  const partial = empty(ctx, [nOut * P], compute);
  run(pass1(partial, compute, false, perGroup, P));
  run({
    x: partial, kind, compute, withIndices: false,
    kept: coalesce([nOut], [[bySlice ? 1 : P], [1]]), red: coalesce([P], [[bySlice ? nOut : 1]]), R: P, nOut,
    out: values, outDtype, final: true, perGroup: !bySlice, parts: 1, scale: kind === "mean" ? 1 / R : 1,
  });
  partial.buffer.release();
  return { values, indices };
}

interface RunArgs {
  x: GpuTensor;
  kind: ReduceKind;
  compute: "float32" | "int32";
  withIndices: boolean;
  kept: { shape: number[]; strides: number[][] };
  red: { shape: number[]; strides: number[][] };
  R: number;
  nOut: number;
  out: GpuTensor;
  idx?: GpuTensor;
  outDtype: GpuDType;
  /** Apply the mean's division and write final values (else raw partials). */
  final: boolean;
  perGroup: boolean;
  parts: number;
  /** Overrides 1/R for the mean's second pass. */
  scale?: number;
}

function run(a: RunArgs): void {
  const ctx = a.x.ctx;
  const wg = a.perGroup ? ctx.maxWorkgroupSize : Math.min(256, ctx.maxWorkgroupSize);
  const nk = a.kept.shape.length, nr = a.red.shape.length;
  const chunk = Math.ceil(a.R / a.parts);
  const layout = cachedParamStruct(`reduce|${nk}|${nr}`, () => [
    { name: "kshape", type: "u32[]", length: Math.max(1, nk) },
    { name: "kstride", type: "u32[]", length: Math.max(1, nk) },
    { name: "rshape", type: "u32[]", length: Math.max(1, nr) },
    { name: "rstride", type: "u32[]", length: Math.max(1, nr) },
    { name: "xoff", type: "u32" },
    { name: "nout", type: "u32" },
    { name: "R", type: "u32" },
    { name: "parts", type: "u32" },
    { name: "chunk", type: "u32" },
    { name: "scale", type: "f32" },
  ]);
  const values = {
    kshape: a.kept.shape, kstride: a.kept.strides[0]!, rshape: a.red.shape, rstride: a.red.strides[0]!,
    xoff: a.x.offset, nout: a.nOut, R: a.R, parts: a.parts, chunk,
    scale: a.scale ?? (a.kind === "mean" ? 1 / a.R : 1),
  };
  const final = a.final;
  // The index-returning tree keeps its barriers: its first-index tie rule is not a subgroup op.
  const sg = a.perGroup && !a.withIndices && useSubgroups(ctx, wg);
  const key = ["reduce", a.kind, a.x.dtype, a.compute, a.outDtype, nk, nr, a.perGroup ? (sg ? "sg" : "g") : "t", wg, a.withIndices ? "i" : "", final ? "f" : "p"].join("|");
  const buffers = [a.out.buffer, a.x.buffer];
  if (a.idx) buffers.splice(1, 0, a.idx.buffer);
  const groups = a.perGroup ? a.nOut * a.parts : Math.ceil(a.nOut / wg) * a.parts;
  ctx.dispatch({
    key, params: { layout, values }, buffers, workgroups: ctx.grid(groups),
    wgsl: () => reduceWgsl(a, layout, wg, nk, nr, final, sg),
  });
}

/**
 * The subgroup form of a reduction without indices. Float max/min test NaN apart from
 * subgroupMax/Min, which skip it on some drivers (lavapipe), to keep PyTorch's NaN propagation.
 */
function subgroupReduction(kind: ReduceKind, isF: boolean, identity: string, cmp: string): SubgroupReduction {
  const scratch = "sgp";
  if (kind === "sum" || kind === "mean") return { type: "T", scratch, identity, combine: (x, y) => `${x} + ${y}`, subgroupOp: (v) => `subgroupAdd(${v})` };
  if (kind === "prod") return { type: "T", scratch, identity, combine: (x, y) => `${x} * ${y}`, subgroupOp: (v) => `subgroupMul(${v})` };
  const op = kind === "max" ? "subgroupMax" : "subgroupMin";
  return {
    type: "T", scratch, identity, combine: (x, y) => `extreme(${x}, ${y})`,
    subgroupOp: (v) => (isF ? `select(${op}(${v}), ${NAN}, subgroupAny(isnan_f(${v})))` : `${op}(${v})`),
  };
}

function reduceWgsl(a: RunArgs, layout: ParamStruct, wg: number, nk: number, nr: number, final: boolean, sg: boolean): string {
  const T = storageType(a.compute);
  const isF = a.compute === "float32";
  const init = a.kind === "sum" || a.kind === "mean" ? (isF ? "0.0" : "0i")
    : a.kind === "prod" ? (isF ? "1.0" : "1i")
      : a.kind === "max" ? (isF ? NEG_INF : I32_MIN) : (isF ? POS_INF : I32_MAX);
  const nan = (v: string): string => (isF ? `isnan_f(${v})` : "false");
  // better(acc, ia, v, iv): whether (v, iv) replaces (acc, ia). NaN wins, then the extreme, then the first index.
  const cmp = a.kind === "max" ? ">" : "<";
  const better = `fn better(acc: T, ia: u32, v: T, iv: u32) -> bool {
  if (${nan("acc")}) { return ${nan("v")} && iv < ia; }
  return ${nan("v")} || v ${cmp} acc || (v == acc && iv < ia);
}`;
  const combine = a.kind === "prod" ? "acc * v" : "acc + v";
  const isExt = a.kind === "max" || a.kind === "min";
  // extreme(acc, v): acc or v, whichever max/min keeps; NaN wins.
  const extreme = `fn extreme(acc: T, v: T) -> T {
  if (!(${nan("acc")}) && (${nan("v")} || v ${cmp} acc)) { return v; }
  return acc;
}`;
  const decl = [
    `@group(0) @binding(1) var<storage, read_write> out: array<${storageType(a.outDtype)}>;`,
    ...(a.idx ? ["@group(0) @binding(2) var<storage, read_write> oidx: array<i32>;"] : []),
    `@group(0) @binding(${a.idx ? 3 : 2}) var<storage, read> x: array<${storageType(a.x.dtype)}>;`,
  ];
  const keptOffset: string[] = ["  var base = P.xoff;", "  var rem = o;"];
  for (let d = nk - 1; d >= 0; d--) {
    const c = d === 0 ? "rem" : `(rem % ${paramAt("kshape", d)})`;
    keptOffset.push(`  { let c = ${c}; base += c * ${paramAt("kstride", d)};${d > 0 ? ` rem = rem / ${paramAt("kshape", d)};` : ""} }`);
  }
  const redOffset: string[] = [];
  if (nr === 1) redOffset.push(`    let off = r * ${paramAt("rstride", 0)};`);
  else {
    redOffset.push("    var off = 0u;", "    var rr = r;");
    for (let d = nr - 1; d >= 0; d--) {
      const c = d === 0 ? "rr" : `(rr % ${paramAt("rshape", d)})`;
      redOffset.push(`    { let c = ${c}; off += c * ${paramAt("rstride", d)};${d > 0 ? ` rr = rr / ${paramAt("rshape", d)};` : ""} }`);
    }
  }
  const load = `${convert("x[base + off]", a.x.dtype, a.compute)}`;
  const step = a.withIndices
    ? `    let v = ${load};\n    if (better(acc, ia, v, r)) { acc = v; ia = r; }`
    : isExt
      ? `    acc = extreme(acc, ${load});`
      : `    let v = ${load};\n    acc = ${combine};`;
  const finish = (v: string): string => {
    const scaled = final && a.kind === "mean" ? `(${v}) * P.scale` : v;
    return convert(scaled, a.compute, final ? a.outDtype : a.compute);
  };
  const f16 = usesF16([a.x.dtype, a.outDtype]);
  const helpers = [F32_BITS, isF ? WGSL_HELPERS.isnan : "", isExt ? (a.withIndices ? better : extreme) : "", f16 ? `${ROUND_HALF.float16}\n${F16_HELPERS}` : ""].join("\n");
  const enable = (f16 ? `${F16_ENABLE}\n` : "") + (sg ? `${SUBGROUPS_ENABLE}\n` : "");
  if (!a.perGroup) {
    return `${enable}alias T = ${T};
${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decl.join("\n")}
${helpers}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  // Thread t reduces slice t / padded of output t % padded (one slice unless the rows are split).
  let t = ${linearIndex(wg)};
  let padded = ((P.nout + ${wg - 1}u) / ${wg}u) * ${wg}u;
  let o = t % padded;
  let part = t / padded;
  if (o >= P.nout || part >= P.parts) { return; }
${keptOffset.join("\n")}
  var acc: T = ${init};
  var ia = 0u;
  let r1 = min(P.R, (part + 1u) * P.chunk);
  for (var r = part * P.chunk; r < r1; r++) {
${redOffset.join("\n")}
${step}
  }
  out[part * P.nout + o] = ${finish("acc")};
${a.idx ? "  oidx[o] = i32(ia);" : ""}
}
`;
  }
  // Workgroup per (output, part): strided partial loop, then a tree in workgroup memory.
  if (sg) {
    const r = subgroupReduction(a.kind, isF, init, cmp);
    return `${enable}alias T = ${T};
${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decl.join("\n")}
${helpers}
${subgroupScratch(r, wg)}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32, ${SUBGROUP_BUILTINS}) {
  let g = wid.x + wid.y * nwg.x;
  let o = g / P.parts;
  let part = g % P.parts;
  let oo = min(o, P.nout - 1u);
${keptOffset.join("\n").replace("var rem = o;", "var rem = oo;")}
  var acc: T = ${init};
  let r0 = part * P.chunk;
  let r1 = min(P.R, r0 + P.chunk);
  for (var r = r0 + l; r < r1; r += ${wg}u) {
${redOffset.join("\n")}
${step}
  }
${subgroupTree(wg, r)}
  if (l == 0u && o < P.nout) { out[g] = ${finish("acc")}; }
}
`;
  }
  const merge = a.withIndices
    ? `      if (better(sv[l], si[l], sv[l + s], si[l + s])) { sv[l] = sv[l + s]; si[l] = si[l + s]; }`
    : isExt
      ? `      sv[l] = extreme(sv[l], sv[l + s]);`
      : `      let acc = sv[l]; let v = sv[l + s];\n      sv[l] = ${combine};`;
  return `${enable}alias T = ${T};
${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decl.join("\n")}
${helpers}
var<workgroup> sv: array<T, ${wg}>;
var<workgroup> si: array<u32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let g = wid.x + wid.y * nwg.x;
  let o = g / P.parts;
  let part = g % P.parts;
  let valid = o < P.nout;
  let oo = min(o, P.nout - 1u);
${keptOffset.join("\n").replace("var rem = o;", "var rem = oo;")}
  var acc: T = ${init};
  var ia = 0xffffffffu;
  let r0 = part * P.chunk;
  let r1 = min(P.R, r0 + P.chunk);
  for (var r = r0 + l; r < r1; r += ${wg}u) {
${redOffset.join("\n")}
${step}
  }
  sv[l] = acc;
  si[l] = ia;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (l < s) {
${merge}
    }
    workgroupBarrier();
  }
  if (l == 0u && valid) {
    out[g] = ${finish("sv[0]")};
${a.idx ? "    oidx[o] = i32(si[0]);" : ""}
  }
}
`;
}
