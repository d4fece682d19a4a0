// Factories: torch.tensor, zeros/ones/full/empty (+ _like, new_*), arange, linspace, logspace,
// eye, frombuffer.

import { type Layout, sparseCoo, strided } from "../core/layout.js";
import { makeSparse } from "./sparse-engine.js";
import { Complex } from "../core/complex.js";
import { Tensor, type NestedArray } from "../core/tensor.js";
import {
  type DType, type DTypeLike, type StorageArray, bool, defaultComplex, dtypeOfArray, float16, bfloat16, float32, float64,
  getDefaultDtype, int64, toDType, int8, uint8, int16, int32,
  complex32, complex128,
} from "../core/dtype.js";
import { type ComplexStorage, Storage, type DeviceLike, toDevice } from "../core/storage.js";
import { numel } from "../core/shape.js";
import { linspaceFloat32 } from "../core/linspace.js";
import { bindArgs, bindSize, installMethods, type Method, checkTensor, checkArgs, isOptionsObject, rebind, describe, type Rebound, pyType, checkSizeElements } from "./args.js";
import { emptyTensor, encoder, fillTensor, copyInto } from "./engine.js";
import { checkFactoryShape, checkFiniteRange, checkIntArg, checkNumberArg, deviceFactory, finishFactory, invalidCombination, likeStrides } from "./factory-utils.js";
import { type MemoryFormat, memoryFormatArg, preserveFormat, stridesFor } from "../core/memory-format.js";
import { isNamed, keepNamesOf, namedRefusal } from "./named-engine.js";
import { traceOp, tracing } from "../onnx/hook.js";

import { hasOut, withOut, type OutOption } from "./out.js";
export interface FactoryOptions {
  dtype?: DTypeLike | null;
  device?: DeviceLike | null;
  requiresGrad?: boolean;
  /** Accepted for PyTorch compatibility; CPU memory is always pageable. */
  pinMemory?: boolean;
  layout?: Layout | null;
  /** empty and the *_like factories: the result's layout (torch.channelsLast, ...); the others take only null. */
  memoryFormat?: MemoryFormat | null;
  /** Dim names (PyTorch's names=): empty, zeros, ones, full, rand, randn and tensor take them. */
  names?: readonly (string | null)[] | null;
}

// `out` is not among them: the factories that take out= (zeros, ones, empty, full, arange, linspace, eye)
// split it off first (out.ts), and the others reject it.
const FACTORY_KW = ["dtype", "device", "requiresGrad", "pinMemory", "layout", "memoryFormat", "generator"];
/** The factories PyTorch gives names= (named tensors). */
const NAMED_FACTORY_KW = [...FACTORY_KW, "names"];

export type TensorData = NestedArray<number | bigint | boolean | Complex> | StorageArray | Tensor | NestedArray<Tensor>;

function dtypeOpt(opts: Record<string, unknown>, fallback: DType): DType {
  return opts.dtype === undefined || opts.dtype === null ? fallback : toDType(opts.dtype as DTypeLike);
}

/** Infers PyTorch's dtype for Python data: bool < int (int64) < float (default dtype). */
function inferDType(flat: readonly (number | bigint | boolean | Complex)[]): DType {
  let kind = 0;
  for (const v of flat) if (v instanceof Complex) return defaultComplex();
  for (const v of flat) {
    if (typeof v === "boolean") continue;
    if (typeof v === "bigint") kind = Math.max(kind, 1);
    else if (Number.isInteger(v)) kind = Math.max(kind, 1);
    else { kind = 2; break; }
  }
  if (flat.length === 0) return getDefaultDtype();
  return kind === 2 ? getDefaultDtype() : kind === 1 ? int64 : flat.every((v) => typeof v === "boolean") ? bool : int64;
}

function flatten(data: unknown, shape: number[], flat: (number | bigint | boolean | Complex)[], depth: number, tensorDtypes: DType[]): void {
  if (data instanceof Tensor) {
    if (depth === shape.length) shape.push(...data.shape);
    tensorDtypes.push(data.dtype);
    for (const v of data.flatten().tolist() as (number | bigint | boolean | Complex)[]) flat.push(v);
    return;
  }
  if (Array.isArray(data)) {
    if (depth === shape.length) shape.push(data.length);
    else if (shape[depth] !== data.length) {
      throw new Error(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${data.length})`);
    }
    for (const d of data) flatten(d, shape, flat, depth + 1, tensorDtypes);
    return;
  }
  if (typeof data === "number" || typeof data === "bigint" || typeof data === "boolean" || data instanceof Complex) {
    if (depth < shape.length) throw new Error(`tensor: expected a sequence at dim ${depth}, got a scalar`);
    flat.push(data);
    return;
  }
  throw new Error(`tensor: could not infer dtype of ${data === null ? "None" : typeof data}`);
}

/** Writes Python-like values (numbers, Complex) into a complex tensor; a complex value into a real dtype is an error. */
function complexFrom(out: Tensor, flat: readonly (number | bigint | boolean | Complex)[]): Tensor {
  if (!out.dtype.isComplex) throw new Error(`tensor: can't convert complex to ${out.dtype.name === "float32" ? "float" : out.dtype.name}`);
  // complex32: the values written as complex128, then rounded once to float16 halves.
  if (out.dtype === complex32) { copyInto(out, complexFrom(emptyTensor(out._shape, complex128), flat)); return out; }
  const pairs = (out.storage as ComplexStorage).pairs;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    pairs[2 * i] = v instanceof Complex ? v.re : Number(v);
    pairs[2 * i + 1] = v instanceof Complex ? v.im : 0;
  }
  return out;
}

/** torch.tensor(data, { dtype, device, requiresGrad }): always copies. */
export function tensor(data: TensorData, options: FactoryOptions = {}): Tensor {
  const opts = bindArgs("tensor", [options], [], NAMED_FACTORY_KW);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const arr = data as StorageArray;
    const dt = dtypeOpt(opts, dtypeOfArray(arr));
    const src = new Tensor(new Storage(arr, dtypeOfArray(arr)), [arr.length]);
    const out = emptyTensor([arr.length], dt);
    copyInto(out, src);
    return finishFactory(out, opts);
  }
  if (data instanceof Tensor) {
    const out = emptyTensor(data.shape, dtypeOpt(opts, data.dtype));
    copyInto(out, data);
    return finishFactory(out, opts);
  }
  const shape: number[] = [];
  const flat: (number | bigint | boolean | Complex)[] = [];
  const tensorDtypes: DType[] = [];
  flatten(data, shape, flat, 0, tensorDtypes);
  const inferred = tensorDtypes.length && flat.every((v) => typeof v !== "boolean" || tensorDtypes.every((d) => d === bool))
    ? tensorDtypes.reduce((a, b) => (a.category === b.category ? (a.rank >= b.rank ? a : b) : a.isFloatingPoint ? a : b))
    : inferDType(flat);
  const dt = dtypeOpt(opts, inferred);
  const out = emptyTensor(shape, dt);
  if (dt.isComplex || inferred.isComplex) return finishFactory(complexFrom(out, flat), opts);
  const enc = encoder(dt);
  const d = out.storage.data as unknown as (number | bigint)[];
  for (let i = 0; i < flat.length; i++) d[i] = enc(flat[i] as number | bigint | boolean);
  return finishFactory(out, opts);
}

/** torch.as_tensor: no copy when data is already a tensor of the requested dtype. */
export function asTensor(data: TensorData, options?: FactoryOptions): Tensor;
export function asTensor<A extends Rebound<[data: TensorData], ["data"], FactoryOptions>>(...args: A): Tensor;
export function asTensor(data: TensorData, options: FactoryOptions = {}): Tensor {
  if (arguments.length > 2) checkArgs("as_tensor", arguments, 1, FACTORY_KW); else if (arguments.length <= 1 && isOptionsObject(data)) return rebind(asTensor, "as_tensor", arguments, ["data"], 1, FACTORY_KW);
  bindArgs("as_tensor", [options], [], FACTORY_KW);
  if (data instanceof Tensor && (options.dtype === undefined || options.dtype === null || toDType(options.dtype) === data.dtype)) return data;
  return tensor(data, options);
}

/**
 * torch.frombuffer-style zero-copy wrapping: the tensor uses `data` itself as its storage.
 * Float16/bfloat16 take a Uint16Array of raw bits with `dtype` given.
 */
export function fromBuffer(data: StorageArray, options: { dtype?: DTypeLike; shape?: number[]; requiresGrad?: boolean } = {}): Tensor {
  const dt = options.dtype ? toDType(options.dtype) : dtypeOfArray(data);
  const expected = dtypeOfArray(data);
  const ok = dt === expected || (data instanceof Uint16Array && (dt === float16 || dt === bfloat16)) || (data instanceof Uint8Array && (dt === bool || dt === uint8));
  if (!ok) throw new Error(`frombuffer: a ${data.constructor.name} cannot hold ${dt}`);
  const shape = options.shape ?? [data.length];
  if (numel(shape) !== data.length) throw new Error(`frombuffer: shape [${shape.join(", ")}] does not match ${data.length} elements`);
  const t = new Tensor(new Storage(data, dt), shape.slice());
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** torch.from_numpy's analogue for typed arrays (no copy). */
export const fromArray = fromBuffer;

type SizeArgs = (number | number[] | (FactoryOptions & OutOption))[];

function sized(op: string, args: readonly unknown[], fill: number | null, defaultDtype?: DType): Tensor {
  const { size, opts } = bindSize(op, args);
  checkFactoryShape(op, size);
  bindArgs(op, [opts], [], NAMED_FACTORY_KW);
  const dtype = dtypeOpt(opts, defaultDtype ?? getDefaultDtype());
  if (opts.layout !== undefined && opts.layout !== null && opts.layout !== strided) return sparseFactory(op, size, dtype, opts);
  const onDevice = deviceFactory(op, size, dtype, { fill: op === "empty" ? null : fill ?? 0 }, opts.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  const t = opts.memoryFormat === undefined || opts.memoryFormat === null ? emptyTensor(size, dtype) : emptyInFormat(op, size, dtype, opts.memoryFormat);
  if (fill !== null && fill !== 0) fillTensor(t, fill);
  return finishFactory(t, opts);
}

/** torch.empty(..., { memoryFormat }): the only sized factory of PyTorch that takes a memory format. */
function emptyInFormat(op: string, size: number[], dtype: DType, memoryFormat: unknown): Tensor {
  const format = memoryFormatArg(op, memoryFormat)!;
  if (op !== "empty") throw new Error(`${op}() received an invalid combination of arguments - got memory_format=${format}: only torch.empty and the *_like factories take memory_format`);
  if (format === preserveFormat) throw new Error("unsupported memory format Preserve");
  return new Tensor(Storage.alloc(dtype, numel(size)), size, stridesFor(size, format));
}

/** zeros / empty with layout=torch.sparse_coo: a sparse tensor with no nonzeros (every dim sparse). */
function sparseFactory(op: string, size: number[], dtype: DType, opts: Record<string, unknown>): Tensor {
  if (opts.layout !== sparseCoo) throw new Error(`${op}: layout ${String(opts.layout)} is not supported by torch-ts (torch.strided or torch.sparse_coo)`);
  if (op !== "zeros" && op !== "empty") throw new Error(`${op === "ones" ? "full" : op}(...) is not implemented for sparse layout`);
  if (opts.device !== undefined && opts.device !== null && String(opts.device) !== "cpu") throw new Error(`${op}: sparse COO tensors are CPU only in torch-ts`);
  const t = makeSparse(emptyTensor([size.length, 0], int64), emptyTensor([0], dtype), size, true);
  return opts.requiresGrad ? t.requiresGrad_(true) : t;
}

export function zeros(...size: SizeArgs): Tensor {
  return hasOut(size) ? withOut("zeros", size, (rest) => zeros(...(rest as SizeArgs)), "cast", true) : sized("zeros", size, 0);
}
export function ones(...size: SizeArgs): Tensor {
  return hasOut(size) ? withOut("ones", size, (rest) => ones(...(rest as SizeArgs)), "cast", true) : sized("ones", size, 1);
}
/** Zero-filled, as every fresh typed array is (no uninitialised memory in JS). */
export function empty(...size: SizeArgs): Tensor {
  return hasOut(size) ? withOut("empty", size, (rest) => empty(...(rest as SizeArgs)), "cast", true) : sized("empty", size, null);
}

function scalarDType(v: number | bigint | boolean | Complex): DType {
  if (v instanceof Complex) return defaultComplex();
  if (typeof v === "boolean") return bool;
  if (typeof v === "bigint" || Number.isInteger(v)) return int64;
  return getDefaultDtype();
}

/** torch.full(size, fillValue, { dtype }): the dtype follows the fill value as in PyTorch. */
export function full(size: number[], fillValue: number | bigint | boolean | Complex, options?: FactoryOptions & OutOption): Tensor;
export function full<A extends Rebound<[size: number[], fillValue: number | bigint | boolean | Complex], ["size", "fillValue"], FactoryOptions & OutOption>>(...args: A): Tensor;
export function full(size: number[], fillValue: number | bigint | boolean | Complex, options: FactoryOptions & OutOption = {}): Tensor {
  if (arguments.length > 3) checkArgs("full", arguments, 2, [...NAMED_FACTORY_KW, "out"]); else if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? fillValue : size)) return rebind(full, "full", arguments, ["size", "fillValue"], 2, [...NAMED_FACTORY_KW, "out"]);
  if (hasOut([options])) return withOut("full", [options], (rest) => full(size, fillValue, rest[0] as FactoryOptions), "cast", true);
  const opts = bindArgs("full", [options], [], NAMED_FACTORY_KW);
  if (!Array.isArray(size)) throw new Error(`full(): argument 'size' (position 1) must be tuple of SymInts, not ${pyType(size)}`);
  checkSizeElements("full", "size", size, size);
  checkNumberArg("full", "fill_value", 2, fillValue);
  checkFactoryShape("full", size);
  const dtype = dtypeOpt(opts, scalarDType(fillValue));
  const onDevice = fillValue instanceof Complex ? null : deviceFactory("full", size, dtype, { fill: fillValue }, opts.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  const t = emptyTensor(size, dtype);
  fillTensor(t, fillValue);
  return finishFactory(t, opts);
}

function likeDType(input: Tensor, opts: Record<string, unknown>): DType {
  return dtypeOpt(opts, input.dtype);
}

/** A zeroed tensor shaped like input, laid out as the *_like factories lay it (see likeStrides). */
function zerosShapedLike(op: string, input: Tensor, dtype: DType, opts: Record<string, unknown>): Tensor {
  const strides = likeStrides(op, input, opts.memoryFormat);
  return strides === null ? emptyTensor(input.shape, dtype) : new Tensor(Storage.alloc(dtype, input.numel()), input.shape, strides);
}

export function zerosLike(input: Tensor, options: FactoryOptions = {}): Tensor {
  checkTensor("zeros_like", "input", input);
  const opts = bindArgs("zeros_like", [options], [], FACTORY_KW);
  const onDevice = deviceFactory("zeros_like", input.shape, likeDType(input, opts), { fill: 0 }, opts.device ?? input.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  return keepNamesOf(input, finishFactory(zerosShapedLike("zeros_like", input, likeDType(input, opts), opts), { device: input.device, ...opts }));
}
export function onesLike(input: Tensor, options: FactoryOptions = {}): Tensor {
  checkTensor("ones_like", "input", input);
  const opts = bindArgs("ones_like", [options], [], FACTORY_KW);
  const onDevice = deviceFactory("ones_like", input.shape, likeDType(input, opts), { fill: 1 }, opts.device ?? input.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  const t = zerosShapedLike("ones_like", input, likeDType(input, opts), opts);
  fillTensor(t, 1);
  return keepNamesOf(input, finishFactory(t, { device: input.device, ...opts }));
}
export function emptyLike(input: Tensor, options: FactoryOptions = {}): Tensor { return zerosLike(input, options); }
export function fullLike(input: Tensor, fillValue: number | bigint | boolean, options?: FactoryOptions): Tensor;
export function fullLike<A extends Rebound<[input: Tensor, fillValue: number | bigint | boolean], ["input", "fillValue"], FactoryOptions>>(...args: A): Tensor;
export function fullLike(input: Tensor, fillValue: number | bigint | boolean, options: FactoryOptions = {}): Tensor {
  if (arguments.length <= 2 && isOptionsObject(arguments.length === 2 ? fillValue : input)) return rebind(fullLike, "full_like", arguments, ["input", "fillValue"], 2);
  checkTensor("full_like", "input", input);
  const opts = bindArgs("full_like", [options], [], FACTORY_KW);
  const onDevice = deviceFactory("full_like", input.shape, likeDType(input, opts), { fill: fillValue }, opts.device ?? input.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  const t = zerosShapedLike("full_like", input, likeDType(input, opts), opts);
  fillTensor(t, fillValue);
  return keepNamesOf(input, finishFactory(t, { device: input.device, ...opts }));
}

// Tensor.new_* keep the tensor's dtype and device.
function newSized(self: Tensor, op: string, args: readonly unknown[], fill: number | null): Tensor {
  if (isNamed(self)) throw namedRefusal(op);
  const { size, opts } = bindSize(op, args);
  bindArgs(op, [opts], [], FACTORY_KW);
  const t = emptyTensor(size, dtypeOpt(opts, self.dtype));
  if (fill) fillTensor(t, fill);
  return finishFactory(t, { device: self.device, ...opts });
}
export function newZeros(self: Tensor, ...size: SizeArgs): Tensor { return newSized(self, "new_zeros", size, 0); }
export function newOnes(self: Tensor, ...size: SizeArgs): Tensor { return newSized(self, "new_ones", size, 1); }
export function newEmpty(self: Tensor, ...size: SizeArgs): Tensor { return newSized(self, "new_empty", size, null); }
export function newFull(self: Tensor, size: number[], fillValue: number | bigint | boolean, options: FactoryOptions = {}): Tensor {
  if (isNamed(self)) throw namedRefusal("new_full");
  const opts = bindArgs("new_full", [options], [], FACTORY_KW);
  const t = emptyTensor(size, dtypeOpt(opts, self.dtype));
  fillTensor(t, fillValue);
  return finishFactory(t, { device: self.device, ...opts });
}
/** Tensor.new_tensor: the data as a tensor of self's dtype on self's device (unless given). */
export function newTensor(self: Tensor, data: TensorData, options: FactoryOptions = {}): Tensor {
  return tensor(data, { dtype: self.dtype, device: self.device, ...options });
}

/**
 * Tensor.new(*args): PyTorch's legacy constructor, in self's dtype and on self's device (or
 * `{ device }`): sizes give a new tensor of that size (zeros; PyTorch leaves it uninitialised), an
 * array gives its data (JS has no torch.Size: an array is always data, as a Python list is), a
 * tensor of self's dtype is returned as a view of itself, no argument gives an empty tensor.
 */
function legacyNew(self: Tensor, ...args: (number | NestedArray<number | bigint | boolean> | Tensor | { device?: DeviceLike | null })[]): Tensor {
  const last = args[args.length - 1];
  let device: DeviceLike | null | undefined;
  if (last !== undefined && isOptionsObject(last) && !(last instanceof Tensor)) {
    for (const k of Object.keys(last)) if (k !== "device") throw new Error(`new() received an invalid combination of arguments - got ${k}=..., but only the keyword device is accepted`);
    device = (last as { device?: DeviceLike | null }).device;
    args = args.slice(0, -1);
  }
  const opts = { dtype: self.dtype, device: device ?? self.device };
  if (args.length === 0) return newEmpty(self, [0], { device: opts.device });
  const first = args[0];
  if (args.length === 1 && first instanceof Tensor) {
    if (first.dtype !== self.dtype) throw new Error(`expected a tensor of dtype ${self.dtype} (got ${first.dtype})`);
    return first.viewAs(first);
  }
  if (args.length === 1 && Array.isArray(first)) return tensor(first as TensorData, opts);
  if (args.every((a) => typeof a === "number")) {
    for (const a of args) if (!Number.isInteger(a)) throw new Error(`new(): data must be a sequence (got float)`);
    return newZeros(self, args as number[], { device: opts.device });
  }
  throw new Error(`new() received an invalid combination of arguments - got (${args.map((a) => (a instanceof Tensor ? "Tensor" : Array.isArray(a) ? "list" : typeof a)).join(", ")})`);
}

export interface ArangeOptions extends FactoryOptions { start?: number; end?: number; step?: number }

/** torch.arange(end) / arange(start, end, step?): int64 when all bounds are integers. */
/** arange's bounds are Numbers: one alone is PyTorch's `end`; with more, Python names no argument. */
function checkArangeArgs(args: readonly unknown[], a: Record<string, unknown>): void {
  const isNumber = (v: unknown): boolean => typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
  if (a.end === undefined) { if (a.start !== undefined) checkNumberArg("arange", "end", 1, a.start); return; }
  if ([a.start, a.end, a.step].some((v) => v !== undefined && !isNumber(v))) {
    throw invalidCombination("arange", args.filter((v) => !isOptionsObject(v)));
  }
}

export function arange(...args: (number | bigint | (ArangeOptions & OutOption))[]): Tensor {
  if (hasOut(args)) return withOut("arange", args, (rest) => arange(...(rest as (number | ArangeOptions)[])), "cast", true);
  const a = bindArgs("arange", args, ["start", "end", "step"], FACTORY_KW);
  checkArangeArgs(args, a);
  let start = Number(a.start ?? 0), end = a.end === undefined ? undefined : Number(a.end);
  const step = Number(a.step ?? 1);
  if (end === undefined) { end = start; start = 0; }
  if (step === 0 || Number.isNaN(step)) throw new Error("arange: step must be nonzero");
  checkFiniteRange(start, end);
  if ((step > 0 && start > end) || (step < 0 && start < end)) {
    throw new Error("arange: upper bound and larger bound inconsistent with step sign");
  }
  const allInt = [start, end, step].every((v) => Number.isInteger(v)) && [a.start, a.end, a.step].every((v) => typeof v !== "number" || Number.isInteger(v));
  const dt = dtypeOpt(a, allInt ? int64 : getDefaultDtype());
  if (dt === int64 && allInt && [a.start, a.end, a.step].some((v) => typeof v === "bigint" || Math.abs(Number(v ?? 0)) >= 2 ** 53)) {
    const big = (v: unknown, fallback: bigint): bigint => (v === undefined ? fallback : BigInt(v as number | bigint));
    return finishFactory(a.end === undefined ? bigArange(0n, big(a.start, 0n), big(a.step, 1n)) : bigArange(big(a.start, 0n), big(a.end, 0n), big(a.step, 1n)), a);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  // An integer arange counts its elements from the given bounds but steps from start and step cast
  // to integers first, as PyTorch 2 does: arange(0, 7, 1.5, dtype=int64) is [0, 1, 2, 3, 4].
  const [first, stride] = dt.isFloatingPoint ? [start, step] : [Math.trunc(start), Math.trunc(step)];
  // On a device: exact where the device computes exactly (integers; float32 values that are
  // integers below 2^24), else computed here in double as PyTorch does, and uploaded.
  const exactOnDevice = !dt.isFloatingPoint || (Number.isInteger(start) && Number.isInteger(step) && Math.abs(start) + Math.abs(step) * n < 2 ** 24);
  const onDevice = exactOnDevice ? deviceFactory("arange", [n], dt, { arange: [first, stride] }, a.device, a.requiresGrad) : null;
  if (onDevice) return onDevice;
  const t = emptyTensor([n], dt);
  const enc = encoder(dt);
  const d = t.storage.data as unknown as (number | bigint)[];
  // Float arange in PyTorch computes start + i * step in double, then casts.
  for (let i = 0; i < n; i++) d[i] = enc(first + i * stride);
  const r = finishFactory(t, a);
  // The exporter folds an arange into a constant, or builds a Range when its length follows a dynamic axis.
  if (tracing.on) traceOp("arange", [], r, { start: first, step: stride, n, dtype: dt.name });
  return r;
}

/** An int64 arange whose bounds pass 2^53: counted and stepped in BigInt (doubles would merge neighbours). */
function bigArange(start: bigint, end: bigint, step: bigint): Tensor {
  const sign = step > 0n ? 1n : -1n;
  const count = (end - start + step - sign) / step;
  const n = count > 0n ? Number(count) : 0;
  const t = emptyTensor([n], int64);
  const d = t.storage.data as BigInt64Array;
  for (let i = 0; i < n; i++) d[i] = BigInt.asIntN(64, start + BigInt(i) * step);
  return t;
}

/** torch.linspace(start, end, steps): PyTorch's symmetric formula (from both ends). */
export function linspace(start: number, end: number, steps: number, options?: FactoryOptions & OutOption): Tensor;
export function linspace<A extends Rebound<[start: number, end: number, steps: number], ["start", "end", "steps"], FactoryOptions & OutOption>>(...args: A): Tensor;
export function linspace(start: number, end: number, steps: number, options: FactoryOptions & OutOption = {}): Tensor {
  if (arguments.length > 4) checkArgs("linspace", arguments, 3, [...FACTORY_KW, "out"]); else if (arguments.length <= 3 && isOptionsObject(arguments.length === 3 ? steps : arguments.length === 2 ? end : start)) return rebind(linspace, "linspace", arguments, ["start", "end", "steps"], 3, [...FACTORY_KW, "out"]);
  if (hasOut([options])) return withOut("linspace", [options], (rest) => linspace(start, end, steps, rest[0] as FactoryOptions), "cast", true);
  const opts = bindArgs("linspace", [options], [], FACTORY_KW);
  checkSpaceArgs("linspace", start, end, steps);
  if (steps < 0) throw new Error("linspace: number of steps must be non-negative");
  const dt = dtypeOpt(opts, getDefaultDtype());
  const t = emptyTensor([steps], dt);
  const d = t.storage.data as unknown as (number | bigint)[];
  const enc = encoder(dt);
  if (dt === float32) {
    // PyTorch's kernel computes in float32, with its own fused and vectorized roundings.
    linspaceFloat32(Math.fround(start), Math.fround(end), steps).forEach((v, i) => { d[i] = enc(v); });
    return finishFactory(t, opts);
  }
  const r = (v: number): number => v;
  const [from, to] = [r(start), r(end)];
  const step = steps > 1 ? r((to - from) / (steps - 1)) : 0;
  // The first half counts up from start, the rest down from end; one step is start alone.
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) d[i] = enc(i < half ? r(from + r(step * i)) : r(to - r(step * (steps - i - 1))));
  return finishFactory(t, opts);
}

/** linspace's and logspace's start, end (Numbers) and steps (an int), as Python's argument parser checks them. */
function checkSpaceArgs(op: string, start: unknown, end: unknown, steps: unknown): void {
  checkNumberArg(op, "start", 1, start);
  checkNumberArg(op, "end", 2, end);
  checkIntArg(op, "steps", 3, steps);
}

export function logspace(start: number, end: number, steps: number, base?: number | FactoryOptions & { base?: number } & OutOption, options?: FactoryOptions & OutOption): Tensor;
export function logspace<A extends Rebound<[start: number, end: number, steps: number, base?: number | FactoryOptions & { base?: number } & OutOption], ["start", "end", "steps", "base?"], FactoryOptions & OutOption>>(...args: A): Tensor;
export function logspace(
  start: number, end: number, steps: number, base: number | FactoryOptions & { base?: number } & OutOption = 10, options: FactoryOptions & OutOption = {},
): Tensor {
  if (arguments.length > 4) checkArgs("logspace", arguments, 4, [...FACTORY_KW, "base", "out"]); else if (isOptionsObject(arguments.length === 4 ? base : arguments.length === 3 ? steps : arguments.length === 2 ? end : start)) return rebind(logspace, "logspace", arguments, ["start", "end", "steps", "base"], 3, [...FACTORY_KW, "base", "out"]);
  if (hasOut([typeof base === "number" ? options : base])) return withOut("logspace", [typeof base === "number" ? options : base],
    (rest) => (typeof base === "number" ? logspace(start, end, steps, base, rest[0] as FactoryOptions) : logspace(start, end, steps, rest[0] as FactoryOptions)), "cast", true);
  let b = 10;
  let opts: FactoryOptions & { base?: number } = options;
  if (typeof base === "number") b = base;
  else { opts = base; b = base.base ?? 10; }
  if (opts.base !== undefined && typeof base === "number") throw new Error("logspace() got multiple values for argument 'base'");
  checkSpaceArgs("logspace", start, end, steps);
  checkNumberArg("logspace", "base", 4, b);
  if (steps < 0) throw new Error("logspace: number of steps must be non-negative");
  const { base: _ignored, ...rest } = opts as FactoryOptions & { base?: number };
  void _ignored;
  const dt = rest.dtype ? toDType(rest.dtype) : getDefaultDtype();
  const lin = linspace(start, end, steps, { dtype: float64 });
  const vals = (lin.tolist() as number[]).map((v) => Math.pow(b, v));
  return tensor(vals, { ...rest, dtype: dt });
}

/** torch.eye(n, m?). */
export function eye(n: number, m?: number | (FactoryOptions & OutOption), options?: FactoryOptions & OutOption): Tensor;
export function eye<A extends Rebound<[n: number, m?: number | (FactoryOptions & OutOption)], ["n", "m?"], FactoryOptions & OutOption>>(...args: A): Tensor;
export function eye(n: number, m?: number | (FactoryOptions & OutOption), options: FactoryOptions & OutOption = {}): Tensor {
  if (arguments.length > 2) checkArgs("eye", arguments, 2, [...FACTORY_KW, "out"]); else if (isOptionsObject(arguments.length === 2 ? m : n)) return rebind(eye, "eye", arguments, ["n", "m"], 1, [...FACTORY_KW, "out"]);
  let cols = n;
  let opts = options;
  if (typeof m === "number") cols = m;
  else if (m === null && arguments.length >= 2) throw invalidCombination("eye", [n, m]);
  else if (m) opts = m;
  if (hasOut([opts])) return withOut("eye", [opts], (rest) => eye(n, cols, rest[0] as FactoryOptions), "cast", true);
  bindArgs("eye", [opts], [], FACTORY_KW);
  for (const [name, v] of [["n", n], ["m", cols]] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new Error(`eye(): argument '${name}' (position ${name === "n" ? 1 : 2}) must be int, not ${pyType(v)}`);
    if (v < 0) throw new Error(`${name} must be greater or equal to 0, got ${v}`);
  }
  const onDevice = deviceFactory("eye", [n, cols], opts.dtype ? toDType(opts.dtype) : getDefaultDtype(), { eye: true }, opts.device, opts.requiresGrad);
  if (onDevice) return onDevice;
  const t = zeros([n, cols], opts.dtype ? { dtype: opts.dtype } : {});
  if (t.dtype.isComplex) {
    // The real parts of the diagonal's (re, im) pairs.
    const pairs = (t.storage as ComplexStorage).pairs;
    for (let i = 0; i < Math.min(n, cols); i++) pairs[2 * (i * cols + i)] = 1;
    return finishFactory(t, opts as Record<string, unknown>);
  }
  const d = t.storage.data as unknown as (number | bigint)[];
  const one = encoder(t.dtype)(1);
  for (let i = 0; i < Math.min(n, cols); i++) d[i * cols + i] = one;
  return finishFactory(t, opts as Record<string, unknown>);
}

/** tril_indices/triu_indices: int row, col and offset, row and col non-negative (PyTorch's words). */
function checkTriangleArgs(op: string, row: unknown, col: unknown, offset: unknown): void {
  for (const [name, v] of [["row", row], ["col", col], ["offset", offset]] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new Error(`${op}(): argument '${name}' must be int, not ${describe(v)}`);
  }
  if ((row as number) < 0) throw new Error(`row must be non-negative, got${row as number}`);
  if ((col as number) < 0) throw new Error(`col must be non-negative, got${col as number}`);
}

/** sum of clamp(k, 0, col) for k from a to b (0 when b < a). */
function clampedSum(a: number, b: number, col: number): number {
  // The k inside (0, col] add up as an arithmetic series, those above col add col each (kept
  // apart, not as differences of prefix sums, which lose the exact count at 2^40 sizes).
  const lo = Math.max(a, 1), hi = Math.min(b, col);
  const inside = hi >= lo ? ((lo + hi) * (hi - lo + 1)) / 2 : 0;
  const above = Math.max(0, b - Math.max(a, col + 1) + 1);
  return inside + above * col;
}

/**
 * The [2, N] row and column indices of a triangle of a row x col matrix: lower (j - i <= offset)
 * or upper (j - i >= offset). N is counted first, so that a triangle too large for memory is the
 * allocator's error (growing JS arrays to it killed V8), and only its columns are visited.
 */
function triangleIndices(row: number, col: number, off: number, lower: boolean, opts: FactoryOptions): Tensor {
  const n = lower ? clampedSum(off + 1, off + row, col) : row * col - clampedSum(off, off + row - 1, col);
  const dtype = dtypeOpt(opts as Record<string, unknown>, int64);
  const t = emptyTensor([2, n], dtype);
  const enc = encoder(dtype);
  const d = t.storage.data as unknown as (number | bigint)[];
  let k = 0;
  for (let i = 0; i < row && k < n; i++) {
    const [from, to] = lower ? [0, Math.min(col, i + off + 1)] : [Math.max(0, i + off), col];
    for (let j = from; j < to; j++, k++) { d[k] = enc(i); d[n + k] = enc(j); }
  }
  return opts.device === undefined || opts.device === null ? t : t.to(opts.device);
}

/** torch.tril_indices(row, col, offset = 0): int64 [2, N]. */
export function trilIndices(row: number, col: number, offset?: number | FactoryOptions, options?: FactoryOptions): Tensor;
export function trilIndices<A extends Rebound<[row: number, col: number, offset?: number | FactoryOptions], ["row", "col", "offset?"], FactoryOptions>>(...args: A): Tensor;
export function trilIndices(row: number, col: number, offset: number | FactoryOptions = 0, options: FactoryOptions = {}): Tensor {
  if (arguments.length > 3) checkArgs("tril_indices", arguments, 3, [...FACTORY_KW, "offset"]); else if (isOptionsObject(arguments.length === 3 ? offset : arguments.length === 2 ? col : row)) return rebind(trilIndices, "tril_indices", arguments, ["row", "col", "offset"], 2, [...FACTORY_KW, "offset"]);
  const opts = typeof offset === "number" ? options : offset;
  const a = bindArgs("tril_indices", [opts], [], [...FACTORY_KW, "offset"]);
  const off = typeof offset === "number" ? offset : (a.offset as number | undefined) ?? 0;
  checkTriangleArgs("tril_indices", row, col, off);
  return triangleIndices(row, col, off, true, opts);
}

/** torch.triu_indices(row, col, offset = 0): int64 [2, N]. */
export function triuIndices(row: number, col: number, offset?: number | FactoryOptions, options?: FactoryOptions): Tensor;
export function triuIndices<A extends Rebound<[row: number, col: number, offset?: number | FactoryOptions], ["row", "col", "offset?"], FactoryOptions>>(...args: A): Tensor;
export function triuIndices(row: number, col: number, offset: number | FactoryOptions = 0, options: FactoryOptions = {}): Tensor {
  if (arguments.length > 3) checkArgs("triu_indices", arguments, 3, [...FACTORY_KW, "offset"]); else if (isOptionsObject(arguments.length === 3 ? offset : arguments.length === 2 ? col : row)) return rebind(triuIndices, "triu_indices", arguments, ["row", "col", "offset"], 2, [...FACTORY_KW, "offset"]);
  const opts = typeof offset === "number" ? options : offset;
  const a = bindArgs("triu_indices", [opts], [], [...FACTORY_KW, "offset"]);
  const off = typeof offset === "number" ? offset : (a.offset as number | undefined) ?? 0;
  checkTriangleArgs("triu_indices", row, col, off);
  return triangleIndices(row, col, off, false, opts);
}

declare module "../core/tensor.js" {
  interface Tensor {
    newZeros: Method<typeof newZeros>;
    newOnes: Method<typeof newOnes>;
    newEmpty: Method<typeof newEmpty>;
    newFull: Method<typeof newFull>;
    newTensor: Method<typeof newTensor>;
    new: Method<typeof legacyNew>;
  }
}
installMethods({ newZeros, newOnes, newEmpty, newFull, newTensor, new: legacyNew });

