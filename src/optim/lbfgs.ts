// L-BFGS, as torch.optim.LBFGS: one parameter group, a closure that re-evaluates the loss,
// optional strong-Wolfe line search. The algorithm is written once, as a generator over flat
// tensors on the parameters' device (PyTorch's formulas, in the parameters' dtype); it yields
// where it needs the closure's loss or scalars' values, so step() drives it with item() and
// stepAsync() with asynchronous reads (the "webgpu" device, where step() cannot run).

import { rawRealView } from "../ops/complex-engine.js";
import type { Tensor } from "../core/tensor.js";
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.js";
import { onDevice } from "../ops/device-hooks.js";
import { cat, stack } from "../ops/shape-join.js";

export interface LBFGSOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: "strong_wolfe" | null;
}

type Loss = Tensor | number;
/** What the algorithm asks its driver for: the closure's result, or the values of 0-d tensors. */
type Request = { kind: "closure" } | { kind: "read"; tensors: Tensor[] };
type Reply = Loss | number[];
type Algorithm<R> = Generator<Request, R, Reply>;

function* evaluateClosure(): Algorithm<Loss> { return (yield { kind: "closure" }) as Loss; }

/** The values of 0-d tensors, read together (one readback on a device). */
function* read(...tensors: Tensor[]): Algorithm<number[]> { return (yield { kind: "read", tensors }) as number[]; }

/** A closure's loss as a number (PyTorch's float(loss)), read with other scalars. */
function* readWithLoss(loss: Loss, ...tensors: Tensor[]): Algorithm<[number, number[]]> {
  if (typeof loss === "number") return [loss, yield* read(...tensors)];
  const [l, ...rest] = yield* read(loss, ...tensors);
  return [l!, rest];
}

const absMax = (v: Tensor): Tensor => v.abs().max();

interface LBFGSState {
  funcEvals: number;
  nIter: number;
  d: Tensor | null;
  t: number | null;
  oldDirs: Tensor[];
  oldStps: Tensor[];
  ro: Tensor[];
  /** null: 1 (no curvature pair accepted yet). */
  hDiag: Tensor | null;
  prevFlatGrad: Tensor | null;
  prevLoss: number | null;
}

function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(pos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** A trial step's loss, gradient and directional derivative. */
type Objective = (t: number) => Algorithm<[number, Tensor, number]>;

/** A complex parameter (or gradient) is optimised as its real view, as PyTorch 2.x's LBFGS does. */
function realValues(t: Tensor): Tensor { return t.dtype.isComplex ? rawRealView(t) : t; }
function realCount(t: Tensor): number { return t.dtype.isComplex ? 2 * t.numel() : t.numel(); }

/** PyTorch's _strong_wolfe: returns [loss, grad, step, evals]. `dNorm`: max |d|. */
function* strongWolfe(obj: Objective, t0: number, dNorm: number, f: number, g: Tensor, gtd: number, c1 = 1e-4, c2 = 0.9, tolChange = 1e-9, maxLs = 25): Algorithm<[number, Tensor, number, number]> {
  let t = t0;
  let [fNew, gNew, gtdNew] = yield* obj(t);
  let evals = 1;
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false, lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Tensor[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) { bracket = [t]; bracketF = [fNew]; bracketG = [gNew]; done = true; break; }
    if (gtdNew >= 0) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev), maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp; fPrev = fNew; gPrev = gNew; gtdPrev = gtdNew;
    [fNew, gNew, gtdNew] = yield* obj(t);
    evals++;
    lsIter++;
  }
  if (lsIter === maxLs) { bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew]; }
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < tolChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const hiB = Math.max(...bracket), loB = Math.min(...bracket);
    const eps = 0.1 * (hiB - loB);
    if (Math.min(hiB - t, t - loB) < eps) {
      if (insufProgress || t >= hiB || t <= loB) {
        t = Math.abs(t - hiB) < Math.abs(t - loB) ? hiB - eps : loB + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew, gtdNew] = yield* obj(t);
    evals++;
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = gNew; bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!; bracketF[highPos] = bracketF[lowPos]!; bracketG[highPos] = bracketG[lowPos]!; bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = gNew; bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, evals];
}

const NEEDS_CLOSURE = "LBFGS.step() requires a closure that re-evaluates the model and returns the loss";

/** Reads 0-d tensors: those on a device in one asynchronous readback, CPU ones as step() does. */
async function readAsync(tensors: Tensor[]): Promise<number[]> {
  const onGpu = tensors.filter((t) => onDevice(t));
  if (onGpu.length === 0) return tensors.map((t) => Number(t.item()));
  const values = (await stack(onGpu.map((t) => t.detach().float())).tolistAsync()) as number[];
  let k = 0;
  return tensors.map((t) => (onDevice(t) ? values[k++]! : Number(t.item())));
}

export class LBFGS extends Optimizer {
  private readonly lbfgs: LBFGSState = { funcEvals: 0, nIter: 0, d: null, t: null, oldDirs: [], oldStps: [], ro: [], hDiag: null, prevFlatGrad: null, prevLoss: null };

  constructor(params: ParamsInput, options: LBFGSOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    super(params, {
      lr: options.lr ?? 1, max_iter: maxIter, max_eval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
      tolerance_grad: options.toleranceGrad ?? 1e-7, tolerance_change: options.toleranceChange ?? 1e-9,
      history_size: options.historySize ?? 100, line_search_fn: options.lineSearchFn ?? null,
    });
    if (this.paramGroups.length !== 1) throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
    const ls = this.paramGroups[0]!.line_search_fn;
    if (ls !== null && ls !== "strong_wolfe") throw new Error("only 'strong_wolfe' is supported");
  }

  protected updateGroup(_group: ParamGroup): void {
    throw new Error(NEEDS_CLOSURE);
  }

  private get params(): Tensor[] { return this.paramGroups[0]!.params; }

  /** PyTorch's _gather_flat_grad: the gradients as one new vector (zeros for a parameter without one). */
  private gatherFlatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ? realValues(p.grad.isSparse ? p.grad.toDense() : p.grad).reshape([-1]) : realValues(p).detach().newZeros([realCount(p)]))));
  }

  /** The parameters += t * d (d flat, in the parameters' order). */
  private addGrad(t: number, d: Tensor): void {
    let off = 0;
    for (const p of this.params) {
      const values = realValues(p);
      values.add_(d.narrow(0, off, realCount(p)).view(values.shape), { alpha: t });
      off += realCount(p);
    }
  }

  private cloneParams(): Tensor[] { return this.params.map((p) => p.detach().clone()); }

  private setParams(values: Tensor[]): void { this.params.forEach((p, k) => p.copy_(values[k]!)); }

  /** PyTorch's _directional_evaluate: loss, gradient and gradient·d at x0 + t d; x0 is restored. */
  private *directionalEvaluate(x0: Tensor[], t: number, d: Tensor): Algorithm<[number, Tensor, number]> {
    this.addGrad(t, d);
    const raw = yield* evaluateClosure();
    const flatGrad = this.gatherFlatGrad();
    this.setParams(x0);
    const [loss, [gtd]] = yield* readWithLoss(raw, flatGrad.dot(d));
    return [loss, flatGrad, gtd!];
  }

  /** One step (PyTorch's LBFGS.step); returns the closure's first result. Runs with grad off, the closure with grad on. */
  private *algorithm(): Algorithm<Loss> {
    const g = this.paramGroups[0]!;
    const lr = g.lr as number, maxIter = g.max_iter as number, maxEval = g.max_eval as number;
    const tolGrad = g.tolerance_grad as number, tolChange = g.tolerance_change as number, history = g.history_size as number;
    const s = this.lbfgs;
    const origLoss = yield* evaluateClosure();
    let flatGrad = this.gatherFlatGrad();
    let [loss, [gradMax]] = yield* readWithLoss(origLoss, absMax(flatGrad));
    let currentEvals = 1;
    s.funcEvals++;
    if (gradMax! <= tolGrad) return origLoss;
    let { d, t } = s;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      s.nIter++;
      if (s.nIter === 1) {
        d = flatGrad.neg();
        s.oldDirs = []; s.oldStps = []; s.ro = []; s.hDiag = null;
      } else {
        const y = flatGrad.sub(s.prevFlatGrad!);
        const st = d!.mul(t!);
        const ys = y.dot(st);
        const [ysValue] = yield* read(ys);
        if (ysValue! > 1e-10) {
          if (s.oldDirs.length === history) { s.oldDirs.shift(); s.oldStps.shift(); s.ro.shift(); }
          s.oldDirs.push(y); s.oldStps.push(st); s.ro.push(ys.reciprocal());
          s.hDiag = ys.div(y.dot(y));
        }
        // The two-loop recursion stays on the device: its scalars are 0-d tensors, never read.
        const num = s.oldDirs.length;
        const al = new Array<Tensor>(num);
        const q = flatGrad.neg();
        for (let i = num - 1; i >= 0; i--) { al[i] = s.oldStps[i]!.dot(q).mul(s.ro[i]!); q.sub_(s.oldDirs[i]!.mul(al[i]!)); }
        const r = s.hDiag ? q.mul(s.hDiag) : q;
        for (let i = 0; i < num; i++) { const be = s.oldDirs[i]!.dot(r).mul(s.ro[i]!); r.add_(s.oldStps[i]!.mul(al[i]!.sub(be))); }
        d = r;
      }
      s.prevFlatGrad = flatGrad;
      s.prevLoss = loss;
      const lineSearch = g.line_search_fn === "strong_wolfe";
      // PyTorch's first step min(1, 1 / sum|g|) * lr is a tensor of the parameters' dtype when 1 / sum|g| < 1.
      const inverseSum = s.nIter === 1 ? flatGrad.abs().sum().reciprocal() : null;
      const [gtd, ...more] = yield* read(flatGrad.dot(d!), ...(inverseSum ? [inverseSum, inverseSum.mul(lr)] : []), ...(lineSearch ? [absMax(d!)] : []));
      t = inverseSum && more[0]! < 1 ? more[1]! : lr;
      if (gtd! > -tolChange) break;
      let lsEvals = 0, optCond = false, dMax = Infinity;
      if (lineSearch) {
        const x0 = this.cloneParams(), dir = d!;
        [loss, flatGrad, t, lsEvals] = yield* strongWolfe((step) => this.directionalEvaluate(x0, step, dir), t, more[more.length - 1]!, loss, flatGrad, gtd!);
        this.addGrad(t, d!);
        [gradMax, dMax] = (yield* read(absMax(flatGrad), absMax(d!))) as [number, number];
        optCond = gradMax <= tolGrad;
      } else {
        this.addGrad(t, d!);
        if (nIter !== maxIter) {
          const raw = yield* evaluateClosure();
          flatGrad = this.gatherFlatGrad();
          [loss, [gradMax, dMax]] = (yield* readWithLoss(raw, absMax(flatGrad), absMax(d!))) as [number, [number, number]];
          optCond = gradMax <= tolGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      s.funcEvals += lsEvals;
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (dMax * Math.abs(t) <= tolChange) break;
      if (Math.abs(loss - s.prevLoss) < tolChange) break;
    }
    s.d = d;
    s.t = t;
    return origLoss;
  }

  override step(closure?: () => Loss): Loss | null {
    if (!closure) throw new Error(NEEDS_CLOSURE);
    if (onDevice(this.params)) {
      throw new Error("LBFGS.step: the line search reads values back every iteration, which is asynchronous on the 'webgpu' device; use await optimizer.stepAsync(closure)");
    }
    const run = this.algorithm();
    let r = noGrad(() => run.next());
    while (!r.done) {
      const request = r.value;
      let reply: Reply;
      if (request.kind === "read") reply = request.tensors.map((t) => Number(t.item()));
      else {
        reply = enableGrad(closure);
        if (reply instanceof Promise) throw new Error("LBFGS.step: the closure returned a Promise; use await optimizer.stepAsync(closure)");
      }
      r = noGrad(() => run.next(reply));
    }
    return r.value;
  }

  /**
   * step(closure), asynchronously: the closure may return a Promise, and values are read back
   * asynchronously (the form for "webgpu" parameters). On the CPU it computes exactly step's iterates.
   */
  async stepAsync(closure?: () => Loss | Promise<Loss>): Promise<Loss> {
    if (!closure) throw new Error(NEEDS_CLOSURE);
    const run = this.algorithm();
    let r = noGrad(() => run.next());
    while (!r.done) {
      const request = r.value;
      const reply = request.kind === "read" ? await readAsync(request.tensors) : await enableGrad(closure);
      r = noGrad(() => run.next(reply));
    }
    return r.value;
  }
}
