// torch.stft and torch.istft, composites as ATen's SpectralOps.cpp writes them: frames are a
// strided view (Tensor.unfold), windowed, and transformed by the FFT primitives of fft-engine.ts;
// istft overlap-adds the inverse transforms (F.fold) and divides by the window's squared
// envelope. Gradients flow through the ops they are built from. Complex tensors go through their
// real views (viewAsReal) wherever a real op does the work.

import { autocasting } from "../amp/state.js";
import { autocasts, runAutocast } from "../amp/hook.js";
import { Tensor } from "../core/tensor.js";
import { realOf, scalarTypeName } from "../core/dtype.js";
import { type Args, type Method, bindArgs, checkBool, checkInt, checkTensor, describe, installMethods } from "./args.js";
import { ones } from "./creation.js";
import { fftC2C, fftC2R, fftR2C, fftR2CFrames, type FftNormalization } from "./fft-engine.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { forwardGrads } from "../autograd/forward-grad.js";
import { tracing } from "../onnx/hook.js";
import { viewAsReal } from "./complex-views.js";
import { realView } from "./complex-parts.js";
import { throughRealView } from "./complex-parts.js";
import { constantPad } from "../nn/functional/padding-ops.js";
import { pad as fPad, type PadMode } from "../nn/functional/padding.js";
import { fold } from "../nn/functional/conv.js";
import { sizesStr, warnOnce } from "../nn/functional/loss-util.js";
import { cat } from "./shape-join.js";
import { notImplementedOnDevice, onDevice } from "./device-hooks.js";

type StftOptions = {
  hopLength?: number | null; winLength?: number | null; window?: Tensor | null; center?: boolean;
  padMode?: PadMode; normalized?: boolean; onesided?: boolean | null; returnComplex?: boolean | null;
};
type IstftOptions = {
  hopLength?: number | null; winLength?: number | null; window?: Tensor | null; center?: boolean;
  normalized?: boolean; onesided?: boolean | null; length?: number | null; returnComplex?: boolean;
};

/**
 * throughRealView with the real result made contiguous first: transposed/moved views become
 * viewable as complex, and stft/istft hand on (and return) contiguous tensors.
 */
function contiguousThroughRealView(z: Tensor, f: (r: Tensor) => Tensor): Tensor {
  return throughRealView(z, (r) => f(r).contiguous());
}

function optionalInt(op: string, name: string, v: unknown): number | null {
  return v === undefined || v === null ? null : checkInt(op, name, v);
}

function optionalBool(op: string, name: string, v: unknown): boolean | null {
  return v === undefined || v === null ? null : checkBool(op, name, v);
}

function optionalWindow(op: string, v: unknown): Tensor | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Tensor)) throw new Error(`${op}(): argument 'window' must be Tensor, not ${describe(v)}`);
  return v;
}

/**
 * F.pad(x, [p, p], "reflect") along the last dim of an [N, C, L] view, as two flipped slices
 * around the signal: the same values and gradient as F.pad's index gather, at a fraction of its
 * cost on long signals.
 */
function reflectPad(x: Tensor, p: number): Tensor {
  const n = x.shape[x.dim() - 1]!;
  if (p >= n) {
    throw new Error(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${p}, ${p}) at dimension ${x.dim() - 1} of input ${sizesStr(x.shape)}`);
  }
  if (p === 0) return x;
  return cat([x.narrow(-1, 1, p).flip(-1), x, x.narrow(-1, n - 1 - p, p).flip(-1)], -1);
}

/** PyTorch's repr of a tensor in stft/istft errors: torch.FloatTensor[28]. */
function typeRepr(t: Tensor, braces = false): string {
  const shape = `[${t.shape.join(", ")}]`;
  return `torch.${scalarTypeName(t.dtype)}Tensor${braces ? `{${shape}}` : shape}`;
}

/** The window as n_fft values: centred and zero-padded when shorter; a rectangle of ones by default. */
function fullWindow(window: Tensor | null, winLength: number, nFft: number, like: Tensor): Tensor | null {
  if (window === null && winLength === nFft) return null;
  const w = window ?? ones([winLength], { dtype: like.dtype.isComplex ? realOf(like.dtype) : like.dtype });
  if (winLength === nFft) return w;
  const left = Math.floor((nFft - winLength) / 2), right = nFft - winLength - left;
  return w.isComplex() ? contiguousThroughRealView(w, (r) => constantPad(r, [0, 0, left, right], 0)) : constantPad(w, [left, right], 0);
}

/**
 * Whether stft's frames can go to the FFT kernel straight from the signal (fftR2CFrames): a real
 * float32/float64 signal, a window of its dtype or none, and nothing that records the ops.
 */
function framesDirect(signal: Tensor, w: Tensor | null): boolean {
  const d = signal.dtype.name;
  if ((d !== "float32" && d !== "float64") || (w !== null && w.dtype !== signal.dtype)) return false;
  if (tracing.on || forwardGrads.on) return false;
  return !isGradEnabled() || (!signal.requiresGrad && !(w?.requiresGrad ?? false));
}

/**
 * torch.stft(input, n_fft, hop_length?, win_length?, window?, center=True, pad_mode='reflect',
 * normalized=False, onesided?, return_complex?): the short-time Fourier transform of a 1-D signal
 * or a batch [B, L] of them, as [(B,) freq, frames]. Real inputs must say return_complex (as
 * PyTorch 2.x requires); return_complex=false gives the deprecated real view [..., 2].
 */
export function stft(input: Tensor, nFft: number, ...args: Args<[hopLength?: number | null, winLength?: number | null, window?: Tensor | null, center?: boolean, padMode?: PadMode, normalized?: boolean, onesided?: boolean | null, returnComplex?: boolean | null], StftOptions>): Tensor {
  if (autocasting.on && autocasts("stft", arguments)) return runAutocast(stft, arguments);
  const op = "stft";
  checkTensor(op, "input", input);
  if (onDevice(input)) throw notImplementedOnDevice(op);
  const a = bindArgs(op, args, ["hopLength", "winLength", "window", "center", "padMode", "normalized", "onesided", "returnComplex"], [], 2);
  checkInt(op, "n_fft", nFft);
  const hop = optionalInt(op, "hop_length", a.hopLength) ?? nFft >> 2;
  const winLength = optionalInt(op, "win_length", a.winLength) ?? nFft;
  const window = optionalWindow(op, a.window);
  const center = a.center === undefined ? true : checkBool(op, "center", a.center);
  const padMode = (a.padMode ?? "reflect") as PadMode;
  const normalized = a.normalized === undefined ? false : checkBool(op, "normalized", a.normalized);
  const onesidedArg = optionalBool(op, "onesided", a.onesided);
  const returnComplex = optionalBool(op, "return_complex", a.returnComplex);
  const complexInput = input.isComplex() || (window !== null && window.isComplex());
  if (returnComplex === null && !complexInput) {
    throw new Error("stft requires the return_complex parameter be given for real inputs, and will further require that return_complex=True in a future PyTorch release.");
  }
  if (returnComplex === false) warnOnce("stft with return_complex=False is deprecated. In a future pytorch release, stft will return complex tensors for all inputs, and return_complex=False will raise an error.");
  const signalDim = input.dim();
  if (signalDim !== 1 && signalDim !== 2) throw new Error(`${op}: expected a 1D or 2D tensor, but got a tensor of shape [${input.shape.join(", ")}]`);

  let x = input;
  if (center) {
    // F.pad's non-constant modes take [N, C, L]: the signal is viewed as that and back.
    const half = nFft >> 1;
    const padded = (r: Tensor, lead: number[]): Tensor => {
      const view = r.reshape([...lead, ...r.shape.slice(-1)]);
      const out = padMode === "reflect" ? reflectPad(view, half) : fPad(view, [half, half], padMode);
      return out.reshape([...r.shape.slice(0, -1), r.shape[r.dim() - 1]! + 2 * half]);
    };
    if (x.isComplex()) {
      // The pair dim goes in front as the batch of the [N, C, L] view.
      x = contiguousThroughRealView(x, (r) => padded(r.movedim(-1, 0), [2, signalDim === 1 ? 1 : x.shape[0]!]).movedim(0, -1));
    } else x = padded(x, signalDim === 1 ? [1, 1] : [1, x.shape[0]!]);
  }
  const batched = x.dim() === 1 ? (x.isComplex() ? contiguousThroughRealView(x, (r) => r.unsqueeze(0)) : x.unsqueeze(0)) : x;
  const length = batched.shape[1]!;
  const onesidedRepr = onesidedArg === null ? "None" : onesidedArg ? "1" : "0";
  const prefix = `stft(${typeRepr(x)}, n_fft=${nFft}, hop_length=${hop}, win_length=${winLength}, window=${window ? typeRepr(window, true) : "None"}, normalized=${normalized ? 1 : 0}, onesided=${onesidedRepr}, return_complex=${returnComplex ? 1 : 0}) : `;
  if (nFft <= 0 || nFft > length) throw new Error(`${prefix}expected 0 < n_fft < ${length}, but got n_fft=${nFft}`);
  if (hop <= 0) throw new Error(`${prefix}expected hop_length > 0, but got hop_length=${hop}`);
  if (winLength <= 0 || winLength > nFft) throw new Error(`${prefix}expected 0 < win_length <= n_fft, but got win_length=${winLength}`);
  if (window !== null && (window.dim() !== 1 || window.shape[0] !== winLength)) {
    throw new Error(`${prefix}expected a 1D window tensor of size equal to win_length=${winLength}, but got window with size [${window.shape.join(", ")}]`);
  }
  const onesided = onesidedArg ?? !complexInput;
  if (complexInput && onesided) throw new Error("Cannot have onesided output if window or input is complex");

  const w = fullWindow(window, winLength, nFft, batched);
  const mode: FftNormalization = normalized ? "by_root_n" : "none";
  // Frames [B, frames, n_fft] (a complex signal's through its real view [B, frames, 2, n_fft]).
  const frames = batched.isComplex()
    ? contiguousThroughRealView(batched, (r) => r.unfold(1, nFft, hop).movedim(2, 3))
    : batched.unfold(1, nFft, hop);
  let spectrum: Tensor;
  if (framesDirect(batched, w)) spectrum = fftR2CFrames(batched, nFft, hop, w, mode, onesided);
  else {
    const windowed = w === null ? frames : frames.mul(w);
    spectrum = windowed.isComplex() ? fftC2C(windowed, [2], mode, true) : fftR2C(windowed, [2], mode, onesided);
  }
  // [B, freq, frames] as a transposed view, PyTorch's strides (its stft transposes in place).
  let out = spectrum.transpose(1, 2);
  if (signalDim === 1) out = out.squeeze(0);
  return returnComplex === false ? viewAsReal(out) : out;
}

/**
 * torch.istft(input, n_fft, hop_length?, win_length?, window?, center=True, normalized=False,
 * onesided?, length?, return_complex=False): the inverse of stft by overlap-add, for a complex
 * [(B,) freq, frames] input.
 */
export function istft(input: Tensor, nFft: number, ...args: Args<[hopLength?: number | null, winLength?: number | null, window?: Tensor | null, center?: boolean, normalized?: boolean, onesided?: boolean | null, length?: number | null, returnComplex?: boolean], IstftOptions>): Tensor {
  const op = "istft";
  checkTensor(op, "input", input);
  if (onDevice(input)) throw notImplementedOnDevice(op);
  const a = bindArgs(op, args, ["hopLength", "winLength", "window", "center", "normalized", "onesided", "length", "returnComplex"], [], 2);
  checkInt(op, "n_fft", nFft);
  const hop = optionalInt(op, "hop_length", a.hopLength) ?? nFft >> 2;
  const winLength = optionalInt(op, "win_length", a.winLength) ?? nFft;
  const window = optionalWindow(op, a.window);
  const center = a.center === undefined ? true : checkBool(op, "center", a.center);
  const normalized = a.normalized === undefined ? false : checkBool(op, "normalized", a.normalized);
  const onesidedArg = optionalBool(op, "onesided", a.onesided);
  const lengthArg = optionalInt(op, "length", a.length);
  const returnComplex = a.returnComplex === undefined ? false : checkBool(op, "return_complex", a.returnComplex);
  if (!input.isComplex()) throw new Error("istft requires a complex-valued input tensor");
  const inputDim = input.dim();
  const prefix = `istft(CPU${scalarTypeName(input.dtype)}Type[${input.shape.join(", ")}], n_fft=${nFft}, hop_length=${hop}, win_length=${winLength}, window=${window ? typeRepr(window, true) : "None"}, center=${center ? 1 : 0}, normalized=${normalized ? 1 : 0}, onesided=${onesidedArg === null ? "None" : onesidedArg ? 1 : 0}, length=${lengthArg ?? "None"}, return_complex=${returnComplex ? 1 : 0}) : `;
  if (input.numel() === 0) throw new Error(`${prefix}input tensor cannot be empty.`);
  // PyTorch counts the dims of the real view [..., 2].
  if (inputDim !== 2 && inputDim !== 3) throw new Error(`${prefix}expected a tensor with 3 or 4 dimensions, but got ${inputDim + 1}`);
  const nFrames = input.shape[inputDim - 1]!;
  const fftSize = input.shape[inputDim - 2]!;
  const expectedLength = nFft + hop * (nFrames - 1);
  const onesided = onesidedArg ?? fftSize !== nFft;
  if (onesided) {
    if (Math.floor(nFft / 2) + 1 !== fftSize) throw new Error(`${prefix}expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when onsided=True, but got ${fftSize}`);
  } else if (nFft !== fftSize) {
    throw new Error(`${prefix}expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when onsided=False, but got ${fftSize}`);
  }
  if (!(hop > 0 && hop <= winLength)) throw new Error(`${prefix}expected 0 < hop_length <= win_length`);
  if (!(winLength > 0 && winLength <= nFft)) throw new Error(`${prefix}expected 0 < win_length <= n_fft`);
  if (window !== null && (window.dim() !== 1 || window.shape[0] !== winLength)) {
    throw new Error(`${prefix}Invalid window shape. window has to be 1D and length of \`win_length\``);
  }
  if (returnComplex && onesided) throw new Error("Cannot have onesided output if window or input is complex");

  const w = fullWindow(window, winLength, nFft, input) ?? ones([nFft], { dtype: realOf(input.dtype) });
  // [(B,) freq, frames] → [B, frames, freq]
  const frames = contiguousThroughRealView(input, (r) => (inputDim === 2 ? r.unsqueeze(0) : r).transpose(1, 2));
  const batch = frames.shape[0]!;
  const mode: FftNormalization = normalized ? "by_root_n" : "by_n";
  // Overlap-add of [rows, frames, n_fft] into [rows, expectedLength] (F.fold with a 1 × n_fft kernel).
  const overlapAddReal = (t: Tensor): Tensor =>
    fold(t.transpose(1, 2), { outputSize: [1, expectedLength], kernelSize: [1, nFft], stride: [1, hop] }).reshape([t.shape[0]!, expectedLength]);
  // Overlap-add of [rows, frames, n_fft] into [rows, expectedLength] (F.fold with a 1 × n_fft
  // kernel); complex rows add their real and imaginary parts as 2·rows real ones.
  const overlapAdd = (t: Tensor): Tensor => {
    if (!t.isComplex()) return overlapAddReal(t);
    const rows = t.shape[0]!;
    return contiguousThroughRealView(t, (r) =>
      overlapAddReal(r.movedim(-1, 1).reshape([2 * rows, nFrames, nFft])).reshape([rows, 2, expectedLength]).movedim(1, -1));
  };
  let y: Tensor;
  if (returnComplex) {
    y = overlapAdd(fftC2C(frames, [2], mode, false).mul(w));
  } else {
    if (w.isComplex()) throw new Error("Complex windows are incompatible with return_complex=False");
    const half = onesided ? frames : contiguousThroughRealView(frames, (r) => r.narrow(2, 0, Math.floor(nFft / 2) + 1));
    y = overlapAdd(fftC2R(half, [2], mode, nFft).mul(w));
  }
  const envelope = overlapAdd(w.mul(w).reshape([1, 1, nFft]).expand([1, nFrames, nFft]));

  const start = center ? nFft >> 1 : 0;
  const end = lengthArg !== null ? start + lengthArg : center ? expectedLength - (nFft >> 1) : expectedLength;
  const stop = Math.min(end, expectedLength);
  const take = (t: Tensor): Tensor => (t.isComplex() ? contiguousThroughRealView(t, (r) => r.narrow(1, start, Math.max(stop - start, 0))) : t.narrow(1, start, Math.max(stop - start, 0)));
  y = take(y);
  const env = take(envelope);
  const magnitude = env.isComplex() ? realView(env).square().sum(-1).sqrt() : env.abs();
  const lowest = env.numel() === 0 ? Infinity : (magnitude.min().item() as number);
  if (lowest < 1e-11) throw new Error(`${prefix}window overlap add min: ${lowest}`);
  y = y.isComplex() && !env.isComplex() ? contiguousThroughRealView(y, (r) => r.div(env.unsqueeze(-1))) : y.div(env);
  if (inputDim === 2) y = y.isComplex() ? contiguousThroughRealView(y, (r) => r.squeeze(0)) : y.squeeze(0);
  if (end > expectedLength) {
    warnOnce("The length of signal is shorter than the length parameter. Result is being padded with zeros in the tail. Please check your center and hop_length settings.");
    const missing = end - expectedLength;
    y = y.isComplex() ? contiguousThroughRealView(y, (r) => constantPad(r, [0, 0, 0, missing], 0)) : constantPad(y, [0, missing], 0);
  }
  return y;
}

declare module "../core/tensor.js" {
  interface Tensor {
    stft: Method<typeof stft>;
    istft: Method<typeof istft>;
  }
}
installMethods({ stft, istft });
