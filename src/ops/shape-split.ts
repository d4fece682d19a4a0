// torch.hsplit / vsplit / dsplit: tensor_split along dim 1 (0 for 1-d), 0 and 2, where a number
// of sections must divide the dim evenly.

import type { Tensor } from "../core/tensor.js";
import { checkTensor, describe, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { tensorSplit } from "./view.js";

function splitAlong(op: string, input: Tensor, sections: number | number[], minDims: number, dim: number): Tensor[] {
  checkTensor(op, "input", input);
  if (input.dim() < minDims) {
    throw new Error(`torch.${op} requires a tensor with at least ${minDims} dimension, but got a tensor with ${input.dim()} dimensions!`);
  }
  if (typeof sections === "number") {
    if (!Number.isInteger(sections)) throw new Error(`${op}(): argument 'sections' must be int, not float`);
    const size = input.shape[dim]!;
    if (sections === 0 || size % sections !== 0) {
      throw new Error(`torch.${op} attempted to split along dimension ${dim}, but the size of the dimension ${size} is not divisible by the split_size ${sections}!`);
    }
  } else if (!Array.isArray(sections) || sections.some((i) => !Number.isInteger(i))) {
    throw new Error(`${op}(): argument 'indices' must be tuple of ints, not ${describe(sections)}`);
  }
  return tensorSplit(input, sections, dim);
}

/** torch.hsplit(input, sections | indices): splits columns (dim 1; dim 0 of a 1-d tensor). */
export function hsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[];
export function hsplit<A extends Rebound<[input: Tensor, indicesOrSections: number | number[]], ["input", "sections"]>>(...args: A): Tensor[];
export function hsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[] { if (arguments.length > 2) checkArgs("hsplit", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? indicesOrSections : input)) return rebind(hsplit, "hsplit", arguments, ["input", "sections|indices"], 2, []);
  return splitAlong("hsplit", input, indicesOrSections, 1, input.dim() === 1 ? 0 : 1);
}

/** torch.vsplit(input, sections | indices): splits rows (dim 0) of a tensor of 2 or more dims. */
export function vsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[];
export function vsplit<A extends Rebound<[input: Tensor, indicesOrSections: number | number[]], ["input", "sections"]>>(...args: A): Tensor[];
export function vsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[] { if (arguments.length > 2) checkArgs("vsplit", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? indicesOrSections : input)) return rebind(vsplit, "vsplit", arguments, ["input", "sections|indices"], 2, []);
  return splitAlong("vsplit", input, indicesOrSections, 2, 0);
}

/** torch.dsplit(input, sections | indices): splits depth (dim 2) of a tensor of 3 or more dims. */
export function dsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[];
export function dsplit<A extends Rebound<[input: Tensor, indicesOrSections: number | number[]], ["input", "sections"]>>(...args: A): Tensor[];
export function dsplit(input: Tensor, indicesOrSections: number | number[]): Tensor[] { if (arguments.length > 2) checkArgs("dsplit", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? indicesOrSections : input)) return rebind(dsplit, "dsplit", arguments, ["input", "sections|indices"], 2, []);
  return splitAlong("dsplit", input, indicesOrSections, 3, 2);
}

declare module "../core/tensor.js" {
  interface Tensor {
    hsplit: Method<typeof hsplit>;
    vsplit: Method<typeof vsplit>;
    dsplit: Method<typeof dsplit>;
  }
}
installMethods({ hsplit, vsplit, dsplit });
