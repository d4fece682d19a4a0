// L-BFGS, as torch.optim.LBFGS: one parameter group, a closure that re-evaluates the loss,
// optional strong-Wolfe line search. Directions are kept as float64 vectors over all parameters.

import type { Tensor } from "../core/tensor.js";
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { Optimizer, type ParamGroup, type ParamsInput, floatView } from "./optimizer.js";
import { notImplementedOnDevice, onDevice } from "../ops/device-hooks.js";

export interface LBFGSOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: "strong_wolfe" | null;
}

type Vec = Float64Array;

const dot = (a: Vec, b: Vec): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
const absMax = (a: Vec): number => { let m = 0; for (const v of a) m = Math.max(m, Math.abs(v)); return m; };
const absSum = (a: Vec): number => { let m = 0; for (const v of a) m += Math.abs(v); return m; };
const axpy = (y: Vec, a: number, x: Vec): void => { for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!; };
const scaled = (x: Vec, a: number): Vec => x.map((v) => v * a);

interface LBFGSState {
  funcEvals: number;
  nIter: number;
  d: Vec | null;
  t: number | null;
  oldDirs: Vec[];
  oldStps: Vec[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Vec | null;
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

type ObjFunc = (t: number) => [number, Vec];

/** PyTorch's _strong_wolfe: returns [loss, grad, step, evals]. */
function strongWolfe(obj: ObjFunc, t0: number, d: Vec, f: number, g: Vec, gtd: number, c1 = 1e-4, c2 = 0.9, tolChange = 1e-9, maxLs = 25): [number, Vec, number, number] {
  let t = t0;
  const dNorm = absMax(d);
  let [fNew, gNew] = obj(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false, lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Vec[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) { bracket = [t]; bracketF = [fNew]; bracketG = [gNew]; done = true; break; }
    if (gtdNew >= 0) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev), maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp; fPrev = fNew; gPrev = gNew.slice(); gtdPrev = gtdNew;
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d);
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
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = gNew.slice(); bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!; bracketF[highPos] = bracketF[lowPos]!; bracketG[highPos] = bracketG[lowPos]!; bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = gNew.slice(); bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, evals];
}

export class LBFGS extends Optimizer {
  private readonly lbfgs: LBFGSState = { funcEvals: 0, nIter: 0, d: null, t: null, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: null };

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
    throw new Error("LBFGS.step() requires a closure that re-evaluates the model and returns the loss");
  }

  private get params(): Tensor[] { return this.paramGroups[0]!.params; }

  private gatherFlatGrad(): Vec {
    const n = this.params.reduce((s, p) => s + p.numel(), 0);
    const out = new Float64Array(n);
    let off = 0;
    for (const p of this.params) {
      if (p.grad) out.set(floatView(p.grad).data, off);
      off += p.numel();
    }
    return out;
  }

  private addGrad(t: number, d: Vec): void {
    let off = 0;
    for (const p of this.params) {
      const v = floatView(p);
      for (let i = 0; i < v.data.length; i++) v.data[i] = v.data[i]! + t * d[off + i]!;
      v.commit();
      off += p.numel();
    }
  }

  private cloneParams(): Vec[] { return this.params.map((p) => Float64Array.from(floatView(p).data)); }

  private setParams(values: Vec[]): void {
    this.params.forEach((p, k) => { const v = floatView(p); v.data.set(values[k]!); v.commit(); });
  }

  override step(closure?: () => Tensor | number): Tensor | number | null {
    if (!closure) throw new Error("LBFGS.step() requires a closure that re-evaluates the model and returns the loss");
    // Its line search branches on values read back every iteration: that needs synchronous reads.
    if (onDevice(this.params)) throw notImplementedOnDevice("LBFGS.step");
    const evaluate = (): number => { const l = enableGrad(closure); return typeof l === "number" ? l : Number(l.item()); };
    const g = this.paramGroups[0]!;
    const lr = g.lr as number, maxIter = g.max_iter as number, maxEval = g.max_eval as number;
    const tolGrad = g.tolerance_grad as number, tolChange = g.tolerance_change as number, history = g.history_size as number;
    const s = this.lbfgs;
    const origLoss = enableGrad(closure);
    let loss = typeof origLoss === "number" ? origLoss : Number(origLoss.item());
    let currentEvals = 1;
    s.funcEvals++;
    let flatGrad = this.gatherFlatGrad();
    if (absMax(flatGrad) <= tolGrad) return origLoss;
    let { d, t } = s;
    let nIter = 0;
    noGrad(() => {
      while (nIter < maxIter) {
        nIter++;
        s.nIter++;
        if (s.nIter === 1) {
          d = scaled(flatGrad, -1);
          s.oldDirs = []; s.oldStps = []; s.ro = []; s.hDiag = 1;
        } else {
          const y = flatGrad.map((v, i) => v - s.prevFlatGrad![i]!);
          const st = scaled(d!, t!);
          const ys = dot(y, st);
          if (ys > 1e-10) {
            if (s.oldDirs.length === history) { s.oldDirs.shift(); s.oldStps.shift(); s.ro.shift(); }
            s.oldDirs.push(y); s.oldStps.push(st); s.ro.push(1 / ys);
            s.hDiag = ys / dot(y, y);
          }
          const num = s.oldDirs.length;
          const al = new Array<number>(num);
          const q = scaled(flatGrad, -1);
          for (let i = num - 1; i >= 0; i--) { al[i] = dot(s.oldStps[i]!, q) * s.ro[i]!; axpy(q, -al[i]!, s.oldDirs[i]!); }
          const r = scaled(q, s.hDiag);
          for (let i = 0; i < num; i++) { const be = dot(s.oldDirs[i]!, r) * s.ro[i]!; axpy(r, al[i]! - be, s.oldStps[i]!); }
          d = r;
        }
        s.prevFlatGrad = flatGrad.slice();
        s.prevLoss = loss;
        t = s.nIter === 1 ? Math.min(1, 1 / absSum(flatGrad)) * lr : lr;
        const gtd = dot(flatGrad, d!);
        if (gtd > -tolChange) break;
        let lsEvals = 0;
        let optCond = false;
        if (g.line_search_fn === "strong_wolfe") {
          const x0 = this.cloneParams();
          const obj: ObjFunc = (step) => {
            this.addGrad(step, d!);
            const l = evaluate();
            const fg = this.gatherFlatGrad();
            this.setParams(x0);
            return [l, fg];
          };
          [loss, flatGrad, t, lsEvals] = strongWolfe(obj, t, d!, loss, flatGrad, gtd);
          this.addGrad(t, d!);
          optCond = absMax(flatGrad) <= tolGrad;
        } else {
          this.addGrad(t, d!);
          if (nIter !== maxIter) {
            loss = evaluate();
            flatGrad = this.gatherFlatGrad();
            optCond = absMax(flatGrad) <= tolGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        s.funcEvals += lsEvals;
        if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
        if (absMax(d!) * Math.abs(t) <= tolChange) break;
        if (Math.abs(loss - s.prevLoss!) < tolChange) break;
      }
    });
    s.d = d;
    s.t = t;
    return origLoss;
  }
}
