// The optimizers of torch.optim, as PyTorch's single-tensor (CPU) implementations: one loop per
// parameter over its contiguous values, state kept as tensors in PyTorch's state layout.

import { Tensor } from "../core/tensor.js";
import { describe } from "../ops/args.js";
import { kernels } from "../backends/kernels.js";
import * as native from "../backends/native/index.js";
import { type FloatArray, Optimizer, type ParamGroup, type ParamsInput, type State, bumpStep, floatView, scalarState, stepTensor, zerosState } from "./optimizer.js";
import { asgdBegin, asgdEnd } from "./asgd-state.js";
import { adagradSparseStep, sgdSparseStep, sparseAdamStep } from "./sparse-steps.js";
import { deviceOp, notImplementedOnDevice, onDevice } from "../ops/device-hooks.js";

/** The parameter eachParam is stepping, and the write-backs of its state tensors' copies. */
let stepping: { param: Tensor; commits: (() => void)[] } | null = null;

/**
 * A state tensor's values for the per-element loops: the parameter's shape (PyTorch's in-place
 * update would fail otherwise, and the loops would read past its end), each element its own
 * memory; a non-contiguous one is copied and written back after the step.
 */
function arr(t: unknown): FloatArray {
  const param = stepping!.param;
  if (!(t instanceof Tensor)) throw new Error(`optimizer step: a state entry of the parameter of shape [${param.shape.join(", ")}] is ${t === null || t === undefined ? "None" : `a ${describe(t)}`}, not a Tensor`);
  if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i])) {
    throw new Error(`output with shape [${t.shape.join(", ")}] doesn't match the broadcast shape [${param.shape.join(", ")}]`);
  }
  if (t.numel() > 1 && t.shape.some((d, i) => d > 1 && t._strides[i] === 0)) {
    throw new Error("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
  }
  const v = floatView(t);
  stepping!.commits.push(v.commit);
  return v.data;
}

/** The fused native SGD/Adam steps (same per-element formulas, evaluated in double). */
function nativeSteps(): boolean { return kernels.backend === "native"; }

/**
 * Whether the fused native step takes these arrays: all of the parameter's dtype and no two
 * sharing memory (a float64 state of a float32 parameter, or a gradient that is the parameter
 * itself, steps in the JS loops, which read the gradient before writing).
 */
function fusable(p: FloatArray, ...others: (FloatArray | null)[]): boolean {
  const all = [p, ...others.filter((a): a is FloatArray => a !== null)];
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.constructor !== p.constructor) return false;
    for (let j = 0; j < i; j++) if (native.overlaps(all[i]!, [0, all[i]!.length - 1], all[j]!, [0, all[j]!.length - 1])) return false;
  }
  return true;
}

function check(cond: boolean, msg: string): void { if (!cond) throw new Error(msg); }

function checkCommon(g: ParamGroup): void {
  const lr = g.lr as number;
  check(typeof lr === "number" && lr >= 0, `Invalid learning rate: ${lr}`);
  if (g.eps !== undefined) check((g.eps as number) >= 0, `Invalid epsilon value: ${g.eps}`);
  if (g.weight_decay !== undefined) check((g.weight_decay as number) >= 0, `Invalid weight_decay value: ${g.weight_decay}`);
  if (g.betas !== undefined) {
    const [b1, b2] = g.betas as [number, number];
    check(b1 >= 0 && b1 < 1, `Invalid beta parameter at index 0: ${b1}`);
    check(b2 >= 0 && b2 < 1, `Invalid beta parameter at index 1: ${b2}`);
  }
}

/** Options given in camelCase (the translation rule) are stored under PyTorch's group keys. */
function snake(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) out[k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())] = v;
  return out;
}

function withDefaults(name: string, opts: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const o = snake(opts);
  for (const k of Object.keys(o)) if (!(k in defaults)) throw new Error(`${name}.__init__() got an unexpected keyword argument '${k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}'`);
  return { ...defaults, ...o };
}

/**
 * Runs fn over each parameter with a gradient: values, grad values (maybe negated), state. A sparse
 * gradient goes to `sparse` (SGD, Adagrad), never to fn or a fused native step; an optimizer without
 * it refuses sparse gradients in PyTorch's words, before any parameter changes.
 */
function eachParam(group: ParamGroup, self: Optimizer & { stateOfParam(p: Tensor): State }, fn: (p: FloatArray, g: FloatArray, s: State, param: Tensor) => void,
  sparse?: (param: Tensor, grad: Tensor, s: State) => void): void {
  if (!sparse && group.params.some((p) => p.grad?.isSparse)) {
    const name = self.constructor.name;
    throw new Error(name === "Adam" ? "Adam does not support sparse gradients, please consider SparseAdam instead" : `${name} does not support sparse gradients`);
  }
  for (const param of group.params) {
    if (!param.grad) continue;
    if (sparse && param.grad.isSparse) { sparse(param, param.grad, self.stateOfParam(param)); continue; }
    if (onDevice(param, param.grad)) throw notImplementedOnDevice(`${self.constructor.name}.step`);
    const view = floatView(param);
    const g = floatView(param.grad).data;
    stepping = { param, commits: [] };
    try {
      fn(view.data, g, self.stateOfParam(param), param);
      view.commit();
      for (const c of stepping.commits) c();
    } finally {
      stepping = null;
    }
  }
}

abstract class Base extends Optimizer {
  stateOfParam(p: Tensor): State { return this.stateOf(p); }
  protected override validateGroup(g: ParamGroup): void { checkCommon(g); }
}

/** grad + weight_decay * param, negated first when maximizing: a fresh array. */
function effectiveGrad(g: FloatArray, p: FloatArray, wd: number, maximize: boolean): FloatArray {
  const out = new (g.constructor as new (n: number) => FloatArray)(g.length);
  for (let i = 0; i < g.length; i++) out[i] = (maximize ? -g[i]! : g[i]!) + wd * p[i]!;
  return out;
}

export interface SGDOptions { lr?: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean; foreach?: boolean | null; differentiable?: boolean; fused?: boolean | null }

export class SGD extends Base {
  constructor(params: ParamsInput, options: SGDOptions = {}) {
    super(params, withDefaults("SGD", options as Record<string, unknown>, { lr: 0.001, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, fused: null }));
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    check((g.momentum as number) >= 0, `Invalid momentum value: ${g.momentum}`);
    if (g.nesterov) check((g.momentum as number) > 0 && g.dampening === 0, "Nesterov momentum requires a momentum and zero dampening");
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("sgdStep", "SGD.step")(group, this);
    const lr = group.lr as number, mom = group.momentum as number, damp = group.dampening as number;
    const wd = group.weight_decay as number, nesterov = group.nesterov as boolean, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      const firstBuf = mom !== 0 && !s.momentum_buffer;
      if (firstBuf) s.momentum_buffer = zerosState(param);
      const buf0 = mom !== 0 ? arr(s.momentum_buffer) : null;
      if (nativeSteps() && fusable(p, g0, buf0)) {
        native.sgdStep({ param: p, grad: g0, ...(buf0 ? { momentumBuffer: buf0 } : {}) },
          { lr, momentum: mom, dampening: damp, weightDecay: wd, nesterov, maximize, firstStep: firstBuf });
        return;
      }
      // Without momentum d is only read: the gradient itself serves where nothing changes it (and
      // PyTorch skips the weight-decay term at 0 too, so an infinite parameter stays infinite).
      const d = !buf0 && wd === 0 && !maximize ? g0 : effectiveGrad(g0, p, wd, maximize);
      if (buf0) {
        const first = firstBuf, buf = buf0;
        for (let i = 0; i < d.length; i++) {
          buf[i] = first ? d[i]! : mom * buf[i]! + (1 - damp) * d[i]!;
          d[i] = nesterov ? d[i]! + mom * buf[i]! : buf[i]!;
        }
      }
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * d[i]!;
    }, (param, grad, s) => sgdSparseStep(param, grad, s, { lr, momentum: mom, dampening: damp, weightDecay: wd, nesterov, maximize }));
  }
}

export interface AdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean; fused?: boolean | null; decoupledWeightDecay?: boolean }

function adamUpdate(group: ParamGroup, self: Base, decoupled: boolean): void {
  if (onDevice(group.params)) return deviceOp("adamStep", decoupled ? "AdamW.step" : "Adam.step")(group, self, decoupled);
  const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
  const wd = group.weight_decay as number, amsgrad = group.amsgrad as boolean, maximize = group.maximize as boolean;
  eachParam(group, self, (p, g0, s, param) => {
    if (!s.exp_avg) {
      s.step = stepTensor(0);
      s.exp_avg = zerosState(param);
      s.exp_avg_sq = zerosState(param);
      if (amsgrad) s.max_exp_avg_sq = zerosState(param);
    }
    const step = bumpStep(s);
    const m = arr(s.exp_avg), v = arr(s.exp_avg_sq);
    const vmax = amsgrad ? arr(s.max_exp_avg_sq) : null;
    if (nativeSteps() && fusable(p, g0, m, v, vmax)) {
      native.adamStep({ param: p, grad: g0, expAvg: m, expAvgSq: v, ...(vmax ? { maxExpAvgSq: vmax } : {}) },
        { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, step, amsgrad, maximize, decoupled });
      return;
    }
    if (decoupled && wd !== 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - lr * wd);
    // g is only read below: no copy where it would equal the gradient.
    const g = (decoupled || wd === 0) && !maximize ? g0 : effectiveGrad(g0, p, decoupled ? 0 : wd, maximize);
    const bc1 = 1 - b1 ** step, bc2Sqrt = Math.sqrt(1 - b2 ** step);
    const stepSize = lr / bc1;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
      v[i] = v[i]! * b2 + (1 - b2) * gi * gi;
      let vv = v[i]!;
      if (vmax) { vmax[i] = Math.max(vmax[i]!, vv); vv = vmax[i]!; }
      const denom = Math.sqrt(vv) / bc2Sqrt + eps;
      p[i] = p[i]! - stepSize * (m[i]! / denom);
    }
  });
}

export class Adam extends Base {
  constructor(params: ParamsInput, options: AdamOptions = {}) {
    super(params, withDefaults("Adam", options as Record<string, unknown>, { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: null, decoupled_weight_decay: false }));
  }
  protected updateGroup(group: ParamGroup): void { adamUpdate(group, this, group.decoupled_weight_decay as boolean); }
}

export class AdamW extends Base {
  constructor(params: ParamsInput, options: AdamOptions = {}) {
    super(params, withDefaults("AdamW", options as Record<string, unknown>, { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: null }));
  }
  protected updateGroup(group: ParamGroup): void { adamUpdate(group, this, true); }
}

export interface RMSpropOptions { lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean; maximize?: boolean; capturable?: boolean; foreach?: boolean | null; differentiable?: boolean }

export class RMSprop extends Base {
  constructor(params: ParamsInput, options: RMSpropOptions = {}) {
    super(params, withDefaults("RMSprop", options as Record<string, unknown>, { lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false, capturable: false, foreach: null, differentiable: false }));
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    check((g.momentum as number) >= 0, `Invalid momentum value: ${g.momentum}`);
    check((g.alpha as number) >= 0, `Invalid alpha value: ${g.alpha}`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "RMSprop.step")("RMSprop", group, this);
    const lr = group.lr as number, alpha = group.alpha as number, eps = group.eps as number, wd = group.weight_decay as number;
    const mom = group.momentum as number, centered = group.centered as boolean, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.square_avg) {
        s.step = stepTensor(0);
        s.square_avg = zerosState(param);
        if (mom > 0) s.momentum_buffer = zerosState(param);
        if (centered) s.grad_avg = zerosState(param);
      }
      bumpStep(s);
      const g = effectiveGrad(g0, p, wd, maximize);
      const sq = arr(s.square_avg);
      const ga = centered ? arr(s.grad_avg) : null;
      const buf = mom > 0 ? arr(s.momentum_buffer) : null;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        sq[i] = sq[i]! * alpha + (1 - alpha) * gi * gi;
        let avg: number;
        if (ga) {
          ga[i] = ga[i]! + (gi - ga[i]!) * (1 - alpha);
          avg = Math.sqrt(sq[i]! - ga[i]! * ga[i]!) + eps;
        } else avg = Math.sqrt(sq[i]!) + eps;
        if (buf) { buf[i] = buf[i]! * mom + gi / avg; p[i] = p[i]! - lr * buf[i]!; }
        else p[i] = p[i]! - lr * (gi / avg);
      }
    });
  }
}

export interface AdagradOptions { lr?: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number; maximize?: boolean; foreach?: boolean | null; differentiable?: boolean; fused?: boolean | null }

export class Adagrad extends Base {
  constructor(params: ParamsInput, options: AdagradOptions = {}) {
    super(params, withDefaults("Adagrad", options as Record<string, unknown>, { lr: 0.01, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false, foreach: null, differentiable: false, fused: null }));
    // Adagrad creates its state eagerly, as PyTorch does.
    for (const g of this.paramGroups) for (const p of g.params) {
      const s = this.stateOf(p);
      s.step = stepTensor(0);
      s.sum = p.detach().newFull(p.shape, g.initial_accumulator_value as number);
    }
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    check((g.lr_decay as number) >= 0, `Invalid lr_decay value: ${g.lr_decay}`);
    check((g.initial_accumulator_value as number) >= 0, `Invalid initial_accumulator_value value: ${g.initial_accumulator_value}`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "Adagrad.step")("Adagrad", group, this);
    const lr = group.lr as number, decay = group.lr_decay as number, wd = group.weight_decay as number, eps = group.eps as number;
    const maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s) => {
      const step = bumpStep(s);
      const g = effectiveGrad(g0, p, wd, maximize);
      const clr = lr / (1 + (step - 1) * decay);
      const sum = arr(s.sum);
      for (let i = 0; i < p.length; i++) {
        sum[i] = sum[i]! + g[i]! * g[i]!;
        p[i] = p[i]! - clr * (g[i]! / (Math.sqrt(sum[i]!) + eps));
      }
    }, (param, grad, s) => adagradSparseStep(param, grad, s, { lr, lrDecay: decay, weightDecay: wd, eps, maximize }));
  }
}

export interface AdadeltaOptions { lr?: number; rho?: number; eps?: number; weightDecay?: number; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean }

export class Adadelta extends Base {
  constructor(params: ParamsInput, options: AdadeltaOptions = {}) {
    super(params, withDefaults("Adadelta", options as Record<string, unknown>, { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false, foreach: null, capturable: false, differentiable: false }));
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    check((g.rho as number) >= 0 && (g.rho as number) <= 1, `Invalid rho value: ${g.rho}`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "Adadelta.step")("Adadelta", group, this);
    const lr = group.lr as number, rho = group.rho as number, eps = group.eps as number, wd = group.weight_decay as number;
    const maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.square_avg) { s.step = stepTensor(0); s.square_avg = zerosState(param); s.acc_delta = zerosState(param); }
      bumpStep(s);
      const g = effectiveGrad(g0, p, wd, maximize);
      const sq = arr(s.square_avg), acc = arr(s.acc_delta);
      for (let i = 0; i < p.length; i++) {
        sq[i] = sq[i]! * rho + (1 - rho) * g[i]! * g[i]!;
        const std = Math.sqrt(sq[i]! + eps);
        const delta = (Math.sqrt(acc[i]! + eps) / std) * g[i]!;
        acc[i] = acc[i]! * rho + (1 - rho) * delta * delta;
        p[i] = p[i]! - lr * delta;
      }
    });
  }
}

export interface AdamaxOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean }

export class Adamax extends Base {
  constructor(params: ParamsInput, options: AdamaxOptions = {}) {
    super(params, withDefaults("Adamax", options as Record<string, unknown>, { lr: 0.002, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false, foreach: null, capturable: false, differentiable: false }));
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "Adamax.step")("Adamax", group, this);
    const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
    const wd = group.weight_decay as number, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.exp_avg) { s.step = stepTensor(0); s.exp_avg = zerosState(param); s.exp_inf = zerosState(param); }
      const step = bumpStep(s);
      const g = effectiveGrad(g0, p, wd, maximize);
      const m = arr(s.exp_avg), u = arr(s.exp_inf);
      const clr = lr / (1 - b1 ** step);
      for (let i = 0; i < p.length; i++) {
        m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1);
        u[i] = Math.max(u[i]! * b2, Math.abs(g[i]!) + eps);
        p[i] = p[i]! - clr * (m[i]! / u[i]!);
      }
    });
  }
}

export interface NAdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; momentumDecay?: number; decoupledWeightDecay?: boolean; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean }

export class NAdam extends Base {
  constructor(params: ParamsInput, options: NAdamOptions = {}) {
    super(params, withDefaults("NAdam", options as Record<string, unknown>, { lr: 0.002, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 0.004, decoupled_weight_decay: false, maximize: false, foreach: null, capturable: false, differentiable: false }));
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    check((g.momentum_decay as number) >= 0, `Invalid momentum_decay value: ${g.momentum_decay}`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "NAdam.step")("NAdam", group, this);
    const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
    const wd = group.weight_decay as number, md = group.momentum_decay as number;
    const decoupled = group.decoupled_weight_decay as boolean, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.exp_avg) {
        s.step = stepTensor(0);
        s.mu_product = stepTensor(1);
        s.exp_avg = zerosState(param);
        s.exp_avg_sq = zerosState(param);
      }
      const step = bumpStep(s);
      if (decoupled && wd !== 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - lr * wd);
      const g = effectiveGrad(g0, p, decoupled ? 0 : wd, maximize);
      const bc2 = 1 - b2 ** step;
      const mu = b1 * (1 - 0.5 * 0.96 ** (step * md));
      const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * md));
      const muT = s.mu_product as Tensor;
      const muData = muT.storage.data as Float32Array;
      muData[muT._offset] = muData[muT._offset]! * mu;
      const muProduct = muData[muT._offset]!;
      const muProductNext = muProduct * muNext;
      const m = arr(s.exp_avg), v = arr(s.exp_avg_sq);
      const c1 = (-lr * (1 - mu)) / (1 - muProduct), c2 = (-lr * muNext) / (1 - muProductNext);
      for (let i = 0; i < p.length; i++) {
        m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1);
        v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!;
        const denom = Math.sqrt(v[i]! / bc2) + eps;
        p[i] = p[i]! + c1 * (g[i]! / denom);
        p[i] = p[i]! + c2 * (m[i]! / denom);
      }
    });
  }
}

export interface RAdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; decoupledWeightDecay?: boolean; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean }

export class RAdam extends Base {
  constructor(params: ParamsInput, options: RAdamOptions = {}) {
    super(params, withDefaults("RAdam", options as Record<string, unknown>, { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, decoupled_weight_decay: false, maximize: false, foreach: null, capturable: false, differentiable: false }));
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "RAdam.step")("RAdam", group, this);
    const lr = group.lr as number, [b1, b2] = group.betas as [number, number], eps = group.eps as number;
    const wd = group.weight_decay as number, decoupled = group.decoupled_weight_decay as boolean, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.exp_avg) { s.step = stepTensor(0); s.exp_avg = zerosState(param); s.exp_avg_sq = zerosState(param); }
      const step = bumpStep(s);
      if (decoupled && wd !== 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - lr * wd);
      const g = effectiveGrad(g0, p, decoupled ? 0 : wd, maximize);
      const m = arr(s.exp_avg), v = arr(s.exp_avg_sq);
      const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
      const rhoInf = 2 / (1 - b2) - 1;
      const rhoT = rhoInf - (2 * step * b2 ** step) / bc2;
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
      for (let i = 0; i < p.length; i++) {
        m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1);
        v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!;
        const corrected = m[i]! / bc1;
        if (rhoT > 5) {
          const adaptive = Math.sqrt(bc2) / (Math.sqrt(v[i]!) + eps);
          p[i] = p[i]! - corrected * lr * adaptive * rect;
        } else p[i] = p[i]! - corrected * lr;
      }
    });
  }
}

export interface RpropOptions { lr?: number; etas?: [number, number]; stepSizes?: [number, number]; maximize?: boolean; foreach?: boolean | null; capturable?: boolean; differentiable?: boolean }

export class Rprop extends Base {
  constructor(params: ParamsInput, options: RpropOptions = {}) {
    super(params, withDefaults("Rprop", options as Record<string, unknown>, { lr: 0.01, etas: [0.5, 1.2], step_sizes: [1e-6, 50], maximize: false, foreach: null, capturable: false, differentiable: false }));
  }
  protected override validateGroup(g: ParamGroup): void {
    checkCommon(g);
    const [em, ep] = g.etas as [number, number];
    check(0 < em && em < 1 && 1 < ep, `Invalid eta values: ${em}, ${ep}`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "Rprop.step")("Rprop", group, this);
    const [etaminus, etaplus] = group.etas as [number, number], [lo, hi] = group.step_sizes as [number, number];
    const maximize = group.maximize as boolean, lr = group.lr as number;
    eachParam(group, this, (p, g0, s, param) => {
      if (!s.prev) { s.step = stepTensor(0); s.prev = zerosState(param); s.step_size = param.detach().newFull(param.shape, lr); }
      bumpStep(s);
      const prev = arr(s.prev), size = arr(s.step_size);
      for (let i = 0; i < p.length; i++) {
        let gi = maximize ? -g0[i]! : g0[i]!;
        const prod = gi * prev[i]!;
        const factor = prod > 0 ? etaplus : prod < 0 ? etaminus : 1;
        size[i] = Math.min(Math.max(size[i]! * factor, lo), hi);
        if (factor === etaminus) gi = 0;
        p[i] = p[i]! - Math.sign(gi) * size[i]!;
        prev[i] = gi;
      }
    });
  }
}

export interface ASGDOptions { lr?: number; lambd?: number; alpha?: number; t0?: number; weightDecay?: number; foreach?: boolean | null; maximize?: boolean; differentiable?: boolean; capturable?: boolean }

/**
 * Averaged SGD. State as PyTorch keeps it: 0-d float32 tensors step, eta (the current step size,
 * starting at lr) and mu (the averaging weight, 1 until step t0), and ax, the running average of
 * the parameter (a tensor like it).
 */
export class ASGD extends Base {
  constructor(params: ParamsInput, options: ASGDOptions = {}) {
    super(params, withDefaults("ASGD", options as Record<string, unknown>, { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0, foreach: null, maximize: false, differentiable: false, capturable: false }));
  }
  protected updateGroup(group: ParamGroup): void {
    if (onDevice(group.params)) return deviceOp("composedOptimStep", "ASGD.step")("ASGD", group, this);
    const wd = group.weight_decay as number, lambd = group.lambd as number, maximize = group.maximize as boolean;
    eachParam(group, this, (p, g0, s, param) => {
      const step = asgdBegin(s, param, group);
      const g = effectiveGrad(g0, p, wd, maximize);
      const eta = scalarState(s.eta as Tensor), mu = scalarState(s.mu as Tensor);
      const ax = arr(s.ax);
      for (let i = 0; i < p.length; i++) {
        p[i] = p[i]! * (1 - lambd * eta);
        p[i] = p[i]! - eta * g[i]!;
        ax[i] = mu !== 1 ? ax[i]! + (p[i]! - ax[i]!) * mu : p[i]!;
      }
      asgdEnd(s, step, group);
    });
  }
}

export interface SparseAdamOptions { lr?: number; betas?: [number, number]; eps?: number; maximize?: boolean }

/** optim.SparseAdam: Adam for sparse gradients (nn.Embedding(sparse=true)); the moments move at the gradient's rows only. */
export class SparseAdam extends Base {
  constructor(params: ParamsInput, options: SparseAdamOptions = {}) {
    super(params, withDefaults("SparseAdam", options as Record<string, unknown>, { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, maximize: false }));
    const sparseParams: string[] = [];
    this.paramGroups.forEach((g, i) => g.params.forEach((p, j) => { if (p.isSparse) sparseParams.push(this.paramGroups.length > 1 ? `[${i}, ${j}]` : String(j)); }));
    if (sparseParams.length) throw new Error(`Sparse params at indices [${sparseParams.join(", ")}]: SparseAdam requires dense parameter tensors`);
  }
  protected updateGroup(group: ParamGroup): void {
    if (group.params.some((p) => p.grad && !p.grad.isSparse)) throw new Error("SparseAdam does not support dense gradients, please consider Adam instead");
    const [beta1, beta2] = group.betas as [number, number];
    const o = { lr: group.lr as number, beta1, beta2, eps: group.eps as number, maximize: group.maximize as boolean };
    for (const p of group.params) if (p.grad) sparseAdamStep(p, p.grad, this.stateOfParam(p), o);
  }
}
