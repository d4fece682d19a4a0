// PyTorch's CopySlices: the node an in-place op on a view gives the view's base. It wraps the
// in-place op's own node (fn) and takes fn's edges, except the first, which goes to the base's
// history instead of the view's. Its backward lays the base's gradient out as the base, hands
// fn the view's region of it and writes fn's gradient for the view back into that region.

import type { Tensor } from "../core/tensor.js";
import { type Edge, type Node, OpNode } from "../autograd/node.js";

/** Where the view lies in its base's memory, and whether it reads it conjugated. */
export interface ViewGeometry { size: number[]; stride: number[]; offset: number; conjugated: boolean }

const NO_EDGE: Edge = Object.freeze([null, 0] as const);

/**
 * Gives `base` the history "base with `view`'s region replaced by fn's output": a CopySlices node
 * over fn (the node the in-place op recorded on a snapshot of the view).
 */
export function rebaseOnView(base: Tensor, view: ViewGeometry, fn: OpNode): void {
  const baseShape = base._shape.slice(), baseStrides = base._strides.slice();
  const regionOf = (t: Tensor): Tensor => {
    const r = t.asStrided(view.size, view.stride, view.offset);
    return view.conjugated ? r.conj() : r;
  };
  const node = new OpNode("torch::autograd::CopySlices", [{ shape: baseShape, dtype: base.dtype }], ([g]) => {
    // Written with public ops: under createGraph they record the gradient's own graph.
    const result = g!.newEmptyStrided(baseShape, baseStrides).copy_(g!);
    const slice = regionOf(result);
    const res = fn.apply([slice.clone()]);
    // No gradient for the view from fn: its region gets none (PyTorch leaves it out, as zeros).
    if (res[0]) slice.copy_(res[0]); else slice.zero_();
    return [result, ...res.slice(1)];
  }, []);
  node.userCode = fn.userCode;
  node.nextFunctions = [base._requiresGrad ? base._gradEdge() : NO_EDGE, ...fn.nextFunctions.slice(1)];
  base._gradFn = node as Node;
  base._outputNr = 0;
  base._requiresGrad = true;
}
