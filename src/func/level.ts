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
import { VmapFallback, activeLevels, alignLevels, isBatched, peel, rewrap } from "./batched-tensor.js";

export class Level {
  private readonly leaves = new Set<Tensor>();

  /** The level's differentiable version of an input (_create_differentiable). */
  differentiable(x: unknown): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`Thing passed to transform API must be Tensor, got ${pythonType(x)}`);
    if (activeLevels.length > 0) return this.batchedDifferentiable(x);
    if (x.requiresGrad) return x.viewAs(x);
    const fresh = detachKeepingTangent(x).requiresGrad_();
    this.leaves.add(fresh);
    return fresh;
  }

  /**
   * Inside batched vmaps (vmap(grad(f))): x batched at every running vmap level (an unbatched x
   * expanded), so that the gradient of each element's output is that element's own. Autograd runs
   * on the plain tensor under the BatchedTensors: the level's leaf is that tensor.
   */
  private batchedDifferentiable(x: Tensor): Tensor {
    const levels = activeLevels.map((a) => a.level);
    const { plain } = peel(alignLevels(x, levels));
    if (plain.requiresGrad) return rewrap(plain.viewAs(plain), levels);
    const fresh = detachKeepingTangent(plain).requiresGrad_();
    this.leaves.add(fresh);
    return rewrap(fresh, levels);
  }

  /** Whether t's graph reaches a tensor that requires grad outside this level. */
  reachesOuter(t: Tensor): boolean {
    if (isBatched(t)) return this.reachesOuter(peel(t).plain);
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
    if (isBatched(t)) { const { levels, plain } = peel(t); return rewrap(this.unwrap(plain), levels); }
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
  if (activeLevels.length > 0 && (outputs.some(isBatched) || inputs.some(isBatched) || (gradOutputs !== null && gradOutputs.some(isBatched)))) {
    return batchedGrads(outputs, inputs, gradOutputs, createGraph, retainGraph);
  }
  const outs: Tensor[] = [], gos: Tensor[] = [];
  outputs.forEach((o, i) => { if (o.requiresGrad) { outs.push(o); if (gradOutputs) gos.push(gradOutputs[i]!); } });
  if (outs.length === 0) return inputs.map((t) => t.newZeros(t.shape));
  const gs = autogradGrad(outs, inputs, { gradOutputs: gradOutputs ? gos : null, createGraph, retainGraph, allowUnused: true });
  return gs.map((g, i) => g ?? inputs[i]!.newZeros(inputs[i]!.shape));
}

/**
 * gradsOrZeros inside batched vmaps, on the plain tensors under the BatchedTensors: each output's
 * gradient (ones for grad's scalar, else the cotangent brought to the output's levels) gives every
 * element's own gradient, since each element's output depends only on its own inputs' slices. A
 * cotangent batched where its output is not needs a batched backward pass: fallback (the loop).
 */
function batchedGrads(outputs: readonly Tensor[], inputs: Tensor[], gradOutputs: readonly Tensor[] | null, createGraph: boolean, retainGraph: boolean): Tensor[] {
  const ins = inputs.map(peel);
  const outs: Tensor[] = [], gos: Tensor[] = [];
  outputs.forEach((o, i) => {
    const { levels, plain } = peel(o);
    if (!plain.requiresGrad) return;
    outs.push(plain);
    if (gradOutputs === null) gos.push(plain.newOnes(plain.shape));
    else {
      const g = peel(alignLevels(gradOutputs[i]!, levels)).plain;
      if (g.shape.join() !== plain.shape.join()) throw new VmapFallback("a cotangent of another shape");
      gos.push(g);
    }
  });
  const zeros = (k: number): Tensor => rewrap(ins[k]!.plain.newZeros(ins[k]!.plain.shape), ins[k]!.levels);
  if (outs.length === 0) return inputs.map((_, k) => zeros(k));
  const gs = autogradGrad(outs, ins.map((x) => x.plain), { gradOutputs: gos, createGraph, retainGraph, allowUnused: true });
  return gs.map((g, k) => (g === null || g === undefined ? zeros(k) : rewrap(g, ins[k]!.levels)));
}
