// Max, average and adaptive max pooling over 1, 2 or 3 spatial dims (forward and backward) on
// float32 inputs [..., spatial] (float16 stored as f16 too: loaded as f32, each result rounded as
// it is stored; the backward's gradients are of the gradient's dtype), with PyTorch's output sizes, padding, dilation (max), ceil_mode,
// count_include_pad and divisor_override. One kernel family whose WGSL is generated for the number
// of spatial dims. The backward passes gather (each input element sums the windows that hold it),
// so they need no atomics and give the same sums every run.

import { pool2dShapeCheck, pool3dShapeCheck, poolOutputShape } from "../js/pool-shape.js";
import { contiguous } from "./pointwise.js";
import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { F32_BITS, type FloatStorage, LINEAR_BUILTINS, NEG_INF, ParamStruct, WGSL_HELPERS, floatStorage, linearIndex, paramAt } from "./wgsl.js";


/** One value for every spatial dim, or one per dim (outermost first). */
type Spatial = number | readonly number[];

export interface PoolOptions {
  kernelSize: Spatial;
  /** Default: kernelSize. */
  stride?: Spatial | null;
  padding?: Spatial;
  /** max pooling only. */
  dilation?: Spatial;
  ceilMode?: boolean;
  /** average pooling only (default true). */
  countIncludePad?: boolean;
  /** average pooling only. */
  divisorOverride?: number | null;
}
/** The options of the 2-d entry points (any PoolOptions). */
export type Pool2dOptions = PoolOptions;

/** How output cells map to input windows: strided windows, or adaptive pooling's [floor(o·in/out), ceil((o+1)·in/out)). */
type WindowMode = "strided" | "adaptive";

interface Geo {
  nd: number;
  inSize: number[]; outSize: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[];
  outShape: number[];
}

function perDim(v: Spatial, nd: number): number[] {
  return typeof v === "number" ? new Array<number>(nd).fill(v) : v.length === 1 ? new Array<number>(nd).fill(v[0]!) : v.slice();
}

function checkRank(x: GpuTensor, nd: number): void {
  if (nd < 1 || nd > 3) throw new Error(`webgpu pooling: 1, 2 or 3 spatial dims, got ${nd}`);
  if (x.shape.length !== nd + 1 && x.shape.length !== nd + 2) {
    throw new Error(`Expected ${nd + 1}D or ${nd + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got:${shapeStr(x.shape)}`);
  }
}

function geo(op: string, x: GpuTensor, o: PoolOptions, isMax: boolean, nd: number): Geo {
  // Average pooling also takes int32 (sums in wrapping int32, divides truncating toward zero).
  checkDType(op, "input", x, isMax ? ["float32", "float16"] : ["float32", "float16", "int32"]);
  checkRank(x, nd);
  const kernel = perDim(o.kernelSize, nd);
  const stride = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? kernel : perDim(o.stride, nd);
  const padding = perDim(o.padding ?? 0, nd);
  const dilation = isMax ? perDim(o.dilation ?? 1, nd) : new Array<number>(nd).fill(1);
  for (const [name, v] of [["kernel_size", kernel], ["stride", stride], ["padding", padding], ["dilation", dilation]] as const) {
    if (v.length !== nd || v.some((e) => !Number.isInteger(e))) throw new Error(`${op}: ${name} must be ${nd} integers, got ${JSON.stringify(v)}`);
  }
  const outShape = poolOutputShape(x.shape, { kernelSize: kernel, stride, padding, dilation, ceilMode: !!o.ceilMode });
  const outSize = outShape.slice(-nd);
  const [k, s, p, d, os] = [kernel, stride, padding, dilation, outSize];
  if (nd === 2) pool2dShapeCheck(x.shape, k[0]!, k[1]!, s[0]!, s[1]!, p[0]!, p[1]!, d[0]!, d[1]!, os[0]!, os[1]!);
  else if (nd === 3) {
    pool3dShapeCheck(x.shape, k[0]!, k[1]!, k[2]!, s[0]!, s[1]!, s[2]!, p[0]!, p[1]!, p[2]!, d[0]!, d[1]!, d[2]!, os[0]!, os[1]!, os[2]!, op, !isMax);
  } else if (k[0]! < 1 || s[0]! < 1 || d[0]! < 1 || os[0]! < 1) {
    throw new Error(`${op}: kernel_size, stride and dilation must be positive and the output non-empty, got ${JSON.stringify({ k, s, d, os })}`);
  }
  const inSize = x.shape.slice(-nd);
  return { nd, inSize, outSize, kernel, stride, padding, dilation, outShape };
}

/** Adaptive pooling to `outSize` (the last outSize.length dims); every window is non-empty. */
function adaptiveGeo(op: string, x: GpuTensor, outSize: readonly number[]): Geo {
  checkDType(op, "input", x, ["float32", "float16"]);
  const nd = outSize.length;
  checkRank(x, nd);
  const inSize = x.shape.slice(-nd);
  if (inSize.some((s) => s < 1) || outSize.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`${op}: input ${shapeStr(x.shape)} and output_size ${shapeStr(outSize)} must be positive`);
  }
  const ones = new Array<number>(nd).fill(1);
  return {
    nd, inSize, outSize: outSize.slice(), kernel: ones, stride: ones, padding: ones.map(() => 0),
    dilation: ones, outShape: [...x.shape.slice(0, -nd), ...outSize],
  };
}

/** The per-dim parameters: u32 arrays indexed by spatial dim (outermost first). */
const DIM_FIELDS = ["inSize", "outSize", "kernel", "stride", "padding", "dilation", "xStrides"] as const;
type DimField = (typeof DIM_FIELDS)[number];

/** One parameter layout for every rank: the per-dim values are arrays, so a record is built without generated keys. */
const PARAMS = new ParamStruct([
  ...["total", "xoff", "sP", "countPad", "divisor"].map((name) => ({ name, type: "u32" as const })),
  ...DIM_FIELDS.map((name) => ({ name, type: "u32[]" as const, length: 3 })),
]);

/** WGSL reading the value of spatial dim d of a per-dim parameter. */
function dimParam(field: DimField, d: number): string {
  return paramAt(field, d);
}

const dims = (nd: number): number[] => Array.from({ length: nd }, (_, d) => d);

/** Stride of one plane of x viewed as [planes, ...spatial]: the dims before the spatial ones must merge into one. */
function planar(x: GpuTensor, nd: number): { x: GpuTensor; owned: boolean } {
  const lead = x.shape.length - nd;
  for (let d = 0; d < lead - 1; d++) {
    if (x.shape[d]! > 1 && x.shape[d + 1]! > 1 && x.strides[d] !== x.strides[d + 1]! * x.shape[d + 1]!) {
      return { x: contiguous(x), owned: true };
    }
  }
  return { x, owned: false };
}

/** The stride between planes (the innermost non-spatial dim of size > 1, else any). */
function planeStride(x: GpuTensor, nd: number): number {
  const lead = x.shape.length - nd;
  for (let d = lead - 1; d >= 0; d--) if (x.shape[d]! > 1) return x.strides[d]!;
  return 0;
}

function values(g: Geo, total: number, o: Partial<PoolOptions>, offsets: { xoff: number; sP?: number }, xStrides: readonly number[] = []) {
  return {
    total, xoff: offsets.xoff, sP: offsets.sP ?? 0, countPad: o.countIncludePad === false ? 0 : 1, divisor: o.divisorOverride ?? 0,
    inSize: g.inSize, outSize: g.outSize, kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation,
    xStrides: xStrides.slice(xStrides.length - g.nd),
  };
}

/** WGSL: peel a flat index `v` into coordinates `${name}${d}` over the sizes `size`, innermost first; what is left stays in `v`. */
function peel(v: string, name: string, size: DimField, nd: number): string {
  return dims(nd).reverse().map((d) => `  let ${name}${d} = ${v} % ${dimParam(size, d)};\n  ${v} = ${v} / ${dimParam(size, d)};`).join("\n");
}

/**
 * WGSL: the row-major flat offset of coordinates `${name}d` over the sizes `size` (`first` in place
 * of coordinate 0, e.g. to prepend the plane; `cast` wraps each size, e.g. i32(...)).
 */
function flat(name: string, size: DimField, nd: number, first = `${name}0`, cast = (e: string): string => e): string {
  return dims(nd).slice(1).reduce((e, d) => `(${e}) * ${cast(dimParam(size, d))} + ${name}${d}`, first);
}

/** WGSL: nested loops over the window positions `q${d}` of output (o0, ...), around `body`. */
function windowLoops(nd: number, mode: WindowMode, body: string): string {
  let s = body;
  for (const d of dims(nd).reverse()) {
    const inner = s.split("\n").map((l) => "  " + l).join("\n");
    s = mode === "adaptive"
      ? `for (var q${d} = i32((o${d} * ${dimParam("inSize", d)}) / ${dimParam("outSize", d)}); q${d} < i32(((o${d} + 1u) * ${dimParam("inSize", d)} + ${dimParam("outSize", d)} - 1u) / ${dimParam("outSize", d)}); q${d}++) {
${inner}
}`
      : `for (var j${d} = 0u; j${d} < ${dimParam("kernel", d)}; j${d}++) {
  let q${d} = i32(o${d} * ${dimParam("stride", d)}) - i32(${dimParam("padding", d)}) + i32(j${d} * ${dimParam("dilation", d)});
  if (q${d} < 0 || q${d} >= i32(${dimParam("inSize", d)})) { continue; }
${inner}
}`;
  }
  return s;
}

/** WGSL: nested loops over the outputs (o0, ...) whose windows may hold input (i0, ...), around `body`. */
function coverLoops(nd: number, mode: WindowMode, body: string): string {
  let s = body;
  for (const d of dims(nd).reverse()) {
    const inner = s.split("\n").map((l) => "  " + l).join("\n");
    s = mode === "adaptive"
      ? `for (var o${d} = (i${d} * ${dimParam("outSize", d)}) / ${dimParam("inSize", d)}; o${d} < ((i${d} + 1u) * ${dimParam("outSize", d)} + ${dimParam("inSize", d)} - 1u) / ${dimParam("inSize", d)}; o${d}++) {
${inner}
}`
      : `for (var j${d} = 0u; j${d} < ${dimParam("kernel", d)}; j${d}++) {
  let t${d} = i32(i${d} + ${dimParam("padding", d)}) - i32(j${d} * ${dimParam("dilation", d)});
  if (t${d} < 0 || t${d} % i32(${dimParam("stride", d)}) != 0) { continue; }
  let o${d} = u32(t${d}) / ${dimParam("stride", d)};
  if (o${d} >= ${dimParam("outSize", d)}) { continue; }
${inner}
}`;
  }
  return s;
}

const indent = (s: string): string => s.split("\n").map((l) => "  " + l).join("\n");

/**
 * Max pooling with the flat index (within the plane, row-major over the spatial dims) of each
 * maximum, as return_indices gives. The first maximum wins; a NaN wins over numbers and the last NaN
 * over earlier ones (PyTorch's rule).
 */
function maxPoolWith(op: string, input: GpuTensor, g: Geo, mode: WindowMode): { values: GpuTensor; indices: GpuTensor } {
  const ctx = sameContext(op, input);
  const out = empty(ctx, g.outShape, input.dtype);
  const idx = empty(ctx, g.outShape, "int32");
  const total = numel(g.outShape);
  if (total === 0) return { values: out, indices: idx };
  const { x, owned } = planar(input, g.nd);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const nd = g.nd;
  const fs = floatStorage(input.dtype);
  ctx.dispatch({
    key: `maxpool|${nd}|${mode}|${wg}|${fs.S}`, params: { layout: PARAMS, values: values(g, total, {}, { xoff: x.offset, sP: planeStride(x, nd) }, x.strides) },
    buffers: [out.buffer, idx.buffer, x.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${fs.header}${F32_BITS}
${WGSL_HELPERS.isnan}
${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> out: array<${fs.S}>;
@group(0) @binding(2) var<storage, read_write> oidx: array<i32>;
@group(0) @binding(3) var<storage, read> x: array<${fs.S}>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let o = ${linearIndex(wg)};
  if (o >= P.total) { return; }
  var rem = o;
${peel("rem", "o", "outSize", nd)}
  let p = rem;
  var best = ${NEG_INF};
  var bi = -1;
${indent(windowLoops(nd, mode, `let v = ${fs.load(`x[${inputAddress(nd)}]`)};
if (bi < 0 || v > best || isnan_f(v)) { best = v; bi = ${flat("q", "inSize", nd, "q0", (e) => `i32(${e})`)}; }`))}
  out[o] = ${fs.store("best")};
  oidx[o] = bi;
}
`,
  });
  if (owned) x.buffer.release();
  return { values: out, indices: idx };
}

/** The gradient of max pooling w.r.t. its input, from the output gradient and the indices. */
function maxPoolBackwardWith(op: string, gradOutput: GpuTensor, input: GpuTensor, indices: GpuTensor, g: Geo, mode: WindowMode): GpuTensor {
  const ctx = sameContext(op, gradOutput, input, indices);
  checkDType(op, "indices", indices, ["int32"]);
  checkDType(op, "grad_output", gradOutput, ["float32", "float16"]);
  for (const [name, t] of [["grad_output", gradOutput], ["indices", indices]] as const) {
    if (t.shape.length !== g.outShape.length || t.shape.some((s, i) => s !== g.outShape[i])) {
      throw new Error(`${op}: ${name} has shape ${shapeStr(t.shape)}, expected ${shapeStr(g.outShape)}`);
    }
  }
  const gx = empty(ctx, input.shape, gradOutput.dtype);
  const total = numel(input.shape);
  if (total === 0) return gx;
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const ix = isContiguous(indices) ? indices : contiguous(indices);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const nd = g.nd;
  const fs = floatStorage(gradOutput.dtype);
  // xoff / sP carry the offsets of grad_output / indices here.
  const v = values(g, total, {}, { xoff: gO.offset, sP: ix.offset });
  ctx.dispatch({
    key: `maxpool_bwd|${nd}|${mode}|${wg}|${fs.S}`, params: { layout: PARAMS, values: v },
    buffers: [gx.buffer, gO.buffer, ix.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${fs.header}${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<${fs.S}>;
@group(0) @binding(2) var<storage, read> go: array<${fs.S}>;
@group(0) @binding(3) var<storage, read> ix: array<i32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.total) { return; }
  var rem = e;
${peel("rem", "i", "inSize", nd)}
  let p = rem;
  let me = i32(${flat("i", "inSize", nd)});
  var acc = 0.0;
${indent(coverLoops(nd, mode, `let o = ${flat("o", "outSize", nd, `(p * ${dimParam("outSize", 0)} + o0)`)};
if (ix[P.sP + o] == me) { acc += ${fs.load("go[P.xoff + o]")}; }`))}
  gx[e] = ${fs.store("acc")};
}
`,
  });
  if (gO !== gradOutput) gO.buffer.release();
  if (ix !== indices) ix.buffer.release();
  return gx;
}

/** WGSL: the address of input position (q0, ...) in plane p. */
function inputAddress(nd: number): string {
  return `P.xoff + p * P.sP${dims(nd).map((d) => ` + u32(q${d}) * ${dimParam("xStrides", d)}`).join("")}`;
}

/** WGSL: the first position (maybe in the padding) of output o_d's window along dim d. */
function windowStart(d: number): string {
  return `i32(o${d} * ${dimParam("stride", d)}) - i32(${dimParam("padding", d)})`;
}

/** WGSL: the end of a window starting at s_d, clipped to the padded and then to the real input (ATen's avg_pool). */
function clippedEnd(d: number): string {
  return `min(min(s${d} + i32(${dimParam("kernel", d)}), i32(${dimParam("inSize", d)} + ${dimParam("padding", d)})), i32(${dimParam("inSize", d)}))`;
}

/** WGSL: avg pooling's divisor of output (o0, ...), as ATen computes it (clipped or padded window, or the override). */
function avgDivisor(nd: number): string {
  const ds = dims(nd);
  const args = ds.map((d) => `o${d}: u32`).join(", ");
  const starts = ds.map((d) => `  let s${d} = ${windowStart(d)};
  let e${d} = min(s${d} + i32(${dimParam("kernel", d)}), i32(${dimParam("inSize", d)} + ${dimParam("padding", d)}));`).join("\n");
  const padded = ds.map((d) => `(e${d} - s${d})`).join(" * ");
  const clipped = ds.map((d) => `(min(e${d}, i32(${dimParam("inSize", d)})) - max(s${d}, 0))`).join(" * ");
  return `fn divisor(${args}) -> f32 {
  if (P.divisor != 0u) { return f32(P.divisor); }
${starts}
  if (P.countPad != 0u) { return f32(${padded}); }
  return f32(${clipped});
}`;
}

/** Average pooling over nd spatial dims. */
function avgPoolWith(op: string, input: GpuTensor, g: Geo, o: PoolOptions): GpuTensor {
  const ctx = sameContext(op, input);
  if (o.divisorOverride === 0) throw new Error("divisor must be not zero");
  const out = empty(ctx, g.outShape, input.dtype);
  const total = numel(g.outShape);
  if (total === 0) return out;
  const { x, owned } = planar(input, g.nd);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const nd = g.nd;
  const T = input.dtype === "int32" ? "i32" : "f32";
  const fs = floatStorage(input.dtype);
  ctx.dispatch({
    key: `avgpool|${nd}|${wg}|${T}|${fs.S}`, params: { layout: PARAMS, values: values(g, total, o, { xoff: x.offset, sP: planeStride(x, nd) }, x.strides) },
    buffers: [out.buffer, x.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => avgPoolWgsl(nd, wg, T, fs),
  });
  if (owned) x.buffer.release();
  return out;
}

/**
 * WGSL of average pooling: the sum over the clipped window [max(s, 0), min(s + k, in + pad, in)) per
 * dim, divided by the divisor (an i32 sum divides truncating toward zero, as ATen's integer pooling).
 */
function avgPoolWgsl(nd: number, wg: number, T: "f32" | "i32", fs: FloatStorage): string {
  const ds = dims(nd);
  let body = `acc += ${fs.load(`x[${inputAddress(nd)}]`)};`;
  for (const d of ds.slice().reverse()) {
    body = `for (var q${d} = max(s${d}, 0); q${d} < ${clippedEnd(d)}; q${d}++) {
${indent(body)}
}`;
  }
  const divisor = `divisor(${ds.map((d) => `o${d}`).join(", ")})`;
  return avgPoolShell(nd, wg, { out: "out", input: "x", index: "o", coords: "o", size: "outSize" }, `${ds.map((d) => `  let s${d} = ${windowStart(d)};`).join("\n")}
  var acc = ${T}(0);
${indent(body)}
  out[o] = ${T === "f32" ? fs.store(`acc / ${divisor}`) : `acc / i32(${divisor})`};`, T, fs);
}

/**
 * The shell both average-pooling kernels share: parameters, the output and input bindings, the
 * divisor, and one invocation per element of `names.out`, whose index is peeled into coordinates.
 */
function avgPoolShell(
  nd: number, wg: number, names: { out: string; input: string; index: string; coords: string; size: "inSize" | "outSize" }, body: string,
  T: "f32" | "i32", fs: FloatStorage,
): string {
  const { out, input, index, coords, size } = names;
  const S = T === "i32" ? "i32" : fs.S;
  return `${T === "i32" ? "" : fs.header}${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> ${out}: array<${S}>;
@group(0) @binding(2) var<storage, read> ${input}: array<${S}>;
${avgDivisor(nd)}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let ${index} = ${linearIndex(wg)};
  if (${index} >= P.total) { return; }
  var rem = ${index};
${peel("rem", coords, size, nd)}
  let p = rem;
${body}
}
`;
}

/** The gradient of average pooling w.r.t. its input. */
function avgPoolBackwardWith(op: string, gradOutput: GpuTensor, input: GpuTensor, g: Geo, o: PoolOptions): GpuTensor {
  const ctx = sameContext(op, gradOutput, input);
  checkDType(op, "grad_output", gradOutput, ["float32", "float16"]);
  if (gradOutput.shape.length !== g.outShape.length || gradOutput.shape.some((s, i) => s !== g.outShape[i])) {
    throw new Error(`${op}: grad_output has shape ${shapeStr(gradOutput.shape)}, expected ${shapeStr(g.outShape)}`);
  }
  const gx = empty(ctx, input.shape, gradOutput.dtype);
  const total = numel(input.shape);
  if (total === 0) return gx;
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const nd = g.nd;
  const fs = floatStorage(gradOutput.dtype);
  ctx.dispatch({
    key: `avgpool_bwd|${nd}|${wg}|${fs.S}`, params: { layout: PARAMS, values: values(g, total, o, { xoff: gO.offset }) },
    buffers: [gx.buffer, gO.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => avgPoolBackwardWgsl(nd, wg, fs),
  });
  if (gO !== gradOutput) gO.buffer.release();
  return gx;
}

/** WGSL of average pooling's backward: each input element sums its windows' gradients over their divisors. */
function avgPoolBackwardWgsl(nd: number, wg: number, fs: FloatStorage): string {
  const ds = dims(nd);
  // A window may be clipped (ceil mode): count only the windows that hold (i0, ...).
  const holds = ds.map((d) => `i32(i${d}) < max(s${d}, 0) || i32(i${d}) >= ${clippedEnd(d)}`).join(" || ");
  const body = `${ds.map((d) => `let s${d} = ${windowStart(d)};`).join("\n")}
if (${holds}) { continue; }
acc += ${fs.load(`go[P.xoff + ${flat("o", "outSize", nd, `(p * ${dimParam("outSize", 0)} + o0)`)}]`)} / divisor(${ds.map((d) => `o${d}`).join(", ")});`;
  return avgPoolShell(nd, wg, { out: "gx", input: "go", index: "e", coords: "i", size: "inSize" }, `  var acc = 0.0;
${indent(coverLoops(nd, "strided", body))}
  gx[e] = ${fs.store("acc")};`, "f32", fs);
}

// ---- entry points -------------------------------------------------------------------------------

/** max_pool{nd}d with indices: x [..., spatial] with nd spatial dims (nd + 1 or nd + 2 dims in all). */
export function maxPool(input: GpuTensor, options: PoolOptions, nd: number): { values: GpuTensor; indices: GpuTensor } {
  const op = `webgpu max_pool${nd}d`;
  return maxPoolWith(op, input, geo(op, input, options, true, nd), "strided");
}

export function maxPoolBackward(gradOutput: GpuTensor, input: GpuTensor, indices: GpuTensor, options: PoolOptions, nd: number): GpuTensor {
  const op = `webgpu max_pool${nd}d_backward`;
  return maxPoolBackwardWith(op, gradOutput, input, indices, geo(op, input, options, true, nd), "strided");
}

/** avg_pool{nd}d. */
export function avgPool(input: GpuTensor, options: PoolOptions, nd: number): GpuTensor {
  const op = `webgpu avg_pool${nd}d`;
  return avgPoolWith(op, input, geo(op, input, options, false, nd), options);
}

export function avgPoolBackward(gradOutput: GpuTensor, input: GpuTensor, options: PoolOptions, nd: number): GpuTensor {
  const op = `webgpu avg_pool${nd}d_backward`;
  return avgPoolBackwardWith(op, gradOutput, input, geo(op, input, options, false, nd), options);
}

/** adaptive_max_pool{nd}d to `outSize` (nd = outSize.length), with indices. */
export function adaptiveMaxPool(input: GpuTensor, outSize: readonly number[]): { values: GpuTensor; indices: GpuTensor } {
  const op = `webgpu adaptive_max_pool${outSize.length}d`;
  return maxPoolWith(op, input, adaptiveGeo(op, input, outSize), "adaptive");
}

export function adaptiveMaxPoolBackward(gradOutput: GpuTensor, input: GpuTensor, indices: GpuTensor, outSize: readonly number[]): GpuTensor {
  const op = `webgpu adaptive_max_pool${outSize.length}d_backward`;
  return maxPoolBackwardWith(op, gradOutput, input, indices, adaptiveGeo(op, input, outSize), "adaptive");
}

export const maxPool2d = (input: GpuTensor, options: PoolOptions): { values: GpuTensor; indices: GpuTensor } => maxPool(input, options, 2);
export const maxPool2dBackward = (gradOutput: GpuTensor, input: GpuTensor, indices: GpuTensor, options: PoolOptions): GpuTensor =>
  maxPoolBackward(gradOutput, input, indices, options, 2);
export const avgPool2d = (input: GpuTensor, options: PoolOptions): GpuTensor => avgPool(input, options, 2);
export const avgPool2dBackward = (gradOutput: GpuTensor, input: GpuTensor, options: PoolOptions): GpuTensor =>
  avgPoolBackward(gradOutput, input, options, 2);
