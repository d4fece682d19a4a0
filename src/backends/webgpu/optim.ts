// Fused optimizer steps: one kernel updates a parameter and its state in place, following
// torch.optim's single-tensor SGD and Adam/AdamW step by step (so results match within float32).
// Scalars that depend on the step count (bias corrections) are computed here in float64.

import { type GpuTensor, checkDType, isContiguous, numel, sameContext, shapeStr } from "./tensor.js";
import type { HalfFormat } from "./gpu-types.js";
import { LINEAR_BUILTINS, ParamStruct, ROUND_HALF, linearIndex } from "./wgsl.js";

/**
 * `fn q(x: f32) -> f32`: what the kernel stores. For float16/bfloat16 parameters (float32 buffers
 * holding values of the format) each stored value is rounded to the format; within the step the
 * update uses the float32 values, as PyTorch's fused (opmath) kernels do: rounding exp_avg_sq
 * first would flush small squared gradients to zero and divide by eps alone.
 */
function storeFn(round: HalfFormat | undefined): string {
  if (!round) return "fn q(x: f32) -> f32 { return x; }";
  return `${ROUND_HALF[round]}\nfn q(x: f32) -> f32 { return ${round === "float16" ? "round_f16" : "round_bf16"}(x); }`;
}

function checkSame(op: string, param: GpuTensor, others: Record<string, GpuTensor | null | undefined>): void {
  checkDType(op, "param", param, ["float32"]);
  if (!isContiguous(param)) throw new Error(`${op}: param must be contiguous`);
  const seen = new Set([param.buffer.raw]);
  for (const [name, t] of Object.entries(others)) {
    if (!t) continue;
    checkDType(op, name, t, ["float32"]);
    if (!isContiguous(t)) throw new Error(`${op}: ${name} must be contiguous`);
    if (t.shape.length !== param.shape.length || t.shape.some((s, i) => s !== param.shape[i])) {
      throw new Error(`${op}: ${name} has shape ${shapeStr(t.shape)}, but param has shape ${shapeStr(param.shape)}`);
    }
    if (seen.has(t.buffer.raw)) throw new Error(`${op}: ${name} shares its GPU buffer with another operand`);
    seen.add(t.buffer.raw);
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** The momentum buffer holds nothing yet (torch.optim clones the gradient into it). */
  firstStep?: boolean;
  /** The parameter and its buffer hold values of this 16-bit format: round what is stored. */
  round?: HalfFormat;
}

const SGD = new ParamStruct([
  ...["n", "pOff", "gOff", "bOff", "hasBuf", "first", "nesterov", "maximize"].map((name) => ({ name, type: "u32" as const })),
  ...["lr", "momentum", "dampening", "wd"].map((name) => ({ name, type: "f32" as const })),
]);

/** torch.optim.SGD's step for one parameter, in place (momentumBuffer too, when momentum != 0). */
export function sgdStep(param: GpuTensor, grad: GpuTensor, momentumBuffer: GpuTensor | null, o: SgdOptions): void {
  const op = "webgpu sgd";
  const ctx = sameContext(op, param, grad, momentumBuffer);
  checkSame(op, param, { grad, momentum_buffer: momentumBuffer });
  const momentum = o.momentum ?? 0;
  if (momentum !== 0 && !momentumBuffer) throw new Error(`${op}: momentum ${momentum} needs a momentum buffer`);
  if (o.nesterov && (momentum <= 0 || (o.dampening ?? 0) !== 0)) throw new Error("Nesterov momentum requires a momentum and zero dampening");
  const n = numel(param.shape);
  if (n === 0) return;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const buf = momentum !== 0 ? momentumBuffer : null;
  ctx.dispatch({
    key: `sgd|${wg}|${o.round ?? ""}`,
    params: {
      layout: SGD,
      values: {
        n, pOff: param.offset, gOff: grad.offset, bOff: buf?.offset ?? 0, hasBuf: buf ? 1 : 0, first: o.firstStep ? 1 : 0,
        nesterov: o.nesterov ? 1 : 0, maximize: o.maximize ? 1 : 0,
        lr: o.lr, momentum, dampening: o.dampening ?? 0, wd: o.weightDecay ?? 0,
      },
    },
    // Without momentum the buffer binding is a stand-in that the kernel never touches.
    buffers: [param.buffer, buf ? buf.buffer : ctx.scratch, grad.buffer],
    workgroups: ctx.grid(Math.ceil(n / wg)),
    wgsl: () => `${SGD.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
${storeFn(o.round)}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let i = ${linearIndex(wg)};
  if (i >= P.n) { return; }
  let pv = p[P.pOff + i];
  var d = g[P.gOff + i];
  if (P.maximize != 0u) { d = -d; }
  if (P.wd != 0.0) { d = d + P.wd * pv; }
  if (P.hasBuf != 0u) {
    var b = d;
    if (P.first == 0u) { b = buf[P.bOff + i] * P.momentum + (1.0 - P.dampening) * d; }
    buf[P.bOff + i] = q(b);
    if (P.nesterov != 0u) { d = d + P.momentum * b; } else { d = b; }
  }
  p[P.pOff + i] = q(pv - P.lr * d);
}
`,
  });
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** The step number after this update (1 for the first step). */
  step: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** AdamW: decay the parameter directly instead of adding weight_decay * param to the gradient. */
  decoupledWeightDecay?: boolean;
  /** The parameter and its state hold values of this 16-bit format: round what is stored. */
  round?: HalfFormat;
}

const ADAM = new ParamStruct([
  ...["n", "pOff", "gOff", "mOff", "vOff", "maxOff", "amsgrad", "maximize", "decoupled"].map((name) => ({ name, type: "u32" as const })),
  ...["lr", "beta1", "beta2", "eps", "wd", "stepSize", "bc2sqrt"].map((name) => ({ name, type: "f32" as const })),
]);

/** torch.optim.Adam's (or AdamW's) step for one parameter, updating param, expAvg, expAvgSq (and maxExpAvgSq) in place. */
export function adamStep(
  param: GpuTensor, grad: GpuTensor, expAvg: GpuTensor, expAvgSq: GpuTensor, maxExpAvgSq: GpuTensor | null, o: AdamOptions,
): void {
  const op = o.decoupledWeightDecay ? "webgpu adamw" : "webgpu adam";
  const ctx = sameContext(op, param, grad, expAvg, expAvgSq, maxExpAvgSq);
  checkSame(op, param, { grad, exp_avg: expAvg, exp_avg_sq: expAvgSq, max_exp_avg_sq: maxExpAvgSq });
  if (o.amsgrad && !maxExpAvgSq) throw new Error(`${op}: amsgrad needs max_exp_avg_sq`);
  if (!Number.isInteger(o.step) || o.step < 1) throw new Error(`${op}: step must be a positive integer, got ${o.step}`);
  const n = numel(param.shape);
  if (n === 0) return;
  const beta1 = o.beta1 ?? 0.9, beta2 = o.beta2 ?? 0.999;
  const bc1 = 1 - beta1 ** o.step, bc2 = 1 - beta2 ** o.step;
  const wg = Math.min(256, ctx.maxWorkgroupSize);
  const mx = o.amsgrad ? maxExpAvgSq : null;
  ctx.dispatch({
    key: `adam|${wg}|${o.round ?? ""}`,
    params: {
      layout: ADAM,
      values: {
        n, pOff: param.offset, gOff: grad.offset, mOff: expAvg.offset, vOff: expAvgSq.offset, maxOff: mx?.offset ?? 0,
        amsgrad: mx ? 1 : 0, maximize: o.maximize ? 1 : 0, decoupled: o.decoupledWeightDecay ? 1 : 0,
        lr: o.lr, beta1, beta2, eps: o.eps ?? 1e-8, wd: o.weightDecay ?? 0, stepSize: o.lr / bc1, bc2sqrt: Math.sqrt(bc2),
      },
    },
    buffers: [param.buffer, expAvg.buffer, expAvgSq.buffer, mx ? mx.buffer : ctx.scratch, grad.buffer],
    workgroups: ctx.grid(Math.ceil(n / wg)),
    wgsl: () => `${ADAM.wgsl()}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> vmax: array<f32>;
@group(0) @binding(5) var<storage, read> g: array<f32>;
${storeFn(o.round)}
@compute @workgroup_size(${wg})
fn main(${LINEAR_BUILTINS}) {
  let i = ${linearIndex(wg)};
  if (i >= P.n) { return; }
  var pv = p[P.pOff + i];
  var gv = g[P.gOff + i];
  if (P.maximize != 0u) { gv = -gv; }
  if (P.wd != 0.0) {
    if (P.decoupled != 0u) { pv = pv * (1.0 - P.lr * P.wd); } else { gv = gv + P.wd * pv; }
  }
  let mv = m[P.mOff + i];
  let m1 = mv + (gv - mv) * (1.0 - P.beta1);
  let v1 = v[P.vOff + i] * P.beta2 + (1.0 - P.beta2) * gv * gv;
  m[P.mOff + i] = q(m1);
  v[P.vOff + i] = q(v1);
  var vv = v1;
  if (P.amsgrad != 0u) {
    vv = max(vmax[P.maxOff + i], v1);
    vmax[P.maxOff + i] = q(vv);
  }
  let denom = sqrt(vv) / P.bc2sqrt + P.eps;
  p[P.pOff + i] = q(pv - P.stepSize * m1 / denom);
}
`,
  });
}
