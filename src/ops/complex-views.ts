// Complex tensors seen as real ones and made from real ones: torch.view_as_real, view_as_complex,
// complex, polar. The views share memory (a complex64 element is two float32s); gradients follow
// PyTorch's convention (dL/dx + i dL/dy for z = x + iy), which is what flows through these views.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { ConjStorage } from "../core/lazy-storage.js";
import { allowComplexHalf } from "../core/storage.js";
import { type StorageArray, complex32, complexOf, float16, float32, float64, scalarTypeName } from "../core/dtype.js";
import { broadcastShapes, shapesEqual } from "../core/shape.js";
import { record, sumToShape } from "../autograd/record.js";
import { imag as imagPart, real as realPart } from "./conjugation.js";
import { checkArgs, checkTensor, isOptionsObject, rebind, type Rebound } from "./args.js";
import { copyInto, emptyTensor, uninitTensor } from "./engine.js";
import { rawPart, rawRealView } from "./complex-engine.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

/** torch.view_as_real(input): a complex tensor's numbers as a real tensor of shape [..., 2] (a view). */
export function viewAsReal(input: Tensor): Tensor;
export function viewAsReal<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function viewAsReal(input: Tensor): Tensor {
  if (arguments.length > 1) checkArgs("view_as_real", arguments, 1); else if (isOptionsObject(input)) return rebind(viewAsReal, "view_as_real", arguments, ["input"], 1, []);
  checkTensor("view_as_real", "input", input);
  if (!input.dtype.isComplex) throw new Error("view_as_real is only supported for complex tensors");
  if (input.storage instanceof ConjStorage) throw new Error("view_as_real doesn't work on unresolved conjugated tensors.  To resolve the conjugate tensor so you can view it as real, use self.resolve_conj(); however, be warned that the resulting tensor will NOT alias the original.");
  // complex32 too: PyTorch views its float16 parts.
  return record("ViewAsRealBackward0", [input], allowComplexHalf(() => rawRealView(input)), ([g]) => [viewAsComplex(g!.contiguous())]);
}

/** torch.view_as_complex(input): a float32/float64 tensor of shape [..., 2] as complex numbers (a view). */
export function viewAsComplex(input: Tensor): Tensor;
export function viewAsComplex<A extends Rebound<[input: Tensor], ["input"]>>(...args: A): Tensor;
export function viewAsComplex(input: Tensor): Tensor {
  if (autocasting.on && autocasts("view_as_complex", arguments)) return runAutocast(viewAsComplex, arguments);
  if (arguments.length > 1) checkArgs("view_as_complex", arguments, 1); else if (isOptionsObject(input)) return rebind(viewAsComplex, "view_as_complex", arguments, ["input"], 1, []);
  checkTensor("view_as_complex", "input", input);
  // float16 pairs view as complex32, as PyTorch's view_as_complex of a Half tensor.
  if (input.dtype !== float32 && input.dtype !== float64 && input.dtype !== float16) {
    throw new Error(`view_as_complex is only supported for float and double tensors, but got a tensor of scalar type: ${scalarTypeName(input.dtype)}`);
  }
  const nd = input.dim();
  if (nd === 0) throw new Error("Input tensor must have one or more dimensions");
  if (input._shape[nd - 1] !== 2) throw new Error("Tensor must have a last dimension of size 2");
  if (input._strides[nd - 1] !== 1) throw new Error("Tensor must have a last dimension with stride 1");
  for (let d = 0; d < nd - 1; d++) if (input._strides[d]! % 2 !== 0) throw new Error("Tensor must have a stride divisible by 2 for all but last dimension");
  if (input._offset % 2 !== 0) throw new Error("Tensor must have a storage_offset divisible by 2");
  if (onDevice(input)) throw notImplementedOnDevice("view_as_complex");
  const storage = input.storage._reinterpret(input.dtype === float16 ? complex32 : complexOf(input.dtype));
  if (!storage) throw new Error(`view_as_complex(): the storage starts at byte ${input.storage.data.byteOffset} of its buffer, not a multiple of ${2 * input.dtype.itemsize}`);
  const out = new Tensor(storage, input._shape.slice(0, -1), input._strides.slice(0, -1).map((s) => s / 2), input._offset / 2);
  return record("ViewAsComplexBackward0", [input], out, ([g]) => [viewAsReal(g!.resolveConj())]);
}

/** torch.complex(real, imag): a complex tensor from its parts (same float dtype, broadcast). */
export function complex(real: Tensor, imag: Tensor): Tensor;
export function complex<A extends Rebound<[real: Tensor, imag: Tensor], ["real", "imag"]>>(...args: A): Tensor;
export function complex(real: Tensor, imag: Tensor): Tensor {
  if (arguments.length > 2) checkArgs("complex", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? imag : real)) return rebind(complex, "complex", arguments, ["real", "imag"], 2, []);
  checkTensor("complex", "real", real);
  checkTensor("complex", "imag", imag);
  const isPartDtype = (t: Tensor): boolean => t.dtype === float32 || t.dtype === float64 || t.dtype === float16;
  if (!isPartDtype(real) || !isPartDtype(imag)) {
    throw new Error(`Expected both inputs to be Half, Float or Double tensors but got ${scalarTypeName(real.dtype)} and ${scalarTypeName(imag.dtype)}`);
  }
  if (real.dtype !== imag.dtype) throw new Error(`Expected object of scalar type ${scalarTypeName(real.dtype)} but got scalar type ${scalarTypeName(imag.dtype)} for second argument`);
  if (onDevice(real, imag)) throw notImplementedOnDevice("complex");
  const shape = broadcastShapes(real._shape, imag._shape);
  const sameLayout = shapesEqual(real._shape, shape) && shapesEqual(imag._shape, shape) && real.isContiguous() && imag.isContiguous();
  const out = sameLayout ? uninitTensor(shape, real.dtype === float16 ? complex32 : complexOf(real.dtype)) : emptyTensor(shape, real.dtype === float16 ? complex32 : complexOf(real.dtype));
  if (sameLayout) interleave(out.storage._array, real, imag);
  else {
    const [re, im] = allowComplexHalf(() => [rawPart(out, 0, true), rawPart(out, 1, true)]);
    copyInto(re, real);
    copyInto(im, imag);
  }
  const realShape = real.shape, imagShape = imag.shape;
  return record("ComplexBackward0", [real, imag], out, ([g]) => [sumToShape(realPart(g!), realShape), sumToShape(imagPart(g!), imagShape)]);
}

/**
 * The pairs of a new complex tensor from contiguous parts of its shape, in one pass (the copies
 * into the two stride-2 part views cost ~10x more: 20 ms against 2 for 1M complex64 elements).
 * float16 parts move as their bits into a complex32 tensor's halves.
 */
function interleave(pairs: StorageArray, real: Tensor, imag: Tensor): void {
  const re = real.storage.data, im = imag.storage.data, n = real.numel(), ro = real._offset, io = imag._offset;
  // One loop per array type: a loop that has seen several element kinds runs several times slower.
  if (pairs instanceof Float32Array) interleaveF32(pairs, re as Float32Array, im as Float32Array, n, ro, io);
  else if (pairs instanceof Float64Array) interleaveF64(pairs, re as Float64Array, im as Float64Array, n, ro, io);
  else interleaveU16(pairs as Uint16Array, re as Uint16Array, im as Uint16Array, n, ro, io);
}
function interleaveF32(out: Float32Array, a: Float32Array, b: Float32Array, n: number, ro: number, io: number): void {
  for (let k = 0; k < n; k++) { out[2 * k] = a[ro + k]!; out[2 * k + 1] = b[io + k]!; }
}
function interleaveF64(out: Float64Array, a: Float64Array, b: Float64Array, n: number, ro: number, io: number): void {
  for (let k = 0; k < n; k++) { out[2 * k] = a[ro + k]!; out[2 * k + 1] = b[io + k]!; }
}
function interleaveU16(out: Uint16Array, a: Uint16Array, b: Uint16Array, n: number, ro: number, io: number): void {
  for (let k = 0; k < n; k++) { out[2 * k] = a[ro + k]!; out[2 * k + 1] = b[io + k]!; }
}

/** torch.polar(abs, angle): abs * (cos(angle) + i sin(angle)). */
export function polar(abs: Tensor, angle: Tensor): Tensor;
export function polar<A extends Rebound<[abs: Tensor, angle: Tensor], ["abs", "angle"]>>(...args: A): Tensor;
export function polar(abs: Tensor, angle: Tensor): Tensor {
  if (autocasting.on && autocasts("polar", arguments)) return runAutocast(polar, arguments);
  if (arguments.length > 2) checkArgs("polar", arguments, 2); else if (isOptionsObject(arguments.length === 2 ? angle : abs)) return rebind(polar, "polar", arguments, ["abs", "angle"], 2, []);
  checkTensor("polar", "abs", abs);
  checkTensor("polar", "angle", angle);
  if (abs.dtype !== angle.dtype || (abs.dtype !== float32 && abs.dtype !== float64)) {
    throw new Error(`Expected both inputs to be Half, Float or Double tensors but got ${scalarTypeName(abs.dtype)} and ${scalarTypeName(angle.dtype)}`);
  }
  return complex(abs.mul(angle.cos()), abs.mul(angle.sin()));
}
