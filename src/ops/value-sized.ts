// Async forms of the ops whose result's size depends on the values: nonzeroAsync, argwhereAsync,
// maskedSelectAsync, uniqueAsync, uniqueConsecutiveAsync, bincountAsync (x.getAsync is in
// indexing.ts), and of those that return a value: equalAsync, allcloseAsync. On the
// CPU they resolve to the synchronous op's result, so code written with them runs on either
// device; on "webgpu", where the synchronous forms throw (reading the size back is asynchronous),
// the device computes the result and reads back only its size.

import type { Tensor } from "../core/tensor.js";
import { bool } from "../core/dtype.js";
import { type Args, bindArgs, checkArgs, checkTensor, installMethods, type Method } from "./args.js";
import { deviceOp, notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { argwhere, maskedSelect, nonzero } from "./indexing-mask.js";
import { type UniqueOptions, bincount, unique, uniqueConsecutive } from "./sorting.js";
import { BINCOUNT_INPUTS, type BincountArgs, bincountArgs } from "./bincount-args.js";
import { type CloseArgs, allclose, equal, isclose } from "./comparison.js";
import { ones, zeros } from "./creation.js";
import { stack } from "./shape-join.js";
import { int64 } from "../core/dtype.js";
import { shapesEqual } from "../core/shape.js";

/** torch.nonzero(input, { asTuple }), asynchronously: [n, ndim] int64 positions, or one 1-d int64 tensor per dim. */
export function nonzeroAsync(input: Tensor, options: { asTuple: true }): Promise<Tensor[]>;
export function nonzeroAsync(input: Tensor, options?: { asTuple?: false }): Promise<Tensor>;
export function nonzeroAsync(input: Tensor, options?: { asTuple?: boolean }): Promise<Tensor | Tensor[]>;
export async function nonzeroAsync(input: Tensor, options: { asTuple?: boolean } = {}): Promise<Tensor | Tensor[]> {
  if (arguments.length > 2) checkArgs("nonzero", arguments, 1, ["asTuple"]);
  const asTuple = (bindArgs("nonzero", [options], [], ["asTuple"]).asTuple as boolean | undefined) ?? false;
  checkTensor("nonzero", "input", input);
  return onDevice(input) ? deviceOp("nonzeroAsync", "nonzero")(input, asTuple) : nonzero(input, { asTuple });
}

/** torch.argwhere(input), asynchronously: [n, ndim] int64 positions of the nonzero elements. */
export async function argwhereAsync(input: Tensor): Promise<Tensor> {
  if (arguments.length > 1) checkArgs("argwhere", arguments, 1);
  checkTensor("argwhere", "input", input);
  return onDevice(input) ? (await deviceOp("nonzeroAsync", "argwhere")(input, false)) as Tensor : argwhere(input);
}

/** torch.masked_select(input, mask), asynchronously: the broadcast input's elements where mask is true (differentiable). */
export async function maskedSelectAsync(input: Tensor, ...args: Args<[mask: Tensor], { mask?: Tensor }>): Promise<Tensor> {
  const a = bindArgs("masked_select", args, ["mask"], [], 1);
  checkTensor("masked_select", "input", input);
  const mask = checkTensor("masked_select", "mask", a.mask);
  if (!onDevice(input, mask)) return maskedSelect(input, mask);
  if (mask.dtype !== bool) throw new Error("masked_select: expected BoolTensor for mask");
  return deviceOp("maskedSelectAsync", "masked_select")(input, mask);
}

type UniqueArgs = Args<[sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null], UniqueOptions>;
type ConsecutiveArgs = Args<[returnInverse?: boolean, returnCounts?: boolean, dim?: number | null], Omit<UniqueOptions, "sorted">>;

/** torch.unique(input, { sorted, returnInverse, returnCounts, dim }), asynchronously (the values sorted, as the CPU's). */
export async function uniqueAsync(input: Tensor, ...args: UniqueArgs): Promise<Tensor | Tensor[]> {
  checkTensor("unique", "input", input);
  if (!onDevice(input)) return unique(input, ...args);
  const o = bindArgs("unique", args, ["sorted", "returnInverse", "returnCounts", "dim"], [], 1);
  return deviceOp("uniqueAsync", "unique")("unique", input, (o.dim as number | null | undefined) ?? null, false,
    (o.returnInverse as boolean | undefined) ?? false, (o.returnCounts as boolean | undefined) ?? false);
}

/** torch.unique_consecutive(input, { returnInverse, returnCounts, dim }), asynchronously. */
export async function uniqueConsecutiveAsync(input: Tensor, ...args: ConsecutiveArgs): Promise<Tensor | Tensor[]> {
  checkTensor("unique_consecutive", "input", input);
  if (!onDevice(input)) return uniqueConsecutive(input, ...args);
  const o = bindArgs("unique_consecutive", args, ["returnInverse", "returnCounts", "dim"], [], 1);
  return deviceOp("uniqueAsync", "unique_consecutive")("unique_consecutive", input, (o.dim as number | null | undefined) ?? null, true,
    (o.returnInverse as boolean | undefined) ?? false, (o.returnCounts as boolean | undefined) ?? false);
}

/**
 * torch.bincount(input, { weights, minlength }), asynchronously. On a device it reads back only the
 * input's min and max (for the length and the sign check) and counts there by index_add.
 */
export async function bincountAsync(input: Tensor, ...args: BincountArgs): Promise<Tensor> {
  if (!onDevice(input, args[0])) return bincount(input, ...args);
  const { weights, minlength, dtype } = bincountArgs(input, args);
  if (weights && dtype !== weights.dtype) {
    throw notImplementedOnDevice(`bincount with ${weights.dtype.name} weights (the counts are float64)`);
  }
  let n = minlength;
  if (input.numel() > 0) {
    const [lo, hi] = (await stack([input.min(), input.max()]).tolistAsync()) as number[];
    if (lo! < 0) throw new Error(BINCOUNT_INPUTS);
    n = Math.max(minlength, hi! + 1);
  }
  const counts = zeros([n], { dtype, device: input.device });
  if (input.numel() > 0) counts.indexAdd_(0, input, weights ? weights.detach() : ones([input.numel()], { dtype: int64, device: input.device }));
  return counts;
}

/** torch.equal(input, other), asynchronously: the same shape and the same values (NaN is never equal). */
export async function equalAsync(input: Tensor, other: Tensor): Promise<boolean> {
  if (arguments.length > 2) checkArgs("equal", arguments, 2);
  checkTensor("equal", "input", input);
  checkTensor("equal", "other", other);
  if (!onDevice(input, other)) return equal(input, other);
  if (!shapesEqual(input.shape, other.shape)) return false;
  return Boolean(await input.eq(other).all().itemAsync());
}

/** torch.allclose(input, other, { rtol, atol, equalNan }), asynchronously. */
export async function allcloseAsync(input: Tensor, other: Tensor, ...args: CloseArgs): Promise<boolean> {
  if (!onDevice(input, other)) return allclose(input, other, ...args);
  return Boolean(await isclose(input, other, ...args).all().itemAsync());
}

declare module "../core/tensor.js" {
  interface Tensor {
    nonzeroAsync(options: { asTuple: true }): Promise<Tensor[]>;
    nonzeroAsync(options?: { asTuple?: false }): Promise<Tensor>;
    argwhereAsync: Method<typeof argwhereAsync>;
    maskedSelectAsync: Method<typeof maskedSelectAsync>;
    uniqueAsync: Method<typeof uniqueAsync>;
    uniqueConsecutiveAsync: Method<typeof uniqueConsecutiveAsync>;
    bincountAsync: Method<typeof bincountAsync>;
    equalAsync: Method<typeof equalAsync>;
    allcloseAsync: Method<typeof allcloseAsync>;
  }
}

installMethods({ nonzeroAsync, argwhereAsync, maskedSelectAsync, uniqueAsync, uniqueConsecutiveAsync, bincountAsync, equalAsync, allcloseAsync });
