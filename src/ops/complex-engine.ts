// Moving complex numbers: the raw real views of a complex tensor (no autograd), and the copies
// and fills that engine.ts's copyInto / fillTensor hand over when a complex tensor takes part.
// A complex storage interleaves (re, im); its real view has a trailing dim of 2 with stride 1.

import { Tensor } from "../core/tensor.js";
import { ConjStorage, NegStorage } from "../core/lazy-storage.js";
import { complex32, cppTypeName, realOf } from "../core/dtype.js";
import { allowComplexHalf, type Storage } from "../core/storage.js";
import type { Complex } from "../core/complex.js";
import { warnOnce } from "../core/warnings.js";
import { record } from "../autograd/record.js";
import { copyInto, fillTensor, readable } from "./engine.js";

/**
 * The float view of a complex tensor: shape [...shape, 2] over the same memory (no autograd), for
 * kernels to read or write. A conjugate view's values are read resolved (only its own elements:
 * engine.ts readable), as PyTorch's conjugate fallback materializes its inputs; lazyRealView keeps its memory.
 * `transient`: the caller drops the view before returning (a copy or fill through it), so the
 * complex storage keeps giving its buffer back to the caching allocator (Storage._reinterpret).
 */
export function rawRealView(z: Tensor, transient = false): Tensor {
  return lazyRealView(z.storage instanceof ConjStorage ? readable(z) : z, transient);
}

/** The float view over a complex tensor's own memory: a conjugate view's reads its imaginary parts negated (a negative alias; view ops keep the bit through it). */
export function lazyRealView(z: Tensor, transient = false): Tensor {
  const storage = z.storage._reinterpret(realOf(z.dtype), transient)!;
  return new Tensor(storage, [...z._shape, 2], [...z._strides.map((s) => 2 * s), 1], 2 * z._offset);
}

/** The real (part 0) or imaginary (part 1) numbers of a complex tensor, as a float view for kernels (no autograd; a conjugate view's resolved, `transient` as rawRealView's). */
export function rawPart(z: Tensor, part: 0 | 1, transient = false): Tensor {
  return lazyPart(z.storage instanceof ConjStorage ? readable(z) : z, part, transient);
}

/** A part over the complex tensor's own memory: torch.real / torch.imag (a conjugate view's imaginary parts are a negative view). */
export function lazyPart(z: Tensor, part: 0 | 1, transient = false): Tensor {
  const storage = z.storage instanceof ConjStorage ? conjugatePart(z.storage, part, transient) : z.storage._reinterpret(realOf(z.dtype), transient)!;
  return new Tensor(storage, z._shape.slice(), z._strides.map((s) => 2 * s), 2 * z._offset + part);
}

/** A part of a conjugate view: the real parts as they are, the imaginary parts through a negative view (PyTorch's x.conj().imag.is_neg()). */
function conjugatePart(storage: ConjStorage, part: 0 | 1, transient: boolean): Storage {
  const physical = storage._physical._reinterpret(realOf(storage.dtype), transient)!;
  return part === 0 ? physical : new NegStorage(physical, "all");
}

/**
 * PyTorch's _neg_view: the same memory read negated (the negative bit toggled: a negative view of
 * a negative view is its memory's plain view). Ops that keep the bit (repeat_interleave) strip it,
 * compute on the memory, and set it again.
 */
export function negView(x: Tensor): Tensor {
  const s = x.storage;
  const out = new Tensor(s instanceof NegStorage && s.negated === "all" ? s._physical : new NegStorage(s, "all"), x._shape.slice(), x._strides.slice(), x._offset);
  out._names = x._names;
  out._base = x._base ?? x;
  out._viewHistory = out._base._historyVersion;
  return record("NegViewBackward0", [x], out, ([g]) => [g!.neg()]);
}

const DISCARD_IMAG = "Casting complex values to real discards the imaginary part";

/** copyInto when either side is complex: part by part, a real source filling the real parts. */
export function copyComplex(dst: Tensor, src: Tensor): void {
  if (dst.dtype === complex32 || src.dtype === complex32) { allowComplexHalf(() => copyComplexParts(dst, src)); return; }
  copyComplexParts(dst, src);
}

function copyComplexParts(dst: Tensor, src: Tensor): void {
  if (dst.dtype.isComplex && src.dtype.isComplex) return copyInto(rawRealView(dst, true), rawRealView(src, true));
  if (dst.dtype.isComplex) {
    copyInto(rawPart(dst, 0, true), src);
    fillTensor(rawPart(dst, 1, true), 0);
    return;
  }
  warnOnce(DISCARD_IMAG);
  copyInto(dst, rawPart(src, 0, true));
}

/** fillTensor of a complex tensor: a real value fills the real parts (imaginary parts 0). */
export function fillComplex(z: Tensor, value: number | bigint | boolean | Complex): void {
  if (!z.dtype.isComplex) throw new Error(`value cannot be converted to type ${cppTypeName(z.dtype)} without overflow`);
  const [re, im] = typeof value === "object" ? [value.re, value.im] : [Number(value), 0];
  const [rePart, imPart] = allowComplexHalf(() => [rawPart(z, 0, true), rawPart(z, 1, true)]);
  fillTensor(rePart, re);
  fillTensor(imPart, im);
}
