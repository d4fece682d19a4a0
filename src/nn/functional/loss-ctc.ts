// F.ctc_loss: the forward log-space alpha recursion of ATen's CPU kernel, and its backward (beta
// recursion) as the vjp. As in PyTorch, the gradient is the one for log_softmax outputs
// (exp(lp) - exp(log αβ + nll - lp)), and it has no derivative of its own.

import { autocasting } from "../../amp/state.js";
import { autocasts, runAutocast } from "../../amp/hook.js";
import { Tensor } from "../../core/tensor.js";
import { float64, int32, int64 } from "../../core/dtype.js";
import { record } from "../../autograd/record.js";
import { type Args, bindArgs, isOptionsObject, rebind, type Rebound } from "../../ops/args.js";
import { fromArray } from "../../ops/engine.js";
import { where } from "../../ops/comparison.js";
import {
  type Floats, type Reduction, boolArg, checkReduction, floatOut, floatValues, intArg, intValues, scalarName, tensorArg,
} from "./loss-util.js";

type Lengths = Tensor | number[];

interface CtcGeom {
  T: number; B: number; C: number;
  inputLengths: number[]; targetLengths: number[];
  /** Where each batch element's targets start in the (contiguous) targets. */
  offsets: number[];
}

function lengthsOf(name: string, v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => Number(x));
  if (v instanceof Tensor) {
    if (v.dtype.isFloatingPoint || v.dtype.name === "bool") throw new Error(`${name} must be integral`);
    return Array.from(intValues(v));
  }
  if (typeof v === "number") return [v];
  throw new Error(`ctc_loss(): argument '${name}' must be Tensor or tuple of ints`);
}

function ctcGeometry(lp: Tensor, targets: Tensor, il: number[], tl: number[], blank: number): CtcGeom {
  const c = "ctc_loss_cpu";
  if (lp.dim() !== 3) throw new Error(`Expected 3-dimensional tensor, but got ${lp.dim()}-dimensional tensor for argument #1 'log_probs' (while checking arguments for ${c})`);
  const [T, B, C] = lp.shape as [number, number, number];
  if (!(blank < C && blank >= 0)) throw new Error("blank must be in label range");
  if (il.length !== B) throw new Error("input_lengths must be of size batch_size");
  if (tl.length !== B) throw new Error("target_lengths must be of size batch_size");
  const offsets: number[] = [];
  let maxTarget = 0;
  for (let i = 0; i < B; i++) {
    if (tl[i]! < 0) throw new Error(`Expected target_lengths to have value at least 0, but got value ${tl[i]} (while checking arguments for ${c})`);
    maxTarget = Math.max(maxTarget, tl[i]!);
  }
  if (targets.dim() === 1) {
    let pos = 0;
    for (let i = 0; i < B; i++) { offsets.push(pos); pos += tl[i]!; }
    if (targets.size(0) !== pos) throw new Error(`Expected tensor to have size ${pos} at dimension 0, but got size ${targets.size(0)} for argument #2 'targets' (while checking arguments for ${c})`);
  } else {
    const S = targets.dim() === 2 ? targets.size(1) : 0;
    for (let i = 0; i < B; i++) offsets.push(i * S);
    if (targets.dim() !== 2 || targets.size(0) !== B) {
      throw new Error(`Expected tensor to have size ${B} at dimension 0, but got size ${targets.dim() ? targets.size(0) : 0} for argument #2 'targets' (while checking arguments for ${c})`);
    }
    if (S < maxTarget) throw new Error(`Expected tensor to have size at least ${maxTarget} at dimension 1, but got size ${S} for argument #2 'targets' (while checking arguments for ${c})`);
  }
  for (let b = 0; b < B; b++) {
    if (il[b]! < 0) throw new Error(`Expected input_lengths to have value at least 0, but got value ${il[b]} (while checking arguments for ${c})`);
    if (il[b]! > T) throw new Error(`Expected input_lengths to have value at most ${T}, but got value ${il[b]} (while checking arguments for ${c})`);
  }
  return { T, B, C, inputLengths: il, targetLengths: tl, offsets };
}

/** log(exp(a) + exp(b) + exp(c)) as ATen's CTC kernels compute it. */
function lse3(a: number, b: number, c: number): number {
  let m = Math.max(a, b, c);
  if (m === -Infinity) m = 0;
  return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
}

function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return Math.log(Math.exp(a - m) + Math.exp(b - m)) + m;
}

/** The extended label l'(s): blank at even s, targets at odd s. */
function labelAt(tg: ArrayLike<number>, off: number, s: number, blank: number): number {
  return s % 2 === 0 ? blank : tg[off + (s - 1) / 2]!;
}

/** Per batch element: the negative log likelihood and the alpha table ((T, 2L+1), log space). */
function ctcForward(lp: Floats, tg: ArrayLike<number>, g: CtcGeom, blank: number): { nll: Float64Array; alphas: Float64Array[] } {
  const { T, B, C } = g;
  const nll = new Float64Array(B);
  const alphas: Float64Array[] = [];
  const at = (t: number, b: number, c: number): number => lp[(t * B + b) * C + c]!;
  for (let b = 0; b < B; b++) {
    const L = g.targetLengths[b]!, S = 2 * L + 1, Tb = g.inputLengths[b]!, off = g.offsets[b]!;
    const alpha = new Float64Array(T * S).fill(-Infinity);
    alphas.push(alpha);
    if (Tb === 0) { nll[b] = L === 0 ? 0 : Infinity; continue; }
    alpha[0] = at(0, b, blank);
    if (L > 0) alpha[1] = at(0, b, labelAt(tg, off, 1, blank));
    for (let t = 1; t < Tb; t++) {
      for (let s = 0; s < S; s++) {
        const l = labelAt(tg, off, s, blank);
        const a1 = alpha[(t - 1) * S + s]!;
        const a2 = s > 0 ? alpha[(t - 1) * S + s - 1]! : -Infinity;
        const a3 = s > 1 && labelAt(tg, off, s - 2, blank) !== l ? alpha[(t - 1) * S + s - 2]! : -Infinity;
        alpha[t * S + s] = lse3(a1, a2, a3) + at(t, b, l);
      }
    }
    const last = (Tb - 1) * S;
    const l1 = alpha[last + S - 1]!, l2 = L > 0 ? alpha[last + S - 2]! : -Infinity;
    nll[b] = -logAddExp(l1, l2);
  }
  return { nll, alphas };
}

/** d nll_b / d log_probs, times the output gradient of each batch element. */
function ctcBackward(lp: Floats, tg: ArrayLike<number>, g: CtcGeom, blank: number, nll: Float64Array, alphas: Float64Array[],
  gradOut: Floats, zeroInfinity: boolean, out: Floats): void {
  const { T, B, C } = g;
  const at = (t: number, b: number, c: number): number => lp[(t * B + b) * C + c]!;
  out.fill(0);
  const lcab = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const L = g.targetLengths[b]!, S = 2 * L + 1, Tb = g.inputLengths[b]!, off = g.offsets[b]!;
    const nl = nll[b]!, gr = gradOut[b]!;
    if (Tb === 0 || (zeroInfinity && nl === Infinity)) continue;
    const alpha = alphas[b]!;
    const beta = new Float64Array(T * S).fill(-Infinity);
    const last = (Tb - 1) * S;
    beta[last + S - 1] = at(Tb - 1, b, blank);
    if (L > 0) beta[last + S - 2] = at(Tb - 1, b, labelAt(tg, off, S - 2, blank));
    for (let t = Tb - 2; t >= 0; t--) {
      for (let s = 0; s < S; s++) {
        const l = labelAt(tg, off, s, blank);
        const b1 = beta[(t + 1) * S + s]!;
        const b2 = s < S - 1 ? beta[(t + 1) * S + s + 1]! : -Infinity;
        const b3 = s < S - 2 && labelAt(tg, off, s + 2, blank) !== l ? beta[(t + 1) * S + s + 2]! : -Infinity;
        beta[t * S + s] = lse3(b1, b2, b3) + at(t, b, l);
      }
    }
    for (let t = 0; t < Tb; t++) {
      lcab.fill(-Infinity);
      for (let s = 0; s < S; s++) {
        const l = labelAt(tg, off, s, blank);
        lcab[l] = logAddExp(lcab[l]!, alpha[t * S + s]! + beta[t * S + s]!);
      }
      for (let c = 0; c < C; c++) {
        const v = at(t, b, c);
        out[(t * B + b) * C + c] = (Math.exp(v) - Math.exp(lcab[c]! + nl - v)) * gr;
      }
    }
  }
}

interface CtcOptions { blank?: number; reduction?: Reduction; zeroInfinity?: boolean }

/**
 * F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean',
 * zero_infinity=False): log_probs (T, N, C) or (T, C); targets (N, S) padded or concatenated (sum(target_lengths)).
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, ...args: Args<[blank?: number, reduction?: Reduction, zeroInfinity?: boolean], CtcOptions>): Tensor;
export function ctcLoss<A extends Rebound<[logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths], ["logProbs", "targets", "inputLengths", "targetLengths"], CtcOptions>>(...args: A): Tensor;
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths,
  ...args: Args<[blank?: number, reduction?: Reduction, zeroInfinity?: boolean], CtcOptions>): Tensor {
  if (autocasting.on && autocasts("ctc_loss", arguments)) return runAutocast(ctcLoss, arguments);
  if (arguments.length <= 4 && isOptionsObject(arguments.length === 4 ? targetLengths : arguments.length === 3 ? inputLengths : arguments.length === 2 ? targets : logProbs)) return rebind(ctcLoss, "ctc_loss", arguments, ["logProbs", "targets", "inputLengths", "targetLengths", "blank", "reduction", "zeroInfinity"], 4, []);
  const op = "ctc_loss";
  const a = bindArgs(op, args, ["blank", "reduction", "zeroInfinity"], [], 4);
  const lp0 = tensorArg(op, "log_probs", 1, logProbs), tg = tensorArg(op, "targets", 2, targets);
  const blank = intArg(op, "blank", a.blank, 0);
  const reduction = checkReduction(a.reduction ?? "mean");
  const zeroInfinity = boolArg(op, "zero_infinity", a.zeroInfinity, false);
  const il = lengthsOf("input_lengths", inputLengths), tl = lengthsOf("target_lengths", targetLengths);
  const batched = lp0.dim() === 3;
  const lp = batched ? lp0 : lp0.unsqueeze(1);
  if (lp.dtype.name !== "float32" && lp.dtype.name !== "float64") throw new Error(`"ctc_loss_cpu" not implemented for '${scalarName(lp.dtype)}'`);
  if (tg.dtype !== int64 && tg.dtype !== int32) throw new Error(`ctc_loss(): expected targets of type Long or Int, but got ${scalarName(tg.dtype)}`);
  const geom = ctcGeometry(lp, tg, il, tl, blank);
  const lpv = floatValues(lp), tgv = intValues(tg);
  for (let b = 0; b < geom.B; b++) {
    for (let k = 0; k < tl[b]!; k++) {
      const v = tgv[geom.offsets[b]! + k]!;
      if (!(v >= 0 && v < geom.C)) throw new Error(`ctc_loss: target value ${v} is out of the label range [0, ${geom.C})`);
    }
  }
  const { nll, alphas } = ctcForward(lpv, tgv, geom, blank);
  const resOut = floatOut([geom.B], lp.dtype);
  resOut.data.set(nll);
  let res = record("CtcLossBackward0", [lp], resOut.done(), ([g]) => {
    const go = floatValues(g!);
    const gi = floatOut(lp.shape, lp.dtype);
    ctcBackward(lpv, tgv, geom, blank, nll, alphas, go, zeroInfinity, gi.data);
    const gt = gi.done();
    return [record("CtcLossBackwardBackward0", [g, lp], gt, () => {
      throw new Error("derivative for aten::_ctc_loss_backward is not implemented");
    })];
  }, [lp]);
  if (zeroInfinity) res = where(res.eq(Infinity), res.newZeros([]), res);
  if (reduction === "mean") {
    const lengths = fromArray(Float64Array.from(tl, (v) => Math.max(v, 1)), [geom.B], float64).to(res.dtype);
    return res.div(lengths).mean();
  }
  if (reduction === "sum") return res.sum();
  return batched ? res : res.squeeze(0);
}
