// cross_entropy over [N, C] float32 logits (or float16 ones stored as f16, with f16 weights and
// gradients: loaded as f32, the logits' gradient rounded as it is stored; the loss and the saved
// logsumexp are float32) and int32 class targets, with class weights, ignore_index and the three
// reductions; the forward saves each row's logsumexp for the backward.
// (Probability targets and label smoothing are left to a composition of other kernels.)

import { pointwise } from "./pointwise.js";
import { reduce } from "./reduce.js";
import { type GpuTensor, checkDType, empty, restride, sameContext, shapeStr } from "./tensor.js";
import { F32_BITS, type FloatStorage, LINEAR_BUILTINS, NEG_INF, ParamStruct, floatStorage, linearIndex, workgroupTree } from "./wgsl.js";

export type Reduction = "none" | "mean" | "sum";

export interface CrossEntropyOptions {
  weight?: GpuTensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** What the backward needs from the forward. */
export interface CrossEntropySaved {
  /** logsumexp of each row, [N]. */
  lse: GpuTensor;
  /** The mean's divisor (sum of the weights of the counted targets), [1]; null for other reductions. */
  totalWeight: GpuTensor | null;
  reduction: Reduction;
  ignoreIndex: number;
}

const FWD = new ParamStruct([
  ...["N", "C", "xoff", "xrs", "xcs", "toff", "ts", "woff", "ws", "hasWeight"].map((name) => ({ name, type: "u32" as const })),
  { name: "ignore", type: "i32" as const },
]);

/**
 * WGSL: row i's (weighted loss, weight), saving its logsumexp in lse[i]; weight 0 when the target is
 * ignored, NaN loss for a target outside [0, C). Needs the bindings x, tgt, wt, lse and FWD's fields,
 * x and wt stored as `fs` says.
 */
function rowLoss(fs: FloatStorage): string {
  return `fn rowLoss(i: u32) -> vec2<f32> {
  let base = P.xoff + i * P.xrs;
  var m = ${NEG_INF};
  for (var c = 0u; c < P.C; c++) { m = max(m, ${fs.load("x[base + c * P.xcs]")}); }
  var s = 0.0;
  for (var c = 0u; c < P.C; c++) { s += exp(${fs.load("x[base + c * P.xcs]")} - m); }
  let l = m + log(s);
  lse[i] = l;
  let t = tgt[P.toff + i * P.ts];
  if (t == P.ignore) { return vec2<f32>(0.0, 0.0); }
  if (t < 0 || t >= i32(P.C)) { return vec2<f32>(f32_bits(0x7fc00000u), 1.0); }
  let w = select(1.0, ${fs.load("wt[P.woff + u32(t) * P.ws]")}, P.hasWeight != 0u);
  return vec2<f32>((l - ${fs.load("x[base + u32(t) * P.xcs]")}) * w, w);
}`;
}

/** Logits up to this many elements reduce (sum or mean) in the same single-workgroup dispatch. */
const REDUCED_IN_ONE_WORKGROUP = 1 << 18;

/**
 * cross_entropy with reduction "sum" or "mean" in one dispatch of one workgroup (a classifier's
 * batch: 128 x 10 logits), instead of the rows kernel, a reduction and a division.
 */
function crossEntropyReduced(logits: GpuTensor, target: GpuTensor, w: GpuTensor | null, lse: GpuTensor, N: number, C: number,
  reduction: "mean" | "sum", ignoreIndex: number): { loss: GpuTensor; saved: CrossEntropySaved } {
  const ctx = logits.ctx;
  // res[0] = the loss, res[1] = the sum of the counted targets' weights (the mean's divisor).
  const res = empty(ctx, [2], "float32");
  const wg = ctx.maxWorkgroupSize;
  const mean = reduction === "mean";
  const fs = floatStorage(logits.dtype);
  ctx.dispatch({
    key: `ce_fwd_reduced|${wg}|${reduction}|${fs.S}`,
    params: {
      layout: FWD,
      values: {
        N, C, xoff: logits.offset, xrs: logits.strides[0]!, xcs: logits.strides[1]!, toff: target.offset, ts: target.strides[0]!,
        woff: w?.offset ?? 0, ws: w?.strides[0] ?? 0, hasWeight: w ? 1 : 0, ignore: ignoreIndex,
      },
    },
    buffers: [res.buffer, lse.buffer, logits.buffer, target.buffer, (w ?? logits).buffer],
    workgroups: [1],
    wgsl: () => `${fs.header}${F32_BITS}
${FWD.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> res: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<${fs.S}>;
@group(0) @binding(4) var<storage, read> tgt: array<i32>;
@group(0) @binding(5) var<storage, read> wt: array<${fs.S}>;
${rowLoss(fs)}
var<workgroup> red: array<vec2<f32>, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) l: u32) {
  var acc = vec2<f32>(0.0, 0.0);
  for (var i = l; i < P.N; i += ${wg}u) { acc += rowLoss(i); }
${workgroupTree(wg)}
  if (l == 0u) {
    res[0] = ${mean ? "acc.x / acc.y" : "acc.x"};
    res[1] = acc.y;
  }
}
`,
  });
  const loss = restride(res, [], [], 0);
  if (!mean) return { loss, saved: { lse, totalWeight: null, reduction, ignoreIndex } };
  // The saved divisor shares the loss's buffer: a reference of its own.
  res.buffer.retain();
  return { loss, saved: { lse, totalWeight: restride(res, [1], [1], 1), reduction, ignoreIndex } };
}

function check(op: string, logits: GpuTensor, target: GpuTensor, weight: GpuTensor | null | undefined): [number, number] {
  checkDType(op, "input", logits, ["float32", "float16"]);
  checkDType(op, "target", target, ["int32"]);
  if (logits.shape.length !== 2) throw new Error(`${op}: expected input of shape [N, C], got ${shapeStr(logits.shape)}`);
  const [N, C] = logits.shape as [number, number];
  if (target.shape.length !== 1 || target.shape[0] !== N) {
    throw new Error(`Expected input batch_size (${N}) to match target batch_size (${target.shape[0] ?? 1}).`);
  }
  if (weight) {
    checkDType(op, "weight", weight, [logits.dtype]);
    if (weight.shape.length !== 1 || weight.shape[0] !== C) {
      throw new Error(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
    }
  }
  return [N, C];
}

/**
 * F.cross_entropy(logits, target). Targets outside [0, C) other than ignore_index give NaN
 * (the kernel cannot throw; check targets on the host where they come from).
 */
export function crossEntropy(logits: GpuTensor, target: GpuTensor, options: CrossEntropyOptions = {}): { loss: GpuTensor; saved: CrossEntropySaved } {
  const op = "webgpu cross_entropy";
  const ctx = sameContext(op, logits, target, options.weight);
  const [N, C] = check(op, logits, target, options.weight);
  const reduction = options.reduction ?? "mean";
  const ignoreIndex = options.ignoreIndex ?? -100;
  const w = options.weight ?? null;
  const lse = empty(ctx, [N], "float32");
  if (reduction !== "none" && N * C <= REDUCED_IN_ONE_WORKGROUP) return crossEntropyReduced(logits, target, w, lse, N, C, reduction, ignoreIndex);
  // rows[i] = loss of row i, rows[N + i] = its weight (0 when ignored).
  const rows = empty(ctx, [2, N], "float32");
  const wg = Math.min(64, ctx.maxWorkgroupSize);
  const fs = floatStorage(logits.dtype);
  if (N > 0) {
    ctx.dispatch({
      key: `ce_fwd|${wg}|${fs.S}`,
      params: {
        layout: FWD,
        values: {
          N, C, xoff: logits.offset, xrs: logits.strides[0]!, xcs: logits.strides[1]!, toff: target.offset, ts: target.strides[0]!,
          woff: w?.offset ?? 0, ws: w?.strides[0] ?? 0, hasWeight: w ? 1 : 0, ignore: ignoreIndex,
        },
      },
      buffers: [rows.buffer, lse.buffer, logits.buffer, target.buffer, (w ?? logits).buffer],
      workgroups: ctx.grid(Math.ceil(N / wg)),
      wgsl: () => `${fs.header}${F32_BITS}
${FWD.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> rows: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<${fs.S}>;
@group(0) @binding(4) var<storage, read> tgt: array<i32>;
@group(0) @binding(5) var<storage, read> wt: array<${fs.S}>;
${rowLoss(fs)}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let i = ${linearIndex(wg)};
  if (i >= P.N) { return; }
  let r = rowLoss(i);
  rows[i] = r.x;
  rows[P.N + i] = r.y;
}
`,
    });
  }
  const losses = restride(rows, [N], [1], 0);
  if (reduction === "none") {
    const loss = pointwise("identity", [losses]);
    rows.buffer.release();
    return { loss, saved: { lse, totalWeight: null, reduction, ignoreIndex } };
  }
  if (reduction === "sum") {
    const loss = reduce("sum", losses);
    rows.buffer.release();
    return { loss, saved: { lse, totalWeight: null, reduction, ignoreIndex } };
  }
  const sums = reduce("sum", rows, [1]);
  const loss = pointwise("div", [restride(sums, [], [], 0), restride(sums, [], [], 1)]);
  rows.buffer.release();
  return { loss, saved: { lse, totalWeight: restride(sums, [1], [1], 1), reduction, ignoreIndex } };
}

const BWD = new ParamStruct([
  ...["N", "C", "xoff", "xrs", "xcs", "toff", "ts", "woff", "ws", "hasWeight", "goff", "gs", "hasTotal", "totOff"]
    .map((name) => ({ name, type: "u32" as const })),
  { name: "ignore", type: "i32" as const },
]);

/**
 * The gradient of cross_entropy w.r.t. the logits: grad * w[t] * (softmax - onehot(t)) / divisor.
 * `gradOutput` is a scalar for "mean"/"sum", [N] for "none".
 */
export function crossEntropyBackward(
  gradOutput: GpuTensor, logits: GpuTensor, target: GpuTensor, saved: CrossEntropySaved, weight?: GpuTensor | null,
): GpuTensor {
  const op = "webgpu cross_entropy_backward";
  const ctx = sameContext(op, gradOutput, logits, target, weight, saved.lse);
  const [N, C] = check(op, logits, target, weight);
  checkDType(op, "grad_output", gradOutput, [logits.dtype]);
  const perRow = saved.reduction === "none";
  if (perRow ? gradOutput.shape.length !== 1 || gradOutput.shape[0] !== N : gradOutput.shape.length !== 0 && !(gradOutput.shape.length === 1 && gradOutput.shape[0] === 1)) {
    throw new Error(`${op}: grad_output has shape ${shapeStr(gradOutput.shape)}, expected ${perRow ? `[${N}]` : "[]"}`);
  }
  const gx = empty(ctx, [N, C], logits.dtype);
  const total = N * C;
  if (total === 0) return gx;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const tot = saved.totalWeight;
  const fs = floatStorage(logits.dtype);
  ctx.dispatch({
    key: `ce_bwd|${wg}|${fs.S}`,
    params: {
      layout: BWD,
      values: {
        N, C, xoff: logits.offset, xrs: logits.strides[0]!, xcs: logits.strides[1]!, toff: target.offset, ts: target.strides[0]!,
        woff: weight?.offset ?? 0, ws: weight?.strides[0] ?? 0, hasWeight: weight ? 1 : 0,
        goff: gradOutput.offset, gs: perRow ? gradOutput.strides[0]! : 0, hasTotal: tot ? 1 : 0, totOff: tot?.offset ?? 0,
        ignore: saved.ignoreIndex,
      },
    },
    buffers: [gx.buffer, logits.buffer, target.buffer, (weight ?? logits).buffer, saved.lse.buffer, gradOutput.buffer, (tot ?? saved.lse).buffer],
    workgroups: ctx.grid(Math.ceil(total / wg)),
    wgsl: () => `${fs.header}${BWD.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> gx: array<${fs.S}>;
@group(0) @binding(2) var<storage, read> x: array<${fs.S}>;
@group(0) @binding(3) var<storage, read> tgt: array<i32>;
@group(0) @binding(4) var<storage, read> wt: array<${fs.S}>;
@group(0) @binding(5) var<storage, read> lse: array<f32>;
@group(0) @binding(6) var<storage, read> go: array<${fs.S}>;
@group(0) @binding(7) var<storage, read> tot: array<f32>;
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let e = ${linearIndex(wg)};
  if (e >= P.N * P.C) { return; }
  let i = e / P.C;
  let c = e % P.C;
  let t = tgt[P.toff + i * P.ts];
  if (t == P.ignore) { gx[e] = ${fs.store("0.0")}; return; }
  let w = select(1.0, ${fs.load("wt[P.woff + u32(max(t, 0)) * P.ws]")}, P.hasWeight != 0u);
  var g = ${fs.load("go[P.goff + i * P.gs]")} * w;
  if (P.hasTotal != 0u) { g = g / tot[P.totOff]; }
  let p = exp(${fs.load("x[P.xoff + i * P.xrs + c * P.xcs]")} - lse[i]);
  gx[e] = ${fs.store("g * (p - select(0.0, 1.0, i32(c) == t))")};
}
`,
  });
  return gx;
}
