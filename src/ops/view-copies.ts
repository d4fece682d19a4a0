// The *_copy functions (PyTorch's functionalization names: torch.transpose_copy, torch.slice_copy,
// ...): the view op, then a contiguous copy of its result(s), so the output never aliases the
// input. Gradients follow from the view op and the copy. torch.* only, as in PyTorch.

import { contiguousFormat } from "../core/memory-format.js";
import { Tensor } from "../core/tensor.js";
import type { DTypeLike } from "../core/dtype.js";
import { type Args, bindArgs, checkArgs, checkTensor, isOptionsObject, rebind, type PlainForm } from "./args.js";
import { hasOut, withOut } from "./out.js";
import {
  asStrided, diagonal, expand, permute, reshape, select, slice, split, squeeze, t, transpose, unbind, unsqueeze, clone,
} from "./view.js";
import { splitWithSizes } from "./split-forms.js";
import { viewAsComplex, viewAsReal } from "./complex-views.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

/** The options of a *_copy function: out (a tensor, or a list for the splits), and any parameter by name. */
type CopyOptions<R> = { out?: R | null } & Record<string, unknown>;

/**
 * The copying form of `viewOp`, named `op` in messages, with out= (out's dtype must be the
 * result's). `names` (PyTorch's parameters after input, camelCase; the first `required` of them
 * required) is given where viewOp does not bind options itself: they may then come in the options
 * object (API.md rule 2), and extra positional arguments are Python's error.
 */
const CONTIGUOUS = { memoryFormat: contiguousFormat };

/** A view op's parameters after input and its result, read off its plain signature (PlainForm). */
type ViewArgs<V> = PlainForm<V> extends (input: Tensor, ...args: infer A) => unknown ? A : never;
type ViewResult<V> = PlainForm<V> extends (...args: never[]) => infer R ? R : never;

function copyOf<V extends (input: Tensor, ...args: never[]) => Tensor | Tensor[], A extends unknown[] = ViewArgs<V>, R extends Tensor | Tensor[] = Extract<ViewResult<V>, Tensor | Tensor[]>>(
  op: string, viewOp: V, names?: readonly string[], required = 0, keywords: readonly string[] = [],
): (input: Tensor, ...args: Args<A, CopyOptions<R>>) => R {
  const f = (input: Tensor, ...args: Args<A, CopyOptions<R>>): R => {
    if (hasOut(args)) return withOut(op, args, (rest) => f(input, ...(rest as Args<A, CopyOptions<R>>)), "same", false, [input]);
    if (names) {
      const last = args[args.length - 1];
      if (isOptionsObject(last) && Object.keys(last).some((k) => names.includes(k))) return rebind(f, op, [input, ...args], ["input", ...names], required + 1, keywords);
      checkArgs(op, [input, ...args], 1 + names.length, keywords);
    }
    checkTensor(op, "input", input);
    const r = (viewOp as unknown as (input: Tensor, ...a: A) => Tensor | Tensor[])(input, ...(args as unknown as A));
    // The *_copy functions return contiguous tensors, whatever the view's layout.
    return (Array.isArray(r) ? r.map((v) => clone(v, CONTIGUOUS)) : clone(r, CONTIGUOUS)) as R;
  };
  return f;
}

export const aliasCopy = copyOf("alias_copy", (input: Tensor) => input, []);
export const asStridedCopy = copyOf("as_strided_copy", asStrided);
export const detachCopy = copyOf("detach_copy", (input: Tensor) => input.detach(), []);
export const diagonalCopy = copyOf("diagonal_copy", diagonal);
export const expandCopy = copyOf("expand_copy", (input: Tensor, size: number[], options: { implicit?: boolean } = {}) => {
  // implicit only marks the expands that broadcasting inserted: it changes nothing here.
  bindArgs("expand_copy", [options], [], ["implicit"]);
  return expand(input, size);
}, ["size"], 1, ["implicit"]);
export const permuteCopy = copyOf("permute_copy", (input: Tensor, dims: number[]) => permute(input, dims), ["dims"], 1);
export const selectCopy = copyOf("select_copy", select);
export const sliceCopy = copyOf("slice_copy", (input: Tensor, dim: number = 0, start: number | null = null, end: number | null = null, step: number = 1) => {
  return slice(input, dim, start ?? 0, end ?? Number.MAX_SAFE_INTEGER, step);
}, ["dim", "start", "end", "step"]);
export const splitCopy = copyOf("split_copy", (input: Tensor, splitSize: number, dim: number = 0) => split(input, splitSize, dim), ["splitSize", "dim"], 1);
export const splitWithSizesCopy = copyOf("split_with_sizes_copy", splitWithSizes);
export const squeezeCopy = copyOf("squeeze_copy", squeeze);
export const tCopy = copyOf("t_copy", t);
export const transposeCopy = copyOf("transpose_copy", transpose);
export const unbindCopy = copyOf("unbind_copy", unbind);
export const unfoldCopy = copyOf("unfold_copy", (input: Tensor, dimension: number, size: number, step: number) => input.unfold(dimension, size, step), ["dimension", "size", "step"], 3);
export const unsqueezeCopy = copyOf("unsqueeze_copy", unsqueeze);
/** view_copy(input, size | dtype): PyTorch reshapes where a view is impossible (a copy either way). */
// PyTorch 1.13 refuses autograd through view_as_complex_copy (its complex-output allowlist lacks
// the *_copy names, as for transpose_copy); like the other copies here, these keep the gradient.
export const viewAsRealCopy = copyOf("view_as_real_copy", viewAsReal, []);
export const viewAsComplexCopy = copyOf("view_as_complex_copy", (input: Tensor) => {
  if (onDevice(input)) throw notImplementedOnDevice("view_as_complex_copy");
  return viewAsComplex(input);
}, []);
export const viewCopy = copyOf("view_copy", (input: Tensor, size: number[] | DTypeLike) =>
  Array.isArray(size) ? reshape(input, size) : input.view(size), ["size|dtype"], 1);
