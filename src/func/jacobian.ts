// torch.func.jacrev, jacfwd and hessian. jacrev computes one vector-Jacobian product per output
// element (PyTorch's jacrev vmaps the same products; torch-ts loops over them); jacfwd runs func in
// forward mode once per input element (forward.ts, each pass in its own dual level, so that jacfwd
// of jacfwd is forward over forward), its randomness flag applied per direction as vmap's. Results
// nest as PyTorch's: outputs'
// structure outside, the differentiated arguments' inside, each Jacobian shaped
// output.shape + input.shape.

import { Tensor } from "../core/tensor.js";
import { type Args, bindArgs } from "../ops/args.js";
import { stack } from "../ops/shape-join.js";
import { type Argnums, checkArgnums } from "./argnums.js";
import { named, vjpWithArgnums } from "./grad.js";
import { treeFlatten, treeUnflatten } from "./pytree.js";
import { type Randomness, checkRandomness } from "./vmap-randomness.js";
import { forwardJacobian } from "./forward.js";

export interface JacrevOptions { argnums?: Argnums; hasAux?: boolean; chunkSize?: number | null }
export interface JacfwdOptions { argnums?: Argnums; hasAux?: boolean; randomness?: Randomness }

function errorIfComplex(api: string, tree: unknown, isInput: boolean): void {
  treeFlatten(tree)[0].forEach((t, idx) => {
    if (t instanceof Tensor && t.dtype.isComplex) throw new Error(`${api}: Expected all ${isInput ? "inputs" : "outputs"} to be real but received complex tensor at flattened input idx: ${idx}`);
  });
}

/** The Jacobian of func at args with respect to argnums, [jacobian, aux] with hasAux. */
function reverseJacobian(api: string, func: (...args: never[]) => unknown, args: unknown[], argnums: Argnums, hasAux: boolean): unknown {
  errorIfComplex(api, args, true);
  const { output, vjpFn, aux } = vjpWithArgnums(func, args, argnums, hasAux);
  const [flatOut, outSpec] = treeFlatten(output);
  errorIfComplex(api, flatOut, false);
  const outs = flatOut as Tensor[];
  const idx = checkArgnums(argnums, args.length);
  const primals = typeof idx === "number" ? [args[idx]] : idx.map((i) => args[i]);
  const [flatPrimals, primalsSpec] = treeFlatten(typeof idx === "number" ? primals[0] : primals);
  const ps = flatPrimals as Tensor[];
  const numels = outs.map((o) => o.numel());
  const total = numels.reduce((a, b) => a + b, 0);
  // The standard basis of the flattened outputs, one row per output element: the vjp of each row.
  const basis = outs.map((o, k) => {
    const chunk = o.newZeros([total, numels[k]!]);
    chunk.diagonal(-numels.slice(0, k).reduce((a, b) => a + b, 0)).fill_(1);
    return chunk.view([total, ...o.shape]);
  });
  const rows: Tensor[][] = ps.map(() => []);
  for (let r = 0; r < total; r++) {
    const cot = treeUnflatten(basis.map((b) => b.select(0, r)), outSpec);
    const [flatRes] = treeFlatten(vjpFn(cot));
    (flatRes as Tensor[]).forEach((g, j) => rows[j]!.push(g));
  }
  const perPrimal = ps.map((p, j) => (total === 0 ? p.newZeros([0, ...p.shape]) : stack(rows[j]!, 0)));
  // Split each primal's rows by output, then transpose to outputs outside, primals inside.
  const split = perPrimal.map((m, j) => {
    let start = 0;
    return outs.map((o, k) => {
      const part = m.narrow(0, start, numels[k]!).view([...o.shape, ...ps[j]!.shape]);
      start += numels[k]!;
      return part;
    });
  });
  const perOutput = outs.map((_, k) => treeUnflatten(split.map((s) => s[k]!), primalsSpec));
  const jac = treeUnflatten(perOutput, outSpec);
  return hasAux ? [jac, aux] : jac;
}

/**
 * torch.func.jacrev(func, argnums=0, *, has_aux=False, chunk_size=None): a function returning the
 * Jacobian of func with respect to the arguments at argnums. chunkSize is checked; the rows are
 * computed one at a time whatever its value. R types the result (default Tensor).
 */
export function jacrev<A extends unknown[], R = Tensor>(func: (...args: A) => unknown, ...rest: Args<[argnums?: Argnums], JacrevOptions>): (...args: A) => R {
  const o = bindArgs("jacrev", rest, ["argnums"], ["hasAux", "chunkSize"]);
  const argnums = (o.argnums as Argnums | undefined) ?? 0, hasAux = (o.hasAux as boolean | undefined) ?? false;
  const chunkSize = o.chunkSize as number | null | undefined;
  if (!(chunkSize === undefined || chunkSize === null || chunkSize > 0)) throw new Error("jacrev: `chunk_size` should be greater than 0.");
  const f = func as (...a: never[]) => unknown;
  return named((...args: A): R => reverseJacobian("jacrev", f, args, argnums, hasAux) as R, f);
}

/**
 * torch.func.jacfwd(func, argnums=0, has_aux=False, *, randomness="error"): the Jacobian by
 * forward-mode AD, one pass of func per input element; randomness "error" refuses random ops in
 * func, "same" gives every pass the same draws, "different" lets them draw anew, as PyTorch's.
 */
export function jacfwd<A extends unknown[], R = Tensor>(func: (...args: A) => unknown, ...rest: Args<[argnums?: Argnums, hasAux?: boolean], JacfwdOptions>): (...args: A) => R {
  const o = bindArgs("jacfwd", rest, ["argnums", "hasAux"], ["randomness"]);
  const argnums = (o.argnums as Argnums | undefined) ?? 0, hasAux = (o.hasAux as boolean | undefined) ?? false;
  const randomness = o.randomness ?? "error";
  const f = func as (...a: never[]) => unknown;
  return named((...args: A): R => {
    checkRandomness(randomness);
    errorIfComplex("jacfwd", args, true);
    return forwardJacobian("jacfwd", f, args, argnums, hasAux, randomness) as R;
  }, f);
}

/**
 * torch.func.hessian(func, argnums=0): jacfwd(jacrev(func, argnums), argnums) (forward over
 * reverse), the Hessian shaped
 * input.shape + input.shape (nested per argument for an array argnums).
 */
export function hessian<A extends unknown[], R = Tensor>(func: (...args: A) => unknown, ...rest: Args<[argnums?: Argnums], { argnums?: Argnums }>): (...args: A) => R {
  const o = bindArgs("hessian", rest, ["argnums"]);
  const argnums = (o.argnums as Argnums | undefined) ?? 0;
  return jacfwd<A, R>(jacrev(func, argnums), argnums);
}
