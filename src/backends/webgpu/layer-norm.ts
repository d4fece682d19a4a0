// layer_norm over the last D elements of each of M rows, forward and backward, in few dispatches:
// the forward is one kernel (a workgroup per row: mean, biased variance, the normalized and affine
// output, and the row's mean and 1/σ saved for the backward); the backward is one kernel for the
// input's gradient (a workgroup per row) and two for the weight's and bias's (column sums over row
// chunks, then over the chunks). The composed form took 9 dispatches forward and 12 backward.

import { type GpuTensor, checkDType, empty, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import { ParamStruct, workgroupTree } from "./wgsl.js";
import { SUBGROUPS_ENABLE, SUBGROUP_BUILTINS, type SubgroupReduction, subgroupScratch, subgroupSum, subgroupTree, useSubgroups } from "./subgroups.js";

export interface LayerNormResult {
  /** The normalized rows (x̂ w + b), contiguous, of x's shape. */
  y: GpuTensor;
  /** Per-row mean and 1/sqrt(var + eps), [M]. */
  mean: GpuTensor;
  rstd: GpuTensor;
}

export interface LayerNormGrads {
  dx: GpuTensor | null;
  dweight: GpuTensor | null;
  dbias: GpuTensor | null;
}

function checkRows(op: string, t: GpuTensor, name: string, M: number, D: number): void {
  checkDType(op, name, t, ["float32"]);
  if (!isContiguous(t)) throw new Error(`${op}: ${name} must be contiguous`);
  if (numel(t.shape) !== M * D) throw new Error(`${op}: ${name} has shape ${shapeStr(t.shape)}, not ${M} rows of ${D}`);
}

function checkVector(op: string, t: GpuTensor | null, name: string, n: number): void {
  if (!t) return;
  checkDType(op, name, t, ["float32"]);
  if (!isContiguous(t) || numel(t.shape) !== n) {
    throw new Error(`${op}: ${name} must be a contiguous tensor of ${n} elements, got shape ${shapeStr(t.shape)}`);
  }
}

function checkSizes(op: string, M: number, D: number): void {
  if (!Number.isInteger(M) || M < 0 || !Number.isInteger(D) || D < 1) throw new Error(`${op}: bad row layout ${M} x ${D}`);
}

const ROW_BUILTINS =
  "@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) l: u32";

/**
 * The row kernels' reductions of `acc` (of `type`), as subgroup trees (`sg`, each its own scratch
 * array) or as the barrier tree over `red`: the directive, the builtins, the workgroup memory
 * and a tree per reduction.
 */
function rowTrees(sg: boolean, wg: number, type: string, count: number) {
  const reductions: SubgroupReduction[] = Array.from({ length: count }, (_, i) => subgroupSum(`sg_red${i}`, type));
  return {
    enable: sg ? `${SUBGROUPS_ENABLE}\n` : "",
    builtins: sg ? `${ROW_BUILTINS}, ${SUBGROUP_BUILTINS}` : ROW_BUILTINS,
    scratch: sg ? reductions.map((r) => subgroupScratch(r, wg)).join("\n") : `var<workgroup> red: array<${type}, ${wg}>;`,
    tree: (i: number): string => (sg ? subgroupTree(wg, reductions[i]!) : workgroupTree(wg)),
    /** Appended to the pipeline key (the barrier tree's keys stay as they were). */
    key: sg ? "|sg" : "",
  };
}

const FORWARD = new ParamStruct([
  ...["M", "D", "xOff", "wOff", "bOff"].map((name) => ({ name, type: "u32" as const })),
  { name: "eps", type: "f32" },
]);

/** F.layer_norm's forward over rows of `x` (contiguous, M rows of D), with optional weight and bias of D. */
export function layerNormForward(x: GpuTensor, M: number, D: number, weight: GpuTensor | null, bias: GpuTensor | null, eps: number): LayerNormResult {
  const op = "webgpu layer_norm";
  const ctx = sameContext(op, x, weight, bias);
  checkSizes(op, M, D);
  checkRows(op, x, "input", M, D);
  checkVector(op, weight, "weight", D);
  checkVector(op, bias, "bias", D);
  const y = empty(ctx, x.shape, "float32"), mean = empty(ctx, [M], "float32"), rstd = empty(ctx, [M], "float32");
  if (M === 0) return { y, mean, rstd };
  const wg = ctx.maxWorkgroupSize;
  const hasW = weight !== null, hasB = bias !== null;
  const buffers = [y.buffer, mean.buffer, rstd.buffer, x.buffer];
  if (weight) buffers.push(weight.buffer);
  if (bias) buffers.push(bias.buffer);
  const t = rowTrees(useSubgroups(ctx, wg), wg, "f32", 2);
  ctx.dispatch({
    key: `layer_norm|${wg}|${+hasW}${+hasB}${t.key}`,
    params: { layout: FORWARD, values: { M, D, xOff: x.offset, wOff: weight?.offset ?? 0, bOff: bias?.offset ?? 0, eps } },
    buffers,
    workgroups: ctx.grid(M),
    wgsl: () => `${t.enable}${FORWARD.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
${hasW ? "@group(0) @binding(5) var<storage, read> w: array<f32>;" : ""}
${hasB ? `@group(0) @binding(${hasW ? 6 : 5}) var<storage, read> b: array<f32>;` : ""}
${t.scratch}
@compute @workgroup_size(${wg})
fn main(${t.builtins}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.M) { return; }
  let base = P.xOff + row * P.D;
  var acc = 0.0;
  for (var c = l; c < P.D; c += ${wg}u) { acc += x[base + c]; }
${t.tree(0)}
  let m = acc / f32(P.D);
  acc = 0.0;
  for (var c = l; c < P.D; c += ${wg}u) { let d = x[base + c] - m; acc += d * d; }
${t.tree(1)}
  let r = 1.0 / sqrt(acc / f32(P.D) + P.eps);
  if (l == 0u) { mean[row] = m; rstd[row] = r; }
  for (var c = l; c < P.D; c += ${wg}u) {
    var v = (x[base + c] - m) * r;
    ${hasW ? "v = v * w[P.wOff + c];" : ""}
    ${hasB ? "v = v + b[P.bOff + c];" : ""}
    y[row * P.D + c] = v;
  }
}
`,
  });
  return { y, mean, rstd };
}

const BACKWARD_X = new ParamStruct(["M", "D", "gOff", "xOff", "wOff"].map((name) => ({ name, type: "u32" as const })));
const PARTIALS = new ParamStruct(["M", "D", "gOff", "xOff", "R", "rowsPer"].map((name) => ({ name, type: "u32" as const })));
const FINAL = new ParamStruct(["D", "R"].map((name) => ({ name, type: "u32" as const })));

/**
 * The gradients of layerNormForward's y = x̂ w + b from the output's gradient `g`, with the saved
 * per-row mean and 1/σ: dx = 1/σ (d - mean(d) - x̂ mean(d x̂)) with d = g w; dw = Σ_rows g x̂; db = Σ_rows g.
 * Only the requested ones are computed.
 */
export function layerNormBackward(
  g: GpuTensor, x: GpuTensor, mean: GpuTensor, rstd: GpuTensor, weight: GpuTensor | null, M: number, D: number,
  need: { x: boolean; weight: boolean; bias: boolean },
): LayerNormGrads {
  const op = "webgpu layer_norm_backward";
  const ctx = sameContext(op, g, x, mean, rstd, weight);
  checkSizes(op, M, D);
  checkRows(op, g, "grad", M, D);
  checkRows(op, x, "input", M, D);
  checkRows(op, mean, "mean", M, 1);
  checkRows(op, rstd, "rstd", M, 1);
  checkVector(op, weight, "weight", D);
  const out: LayerNormGrads = { dx: null, dweight: null, dbias: null };
  const wg = ctx.maxWorkgroupSize;
  if (need.x) {
    const dx = empty(ctx, x.shape, "float32");
    out.dx = dx;
    const hasW = weight !== null;
    const buffers = [dx.buffer, g.buffer, x.buffer, mean.buffer, rstd.buffer];
    if (weight) buffers.push(weight.buffer);
    if (M > 0) {
      const t = rowTrees(useSubgroups(ctx, wg), wg, "vec2<f32>", 1);
      ctx.dispatch({
        key: `layer_norm_bwd_x|${wg}|${+hasW}${t.key}`,
        params: { layout: BACKWARD_X, values: { M, D, gOff: g.offset, xOff: x.offset, wOff: weight?.offset ?? 0 } },
        buffers,
        workgroups: ctx.grid(M),
        wgsl: () => `${t.enable}${BACKWARD_X.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
${hasW ? "@group(0) @binding(6) var<storage, read> w: array<f32>;" : ""}
${t.scratch}
@compute @workgroup_size(${wg})
fn main(${t.builtins}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.M) { return; }
  let m = mean[row];
  let r = rstd[row];
  let gb = P.gOff + row * P.D;
  let xb = P.xOff + row * P.D;
  // acc = (sum of d, sum of d x̂) over the row.
  var acc = vec2<f32>(0.0, 0.0);
  for (var c = l; c < P.D; c += ${wg}u) {
    let d = g[gb + c]${hasW ? " * w[P.wOff + c]" : ""};
    acc += vec2<f32>(d, d * (x[xb + c] - m) * r);
  }
${t.tree(0)}
  let md = acc.x / f32(P.D);
  let mdx = acc.y / f32(P.D);
  for (var c = l; c < P.D; c += ${wg}u) {
    let d = g[gb + c]${hasW ? " * w[P.wOff + c]" : ""};
    dx[row * P.D + c] = r * (d - md - (x[xb + c] - m) * r * mdx);
  }
}
`,
      });
    }
  }
  if (need.weight || need.bias) {
    const dw = empty(ctx, [D], "float32"), db = empty(ctx, [D], "float32");
    // Row chunks: enough workgroups to fill a GPU, few enough partial sums to add up after.
    const rowsPer = Math.max(16, Math.ceil(M / 256));
    const R = Math.max(1, Math.ceil(M / rowsPer));
    const partials = empty(ctx, [2, R, D], "float32");
    ctx.dispatch({
      key: `layer_norm_bwd_wb_partial|${wg}`,
      params: { layout: PARTIALS, values: { M, D, gOff: g.offset, xOff: x.offset, R, rowsPer } },
      buffers: [partials.buffer, g.buffer, x.buffer, mean.buffer, rstd.buffer],
      workgroups: [Math.ceil(D / wg), R],
      wgsl: () => `${PARTIALS.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> part: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let c = wid.x * ${wg}u + l;
  if (c >= P.D) { return; }
  let chunk = wid.y;
  let r0 = chunk * P.rowsPer;
  let r1 = min(P.M, r0 + P.rowsPer);
  var aw = 0.0;
  var ab = 0.0;
  for (var r = r0; r < r1; r++) {
    let gv = g[P.gOff + r * P.D + c];
    aw += gv * (x[P.xOff + r * P.D + c] - mean[r]) * rstd[r];
    ab += gv;
  }
  part[chunk * P.D + c] = aw;
  part[(P.R + chunk) * P.D + c] = ab;
}
`,
    });
    ctx.dispatch({
      key: `layer_norm_bwd_wb_final|${wg}`,
      params: { layout: FINAL, values: { D, R } },
      buffers: [dw.buffer, db.buffer, partials.buffer],
      workgroups: ctx.grid(Math.ceil(D / wg)),
      wgsl: () => `${FINAL.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
@group(0) @binding(3) var<storage, read> part: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gid.x + gid.y * nwg.x * ${wg}u;
  if (c >= P.D) { return; }
  var aw = 0.0;
  var ab = 0.0;
  for (var k = 0u; k < P.R; k++) {
    aw += part[k * P.D + c];
    ab += part[(P.R + k) * P.D + c];
  }
  dw[c] = aw;
  db[c] = ab;
}
`,
    });
    partials.buffer.release();
    if (need.weight) out.dweight = dw; else dw.buffer.release();
    if (need.bias) out.dbias = db; else db.buffer.release();
  }
  return out;
}
