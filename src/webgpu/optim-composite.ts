// torch.optim's RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop and ASGD on "webgpu" parameters:
// the CPU loops' update formulas (PyTorch's single-tensor algorithms) written as GPU tensor ops,
// in place on the parameter and its state. Optimizer.step already runs under noGrad. State keeps
// PyTorch's layout: buffers on the device, `step` (and NAdam's `mu_product`, ASGD's `eta` and `mu`) CPU 0-d float32 tensors.

import type { Tensor } from "../core/tensor.js";
import type { ParamGroup, State } from "../optim/optimizer.js";
import { bumpStep, scalarState, stepTensor, zerosState } from "../optim/optimizer.js";
import { asgdBegin, asgdEnd } from "../optim/asgd-state.js";
import { notImplementedOnDevice } from "../ops/device-hooks.js";
import { where } from "../ops/comparison.js";
import { gpuDTypeOf, isGpuTensor } from "./storage.js";

interface WithState { stateOfParam(p: Tensor): State }

/** The optimizers whose device step is a composition of tensor ops. */
export type ComposedOptimizer = "RMSprop" | "Adagrad" | "Adadelta" | "Adamax" | "NAdam" | "RAdam" | "Rprop" | "ASGD";

type Update = (p: Tensor, grad: Tensor, s: State, group: ParamGroup) => void;

/** Each parameter with a gradient, both on the device, detached (updates write through to the parameter). */
function eachGpuParam(name: string, group: ParamGroup, opt: WithState, update: Update): void {
  const op = `${name}.step`;
  for (const param of group.params) {
    if (!param.grad) continue;
    if (!isGpuTensor(param) || !isGpuTensor(param.grad)) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found at least two devices, ${param.device} and ${param.grad.device}!`);
    }
    // float16/bfloat16 parameters: every in-place op rounds, as PyTorch's single-tensor loops do.
    const g = gpuDTypeOf(param.dtype);
    if (g !== "float32" && g !== "float16") throw notImplementedOnDevice(`${op} (parameters of dtype ${param.dtype.name})`);
    update(param.detach(), param.grad.detach(), opt.stateOfParam(param), group);
  }
}

/** grad (negated first when maximizing) + weight_decay * param, as the CPU's effectiveGrad. */
function effectiveGrad(g: Tensor, p: Tensor, wd: number, maximize: boolean): Tensor {
  const signed = maximize ? g.neg() : g;
  return wd !== 0 ? signed.add(p, { alpha: wd }) : signed;
}

function decoupledDecay(p: Tensor, lr: number, wd: number): void {
  if (wd !== 0) p.mul_(1 - lr * wd);
}

// In-place ternary ops (lerp_, addcmul_, addcdiv_) keep each update to a few kernels.

/** avg + (x - avg) * (1 - beta), in place: PyTorch's lerp_ of the running averages. */
function towards(avg: Tensor, x: Tensor, beta: number): void {
  avg.lerp_(x, 1 - beta);
}

/** sq * beta + (1 - beta) * g², in place. */
function decaySquare(sq: Tensor, g: Tensor, beta: number): void {
  sq.mul_(beta).addcmul_(g, g, { value: 1 - beta });
}

const rmsprop: Update = (p, g0, s, group) => {
  const lr = group.lr as number, alpha = group.alpha as number, eps = group.eps as number, wd = group.weight_decay as number;
  const mom = group.momentum as number, centered = group.centered as boolean, maximize = group.maximize as boolean;
  if (!s.square_avg) {
    s.step = stepTensor(0);
    s.square_avg = zerosState(p);
    if (mom > 0) s.momentum_buffer = zerosState(p);
    if (centered) s.grad_avg = zerosState(p);
  }
  bumpStep(s);
  const g = effectiveGrad(g0, p, wd, maximize);
  const sq = s.square_avg as Tensor;
  decaySquare(sq, g, alpha);
  let avg: Tensor;
  if (centered) {
    const ga = s.grad_avg as Tensor;
    towards(ga, g, alpha);
    avg = sq.addcmul(ga, ga, { value: -1 }).sqrt_().add_(eps);
  } else avg = sq.sqrt().add_(eps);
  if (mom > 0) {
    const buf = s.momentum_buffer as Tensor;
    buf.mul_(mom).addcdiv_(g, avg);
    p.add_(buf, { alpha: -lr });
  } else p.addcdiv_(g, avg, { value: -lr });
};

const adagrad: Update = (p, g0, s, group) => {
  const lr = group.lr as number, decay = group.lr_decay as number, wd = group.weight_decay as number, eps = group.eps as number;
  const step = bumpStep(s);
  const g = effectiveGrad(g0, p, wd, group.maximize as boolean);
  const clr = lr / (1 + (step - 1) * decay);
  const sum = s.sum as Tensor;
  sum.addcmul_(g, g);
  p.addcdiv_(g, sum.sqrt().add_(eps), { value: -clr });
};

const adadelta: Update = (p, g0, s, group) => {
  const lr = group.lr as number, rho = group.rho as number, eps = group.eps as number, wd = group.weight_decay as number;
  if (!s.square_avg) { s.step = stepTensor(0); s.square_avg = zerosState(p); s.acc_delta = zerosState(p); }
  bumpStep(s);
  const g = effectiveGrad(g0, p, wd, group.maximize as boolean);
  const sq = s.square_avg as Tensor, acc = s.acc_delta as Tensor;
  decaySquare(sq, g, rho);
  const delta = acc.add(eps).sqrt_().div_(sq.add(eps).sqrt_()).mul_(g);
  decaySquare(acc, delta, rho);
  p.add_(delta, { alpha: -lr });
};

const adamax: Update = (p, g0, s, group) => {
  const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
  if (!s.exp_avg) { s.step = stepTensor(0); s.exp_avg = zerosState(p); s.exp_inf = zerosState(p); }
  const step = bumpStep(s);
  const g = effectiveGrad(g0, p, group.weight_decay as number, group.maximize as boolean);
  const m = s.exp_avg as Tensor, u = s.exp_inf as Tensor;
  towards(m, g, b1);
  u.copy_(u.mul(b2).maximum(g.abs().add_(eps)));
  p.addcdiv_(m, u, { value: -lr / (1 - b1 ** step) });
};

const nadam: Update = (p, g0, s, group) => {
  const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
  const wd = group.weight_decay as number, md = group.momentum_decay as number, decoupled = group.decoupled_weight_decay as boolean;
  if (!s.exp_avg) {
    s.step = stepTensor(0);
    s.mu_product = stepTensor(1);
    s.exp_avg = zerosState(p);
    s.exp_avg_sq = zerosState(p);
  }
  const step = bumpStep(s);
  if (decoupled) decoupledDecay(p, lr, wd);
  const g = effectiveGrad(g0, p, decoupled ? 0 : wd, group.maximize as boolean);
  const bc2 = 1 - b2 ** step;
  const mu = b1 * (1 - 0.5 * 0.96 ** (step * md));
  const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * md));
  // mu_product is a CPU scalar (as PyTorch keeps it): updated and read on the host, rounded to float32.
  const muT = s.mu_product as Tensor;
  if (isGpuTensor(muT)) throw notImplementedOnDevice("NAdam.step (mu_product on the device)");
  const muData = muT.storage.data as Float32Array | Float64Array;
  muData[muT._offset] = muData[muT._offset]! * mu;
  const muProduct = muData[muT._offset]!;
  const c1 = (-lr * (1 - mu)) / (1 - muProduct), c2 = (-lr * muNext) / (1 - muProduct * muNext);
  const m = s.exp_avg as Tensor, v = s.exp_avg_sq as Tensor;
  towards(m, g, b1);
  decaySquare(v, g, b2);
  const denom = v.div(bc2).sqrt_().add_(eps);
  p.addcdiv_(g, denom, { value: c1 });
  p.addcdiv_(m, denom, { value: c2 });
};

const radam: Update = (p, g0, s, group) => {
  const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
  const wd = group.weight_decay as number, decoupled = group.decoupled_weight_decay as boolean;
  if (!s.exp_avg) { s.step = stepTensor(0); s.exp_avg = zerosState(p); s.exp_avg_sq = zerosState(p); }
  const step = bumpStep(s);
  if (decoupled) decoupledDecay(p, lr, wd);
  const g = effectiveGrad(g0, p, decoupled ? 0 : wd, group.maximize as boolean);
  const m = s.exp_avg as Tensor, v = s.exp_avg_sq as Tensor;
  towards(m, g, b1);
  decaySquare(v, g, b2);
  const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * step * b2 ** step) / bc2;
  if (rhoT > 5) {
    // p -= (m / bc1) · lr · rect · sqrt(bc2) / (sqrt(v) + eps)
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    p.addcdiv_(m, v.sqrt().add_(eps), { value: (-lr * rect * Math.sqrt(bc2)) / bc1 });
  } else p.add_(m, { alpha: -lr / bc1 });
};

const rprop: Update = (p, g0, s, group) => {
  const [etaminus, etaplus] = group.etas as [number, number], [lo, hi] = group.step_sizes as [number, number];
  if (!s.prev) { s.step = stepTensor(0); s.prev = zerosState(p); s.step_size = p.newFull(p.shape, group.lr as number); }
  bumpStep(s);
  const prev = s.prev as Tensor, size = s.step_size as Tensor;
  const g = (group.maximize as boolean) ? g0.neg() : g0;
  const prod = g.mul(prev);
  const flipped = prod.lt(0);
  size.mul_(where(prod.gt(0), etaplus, where(flipped, etaminus, 1))).clamp_(lo, hi);
  // After a sign flip the step is skipped and the flip forgotten (prev = 0).
  const gKept = where(flipped, 0, g);
  p.addcmul_(gKept.sign(), size, { value: -1 });
  prev.copy_(gKept);
};

const asgd: Update = (p, g0, s, group) => {
  const step = asgdBegin(s, p, group);
  const g = effectiveGrad(g0, p, group.weight_decay as number, group.maximize as boolean);
  // eta and mu are CPU scalars (as the CPU loop reads them), so they enter as plain numbers.
  const eta = scalarState(s.eta as Tensor), mu = scalarState(s.mu as Tensor);
  p.mul_(1 - (group.lambd as number) * eta).add_(g, { alpha: -eta });
  const ax = s.ax as Tensor;
  if (mu !== 1) ax.add_(p.sub(ax).mul_(mu));
  else ax.copy_(p);
  asgdEnd(s, step, group);
};

const UPDATES: Record<ComposedOptimizer, Update> = {
  RMSprop: rmsprop, Adagrad: adagrad, Adadelta: adadelta, Adamax: adamax, NAdam: nadam, RAdam: radam, Rprop: rprop, ASGD: asgd,
};

/** One step of optimizer `name` over a group of webgpu parameters. */
export function gpuComposedOptimStep(name: ComposedOptimizer, group: ParamGroup, opt: WithState): void {
  eachGpuParam(name, group, opt, UPDATES[name]);
}
