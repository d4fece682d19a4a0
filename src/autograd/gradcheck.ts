// torch.autograd.gradcheck / gradgradcheck: analytical vs central-difference numerical Jacobians.

import type { Tensor } from "../core/tensor.js";
import { grad } from "./engine.js";

export interface GradcheckOptions { eps?: number; atol?: number; rtol?: number; raiseException?: boolean }

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return (Array.isArray(r) ? r : [r]).filter((t) => t.dtype.isFloatingPoint);
}

/**
 * Compares d(outputs)/d(inputs) from autograd with central differences, element by element.
 * All analytical rows are taken before any input is perturbed (perturbing writes into the inputs).
 */
export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
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
  // analytical[o][i][k] = row k (output element) of d out_o / d in_i, flattened.
  const analytical: number[][][][] = outs.map((out) => {
    const rows: number[][][] = diff.map(() => []);
    for (let k = 0; k < out.numel(); k++) {
      const go = out.detach().newZeros(out.shape);
      go.view(-1).set([k], 1);
      const gs = out.requiresGrad ? grad([out], diff, { gradOutputs: [go], retainGraph: true, allowUnused: true }) : diff.map(() => null);
      gs.forEach((g, i) => rows[i]!.push(g ? (g.reshape(-1).tolist() as number[]) : new Array<number>(diff[i]!.numel()).fill(0)));
    }
    return rows;
  });
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
          const ana = analytical[oi]![i]![k]![j]!;
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
export function gradgradcheck(fn: Fn, inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const outs0 = outputsOf(fn, ins);
  // Fixed, non-trivial grad_outputs that are themselves differentiated.
  const gos = outs0.map((o, k) => o.detach().newZeros(o.shape).add(0.5 + 0.25 * k).requiresGrad_(true));
  const vjp = (...xs: Tensor[]): Tensor[] => {
    const xin = xs.slice(0, ins.length);
    const outs = outputsOf(fn, xin);
    const d = xin.filter((t) => t.requiresGrad);
    return grad(outs, d, { gradOutputs: xs.slice(ins.length), createGraph: true, allowUnused: true }).filter((g): g is Tensor => g !== null);
  };
  return gradcheck(vjp, [...ins, ...gos], options);
}
