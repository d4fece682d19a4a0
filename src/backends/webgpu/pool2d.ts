// max_pool2d / avg_pool2d forward and backward on [N, C, H, W] or [C, H, W] float32 inputs, with
// PyTorch's output sizes, padding, dilation (max), ceil_mode, count_include_pad and
// divisor_override. The backward passes gather (each input pixel sums the windows that hold it),
// so they need no atomics and give the same sums every run.

import { pool2dShapeCheck, poolOutputShape } from "../js/pool-shape.js";
import { contiguous } from "./pointwise.js";
import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { F32_BITS, LINEAR_BUILTINS, NEG_INF, ParamStruct, WGSL_HELPERS, linearIndex } from "./wgsl.js";

type Pair = number | readonly [number, number];

export interface Pool2dOptions {
  kernelSize: Pair;
  /** Default: kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  /** max_pool2d only. */
  dilation?: Pair;
  ceilMode?: boolean;
  /** avg_pool2d only (default true). */
  countIncludePad?: boolean;
  /** avg_pool2d only. */
  divisorOverride?: number | null;
}

interface Geo {
  planes: number; H: number; W: number; Ho: number; Wo: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  outShape: number[];
}

function pair(v: Pair): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

function geo(op: string, x: GpuTensor, o: Pool2dOptions, isMax: boolean): Geo {
  checkDType(op, "input", x, ["float32"]);
  const [kh, kw] = pair(o.kernelSize);
  const [sh, sw] = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? [kh, kw] : pair(o.stride);
  const [ph, pw] = pair(o.padding ?? 0);
  const [dh, dw] = isMax ? pair(o.dilation ?? 1) : [1, 1];
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new Error(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${shapeStr(x.shape)}`);
  }
  const window = { kernelSize: [kh, kw], stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], ceilMode: !!o.ceilMode };
  const outShape = poolOutputShape(x.shape, window);
  const Ho = outShape[outShape.length - 2]!, Wo = outShape[outShape.length - 1]!;
  pool2dShapeCheck(x.shape, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo);
  const H = x.shape[x.shape.length - 2]!, W = x.shape[x.shape.length - 1]!;
  const planes = numel(x.shape.slice(0, -2));
  return { planes, H, W, Ho, Wo, kh, kw, sh, sw, ph, pw, dh, dw, outShape };
}

const PARAMS = new ParamStruct([
  ...["total", "H", "W", "Ho", "Wo", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "xoff", "sP", "sH", "sW", "countPad", "divisor"]
    .map((name) => ({ name, type: "u32" as const })),
]);

/** Plane stride of x viewed as [planes, H, W]: the dims before H, W must merge into one. */
function planeStride(x: GpuTensor): { x: GpuTensor; owned: boolean } {
  const lead = x.shape.length - 2;
  for (let d = 0; d < lead - 1; d++) {
    if (x.shape[d]! > 1 && x.shape[d + 1]! > 1 && x.strides[d] !== x.strides[d + 1]! * x.shape[d + 1]!) {
      return { x: contiguous(x), owned: true };
    }
  }
  return { x, owned: false };
}

function values(g: Geo, x: GpuTensor, total: number, o: Pool2dOptions): Record<string, number> {
  const nd = x.shape.length;
  let sP = x.strides[nd - 3]!;
  if (nd === 4 && x.shape[1] === 1) sP = x.strides[0]!;
  return {
    total, H: g.H, W: g.W, Ho: g.Ho, Wo: g.Wo, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw,
    xoff: x.offset, sP, sH: x.strides[nd - 2]!, sW: x.strides[nd - 1]!,
    countPad: o.countIncludePad === false ? 0 : 1, divisor: o.divisorOverride ?? 0,
  };
}

/** max_pool2d with the flat (h * W + w) index of each maximum, as return_indices gives. */
export function maxPool2d(input: GpuTensor, options: Pool2dOptions): { values: GpuTensor; indices: GpuTensor } {
  const op = "webgpu max_pool2d";
  const ctx = sameContext(op, input);
  const g = geo(op, input, options, true);
  const out = empty(ctx, g.outShape, "float32");
  const idx = empty(ctx, g.outShape, "int32");
  const total = numel(g.outShape);
  if (total === 0) return { values: out, indices: idx };
  const { x, owned } = planeStride(input);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  ctx.dispatch({
    key: `maxpool2d|${wg}`, params: { layout: PARAMS, values: values(g, x, total, options) },
    buffers: [out.buffer, idx.buffer, x.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${F32_BITS}
${WGSL_HELPERS.isnan}
${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> oidx: array<i32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let o = ${linearIndex(wg)};
  if (o >= P.total) { return; }
  let ow = o % P.Wo;
  let oh = (o / P.Wo) % P.Ho;
  let p = o / (P.Wo * P.Ho);
  let h0 = i32(oh * P.sh) - i32(P.ph);
  let w0 = i32(ow * P.sw) - i32(P.pw);
  var best = ${NEG_INF};
  var bi = -1;
  for (var i = 0u; i < P.kh; i++) {
    let h = h0 + i32(i * P.dh);
    if (h < 0 || h >= i32(P.H)) { continue; }
    for (var j = 0u; j < P.kw; j++) {
      let w = w0 + i32(j * P.dw);
      if (w < 0 || w >= i32(P.W)) { continue; }
      let v = x[P.xoff + p * P.sP + u32(h) * P.sH + u32(w) * P.sW];
      if (bi < 0 || (!isnan_f(best) && (v > best || isnan_f(v)))) { best = v; bi = h * i32(P.W) + w; }
    }
  }
  out[o] = best;
  oidx[o] = bi;
}
`,
  });
  if (owned) x.buffer.release();
  return { values: out, indices: idx };
}

/** The gradient of max_pool2d w.r.t. its input, from the output gradient and the indices. */
export function maxPool2dBackward(gradOutput: GpuTensor, input: GpuTensor, indices: GpuTensor, options: Pool2dOptions): GpuTensor {
  const op = "webgpu max_pool2d_backward";
  const ctx = sameContext(op, gradOutput, input, indices);
  const g = geo(op, input, options, true);
  checkDType(op, "indices", indices, ["int32"]);
  checkDType(op, "grad_output", gradOutput, ["float32"]);
  for (const [name, t] of [["grad_output", gradOutput], ["indices", indices]] as const) {
    if (t.shape.length !== g.outShape.length || t.shape.some((s, i) => s !== g.outShape[i])) {
      throw new Error(`${op}: ${name} has shape ${shapeStr(t.shape)}, expected ${shapeStr(g.outShape)}`);
    }
  }
  const gx = empty(ctx, input.shape, "float32");
  const total = numel(input.shape);
  if (total === 0) return gx;
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const ix = isContiguous(indices) ? indices : contiguous(indices);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const v = { ...values(g, input, total, options), xoff: gO.offset, sP: ix.offset };
  ctx.dispatch({
    key: `maxpool2d_bwd|${wg}`, params: { layout: PARAMS, values: v },
    buffers: [gx.buffer, gO.buffer, ix.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<storage, read> go: array<f32>;
@group(0) @binding(3) var<storage, read> ix: array<i32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.total) { return; }
  // P.xoff / P.sP carry the offsets of grad_output / indices here.
  let w = e % P.W;
  let h = (e / P.W) % P.H;
  let p = e / (P.W * P.H);
  let me = i32(h * P.W + w);
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
      let o = (p * P.Ho + oh) * P.Wo + ow;
      if (ix[P.sP + o] == me) { acc += go[P.xoff + o]; }
    }
  }
  gx[e] = acc;
}
`,
  });
  if (gO !== gradOutput) gO.buffer.release();
  if (ix !== indices) ix.buffer.release();
  return gx;
}

/** WGSL: the clipped window [h0, h1) x [w0, w1) of output (oh, ow) and its divisor, as ATen's avg_pool2d computes them. */
const AVG_WINDOW = `fn window(oh: u32, ow: u32) -> vec4<i32> {
  let hs = i32(oh * P.sh) - i32(P.ph);
  let ws = i32(ow * P.sw) - i32(P.pw);
  let he = min(min(hs + i32(P.kh), i32(P.H + P.ph)), i32(P.H));
  let we = min(min(ws + i32(P.kw), i32(P.W + P.pw)), i32(P.W));
  return vec4<i32>(max(hs, 0), he, max(ws, 0), we);
}
fn divisor(oh: u32, ow: u32) -> f32 {
  if (P.divisor != 0u) { return f32(P.divisor); }
  let hs = i32(oh * P.sh) - i32(P.ph);
  let ws = i32(ow * P.sw) - i32(P.pw);
  let he = min(hs + i32(P.kh), i32(P.H + P.ph));
  let we = min(ws + i32(P.kw), i32(P.W + P.pw));
  if (P.countPad != 0u) { return f32((he - hs) * (we - ws)); }
  let win = window(oh, ow);
  return f32((win.y - win.x) * (win.w - win.z));
}`;

/** avg_pool2d. */
export function avgPool2d(input: GpuTensor, options: Pool2dOptions): GpuTensor {
  const op = "webgpu avg_pool2d";
  const ctx = sameContext(op, input);
  if (options.divisorOverride === 0) throw new Error("divisor must be not zero");
  const g = geo(op, input, options, false);
  const out = empty(ctx, g.outShape, "float32");
  const total = numel(g.outShape);
  if (total === 0) return out;
  const { x, owned } = planeStride(input);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  ctx.dispatch({
    key: `avgpool2d|${wg}`, params: { layout: PARAMS, values: values(g, x, total, options) },
    buffers: [out.buffer, x.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
${AVG_WINDOW}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let o = ${linearIndex(wg)};
  if (o >= P.total) { return; }
  let ow = o % P.Wo;
  let oh = (o / P.Wo) % P.Ho;
  let p = o / (P.Wo * P.Ho);
  let win = window(oh, ow);
  var acc = 0.0;
  for (var h = win.x; h < win.y; h++) {
    for (var w = win.z; w < win.w; w++) {
      acc += x[P.xoff + p * P.sP + u32(h) * P.sH + u32(w) * P.sW];
    }
  }
  out[o] = acc / divisor(oh, ow);
}
`,
  });
  if (owned) x.buffer.release();
  return out;
}

/** The gradient of avg_pool2d w.r.t. its input. */
export function avgPool2dBackward(gradOutput: GpuTensor, input: GpuTensor, options: Pool2dOptions): GpuTensor {
  const op = "webgpu avg_pool2d_backward";
  const ctx = sameContext(op, gradOutput, input);
  const g = geo(op, input, options, false);
  checkDType(op, "grad_output", gradOutput, ["float32"]);
  if (gradOutput.shape.length !== g.outShape.length || gradOutput.shape.some((s, i) => s !== g.outShape[i])) {
    throw new Error(`${op}: grad_output has shape ${shapeStr(gradOutput.shape)}, expected ${shapeStr(g.outShape)}`);
  }
  const gx = empty(ctx, input.shape, "float32");
  const total = numel(input.shape);
  if (total === 0) return gx;
  const gO = isContiguous(gradOutput) ? gradOutput : contiguous(gradOutput);
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const v = { ...values(g, input, total, options), xoff: gO.offset };
  ctx.dispatch({
    key: `avgpool2d_bwd|${wg}`, params: { layout: PARAMS, values: v },
    buffers: [gx.buffer, gO.buffer], workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${PARAMS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<storage, read> go: array<f32>;
${AVG_WINDOW}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.total) { return; }
  let w = e % P.W;
  let h = (e / P.W) % P.H;
  let p = e / (P.W * P.H);
  var acc = 0.0;
  for (var i = 0u; i < P.kh; i++) {
    let hn = i32(h + P.ph) - i32(i);
    if (hn < 0 || hn % i32(P.sh) != 0) { continue; }
    let oh = u32(hn) / P.sh;
    if (oh >= P.Ho) { continue; }
    for (var j = 0u; j < P.kw; j++) {
      let wn = i32(w + P.pw) - i32(j);
      if (wn < 0 || wn % i32(P.sw) != 0) { continue; }
      let ow = u32(wn) / P.sw;
      if (ow >= P.Wo) { continue; }
      // The window of (oh, ow) may be clipped (ceil mode): count only windows that hold (h, w).
      let win = window(oh, ow);
      if (i32(h) < win.x || i32(h) >= win.y || i32(w) < win.z || i32(w) >= win.w) { continue; }
      acc += go[P.xoff + (p * P.Ho + oh) * P.Wo + ow] / divisor(oh, ow);
    }
  }
  gx[e] = acc;
}
`,
  });
  if (gO !== gradOutput) gO.buffer.release();
  return gx;
}
