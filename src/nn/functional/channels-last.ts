// PyTorch's convolution, pooling, batch norm and interpolation kernels return a channels-last
// result for a channels-last input (or weight): the same values, laid out as the input, so a
// channels-last network stays channels-last. torch-ts's kernels compute in NCHW order; the result
// is then laid out again (a copy, recorded as a clone for autograd).

import type { Tensor } from "../../core/tensor.js";
import { QuantizedStorage } from "../../core/quantized-storage.js";
import { type MemoryFormat, channelsLast, channelsLast3d, contiguousFormat, isContiguousAs, stridesFor, suggestMemoryFormat } from "../../core/memory-format.js";

/**
 * The channels-last format a rank-`rank` result computed from `from` takes: the format the first
 * non-contiguous operand of that rank suggests, if it is channels-last of that rank; else null.
 */
export function channelsLastTarget(rank: number, ...from: (Tensor | null | undefined)[]): MemoryFormat | null {
  if (rank !== 4 && rank !== 5) return null;
  for (const t of from) {
    if (!t || t._shape.length !== rank || t.isContiguous()) continue;
    const format = suggestMemoryFormat(t._shape, t._strides);
    if (format === contiguousFormat) continue;
    return format === (rank === 4 ? channelsLast : channelsLast3d) ? format : null;
  }
  return null;
}

/** result (4-d or 5-d) in the channels-last format that the first of `from` suggests, if any. */
export function keepChannelsLast(result: Tensor, ...from: (Tensor | null | undefined)[]): Tensor {
  if (result.storage instanceof QuantizedStorage) return result;
  const target = channelsLastTarget(result._shape.length, ...from);
  return target === null ? result : laidOutAs(result, target);
}

/** result with exactly the strides of a channels-last format (a copy only if its memory is in another order). */
export function laidOutAs(result: Tensor, target: MemoryFormat): Tensor {
  if (!isContiguousAs(result._shape, result._strides, target)) return result.contiguous(target);
  // Already in that order but for the strides of size-1 dims ([N, C, 1, 1]): PyTorch's are
  // channels-last's own; the same elements, viewed with them.
  const strides = stridesFor(result._shape, target);
  return strides.every((v, i) => v === result._strides[i]) ? result : result.asStrided(result._shape, strides, result._offset);
}

/**
 * result laid out in the format PyTorch's suggest_memory_format gives input (ops that allocate
 * their output with it: prelu, roll): channels-last for a channels-last input, else contiguous.
 */
export function inSuggestedFormat(result: Tensor, input: Tensor): Tensor {
  if (result.storage instanceof QuantizedStorage) return result;
  const format = input.isContiguous() || input._shape.length !== result._shape.length ? contiguousFormat : suggestMemoryFormat(input._shape, input._strides);
  if (format === contiguousFormat) return result.isContiguous() ? result : result.contiguous();
  return keepChannelsLast(result, input);
}

/** keepChannelsLast over an op's tensor or (values, indices) pair. */
export function keepChannelsLastEach<R extends Tensor | [Tensor, Tensor]>(result: R, input: Tensor): R {
  if (Array.isArray(result)) return [keepChannelsLast(result[0], input), keepChannelsLast(result[1], input)] as R;
  return keepChannelsLast(result as Tensor, input) as R;
}
