// torch.optim's SGD, Adam and AdamW on "webgpu" parameters: one fused kernel per parameter updates
// it and its state in place, step for step as the CPU loops do. The state keeps PyTorch's layout
// (momentum_buffer, exp_avg, exp_avg_sq, max_exp_avg_sq on the device; step a CPU float32 0-d tensor).
// float16/bfloat16 parameters (held in float32 buffers) step in float32, as PyTorch's fused kernels
// do; the kernels round the parameter and its state (of the parameter's dtype) as they store them.

import type { Tensor } from "../core/tensor.js";
import type { ParamGroup, State } from "../optim/optimizer.js";
import { bumpStep, stepTensor, zerosState } from "../optim/optimizer.js";
import { adamStep, sgdStep } from "../backends/webgpu/optim.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { type GpuStorage, gpuDTypeOf, gpuOf, halfFormatOf, isGpuTensor } from "./storage.js";

interface WithState { stateOfParam(p: Tensor): State }

function paramsWithGrad(op: string, group: ParamGroup): Tensor[] {
  const out: Tensor[] = [];
  for (const p of group.params) {
    if (!p.grad) continue;
    if (!isGpuTensor(p) || !isGpuTensor(p.grad)) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found at least two devices, ${p.device} and ${p.grad.device}!`);
    }
    if (gpuDTypeOf(p.dtype) !== "float32" || p.grad.dtype !== p.dtype) {
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

/** The step starts between ops: a safe point to take back the buffers of dead tensors. */
function safePoint(group: ParamGroup): void {
  const p = group.params.find((t) => isGpuTensor(t));
  if (p) (p.storage as GpuStorage).ctx.pool.safePoint();
}

export function gpuSgdStep(group: ParamGroup, opt: WithState): void {
  safePoint(group);
  const lr = group.lr as number, momentum = group.momentum as number, dampening = group.dampening as number;
  const weightDecay = group.weight_decay as number, nesterov = group.nesterov as boolean, maximize = group.maximize as boolean;
  for (const p of paramsWithGrad("SGD.step", group)) {
    const s = opt.stateOfParam(p);
    let buf: Tensor | null = null, first = false;
    if (momentum !== 0) {
      first = !s.momentum_buffer;
      if (first) s.momentum_buffer = zerosState(p);
      buf = s.momentum_buffer as Tensor;
    }
    sgdStep(gpuOf(p), gpuOf(contiguousGrad(p)), buf ? gpuOf(buf) : null,
      { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep: first, round: halfFormatOf(p.dtype) ?? undefined });
    p.storage.version++;
  }
}

export function gpuAdamStep(group: ParamGroup, opt: WithState, decoupled: boolean): void {
  safePoint(group);
  const lr = group.lr as number, [beta1, beta2] = group.betas as [number, number], eps = group.eps as number;
  const weightDecay = group.weight_decay as number, amsgrad = group.amsgrad as boolean, maximize = group.maximize as boolean;
  const name = decoupled ? "AdamW.step" : "Adam.step";
  for (const p of paramsWithGrad(name, group)) {
    const s = opt.stateOfParam(p);
    if (!s.exp_avg) {
      s.step = stepTensor(0);
      s.exp_avg = zerosState(p);
      s.exp_avg_sq = zerosState(p);
      if (amsgrad) s.max_exp_avg_sq = zerosState(p);
    }
    const step = bumpStep(s);
    adamStep(gpuOf(p), gpuOf(contiguousGrad(p)), gpuOf(s.exp_avg as Tensor), gpuOf(s.exp_avg_sq as Tensor),
      amsgrad ? gpuOf(s.max_exp_avg_sq as Tensor) : null,
      { lr, beta1, beta2, eps, weightDecay, step, amsgrad, maximize, decoupledWeightDecay: decoupled, round: halfFormatOf(p.dtype) ?? undefined });
    p.storage.version++;
  }
}
