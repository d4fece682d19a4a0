// Unary math on complex tensors: unaryOp / unaryInPlace (pointwise-engine.ts) hand a complex input
// here. Values come from the pair kernels (complex-math-kernels.ts); gradients are PyTorch's
// formulas (derivatives.yaml: grad * f'(z).conj() for holomorphic f), written with public ops.

import { Tensor } from "../core/tensor.js";
import { type DType, complex32, complex64, float16, realOf, scalarTypeName } from "../core/dtype.js";
import { castTo } from "./conversion.js";
import { Complex } from "../core/complex.js";
import type { ComplexStorage } from "../core/storage.js";
import { record } from "../autograd/record.js";
import { noGrad } from "../autograd/grad-mode.js";
import { copyInto, emptyTensor, readable } from "./engine.js";
import { applyInPlace } from "./inplace.js";
import { notImplementedFor } from "./pointwise-util.js";
import * as K from "./complex-math-kernels.js";

type PairFn = (re: number, im: number) => K.Pair;

interface ComplexUnarySpec {
  node: string;
  f: PairFn;
  /** The result is real (abs, angle): f's first number. */
  realOut?: boolean;
  /** g, input, output -> grad of input. */
  vjp: (g: Tensor, z: Tensor, out: Tensor) => Tensor;
}

const squared = (z: Tensor): Tensor => z.mul(z);
/** grad * d.conj(): the chain rule of a holomorphic function whose derivative is d. */
const times = (g: Tensor, d: Tensor): Tensor => g.mul(d.conj());

const UNARY: Record<string, ComplexUnarySpec> = {
  neg: { node: "NegBackward0", f: (a, b) => [-a, -b], vjp: (g) => g.neg() },
  abs: { node: "AbsBackward0", f: (a, b) => [Math.hypot(a, b), 0], realOut: true, vjp: (g, z) => g.mul(z.sgn()) },
  angle: {
    node: "AngleBackward0", f: (a, b) => [Math.atan2(b, a), 0], realOut: true,
    // grad * i z / |z|^2, zero where z is 0 (PyTorch's angle_backward)
    vjp: (g, z) => { const r = z.abs(); return g.mul(z).div(r.mul(r)).mul(new Complex(0, 1)).where(r.ne(0), 0); },
  },
  sgn: {
    node: "SgnBackward0", f: (a, b) => { const r = Math.hypot(a, b); return r === 0 ? [0, 0] : [a / r, b / r]; },
    // (g - Re(g conj(sgn)) sgn) / |z|, zero where z is 0 (PyTorch's sgn_backward)
    vjp: (g, z, out) => { const r = z.abs(); return g.div(r).sub(g.mul(out.conj()).real.mul(out).div(r)).where(r.ne(0), 0); },
  },
  exp: { node: "ExpBackward0", f: K.cexp, vjp: (g, _z, out) => times(g, out) },
  log: { node: "LogBackward0", f: K.clog, vjp: (g, z) => g.div(z.conj()) },
  log2: { node: "Log2Backward0", f: (a, b) => { const [p, q] = K.clog(a, b); return [p / Math.LN2, q / Math.LN2]; }, vjp: (g, z) => g.div(z.conj().mul(Math.LN2)) },
  log10: { node: "Log10Backward0", f: (a, b) => { const [p, q] = K.clog(a, b); return [p / Math.LN10, q / Math.LN10]; }, vjp: (g, z) => g.div(z.conj().mul(Math.LN10)) },
  sqrt: { node: "SqrtBackward0", f: K.csqrt, vjp: (g, _z, out) => g.div(out.conj().mul(2)) },
  rsqrt: { node: "RsqrtBackward0", f: K.crsqrt, vjp: (g, _z, out) => times(g, out.mul(out).mul(out).mul(-0.5)) },
  reciprocal: { node: "ReciprocalBackward0", f: K.creciprocal, vjp: (g, _z, out) => times(g, out.mul(out).neg()) },
  sin: { node: "SinBackward0", f: K.csin, vjp: (g, z) => times(g, z.cos()) },
  cos: { node: "CosBackward0", f: K.ccos, vjp: (g, z) => times(g, z.sin().neg()) },
  tan: { node: "TanBackward0", f: K.ctan, vjp: (g, _z, out) => times(g, squared(out).add(1)) },
  sinh: { node: "SinhBackward0", f: K.csinh, vjp: (g, z) => times(g, z.cosh()) },
  cosh: { node: "CoshBackward0", f: K.ccosh, vjp: (g, z) => times(g, z.sinh()) },
  tanh: { node: "TanhBackward0", f: K.ctanh, vjp: (g, _z, out) => times(g, squared(out).neg().add(1)) },
  asin: { node: "AsinBackward0", f: K.casin, vjp: (g, z) => times(g, squared(z).neg().add(1).rsqrt()) },
  acos: { node: "AcosBackward0", f: K.cacos, vjp: (g, z) => times(g, squared(z).neg().add(1).rsqrt().neg()) },
  atan: { node: "AtanBackward0", f: K.catan, vjp: (g, z) => g.div(squared(z).add(1).conj()) },
  asinh: { node: "AsinhBackward0", f: K.casinh, vjp: (g, z) => times(g, squared(z).add(1).rsqrt()) },
  // 1 / (sqrt(z - 1) sqrt(z + 1)), not rsqrt(z^2 - 1): the two differ in sign off the right half-plane
  acosh: { node: "AcoshBackward0", f: K.cacosh, vjp: (g, z) => g.div(z.sub(1).sqrt().mul(z.add(1).sqrt()).conj()) },
  atanh: { node: "AtanhBackward0", f: K.catanh, vjp: (g, z) => g.div(squared(z).neg().add(1).conj()) },
  sigmoid: { node: "SigmoidBackward0", f: K.csigmoid, vjp: (g, _z, out) => times(g, out.neg().add(1).mul(out)) },
  sinc: {
    node: "SincBackward0", f: K.csinc,
    // (pi z cos(pi z) - sin(pi z)) / (pi z^2), zero at z = 0 (PyTorch's sinc_backward)
    vjp: (g, z) => { const pz = z.mul(Math.PI); return times(g, pz.mul(pz.cos()).sub(pz.sin()).div(pz.mul(z))).where(z.ne(0), 0); },
  },
};

/** The ops PyTorch 1.13 refuses on complex inputs in words other than the usual dispatch error. */
const REFUSED: Record<string, (type: string) => string> = {
  sign: () => "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.",
  expm1: (type) => `"expm1_vml_cpu" not implemented for '${type}'`,
  log1p: (type) => `"log1p_vml_cpu" not implemented for '${type}'`,
  round: (type) => `"round_vml_cpu" not implemented for '${type}'`,
  floor: () => "floor is not supported for complex inputs",
  ceil: () => "ceil is not supported for complex inputs",
  trunc: () => "trunc is not supported for complex inputs",
  deg2rad: () => "deg2rad is not supported for complex tensors.",
  rad2deg: () => "rad2deg is not supported for complex tensors.",
};

/** The ops whose refusal names PyTorch's vectorised (VML) kernel. */
const VML_KERNELS = new Set(["erf", "erfc", "erfinv", "lgamma", "i0"]);

function refusal(name: string, dtype: DType): Error {
  const words = REFUSED[name];
  if (words) return new Error(words(scalarTypeName(dtype)));
  return notImplementedFor(VML_KERNELS.has(name) ? `${name}_vml_cpu` : name === "logit" ? "logit_cpu" : name, dtype);
}

/** f applied to each element of z (no autograd): a complex tensor, or a real one for realOut. */
export function mapComplex(z: Tensor, f: PairFn, realOut = false): Tensor {
  const src = readable(z.detach().contiguous());
  const pairs = (src.storage as ComplexStorage).pairs;
  const base = 2 * src._offset, n = src.numel();
  const out = emptyTensor(z.shape, realOut ? realOf(z.dtype) : z.dtype);
  if (realOut) {
    const dst = out.storage.data as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) dst[i] = f(pairs[base + 2 * i]!, pairs[base + 2 * i + 1]!)[0];
  } else {
    const dst = (out.storage as ComplexStorage).pairs;
    for (let i = 0; i < n; i++) {
      const [re, im] = f(pairs[base + 2 * i]!, pairs[base + 2 * i + 1]!);
      dst[2 * i] = re;
      dst[2 * i + 1] = im;
    }
  }
  return out;
}

/** unaryOp of a complex input: `out` (out=) receives the value without recording. */
export function complexUnary(name: string, z: Tensor, out?: Tensor): Tensor {
  const spec = UNARY[name];
  if (!spec) throw refusal(name, z.dtype);
  if (z.dtype === complex32) return complexHalfUnary(name, spec.realOut === true, z, out);
  const res = mapComplex(z, spec.f, spec.realOut);
  if (out) { copyInto(out, res); return out; }
  return record(spec.node, [z], res, ([g]) => [spec.vjp(g!, z, res)], [z, res]);
}

/** The unary ops PyTorch 1.13's CPU computes on complex32. */
const COMPLEX_HALF_UNARY = new Set(["neg", "abs", "sgn"]);

/** A complex32 operand: computed in complex64, the result rounded to complex32 (abs: float16). */
function complexHalfUnary(name: string, realOut: boolean, z: Tensor, out?: Tensor): Tensor {
  if (!COMPLEX_HALF_UNARY.has(name)) throw refusal(name, z.dtype);
  const res = castTo(complexUnary(name, castTo(z, complex64)), realOut ? float16 : complex32);
  if (out) { noGrad(() => copyInto(out, res)); return out; }
  return res;
}

/** unaryInPlace of a complex tensor (abs_ refuses, as in PyTorch: its result is real). */
export function complexUnaryInPlace(name: string, self: Tensor, outOfPlace: (s: Tensor) => Tensor): Tensor {
  const spec = UNARY[name];
  if (!spec) throw refusal(name, self.dtype);
  if (spec.realOut) throw new Error(`In-place ${name} is not supported for complex tensors.`);
  if (self.dtype === complex32) return applyInPlace(name + "_", self, [], () => noGrad(() => copyInto(self, outOfPlace(self.detach()))), outOfPlace);
  return applyInPlace(name + "_", self, [], () => noGrad(() => copyInto(self, mapComplex(self, spec.f))), outOfPlace);
}
