// View ops: new shape/strides/offset over the same storage, no copy. Each records its vjp.

import { isNested } from "../core/nested-kind.js";
import { nestedClone, nestedSelect, nestedTranspose, nestedUnbind, nestedView } from "./nested-ops.js";
import { nestedRefusal } from "./nested-engine.js";
import { dimOf, dimsOf, hasDimname, hideNames, isNamed, nameAll, namedRefusal, namesOf } from "./named-engine.js";
import { keepNamed, ownOutput, reduceNamed } from "./named-rules.js";
import { namedFlatten, namedUnflatten } from "./named-views.js";
import { isSparse } from "../core/sparse-tensor.js";
import { backendRefusal } from "../core/op-name.js";
import { sparseClone, sparseTranspose } from "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedClone, compressedTranspose } from "./sparse-compressed-dispatch.js";
import { Tensor } from "../core/tensor.js";
import { pyType, requireTensor } from "./pointwise-util.js";
import { hasConjBit, hasNegBit } from "../core/lazy-storage.js";
import { DType, type DTypeLike, scalarTypeName, toDType } from "../core/dtype.js";
import { contiguousStrides, inferSize, normalizeDim, normalizeDims, numel, shapeStr, viewStrides } from "../core/shape.js";
import { MemoryFormat, contiguousFormat, isContiguousAs, memoryFormatArg, memoryFormatOption, preserveFormat, stridesFor, stridesForLike } from "../core/memory-format.js";
import { needsGrad, record, sumToShape } from "../autograd/record.js";
import { type Args, bindArgs, bindSize, checkInt, installMethods, type Method, checkDims, checkArgs, isOptionsObject, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor, uninitStrided, uninitTensor } from "./engine.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { deviceOp, notImplementedOnDevice, onDevice } from "./device-hooks.js";
import { QuantizedStorage } from "../core/quantized-storage.js";
import { SparseStorage, allowComplexHalf } from "../core/storage.js";
import { cloneQuantized } from "./quantize-kernels.js";
import { refuseNamed } from "./named-engine.js";
import { cat, stack } from "./shape-join.js";
import { multiOutputViews } from "./inplace.js";
import { unsafeView } from "./unsafe-view.js";
import { batching, isBatched, wrap } from "../func/batched-tensor.js";
import { expandRule, permuteRule, unaryRule, reshapeRule, selectRule, squeezeRule, transposeRule, unsqueezeRule } from "../func/batching-rules.js";

/** A view of `base` with new geometry; keeps the chain to the storage's owner for in-place ops. */
export function makeView(base: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  // A sparse tensor has no strided memory to view (PyTorch's SparseCPU/SparseCsrCPU have no view kernels).
  if (base.storage instanceof SparseStorage) throw backendRefusal(base.storage.backend);
  // Views with a name rule hide the names before they get here.
  if (base._names !== null) refuseNamed();
  const v = new Tensor(base.storage, shape, strides, offset);
  v._base = base._base ?? base;
  v._viewHistory = v._base._historyVersion;
  v._versionCounter = base._versionCounter;
  return v;
}

// ---- view / reshape -------------------------------------------------------------------------

export function view(input: Tensor, ...size: (number | number[])[]): Tensor {
  if (size.length === 1 && isDTypeArgument(size[0])) return viewDtype(input, size[0] as unknown as DTypeOption);
  const { size: s } = bindSize("view", size, []);
  if (batching.on && isBatched(input)) return reshapeRule(input, s);
  if (isNested(input)) return nestedView("view", input, s);
  const shape = inferSize(s, input.numel());
  const strides = viewStrides(input._shape, input._strides, shape);
  if (!strides) {
    throw new Error("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  }
  const out = makeView(input, shape, strides, input._offset);
  const inShape = input.shape;
  return record("ViewBackward0", [input], out, ([g]) => [g!.reshape(inShape)]);
}

type DTypeOption = DTypeLike | { dtype: DTypeLike };

/** x.view(dtype) / x.view({ dtype }): PyTorch's other overload of view. */
function isDTypeArgument(a: unknown): boolean {
  return a instanceof DType || typeof a === "string" || (isOptionsObject(a) && "dtype" in (a as object));
}

/**
 * Tensor.view(dtype): the same bytes read as another dtype (no copy, no gradient, as PyTorch). A
 * different element size rescales the last dim, which must then be contiguous (PyTorch's
 * view_dtype rules and messages).
 */
function viewDtype(input: Tensor, arg: DTypeOption): Tensor {
  if (isOptionsObject(arg)) {
    const extra = Object.keys(arg).filter((k) => k !== "dtype");
    if (extra.length) throw new Error(`view() got an unexpected keyword argument '${extra[0]}'`);
  }
  const dtype = toDType(isOptionsObject(arg) ? (arg as { dtype: DTypeLike }).dtype : (arg as DTypeLike));
  if (dtype === input.dtype) return view(input, input.shape);
  if (hasConjBit(input)) throw new Error("torch.Tensor.view is not supported for conjugate view tensors when converting to a different dtype.");
  if (hasNegBit(input)) throw new Error("torch.Tensor.view is not supported for tensors with negative bit set when converting to a different dtype.");
  const from = input.dtype, to = dtype;
  const what = `view ${scalarTypeName(from)} as ${scalarTypeName(to)} (different element sizes)`;
  const shape = input.shape, strides = input.stride(), nd = shape.length;
  let offset = input._offset;
  if (from.itemsize !== to.itemsize) {
    if (nd === 0) throw new Error(`self.dim() cannot be 0 to ${what}`);
    if (from.itemsize > to.itemsize) {
      const ratio = from.itemsize / to.itemsize;
      if (strides[nd - 1] !== 1) throw new Error(`self.stride(-1) must be 1 to ${what}, but got ${strides[nd - 1]}`);
      for (let d = 0; d < nd - 1; d++) strides[d] = strides[d]! * ratio;
      shape[nd - 1] = shape[nd - 1]! * ratio;
      offset *= ratio;
    } else {
      const ratio = to.itemsize / from.itemsize;
      if (shape[nd - 1]! % ratio !== 0) throw new Error(`self.size(-1) must be divisible by ${ratio} to ${what}, but got ${shape[nd - 1]}`);
      if (offset % ratio !== 0) throw new Error(`self.storage_offset() must be divisible by ${ratio} to ${what}, but got ${offset}`);
      if (strides[nd - 1] !== 1) throw new Error(`self.stride(-1) must be 1 to ${what}, but got ${strides[nd - 1]}`);
      for (let d = 0; d < nd - 1; d++) {
        if (strides[d]! % ratio !== 0) throw new Error(`self.stride(${d}) must be divisible by ${ratio} to ${what}, but got ${strides[d]}`);
        strides[d] = strides[d]! / ratio;
      }
      shape[nd - 1] = shape[nd - 1]! / ratio;
      offset /= ratio;
    }
    strides[nd - 1] = 1;
  }
  if (input.device.type !== "cpu") throw notImplementedOnDevice("view.dtype");
  // A complex32 tensor's bytes view as any dtype, as PyTorch's (its kernels are what refuse ComplexHalf).
  const storage = allowComplexHalf(() => input.storage._reinterpret(dtype));
  if (!storage) throw new Error(`view(): cannot ${what.replace(" (different element sizes)", "")}: the storage starts at byte ${input.storage.data.byteOffset} of its buffer, not a multiple of ${dtype.itemsize}`);
  return new Tensor(storage, shape, strides, offset);
}

export function reshape(input: Tensor, ...size: (number | number[])[]): Tensor {
  if (arguments.length <= 1 && isOptionsObject(input)) return rebind(reshape, "reshape", arguments, ["input", "shape"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("reshape", "input", 1, input);
  const { size: s } = bindSize("reshape", size, [], "shape");
  if (batching.on && isBatched(input)) return reshapeRule(input, s);
  if (isNested(input)) return nestedView("reshape", input, s);
  if (isSparse(input)) throw new Error("reshape is not implemented for sparse tensors");
  const shape = inferSize(s, input.numel());
  const strides = viewStrides(input._shape, input._strides, shape);
  if (strides) return view(input, shape);
  // PyTorch copies and reads the copy as the new shape: CloneBackward0, UnsafeViewBackward0.
  return unsafeView(contiguous(input), shape);
}

export function viewAs(input: Tensor, other: Tensor): Tensor;
export function viewAs<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): Tensor;
export function viewAs(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("view_as", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(viewAs, "view_as", arguments, ["input", "other"], 2, []);
  return view(input, other.shape);
}
export function reshapeAs(input: Tensor, other: Tensor): Tensor;
export function reshapeAs<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): Tensor;
export function reshapeAs(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("reshape_as", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(reshapeAs, "reshape_as", arguments, ["input", "other"], 2, []);
  return reshape(input, other.shape);
}

/**
 * x.contiguous(memoryFormat?): x itself when already laid out in that format (contiguous_format by
 * default; channels_last for 4-d, channels_last_3d for 5-d tensors), else a copy in that layout.
 */
export function contiguous(input: Tensor, memoryFormat?: MemoryFormat | { memoryFormat?: MemoryFormat | null } | null): Tensor;
export function contiguous<A extends Rebound<[input: Tensor], ["input"], { memoryFormat?: MemoryFormat | null }>>(...args: A): Tensor;
export function contiguous(input: Tensor, memoryFormat?: MemoryFormat | { memoryFormat?: MemoryFormat | null } | null): Tensor {
  if (arguments.length > 2) checkArgs("contiguous", arguments, 2, ["memoryFormat"]); else if (isOptionsObject(input)) return rebind(contiguous, "contiguous", arguments, ["input"], 1, ["memoryFormat"]);
  const format = memoryFormat === undefined || memoryFormat === null ? null : memoryFormat instanceof MemoryFormat ? memoryFormat : memoryFormatOption("contiguous", memoryFormat);
  if (isNested(input)) return input.isContiguous() ? input : nestedClone(input);
  if (format === null || format === contiguousFormat) return input.isContiguous() ? input : clone(input, { memoryFormat: contiguousFormat });
  if (isContiguousAs(input._shape, input._strides, format)) return input;
  if (format === preserveFormat) throw new Error("preserve memory format is unsupported by the contiguous operator");
  return copyAs(input, stridesFor(input._shape, format));
}

/** A copy with its own storage (autograd: CloneBackward0), laid out as memoryFormat says (preserve_format: input's layout). */
export function clone(input: Tensor, options?: { memoryFormat?: MemoryFormat | null }): Tensor;
export function clone<A extends Rebound<[input: Tensor], ["input"], { memoryFormat?: MemoryFormat | null }>>(...args: A): Tensor;
export function clone(input: Tensor, options: { memoryFormat?: MemoryFormat | null } = {}): Tensor {
  if (arguments.length > 1) checkArgs("clone", arguments, 1, ["memoryFormat"]); else if (isOptionsObject(input)) return rebind(clone, "clone", arguments, ["input"], 1, ["memoryFormat"]);
  if (!(input instanceof Tensor)) requireTensor("clone", "input", 1, input);
  if (isNamed(input)) return keepNamed(input, [], () => clone(input, options));
  if (batching.on && isBatched(input)) return unaryRule(input, (p) => clone(p, options));
  if (input.storage instanceof QuantizedStorage) return cloneQuantized(input);
  if (isSparse(input)) return sparseClone(input);
  if (isNested(input)) return nestedClone(input);
  if (isCompressed(input)) return compressedClone(input);
  const format = options.memoryFormat === undefined ? null : memoryFormatArg("clone", options.memoryFormat);
  if ((format === null || format === preserveFormat) && input.isContiguous()) return copyAs(input, null);
  return copyAs(input, format === contiguousFormat ? null : stridesForLike(input._shape, format, input));
}

/** A copy of input with the given dense strides (null: contiguous), recorded as CloneBackward0. */
function copyAs(input: Tensor, strides: readonly number[] | null): Tensor {
  const device = onDevice(input);
  const out = device ? deviceOp("empty", "clone")(input._shape, input.dtype)
    : strides === null ? uninitTensor(input._shape, input.dtype) : uninitStrided(input._shape, strides, input.dtype);
  copyInto(out, input);
  return record("CloneBackward0", [input], out, ([g]) => [g]);
}

// ---- transpose / permute --------------------------------------------------------------------

export function transpose(input: Tensor, dim0: number | string, dim1: number | string): Tensor;
export function transpose<A extends Rebound<[input: Tensor, dim0: number | string, dim1: number | string], ["input", "dim0", "dim1"]>>(...args: A): Tensor;
export function transpose(input: Tensor, dim0: number | string, dim1: number | string): Tensor {
  if (arguments.length > 3) checkArgs("transpose", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? dim1 : arguments.length === 2 ? dim0 : input)) return rebind(transpose, "transpose", arguments, ["input", "dim0", "dim1"], 3, []);
  if (!(input instanceof Tensor)) requireTensor("transpose", "input", 1, input);
  if (isNamed(input) || typeof dim0 === "string" || typeof dim1 === "string") {
    const a = normalizeDim(dimOf(input, dim0), input.dim(), "transpose"), b = normalizeDim(dimOf(input, dim1), input.dim(), "transpose");
    const names = namesOf(input);
    if (names.length) [names[a], names[b]] = [names[b]!, names[a]!];
    return nameAll(hideNames([input], () => transpose(input, a, b)), names);
  }
  if (isSparse(input)) return sparseTranspose(input, checkInt("transpose", "dim0", dim0), checkInt("transpose", "dim1", dim1), "TransposeBackward0");
  if (isNested(input)) return nestedTranspose(input, checkInt("transpose", "dim0", dim0), checkInt("transpose", "dim1", dim1));
  if (isCompressed(input)) return compressedTranspose(input, checkInt("transpose", "dim0", dim0), checkInt("transpose", "dim1", dim1));
  const nd = input.dim();
  const a = normalizeDim(checkInt("transpose", "dim0", dim0), nd, "transpose");
  const b = normalizeDim(checkInt("transpose", "dim1", dim1), nd, "transpose");
  if (batching.on && isBatched(input)) return transposeRule(input, a, b);
  return transposedView(input, a, b, "TransposeBackward0");
}

/**
 * @internal The view transpose_ (dim1 given) or t_ (dim1 null) takes the geometry of, recorded
 * under the in-place op's node as PyTorch does (TransposeBackward1, TBackward1).
 */
export function inPlaceTransposeView(input: Tensor, dim0: number, dim1: number | null): Tensor {
  if (isNamed(input) || isSparse(input) || isNested(input) || isCompressed(input)) return dim1 === null ? t(input) : transpose(input, dim0, dim1);
  if (dim1 === null) return transposedView(input, 0, input.dim() < 2 ? 0 : 1, "TBackward1");
  const nd = input.dim();
  const a = normalizeDim(checkInt("transpose", "dim0", dim0), nd, "transpose");
  const b = normalizeDim(checkInt("transpose", "dim1", dim1), nd, "transpose");
  return transposedView(input, a, b, "TransposeBackward1");
}

/** The view with dims a and b swapped (normalized), recorded as `nodeName` (t() is PyTorch's TBackward0). */
function transposedView(input: Tensor, a: number, b: number, nodeName: string): Tensor {
  const shape = input.shape, strides = input.stride();
  if (input.dim() > 0) {
    [shape[a], shape[b]] = [shape[b]!, shape[a]!];
    [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  }
  const out = makeView(input, shape, strides, input._offset);
  const r = record(nodeName, [input], out, ([g]) => [g!.transpose(a, b)]);
  if (tracing.on) traceOp("transpose", [input], r, { dim0: a, dim1: b });
  return r;
}
export const swapaxes = transpose, swapdims = transpose;

export function permute(input: Tensor, ...dims: (number | number[])[]): Tensor {
  if (!(input instanceof Tensor)) requireTensor("permute", "input", 1, input);
  const { size: d } = bindSize("permute", dims, [], "dims");
  if (batching.on && isBatched(input)) return permuteRule(input, d);
  if (d.length !== input.dim()) {
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${input.dim()} is not equal to len(dims) = ${d.length}`);
  }
  const nd = normalizeDims(d, input.dim(), "permute");
  const out = makeView(input, nd.map((i) => input._shape[i]!), nd.map((i) => input._strides[i]!), input._offset);
  const inverse = new Array<number>(nd.length);
  nd.forEach((p, i) => { inverse[p] = i; });
  const r = record("PermuteBackward0", [input], out, ([g]) => [g!.permute(inverse)]);
  if (tracing.on) traceOp("permute", [input], r, { dims: nd });
  return r;
}

export function t(input: Tensor): Tensor;
export function t<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function t(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("t", arguments, 1); else if (isOptionsObject(input)) return rebind(t, "t", arguments, ["input"], 1, []);
  if (!(input instanceof Tensor)) requireTensor("t", "input", 1, input);
  if (input.dim() > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${input.dim()}D`);
  if (batching.on && isBatched(input)) return input.dim() < 2 ? input : transposeRule(input, 0, 1);
  if (isNamed(input)) return nameAll(ownOutput(input, hideNames([input], () => t(input))), namesOf(input).reverse());
  if (isSparse(input)) return input.dim() < 2 ? input : sparseTranspose(input, 0, 1, "TBackward0");
  if (isCompressed(input)) return compressedTranspose(input, 0, 1);
  return input.dim() < 2 ? transposedView(input, 0, 0, "TBackward0") : transposedView(input, 0, 1, "TBackward0");
}

export function adjoint(input: Tensor): Tensor;
export function adjoint<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function adjoint(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("adjoint", arguments, 1); else if (isOptionsObject(input)) return rebind(adjoint, "adjoint", arguments, ["input"], 1, []);
  return conjugateIfComplex(transpose(input, -2, -1));
}

/** The conjugate of a complex tensor (a new tensor: torch-ts has no lazy conjugate bit); a real one itself. */
function conjugateIfComplex(x: Tensor): Tensor { return x.dtype.isComplex ? x.conj() : x; }

export function movedim(input: Tensor, source: number | number[], destination: number | number[]): Tensor;
export function movedim<A extends Rebound<[input: Tensor, source: number | number[], destination: number | number[]], ["input", "source", "destination"]>>(...args: A): Tensor;
export function movedim(input: Tensor, source: number | number[], destination: number | number[]): Tensor {
  if (arguments.length > 3) checkArgs("movedim", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? destination : arguments.length === 2 ? source : input)) return rebind(movedim, "movedim", arguments, ["input", "source", "destination"], 3, []);
  if (!(input instanceof Tensor)) requireTensor("movedim", "input", 1, input);
  const nd = input.dim();
  const src = normalizeDims(Array.isArray(source) ? source : [source], nd, "movedim");
  const dst = normalizeDims(Array.isArray(destination) ? destination : [destination], nd, "movedim");
  if (src.length !== dst.length) {
    throw new Error(`movedim: Invalid source or destination dims: source (${JSON.stringify(source)} dims) should contain the same number of dims as destination (${JSON.stringify(destination)} dims)`);
  }
  const order = new Array<number>(nd).fill(-1);
  dst.forEach((d, i) => { order[d] = src[i]!; });
  const rest = [...Array(nd).keys()].filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return permute(input, order);
}
export const moveaxis = movedim;

// ---- expand ---------------------------------------------------------------------------------

export function expand(input: Tensor, ...sizes: (number | number[])[]): Tensor {
  const { size } = bindSize("expand", sizes, []);
  if (batching.on && isBatched(input)) return expandRule(input, size);
  const nd = size.length, ind = input.dim();
  if (isNamed(input) && nd >= ind) {
    // New leading dims are unnamed.
    return nameAll(hideNames([input], () => expand(input, size)), [...new Array<null>(nd - ind).fill(null), ...namesOf(input)]);
  }
  if (nd < ind) {
    throw new Error(`expand: the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the tensor (${ind})`);
  }
  const shape = new Array<number>(nd), strides = new Array<number>(nd);
  for (let i = nd - 1; i >= 0; i--) {
    const j = i - (nd - ind);
    const want = size[i]!;
    if (j < 0) {
      if (want < 0) throw new Error(`expand: The expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`);
      shape[i] = want; strides[i] = 0;
      continue;
    }
    const have = input._shape[j]!;
    if (want === -1 || want === have) { shape[i] = have; strides[i] = input._strides[j]!; }
    else if (have === 1) { shape[i] = want; strides[i] = 0; }
    else {
      throw new Error(`The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(size)}.  Tensor sizes: ${shapeStr(input._shape)}`);
    }
  }
  const out = makeView(input, shape, strides, input._offset);
  const inShape = input.shape;
  return record("ExpandBackward0", [input], out, ([g]) => [sumToShape(g!, inShape)]);
}

export function expandAs(input: Tensor, other: Tensor): Tensor;
export function expandAs<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): Tensor;
export function expandAs(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("expand_as", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(expandAs, "expand_as", arguments, ["input", "other"], 2, []);
  return expand(input, other.shape);
}
export function broadcastTo(input: Tensor, size: number[]): Tensor;
export function broadcastTo<A extends Rebound<[input: Tensor, size: number[]], ["input", "size"]>>(...args: A): Tensor;
export function broadcastTo(input: Tensor, size: number[]): Tensor {
  if (arguments.length > 2) checkArgs("broadcast_to", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? size : input)) return rebind(broadcastTo, "broadcast_to", arguments, ["input", "size"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("broadcast_to", "input", 1, input);
  return expand(input, size);
}

// ---- squeeze / unsqueeze / flatten ----------------------------------------------------------

export function squeeze(input: Tensor, dim?: number | string | (number | string)[] | null): Tensor {
  if (arguments.length > 1) {
    const opts = checkArgs("squeeze", arguments, 2, ["dim"]);
    if (opts) return squeeze(input, (dim as unknown) === opts ? (opts.dim as number | number[] | null | undefined) : dim);
  }
  if (!(input instanceof Tensor)) requireTensor("squeeze", "input", 1, input);
  if (isNamed(input) || hasDimname(dim)) return namedSqueeze(input, dimsOf(input, dim));
  const dims = checkDims("squeeze", "dim", dim ?? null);
  return squeezeDims(input, dims);
}

/** The names squeeze leaves: those of the dims kept. As PyTorch 1.13 does, squeezing a dim given by index or name that is not of size 1 drops all names. */
function namedSqueeze(input: Tensor, dim: number | number[] | null | undefined): Tensor {
  const nd = input.dim();
  const dims = dim === null || dim === undefined ? null : normalizeDims(typeof dim === "number" ? [dim] : dim, nd, "squeeze");
  const names = namesOf(input);
  const out = ownOutput(input, hideNames([input], () => squeezeDims(input, dims)));
  if (dims !== null && dims.some((d) => input._shape[d] !== 1)) return nameAll(out, new Array<null>(out.dim()).fill(null));
  return nameAll(out, names.filter((_, i) => !(input._shape[i] === 1 && (dims === null || dims.includes(i)))));
}

function squeezeDims(input: Tensor, dims: number[] | null): Tensor {
  if (batching.on && isBatched(input)) return squeezeRule(input, dims);
  const nd = input.dim();
  const drop = dims === null
    ? input._shape.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0)
    : normalizeDims(dims, nd, "squeeze").filter((d) => input._shape[d] === 1);
  const shape: number[] = [], strides: number[] = [];
  input._shape.forEach((s, i) => { if (!drop.includes(i)) { shape.push(s); strides.push(input._strides[i]!); } });
  const out = makeView(input, shape, strides, input._offset);
  const inShape = input.shape;
  const r = record(dims === null ? "SqueezeBackward0" : "SqueezeBackward1", [input], out, ([g]) => [g!.reshape(inShape)]);
  if (tracing.on) traceOp("squeeze", [input], r, { dims: drop });
  return r;
}

export function unsqueeze(input: Tensor, dim: number): Tensor;
export function unsqueeze<A extends Rebound<[input: Tensor, dim: number], ["input", "dim"]>>(...args: A): Tensor;
export function unsqueeze(input: Tensor, dim: number): Tensor {
  if (arguments.length > 2) checkArgs("unsqueeze", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? dim : input)) return rebind(unsqueeze, "unsqueeze", arguments, ["input", "dim"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("unsqueeze", "input", 1, input);
  const d = normalizeDim(checkInt("unsqueeze", "dim", dim), input.dim() + 1, "unsqueeze");
  if (batching.on && isBatched(input)) return unsqueezeRule(input, d);
  const shape = input.shape, strides = input.stride();
  const st = d < input.dim() ? input._shape[d]! * input._strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  const out = makeView(input, shape, strides, input._offset);
  const r = record("UnsqueezeBackward0", [input], out, ([g]) => [g!.squeeze(d)]);
  if (tracing.on) traceOp("unsqueeze", [input], r, { dim: d });
  return r;
}

export function flatten(input: Tensor, dims: (number | string)[], outDim: string): Tensor;
export function flatten(input: Tensor, startDim: number | string, endDim: number | string, outDim: string): Tensor;
export function flatten(input: Tensor, ...args: Args<[startDim?: number, endDim?: number], { startDim?: number; endDim?: number }>): Tensor;
export function flatten(input: Tensor, ...args: unknown[]): Tensor {
  if (!(input instanceof Tensor)) requireTensor("flatten", "input", 1, input);
  // The named overloads: flatten(dims, outDim) and flatten(startDim, endDim, outDim).
  if (typeof args[args.length - 1] === "string") return namedFlatten(input, args);
  if (isNamed(input)) throw namedRefusal("reshape");
  const a = bindArgs("flatten", args, ["startDim", "endDim"], [], 1);
  const nd = input.dim();
  if (nd === 0) return reshape(input, [1]);
  const s = normalizeDim((a.startDim as number) ?? 0, nd, "flatten");
  const e = normalizeDim((a.endDim as number) ?? -1, nd, "flatten");
  if (s > e) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return input;
  const shape = [...input._shape.slice(0, s), numel(input._shape.slice(s, e + 1)), ...input._shape.slice(e + 1)];
  return reshape(input, shape);
}

export function ravel(input: Tensor): Tensor;
export function ravel<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function ravel(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("ravel", arguments, 1); else if (isOptionsObject(input)) return rebind(ravel, "ravel", arguments, ["input"], 1, []);
  // PyTorch's ravel is contiguous().view(-1): a strided input is copied even where a view could flatten it.
  return reshape(contiguous(input), [-1]);
}

export function unflatten(input: Tensor, dim: number | string, sizes: number[] | [name: string, size: number][]): Tensor;
export function unflatten<A extends Rebound<[input: Tensor, dim: number | string, sizes: number[] | [name: string, size: number][]], ["input", "dim", "sizes"]>>(...args: A): Tensor;
export function unflatten(input: Tensor, dim: number | string, sizes: number[] | [name: string, size: number][]): Tensor {
  if (arguments.length > 3) checkArgs("unflatten", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? sizes : arguments.length === 2 ? dim : input)) return rebind(unflatten, "unflatten", arguments, ["input", "dim", "sizes"], 3, []);
  if (!(input instanceof Tensor)) requireTensor("unflatten", "input", 1, input);
  if (isNamed(input) || typeof dim === "string") return namedUnflatten(input, dim, sizes);
  if (sizes.some((s) => Array.isArray(s))) throw new Error("unflatten(): argument 'dim' (position 1) must be name, not int");
  if (typeof dim !== "number") throw new Error("unflatten(): argument 'dim' must be int");
  const d = normalizeDim(dim, input.dim(), "unflatten");
  const inferred = inferSize(sizes as number[], input._shape[d]!);
  return view(input, [...input._shape.slice(0, d), ...inferred, ...input._shape.slice(d + 1)]);
}

// ---- narrow / select / diagonal / slicing ---------------------------------------------------

/** x[..., start:end:step, ...] along one dim, as a view. */
export function slice(input: Tensor, dim: number, start: number, end: number, step = 1): Tensor {
  if (isNamed(input)) return keepNamed(input, [], () => slice(input, dim, start, end, step));
  if (isNested(input)) throw nestedRefusal("slice.Tensor");
  const d = normalizeDim(dim, input.dim(), "slice");
  if (batching.on && isBatched(input)) return wrap(slice(input._physical, d + 1, start, end, step), input._level);
  const size = input._shape[d]!;
  if (step <= 0) throw new Error("slice step must be positive");
  let s = start < 0 ? start + size : start, e = end < 0 ? end + size : end;
  s = Math.min(Math.max(s, 0), size);
  e = Math.min(Math.max(e, s), size);
  const len = Math.ceil((e - s) / step);
  const shape = input.shape, strides = input.stride();
  shape[d] = len;
  strides[d] = input._strides[d]! * step;
  const out = makeView(input, shape, strides, input._offset + s * input._strides[d]!);
  const inShape = input.shape;
  const r = record("SliceBackward0", [input], out, ([g]) => [
    viewGrad(g!, inShape, (t) => slice(t, d, s, e, step), (z, gv) => sliceScatter(z, gv, d, s, e, step)),
  ]);
  if (tracing.on) traceOp("slice", [input], r, { dim: d, start: s, end: e, step });
  return r;
}

export function narrow(input: Tensor, dim: number, start: number | Tensor, length: number): Tensor;
export function narrow<A extends Rebound<[input: Tensor, dim: number, start: number | Tensor, length: number], ["input", "dim", "start", "length"]>>(...args: A): Tensor;
export function narrow(input: Tensor, dim: number, start: number | Tensor, length: number): Tensor {
  if (arguments.length > 4) checkArgs("narrow", arguments, 4); else if (isOptionsObject(arguments.length === 4 ? length : arguments.length === 3 ? start : arguments.length === 2 ? dim : input)) return rebind(narrow, "narrow", arguments, ["input", "dim", "start", "length"], 4, []);
  if (!(input instanceof Tensor)) requireTensor("narrow", "input", 1, input);
  if (isNested(input)) throw nestedRefusal("slice.Tensor");
  const d = normalizeDim(dim, input.dim(), "narrow");
  const size = input._shape[d]!;
  let s = start instanceof Tensor ? Number(start.item()) : start;
  if (s < 0) s += size;
  if (s < 0 || s > size || length < 0 || s + length > size) {
    throw new Error(`start (${start instanceof Tensor ? s : start}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return slice(input, d, s, s + length, 1);
}

export function select(input: Tensor, dim: number | string, index: number): Tensor;
export function select<A extends Rebound<[input: Tensor, dim: number | string, index: number], ["input", "dim", "index"]>>(...args: A): Tensor;
export function select(input: Tensor, dim: number | string, index: number): Tensor {
  if (arguments.length > 3) checkArgs("select", arguments, 3); else if (isOptionsObject(arguments.length === 3 ? index : arguments.length === 2 ? dim : input)) return rebind(select, "select", arguments, ["input", "dim", "index"], 3, []);
  if (!(input instanceof Tensor)) requireTensor("select", "input", 1, input);
  if (isNamed(input) || typeof dim === "string") {
    const d = dimOf(input, dim);
    return reduceNamed(input, d, false, () => select(input, d, index));
  }
  if (isNested(input)) return nestedSelect(input, dim, index);
  if (input.dim() === 0) throw new Error("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, input.dim(), "select");
  const size = input._shape[d]!;
  if (index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${shapeStr(input._shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  if (batching.on && isBatched(input)) return selectRule(input, d, i);
  const shape = input.shape, strides = input.stride();
  shape.splice(d, 1);
  strides.splice(d, 1);
  const out = makeView(input, shape, strides, input._offset + i * input._strides[d]!);
  const inShape = input.shape;
  const r = record("SelectBackward0", [input], out, ([g]) => [
    viewGrad(g!, inShape, (t) => select(t, d, i), (z, gv) => selectScatter(z, gv, d, i)),
  ]);
  if (tracing.on) traceOp("select", [input], r, { dim: d, index: i });
  return r;
}

export function diagonal(input: Tensor, ...args: Args<[offset?: number, dim1?: number, dim2?: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor {
  if (!(input instanceof Tensor)) requireTensor("diagonal", "input", 1, input);
  const a = bindArgs("diagonal", args, ["offset", "dim1", "dim2"], [], 1);
  if (isNamed(input)) {
    // The diagonal's own dim (last) is unnamed; the others keep their names.
    const nd = input.dim(), d1 = normalizeDim((a.dim1 as number) ?? 0, nd, "diagonal"), d2 = normalizeDim((a.dim2 as number) ?? 1, nd, "diagonal");
    const names = [...namesOf(input).filter((_, i) => i !== d1 && i !== d2), null];
    return nameAll(hideNames([input], () => diagonal(input, a)), names);
  }
  const offset = (a.offset as number) ?? 0;
  const nd = input.dim();
  const d1 = normalizeDim((a.dim1 as number) ?? 0, nd, "diagonal"), d2 = normalizeDim((a.dim2 as number) ?? 1, nd, "diagonal");
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${a.dim1 ?? 0}, ${a.dim2 ?? 1}`);
  const n1 = input._shape[d1]!, n2 = input._shape[d2]!;
  const len = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  let off = input._offset;
  if (len > 0) off += offset >= 0 ? offset * input._strides[d2]! : -offset * input._strides[d1]!;
  const shape: number[] = [], strides: number[] = [];
  input._shape.forEach((s, i) => { if (i !== d1 && i !== d2) { shape.push(s); strides.push(input._strides[i]!); } });
  shape.push(len);
  strides.push(input._strides[d1]! + input._strides[d2]!);
  const out = makeView(input, shape, strides, off);
  const inShape = input.shape;
  record("DiagonalBackward0", [input], out, ([g]) => [
    viewGrad(g!, inShape, (t) => diagonal(t, offset, d1, d2), (z, gv) => diagonalScatter(z, gv, offset, d1, d2)),
  ]);
  if (tracing.on) traceOp("diagonal", [input], out, { offset, dim1: d1, dim2: d2 });
  return out;
}

export function asStrided(input: Tensor, size: number[], stride: number[], storageOffset?: number): Tensor {
  if (size.length !== stride.length) throw new Error(`as_strided: mismatch in length of strides and shape`);
  const off = storageOffset ?? input._offset;
  let maxIdx = off;
  size.forEach((s, i) => { if (s > 0) maxIdx += (s - 1) * stride[i]!; });
  if (size.some((s) => s === 0)) maxIdx = off - 1;
  if (maxIdx >= input.storage.length || off < 0) {
    throw new Error(`setStorage: sizes ${shapeStr(size)}, strides ${shapeStr(stride)}, storage offset ${off} require a storage of at least ${maxIdx + 1} elements, but the storage has ${input.storage.length}`);
  }
  const out = makeView(input, size.slice(), stride.slice(), off);
  const inShape = input.shape, inStrides = input.stride(), inOff = input._offset;
  return record("AsStridedBackward0", [input], out, ([g]) => [asStridedScatterGrad(g!, inShape, inStrides, inOff, size, stride, off)]);
}

/** Gradient of as_strided: scatter-add g into the input's storage positions (via index ops). */
function asStridedScatterGrad(g: Tensor, inShape: number[], inStrides: number[], inOff: number, size: number[], stride: number[], off: number): Tensor {
  // Storage positions of every input element and every output element.
  const posOf = (shape: number[], strides: number[], base: number): number[] => {
    const t = new Tensor(emptyTensor([1], g.dtype).storage, shape, strides, base);
    return Array.from(t._storageIndices());
  };
  const inPos = posOf(inShape, inStrides, inOff), outPos = posOf(size, stride, off);
  const where = new Map<number, number>();
  inPos.forEach((p, i) => where.set(p, i));
  const idx = outPos.map((p) => where.get(p) ?? -1);
  if (idx.some((i) => i < 0)) throw new Error("as_strided backward: output reads storage outside the input");
  const flatIdx = g.newTensor(idx, { dtype: "int64" });
  return g.newZeros([numel(inShape)]).indexAdd(0, flatIdx, g.reshape([-1])).reshape(inShape);
}

// ---- scatters of views (their vjps are views again) -----------------------------------------

/**
 * The gradient of a view (slice, select, diagonal) w.r.t. its base: zeros of the base's shape with
 * g in the view's place. A plain backward writes g into fresh zeros, as PyTorch's select_backward
 * does; a differentiable one (create_graph) goes through the *_scatter op, whose graph reaches g.
 */
function viewGrad(g: Tensor, inShape: number[], viewOf: (t: Tensor) => Tensor, scatter: (zeros: Tensor, g: Tensor) => Tensor): Tensor {
  if (needsGrad(g)) return scatter(g.newZeros(inShape), g);
  const out = g.newZeros(inShape);
  copyInto(viewOf(out), g);
  return out;
}

function scatterInto(op: string, input: Tensor, src: Tensor, viewOf: (t: Tensor) => Tensor, name: string, srcGrad: (g: Tensor) => Tensor): Tensor {
  const out = clone(input.detach());
  const target = viewOf(out);
  if (target.shape.join() !== src.shape.join()) {
    throw new Error(`${op}: expected src to have a size equal to the slice of self. src size = ${shapeStr(src._shape)}, slice size = ${shapeStr(target._shape)}`);
  }
  copyInto(target, src);
  return record(name, [input, src], out, ([g]) => {
    const gIn = clone(g!.detach());
    const z = viewOf(gIn);
    copyInto(z, z.newZeros(z.shape));
    return [input._requiresGrad ? scatterInto(op, g!, src.newZeros(src.shape), viewOf, name, srcGrad) : gIn, srcGrad(g!)];
  });
}

export function sliceScatter(input: Tensor, src: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim(dim, input.dim(), "slice_scatter");
  const s = start ?? 0, e = end ?? input._shape[d]!;
  const v = (t: Tensor) => slice(t, d, s, e, step);
  return scatterInto("slice_scatter", input, src, v, "SliceScatterBackward0", (g) => v(g));
}

export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor;
export function selectScatter<A extends Rebound<[input: Tensor, src: Tensor, dim: number, index: number], ["input", "src", "dim", "index"]>>(...args: A): Tensor;
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  if (arguments.length > 4) checkArgs("select_scatter", arguments, 4); else if (isOptionsObject(arguments.length === 4 ? index : arguments.length === 3 ? dim : arguments.length === 2 ? src : input)) return rebind(selectScatter, "select_scatter", arguments, ["input", "src", "dim", "index"], 4, []);
  const v = (t: Tensor) => select(t, dim, index);
  return scatterInto("select_scatter", input, src, v, "SelectScatterBackward0", (g) => v(g));
}

export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const v = (t: Tensor) => diagonal(t, offset, dim1, dim2);
  return scatterInto("diagonal_scatter", input, src, v, "DiagonalScatterBackward0", (g) => v(g));
}

/**
 * torch.as_strided_scatter: input with the elements that the view (size, stride, storageOffset)
 * of a contiguous copy of input would show replaced by src. Differentiable in both.
 */
export function asStridedScatter(input: Tensor, src: Tensor, size: number[], stride: number[], storageOffset = 0): Tensor {
  const v = (t: Tensor) => asStrided(t.isContiguous() && t._offset === 0 ? t : clone(t), size, stride, storageOffset);
  return scatterInto("as_strided_scatter", input, src, v, "AsStridedScatterBackward0", (g) => v(g));
}

// ---- splitting ------------------------------------------------------------------------------

export function split(input: Tensor, splitSizeOrSections: number | number[], ...args: Args<[dim?: number], { dim?: number }>): Tensor[];
export function split<A extends Rebound<[input: Tensor, splitSizeOrSections: number | number[]], ["tensor", "splitSizeOrSections"], { dim?: number }>>(...args: A): Tensor[];
export function split(input: Tensor, splitSizeOrSections: number | number[], ...args: Args<[dim?: number], { dim?: number }>): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? splitSizeOrSections : input)) return rebind(split, "split", arguments, ["tensor", "splitSizeOrSections", "dim"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("split", "tensor", 1, input);
  const dim = (bindArgs("split", args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  const d = normalizeDim(dim, input.dim(), "split");
  const size = input._shape[d]!;
  const sizes: number[] = [];
  if (typeof splitSizeOrSections === "number") {
    sizes.push(...stepSizes(size, splitSizeOrSections));
  } else if (!Array.isArray(splitSizeOrSections)) {
    throw new Error(`split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not ${pyType(splitSizeOrSections)}`);
  } else {
    const total = splitSizeOrSections.reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${shapeStr(splitSizeOrSections)}`);
    }
    sizes.push(...splitSizeOrSections);
  }
  return splitViews(input, d, sizes, typeof splitSizeOrSections === "number" ? "SplitBackward0" : "SplitWithSizesBackward0");
}

/** The aten overload a nested tensor's refusal names, by the split's node. */
const SPLIT_OVERLOADS: Record<string, string> = {
  SplitWithSizesBackward0: "split_with_sizes", UnsafeSplitBackward0: "unsafe_split.Tensor", UnsafeSplitWithSizesBackward0: "unsafe_split_with_sizes",
};

/**
 * Views of consecutive pieces of `input` along d (sizes), or of each index along d (unbind), as
 * one graph node with an output per view, as PyTorch's split/unbind: their gradient is the pieces'
 * gradients joined, and the views refuse in-place ops that autograd records (multi-output views).
 * With `unsafe`, the pieces share memory but are not views to autograd (PyTorch's unsafe_split).
 */
export function splitViews(input: Tensor, d: number, sizes: number[] | null, node: string, unsafe = false): Tensor[] {
  if (batching.on && isBatched(input)) return splitViews(input._physical, d + 1, sizes, node, unsafe).map((p) => wrap(p, input._level));
  if (isNested(input)) throw nestedRefusal(SPLIT_OVERLOADS[node] ?? "split.Tensor");
  if (isNamed(input)) {
    if (sizes === null) return Array.from({ length: input._shape[d]! }, (_, i) => select(input, d, i));
    const pieces: Tensor[] = [];
    let start = 0;
    for (const n of sizes) { pieces.push(narrow(input, d, start, n)); start += n; }
    return pieces;
  }
  const stride = input._strides[d]!;
  const outs: Tensor[] = [], starts: number[] = [];
  if (sizes === null) {
    for (let i = 0; i < input._shape[d]!; i++) {
      const shape = input.shape, strides = input.stride();
      shape.splice(d, 1);
      strides.splice(d, 1);
      outs.push(makeView(input, shape, strides, input._offset + i * stride));
    }
  } else {
    let start = 0;
    for (const n of sizes) {
      const shape = input.shape;
      shape[d] = n;
      starts.push(start);
      outs.push(makeView(input, shape, input.stride(), input._offset + start * stride));
      start += n;
    }
  }
  if (unsafe) for (const o of outs) o._base = null;
  record(node, [input], outs, (gs) => [sizes === null ? stack(gs as Tensor[], d) : cat(gs as Tensor[], d)]);
  if (!unsafe && outs.length > 0 && outs[0]!.requiresGrad) for (const o of outs) multiOutputViews.set(o, node);
  if (tracing.on) {
    outs.forEach((o, i) => {
      if (sizes === null) traceOp("select", [input], o, { dim: d, index: i });
      else traceOp("slice", [input], o, { dim: d, start: starts[i]!, end: starts[i]! + sizes[i]!, step: 1 });
    });
  }
  return outs;
}

/** The sizes of split(split_size) along a dim of `size` elements: pieces of `step`, the last shorter. */
export function stepSizes(size: number, step: number): number[] {
  if (step <= 0 && size > 0) throw new Error(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
  const sizes: number[] = [];
  for (let s = 0; s < size; s += step) sizes.push(Math.min(step, size - s));
  if (size === 0) sizes.push(0);
  return sizes;
}

/** The sizes of chunk(chunks) along a dim of `size` elements (at most `chunks` pieces). */
export function chunkSizes(size: number, chunks: number): number[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error("chunk expects `chunks` to be greater than 0, got: " + chunks);
  return stepSizes(size, Math.max(Math.ceil(size / chunks), 1)).slice(0, chunks);
}

/** Tensor.split(split_size, dim=0): the method names its size parameter as PyTorch's does. */
function splitMethod(self: Tensor, splitSize: number | number[], ...args: Args<[dim?: number], { dim?: number }>): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? splitSize : self)) return rebind(splitMethod, "split", arguments, ["self", "splitSize", "dim"], 2, []);
  return split(self, splitSize, ...args);
}

export function chunk(input: Tensor, chunks: number, ...args: Args<[dim?: number], { dim?: number }>): Tensor[];
export function chunk<A extends Rebound<[input: Tensor, chunks: number], ["input", "chunks"], { dim?: number }>>(...args: A): Tensor[];
export function chunk(input: Tensor, chunks: number, ...args: Args<[dim?: number], { dim?: number }>): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? chunks : input)) return rebind(chunk, "chunk", arguments, ["input", "chunks", "dim"], 2, []);
  if (!(input instanceof Tensor)) requireTensor("chunk", "input", 1, input);
  const dim = (bindArgs("chunk", args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  const d = normalizeDim(dim, input.dim(), "chunk");
  return splitViews(input, d, chunkSizes(input._shape[d]!, chunks), "SplitBackward0");
}

export function tensorSplit(input: Tensor, indicesOrSections: number | number[], ...args: Args<[dim?: number], { dim?: number }>): Tensor[];
export function tensorSplit<A extends Rebound<[input: Tensor, indicesOrSections: number | number[]], ["input", "sections"], { dim?: number }>>(...args: A): Tensor[];
export function tensorSplit(input: Tensor, indicesOrSections: number | number[], ...args: Args<[dim?: number], { dim?: number }>): Tensor[] {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? indicesOrSections : input)) return rebind(tensorSplit, "tensor_split", arguments, ["input", "sections|indices", "dim"], 2, []);
  const dim = (bindArgs("tensor_split", args, ["dim"], [], 2).dim as number | undefined) ?? 0;
  const d = normalizeDim(dim, input.dim(), "tensor_split");
  const size = input._shape[d]!;
  const bounds: number[] = [];
  if (typeof indicesOrSections === "number") {
    const n = indicesOrSections;
    const base = Math.floor(size / n), extra = size % n;
    let s = 0;
    for (let i = 0; i < n; i++) { bounds.push(s); s += base + (i < extra ? 1 : 0); }
    bounds.push(size);
  } else {
    bounds.push(0, ...indicesOrSections.map((i) => Math.min(Math.max(i < 0 ? i + size : i, 0), size)), size);
  }
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push(slice(input, d, bounds[i]!, Math.max(bounds[i]!, bounds[i + 1]!)));
  return out;
}

export function unbind(input: Tensor, ...args: Args<[dim?: number | string], { dim?: number | string }>): Tensor[] {
  if (!(input instanceof Tensor)) requireTensor("unbind", "input", 1, input);
  const given = (bindArgs("unbind", args, ["dim"], [], 1).dim as number | string | undefined) ?? 0;
  if (isNamed(input) || typeof given === "string") {
    const d = dimOf(input, given);
    return reduceNamed(input, d, false, () => unbind(input, d));
  }
  const dim = given as number;
  if (isNested(input)) return nestedUnbind(input, dim);
  const d = normalizeDim(dim, input.dim(), "unbind");
  return splitViews(input, d, null, "UnbindBackward0");
}


declare module "../core/tensor.js" {
  interface Tensor {
    view: Method<typeof view> & ((dtype: DTypeOption) => Tensor);
    reshape: Method<typeof reshape>;
    viewAs: Method<typeof viewAs>;
    reshapeAs: Method<typeof reshapeAs>;
    contiguous: Method<typeof contiguous>;
    clone: Method<typeof clone>;
    transpose: Method<typeof transpose>;
    swapaxes: Method<typeof transpose>;
    swapdims: Method<typeof transpose>;
    permute: Method<typeof permute>;
    t: Method<typeof t>;
    adjoint: Method<typeof adjoint>;
    movedim: Method<typeof movedim>;
    moveaxis: Method<typeof movedim>;
    expand: Method<typeof expand>;
    expandAs: Method<typeof expandAs>;
    broadcastTo: Method<typeof broadcastTo>;
    squeeze: Method<typeof squeeze>;
    unsqueeze: Method<typeof unsqueeze>;
    flatten: Method<typeof flatten> & ((dims: (number | string)[], outDim: string) => Tensor) & ((startDim: number | string, endDim: number | string, outDim: string) => Tensor);
    ravel: Method<typeof ravel>;
    unflatten: Method<typeof unflatten>;
    narrow: Method<typeof narrow>;
    select: Method<typeof select>;
    diagonal: Method<typeof diagonal>;
    asStrided: Method<typeof asStrided>;
    sliceScatter: Method<typeof sliceScatter>;
    asStridedScatter: Method<typeof asStridedScatter>;
    selectScatter: Method<typeof selectScatter>;
    diagonalScatter: Method<typeof diagonalScatter>;
    split: Method<typeof split>;
    chunk: Method<typeof chunk>;
    tensorSplit: Method<typeof tensorSplit>;
    unbind: Method<typeof unbind>;
    /** Transpose of a 2-d tensor (reversed dims otherwise), as PyTorch's .T. */
    readonly T: Tensor;
    /** Transpose of the last two dims. */
    readonly mT: Tensor;
    readonly H: Tensor;
    readonly mH: Tensor;
  }
}

installMethods({
  view, reshape, viewAs, reshapeAs, contiguous, clone, transpose, swapaxes: transpose, swapdims: transpose, permute, t, adjoint,
  movedim, moveaxis: movedim, expand, expandAs, broadcastTo, squeeze, unsqueeze, flatten, ravel, unflatten, narrow, select,
  diagonal, asStrided, asStridedScatter, sliceScatter, selectScatter, diagonalScatter, split: splitMethod, chunk, tensorSplit, unbind,
});

const reversedDims = (x: Tensor) => permute(x, [...Array(x.dim()).keys()].reverse());
Object.defineProperty(Tensor.prototype, "T", { get(this: Tensor) { return reversedDims(this); } });
Object.defineProperty(Tensor.prototype, "H", { get(this: Tensor) { return conjugateIfComplex(reversedDims(this)); } });
Object.defineProperty(Tensor.prototype, "mT", { get(this: Tensor) {
  if (this.dim() < 2) throw new Error("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.");
  return transpose(this, -2, -1);
} });
Object.defineProperty(Tensor.prototype, "mH", { get(this: Tensor) { return conjugateIfComplex(transpose(this, -2, -1)); } });
