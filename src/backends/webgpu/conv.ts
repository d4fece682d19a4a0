// conv2d forward and backward as im2col + GEMM. The columns of a chunk of images are laid out
// [n][c*kh*kw][oh*ow], so one batched GEMM (batch dims: image, group) writes the NCHW output
// directly, the input gradient is a transposed GEMM then a gather (col2im, no atomics), and the
// weight gradient is one batch-reduce GEMM summing over the images (split over groups of images,
// then summed, where the weight is too small to keep the GPU busy).

import type { GpuContext } from "./context.js";
import { gemm } from "./matmul.js";
import { contiguous } from "./pointwise.js";
import { reduce } from "./reduce.js";
import { type GpuTensor, checkDType, empty, isContiguous, numel, restride, sameContext, shapeStr } from "./tensor.js";
import { LINEAR_BUILTINS, ParamStruct, linearIndex } from "./wgsl.js";

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Columns of at most this many bytes per chunk of images (and never above the binding limit). */
const COLS_BYTES = 256 << 20;

function pair(op: string, name: string, v: Pair | undefined, dflt: number, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new Error(`${op}: ${name} must be ${min > 0 ? "positive" : "non-negative"} integers, got ${JSON.stringify(v)}`);
  }
  return p;
}

interface Geometry {
  N: number; C: number; H: number; W: number; O: number; G: number; Cg: number; Og: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  Ho: number; Wo: number; L: number; Ckk: number; batched: boolean;
}

function geometry(op: string, xShape: readonly number[], wShape: readonly number[], o: Conv2dOptions): Geometry {
  const [sh, sw] = pair(op, "stride", o.stride, 1, 1);
  const [ph, pw] = pair(op, "padding", o.padding, 0, 0);
  const [dh, dw] = pair(op, "dilation", o.dilation, 1, 1);
  const G = o.groups ?? 1;
  if (!Number.isInteger(G) || G < 1) throw new Error(`${op}: non-positive groups is not supported`);
  if (wShape.length !== 4) {
    throw new Error(`${op}: Expected 4-dimensional weight for 4-dimensional input, but got weight of size ${shapeStr(wShape)} instead`);
  }
  if (xShape.length !== 3 && xShape.length !== 4) {
    throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${shapeStr(xShape)}`);
  }
  const batched = xShape.length === 4;
  const [N, C, H, W] = batched ? (xShape as [number, number, number, number]) : [1, ...(xShape as [number, number, number])];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  if (O % G !== 0) throw new Error(`Given groups=${G}, expected weight to be divisible by ${G} at dimension 0, but got weight of size ${shapeStr(wShape)} instead`);
  if (Cg * G !== C) {
    throw new Error(`Given groups=${G}, weight of size ${shapeStr(wShape)}, expected input${shapeStr(xShape)} to have ${Cg * G} channels, but got ${C} channels instead`);
  }
  const ekh = dh * (kh - 1) + 1, ekw = dw * (kw - 1) + 1;
  if (H + 2 * ph < ekh || W + 2 * pw < ekw) {
    throw new Error(`Calculated padded input size per channel: (${H + 2 * ph} x ${W + 2 * pw}). Kernel size: (${ekh} x ${ekw}). Kernel size can't be greater than actual input size`);
  }
  const Ho = Math.floor((H + 2 * ph - ekh) / sh) + 1, Wo = Math.floor((W + 2 * pw - ekw) / sw) + 1;
  return { N, C, H, W, O, G, Cg, Og: O / G, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, L: Ho * Wo, Ckk: Cg * kh * kw, batched };
}

/** Images per chunk so that a chunk's columns stay within the memory budget. */
function chunkImages(ctx: GpuContext, g: Geometry): number {
  const perImage = g.C * g.kh * g.kw * g.L * 4;
  const budget = Math.min(COLS_BYTES, ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  if (perImage > budget) {
    throw new Error(`webgpu conv2d: the columns of one image need ${perImage} bytes, above this device's ${budget}-byte limit`);
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

/** 4-D strides of x (an unbatched input gets a batch stride of 0). */
function strides4(x: GpuTensor): number[] {
  return x.shape.length === 4 ? x.strides.slice() : [0, ...x.strides];
}

const IM2COL_PARAMS = new ParamStruct([
  ...["total", "C", "H", "W", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "Wo", "L", "xoff", "sN", "sC", "sH", "sW", "n0"]
    .map((name) => ({ name, type: "u32" as const })),
]);

/** cols[n][c*kh*kw + i*kw + j][oh*Wo + ow] = x[n0 + n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw] (0 outside). */
function im2col(x: GpuTensor, g: Geometry, n0: number, nc: number, cols: GpuTensor): void {
  const ctx = x.ctx;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const total = nc * g.C * g.kh * g.kw * g.L;
  const [sN, sC, sH, sW] = strides4(x) as [number, number, number, number];
  ctx.dispatch({
    key: `im2col|${wg}`,
    params: {
      layout: IM2COL_PARAMS,
      values: { total, C: g.C, H: g.H, W: g.W, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw, Wo: g.Wo, L: g.L, xoff: x.offset, sN, sC, sH, sW, n0 },
    },
    buffers: [cols.buffer, x.buffer],
    workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${IM2COL_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let idx = ${linearIndex(wg)};
  if (idx >= P.total) { return; }
  let l = idx % P.L;
  let r = idx / P.L;
  let kk = P.kh * P.kw;
  let ckk = r % (P.C * kk);
  let n = r / (P.C * kk);
  let c = ckk / kk;
  let i = (ckk % kk) / P.kw;
  let j = ckk % P.kw;
  let h = i32((l / P.Wo) * P.sh + i * P.dh) - i32(P.ph);
  let w = i32((l % P.Wo) * P.sw + j * P.dw) - i32(P.pw);
  var v = 0.0;
  if (h >= 0 && h < i32(P.H) && w >= 0 && w < i32(P.W)) {
    v = x[P.xoff + (P.n0 + n) * P.sN + c * P.sC + u32(h) * P.sH + u32(w) * P.sW];
  }
  cols[idx] = v;
}
`,
  });
}

const COL2IM_PARAMS = new ParamStruct([
  ...["total", "C", "H", "W", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "Ho", "Wo", "L", "outOff"]
    .map((name) => ({ name, type: "u32" as const })),
]);

/** gx[n, c, h, w] = the sum of the columns that im2col copied from (n, c, h, w). */
function col2im(cols: GpuTensor, g: Geometry, nc: number, gx: GpuTensor, outOff: number): void {
  const ctx = cols.ctx;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const total = nc * g.C * g.H * g.W;
  ctx.dispatch({
    key: `col2im|${wg}`,
    params: {
      layout: COL2IM_PARAMS,
      values: { total, C: g.C, H: g.H, W: g.W, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw, Ho: g.Ho, Wo: g.Wo, L: g.L, outOff },
    },
    buffers: [gx.buffer, cols.buffer],
    workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${COL2IM_PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<storage, read> cols: array<f32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let idx = ${linearIndex(wg)};
  if (idx >= P.total) { return; }
  let w = idx % P.W;
  let h = (idx / P.W) % P.H;
  let c = (idx / (P.W * P.H)) % P.C;
  let n = idx / (P.W * P.H * P.C);
  let kk = P.kh * P.kw;
  var acc = 0.0;
  for (var i = 0u; i < P.kh; i++) {
    let hn = i32(h + P.ph) - i32(i * P.dh);
    if (hn < 0 || hn % i32(P.sh) != 0) { continue; }
    let oh = u32(hn) / P.sh;
    if (oh >= P.Ho) { continue; }
    for (var j = 0u; j < P.kw; j++) {
      let wn = i32(w + P.pw) - i32(j * P.dw);
      if (wn < 0 || wn % i32(P.sw) != 0) { continue; }
      let ow = u32(wn) / P.sw;
      if (ow >= P.Wo) { continue; }
      acc += cols[(n * P.C * kk + c * kk + i * P.kw + j) * P.L + oh * P.Wo + ow];
    }
  }
  gx[P.outOff + idx] = acc;
}
`,
  });
}

/**
 * F.conv2d: x [N, C, H, W] (or [C, H, W]), weight [O, C/groups, kh, kw], bias [O].
 * Inputs may be strided (x directly; the weight is made contiguous if it is not).
 */
export function conv2d(x: GpuTensor, weight: GpuTensor, bias?: GpuTensor | null, options: Conv2dOptions = {}): GpuTensor {
  const op = "webgpu conv2d";
  const ctx = sameContext(op, x, weight, bias);
  checkDType(op, "input", x, ["float32"]);
  checkDType(op, "weight", weight, ["float32"]);
  const g = geometry(op, x.shape, weight.shape, options);
  if (bias) {
    checkDType(op, "bias", bias, ["float32"]);
    if (bias.shape.length !== 1 || bias.shape[0] !== g.O) {
      throw new Error(`Given weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${g.O} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
    }
  }
  const out = empty(ctx, g.batched ? [g.N, g.O, g.Ho, g.Wo] : [g.O, g.Ho, g.Wo], "float32");
  if (numel(out.shape) === 0) return out;
  const w = isContiguous(weight) ? weight : contiguous(weight);
  const pointwise1x1 = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && isContiguous(x);
  const chunk = pointwise1x1 ? g.N : chunkImages(ctx, g);
  const cols = pointwise1x1 ? null : empty(ctx, [chunk, g.C * g.kh * g.kw, g.L], "float32");
  for (let n0 = 0; n0 < g.N; n0 += chunk) {
    const nc = Math.min(chunk, g.N - n0);
    let B;
    if (cols) {
      im2col(x, g, n0, nc, cols);
      B = { buffer: cols.buffer, offset: 0, rowStride: g.L, colStride: 1, batchStrides: [g.C * g.kh * g.kw * g.L, g.Ckk * g.L] as [number, number] };
    } else {
      // A 1x1 convolution reads the input as is: B(c, hw) = x[n, g*Cg + c, hw].
      B = { buffer: x.buffer, offset: x.offset + n0 * g.C * g.L, rowStride: g.L, colStride: 1, batchStrides: [g.C * g.L, g.Cg * g.L] as [number, number] };
    }
    gemm(ctx, {
      M: g.Og, N: g.L, K: g.Ckk,
      a: { buffer: w.buffer, offset: w.offset, rowStride: g.Ckk, colStride: 1, batchStrides: [0, g.Og * g.Ckk] },
      b: B,
      c: { buffer: out.buffer, offset: n0 * g.O * g.L, rowStride: g.L, batchStrides: [g.O * g.L, g.Og * g.L] },
      batch: [nc, g.G],
      bias: bias ? { buffer: bias.buffer, offset: bias.offset, rowStride: bias.strides[0]!, colStride: 0, batchStrides: [0, g.Og * bias.strides[0]!] } : undefined,
    });
  }
  cols?.buffer.release();
  if (w !== weight) w.buffer.release();
  return out;
}

export interface Conv2dGrads {
  gradInput?: GpuTensor;
  gradWeight?: GpuTensor;
  gradBias?: GpuTensor;
}

/**
 * The gradients of conv2d w.r.t. the input, weight and bias (those asked for in `needs`), from
 * the output's gradient.
 */
export function conv2dBackward(
  gradOutput: GpuTensor, x: GpuTensor, weight: GpuTensor, options: Conv2dOptions = {},
  needs: { input?: boolean; weight?: boolean; bias?: boolean } = { input: true, weight: true, bias: true },
): Conv2dGrads {
  const op = "webgpu conv2d_backward";
  const ctx = sameContext(op, gradOutput, x, weight);
  checkDType(op, "grad_output", gradOutput, ["float32"]);
  checkDType(op, "input", x, ["float32"]);
  checkDType(op, "weight", weight, ["float32"]);
  const g = geometry(op, x.shape, weight.shape, options);
  const expected = g.batched ? [g.N, g.O, g.Ho, g.Wo] : [g.O, g.Ho, g.Wo];
  if (gradOutput.shape.length !== expected.length || gradOutput.shape.some((s, i) => s !== expected[i])) {
    throw new Error(`${op}: grad_output has shape ${shapeStr(gradOutput.shape)}, expected ${shapeStr(expected)}`);
  }
  const grads: Conv2dGrads = {};
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const w = isContiguous(weight) ? weight : contiguous(weight);
  if (needs.bias) {
    grads.gradBias = reduce("sum", gO, g.batched ? [0, 2, 3] : [1, 2]);
  }
  const chunk = chunkImages(ctx, g);
  const colsShape = [chunk, g.C * g.kh * g.kw, g.L];
  const gOoff = gO.offset;
  if (needs.input) {
    const gx = empty(ctx, x.shape, "float32");
    if (numel(x.shape) > 0) {
      const gcols = empty(ctx, colsShape, "float32");
      for (let n0 = 0; n0 < g.N; n0 += chunk) {
        const nc = Math.min(chunk, g.N - n0);
        gemm(ctx, {
          M: g.Ckk, N: g.L, K: g.Og,
          a: { buffer: w.buffer, offset: w.offset, rowStride: 1, colStride: g.Ckk, batchStrides: [0, g.Og * g.Ckk] },
          b: { buffer: gO.buffer, offset: gOoff + n0 * g.O * g.L, rowStride: g.L, colStride: 1, batchStrides: [g.O * g.L, g.Og * g.L] },
          c: { buffer: gcols.buffer, offset: 0, rowStride: g.L, batchStrides: [g.C * g.kh * g.kw * g.L, g.Ckk * g.L] },
          batch: [nc, g.G],
        });
        col2im(gcols, g, nc, gx, n0 * g.C * g.H * g.W);
      }
      gcols.buffer.release();
    }
    grads.gradInput = gx;
  }
  if (needs.weight) {
    const cols = empty(ctx, colsShape, "float32");
    const splits = chunk >= g.N ? weightGradSplits(g) : 1;
    if (splits > 1) {
      // Few output tiles over a long reduction (nc x L): `splits` GEMMs side by side, each over
      // its share of the images, then a sum over the splits.
      im2col(x, g, 0, g.N, cols);
      const per = g.N / splits, wNumel = numel(weight.shape);
      const partial = empty(ctx, [splits, ...weight.shape], "float32");
      gemm(ctx, {
        M: g.Og, N: g.Ckk, K: g.L,
        a: { buffer: gO.buffer, offset: gOoff, rowStride: g.L, colStride: 1, batchStrides: [per * g.O * g.L, g.Og * g.L], reduceStride: g.O * g.L },
        b: { buffer: cols.buffer, offset: 0, rowStride: 1, colStride: g.L, batchStrides: [per * g.C * g.kh * g.kw * g.L, g.Ckk * g.L], reduceStride: g.C * g.kh * g.kw * g.L },
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
          a: { buffer: gO.buffer, offset: gOoff + n0 * g.O * g.L, rowStride: g.L, colStride: 1, batchStrides: [0, g.Og * g.L], reduceStride: g.O * g.L },
          b: { buffer: cols.buffer, offset: 0, rowStride: 1, colStride: g.L, batchStrides: [0, g.Ckk * g.L], reduceStride: g.C * g.kh * g.kw * g.L },
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

/** A view of `t` as 4-D (unbatched 3-D inputs get a leading dim of 1). */
export function as4d(t: GpuTensor): GpuTensor {
  return t.shape.length === 4 ? t : restride(t, [1, ...t.shape], [0, ...t.strides]);
}
