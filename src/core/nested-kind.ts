// Telling a nested tensor (core/nested-tensor.ts) from the rest without loading its class, which
// extends Tensor: the autograd engine (loaded while Tensor itself is) and the ops' entry points ask
// this.

import type { NestedTensor } from "./nested-tensor.js";

/** Whether t is a nested tensor (a load of the prototype's flag: hot ops call this). */
export function isNested(t: unknown): t is NestedTensor {
  return typeof t === "object" && t !== null && (t as { _nested?: boolean })._nested === true;
}
