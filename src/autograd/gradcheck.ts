// torch.autograd.gradcheck / gradgradcheck: analytical vs central-difference numerical Jacobians.

import type { Tensor } from "../core/tensor.js";
import { grad } from "./engine.js";
import { noGrad } from "./grad-mode.js";

export interface GradcheckOptions { eps?: number; atol?: number; rtol?: number; raiseException?: boolean }

function outputsOf(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return (Array.isArray(r) ? r : [r]).filter((t) => t.dtype.isFloatingPoint);
}

/** Compares d(outputs)/d(inputs) from autograd with finite differences, element by element. */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const raise = options.raiseException ?? true;
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const diff = ins.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype.name !== "float64") {
      console.warn(`gradcheck: input of dtype ${t.dtype} is not double precision; the check may fail from rounding alone`);
    }
  }
  const outs = outputsOf(fn, ins);
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi]!;
    const n = out.numel();
    // Analytical rows: grad of each output element.
    const analytical: number[][][] = diff.map(() => []);
    for (let k = 0; k < n; k++) {
      const go = out.newZeros(out.shape);
      go.view(-1).set([k], 1);
      const gs = grad([out], diff, { gradOutputs: [go], retainGraph: true, allowUnused: true });
      gs.forEach((g, i) => {
        analytical[i]!.push(g ? (g.reshape(-1).tolist() as number[]) : new Array(diff[i]!.numel()).fill(0));
      });
    }
    // Numerical columns: perturb each input element.
    for (let i = 0; i < diff.length; i++) {
      const x = diff[i]!;
      const flat = x.detach().view(-1);
      for (let j = 0; j < x.numel(); j++) {
        const orig = Number(flat.get(j).item());
        const f = (v: number): number[] => noGrad(() => {
          flat.set([j], v);
          const o = outputsOf(fn, ins)[oi]!;
          return o.reshape(-1).tolist() as number[];
        });
        const plus = f(orig + eps), minus = f(orig - eps);
        flat.set([j], orig);
        for (let k = 0; k < n; k++) {
          const num = (plus[k]! - minus[k]!) / (2 * eps);
          const ana = analytical[i]![k]![j]!;
          if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num)) && !(Number.isNaN(num) && Number.isNaN(ana))) {
            const msg = `Jacobian mismatch for output ${oi} with respect to input ${i},\nnumerical:${num}\nanalytical:${ana}\n(at output element ${k}, input element ${j})`;
            if (raise) throw new Error(`gradcheck: ${msg}`);
            return false;
          }
        }
      }
    }
  }
  return true;
}

/** Checks second derivatives: gradcheck of the function's vector-Jacobian product. */
export function gradgradcheck(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const diff = ins.filter((t) => t.requiresGrad);
  const outs0 = outputsOf(fn, ins);
  const gos = outs0.map((o) => o.detach().mul(0).add(1).mul(0.5).requiresGrad_(true));
  const vjp = (...xs: Tensor[]): Tensor[] => {
    const xin = xs.slice(0, ins.length);
    const outs = outputsOf(fn, xin);
    const d = xin.filter((t) => t.requiresGrad);
    return grad(outs, d, { gradOutputs: xs.slice(ins.length), createGraph: true, allowUnused: true }).filter((g): g is Tensor => g !== null);
  };
  void diff;
  return gradcheck(vjp, [...ins, ...gos], options);
}
