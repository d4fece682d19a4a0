// torch.func's forward-mode transforms on torch.autograd.forwardAd: jvp runs func once on dual
// tensors; jacfwd runs it once per input direction (PyTorch vmaps those jvps; torch-ts loops, with
// the randomness flag applied per direction as vmap's). Each pass opens its own dual level, nested
// inside any open one as functorch's levels: jvp of jvp and jacfwd of jacfwd compute forward over
// forward, and a tangent never leaks into another level's (no perturbation confusion).

import { Tensor } from "../core/tensor.js";
import { closeLevel, openLevel } from "../autograd/forward-grad.js";
import { makeDual, unpackDual } from "../autograd/forward-ad.js";
import { stack } from "../ops/shape-join.js";
import { type Argnums, checkArgnums } from "./argnums.js";
import { pythonType, treeFlatten, treeUnflatten, type TreeSpec } from "./pytree.js";
import { type Randomness, RandomnessScope } from "./vmap-randomness.js";

export interface ForwardPass { output: unknown; outputs: Tensor[]; spec: TreeSpec; tangents: (Tensor | null)[]; aux: unknown }

/**
 * One forward-mode pass: call(duals) with each primal made dual with its tangent; the outputs
 * (flattened, checked to be tensors by `checkOutputs`) and their tangents (null where an output
 * does not depend on the primals), and aux when `splitAux` separates it.
 */
export function forwardPass(
  primals: Tensor[], tangents: Tensor[], call: (duals: Tensor[]) => unknown,
  split: (out: unknown) => [unknown, unknown], checkOutputs: (flat: unknown[]) => void,
): ForwardPass {
  const level = openLevel(false);
  try {
    const duals = primals.map((p, i) => makeDual(p, tangents[i]!, { level }));
    const [output, aux] = split(call(duals));
    const [flat, spec] = treeFlatten(output);
    checkOutputs(flat);
    const outputs = flat as Tensor[];
    // Closing the level unwraps the outputs: they keep the tangents of the levels outside only.
    return { output, outputs, spec, tangents: outputs.map((o) => unpackDual(o, { level }).tangent), aux };
  } finally {
    closeLevel(level);
  }
}

/**
 * The Jacobian of func at args with respect to argnums by forward mode, nested as PyTorch's
 * jacfwd (outputs outside, the differentiated arguments inside, each shaped out.shape + in.shape).
 */
export function forwardJacobian(
  api: string, func: (...args: never[]) => unknown, args: unknown[], argnums: Argnums, hasAux: boolean, randomness: Randomness,
): unknown {
  const idx = checkArgnums(argnums, args.length);
  const diff = typeof idx === "number" ? args[idx] : idx.map((i) => args[i]);
  const [flatPrimals, primalsSpec] = treeFlatten(diff);
  flatPrimals.forEach((p) => { if (!(p instanceof Tensor)) throw new Error(`Thing passed to transform API must be Tensor, got ${pythonType(p)}`); });
  const ps = flatPrimals as Tensor[];
  const numels = ps.map((p) => p.numel());
  const starts = numels.map((_, i) => numels.slice(0, i).reduce((a, b) => a + b, 0));
  const total = numels.reduce((a, b) => a + b, 0);
  const split = (out: unknown): [unknown, unknown] => {
    if (!hasAux) return [out, undefined];
    if (!(Array.isArray(out) && out.length === 2)) throw new Error(`${api}(f, ...)(*args): output of function f should be a tuple: (output, aux) if has_aux is True`);
    return [out[0], out[1]];
  };
  const checkOutputs = (flat: unknown[]): void => {
    flat.forEach((o, i) => {
      if (!(o instanceof Tensor)) throw new Error(`${api}: expected f(*args) to return only tensors, got unsupported type ${pythonType(o)}`);
      if (o.dtype.isComplex) throw new Error(`${api}: Expected all outputs to be real but received complex tensor at flattened input idx: ${i}`);
    });
  };
  const call = (duals: Tensor[]): unknown => {
    const tree = treeUnflatten(duals, primalsSpec);
    const callArgs = [...args];
    if (typeof idx === "number") callArgs[idx] = tree;
    else idx.forEach((a, n) => { callArgs[a] = (tree as unknown[])[n]; });
    return func(...(callArgs as never[]));
  };
  // One pass per input element, its tangent the basis vector of that element.
  const scope = new RandomnessScope(randomness);
  const passes: ForwardPass[] = [];
  scope.enter();
  try {
    for (let j = 0; j < Math.max(total, 1); j++) {
      scope.beforeElement(j);
      const tangents = ps.map((p, i) => {
        const tg = p.newZeros(p.shape);
        const k = j - starts[i]!;
        if (k >= 0 && k < numels[i]!) tg.view(-1).select(0, k).fill_(1);
        return tg;
      });
      passes.push(forwardPass(ps, tangents, call, split, checkOutputs));
    }
  } finally {
    scope.exit();
  }
  const first = passes[0]!;
  const perOutput = first.outputs.map((o, k) => {
    const columns = passes.map((pass) => pass.tangents[k] ?? o.newZeros(o.shape));
    const perPrimal = ps.map((p, i) => {
      if (numels[i] === 0 || total === 0) return o.newZeros([...o.shape, ...p.shape]);
      const cols = columns.slice(starts[i]!, starts[i]! + numels[i]!);
      return stack(cols, -1).view([...o.shape, ...p.shape]);
    });
    return treeUnflatten(perPrimal, primalsSpec);
  });
  const jac = treeUnflatten(perOutput, first.spec);
  return hasAux ? [jac, first.aux] : jac;
}
