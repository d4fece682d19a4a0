// torch.testing.make_tensor: a tensor of values drawn uniformly from [low, high), by PyTorch 2.x's
// recipe (torch/testing/_creation.py): the same draws from the generator, so the same seed gives
// PyTorch's tensor (floats: empty().uniform_(low, high); integers and bool: randint).

import { type DType, type DTypeLike, bool, float16, bfloat16, float32, float64, complex64, complex128, int64, toDType } from "../core/dtype.js";
import type { DeviceLike } from "../core/storage.js";
import type { Tensor } from "../core/tensor.js";
import { finfo, iinfo } from "../core/type-info.js";
import { empty } from "../ops/creation.js";
import { randint } from "../ops/random.js";
import { viewAsReal } from "../ops/complex-views.js";
import { pyFloat } from "../nn/modules/utils.js";

/** make_tensor's keyword arguments; dtype and device are required, as in PyTorch. */
export interface MakeTensorOptions {
  dtype: DTypeLike;
  device: DeviceLike;
  /** Inclusive lower bound; default by dtype (-9, or 0 for uint8 and bool). */
  low?: number | null;
  /** Exclusive upper bound; default by dtype (9 for floats, 10 for integers, 2 for bool). */
  high?: number | null;
  requiresGrad?: boolean;
  /** A non-contiguous result (every other element of a doubled last dimension, from the second). */
  noncontiguous?: boolean;
  /** Zeros become 1 (integers, bool) or the dtype's smallest normal number (floats). */
  excludeZero?: boolean;
  /** torch-ts tensors have one memory format (contiguous): only null is accepted. */
  memoryFormat?: null;
}

const FLOATS: readonly DType[] = [float16, bfloat16, float32, float64];
const COMPLEX: readonly DType[] = [complex64, complex128];

function bounds(low: number | null | undefined, high: number | null | undefined, lowest: number, highestExclusive: number,
  defaultLow: number, defaultHigh: number, dtype: DType): [number, number] {
  const lo = low ?? defaultLow, hi = high ?? defaultHigh;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`make_tensor: \`low\` and \`high\` cannot be NaN, but got low=${pyFloat(lo)} and high=${pyFloat(hi)}`);
  const isFloat = FLOATS.includes(dtype) || COMPLEX.includes(dtype);
  if (!(lo === hi && isFloat) && lo >= hi) throw new Error(`make_tensor: \`low\` must be less than \`high\`, but got ${lo} >= ${hi}`);
  if (hi < lowest || lo >= highestExclusive) {
    throw new Error(`make_tensor: the value interval specified by \`low\` and \`high\` is [${lo}, ${hi}), but ${dtype} only supports [${lowest}, ${highestExclusive})`);
  }
  const clamp = (v: number): number => Math.min(Math.max(v, lowest), highestExclusive);
  return isFloat ? [clamp(lo), clamp(hi)] : [Math.ceil(clamp(lo)), Math.ceil(clamp(hi))];
}

/** An int64 bound beyond 2^53 goes to randint as a bigint (clamped to int64's range). */
function intBound(v: number): number | bigint {
  if (Number.isSafeInteger(v)) return v;
  const b = BigInt(v), max = 2n ** 63n - 1n, min = -(2n ** 63n);
  return b > max ? max : b < min ? min : b;
}

/**
 * torch.testing.make_tensor(*shape, { dtype, device, low, high, requiresGrad, noncontiguous,
 * excludeZero }): a tensor of values uniformly drawn from [low, high).
 */
export function makeTensor(...args: [...(number | readonly number[])[], MakeTensorOptions]): Tensor {
  const options = args[args.length - 1] as MakeTensorOptions;
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new TypeError("make_tensor: the last argument must be the options { dtype, device, ... }");
  if (options.dtype === undefined || options.device === undefined) throw new TypeError("make_tensor() missing required keyword-only arguments: 'dtype' and 'device'");
  const sizes = args.slice(0, -1) as (number | readonly number[])[];
  let shape: number[] = sizes.length === 1 && Array.isArray(sizes[0]) ? [...sizes[0]] : (sizes as number[]);
  if (shape.some((n) => typeof n !== "number" || !Number.isInteger(n) || n < 0)) throw new TypeError(`make_tensor: the shape must be non-negative integers, got [${shape.join(", ")}]`);
  const dtype = toDType(options.dtype), device = options.device;
  const { low, high, requiresGrad = false, noncontiguous = false, excludeZero = false, memoryFormat = null } = options;
  if (memoryFormat !== null) throw new Error("make_tensor: torch-ts tensors have one memory format (torch.contiguous_format); memoryFormat must be null");
  if (requiresGrad && !FLOATS.includes(dtype) && !COMPLEX.includes(dtype)) {
    throw new Error(`make_tensor: \`requires_grad=True\` is not supported for boolean and integral dtypes, but got dtype=${dtype}`);
  }
  const doubled = noncontiguous && shape.reduce((a, n) => a * n, 1) > 1;
  if (doubled) shape = [...shape.slice(0, -1), 2 * shape[shape.length - 1]!];
  let result: Tensor;
  if (dtype === bool) {
    const [lo, hi] = bounds(low, high, 0, 2, 0, 2, dtype);
    result = randint(lo, hi, shape, { dtype, device });
  } else if (dtype.category === "int") {
    const info = iinfo(dtype);
    // randint converts its bounds to int64, so int64's maximum itself cannot be the exclusive bound.
    const highest = Number(info.max) + (dtype === int64 ? 0 : 1);
    const [lo, hi] = bounds(low, high, Number(info.min), highest, -9, 10, dtype);
    result = randint(intBound(lo), intBound(hi), shape, { dtype, device });
  } else if (FLOATS.includes(dtype) || COMPLEX.includes(dtype)) {
    const info = finfo(dtype);
    const [lo, hi] = bounds(low, high, info.min, info.max, -9, 9, dtype);
    result = empty(shape, { dtype, device });
    const target = COMPLEX.includes(dtype) ? viewAsReal(result) : result;
    // uniform_ needs to - from within the dtype's range: draw half the range and double it.
    if (hi - lo >= info.max) target.uniform_(lo / 2, hi / 2).mul_(2);
    else target.uniform_(lo, hi);
  } else {
    throw new TypeError(`The requested dtype '${dtype}' is not supported by torch.testing.make_tensor(). To request support, file an issue at: https://github.com/pytorch/pytorch/issues`);
  }
  if (doubled) result = result.get("...", "1::2");
  if (excludeZero) result.set([result.eq(0)], dtype === bool || dtype.category === "int" ? 1 : finfo(dtype).tiny);
  if (FLOATS.includes(dtype) || COMPLEX.includes(dtype)) result.requiresGrad = requiresGrad;
  return result;
}
