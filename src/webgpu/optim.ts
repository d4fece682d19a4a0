// torch.optim's SGD, Adam and AdamW on "webgpu" parameters: fused kernels update the parameters and
// their state in place, step for step as the CPU loops do, several parameters per dispatch (as
// PyTorch's foreach/fused optimizers do). The state keeps PyTorch's layout
// (momentum_buffer, exp_avg, exp_avg_sq, max_exp_avg_sq on the device; step a CPU float32 0-d tensor).
// float16/bfloat16 parameters (held in float32 buffers) step in float32, as PyTorch's fused kernels
// do; the kernels round the parameter and its state (of the parameter's dtype) as they store them.

import type { Tensor } from "../core/tensor.js";
import type { ParamGroup, State } from "../optim/optimizer.js";
import { bumpStep, stepTensor, zerosState } from "../optim/optimizer.js";
import { type AdamItem, type SgdItem, adamSteps, sgdSteps } from "../backends/webgpu/optim.js";
import type { HalfFormat } from "../backends/webgpu/gpu-types.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { type GpuStorage, gpuDTypeOf, gpuOf, halfFormatOf, isGpuTensor } from "./storage.js";
import { isFloatDType } from "../backends/webgpu/gpu-types.js";

interface WithState { stateOfParam(p: Tensor): State }

function paramsWithGrad(op: string, group: ParamGroup): Tensor[] {
  const out: Tensor[] = [];
  for (const p of group.params) {
    if (!p.grad) continue;
    if (!isGpuTensor(p) || !isGpuTensor(p.grad)) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found at least two devices, ${p.device} and ${p.grad.device}!`);
    }
    // float16 stored as f16 too: the fused kernels load and store f16 (parameter, gradient, state).
    const g = gpuDTypeOf(p.dtype);
    if (g === null || !isFloatDType(g) || p.grad.dtype !== p.dtype) {
      throw notImplementedOnDevice(`${op} (parameters of dtype ${p.dtype.name} with gradients of dtype ${p.grad.dtype.name})`);
    }
    if (!p.isContiguous()) throw notImplementedOnDevice(`${op} (non-contiguous parameters)`);
    out.push(p);
  }
  return out;
}

function contiguousGrad(p: Tensor): Tensor {
  const g = p.grad!;
  return g.isContiguous() ? g : g.contiguous();
}

/**
 * The items split into runs of parameters of one 16-bit format (or none): a kernel rounds what it
 * stores to one format. Runs keep the group's order, so a group of one dtype is one run.
 */
function runsByFormat<T>(params: readonly Tensor[], items: readonly T[]): { round: HalfFormat | undefined; items: T[] }[] {
  const runs: { round: HalfFormat | undefined; items: T[] }[] = [];
  params.forEach((p, i) => {
    const round = halfFormatOf(p.dtype) ?? undefined;
    const last = runs[runs.length - 1];
    if (last && last.round === round) last.items.push(items[i]!);
    else runs.push({ round, items: [items[i]!] });
  });
  return runs;
}

/** The step starts between ops: a safe point to take back the buffers of dead tensors. */
function safePoint(group: ParamGroup): void {
  const p = group.params.find((t) => isGpuTensor(t));
  if (p) (p.storage as GpuStorage).ctx.pool.safePoint();
}

export function gpuSgdStep(group: ParamGroup, opt: WithState): void {
  safePoint(group);
  const lr = group.lr as number, momentum = group.momentum as number, dampening = group.dampening as number;
  const weightDecay = group.weight_decay as number, nesterov = group.nesterov as boolean, maximize = group.maximize as boolean;
  const params = paramsWithGrad("SGD.step", group);
  const items: SgdItem[] = params.map((p) => {
    const s = opt.stateOfParam(p);
    let buf: Tensor | null = null, first = false;
    if (momentum !== 0) {
      first = !s.momentum_buffer;
      if (first) s.momentum_buffer = zerosState(p);
      buf = s.momentum_buffer as Tensor;
    }
    return { param: gpuOf(p), grad: gpuOf(contiguousGrad(p)), momentumBuffer: buf ? gpuOf(buf) : null, firstStep: first };
  });
  for (const run of runsByFormat(params, items)) {
    sgdSteps(run.items, { lr, momentum, dampening, weightDecay, nesterov, maximize, round: run.round });
  }
  for (const p of params) p.storage.version++;
}

export function gpuAdamStep(group: ParamGroup, opt: WithState, decoupled: boolean): void {
  safePoint(group);
  const lr = group.lr as number, [beta1, beta2] = group.betas as [number, number], eps = group.eps as number;
  const weightDecay = group.weight_decay as number, amsgrad = group.amsgrad as boolean, maximize = group.maximize as boolean;
  const name = decoupled ? "AdamW.step" : "Adam.step";
  const params = paramsWithGrad(name, group);
  const items: AdamItem[] = params.map((p) => {
    const s = opt.stateOfParam(p);
    if (!s.exp_avg) {
      s.step = stepTensor(0);
      s.exp_avg = zerosState(p);
      s.exp_avg_sq = zerosState(p);
      if (amsgrad) s.max_exp_avg_sq = zerosState(p);
    }
    const step = bumpStep(s);
    return {
      param: gpuOf(p), grad: gpuOf(contiguousGrad(p)), expAvg: gpuOf(s.exp_avg as Tensor), expAvgSq: gpuOf(s.exp_avg_sq as Tensor),
      maxExpAvgSq: amsgrad ? gpuOf(s.max_exp_avg_sq as Tensor) : null, step,
    };
  });
  for (const run of runsByFormat(params, items)) {
    adamSteps(run.items, { lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay: decoupled, round: run.round });
  }
  for (const p of params) p.storage.version++;
}
