// torch.fft: PyTorch's discrete Fourier transforms (fft, ifft, rfft, irfft, hfft, ihfft and their
// 2-d / n-d forms), composites over the primitives of fft-engine.ts as ATen's SpectralOps.cpp
// writes them: PyTorch's arguments (n / s, dim, norm), dtype rules (integers → the default float
// dtype, float32 → complex64, float64 → complex128, float16/bfloat16 refused as on PyTorch's CPU),
// zero-padding / trimming to n, and error messages. The helpers (fftfreq, rfftfreq, fftshift,
// ifftshift) are in fft-helpers.ts. CPU only: a webgpu tensor gets the device's error.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import type { Tensor } from "../core/tensor.js";
import { type DType, complexOf, getDefaultDtype, scalarTypeName } from "../core/dtype.js";
import { normalizeDim } from "../core/shape.js";
import { type Args, bindArgs, checkInt, checkTensor, describe } from "./args.js";
import { castTo } from "./conversion.js";
import { conj, conjPhysical } from "./conjugation.js";
import { type FftNormalization, fftC2C, fftC2R, fftR2C, padComplexEnd } from "./fft-engine.js";
import { throughRealView } from "./complex-parts.js";
import { constantPad } from "../nn/functional/padding-ops.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

export { fftshift, ifftshift } from "./fft-helpers.js";
export { fftfreq, rfftfreq } from "./default-device.js";

/** PyTorch's norm argument: which direction is scaled (by 1/n), or both by 1/√n. */
export type FftNorm = "backward" | "ortho" | "forward";

type OneDimOptions = { n?: number | null; dim?: number; norm?: FftNorm | null };
type OneDimArgs = Args<[n?: number | null, dim?: number, norm?: FftNorm | null], OneDimOptions>;
type ManyDimOptions = { s?: number[] | null; dim?: number | number[] | null; norm?: FftNorm | null };
type ManyDimArgs = Args<[s?: number[] | null, dim?: number | number[] | null, norm?: FftNorm | null], ManyDimOptions>;
type TwoDimOptions = { s?: number[] | null; dim?: number[]; norm?: FftNorm | null };
type TwoDimArgs = Args<[s?: number[] | null, dim?: number[], norm?: FftNorm | null], TwoDimOptions>;

// ---- arguments -------------------------------------------------------------------------------

/** ATen's norm_from_string: the scaling of a transform in direction `forward`. */
function normalization(op: string, norm: unknown, forward: boolean): FftNormalization {
  if (norm === undefined || norm === null || norm === "backward") return forward ? "none" : "by_n";
  if (norm === "forward") return forward ? "by_n" : "none";
  if (norm === "ortho") return "by_root_n";
  if (typeof norm !== "string") throw new Error(`${op}(): argument 'norm' must be str, not ${describe(norm)}`);
  throw new Error(`Invalid normalization mode: "${norm}"`);
}

/** A CPU tensor (the transforms have no device kernel: a webgpu tensor gets the device's error). */
function checkInput(op: string, input: unknown): Tensor {
  const x = checkTensor(op, "input", input);
  if (onDevice(x)) throw notImplementedOnDevice(op);
  return x;
}

function invalidPoints(n: number): Error {
  return new Error(`Invalid number of data points (${n}) specified`);
}

/** The input as the dtype the transform computes in: complex kept, ints → default float; float16 refused. */
function promote(x: Tensor, requireComplex: boolean): Tensor {
  const d = x.dtype;
  if (d.name === "float16" || d.name === "bfloat16") throw new Error(`Unsupported dtype ${scalarTypeName(d)}`);
  if (d.isComplex) return x;
  const real: DType = d.isFloatingPoint ? d : getDefaultDtype();
  return castTo(x, requireComplex ? complexOf(real) : real);
}

function requireReal(op: string, x: Tensor, words = "real"): void {
  if (x.dtype.isComplex) throw new Error(`${op} expects a ${words} input tensor, but got ${scalarTypeName(x.dtype)}`);
}

/** Zero-pads or trims x along each of `dims` to `sizes` (from the start), as ATen's resize_fft_input. */
function resize(x: Tensor, dims: readonly number[], sizes: readonly number[]): Tensor {
  let out = x;
  dims.forEach((d, i) => {
    const want = sizes[i]!, have = out.shape[d]!;
    if (want < have) out = out.isComplex() ? throughRealView(out, (r) => r.narrow(d, 0, want)) : out.narrow(d, 0, want);
    else if (want > have) {
      if (out.isComplex()) out = padComplexEnd(out, d, want - have);
      else {
        const pad = new Array<number>(2 * (out.dim() - d)).fill(0);
        pad[pad.length - 1] = want - have;
        out = constantPad(out, pad, 0);
      }
    }
  });
  return out;
}

/** The (n, dim) of a 1-d transform: dim wrapped, n checked (default: the input's size along dim). */
function oneDim(op: string, x: Tensor, args: readonly unknown[]): { n: number; dim: number; norm: unknown; given: boolean } {
  const a = bindArgs(op, args, ["n", "dim", "norm"], [], 1);
  const dim = normalizeDim(a.dim === undefined ? -1 : checkInt(op, "dim", a.dim), x.dim());
  const given = a.n !== undefined && a.n !== null;
  if (x.dim() === 0) {
    if (given) throw new Error(`dimension specified as ${a.dim ?? -1} but tensor has no dimensions`);
    throw invalidPoints(0);
  }
  const n = given ? checkInt(op, "n", a.n) : x.shape[dim]!;
  return { n, dim, norm: a.norm, given };
}

/** ATen's canonicalize_fft_shape_and_dim_args: the transformed dims and their signal sizes. */
function manyDims(op: string, x: Tensor, args: readonly unknown[], defaultDims: number[] | null): { shape: number[]; dims: number[]; norm: unknown; lastGiven: boolean } {
  const a = bindArgs(op, args, ["s", "dim", "norm"], [], 1);
  const ndim = x.dim();
  const s = a.s === undefined || a.s === null ? null : listOfInts(op, "s", a.s);
  // The 2-d forms' dim has a default but no None (PyTorch's signature: int[1] dim=[-2,-1]).
  if (a.dim === null && defaultDims !== null) throw new Error(`${op}(): argument 'dim' must be tuple of ints, not None`);
  const dimArg = a.dim === undefined ? defaultDims : a.dim === null ? null : listOfInts(op, "dim", a.dim);
  let dims: number[];
  if (dimArg !== null) {
    dims = dimArg.map((d) => normalizeDim(d, ndim));
    if (new Set(dims).size !== dims.length) throw new Error("FFT dims must be unique");
  } else dims = [];
  let shape: number[];
  if (s !== null) {
    if (dimArg !== null && dimArg.length !== s.length) throw new Error("When given, dim and shape arguments must have the same length");
    if (s.length > ndim) throw new Error(`Got shape with ${s.length} values but input tensor only has ${ndim} dimensions.`);
    if (dimArg === null) dims = Array.from({ length: s.length }, (_, i) => ndim - s.length + i);
    shape = s.map((v, i) => (v === -1 ? x.shape[dims[i]!]! : v));
  } else {
    if (dimArg === null) dims = Array.from({ length: ndim }, (_, i) => i);
    shape = dims.map((d) => x.shape[d]!);
  }
  if (ndim === 0 && dims.length === 0 && (dimArg !== null || s === null)) throw new Error("ndim must be >= 1");
  for (const n of shape) if (n <= 0) throw invalidPoints(n);
  return { shape, dims, norm: a.norm, lastGiven: s !== null && s[s.length - 1] !== -1 };
}

function listOfInts(op: string, name: string, v: unknown): number[] {
  if (typeof v === "number") return [checkInt(op, name, v)];
  if (Array.isArray(v)) return v.map((x) => checkInt(op, name, x));
  throw new Error(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
}

// ---- 1-d transforms --------------------------------------------------------------------------

/** fft / ifft: complex input → c2c; real input → the two-sided r2c (conjugated for ifft). */
function c2cOrR2c(op: string, input: Tensor, args: readonly unknown[], forward: boolean): Tensor {
  checkInput(op, input);
  const { n, dim, norm } = oneDim(op, input, args);
  if (n < 1) throw invalidPoints(n);
  const mode = normalization(op, norm, forward);
  if (input.isComplex()) return fftC2C(resize(promote(input, false), [dim], [n]), [dim], mode, forward);
  const y = fftR2C(resize(promote(input, false), [dim], [n]), [dim], mode, false);
  return forward ? y : conj(y);
}

/** rfft / ihfft: a real input's one-sided transform (conjugated for ihfft). */
function r2cOneSided(op: string, name: string, input: Tensor, args: readonly unknown[], forward: boolean): Tensor {
  checkInput(op, input);
  requireReal(name, input);
  const { n, dim, norm } = oneDim(op, input, args);
  if (n < 1) throw invalidPoints(n);
  const y = fftR2C(resize(promote(input, false), [dim], [n]), [dim], normalization(op, norm, forward), true);
  return forward ? y : conj(y);
}

/** irfft / hfft: a Hermitian spectrum's real signal of length n (default 2·(size - 1)). */
function c2rOneDim(op: string, input: Tensor, args: readonly unknown[], forward: boolean): Tensor {
  checkInput(op, input);
  const { n: size, dim, norm, given } = oneDim(op, input, args);
  const n = given ? size : 2 * (size - 1);
  if (n < 1) throw invalidPoints(n);
  const mode = normalization(op, norm, forward);
  let x = promote(input, true);
  if (given) x = resize(x, [dim], [Math.floor(n / 2) + 1]);
  return fftC2R(forward ? conj(x) : x, [dim], mode, n);
}

/** torch.fft.fft(input, n?, dim=-1, norm?): the discrete Fourier transform along one dim. */
export function fft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_fft", arguments)) return runAutocast(fft, arguments);
  return c2cOrR2c("fft_fft", input, args, true);
}

/** torch.fft.ifft(input, n?, dim=-1, norm?): the inverse transform along one dim. */
export function ifft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_ifft", arguments)) return runAutocast(ifft, arguments);
  return c2cOrR2c("fft_ifft", input, args, false);
}

/** torch.fft.rfft(input, n?, dim=-1, norm?): a real signal's n/2+1 non-negative frequencies. */
export function rfft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_rfft", arguments)) return runAutocast(rfft, arguments);
  return r2cOneSided("fft_rfft", "rfft", input, args, true);
}

/** torch.fft.irfft(input, n?, dim=-1, norm?): the inverse of rfft (output length n, default 2·(m-1)). */
export function irfft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_irfft", arguments)) return runAutocast(irfft, arguments);
  return c2rOneDim("fft_irfft", input, args, false);
}

/** torch.fft.hfft(input, n?, dim=-1, norm?): the transform of a Hermitian signal given by its first half. */
export function hfft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_hfft", arguments)) return runAutocast(hfft, arguments);
  return c2rOneDim("fft_hfft", input, args, true);
}

/** torch.fft.ihfft(input, n?, dim=-1, norm?): the inverse of hfft (a real input's one-sided inverse transform). */
export function ihfft(input: Tensor, ...args: OneDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_ihfft", arguments)) return runAutocast(ihfft, arguments);
  return r2cOneSided("fft_ihfft", "ihfft", input, args, false);
}

// ---- n-d transforms --------------------------------------------------------------------------

function c2cMany(op: string, input: Tensor, args: readonly unknown[], forward: boolean, defaultDims: number[] | null): Tensor {
  checkInput(op, input);
  const { shape, dims, norm } = manyDims(op, input, args, defaultDims);
  const x = resize(promote(input, true), dims, shape);
  return fftC2C(x, dims, normalization(op, norm, forward), forward);
}

function r2cMany(op: string, name: string, input: Tensor, args: readonly unknown[], forward: boolean, defaultDims: number[] | null): Tensor {
  checkInput(op, input);
  requireReal(name, input, "real-valued");
  const { shape, dims, norm } = manyDims(op, input, args, defaultDims);
  if (dims.length === 0) throw new Error(`${name} must transform at least one axis`);
  const x = resize(promote(input, false), dims, shape);
  const y = fftR2C(x, dims, normalization(op, norm, forward), true);
  // ihfft2/ihfftn conjugate in new memory; the 1-d ihfft/ifft return the conjugate view, as PyTorch's.
  return forward ? y : conjPhysical(y);
}

function c2rMany(op: string, name: string, input: Tensor, args: readonly unknown[], forward: boolean, defaultDims: number[] | null): Tensor {
  checkInput(op, input);
  const { shape, dims, norm, lastGiven } = manyDims(op, input, args, defaultDims);
  if (dims.length === 0) throw new Error(`${name} must transform at least one axis`);
  const lastDimSize = lastGiven ? shape[shape.length - 1]! : 2 * (input.shape[dims[dims.length - 1]!]! - 1);
  if (lastDimSize < 1) throw invalidPoints(lastDimSize);
  const sizes = shape.slice();
  sizes[sizes.length - 1] = Math.floor(lastDimSize / 2) + 1;
  const x = resize(promote(input, true), dims, sizes);
  return fftC2R(forward ? conj(x) : x, dims, normalization(op, norm, forward), lastDimSize);
}

const LAST_TWO = [-2, -1];

/** torch.fft.fftn(input, s?, dim?, norm?): the transform over dims (default: all, or the last len(s)). */
export function fftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_fftn", arguments)) return runAutocast(fftn, arguments);
  return c2cMany("fft_fftn", input, args, true, null);
}

/** torch.fft.ifftn(input, s?, dim?, norm?). */
export function ifftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_ifftn", arguments)) return runAutocast(ifftn, arguments);
  return c2cMany("fft_ifftn", input, args, false, null);
}

/** torch.fft.fft2(input, s?, dim=[-2, -1], norm?). */
export function fft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_fft2", arguments)) return runAutocast(fft2, arguments);
  return c2cMany("fft_fft2", input, args, true, LAST_TWO);
}

/** torch.fft.ifft2(input, s?, dim=[-2, -1], norm?). */
export function ifft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_ifft2", arguments)) return runAutocast(ifft2, arguments);
  return c2cMany("fft_ifft2", input, args, false, LAST_TWO);
}

/** torch.fft.rfftn(input, s?, dim?, norm?): one-sided along the last transformed dim. */
export function rfftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_rfftn", arguments)) return runAutocast(rfftn, arguments);
  return r2cMany("fft_rfftn", "rfftn", input, args, true, null);
}

/** torch.fft.rfft2(input, s?, dim=[-2, -1], norm?). */
export function rfft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_rfft2", arguments)) return runAutocast(rfft2, arguments);
  return r2cMany("fft_rfft2", "rfftn", input, args, true, LAST_TWO);
}

/** torch.fft.irfftn(input, s?, dim?, norm?): the inverse of rfftn. */
export function irfftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_irfftn", arguments)) return runAutocast(irfftn, arguments);
  return c2rMany("fft_irfftn", "irfftn", input, args, false, null);
}

/** torch.fft.irfft2(input, s?, dim=[-2, -1], norm?). */
export function irfft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  if (autocasting.on && autocasts("fft_irfft2", arguments)) return runAutocast(irfft2, arguments);
  return c2rMany("fft_irfft2", "irfftn", input, args, false, LAST_TWO);
}

/** torch.fft.hfftn(input, s?, dim?, norm?): the transform of a Hermitian-symmetric signal. */
export function hfftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  return c2rMany("fft_hfftn", "hfftn", input, args, true, null);
}

/** torch.fft.hfft2(input, s?, dim=[-2, -1], norm?). */
export function hfft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  return c2rMany("fft_hfft2", "hfftn", input, args, true, LAST_TWO);
}

/** torch.fft.ihfftn(input, s?, dim?, norm?): the inverse of hfftn. */
export function ihfftn(input: Tensor, ...args: ManyDimArgs): Tensor {
  return r2cMany("fft_ihfftn", "ihfftn", input, args, false, null);
}

/** torch.fft.ihfft2(input, s?, dim=[-2, -1], norm?). */
export function ihfft2(input: Tensor, ...args: TwoDimArgs): Tensor {
  return r2cMany("fft_ihfft2", "ihfftn", input, args, false, LAST_TWO);
}
