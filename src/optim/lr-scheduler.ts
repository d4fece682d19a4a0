// torch.optim.lr_scheduler, with PyTorch's chainable step formulas (so the float values match) and
// the closed forms used when step(epoch) is given an explicit epoch.

import type { Optimizer, ParamGroup } from "./optimizer.js";
import { STEP_WRAPPER } from "./optimizer-hooks.js";
import { warnOnce } from "../core/warnings.js";
import type { Args } from "../ops/args.js";

type Opts = Record<string, unknown>;

function bindOpts(name: string, given: unknown[], names: string[], defaults: Opts): Opts {
  const out: Opts = { ...defaults };
  let positional = given;
  const last = given[given.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last) && Object.getPrototypeOf(last) === Object.prototype) {
    positional = given.slice(0, -1);
    for (const [k, v] of Object.entries(last as Opts)) {
      if (!names.includes(k)) throw new Error(`${name}.__init__() got an unexpected keyword argument '${k}'`);
      if (v !== undefined) out[k] = v;
    }
  }
  if (positional.length > names.length) throw new Error(`${name}() takes at most ${names.length} positional arguments after the optimizer`);
  positional.forEach((v, i) => { if (v !== undefined) out[names[i]!] = v; });
  return out;
}

function bisectRight(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (x < a[mid]!) hi = mid; else lo = mid + 1; }
  return lo;
}

const EPOCH_DEPRECATION_WARNING = "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.";

export abstract class LRScheduler {
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(readonly optimizer: Optimizer, lastEpoch = -1) {
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) g.initial_lr ??= g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initial_lr === undefined) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initial_lr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's _initial_step). */
  protected initialStep(): void {
    this.optimizer._stepCount = 0;
    this.stepCount = 0;
    this.step();
  }

  protected get groups(): ParamGroup[] { return this.optimizer.paramGroups; }

  /** The chainable form: next lrs from the current ones. */
  abstract getLr(): number[];
  /** The closed form for an explicit epoch, when the scheduler has one. */
  protected closedFormLr(): number[] | null { return null; }

  step(epoch?: number): void {
    // PyTorch's warnings for the order of the first calls (https://github.com/pytorch/pytorch/issues/20124).
    if (this.stepCount === 1) {
      if (!(this.optimizer.step as { [STEP_WRAPPER]?: boolean })[STEP_WRAPPER]) {
        warnOnce("Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate");
      } else if (this.optimizer._stepCount < 1) {
        warnOnce("Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate");
      }
    }
    if (epoch !== undefined) warnOnce(EPOCH_DEPRECATION_WARNING);
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.groups.forEach((g, i) => { g.lr = values[i]!; });
    this.lastLr = this.groups.map((g) => g.lr as number);
  }

  getLastLr(): number[] { return this.lastLr.slice(); }

  stateDict(): Opts {
    const out: Opts = {};
    for (const [k, v] of Object.entries(this)) if (k !== "optimizer" && typeof v !== "function") out[k] = Array.isArray(v) ? v.slice() : v;
    return out;
  }
  loadStateDict(state: Opts): void {
    for (const [k, v] of Object.entries(state)) (this as unknown as Opts)[k] = v;
  }
}

type LrLambda = (epoch: number) => number;

/** A scheduler's arguments after the optimizer: positional, or in a trailing options object (which alone may hold the required ones, R). */
type SchedulerArgs<P extends unknown[], O, R extends keyof O = never> = Args<P, O> | [options: O & Required<Pick<O, R>>];

export interface OneCycleLROptions {
  maxLr?: number | number[]; totalSteps?: number | null; epochs?: number | null; stepsPerEpoch?: number | null; pctStart?: number;
  annealStrategy?: "cos" | "linear"; cycleMomentum?: boolean; baseMomentum?: number | number[]; maxMomentum?: number | number[];
  divFactor?: number; finalDivFactor?: number; threePhase?: boolean; lastEpoch?: number;
}
export interface CyclicLROptions {
  baseLr?: number | number[]; maxLr?: number | number[]; stepSizeUp?: number; stepSizeDown?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range"; gamma?: number; scaleFn?: ((x: number) => number) | null; scaleMode?: "cycle" | "iterations";
  cycleMomentum?: boolean; baseMomentum?: number | number[]; maxMomentum?: number | number[]; lastEpoch?: number;
}
export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max"; factor?: number; patience?: number; threshold?: number; thresholdMode?: "rel" | "abs"; cooldown?: number; minLr?: number | number[]; eps?: number;
}


/** Schedulers driven by user functions of the epoch, one per parameter group (or one for all). */
abstract class LambdaScheduler extends LRScheduler {
  protected readonly lambdas: LrLambda[];
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[] | Opts, lastEpoch: number | Opts) {
    const o = typeof lrLambda === "object" && !Array.isArray(lrLambda) ? lrLambda : { lrLambda, lastEpoch: typeof lastEpoch === "number" ? lastEpoch : -1 };
    super(optimizer, (o.lastEpoch as number | undefined) ?? -1);
    const f = o.lrLambda as LrLambda | LrLambda[];
    this.lambdas = Array.isArray(f) ? f : optimizer.paramGroups.map(() => f);
    if (this.lambdas.length !== optimizer.paramGroups.length) throw new Error(`Expected ${optimizer.paramGroups.length} lr_lambdas, but got ${this.lambdas.length}`);
    this.initialStep();
  }
}

/** lr = base_lr * lambda(epoch). */
export class LambdaLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[] | Opts, lastEpoch: number | Opts = -1) { super(optimizer, lrLambda, lastEpoch); }
  getLr(): number[] { return this.baseLrs.map((b, i) => b * this.lambdas[i]!(this.lastEpoch)); }
}

/** lr = previous lr * lambda(epoch). */
export class MultiplicativeLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[] | Opts, lastEpoch: number | Opts = -1) { super(optimizer, lrLambda, lastEpoch); }
  getLr(): number[] {
    return this.groups.map((g, i) => (this.lastEpoch > 0 ? (g.lr as number) * this.lambdas[i]!(this.lastEpoch) : (g.lr as number)));
  }
}

export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer, ...args: Args<[stepSize: number, gamma?: number, lastEpoch?: number], { stepSize?: number; gamma?: number; lastEpoch?: number }>) {
    const o = bindOpts("StepLR", args, ["stepSize", "gamma", "lastEpoch"], { gamma: 0.1, lastEpoch: -1 });
    super(optimizer, o.lastEpoch as number);
    if (o.stepSize === undefined) throw new Error("StepLR() missing required argument 'step_size'");
    this.stepSize = o.stepSize as number;
    this.gamma = o.gamma as number;
    this.initialStep();
  }
  getLr(): number[] {
    const lrs = this.groups.map((g) => g.lr as number);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(optimizer: Optimizer, ...args: Args<[milestones: number[], gamma?: number, lastEpoch?: number], { milestones?: number[]; gamma?: number; lastEpoch?: number }>) {
    const o = bindOpts("MultiStepLR", args, ["milestones", "gamma", "lastEpoch"], { gamma: 0.1, lastEpoch: -1 });
    super(optimizer, o.lastEpoch as number);
    this.milestones = [...(o.milestones as number[])].sort((a, b) => a - b);
    this.gamma = o.gamma as number;
    this.initialStep();
  }
  getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.groups.map((g) => (count ? (g.lr as number) * this.gamma ** count : (g.lr as number)));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}

export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, ...args: Args<[factor?: number, totalIters?: number, lastEpoch?: number], { factor?: number; totalIters?: number; lastEpoch?: number }>) {
    const o = bindOpts("ConstantLR", args, ["factor", "totalIters", "lastEpoch"], { factor: 1 / 3, totalIters: 5, lastEpoch: -1 });
    if ((o.factor as number) > 1 || (o.factor as number) < 0) throw new Error("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.lastEpoch as number);
    this.factor = o.factor as number;
    this.totalIters = o.totalIters as number;
    this.initialStep();
  }
  getLr(): number[] {
    const lrs = this.groups.map((g) => g.lr as number);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, ...args: Args<[startFactor?: number, endFactor?: number, totalIters?: number, lastEpoch?: number], { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }>) {
    const o = bindOpts("LinearLR", args, ["startFactor", "endFactor", "totalIters", "lastEpoch"], { startFactor: 1 / 3, endFactor: 1, totalIters: 5, lastEpoch: -1 });
    const s = o.startFactor as number, e = o.endFactor as number;
    if (s > 1 || s <= 0) throw new Error("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    if (e > 1 || e < 0) throw new Error("Ending multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.lastEpoch as number);
    this.startFactor = s;
    this.endFactor = e;
    this.totalIters = o.totalIters as number;
    this.initialStep();
  }
  getLr(): number[] {
    const lrs = this.groups.map((g) => g.lr as number);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return lrs;
    const d = this.endFactor - this.startFactor;
    return lrs.map((lr) => lr * (1 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d)));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters));
  }
}

export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer, ...args: Args<[gamma: number, lastEpoch?: number], { gamma?: number; lastEpoch?: number }>) {
    const o = bindOpts("ExponentialLR", args, ["gamma", "lastEpoch"], { lastEpoch: -1 });
    super(optimizer, o.lastEpoch as number);
    this.gamma = o.gamma as number;
    this.initialStep();
  }
  getLr(): number[] {
    const lrs = this.groups.map((g) => g.lr as number);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] { return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch); }
}

export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;
  constructor(optimizer: Optimizer, ...args: Args<[totalIters?: number, power?: number, lastEpoch?: number], { totalIters?: number; power?: number; lastEpoch?: number }>) {
    const o = bindOpts("PolynomialLR", args, ["totalIters", "power", "lastEpoch"], { totalIters: 5, power: 1, lastEpoch: -1 });
    super(optimizer, o.lastEpoch as number);
    this.totalIters = o.totalIters as number;
    this.power = o.power as number;
    this.initialStep();
  }
  getLr(): number[] {
    const lrs = this.groups.map((g) => g.lr as number);
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return lrs;
    const f = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return lrs.map((lr) => lr * f);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer, ...args: Args<[TMax: number, etaMin?: number, lastEpoch?: number], { TMax?: number; etaMin?: number; lastEpoch?: number }>) {
    const o = bindOpts("CosineAnnealingLR", args, ["TMax", "etaMin", "lastEpoch"], { etaMin: 0, lastEpoch: -1 });
    super(optimizer, o.lastEpoch as number);
    this.TMax = o.TMax as number;
    this.etaMin = o.etaMin as number;
    this.initialStep();
  }
  getLr(): number[] {
    const e = this.lastEpoch, T = this.TMax, m = this.etaMin;
    if (e === 0) return this.groups.map((g) => g.lr as number);
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((b) => m + ((b - m) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groups.map((g, i) => (g.lr as number) + ((this.baseLrs[i]! - m) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * ((g.lr as number) - m) + m);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}

export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  TI: number;
  TCur: number;
  constructor(optimizer: Optimizer, ...args: Args<[T0: number, TMult?: number, etaMin?: number, lastEpoch?: number], { T0?: number; TMult?: number; etaMin?: number; lastEpoch?: number }>) {
    const o = bindOpts("CosineAnnealingWarmRestarts", args, ["T0", "TMult", "etaMin", "lastEpoch"], { TMult: 1, etaMin: 0, lastEpoch: -1 });
    const T0 = o.T0 as number, TMult = o.TMult as number;
    if (!Number.isInteger(T0) || T0 <= 0) throw new Error(`Expected positive integer T_0, but got ${T0}`);
    if (!Number.isInteger(TMult) || TMult < 1) throw new Error(`Expected integer T_mult >= 1, but got ${TMult}`);
    super(optimizer, o.lastEpoch as number);
    this.T0 = T0;
    this.TMult = TMult;
    this.etaMin = o.etaMin as number;
    this.TI = T0;
    this.TCur = this.lastEpoch;
    this.initialStep();
  }
  getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.TI))) / 2);
  }
  override step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.TI) { this.TCur = this.TCur - this.TI; this.TI = this.TI * this.TMult; }
    } else {
      if (e < 0) throw new Error(`Expected non-negative epoch, but got ${e}`);
      if (e >= this.T0) {
        if (this.TMult === 1) this.TCur = e % this.T0;
        else {
          const n = Math.floor(Math.log((e / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = e - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.TI = this.T0 * this.TMult ** n;
        }
      } else { this.TI = this.T0; this.TCur = e; }
    }
    this.stepCount++;
    this.lastEpoch = Math.floor(e);
    const values = this.getLr();
    this.groups.forEach((g, i) => { g.lr = values[i]!; });
    this.lastLr = this.groups.map((g) => g.lr as number);
  }
}

type Anneal = (start: number, end: number, pct: number) => number;
const annealCos: Anneal = (s, e, p) => e + ((s - e) / 2) * (Math.cos(Math.PI * p) + 1);
const annealLinear: Anneal = (s, e, p) => (e - s) * p + s;

function momentumKey(opt: Optimizer): "betas" | "momentum" {
  if ("betas" in opt.defaults) return "betas";
  if ("momentum" in opt.defaults) return "momentum";
  throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
}

function setMomentum(g: ParamGroup, key: "betas" | "momentum", m: number): void {
  if (key === "betas") g.betas = [m, ...(g.betas as number[]).slice(1)];
  else g.momentum = m;
}

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: { endStep: number; startLr: string; endLr: string; startM: string; endM: string }[];
  private readonly anneal: Anneal;
  private readonly cycleMomentum: boolean;
  private readonly mKey: "betas" | "momentum" | null;
  constructor(optimizer: Optimizer, ...args: Args<[maxLr: number | number[], totalSteps?: number | null, epochs?: number | null, stepsPerEpoch?: number | null, pctStart?: number, annealStrategy?: "cos" | "linear", cycleMomentum?: boolean, baseMomentum?: number | number[], maxMomentum?: number | number[], divFactor?: number, finalDivFactor?: number, threePhase?: boolean, lastEpoch?: number], OneCycleLROptions>) {
    const o = bindOpts("OneCycleLR", args, ["maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum", "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase", "lastEpoch"],
      { totalSteps: null, epochs: null, stepsPerEpoch: null, pctStart: 0.3, annealStrategy: "cos", cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false, lastEpoch: -1 });
    let total: number;
    if (o.totalSteps !== null) {
      total = o.totalSteps as number;
      if (!Number.isInteger(total) || total <= 0) throw new Error(`Expected positive integer total_steps, but got ${total}`);
    } else if (o.epochs !== null && o.stepsPerEpoch !== null) total = (o.epochs as number) * (o.stepsPerEpoch as number);
    else throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const pct = o.pctStart as number;
    if (pct < 0 || pct > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const perGroup = (v: unknown, n: string): number[] => {
      if (Array.isArray(v)) { if (v.length !== optimizer.paramGroups.length) throw new Error(`expected ${optimizer.paramGroups.length} values for ${n}, got ${v.length}`); return v as number[]; }
      return optimizer.paramGroups.map(() => v as number);
    };
    const maxLrs = perGroup(o.maxLr, "max_lr");
    if ((o.lastEpoch as number) === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        const initial = maxLrs[i]! / (o.divFactor as number);
        g.initial_lr = initial;
        g.max_lr = maxLrs[i]!;
        g.min_lr = initial / (o.finalDivFactor as number);
      });
    }
    const cycle = o.cycleMomentum as boolean;
    const key = cycle ? momentumKey(optimizer) : null;
    if (cycle && (o.lastEpoch as number) === -1) {
      const maxM = perGroup(o.maxMomentum, "max_momentum"), baseM = perGroup(o.baseMomentum, "base_momentum");
      optimizer.paramGroups.forEach((g, i) => {
        setMomentum(g, key!, maxM[i]!);
        g.max_momentum = maxM[i]!;
        g.base_momentum = baseM[i]!;
      });
    }
    super(optimizer, o.lastEpoch as number);
    this.totalSteps = total;
    this.cycleMomentum = cycle;
    this.mKey = key;
    const s = o.annealStrategy as string;
    if (s !== "cos" && s !== "linear") throw new Error(`anneal_strategy must be one of 'cos' or 'linear', instead got ${s}`);
    this.anneal = s === "cos" ? annealCos : annealLinear;
    this.phases = o.threePhase
      ? [
          { endStep: pct * total - 1, startLr: "initial_lr", endLr: "max_lr", startM: "max_momentum", endM: "base_momentum" },
          { endStep: 2 * pct * total - 2, startLr: "max_lr", endLr: "initial_lr", startM: "base_momentum", endM: "max_momentum" },
          { endStep: total - 1, startLr: "initial_lr", endLr: "min_lr", startM: "max_momentum", endM: "max_momentum" },
        ]
      : [
          { endStep: pct * total - 1, startLr: "initial_lr", endLr: "max_lr", startM: "max_momentum", endM: "base_momentum" },
          { endStep: total - 1, startLr: "max_lr", endLr: "min_lr", startM: "base_momentum", endM: "max_momentum" },
        ];
    this.initialStep();
  }
  getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new Error(`Tried to step ${step} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let start = 0, lr = 0, m = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (step <= ph.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) m = this.anneal(g[ph.startM] as number, g[ph.endM] as number, pct);
          break;
        }
        start = ph.endStep;
      }
      if (this.cycleMomentum) setMomentum(g, this.mKey!, m);
      return lr;
    });
  }
}

export class CyclicLR extends LRScheduler {
  private readonly maxLrs: number[];
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly mode: string;
  private readonly gamma: number;
  private readonly scaleFn: (x: number) => number;
  private readonly scaleMode: string;
  private readonly cycleMomentum: boolean;
  private readonly mKey: "betas" | "momentum" | null;
  private readonly baseMomentums: number[];
  private readonly maxMomentums: number[];
  constructor(optimizer: Optimizer, ...args: SchedulerArgs<[baseLr: number | number[], maxLr: number | number[], stepSizeUp?: number, stepSizeDown?: number | null, mode?: "triangular" | "triangular2" | "exp_range", gamma?: number, scaleFn?: ((x: number) => number) | null, scaleMode?: "cycle" | "iterations", cycleMomentum?: boolean, baseMomentum?: number | number[], maxMomentum?: number | number[], lastEpoch?: number], CyclicLROptions, "baseLr" | "maxLr">) {
    const o = bindOpts("CyclicLR", args, ["baseLr", "maxLr", "stepSizeUp", "stepSizeDown", "mode", "gamma", "scaleFn", "scaleMode", "cycleMomentum", "baseMomentum", "maxMomentum", "lastEpoch"],
      { stepSizeUp: 2000, stepSizeDown: null, mode: "triangular", gamma: 1, scaleFn: null, scaleMode: "cycle", cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9, lastEpoch: -1 });
    const n = optimizer.paramGroups.length;
    const per = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : Array(n).fill(v));
    const baseLrs = per(o.baseLr);
    if ((o.lastEpoch as number) === -1) optimizer.paramGroups.forEach((g, i) => { g.lr = baseLrs[i]!; g.initial_lr = baseLrs[i]!; });
    const cycle = o.cycleMomentum as boolean;
    const key = cycle ? momentumKey(optimizer) : null;
    const baseM = per(o.baseMomentum), maxM = per(o.maxMomentum);
    if (cycle && (o.lastEpoch as number) === -1) optimizer.paramGroups.forEach((g, i) => setMomentum(g, key!, maxM[i]!));
    super(optimizer, o.lastEpoch as number);
    this.baseLrs = baseLrs;
    this.maxLrs = per(o.maxLr);
    const up = o.stepSizeUp as number, down = (o.stepSizeDown as number | null) ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode as string;
    this.gamma = o.gamma as number;
    if (!["triangular", "triangular2", "exp_range"].includes(this.mode) && o.scaleFn === null) {
      throw new Error("mode is invalid and scale_fn is None");
    }
    if (o.scaleFn) { this.scaleFn = o.scaleFn as (x: number) => number; this.scaleMode = o.scaleMode as string; }
    else if (this.mode === "triangular") { this.scaleFn = () => 1; this.scaleMode = "cycle"; }
    else if (this.mode === "triangular2") { this.scaleFn = (x) => 1 / 2 ** (x - 1); this.scaleMode = "cycle"; }
    else { this.scaleFn = (x) => this.gamma ** x; this.scaleMode = "iterations"; }
    this.cycleMomentum = cycle;
    this.mKey = key;
    this.baseMomentums = baseM;
    this.maxMomentums = maxM;
    this.initialStep();
  }
  getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scaleFn(this.scaleMode === "cycle" ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i]! - b) * scale * s);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        const h = (this.maxMomentums[i]! - this.baseMomentums[i]!) * scale;
        setMomentum(g, this.mKey!, this.maxMomentums[i]! - h * s);
      });
    }
    return lrs;
  }
}

/** Runs schedulers one after another, switching at the milestones. */
export class SequentialLR extends LRScheduler {
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];
  constructor(optimizer: Optimizer, ...args: SchedulerArgs<[schedulers: LRScheduler[], milestones: number[], lastEpoch?: number], { schedulers?: LRScheduler[]; milestones?: number[]; lastEpoch?: number }, "schedulers" | "milestones">) {
    const o = bindOpts("SequentialLR", args, ["schedulers", "milestones", "lastEpoch"], { lastEpoch: -1 });
    const scheds = o.schedulers as LRScheduler[];
    const ms = o.milestones as number[];
    if (!scheds.length) throw new Error("SequentialLR expects at least one scheduler");
    if (ms.length !== scheds.length - 1) {
      throw new Error(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${scheds.length} and the number of milestones to be equal to ${ms.length}`);
    }
    for (const s of scheds) if (s.optimizer !== optimizer) throw new Error("Sequential Schedulers expects all schedulers to belong to the same optimizer");
    super(optimizer, -1);
    this.schedulers = scheds;
    this.milestones = ms;
    this.lastEpoch = (o.lastEpoch as number) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initial_lr as number;
    for (const s of scheds) s.lastEpoch -= 1;
    scheds[0]!["initialStep"]();
    this.lastLr = scheds[0]!.getLastLr();
  }
  getLr(): number[] { return this.lastLr; }
  override step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }
}

/** Steps every scheduler at each step (their factors multiply). */
export class ChainedScheduler extends LRScheduler {
  private readonly schedulers: LRScheduler[];
  constructor(schedulers: LRScheduler[], optimizer?: Optimizer) {
    const opt = optimizer ?? schedulers[0]?.optimizer;
    if (!opt) throw new Error("ChainedScheduler expects at least one scheduler");
    super(opt, -1);
    this.schedulers = schedulers;
    this.lastLr = this.schedulers[this.schedulers.length - 1]!.optimizer.paramGroups.map((g) => g.lr as number);
  }
  getLr(): number[] { return this.lastLr; }
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.schedulers[this.schedulers.length - 1]!.optimizer.paramGroups.map((g) => g.lr as number);
  }
}

/** Lowers the lr when a metric stops improving; step(metric) after each evaluation. */
export class ReduceLROnPlateau {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];
  constructor(readonly optimizer: Optimizer, ...args: Args<[mode?: "min" | "max", factor?: number, patience?: number, threshold?: number, thresholdMode?: "rel" | "abs", cooldown?: number, minLr?: number | number[], eps?: number], ReduceLROnPlateauOptions>) {
    const o = bindOpts("ReduceLROnPlateau", args, ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"],
      { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, eps: 1e-8 });
    if ((o.factor as number) >= 1) throw new Error("Factor should be < 1.0.");
    if (o.mode !== "min" && o.mode !== "max") throw new Error(`mode ${String(o.mode)} is unknown!`);
    if (o.thresholdMode !== "rel" && o.thresholdMode !== "abs") throw new Error(`threshold mode ${String(o.thresholdMode)} is unknown!`);
    this.mode = o.mode;
    this.factor = o.factor as number;
    this.patience = o.patience as number;
    this.threshold = o.threshold as number;
    this.thresholdMode = o.thresholdMode;
    this.cooldown = o.cooldown as number;
    const n = optimizer.paramGroups.length;
    this.minLrs = Array.isArray(o.minLr) ? (o.minLr as number[]) : Array(n).fill(o.minLr);
    this.eps = o.eps as number;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr as number);
  }
  private isBetter(a: number): boolean {
    const t = this.threshold, b = this.best;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < b * (1 - t) : a < b - t;
    return this.thresholdMode === "rel" ? a > b * (t + 1) : a > b + t;
  }
  step(metric: number | { item(): number | bigint | boolean }): void {
    const current = typeof metric === "number" ? metric : Number(metric.item());
    this.lastEpoch++;
    if (this.isBetter(current)) { this.best = current; this.numBadEpochs = 0; } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) { this.cooldownCounter--; this.numBadEpochs = 0; }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const next = Math.max(old * this.factor, this.minLrs[i]!);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }
  getLastLr(): number[] { return this.lastLr.slice(); }
}
