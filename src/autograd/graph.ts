// torch.autograd.graph: what programs reach of the graph beyond grad_fn (PyTorch 2.x):
// GradientEdge / getGradientEdge, incrementVersion, and registerMultiGradHook. Its
// saved-tensor hooks (saved_tensors_hooks, save_on_cpu) are not here: torch-ts's backward
// functions hold the tensors they read themselves, so a pack hook could not replace them.

import { Tensor } from "../core/tensor.js";
import { Node, type RemovableHandle } from "./node.js";
import { currentGraphTask } from "./engine.js";

export { Node };

/** PyTorch's GradientEdge: the node a tensor's gradient flows into, and which of its inputs. */
export class GradientEdge {
  constructor(readonly node: Node, readonly outputNr: number) {}
  toString(): string { return `GradientEdge(node=${String(this.node)}, output_nr=${this.outputNr})`; }
}

/** get_gradient_edge(tensor): its grad_fn and output index, or its gradient accumulator for a leaf. */
export function getGradientEdge(tensor: Tensor): GradientEdge {
  if (!(tensor instanceof Tensor)) throw new TypeError(`get_gradient_edge(): expected a Tensor, got ${typeof tensor}`);
  if (!tensor.requiresGrad) throw new Error("It is not possible to get the gradient edge for a Tensor that does not require gradients");
  const [node, nr] = tensor._gradEdge();
  return new GradientEdge(node, nr);
}

/** increment_version(tensor): marks it modified in place, as an in-place op does (saved copies then refuse backward). */
export function incrementVersion(tensor: Tensor | Tensor[]): void {
  for (const t of Array.isArray(tensor) ? tensor : [tensor]) t._bumpVersion();
}

/** The node whose running computes t's gradient (its grad_fn, or its accumulator). */
function gradNode(t: Tensor): Node { return t._gradEdge()[0]; }

/**
 * register_multi_grad_hook(tensors, fn, *, mode="all"): "all" calls fn(grads) once the gradients
 * of every tensor the running backward reaches are computed (null for the others); "any" calls
 * fn(grad) with the first one computed, once per backward.
 */
export function registerMultiGradHook(tensors: Tensor[], fn: ((grads: (Tensor | null)[]) => void) | ((grad: Tensor) => void), options: { mode?: "all" | "any" } = {}): RemovableHandle {
  const mode = options.mode ?? "all";
  if (mode !== "all" && mode !== "any") throw new Error(`Expects mode to be one of ('all', 'any') but got ${String(mode)}`);
  let handles: RemovableHandle[];
  if (mode === "all") {
    const count = new Map<number, number>();
    const buffer = new Map<number, (Tensor | null)[]>();
    const nodes = tensors.map((t) => (t.requiresGrad ? gradNode(t) : null));
    handles = tensors.map((t, idx) => t.registerHook((grad) => {
      const task = currentGraphTask();
      if (task === null) throw new Error("expected this hook to be called inside a backward call");
      const seen = count.get(task.id) ?? 0;
      const grads = buffer.get(task.id) ?? new Array<Tensor | null>(tensors.length).fill(null);
      buffer.set(task.id, grads);
      grads[idx] = grad;
      count.set(task.id, seen + 1);
      const calls = nodes.filter((n) => n !== null && task.willExecute(n)).length;
      if (seen + 1 === calls) {
        count.delete(task.id);
        buffer.delete(task.id);
        (fn as (grads: (Tensor | null)[]) => void)(grads);
      }
    }));
  } else {
    const ran = new Set<number>();
    handles = tensors.filter((t) => t.requiresGrad).map((t) => t.registerHook((grad) => {
      const task = currentGraphTask();
      if (task === null) throw new Error("expected this hook to be called inside a backward call");
      if (ran.has(task.id)) return;
      ran.add(task.id);
      (fn as (grad: Tensor) => void)(grad);
    }));
  }
  return { remove: () => { for (const h of handles) h.remove(); } };
}
