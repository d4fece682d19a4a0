// Async forms of the ops whose result's size depends on the values: nonzeroAsync, argwhereAsync,
// maskedSelectAsync, uniqueAsync, uniqueConsecutiveAsync (x.getAsync is in indexing.ts). On the
// CPU they resolve to the synchronous op's result, so code written with them runs on either
// device; on "webgpu", where the synchronous forms throw (reading the size back is asynchronous),
// the device computes the result and reads back only its size.

import type { Tensor } from "../core/tensor.js";
import { bool } from "../core/dtype.js";
import { type Args, bindArgs, checkArgs, checkTensor, installMethods, type Method } from "./args.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { argwhere, maskedSelect, nonzero } from "./indexing-mask.js";
import { type UniqueOptions, unique, uniqueConsecutive } from "./sorting.js";

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

declare module "../core/tensor.js" {
  interface Tensor {
    nonzeroAsync(options: { asTuple: true }): Promise<Tensor[]>;
    nonzeroAsync(options?: { asTuple?: false }): Promise<Tensor>;
    argwhereAsync: Method<typeof argwhereAsync>;
    maskedSelectAsync: Method<typeof maskedSelectAsync>;
    uniqueAsync: Method<typeof uniqueAsync>;
    uniqueConsecutiveAsync: Method<typeof uniqueConsecutiveAsync>;
  }
}

installMethods({ nonzeroAsync, argwhereAsync, maskedSelectAsync, uniqueAsync, uniqueConsecutiveAsync });
