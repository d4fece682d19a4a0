// torch.autograd.gradcheck / gradgradcheck: analytical vs central-difference numerical Jacobians.

import type { Tensor } from "../core/tensor.js";
import { grad } from "./engine.js";
import { dualLevel, makeDual, unpackDual } from "./forward-ad.js";

/**
 * PyTorch's gradcheck options. checkForwardAd compares forward-mode AD's Jacobian (columns from
 * dual tensors) with the numerical one too; checkBackwardAd: false skips the reverse-mode one (for
 * a Function with only jvp). torch-ts does not run PyTorch's extra undefined-grad and batched-grad
 * checks: checkUndefinedGrad is accepted and checks nothing more, and the batched checks are refused.
 */
export interface GradcheckOptions {
  eps?: number; atol?: number; rtol?: number; raiseException?: boolean;
  checkForwardAd?: boolean; checkBackwardAd?: boolean; checkUndefinedGrad?: boolean; checkBatchedGrad?: boolean; checkBatchedForwardGrad?: boolean;
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return (Array.isArray(r) ? r : [r]).filter((t) => t.dtype.isFloatingPoint);
}

/** Jacobian rows as gradcheck compares them: [output][input][output element][input element]. */
type Jacobian = number[][][][];

/** Reverse mode: one vector-Jacobian product per output element. */
function backwardJacobian(outs: Tensor[], diff: Tensor[]): Jacobian {
  return outs.map((out) => {
    const rows: number[][][] = diff.map(() => []);
    for (let k = 0; k < out.numel(); k++) {
      const go = out.detach().newZeros(out.shape);
      go.view(-1).set([k], 1);
      const gs = out.requiresGrad ? grad([out], diff, { gradOutputs: [go], retainGraph: true, allowUnused: true }) : diff.map(() => null);
      gs.forEach((g, i) => rows[i]!.push(g ? (g.reshape(-1).tolist() as number[]) : new Array<number>(diff[i]!.numel()).fill(0)));
    }
    return rows;
  });
}

/** Forward mode: one Jacobian-vector product per input element (its basis tangent), transposed into rows. */
function forwardJacobian(fn: Fn, ins: Tensor[], diff: Tensor[], outSizes: number[]): Jacobian {
  const jac: Jacobian = outSizes.map((n) => diff.map((d) => Array.from({ length: n }, () => new Array<number>(d.numel()).fill(0))));
  diff.forEach((d, i) => {
    for (let j = 0; j < d.numel(); j++) {
      const tangent = d.detach().newZeros(d.shape);
      tangent.view(-1).set([j], 1);
      const columns = dualLevel(() => {
        const outs = outputsOf(fn, ins.map((t) => (t === d ? makeDual(t, tangent) : t)));
        return outs.map((o) => unpackDual(o).tangent?.reshape(-1).tolist() as number[] | undefined);
      });
      columns.forEach((col, o) => { if (col) col.forEach((v, k) => { jac[o]![i]![k]![j] = v; }); });
    }
  });
  return jac;
}

/**
 * Compares d(outputs)/d(inputs) from autograd (reverse mode, and forward mode with checkForwardAd)
 * with central differences, element by element. All analytical rows are taken before any input is
 * perturbed (perturbing writes into the inputs).
 */
export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  const checkForward = options.checkForwardAd ?? false, checkBackward = options.checkBackwardAd ?? true;
  if (options.checkBatchedGrad || options.checkBatchedForwardGrad) throw new Error("gradcheck: torch-ts does not run the batched-gradient checks (check_batched_grad, check_batched_forward_grad)");
  if (!checkForward && !checkBackward) throw new Error("gradcheck: Expected at least one of check_forward_ad or check_backward_ad to be True");
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const diff = ins.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype.name !== "float64") {
      console.warn(`gradcheck: input of dtype ${t.dtype} is not double precision; the check may fail from rounding alone`);
    }
  }
  const outs = outputsOf(fn, ins);
  const analytical: [string, Jacobian][] = [];
  if (checkBackward) analytical.push(["Jacobian", backwardJacobian(outs, diff)]);
  if (checkForward) analytical.push(["Jacobian computed with forward mode", forwardJacobian(fn, ins, diff, outs.map((o) => o.numel()))]);
  const evalOut = (oi: number): number[] => outputsOf(fn, ins)[oi]!.detach().reshape(-1).tolist() as number[];
  for (let oi = 0; oi < outs.length; oi++) {
    const n = outs[oi]!.numel();
    for (let i = 0; i < diff.length; i++) {
      const flat = diff[i]!.detach().view(-1);
      for (let j = 0; j < flat.numel(); j++) {
        const orig = Number(flat.get(j).item());
        flat.set([j], orig + eps);
        const plus = evalOut(oi);
        flat.set([j], orig - eps);
        const minus = evalOut(oi);
        flat.set([j], orig);
        for (let k = 0; k < n; k++) {
          const num = (plus[k]! - minus[k]!) / (2 * eps);
          for (const [what, jac] of analytical) {
            const ana = jac[oi]![i]![k]![j]!;
            if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num)) && !(Number.isNaN(num) && Number.isNaN(ana))) {
              const msg = `${what} mismatch for output ${oi} with respect to input ${i},\nnumerical:${num}\nanalytical:${ana}\n(at output element ${k}, input element ${j})`;
              if (raise) throw new Error(`gradcheck: ${msg}`);
              return false;
            }
          }
        }
      }
    }
  }
  return true;
}

export interface GradgradcheckOptions extends GradcheckOptions { gradOutputs?: Tensor | Tensor[] | null }

/**
 * Checks second derivatives: gradcheck of the function's vector-Jacobian product. Without
 * gradOutputs, PyTorch's: random ones uniform in [-1, 1) shaped as the outputs, requiring grad
 * (drawn from the default generator, one rand per output, as torch.testing.make_tensor does).
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | Tensor[], options: GradgradcheckOptions = {}): boolean {
  const { gradOutputs, ...checkOptions } = options;
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = gradOutputs === undefined || gradOutputs === null
    ? outputsOf(fn, ins).map((o) => o.detach().newEmpty(o.shape).uniform_(-1, 1).requiresGrad_(true))
    : Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs];
  const vjp = (...xs: Tensor[]): Tensor[] => {
    const xin = xs.slice(0, ins.length);
    const outs = outputsOf(fn, xin);
    const d = xin.filter((t) => t.requiresGrad);
    return grad(outs, d, { gradOutputs: xs.slice(ins.length), createGraph: true, allowUnused: true }).filter((g): g is Tensor => g !== null);
  };
  return gradcheck(vjp, [...ins, ...gos], checkOptions);
}
