// softmax / log_softmax over one dim of a strided float32 tensor (or float16 stored as f16: loaded
// as f32, computed in float32, each result rounded as it is stored), and their backward passes.
// A workgroup handles a row (max, sum of exponentials, write); rows of at most 32 elements run a
// thread per row instead, so a [N, 10] classifier output does not idle 250 of 256 threads.

import {
  type GpuTensor, MAX_DIMS, checkDType, coalesce, contiguousStrides, empty, numel, sameContext, shapeStr,
} from "./tensor.js";
import {
  F16_ENABLE, F16_HELPERS, F32_BITS, LINEAR_BUILTINS, NEG_INF, type ParamStruct, ROUND_HALF, cachedParamStruct, linearIndex, paramAt, workgroupTree,
} from "./wgsl.js";
import { SUBGROUPS_ENABLE, SUBGROUP_BUILTINS, type SubgroupReduction, subgroupScratch, subgroupSum, subgroupTree, useSubgroups } from "./subgroups.js";

function normDim(op: string, dim: number, nd: number): number {
  const n = Math.max(nd, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new Error(`${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Row layout: for every operand, strides of the row dims (coalesced) and the stride along `dim`. */
function rows(op: string, dim: number, shape: readonly number[], operands: readonly (readonly number[])[]) {
  const rowAxes = shape.map((_, i) => i).filter((i) => i !== dim);
  const co = coalesce(rowAxes.map((i) => shape[i]!), operands.map((st) => rowAxes.map((i) => st[i]!)));
  if (co.shape.length > MAX_DIMS) throw new Error(`${op}: too many dims (shape ${shapeStr(shape)})`);
  return {
    nrows: numel(co.shape), rowShape: co.shape, rowStrides: co.strides,
    C: shape.length === 0 ? 1 : shape[dim]!,
    cStrides: operands.map((st) => (shape.length === 0 ? 0 : st[dim]!)),
  };
}

/** softmax (or log_softmax with `log`) of float32 `x` along `dim`. */
export function softmax(x: GpuTensor, dim = -1, options: { log?: boolean } = {}): GpuTensor {
  const op = options.log ? "webgpu log_softmax" : "webgpu softmax";
  const ctx = sameContext(op, x);
  checkDType(op, "input", x, ["float32", "float16"]);
  const d = normDim(op, dim, x.shape.length);
  const out = empty(ctx, x.shape, x.dtype);
  if (numel(x.shape) === 0) return out;
  const lay = rows(op, d, x.shape, [x.strides, contiguousStrides(x.shape)]);
  runRows(options.log ? "log_softmax" : "softmax", lay, [out, x], [0, x.offset]);
  return out;
}

export function logSoftmax(x: GpuTensor, dim = -1): GpuTensor {
  return softmax(x, dim, { log: true });
}

/**
 * The gradient of softmax (or log_softmax with `log`) w.r.t. its input, from its output `y` and
 * the output's gradient `grad`: y * (grad - sum(grad * y)), or grad - exp(y) * sum(grad).
 */
export function softmaxBackward(grad: GpuTensor, y: GpuTensor, dim = -1, options: { log?: boolean } = {}): GpuTensor {
  const op = options.log ? "webgpu log_softmax_backward" : "webgpu softmax_backward";
  const ctx = sameContext(op, grad, y);
  checkDType(op, "grad", grad, ["float32", "float16"]);
  checkDType(op, "output", y, [grad.dtype]);
  if (grad.shape.length !== y.shape.length || grad.shape.some((s, i) => s !== y.shape[i])) {
    throw new Error(`${op}: grad ${shapeStr(grad.shape)} and output ${shapeStr(y.shape)} must have the same shape`);
  }
  const d = normDim(op, dim, y.shape.length);
  const out = empty(ctx, y.shape, y.dtype);
  if (numel(y.shape) === 0) return out;
  const lay = rows(op, d, y.shape, [contiguousStrides(y.shape), grad.strides, y.strides]);
  runRows(options.log ? "log_softmax_backward" : "softmax_backward", lay, [out, grad, y], [0, grad.offset, y.offset]);
  return out;
}

type RowKind = "softmax" | "log_softmax" | "softmax_backward" | "log_softmax_backward";

function runRows(kind: RowKind, lay: ReturnType<typeof rows>, ts: readonly GpuTensor[], offsets: readonly number[]): void {
  const ctx = ts[0]!.ctx;
  const nrd = lay.rowShape.length;
  const perThread = lay.C <= 32;
  const wg = perThread ? Math.min(64, ctx.maxWorkgroupSize) : ctx.maxWorkgroupSize;
  const fields: ConstructorParameters<typeof ParamStruct>[0] = [
    { name: "rshape", type: "u32[]", length: Math.max(1, nrd) },
    ...ts.map((_, j) => ({ name: `rs${j}`, type: "u32[]" as const, length: Math.max(1, nrd) })),
    ...ts.map((_, j) => ({ name: `cs${j}`, type: "u32" as const })),
    ...ts.map((_, j) => ({ name: `off${j}`, type: "u32" as const })),
    { name: "nrows", type: "u32" }, { name: "C", type: "u32" },
  ];
  const layout = cachedParamStruct(`rows|${nrd}|${ts.length}`, () => fields);
  const values: Record<string, number | readonly number[]> = { rshape: lay.rowShape, nrows: lay.nrows, C: lay.C };
  ts.forEach((_, j) => {
    values[`rs${j}`] = lay.rowStrides[j]!;
    values[`cs${j}`] = lay.cStrides[j]!;
    values[`off${j}`] = offsets[j]!;
  });
  const f16 = ts[0]!.dtype === "float16";
  const sg = !perThread && useSubgroups(ctx, wg);
  const key = ["rows", kind, nrd, perThread ? "t" : sg ? "sg" : "g", wg, f16 ? "f16" : "f32"].join("|");
  ctx.dispatch({
    key, params: { layout, values }, buffers: ts.map((t) => t.buffer),
    workgroups: ctx.grid(perThread ? Math.ceil(lay.nrows / wg) : lay.nrows),
    wgsl: () => rowsWgsl(kind, layout, ts.length, nrd, perThread, wg, f16, sg),
  });
}

/** The row max of the subgroup trees: a NaN in the row makes the whole row NaN whatever max() does with it. */
const SUBGROUP_MAX: SubgroupReduction = {
  type: "f32", scratch: "sg_max", identity: NEG_INF, combine: (a, b) => `max(${a}, ${b})`, subgroupOp: (v) => `subgroupMax(${v})`,
};
const SUBGROUP_SUM = subgroupSum("sg_sum");

/**
 * `f16`: every operand is stored as f16 (loads decode to f32, stores round to float16). `sg`: the
 * row reductions are subgroup trees (subgroups.ts).
 */
function rowsWgsl(kind: RowKind, layout: ParamStruct, nt: number, nrd: number, perThread: boolean, wg: number, f16: boolean, sg: boolean): string {
  const S = f16 ? "f16" : "f32";
  const decl = [`@group(0) @binding(1) var<storage, read_write> t0: array<${S}>;`];
  for (let j = 1; j < nt; j++) decl.push(`@group(0) @binding(${j + 1}) var<storage, read> t${j}: array<${S}>;`);
  const base: string[] = [];
  for (let j = 0; j < nt; j++) base.push(`  var b${j} = P.off${j};`);
  base.push("  var rem = row;");
  for (let d = nrd - 1; d >= 0; d--) {
    const c = d === 0 ? "rem" : `(rem % ${paramAt("rshape", d)})`;
    const adds = Array.from({ length: nt }, (_, j) => `b${j} += c * ${paramAt(`rs${j}`, d)};`).join(" ");
    base.push(`  { let c = ${c}; ${adds}${d > 0 ? ` rem = rem / ${paramAt("rshape", d)};` : ""} }`);
  }
  const elem = (j: number, c: string): string => `t${j}[b${j} + ${c} * P.cs${j}]`;
  const at = (j: number, c: string): string => (f16 ? `f16_load(${elem(j, c)})` : elem(j, c));
  const store = (v: string): string => `${elem(0, "c")} = ${f16 ? `f16_store(round_f16(${v}))` : v};`;
  const fwd = kind === "softmax" || kind === "log_softmax";
  // Pass 1 (forward): the row max. Pass 2: the sum of exp(x - max), or of grad*y / grad.
  const pass1 = `acc = max(acc, ${at(1, "c")});`;
  const pass2 = fwd ? `acc += exp(${at(1, "c")} - m);`
    : kind === "softmax_backward" ? `acc += ${at(1, "c")} * ${at(2, "c")};` : `acc += ${at(1, "c")};`;
  const write = store(kind === "softmax" ? `exp(${at(1, "c")} - m) * inv`
    : kind === "log_softmax" ? `${at(1, "c")} - lse`
      : kind === "softmax_backward" ? `${at(2, "c")} * (${at(1, "c")} - s)`
        : `${at(1, "c")} - exp(${at(2, "c")}) * s`);
  const header = f16 ? `${F16_ENABLE}\n${ROUND_HALF.float16}\n${F16_HELPERS}\n${F32_BITS}` : F32_BITS;
  const after = fwd ? "  let inv = 1.0 / s;\n  let lse = m + log(s);" : "";
  if (perThread) {
    return `${header}
${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decl.join("\n")}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let row = ${linearIndex(wg)};
  if (row >= P.nrows) { return; }
${base.join("\n")}
  var acc = ${NEG_INF};
  var m = 0.0;
  ${fwd ? `for (var c = 0u; c < P.C; c++) { ${pass1} }\n  m = acc;` : ""}
  acc = 0.0;
  for (var c = 0u; c < P.C; c++) { ${pass2} }
  let s = acc;
${after}
  for (var c = 0u; c < P.C; c++) { ${write} }
}
`;
  }
  const maxTree = sg ? subgroupTree(wg, SUBGROUP_MAX) : workgroupTree(wg, "max(red[l], red[l + k])");
  const sumTree = sg ? subgroupTree(wg, SUBGROUP_SUM) : workgroupTree(wg);
  const scratch = sg ? [...(fwd ? [subgroupScratch(SUBGROUP_MAX, wg)] : []), subgroupScratch(SUBGROUP_SUM, wg)].join("\n")
    : `var<workgroup> red: array<f32, ${wg}>;`;
  return `${sg ? `${SUBGROUPS_ENABLE}\n` : ""}${header}
${layout.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
${decl.join("\n")}
${scratch}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32${sg ? `, ${SUBGROUP_BUILTINS}` : ""}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.nrows) { return; }
${base.join("\n")}
  var acc = ${NEG_INF};
  var m = 0.0;
${fwd ? `  for (var c = l; c < P.C; c += ${wg}u) { ${pass1} }\n${maxTree}\n  m = acc;` : ""}
  acc = 0.0;
  for (var c = l; c < P.C; c += ${wg}u) { ${pass2} }
${sumTree}
  let s = acc;
${after}
  for (var c = l; c < P.C; c += ${wg}u) { ${write} }
}
`;
}
