// One level of a torch.func gradient transform on torch-ts's reverse-mode autograd. functorch wraps
// the differentiated inputs in a new level and unwraps the results; here a level is the set of
// fresh leaves it made: an input that nothing outside tracks becomes a detached leaf requiring
// grad, one that an outer transform (or the user's autograd) tracks becomes a differentiable view
// of itself, so the outer level still sees through it. A result leaves the level detached unless
// its graph reaches a tensor outside the level: then it keeps its graph for the outer levels, which
// is how grad(grad(f)), jacrev(jacrev(f)) and grad over captured parameters work.

import { Tensor } from "../core/tensor.js";
import { AccumulateGrad, type Node } from "../autograd/node.js";
import { grad as autogradGrad } from "../autograd/engine.js";
import { treeMap, pythonType } from "./pytree.js";
import { detachKeepingTangent } from "../autograd/forward-grad.js";

export class Level {
  private readonly leaves = new Set<Tensor>();

  /** The level's differentiable version of an input (_create_differentiable). */
  differentiable(x: unknown): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`Thing passed to transform API must be Tensor, got ${pythonType(x)}`);
    if (x.requiresGrad) return x.viewAs(x);
    const fresh = detachKeepingTangent(x).requiresGrad_();
    this.leaves.add(fresh);
    return fresh;
  }

  /** Whether t's graph reaches a tensor that requires grad outside this level. */
  reachesOuter(t: Tensor): boolean {
    if (!t.requiresGrad) return false;
    if (t.gradFn === null) return !this.leaves.has(t);
    const seen = new Set<Node>();
    const stack: Node[] = [t.gradFn];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (n instanceof AccumulateGrad) {
        if (!this.leaves.has(n.variable)) return true;
        continue;
      }
      for (const [next] of n.nextFunctions) if (next) stack.push(next);
    }
    return false;
  }

  anyReachesOuter(ts: readonly unknown[]): boolean {
    return ts.some((t) => t instanceof Tensor && this.reachesOuter(t));
  }

  /** A result as the caller of the transform sees it (_undo_create_differentiable). */
  unwrap(t: Tensor): Tensor {
    return this.reachesOuter(t) ? t : detachKeepingTangent(t);
  }

  /** unwrap over a tree whose leaves must be tensors (aux outputs, primal outputs). */
  unwrapTree(tree: unknown): unknown {
    return treeMap(tree, (leaf) => {
      if (!(leaf instanceof Tensor)) throw new Error(`Expected tensors, got unsupported type ${pythonType(leaf)}`);
      return this.unwrap(leaf);
    });
  }
}

/**
 * autograd.grad of the outputs that require grad, zeros for inputs they do not reach (functorch's
 * _autograd_grad): the gradients of a function whose outputs may not depend on its inputs.
 */
export function gradsOrZeros(outputs: readonly Tensor[], inputs: Tensor[], gradOutputs: readonly Tensor[] | null, createGraph: boolean, retainGraph: boolean): Tensor[] {
  const outs: Tensor[] = [], gos: Tensor[] = [];
  outputs.forEach((o, i) => { if (o.requiresGrad) { outs.push(o); if (gradOutputs) gos.push(gradOutputs[i]!); } });
  if (outs.length === 0) return inputs.map((t) => t.newZeros(t.shape));
  const gs = autogradGrad(outs, inputs, { gradOutputs: gradOutputs ? gos : null, createGraph, retainGraph, allowUnused: true });
  return gs.map((g, i) => g ?? inputs[i]!.newZeros(inputs[i]!.shape));
}
