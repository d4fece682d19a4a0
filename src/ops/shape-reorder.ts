// Ops that copy a tensor's elements into a new arrangement: flip, roll, rot90, repeat, tile,
// repeat_interleave, tril/triu, diag, diag_embed, diagflat, narrow_copy; and Tensor.unfold (a view).

import { contiguousFormat, preservedStrides, stridesFor, suggestMemoryFormat } from "../core/memory-format.js";
import { isNamed, namedRefusal } from "./named-engine.js";
import { Tensor } from "../core/tensor.js";
import { cannotAllocate, complex32, int64 } from "../core/dtype.js";
import { notImplementedFor, requireTensor } from "./pointwise-util.js";
import { normalizeDim, normalizeDims, numel, shapeStr } from "../core/shape.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { type Args, bindArgs, bindSize, checkInt, checkTensor, describe, installMethods, type Method, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor, encoder, uninitStrided } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import { makeView } from "./view.js";
import { contiguousCopy, indexValues, int64Tensor, rawOf } from "./indexing-kernels.js";
import { indexSelect } from "./indexing-index.js";
import { rawNarrow, rawView } from "./shape-join.js";
import { deviceOp, onDevice } from "./device-hooks.js";
import { invalidCombination } from "./factory-utils.js";
import { tryNativeFill } from "./native-fast.js";
import { complex } from "./complex-views.js";
import { negView, rawPart } from "./complex-engine.js";
import { hasConjBit, hasNegBit } from "../core/lazy-storage.js";

import { withOut, hasOut, type OutOption } from "./out.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { dimsRule, unaryRule } from "../func/batching-rules.js";
import { backendRefusal } from "../core/op-name.js";
import { isQuantizedTensor } from "./quantized-engine.js";
import { quantizedFlip } from "./quantized-elementwise.js";
// ---- flip / roll / rot90 --------------------------------------------------------------------

/** A copy of `input` read through negated strides on `dims`. */
function flipped(input: Tensor, dims: readonly number[]): Tensor {
  if (onDevice(input)) return flippedByIndex(input, dims);
  const strides = input.stride();
  let off = input._offset;
  for (const d of dims) {
    if (input._shape[d]! > 0) off += (input._shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  // PyTorch's flip keeps the input's layout (empty_like's preserve_format).
  const out = input.isContiguous() ? emptyTensor(input._shape, input.dtype) : uninitStrided(input._shape, preservedStrides(input._shape, input._strides), input.dtype);
  copyInto(out, rawView(input, input.shape, strides, off));
  return out;
}

/** flipped() for device tensors (their views take no negative strides): an index_select per dim. */
function flippedByIndex(input: Tensor, dims: readonly number[]): Tensor {
  if (dims.length === 0 || input.dim() === 0) return contiguousCopy(input.detach());
  let out = input.detach();
  for (const d of dims) {
    const n = out._shape[d]!;
    out = out.indexSelect(d, int64Tensor(Array.from({ length: n }, (_, i) => n - 1 - i), [n]).to(input.device));
  }
  return out;
}

/** torch.flip(input, dims); the method also takes x.flip(0, 1). */
export function flip(input: Tensor, ...dims: (number | number[])[]): Tensor {
  checkTensor("flip", "input", input);
  if (isNamed(input)) throw namedRefusal("flip");
  const d = normalizeDims(bindSize("flip", dims, [], "dims").size, input.dim(), "flip");
  if (isQuantizedTensor(input)) return quantizedFlip(input, d);
  // PyTorch 1.13's flip kernel has no ComplexHalf form (its other data movement does).
  if (input.dtype === complex32) throw notImplementedFor("flip_cpu", input.dtype);
  if (batching.on && isBatched(input)) return dimsRule(input, d, (p, pd) => flip(p, pd));
  const out = flipped(input, d);
  record("FlipBackward0", [input], out, ([g]) => [flip(g!, d)]);
  if (tracing.on) traceOp("flip", [input], out, { dims: d });
  return out;
}

export function fliplr(input: Tensor): Tensor;
export function fliplr<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function fliplr(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("fliplr", arguments, 1); else if (isOptionsObject(input)) return rebind(fliplr, "fliplr", arguments, ["input"], 1, []);
  if (input.dim() < 2) throw new Error("Input must be >= 2-d.");
  return flip(input, [1]);
}

export function flipud(input: Tensor): Tensor;
export function flipud<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function flipud(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("flipud", arguments, 1); else if (isOptionsObject(input)) return rebind(flipud, "flipud", arguments, ["input"], 1, []);
  if (input.dim() < 1) throw new Error("Input must be >= 1-d.");
  return flip(input, [0]);
}

function listOf(op: string, name: string, v: unknown): number[] {
  if (typeof v === "number") return [checkInt(op, name, v)];
  if (Array.isArray(v)) return v.map((x) => checkInt(op, name, x));
  throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
}

/** Rolls along one dim into a fresh tensor. */
function rollOnce(x: Tensor, d: number, shift: number): Tensor {
  const n = x._shape[d]!;
  // Laid out in x's suggested format (PyTorch rolls by cat, which keeps channels-last).
  const out = onDevice(x) ? deviceOp("empty", "roll")(x._shape, x.dtype)
    : x.isContiguous() ? emptyTensor(x._shape, x.dtype) : uninitStrided(x._shape, stridesFor(x._shape, suggestMemoryFormat(x._shape, x._strides)), x.dtype);
  if (n === 0) return out;
  const s = ((shift % n) + n) % n;
  copyInto(rawNarrow(out, d, s, n - s), rawNarrow(x, d, 0, n - s));
  if (s > 0) copyInto(rawNarrow(out, d, 0, s), rawNarrow(x, d, n - s, s));
  return out;
}

/** torch.roll(input, shifts, dims?): without dims the tensor is rolled flattened. */
export function roll(input: Tensor, ...args: Args<[shifts: number | number[], dims?: number | number[] | null], { shifts?: number | number[]; dims?: number | number[] | null }>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("roll", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("roll");
  const a = bindArgs("roll", args, ["shifts", "dims"], [], 1);
  checkTensor("roll", "input", input);
  const shifts = listOf("roll", "shifts", a.shifts);
  const dims = a.dims === undefined || a.dims === null ? [] : listOf("roll", "dims", a.dims);
  if (dims.length === 0 && shifts.length !== 1) throw new Error(`shifts and dimensions must align. shifts: ${shifts.length}, dims:0`);
  if (dims.length > 0 && dims.length !== shifts.length) {
    throw new Error(`shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`);
  }
  if (batching.on && isBatched(input)) {
    // Without dims each batch element rolls flattened: one roll along the physical's flat dim 1.
    if (dims.length === 0) return unaryRule(input, (p) => roll(p.reshape([p._shape[0]!, -1]), shifts, 1).reshape(p._shape));
    return dimsRule(input, dims, (p, pd) => roll(p, shifts, pd));
  }
  let out: Tensor;
  if (dims.length === 0) {
    out = rollOnce(contiguousCopy(input).view([input.numel()]), 0, shifts[0]!).view(input.shape);
  } else {
    const nd = dims.map((d) => normalizeDim(d, Math.max(input.dim(), 1), "roll"));
    out = input.dim() === 0 ? contiguousCopy(input) : input;
    nd.forEach((d, i) => { out = rollOnce(out, d, shifts[i]!); });
  }
  const back = shifts.map((s) => -s);
  record("RollBackward0", [input], out, ([g]) => [roll(g!, back, dims.length ? dims : null)]);
  if (tracing.on) traceOp("roll", [input], out, { shifts, dims: dims.length ? dims.map((d) => normalizeDim(d, Math.max(input.dim(), 1), "roll")) : [] });
  return out;
}

/** torch.rot90(input, k = 1, dims = [0, 1]). */
export function rot90(input: Tensor, ...args: Args<[k?: number, dims?: number[]], { k?: number; dims?: number[] }>): Tensor {
  const a = bindArgs("rot90", args, ["k", "dims"], [], 1);
  const k = (a.k as number | undefined) ?? 1;
  const dims = (a.dims as number[] | undefined) ?? [0, 1];
  if (dims.length !== 2) throw new Error(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (input.dim() < 2) throw new Error(`expected total dims >= 2, but got total dims = ${input.dim()}`);
  const d0 = normalizeDim(dims[0]!, input.dim(), "rot90"), d1 = normalizeDim(dims[1]!, input.dim(), "rot90");
  if (d0 === d1) throw new Error(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  switch (((k % 4) + 4) % 4) {
    case 1: return flip(input, [d1]).transpose(d0, d1);
    case 2: return flip(input, [d0, d1]);
    case 3: return flip(input, [d0]).transpose(d0, d1);
    default: return input.clone({ memoryFormat: contiguousFormat });
  }
}

// ---- repeat / tile / repeat_interleave ------------------------------------------------------

/** Tensor.repeat(*sizes): the tensor tiled `sizes[i]` times along each dim. */
function repeat(input: Tensor, ...sizes: (number | number[])[]): Tensor {
  if (isNamed(input)) throw namedRefusal("repeat");
  const { size: reps } = bindSize("repeat", sizes, [], "repeats");
  if (reps.length < input.dim()) throw new Error("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  const lead = reps.length - input.dim();
  const xs = [...new Array<number>(lead).fill(1), ...input._shape];
  const xst = [...new Array<number>(lead).fill(0), ...input._strides];
  const outShape = reps.map((r, i) => r * xs[i]!);
  outShape.forEach((s) => {
    if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: ${shapeStr(outShape)}`);
  });
  const out = onDevice(input) ? deviceOp("empty", "repeat")(outShape, input.dtype) : emptyTensor(outShape, input.dtype);
  const pairs = reps.flatMap((r, i) => [r, xs[i]!]);
  if (numel(outShape) > 0) {
    const src = rawView(input, reps.flatMap((_, i) => [1, xs[i]!]), reps.flatMap((_, i) => [0, xst[i]!]), input._offset);
    copyInto(out.view(pairs), src);
  }
  const inShape = input.shape;
  const repDims = reps.map((_, i) => 2 * i);
  return record("RepeatBackward0", [input], out, ([g]) => [g!.reshape(pairs).sum(repDims).reshape(inShape)]);
}

/** torch.tile(input, dims): repeat, with dims padded by leading 1s. */
export function tile(input: Tensor, ...dims: (number | number[])[]): Tensor {
  if (!(input instanceof Tensor)) requireTensor("tile", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("repeat");
  const { size } = bindSize("tile", dims, [], "dims");
  const reps = size.length < input.dim() ? [...new Array<number>(input.dim() - size.length).fill(1), ...size] : size;
  return repeat(input, reps);
}

/** The int64 index [0, 0, 1, 2, 2, 2] of repeats [2, 1, 3]. */
function repeatIndex(counts: ArrayLike<number>, outputSize?: number): Tensor {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! < 0) throw new Error("repeats can not be negative");
    total += counts[i]!;
  }
  if (outputSize !== undefined && outputSize !== total) {
    throw new Error(`repeat_interleave: Vals of output_size (${outputSize}) does not match the sum of repeats (${total})`);
  }
  let idx: Float64Array;
  try {
    idx = new Float64Array(total);
  } catch (e) {
    if (e instanceof RangeError) throw cannotAllocate(int64, total);
    throw e;
  }
  let k = 0;
  for (let i = 0; i < counts.length; i++) for (let j = 0; j < counts[i]!; j++) idx[k++] = i;
  return int64Tensor(idx, [total]);
}

interface RepeatOpts { repeats?: number | Tensor; dim?: number | null; outputSize?: number }

/**
 * torch.repeat_interleave(input, repeats, dim?, { outputSize }): each element (or slice along
 * dim) repeated; without dim the input is flattened. repeat_interleave(repeats) gives the index.
 */
export function repeatInterleave(input: Tensor, ...args: Args<[repeats?: number | Tensor, dim?: number | null], RepeatOpts>): Tensor {
  const a = bindArgs("repeat_interleave", args, ["repeats", "dim"], ["outputSize"], 1);
  checkTensor("repeat_interleave", "input", input);
  const outputSize = a.outputSize as number | undefined;
  if (a.repeats === undefined) {
    if (input.dim() > 1) throw new Error("repeats must be 0-dim or 1-dim tensor");
    if (input.dtype !== int64 && input.dtype.name !== "int32") throw new Error("repeats has to be Long or Int tensor");
    return repeatIndex(indexValues(input.reshape(-1)), outputSize);
  }
  // As PyTorch: the conjugate and negative bits are kept (the selection runs on the memory, the result gets the bit again).
  if (hasConjBit(input)) return repeatInterleave(input.conj(), ...args).conj();
  if (hasNegBit(input)) return negView(repeatInterleave(negView(input), ...args));
  let x = input;
  let dim = a.dim as number | null | undefined;
  if (dim === undefined || dim === null) { x = input.reshape(-1); dim = 0; }
  const d = normalizeDim(dim, Math.max(x.dim(), 1), "repeat_interleave");
  const n = x.dim() === 0 ? 1 : x._shape[d]!;
  let counts: ArrayLike<number>;
  const reps = a.repeats;
  if (typeof reps === "number") {
    // A float (Infinity and NaN included) matches none of Python's overloads.
    if (!Number.isInteger(reps)) throw invalidCombination("repeat_interleave", [input, ...args.filter((v) => !isOptionsObject(v))]);
    if (reps < 0) throw new Error("repeats can not be negative");
    counts = new Float64Array(n).fill(reps);
  } else if (reps instanceof Tensor) {
    if (reps.dim() > 1) throw new Error("repeats must be 0-dim or 1-dim tensor");
    const vals = indexValues(reps);
    if (reps.numel() === 1) counts = new Float64Array(n).fill(vals[0]!);
    else if (reps._shape[0] !== n) {
      throw new Error(`repeats must have the same size as input along dim, but got repeats.size(0) = ${reps._shape[0]} and input.size(${d}) = ${n}`);
    } else counts = vals;
  } else throw new Error(`repeat_interleave(): argument 'repeats' must be int or Tensor, not ${describe(reps)}`);
  const index = repeatIndex(counts, outputSize);
  return indexSelect(x, d, onDevice(x) ? index.to(x.device) : index);
}

// ---- unfold ---------------------------------------------------------------------------------

/** Tensor.unfold(dimension, size, step): every window of `size` along the dim, as a view. */
function unfold(input: Tensor, ...args: Args<[dimension: number, size: number, step: number], { dimension?: number; size?: number; step?: number }>): Tensor {
  const a = bindArgs("unfold", args, ["dimension", "size", "step"]);
  const size = checkInt("unfold", "size", a.size), step = checkInt("unfold", "step", a.step);
  const d = normalizeDim(checkInt("unfold", "dimension", a.dimension), Math.max(input.dim(), 1), "unfold");
  const len = input.dim() === 0 ? 1 : input._shape[d]!;
  if (size > len) throw new Error(`maximum size for tensor at dimension ${d} is ${len} but size is ${size}`);
  if (size < 0) throw new Error(`size is ${size} but must be >= 0`);
  if (step <= 0) throw new Error(`step is ${step} but must be > 0`);
  if (input.dim() === 0) return input.reshape([1]).narrow(0, 0, size);
  const windows = Math.floor((len - size) / step) + 1;
  const shape = input.shape, strides = input.stride();
  shape[d] = windows;
  strides[d] = input._strides[d]! * step;
  shape.push(size);
  strides.push(input._strides[d]!);
  const out = makeView(input, shape, strides, input._offset);
  const inShape = input.shape;
  return record("UnfoldBackward0", [input], out, ([g]) => {
    const pos = new Float64Array(windows * size);
    for (let w = 0; w < windows; w++) for (let j = 0; j < size; j++) pos[w * size + j] = w * step + j;
    const merged = g!.movedim(-1, d + 1).reshape([...inShape.slice(0, d), windows * size, ...inShape.slice(d + 1)]);
    return [g!.newZeros(inShape).indexAdd(d, int64Tensor(pos, [pos.length]), merged)];
  });
}

export function narrowCopy(input: Tensor, ...args: Args<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }>): Tensor {
  const a = bindArgs("narrow_copy", args, ["dim", "start", "length"], [], 1);
  return input.narrow(a.dim as number, a.start as number, a.length as number).clone({ memoryFormat: contiguousFormat });
}

// ---- tril / triu ----------------------------------------------------------------------------

/** Zeroes the elements above (tril) or below (triu) diagonal k of every matrix of `out`. */
function triangle(input: Tensor, k: number, lower: boolean): Tensor {
  // Complex: each part's triangle (no autograd here: the caller records).
  if (input.dtype.isComplex) return complex(triangle(rawPart(input, 0), k, lower), triangle(rawPart(input, 1), k, lower));
  const device = onDevice(input);
  // On the CPU copyInto moves whole rows (memmove, or the native strided copy), and each row's
  // zeroes go in as one fill.
  const out = device ? contiguousCopy(input) : emptyTensor(input._shape, input.dtype);
  if (!device) copyInto(out, input);
  const rows = out._shape[out.dim() - 2]!, cols = out._shape[out.dim() - 1]!;
  const d = rawOf(out);
  const zero = encoder(out.dtype)(0);
  const mats = rows * cols === 0 ? 0 : out.numel() / (rows * cols);
  for (let m = 0; m < mats; m++) {
    for (let i = 0; i < rows; i++) {
      const base = m * rows * cols + i * cols;
      const from = lower ? Math.min(cols, Math.max(0, i + k + 1)) : 0, to = lower ? cols : Math.max(0, Math.min(cols, i + k));
      if (to <= from) continue;
      if (device) { for (let j = from; j < to; j++) d[base + j] = zero; continue; }
      const data = out.storage.data as unknown as ArrayBufferView & { fill(v: number | bigint, s: number, e: number): void };
      if (!tryNativeFill(data, base + from, to - from, zero)) data.fill(zero, base + from, base + to);
    }
  }
  return out;
}

function checkTri(op: string, input: Tensor, args: readonly unknown[]): number {
  checkTensor(op, "input", input);
  const a = bindArgs(op, args, ["diagonal"], [], 1);
  if (input.dim() < 2) throw new Error(`${op}: input tensor must have at least 2 dimensions`);
  return checkInt(op, "diagonal", a.diagonal ?? 0);
}

export function tril(input: Tensor, ...args: Args<[diagonal?: number], { diagonal?: number } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("tril", args, (rest) => tril(input, ...(rest as [never])), "same", false, [input]);
  const k = checkTri("tril", input, args);
  if (batching.on && isBatched(input)) return unaryRule(input, (p) => tril(p, k));
  const r = record("TrilBackward0", [input], triangle(input, k, true), ([g]) => [tril(g!, k)]);
  if (tracing.on) traceOp("tril", [input], r, { diagonal: k });
  return r;
}

export function triu(input: Tensor, ...args: Args<[diagonal?: number], { diagonal?: number } & OutOption>): Tensor {
  if (hasOut(args)) return withOut("triu", args, (rest) => triu(input, ...(rest as [never])), "same", false, [input]);
  const k = checkTri("triu", input, args);
  if (batching.on && isBatched(input)) return unaryRule(input, (p) => triu(p, k));
  const r = record("TriuBackward0", [input], triangle(input, k, false), ([g]) => [triu(g!, k)]);
  if (tracing.on) traceOp("triu", [input], r, { diagonal: k });
  return r;
}

export function tril_(self: Tensor, ...args: Args<[diagonal?: number], { diagonal?: number }>): Tensor {
  const k = checkTri("tril_", self, args);
  return applyInPlace("tril_", self, [], () => copyInto(self, triangle(self, k, true)), (x) => tril(x, k));
}

export function triu_(self: Tensor, ...args: Args<[diagonal?: number], { diagonal?: number }>): Tensor {
  const k = checkTri("triu_", self, args);
  return applyInPlace("triu_", self, [], () => copyInto(self, triangle(self, k, false)), (x) => triu(x, k));
}

// ---- diag / diag_embed / diagflat -----------------------------------------------------------

/** torch.diag_embed(input, offset = 0, dim1 = -2, dim2 = -1): input's last dim on a diagonal. */
export function diagEmbed(input: Tensor, ...args: Args<[offset?: number, dim1?: number, dim2?: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor {
  const a = bindArgs("diag_embed", args, ["offset", "dim1", "dim2"], [], 1);
  checkTensor("diag_embed", "input", input);
  const offset = (a.offset as number | undefined) ?? 0;
  const nd = input.dim() + 1;
  const d1 = normalizeDim((a.dim1 as number | undefined) ?? -2, nd, "diag_embed");
  const d2 = normalizeDim((a.dim2 as number | undefined) ?? -1, nd, "diag_embed");
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${a.dim1 ?? -2}, ${a.dim2 ?? -1}`);
  const last = input.dim() === 0 ? 1 : input._shape[input.dim() - 1]!;
  const n = last + Math.abs(offset);
  const shape = input._shape.slice(0, Math.max(input.dim() - 1, 0));
  const [lo, hi] = d1 < d2 ? [d1, d2] : [d2, d1];
  shape.splice(lo, 0, n);
  shape.splice(hi, 0, n);
  const out = emptyTensor(shape, input.dtype);
  copyInto(out.diagonal(offset, d1, d2), input.dim() === 0 ? input.reshape([1]) : input);
  const r = record("DiagEmbedBackward0", [input], out, ([g]) => [g!.diagonal(offset, d1, d2).reshape(input.shape)]);
  if (tracing.on) traceOp("diag_embed", [input], r, { offset, dim1: d1, dim2: d2 });
  return r;
}

/** torch.diag: a 1-d input becomes a matrix with it on diagonal `diagonal`, a 2-d one gives that diagonal. */
export function diag(input: Tensor, ...args: Args<[diagonal?: number], { diagonal?: number } & OutOption>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("diag", "input", 1, input);
  if (isNamed(input)) throw namedRefusal("diag");
  if (hasOut(args)) return withOut("diag", args, (rest) => diag(input, ...(rest as [never])), "same", false, [input]);
  const a = bindArgs("diag", args, ["diagonal"], [], 1);
  checkTensor("diag", "input", input);
  if (input.dtype.category === "quantized") throw backendRefusal("QuantizedCPU");
  if (input.dtype === complex32) throw notImplementedFor("diag", complex32);
  const k = (a.diagonal as number | undefined) ?? 0;
  if (input.dim() === 1) return diagEmbed(input, k, 0, 1);
  if (input.dim() === 2) return input.diagonal(k).clone();
  throw new Error("diag(): Supports 1D or 2D tensors. Got " + input.dim() + "D");
}

export function diagflat(input: Tensor, ...args: Args<[offset?: number], { offset?: number }>): Tensor {
  const a = bindArgs("diagflat", args, ["offset"], [], 1);
  return diagEmbed(input.reshape(-1), (a.offset as number | undefined) ?? 0, 0, 1);
}

declare module "../core/tensor.js" {
  interface Tensor {
    flip: Method<typeof flip>;
    fliplr: Method<typeof fliplr>;
    flipud: Method<typeof flipud>;
    roll: Method<typeof roll>;
    rot90: Method<typeof rot90>;
    repeat: Method<typeof repeat>;
    tile: Method<typeof tile>;
    repeatInterleave: Method<typeof repeatInterleave>;
    unfold: Method<typeof unfold>;
    narrowCopy: Method<typeof narrowCopy>;
    tril: Method<typeof tril>;
    triu: Method<typeof triu>;
    tril_: Method<typeof tril_>;
    triu_: Method<typeof triu_>;
    diag: Method<typeof diag>;
    diagEmbed: Method<typeof diagEmbed>;
    diagflat: Method<typeof diagflat>;
  }
}

installMethods({
  flip, fliplr, flipud, roll, rot90, repeat, tile, repeatInterleave, unfold, narrowCopy, tril, triu, tril_, triu_,
  diag, diagEmbed, diagflat,
});
