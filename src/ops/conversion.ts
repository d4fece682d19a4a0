// dtype and device conversion (to, type, float(), ...), copy_, fill_, zero_.

import { isNested } from "../core/nested-kind.js";
import { nestedRefusal } from "./nested-engine.js";
import type { Complex } from "../core/complex.js";
import { hideNames, isNamed, nameAll, namesOf } from "./named-engine.js";
import { eitherNamed, keepNamed } from "./named-rules.js";
import { isSparse } from "../core/sparse-tensor.js";
import { sparseCast, sparseCopy_, sparseZero_ } from "./sparse-dispatch.js";
import { isCompressed } from "../core/sparse-compressed-tensor.js";
import { compressedCast, compressedZero_ } from "./sparse-compressed-dispatch.js";
import { Tensor } from "../core/tensor.js";
import { currentOpName } from "../core/op-name.js";
import { notImplementedFor } from "./pointwise-util.js";
import { type DType, type DTypeLike, DType as DTypeClass, toDType, isDTypeName, bfloat16, bool, complex32, complex64, complex128, float16, float32, float64, int16, int32, int64, int8, uint8, scalarTypeName } from "../core/dtype.js";
import { type DeviceLike, Device, toDevice } from "../core/storage.js";
import { record } from "../autograd/record.js";
import { traceOp, tracing } from "../onnx/hook.js";
import { installMethods, type Method, isOptionsObject, checkTensor, checkArgs, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor, fillTensor, uninitLike } from "./engine.js";
import { type MemoryFormat, memoryFormatArg, preserveFormat, suggestMemoryFormat } from "../core/memory-format.js";
import { applyInPlace } from "./inplace.js";
import { deviceOp, onDevice, toDeviceHook } from "./device-hooks.js";
import { shapeStr } from "../core/shape.js";
import { broadcastShapes } from "../core/shape.js";
import { batching, isBatched } from "../func/batched-tensor.js";
import { unaryRule } from "../func/batching-rules.js";

export interface ToOptions { dtype?: DTypeLike | null; device?: DeviceLike | null; copy?: boolean; nonBlocking?: boolean; memoryFormat?: MemoryFormat | null }

/** A copy of `input` converted to `dtype` (autograd: ToCopyBackward0). */
export function castTo(input: Tensor, dtype: DType, forceCopy = false, discardImaginary = false, memoryFormat: MemoryFormat | null = null): Tensor {
  if (input.dtype === dtype && !forceCopy) return input;
  if (batching.on && memoryFormat === null && isBatched(input)) return unaryRule(input, (p) => castTo(p, dtype, forceCopy, discardImaginary));
  if (isNamed(input)) return keepNamed(input, [], () => castTo(input, dtype, forceCopy, discardImaginary));
  if (isSparse(input)) return sparseCast(input, dtype);
  if (isNested(input)) throw nestedRefusal("_to_copy");
  if (isCompressed(input)) return compressedCast(input, dtype);
  // Ops cast their inputs to the dtype they compute in: a complex input reaching a real kernel that
  // way is refused (only the explicit conversions, x.to / x.float() / ..., drop the imaginary parts).
  if (input.dtype.isComplex && !dtype.isComplex && !discardImaginary) throw notImplementedFor(currentOpName(), input.dtype);
  // copyInto writes every element: the CPU output need not be zeroed first.
  const out = onDevice(input) ? deviceOp("empty", "to")(input.shape, dtype) : uninitLike(input, dtype, memoryFormat);
  copyInto(out, input);
  if (!dtype.isDifferentiable || !input.dtype.isDifferentiable) {
    if (tracing.on) traceOp("cast", [input], out);
    return out;
  }
  const from = input.dtype;
  // A real input takes the real part of a complex gradient (PyTorch's _to_copy backward).
  return record("ToCopyBackward0", [input], out, ([g]) => [(g!.dtype.isComplex && !from.isComplex ? g!.real : g!).to(from)]);
}

/**
 * x.to(dtype), x.to(device), x.to(other), x.to(device, dtype), x.to({ dtype, device, copy }).
 * Returns `x` itself when nothing changes (as PyTorch does), unless copy is set.
 */
export function to(input: Tensor, ...args: (DTypeLike | DeviceLike | Tensor | ToOptions | boolean | null)[]): Tensor {
  let dtype: DType | null = null;
  let device: Device | null = null;
  let copy = false;
  let memoryFormat: MemoryFormat | null = null;
  for (const a of args) {
    if (a === null || a === undefined || typeof a === "boolean") continue;
    if (a instanceof Tensor) { dtype = a.dtype; device = a.device; }
    else if (a instanceof DTypeClass) dtype = a;
    else if (a instanceof Device) device = a;
    // PyTorch reads a string as a device; torch-ts also takes dtype names
    else if (typeof a === "string") {
      if (isDTypeName(a)) dtype = toDType(a as DTypeLike);
      else device = toDevice(a as DeviceLike);
    } else if (isOptionsObject(a)) {
      const o = a as ToOptions;
      for (const k of Object.keys(o)) if (!["dtype", "device", "copy", "nonBlocking", "memoryFormat"].includes(k)) throw new Error(`to() got an unexpected keyword argument '${k}'`);
      if (o.dtype) dtype = toDType(o.dtype);
      if (o.device) device = toDevice(o.device);
      if (o.copy) copy = true;
      memoryFormat = memoryFormatArg("to", o.memoryFormat);
    } else throw new Error(`to() received an invalid combination of arguments`);
  }
  // PyTorch returns input itself when neither dtype nor device changes and the format is preserve
  // or the one input's strides suggest (so a transposed matrix is already "contiguous_format" here).
  const reformat = memoryFormat !== null && memoryFormat !== preserveFormat && suggestMemoryFormat(input._shape, input._strides) !== memoryFormat;
  let r = input;
  if (dtype || reformat) r = castTo(r, dtype ?? r.dtype, copy || reformat, true, memoryFormat);
  else if (copy) r = isNested(r) ? noNestedCopy() : r.clone();
  if (device && device.type !== r.device.type) {
    if (isSparse(r)) throw new Error(`to(): sparse COO tensors are CPU only in torch-ts (asked for ${device})`);
    if (isNested(r)) throw nestedRefusal("_to_copy");
    r = toDeviceHook(r, device);
  }
  return r;
}

/** to(copy=True) of a nested tensor: _to_copy, which 1.13 has no nested kernel for. */
function noNestedCopy(): never {
  throw nestedRefusal("_to_copy");
}

export function type(input: Tensor, dtype?: DTypeLike): Tensor | string {
  // PyTorch's legacy type name: torch.FloatTensor, torch.LongTensor, torch.ComplexFloatTensor, ...
  if (dtype === undefined) return `torch.${input.dtype.category === "quantized" ? "quantized." : ""}${scalarTypeName(input.dtype)}Tensor`;
  return castTo(input, toDType(dtype), false, true);
}

export function typeAs(input: Tensor, other: Tensor): Tensor;
export function typeAs<A extends Rebound<[input: Tensor, other: Tensor], ["input", "other"]>>(...args: A): Tensor;
export function typeAs(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("type_as", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? other : input)) return rebind(typeAs, "type_as", arguments, ["input", "other"], 2, []);
  return castTo(input, other.dtype, false, true);
}
export function cpu(input: Tensor): Tensor;
export function cpu<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function cpu(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("cpu", arguments, 1); else if (isOptionsObject(input)) return rebind(cpu, "cpu", arguments, ["input"], 1, []);
  return to(input, "cpu");
}
export const float = (x: Tensor): Tensor => castTo(x, float32, false, true);
export const double = (x: Tensor): Tensor => castTo(x, float64, false, true);
export const half = (x: Tensor): Tensor => castTo(x, float16, false, true);
export const bfloat16_ = (x: Tensor): Tensor => castTo(x, bfloat16, false, true);
export const int = (x: Tensor): Tensor => castTo(x, int32, false, true);
export const long = (x: Tensor): Tensor => castTo(x, int64, false, true);
export const short = (x: Tensor): Tensor => castTo(x, int16, false, true);
export const char = (x: Tensor): Tensor => castTo(x, int8, false, true);
export const byte = (x: Tensor): Tensor => castTo(x, uint8, false, true);
export const bool_ = (x: Tensor): Tensor => castTo(x, bool, false, true);
// Tensor methods only: torch.cfloat / torch.cdouble stay the dtypes (index.ts exports those by name).
export const cfloat = (x: Tensor): Tensor => castTo(x, complex64, false, true);
export const cdouble = (x: Tensor): Tensor => castTo(x, complex128, false, true);
export const chalf = (x: Tensor): Tensor => castTo(x, complex32, false, true);

/** self.copy_(src): broadcasting src into self, converting dtype. */
export function copy_(self: Tensor, src: Tensor, _nonBlocking = false): Tensor {
  checkTensor("copy_", "src", src);
  if (eitherNamed(self, src)) {
    // self keeps its names (an unnamed self takes src's, as an out tensor does).
    const names = self._names === null ? namesOf(src) : namesOf(self);
    return nameAll(hideNames([self, src], () => copy_(self, src)), names.length === self.dim() ? names : namesOf(self));
  }
  if (isSparse(self) || isSparse(src)) return sparseCopy_(self, src);
  const shape = broadcastShapes(self.shape, src.shape);
  if (shape.join() !== self.shape.join()) {
    throw new Error(`copy_: output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
  }
  const r = applyInPlace("copy_", self, [src], () => copyInto(self, src), (snap) => {
    // The gradient flows to src only; self's old value is overwritten.
    const out = emptyTensor(self.shape, self.dtype);
    copyInto(out, src);
    const srcDtype = src.dtype, srcShape = src.shape;
    return record("torch::autograd::CopyBackwards", [snap, src], out, ([g]) => [g!.mul(0), g!.sumToSize(srcShape).to(srcDtype)]);
  });
  if (tracing.on) traceOp("copy_", [self, src], self);
  return r;
}

export function fill_(self: Tensor, value: number | bigint | boolean | Complex | Tensor): Tensor;
export function fill_<A extends Rebound<[self: Tensor, value: number | bigint | boolean | Complex | Tensor], ["self", "value"]>>(...args: A): Tensor;
export function fill_(self: Tensor, value: number | bigint | boolean | Complex | Tensor): Tensor {
  if (arguments.length > 2) checkArgs("fill_", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? value : self)) return rebind(fill_, "fill_", arguments, ["self", "value"], 2, []);
  if (value instanceof Tensor && value.dim() !== 0) {
    throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
  }
  if (isNested(self)) throw nestedRefusal(value instanceof Tensor ? "fill_.Tensor" : "fill_.Scalar");
  return fillInPlace(self, value, value instanceof Tensor ? "FillBackward3" : "FillBackward2");
}

/** @internal fill_ under its node's name (PyTorch's fill_.Scalar, fill_.Tensor, zero_ and fill each have their own). */
export function fillInPlace(self: Tensor, value: number | bigint | boolean | Complex | Tensor, node: string): Tensor {
  const v = value instanceof Tensor ? (value.dtype.isComplex ? value.item() : value._realItem()) : value;
  const valueT = value instanceof Tensor ? value : null;
  return applyInPlace("fill_", self, [valueT], () => fillTensor(self, v), (snap) => {
    const out = emptyTensor(self.shape, self.dtype);
    fillTensor(out, v);
    // fill_.Tensor's value gets the sum of the gradient (its node has that second edge).
    if (valueT === null) return record(node, [snap], out, ([g]) => [g!.mul(0)]);
    const valueDtype = valueT.dtype;
    return record(node, [snap, valueT], out, ([g]) => [g!.mul(0), g!.sum().to(valueDtype)]);
  });
}

export function zero_(self: Tensor): Tensor;
export function zero_<A extends Rebound<[self: Tensor], ["self"]>>(...args: A): Tensor;
export function zero_(self: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("zero_", arguments, 1); else if (isOptionsObject(self)) return rebind(zero_, "zero_", arguments, ["self"], 1, []);
  if (isSparse(self)) return sparseZero_(self);
  if (isCompressed(self)) return compressedZero_(self);
  if (isNested(self)) return fill_(self, 0);
  return fillInPlace(self, 0, "ZeroBackward0");
}

/**
 * Tensor.fill_diagonal_ (a method only, as in PyTorch): fills the main diagonal (all indices equal)
 * through an as_strided view, as PyTorch does, so autograd sees an in-place fill of a view
 * (CopySlices). With wrap, a tall matrix's diagonal restarts N+1 rows down (numpy's fill_diagonal).
 */
function fillDiagonal_(self: Tensor, fillValue: number | bigint | boolean | Tensor, wrap = false): Tensor {
  if (arguments.length > 3) checkArgs("fill_diagonal_", arguments, 3, []);
  else if (isOptionsObject(arguments.length === 3 ? wrap : arguments.length === 2 ? fillValue : self)) return rebind(fillDiagonal_, "fill_diagonal_", arguments, ["self", "fillValue", "wrap"], 2, []);
  checkTensor("fill_diagonal_", "self", self);
  const nDims = self.dim();
  if (nDims < 2) throw new Error("fill_diagonal_: dimensions must larger than 1");
  const [height, width] = self._shape as [number, number];
  if (nDims > 2 && self._shape.some((n) => n !== height)) throw new Error("fill_diagonal_: all dimensions of input must be of equal length");
  const size = Math.min(height, width);
  const stride = self._strides.reduce((a, b) => a + b, 0);
  fill_(self.asStrided([size], [stride], self._offset), fillValue);
  if (wrap && nDims === 2 && height > width + 1) {
    const step = width + 1;
    const wrapSize = Math.ceil(self.numel() / step) - size;
    fill_(self.asStrided([wrapSize], [stride], self._offset + self._strides[0]! * (width + 1)), fillValue);
  }
  return self;
}

declare module "../core/tensor.js" {
  interface Tensor {
    fillDiagonal_: Method<typeof fillDiagonal_>;
    to: Method<typeof to>;
    type: Method<typeof type>;
    typeAs: Method<typeof typeAs>;
    cpu: Method<typeof cpu>;
    float: Method<typeof float>;
    double: Method<typeof double>;
    half: Method<typeof half>;
    bfloat16: Method<typeof bfloat16_>;
    int: Method<typeof int>;
    long: Method<typeof long>;
    short: Method<typeof short>;
    char: Method<typeof char>;
    byte: Method<typeof byte>;
    bool: Method<typeof bool_>;
    cfloat: Method<typeof cfloat>;
    cdouble: Method<typeof cdouble>;
    chalf: Method<typeof chalf>;
    copy_: Method<typeof copy_>;
    fill_: Method<typeof fill_>;
    zero_: Method<typeof zero_>;
  }
}

installMethods({
  fillDiagonal_,
  to, type, typeAs, cpu, float, double, half, bfloat16: bfloat16_, int, long, short, char, byte, bool: bool_, cfloat, cdouble, chalf, copy_, fill_, zero_,
});
