// Memory formats: PyTorch's names for stride orders of a strided tensor (torch.channels_last is
// NCHW indexed, NHWC in memory). A format is only ever a choice of strides: every torch-ts kernel
// reads strided tensors, so a channels-last tensor is an ordinary view-able tensor.

import { type Shape, contiguousStrides, isContiguousLayout } from "./shape.js";

export class MemoryFormat {
  /** @internal */ constructor(readonly name: "contiguous_format" | "channels_last" | "channels_last_3d" | "preserve_format") {}
  toString(): string { return `torch.${this.name}`; }
  /** @internal Node's util.inspect. */ [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

export const contiguousFormat = new MemoryFormat("contiguous_format");
export const channelsLast = new MemoryFormat("channels_last");
export const channelsLast3d = new MemoryFormat("channels_last_3d");
export const preserveFormat = new MemoryFormat("preserve_format");

/** A memoryFormat option: a MemoryFormat, or null/undefined for the op's default. */
export function memoryFormatArg(op: string, v: unknown): MemoryFormat | null {
  if (v === undefined || v === null) return null;
  if (v instanceof MemoryFormat) return v;
  throw new Error(`${op}(): argument 'memory_format' must be torch.memory_format, not ${typeof v}`);
}

/** The memoryFormat of an options object `{ memoryFormat }` (no other key). */
export function memoryFormatOption(op: string, options: object): MemoryFormat | null {
  for (const k of Object.keys(options)) if (k !== "memoryFormat") throw new Error(`${op}() got an unexpected keyword argument '${k}'`);
  return memoryFormatArg(op, (options as { memoryFormat?: unknown }).memoryFormat);
}

/** The dims from fastest to slowest in memory for a channels-last format of `rank` dims. */
function channelsLastOrder(rank: number): number[] {
  return rank === 4 ? [1, 3, 2, 0] : [1, 4, 3, 2, 0];
}

/** Strides that lay `shape` out in `format` (contiguous, channels_last for 4-d, channels_last_3d for 5-d). */
export function stridesFor(shape: Shape, format: MemoryFormat): number[] {
  if (format === channelsLast || format === channelsLast3d) {
    const rank = format === channelsLast ? 4 : 5;
    if (shape.length !== rank) throw new Error(`required rank ${rank} tensor to use ${format.name} format`);
    const strides = new Array<number>(rank);
    let s = 1;
    for (const d of channelsLastOrder(rank)) { strides[d] = s; s *= Math.max(shape[d]!, 1); }
    return strides;
  }
  return contiguousStrides(shape);
}

/** Tensor.is_contiguous(memory_format): PyTorch's answer (false for a channels-last format of another rank). */
export function isContiguousAs(shape: Shape, strides: readonly number[], format: MemoryFormat): boolean {
  if (format === contiguousFormat || format === preserveFormat) return isContiguousLayout(shape, strides);
  const rank = format === channelsLast ? 4 : 5;
  if (shape.length !== rank) return false;
  let expected = 1;
  for (const d of channelsLastOrder(rank)) {
    const size = shape[d]!;
    if (size === 0) return true;
    if (size !== 1) {
      if (strides[d] !== expected) return false;
      expected *= size;
    }
  }
  return true;
}

/** Whether the strides order the dims as channels-last does (PyTorch's is_channels_last_strides_2d/3d). */
function hasChannelsLastStrides(shape: Shape, strides: readonly number[]): boolean {
  const rank = shape.length;
  if (rank !== 4 && rank !== 5) return false;
  if (strides[1] === 0) return false;
  let min = 0;
  for (const d of channelsLastOrder(rank)) {
    if (shape[d] === 0) return false;
    if (strides[d]! < min) return false;
    // [N, 1, H, W] with strides [HW, 1, W, 1] is ambiguous: PyTorch calls it contiguous.
    if (d === 0 && min === strides[1]) return false;
    min = strides[d]!;
    if (shape[d]! > 1) min *= shape[d]!;
  }
  return true;
}

/** PyTorch's suggest_memory_format: the format a result computed from this tensor should take. */
export function suggestMemoryFormat(shape: Shape, strides: readonly number[]): MemoryFormat {
  if (!hasChannelsLastStrides(shape, strides)) return contiguousFormat;
  return shape.length === 4 ? channelsLast : channelsLast3d;
}

/**
 * Whether the elements fill [offset, offset + numel) once each, in some order of the dims
 * (PyTorch's is_non_overlapping_and_dense; an empty tensor is, as PyTorch's contiguous empty ones).
 */
export function isNonOverlappingAndDense(shape: Shape, strides: readonly number[]): boolean {
  return denseOrder(shape, strides) !== null;
}

/**
 * The strides a copy of a tensor gets under torch.preserve_format (clone, *_like, to): its own when
 * they are dense, else dense strides in the order its strides give (PyTorch's infer_dense_strides).
 */
export function preservedStrides(shape: Shape, strides: readonly number[]): number[] {
  if (isNonOverlappingAndDense(shape, strides)) return strides.slice();
  return pointwiseStrides(shape, [strides], false);
}

/** The strides for `shape` in `format`, or, for preserve_format, those that keep `like`'s layout. */
export function stridesForLike(shape: Shape, format: MemoryFormat | null, like: { _shape: number[]; _strides: number[] }): number[] {
  if (format === null || format === preserveFormat) return preservedStrides(like._shape, like._strides);
  return stridesFor(shape, format);
}

/**
 * The strides of a pointwise result over `shape` computed from operands whose (broadcast) strides
 * are given, by TensorIterator's rule: all operands contiguous, channels-last or dense with the same
 * strides give that layout; otherwise dims are ordered by the first operand whose strides tell them
 * apart (broadcast dims, stride 0, tell nothing), and the result is dense in that order.
 */
export function pointwiseStrides(shape: Shape, operands: readonly (readonly number[])[], sameShape: boolean): number[] {
  const n = shape.length;
  if (sameShape) {
    const first = operands[0]!;
    if (operands.every((s) => isContiguousLayout(shape, s))) return contiguousStrides(shape);
    if (n === 4 && operands.every((s) => isContiguousAs(shape, s, channelsLast))) return stridesFor(shape, channelsLast);
    if (n === 5 && operands.every((s) => isContiguousAs(shape, s, channelsLast3d))) return stridesFor(shape, channelsLast3d);
    if (isNonOverlappingAndDense(shape, first) && operands.every((s) => s.every((v, i) => v === first[i]))) return first.slice();
  }
  if (n <= 1) return contiguousStrides(shape);
  const order = iterationOrder(shape, operands);
  const strides = new Array<number>(n);
  let s = 1;
  for (let i = n - 1; i >= 0; i--) { const d = order[i]!; strides[d] = s; s *= Math.max(shape[d]!, 1); }
  return strides;
}

/**
 * The order in which TensorIterator walks operands with these (broadcast) strides, slowest dim
 * first: dims are sorted by the first operand whose strides tell them apart (stride 0 tells
 * nothing; equal strides put the smaller size faster), else kept in their own order. In-place
 * random fills draw in this order, so a channels-last tensor takes its draws in memory order.
 */
export function iterationOrder(shape: Shape, operands: readonly (readonly number[])[]): number[] {
  const n = shape.length;
  // perm[0] is the fastest dim; start from the contiguous order and insertion-sort.
  const perm = Array.from({ length: n }, (_, i) => n - 1 - i);
  const shouldSwap = (d0: number, d1: number): number => {
    for (const s of operands) {
      const s0 = s[d0]!, s1 = s[d1]!;
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0]! > shape[d1]!) return 1;
    }
    return 0;
  };
  for (let i = 1; i < n; i++) {
    let d1 = i;
    for (let d0 = i - 1; d0 >= 0; d0--) {
      const c = shouldSwap(perm[d0]!, perm[d1]!);
      if (c > 0) { [perm[d0], perm[d1]] = [perm[d1]!, perm[d0]!]; d1 = d0; }
      else if (c < 0) break;
    }
  }
  return perm.reverse();
}

/**
 * The dims from slowest to fastest in memory when the strides lay `shape` out densely (each element
 * once, no gaps), else null. Kernels that want a contiguous output run on a dense one by permuting
 * every operand's strides into this order.
 */
export function denseOrder(shape: Shape, strides: readonly number[]): number[] | null {
  const n = shape.length;
  const perm = Array.from({ length: n }, (_, i) => i);
  // Size-1 dims go first (they never move the address), then by decreasing stride; stable.
  perm.sort((a, b) => {
    const sa = shape[a]! === 1, sb = shape[b]! === 1;
    if (sa || sb) return sa === sb ? 0 : sa ? -1 : 1;
    return strides[b]! - strides[a]!;
  });
  let required = 1;
  for (let i = n - 1; i >= 0; i--) {
    const d = perm[i]!, size = shape[d]!;
    if (size === 0) return perm;
    if (size !== 1 && strides[d] !== required) return null;
    required *= size;
  }
  return perm;
}

/** `values` reordered by `perm` (values[perm[0]], values[perm[1]], ...). */
export function permuted<T>(values: readonly T[], perm: readonly number[]): T[] {
  return perm.map((d) => values[d]!);
}

/** Whether a and b (same shape) are dense with the same strides, so that one flat walk visits matching elements. */
export function sameDenseLayout(a: { _shape: number[]; _strides: number[]; isContiguous(): boolean }, b: { _shape: number[]; _strides: number[]; isContiguous(): boolean }): boolean {
  const shape = a._shape, n = shape.length;
  if (n !== b._shape.length) return false;
  for (let i = 0; i < n; i++) if (shape[i] !== b._shape[i]) return false;
  if (a.isContiguous() && b.isContiguous()) return true;
  for (let i = 0; i < n; i++) if (shape[i] !== 1 && a._strides[i] !== b._strides[i]) return false;
  return denseOrder(shape, a._strides) !== null;
}
