// Convolutions over 1, 2 or 3 spatial dims, forward and backward, as im2col + GEMM: one kernel
// family whose WGSL is generated for the number of spatial dims (no 1-d/2-d/3-d copies). The
// columns of a chunk of images are laid out [n][c*K][L] (K: the kernel's volume, L: the output's),
// so one batched GEMM (batch dims: image, group) writes the NC... output directly, the input
// gradient is a transposed GEMM then a gather (col2im, no atomics), and the weight gradient is one
// batch-reduce GEMM summing over the images (split over groups of images, then summed, where the
// weight is too small to keep the GPU busy). float16 operands stored as f16 are read as they are
// (im2col copies them into f16 columns, the GEMM loads f16): the forward result is f16, rounded
// once; the gradients are float32 (the input gradient's col2im sums in f32) for the caller to round.

import type { GpuContext } from "./context.js";
import { gemm } from "./matmul.js";
import { contiguous } from "./pointwise.js";
import { reduce } from "./reduce.js";
import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { LINEAR_BUILTINS, ParamStruct, elemHeader, linearIndex, paramAt } from "./wgsl.js";

/** One value for every spatial dim, or one per dim (outermost first). */
export type Spatial = number | readonly number[];

export interface ConvOptions {
  stride?: Spatial;
  padding?: Spatial;
  dilation?: Spatial;
  groups?: number;
}
/** The options of conv2d (any ConvOptions; kept as the 2-d name). */
export type Conv2dOptions = ConvOptions;

/** Columns of at most this many bytes per chunk of images (and never above the binding limit). */
const COLS_BYTES = 256 << 20;

function perDim(op: string, name: string, v: Spatial | undefined, nd: number, dflt: number, min: number): number[] {
  const p = v === undefined ? new Array<number>(nd).fill(dflt) : typeof v === "number" ? new Array<number>(nd).fill(v) : v.slice();
  if (p.length !== nd || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new Error(`${op}: ${name} must be ${nd} ${min > 0 ? "positive" : "non-negative"} integers, got ${JSON.stringify(v)}`);
  }
  return p;
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

interface Geometry {
  /** Spatial dims (1, 2 or 3). */
  nd: number;
  N: number; C: number; O: number; G: number; Cg: number; Og: number;
  inSize: number[]; kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; outSize: number[];
  /** Output volume per channel, kernel volume, and the GEMM depth Cg * K. */
  L: number; K: number; Ckk: number;
  batched: boolean;
}

/** The geometry of a convolution with an (nd+2)-d weight; nd is the weight's spatial rank. */
function geometry(op: string, xShape: readonly number[], wShape: readonly number[], o: ConvOptions): Geometry {
  const nd = wShape.length - 2;
  if (nd < 1 || nd > 3) throw new Error(`${op}: expected a 3-, 4- or 5-dimensional weight, but got weight of size ${shapeStr(wShape)}`);
  if (xShape.length !== nd + 1 && xShape.length !== nd + 2) {
    throw new Error(`Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to conv${nd}d, but got input of size: ${shapeStr(xShape)}`);
  }
  const stride = perDim(op, "stride", o.stride, nd, 1, 1);
  const padding = perDim(op, "padding", o.padding, nd, 0, 0);
  const dilation = perDim(op, "dilation", o.dilation, nd, 1, 1);
  const G = o.groups ?? 1;
  if (!Number.isInteger(G) || G < 1) throw new Error(`${op}: non-positive groups is not supported`);
  const batched = xShape.length === nd + 2;
  const full = batched ? xShape : [1, ...xShape];
  const N = full[0]!, C = full[1]!, inSize = full.slice(2);
  const O = wShape[0]!, Cg = wShape[1]!, kernel = wShape.slice(2);
  if (O % G !== 0) throw new Error(`Given groups=${G}, expected weight to be divisible by ${G} at dimension 0, but got weight of size ${shapeStr(wShape)} instead`);
  if (Cg * G !== C) {
    throw new Error(`Given groups=${G}, weight of size ${shapeStr(wShape)}, expected input${shapeStr(xShape)} to have ${Cg * G} channels, but got ${C} channels instead`);
  }
  const padded = inSize.map((s, d) => s + 2 * padding[d]!);
  const effective = kernel.map((k, d) => dilation[d]! * (k - 1) + 1);
  if (padded.some((s, d) => s < effective[d]!)) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${effective.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const outSize = padded.map((s, d) => Math.floor((s - effective[d]!) / stride[d]!) + 1);
  const K = prod(kernel);
  return { nd, N, C, O, G, Cg, Og: O / G, inSize, kernel, stride, padding, dilation, outSize, L: prod(outSize), K, Ckk: Cg * K, batched };
}

function outputShape(g: Geometry): number[] {
  return g.batched ? [g.N, g.O, ...g.outSize] : [g.O, ...g.outSize];
}

/** Images per chunk so that a chunk's columns stay within the memory budget. */
function chunkImages(ctx: GpuContext, g: Geometry): number {
  const perImage = g.C * g.K * g.L * 4;
  const budget = Math.min(COLS_BYTES, ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  if (perImage > budget) {
    throw new Error(`webgpu conv${g.nd}d: the columns of one image need ${perImage} bytes, above this device's ${budget}-byte limit`);
  }
  return Math.max(1, Math.min(g.N, Math.floor(budget / perImage)));
}

/**
 * Into how many parts the weight gradient's reduction over the images is split: a divisor of N
 * that gives the GPU about 256 output tiles (64 x 64) in all, 1 where the output alone has enough.
 */
function weightGradSplits(g: Geometry): number {
  const tiles = Math.ceil(g.Og / 64) * Math.ceil(g.Ckk / 64) * g.G;
  if (g.N < 2 || tiles >= 128) return 1;
  let s = Math.min(g.N, Math.ceil(256 / tiles));
  while (g.N % s !== 0) s--;
  return s;
}

/** Strides of x as [N, C, spatial...] (an unbatched input gets a batch stride of 0). */
function batchedStrides(x: GpuTensor, g: Geometry): number[] {
  return g.batched ? x.strides.slice() : [0, ...x.strides];
}

/** The per-dim parameters of im2col and col2im: u32 arrays indexed by spatial dim (outermost first). */
const DIM_FIELDS = ["inSize", "kernel", "stride", "padding", "dilation", "outSize", "xStrides"] as const;
type DimField = (typeof DIM_FIELDS)[number];

/** One parameter layout for every rank: the per-dim values are arrays, so a record is built without generated keys. */
const COL_PARAMS = new ParamStruct([
  ...["total", "C", "K", "L", "xoff", "sN", "sC", "n0", "outOff"].map((name) => ({ name, type: "u32" as const })),
  ...DIM_FIELDS.map((name) => ({ name, type: "u32[]" as const, length: 3 })),
]);

/** WGSL reading the value of spatial dim d of a per-dim parameter. */
function dimParam(field: DimField, d: number): string {
  return paramAt(field, d);
}

function colValues(g: Geometry, v: { total: number; xoff?: number; sN?: number; sC?: number; n0?: number; outOff?: number }, xStrides: readonly number[] = []) {
  return {
    total: v.total, C: g.C, K: g.K, L: g.L, xoff: v.xoff ?? 0, sN: v.sN ?? 0, sC: v.sC ?? 0, n0: v.n0 ?? 0, outOff: v.outOff ?? 0,
    inSize: g.inSize, kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation, outSize: g.outSize, xStrides,
  };
}

const dims = (nd: number): number[] => Array.from({ length: nd }, (_, d) => d);

/** The element type of columns: convolutions run in f32; unfold/fold also move i32 values. */
type ColScalar = "f32" | "i32";

/** The element type im2col copies: f16 columns of f16 inputs too (a copy of the bits). */
type Im2colElem = ColScalar | "f16";

/** WGSL of im2col for nd spatial dims: the kernel offset and output position peeled innermost first. */
function im2colWgsl(nd: number, wg: number, T: Im2colElem): string {
  const peel = dims(nd).reverse().map((d) => `  let j${d} = kr % ${dimParam("kernel", d)};
  kr = kr / ${dimParam("kernel", d)};
  let o${d} = lr % ${dimParam("outSize", d)};
  lr = lr / ${dimParam("outSize", d)};
  let q${d} = i32(o${d} * ${dimParam("stride", d)} + j${d} * ${dimParam("dilation", d)}) - i32(${dimParam("padding", d)});`).join("\n");
  const inside = dims(nd).map((d) => `q${d} >= 0 && q${d} < i32(${dimParam("inSize", d)})`).join(" && ");
  const src = dims(nd).map((d) => ` + u32(q${d}) * ${dimParam("xStrides", d)}`).join("");
  return `${elemHeader([T])}${COL_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> cols: array<${T}>;
@group(0) @binding(2) var<storage, read> x: array<${T}>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let idx = ${linearIndex(wg)};
  if (idx >= P.total) { return; }
  let l = idx % P.L;
  let r = idx / P.L;
  let ckk = r % (P.C * P.K);
  let n = r / (P.C * P.K);
  let c = ckk / P.K;
  var kr = ckk % P.K;
  var lr = l;
${peel}
  var v = ${T}(0);
  if (${inside}) {
    v = x[P.xoff + (P.n0 + n) * P.sN + c * P.sC${src}];
  }
  cols[idx] = v;
}
`;
}

function colScalar(t: GpuTensor): ColScalar {
  return t.dtype === "float32" ? "f32" : "i32";
}

/** cols[n][c*K + kernel offset][output position] = x[n0 + n, c, input position] (0 in the padding). */
function im2col(x: GpuTensor, g: Geometry, n0: number, nc: number, cols: GpuTensor): void {
  const ctx = x.ctx;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const total = nc * g.C * g.K * g.L;
  const st = batchedStrides(x, g);
  const T: Im2colElem = x.dtype === "float16" ? "f16" : colScalar(x);
  if (cols.dtype !== x.dtype) throw new Error(`webgpu im2col: internal error: ${x.dtype} input, ${cols.dtype} columns`);
  ctx.dispatch({
    key: `im2col|${g.nd}|${wg}|${T}`,
    params: { layout: COL_PARAMS, values: colValues(g, { total, xoff: x.offset, sN: st[0]!, sC: st[1]!, n0 }, st.slice(2)) },
    buffers: [cols.buffer, x.buffer],
    workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => im2colWgsl(g.nd, wg, T),
  });
}

/** WGSL of col2im for nd spatial dims: nested loops over the kernel offsets, outermost dim first. */
function col2imWgsl(nd: number, wg: number, T: ColScalar): string {
  const peel = dims(nd).reverse().map((d) => `  let i${d} = rem % ${dimParam("inSize", d)};
  rem = rem / ${dimParam("inSize", d)};`).join("\n");
  // Row-major flat offsets: ((j0) * k1 + j1) * k2 + j2 and likewise for the output position.
  const kidx = dims(nd).slice(1).reduce((e, d) => `(${e}) * ${dimParam("kernel", d)} + j${d}`, "j0");
  const lidx = dims(nd).slice(1).reduce((e, d) => `(${e}) * ${dimParam("outSize", d)} + o${d}`, "o0");
  let body = `acc += cols[(n * P.C * P.K + c * P.K + ${kidx}) * P.L + ${lidx}];`;
  for (const d of dims(nd).reverse()) {
    body = `for (var j${d} = 0u; j${d} < ${dimParam("kernel", d)}; j${d}++) {
  let t${d} = i32(i${d} + ${dimParam("padding", d)}) - i32(j${d} * ${dimParam("dilation", d)});
  if (t${d} < 0 || t${d} % i32(${dimParam("stride", d)}) != 0) { continue; }
  let o${d} = u32(t${d}) / ${dimParam("stride", d)};
  if (o${d} >= ${dimParam("outSize", d)}) { continue; }
${body.split("\n").map((s) => "  " + s).join("\n")}
}`;
  }
  return `${COL_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<${T}>;
@group(0) @binding(2) var<storage, read> cols: array<${T}>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let idx = ${linearIndex(wg)};
  if (idx >= P.total) { return; }
  var rem = idx;
${peel}
  let c = rem % P.C;
  let n = rem / P.C;
  var acc = ${T}(0);
${body.split("\n").map((s) => "  " + s).join("\n")}
  gx[P.outOff + idx] = acc;
}
`;
}

/** gx[n, c, position] = the sum of the columns that im2col copied from (n, c, position). */
function col2im(cols: GpuTensor, g: Geometry, nc: number, gx: GpuTensor, outOff: number): void {
  const ctx = cols.ctx;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const total = nc * g.C * prod(g.inSize);
  const T = colScalar(cols);
  ctx.dispatch({
    key: `col2im|${g.nd}|${wg}|${T}`,
    params: { layout: COL_PARAMS, values: colValues(g, { total, outOff }) },
    buffers: [gx.buffer, cols.buffer],
    workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => col2imWgsl(g.nd, wg, T),
  });
}

/**
 * A convolution over 1, 2 or 3 spatial dims (the weight's rank says which): x [N, C, ...spatial]
 * (or unbatched [C, ...spatial]), weight [O, C/groups, ...kernel], bias [O]. Inputs may be strided
 * (x directly; the weight is made contiguous if it is not).
 */
export function conv(x: GpuTensor, weight: GpuTensor, bias?: GpuTensor | null, options: ConvOptions = {}): GpuTensor {
  const op = `webgpu conv${weight.shape.length - 2}d`;
  const ctx = sameContext(op, x, weight, bias);
  checkDType(op, "input", x, ["float32", "float16"]);
  checkDType(op, "weight", weight, [x.dtype]);
  const g = geometry(op, x.shape, weight.shape, options);
  if (bias) {
    checkDType(op, "bias", bias, ["float32", "float16"]);
    if (bias.shape.length !== 1 || bias.shape[0] !== g.O) {
      throw new Error(`Given weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${g.O} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
    }
  }
  const out = empty(ctx, outputShape(g), x.dtype);
  if (numel(out.shape) === 0) return out;
  const f16 = x.dtype === "float16";
  const w = isContiguous(weight) ? weight : contiguous(weight);
  const pointwise1x1 = g.K === 1 && g.stride.every((s) => s === 1) && g.padding.every((p) => p === 0) && isContiguous(x);
  const chunk = pointwise1x1 ? g.N : chunkImages(ctx, g);
  const cols = pointwise1x1 ? null : empty(ctx, [chunk, g.C * g.K, g.L], x.dtype);
  for (let n0 = 0; n0 < g.N; n0 += chunk) {
    const nc = Math.min(chunk, g.N - n0);
    let B;
    if (cols) {
      im2col(x, g, n0, nc, cols);
      B = { buffer: cols.buffer, offset: 0, rowStride: g.L, colStride: 1, batchStrides: [g.C * g.K * g.L, g.Ckk * g.L] as [number, number], f16 };
    } else {
      // A 1x1 convolution reads the input as is: B(c, l) = x[n, g*Cg + c, l].
      B = { buffer: x.buffer, offset: x.offset + n0 * g.C * g.L, rowStride: g.L, colStride: 1, batchStrides: [g.C * g.L, g.Cg * g.L] as [number, number], f16 };
    }
    gemm(ctx, {
      M: g.Og, N: g.L, K: g.Ckk,
      a: { buffer: w.buffer, offset: w.offset, rowStride: g.Ckk, colStride: 1, batchStrides: [0, g.Og * g.Ckk], f16 },
      b: B,
      c: { buffer: out.buffer, offset: n0 * g.O * g.L, rowStride: g.L, batchStrides: [g.O * g.L, g.Og * g.L], f16 },
      batch: [nc, g.G],
      bias: bias ? { buffer: bias.buffer, offset: bias.offset, rowStride: bias.strides[0]!, colStride: 0, batchStrides: [0, g.Og * bias.strides[0]!], f16: bias.dtype === "float16" } : undefined,
    });
  }
  cols?.buffer.release();
  if (w !== weight) w.buffer.release();
  return out;
}

/** The sliding blocks of F.unfold / F.fold: the kernel's size per spatial dim, and the window options (no groups). */
export interface UnfoldOptions {
  kernelSize: readonly number[];
  stride?: Spatial;
  padding?: Spatial;
  dilation?: Spatial;
}

/**
 * F.unfold: x [N, C, ...spatial] (or unbatched [C, ...spatial]), float32 or int32, any strides →
 * its columns [N, C*K, L] (or [C*K, L]), K the kernel's volume and L the number of blocks: the
 * convolution's im2col over every image at once.
 */
export function unfold(x: GpuTensor, options: UnfoldOptions): GpuTensor {
  const op = "webgpu unfold";
  checkDType(op, "input", x, ["float32", "int32", "float16"]);
  const nd = options.kernelSize.length;
  const batched = x.shape.length === nd + 2;
  const C = x.shape[batched ? 1 : 0] ?? 0;
  const g = geometry(op, x.shape, [1, C, ...options.kernelSize], options);
  const cols = empty(x.ctx, batched ? [g.N, g.C * g.K, g.L] : [g.C * g.K, g.L], x.dtype);
  if (numel(cols.shape) > 0) im2col(x, g, 0, g.N, cols);
  return cols;
}

/**
 * F.fold, unfold's adjoint: columns [N, C*K, L] (or [C*K, L]) → [N, C, ...outputSize] (or
 * unbatched), each position the sum of the column entries im2col would copy from it (col2im; int32
 * sums wrap). float32 or int32, any strides.
 */
export function fold(cols: GpuTensor, outputSize: readonly number[], options: UnfoldOptions): GpuTensor {
  const op = "webgpu fold";
  checkDType(op, "input", cols, ["float32", "int32"]);
  const batched = cols.shape.length === 3;
  if (!batched && cols.shape.length !== 2) throw new Error(`${op}: expected 2-D or 3-D columns, got ${shapeStr(cols.shape)}`);
  const K = prod(options.kernelSize);
  const rows = cols.shape[batched ? 1 : 0]!, L = cols.shape[batched ? 2 : 1]!;
  if (rows % K !== 0) throw new Error(`${op}: ${rows} rows are not a multiple of the kernel's volume ${K}`);
  const C = rows / K, N = batched ? cols.shape[0]! : 1;
  const outShape = batched ? [N, C, ...outputSize] : [C, ...outputSize];
  const g = geometry(op, outShape, [1, C, ...options.kernelSize], options);
  if (g.L !== L) throw new Error(`${op}: ${L} blocks given, but the output size and window give ${g.L}`);
  const out = empty(cols.ctx, outShape, cols.dtype);
  if (numel(out.shape) === 0) return out;
  // col2im reads the columns packed from element 0.
  const packed = isContiguous(cols) && cols.offset === 0 ? cols : contiguous(cols);
  col2im(packed, g, N, out, 0);
  if (packed !== cols) packed.buffer.release();
  return out;
}

export interface ConvGrads {
  gradInput?: GpuTensor;
  gradWeight?: GpuTensor;
  gradBias?: GpuTensor;
}
export type Conv2dGrads = ConvGrads;

/**
 * The gradients of conv w.r.t. the input, weight and bias (those asked for in `needs`), from the
 * output's gradient: float32 tensors, also for float16 operands (read as f16; the caller rounds).
 */
export function convBackward(
  gradOutput: GpuTensor, x: GpuTensor, weight: GpuTensor, options: ConvOptions = {},
  needs: { input?: boolean; weight?: boolean; bias?: boolean } = { input: true, weight: true, bias: true },
): ConvGrads {
  const op = `webgpu conv${weight.shape.length - 2}d_backward`;
  const ctx = sameContext(op, gradOutput, x, weight);
  checkDType(op, "grad_output", gradOutput, ["float32", "float16"]);
  checkDType(op, "input", x, [gradOutput.dtype]);
  checkDType(op, "weight", weight, [gradOutput.dtype]);
  const f16 = gradOutput.dtype === "float16";
  const g = geometry(op, x.shape, weight.shape, options);
  const expected = outputShape(g);
  if (gradOutput.shape.length !== expected.length || gradOutput.shape.some((s, i) => s !== expected[i])) {
    throw new Error(`${op}: grad_output has shape ${shapeStr(gradOutput.shape)}, expected ${shapeStr(expected)}`);
  }
  const grads: ConvGrads = {};
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const w = isContiguous(weight) ? weight : contiguous(weight);
  if (needs.bias) {
    const spatialDims = dims(g.nd).map((d) => d + (g.batched ? 2 : 1));
    grads.gradBias = reduce("sum", gO, g.batched ? [0, ...spatialDims] : spatialDims);
  }
  const chunk = chunkImages(ctx, g);
  const colsShape = [chunk, g.C * g.K, g.L];
  const gOoff = gO.offset;
  if (needs.input) {
    const gx = empty(ctx, x.shape, "float32");
    if (numel(x.shape) > 0) {
      const gcols = empty(ctx, colsShape, "float32");
      for (let n0 = 0; n0 < g.N; n0 += chunk) {
        const nc = Math.min(chunk, g.N - n0);
        gemm(ctx, {
          M: g.Ckk, N: g.L, K: g.Og,
          a: { buffer: w.buffer, offset: w.offset, rowStride: 1, colStride: g.Ckk, batchStrides: [0, g.Og * g.Ckk], f16 },
          b: { buffer: gO.buffer, offset: gOoff + n0 * g.O * g.L, rowStride: g.L, colStride: 1, batchStrides: [g.O * g.L, g.Og * g.L], f16 },
          c: { buffer: gcols.buffer, offset: 0, rowStride: g.L, batchStrides: [g.C * g.K * g.L, g.Ckk * g.L] },
          batch: [nc, g.G],
        });
        col2im(gcols, g, nc, gx, n0 * g.C * prod(g.inSize));
      }
      gcols.buffer.release();
    }
    grads.gradInput = gx;
  }
  if (needs.weight) {
    const cols = empty(ctx, colsShape, x.dtype);
    const splits = chunk >= g.N ? weightGradSplits(g) : 1;
    if (splits > 1) {
      // Few output tiles over a long reduction (nc x L): `splits` GEMMs side by side, each over
      // its share of the images, then a sum over the splits.
      im2col(x, g, 0, g.N, cols);
      const per = g.N / splits, wNumel = numel(weight.shape);
      const partial = empty(ctx, [splits, ...weight.shape], "float32");
      gemm(ctx, {
        M: g.Og, N: g.Ckk, K: g.L,
        a: { buffer: gO.buffer, offset: gOoff, rowStride: g.L, colStride: 1, batchStrides: [per * g.O * g.L, g.Og * g.L], reduceStride: g.O * g.L, f16 },
        b: { buffer: cols.buffer, offset: 0, rowStride: 1, colStride: g.L, batchStrides: [per * g.C * g.K * g.L, g.Ckk * g.L], reduceStride: g.C * g.K * g.L, f16 },
        c: { buffer: partial.buffer, offset: 0, rowStride: g.Ckk, batchStrides: [wNumel, g.Og * g.Ckk] },
        batch: [splits, g.G], reduceBatch: per,
      });
      grads.gradWeight = reduce("sum", partial, [0]);
      partial.buffer.release();
    } else {
      const gw = empty(ctx, weight.shape, "float32");
      for (let n0 = 0; n0 < g.N; n0 += chunk) {
        const nc = Math.min(chunk, g.N - n0);
        im2col(x, g, n0, nc, cols);
        gemm(ctx, {
          M: g.Og, N: g.Ckk, K: g.L,
          a: { buffer: gO.buffer, offset: gOoff + n0 * g.O * g.L, rowStride: g.L, colStride: 1, batchStrides: [0, g.Og * g.L], reduceStride: g.O * g.L, f16 },
          b: { buffer: cols.buffer, offset: 0, rowStride: 1, colStride: g.L, batchStrides: [0, g.Ckk * g.L], reduceStride: g.C * g.K * g.L, f16 },
          c: { buffer: gw.buffer, offset: 0, rowStride: g.Ckk, batchStrides: [0, g.Og * g.Ckk] },
          batch: [1, g.G], reduceBatch: nc, accumulate: n0 > 0,
        });
      }
      grads.gradWeight = gw;
    }
    cols.buffer.release();
  }
  if (gO !== gradOutput) gO.buffer.release();
  if (w !== weight) w.buffer.release();
  return grads;
}

function require4dWeight(op: string, weight: GpuTensor): void {
  if (weight.shape.length !== 4) {
    throw new Error(`${op}: Expected 4-dimensional weight for 4-dimensional input, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
}

/** F.conv2d: conv with a 4-d weight [O, C/groups, kh, kw]. */
export function conv2d(x: GpuTensor, weight: GpuTensor, bias?: GpuTensor | null, options: ConvOptions = {}): GpuTensor {
  require4dWeight("webgpu conv2d", weight);
  return conv(x, weight, bias, options);
}

/** convBackward with a 4-d weight. */
export function conv2dBackward(
  gradOutput: GpuTensor, x: GpuTensor, weight: GpuTensor, options: ConvOptions = {},
  needs: { input?: boolean; weight?: boolean; bias?: boolean } = { input: true, weight: true, bias: true },
): ConvGrads {
  require4dWeight("webgpu conv2d_backward", weight);
  return convBackward(gradOutput, x, weight, options, needs);
}
