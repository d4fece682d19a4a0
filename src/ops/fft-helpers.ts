// torch.fft's helpers: the sample frequencies of a transform (fftfreq, rfftfreq) and the shifts
// that move the zero frequency to the centre and back (fftshift, ifftshift).

import type { Tensor } from "../core/tensor.js";
import { type DTypeLike, getDefaultDtype, scalarTypeName, toDType } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindArgs, checkInt, checkTensor, describe } from "./args.js";
import { arange } from "./creation.js";
import { cat } from "./shape-join.js";
import { roll } from "./shape-reorder.js";
import { finishFactory } from "./factory-utils.js";
import { noGrad } from "../autograd/grad-mode.js";
import { throughRealView } from "./complex-parts.js";

type FreqOptions = { d?: number; dtype?: DTypeLike | null; device?: string | null; requiresGrad?: boolean; layout?: null; pinMemory?: boolean };
const FACTORY_KW = ["dtype", "device", "requiresGrad", "layout", "pinMemory"];

function frequencies(op: string, n: unknown, args: readonly unknown[], onesided: boolean): Tensor {
  const a = bindArgs(op, args, ["d"], FACTORY_KW, 1);
  if (typeof n !== "number" || !Number.isInteger(n)) throw new Error(`${op}(): argument 'n' (position 1) must be int, not ${describe(n)}`);
  const d = a.d === undefined ? 1 : a.d;
  if (typeof d !== "number") throw new Error(`${op}(): argument 'd' (position 2) must be float, not ${describe(d)}`);
  const dtype = a.dtype === undefined || a.dtype === null ? getDefaultDtype() : toDType(a.dtype as DTypeLike);
  if (dtype.isComplex) throw new Error(`"arange_cpu" not implemented for '${scalarTypeName(dtype)}'`);
  if (!dtype.isFloatingPoint) throw new Error(`${op.replace(/^fft_/, "")} requires a floating point or complex dtype`);
  if (n < 0) throw new Error(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  // ATen: arange in the dtype, the upper half rewritten as -(n/2) .. -1, then one multiply by 1/(n·d).
  const values = noGrad(() => {
    const positive = arange(onesided ? Math.floor(n / 2) + 1 : Math.floor((n + 1) / 2), { dtype });
    const all = onesided ? positive : cat([positive, arange(-Math.floor(n / 2), 0, { dtype })]);
    return all.mul(1 / (n * d));
  });
  return finishFactory(values, a);
}

/** torch.fft.fftfreq(n, d=1.0, *, dtype, device, requires_grad): [0, 1, ..., -(n/2), ..., -1] / (n·d). */
export function fftfreq(n: number, ...args: Args<[d?: number], FreqOptions>): Tensor {
  return frequencies("fft_fftfreq", n, args, false);
}

/** torch.fft.rfftfreq(n, d=1.0, *, dtype, device, requires_grad): [0, 1, ..., n/2] / (n·d). */
export function rfftfreq(n: number, ...args: Args<[d?: number], FreqOptions>): Tensor {
  return frequencies("fft_rfftfreq", n, args, true);
}

function shift(op: string, input: Tensor, args: readonly unknown[], amount: (size: number) => number): Tensor {
  checkTensor(op, "input", input);
  const a = bindArgs(op, args, ["dim"], [], 1);
  const ndim = input.dim();
  let dims: number[];
  if (a.dim === undefined || a.dim === null) dims = Array.from({ length: ndim }, (_, i) => i);
  else if (typeof a.dim === "number") dims = [checkInt(op, "dim", a.dim)];
  else if (Array.isArray(a.dim)) dims = a.dim.map((d) => checkInt(op, "dim", d));
  else throw new Error(`${op}(): argument 'dim' must be tuple of ints, not ${describe(a.dim)}`);
  dims = dims.map((d) => normalizeDim(d, ndim));
  if (dims.length === 0) throw new Error("`shifts` required");
  const shifts = dims.map((d) => amount(input.shape[d]!));
  // A complex tensor rolls through its real view (the trailing pair dim stays in place).
  if (input.isComplex()) return throughRealView(input, (r) => roll(r, shifts, dims));
  return roll(input, shifts, dims);
}

/** torch.fft.fftshift(input, dim?): rolls each dim by size/2, moving the zero frequency to the centre. */
export function fftshift(input: Tensor, ...args: Args<[dim?: number | number[] | null], { dim?: number | number[] | null }>): Tensor {
  return shift("fft_fftshift", input, args, (n) => Math.floor(n / 2));
}

/** torch.fft.ifftshift(input, dim?): the inverse of fftshift (rolls by (size+1)/2). */
export function ifftshift(input: Tensor, ...args: Args<[dim?: number | number[] | null], { dim?: number | number[] | null }>): Tensor {
  return shift("fft_ifftshift", input, args, (n) => Math.floor((n + 1) / 2));
}
